from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xigao.altered import altered_facts
from xigao.facts import (
    cn_value,
    figures_read,
    mentions,
    numbers,
    ordinals,
    quantities,
    spelled_alike,
    typed,
    typed_in_order,
)
from xigao.paraphrase import _numbers, typed_numbers

DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """``n`` (under 10¹²) written as a Chinese numeral, the way news writes it
    (一亿零五十万, 三千零二)."""

    def section(v: int) -> str:  # under 10,000
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit % 10
            if d:
                out += ("零" if zero and out else "") + DIGITS[d] + name
                zero = False
            else:
                zero = True
        return out

    if n == 0:
        return "零"
    parts = []
    for value, name in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value:
            text = section(value)
            if parts and value < 1000:
                text = "零" + text
            parts.append(text + name)
        elif parts and parts[-1][-1] != "零":
            parts.append("零")
    return "".join(parts).rstrip("零")


@given(st.integers(min_value=11, max_value=10**12 - 1))
def test_a_chinese_numeral_is_read_as_its_value(n: int) -> None:
    assert cn_value(chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**12 - 1), st.sampled_from(["人", "元", "吨", ""]))
def test_a_figure_in_digits_is_spelled_alike_written_out(n: int, unit: str) -> None:
    digits, spelled = f"达{n}{unit}", f"达{chinese(n)}{unit}"
    assert spelled_alike(digits, spelled) and spelled_alike(spelled, digits)
    assert not spelled_alike(digits, f"达{chinese(n + 1)}{unit}")  # another figure


@pytest.mark.parametrize(
    ("x", "y", "alike"),
    [
        ("23天", "两三天", False),  # about two or three days
        ("10005", "一万五", False),  # 一万五 is 15,000, as 一百五 is 150
        ("15000", "一万五", True),
        ("150人", "一百五人", True),
        ("0人", "万人", False),  # a magnitude alone is no figure
        ("同比-0.5%", "同比百分之零点五", False),  # a sign is kept
        ("50", "五十%", False),
        ("50%", "五十%", True),
        ("上午8点30分", "上午八点三十分", True),  # a time of day
        ("上午8点30分", "上午八点四十分", False),
        ("晚10点", "晚十点", True),
        ("5.2亿", "五点二亿", True),  # a decimal, not a time
        ("1.5万人", "一万五人", True),
    ],
)
def test_figures_alike_are_one_value(x: str, y: str, alike: bool) -> None:
    assert spelled_alike(x, y) is alike


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=10, max_value=59))
def test_a_time_of_day_in_digits_is_spelled_alike_written_out(hour: int, minute: int) -> None:
    # (八点五分 and 零点一分 read as the decimals 8.5 and 0.1, a score's points as often)
    digits, spelled = f"{hour}点{minute}分", f"{chinese(hour)}点{chinese(minute)}分"
    assert spelled_alike(digits, spelled)
    assert not spelled_alike(digits, f"{chinese(hour)}点{chinese(minute % 50 + 10)}分")


@settings(deadline=None)  # (altered_facts loads jieba's tagger on its first call)
@given(st.integers(min_value=1, max_value=23), st.integers(min_value=1, max_value=9))
def test_minutes_under_ten_written_with_zero_are_a_time_not_a_decimal(
    hour: int, minute: int
) -> None:
    # 八点零五分 is 8:05 (no score of an hour's size is written so)
    spelled = f"{chinese(hour)}点零{chinese(minute)}分"
    assert spelled_alike(f"{hour}点0{minute}分", spelled)
    assert spelled_alike(f"{hour}点{minute}分", spelled)
    assert not spelled_alike(f"{hour}.0{minute}分", spelled)
    assert typed_numbers(spelled)[2] == typed_numbers(f"{hour}点{minute:02d}分")[2]
    assert altered_facts(f"晚上{spelled}开始", f"晚上{hour}点0{minute}分开始") == []


@given(st.text(alphabet="0123456789一二三十百千万亿点.%,年月日人大重的", max_size=30))
def test_a_text_is_never_spelled_alike_itself_and_reads_alike_to_itself(text: str) -> None:
    assert not spelled_alike(text, text)
    assert figures_read(text) == figures_read(text + "，")  # punctuation aside


@given(st.text(alphabet="0123456789一二三四五十百千万亿多余点.%年月日h-“”大党的第", max_size=40))
def test_quantities_lie_in_their_text_in_order(text: str) -> None:
    spans = [(lo, hi) for _, lo, hi in quantities(text)]
    assert all(0 <= lo < hi <= len(text) for lo, hi in spans)
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@given(st.text(alphabet="0123456789一二三四五十百千万亿多点.%年月日号时分:至-h“”", max_size=40))
def test_the_kinds_of_a_text_hold_its_quantities(text: str) -> None:
    kinds = typed(text)
    assert len(kinds) == 5 and frozenset().union(*kinds) == numbers(text)


def test_dates_are_read_by_kind() -> None:
    figures, years, months, days, times = typed(
        "2024年前11个月，1至10月，3月5日-20日，满160年，14时30分"
    )
    assert (figures, years, months, days, times) == (
        {11, 160},
        {2024},
        {1, 10, 3},
        {5, 20},
        {14, 30},
    )


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("每年吸引游客100多万人次", [1_000_000]),
        ("20余万名志愿者，二十多万名", [200_000]),
        ("收购稻谷100多亿斤，一亿一千万元", [10_000_000_000, 110_000_000]),
        ("甲型h1n1流感，富士s2000hd不足1700元，covid-19", [1700]),
        ("五四青年节前夕，“七一”重要讲话，八一大楼", []),
        ("十四五规划，千千万万劳动群众，党的二十大", []),
        ("5G基站超过300万个，4gb版本", [5, 3_000_000, 4]),
        # written out as a writer may: a zero inside, a fraction before a magnitude, a per cent,
        # a month or a day of one character (a serial number is none: 长征五号)
        ("一千零二十二万人口，五十六万二千零六十六人", [10_220_000, 562_066]),
        ("十一点二五万平方公里，二点五万亿元", [112_500, 2_500_000_000_000]),
        ("增长百分之十，百分之五点二", [10, 5.2]),
        ("三月五日发射长征五号", [3, 5]),
        # words and lengths of time that are no figures (a review found each read as one)
        ("重点零售企业，孤零零，零零碎碎，初一零时", []),
        ("近七日，三日内，前七月，第四日", []),
        # ranges spoken with two numerals that count up: both ends (note 34 read 九十月份 as
        # 90); numerals in a row otherwise are words, not figures read digit by digit
        ("九十月份，十一二月间", [9, 10, 11, 12]),
        (
            "七八十岁的老人，五六百人，十七八岁，一千七八百元",
            [70, 80, 500, 600, 17, 18, 1700, 1800],
        ),
        ("三五个，三三两两，七零八落，九八年", [98]),
    ],
)
def test_quantities_are_read_as_stated(text: str, values: list[float]) -> None:
    assert numbers(text) == set(values)


def test_figures_written_out_are_the_figures_in_digits() -> None:
    # what the wash score's measures read (kept and new figures, conflicting pairs)
    digits = "1022万人口，增长10%，2.18万亿元，3月26日，共562066人"
    words = (
        "一千零二十二万人口，增长百分之十，二点一八万亿元，三月二十六日，共五十六万二千零六十六人"
    )
    assert _numbers(words) == _numbers(digits)
    # one figure written two ways is one value, not two a float's last bit apart
    assert numbers("一点一四万，二点五亿") == numbers("1.14万，2.5亿") == {11_400, 250_000_000}
    assert numbers("2.3亿") == {230_000_000}


def test_a_congress_is_an_ordinal() -> None:
    assert ordinals("党的二十大以来，十八大精神，第四次全体会议") == {20, 18, 4}
    assert ordinals("全国十二大行业") == set()


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("由小奥", "凯尔特人通过二次进攻将球打进，这次是小奥。", True),
        ("伍登则", "刚离世的约翰-伍登有47胜。", True),
        ("克里夫兰", "詹姆斯第二次回到克利夫兰。", True),
        ("斯托贾科维奇", "佩贾连飚两记三分。", False),
        ("王沪宁", "赵乐际在京会见客人。", False),
        ("李强", "李克强主持召开国务院常务会议。", False),
    ],
)
def test_a_name_is_mentioned_as_written_or_nearly(name: str, text: str, said: bool) -> None:
    assert mentions(name, text) is said


def test_altered_facts_state_no_number_a_text_does_not() -> None:
    # the last release read 100多万 as 100 and reported it altered into a million
    assert _numbers("每年吸引游客100多万人次") == {100.0}  # the wash score's reading, as fitted
    assert altered_facts("每年游客超过100万人次", "每年吸引游客100多万人次") == []
    assert altered_facts("每年游客超过10万人次", "每年吸引游客100多万人次") == [
        "number: 1000000→100000"
    ]
    assert altered_facts("澳门新增6例，甲型流感累计68例", "澳门甲型h1n1流感累计病例达68例") == []
    assert altered_facts("詹姆斯和克利夫兰之间产生了裂痕", "詹姆斯与克里夫兰产生了隔阂") == []
    assert altered_facts("党的十九大以来成就巨大", "党的二十大以来成就巨大") == ["ordinal: 20→19"]


@pytest.mark.parametrize(
    ("text", "times"),
    [
        ("晚上九点才到家", [9.0]),
        ("九点半开始", [9.0]),
        ("今晚十一点播出", [11.0]),
        ("八点三十分", [8.0, 30.0]),
        ("差一点迟到", []),  # words, not times
        ("以下两点意见", []),
        ("一点也不累", []),
    ],
)
def test_a_time_of_day_in_numerals_is_read_and_a_word_is_not(text: str, times: list[float]) -> None:
    assert typed_in_order(text)[4] == times


@pytest.mark.parametrize(
    ("spelled", "digits"),
    [
        ("她以九十八点零五分的成绩夺冠", "她以98.05分的成绩夺冠"),  # a score: over any hour
        ("以零点零五分之差屈居亚军", "以0.05分之差屈居亚军"),  # 零点: read as points
        ("噪声为六十点零五分贝", "噪声为60.05分贝"),
        ("长一点零五分米", "长1.05分米"),
    ],
)
def test_a_decimal_before_fen_that_is_no_time_stays_a_decimal(spelled: str, digits: str) -> None:
    assert spelled_alike(digits, spelled)
    assert altered_facts(spelled, digits) == []
