"""Retrieval: the in-memory lookups derived from an index's stored sketches and vectors, and
the searches over them (which originals a check looks at).

The stored sketches (winnowed fingerprints and MinHash signatures, :mod:`xigao.storage`) are
the source of truth; the lookup tables (sorted fingerprint postings with their key positions,
LSH band keys) are derived from them when the index is opened and updated in memory on every
add or remove. Likewise the document vectors, searched by the cosine of the vectors centred
on their mean (exact here; :mod:`xigao.ann` holds the HNSW graph a large index uses). Both are
immutable and replaced as a whole, so readers always see a consistent one. Pure numpy: no
SQLite, nothing on disk.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, cast

import numpy as np
import numpy.typing as npt

from xigao.normalize import Normalized, normalize
from xigao.sketch import U32, SketchConfig, band_keys, codepoints, fingerprints, kgram_hashes
from xigao.terms import load_stamped, merge_sorted, row_ids, save_stamped, stable_argsort

I64 = npt.NDArray[np.int64]
#: Version of a saved lookup (:meth:`_Lookup.save`); a file of another is derived again.
LOOKUP_FORMAT = 1


class _Sketched(Protocol):
    """What the lookups read of a stored sketch (:class:`xigao.storage.Sketch`)."""

    @property
    def minhash(self) -> U32: ...
    @property
    def fps(self) -> U32: ...
    @property
    def fpos(self) -> U32: ...


def _rowids(rowids: Sequence[int] | npt.NDArray[np.int64]) -> U32:
    """Row ids as the lookups hold them, in 32 bits (SQLite's grow one at a time from 1): the
    candidates' sort packs a row id and an offset into one 64-bit value, so none may be wider."""
    ids = row_ids(np.asarray(rowids, dtype=np.int64))
    if ids.dtype != np.uint32:
        raise ValueError("row ids past 2**32: rebuild the index, which numbers its rows anew")
    return cast(U32, ids)


class SketchChunk(NamedTuple):
    """The sketches of some rows, each kind of array end to end (as a store reads them)."""

    ids: npt.NDArray[np.int64]
    minhash: U32  #: shape ``(rows, num_perm)``
    fps: U32
    fpos: U32
    counts: npt.NDArray[np.int64]  #: fingerprints of each row

    @classmethod
    def of(cls, rows: Sequence[tuple[int, _Sketched]]) -> SketchChunk:
        return cls(
            np.asarray([r for r, _ in rows], np.int64),
            np.stack([s.minhash for _, s in rows]),
            np.concatenate([s.fps for _, s in rows]),
            np.concatenate([s.fpos for _, s in rows]),
            np.asarray([len(s.fps) for _, s in rows], np.int64),
        )


def _postings_of(
    chunk: SketchChunk, bands: int
) -> tuple[U32, U32, U32, npt.NDArray[np.uint64], U32]:
    """The unsorted postings of ``chunk``: fingerprint keys, their rows and key positions,
    then band keys and their rows."""
    ids = _rowids(chunk.ids)
    bk = band_keys(chunk.minhash, bands).ravel()
    return chunk.fps, np.repeat(ids, chunk.counts), chunk.fpos, bk, np.repeat(ids, bands)


class _Filled:
    """Parallel arrays filled end to end, allocated once to the size expected (and grown,
    should more come): a table made without its parts and their concatenation at once."""

    def __init__(self, dtypes: Sequence[type], n: int) -> None:
        self.arrays: list[np.ndarray] = [np.empty(n, d) for d in dtypes]
        self.n = 0

    def add(self, *parts: np.ndarray) -> None:
        end = self.n + len(parts[0])
        if end > len(self.arrays[0]):
            self.arrays = [np.resize(a, max(end, 2 * len(a))) for a in self.arrays]
        for a, part in zip(self.arrays, parts, strict=True):
            a[self.n : end] = part
        self.n = end

    def done(self) -> list[np.ndarray]:
        return [a if len(a) == self.n else a[: self.n].copy() for a in self.arrays]


def lookup_max_df(size: int) -> int:
    """The most postings a key read by a lookup of ``size`` documents has (more: skipped)."""
    return max(64, size // 200)


@dataclass(frozen=True, slots=True)
class _Lookup:
    """Immutable lookup tables; replaced as a whole so readers always see a consistent one."""

    fp_keys: U32 = field(default_factory=lambda: np.zeros(0, np.uint32))
    #: row ids as 32 bits (:func:`_rowids`): 4 bytes a posting, where 64-bit ones took 8
    fp_docs: U32 = field(default_factory=lambda: np.zeros(0, np.uint32))
    fp_pos: U32 = field(default_factory=lambda: np.zeros(0, np.uint32))
    band_keys: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    band_docs: U32 = field(default_factory=lambda: np.zeros(0, np.uint32))
    size: int = 0
    #: where each bucket of keys starts (:class:`_Buckets`), derived from the keys
    fp_buckets: _Buckets = field(init=False, repr=False, compare=False)
    band_buckets: _Buckets = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fp_buckets", _Buckets.of(self.fp_keys))
        object.__setattr__(self, "band_buckets", _Buckets.of(self.band_keys))

    #: the tables a saved lookup holds (:meth:`save`)
    _SAVED = ("fp_keys", "fp_docs", "fp_pos", "band_keys", "band_docs", "size")
    _DTYPES = (np.uint32, np.uint32, np.uint32, np.uint64, np.uint32, np.int64)

    def save(self, path: str | os.PathLike[str], stamp: Sequence[int]) -> bool:
        """Write the tables to ``path`` with ``stamp`` (see :func:`xigao.terms.save_stamped`):
        12 bytes a fingerprint and a band key, read back in a fraction of the time it takes to
        derive them from the stored sketches (which also need a sort order's 8 bytes a
        fingerprint more at their peak)."""
        arrays = {n: np.asarray(getattr(self, n)) for n in self._SAVED}
        return save_stamped(path, [LOOKUP_FORMAT, *stamp], "postings", **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str], stamp: Sequence[int]) -> _Lookup | None:
        """The lookup :meth:`save` wrote to ``path`` with ``stamp``, or None (derive it)."""
        got = load_stamped(path, [LOOKUP_FORMAT, *stamp], "postings", cls._SAVED)
        if got is None:
            return None
        fk, fd, fp, bk, bd, size = got
        if [a.dtype for a in got] != [np.dtype(d) for d in cls._DTYPES] or not (
            len(fk) == len(fd) == len(fp) and len(bk) == len(bd) and size.shape == ()
        ):
            return None
        return cls(fk, fd, fp, bk, bd, int(size))

    def without(self, rowids: Iterable[int]) -> _Lookup:
        gone = np.fromiter(rowids, dtype=np.int64)
        if not len(gone):
            return self
        kf = ~np.isin(self.fp_docs, gone)
        kb = ~np.isin(self.band_docs, gone)
        size = self.size - int(np.isin(gone, self.band_docs).sum())
        return _Lookup(
            self.fp_keys[kf],
            self.fp_docs[kf],
            self.fp_pos[kf],
            self.band_keys[kb],
            self.band_docs[kb],
            size,
        )

    @classmethod
    def of(
        cls, chunks: Iterable[SketchChunk], bands: int, *, rows: int = 0, postings: int = 0
    ) -> _Lookup:
        """The lookup of the rows in ``chunks`` (a store's sketches, read a chunk at a time),
        equal to ``_Lookup().plus(all rows)``; ``rows`` and ``postings``: how many rows and
        fingerprints are expected (the tables are allocated for them once). Its peak memory is
        the tables' and one sort order's (8 bytes a posting)."""
        fps = _Filled([np.uint32, np.uint32, np.uint32], postings)
        bnd = _Filled([np.uint64, np.uint32], rows * bands)
        size = 0
        for chunk in chunks:
            size += len(chunk.ids)
            fk, fd, fp, bk, bd = _postings_of(chunk, bands)
            fps.add(fk, fd, fp)
            bnd.add(bk, bd)
        if not size:
            return cls()
        fk, fd, fp = fps.done()
        bk, bd = bnd.done()
        del fps, bnd
        # each sorted copy made in place of its unsorted one
        order = stable_argsort(fk)
        fk = fk[order]
        fd = fd[order]
        fp = fp[order]
        order = stable_argsort(bk)
        bk = bk[order]
        bd = bd[order]
        del order
        return cls(fk, fd, fp, bk, bd, size)

    def plus(self, rows: Sequence[tuple[int, _Sketched]], bands: int) -> _Lookup:
        if not rows:
            return self
        fk, fd, fp, bk, bd = _postings_of(SketchChunk.of(rows), bands)
        fp_keys, (fp_docs, fp_pos) = merge_sorted(
            self.fp_keys, (self.fp_docs, self.fp_pos), fk, (fd, fp)
        )
        b_keys, (b_docs,) = merge_sorted(self.band_keys, (self.band_docs,), bk, (bd,))
        return _Lookup(fp_keys, fp_docs, fp_pos, b_keys, b_docs, self.size + len(rows))

    def candidates(
        self, fps: U32, fpos: U32, sig: U32, bands: int, *, limit: int, min_hits: int
    ) -> list[Candidate]:
        """Originals sharing at least ``min_hits`` fingerprints with the query (``fps`` at key
        positions ``fpos``): the ``limit`` best by :attr:`Candidate.diagonal` and the ``limit``
        best by :attr:`Candidate.hits`, in that order; then those sharing an LSH band
        (of ``bands`` bands)."""
        lk = self
        max_df = lk.max_df
        at, q = lk.fp_buckets.postings(fps, max_df)
        ids = hits = diagonal = np.zeros(0, np.int64)
        if len(at):
            # one sort of (original, offset) pairs gives both measures: postings per original
            # (hits) and the most on one offset (diagonal); row ids and offsets fit 32 bits
            pairs = lk.fp_docs[at].astype(np.int64) << 32
            pairs += lk.fp_pos[at]
            pairs -= fpos[q].astype(np.int64)
            pairs += 1 << 31  # offsets from -2**31 on: now all of them in [0, 2**32)
            pairs.sort()
            ids, hits, diagonal = _per_owner(pairs)
        bk = band_keys(sig[None, :], bands).ravel()
        at, _ = lk.band_buckets.postings(bk, max_df)
        lsh = lk.band_docs[at].tolist()
        return select_candidates(ids, hits, diagonal, lsh, limit=limit, min_hits=min_hits)

    def candidates_many(
        self,
        queries: Sequence[tuple[U32, U32, U32]],
        bands: int,
        *,
        limits: Sequence[int],
        min_hits: int,
    ) -> list[list[Candidate]]:
        """:meth:`candidates` of each query ``(fps, fpos, sig)`` with its own limit, the same
        lists, found in one pass: one lookup of all their fingerprints and one sort of all
        their (query, original, offset) triples, so that numpy's cost per call, most of a
        single query's lookup, is paid once for the batch."""
        n = len(queries)
        if n == 0:
            return []
        lk = self
        max_df = lk.max_df
        lens = np.fromiter((len(f) for f, _, _ in queries), np.int64, n)
        fps = np.concatenate([np.asarray(f, np.uint32) for f, _, _ in queries])
        fpos = np.concatenate([np.asarray(p, np.uint32) for _, p, _ in queries])
        at, q = lk.fp_buckets.postings(fps, max_df)
        empty = np.zeros(0, np.int64)
        found: list[tuple[I64, I64, I64]] = [(empty, empty, empty)] * n
        if len(at):
            rows = lk.fp_docs[at].astype(np.int64)
            row_bits = max(1, int(rows.max()).bit_length())
            shift = 32 + row_bits
            if shift + max(1, (n - 1).bit_length()) > 63:  # row ids too wide to pack: one by one
                return [
                    lk.candidates(f, p, s, bands, limit=lim, min_hits=min_hits)
                    for (f, p, s), lim in zip(queries, limits, strict=True)
                ]
            # as in :meth:`candidates`, with the query's number above the original's row id
            query_of = np.repeat(np.arange(n, dtype=np.int64), lens)[q]
            pairs = rows << 32
            pairs += lk.fp_pos[at]
            pairs -= fpos[q].astype(np.int64)
            pairs += 1 << 31
            pairs += query_of << shift
            pairs.sort()
            keys, hits, diagonal = _per_owner(pairs)  # keys: (query, original)
            ids = keys & ((1 << row_bits) - 1)
            cut = np.searchsorted(keys >> row_bits, np.arange(n + 1)).tolist()
            found = [(ids[a:b], hits[a:b], diagonal[a:b]) for a, b in itertools.pairwise(cut)]
        sigs = np.stack([np.asarray(s, np.uint32) for _, _, s in queries])
        at, qb = lk.band_buckets.postings(band_keys(sigs, bands).ravel(), max_df)
        lsh = lk.band_docs[at].tolist()
        cut = np.searchsorted(qb // bands, np.arange(n + 1)).tolist()  # qb ascends
        return [
            select_candidates(
                *found[i], lsh[cut[i] : cut[i + 1]], limit=limits[i], min_hits=min_hits
            )
            for i in range(n)
        ]

    def fingerprint_df(self, fps: U32) -> npt.NDArray[np.int64]:
        """How many postings (indexed documents, give or take a repeat) each fingerprint of
        ``fps`` has."""
        keys = self.fp_keys
        return np.searchsorted(keys, fps, "right") - np.searchsorted(keys, fps, "left")

    @property
    def max_df(self) -> int:
        """The most postings a key read by a lookup has: keys held more often (boilerplate,
        formulae) are skipped."""
        return lookup_max_df(self.size)


@dataclass(frozen=True, slots=True)
class _Vectors:
    """Document vectors for rewrite candidates (exact cosine search; replaced as a whole).

    Similarity is the cosine of the vectors *centred* on their mean: the mean is what every
    CCTV story shares (the common component of sentence-embedding averages, as in SIF), and
    with it removed, the original of a heavy rewrite (40% of its words swapped) is among the
    five nearest for 84% of the fitting cases instead of 74%.
    """

    ids: I64
    mat: npt.NDArray[np.float32]  #: unit vectors as stored
    mean: npt.NDArray[np.float32]
    #: per vector: its dot product with ``mean`` and the norm of its centred form
    dot_mean: npt.NDArray[np.float32]
    centred_norm: npt.NDArray[np.float32]

    @classmethod
    def of(
        cls, ids: I64, mat: npt.NDArray[np.float32], *, mean: npt.NDArray[np.float32] | None = None
    ) -> _Vectors:
        """The vectors of rows ``ids``, kept in row-id order (searched by row id), centred on
        their own mean, or on ``mean`` (that of all the originals, for a block of them)."""
        if len(ids) > 1 and not bool((np.diff(ids) > 0).all()):
            order = np.argsort(ids, kind="stable")
            ids, mat = ids[order], mat[order]
        mat = mat.astype(np.float32, copy=False)
        if mean is None:
            mean = mat.mean(axis=0) if len(mat) else np.zeros(mat.shape[1], np.float32)
        dot = mat @ mean
        sq = (mat * mat).sum(axis=1) - 2 * dot + float(mean @ mean)
        return cls(ids, mat, mean, dot, np.sqrt(np.maximum(sq, 0.0)).astype(np.float32))

    @classmethod
    def empty(cls, dim: int) -> _Vectors:
        return cls.of(np.zeros(0, np.int64), np.zeros((0, dim), np.float32))

    def without(self, rowids: Iterable[int]) -> _Vectors:
        gone = np.fromiter(rowids, dtype=np.int64)
        if not len(gone):
            return self
        keep = ~np.isin(self.ids, gone)
        return _Vectors.of(self.ids[keep], self.mat[keep])

    def plus(self, rowids: Sequence[int], vecs: npt.NDArray[np.float32]) -> _Vectors:
        if not len(rowids):
            return self
        return _Vectors.of(
            np.concatenate([self.ids, np.asarray(rowids, np.int64)]),
            np.vstack([self.mat, vecs.astype(np.float32)]),
        )

    def centred_cosine(
        self, vec: npt.NDArray[np.float32], at: npt.NDArray[np.int64] | None = None
    ) -> npt.NDArray[np.float32]:
        """Cosine of ``vec`` and the vectors (those at positions ``at``), both centred."""
        mat = self.mat if at is None else self.mat[at]
        dot = self.dot_mean if at is None else self.dot_mean[at]
        norm = self.centred_norm if at is None else self.centred_norm[at]
        q = vec.astype(np.float32) - self.mean
        qn = float(np.linalg.norm(q))
        # (v - m)·(q - m) = v·q - v·m - m·q + m·m, with the norms of v - m precomputed
        num = (
            mat @ vec.astype(np.float32)
            - dot
            - float(self.mean @ vec)
            + float(self.mean @ self.mean)
        )
        den = norm * qn
        return np.divide(num, den, out=np.zeros_like(num), where=den > 1e-6)

    def nearest(self, vec: npt.NDArray[np.float32], k: int) -> list[tuple[int, float]]:
        """The ``k`` vectors closest to ``vec`` by the centred cosine, exactly (not empty)."""
        sims = self.centred_cosine(vec)
        k = min(k, len(sims))
        top = np.argpartition(sims, len(sims) - k)[len(sims) - k :]  # (no negated copy)
        top = top[np.argsort(-sims[top])]
        return [(int(self.ids[i]), float(sims[i])) for i in top]


def _per_owner(pairs: I64) -> tuple[I64, I64, I64]:
    """Of sorted ``pairs`` (an owner above bit 32, an offset below), each owner, how many
    pairs it has (hits) and the most on one offset (diagonal), owners ascending."""
    # where a new pair starts, and where a new owner does (the end: one past)
    n = len(pairs)
    new_pair = np.empty(n + 1, dtype=np.bool_)
    new_pair[0] = new_pair[n] = True
    np.not_equal(pairs[1:], pairs[:-1], out=new_pair[1:n])
    starts = new_pair.nonzero()[0]
    counts = np.diff(starts)
    owner = pairs[starts[:-1]] >> 32
    new_owner = np.empty(len(owner), dtype=np.bool_)
    new_owner[0] = True
    np.not_equal(owner[1:], owner[:-1], out=new_owner[1:])
    first = new_owner.nonzero()[0]
    return owner[first], np.add.reduceat(counts, first), np.maximum.reduceat(counts, first)


def select_candidates(
    ids: I64,
    hits: I64,
    diagonal: I64,
    lsh: Iterable[int],
    *,
    limit: int,
    min_hits: int,
) -> list[Candidate]:
    """The candidates a check keeps of the originals ``ids`` (ascending) sharing ``hits``
    fingerprints with it, ``diagonal`` of them on one offset, and of those sharing an LSH band
    (``lsh``): the ``limit`` best by diagonal (then hits), the ``limit`` best by hits, in that
    order (ties to the lower row id), then the ``limit`` lowest row ids found by a band
    (those not already in). Both engines keep their candidates with it."""
    ok = (hits >= min_hits).nonzero()[0]
    by_diag = ok[np.lexsort((-hits[ok], -diagonal[ok]))][:limit]
    by_hits = ok[np.argsort(-hits[ok], kind="stable")][:limit]
    chosen = list(dict.fromkeys(by_diag.tolist() + by_hits.tolist()))
    id_l, hit_l, diag_l = ids.tolist(), hits.tolist(), diagonal.tolist()
    out = [Candidate(id_l[i], hit_l[i], False, diag_l[i]) for i in chosen]
    seen = {c.rowid for c in out}
    # few: a set is cheaper than np.unique
    out.extend(Candidate(r, 0, True) for r in sorted(set(lsh))[:limit] if r not in seen)
    return out


def passage_fingerprints(body: str, spans: Iterable[tuple[int, int]], config: SketchConfig) -> U32:
    """The winnowed fingerprints of ``body`` that start inside the raw ``spans`` (end
    exclusive): what :meth:`xigao.Index.passage_df` counts in the index."""
    return fingerprints_in(normalize(body), spans, config)


def fingerprints_in(
    norm: Normalized, spans: Iterable[tuple[int, int]], config: SketchConfig
) -> U32:
    """:func:`passage_fingerprints` of a text already normalized (``norm``)."""
    fps, raw = raw_fingerprints(norm, config)
    inside = np.zeros(len(fps), dtype=bool)
    for s, e in spans:
        inside |= (raw >= s) & (raw < e)
    return fps[inside]


def raw_fingerprints(norm: Normalized, config: SketchConfig) -> tuple[U32, npt.NDArray[np.int64]]:
    """The winnowed fingerprints of a normalized text, and where each starts in the text as
    given."""
    key = norm.key()
    if len(key.chars) < config.k:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    fps, pos = fingerprints(kgram_hashes(codepoints(key.chars), config.k), config.window)
    return fps, norm.starts[key.pos[pos.astype(np.int64)]].astype(np.int64)


def held_median(counts: npt.NDArray[np.int64] | Sequence[int]) -> float:
    """How many indexed documents hold a passage: the median count of its fingerprints that
    any holds (0 when none does). A fingerprint no original holds is of the suspect's own
    words, which say nothing of how common the text it shares is (black-box review 19: a
    template's clause run across a new official's name, 周立新, counted as held once, so a
    new 开除党籍 notice was a partial copy of sixteen old ones).

    >>> held_median([0, 0, 0, 30, 31, 33]), held_median([0, 1, 1]), held_median([0, 0])
    (31.0, 1.0, 0.0)
    """
    got = np.asarray(counts, np.int64)
    held = got[got > 0]
    return float(np.median(held)) if held.size else 0.0


def passage_dfs(
    norm: Normalized,
    spans: Iterable[tuple[int, int]],
    config: SketchConfig,
    df_of: Callable[[U32], npt.NDArray[np.int64]],
) -> list[float]:
    """For each raw span (end exclusive) of a normalized text, the median number of indexed
    documents holding the fingerprints that start inside it and are held at all
    (:func:`held_median`; ``df_of``: each fingerprint's count; 0 for a span that holds none):
    :meth:`xigao.Index.passage_df` of each passage on its own, the text's fingerprints made and
    looked up once."""
    fps, raw = raw_fingerprints(norm, config)
    counts = df_of(fps)
    return [held_median(counts[(raw >= s) & (raw < e)]) for s, e in spans]


#: keys given their bucket numbers at a time when buckets are counted
_BUCKET_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class _Buckets:
    """Sorted hash keys (uniform over their bits) with where each bucket of them starts, the
    buckets being the keys' leading bits, about four keys to a bucket: a lookup reads one
    bucket's keys, a few cache lines, where a binary search over millions of keys misses the
    cache at every step (:func:`_postings`, the reference it must agree with)."""

    keys: np.ndarray
    shift: int
    starts: I64  #: bucket b holds ``keys[starts[b]:starts[b + 1]]``

    #: a bucket holding more keys than this (a key shared by many documents) is searched
    BIG = 64

    @classmethod
    def of(cls, keys: np.ndarray) -> _Buckets:
        width = keys.dtype.itemsize * 8
        bits = min(22, max(4, (len(keys) // 4).bit_length()))
        shift = width - bits
        counts = np.zeros(1 << bits, np.int64)
        for at in range(0, len(keys), _BUCKET_CHUNK):  # (a bucket number a key, a chunk at once)
            got = (keys[at : at + _BUCKET_CHUNK] >> keys.dtype.type(shift)).astype(np.intp)
            counts += np.bincount(got, minlength=1 << bits)
        starts = np.zeros((1 << bits) + 1, np.int64)
        np.cumsum(counts, out=starts[1:])
        return cls(keys, shift, starts)

    def postings(self, query: np.ndarray, max_df: int) -> tuple[I64, I64]:
        """As :func:`_postings` over ``keys``: ``(at, q)``, the index of every matching
        posting and of the query element it matched, skipping keys of more than ``max_df``."""
        query = np.asarray(query, dtype=self.keys.dtype)
        b = (query >> self.keys.dtype.type(self.shift)).astype(np.intp)
        lo = self.starts[b]
        n = self.starts[b + 1] - lo
        big = n > self.BIG
        if big.any():  # rare: search those buckets, read the rest
            at_b, q_b = _postings(self.keys, query[big], max_df)
            n = np.where(big, 0, n)
        total = int(n.sum())
        if total:
            q = np.repeat(np.arange(len(query)), n)
            at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(total)
            hit = self.keys[at] == query[q]
            at, q = at[hit], q[hit]
            df = np.bincount(q, minlength=len(query))
            keep = df[q] <= max_df
            at, q = at[keep], q[keep]
        else:
            at = q = np.zeros(0, np.int64)
        if big.any():
            q_b = np.flatnonzero(big)[q_b]
            order = np.argsort(np.concatenate([q, q_b]), kind="stable")
            at, q = np.concatenate([at, at_b])[order], np.concatenate([q, q_b])[order]
        return at, q


def _postings(keys: np.ndarray, query: np.ndarray, max_df: int) -> tuple[I64, I64]:
    """Where each ``query`` key occurs in the sorted ``keys``: ``(at, q)``, the index of every
    matching posting and of the query element it matched. Keys with more than ``max_df``
    postings (boilerplate, formulae) are skipped."""
    lo = np.searchsorted(keys, query, "left")
    n = np.searchsorted(keys, query, "right") - lo
    q = np.flatnonzero((n > 0) & (n <= max_df))
    lo, n = lo[q], n[q]
    if not len(n):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum())), np.repeat(q, n)


@dataclass(frozen=True, slots=True)
class Candidate:
    rowid: int
    hits: int  #: fingerprint occurrences shared with the query
    lsh: bool  #: found through an LSH band
    #: most shared fingerprints on one diagonal (one offset between the texts): a verbatim run
    #: of L key characters puts at least floor((L - k + 1) / window) there; scattered shared
    #: phrases of a same-topic article do not
    diagonal: int = 0
