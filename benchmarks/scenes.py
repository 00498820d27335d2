"""Washed scenes inside chapters: is a renamed or retold passage found where a web novel puts
it, in a chapter of its own prose?

Black-box review 10 (``/work/review/blackbox10.md``, finding 1) found a 洗文 scene of 1,300
characters lost once its chapter reached about 4,500, and a 融梗 losing its second source: our
own literature set measures each wash as a passage on its own, never inside a chapter. Here
each renamed retelling, name swap and 融梗 of our own set (``benchmarks/washfit``: lit-names,
lit-swap, lit-merge) is checked alone and again placed among honest fiction of the same split
(its same-genre passages and fan continuations, each of which stays original on its own), whole
texts before and after it at a random place, to make chapters of about ``SIZES`` characters.
A wash counts as found when the chapter is flagged with its source chapter (a 融梗: with every
one); how many name another original too is said beside it. Chapters of the honest fiction
alone, of the same sizes, count as false alarms when flagged. Checked against the classic
novels and 鲁迅 (``benchmarks.washes``' literature index). Besides, the first
``LEFT_OUT_CHAPTERS`` chapters of 水浒全传 (whole, long, classical) are checked against an index
of the other novels and 鲁迅, and chapters 41-80 of each of the four novels against an index of
its first 40 (the same people, an earlier scene now and then recapped: a sequel's case);
flagged, they are false alarms. Each chapter is also compared pair by pair (``xigao compare
--genre fiction``) with its source chapters (an honest one with the original sharing the most
facts with it, a later chapter with the earlier one sharing the most): the ``compare`` column.

    python -m benchmarks.scenes --shared ../shared [--split fit|held-out] [--release REF]
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.washes import (
    WORK,
    _docs,
    ensure_index,
    found,
    index_sources,
    own_cases,
    run_release,
)

#: The chapter lengths (characters) a scene is placed in; 0: the scene alone.
SIZES = (0, 4000, 8000)
#: The washes placed (our own set's styles of fiction) and the honest fiction around them.
WASHES = ("lit-names", "lit-swap", "lit-merge")
HONEST = ("lit-genre", "lit-fan")
#: Honest chapters made per size.
HONEST_CHAPTERS = 20


def chapter(scene: str, filler: Sequence[str], size: int, rng: random.Random) -> str:
    """``scene`` among whole texts of ``filler`` drawn at random (none twice) until the
    chapter holds about ``size`` characters, at a random place between them."""
    if size <= 0:
        return scene
    pool = list(filler)
    rng.shuffle(pool)
    parts, total = [], len(scene)
    for text in pool:
        if total >= size:
            break
        parts.append(text)
        total += len(text)
    at = rng.randint(0, len(parts))
    return "\n".join([*parts[:at], *([scene] if scene else []), *parts[at:]])


def cases_of(split: str, seed: int = 11) -> list[dict[str, Any]]:
    """The chapters to check: every wash of the split at every size, and the honest chapters."""
    own = [c for c in own_cases(split == "held-out") if c["collection"] == "literature"]
    filler = [c["body"] for c in own if c["style"] in HONEST]
    rng = random.Random(seed)
    out = []
    for c in own:
        if c["style"] not in WASHES:
            continue
        for size in SIZES:
            body = chapter(c["body"], filler, size, rng)
            out.append({**c, "id": f"{c['id']}@{size}", "body": body, "size": size})
    for size in SIZES[1:]:
        for i in range(HONEST_CHAPTERS):
            body = chapter("", filler, size, rng)
            out.append(
                {"id": f"honest-{size}-{i}", "style": "honest", "truth": [], "negative": True,
                 "title": None, "body": body, "size": size}
            )  # fmt: skip
    return out


def score(cases: Sequence[dict[str, Any]], results: dict[str, dict]) -> dict[str, list[int]]:
    """Per style and size: [right, of, with another original among the matches]; for the
    honest chapters, [flagged, of, with any match]."""
    out: dict[str, list[int]] = {}
    for c in cases:
        cell = out.setdefault(f"{c['style']}@{c['size']}", [0, 0, 0])
        r = results.get(c["id"]) or {}
        ok = found(c, r)
        cell[0] += (not ok) if c["negative"] else ok
        cell[1] += 1
        cell[2] += any(m.get("source_id") not in c["truth"] for m in r.get("matches", []))
    return out


#: A novel left out of the index, whose chapters (long, classical, honest towards the rest)
#: are checked against the others: chapters of the same genre and age, each of them whole.
LEFT_OUT = "水浒全传-"
LEFT_OUT_CHAPTERS = 30


def honest_against(
    name: str, indexed: Sequence[dict], checked: Sequence[dict], style: str, shared: str | None
) -> tuple[Path, list[dict[str, Any]]]:
    """Whole chapters ``checked`` as honest cases of ``style``, once an index ``name`` of the
    documents ``indexed`` is built for them; with the file it is built from."""
    path = WORK / f"scenes-{name}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for d in indexed:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    ensure_index(name, [path], shared).close()
    return path, [
        {"id": d["id"], "style": style, "size": "whole", "truth": [], "negative": True,
         "title": None, "body": d["body"]}
        for d in checked
    ]  # fmt: skip


def other_novel(shared: str | None) -> tuple[Path, list[dict[str, Any]]]:
    """The first ``LEFT_OUT_CHAPTERS`` chapters of ``LEFT_OUT`` against an index of the other
    novels and 鲁迅 (``literature-but-one``)."""
    docs = _docs(index_sources("literature", shared))
    kept = [d for d in docs if not d["id"].startswith(LEFT_OUT)]
    left = [d for d in docs if d["id"].startswith(LEFT_OUT)][:LEFT_OUT_CHAPTERS]
    return honest_against("literature-but-one", kept, left, "other-novel", shared)


#: The novels whose later chapters are checked against an index of their first ``EARLIER``
#: (by the index's name): the same people, and now and then a scene of an earlier chapter
#: recapped (a sequel's case). 水浒 first; the other three since a scene aligned under 30% may
#: be taken when it renames its people (``xigao.verify.scene_short``), which a recap does not.
SAME_NOVELS = {
    "literature-earlier": "水浒全传-",
    "literature-earlier-xiyouji": "西游记-",
    "literature-earlier-honglou": "红楼梦-",
    "literature-earlier-sanguo": "三国演义-",
}
EARLIER = 40


def later_style(novel: str) -> str:
    """The style the later chapters of ``novel`` (an id prefix, 水浒全传-) are counted under."""
    return f"later-{novel.rstrip('-')}"


def later_chapters(shared: str | None, name: str) -> tuple[Path, list[dict[str, Any]]]:
    """Chapters ``EARLIER`` + 1 to 2 × ``EARLIER`` of the novel ``SAME_NOVELS[name]`` against
    an index ``name`` of its first ``EARLIER``."""
    novel = SAME_NOVELS[name]
    docs = [d for d in _docs(index_sources("literature", shared)) if d["id"].startswith(novel)]
    return honest_against(
        name, docs[:EARLIER], docs[EARLIER : 2 * EARLIER], later_style(novel), shared
    )


#: The lengths (characters) of a web novel's chapter, which the same novels' later chapters are
#: also cut into at line breaks (black-box review 12 cut them so): a platform's chapter is
#: 2,000-3,000 characters, a classic's 5,000-20,000, and a recap or a stock line weighs more
#: in a short one.
PIECE_SIZES = (2000, 3000)
#: Which later chapters are cut into pieces, by split (0-based, end excluded): 41-80 were read
#: by review 12 and for the fit; 81-100 are held out.
PIECE_CHAPTERS = {"fit": (EARLIER, 2 * EARLIER), "held-out": (2 * EARLIER, 2 * EARLIER + 20)}


def pieces(body: str, size: int) -> list[str]:
    """``body`` cut at line breaks into pieces of ``size`` characters or just over; a tail
    under half of ``size`` goes with the piece before it.

    >>> [len(p) for p in pieces("a" * 9 + "\\n" + "b" * 9 + "\\n" + "c" * 4, 10)]
    [10, 14]
    """
    out: list[str] = []
    cur: list[str] = []
    n = 0
    for line in body.splitlines(keepends=True):
        cur.append(line)
        n += len(line)
        if n >= size:
            out.append("".join(cur))
            cur, n = [], 0
    if cur:
        if out and n < size // 2:
            out[-1] += "".join(cur)
        else:
            out.append("".join(cur))
    return out


def later_pieces(shared: str | None, name: str, split: str) -> list[dict[str, Any]]:
    """The later chapters ``PIECE_CHAPTERS[split]`` of ``SAME_NOVELS[name]`` cut into pieces
    of each of ``PIECE_SIZES``: honest cases against the index of its first ``EARLIER``."""
    novel = SAME_NOVELS[name]
    lo, hi = PIECE_CHAPTERS[split]
    docs = [d for d in _docs(index_sources("literature", shared)) if d["id"].startswith(novel)]
    return [
        {"id": f"{d['id']}~{size}-{k}", "style": later_style(novel), "size": size, "truth": [],
         "negative": True, "title": None, "body": piece}
        for size in PIECE_SIZES
        for d in docs[lo:hi]
        for k, piece in enumerate(pieces(d["body"], size))
    ]  # fmt: skip


def compared(idx: Any, cases: Sequence[dict[str, Any]]) -> dict[str, dict]:
    """``xigao compare`` (fiction, the static encoder: it changes the score, never the verdict)
    of each chapter of ``cases`` against its source chapters, one pair each (a 融梗 is found
    when every pair is flagged), or an honest one against the original of ``idx`` sharing the
    most facts with it: results as a check's, each flagged pair a match of that original."""
    from xigao import compare
    from xigao.detect import Prepared
    from xigao.terms import term_keys

    out: dict[str, dict] = {}
    for c in cases:
        against = list(c["truth"])
        if not against:
            key = Prepared.of(c["body"], idx.thresholds).norm.key().chars
            ((row, _),) = idx.store.terms().nearest(term_keys(key), 1)
            against = [idx.store.documents([row])[row].id]
        got = {
            sid: compare(c["body"], idx.get(sid).body, encoder="static", genre="fiction")
            for sid in against
        }
        flagged = [sid for sid, r in got.items() if r.verdict != "original"]
        out[c["id"]] = {
            "verdict": "rewrite" if len(flagged) == len(got) else "original",
            "matches": [{"source_id": sid} for sid in flagged],
        }
    return out


def run(shared: str | None, split: str, release: str | None) -> dict[str, Any]:
    cases = cases_of(split)
    but_one, others = other_novel(shared)
    sets = [("literature", None, cases), ("literature-but-one", [but_one], others)]
    later: list[dict[str, Any]] = []
    cut: list[dict[str, Any]] = []
    for name in SAME_NOVELS:
        earlier, chapters_after = later_chapters(shared, name)
        cut_up = later_pieces(shared, name, split)
        sets.append((name, [earlier], [*chapters_after, *cut_up]))
        later += chapters_after
        cut += cut_up
    t0 = time.perf_counter()
    today: dict[str, dict] = {}
    pairs: dict[str, dict] = {}
    chapters = [c for c in cases if c["size"]]
    for name, sources, part in sets:
        with ensure_index(name, sources, shared) as idx:
            today |= {c["id"]: idx.check(c["body"], id=c["id"]).to_dict() for c in part}
            # compare, pair by pair: the chapters against their sources, the later chapters
            # against the earlier one sharing the most facts with each
            pairs |= compared(
                idx,
                chapters
                if name == "literature"
                else [c for c in part if c["size"] == "whole"]
                if name in SAME_NOVELS
                else [],
            )
    every = [*cases, *others, *later, *cut]
    data: dict[str, Any] = {
        "split": split,
        "seconds": round(time.perf_counter() - t0, 1),
        "xigao": score(every, today),
        "compare": score([*chapters, *later], pairs),
    }
    if release:
        got: dict[str, dict] = {}
        for name, _, part in sets:
            got |= run_release(release, WORK / f"index-{name}", part)
        data[f"release {release}"] = score(every, got)
    return data


def section(data: dict[str, Any]) -> list[str]:
    systems = [k for k in data if k in ("xigao", "compare") or k.startswith("release ")]
    head = "| our own fiction, " + data["split"] + " | chapter of | " + " | ".join(systems) + " |"
    rows = [head, "|---|---:|" + "---:|" * len(systems)]
    for style in (*WASHES, "honest"):
        for size in SIZES:
            key = f"{style}@{size}"
            if key not in data["xigao"]:
                continue
            label = f"{style} (flagged)" if style == "honest" else style
            where = "the scene alone" if size == 0 else f"~{size:,} characters"
            cells = [_cell(data[s].get(key)) for s in systems]
            rows.append(f"| {label} | {where} | " + " | ".join(cells) + " |")
    novel = LEFT_OUT.rstrip("-")
    cells = [_cell(data[s].get("other-novel@whole")) for s in systems]
    label = f"{novel}, left out of the index (flagged)"
    rows.append(f"| {label} | its first {LEFT_OUT_CHAPTERS}, whole | " + " | ".join(cells) + " |")
    for novel in SAME_NOVELS.values():
        cells = [_cell(data[s].get(f"{later_style(novel)}@whole")) for s in systems]
        label = f"{novel.rstrip('-')}, later chapters against its first {EARLIER} (flagged)"
        rows.append(f"| {label} | {EARLIER + 1}-{2 * EARLIER}, whole | " + " | ".join(cells) + " |")
    lo, hi = PIECE_CHAPTERS[data["split"]]
    for novel in SAME_NOVELS.values():
        for size in PIECE_SIZES:
            key = f"{later_style(novel)}@{size}"
            if key not in data["xigao"]:
                continue
            cells = [_cell(data[s].get(key)) for s in systems]
            label = (
                f"{novel.rstrip('-')}, later chapters cut up, against its first {EARLIER} (flagged)"
            )
            where = f"{lo + 1}-{hi} in pieces of ~{size:,}"
            rows.append(f"| {label} | {where} | " + " | ".join(cells) + " |")
    return rows


def _cell(v: list[int] | None) -> str:
    """right/of, and how many name another original too (in brackets, when any)."""
    if not v:
        return "—"
    return f"{v[0]}/{v[1]}" + (f" ({v[2]} with another original)" if v[2] else "")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--split", choices=["fit", "held-out"], default="fit")
    ap.add_argument("--release", default="", help="git ref beside today's ('' for none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    a = ap.parse_args(argv)
    data = run(a.shared, a.split, a.release or None)
    if a.json:
        a.json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    print("\n".join(section(data)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
