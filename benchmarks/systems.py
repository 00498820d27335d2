"""Every system the benchmark runs, behind one interface: xigao and the baselines.

``xigao`` runs with its own defaults and its own verdicts (not calibrated here);
``xigao-fast`` is its verbatim-only path (``detect=("repost", "partial")``) on a lexical index
built with ``vectors=None``. Baselines get their
verdicts from thresholds fitted on dev (:mod:`benchmarks.calibrate`).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.baselines import Embedding, Result
from benchmarks.baselines import make as make_baseline

ALL_SYSTEMS = ("xigao", "xigao-fast", "naive", "char5", "tfidf", "embed")
DEFAULT_SYSTEMS = ("xigao", "naive", "char5", "tfidf", "embed")


class XigaoSystem:
    """xigao through its public API: ``Index.build``, ``Index.check``, ``compare``."""

    calibrated = False

    def __init__(
        self, workdir: Path, detect: tuple[str, ...] | None = None, name: str = "xigao"
    ) -> None:
        self.name, self.workdir, self.detect = name, workdir, detect
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
        self._index = Index.build(docs, self.workdir, vectors=vectors)

    def index_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.workdir.rglob("*") if p.is_file())

    def check(self, body: str, title: str | None = None) -> Result:
        kwargs: dict[str, Any] = {"title": title or None}
        if self.detect:
            kwargs["detect"] = self.detect
        return self._index.check(body, **kwargs).to_dict()

    def score_pair(self, a: str, b: str) -> float:
        from xigao import compare

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
    if name in ("xigao", "xigao-fast"):
        if xigao_available():
            return None
        return XigaoSystem(
            workdir / name, ("repost", "partial") if name == "xigao-fast" else None, name
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
