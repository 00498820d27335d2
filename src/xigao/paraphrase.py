"""Sentence alignment for rewrites (洗稿): which suspect sentences re-express which original ones.

Each sentence gets a unit vector from a fast encoder and a set of character bigrams. A pair's
similarity blends the two (embeddings alone score a changed number or a flipped 增长→下降 as the
same sentence; bigrams alone miss synonym swaps). Every suspect sentence is aligned to its most
similar original sentence, or to two adjacent original sentences when it merges them; an original
sentence split in two is matched by both halves. Aligned pairs are then checked for altered facts
(numbers, negation and antonyms), which are reported, not hidden.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from xigao.normalize import Normalized, sentences

F32 = npt.NDArray[np.float32]

#: Sentences with fewer content characters than this are ignored (headings, "完").
MIN_SENTENCE_KEY = 4


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentences of one normalized text, ready for alignment."""

    spans: tuple[tuple[int, int], ...]  #: sentence spans in ``Normalized.text``
    keys: tuple[str, ...]  #: content characters of each sentence
    weights: npt.NDArray[np.int64]  #: content characters per sentence
    vecs: F32  #: unit vectors, shape (n, dim)
    bigrams: tuple[frozenset[str], ...]
    numbers: tuple[frozenset[float], ...]  #: numeric values written in each sentence
    _bm: Any = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.spans)

    def bigram_matrix(self) -> Any:
        """Binary sentence × hashed-bigram matrix (scipy CSR), built once."""
        if self._bm is None:
            object.__setattr__(self, "_bm", _bigram_matrix(self.bigrams))
        return self._bm

    @property
    def total(self) -> int:
        return int(self.weights.sum())

    def doc_vector(self) -> F32:
        """Unit document vector: length-weighted mean of the sentence vectors."""
        if not len(self):
            return np.zeros(self.vecs.shape[1], np.float32)
        v = (self.vecs * self.weights[:, None]).sum(axis=0)
        return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)


class TextEncoder(Protocol):
    """What alignment needs from :mod:`xigao.embed` (any ``Encoder`` fits)."""

    dim: int

    def encode(self, texts: Sequence[str]) -> Any: ...


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1))


def sentence_ranges(norm: Normalized) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """``(text span, key range)`` of each sentence with at least ``MIN_SENTENCE_KEY`` content
    characters (boilerplate is not content, so credit lines drop out here)."""
    spans = sentences(norm)
    if not spans:
        return []
    bounds = np.searchsorted(norm.key().pos, np.asarray(spans).ravel()).reshape(-1, 2)
    return [
        (span, (int(lo), int(hi)))
        for span, (lo, hi) in zip(spans, bounds, strict=True)
        if hi - lo >= MIN_SENTENCE_KEY
    ]


def sentence_units(norm: Normalized) -> tuple[list[tuple[int, int]], list[str]]:
    """Sentence spans and their key characters, boilerplate and tiny sentences left out."""
    chars = norm.key().chars
    ranges = sentence_ranges(norm)
    return [span for span, _ in ranges], [chars[lo:hi] for _, (lo, hi) in ranges]


def embed_sentences(norm: Normalized, encoder: TextEncoder, *, vectors: bool = True) -> Sentences:
    """Split ``norm`` into sentences and embed them (sentence text as normalized).

    With ``vectors=False`` the sentence vectors are left at zero: alignment calibrated to
    bigrams alone (blend weight 0) does not need them, and encoding is the costly part.
    """
    spans, keys = sentence_units(norm)
    texts = [norm.text[s:e] for s, e in spans]
    if texts and vectors:
        vecs = encoder.encode(texts)
    else:
        vecs = np.zeros((len(texts), encoder.dim), np.float32)
    return Sentences(
        tuple(spans),
        tuple(keys),
        np.array([len(k) for k in keys], dtype=np.int64),
        np.asarray(vecs, dtype=np.float32),
        tuple(_bigrams(k) for k in keys),
        tuple(frozenset(_numbers(t)) for t in texts),
    )


_BUCKETS = 1 << 16  # collisions inside one sentence pair are negligible at this size


def _bigram_matrix(sets: Sequence[frozenset[str]]) -> Any:
    from scipy.sparse import csr_matrix

    indptr = np.zeros(len(sets) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(x) for x in sets])
    # Python's str hash is stable within a process, which is all this in-memory matrix needs
    cols = np.fromiter((hash(g) & (_BUCKETS - 1) for x in sets for g in x), np.int64, indptr[-1])
    data = np.ones(len(cols), dtype=np.float32)
    m = csr_matrix((data, cols, indptr), shape=(len(sets), _BUCKETS))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def sentence_dice(a: Sentences, b: Sentences) -> F32:
    """Dice coefficient of character-bigram sets for every sentence pair (sparse products)."""
    ma, mb = a.bigram_matrix(), b.bigram_matrix()
    inter = (ma @ mb.T).toarray()
    na = np.asarray(ma.sum(axis=1)).ravel()
    nb = np.asarray(mb.sum(axis=1)).ravel()
    denom = na[:, None] + nb[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, 2 * inter / denom, 0.0)
    return out.astype(np.float32)


def dice_matrix(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> F32:
    """Dice coefficient of character-bigram sets for every pair (reference implementation)."""
    out = np.zeros((len(a), len(b)), dtype=np.float32)
    for i, x in enumerate(a):
        if not x:
            continue
        for j, y in enumerate(b):
            if y:
                out[i, j] = 2 * len(x & y) / (len(x) + len(y))
    return out


@dataclass(frozen=True, slots=True)
class Pair:
    """One suspect sentence aligned to one or two adjacent original sentences."""

    suspect: int
    source: tuple[int, ...]
    similarity: float
    cosine: float
    dice: float
    verbatim: bool
    #: the two sides state different numbers (another month's report, another date): such a
    #: pair shares a template, not content
    conflict: bool = False


def blend(cos: F32 | float, dice: F32 | float, weight: float) -> F32:
    """Pair similarity: ``weight`` × cosine + (1 − weight) × bigram Dice."""
    return np.asarray(weight * np.asarray(cos) + (1 - weight) * np.asarray(dice), np.float32)


def align(a: Sentences, b: Sentences, *, threshold: float, weight: float) -> list[Pair]:
    """Align each sentence of ``a`` (suspect) to its best sentence(s) of ``b`` (original)."""
    if not len(a) or not len(b):
        return []
    cos = a.vecs @ b.vecs.T
    dice = sentence_dice(a, b)
    sim = blend(cos, dice, weight)
    pairs: list[Pair] = []
    for i in range(len(a)):
        j = int(np.argmax(sim[i]))
        best: tuple[float, tuple[int, ...], float, float]
        best = (float(sim[i, j]), (j,), float(cos[i, j]), float(dice[i, j]))
        for lo in (j - 1, j):  # a merge of two adjacent original sentences
            if lo < 0 or lo + 1 >= len(b):
                continue
            v = b.vecs[lo] + b.vecs[lo + 1]
            v = v / (np.linalg.norm(v) or 1.0)
            c = float(a.vecs[i] @ v)
            d = float(dice_matrix([a.bigrams[i]], [b.bigrams[lo] | b.bigrams[lo + 1]])[0, 0])
            s = float(blend(c, d, weight))
            if s > best[0] + 0.02:
                best = (s, (lo, lo + 1), c, d)
        if best[0] >= threshold:
            src = best[1]
            verbatim = len(src) == 1 and a.keys[i] == b.keys[src[0]]
            theirs = frozenset().union(*(b.numbers[j] for j in src))
            conflict = bool(a.numbers[i] - theirs) and bool(theirs - a.numbers[i])
            pairs.append(Pair(i, src, best[0], best[2], best[3], verbatim, conflict))
    return pairs


# --------------------------------------------------------------------------- altered facts
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:%|万|亿)?|[〇一二两三四五六七八九十百千万亿点]{2,}")
_OPPOSITES = [
    ("增长", "下降"), ("增长", "减少"), ("增加", "减少"), ("上升", "下降"), ("上涨", "下跌"),
    ("提高", "降低"), ("扩大", "缩小"), ("盈利", "亏损"), ("同意", "反对"), ("支持", "反对"),
    ("通过", "否决"), ("批准", "拒绝"), ("胜", "负"), ("赢", "输"), ("开放", "关闭"),
    ("增", "减"), ("涨", "跌"), ("升", "降"), ("多", "少"), ("高", "低"),
]  # fmt: skip
_NEGATIONS = frozenset({"不", "没", "没有", "未", "无", "非", "别", "勿", "并未", "不再", "尚未"})


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def _cn_value(s: str) -> float | None:
    """Value of a Chinese numeral such as 一千二百万, 五点二, 二〇二〇 (None if unparsable)."""
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = _cn_value(whole) if whole else 0.0
        if w is None or not frac or any(c not in _CN_DIGITS for c in frac):
            return None
        return w + float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    if all(c in _CN_DIGITS for c in s):  # digit by digit: 二〇二〇
        return float("".join(str(_CN_DIGITS[c]) for c in s))
    total, section, digit = 0.0, 0.0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        elif c in _CN_BIG:
            total = (total + section + (digit or 0)) * _CN_BIG[c]
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def _numbers(text: str) -> set[float]:
    """Numeric values written in ``text``, digits or Chinese numerals (5.2% == 百分之五点二)."""
    out: set[float] = set()
    for m in _NUMBER.finditer(text):
        g = m.group().replace(",", "")
        if g[0].isdigit():
            mult = _CN_BIG.get(g[-1], 1)
            num = g.rstrip("%万亿")
            try:
                out.add(float(num) * mult)
            except ValueError:
                continue
        else:
            v = _cn_value(g)
            if v is not None:
                out.add(v)
    return out


def _fmt(values: list[float]) -> str:
    return ",".join(f"{v:.12g}" for v in values)


def altered_facts(suspect: str, source: str) -> list[str]:
    """Facts that differ between two aligned sentences (normalized text), as short notes.

    Numbers are compared as written (after normalization); opposites and negations on jieba
    tokens, so 非常 or 无论 are not mistaken for negations.

    >>> altered_facts("一季度经济同比下降5.2%", "一季度经济同比增长5.2%")
    ['opposite: 增长→下降']
    >>> altered_facts("销量达到120万辆", "销量达到210万辆")
    ['number: 2100000→1200000']
    >>> altered_facts("增速为百分之五点二", "增速为5.2%")
    []
    >>> altered_facts("他没有参加会议", "他参加了会议")
    ['negation: 0→1']
    """
    from xigao.tokenize import default_tokenizer

    notes: list[str] = []
    ns, no = _numbers(suspect), _numbers(source)
    gone, new = sorted(no - ns), sorted(ns - no)
    if gone and new:
        notes.append(f"number: {_fmt(gone)}→{_fmt(new)}")
    cut = default_tokenizer().cut
    ts, to = cut(suspect), cut(source)
    set_s, set_o = set(ts), set(to)
    for x, y in _OPPOSITES:
        for p, q in ((x, y), (y, x)):
            if p in set_o and q in set_s and p not in set_s and q not in set_o:
                notes.append(f"opposite: {p}→{q}")
    neg_s = sum(t in _NEGATIONS for t in ts)
    neg_o = sum(t in _NEGATIONS for t in to)
    # a split sentence (one half of the original) naturally holds fewer negations
    similar_length = min(len(suspect), len(source)) >= 0.7 * max(len(suspect), len(source))
    if neg_s != neg_o and similar_length:
        notes.append(f"negation: {neg_o}→{neg_s}")
    return notes
