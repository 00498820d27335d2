"""The pair-level helpers of :mod:`xigao.verify`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from xigao.detect import WashStats
from xigao.paraphrase import Names, Pair
from xigao.verify import _mostly_inside, scene_share, scene_short


@given(
    st.lists(st.integers(min_value=1, max_value=80), min_size=1, max_size=40),
    st.data(),
)
def test_scene_share_is_a_share_that_more_aligned_sentences_never_lower(
    weights: list[int], data: st.DataObject
) -> None:
    index = st.integers(min_value=0, max_value=len(weights) - 1)
    aligned = frozenset(data.draw(st.sets(index)))
    more = aligned | {data.draw(index)}
    got = scene_share(aligned, weights)
    assert 0.0 <= got <= scene_share(more, weights) <= 1.0
    assert scene_share(frozenset(range(len(weights))), weights) == 1.0


def test_a_scene_in_one_half_is_denser_than_the_same_sentences_strewn() -> None:
    weights = [10] * 10
    assert scene_share(frozenset({0, 1, 2}), weights) == 0.6
    assert scene_share(frozenset({0, 5, 9}), weights) == 0.4


spans_in_100 = st.lists(
    st.tuples(st.integers(0, 100), st.integers(0, 100)).map(sorted).map(tuple), max_size=6
)


@given(st.integers(0, 100), st.integers(0, 100), spans_in_100)
def test_mostly_inside_counts_each_character_once(lo: int, hi: int, spans: list) -> None:
    # the reference: characters of [lo, hi) that some span holds, each counted once however
    # many spans overlap there (a sum over spans would count a character twice)
    held = sum(any(a <= k < b for a, b in spans) for k in range(lo, hi))
    assert _mostly_inside(lo, hi, spans) == (hi > lo and 2 * held >= hi - lo)


def test_half_a_passage_inside_is_mostly_inside_and_overlaps_count_once() -> None:
    assert _mostly_inside(0, 10, [(0, 5)])  # exactly half
    assert not _mostly_inside(0, 10, [(0, 4)])
    assert not _mostly_inside(0, 10, [(0, 4), (0, 4), (1, 3)])  # 4 characters, not 10
    assert not _mostly_inside(5, 5, [(0, 10)])  # an empty passage is inside nothing


class _Sides:
    """Just what :func:`scene_short` reads of a suspect's and an original's sentences: the
    suspect's content characters, the people each original sentence names."""

    def __init__(self, keys: list[str], named: dict[int, tuple[str, ...]]) -> None:
        self.keys, self.named = keys, named

    def __len__(self) -> int:
        return len(self.keys)

    def names(self, i: int) -> Names:
        return Names(frozenset(), frozenset(self.named.get(i, ())))


def _scene(pairs: list[tuple[int, int]], containment: float, kept: int, named: int) -> str | None:
    """:func:`scene_short` of a scene of 20 suspect sentences (the first and last two outside
    it) aligned by ``pairs`` (suspect, original), each of whose original sentences names the
    same ``named`` people, ``kept`` of them written in the scene."""
    people = [f"人{i}" for i in range(named)]
    keys = ["甲乙丙丁"] * 20
    keys[5] = "".join(people[:kept]) + "说"
    suspect = cast(Any, type("P", (), {"sents": _Sides(keys, {})})())
    source = cast(
        Any,
        type("P", (), {"sents": _Sides(["句"] * 40, dict.fromkeys(range(40), tuple(people)))})(),
    )
    stats = replace(
        WashStats(0, 0, containment, 0, 0, 0, 0, 0, 0, (0, 40)),
        pairs=tuple(Pair(a, (b,), 0.6, 0.6, 0.3, False) for a, b in pairs),
    )
    skip = frozenset({0, 1, 18, 19})
    return scene_short(stats, suspect, source, skip)


def test_a_thin_scene_is_a_retelling_by_its_order_and_its_renamed_people() -> None:
    in_order = [(i + 2, i) for i in range(8)]  # 8 pairs, all in order, from original sentence 0
    assert _scene(in_order, 0.35, 4, 4) is None  # aligned enough whatever it names
    assert _scene(in_order, 0.2, 1, 4) is None  # renamed: 1 of 4 named as the original does
    assert _scene(in_order, 0.2, 0, 2) is None
    one = _scene(in_order, 0.2, 0, 1)  # one word tagged as a name shows no renaming
    assert one is not None and "1 of the 1 people" in one and "(it needs 2)" in one
    kept = _scene(in_order, 0.2, 2, 4)  # half of them kept: a recap's way
    assert kept is not None and "2 of the 4 people" in kept and "(it needs 3)" in kept
    assert "8 of its 8 aligned sentences in the original's order (it needs 6)" in kept
    nobody = _scene(in_order, 0.2, 0, 0)  # no one named: no renaming shown
    assert nobody is not None and nobody.endswith(
        "0 of the 0 people its aligned sentences of "
        "the original name (by jieba's tags) named otherwise (it needs 2)"
    )
    assert _scene(in_order, 0.14, 0, 4) is not None  # under 15% aligned
    assert _scene(in_order[:5], 0.2, 0, 4) is not None  # a chain of 5
    # most in order: 6 of 12 pairs is half and passes, 6 of 13 is not
    shuffled = [(i + 2, 20 + i) for i in range(6)] + [(i + 8, 10 - i) for i in range(6)]
    assert _scene(shuffled, 0.2, 0, 4) is None
    worse = [*shuffled, (17, 3)]
    short = _scene(worse, 0.2, 0, 4)
    assert (
        short is not None
        and "6 of its 13 aligned sentences in the original's order (it needs 7)" in short
    )
    assert "named otherwise" not in short  # not read: the order already falls short
    # a conflicting pair is no aligned sentence
    clash = [Pair(a, (b,), 0.6, 0.6, 0.3, False, conflict=True) for a, b in in_order]
    stats = replace(WashStats(0, 0, 0.2, 0, 0, 0, 0, 0, 0, (0, 40)), pairs=tuple(clash))
    sides = cast(Any, type("P", (), {"sents": _Sides(["甲"] * 20, {})})())
    assert "0 of its 0" in (scene_short(stats, sides, sides, frozenset()) or "")


def test_more_sources_is_said_only_where_the_matches_leave_the_suspect_unexplained(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A check that left originals unaligned for want of ``limit`` says ``more_sources`` when
    its matches explain less than ``MORE_SOURCES_BELOW`` of the suspect (a compilation), not
    when they explain it already (a story indexed many times over; diff review 13)."""
    from xigao import Index
    from xigao.detect import Prepared
    from xigao.verify import MORE_SOURCES_BELOW

    with Index.build(stories[:60], tmp_path / "idx", vectors=None) as idx:
        t = idx.thresholds
        kinds = ("repost", "partial")

        def decided(body: str, limit: int) -> dict[str, Any]:
            prepared = Prepared.of(body, t)
            plan = idx.candidate_rows(prepared, rewrite=False, limit=limit)._replace(more=True)
            return idx.verifier.decide(body, prepared, plan, kinds).to_dict()

        compilation = decided("\n".join(s["body"] for s in stories[:12]), 3)
        assert compilation["copy_ratio"] < MORE_SOURCES_BELOW
        assert compilation["more_sources"] is True
        repost = decided(stories[5]["body"], 3)
        assert repost["copy_ratio"] >= MORE_SOURCES_BELOW and "more_sources" not in repost
