"""The index as Parquet tables: the local index's own, column for column, converted both ways
(:func:`export_index`, :func:`import_index`), and built on Spark (:func:`build`)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xigao.errors import IndexFormatError
from xigao.files import build_dir
from xigao.normalize import NORMALIZER_VERSION
from xigao.sketch import SketchConfig
from xigao.storage import (
    DB_NAME,
    FORMAT_VERSION,
    IndexStore,
    _keys,
    check_replaceable,
    check_versions,
    db_uri,
    replace_dir,
    sketch_keys_many,
)
from xigao.types import Document, json_safe

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

from xigao.batch import Failed

TABLES = ("docs", "sketches", "vectors")
META_FILE = "meta.json"
#: Suspects staged per Parquet file when a scan's input is written for Spark to read.
STAGE_ROWS = 2048


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
    check_versions(meta, f"Parquet index at {p}")
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
    check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_dir(dest, "build")
    con = sqlite3.connect(db_uri(Path(src) / DB_NAME, "ro"), uri=True)
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

    from xigao.storage import _SCHEMA

    meta = read_meta(src)
    dest = Path(dest)
    check_replaceable(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_dir(dest, "build")
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
        meta = json.dumps(json_safe(dict(d.meta)), ensure_ascii=False) if d.meta else "{}"
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
    docs: Iterable[Document | Mapping[str, Any]],
    dest: str | os.PathLike[str],
    *,
    vectors: str = "static",
    genre: str = "news",
    config: SketchConfig | None = None,
    overwrite: bool = False,
) -> int:
    """Build a Parquet index of ``docs`` at ``dest`` on ``spark``: the texts staged in input
    order (row ids as a local build gives them), then sketched and embedded in Spark tasks.
    ``vectors=""`` stores none (the fast path only). Returns the number of documents read.
    An original a local build refuses (no text, half a character in its id) raises
    :class:`~xigao.errors.InputError` naming it, and nothing is written."""
    from xigao.pipeline import original_of
    from xigao.verdict import check_genre

    check_genre(genre)
    config = config or SketchConfig()
    dest = Path(dest)
    check_replaceable(dest)  # only an index is ever replaced
    if dest.exists() and any(dest.iterdir()) and not overwrite:
        raise FileExistsError(
            f"{dest} already holds an index; pass overwrite=True (--overwrite) to replace it"
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = build_dir(dest, "build")
    try:
        n = stage((original_of(d) for d in docs), tmp / "docs")  # (as a local build takes them)
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


def _numbered(
    docs: Iterable[Document | Mapping[str, Any]], failed: dict[int, Failed]
) -> Iterator[Document]:
    """Each document under its input position (a dump may repeat ids, and every copy is
    checked); what is no document goes to ``failed`` by its position."""
    from xigao.batch import as_document

    for n, item in enumerate(docs):
        d = as_document(item)
        if isinstance(d, Failed):
            failed[n] = d
        else:
            yield Document(f"{n}\x1f{d.id}", d.body, d.title, d.meta)


def _position(d: Document) -> int:
    return int(d.id.partition("\x1f")[0])


def _unnumbered(doc_id: str) -> str:
    return doc_id.partition("\x1f")[2]
