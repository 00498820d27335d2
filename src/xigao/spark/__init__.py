"""The Spark engine: index build, scan and dedup on a cluster, answering as the local engine
does. Its rooms: :mod:`~xigao.spark.session` (starting Spark), :mod:`~xigao.spark.tables` (the
Parquet index, its conversion and build), :mod:`~xigao.spark.scan` (the join tables and
retrieval as joins), :mod:`~xigao.spark.tasks` (what runs in the executors) and
:mod:`~xigao.spark.dedup`.

An index on Spark is a folder of Parquet tables, the local index's own tables column for
column (``docs``, ``sketches``, ``vectors``) with its ``meta.json``; :func:`export_index` and
:func:`import_index` convert one into the other without recomputing anything. A build
(:func:`build`) sketches and embeds the originals in ``mapInPandas`` tasks with the library's
own functions (``storage._keys``, ``sketch_keys_many``, ``document_vectors``).

A scan (:func:`check_iter`) runs the local check's two halves as Spark stages:

- **retrieval** as joins, never a driver-side lookup: the suspects' winnowed fingerprints
  joined to the originals' fingerprint postings (hits and the best diagonal per pair, the
  same document-frequency cut), their LSH band keys to the originals' (an equi-join of
  (band, bucket) rows), their fact bigrams to the term postings (IDF-weighted cosine, the
  same weights), and their document vectors to blocks of the originals' (exact centred
  cosine); each kept as the local engine keeps it (the best ``limit`` by a window);
- **alignment and verdict** per suspect in ``applyInPandas``, over the candidates' texts
  joined to it: :class:`xigao.verify.Verifier`, the code :meth:`xigao.Index.check` runs.

Differences from the local engine: vectors are always searched exactly (the local engine
switches to an HNSW graph from ``ANN_MIN_DOCS`` originals, which can only miss neighbours);
float sums run in another order, so a near tie may rank the other way.
"""

from xigao.spark.dedup import connected_components, dedup
from xigao.spark.scan import QUERY_BATCH, VECTOR_BLOCK, SparkIndex, check_iter, write_results
from xigao.spark.session import parse_conf, require_java, session
from xigao.spark.tables import (
    META_FILE,
    TABLES,
    build,
    export_index,
    import_index,
    is_spark_index,
    read_meta,
    stage,
)

__all__ = [
    "META_FILE",
    "QUERY_BATCH",
    "TABLES",
    "VECTOR_BLOCK",
    "SparkIndex",
    "build",
    "check_iter",
    "connected_components",
    "dedup",
    "export_index",
    "import_index",
    "is_spark_index",
    "parse_conf",
    "read_meta",
    "require_java",
    "session",
    "stage",
    "write_results",
]
