"""Where a check spends its time: cProfile of the test cases against the speed index, by stage.

    python -m benchmarks.profile_check [--index bench-out/speed/xigao] [--n 400] [--detect ...]

Checks ``--n`` test cases one at a time (after one check to load the model and the fact table)
under cProfile and prints the share of the time spent under each stage's functions (cumulative,
so a stage's callees count towards it), then the ten costliest functions by their own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from pathlib import Path

from xigao import Index

#: Stages and the functions whose cumulative time is theirs (``file:function`` suffixes).
STAGES = [
    ("candidates: fingerprints, LSH, fact table, nearest vectors", "pipeline.py:candidate_rows"),
    ("verbatim alignment of candidates", "detect.py:verbatim_match"),
    ("wash measures of rewrite candidates (all)", "verify.py:wash_candidates"),
    ("… splitting and embedding candidates' sentences", "verify.py:embedded"),
    ("… fact shares", "detect.py:fact_shares"),
    ("… sentence alignment and measures", "detect.py:wash_stats"),
    ("suspect: normalization", "normalize.py:normalize"),
    ("suspect: sentences embedded", "detect.py:with_sentences"),
    ("provenance: credit lines", "provenance.py:credits"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/speed/xigao"))
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--detect", default=None)
    a = ap.parse_args(argv)
    idx = Index.open(a.index)
    with a.cases.open(encoding="utf-8") as f:
        cases = [json.loads(line) for line in f][: a.n + 1]
    idx.check(cases[0]["body"], detect=a.detect)  # loads the model and the fact table
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.enable()
    for c in cases[1:]:
        idx.check(c["body"], detect=a.detect)
    prof.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(prof)
    table = stats.stats  # type: ignore[attr-defined]
    # each entry: (primitive calls, calls, own time, cumulative time, callers)
    total = sum(v[2] for v in table.values())
    cum: dict[str, float] = {}
    own: dict[str, float] = {}
    for (file, line, func), v in table.items():
        key = f"{Path(file).name}:{func}"
        cum[key] = max(cum.get(key, 0.0), v[3])
        own[f"{Path(file).name}:{line}({func})"] = v[2]
    n = len(cases) - 1
    print(
        f"{n} checks ({a.detect or 'every kind'}) in {wall:.1f} s: {n / wall:.1f} documents/s "
        "under the profiler\n"
    )
    print("| stage | share of the time |\n|---|---:|")
    for label, key in STAGES:
        if key in cum:
            print(f"| {label} | {cum[key] / total:.0%} |")
    print("\n| costliest functions, by their own time | share |\n|---|---:|")
    for key, t in sorted(own.items(), key=lambda kv: -kv[1])[:10]:
        print(f"| `{key}` | {t / total:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
