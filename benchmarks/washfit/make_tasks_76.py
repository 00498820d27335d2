"""Batches 76-79 (twelfth session), merges only, all to fit the further-source rule (like
58-61): the fit batches held 17 true second sources the first measure missed, too few to set
how a second report's facts are told on the residual. 76 and 77 of CCTV stories (two related
stories, nearest by shared facts at a cosine of 0.15-0.45), 78 and 79 of THUCNews articles
(two of one category); three in four with a main story (``"balance": "main"``), the kind the
first measure misses. Drawn as ``make_tasks_58.py`` draws, the sources of every committed
batch and of the task files of 54-75 left out."""

import glob
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, "/work/main/src")
import xigao
from xigao.normalize import normalize
from xigao.terms import term_keys

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
    for line in open(f, encoding="utf-8"):
        used |= set(json.loads(line)["source_ids"])
for f in sorted(glob.glob(str(OUT / "batch-*.json"))):  # the task files of 46-75
    for t in json.load(open(f, encoding="utf-8")):
        used |= {s["id"] for s in t["sources"]}

rng = random.Random(20261276)
stories = [json.loads(line) for line in open(f"{S}/news/cctv_xwlb_stories.jsonl", encoding="utf-8")]
byid = {d["id"]: d for d in stories}
pool = [
    d
    for d in stories
    if d["id"] not in used
    and d["title"]
    and 350 <= len(d["body"]) <= 1000
    and "快讯" not in d["title"]
    and "联播" not in d["title"]
]
rng.shuffle(pool)
idx = xigao.Index.open("/work/main/bench-out/washes/index-news")
T = idx.store.terms()


def related() -> tuple[dict, dict]:
    while True:
        d = pool.pop()
        if d["id"] in used:
            continue
        used.add(d["id"])
        near = T.nearest(
            term_keys(normalize(d["body"]).key().chars), 8, exclude=[idx.store.rowid(d["id"])]
        )
        for r, c in near:
            o = idx.store.documents([r])[r]
            if o.id in used or not o.id.startswith("xwlb") or not (0.15 <= c <= 0.45):
                continue
            if not (300 <= len(o.body) <= 1000):
                continue
            used.add(o.id)
            return cctv(d), cctv(byid[o.id])


def cctv(d: dict) -> dict:
    return {"id": d["id"], "title": d["title"], "body": d["body"]}


rows = [
    line.rstrip("\n").split("\t", 1) for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
]
th = [
    (f"thuc-{i:04d}", c, t)
    for i, (c, t) in enumerate(rows)
    if 400 <= len(t) <= 1200 and f"thuc-{i:04d}" not in used
]
rng.shuffle(th)


def thuc(x: tuple[str, str, str]) -> dict:
    return {"id": x[0], "title": "", "category": x[1], "body": x[2]}


def thuc_pair() -> tuple[dict, dict]:
    a = th.pop()
    other = next(x for x in th if x[1] == a[1] and len(x[2]) + len(a[2]) <= 2000)
    th.remove(other)
    return thuc(a), thuc(other)


for b in (76, 77, 78, 79):
    news = b < 78
    tasks = []
    for i in range(12):
        a, c = related() if news else thuc_pair()
        task = {"task_id": f"fit{b}-merge-{i}", "style": "merge", "sources": [a, c]}
        if i % 4 != 3:
            task["balance"] = "main"
        tasks.append(task)
    with open(OUT / f"batch-{b}.json", "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    print(b, len(tasks), len(th))
