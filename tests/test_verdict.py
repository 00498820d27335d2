from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from xigao.types import Match
from xigao.verdict import (
    WASH_FEATURES,
    Thresholds,
    combine,
    figure_sources,
    verbatim_kind,
    wash_contributions,
    wash_score,
)


def m(kind: str, score: float) -> Match:
    return Match(
        source_id=f"{kind}{score}", kind=kind, score=score, containment=score, coverage=score
    )  # type: ignore[arg-type]


def test_precedence_repost_over_rewrite_over_partial() -> None:
    verdict, score, ordered = combine([m("partial", 0.9), m("rewrite", 0.5), m("repost", 0.7)])
    assert verdict == "repost"
    assert [x.kind for x in ordered] == ["repost", "rewrite", "partial"]
    assert score == 0.9
    assert combine([m("partial", 0.2), m("rewrite", 0.4)])[0] == "rewrite"
    assert combine([]) == ("original", 0.0, ())


def test_repost_needs_both_shares() -> None:
    t = Thresholds()
    assert verbatim_kind(containment=0.95, coverage=0.3, longest=500, t=t) == "partial"
    assert verbatim_kind(containment=0.5, coverage=0.95, longest=500, t=t) == "partial"
    assert verbatim_kind(containment=0.7, coverage=0.5, longest=500, t=t) == "repost"
    assert (
        verbatim_kind(containment=0.01, coverage=0.01, longest=t.partial_min_len - 1, t=t) is None
    )


def test_load_reads_a_rewritten_file_anew(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.json"
    for floor in (0.8, 0.9, 0.8):  # same size each time: what is parsed follows the content
        path.write_text(json.dumps({"thresholds": {"compare_floor": floor}}), encoding="utf-8")
        assert Thresholds.load(path).compare_floor == floor
    assert Thresholds.load(path) is Thresholds.load(path)  # parsed once per content


def test_wash_shapes_interpolate_and_hold_beyond_their_points() -> None:
    t = Thresholds(wash_shapes=(("mass", (0.2, 0.4, 0.6), (-1.0, 0.0, 2.0)),), wash_bias=0.0)
    for value, part in ((0.0, -1.0), (0.3, -0.5), (0.5, 1.0), (0.9, 2.0)):
        assert wash_contributions({"mass": value}, t)["mass"] == pytest.approx(part)
    assert wash_score({"mass": 0.4}, t) == pytest.approx(0.5)
    assert wash_score({}, t) == pytest.approx(1 / (1 + 2.718281828**1.0))  # absent counts as 0


@pytest.mark.parametrize(
    "shapes",
    [
        {"unknown": [[0, 1], [0, 1]]},
        {"mass": [[0, 0], [1, 2]]},  # x must increase
        {"mass": [[0, 1], [1]]},  # one y per x
        {"mass": "steep"},
    ],
)
def test_malformed_wash_shapes_are_refused_with_the_file_named(
    tmp_path: Path, shapes: object
) -> None:
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"thresholds": {"wash_shapes": shapes}}), "utf-8")
    with pytest.raises(ValueError, match=r"t\.json"):
        Thresholds.load(p)


def test_wash_shapes_round_trip_through_a_file(tmp_path: Path) -> None:
    t = Thresholds.load()
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"thresholds": t.to_dict()}), "utf-8")
    assert Thresholds.load(p) == t


#: The measures that may only lower the shipped wash score (``benchmarks.fit_wash.DECREASING``).
LOWERING = {"conflicts", "numbers_new"}


@given(
    base=st.fixed_dictionaries({f: st.floats(0, 1) for f in WASH_FEATURES}),
    name=st.sampled_from(WASH_FEATURES),
    lo=st.floats(0, 1),
    hi=st.floats(0, 1),
)
def test_the_shipped_wash_score_is_monotone_in_every_measure(
    base: dict[str, float], name: str, lo: float, hi: float
) -> None:
    """More evidence never lowers the score, a conflict or a new number never raises it."""
    t = Thresholds.load()
    lo, hi = min(lo, hi), max(lo, hi)
    low, high = wash_score({**base, name: lo}, t), wash_score({**base, name: hi}, t)
    if name in LOWERING:
        assert high <= low
    else:
        assert high >= low


def test_fiction_decides_rewrites_at_its_own_threshold_and_alignment_floor() -> None:
    """A renamed retelling aligns fewer of its sentences than a news wash: fiction asks for
    less of the suspect aligned (and never more than news), at its own threshold."""
    from xigao.verdict import wash_rewrite

    t = Thresholds(
        wash_threshold=0.7,
        wash_threshold_fiction=0.5,
        wash_min_containment=0.2,
        wash_min_containment_fiction=0.1,
    )
    fiction, news = t.for_genre("fiction"), t.for_genre("news")
    assert news == t
    assert wash_rewrite(0.6, 0.15, 0.0, fiction) and not wash_rewrite(0.6, 0.15, 0.0, news)
    assert not wash_rewrite(0.9, 0.05, 0.0, fiction)
    assert Thresholds(wash_standout_ratio_fiction=1.0).for_genre("fiction").wash_standout_ratio == 1
    loose = replace(t, wash_min_containment_fiction=0.5).for_genre("fiction")
    assert loose.wash_min_containment == 0.2
    shipped = Thresholds.load()
    assert shipped.for_genre("fiction").wash_min_containment <= shipped.wash_min_containment


_candidates = st.lists(
    st.tuples(
        st.floats(0, 1),
        st.floats(0, 1),
        st.floats(0, 1),
        st.frozensets(st.integers(0, 7), max_size=8),
        st.just(0.0),
        st.just(0.0),
        # measured over the whole suspect, or over a scene of it
        st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(4, 8))),
    ),
    max_size=6,
)


@given(_candidates, st.frozensets(st.integers(0, 7)), st.floats(0.01, 1.0))
# (a sentence aligned outside the candidate's scene is no part of what it was measured over)
@example([(1.0, 1.0, 0.0, frozenset([0]), 0.0, 0.0, (1, 4))], frozenset(), 1.0)
def test_further_sources_each_explain_a_part_no_source_before_them_does(
    raw: list, explained: frozenset[int], threshold: float
) -> None:
    from xigao.verdict import WashCandidate, further_sources, own_share

    cands = [WashCandidate(*c) for c in raw]
    weights = [10] * 8
    t = Thresholds(wash_residual_threshold=threshold, wash_cosource_beyond=0.1)
    got = further_sources(cands, explained, weights, t)
    assert len(set(got)) == len(got)
    seen = set(explained)
    for i in got:  # strongest first, each a rewrite at the threshold with a part of its own
        c = cands[i]
        assert c.score >= threshold and c.containment >= t.wash_min_containment
        assert len(c.aligned - seen) >= 1
        seen |= c.aligned
    assert [cands[i].score for i in got] == sorted((cands[i].score for i in got), reverse=True)
    # a rewrite at the threshold left out had no part of its own left once those before it
    # were, inside what it was measured over (its scene: a sentence outside it is no part)
    for i, c in enumerate(cands):
        if i not in got and c.score >= threshold and c.containment >= t.wash_min_containment:
            before = set(explained).union(
                *(cands[j].aligned for j in got if cands[j].score >= c.score)
            )
            left = own_share(c, c.aligned - before, weights)
            assert c.verbatim_share >= 0.5 or left < t.wash_cosource_beyond


def test_a_thresholds_file_with_a_retired_setting_loads_with_a_warning(tmp_path: Path) -> None:
    """A file saved before a setting was retired (``rewrite_min_margin``: unread since the wash
    score came) loads as the same thresholds, saying so; an unknown name is still refused."""
    shipped = Thresholds.load()
    old = shipped.to_dict()
    old["rewrite_min_margin"] = 0.4
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"thresholds": old}), encoding="utf-8")
    with pytest.warns(DeprecationWarning, match="rewrite_min_margin"):
        assert Thresholds.load(path) == shipped
    path.write_text(json.dumps({"thresholds": {**old, "bogus": 1}}), encoding="utf-8")
    with pytest.raises(ValueError, match="bogus"), pytest.warns(DeprecationWarning):
        Thresholds.load(path)


@given(
    st.lists(st.frozensets(st.integers(13, 30).map(float), max_size=10), max_size=6),
    st.integers(1, 4),
)
def test_each_figure_source_states_enough_figures_and_more_than_any_other(
    stated: list[frozenset[float]], need: int
) -> None:
    left = frozenset().union(*stated) if stated else frozenset()
    picked = figure_sources(stated, left, Thresholds(wash_figure_sources=need))
    assert len(set(picked)) == len(picked)
    for i in picked:  # in order: each on what those before it leave
        count = len(stated[i] & left)
        assert count >= need
        assert all(
            len(stated[k] & left) < count
            for k in range(len(stated))
            if k != i and k not in picked[: picked.index(i)]
        )
        left = left - stated[i]
    assert figure_sources(stated, frozenset(), Thresholds(wash_figure_sources=need)) == []
    assert figure_sources(stated, left, Thresholds(wash_figure_sources=0)) == []
