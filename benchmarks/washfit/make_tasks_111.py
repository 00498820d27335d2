"""Batches 111-112 (session of 2026-12-07, morning), FIT batches, the split fixed before any was
written: independent reports of the same event written *blind*, as batches 66-67 (held out) were,
so that a reading of the wash score can be fitted against blind reports without reading 66-67.
What follows is 66-67's account of the method, which this script repeats with its own seed:
independent reports of the same event written *blind*. The ``indep`` texts of earlier batches were written
by a helper who had read the source and picked its facts, and they keep much of its wording
(character-bigram Dice over 0.8 on most aligned sentences): closer to a wash than to another
outlet's report. Here one helper reads each source and writes down its bare facts (stage 1,
``/work/fitgen/facts-111.json``), and other helpers, who never see the source, each write a
report from those facts alone (stage 2): the washes README's "written from a list of facts
rather than from the source's prose", kept strictly. 111: 24 CCTV stories, 112: the 8 THUCNews
articles of 400-1,200 characters left (12 were asked for), none used by any earlier batch, task file or the test set.

    python make_tasks_111.py
"""

from make_tasks_66 import draw

if __name__ == "__main__":
    draw((111, 24), (112, 12), 20261311)
