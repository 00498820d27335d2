from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xigao.detect import (
    Prepared,
    fact_shares,
    fact_window,
    own_facts,
    pair_evidence,
    rewrite_match,
    verbatim_match,
    wash_stats,
)
from xigao.paraphrase import Pair, Sentences
from xigao.verdict import Thresholds

from .test_paraphrase import ORIGINAL, REWRITE

T = Thresholds(
    blend_weight=0.3, sentence_threshold=0.45, rewrite_containment=0.5, rewrite_coverage=0.3
)


def test_a_repost_of_an_original_stored_twice_over_is_a_repost() -> None:
    # an archive stored the article, a line of related headlines and the article again: a
    # whole copy of it covered half the original and was called partial (black-box review 16)
    twice = ORIGINAL + "相关新闻：统计局发布最新数据 经济运行总体平稳" + ORIGINAL
    m = verbatim_match(Prepared.of(ORIGINAL, T), Prepared.of(twice, T), "o", T)
    assert m is not None and m.kind == "repost" and m.coverage > 0.8
    # an original that writes it once beside other text is covered as before: a partial copy
    once = ORIGINAL + "另据报道，" + REWRITE
    m = verbatim_match(Prepared.of(ORIGINAL, T), Prepared.of(once, T), "o", T)
    assert m is not None and m.kind == "partial" and m.coverage < 0.6


def test_traditional_repost_is_verbatim_with_raw_offsets() -> None:
    trad = "轉載：" + opencc.OpenCC("s2t").convert(ORIGINAL)
    m = verbatim_match(Prepared.of(trad, T), Prepared.of(ORIGINAL, T), "o", T)
    assert m is not None and m.kind == "repost"
    assert m.details["verbatim_sentences"] > 0.95  # all but the 转载 prefix
    (ev,) = m.evidence
    assert trad[ev.suspect[0] : ev.suspect[1]].startswith("國家統計局")
    assert ORIGINAL[ev.source[0] : ev.source[1]].startswith("国家统计局")


@pytest.mark.slow
def test_an_altered_name_is_reported_as_the_texts_write_it() -> None:
    # an original in traditional script: the name it wrote is 王滬寧, not the normalizer's 王沪宁
    from xigao.embed import get_encoder

    enc = get_encoder("static")
    original = "王滬寧22日在京會見了來訪的客人。"
    suspect = "赵乐际22日在京会见了来访的客人。"
    a, b = Prepared.of(suspect, T).with_sentences(enc), Prepared.of(original, T).with_sentences(enc)
    _, altered = pair_evidence(a, b, [Pair(0, (0,), 0.9, 0.9, 0.6, False)])
    assert [(x["kind"], x["detail"]) for x in altered] == [("name", "王滬寧→赵乐际")]
    assert altered[0]["text"] == "原文为 王滬寧，此处为 赵乐际"


#: A bulletin dense with figures, and the same spelled out as a repost that evades a
#: digits-only check writes them.
FISCAL = (
    "财政部发布的数据显示，今年1—2月，全国财政收入44154亿元，同比增长0.7%。"
    "分税种看，国内增值税增长4.7%，出口退税5569亿元，同比多退494亿元。"
    "全国一般公共预算支出42003亿元，同比增长6.7%，其中社会保障支出增长9.8%。"
)
FISCAL_SPELLED = (
    "财政部发布的数据显示，今年一—二月，全国财政收入四万四千一百五十四亿元，同比增长百分之零点七。"
    "分税种看，国内增值税增长百分之四点七，出口退税五千五百六十九亿元，同比多退四百九十四亿元。"
    "全国一般公共预算支出四万二千零三亿元，同比增长百分之六点七，其中社会保障支出增长百分之九点八。"
)


def test_a_repost_that_spells_its_figures_out_is_a_repost() -> None:
    m = verbatim_match(Prepared.of(FISCAL_SPELLED, T), Prepared.of(FISCAL, T), "o", T)
    assert m is not None and m.kind == "repost"
    assert m.details["verbatim_sentences"] > 0.95
    # its evidence holds the figures as each text writes them
    (ev,) = m.evidence
    assert "四万四千一百五十四亿元" in FISCAL_SPELLED[ev.suspect[0] : ev.suspect[1]]
    assert "44154亿元" in FISCAL[ev.source[0] : ev.source[1]]


def test_a_figure_changed_is_not_spelled_alike() -> None:
    # another month's bulletin from the same template: its figures differ, digits or not
    other = FISCAL_SPELLED.replace("四万四千一百五十四", "四万四千一百五十五").replace(
        "零点七", "零点八"
    )
    other = other.replace("百分之四点七", "百分之四点八").replace("五千五百六十九", "五千五百七十")
    other = other.replace("四百九十四", "四百九十五").replace("四万二千零三", "四万二千零四")
    other = other.replace("百分之六点七", "百分之六点九").replace("百分之九点八", "百分之九点九")
    m = verbatim_match(Prepared.of(other, T), Prepared.of(FISCAL, T), "o", T)
    assert m is None or m.kind != "repost"


def test_a_run_meets_the_one_before_only_where_both_texts_go_on() -> None:
    # a digit inserted (10 -> 100, 2 -> 22) makes two exact runs that touch in the suspect but
    # overlap in the original: they stay apart, and the bulletin of another day is no copy
    o = "本市昨日新增本土确诊病例10例，新增无症状感染者2例，均为隔离管控人员。"
    assert (
        verbatim_match(
            Prepared.of(o.replace("10例", "100例").replace("2例", "22例"), T),
            Prepared.of(o, T),
            "o",
            T,
        )
        is None
    )
    # nor is a sentence quoted twice one run twice as long
    line = "市气象台发布暴雨橙色预警信号请市民注意防范"
    o = "据报道，" + line + "。另据了解，今年汛期降雨总体偏多，各地已做好准备，防汛物资储备充足。"
    s = "转发提醒：" + line + "，" + line + "！大家出门记得带伞，注意交通安全，照顾好家里的老人。"
    assert verbatim_match(Prepared.of(s, T), Prepared.of(o, T), "o", T) is None


def test_widened_runs_stay_in_order_and_apart() -> None:
    # a run widened backward over a figure may not reach over the run before it
    u, v = "国家统计局今天发布数据显示", "参加了本次全国代表大会的开幕式活动并发表讲话"
    o = "据悉" + u + "146例确诊病例另有其他内容若干字" + u + "一百四十六人" + v
    m = verbatim_match(Prepared.of(u + "146人" + v, T), Prepared.of(o, T), "o", T)
    assert m is not None
    spans = [e.suspect for e in m.evidence]
    assert spans == sorted(spans) and all(x[1] <= y[0] for x, y in itertools.pairwise(spans))
    assert m.coverage <= len(u + "一百四十六人" + v) / len(o)


def test_a_figure_before_the_first_run_is_read_with_its_per_cent_sign() -> None:
    tail = "的受访者认为国家统计局发布的全国居民消费价格指数数据可信"
    m = verbatim_match(Prepared.of("50%" + tail, T), Prepared.of("百分之五十" + tail, T), "o", T)
    assert m is not None and m.kind == "repost"


def test_light_spin_is_not_a_repost() -> None:
    spun = ORIGINAL.replace("发布", "公布").replace("贡献率", "奉献率").replace("主要", "首要")
    m = verbatim_match(Prepared.of(spun, T), Prepared.of(ORIGINAL, T), "o", T)
    assert m is None or m.kind != "repost"


@pytest.mark.slow
def test_rewrite_match_reports_paraphrase_evidence() -> None:
    from xigao.embed import get_encoder

    enc = get_encoder("static")
    a = Prepared.of(REWRITE, T).with_sentences(enc)
    b = Prepared.of(ORIGINAL, T).with_sentences(enc)
    m, stats = rewrite_match(a, b, "o", T)
    assert m is not None and m.kind == "rewrite"
    assert stats.containment > 0.9 and stats.coverage > 0.9
    kinds = {e.kind for e in m.evidence}
    assert "paraphrase" in kinds
    for e in m.evidence:
        assert 0 <= e.suspect[0] < e.suspect[1] <= len(REWRITE)
        assert 0 <= e.source[0] < e.source[1] <= len(ORIGINAL)


# One embassy reception reported twice: the frame is shared, the places are not.
RECEPTION = (
    "中国驻尼日利亚大使馆举办国庆招待会，尼日利亚各界人士近七百人出席。"
    "嘉宾们高度评价新中国发展成就，祝愿中尼友好合作不断深化。"
    "尼日利亚副总统在致辞中表示，尼日利亚愿同中方携手推进莱基深水港和阿布贾轻轨建设。"
)
RECEPTION_ELSEWHERE = (
    "中国驻肯尼亚大使馆举办国庆招待会，肯尼亚各界人士近七百人出席。"
    "嘉宾们高度评价新中国发展成就，祝愿两国友好合作不断深化。"
    "肯尼亚副总统在致辞中表示，肯尼亚愿同中方携手推进蒙内铁路和内罗毕快速路建设。"
)


@pytest.mark.slow
def test_a_rewrite_keeps_the_places_a_report_from_elsewhere_swaps() -> None:
    from xigao.embed import get_encoder

    enc = get_encoder("static")
    t = Thresholds(
        blend_weight=0.0,
        sentence_threshold=0.3,
        rewrite_containment=0.5,
        rewrite_coverage=0.3,
        rewrite_min_entities=0.6,
    )
    original = Prepared.of(RECEPTION, t).with_sentences(enc)
    elsewhere = Prepared.of(RECEPTION_ELSEWHERE, t).with_sentences(enc)
    m, stats = rewrite_match(elsewhere, original, "o", t)
    # aligned sentence by sentence, but 莱基, 阿布贾 and 中尼 are nowhere in it
    assert stats.containment == 1.0 and stats.entities == 0.0 and m is None
    assert rewrite_match(elsewhere, original, "o", replace(t, rewrite_min_entities=0.0))[0]
    spun = RECEPTION.replace("举办", "举行").replace("高度评价", "充分肯定").replace("致辞", "讲话")
    m, stats = rewrite_match(Prepared.of(spun, t).with_sentences(enc), original, "o", t)
    assert m is not None and m.kind == "rewrite" and stats.entities == 1.0


# One daily bulletin and the next day's: the frame and some sentences are shared, the figures
# are not.
BULLETIN = (
    "国家卫健委今天通报，昨日全国新增确诊病例35例，其中境外输入病例28例。"
    "当日新增无症状感染者12例，均为境外输入。"
    "各地要继续坚持外防输入、内防反弹的总策略，毫不放松抓好常态化防控。"
    "专家提醒，公众出行时仍需科学佩戴口罩，保持社交距离，做好个人防护。"
    "入境人员须严格落实隔离观察和核酸检测措施，确保闭环管理不留死角。"
)
NEXT_BULLETIN = (
    "国家卫健委今日通报，昨天全国新增确诊病例41例，其中境外输入病例33例。"
    "当天新增无症状感染者9例，均为境外输入。"
    "各地须继续坚持外防输入、内防反弹的总体策略，丝毫不放松抓好常态化防控。"
    "专家提示，公众外出时仍需科学佩戴口罩，保持社交距离，搞好个人防护。"
    "入境人员需严格落实隔离观察与核酸检测措施，确保闭环管理不留死角。"
)


@pytest.mark.slow
def test_a_rewrite_keeps_the_figures_another_days_bulletin_changes() -> None:
    from xigao.embed import get_encoder

    enc = get_encoder("static")
    t = Thresholds(
        blend_weight=0.0, sentence_threshold=0.3, rewrite_containment=0.5, rewrite_coverage=0.3
    )
    original = Prepared.of(BULLETIN, t).with_sentences(enc)
    m, stats = rewrite_match(Prepared.of(NEXT_BULLETIN, t).with_sentences(enc), original, "o", t)
    # the three sentences without figures align and count; the two with other figures conflict
    assert m is not None and m.kind == "rewrite" and 0.3 < stats.conflicts < 0.5
    assert m.details["conflicts"] == pytest.approx(stats.conflicts, abs=1e-4)
    strict = replace(t, rewrite_max_conflicts=0.3)
    original = Prepared.of(BULLETIN, strict).with_sentences(enc)
    nxt = Prepared.of(NEXT_BULLETIN, strict).with_sentences(enc)
    assert rewrite_match(nxt, original, "o", strict)[0] is None
    # the same bulletin in other words keeps its figures: no conflict, still a rewrite
    spun = NEXT_BULLETIN.replace("41", "35").replace("33", "28").replace("9例", "12例")
    m, stats = rewrite_match(Prepared.of(spun, strict).with_sentences(enc), original, "o", strict)
    assert m is not None and m.kind == "rewrite" and stats.conflicts == 0.0


@given(
    st.lists(st.integers(1, 60), min_size=1, max_size=30),
    st.lists(st.floats(0, 10), min_size=30, max_size=30),
    st.integers(1, 400),
)
def test_fact_window_is_the_heaviest_run_within_budget(
    weights: list[int], mass: list[float], budget: int
) -> None:
    n = len(weights)
    s = Sentences(((0, 1),) * n, ("",) * n, np.array(weights), np.zeros((n, 1), np.float32), ())
    m = np.array(mass[:n])
    lo, hi = fact_window(s, m, budget)
    assert 0 <= lo < hi <= n
    assert hi - lo == 1 or sum(weights[lo:hi]) <= budget
    best = max(
        m[i:j].sum()
        for i in range(n)
        for j in range(i + 1, n + 1)
        if j - i == 1 or sum(weights[i:j]) <= budget
    )
    assert m[lo:hi].sum() >= best - 1e-6


@pytest.mark.slow
def test_wash_stats_measure_a_passage_of_a_long_original_over_its_window() -> None:
    from xigao.embed import get_encoder
    from xigao.terms import Terms

    enc = get_encoder("static")
    filler = "".join(
        f"第{i}段讲的是另一件与此无关的事情，天气晴朗，人们照常上班。" for i in range(60)
    )
    chapter = filler + ORIGINAL + filler
    # a window of 1.5 times this short suspect (the shipped minimum, 1,500 characters, would
    # hold most of the chapter)
    t = replace(Thresholds.load(), wash_window_min=0)
    terms = Terms.of([1, 2], [chapter, filler])
    a = Prepared.of(REWRITE, t).with_sentences(enc)
    b = Prepared.of(chapter, t).with_sentences(enc)
    facts = fact_shares(a, b, terms, t)
    lo, hi = facts.window
    assert 0 < lo < hi < len(b.sents or ())  # the window holds the passage, not the chapter
    stats = wash_stats(a, b, facts, t)
    assert stats.containment > 0.8 and stats.coverage > 0.5 and stats.recall > 0.3
    for p in stats.pairs:  # aligned inside the window
        assert all(lo <= j < hi for j in p.source)
    # a suspect sharing no facts is not aligned at all
    other = Prepared.of("小猫在阳光下伸了个懒腰，又蜷成一团睡着了。", t).with_sentences(enc)
    none = wash_stats(other, b, fact_shares(other, b, terms, t), t)
    assert none.pairs == () and none.containment == 0.0
    # … and a gate closed by the caller keeps the fact shares alone
    shut = wash_stats(a, b, facts, t, gate=False)
    assert shut.pairs == () and shut.recall == stats.recall


@pytest.mark.slow
def test_in_fiction_an_original_line_is_re_expressed_in_one_place() -> None:
    """A stock line of the original paired with three lines strewn over the suspect: in
    fiction it is re-expressed in one place (``sole_partners``), in news every pair stays; a
    line the original writes twice may be taken twice (diff review 13)."""
    from xigao.embed import get_encoder
    from xigao.terms import Terms

    enc = get_encoder("static")
    t = Thresholds.load()
    line = "那妇人道：“多感官人厚意，奴家记下了。”"
    filler = [f"第{i}天，天气晴朗，街上的人照常来往，各自忙着自己的营生。" for i in range(30)]
    suspect = "".join([*filler[:9], line, *filler[9:19], line, *filler[19:29], line])
    original = "西门庆便道：“娘子请坐。”" + line + "王婆笑道：“老身去买些酒来。”"
    terms = Terms.of([1, 2], [original, "".join(filler)])
    a = Prepared.of(suspect, t).with_sentences(enc)
    b = Prepared.of(original, t).with_sentences(enc)
    twice = Prepared.of(original + line, t).with_sentences(enc)
    facts = fact_shares(a, b, terms, t)
    as_news = wash_stats(a, b, facts, t, gate=True)
    as_fiction = wash_stats(a, b, facts, t, gate=True, people=False)
    assert sorted(p.suspect for p in as_news.pairs) == [9, 20, 31]
    assert [p.suspect for p in as_fiction.pairs] == [9]
    written_twice = wash_stats(
        a, twice, fact_shares(a, twice, terms, t), t, gate=True, people=False
    )
    assert len(written_twice.pairs) == 2


@pytest.mark.slow
def test_own_facts_tell_what_each_of_two_sources_alone_explains() -> None:
    from xigao.embed import get_encoder
    from xigao.terms import Terms

    enc = get_encoder("static")
    t = Thresholds.load()
    terms = Terms.of([1, 2], [ORIGINAL, RECEPTION])
    suspect = Prepared.of(REWRITE + RECEPTION_ELSEWHERE, t).with_sentences(enc)
    gdp, party = (Prepared.of(x, t).with_sentences(enc) for x in (ORIGINAL, RECEPTION))
    a, b = fact_shares(suspect, gdp, terms, t), fact_shares(suspect, party, terms, t)
    own = own_facts([a, b, a], terms)
    assert own[0, 2] == own[2, 0] == 0.0  # an original explains nothing beyond itself
    assert 0.2 < own[0, 1] < 0.8 and 0.2 < own[1, 0] < 0.8
    assert own[0, 1] + own[1, 0] <= 1.0 + 1e-6
    assert a.mass > 0 and b.mass > 0


def test_fiction_weighs_numbers_as_if_neither_side_stated_any() -> None:
    from dataclasses import replace

    from xigao.detect import WashStats, wash_features

    st = replace(
        WashStats(0.4, 0.3, 0.5, 0.5, 0.6, 0.2, 0.4, 0.0, 0.0, (0, 9)),
        numbers_kept=0.2,
        numbers_new=0.9,
    )
    news = wash_features(st, 0.1)
    assert (news["numbers_kept"], news["numbers_new"]) == (0.2, 0.9)
    fiction = wash_features(st, 0.1, numbers=False)
    assert (fiction["numbers_kept"], fiction["numbers_new"]) == (1.0, 0.0)
    assert {k: v for k, v in fiction.items() if not k.startswith("numbers")} == {
        k: v for k, v in news.items() if not k.startswith("numbers")
    }


def test_figures_written_as_one_character_numerals_are_kept_not_new() -> None:
    """前七个月 in the original and 前7个月 in the suspect: the figure is kept, not new."""
    from xigao.embed import get_encoder
    from xigao.terms import Terms

    enc = get_encoder("static")
    t = Thresholds.load()
    original = "今年前七个月，汽车产量同比增长9.2%，新能源汽车销量达到120万辆。"
    digits = "前7个月汽车产量增长9.2%，新能源车卖出了120万辆。"
    other = "前8个月汽车产量增长9.2%，新能源车卖出了120万辆。"
    terms = Terms.of([1, 2], [original, "另一篇报道，与此无关。"])
    b = Prepared.of(original, t).with_sentences(enc)

    def numbers(text: str) -> tuple[float, float]:
        a = Prepared.of(text, t).with_sentences(enc)
        stats = wash_stats(a, b, fact_shares(a, b, terms, t), t, gate=True)
        return stats.numbers_kept, stats.numbers_new

    assert numbers(digits) == (1.0, 0.0)
    kept, new = numbers(other)  # another month: 8 is new (七 only excuses a 7)
    assert new == pytest.approx(1 / 3) and kept == 1.0


def test_a_time_of_day_spelled_out_is_copied_text_to_the_end() -> None:
    # 今晚二十点以后 for 今晚20点以后: the 点 of a time is no part of the figure (as it is none of
    # 20点), so the run widens over the hour and the equal text after it, to the text's end
    head = "交通部门预计，各大中城市入城方向的车流量明显增加，返程高峰将持续到今晚"
    o = head + "20点以后。"
    m = verbatim_match(Prepared.of(head + "二十点以后。", T), Prepared.of(o, T), "o", T)
    assert m is not None and m.kind == "repost" and m.containment == 1.0
    # another hour is another fact
    m = verbatim_match(Prepared.of(head + "二十二点以后。", T), Prepared.of(o, T), "o", T)
    assert m is None or m.containment < 1.0
    # minutes under ten written with 零: a time, not the decimal 20.05
    o = head + "20点05分以后。"
    m = verbatim_match(Prepared.of(head + "二十点零五分以后。", T), Prepared.of(o, T), "o", T)
    assert m is not None and m.kind == "repost" and m.containment == 1.0


#: A statistics story, and the same copied whole with four figures doctored (black-box
#: review 9: a partial copy of 98% with no altered fact listed, its passages cut inside them).
STATS = (
    "国家统计局今天发布数据。4月份，全国服务业生产指数同比增长13.5%，比上月加快4.3个百分点，"
    "其中信息传输、软件和信息技术服务业，住宿和餐饮业生产指数增长较快。"
    "全国规模以上工业增加值同比增长5.6%，比上月加快1.7个百分点，装备制造业增加值增长明显，"
    "新能源汽车和太阳能电池等绿色产品产量保持较快增长势头。"
    "全国城镇调查失业率为5.2%，比上月下降0.1个百分点，就业形势总体稳定，"
    "专家表示，国民经济持续恢复向好，高质量发展稳步推进。"
)
DOCTORED = (
    STATS.replace("13.5%", "15.3%")
    .replace("5.6%", "6.5%")
    .replace("5.2%", "5.5%")
    .replace("下降0.1", "上升0.1")
)


def test_a_doctored_copy_lists_the_figures_it_changed() -> None:
    m = verbatim_match(Prepared.of(DOCTORED, T), Prepared.of(STATS, T), "o", T)
    assert m is not None and m.kind in ("repost", "partial")
    got = {(a["kind"], a["text"]) for a in m.details["altered"]}
    assert got == {
        ("number", "原文为 13.5%，此处为 15.3%"),
        ("number", "原文为 5.6%，此处为 6.5%"),
        ("number", "原文为 5.2%，此处为 5.5%"),
        ("opposite", "原文“下降”，此处改为“上升”"),
    }
    for a in m.details["altered"]:  # the clause that holds each change, on each side
        s, o = DOCTORED[slice(*a["suspect"])], STATS[slice(*a["source"])]
        assert len(s) < 40 and len(o) < 40 and s != o
        # ... and the words that changed inside it, for a report to mark
        for side, text in (("suspect", DOCTORED), ("source", STATS)):
            lo, hi = a[f"{side}_value"]
            assert a[side][0] <= lo < hi <= a[side][1]
            assert text[lo:hi] in a["text"]


def test_a_copy_changed_nowhere_lists_no_altered_fact() -> None:
    m = verbatim_match(Prepared.of("转载：" + STATS, T), Prepared.of(STATS, T), "o", T)
    assert m is not None and "altered" not in m.details


def test_a_pasted_paragraph_counts_its_sentences_copied() -> None:
    # far from a repost, the share was not measured and read 0.0 (review 9)
    post = "我今天读到一段话，很有感触。\n" + STATS[:60] + "\n" + "这让我想起了很多往事。" * 20
    m = verbatim_match(Prepared.of(post, T), Prepared.of(STATS, T), "o", T)
    assert m is not None and m.kind == "partial"
    assert 0.0 < m.details["verbatim_sentences"] < 0.5


def test_a_copy_doctored_at_its_very_end_lists_it() -> None:
    # only what parts two copied runs was read: a last figure changed went unsaid (review 9b)
    original = STATS + "全年经济增长的预期目标为5%。"
    copy = STATS + "全年经济增长的预期目标为6%。"
    m = verbatim_match(Prepared.of(copy, T), Prepared.of(original, T), "o", T)
    assert m is not None
    assert [a["text"] for a in m.details["altered"]] == ["原文为 5%，此处为 6%"]
