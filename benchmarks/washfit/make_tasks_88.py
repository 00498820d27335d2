"""Batches 88-89 (fourteenth session): a fresh held-out read of the name maps. Renamed
literature with the writer's name map, drawn as ``make_tasks_84.py`` draws 84-87 (lit-names
10, lit-swap 2 each) from chapters and works no earlier batch uses, once the name reader's
third pass and its pairing of names before an ending were fitted on 23-24 and 84-85 and read
on 25-26 and 86-87. Held out before any was written, read once.

    python benchmarks/washfit/make_tasks_88.py [OUT_DIR]
"""

import sys

from make_tasks_84 import draw

if __name__ == "__main__":
    draw([88, 89], 20261288, sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen")
