"""Folders built aside and moved into place: made with the mode a plain ``mkdir`` gives.

``tempfile.mkdtemp`` makes its folder 0700, which a folder moved into place keeps: an index
or a model built so could be read by no other user (a service running as its own user, the
Docker image's). :func:`build_dir` makes it as ``mkdir`` would, under this process's umask.

>>> import os, stat, tempfile
>>> d = build_dir(Path(tempfile.mkdtemp()) / "idx", "build")
>>> d.name.startswith(".idx.build-"), stat.S_IMODE(d.stat().st_mode) == 0o777 & ~umask()
(True, True)
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import tempfile
import time
from pathlib import Path


def umask() -> int:
    """This process's umask: read from ``/proc`` where there is one (setting it to read it
    would change it for every thread meanwhile), else set and put back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            got = re.search(r"^Umask:\s*([0-7]+)", f.read(), re.M)
        if got:
            return int(got.group(1), 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: A build folder left this long (seconds) was left by a build that died (``kill -9``, a power
#: cut): the next build of the same folder removes it. A day: no build takes that long.
STALE_BUILD = 24 * 3600


def build_dir(dest: Path, what: str) -> Path:
    """A new empty folder beside ``dest`` (``.NAME.WHAT-XXXX``) to build ``dest`` in before it is
    moved into place, with the mode ``mkdir`` would give it. Folders of the same name that
    nothing has written in for ``STALE_BUILD`` seconds (a build that died) are removed first."""
    now = time.time()
    ours = re.compile(re.escape(f".{dest.name}.{what}-") + r"[a-z0-9_]{8}")  # (mkdtemp's names)
    for old in dest.parent.glob(f".{glob.escape(dest.name)}.{what}-*"):
        with contextlib.suppress(OSError):
            dead = ours.fullmatch(old.name) and not old.is_symlink() and old.is_dir()
            if dead and now - _last_written(old) > STALE_BUILD:
                shutil.rmtree(old, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{what}-", dir=dest.parent))
    tmp.chmod(0o777 & ~umask())
    return tmp


def _last_written(folder: Path) -> float:
    """When anything in ``folder`` was last written: a build writes its files, not the folder
    (whose own time changes only as files come and go)."""
    times = [folder.stat().st_mtime]
    for f in folder.iterdir():
        with contextlib.suppress(OSError):
            times.append(f.stat().st_mtime)
    return max(times)
