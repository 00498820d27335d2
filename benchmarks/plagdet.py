"""PAN plagdet (Potthast et al. 2010; PAN 2014 text alignment) on character spans.

A *case* is a reused passage pair and a *detection* a reported one, each
``(doc, source, (s0, s1), (o0, o1))``: a suspect document, a source document and end-exclusive
character spans in both. A detection *detects* a case when both refer to the same document pair
and overlap in the suspect and in the source. Characters of the two documents are counted
together (``|s| = |suspect span| + |source span|``):

- precision = mean over detections of |chars of the cases it detects that it covers| / |r|
- recall = mean over cases of |chars of it covered by detections that detect it| / |s|
- granularity = mean over detected cases of the number of detections that detect it
- plagdet = F1(precision, recall) / log2(1 + granularity)

As in the PAN reference implementation, precision is 0 without detections, recall is 0 without
cases, and granularity is 1 when no case is detected.

>>> c = [("d", "o", (0, 10), (0, 10))]
>>> r = [("d", "o", (0, 5), (0, 5)), ("d", "o", (5, 10), (5, 10))]
>>> m = plagdet(c, r)
>>> (m.precision, m.recall, m.granularity, round(m.plagdet, 3))
(1.0, 1.0, 2.0, 0.631)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]
Passage = tuple[str, str, Span, Span]


@dataclass(frozen=True)
class PlagdetScore:
    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int


def union_length(spans: Iterable[Span]) -> int:
    """Number of characters covered by the union of half-open spans."""
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= s:
            continue
        if s >= end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total


def _overlap(a: Span, b: Span) -> Span | None:
    s, e = max(a[0], b[0]), min(a[1], b[1])
    return (s, e) if e > s else None


def _covered(items: Sequence[Passage], against: Sequence[Passage]) -> tuple[list[float], list[int]]:
    """For each item: share of its chars covered by the ``against`` passages that overlap it in
    both documents, and how many of those there are."""
    by_pair: dict[tuple[str, str], list[Passage]] = defaultdict(list)
    for p in against:
        by_pair[(p[0], p[1])].append(p)
    shares, counts = [], []
    for doc, src, s, o in items:
        size = (s[1] - s[0]) + (o[1] - o[0])
        sus_parts: list[Span] = []
        src_parts: list[Span] = []
        n = 0
        for _, _, s2, o2 in by_pair.get((doc, src), ()):
            a, b = _overlap(s, s2), _overlap(o, o2)
            if a is None or b is None:
                continue
            n += 1
            sus_parts.append(a)
            src_parts.append(b)
        counts.append(n)
        shares.append((union_length(sus_parts) + union_length(src_parts)) / size if size else 0.0)
    return shares, counts


def plagdet(cases: Sequence[Passage], detections: Sequence[Passage]) -> PlagdetScore:
    """PAN precision, recall, granularity and plagdet for ``detections`` against ``cases``."""
    cases = [c for c in cases if c[2][1] > c[2][0] or c[3][1] > c[3][0]]
    detections = [d for d in detections if d[2][1] > d[2][0] or d[3][1] > d[3][0]]
    prec_shares, _ = _covered(detections, cases)
    rec_shares, n_det = _covered(cases, detections)
    precision = sum(prec_shares) / len(prec_shares) if prec_shares else 0.0
    recall = sum(rec_shares) / len(rec_shares) if rec_shares else 0.0
    detected = [n for n in n_det if n > 0]
    gran = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PlagdetScore(
        precision=precision,
        recall=recall,
        granularity=gran,
        plagdet=f1 / math.log2(1 + gran),
        cases=len(cases),
        detections=len(detections),
    )
