"""Batches 23-28 (third session): renamed literature with the writer's name map as truth
(for the name-map accuracy of issue 18), literature negatives, and more deep, condensed and
related-story merged news washes. Split fixed before any was written: 23, 24, 27 fit;
25, 26, 28 held out."""

import glob
import json
import random
import sys

sys.path.insert(0, "/work/main/src")
from passages import chapters, passage

import xigao
from xigao.normalize import normalize
from xigao.terms import term_keys

S = "/work/shared/data"
truth = [json.loads(l) for f in ("news", "literature") for l in open(f"{S}/washes/{f}/truth.jsonl")]
used = {s["source_id"] for t in truth for s in t["sources"]} | {
    a for t in truth for a in t.get("about", [])
}
for f in glob.glob("/work/fitgen/batch-*.json"):
    if int(f.split("-")[-1].split(".")[0]) < 23:
        for t in json.load(open(f)):
            used |= {s["id"] for s in t["sources"]}
stories = [json.loads(l) for l in open(f"{S}/news/cctv_xwlb_stories.jsonl")]
byid = {d["id"]: d for d in stories}
rng = random.Random(2312)


def ok(d, lo, hi):
    return (
        d["id"] not in used
        and d["title"]
        and lo <= len(d["body"]) <= hi
        and "快讯" not in d["title"]
        and "联播" not in d["title"]
    )


pool = [d for d in stories if ok(d, 350, 1500)]
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
        d = take(300, 900)
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


for b in (27, 28):
    tasks = []
    for style, n, lo, hi in [
        ("deep", 5, 400, 1100),
        ("cond", 5, 600, 1500),
        ("comment", 2, 400, 1200),
    ]:
        tasks += [
            {"task_id": f"fit{b}-{style}-{i}", "style": style, "sources": [src(take(lo, hi))]}
            for i in range(n)
        ]
    tasks += [
        {"task_id": f"fit{b}-merge-{i}", "style": "merge", "sources": [src(a), src(c)]}
        for i, (a, c) in enumerate(related(4))
    ]
    json.dump(tasks, open(f"/work/fitgen/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
    print(b, len(tasks))

docs = chapters(S, used)
rng.shuffle(docs)


di = iter(docs)
for b in (23, 24, 25, 26):
    tasks = []
    for style, n in [("lit-names", 10), ("lit-swap", 2), ("lit-fan", 3), ("lit-genre", 3)]:
        for i in range(n):
            d = next(di)
            s, e = passage(d, rng)
            tasks.append(
                {
                    "task_id": f"fit{b}-{style}-{i}",
                    "style": style,
                    "sources": [
                        {
                            "id": d["id"],
                            "title": d.get("title", ""),
                            "span": [s, e],
                            "body": d["body"][s:e],
                        }
                    ],
                }
            )
    json.dump(tasks, open(f"/work/fitgen/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
    print(b, len(tasks))
