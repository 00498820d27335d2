"""Batches 58-61 (eighth session), merges only, all to fit: the fit batches held 89 merges,
too few true second sources (a story stitched from two) to fit how a second source is told
from another report of the same series. 58 and 59 of CCTV stories (two related stories,
nearest by shared facts at a cosine of 0.15-0.45, every other one with a main story), 60 and
61 of THUCNews articles (two of one category). Drawn after ``make_tasks_54.py``, whose
sources (the task files of batches 54-57) are left out too.

    python make_tasks_58.py [FIRST SEED EVERY [OUT]]

draws four batches from FIRST (default 58: these), every EVERY-th merge without a main story
(default 2), with a seed of its own; from a FIRST past 58 (``make_tasks_76.py``), the sources of
every committed batch before it and of the task files of 46 to FIRST - 1 are left out. OUT: where
the task files are written (default /work/fitgen, where the earlier ones are read)."""

import glob
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, "/work/main/src")
import xigao
from xigao.normalize import normalize
from xigao.terms import term_keys

FIRST, SEED, EVERY = (
    (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    if len(sys.argv) > 3
    else (58, 20261258, 2)
)
S = "/work/shared/data"
TASKS = Path("/work/fitgen")  # the task files of earlier batches
OUT = Path(sys.argv[4]) if len(sys.argv) > 4 else TASKS
HERE = Path(__file__).parent
truth = [
    json.loads(line)
    for f in ("news", "literature")
    for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
]
used = {s["source_id"] for t in truth for s in t["sources"]}
used |= {a for t in truth for a in t.get("about", [])}
LATER = FIRST > 58  # drawn after every batch to FIRST - 1 was committed
for f in sorted(glob.glob(str(HERE / "batch-*.jsonl"))):
    if int(Path(f).stem.split("-")[1]) >= (FIRST if LATER else 54):  # (not drawn yet)
        continue
    for line in open(f, encoding="utf-8"):
        used |= set(json.loads(line)["source_ids"])
for b in range(46, FIRST) if LATER else range(54, 58):  # the task files written before
    if (TASKS / f"batch-{b}.json").exists():
        for t in json.load(open(TASKS / f"batch-{b}.json", encoding="utf-8")):
            used |= {s["id"] for s in t["sources"]}

rng = random.Random(SEED)
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


for b in range(FIRST, FIRST + 4):
    news = b < FIRST + 2
    tasks = []
    for i in range(12):
        a, c = related() if news else thuc_pair()
        task = {"task_id": f"fit{b}-merge-{i}", "style": "merge", "sources": [a, c]}
        if i % EVERY != EVERY - 1:
            task["balance"] = "main"
        tasks.append(task)
    with open(OUT / f"batch-{b}.json", "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    print(b, len(tasks), len(th))
