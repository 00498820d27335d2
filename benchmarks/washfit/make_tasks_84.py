"""Batches 84-87 (thirteenth session): renamed literature with the writer's name map as truth,
for the name-map accuracy of issue 18 (batches 23-26 were the only ones with a writer's map).
Each: lit-names 10, lit-swap 2. The split was fixed before any was written: 84 and 85 fit,
86 and 87 held out. Passages of 700-1,000 characters of the classic novels and 鲁迅, drawn
as ``make_tasks_23.py`` draws them, from chapters and works that no committed batch, no task
file under /work/fitgen and nothing in ``shared/data/washes`` uses.
``make_tasks_88.py`` draws more the same way.

    python benchmarks/washfit/make_tasks_84.py [OUT_DIR]
"""

import glob
import json
import random
import sys

from passages import chapters, passage

S = "/work/shared/data"
W = "/work/main/benchmarks/washfit"


def draw(batches: list[int], seed: int, out: str) -> None:
    """Write ``batches``' task files to ``out``: passages of chapters no batch drawn before the
    first of them uses (their own files, once written, are left out)."""
    truth = [
        json.loads(line)
        for f in ("news", "literature")
        for line in open(f"{S}/washes/{f}/truth.jsonl")
    ]
    used = {s["source_id"] for t in truth for s in t["sources"]} | {
        a for t in truth for a in t.get("about", [])
    }

    def earlier(f):
        return int(f.rsplit("-", 1)[1].split(".")[0]) < batches[0]

    for f in filter(earlier, sorted(glob.glob(f"{W}/batch-*.jsonl"))):
        for line in open(f):
            if line.strip():
                used |= set(json.loads(line).get("source_ids") or [])
    for f in filter(earlier, sorted(glob.glob("/work/fitgen/batch-*.json"))):
        for t in json.load(open(f)):
            used |= {s["id"] for s in t["sources"]}

    rng = random.Random(seed)
    docs = chapters(S, used)
    rng.shuffle(docs)
    di = iter(docs)
    for b in batches:
        tasks = []
        for style, n in [("lit-names", 10), ("lit-swap", 2)]:
            for i in range(n):
                d = next(di)
                s, e = passage(d, rng)
                src = {
                    "id": d["id"],
                    "title": d.get("title", ""),
                    "span": [s, e],
                    "body": d["body"][s:e],
                }
                tasks.append({"task_id": f"fit{b}-{style}-{i}", "style": style, "sources": [src]})
        json.dump(tasks, open(f"{out}/batch-{b}.json", "w"), ensure_ascii=False, indent=1)
        print(b, len(tasks), sorted({t["sources"][0]["id"].split("-")[0] for t in tasks}))


if __name__ == "__main__":
    draw([84, 85, 86, 87], 20261284, sys.argv[1] if len(sys.argv) > 1 else "/work/fitgen")
