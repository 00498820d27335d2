"""Rebuild the bundled demo corpus and demo dump from ../shared/data/public_domain (seeded).

    python corpora/make_corpora.py [--shared ../shared]

Writes corpora/originals.jsonl (public-domain originals to index) and corpora/demo_dump.jsonl
(suspects derived from them, plus untouched public-domain texts that are not indexed), with the
expected verdict of each suspect in its `expected` field.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.data import load_cilin
from benchmarks.rewrite import make_rewrite

HERE = Path(__file__).resolve().parent
NOISE_HEAD = ["【转载】", "震惊！", "原标题：", "来源：网络 "]
NOISE_TAIL = ["\n责任编辑：王小明", "\n如有侵权请联系删除", "\n（本文来源于网络，仅供学习交流）"]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def keep(
    d: dict, fields: tuple[str, ...] = ("id", "title", "body", "source", "time", "category")
) -> dict:
    return {k: d[k] for k in fields if k in d}


def _published(original: str | None, i: int) -> dict[str, str]:
    """A repost's publication time: a month after its original's, and for every fifth a day
    before it (the "original" then came second: the report says the copying went the other
    way); none when the original has no date."""
    try:
        day = dt.date.fromisoformat(original or "")
    except ValueError:
        return {}
    shift = dt.timedelta(days=-1 if i % 5 == 3 else 30)
    return {"time": (day + shift).isoformat()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(HERE.parent.parent / "shared"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pd = Path(args.shared) / "data" / "public_domain"
    laws, names = [], set()
    for d in load(pd / "laws.jsonl"):  # one version per law: versions are near-duplicates
        if 800 <= len(d["body"]) <= 6000 and d.get("law_name", d["title"]) not in names:
            names.add(d.get("law_name", d["title"]))
            laws.append(d)
    luxun = [d for d in load(pd / "luxun_works.jsonl") if 300 <= len(d["body"]) <= 6000]
    reports = [d for d in load(pd / "gov_work_reports.jsonl") if len(d["body"]) <= 25000]
    rng.shuffle(laws)
    rng.shuffle(luxun)
    rng.shuffle(reports)
    originals = laws[:150] + luxun[:110] + reports[:8]
    # Unindexed hosts and negatives are 鲁迅 texts only: laws legitimately share long formulaic
    # clauses (罚则, 施行日期) with each other, which xigao rightly reports as partial copies.
    innocents = luxun[110:150]
    with (HERE / "originals.jsonl").open("w", encoding="utf-8") as f:
        for d in originals:
            f.write(json.dumps(keep(d), ensure_ascii=False) + "\n")
    s2t = opencc.OpenCC("s2t")
    dump = []
    for i, d in enumerate(rng.sample(originals, 40)):
        body = d["body"]
        if i % 4 == 1:
            body = s2t.convert(body)
        elif i % 4 == 2:
            body = body.replace("\n", "")
        body = rng.choice(NOISE_HEAD) + body + rng.choice(NOISE_TAIL)
        dump.append(
            {
                "id": f"repost-{i:02d}",
                "title": "转载：" + d["title"],
                "body": body,
                "expected": "repost",
                "expected_source": d["id"],
                **_published(d.get("time"), i),
            }
        )
    for i, host in enumerate(innocents):
        src = rng.choice(originals)
        b = src["body"]
        start = rng.randrange(0, max(1, len(b) - 300))
        passage = b[start : start + rng.randint(80, 300)]
        cut = rng.randrange(len(host["body"]) // 4, len(host["body"]) // 2)
        body = host["body"][:cut] + passage + host["body"][cut:]
        dump.append(
            {
                "id": f"partial-{i:02d}",
                "title": host["title"],
                "body": body,
                "expected": "partial",
                "expected_source": src["id"],
            }
        )
    cilin = load_cilin(Path(args.shared))
    pool = [x for d in luxun[190:230] for x in re.findall(r"[^。！？\n]+[。！？]", d["body"])]
    for i, d in enumerate(rng.sample([o for o in originals if len(o["body"]) <= 8000], 20)):
        strength = ("light", "medium", "heavy", "traditional")[i % 4]
        title, body, _, _ = make_rewrite(d, strength, cilin, pool, rng)
        dump.append(
            {
                "id": f"rewrite-{i:02d}",
                "title": title,
                "body": body,
                "expected": "rewrite",
                "expected_source": d["id"],
                "strength": strength,
            }
        )
    for i, d in enumerate(luxun[150:190]):
        dump.append(
            {
                "id": f"original-{i:02d}",
                "title": d["title"],
                "body": d["body"],
                "expected": "original",
            }
        )
    dump.append({"id": "bad-empty", "title": "空白", "body": "   ", "expected": "error"})
    rng.shuffle(dump)
    with (HERE / "demo_dump.jsonl").open("w", encoding="utf-8") as f:
        for d in dump:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
        f.write('{"id": "bad-json", "body": "没有闭合的引号}\n')
    print(f"{len(originals)} originals, {len(dump) + 1} demo records")


if __name__ == "__main__":
    main()
