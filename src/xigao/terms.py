"""Retrieval by shared facts: an inverted table of each original's character bigrams, searched
by IDF-weighted cosine.

A deep wash (new lede, facts reordered, every sentence rewritten) keeps no phrase long enough
for a fingerprint, and its document vector drifts towards every story on the same topic. What
it keeps are the story's facts: the people, places, bodies, numbers and terms it is about, whose
character bigrams are rare across the index (哈尼亚 → 哈尼, 尼亚; 莱基深水港 → 莱基, 深水, 水港).
Weighted by inverse document frequency, the bigrams a suspect shares with an original are a
fact fingerprint that needs no tagger: on the realistic washes the original is the nearest
document for every style (``docs/benchmarks.md``, "Realistic washes").

The table is derived from the stored texts (no format change): built on the first rewrite
check and kept in step with adds and removes. Keys are 32-bit hashes of the bigram code points;
a collision among the index's ~700,000 bigrams merges two rare terms at worst.

>>> t = Terms.of([1, 2, 3], ["莱基深水港建设顺利", "阿布贾轻轨建设顺利", "今天天气很好"])
>>> [r for r, _ in t.nearest(term_keys("莱基港口的深水港开工"), 2)]
[1]
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import threading
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from xigao.sketch import codepoints
from xigao.types import check_genre

log = logging.getLogger(__name__)

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]

#: Terms in more than this share of the originals (and more than ``COMMON_MIN`` of them) are
#: skipped at query time: they weigh little and would touch most of the postings (中国, 发展).
COMMON_SHARE = 0.05
COMMON_MIN = 1000
#: Version of the saved table (:meth:`Terms.save`); a file of another is derived again.
SAVE_FORMAT = 1
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _drop(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values`` without the (sorted) positions ``at``: the runs between them copied once,
    cheaper than a boolean mask over a large table when few go."""
    starts = np.r_[0, at + 1]
    ends = np.r_[at, len(values)]
    runs = [values[s:e] for s, e in zip(starts, ends, strict=True) if e > s]
    return np.concatenate(runs) if runs else values[:0].copy()


def row_ids(rows: np.ndarray) -> npt.NDArray[np.uint32] | I64:
    """Row ids in 32 bits where they all fit, else in 64."""
    if not len(rows) or (int(rows.min()) >= 0 and int(rows.max()) < 1 << 32):
        return rows.astype(np.uint32, copy=False)
    return rows.astype(np.int64, copy=False)


def stable_argsort(keys: np.ndarray) -> I64:
    """``np.argsort(keys, kind="stable")``, several times faster on unsigned keys: 32-bit ones
    sorted with their index packed below them in one 64-bit value, 64-bit ones (hashes, few of
    them equal) sorted unstably and then each run of equal keys put back in index order."""
    n = len(keys)
    if keys.dtype == np.uint32 and n < 1 << 32:
        packed = keys.astype(np.uint64)
        packed <<= np.uint64(32)
        packed |= np.arange(n, dtype=np.uint64)
        packed.sort()
        packed &= np.uint64(0xFFFFFFFF)
        return packed.view(np.int64)
    if keys.dtype != np.uint64 or n < 2:
        return np.argsort(keys, kind="stable")
    order = np.argsort(keys)
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    del ordered
    if same.any():
        tied = np.zeros(n, dtype=bool)
        tied[1:] = same
        tied[:-1] |= same
        pos = np.flatnonzero(tied)  # (few: the arrays below are of them only)
        del tied
        starts = np.ones(len(pos), dtype=bool)  # a run of equal keys starts where a key is new
        starts[pos > 0] = ~same[pos[pos > 0] - 1]
        at = order[pos]
        order[pos] = at[np.lexsort((at, np.cumsum(starts)))]
    return order


def merge_sorted(
    keys: np.ndarray,
    vals: tuple[np.ndarray, ...],
    new_keys: np.ndarray,
    new_vals: tuple[np.ndarray, ...],
    side: Literal["left", "right"] = "left",
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Sorted ``keys`` (with parallel arrays ``vals``) merged with unsorted new entries (sorted
    stably among themselves), inserted before (``left``) or after (``right``) the entries
    already under an equal key."""
    order = stable_argsort(new_keys)
    new_keys = new_keys[order]
    moved = tuple(v[order] for v in new_vals)
    if not len(keys):
        return new_keys, moved
    at = np.searchsorted(keys, new_keys, side=side)
    return np.insert(keys, at, new_keys), tuple(
        np.insert(v, at, m) for v, m in zip(vals, moved, strict=True)
    )


class TermWeights(Protocol):
    """The IDF of bigram keys: the whole :class:`Terms` table, or an :class:`IdfTable` of it."""

    def idf(self, keys: U32) -> F32: ...

    def top_idf(self) -> float: ...


def save_stamped(
    path: str | os.PathLike[str], stamp: Sequence[int], what: str, **arrays: np.ndarray
) -> bool:
    """Write ``arrays`` to ``path`` (``.npz``, replaced atomically) with ``stamp``, integers
    that identify what they were derived from (:func:`load_stamped` returns them only for the
    same). Returns False, and logs why, where it cannot write (a read-only index still works:
    ``what`` is derived again next time)."""
    tmp = f"{os.fspath(path)}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            # (numpy's stubs type ``**kwds`` as its ``allow_pickle`` flag)
            np.savez(f, stamp=np.asarray(stamp, np.int64), **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())  # (a power cut after the rename leaves no empty file)
        os.replace(tmp, path)
        return True
    except OSError as e:
        log.warning("cannot save the %s to %s: %s", what, path, e)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False


def load_stamped(
    path: str | os.PathLike[str], stamp: Sequence[int], what: str, names: Sequence[str]
) -> list[np.ndarray] | None:
    """The arrays ``names`` :func:`save_stamped` wrote to ``path``, or None where there is no
    such file, it cannot be read, or its stamp is not ``stamp`` (derive ``what`` again)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if z["stamp"].tolist() != list(stamp):
                return None
            return [z[n] for n in names]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
        # (an empty file raises EOFError)
        log.info("deriving the %s again, cannot read %s: %s", what, path, e)
        return None


@dataclass(frozen=True, slots=True)
class IdfTable:
    """The IDF of :class:`Terms` from its document frequencies alone: sorted distinct ``keys``,
    how many originals hold each (``df``) and how many hold any (``n``). Weighs exactly as the
    table it was counted from (the Spark engine counts it from its own tables)."""

    keys: U32
    df: I64
    n: int
    _idf: F32 = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_idf", np.log((self.n + 1) / self.df).astype(np.float32))

    def top_idf(self) -> float:
        """As :meth:`Terms.top_idf`."""
        return math.log(self.n + 1) if self.n else 1.0

    def idf(self, keys: U32) -> F32:
        """As :meth:`Terms.idf`."""
        if not len(self.keys):
            return np.zeros(len(keys), np.float32)
        at = np.searchsorted(self.keys, keys).clip(max=len(self.keys) - 1)
        known = self.keys[at] == keys
        return np.where(known, self._idf[at], self.top_idf()).astype(np.float32)


@functools.cache
def bundled_idf(genre: str) -> IdfTable:
    """The IDF :func:`xigao.compare` weighs facts by, with no index to count them in: the
    document frequencies of the bigrams of the benchmark's news (CCTV and THUCNews) or fiction
    (the classic novels and 鲁迅) originals, shipped as ``xigao/idf/{genre}.npz`` (hashed
    bigrams written in two documents or more and their counts; no text), made by
    ``python -m benchmarks.build_idf``."""
    ref = resources.files("xigao") / "idf" / f"{check_genre(genre)}.npz"
    with ref.open("rb") as f, np.load(f, allow_pickle=False) as z:
        return IdfTable(z["keys"], z["df"].astype(np.int64), int(z["n"]))


def term_keys(key: str) -> U32:
    """The distinct bigram keys of a key text (content characters), sorted.

    >>> term_keys("新华社新华社").tolist() == sorted(set(term_keys("新华社").tolist()) | set(term_keys("社新").tolist()))
    True
    """
    if len(key) < 2:
        return np.zeros(0, np.uint32)
    cp = codepoints(key).astype(np.uint64)
    return np.unique(hash_codes((cp[:-1] << np.uint64(21)) | cp[1:]))


def hash_codes(codes: npt.NDArray[np.uint64] | I64) -> U32:
    """32-bit keys of exact bigram codes (``first << 21 | second`` code point), as in
    :class:`xigao.paraphrase.Grams`."""
    return ((codes.astype(np.uint64) * _MIX) >> np.uint64(32)).astype(np.uint32)


@dataclass(frozen=True, slots=True)
class Terms:
    """Sorted ``(key, row)`` postings of every original's distinct bigrams; replaced as a whole.

    Weights (IDF, document norms) follow from the postings and are computed on first use after
    a change.
    """

    keys: U32
    #: row ids, in 32 bits where they fit (always, but for an index numbered past 2**32)
    rows: npt.NDArray[np.uint32] | I64
    _derived: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @classmethod
    def of(cls, rowids: Sequence[int], keys: Sequence[str]) -> Terms:
        """The table of texts ``keys`` (key characters) stored under ``rowids``."""
        parts = [term_keys(k) for k in keys]
        rows = np.asarray(rowids, np.int64)
        if not len(parts) or (len(rows) and (rows.min() < 0 or rows.max() >= 1 << 32)):
            return cls.empty().plus(rowids, parts)
        # key and row packed into one 64-bit value, filled part by part and sorted in place:
        # the table ordered by key, then row, without an argsort and its copies
        packed = np.empty(sum(len(p) for p in parts), np.uint64)
        at = 0
        for row, part in zip(rows.tolist(), parts, strict=True):
            run = packed[at : at + len(part)]
            run[:] = part
            run <<= np.uint64(32)
            run |= np.uint64(row)
            at += len(part)
        del parts
        packed.sort()
        keys_out = (packed >> np.uint64(32)).astype(np.uint32)
        packed &= np.uint64(0xFFFFFFFF)
        return cls(keys_out, packed.astype(np.uint32))

    @classmethod
    def empty(cls) -> Terms:
        return cls(np.zeros(0, np.uint32), np.zeros(0, np.uint32))

    def save(self, path: str | os.PathLike[str], stamp: Sequence[int]) -> bool:
        """Write the table to ``path`` (``.npz``, replaced atomically) with ``stamp``, integers
        that identify what it was derived from (:meth:`load` returns it only for the same).
        Keys are stored once per distinct key with their posting counts, rows as 32-bit where
        they fit: about 4 bytes a posting. Returns False, and logs why, where it cannot write."""
        keys = self.keys
        start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else keys[:0]
        uniq = keys[start]
        counts = np.diff(np.r_[start, len(keys)]).astype(np.uint32)
        small = not len(self.rows) or int(self.rows.max()) < 1 << 32
        rows = self.rows.astype(np.uint32) if small else self.rows
        return save_stamped(
            path, [SAVE_FORMAT, *stamp], "term table", uniq=uniq, counts=counts, rows=rows
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str], stamp: Sequence[int]) -> Terms | None:
        """The table :meth:`save` wrote to ``path``, or None where there is none, it cannot be
        read, or its stamp is not ``stamp`` (it was derived from other texts: derive again)."""
        got = load_stamped(path, [SAVE_FORMAT, *stamp], "term table", ("uniq", "counts", "rows"))
        if got is None:
            return None
        uniq, counts, rows = got
        if uniq.dtype != np.uint32 or len(uniq) != len(counts) or int(counts.sum()) != len(rows):
            return None
        return cls(np.repeat(uniq, counts), row_ids(rows))

    def plus(self, rowids: Sequence[int], parts: Sequence[U32]) -> Terms:
        """With the rows ``rowids`` added, each with its :func:`term_keys`: merged into the
        sorted table (a few added to a large table cost a copy, not a sort of it all), after
        the rows already there under the same key."""
        if not len(rowids):
            return self
        new_keys = np.concatenate(list(parts)) if len(parts) else np.zeros(0, np.uint32)
        old = self.rows
        added = row_ids(np.repeat(np.asarray(rowids, np.int64), [len(p) for p in parts]))
        if old.dtype != added.dtype:  # a row id past 2**32: every row in 64 bits
            old, added = old.astype(np.int64), added.astype(np.int64)
        keys, (rows,) = merge_sorted(self.keys, (old,), new_keys, (added,), side="right")
        return Terms(keys, rows)

    def without(self, rowids: Iterable[int]) -> Terms:
        gone = np.fromiter(rowids, dtype=np.int64)
        if not len(gone) or not len(self.rows):
            return self
        at = np.flatnonzero(np.isin(self.rows, gone))
        if not len(at):
            return self
        return Terms(_drop(self.keys, at), _drop(self.rows, at))

    def fresh(self) -> Terms:
        """The same table with a lock of its own, for a forked process (whose copy of this
        one's may have been taken while another thread held it), and the weights derived so
        far where they were whole."""
        done = dict(self._derived) if "norm" in self._derived else {}
        return Terms(self.keys, self.rows, done)

    def derive(self) -> None:
        """Derive the weights now, not on the first search (before workers are forked to
        share them)."""
        self._weights()

    def _weights(self) -> dict[str, np.ndarray]:
        """Unique keys, their posting ranges and IDF; the row ids and their norms."""
        with self._lock:
            if not self._derived and len(self.keys):
                d = self._derived
                start = np.flatnonzero(np.r_[True, self.keys[1:] != self.keys[:-1]])
                d["uniq"] = self.keys[start]
                d["start"] = start
                d["df"] = np.diff(np.r_[start, len(self.keys)])
                present = np.zeros(int(self.rows.max()) + 1, np.int64)
                present[self.rows] = 1
                d["ids"] = np.flatnonzero(present)
                # each posting's original as its rank among them, in 32 bits (the search
                # counts scores by it: as many entries as postings)
                rank = np.cumsum(present) - 1
                d["inv"] = inv = rank.astype(np.uint32)[self.rows]
                del rank
                n = len(d["ids"])
                d["idf"] = np.log((n + 1) / d["df"]).astype(np.float32)
                w = np.repeat(d["idf"], d["df"]) ** 2
                d["norm"] = np.sqrt(np.bincount(inv, weights=w, minlength=n)).astype(np.float32)
            return self._derived

    def __len__(self) -> int:
        return len(self._weights().get("ids", ()))

    def row_ids(self) -> I64:
        """The row ids this table holds (sorted)."""
        return np.asarray(self._weights().get("ids", np.zeros(0, np.int64)), dtype=np.int64)

    def idf_table(self) -> IdfTable:
        """The document frequencies this table weighs by (:class:`IdfTable`)."""
        d = self._weights()
        if not d:
            return IdfTable(np.zeros(0, np.uint32), np.zeros(0, np.int64), 0)
        return IdfTable(d["uniq"], d["df"], len(d["ids"]))

    def top_idf(self) -> float:
        """The IDF of a term in one original: the most any term weighs in this table."""
        return math.log(len(self) + 1) if len(self) else 1.0

    def idf(self, keys: U32) -> F32:
        """IDF of each of ``keys`` (that of a term in one original for unknown ones)."""
        d = self._weights()
        if not d:
            return np.zeros(len(keys), np.float32)
        at = np.searchsorted(d["uniq"], keys).clip(max=len(d["uniq"]) - 1)
        known = d["uniq"][at] == keys
        return np.where(known, d["idf"][at], self.top_idf()).astype(np.float32)

    def nearest(
        self, query: U32, k: int, *, exclude: Iterable[int] = ()
    ) -> list[tuple[int, float]]:
        """The ``k`` originals with the highest IDF-weighted cosine to the bigram keys
        ``query`` (from :func:`term_keys`), best first, with their cosines."""
        d = self._weights()
        if not d or not len(query) or k <= 0:
            return []
        n = len(d["ids"])
        at = np.searchsorted(d["uniq"], query).clip(max=len(d["uniq"]) - 1)
        known = d["uniq"][at] == query
        # as idf(query): unknown keys weigh as much as a term in one original
        weights = np.where(known, d["idf"][at], self.top_idf()).astype(np.float32)
        qnorm = float(np.sqrt((weights**2).sum()))
        at = at[known]
        at = at[d["df"][at] <= max(COMMON_MIN, COMMON_SHARE * n)]
        if not len(at) or qnorm == 0:
            return []
        counts = d["df"][at]
        first = np.repeat(d["start"][at] - np.cumsum(counts) + counts, counts)
        post = first + np.arange(int(counts.sum()))
        w = np.repeat(d["idf"][at] ** 2, counts)
        scores = np.bincount(d["inv"][post], weights=w, minlength=n).astype(np.float32)
        scores /= np.maximum(d["norm"], 1e-6) * qnorm
        skip = np.fromiter(exclude, dtype=np.int64)
        if len(skip):
            scores[np.isin(d["ids"], skip)] = -1.0
        k = min(k, n)
        top = np.argpartition(scores, n - k)[n - k :]  # (no negated copy)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(d["ids"][i]), float(scores[i])) for i in top if scores[i] > 0]
