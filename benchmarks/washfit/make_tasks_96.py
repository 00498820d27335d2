"""Batches 96-97 (fifteenth session): more 融梗 of three scenes from three books, drawn as
``make_tasks_94.py`` draws 94-95, once those were read (none found with all three chapters)
and before the residual was measured again after each further source. Held out before any
was written, read once.

    python benchmarks/washfit/make_tasks_96.py [OUT_DIR]
"""

import sys

from make_tasks_94 import draw

if __name__ == "__main__":
    draw(sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen", 20261296, [96, 97])
