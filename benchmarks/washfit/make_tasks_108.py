"""Batches 108-110 (the session of 2026-12-07, at its start), all held out, the split fixed
before any was written: a third fresh read of the name maps (renamed literature with the
writer's name map, drawn as ``make_tasks_84.py`` draws 84-87), to measure this session's
reading of renames on retellings nobody has looked at.

    python benchmarks/washfit/make_tasks_108.py [OUT_DIR]
"""

import sys

from make_tasks_84 import draw

if __name__ == "__main__":
    draw([108, 109, 110], 20261308, sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen")
