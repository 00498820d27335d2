"""Worker processes die with their parent: no orphan survives a ``kill -9`` of a command."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
XIGAO = [sys.executable, "-c", "from xigao.cli import cli; cli()"]


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _children(parent: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            got = _stat(int(entry))
            if got is not None and got[1] == parent:
                out.add(int(entry))
    return out


def _running(pid: int) -> bool:
    got = _stat(pid)
    return got is not None and got[0] != "Z"  # a zombie has exited


def _dump(path: Path, n: int, seed: int) -> Path:
    """``n`` article-sized documents of random common characters (several seconds' work)."""
    rng = random.Random(seed)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            body = "。".join("".join(rng.choices(chars, k=30)) for _ in range(12))
            f.write(json.dumps({"id": f"d{seed}-{i}", "body": body}, ensure_ascii=False) + "\n")
    return path


def _xigao(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*XIGAO, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_and_check(proc: subprocess.Popen[bytes]) -> None:
    """Wait for the command's workers, SIGKILL the command, and see every worker gone in 5 s."""
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the command finished before it started two workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [w for w in workers if _running(w)]
    for w in left:  # do not leave them behind for the next test either
        os.kill(w, signal.SIGKILL)
    assert not left, f"workers {left} outlived their parent"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _dump(tmp_path_factory.mktemp("dump") / "big.jsonl", 40_000, 1)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("idx")
    path = root / "idx"
    src = _dump(root / "small.jsonl", 50, 2)
    done = subprocess.run(
        [
            *XIGAO,
            "index",
            "build",
            str(src),
            "--index",
            str(path),
            "--no-vectors",
            "--workers",
            "1",
        ],
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()
    return path


@pytest.mark.parametrize("command", ["index build", "index add", "scan"])
def test_workers_die_with_their_command(
    command: str, tmp_path: Path, big: Path, small_index: Path
) -> None:
    """``kill -9`` of ``index build``, ``index add`` or ``scan`` leaves no worker running."""
    if command == "index build":
        args = ["index", "build", str(big), "--index", str(tmp_path / "i"), "--no-vectors"]
    elif command == "index add":
        copy = tmp_path / "copy"
        subprocess.run(["cp", "-r", str(small_index), str(copy)], check=True)
        args = ["index", "add", str(big), "--index", str(copy)]
    else:
        args = ["scan", str(big), "--index", str(small_index), "--detect", "repost,partial"]
        args += ["-o", str(tmp_path / "out.jsonl")]
    _kill_and_check(_xigao(*args, "--workers", "2"))


def test_a_worker_whose_parent_is_gone_exits() -> None:
    """A worker started after its parent died exits at once (the kernel was asked too late)."""
    code = (
        "import os, sys; from xigao.workers import die_with_parent; "
        "die_with_parent(os.getppid() + 1 if os.getppid() != 1 else 2); print('survived')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1 and "survived" not in done.stdout


def test_a_worker_with_its_parent_alive_carries_on() -> None:
    code = "import os; from xigao.workers import die_with_parent; die_with_parent(os.getppid())"
    done = subprocess.run([sys.executable, "-c", code + "; print('alive')"], capture_output=True)
    assert done.returncode == 0 and done.stdout == b"alive\n"
