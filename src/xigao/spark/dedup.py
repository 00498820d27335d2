"""Dedup of a dump on Spark, with the local engine's clusters."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xigao.types import Document, Result, parse_detect

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

from xigao.batch import Failed
from xigao.spark.scan import SparkIndex, check_iter
from xigao.spark.tables import _position, _unnumbered, build, stage


def dedup(
    spark: SparkSession,
    docs: Iterable[Document],
    *,
    detect: str | Iterable[str] | None = None,
    index: SparkIndex | None = None,
    workdir: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    common_df: float | None = None,
) -> Any:
    """:func:`xigao.dedup.dedup` on Spark, with its answers: the dump is built into a Parquet
    index on the cluster, every document checked against the rest there (its own id left
    out), the verified pairs' connected components (reposts, rewrites) found by label
    propagation in Spark, and the partial copies attached to them by the local rule (strongest
    first, on the driver: it is sequential, over the partial edges only). ``index``: a
    Parquet index of originals to link the clusters to."""
    from xigao import dedup as dd

    kinds = parse_detect(detect, ("repost", "partial"))
    common = dd.COMMON_DF if common_df is None else common_df
    unique, errors = dd.unique_documents(docs)
    order = {doc_id: i for i, doc_id in enumerate(unique)}
    ids = list(unique)
    # (in the working directory by default: on a cluster, storage the executors share)
    folder = Path(tempfile.mkdtemp(prefix=".xigao-dedup-", dir=workdir or Path.cwd()))
    try:
        vectors = "static" if "rewrite" in kinds else ""
        build(spark, unique.values(), folder / "dump", vectors=vectors)
        dump = SparkIndex(spark, folder / "dump", thresholds=dd.link_thresholds())
        plain = (Document(f"{n}\x1f{d.id}", d.body) for n, d in enumerate(unique.values()))
        stage(plain, folder / "suspects", rowid_of=_position)
        frame = spark.read.parquet(str(folder / "suspects")).withColumnRenamed("rowid", "sid")
        out = dump.check_frame(frame, detect=kinds, leave_own_out=True, passages=True)
        out.write.parquet(str(folder / "results"))
        import pyarrow.parquet as pq

        table = pq.ParquetDataset(folder / "results").read().sort_by("sid")
        cols = ("id", "result", "error", "passage_df")
        common_of: dict[tuple[str, str], float] = {}

        def results() -> Iterator[Result | Failed]:
            for doc_id, result, error, dfs in zip(
                *(table.column(c).to_pylist() for c in cols), strict=True
            ):
                if error is not None:
                    yield Failed(_unnumbered(doc_id), error)
                    continue
                r = Result.from_dict(json.loads(result))
                for source, df in json.loads(dfs or "{}").items():
                    common_of[(str(r.id), source)] = df
                yield r

        found = dd.edges_of(results(), errors, progress)
        # a partial copy of a formula many documents share is no link between two stories
        edges = [e for e in found if e.match.kind != "partial" or common_of[(e.a, e.b)] <= common]
        firm = [(order[e.a], order[e.b]) for e in edges if e.match.kind != "partial"]
        labels = connected_components(spark, firm)
        strong = {ids[v]: ids[label] for v, label in labels.items()}
        clusters = dd.clusters_of(unique, edges, dd._components(ids, edges, order, strong))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if index is not None and clusters:
        allowed = tuple(k for k in kinds if k in index.default_detect)
        members = [d for c in clusters for d in c.members]
        checked = list(check_iter(index, members, detect=allowed))
        by_id = {
            d.id: r for d, r in zip(members, checked, strict=True) if not isinstance(r, Failed)
        }
        for c in clusters:
            c.originals = dd.originals_of((d.id, by_id[d.id]) for d in c.members if d.id in by_id)
    return dd.DedupResult(clusters, len(unique), errors, len(found) - len(edges))


def connected_components(spark: SparkSession, edges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Each vertex of ``edges`` with the smallest vertex of its connected component, by label
    propagation in Spark (as many rounds as the longest shortest path between two members)."""
    from pyspark.sql import functions as F

    if not edges:
        return {}
    both = [*edges, *((b, a) for a, b in edges)]
    e = spark.createDataFrame(both, "src long, dst long").distinct().cache()
    labels = e.select(F.col("src").alias("v")).distinct().withColumn("label", F.col("v"))
    rounds = 0
    while True:
        sent = e.join(labels.withColumnRenamed("v", "src"), "src").select(
            F.col("dst").alias("v"), "label"
        )
        new = labels.unionByName(sent).groupBy("v").agg(F.min("label").alias("label"))
        new = new.localCheckpoint() if rounds % 4 == 3 else new.cache()
        changed = (
            new.join(labels.withColumnRenamed("label", "old"), "v")
            .where(F.col("label") != F.col("old"))
            .count()
        )
        labels, rounds = new, rounds + 1
        if changed == 0:
            break
    return {int(r["v"]): int(r["label"]) for r in labels.collect()}
