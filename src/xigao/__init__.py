"""xigao — find reposts, partial copies and 洗稿 rewrites of Chinese text, with evidence."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from xigao.batch import Failed
from xigao.errors import IndexFormatError, InputError, ModelError, XigaoError
from xigao.pipeline import AddReport, Index, compare
from xigao.types import Document, Evidence, Match, Result

try:
    __version__ = version("xigao")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "AddReport",
    "Document",
    "Evidence",
    "Failed",
    "Index",
    "IndexFormatError",
    "InputError",
    "Match",
    "ModelError",
    "Result",
    "XigaoError",
    "__version__",
    "compare",
]
