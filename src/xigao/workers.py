"""Worker processes that die with the process that started them.

A forked worker outlives a parent killed with SIGKILL (nothing runs in the parent to stop it),
and is left running under pid 1. Each worker therefore asks the kernel to kill it when its
parent dies (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``), and where that is not available
watches its parent from a thread. Either way it exits at once if the parent is already gone
when it starts.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

#: ``prctl`` option: the signal a process gets when its parent (the thread that forked it) dies.
_PR_SET_PDEATHSIG = 1
#: Seconds between looks at the parent where the kernel cannot be asked.
_POLL = 0.5


def default_workers() -> int:
    """Worker processes a build or scan uses unless told: the CPUs, at most 4 (the writer or
    the reader in the parent is the bottleneck beyond)."""
    return min(4, os.cpu_count() or 1)


def _kernel_watch() -> bool:
    """Ask the kernel for SIGKILL when the parent dies; False where it cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        time.sleep(_POLL)
        if os.getppid() != parent:
            os._exit(1)


def init_worker(parent: int) -> None:
    """Set up a checking worker: it dies with ``parent``, and its numeric libraries and the
    static encoder's tokenizer use one thread each (the workers are the parallelism: BLAS
    threads of every worker fighting over the same cores made two workers no faster than one,
    and the tokenizer's threads cost two workers about a tenth of their time)."""
    from threadpoolctl import threadpool_limits

    die_with_parent(parent)
    threadpool_limits(1)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # read at the tokenizer's first use


def die_with_parent(parent: int) -> None:
    """Make this worker process die when ``parent`` (the pid that started it) does.

    Call it first thing in a worker (a pool's initializer, ``parent`` being ``os.getpid()`` in
    the parent when the pool is made). The worker leaves Ctrl-C to the parent, which stops
    it: a terminal's Ctrl-C reaches every process of the group, and each worker interrupted
    mid-task printed its traceback before the parent's one line (black-box review 21)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _kernel_watch():
        threading.Thread(target=_watch, args=(parent,), daemon=True, name="xigao-parent").start()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
