"""Every system the benchmark runs, behind one interface: xigao and the baselines.

``xigao`` runs with its own defaults and its own verdicts (not calibrated here);
``xigao-fast`` is its verbatim-only path (``detect=("repost", "partial")``) on a lexical index
built with ``vectors=None``; ``xigao-fast-w2`` the same, built with two sketching processes
(the CLI's default on this 2-core machine). Baselines get their
verdicts from thresholds fitted on dev (:mod:`benchmarks.calibrate`).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.baselines import Embedding, Result
from benchmarks.baselines import make as make_baseline

ALL_SYSTEMS = ("xigao", "xigao-fast", "xigao-fast-w2", "naive", "char5", "tfidf", "embed")
DEFAULT_SYSTEMS = ("xigao", "naive", "char5", "tfidf", "embed")


class XigaoSystem:
    """xigao through its public API: ``Index.build``, ``Index.check``, ``compare``."""

    calibrated = False

    def __init__(
        self,
        workdir: Path,
        detect: tuple[str, ...] | None = None,
        name: str = "xigao",
        workers: int = 1,
    ) -> None:
        self.name, self.workdir, self.detect, self.workers = name, workdir, detect, workers
        self._index: Any = None

    def build(self, originals: Sequence[dict]) -> None:
        from xigao import Index

        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.parent.mkdir(parents=True, exist_ok=True)
        docs = (
            {"id": d["id"], "title": d.get("title") or None, "body": d["body"]} for d in originals
        )
        # the fast path is a lexical index (no vectors, no model); full detection stores vectors
        vectors = None if self.detect == ("repost", "partial") else "static"
        self._index = Index.build(docs, self.workdir, vectors=vectors, workers=self.workers)

    def ready(self) -> None:
        """Make the built index ready to check: derive its postings, which an open leaves to
        the first check (timed apart from build and scan: what a scanning process pays once
        at its start)."""
        assert self._index is not None
        self._index.store.prepare_lookup()

    def index_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.workdir.rglob("*") if p.is_file())

    def check(self, body: str, title: str | None = None) -> Result:
        kwargs: dict[str, Any] = {"title": title or None}
        if self.detect:
            kwargs["detect"] = self.detect
        return self._index.check(body, **kwargs).to_dict()

    #: encoder ``compare`` uses for pairs (None: xigao's default)
    pair_encoder: str | None = None

    def score_pair(self, a: str, b: str) -> float:
        from xigao import compare

        if self.pair_encoder:
            return float(compare(a, b, encoder=self.pair_encoder).score)
        return float(compare(a, b).score)

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


def xigao_available() -> str | None:
    """None when ``from xigao import Index, compare`` works, else the reason."""
    try:
        from xigao import Index, compare  # noqa: F401
    except Exception as e:  # not built yet, or broken: the page says so
        return f"{type(e).__name__}: {e}"
    return None


def make_system(name: str, workdir: Path, *, embed_model: str = "static") -> Any | None:
    """A ready-to-build system by name, or None when it cannot run here (reason logged by
    the caller with :func:`why_unavailable`)."""
    if name in ("xigao", "xigao-fast", "xigao-fast-w2"):
        if xigao_available():
            return None
        fast = name.startswith("xigao-fast")
        return XigaoSystem(
            workdir / name,
            ("repost", "partial") if fast else None,
            name,
            workers=2 if name.endswith("-w2") else 1,
        )
    if name == "embed":
        try:
            from xigao.embed import get_encoder

            enc = get_encoder(embed_model)
        except Exception:
            return None
        s = Embedding(_PassageEncoder(enc))
        s.name = "embed"
        return s
    return make_baseline(name)


class _PassageEncoder:
    """Adapter: ``encode(texts)`` with the passage prompt of xigao's encoders."""

    def __init__(self, enc: Any) -> None:
        self.enc = enc

    def encode(self, texts: Sequence[str]) -> Any:
        return self.enc.encode(list(texts), kind="passage")


def pair_systems(workdir: Path, names: Sequence[str], embed_model: str) -> dict[str, Any]:
    """Pair scorers by name: ``compare`` for xigao (its default encoder, the e5 transformer),
    each baseline's pair score, and with ``e5`` also among ``names``, ``compare`` on the static
    encoder and the document-embedding baseline on the e5 transformer, so that each encoder's
    ``compare`` has its plain document embedding beside it."""
    out: dict[str, Any] = {}
    for name in names:
        if name == "e5":
            xs = XigaoSystem(workdir / "xigao-static", name="xigao-static")
            xs.pair_encoder = "static"
            out["xigao-static"] = xs
            emb = make_system("embed", workdir, embed_model="e5")
            if emb is not None:
                out["embed-e5"] = emb
            continue
        system = make_system(name, workdir, embed_model=embed_model)
        if system is not None and name != "xigao-fast":
            out["char3" if name == "char5" else name] = system
    return out


def why_unavailable(name: str, embed_model: str = "static") -> str:
    if name.startswith("xigao"):
        return xigao_available() or "available"
    if name == "embed":
        try:
            from xigao.embed import get_encoder

            get_encoder(embed_model)
        except Exception as e:
            return f"encoder {embed_model!r} unavailable: {type(e).__name__}: {e}"
    return "available"
