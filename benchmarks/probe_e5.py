"""Would the e5 transformer tell the wash score's hard cases apart? A probe on fitting data only.

    python -m benchmarks.fit_wash            # writes bench-out/washes/fit-features.jsonl
    python -m benchmarks.probe_e5 [--low 0.05] [--high 0.95] [--floor 0.2]

The wash score's misses are decided near its threshold, where the same-topic innocents that set
it (an indexed CCTV story and the story it resembles, checked leave-one-out) stand beside the
deep and condensed washes. This probe takes the news candidates of the fitting cases whose
score under the shipped thresholds lies there: every true source of a wash or synthetic rewrite
scoring between ``--low`` and ``--high`` (the hard positives) and every other candidate scoring
above ``--floor`` (the hard negatives: innocents, independent reports, a wash's wrong
candidates). For each pair it measures, with the e5 transformer and with the static encoder,
how well the two texts' sentences match (the mean over the suspect's sentences of the best
cosine to any of the original's, weighted by length; the same over the original's sentences)
and the cosine of the two document vectors, and prints each measure's ROC AUC at separating the
hard positives from the hard negatives beside the wash score's own. The held-out batches and
the test sets are never read.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.data import read_jsonl
from benchmarks.washes import WORK
from benchmarks.washset import rows_of, split_rows


def _bodies(cases: Path) -> dict[str, str]:
    out = {
        c["id"]: c["body"]
        for split in ("fit", "loo")
        for c in read_jsonl(cases / split / "cases.jsonl")
    }
    fit, _ = split_rows(rows_of())
    out.update({r["task_id"]: r["body"] for r in fit})
    return out


def _auc(y: np.ndarray, x: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, x))


def probe(
    rows: Sequence[dict[str, Any]], bodies: dict[str, str], low: float, high: float, floor: float
) -> dict[str, Any]:
    from xigao import Index
    from xigao.embed import get_encoder
    from xigao.normalize import normalize
    from xigao.paraphrase import embed_sentences
    from xigao.verdict import Thresholds, wash_score

    t = Thresholds.load()
    picked = []
    for r in rows:
        if r["kind"].startswith("lit") or r["case"] not in bodies:
            continue
        s = wash_score(r, t)
        positive = bool(r["true"]) and not r["negative"]
        if (positive and low < s < high) or (not positive and s > floor):
            picked.append((r, s, positive))
    idx = Index.open(WORK / "index-news")
    encoders = {"e5": get_encoder("e5"), "static": get_encoder("static")}
    measured: list[dict[str, float]] = []
    labels = []
    for r, s, positive in picked:
        doc = idx.store.get(r["candidate"])
        if doc is None:
            continue
        m = {"wash score": s}
        for name, enc in encoders.items():
            a = embed_sentences(normalize(bodies[r["case"]]), enc)
            b = embed_sentences(normalize(doc.body), enc)
            sim = a.vecs @ b.vecs.T
            wa, wb = a.weights.astype(float), b.weights.astype(float)
            m[f"{name}: suspect sentences matched"] = float((sim.max(1) * wa).sum() / wa.sum())
            m[f"{name}: original sentences matched"] = float((sim.max(0) * wb).sum() / wb.sum())
            m[f"{name}: document cosine"] = float(a.doc_vector() @ b.doc_vector())
        measured.append(m)
        labels.append(positive)
    idx.close()
    y = np.array(labels)
    pos = [m for m, p in zip(measured, labels, strict=True) if p]
    neg = [m for m, p in zip(measured, labels, strict=True) if not p]
    return {
        "pairs": len(y),
        "hard positives": int(y.sum()),
        "hard negatives": int((~y).sum()),
        "auc": {k: round(_auc(y, np.array([m[k] for m in measured])), 3) for k in measured[0]},
        "means": {
            k: [
                round(float(np.mean([m[k] for m in pos])), 3),
                round(float(np.mean([m[k] for m in neg])), 3),
            ]
            for k in measured[0]
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--features", type=Path, default=WORK / "fit-features.jsonl")
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    ap.add_argument("--low", type=float, default=0.05)
    ap.add_argument("--high", type=float, default=0.95)
    ap.add_argument("--floor", type=float, default=0.2)
    a = ap.parse_args(argv)
    got = probe(read_jsonl(a.features), _bodies(a.cases), a.low, a.high, a.floor)
    print(
        f"{got['pairs']} pairs: {got['hard positives']} hard positives, {got['hard negatives']} hard negatives"
    )
    print("| measure | ROC AUC | mean, hard positives | mean, hard negatives |")
    print("|---|---:|---:|---:|")
    for k, v in got["auc"].items():
        pos, neg = got["means"][k]
        print(f"| {k} | {v:.3f} | {pos:.3f} | {neg:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
