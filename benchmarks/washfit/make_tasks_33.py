"""Batches 33-36 (fifth session): merges of two related stories where one is the main story
and the other supplies a quarter to two fifths of the facts (a second source has less to show
than the first), balanced related merges, and more deep and condensed washes (five of each
style, six merges). Split fixed before any was written: 33, 34 fit; 35, 36 held out."""

import glob
import json
import random
import sys

sys.path.insert(0, "/work/main/src")
import xigao
from xigao.normalize import normalize
from xigao.terms import term_keys

S = "/work/shared/data"
truth = [json.loads(l) for f in ("news", "literature") for l in open(f"{S}/washes/{f}/truth.jsonl")]
used = {s["source_id"] for t in truth for s in t["sources"]} | {
    a for t in truth for a in t.get("about", [])
}
for f in glob.glob("/work/fitgen/batch-*.json"):
    for t in json.load(open(f)):
        used |= {s["id"] for s in t["sources"]}
stories = [json.loads(l) for l in open(f"{S}/news/cctv_xwlb_stories.jsonl")]
byid = {d["id"]: d for d in stories}
rng = random.Random(3306)

pool = [
    d
    for d in stories
    if d["id"] not in used
    and d["title"]
    and 300 <= len(d["body"]) <= 1500
    and "快讯" not in d["title"]
    and "联播" not in d["title"]
]
rng.shuffle(pool)
it = iter(pool)


def take(lo, hi):
    while True:
        d = next(it)
        if d["id"] not in used and lo <= len(d["body"]) <= hi:
            used.add(d["id"])
            return d


idx = xigao.Index.open("/work/main/bench-out/washes/index-news")
T = idx.store.terms()


def related(n):
    pairs = []
    while len(pairs) < n:
        d = take(350, 1000)
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
            pairs.append((d, byid[o.id]))
            break
    return pairs


def src(d):
    return {"id": d["id"], "title": d["title"], "body": d["body"]}


for b in (33, 34, 35, 36):
    tasks = []
    for style, n, lo, hi in [("deep", 5, 400, 1100), ("cond", 5, 600, 1500)]:
        tasks += [
            {"task_id": f"fit{b}-{style}-{i}", "style": style, "sources": [src(take(lo, hi))]}
            for i in range(n)
        ]
    for i, (a, c) in enumerate(related(6)):
        task = {"task_id": f"fit{b}-merge-{i}", "style": "merge", "sources": [src(a), src(c)]}
        if i < 3:
            task["balance"] = "main"
        tasks.append(task)
    json.dump(tasks, open(f"/work/fitgen/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
    print(b, len(tasks))
