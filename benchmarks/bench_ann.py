"""Exact cosine search vs an ANN library for rewrite candidates, measured at growing sizes.

    python -m benchmarks.bench_ann [--index bench-out/speed/xigao] [--scales 1,10]

Takes the document vectors of a real xigao index (all CCTV stories after ``make bench``), and
for larger scales adds perturbed copies (vector + Gaussian noise, renormalized) so that the
neighbourhood structure stays realistic. For each size: exact search (numpy matrix-vector
product + argpartition, what xigao does) against usearch HNSW (cosine, f32): build seconds,
query milliseconds (p50 over 500 queries), and recall@5 of the ANN against exact.
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


def exact_top(mat: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    sims = mat @ q
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.argsort(-sims[top])]


def run(base: np.ndarray, scales: list[int], k: int = 5, queries: int = 500) -> list[dict]:
    from usearch.index import Index as USearch

    rng = np.random.default_rng(0)
    rows = []
    for scale in scales:
        parts = [base]
        for _ in range(scale - 1):
            noisy = base + rng.normal(0, 0.05, base.shape).astype(np.float32)
            parts.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
        mat = np.ascontiguousarray(np.vstack(parts))
        qs = mat[rng.choice(len(mat), queries, replace=False)] + rng.normal(
            0, 0.02, (queries, mat.shape[1])
        ).astype(np.float32)
        t0 = time.perf_counter()
        lat_exact = []
        truth = []
        for q in qs:
            t = time.perf_counter()
            truth.append(set(exact_top(mat, q, k).tolist()))
            lat_exact.append(time.perf_counter() - t)
        t0 = time.perf_counter()
        ann = USearch(ndim=mat.shape[1], metric="cos", dtype="f32")
        ann.add(np.arange(len(mat)), mat)
        build = time.perf_counter() - t0
        lat_ann, hits = [], 0
        for q, tr in zip(qs, truth, strict=True):
            t = time.perf_counter()
            got = ann.search(q, k)
            lat_ann.append(time.perf_counter() - t)
            hits += len(tr & {int(x) for x in got.keys})
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
        "| documents | exact p50 ms | usearch build s | usearch p50 ms | usearch recall@5 | "
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
