from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XIGAO_SHARED", REPO.parent / "shared"))
CORPORA = REPO / "corpora"


def cctv(n: int, *, skip: int = 0, min_len: int = 200) -> list[dict]:
    """The first ``n`` CCTV stories with at least ``min_len`` characters (benchmark data)."""
    out: list[dict] = []
    with (SHARED / "data" / "news" / "cctv_xwlb_stories.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if len(d["body"]) < min_len:
                continue
            if skip:
                skip -= 1
                continue
            out.append({"id": d["id"], "title": d["title"], "body": d["body"]})
            if len(out) >= n:
                break
    return out


@pytest.fixture(scope="session")
def stories() -> list[dict]:
    return cctv(300)


@pytest.fixture(scope="session")
def originals() -> list[dict]:
    with (CORPORA / "originals.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture()
def built_index(tmp_path: Path, stories: list[dict]) -> Iterator[Path]:
    from xigao import Index

    path = tmp_path / "idx"
    Index.build(stories, path).close()
    yield path
