"""Batches 72-75 (eleventh session), all held out, the split fixed before any was written: a
fourth fresh held-out set in the test set's proportions, drawn after this session's changes
(numbers compared kind by kind, the thresholds' median over deals of the folds) were fitted and
read on the held-out batches, to measure them on washes nobody had looked at. 72 and 73 of CCTV
stories, 74 and 75 of THUCNews articles, drawn as ``make_tasks_54.py`` draws 54-57, the sources
of every committed batch and of the task files of 54-71 left out."""

import runpy
import sys
from pathlib import Path

sys.argv = [sys.argv[0], "72", "20261272", *sys.argv[1:2]]
runpy.run_path(str(Path(__file__).with_name("make_tasks_54.py")), run_name="__main__")
