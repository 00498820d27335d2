"""The index of originals, by the names it had when it was one module; its code lives in
three rooms:

- :mod:`xigao.storage`: what is stored and how (SQLite, its schema and versions, the add and
  remove transactions, the sketching workers), and :class:`IndexStore`, the object callers use;
- :mod:`xigao.retrieval`: the in-memory lookups derived from the stored sketches and vectors
  (fingerprint postings and diagonals, LSH bands, document vectors and their centred cosine)
  and the candidate searches over them;
- :mod:`xigao.ann`: the HNSW graph a large index searches its document vectors with.

Import from those. The names here are copies: setting one (``ANN_MIN_DOCS``) changes nothing.
"""

from __future__ import annotations

from xigao.ann import ANN_EXPANSION, ANN_FILE, ANN_MIN_DOCS, ANN_OVERFETCH
from xigao.retrieval import Candidate, passage_fingerprints, select_candidates
from xigao.storage import (
    DB_NAME,
    FORMAT_VERSION,
    TERMS_FILE,
    IndexStore,
    Sketch,
    check_versions,
    replace_dir,
    sketch_keys_many,
)

__all__ = [
    "ANN_EXPANSION",
    "ANN_FILE",
    "ANN_MIN_DOCS",
    "ANN_OVERFETCH",
    "DB_NAME",
    "FORMAT_VERSION",
    "TERMS_FILE",
    "Candidate",
    "IndexStore",
    "Sketch",
    "check_versions",
    "passage_fingerprints",
    "replace_dir",
    "select_candidates",
    "sketch_keys_many",
]
