from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from xigao import Failed, Index
from xigao.batch import check_iter


def _inputs(stories: list[dict]) -> list[object]:
    """Copies of some indexed stories, a few unindexed ones, and three that cannot be checked:
    a dict with no body, an empty body, and no document at all."""
    docs: list[object] = [{"id": f"copy-{s['id']}", "body": s["body"]} for s in stories[:30]]
    docs += [{"id": f"new-{s['id']}", "body": s["body"]} for s in stories[250:270]]
    docs.insert(3, {"id": "no-body"})
    docs.insert(10, {"id": "empty", "body": "   "})
    docs.insert(20, ["not", "a", "document"])
    return docs


def test_workers_answer_every_input_in_order_as_one_process_does(
    tmp_path: Path, stories: list[dict]
) -> None:
    idx = Index.build(stories[:200], tmp_path / "i", vectors=None)
    docs = _inputs(stories)
    here = list(check_iter(idx, docs, detect="repost,partial"))
    there = list(check_iter(idx, docs, detect="repost,partial", workers=2, serial=4))
    assert idx.store._lookup_held is not None  # derived here, once, for the workers to share
    assert len(here) == len(there) == len(docs)
    assert here == there  # results (and failures) compare equal, in input order
    failed = {i: r for i, r in enumerate(here) if isinstance(r, Failed)}
    assert sorted(failed) == [3, 10, 20]
    assert failed[3].id == "no-body" and "no 'body'" in failed[3].reason
    assert failed[10].id == "empty" and "empty body" in failed[10].reason
    assert failed[20].id is None and "not a document" in failed[20].reason
    verdicts = [r.verdict for r in here if not isinstance(r, Failed)]
    assert verdicts[:30] == ["repost"] * 30  # (the others: original, or a partial formula)
    assert len(verdicts) == 50 and "repost" not in verdicts[30:]
    assert idx.check_many(docs, detect="repost,partial") == here


def test_leave_own_out_checks_an_archive_against_the_rest(
    tmp_path: Path, stories: list[dict]
) -> None:
    idx = Index.build(stories[:40], tmp_path / "i", vectors=None)
    own = [{"id": s["id"], "body": s["body"]} for s in stories[:40]]
    assert {r.verdict for r in idx.check_many(own)} == {"repost"}  # each finds itself
    for workers in (1, 2):
        left = idx.check_many(own, leave_own_out=True, workers=workers)
        assert all(not isinstance(r, Failed) for r in left)
        assert all(all(m.source_id != r.id for m in r.matches) for r in left)


def test_an_abandoned_iteration_stops_its_workers(tmp_path: Path, stories: list[dict]) -> None:
    idx = Index.build(stories[:50], tmp_path / "i", vectors=None)
    docs = [{"id": f"c{i}", "body": s["body"]} for i, s in enumerate(stories[:50] * 4)]
    results = idx.check_iter(docs, detect="repost", workers=2)
    assert next(results).verdict == "repost"
    assert len(mp.active_children()) == 2
    results.close()
    assert mp.active_children() == []
