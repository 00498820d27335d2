"""Sketches of normalized text: character k-gram hashes, winnowed fingerprints, MinHash, LSH bands.

Two sketches are kept per original:

* **winnowed fingerprints** (Schleimer et al., 2003) of character k-grams: any passage of
  ``w + k - 1`` or more content characters shared with an original is guaranteed to share a
  fingerprint, so a 50-character passage pasted into a 3,000-character article is found no
  matter how low the whole-document similarity is;
* a **MinHash** signature (rensa) of the same k-grams for whole-document near-duplicates, banded
  for LSH.

Both are pure functions of the key text, so they are reproducible and the index can rebuild every
derived structure from them.

>>> import numpy as np
>>> h = kgram_hashes(codepoints("新华社北京三月五日电今天上午"), 4)
>>> len(h)
11
>>> fps = winnow(h, 4)
>>> bool(np.isin(fps, h).all())
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_MULT = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier for the polynomial hash
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True, slots=True)
class SketchConfig:
    """Sketch settings, stored in the index and checked on open."""

    k: int = 6  #: characters per k-gram
    window: int = 10  #: winnowing window (guarantee: shared runs of k + window - 1 chars)
    num_perm: int = 128  #: MinHash permutations
    bands: int = 32  #: LSH bands (rows = num_perm // bands)
    seed: int = 1

    def __post_init__(self) -> None:
        if self.k < 2:
            raise ValueError(f"k must be at least 2, got {self.k}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1, got {self.window}")
        if self.num_perm < 1 or self.num_perm % self.bands:
            raise ValueError(
                f"num_perm ({self.num_perm}) must be a positive multiple of bands ({self.bands})"
            )

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def guarantee(self) -> int:
        """Shared runs at least this many key characters long always share a fingerprint."""
        return self.k + self.window - 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def codepoints(text: str) -> U32:
    """The code points of ``text`` as a uint32 array (no copy of the Python string needed)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix(x: U64) -> U64:
    """splitmix64 finalizer: spreads polynomial hashes over all 64 bits (``x`` is kept)."""
    x = x ^ (x >> _S30)  # a new array: the rest works in place
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


# Powers of _MULT and of its inverse modulo 2**64 (_MULT is odd, so it has one), for the
# prefix-sum form of kgram_hashes; grown on demand, replaced as a whole (thread-safe).
_INV = pow(int(_MULT), -1, 1 << 64)
_POWERS: tuple[U64, U64] = (np.ones(0, np.uint64), np.ones(0, np.uint64))
#: Longer texts are hashed k-gram column by k-gram column: no tables that size are kept.
_PREFIX_MAX = 1 << 16


def _power_table(base: int, n: int) -> U64:
    """``base ** i`` modulo 2**64 for ``i < n`` (by doubling: a few array products)."""
    out = np.ones(n, np.uint64)
    m = 1
    while m < n:
        out[m : 2 * m] = out[: min(m, n - m)] * np.uint64(pow(base, m, 1 << 64))
        m *= 2
    out.setflags(write=False)
    return out


def _powers(n: int) -> tuple[U64, U64]:
    """At least ``n`` powers of ``_MULT`` and of its inverse."""
    global _POWERS
    fw, bw = _POWERS
    if len(fw) < n:
        size = min(max(n, 2 * len(fw), 4096), _PREFIX_MAX)
        fw, bw = _power_table(int(_MULT), size), _power_table(_INV, size)
        _POWERS = (fw, bw)
    return fw, bw


def kgram_hashes(codes: U32, k: int) -> U64:
    """64-bit hashes of every k-gram of ``codes`` (``len(codes) - k + 1`` of them)."""
    size = len(codes)
    n = size - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    # The polynomial hash sum(codes[i + j] * M**(k-1-j)), j < k, in uint64 arithmetic (which
    # wraps: all of it is exact modulo 2**64). From prefix sums P of codes[t] * M**-t it is
    # (P[i + k] - P[i]) * M**(i + k - 1): a fixed number of array operations, whatever k is.
    if size <= _PREFIX_MAX:
        fw, bw = _powers(size)
        c = codes if codes.dtype == np.uint32 else codes.astype(np.uint64)
        p = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(c * bw[:size], out=p[1:])
        h = p[k:] - p[:n]
        h *= fw[k - 1 : k - 1 + n]
    else:
        c = codes.astype(np.uint64)
        h = np.zeros(n, dtype=np.uint64)
        for j in range(k):
            h *= _MULT
            h += c[j : j + n]
    return _mix(h)


def winnow_positions(hashes: U64, window: int) -> npt.NDArray[np.int64]:
    """Positions of the k-grams robust winnowing selects, ascending, each once: the leftmost
    minimum of every window of ``window`` consecutive hashes (one minimum for a shorter text).
    """
    n = len(hashes)
    if n == 0:
        return np.zeros(0, np.int64)
    if n <= window:
        return np.array([int(np.argmin(hashes))], np.int64)
    m = n - window + 1
    h = np.ascontiguousarray(hashes)
    # the windows as rows of a strided view (numpy's sliding_window_view, minus its overhead)
    view = np.ndarray((m, window), dtype=h.dtype, buffer=h, strides=(h.itemsize, h.itemsize))
    pos = view.argmin(axis=1)
    pos += np.arange(m)
    # the leftmost minimum never moves left as the window slides: equal ones are neighbours
    keep = np.empty(m, dtype=np.bool_)
    keep[0] = True
    np.not_equal(pos[1:], pos[:-1], out=keep[1:])
    out: npt.NDArray[np.int64] = pos[keep]
    return out


def winnow(hashes: U64, window: int) -> U64:
    """The selected hashes of :func:`winnow_positions`, in text order."""
    return hashes[winnow_positions(hashes, window)]


def fingerprints(hashes: U64, window: int) -> tuple[U32, U32]:
    """Winnowed fingerprints truncated to 32 bits, and their k-gram positions (text order).

    The positions let a lookup tell shared fingerprints that line up on one diagonal (a
    verbatim run) from ones scattered through both texts (shared phrases, a common topic).
    """
    pos = winnow_positions(hashes, window)
    return hashes[pos].astype(np.uint32), pos.astype(np.uint32)


def sketch_keys(keys: list[str], k: int, window: int) -> tuple[list[U64], list[tuple[U32, U32]]]:
    """k-gram hashes and :func:`fingerprints` of many key texts in one pass.

    The same results as calling :func:`kgram_hashes` and :func:`fingerprints` per text,
    computed on the concatenation so that numpy's per-call overhead is paid once per batch.
    """
    if not keys:
        return [], []
    lens = np.array([len(x) for x in keys], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    grams = np.maximum(lens - k + 1, 0)
    allh = kgram_hashes(codepoints("".join(keys)), k)
    hashes = [allh[s : s + g] for s, g in zip(starts.tolist(), grams.tolist(), strict=True)]
    doc_of = np.repeat(np.arange(len(keys)), lens)
    picked = [np.zeros(0, np.int64)]
    n = len(allh) - window + 1
    if n > 0:
        first = np.arange(n)
        d = doc_of[first]
        # valid: the window's last k-gram starts inside the same text as its first
        ok = (first + window - 1 - starts[d]) < grams[d]
        view = np.lib.stride_tricks.sliding_window_view(allh, window)
        picked.append((np.argmin(view, axis=1) + first)[ok])
    short = np.flatnonzero((grams > 0) & (grams <= window))
    if len(short):
        picked.append(
            np.array([starts[i] + int(np.argmin(hashes[i])) for i in short.tolist()], np.int64)
        )
    pos = np.unique(np.concatenate(picked))  # global positions, ascending: grouped by text
    vals = allh[pos].astype(np.uint32)
    bounds = np.searchsorted(pos, [*starts.tolist(), len(doc_of)])
    fps = [
        (
            vals[bounds[i] : bounds[i + 1]],
            (pos[bounds[i] : bounds[i + 1]] - starts[i]).astype(np.uint32),
        )
        for i in range(len(keys))
    ]
    return hashes, fps


def minhash(hashes: U64, num_perm: int, seed: int) -> U32:
    """MinHash signature of a set of 64-bit shingle hashes (rensa's RMinHash)."""
    sigs = minhash_many([hashes], num_perm, seed)
    return sigs[0]


def minhash_many(hash_lists: list[U64], num_perm: int, seed: int) -> U32:
    """MinHash signatures of several documents at once, shape ``(len(hash_lists), num_perm)``.

    An empty document gets the all-ones signature (it matches nothing but other empty ones).
    """
    import rensa

    out = np.full((len(hash_lists), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    keep = [i for i, h in enumerate(hash_lists) if len(h)]
    if not keep:
        return out
    flat = np.concatenate([hash_lists[i] for i in keep])
    offsets = np.zeros(len(keep) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum([len(hash_lists[i]) for i in keep])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, num_perm, seed)
    out[keep] = np.asarray(matrix.to_rows(), dtype=np.uint32)
    return out


def band_keys(sigs: U32, bands: int) -> U64:
    """LSH band keys, shape ``(n, bands)``: one 64-bit hash of each band's rows.

    The band number is mixed in, so keys of different bands never collide by construction.
    """
    sigs = np.atleast_2d(sigs)
    n, p = sigs.shape
    rows = p // bands
    v = sigs.reshape(n, bands, rows).astype(np.uint64)
    h = np.empty((n, bands), dtype=np.uint64)
    h[...] = np.arange(1, bands + 1, dtype=np.uint64)  # the band number, 1 on
    for r in range(rows):  # uint64 array arithmetic wraps silently
        h *= _MULT
        h += v[:, :, r]
        h = _mix(h)
    return h


def jaccard_estimate(a: U32, b: U32) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    return float(np.mean(a == b))
