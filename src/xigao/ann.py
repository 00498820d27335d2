"""The HNSW graph (usearch) of an index's document vectors, for nearest-neighbour search in a
large index.

Up to :data:`ANN_MIN_DOCS` vectors an index searches them exactly
(:meth:`xigao.retrieval._Vectors.nearest`); beyond, exact search costs as much as the rest of
a check (``benchmarks/bench_ann.py``) and candidates come from this graph. It is derived: built
from the stored vectors on first use (or restored from ``DIR/vectors.usearch`` when its stamp,
``DIR/vectors.usearch.json``, matches them), kept in step with adds and removes, and saved
again on close.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from xigao.retrieval import _Vectors

log = logging.getLogger(__name__)

#: Document vectors from which nearest-neighbour search switches from exact to HNSW.
ANN_MIN_DOCS = 100_000
#: the HNSW graph of the document vectors (derived; stamped with the vectors it holds)
ANN_FILE = "vectors.usearch"
#: The graph's vectors are centred on the mean of those it was built from, which adds move:
#: this many times the candidates asked for are fetched and re-ranked by the current centred
#: cosine.
ANN_OVERFETCH = 4
#: HNSW search breadth (usearch's ``expansion_search``; its default is 64): at 180,000 vectors
#: recall@5 against exact search goes from 0.90 to 0.94 for 1 ms more (``benchmarks/bench_ann.py``).
ANN_EXPANSION = 256

#: The index's document vectors as they are now, read where they are used (an add may replace
#: them meanwhile: it does not hold the graph's lock).
Current = Callable[[], _Vectors]


def _centred(mat: npt.NDArray[np.float32], centre: npt.NDArray[np.float32]) -> np.ndarray:
    """Rows of ``mat`` minus ``centre``, scaled to unit length (zero rows stay zero)."""
    out = mat - centre
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norm, out=out, where=norm > 1e-6)


class Graph:
    """The HNSW graph of the document vectors of the index at ``path`` (of ``encoder``, of
    dimension ``dim``): none until first used. Thread-safe: :attr:`lock` guards it."""

    def __init__(self, path: Path, encoder: str, dim: int) -> None:
        self.path = path
        self.encoder = encoder
        self.dim = dim
        self.hnsw: Any = None
        #: the mean the graph's vectors are centred on (that of the vectors it was built from)
        self.centre = np.zeros(dim, np.float32)
        self.dirty = False  #: changed since saved
        self.lock = threading.Lock()

    def prepare(self, vectors: Current) -> None:
        """Load (or build and save) the graph now."""
        with self.lock:
            self._ready(vectors)

    def close(self, vectors: Current) -> None:
        """Save the graph if it changed since saved."""
        with self.lock:
            if self.hnsw is not None and self.dirty:
                self.save(vectors(), self.hnsw)

    def _ready(self, vectors: Current) -> Any:
        """The graph, restored or built on first use (``lock`` held)."""
        if self.hnsw is None:
            ann = self.load(vectors) or self.build(vectors)
            ann.expansion_search = ANN_EXPANSION
            self.hnsw = ann
        return self.hnsw

    def search(
        self, vectors: Current, vec: npt.NDArray[np.float32], k: int
    ) -> list[tuple[int, float]]:
        """The graph holds the vectors centred on the mean of those it was built from (adds
        move the mean a little): fetch ``ANN_OVERFETCH`` times as many as asked, and rank
        them by the centred cosine exact search uses."""
        with self.lock:
            q = _centred(vec.astype(np.float32)[None, :], self.centre)[0]
            found = self._ready(vectors).search(q, k * ANN_OVERFETCH)
        vs = vectors()
        keys = np.asarray(found.keys, np.int64)
        at = np.searchsorted(vs.ids, keys).clip(max=max(len(vs.ids) - 1, 0))
        at = at[vs.ids[at] == keys]
        sims = vs.centred_cosine(vec, at)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(int(vs.ids[at[i]]), float(sims[i])) for i in top]

    # The HNSW graph is derived from the stored vectors and saved beside them, with a stamp of
    # the vectors it holds (row ids are never reused, so count, largest and sum identify them):
    # a graph whose stamp does not match what was loaded from SQLite is rebuilt, never trusted.
    def stamp(self, vs: _Vectors) -> dict[str, Any]:
        """What identifies the vectors ``vs`` (one snapshot of the store's)."""
        ids = vs.ids
        return {
            "encoder": self.encoder,
            "dim": self.dim,
            "count": len(ids),
            "max": int(ids.max()) if len(ids) else 0,
            "sum": int(ids.sum()),
        }

    def files(self) -> tuple[Path, Path]:
        """The saved graph and its stamp."""
        return self.path / ANN_FILE, self.path / (ANN_FILE + ".json")

    def load(self, vectors: Current) -> Any:
        from usearch.index import Index as HNSW

        graph, stamp = self.files()
        try:
            saved = json.loads(stamp.read_text(encoding="utf-8"))
            centre = np.asarray(saved.pop("centre", ()), np.float32)
            if saved != self.stamp(vectors()) or centre.shape != (self.dim,):
                return None
            ann = HNSW.restore(str(graph))
        except (OSError, ValueError, RuntimeError, AttributeError) as e:
            log.info("rebuilding the HNSW graph of %s: %s", self.path, e)
            return None
        self.centre = centre
        return ann

    def build(self, vectors: Current) -> Any:
        from usearch.index import Index as HNSW

        ann = HNSW(ndim=self.dim, metric="cos", dtype="f32")
        # one snapshot: an add on another thread may swap the store's vectors meanwhile (it
        # then waits for the lock to update the graph), and ids, vectors and stamp must agree
        vs = vectors()
        self.centre = vs.mean.copy()
        ann.add(vs.ids, _centred(vs.mat, self.centre))
        self.save(vs, ann)
        return ann

    def save(self, vs: _Vectors, ann: Any) -> None:
        """Save the graph, stamped as holding ``vs`` (stamp last: a crash in between leaves a
        stamp-less graph)."""
        graph, stamp = self.files()
        tmp = f".{os.getpid()}.{threading.get_ident()}.tmp"
        saved = self.stamp(vs) | {"centre": self.centre.tolist()}
        try:
            stamp.unlink(missing_ok=True)
            ann.save(str(graph) + tmp)
            os.replace(str(graph) + tmp, graph)
            Path(str(stamp) + tmp).write_text(json.dumps(saved), encoding="utf-8")
            os.replace(str(stamp) + tmp, stamp)
            self.dirty = False
        except OSError as e:  # a read-only index still works; the graph is rebuilt next time
            log.warning("cannot save the HNSW graph of %s: %s", self.path, e)

    def update(self, gone: Iterable[int], rowids: Sequence[int], mat: np.ndarray) -> None:
        with self.lock:
            if self.hnsw is None:  # a saved graph is now stale, which its stamp will show
                return
            for r in gone:
                if r in self.hnsw:
                    self.hnsw.remove(r)
            new = [i for i, r in enumerate(rowids) if r not in self.hnsw]  # built meanwhile
            if new:
                self.hnsw.add(
                    np.asarray([rowids[i] for i in new], np.int64),
                    _centred(mat[new].astype(np.float32), self.centre),
                )
            self.dirty = True
