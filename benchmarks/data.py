"""Readers for the shared data (never copied into the repository).

The data root is ``--shared`` (a folder holding ``data/``), else ``$XIGAO_SHARED``, else
``../shared`` next to the repository root.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_root(shared: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the shared folder and check that it holds ``data/news``."""
    root = Path(shared or os.environ.get("XIGAO_SHARED") or REPO_ROOT.parent / "shared")
    if not (root / "data" / "news").is_dir():
        raise FileNotFoundError(
            f"shared data not found under {root}: pass --shared DIR or set XIGAO_SHARED "
            "to the folder that holds data/news/"
        )
    return root


def _jsonl(path: Path) -> Iterator[Doc]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_cctv(root: Path) -> list[Doc]:
    """CCTV 新闻联播 stories; ``group`` is the month (the ``category`` field is constant)."""
    docs = []
    for d in _jsonl(root / "data" / "news" / "cctv_xwlb_stories.jsonl"):
        docs.append(
            {
                "id": d["id"],
                "title": d.get("title") or "",
                "body": d["body"],
                "group": (d.get("time") or "")[:7],
                "corpus": "cctv",
            }
        )
    return docs


def load_thucnews(root: Path) -> list[Doc]:
    """THUCNews sample; the title is glued to the body there, so ``title`` stays empty."""
    docs = []
    path = root / "data" / "news" / "thucnews_1k.tsv"
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            cat, _, text = line.rstrip("\n").partition("\t")
            if text:
                docs.append(
                    {
                        "id": f"thuc-{i:04d}",
                        "title": "",
                        "body": text,
                        "group": cat,
                        "corpus": "thuc",
                    }
                )
    return docs


def load_literature(root: Path) -> list[Doc]:
    """鲁迅 works (group: collection) and classic-novel chapters (group: the novel)."""
    docs = []
    pd = root / "data" / "public_domain"
    for d in _jsonl(pd / "luxun_works.jsonl"):
        parts = str(d["id"]).split("-")
        group = parts[1] if len(parts) > 2 else "鲁迅"
        docs.append(
            {"id": d["id"], "title": d.get("title") or "", "body": d["body"], "group": group}
            | {"corpus": "luxun"}
        )
    for d in _jsonl(pd / "classic_novels_chapters.jsonl"):
        group = str(d["id"]).split("-")[0]
        docs.append(
            {"id": d["id"], "title": d.get("title") or "", "body": d["body"], "group": group}
            | {"corpus": "novels"}
        )
    return docs


def load_cilin(root: Path) -> dict[str, list[list[str]]]:
    """词林 ``=`` groups: word -> list of synonym groups (each a list of words)."""
    table: dict[str, list[list[str]]] = {}
    with (root / "data" / "lexicons" / "cilin_extended.txt").open(encoding="utf-8") as f:
        for line in f:
            code, _, rest = line.strip().partition(" ")
            if not code.endswith("="):
                continue
            words = [w for w in rest.split() if w]
            if len(words) < 2:
                continue
            for w in words:
                table.setdefault(w, []).append(words)
    return table


def read_jsonl(path: str | os.PathLike[str]) -> list[Doc]:
    return list(_jsonl(Path(path)))


def write_jsonl(path: str | os.PathLike[str], rows: Any) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(p)
