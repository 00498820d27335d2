"""Repost noise with span tracking: what real reposts carry around a verbatim copy.

A suspect is assembled from pieces with :class:`Builder`; copied pieces remember where they came
from, so the ground truth spans are exact by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from benchmarks.text import split_paragraphs, split_sentences

SpanPair = list[list[int]]  # [[s0, s1], [o0, o1]]

CLICKBAIT = [
    "【震惊】",
    "【重磅】",
    "刚刚！",
    "突发！",
    "速看！",
    "【必看】",
    "紧急提醒！",
    "转发周知！",
    "【最新】",
    "太重要了！",
]
NAMES = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴婷"]
HEADERS = [
    "来源：央视新闻客户端",
    "来源：新闻联播",
    "本文来源：央视网",
    "转自：人民日报客户端",
    "原标题：{title}",
    "（记者 {n1} {n2}）",
    "本报讯（记者 {n1}）",
]
FOOTERS = [
    "责任编辑：{n1}",
    "编辑：{n1}　审核：{n2}",
    "（来源：央视网　编辑：{n1}）",
    "来源：新闻联播　责任编辑：{n1}",
]
ADS = [
    "如有侵权请联系删除",
    "本文转自网络，版权归原作者所有，如有侵权请联系删除。",
    "点击下方“阅读原文”了解更多",
    "关注我们，获取更多精彩内容！",
    "↓↓↓ 长按识别二维码关注 ↓↓↓",
    "喜欢就点个“在看”吧！",
    "免责声明：本文仅代表作者观点，不构成任何投资建议。",
    "更多资讯请下载APP，新用户注册即送好礼。",
]
#: Traditional characters that converters often tag with pinyin (seen in the 剑网 fixture).
DEBRIS_PINYIN = {
    "網": "wǎng",
    "監": "jiān",
    "聯": "lián",
    "業": "yè",
    "發": "fā",
    "執": "zhí",
    "經": "jīng",
    "規": "guī",
    "據": "jù",
    "產": "chǎn",
    "協": "xié",
    "區": "qū",
    "續": "xù",
    "統": "tǒng",
    "節": "jié",
    "環": "huán",
    "數": "shù",
    "現": "xiàn",
    "戰": "zhàn",
    "創": "chuàng",
    "優": "yōu",
    "會": "huì",
    "關": "guān",
    "務": "wù",
    "國": "guó",
    "開": "kāi",
    "應": "yīng",
    "實": "shí",
    "體": "tǐ",
    "強": "qiáng",
    "長": "cháng",
    "將": "jiāng",
}
_HALF_PUNCT = str.maketrans({"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!"})


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """OpenCC s2t, kept only where it preserves length (it does for the data seen so far)."""
    out = _s2t().convert(text)
    if len(out) == len(text):
        return out
    return "".join(c2 if len(c2 := _s2t().convert(c)) == 1 else c for c in text)


def to_fullwidth(text: str) -> str:
    """ASCII letters, digits and ``%.`` to full width (length preserving)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and (c.isalnum() or c in "%.") else c for c in text
    )


def to_halfwidth_punct(text: str) -> str:
    return text.translate(_HALF_PUNCT)


def add_debris(text: str, rng: random.Random, p: float = 0.85) -> str:
    """Append the converter's pinyin after some traditional characters: ``網(wǎng)``."""
    out = []
    for c in text:
        out.append(c)
        py = DEBRIS_PINYIN.get(c)
        if py and rng.random() < p:
            out.append(f"({py})")
    return "".join(out)


@dataclass
class Builder:
    """Assemble a suspect from inserted text and copied pieces with their original spans."""

    parts: list[str] = field(default_factory=list)
    pairs: list[SpanPair] = field(default_factory=list)
    pos: int = 0

    def add(self, text: str, orig: tuple[int, int] | None = None) -> None:
        if orig is not None and text:
            self.pairs.append([[self.pos, self.pos + len(text)], [orig[0], orig[1]]])
        self.parts.append(text)
        self.pos += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def merge_pairs(pairs: list[SpanPair], suspect: str, original: str) -> list[SpanPair]:
    """Merge consecutive pairs whose gaps are whitespace-only in both texts (PAN: one case)."""
    out: list[SpanPair] = []
    for p in sorted(pairs, key=lambda q: (q[0][0], q[1][0])):
        if out:
            (s0, s1), (o0, o1) = out[-1]
            (t0, t1), (q0, q1) = p
            if s1 <= t0 and o1 <= q0 and not suspect[s1:t0].strip() and not original[o1:q0].strip():
                out[-1] = [[s0, t1], [o0, q1]]
                continue
        out.append([list(p[0]), list(p[1])])
    return out


REPOST_SUBKINDS = (
    "title",
    "byline",
    "ads",
    "traditional",
    "fullwidth",
    "debris",
    "paragraphs",
    "combined",
)


def make_repost(
    doc: dict, subkind: str, rng: random.Random
) -> tuple[str, str, list[SpanPair], dict]:
    """Return (title, body, span pairs, details) for a repost of ``doc``."""
    body, title = doc["body"], doc.get("title") or ""
    names = rng.sample(NAMES, 2)
    fill = {"n1": names[0], "n2": names[1], "title": title or body[:20]}
    ops: set[str] = {subkind}
    if subkind == "combined":
        ops = {"title", "byline", "ads", "paragraphs"} | {
            rng.choice(["traditional", "fullwidth", "debris"])
        }
    new_title = title
    if "title" in ops:
        lead = body[: rng.randint(12, 24)].rstrip("，。、；：")
        new_title = rng.choice(CLICKBAIT) + (title if title and rng.random() < 0.6 else lead + "……")
    char_ops = [o for o in ("traditional", "fullwidth", "debris") if o in ops]

    def transform(piece: str) -> str:
        if "traditional" in char_ops or "debris" in char_ops:
            piece = to_traditional(piece)
        if "fullwidth" in char_ops:
            piece = to_fullwidth(piece)
        if "debris" in char_ops:
            piece = add_debris(to_halfwidth_punct(piece), rng)
        return piece

    # Units of copied text: paragraphs, or runs of sentences when splitting paragraphs.
    paras = split_paragraphs(body)
    sep = "\n"
    units: list[tuple[int, int]] = paras
    if "paragraphs" in ops:
        if len(paras) > 1 and rng.random() < 0.5:
            sep = rng.choice(["", " "])  # joined paragraphs
            ops.add("joined")
        else:
            sents = split_sentences(body)
            units, i = [], 0
            while i < len(sents):
                k = rng.randint(1, 3)
                units.append((sents[i][0], sents[min(i + k, len(sents)) - 1][1]))
                i += k
            sep = rng.choice(["\n", "\n\n"])
            ops.add("split")
    b = Builder()
    if "byline" in ops:
        b.add(rng.choice(HEADERS).format(**fill) + "\n")
    for j, (s, e) in enumerate(units):
        if j:
            b.add(sep)
        b.add(transform(body[s:e]), (s, e))
    if "byline" in ops:
        b.add("\n" + rng.choice(FOOTERS).format(**fill))
    if "ads" in ops:
        for ad in rng.sample(ADS, rng.randint(1, 2)):
            b.add("\n" + ad)
    if "traditional" in char_ops or "debris" in char_ops:
        new_title = to_traditional(new_title)
    pairs = merge_pairs(b.pairs, b.text, body)
    return new_title, b.text, pairs, {"ops": sorted(ops)}
