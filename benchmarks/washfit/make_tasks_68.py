"""Batches 68-71 (ninth session, at its end), all held out, the split fixed before any was
written: a third fresh held-out set in the test set's proportions, drawn after this session's
changes were fitted and read, for the next session to measure on washes nobody has looked at.
68 and 69 of CCTV stories, 70 and 71 of THUCNews articles, drawn as ``make_tasks_54.py`` draws
54-57, the sources of every committed batch and of the task files of 54-67 left out."""

import runpy
import sys
from pathlib import Path

sys.argv = [sys.argv[0], "68", "20261268", *sys.argv[1:2]]
runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
