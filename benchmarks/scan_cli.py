"""Whole-process ``xigao scan``, one worker against two, on one index.

    python -m benchmarks.scan_cli [--index bench-out/speed/xigao] [--queries CASES.jsonl]
    python -m benchmarks.scan_cli --index bench-out/speed/xigao-fast --detect repost,partial
    python -m benchmarks.scan_cli ... --queries bench-out/scan-3537.jsonl --repeat 3

Times the console command as a user runs it (start, model load, the fact table derived from
the stored texts, every check, the output written) for ``--workers 1`` and ``--workers 2``,
and checks that both give the same results. Peak memory is that of the scan's processes
together: their summed PSS (a page the workers share counts once in all), read every 0.2 s.
The same command on the first ``HEAD`` queries is timed too (enough for the workers to
start): its time is the start and a few checks, and the rate past it, the pace of a scan long
enough for the start not to count. Run
``python -m benchmarks.speed --systems xigao`` (``xigao-fast`` for the fast path) first: it
builds the index of the 35,926 CCTV stories there.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.speed import status_mb

#: queries in the short run that times the start: past ``xigao.batch``'s 32, so workers start
HEAD = 40


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc``; just ``pid`` elsewhere)."""
    out = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            kids = [int(x) for x in f.read().split()]
    except OSError:
        return out
    for kid in kids:
        out += _tree(kid)
    return out


def scan(
    index: Path, queries: Path, workers: int, out: Path, detect: str | None = None
) -> tuple[float, float]:
    """Seconds one ``xigao scan`` takes, and the peak memory of its processes together (the
    sum of their PSS, read every 0.2 s)."""
    xigao = Path(sys.executable).with_name("xigao")  # the console script beside this Python
    cmd = [str(xigao), "scan", str(queries), "--index", str(index)]
    if detect:
        cmd += ["--detect", detect]
    t0 = time.perf_counter()
    p = subprocess.Popen([*cmd, "--workers", str(workers), "-q", "-o", str(out)])
    peak = 0.0
    while p.poll() is None:
        peak = max(peak, sum(status_mb("Pss", x, "smaps_rollup") or 0.0 for x in _tree(p.pid)))
        time.sleep(0.2)
    if p.returncode:
        raise subprocess.CalledProcessError(p.returncode, cmd)
    return time.perf_counter() - t0, peak


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/speed/xigao"))
    ap.add_argument("--queries", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--detect", default=None, help="as xigao scan's (default: full detection)")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="scan the queries this many times over, ids suffixed #1, #2 … (a longer input, "
        "whose pace a start of a second barely blurs)",
    )
    a = ap.parse_args(argv)
    lines = [x for x in a.queries.read_text(encoding="utf-8").splitlines() if x.strip()]
    if a.repeat > 1:
        docs = [json.loads(x) for x in lines]
        lines = [
            json.dumps({**d, "id": f"{d['id']}#{r}"}, ensure_ascii=False)
            for r in range(1, a.repeat + 1)
            for d in docs
        ]
    n = len(lines)
    rows, results = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        if a.repeat > 1:
            a.queries = Path(tmp) / "queries.jsonl"
            a.queries.write_text("\n".join(lines) + "\n", encoding="utf-8")
        first = Path(tmp) / "first.jsonl"
        first.write_text("\n".join(lines[:HEAD]) + "\n", encoding="utf-8")
        for workers in (1, 2):
            out = Path(tmp) / f"w{workers}.jsonl"
            start, _ = scan(a.index, first, workers, Path(tmp) / "first-out.jsonl", a.detect)
            secs, peak = scan(a.index, a.queries, workers, out, a.detect)
            results[workers] = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
            rows.append((workers, secs, start, peak))
    same = results[1] == results[2]
    print(
        f"| workers | documents | seconds | documents/s | the first {HEAD} documents, s "
        "| documents/s past them | peak memory, all processes (PSS), MB |\n"
        "|---:|---:|---:|---:|---:|---:|---:|"
    )
    for workers, secs, start, peak in rows:
        after = (n - HEAD) / (secs - start) if secs > start else float("nan")
        print(
            f"| {workers} | {n} | {secs:.1f} | {n / secs:.1f} | {start:.1f} | {after:.0f} "
            f"| {peak:.0f} |"
        )
    print(f"\nResults identical with one and two workers: {'yes' if same else 'NO'}.")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
