"""Whole-process ``xigao scan`` with full detection, one worker against two, on one index.

    python -m benchmarks.scan_cli [--index bench-out/speed/xigao] [--queries CASES.jsonl]

Times the console command as a user runs it (start, model load, the fact table derived from
the stored texts, every check, the output written) for ``--workers 1`` and ``--workers 2``,
and checks that both give the same results. Run ``python -m benchmarks.speed --systems xigao``
first: it builds the index of the 35,926 CCTV stories there.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def scan(index: Path, queries: Path, workers: int, out: Path) -> float:
    """Seconds one ``xigao scan`` takes."""
    xigao = Path(sys.executable).with_name("xigao")  # the console script beside this Python
    cmd = [str(xigao), "scan", str(queries), "--index", str(index)]
    t0 = time.perf_counter()
    subprocess.run([*cmd, "--workers", str(workers), "-q", "-o", str(out)], check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/speed/xigao"))
    ap.add_argument("--queries", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    a = ap.parse_args(argv)
    n = sum(1 for line in a.queries.open(encoding="utf-8") if line.strip())
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}.jsonl"
            secs = scan(a.index, a.queries, workers, out)
            results[workers] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
            rows.append((workers, secs))
    same = results[1] == results[2]
    print("| workers | documents | seconds | documents/s |\n|---:|---:|---:|---:|")
    for workers, secs in rows:
        print(f"| {workers} | {n} | {secs:.1f} | {n / secs:.1f} |")
    print(f"\nResults identical with one and two workers: {'yes' if same else 'NO'}.")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
