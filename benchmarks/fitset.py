"""A larger fitting set drawn from the ``dev`` slice only, never from ``test``'s.

    python -m benchmarks.fitset --out bench-out/cases [--rewrites 800]

``dev`` holds 90 same-topic negatives, too few to fit a false-alarm rate of a few percent.
This writes ``<out>/main/fit/cases.jsonl``: every same-topic innocent the dev slice has (the
quarter of its innocents closest to an indexed original, which includes dev's own), as many
unrelated ones, and ``--rewrites`` rewrites of the dev slice's sources at every strength, made
with the same generator under the seed ``<seed>-fit``. Its originals are those of ``main``, so
the index built for the benchmark serves it. The test slice's innocents and sources are never
read, so test stays held out from everything fitted on dev and fit.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from benchmarks.cases import GenConfig, _build_split, _summary, pools, slices
from benchmarks.data import load_cctv, load_cilin, shared_root, write_jsonl


def build_fit(shared: str | None, out: Path, *, rewrites: int = 800, seed: int = 20240601) -> dict:
    root = shared_root(shared)
    cfg = GenConfig(seed=seed)
    p = pools(load_cctv(root), cfg)
    split, _, sources, innocents, near = next(slices(p, cfg))
    assert split == "dev", split
    negatives = 2 * (len(innocents) // 4)
    size = rewrites + negatives
    fit_cfg = GenConfig(seed=seed, mix={"rewrite": rewrites / size, "original": negatives / size})
    cases = _build_split(
        "fit",
        size,
        sources,
        innocents,
        near,
        load_cilin(root),
        fit_cfg,
        random.Random(f"{seed}-fit"),
    )
    write_jsonl(out / "main" / "fit" / "cases.jsonl", cases)
    summary = {
        "generator_version": p.meta["generator_version"],
        "seed": seed,
        "cases": _summary(cases),
    }
    (out / "main" / "fit" / "meta.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None, help="folder holding data/ (default ../shared)")
    ap.add_argument("--out", default="bench-out/cases", type=Path)
    ap.add_argument("--rewrites", type=int, default=800)
    ap.add_argument("--seed", type=int, default=20240601)
    a = ap.parse_args(argv)
    print(json.dumps(build_fit(a.shared, a.out, rewrites=a.rewrites, seed=a.seed), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
