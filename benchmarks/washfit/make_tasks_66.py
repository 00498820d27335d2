"""Batches 66-67 (ninth session), held out, the split fixed before any was written: independent
reports of the same event written *blind*. The ``indep`` texts of earlier batches were written
by a helper who had read the source and picked its facts, and they keep much of its wording
(character-bigram Dice over 0.8 on most aligned sentences): closer to a wash than to another
outlet's report. Here one helper reads each source and writes down its bare facts (stage 1,
``/work/fitgen/facts-66.json``), and other helpers, who never see the source, each write a
report from those facts alone (stage 2): the washes README's "written from a list of facts
rather than from the source's prose", kept strictly. 66: 20 CCTV stories, 67: 10 THUCNews
articles, none used by any earlier batch, task file or the test set.

    python make_tasks_66.py
"""

import glob
import json
import random
from pathlib import Path

S = "/work/shared/data"
TASKS = Path("/work/fitgen")
HERE = Path(__file__).parent
SEED = 20261266


def draw(cctv: tuple[int, int], thuc: tuple[int, int], seed: int, tasks: Path = TASKS) -> None:
    """Write the task files of two batches of blind independent reports to ``tasks``: batch
    ``cctv[0]`` of ``cctv[1]`` CCTV stories and batch ``thuc[0]`` of ``thuc[1]`` THUCNews
    articles, drawn with ``seed`` from those no committed batch, task file or the test set
    uses (``make_tasks_111.py`` draws 111-112 the same way)."""
    truth = [
        json.loads(line)
        for f in ("news", "literature")
        for line in open(f"{S}/washes/{f}/truth.jsonl", encoding="utf-8")
    ]
    used = {s["source_id"] for t in truth for s in t["sources"]}
    used |= {a for t in truth for a in t.get("about", [])}
    for f in sorted(glob.glob(str(HERE / "batch-*.jsonl"))):
        for line in open(f, encoding="utf-8"):
            used |= set(json.loads(line)["source_ids"])
    for f in sorted(glob.glob(str(tasks / "batch-*.json"))):
        for t in json.load(open(f, encoding="utf-8")):
            used |= {s["id"] for s in t["sources"]}

    rng = random.Random(seed)
    stories = [
        json.loads(line) for line in open(f"{S}/news/cctv_xwlb_stories.jsonl", encoding="utf-8")
    ]
    pool = [
        {"id": d["id"], "title": d["title"], "body": d["body"]}
        for d in stories
        if d["id"] not in used
        and d["title"]
        and 350 <= len(d["body"]) <= 1200
        and "快讯" not in d["title"]
        and "联播" not in d["title"]
    ]
    rows = [
        line.rstrip("\n").split("\t", 1)
        for line in open(f"{S}/news/thucnews_1k.tsv", encoding="utf-8")
    ]
    th = [
        {"id": f"thuc-{i:04d}", "title": "", "category": c, "body": t}
        for i, (c, t) in enumerate(rows)
        if 400 <= len(t) <= 1200 and f"thuc-{i:04d}" not in used
    ]
    rng.shuffle(pool)
    rng.shuffle(th)
    for b, sources in ((cctv[0], pool[: cctv[1]]), (thuc[0], th[: thuc[1]])):
        batch = [
            {"task_id": f"fit{b}-indep-{i}", "style": "indep", "blind": True, "sources": [s]}
            for i, s in enumerate(sources)
        ]
        with open(tasks / f"batch-{b}.json", "w", encoding="utf-8") as f:
            json.dump(batch, f, ensure_ascii=False)
        print(b, len(batch))


if __name__ == "__main__":
    draw((66, 20), (67, 10), SEED)
