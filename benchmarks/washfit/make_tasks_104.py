"""Batches 104-107 (the session of 2026-12-06 night, at its start), all held out, the split fixed
before any was written and before this session changed anything: a sixth fresh held-out set of
news in the test set's proportions (104 and 105 of CCTV stories, 106 and 107 of THUCNews
articles, drawn as ``make_tasks_54.py`` draws 54-57), to measure this session's changes on
washes nobody has looked at. The sources of every committed batch and of the task files kept
under /work/fitgen are left out.

    python benchmarks/washfit/make_tasks_104.py [OUT_DIR]
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen"
    sys.argv = [sys.argv[0], "104", "20261304", out]
    runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
