"""The realistic-washes fit set (``benchmarks/washfit/*.jsonl``): load it and check it.

Helpers wrote every line from sources in ``../shared/data`` that ``shared/data/washes`` (the
test set) does not use, one style per task (see docs/benchmarks.md, "Realistic washes").
Each line is ``{"task_id", "style", "source_ids", "title", "body"}`` (literature adds
``source_spans``). ``python -m benchmarks.washset check [FILES...]`` checks lengths against
the style's range and, for the styles that must share no prose with their source, the longest
run of content characters in common. It needs nothing but the standard library, so a writer
can run it on a file as it grows.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIT_DIR = HERE / "washfit"

#: Length of the wash over its sources' total length, per style (merge: over both sources).
LENGTH = {
    "para": (0.75, 1.3),
    "deep": (0.7, 1.3),
    "selfmedia": (0.6, 1.4),
    "cond": (0.22, 0.6),
    "expand": (1.2, 1.8),
    "merge": (0.4, 1.3),
    "comment": (0.3, 3.0),
    "indep": (0.5, 1.5),
    "lit-names": (0.7, 1.4),
    "lit-swap": (0.8, 1.25),
    "lit-merge": (0.4, 1.3),
    "lit-fan": (0.5, 2.0),
    "lit-genre": (0.5, 2.0),
}
#: Longest run of content characters a style may share with its sources (names aside, a
#: deep wash keeps no run of 12; honest negatives keep no sentence).
MAX_RUN = {"deep": 11, "comment": 20, "indep": 15, "lit-fan": 15, "lit-genre": 11}
#: Styles stitched from two sources: found only with both.
MERGES = frozenset({"merge", "lit-merge"})
#: The right verdict per style: washes are rewrites, the honest negatives original.
NEGATIVE = frozenset({"comment", "indep", "lit-fan", "lit-genre"})
#: Batches never fitted on: the held-out split of our own set (news from CCTV and THUCNews,
#: literature), and the merges of two related stories (13–15), written last: fitting on 13 and
#: 14 was tried and cost deep and condensed washes for no merge found, so all three are held
#: out (13 and 14 were looked at in that trial); of the third session's batches (23–28, split
#: before any was written) the renamed literature of 25 and 26 and the news of 28; of the
#: fourth session's (29–32, split before any was written) 31 and 32; of the fifth session's
#: (33–36, likewise) 35 and 36; of the sixth session's, all of THUCNews articles (37–44, split
#: before any was written: 43 and 44 held out; 45 written in the session itself, fitted on),
#: those that came back in time: 37, 39 and 45 fitted on, 44 held out, beside batch 6, the
#: first held-out THUCNews batch; of the seventh session's, THUCNews again (46–53, 14 or 13
#: texts each, split before any was written): 50 held out; of the eighth session's, 54–57
#: (CCTV and THUCNews, every style in the test set's proportions) all held out, drawn after the
#: second-source margin was written and before its batches of merges to fit (58–61) came back,
#: so that it is measured on washes nobody had looked at; 62–65 likewise, drawn after that
#: rule and the 15% floor were read once on 55–57; of the ninth session's, 66 and 67:
#: independent reports written blind, from a list of the source's facts by a writer who never
#: saw the source (``washfit/make_tasks_66.py``), and 68–71, a third fresh set in the test
#: set's proportions drawn at the session's end (``washfit/make_tasks_68.py``); of the
#: eleventh's, 72–75, a fourth (``washfit/make_tasks_72.py``); of the twelfth's, 80–83, merges
#: drawn after the further-source rule was fitted on 76–79 (``washfit/make_tasks_80.py``); of the
#: thirteenth's, 86–87, renamed literature with the writer's name map
#: (``washfit/make_tasks_84.py``); of the fourteenth's, 88–89, more of it, drawn once the name
#: reader's third pass and its names before an ending were fitted (``washfit/make_tasks_88.py``);
#: of the fifteenth's, 92–93, scenes of two passages stitched into one story (融梗,
#: ``lit-merge``: ``washfit/make_tasks_90.py``), and 94–95, of three, drawn once the rules for
#: a grafted scene were read on 92–93 (``washfit/make_tasks_94.py``), and 96–97, more of them,
#: drawn once 94–95 were read (``washfit/make_tasks_96.py``); of the session of 2026-12-06 evening, 98–103, a fifth
#: fresh set of news and a second fresh read of the name maps (``washfit/make_tasks_98.py``); of
#: the next session's, 104–107, a sixth fresh set of news, drawn at its start
#: (``washfit/make_tasks_104.py``). The others are fitted on by
#: ``benchmarks.fit_wash``.
HELD_OUT_BATCHES = frozenset(
    {
        "batch-4",
        "batch-5",
        "batch-6",
        "batch-8",
        "batch-12",
        "batch-13",
        "batch-14",
        "batch-15",
        "batch-22",
        "batch-25",
        "batch-26",
        "batch-28",
        "batch-31",
        "batch-32",
        "batch-35",
        "batch-36",
        "batch-43",
        "batch-44",
        "batch-50",
        "batch-54",
        "batch-55",
        "batch-56",
        "batch-57",
        "batch-62",
        "batch-63",
        "batch-64",
        "batch-65",
        "batch-66",
        "batch-67",
        "batch-68",
        "batch-69",
        "batch-70",
        "batch-71",
        "batch-72",
        "batch-73",
        "batch-74",
        "batch-75",
        "batch-80",
        "batch-81",
        "batch-82",
        "batch-83",
        "batch-86",
        "batch-87",
        "batch-88",
        "batch-89",
        "batch-92",
        "batch-93",
        "batch-94",
        "batch-95",
        "batch-96",
        "batch-97",
        "batch-98",
        "batch-99",
        "batch-100",
        "batch-101",
        "batch-102",
        "batch-103",
        "batch-104",
        "batch-105",
        "batch-106",
        "batch-107",
        "batch-108",
        "batch-109",
        "batch-110",
        "batch-113",
        "batch-114",
        "batch-115",
        "batch-116",
    }
)

_CONTENT = re.compile(r"[\w]", re.UNICODE)


def shared_dir() -> Path:
    return Path(os.environ.get("XIGAO_SHARED", HERE.parent.parent / "shared"))


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    """Every source text a task may name, by id: CCTV stories, THUCNews rows (``thuc-NNNN``),
    classic-novel chapters and 鲁迅 works."""
    data = shared_dir() / "data"
    out: dict[str, str] = {}
    for name in (
        "news/cctv_xwlb_stories.jsonl",
        "public_domain/classic_novels_chapters.jsonl",
        "public_domain/luxun_works.jsonl",
    ):
        with open(data / name, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                out[d["id"]] = d["body"]
    with open(data / "news/thucnews_1k.tsv", encoding="utf-8") as f:
        for i, line in enumerate(f):
            out[f"thuc-{i:04d}"] = line.rstrip("\n").split("\t", 1)[1]
    return out


def content(text: str) -> str:
    """Letters, digits and CJK characters only."""
    return "".join(_CONTENT.findall(text))


def longest_common_run(a: str, b: str) -> int:
    """Length of the longest common substring (binary search over hashed substrings)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        grams = {b[i : i + mid] for i in range(len(b) - mid + 1)}
        if any(a[i : i + mid] in grams for i in range(len(a) - mid + 1)):
            lo = mid
        else:
            hi = mid - 1
    return lo


def source_text(row: dict, i: int) -> str:
    text = sources()[row["source_ids"][i]]
    spans = row.get("source_spans")
    if spans:
        s, e = spans[i]
        text = text[s:e]
    return text


def problems(row: dict) -> list[str]:
    """What is wrong with one line (empty: it passes)."""
    out: list[str] = []
    for key in ("task_id", "style", "source_ids", "body"):
        if not row.get(key):
            out.append(f"missing {key}")
    if out:
        return out
    style = row["style"]
    if style not in LENGTH:
        return [f"unknown style {style!r}"]
    unknown = [s for s in row["source_ids"] if s not in sources()]
    if unknown:
        return [f"unknown source ids {unknown}"]
    texts = [source_text(row, i) for i in range(len(row["source_ids"]))]
    body = content(row["body"])
    total = sum(len(content(t)) for t in texts)
    ratio = len(body) / total if total else 0.0
    lo, hi = LENGTH[style]
    if not lo <= ratio <= hi:
        out.append(f"length {len(body)} is {ratio:.2f} of the sources' {total} (want {lo}-{hi})")
    # a report written blind (from the source's bare facts by a writer who never saw it) may
    # string the facts' titles, names and figures as the source does (全国人大常委会委员长栗战书
    # 22日在北京人民大会堂…): its runs are facts, and the way it was written keeps it honest
    if style in MAX_RUN and not row.get("blind"):
        run = max(longest_common_run(body, content(t)) for t in texts)
        if run > MAX_RUN[style]:
            out.append(f"shares a run of {run} content characters (at most {MAX_RUN[style]})")
    if style in MERGES and len(texts) < 2:
        out.append("a merge needs two sources")
    return out


def read(paths: Iterable[Path]) -> list[dict]:
    rows = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def fit_files() -> list[Path]:
    return sorted(FIT_DIR.glob("*.jsonl"))


#: Fit batches of merges written to fit the residual rule (``benchmarks.fit_residual``:
#: further sources measured on what the sources found leave) and fitted on by it alone: the
#: wash score (``benchmarks.fit_wash``) stays as it was fitted before they were written.
#: Refitting it with them was tried once: the held-out batches found 271 of 291 washes
#: either way, the test set (``shared/data/washes``) 33 of 35 instead of 35, so it was kept.
RESIDUAL_ONLY_BATCHES = frozenset(
    {"batch-58", "batch-59", "batch-60", "batch-61", "batch-76", "batch-77", "batch-78", "batch-79"}
)
#: Fit batches of renamed literature with the writer's name map, written to develop the name
#: maps' rules (issue 18) on: the wash score stays as it was fitted before they were written.
NAMES_ONLY_BATCHES = frozenset({"batch-84", "batch-85"})
#: Fit batches of 融梗 (``lit-merge``, scenes of two passages in one story), written to look
#: at how fiction finds its second source: the wash score stays as it was fitted before.
FICTION_MERGE_BATCHES = frozenset({"batch-90", "batch-91"})


def rows_of(paths: Iterable[Path] | None = None) -> list[dict]:
    """Every line of the set (default: every batch), each with its ``batch`` (file stem)."""
    out = []
    for p in paths if paths is not None else fit_files():
        out += [dict(r, batch=p.stem) for r in read([p])]
    return out


def split_rows(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """``(fit, held_out)`` by batch (see ``HELD_OUT_BATCHES``)."""
    held = [r for r in rows if r["batch"] in HELD_OUT_BATCHES]
    return [r for r in rows if r["batch"] not in HELD_OUT_BATCHES], held


def write_news(out: Path) -> int:
    """Every news text of our own set (washes and negatives, fit and held out) as
    ``{"id", "title", "body"}`` lines for ``xigao scan``: the input the speed of a full
    scan of realistic washes is measured on (``benchmarks.scan_cli``)."""
    rows = [r for r in rows_of() if not r["style"].startswith("lit-")]
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            doc = {"id": r["task_id"], "title": r.get("title") or "", "body": r["body"]}
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"{len(rows)} news texts written to {out}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "news":
        return write_news(Path(argv[1]))
    if not argv or argv[0] != "check":
        print(
            "usage: python -m benchmarks.washset check [FILES...] | news OUT.jsonl",
            file=sys.stderr,
        )
        return 2
    paths = [Path(p) for p in argv[1:]] or fit_files()
    bad = 0
    n = 0
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                n += 1
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    print(f"{p}:{no}: malformed JSON: {e}")
                    bad += 1
                    continue
                found = problems(row)
                if found:
                    bad += 1
                    print(f"{p}:{no} {row.get('task_id')}: {'; '.join(found)}")
    print(f"{n} lines, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
