"""Batches 76-79 (twelfth session), merges only, all to fit the further-source rule (like
58-61): the fit batches held 17 true second sources the first measure missed, too few to set
how a second report's facts are told on the residual. 76 and 77 of CCTV stories (two related
stories, nearest by shared facts at a cosine of 0.15-0.45), 78 and 79 of THUCNews articles
(two of one category); three in four with a main story (``"balance": "main"``), the kind the
first measure misses. Drawn by ``make_tasks_58.py``, the sources of every committed batch and
of the task files of 46-75 left out."""

import runpy
import sys
from pathlib import Path

sys.argv = [sys.argv[0], "76", "20261276", "4", *sys.argv[1:2]]
runpy.run_path(str(Path(__file__).with_name("make_tasks_58.py")), run_name="__main__")
