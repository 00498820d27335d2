"""Batches 90-93 (fifteenth session): 融梗, scenes of two passages stitched into one story
(issue 18: "scenes from several sources in one chapter, each with its source"), style
``lit-merge``. No batch had measured it. Each batch: 8 tasks, two passages each, drawn as
``make_tasks_84.py`` draws one (700-1,000 characters of a chapter no earlier batch uses): six
from two different books (the usual 融梗: another novel's scene grafted on), two from two
chapters of one book; of the novels and 鲁迅's fiction only. The split was fixed before any was written: 90 and 91 fit, 92 and 93
held out.

    python benchmarks/washfit/make_tasks_90.py [OUT_DIR]
"""

import glob
import json
import random
import sys

from passages import chapters, passage

S = "/work/shared/data"
W = "/work/main/benchmarks/washfit"
BATCHES = [90, 91, 92, 93]


#: Stories to graft: the four novels and 鲁迅's fiction (his essays tell no scene).
FICTION = (
    "红楼梦-",
    "西游记-",
    "三国演义-",
    "水浒全传-",
    "鲁迅-呐喊-",
    "鲁迅-彷徨-",
    "鲁迅-故事新编-",
)


def book(doc_id: str) -> str:
    """The book a chapter id belongs to (红楼梦-012 -> 红楼梦, 鲁迅-呐喊-故乡 -> 鲁迅-呐喊)."""
    return doc_id.rsplit("-", 1)[0]


def fresh(first: int, seed: int) -> tuple[list[dict], random.Random]:
    """The chapters of ``FICTION`` that no test case and no batch before ``first`` uses,
    shuffled by a generator seeded with ``seed``, and the generator (passages are drawn on)."""
    truth = [
        json.loads(line)
        for f in ("news", "literature")
        for line in open(f"{S}/washes/{f}/truth.jsonl")
    ]
    used = {s["source_id"] for t in truth for s in t["sources"]}
    for f in sorted(glob.glob(f"{W}/batch-*.jsonl")):
        if int(f.rsplit("-", 1)[1].split(".")[0]) < first:
            for line in open(f):
                if line.strip():
                    used |= set(json.loads(line).get("source_ids") or [])
    rng = random.Random(seed)
    docs = [d for d in chapters(S, used) if d["id"].startswith(FICTION)]
    rng.shuffle(docs)
    return docs, rng


def source(d: dict, rng: random.Random) -> dict:
    """A task's source: a passage of chapter ``d`` (``passages.passage``)."""
    s, e = passage(d, rng)
    return {"id": d["id"], "title": d.get("title", ""), "span": [s, e], "body": d["body"][s:e]}


def draw(out: str, seed: int = 20261290) -> None:
    docs, rng = fresh(BATCHES[0], seed)

    def src(d: dict) -> dict:
        return source(d, rng)

    for b in BATCHES:
        tasks = []
        for i in range(8):
            first = docs.pop()
            same = i >= 6  # the last two of a batch: two chapters of one book
            k = next(
                k
                for k in range(len(docs) - 1, -1, -1)
                if (book(docs[k]["id"]) == book(first["id"])) == same
            )
            second = docs.pop(k)
            tasks.append(
                {
                    "task_id": f"fit{b}-lit-merge-{i}",
                    "style": "lit-merge",
                    "sources": [src(first), src(second)],
                }
            )
        json.dump(tasks, open(f"{out}/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
        print(b, [(t["sources"][0]["id"], t["sources"][1]["id"]) for t in tasks])


if __name__ == "__main__":
    draw(sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen")
