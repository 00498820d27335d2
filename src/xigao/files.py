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

import os
import re
import tempfile
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


def build_dir(dest: Path, what: str) -> Path:
    """A new empty folder beside ``dest`` (``.NAME.WHAT-XXXX``) to build ``dest`` in before it is
    moved into place, with the mode ``mkdir`` would give it."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{what}-", dir=dest.parent))
    tmp.chmod(0o777 & ~umask())
    return tmp
