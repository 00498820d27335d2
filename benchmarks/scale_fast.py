"""The fast path alone at scale: how many originals one machine holds for repost and partial
detection, with an index built without vectors (``xigao index build --no-vectors``).

    python -m benchmarks.scale_fast [--sizes 100000,1000000] [--suspects 600]
                                    [--out docs/scaling.md]

The originals and the suspects are :mod:`benchmarks.scale`'s (real documents, then recombined
ones; the first ``--suspects`` test cases). Each size is measured in two fresh child processes:

- **build**: ``Index.build(..., vectors=None)`` with its default workers, timed, with the
  index's bytes on disk and its sketches' bytes per document;
- **serve**: a process that opens the index as a scan or the service does, derives the postings
  (``Index.prepare``) and saves them (``lookup.npz``), then checks every suspect one at a time
  on the fast path. Its peak RSS (``VmHWM``) is what a machine serving the index must hold the
  first time, and its slope between the two largest sizes gives the originals one machine holds.
  "Right" is :mod:`benchmarks.scale`'s.
- **serve again**: a second such process, which reads the saved postings back instead: every
  later scan or service start. Its peak RSS gives the originals one machine serves once the
  postings are saved (deriving them needs a sort order beside them).

``--out`` writes the section into the scaling page in place of the last one (between the
``<!-- fast-only -->`` marker and the next marker or the end).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.data import shared_root
from benchmarks.scale import _right, _run_child, corpus, harness_originals, index_bytes, suspects
from benchmarks.speed import latency_ms, peak_rss_mb, timed_checks

MARK = "<!-- fast-only -->"
FAST = ("repost", "partial")


def child_build(
    root: Path, n: int, cases: list[dict[str, Any]], dest: Path, allowed: set[str]
) -> dict[str, Any]:
    from xigao import Index

    first = {s["source_id"] for c in cases for s in c.get("sources", [])}
    shutil.rmtree(dest, ignore_errors=True)
    t0 = time.perf_counter()
    Index.build(corpus(root, n, first, allowed), dest, vectors=None).close()
    build_s = time.perf_counter() - t0
    return {
        "build_docs_s": n / build_s,
        "build_s": build_s,
        "build_peak_rss_mb": peak_rss_mb(),
        **index_bytes(dest, n),
    }


def child_serve(n: int, cases: list[dict[str, Any]], dest: Path) -> dict[str, Any]:
    from xigao import Index

    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    idx = Index.open(dest)
    idx.prepare(FAST)
    ready_s = time.perf_counter() - t0
    ready_rss = peak_rss_mb()

    def check(c: dict[str, Any]) -> dict[str, Any]:
        return dict(idx.check(c["body"], detect=FAST).to_dict())

    total, lat, results = timed_checks(check, cases)
    right = sum(_right(c, r, fast=True) for c, r in zip(cases, results, strict=True))
    idx.close()
    return {
        "open_s": ready_s,
        "fast_docs_s": len(cases) / total,
        "p50_ms": latency_ms(lat, 0.5),
        "p95_ms": latency_ms(lat, 0.95),
        "right": right / len(cases),
        "base_rss_mb": rss0,
        "ready_rss_mb": ready_rss,
        "serve_peak_rss_mb": peak_rss_mb(),
    }


def capacity(
    rows: list[dict[str, Any]], memory_gb: float = 24.0, peak: str = "serve_peak_rss_mb"
) -> dict[str, Any]:
    """Originals one serving process holds in three quarters of ``memory_gb``, from the slope
    of its peak RSS (``peak``: the first serving process's, or ``again_peak_rss_mb``, a later
    one's) between the two largest sizes (per-document cost plus a fixed part)."""
    ok = sorted((r for r in rows if "error" not in r and peak in r), key=lambda r: r["docs"])
    if len(ok) < 2:
        return {}
    a, b = ok[-2], ok[-1]
    per_doc_mb = (b[peak] - a[peak]) / (b["docs"] - a["docs"])
    fixed_mb = b[peak] - per_doc_mb * b["docs"]
    usable_mb = memory_gb * 1024 * 0.75
    return {
        "from": [a["docs"], b["docs"]],
        "kb_per_doc": per_doc_mb * 1024,
        "fixed_mb": fixed_mb,
        "docs": (usable_mb - fixed_mb) / per_doc_mb if per_doc_mb > 0 else float("inf"),
        "gb_10m": (fixed_mb + per_doc_mb * 10_000_000) / 1024,
        "disk_gb_10m": b["index_bytes_per_doc"] * 10_000_000 / 1e9,
        "build_hours_10m": 10_000_000 / b["build_docs_s"] / 3600,
        "memory_gb": memory_gb,
    }


def markdown(
    rows: list[dict[str, Any]], cap: dict[str, Any], command: str, again: dict[str, Any]
) -> str:
    out = [
        MARK,
        "## The fast path alone: an index without vectors",
        "",
        "Reposts and partial copies only (`xigao index build --no-vectors`; `--detect "
        "repost,partial`), the same originals and suspects as above. **Serve** is a fresh "
        "process that opens the index, derives its postings, saves them and checks the "
        "suspects one at a time: its peak RSS is what a machine serving the index holds (the "
        "build's own peak is beside it). **Again** is the next such process, which reads the "
        "saved postings back.",
        "",
        "| originals | build docs/s | build peak RSS MB | open and derive s | again: open s "
        "| fast scan docs/s | p50 / p95 ms | right | serve peak RSS MB | again: peak RSS MB "
        "| index bytes/doc | sketch bytes/doc |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['docs']:,} | failed: {r['error'][:160]!r} |" + " |" * 10)
            continue
        out.append(
            f"| {r['docs']:,} | {r['build_docs_s']:,.0f} | {r['build_peak_rss_mb']:,.0f} "
            f"| {r['open_s']:.1f} | {r.get('again_open_s', float('nan')):.1f} "
            f"| {r['fast_docs_s']:,.0f} "
            f"| {r['p50_ms']:.1f} / {r['p95_ms']:.1f} | {r['right']:.3f} "
            f"| {r['serve_peak_rss_mb']:,.0f} | {r.get('again_peak_rss_mb', float('nan')):,.0f} "
            f"| {r['index_bytes_per_doc']:,.0f} | {r['sketch_bytes_per_doc']:,.0f} |"
        )
    if cap:
        out += [
            "",
            f"**One machine ({cap['memory_gb']:.0f} GB), fast path only.** Between "
            f"{cap['from'][0]:,} and {cap['from'][1]:,} originals a serving process grows by "
            f"{cap['kb_per_doc']:.2f} KB per original over a fixed {cap['fixed_mb']:.0f} MB, so "
            f"three quarters of {cap['memory_gb']:.0f} GB hold about "
            f"**{cap['docs'] / 1e6:.1f} million originals**; 10 million take about "
            f"{cap['gb_10m']:.1f} GB in memory and {cap['disk_gb_10m']:.0f} GB on disk, and "
            f"building them at the largest size's rate about {cap['build_hours_10m']:.1f} hours.",
        ]
    if again:
        out += [
            "",
            f"**Once the postings are saved**, a serving process grows by "
            f"{again['kb_per_doc']:.2f} KB per original over a fixed {again['fixed_mb']:.0f} MB "
            f"(between {again['from'][0]:,} and {again['from'][1]:,}): three quarters of "
            f"{again['memory_gb']:.0f} GB serve about **{again['docs'] / 1e6:.1f} million "
            f"originals**, and 10 million take about {again['gb_10m']:.1f} GB. The first process "
            "after a build still derives them, at the peak above.",
        ]
    out += ["", f"Command: `{command}`", ""]
    return "\n".join(out)


def splice(page: str, section: str) -> str:
    """``page`` with ``section`` in place of its fast-only section (or before its first other
    marker, or at its end)."""
    if MARK in page:
        head, rest = page.split(MARK, 1)
        nxt = rest.find("<!-- ")
        tail = rest[nxt:] if nxt >= 0 else ""
    else:
        nxt = page.find("<!-- ")
        head, tail = (page[:nxt], page[nxt:]) if nxt >= 0 else (page, "")
    return head.rstrip() + "\n\n" + section.rstrip() + "\n" + ("\n" + tail if tail else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("PHASE", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--suspects", type=int, default=600)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--work", type=Path, default=Path("bench-out/scale-fast"))
    ap.add_argument("--timeout", type=int, default=2 * 3600)
    ap.add_argument("--max-rss-mb", type=float, default=19_000, help="stop a child past this")
    ap.add_argument("--out", type=Path, default=None, help="splice the section into this page")
    a = ap.parse_args(argv)
    cases = suspects(a.cases, a.suspects)
    if a.child:
        phase, n = a.child[0], int(a.child[1])
        dest = a.work / f"fast-{n}"
        if phase == "build":
            got = child_build(shared_root(a.shared), n, cases, dest, harness_originals(a.cases))
        else:
            got = child_serve(n, cases, dest)
            if phase == "again":
                got = {"again_open_s": got["open_s"], "again_peak_rss_mb": got["serve_peak_rss_mb"]}
        print(json.dumps(got))
        return 0
    a.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for n in [int(s) for s in a.sizes.split(",")]:
        common = [
            str(n), "--suspects", str(a.suspects), "--cases", str(a.cases),
            "--work", str(a.work), *(["--shared", a.shared] if a.shared else []),
        ]  # fmt: skip
        row: dict[str, Any] = {"docs": n}
        for phase in ("build", "serve", "again"):
            got = _run_child(
                [phase, *common], a.timeout, a.max_rss_mb, module="benchmarks.scale_fast"
            )
            row.update(got)
            if "error" in got:
                break
        shutil.rmtree(a.work / f"fast-{n}", ignore_errors=True)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        (a.work / "results.json").write_text(json.dumps(rows, indent=1), "utf-8")
    command = "python -m benchmarks.scale_fast " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    again = capacity(rows, peak="again_peak_rss_mb")
    section = markdown(rows, capacity(rows), command.strip(), again)
    print(section)
    if a.out:
        old = a.out.read_text(encoding="utf-8") if a.out.exists() else ""
        a.out.write_text(splice(old, section), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
