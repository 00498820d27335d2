"""How the literature batches draw a passage of a chapter (``make_tasks_news_lit.py``,
``make_tasks_lit11.py``, ``make_tasks_16.py``, ``make_tasks_23.py``, ``make_tasks_84.py``), run
as scripts beside this file."""

import json
import random


def chapters(shared: str, used: set[str]) -> list[dict]:
    """The classic novels' chapters, then 鲁迅's works, of 1,500 characters or more, that
    ``used`` does not hold (``shared``: the data folder)."""
    docs = [
        json.loads(line) for line in open(f"{shared}/public_domain/classic_novels_chapters.jsonl")
    ]
    docs += [json.loads(line) for line in open(f"{shared}/public_domain/luxun_works.jsonl")]
    return [d for d in docs if d["id"] not in used and len(d["body"]) >= 1500]


def passage(d: dict, rng: random.Random) -> tuple[int, int]:
    """A span of 700-1,000 characters of ``d``'s body (at least 1,500), from a random place
    (the next line's start when one comes within 200 characters) to the last 。 past 500."""
    body = d["body"]
    start = rng.randrange(0, len(body) - 1000)
    j = body.find("\n", start)
    start = j + 1 if 0 <= j < start + 200 else start
    end = min(len(body), start + rng.randrange(700, 1000))
    k = body.rfind("。", start, end)
    end = k + 1 if k > start + 500 else end
    return start, end
