"""The scaling curve: build, fast and full scan, latency, memory and index size from 10k to 1M
originals, each size in a fresh child process, with the naive baseline where it can run.

    python -m benchmarks.scale [--sizes 10000,100000,1000000] [--naive-max 10000]
                               [--suspects 600] [--out docs/scaling.md]

**The originals.** Real article-sized text first, in this order: the CCTV stories the bench
harness's test cases were made from (so every size holds their sources), the other CCTV
stories, laws split into parts of about 800 characters at 第X条 boundaries, the government
work reports split the same way at paragraphs, the four classic novels' chapters and 鲁迅's
works split into passages of about 1,000 characters, and THUCNews. Past what these hold
(about 90,000 documents), documents **recombined** from CCTV sentences: 3 to 12 sentences
drawn from random stories (seeded), labelled ``mix-…`` — real sentences, new documents, and
so near-duplicates of nothing in particular, which is what a large archive mostly is.

**The suspects.** The first ``--suspects`` of the test cases (as many of each kind: repost,
partial, rewrite, original), checked one at a time in this process: the fast path
(``detect=("repost", "partial")``) and full detection, each timed over all suspects; the
latency percentiles are full detection's. "Right" is the share of suspects whose verdict and
top source are those of the case (an original must come back ``original``), so a larger
index's distractors show up as lost accuracy, not only as time.

**Measured per size.** Build documents/s (``Index.build`` with its default workers: the
CPUs, at most 4; vectors of the static model included; the HNSW graph built too), fast and
full scan documents/s, p50/p95 full-check latency, peak RSS of the child (``VmHWM``), index
bytes per document (its folder on disk) and of that the sketches' bytes per document (the
``sketches`` table's rows). The naive baseline (jieba + datasketch MinHashLSH, in memory) runs
up to ``--naive-max`` originals; beyond that its measured rate says how long it would take.

Results go to ``bench-out/scale/results.json``; ``--out`` writes the markdown page with the
capacity worked out from the slopes (see :func:`capacity`).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, shared_root
from benchmarks.speed import latency_ms, peak_rss_mb, status_mb, timed_checks

KINDS = ("repost", "partial", "rewrite", "original")
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_ARTICLE = re.compile(r"(?=第[一二三四五六七八九十百千零〇]+条)")


def _parts(text: str, size: int, split: re.Pattern[str] | None = None) -> list[str]:
    """``text`` cut into parts of about ``size`` characters at ``split`` (else paragraph)
    boundaries; pieces under 80 characters are dropped."""
    pieces = split.split(text) if split else text.split("\n")
    out, cur = [], ""
    for p in pieces:
        cur = f"{cur}\n{p}" if cur and not split else cur + p
        if len(cur) >= size:
            out.append(cur.strip())
            cur = ""
    if cur.strip():
        out.append(cur.strip())
    return [p for p in out if len(p) >= 80]


@functools.lru_cache(maxsize=2)
def _all_cctv(root: Path) -> tuple[dict[str, Any], ...]:
    """The CCTV stories with a body, read once for both the real and the recombined part."""
    path = root / "data" / "news" / "cctv_xwlb_stories.jsonl"
    return tuple(d for d in read_jsonl(path) if d["body"].strip())


def _cctv(root: Path, allowed: set[str] | None) -> list[dict[str, Any]]:
    return [d for d in _all_cctv(root) if allowed is None or d["id"] in allowed]


def real_docs(
    root: Path, first: set[str], allowed: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The real documents, the stories in ``first`` leading (see the module docstring); of the
    CCTV stories only those in ``allowed`` (the harness's originals: the others are its test
    cases' fillers and innocents, which must stay out of the index)."""
    data = root / "data"
    cctv = _cctv(root, allowed)
    for keep in (True, False):
        for d in cctv:
            if (d["id"] in first) == keep:
                yield {"id": d["id"], "title": d.get("title") or None, "body": d["body"]}
    pd = data / "public_domain"
    for d in read_jsonl(pd / "laws.jsonl"):
        for i, p in enumerate(_parts(d["body"], 800, _ARTICLE)):
            yield {"id": f"{d['id']}#{i}", "title": d.get("title"), "body": p}
    for d in read_jsonl(pd / "gov_work_reports.jsonl"):
        for i, p in enumerate(_parts(d["body"], 800)):
            yield {"id": f"{d['id']}#{i}", "title": d.get("title"), "body": p}
    for name in ("classic_novels_chapters.jsonl", "luxun_works.jsonl"):
        for d in read_jsonl(pd / name):
            for i, p in enumerate(_parts(d["body"], 1000)):
                yield {"id": f"{d['id']}#{i}", "title": d.get("title"), "body": p}
    with open(data / "news" / "thucnews_1k.tsv", encoding="utf-8") as f:
        for i, line in enumerate(f):
            _, _, body = line.rstrip("\n").partition("\t")
            if body.strip():
                yield {"id": f"thucnews-{i}", "title": None, "body": body}


#: Mean gap between the characters a recombined sentence has replaced, and the longest: no run
#: of a real story longer than ``MUTATE_MAX - 1`` characters survives.
MUTATE_GAP = 7
MUTATE_MAX = 12


def recombined(
    root: Path, allowed: set[str] | None = None, seed: int = 0
) -> Iterator[dict[str, Any]]:
    """Endless documents of 3-12 CCTV sentences drawn from random stories (seeded), each
    sentence with a character in about every ``MUTATE_GAP`` replaced by one drawn from the
    stories' own character frequencies: news-like text on the same topics that copies no run
    of a real story long enough to be a partial copy (40 characters), as an archive's other
    documents mostly do not. Unmutated, every sentence would recur in a dozen documents at a
    million, and every suspect would be a partial copy of them."""
    stories = _cctv(root, allowed)
    sents = [s.strip() for d in stories for s in _SENT.findall(d["body"]) if len(s.strip()) >= 12]
    freq = Counter(ch for d in stories for ch in d["body"] if "\u4e00" <= ch <= "\u9fff")
    chars, weights = list(freq), list(itertools.accumulate(freq.values()))
    rng = random.Random(seed)
    # drawn ahead, in pools cycled through: a draw per character would be most of the time
    pool = rng.choices(chars, cum_weights=weights, k=1 << 20)
    gaps = [min(MUTATE_MAX, 1 + int(rng.expovariate(1 / (MUTATE_GAP - 1)))) for _ in range(1 << 16)]
    i = k = 0
    while True:
        parts = []
        for _ in range(rng.randint(3, 12)):
            s = list(rng.choice(sents))
            at = rng.randrange(MUTATE_GAP)
            while at < len(s):
                k += 1
                s[at] = pool[k & 0xFFFFF]
                at += gaps[(k * 7919) & 0xFFFF]
            parts.append("".join(s))
        yield {"id": f"mix-{i:07d}", "title": None, "body": "".join(parts)}
        i += 1


def corpus(
    root: Path, n: int, first: set[str], allowed: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The first ``n`` originals: real ones, then recombined ones."""
    made = 0
    for stream in (real_docs(root, first, allowed), recombined(root, allowed)):
        for d in stream:
            if made >= n:
                return
            yield d
            made += 1


def suspects(cases_path: Path, n: int) -> list[dict[str, Any]]:
    """As many cases of each kind, in file order, ``n`` in all."""
    per = n // len(KINDS)
    got: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for c in read_jsonl(cases_path):
        if c["kind"] in got and len(got[c["kind"]]) < per:
            got[c["kind"]].append(c)
    return [c for k in KINDS for c in got[k]]


def _right(case: dict[str, Any], result: dict[str, Any], fast: bool) -> bool:
    """The case's verdict and first source (the fast path is not asked for rewrites: a
    rewrite coming back ``original``, or ``partial`` from its source, is right for it)."""
    want = case["kind"]
    if want == "original":
        return result["verdict"] == "original"
    sources = [s["source_id"] for s in case.get("sources", [])]
    matches = result.get("matches") or []
    if fast and want == "rewrite" and result["verdict"] == "original":
        return True
    if fast and want == "rewrite":  # a rewrite that kept a copied passage: partial is right
        want = "partial" if result["verdict"] == "partial" else want
    return result["verdict"] == want and bool(matches) and matches[0]["source_id"] in sources


def harness_originals(cases_path: Path) -> set[str]:
    """The ids the bench harness indexes (``originals.jsonl`` beside the cases' split)."""
    return {d["id"] for d in read_jsonl(cases_path.parent.parent / "originals.jsonl")}


def _check_dict(idx: Any, detect: tuple[str, ...] | None, case: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"detect": detect} if detect else {}
    return dict(idx.check(case["body"], title=case.get("title"), **kw).to_dict())


def index_bytes(dest: Path, n: int) -> dict[str, float | None]:
    """The index folder ``dest``'s bytes per document on disk, and of them its sketches' (the
    ``sketches`` table's rows; None where there is no such table)."""
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    sketch_bytes = None
    if (dest / "index.sqlite").exists():
        con = sqlite3.connect(dest / "index.sqlite")
        row = con.execute(
            "SELECT SUM(LENGTH(minhash) + LENGTH(fps) + LENGTH(fpos) + 8) FROM sketches"
        ).fetchone()
        sketch_bytes = row[0] / n if row and row[0] else None
        con.close()
    return {"index_bytes_per_doc": size / n, "sketch_bytes_per_doc": sketch_bytes}


def child_xigao(
    root: Path, n: int, cases: list[dict[str, Any]], work: Path, allowed: set[str]
) -> dict[str, Any]:
    from xigao import Index

    first = {s["source_id"] for c in cases for s in c.get("sources", [])}
    dest = work / f"xigao-{n}"
    shutil.rmtree(dest, ignore_errors=True)
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    idx = Index.build(corpus(root, n, first, allowed), dest, vectors="static")
    build_s = time.perf_counter() - t0
    out: dict[str, Any] = {
        "system": "xigao",
        "docs": n,
        "build_s": build_s,
        "build_docs_s": n / build_s,
        **index_bytes(dest, n),
    }
    # the first check pays for derived tables (terms, facts): warm up, untimed, on one suspect
    idx.check(cases[0]["body"], title=cases[0].get("title"))
    for name, detect in (("fast", ("repost", "partial")), ("full", None)):
        check = functools.partial(_check_dict, idx, detect)
        total, lat, results = timed_checks(check, cases)
        by_kind = {k: 0 for k in KINDS}
        for c, r in zip(cases, results, strict=True):
            by_kind[c["kind"]] += _right(c, r, fast=bool(detect))
        out[f"{name}_docs_s"] = len(cases) / total
        out[f"{name}_right"] = sum(by_kind.values()) / len(cases)
        out[f"{name}_right_by_kind"] = by_kind
        out[f"{name}_p50_ms"] = latency_ms(lat, 0.5)
        out[f"{name}_p95_ms"] = latency_ms(lat, 0.95)
    idx.close()
    out["peak_rss_mb"] = peak_rss_mb()
    out["base_rss_mb"] = rss0
    return out


def child_naive(
    root: Path, n: int, cases: list[dict[str, Any]], allowed: set[str]
) -> dict[str, Any]:
    from benchmarks.baselines import NaiveMinHash

    first = {s["source_id"] for c in cases for s in c.get("sources", [])}
    docs = list(corpus(root, n, first, allowed))
    rss0 = peak_rss_mb()
    system = NaiveMinHash()
    t0 = time.perf_counter()
    system.build(docs)
    build_s = time.perf_counter() - t0
    total, lat, _ = timed_checks(lambda c: system.check(c["body"], c.get("title")), cases)
    return {
        "system": "naive",
        "docs": n,
        "build_s": build_s,
        "build_docs_s": n / build_s,
        "fast_docs_s": len(cases) / total,
        "fast_p50_ms": latency_ms(lat, 0.5),
        "fast_p95_ms": latency_ms(lat, 0.95),
        "peak_rss_mb": peak_rss_mb(),
        "base_rss_mb": rss0,
    }


def _run_child(
    args: list[str], timeout: int, max_rss_mb: float, module: str = "benchmarks.scale"
) -> dict[str, Any]:
    """Run one measurement in a child (``python -m module --child ARGS``), stopped when it
    runs past ``timeout`` seconds or its RSS past ``max_rss_mb`` (the machine's memory is the
    limit being measured, not one to hit: the other processes on it would go first)."""
    cmd = [sys.executable, "-m", module, "--child", *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        started, peak = time.time(), 0.0
        while p.poll() is None:
            peak = max(peak, status_mb("VmRSS", p.pid) or 0.0)
            why = (
                f"stopped: RSS {peak:,.0f} MB past the {max_rss_mb:,.0f} MB limit"
                if peak > max_rss_mb
                else f"timed out after {timeout}s"
                if time.time() - started > timeout
                else None
            )
            if why:
                p.kill()
                p.wait()
                return {"error": why, "peak_rss_mb": peak}
            time.sleep(1.0)
        out.seek(0)
        err.seek(0)
        lines = [ln for ln in out.read().splitlines() if ln.startswith("{")]
        return json.loads(lines[-1]) if lines else {"error": err.read()[-400:]}


def capacity(rows: list[dict[str, Any]], memory_gb: float = 24.0) -> dict[str, Any]:
    """Originals one machine holds, from the slope of peak RSS and of index bytes between the
    two largest sizes measured (a straight line: per-document cost times documents plus a
    fixed part), with a quarter of the memory kept for the OS and the page cache."""
    ok = sorted((r for r in rows if r.get("system") == "xigao" and "error" not in r),
                key=lambda r: r["docs"])  # fmt: skip
    if len(ok) < 2:
        return {}
    a, b = ok[-2], ok[-1]
    per_doc_mb = (b["peak_rss_mb"] - a["peak_rss_mb"]) / (b["docs"] - a["docs"])
    fixed_mb = b["peak_rss_mb"] - per_doc_mb * b["docs"]
    usable_mb = memory_gb * 1024 * 0.75
    docs = (usable_mb - fixed_mb) / per_doc_mb if per_doc_mb > 0 else float("inf")
    disk_per_doc = (b["index_bytes_per_doc"] * b["docs"] - a["index_bytes_per_doc"] * a["docs"]) / (
        b["docs"] - a["docs"]
    )
    return {
        "from": [a["docs"], b["docs"]],
        "rss_kb_per_doc": per_doc_mb * 1024,
        "fixed_mb": fixed_mb,
        "memory_gb": memory_gb,
        "docs_in_memory": docs,
        "disk_bytes_per_doc": disk_per_doc,
        "build_hours_10m": 10_000_000 / b["build_docs_s"] / 3600,
        "rss_gb_10m": (fixed_mb + per_doc_mb * 10_000_000) / 1024,
    }


def markdown(rows: list[dict[str, Any]], cap: dict[str, Any], command: str) -> str:
    out = [
        "| system | originals | build docs/s | fast scan docs/s | full scan docs/s "
        "| full p50 / p95 ms | right (fast / full) | peak RSS MB | index bytes/doc "
        "| sketch bytes/doc |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.get("system") == "naive-skipped":
            continue
        if "error" in r:
            out.append(f"| {r.get('system')} | {r.get('docs')} | failed: {r['error'][:160]!r} "
                       "| | | | | | | |")  # fmt: skip
            continue
        if r["system"] == "naive":
            out.append(
                f"| naive | {r['docs']:,} | {r['build_docs_s']:.0f} | {r['fast_docs_s']:.1f} | — "
                f"| {r['fast_p50_ms']:.1f} / {r['fast_p95_ms']:.1f} (its only check) | — "
                f"| {r['peak_rss_mb']:.0f} | (in memory) | — |"
            )
            continue
        sk = r.get("sketch_bytes_per_doc")
        out.append(
            f"| xigao | {r['docs']:,} | {r['build_docs_s']:.0f} | {r['fast_docs_s']:.0f} "
            f"| {r['full_docs_s']:.1f} | {r['full_p50_ms']:.1f} / {r['full_p95_ms']:.1f} "
            f"| {r['fast_right']:.3f} / {r['full_right']:.3f} | {r['peak_rss_mb']:.0f} "
            f"| {r['index_bytes_per_doc']:.0f} | {sk:.0f} |"
            if sk
            else f"| xigao | {r['docs']:,} | {r['build_docs_s']:.0f} | … |"
        )
    for r in (r for r in rows if r.get("system") == "naive-skipped"):
        out.append(
            f"| naive | {r['docs']:,} | not run: at its measured {r['rate']:.0f} docs/s the "
            f"build alone takes {r['hours']:.1f} h | | | | | | | |"
        )
    if cap:
        out += [
            "",
            f"**One machine ({cap['memory_gb']:.0f} GB).** Between {cap['from'][0]:,} and "
            f"{cap['from'][1]:,} originals the peak RSS of a process that builds and checks grows "
            f"by {cap['rss_kb_per_doc']:.2f} KB per original over a fixed "
            f"{cap['fixed_mb']:.0f} MB, so three quarters of {cap['memory_gb']:.0f} GB hold about "
            f"**{cap['docs_in_memory'] / 1e6:.1f} million originals**; 10 million would need "
            f"about {cap['rss_gb_10m']:.0f} GB. On disk the index takes "
            f"{cap['disk_bytes_per_doc']:.0f} bytes per original "
            f"({cap['disk_bytes_per_doc'] * 1e7 / 1e9:.0f} GB at 10 million), and building 10 "
            f"million at the largest size's rate takes about {cap['build_hours_10m']:.1f} hours "
            f"on this machine.",
        ]
    out += ["", f"Command: `{command}`"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("SYSTEM", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--naive-max", type=int, default=10_000)
    ap.add_argument("--suspects", type=int, default=600)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main/test/cases.jsonl"))
    ap.add_argument("--work", type=Path, default=Path("bench-out/scale"))
    ap.add_argument("--keep", action="store_true", help="keep the indexes built")
    ap.add_argument("--timeout", type=int, default=4 * 3600)
    ap.add_argument("--max-rss-mb", type=float, default=19_000, help="stop a child past this")
    ap.add_argument("--out", type=Path, default=None, help="write the markdown page here")
    a = ap.parse_args(argv)
    root = shared_root(a.shared)
    cases = suspects(a.cases, a.suspects)
    if a.child:
        system, n = a.child[0], int(a.child[1])
        allowed = harness_originals(a.cases)
        got = (
            child_naive(root, n, cases, allowed)
            if system == "naive"
            else child_xigao(root, n, cases, a.work, allowed)
        )
        print(json.dumps(got))
        return 0
    a.work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    naive_rate = None
    for n in [int(s) for s in a.sizes.split(",")]:
        common = [
            str(n), "--suspects", str(a.suspects), "--cases", str(a.cases),
            "--work", str(a.work), *(["--shared", a.shared] if a.shared else []),
        ]  # fmt: skip
        row = _run_child(["xigao", *common], a.timeout, a.max_rss_mb)
        rows.append({"system": "xigao", "docs": n, **row})
        if not a.keep:
            shutil.rmtree(a.work / f"xigao-{n}", ignore_errors=True)
        if n <= a.naive_max:
            row = _run_child(["naive", *common], a.timeout, a.max_rss_mb)
            rows.append({"system": "naive", "docs": n, **row})
            naive_rate = row.get("build_docs_s", naive_rate)
        elif naive_rate:
            rows.append({"system": "naive-skipped", "docs": n, "rate": naive_rate,
                         "hours": n / naive_rate / 3600})  # fmt: skip
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        (a.work / "results.json").write_text(json.dumps(rows, indent=1), "utf-8")
    cap = capacity(rows)
    command = "python -m benchmarks.scale " + " ".join(argv if argv is not None else sys.argv[1:])
    page = markdown(rows, cap, command.strip())
    print(page)
    if a.out:
        head = (Path(__file__).parent / "scaling_head.md").read_text(encoding="utf-8")
        # the sections of other benchmarks (scale_fast, spark_scale, spark_parity), each
        # after its marker, are kept as they are
        old = a.out.read_text(encoding="utf-8") if a.out.exists() else ""
        kept = old[old.index("<!-- ") :] if "<!-- " in old else ""
        text = head + "\n" + page + "\n" + (f"\n{kept.rstrip()}\n" if kept else "")
        a.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
