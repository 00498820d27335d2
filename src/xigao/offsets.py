"""A result's offsets as UTF-16 code units, the positions of a browser's JavaScript strings
(black-box review 13: a span at character 38 of a post with two emoji before it is at 40 in
JavaScript, and every web integrator would write the same fix).

A result's offsets are Python ``str`` indices, code points, into the texts as given. A
character outside the Basic Multilingual Plane (an emoji, a rare CJK character of Extension B
such as 𠮷) is one code point and two UTF-16 code units; every other character is one of each.
:func:`in_utf16` gives a result with each offset into the suspect and into each original
moved by the characters outside the BMP before it. Lengths and counts (``longest_passage``,
``quoted_chars``) stay counts of characters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from itertools import accumulate
from typing import Any, Literal

__all__ = ["OFFSETS", "Offsets", "in_utf16"]

#: The units a result's offsets may be given in.
Offsets = Literal["codepoints", "utf16"]
OFFSETS: tuple[Offsets, ...] = ("codepoints", "utf16")

#: Keys of a match (or a near miss) holding a span into the suspect, or lists of such spans,
#: and into its original; each read in the match and in each of its ``altered`` facts.
_SUSPECT_KEYS = ("suspect", "suspect_value", "scene")
_SOURCE_KEYS = ("source", "source_value", "window")

Shift = Callable[[int], int]


def _shift(text: str) -> Shift:
    """Code point offset → UTF-16 offset in ``text`` (the identity where it has no character
    outside the BMP, as nearly every Chinese text)."""
    if not text or max(text) <= "\uffff":
        return lambda i: i
    wide = [0, *accumulate(ord(c) > 0xFFFF for c in text)]
    last = len(text)
    return lambda i: i + wide[min(max(i, 0), last)]


def _span(value: Any, at: Shift) -> Any:
    """``value`` with its offsets moved, where it is a span ([start, end]) or a list of them."""
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return [at(value[0]), at(value[1])]
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [_span(v, at) for v in value]
    return value


def _match(m: dict[str, Any], suspect: Shift, source: Shift) -> None:
    """Move a match's spans (or a near miss's) in place."""
    for part in [m, *(e for e in m.get("evidence") or () if isinstance(e, dict))]:
        for k in _SUSPECT_KEYS:
            if k in part:
                part[k] = _span(part[k], suspect)
        for k in _SOURCE_KEYS:
            if k in part:
                part[k] = _span(part[k], source)
    for alt in m.get("altered") or ():
        if isinstance(alt, dict):
            _match(alt, suspect, source)


def in_utf16(
    result: Mapping[str, Any],
    suspect: str,
    original: Callable[[str], str | None],
) -> dict[str, Any]:
    """``result`` (as :meth:`xigao.Result.to_dict` gives it, for the text ``suspect``) with
    every offset in UTF-16 code units, and ``"offsets": "utf16"`` to say so; ``original``
    gives an original's body by its id (None where it is unknown: its offsets stay).

    >>> r = {"verdict": "partial", "attribution": [{"span": [0, 2]}], "matches": [
    ...     {"source_id": "a", "evidence": [{"suspect": [3, 5], "source": [1, 3]}],
    ...      "altered": [{"suspect": [3, 5], "source": [1, 3], "source_value": [1, 2]}]}]}
    >>> got = in_utf16(r, "😀好。你好", {"a": "𠮷你好"}.get)
    >>> got["attribution"][0]["span"], got["matches"][0]["evidence"][0]
    ([0, 3], {'suspect': [4, 6], 'source': [2, 4]})
    >>> got["matches"][0]["altered"][0]["source_value"], got["offsets"]
    ([2, 3], 'utf16')
    """
    out = copy.deepcopy(dict(result))
    at = _shift(suspect)
    shifts: dict[str, Shift] = {}

    def source(doc_id: Any) -> Shift:
        key = str(doc_id)
        if key not in shifts:
            body = original(key)
            shifts[key] = _shift(body) if body is not None else (lambda i: i)
        return shifts[key]

    for credit in out.get("attribution") or ():
        if isinstance(credit, dict) and "span" in credit:
            credit["span"] = _span(credit["span"], at)
    misses = [out["near_miss"]] if isinstance(out.get("near_miss"), dict) else []
    for m in [*(out.get("matches") or ()), *misses]:
        if isinstance(m, dict):
            _match(m, at, source(m.get("source_id")))
    out["offsets"] = "utf16"
    return out
