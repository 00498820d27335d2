from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis_settings

# CI (`.ci/run` sets XIGAO_HYPOTHESIS_PROFILE=ci) tries the same examples every run: a failure
# there is reproducible, not a roll of the dice; elsewhere Hypothesis searches anew each run.
_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("XIGAO_HYPOTHESIS_PROFILE"):
    _hypothesis_settings.load_profile(os.environ["XIGAO_HYPOTHESIS_PROFILE"])

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
