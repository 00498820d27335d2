"""Exceptions raised by xigao. Every error says what went wrong and what to do."""

from __future__ import annotations


class XigaoError(Exception):
    """Base class of every error xigao raises on purpose."""


class InputError(XigaoError, ValueError):
    """A document, an argument or an input file could not be read (bad encoding, malformed
    record, an unknown detect kind...); a ``ValueError`` too."""


class IndexFormatError(XigaoError):
    """The index on disk is missing, corrupt or of another format version."""


class ModelError(XigaoError):
    """The embedding model could not be built or loaded."""
