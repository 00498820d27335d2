"""Batches 62-65 (eighth session, later), all held out, the split fixed before any was written:
a second fresh held-out set in the test set's proportions, drawn after the residual rule and the
15% floor were fitted and read once on 55-57, to measure the shipped detector on more washes
nobody had looked at (55-57 are 39 washes). 62 and 63 of CCTV stories, 64 and 65 of THUCNews
articles, drawn as ``make_tasks_54.py`` draws 54-57, its sources left out and those of the task
files of 54-61 too."""

import runpy
import sys
from pathlib import Path

sys.argv = [sys.argv[0], "62", "20261262", *sys.argv[1:2]]
runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
