"""Batches 37-45 (sixth session), all of THUCNews articles: 37-44 set to helpers (37-42 to fit,
43-44 held out, split fixed before any was written; 37, 39 and 44 came back within the
session), and 45, written in the session itself from shorter articles (380-650 characters)
while they were awaited: five deep and five condensed washes, one expansion, two independent
reports; fitted on. Run as it was, reading the task files of the batches before it."""

import glob
import json
import random

S = "/work/shared/data"
OUT = "/work/fitgen"
truth = [
    json.loads(line)
    for f in ("news", "literature")
    for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
]
used = {s["source_id"] for t in truth for s in t["sources"]}
used |= {a for t in truth for a in t.get("about", [])}
for f in glob.glob(f"{OUT}/batch-*.json"):
    for t in json.load(open(f, encoding="utf-8")):
        used |= {s["id"] for s in t["sources"]}
rows = [
    line.rstrip("\n").split("\t", 1) for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
]


def task(tid: str, style: str, docs: list[tuple[str, str, str]]) -> dict:
    sources = [{"id": i, "title": "", "category": c, "body": t} for i, c, t in docs]
    return {"task_id": tid, "style": style, "sources": sources}


def pool(lo: int, hi: int) -> list[tuple[str, str, str]]:
    """Articles of ``lo`` to ``hi`` characters that no batch uses yet."""
    return [
        (f"thuc-{i:04d}", c, t)
        for i, (c, t) in enumerate(rows)
        if lo <= len(t) <= hi and f"thuc-{i:04d}" not in used
    ]


th = pool(400, 1500)
rng = random.Random(20261205)
rng.shuffle(th)
plan = [("deep", 5), ("cond", 5), ("expand", 2), ("para", 1), ("selfmedia", 2), ("indep", 2),
        ("comment", 1)]  # fmt: skip
for b in range(37, 45):
    tasks = [task(f"fit{b}-{style}-{i}", style, [th.pop()]) for style, n in plan for i in range(n)]
    for i in range(2):  # merges: two articles of one category
        a = th.pop()
        other = next(x for x in th if x[1] == a[1] and len(x[2]) + len(a[2]) <= 2200)
        th.remove(other)
        tasks.append(task(f"fit{b}-merge-{i}", "merge", [a, other]))
    used |= {s["id"] for t in tasks for s in t["sources"]}
    json.dump(tasks, open(f"{OUT}/batch-{b}.json", "w", encoding="utf-8"), ensure_ascii=False)

# batch 45: shorter articles no batch uses
th45 = pool(380, 650)
rng = random.Random(45)
rng.shuffle(th45)
plan45 = [("deep", 5), ("cond", 5), ("expand", 1), ("indep", 2)]
tasks = [task(f"fit45-{style}-{i}", style, [th45.pop()]) for style, n in plan45 for i in range(n)]
json.dump(tasks, open(f"{OUT}/batch-45.json", "w", encoding="utf-8"), ensure_ascii=False)
