"""Verdicts from a single score: three cut points fitted on dev to maximize macro F1.

score < t1 → original; then one of the two middle verdicts up to t2, the other up to t3, and
repost from t3 (the order of partial and rewrite is fitted too; a band may be empty). Matches
are kept only when the verdict is not ``original`` and their own score reaches t1.

>>> th = fit([0.0, 0.1, 0.5, 0.9], ["original", "partial", "rewrite", "repost"])
>>> [th.verdict(s) for s in (0.0, 0.1, 0.5, 0.9)]
['original', 'partial', 'rewrite', 'repost']
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

VERDICTS = ("repost", "partial", "rewrite", "original")


@dataclass(frozen=True)
class Thresholds:
    cuts: tuple[float, float, float]
    order: tuple[str, str] = ("partial", "rewrite")
    dev_macro_f1: float = field(default=0.0, compare=False)

    def verdict(self, score: float) -> str:
        t1, t2, t3 = self.cuts
        if score >= t3:
            return "repost"
        if score >= t2:
            return self.order[1]
        if score >= t1:
            return self.order[0]
        return "original"

    def apply(self, result: dict[str, Any]) -> dict[str, Any]:
        """A copy of ``result`` with the verdict set and weak matches dropped."""
        v = self.verdict(float(result.get("score", 0.0)))
        kind = v if v != "original" else None
        matches = []
        if kind:
            for m in result.get("matches", []):
                if float(m.get("score", 0.0)) >= self.cuts[0]:
                    matches.append(dict(m, kind=kind))
        return dict(result, verdict=v, matches=matches)

    def describe(self) -> str:
        t1, t2, t3 = self.cuts
        return f"original < {t1:.3g} ≤ {self.order[0]} < {t2:.3g} ≤ {self.order[1]} < {t3:.3g} ≤ repost"


def _macro_f1(pred: np.ndarray, true: np.ndarray, k: int = 4) -> float:
    conf = np.bincount(true * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(conf).astype(float)
    p = np.divide(tp, conf.sum(0), out=np.zeros(k), where=conf.sum(0) > 0)
    r = np.divide(tp, conf.sum(1), out=np.zeros(k), where=conf.sum(1) > 0)
    f = np.divide(2 * p * r, p + r, out=np.zeros(k), where=(p + r) > 0)
    present = conf.sum(1) > 0
    return float(f[present].mean()) if present.any() else 0.0


def fit(scores: Sequence[float], kinds: Sequence[str], grid: int = 40) -> Thresholds:
    """Cut points maximizing macro F1 of ``kinds`` (true verdicts) on ``scores``."""
    s = np.asarray(scores, dtype=float)
    true = np.array([VERDICTS.index(k) for k in kinds])
    qs = np.unique(np.quantile(s, np.linspace(0, 1, grid))) if len(s) else np.zeros(0)
    cands = np.unique(np.concatenate([qs, [np.inf]]))
    best = (-1.0, (np.inf, np.inf, np.inf), ("partial", "rewrite"))
    for order in (("partial", "rewrite"), ("rewrite", "partial")):
        labels = np.array([VERDICTS.index(v) for v in ("original", *order, "repost")])
        for t1, t2, t3 in itertools.combinations_with_replacement(cands, 3):
            band = (s >= t1).astype(int) + (s >= t2) + (s >= t3)
            f = _macro_f1(labels[band], true)
            if f > best[0] + 1e-12:
                best = (f, (float(t1), float(t2), float(t3)), order)
    return Thresholds(best[1], best[2], best[0])
