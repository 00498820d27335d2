"""Realistic washes retyped: the same texts with the surface a content farm's post has.

    python -m benchmarks.retyped --shared ../shared [--split held|fit|both] [--out results.json]

A wash is not posted as its writer typed it. A post typed on a phone or pasted from a chat has
half-width punctuation (他走了. 然后…); a 自媒体 account adds emoji and a follow-me line, and
puts every sentence in a paragraph of its own; a mirror site serves it in traditional script;
a scraper leaves zero-width characters or full-width digits; a writer may spell its figures
out in Chinese numerals (146人 → 一百四十六人). None of it changes what the text
says, so none of it should change what a check finds. This benchmark checks our own set's
washes and honest negatives (``benchmarks/washfit``) as written and retyped each of these ways,
against the same indexes as ``benchmarks.washes`` (news against every CCTV story and the
THUCNews articles, literature against the classic novels and 鲁迅), and counts per style what
:func:`benchmarks.washes.found` counts: a wash flagged with its source (a merge with both), an
honest negative left original.

The retypings are deterministic (seeded). ``spaces`` (every punctuation mark a space) is one
no writer of articles does on purpose, but a post pasted through a chat or a scraper that
drops marks can read so; such a text is cut into sentences at its spaces
(``xigao.normalize.SPACED_SENTENCE``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.data import shared_root
from benchmarks.washes import ensure_index, found, own_cases

_HALF = str.maketrans("，。！？；：“”‘’（）", ",.!?;:\"\"''()")
_EMOJI = ("😂", "👍", "🔥", "❤️", "😱", "👉", "✅")
_END = re.compile(r"([。！？])")


def half_width(text: str) -> str:
    """Half-width punctuation, as a phone's keyboard in English mode types it."""
    return text.translate(_HALF)


def emoji(text: str, seed: int = 0) -> str:
    """An emoji after every sentence and a follow-me line at the end (a 自媒体 post)."""
    rng = random.Random(seed)
    return (
        _END.sub(lambda m: m.group(1) + rng.choice(_EMOJI), text) + "\n👉点击关注，获取更多资讯！"
    )


def lines(text: str) -> str:
    """Every sentence a paragraph of its own."""
    return _END.sub(r"\1\n\n", text)


def zero_width(text: str) -> str:
    """A zero-width space between every two characters (a scraper's or an evader's)."""
    return "\u200b".join(text)


def full_width(text: str) -> str:
    """Digits and Latin letters full-width (Ｇ２０)."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


_CN_DIGITS = "零一二三四五六七八九"
#: What a count written out is followed by: the units and measure words of news figures.
_COUNTED = "人元个名家项次岁米吨台辆件所座户只条位场天周倍亩斤村镇县省国批架艘门套种类处支"


def _cn_int(n: int) -> str:
    """``n`` in Chinese numerals (146 -> 一百四十六, 12000 -> 一万二千, 1022 -> 一千零二十二)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for unit, name in ((100_000_000, "亿"), (10_000, "万"), (1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit)
        if q:
            out += ("零" if zero else "") + (_cn_int(q) if q >= 10 else _CN_DIGITS[q]) + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero and out else "") + _CN_DIGITS[n]
    return out[1:] if out.startswith("一十") else out


def _cn_number(s: str) -> str:
    whole, _, frac = s.partition(".")
    return _cn_int(int(whole)) + ("点" + "".join(_CN_DIGITS[int(c)] for c in frac) if frac else "")


def numerals(text: str) -> str:
    """Figures written out in Chinese numerals as a writer may (2023年 -> 二〇二三年, 3月26日 ->
    三月二十六日, 3.5% -> 百分之三点五, 146人 -> 一百四十六人, 1.2万元 -> 一点二万元); codes, hotlines,
    models and other numbers beside Latin letters or before no unit stay in digits (12345热线,
    5G, G20)."""
    free = r"(?<![0-9A-Za-z.])"
    text = re.sub(
        free + r"(\d{4})年",
        lambda m: "".join("〇一二三四五六七八九"[int(c)] for c in m.group(1)) + "年",
        text,
    )
    text = re.sub(
        free + r"(\d{1,2})月(?:(\d{1,2})日)?",
        lambda m: (
            _cn_int(int(m.group(1)))
            + "月"
            + (_cn_int(int(m.group(2))) + "日" if m.group(2) else "")
        ),
        text,
    )
    text = re.sub(free + r"(\d{1,2})日", lambda m: _cn_int(int(m.group(1))) + "日", text)
    text = re.sub(free + r"(\d+(?:\.\d+)?)%", lambda m: "百分之" + _cn_number(m.group(1)), text)
    return re.sub(
        free + rf"(\d+(?:\.\d+)?)(万亿|万|亿)?(?=[{_COUNTED}多余]|公里|小时|分钟|千米|平方)",
        lambda m: _cn_number(m.group(1)) + (m.group(2) or ""),
        text,
    )


def spaces(text: str) -> str:
    """Every punctuation mark a space."""
    return re.sub(r"[，。！？；：、“”]", " ", text)


def spaces_but_last(text: str) -> str:
    """Every punctuation mark a space but a last full stop, as a post typed so ends: one
    sentence end in the whole text."""
    body = text.rstrip()
    last = body[-1:] if body[-1:] in "。！？" else "。"
    return spaces(body[:-1] if last == body[-1:] else body) + last


def traditional() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


def retypings() -> dict[str, Callable[[str], str]]:
    """Each retyping by name, as written first."""
    return {
        "as written": lambda t: t,
        "half-width punctuation": half_width,
        "emoji and a follow-me line": emoji,
        "a paragraph a sentence": lines,
        "traditional script": traditional(),
        "zero-width spaces": zero_width,
        "full-width digits and letters": full_width,
        "figures in Chinese numerals": numerals,
        "punctuation as spaces": spaces,
        "punctuation as spaces, a last full stop kept": spaces_but_last,
    }


def run(split: str, shared: str | None, only: list[str] | None = None) -> dict[str, Any]:
    """Per split, retyping and style: found and checked; with the seconds each pass took
    (``only``: these retypings, as written first)."""
    splits = {"held": [True], "fit": [False], "both": [True, False]}[split]
    indexes = {c: ensure_index(c, None, shared) for c in ("news", "literature")}
    out: dict[str, Any] = {}
    for held in splits:
        cases = own_cases(held)
        name = "held-out batches" if held else "fit batches"
        out[name] = {}
        for label, retype in retypings().items():
            if only and label != "as written" and label not in only:
                continue
            ok: Counter[str] = Counter()
            total: Counter[str] = Counter()
            t0 = time.perf_counter()
            for c in cases:
                body = retype(c["body"])
                title = retype(c["title"]) if c.get("title") else None
                res = indexes[c["collection"]].check(body, title=title, id=c["id"]).to_dict()
                total[c["style"]] += 1
                ok[c["style"]] += found(c, res)
            out[name][label] = {
                "styles": {s: [ok[s], total[s]] for s in total},
                "seconds": round(time.perf_counter() - t0, 1),
            }
            print(name, label, {s: f"{ok[s]}/{total[s]}" for s in total}, flush=True)
    return out


def table(results: dict[str, Any]) -> str:
    """Markdown: per split, a row per retyping, a column per style, then the washes found and
    the honest negatives flagged in all."""
    negatives = {"comment", "indep", "indep-blind", "lit-fan", "lit-genre"}
    md = []
    for name, rows in results.items():
        styles = list(next(iter(rows.values()))["styles"])
        md += [
            f"**{name}**",
            "",
            "| retyping | " + " | ".join(styles) + " | washes found | negatives flagged |",
        ]
        md.append("|---|" + "---:|" * (len(styles) + 2))
        for label, row in rows.items():
            got = row["styles"]
            cells = []
            for s in styles:
                k, n = got[s]
                cells.append(f"{n - k}/{n}" if s in negatives else f"{k}/{n}")
            washes = [got[s] for s in styles if s not in negatives]
            honest = [got[s] for s in styles if s in negatives]
            w = f"{sum(k for k, _ in washes)}/{sum(n for _, n in washes)}"
            h = f"{sum(n - k for k, n in honest)}/{sum(n for _, n in honest)}"
            md.append(f"| {label} | " + " | ".join(cells) + f" | {w} | {h} |")
        md.append("")
    return "\n".join(md)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=None, help="the shared folder (default: ../shared)")
    ap.add_argument("--split", choices=("held", "fit", "both"), default="both")
    ap.add_argument("--out", type=Path, default=None, help="write the counts as JSON here")
    ap.add_argument("--only", action="append", default=None, help="this retyping (repeatable)")
    a = ap.parse_args(argv)
    shared_root(a.shared)  # fails early, with a message, where the data is missing
    if a.only and set(a.only) - set(retypings()):
        ap.error(f"--only takes one of: {', '.join(retypings())}")
    results = run(a.split, a.shared, a.only)
    print(table(results))
    if a.out is not None:
        a.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
