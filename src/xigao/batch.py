"""Checking many documents against one index: in order, in worker processes where it pays, and
every input answered.

A scan of a dump, a newsroom's batch and a dump's dedup all check documents one after another.
:func:`check_iter` checks a few in this process and, past ``serial`` documents, hands them to
``workers`` forked processes (each opens the index and loads its model once: that start costs
about as much as a few dozen checks, and the checks are CPU-bound, so threads would not help).
Documents are checked a batch at a time (:meth:`Index.check_batch`: one lookup of all their
fingerprints and bands, where numpy's cost per call would otherwise be paid per document), a
worker's batches growing from 8 to 32 documents, this process's from 1 to 8. Results come
back in input order. A document whose check fails is answered by a :class:`Failed` in its
place, and the rest go on.

>>> from xigao import Index
>>> import tempfile
>>> tmp = tempfile.mkdtemp()
>>> idx = Index.build([{"id": "a", "body": "今天上午，市政府召开新闻发布会，介绍全市春季植树造林工作进展情况。"}], tmp + "/i", vectors=None)
>>> [r.verdict for r in check_iter(idx, [{"id": "x", "body": "今天上午，市政府召开新闻发布会，介绍全市春季植树造林工作进展情况。"}, {"id": "y", "body": "完全无关的一段文字，讲的是别的事情。"}])]
['repost', 'original']
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from xigao.types import LIMIT, Document, MatchKind, Result, parse_detect, require_limit
from xigao.workers import init_worker

if TYPE_CHECKING:
    from xigao.pipeline import Index

#: Inputs of at most this many documents are checked in the calling process, without workers.
SERIAL = 32
#: Documents a worker is handed at a time at first, and at most: batches grow from the one to
#: the other, doubling once each worker has had one, so a short input still spreads over every
#: worker and a long one pays the pool's per-batch cost (pickling, a pipe write and the wake-up
#: of three threads in this process, about a millisecond) once per 32 documents.
CHUNK, MAX_CHUNK = 8, 32
#: Documents checked together at most without workers (a stream's result waits for the rest of
#: its batch to be read; 8 take nearly all that batching saves).
SERIAL_CHUNK = 8


@dataclass(frozen=True, slots=True)
class Failed:
    """A document whose check failed, in its place among the results."""

    id: str | None
    reason: str

    @classmethod
    def of(cls, doc_id: str | None, e: Exception) -> Failed:
        """The check of ``doc_id`` failed with ``e``."""
        return cls(doc_id, f"check failed: {type(e).__name__}: {e}")


_worker_index: Index | None = None
T = TypeVar("T")


def _worker_init(index: Index, parent: int) -> None:
    """Open the caller's ``index`` again in a forked worker, as its kind of index opens it (see
    :func:`xigao.workers.init_worker`), taking the tables the caller has derived (``like``)."""
    global _worker_index
    init_worker(parent)
    kind, path = type(index), str(index.store.path)
    _worker_index = kind.open(path, thresholds=index.thresholds, aliases=index.aliases, like=index)


#: documents to check, and how (the detected kinds, leave_own_out, exclude_quotes, limit)
_Chunk = tuple[list[Document | Failed], tuple[MatchKind, ...], bool, bool, int]


def _worker_check(chunk: _Chunk) -> list[Result | Failed]:
    assert _worker_index is not None
    return check_chunk(_worker_index, *chunk)


def batches(
    items: Iterable[T], workers: int, first: int = CHUNK, most: int = MAX_CHUNK
) -> Iterator[list[T]]:
    """``items`` in lists of ``first`` at first, doubling each time ``workers`` lists have
    been made, up to ``most``. Where reading ``items`` raises, the items read before it come
    first, as a list of their own, then the error."""
    it, size, made = iter(items), first, 0
    while True:
        chunk: list[T] = []
        try:
            for _ in range(size):
                chunk.append(next(it))
        except StopIteration:
            if chunk:
                yield chunk
            return
        except BaseException:
            if chunk:
                yield chunk
            raise
        yield chunk
        made += 1
        if made % workers == 0:
            size = min(most, size * 2)


def as_document(doc: Document | Mapping[str, Any]) -> Document | Failed:
    """The document, or why it is none (no id, no body: :meth:`Document.coerce`)."""
    try:
        return Document.coerce(doc)
    except Exception as e:  # (an id whose str() raises, too)
        doc_id = doc.get("id") if isinstance(doc, Mapping) else None
        return Failed(None if doc_id is None else str(doc_id), f"not a document: {e}")


def check_chunk(
    index: Index,
    docs: list[Document | Failed],
    detect: tuple[MatchKind, ...],
    leave_own_out: bool = False,
    exclude_quotes: bool = False,
    limit: int = LIMIT,
) -> list[Result | Failed]:
    """Each document's result, or why its check failed (one bad document must not stop many),
    in order; the documents are checked together (:meth:`Index.check_batch`)."""
    todo = [d for d in docs if not isinstance(d, Failed)]
    try:
        done = iter(
            index.check_batch(
                todo,
                detect=detect,
                leave_own_out=leave_own_out,
                exclude_quotes=exclude_quotes,
                limit=limit,
            )
        )
    except Exception:  # what they share failed: each on its own, so only the culprit fails
        done = iter(
            [check_one(index, d, detect, leave_own_out, exclude_quotes, limit) for d in todo]
        )
    return [d if isinstance(d, Failed) else next(done) for d in docs]


def check_one(
    index: Index,
    doc: Document,
    detect: tuple[MatchKind, ...],
    leave_own_out: bool = False,
    exclude_quotes: bool = False,
    limit: int = LIMIT,
) -> Result | Failed:
    """One document's result, or why its check failed."""
    try:
        exclude = [doc.id] if leave_own_out else []
        return index.check_document(
            doc, detect=detect, exclude=exclude, exclude_quotes=exclude_quotes, limit=limit
        )
    except Exception as e:
        return Failed.of(doc.id, e)


def check_iter(
    index: Index,
    docs: Iterable[Document | Mapping[str, Any]],
    *,
    detect: str | Iterable[str] | None = None,
    exclude_quotes: bool = False,
    leave_own_out: bool = False,
    workers: int = 1,
    serial: int = SERIAL,
    limit: int = LIMIT,
) -> Generator[Result | Failed, None, None]:
    """Check ``docs`` (dicts or :class:`Document`) against ``index``, yielding each one's
    :class:`Result` or :class:`Failed` in input order (a dict that is no document fails too).

    ``detect``, ``exclude_quotes``, ``limit``: as :meth:`Index.check`; ``leave_own_out``: each
    document is checked as if the indexed document of its id were not indexed (an archive
    against itself).
    ``workers`` > 1 checks in that many forked processes once the input holds more than
    ``serial`` documents (where the platform can fork); they are stopped when the iteration
    ends or is abandoned, and die with this process.
    """
    kinds = parse_detect(detect, index.default_detect)  # a wrong kind raises before any check
    require_limit(limit)
    read = (as_document(d) for d in docs)
    head = list(itertools.islice(read, serial + 1)) if workers > 1 else []
    jobs = itertools.chain(head, read)
    if len(head) <= serial or "fork" not in mp.get_all_start_methods():
        # in lists of 1, 2, 4, then 8: a result waits for at most 7 documents read after it
        for chunk in batches(jobs, 1, first=1, most=SERIAL_CHUNK):
            yield from check_chunk(index, chunk, kinds, leave_own_out, exclude_quotes, limit)
        return
    # forked, the workers get ``index`` as it is in memory here (initializer arguments are not
    # pickled), with its tables derived once, here, and shared (copy on write) by them all
    index.prepare(kinds)
    pool = mp.get_context("fork").Pool(workers, _worker_init, (index, os.getpid()))
    chunks = ((c, kinds, leave_own_out, exclude_quotes, limit) for c in batches(jobs, workers))
    try:
        for done in pool.imap(_worker_check, chunks):
            yield from done
    finally:
        pool.terminate()
