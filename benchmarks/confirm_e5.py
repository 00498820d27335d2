"""Would the e5 transformer, confirming borderline rewrites, remove same-topic false alarms?

    python -m benchmarks.confirm_e5 --cases bench-out/cases/main [--rewrites 120]

Fitting splits only (dev, fit, loo; never test). Every negative and a seeded sample of each
split's rewrites is checked against the benchmark's index with the rewrite thresholds loosened
(containment 0.3, coverage 0.2, no floor on length, names or standout), so that near misses
show too; a ``loo`` case, itself an indexed original, leaves its own row out. For each case's
best rewrite match, the e5 cosine (``query:`` prompt) of its aligned paraphrase pairs,
weighted by the suspect sentence's length, is the score a confirmation step would threshold.
Prints its quantiles for the rewrites the shipped thresholds find (by strength), for the
negatives they call rewrites (the false alarms), and for the negatives' other loose matches;
writes every row to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.data import read_jsonl

SPLITS = ("dev", "fit", "loo")
QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)


def collect(cases_dir: Path, index: Path, rewrites: int, seed: int) -> list[dict[str, Any]]:
    """One row per case with a loose rewrite match: its group and its aligned text pairs."""
    from xigao import Index
    from xigao.verdict import Thresholds

    shipped = Thresholds.load()
    loose = replace(
        shipped,
        rewrite_containment=0.3,
        rewrite_coverage=0.2,
        rewrite_min_chars=0,
        rewrite_min_entities=0.0,
        rewrite_max_conflicts=1.0,
    )
    ship, relax = Index.open(index), Index.open(index, thresholds=loose)
    rng = random.Random(seed)
    rows = []
    for split in SPLITS:
        cases = read_jsonl(cases_dir / split / "cases.jsonl")
        rw = [c for c in cases if c["kind"] == "rewrite"]
        keep = {c["id"] for c in rng.sample(rw, min(len(rw), rewrites))}
        for c in cases:
            if c["kind"] != "original" and c["id"] not in keep:
                continue
            own = (c.get("details") or {}).get("indexed_id")
            exclude = [own] if own else []
            m = next(
                (m for m in relax.check(c["body"], exclude=exclude).matches if m.kind == "rewrite"),
                None,
            )
            if m is None:
                continue
            original = ship.store.get(m.source_id)
            if original is None:
                continue
            source = original.body
            verdict = ship.check(c["body"], exclude=exclude).verdict
            rows.append(
                {
                    "id": c["id"],
                    "group": group(c["kind"], c.get("subkind") or "", verdict),
                    "pairs": [
                        (c["body"][slice(*e.suspect)], source[slice(*e.source)])
                        for e in m.evidence
                        if e.kind == "paraphrase"
                    ],
                }
            )
    return rows


def group(kind: str, subkind: str, verdict: str) -> str:
    """Where a case's loose rewrite match belongs in the summary.

    >>> group("rewrite", "heavy", "rewrite"), group("original", "same-topic", "rewrite")
    ('rewrite found: heavy', 'negative called rewrite')
    >>> group("original", "unrelated", "original"), group("rewrite", "light", "original")
    ('negative, loose match only', 'rewrite missed')
    """
    if kind == "rewrite":
        return f"rewrite found: {subkind}" if verdict == "rewrite" else "rewrite missed"
    return "negative called rewrite" if verdict == "rewrite" else "negative, loose match only"


def confirm_scores(rows: list[dict[str, Any]], encoder: Any) -> None:
    """Each row's length-weighted mean e5 cosine of its aligned pairs (None without pairs)."""
    for r in rows:
        pairs = r.pop("pairs")
        if not pairs:
            r["cosine"] = None
            continue
        a = encoder.encode([p[0] for p in pairs], kind="query")
        b = encoder.encode([p[1] for p in pairs], kind="query")
        w = np.array([len(p[0]) for p in pairs], float)
        r["cosine"] = round(float(((a * b).sum(1) * w).sum() / w.sum()), 4)
        r["pairs"] = len(pairs)


def summary(rows: Sequence[dict[str, Any]]) -> str:
    """A markdown table: per group, how many rows and the quantiles of their cosine.

    >>> print(summary([{"group": "g", "cosine": 0.9}, {"group": "g", "cosine": None}]))
    | group | n | min | 5% | 25% | 50% | 75% | 95% | max |
    |---|---:|---:|---:|---:|---:|---:|---:|---:|
    | g | 1 | 0.900 | 0.900 | 0.900 | 0.900 | 0.900 | 0.900 | 0.900 |
    """
    head = ["min", *(f"{q:.0%}" for q in QUANTILES[1:-1]), "max"]
    lines = [
        "| group | n | " + " | ".join(head) + " |",
        "|---|---:|" + "---:|" * len(head),
    ]
    for name in sorted({r["group"] for r in rows}):
        x = [r["cosine"] for r in rows if r["group"] == name and r["cosine"] is not None]
        if x:
            qs = " | ".join(f"{v:.3f}" for v in np.quantile(x, QUANTILES))
            lines.append(f"| {name} | {len(x)} | {qs} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    ap.add_argument("--index", type=Path, default=Path("bench-out/indexes/main/xigao"))
    ap.add_argument("--rewrites", type=int, default=120, help="rewrites sampled per split")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("bench-out/results/confirm_e5.json"))
    a = ap.parse_args(argv)
    from xigao.embed import get_encoder

    rows = collect(a.cases, a.index, a.rewrites, a.seed)
    confirm_scores(rows, get_encoder("e5"))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(summary(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
