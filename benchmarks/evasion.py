"""Evasion: the test split's reposts and partial copies with the tricks people use to get copied
text past a check, each applied to every character or every few, against the benchmark's index.

    python -m benchmarks.evasion [--work bench-out] [--limit N] [--only TRICK ...]

For each trick (:data:`TRICKS`) and each case, the verdict and the top source must be those of
the case without the trick, and every evidence span must still point at the text as given: the
content of the suspect's span (its key, figures read as their values) must be, in at least 90%
by difflib's ratio, the content of the original's span. Written to ``bench-out/results/evasion.json`` and printed as markdown.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import time
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl
from xigao import Index
from xigao.facts import figures_read
from xigao.normalize import normalize

_CJK = range(0x4E00, 0xA000)


@lru_cache(maxsize=1)
def _compat() -> dict[str, str]:
    """Unified ideographs → a CJK compatibility ideograph NFKC maps back to them (不 → U+F967)."""
    out: dict[str, str] = {}
    for cp in [*range(0xF900, 0xFB00), *range(0x2F800, 0x2FA20)]:
        c = chr(cp)
        base = unicodedata.normalize("NFKC", c)
        if len(base) == 1 and base != c:
            out.setdefault(base, c)
    return out


#: Latin and digits → look-alikes (Cyrillic, full width) and 〇 for 0.
_GLYPHS = str.maketrans(
    {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "A": "А", "B": "В",
     "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т", "X": "Х",
     **{str(d): chr(0xFF10 + d) for d in range(10)}}
)  # fmt: skip
_TONES = ["wǎng", "zhōng", "guó", "rén", "mín", "xīn", "wén", "shì", "dà", "huì"]


def _every(text: str, n: int, insert: Callable[[random.Random], str], rng: random.Random) -> str:
    out = []
    for i, c in enumerate(text):
        out.append(c)
        if ord(c) in _CJK and i % n == n - 1:
            out.append(insert(rng))
    return "".join(out)


TRICKS: dict[str, Callable[[str, random.Random], str]] = {
    "zero-width between every character": lambda t, r: "\u200b".join(t),
    "spaces between every character": lambda t, r: " ".join(t),
    "punctuation stuffed every 3 characters": lambda t, r: _every(t, 3, lambda r: r.choice("，、·.…"), r),
    "line break every 7 characters": lambda t, r: _every(t, 7, lambda r: "\n", r),
    "pinyin after every 4th character": lambda t, r: _every(t, 4, lambda r: f"({r.choice(_TONES)})", r),
    "look-alike letters and digits": lambda t, r: t.translate(_GLYPHS),
    "compatibility ideographs": lambda t, r: "".join(_compat().get(c, c) for c in t),
    "full-width and traditional": lambda t, r: _traditional(t),
    "traditional in Taiwan usage (OpenCC s2twp)": lambda t, r: _taiwan(t),
    "figures in Chinese numerals": lambda t, r: _numerals(t),
    "sentences shuffled": lambda t, r: _shuffled(t, r),
}  # fmt: skip


def _shuffled(text: str, rng: random.Random) -> str:
    """The sentences (up to 。！？ and a newline) in another order."""
    parts = [p for p in re.split(r"(?<=[。！？\n])", text) if p.strip()]
    rng.shuffle(parts)
    return "".join(parts)


def _numerals(text: str) -> str:
    """Figures spelled out (146人 → 一百四十六人, 2023年 → 二〇二三年, 3.5% → 百分之三点五), as
    ``benchmarks.retyped`` spells them."""
    from benchmarks.retyped import numerals

    return numerals(text)


def _traditional(text: str) -> str:
    import opencc

    return unicodedata.normalize("NFKC", opencc.OpenCC("s2t").convert(text)).translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
    )


def _taiwan(text: str) -> str:
    """As a mainland story is usually converted for Taiwan: Taiwan-standard characters and its
    words (互联网 → 網際網路, 人工智能 → 人工智慧, 数据 → 資料, 支持 → 支援)."""
    import opencc

    return str(opencc.OpenCC("s2twp").convert(text))


def _key(text: str) -> str:
    """The content of ``text`` (boilerplate left out, as the key leaves it out), each figure
    read as its value (``xigao.facts.figures_read``; spaces left out first, which may part a
    figure's digits): a span of a repost that spells its figures out holds the original's
    figures."""
    n = normalize(text)
    kept, at = [], 0
    for lo, hi in n.excluded:
        kept.append(n.text[at:lo])
        at = hi
    kept.append(n.text[at:])
    return figures_read("".join("".join(kept).split()))[0]


def _spans_hold(result: Any, body: str, originals: dict[str, str]) -> bool:
    for m in result.matches[:1]:
        src = originals.get(m.source_id, "")
        for e in m.evidence:
            if e.kind != "verbatim":
                continue
            (s, t), (os_, ot) = e.suspect, e.source
            if not (0 <= s < t <= len(body) and 0 <= os_ < ot <= len(src)):
                return False
            a, b = _key(body[s:t]), _key(src[os_:ot])
            if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() < 0.9:
                return False
    return True


def run(
    work: Path, limit: int | None = None, seed: int = 0, only: list[str] | None = None
) -> dict[str, Any]:
    cases = [
        c
        for c in read_jsonl(work / "cases" / "main" / "test" / "cases.jsonl")
        if c["kind"] in ("repost", "partial")
    ][:limit]
    originals = {
        d["id"]: d["body"] for d in read_jsonl(work / "cases" / "main" / "originals.jsonl")
    }
    rows: dict[str, dict[str, Any]] = {}
    with Index.open(work / "indexes" / "main" / "xigao") as idx:
        check = lambda body: idx.check(body, detect="repost,partial")  # noqa: E731
        plain = {c["id"]: check(c["body"]) for c in cases}
        for name, trick in TRICKS.items():
            if only and not any(o in name for o in only):
                continue
            rng = random.Random(seed)
            same = spans = 0
            failed: list[dict[str, Any]] = []
            started = time.time()
            for c in cases:
                body = trick(c["body"], rng)
                got, want = check(body), plain[c["id"]]
                top = lambda r: r.matches[0].source_id if r.matches else None  # noqa: E731
                ok = got.verdict == want.verdict and top(got) == top(want)
                held = _spans_hold(got, body, originals)
                same += ok
                spans += held
                if not (ok and held) and len(failed) < 5:
                    failed.append(
                        {"id": c["id"], "want": want.verdict, "got": got.verdict, "spans": held}
                    )
            rows[name] = {
                "cases": len(cases),
                "same": same,
                "spans_hold": spans,
                "seconds": round(time.time() - started, 1),
                "failed": failed,
            }
    return {"cases": len(cases), "tricks": rows}


def markdown(out: dict[str, Any]) -> str:
    rows = [
        "| trick | cases | same verdict and source | spans point at the text as given |",
        "|---|---:|---:|---:|",
    ]
    for name, r in out["tricks"].items():
        n = r["cases"]
        rows.append(
            f"| {name} | {n} | {r['same']} ({r['same'] / n:.3f}) "
            f"| {r['spans_hold']} ({r['spans_hold'] / n:.3f}) |"
        )
    return "\n".join(rows)


def run_evasion(
    work: Path, limit: int | None = None, only: list[str] | None = None
) -> dict[str, Any]:
    out = run(work, limit, only=only)
    dest = work / "results" / ("evasion-some.json" if only else "evasion.json")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--only", action="append", help="the tricks whose names hold this (repeatable)")
    a = ap.parse_args(argv)
    print(markdown(run_evasion(a.work, a.limit, a.only)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
