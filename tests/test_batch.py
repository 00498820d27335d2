from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

import pytest

from xigao import Document, Failed, Index
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


def test_a_batch_gives_each_document_the_result_of_checking_it_alone(
    tmp_path: Path, stories: list[dict]
) -> None:
    """``Index.check_batch`` (the candidate lookups of a worker's documents done together) is
    ``check_document`` of each: copies, a quotation left out, a text too short to match, one
    left out of its own index, and the empty one failing in its place."""
    idx = Index.build(stories[:60], tmp_path / "i", vectors=None)
    docs = [Document(f"c{i}", s["body"]) for i, s in enumerate(stories[:12])]
    docs += [Document(s["id"], s["body"][: 40 + i * 30]) for i, s in enumerate(stories[20:26])]
    docs += [Document("short", "短"), Document("new", stories[70]["body"])]
    docs += [Document("quoted", "他说：“" + stories[3]["body"][:80] + "”")]
    for quotes in (False, True):
        for own in (False, True):
            got = idx.check_batch(
                [*docs, Document("empty", " ")], detect="repost,partial",
                exclude_quotes=quotes, leave_own_out=own,
            )  # fmt: skip
            want = [
                idx.check_document(
                    d,
                    detect="repost,partial",
                    exclude_quotes=quotes,
                    exclude=[d.id] if own else [],
                )
                for d in docs
            ]
            assert got[:-1] == want
            assert isinstance(got[-1], Failed) and "empty body" in got[-1].reason
    assert {r.verdict for r in want[:12]} == {"repost"}
    mixed = idx.check_batch([{"id": "nobody"}, {"id": "c0", "body": docs[0].body}, ["no"]])
    assert isinstance(mixed[0], Failed) and "not a document" in mixed[0].reason
    assert mixed[1] == idx.check_document(docs[0]) and isinstance(mixed[2], Failed)


def test_a_batch_with_full_detection_gives_what_each_check_alone_gives(
    tmp_path: Path, stories: list[dict]
) -> None:
    """With rewrites looked for too (sentence vectors, facts), a batch's results are each
    document's alone: copies, sentence-reversed retellings and unindexed stories."""
    idx = Index.build(stories[:40], tmp_path / "i")
    docs = [Document(f"c{i}", s["body"]) for i, s in enumerate(stories[:3])]
    docs += [
        Document(f"r{i}", "。".join(reversed(s["body"].split("。"))))
        for i, s in enumerate(stories[5:9])
    ]
    docs += [Document(f"n{i}", s["body"]) for i, s in enumerate(stories[60:63])]
    got = idx.check_batch(docs)
    assert got == [idx.check_document(d) for d in docs]
    assert {r.verdict for r in got[:3] if not isinstance(r, Failed)} == {"repost"}


def test_when_the_shared_lookup_fails_each_document_is_looked_up_alone(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch whose joint lookup raises falls back to each document's own: the same results,
    so one bad document cannot fail the documents batched with it."""
    idx = Index.build(stories[:30], tmp_path / "i", vectors=None)
    docs = [Document(f"c{i}", s["body"]) for i, s in enumerate(stories[:6])]
    want = idx.check_batch(docs, detect="repost,partial")

    def broken(*args: object, **kwargs: object) -> None:
        raise MemoryError("no room for the batch")

    monkeypatch.setattr(idx.store, "candidates_many", broken)
    assert idx.check_batch(docs, detect="repost,partial") == want
    assert list(idx.check_iter(docs, detect="repost,partial")) == want
    assert {r.verdict for r in want if not isinstance(r, Failed)} == {"repost"}


def test_an_input_that_breaks_off_is_answered_up_to_where_it_broke_and_read_few_ahead(
    tmp_path: Path, stories: list[dict]
) -> None:
    """Without workers, every document read before the input raised gets its result before
    the error comes through, and a result never waits for more than 8 documents read after
    it (a stream's)."""
    idx = Index.build(stories[:30], tmp_path / "i", vectors=None)
    reads: list[int] = []

    def feed(n: int, fail: bool) -> Iterator[dict]:
        for i in range(n):
            reads.append(i)
            yield {"id": f"c{i}", "body": stories[i % 30]["body"]}
        if fail:
            raise OSError("the stream broke")

    got = []
    with pytest.raises(OSError, match="stream broke"):
        for r in idx.check_iter(feed(20, True), detect="repost,partial"):
            got.append(r)
    assert [r.id for r in got] == [f"c{i}" for i in range(20)]
    reads.clear()
    seen = []
    for k, r in enumerate(idx.check_iter(feed(40, False), detect="repost,partial")):
        assert r.id == f"c{k}"
        seen.append(len(reads))
    assert all(n <= k + 8 for k, n in enumerate(seen)) and seen[0] == 1


def test_a_chunk_whose_batch_check_fails_is_checked_document_by_document(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check_chunk``: where the batch as a whole raises, each document is checked alone,
    and a failed one keeps its place."""
    from xigao.batch import check_chunk

    idx = Index.build(stories[:30], tmp_path / "i", vectors=None)
    docs: list[Document | Failed] = [
        Document(f"c{i}", s["body"]) for i, s in enumerate(stories[:4])
    ]
    docs.insert(2, Failed("x", "not a document: no body"))
    want = check_chunk(idx, docs, ("repost", "partial"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("batch broke")

    monkeypatch.setattr(idx, "check_batch", broken)
    assert check_chunk(idx, docs, ("repost", "partial")) == want
    assert want[2] == docs[2] and {r.verdict for r in want if not isinstance(r, Failed)} == {
        "repost"
    }
