"""Batches 80-83 (twelfth session), merges only, all held out, the split fixed before any was
written: a fresh set to read the further-source rule fitted on 76-79 on merges nobody had
looked at. 80 and 81 of related CCTV stories, 82 and 83 of THUCNews articles of one
category; three in four with a main story. Drawn by ``make_tasks_58.py`` after 76-79, the
sources of every committed batch and of the task files of 46-79 left out."""

import runpy
import sys
from pathlib import Path

sys.argv = [sys.argv[0], "80", "20261280", "4", *sys.argv[1:2]]
runpy.run_path(str(Path(__file__).with_name("make_tasks_58.py")), run_name="__main__")
