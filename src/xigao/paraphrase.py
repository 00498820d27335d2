"""Sentence alignment for rewrites (洗稿): which suspect sentences re-express which original ones.

Each sentence gets a unit vector from a fast encoder and a set of character bigrams. A pair's
similarity blends the two (embeddings alone score a changed number or a flipped 增长→下降 as the
same sentence; bigrams alone miss synonym swaps). Every suspect sentence is aligned to its most
similar original sentence, or to two adjacent original sentences when it merges them; an original
sentence split in two is matched by both halves. Aligned pairs are then checked for altered facts
(numbers, person names, negation and antonyms), which are reported, not hidden.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from xigao import facts
from xigao.normalize import Normalized, sentences

F32 = npt.NDArray[np.float32]

#: Sentences with fewer content characters than this are ignored (headings, "完").
MIN_SENTENCE_KEY = 4
#: A sentence's span in ``Normalized.text`` and its range of key characters.
SentenceRange = tuple[tuple[int, int], tuple[int, int]]


def _unit_rows(v: npt.NDArray[Any]) -> F32:
    """The rows of ``v`` scaled to unit length (zero rows stay zero), as float32."""
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    return (v / np.where(norm > 0, norm, 1.0)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Sentences:
    """The sentences of one normalized text, ready for alignment."""

    spans: tuple[tuple[int, int], ...]  #: sentence spans in ``Normalized.text``
    keys: tuple[str, ...]  #: content characters of each sentence
    weights: npt.NDArray[np.int64]  #: content characters per sentence
    vecs: F32  #: unit vectors, shape (n, dim)
    numbers: tuple[frozenset[float], ...]  #: numeric values written in each sentence
    ordinals: tuple[frozenset[float], ...] = ()  #: values of the ordinals (第四) in each one
    texts: tuple[str, ...] = ()  #: each sentence as normalized (punctuation kept)
    #: the titles quoted in each (《正确把握社会主要矛盾和中心任务》): another article, film or law
    titles: tuple[frozenset[str], ...] = ()
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.spans)

    def names(self, i: int) -> Names:
        """Person names in sentence ``i`` (tagged on first use: only aligned pairs need them)."""
        got = self._memo.get(i)
        if got is None:
            got = self._memo[i] = person_names(self.texts[i])
        return got

    def typed(self, i: int) -> tuple[frozenset[float], ...]:
        """Sentence ``i``'s numbers by kind: figures, dates, times of day
        (:func:`typed_numbers`)."""
        got = self._memo.get(("typed", i))
        if got is None:
            got = self._memo[("typed", i)] = typed_numbers(self.texts[i])
        return got

    def loose(self, i: int) -> frozenset[float]:
        """The values of sentence ``i``'s one-character numerals (七个月), which
        :func:`_numbers` leaves alone because a lone 一 is mostly a word: a number another
        text writes in digits is no other number when this one writes it so."""
        got = self._memo.get(("loose", i))
        if got is None:
            got = self._memo[("loose", i)] = frozenset(_loose_numbers(self.texts[i]))
        return got

    def content(self) -> str:
        """All sentences' content characters, to look a name up in."""
        got = self._memo.get("content")
        if got is None:
            got = self._memo["content"] = "".join(self.keys)
        return got

    def grams(self, merged: bool = False) -> Grams:
        """The bigrams of each sentence (``merged``: of each two adjacent ones), built once."""
        got = self._memo.get(("grams", merged))
        if got is None:
            got = Grams.of(self.keys) if not merged else self.grams().merged()
            self._memo[("grams", merged)] = got
        return got

    def speech_grams(self, merged: bool = False) -> Grams:
        """:meth:`grams` of each sentence but its opening speech tag (:func:`speech_tag`)."""
        got = self._memo.get(("speech", merged))
        if got is None:
            if merged:
                got = self.speech_grams().merged()
            else:
                texts = self.texts if len(self.texts) == len(self.keys) else ("",) * len(self)
                tags = (speech_tag(t) for t in texts)
                got = Grams.of([k[n:] for k, n in zip(self.keys, tags, strict=True)])
            self._memo[("speech", merged)] = got
        return got

    def merged_vecs(self) -> F32:
        """Unit vectors of each two adjacent sentences taken together (n - 1 rows)."""
        got = self._memo.get("merged_vecs")
        if got is None:
            got = self._memo["merged_vecs"] = _unit_rows(self.vecs[:-1] + self.vecs[1:])
        return got

    def headed(self, head: F32 | None, merged: bool = False) -> F32:
        """The sentence vectors (``merged``: :meth:`merged_vecs`) through a paraphrase
        ``head`` (a square matrix, see :func:`align`), unit length again; built once a head.
        Without a head, the vectors themselves."""
        plain = self.merged_vecs() if merged else self.vecs
        if head is None:
            return plain
        key = ("headed", id(head), merged)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = _unit_rows(plain @ head)
        return got

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


def bigram_set(key: str) -> frozenset[str]:
    """The character bigrams of ``key`` (the reference that :class:`Grams` computes exactly)."""
    return frozenset(key[i : i + 2] for i in range(len(key) - 1))


def sentence_ranges(norm: Normalized, *, keep_short: bool = False) -> list[SentenceRange]:
    """``(text span, key range)`` of each sentence with at least ``MIN_SENTENCE_KEY`` content
    characters (boilerplate is not content, so credit lines drop out here).

    With ``keep_short`` a shorter piece that holds content is not dropped but joined to the
    sentence before it (to the one after it when it leads), and a text made only of such pieces
    is one sentence: in a short text they are content (觉得没意思。怎么办？, 马在跑。).

    >>> from xigao.normalize import normalize
    >>> n = normalize("觉得生活没意思。怎么办？")
    >>> [n.text[s:e] for (s, e), _ in sentence_ranges(n)]
    ['觉得生活没意思。']
    >>> [n.text[s:e] for (s, e), _ in sentence_ranges(n, keep_short=True)]
    ['觉得生活没意思。怎么办?']
    """
    spans = sentences(norm)
    if not spans:
        return []
    bounds = np.searchsorted(norm.key().pos, np.asarray(spans).ravel()).reshape(-1, 2)
    if not keep_short:
        return [
            (span, (int(lo), int(hi)))
            for span, (lo, hi) in zip(spans, bounds, strict=True)
            if hi - lo >= MIN_SENTENCE_KEY
        ]
    out: list[SentenceRange] = []
    lead: SentenceRange | None = None  # the short pieces the text opens with, joined
    for (start, end), (lo, hi) in zip(spans, bounds.tolist(), strict=True):
        if hi == lo:  # no content: punctuation, whitespace, boilerplate
            continue
        if lead is not None:
            (start, _), (lo, _) = lead
        if hi - lo >= MIN_SENTENCE_KEY:
            out.append(((start, end), (lo, hi)))
            lead = None
        elif out:
            (start, _), (lo, _) = out[-1]
            out[-1] = ((start, end), (lo, hi))
        else:
            lead = ((start, end), (lo, hi))
    return out if lead is None else [lead]


def sentence_units(
    norm: Normalized, *, keep_short: bool = False
) -> tuple[list[tuple[int, int]], list[str]]:
    """Sentence spans and their key characters, boilerplate and tiny sentences left out
    (``keep_short``: tiny ones joined to a neighbour, see :func:`sentence_ranges`)."""
    chars = norm.key().chars
    ranges = sentence_ranges(norm, keep_short=keep_short)
    return [span for span, _ in ranges], [chars[lo:hi] for _, (lo, hi) in ranges]


def embed_sentences(
    norm: Normalized, encoder: TextEncoder, *, vectors: bool = True, keep_short: bool = False
) -> Sentences:
    """Split ``norm`` into sentences and embed them (sentence text as normalized).

    With ``vectors=False`` the sentence vectors are left at zero: alignment calibrated to
    bigrams alone (blend weight 0) does not need them, and encoding is the costly part.
    ``keep_short`` joins sentences shorter than ``MIN_SENTENCE_KEY`` to a neighbour instead of
    dropping them (see :func:`sentence_ranges`).
    """
    spans, keys = sentence_units(norm, keep_short=keep_short)
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
        tuple(frozenset(_numbers(t)) for t in texts),
        tuple(frozenset(_ordinals(t)) for t in texts),
        tuple(texts),
        tuple(frozenset(_TITLE.findall(t)) for t in texts),
    )


_CODE_MASK = (1 << 42) - 1
_ROW_MASK = (1 << 20) - 1


@dataclass(frozen=True, slots=True)
class Grams:
    """The distinct character bigrams of each of ``n`` sentences, as exact integer codes (two
    21-bit code points), one ``(row, code)`` entry per sentence and bigram, sorted by code."""

    n: int
    rows: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]

    @classmethod
    def of(cls, keys: Sequence[str]) -> Grams:
        joined = "".join(keys)
        if len(joined) < 2:
            return cls._from_keyed(len(keys), np.zeros(0, np.int64))
        cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        row = np.repeat(np.arange(len(keys), dtype=np.int64), [len(k) for k in keys])
        inside = row[:-1] == row[1:]  # a bigram across two sentences belongs to neither
        return cls._from_keyed(len(keys), (row[:-1] << 42 | cp[:-1] << 21 | cp[1:])[inside])

    @classmethod
    def _from_keyed(cls, n: int, keyed: npt.NDArray[np.int64]) -> Grams:
        """From ``row << 42 | code`` values, duplicates allowed."""
        # one sort of ``code << 20 | row`` (codes are 42 bits, rows fewer than 2**20) orders by
        # code, then row, and puts duplicates side by side
        if n > _ROW_MASK:  # more sentences than 20 bits hold: the general route
            keyed = np.unique(keyed)
            order = np.argsort(keyed & _CODE_MASK, kind="stable")
            return cls(n, (keyed >> 42)[order], (keyed & _CODE_MASK)[order])
        by_code = np.sort((keyed & _CODE_MASK) << 20 | keyed >> 42)
        if len(by_code) > 1:
            by_code = by_code[np.concatenate(([True], by_code[1:] != by_code[:-1]))]
        return cls(n, by_code & _ROW_MASK, by_code >> 20)

    def sizes(self) -> npt.NDArray[np.int64]:
        """Distinct bigrams per sentence."""
        return np.bincount(self.rows, minlength=self.n)

    def merged(self) -> Grams:
        """Each two adjacent sentences taken together (``n - 1`` rows)."""
        if self.n < 2:
            return Grams(0, self.rows[:0], self.codes[:0])
        up = self.rows[self.rows > 0]  # a bigram of row r belongs to merged rows r - 1 and r
        keyed = np.concatenate(
            [
                (up - 1) << 42 | self.codes[self.rows > 0],
                self.rows[self.rows < self.n - 1] << 42 | self.codes[self.rows < self.n - 1],
            ]
        )
        return Grams._from_keyed(self.n - 1, keyed)


def _dice(a: Grams, b: Grams) -> F32:
    """Dice coefficient of the bigram sets of every sentence pair: a join on bigram codes (no
    matrix product, so no BLAS threads spinning up for a dozen sentences)."""
    out = np.zeros((a.n, b.n), np.float32)
    if not a.n or not b.n:
        return out
    lo = np.searchsorted(b.codes, a.codes, "left")
    count = np.searchsorted(b.codes, a.codes, "right") - lo
    hit = count.nonzero()[0]
    if len(hit):
        count, lo = count[hit], lo[hit]
        first = np.repeat(np.cumsum(count) - count, count)
        at = np.repeat(lo, count) + np.arange(int(count.sum())) - first
        pair = np.repeat(a.rows[hit], count) * b.n + b.rows[at]
        out += np.bincount(pair, minlength=a.n * b.n).reshape(a.n, b.n)
    denom = a.sizes()[:, None] + b.sizes()[None, :]
    return np.divide(2 * out, denom, out=out, where=denom > 0)


def sentence_dice(a: Sentences, b: Sentences) -> F32:
    """Dice coefficient of character-bigram sets for every sentence pair (exact)."""
    return _dice(a.grams(), b.grams())


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
    #: the two sides state different numbers (another month's report, another date) or
    #: ordinals (another session), or name different people (another guest received): such a
    #: pair shares a template, not content
    conflict: bool = False


def blend(cos: F32 | float, dice: F32 | float, weight: float) -> F32:
    """Pair similarity: ``weight`` × cosine + (1 − weight) × bigram Dice."""
    return np.asarray(weight * np.asarray(cos) + (1 - weight) * np.asarray(dice), np.float32)


def align(
    a: Sentences,
    b: Sentences,
    *,
    threshold: float,
    weight: float,
    head: F32 | None = None,
    people: bool = True,
) -> list[Pair]:
    """Align each sentence of ``a`` (suspect) to its best sentence(s) of ``b`` (original).

    ``head``: a square matrix the sentence vectors pass through before their cosine is taken
    (a paraphrase head tuned on pairs of washes against pairs of same-topic reports, see
    :func:`xigao.embed.wash_head`); None takes the encoder's own cosine. ``people``: a pair
    whose sentences name other people conflicts (news: the same frame about someone else);
    in fiction a copy renames its people, and only other figures, ordinals or titles do; and
    there the bigrams of a line of dialogue are read without its speech tag
    (:func:`speech_tag`), which two lines share when only their speaker is the same."""
    if not len(a) or not len(b):
        return []
    av = a.headed(head)
    cos = av @ b.headed(head).T
    # in fiction a line of dialogue is read for what is said, not who says it
    grams = Sentences.speech_grams if not people else Sentences.grams
    dice = _dice(grams(a), grams(b))
    sim = blend(cos, dice, weight)
    # each two adjacent original sentences taken together, for a suspect sentence merging them
    m_cos = av @ b.headed(head, merged=True).T
    m_dice = _dice(grams(a), grams(b, merged=True))
    m_sim = blend(m_cos, m_dice, weight)
    pairs: list[Pair] = []
    for i in range(len(a)):
        j = int(np.argmax(sim[i]))
        best: tuple[float, tuple[int, ...], float, float]
        best = (float(sim[i, j]), (j,), float(cos[i, j]), float(dice[i, j]))
        for lo in (j - 1, j):  # a merge of two adjacent original sentences
            if lo < 0 or lo + 1 >= len(b):
                continue
            if float(m_sim[i, lo]) > best[0] + 0.02:
                best = (
                    float(m_sim[i, lo]),
                    (lo, lo + 1),
                    float(m_cos[i, lo]),
                    float(m_dice[i, lo]),
                )
        if best[0] >= threshold:
            src = best[1]
            verbatim = len(src) == 1 and a.keys[i] == b.keys[src[0]]
            conflict = _facts_disagree(a, i, b, src) or (people and _names_conflict(a, i, b, src))
            pairs.append(Pair(i, src, best[0], best[2], best[3], verbatim, conflict))
    return pairs


#: A line of dialogue's opening (行者笑道:“, 那妇人便道:「, as normalized): who speaks and how,
#: up to the colon; what is said follows. Five characters at most before the verb: a longer
#: run tells what happened too (那怪闻言大怒骂道:), which a retelling says again.
_SPEECH_TAG = re.compile(r"^[^\W\d_]{1,5}?[道说问叫喝嚷答曰骂喊叹][:：]")


def speech_tag(text: str) -> int:
    """How many content characters open ``text`` (a sentence as normalized) with who speaks:
    a retelling says again what is said, and two lines that share a speaker alone
    (行者道:“是龙。” and 行者道:“未见。”) retell nothing.

    >>> speech_tag("行者笑道:“师父放心,没大事。”"), speech_tag("众人又大笑起来。")
    (4, 0)
    >>> speech_tag("那怪闻言大怒骂道:“你这泼猴!”")
    0
    """
    m = _SPEECH_TAG.match(text)
    return len(m.group()) - 1 if m else 0


def sole_partners(pairs: Sequence[Pair], keys: Sequence[str] = (), reach: int = 2) -> list[Pair]:
    """The pairs left when each original sentence is re-expressed in one place of the suspect.

    In fiction a short line of dialogue (行者道：“是龙。”) reads alike to many a line of the
    same speaker, so one original sentence is the likest of several suspect sentences strewn
    over a chapter. A retelling re-expresses a sentence once, or over a few sentences next to
    each other (a sentence split or expanded). Taken from the likest agreeing pair down, a pair
    stays when each of its original sentences is free, or taken by a run of suspect sentences
    it joins (within ``reach`` of one of them, the run spanning at most 2 × ``reach``). The
    original's sentences written alike (``keys``: a stock line it repeats) may each be taken
    in as many places as it writes them.

    >>> ps = [Pair(0, (5,), 0.6, 0.6, 0.0, False), Pair(1, (5,), 0.7, 0.7, 0.0, False),
    ...       Pair(9, (5,), 0.65, 0.6, 0.0, False), Pair(4, (6, 7), 0.5, 0.5, 0.0, False)]
    >>> [p.suspect for p in sole_partners(ps)]
    [0, 1, 4]
    >>> [p.suspect for p in sole_partners(ps, ["甲"] * 5 + ["乙", "丙", "丁", "乙"])]
    [0, 1, 9, 4]
    """
    first: dict[str, int] = {}
    group = [first.setdefault(k, j) for j, k in enumerate(keys)]
    copies = Counter(group)
    runs: dict[int, list[list[int]]] = {}  # a group of sentences: the runs that took it
    kept: set[int] = set()

    def take(p: Pair) -> bool:
        joins: dict[int, list[int] | None] = {}
        for g in {group[j] if j < len(group) else j for j in p.source}:
            taken = runs.get(g, [])
            run = next(
                (
                    r
                    for r in taken
                    if min(abs(i - p.suspect) for i in r) <= reach
                    and max(*r, p.suspect) - min(*r, p.suspect) <= 2 * reach
                ),
                None,
            )
            if run is None and len(taken) >= copies.get(g, 1):
                return False
            joins[g] = run
        kept.add(p.suspect)
        for g, run in joins.items():
            if run is None:
                runs.setdefault(g, []).append([p.suspect])
            else:
                run.append(p.suspect)
        return True

    # again while any is taken: a pair refused may join a run that a later one made
    left = sorted(pairs, key=lambda p: (p.conflict, -p.similarity, p.suspect))
    while left:
        still = [p for p in left if not take(p)]
        if len(still) == len(left):
            break
        left = still
    return [p for p in pairs if p.suspect in kept]


def _facts_disagree(a: Sentences, i: int, b: Sentences, src: tuple[int, ...]) -> bool:
    """Suspect sentence ``i`` and the original's sentences ``src`` state other numbers,
    ordinals or quoted titles. Numbers are compared kind by kind (:func:`typed_numbers`):
    figures with figures, dates with dates, times of day with times of day, so that a
    condensed sentence that drops the original's date and keeps a figure stated next to it
    (首节领先17分 for 北京时间4月7日…领先17分) states no other fact, while another day's report
    in the same template (another date, other figures) still does. A number one side writes
    as a one-character numeral (前七个月 for 前7个月), by the other clock (晚上7点 for 19点) or
    with two digits (06年 for 2006年) is no other number. A title one side writes shortened
    (《封神ol》 for 《封神online》) is no other title. (Excusing a number the other text writes in
    another sentence, as :func:`xigao.altered.find_altered` does, freed as many same-topic innocents as
    washes: the wash score's threshold rose and found fewer; see docs/benchmarks.md.)"""
    ours_also = a.loose(i)
    theirs_also = frozenset().union(*(b.loose(j) for j in src))
    ours = a.typed(i)
    theirs = [frozenset().union(*(b.typed(j)[k] for j in src)) for k in range(len(ours))]
    return (
        any(_disagree(x, y, ours_also, theirs_also) for x, y in zip(ours, theirs, strict=True))
        or _disagree(a.ordinals[i], frozenset().union(*(b.ordinals[j] for j in src)))
        or _titles_disagree(a.titles[i], frozenset().union(*(b.titles[j] for j in src)))
    )


def _titles_disagree(ours: frozenset[str], theirs: frozenset[str]) -> bool:
    """Each side quotes a title the other does not, nor a shortening or lengthening of it
    (the shorter's characters in order in the longer, from the same first two).

    >>> _titles_disagree(frozenset({"封神online"}), frozenset({"封神ol"}))
    False
    >>> _titles_disagree(frozenset({"人民日报"}), frozenset({"光明日报"}))
    True
    """

    def short(x: str, y: str) -> bool:
        rest = iter(y)
        return x[:2] == y[:2] and all(c in rest for c in x)

    def alone(x: str, other: frozenset[str]) -> bool:
        return not any(short(x, y) or short(y, x) for y in other)

    return any(alone(x, theirs) for x in ours) and any(alone(y, ours) for y in theirs)


# --------------------------------------------------------------------------- altered facts
class Names(NamedTuple):
    """Person names in a text, by jieba's part-of-speech tags."""

    tagged: frozenset[str]  #: every word tagged as a person name
    proper: frozenset[str]  #: those that are not also ordinary words (see ``COMMON_NAME_FREQ``)


#: jieba's tags for person names (Chinese, transliterated, and personal-name forms).
NAME_TAGS = frozenset({"nr", "nrt", "nrfg"})
#: jieba's dictionary tags many ordinary words as names (祝贺 560, 白雪 1572, 向阳 671); a
#: tagged word more frequent than this is taken for an ordinary word, so that a synonym swap of
#: one is not read as another person. Real names in the dictionary are rare (王沪宁 17, 赵乐际 3)
#: and most are not in it at all. Chosen on the ``fit`` split (dev's slice of the data): 20 and
#: 50 drop the same formulaic false alarms and no rewrite.
COMMON_NAME_FREQ = 20


#: jieba's tags for proper nouns: person names, places (ns), organisations (nt), other (nz).
PROPER_TAGS = NAME_TAGS | {"ns", "nt", "nz"}

_DICT_LINE = re.compile(r"^(\S+) (\d+) (\S+)$", re.M)


class Lexicon(NamedTuple):
    """jieba's dictionary as the name readers use it (:func:`jieba_lexicon`)."""

    #: words more frequent than ``COMMON_NAME_FREQ`` that are not tagged proper nouns
    ordinary: frozenset[str]
    #: every word tagged a proper noun (``PROPER_TAGS``)
    proper: frozenset[str]
    #: those frequent enough (more than ``COMMON_NAME_FREQ``) to be ordinary words (祝贺, 中国)
    common_proper: frozenset[str]
    #: words of four characters or more the dictionary tags as person names that are idioms
    #: and set phrases (纪律严明, 志存高远, 石沉大海; see :func:`_idiom_tagged_name`)
    idioms: frozenset[str] = frozenset()
    #: every word not tagged a proper noun, however rare (高水平, 金灿灿)
    words: frozenset[str] = frozenset()


#: Two-character surnames: a four-character name may start with one (欧阳应霁). These are the
#: common ones, which :mod:`xigao.names` reads renamed people by.
COMPOUND_SURNAMES = frozenset([
    "慕容", "上官", "独孤", "司马", "夏侯", "诸葛", "欧阳", "公孙", "长孙", "令狐", "东方", "皇甫",
    "尉迟", "宇文", "端木", "南宫", "西门", "司徒", "司空", "呼延", "轩辕", "赫连", "澹台", "钟离",
])  # fmt: skip
#: The rarer ones (耶律楚材, 完颜洪烈), which also keep a dictionary word a name.
RARE_COMPOUND_SURNAMES = frozenset([
    "公冶", "太史", "申屠", "闻人", "万俟", "濮阳", "拓跋", "第五", "东郭", "公羊", "仲孙", "单于",
    "淳于", "左丘", "谷梁", "梁丘", "东门", "羊舌", "微生", "乐正", "壤驷", "漆雕", "巫马", "子车",
    "颛孙", "太叔", "锺离", "鲜于", "闾丘", "亓官", "司寇", "公西", "段干", "拓拔", "完颜", "耶律",
    "百里",
])  # fmt: skip
#: Characters that make up transliterated names: those in at least this many of the
#: dictionary's ``nrt`` words (尔, 斯, 拉, 克, …; about a hundred).
TRANSLITERATION_MIN_WORDS = 30


def _idiom_tagged_name(word: str, transliteration: frozenset[str]) -> bool:
    """Whether a dictionary word of four characters or more that jieba tags as a person name
    is an idiom or set phrase instead: it starts with no two-character surname and fewer
    than half its characters are those of transliterated names. jieba's dictionary tags
    thousands of idioms ``nr`` (纪律严明, 智者见智); a rewrite that uses one names no new
    person, and one that drops one drops no named fact.

    >>> t = frozenset("尔斯拉克特里德夫卡阿科博金")
    >>> [_idiom_tagged_name(w, t) for w in ("纪律严明", "欧阳应霁", "柯尔金斯")]
    [True, False, False]
    """
    if len(word) < 4 or word[:2] in COMPOUND_SURNAMES | RARE_COMPOUND_SURNAMES:
        return False
    return 2 * sum(ch in transliteration for ch in word) < len(word)


@lru_cache(maxsize=1)
def jieba_lexicon() -> Lexicon:
    """jieba's dictionary, read once for every reader of names (empty without jieba)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return Lexicon(frozenset(), frozenset(), frozenset())
    text = (Path(spec.origin).parent / "dict.txt").read_text(encoding="utf-8")
    ordinary, proper, common, words = set(), set(), set(), set()
    long_names: list[str] = []
    in_nrt: Counter[str] = Counter()
    for word, freq, tag in _DICT_LINE.findall(text):
        frequent = int(freq) > COMMON_NAME_FREQ
        if tag in PROPER_TAGS:
            proper.add(word)
            if frequent:
                common.add(word)
        else:
            words.add(word)
            if frequent:
                ordinary.add(word)
        if tag == "nr" and len(word) >= 4:
            long_names.append(word)
        elif tag == "nrt":
            in_nrt.update(set(word))
    transliteration = frozenset(c for c, n in in_nrt.items() if n >= TRANSLITERATION_MIN_WORDS)
    idioms = frozenset(w for w in long_names if _idiom_tagged_name(w, transliteration))
    return Lexicon(
        frozenset(ordinary), frozenset(proper), frozenset(common), idioms, frozenset(words)
    )


@lru_cache(maxsize=65536)
def rare_proper_nouns(text: str) -> frozenset[str]:
    """Proper nouns of ``text`` that are not also ordinary words: the people, places and
    bodies a story is about, which a rewrite keeps and a story on another visit does not.

    >>> sorted(rare_proper_nouns("赵乐际在北京同尼日利亚副总统会谈，推进莱基深水港和阿布贾轻轨建设"))
    ['莱基', '赵乐际', '阿布贾']

    北京 and 尼日利亚 are common words of jieba's dictionary, so a synonym swap of one (北京 →
    都城) does not count against a rewrite; names and places rare enough to be news do.
    """
    from xigao.tokenize import default_tokenizer

    found = {w for w, tag in default_tokenizer().tag(text) if tag in PROPER_TAGS and len(w) >= 2}
    if not found:
        return frozenset()
    lexicon = jieba_lexicon()
    return frozenset(found - lexicon.common_proper - lexicon.idioms)


def entity_recall(original: Sequence[str], suspect: str) -> float:
    """Share of the rare proper nouns of the ``original`` sentences found in ``suspect``
    (1 when they name none)."""
    found = frozenset().union(*(rare_proper_nouns(s) for s in original))
    if not found:
        return 1.0
    return sum(w in suspect for w in found) / len(found)


def person_names(text: str) -> Names:
    """Person names in ``text`` (words of two or more characters tagged as names).

    >>> names = person_names("王沪宁会见拉瓦卢马纳纳")
    >>> sorted(names.tagged), sorted(names.proper)  # 拉瓦 is also a common dictionary word
    (['卢马纳纳', '拉瓦', '王沪宁'], ['卢马纳纳', '王沪宁'])
    """
    from xigao.tokenize import default_tokenizer

    lexicon = jieba_lexicon()
    tagged = frozenset(
        w
        for w, tag in default_tokenizer().tag(text)
        if tag in NAME_TAGS and len(w) >= 2 and w not in lexicon.idioms
    )
    if not tagged:
        return Names(tagged, tagged)
    return Names(tagged, tagged - lexicon.common_proper)


def _names_conflict(a: Sentences, i: int, b: Sentences, src: tuple[int, ...]) -> bool:
    """Suspect sentence ``i`` names someone the original never mentions, and the original's
    sentences ``src`` name someone the suspect never mentions: the same sentence frame about
    other people (赵乐际会见… / 王沪宁会见…). A rewrite keeps the people it writes about; only the
    original's side must be a proper name, as a rewrite's synonym may be a word jieba tags as
    a name (祝贺 → 道贺)."""
    ours = any(n not in b.content() for n in a.names(i).tagged)
    return ours and any(n not in a.content() for j in src for n in b.names(j).proper)


# Digits, and Chinese numerals of two characters or more (a lone 一 is mostly a word: 一起),
# a per cent written out, a month or a day of one character: as ``facts._QUANTITY`` reads them.
_NUMBER = re.compile(
    r"\d+(?:[.,]\d+)*(?:%|万亿|万|亿)?"
    rf"|百分之[{facts.CN_NUMERALS}]+"
    rf"|(?:(?!零时)[{facts.CN_NUMERALS}]){{2,}}"
    r"|(?<![第前近每续])[一二三四五六七八九十](?=月)|(?<=月)[一二三四五六七八九十](?=日)"
)
# Quoted titles of works, articles and laws: 《…》 (normalization keeps the brackets).
_TITLE = re.compile(r"《([^《》]{2,80})》")


def _cn_value(s: str) -> float | None:
    """Value of a Chinese numeral such as 一千二百万, 五点二, 二〇二〇 (None if unparsable), as
    the wash score's measures were fitted with (:func:`xigao.facts.cn_value`, ``fitted``)."""
    return facts.cn_value(s, fitted=True)


# What follows a number that is part of a date (of a time of day: ``facts.CLOCK_UNITS``).
_DATE_UNITS = frozenset("年月日号")


def _number_values(text: str) -> list[tuple[float, int, int]]:
    """Each numeric value written in ``text`` with its span, digits or Chinese numerals
    (5.2% == 百分之五点二), a list's item number at its start left out."""
    out: list[tuple[float, int, int]] = []
    mark = facts.LIST_MARK.match(text)
    for m in _NUMBER.finditer(text, mark.end() if mark else 0):
        g = m.group().replace(",", "")
        if g[0].isdigit():
            mult = 1e12 if g.endswith("万亿") else facts.CN_BIG.get(g[-1], 1)
            num = g.rstrip("%万亿")
            try:
                out.append((facts.exact(float(num) * mult), m.start(), m.end()))
            except ValueError:
                continue
        elif facts.clock_minutes(text, m.start(), m.end()):  # 八点零五分: 8 and 5, no 8.05
            dot = m.start() + g.index("点")
            for lo, hi in ((m.start(), dot), (dot + 1, m.end())):
                v = _cn_value(text[lo:hi])
                if v is not None:
                    out.append((v, lo, hi))
        else:
            v = _cn_value(g)
            if v is not None:
                out.append((v, m.start(), m.end()))
    return out


def _numbers(text: str) -> set[float]:
    """Numeric values written in ``text``, digits or Chinese numerals (5.2% == 百分之五点二),
    a list's item number at its start (2. 任务…) left out.

    >>> sorted(_numbers("2. 进出口13.83万亿元，增长19.4%，一千二百万"))
    [19.4, 12000000.0, 13830000000000.0]
    """
    return {v for v, _, _ in _number_values(text)}


def typed_numbers(text: str) -> tuple[frozenset[float], frozenset[float], frozenset[float]]:
    """The numbers of ``text`` by kind, read from what follows each: dates (2008年, 4月7日,
    24号), times of day (2时30分, 10:00, 7点; an index's points, 跌至1664点, fall here too and
    are compared with each other all the same) and figures (everything else).

    >>> [sorted(k) for k in typed_numbers("4月7日晚7点30分，火箭以93比101负于黄蜂")]
    [[93.0, 101.0], [4.0, 7.0], [7.0, 30.0]]
    >>> typed_numbers("八点零五分")[2] == typed_numbers("8点05分")[2] == {8.0, 5.0}
    True
    """
    kinds: tuple[set[float], set[float], set[float]] = (set(), set(), set())
    for v, _, _, kind in _typed_values(text):
        kinds[kind].add(v)
    return frozenset(kinds[0]), frozenset(kinds[1]), frozenset(kinds[2])


def _typed_values(text: str) -> list[tuple[float, int, int, int]]:
    """Each numeric value of ``text`` with its span and its kind (0 a figure, 1 a date, 2 a
    time of day), as :func:`typed_numbers` reads them."""
    out = []
    for v, lo, hi in _number_values(text):
        after = text[hi : hi + 1]
        before = text[lo - 1 : lo] if lo else ""
        clock = (after and after in facts.CLOCK_UNITS) or (before and before in ":：")
        out.append((v, lo, hi, 1 if after and after in _DATE_UNITS else 2 if clock else 0))
    return out


def figure_spans(text: str) -> list[tuple[float, int, int]]:
    """The figures of ``text`` (:func:`typed_numbers`' first kind) with their spans.

    >>> text = "4月7日，火箭以93比101负于黄蜂"
    >>> [text[lo:hi] for _, lo, hi in figure_spans(text)]
    ['93', '101']
    """
    return [(v, lo, hi) for v, lo, hi, kind in _typed_values(text) if kind == 0]


def _ordinals(text: str) -> set[float]:
    """Values of the ordinals (第四, 第12) written in ``text``, as the wash score's measures
    were fitted with (:func:`xigao.facts.ordinals`, ``fitted``).

    >>> sorted(_ordinals("第十二届中央委员会第四次全体会议，第5场"))
    [4.0, 5.0, 12.0]
    """
    return facts.ordinals(text, fitted=True)


def _disagree(
    ours: frozenset[Any],
    theirs: frozenset[Any],
    ours_also: frozenset[Any] = frozenset(),
    theirs_also: frozenset[Any] = frozenset(),
) -> bool:
    """Each side states a value the other does not (another date, another session), nor
    writes otherwise (``ours_also``, ``theirs_also``: values each side also states)."""
    return bool(ours - theirs - theirs_also) and bool(theirs - ours - ours_also)


_LOOSE = re.compile(r"[〇一二两三四五六七八九十]")
# An hour of the clock (7点, 19时, 10:00, 七点) and a year written with two digits (06年).
_CLOCK = re.compile(r"((?<![\d.])\d{1,2}|[一二两三四五六七八九十]{1,3})(?:点|时|:|：)(半|\d{2})?")
_SHORT_YEAR = re.compile(r"(?<![\d.])(\d{2})年")


def _loose_numbers(text: str) -> set[float]:
    """The values of the one-character numerals of ``text`` (七 → 7), words such as 一起 among
    them, and what its hours and short years also read as (晚上7点 → 19, 两点半 → 14 and 30,
    10:00 → 22 and 0, 06年 → 2006): only ever used to excuse a number another text writes
    otherwise.

    >>> sorted(_loose_numbers("晚上7点到两点半，10:00，06年"))
    [0.0, 2.0, 7.0, 10.0, 14.0, 19.0, 22.0, 30.0, 1906.0, 2006.0]
    """
    out = {float(_cn_value(c) or 0.0) for c in _LOOSE.findall(text)}
    for m in _CLOCK.finditer(text):
        hour = float(m.group(1)) if m.group(1).isdigit() else _cn_value(m.group(1))
        if hour is None or hour > 24:
            continue
        out |= {hour, hour + 12 if hour <= 12 else hour - 12}
        if m.group(2):
            out.add(30.0 if m.group(2) == "半" else float(m.group(2)))
    for m in _SHORT_YEAR.finditer(text):
        out |= {1900.0 + int(m.group(1)), 2000.0 + int(m.group(1))}
    return out
