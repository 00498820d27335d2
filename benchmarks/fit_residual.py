"""Set the wash score from which a candidate measured on a suspect's residual is a further
source (``Thresholds.wash_residual_threshold``), and the fact cosine from which one whose
facts stand out there is one whatever its score (``Thresholds.wash_residual_cosine``), on
fitting cases only.

    python -m benchmarks.fit_residual [--shared ../shared] [--out src/xigao/thresholds.json]

Run after ``benchmarks.fit_wash`` (it reads the wash score that one wrote). A story stitched
from two reports, one of them giving a quarter of its facts, shares too little with the whole
suspect for the second report to be aligned at all; ``verify.Verifier.residual_sources``
measures every other candidate again on the suspect's sentences the sources found leave, and
``verdict.further_sources`` picks those that are rewrites there. Here every wash and honest
negative of the fit batches (all but ``benchmarks.washset.HELD_OUT_BATCHES``; news against
every CCTV story, literature against the classic novels and 鲁迅), and every case of the
synthetic fit and loo splits (``benchmarks.fitset``: rewrites of one original, same-topic
innocents, indexed originals checked against the others, where any further source is wrong),
is checked as far as its sources (``wash_sources``); each one with a source found has its
other candidates measured on its residual, and each threshold of a grid is tried on them: the
true sources it adds that the sources found missed, and the wrong ones it adds. The threshold is the highest of
the grid that adds as many true sources as the lowest from which none is wrong (every one
above it adding none either): as far from the wrong candidates as the fitting cases allow.
The fact cosine is then chosen the same way on its own grid, with that threshold: a report
giving a story a third of its facts scores low as a wash even on the residual, but shares the
residual's facts as no other original does (``verdict.stands_out``); never (1) when it adds no
true source the score has not. The held-out batches and ``shared/data/washes`` are never read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.washes import ensure_index
from benchmarks.washset import (
    FICTION_MERGE_BATCHES,
    NAMES_ONLY_BATCHES,
    NEGATIVE,
    rows_of,
    split_rows,
)
from xigao.detect import Prepared
from xigao.verdict import Thresholds, WashCandidate, further_sources, wash_sources

#: The thresholds tried: wash scores, and fact cosines.
GRID = tuple(round(0.05 * i, 2) for i in range(1, 20))
COSINE_GRID = tuple(round(0.01 * i, 2) for i in range(10, 41))


def log(msg: str) -> None:
    print(f"[fit_residual {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def measure(idx: Any, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per case with a source found: its residual candidates (score, containment, verbatim
    share, sentences aligned, whether a true source), what its sources explain, and whether
    the sources found missed a true one. ``rows`` are lines of the washes' set, or synthetic
    cases (:func:`synthetic_rows`), each checked against the index but its ``exclude``."""
    t = idx.thresholds
    out = []
    for r in rows:
        suspect = Prepared.of(r["body"], t).with_sentences(idx.encoder)
        skip = [x for x in map(idx.store.rowid, r.get("exclude", ())) if x is not None]
        plan = idx.candidate_rows(suspect, rewrite=True, exclude=skip)
        washed = idx.wash_candidates(suspect, plan.rewrite)
        assert suspect.sents is not None
        weights = suspect.sents.weights.tolist()
        measured = [w.weighed for w in washed]
        sources = [washed[i] for i in wash_sources(measured, weights, t)]
        if not sources:
            continue
        truth = set(r["source_ids"]) if r["style"] not in NEGATIVE else set()
        rest = idx.verifier.residual_candidates(suspect, washed, sources)
        out.append(
            {
                "case": r["task_id"],
                "style": r["style"],
                "missing": len(truth - {w.doc_id for w in sources}),
                "explained": sorted(frozenset().union(*(w.stats.aligned for w in sources))),
                "weights": weights,
                "candidates": [
                    {
                        "score": w.score,
                        "containment": w.stats.containment,
                        "verbatim_share": w.stats.verbatim_share,
                        "aligned": sorted(w.stats.aligned),
                        "cosine": w.stats.cosine,
                        "ratio": w.features.get("ratio", 0.0),
                        "true": w.doc_id in truth,
                    }
                    for w in rest
                ],
            }
        )
    return out


def synthetic_rows(split: Path) -> list[dict[str, Any]]:
    """The synthetic cases of ``split`` (``benchmarks.fitset``'s fit or loo: rewrites of one
    original each, same-topic and unrelated innocents, indexed originals checked against the
    others) as :func:`measure` reads them: a further source found for any of them is wrong
    but for a source of its own."""
    from benchmarks.fit_wash import synthetic_cases

    return [
        {
            "task_id": c["id"],
            "style": c["kind"],
            "body": c["body"],
            "source_ids": sorted(c["truth"]),
            "exclude": c["exclude"],
        }
        for c in synthetic_cases(split)
    ]


def added(cases: Sequence[dict[str, Any]], threshold: float, cosine: float = 1.0) -> dict[str, int]:
    """The true and wrong further sources ``verdict.further_sources`` adds at ``threshold``
    (and the fact cosine ``cosine``), the far rule (``wash_residual_far_cosine``, set by hand
    on top of these) off."""
    t = replace(
        Thresholds.load(),
        wash_residual_threshold=threshold,
        wash_residual_cosine=cosine,
        wash_residual_far_cosine=1.0,
    )
    got = {"true": 0, "wrong": 0}
    for c in cases:
        cands = [
            WashCandidate(
                x["score"],
                x["containment"],
                x["verbatim_share"],
                frozenset(x["aligned"]),
                x["cosine"],
                x["ratio"],
            )
            for x in c["candidates"]
        ]
        for i in further_sources(cands, frozenset(c["explained"]), c["weights"], t):
            got["true" if c["candidates"][i]["true"] else "wrong"] += 1
    return got


def choose(by_threshold: dict[float, dict[str, int]]) -> float:
    """The highest threshold adding as many true sources as the lowest from which none is
    wrong (every one above adding none either); 1 (never) when even the highest adds a wrong
    one or none adds a true one.

    >>> choose({0.1: {"true": 5, "wrong": 1}, 0.2: {"true": 4, "wrong": 0}, 0.3: {"true": 4, "wrong": 0}, 0.4: {"true": 2, "wrong": 0}})
    0.3
    >>> choose({0.1: {"true": 0, "wrong": 0}})
    1.0
    """
    wrong = max((c for c, v in by_threshold.items() if v["wrong"]), default=-1.0)
    clean = sorted(c for c in by_threshold if c > wrong)
    if not clean or not by_threshold[clean[0]]["true"]:
        return 1.0
    most = by_threshold[clean[0]]["true"]
    return max(c for c in clean if by_threshold[c]["true"] == most)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--out", type=Path, default=Path("src/xigao/thresholds.json"))
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    a = ap.parse_args(argv)
    started = time.time()
    fit_rows, _ = split_rows(rows_of())
    fit_rows = [r for r in fit_rows if r["batch"] not in NAMES_ONLY_BATCHES | FICTION_MERGE_BATCHES]
    cases: list[dict[str, Any]] = []
    main_idx = ensure_index("main", [a.cases / "originals.jsonl"], a.shared)
    for split in ("fit", "loo"):
        synthetic = synthetic_rows(a.cases / split)
        log(f"synthetic {split}: {len(synthetic)} cases")
        cases += measure(main_idx, synthetic)
    main_idx.close()
    for name in ("news", "literature"):
        part = [r for r in fit_rows if r["style"].startswith("lit-") == (name == "literature")]
        log(f"{name}: {len(part)} fitting cases")
        idx = ensure_index(name, None, a.shared)
        cases += measure(idx, part)
        idx.close()
    grid = {c: added(cases, c) for c in GRID}
    threshold = choose(grid)
    by_cosine = {c: added(cases, threshold, c) for c in COSINE_GRID}
    cosine = choose(by_cosine)
    if by_cosine.get(cosine, {}).get("true", 0) <= grid.get(threshold, {}).get("true", 0):
        cosine = 1.0  # adds nothing the score does not
    payload = json.loads(a.out.read_text(encoding="utf-8"))
    payload["thresholds"]["wash_residual_threshold"] = threshold
    payload["thresholds"]["wash_residual_cosine"] = cosine
    payload.setdefault("calibration", {})["residual"] = {
        "command": "python -m benchmarks.fit_residual",
        "date": dt.date.today().isoformat(),
        "cases_with_a_source": len(cases),
        "synthetic_cases_with_a_source": sum(1 for c in cases if "/" in c["style"]),
        "merges_missing_a_source": sum(1 for c in cases if c["style"] == "merge" and c["missing"]),
        "added": {f"{c:.2f}": v for c, v in grid.items()},
        "threshold": threshold,
        "added_by_cosine": {f"{c:.2f}": v for c, v in by_cosine.items()},
        "cosine": cosine,
        "seconds": round(time.time() - started, 1),
    }
    a.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
    log(f"threshold {threshold}: {grid.get(threshold)}; cosine {cosine}: {by_cosine.get(cosine)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
