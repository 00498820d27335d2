"""Batches 46-50 (seventh session), all of THUCNews articles, 14 texts each, set to helpers:
46-49 to fit, 50 held out, the split fixed before any was written; then, once those had come
back, 51-53 (to fit) drawn on from the same shuffled pool with the styles 46-50 lacked (para,
expand, comment) beside deep and condensed washes. The task files of earlier
sessions were not kept, so the sources already used are read from the committed batches
(``source_ids``) and from the test set's truth."""

import glob
import json
import random
from pathlib import Path

S = "/work/shared/data"
OUT = Path("/work/fitgen")
HERE = Path(__file__).parent
truth = [
    json.loads(line)
    for f in ("news", "literature")
    for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
]
used = {s["source_id"] for t in truth for s in t["sources"]}
used |= {a for t in truth for a in t.get("about", [])}
for f in sorted(glob.glob(str(HERE / "batch-*.jsonl"))):
    if int(Path(f).stem.split("-")[1]) >= 46:  # (the batches this script draws)
        continue
    for line in open(f, encoding="utf-8"):
        used |= set(json.loads(line)["source_ids"])
rows = [
    line.rstrip("\n").split("\t", 1) for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
]


def task(tid: str, style: str, docs: list[tuple[str, str, str]]) -> dict:
    sources = [{"id": i, "title": "", "category": c, "body": t} for i, c, t in docs]
    return {"task_id": tid, "style": style, "sources": sources}


th = [
    (f"thuc-{i:04d}", c, t)
    for i, (c, t) in enumerate(rows)
    if 400 <= len(t) <= 1500 and f"thuc-{i:04d}" not in used
]
rng = random.Random(20261206)
rng.shuffle(th)


def merge(tid: str) -> dict:
    """A merge task: the next article and the first one left of its category that fits beside it."""
    a = th.pop()
    other = next(x for x in th if x[1] == a[1] and len(x[2]) + len(a[2]) <= 2200)
    th.remove(other)
    return task(tid, "merge", [a, other])


OUT.mkdir(exist_ok=True)
rounds = [
    (range(46, 51), [("deep", 4), ("cond", 4), ("indep", 3), ("selfmedia", 1)], 2),
    (
        range(51, 54),
        [("deep", 4), ("cond", 4), ("expand", 1), ("para", 1), ("selfmedia", 1), ("comment", 1)],
        1,
    ),
]
for batches, plan, merges in rounds:
    for b in batches:
        tasks = [task(f"fit{b}-{s}-{i}", s, [th.pop()]) for s, n in plan for i in range(n)]
        tasks += [merge(f"fit{b}-merge-{i}") for i in range(merges)]
        with open(OUT / f"batch-{b}.json", "w", encoding="utf-8") as f:
            json.dump(tasks, f, ensure_ascii=False)
