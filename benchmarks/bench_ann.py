"""Exact cosine search vs an ANN library for rewrite candidates, measured at growing sizes.

    python -m benchmarks.bench_ann [--index bench-out/speed/xigao] [--scales 1,10]

Takes the document vectors of a real xigao index (all CCTV stories after ``make bench``), and
for larger scales adds perturbed copies (vector + Gaussian noise, renormalized) so that the
neighbourhood structure stays realistic. For each size, what xigao does at each side of its
switch: exact search by centred cosine (the vectors' mean removed: one matrix-vector product and
argpartition) against usearch HNSW over the centred vectors (cosine, f32), asked for
``ANN_OVERFETCH`` times as many and re-ranked by centred cosine: build seconds, query
milliseconds (p50 over 500 queries), and recall@5 of the ANN path against exact.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

import numpy as np


def load_vectors(index_dir: Path) -> np.ndarray:
    con = sqlite3.connect(index_dir / "index.sqlite")
    rows = [np.frombuffer(v, np.float16) for (v,) in con.execute("SELECT vec FROM vectors")]
    con.close()
    return np.stack(rows).astype(np.float32)


def exact_top(sims: np.ndarray, k: int) -> np.ndarray:
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.argsort(-sims[top])]


def run(base: np.ndarray, scales: list[int], k: int = 5, queries: int = 500) -> list[dict]:
    from usearch.index import Index as USearch

    from xigao.ann import ANN_EXPANSION, ANN_OVERFETCH, _centred
    from xigao.retrieval import _Vectors

    rng = np.random.default_rng(0)
    rows = []
    for scale in scales:
        parts = [base]
        for _ in range(scale - 1):
            noisy = base + rng.normal(0, 0.05, base.shape).astype(np.float32)
            parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        mat = np.ascontiguousarray(np.vstack(parts))
        vs = _Vectors.of(np.arange(len(mat), dtype=np.int64), mat)
        qs = mat[rng.choice(len(mat), queries, replace=False)] + rng.normal(
            0, 0.02, (queries, mat.shape[1])
        ).astype(np.float32)
        t0 = time.perf_counter()
        lat_exact = []
        truth = []
        for q in qs:
            t = time.perf_counter()
            truth.append(set(exact_top(vs.centred_cosine(q), k).tolist()))
            lat_exact.append(time.perf_counter() - t)
        t0 = time.perf_counter()
        ann = USearch(ndim=mat.shape[1], metric="cos", dtype="f32")
        ann.add(np.arange(len(mat)), _centred(mat, vs.mean))
        ann.expansion_search = ANN_EXPANSION
        build = time.perf_counter() - t0
        lat_ann, hits = [], 0
        for q, tr in zip(qs, truth, strict=True):
            t = time.perf_counter()
            qc = _centred(q[None, :], vs.mean)[0]
            at = np.asarray(ann.search(qc, k * ANN_OVERFETCH).keys, np.int64)
            got = at[exact_top(vs.centred_cosine(q, at), min(k, len(at)))]
            lat_ann.append(time.perf_counter() - t)
            hits += len(tr & set(got.tolist()))
        rows.append(
            {
                "documents": len(mat),
                "exact_ms": float(np.median(lat_exact) * 1e3),
                "ann_build_s": build,
                "ann_ms": float(np.median(lat_ann) * 1e3),
                "ann_recall@5": hits / (k * len(qs)),
                "matrix_mb": mat.nbytes / 2**20,
            }
        )
    return rows


def markdown(rows: list[dict]) -> str:
    out = [
        "| documents | exact p50 ms | usearch build s | usearch + re-rank p50 ms | recall@5 | "
        "vectors MB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['documents']:,} | {r['exact_ms']:.2f} | {r['ann_build_s']:.1f} | "
            f"{r['ann_ms']:.3f} | {r['ann_recall@5']:.3f} | {r['matrix_mb']:.0f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, default=Path("bench-out/speed/xigao"))
    ap.add_argument("--scales", default="1,10")
    args = ap.parse_args(argv)
    base = load_vectors(args.index)
    print(markdown(run(base, [int(s) for s in args.scales.split(",")])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
