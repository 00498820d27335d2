"""Same-topic false alarms on a larger held-out sample than test's 180 same-topic negatives.

    python -m benchmarks.negatives [--work bench-out] [--loo 1000]

With 180 negatives one false alarm moves the rate by 0.56 points, and a 95% interval around a
rate near 2% spans about 0.6–5.6%: test alone cannot say whether a 2% target is met. This
draws two larger same-topic sets from **test's slice** of the collection (the slice nothing is
fitted on), the way :mod:`benchmarks.fitset` draws its fitting sets from dev's:

- ``test-near``: every same-topic innocent of test's slice (the quarter of its innocents
  closest to an indexed original by char-bigram TF-IDF, test's own same-topic cases among
  them);
- ``test-loo``: indexed originals of test's slice that lie as close to another original as
  those innocents do, each checked against the rest of the index (leave-one-out).

Each is checked by xigao as it ships (``Index.check`` on the benchmark's index, the second
with ``exclude``); any verdict but ``original`` is a false alarm. The sets are written under
``<work>/cases/main/`` and the results to ``<work>/results/xigao/negatives.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, write_jsonl
from benchmarks.fitset import build_loo, split_slice

#: the sets, in the page's order
SETS = ("test-near", "test-loo")


def build_near(shared: str | None, out: Path, *, seed: int = 20240601, split: str = "test") -> dict:
    """Every same-topic innocent of ``split``'s slice, as cases, to ``<out>/main/<split>-near/``."""
    _, _, innocents, near = split_slice(shared, seed, split)
    by_sim = sorted(range(len(innocents)), key=lambda i: -near[i][1])
    top = sorted(by_sim[: len(by_sim) // 4])
    name = f"{split}-near"
    cases = [
        {
            "id": f"{name}-{k:05d}",
            "title": innocents[i].get("title") or "",
            "body": innocents[i]["body"],
            "kind": "original",
            "subkind": "same-topic",
            "strength": None,
            "sources": [],
            "details": {
                "innocent_id": innocents[i]["id"],
                "nearest_id": near[i][0],
                "nearest_sim": round(near[i][1], 3),
            },
        }
        for k, i in enumerate(top)
    ]
    write_jsonl(out / "main" / name / "cases.jsonl", cases)
    summary = {"seed": seed, "split": split, "innocents": len(innocents), "cases": len(cases)}
    (out / "main" / name / "meta.json").write_text(json.dumps(summary, indent=1), "utf-8")
    return summary


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a rate of ``k`` in ``n`` (95% by default).

    >>> [round(x, 4) for x in wilson(4, 180)]
    [0.0087, 0.0557]
    >>> wilson(0, 0)
    (0.0, 1.0)
    """
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def check_sets(index: Path, cases_dir: Path, sets: tuple[str, ...] = SETS) -> dict[str, Any]:
    """Check every case of ``sets`` with the xigao index at ``index``; per set: the cases, the
    false alarms (id, verdict, the matched original) and the rate with its interval."""
    from xigao import Index

    idx = Index.open(index)
    out: dict[str, Any] = {}
    for name in sets:
        cases = read_jsonl(cases_dir / name / "cases.jsonl")
        t0 = time.perf_counter()
        alarms = []
        for c in cases:
            own = (c.get("details") or {}).get("indexed_id")
            res = idx.check(c["body"], title=c.get("title") or None, exclude=[own] if own else ())
            if res.verdict != "original":
                top = res.matches[0] if res.matches else None
                alarms.append(
                    {
                        "id": c["id"],
                        "verdict": res.verdict,
                        "matched": top.source_id if top else None,
                        "nearest_sim": c["details"]["nearest_sim"],
                    }
                )
        lo, hi = wilson(len(alarms), len(cases))
        out[name] = {
            "cases": len(cases),
            "false_alarms": len(alarms),
            "rate": len(alarms) / len(cases) if cases else 0.0,
            "interval": [round(lo, 4), round(hi, 4)],
            "alarms": alarms,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return out


def run_negatives(
    shared: str | None, work: Path, *, loo: int = 1000, seed: int = 20240601
) -> dict[str, Any]:
    """Draw both sets from test's slice of the full-size collection (the one ``make bench``
    indexes), check them, save the results."""
    cases = work / "cases"
    build_near(shared, cases, seed=seed)
    build_loo(shared, cases, n=loo, seed=seed, split="test", name="test-loo")
    result = check_sets(work / "indexes" / "main" / "xigao", cases / "main")
    dest = work / "results" / "xigao" / "negatives.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    return result


def markdown(result: dict[str, Any], test_rate: tuple[int, int] | None = None) -> list[str]:
    """The page's table: one row per set (and test's own same-topic negatives, given as
    ``(false alarms, cases)``), with 95% Wilson intervals."""
    rows: list[tuple[str, int, int]] = []
    if test_rate is not None:
        rows.append(("test's same-topic negatives", *test_rate))
    labels = {
        "test-near": "every same-topic innocent of test's slice (test's among them)",
        "test-loo": "test's slice of indexed originals, leave-one-out",
    }
    for name in SETS:
        if name in result:
            r = result[name]
            rows.append((labels[name], r["false_alarms"], r["cases"]))
    total_k = sum(r["false_alarms"] for n, r in result.items() if n in SETS)
    total_n = sum(r["cases"] for n, r in result.items() if n in SETS)
    if len(result) > 1:
        rows.append(("both larger sets together", total_k, total_n))
    lines = [
        "| same-topic negatives | n | false alarms | rate | 95% interval |",
        "|---|---:|---:|---:|---|",
    ]
    for label, k, n in rows:
        lo, hi = wilson(k, n)
        rate = k / n if n else 0.0
        lines.append(f"| {label} | {n} | {k} | {rate:.3f} | {lo:.3f}–{hi:.3f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None, help="folder holding data/ (default ../shared)")
    ap.add_argument("--work", default="bench-out", type=Path)
    ap.add_argument("--loo", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20240601)
    a = ap.parse_args(argv)
    result = run_negatives(a.shared, a.work, loo=a.loo, seed=a.seed)
    print("\n".join(markdown(result)))
    for name, r in result.items():
        for alarm in r["alarms"]:
            print(name, json.dumps(alarm, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
