"""Baselines run side by side with xigao, each with ``build(originals)``, ``check(body)`` and
``score_pair(a, b)``.

``check`` returns the interface's result dict with a raw ``score`` and ranked ``matches``; the
verdict is set afterwards by :mod:`benchmarks.calibrate` from thresholds on that score fitted on
the dev split, the same rule for every baseline. The naive MinHash baseline sees the raw text,
as most users' first attempt does; the character n-gram and TF-IDF baselines get the
benchmark's own light normalization (NFKC, traditional to simplified, converter debris and
punctuation removed) so that they differ from xigao in method, not in preprocessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from benchmarks.text import normalize_loose, normalize_with_offsets, window_hashes

Result = dict[str, Any]


class System(Protocol):
    name: str
    calibrated: bool

    def build(self, originals: Sequence[dict]) -> None: ...

    def check(self, body: str, title: str | None = None) -> Result: ...

    def score_pair(self, a: str, b: str) -> float: ...


def _result(score: float, matches: list[dict]) -> Result:
    return {"id": None, "verdict": "original", "score": float(score), "matches": matches}


def _match(
    source_id: str,
    score: float,
    containment: float = 0.0,
    coverage: float = 0.0,
    evidence: list[dict] | None = None,
) -> dict:
    return {
        "source_id": source_id,
        "kind": "partial",
        "score": float(score),
        "containment": float(containment),
        "coverage": float(coverage),
        "evidence": evidence or [],
    }


class NaiveMinHash:
    """jieba words + datasketch MinHash/MinHashLSH with defaults (num_perm=128, threshold=0.5).

    Hashes are fed with ``update_batch``, which gives the same signature as calling
    ``m.update(w.encode('utf8'))`` per token, only faster.
    """

    name = "naive"
    calibrated = True

    def __init__(self, num_perm: int = 128, threshold: float = 0.5) -> None:
        import jieba

        self.num_perm, self.threshold = num_perm, threshold
        self._tok = jieba.Tokenizer()
        self._tok.initialize()
        self._sigs: dict[str, Any] = {}
        self._lsh: Any = None

    def _minhash(self, text: str) -> Any:
        from datasketch import MinHash

        m = MinHash(num_perm=self.num_perm)
        m.update_batch([w.encode("utf8") for w in self._tok.cut(text)])
        return m

    def build(self, originals: Sequence[dict]) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        with self._lsh.insertion_session() as session:
            for d in originals:
                m = self._minhash(d["body"])
                self._sigs[d["id"]] = m
                session.insert(d["id"], m)

    def check(self, body: str, title: str | None = None) -> Result:
        m = self._minhash(body)
        scored = sorted(((self._sigs[k].jaccard(m), k) for k in self._lsh.query(m)), reverse=True)
        return _result(scored[0][0] if scored else 0.0, [_match(k, j) for j, k in scored[:5]])

    def score_pair(self, a: str, b: str) -> float:
        return float(self._minhash(a).jaccard(self._minhash(b)))


class CharNgram:
    """Character n-gram containment with an inverted index (sorted hash array) for candidates.

    score = containment: the share of the suspect's distinct n-grams found in the best original.
    Evidence: runs of n-grams shared on the same diagonal, mapped back to the raw texts.
    """

    name = "char5"
    calibrated = True

    def __init__(
        self, n: int = 5, max_df: int = 1000, candidates: int = 20, pair_n: int = 3
    ) -> None:
        self.n, self.max_df, self.k, self.pair_n = n, max_df, candidates, pair_n
        self._ids: list[str] = []
        self._bodies: list[str] = []
        self._sets: list[np.ndarray] = []
        self._keys = np.zeros(0, dtype=np.uint64)
        self._owners = np.zeros(0, dtype=np.int32)

    def build(self, originals: Sequence[dict]) -> None:
        for d in originals:
            self._ids.append(d["id"])
            self._bodies.append(d["body"])
            self._sets.append(np.unique(window_hashes(normalize_loose(d["body"]), self.n)))
        keys = np.concatenate(self._sets) if self._sets else np.zeros(0, np.uint64)
        owners = np.repeat(np.arange(len(self._sets), dtype=np.int32), [len(s) for s in self._sets])
        order = np.argsort(keys, kind="stable")
        self._keys, self._owners = keys[order], owners[order]

    def index_bytes(self) -> int:
        return int(self._keys.nbytes + self._owners.nbytes + sum(s.nbytes for s in self._sets))

    def _candidates(self, q: np.ndarray) -> np.ndarray:
        lo = np.searchsorted(self._keys, q, "left")
        hi = np.searchsorted(self._keys, q, "right")
        ok = (hi - lo > 0) & (hi - lo <= self.max_df)
        if not ok.any():
            return np.zeros(0, dtype=np.int64)
        idx = np.concatenate([np.arange(a, b) for a, b in zip(lo[ok], hi[ok], strict=True)])
        counts = np.bincount(self._owners[idx], minlength=len(self._ids))
        top = np.argsort(-counts, kind="stable")[: self.k]
        return top[counts[top] > 0]

    def check(self, body: str, title: str | None = None) -> Result:
        norm, offs = normalize_with_offsets(body)
        q = np.unique(window_hashes(norm, self.n))
        if not len(q):
            return _result(0.0, [])
        scored = []
        for c in self._candidates(q):
            inter = len(np.intersect1d(q, self._sets[c], assume_unique=True))
            cont, cov = inter / len(q), inter / max(len(self._sets[c]), 1)
            if inter:
                scored.append((cont, cov, int(c)))
        scored.sort(reverse=True)
        matches = [
            _match(self._ids[c], cont, cont, cov, self._evidence(norm, offs, c) if i < 3 else [])
            for i, (cont, cov, c) in enumerate(scored[:5])
        ]
        return _result(scored[0][0] if scored else 0.0, matches)

    def _evidence(self, norm: str, offs: list[int], c: int, min_run: int = 8) -> list[dict]:
        snorm, soffs = normalize_with_offsets(self._bodies[c])
        pos: dict[int, list[int]] = {}
        for j, h in enumerate(window_hashes(snorm, self.n).tolist()):
            pos.setdefault(h, []).append(j)
        runs: list[list[int]] = []  # [i0, i1, j0, j1] in n-gram positions, inclusive
        for i, h in enumerate(window_hashes(norm, self.n).tolist()):
            js = pos.get(h)
            if not js:
                continue
            if runs and runs[-1][1] == i - 1 and runs[-1][3] + 1 in js:
                runs[-1][1], runs[-1][3] = i, runs[-1][3] + 1
            else:
                runs.append([i, i, js[0], js[0]])
        merged: list[list[int]] = []
        for r in runs:
            if (
                merged
                and 0 <= r[0] - merged[-1][1] <= self.n
                and 0 <= r[2] - merged[-1][3] <= self.n
            ):
                merged[-1][1], merged[-1][3] = r[1], r[3]
            else:
                merged.append(r)
        ev = []
        for i0, i1, j0, j1 in merged:
            if i1 - i0 + 1 < min_run:
                continue
            ev.append(
                {
                    "kind": "verbatim",
                    "suspect": [offs[i0], offs[i1 + self.n - 1] + 1],
                    "source": [soffs[j0], soffs[j1 + self.n - 1] + 1],
                    "similarity": 1.0,
                }
            )
        return ev

    def score_pair(self, a: str, b: str) -> float:
        """Share of ``b``'s character ``pair_n``-grams found in ``a`` (b = the original)."""
        ha = set(window_hashes(normalize_loose(a), self.pair_n).tolist())
        hb = set(window_hashes(normalize_loose(b), self.pair_n).tolist())
        return len(ha & hb) / len(hb) if hb else 0.0


class Tfidf:
    """TF-IDF cosine on character 2-3-grams (hashed, scikit-learn), nearest originals."""

    name = "tfidf"
    calibrated = True

    def __init__(self, n_features: int = 2**20) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        self._hv = HashingVectorizer(
            analyzer="char",
            ngram_range=(2, 3),
            n_features=n_features,
            alternate_sign=False,
            norm=None,
            preprocessor=normalize_loose,
        )
        self._tf = TfidfTransformer(sublinear_tf=True)
        self._ids: list[str] = []
        self._xt: Any = None

    def build(self, originals: Sequence[dict]) -> None:
        self._ids = [d["id"] for d in originals]
        x = self._tf.fit_transform(self._hv.transform([d["body"] for d in originals]))
        self._xt = x.T.tocsr()

    def index_bytes(self) -> int:
        x = self._xt
        return int(x.data.nbytes + x.indices.nbytes + x.indptr.nbytes)

    def check(self, body: str, title: str | None = None) -> Result:
        q = self._tf.transform(self._hv.transform([body]))
        sims = np.asarray((q @ self._xt).todense()).ravel()
        top = np.argsort(-sims)[:5]
        return _result(
            float(sims[top[0]]) if len(top) else 0.0,
            [_match(self._ids[i], float(sims[i])) for i in top if sims[i] > 0],
        )

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """Cosines with the IDF fitted on the pair texts themselves."""
        texts = [t for p in pairs for t in p]
        x = self._tf.fit_transform(self._hv.transform(texts))
        a, b = x[0::2], x[1::2]
        return np.asarray(a.multiply(b).sum(axis=1)).ravel().tolist()

    def score_pair(self, a: str, b: str) -> float:
        return self.score_pairs([(a, b)])[0]


class Embedding:
    """Document embedding cosine, no alignment; ``encoder.encode(texts)`` gives unit vectors."""

    name = "embed"
    calibrated = True

    def __init__(self, encoder: Any, batch: int = 64) -> None:
        self.encoder, self.batch = encoder, batch
        self._ids: list[str] = []
        self._m = np.zeros((0, 0), dtype=np.float32)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        parts = [
            np.asarray(self.encoder.encode(list(texts[i : i + self.batch])), dtype=np.float32)
            for i in range(0, len(texts), self.batch)
        ]
        return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    def build(self, originals: Sequence[dict]) -> None:
        self._ids = [d["id"] for d in originals]
        self._m = self._encode([d["body"] for d in originals])

    def index_bytes(self) -> int:
        return int(self._m.nbytes)

    def check(self, body: str, title: str | None = None) -> Result:
        sims = self._m @ self._encode([body])[0]
        top = np.argsort(-sims)[:5]
        return _result(float(sims[top[0]]), [_match(self._ids[i], float(sims[i])) for i in top])

    def score_pair(self, a: str, b: str) -> float:
        v = self._encode([a, b])
        return float(v[0] @ v[1])


def get_encoder(name: str = "e5") -> Any | None:
    """The lead's encoder when ``xigao.embed`` provides it, else None (the baseline is skipped)."""
    try:
        from xigao.embed import get_encoder as _get

        return _get(name)
    except Exception:  # the model or the module is not available: skip this baseline
        return None


def make(name: str) -> System | None:
    """A baseline by name: naive, char5 (any charN), tfidf, embed; None when unavailable."""
    if name == "naive":
        return NaiveMinHash()
    if name.startswith("char") and name[4:].isdigit():
        s = CharNgram(n=int(name[4:]))
        s.name = name
        return s
    if name == "tfidf":
        return Tfidf()
    if name == "embed":
        enc = get_encoder("e5")
        return Embedding(enc) if enc is not None else None
    raise ValueError(f"Unknown baseline: {name!r} (choose from naive, char5, tfidf, embed)")
