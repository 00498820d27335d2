"""Batches 98-103 (the session of 2026-12-06 evening, at its start), all held out, the split fixed before any
was written: a fifth fresh held-out set of news in the test set's proportions (98 and 99 of
CCTV stories, 100 and 101 of THUCNews articles, drawn as ``make_tasks_54.py`` draws 54-57), and
a second fresh read of the name maps (102 and 103, renamed literature with the writer's name
map, drawn as ``make_tasks_84.py`` draws 84-87), to measure the release as it stands on washes
nobody has looked at. The sources of every committed batch and of the task files kept under
/work/fitgen are left out (a batch whose task file is gone is committed, and read so).

    python benchmarks/washfit/make_tasks_98.py [OUT_DIR]
"""

import runpy
import sys
from pathlib import Path

from make_tasks_84 import draw

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen"
    sys.argv = [sys.argv[0], "98", "20261298", out]
    runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
    draw([102, 103], 20261302, out)
