"""Load benchmark of ``xigao serve``: a real HTTP client, N concurrent connections, T seconds.

    python -m benchmarks.load --index DIR [--build 0] [--seconds 60] [--concurrency 20]

Starts ``xigao serve`` on loopback in a subprocess (or targets ``--url``), then for each detection
mode runs a short warm-up and ``--seconds`` of closed-loop load from ``--concurrency`` connections
(httpx, async), and prints a markdown table: requests, errors, throughput, p50/p95/p99 latency.
The server is stopped at the end. ``--build N`` first builds DIR from the first N CCTV stories
(0 = all 35,926) when DIR does not exist yet.

Articles are ``--chars`` (2,000) characters, built from the shared CCTV stories and the THUCNews
sample (benchmark data, never copied into the repository): a third copy indexed stories whole, a
third paste one indexed story into unindexed text, a third are unindexed text only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.data import load_cctv, load_thucnews, shared_root

MODES = {"fast": "repost,partial", "full": "repost,partial,rewrite", "mixed": "repost,partial"}
#: In ``mixed`` mode, one request in this many is a round of add, check, delete, check.
MIXED_EVERY = 10


@dataclass
class Run:
    mode: str
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    note: str = ""


def articles(index_dir: Path, shared: str | None, n: int, chars: int, seed: int = 7) -> list[str]:
    """``n`` articles of ``chars`` characters: indexed-only, one pasted story, or unindexed."""
    from xigao import Index

    root = shared_root(shared)
    cctv = [d for d in load_cctv(root) if len(d["body"]) >= 200]
    rng = random.Random(seed)
    with Index.open(index_dir) as idx:
        sample = rng.sample(cctv, min(len(cctv), 4000))
        indexed = [d["body"] for d in sample if idx.get(d["id"]) is not None]
        unindexed = [d["body"] for d in sample if idx.get(d["id"]) is None]
    unindexed += [d["body"] for d in load_thucnews(root)]
    if not indexed:
        raise SystemExit(f"{index_dir} holds none of the CCTV stories; build it with --build N")

    def fill(parts: list[str], pool: list[str]) -> str:
        text = "\n".join(parts)
        while len(text) < chars:
            text += "\n" + rng.choice(pool)
        return text[:chars]

    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(fill([], indexed))
        elif i % 3 == 1:
            out.append(fill([rng.choice(unindexed)[:600], rng.choice(indexed)], unindexed))
        else:
            out.append(fill([], unindexed))
    return out


def unindexed_texts(shared: str | None, n: int) -> list[str]:
    """THUCNews articles (never in a CCTV index) to add and delete in ``mixed`` mode."""
    return [d["body"][:1500] for d in load_thucnews(shared_root(shared))[:n]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index_dir: Path, token: str | None) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-c", "from xigao.cli import main; main()", "serve"]
    cmd += ["--index", str(index_dir), "--port", str(port), "--log-level", "warning"]
    env = {**os.environ, **({"XIGAO_TOKEN": token} if token else {})}
    proc = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with status {proc.returncode}")
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not become healthy within 300 s")


async def _round(c: httpx.AsyncClient, run: Run, body: str, n: int) -> None:
    """Add an original, check that a copy finds it, delete it, check that the copy no longer
    does: each step a request (timed); a wrong answer counts as an error (``not visible``,
    ``still visible``)."""
    doc_id = f"load-{os.getpid()}-{n}"
    steps = (
        ("POST", "/v1/originals", {"documents": [{"id": doc_id, "body": body}]}),
        ("CHECK", "/v1/check", {"body": body, "detect": "repost,partial"}),
        ("DELETE", f"/v1/originals/{doc_id}", None),
        ("CHECK-GONE", "/v1/check", {"body": body, "detect": "repost,partial"}),
    )
    for step, path, payload in steps:
        t0 = time.perf_counter()
        run.requests += 1
        try:
            if step == "DELETE":
                r = await c.delete(path)
            else:
                r = await c.post(path, json=payload)
        except httpx.HTTPError as e:
            run.errors[type(e).__name__] += 1
            return
        run.latencies.append(time.perf_counter() - t0)
        if r.status_code != 200:
            run.errors[f"HTTP {r.status_code} on {step}"] += 1
            return
        run.verdicts[step.lower()] += 1
        if step.startswith("CHECK"):
            found = any(m["source_id"] == doc_id for m in r.json()["matches"])
            if found != (step == "CHECK"):
                run.errors["not visible" if step == "CHECK" else "still visible"] += 1


async def load(
    url: str,
    headers: dict[str, str],
    texts: list[str],
    detect: str,
    seconds: float,
    conc: int,
    mixed: list[str] | None = None,
) -> Run:
    """Closed-loop load; with ``mixed`` (unindexed texts), one request in ``MIXED_EVERY`` is a
    round of :func:`_round` on one of them instead of a check."""
    run = Run("mixed: " + detect if mixed else detect)
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:
        counter = iter(range(10**12))
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                n = next(counter)
                if mixed and n % MIXED_EVERY == 0:
                    await _round(c, run, mixed[n % len(mixed)] + f"（第{n}稿）", n)
                    continue
                body = texts[n % len(texts)]
                t0 = time.perf_counter()
                run.requests += 1
                try:
                    r = await c.post("/v1/check", json={"body": body, "detect": detect})
                except httpx.HTTPError as e:
                    run.errors[type(e).__name__] += 1
                    continue
                run.latencies.append(time.perf_counter() - t0)
                if r.status_code == 200:
                    run.verdicts[r.json()["verdict"]] += 1
                else:
                    run.errors[f"HTTP {r.status_code}"] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        run.seconds = time.perf_counter() - t0
    return run


def pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=1000, method="inclusive")[int(q * 10) - 1] * 1000


def table(runs: list[Run], conc: int, chars: int) -> str:
    lines = [
        "| detect | conns | articles | seconds | requests | errors | req/s | p50 ms | p95 ms "
        "| p99 ms | verdicts |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        if r.note:
            lines.append(
                f"| `{r.mode}` | {conc} | {chars} chars | — | — | — | — | — | — | — | {r.note} |"
            )
            continue
        n, errs = r.requests, sum(r.errors.values())
        mix = ", ".join(f"{k} {v}" for k, v in sorted(r.verdicts.items()))
        if r.errors:
            mix += "; errors: " + ", ".join(f"{k} {v}" for k, v in r.errors.items())
        lat = r.latencies
        p50, p95, p99 = (pct(lat, q) for q in (50, 95, 99)) if len(lat) > 1 else (0, 0, 0)
        lines.append(
            f"| `{r.mode}` | {conc} | {chars} chars | {r.seconds:.0f} | {n} "
            f"| {errs} | {n / r.seconds:.1f} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {mix} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--index", required=True, type=Path, help="index of CCTV stories")
    ap.add_argument("--build", type=int, default=None, help="build --index from N stories (0: all)")
    ap.add_argument("--shared", default=None, help="folder holding data/news (default ../shared)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--warmup", type=float, default=5)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--chars", type=int, default=2000)
    ap.add_argument(
        "--modes",
        default="fast,full,mixed",
        help="fast (repost,partial), full (+rewrite), mixed (fast checks with a round of add, "
        "check, delete, check every 10th request)",
    )
    ap.add_argument("--url", default=None, help="a running server instead of starting one")
    ap.add_argument("--token", default=os.environ.get("XIGAO_TOKEN"))
    ap.add_argument("--out", type=Path, default=None, help="also append the table here")
    a = ap.parse_args(argv)
    if a.build is not None and not a.index.exists():
        from xigao import Index

        stories = load_cctv(shared_root(a.shared))
        stories = stories[: a.build] if a.build else stories
        t0 = time.perf_counter()
        Index.build(stories, a.index).close()
        print(
            f"built {a.index}: {len(stories)} stories in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
    texts = articles(a.index, a.shared, 600, a.chars)
    headers = {"Authorization": f"Bearer {a.token}"} if a.token else {}
    proc = None
    try:
        if a.url:
            url = a.url.rstrip("/")
        else:
            proc, url = start_server(a.index, a.token)
        health = httpx.get(url + "/v1/health", timeout=10).json()
        runs = []
        for mode in a.modes.split(","):
            detect = MODES.get(mode.strip(), mode.strip())
            probe = httpx.post(
                url + "/v1/check",
                json={"body": texts[0], "detect": detect},
                headers=headers,
                timeout=120,
            )
            if probe.status_code != 200:
                msg = probe.json().get("message", probe.text[:200])
                runs.append(Run(detect, note=f"not available: HTTP {probe.status_code} {msg}"))
                continue
            fresh = unindexed_texts(a.shared, 400) if mode.strip() == "mixed" else None
            asyncio.run(load(url, headers, texts, detect, a.warmup, a.concurrency, fresh))
            runs.append(
                asyncio.run(load(url, headers, texts, detect, a.seconds, a.concurrency, fresh))
            )
            print(f"{detect}: done", file=sys.stderr)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
    head = (
        f"Load: `python -m benchmarks.load --seconds {a.seconds:.0f} --concurrency "
        f"{a.concurrency}` against an index of {health['documents']} documents (xigao "
        f"{health['version']}), server and client on one machine ({os.cpu_count()} CPUs), loopback."
    )
    text = head + "\n\n" + table(runs, a.concurrency, a.chars) + "\n"
    print(text)
    if a.out:
        with a.out.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
