"""Partial copies: passages of 50-600 characters from originals pasted into an innocent host."""

from __future__ import annotations

import random

from benchmarks.noise import Builder, SpanPair
from benchmarks.text import split_sentences

PARTIAL_SUBKINDS = ("short", "long", "multi", "two-sources")
MIN_PASSAGE, MAX_PASSAGE = 50, 600


def pick_passage(
    body: str, target: int, rng: random.Random, taken: list[tuple[int, int]] | None = None
) -> tuple[int, int] | None:
    """A run of whole sentences of about ``target`` chars (50..600), not overlapping ``taken``."""
    sents = split_sentences(body)
    taken = taken or []
    for _ in range(20):
        i = rng.randrange(len(sents))
        s, e = sents[i]
        j = i
        while e - s < target and j + 1 < len(sents):
            j += 1
            e = sents[j][1]
        if e - s > MAX_PASSAGE:  # cut inside the last sentence, at a comma when there is one
            limit = s + max(target, MIN_PASSAGE)
            commas = [
                k + 1 for k in range(s + MIN_PASSAGE, min(e, s + MAX_PASSAGE)) if body[k] == "，"
            ]
            e = max([k for k in commas if k <= limit] or [min(e, s + MAX_PASSAGE)])
        if e - s < MIN_PASSAGE:
            continue
        if any(s < te and ts < e for ts, te in taken):
            continue
        return (s, e)
    return None


def make_partial(
    host: dict, sources: list[dict], subkind: str, rng: random.Random
) -> tuple[str, str, list[tuple[str, list[SpanPair]]], dict] | None:
    """Paste passages into ``host``; returns (title, body, [(source_id, pairs)], details).

    The host stays at least 1.5x as long as the pasted text, so the copy stays a minority of the
    suspect (containment under 0.4) whatever the length of the original.
    """
    budget = min(len(host["body"]) / 1.5, 1200)
    plan: list[tuple[dict, int]]
    if subkind == "short":
        plan = [(sources[0], rng.randint(50, 150))]
    elif subkind == "long":
        plan = [(sources[0], rng.randint(150, 600))]
    elif subkind == "multi":
        plan = [(sources[0], rng.randint(50, 300)) for _ in range(rng.randint(2, 3))]
    else:
        plan = [(sources[0], rng.randint(50, 300)), (sources[1], rng.randint(50, 300))]
    scale = min(1.0, budget / sum(t for _, t in plan))
    passages: list[tuple[dict, tuple[int, int]]] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for src, target in plan:
        span = pick_passage(
            src["body"], max(MIN_PASSAGE, int(target * scale)), rng, taken.get(src["id"])
        )
        if span is None:
            return None
        taken.setdefault(src["id"], []).append(span)
        passages.append((src, span))
    if sum(e - s for _, (s, e) in passages) * 1.5 > len(host["body"]):
        return None
    hbody = host["body"]
    bounds = sorted({e for _, e in split_sentences(hbody)} | {0})
    cuts = sorted(rng.choice(bounds) for _ in passages)
    b = Builder()
    prev = 0
    by_source: dict[str, list[SpanPair]] = {}
    for cut, (src, (s, e)) in zip(cuts, passages, strict=True):
        b.add(hbody[prev:cut])
        b.add(src["body"][s:e], (s, e))
        by_source.setdefault(src["id"], []).append(b.pairs[-1])
        prev = cut
    b.add(hbody[prev:])
    details = {
        "host_id": host["id"],
        "passages": [e - s for _, (s, e) in passages],
        "containment": round(sum(e - s for _, (s, e) in passages) / max(len(b.text), 1), 3),
    }
    return host.get("title") or "", b.text, list(by_source.items()), details
