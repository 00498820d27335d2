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
import os
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
    index: Path,
    queries: Path,
    workers: int,
    out: Path,
    detect: str | None = None,
    src: Path | None = None,
) -> tuple[float, float]:
    """Seconds one ``xigao scan`` takes, and the peak memory of its processes together (the
    sum of their PSS, read every 0.2 s); ``src``: the ``src`` folder of another release of
    xigao to run instead of today's."""
    xigao = Path(sys.executable).with_name("xigao")  # the console script beside this Python
    cmd = [str(xigao), "scan", str(queries), "--index", str(index)]
    if detect:
        cmd += ["--detect", detect]
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(src.resolve())) if src is not None else None
    p = subprocess.Popen([*cmd, "--workers", str(workers), "-q", "-o", str(out)], env=env)
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
    ap.add_argument(
        "--release",
        default="",
        help="a git ref: time its scan beside today's instead, with two workers, alternately",
    )
    ap.add_argument("--rounds", type=int, default=3, help="with --release: scans of each")
    a = ap.parse_args(argv)
    if a.release:
        return against_release(a.index, a.queries, a.release, a.rounds, a.detect)
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


def against_release(
    index: Path, queries: Path, ref: str, rounds: int, detect: str | None = None
) -> int:
    """Today's scan and the release ``ref``'s (a git worktree of it under ``bench-out``), two
    workers each, ``rounds`` times alternately (this machine's pace drifts by a fifth from one
    minute to the next: alternating keeps the drift out of the ratio), with their medians."""
    import statistics

    from benchmarks.washes import release_tree

    tree = release_tree(ref, Path("bench-out"))
    n = sum(1 for x in queries.read_text(encoding="utf-8").splitlines() if x.strip())
    rates: dict[str, list[float]] = {"today": [], ref: []}
    outputs: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for name, src in (("today", None), (ref, tree / "src")):
                out = Path(tmp) / f"{name}.jsonl"
                secs, _ = scan(index, queries, 2, out, detect, src)
                rates[name].append(n / secs)
                outputs[name] = [  # what a verdict is (the evidence's words may differ)
                    json.dumps([json.loads(x).get(k) for k in ("id", "verdict", "score")])
                    for x in out.read_text("utf-8").splitlines()
                ]
    print(f"| two workers, {n} documents | documents/s, each scan | median |\n|---|---|---:|")
    for name, got in rates.items():
        each = ", ".join(f"{r:.1f}" for r in got)
        print(
            f"| {'this release' if name == 'today' else 'release ' + name} | {each} "
            f"| {statistics.median(got):.1f} |"
        )
    ratio = statistics.median(rates["today"]) / statistics.median(rates[ref])
    same = outputs["today"] == outputs[ref]
    print(
        f"\nThis release's median over release {ref}'s: {ratio:.2f}. Verdicts and scores "
        f"the same: {'yes' if same else 'NO'}."
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
