"""Storage: the on-disk index of originals, SQLite (WAL) for documents and sketches.

Layout of an index directory::

    DIR/index.sqlite     documents (id, title, body, metadata) and their sketches
    DIR/vectors.usearch  HNSW graph of the document vectors (large indexes only; derived, and
                         rebuilt when its stamp does not match the stored vectors; :mod:`xigao.ann`)
    DIR/terms.npz        the fact table (:mod:`xigao.terms`; derived from the texts on first
                         use, and derived again when its stamp does not match them)
    DIR/lookup.npz       the fingerprint and band postings (:mod:`xigao.retrieval`; saved
                         once derived, stamped as the fact table is: writes since, in this
                         process or another, leave it stale, and it is derived again)

The stored sketches (winnowed fingerprints and MinHash signatures) are the source of truth; the
lookup tables (sorted fingerprint postings, LSH band keys: :mod:`xigao.retrieval`) are derived
from them on first use (or read back from ``lookup.npz`` where it holds exactly the stored
rows) and updated in memory on every add or remove. Every
``add``/``remove`` is a single SQLite transaction, so a process killed mid-write leaves the index
as it was before. No pickle: arrays are stored as raw little-endian bytes.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing as mp
import os
import secrets
import shutil
import sqlite3
import tempfile
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xigao.ann import ANN_MIN_DOCS, Graph
from xigao.errors import IndexFormatError, InputError
from xigao.locks import ReadWriteLock
from xigao.normalize import NORMALIZER_VERSION, normalize
from xigao.retrieval import Candidate, SketchChunk, _Lookup, _Vectors
from xigao.sketch import U32, SketchConfig, minhash_many, sketch_keys
from xigao.terms import Terms, term_keys
from xigao.types import Document, check_genre
from xigao.workers import die_with_parent

FORMAT_VERSION = 2  #: 2: fingerprint positions stored (candidate diagonals)
DB_NAME = "index.sqlite"
#: the fact table (derived; stamped with the normalizer and the documents it was derived from)
TERMS_FILE = "terms.npz"
#: the fingerprint and band postings (derived; stamped with the sketch settings and the documents)
LOOKUP_FILE = "lookup.npz"
_BATCH = 512
#: Originals an add reads, sketches and encodes before it locks the index (its first batches;
#: a larger add does the rest under the lock): a day's add from cron, of a few thousand,
#: blocks another process's writes only while it writes (about 60 MB held at most).
PREPARED_AHEAD = 10_000

#: sketches read at a time when the postings are derived
LOOKUP_CHUNK = 1024

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
    fps BLOB NOT NULL,  -- winnowed fingerprints (uint32), text order
    fpos BLOB NOT NULL  -- their key positions (uint32)
);
"""


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the index keeps of one document besides its text."""

    nkey: int
    minhash: U32
    fps: U32
    fpos: U32  #: key position of each fingerprint


def sketch_keys_many(keys: list[str], config: SketchConfig) -> list[tuple[Sketch, np.ndarray]]:
    """Sketches (and k-gram hashes) of several key texts (see :func:`_keys`); hashing,
    winnowing and MinHash are batched."""
    hashes, fps = sketch_keys(keys, config.k, config.window)
    sigs = minhash_many(hashes, config.num_perm, config.seed)
    return [
        (Sketch(len(keys[i]), sigs[i], fps[i][0], fps[i][1]), hashes[i]) for i in range(len(keys))
    ]


def _keys(texts: Sequence[str]) -> list[str]:
    """The normalized key texts that sketches are made of."""
    return [normalize(text).key().chars for text in texts]


def check_versions(meta: dict[str, str], what: str) -> None:
    """Raise :class:`IndexFormatError` unless the index ``meta`` (of ``what``, as the message
    names it) has this xigao's format and normalizer versions."""
    version = meta.get("format_version")
    if version != str(FORMAT_VERSION):
        raise IndexFormatError(
            f"{what} has format version {version}, this xigao reads version "
            f"{FORMAT_VERSION}; {_advice(version, FORMAT_VERSION, what)}"
        )
    normalizer = meta.get("normalizer_version")
    if normalizer != str(NORMALIZER_VERSION):
        raise IndexFormatError(
            f"{what} was built with normalizer version {normalizer}, this xigao uses "
            f"{NORMALIZER_VERSION}; {_advice(normalizer, NORMALIZER_VERSION, what)}"
        )


def _advice(version: str | None, ours: int, what: str = "index") -> str:
    """What to do with an index (``what``) of another ``version`` than ``ours``: a newer xigao
    built it (rebuilding it with this one would throw the newer format away), or an older one:
    a local index is built anew from the originals it stores, a Parquet one from its sources.

    >>> _advice("3", 2), _advice("1", 2)
    ('a newer xigao built it: upgrade xigao to use it', 'rebuild it from the originals it stores with `xigao index rebuild`')
    >>> _advice("1", 2, "Parquet index at /x")
    'rebuild it from its sources with `xigao index build --engine spark`'
    """
    if _newer(version, ours):
        return "a newer xigao built it: upgrade xigao to use it"
    if what.startswith("Parquet"):
        return "rebuild it from its sources with `xigao index build --engine spark`"
    return "rebuild it from the originals it stores with `xigao index rebuild`"


def _newer(version: str | None, ours: int) -> bool:
    """Whether a stored ``version`` is a newer xigao's than ``ours``."""
    return version is not None and version.isdigit() and int(version) > ours


def stored_layout(meta: dict[str, str]) -> tuple[SketchConfig, str, int, str]:
    """The sketch settings, vector encoder, vector dimension and genre an index's ``meta``
    holds (an index built before genres held news)."""
    vec = json.loads(meta.get("vectors", '{"encoder": "", "dim": 0}'))
    config = SketchConfig(**json.loads(meta["sketch"]))
    return config, vec["encoder"], vec["dim"], meta.get("genre", "news")


def _stamp(rowids: npt.NDArray[np.int64] | npt.NDArray[np.uint32], times: int = 1) -> list[int]:
    """The stamp of a table holding rows ``rowids``, each ``times`` times, as
    :meth:`IndexStore._terms_stamp` stamps the stored documents."""
    if not len(rowids):
        return [NORMALIZER_VERSION, 0, 0, 0]
    n, top, total = len(rowids) // times, int(rowids.max()), int(rowids.sum()) // times
    return [NORMALIZER_VERSION, n, top, total]


@dataclass(frozen=True, slots=True)
class _Next:
    """The tables in memory as a write will leave them (:meth:`IndexStore._derived`): made from
    ``held`` (the postings, fact table and vectors then), each None where not held, with the
    fact table's rows added and gone (``moved``) and the graph's change (``graph``)."""

    held: tuple[Any, Any, Any]
    lookup: _Lookup | None
    terms: Terms | None
    moved: tuple[list[int], list[int]]
    vecs: _Vectors | None
    graph: tuple[set[int], list[int], npt.NDArray[np.float32]]


class IndexStore:
    """Persistent storage and candidate retrieval. Thread-safe; see :class:`xigao.Index`.

    What is stored, and how, is written here; the searches are those of the lookups derived
    from it (:mod:`xigao.retrieval`) and of the HNSW graph (:mod:`xigao.ann`)."""

    def __init__(
        self,
        path: Path,
        config: SketchConfig,
        *,
        vectors: str = "",
        dim: int = 0,
        genre: str = "news",
        _load: bool = True,
        _live: bool = True,
        like: IndexStore | None = None,
        uid: str | None = None,
    ) -> None:
        self.path = path
        self.config = config
        #: what the index holds (``types.GENRES``), which sets how rewrites are decided
        self.genre = genre
        #: name of the encoder whose document vectors are stored ("" = none)
        self.vectors = vectors
        self.dim = dim
        self._local = threading.local()
        self._write_lock = threading.RLock()
        #: shared by checks (:meth:`reading`), held alone by a write from its commit until the
        #: tables follow it, and by :meth:`sync` while it brings them in step
        self._rw = ReadWriteLock()
        #: one thread at a time derives a table on first use (under the shared lock: no write
        #: commits meanwhile)
        self._load_lock = threading.Lock()
        #: the database this store opened: its ``uid`` (from its meta table; indexes built
        #: since 2026-12-06) or else its file's (device, inode); a write checks that the path
        #: still holds it (:meth:`_same_file`)
        self._uid = uid
        self._file = _identity(path / DB_NAME)
        self._closed = False
        #: on storage this process cannot write (a ``:ro`` volume, a folder of another
        #: user's): read through read-only connections, and never written; read as
        #: ``immutable`` (no ``-wal``, no lock) only where SQLite cannot read it otherwise
        self._readonly = not writable(path)
        self._immutable = False
        #: the fingerprint and band postings, derived from the stored sketches on first use (a
        #: build, or a process that only adds, never reads them); see :attr:`_lookup`
        self._lookup_held: _Lookup | None = None if _load else _Lookup()
        self._vecs = _Vectors.empty(dim)
        #: bigram postings for retrieval by shared facts, derived from the texts on first use
        self._terms: Terms | None = None
        self._terms_dirty = False  #: changed by writes since saved or loaded
        #: the stamp of what the table in memory holds (kept in step with this process's writes)
        self._terms_held: list[int] = []
        #: the index's write generation the term table and the postings in memory hold (None:
        #: another process wrote since they were read, so they are never saved)
        self._terms_gen: int | None = None
        self._lookup_gen: int | None = None
        #: the write generation the tables in memory are known to hold (see :meth:`sync`)
        self._seen_gen: int | None = None
        #: from this many document vectors on, rewrite candidates come from an HNSW graph
        self.ann_min_docs = ANN_MIN_DOCS
        self._graph = Graph(path, vectors, dim)
        #: keep the in-memory lookups in step with writes (see ``create(write_only=)``)
        self._live = _live
        if _load and like is not None:
            self._adopt(like)
        if _load and vectors and not len(self._vecs.ids):
            self._vecs = self._load_vectors()

    def _adopt(self, other: IndexStore) -> None:
        """Take the tables ``other``, a store of this same index, has derived (postings, fact
        table, document vectors), each where it holds exactly the documents stored now: what
        a forked worker would otherwise derive again from the same rows (the postings 0.3 s, the
        fact table and its weights about 1 s, at 35,926 stories). They are immutable, replaced as a whole by writes, so they can be shared."""
        if other.path.resolve() != self.path.resolve() or other.config != self.config:
            return
        now = self._terms_stamp()
        lookup = other._lookup_held
        if lookup is not None and _stamp(lookup.band_docs, self.config.bands) == now:
            self._lookup_held, self._lookup_gen = lookup, other._lookup_gen
        terms = other._terms
        if terms is not None and other._terms_held == now and not other._terms_dirty:
            self._terms, self._terms_held = terms.fresh(), now
            self._terms_gen = other._terms_gen
        vecs = other._vecs
        if self.vectors == other.vectors and len(vecs.ids) and _stamp(vecs.ids) == now:
            self._vecs = vecs

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        config: SketchConfig,
        *,
        vectors: str = "",
        dim: int = 0,
        genre: str = "news",
        write_only: bool = False,
    ) -> IndexStore:
        """A new, empty index at ``path``. A ``write_only`` store skips keeping lookups in
        memory (for a build, whose result is opened afresh)."""
        check_genre(genre)
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        db = p / DB_NAME
        if db.exists():
            raise FileExistsError(f"{p} already holds an index; open it, or remove it first")
        con = sqlite3.connect(db)
        uid = secrets.token_hex(8)
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
                        ("genre", genre),
                        ("uid", uid),
                    ],
                )
        finally:
            con.close()
        return cls(
            p,
            config,
            vectors=vectors,
            dim=dim,
            genre=genre,
            _load=False,
            _live=not write_only,
            uid=uid,
        )

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, like: IndexStore | None = None) -> IndexStore:
        """The index at ``path``; ``like``: another store of it in this process (a forked
        worker's parent's), whose derived tables are taken where they hold what is stored."""
        p = Path(path)
        db = p / DB_NAME
        if not db.is_file():
            raise IndexFormatError(
                f"no index at {p} (missing {DB_NAME}); create one with `xigao index build`"
            )
        try:
            if writable(p):
                con = sqlite3.connect(db_uri(db, "ro"), uri=True)
            else:  # (immutable where SQLite cannot read it else)
                con, _ = read_only(db)
            try:
                meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
            finally:
                con.close()
        except sqlite3.DatabaseError as e:
            raise IndexFormatError(f"{db} is not a readable xigao index: {e}") from e
        check_versions(meta, f"index at {p}")
        config, vectors, dim, genre = stored_layout(meta)
        try:
            store = cls(
                p,
                config,
                vectors=vectors,
                dim=dim,
                genre=genre,
                like=like,
                uid=meta.get("uid"),
            )
        except sqlite3.DatabaseError as e:  # pages damaged past its header
            raise IndexFormatError(f"{db} is not a readable xigao index: {e}") from e
        # (read before any table is: one derived later holds what is stored then, which
        # :meth:`sync` finds in step)
        store._seen_gen = int(meta.get("generation", 0))
        return store

    # -- connections ---------------------------------------------------------------------------
    def _con(self) -> sqlite3.Connection:
        self.require_open()
        con = getattr(self._local, "con", None)
        if con is None:
            # (mode=rw: a database removed meanwhile is not created anew, empty)
            db = self.path / DB_NAME
            try:
                if not self._readonly:
                    con = sqlite3.connect(
                        db_uri(db, "rw"), uri=True, check_same_thread=False, timeout=BUSY_WAIT
                    )
                else:  # (immutable from the first connection SQLite could read no other way)
                    con, self._immutable = read_only(db, immutable=self._immutable)
                    self._local.con = con
                    return con
            except sqlite3.OperationalError as e:
                raise IndexFormatError(
                    f"the index at {self.path} cannot be opened ({e}): was it removed?"
                ) from e
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        return con

    def require_open(self) -> None:
        """Raise :class:`IndexFormatError` once :meth:`close` has run."""
        if self._closed:
            raise IndexFormatError(f"the index at {self.path} was closed: open it again")

    def _same_file(self, *, writing: bool = True) -> None:
        """The index's path must still hold the database this store opened: before a write
        (a folder removed, or rebuilt by another process with ``index build --overwrite``,
        leaves this process writing to a file no one will open again) and before a read that
        finds the file changed (the rebuilt file's row ids name other documents). Raises
        :class:`IndexFormatError` otherwise, and nothing is written; so does a write to an
        index on read-only storage."""
        if writing and self._readonly:
            raise IndexFormatError(
                f"the index at {self.path} is on read-only storage: it can be checked, not "
                "written (nothing was written)"
            )
        done = "nothing was written" if writing else "open it again"
        now = _identity(self.path / DB_NAME)
        if now is None:
            raise IndexFormatError(
                f"the index at {self.path} was removed since it was opened: {done}"
            )
        # the database's own uid where it has one: a file's inode may change under some
        # network and overlay file systems while it is the same file
        moved = _read_uid(self.path / DB_NAME) != self._uid if self._uid else now != self._file
        if self._file is not None and moved:
            raise IndexFormatError(
                f"the index at {self.path} was replaced (rebuilt) since it was opened: {done}"
                + ("; open it again" if writing else "")
            )

    def close(self) -> None:
        """Save what is worth keeping (the fact table) and release the connections: the store
        is not used again (a read or write raises :class:`IndexFormatError`)."""
        if self._closed:
            return
        with self._write_lock:
            if (
                self._terms is not None
                and self._terms_dirty
                and self._terms_gen is not None
                and not self._readonly
            ):
                self._terms_dirty = not self._terms.save(
                    self.path / TERMS_FILE, [*self._terms_held, self._terms_gen]
                )
        self._graph.close(self._current_vectors)
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        self._closed = True

    @property
    def _lookup(self) -> _Lookup:
        """The postings, derived from the stored sketches on first use (0.3 s at 35,926
        stories): ``index build`` and ``index add`` never read them, a scan's first check does.
        Derived with the lock shared, so that no write of this process commits meanwhile."""
        got = self._lookup_held
        if got is None:
            with self._rw.shared(), self._load_lock:
                got = self._lookup_held
                if got is None:
                    got = self._lookup_held = self._load_lookup()
        return got

    @_lookup.setter
    def _lookup(self, value: _Lookup) -> None:
        self._lookup_held = value

    def _load_lookup(self) -> _Lookup:
        """The postings, from ``lookup.npz`` where its stamp matches the stored documents and
        this index's sketch settings, otherwise derived from the stored sketches and saved
        there for the next process (at 35,926 stories: 0.45 s derived, 0.07 s read back)."""
        cfg = self.config
        settings = [cfg.k, cfg.window, cfg.num_perm, cfg.bands, cfg.seed]
        gen = self._generation()
        got = _Lookup.load(self.path / LOOKUP_FILE, [*settings, *self._terms_stamp(), gen])
        if got is None:
            with self._snapshot() as con:
                gen = self._generation(con)
                got = self._derive_lookup(con)
            # stamped with what was read (another process may have written since)
            read = _stamp(got.band_docs, cfg.bands)
            if not self._readonly:  # (a read-only index's next process derives them too)
                got.save(self.path / LOOKUP_FILE, [*settings, *read, gen])
        self._lookup_gen = gen
        return got

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection inside a read transaction: every read sees one state of
        the index, whatever other processes commit meanwhile."""
        con = self._con()
        if con.in_transaction:  # (already in one: its reads are one state already)
            yield con
            return
        con.execute("BEGIN")
        try:
            yield con
        finally:
            if con.in_transaction:  # (SQLite may have ended it: its error is the one to see)
                con.execute("COMMIT")

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """One check's reads, all of one state of the index: the tables in memory and every row
        read from the database as they were after one write (black-box review 19: a check
        while its original was replaced missed it, called it a partial copy or named it
        twice). It reads in one read transaction, so other processes' later commits are not
        seen; this process's writes wait for the checks under way to end before they commit,
        and the next checks wait for the tables to follow them (:meth:`add`). Where another
        process wrote since the tables were read, they are brought to the state the
        transaction reads and the check runs alone (a cron add makes one check wait; a
        process writing all the time makes them take turns). A check inside a check reads
        as the outer one does."""
        if self._rw.holding():
            yield
            return
        if self._follows():
            self._still_same_file()
        with self._rw.shared(), self._snapshot() as con:
            in_step = not self._follows() or self._generation(con) == self._seen_gen
            if in_step:
                yield
        if in_step:
            return
        with self._write_lock, self._rw.alone(), self._snapshot() as con:
            self._take_in(con)
            yield

    def _generation(self, con: sqlite3.Connection | None = None) -> int:
        """The index's write generation: a random number every add or remove commits anew (0
        for an index never written since it was created by an older xigao). A saved table is
        trusted only with the generation it was derived at: count, largest and sum of row ids
        identify the documents within one history of the index, not across two (a backup
        restored, then written otherwise)."""
        row = (
            (con or self._con())
            .execute("SELECT value FROM meta WHERE key = 'generation'")
            .fetchone()
        )
        return int(row[0]) if row else 0

    def _next_generation(self, con: sqlite3.Connection) -> tuple[int, int]:
        """Write a new generation with this write (``con`` inside its transaction): the one
        before it and the new one, for :meth:`_moved_generation` once it commits."""
        before = self._generation(con)
        after = secrets.randbits(62) + 1
        con.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(after),))
        return before, after

    def _moved_generation(self, before: int, after: int) -> None:
        """After a committed write (write lock held): the tables in memory now hold the
        generation it wrote where they held the one before it; where another process wrote
        since they were read, they are never saved (the next process derives them again)."""
        self._terms_gen = after if self._terms_gen == before else None
        self._lookup_gen = after if self._lookup_gen == before else None
        if self._seen_gen == before:  # (else another process wrote too: :meth:`sync` reads it)
            self._seen_gen = after

    def sync(self) -> bool:
        """Bring the tables in memory (postings, fact table, document vectors, the HNSW graph)
        in step with what other processes wrote since they were read (a cron ``xigao index
        add`` or ``remove`` beside a running service): each table drops the rows no longer
        stored and reads those it lacks, as this process's own writes keep them. A table
        derived since another process wrote holds its rows already; the others still lack
        them, so each is compared on its own. One query when nothing moved (the write
        generation, :meth:`_generation`), so every check asks. Returns whether anything was
        read. Raises :class:`IndexFormatError` when the path no longer holds the database this
        store opened (rebuilt, or removed): its row ids name other documents there, so a check
        would be silently wrong; open it again."""
        if not self._follows() or self._rw.holding():
            return False  # (inside a check: it reads the index as it found it, to its end)
        self._still_same_file()
        if self._generation() == self._seen_gen:
            return False
        # (alone: no check reads the tables while they change, no table is derived meanwhile)
        with self._write_lock, self._rw.alone(), self._snapshot() as con:
            return self._take_in(con)

    def _follows(self) -> bool:
        """Whether the tables in memory follow other processes' writes (not in a store that
        only writes, nor where SQLite reads no writer's ``-wal``: immutable)."""
        return self._live and self._seen_gen is not None and not self._immutable

    def _still_same_file(self) -> None:
        """:meth:`_same_file` where the database file's identity changed since it was read."""
        ident = _identity(self.path / DB_NAME)
        if ident != self._file:
            self._same_file(writing=False)  # raises unless the same database (a new inode)
            self._file = ident

    def _take_in(self, con: sqlite3.Connection) -> bool:
        """:meth:`sync`'s work, the lock held alone and ``con`` in a read transaction: the
        tables brought to the state it reads. Returns whether anything was read."""
        gen = self._generation(con)
        if gen == self._seen_gen:
            return False
        now = np.fromiter((r for (r,) in con.execute("SELECT rowid FROM docs")), dtype=np.int64)
        lookup, terms, vecs = self._lookup_held, self._terms, self._vecs
        held = {
            "sketches": np.unique(lookup.band_docs).astype(np.int64)
            if lookup is not None
            else None,
            "docs": terms.row_ids() if terms is not None else None,
            "vectors": vecs.ids if self.vectors else None,
        }
        lacking = {t: np.setdiff1d(now, h).tolist() for t, h in held.items() if h is not None}
        gone = {t: np.setdiff1d(h, now).tolist() for t, h in held.items() if h is not None}
        sketches = {
            r: Sketch(
                nkey,
                np.frombuffer(sig, np.uint32),
                np.frombuffer(fps, np.uint32),
                np.frombuffer(fpos, np.uint32),
            )
            for r, nkey, sig, fps, fpos in _rows_of(
                con, "rowid, nkey, minhash, fps, fpos", "sketches", lacking.get("sketches")
            )
        }
        bodies = dict(_rows_of(con, "rowid, body", "docs", lacking.get("docs")))
        mats = {
            r: np.frombuffer(v, np.float16).astype(np.float32)
            for r, v in _rows_of(con, "rowid, vec", "vectors", lacking.get("vectors"))
        }
        if lookup is not None:
            add = [(r, sketches[r]) for r in lacking["sketches"] if r in sketches]
            self._lookup = lookup.without(gone["sketches"]).plus(add, self.config.bands)
            self._lookup_gen = None  # (saved only as derived by one process)
        if terms is not None:
            add_ids = [r for r in lacking["docs"] if r in bodies]
            parts = [term_keys(k) for k in _keys([bodies[r] for r in add_ids])]
            self._terms = terms.without(gone["docs"]).plus(add_ids, parts)
            self._terms_moved(add_ids, gone["docs"])
            self._terms_gen = None
        if self.vectors:
            add_ids = [r for r in lacking["vectors"] if r in mats]
            mat = (
                np.stack([mats[r] for r in add_ids])
                if add_ids
                else np.zeros((0, self.dim), np.float32)
            )
            self._vecs = vecs.without(gone["vectors"]).plus(add_ids, mat)
            self._graph.update(gone["vectors"], add_ids, mat)
        self._seen_gen = gen
        return True

    def _derive_lookup(self, con: sqlite3.Connection | None = None) -> _Lookup:
        """The postings of every stored sketch, read ``LOOKUP_CHUNK`` rows at a time, each
        chunk's blobs joined end to end (no array a row), into tables allocated once for the
        rows and fingerprints counted first."""
        con = con or self._con()
        rows, size = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(fps)), 0) FROM sketches"
        ).fetchone()
        cur = con.execute("SELECT rowid, minhash, fps, fpos FROM sketches")

        def chunks() -> Iterator[SketchChunk]:
            while got := cur.fetchmany(LOOKUP_CHUNK):
                ids, sigs, fps, fpos = zip(*got, strict=True)
                yield SketchChunk(
                    np.asarray(ids, np.int64),
                    np.frombuffer(b"".join(sigs), np.uint32).reshape(len(got), -1),
                    np.frombuffer(b"".join(fps), np.uint32),
                    np.frombuffer(b"".join(fpos), np.uint32),
                    np.asarray([len(f) for f in fps], np.int64) // 4,
                )

        return _Lookup.of(chunks(), self.config.bands, rows=rows, postings=size // 4)

    def _load_vectors(self) -> _Vectors:
        ids, vecs = [], []
        for r, v in self._con().execute("SELECT rowid, vec FROM vectors ORDER BY rowid"):
            ids.append(r)
            vecs.append(np.frombuffer(v, np.float16))
        if not ids:
            return _Vectors.empty(self.dim)
        return _Vectors.of(np.array(ids, np.int64), np.stack(vecs).astype(np.float32))

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _writing(self, wait: float | None) -> Iterator[sqlite3.Connection]:
        """This thread's connection in a write transaction (the caller commits; an error rolls
        it back), with the store's write lock held. SQLite's write lock is taken first,
        waiting ``wait`` seconds at most for another process's write (:func:`_begin_write`):
        that wait must not hold the lock this process's reads take to bring their tables in
        step with that process's commit (:meth:`sync`)."""
        self._rw.not_held()  # (its commit would wait for the check, and the check for it)
        self._same_file()
        con = self._con()
        _begin_write(con, wait)
        try:
            with self._write_lock:
                yield con
        except BaseException:
            if con.in_transaction:  # (not once committed: the tables' update failed)
                con.execute("ROLLBACK")
            raise

    def add(
        self,
        docs: Iterable[Document],
        *,
        vectorize: Callable[[Sequence[Document]], npt.NDArray[np.float32]] | None = None,
        progress: Callable[[int], None] | None = None,
        workers: int = 1,
        wait: float | None = None,
    ) -> tuple[int, int]:
        """Add or replace documents in one transaction. Returns ``(added, replaced)``.

        ``vectorize`` turns a batch of documents into unit document vectors; it is required
        when the index stores vectors, and they are written in the same transaction.
        ``workers`` > 1 sketches batches in that many processes while this one writes.
        ``wait``: seconds to wait for another process's write to end (default: a minute),
        after which sqlite3.OperationalError says the database is locked.
        """
        if self.vectors and vectorize is None:
            raise ValueError(f"this index stores {self.vectors} vectors: pass vectorize=")
        added = replaced = 0
        new_rows: list[tuple[int, Sketch]] = []
        new_bodies: list[str] = []
        new_vecs: list[npt.NDArray[np.float32]] = []
        stale: list[int] = []

        def vectors_of(batch: list[Document]) -> npt.NDArray[np.float32] | None:
            """The batch's vectors (encoding is the slow part of an add: progress counts it)."""
            vecs = None
            if self.vectors and vectorize is not None:
                vecs = np.asarray(vectorize(batch), np.float32)
            if progress is not None:
                progress(len(batch))
            return vecs

        # the first PREPARED_AHEAD originals are read, sketched and encoded before the index
        # is locked: a daily add from cron holds the lock only while it writes them
        stream = iter(_sketched(_batches(docs, _BATCH), self.config, workers))
        ready: list[tuple[list[Document], list[Sketch], npt.NDArray[np.float32] | None]] = []
        for batch, sketches in stream:
            ready.append((batch, sketches, vectors_of(batch)))
            if sum(len(b) for b, _, _ in ready) >= PREPARED_AHEAD:
                break

        def prepared() -> Iterator[
            tuple[list[Document], list[Sketch], npt.NDArray[np.float32] | None]
        ]:
            yield from ready
            for batch, sketches in stream:  # (a larger add: the rest under the lock)
                yield batch, sketches, vectors_of(batch)

        with self._writing(wait) as con:
            (seq,) = con.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'docs'"
            ).fetchone()
            next_rowid = int(seq) + 1  # the write lock is held: nobody else inserts
            for batch, sketches, vecs in prepared():
                batch_ids = list(dict.fromkeys(d.id for d in batch))
                marks = ",".join("?" * len(batch_ids))
                existing = dict(
                    con.execute(f"SELECT id, rowid FROM docs WHERE id IN ({marks})", batch_ids)
                )
                for rowid in existing.values():
                    stale.append(rowid)
                    _delete(con, rowid)
                last = {d.id: n for n, d in enumerate(batch)}  # a later copy replaces
                seen: set[str] = set()
                kept = []
                for n, doc in enumerate(batch):
                    if doc.id in existing or doc.id in seen:
                        replaced += 1
                    else:
                        added += 1
                    seen.add(doc.id)
                    if last[doc.id] == n:
                        kept.append(n)
                rowids = list(range(next_rowid, next_rowid + len(kept)))
                next_rowid += len(kept)
                con.executemany(
                    "INSERT INTO docs (rowid, id, title, body, meta) VALUES (?, ?, ?, ?, ?)",
                    [
                        (
                            r,
                            batch[n].id,
                            batch[n].title,
                            batch[n].body,
                            json.dumps(dict(batch[n].meta), ensure_ascii=False)
                            if batch[n].meta
                            else "{}",
                        )
                        for r, n in zip(rowids, kept, strict=True)
                    ],
                )
                con.executemany(
                    "INSERT INTO sketches VALUES (?, ?, ?, ?, ?)",
                    [
                        (
                            r,
                            sketches[n].nkey,
                            sketches[n].minhash.tobytes(),
                            sketches[n].fps.tobytes(),
                            sketches[n].fpos.tobytes(),
                        )
                        for r, n in zip(rowids, kept, strict=True)
                    ],
                )
                new_rows += [(r, sketches[n]) for r, n in zip(rowids, kept, strict=True)]
                if self._terms is not None:
                    new_bodies += [batch[n].body for n in kept]
                if vecs is not None:
                    vecs = vecs[kept]
                    new_vecs.append(vecs)
                    con.executemany(
                        "INSERT INTO vectors VALUES (?, ?)",
                        [
                            (r, v.astype(np.float16).tobytes())
                            for r, v in zip(rowids, vecs, strict=True)
                        ],
                    )
            moved = self._next_generation(con)
            self._same_file()  # (rebuilt while this add ran: nothing of it is kept)

            def tables() -> _Next:
                return self._derived(set(stale), new_rows, new_vecs, new_bodies)

            self._commit(con, moved, tables if self._live else None)
        return added, replaced

    def _commit(
        self, con: sqlite3.Connection, moved: tuple[int, int], tables: Callable[[], _Next] | None
    ) -> None:
        """Commit a write on ``con`` (``moved``: its generations, :meth:`_next_generation`) and
        put in the tables it leaves, made by ``tables`` while checks go on: the checks under
        way end before it commits, and the next see its tables follow it."""
        nxt = tables() if tables is not None else None
        with self._rw.alone():
            con.execute("COMMIT")
            self._moved_generation(*moved)
            if nxt is not None and tables is not None:
                self._install(nxt, tables)

    def _derived(
        self,
        gone: set[int],
        new_rows: list[tuple[int, Sketch]],
        new_vecs: list[npt.NDArray[np.float32]],
        new_bodies: list[str],
    ) -> _Next:
        """The tables in memory as a write will leave them (``gone`` row ids removed,
        ``new_rows`` added; ``new_bodies`` their texts when the term table is loaded), made
        before it commits while checks go on reading the tables as they are (the tables are
        replaced whole, never changed in place: :meth:`_install` puts them in)."""
        fresh = [(r, s) for r, s in new_rows if r not in gone]
        held = (self._lookup_held, self._terms, self._vecs)
        lookup = None
        if held[0] is not None:  # (else derived from the stored sketches when read)
            lookup = held[0].without(gone).plus(fresh, self.config.bands)
        terms: Terms | None = None
        moved: tuple[list[int], list[int]] = ([], [])
        if held[1] is not None:
            parts = [term_keys(k) for k in _keys(new_bodies)]
            kept = [i for i, (r, _) in enumerate(new_rows) if r not in gone]
            added = [new_rows[i][0] for i in kept]
            terms = held[1].without(gone).plus(added, [parts[i] for i in kept])
            # (a row added and replaced within this add was never in the table)
            moved = (added, [r for r in gone if r not in dict(new_rows)])
        added_ids: list[int] = []
        added_mat = np.zeros((0, self.dim), np.float32)
        vecs = None
        if self.vectors:
            ids = [r for r, _ in new_rows]
            mat = np.vstack(new_vecs) if new_vecs else added_mat
            keep = [i for i, r in enumerate(ids) if r not in gone]
            added_ids, added_mat = [ids[i] for i in keep], mat[keep]
            vecs = held[2].without(gone).plus(added_ids, added_mat)
        return _Next(held, lookup, terms, moved, vecs, (gone, added_ids, added_mat))

    def _install(self, nxt: _Next, again: Callable[[], _Next]) -> None:
        """Put in the tables :meth:`_derived` made, once the write committed (the lock held
        alone: no check reads them meanwhile), and bring the HNSW graph in step; made ``again``
        where a table was derived in between (a check's first use of it)."""
        now = (self._lookup_held, self._terms, self._vecs)
        if any(a is not b for a, b in zip(now, nxt.held, strict=True)):
            nxt = again()
        if nxt.lookup is not None:
            self._lookup = nxt.lookup
        if nxt.terms is not None:
            self._terms = nxt.terms
            self._terms_moved(*nxt.moved)
        if nxt.vecs is not None:
            self._vecs = nxt.vecs
            self._graph.update(*nxt.graph)

    def remove(self, ids: str | Iterable[str], *, wait: float | None = None) -> list[str]:
        """Remove documents by id (one id, or several) in one transaction; returns the ids
        that were not there. ``wait``: as :meth:`add`'s."""
        if isinstance(ids, str):
            ids = [ids]
        elif isinstance(ids, Iterable):
            ids = list(ids)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InputError(f"ids to remove are a str or strs, not {ids!r:.80}")
        missing: list[str] = []
        gone: list[int] = []
        with self._writing(wait) as con:  # (rolled back on an error)
            for doc_id in ids:
                row = con.execute("SELECT rowid FROM docs WHERE id = ?", (doc_id,)).fetchone()
                if row is None:
                    missing.append(doc_id)
                    continue
                gone.append(row[0])
                _delete(con, row[0])
            self._same_file()
            if not gone:  # (nothing removed: no check need wait for it)
                con.execute("COMMIT")
                return missing
            moved = self._next_generation(con)
            self._commit(con, moved, lambda: self._derived(set(gone), [], [], []))
        return missing

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        held = self._lookup_held
        if held is not None:
            return held.size
        return int(self._con().execute("SELECT COUNT(*) FROM sketches").fetchone()[0])

    def candidates(
        self, fps: U32, fpos: U32, sig: U32, *, limit: int = 20, min_hits: int = 2
    ) -> list[Candidate]:
        """Originals sharing at least ``min_hits`` fingerprints with the query (``fps`` at key
        positions ``fpos``): the ``limit`` best by :attr:`Candidate.diagonal` and the ``limit``
        best by :attr:`Candidate.hits`, in that order; then those sharing an LSH band."""
        return self._lookup.candidates(
            fps, fpos, sig, self.config.bands, limit=limit, min_hits=min_hits
        )

    def candidates_many(
        self, queries: Sequence[tuple[U32, U32, U32]], *, limits: Sequence[int], min_hits: int = 2
    ) -> list[list[Candidate]]:
        """:meth:`candidates` of each query ``(fps, fpos, sig)``, with its own limit, looked up
        together (see :meth:`xigao.retrieval._Lookup.candidates_many`)."""
        return self._lookup.candidates_many(
            queries, self.config.bands, limits=limits, min_hits=min_hits
        )

    def nearest(self, vec: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` originals whose document vectors are closest to ``vec``.

        Exact cosine search up to ``ann_min_docs`` vectors (about 1 ms at 36,000), an HNSW
        graph (usearch) beyond, where exact search costs as much as the rest of a check
        (``benchmarks/bench_ann.py``). The graph is derived: built from the stored vectors on
        first use (or restored from ``vectors.usearch`` when its stamp matches them), kept in
        step with adds and removes, and saved again on close.
        """
        vs = self._vecs
        if not len(vs.ids):
            return []
        if len(vs.ids) >= self.ann_min_docs:
            return self._graph.search(self._current_vectors, vec, k)
        return vs.nearest(vec, k)

    def _current_vectors(self) -> _Vectors:
        """The document vectors as they are now (for the graph, which reads them where it uses
        them)."""
        return self._vecs

    def terms(self) -> Terms:
        """The bigram term table (see :mod:`xigao.terms`), kept in step with writes: loaded
        from ``terms.npz`` where its stamp matches the stored texts, otherwise derived from
        them (about 4 s at 36,000 originals) and saved there for the next process."""
        terms = self._terms
        if terms is None:
            # no add may commit between reading the texts and keeping them
            with self._rw.shared(), self._load_lock:
                if self._terms is None:
                    stamp, gen = self._terms_stamp(), self._generation()
                    got = Terms.load(self.path / TERMS_FILE, [*stamp, gen])
                    if got is None:
                        with self._snapshot() as con:
                            gen = self._generation(con)
                            rows = con.execute("SELECT rowid, body FROM docs").fetchall()
                        ids = [r for r, _ in rows]
                        got = Terms.of(ids, _keys([b for _, b in rows]))
                        # stamped with what was read (another process may have written since)
                        read = [NORMALIZER_VERSION, len(ids), max(ids, default=0), sum(ids)]
                        if not self._readonly:
                            got.save(self.path / TERMS_FILE, [*read, gen])
                        stamp = read
                    self._terms, self._terms_dirty, self._terms_held = got, False, stamp
                    self._terms_gen = gen
                terms = self._terms
        return terms

    def _terms_moved(self, added: Sequence[int], gone: Iterable[int]) -> None:
        """Keep the stamp of the table in memory in step with rows added and removed here (a
        write by another process leaves it behind what is stored, so a table saved with it is
        derived again by whoever opens the index next)."""
        version, n, top, total = self._terms_held
        gone = list(gone)
        self._terms_held = [
            version,
            n + len(added) - len(gone),
            max([top, *added]),
            total + sum(added) - sum(gone),
        ]
        self._terms_dirty = True

    def _terms_stamp(self) -> list[int]:
        """What the term table is derived from: the normalizer, and the stored documents (row
        ids are never reused, so their count, largest and sum identify them)."""
        n, top, total = (
            self._con()
            .execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0), COALESCE(SUM(rowid), 0) FROM docs")
            .fetchone()
        )
        return [NORMALIZER_VERSION, int(n), int(top), int(total)]

    def prepare_lookup(self) -> None:
        """Derive the fingerprint and band postings now (a service, before its first check),
        not on first use: as a check reads the index (:meth:`reading`), so that they hold the
        state the checks under way read (diff review 17)."""
        with self.reading():
            _ = self._lookup

    def prepare_ann(self) -> bool:
        """Load (or build and save) the HNSW graph now if this index is large enough to use
        one, so the first check does not pay for it. Returns whether it uses one."""
        if len(self._vecs.ids) < self.ann_min_docs:
            return False
        self._graph.prepare(self._current_vectors)
        return True

    def documents(self, rowids: Sequence[int]) -> dict[int, Document]:
        """Fetch documents by row id."""
        if not rowids:
            return {}
        marks = ",".join("?" * len(rowids))
        cur = self._con().execute(
            f"SELECT rowid, id, title, body, meta FROM docs WHERE rowid IN ({marks})",
            list(rowids),
        )
        return {r: Document(i, b, t, {} if m == "{}" else json.loads(m)) for r, i, t, b, m in cur}

    def get(self, doc_id: str) -> Document | None:
        cur = self._con().execute("SELECT id, title, body, meta FROM docs WHERE id = ?", (doc_id,))
        row = cur.fetchone()
        return None if row is None else Document(row[0], row[2], row[1], json.loads(row[3]))

    def fingerprint_df(self, fps: U32) -> npt.NDArray[np.int64]:
        """How many postings (indexed documents, give or take a repeat) each fingerprint of
        ``fps`` has."""
        return self._lookup.fingerprint_df(fps)

    def rowid(self, doc_id: str) -> int | None:
        """The row id of document ``doc_id`` (None when it is not indexed)."""
        row = self._con().execute("SELECT rowid FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else int(row[0])

    def ids(self) -> Iterator[str]:
        for (doc_id,) in self._con().execute("SELECT id FROM docs ORDER BY rowid"):
            yield doc_id

    def info(self) -> dict[str, Any]:
        con = self._con()
        n, chars = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM docs"
        ).fetchone()
        sk = con.execute(
            "SELECT COALESCE(SUM(LENGTH(minhash) + LENGTH(fps) + LENGTH(fpos)), 0) FROM sketches"
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
            "genre": self.genre,
            "settings": self.config.to_dict(),
        }


#: Seconds a connection waits for another process's write to end (``sqlite3.connect``'s
#: ``timeout``), unless a write asks for less (``wait``).
BUSY_WAIT = 60.0


def _begin_write(con: sqlite3.Connection, wait: float | None) -> None:
    """Begin a write transaction on ``con``, waiting ``wait`` seconds at most (default
    ``BUSY_WAIT``) for another process's write to end."""
    con.execute(f"PRAGMA busy_timeout = {int(1000 * (BUSY_WAIT if wait is None else wait))}")
    try:
        con.execute("BEGIN IMMEDIATE")
    finally:
        con.execute(f"PRAGMA busy_timeout = {int(1000 * BUSY_WAIT)}")


def write_trouble(exc: BaseException) -> str | None:
    """Which of SQLite's errors ``exc`` is, of those a caller can act on: ``"busy"`` (another
    process holds the index's write lock: retry later) or ``"full"`` (the disk holding the
    index is full); None for any other error.

    >>> [write_trouble(sqlite3.OperationalError(m)) for m in ("database is locked", "database or disk is full", "no such table: meta")]
    ['busy', 'full', None]
    """
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    said = str(exc)
    if "locked" in said or "busy" in said:
        return "busy"
    return "full" if "full" in said else None


#: Row ids a query names at most (SQLite's host parameters are limited: 32,766 by default).
ROWS_PER_QUERY = 500


def _rows_of(
    con: sqlite3.Connection, columns: str, table: str, rowids: Sequence[int] | None
) -> Iterator[tuple[Any, ...]]:
    """``columns`` of ``table``'s rows ``rowids`` (none for None), ``ROWS_PER_QUERY`` at a
    time."""
    ids = list(rowids or ())
    for at in range(0, len(ids), ROWS_PER_QUERY):
        part = ids[at : at + ROWS_PER_QUERY]
        marks = ",".join("?" * len(part))
        yield from con.execute(f"SELECT {columns} FROM {table} WHERE rowid IN ({marks})", part)


def _delete(con: sqlite3.Connection, rowid: int) -> None:
    for table in ("vectors", "sketches", "docs"):
        con.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))


def _sketched(
    batches: Iterable[list[Document]], config: SketchConfig, workers: int
) -> Iterator[tuple[list[Document], list[Sketch]]]:
    """Each batch with its sketches, in order.

    With ``workers`` > 1 and more than one batch, a pool of that many forked processes
    normalizes the texts (the costly, pure-Python step), at most ``2 * workers`` batches
    ahead so memory stays bounded, and this process hashes them. The workers never call
    rensa, whose thread pool does not survive a fork.
    """

    def sketches(keys: list[str]) -> list[Sketch]:
        return [sk for sk, _ in sketch_keys_many(keys, config)]

    it = iter(batches)
    head = list(itertools.islice(it, 2))
    if workers <= 1 or len(head) < 2 or "fork" not in mp.get_all_start_methods():
        for batch in itertools.chain(head, it):  # one batch is not worth starting processes
            yield batch, sketches(_keys([d.body for d in batch]))
        return
    # build the normalizer's tables and its Taiwan words' reader (a jieba of its own) once,
    # before forking: workers inherit them
    normalize("資訊。")
    with ProcessPoolExecutor(
        workers,
        mp_context=mp.get_context("fork"),
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[tuple[list[Document], Future[list[str]]]] = deque()
        for batch in itertools.chain(head, it):
            pending.append((batch, pool.submit(_keys, [d.body for d in batch])))
            if len(pending) >= 2 * workers:
                done, fut = pending.popleft()
                yield done, sketches(fut.result())
        while pending:
            done, fut = pending.popleft()
            yield done, sketches(fut.result())


def _batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


#: What marks a folder as an index, local (its database) or Parquet (its meta file).
INDEX_MARKS = (DB_NAME, "meta.json")


def is_index_dir(path: Path) -> bool:
    """``path`` is a folder holding an index, local or Parquet: the only kind of folder a
    build or a conversion may replace."""
    return any((path / mark).is_file() for mark in INDEX_MARKS)


def check_replaceable(dest: Path) -> None:
    """Raise ``FileExistsError`` when ``dest`` is a folder holding files but no index: a
    mistyped path (``--index .``, the folder of the inputs) must not lose what it holds."""
    if dest.is_dir() and any(dest.iterdir()) and not is_index_dir(dest):
        raise FileExistsError(
            f"{dest} holds files and no xigao index; write the index to a new or empty "
            "folder (only an index is ever replaced)"
        )
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} is a file, not a folder for an index")


def replace_dir(tmp: Path, dest: Path) -> None:
    """Move a freshly built index directory into place (an existing index is replaced;
    a folder of other files never is: :func:`check_replaceable`)."""
    check_replaceable(dest)
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, old / dest.name)
        os.replace(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, dest)


def read_only(db: Path, *, immutable: bool = False) -> tuple[sqlite3.Connection, bool]:
    """A read-only connection to the database ``db``, and whether it reads it as immutable:
    plainly read-only, which sees what a writer elsewhere commits (its ``-wal`` included),
    unless ``immutable`` is asked or SQLite cannot read the database so (a WAL database on
    storage where its ``-shm`` file cannot be made); immutable then, reading the file as it is
    (no ``-wal``, no lock)."""
    if not immutable:
        con = sqlite3.connect(db_uri(db, "ro"), uri=True, check_same_thread=False)
        try:
            con.execute("SELECT 1 FROM meta LIMIT 1").fetchall()
            return con, False
        except sqlite3.OperationalError:
            con.close()
    con = sqlite3.connect(db_uri(db, "ro", immutable=True), uri=True, check_same_thread=False)
    return con, True


def db_uri(db: Path, mode: str, immutable: bool = False) -> str:
    """The SQLite URI of the database file ``db`` opened in ``mode`` (``ro``, ``rw``), or as
    ``immutable`` (on read-only storage: no lock, no ``-shm`` file): its path escaped, so that
    a folder named with ``?``, ``#`` or ``%`` is that folder.

    >>> db_uri(Path("/data/a b?#%/index.sqlite"), "ro")
    'file:/data/a%20b%3F%23%25/index.sqlite?mode=ro'
    """
    flag = "&immutable=1" if immutable else ""
    return f"file:{urllib.parse.quote(os.fsencode(db.absolute()))}?mode={mode}{flag}"


def writable(folder: Path) -> bool:
    """Whether this process may write in ``folder`` (where an index's database is)."""
    return os.access(folder, os.W_OK)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode), None when there is none (or it cannot be
    read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _read_uid(db: Path) -> str | None:
    """The ``uid`` the database ``db`` was created with (None: built before indexes had one,
    or not readable)."""
    try:
        con = sqlite3.connect(db_uri(db, "ro"), uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'uid'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _stored_db(path: str | os.PathLike[str]) -> Path:
    """The database of the local index at ``path``, whatever xigao built it."""
    db = Path(path) / DB_NAME
    if not db.is_file():  # (a Parquet index is built anew from its sources, on Spark)
        raise IndexFormatError(
            f"no local index at {path} (missing {DB_NAME}); a Parquet index is built anew "
            "with `xigao index build --engine spark` from its sources"
        )
    return db


def _meta(con: sqlite3.Connection) -> dict[str, str]:
    return dict(con.execute("SELECT key, value FROM meta").fetchall())


def stored_settings(path: str | os.PathLike[str]) -> tuple[dict[str, str], int]:
    """The settings (``meta``) and the number of originals stored in the index at ``path``,
    read whatever xigao built it (no version is checked): what ``xigao index info`` says of an
    index this xigao cannot open."""
    db = _stored_db(path)
    try:
        con, _ = read_only(db)
        try:
            meta = _meta(con)
            n = int(con.execute("SELECT COUNT(*) FROM docs").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise IndexFormatError(f"{db} is not a readable xigao index: {e}") from e
    return meta, n


def stored_originals(path: str | os.PathLike[str]) -> Iterator[Document]:
    """The originals stored in the index at ``path`` as they were added (id, title, body and
    meta), in the order they were added, whatever xigao built it (read-only; see
    :func:`held_originals` for a rebuild)."""
    con, _ = read_only(_stored_db(path))
    try:
        yield from _documents(con)
    except sqlite3.DatabaseError as e:
        raise IndexFormatError(f"{path} is not a readable xigao index: {e}") from e
    finally:
        con.close()


@contextlib.contextmanager
def held_originals(
    path: str | os.PathLike[str],
) -> Iterator[tuple[dict[str, str], Iterator[Document]]]:
    """The settings and originals of the index at ``path`` (:func:`stored_originals`), read
    with its write lock held until the block ends: another process's add or remove waits, and
    says the index is busy, rather than be lost to (or undone by) the index built anew from
    them (:meth:`xigao.Index.rebuild`; diff review 14). An index of a newer format or
    normalizer is refused: built anew here, it would lose what the newer xigao stored."""
    db = _stored_db(path)
    try:
        con = sqlite3.connect(db_uri(db, "rw"), uri=True, timeout=BUSY_WAIT, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")  # (the write lock: readers go on)
        meta = _meta(con)
    except sqlite3.DatabaseError as e:
        raise IndexFormatError(f"the index at {path} cannot be rebuilt now: {e}") from e
    try:
        for key, ours in (
            ("format_version", FORMAT_VERSION),
            ("normalizer_version", NORMALIZER_VERSION),
        ):
            if _newer(theirs := meta.get(key), ours):
                raise IndexFormatError(
                    f"index at {path} has {key.replace('_', ' ')} {theirs}, this xigao {ours}: "
                    "a newer xigao built it; upgrade xigao to use it"
                )
        yield meta, _documents(con)
    finally:
        con.rollback()
        con.close()


def _documents(con: sqlite3.Connection) -> Iterator[Document]:
    for doc_id, title, body, meta in con.execute(
        "SELECT id, title, body, meta FROM docs ORDER BY rowid"
    ):
        yield Document(doc_id, body, title, json.loads(meta or "{}"))
