"""Realistic washes retyped: the same texts with the surface a content farm's post has.

    python -m benchmarks.retyped --shared ../shared [--split held|fit|both] [--out results.json]

A wash is not posted as its writer typed it. A post typed on a phone or pasted from a chat has
half-width punctuation (他走了. 然后…); a 自媒体 account adds emoji and a follow-me line, and
puts every sentence in a paragraph of its own; a mirror site serves it in traditional script;
a scraper leaves zero-width characters or full-width digits. None of it changes what the text
says, so none of it should change what a check finds. This benchmark checks our own set's
washes and honest negatives (``benchmarks/washfit``) as written and retyped each of these ways,
against the same indexes as ``benchmarks.washes`` (news against every CCTV story and the
THUCNews articles, literature against the classic novels and 鲁迅), and counts per style what
:func:`benchmarks.washes.found` counts: a wash flagged with its source (a merge with both), an
honest negative left original.

The retypings are deterministic (seeded). ``spaces`` (every punctuation mark a space) is one
no writer of articles does on purpose; it is reported to show what a text without sentence
marks loses.
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


def spaces(text: str) -> str:
    """Every punctuation mark a space."""
    return re.sub(r"[，。！？；：、“”]", " ", text)


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
        "punctuation as spaces": spaces,
    }


def run(split: str, shared: str | None) -> dict[str, Any]:
    """Per split, retyping and style: found and checked; with the seconds each pass took."""
    splits = {"held": [True], "fit": [False], "both": [True, False]}[split]
    indexes = {c: ensure_index(c, None, shared) for c in ("news", "literature")}
    out: dict[str, Any] = {}
    for held in splits:
        cases = own_cases(held)
        name = "held-out batches" if held else "fit batches"
        out[name] = {}
        for label, retype in retypings().items():
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
    a = ap.parse_args(argv)
    shared_root(a.shared)  # fails early, with a message, where the data is missing
    results = run(a.split, a.shared)
    print(table(results))
    if a.out is not None:
        a.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
