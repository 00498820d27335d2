"""Dedup of a dump against the known reuse: pairwise precision and recall, and time.

    python -m benchmarks.dedup [--shared DIR] [--work bench-out] [--workers 2]

The dump is the benchmark's harness: its indexed originals (31,926 CCTV stories,
``bench-out/cases/main/originals.jsonl``; the other 4,000 are the innocents and the texts
partial copies are pasted into) and the test split's 1,200 suspects (reposts, partial copies,
rewrites and innocents, ``bench-out/cases/main/test``),
deduplicated by :func:`xigao.dedup.dedup` with its defaults (reposts and partial copies).
The known reuse is the suspects' truth: each suspect and the originals it was made from.

Pairs are counted for every suspect: the other documents of its cluster (predicted) against
the other documents of its true cluster (the connected component of the truth's edges, so
two reposts of one story belong together). Precision is the share of predicted pairs that
are true (a rewrite put with its source, through the passages a light rewrite keeps, is
true); recall the share of the true pairs of the reposts and partial copies predicted (the
kinds deduplicated by default). Rewrites are reported as the share of rewritten suspects in
their source's cluster. Pairs between two CCTV stories have no known truth (the programme
repeats its own stories) and are counted apart.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.data import read_jsonl, shared_root
from xigao.dedup import dedup
from xigao.types import Document

KINDS = ("repost", "partial")


def evaluate(clusters: list[dict[str, Any]], cases: list[dict[str, Any]]) -> dict[str, Any]:
    where: dict[str, int] = {}
    for c in clusters:
        for m in c["members"]:
            where[m["id"]] = c["cluster"]
    members: dict[int, set[str]] = collections.defaultdict(set)
    for doc_id, n in where.items():
        members[n].add(doc_id)
    # true clusters: components of the suspects' edges to their sources, of the kinds looked for
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in cases:
        for s in c.get("sources") or ():
            parent[root(c["id"])] = root(s["source_id"])
    true_members: dict[str, set[str]] = collections.defaultdict(set)
    for x in list(parent):
        true_members[root(x)].add(x)
    tp = fp = fn = 0
    per_kind: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])  # tp fp fn
    for c in cases:
        sid = c["id"]
        got = members[where[sid]] - {sid} if sid in where else set()
        want = true_members[root(sid)] - {sid} if sid in parent else set()
        k = f"{c['kind']}/{c['subkind']}"
        t, f, n = len(got & want), len(got - want), len(want - got)
        tp, fp = tp + t, fp + f
        fn += n if c["kind"] in KINDS else 0  # rewrites: reported apart
        per_kind[k][0] += t
        per_kind[k][1] += f
        per_kind[k][2] += n
    rewrites = [c for c in cases if c["kind"] == "rewrite"]
    with_source = sum(
        1
        for c in rewrites
        if c["id"] in where
        and any(where.get(s["source_id"]) == where[c["id"]] for s in c["sources"])
    )
    suspects = {c["id"] for c in cases}
    unknown = sum(
        len(m) * (len(m) - 1) // 2
        for m in ({x for x in ms if x not in suspects} for ms in members.values())
    )
    found = sum(v[0] for k, v in per_kind.items() if k.split("/")[0] in KINDS)
    return {
        "pairs": {"true": tp, "false": fp, "missed": fn, "found": found},
        "precision": tp / max(tp + fp, 1),
        "recall": found / max(found + fn, 1),
        "per_kind": {
            k: dict(zip(("true", "false", "missed"), v, strict=True))
            for k, v in sorted(per_kind.items())
        },
        "rewrites_with_their_source": [with_source, len(rewrites)],
        "pairs_between_originals": unknown,
    }


def run_dedup(work: Path, *, workers: int = 2, detect: str = "repost,partial") -> dict[str, Any]:
    """Deduplicate the harness and score it (see the module docstring); written to
    ``results/dedup.json`` (``dedup-all.json`` when rewrites join documents too)."""
    stories = read_jsonl(work / "cases" / "main" / "originals.jsonl")
    cases = read_jsonl(work / "cases" / "main" / "test" / "cases.jsonl")
    docs = [Document(d["id"], d["body"], d.get("title"), {}) for d in stories]
    docs += [Document(c["id"], c["body"], c.get("title"), {}) for c in cases]
    started = time.time()
    got = dedup(docs, workers=workers, detect=detect)
    seconds = time.time() - started
    clusters = [c.to_dict(n) for n, c in enumerate(got.clusters, 1)]
    sizes = collections.Counter(c["size"] for c in clusters)
    out = {
        "detect": detect,
        "documents": got.documents,
        "seconds": round(seconds, 1),
        "workers": workers,
        "clusters": len(clusters),
        "clustered": sum(c["size"] for c in clusters),
        "largest": max(sizes, default=0),
        "formulaic_links": got.formulaic,
        "errors": len(got.errors),
        **evaluate(clusters, cases),
    }
    name = "dedup.json" if detect == "repost,partial" else "dedup-all.json"
    dest = work / "results" / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    return out


def markdown(runs: list[dict[str, Any]]) -> str:
    rows = [
        "| joined by | documents | seconds (workers) | clusters | clustered | largest "
        "| pairwise precision | pairwise recall (reposts, partial copies) "
        "| rewrites with their source |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in runs:
        p = o["pairs"]
        rw = o["rewrites_with_their_source"]
        rows.append(
            f"| {o['detect']} | {o['documents']:,} | {o['seconds']:.0f} ({o['workers']}) "
            f"| {o['clusters']:,} | {o['clustered']:,} | {o['largest']} "
            f"| {o['precision']:.3f} ({p['true']}/{p['true'] + p['false']}) "
            f"| {o['recall']:.3f} ({p['found']}/{p['found'] + p['missed']}) | {rw[0]}/{rw[1]} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--work", type=Path, default=Path("bench-out"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--detect", default="repost,partial", help="kinds that join documents")
    a = ap.parse_args(argv)
    shared_root(a.shared)
    out = run_dedup(a.work, workers=a.workers, detect=a.detect)
    print(markdown([out]))
    print("\n| suspects | true pairs | false pairs | missed pairs |\n|---|---:|---:|---:|")
    for k, v in out["per_kind"].items():
        print(f"| {k} | {v['true']} | {v['false']} | {v['missed']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
