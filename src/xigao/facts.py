"""Facts as a text states them: its quantities, ordinals and the names it mentions, read
exactly, for the altered facts a match reports (``paraphrase.altered_facts``: 原文 3 人，此处 5 人).

A note says the original states one figure and the suspect another, so the reading must be
right about what a number is:

- an approximation before a magnitude is that magnitude (100多万 is a million and more, 二十余万
  two hundred thousand), and a Chinese numeral is read by its units (一亿一千万 is 110,000,000);
- numbers that name rather than count are no quantities: part of a code or model (h1n1,
  s2000hd, covid-19), a day named digit by digit (五四青年节, “七一”讲话), a plan (十四五) or a
  reduplication (千千万万);
- a party congress (党的二十大) is an ordinal, like 第四次;
- numbers are compared kind by kind (:func:`typed`: figures, years, months, days, times of
  day), so a year kept and the months dropped alter nothing;
- a name is mentioned when the other text writes it, or writes it without a character jieba's
  new-word guessing glued to it (由小奥, 伍登则), or transliterates it with one character otherwise
  (克利夫兰, 克里夫兰).

The wash score's own measures (``paraphrase.Sentences``: the conflicts of aligned pairs, the
figures kept) read numbers as they were fitted with (``fitted=True``): reading them exactly in
the score was tried, and it lost washes (docs/benchmarks.md, "Numbers read as stated").
"""

from __future__ import annotations

import itertools
import math
import re

#: Chinese numerals: digits, units, and the magnitudes 万 and 亿.
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}
#: A list's item number at the start of a sentence (2. 任务…, 3、…): no fact.
LIST_MARK = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．](?!\d)")
#: Ordinals, which may be one character: 第四次全体会议 is another meeting than 第二次.
ORDINAL = re.compile(r"第(\d+|[〇一二两三四五六七八九十百千]+)")

# Digits, and Chinese numerals of two characters or more (a lone 一 is mostly a word: 一起);
# a magnitude may follow an approximation (100多万, 二十余万, 十多亿); a per cent written out
# (百分之十), a month of one character (三月; not 前七月, a length, nor 长征五号, a name) and a
# day of one right after one (三月五日; not 近七日) are read as the digits are. 零 before 时
# is midnight, no digit (初一零时).
#: What a count of one character counts (七人死亡, 九小时, 两名): people, time, vehicles and
#: weights, never 个 (三个代表, 四个全面: slogans, not counts); 一 is mostly a word (一人一票).
_COUNTED_AFTER = "(?:人|名|位|小时|天|岁|辆|架|艘|吨|公里)"
#: Chinese numerals as a figure writes them (点 the decimal point); :data:`SPELLED` without it.
CN_NUMERALS = "〇零一二两三四五六七八九十百千万亿点"
SPELLED = frozenset(CN_NUMERALS) - {"点"}
_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)*(?:%|[多余来]?(?:万亿|万|亿))?"
    rf"|百分之[{CN_NUMERALS}]+"
    rf"|[{CN_NUMERALS}]+[多余来](?:万亿|万|亿)"
    rf"|(?:(?!零时)[{CN_NUMERALS}]){{2,}}"
    r"|(?<![第前近每续])[一二三四五六七八九十](?=月)|(?<=月)[一二三四五六七八九十](?=日)"
    rf"|(?<![第前近每续{CN_NUMERALS}])[二两三四五六七八九十](?={_COUNTED_AFTER})"
)
#: What a per cent written out starts with (百分之五点二 is 5.2, as 5.2% is).
PER_CENT = "百分之"
# A party congress (党的二十大, 十八大以来): a numeral of 11 to 29 before 大.
_CONGRESS = re.compile(r"(十[一二三四五六七八九]|二十[一二三四五六七八九]?)大")
_CONGRESS_AFTER = re.compile(
    r"以来|精神|报告|代表|召开|胜利|闭幕|开幕|期间|后|前|上|主题|[、和，。,]"
)
# What follows a day written digit by digit that names it (五四青年节, “七一”讲话, 八一大楼,
# 九一八事变).
_NAMED_AFTER = re.compile(r"[”\"’]|青年|运动|事变|建军|大楼|讲话|精神|前夕|纪念|节")
#: Characters jieba's new-word guessing glues to the front (由小奥, 遭麦基) or back (伍登则,
#: 沃克继) of a name.
_GLUED_BEFORE = frozenset("由从遭同向对与和跟被把让给在于初据")
_GLUED_AFTER = frozenset("有则继作说也又和与是在的了将称等")


def exact(v: float) -> float:
    """``v`` to 12 significant digits: a figure written two ways (2.3亿, 二亿三千万) is one
    value, not two a float's last bit apart (229,999,999.99999997 and 230,000,000)."""
    return float(f"{v:.12g}")


#: A spoken figure's last digit after a unit stands for the next unit down (一万五 is 15,000,
#: 一百五 150, 两亿三 230,000,000); after 十 it is itself (十五).
_SPOKEN_NEXT = {"百": "十", "千": "百", "万": "千", "亿": "千万"}


def cn_value(s: str, *, fitted: bool = False) -> float | None:
    """The value of a Chinese numeral (None when it is no number). ``fitted``: as the wash
    score's measures read it (``paraphrase.Sentences``), which they were fitted with: digits
    in a row are the last of them (十四五 → 15), 千千万万 a number, each magnitude multiplies
    all before it (一亿一千万 → 1,000,010,000,000), and a spoken last digit is itself (一万五 →
    10,005). Otherwise a spoken figure's last digit after a unit stands for the next unit
    down (一万五 is 15,000, 一百五 150, 两亿三 230,000,000).

    >>> [cn_value(s) for s in ("一千二百万", "一亿一千万", "一万亿", "二〇二〇", "五点二")]
    [12000000.0, 110000000.0, 1000000000000.0, 2020.0, 5.2]
    >>> [cn_value(s) for s in ("一千零二十二万", "十一点二五万", "百分之十", "二点五万亿")]
    [10220000.0, 112500.0, 10.0, 2500000000000.0]
    >>> [cn_value(s) for s in ("十四五", "千千万万")], cn_value("十四五", fitted=True)
    ([None, None], 15.0)
    >>> [cn_value(s) for s in ("一万五", "一百五", "两亿三", "十一万五", "一百零五")]
    [15000.0, 150.0, 230000000.0, 115000.0, 105.0]
    """
    s = s.removeprefix(PER_CENT)
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = cn_value(whole, fitted=fitted) if whole else None  # 重点零售 is no 0.0
        # a magnitude after the fraction (十一点二五万 is 112,500)
        mag = 1e12 if frac.endswith("万亿") else CN_BIG.get(frac[-1:], 1)
        frac = frac.removesuffix("万亿") if mag == 1e12 else frac if mag == 1 else frac[:-1]
        if w is None or not math.isfinite(w) or w != int(w) or not frac:
            return None
        if any(c not in CN_DIGITS for c in frac):
            return None
        # reckoned as the same figure in digits is (1.14万: float("1.14") * 10,000)
        return exact(float(f"{int(w)}." + "".join(str(CN_DIGITS[c]) for c in frac)) * mag)
    if not s or (len(s) > 1 and set(s) <= {"零", "〇"}):
        return None  # 零零碎碎, 孤零零
    if all(c in CN_DIGITS for c in s):  # digit by digit: 二〇二〇
        return float("".join(str(CN_DIGITS[c]) for c in s))
    if not fitted and any(a == b and a not in CN_DIGITS for a, b in itertools.pairwise(s)):
        return None  # 千千万万, 万万: many, not a number
    if not fitted and len(s) >= 3 and s[-1] in CN_DIGITS and s[-2] in _SPOKEN_NEXT:
        s += _SPOKEN_NEXT[s[-2]]  # 一万五 is 一万五千
    # 亿 multiplies all before it, 万 what follows the last 亿
    high, low, section, digit = 0.0, 0.0, 0.0, None
    for c in s:
        if c in CN_DIGITS:
            if digit and not fitted:  # two digits with no unit between: a name (十四五)
                return None
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[c]
            digit = None
        elif c == "万" and not fitted:
            low = (low + section + (digit or 0)) * CN_BIG[c]
            section, digit = 0.0, None
        elif c in CN_BIG:
            high = (high + low + section + (digit or 0)) * CN_BIG[c]
            low, section, digit = 0.0, 0.0, None
        else:
            return None
    return high + low + section + (digit or 0)


#: An hour of the clock spelled out (一 to 二十四; 零点零五分 is read as 0.05 points, its most
#: common sense: 以零点零五分之差), and what follows the 点 of a time whose minutes start with
#: 零 (八点零五分 is 8:05), but 分之, 分贝, 分米, 分钟 (a score of 九十八点零五分, spelled, is
#: over any hour).
_HOUR = "二十[一二三四]?|一?十[一二三四五六七八九]?|[一二两三四五六七八九]"
_CLOCK_MINUTES = "[零〇][一二三四五六七八九]分(?![之贝米钟])"


def clock_minutes(text: str, lo: int, hi: int) -> bool:
    """Whether the numerals ``text[lo:hi]`` are an hour, 点 and minutes that start with 零
    (八点零五分), which read as a decimal otherwise.

    >>> t = "八点零五分，零点零五分之差，九十八点零五分，一点零五分米"
    >>> [clock_minutes(t, a, b) for a, b in ((0, 4), (6, 10), (14, 20), (22, 26))]
    [True, False, False, False]
    """
    dot = text.find("点", lo, hi)
    return (
        dot > lo
        and re.fullmatch(_HOUR, text[lo:dot]) is not None
        and re.match(_CLOCK_MINUTES, text[dot + 1 : hi + 2]) is not None
    )


#: A figure as :func:`spelled_alike` reads it: digits (a decimal point, a magnitude and a
#: per cent sign with them), or Chinese numerals (百分之 before them; 点 a decimal point only
#: before digits alone, 五点二, 十一点二五万: the 点 of a time of day, 八点三十, 二十点, is no part
#: of a figure, as it is none of 8点30); an hour before 点 and minutes under ten (八点零五分) is
#: read alone, as 8 of 8点05分 is.
_SPELLED_DIGITS = "〇零一二两三四五六七八九"
_SPELLED_CLASS = "".join(sorted(SPELLED))
_FIGURE = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(万亿|万|亿)?(%)?"
    rf"|(百分之)?((?<![{_SPELLED_CLASS}])(?:{_HOUR})(?=点{_CLOCK_MINUTES})|[{_SPELLED_CLASS}]+"
    rf"(?:点[{_SPELLED_DIGITS}]+(?:万亿|万|亿)?(?![{_SPELLED_CLASS}]))?)(%)?"
)
#: The longest figure :func:`figure_before` looks back for (characters).
_LONGEST_FIGURE = 32


def figures_read(text: str) -> tuple[str, int]:
    """``text`` with every figure replaced by its value, its other characters but letters,
    digits and the signs ``-+%`` left out, and how many figures it holds. A run of Chinese
    numerals that reads as no number is kept as written: 十四五, the 点 of 重点, a magnitude
    alone (万人), two digits side by side (两三天, 七八个: about two or three).

    >>> figures_read("增长3.5%，达1,000人"), figures_read("增长百分之三点五,达一千人")
    (('增长<3.5%>达<1000.0>人', 2), ('增长<3.5%>达<1000.0>人', 2))
    >>> figures_read("十四五规划的重点"), figures_read("两三天后万人空巷")
    (('十四五规划的重点', 0), ('两三天后万人空巷', 0))
    >>> figures_read("一万五"), figures_read("同比-0.5%")
    (('<15000.0>', 1), ('同比-<0.5%>', 1))
    >>> figures_read("上午8点30分"), figures_read("上午八点三十分"), figures_read("十点半")
    (('上午<8.0>点<30.0>分', 2), ('上午<8.0>点<30.0>分', 2), ('<10.0>点半', 1))
    >>> figures_read("八点零五分"), figures_read("八点零五")
    (('<8.0>点<5.0>分', 2), ('<8.05>', 1))
    """
    out, n, at = [], 0, 0
    for m in _FIGURE.finditer(text):
        if m.group(1) is not None:
            mag = 1e12 if m.group(2) == "万亿" else CN_BIG.get(m.group(2) or "", 1)
            v: float | None = float(m.group(1).replace(",", "")) * mag
            per_cent = bool(m.group(3))
        else:
            v, per_cent = _spelled_value(m.group(5)), bool(m.group(4) or m.group(6))
        if v is None:
            continue
        out.append(_plain(text[at : m.start()]))
        out.append(f"<{exact(v)!r}{'%' if per_cent else ''}>")
        at = m.end()
        n += 1
    out.append(_plain(text[at:]))
    return "".join(out), n


def _plain(text: str) -> str:
    """``text``'s letters, digits and the signs ``-+%``."""
    return "".join(c for c in text if c.isalnum() or c in "-+%")


def _spelled_value(run: str) -> float | None:
    """The value of a run of Chinese numerals as :func:`figures_read` reads it: as
    :func:`cn_value` does, but a magnitude alone or two digits side by side is no number."""
    if set(run) <= set(CN_BIG) or (
        len(run) == 2 and all(c in CN_DIGITS and c not in "〇零" for c in run)
    ):
        return None
    return cn_value(run)


def figure_at(text: str, i: int) -> int | None:
    """The end of the figure that starts at ``text[i]`` (:func:`figures_read` reads it), or
    None where none does.

    >>> t = "增长百分之三点五,达1,000人"
    >>> t[2 : figure_at(t, 2)], t[10 : figure_at(t, 10)], figure_at(t, 0)
    ('百分之三点五', '1,000', None)
    """
    m = _FIGURE.match(text, i)
    return m.end() if m and figures_read(m.group())[1] else None


def figure_before(text: str, i: int) -> int | None:
    """The start of the figure that ends right before ``text[i]`` (no figure character before
    it; it may go on past ``i``: the caller asks where a figure's spelling changes), or None
    where none does.

    >>> t = "增长百分之三点五,达1,000人"
    >>> t[figure_before(t, 8) : 8], t[figure_before(t, 15) : 15], figure_before(t, 16)
    ('百分之三点五', '1,000', None)
    """
    lo = max(0, i - _LONGEST_FIGURE)
    got = None
    for m in _FIGURE.finditer(text, lo, i):
        if m.end() == i and figures_read(m.group())[1]:
            got = m.start()
    if got is None or (got > 0 and (got == lo or _FIGURE.match(text[got - 1]))):
        return None  # cut short by the window, or a longer figure
    return got


def spelled_alike(x: str, y: str) -> bool:
    """Whether ``x`` and ``y`` differ only in how they spell the same figures (146 and 一百四十六,
    3.5% and 百分之三点五, 2023 and 二〇二三, 1.14万 and 一点一四万), punctuation and spaces
    aside, but not signs (-0.5% is no 百分之零点五). A figure changed is another fact, never
    alike. The callers ask it only where one text writes digits and the other numerals.

    >>> spelled_alike("146人,", "一百四十六人"), spelled_alike("3.5%", "百分之三点五")
    (True, True)
    >>> spelled_alike("3月5", "三月五"), spelled_alike("2023", "二〇二三"), spelled_alike("12", "两")
    (True, True, False)
    >>> spelled_alike("1,000", "一千"), spelled_alike("一起", "一起"), spelled_alike("十四五", "145")
    (True, False, False)
    """
    if x == y or SPELLED.isdisjoint(x + y):  # no figure spelled out: the digits differ
        return False
    rx = figures_read(x)
    return rx[1] > 0 and rx == figures_read(y)


def congresses(text: str) -> list[tuple[float, int, int]]:
    """Each party congress ``text`` names, with its span: after 党的 or 中共, or before what
    follows a congress's name (十二大行业 counts twelve trades).

    >>> [v for v, _, _ in congresses("党的二十大作出部署，十八大以来，十二大行业")]
    [20.0, 18.0]
    """
    out = []
    for m in _CONGRESS.finditer(text):
        lo, hi = m.span()
        if text[max(0, lo - 2) : lo] in ("党的", "中共") or _CONGRESS_AFTER.match(text, hi):
            v = cn_value(m.group(1))
            if v is not None:
                out.append((v, lo, hi))
    return out


def _in_code(text: str, lo: int) -> bool:
    """The digits at ``lo`` follow a Latin letter, directly or by a hyphen: part of a code or
    model (h1n1, s2000hd, mp3, covid-19), not a quantity (4gb, 5cm and 26-104mm are)."""
    before = text[max(0, lo - 2) : lo]
    if not before:
        return False
    if before[-1].isascii() and before[-1].isalpha():
        return True
    return before[-1] == "-" and len(before) == 2 and before[0].isascii() and before[0].isalpha()


def _adjacent(pair: str) -> bool:
    """Whether two numerals count up by one (一二, 三四, 七八), as a range of two is spoken."""
    return CN_DIGITS[pair[1]] == CN_DIGITS[pair[0]] + 1 >= 2


#: What a spoken range ending in its numerals counts (十七八岁, 二十三四个): not 十四五 (the plan).
_RANGE_COUNTS = frozenset("岁个人名位天年月日次家户件元块条只层届")


def _spoken_range(g: str) -> tuple[int, float, float] | None:
    """A range spoken with two numerals that count up and a unit (七八十 is 70 to 80, 五六百
    500 to 600, 十七八 17 to 18, 一千七八百 1,700 to 1,800): where the second end starts, and
    the two.

    >>> [_spoken_range(g) for g in ("七八十", "五六百", "十七八", "一千七八百", "三四万", "七十")]
    [(1, 70.0, 80.0), (1, 500.0, 600.0), (2, 17.0, 18.0), (3, 1700.0, 1800.0), (1, 30000.0, 40000.0), None]
    """
    for k in range(len(g) - 1):
        pair, before, after = g[k : k + 2], g[:k], g[k + 2 :]
        if not (all(c in CN_DIGITS for c in pair) and _adjacent(pair)):
            continue
        if (before and before[-1] not in CN_UNITS | CN_BIG.keys()) or not set(after) <= {
            *CN_UNITS,
            *CN_BIG,
        }:
            continue
        if not before and not after:
            return None  # (一二: two numerals alone, read where they stand)
        a, b = cn_value(before + pair[0] + after), cn_value(before + pair[1] + after)
        if a is not None and b is not None and b > a:
            return k + 1, a, b
    return None


def _month_range(g: str) -> tuple[int, int, int] | None:
    """Numerals before 月 that are no month (九十, 十一二) read as two months that count up,
    as such a range is spoken: (where the second starts, the first, the second).

    >>> _month_range("九十"), _month_range("十一二"), _month_range("十二"), _month_range("二十")
    ((1, 9, 10), (2, 11, 12), None, None)
    """
    if not all(c in CN_DIGITS or c == "十" for c in g) or (cn_value(g) or 13) <= 12:
        return None
    for k in range(1, len(g)):
        a, b = cn_value(g[:k]), cn_value(g[k:])
        if a is None or b is None:
            continue
        b += 10 if a >= 10 and b < a else 0  # 十一二: the twelfth
        if a >= 1 and b == a + 1 <= 12:
            return k, int(a), int(b)
    return None


def quantities(text: str) -> list[tuple[float, int, int]]:
    """Each quantity ``text`` states, with its span (see the module docstring for what is
    one), a list's item number at its start left out.

    >>> [v for v, _, _ in quantities("20多万名志愿者，甲型h1n1流感，五四青年节，党的二十大，十四五")]
    [200000.0]
    >>> [v for v, _, _ in quantities("2. 进出口13.83万亿元，增长19.4%，一千二百万")]
    [13830000000000.0, 19.4, 12000000.0]
    >>> [v for v, _, _ in quantities("造成七人死亡、两人受伤，今晚十一点半，八点三十分，三个代表")]
    [7.0, 2.0, 11.0, 8.0, 30.0]
    >>> [v for v, _, _ in quantities("八点零五分，下降零点零五个百分点")]
    [8.0, 5.0, 0.05]
    >>> [v for v, _, _ in quantities("比一二月份加快，来了七八个人，二〇二〇年")]
    [1.0, 2.0, 7.0, 8.0, 2020.0]
    >>> [v for v, _, _ in quantities("九十月份，十一二月间，十二月，九十个")]
    [9.0, 10.0, 11.0, 12.0, 12.0, 90.0]
    >>> [v for v, _, _ in quantities("七八十岁，二三十个，三五个，三三两两，七零八落，九八年，三五年")]
    [70.0, 80.0, 20.0, 30.0, 98.0]
    >>> [v for v, _, _ in quantities("十七八岁，十四五规划")]
    [17.0, 18.0]
    """
    out: list[tuple[float, int, int]] = []
    mark = LIST_MARK.match(text)
    congress = [(a, b) for _, a, b in congresses(text)]
    for m in _QUANTITY.finditer(text, mark.end() if mark else 0):
        lo, hi = m.span()
        if any(a <= lo < b for a, b in congress):
            continue
        g = m.group().replace(",", "")
        if g[0].isdigit():
            if _in_code(text, lo):
                continue
            mult = 1e12 if g.endswith("万亿") else CN_BIG.get(g[-1], 1)
            try:
                out.append((exact(float(g.rstrip("%万亿多余来")) * mult), lo, hi))
            except ValueError:
                continue
            continue
        named = (lo > 0 and text[lo - 1] in '“"‘') or _NAMED_AFTER.match(text, hi)
        if all(c in CN_DIGITS for c in g) and len(g) <= 3 and named:
            continue
        if len(g) == 2 and all(c in CN_DIGITS for c in g) and _adjacent(g):
            # two numerals one after the other: a range, as 1-2月 writes it (一二月份, 三四个,
            # not 12: black-box review 15 read 一二月份 as December)
            out += [(float(CN_DIGITS[g[0]]), lo, lo + 1), (float(CN_DIGITS[g[1]]), lo + 1, hi)]
            continue
        spoken = _spoken_range(g)
        if spoken and (g[-1] not in CN_DIGITS or text[hi : hi + 1] in _RANGE_COUNTS):
            # 七八十岁, 五六百人, 十七八岁: the two ends (十四五 before 规划 is a plan's name)
            k, first, second = spoken
            out += [(first, lo, lo + k), (second, lo + k, hi)]
            continue
        if all(c in CN_DIGITS for c in g) and (
            (2 <= len(g) <= 3 and not text.startswith("年", hi))
            or (len(g) > 1 and "两" in g)
            or g == "三五"  # (三五年: a few years, as 三五个 is a few)
        ):
            continue  # 三五个, 三三两两, 七零八落: no figure read digit by digit (九八年 is)
        months = _month_range(g) if text.startswith("月", hi) else None
        if months:  # 九十月份, 十一二月: two months, not the 90th
            k = months[0]
            out += [(float(months[1]), lo, lo + k), (float(months[2]), lo + k, hi)]
            continue
        clock = clock_minutes(text, lo, hi)
        v = None if clock else cn_value(g.replace("多", "").replace("余", "").replace("来", ""))
        if v is not None:
            out.append((v, lo, hi))
        elif "点" in g:  # a time of day (十一点半, 八点三十): the hour, then its minutes
            hour, _, minute = g.partition("点")
            at = lo + len(hour) + 1  # (after the 点)
            h = cn_value(hour) if hour else None  # (重点零售: no hour, no time)
            if h is not None and _clock_time(text, lo, at, bool(minute)):
                out.append((h, lo, at - 1))
                mi = cn_value(minute) if minute else None
                if mi is not None:
                    out.append((mi, at, hi))
    return out


#: What says an hour written in numerals is a time of day (晚上九点, 九点半, 九点钟), not a
#: word (差一点, 以下两点, 三点意见).
_DAY_PART = re.compile(
    r"(?:早上|上午|中午|下午|晚上|傍晚|凌晨|夜里|深夜|今晚|明晚|昨晚|当晚|早|晚)$"
)


def _clock_time(text: str, lo: int, after: int, minutes: bool) -> bool:
    """Whether the numerals ``text[lo:after]`` ending in 点 are a time of day: minutes follow
    (八点三十), or 半, 整 or 钟 does, or a part of the day comes before (晚上九点)."""
    return (
        minutes
        or text[after : after + 1] in ("半", "整", "钟")
        or bool(_DAY_PART.search(text, max(0, lo - 2), lo))
    )


def numbers(text: str) -> set[float]:
    """The values of the quantities ``text`` states (:func:`quantities`).

    >>> sorted(numbers("每年吸引游客100多万人次，超过二十万名志愿者"))
    [200000.0, 1000000.0]
    """
    return {v for v, _, _ in quantities(text)}


#: What follows a number that is part of a time of day.
CLOCK_UNITS = frozenset("时点分秒:：")
#: What joins the two ends of a range (1至11月, 3月5日-20日).
#: (nothing: two numerals spoken as a range, 一二月份, read as two by :func:`quantities`)
_RANGE = frozenset({"至", "到", "-", "—", "–", "~", "～", "、", ""})


def typed(text: str) -> tuple[frozenset[float], ...]:
    """The quantities of ``text`` by kind (:func:`typed_in_order`), as sets.

    >>> [sorted(k) for k in typed("2024年4月7日晚7点30分，火箭以93比101负于黄蜂")]
    [[93.0, 101.0], [2024.0], [4.0], [7.0], [7.0, 30.0]]
    """
    return tuple(frozenset(k) for k in typed_in_order(text))


def typed_spans(text: str) -> tuple[list[tuple[float, int, int]], ...]:
    """The quantities of ``text`` (:func:`quantities`, with their spans) by kind, read from
    what follows each: figures, years (2008年; four digits or more, or two: 06年), months (4月),
    days (7日, 24号) and times of day (2时30分, 10:00, 7点). A number that cannot be such a date
    is a figure (满160年, 13个月, 15万日军), and the first number of a range takes the kind of
    the last (1至11月).

    >>> text = "1至11月，满160年，7日"
    >>> [[text[lo:hi] for _, lo, hi in k] for k in typed_spans(text)]
    [['160'], [], ['1', '11'], ['7'], []]
    >>> text = "消费：3月比一二月份快，10:30"
    >>> [[text[lo:hi] for _, lo, hi in k] for k in typed_spans(text)]
    [[], [], ['3', '一', '二'], [], ['10', '30']]
    """
    values = quantities(text)
    kinds: list[int] = []
    for v, lo, hi in values:
        after, before, written = text[hi : hi + 1], text[lo - 1 : lo] if lo else "", text[lo:hi]
        whole = written.isdigit() or not written[:1].isdigit()  # no 1.5, no 15万
        # (the minutes of 10:00, not a figure after a label: 消费：3月, black-box review 15)
        clock = before in (":", "：") and lo >= 2 and text[lo - 2].isdigit()
        if (after and after in CLOCK_UNITS) or clock:
            kind = 4
        elif after == "年" and whole and (v >= 1000 or (len(written) == 2 and written.isdigit())):
            kind = 1
        elif after == "月" and whole and 1 <= v <= 12:
            kind = 2
        elif after in ("日", "号") and whole and 1 <= v <= 31:
            kind = 3
        else:
            kind = 0
        kinds.append(kind)
    for n in range(len(values) - 2, -1, -1):  # a range: 1至11月, 13日至18日
        if kinds[n] == 0 and kinds[n + 1] and text[values[n][2] : values[n + 1][1]] in _RANGE:
            kinds[n] = kinds[n + 1]
    out: tuple[list[tuple[float, int, int]], ...] = ([], [], [], [], [])
    for value, kind in zip(values, kinds, strict=True):
        out[kind].append(value)
    return out


def typed_in_order(text: str) -> tuple[list[float], ...]:
    """The values of :func:`typed_spans`, each once, in the order ``text`` states them.

    >>> typed_in_order("2024年4月7日晚7点30分，火箭以101比93负于黄蜂")
    ([101.0, 93.0], [2024.0], [4.0], [7.0], [7.0, 30.0])
    >>> typed_in_order("1至11月，满160年，15万日军")
    ([160.0, 150000.0], [], [1.0, 11.0], [], [])
    """
    return tuple(list(dict.fromkeys(v for v, _, _ in k)) for k in typed_spans(text))


def ordinals(text: str, *, fitted: bool = False) -> set[float]:
    """The values of the ordinals ``text`` writes (第四, 第12), a party congress's among them
    (``fitted``: as the wash score's measures read them, congresses aside; see
    :func:`cn_value`).

    >>> sorted(ordinals("第十二届中央委员会第四次全体会议，第5场，党的二十大精神"))
    [4.0, 5.0, 12.0, 20.0]
    """
    out = set() if fitted else {v for v, _, _ in congresses(text)}
    for m in ORDINAL.finditer(text):
        g = m.group(1)
        v = float(g) if g[0].isdigit() else cn_value(g, fitted=fitted)
        if v is not None:
            out.add(v)
    return out


def mentions(name: str, text: str) -> bool:
    """Whether ``text`` mentions ``name``: writes it, or writes it without a character jieba
    glued to it, or (four characters or more) transliterated with one character otherwise.

    >>> mentions("伍登有", "刚刚故去的约翰-伍登则有47场胜利"), mentions("克利夫兰", "返回克里夫兰")
    (True, True)
    >>> mentions("王沪宁", "赵乐际在京会见客人"), mentions("李强", "李克强主持会议")
    (False, False)
    """
    if name in text:
        return True
    if len(name) >= 3 and (
        (name[0] in _GLUED_BEFORE and name[1:] in text)
        or (name[-1] in _GLUED_AFTER and name[:-1] in text)
    ):
        return True
    if len(name) >= 4:
        variants = "|".join(
            re.escape(name[:k]) + "." + re.escape(name[k + 1 :]) for k in range(len(name))
        )
        return re.search(variants, text) is not None
    return False
