"""Exact alignment of verbatim passages between two key strings.

Works on key text (content characters only, after normalization), so punctuation, whitespace,
paragraph joins, script and width differences do not break a passage. Seeds are shared k-grams;
each seed is extended to the longest exact run (greedy string tiling), and runs on the same
diagonal separated by a few differing characters (an OpenCC variant, a swapped digit) are merged
into one near-verbatim passage.

>>> ps = verbatim_passages("今天天气很好我们去公园散步吧", "昨天说今天天气很好我们去公园散步", min_len=8)
>>> [(p.a_start, p.a_end, p.b_start, p.b_end) for p in ps]
[(0, 13, 3, 16)]
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from xigao.facts import SPELLED
from xigao.normalize import normalize
from xigao.sketch import U64, codepoints, kgram_hashes

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


# Seeds are found through a bitmap of the low bits of one text's k-gram hashes: a scatter and a
# gather, where a binary search of every k-gram would mispredict a branch at each step. A
# position whose hash merely shares those bits costs one fruitless lookup in the loop below.
_SEED_BITS = 20
_SEED_MASK = np.uint64((1 << _SEED_BITS) - 1)
_scratch = threading.local()


def _seed_candidates(ha: U64, hb: U64) -> list[int]:
    """Positions ``i`` (ascending) where ``ha[i]`` may occur in ``hb``: every one where it does,
    and the rare ones where only its low ``_SEED_BITS`` bits do."""
    bits: np.ndarray | None = getattr(_scratch, "bits", None)
    if bits is None:  # one per thread, kept all False between calls
        bits = _scratch.bits = np.zeros(1 << _SEED_BITS, dtype=np.bool_)
    low_b = (hb & _SEED_MASK).astype(np.intp)
    bits[low_b] = True
    try:
        found: list[int] = bits[(ha & _SEED_MASK).astype(np.intp)].nonzero()[0].tolist()
    finally:
        bits[low_b] = False
    return found


def exact_runs(
    a: str,
    b: str,
    *,
    k: int = 8,
    ha: U64 | None = None,
    hb: U64 | None = None,
) -> list[Passage]:
    """Maximal exact runs of ``a`` found in ``b`` (at least ``k`` long), in ``a`` order.

    Seeds come from k-gram hashes (``ha``/``hb`` may be passed in when already computed), so
    the Python loop runs once per shared run, not once per character: each run starts at the
    first seed past the previous one and takes the longest of the first ``_MAX_POSITIONS``
    occurrences of its k-gram in ``b`` (the earliest on a tie). Every seed is verified on the
    strings themselves, so hash collisions cannot create a match.
    """
    if len(a) < k or len(b) < k:
        return []
    if ha is None:
        ha = kgram_hashes(codepoints(a), k)
    if hb is None:
        hb = kgram_hashes(codepoints(b), k)
    seeds = _seed_candidates(ha, hb)
    runs: list[Passage] = []
    s = 0
    while s < len(seeds):
        i = seeds[s]
        best_j, best_len = -1, 0
        for j in (hb == ha[i]).nonzero()[0][:_MAX_POSITIONS].tolist():
            n = _common_prefix(a, i, b, j)
            if n > best_len:
                best_j, best_len = j, n
        if best_len >= k:
            runs.append(Passage(i, i + best_len, best_j, best_j + best_len, best_len))
            s = bisect_left(seeds, i + best_len, s + 1)
        else:
            s += 1
    return runs


#: Digits, and numerals spelled out: a figure is respelled from the one to the other.
_DIGITS = frozenset("0123456789")
_NUMERALS = _DIGITS | SPELLED


def merge_runs(
    runs: list[Passage], *, max_gap: int = 4, a: str | None = None, b: str | None = None
) -> list[Passage]:
    """Merge consecutive runs on (nearly) the same diagonal with small gaps in both texts.

    With the texts given, a gap holding a numeral is never bridged: a changed number is a
    different fact (another day's report from the same template), not a script variant.
    """
    merged: list[Passage] = []
    for r in runs:
        if merged:
            p = merged[-1]
            ga, gb = r.a_start - p.a_end, r.b_start - p.b_end
            if 0 <= ga <= max_gap and 0 <= gb <= max_gap and abs(ga - gb) <= 2:
                numeric = (a is not None and not _NUMERALS.isdisjoint(a[p.a_end : r.a_start])) or (
                    b is not None and not _NUMERALS.isdisjoint(b[p.b_end : r.b_start])
                )
                if not numeric:
                    merged[-1] = Passage(
                        p.a_start, r.a_end, p.b_start, r.b_end, p.matched + r.matched
                    )
                    continue
        merged.append(r)
    return merged


def _respellable(x: str, y: str) -> bool:
    """``x`` and ``y`` may be one figure written in digits in one and spelled out in the
    other (the characters that start or end it, or the texts between two runs)."""
    return bool(
        (_DIGITS.intersection(x) and SPELLED.intersection(y))
        or (SPELLED.intersection(x) and _DIGITS.intersection(y))
    )


def widen_respelled(
    runs: list[Passage],
    a: str,
    b: str,
    after: Callable[[int, int], tuple[int, int] | None],
    before: Callable[[int, int], tuple[int, int] | None],
) -> list[Passage]:
    """``runs`` (``exact_runs`` of ``a`` in ``b``: in ``a`` order, none overlapping in ``a``),
    each widened over the figures on either side that the two texts spell differently but read
    alike and over the equal text beyond them, again and again (一—二月，全国 and 1—2月，全国:
    runs of a seed's length seldom lie between a figure-dense bulletin's figures), never into
    the run before or after it in ``a``; a run widened to end exactly where the next starts in
    both texts is joined with it. ``after(i, j)``: the places after two figures alike that
    start at ``a[i]`` and ``b[j]``, or None; ``before(i, j)``: the places where two figures
    alike that end right before ``a[i]`` and ``b[j]`` start; each asked only where one text
    writes a digit there and the other a numeral spelled out. The figures count as matched.
    The runs stay in ``a`` order, none overlapping in ``a``."""
    out: list[Passage] = []
    for k, r in enumerate(runs):
        a0, a1, b0, b1, matched = r.a_start, r.a_end, r.b_start, r.b_end, r.matched
        ceiling = runs[k + 1].a_start if k + 1 < len(runs) else len(a)
        floor = out[-1].a_end if out else 0
        while (
            a1 < ceiling
            and b1 < len(b)
            and _flipped(a[a1], b[b1])
            and (got := after(a1, b1)) is not None
            and got[0] <= ceiling
        ):
            i, j = got
            n = min(_common_prefix(a, i, b, j), ceiling - i)
            matched += i - a1 + n
            a1, b1 = i + n, j + n
        while (
            a0 > floor
            and b0 > 0
            and _flipped(a[a0 - 1], b[b0 - 1])
            and (got := before(a0, b0)) is not None
            and got[0] >= floor
        ):
            i, j = got
            n = 0
            while n < min(i - floor, j) and a[i - n - 1] == b[j - n - 1]:
                n += 1
            matched += a0 - i + n
            a0, b0 = i - n, j - n
        if out and (a0, b0) == (out[-1].a_end, out[-1].b_end):
            p = out[-1]  # widened to meet the run before in both texts: one run
            out[-1] = Passage(p.a_start, a1, p.b_start, b1, p.matched + matched)
        elif (a0, a1) == (r.a_start, r.a_end):
            out.append(r)  # not widened (nearly every run)
        else:
            out.append(Passage(a0, a1, b0, b1, matched))
    return out


def _flipped(x: str, y: str) -> bool:
    """``x`` a digit and ``y`` a numeral spelled out, or the other way round: the one-character
    case of :func:`_respellable`, kept apart because it is asked at the ends of every run on
    the fast path, where that one's set lookups over strings cost several times as much."""
    return (x in _DIGITS and y in SPELLED) or (x in SPELLED and y in _DIGITS)


def join_respelled(
    runs: list[Passage],
    alike: Callable[[Passage, Passage], bool],
    *,
    a: str,
    b: str,
    max_gap: int = 64,
) -> list[Passage]:
    """``runs`` (``exact_runs`` of ``a`` in ``b``, in ``a`` order), each two in a row joined
    into one where the text between them holds digits on one side and numerals spelled out on
    the other, and ``alike`` finds it the same figures
    spelled another way (``facts.spelled_alike``: 146人 and 一百四十六人): a repost that spells
    its figures out copies its sentences all the same. The figures count as matched."""
    out: list[Passage] = []
    for r in runs:
        if out:
            p = out[-1]
            ga, gb = r.a_start - p.a_end, r.b_start - p.b_end
            if (
                0 <= ga <= max_gap
                and 0 <= gb <= max_gap
                and ga + gb > 0
                and _respellable(a[p.a_end : r.a_start], b[p.b_end : r.b_start])
                and alike(p, r)
            ):
                out[-1] = Passage(
                    p.a_start, r.a_end, p.b_start, r.b_end, p.matched + r.matched + ga
                )
                continue
        out.append(r)
    return out


def longest_kept_run(runs: list[Passage], merged: list[Passage], min_len: int) -> int:
    """The longest of ``runs`` lying in a passage of ``merged`` (``merge_runs(runs)``) at
    least ``min_len`` long; 0 when there is none.

    ``merge_runs`` splits the runs, in order, into consecutive groups, one group a passage,
    and passages never overlap in ``a``: a passage's runs are those that end inside it.
    """
    best, i = 0, 0
    for p in merged:
        keep = p.length >= min_len
        while i < len(runs) and runs[i].a_end <= p.a_end:
            if keep and runs[i].length > best:
                best = runs[i].length
            i += 1
    return best


def verbatim_passages(
    a: str,
    b: str,
    *,
    k: int = 8,
    min_len: int = 15,
    max_gap: int = 4,
    ha: U64 | None = None,
    hb: U64 | None = None,
) -> list[Passage]:
    """Near-verbatim passages of ``a`` that come from ``b``, at least ``min_len`` long."""
    runs = merge_runs(exact_runs(a, b, k=k, ha=ha, hb=hb), max_gap=max_gap, a=a, b=b)
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


def kept_runs(
    a: str, b: str, min_len: int = 2
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The runs ``a`` keeps verbatim from ``b`` (matching blocks of ``min_len`` normalized
    characters or more: a traditional-script or full-width copy keeps them too), as spans of
    ``a`` and of ``b`` as given (end exclusive)."""
    na, nb = normalize(a), normalize(b)
    sm = SequenceMatcher(None, na.text, nb.text, autojunk=False)
    blocks = [m for m in sm.get_matching_blocks() if m.size >= min_len]
    return (
        [na.raw_span(m.a, m.a + m.size) for m in blocks],
        [nb.raw_span(m.b, m.b + m.size) for m in blocks],
    )
