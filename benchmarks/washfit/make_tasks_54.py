"""Batches 54-57 (eighth session), all held out, the split fixed before any was written: a
fresh held-out set drawn after the second-source rule of this session was designed on the fit
batches (and after the held-out merges it misses had been looked at), to measure that rule on
washes nobody had seen. The styles in the test set's proportions (deep, cond, para, expand,
selfmedia, merge, comment); 54 and 55 of CCTV stories (merges of two related stories, nearest by
shared facts at a cosine of 0.15-0.45, one of three with a main story), 56 and 57 of THUCNews
articles (merges of two articles of one category). Sources already used are read from the
committed batches (``source_ids``) and the test set's truth.

    python make_tasks_54.py [FIRST SEED [OUT]]

draws batches FIRST to FIRST+3 (default 54 and seed 20261205, as batches 54-57 were drawn; the
first two of CCTV, the other two of THUCNews, or, with ``cctv`` after OUT, all four of CCTV),
leaving out the sources of the task files of the
batches from 54 to FIRST-1 as well (``make_tasks_62.py`` draws 62-65 this way)."""

import glob
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, "/work/main/src")
import xigao
from xigao.normalize import normalize
from xigao.terms import term_keys

FIRST, SEED = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (54, 20261205)
# a fifth argument "cctv": all four batches of CCTV stories (THUCNews articles ran out at 113)
CCTV_ONLY = len(sys.argv) > 4 and sys.argv[4] == "cctv"
S = "/work/shared/data"
TASKS = Path("/work/fitgen")  # the task files of earlier batches
OUT = Path(sys.argv[3]) if len(sys.argv) > 3 else TASKS
HERE = Path(__file__).parent
truth = [
    json.loads(line)
    for f in ("news", "literature")
    for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
]
used = {s["source_id"] for t in truth for s in t["sources"]}
used |= {a for t in truth for a in t.get("about", [])}
for f in sorted(glob.glob(str(HERE / "batch-*.jsonl"))):
    if int(Path(f).stem.split("-")[1]) >= FIRST:  # (the batches this script draws)
        continue
    for line in open(f, encoding="utf-8"):
        used |= set(json.loads(line)["source_ids"])
for b in range(54, FIRST):  # the task files of the batches drawn since 54 (those kept)
    if not (TASKS / f"batch-{b}.json").exists():  # its batch, committed, was read above
        continue
    for t in json.load(open(TASKS / f"batch-{b}.json", encoding="utf-8")):
        used |= {s["id"] for s in t["sources"]}

PLAN = [("deep", 4), ("cond", 2), ("para", 1), ("expand", 1), ("selfmedia", 2), ("comment", 1)]
MERGES = 3
rng = random.Random(SEED)

# ---- CCTV
stories = [json.loads(line) for line in open(f"{S}/news/cctv_xwlb_stories.jsonl", encoding="utf-8")]
byid = {d["id"]: d for d in stories}
pool = [
    d
    for d in stories
    if d["id"] not in used
    and d["title"]
    and 350 <= len(d["body"]) <= 1500
    and "快讯" not in d["title"]
    and "联播" not in d["title"]
]
rng.shuffle(pool)


def take(lo: int = 350, hi: int = 1500) -> dict:
    while True:
        d = pool.pop()
        if d["id"] not in used and lo <= len(d["body"]) <= hi:
            used.add(d["id"])
            return d


idx = xigao.Index.open("/work/main/bench-out/washes/index-news")
T = idx.store.terms()


def related() -> tuple[dict, dict]:
    while True:
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
            return d, byid[o.id]


def cctv(d: dict) -> dict:
    return {"id": d["id"], "title": d["title"], "body": d["body"]}


# ---- THUCNews
rows = [
    line.rstrip("\n").split("\t", 1) for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
]
th = [
    (f"thuc-{i:04d}", c, t)
    for i, (c, t) in enumerate(rows)
    if 400 <= len(t) <= 1500 and f"thuc-{i:04d}" not in used
]
rng.shuffle(th)


def thuc(x: tuple[str, str, str]) -> dict:
    return {"id": x[0], "title": "", "category": x[1], "body": x[2]}


def thuc_pair() -> tuple[dict, dict]:
    a = th.pop()
    other = next(x for x in th if x[1] == a[1] and len(x[2]) + len(a[2]) <= 2200)
    th.remove(other)
    return thuc(a), thuc(other)


OUT.mkdir(exist_ok=True)
for b in range(FIRST, FIRST + 4):
    news = CCTV_ONLY or b < FIRST + 2
    tasks = [
        {
            "task_id": f"fit{b}-{s}-{i}",
            "style": s,
            "sources": [cctv(take()) if news else thuc(th.pop())],
        }
        for s, n in PLAN
        for i in range(n)
    ]
    for i in range(MERGES):
        a, c = related() if news else thuc_pair()
        task = {"task_id": f"fit{b}-merge-{i}", "style": "merge", "sources": [a, c]}
        if news and i == 0:
            task["balance"] = "main"
        tasks.append(task)
    with open(OUT / f"batch-{b}.json", "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    print(b, len(tasks))
