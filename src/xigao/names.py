"""Name maps: who a renamed copy of fiction renamed (宝玉 -> 林子轩), read from the aligned
sentence pairs of a match (see :func:`name_map`). A consistent renaming across a passage is
evidence of copying (换名抄袭, 洗文), not of another story."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from xigao.normalize import Normalized
from xigao.paraphrase import (
    COMPOUND_SURNAMES,
    PROPER_TAGS,
    Pair,
    Sentences,
    bigram_set,
    jieba_lexicon,
)

# --------------------------------------------------------------------------- name maps
# A copy of fiction with its people and places renamed (宝玉 -> 林子轩) is read back as the
# writer's renames: every suspect sentence is lined up with the stretch of the original it
# retells (between the aligned pairs), the two are diffed character by character, and each
# replaced span is read for a name on each side that the other text never writes; the words
# of the two that may be names are also paired where the diff maps one onto the other.

#: The longest name a rename is read as (characters).
MAX_NAME = 6
#: Grammar characters a name hardly holds: a replaced span is cut at them (男子乃孙悟空 ->
#: 男子, 孙悟空), and no name reaches past one.
_GRAMMAR = frozenset(
    "的了着是在和与把被就都也还又很却便乃而所矣乎哉焉吗呢吧啊呀么这那哪谁什怎些让给说曰问答"
    "我你他她它们不没每道虽亦"
)
#: Common verbs and function characters: a one-character change of one is a synonym swap
#: (来村 -> 到村, 边远 -> 地远), not a rename.
_WEAK = frozenset(
    "对朝向往来去到至然蒙见请叫让被将从自与同跟及为以因而且又即则若如似像比之其此彼何甚个些有无要"
    "能会可得出入上下中里外前后左右进退回过起开说道曰问答看听想走行坐立站一二三四五六七八九十两几多少大小"
)
#: Verbs and grammar characters that the name of a person or a place hardly holds.
_VERBISH = frozenset(
    "对朝向往来去到至然蒙见请叫让被将从自与同跟及为以因而且又即则若如似像比其此彼何甚个些有无要能会"
    "可得出入进退回过起开说曰问答看听想走坐站取夺求寻访各诸众每赶追"
)
#: Endings a name shares with its rename: titles and kinship words (何先生 -> 贾先生), the
#: ends of place names (冀州 -> 朔州, 碧波潭 -> 青澜潭).
NAME_SUFFIXES = frozenset([
    "先生", "夫人", "妹妹", "姐姐", "姑娘", "大妈", "大娘", "大爷", "爷爷", "奶奶", "公子", "小姐", "员外", "提辖", "长老", "法师",
    "大师", "二爷", "三爷", "大王", "公主", "菩萨", "大仙", "龙王", "太子", "星君", "少爷", "姑爷", "王府", "大圣", "道人", "真人",
    "王", "公", "氏", "家", "君", "姐", "妹", "娘", "哥", "嫂", "婆", "翁", "叔", "伯", "爷", "某",
    "儿", "州", "山", "城", "县", "郡", "河", "江", "湖", "海", "岭", "关", "寺", "观", "院", "殿",
    "馆", "洞", "泉", "潭", "涧", "村", "屯", "庄", "府", "门", "楼", "街", "桥", "亭", "宫", "岛",
    "峰", "谷", "洲", "国", "乡", "镇", "堡", "营", "口", "原", "林", "园", "台", "阁", "堂", "社",
    "僧", "侯",
])  # fmt: skip
#: The endings a name renamed before them is paired by (:func:`_pair_titled`): titles of two
#: characters and the endings of places.
TITLED_ENDS = frozenset(
    [e for e in NAME_SUFFIXES if len(e) >= 2]
    + list("州山城县郡河江湖海岭关寺观洞泉潭涧岛峰谷洲国乡镇堡宫殿楼某氏")
)
#: Beginnings a name shares with its rename (老孙 -> 老袁).
NAME_PREFIXES = frozenset("老小阿")
#: Common surnames: a person's name, as the original writes it and as renamed, mostly starts
#: with one.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒"
    "阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓"
    "古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣"
    "巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝荀"
)
#: How often the original must write a form for a rename read on its own (a character of the
#: chapter, :func:`_accept_character`).
CHARACTER_WRITTEN = 5
#: A person's context: what follows a name (宝玉道) and the posts before one (太守王匡).
_SPEECH = frozenset("道曰说问答笑叹喝叫")
_POSTS = frozenset([
    "太守", "刺史", "将军", "丞相", "长史", "主簿", "都督", "大将", "校尉", "司马",
])  # fmt: skip
#: jieba's tags for proper nouns, and its tag for a word it does not know.
_NAMEY = PROPER_TAGS | {"x"}

#: a tagged word (start, end, tag); a name candidate (start, end, form, kind), kind 2 for a
#: string its text repeats, 1 for a word jieba tags a name, 0 otherwise
_Token = tuple[int, int, str]
_Cand = tuple[int, int, str, int]
_Span = tuple[int, int, int, int]


def anchor_chain(pairs: Sequence[Pair]) -> list[Pair]:
    """The longest run of pairs in the same order on both sides (a stray pair left out).

    >>> ps = [Pair(0, (3,), 1, 1, 1, False), Pair(1, (40,), 1, 1, 1, False), Pair(2, (5,), 1, 1, 1, False)]
    >>> [p.suspect for p in anchor_chain(ps)]
    [0, 2]
    """
    ps = sorted(pairs, key=lambda p: p.suspect)
    tails: list[int] = []
    ends: list[int] = []
    prev = [-1] * len(ps)
    for k, p in enumerate(ps):
        pos = bisect.bisect_left(tails, p.source[0])
        if pos == len(tails):
            tails.append(p.source[0])
            ends.append(k)
        else:
            tails[pos], ends[pos] = p.source[0], k
        prev[k] = ends[pos - 1] if pos else -1
    out: list[Pair] = []
    k = ends[-1] if ends else -1
    while k >= 0:
        out.append(ps[k])
        k = prev[k]
    return out[::-1]


def names_kept(source: Sentences, rows: Iterable[int], text: str) -> tuple[int, int]:
    """Of the people the ``source`` sentences ``rows`` name (jieba's person names that are no
    ordinary words, :meth:`~xigao.paraphrase.Sentences.names`), how many ``text`` names too,
    and how many there are. A retelling that renames its people keeps few of them; a later
    chapter recapping an earlier one's scene keeps them all.

    >>> from xigao.paraphrase import Names
    >>> class Side:  # two sentences naming 宋江 and 吴用, and 吴用 again
    ...     def names(self, i): return Names(frozenset(), frozenset([("宋江", "吴用"), ("吴用",)][i]))
    >>> names_kept(Side(), [0, 1], "吴用道"), names_kept(Side(), [], "吴用道")
    ((1, 2), (0, 0))
    """
    named = frozenset().union(*(source.names(i).proper for i in rows))
    return sum(1 for n in named if n in text), len(named)


#: How many suspect sentences before the first aligned one and after the last are read for
#: renames in a story grafted from several chapters (融梗): past them it tells another
#: chapter's scene, whose people are no renames of this one's. On the fit 融梗 of batches
#: 90-91, 5 cut the wrong renames reported from 83 to 46, with 4 more right. A retelling of
#: one passage is read whole: cut there too, the held-out retellings lost 4 renames right.
READ_BEYOND = 5


def _rename_segments(
    a: Sentences,
    b: Sentences,
    chain: Sequence[Pair],
    beyond: int | None = None,
    within: tuple[int, int] | None = None,
) -> list[tuple[range, range]]:
    """Suspect and original sentences from each anchor to the next: every suspect sentence,
    aligned or not (``beyond``: only so many before the first anchor and after the last;
    ``within``: none outside that run of sentences), with the stretch of the original it
    retells, no longer than three times the suspect's stretch (before the first anchor and
    after the last, half again as long).

    >>> from xigao.paraphrase import Pair
    >>> class S:  # ten sentences of five characters
    ...     keys = ["甲乙丙丁戊"] * 10
    ...     def __len__(self): return 10
    >>> chain = [Pair(8, (3,), 1, 1, 1, False)]
    >>> [(list(s)[0], list(s)[-1]) for s, _ in _rename_segments(S(), S(), chain)]
    [(0, 7), (8, 9)]
    >>> [(list(s)[0], list(s)[-1]) for s, _ in _rename_segments(S(), S(), chain, beyond=5)]
    [(3, 7), (8, 9)]
    >>> [(list(s)[0], list(s)[-1]) for s, _ in _rename_segments(S(), S(), chain, 5, (6, 9))]
    [(6, 7), (8, 8)]
    """
    reach = len(a) if beyond is None else beyond
    first, end = within if within is not None else (0, len(a))

    def upto(lo: int, hi: int, chars: float) -> int:
        while lo < hi and chars > 0:
            chars -= len(b.keys[lo])
            lo += 1
        return lo

    segs = []
    for k, p in enumerate(chain):
        s_lo, o_lo = p.suspect, p.source[0]
        last = k + 1 == len(chain)
        s_hi = min(end, p.suspect + 1 + reach) if last else chain[k + 1].suspect
        size = sum(len(a.keys[i]) for i in range(s_lo, s_hi))
        o_hi = upto(o_lo, len(b) if last else chain[k + 1].source[0], (1.5 if last else 3) * size)
        segs.append((range(s_lo, s_hi), range(o_lo, max(o_hi, p.source[-1] + 1))))
    if chain and chain[0].suspect > first:
        s_hi, o_hi = chain[0].suspect, chain[0].source[0]
        s_lo = max(first, s_hi - reach)
        o_lo, chars = o_hi, 1.5 * sum(len(a.keys[i]) for i in range(s_lo, s_hi))
        while o_lo > 0 and chars > 0:
            o_lo -= 1
            chars -= len(b.keys[o_lo])
        segs.insert(0, (range(s_lo, s_hi), range(o_lo, o_hi)))
    return segs


def _tagged(sents: Sentences, i: int) -> list[_Token]:
    """jieba's words of sentence ``i``'s key, with their tags (tagged once)."""
    got: list[_Token] | None = sents._memo.get(("name_tags", i))
    if got is None:
        from xigao.tokenize import default_tokenizer

        got, pos = [], 0
        for w, t in default_tokenizer().tag(sents.keys[i]):
            got.append((pos, pos + len(w), t))
            pos += len(w)
        sents._memo["name_tags", i] = got
    return got


def _piece(sents: Sentences, rng: range) -> tuple[str, list[_Token]]:
    """The keys of sentences ``rng`` run together, with their tagged words."""
    text: list[str] = []
    toks: list[_Token] = []
    off = 0
    for i in rng:
        text.append(sents.keys[i])
        toks.extend((off + x, off + y, t) for x, y, t in _tagged(sents, i))
        off += len(sents.keys[i])
    return "".join(text), toks


@dataclass
class _Side:
    """One text as a rename is looked up in: its content, its bigrams, and how often the
    stretch the renames are read from writes each string of 2 to 4 characters."""

    content: str
    bigrams: frozenset[str]
    counts: Counter[str]

    @classmethod
    def of(cls, sents: Sentences, texts: Sequence[str]) -> _Side:
        bigrams: frozenset[str] | None = sents._memo.get("bigram_set")
        if bigrams is None:
            bigrams = sents._memo["bigram_set"] = bigram_set(sents.content())
        counts: Counter[str] = Counter()
        for t in texts:
            for n in (2, 3, 4):
                counts.update(t[k : k + n] for k in range(len(t) - n + 1))
        return cls(sents.content(), bigrams, counts)

    def lacks(self, form: str) -> bool:
        """``form`` is never written here (a renamed name never survives)."""
        b = self.bigrams
        return (
            any(form[k : k + 2] not in b for k in range(len(form) - 1)) or form not in self.content
        )

    def recurring(self, other: _Side) -> dict[str, int]:
        """Strings written here twice or more and never in ``other``, without a grammar
        character, the longest of those written as often (孙悟空, not 孙悟)."""
        counts = {
            f: c
            for f, c in self.counts.items()
            if c >= 2 and not _GRAMMAR & set(f) and other.lacks(f)
        }
        # a string inside a longer one written as often is left out: each longer one marks
        # its shorter substrings (strings of 2 to 4 characters: a handful each), not every
        # other string (which took seconds for a chapter)
        covered = set()
        for g, c in counts.items():
            for size in range(2, len(g)):
                for k in range(len(g) - size + 1):
                    f = g[k : k + size]
                    if counts.get(f, c + 1) <= c:
                        covered.add(f)
        return {f: c for f, c in counts.items() if f not in covered}


def _candidates(
    text: str, lo: int, hi: int, toks: list[_Token], rec: dict[str, int], other: _Side
) -> list[_Cand]:
    """Name candidates in a long replaced span ``text[lo:hi]``: strings the text repeats,
    words tagged a name, two one-character words side by side (an unknown name jieba split),
    the runs between grammar characters; of overlapping ones the best, in order."""
    out: list[_Cand] = []
    for f in rec:
        k = text.find(f, max(0, lo - len(f) + 1))
        while k != -1 and k < hi:
            if k + len(f) > lo and k >= lo - 1 and k + len(f) <= hi + 1:
                out.append((k, k + len(f), f, 2))
            k = text.find(f, k + 1)
    singles = []
    for x, y, t in toks:
        if y <= lo or x >= hi:
            continue
        if y - x == 1:
            singles.append((x, y))
        elif x >= lo - 1 and y <= hi + 1:
            f = text[x:y]
            if not _GRAMMAR & set(f) and other.lacks(f):
                out.append((x, y, f, 1 if t in _NAMEY else 0))
    for (x1, y1), (x2, y2) in itertools.pairwise(singles):
        f = text[x1:y2]
        if y1 == x2 and lo <= x1 and y2 <= hi and not _GRAMMAR & set(f) and other.lacks(f):
            out.append((x1, y2, f, 0))
    start = lo
    for k in range(lo, hi + 1):
        if k == hi or text[k] in _GRAMMAR:
            f = text[start:k]
            free = not any(x < k and y > start for x, y, _, _ in out)
            if 2 <= len(f) <= MAX_NAME and free and other.lacks(f):
                out.append((start, k, f, 0))
            start = k + 1
    out.sort(key=lambda r: (-r[3], r[0] - r[1], r[0]))
    kept: list[_Cand] = []
    for r in out:
        if all(r[1] <= q[0] or r[0] >= q[1] for q in kept):
            kept.append(r)
    return sorted(kept)


def _changes(o: str, s: str) -> list[tuple[str, int, int, int, int]]:
    """The character diff of ``o`` and ``s``: equal runs, and between them each changed
    stretch as one span ("replace" when both sides hold characters)."""
    out: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, o, s, autojunk=False).get_opcodes():
        if tag != "equal" and out and out[-1][0] != "equal":
            _, i1, _, j1, _ = out.pop()
        kind = tag if tag == "equal" else "replace" if i2 > i1 and j2 > j1 else "other"
        out.append((kind, i1, i2, j1, j2))
    return out


def _strip(text: str, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and text[lo] in _GRAMMAR:
        lo += 1
    while hi > lo and text[hi - 1] in _GRAMMAR:
        hi -= 1
    return lo, hi


def _short_rename(
    o: str,
    s: str,
    span: _Span,
    room: tuple[int, int],
    old: _Side,
    new: _Side,
    bounds: tuple[set[int], set[int]],
) -> tuple[_Cand, _Cand] | None:
    """A short replaced span ``o[i1:i2]`` -> ``s[j1:j2]`` read as one rename: grammar
    characters off its edges, the longer side cut by up to the difference where the cut form
    is written more often (阳 -> 京杀: 洛阳 -> 洛京), widened by the equal text around it (at
    most ``room`` characters, the same on both sides) until both forms have two characters
    (冀 -> 朔: 冀州 -> 朔州), and a title or place ending after it made whole (碧波 -> 碧波潭)."""
    i1, i2, j1, j2 = span
    a1, a2 = _strip(o, i1, i2)
    b1, b2 = _strip(s, j1, j2)
    while a2 - a1 > 1 and b2 - b1 > 1 and o[a1] in _WEAK and s[b1] in _WEAK:  # 至白 -> 到赤
        a1, b1 = a1 + 1, b1 + 1
    while a2 - a1 > 1 and b2 - b1 > 1 and o[a2 - 1] in _WEAK and s[b2 - 1] in _WEAK:
        a2, b2 = a2 - 1, b2 - 1
    if a1 == a2 or b1 == b2:
        return None
    ob, sb = bounds
    l_max = room[0] if (a1, b1) == (i1, j1) else 0
    r_max = room[1] if (a2, b2) == (i2, j2) else 0
    cut_o = min(2, max(0, (a2 - a1) - (b2 - b1)))
    cut_s = min(2, max(0, (b2 - b1) - (a2 - a1)))
    best: tuple[tuple[float, ...], int, int, int, int] | None = None
    for co_l in range(cut_o + 1):
        for co_r in range(cut_o - co_l + 1):
            for cs_l in range(cut_s + 1):
                for cs_r in range(cut_s - cs_l + 1):
                    x1, x2, y1, y2 = a1 + co_l, a2 - co_r, b1 + cs_l, b2 - cs_r
                    need = max(0, 2 - min(x2 - x1, y2 - y1))
                    for left in range(0 if co_l or cs_l else l_max, -1, -1):
                        for right in range(0 if co_r or cs_r else r_max, -1, -1):
                            if not need <= left + right <= (need + 2 if need else 0):
                                continue
                            pre, suf = o[x1 - left : x1], o[x2 : x2 + right]
                            affix = (not pre or pre in NAME_PREFIXES) and (
                                not suf or suf in NAME_SUFFIXES
                            )
                            if left + right > need and not affix:
                                continue
                            x, y = o[x1 - left : x2 + right], s[y1 - left : y2 + right]
                            if max(len(x), len(y)) > MAX_NAME or _GRAMMAR & set(x + y):
                                continue
                            if not new.lacks(x) or not old.lacks(y):
                                continue
                            together = 0.0  # how often the core is written with its widening
                            if pre + suf:
                                ext = pre + suf
                                xc, yc = o[x1:x2], s[y1:y2]
                                together = 2 * old.counts[x] / (
                                    old.counts[xc] + old.counts[ext] or 1
                                ) + 2 * new.counts[y] / (new.counts[yc] + new.counts[ext] or 1)
                            key = (
                                min(old.counts[x], new.counts[y], 3),
                                bool(pre + suf) and affix,
                                -(left + right),
                                (x1 - left in ob) + (x2 + right in ob),
                                (y1 - left in sb) + (y2 + right in sb),
                                -(co_l + co_r + cs_l + cs_r),
                                -abs(len(x) - len(y)),
                                together,
                            )
                            if best is None or key > best[0]:
                                best = (key, x1 - left, x2 + right, y1 - left, y2 + right)
    if best is None:
        return None
    _, xa, xb, ya, yb = best
    for n in (2, 1):  # a title or a place's ending right after it is part of the name
        end = o[xb : xb + n]
        if len(end) == n and end in NAME_SUFFIXES and s[yb : yb + n] == end:
            if xb + n <= i2 + room[1] and xb + n - xa <= MAX_NAME:
                xb, yb = xb + n, yb + n
            break
    return (xa, xb, o[xa:xb], 0), (ya, yb, s[ya:yb], 0)


def _cut_at_words(
    i1: int, i2: int, starts: set[int], room: tuple[int, int]
) -> list[tuple[int, int]]:
    """An equal-length replaced span cut where either side's words start (names renamed one
    by one: 荀彧荀攸 -> 陈奂陈逵), into pieces of two characters or more, but for a last or
    first one that the equal text beside it will widen (许褚于禁徐|晃 -> 许褚, 于禁, 徐晃).

    >>> _cut_at_words(0, 5, {0, 2, 4, 5}, (0, 1))
    [(0, 2), (2, 4), (4, 5)]
    """
    cuts = [i1]
    for k in sorted(k for k in starts if i1 < k < i2):
        first = cuts == [i1] and k - i1 == 1 and room[0] > 0 and i2 - k >= 2
        if k - cuts[-1] >= 2 or first:
            cuts.append(k)
    if len(cuts) > 1 and i2 - cuts[-1] == 1 and not (room[1] and cuts[-1] - cuts[-2] >= 2):
        cuts.pop()
    cuts.append(i2)
    return list(itertools.pairwise(cuts))


def _best_cuts(
    i1: int, i2: int, j1: int, ob: set[int], sb: set[int], room: tuple[int, int]
) -> list[tuple[int, int]]:
    """An equal-length replaced span ``[i1, i2)`` (at ``j1`` in the suspect) cut at the word
    starts of both sides, or of one side alone where that side's words fit the pieces better
    (jieba reads 引许|褚于|禁 in the original but 牛猛|马进|吕晃 in the suspect): the cut with
    the most pieces on word boundaries of one side, the joint one on ties.

    >>> _best_cuts(2, 7, 2, {0, 1, 3, 5, 6, 9}, {0, 2, 4, 6, 9}, (1, 1))
    [(2, 4), (4, 6), (6, 7)]
    """
    s_starts = {i1 + k - j1 for k in sb if j1 <= k <= j1 + i2 - i1}
    o_starts = {k for k in ob if i1 <= k <= i2}
    sides = (o_starts | {i2}, s_starts | {i2})

    def fit(cuts: list[tuple[int, int]]) -> int:
        return sum(any(u in side and v in side for side in sides) for u, v in cuts)

    best = _cut_at_words(i1, i2, o_starts | s_starts, room)
    score = fit(best)
    for starts in (s_starts, o_starts):
        got = _cut_at_words(i1, i2, starts, room)
        if fit(got) > score:
            best, score = got, fit(got)
    return best


def _align_candidates(
    xs: list[_Cand], ys: list[_Cand], span: _Span, tol: float = 0.34
) -> list[tuple[_Cand, _Cand]]:
    """Candidates of a long replaced span paired in order by where they stand in it (as a
    share of its length on each side, ``tol`` apart at most)."""
    if not xs or not ys:
        return []
    i1, i2, j1, j2 = span
    rx = [((x + y) / 2 - i1) / max(1, i2 - i1) for x, y, _, _ in xs]
    ry = [((x + y) / 2 - j1) / max(1, j2 - j1) for x, y, _, _ in ys]
    n, m = len(xs), len(ys)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best, how = score[i - 1][j], 1
            if score[i][j - 1] > best:
                best, how = score[i][j - 1], 2
            d = abs(rx[i - 1] - ry[j - 1])
            if d <= tol and score[i - 1][j - 1] + 1 - d > best:
                best, how = score[i - 1][j - 1] + 1 - d, 3
            score[i][j], step[i][j] = best, how
    out = []
    i, j = n, m
    while i and j:
        if step[i][j] == 3:
            out.append((xs[i - 1], ys[j - 1]))
            i, j = i - 1, j - 1
        elif step[i][j] == 1:
            i -= 1
        else:
            j -= 1
    return out[::-1]


def _core(x: str, y: str) -> tuple[str, str, str, str]:
    """What ``x`` and ``y`` share at their start and at their end, and what differs between.

    >>> _core("冀州", "朔州")
    ('', '冀', '朔', '州')
    """
    p = 0
    while p < min(len(x), len(y)) and x[p] == y[p]:
        p += 1
    q = 0
    while q < min(len(x), len(y)) - p and x[-1 - q] == y[-1 - q]:
        q += 1
    return x[:p], x[p : len(x) - q], y[p : len(y) - q], x[len(x) - q :]


def _core_ok(x: str, y: str) -> bool:
    """Two characters or more renamed, or one inside a title or a place's ending (冀州 ->
    朔州, 老孙 -> 老袁) that is no grammar character or common verb (来村 -> 到村), or a
    surname for a surname before a title of two characters or more (何先生 -> 贾先生, 王押司
    -> 孙押司), though the surname is also a common word."""
    pre, cx, cy, suf = _core(x, y)
    if len(cx) >= 2 and len(cy) >= 2:
        return True
    if not pre and len(suf) >= 2 and cx in SURNAMES and cy in SURNAMES and not _WEAK & set(suf):
        return True
    if not cx or not cy or _WEAK & set(cx + cy):
        return False
    return (not pre or pre in NAME_PREFIXES) and (
        not suf
        or suf in NAME_SUFFIXES
        or ((suf[-2:] in NAME_SUFFIXES or suf[-1] in NAME_SUFFIXES) and not _WEAK & set(suf))
    )


def _core_kept(x: str, y: str) -> bool:
    """One character renamed beside what both forms keep (徐晃 -> 秦晃, 西蜀 -> 西岷, 老五 ->
    老六), read where a rename stands in place twice or more on word boundaries: no grammar
    character in either form, and what differs no common verb or numeral, but after a name's
    beginning (老五 -> 老六)."""
    pre, cx, cy, suf = _core(x, y)
    if not cx or not cy or _GRAMMAR & set(x + y):
        return False
    return not _WEAK & set(cx + cy) or (pre in NAME_PREFIXES and not suf)


def _titled(x: str, y: str) -> bool:
    """``x`` and ``y`` share a name's beginning or ending around what differs (老孙 -> 老石,
    赵员外 -> 钱员外), and what differs is no common verb."""
    pre, cx, cy, suf = _core(x, y)
    if not cx or not cy or _WEAK & set(cx + cy):
        return False
    return (pre in NAME_PREFIXES and not suf) or (
        not pre and (suf in NAME_SUFFIXES or suf[-1:] in NAME_SUFFIXES)
    )


def chinese(w: str) -> bool:
    """``w`` is written in Chinese characters only (no letters, digits or marks)."""
    return all("\u3400" <= c <= "\u9fff" for c in w)


def _clean(w: str) -> bool:
    """``w`` holds no grammar character, common verb or function character, and no
    character twice (白厉厉 -> 白森森 is no rename)."""
    return not (_WEAK | _VERBISH | _GRAMMAR) & set(w) and len(set(w)) == len(w)


def _personal(w: str) -> bool:
    """``w`` reads as a person's name: a surname, then no verb."""
    return (w[0] in SURNAMES or w[:2] in COMPOUND_SURNAMES) and not _VERBISH & set(w[1:])


def _placed(w: str) -> bool:
    """``w`` reads as a place or a titled person: a name ending, no verb before it."""
    return any(e in NAME_SUFFIXES and not _VERBISH & set(w[: -len(e)]) for e in {w[-2:], w[-1:]})


def _keep_ending(cuts: list[tuple[int, int]], o: str, s: str, j2: int) -> list[tuple[int, int]]:
    """The pieces of an equal-length replaced span (ending at ``j2`` in ``s``) with a last
    piece of one character that both sides write as a place's or a title's ending, but not
    the same, joined to the piece before it (狼子|村 -> 野狐|屯: 狼子村 -> 野狐屯).

    >>> _keep_ending([(0, 2), (2, 3)], "狼子村的", "野狐屯的", 3)
    [(0, 3)]
    """
    if len(cuts) < 2 or cuts[-1][1] - cuts[-1][0] != 1:
        return cuts
    x, y = o[cuts[-1][0]], s[j2 - 1]
    if x == y or x not in NAME_SUFFIXES or y not in NAME_SUFFIXES:
        return cuts
    return [*cuts[:-2], (cuts[-2][0], cuts[-1][1])]


def _name_lists(text: str) -> dict[str, list[str]]:
    """Runs of three names or more with one place's or title's ending written back to back
    (香冷泉伴山泉温泉), by their ending: each name of the run, in order. A name holds one to
    three characters before the ending, none of them a grammar character, a common verb or
    a numeral; the first one reaches back two at most.

    >>> _name_lists("那是香冷泉伴山泉温泉的水")
    {'泉': ['香冷泉', '伴山泉', '温泉']}
    """
    ends: dict[str, list[int]] = defaultdict(list)
    for k, c in enumerate(text):
        if c in NAME_SUFFIXES:
            ends[c].append(k)
    out: dict[str, list[str]] = {}
    stop = _GRAMMAR | _WEAK
    for end, at in ends.items():
        if len(at) < 3:
            continue
        runs: list[list[str]] = []
        prev = -1
        for k in at:
            piece = text[prev + 1 : k]
            if runs and prev >= 0 and 1 <= len(piece) <= 3 and not stop & set(piece):
                runs[-1].append(piece + end)
            else:
                lo = k
                while lo > max(0, k - 2, prev + 1) and text[lo - 1] not in stop:
                    lo -= 1
                runs.append([text[lo:k] + end] if lo < k else [])
            if not runs[-1]:
                runs.pop()
            prev = k
        longest = max(runs, key=len, default=[])
        if len(longest) >= 3:
            out[end] = longest
    return out


def _pair_lists(o: str, s: str, old: _Side, new: _Side) -> list[tuple[str, str]]:
    """The names of lists with the same ending on the two sides (:func:`_name_lists`), paired
    in order from their ends (a list's first name may be cut wrong), where the two hold
    as many names or one more: those renamed, each written by one side only."""
    out = []
    lists = _name_lists(s)
    for end, xs in _name_lists(o).items():
        ys = lists.get(end, [])
        if len(ys) >= 3 and abs(len(xs) - len(ys)) <= 1:
            for x, y in zip(xs[::-1], ys[::-1], strict=False):
                if x != y and new.lacks(x) and old.lacks(y):
                    out.append((x, y))
    return out


def _titled_forms(text: str, other: _Side, bounds: set[int]) -> dict[str, set[str]]:
    """The names with a title's ending of two characters or a place's (:data:`TITLED_ENDS`)
    that ``text`` writes and ``other`` never does, by their ending: a surname and the ending
    (王夫人), or two characters jieba reads as one word that may be a name's and it (万寿山),
    starting on a word boundary (``bounds``), of Chinese characters, clean (:func:`_clean`)."""
    out: dict[str, set[str]] = defaultdict(set)
    for end in TITLED_ENDS:
        at = text.find(end, 1)  # an ending at the start has no name before it
        while at > 0:
            surname = text[at - 1] in SURNAMES
            lo = at - 1 if surname else at - 2
            form = text[max(lo, 0) : at + len(end)]
            if (
                (surname or (lo in bounds and _named_before(text[lo:at])))
                and chinese(form)
                and _clean(form)
                and other.lacks(form)
            ):
                out[end].add(form)
            at = text.find(end, at + 1)
    return out


#: jieba's tags of words no name begins with: verbs, pronouns, adverbs, times, measures, …
_NOT_NAMED = frozenset("zrdtcpumfqv")


def _named_before(x: str) -> bool:
    """``x``, the two characters before an ending, may be a name's: jieba reads them as one
    word, and not as a verb, a pronoun, an adverb, a time or a measure (浪冲江, 依旧镇, 当天镇,
    吾旧宫)."""
    from xigao.tokenize import default_tokenizer

    got = default_tokenizer().tag(x)
    return len(got) == 1 and got[0][1][:1] not in _NOT_NAMED


def _pair_titled(
    o: str, s: str, old: _Side, new: _Side, bounds: tuple[set[int], set[int]]
) -> list[tuple[str, str]]:
    """The one name with an ending that each of a segment's two sides writes and the other
    never does (:func:`_titled_forms`), paired (王夫人 -> 周夫人, 万寿山 -> 长生山): a name
    renamed before a title or a place's ending that the diff lined up with other text."""
    ys = _titled_forms(s, old, bounds[1])
    out = []
    for end, xs in _titled_forms(o, new, bounds[0]).items():
        if len(xs) == 1 and len(ys.get(end, ())) == 1:
            out.append((next(iter(xs)), next(iter(ys[end]))))
    return out


def _warp(ops: Sequence[tuple[str, int, int, int, int]], p: float) -> float:
    """Where the place ``p`` of the original falls in the suspect, by the character diff
    ``ops``: the same place in equal text, the same share of a changed stretch.

    >>> _warp([("equal", 0, 2, 0, 2), ("replace", 2, 6, 2, 4), ("equal", 6, 8, 4, 6)], 4)
    3.0
    """
    for _, i1, i2, j1, j2 in ops:
        if p < i2 or (p == i2 and i1 == i2):
            return j1 + (p - i1) * (j2 - j1) / max(1, i2 - i1)
    return float(ops[-1][4]) if ops else 0.0


def _name_words(
    text: str, toks: list[_Token], rec: dict[str, int], other: _Side
) -> list[tuple[float, str]]:
    """The words of ``text`` that may be names the other text renamed: tagged a name or
    repeated (``rec``), never written there, with their middles."""
    out = []
    for x, y, t in toks:
        f = text[x:y]
        if not 2 <= len(f) <= MAX_NAME or (t not in _NAMEY and f not in rec):
            continue
        if not _GRAMMAR & set(f) and other.lacks(f):
            out.append(((x + y) / 2, f))
    return out


def _pair_near(
    xs: list[tuple[float, str]], ys: list[tuple[float, str]], gap: float = 2.0, tol: float = 8.0
) -> list[tuple[str, str]]:
    """Names of the two sides of a segment paired in order where the diff maps one onto the
    other (``xs`` at their warped places, ``tol`` characters apart at most): those ``gap``
    characters apart at most.

    >>> _pair_near([(3.0, "贾政"), (9.0, "黛玉")], [(3.5, "沈崇文"), (8.5, "苏念"), (20.0, "许清")])
    [('贾政', '沈崇文'), ('黛玉', '苏念')]
    """
    n, m = len(xs), len(ys)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d = abs(xs[i - 1][0] - ys[j - 1][0])
            took = score[i - 1][j - 1] + 1 - d / tol if d <= tol else 0.0
            score[i][j] = max(score[i - 1][j], score[i][j - 1], took)
    out = []
    i, j = n, m
    while i and j:
        if score[i][j] == score[i - 1][j]:
            i -= 1
        elif score[i][j] == score[i][j - 1]:
            j -= 1
        else:
            if abs(xs[i - 1][0] - ys[j - 1][0]) <= gap:
                out.append((xs[i - 1][1], ys[j - 1][1]))
            i, j = i - 1, j - 1
    return out[::-1]


@dataclass
class _Rename:
    """The evidence for one rename (the original's form, the suspect's)."""

    order: int = 0  #: replaced spans in which the two stand in the same place
    cooccur: int = 0  #: replaced spans in which both stand
    segments: set[int] = field(default_factory=set)  #: the segments of those in place
    bounds: int = 0  #: most word boundaries its forms keep where they stand in place (of 4)
    tight: int = -1  #: the same in short spans (-1: never in one)
    loose: bool = False  #: paired in a long span, names or repeated strings on both sides
    speech: bool = False  #: a person's context around it (道, 曰 after; 太守 before)
    tagged: bool = False  #: jieba tags both forms proper nouns where they stand
    written: int = 0  #: how often the original writes its form
    #: segments in which the two stand where the diff maps one onto the other, or are the
    #: one name before an ending on each side (:func:`_pair_titled`)
    near: int = 0
    listed: bool = False  #: paired in two lists of names with one ending (:func:`_pair_lists`)

    @property
    def recurs(self) -> bool:
        """The original writes its form three times or more."""
        return self.written >= 3


def _near_name(x: str, y: str) -> bool:
    """Whether two words paired only by where they stand read as one name renamed: neither an
    ordinary word, both clean (:func:`_clean`), both a person's or a place's name, or a proper
    noun of jieba's dictionary renamed to a word it does not know, and renamed as
    :func:`_core_ok` asks."""
    ordinary, proper = jieba_lexicon()[:2]
    if x in ordinary or y in ordinary or not (_clean(x) and _clean(y)):
        return False
    return (
        (_personal(x) and _personal(y))
        or (_placed(x) and _placed(y))
        or (x in proper and y not in proper)
    ) and _core_ok(x, y)


def _wordy(w: str) -> bool:
    """``w`` is a common word of jieba's dictionary that is no name: an adverb, a
    conjunction, a preposition or a particle (径 -> 直, 并 -> 共), or a verb of two
    characters (教 -> 吩咐)."""
    from xigao.tokenize import default_tokenizer

    if w not in jieba_lexicon().ordinary:
        return False
    got = default_tokenizer().tag(w)
    tag = got[0][1] if len(got) == 1 else ""
    return bool(tag) and (tag[0] in "dcpu" or (len(w) >= 2 and tag[0] == "v"))


def _accept(x: str, y: str, r: _Rename, dice: float) -> bool:
    """Whether the evidence makes ``x`` -> ``y`` a rename: in place twice or more with its
    forms on word boundaries; once, in a short replaced span, between names or on word
    boundaries in a long one, when both forms read as names (surnames, a place's ending, a
    proper noun of jieba's dictionary, a person's context) and neither is an ordinary word,
    but for a dictionary word the original writes again and again renamed to a surname and a
    name the dictionary does not know (八戒 -> 朱憨, 八戒 -> 朱能 where a person speaks); a
    one-character rename between two persons' names that jieba tags names (陈留 -> 陈川, 徐晃 ->
    吕晃); never in place but where the diff maps one onto the other, as :func:`_near_name`
    asks, or in two lists of names (:func:`_pair_lists`). Never where what differs before a
    shared ending is a common word (:func:`_wordy`: 径沉潭 -> 直沉潭, 教当殿 -> 吩咐当殿)."""
    ordinary, proper = jieba_lexicon()[:2]
    if any(c.isdigit() for c in x + y) or x in NAME_SUFFIXES or y in NAME_SUFFIXES:
        return False
    if x[0] == x[1] or y[0] == y[1]:  # 厉厉 -> 森森: no name
        return False
    pre, cx, cy, suf = _core(x, y)
    if suf and not pre and (_wordy(cx) or _wordy(cy)):
        return False
    if r.order >= 2:
        return (
            dice >= 0.4
            and r.bounds >= 3
            and not (x in ordinary and y in ordinary)
            and (_core_ok(x, y) or (r.bounds == 4 and _core_kept(x, y)))
        )
    if r.order < 1:
        return r.listed or (r.near >= 1 and _near_name(x, y))
    # a word of the dictionary the original writes again and again, renamed in a short span
    # (or where a person speaks) to a person's name the dictionary does not know (八戒 ->
    # 朱憨, 八戒道 -> 朱能说): a character of the story
    regular = x in ordinary and r.recurs and (r.tight >= 3 or (r.speech and r.bounds == 4))
    regular = regular and len(y) <= 3 and y[0] in SURNAMES and y not in proper
    if y in ordinary or (x in ordinary and not regular):
        return False
    plain = len(x) <= 4 and len(y) <= 4 and not _VERBISH & set(x + y)
    known = x in proper and not _WEAK & set(y)
    if not (
        (_personal(x) and _personal(y))
        or (_placed(x) and _placed(y))
        or known
        or regular
        or (plain and (r.speech or r.tagged))
        or (plain and r.tight == 4 and _titled(x, y))
    ):
        return False
    if not _core_ok(x, y):
        _, cx, cy, _ = _core(x, y)
        kin = r.tagged and _personal(x) and _personal(y)  # 陈留 -> 陈川, 徐晃 -> 吕晃
        if not (known and plain and not _WEAK & set(cx + cy)) and not (
            kin and _clean(x) and _clean(y)
        ):
            return False
    named = (_personal(x) and _personal(y)) or (_placed(x) and _placed(y))
    return (
        r.tight >= 2 or r.loose or regular or (r.bounds == 4 and named and _clean(x) and _clean(y))
    )


def _accept_tagged(x: str, y: str, r: _Rename, dice: float) -> bool:
    """Whether ``x`` -> ``y``, which :func:`_accept` left out, is a rename that jieba tags a
    name on both sides where it stands in place, neither form an ordinary word, no rename
    taken covering it: in place twice or more, on word boundaries once at least, with no
    common verb or grammar character (镇元 -> 乾元 of 镇元大仙 -> 乾元大仙, 子孝 -> 子仁); or
    once, of two or three characters, where the original writes it three times or more (a
    character of the chapter), what differs holding no common verb or function character
    (凤楼 -> 鸾楼 of 五凤楼 -> 九鸾楼, 黛玉 -> 苏清婉, 曹兵 -> 萧兵)."""
    ordinary = jieba_lexicon().ordinary
    if not r.tagged or r.order < 1 or dice < 0.4 or x in ordinary or y in ordinary:
        return False
    if r.order >= 2 and r.bounds >= 2 and _clean(x) and _clean(y):
        return True
    _, cx, cy, _ = _core(x, y)
    return (
        r.recurs
        and 2 <= len(x) <= 3
        and 2 <= len(y) <= 3
        and bool(cx)
        and bool(cy)
        and not (_WEAK | _GRAMMAR) & set(cx + cy)
    )


def _accept_character(x: str, y: str, r: _Rename, dice: float) -> bool:
    """Whether ``x`` -> ``y``, which the readings before left out, renames a character of the
    chapter: the original writes ``x`` ``CHARACTER_WRITTEN`` times or more (and the suspect
    never), renamed in place on word boundaries on two sides at least, both forms of two to
    four characters of Chinese, clean (:func:`_clean`) and no ordinary word (宝钗 -> 婉清, 滕戡
    -> 庞虎, 于禁 -> 屈禁); where one character of each is renamed beside what both keep, a
    surname for a surname before it (薛姨 -> 苏姨: 手掿 -> 手握 and 百孝 -> 百善 are synonym
    swaps of words jieba does not know)."""
    ordinary = jieba_lexicon().ordinary
    pre, cx, cy, _ = _core(x, y)
    if len(cx) == 1 and len(cy) == 1 and (pre or cx not in SURNAMES or cy not in SURNAMES):
        return False
    return (
        r.order >= 1
        and chinese(x + y)
        and r.written >= CHARACTER_WRITTEN
        and r.bounds >= 2
        and 2 <= len(x) <= 4
        and 2 <= len(y) <= 4
        and x not in ordinary
        and y not in ordinary
        and _clean(x)
        and _clean(y)
    )


def name_map(
    a: Sentences,
    b: Sentences,
    pairs: Sequence[Pair],
    *,
    grafted: bool = False,
    within: tuple[int, int] | None = None,
) -> dict[str, str]:
    """The people and places ``a`` (suspect) renamed from ``b`` (original), read from the
    text around the aligned ``pairs``: {original's name: suspect's name}; ``grafted``: ``a``
    grafts scenes of other originals too (融梗), so only ``READ_BEYOND`` sentences before and
    after the aligned ones are read; ``within``: a run of ``a``'s sentences none outside which
    is read (a scene of a long chapter).

    Each suspect sentence, aligned or not, is lined up with the stretch of the original
    between the pairs around it (the longest run of pairs in order on both sides), and the two
    are diffed character by character. A short replaced span is read as one rename, widened by
    the equal text around it to two characters (冀 -> 朔: 冀州 -> 朔州); a list of names
    renamed one by one is cut where the original's words start, but not before a last
    place's ending (狼子村 -> 野狐屯); in a long one (a retelling)
    the names each side writes (strings it repeats, words tagged a name) are paired by where
    they stand. Across the whole of each segment, the words of the two sides that may be
    names (tagged a name or repeated, never written by the other) are also paired in order
    where the diff maps one onto the other, for renames no replaced span holds whole (晴雯
    -> 晚晴, where the diff matched 晴 with 晴), and the names of two lists with one ending
    (香冷泉伴山泉… / 寒香泉依岭泉…) name by name, and the one name before a title's or a place's
    ending that each side writes (与王夫人计议 / 找周夫人商量, :func:`_pair_titled`). A form is a
    name only if the other text never writes it: a renamed name never survives. A rename is
    kept when it stands in place twice or more, or once when both forms read as names and
    neither is an ordinary word (synonym swaps are), or, paired by place alone, when both read
    as names more strictly; one to one, the best supported first (in place, then by place),
    the longer on ties, and only if the renames in place come from two segments or more: one
    sentence about other people (赵乐际会见… / 王沪宁会见…) is a template, not a renaming. A
    second pass then keeps, where no rename taken covers them, renames that jieba tags a name
    on both sides (:func:`_accept_tagged`), and a third renames of a character the original
    writes again and again (:func:`_accept_character`). A name renamed alike in sentence after
    sentence is evidence of copying (换名抄袭).
    """
    chain = anchor_chain(pairs)
    if not chain:
        return {}
    pieces = [
        (_piece(a, sr), _piece(b, orng))
        for sr, orng in _rename_segments(a, b, chain, READ_BEYOND if grafted else None, within)
    ]
    new = _Side.of(a, [s for (s, _), _ in pieces])
    old = _Side.of(b, [o for _, (o, _) in pieces])
    rec_old, rec_new = old.recurring(new), new.recurring(old)
    found: dict[tuple[str, str], _Rename] = defaultdict(_Rename)
    n_old: Counter[str] = Counter()
    n_new: Counter[str] = Counter()
    for seg, ((s, stoks), (o, otoks)) in enumerate(pieces):
        if not s or not o:
            continue
        ob = {x for x, _, _ in otoks} | {len(o)}
        sb = {x for x, _, _ in stoks} | {len(s)}
        o_named, s_named = _named_chars(otoks), _named_chars(stoks)
        rec_o = {f: c for f, c in rec_old.items() if f in o}
        rec_s = {f: c for f, c in rec_new.items() if f in s}
        for k, (tag, i1, i2, j1, j2) in enumerate(ops := _changes(o, s)):
            if tag != "replace":
                continue
            room = (
                min(2, ops[k - 1][2] - ops[k - 1][1]) if k else 0,
                min(2, ops[k + 1][2] - ops[k + 1][1]) if k + 1 < len(ops) else 0,
            )
            short = i2 - i1 == j2 - j1 or max(i2 - i1, j2 - j1) <= 3
            placed: list[tuple[_Cand, _Cand]] = []
            if short:
                cuts = _best_cuts(i1, i2, j1, ob, sb, room) if i2 - i1 == j2 - j1 else [(i1, i2)]
                cuts = _keep_ending(cuts, o, s, j2)
                for u1, u2 in cuts:
                    v1, v2 = (j1 + u1 - i1, j1 + u2 - i1) if len(cuts) > 1 else (j1, j2)
                    edge = (room[0] if u1 == i1 else 0, room[1] if u2 == i2 else 0)
                    got = _short_rename(o, s, (u1, u2, v1, v2), edge, old, new, (ob, sb))
                    if got:
                        placed.append(got)
                xs, ys = [p[0] for p in placed], [p[1] for p in placed]
            else:
                xs = _candidates(o, i1, i2, otoks, rec_o, new)
                ys = _candidates(s, j1, j2, stoks, rec_s, old)
                placed = _align_candidates(xs, ys, (i1, i2, j1, j2))
            n_old.update(r[2] for r in xs)
            n_new.update(r[2] for r in ys)
            for rx in xs:
                for ry in ys:
                    found[rx[2], ry[2]].cooccur += 1
            for rx, ry in placed:
                ev = found[rx[2], ry[2]]
                ev.order += 1
                ev.segments.add(seg)
                bounds = (rx[0] in ob) + (rx[1] in ob) + (ry[0] in sb) + (ry[1] in sb)
                ev.bounds = max(ev.bounds, bounds)
                if short:
                    ev.tight = max(ev.tight, bounds)
                elif rx[3] and ry[3] and bounds == 4:
                    ev.loose = True
                ev.speech |= (
                    o[rx[1] : rx[1] + 1] in _SPEECH or o[max(0, rx[0] - 2) : rx[0]] in _POSTS
                )
                ev.tagged |= not o_named.isdisjoint(range(rx[0], rx[1])) and not s_named.isdisjoint(
                    range(ry[0], ry[1])
                )
                ev.written = old.content.count(rx[2])
        xs_near = [(_warp(ops, c), f) for c, f in _name_words(o, otoks, rec_o, new)]
        for fx, fy in _pair_near(xs_near, _name_words(s, stoks, rec_s, old)):
            found[fx, fy].near += 1
        for fx, fy in _pair_lists(o, s, old, new):
            found[fx, fy].near += 1
            found[fx, fy].listed = True
        for fx, fy in _pair_titled(o, s, old, new, (ob, sb)):
            found[fx, fy].near += 1
    ranked = sorted(
        found.items(),
        key=lambda kv: (
            -kv[1].order,
            -kv[1].near,
            -kv[1].cooccur,
            -kv[1].cooccur / max(1, n_old[kv[0][0]] + n_new[kv[0][1]]),
            -len(kv[0][0]) - len(kv[0][1]),
            kv[0],
        ),
    )
    taken: dict[str, str] = {}
    segments: set[int] = set()
    for accept in (_accept, _accept_tagged, _accept_character):
        for (x, y), ev in ranked:
            if not ev.order and not ev.near:
                continue
            if any(x in z or z in x for z in taken) or any(
                y in z or z in y for z in taken.values()
            ):
                continue
            if accept(x, y, ev, 2 * ev.cooccur / max(1, n_old[x] + n_new[y])):
                taken[x] = y
                segments |= ev.segments
    if len(segments) < 2:
        return {}
    return {x: _whole_name(y, new.content, old) for x, y in taken.items()}


def _whole_name(y: str, text: str, other: _Side) -> str:
    """``y`` (the suspect's form of a rename) with the character that follows it wherever
    ``text`` writes it, twice or more, when ``y`` is a word of the dictionary that cut a
    longer name short (林子轩 read as 林子 "woods", 王子豪 as 王子 "prince") and the other text
    never writes the longer one; a speech or grammar character never joins.

    >>> _whole_name("林子", "林子轩道：“好。”林子轩走了。", _Side("", frozenset(), Counter()))
    '林子轩'
    >>> _whole_name("林子", "林子里有鸟。林子轩走了。", _Side("", frozenset(), Counter()))
    '林子'
    """
    lex = jieba_lexicon()
    if len(y) != 2 or not (y in lex.ordinary or y in lex.proper):
        return y
    after = {text[m.end() : m.end() + 1] for m in re.finditer(re.escape(y), text)}
    count = text.count(y)
    c = after.pop() if len(after) == 1 else ""
    if count < 2 or not chinese(c) or c in _SPEECH | _GRAMMAR | _WEAK:
        return y
    return y + c if other.lacks(y + c) else y


def as_written(
    renamed: dict[str, str], suspect: Normalized, original: Normalized
) -> dict[str, str]:
    """``renamed`` (read by :func:`name_map` from normalized text) as the two texts write its
    names (:meth:`~xigao.normalize.Normalized.written`): a reader of the map looks for the
    names the texts hold, not the normalizer's (孫乾, not 孙干).

    >>> from xigao.normalize import normalize
    >>> as_written({"孙干": "阿q"}, normalize("阿Q说。"), normalize("孫乾曰。"))
    {'孫乾': '阿Q'}
    """
    return {original.written(x): suspect.written(y) for x, y in renamed.items()}


def _named_chars(toks: list[_Token]) -> set[int]:
    """The places of the characters in words of two or more that jieba tags proper nouns."""
    return {k for x, y, t in toks if t in _NAMEY and y - x >= 2 for k in range(x, y)}
