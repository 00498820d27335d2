"""The pair-level helpers of :mod:`xigao.verify`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xigao.verify import _mostly_inside, scene_share


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
