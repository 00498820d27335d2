"""Realistic washes: people's and LLMs' 洗稿, found with the right source, per style.

    python -m benchmarks.washes [--out docs/washes.md]

Two sets, each scored per style:

- ``shared/data/washes`` (the test set, never fitted on): news washes of CCTV stories and
  honest commentary, checked against an index of every CCTV story (with the 1,000 THUCNews
  articles beside them), and literature washes checked against the classic novels and 鲁迅;
- our own set, ``benchmarks/washfit``, written the same way from other sources: its held-out
  batches (``benchmarks.washset.HELD_OUT_BATCHES``), never fitted on, and, apart, its fit
  batches (fitted on by ``benchmarks.fit_wash``, shown as such).

A wash counts as found when its verdict is not original and a true source is among the matches
(a merge: both sources); an honest negative (commentary, an independent report of the same
event, a fan continuation, a same-genre passage) counts as a false alarm when its verdict is not
original. Candidate recall@10 is whether every true source is among the ten nearest originals
by shared facts (:mod:`xigao.terms`) or among the candidates a check aligns.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, shared_root
from benchmarks.washset import MERGES, NEGATIVE

WORK = Path("bench-out/washes")


def log(msg: str) -> None:
    print(f"[washes {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _docs(paths: Iterable[Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in paths:
        if p.suffix == ".tsv":  # THUCNews: category<TAB>title+body
            with open(p, encoding="utf-8") as f:
                for i, line in enumerate(f):
                    out.append({"id": f"thuc-{i:04d}", "body": line.rstrip("\n").split("\t", 1)[1]})
        else:
            out += [
                {"id": d["id"], "title": d.get("title") or None, "body": d["body"]}
                for d in read_jsonl(p)
            ]
    return out


def index_sources(name: str, shared: str | None) -> list[Path]:
    data = shared_root(shared) / "data"
    if name == "news":
        return [data / "news/cctv_xwlb_stories.jsonl", data / "news/thucnews_1k.tsv"]
    if name == "literature":
        return [
            data / "public_domain/classic_novels_chapters.jsonl",
            data / "public_domain/luxun_works.jsonl",
        ]
    raise ValueError(name)


def ensure_index(
    name: str, sources: Sequence[Path] | None, shared: str | None, work: Path = WORK
) -> Any:
    """The index ``name`` under ``work`` (``bench-out/washes``), built from ``sources``
    (default: its collection) unless one with as many documents is there; a literature
    index (its name starting so) is of the fiction genre, as a user indexing novels builds it."""
    from xigao import Index, IndexFormatError

    paths = list(sources) if sources is not None else index_sources(name, shared)
    docs = _docs(paths)
    where = work / f"index-{name}"
    genre = "fiction" if name.startswith("literature") else "news"
    if (where / "index.sqlite").exists():
        try:
            idx = Index.open(where)
        except IndexFormatError:  # built by another version: built again
            pass
        else:
            if len(idx) == len({d["id"] for d in docs}) and idx.store.genre == genre:
                return idx
            idx.close()
    log(f"indexing {len(docs)} documents into {where}")
    return Index.build(
        docs, where, overwrite=True, workers=min(2, os.cpu_count() or 1), genre=genre
    )


# --------------------------------------------------------------------------- the cases
def shared_cases(shared: str | None) -> list[dict[str, Any]]:
    """The test set ``shared/data/washes``: news and literature, with their truth."""
    root = shared_root(shared) / "data" / "washes"
    out = []
    for coll, folder in (("news", "news"), ("literature", "literature")):
        truth = {t["id"]: t for t in read_jsonl(root / folder / "truth.jsonl")}
        for s in read_jsonl(root / folder / "suspects.jsonl"):
            t = truth[s["id"]]
            out.append(
                {
                    "id": s["id"],
                    "title": s.get("title"),
                    "body": s["body"],
                    "style": t["detail"][0],
                    "truth": [x["source_id"] for x in t["sources"]],
                    "negative": t["verdict"] == "original",
                    "collection": coll,
                }
            )
    return out


def own_cases(held_out: bool) -> list[dict[str, Any]]:
    """Our own set: its held-out batches, or its fit batches."""
    from benchmarks.washset import rows_of, split_rows

    fit_rows, held = split_rows(rows_of())
    return [
        {
            "id": r["task_id"],
            "title": r.get("title"),
            "body": r["body"],
            # an independent report written blind is reported apart from the others
            "style": f"{r['style']}-blind" if r.get("blind") else r["style"],
            "truth": list(r["source_ids"]),
            "negative": r["style"] in NEGATIVE,
            "collection": "literature" if r["style"].startswith("lit-") else "news",
            # the writer's renames (batches 23-26, 84-89); the 融梗 of 90-97 carry theirs too,
            # of two or three scenes, counted apart (``graft_map``)
            "name_map": r.get("name_map") if r["style"] in ("lit-names", "lit-swap") else None,
            "graft_map": r.get("name_map") if r["style"] == "lit-merge" else None,
        }
        for r in (held if held_out else fit_rows)
    ]


# --------------------------------------------------------------------------- the systems
def run_xigao(idx: Any, cases: Sequence[dict[str, Any]]) -> tuple[dict[str, dict], float]:
    """Results by case id, and the seconds the checks took."""
    t0 = time.perf_counter()
    out = {c["id"]: idx.check(c["body"], title=c.get("title"), id=c["id"]).to_dict() for c in cases}
    return out, time.perf_counter() - t0


def candidate_recall(idx: Any, cases: Sequence[dict[str, Any]], k: int = 10) -> dict[str, bool]:
    """Whether every true source is among the ``k`` nearest by shared facts (or the other
    candidates a check aligns)."""
    from xigao.detect import Prepared
    from xigao.terms import term_keys

    out = {}
    for c in cases:
        if c["negative"]:
            continue
        suspect = Prepared.of(c["body"], idx.thresholds).with_sentences(idx.encoder)
        rows = {r for r, _ in idx.store.terms().nearest(term_keys(suspect.norm.key().chars), k)}
        rows |= set(idx.candidate_rows(suspect, rewrite=True).rewrite)
        ids = {idx.store.documents([r])[r].id for r in rows}
        out[c["id"]] = set(c["truth"]) <= ids
    return out


_RELEASE_CHILD = """
import json, sys
from xigao import Index, IndexFormatError
try:
    idx = Index.open(sys.argv[1])
except IndexFormatError:  # today's index is of a later format: the release builds its own
    try:
        idx = Index.open(sys.argv[1] + "-release")
    except IndexFormatError:
        docs = [json.loads(line) for line in open(sys.argv[4], encoding="utf-8")]
        idx = Index.build(docs, sys.argv[1] + "-release", overwrite=True)
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in open(sys.argv[2], encoding="utf-8"):
        c = json.loads(line)
        r = idx.check(c["body"], title=c.get("title"), id=c["id"]).to_dict()
        out.write(json.dumps(r, ensure_ascii=False) + "\\n")
"""


def release_tree(ref: str, work: Path = WORK) -> Path:
    """A git worktree of the release ``ref`` under ``work`` (made once), to run it beside
    today's code (``PYTHONPATH`` at its ``src``)."""
    import subprocess

    tree = work / f"release-{ref}"
    if not (tree / "src" / "xigao").is_dir():
        subprocess.run(["git", "worktree", "prune"], check=False)
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--force", str(tree), ref],
            check=True,
            capture_output=True,
        )
    return tree


def run_release(
    ref: str, index: Path, cases: Sequence[dict[str, Any]], work: Path = WORK
) -> dict[str, dict]:
    """The same checks by the release ``ref`` of xigao (a git worktree of it, run in a child
    process on the same index, or on an index of the same documents it builds itself when
    today's is of a format it cannot read), so its figures stand beside today's."""
    import subprocess
    import sys

    from xigao import Index

    tree = release_tree(ref, work)
    inp, out = work / f"release-in-{index.name}.jsonl", work / f"release-out-{index.name}.jsonl"
    with open(inp, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(
                json.dumps({k: c[k] for k in ("id", "title", "body")}, ensure_ascii=False) + "\n"
            )
    docs = work / f"release-docs-{index.name}.jsonl"
    released = Path(str(index) + "-release")
    if not (released / "index.sqlite").exists():  # the documents, for the release's own index
        with Index.open(index) as idx, open(docs, "w", encoding="utf-8") as f:
            for doc_id in idx.store.ids():
                d = idx.get(doc_id)
                assert d is not None
                row = {"id": d.id, "title": d.title, "body": d.body}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    env = dict(os.environ, PYTHONPATH=str((tree / "src").resolve()))
    subprocess.run(
        [sys.executable, "-c", _RELEASE_CHILD, str(index), str(inp), str(out), str(docs)],
        check=True,
        env=env,
    )
    return {r["id"]: r for r in read_jsonl(out)}


def run_baseline(
    name: str,
    dev_scores: Path,
    docs: Sequence[dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    dev_cases: Path,
) -> dict[str, dict] | None:
    """A baseline of the main benchmark with its cut points fitted on the synthetic dev split
    (its raw dev results from ``make bench``), built on ``docs``; None when those are missing."""
    from benchmarks.baselines import make
    from benchmarks.calibrate import fit

    if not dev_scores.exists() or not dev_cases.exists():
        return None
    raw = {r["id"]: r for r in read_jsonl(dev_scores)}
    dev = read_jsonl(dev_cases)
    th = fit([raw[c["id"]]["score"] for c in dev], [c["kind"] for c in dev])
    system = make(name)
    if system is None:
        return None
    system.build(list(docs))
    return {
        c["id"]: dict(th.apply(system.check(c["body"], c.get("title"))), id=c["id"]) for c in cases
    }


# --------------------------------------------------------------------------- scoring
def found(case: dict[str, Any], result: dict[str, Any] | None) -> bool:
    """Right for the case: a wash flagged with its source (a merge with both), an honest
    negative left original."""
    if result is None:
        return False
    flagged = result.get("verdict", "original") != "original"
    if case["negative"]:
        return not flagged
    got = {m.get("source_id") for m in result.get("matches", [])}
    want = set(case["truth"])
    return flagged and (want <= got if case["style"] in MERGES else bool(want & got))


def per_style(
    cases: Sequence[dict[str, Any]], results: dict[str, dict] | None
) -> dict[str, list[int]]:
    """``{style: [right, n]}``; for negatives, ``right`` counts those *flagged* (false alarms)."""
    out: dict[str, list[int]] = {}
    for c in cases:
        ok = found(c, (results or {}).get(c["id"]))
        cell = out.setdefault(c["style"], [0, 0])
        cell[0] += (not ok) if c["negative"] else ok
        cell[1] += 1
    return out


def _same_name(x: str, y: str) -> bool:
    """One name written two ways: equal, or one inside the other (宝玉 in 贾宝玉)."""
    return x == y or (len(x) >= 2 and len(y) >= 2 and (x in y or y in x))


def _short_form(old: str, new: str, group: tuple[set[str], set[str]]) -> bool:
    """A one-character form of a character the group renames: its original inside one of the
    group's originals and its new name inside one of the group's new names (嘉→贺 beside
    郭嘉→荀贺, 备→谦 beside 刘备→朱谦)."""
    return (len(old) == 1 or len(new) == 1) and (
        any(old in o for o in group[0]) and any(new in n for n in group[1])
    )


def renamed_characters(name_map: dict[str, str]) -> list[tuple[set[str], set[str]]]:
    """A writer's renames grouped by character: the entries whose original or new names are
    one name written two ways (宝玉→子轩 and 贾宝玉→林子轩 are one character), or a one-character
    form of both (嘉→贺 and 郭嘉→荀贺), as (originals, new names).

    >>> got = renamed_characters({"郭嘉": "荀贺", "嘉": "贺", "羿": "穹弓", "宝玉": "子轩", "贾宝玉": "林子轩"})
    >>> sorted((sorted(a), sorted(b)) for a, b in got)
    [(['嘉', '郭嘉'], ['荀贺', '贺']), (['宝玉', '贾宝玉'], ['子轩', '林子轩']), (['羿'], ['穹弓'])]
    """
    groups: list[tuple[set[str], set[str]]] = []
    for old, new in sorted(name_map.items(), key=lambda kv: -len(kv[0])):
        hit = [
            g
            for g in groups
            if any(_same_name(old, o) for o in g[0])
            or any(_same_name(new, n) for n in g[1])
            or _short_form(old, new, g)
        ]
        merged = ({old}, {new})
        for g in hit:
            merged[0].update(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    return groups


#: What each writer's rename names (``person``: a character of the story, god or demon, by any
#: name or epithet; ``place``; ``other``: objects, dynasties, institutions), labelled by helpers
#: from the original names and the renamed text (``washfit/rename_kinds.json``), by
#: :func:`rename_key`.
RENAME_KINDS = Path(__file__).parent / "washfit" / "rename_kinds.json"


def rename_key(case_id: str, olds: Iterable[str]) -> str:
    """A renamed character's key in ``RENAME_KINDS``: the case and its original names."""
    return f"{case_id}|{'/'.join(sorted(olds))}"


def name_map_scores(cases: Sequence[dict[str, Any]], results: dict[str, dict]) -> dict[str, int]:
    """How xigao's ``name_map`` (on the match with the true source) agrees with the writer's:
    renamed characters (``renamed_characters``) of the cases found, and of them those the
    reported map renames right (an original name of theirs to a new one, each as either is
    written); reported renames, and of them those right. A case not found reports none. The
    renamed characters and those right are counted by kind too (``person``, ``place``,
    ``other``: ``RENAME_KINDS``), where the labels are there."""
    kinds: dict[str, str] = (
        json.loads(RENAME_KINDS.read_text(encoding="utf-8")) if RENAME_KINDS.exists() else {}
    )
    out = {"characters": 0, "characters_found": 0, "right": 0, "reported": 0, "reported_right": 0}
    for c in cases:
        if not c.get("name_map") or c["negative"]:
            continue
        chars = renamed_characters(c["name_map"])
        out["characters"] += len(chars)
        result = results.get(c["id"]) or {}
        if not found(c, result):
            continue
        out["characters_found"] += len(chars)
        got: dict[str, str] = {}
        for m in result.get("matches", []):
            if m.get("source_id") in c["truth"]:
                got.update(m.get("name_map") or {})

        def right(old: str, new: str, ch: tuple[set[str], set[str]]) -> bool:
            return any(_same_name(old, o) for o in ch[0]) and any(_same_name(new, n) for n in ch[1])

        hits = [any(right(o, n, ch) for o, n in got.items()) for ch in chars]
        out["right"] += sum(hits)
        for ch, hit in zip(chars, hits, strict=True):
            kind = kinds.get(rename_key(c["id"], ch[0]))
            if kind:
                out[f"{kind}_found"] = out.get(f"{kind}_found", 0) + 1
                out[f"{kind}_right"] = out.get(f"{kind}_right", 0) + hit
        out["reported"] += len(got)
        out["reported_right"] += sum(any(right(o, n, ch) for ch in chars) for o, n in got.items())
    return out


# --------------------------------------------------------------------------- the run
#: The release whose figures stand beside today's: the last commit before the wash score.
RELEASE = "33f92da"
SETS = ("test", "own-held-out", "own-fit")


def run_washes(
    shared: str | None,
    work: Path,
    *,
    release: str | None = RELEASE,
    baselines: Sequence[str] = ("tfidf", "char5"),
) -> dict[str, Any]:
    """Every set through xigao, the release and the baselines; saved to
    ``work/washes/results.json`` and returned."""
    cases = {
        "test": shared_cases(shared),
        "own-held-out": own_cases(held_out=True),
        "own-fit": own_cases(held_out=False),
    }
    systems: dict[str, dict[str, dict]] = {"xigao": {}, "release": {}}
    recall: dict[str, bool] = {}
    seconds = 0.0
    checked = 0
    docs_by = {}
    for coll in ("news", "literature"):
        mine = [c for s in SETS for c in cases[s] if c["collection"] == coll]
        idx = ensure_index(coll, None, shared, work / "washes")
        log(f"xigao on {len(mine)} {coll} washes against {len(idx)} originals")
        got, sec = run_xigao(idx, mine)
        systems["xigao"].update(got)
        seconds += sec
        checked += len(mine)
        recall.update(candidate_recall(idx, mine))
        idx.close()
        if release:
            log(f"release {release} on the same")
            systems["release"].update(
                run_release(release, work / "washes" / f"index-{coll}", mine, work / "washes")
            )
        docs_by[coll] = _docs(index_sources(coll, shared))
    for name in baselines:
        res: dict[str, dict] = {}
        for coll, docs in docs_by.items():
            mine = [c for s in SETS for c in cases[s] if c["collection"] == coll]
            log(f"{name} on {len(mine)} {coll} washes")
            got = run_baseline(
                name,
                work / "results" / name / "dev.raw.jsonl",
                docs,
                mine,
                work / "cases" / "main" / "dev" / "cases.jsonl",
            )
            if got is None:
                res = {}
                break
            res.update(got)
        if res:
            systems[name] = res
    table = {
        s: {name: per_style(cases[s], got) for name, got in systems.items() if got} for s in SETS
    }
    recall_table = {
        s: per_style(
            [c for c in cases[s] if not c["negative"]],
            {
                c["id"]: {"verdict": "rewrite", "matches": [{"source_id": t} for t in c["truth"]]}
                if recall.get(c["id"])
                else {}
                for c in cases[s]
            },
        )
        for s in SETS
    }
    out = {
        "release": release,
        "systems": [n for n in systems if systems[n]],
        "table": table,
        "recall": recall_table,
        "name_maps": {s: name_map_scores(cases[s], systems["xigao"]) for s in SETS},
        "graft_maps": {
            s: name_map_scores(
                [dict(c, name_map=c["graft_map"]) for c in cases[s] if c.get("graft_map")],
                systems["xigao"],
            )
            for s in SETS
        },
        "docs_per_second": round(checked / seconds, 1) if seconds else None,
        "misses": {
            s: [
                {
                    "id": c["id"],
                    "style": c["style"],
                    "verdict": systems["xigao"][c["id"]]["verdict"],
                    "near_miss": (systems["xigao"][c["id"]].get("near_miss") or {}).get("reason"),
                }
                for c in cases[s]
                if not found(c, systems["xigao"].get(c["id"]))
            ]
            for s in ("test", "own-held-out")
        },
    }
    path = work / "washes" / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, rows in systems.items():
        with open(work / "washes" / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for r in rows.values():
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out


def _cell(v: list[int] | None) -> str:
    return "—" if not v else f"{v[0]}/{v[1]}"


STYLE_ORDER = (
    "para",
    "deep",
    "cond",
    "expand",
    "selfmedia",
    "merge",
    "lit-names",
    "lit-swap",
    "lit-merge",
    "comment",
    "indep",
    "indep-blind",
    "lit-fan",
    "lit-genre",
)
TITLES = {
    "test": "`shared/data/washes` (test set, never fitted on)",
    "own-held-out": "our own set, held-out batches (never fitted on)",
    "own-fit": "our own set, fit batches (fitted on: not a measure of generalisation)",
}


def section(
    data: dict[str, Any] | None, *, same_topic: dict[str, float | None] | None = None
) -> list[str]:
    """The results page's "Realistic washes" section; ``same_topic`` (each system's share of
    the synthetic test's same-topic innocents flagged) is shown beside the washes found: a
    system that flags every story on the same topic finds every wash too."""
    if not data:
        return []
    names = data["systems"]
    label = {"release": f"release {data['release']}"}
    out = [
        "## Realistic washes",
        "",
        "Washes written by people and LLMs (`benchmarks/washes.py`): news checked against every "
        "CCTV story (35,926, with the 1,000 THUCNews articles beside them: 36,926 originals), "
        "literature against the classic novels and 鲁迅 (766 chapters and works). A wash counts "
        "when its verdict is not original and its source is among the matches (a merge: both "
        "sources); for honest negatives (comment, indep, lit-fan, lit-genre) the count is of "
        "those flagged, i.e. false alarms; indep-blind are independent reports written from the "
        "source's bare facts by a writer who never saw it (`washfit/make_tasks_66.py`). "
        "Recall@10: every true source among the ten nearest "
        "originals by shared facts or among the candidates a check aligns. Our own set was "
        "written by helpers from other stories and passages than the test set's "
        "(`benchmarks/washset.py`); the baselines' cut points are fitted on the synthetic dev "
        f"split. xigao scanned these at {data.get('docs_per_second')} documents/s.",
    ]
    for s in SETS:
        table = data["table"].get(s, {})
        styles = [x for x in STYLE_ORDER if any(x in t for t in table.values())]
        if not styles:
            continue
        out += [
            "",
            f"**{TITLES[s]}**",
            "",
            "| style | n | recall@10 | " + " | ".join(label.get(n, n) for n in names) + " |",
            "|---|---:|---:|" + "---:|" * len(names),
        ]
        for st in styles:
            n = next(t[st][1] for t in table.values() if st in t)
            rec = data["recall"].get(s, {}).get(st)
            out.append(
                f"| {st} | {n} | {_cell(rec)} | "
                + " | ".join(_cell(table.get(nm, {}).get(st)) for nm in names)
                + " |"
            )
        pos = [st for st in styles if st.removesuffix("-blind") not in NEGATIVE]
        tot = []
        for nm in names:
            t = table.get(nm, {})
            a = sum(t[st][0] for st in pos if st in t)
            b = sum(t[st][1] for st in pos if st in t)
            tot.append(f"{a}/{b} ({a / b:.0%})" if b else "—")
        out.append("| **washes found** | | | " + " | ".join(tot) + " |")
        if same_topic and s == "test":
            cells = [same_topic.get("xigao" if nm == "xigao" else nm) for nm in names]
            out.append(
                "| *same-topic innocents flagged (synthetic test)* | | | "
                + " | ".join("—" if c is None else f"{c:.1%}" for c in cells)
                + " |"
            )
    maps = [(s, m) for s, m in (data.get("name_maps") or {}).items() if m and m.get("characters")]
    if maps:
        out += [
            "",
            "**Name maps.** The renamed retellings and name swaps of batches 23–26 and 84–89 carry their "
            "writer's renames; a renamed character is right when the `name_map` of the match "
            "with the true source renames one of its names to its new one (宝玉 and 贾宝玉 count "
            "as one name written two ways). The 融梗 of batches 90–97 carry their writers' "
            "renames of every scene's cast, counted apart, over the stories found with every "
            "chapter and the maps of those chapters' matches:",
            "",
            "| set | characters renamed | in the washes found | renamed right | renames reported "
            "| of them right |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        grafts = [
            (s, m) for s, m in (data.get("graft_maps") or {}).items() if m and m.get("characters")
        ]
        for s, m, what in [(s, m, "") for s, m in maps] + [(s, m, ", 融梗") for s, m in grafts]:
            share = m["right"] / m["characters_found"] if m["characters_found"] else 0.0
            prec = m["reported_right"] / m["reported"] if m["reported"] else 0.0
            out.append(
                f"| {TITLES[s].split(' (')[0]}{what} | {m['characters']} | "
                f"{m['characters_found']} | {m['right']} ({share:.0%}) | {m['reported']} | "
                f"{m['reported_right']} ({prec:.0%}) |"
            )
        kinds = ("person", "place", "other")
        by_kind = [(s, m) for s, m in maps if any(f"{k}_found" in m for k in kinds)]
        if by_kind:
            out += [
                "",
                "The same by what the renamed name names (labelled by helpers from the names and "
                "the renamed text: a character of the story, god or demon by any name or epithet; "
                "a place; anything else: objects, dynasties, institutions), in the washes found:",
                "",
                "| set | people: renamed right | places | other |",
                "|---|---:|---:|---:|",
            ]
            for s, m in by_kind:
                row = [TITLES[s].split(" (")[0]]
                for kind in kinds:
                    n, k = m.get(f"{kind}_found", 0), m.get(f"{kind}_right", 0)
                    row.append(f"{k}/{n} ({k / n:.0%})" if n else "—")
                out.append("| " + " | ".join(row) + " |")
    if same_topic:
        out += [
            "",
            "Read the washes found beside the false alarms: the TF-IDF baseline finds nearly "
            "every wash because it flags nearly every story on the same topic (its row above, "
            "from the synthetic test), and so does the independent same-event reports (indep).",
        ]
    for s in ("test", "own-held-out"):
        misses = data["misses"].get(s)
        if misses:
            out += ["", f"What xigao gets wrong on {TITLES[s].split(' (')[0]}:", ""]
            for m in misses:
                why = f" — near miss: {m['near_miss']}" if m.get("near_miss") else ""
                out.append(f"- `{m['id']}` ({m['style']}): {m['verdict']}{why}")
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    ap.add_argument("--release", default=RELEASE, help="git ref beside today's ('' for none)")
    ap.add_argument("--baselines", default="tfidf,char5")
    ap.add_argument("--out", type=Path, default=None, help="also write the section here")
    a = ap.parse_args(argv)
    data = run_washes(
        a.shared,
        a.work,
        release=a.release or None,
        baselines=[b for b in a.baselines.split(",") if b],
    )
    text = "\n".join(section(data)) + "\n"
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
