"""Exact alignment of verbatim passages between two key strings.

Works on key text (content characters only, after normalization), so punctuation, whitespace,
paragraph joins, script and width differences do not break a passage. Seeds are shared k-grams;
each seed is extended to the longest exact run (greedy string tiling), and runs on the same
diagonal separated by a few differing characters (an OpenCC variant, a swapped digit) are merged
into one near-verbatim passage.

>>> ps = verbatim_passages("今天天气很好我们去公园散步吧", "昨天说今天天气很好我们去公园散步", min_len=8)
>>> [(p.a_start, p.a_end, p.b_start, p.b_end) for p in ps]
[(0, 12, 3, 15)]
"""

from __future__ import annotations

from dataclasses import dataclass

#: Positions kept per seed k-gram; repeated boilerplate beyond this adds nothing.
_MAX_POSITIONS = 32


@dataclass(frozen=True, slots=True)
class Passage:
    """A shared passage: key-text spans ``[a_start, a_end)`` and ``[b_start, b_end)``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int  #: characters that are exactly equal inside the spans

    @property
    def length(self) -> int:
        return self.a_end - self.a_start


def _common_prefix(a: str, i: int, b: str, j: int) -> int:
    """Length of the common prefix of ``a[i:]`` and ``b[j:]`` by galloping slice compares."""
    limit = min(len(a) - i, len(b) - j)
    lo, step = 0, 16
    while lo < limit:
        hi = min(lo + step, limit)
        if a[i + lo : i + hi] == b[j + lo : j + hi]:
            lo = hi
            step *= 2
            continue
        # the mismatch lies in [lo, hi): binary search it
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[i + lo : i + mid] == b[j + lo : j + mid]:
                lo = mid
            else:
                hi = mid
        if a[i + lo] == b[j + lo]:
            lo += 1
        return lo
    return lo


def exact_runs(a: str, b: str, *, k: int = 8) -> list[Passage]:
    """Maximal exact runs of ``a`` found in ``b`` (at least ``k`` long), in ``a`` order."""
    if len(a) < k or len(b) < k:
        return []
    grams: dict[str, list[int]] = {}
    for j in range(len(b) - k + 1):
        lst = grams.setdefault(b[j : j + k], [])
        if len(lst) < _MAX_POSITIONS:
            lst.append(j)
    runs: list[Passage] = []
    i, last = 0, len(a) - k
    get = grams.get
    while i <= last:
        positions = get(a[i : i + k])
        if positions is None:
            i += 1
            continue
        best_j, best_len = positions[0], 0
        for j in positions:
            n = k + _common_prefix(a, i + k, b, j + k)
            if n > best_len:
                best_j, best_len = j, n
        runs.append(Passage(i, i + best_len, best_j, best_j + best_len, best_len))
        i += best_len
    return runs


def merge_runs(runs: list[Passage], *, max_gap: int = 4) -> list[Passage]:
    """Merge consecutive runs on (nearly) the same diagonal with small gaps in both texts."""
    merged: list[Passage] = []
    for r in runs:
        if merged:
            p = merged[-1]
            ga, gb = r.a_start - p.a_end, r.b_start - p.b_end
            if 0 <= ga <= max_gap and 0 <= gb <= max_gap and abs(ga - gb) <= 2:
                merged[-1] = Passage(p.a_start, r.a_end, p.b_start, r.b_end, p.matched + r.matched)
                continue
        merged.append(r)
    return merged


def verbatim_passages(
    a: str, b: str, *, k: int = 8, min_len: int = 15, max_gap: int = 4
) -> list[Passage]:
    """Near-verbatim passages of ``a`` that come from ``b``, at least ``min_len`` long."""
    runs = merge_runs(exact_runs(a, b, k=k), max_gap=max_gap)
    return [p for p in runs if p.length >= min_len]


def union_length(spans: list[tuple[int, int]]) -> int:
    """Total length covered by possibly overlapping half-open spans."""
    total, end = 0, -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total
