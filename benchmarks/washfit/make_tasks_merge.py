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
idx = xigao.Index.open("/work/main/bench-out/washes/index-news")
T = idx.store.terms()
stories = [json.loads(l) for l in open(f"{S}/news/cctv_xwlb_stories.jsonl")]
byid = {d["id"]: d for d in stories}
rng = random.Random(2024)
pool = [
    d
    for d in stories
    if d["id"] not in used
    and d["title"]
    and 300 <= len(d["body"]) <= 900
    and "快讯" not in d["title"]
]
rng.shuffle(pool)
pairs = []
taken = set()
for d in pool:
    if len(pairs) >= 45:
        break
    if d["id"] in taken:
        continue
    near = T.nearest(
        term_keys(normalize(d["body"]).key().chars), 8, exclude=[idx.store.rowid(d["id"])]
    )
    for r, c in near:
        o = idx.store.documents([r])[r]
        if o.id in used or o.id in taken or not o.id.startswith("xwlb") or not (0.15 <= c <= 0.45):
            continue
        if not (300 <= len(o.body) <= 1000):
            continue
        pairs.append((d, byid[o.id], c))
        taken |= {d["id"], o.id}
        break
for b, chunk in ((13, pairs[:15]), (14, pairs[15:30]), (15, pairs[30:45])):
    tasks = [
        {
            "task_id": f"fit{b}-merge-{i}",
            "style": "merge",
            "sources": [
                {"id": x["id"], "title": x["title"], "body": x["body"]} for x in (p[0], p[1])
            ],
        }
        for i, p in enumerate(chunk)
    ]
    json.dump(tasks, open(f"/work/fitgen/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
    print(b, len(tasks), [round(p[2], 2) for p in chunk])
