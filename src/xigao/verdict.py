"""From measured reuse to verdicts: the operational definitions of the project's benchmark
(``../shared/docs/benchmark.md``) in one place.

>>> t = Thresholds()
>>> verbatim_kind(containment=0.9, coverage=0.8, longest=300, t=t)
'repost'
>>> verbatim_kind(containment=0.1, coverage=0.05, longest=60, t=t)
'partial'
>>> verbatim_kind(containment=0.05, coverage=0.02, longest=20, t=t) is None
True
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from xigao.sketch import SketchConfig
from xigao.types import VERDICT_RANK, Match, MatchKind, Verdict, check_genre


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Decision thresholds. Repost shares follow the definition; lengths are in key characters
    (content characters after normalization: no punctuation or whitespace)."""

    #: share of the suspect made of sentences copied verbatim from one original, for ``repost``
    repost_containment: float = 0.7
    #: share of that original the passages cover, for ``repost``
    repost_coverage: float = 0.5
    #: longest exactly copied run (key characters) for ``partial``; ~50 characters as written
    partial_min_len: int = 40
    #: shortest passage reported as evidence at all
    evidence_min_len: int = 15
    #: a partial copy whose passages are held by more indexed originals than this (the median
    #: over their fingerprints) is no copy of any one of them: a programme's formulae (its
    #: leaders' titles, a ceremony's protocol, a slogan) are in dozens of its stories, a passage
    #: copied from one story in at most four of the 35,926 besides it (``dedup.COMMON_DF``)
    formula_df: float = 8.0
    #: seed length for exact alignment
    seed_len: int = 8
    #: differing characters bridged inside one near-verbatim passage
    max_gap: int = 4
    #: a near-verbatim passage this long (key characters) with ``near_share`` of its
    #: characters equal is a partial copy even with no exact run of ``partial_min_len``: a
    #: paragraph copied with a character changed every sentence or so (a typo, a homophone: a
    #: 伪原创 tool's noise) keeps runs of twenty characters, not forty
    near_min_len: int = 80
    near_share: float = 0.9
    #: weight of embedding cosine vs character-bigram Dice in sentence similarity
    blend_weight: float = 0.5
    #: ``compare``'s graded score: the whole texts' cosine counts from this value up (rescaled
    #: to ``compare_under_floor``–1 above it; sentence encoders put even unrelated texts well
    #: above 0); for e5 and encoder objects
    compare_floor: float = 0.8
    #: ``compare_floor`` for the static encoder, whose cosines spread differently
    compare_floor_static: float = 0.5
    #: the similarity a cosine at the floor is worth: cosines below the floor keep their order
    #: on a small linear slope from 0 up to it, those above rise from it to 1 (0: every cosine
    #: under the floor ties at 0)
    compare_under_floor: float = 0.0
    #: ``compare``'s graded score: where the share of the original reused (aligned or copied)
    #: exceeds the whole texts' similarity, it raises that similarity by (n − 1) / (n − 1 +
    #: this) of the difference for an original of n sentences, so a one-sentence original is
    #: scored by the cosine alone and an article almost wholly by its share
    compare_sentences: float = 1.0
    #: the e5 prompt of ``compare``'s whole-text cosine: "query" (e5's prompt for symmetric
    #: similarity) or "passage" (the prompt the index stores originals with)
    compare_prompt: str = "query"
    #: blended similarity at which a suspect sentence counts as re-expressing an original one
    sentence_threshold: float = 0.6
    #: share of the suspect's sentences (by characters) aligned to one original, for ``rewrite``
    rewrite_containment: float = 0.5
    #: share of that original's sentences aligned, for ``rewrite``
    rewrite_coverage: float = 0.3
    #: aligned suspect characters a rewrite needs at least (a one-line notice that shares a
    #: template with another is not 洗稿)
    rewrite_min_chars: int = 0
    #: mean similarity of the aligned sentence pairs a rewrite needs at least (formulaic
    #: reports of one series align sentence by sentence, but loosely)
    rewrite_min_similarity: float = 0.0
    #: share of the rare proper nouns (people, places, bodies) of the aligned original
    #: sentences that a rewrite keeps at least (a story on another visit swaps them)
    rewrite_min_entities: float = 0.0
    #: share of a rewrite's aligned sentence pairs (by suspect characters) whose numbers,
    #: ordinals or people disagree that it may hold at most: a report in a formulaic series
    #: (another day's figures, another guest received) follows the template but states other
    #: facts, while a rewrite keeps its original's (1: no limit)
    rewrite_max_conflicts: float = 1.0
    #: originals fetched by document-vector similarity as rewrite candidates
    vector_candidates: int = 5
    #: originals fetched by shared facts (IDF-weighted bigram cosine, :mod:`xigao.terms`) as
    #: rewrite candidates
    term_candidates: int = 5
    #: an original longer than this many times the suspect is measured over its best window
    #: of that length (a washed passage of a long chapter; see ``detect.wash_stats``)
    wash_window: float = 1.5
    #: the window is at least this many content characters (a condensed story is measured
    #: against the whole story it condenses)
    wash_window_min: int = 0
    #: fact cosine (``detect.WashStats.cosine``) under which a candidate is not aligned at all:
    #: few washes in the fitting sets share so few rare bigrams with their original (when it
    #: was set, the fewest shared 0.16, the renamed literature retellings aside), and a third
    #: of the candidates do
    wash_min_cosine: float = 0.15
    #: … unless it stands out: the candidate sharing the most facts is aligned from this fact
    #: cosine when it shares ``wash_standout_ratio`` times as much as the next candidate (a
    #: renamed retelling keeps few rare bigrams, its names renamed, but no other chapter
    #: keeps as many; see ``verify.Verifier.wash_candidates``). Twice: the news washes of the
    #: fit batches written since hold single-source washes of THUCNews articles sharing
    #: 0.12-0.15 with their original at 2.5-3.0 times the next (a self-media post, a deep
    #: wash); at 3 they were never aligned. Measured on the fit batches and the synthetic fit
    #: and loo splits: one deep wash and one merge more, no negative flagged more
    wash_standout_cosine: float = 0.05
    wash_standout_ratio: float = 2.0
    #: … in an index of fiction, where the original a retelling renames shares fewer facts
    #: still (its names were the facts) and chapters of one novel share its people: the
    #: candidate sharing the most is aligned when it shares this many times as much as the
    #: next (1: always)
    wash_standout_ratio_fiction: float = 3.0
    #: … from this fact cosine. A retelling of a scene grafted into another story (融梗)
    #: shares fewer facts with its chapter than a retelling of the whole passage does, diluted
    #: by the other scene's: on the fit batches of 融梗 (``lit-merge``, 90-91) the second
    #: scene's chapter shares 0.03-0.08 with the whole story and 0.036-0.11 with what the
    #: first scene's chapter leaves of it, where no third chapter shares more than 0.024
    wash_standout_cosine_fiction: float = 0.03
    #: share of the suspect's fact mass that each of two candidates must explain on its own
    #: (facts the other does not hold) for them to count as two sources of a stitched story
    #: rather than rivals (see ``verify.Verifier.wash_candidates``)
    wash_cosource: float = 1.0
    #: weight of the sentence vectors' cosine against bigram Dice when aligning for a wash
    #: (chosen on the fitting sets: 0.5 at a threshold of 0.5 found more deep and condensed
    #: washes than Dice alone, or thresholds of 0.45 or 0.55)
    wash_blend: float = 0.5
    #: similarity at which a suspect sentence re-expresses an original one (wash)
    wash_sentence_threshold: float = 0.5
    #: whether wash alignment passes sentence vectors through the paraphrase head shipped
    #: for the index's encoder (``embed.wash_head``), where there is one
    wash_head: bool = False
    #: the wash score's shape functions, one per name of ``WASH_FEATURES`` (see
    #: :func:`wash_score`): each a feature's values and their log-odds, interpolated between;
    #: fitted by ``benchmarks/fit_wash.py``
    wash_shapes: tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...] = ()
    wash_bias: float = 0.0
    #: share of the suspect re-expressing the original's sentences that a rewrite needs at
    #: least, whatever its wash score: a verdict shows the sentences it rests on (candidates
    #: never aligned, or barely, are reported as near misses at most; on the fitting sets only
    #: renamed retellings with no aligned sentence scored above the threshold without it, and
    #: on held-out THUCNews, partial copies that the score had turned into evidence-free
    #: rewrites). 0.2 until 2026-12-05; on the fitting cases every candidate at or above the
    #: wash threshold with 10-20% of the suspect aligned is a true source (6, none of them a
    #: same-topic innocent, another candidate or an honest negative), and 0.15 finds as many
    #: of the fit batches' washes as 0.1 (450 of 497, against 448 at 0.2)
    wash_min_containment: float = 0.15
    #: … in an index of fiction: a renamed retelling aligns fewer of its sentences (every
    #: name differs, and web-novel prose splits and merges the original's), and no honest work
    #: of fiction of the fitting sets, nor any other chapter, aligns a single sentence (set by
    #: ``benchmarks/fit_wash.py``: never under one sentence in ten)
    wash_min_containment_fiction: float = 0.2
    #: wash score (a probability) from which a candidate is a rewrite
    wash_threshold: float = 0.5
    #: … in an index of fiction (``genre="fiction"``, see :meth:`for_genre`): the news
    #: threshold is set so that few reports of a formulaic series, or honest reports of the
    #: same event, reach it, and a renamed retelling of a chapter keeps too few of its facts
    #: (the names) to; no honest work of fiction of the fitting sets (a continuation with the
    #: same names, another scene of the genre) comes near it, nor any other chapter.
    #: Fitted by ``benchmarks/fit_wash.py``, never under even odds (0.5).
    wash_threshold_fiction: float = 0.5
    #: once a suspect is found to wash one original, the wash score from which another that
    #: explains ``wash_cosource_beyond`` of the suspect on its own is a second source (see
    #: :func:`wash_sources`). Set by ``benchmarks/fit_wash.py``: the lowest of a grid (0.05
    #: to 0.6) from which the rule adds no wrong source to the fitting cases out of fold
    wash_cosource_threshold: float = 0.3
    wash_cosource_beyond: float = 0.1
    #: … and the wash score from which another candidate, measured again on the residual (the
    #: suspect's sentences no source found re-expresses), is a further source that explains
    #: ``wash_cosource_beyond`` of the suspect no source found does (see
    #: ``verify.Verifier.residual_sources``; 1: never). Set by ``benchmarks/fit_residual.py``
    #: on the fitting cases
    wash_residual_threshold: float = 1.0
    #: … or, whatever its wash score there, the fact cosine from which a candidate whose
    #: facts stand out on the residual (``wash_residual_ratio`` times the next candidate's
    #: there) is a further source. A report that gives a story a third of its facts scores
    #: low as a wash even there (it re-expresses little of its own original), but no other
    #: original shares the residual's facts as it does. Set by ``benchmarks/fit_residual.py``
    #: on the fitting cases (1: never). Found by its facts alone, it must re-express
    #: ``wash_residual_sentences`` of the suspect's sentences no source yet does: one sentence
    #: of a spun story that its source's alignment missed can share a formula with another
    #: report (两国关系发展势头强劲 / 推动中马全面合作伙伴关系取得更大发展), as two of the
    #: synthetic dev split's 180 rewrites did, and five of the synthetic fit splits' cases
    #: would at 0.20
    wash_residual_cosine: float = 1.0
    wash_residual_ratio: float = 1.5
    #: … or from this fact cosine when they stand far out, ``wash_residual_far_ratio`` times
    #: the next candidate's: of the fit batches' merges of two THUCNews articles that miss
    #: their second source, three share 0.15-0.17 with the residual at 2.5-4.5 times the next.
    #: At 0.15 and 3 times, two more merges have both sources on the fit batches, no wash a
    #: wrong source and no synthetic fit case one (0.12 the same; 2.5 times adds a wrong one).
    #: Set in ``thresholds.json`` (1: never)
    wash_residual_far_cosine: float = 1.0
    wash_residual_far_ratio: float = 3.0
    #: … in an index of fiction: a grafted scene (融梗) is found by its facts standing out on
    #: what the other scene's chapter leaves from this cosine (its names were most of its
    #: facts; see ``wash_standout_cosine_fiction``), and it must re-express this share of the
    #: whole suspect that no source yet does (``wash_cosource_beyond``'s in fiction, for a
    #: second source found on the whole suspect as well): a retelling of a scene in new prose
    #: aligns few of its sentences (of the 14 second chapters found on the fit batches 90-91,
    #: two re-express 7.5% and 9.4% of the story that the first leaves)
    wash_residual_cosine_fiction: float = 0.03
    wash_cosource_beyond_fiction: float = 0.05
    #: how many times the residual is measured: once a further source is found there, the
    #: others are measured again on what it leaves (a third scene of a story grafted from
    #: three, on what the first two leave). Once in news, where the residual rule was fitted
    #: on stories of two reports; in fiction ``wash_residual_rounds_fiction``
    wash_residual_rounds: int = 1
    wash_residual_rounds_fiction: int = 3
    #: share of the residual's fact mass (``detect.own_facts``) that two candidates must each
    #: explain and the other not, measured there, for neither to be the other's rival (1:
    #: every other candidate is a rival, as in news). In fiction two scenes left on the residual
    #: share its facts about equally, and neither stood out against the other: on stories of
    #: the fit 融梗 with a fit retelling of a third book appended, 0.02 finds all three chapters
    #: of 8 of 16 (none with every candidate a rival) and no wrong chapter anywhere
    wash_residual_cosource: float = 1.0
    wash_residual_cosource_fiction: float = 0.02
    wash_residual_sentences: int = 2
    #: figures (quantities other than dates, times and whole numbers up to 12) of the suspect
    #: that none of its sources found states, of which a further candidate must state so many
    #: to be a further source (:func:`figure_sources`; 0: never). A story stitched from two
    #: reports of figures weaves the second's into sentences the first re-expresses, so no
    #: residual is left to align (fit merges: 31.67万亿元 and 22.2% of a second report inside
    #: sentences retelling the first). On the fit batches no other candidate of any suspect
    #: with a source found states more than two of its figures; 3 finds 5 of the 9 second
    #: sources the residual misses there
    wash_figure_sources: int = 3
    #: wash score from which the closest original of a suspect called original is reported as
    #: its ``near_miss``
    near_miss_floor: float = 0.05

    @classmethod
    def load(cls, path: str | Path | None = None) -> Thresholds:
        """Thresholds from a JSON file (default: the calibrated ``thresholds.json`` shipped
        with xigao, written by ``benchmarks/calibrate_xigao.py``); unknown keys are errors."""
        p = Path(path) if path is not None else Path(__file__).with_name("thresholds.json")
        if path is None and not p.exists():
            return cls()
        # parsed once per content: the shipped file carries its calibration tables (~120 KB),
        # and compare() loads it on every call
        return _parse(str(p), p.read_bytes())

    def for_genre(self, genre: str) -> Thresholds:
        """These thresholds as an index of ``genre`` (one of ``types.GENRES``) applies them:
        fiction decides rewrites at ``wash_threshold_fiction`` and
        ``wash_min_containment_fiction``, aligns the original sharing the most facts at
        ``wash_standout_ratio_fiction`` and ``wash_standout_cosine_fiction`` (its pairs naming
        other people are no conflict either: ``Index.wash_candidates``), and finds a further
        source on the residual at ``wash_residual_cosine_fiction`` and
        ``wash_cosource_beyond_fiction``, measuring it ``wash_residual_rounds_fiction`` times
        with rivals weighed as ``wash_residual_cosource_fiction`` says.

        >>> t = Thresholds(wash_threshold=0.8, wash_threshold_fiction=0.5, wash_min_containment_fiction=0.1)
        >>> t.for_genre("fiction").wash_threshold, t.for_genre("fiction").wash_min_containment
        (0.5, 0.1)
        """
        if check_genre(genre) == "fiction":
            return replace(
                self,
                wash_threshold=min(self.wash_threshold, self.wash_threshold_fiction),
                wash_min_containment=min(
                    self.wash_min_containment, self.wash_min_containment_fiction
                ),
                wash_standout_ratio=min(self.wash_standout_ratio, self.wash_standout_ratio_fiction),
                wash_standout_cosine=min(
                    self.wash_standout_cosine, self.wash_standout_cosine_fiction
                ),
                wash_residual_cosine=min(
                    self.wash_residual_cosine, self.wash_residual_cosine_fiction
                ),
                wash_cosource_beyond=min(
                    self.wash_cosource_beyond, self.wash_cosource_beyond_fiction
                ),
                wash_residual_rounds=max(
                    self.wash_residual_rounds, self.wash_residual_rounds_fiction
                ),
                wash_residual_cosource=min(
                    self.wash_residual_cosource, self.wash_residual_cosource_fiction
                ),
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """As in a thresholds file (``wash_shapes`` a mapping)."""
        d = asdict(self)
        d["wash_shapes"] = {name: [list(x), list(y)] for name, x, y in self.wash_shapes}
        return d

    def min_fingerprint_hits(self, cfg: SketchConfig) -> int:
        """Shared fingerprints a ``partial``-length passage is guaranteed to produce.

        A run of L key characters holds L - k + 1 k-grams; every window of ``cfg.window`` of them
        contributes its minimum, so at least floor((L - k + 1) / window) distinct positions.
        """
        grams = self.partial_min_len - cfg.k + 1
        return max(1, grams // cfg.window)


#: Settings thresholds files once held that no longer exist, with why: a file that holds one
#: (saved by ``Thresholds.to_dict`` or a calibration before) loads, with a warning.
RETIRED = {
    "rewrite_min_margin": "the sentence rule's standout, unread since the wash score came",
}


@functools.lru_cache(maxsize=8)
def _parse(path: str, content: bytes) -> Thresholds:
    """The thresholds in ``content``, read from the file ``path`` (named in errors)."""
    data = json.loads(content.decode("utf-8"))
    values = data.get("thresholds", data)
    for gone in sorted(
        RETIRED.keys() & set(values)
    ):  # (a file saved before it was retired still loads)
        warnings.warn(
            f"threshold {gone!r} in {path} is no longer read: {RETIRED[gone]}",
            DeprecationWarning,
            stacklevel=3,
        )
        del values[gone]
    known = {f.name for f in fields(Thresholds)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown threshold(s) {unknown} in {path}; known: {sorted(known)}")
    if values.get("compare_prompt", "query") not in ("query", "passage"):
        raise ValueError(f"compare_prompt must be 'query' or 'passage' in {path}")
    if not 0.0 <= values.get("compare_under_floor", 0.0) < 1.0:
        raise ValueError(f"compare_under_floor must be in [0, 1) in {path}")
    values["wash_shapes"] = _shapes(values.get("wash_shapes", {}), path)
    return Thresholds(**values)


def _shapes(shapes: Any, path: str) -> tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]:
    """``wash_shapes`` as read from a thresholds file: ``{name: [[x...], [y...]]}``, the x
    increasing, one y per x."""
    out = []
    if not isinstance(shapes, dict) or set(shapes) - set(WASH_FEATURES):
        raise ValueError(f"wash_shapes must map names of {WASH_FEATURES} in {path}")
    for name, value in shapes.items():
        try:
            x, y = (tuple(float(v) for v in part) for part in value)
        except (TypeError, ValueError):
            raise ValueError(f"wash_shapes[{name!r}] must be [[x...], [y...]] in {path}") from None
        if not x or len(x) != len(y) or any(b <= a for a, b in itertools.pairwise(x)):
            raise ValueError(f"wash_shapes[{name!r}]: x must increase, one y each, in {path}")
        out.append((name, x, y))
    return tuple(out)


def verbatim_kind(
    *, containment: float, coverage: float, longest: int, t: Thresholds, near: int = 0
) -> MatchKind | None:
    """The kind of a verbatim match, or None when it is too slight to report; ``longest``:
    its longest exactly equal run, ``near``: its longest passage that is nearly all equal
    (``near_share``)."""
    if containment >= t.repost_containment and coverage >= t.repost_coverage:
        return "repost"
    if longest >= t.partial_min_len or near >= t.near_min_len:
        return "partial"
    return None


def rewrite_kind(
    *,
    aligned: int,
    containment: float,
    coverage: float,
    verbatim_share: float,
    t: Thresholds,
    similarity: float = 1.0,
    entities: float = 1.0,
    conflicts: float = 0.0,
) -> MatchKind | None:
    """``rewrite`` when most of the suspect re-expresses sentences of one original and most of
    those sentences are altered rather than copied verbatim (copies are partial or repost),
    keeping the people and places they are about and the facts they state.

    >>> t = Thresholds(rewrite_max_conflicts=0.2)
    >>> rewrite_kind(aligned=400, containment=0.8, coverage=0.7, verbatim_share=0.1, t=t)
    'rewrite'
    >>> rewrite_kind(aligned=400, containment=0.8, coverage=0.7, verbatim_share=0.1, t=t,
    ...              conflicts=0.3) is None  # the template of another day's report
    True
    """
    if (
        aligned >= t.rewrite_min_chars
        and conflicts <= t.rewrite_max_conflicts
        and similarity >= t.rewrite_min_similarity
        and entities >= t.rewrite_min_entities
        and containment >= t.rewrite_containment
        and coverage >= t.rewrite_coverage
        and verbatim_share < 0.5
    ):
        return "rewrite"
    return None


#: What the wash score weighs, each in [0, 1] but ``ratio`` (in [0, 5]): the shares of
#: :class:`xigao.detect.WashStats`; how far the original's fact cosine stands above its
#: strongest rival's (``margin``: the difference, ``ratio``: the quotient), a rival being
#: another candidate aligned to at least half the same suspect sentences; whether the suspect
#: keeps the original's numbers and states few of its own; and how much evidence there is
#: (``evidence``: the aligned suspect characters, ``mass``: the shared facts' IDF² mass, both
#: on a log scale): a one-sentence notice sharing a template is weaker evidence than a story.
WASH_FEATURES = (
    "recall",
    "precision",
    "containment",
    "coverage",
    "similarity",
    "dice_containment",
    "dice_coverage",
    "conflicts",
    "margin",
    "ratio",
    "numbers_kept",
    "numbers_new",
    "evidence",
    "mass",
)


def wash_contributions(features: Mapping[str, float], t: Thresholds) -> dict[str, float]:
    """Each measure's part of the wash score's log-odds, largest first: its shape function
    (``Thresholds.wash_shapes``) at its value, interpolated linearly between the fitted
    points and held constant beyond them."""
    parts = {
        name: float(np.interp(float(features.get(name, 0.0)), x, y)) for name, x, y in t.wash_shapes
    }
    return dict(sorted(parts.items(), key=lambda kv: -abs(kv[1])))


def wash_score(features: Mapping[str, float], t: Thresholds) -> float:
    """How likely a suspect washes an original, from the measures ``features`` (named as in
    ``WASH_FEATURES``): a logistic additive model (each measure adds its own curve's
    log-odds), so every measure weighs in, none vetoes, and each one's part can be shown.

    >>> t = Thresholds(wash_shapes=(("containment", (0.0, 1.0), (-2.0, 2.0)),), wash_bias=0.5)
    >>> round(wash_score({"containment": 0.75}, t), 3)  # 0.5 + 1.0
    0.818
    """
    z = t.wash_bias + sum(wash_contributions(features, t).values())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def wash_rewrite(score: float, containment: float, verbatim_share: float, t: Thresholds) -> bool:
    """Whether a measured candidate is a rewrite: its wash score reaches the threshold, enough
    of the suspect re-expresses its sentences, and most of those are altered rather than copied
    (copies are partial or repost).

    >>> t = Thresholds(wash_threshold=0.7)
    >>> wash_rewrite(0.9, 0.6, 0.1, t), wash_rewrite(0.9, 0.0, 0.0, t), wash_rewrite(0.9, 0.6, 0.8, t)
    (True, False, False)
    """
    return (
        score >= t.wash_threshold and containment >= t.wash_min_containment and verbatim_share < 0.5
    )


class WashCandidate(NamedTuple):
    """What :func:`wash_sources` weighs of one measured candidate."""

    score: float  #: its wash score
    containment: float  #: share of the suspect re-expressing it
    verbatim_share: float  #: share of that copied rather than altered
    aligned: frozenset[int]  #: the suspect sentences aligned to it
    cosine: float = 0.0  #: its fact cosine with the suspect (``detect.WashStats.cosine``)
    ratio: float = 0.0  #: that cosine over the next candidate's (at most 5)
    #: the run of the suspect's sentences it was measured over (a scene of a long chapter of
    #: fiction, ``detect.WashStats.scene``); None: the whole suspect
    scene: tuple[int, int] | None = None


def own_share(c: WashCandidate, part: Iterable[int], weights: Sequence[int]) -> float:
    """The share of what ``c`` was measured over (its scene, or the whole suspect) that the
    suspect sentences ``part`` hold: :func:`measured_share` of its scene. A second scene of a
    long chapter is measured as a suspect of its own, and a page of it is little of the chapter.

    >>> own_share(WashCandidate(0.9, 0.5, 0.0, frozenset()), {1}, [10, 10, 20, 60])
    0.1
    >>> own_share(WashCandidate(0.9, 0.5, 0.0, frozenset(), scene=(0, 2)), {1, 3}, [10, 10, 20, 60])
    0.5
    """
    return measured_share(c.scene, part, weights)


def measured_share(
    scene: tuple[int, int] | None, part: Iterable[int], weights: Sequence[int]
) -> float:
    """The share of the characters (by sentence ``weights``) of the ``scene`` a candidate was
    measured over (a run of sentences; None: the whole suspect) that the sentences ``part``
    inside it hold.

    >>> measured_share(None, {0, 3}, [10, 10, 20, 60]), measured_share((2, 4), {0, 3}, [10, 10, 20, 60])
    (0.7, 0.75)
    """
    lo, hi = scene if scene is not None else (0, len(weights))
    inside = sum(weights[j] for j in part if lo <= j < hi)
    return inside / max(sum(weights[lo:hi]), 1)


def wash_sources(
    candidates: Sequence[WashCandidate], weights: Sequence[int], t: Thresholds
) -> list[int]:
    """Which candidates (their positions) a suspect washes: every rewrite
    (:func:`wash_rewrite`), then, once one is found, each other candidate that explains a
    part of the suspect of its own (``wash_cosource_beyond`` of its characters, or of its
    scene's, by sentence ``weights``: :func:`own_share`; aligned to none of those found) from
    the lower score
    ``wash_cosource_threshold``, strongest first: a story stitched from two is a wash of
    each, and the second, measured on the part the first leaves, has less to show.

    >>> t = Thresholds(wash_threshold=0.7, wash_cosource_threshold=0.4, wash_cosource_beyond=0.1)
    >>> c = [WashCandidate(0.9, 0.6, 0.0, frozenset({0, 1})), WashCandidate(0.5, 0.5, 0.0, frozenset({1, 2}))]
    >>> wash_sources(c, [10, 10, 10], t), wash_sources(c[1:], [10, 10, 10], t)
    ([0, 1], [])
    """
    found = [
        i
        for i, c in enumerate(candidates)
        if wash_rewrite(c.score, c.containment, c.verbatim_share, t)
    ]
    if not found:
        return found
    explained = frozenset().union(*(candidates[i].aligned for i in found))
    second = replace(t, wash_threshold=t.wash_cosource_threshold)
    for i in sorted(range(len(candidates)), key=lambda i: -candidates[i].score):
        c = candidates[i]
        if i in found or not wash_rewrite(c.score, c.containment, c.verbatim_share, second):
            continue
        if own_share(c, c.aligned - explained, weights) >= t.wash_cosource_beyond:
            found.append(i)
            explained |= c.aligned
    return sorted(found)


def further_sources(
    candidates: Sequence[WashCandidate],
    explained: frozenset[int],
    weights: Sequence[int],
    t: Thresholds,
) -> list[int]:
    """Which candidates (their positions), measured on the residual of a suspect whose found
    sources re-express its sentences ``explained``, are further sources: a rewrite there at
    ``wash_residual_threshold``, or one whose facts stand out there (:func:`stands_out`) in
    ``wash_residual_sentences`` sentences or more, that re-expresses ``wash_cosource_beyond``
    of the whole suspect, or of its scene (by sentence ``weights``: :func:`own_share`), that no
    source yet does, strongest first.

    >>> t = Thresholds(wash_residual_threshold=0.3, wash_cosource_beyond=0.1)
    >>> c = [WashCandidate(0.6, 0.5, 0.0, frozenset({2, 3})), WashCandidate(0.8, 0.5, 0.0, frozenset({3}))]
    >>> further_sources(c, frozenset({0, 1}), [10, 10, 10, 10], t)  # 1 takes 3; 0 still has 2
    [1, 0]
    >>> further_sources(c, frozenset({0, 1, 2}), [10, 10, 10, 10], t)  # nothing left for 0
    [1]
    >>> low = [WashCandidate(0.05, 0.5, 0.0, frozenset({2, 3}), cosine=0.25, ratio=4.0)]
    >>> further_sources(low, frozenset({0, 1}), [10, 10, 10, 10], t)  # its facts, not its score
    []
    >>> by_facts = replace(t, wash_residual_cosine=0.2)
    >>> further_sources(low, frozenset({0, 1}), [10, 10, 10, 10], by_facts)
    [0]
    >>> further_sources(low, frozenset({0, 1, 2}), [10, 10, 10, 10], by_facts)  # one sentence
    []
    """
    at = replace(t, wash_threshold=t.wash_residual_threshold)
    out = []
    for i in sorted(
        range(len(candidates)), key=lambda i: (-candidates[i].score, -candidates[i].cosine)
    ):
        c = candidates[i]
        new = c.aligned - explained
        # facts that stand out in enough sentences make it one whatever its score there
        by_facts = stands_out(c, t) and len(new) >= t.wash_residual_sentences
        if not wash_rewrite(1.0 if by_facts else c.score, c.containment, c.verbatim_share, at):
            continue
        if own_share(c, new, weights) >= t.wash_cosource_beyond:
            out.append(i)
            explained = explained | c.aligned
    return out


def figure_sources(
    stated: Sequence[frozenset[float]], left: frozenset[float], t: Thresholds
) -> list[int]:
    """Which candidates (their positions), given the figures each ``stated`` of those ``left``
    (the suspect's figures that none of its sources found states), are further sources: the
    one stating the most of them, ``wash_figure_sources`` or more and more than any other,
    then again on what it leaves, strongest first.

    >>> t = Thresholds(wash_figure_sources=3)
    >>> figure_sources([frozenset({1.5, 20.0}), frozenset({1.5, 20.0, 31.67})], frozenset({1.5, 20.0, 31.67, 99.0}), t)
    [1]
    >>> figure_sources([frozenset({1.5, 20.0, 31.67}), frozenset({1.5, 20.0, 31.67})], frozenset({1.5, 20.0, 31.67}), t)  # which one?
    []
    """
    out: list[int] = []
    if t.wash_figure_sources <= 0:
        return out
    while True:
        counts = [len(s & left) if i not in out else -1 for i, s in enumerate(stated)]
        if not counts:
            return out
        best = max(range(len(counts)), key=lambda i: counts[i])
        runner = max((c for i, c in enumerate(counts) if i != best), default=0)
        if counts[best] < t.wash_figure_sources or counts[best] <= runner:
            return out
        out.append(best)
        left = left - stated[best]


def stands_out(c: WashCandidate, t: Thresholds) -> bool:
    """Whether a candidate measured on a suspect's residual shares its facts as no other does
    there: a fact cosine of ``wash_residual_cosine``, ``wash_residual_ratio`` times the next
    candidate's, or of ``wash_residual_far_cosine``, ``wash_residual_far_ratio`` times it.

    >>> t = Thresholds(wash_residual_cosine=0.2, wash_residual_ratio=1.5)
    >>> stands_out(WashCandidate(0.0, 0.5, 0.0, frozenset(), 0.24, 1.6), t), stands_out(WashCandidate(0.0, 0.5, 0.0, frozenset(), 0.24, 1.2), t)
    (True, False)
    >>> far = replace(t, wash_residual_far_cosine=0.15)
    >>> stands_out(WashCandidate(0.0, 0.5, 0.0, frozenset(), 0.16, 4.0), far), stands_out(WashCandidate(0.0, 0.5, 0.0, frozenset(), 0.16, 2.0), far)
    (True, False)
    """
    return standing_floor(c.cosine, c.ratio, t) is not None


def standing_floor(cosine: float, ratio: float, t: Thresholds) -> float | None:
    """The fact cosine that the rule by which a candidate's facts stand out on the residual
    asks for (:func:`stands_out`: ``wash_residual_cosine``, or ``wash_residual_far_cosine``
    where only the far rule holds), given its fact ``cosine`` there and its ``ratio`` to the
    next candidate's; None where neither holds.

    >>> t = Thresholds(wash_residual_cosine=0.2, wash_residual_far_cosine=0.15)
    >>> standing_floor(0.24, 1.6, t), standing_floor(0.16, 4.0, t), standing_floor(0.16, 2.0, t)
    (0.2, 0.15, None)
    """
    if cosine >= t.wash_residual_cosine and ratio >= t.wash_residual_ratio:
        return t.wash_residual_cosine
    if cosine >= t.wash_residual_far_cosine and ratio >= t.wash_residual_far_ratio:
        return t.wash_residual_far_cosine
    return None


def combine(matches: Iterable[Match]) -> tuple[Verdict, float, tuple[Match, ...]]:
    """Order matches strongest first and derive the document verdict and score.

    The verdict is the strongest kind found (repost > rewrite > partial); the score is the best
    match score.
    """
    ordered = tuple(sorted(matches, key=lambda m: (-VERDICT_RANK[m.kind], -m.score)))
    if not ordered:
        return "original", 0.0, ()
    verdict: Verdict = ordered[0].kind
    return verdict, max(m.score for m in ordered), ordered
