"""洗稿 rewrites with sentence-level ground truth.

A rewrite works on sentence units ``(text, [original spans])``: units are deleted, split at a
comma, merged with a neighbour, reordered within and across paragraphs; their words are swapped
for 词林 ``=`` synonyms; numbers and dates are re-formatted; new sentences from innocent documents
are inserted. Every output unit keeps the original spans it came from.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from benchmarks.noise import Builder, SpanPair, to_traditional
from benchmarks.text import split_paragraphs, split_sentences

_END = "。！？!?；;…"
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class Strength:
    syn: float  # target share of word tokens replaced by a synonym
    delete: float
    split: float
    merge: float
    clause: float  # clause swap inside a sentence
    reorder: float  # adjacent-sentence swap (heavy: shuffle within paragraph)
    shuffle: bool
    numbers: float
    inserts: tuple[int, int]


STRENGTHS = {
    "light": Strength(1 / 6, 0.03, 0.05, 0.05, 0.0, 0.0, False, 0.3, (0, 0)),
    "medium": Strength(1 / 3, 0.08, 0.15, 0.15, 0.2, 0.3, False, 0.6, (0, 1)),
    "heavy": Strength(1 / 2, 0.15, 0.25, 0.25, 0.4, 0.5, True, 0.9, (1, 2)),
}
REWRITE_SUBKINDS = ("light", "medium", "heavy", "traditional")

_CN_DIGITS = "零一二三四五六七八九"


def _spell_digits(s: str) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in s)


def _spoken(n: int) -> str:
    """0-99 as spoken Chinese: 5 → 五, 12 → 十二, 40 → 四十."""
    if n < 10:
        return _CN_DIGITS[n]
    tens = "" if n < 20 else _CN_DIGITS[n // 10]
    return tens + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")


def _percent(m: re.Match[str]) -> str:
    whole, frac = m.group(1), m.group(2)
    if len(whole) > 2:
        return m.group(0)
    return "百分之" + _spoken(int(whole)) + ("点" + _spell_digits(frac) if frac else "")


def reformat_numbers(text: str, rng: random.Random, p: float) -> str:
    """2020年3月5日 → 3月5日 / 2020-03-05; 5.2% → 百分之五点二; 1200万 → 1,200万."""

    def date(m: re.Match[str]) -> str:
        if rng.random() >= p:
            return m.group(0)
        y, mo, d = m.group(1), m.group(2), m.group(3)
        return rng.choice([f"{mo}月{d}日", f"{y}-{int(mo):02d}-{int(d):02d}", f"{y}.{mo}.{d}"])

    def pct(m: re.Match[str]) -> str:
        return _percent(m) if rng.random() < p else m.group(0)

    def big(m: re.Match[str]) -> str:
        if rng.random() >= p:
            return m.group(0)
        n = m.group(1)
        return f"{int(n):,}" + m.group(2)

    text = re.sub(r"(\d{4})年(\d{1,2})月(\d{1,2})日", date, text)
    text = re.sub(r"(\d+)(?:\.(\d+))?%", pct, text)
    return re.sub(r"(?<![\d.,])(\d{4,})(万|亿|元|人|吨|个)", big, text)


def substitute(
    text: str, cilin: dict[str, list[list[str]]], rate: float, rng: random.Random
) -> tuple[str, int, int]:
    """Swap about ``rate`` of the word tokens for 词林 synonyms; returns (text, swapped, words)."""
    import rjieba

    toks = rjieba.cut(text)
    words = [i for i, t in enumerate(toks) if t.strip() and any(ch.isalnum() for ch in t)]
    eligible = [
        i for i in words if len(toks[i]) >= 2 and _CJK_RE.match(toks[i]) and toks[i] in cilin
    ]
    if not eligible:
        return text, 0, len(words)
    p = min(1.0, rate * len(words) / len(eligible))
    swapped = 0
    for i in eligible:
        if rng.random() >= p:
            continue
        group = rng.choice(cilin[toks[i]])
        options = [w for w in group if w != toks[i] and len(w) >= 2]
        same_len = [w for w in options if len(w) == len(toks[i])]
        if same_len and rng.random() < 0.7:
            options = same_len
        if options:
            toks[i] = rng.choice(options)
            swapped += 1
    return "".join(toks), swapped, len(words)


def _swap_clauses(text: str, rng: random.Random) -> str:
    end = len(text)
    while end > 0 and text[end - 1] in _END + "”’」』）)\"'":
        end -= 1
    clauses = text[:end].split("，")
    if len(clauses) < 2:
        return text
    i = rng.randrange(len(clauses) - 1)
    clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
    return "，".join(clauses) + text[end:]


Unit = tuple[str, list[tuple[int, int]]]


def _units(body: str) -> list[list[Unit]]:
    paras: list[list[Unit]] = []
    for ps, pe in split_paragraphs(body):
        sents = [(ps + s, ps + e) for s, e in split_sentences(body[ps:pe])]
        paras.append([(body[s:e], [(s, e)]) for s, e in sents])
    return [p for p in paras if p]


def _split(u: Unit, rng: random.Random) -> list[Unit]:
    text, spans = u
    if len(spans) != 1:
        return [u]
    cuts = [i for i, c in enumerate(text) if c == "，" and 0.25 < i / len(text) < 0.75]
    if not cuts:
        return [u]
    i = rng.choice(cuts)
    s, e = spans[0]
    return [(text[:i] + "。", [(s, s + i + 1)]), (text[i + 1 :], [(s + i + 1, e)])]


def _merge(a: Unit, b: Unit) -> Unit:
    ta = a[0].rstrip(_END) if a[0] and a[0][-1] in _END else a[0]
    return (ta + "，" + b[0], a[1] + b[1])


def _join_spans(spans: list[tuple[int, int]], body: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and not body[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def make_rewrite(
    doc: dict,
    subkind: str,
    cilin: dict[str, list[list[str]]],
    insert_pool: list[str],
    rng: random.Random,
) -> tuple[str, str, list[SpanPair], dict]:
    """Return (title, body, span pairs, details) for a rewrite of ``doc``."""
    st = STRENGTHS["medium" if subkind == "traditional" else subkind]
    body = doc["body"]
    paras = _units(body)
    n_in = sum(len(p) for p in paras)
    out_paras: list[list[Unit]] = []
    for para in paras:
        kept = [u for u in para if rng.random() >= st.delete] or para[:1]
        units: list[Unit] = []
        for u in kept:
            units.extend(_split(u, rng) if rng.random() < st.split else [u])
        merged: list[Unit] = []
        for u in units:
            if merged and rng.random() < st.merge and len(merged[-1][0]) + len(u[0]) < 200:
                merged[-1] = _merge(merged[-1], u)
            else:
                merged.append(u)
        if st.shuffle:
            rng.shuffle(merged)
        else:
            for i in range(len(merged) - 1):
                if rng.random() < st.reorder:
                    merged[i], merged[i + 1] = merged[i + 1], merged[i]
        out_paras.append(merged)
    if st.shuffle and len(out_paras) > 1:
        rng.shuffle(out_paras)
    swapped = words = 0
    final: list[list[Unit]] = []
    for para in out_paras:
        new: list[Unit] = []
        for text, spans in para:
            if rng.random() < st.clause:
                text = _swap_clauses(text, rng)
            text, sw, nw = substitute(text, cilin, st.syn, rng)
            swapped, words = swapped + sw, words + nw
            text = reformat_numbers(text, rng, st.numbers)
            if subkind == "traditional":
                text = to_traditional(text)
            new.append((text, spans))
        final.append(new)
    n_ins = rng.randint(*st.inserts) if insert_pool else 0
    for sent in rng.sample(insert_pool, min(n_ins, len(insert_pool))):
        para = rng.choice(final)
        para.insert(rng.randint(0, len(para)), (sent, []))
    b = Builder()
    for j, para in enumerate(final):
        if j:
            b.add("\n")
        for text, spans in para:
            start = b.pos
            b.add(text)
            for s, e in _join_spans(spans, body):
                b.pairs.append([[start, b.pos], [s, e]])
    title = doc.get("title") or ""
    if title:
        title = substitute(title, cilin, 0.5, rng)[0]
        title = to_traditional(title) if subkind == "traditional" else title
    details = {
        "sentences_in": n_in,
        "sentences_out": sum(len(p) for p in final),
        "inserted": n_ins,
        "syn_rate": round(swapped / max(words, 1), 3),
        "verbatim_share": round(
            sum(len(sp) == 1 and t == body[sp[0][0] : sp[0][1]] for p in final for t, sp in p)
            / max(sum(len(p) for p in final), 1),
            3,
        ),
    }
    return title, b.text, b.pairs, details
