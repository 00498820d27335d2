"""Batches 113-116 (the session of 2026-12-07 night, at its start), all held out, the split fixed
before any was written: a seventh fresh held-out set of news in the test set's proportions (all
four of CCTV stories, drawn as ``make_tasks_54.py`` draws 54-57: the THUCNews articles of 400 to
1,500 characters no batch has used ran out), to read this release on washes nobody has looked at. The sources of every committed
batch are left out (the task files of earlier sessions are not kept).

    python benchmarks/washfit/make_tasks_113.py [OUT_DIR]
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen"
    sys.argv = [sys.argv[0], "113", "20261307", out, "cctv"]
    runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
