"""Reposts with their figures spelled out: read as copies, and what the reading costs.

    python -m benchmarks.respelled [--work bench-out]

A repost that writes 一百四十六人 for 146人, 百分之三点五 for 3.5% and 二〇二三年 for 2023年 breaks
every exact run at every figure. The test split's reposts and partial copies (those with a
figure to spell) are retyped so (``benchmarks.retyped.numerals``) and checked on the fast
path against the benchmark's index, with figures spelled alike read as equal text
(``xigao.detect._respelled``) and without it (the runs as found, as the last release read
them), in one process; then the 1,200 test cases as written are checked four times each way,
alternately, and the fastest pass of each is reported.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import xigao.detect as detect
from benchmarks.data import read_jsonl
from benchmarks.retyped import numerals
from xigao import Index


@contextmanager
def reading(alike: bool) -> Iterator[None]:
    """Figures spelled alike read as equal text (the shipped reading) or not."""
    real = detect._respelled
    if not alike:
        detect._respelled = lambda runs, x, y: runs  # type: ignore[assignment]
    try:
        yield
    finally:
        detect._respelled = real  # type: ignore[assignment]


def verdicts(idx: Index, cases: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Per kind and subkind of case, the verdicts of its retyped text."""
    out: dict[str, Counter[str]] = {}
    for c in cases:
        got = idx.check(numerals(c["body"]), title=c.get("title"), detect="repost,partial")
        top = got.matches[0].source_id if got.matches else None
        right = top in {s["source_id"] for s in c["sources"]}
        out.setdefault(f"{c['kind']} ({c['subkind']})", Counter())[
            got.verdict if right or got.verdict == "original" else "wrong source"
        ] += 1
    return out


def timed(check: Callable[[], None], alike: bool) -> float:
    with reading(alike):
        t0 = time.perf_counter()
        check()
        return time.perf_counter() - t0


def run(work: Path) -> dict[str, Any]:
    cases = list(read_jsonl(work / "cases" / "main" / "test" / "cases.jsonl"))
    copies = [
        c for c in cases if c["kind"] in ("repost", "partial") and numerals(c["body"]) != c["body"]
    ]
    with Index.open(work / "indexes" / "main" / "xigao") as idx:
        table = {}
        for alike in (False, True):
            with reading(alike):
                table["alike" if alike else "as found"] = verdicts(idx, copies)

        def check() -> None:
            for c in cases:
                idx.check(c["body"], title=c.get("title"), detect="repost,partial")

        check()  # warm
        seconds: dict[str, list[float]] = {"as found": [], "alike": []}
        for _ in range(4):
            seconds["as found"].append(timed(check, False))
            seconds["alike"].append(timed(check, True))
    best = {k: min(v) for k, v in seconds.items()}
    return {
        "cases": len(copies),
        "verdicts": {k: {s: dict(c) for s, c in v.items()} for k, v in table.items()},
        "fast_path_seconds": {k: round(v, 3) for k, v in best.items()},
        "checks": len(cases),
        "cost": round(best["alike"] / best["as found"] - 1, 4),
    }


def markdown(out: dict[str, Any]) -> str:
    rows = [
        "| case, figures spelled out | as found: repost / partial / original | read alike |",
        "|---|---:|---:|",
    ]
    before, after = out["verdicts"]["as found"], out["verdicts"]["alike"]
    for name in sorted(before):

        def cell(c: dict[str, int]) -> str:
            extra = f" / {c['wrong source']} wrong" if c.get("wrong source") else ""
            return f"{c.get('repost', 0)} / {c.get('partial', 0)} / {c.get('original', 0)}{extra}"

        rows.append(f"| {name} | {cell(before[name])} | {cell(after.get(name, {}))} |")
    s = out["fast_path_seconds"]
    rows.append("")
    rows.append(
        f"Fast path, {out['checks']} test cases as written: {s['as found']} s as found, "
        f"{s['alike']} s read alike ({out['cost']:+.1%})."
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    a = ap.parse_args(argv)
    out = run(a.work)
    dest = a.work / "results" / "respelled.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    print(markdown(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
