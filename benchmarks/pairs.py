"""Pair checks: Spearman and ROC AUC of pair scores on the shared sentence-pair sets.

Each set is sampled to at most ``n`` pairs (seeded). Scorers take ``(a, b)`` with ``b`` the
"original" (for ``compare``: the share of ``b`` reused in ``a``).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Pair = tuple[str, str, float]
#: The page's sample of each set: at most this many pairs, drawn with this seed.
PAIRS_PER_SET = 2000
PAIRS_SEED = 7
PairScorer = Callable[[Sequence[tuple[str, str]]], list[float]]

#: name -> (relative path, label kind, what it measures)
DATASETS = {
    "sohu2021": ("sentences/sohu2021/samples.txt", "binary", "news pairs, same topic (labelA)"),
    "lcqmc": ("sentences/lcqmc/dev.txt", "binary", "question paraphrase"),
    "stsb": ("sentences/chinese_stsb/sts-b-dev.txt", "graded", "graded similarity 0-5"),
    "pawsx": ("sentences/pawsx_zh/dev_2k.tsv", "binary", "adversarial paraphrase (swapped roles)"),
}


def load_pairs(root: Path, name: str) -> list[Pair]:
    rel = DATASETS[name][0]
    path = root / "data" / rel
    rows: list[Pair] = []
    with path.open(encoding="utf-8") as f:
        if name == "sohu2021":
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    rows.append((d["target"], d["source"], float(d["labelA"])))
        else:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            for i, r in enumerate(reader):
                if name == "pawsx":
                    if i == 0 or len(r) < 4:
                        continue
                    r = r[1:]
                if len(r) >= 3:
                    try:
                        rows.append((r[0], r[1], float(r[2])))
                    except ValueError:
                        continue
    return rows


def sample(rows: list[Pair], n: int, seed: int) -> list[Pair]:
    if len(rows) <= n:
        return rows
    return random.Random(seed).sample(rows, n)


def pair_scorer(system: Any) -> PairScorer:
    """Batch scorer from a system: its ``score_pairs`` when it has one, else ``score_pair``."""
    if hasattr(system, "score_pairs"):
        return lambda pairs: list(system.score_pairs(pairs))
    return lambda pairs: [float(system.score_pair(a, b)) for a, b in pairs]


@dataclass
class PairScore:
    dataset: str
    system: str
    n: int
    spearman: float
    auc: float | None


def evaluate(name: str, rows: list[Pair], system: str, scorer: PairScorer) -> PairScore:
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    scores = scorer([(a, b) for a, b, _ in rows])
    labels = [y for _, _, y in rows]
    rho = spearmanr(scores, labels).statistic
    auc = None
    if DATASETS[name][1] == "binary" and len(set(labels)) == 2:
        auc = float(roc_auc_score([int(y > 0) for y in labels], scores))
    return PairScore(name, system, len(rows), float(rho) if rho == rho else 0.0, auc)


def run_pairs(
    root: Path, scorers: dict[str, PairScorer], *, n: int = PAIRS_PER_SET, seed: int = PAIRS_SEED
) -> list[PairScore]:
    out = []
    for name in DATASETS:
        rows = sample(load_pairs(root, name), n, seed)
        for sys_name, scorer in scorers.items():
            out.append(evaluate(name, rows, sys_name, scorer))
    return out


def markdown(results: list[PairScore]) -> str:
    systems = list(dict.fromkeys(r.system for r in results))
    lines = [
        "| set | pairs | measure | " + " | ".join(systems) + " |",
        "|---|---:|---|" + "---:|" * len(systems),
    ]
    for name, (_, kind, what) in DATASETS.items():
        rs = {r.system: r for r in results if r.dataset == name}
        if not rs:
            continue
        n = next(iter(rs.values())).n
        lines.append(
            f"| {name} ({what}) | {n} | Spearman | "
            + " | ".join(f"{rs[s].spearman:.3f}" for s in systems)
            + " |"
        )
        if kind == "binary":
            lines.append(
                f"| {name} | {n} | ROC AUC | "
                + " | ".join("—" if rs[s].auc is None else f"{rs[s].auc:.3f}" for s in systems)
                + " |"
            )
    return "\n".join(lines)
