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

import glob
import json
import random
from pathlib import Path

S = "/work/shared/data"
TASKS = Path("/work/fitgen")
HERE = Path(__file__).parent
SEED = 20261311

truth = [
    json.loads(line)
    for f in ("news", "literature")
    for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
]
used = {s["source_id"] for t in truth for s in t["sources"]}
used |= {a for t in truth for a in t.get("about", [])}
for f in sorted(glob.glob(str(HERE / "batch-*.jsonl"))):
    for line in open(f, encoding="utf-8"):
        used |= set(json.loads(line)["source_ids"])
for f in sorted(glob.glob(str(TASKS / "batch-*.json"))):
    for t in json.load(open(f, encoding="utf-8")):
        used |= {s["id"] for s in t["sources"]}

rng = random.Random(SEED)
stories = [json.loads(line) for line in open(f"{S}/news/cctv_xwlb_stories.jsonl", encoding="utf-8")]
pool = [
    {"id": d["id"], "title": d["title"], "body": d["body"]}
    for d in stories
    if d["id"] not in used
    and d["title"]
    and 350 <= len(d["body"]) <= 1200
    and "快讯" not in d["title"]
    and "联播" not in d["title"]
]
rows = [
    line.rstrip("\n").split("\t", 1) for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
]
th = [
    {"id": f"thuc-{i:04d}", "title": "", "category": c, "body": t}
    for i, (c, t) in enumerate(rows)
    if 400 <= len(t) <= 1200 and f"thuc-{i:04d}" not in used
]
rng.shuffle(pool)
rng.shuffle(th)
for b, sources in ((111, pool[:24]), (112, th[:12])):
    tasks = [
        {"task_id": f"fit{b}-indep-{i}", "style": "indep", "blind": True, "sources": [s]}
        for i, s in enumerate(sources)
    ]
    with open(TASKS / f"batch-{b}.json", "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    print(b, len(tasks))
