"""The helpers of :mod:`xigao.names` that read a renamed copy's name map."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from xigao.names import (
    _accept,
    _best_cuts,
    _core,
    _core_kept,
    _cut_at_words,
    _Rename,
    _titled,
)


def test_one_character_renamed_beside_a_kept_one_is_a_rename_in_place_twice() -> None:
    assert _core_kept("徐晃", "秦晃")
    assert _core_kept("西蜀", "西岷")
    assert _core_kept("老五", "老六")  # a numeral after a name's beginning
    assert not _core_kept("四遍", "四个")  # a numeral or measure word: no name
    assert not _core_kept("得命", "条命")
    assert not _core_kept("要伸", "得伸")
    assert not _core_kept("宝玉", "宝玉")  # nothing renamed


def test_a_rename_in_place_twice_with_one_character_changed_is_accepted() -> None:
    twice = _Rename(order=2, cooccur=2, bounds=4, tight=4)
    assert _accept("徐晃", "秦晃", twice, 1.0)
    assert _accept("老五", "老六", twice, 1.0)
    # off word boundaries it stays the old, strict reading
    assert not _accept("徐晃", "秦晃", _Rename(order=2, cooccur=2, bounds=3, tight=3), 1.0)
    assert not _accept("二人", "两人", twice, 1.0)


def test_a_titled_or_prefixed_name_renamed_once_in_a_short_span() -> None:
    assert _titled("老孙", "老石")
    assert _titled("赵员外", "钱员外")
    assert not _titled("何先生", "贾先生")  # 何 is a common function character
    assert _titled("碧波潭", "青澜潭")
    assert not _titled("来村", "到村")  # a common verb swapped
    once = _Rename(order=1, cooccur=1, bounds=4, tight=4)
    assert _accept("老孙", "老石", once, 1.0)
    assert not _accept("老孙", "老石", _Rename(order=1, cooccur=1, bounds=4, tight=-1), 1.0)


def test_a_list_renamed_one_by_one_is_cut_at_the_side_whose_words_fit() -> None:
    # 辽引许褚于禁徐晃 -> 远引牛猛马进吕晃: jieba reads 引许|褚于|禁 but 牛猛|马进|吕晃
    assert _best_cuts(2, 7, 2, {0, 1, 3, 5, 6, 9}, {0, 2, 4, 6, 9}, (1, 1)) == [
        (2, 4),
        (4, 6),
        (6, 7),
    ]
    # both sides agree: the joint cut, as before
    starts = {0, 2, 4, 5}
    assert _best_cuts(0, 5, 0, starts, starts, (0, 1)) == _cut_at_words(0, 5, starts, (0, 1))


_han = st.text(alphabet="王李老孙先生州晃秦西蜀岷五六大", min_size=1, max_size=5)


@given(_han, _han)
def test_core_splits_two_forms_into_kept_and_renamed_parts(x: str, y: str) -> None:
    pre, cx, cy, suf = _core(x, y)
    assert pre + cx + suf == x
    assert pre + cy + suf == y
    if _core_kept(x, y):
        assert cx and cy and x != y


@given(
    st.integers(0, 5), st.integers(1, 8), st.sets(st.integers(0, 14)), st.sets(st.integers(0, 14))
)
def test_best_cuts_tile_the_span(i1: int, n: int, ob: set[int], sb: set[int]) -> None:
    i2 = i1 + n
    cuts = _best_cuts(i1, i2, i1, ob, sb, (1, 1))
    assert cuts[0][0] == i1 and cuts[-1][1] == i2
    assert all(u < v for u, v in cuts)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cuts))
