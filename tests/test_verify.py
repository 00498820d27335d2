"""The pair-level helpers of :mod:`xigao.verify`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xigao.verify import scene_share


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
