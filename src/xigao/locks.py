"""A lock that lets many checks read an index at once and a write change it alone.

A check reads the index's tables in memory (postings, fact table, vectors, the HNSW graph) and
its rows in SQLite many times over; a write commits its rows and then brings the tables in
step. A check that read some of them before a write and some after saw two indexes at once
(black-box review 19: a check while its original was replaced missed it, called it a partial
copy or named it twice). :class:`ReadWriteLock` keeps the two apart: checks hold it shared, a
write holds it alone from its commit until its tables follow, so a check sees an index as it
was before a write or as it is after it, never between.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


class ReadWriteLock:
    """Shared by any number of threads, or held by one alone.

    A thread waiting to hold it alone goes before threads that come to share it after it (a
    service's steady checks never keep a write waiting for ever); a thread that shares it
    already, or holds it alone, may share it again (a check inside a check, a table derived
    inside a check), never wait for it.

    >>> lock = ReadWriteLock()
    >>> with lock.shared(), lock.shared():
    ...     lock.holding()
    True
    >>> with lock.alone(), lock.shared():
    ...     lock.holding()
    True
    >>> lock.holding()
    False
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer = False
        self._waiting = 0  # threads waiting to hold it alone
        self._local = threading.local()

    def holding(self) -> bool:
        """Whether this thread shares it, or holds it alone, now."""
        return bool(getattr(self._local, "depth", 0)) or getattr(self._local, "alone", False)

    def not_held(self) -> None:
        """Raise ``RuntimeError`` where this thread holds it: a write that waits to hold it
        alone would wait for itself."""
        if self.holding():
            raise RuntimeError("an index cannot be written from inside a check of it")

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        mine = self.holding()  # (held already: no wait)
        if not mine:
            with self._cond:
                while self._writer or self._waiting:
                    self._cond.wait()
                self._readers += 1
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if not mine:
                with self._cond:
                    self._readers -= 1
                    if not self._readers:
                        self._cond.notify_all()

    @contextlib.contextmanager
    def alone(self) -> Iterator[None]:
        self.not_held()
        with self._cond:
            self._waiting += 1
            try:
                while self._writer or self._readers:
                    self._cond.wait()
            except BaseException:  # (interrupted: the checks it held back go on)
                self._waiting -= 1
                self._cond.notify_all()
                raise
            self._waiting -= 1
            self._writer = True
        self._local.alone = True
        try:
            yield
        finally:
            self._local.alone = False
            with self._cond:
                self._writer = False
                self._cond.notify_all()
