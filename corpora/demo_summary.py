"""Print the demo's summary table: verdicts found against the expected ones.

python corpora/demo_summary.py RESULTS.jsonl DUMP.jsonl [ERRORS.jsonl [CLUSTERS.jsonl]]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(results: str, dump: str, errors: str | None = None, clusters: str | None = None) -> None:
    got = {}
    for line in Path(results).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        got[r["id"]] = r
    expected = {}
    for line in Path(dump).read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        expected[d["id"]] = d
    table: Counter[tuple[str, str]] = Counter()
    top1 = total_src = 0
    for doc_id, d in expected.items():
        r = got.get(doc_id)
        table[(d["expected"], r["verdict"] if r else "error")] += 1
        if r and d.get("expected_source"):
            total_src += 1
            top1 += bool(r["matches"]) and r["matches"][0]["source_id"] == d["expected_source"]
    kinds = ["repost", "partial", "rewrite", "original", "error"]
    head = "expected / found"
    print(f"{head:<18}" + "".join(f"{k:>10}" for k in kinds))
    for e in kinds:
        row = [table[(e, k)] for k in kinds]
        if sum(row):
            print(f"{e:<18}" + "".join(f"{v:>10}" for v in row))
    print(f"true original ranked first: {top1}/{total_src}")
    credited = [r["id"] for r in got.values() if any(m.get("credited") for m in r["matches"])]
    credits = sum(bool(r.get("attribution")) for r in got.values())
    before = [
        r["id"]
        for r in got.values()
        if any(m.get("direction") == "suspect_first" for m in r["matches"])
    ]
    print(
        f"records with credit lines: {credits}; crediting the original they copy: "
        f"{len(credited)}; published before the original they match: {len(before)} "
        f"({', '.join(sorted(before))})"
    )
    if clusters and Path(clusters).exists():
        cs = [json.loads(x) for x in Path(clusters).read_text(encoding="utf-8").splitlines()]
        biggest = max(cs, key=lambda c: c["size"], default=None)
        print(
            f"dedup of originals + dump without an index: {len(cs)} clusters holding "
            f"{sum(c['size'] for c in cs)} documents"
            + (
                f"; the largest ({biggest['size']}) led by {biggest['canonical']}"
                if biggest
                else ""
            )
        )
    if errors and Path(errors).exists():
        errs = Path(errors).read_text(encoding="utf-8").splitlines()
        print(f"records reported as errors ({len(errs)}):")
        for e in errs:
            print("  " + e)


if __name__ == "__main__":
    main(*sys.argv[1:])
