"""Matching one suspect against one original: verbatim passages and paraphrased sentences.

``Prepared`` holds what a text needs for both (normalized text, seed hashes, and — only when
rewrites are detected — embedded sentences), so an original prepared once serves many checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from xigao.align import exact_runs, merge_runs
from xigao.normalize import Normalized, normalize, sentence_breaks
from xigao.paraphrase import (
    MIN_SENTENCE_KEY,
    Sentences,
    TextEncoder,
    align,
    altered_facts,
    embed_sentences,
    entity_recall,
)
from xigao.sketch import U64, codepoints, kgram_hashes
from xigao.types import Evidence, Match, MatchKind
from xigao.verdict import Thresholds, rewrite_kind, verbatim_kind


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text normalized once, with seed k-gram hashes and (lazily) embedded sentences."""

    norm: Normalized
    seeds: U64
    sents: Sentences | None = field(default=None, compare=False)
    _cache: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

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

    @classmethod
    def of(cls, text: str, t: Thresholds) -> Prepared:
        n = normalize(text)
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


def verbatim_match(
    suspect: Prepared, source: Prepared, source_id: str, t: Thresholds
) -> Match | None:
    """Verbatim reuse of ``source`` in ``suspect`` as a :class:`Match`, or None."""
    a, b = suspect.norm.key(), source.norm.key()
    if not a.chars or not b.chars:
        return None
    runs = exact_runs(
        a.chars,
        b.chars,
        k=t.seed_len,
        ha=suspect.seeds,
        hb=source.seeds,
    )
    passages = [
        p
        for p in merge_runs(runs, max_gap=t.max_gap, a=a.chars, b=b.chars)
        if p.length >= t.evidence_min_len
    ]
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
    # Copied sentences are made of exactly matched characters (but for 2%), so the sentence
    # share can only reach the repost threshold when the character shares nearly do.
    sentence_share = 0.0
    if coverage >= t.repost_coverage and containment >= t.repost_containment - 0.05:
        sentence_share = verbatim_sentence_share(suspect, source, covered_a, covered_b)
    longest = max(p.length for p in passages)
    # ``partial`` needs one exactly equal run that long: bridging a gap may join two halves of
    # a formula around a different name (中方愿同乌方… / 中方愿同越方…), which is not a copy.
    kept = [(p.a_start, p.a_end) for p in passages]
    exact_longest = max(
        (r.length for r in runs if any(s <= r.a_start and r.a_end <= e for s, e in kept)),
        default=0,
    )
    kind = verbatim_kind(containment=sentence_share, coverage=coverage, longest=exact_longest, t=t)
    if kind is None:
        return None
    evidence = tuple(
        Evidence(
            "verbatim",
            suspect.norm.raw_span(int(a.pos[p.a_start]), int(a.pos[p.a_end - 1]) + 1),
            source.norm.raw_span(int(b.pos[p.b_start]), int(b.pos[p.b_end - 1]) + 1),
            p.matched / p.length,
        )
        for p in passages
    )
    return Match(
        source_id=source_id,
        kind=kind,
        score=(containment + coverage) / 2,
        containment=containment,
        coverage=coverage,
        evidence=evidence,
        details={
            "longest_passage": longest,
            "longest_exact_run": exact_longest,
            "verbatim_sentences": round(sentence_share, 4),
        },
    )


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


def standout(stats: Sequence[RewriteStats], i: int, is_copy: Callable[[int, int], bool]) -> float:
    """How far candidate ``i``'s score stands above its strongest rival among ``stats``.

    A rival is another original aligned to at least half of the same suspect sentences that
    is not the same story as ``i``'s (``is_copy(i, j)``: one a repost of the other). A
    rewrite has one original far ahead of the rest; a report in a formulaic series (another
    visit, another reception) aligns about as well with several of the series.
    Two originals that each explain their own half of a suspect do not rival each other.
    """
    mine = stats[i].sentences
    rival = 0.0
    for j, other in enumerate(stats):
        if j == i or other.score <= rival or 2 * len(other.sentences & mine) < len(mine):
            continue
        if not is_copy(i, j):
            rival = other.score
    return stats[i].score - rival


def same_story(a: Prepared, b: Prepared, t: Thresholds) -> bool:
    """Whether one of two originals is a repost of the other."""
    for x, y in ((a, b), (b, a)):
        m = verbatim_match(x, y, "", t)
        if m is not None and m.kind == "repost":
            return True
    return False


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
    evidence = []
    altered = []
    for p in pairs:
        s_span = a.spans[p.suspect]
        o_span = (b.spans[p.source[0]][0], b.spans[p.source[-1]][1])
        ev = Evidence(
            "verbatim" if p.verbatim else "paraphrase",
            suspect.norm.raw_span(*s_span),
            source.norm.raw_span(*o_span),
            p.similarity,
        )
        evidence.append(ev)
        if not p.verbatim:
            s_text = suspect.norm.text[s_span[0] : s_span[1]]
            o_text = source.norm.text[o_span[0] : o_span[1]]
            for note in altered_facts(s_text, o_text):
                kind_, _, detail = note.partition(": ")
                altered.append(
                    {
                        "kind": kind_,
                        "suspect": list(ev.suspect),
                        "source": list(ev.source),
                        "detail": detail,
                    }
                )
    match = Match(
        source_id=source_id,
        kind=kind,
        score=stats.score,
        containment=stats.containment,
        coverage=stats.coverage,
        evidence=tuple(evidence),
        details={
            "similarity": round(stats.similarity, 4),
            "verbatim_share": round(stats.verbatim_share, 4),
            "entities": round(stats.entities, 4),
            "conflicts": round(stats.conflicts, 4),
            "altered": altered,
        },
    )
    return match, stats
