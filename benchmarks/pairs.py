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
#: the article pairs of the test cases (:func:`case_pairs`), after the sentence sets
CASES_SET = ("cases", "graded", "test articles vs their original: share of it reused")


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


def case_pairs(cases: Path, split: str) -> list[Pair]:
    """Article pairs from a split of the generated cases (``cases/<split>/cases.jsonl`` and
    ``cases/originals.jsonl``): each case's text with its (first) true original, or, for a
    negative, with its nearest indexed original; the label is the share of that original's
    characters the case reuses by its recorded spans (0 for negatives). Unlike the sentence
    sets these are ~1,300-character news articles, copied, partly copied or rewritten, so the
    label is what ``compare`` claims to rank by: how much of the original is reused."""
    rows = [json.loads(line) for line in (cases / split / "cases.jsonl").open(encoding="utf-8")]

    def partner(c: dict) -> str:
        return str(c["sources"][0]["source_id"] if c["sources"] else c["details"]["nearest_id"])

    need = {partner(c) for c in rows}
    bodies: dict[str, str] = {}
    with (cases / "originals.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["id"] in need:
                bodies[d["id"]] = d["body"]
    out: list[Pair] = []
    for c in rows:
        oid = partner(c)
        used = bytearray(len(bodies[oid]))
        for src in c["sources"]:
            if src["source_id"] == oid:
                for _, (o0, o1) in src["spans"]:
                    used[o0:o1] = b"\x01" * (o1 - o0)
        out.append((c["body"], bodies[oid], sum(used) / max(len(used), 1)))
    return out


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
    if name in DATASETS and DATASETS[name][1] == "binary" and len(set(labels)) == 2:
        auc = float(roc_auc_score([int(y > 0) for y in labels], scores))
    return PairScore(name, system, len(rows), float(rho) if rho == rho else 0.0, auc)


def run_pairs(
    root: Path,
    scorers: dict[str, PairScorer],
    *,
    n: int = PAIRS_PER_SET,
    seed: int = PAIRS_SEED,
    cases: Path | None = None,
) -> list[PairScore]:
    """Every scorer on every sentence set, then (given the ``cases`` folder) on the test
    cases' article pairs, all of them when ``n`` allows."""
    sets = {name: sample(load_pairs(root, name), n, seed) for name in DATASETS}
    if cases is not None:
        sets[CASES_SET[0]] = sample(case_pairs(cases, "test"), n, seed)
    return [
        evaluate(name, rows, sys_name, scorer)
        for name, rows in sets.items()
        for sys_name, scorer in scorers.items()
    ]


def markdown(results: list[PairScore]) -> str:
    systems = list(dict.fromkeys(r.system for r in results))
    lines = [
        "| set | pairs | measure | " + " | ".join(systems) + " |",
        "|---|---:|---|" + "---:|" * len(systems),
    ]
    described = {name: (kind, what) for name, (_, kind, what) in DATASETS.items()}
    described[CASES_SET[0]] = CASES_SET[1:]
    for name, (kind, what) in described.items():
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
