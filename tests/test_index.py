from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xigao import Index, IndexFormatError
from xigao.ann import ANN_FILE
from xigao.normalize import NORMALIZER_VERSION
from xigao.storage import DB_NAME, FORMAT_VERSION, LOOKUP_FILE, TERMS_FILE, IndexStore

from .conftest import cctv


def test_build_open_round_trip(built_index: Path, stories: list[dict]) -> None:
    idx = Index.open(built_index)
    assert len(idx) == len(stories)
    doc = idx.get(stories[5]["id"])
    assert doc is not None and doc.body == stories[5]["body"] and doc.title == stories[5]["title"]
    info = idx.info()
    assert info["documents"] == len(stories) and info["format_version"] == FORMAT_VERSION
    assert 0 < info["sketch_bytes_per_document"] < 2048


def test_lookup_rebuilt_on_open_equals_incremental(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The postings a process derives from the stored sketches (a chunk of rows at a time:
    here 7, so that there are many) equal those kept in step with every write."""
    monkeypatch.setattr("xigao.storage.LOOKUP_CHUNK", 7)
    idx = Index.build(stories[:100], tmp_path / "i")
    assert idx.store._lookup_held is None  # derived on first use: a build never reads it
    assert idx.store._lookup.size == 100  # now derived, and kept in step with the writes
    idx.add(stories[100:200])
    idx.add(stories[50:60])  # replacements
    idx.remove([stories[0]["id"], stories[150]["id"]])
    inc = idx.store._lookup
    fresh = IndexStore.open(tmp_path / "i")._lookup
    assert inc.size == fresh.size == 198
    for a, b in [(inc.fp_keys, fresh.fp_keys), (inc.band_keys, fresh.band_keys)]:
        assert np.array_equal(a, b)
    assert np.array_equal(inc.band_docs, fresh.band_docs)
    assert fresh.fp_docs.dtype == fresh.band_docs.dtype == inc.fp_docs.dtype == np.uint32

    def postings(lk: object) -> list[tuple[int, int, int]]:
        cols = (lk.fp_keys, lk.fp_docs, lk.fp_pos)  # type: ignore[attr-defined]
        return sorted(zip(*(c.tolist() for c in cols), strict=True))

    assert postings(inc) == postings(fresh)


def test_writes_before_the_first_read_are_in_the_lookup(
    tmp_path: Path, stories: list[dict]
) -> None:
    """Adds and removes before any check leave the postings underived; the first check derives
    them with every write in, and the count is right before and after."""
    Index.build(stories[:30], tmp_path / "i", vectors=None).close()
    idx = Index.open(tmp_path / "i")
    idx.add(stories[30:40])
    idx.remove([stories[0]["id"]])
    assert idx.store._lookup_held is None
    assert len(idx) == 39
    res = idx.check(stories[35]["body"], detect="repost,partial")
    assert res.verdict == "repost" and res.matches[0].source_id == stories[35]["id"]
    assert idx.check(stories[0]["body"], detect="repost,partial").verdict == "original"
    assert idx.store._lookup_held is not None and len(idx) == 39


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    """Sketching in forked workers (several batches) changes nothing stored, nor any row id."""
    stories = cctv(1100)
    docs = [*stories, dict(stories[3], body=stories[4]["body"])]  # a repeated id
    serial = Index.build(docs, tmp_path / "s", vectors=None)
    forked = Index.build(docs, tmp_path / "p", vectors=None, workers=2)
    assert len(serial) == len(forked) == len(stories)
    query = "SELECT rowid, id, body, nkey, minhash, fps, fpos FROM docs JOIN sketches USING (rowid)"
    rows = [
        sqlite3.connect(p / DB_NAME).execute(query + " ORDER BY rowid").fetchall()
        for p in (tmp_path / "s", tmp_path / "p")
    ]
    assert rows[0] == rows[1]
    assert forked.get(stories[3]["id"]).body == stories[4]["body"]  # type: ignore[union-attr]


def test_row_ids_are_never_reused(tmp_path: Path, stories: list[dict]) -> None:
    idx = Index.build(stories[:5], tmp_path / "i", vectors=None)
    last = stories[4]["id"]
    idx.remove([last])
    rep = idx.add([stories[5], dict(stories[6], id="dup"), dict(stories[7], id="dup")])
    assert (rep.added, rep.replaced) == (2, 1)
    con = sqlite3.connect(tmp_path / "i" / DB_NAME)
    assert [r for (r,) in con.execute("SELECT rowid FROM docs ORDER BY rowid")] == [
        1,
        2,
        3,
        4,
        6,
        7,
    ]
    assert idx.get("dup").body == stories[7]["body"]  # type: ignore[union-attr]


def test_same_id_replaces(tmp_path: Path) -> None:
    idx = Index.build(
        [{"id": "a", "body": "第一版的正文内容，讲的是今年的粮食生产情况和夏粮收购进度。"}],
        tmp_path / "i",
    )
    rep = idx.add(
        [{"id": "a", "body": "第二版：全国秋粮收购已经全面展开，各地加快烘干仓储设施建设。"}]
    )
    assert (rep.added, rep.replaced) == (0, 1)
    assert len(idx) == 1
    assert idx.check("全国秋粮收购已经全面展开，各地加快烘干仓储设施建设。").verdict == "repost"
    assert (
        idx.check("第一版的正文内容，讲的是今年的粮食生产情况和夏粮收购进度。").verdict
        == "original"
    )


def test_remove_reports_missing(built_index: Path, stories: list[dict]) -> None:
    idx = Index.open(built_index)
    assert idx.remove([stories[0]["id"], "nope"]) == ["nope"]
    assert idx.get(stories[0]["id"]) is None
    assert idx.check(stories[0]["body"]).verdict in ("original", "partial")
    assert len(Index.open(built_index)) == len(stories) - 1


def _table(store: IndexStore) -> list[tuple[int, int]]:
    t = store.terms()
    return list(zip(t.keys.tolist(), t.rows.tolist(), strict=True))


def test_a_store_opened_like_another_shares_its_tables_only_while_they_hold_what_is_stored(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A forked worker opens the index ``like`` its parent: it takes the parent's postings,
    fact table and vectors as they are (no copy, nothing derived), unless the documents stored
    have changed since they were derived; then it derives its own, with the change in."""
    path = tmp_path / "i"
    Index.build(stories[:40], path).close()
    parent = Index.open(path)
    parent.prepare()  # the postings and the fact table
    child = Index.open(path, like=parent)
    assert child.store._lookup_held is parent.store._lookup_held
    assert child.store._terms is not None and child.store._terms.keys is parent.store._terms.keys
    assert child.store._vecs is parent.store._vecs
    res = child.check(stories[7]["body"])
    assert res.verdict == "repost" and res.matches[0].source_id == stories[7]["id"]
    # another process adds a story: the parent's tables no longer hold what is stored
    writer = Index.open(path)
    writer.add([stories[40]])
    writer.close()
    late = Index.open(path, like=parent)
    assert late.store._lookup_held is None and late.store._terms is None
    assert late.store._vecs is not parent.store._vecs and len(late.store._vecs.ids) == 41
    res = late.check(stories[40]["body"])
    assert res.verdict == "repost" and res.matches[0].source_id == stories[40]["id"]
    assert late.store._lookup.size == 41 and len(late.store.terms()) == 41
    other = Index.build(stories[:40], tmp_path / "j")  # the same texts, another index
    assert Index.open(tmp_path / "j", like=parent).store._lookup_held is None
    for i in (parent, child, late, other):
        i.close()


def test_fact_table_is_saved_and_only_trusted_when_its_stamp_matches(
    tmp_path: Path, stories: list[dict]
) -> None:
    """The fact table derived on first use is saved; the next process loads it, one whose
    documents changed (here, or in another process) derives it again, and a table kept in step
    with writes is saved on close: every way, the table equals one derived from scratch."""
    path = tmp_path / "i"
    Index.build(stories[:60], path).close()
    first = IndexStore.open(path)
    derived = _table(first)
    saved = path / TERMS_FILE
    assert saved.exists()
    stamp = saved.stat().st_mtime_ns
    assert _table(IndexStore.open(path)) == derived  # loaded, not derived again
    assert saved.stat().st_mtime_ns == stamp
    # another process adds and removes without the table loaded: the saved one is stale
    other = Index.open(path)
    other.add(stories[60:80])
    other.remove([stories[3]["id"]])
    other.close()
    again = IndexStore.open(path)
    stale = _table(again)
    assert stale != derived and saved.stat().st_mtime_ns != stamp
    # writes with the table loaded keep it in step, and close saves it
    live = Index.open(path)
    live.store.terms()
    again_81 = {**stories[81], "body": stories[81]["body"] + "又及：本台记者补充报道。"}
    live.add([*stories[80:90], again_81, {**stories[5], "body": stories[6]["body"]}])
    live.remove([stories[70]["id"]])
    kept = _table(live.store)
    live.close()
    stamp = saved.stat().st_mtime_ns
    assert _table(IndexStore.open(path)) == kept
    assert saved.stat().st_mtime_ns == stamp  # trusted: its stamp follows the writes made
    saved.unlink()
    assert _table(IndexStore.open(path)) == kept


def _postings(store: IndexStore) -> list[list[int]]:
    store.prepare_lookup()
    return _postings_of(store._lookup)


def test_postings_are_saved_and_only_trusted_when_their_stamp_matches(
    tmp_path: Path, stories: list[dict]
) -> None:
    """The postings derived on first use are saved; the next process reads them back, one
    whose documents changed since derives them again, and so does one that finds the file
    damaged: every way, they equal postings derived from the stored sketches."""
    path = tmp_path / "i"
    Index.build(stories[:60], path, vectors=None).close()
    first = IndexStore.open(path)
    derived = _postings(first)
    assert derived == _postings_of(first._derive_lookup())
    saved = path / LOOKUP_FILE
    stamp = saved.stat().st_mtime_ns
    reopened = IndexStore.open(path)
    reopened._derive_lookup = None  # type: ignore[method-assign,assignment]  # must not be called
    assert _postings(reopened) == derived  # read back, not derived again
    assert saved.stat().st_mtime_ns == stamp
    other = Index.open(path)  # another process writes: the saved postings are stale
    other.add(stories[60:80])
    other.remove([stories[3]["id"]])
    other.close()
    again = IndexStore.open(path)
    fresh = _postings(again)
    assert fresh != derived and fresh == _postings_of(again._derive_lookup())
    assert saved.stat().st_mtime_ns != stamp
    saved.write_bytes(saved.read_bytes()[:1000])  # cut short
    assert _postings(IndexStore.open(path)) == fresh
    copy = Index.open(path)
    assert copy.check(stories[70]["body"], detect="repost").verdict == "repost"
    # empty, as a rename without its data can leave one after a power cut (review 8): the
    # postings and the fact table are derived again, and saved again, not refused
    copy.store.terms()
    copy.close()
    for f in (saved, path / TERMS_FILE):
        f.write_bytes(b"")
    empty = Index.open(path)
    assert empty.check(stories[71]["body"]).verdict == "repost"
    assert _postings(empty.store) == fresh and len(empty.store.terms()) == 79
    assert saved.stat().st_size > 0 and (path / TERMS_FILE).stat().st_size > 0
    empty.close()


def test_an_index_is_built_with_the_mode_mkdir_gives(tmp_path: Path, stories: list[dict]) -> None:
    """Built aside in a temporary folder (0700) and moved into place, an index was readable by
    its builder alone: a service running as another user (the Docker image's) could not open
    it (review 8). It now has the mode ``mkdir`` gives under the umask."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        Index.build(stories[:3], tmp_path / "idx", vectors=None).close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "idx").stat().st_mode) == 0o755


def test_saved_tables_are_not_trusted_across_two_histories_of_one_index(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A backup restored and then written otherwise can hold as many rows, with the same
    largest and the same sum of row ids, as the index the tables were saved from: the write
    generation tells them apart, so the postings and the fact table are derived again and
    every indexed story still finds itself."""
    path = tmp_path / "i"
    Index.build(stories[:60], path, vectors=None).close()
    backup = (path / DB_NAME).read_bytes()
    a = Index.open(path)
    a.remove([stories[2]["id"], stories[6]["id"]])  # rows 3 and 7
    a.close()
    first = IndexStore.open(path)
    _postings(first), _table(first)  # saved: rows 1..60 but 3 and 7
    first.close()
    for name in ("-wal", "-shm"):
        (path / (DB_NAME + name)).unlink(missing_ok=True)
    (path / DB_NAME).write_bytes(backup)
    b = Index.open(path)
    b.remove([stories[3]["id"], stories[5]["id"]])  # rows 4 and 6: same count, max and sum
    b.close()
    again = IndexStore.open(path)
    assert _postings(again) == _postings_of(again._derive_lookup())
    assert _table(again) == _table_of(again)
    idx = Index.open(path)
    for s in (stories[2], stories[6], stories[10]):
        assert idx.check(s["body"], detect="repost").verdict == "repost"


def _table_of(store: IndexStore) -> list[tuple[int, int]]:
    from xigao.storage import _keys
    from xigao.terms import Terms

    rows = store._con().execute("SELECT rowid, body FROM docs").fetchall()
    t = Terms.of([r for r, _ in rows], _keys([b for _, b in rows]))
    return list(zip(t.keys.tolist(), t.rows.tolist(), strict=True))


def _postings_of(lk: object) -> list[list[int]]:
    return [
        getattr(lk, n).tolist() for n in ("fp_keys", "fp_docs", "fp_pos", "band_keys", "band_docs")
    ]


def test_build_refuses_to_clobber(built_index: Path, stories: list[dict]) -> None:
    with pytest.raises(FileExistsError, match="overwrite"):
        Index.build(stories[:3], built_index)
    Index.build(stories[:3], built_index, overwrite=True)
    assert len(Index.open(built_index)) == 3


def test_version_mismatch_is_a_clear_error(built_index: Path) -> None:
    con = sqlite3.connect(built_index / DB_NAME)
    with con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    con.close()
    with pytest.raises(IndexFormatError, match=r"format version 99.*upgrade"):
        Index.open(built_index)


def test_missing_or_corrupt_index(tmp_path: Path) -> None:
    with pytest.raises(IndexFormatError, match="no index"):
        Index.open(tmp_path / "nothing")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / DB_NAME).write_bytes(b"not a database" * 100)
    with pytest.raises(IndexFormatError, match="not a readable"):
        Index.open(tmp_path / "bad")


def test_no_pickle_in_storage(built_index: Path) -> None:
    con = sqlite3.connect(built_index / DB_NAME)
    blob = con.execute("SELECT minhash, fps FROM sketches LIMIT 1").fetchone()
    assert len(blob[0]) == 128 * 4 and len(blob[1]) % 4 == 0
    assert not blob[0].startswith(b"\x80")


CRASH_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from xigao import Index
    idx = Index.open(sys.argv[1])
    docs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
    marker = Path(sys.argv[3])
    def slow():
        for i, d in enumerate(docs):
            if i == 600:
                marker.write_text("mid-add")   # the transaction holds 512+ new rows now
                import time; time.sleep(60)
            yield d
    idx.add(slow())
    """
)


def test_kill_9_mid_add_keeps_previous_contents(tmp_path: Path, stories: list[dict]) -> None:
    import json

    path = tmp_path / "idx"
    Index.build(stories[:50], path).close()
    extra = cctv(700, skip=400)
    src = tmp_path / "extra.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in extra), "utf-8")
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(path), str(src), str(marker)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.time() + 120
        while not marker.exists():
            assert proc.poll() is None, "the adding process died early"
            assert time.time() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    idx = Index.open(path)
    assert len(idx) == 50
    assert idx.get(extra[0]["id"]) is None
    assert idx.check(stories[3]["body"]).verdict == "repost"
    idx.add(extra[:5])  # and it is writable again
    assert len(Index.open(path)) == 55


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(
            alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
            min_size=1,
            max_size=80,
        ),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_save_load_round_trip(tmp_path_factory: pytest.TempPathFactory, bodies: list[str]) -> None:
    path = tmp_path_factory.mktemp("rt") / "idx"
    docs = [
        {"id": f"d{i}", "title": f"标题{i}", "body": b, "source": "测试"}
        for i, b in enumerate(bodies)
    ]
    Index.build(docs, path).close()
    idx = Index.open(path)
    assert len(idx) == len(docs)
    for d in docs:
        got = idx.get(d["id"])
        assert got is not None
        assert (got.id, got.body, got.title, dict(got.meta)) == (
            d["id"],
            d["body"],
            d["title"],
            {"source": "测试"},
        )


def test_hnsw_candidates_follow_adds_and_removes(tmp_path: Path, stories: list[dict]) -> None:
    """Beyond ``ann_min_docs`` vectors, nearest() uses the HNSW graph, kept in step."""
    idx = Index.build(stories[:120], tmp_path / "i")
    store = idx.store
    exact = {d["id"]: store.nearest(store._vecs.mat[i], 3) for i, d in enumerate(stories[:5])}
    store.ann_min_docs = 10
    for i, d in enumerate(stories[:5]):
        got = store.nearest(store._vecs.mat[i], 3)
        assert got[0][0] == exact[d["id"]][0][0]
        assert abs(got[0][1] - exact[d["id"]][0][1]) < 1e-3
    assert store._graph.hnsw is not None
    idx.add(stories[200:201])
    new_row = store._vecs.ids[-1]
    assert store.nearest(store._vecs.mat[-1], 1)[0][0] == new_row
    idx.remove([stories[200]["id"]])
    assert all(r != new_row for r, _ in store.nearest(store._vecs.mat[-1], 5))


def test_hnsw_graph_is_saved_and_only_trusted_when_its_stamp_matches(
    tmp_path: Path, stories: list[dict]
) -> None:
    path = tmp_path / "i"
    Index.build(stories[:120], path).close()

    def ann_store(p: Path) -> IndexStore:
        store = IndexStore.open(p)
        store.ann_min_docs = 10
        return store

    first = ann_store(path)
    query = first._vecs.mat[7]
    want = first.nearest(query, 3)
    graph = path / ANN_FILE
    assert graph.is_file() and (path / (ANN_FILE + ".json")).is_file()
    built = graph.stat().st_mtime_ns
    first.close()

    again = ann_store(path)  # restored from disk, not rebuilt
    assert again.nearest(query, 3) == want
    assert graph.stat().st_mtime_ns == built
    again.close()

    writer = Index.open(path)  # another process adds without a graph in memory
    writer.store.ann_min_docs = 1000  # (below the threshold it does not load the graph)
    writer.add(stories[200:201])
    writer.close()
    fresh = ann_store(path)
    new_row = int(fresh._vecs.ids[-1])
    assert fresh.nearest(fresh._vecs.mat[-1], 1)[0][0] == new_row  # stale graph was rebuilt
    assert graph.stat().st_mtime_ns != built
    fresh.remove([stories[200]["id"]])
    fresh.close()  # saves the updated graph
    last = ann_store(path)
    assert all(r != new_row for r, _ in last.nearest(last._vecs.mat[-1], 5))


def test_large_index_gets_its_graph_at_build_and_keeps_it_through_adds(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("xigao.storage.ANN_MIN_DOCS", 50)
    path = tmp_path / "i"
    idx = Index.build(stories[:60], path)
    assert idx.store._graph.hnsw is not None and (path / ANN_FILE).is_file()
    idx.add(stories[60:61])
    idx.close()  # the graph followed the add and is saved with a matching stamp
    again = IndexStore.open(path)
    assert again._graph.load(again._current_vectors) is not None


def test_centred_cosine_equals_the_direct_formula() -> None:
    from xigao.retrieval import _Vectors

    rng = np.random.default_rng(3)
    mat = rng.normal(size=(50, 16)).astype(np.float32) + 2.0  # a shared component, as in news
    mat /= np.linalg.norm(mat, axis=1, keepdims=True)
    vs = _Vectors.of(np.arange(100, 0, -2, dtype=np.int64), mat)
    assert (np.diff(vs.ids) > 0).all()  # kept in row-id order
    q = rng.normal(size=16).astype(np.float32) + 2.0
    q /= np.linalg.norm(q)
    c = vs.mat - vs.mat.mean(axis=0)
    qc = q - vs.mat.mean(axis=0)
    direct = (c @ qc) / (np.linalg.norm(c, axis=1) * np.linalg.norm(qc))
    assert np.allclose(vs.centred_cosine(q), direct, atol=1e-4)
    at = np.array([3, 7, 11])
    assert np.allclose(vs.centred_cosine(q, at), direct[at], atol=1e-4)
    # centring spreads what the shared component squeezed together
    assert np.ptp(direct) > np.ptp(vs.mat @ q)


def test_hnsw_graph_is_built_from_one_snapshot_of_the_vectors(tmp_path: Path) -> None:
    """An add on another thread may replace the store's vectors while the graph is built: the
    graph's ids, vectors and saved stamp must all come from the same snapshot."""
    import json

    from xigao.ann import Graph
    from xigao.retrieval import _Vectors

    rng = np.random.default_rng(0)
    mats = [rng.standard_normal((n, 8)).astype(np.float32) for n in (20, 25, 30)]
    snapshots = iter([_Vectors.of(np.arange(1, len(m) + 1, dtype=np.int64), m) for m in mats])

    def current() -> _Vectors:  # every read sees a newer snapshot, as under a racing add
        return next(snapshots)

    graph = Graph(tmp_path, "static", 8)
    ann = graph.build(current)
    assert len(ann) == 20
    stamp = json.loads((tmp_path / (ANN_FILE + ".json")).read_text(encoding="utf-8"))
    assert stamp["count"] == 20 and stamp["max"] == 20


def test_build_never_replaces_a_folder_of_other_files(tmp_path: Path, stories: list[dict]) -> None:
    """--overwrite replaces an index, never a folder that holds something else (a mistyped
    ``--index .``): its files are still there after the refusal."""
    folder = tmp_path / "precious"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.docx").write_text("my thesis")
    (folder / "sub" / "notes.txt").write_text("x")
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match="no xigao index"):
            Index.build(stories[:3], folder, overwrite=overwrite, vectors=None)
    assert (folder / "thesis.docx").read_text() == "my thesis"
    assert (folder / "sub" / "notes.txt").is_file()
    assert not any(p.name.startswith(".precious") for p in tmp_path.iterdir())


def test_remove_takes_one_id_as_a_str(tmp_path: Path, stories: list[dict]) -> None:
    """``remove("12")`` removes the original "12", not "1" and "2"."""
    docs = [dict(stories[k], id=i) for k, i in enumerate(("1", "2", "12"))]
    idx = Index.build(docs, tmp_path / "idx", vectors=None)
    try:
        assert idx.remove("12") == [] and sorted(idx.store.ids()) == ["1", "2"]
        assert idx.remove("xwlb") == ["xwlb"] and len(idx) == 2
    finally:
        idx.close()


def test_a_build_left_by_a_build_that_died_is_cleared(tmp_path: Path, stories: list[dict]) -> None:
    """``kill -9`` of ``index build`` leaves its half-built folder beside the index: the next
    build of that index removes one nothing has written in for a day, never a build whose
    files are still being written (its folder's own time does not move), nor a folder of
    another name."""
    import os
    import time

    from xigao.files import STALE_BUILD

    old = time.time() - STALE_BUILD - 60
    made = {}
    for name in ("dead0000", "long0000", "other"):
        d = tmp_path / f".idx.build-{name}"
        d.mkdir()
        (d / "index.sqlite").write_bytes(b"half")
        made[name] = d
    for d in made.values():  # every folder's own time a day old
        os.utime(d / "index.sqlite", (old, old))
        os.utime(d, (old, old))
    os.utime(made["long0000"] / "index.sqlite")  # a build still writing its database
    Index.build(stories[:3], tmp_path / "idx", vectors=None).close()
    assert not made["dead0000"].exists()
    assert made["long0000"].exists() and made["other"].exists()


def test_an_index_of_a_newer_xigao_says_upgrade(tmp_path: Path, stories: list[dict]) -> None:
    """An index built by a newer xigao asks for an upgrade, not a rebuild (which would throw the
    newer format away); an older one for a rebuild (review 8)."""
    import sqlite3

    from xigao import IndexFormatError

    path = tmp_path / "idx"
    Index.build(stories[:3], path, vectors=None).close()
    for version, said in ((FORMAT_VERSION + 1, "upgrade xigao"), (FORMAT_VERSION - 1, "rebuild")):
        con = sqlite3.connect(path / DB_NAME)
        with con:
            con.execute("UPDATE meta SET value = ? WHERE key = 'format_version'", (str(version),))
        con.close()
        with pytest.raises(IndexFormatError, match=said):
            Index.open(path)


def test_an_index_on_read_only_storage_is_checked_not_written(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``:ro`` volume or a check-only replica: SQLite cannot make the ``-shm`` file a WAL
    database is read with, so such an index could not even be opened ("not a readable xigao
    index", review 8). It is read as immutable: checks work, fast and full, and a write says
    why it cannot be. (Root may write anywhere: the storage's answer is what is faked.)"""
    from xigao import IndexFormatError, storage

    path = tmp_path / "idx"
    Index.build(stories[:20], path).close()
    writer = Index.open(path)  # (another user's process, writing where this one cannot)
    monkeypatch.setattr(storage, "writable", lambda folder: False)
    idx = Index.open(path)
    assert idx.store._readonly and not idx.store._immutable
    res = idx.check(stories[4]["body"])
    assert res.verdict == "repost" and res.matches[0].source_id == stories[4]["id"]
    assert idx.check(stories[5]["body"], detect="repost,partial").verdict == "repost"
    assert len(idx) == 20 and not idx.sync()
    for write in (lambda: idx.add([stories[30]]), lambda: idx.remove(stories[0]["id"])):
        with pytest.raises(IndexFormatError, match="read-only storage"):
            write()
    writer.add([stories[31]])  # the writer's commit, in its -wal: seen by the next check
    res = idx.check(stories[31]["body"])
    assert res.verdict == "repost" and res.matches[0].source_id == stories[31]["id"]
    assert len(idx) == 21
    writer.close()
    idx.close()


def test_read_only_storage_for_real(tmp_path: Path, stories: list[dict]) -> None:
    """An index root writes, read by a process of another user (``nobody``) that may not
    write in its folder: read through read-only connections, it sees the writer's commits
    (its ``-wal`` included) and refuses to write. Run where ``setpriv`` can drop to that user
    and the user can import xigao (not from a private checkout)."""
    import os
    import shutil
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run a reader as another user")
    cache, shared = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    try:
        _read_only_reader(stories, cache, shared)
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def _read_only_reader(stories: list[dict], cache: Path, shared: Path) -> None:
    import os
    import subprocess
    import sys

    cache.chmod(0o777)
    shared.chmod(0o755)  # (pytest's own folders are private to root)
    env = {**os.environ, "HOME": str(cache), "XIGAO_CACHE": str(cache)}
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    probe = subprocess.run([*drop, sys.executable, "-c", "import xigao"], env=env, check=False)
    if probe.returncode:
        pytest.skip("the other user cannot import xigao from here")
    path = shared / "idx"
    Index.build(stories[:10], path, vectors=None).close()
    writer = Index.open(path)
    writer.add([stories[20]])  # (committed, in the -wal the writer keeps open)
    reader = (
        "import sys, xigao\n"
        "idx = xigao.Index.open(sys.argv[1])\n"
        "print(idx.check(sys.argv[2], detect='repost,partial').verdict, len(idx))\n"
        "try:\n"
        "    idx.add([{'id': 'n', 'body': sys.argv[2]}])\n"
        "except xigao.IndexFormatError as e:\n"
        "    print('refused', 'read-only' in str(e))\n"
    )
    for story, n in ((stories[20], 11), (stories[21], 12)):
        if n == 12:
            writer.add([stories[21]])
        got = subprocess.run(
            [*drop, sys.executable, "-c", reader, str(path), story["body"]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert got.stdout.split() == ["repost", str(n), "refused", "True"], got.stderr[-800:]
    writer.close()


def test_an_add_reads_its_originals_before_it_locks_the_index(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A day's add from cron reads, sketches and encodes its originals before it takes the
    index's write lock, so another process's writes (a service's uploads) wait only while it
    writes them (review 8: the lock was taken before the first record was read)."""
    path = tmp_path / "idx"
    Index.build(stories[:5], path).close()
    idx = Index.open(path)
    probe = sqlite3.connect(path / DB_NAME, timeout=0)  # another process's write
    free = []

    def docs() -> Iterator[dict]:
        for s in stories[10:20]:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                free.append(True)
            except sqlite3.OperationalError:
                free.append(False)
            yield s

    idx.add(docs())
    assert free == [True] * 10 and len(idx) == 15
    assert idx.check(stories[15]["body"]).verdict == "repost"
    probe.close()
    idx.close()


def _age(path: Path, normalizer: str = "4") -> None:
    """Make the index at ``path`` read as built by a xigao of an older normalizer."""
    con = sqlite3.connect(path / DB_NAME)
    with con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'normalizer_version'", (normalizer,))
    con.close()


def test_an_index_of_an_older_normalizer_is_rebuilt_from_what_it_stores(tmp_path: Path) -> None:
    # a platform that fed its originals through the service has no source files to build a
    # refused index from again (black-box review 14, finding 8)
    from xigao.storage import stored_originals

    docs = [
        {"id": d["id"], "title": d["title"] or None, "body": d["body"], "n": i}
        for i, d in enumerate(cctv(12))
    ]
    Index.build(docs, tmp_path / "ix", vectors=None, genre="fiction", workers=1).close()
    _age(tmp_path / "ix")
    with pytest.raises(IndexFormatError, match="index rebuild"):
        Index.open(tmp_path / "ix")
    idx = Index.rebuild(tmp_path / "ix", workers=1)
    assert idx.info()["normalizer_version"] == NORMALIZER_VERSION
    assert idx.fiction and not idx.store.vectors  # its genre and encoder kept
    stored = [(d.id, d.title, d.body, dict(d.meta)) for d in stored_originals(tmp_path / "ix")]
    assert stored == [(d["id"], d["title"], d["body"], {"n": d["n"]}) for d in docs]
    res = idx.check(docs[3]["body"])
    assert res.verdict == "repost" and res.matches[0].source_id == docs[3]["id"]
    idx.close()
    with pytest.raises(IndexFormatError, match="no local index"):
        Index.rebuild(tmp_path / "nothing")


def test_a_rebuild_holds_the_write_lock_and_refuses_a_newer_index(tmp_path: Path) -> None:
    # an add by another process during a rebuild would be lost to it (diff review 14): the old
    # index's write lock is held while its originals are read and built anew
    from xigao.storage import held_originals

    Index.build(cctv(3), tmp_path / "ix", vectors=None, workers=1).close()
    with held_originals(tmp_path / "ix") as (_, docs):
        assert len(list(docs)) == 3
        other = sqlite3.connect(tmp_path / "ix" / DB_NAME, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    _age(tmp_path / "ix", "9")  # a newer xigao's: rebuilt here, it would lose what it stores
    with pytest.raises(IndexFormatError, match="newer xigao"):
        Index.rebuild(tmp_path / "ix")


def _checks_while(idx: Index, body: str, busy: Any, seconds: float = 2.0) -> Counter[tuple]:
    """What checks of ``body`` said, from three threads, while ``busy()`` says writes go on."""
    import threading

    seen: Counter[tuple] = Counter()
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def reader() -> None:
        while time.monotonic() < end and busy():
            r = idx.check(body, detect="repost,partial")
            with lock:
                seen[(r.verdict, tuple(m.source_id for m in r.matches))] += 1

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    return seen


def test_a_check_while_its_original_is_replaced_sees_it_once(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A check reads the index as it was before a write or as it is after it, never between:
    while another thread replaces the original (the same id added again), a repost of it is
    a repost of it, named once (black-box review 19: a third of such checks said original,
    partial, or named it twice)."""
    import threading

    idx = Index.build(stories[:60], tmp_path / "idx", vectors=None)
    target = stories[7]
    done = threading.Event()
    writes = 0

    def writer() -> None:
        nonlocal writes
        while not done.is_set():
            idx.add([target])
            writes += 1

    w = threading.Thread(target=writer)
    w.start()
    try:
        seen = _checks_while(idx, target["body"], lambda: True)
    finally:
        done.set()
        w.join()
    assert writes > 5 and sum(seen.values()) > 20
    assert seen.keys() == {("repost", (target["id"],))}, seen.most_common(4)


def test_a_check_while_another_process_replaces_its_original_sees_it_once(
    tmp_path: Path, stories: list[dict]
) -> None:
    """The same with the writes of another process (a cron ``xigao index add`` of a feed whose
    ids the index holds): each check reads one state, taken in whole (review 19: 347 of 407
    such checks said original)."""
    import json

    path = tmp_path / "idx"
    idx = Index.build(stories[:60], path, vectors=None)
    target = stories[7]
    script = textwrap.dedent(
        """
        import json, sys, time
        from xigao import Index
        idx = Index.open(sys.argv[1])
        doc = json.loads(sys.argv[2])
        end = time.monotonic() + 4
        while time.monotonic() < end:
            idx.add([doc])
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path), json.dumps(target, ensure_ascii=False)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        time.sleep(0.5)  # (its imports)
        seen = _checks_while(idx, target["body"], lambda: proc.poll() is None, seconds=3.0)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == 0 and sum(seen.values()) > 10
    assert seen.keys() == {("repost", (target["id"],))}, seen.most_common(4)


def test_an_index_is_not_written_from_inside_a_check(tmp_path: Path, stories: list[dict]) -> None:
    """A write waits for the checks under way: one inside a read of the index would wait for
    itself, so it says so instead."""
    idx = Index.build(stories[:5], tmp_path / "idx", vectors=None)
    with idx.reading():
        assert idx.check(stories[1]["body"]).verdict == "repost"
        with pytest.raises(RuntimeError, match="inside a check"):
            idx.add([stories[6]])
    idx.add([stories[6]])
    assert len(idx) == 6
