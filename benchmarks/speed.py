"""Speed and memory, each system in its own child process, side by side in one run.

For each system: documents/s to build an index of the CCTV stories (``--limit`` for fewer),
documents/s to scan the suspects (the generated test cases), p50/p95 latency of a single check,
peak RSS of the child (``ru_maxrss``; the corpus in memory counts for every system alike) and
index bytes per document (xigao: its folder on disk; baselines keep their index in memory, so
their arrays are measured, and the naive MinHashLSH is pickled).

``python -m benchmarks.speed --systems xigao-fast,naive,char5 --limit 5000`` prints markdown.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.data import load_cctv, read_jsonl, shared_root

DEFAULT = ("xigao-fast", "xigao-fast-w2", "xigao", "naive", "char5")


def _index_bytes(system: Any) -> int:
    if hasattr(system, "index_bytes"):
        return int(system.index_bytes())
    with tempfile.TemporaryFile() as f:  # the naive baseline: its LSH and signatures, pickled
        pickle.dump((getattr(system, "_lsh", None), getattr(system, "_sigs", None)), f)
        return int(f.tell())


def status_mb(field: str, pid: int | str = "self", file: str = "status") -> float | None:
    """A memory field of ``/proc/PID/status`` (``VmHWM``, ``VmRSS``) in MB, or of another file
    of the same form (``smaps_rollup``: ``Pss``); None if unreadable."""
    try:
        with open(f"/proc/{pid}/{file}", encoding="utf-8") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """High-water RSS of this process in MB: ``VmHWM`` (reset by exec, unlike ``ru_maxrss``,
    which a child inherits from the large parent it was forked from)."""
    got = status_mb("VmHWM")
    return got if got is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_checks(
    check: Callable[[dict[str, Any]], Any], cases: Sequence[dict[str, Any]]
) -> tuple[float, list[float], list[Any]]:
    """Each case checked in turn: the seconds in all, the latencies sorted, the results."""
    lat, results = [], []
    t0 = time.perf_counter()
    for c in cases:
        t = time.perf_counter()
        results.append(check(c))
        lat.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    lat.sort()
    return total, lat, results


def latency_ms(lat: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0.5, 0.95) of sorted latencies in seconds, in ms (nearest rank)."""
    return 1000 * lat[min(len(lat) - 1, int(len(lat) * q))]


def child(name: str, shared: str | None, queries: Path, limit: int | None, work: Path) -> dict:
    """Measure one system in this process (run it in a fresh child)."""
    from benchmarks.systems import make_system

    docs = load_cctv(shared_root(shared))[:limit] if limit else load_cctv(shared_root(shared))
    cases = read_jsonl(queries)
    rss_data = peak_rss_mb()
    system = make_system(name, work)
    if system is None:
        return {"system": name, "error": "unavailable"}
    t0 = time.perf_counter()
    system.build(docs)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    if hasattr(system, "ready"):  # xigao: the postings, derived on the first check otherwise
        system.ready()
    ready_s = time.perf_counter() - t0
    scan_s, lat, _ = timed_checks(lambda c: system.check(c["body"], c.get("title")), cases)
    return {
        "system": name,
        "docs": len(docs),
        "queries": len(cases),
        "build_s": build_s,
        "build_docs_s": len(docs) / build_s,
        "ready_s": ready_s,
        "scan_docs_s": len(cases) / scan_s,
        "p50_ms": latency_ms(lat, 0.5),
        "p95_ms": latency_ms(lat, 0.95),
        "peak_rss_mb": peak_rss_mb(),
        "data_rss_mb": rss_data,
        "system_rss_mb": peak_rss_mb() - rss_data,
        "index_bytes_per_doc": _index_bytes(system) / len(docs),
    }


def run_speed(
    systems: list[str],
    shared: str | None,
    queries: Path,
    *,
    limit: int | None = None,
    work: Path = Path("bench-out/speed"),
    timeout: int = 3600,
) -> list[dict]:
    """Each system in a fresh ``python -m benchmarks.speed --child`` process."""
    out = []
    for name in systems:
        cmd = (
            [
                sys.executable,
                "-m",
                "benchmarks.speed",
                "--child",
                name,
                "--queries",
                str(queries),
                "--work",
                str(work),
            ]
            + (["--shared", shared] if shared else [])
            + (["--limit", str(limit)] if limit else [])
        )
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
            lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
            out.append(
                json.loads(lines[-1]) if lines else {"system": name, "error": p.stderr[-300:]}
            )
        except subprocess.TimeoutExpired:
            out.append({"system": name, "error": f"timed out after {timeout}s"})
    return out


def markdown(rows: list[dict], ref: str = "xigao-fast") -> str:
    ok = [r for r in rows if "error" not in r]
    lines = [
        "| system | docs indexed | build docs/s | ready s | scan docs/s | p50 ms | p95 ms | peak RSS MB | of which system MB | index bytes/doc |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ok:
        lines.append(
            f"| {r['system']} | {r['docs']} | {r['build_docs_s']:.0f} | {r.get('ready_s', 0.0):.1f} | {r['scan_docs_s']:.1f} | "
            f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['peak_rss_mb']:.0f} | {r['system_rss_mb']:.0f} | {r['index_bytes_per_doc']:.0f} |"
        )
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['system']} | — | failed: {r['error'][:120]!r} | | | | | | | |")
    base = next((r for r in ok if r["system"] == ref), None)
    if base and len(ok) > 1:
        lines += [
            "",
            f"Ratios, {ref} ÷ baseline (above 1 = {ref} faster for docs/s, larger for latency, RSS and bytes):",
            "",
            "| baseline | build docs/s | scan docs/s | p50 latency | p95 latency | peak RSS | system RSS | index bytes/doc |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        keys = (
            "build_docs_s",
            "scan_docs_s",
            "p50_ms",
            "p95_ms",
            "peak_rss_mb",
            "system_rss_mb",
            "index_bytes_per_doc",
        )
        for r in ok:
            if r is not base:
                cells = [f"{base[k] / r[k]:.2f}×" if r[k] > 0 else "—" for k in keys]
                lines.append(f"| {r['system']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--systems", default=",".join(DEFAULT))
    ap.add_argument("--shared", default=None)
    ap.add_argument("--queries", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--limit", type=int, default=None, help="index only the first N stories")
    ap.add_argument("--work", type=Path, default=Path("bench-out/speed"))
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child, a.shared, a.queries, a.limit, a.work)))
        return 0
    rows = run_speed(a.systems.split(","), a.shared, a.queries, limit=a.limit, work=a.work)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
