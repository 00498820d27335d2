"""Partial copies of a syndicated story, and the formulae beside them.

    python -m benchmarks.syndicated --shared ../shared [--out results.json]

A newsroom's index holds wire stories as each outlet carried them: one story, its text
unchanged, under a dozen ids with a dozen headings. A passage of such a story pasted into
another text is a partial copy of it however often it is indexed; a formula of a programme
(its leaders' titles, a ceremony's protocol, a meeting's closing lines), written in many
different stories, is a copy of none of them. This benchmark checks both:

- the index: the CCTV stories (the programme's formulae among them, each as often as the
  programme wrote it) but 70 stories of 2021 taken for wire stories, each carried ``k``
  times (k = 1, 4, 8, 9, 12, 24, 48, ten stories each) under an id and a heading
  ``来源：第n家网站…`` of its own;
- copies: a passage of 120 characters from the middle of each wire story, pasted between two
  passages of 鲁迅's essays (a text no news index holds): a partial copy of that story;
- common sentences: sentences of 40 characters or more of the stories of 2023 that 12 or
  more indexed originals hold (the median over their fingerprints; the first 100 such, one
  of each opening), pasted the same way. Most are formulae, a copy of none of the stories
  holding them (``original``); the rest hold words of their own story beside a formula, which
  the passage copied from it may rest on. What matters is that the rule leaves as many of
  them original as the last release did.

Checks ask for reposts and partial copies (the fast path; the formula rule is the same on the
full one). The table gives, per k, the copies found as partial copies of their story (other
originals may be found beside it), and the common sentences left original.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.data import shared_root

#: how often each group of ten wire stories is carried
LEVELS = (1, 4, 8, 9, 12, 24, 48)
PER_LEVEL = 10
#: a formula: a sentence this long written by this many different indexed stories
FORMULA_LEN, FORMULA_STORIES = 40, 12


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；])|\n", text) if s.strip()]


def formulae(idx: Any, stories: list[dict[str, Any]], most: int = 100) -> list[str]:
    """Sentences of ``FORMULA_LEN`` characters or more of ``stories`` that ``FORMULA_STORIES``
    or more indexed originals hold (:meth:`xigao.Index.passage_df`: the median over the
    sentence's fingerprints), one of each opening, ``most`` of them."""
    out: dict[str, str] = {}
    for d in stories:
        for s in _sentences(d["body"]):
            s = s.strip()
            if len(s) < FORMULA_LEN or s[:12] in out:
                continue
            if idx.passage_df(s, [(0, len(s))]) >= FORMULA_STORIES:
                out[s[:12]] = s
                if len(out) == most:
                    return list(out.values())
    return list(out.values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--out", type=Path, default=None, help="the results as JSON")
    a = ap.parse_args(argv)
    from xigao import Index

    root = shared_root(a.shared) / "data"
    cctv = _rows(root / "news" / "cctv_xwlb_stories.jsonl")
    wire = [
        d
        for d in cctv
        if d["id"].startswith("xwlb-2021") and 600 <= len(d["body"]) <= 1500 and d["title"]
    ][::10][: len(LEVELS) * PER_LEVEL]
    taken = {d["id"] for d in wire}
    indexed = [d for d in cctv if d["id"] not in taken]
    essays = [d["body"] for d in _rows(root / "public_domain" / "luxun_works.jsonl")]
    hosts = [e for e in essays if len(e) > 1200]
    carried = []
    level_of = {}
    for n, d in enumerate(wire):
        k = LEVELS[n // PER_LEVEL]
        level_of[d["id"]] = k
        for c in range(k):
            carried.append(
                {
                    "id": f"{d['id']}@outlet-{c}",
                    "title": d["title"],
                    "body": f"来源：第{c}家网站  编辑：记者{c}号\n{d['body']}",
                }
            )
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        idx = Index.build(indexed + carried, Path(tmp) / "idx", vectors=None)
        built = time.perf_counter() - t0
        found = formulae(idx, [d for d in indexed if d["id"].startswith("xwlb-2023")])
        results: dict[str, Any] = {}
        right: Counter[int] = Counter()
        for n, d in enumerate(wire):
            mid = len(d["body"]) // 2
            host = hosts[n % len(hosts)]
            body = host[:300] + d["body"][mid : mid + 120] + host[300:600]
            r = idx.check(body, detect="repost,partial")
            ids = {m.source_id.split("@")[0] for m in r.matches}
            ok = r.verdict == "partial" and d["id"] in ids
            right[level_of[d["id"]]] += ok
            results[d["id"]] = {"k": level_of[d["id"]], "right": ok, **r.to_dict()}
        kept = 0
        for n, s in enumerate(found):
            host = hosts[(n + 7) % len(hosts)]
            r = idx.check(host[:300] + s + host[300:600], detect="repost,partial")
            kept += r.verdict == "original"
            results[f"formula-{n}"] = {"sentence": s, **r.to_dict()}
        idx.close()
    print(
        f"index: {len(indexed)} CCTV stories and {len(carried)} carried copies of "
        f"{len(wire)} wire stories ({built:.0f} s to build); {len(found)} common sentences"
    )
    print(
        "| copies of the story indexed (k) | "
        + " | ".join(map(str, LEVELS))
        + " | common sentences left original |"
    )
    print("|---|" + "---:|" * (len(LEVELS) + 1))
    print(
        "| passages found as partial copies of their story | "
        + " | ".join(f"{right[k]}/{PER_LEVEL}" for k in LEVELS)
        + f" | {kept}/{len(found)} |"
    )
    if a.out:
        a.out.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
