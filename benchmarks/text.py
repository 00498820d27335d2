"""Small text helpers shared by the generator, the baselines and the tests.

These are the benchmark's own helpers, independent of xigao's normalizer, so that the benchmark
does not grade xigao with xigao's code.

>>> split_sentences("甲乙。丙丁！\\n戊")
[(0, 3), (3, 6), (7, 8)]
>>> normalize_loose("據(jù)報道，ＡＢＣ 2020")
'据报道abc2020'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np

_SENT_RE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;…]+[”’」』）)\"']*|\n|$)")
_DEBRIS_RE = re.compile(
    r"\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,7}\)"
)


def _add_stripped(spans: list[tuple[int, int]], text: str, s: int, e: int) -> None:
    """Append ``[s, e)`` without its edge whitespace, unless nothing is left."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (end exclusive), whitespace-only pieces dropped, newlines not included."""
    spans: list[tuple[int, int]] = []
    for m in _SENT_RE.finditer(text):
        _add_stripped(spans, text, *m.span())
    return spans


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: runs of text between newlines, stripped."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        _add_stripped(spans, text, pos, pos + len(line))
        pos += len(line) + 1
    return spans


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def strip_debris(text: str) -> str:
    """Remove converter pinyin debris such as the ``(wǎng)`` in ``網(wǎng)``."""
    return _DEBRIS_RE.sub("", text)


def normalize_loose(text: str) -> str:
    """NFKC, traditional to simplified, debris removed, lower case, only letters and digits."""
    t = _t2s().convert(strip_debris(unicodedata.normalize("NFKC", text)))
    return "".join(ch for ch in t.lower() if ch.isalnum())


def normalize_keep(text: str) -> str:
    """Like :func:`normalize_loose` but keeps punctuation (NFKC-folded), drops whitespace."""
    t = _t2s().convert(strip_debris(unicodedata.normalize("NFKC", text)))
    return "".join(ch for ch in t.lower() if not ch.isspace())


_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_BASE = np.uint64(1_000_003)


def window_hashes(text: str, n: int) -> np.ndarray:
    """64-bit polynomial hashes of every ``n``-character window of ``text`` (uint64 array).

    >>> len(window_hashes("abcdef", 3))
    4
    """
    if len(text) < n:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    m = len(codes) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _BASE + codes[k : k + m] + np.uint64(k + 1)
    return h & _MASK


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`normalize_loose` plus, for each output char, its index in ``text``.

    >>> normalize_with_offsets("網(wǎng)絡，Ａ")
    ('网络a', [0, 7, 9])
    """
    conv = _t2s().convert(text)
    if len(conv) != len(text):  # phrase conversion changed the length: keep the script as is
        conv = text
    drop = bytearray(len(text))
    for m in _DEBRIS_RE.finditer(text):
        drop[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    out: list[str] = []
    offs: list[int] = []
    for i, ch in enumerate(conv):
        if drop[i]:
            continue
        if ch.isascii():
            if ch.isalnum():
                out.append(ch.lower())
                offs.append(i)
            continue
        for c in unicodedata.normalize("NFKC", ch).lower():
            if c.isalnum():
                out.append(c)
                offs.append(i)
    return "".join(out), offs
