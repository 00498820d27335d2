"""Whole process on a hold-out-like slice: 2,000 originals and 500 suspects, the fast path
against the naive baseline, each timed as a user runs it (interpreter start, imports, model or
dictionary load, the index written to disk and read back, results written).

    python -m benchmarks.slice [--originals 2000] [--suspects 500] [--repeat 3]

The suspects are the first ``--suspects`` test cases of the bench harness (as many of each
kind), the originals their sources and then the harness's other originals, ``--originals`` in
all. Each side runs as two commands:

- xigao: ``xigao index build ORIGINALS --no-vectors`` then ``xigao scan SUSPECTS --detect
  repost,partial`` (the fast path, its default workers);
- naive: ``python -m benchmarks.slice --naive build`` (jieba + datasketch MinHashLSH, the LSH
  and signatures pickled to a file as an index on disk) then ``--naive scan`` (the pickle read
  back, each suspect checked, its results written as JSONL).

Each command is run ``--repeat`` times and the fastest kept; build and scan are reported
apart, with their ratios (naive time over xigao time), and the share of suspects xigao got
right (verdict and first source as :func:`benchmarks.scale._right` reads them for the fast
path; the naive baseline gives candidates and scores, no verdict).
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, write_jsonl
from benchmarks.scale import _right, suspects


def _naive(action: str, data: Path, index: Path, out: Path | None) -> None:
    """One naive command, in this process (run as a child)."""
    from benchmarks.baselines import NaiveMinHash

    system = NaiveMinHash()
    if action == "build":
        system.build(read_jsonl(data))
        with open(index, "wb") as f:
            pickle.dump((system._lsh, system._sigs), f, protocol=pickle.HIGHEST_PROTOCOL)
        return
    with open(index, "rb") as f:
        system._lsh, system._sigs = pickle.load(f)
    assert out is not None
    with open(out, "w", encoding="utf-8") as w:
        for c in read_jsonl(data):
            r = system.check(c["body"])
            w.write(json.dumps({**r, "id": c["id"]}, ensure_ascii=False) + "\n")


def _timed(cmd: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def _right_share(cases: list[dict[str, Any]], out: Path) -> float:
    got = {r["id"]: r for r in read_jsonl(out)}
    return sum(_right(c, got[c["id"]], fast=True) for c in cases) / len(cases)


def run(cases_path: Path, n_originals: int, n_suspects: int, repeat: int, work: Path) -> dict:
    cases = suspects(cases_path, n_suspects)
    pool = read_jsonl(cases_path.parent.parent / "originals.jsonl")
    wanted = {s["source_id"] for c in cases for s in c.get("sources", [])}
    originals = [d for d in pool if d["id"] in wanted]
    originals += [d for d in pool if d["id"] not in wanted][: n_originals - len(originals)]
    orig, sus = work / "originals.jsonl", work / "suspects.jsonl"
    write_jsonl(orig, originals)
    write_jsonl(sus, [{"id": c["id"], "title": c.get("title"), "body": c["body"]} for c in cases])
    xigao = str(Path(sys.executable).with_name("xigao"))
    idx, out_x, out_n, pkl = work / "idx", work / "x.jsonl", work / "n.jsonl", work / "naive.pkl"
    build = [xigao, "index", "build", str(orig), "--index", str(idx), "--no-vectors"]
    scan = [xigao, "scan", str(sus), "--index", str(idx), "--detect", "repost,partial"]
    me = [sys.executable, "-m", "benchmarks.slice", "--naive"]
    times = {
        "xigao_build": _timed([*build, "--overwrite", "-q"], repeat),
        "xigao_scan": _timed([*scan, "-q", "-o", str(out_x)], repeat),
        "naive_build": _timed([*me, "build", str(orig), str(pkl)], repeat),
        "naive_scan": _timed([*me, "scan", str(sus), str(pkl), str(out_n)], repeat),
    }
    return {
        "originals": len(originals),
        "suspects": len(cases),
        **times,
        "build_ratio": times["naive_build"] / times["xigao_build"],
        "scan_ratio": times["naive_scan"] / times["xigao_scan"],
        "xigao_right": _right_share(cases, out_x),
    }


def markdown(r: dict) -> str:
    return "\n".join(
        [
            "| step | xigao (fast path) s | naive s | naive ÷ xigao |",
            "|---|---:|---:|---:|",
            f"| build {r['originals']:,} originals | {r['xigao_build']:.2f} "
            f"| {r['naive_build']:.2f} | **{r['build_ratio']:.1f}×** |",
            f"| scan {r['suspects']} suspects | {r['xigao_scan']:.2f} | {r['naive_scan']:.2f} "
            f"| **{r['scan_ratio']:.1f}×** |",
            "",
            f"xigao's verdict and first source right for {r['xigao_right']:.3f} of the "
            "suspects (the naive baseline gives scores and candidates, no verdict).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--naive", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--originals", type=int, default=2000)
    ap.add_argument("--suspects", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    if a.naive:
        action, data, index, *out = a.naive
        _naive(action, Path(data), Path(index), Path(out[0]) if out else None)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        r = run(a.cases, a.originals, a.suspects, a.repeat, Path(tmp))
    print(json.dumps(r))
    print(markdown(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
