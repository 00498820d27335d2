"""The whole benchmark: cases → systems → scores → pairs → speed → encoders → results page.

``python -m benchmarks.run --shared ../shared --out docs/benchmarks.md`` (``make bench``);
``--quick`` for a smoke run with small sizes. Work files (cases, indexes, results JSONL,
``encoders.json``) go to ``--work`` (default ``bench-out/``, git-ignored); the generated cases
are reused when the generator version, seed and sizes match. Speed and the encoder benchmark
each run in child processes, one after the other, so neither disturbs the other.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import cases as gen
from benchmarks.calibrate import Thresholds, fit
from benchmarks.data import read_jsonl, shared_root, write_jsonl
from benchmarks.page import render
from benchmarks.score import score
from benchmarks.systems import DEFAULT_SYSTEMS, make_system, pair_systems, why_unavailable

COLLECTIONS = {"main": ("dev", "test"), "heldout": ("heldout",)}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ensure_cases(work: Path, shared: str | None, *, quick: bool, seed: int) -> dict:
    """Generate the cases into ``work/cases`` (reused when version, seed and sizes match)."""
    log(f"cases in {work / 'cases'}")
    return gen.generate(shared, work / "cases", quick=quick, seed=seed)


def run_system(name: str, work: Path, embed_model: str) -> dict[str, Any]:
    """Build the system on each collection's originals and check every split's cases."""
    info: dict[str, Any] = {"name": name, "raw": {}, "timing": {}}
    for coll, splits in COLLECTIONS.items():
        system = make_system(name, work / "indexes" / coll, embed_model=embed_model)
        if system is None:
            info["error"] = why_unavailable(name, embed_model)
            log(f"{name}: skipped ({info['error']})")
            return info
        info["calibrated"] = bool(getattr(system, "calibrated", False))
        originals = read_jsonl(work / "cases" / coll / "originals.jsonl")
        t0 = time.perf_counter()
        system.build(originals)
        info["timing"][f"build:{coll}"] = (len(originals), time.perf_counter() - t0)
        log(f"{name}: built {coll} ({len(originals)} originals) in {time.perf_counter() - t0:.1f}s")
        for split in splits:
            cases = read_jsonl(work / "cases" / coll / split / "cases.jsonl")
            t0 = time.perf_counter()
            rows = [
                dict(system.check(c["body"], c.get("title") or None), id=c["id"]) for c in cases
            ]
            info["timing"][f"check:{split}"] = (len(cases), time.perf_counter() - t0)
            log(f"{name}: checked {split} ({len(cases)} cases) in {time.perf_counter() - t0:.1f}s")
            info["raw"][split] = rows
            write_jsonl(work / "results" / name / f"{split}.raw.jsonl", rows)
        if hasattr(system, "close"):
            system.close()
        del system
        gc.collect()
    return info


def load_system(name: str, work: Path) -> dict[str, Any] | None:
    """Saved raw results of an earlier run (``--reuse-results``), or None when incomplete."""
    paths = {
        s: work / "results" / name / f"{s}.raw.jsonl" for ss in COLLECTIONS.values() for s in ss
    }
    if not all(p.exists() for p in paths.values()):
        return None
    info: dict[str, Any] = {"name": name, "timing": {}, "reused": True}
    info["calibrated"] = not name.startswith("xigao")
    info["raw"] = {s: read_jsonl(p) for s, p in paths.items()}
    return info


def finish(info: dict[str, Any], work: Path) -> None:
    """Calibrate on dev when the system needs it, then write and keep the final results."""
    th: Thresholds | None = None
    if info.get("calibrated") and "dev" in info["raw"]:
        dev_cases = read_jsonl(work / "cases" / "main" / "dev" / "cases.jsonl")
        by_id = {r["id"]: r for r in info["raw"]["dev"]}
        th = fit([by_id[c["id"]]["score"] for c in dev_cases], [c["kind"] for c in dev_cases])
        info["thresholds"] = th
    info["results"] = {}
    for split, rows in info["raw"].items():
        final = [th.apply(r) for r in rows] if th else rows
        info["results"][split] = final
        write_jsonl(work / "results" / info["name"] / f"{split}.jsonl", final)


def run_encoders(
    path: Path, shared: Path, *, quick: bool, pairs: int, reuse: bool
) -> dict[str, Any]:
    """The encoder benchmark, in a child process, saved to ``path`` (reused from there with
    ``reuse``). Quick runs use 50 pairs per set and time no builds (models from ``models/``)."""
    from benchmarks.bench_encoders import load_saved, run_child

    saved = load_saved(path) if reuse else None
    if saved is not None:
        log(f"encoders: reusing {path}")
        return saved
    log("encoders (child process: model builds in a temporary folder, speed, pair quality)")
    data = run_child(path, shared, pairs=50 if quick else pairs, build=not quick)
    if "error" in data:
        log(f"encoders: failed: {data['error']}")
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None, help="folder holding data/ (default ../shared)")
    ap.add_argument("--out", default="docs/benchmarks.md", type=Path, help="results page")
    ap.add_argument("--work", default="bench-out", type=Path)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--systems", default=",".join(DEFAULT_SYSTEMS))
    ap.add_argument("--embed-model", default="static", help="encoder for the embed baseline")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-pairs", action="store_true")
    ap.add_argument(
        "--skip-negatives",
        action="store_true",
        help="skip xigao's false alarms on the larger same-topic sets (benchmarks.negatives)",
    )
    ap.add_argument(
        "--skip-washes",
        action="store_true",
        help="skip the realistic washes (benchmarks.washes)",
    )
    ap.add_argument(
        "--skip-provenance",
        action="store_true",
        help="skip attribution, dedup and evasion (benchmarks.attribution, .dedup, .evasion)",
    )
    ap.add_argument(
        "--skip-encoders",
        action="store_true",
        help="skip the sentence-encoder benchmark (model builds, speed, pair quality)",
    )
    ap.add_argument("--speed-systems", default="xigao-fast,xigao-fast-w2,xigao,naive,char5")
    ap.add_argument("--speed-limit", type=int, default=None, help="index only N stories for speed")
    ap.add_argument(
        "--reuse-results",
        action="store_true",
        help="rescore saved raw results (and reuse the saved encoder results)",
    )
    ap.add_argument("--pairs", type=int, default=2000, help="pairs per sentence set")
    ap.add_argument(
        "--no-pair-e5",
        dest="pair_e5",
        action="store_false",
        help="skip the pair checks on the e5 transformer (compare and embed, ~10 minutes)",
    )
    a = ap.parse_args(argv)
    started = time.time()
    root = shared_root(a.shared)
    meta = ensure_cases(a.work, a.shared, quick=a.quick, seed=a.seed)
    systems = [s for s in a.systems.split(",") if s]
    infos = []
    for name in systems:
        info = (load_system(name, a.work) if a.reuse_results else None) or run_system(
            name, a.work, a.embed_model
        )
        if "error" not in info:
            finish(info, a.work)
        infos.append(info)
    scores: dict[tuple[str, str], Any] = {}
    split_cases = {
        split: read_jsonl(a.work / "cases" / coll / split / "cases.jsonl")
        for coll, splits in COLLECTIONS.items()
        for split in splits
    }
    for info in infos:
        for split, rows in info.get("results", {}).items():
            scores[(info["name"], split)] = score(split_cases[split], rows)
    negatives = None
    # drawn from the full-size collection: a quick run's index does not hold it
    xigao_ran = any(i["name"] == "xigao" and "error" not in i for i in infos)
    if not a.skip_negatives and not a.quick and xigao_ran:
        from benchmarks.negatives import run_negatives

        saved = a.work / "results" / "xigao" / "negatives.json"
        if a.reuse_results and saved.exists():
            negatives = json.loads(saved.read_text(encoding="utf-8"))
        else:
            log("xigao on the larger same-topic sets")
            negatives = run_negatives(a.shared, a.work, seed=a.seed)
    washes = None
    if not a.skip_washes and not a.quick and xigao_ran:
        from benchmarks.washes import run_washes

        saved = a.work / "washes" / "results.json"
        if a.reuse_results and saved.exists():
            washes = json.loads(saved.read_text(encoding="utf-8"))
        else:
            log("realistic washes")
            washes = run_washes(a.shared, a.work)
    provenance: dict[str, Any] | None = None
    if not a.skip_provenance and not a.quick:
        from benchmarks.attribution import run_attribution
        from benchmarks.dedup import run_dedup
        from benchmarks.evasion import run_evasion

        log("attribution, dedup and evasion")
        provenance = {
            "attribution": run_attribution(a.shared, a.work),
            "dedup": [run_dedup(a.work)],
            "evasion": run_evasion(a.work),
        }
        slow = a.work / "results" / "dedup-all.json"  # rewrites too: python -m benchmarks.dedup
        if slow.exists():
            provenance["dedup"].append(json.loads(slow.read_text(encoding="utf-8")))
        from benchmarks.book import run_book
        from benchmarks.fuzz_dump import run_fuzz

        log("a book against the novels, and a hostile dump")
        provenance["book"] = run_book(a.shared, a.work / "book", 300_000)
        provenance["fuzz"] = run_fuzz(10_000, a.work / "fuzz")
    pair_rows = None
    if not a.skip_pairs:
        from benchmarks.pairs import pair_scorer, run_pairs

        log("pair checks")
        pair_names = systems + (["e5"] if a.pair_e5 and not a.quick else [])
        scorers = {
            name: pair_scorer(sysobj)
            for name, sysobj in pair_systems(
                a.work / "indexes" / "pairs", pair_names, a.embed_model
            ).items()
        }
        pair_rows = run_pairs(
            root, scorers, n=200 if a.quick else a.pairs, cases=a.work / "cases" / "main"
        )
    speed_rows = None
    if not a.skip_speed:
        from benchmarks.speed import run_speed

        log("speed")
        limit = a.speed_limit or (3000 if a.quick else None)
        speed_rows = run_speed(
            [s for s in a.speed_systems.split(",") if s],
            a.shared,
            a.work / "cases" / "main" / "test" / "cases.jsonl",
            limit=limit,
            work=a.work / "speed",
        )
    encoder_data = None
    if not a.skip_encoders:
        encoder_data = run_encoders(
            a.work / "encoders.json", root, quick=a.quick, pairs=a.pairs, reuse=a.reuse_results
        )
    argv_text = " ".join(
        ["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])]
    )
    page = render(
        meta=meta,
        infos=infos,
        scores=scores,
        split_cases=split_cases,
        pairs=pair_rows,
        speed=speed_rows,
        encoders=encoder_data,
        negatives=negatives,
        washes=washes,
        provenance=provenance,
        command=argv_text,
        quick=a.quick,
        elapsed=time.time() - started,
        embed_model=a.embed_model,
    )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(page, encoding="utf-8")
    log(f"wrote {a.out} in {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
