"""Matching one suspect against one original: verbatim passages and paraphrased sentences.

``Prepared`` holds what a text needs for both (normalized text, seed hashes, and — only when
rewrites are detected — embedded sentences), so an original prepared once serves many checks.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from xigao.align import (
    Passage,
    exact_runs,
    join_respelled,
    longest_kept_run,
    merge_runs,
    widen_respelled,
)
from xigao.altered import altered_entry, copy_altered, find_altered, unrenamed
from xigao.facts import figure_at, figure_before, spelled_alike
from xigao.names import as_written, name_map
from xigao.normalize import Normalized, normalize, sentence_breaks
from xigao.paraphrase import (
    MIN_SENTENCE_KEY,
    Pair,
    Sentences,
    TextEncoder,
    align,
    bigram_set,
    dice_matrix,
    embed_sentences,
    entity_recall,
    figure_spans,
    sole_partners,
)
from xigao.provenance import quotation_spans
from xigao.sketch import U64, codepoints, kgram_hashes
from xigao.sounds import by_sound
from xigao.terms import U32, TermWeights, hash_codes, term_keys
from xigao.types import VERDICT_RANK, Evidence, Match, MatchKind
from xigao.verdict import Thresholds, rewrite_kind, standing_floor, verbatim_kind


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text normalized once, with seed k-gram hashes and (lazily) embedded sentences."""

    norm: Normalized
    seeds: U64
    sents: Sentences | None = field(default=None, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def sentence_bounds(self) -> np.ndarray:
        """Key ranges of the sentences, shape (n, 2), computed once.

        The key ranges of :func:`sentence_ranges`, found without cutting out the sentences:
        the whitespace that :func:`sentences` strips off them holds no key characters, and a
        span that is only whitespace holds fewer than ``MIN_SENTENCE_KEY``.
        """
        if "bounds" not in self._cache:
            at = np.searchsorted(self.norm.key().pos, sentence_breaks(self.norm.text))
            lo, hi = at[:-1], at[1:]
            keep = hi - lo >= MIN_SENTENCE_KEY
            self._cache["bounds"] = np.stack([lo[keep], hi[keep]], axis=1).astype(
                np.int64, copy=False
            )
        return self._cache["bounds"]

    def heard(self, k: int) -> tuple[str, U64]:
        """The key written by sound (:func:`xigao.sounds.by_sound`) and its k-gram hashes,
        computed once."""
        got: tuple[str, U64] | None = self._cache.get(f"heard{k}")
        if got is None:
            chars = by_sound(self.norm.key().chars)
            got = self._cache[f"heard{k}"] = (chars, kgram_hashes(codepoints(chars), k))
        return got

    @classmethod
    def of(cls, text: str, t: Thresholds, *, exclude_quotes: bool = False) -> Prepared:
        """``text`` normalized and seeded; ``exclude_quotes``: its quotations (see
        :func:`xigao.provenance.quotation_spans`) left out of what can match, as boilerplate."""
        n = normalize(text)
        if exclude_quotes:
            n = n.excluding(quotation_spans(n.text))
        return cls(n, kgram_hashes(codepoints(n.key().chars), t.seed_len))

    def with_sentences(
        self, encoder: TextEncoder, *, vectors: bool = True, keep_short: bool = False
    ) -> Prepared:
        """With sentences split (and embedded unless ``vectors`` is False); ``keep_short``
        joins sentences too short to align on their own to a neighbour instead of dropping
        them (see :func:`xigao.paraphrase.sentence_ranges`)."""
        if self.sents is not None:
            return self
        sents = embed_sentences(self.norm, encoder, vectors=vectors, keep_short=keep_short)
        return replace(self, sents=sents, _cache=self._cache)

    def doc_vector(self) -> np.ndarray:
        """Unit document vector (see :meth:`Sentences.doc_vector`)."""
        assert self.sents is not None, "call with_sentences() first"
        return self.sents.doc_vector()


def _copied_chars(bounds: np.ndarray, covered: np.ndarray) -> int:
    """Characters in sentences (key ranges ``bounds``) that are exactly matched all through,
    but for one character in fifty (at least one): what script conversion leaves."""
    if not len(bounds):
        return 0
    cs = np.concatenate([[0], np.cumsum(covered)])
    lo, hi = bounds[:, 0], bounds[:, 1]
    n = hi - lo
    missing = n - (cs[hi] - cs[lo])
    return int(n[missing <= np.maximum(1, n // 50)].sum())


def verbatim_sentence_share(
    suspect: Prepared, source: Prepared, covered_a: np.ndarray, covered_b: np.ndarray
) -> float:
    """Share of the suspect's text made of sentences copied verbatim from the original.

    Counted both ways and the larger taken: the suspect's sentences found whole in the
    original (a repost that trims a sentence), and the original's sentences found whole in the
    suspect (a headline glued to the first sentence). Even a light synonym spin touches most
    sentences, so it counts as neither.
    """
    total = len(suspect.norm.key().chars)
    if not total:
        return 0.0
    own = _copied_chars(suspect.sentence_bounds(), covered_a)
    theirs = _copied_chars(source.sentence_bounds(), covered_b)
    return min(1.0, max(own, theirs) / total)


def _respelled(runs: list[Passage], x: Normalized, y: Normalized) -> list[Passage]:
    """The exact runs of ``x`` (the suspect) in ``y``, widened and joined over the figures the
    two spell differently but read alike (``align.widen_respelled``, ``align.join_respelled``:
    146人 and 一百四十六人): a repost that spells its figures out copies its sentences all the
    same."""
    if not runs:
        return runs
    a, b = x.key(), y.key()
    ta, tb, pa, pb = x.text, y.text, a.pos, b.pos

    def after(i: int, j: int) -> tuple[int, int] | None:
        ea, eb = figure_at(ta, int(pa[i])), figure_at(tb, int(pb[j]))
        if ea is None or eb is None or not spelled_alike(ta[pa[i] : ea], tb[pb[j] : eb]):
            return None
        return int(np.searchsorted(pa, ea)), int(np.searchsorted(pb, eb))

    def before(i: int, j: int) -> tuple[int, int] | None:  # a per cent sign is no key char
        ea, eb = int(pa[i - 1]) + 1, int(pb[j - 1]) + 1
        ea, eb = ea + (ta[ea : ea + 1] == "%"), eb + (tb[eb : eb + 1] == "%")
        sa, sb = figure_before(ta, ea), figure_before(tb, eb)
        if sa is None or sb is None or not spelled_alike(ta[sa:ea], tb[sb:eb]):
            return None
        return int(np.searchsorted(pa, sa)), int(np.searchsorted(pb, sb))

    def between(p: Passage, r: Passage) -> bool:  # the text between, as each side writes it
        return spelled_alike(
            ta[int(pa[p.a_end - 1]) + 1 : int(pa[r.a_start])],
            tb[int(pb[p.b_end - 1]) + 1 : int(pb[r.b_start])],
        )

    runs = widen_respelled(runs, a.chars, b.chars, after, before)
    return join_respelled(runs, between, a=a.chars, b=b.chars)


def echoed(text: str, covered: np.ndarray, min_len: int) -> np.ndarray:
    """``covered`` (a mask over ``text``) with every other place ``text`` writes a covered
    stretch of ``min_len`` characters or more again.

    >>> mask = np.array([True] * 4 + [False] * 6)
    >>> echoed("甲乙丙丁，甲乙丙丁戊", mask, 4).tolist()
    [True, True, True, True, False, True, True, True, True, False]
    """
    out = covered.copy()
    edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
    for lo, hi in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        if hi - lo < min_len:
            continue
        piece = text[lo:hi]
        at = text.find(piece)
        while at != -1:
            out[at : at + hi - lo] = True
            at = text.find(piece, at + 1)
    return out


def verbatim_match(
    suspect: Prepared,
    source: Prepared,
    source_id: str,
    t: Thresholds,
    *,
    altered: bool = True,
    heard: bool = False,
) -> Match | None:
    """Verbatim reuse of ``source`` in ``suspect`` as a :class:`Match`, or None; ``altered``:
    list the facts the copy changed (:func:`xigao.altered.copy_altered`), which a caller
    asking only whether two texts are one story does without; ``heard``: the two read by
    sound (:func:`xigao.sounds.by_sound`), a character swapped for another that sounds alike
    (同音字, 正府 for 政府) equal text, its passages' similarity still that of their
    characters, and the match saying how many were swapped (``homophones``)."""
    a, b = suspect.norm.key(), source.norm.key()
    if not a.chars or not b.chars:
        return None
    ac, ha = suspect.heard(t.seed_len) if heard else (a.chars, suspect.seeds)
    bc, hb = source.heard(t.seed_len) if heard else (b.chars, source.seeds)
    runs = exact_runs(ac, bc, k=t.seed_len, ha=ha, hb=hb)
    runs = _respelled(runs, suspect.norm, source.norm)
    # (bridged as written: a gap holding a numeral as written is never bridged, 第五次 / 第八次,
    # which written by sound is no numeral: diff review 18)
    merged = merge_runs(runs, max_gap=t.max_gap, a=a.chars, b=b.chars)
    passages = [p for p in merged if p.length >= t.evidence_min_len]
    if not passages:
        return None
    # Shares count exactly equal characters only: the small gaps bridged inside a passage (an
    # OpenCC variant, a swapped synonym) belong to the evidence, not to verbatim reuse.
    covered_a = np.zeros(len(a.chars), dtype=bool)
    covered_b = np.zeros(len(b.chars), dtype=bool)
    for r in runs:
        covered_a[r.a_start : r.a_end] = True
        covered_b[r.b_start : r.b_end] = True
    keep_a = np.zeros(len(a.chars), dtype=bool)
    keep_b = np.zeros(len(b.chars), dtype=bool)
    for p in passages:
        keep_a[p.a_start : p.a_end] = True
        keep_b[p.b_start : p.b_end] = True
    covered_a &= keep_a
    covered_b &= keep_b
    containment = float(covered_a.sum()) / len(a.chars)
    coverage = float(covered_b.sum()) / len(b.chars)
    if containment >= t.repost_containment - 0.05 and coverage < t.repost_coverage:
        # an original that writes the copied text twice (an archive that stored an article
        # twice over: black-box review 16) is covered where either of its copies is
        covered_b = echoed(b.chars, covered_b, t.evidence_min_len)
        coverage = float(covered_b.sum()) / len(b.chars)
    # Copied sentences are made of exactly matched characters (but for 2%), so the sentence
    # share can only reach the repost threshold when the character shares nearly do.
    sentence_share: float | None = None
    if coverage >= t.repost_coverage and containment >= t.repost_containment - 0.05:
        sentence_share = verbatim_sentence_share(suspect, source, covered_a, covered_b)
    longest = max(p.length for p in passages)
    # ``partial`` needs one exactly equal run that long: bridging a gap may join two halves of
    # a formula around a different name (中方愿同乌方… / 中方愿同越方…), which is not a copy.
    exact_longest = longest_kept_run(runs, merged, t.evidence_min_len)
    # … or a long passage nearly all of whose characters are equal, a few changed one by one
    # (typos, homophones): a formula joined around another name is short, and numbers differ
    near = max((p.length for p in passages if p.matched >= t.near_share * p.length), default=0)
    kind = verbatim_kind(
        containment=sentence_share or 0.0,
        coverage=coverage,
        longest=exact_longest,
        t=t,
        near=near,
    )
    if kind is None:
        return None
    if sentence_share is None:  # not needed for the kind, but a match reports it (review 9)
        sentence_share = verbatim_sentence_share(suspect, source, covered_a, covered_b)
    # (characters equal by sound alone, passage by passage: none unless ``heard``)
    swapped = _homophones(a.chars, b.chars, runs, passages) if heard else [0] * len(passages)
    evidence = tuple(
        Evidence(
            "verbatim",
            whole_marks(
                suspect.norm.raw,
                *suspect.norm.raw_span(int(a.pos[p.a_start]), int(a.pos[p.a_end - 1]) + 1),
            ),
            whole_marks(
                source.norm.raw,
                *source.norm.raw_span(int(b.pos[p.b_start]), int(b.pos[p.b_end - 1]) + 1),
            ),
            (p.matched - swapped[k]) / p.length,
        )
        for k, p in enumerate(passages)
    )
    details: dict[str, Any] = {
        "longest_passage": longest,
        "longest_exact_run": exact_longest,
        "verbatim_sentences": round(sentence_share, 4),
        "reason": verbatim_reason(
            kind, passages, evidence, containment, coverage, sentence_share, t
        ),
    }
    if sum(swapped):
        details["homophones"] = sum(swapped)
        details["reason"] += (
            f"; read by sound: {sum(swapped)} of their characters are homophones of the "
            "original's (同音字 swapped in)"
        )
    if altered:
        inside = [
            r for r in runs if any(p.a_start <= r.a_start and r.a_end <= p.a_end for p in passages)
        ]
        changed = copy_altered(suspect.norm, source.norm, inside)
        if changed:
            details["altered"] = changed
    return Match(
        source_id=source_id,
        kind=kind,
        score=(containment + coverage) / 2,
        containment=containment,
        coverage=coverage,
        evidence=evidence,
        details=details,
    )


#: Homophones a copy read by sound must hold to be taken instead of one of its kind read as
#: written (a name or two that sound alike in a formula's copy change nothing).
HEARD_MIN = 3


def copy_match(
    suspect: Prepared,
    source: Prepared,
    source_id: str,
    t: Thresholds,
    *,
    written: bool = True,
) -> Match | None:
    """:func:`verbatim_match` of the two read as written (unless ``written`` is false) and,
    short of a repost, read by sound: the reading by sound where it is of a stronger kind, or
    of the same kind with ``HEARD_MIN`` homophones and as much of the suspect (a paragraph with
    同音字 swapped in every ten characters is a copy word for word by sound, read as written a
    light spin's or nothing: black-box review 22); else the one read as written."""
    plain = verbatim_match(suspect, source, source_id, t) if written else None
    if plain is not None and plain.kind == "repost":
        return plain
    heard = verbatim_match(suspect, source, source_id, t, heard=True)
    if heard is None or not heard.details.get("homophones"):
        return plain
    if plain is None or VERDICT_RANK[heard.kind] > VERDICT_RANK[plain.kind]:
        return heard
    same = heard.kind == plain.kind and heard.details["homophones"] >= HEARD_MIN
    return heard if same and heard.containment >= plain.containment else plain


def _homophones(a: str, b: str, runs: Sequence[Passage], passages: Sequence[Passage]) -> list[int]:
    """For each of ``passages``, the characters of its runs (found by sound) that the two
    texts write otherwise but sound alike, each between two written alike: a homophone
    swapped in (正府 for 政府), not a figure spelled out (十五 for 15) nor a word that happens
    to sound like another where a run ends (时 / 事: diff review 18)."""
    heard = by_sound
    starts = [p.a_start for p in passages]
    out = [0] * len(passages)
    for r in runs:
        k = bisect.bisect_right(starts, r.a_start) - 1
        if k < 0 or r.a_start >= passages[k].a_end or r.a_end - r.a_start != r.b_end - r.b_start:
            continue
        x, y = a[r.a_start : r.a_end], b[r.b_start : r.b_end]
        out[k] += sum(
            1
            for i in range(1, len(x) - 1)
            if x[i] != y[i]
            and heard(x[i]) == heard(y[i])
            and x[i - 1] == y[i - 1]
            and x[i + 1] == y[i + 1]
        )
    return out


#: Marks a verbatim passage takes in when they stand right after its last digit.
_UNIT_MARKS = frozenset("%％‰")
#: Quotation marks and brackets, opening to closing: a passage that closes one it does not
#: open takes in the opening one right before it, and the other way round.
_MARK_PAIRS = (("“", "”"), ("‘", "’"), ("「", "」"), ("『", "』"), ("《", "》"), ("（", "）"))


def whole_marks(text: str, lo: int, hi: int) -> tuple[int, int]:
    """The span ``[lo, hi)`` of ``text`` widened to the percent sign right after its last digit
    and to the quotation mark right outside it that opens or closes one it holds alone: a
    passage is matched on content characters, and ended at 增长28.5 or started at 十三五”期间
    (black-box review 11).

    >>> t = "同比增长28.5%，“十三五”期间"
    >>> lo, hi = whole_marks(t, 0, 8); t[lo:hi]
    '同比增长28.5%'
    >>> lo, hi = whole_marks(t, 11, 17); t[lo:hi]
    '“十三五”期间'
    >>> whole_marks(t, 0, 3)
    (0, 3)
    >>> t = "见“《十三五》规划”"
    >>> lo, hi = whole_marks(t, 3, 10); t[lo:hi]
    '“《十三五》规划”'
    >>> whole_marks("》》", 0, 2)
    (0, 2)
    """
    if hi < len(text) and text[hi] in _UNIT_MARKS and hi > lo and text[hi - 1].isdigit():
        hi += 1
    widened = True
    while widened:  # nested marks, one pair at a time: “《十三五》规划”
        widened = False
        piece = text[lo:hi]
        for opening, closing in _MARK_PAIRS:
            if piece.count(closing) > piece.count(opening) and lo > 0 and text[lo - 1] == opening:
                lo, widened = lo - 1, True
            elif (
                piece.count(opening) > piece.count(closing)
                and hi < len(text)
                and text[hi] == closing
            ):
                hi, widened = hi + 1, True
    return lo, hi


def verbatim_reason(
    kind: MatchKind,
    passages: Sequence[Passage],
    evidence: Sequence[Evidence],
    containment: float,
    coverage: float,
    sentences: float,
    t: Thresholds | None = None,
) -> str:
    """A verbatim match's reason in words: how much is copied word for word, and where the
    longest passage lies in the suspect (black-box review 11: a partial copy said nothing);
    with ``t``, why a partial copy of nearly all of its original is no repost.

    >>> from xigao.align import Passage
    >>> ps = [Passage(0, 212, 0, 212, 212), Passage(300, 340, 500, 540, 40)]
    >>> ev = [Evidence("verbatim", (263, 475), (0, 212)), Evidence("verbatim", (560, 601), (500, 540))]
    >>> verbatim_reason("partial", ps, ev, 0.4, 0.35, 0.3)
    '2 passages copied word for word, 252 characters (40% of the suspect, 35% of the original); the longest, 212 characters, at characters 263-475 of the suspect'
    >>> verbatim_reason("partial", ps, ev, 0.99, 0.99, 0.61, Thresholds()).split("; ")[-1]
    "61% of its sentences are the original's word for word, under the 70% a repost needs: the others differ by a word or more"
    """
    if kind == "repost":
        return (
            f"{sentences:.0%} of the suspect's sentences copied word for word from the original, "
            f"covering {coverage:.0%} of it"
        )
    k = max(range(len(passages)), key=lambda i: passages[i].length)
    lo, hi = evidence[k].suspect
    n = len(passages)
    why = (
        f"{n} passage{'s' if n > 1 else ''} copied word for word, "
        f"{sum(p.length for p in passages)} characters ({containment:.0%} of the suspect, "
        f"{coverage:.0%} of the original); the longest, {passages[k].length} characters, at "
        f"characters {lo}-{hi} of the suspect"
    )
    if t is not None and containment >= t.repost_containment and coverage >= t.repost_coverage:
        # nearly all of it copied, yet partial: say why it is no repost (black-box review 14:
        # "99% of the suspect, 99% of the original" read as a contradiction of the verdict)
        why += (
            f"; {sentences:.0%} of its sentences are the original's word for word, under the "
            f"{t.repost_containment:.0%} a repost needs: the others differ by a word or more"
        )
    return why


@dataclass(frozen=True, slots=True)
class RewriteStats:
    """Sentence-alignment measures of one suspect/original pair."""

    containment: float  #: share of the suspect's sentence characters aligned to the original
    coverage: float  #: share of the original's sentence characters aligned
    verbatim_share: float  #: share of aligned suspect characters in verbatim sentences
    similarity: float  #: mean similarity of aligned pairs, weighted by length
    #: share of the aligned original sentences' rare proper nouns found in the suspect; only
    #: measured for a pair that is a rewrite by every other measure (1 otherwise)
    entities: float = 1.0
    #: the suspect's sentences aligned to the original (pairs that count)
    sentences: frozenset[int] = frozenset()
    #: share of the aligned suspect characters in pairs whose numbers, ordinals or people
    #: disagree (they are kept as evidence but do not count towards the other shares)
    conflicts: float = 0.0

    @property
    def score(self) -> float:
        """How much of each the two share: the mean of containment and coverage."""
        return (self.containment + self.coverage) / 2


def same_story(a: Prepared, b: Prepared, t: Thresholds) -> bool:
    """Whether one of two originals is a repost of the other."""
    for x, y in ((a, b), (b, a)):
        m = verbatim_match(x, y, "", t, altered=False)
        if m is not None and m.kind == "repost":
            return True
    return False


def pair_evidence(
    suspect: Prepared,
    source: Prepared,
    pairs: Sequence[Pair],
    elsewhere: frozenset[int] = frozenset(),
) -> tuple[tuple[Evidence, ...], list[dict[str, Any]]]:
    """Aligned sentence pairs as evidence spans in the texts as given, and the facts that
    differ inside them (:mod:`xigao.altered`: numbers, ordinals, names, places, bodies,
    opposites, negations), each said in words from what the two texts write; but for the
    suspect's sentences ``elsewhere``, which another source states more alike: a sentence of
    a stitched story taken from the other report, paired here with the nearest sentence of
    this one, changed no fact of it (black-box review 11: 前5个月营业收入…增长30.5% paired with
    the other month's 成本同比减少1.39元 read as 减少→增长)."""
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None
    evidence = []
    altered: list[dict[str, Any]] = []
    for p in pairs:
        s_span = a.spans[p.suspect]
        o_span = (b.spans[p.source[0]][0], b.spans[p.source[-1]][1])
        ev = Evidence(
            "verbatim" if p.verbatim else "paraphrase",
            suspect.norm.raw_span(*s_span),
            source.norm.raw_span(*o_span),
            p.similarity,
            p.conflict,
        )
        evidence.append(ev)
        if not p.verbatim and p.suspect not in elsewhere:
            s_text = suspect.norm.text[s_span[0] : s_span[1]]
            o_text = source.norm.text[o_span[0] : o_span[1]]
            for alt in find_altered(s_text, o_text, suspect_doc=a, source_doc=b):
                where = (ev.suspect, ev.source)
                at = (s_span[0], o_span[0])
                altered.append(altered_entry(alt, suspect.norm, source.norm, at, where))
    return tuple(evidence), altered


def rewrite_match(
    suspect: Prepared, source: Prepared, source_id: str, t: Thresholds
) -> tuple[Match | None, RewriteStats]:
    """Paraphrase reuse of ``source`` in ``suspect``; both must have sentences embedded."""
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None, "embed sentences before rewrite_match"
    pairs = align(a, b, threshold=t.sentence_threshold, weight=t.blend_weight)
    if not pairs or not a.total or not b.total:
        return None, RewriteStats(0.0, 0.0, 0.0, 0.0)
    # Pairs whose numbers disagree share a template, not content: they are kept as evidence
    # (with the altered numbers) but do not count towards the shares.
    agreeing = [p for p in pairs if not p.conflict]
    if not agreeing:
        return None, RewriteStats(0.0, 0.0, 0.0, 0.0, conflicts=1.0)
    aligned = sum(int(a.weights[p.suspect]) for p in agreeing)
    every = sum(int(a.weights[p.suspect]) for p in pairs)
    covered = {j for p in agreeing for j in p.source}
    stats = RewriteStats(
        containment=aligned / a.total,
        coverage=sum(int(b.weights[j]) for j in covered) / b.total,
        verbatim_share=sum(int(a.weights[p.suspect]) for p in agreeing if p.verbatim) / aligned,
        similarity=sum(p.similarity * int(a.weights[p.suspect]) for p in agreeing) / aligned,
        sentences=frozenset(p.suspect for p in agreeing),
        conflicts=(every - aligned) / every if every else 0.0,
    )
    kind: MatchKind | None = rewrite_kind(
        aligned=aligned,
        containment=stats.containment,
        coverage=stats.coverage,
        verbatim_share=stats.verbatim_share,
        t=t,
        similarity=stats.similarity,
        conflicts=stats.conflicts,
    )
    if kind is None:
        return None, stats
    # the proper nouns are tagged only now, for the few pairs that pass all else
    sources = sorted({j for p in pairs for j in p.source})
    stats = replace(stats, entities=entity_recall([b.texts[j] for j in sources], a.content()))
    if stats.entities < t.rewrite_min_entities:
        return None, stats
    evidence, altered = pair_evidence(suspect, source, pairs)
    match = Match(
        source_id=source_id,
        kind=kind,
        score=stats.score,
        containment=stats.containment,
        coverage=stats.coverage,
        evidence=evidence,
        details={
            "similarity": round(stats.similarity, 4),
            "verbatim_share": round(stats.verbatim_share, 4),
            "entities": round(stats.entities, 4),
            "conflicts": round(stats.conflicts, 4),
            "altered": altered,
        },
    )
    return match, stats


@dataclass(frozen=True, slots=True)
class WashStats:
    """The evidence for and against a wash (洗稿) of one original, as measures in [0, 1].

    Long originals (a chapter holding the washed passage) are measured over their *window*:
    the run of sentences, about as long as 1.5 times the suspect, that shares the most facts
    with it; shorter originals over all their sentences.
    """

    #: share of the window's fact mass (IDF² of its character bigrams) the suspect restates
    recall: float
    #: share of the suspect's fact mass that the window holds
    precision: float
    #: share of the suspect's sentences (by characters) re-expressing window sentences (each
    #: aligned to its most similar original sentence or two, in any order: character-bigram
    #: Dice, blended with the sentence vectors' cosine when ``wash_blend`` > 0)
    containment: float
    #: share of the window's sentences (by characters) re-expressed in the suspect
    coverage: float
    #: mean similarity of the aligned pairs
    similarity: float
    #: containment and coverage by character-bigram Dice alone at ``sentence_threshold`` (a
    #: light synonym spin keeps most bigrams; a restructured sentence few)
    dice_containment: float
    dice_coverage: float
    #: share of the aligned suspect characters in pairs whose numbers, ordinals, quoted titles
    #: or people disagree (another day's figures in the same template; they count towards no
    #: share)
    conflicts: float
    #: share of the aligned suspect characters in verbatim sentences
    verbatim_share: float
    #: the window: a range of the original's sentences
    window: tuple[int, int]
    #: the aligned pairs (blended similarity), conflicting ones included
    pairs: tuple[Pair, ...] = ()
    #: share of the window's numbers and ordinals (values) the suspect states too (1 when
    #: the window states none): a wash keeps its original's figures and dates
    numbers_kept: float = 1.0
    #: share of the suspect's numbers and ordinals the window does not state (0 when the
    #: suspect states none): another day's report in the same series states other figures
    numbers_new: float = 0.0
    #: the facts shared, as a sum of IDF² (how much evidence, not what share of it; see
    #: :class:`FactShares`)
    mass: float = 0.0
    #: content characters of the suspect aligned (agreeing pairs)
    aligned_chars: int = 0
    #: the run of the suspect's sentences measured, where a long suspect is measured over the
    #: scene it retells (:func:`scene_of`); None: the whole suspect (but ``skip``)
    scene: tuple[int, int] | None = None

    @property
    def cosine(self) -> float:
        """IDF-weighted cosine of the suspect's and the window's bigrams."""
        return float(np.sqrt(self.recall * self.precision))

    @property
    def aligned(self) -> frozenset[int]:
        """The suspect's sentences aligned (agreeing pairs)."""
        return frozenset(p.suspect for p in self.pairs if not p.conflict)

    @property
    def retold(self) -> frozenset[int]:
        """The original's sentences the aligned ones re-express (agreeing pairs)."""
        return frozenset(j for p in self.pairs if not p.conflict for j in p.source)


def fact_window(source: Sentences, mass: np.ndarray, budget: int) -> tuple[int, int]:
    """The run of ``source``'s sentences with at most ``budget`` content characters (at least
    one sentence) that holds the most of ``mass`` (per sentence): where a washed passage of a
    long chapter lies.

    >>> from xigao.paraphrase import Sentences
    >>> s = Sentences(((0, 1),) * 4, ("", "", "", ""), np.array([10, 10, 10, 10]), np.zeros((4, 1), np.float32), ())
    >>> fact_window(s, np.array([1.0, 0.0, 5.0, 4.0]), 20)
    (2, 4)
    """
    n = len(source)
    if n == 0:
        return (0, 0)
    w = source.weights
    cw = np.concatenate([[0], np.cumsum(w)])
    cm = np.concatenate([[0.0], np.cumsum(mass)])
    # for each start, the furthest end within budget (at least one sentence)
    ends = np.searchsorted(cw, cw[:-1] + budget, side="right") - 1
    ends = np.maximum(ends, np.arange(1, n + 1))
    gain = cm[ends] - cm[:-1]
    start = int(np.argmax(gain))
    return (start, int(ends[start]))


def scene_of(
    suspect: Prepared, source: Prepared, terms: TermWeights, budgets: Sequence[int]
) -> list[tuple[int, int]]:
    """Where a scene of ``source`` lies in a long ``suspect`` (both with sentences split), for
    each of ``budgets``: the run of the suspect's sentences with at most that many content
    characters that holds the most of the facts (IDF² of character bigrams,
    :func:`fact_shares`) it shares with ``source``. A web-novel chapter retells a scene of a
    classic in a page of its own prose; its facts gather there, while what the rest shares
    with the source is strewn over it."""
    a = suspect.sents
    assert a is not None, "split sentences before scene_of"
    theirs = term_keys(source.norm.key().chars)
    grams = a.grams()
    keys = hash_codes(grams.codes)
    hit = np.isin(keys, theirs)
    weights = terms.idf(keys[hit]).astype(np.float64) ** 2
    mass = np.bincount(grams.rows[hit], weights=weights, minlength=len(a))
    return [fact_window(a, mass, budget) for budget in budgets]


@dataclass(frozen=True, slots=True)
class FactShares:
    """The facts (IDF-weighted character bigrams) a suspect and one original share, measured
    over the original's window (see :class:`WashStats`)."""

    recall: float
    precision: float
    window: tuple[int, int]
    #: the shared facts' IDF² sum, each IDF over the most a term weighs in the index (so the
    #: sum reads alike in indexes of 700 and 40,000 originals: a term in one original adds 1)
    mass: float = 0.0
    #: the shared facts themselves (bigram keys, sorted) and the suspect's whole fact mass
    #: (see :func:`own_facts`)
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint32), compare=False)
    whole: float = 0.0

    @property
    def cosine(self) -> float:
        return float(np.sqrt(self.recall * self.precision))


def own_facts(facts: Sequence[FactShares], terms: TermWeights) -> np.ndarray:
    """``own[i, j]``: the share of the suspect's fact mass that original ``i`` explains and
    original ``j`` does not (all measured for one suspect). A second source of a stitched
    story explains facts of its own; another report in a formulaic series only the template's.

    >>> from xigao.terms import Terms
    >>> terms = Terms.of([1, 2, 3], ["甲乙丙", "丁戊己", "庚辛壬"])
    >>> keys = lambda *k: np.array(sorted(k), np.uint32)
    >>> f = [FactShares(0, 0, (0, 1), 0, keys(1, 2), 4.0), FactShares(0, 0, (0, 1), 0, keys(2, 3), 4.0)]
    >>> own_facts(f, terms).round(2).tolist()  # each term weighs log(4)² = 1.92
    [[0.0, 0.48], [0.48, 0.0]]
    """
    n = len(facts)
    if not n:
        return np.zeros((0, 0))
    union = np.unique(np.concatenate([f.keys for f in facts]))
    member = np.zeros((n, len(union)), dtype=np.float64)
    for i, f in enumerate(facts):
        member[i, np.searchsorted(union, f.keys)] = 1.0
    weighted = member * (terms.idf(union).astype(np.float64) ** 2)
    shared = weighted @ member.T  # shared[i, j]: mass of i's facts j holds too
    whole = np.array([f.whole or np.inf for f in facts])
    return (np.diag(shared)[:, None] - shared) / whole[:, None]


def cosources(facts: Sequence[FactShares], terms: TermWeights, share: float) -> np.ndarray:
    """``co[i, j]``: originals ``i`` and ``j`` each explain ``share`` of the suspect's fact mass
    that the other does not (:func:`own_facts`): two sources of a stitched story, neither the
    other's rival. None from a share of 1 (two originals cannot each hold all of the facts
    the other lacks), which is not computed.

    >>> from xigao.terms import Terms
    >>> terms = Terms.of([1, 2, 3], ["甲乙丙", "丁戊己", "庚辛壬"])
    >>> keys = lambda *k: np.array(sorted(k), np.uint32)
    >>> f = [FactShares(0, 0, (0, 1), 0, keys(1, 2), 4.0), FactShares(0, 0, (0, 1), 0, keys(2, 3), 4.0)]
    >>> cosources(f, terms, 0.4).tolist(), cosources(f, terms, 1.0).tolist()
    ([[False, True], [True, False]], [[False, False], [False, False]])
    """
    if share >= 1.0:
        return np.zeros((len(facts), len(facts)), dtype=bool)
    own = own_facts(facts, terms)
    return np.minimum(own, own.T) >= share


def _kept(a: Sentences, skip: frozenset[int]) -> np.ndarray:
    kept = np.ones(len(a), dtype=bool)
    kept[list(skip)] = False
    return kept


def suspect_facts(
    suspect: Prepared, terms: TermWeights, skip: frozenset[int] = frozenset()
) -> tuple[U32, float]:
    """The facts ``suspect`` (but its sentences ``skip``) states: its character bigrams'
    keys (sorted, unique) and their IDF² mass (see :func:`fact_shares`)."""
    a = suspect.sents
    assert a is not None, "split sentences before suspect_facts"
    if skip:
        sg = a.grams()
        q = np.unique(hash_codes(sg.codes[_kept(a, skip)[sg.rows]]))
    else:
        q = term_keys(suspect.norm.key().chars)
    return q, float((terms.idf(q).astype(np.float64) ** 2).sum())


def fact_shares(
    suspect: Prepared,
    source: Prepared,
    terms: TermWeights,
    t: Thresholds,
    *,
    skip: frozenset[int] = frozenset(),
    query: tuple[U32, float] | None = None,
) -> FactShares:
    """The facts ``suspect`` (but its sentences ``skip``) shares with ``source`` (both with
    sentences split); ``terms`` weighs each bigram by how rare it is among the indexed
    originals. A long original is measured over its window: the run of its sentences, as long
    as ``wash_window`` times the suspect, that holds the most of the suspect's facts.
    ``query``: the suspect's :func:`suspect_facts` (with the same ``skip``), when the caller
    measures it against many originals."""
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None, "split sentences before fact_shares"
    total = int(a.weights[_kept(a, skip)].sum())
    if not len(b) or not total or not b.total:
        return FactShares(0.0, 0.0, (0, len(b)))
    q, ours = query if query is not None else suspect_facts(suspect, terms, skip)
    # each original sentence's share of the facts the suspect states, to place the window
    grams = b.grams()
    # each distinct bigram weighed and looked up once (sorted: the IDF lookups run in order)
    keys, inv = np.unique(hash_codes(grams.codes), return_inverse=True)
    weights = terms.idf(keys).astype(np.float64) ** 2
    stated = np.isin(keys, q, assume_unique=True)
    hit = stated[inv]
    mass = np.bincount(grams.rows[hit], weights=weights[inv][hit], minlength=len(b))
    window = (0, len(b))
    budget = max(t.wash_window * total, t.wash_window_min)
    if b.total > budget:
        window = fact_window(b, mass, int(budget))
    lo, hi = window
    present = np.zeros(len(keys), dtype=bool)
    present[inv[(grams.rows >= lo) & (grams.rows < hi)]] = True
    wkeys, wweight, known = keys[present], weights[present], stated[present]
    shared = float(wweight[known].sum())
    whole = float(wweight.sum())
    return FactShares(
        shared / whole if whole else 0.0,
        shared / ours if ours else 0.0,
        window,
        shared / terms.top_idf() ** 2,
        wkeys[known],
        ours,
    )


def wash_stats(
    suspect: Prepared,
    source: Prepared,
    facts: FactShares,
    t: Thresholds,
    *,
    skip: frozenset[int] = frozenset(),
    gate: bool | None = None,
    head: np.ndarray | None = None,
    people: bool = True,
) -> WashStats:
    """Measure how far ``suspect`` (but its sentences ``skip``, those another original
    explains when it stitches two) re-expresses ``source``, given their :func:`fact_shares`.

    Only an original sharing enough facts (a fact cosine of ``wash_min_cosine``; no wash of the
    fitting sets shares fewer), or one the caller lets through (``gate``), has its
    sentences aligned: ``source`` must then carry sentence vectors when ``wash_blend`` > 0.
    The others keep their fact shares alone. ``head``: the paraphrase head the sentence
    vectors pass through, and ``people``: whether pairs naming other people conflict (not in
    fiction, where a copy renames them; :func:`xigao.paraphrase.align`, which reads a line of
    dialogue there without its speech tag). In fiction an original sentence is taken as
    re-expressed in one place of the suspect (:func:`xigao.paraphrase.sole_partners`).
    """
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None, "split sentences before wash_stats"
    lo, hi = facts.window
    shares = WashStats(
        facts.recall, facts.precision, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, facts.window,
        numbers_kept=0.0, mass=facts.mass,
    )  # fmt: skip
    kept = _kept(a, skip)
    total = int(a.weights[kept].sum())
    if gate is None:
        gate = facts.cosine >= t.wash_min_cosine
    if not gate or not total or hi <= lo:
        return shares
    in_window = float(b.weights[lo:hi].sum())
    pairs = [
        p
        for p in align(
            a, b, threshold=t.wash_sentence_threshold, weight=t.wash_blend, head=head, people=people
        )
        if kept[p.suspect]
    ]
    if not people:  # fiction: stock lines of dialogue are the likest of many
        pairs = sole_partners(pairs, b.keys)
    agreeing = [p for p in pairs if not p.conflict]
    aligned = sum(int(a.weights[p.suspect]) for p in agreeing)
    covered = {j for p in agreeing for j in p.source if lo <= j < hi}
    dice = [
        p
        for p in align(a, b, threshold=t.sentence_threshold, weight=0.0, people=people)
        if kept[p.suspect] and not p.conflict
    ]
    dice_covered = {j for p in dice for j in p.source if lo <= j < hi}
    every = sum(int(a.weights[p.suspect]) for p in pairs)
    ours = frozenset().union(*(a.numbers[i] | a.ordinals[i] for i in range(len(a)) if kept[i]))
    theirs = frozenset().union(*b.numbers[lo:hi], *b.ordinals[lo:hi])
    # a figure one side writes as a one-character numeral (前七个月) is kept, not new
    ours_loose = frozenset().union(*(a.loose(i) for i in range(len(a)) if kept[i]))
    theirs_loose = frozenset().union(*(b.loose(j) for j in range(lo, hi)))
    return replace(
        shares,
        containment=aligned / total,
        coverage=sum(int(b.weights[j]) for j in covered) / in_window,
        similarity=(
            sum(p.similarity * int(a.weights[p.suspect]) for p in agreeing) / aligned
            if aligned
            else 0.0
        ),
        dice_containment=sum(int(a.weights[p.suspect]) for p in dice) / total,
        dice_coverage=sum(int(b.weights[j]) for j in dice_covered) / in_window,
        conflicts=(every - aligned) / every if every else 0.0,
        verbatim_share=(
            sum(int(a.weights[p.suspect]) for p in agreeing if p.verbatim) / aligned
            if aligned
            else 0.0
        ),
        pairs=tuple(pairs),
        numbers_kept=len(theirs & (ours | ours_loose)) / len(theirs) if theirs else 1.0,
        numbers_new=len(ours - theirs - theirs_loose) / len(ours) if ours else 0.0,
        aligned_chars=aligned,
    )


def wash_features(stats: WashStats, rival: float, *, numbers: bool = True) -> dict[str, float]:
    """The measures the wash score weighs (``verdict.WASH_FEATURES``), given the fact cosine
    of the strongest rival original (0 when there is none). Without ``numbers`` (fiction,
    where a retelling's 三天三夜 is no fact of another story) the numbers weigh as if neither
    side stated any."""
    kept, new = (stats.numbers_kept, stats.numbers_new) if numbers else (1.0, 0.0)
    return {
        "recall": stats.recall,
        "precision": stats.precision,
        "containment": stats.containment,
        "coverage": stats.coverage,
        "similarity": stats.similarity,
        "dice_containment": stats.dice_containment,
        "dice_coverage": stats.dice_coverage,
        "conflicts": stats.conflicts,
        "margin": stats.cosine - rival,
        "ratio": min(5.0, stats.cosine / max(rival, 1e-3)),
        "numbers_kept": kept,
        "numbers_new": new,
        "evidence": math.log1p(stats.aligned_chars) / math.log(1000.0),
        "mass": math.log1p(stats.mass) / math.log(1000.0),
    }


def explain_wash(
    stats: WashStats,
    features: Mapping[str, float],
    score: float,
    t: Thresholds,
    *,
    second: bool = False,
    residual: bool = False,
    aligned_or: str = "",
    altered: int = 0,
    scene: tuple[int, int] | None = None,
    grafted: bool = False,
    short: str = "",
) -> str:
    """Why a candidate is, or is not, a rewrite, in words an analyst can check (``second``: it
    is one as the second source of a stitched story, see ``verdict.wash_sources``;
    ``residual``: measured on the part of the suspect the other sources leave, see
    ``verify.Verifier.residual_sources``; ``aligned_or``: what else makes enough of the
    suspect aligned, see ``verify.wash_pair``; ``altered``: how many altered facts the match
    lists; ``scene``: the characters of the suspect its scene spans, where it was measured
    over a scene of a long suspect, see ``verify.Verifier.scenes``; ``grafted``: the suspect
    has other sources too; ``short``: why it falls short though its score does not, see
    ``verify.scene_short``).

    >>> st = WashStats(0.4, 0.3, 0.27, 0.5, 0.6, 0.2, 0.4, 0.0, 0.0, (0, 9))
    >>> explain_wash(st, {"margin": 0.1}, 0.31, Thresholds(wash_threshold=0.62))
    '27% of the suspect re-expresses 50% of the original; 40% of its facts restated; fact similarity 0.35, 0.10 above the next original; wash score 0.31, below the rewrite threshold 0.62'
    >>> explain_wash(st, {}, 0.6546, Thresholds(wash_threshold=0.6549)).split("; ")[-1]
    'wash score 0.6546, below the rewrite threshold 0.6549'
    >>> explain_wash(replace(st, conflicts=0.43), {}, 0.6, Thresholds(wash_threshold=0.62), altered=5).split("; ")[-1]
    '43% of the sentences that read alike state other figures or names (5 altered facts listed, their evidence says conflict), and are not counted as re-expressing it: a wash that changed its facts, or another report on the same template'
    >>> explain_wash(replace(st, conflicts=0.32), {}, 0.8, Thresholds(wash_threshold=0.62)).split("; ")[-1]
    '32% of the sentences that read alike write figures or names otherwise (their evidence says conflict), none of them an altered fact (a short form, a figure written another way), and are not counted as re-expressing it'
    >>> explain_wash(replace(st, containment=0.0), {}, 0.8, Thresholds(wash_threshold=0.62)).split("; ")[-1]
    'wash score 0.80, at or above the rewrite threshold 0.62, but a rewrite needs 15% of the suspect aligned'
    >>> explain_wash(st, {"margin": 0.1}, 0.5, Thresholds(wash_residual_threshold=0.3), residual=True)
    'of the part of the suspect the other sources leave, 27% re-expresses 50% of the original; 40% of its facts restated; fact similarity 0.35, 0.10 above the next original; wash score there 0.50, at or above 0.30 for a further source: it explains a part of the suspect no other source does'
    >>> explain_wash(st, {"margin": 0.1, "ratio": 1.4}, 0.1, Thresholds(wash_residual_threshold=0.3, wash_residual_cosine=0.3), residual=True).split("; ")[-1]
    "wash score there 0.10, but its facts stand out there, 1.4 times as much as the next original's and at or above 0.30, for a further source: it explains a part of the suspect no other source does"
    >>> explain_wash(st, {"margin": 0.1}, 0.8, Thresholds(wash_threshold=0.5), scene=(1200, 2300)).split(";")[0]
    'of the scene at characters 1200-2300 of the suspect, 27% re-expresses 50% of the original'
    """
    side = "at or above" if score >= t.wash_threshold else "below"
    if scene is not None:
        part = (
            f"of the scene at characters {scene[0]}-{scene[1]} of the suspect, "
            f"{stats.containment:.0%} re-expresses"
        )
    elif residual:
        part = (
            f"of the part of the suspect the other sources leave, {stats.containment:.0%} "
            "re-expresses"
        )
    else:
        part = f"{stats.containment:.0%} of the suspect re-expresses"
    why = (
        f"{part} {stats.coverage:.0%} of the "
        f"original; {stats.recall:.0%} of its facts restated; fact similarity "
        f"{stats.cosine:.2f}, {_lead(stats.cosine, features.get('margin', 0.0))}; "
    )
    if residual and score >= t.wash_residual_threshold:
        return why + (
            f"wash score there {score:.2f}, at or above {t.wash_residual_threshold:.2f} for a "
            "further source: it explains a part of the suspect no other source does"
        )
    if residual:
        ratio = features.get("ratio", 0.0)
        floor = standing_floor(stats.cosine, ratio, t) or t.wash_residual_cosine
        return why + (
            f"wash score there {score:.2f}, but its facts stand out there, "
            f"{ratio:.1f} times as much as the next original's and at or "
            f"above {floor:.2f}, for a further source: it explains a part of the "
            "suspect no other source does"
        )
    shown, cut = _apart(score, t.wash_threshold)
    why += f"wash score {shown}, {side} the rewrite threshold {cut}"
    if second:
        why += (
            f", at or above {t.wash_cosource_threshold:.2f} for a second source: it explains a "
            "part of the suspect no other source does"
        )
    joint = "but" if score >= t.wash_threshold else "and"  # a second shortfall, or the only one
    if short:
        why += f", {joint} {short}"
    elif stats.containment < t.wash_min_containment:
        why += f", {joint} a rewrite needs {t.wash_min_containment:.0%} of the suspect aligned"
        why += f", or {aligned_or}" if aligned_or else ""
    elif stats.verbatim_share >= 0.5:
        why += f", {joint} what aligns is mostly verbatim (a copy, not a rewrite)"
    if stats.conflicts >= CONFLICTS_SAID:
        # why less re-expresses it than reads alike: another report's template, or a wash
        # that changed its facts (the match's altered facts say which); a rewrite says so too,
        # or its share reads short of the evidence shown (review 9)
        # a story stitched from several: most often a sentence of another of its sources
        # (black-box review 11: the reason read as an accusation no altered fact bore out)
        other = ", a sentence of another source of this story" if grafted else ""
        if altered:
            listed = f" ({altered} altered fact{'s' if altered > 1 else ''} listed, {_MARKED})"
            why += (
                f"; {stats.conflicts:.0%} of the sentences that read alike state other figures "
                f"or names{listed}, and are not counted as re-expressing it: a wash that "
                f"changed its facts{other}, or another report on the same template"
            )
        else:  # (black-box review 13: 哥大 for 哥伦比亚大学 read as another name, none listed)
            why += (
                f"; {stats.conflicts:.0%} of the sentences that read alike write figures or "
                f"names otherwise ({_MARKED}), none of them an altered fact (a short form, a "
                "figure written another way), and are not counted as re-expressing it"
                f"{': a sentence of another source of this story' if grafted else ''}"
            )
    return why


#: Where a reason's sentences that read alike but state other figures are shown (black-box
#: review 15: the result did not say which they were).
_MARKED = "their evidence says conflict"


def _lead(cosine: float, margin: float) -> str:
    """The lead of an original's fact similarity over the next original's, in words: none to
    lead where no other original shares its facts (a pair compared alone)."""
    if margin >= cosine:
        return "no other original shares its facts"
    if margin < 0:
        return f"{-margin:.2f} below the next original"
    return f"{margin:.2f} above the next original"


#: The share of a match's sentences read alike but stating other facts (``conflicts``) from
#: which its reason says so.
CONFLICTS_SAID = 0.1


def _apart(x: float, y: float) -> tuple[str, str]:
    """``x`` and ``y`` with two decimals, or as many more (up to four) as they need to read
    apart: a score of 0.6546 is not "0.65, below the rewrite threshold 0.65".

    >>> _apart(0.6546, 0.6549), _apart(0.31, 0.62), _apart(0.5, 0.5)
    (('0.6546', '0.6549'), ('0.31', '0.62'), ('0.50', '0.50'))
    """
    a, b = f"{x:.2f}", f"{y:.2f}"
    for digits in (3, 4):
        if a != b or x == y:
            break
        a, b = f"{x:.{digits}f}", f"{y:.{digits}f}"
    return a, b


def wash_match(
    suspect: Prepared,
    source: Prepared,
    source_id: str,
    stats: WashStats,
    features: Mapping[str, float],
    score: float,
    t: Thresholds,
    *,
    second: bool = False,
    residual: bool = False,
    names: bool = True,
    grafted: bool = False,
    aligned_or: str = "",
    elsewhere: frozenset[int] = frozenset(),
    stitched: bool = False,
    short: str = "",
) -> Match:
    """A candidate's wash measures as a rewrite :class:`Match` with its evidence (a near miss
    is reported from it by :func:`near_miss`); ``second``: found as a second source;
    ``residual``: measured on the part of the suspect the other sources leave; ``names``: read
    the ``name_map`` of a renamed copy (:func:`xigao.names.name_map`; ``grafted``: the
    suspect has other sources too); ``aligned_or``: as :func:`explain_wash` takes it;
    ``elsewhere``: the suspect's sentences another source found states more alike, whose
    pairs here list no altered fact (:func:`pair_evidence`); ``stitched``: other sources
    of the suspect are reported too, of any kind (its reason says so); ``short``: as
    :func:`explain_wash` takes it."""
    assert source.sents is not None and suspect.sents is not None
    evidence, altered = pair_evidence(suspect, source, stats.pairs, elsewhere)
    renamed = renames(suspect, source, stats, grafted=grafted) if names else {}
    if renamed:  # (a renamed copy: its people and places are its name map's, not facts)
        altered = unrenamed(altered, renamed)
    lo, hi = stats.window
    # the share of the whole suspect its aligned sentences make: a source of a stitched story
    # is measured (and scored) on the part the other sources leave, but reported as what it is
    # of the suspect, as every match's containment is
    # and the share of the whole original its aligned sentences re-express: a window of a
    # chapter is what the wash score weighs, but 66% of a window is not 66% of the chapter
    # (black-box review 10, finding 5)
    b = source.sents
    of_original = sum(int(b.weights[j]) for j in stats.retold) / max(b.total, 1)
    whole = replace(
        stats,
        containment=stats.aligned_chars / max(suspect.sents.total, 1),
        coverage=of_original,
    )
    scene = None
    if stats.scene is not None:  # measured over a scene of a long suspect, and said so
        first, last = stats.scene
        spans = suspect.sents.spans
        scene = suspect.norm.raw_span(spans[first][0], spans[last - 1][1])
    details: dict[str, Any] = {
        "wash_score": round(score, 4),
        "similarity": round(stats.similarity, 4),
        "verbatim_share": round(stats.verbatim_share, 4),
        "conflicts": round(stats.conflicts, 4),
        "facts": {
            "recall": round(stats.recall, 4),
            "precision": round(stats.precision, 4),
            "margin": round(float(features.get("margin", 0.0)), 4),
        },
        "altered": altered,
        "reason": explain_wash(
            replace(stats, coverage=whole.coverage) if residual or scene else whole,
            features,
            score,
            t,
            second=second,
            residual=residual,
            aligned_or=aligned_or,
            altered=len({a["text"] for a in altered}),
            scene=scene,
            grafted=grafted or stitched,
            short=short,
        ),
    }
    if scene is not None:
        details["scene"] = list(scene)
    if renamed:  # read only for what is reported: it tags every aligned sentence's names
        details["name_map"] = renamed
    if (lo, hi) != (0, len(source.sents)) and hi > lo:
        details["window"] = list(
            source.norm.raw_span(source.sents.spans[lo][0], source.sents.spans[hi - 1][1])
        )
    return Match(
        source_id=source_id,
        kind="rewrite",
        score=(whole.containment + whole.coverage) / 2,
        containment=whole.containment,
        coverage=whole.coverage,
        evidence=evidence,
        details=details,
    )


def renames(
    suspect: Prepared, source: Prepared, stats: WashStats, *, grafted: bool = False
) -> dict[str, str]:
    """The people and places ``suspect`` renamed from ``source``, read from the sentence
    pairs of ``stats`` (:func:`xigao.names.name_map`), as the two texts write them. Only the
    sentences near the pairs are read (as for a grafted scene) when the suspect has other
    sources (``grafted``), or when the pairs lie in one part of it, under half of it from the
    first to the last: a copied scene in a chapter of other prose (black-box review 10, whose
    chapter's prose was read as renames of the source's people outside the scene)."""
    a = suspect.sents
    if a is None or source.sents is None or not stats.pairs:
        return {}
    first = min(p.suspect for p in stats.pairs)
    last = max(p.suspect for p in stats.pairs)
    part = int(a.weights[first : last + 1].sum()) < a.total / 2
    # a scene of a long chapter is read for renames inside it: the chapter's own prose around
    # it names other people (black-box review 12: 鲁迅 → 松枝, a word of the prose before it)
    renamed = name_map(a, source.sents, stats.pairs, grafted=grafted or part, within=stats.scene)
    return as_written(renamed, suspect.norm, source.norm) if renamed else {}


def figures_stated(sents: Sentences) -> dict[float, list[int]]:
    """The figures ``sents`` state in digits (quantities other than dates, times of day and
    whole numbers up to 12, which many reports state alike; numerals in words are mostly
    names: 十四五, 十九大), each with the sentences stating it."""
    out: dict[float, list[int]] = {}
    for i, text in enumerate(sents.texts):
        for v in figures_in(text):
            out.setdefault(v, []).append(i)
    return out


def figures_in(text: str) -> set[float]:
    """The figures ``text`` states in digits, as :func:`figures_stated` reads them.

    >>> sorted(figures_in("2021年前10个月，进出口31.67万亿元，增长22.2%，十四五开局，第15届"))
    [22.2, 31670000000000.0]
    """
    return {
        v
        for v, lo, _ in figure_spans(text)
        if text[lo].isdigit() and not (v == int(v) and 0 <= v <= 12) and text[lo - 1 : lo] != "第"
    }


def figure_match(
    suspect: Prepared, source: Prepared, source_id: str, figures: frozenset[float]
) -> Match:
    """A further source found by the ``figures`` of the suspect it states that no other
    source found does (``verdict.figure_sources``), as a rewrite :class:`Match`: each suspect
    sentence stating some of them beside the original's sentence stating the most of those,
    and a reason naming the figures as the suspect writes them."""
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None
    ours, theirs = figures_stated(a), figures_stated(b)
    at: dict[int, set[float]] = {}
    for v in figures:
        for i in ours.get(v, []):
            at.setdefault(i, set()).add(v)
    evidence = []
    retold: set[int] = set()
    for i in sorted(at):
        held = Counter(j for v in at[i] for j in theirs.get(v, []))
        j = min(held, key=lambda j: (-held[j], j))
        dice = float(dice_matrix([bigram_set(a.keys[i])], [bigram_set(b.keys[j])])[0, 0])
        evidence.append(
            Evidence(
                "paraphrase",
                suspect.norm.raw_span(*a.spans[i]),
                source.norm.raw_span(*b.spans[j]),
                dice,
            )
        )
        retold.add(j)
    containment = sum(int(a.weights[i]) for i in at) / max(a.total, 1)
    coverage = sum(int(b.weights[j]) for j in retold) / max(b.total, 1)
    written = []
    for i in sorted(at):
        text = a.texts[i]
        for v, lo, hi in figure_spans(text):
            if v in at[i] and text[lo:hi] not in written:
                written.append(text[lo:hi])
    shown = "、".join(written[:8]) + ("…" if len(written) > 8 else "")
    reason = (
        f"{len(figures)} figures of the suspect that no other source found states are this "
        f"original's ({shown}), in {len(at)} sentence{'s' if len(at) > 1 else ''} of the suspect: "
        "a further source of a story "
        "stitched from several, whose figures are woven into sentences retelling another"
    )
    return Match(
        source_id=source_id,
        kind="rewrite",
        score=(containment + coverage) / 2,
        containment=containment,
        coverage=coverage,
        evidence=tuple(evidence),
        details={"reason": reason, "figures": written},
    )


def copy_ratio(suspect: Prepared, matches: Sequence[Match]) -> float:
    """Share of the suspect's content characters inside the evidence of any match, verbatim or
    paraphrased (CNKI's 总文字复制比): a story stitched from three sources reads as mostly
    copied even when no single source dominates."""
    key = suspect.norm.key()
    if not key.chars or not matches:
        return 0.0
    raw = suspect.norm.starts[key.pos]
    covered = np.zeros(len(raw), dtype=bool)
    for m in matches:
        for ev in m.evidence:
            lo, hi = ev.suspect
            covered[np.searchsorted(raw, lo) : np.searchsorted(raw, hi)] = True
    return float(covered.mean())


def near_miss(m: Match) -> dict[str, Any]:
    """The closest original of a suspect called original, as reported in ``near_miss``."""
    d = m.to_dict()
    d.pop("kind", None)
    return d


def rewrite_near_miss(
    suspect: Prepared, source: Prepared, source_id: str, stats: RewriteStats, t: Thresholds
) -> Match:
    """A pair's sentence alignment that falls short of a rewrite, with its evidence and the
    reason in words (``compare``, which has no index to weigh facts against)."""
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None
    pairs = align(a, b, threshold=t.sentence_threshold, weight=t.blend_weight)
    evidence, altered = pair_evidence(suspect, source, pairs)
    short = []
    if stats.containment < t.rewrite_containment:
        short.append(
            f"{stats.containment:.0%} of the suspect (a rewrite needs {t.rewrite_containment:.0%})"
        )
    if stats.coverage < t.rewrite_coverage:
        short.append(
            f"{stats.coverage:.0%} of the original (a rewrite needs {t.rewrite_coverage:.0%})"
        )
    if stats.conflicts > t.rewrite_max_conflicts:
        short.append(f"{stats.conflicts:.0%} of the aligned text states other facts")
    aligned = round(stats.containment * a.total)
    if aligned < t.rewrite_min_chars:
        short.append(f"{aligned} aligned characters (a rewrite needs {t.rewrite_min_chars})")
    if stats.verbatim_share >= 0.5:
        short.append("the aligned sentences are mostly verbatim (a copy, not a rewrite)")
    if stats.entities < t.rewrite_min_entities:
        short.append(f"{stats.entities:.0%} of the original's rare names kept")
    reason = (
        f"{len(stats.sentences)} of {len(a)} suspect sentences re-express the original; "
        + "; ".join(short or ["below the rewrite thresholds"])
    )
    return Match(
        source_id=source_id,
        kind="rewrite",
        score=stats.score,
        containment=stats.containment,
        coverage=stats.coverage,
        evidence=evidence,
        details={"similarity": round(stats.similarity, 4), "altered": altered, "reason": reason},
    )
