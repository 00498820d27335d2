"""Scans on Spark: :class:`SparkIndex` (a Parquet index, the join tables derived from it, and
retrieval as joins) and :func:`check_iter` / :func:`write_results`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xigao.errors import XigaoError
from xigao.retrieval import _Vectors, lookup_max_df
from xigao.sketch import SketchConfig, band_keys, codepoints, fingerprints, kgram_hashes, minhash
from xigao.storage import _keys
from xigao.terms import COMMON_MIN, COMMON_SHARE, IdfTable, term_keys
from xigao.types import (
    DETECT_KINDS,
    LIMIT,
    Document,
    MatchKind,
    Result,
    parse_detect,
    require_limit,
)
from xigao.verdict import Thresholds

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

from xigao.batch import Failed
from xigao.provenance import ALIASES
from xigao.spark.tables import _numbered, _position, _unnumbered, read_meta, stage
from xigao.spark.tasks import _decider, _fact_scorer, _fp_rows, _idf_table, _pack_lists

#: Originals a vector block holds: one matrix product per block and batch of suspects.
VECTOR_BLOCK = 4096
#: Suspects whose vectors meet a vector block together (one row of the cross join).
QUERY_BATCH = 512


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
        return lookup_max_df(self.size())

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
            counts = fp.groupBy("fp").count().cache()
            fp_ok = counts.where(F.col("count") <= cap).select("fp")
            fp = fp.join(fp_ok, "fp").cache()
            self._derived["fp_counts"] = counts
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
            # (the squared weights as the local table has them: float32 IDF, squared)
            df["w2"] = (table.idf(table.keys) ** 2).astype(np.float64)
            idf = self.spark.createDataFrame(df[["key", "w2"]])
            norms = (
                post.join(idf, "key")
                .groupBy("rowid")
                .agg(F.sqrt(F.sum("w2")).alias("norm"))
                .cache()
            )
            common = max(COMMON_MIN, COMMON_SHARE * n)
            ok = self.spark.createDataFrame(df.loc[df["count"] <= common, ["key"]])
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
        limit: int = LIMIT,
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
        require_limit(limit)
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
        # each suspect's fingerprints with their postings in the index: how common a partial
        # copy's passages are (a formula is none: ``Thresholds.formula_df``)
        if passages or "partial" in kinds:
            counts = self._derived["fp_counts"]  # (all of them, the common ones too)
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


def _staging(index: SparkIndex, workdir: str | os.PathLike[str] | None) -> Path:
    """Where a scan stages its suspects and results: ``workdir``, else a new folder beside
    the index, on the storage its executors read the index from."""
    if workdir is not None:
        return Path(workdir)
    return Path(tempfile.mkdtemp(prefix=".xigao-scan-", dir=index.path.parent))


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
    staged as Parquet under ``workdir`` (by default a temporary folder beside the index,
    removed after) for the executors to read."""
    import pyarrow.parquet as pq

    own = workdir is None
    folder = _staging(index, workdir)
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
    leave_own_out: bool = False,
    workdir: str | os.PathLike[str] | None = None,
) -> tuple[dict[str, int], list[Failed]]:
    """Check ``docs`` on Spark and write the results as a Parquet folder at ``dest``, never
    through the driver: a row per checked document with its input ``position``, ``id``,
    ``title`` (null where it has none), ``meta`` (the record's other fields as a JSON object,
    null where it has none), ``verdict``, ``score``, top ``source_id``, ``copy_ratio`` and the
    whole ``result`` (the JSON :func:`check_iter` yields). Returns the
    count of each verdict and the documents whose check failed (in input order), which have
    no row."""
    from pyspark.sql import functions as F

    own = workdir is None
    folder = _staging(index, workdir)
    failed: dict[int, Failed] = {}
    try:
        stage(_numbered(docs, failed), folder / "suspects", rowid_of=_position)
        frame = index.spark.read.parquet(str(folder / "suspects")).withColumnRenamed("rowid", "sid")
        out = index.check_frame(
            frame, detect=detect, exclude_quotes=exclude_quotes, leave_own_out=leave_own_out
        ).cache()
        plain = F.substring_index(F.col("id"), "\x1f", -1)
        labels = frame.select("sid", "title", "meta")
        ok = out.where(F.col("error").isNull()).join(labels, "sid", "left")
        ok.select(
            F.col("sid").alias("position"),
            plain.alias("id"),
            F.when(F.col("title") != "", F.col("title")).alias("title"),  # (null as JSONL omits it)
            F.when(F.col("meta") != "{}", F.col("meta")).alias("meta"),
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
