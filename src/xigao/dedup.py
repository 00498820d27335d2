"""Dedup of a dump: which of its documents are the same story, reposted, copied in part or
rewritten, and which one came first, with no index of originals needed.

The dump is indexed aside (the same sketches as any index, so candidate pairs come from LSH
buckets and shared passages, never from all pairs), every document is checked against the rest
(``exclude`` its own id, as ``xigao scan --leave-own-out`` does), and each verified match is an
edge. Connected components of the edges are the clusters; a cluster's canonical member is the
earliest by publication time (``published_at`` or ``time`` in metadata), else the first in
input order. With an index of originals, each cluster is also linked to the originals its
members reuse.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xigao.batch import Failed, check_iter
from xigao.errors import InputError
from xigao.pipeline import FAST_DETECT, Index, original_of, parse_detect
from xigao.provenance import meta_time
from xigao.types import Document, Match, Result, whole_characters
from xigao.verdict import Thresholds
from xigao.workers import default_workers

#: Documents of the dump that may share a passage before it is a formula, not a link
#: between two stories. The copied passages of the benchmark's dev partial copies are each in
#: at most 4 of the 35,926 CCTV stories besides the copy (98% in at most 3), while three
#: quarters of the partial matches between two CCTV stories, the programme's formulae (its
#: leaders' titles, its sign-offs), share passages in more than 8.
COMMON_DF = 8.0


def link_thresholds() -> Thresholds:
    """The thresholds a dump's documents are checked against each other with: every partial
    copy is found, a formula's too, and weighed by :func:`dedup` (``common_df``: the dump's
    own copy among the documents holding it), where a check against an index leaves a formula
    out itself (``Thresholds.formula_df``)."""
    return replace(Thresholds.load(), formula_df=math.inf)


@dataclass(frozen=True, slots=True)
class Edge:
    """A verified reuse between two documents of the dump: ``a`` reuses ``b``."""

    a: str
    b: str
    match: Match

    def to_dict(self) -> dict[str, Any]:
        m = self.match.to_dict()
        del m["source_id"]
        return {"a": self.a, "b": self.b, **m}


@dataclass(slots=True)
class Cluster:
    """Documents of the dump that are one story: its members, in input order, the canonical
    (earliest) one, the edges that join them and the indexed originals they reuse."""

    canonical: str
    members: list[Document]
    edges: list[Edge]
    originals: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, number: int) -> dict[str, Any]:
        return {
            "cluster": number,
            "canonical": self.canonical,
            "size": len(self.members),
            "members": [{"id": d.id, "title": d.title, **_when(d)} for d in self.members],
            "edges": [e.to_dict() for e in self.edges],
            "originals": self.originals,
        }


def _when(d: Document) -> dict[str, str]:
    t = meta_time(d.meta)
    return {"time": t.isoformat(sep=" ")} if t is not None else {}


@dataclass(slots=True)
class DedupResult:
    clusters: list[Cluster]
    documents: int  #: documents deduplicated
    errors: list[dict[str, Any]]  #: documents that could not be checked, with the reason
    #: partial copies left unlinked because the passage they share is a formula
    formulaic: int = 0


def dedup(
    docs: Iterable[Document],
    *,
    detect: str | Iterable[str] | None = None,
    index: Index | None = None,
    workers: int | None = None,
    workdir: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    common_df: float = COMMON_DF,
) -> DedupResult:
    """Group the documents ``docs`` into clusters of reuse (see the module docstring).

    ``detect``: the kinds of reuse that join documents (default repost and partial; rewrite
    embeds every sentence and is about 20 times slower); ``index``: originals to link the
    clusters to; ``workers``: processes that check documents (default: the CPUs, at most 4);
    ``workdir``: where the dump's own index is built (default: a temporary folder, removed).
    Documents with an id seen before are left out and reported in ``errors``. A partial
    copy joins two documents only when the passage they share is rare in the dump: in at most
    ``common_df`` documents (the median over its fingerprints, :meth:`Index.passage_df`).
    """
    kinds = parse_detect(detect, FAST_DETECT)
    workers = default_workers() if workers is None else workers
    unique, errors = unique_documents(docs)
    order = {doc_id: i for i, doc_id in enumerate(unique)}
    with tempfile.TemporaryDirectory(dir=workdir, prefix="xigao-dedup-") as tmp:
        path = Path(tmp) / "dump"
        vectors = "static" if "rewrite" in kinds else None
        with Index.build(
            unique.values(), path, vectors=vectors, workers=workers, thresholds=link_thresholds()
        ) as idx:
            found = _edges(idx, unique.values(), kinds, workers, errors, progress)
            # a partial copy of a formula many documents share (a programme's sign-off, its
            # leaders' titles) is no link between two stories
            edges = [e for e in found if not _formulaic(idx, unique[e.a], e, common_df)]
    clusters = clusters_of(unique, edges, _components(list(unique), edges, order))
    if index is not None:
        for c in clusters:
            c.originals = _originals(index, c, kinds)
    return DedupResult(clusters, len(unique), errors, len(found) - len(edges))


def unique_documents(docs: Iterable[Document]) -> tuple[dict[str, Document], list[dict[str, Any]]]:
    """The documents by id, in input order, the first of each id kept; the others, and those
    that cannot be stored (no content, half a character in the id: :func:`original_of`), as
    errors."""
    unique: dict[str, Document] = {}
    errors: list[dict[str, Any]] = []
    for d in docs:
        try:
            d = original_of(d)
        except InputError as e:
            errors.append({"id": whole_characters(d.id), "reason": str(e)})
            continue
        if d.id in unique:
            errors.append({"id": d.id, "reason": "duplicate id: the first document kept"})
        else:
            unique[d.id] = d
    return unique, errors


def clusters_of(
    unique: dict[str, Document], edges: Sequence[Edge], root: Callable[[str], str]
) -> list[Cluster]:
    """The clusters of two or more documents under the representatives ``root`` gives, each
    with its canonical member and its edges, the largest first."""
    order = {doc_id: i for i, doc_id in enumerate(unique)}
    groups: dict[str, list[Document]] = {}
    for doc_id, d in unique.items():
        groups.setdefault(root(doc_id), []).append(d)
    by_root: dict[str, list[Edge]] = {}
    for e in edges:
        if root(e.a) == root(e.b):
            by_root.setdefault(root(e.a), []).append(e)
        # else: a second source of a document that copies from two stories, kept apart
    clusters = []
    for r, members in groups.items():
        if len(members) < 2:
            continue
        canonical = min(members, key=lambda d: _earliest(d, order))
        clusters.append(Cluster(canonical.id, members, by_root.get(r, [])))
    clusters.sort(key=lambda c: (-len(c.members), order[c.members[0].id]))
    return clusters


def _components(
    ids: Sequence[str],
    edges: Sequence[Edge],
    order: dict[str, int],
    strong: Mapping[str, str] | None = None,
) -> Callable[[str], str]:
    """Each document's cluster (by a representative id), from the edges.

    Reposts and rewrites join whole clusters (connected components). A partial copy only
    attaches a document that nothing else joins to the cluster of the document it shares a
    passage with, the strongest first, so that a cluster is one story and the stories that
    copy from it: passages quoted from story to story (a speech reported in a dozen stories)
    would otherwise chain a whole archive into one cluster. A document copying from two
    stories joins the stronger; the other edge is not a cluster's.

    ``strong``: the components of the reposts and rewrites, found elsewhere (each document's
    earliest member in input order, as the Spark engine finds them); the partial copies
    attach to them here."""
    parent = {doc_id: doc_id for doc_id in ids}
    if strong is not None:
        parent.update(strong)

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb, key=order.__getitem__)] = min(ra, rb, key=order.__getitem__)

    firm = [e for e in edges if e.match.kind != "partial"]
    if strong is None:
        for e in firm:
            join(e.a, e.b)
    joined = {x for e in firm for x in (e.a, e.b)}
    attached: set[str] = set()  # joined by a partial copy only: nothing attaches to them
    weak = sorted(
        (e for e in edges if e.match.kind == "partial"),
        key=lambda e: (-e.match.score, order[e.a], order[e.b]),
    )
    for e in weak:
        for x, y in ((e.a, e.b), (e.b, e.a)):  # the copy to the copied first
            if x not in joined and x not in attached and y not in attached:
                join(x, y)
                attached.add(x)
                joined.add(y)
                break
    return root


def _formulaic(idx: Index, a: Document, e: Edge, common_df: float) -> bool:
    if e.match.kind != "partial":
        return False
    spans = [ev.suspect for ev in e.match.evidence if ev.kind == "verbatim"]
    return idx.passage_df(a.body, spans) > common_df


def _earliest(d: Document, order: dict[str, int]) -> tuple[int, Any, int]:
    t = meta_time(d.meta)
    return (0, t, order[d.id]) if t is not None else (1, 0, order[d.id])


def _edges(
    idx: Index,
    docs: Iterable[Document],
    kinds: tuple[str, ...],
    workers: int,
    errors: list[dict[str, Any]],
    progress: Callable[[int], None] | None,
) -> list[Edge]:
    """Each document checked against the rest (its text alone: credits and times play no
    part in what is reused); one edge per pair, the stronger way round."""
    plain = (Document(d.id, d.body) for d in docs)
    results = check_iter(idx, plain, detect=kinds, leave_own_out=True, workers=workers, serial=64)
    try:
        return edges_of(results, errors, progress)
    finally:
        results.close()


def edges_of(
    results: Iterable[Result | Failed],
    errors: list[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
) -> list[Edge]:
    """One edge per pair of documents the ``results`` (each document's check against the
    rest) join, the stronger way round; the failed checks go to ``errors``."""
    best: dict[tuple[str, str], Edge] = {}
    for got in results:
        if progress is not None:
            progress(1)
        if isinstance(got, Failed):
            errors.append({"id": got.id, "reason": got.reason})
            continue
        assert got.id is not None
        for m in got.matches:
            key = (min(got.id, m.source_id), max(got.id, m.source_id))
            old = best.get(key)
            if old is None or m.strength > old.match.strength:
                best[key] = Edge(got.id, m.source_id, m)
    return list(best.values())


def _originals(index: Index, cluster: Cluster, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
    """The indexed originals the cluster's members reuse, strongest first, with who reuses."""
    allowed = tuple(k for k in kinds if k in index.default_detect)
    return originals_of(
        [(d.id, index.check(d.body, id=d.id, detect=allowed)) for d in cluster.members]
    )


def originals_of(checked: Iterable[tuple[str, Result]]) -> list[dict[str, Any]]:
    """The originals that members' ``checked`` results (by member id) match, strongest first,
    with the members that reuse each."""
    best: dict[str, Match] = {}
    by: dict[str, list[str]] = {}
    for doc_id, result in checked:
        for m in result.matches:
            by.setdefault(m.source_id, []).append(doc_id)
            if m.source_id not in best or m.strength > best[m.source_id].strength:
                best[m.source_id] = m
    ranked = sorted(best.values(), key=lambda m: (-m.strength[0], -m.strength[1]))
    return [
        {
            "source_id": m.source_id,
            "kind": m.kind,
            "score": round(m.score, 4),
            "by": by[m.source_id],
        }
        for m in ranked
    ]
