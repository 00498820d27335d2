import glob
import json
import random

S = "/work/shared/data"
truth = [json.loads(l) for f in ("news", "literature") for l in open(f"{S}/washes/{f}/truth.jsonl")]
used = {s["source_id"] for t in truth for s in t["sources"]} | {
    a for t in truth for a in t.get("about", [])
}
for f in glob.glob("/work/fitgen/batch-*.json"):
    for t in json.load(open(f)):
        used |= {s["id"] for s in t["sources"]}
stories = [json.loads(l) for l in open(f"{S}/news/cctv_xwlb_stories.jsonl")]
rng = random.Random(1616)


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
        if lo <= len(d["body"]) <= hi:
            return d


bydate = {}
for d in stories:
    if ok(d, 300, 900):
        bydate.setdefault(d["id"][5:13], []).append(d)
dates = [k for k, v in bydate.items() if len(v) >= 2]
rng.shuffle(dates)
plan = [
    ("cond", 8, (600, 1500)),
    ("expand", 4, (350, 700)),
    ("selfmedia", 4, (350, 900)),
    ("deep", 4, (400, 1100)),
    ("comment", 3, (400, 1200)),
    ("indep", 4, (400, 1000)),
]
for b in (9, 10):
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
    for i in range(5):
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
    print(b, len(tasks))
