import glob
import json
import random

from passages import chapters, passage

S = "/work/shared/data"
truth = [json.loads(l) for l in open(f"{S}/washes/literature/truth.jsonl")]
used = {s["source_id"] for t in truth for s in t["sources"]}
for f in glob.glob("/work/fitgen/batch-*.json"):
    for t in json.load(open(f)):
        used |= {s["id"] for s in t["sources"]}
rng = random.Random(1118)
docs = chapters(S, used)
rng.shuffle(docs)


di = iter(docs)
tasks = []
for style, n in [("lit-names", 8), ("lit-swap", 4), ("lit-fan", 3), ("lit-genre", 3)]:
    for i in range(n):
        d = next(di)
        s, e = passage(d, rng)
        tasks.append(
            {
                "task_id": f"fit11-{style}-{i}",
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
json.dump(tasks, open("/work/fitgen/batch-11.json", "w"), ensure_ascii=False, indent=1)
print(len(tasks))
