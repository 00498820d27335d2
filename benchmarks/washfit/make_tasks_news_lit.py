import json
import random

from passages import passage

S = "/work/shared/data"
truth = [json.loads(l) for f in ("news", "literature") for l in open(f"{S}/washes/{f}/truth.jsonl")]
used = {s["source_id"] for t in truth for s in t["sources"]} | {
    a for t in truth for a in t.get("about", [])
}
stories = [json.loads(l) for l in open(f"{S}/news/cctv_xwlb_stories.jsonl")]
rng = random.Random(16)


def ok(d, lo, hi):
    return (
        d["id"] not in used
        and d["title"]
        and lo <= len(d["body"]) <= hi
        and "快讯" not in d["title"]
        and "联播" not in d["title"]
    )


pool = [d for d in stories if ok(d, 350, 1400)]
rng.shuffle(pool)
it = iter(pool)


def take(lo, hi):
    while True:
        d = next(it)
        if lo <= len(d["body"]) <= hi:
            return d


plan = [
    ("para", 3, (350, 900)),
    ("deep", 6, (400, 1100)),
    ("cond", 5, (600, 1400)),
    ("expand", 3, (350, 700)),
    ("selfmedia", 3, (350, 900)),
    ("comment", 3, (400, 1200)),
    ("indep", 3, (400, 1000)),
]
bydate = {}
for d in stories:
    if ok(d, 300, 900):
        bydate.setdefault(d["id"][5:13], []).append(d)
dates = [k for k, v in bydate.items() if len(v) >= 2]
rng.shuffle(dates)
for b in range(6):
    tasks = []
    for style, n, (lo, hi) in plan:
        for i in range(n):
            d = take(lo, hi)
            tasks.append(
                {
                    "task_id": f"fit{b}-{style}-{i}",
                    "style": style,
                    "sources": [{"id": d["id"], "title": d["title"], "body": d["body"]}],
                }
            )
    for i in range(3):
        day = dates.pop()
        a, c = rng.sample(bydate[day], 2)
        tasks.append(
            {
                "task_id": f"fit{b}-merge-{i}",
                "style": "merge",
                "sources": [
                    {"id": x["id"], "title": x["title"], "body": x["body"]} for x in (a, c)
                ],
            }
        )
    json.dump(tasks, open(f"/work/fitgen/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
# THUCNews batch
rows = [l.rstrip("\n").split("\t", 1) for l in open(f"{S}/news/thucnews_1k.tsv")]
th = [(i, c, t) for i, (c, t) in enumerate(rows) if 500 <= len(t) <= 1500]
rng.shuffle(th)
tasks = []
k = 0
for style, n in [
    ("para", 3),
    ("deep", 5),
    ("cond", 5),
    ("expand", 2),
    ("selfmedia", 4),
    ("comment", 3),
    ("indep", 3),
]:
    for i in range(n):
        idx, c, t = th[k]
        k += 1
        tasks.append(
            {
                "task_id": f"fit6-{style}-{i}",
                "style": style,
                "sources": [{"id": f"thuc-{idx:04d}", "title": "", "category": c, "body": t}],
            }
        )
for i in range(2):
    cat = th[k][1]
    a = th[k]
    k += 1
    b = next(x for x in th[k:] if x[1] == cat)
    th.remove(b)
    tasks.append(
        {
            "task_id": f"fit6-merge-{i}",
            "style": "merge",
            "sources": [{"id": f"thuc-{x[0]:04d}", "title": "", "body": x[2]} for x in (a, b)],
        }
    )
json.dump(tasks, open("/work/fitgen/batch-6.json", "w"), ensure_ascii=False, indent=1)
# literature batches
chap = [json.loads(l) for l in open(f"{S}/public_domain/classic_novels_chapters.jsonl")]
lx = [json.loads(l) for l in open(f"{S}/public_domain/luxun_works.jsonl")]
print(chap[0].keys(), lx[0].keys())
docs = [
    d for d in chap + lx if d["id"] not in used and len(d.get("body", d.get("text", ""))) >= 1500
]
rng.shuffle(docs)


di = iter(docs)
for b in (7, 8):
    tasks = []
    for style, n in [("lit-names", 6), ("lit-swap", 5), ("lit-fan", 3), ("lit-genre", 3)]:
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
