"""Batches 94-95 (fifteenth session): 融梗 of three scenes, each from another book (issue 18:
"scenes from several sources in one chapter, each with its source"), style ``lit-merge`` with
three sources, drawn once the fiction rules for a grafted scene were set on 90-91 and read on
92-93 (``make_tasks_90.py``). Held out before any was written, read once. Each: four tasks,
three passages of three different books of the novels and 鲁迅's fiction, drawn as
``make_tasks_90.py`` draws them from chapters no earlier batch uses. ``make_tasks_96.py``
draws more the same way.

    python benchmarks/washfit/make_tasks_94.py [OUT_DIR]
"""

import json
import sys

from make_tasks_90 import book, fresh, source

BATCHES = [94, 95]


def draw(out: str, seed: int = 20261294, batches: list[int] = BATCHES) -> None:
    docs, rng = fresh(batches[0], seed)

    def src(d: dict) -> dict:
        return source(d, rng)

    for b in batches:
        tasks = []
        for i in range(4):
            picked = [docs.pop()]
            while len(picked) < 3:
                k = next(
                    k
                    for k in range(len(docs) - 1, -1, -1)
                    if book(docs[k]["id"]) not in {book(p["id"]) for p in picked}
                )
                picked.append(docs.pop(k))
            tasks.append(
                {
                    "task_id": f"fit{b}-lit-merge-{i}",
                    "style": "lit-merge",
                    "sources": [src(d) for d in picked],
                }
            )
        json.dump(tasks, open(f"{out}/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
        print(b, [[s["id"] for s in t["sources"]] for t in tasks])


if __name__ == "__main__":
    draw(sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen")
