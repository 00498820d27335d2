"""Text written by sound: each Chinese character as the syllable it is read as, without its
tone (``sounds.tsv``, built by ``benchmarks/build_sounds.py`` from pypinyin's tables).

A content farm dodges keyword filters and duplicate checks with 同音字, characters swapped for
others that sound alike (正府 for 政府, 书据 for 数据, 易情 for 疫情, 习进平): one every ten
characters breaks every exact run a copy is found by, while a reader reads the text as its
original. Written by sound (:func:`by_sound`), the copy and its original are one text again,
character for character, so the spans found in the one are spans of the other.

>>> by_sound("政府数据") == by_sound("正府书据")
True
>>> by_sound("政府") == by_sound("政策"), by_sound("GDP增长2%")[:3], len(by_sound("增长"))
(False, 'GDP', 2)
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["by_sound"]

#: The private-use characters a sound is written as (one per syllable: about 410).
_FIRST = 0xE000


@functools.cache
def _table() -> dict[int, str]:
    """``str.translate``'s table: each character of ``sounds.tsv`` to its sound's character."""
    out: dict[int, str] = {}
    text = (resources.files("xigao") / "sounds.tsv").read_text(encoding="utf-8")
    for k, line in enumerate(text.splitlines()):
        _, chars = line.split("\t")
        mark = chr(_FIRST + k)
        out.update((ord(c), mark) for c in chars)
    return out


def by_sound(text: str) -> str:
    """``text`` with each Chinese character written as its sound (one character for one, so
    positions stay); letters, digits and marks as they are."""
    return text.translate(_table())
