"""What taking in other processes' writes costs a check: ``Index.sync`` on and off.

    python -m benchmarks.sync_cost [--index bench-out/washes/index-news]
                                   [--queries bench-out/cases/main/test/cases.jsonl]

Every check, ``get``, ``info`` and ``len()`` first asks whether another process wrote to the
index (``xigao.storage.IndexStore.sync``: a ``stat`` of the database and one query when
nothing moved). The queries are checked one at a time on the fast path and with full
detection, with the sync as shipped and replaced by a no-op, alternately, six passes each
(after one pass that warms the caches);
the fastest pass of each is reported, with the cost of one sync timed alone. The index is
any built one (``python -m benchmarks.washes`` builds the default: 36,926 news originals).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks.data import read_jsonl
from xigao import Index

PASSES = 6


def run(index: Path, queries: Path, limit: int) -> dict[str, float]:
    cases = read_jsonl(queries)[:limit]
    out: dict[str, float] = {}
    with Index.open(index) as idx:
        real = idx.store.sync
        idx.prepare()
        n = 2000
        t0 = time.perf_counter()
        for _ in range(n):
            real()
        out["sync_us"] = round(1e6 * (time.perf_counter() - t0) / n, 1)
        for detect in ("repost,partial", None):
            name = "fast" if detect else "full"
            for c in cases:  # (models, tables and the originals' caches warm for both)
                idx.check(c["body"], detect=detect)
            best = {True: float("inf"), False: float("inf")}
            for _ in range(PASSES):
                for on in (True, False):
                    idx.store.sync = real if on else (lambda: False)  # type: ignore[method-assign]
                    t0 = time.perf_counter()
                    for c in cases:
                        idx.check(c["body"], detect=detect)
                    best[on] = min(best[on], time.perf_counter() - t0)
            idx.store.sync = real  # type: ignore[method-assign]
            out[f"{name}_ms_with_sync"] = round(1000 * best[True] / len(cases), 3)
            out[f"{name}_ms_without"] = round(1000 * best[False] / len(cases), 3)
            out[f"{name}_cost"] = round(best[True] / best[False] - 1, 4)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/washes/index-news"))
    ap.add_argument("--queries", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--limit", type=int, default=400, help="queries checked per pass")
    a = ap.parse_args(argv)
    print(json.dumps(run(a.index, a.queries, a.limit), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
