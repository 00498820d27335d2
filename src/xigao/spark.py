"""The Spark engine: index build and scan on a cluster, answering as the local engine does.

An index on Spark is a folder of Parquet tables, the local index's own tables column for
column (``docs``, ``sketches``, ``vectors``) with its ``meta.json``; :func:`export_index` and
:func:`import_index` convert one into the other without recomputing anything. A build
(:func:`build`) sketches and embeds the originals in ``mapInPandas`` tasks with the library's
own functions (``index._keys``, ``sketch_keys_many``, ``document_vectors``).

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

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xigao.errors import IndexFormatError, XigaoError
from xigao.index import (
    DB_NAME,
    FORMAT_VERSION,
    IndexStore,
    _keys,
    _Vectors,
    passage_fingerprints,
    replace_dir,
    select_candidates,
    sketch_keys_many,
)
from xigao.normalize import NORMALIZER_VERSION
from xigao.sketch import SketchConfig, band_keys, codepoints, fingerprints, kgram_hashes, minhash
from xigao.terms import COMMON_MIN, COMMON_SHARE, IdfTable, term_keys
from xigao.types import DETECT_KINDS, Document, MatchKind, Result, parse_detect
from xigao.verdict import Thresholds
from xigao.verify import CandidatePlan, Originals, Verifier, require_body, unmatched

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

from xigao.batch import Failed
from xigao.provenance import ALIASES

TABLES = ("docs", "sketches", "vectors")
META_FILE = "meta.json"
#: Originals a vector block holds: one matrix product per block and batch of suspects.
VECTOR_BLOCK = 4096
#: Suspects whose vectors meet a vector block together (one row of the cross join).
QUERY_BATCH = 512
#: Suspects staged per Parquet file when a scan's input is written for Spark to read.
STAGE_ROWS = 2048


def require_java() -> None:
    """Raise a clear error where no Java runtime is found (Spark needs one)."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return
    if shutil.which("java"):
        return
    raise XigaoError(
        "the Spark engine needs a Java runtime (17 or 21) and none was found: install one "
        "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless; `make setup` does this "
        "where it can) or set JAVA_HOME"
    )


def session(
    master: str = "local[*]", conf: Mapping[str, str] | None = None, *, app: str = "xigao"
) -> SparkSession:
    """A Spark session on ``master`` with ``conf`` (``KEY=VALUE`` settings) applied. Python
    workers run this interpreter unless ``PYSPARK_PYTHON`` says otherwise."""
    require_java()
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - installed by make setup
        raise XigaoError(
            "the Spark engine needs pyspark, pandas and pyarrow: pip install 'xigao[spark]'"
        ) from e
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    b = SparkSession.builder.master(master).appName(app)
    settings = {
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.ui.showConsoleProgress": "false",
        **dict(conf or {}),
    }
    for k, v in settings.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def parse_conf(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings as a dict (a pair without ``=`` raises ValueError)."""
    out = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep or not k.strip():
            raise ValueError(f"{p!r} is not KEY=VALUE")
        out[k.strip()] = v.strip()
    return out


# -- the index as Parquet tables -----------------------------------------------------------------
def is_spark_index(path: str | os.PathLike[str]) -> bool:
    return Path(path, META_FILE).is_file() and Path(path, "docs").is_dir()


def read_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``meta.json`` of a Parquet index, its versions checked."""
    p = Path(path)
    if not is_spark_index(p):
        hint = (
            f"; it is a local index: convert it with `xigao index convert {p} DEST`"
            if (p / DB_NAME).is_file()
            else ""
        )
        raise IndexFormatError(f"no Parquet index at {p} (missing {META_FILE} or docs/){hint}")
    meta: dict[str, Any] = json.loads((p / META_FILE).read_text("utf-8"))
    if meta.get("format_version") != str(FORMAT_VERSION):
        raise IndexFormatError(
            f"Parquet index at {p} has format version {meta.get('format_version')}, this xigao "
            f"reads {FORMAT_VERSION}; build it again"
        )
    if meta.get("normalizer_version") != str(NORMALIZER_VERSION):
        raise IndexFormatError(
            f"Parquet index at {p} was built with normalizer version "
            f"{meta.get('normalizer_version')}, this xigao uses {NORMALIZER_VERSION}; build it again"
        )
    return meta


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    return {
        "docs": pa.schema(
            [
                ("rowid", pa.int64()),
                ("id", pa.string()),
                ("title", pa.string()),
                ("body", pa.string()),
                ("meta", pa.string()),
            ]
        ),
        "sketches": pa.schema(
            [
                ("rowid", pa.int64()),
                ("nkey", pa.int64()),
                ("minhash", pa.binary()),
                ("fps", pa.binary()),
                ("fpos", pa.binary()),
            ]
        ),
        "vectors": pa.schema([("rowid", pa.int64()), ("vec", pa.binary())]),
    }


def export_index(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> int:
    """Write the local index at ``src`` as a Parquet index at ``dest`` (replaced); returns
    the number of originals. Rows and bytes are copied as stored: nothing is recomputed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = IndexStore.open(src)  # checks the versions
    store.close()
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    con = sqlite3.connect(f"file:{Path(src) / DB_NAME}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        schemas = _schemas()
        for table, schema in schemas.items():
            (tmp / table).mkdir()
            cols = ", ".join(schema.names)
            cur = con.execute(f"SELECT {cols} FROM {table} ORDER BY rowid")
            part = 0
            while rows := cur.fetchmany(50_000):
                arrays = [
                    pa.array(list(c), type=f.type)
                    for c, f in zip(zip(*rows, strict=True), schema, strict=True)
                ]
                pq.write_table(
                    pa.Table.from_arrays(arrays, schema=schema),
                    tmp / table / f"part-{part:05d}.parquet",
                )
                part += 1
            if part == 0:
                pq.write_table(schema.empty_table(), tmp / table / "part-00000.parquet")
        (n,) = con.execute("SELECT COUNT(*) FROM docs").fetchone()
    finally:
        con.close()
    (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    replace_dir(tmp, dest)
    return int(n)


def import_index(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> int:
    """Write the Parquet index at ``src`` as a local index at ``dest`` (replaced); returns the
    number of originals. The local engine opens the result like any index it built."""
    import pyarrow.parquet as pq

    from xigao.index import _SCHEMA

    meta = read_meta(src)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    con = sqlite3.connect(tmp / DB_NAME)
    try:
        con.executescript(_SCHEMA)
        con.execute("PRAGMA journal_mode=WAL")
        with con:
            con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
            for table, schema in _schemas().items():
                marks = ",".join("?" * len(schema.names))
                for batch in pq.ParquetDataset(Path(src) / table).read().to_batches(50_000):
                    cols = [batch.column(name).to_pylist() for name in schema.names]
                    con.executemany(
                        f"INSERT INTO {table} VALUES ({marks})", zip(*cols, strict=True)
                    )
            # the row ids go on from the largest, as AUTOINCREMENT would have them
            con.execute(
                "INSERT OR REPLACE INTO sqlite_sequence (name, seq) "
                "SELECT 'docs', COALESCE(MAX(rowid), 0) FROM docs"
            )
        (n,) = con.execute("SELECT COUNT(*) FROM docs").fetchone()
    finally:
        con.close()
    replace_dir(tmp, dest)
    return int(n)


# -- build ---------------------------------------------------------------------------------------
def stage(
    docs: Iterable[Document],
    folder: Path,
    *,
    first_rowid: int = 1,
    rowid_of: Callable[[Document], int] | None = None,
) -> int:
    """Write ``docs`` as Parquet files of the ``docs`` table under ``folder``, numbered from
    ``first_rowid`` in input order (or by ``rowid_of``); a later document of the same id
    replaces an earlier one, as an add does. Returns how many documents were read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schemas()["docs"]
    folder.mkdir(parents=True, exist_ok=True)
    last: dict[str, int] = {}
    rows: list[tuple[int, str, str | None, str, str]] = []
    part = n = 0

    def flush() -> None:
        nonlocal rows, part
        if rows:
            cols = [
                pa.array(list(c), type=f.type)
                for c, f in zip(zip(*rows, strict=True), schema, strict=True)
            ]
            pq.write_table(
                pa.Table.from_arrays(cols, schema=schema), folder / f"part-{part:05d}.parquet"
            )
            part += 1
            rows = []

    for d in docs:
        rowid = first_rowid + n if rowid_of is None else rowid_of(d)
        last[d.id] = rowid
        meta = json.dumps(dict(d.meta), ensure_ascii=False) if d.meta else "{}"
        rows.append((rowid, d.id, d.title, d.body, meta))
        n += 1
        if len(rows) >= STAGE_ROWS:
            flush()
    flush()
    if part == 0:
        pq.write_table(schema.empty_table(), folder / "part-00000.parquet")
    # replaced ids: only the last copy stays
    if len(last) < n:
        keep = set(last.values())
        for f in sorted(folder.glob("*.parquet")):
            t = pq.read_table(f)
            mask = pa.array([r in keep for r in t.column("rowid").to_pylist()])
            pq.write_table(t.filter(mask), f)
    return n


def build(
    spark: SparkSession,
    docs: Iterable[Document],
    dest: str | os.PathLike[str],
    *,
    vectors: str = "static",
    genre: str = "news",
    config: SketchConfig | None = None,
    overwrite: bool = False,
) -> int:
    """Build a Parquet index of ``docs`` at ``dest`` on ``spark``: the texts staged in input
    order (row ids as a local build gives them), then sketched and embedded in Spark tasks.
    ``vectors=""`` stores none (the fast path only). Returns the number of documents read."""
    from xigao.verdict import check_genre

    check_genre(genre)
    config = config or SketchConfig()
    dest = Path(dest)
    if dest.exists() and not overwrite:
        raise FileExistsError(f"{dest} exists; pass overwrite=True (--overwrite) to replace it")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        n = stage(docs, tmp / "docs")
        dim = 0
        if vectors:
            from xigao.pipeline import _encoder

            dim = int(_encoder(vectors).dim)
        frame = spark.read.parquet(str(tmp / "docs"))
        cfg = config.to_dict()

        def sketch_part(batches: Iterator[Any]) -> Iterator[Any]:
            c = SketchConfig(**cfg)
            for pdf in batches:
                sk = [s for s, _ in sketch_keys_many(_keys(pdf["body"].tolist()), c)]
                yield pdf.assign(
                    nkey=[s.nkey for s in sk],
                    minhash=[s.minhash.tobytes() for s in sk],
                    fps=[s.fps.tobytes() for s in sk],
                    fpos=[s.fpos.tobytes() for s in sk],
                )[["rowid", "nkey", "minhash", "fps", "fpos"]]

        frame.mapInPandas(
            sketch_part, "rowid long, nkey long, minhash binary, fps binary, fpos binary"
        ).write.parquet(str(tmp / "sketches"))
        if vectors:

            def vector_part(batches: Iterator[Any]) -> Iterator[Any]:
                from xigao.pipeline import _encoder, document_vectors

                enc = _encoder(vectors)
                for pdf in batches:
                    ds = [Document(str(i), b) for i, b in zip(pdf["id"], pdf["body"], strict=True)]
                    vecs = document_vectors(ds, enc) if ds else np.zeros((0, dim), np.float32)
                    out = [v.astype(np.float16).tobytes() for v in np.asarray(vecs, np.float32)]
                    yield pdf.assign(vec=out)[["rowid", "vec"]]

            frame.mapInPandas(vector_part, "rowid long, vec binary").write.parquet(
                str(tmp / "vectors")
            )
        else:
            import pyarrow.parquet as pq

            (tmp / "vectors").mkdir()
            pq.write_table(
                _schemas()["vectors"].empty_table(), tmp / "vectors" / "part-00000.parquet"
            )
        meta = {
            "format_version": str(FORMAT_VERSION),
            "normalizer_version": str(NORMALIZER_VERSION),
            "sketch": json.dumps(config.to_dict()),
            "vectors": json.dumps({"encoder": vectors, "dim": dim}),
            "genre": genre,
        }
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


# -- scan ----------------------------------------------------------------------------------------
class SparkIndex:
    """A Parquet index opened on a Spark session: its tables and the derived ones a scan
    joins against (fingerprint, band and term postings; vector blocks), built once."""

    def __init__(
        self,
        spark: SparkSession,
        path: str | os.PathLike[str],
        *,
        thresholds: Thresholds | None = None,
        aliases: Sequence[Sequence[str]] | None = None,
    ) -> None:
        self.spark = spark
        self.path = Path(path)
        meta = read_meta(self.path)
        self.config = SketchConfig(**json.loads(meta["sketch"]))
        vec = json.loads(meta.get("vectors", '{"encoder": "", "dim": 0}'))
        self.vectors: str = vec["encoder"]
        self.dim: int = int(vec["dim"])
        self.genre: str = meta.get("genre", "news")
        self.thresholds = (thresholds or Thresholds.load()).for_genre(self.genre)
        self.aliases = ALIASES if aliases is None else tuple(tuple(g) for g in aliases)
        read = spark.read.parquet
        self.docs = read(str(self.path / "docs"))
        self.sketches = read(str(self.path / "sketches"))
        self.vector_rows = read(str(self.path / "vectors"))
        self._derived: dict[str, Any] = {}

    @property
    def default_detect(self) -> tuple[MatchKind, ...]:
        return DETECT_KINDS if self.vectors else ("repost", "partial")

    def size(self) -> int:
        """Originals with a sketch (the local lookup's ``size``)."""
        if "size" not in self._derived:
            self._derived["size"] = self.sketches.count()
        return int(self._derived["size"])

    def max_df(self) -> int:
        return max(64, self.size() // 200)

    def postings(self) -> tuple[DataFrame, DataFrame]:
        """Fingerprint postings ``(fp, rowid, pos)`` and band postings ``(bkey, rowid)``, both
        without the keys held more than :meth:`max_df` times (as the local lookup skips them)."""
        if "postings" not in self._derived:
            from pyspark.sql import functions as F

            bands = self.config.bands

            def band_rows(batches: Iterator[Any]) -> Iterator[Any]:
                import pandas as pd

                for pdf in batches:
                    if not len(pdf):
                        continue
                    sigs = np.stack([np.frombuffer(m, np.uint32) for m in pdf["minhash"]])
                    bk = band_keys(sigs, bands).ravel().view(np.int64)
                    rows = np.repeat(pdf["rowid"].to_numpy(np.int64), bands)
                    yield pd.DataFrame({"bkey": bk, "rowid": rows})

            cap = self.max_df()
            fp = self.sketches.mapInPandas(_fp_rows, "fp long, rowid long, pos long")
            fp_ok = fp.groupBy("fp").count().where(F.col("count") <= cap).select("fp")
            fp = fp.join(fp_ok, "fp").cache()
            bd = self.sketches.mapInPandas(band_rows, "bkey long, rowid long")
            bd_ok = bd.groupBy("bkey").count().where(F.col("count") <= cap).select("bkey")
            bd = bd.join(bd_ok, "bkey").cache()
            self._derived["postings"] = (fp, bd)
        got: tuple[DataFrame, DataFrame] = self._derived["postings"]
        return got

    def terms(self) -> tuple[DataFrame, IdfTable]:
        """The term posting lists ``(key, rows, norms)``: for each key but the common ones a
        query skips, the originals holding it (ascending) and their norms, as arrays; and the
        IDF table (collected: one entry per distinct bigram key, bounded by the script's
        bigrams, not by the originals)."""
        if "terms" not in self._derived:
            from pyspark.sql import functions as F

            def keys(batches: Iterator[Any]) -> Iterator[Any]:
                import pandas as pd

                for pdf in batches:
                    ks = [term_keys(k) for k in _keys(pdf["body"].tolist())]
                    rows = np.repeat(pdf["rowid"].to_numpy(np.int64), [len(k) for k in ks])
                    cat = np.concatenate(ks).astype(np.int64) if ks else np.zeros(0, np.int64)
                    yield pd.DataFrame({"key": cat, "rowid": rows})

            post = self.docs.select("rowid", "body").mapInPandas(keys, "key long, rowid long")
            post = post.cache()
            df: Any = post.groupBy("key").count().orderBy("key").toPandas()
            n = post.select("rowid").distinct().count()
            table = IdfTable(
                df["key"].to_numpy(np.int64).astype(np.uint32),
                df["count"].to_numpy(np.int64),
                int(n),
            )
            idf = self.spark.createDataFrame(
                [
                    (int(k), float(w))
                    for k, w in zip(
                        table.keys.tolist(), (table.idf(table.keys) ** 2).tolist(), strict=True
                    )
                ],
                "key long, w2 double",
            )
            norms = (
                post.join(idf, "key")
                .groupBy("rowid")
                .agg(F.sqrt(F.sum("w2")).alias("norm"))
                .cache()
            )
            common = max(COMMON_MIN, COMMON_SHARE * n)
            ok = self.spark.createDataFrame(
                [
                    (int(k),)
                    for k, c in zip(table.keys.tolist(), table.df.tolist(), strict=True)
                    if c <= common
                ],
                "key long",
            )
            lists = (
                post.join(ok, "key")
                .join(norms, "rowid")
                .repartition("key")
                .sortWithinPartitions("key", "rowid")
                .mapInPandas(_pack_lists, "key long, rows binary, norms binary")
                .cache()
            )
            self._derived["terms"] = (lists, table)
        got: tuple[DataFrame, IdfTable] = self._derived["terms"]
        return got

    def vector_blocks(self) -> tuple[DataFrame, np.ndarray]:
        """The originals' vectors in blocks of :data:`VECTOR_BLOCK` ``(block, rowids, mat)``
        and their mean (the centre of the centred cosine)."""
        if "vectors" not in self._derived:
            from pyspark.sql import functions as F

            dim = self.dim

            def sums(batches: Iterator[Any]) -> Iterator[Any]:
                import pandas as pd

                total, count = np.zeros(dim, np.float64), 0
                for pdf in batches:
                    for v in pdf["vec"]:
                        total += np.frombuffer(v, np.float16).astype(np.float32)
                        count += 1
                yield pd.DataFrame({"count": [count], "total": [total.tobytes()]})

            parts = self.vector_rows.mapInPandas(sums, "count long, total binary").collect()
            count = sum(int(p["count"]) for p in parts)
            total = sum((np.frombuffer(p["total"], np.float64) for p in parts), np.zeros(dim))
            mean = (total / max(count, 1)).astype(np.float32)

            def blocks(key: Any, pdf: Any) -> Any:
                import pandas as pd

                pdf = pdf.sort_values("rowid")
                mat = np.stack([np.frombuffer(v, np.float16) for v in pdf["vec"]])
                return pd.DataFrame(
                    {
                        "block": [int(key[0])],
                        "rowids": [pdf["rowid"].to_numpy(np.int64).tobytes()],
                        "mat": [mat.tobytes()],
                    }
                )

            blocked = (
                self.vector_rows.withColumn("block", F.floor(F.col("rowid") / VECTOR_BLOCK))
                .groupBy("block")
                .applyInPandas(blocks, "block long, rowids binary, mat binary")
                .cache()
            )
            self._derived["vectors"] = (blocked, mean)
        got: tuple[DataFrame, np.ndarray] = self._derived["vectors"]
        return got

    def check_frame(
        self,
        suspects: DataFrame,
        *,
        detect: str | Iterable[str] | None = None,
        limit: int = 20,
        exclude_quotes: bool = False,
        leave_own_out: bool = False,
        passages: bool = False,
    ) -> DataFrame:
        """Check the suspects ``(sid, id, title, body, meta)`` (``meta`` a JSON object; ``id``
        as :func:`check_iter` numbers it); a frame of ``(sid, id, result, error, passage_df)``:
        each result as the local engine's JSON, or the reason its check failed.

        ``leave_own_out``: each suspect is checked as if the original of its id were not
        indexed; ``passages``: ``passage_df`` says, for each partial copy found, how common its
        passages are in the index (JSON, by source id: :meth:`xigao.Index.passage_df`)."""
        from pyspark.sql import functions as F
        from pyspark.sql.window import Window

        kinds = parse_detect(detect, self.default_detect)
        rewrite = "rewrite" in kinds
        if rewrite and not self.vectors:
            raise XigaoError(
                f"the index at {self.path} stores no vectors, so it cannot detect rewrites; "
                "use --detect repost,partial"
            )
        t = self.thresholds
        cfg = self.config
        need = t.min_fingerprint_hits(cfg)
        encoder_name = self.vectors
        if rewrite:
            term_lists, idf = self.terms()
            blocks, mean = self.vector_blocks()
            idf_b = self.spark.sparkContext.broadcast((idf.keys, idf.df, idf.n))
        fp_post, band_post = self.postings()

        def features(batches: Iterator[Any]) -> Iterator[Any]:
            import pandas as pd

            from xigao.detect import Prepared
            from xigao.pipeline import _encoder

            table = _idf_table(idf_b) if rewrite else None
            for pdf in batches:
                out: dict[str, list[Any]] = {
                    k: []
                    for k in ("sid", "short", "fps", "fpos", "bands", "keys", "w2", "qnorm", "vec")
                }
                for sid, body in zip(pdf["sid"], pdf["body"], strict=True):
                    p = Prepared.of(body, t, exclude_quotes=exclude_quotes)
                    key = p.norm.key().chars
                    if len(key) < cfg.k:
                        continue  # too short to match: decided without candidates
                    h = kgram_hashes(codepoints(key), cfg.k)
                    fps, fpos = fingerprints(h, cfg.window)
                    sig = minhash(h, cfg.num_perm, cfg.seed)
                    out["sid"].append(int(sid))
                    out["short"].append(len(key) < 2 * t.partial_min_len)
                    out["fps"].append(fps.astype(np.int64).tolist())
                    out["fpos"].append(fpos.astype(np.int64).tolist())
                    out["bands"].append(
                        band_keys(sig[None, :], cfg.bands).ravel().view(np.int64).tolist()
                    )
                    if table is not None:
                        q = term_keys(key)
                        w = table.idf(q)
                        qn = float(np.sqrt((w**2).sum()))
                        at = np.searchsorted(table.keys, q).clip(max=max(len(table.keys) - 1, 0))
                        known = (table.keys[at] == q) if len(table.keys) else np.zeros(len(q), bool)
                        out["keys"].append(q[known].astype(np.int64).tolist())
                        out["w2"].append((w[known] ** 2).astype(np.float64).tolist())
                        out["qnorm"].append(qn)
                        vec = p.with_sentences(_encoder(encoder_name)).doc_vector()
                        out["vec"].append(np.asarray(vec, np.float32).tobytes())
                    else:
                        out["keys"].append([])
                        out["w2"].append([])
                        out["qnorm"].append(0.0)
                        out["vec"].append(b"")
                yield pd.DataFrame(out)

        feats = suspects.select("sid", "body").mapInPandas(
            features,
            "sid long, short boolean, fps array<long>, fpos array<long>, bands array<long>, "
            "keys array<long>, w2 array<double>, qnorm double, vec binary",
        )
        # the original of the suspect's own id, left out as if not indexed (and each list
        # then taken one longer, as the local engine takes it)
        if leave_own_out:
            ids = self.docs.select(F.col("id").alias("plain"), F.col("rowid").alias("own"))
            owns = suspects.select(
                "sid", F.substring_index(F.col("id"), "\x1f", -1).alias("plain")
            ).join(ids, "plain", "left")
            feats = feats.join(owns.select("sid", "own"), "sid", "left")
        else:
            feats = feats.withColumn("own", F.lit(None).cast("long"))
        feats = feats.withColumn("extra", F.when(F.col("own").isNull(), 0).otherwise(1)).cache()
        own = feats.select("sid", "own", "extra")

        # fingerprints: hits and the best diagonal per (suspect, original)
        q = feats.select("sid", F.explode(F.arrays_zip("fps", "fpos")).alias("z")).select(
            "sid", F.col("z.fps").alias("fp"), F.col("z.fpos").alias("qpos")
        )
        pairs = (
            q.join(fp_post, "fp")
            .withColumn("off", F.col("pos") - F.col("qpos"))
            .groupBy("sid", "rowid", "off")
            .count()
            .groupBy("sid", "rowid")
            .agg(F.sum("count").alias("hits"), F.max("count").alias("diagonal"))
            .where(F.col("hits") >= need)
            .join(own, "sid")
        )
        by_diag = Window.partitionBy("sid").orderBy(
            F.desc("diagonal"), F.desc("hits"), F.asc("rowid")
        )
        by_hits = Window.partitionBy("sid").orderBy(F.desc("hits"), F.asc("rowid"))
        fp_c = (
            pairs.withColumn("rd", F.row_number().over(by_diag))
            .withColumn("rh", F.row_number().over(by_hits))
            .where(
                (F.col("rd") <= limit + F.col("extra")) | (F.col("rh") <= limit + F.col("extra"))
            )
            .select(
                "sid", "rowid", F.lit("fp").alias("how"),
                F.col("hits").cast("double").alias("a"), F.col("diagonal").cast("double").alias("b"),
            )
        )  # fmt: skip
        # LSH: an equi-join of (band, bucket) rows; the `limit` lowest row ids kept
        bq = feats.select("sid", F.explode("bands").alias("bkey"))
        lsh = bq.join(band_post, "bkey").select("sid", "rowid").distinct().join(own, "sid")
        lsh_c = (
            lsh.withColumn("r", F.row_number().over(Window.partitionBy("sid").orderBy("rowid")))
            .where(F.col("r") <= limit + F.col("extra"))
            .select(
                "sid",
                "rowid",
                F.lit("lsh").alias("how"),
                F.lit(0.0).alias("a"),
                F.lit(0.0).alias("b"),
            )
        )
        cands = fp_c.unionByName(lsh_c)
        if rewrite:
            # facts: IDF-weighted cosine over the shared bigram keys
            tq = feats.select(
                "sid", "qnorm", F.explode(F.arrays_zip("keys", "w2")).alias("z")
            ).select("sid", "qnorm", F.col("z.keys").alias("key"), F.col("z.w2").alias("w2"))
            fact_c = (
                tq.join(term_lists, "key")
                .join(own, "sid")
                .groupBy("sid")
                .applyInPandas(
                    _fact_scorer(t.term_candidates),
                    "sid long, rowid long, how string, a double, b double",
                )
            )
            k_vec = t.vector_candidates
            centre = mean

            dim = self.dim

            def stack(key: Any, pdf: Any) -> Any:
                """A batch of suspects' vectors as one row: their ids and a matrix."""
                import pandas as pd

                vecs = np.stack([np.frombuffer(v, np.float32) for v in pdf["vec"]])
                return pd.DataFrame(
                    {"sids": [pdf["sid"].to_numpy(np.int64).tobytes()], "qs": [vecs.tobytes()]}
                )

            def nearest(batches: Iterator[Any]) -> Iterator[Any]:
                """Each (batch of suspects, block of originals): every suspect's nearest in the
                block, by the local engine's centred cosine (one product a suspect, as there)."""
                import pandas as pd

                for pdf in batches:
                    out: dict[str, list[Any]] = {"sid": [], "rowid": [], "sim": []}
                    for rids, mat, sids, qs in zip(
                        pdf["rowids"], pdf["mat"], pdf["sids"], pdf["qs"], strict=True
                    ):
                        ids = np.frombuffer(rids, np.int64)
                        m = np.frombuffer(mat, np.float16).reshape(len(ids), -1).astype(np.float32)
                        vs = _Vectors.of(ids, m, mean=centre)
                        queries = np.frombuffer(qs, np.float32).reshape(-1, dim)
                        for sid, q in zip(np.frombuffer(sids, np.int64), queries, strict=True):
                            sims = vs.centred_cosine(q)
                            k = min(k_vec + 1, len(sims))  # (one more: its own)
                            top = np.argpartition(sims, len(sims) - k)[len(sims) - k :]
                            out["sid"] += [int(sid)] * k
                            out["rowid"] += ids[top].tolist()
                            out["sim"] += sims[top].astype(np.float64).tolist()
                    yield pd.DataFrame(out)

            sv = (
                feats.select("sid", "vec")
                .where(F.length("vec") > 0)
                .withColumn("batch", F.floor(F.col("sid") / QUERY_BATCH))
                .groupBy("batch")
                .applyInPandas(stack, "sids binary, qs binary")
            )
            near = (
                sv.crossJoin(blocks)
                .mapInPandas(nearest, "sid long, rowid long, sim double")
                .join(own, "sid")
            )
            wv = Window.partitionBy("sid").orderBy(F.desc("sim"), F.asc("rowid"))
            vec_c = (
                near.withColumn("r", F.row_number().over(wv))
                .where(F.col("r") <= k_vec + F.col("extra"))
                .select(
                    "sid",
                    "rowid",
                    F.lit("vec").alias("how"),
                    F.col("sim").alias("a"),
                    F.lit(0.0).alias("b"),
                )
            )
            cands = cands.unionByName(fact_c).unionByName(vec_c)
        joined = cands.join(
            self.docs.select(
                "rowid",
                F.col("id").alias("oid"),
                F.col("title").alias("otitle"),
                F.col("body").alias("obody"),
                F.col("meta").alias("ometa"),
            ),
            "rowid",
        )
        left = suspects.join(feats.select("sid", "short", "own"), "sid", "left")
        if passages:  # each suspect's fingerprints with their postings in the index
            counts = self.sketches.mapInPandas(_fp_rows, "fp long, rowid long, pos long")
            counts = counts.groupBy("fp").count()
            dfs = (
                feats.select("sid", F.explode("fps").alias("fp"))
                .distinct()
                .join(counts, "fp")
                .groupBy("sid")
                .agg(F.map_from_entries(F.collect_list(F.struct("fp", "count"))).alias("fpdf"))
            )
            left = left.join(dfs, "sid", "left")
        else:
            left = left.withColumn("fpdf", F.lit(None).cast("map<long,long>"))
        decide = _decider(
            self, kinds, limit, need, exclude_quotes, rewrite, idf_b if rewrite else None, passages
        )
        return (
            left.groupBy("sid")
            .cogroup(joined.groupBy("sid"))
            .applyInPandas(
                decide, "sid long, id string, result string, error string, passage_df string"
            )
        )


#: What a Python worker keeps between the groups of its tasks: the IDF table of a broadcast.
_WORKER: dict[int, tuple[Any, IdfTable]] = {}


def _idf_table(broadcast: Any) -> IdfTable:
    """The :class:`IdfTable` of a broadcast ``(keys, df, n)``, made once per worker process
    (its IDF of every key is computed on construction)."""
    value = broadcast.value
    got = _WORKER.get(id(value))
    if got is None or got[0] is not value:
        _WORKER.clear()
        got = _WORKER[id(value)] = (value, IdfTable(*value))
    return got[1]


def _pack_lists(batches: Iterator[Any]) -> Iterator[Any]:
    """Postings ``(key, rowid, norm)``, sorted by key then row within the partition (a key's
    rows all in one), as one row a key: its rows and their norms as arrays."""
    import pandas as pd

    carry: tuple[int, list[np.ndarray], list[np.ndarray]] | None = None
    for pdf in batches:
        keys = pdf["key"].to_numpy(np.int64)
        rows = pdf["rowid"].to_numpy(np.int64)
        norms = pdf["norm"].to_numpy(np.float64).astype(np.float32)
        cuts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
        out: dict[str, list[Any]] = {"key": [], "rows": [], "norms": []}
        for a, b in itertools.pairwise(cuts):
            if a == b:
                continue
            key = int(keys[a])
            if carry is not None and carry[0] == key:
                carry[1].append(rows[a:b])
                carry[2].append(norms[a:b])
                continue
            if carry is not None:
                out["key"].append(carry[0])
                out["rows"].append(np.concatenate(carry[1]).tobytes())
                out["norms"].append(np.concatenate(carry[2]).tobytes())
            carry = (key, [rows[a:b]], [norms[a:b]])
        yield pd.DataFrame(out, columns=["key", "rows", "norms"])
    if carry is not None:
        yield pd.DataFrame(
            {
                "key": [carry[0]],
                "rows": [np.concatenate(carry[1]).tobytes()],
                "norms": [np.concatenate(carry[2]).tobytes()],
            }
        )


def _fact_scorer(k: int) -> Callable[[Any], Any]:
    """:func:`_fact_scores` keeping ``k`` (a plain function: Spark reads its arity)."""

    def score(pdf: Any) -> Any:
        return _fact_scores(pdf, k=k)

    return score


def _fact_scores(pdf: Any, *, k: int) -> Any:
    """One suspect's ``k`` originals sharing the most facts, scored as
    :meth:`xigao.terms.Terms.nearest` scores them (the same sums, in the same order, in the
    same precision), from its keys' weights ``w2`` and posting lists; its own original left
    out."""
    import pandas as pd

    empty = pd.DataFrame({"sid": [], "rowid": [], "how": [], "a": [], "b": []})
    pdf = pdf.sort_values("key")
    qnorm = float(pdf["qnorm"].iloc[0])
    if qnorm == 0:
        return empty
    lists = [np.frombuffer(r, np.int64) for r in pdf["rows"]]
    rows = np.concatenate(lists)
    norms = np.concatenate([np.frombuffer(n, np.float32) for n in pdf["norms"]])
    w = np.repeat(pdf["w2"].to_numpy(np.float64).astype(np.float32), [len(x) for x in lists])
    uniq, first, inv = np.unique(rows, return_index=True, return_inverse=True)
    scores = np.bincount(inv, weights=w, minlength=len(uniq)).astype(np.float32)
    scores /= np.maximum(norms[first], 1e-6) * qnorm
    own = pdf["own"].iloc[0]
    keep = scores > 0
    if not pd.isna(own):
        keep &= uniq != int(own)
    uniq, scores = uniq[keep], scores[keep]
    top = np.lexsort((uniq, -scores))[:k]
    return pd.DataFrame(
        {
            "sid": np.full(len(top), int(pdf["sid"].iloc[0]), np.int64),
            "rowid": uniq[top],
            "how": ["fact"] * len(top),
            "a": scores[top].astype(np.float64),
            "b": np.zeros(len(top)),
        }
    )


def _fp_rows(batches: Iterator[Any]) -> Iterator[Any]:
    """Sketch rows as fingerprint postings ``(fp, rowid, pos)``."""
    import pandas as pd

    for pdf in batches:
        fps, rows, pos = [], [], []
        for r, f, p in zip(pdf["rowid"], pdf["fps"], pdf["fpos"], strict=True):
            a = np.frombuffer(f, np.uint32)
            fps.append(a.astype(np.int64))
            pos.append(np.frombuffer(p, np.uint32).astype(np.int64))
            rows.append(np.full(len(a), r, np.int64))
        yield pd.DataFrame({"fp": _cat(fps), "rowid": _cat(rows), "pos": _cat(pos)})


def _decider(
    index: SparkIndex,
    kinds: Sequence[MatchKind],
    limit: int,
    need: int,
    exclude_quotes: bool,
    rewrite: bool,
    idf_b: Any,
    passages: bool = False,
) -> Any:
    """The ``applyInPandas`` function that decides one suspect from its candidates."""
    t, encoder_name, genre, aliases = index.thresholds, index.vectors, index.genre, index.aliases
    k_vec, k_fact = t.vector_candidates, t.term_candidates
    k = index.config.k  # (the closure must not hold the session)
    cfg = index.config

    def decide(left: Any, right: Any) -> Any:
        import pandas as pd

        from xigao.detect import Prepared
        from xigao.pipeline import _encoder

        row = left.iloc[0]
        sid, doc_id, body = int(row["sid"]), row["id"], row["body"]
        shown = _unnumbered(doc_id)
        try:
            meta = json.loads(row["meta"]) if row["meta"] else {}
            require_body(body, shown)
            p = Prepared.of(body, t, exclude_quotes=exclude_quotes)
            if len(p.norm.key().chars) < k:
                res = unmatched(body, id=doc_id, meta=meta)
            else:
                own = None if pd.isna(row["own"]) else int(row["own"])
                plan = plan_of(right, short=bool(row["short"]), need=need, limit=limit,
                               k_vec=k_vec, k_fact=k_fact, rewrite=rewrite, own=own)  # fmt: skip
                docs = {
                    int(r): Document(str(i), str(b), ti if isinstance(ti, str) else None,
                                     json.loads(m) if m else {})
                    for r, i, b, ti, m in zip(right["rowid"], right["oid"], right["obody"],
                                              right["otitle"], right["ometa"], strict=True)
                }  # fmt: skip
                table = _idf_table(idf_b) if idf_b is not None else None

                def encoder() -> Any:
                    return _encoder(encoder_name)

                def head() -> Any:
                    if not t.wash_head or not encoder_name:
                        return None
                    from xigao.embed import wash_head

                    return wash_head(encoder_name)

                originals = Originals(lambda rs: {r: docs[r] for r in rs if r in docs}, t, encoder)
                verifier = Verifier(
                    originals, lambda: table, t, head,  # type: ignore[arg-type,return-value]
                    fiction=genre == "fiction", aliases=aliases,
                )  # fmt: skip
                if rewrite:
                    p = p.with_sentences(encoder())
                res = verifier.decide(body, p, plan, kinds, id=doc_id, meta=meta)
            out = json.dumps({**res.to_dict(), "id": shown}, ensure_ascii=False)
            err = None
            common = None
            if passages:
                got = row["fpdf"]
                df = dict(got) if isinstance(got, list | tuple | np.ndarray | Mapping) else {}
                common = json.dumps(_passage_dfs(body, res, df, cfg))
        except Exception as e:  # one suspect's failure is reported, the others go on
            out, err, common = None, f"check failed: {type(e).__name__}: {e}", None
        return pd.DataFrame(
            {"sid": [sid], "id": [doc_id], "result": [out], "error": [err], "passage_df": [common]}
        )

    return decide


def _passage_dfs(
    body: str, res: Result, df: Mapping[int, int], config: SketchConfig
) -> dict[str, float]:
    """For each partial copy of ``res``, :meth:`xigao.Index.passage_df` of its passages, from
    the suspect's fingerprints' postings ``df``."""
    out = {}
    for m in res.matches:
        if m.kind == "partial":
            spans = [e.suspect for e in m.evidence if e.kind == "verbatim"]
            fps = passage_fingerprints(body, spans, config)
            counts = [df.get(int(f), 0) for f in fps.tolist()]
            out[m.source_id] = float(np.median(counts)) if counts else 0.0
    return out


def plan_of(
    rows: Any,
    *,
    short: bool,
    need: int,
    limit: int,
    k_vec: int,
    k_fact: int,
    rewrite: bool,
    own: int | None = None,
) -> CandidatePlan:
    """The local engine's :class:`CandidatePlan` from one suspect's candidate rows
    ``(rowid, how, a, b)`` (``how``: fp with hits and diagonal, lsh, fact with its score,
    vec with its cosine), ordered as :meth:`xigao.Index.candidate_rows` orders them; ``own``:
    the original left out (its id's), as ``exclude`` leaves it out there."""
    by = {h: rows[rows["how"] == h].drop_duplicates("rowid") for h in ("fp", "lsh", "fact", "vec")}
    fp = by["fp"].sort_values("rowid")
    cands = select_candidates(
        fp["rowid"].to_numpy(np.int64),
        fp["a"].to_numpy().astype(np.int64),
        fp["b"].to_numpy().astype(np.int64),
        by["lsh"]["rowid"].astype(int).tolist(),
        limit=limit + (own is not None),
        min_hits=need,
    )
    cands = [c for c in cands if c.rowid != own]
    verbatim = [c.rowid for c in cands if short or c.lsh or c.diagonal >= need][:limit]
    if not rewrite:
        return CandidatePlan(verbatim, [])
    near = by["vec"].sort_values(["a", "rowid"], ascending=[False, True])["rowid"]
    facts = by["fact"].sort_values(["a", "rowid"], ascending=[False, True])["rowid"]
    near_ = [int(r) for r in near.tolist() if r != own][:k_vec]
    rows_ = near_ + [int(r) for r in facts.tolist() if r != own][:k_fact]
    return CandidatePlan(verbatim, list(dict.fromkeys(rows_)))


def check_iter(
    index: SparkIndex,
    docs: Iterable[Document | Mapping[str, Any]],
    *,
    detect: str | Iterable[str] | None = None,
    exclude_quotes: bool = False,
    leave_own_out: bool = False,
    workdir: str | os.PathLike[str] | None = None,
) -> Iterator[Result | Failed]:
    """Check ``docs`` (dicts or :class:`Document`) on Spark, yielding each one's
    :class:`Result`, or a :class:`Failed` saying why its check failed, in input order, as
    :meth:`xigao.Index.check_iter` does (``leave_own_out`` as there). The documents are
    staged as Parquet under
    ``workdir`` (a temporary folder by default) for the executors to read."""
    import pyarrow.parquet as pq

    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="xigao-spark-") if workdir is None else workdir)
    failed: dict[int, Failed] = {}
    try:
        total = stage(_numbered(docs, failed), folder / "suspects", rowid_of=_position)
        total += len(failed)
        if total == len(failed):
            yield from (failed[n] for n in range(total))
            return
        frame = index.spark.read.parquet(str(folder / "suspects")).withColumnRenamed("rowid", "sid")
        out = index.check_frame(
            frame, detect=detect, exclude_quotes=exclude_quotes, leave_own_out=leave_own_out
        )
        out.write.mode("overwrite").parquet(str(folder / "results"))
        table = pq.ParquetDataset(folder / "results").read().sort_by("sid")
        rows = zip(
            *(table.column(c).to_pylist() for c in ("sid", "id", "result", "error")), strict=True
        )
        for sid, doc_id, result, error in rows:
            while len(failed) and min(failed) < sid:
                yield failed.pop(min(failed))
            if error is not None:
                yield Failed(_unnumbered(doc_id), error)
            else:
                yield Result.from_dict(json.loads(result))
        yield from (failed[n] for n in sorted(failed))
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def write_results(
    index: SparkIndex,
    docs: Iterable[Document | Mapping[str, Any]],
    dest: str | os.PathLike[str],
    *,
    detect: str | Iterable[str] | None = None,
    exclude_quotes: bool = False,
    workdir: str | os.PathLike[str] | None = None,
) -> tuple[dict[str, int], list[Failed]]:
    """Check ``docs`` on Spark and write the results as a Parquet folder at ``dest``, never
    through the driver: a row per checked document with its input ``position``, ``id``,
    ``verdict``, ``score``, top ``source_id``, ``copy_ratio`` and the whole ``result`` (the
    JSON :func:`check_iter` yields). Returns the count of each verdict and the documents whose
    check failed (in input order), which have no row."""
    from pyspark.sql import functions as F

    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="xigao-spark-") if workdir is None else workdir)
    failed: dict[int, Failed] = {}
    try:
        stage(_numbered(docs, failed), folder / "suspects", rowid_of=_position)
        frame = index.spark.read.parquet(str(folder / "suspects")).withColumnRenamed("rowid", "sid")
        out = index.check_frame(frame, detect=detect, exclude_quotes=exclude_quotes).cache()
        plain = F.substring_index(F.col("id"), "\x1f", -1)
        ok = out.where(F.col("error").isNull())
        ok.select(
            F.col("sid").alias("position"),
            plain.alias("id"),
            F.get_json_object("result", "$.verdict").alias("verdict"),
            F.get_json_object("result", "$.score").cast("double").alias("score"),
            F.get_json_object("result", "$.matches[0].source_id").alias("source_id"),
            F.get_json_object("result", "$.copy_ratio").cast("double").alias("copy_ratio"),
            "result",
        ).write.mode("overwrite").parquet(str(dest))
        verdicts = {
            r["verdict"]: int(r["count"])
            for r in out.where(F.col("error").isNull())
            .select(F.get_json_object("result", "$.verdict").alias("verdict"))
            .groupBy("verdict")
            .count()
            .collect()
        }
        for r in out.where(F.col("error").isNotNull()).select("sid", "id", "error").collect():
            failed[int(r["sid"])] = Failed(_unnumbered(r["id"]), r["error"])
        out.unpersist()
        return verdicts, [failed[n] for n in sorted(failed)]
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _numbered(
    docs: Iterable[Document | Mapping[str, Any]], failed: dict[int, Failed]
) -> Iterator[Document]:
    """Each document under its input position (a dump may repeat ids, and every copy is
    checked); what is no document goes to ``failed`` by its position."""
    from xigao.batch import _coerce

    for n, item in enumerate(docs):
        d = _coerce(item)
        if isinstance(d, Failed):
            failed[n] = d
        else:
            yield Document(f"{n}\x1f{d.id}", d.body, d.title, d.meta)


def _position(d: Document) -> int:
    return int(d.id.partition("\x1f")[0])


def _unnumbered(doc_id: str) -> str:
    return doc_id.partition("\x1f")[2]


__all__ = [
    "SparkIndex",
    "build",
    "check_iter",
    "export_index",
    "import_index",
    "is_spark_index",
    "parse_conf",
    "read_meta",
    "session",
]


# -- dedup ---------------------------------------------------------------------------------------
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
    folder = Path(tempfile.mkdtemp(prefix="xigao-spark-dedup-", dir=workdir))
    try:
        vectors = "static" if "rewrite" in kinds else ""
        build(spark, unique.values(), folder / "dump", vectors=vectors)
        dump = SparkIndex(spark, folder / "dump")
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
