"""Honest CCTV stories checked against every other story: what a newsroom checking its own
archive (or another outlet's honest reports of the same programme) is told.

    python -m benchmarks.honest --shared ../shared [--months 2023-06,2023-07]

Every CCTV story of the given months (841 for June and July 2023) is checked against the
realistic-washes news index (`benchmarks.washes`: the 35,926 CCTV stories and 1,000 THUCNews
articles) with its own id left out (``exclude``). None was written as a copy of another, so
every verdict but ``original`` is a story the programme's own text reuse, formulae or series
brought near another: reposts of one story twice in the collection, a leader's words quoted
in several stories, a ceremony's protocol, a template. The counts are by verdict, and for
partial copies by how common their passages are in the index
(:meth:`xigao.Index.passage_df`). A black-box review found 40 of these 841 stories called
partial copies against a smaller index (2,047 stories of January to May 2023), about 30 of
them on a formula (`docs/benchmarks.md`, "Copies told from washes and formulae").
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from benchmarks.data import shared_root
from benchmarks.washes import ensure_index, log


def stories(shared: str | None, months: list[str]) -> list[dict]:
    """The CCTV stories whose id dates them in ``months`` (``YYYY-MM``)."""
    prefixes = tuple("xwlb-" + m.replace("-", "") for m in months)
    path = shared_root(shared) / "data" / "news" / "cctv_xwlb_stories.jsonl"
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [r for r in rows if r["id"].startswith(prefixes)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--months", default="2023-06,2023-07")
    ap.add_argument("--out", type=Path, default=None, help="the results as JSON")
    a = ap.parse_args(argv)
    docs = stories(a.shared, a.months.split(","))
    idx = ensure_index("news", None, a.shared)
    t0 = time.perf_counter()
    verdicts: Counter[str] = Counter()
    common: Counter[str] = Counter()
    results = {}
    for d in docs:
        r = idx.check(d["body"], title=d.get("title"), exclude=[d["id"]])
        verdicts[r.verdict] += 1
        results[d["id"]] = r.to_dict()
        if r.verdict == "partial":
            m = r.matches[0]
            spans = [e.suspect for e in m.evidence if e.kind == "verbatim"]
            df = idx.passage_df(d["body"], spans)
            common["passages in 1-2 originals" if df <= 2 else "3-8" if df <= 8 else "over 8"] += 1
    log(f"checked {len(docs)} stories in {time.perf_counter() - t0:.1f}s")
    print(f"| stories | {' | '.join(('original', 'partial', 'rewrite', 'repost'))} |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {len(docs)} | "
        + " | ".join(str(verdicts[v]) for v in ("original", "partial", "rewrite", "repost"))
        + " |"
    )
    print("partial copies by how many originals hold their passages:", dict(common))
    if a.out:
        a.out.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
