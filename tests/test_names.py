"""The helpers of :mod:`xigao.names` that read a renamed copy's name map."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from xigao.names import (
    _accept,
    _accept_character,
    _accept_tagged,
    _best_cuts,
    _clean,
    _core,
    _core_kept,
    _core_ok,
    _cut_at_words,
    _keep_ending,
    _name_lists,
    _named_before,
    _near_name,
    _pair_lists,
    _pair_near,
    _pair_titled,
    _Rename,
    _Side,
    _titled,
    _warp,
    _wordy,
    anchor_chain,
)
from xigao.paraphrase import Pair, bigram_set


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


def test_a_dictionary_word_the_original_repeats_renamed_to_a_person_is_a_rename() -> None:
    # 八戒 is an ordinary word of jieba's dictionary; written again and again in the original
    # and renamed in place to a person's name the dictionary does not know, it is a character
    once = _Rename(order=1, cooccur=1, bounds=4, tight=4, written=3)
    assert _accept("八戒", "朱憨", once, 1.0)
    assert not _accept("八戒", "朱憨", _Rename(order=1, cooccur=1, bounds=4, tight=4), 1.0)
    assert not _accept("今日", "今天", once, 1.0)  # no person's name


def test_one_character_renamed_between_tagged_persons_names_is_a_rename() -> None:
    tagged = _Rename(order=1, cooccur=1, bounds=4, tight=4, tagged=True)
    assert _accept("陈留", "陈川", tagged, 1.0)
    assert _accept("徐晃", "吕晃", tagged, 1.0)
    # untagged, or not both persons' names: the old reading (one character is too little)
    assert not _accept("陈留", "陈川", _Rename(order=1, cooccur=1, bounds=4, tight=4), 1.0)
    assert not _accept("明灵", "英灵", tagged, 1.0)
    assert not _clean("白厉厉") and not _clean("来到") and _clean("陈川")


def test_a_rename_jieba_tags_a_name_on_both_sides_is_read_in_a_second_pass() -> None:
    # in place twice inside a longer name (镇元大仙 -> 乾元大仙), off the word boundaries the
    # first reading asks for
    twice = _Rename(order=2, cooccur=2, bounds=2, tight=2, tagged=True)
    assert not _accept("镇元", "乾元", twice, 1.0)
    assert _accept_tagged("镇元", "乾元", twice, 1.0)
    assert not _accept_tagged("镇元", "乾元", replace(twice, tagged=False), 1.0)
    # once, a character the original writes three times or more
    once = _Rename(order=1, cooccur=1, bounds=3, tight=3, tagged=True, written=3)
    assert _accept_tagged("黛玉", "苏清婉", once, 1.0)
    assert _accept_tagged("曹兵", "萧兵", once, 1.0)
    assert not _accept_tagged(
        "黛玉", "苏清婉", _Rename(order=1, bounds=3, tight=3, tagged=True), 1.0
    )
    # what differs a common verb or function character: a synonym swap, not a rename
    assert not _accept_tagged("上寿", "祝寿", once, 1.0)
    assert not _accept_tagged("为汉", "做安", once, 1.0)
    assert not _accept_tagged("操大", "来韩苍", once, 1.0)  # 大 and 来: common characters
    assert not _accept_tagged("二人", "两人", once, 1.0)  # an ordinary word of the dictionary


def test_a_character_of_the_chapter_renamed_once_is_read_in_a_third_pass() -> None:
    # the original writes it five times or more; renamed once, in place, on word boundaries
    often = _Rename(order=1, cooccur=1, bounds=4, tight=4, written=29)
    assert not _accept("宝钗", "婉清", often, 1.0)
    assert not _accept_tagged("宝钗", "婉清", often, 1.0)
    assert _accept_character("宝钗", "婉清", often, 1.0)
    assert _accept_character("于禁", "屈禁", often, 1.0)  # a surname for a surname
    assert _accept_character("薛姨", "苏姨", often, 1.0)
    # written fewer times, or only near the other form: not enough
    assert not _accept_character("宝钗", "婉清", replace(often, written=4), 1.0)
    assert not _accept_character("宝钗", "婉清", replace(often, order=0, near=1), 1.0)
    # one character swapped beside a kept one, not a surname's: synonym swaps
    assert not _accept_character("手掿", "手握", often, 1.0)
    assert not _accept_character("搠死", "捅死", often, 1.0)
    assert not _accept_character("百孝", "百善", often, 1.0)
    # an ordinary word, a grammar character, letters: no name
    assert not _accept_character("二人", "两人", often, 1.0)
    assert not _accept_character("宝钗", "婉的", often, 1.0)
    assert not _accept_character("en", "班诺万", often, 1.0)


def test_the_diff_maps_a_place_of_the_original_onto_the_suspect() -> None:
    ops = [("equal", 0, 2, 0, 2), ("replace", 2, 6, 2, 4), ("equal", 6, 8, 4, 6)]
    assert _warp(ops, 1) == 1  # equal text: the same place
    assert _warp(ops, 4) == 3  # half way through a changed stretch: half way through its retelling
    assert _warp(ops, 7) == 5
    inserted = [("equal", 0, 2, 0, 2), ("other", 2, 2, 2, 5), ("equal", 2, 4, 5, 7)]
    assert _warp(inserted, 3) == 6


def test_names_are_paired_in_order_where_the_diff_maps_them() -> None:
    # 只说宝玉因昨日贾政问起黛玉 / 单说沈言昨天沈崇文问起苏念: the names at their mapped places
    xs = [(3.0, "宝玉"), (8.0, "贾政"), (13.0, "黛玉")]
    ys = [(3.5, "沈言"), (8.5, "沈崇文"), (13.0, "苏念")]
    assert _pair_near(xs, ys) == [("宝玉", "沈言"), ("贾政", "沈崇文"), ("黛玉", "苏念")]
    # the nearer of two, never crossed, and none further apart than the gap
    assert _pair_near([(3.0, "贾政"), (9.0, "黛玉")], [(9.5, "苏念")]) == [("黛玉", "苏念")]
    crossed = _pair_near([(3.0, "贾政"), (9.0, "黛玉")], [(9.0, "苏念"), (3.0, "沈崇文")])
    assert len(crossed) == 1
    assert _pair_near([(3.0, "贾政")], [(9.0, "沈崇文")]) == []
    assert _pair_near([], [(9.0, "沈崇文")]) == []


def test_a_pair_by_place_alone_is_a_rename_only_between_clear_names() -> None:
    assert _near_name("徐志摩", "许云帆")  # two persons' names
    assert _near_name("泰山", "苍山")  # two places
    assert not _near_name("今日", "今天")  # ordinary words
    assert not _near_name("白厉厉", "白森森")  # a doubled character
    near = _Rename(near=1)
    assert _accept("徐志摩", "许云帆", near, 0.0)
    assert not _accept("今日", "今天", near, 0.0)
    assert not _accept("徐志摩", "许云帆", _Rename(), 0.0)  # never paired at all


def test_a_common_word_before_a_shared_place_ending_is_no_rename() -> None:
    # 径沉潭底 -> 直沉潭底, 教当殿官 -> 吩咐当殿官: adverbs, conjunctions, two-character verbs
    assert _wordy("直") and _wordy("并") and _wordy("吩咐") and _wordy("做成")
    assert not _wordy("冀") and not _wordy("披")  # a name's character, a one-character verb
    assert not _wordy("光旦")  # not in the dictionary: jieba's guess at its tag is no evidence
    once = _Rename(order=1, cooccur=1, bounds=4, tight=4)
    assert not _accept("径沉潭", "直沉潭", once, 1.0)
    assert not _accept("教当殿", "吩咐当殿", once, 1.0)
    assert _accept("冀州", "朔州", once, 1.0)
    assert _accept("披香殿", "凝香殿", once, 1.0)


def test_a_surname_renamed_before_a_title_is_a_rename() -> None:
    assert _core_ok("何先生", "贾先生")  # 何 is also a common word, but a surname before 先生
    assert _core_ok("王押司", "孙押司")
    assert _core_ok("宝二爷", "言二爷")  # a title with a numeral in it
    assert not _core_ok("魏名", "韦名")  # 姓魏名征: one character after it is no title
    assert not _core_ok("来村", "到村")


def test_a_last_place_ending_stays_with_the_name_a_list_cut_left_before_it() -> None:
    assert _keep_ending([(0, 2), (2, 3)], "狼子村的", "野狐屯的", 3) == [(0, 3)]
    # a one-character name (许褚于禁徐|晃), or an ending the suspect kept: cut as before
    assert _keep_ending([(0, 2), (2, 3)], "于禁徐晃", "马进吕晃", 3) == [(0, 2), (2, 3)]
    assert _keep_ending([(0, 2), (2, 3)], "狼子村", "野狐村", 3) == [(0, 2), (2, 3)]
    assert _keep_ending([(0, 3)], "狼子村", "野狐屯", 3) == [(0, 3)]


def _side(text: str) -> _Side:
    return _Side(text, bigram_set(text), Counter())


def test_the_one_name_before_an_ending_each_side_writes_is_paired() -> None:
    # 王夫人 -> 周夫人 inside a changed stretch: the diff lined up 夫人 with 夫人
    o, s = "宋江十分烦恼与王夫人计议", "卫昭愁得眉头紧锁找周夫人商量"
    every = (set(range(len(o) + 1)), set(range(len(s) + 1)))
    assert _pair_titled(o, s, _side(o), _side(s), every) == [("王夫人", "周夫人")]
    # a place: two characters jieba reads as one word before its ending
    o, s = "来到万寿山前", "到了长生山下"
    assert _pair_titled(o, s, _side(o), _side(s), every) == [("万寿山", "长生山")]
    # an ending at the start has no name before it, and the reading goes on past it
    o = "夫人说与王夫人计议"
    every = (set(range(len(o) + 1)), every[1])
    assert _pair_titled(o, "找周夫人商量", _side(o), _side("找周夫人商量"), every) == [
        ("王夫人", "周夫人")
    ]
    # written on both sides: no rename; two on one side: which is which is not known
    o, s = "与王夫人计议", "找王夫人商量"
    assert _pair_titled(o, s, _side(o), _side(s), every) == []
    o, s = "王夫人与邢夫人计议", "找周夫人商量"
    assert _pair_titled(o, s, _side(o), _side(s), every) == []
    # off a word boundary, or words that are no name's beginning
    o, s = "来到万寿山前", "到了长生山下"
    assert _pair_titled(o, s, _side(o), _side(s), (set(), set())) == []
    assert not _named_before("依旧")  # 依旧镇 -> 当天镇: an adverb, a time
    assert not _named_before("当天")
    assert not _named_before("吾旧")  # two words
    assert _named_before("万寿")


def test_two_lists_of_names_with_one_ending_are_paired_name_by_name() -> None:
    o = "那九阳泉乃香冷泉伴山泉温泉东合泉有诗为证"
    s = "九处热泉寒香泉依岭泉暖玉泉东汇泉再加上"
    assert _name_lists(o) == {"泉": ["香冷泉", "伴山泉", "温泉", "东合泉"]}
    assert _name_lists(s)["泉"][1:] == ["寒香泉", "依岭泉", "暖玉泉", "东汇泉"]
    # from their ends: the suspect's first name (处热泉) was cut where no name starts
    assert _pair_lists(o, s, _side(o), _side(s)) == [
        ("东合泉", "东汇泉"),
        ("温泉", "暖玉泉"),
        ("伴山泉", "依岭泉"),
        ("香冷泉", "寒香泉"),
    ]
    assert _pair_lists(o, o, _side(o), _side(o)) == []  # nothing renamed
    assert _name_lists("温泉和汤泉") == {}  # two are no list
    # a list's names are renames though the dictionary knows them (温泉)
    assert _accept("温泉", "暖玉泉", _Rename(near=1, listed=True), 0.0)


def test_a_repeated_dictionary_word_renamed_where_a_person_speaks_is_a_rename() -> None:
    # 八戒道 -> 朱能说 in a retold sentence: 能 is a verb, but 朱 a surname
    spoken = _Rename(order=1, cooccur=1, bounds=4, speech=True, written=3)
    assert _accept("八戒", "朱能", spoken, 1.0)
    assert not _accept("八戒", "朱能", _Rename(order=1, cooccur=1, bounds=4, written=3), 1.0)


def test_names_on_word_boundaries_in_a_long_span_are_a_rename() -> None:
    long_span = _Rename(order=1, cooccur=1, bounds=4)
    assert _accept("石家", "江家", long_span, 1.0)
    assert not _accept("石家", "江家", _Rename(order=1, cooccur=1, bounds=3), 1.0)
    assert not _accept("今日", "今天", long_span, 1.0)


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


@given(
    st.lists(st.tuples(st.floats(0, 60), st.sampled_from("甲乙丙丁")), max_size=6),
    st.lists(st.tuples(st.floats(0, 60), st.sampled_from("子丑寅卯")), max_size=6),
)
def test_pairs_by_place_keep_the_order_of_both_sides(
    xs: list[tuple[float, str]], ys: list[tuple[float, str]]
) -> None:
    xs, ys = sorted(xs), sorted(ys)
    got = _pair_near(xs, ys)
    assert len(got) <= min(len(xs), len(ys))
    assert all(x in {w for _, w in xs} and y in {w for _, w in ys} for x, y in got)


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=25, unique_by=lambda p: p[0]
    )
)
def test_an_anchor_chain_keeps_the_longest_order_both_sides_share(
    pairs: list[tuple[int, int]],
) -> None:
    ps = [Pair(a, (b,), 1.0, 1.0, 1.0, False) for a, b in pairs]
    chain = anchor_chain(ps)
    assert all(p in ps for p in chain)
    assert all(
        x.suspect < y.suspect and x.source[0] < y.source[0] for x, y in itertools.pairwise(chain)
    )
    # no pairs in order on both sides make a longer chain (brute force on the small ones)
    if len(ps) <= 8:
        best = max(
            (
                len(c)
                for r in range(len(ps) + 1)
                for c in itertools.combinations(sorted(ps, key=lambda p: p.suspect), r)
                if all(x.source[0] < y.source[0] for x, y in itertools.pairwise(c))
            ),
            default=0,
        )
        assert len(chain) == best
