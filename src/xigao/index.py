"""The on-disk index of originals: SQLite (WAL) for documents and sketches, numpy for lookups.

Layout of an index directory::

    DIR/index.sqlite     documents (id, title, body, metadata) and their sketches

The stored sketches (winnowed fingerprints and MinHash signatures) are the source of truth; the
lookup tables (sorted fingerprint postings, LSH band keys) are derived from them when the index
is opened and updated in memory on every add or remove. Every ``add``/``remove`` is a single
SQLite transaction, so a process killed mid-write leaves the index as it was before. No pickle:
arrays are stored as raw little-endian bytes.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xigao.errors import IndexFormatError
from xigao.normalize import NORMALIZER_VERSION, normalize
from xigao.sketch import U32, SketchConfig, band_keys, minhash_many, sketch_keys
from xigao.types import Document

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
#: Document vectors from which nearest-neighbour search switches from exact to HNSW.
ANN_MIN_DOCS = 100_000
DB_NAME = "index.sqlite"
_BATCH = 512
I64 = npt.NDArray[np.int64]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: lookups key on it
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    body TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS vectors (
    rowid INTEGER PRIMARY KEY REFERENCES docs(rowid) ON DELETE CASCADE,
    vec BLOB NOT NULL  -- float16, unit length, dimension in meta
);
CREATE TABLE IF NOT EXISTS sketches (
    rowid INTEGER PRIMARY KEY REFERENCES docs(rowid) ON DELETE CASCADE,
    nkey INTEGER NOT NULL,
    minhash BLOB NOT NULL,
    fps BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the index keeps of one document besides its text."""

    nkey: int
    minhash: U32
    fps: U32


def sketch_many(texts: Sequence[str], config: SketchConfig) -> list[tuple[Sketch, np.ndarray]]:
    """Normalize and sketch several texts (hashing, winnowing and MinHash batched)."""
    keys = [normalize(text).key().chars for text in texts]
    hashes, fps = sketch_keys(keys, config.k, config.window)
    sigs = minhash_many(hashes, config.num_perm, config.seed)
    return [(Sketch(len(keys[i]), sigs[i], fps[i]), hashes[i]) for i in range(len(texts))]


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Immutable lookup tables; replaced as a whole so readers always see a consistent one."""

    fp_keys: U32 = field(default_factory=lambda: np.zeros(0, np.uint32))
    fp_docs: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    band_keys: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    band_docs: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    size: int = 0

    def without(self, rowids: Iterable[int]) -> _Lookup:
        gone = np.fromiter(rowids, dtype=np.int64)
        if not len(gone):
            return self
        kf = ~np.isin(self.fp_docs, gone)
        kb = ~np.isin(self.band_docs, gone)
        size = self.size - int(np.isin(gone, self.band_docs).sum())
        return _Lookup(
            self.fp_keys[kf], self.fp_docs[kf], self.band_keys[kb], self.band_docs[kb], size
        )

    def plus(self, rows: Sequence[tuple[int, Sketch]], bands: int) -> _Lookup:
        if not rows:
            return self
        fk = np.concatenate([s.fps for _, s in rows])
        fd = np.concatenate([np.full(len(s.fps), r, np.int64) for r, s in rows])
        bk = band_keys(np.stack([s.minhash for _, s in rows]), bands).ravel()
        bd = np.repeat(np.array([r for r, _ in rows], np.int64), bands)
        fp_keys, fp_docs = _merge_sorted(self.fp_keys, self.fp_docs, fk, fd)
        b_keys, b_docs = _merge_sorted(self.band_keys, self.band_docs, bk, bd)
        return _Lookup(fp_keys, fp_docs, b_keys, b_docs, self.size + len(rows))


@dataclass(frozen=True, slots=True)
class _Vectors:
    """Document vectors for rewrite candidates (exact cosine search; replaced as a whole)."""

    ids: I64
    mat: npt.NDArray[np.float32]

    @classmethod
    def empty(cls, dim: int) -> _Vectors:
        return cls(np.zeros(0, np.int64), np.zeros((0, dim), np.float32))

    def without(self, rowids: Iterable[int]) -> _Vectors:
        gone = np.fromiter(rowids, dtype=np.int64)
        if not len(gone):
            return self
        keep = ~np.isin(self.ids, gone)
        return _Vectors(self.ids[keep], self.mat[keep])

    def plus(self, rowids: Sequence[int], vecs: npt.NDArray[np.float32]) -> _Vectors:
        if not len(rowids):
            return self
        return _Vectors(
            np.concatenate([self.ids, np.asarray(rowids, np.int64)]),
            np.vstack([self.mat, vecs.astype(np.float32)]),
        )


def _merge_sorted(
    keys: np.ndarray, vals: I64, new_keys: np.ndarray, new_vals: I64
) -> tuple[np.ndarray, I64]:
    order = np.argsort(new_keys, kind="stable")
    new_keys, new_vals = new_keys[order], new_vals[order]
    if not len(keys):
        return new_keys, new_vals
    at = np.searchsorted(keys, new_keys)
    return np.insert(keys, at, new_keys), np.insert(vals, at, new_vals)


def _postings(keys: np.ndarray, vals: I64, query: np.ndarray, max_df: int) -> I64:
    """All values whose key is in ``query``, skipping keys with more than ``max_df`` postings."""
    lo = np.searchsorted(keys, query, "left")
    hi = np.searchsorted(keys, query, "right")
    n = hi - lo
    ok = (n > 0) & (n <= max_df)
    lo, n = lo[ok], n[ok]
    if not len(n):
        return np.zeros(0, np.int64)
    starts = np.repeat(lo - np.cumsum(n) + n, n)
    return vals[starts + np.arange(int(n.sum()))]


@dataclass(frozen=True, slots=True)
class Candidate:
    rowid: int
    hits: int  #: shared fingerprints
    lsh: bool  #: found through an LSH band


class IndexStore:
    """Persistent storage and candidate retrieval. Thread-safe; see :class:`xigao.Index`."""

    def __init__(
        self,
        path: Path,
        config: SketchConfig,
        *,
        vectors: str = "",
        dim: int = 0,
        _load: bool = True,
    ) -> None:
        self.path = path
        self.config = config
        #: name of the encoder whose document vectors are stored ("" = none)
        self.vectors = vectors
        self.dim = dim
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._lookup = _Lookup()
        self._vecs = _Vectors.empty(dim)
        #: from this many document vectors on, rewrite candidates come from an HNSW graph
        self.ann_min_docs = ANN_MIN_DOCS
        self._ann: Any = None
        self._ann_lock = threading.Lock()
        if _load:
            self._lookup = self._load_lookup()
            if vectors:
                self._vecs = self._load_vectors()

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls, path: str | os.PathLike[str], config: SketchConfig, *, vectors: str = "", dim: int = 0
    ) -> IndexStore:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        db = p / DB_NAME
        if db.exists():
            raise FileExistsError(f"{p} already holds an index; open it, or remove it first")
        con = sqlite3.connect(db)
        try:
            con.executescript(_SCHEMA)
            con.execute("PRAGMA journal_mode=WAL")
            with con:
                con.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        ("format_version", str(FORMAT_VERSION)),
                        ("normalizer_version", str(NORMALIZER_VERSION)),
                        ("sketch", json.dumps(config.to_dict())),
                        ("vectors", json.dumps({"encoder": vectors, "dim": dim})),
                    ],
                )
        finally:
            con.close()
        return cls(p, config, vectors=vectors, dim=dim, _load=False)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> IndexStore:
        p = Path(path)
        db = p / DB_NAME
        if not db.is_file():
            raise IndexFormatError(
                f"no index at {p} (missing {DB_NAME}); create one with `xigao index build`"
            )
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            con.close()
        except sqlite3.DatabaseError as e:
            raise IndexFormatError(f"{db} is not a readable xigao index: {e}") from e
        version = meta.get("format_version")
        if version != str(FORMAT_VERSION):
            raise IndexFormatError(
                f"index at {p} has format version {version}, this xigao reads version "
                f"{FORMAT_VERSION}; rebuild it with `xigao index build`"
            )
        if meta.get("normalizer_version") != str(NORMALIZER_VERSION):
            raise IndexFormatError(
                f"index at {p} was built with normalizer version {meta.get('normalizer_version')}"
                f", this xigao uses {NORMALIZER_VERSION}; rebuild it with `xigao index build`"
            )
        vec = json.loads(meta.get("vectors", '{"encoder": "", "dim": 0}'))
        return cls(
            p, SketchConfig(**json.loads(meta["sketch"])), vectors=vec["encoder"], dim=vec["dim"]
        )

    # -- connections ---------------------------------------------------------------------------
    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path / DB_NAME, check_same_thread=False, timeout=60)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        return con

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    def _load_lookup(self) -> _Lookup:
        rows = [
            (r, Sketch(n, np.frombuffer(m, np.uint32), np.frombuffer(f, np.uint32)))
            for r, n, m, f in self._con().execute("SELECT rowid, nkey, minhash, fps FROM sketches")
        ]
        return _Lookup().plus(rows, self.config.bands)

    def _load_vectors(self) -> _Vectors:
        ids, vecs = [], []
        for r, v in self._con().execute("SELECT rowid, vec FROM vectors ORDER BY rowid"):
            ids.append(r)
            vecs.append(np.frombuffer(v, np.float16))
        if not ids:
            return _Vectors.empty(self.dim)
        return _Vectors(np.array(ids, np.int64), np.stack(vecs).astype(np.float32))

    # -- writing -------------------------------------------------------------------------------
    def add(
        self,
        docs: Iterable[Document],
        *,
        vectorize: Callable[[Sequence[Document]], npt.NDArray[np.float32]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[int, int]:
        """Add or replace documents in one transaction. Returns ``(added, replaced)``.

        ``vectorize`` turns a batch of documents into unit document vectors; it is required
        when the index stores vectors, and they are written in the same transaction.
        """
        if self.vectors and vectorize is None:
            raise ValueError(f"this index stores {self.vectors} vectors: pass vectorize=")
        added = replaced = 0
        new_rows: list[tuple[int, Sketch]] = []
        new_vecs: list[npt.NDArray[np.float32]] = []
        stale: list[int] = []
        with self._write_lock:
            con = self._con()
            try:
                con.execute("BEGIN IMMEDIATE")
                for batch in _batches(docs, _BATCH):
                    sketches = [s for s, _ in sketch_many([d.body for d in batch], self.config)]
                    vecs = None
                    if self.vectors and vectorize is not None:
                        vecs = np.asarray(vectorize(batch), np.float32)
                        new_vecs.append(vecs)
                    for n, (doc, sk) in enumerate(zip(batch, sketches, strict=True)):
                        old = con.execute("SELECT rowid FROM docs WHERE id = ?", (doc.id,))
                        row = old.fetchone()
                        if row is not None:
                            stale.append(row[0])
                            _delete(con, row[0])
                            replaced += 1
                        else:
                            added += 1
                        cur = con.execute(
                            "INSERT INTO docs (id, title, body, meta) VALUES (?, ?, ?, ?)",
                            (
                                doc.id,
                                doc.title,
                                doc.body,
                                json.dumps(dict(doc.meta), ensure_ascii=False),
                            ),
                        )
                        rowid = int(cur.lastrowid or 0)
                        con.execute(
                            "INSERT INTO sketches VALUES (?, ?, ?, ?)",
                            (rowid, sk.nkey, sk.minhash.tobytes(), sk.fps.tobytes()),
                        )
                        new_rows.append((rowid, sk))
                        if vecs is not None:
                            con.execute(
                                "INSERT INTO vectors VALUES (?, ?)",
                                (rowid, vecs[n].astype(np.float16).tobytes()),
                            )
                    if progress is not None:
                        progress(len(batch))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            gone = set(stale)
            fresh = [(r, s) for r, s in new_rows if r not in gone]
            self._lookup = self._lookup.without(gone).plus(fresh, self.config.bands)
            if self.vectors:
                ids = [r for r, _ in new_rows]
                mat = np.vstack(new_vecs) if new_vecs else np.zeros((0, self.dim), np.float32)
                keep = [i for i, r in enumerate(ids) if r not in gone]
                self._vecs = self._vecs.without(gone).plus([ids[i] for i in keep], mat[keep])
                self._ann_update(gone, [ids[i] for i in keep], mat[keep])
        return added, replaced

    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove documents by id in one transaction; returns the ids that were not there."""
        missing: list[str] = []
        gone: list[int] = []
        with self._write_lock:
            con = self._con()
            with con:
                for doc_id in ids:
                    row = con.execute("SELECT rowid FROM docs WHERE id = ?", (doc_id,)).fetchone()
                    if row is None:
                        missing.append(doc_id)
                        continue
                    gone.append(row[0])
                    _delete(con, row[0])
            self._lookup = self._lookup.without(gone)
            self._vecs = self._vecs.without(gone)
            self._ann_update(gone, [], np.zeros((0, self.dim), np.float32))
        return missing

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._lookup.size

    def candidates(
        self, fps: U32, sig: U32, *, limit: int = 20, min_hits: int = 2
    ) -> list[Candidate]:
        """Originals sharing fingerprints (most first) or an LSH band with the query."""
        lk = self._lookup
        max_df = max(64, lk.size // 200)
        docs = _postings(lk.fp_keys, lk.fp_docs, np.unique(fps), max_df)
        out: list[Candidate] = []
        if len(docs):
            ids, counts = np.unique(docs, return_counts=True)
            order = np.argsort(-counts, kind="stable")[:limit]
            out = [
                Candidate(int(ids[i]), int(counts[i]), False)
                for i in order
                if counts[i] >= min_hits
            ]
        seen = {c.rowid for c in out}
        bk = band_keys(sig[None, :], self.config.bands).ravel()
        lsh = np.unique(_postings(lk.band_keys, lk.band_docs, bk, max_df))
        out.extend(Candidate(int(r), 0, True) for r in lsh[:limit] if int(r) not in seen)
        return out

    def nearest(self, vec: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` originals whose document vectors are closest to ``vec``.

        Exact cosine search up to ``ann_min_docs`` vectors (about 1 ms at 36,000), an HNSW
        graph (usearch) beyond, where exact search costs as much as the rest of a check
        (``benchmarks/bench_ann.py``). The graph is derived: built from the stored vectors on
        first use and kept in step with adds and removes.
        """
        vs = self._vecs
        if not len(vs.ids):
            return []
        if len(vs.ids) >= self.ann_min_docs:
            return self._ann_search(vec, k)
        sims = vs.mat @ vec.astype(np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(int(vs.ids[i]), float(sims[i])) for i in top]

    def _ann_search(self, vec: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        with self._ann_lock:
            if self._ann is None:
                from usearch.index import Index as HNSW

                ann = HNSW(ndim=self.dim, metric="cos", dtype="f32")
                ann.add(self._vecs.ids, self._vecs.mat)
                self._ann = ann
            found = self._ann.search(vec.astype(np.float32), k)
        return [(int(r), 1.0 - float(d)) for r, d in zip(found.keys, found.distances, strict=True)]

    def _ann_update(self, gone: Iterable[int], rowids: Sequence[int], mat: np.ndarray) -> None:
        with self._ann_lock:
            if self._ann is None:
                return
            for r in gone:
                if r in self._ann:
                    self._ann.remove(r)
            new = [i for i, r in enumerate(rowids) if r not in self._ann]  # built meanwhile
            if new:
                self._ann.add(
                    np.asarray([rowids[i] for i in new], np.int64), mat[new].astype(np.float32)
                )

    def documents(self, rowids: Sequence[int]) -> dict[int, Document]:
        """Fetch documents by row id."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        cur = self._con().execute(
            f"SELECT rowid, id, title, body, meta FROM docs WHERE rowid IN ({marks})",
            list(rowids),
        )
        return {r: Document(i, b, t, json.loads(m)) for r, i, t, b, m in cur}

    def get(self, doc_id: str) -> Document | None:
        cur = self._con().execute("SELECT id, title, body, meta FROM docs WHERE id = ?", (doc_id,))
        row = cur.fetchone()
        return None if row is None else Document(row[0], row[2], row[1], json.loads(row[3]))

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._con().execute("SELECT id FROM docs ORDER BY rowid"):
            yield doc_id

    def info(self) -> dict[str, Any]:
        con = self._con()
        n, chars = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM docs"
        ).fetchone()
        sk = con.execute(
            "SELECT COALESCE(SUM(LENGTH(minhash) + LENGTH(fps)), 0) FROM sketches"
        ).fetchone()[0]
        files = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        return {
            "path": str(self.path),
            "format_version": FORMAT_VERSION,
            "normalizer_version": NORMALIZER_VERSION,
            "documents": n,
            "characters": chars,
            "sketch_bytes": sk,
            "sketch_bytes_per_document": round(sk / n, 1) if n else 0.0,
            "disk_bytes": files,
            "vectors": {"encoder": self.vectors, "dim": self.dim, "count": len(self._vecs.ids)},
            "settings": self.config.to_dict(),
        }


def _delete(con: sqlite3.Connection, rowid: int) -> None:
    for table in ("vectors", "sketches", "docs"):
        con.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def replace_dir(tmp: Path, dest: Path) -> None:
    """Move a freshly built index directory into place (an existing one is replaced)."""
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, old / dest.name)
        os.replace(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, dest)
