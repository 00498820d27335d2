"""How ``xigao.compare`` decides the realistic washes pair by pair, with no index.

    python -m benchmarks.compare_washes [--shared ../shared] [--sohu 400]

Each wash of the test set (``shared/data/washes``) and of our own held-out batches is compared
with each of its true sources (a merge with each of its two alone); each honest negative
(commentary, independent reports, fan fiction and same-genre chapters) with the story or
chapter it is about; and pairs of ``sentences/sohu2021`` (two outlets' news, ``labelA`` 1 when
they are about the same topic, 0 otherwise: different articles, none a copy of the other)
suspect against original; each chapter of the four classic novels from the seventh against the
six chapters before it joined (as fiction: the same people, another story; every third one, the
set ``verify.PAIR_FICTION_SCENE`` was set beside, apart from the others); the synthetic test
split's 词林 rewrites against their source; and the benchmark's same-topic innocents
(``test-near``, ``test-loo``: CCTV's reports of related events, written by
``python -m benchmarks.negatives``) each against the original nearest to it. Literature is compared as fiction (``genre="fiction"``). A pair
counts when ``compare`` calls it anything but original. The pair score's encoder is the
static one: the verdict does not depend on it (sentences are aligned by their bigrams, and the
wash measures use the static encoder whatever the pair encoder is).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, shared_root
from benchmarks.washes import _docs, index_sources, own_cases

#: The benchmark's larger same-topic sets: innocents of test's slice (``test-near``) and
#: originals left out of the index (``test-loo``), each against the original nearest to it.
SAME_TOPIC = ("test-near", "test-loo")


def pairs(shared: str | None, sohu: int, work: str = "bench-out") -> list[dict[str, Any]]:
    """Every pair: ``set``, ``style``, the suspect ``a``, the original ``b``, its ``genre``."""
    root = shared_root(shared) / "data"
    docs = {
        d["id"]: d["body"]
        for name in ("news", "literature")
        for d in _docs(index_sources(name, shared))
    }
    out = []
    for coll in ("news", "literature"):
        truth = {t["id"]: t for t in read_jsonl(root / "washes" / coll / "truth.jsonl")}
        for s in read_jsonl(root / "washes" / coll / "suspects.jsonl"):
            t = truth[s["id"]]
            ids = [x["source_id"] for x in t["sources"]] or t.get("about", [])
            for i in ids:
                out.append(_pair("test set", t["detail"][0], s["body"], docs[i], coll))
    for c in own_cases(held_out=True):
        for i in c["truth"]:
            out.append(_pair("own, held out", c["style"], c["body"], docs[i], c["collection"]))
    test = Path(work) / "cases" / "main" / "test" / "cases.jsonl"
    for c in read_jsonl(test) if test.exists() else []:  # ``python -m benchmarks.cases``
        if c["kind"] == "rewrite":
            near = docs[c["sources"][0]["source_id"]]
            out.append(_pair("synthetic rewrites", c["subkind"], c["body"], near, "news"))
    for split in SAME_TOPIC:  # written by ``python -m benchmarks.negatives``
        path = Path(work) / "cases" / "main" / split / "cases.jsonl"
        for c in read_jsonl(path) if path.exists() else []:
            near = docs[c["details"]["nearest_id"]]
            out.append(_pair("synthetic same-topic", split, c["body"], near, "news"))
    novels = read_jsonl(root / "public_domain" / "classic_novels_chapters.jsonl")
    for book in ("三国演义", "水浒全传", "红楼梦", "西游记"):
        ch = [d["body"] for d in novels if d["id"].startswith(f"{book}-")]
        for i in range(6, len(ch)):  # each chapter against the six before it
            # every third one from the seventh was read while PAIR_FICTION_SCENE was set
            group = "same novel" if i % 3 == 0 else "same novel, other chapters"
            out.append(_pair(group, book, ch[i], "".join(ch[i - 6 : i]), "literature"))
    rows = read_jsonl(root / "sentences" / "sohu2021" / "samples.txt")
    for r in [r for r in rows if r["source"] != r["target"]][:sohu]:
        out.append(_pair("sohu2021", f"labelA {r['labelA']}", r["target"], r["source"], "news"))
    return out


def _pair(group: str, style: str, a: str, b: str, collection: str) -> dict[str, Any]:
    genre = "fiction" if collection == "literature" else "news"
    return {"set": group, "style": style, "a": a, "b": b, "genre": genre}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--sohu", type=int, default=400, help="sohu2021 pairs (first N)")
    a = ap.parse_args(argv)
    import inspect

    import xigao

    # a release before compare took a genre compares every pair as it compares news
    genre = "genre" in inspect.signature(xigao.compare).parameters
    todo = pairs(a.shared, a.sohu)
    n: Counter[tuple[str, str]] = Counter()
    hit: Counter[tuple[str, str]] = Counter()
    t0 = time.perf_counter()
    for p in todo:
        kw = {"genre": p["genre"]} if genre else {}
        r = xigao.compare(p["a"], p["b"], encoder="static", **kw)
        n[p["set"], p["style"]] += 1
        hit[p["set"], p["style"]] += r.verdict != "original"
    took = time.perf_counter() - t0
    print(f"xigao {xigao.__file__}: {len(todo)} pairs in {took:.0f} s")
    print("| set | style | pairs | not original |")
    print("|---|---|---:|---:|")
    for key in sorted(n):
        print(f"| {key[0]} | {key[1]} | {n[key]} | {hit[key]} |")
    print(json.dumps({f"{k[0]}/{k[1]}": [hit[k], n[k]] for k in sorted(n)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
