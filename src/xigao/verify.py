"""Alignment and verdict: what a check does with the originals retrieval found.

Each candidate is aligned with the suspect (verbatim passages; sentence by sentence and fact by
fact for a rewrite), measured against its rivals, and the matches are combined into the
verdict with their provenance (credit, direction, quotations). Both engines run this same
code: :meth:`xigao.Index.check` over the originals in its store, and the Spark engine
(:mod:`xigao.spark`) over the originals joined to each suspect's candidates. Nothing here
reads an index: the originals come from :class:`Originals` (documents by row id), the IDF of
facts from a :class:`TermWeights` (the whole term table, or the part of it a Spark task holds).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from xigao.align import union_length
from xigao.altered import another_subject, beside_renames
from xigao.detect import (
    FactShares,
    Prepared,
    WashStats,
    copy_match,
    copy_ratio,
    cosources,
    fact_shares,
    figure_match,
    figures_in,
    figures_stated,
    near_miss,
    renames,
    same_story,
    scene_of,
    suspect_facts,
    wash_features,
    wash_match,
    wash_stats,
)
from xigao.errors import InputError
from xigao.names import anchor_chain, names_kept
from xigao.normalize import Normalized
from xigao.paraphrase import TextEncoder
from xigao.provenance import (
    META_CREDITS,
    META_TIMES,
    Credit,
    credits,
    credits_passage,
    direction,
    is_credited,
    meta_time,
    quotation_spans,
)
from xigao.sketch import codepoints, kgram_hashes
from xigao.terms import Terms, TermWeights
from xigao.types import Document, Match, MatchKind, Result, lone_surrogate, whole_characters
from xigao.verdict import (
    Thresholds,
    WashCandidate,
    combine,
    figure_sources,
    further_sources,
    measured_share,
    wash_rewrite,
    wash_score,
    wash_sources,
)

#: The share of a verbatim passage's characters that are equal, from which it is copied word
#: for word (a passage bridging a light spin's swapped synonyms, or a typo every sentence or
#: two, holds 0.9 to 0.95)
EXACT = 0.99

#: The share of the suspect a rewrite of fiction needs aligned in a pair (``compare``), where
#: an index of fiction asks for ``wash_min_containment_fiction``. A check weighs the chapter
#: sharing the most facts against the next one; a pair has no next one, and another chapter of
#: the same novel (its people, another story) scores as high as a retelling. On the fit
#: batches' renamed passages against their chapter and on chapters against the one, two or six
#: before them (and the fan works and same-genre scenes against theirs), measured this way,
#: every pair of another story that reaches the fiction threshold aligns at most a fifth of the
#: suspect (0.204 the most, of 249), and 70 of the 80 retellings align 0.3 or more.
PAIR_FICTION_ALIGNED = 0.3
#: … unless what is aligned lies in one part of the suspect: a scene grafted from the chapter
#: into another story (融梗) is half the story, aligned in its half. The densest half of the
#: suspect (:func:`scene_share`) of a story of the fit batches 90-91 that reaches the fiction
#: threshold with under 30% aligned is 0.497-0.571 aligned for five of its fourteen pairs and
#: 0.403 or less for the others; of the 146 chapters against the six before them
#: (``benchmarks.compare_washes``), which all reach the threshold, 0.375 the most, then 0.276.
PAIR_FICTION_SCENE = 0.45

#: The lengths (content characters) of the scene a long suspect of fiction is measured over
#: too (:meth:`Verifier.scenes`): a retold scene of a page or two in a web-novel chapter, and a
#: longer one. The renamed retellings and 融梗 of our own set are 600-1,300 characters.
SCENE_BUDGETS = (1000, 2000)
#: A suspect is measured over a scene only when it is this many times as long as the scene.
SCENE_LONGER = 2.0
#: The originals sharing the most facts with each page of a long suspect of fiction that a
#: check examines besides its nearest (``Index.candidate_rows``).
SCENE_CANDIDATES = 2
#: The other candidates (those sharing the most facts with the whole suspect) a scene's rival
#: is looked for among.
SCENE_RIVALS = 5
#: A scene aligned under ``PAIR_FICTION_ALIGNED`` is still a retelling (:func:`scene_short`)
#: when ``SCENE_RETOLD_ALIGNED`` of it re-expresses the original, most of its aligned sentences
#: (``SCENE_RETOLD_CHAIN`` at least) retell the original's in their order, and it names under
#: half of the people they name, ``SCENE_RETOLD_NAMES`` at least (a renamed retelling names
#: few of them). A web-novel retelling in modern prose aligns 0.15-0.3 of its scene, its beats
#: in order (chains of 6 to 12 or more, 77% of its aligned sentences or more); a later chapter
#: of a novel recapping an earlier one's scene chains as many (水浒 59 retells 2's 史进 and 朱武
#: in 8 and 9) but names the same people (13 of 13, 6 of 7, 3 of 5 in 水浒 41-80 against its
#: first 40). Read on the fit batches' scenes in chapters (``benchmarks.scenes --split fit``):
#: every later chapter of 水浒 chaining 6 or more keeps half of its names or more, its scenes
#: aligned 0.11-0.25; no honest chapter chains 6 and reaches the fiction threshold. The later
#: chapters of the other three novels against their first 40 were checked after (none
#: flagged once two names are asked for).
SCENE_RETOLD_ALIGNED = 0.15
SCENE_RETOLD_CHAIN = 6
#: … and the people it renames are at least this many: jieba tags few of a novel's people in
#: some of them (西游记's 行者 and 八戒 are no names to it), and one word it takes for a name (老龙)
#: shows no renaming: 西游记 49 recaps chapter 32 in order with none other tagged.
SCENE_RETOLD_NAMES = 2


def scene_share(aligned: frozenset[int], weights: Sequence[int], part: float = 0.5) -> float:
    """The densest stretch of a suspect's aligned sentences: the most, of any run of its
    sentences holding ``part`` of its characters (by sentence ``weights``), that is aligned
    (``aligned``: sentence indices). A scene grafted from a chapter (融梗) is aligned in one
    part of the story; what a chapter of another story happens to align is strewn over it.

    >>> scene_share(frozenset({0, 1}), [10, 10, 10, 10]), scene_share(frozenset({0, 3}), [10, 10, 10, 10])
    (1.0, 0.5)
    >>> scene_share(frozenset(), [10, 10]), scene_share(frozenset({0}), [])
    (0.0, 0.0)
    """
    total = sum(weights)
    if not aligned or total <= 0:
        return 0.0
    best, j, inside, got = 0.0, 0, 0, 0
    for i in range(len(weights)):
        while j < len(weights) and inside < part * total:
            inside += weights[j]
            got += weights[j] if j in aligned else 0
            j += 1
        if inside < part * total:
            break
        best = max(best, got / inside)
        inside -= weights[i]
        got -= weights[i] if i in aligned else 0
    return best


def wash_pair(
    suspect: Prepared,
    original: Prepared,
    t: Thresholds,
    terms: TermWeights,
    *,
    fiction: bool,
    copy: Match | None = None,
) -> tuple[Match, bool]:
    """``suspect`` measured as a wash of ``original`` alone (both with sentences, embedded by
    the encoder a check aligns with), as a check measures a candidate no other original rivals,
    its facts weighed by ``terms``; ``fiction``: as in an index of fiction (aligned below the
    fact floor, renamed people no conflict, numbers no facts, the name map read), but with
    :data:`PAIR_FICTION_ALIGNED` of the suspect aligned, or :data:`PAIR_FICTION_SCENE` of its
    densest half (a grafted scene), or over a scene of a long suspect (:func:`scene_pair`). The
    measures as a rewrite match (its wash score and reason
    in ``details``: a near miss where it is none), and whether it is a rewrite
    (:func:`xigao.verdict.wash_rewrite`) rather than the partial ``copy`` of the original the
    suspect holds, if any (:func:`copied_only`, as a check decides it)."""
    facts = fact_shares(suspect, original, terms, t)
    gate = None  # aligned from the fact floor (``wash_min_cosine``)
    if fiction:  # aligned as the one candidate, as a check aligns the chapter sharing the most
        gate = aligned_gate([facts.cosine], t)[0]
    stats = wash_stats(suspect, original, facts, t, gate=gate, people=not fiction)
    assert suspect.sents is not None
    bar = t  # the whole suspect's bar; a scene's is its own (``scene_alone``)
    if fiction and scene_share(stats.aligned, suspect.sents.weights.tolist()) < PAIR_FICTION_SCENE:
        bar = replace(t, wash_min_containment=max(t.wash_min_containment, PAIR_FICTION_ALIGNED))
    features = wash_features(stats, 0.0, numbers=not fiction)
    score = wash_score(features, t)
    rewrite = wash_rewrite(score, stats.containment, stats.verbatim_share, bar)
    short: str | None = None
    if fiction and not rewrite:  # a retold scene among a long chapter's own prose
        got, near = scene_pair(suspect, original, t, terms)
        if got is None and near is not None:
            got = near  # a rewrite by its score: said as it is, too thinly aligned
        if got is not None:
            stats, features, score, short = got
            rewrite, bar = short is None, t
    scene = f"{PAIR_FICTION_SCENE:.0%} of one half of it (a scene)" if fiction else ""
    m = wash_match(  # a scene too thinly aligned names no renames (nor does a check)
        suspect, original, "original", stats, features, score, bar,
        names=fiction and not short, aligned_or=scene, short=short or "",
    )  # fmt: skip
    return m, rewrite and not copied_only(suspect, original, stats, copy, bar)


def scene_pair(
    suspect: Prepared, original: Prepared, t: Thresholds, terms: TermWeights
) -> tuple[SceneMeasure | None, SceneMeasure | None]:
    """A long ``suspect`` of fiction measured against ``original`` alone over its scenes
    (:func:`~xigao.detect.scene_of`, ``SCENE_BUDGETS``), as a check measures a candidate over
    them (:meth:`Verifier._scene`) with no other original to rival it: the best scene that is a
    rewrite on its own (:func:`scene_alone`), or None, and the best that would be one by its
    score alone but is too thinly aligned (:attr:`SceneMeasure.near`), or None. ``compare`` of a
    chapter against the chapter a scene of it retells finds what a check finds, and says the
    same when it falls short."""
    a = suspect.sents
    assert a is not None
    budgets = [b for b in SCENE_BUDGETS if a.total >= SCENE_LONGER * b]
    best: SceneMeasure | None = None
    near: SceneMeasure | None = None
    for lo, hi in scene_of(suspect, original, terms, budgets) if budgets else ():
        skip = frozenset(range(lo)) | frozenset(range(hi, len(a)))
        f = fact_shares(suspect, original, terms, t, skip=skip)
        got = scene_alone(suspect, original, f, skip, t)
        got = got._replace(stats=replace(got.stats, scene=(lo, hi)))
        if got.short is None and (best is None or got.score > best.score):
            best = got
        elif got.near and (near is None or got.score > near.score):
            near = got
    return best, near


class SceneMeasure(NamedTuple):
    """A scene of a long suspect of fiction measured against one original with no rival
    (:func:`scene_alone`)."""

    stats: WashStats
    features: dict[str, float]
    score: float
    #: why it is no rewrite so: None where it is one; "" where its score falls short; else
    #: the words of :func:`scene_short`
    short: str | None

    @property
    def near(self) -> bool:
        """A rewrite by its score, but too thinly aligned to be taken: a near miss worth
        naming (a retelling that kept its people's names, or a later chapter's recap)."""
        return bool(self.short) and self.stats.containment >= SCENE_RETOLD_ALIGNED


def scene_alone(
    suspect: Prepared,
    source: Prepared,
    facts: FactShares,
    skip: frozenset[int],
    t: Thresholds,
    head: npt.NDArray[np.float32] | None = None,
) -> SceneMeasure:
    """``source`` aligned with the scene of ``suspect`` that ``skip`` leaves (its ``facts``
    measured there) and scored with no rival, and whether the scene is a rewrite so: at the
    threshold, with ``PAIR_FICTION_ALIGNED`` of it re-expressing the original or retold as
    :func:`scene_short` reads it (a later chapter's recap of an earlier scene aligns less, and
    keeps its people's names). A rival only lowers the score (it is monotone in the lead over
    the rival), so a scene no rewrite alone is none."""
    stats = wash_stats(suspect, source, facts, t, skip=skip, gate=True, head=head, people=False)
    features = wash_features(stats, 0.0, numbers=False)
    score = wash_score(features, t)
    if not wash_rewrite(score, stats.containment, stats.verbatim_share, t):
        return SceneMeasure(stats, features, score, "")
    return SceneMeasure(stats, features, score, scene_short(stats, suspect, source, skip))


def scene_short(
    stats: WashStats, suspect: Prepared, source: Prepared, skip: frozenset[int]
) -> str | None:
    """Why the scene of ``suspect`` that ``skip`` leaves, aligned with ``source`` as ``stats``
    says, is too thinly aligned to be a retelling of it, in words; None where it is not: where
    ``PAIR_FICTION_ALIGNED`` of it re-expresses the original, or ``SCENE_RETOLD_ALIGNED`` does
    with most of its aligned sentences (``SCENE_RETOLD_CHAIN`` at least) in the original's
    order, and under half of the people the original's aligned sentences name
    (``SCENE_RETOLD_NAMES`` at least) named in the scene (renamed, as 换名 does; a novel's later
    chapter recapping an earlier scene keeps its people's names). The names are read only
    where the rest holds."""
    if stats.containment >= PAIR_FICTION_ALIGNED:
        return None
    a, b = suspect.sents, source.sents
    assert a is not None and b is not None
    agreeing = [p for p in stats.pairs if not p.conflict]
    chain = len(anchor_chain(agreeing)) if agreeing else 0
    # most of them in order: a longest chain of 6 among 20 pairs strewn at random is likely
    ordered = max(SCENE_RETOLD_CHAIN, math.ceil(len(agreeing) / 2))
    said = [
        f"{stats.containment:.0%} of it aligned (a retelling needs {SCENE_RETOLD_ALIGNED:.0%})",
        f"{chain} of its {len(agreeing)} aligned sentences in the original's order (it needs "
        f"{ordered})",
    ]
    if stats.containment >= SCENE_RETOLD_ALIGNED and chain >= ordered:
        inside = [i for i in range(len(a)) if i not in skip]
        # the whole scene, its copied or already explained sentences too: their names count
        scene = "\n".join(a.keys[inside[0] : inside[-1] + 1])
        kept, named = names_kept(b, stats.retold, scene)
        if named >= SCENE_RETOLD_NAMES and 2 * kept < named:
            return None
        renamed = max(SCENE_RETOLD_NAMES, named // 2 + 1)
        said.append(
            f"{named - kept} of the {named} people its aligned sentences of the original name "
            f"(by jieba's tags) named otherwise (it needs {renamed})"
        )
    return (
        f"a scene needs {PAIR_FICTION_ALIGNED:.0%} of it aligned, or to be retold with its "
        f"people renamed: {'; '.join(said)}"
    )


#: ``more_sources`` is said when a check left originals unaligned for want of ``limit`` and
#: its matches explain less of the suspect than this: a repost of a story indexed many times
#: over is explained already (diff review 13).
MORE_SOURCES_BELOW = 0.9


class CandidatePlan(NamedTuple):
    """Row ids of the originals one check examines, by how."""

    verbatim: list[int]  #: aligned for verbatim passages
    rewrite: list[int]  #: aligned sentence by sentence for rewrites
    #: more originals than ``verbatim`` holds share a copy's run of fingerprints: a check's
    #: ``limit`` left them unaligned (a compilation of many posts)
    more: bool = False


class Washed(NamedTuple):
    """One rewrite candidate measured as a wash source (see :meth:`Verifier.wash_candidates`)."""

    rowid: int
    doc_id: str
    source: Prepared
    stats: WashStats
    features: dict[str, float]
    score: float  #: the wash score, a probability (``verdict.wash_score``)
    #: where no scene of a long suspect of fiction is taken: its best scene that would be a
    #: rewrite by its score but is too thinly aligned, and why (``scene_short``)
    near: tuple[Washed, str] | None = None

    @property
    def weighed(self) -> WashCandidate:
        """What ``verdict.wash_sources`` and ``verdict.further_sources`` weigh of it."""
        st = self.stats
        ratio = self.features.get("ratio", 0.0)
        return WashCandidate(
            self.score, st.containment, st.verbatim_share, st.aligned, st.cosine, ratio, st.scene
        )


class Originals:
    """Originals by row id, prepared once: normalized and seeded (:meth:`prepared`), their
    sentences split (:meth:`sentenced`) and embedded (:meth:`embedded`) when a rewrite check
    needs them. Row ids are never reused, so they are cached by row id."""

    def __init__(
        self,
        documents: Callable[[Sequence[int]], Mapping[int, Document]],
        thresholds: Thresholds,
        encoder: Callable[[], TextEncoder],
    ) -> None:
        self._documents = documents
        self._thresholds = thresholds
        self._encoder = encoder
        self.prepared = functools.lru_cache(maxsize=4096)(self._prepare)
        self.sentenced = functools.lru_cache(maxsize=4096)(self._split)
        #: originals with sentence vectors, by row id (least recently used dropped first)
        self._vectors: OrderedDict[int, Prepared] = OrderedDict()
        self._vectors_lock = threading.Lock()

    def _prepare(self, rowid: int) -> tuple[Document, Prepared] | None:
        doc = self._documents([rowid]).get(rowid)
        return None if doc is None else (doc, Prepared.of(doc.body, self._thresholds))

    def _split(self, rowid: int) -> Prepared | None:
        """The original's sentences without vectors: enough to weigh its shared facts."""
        got = self.prepared(rowid)
        return None if got is None else got[1].with_sentences(self._encoder(), vectors=False)

    def embedded(self, rowids: Sequence[int]) -> dict[int, Prepared]:
        """The originals ``rowids`` with sentence vectors, those not cached encoded in one
        call (the encoder's cost is mostly per call for a few dozen sentences)."""
        with self._vectors_lock:
            out = {r: self._vectors[r] for r in rowids if r in self._vectors}
        todo = [(r, p) for r in rowids if r not in out and (p := self.sentenced(r)) is not None]
        texts = [x for _, p in todo for x in (p.sents.texts if p.sents is not None else ())]
        if texts:
            vecs = np.asarray(self._encoder().encode(texts), dtype=np.float32)
            at = 0
            for r, p in todo:
                assert p.sents is not None
                n = len(p.sents)
                sents = replace(p.sents, vecs=vecs[at : at + n], _memo={})
                out[r] = replace(p, sents=sents, _cache=p._cache)
                at += n
        with self._vectors_lock:
            for r in rowids:
                if r in out:
                    self._vectors[r] = out[r]
                    self._vectors.move_to_end(r)
            while len(self._vectors) > 2048:
                self._vectors.popitem(last=False)
        return out


#: the share of each other's text two originals hold that makes them copies of one another
#: (a wire story as two outlets carry it, each with its own heading and sign-off; two reports
#: of a formulaic series, a state visit's welcome and the next one's, share about half), in
#: k-grams of ``COPY_GRAM`` content characters
COPY_SHARE = 0.8
COPY_GRAM = 8


@dataclass(frozen=True)
class Verifier:
    """Aligns a suspect with its candidates and decides (see the module's docstring)."""

    originals: Originals
    terms: Callable[[], TermWeights]
    thresholds: Thresholds
    #: the paraphrase head wash alignment uses (``embed.wash_head``), if any
    head: Callable[[], npt.NDArray[np.float32] | None]
    #: fiction renames its people (换名): names are read, other names are no conflict
    fiction: bool
    aliases: tuple[tuple[str, ...], ...]
    #: how many indexed originals hold each of the passages ``spans`` (raw, end exclusive) of
    #: a normalized suspect: the median over its fingerprints (:meth:`xigao.Index.passage_df`
    #: of each); None: not known, and no partial copy is taken for a formula
    passage_dfs: Callable[[Normalized, Sequence[tuple[int, int]]], list[float]] | None = None

    def decide(
        self,
        body: str,
        suspect: Prepared,
        plan: CandidatePlan,
        kinds: Collection[MatchKind],
        *,
        id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Result:
        """The result of checking ``suspect`` (``body`` prepared; with sentences when
        ``kinds`` holds rewrites) against the originals of ``plan``."""
        t = self.thresholds
        found_credits = credits(body, meta)
        quotes = quotation_spans(body)
        verbatim, rewrite = set(plan.verbatim), set(plan.rewrite)
        found: dict[int, Match] = {}
        rewrite_rows = []
        sources: dict[int, Prepared] = {}
        matched: dict[int, Match] = {}  # verbatim matches, formulae's too
        for rowid in dict.fromkeys(plan.verbatim + plan.rewrite):
            prepared = self.originals.prepared(rowid)
            if prepared is None:  # removed meanwhile
                continue
            doc, sources[rowid] = prepared
            # (a candidate for rewrites alone is read by sound only: black-box review 22's
            # pasted paragraphs with 同音字 were found as wash candidates)
            got = copy_match(suspect, sources[rowid], doc.id, t, written=rowid in verbatim)
            if got is not None:
                matched[rowid] = got
        # partial copies, reported or not (a formula's too: what is copied is no wash either)
        copies = {r: m for r, m in matched.items() if m.kind == "partial"}
        grams = functools.cache(lambda r: text_grams(sources[r].norm))
        formulae = {r for r in copies if self._formula(suspect, r, copies, grams)}
        for rowid in sources:
            best = None if rowid in formulae else matched.get(rowid)
            best = as_asked(best, kinds)  # (a whole copy: no formula however often indexed)
            if best is not None:
                found[rowid] = best
            if rowid in rewrite and (best is None or best.kind != "repost"):
                rewrite_rows.append(rowid)
        # a sentence copied word for word from one original is no evidence of washing another
        # (a digest pasting two reports of one event: each is a partial copy, neither a wash;
        # a formula many originals hold, though no copy of any, is no wash either)
        copied = {r: copied_sentences(suspect, m) for r, m in {**copies, **found}.items()}
        washed = self.wash_candidates(suspect, rewrite_rows, copied) if rewrite_rows else []
        assert suspect.sents is not None or not washed
        weights = suspect.sents.weights.tolist() if suspect.sents is not None else []
        # a report on other people on the original's template (an expulsion notice of another
        # official) is no wash of it, however alike: left out, and said if it is the closest
        others: dict[int, tuple[list[str], list[str]]] = {}
        kept = washed
        while True:
            first = [kept[i] for i in wash_sources([w.weighed for w in kept], weights, t)]
            further = self.residual_sources(suspect, kept, first)
            newly = {
                w.rowid: why
                for w in first + further
                if not self.fiction and (why := self._another_subject(body, suspect, w)) is not None
            }
            if not newly:
                break
            others.update(newly)
            kept = [w for w in kept if w.rowid not in others]
        # name maps are read for fiction (换名 of a novel's people and places), where they cost
        # about 20 ms a match; a news copy keeps the people it reports on
        reported = [
            (w, residual)
            for w, residual in [(w, False) for w in first] + [(w, True) for w in further]
            # its copy stands: a quotation is no wash of what it quotes
            if not copied_only(
                suspect,
                w.source,
                w.stats,
                copies.get(w.rowid),
                t,
                restated=w.rowid not in formulae,
            )
        ]
        # a wash of a story stitched from two: the second's figures woven into the first's
        # sentences (a partial copy pasted into another story is no such wash)
        by_figures = (
            self.figure_sources(suspect, kept, {*found, *(w.rowid for w, _ in reported)}, sources)
            if reported and not self.fiction
            else []
        )
        stitched = len({*found, *(w.rowid for w, _ in reported), *(w.rowid for w, _ in by_figures)})
        likest = stated_likest([w for w, _ in reported], {r: copied[r] for r in copies})
        for w, residual in reported:
            second = residual or w.score < t.wash_threshold
            rw = wash_match(
                suspect, w.source, w.doc_id, w.stats, w.features, w.score, t,
                second=second, residual=residual, names=self.fiction,
                grafted=len(first) + len(further) > 1, stitched=stitched > 1,
                elsewhere=frozenset(i for i, r in likest.items() if r != w.rowid),
            )  # fmt: skip
            best = stronger(found.get(w.rowid), rw)
            assert best is not None
            found[w.rowid] = best
        for w, figures in by_figures:
            found[w.rowid] = figure_match(suspect, w.source, w.doc_id, figures)
        if self.fiction:  # a copy renamed and little else is verbatim between the names (换名)
            self._name_copies(suspect, washed, found)
        suspect_time = meta_time(meta)

        def meta_of(rowid: int) -> tuple[Mapping[str, Any], str | None]:
            got = self.originals.prepared(rowid)
            return (got[0].meta, got[0].title) if got is not None else ({}, None)

        def after_suspect(rowid: int) -> bool:
            t = meta_time(meta_of(rowid)[0])
            return t is not None and suspect_time is not None and t > suspect_time

        for rowid in within_reposts(found, after_suspect):
            del found[rowid]

        verdict, score, ordered = combine(
            provenance(
                body, m, meta, found_credits, suspect_time, self.aliases, quotes, title=title
            )
            for r, m in found.items()
            for meta, title in (meta_of(r),)
        )
        info: dict[str, Any] = {
            "copy_ratio": round(copy_ratio(suspect, ordered), 4),
            "attribution": [c.to_dict() for c in found_credits],
        }
        if plan.more and info["copy_ratio"] < MORE_SOURCES_BELOW:
            info["more_sources"] = True
        closest = max(washed, key=lambda w: w.score, default=None)
        short = ""
        # a scene of a long chapter that is a rewrite by its score but too thinly aligned says
        # more than the whole chapter measured, which is none for want of alignment (a
        # retelling keeping its people's names, a later chapter's recap of an earlier scene)
        thin = max((w.near for w in washed if w.near), key=lambda n: n[0].score, default=None)
        if thin is not None:
            closest, short = thin
        elif closest is not None and closest.rowid in others:
            gone, new = ("、".join(names[:3]) for names in others[closest.rowid])
            short = (
                f"the original reports on {gone} and this on {new}, never named there: another "
                "report on its template, not a wash of it"
            )
        if verdict == "original" and closest is not None and (short or self._near(closest)):
            miss = wash_match(
                suspect,
                closest.source,
                closest.doc_id,
                closest.stats,
                closest.features,
                closest.score,
                t,
                # a name map says a text was copied and renamed: not of a chapter that re-tells
                # too little of it to be one, nor of a scene too thinly aligned to be one
                names=self.fiction
                and not short
                and closest.stats.containment >= t.wash_min_containment,
                short=short,
            )
            info["near_miss"] = near_miss(miss)
            if closest.rowid in others and not thin:
                gone_, new_ = others[closest.rowid]
                info["near_miss"]["reports_on"] = {"original": gone_, "suspect": new_}
            # what the original is, as a match says (a moderator reads its title, not its id)
            if shown := described(*meta_of(closest.rowid)):
                info["near_miss"]["original"] = shown
        return Result(id, verdict, score, ordered, info)

    def _formula(
        self,
        suspect: Prepared,
        rowid: int,
        copies: Mapping[int, Match],
        grams: Callable[[int], frozenset[int]],
    ) -> bool:
        """Whether the partial copy ``copies[rowid]`` is of formulae alone: each of its
        passages long enough to make one (``partial_min_len``, counted on the text as given: a
        passage shorter there is shorter in content characters too) is held by more than
        ``formula_df`` indexed originals (the median over its fingerprints), its original's
        copies among them counted once. A formula of the programme is no copy of the one
        original it was found in; a passage of one story beside it is, and so is a passage of
        a story indexed as often as it was syndicated (a wire story each outlet carried under
        its own heading). Its copies are the other originals of this check with a partial copy
        holding at least half of the same passage (``copies``; ``grams``: the
        :func:`text_grams` of an original by row id) whose text and the original's hold
        ``COPY_SHARE`` of each other's (:func:`copy_of`). A check aligns
        ``limit`` originals at most, so a story carried by more outlets than that (more than
        ``limit + formula_df``) is still taken for a formula: its copies are counted where
        they are seen, never guessed from a sample (whose order, the originals' row ids,
        would favour one story's copies indexed together). What is seen is the same on both
        engines."""
        if self.passage_dfs is None:
            return False
        t = self.thresholds
        spans = verbatim_spans(copies[rowid])
        long = [s for s in spans if s[1] - s[0] >= t.partial_min_len]
        passages = long or spans
        dfs = self.passage_dfs(suspect.norm, passages)
        if not all(df > t.formula_df for df in dfs):
            return False
        for (lo, hi), df in zip(passages, dfs, strict=True):
            seen = [
                r
                for r, other in copies.items()
                if r != rowid and _mostly_inside(lo, hi, verbatim_spans(other))
            ]
            again = sum(copy_of(grams(rowid), grams(r)) for r in seen)
            if df - again <= t.formula_df:  # (its copies count once)
                return False
        return True

    def _another_subject(
        self, body: str, suspect: Prepared, w: Washed
    ) -> tuple[list[str], list[str]] | None:
        """The people the original of wash candidate ``w`` reports on and those ``body``
        reports on instead, where it is another report on the original's template rather than
        a wash of it (:func:`xigao.altered.another_subject`), one standing in the other's place
        in a pair of aligned sentences."""
        got = self.originals.prepared(w.rowid)
        other = another_subject(body, got[0].body, got[0].title) if got is not None else None
        a, b = suspect.sents, w.source.sents
        if other is None or a is None or b is None:
            return None
        # and one of them stands in the other's place: a sentence of the original naming one
        # aligned with a sentence of the suspect naming the other
        gone, new = other
        for p in w.stats.pairs:
            said = "".join(b.texts[j] for j in p.source)
            if any(x in said for x in gone) and any(y in a.texts[p.suspect] for y in new):
                return other
        return None

    def _name_copies(
        self, suspect: Prepared, washed: Sequence[Washed], found: dict[int, Match]
    ) -> None:
        """Give each verbatim match of fiction (a partial copy) the ``name_map`` of its
        renames, read from the sentences its wash measures aligned: the more faithful a
        renamed copy, the more of it is verbatim, and the more a reader needs to know who was
        renamed."""
        for w in washed:
            m = found.get(w.rowid)
            if m is None or m.kind != "partial" or "name_map" in m.details:
                continue
            changed = sum(not p.verbatim for p in w.stats.pairs)
            if changed < 3 or 3 * changed < len(w.stats.pairs):  # pasted as written: no renames
                continue
            renamed = renames(suspect, w.source, w.stats, grafted=len(found) > 1)
            if renamed:
                details = beside_renames({**m.details, "name_map": renamed})
                found[w.rowid] = replace(m, details=details)

    def _near(self, w: Washed) -> bool:
        """Whether the closest original came near enough to a rewrite to be reported as a near
        miss: its wash score reaches ``near_miss_floor``, and in fiction half the share a
        rewrite must align too; the score of a chapter that re-tells a sentence or two of
        another of its novel's says nothing (every honest chapter of a novel has one)."""
        t = self.thresholds
        if w.score < t.near_miss_floor:
            return False
        return not self.fiction or w.stats.containment >= t.wash_min_containment / 2

    def wash_candidates(
        self,
        suspect: Prepared,
        rowids: Sequence[int],
        copied: Mapping[int, frozenset[int]] | None = None,
    ) -> list[Washed]:
        """Each original of ``rowids`` measured as a possible wash source of ``suspect``
        (which must carry sentences), with its wash score; the originals removed meanwhile are
        left out. Every candidate's rival is the candidate with the highest fact cosine among
        the others aligned to at least half the same suspect sentences, a repost of it aside:
        a report in a formulaic series has many such rivals as close, a wash none. ``copied``:
        the suspect sentences copied verbatim from originals (by row id), which measure no
        other original."""
        t = self.thresholds
        terms = self.terms()
        prepared, sentenced = self.originals.prepared, self.originals.sentenced
        found = [(r, prepared(r), sentenced(r)) for r in rowids]
        plain = [(r, got[0].id, p) for r, got, p in found if got is not None and p is not None]
        query = suspect_facts(suspect, terms)
        facts = [fact_shares(suspect, p, terms, t, query=query) for _, _, p in plain]
        # two candidates each explaining a part of the suspect's facts of its own
        cosource = cosources(facts, terms, t.wash_cosource)
        gate, embedded = self._gated([r for r, _, _ in plain], [f.cosine for f in facts], cosource)
        head = self.head()
        # fiction renames its people (换名): other names in a pair are no conflict there, and
        # a retelling's numbers are no facts of another story
        people = not self.fiction
        items: list[tuple[int, str, Prepared, WashStats]] = []
        elsewhere = []  # each candidate's sentences another original's verbatim copy explains
        for (rowid, doc_id, p), f, g in zip(plain, facts, gate, strict=True):
            source = embedded.get(rowid, p)
            others = frozenset().union(*(c for r, c in (copied or {}).items() if r != rowid))
            stats = wash_stats(suspect, source, f, t, skip=others, gate=g, head=head, people=people)
            items.append((rowid, doc_id, source, _unaligned(stats, others, suspect)))
            elsewhere.append(others)
        # a suspect stitched from two originals: each is measured on the part of the suspect
        # the other does not explain (the complement: aligned to sentences mostly not its own)
        # (a candidate with sentences copied word for word is a paste, whose facts the other
        # candidates are measured beside as before: the rest of such a piece may be its own
        # report on another's template, test-00513)
        pasted = {k for k, (r, *_) in enumerate(items) if (copied or {}).get(r)}
        measured = []
        for i, (rowid, doc_id, source, stats) in enumerate(items):
            other = _complement(items, i, t, cosource, pasted)
            if other is not None:
                skip = (other - stats.aligned) | elsewhere[i]
                f = fact_shares(suspect, source, terms, t, skip=skip)
                alone = wash_stats(
                    suspect, source, f, t, skip=skip, gate=gate[i], head=head, people=people
                )
                stats = alone if alone.pairs else stats
            measured.append((rowid, doc_id, source, stats))
        assert suspect.sents is not None
        weights, total = suspect.sents.weights, max(suspect.sents.total, 1)

        def beyond(x: frozenset[int], y: frozenset[int]) -> float:
            """Share of the suspect aligned to ``x``'s sentences and not ``y``'s."""
            return float(weights[list(x - y)].sum()) / total

        out = []
        for i, (rowid, doc_id, source, stats) in enumerate(measured):
            mine = items[i][3].aligned
            # a rival aligns to at least half the same sentences; one that also explains a
            # part of its own (sentences, or facts) is a second source, not a rival
            rivals = sorted(
                (
                    (other.cosine, j)
                    for j, (*_, other) in enumerate(items)
                    if j != i
                    and 2 * len(other.aligned & mine) >= len(mine)
                    and min(beyond(other.aligned, mine), beyond(mine, other.aligned)) < 0.2
                    and not cosource[i, j]
                ),
                reverse=True,
            )
            rival = next((c for c, j in rivals if not same_story(source, items[j][2], t)), 0.0)
            features = wash_features(stats, rival, numbers=people)
            out.append(Washed(rowid, doc_id, source, stats, features, wash_score(features, t)))
        if self.fiction:
            out = self.scenes(suspect, out, elsewhere)
        return out

    def scenes(
        self,
        suspect: Prepared,
        washed: Sequence[Washed],
        copied: Sequence[frozenset[int]],
        *,
        further: bool = False,
    ) -> list[Washed]:
        """``washed`` (measured on the whole of a suspect of fiction), each candidate that is
        no rewrite there measured again over its scene in a long suspect
        (:func:`~xigao.detect.scene_of`: ``SCENE_BUDGETS`` content characters, the suspect
        ``SCENE_LONGER`` times as long), and taken at the best of its scenes that is a rewrite
        on its own (:meth:`_scene`). A web-novel chapter that retells a page of a classic among
        its own prose aligns a tenth of itself or less: measured whole, its scene is lost
        (black-box review 10). ``copied``: per candidate, the suspect sentences another
        original's verbatim copy explains, or (``further``: candidates measured on the residual
        of the sources found, ``residual_candidates``) those sources re-express, a further
        scene then taken at ``wash_residual_threshold``, as a further source is."""
        t = self.thresholds
        if further:
            t = replace(t, wash_threshold=t.wash_residual_threshold)
        a = suspect.sents
        budgets = [b for b in SCENE_BUDGETS if a is not None and a.total >= SCENE_LONGER * b]
        if not budgets:
            return list(washed)
        assert a is not None
        terms = self.terms()

        def nearest(query: tuple[np.ndarray, float], rowid: int) -> bool:
            """Whether ``rowid`` is among the originals sharing the most facts with a scene
            (the reading that made it a candidate, ``Index.candidate_rows``)."""
            if not isinstance(terms, Terms):
                return False
            return rowid in {r for r, _ in terms.nearest(query[0], SCENE_CANDIDATES)}

        # a scene's rival is looked for among the candidates sharing the most facts with the
        # whole suspect
        ranked = sorted(washed, key=lambda o: -o.stats.cosine)
        out = []
        for i, w in enumerate(washed):
            best = w
            near: tuple[Washed, str] | None = None
            if not wash_rewrite(w.score, w.stats.containment, w.stats.verbatim_share, t):
                others = [o for o in ranked if o.rowid != w.rowid][:SCENE_RIVALS]
                for lo, hi in scene_of(suspect, w.source, terms, budgets):
                    skip = frozenset(range(lo)) | frozenset(range(hi, len(a))) | copied[i]
                    got = self._scene(suspect, w, others, (lo, hi), skip, t, nearest)
                    if isinstance(got, Washed):
                        if best is w or got.score > best.score:
                            best = got
                    elif got is not None and (near is None or got[0].score > near[0].score):
                        near = got
            out.append(best if best is not w else w._replace(near=near))
        return out

    def _scene(
        self,
        suspect: Prepared,
        w: Washed,
        others: Sequence[Washed],
        scene: tuple[int, int],
        skip: frozenset[int],
        t: Thresholds,
        nearest: Callable[[tuple[np.ndarray, float], int], bool],
    ) -> Washed | tuple[Washed, str] | None:
        """Candidate ``w`` measured over the suspect's sentences ``scene`` (but ``skip``, which
        holds those outside it) as a suspect of its own, or None when it is no rewrite there
        (:func:`~xigao.verdict.wash_rewrite`) or too thinly aligned (:func:`scene_alone`, as a
        pair of fiction compared alone must be aligned: a scene's window is chosen for its
        candidate, and a later chapter of a novel recaps an earlier one's scene in a sentence
        or two, 0.11-0.25 of a scene of 水浒 41-80 and 西游记 41-60 against their first 40);
        measured with no rival and why it falls short, where it would be one by its score alone
        (:attr:`SceneMeasure.near`). It is aligned there when it was on the whole suspect, or shares
        ``wash_min_cosine`` of the scene's facts, or is among the originals sharing the most
        (``nearest``); its rival is the one of the ``others`` (the ``SCENE_RIVALS`` other
        candidates sharing the most facts with the whole suspect) that shares the most with the
        scene, a copy of it aside."""
        terms, head = self.terms(), self.head()
        query = suspect_facts(suspect, terms, skip)
        f = fact_shares(suspect, w.source, terms, t, skip=skip, query=query)
        if not (w.stats.pairs or f.cosine >= t.wash_min_cosine or nearest(query, w.rowid)):
            return None
        source = w.source
        if t.wash_blend > 0:
            source = self.originals.embedded([w.rowid]).get(w.rowid, source)
        alone = scene_alone(suspect, source, f, skip, t, head)
        if alone.short is not None:  # no rewrite without a rival: none looked for
            if not alone.near:
                return None
            stats = replace(alone.stats, scene=scene)
            return Washed(
                w.rowid, w.doc_id, source, stats, alone.features, alone.score
            ), alone.short
        stats = alone.stats
        shares = [fact_shares(suspect, o.source, terms, t, skip=skip, query=query) for o in others]
        rivals = sorted(((x.cosine, k) for k, x in enumerate(shares)), reverse=True)
        rival = next((c for c, k in rivals if not same_story(w.source, others[k].source, t)), 0.0)
        features = wash_features(stats, rival, numbers=False)
        score = wash_score(features, t)
        if not wash_rewrite(score, stats.containment, stats.verbatim_share, t):
            return None
        return Washed(w.rowid, w.doc_id, source, replace(stats, scene=scene), features, score)

    def _gated(
        self, rowids: Sequence[int], cosines: Sequence[float], cosource: np.ndarray | None = None
    ) -> tuple[list[bool], dict[int, Prepared]]:
        """Which of the candidates ``rowids`` have their sentences aligned, by their fact
        cosines with the suspect and which pairs are sources of their own (:func:`aligned_gate`),
        and those originals with the sentence vectors alignment needs when ``wash_blend`` > 0
        (cached: none is encoded twice)."""
        t = self.thresholds
        gate = aligned_gate(cosines, t, cosource)
        near = [r for r, g in zip(rowids, gate, strict=True) if g]
        return gate, (self.originals.embedded(near) if t.wash_blend > 0 and near else {})

    def residual_sources(
        self, suspect: Prepared, washed: Sequence[Washed], sources: Sequence[Washed]
    ) -> list[Washed]:
        """Further sources of a suspect stitched from several (融梗, 拼接), once ``sources``
        are found among the ``washed`` candidates: the others measured on the residual
        (:meth:`residual_candidates`) and picked there (``verdict.further_sources``), and
        again on what those leave, ``wash_residual_rounds`` times at most (a third scene is
        measured on what the first two leave)."""
        t = self.thresholds
        never = (t.wash_residual_threshold, t.wash_residual_cosine, t.wash_residual_far_cosine)
        if not sources or min(never) >= 1.0:
            return []  # neither its score nor its facts can make one
        assert suspect.sents is not None
        weights = suspect.sents.weights.tolist()
        found, out = list(sources), []
        for _ in range(t.wash_residual_rounds):
            rest = self.residual_candidates(suspect, washed, found)
            explained = frozenset().union(*(w.stats.aligned for w in found))
            measured = [w.weighed for w in rest]
            new = [rest[i] for i in further_sources(measured, explained, weights, t)]
            if not new:
                break
            found += new
            out += new
        return out

    def figure_sources(
        self,
        suspect: Prepared,
        washed: Sequence[Washed],
        found: Collection[int],
        sources: Mapping[int, Prepared],
    ) -> list[tuple[Washed, frozenset[float]]]:
        """Further sources of a news story stitched from several whose figures are woven into
        sentences retelling another (``verdict.figure_sources``): the ``washed`` candidates
        but the sources ``found`` (row ids) stating the suspect's figures that none of those
        found states, with those figures."""
        if self.thresholds.wash_figure_sources <= 0 or suspect.sents is None:
            return []
        held: set[float] = set()
        for rowid in found:
            if rowid in sources:
                held |= figures_in(sources[rowid].norm.text)
        left = frozenset(figures_stated(suspect.sents)) - held
        rest = [w for w in washed if w.rowid not in found and w.source.sents is not None]
        if len(left) < self.thresholds.wash_figure_sources or not rest:
            return []
        stated = [left & frozenset(figures_stated(w.source.sents)) for w in rest]  # type: ignore[arg-type]
        out, taken = [], frozenset[float]()
        for i in figure_sources(stated, left, self.thresholds):
            out.append((rest[i], stated[i] - taken))
            taken |= stated[i]
        return out

    def residual_candidates(
        self, suspect: Prepared, washed: Sequence[Washed], sources: Sequence[Washed]
    ) -> list[Washed]:
        """The ``washed`` candidates but ``sources``, each measured again on the residual: the
        suspect's sentences no source re-expresses, when they are ``wash_cosource_beyond`` of
        it or more (none otherwise), with its facts, its rival (the other candidate sharing
        the most facts there, but none that explains ``wash_residual_cosource`` of them it does
        not while it explains as much the other does not) and its wash score taken there. A
        story that takes a quarter of its facts from a second report shares too little with
        the whole suspect to be aligned at all, its facts diluted by the first's; on the
        residual they are most of what there is."""
        t = self.thresholds
        if suspect.sents is None or not sources:
            return []
        weights, total = suspect.sents.weights, max(suspect.sents.total, 1)
        explained = frozenset().union(*(w.stats.aligned for w in sources))
        if 1.0 - float(weights[list(explained)].sum()) / total < t.wash_cosource_beyond:
            return []
        terms = self.terms()
        taken = {w.rowid for w in sources}
        rest = [w for w in washed if w.rowid not in taken]
        facts = [fact_shares(suspect, w.source, terms, t, skip=explained) for w in rest]
        cosines = [f.cosine for f in facts]
        # no rival: another candidate that explains facts of its own there (a scene of its own)
        cosource = cosources(facts, terms, t.wash_residual_cosource)
        # gated there as on the whole suspect; one gated there alone has no vectors yet
        gate, embedded = self._gated([w.rowid for w in rest], cosines)
        head = self.head()
        people = not self.fiction
        out = []
        for k, (w, f) in enumerate(zip(rest, facts, strict=True)):
            rival = max(
                (c for j, c in enumerate(cosines) if j != k and not cosource[k, j]), default=0.0
            )
            source = embedded.get(w.rowid, w.source)
            stats = wash_stats(
                suspect, source, f, t, skip=explained, gate=gate[k], head=head, people=people
            )
            features = wash_features(stats, rival, numbers=people)
            score = wash_score(features, t)
            out.append(w._replace(source=source, stats=stats, features=features, score=score))
        if self.fiction:  # a second scene in a long chapter, measured where it lies
            out = self.scenes(suspect, out, [explained] * len(out), further=True)
        return out


def as_asked(m: Match | None, kinds: Collection[str]) -> Match | None:
    """The verbatim match ``m`` as the ``kinds`` asked for report it: a whole copy holds the
    passages a partial copy is made of, so asked for partial copies and not reposts it is one
    (never an original); a kind not asked for is none."""
    if m is not None and m.kind == "repost" and "repost" not in kinds and "partial" in kinds:
        return replace(m, kind="partial")
    return m if m is not None and m.kind in kinds else None


def _unaligned(stats: WashStats, copied: frozenset[int], suspect: Prepared) -> WashStats:
    """``stats``, measured without the suspect sentences ``copied`` word for word from another
    original, as shares of the whole suspect again: those sentences re-express nothing of this
    original, but they are still part of what the suspect is."""
    if not copied or suspect.sents is None:
        return stats
    weights = suspect.sents.weights
    whole = float(weights.sum())
    rest = whole - float(weights[sorted(copied)].sum())
    if whole <= 0 or rest <= 0:
        return stats
    k = rest / whole
    return replace(
        stats, containment=stats.containment * k, dice_containment=stats.dice_containment * k
    )


def copied_only(
    suspect: Prepared,
    source: Prepared,
    stats: WashStats,
    copy: Match | None,
    t: Thresholds,
    *,
    restated: bool = True,
) -> bool:
    """Whether the sentences the wash measures ``stats`` align are, but for less than a
    rewrite needs (``wash_min_containment`` of the suspect), sentences the verbatim ``copy``
    of ``source`` holds word for word, or (``restated``) sentences aligned to the original's
    text that copy holds: a commentary quoting a sentence of a report, its own words around
    it, or a passage pasted mid-sentence, re-expresses nothing; it copies (a formula it
    copies is not reported, but is no wash either). Nor does an article whose passage
    another original copied wash that copy: its own sentences around the passage, on the
    same subject, resemble the copied sentences, which it already holds word for word
    (``restated`` is false for a formula's copy: the formula is no copy of this original,
    and a story stitched from two reports of one series re-expresses their common text). A
    light spin touches most sentences, and the passages bridging its swaps are not word for
    word."""
    if copy is None or suspect.sents is None:
        return False
    # (a copy read by sound is word for word by sound: its homophones lower its passages'
    # similarity as characters by their share of the content characters, which the spans
    # as given, marks and all, hold fewer of: twice their share of those is allowed)
    swapped = copy.details.get("homophones", 0) / max(
        1, sum(e.suspect[1] - e.suspect[0] for e in copy.evidence)
    )
    exact = replace(
        copy, evidence=tuple(e for e in copy.evidence if e.similarity >= EXACT - 2 * swapped)
    )
    rest = stats.aligned - copied_sentences(suspect, exact)
    if restated:
        held = [e.source for e in exact.evidence if e.kind == "verbatim"]
        rest -= {p.suspect for p in stats.pairs if _within(source, p.source, held)}
    # a scene of a long chapter, over its own characters, as it was measured
    weights = suspect.sents.weights.tolist()
    return measured_share(stats.scene, rest, weights) < t.wash_min_containment


def text_grams(norm: Normalized, k: int = COPY_GRAM) -> frozenset[int]:
    """The distinct hashes of the ``k``-grams of a normalized text's content characters."""
    return frozenset(kgram_hashes(codepoints(norm.key().chars), k).tolist())


def copy_of(a: frozenset[int], b: frozenset[int]) -> bool:
    """Whether two texts (their :func:`text_grams`) are copies of one another: each holds
    ``COPY_SHARE`` of the other's (a wire story under two outlets' headings). One way only
    is not enough: a short notice made of a formula is held whole by every story that writes
    the formula, which is no copy of it."""
    if not a or not b:
        return False
    shared = len(a & b)
    return shared >= COPY_SHARE * len(a) and shared >= COPY_SHARE * len(b)


def within_reposts(
    found: Mapping[int, Match], later: Callable[[int], bool] = lambda r: False
) -> list[int]:
    """The partial copies of ``found`` (by row id) all of whose passages lie inside what a
    repost of it copies: passages another original shares with the one reposted (a later
    story quoting the same letter) explain nothing the repost does not, and a repost of one
    story said to draw on five (black-box review 22: 19 of 300 reposts) names sources it never
    took from. A passage outside the repost's (a paragraph of another story added) keeps its
    partial copy, and so does every passage where the reposted original was published after
    the suspect (``later``, by row id: a copy of the suspect indexed, which cannot be what the
    suspect took its quotations from: diff review 18).

    >>> from xigao.types import Evidence
    >>> def m(kind, *spans):
    ...     return Match("x", kind, 1.0, 1.0, 1.0, tuple(Evidence("verbatim", s, s, 1.0) for s in spans))
    >>> within_reposts({1: m("repost", (0, 500)), 2: m("partial", (20, 80)), 3: m("partial", (450, 560))})
    [2]
    """
    copied = [
        s
        for r, m in found.items()
        if m.kind == "repost" and not later(r)
        for s in verbatim_spans(m)
    ]
    if not copied:
        return []
    return [
        rowid
        for rowid, m in found.items()
        if m.kind == "partial"
        and (spans := verbatim_spans(m))
        and all(
            union_length([(max(a, lo), min(b, hi)) for a, b in copied if min(b, hi) > max(a, lo)])
            >= hi - lo
            for lo, hi in spans
        )
    ]


def verbatim_spans(m: Match) -> list[tuple[int, int]]:
    """``m``'s verbatim passages in the suspect (raw spans)."""
    return [e.suspect for e in m.evidence if e.kind == "verbatim"]


def _within(doc: Prepared, sents: Sequence[int], spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the sentences ``sents`` of ``doc`` lie for the most part inside its raw
    ``spans``."""
    if doc.sents is None or not spans or not sents:
        return False
    lo, hi = doc.norm.raw_span(doc.sents.spans[sents[0]][0], doc.sents.spans[sents[-1]][1])
    return _mostly_inside(lo, hi, spans)


def _mostly_inside(lo: int, hi: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether half of ``[lo, hi)`` or more lies inside ``spans`` (overlaps counted once)."""
    inside = union_length([(max(a, lo), min(b, hi)) for a, b in spans if min(b, hi) > max(a, lo)])
    return hi > lo and 2 * inside >= hi - lo


def stated_likest(washed: Sequence[Washed], copied: Mapping[int, frozenset[int]]) -> dict[int, int]:
    """For each suspect sentence that more than one source found is paired with, the source
    (row id) stating it most alike: a verbatim copy's (``copied``: the sentences each partial
    copy holds), else the wash whose pair with it agrees and, among those, is the most similar
    (when every pair with it conflicts, the most similar of those).

    >>> from xigao.detect import WashStats
    >>> from xigao.paraphrase import Pair
    >>> def w(rowid, *pairs):
    ...     st = WashStats(0, 0, 0, 0, 0, 0, 0, 0, 0, (0, 1), tuple(Pair(i, (0,), s, s, s, False) for i, s in pairs))
    ...     return Washed(rowid, str(rowid), None, st, {}, 0.9)
    >>> stated_likest([w(1, (0, 0.8), (5, 0.5)), w(2, (5, 0.7), (6, 0.9))], {3: frozenset({6})})
    {5: 2, 6: 3}
    """
    best: dict[int, tuple[bool, float, int]] = {}
    for w in washed:
        for p in w.stats.pairs:  # an agreeing pair before a conflicting one, then the likest
            got = (not p.conflict, p.similarity, w.rowid)
            if p.suspect not in best or got[:2] > best[p.suspect][:2]:
                best[p.suspect] = got
    for rowid, held in copied.items():
        for i in held:
            best[i] = (True, 2.0, rowid)
    paired = Counter(i for w in washed for i in {p.suspect for p in w.stats.pairs})
    for held in copied.values():
        paired.update(held)
    return {i: row for i, (_, _, row) in best.items() if paired[i] > 1}


def copied_sentences(suspect: Prepared, m: Match) -> frozenset[int]:
    """The sentences of ``suspect`` (split) that ``m``'s verbatim evidence holds for the most
    part: copied word for word from its original."""
    if suspect.sents is None:
        return frozenset()
    spans = verbatim_spans(m)
    if not spans:
        return frozenset()
    return frozenset(
        i
        for i, (s, e) in enumerate(suspect.sents.spans)
        if _mostly_inside(*suspect.norm.raw_span(s, e), spans)
    )


def require_body(body: object, id: str | None = None) -> str:
    """``body`` if it is a text to check (half of a character in it, a lone surrogate no
    output can hold, written U+FFFD, one for one); an empty or whitespace-only body, or one
    that is not a str, raises :class:`InputError` (an error, not an original, as the CLI and
    the service report it)."""
    if not isinstance(body, str):
        raise InputError(f"the body to check must be a str, not {type(body).__name__}")
    if not body.strip():
        raise InputError(f"document {id!r} has an empty body" if id else "empty body")
    return whole_characters(body)  # half of a character as U+FFFD: positions stay


def require_args(
    *,
    id: object = None,
    title: object = None,
    meta: object = None,
    exclude: object = (),
) -> tuple[str | None, list[str], Mapping[str, Any] | None]:
    """The id of a check (a number becomes a string, as the readers make it), the ids it
    leaves out (one id as a str, or a collection of them; None for none) and its metadata
    (half of a character in it written U+FFFD), or :class:`InputError` for an argument of
    another type, or an id holding half of a character (a lone surrogate escape, which no
    UTF-8 output can write, and an id must come back as given)."""
    if id is not None and (isinstance(id, bool) or not isinstance(id, str | int | float)):
        raise InputError(f"id must be a str, not {type(id).__name__}")
    if title is not None and not isinstance(title, str):
        raise InputError(f"title must be a str, not {type(title).__name__}")
    if meta is not None and not isinstance(meta, Mapping):
        raise InputError(f"meta must be a mapping (a dict), not {type(meta).__name__}")
    if exclude is None:
        exclude = ()
    ids = [exclude] if isinstance(exclude, str) else exclude
    if not isinstance(ids, Collection) or not all(isinstance(x, str) for x in ids):
        raise InputError("exclude must be an id (a str) or a collection of ids")
    if half := lone_surrogate(id, "id"):
        raise InputError(half)
    return (None if id is None else str(id)), list(ids), whole_characters(meta)


def unmatched(body: str, *, id: str | None = None, meta: Mapping[str, Any] | None = None) -> Result:
    """The result of a suspect too short to match anything (fewer key characters than a
    k-gram): original, with its credit lines."""
    attribution = [c.to_dict() for c in credits(body, meta)]
    return Result(id, "original", 0.0, (), {"copy_ratio": 0.0, "attribution": attribution})


def _complement(
    items: Sequence[tuple[int, str, Prepared, WashStats]],
    i: int,
    t: Thresholds,
    cosource: np.ndarray | None = None,
    pasted: Collection[int] = (),
) -> frozenset[int] | None:
    """The suspect sentences explained by the candidate that best complements candidate
    ``i``: the one sharing the most facts among those that explain at least 30% of the
    suspect and cover at least half of their original, or are a source of facts of their own
    beside ``i`` (``cosource``: two condensed stories stitched, black-box review 16) and no
    paste (``pasted``: candidates with sentences copied word for word), with at most half of
    the suspect sentences they explain aligned to ``i`` too (None when there is none, or when
    ``i`` explains under a quarter of the suspect)."""
    mine = items[i][3].aligned
    if items[i][3].containment < 0.25:
        return None
    best: tuple[float, frozenset[int]] | None = None
    for j, (*_, other) in enumerate(items):
        theirs = other.aligned
        whole = other.coverage >= 0.5 and other.cosine >= t.wash_min_cosine
        own = cosource is not None and bool(cosource[i, j]) and j not in pasted
        if (
            j == i
            or other.containment < 0.3
            or not (whole or own)
            or 2 * len(theirs & mine) > len(theirs)
        ):
            continue
        if best is None or other.cosine > best[0]:
            best = (other.cosine, theirs)
    return None if best is None else best[1]


def aligned_gate(
    cosines: Sequence[float], t: Thresholds, cosource: np.ndarray | None = None
) -> list[bool]:
    """Which candidates have their sentences aligned: those sharing a fact cosine of
    ``wash_min_cosine``, and the one sharing the most when it stands out, with
    ``wash_standout_cosine`` and ``wash_standout_ratio`` times the next one's. ``cosource``
    (:func:`~xigao.detect.cosources`): pairs of candidates that each explain facts of the
    suspect of their own, two halves of a stitched story; such a pair are no rivals, and each
    stands out against the others (black-box review 16: a 390-character piece of two short
    washes shared 0.15 and 0.146 with its two sources, neither standing out against the other,
    and neither was aligned).

    >>> t = Thresholds()
    >>> aligned_gate([0.12, 0.11, 0.03], t), aligned_gate([0.12, 0.11, 0.05], t, np.array(
    ...     [[False, True, False], [True, False, False], [False, False, False]]))
    ([False, False, False], [True, True, False])
    """
    gate = [c >= t.wash_min_cosine for c in cosines]
    order = sorted(range(len(cosines)), key=lambda i: -cosines[i])
    for at, i in enumerate(order):
        rivals = [j for j in order if j != i and (cosource is None or not cosource[i, j])]
        if rivals and order.index(rivals[0]) < at:
            continue  # (one of its rivals shares more)
        second = cosines[rivals[0]] if rivals else 0.0
        if cosines[i] >= t.wash_standout_cosine and cosines[i] >= t.wash_standout_ratio * second:
            gate[i] = True
        if cosource is None:
            break
    return gate


def provenance(
    body: str,
    m: Match,
    meta: Mapping[str, Any],
    found: Sequence[Credit],
    suspect_time: dt.datetime | None,
    aliases: Sequence[Sequence[str]],
    quotes: list[tuple[int, int]],
    *,
    title: str | None = None,
) -> Match:
    """``m`` with whether the suspect credits its original, whose metadata is ``meta``
    (``credited``: a credit line, or for a partial copy a lead-in right before one of its
    passages, 央视报道称：“…”), when both carry a publication time which came first
    (``direction``), how many of the suspect characters its evidence covers are quotations
    (``quoted_chars``), and what the original is, who published it, when and where
    (``original``: its ``title``, and ``ORIGINAL_FIELDS`` of its metadata): a moderator sees
    what was copied without looking its id up."""
    details = dict(m.details)
    details["credited"] = is_credited(found, meta, aliases) or (
        m.kind == "partial"
        and any(
            credits_passage(body, e.suspect[0], meta, aliases, e.suspect[1])
            for e in m.evidence
            if e.kind == "verbatim"
        )
    )
    evidence = [e.suspect for e in m.evidence]
    # the characters both in the evidence and in quotations: |E| + |Q| - |E ∪ Q|
    details["quoted_chars"] = (
        union_length(evidence) + union_length(quotes) - union_length([*evidence, *quotes])
        if evidence and quotes
        else 0
    )
    way = direction(suspect_time, meta_time(meta))
    if way is not None:
        details["direction"] = way
    if shown := described(meta, title):
        details["original"] = shown
    return replace(m, details=details)


def described(meta: Mapping[str, Any], title: str | None) -> dict[str, Any]:
    """What a match says of its original (``original``): its title, and ``ORIGINAL_FIELDS``
    of its metadata, where the record holds them."""
    shown: dict[str, Any] = {"title": title} if title and title.strip() else {}
    return shown | {
        k: meta[k]
        for k in ORIGINAL_FIELDS
        if isinstance(meta.get(k), str | int | float) and str(meta[k]).strip()
    }


#: What a match repeats of its original's metadata, where the record holds it (``original``):
#: who published it, when, and where, for an editor to show beside the copy.
#: (the fields that credit or date a record, English or Chinese: ``provenance.META_CREDITS``
#: but titles, ``META_TIMES``; and its address)
ORIGINAL_FIELDS = tuple(
    dict.fromkeys(
        [*(k for k, kind in META_CREDITS if kind != "title"), *META_TIMES, "url", "链接", "网址"]
    )
)


def stronger(a: Match | None, b: Match | None) -> Match | None:
    """The stronger of two matches with the same original (kind first, then score)."""
    if a is None or b is None:
        return a or b
    return a if a.strength >= b.strength else b
