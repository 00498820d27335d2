from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from xigao.retrieval import _Buckets, _postings


def _agree(keys: np.ndarray, query: np.ndarray, max_df: int) -> None:
    keys = np.sort(keys)
    at, q = _Buckets.of(keys).postings(query, max_df)
    want_at, want_q = _postings(keys, query, max_df)
    assert at.tolist() == want_at.tolist()
    assert q.tolist() == want_q.tolist()


@settings(max_examples=200, deadline=None)
@given(
    keys=hnp.arrays(np.uint32, st.integers(0, 400), elements=st.integers(0, 2**32 - 1)),
    data=st.data(),
    max_df=st.integers(1, 8),
)
def test_bucket_lookup_agrees_with_binary_search(
    keys: np.ndarray, data: st.DataObject, max_df: int
) -> None:
    """The bucketed lookup finds exactly the postings (and skips exactly the common keys) the
    binary search does, repeated keys and repeated queries included."""
    some = st.sampled_from(keys.tolist()) if len(keys) else st.integers(0, 2**32 - 1)
    query = data.draw(st.lists(st.one_of(some, st.integers(0, 2**32 - 1)), max_size=60))
    _agree(keys, np.array(query, np.uint32), max_df)


def test_bucket_lookup_of_a_crowded_bucket_and_64_bit_keys() -> None:
    """A key shared by more postings than a bucket is read for (searched instead), beside
    ordinary ones; band keys are 64 bits wide."""
    rng = np.random.default_rng(7)
    keys = np.concatenate([rng.integers(0, 2**32, 500, dtype=np.uint64), np.full(200, 12345)])
    keys = keys.astype(np.uint32)
    query = np.concatenate([keys[rng.integers(0, len(keys), 50)], [12345, 12345, 7]])
    for max_df in (1, 3, 64, 500):
        _agree(keys, query.astype(np.uint32), max_df)
    wide = rng.integers(0, 2**63, 3000, dtype=np.uint64) * np.uint64(2)
    _agree(wide, np.concatenate([wide[:40], wide[:5] + np.uint64(1)]), 8)


def test_a_lookup_filled_from_chunks_equals_one_merged_row_by_row_whatever_the_size_hinted() -> (
    None
):
    """The tables allocated for the rows announced, for fewer (they grow) or for more (they
    are cut to what came): the same lookup as ``plus`` of every row."""
    from xigao.retrieval import SketchChunk, _Lookup
    from xigao.sketch import SketchConfig
    from xigao.storage import sketch_keys_many

    texts = [
        f"第{i}条消息：今天上午，{i % 3}号会议室召开会议，讨论第{i % 5}项议题。" * 3
        for i in range(40)
    ]
    cfg = SketchConfig()
    rows = [(i + 1, s) for i, (s, _) in enumerate(sketch_keys_many(texts, cfg))]
    want = _Lookup().plus(rows, cfg.bands)
    total = sum(len(s.fps) for _, s in rows)
    for n_rows, n_postings in [(40, total), (0, 0), (5, 7), (400, 10 * total)]:
        chunks = [SketchChunk.of(rows[i : i + 6]) for i in range(0, len(rows), 6)]
        got = _Lookup.of(chunks, cfg.bands, rows=n_rows, postings=n_postings)
        for name in ("fp_keys", "fp_docs", "fp_pos", "band_keys", "band_docs"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
        assert got.size == want.size == 40


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(
        st.tuples(st.integers(0, 39), st.integers(0, 60), st.integers(1, 12), st.booleans()),
        max_size=7,
    ),
    limit=st.integers(1, 5),
)
def test_candidates_of_a_batch_are_those_of_each_query_alone(
    picks: list[tuple[int, int, int, bool]], limit: int
) -> None:
    """A batch's lookup (one sort of every query's postings) gives each query the candidates
    it gets alone, with its own limit: queries cut from indexed texts at any offset, empty
    ones, and ones sharing nothing."""
    from xigao.retrieval import _Lookup
    from xigao.sketch import SketchConfig, codepoints, fingerprints, kgram_hashes, minhash
    from xigao.storage import sketch_keys_many

    texts = _texts()
    cfg = SketchConfig()
    rows = [(i * 7 + 3, s) for i, (s, _) in enumerate(sketch_keys_many(texts, cfg))]
    lk = _Lookup().plus(rows, cfg.bands)
    queries, limits = [], []
    for i, start, length, foreign in picks:
        key = (
            ("天地玄黄宇宙洪荒" * 9)[: length * 5]
            if foreign
            else texts[i][start : start + length * 5]
        )
        h = kgram_hashes(codepoints(key), cfg.k)
        queries.append((*fingerprints(h, cfg.window), minhash(h, cfg.num_perm, cfg.seed)))
        limits.append(limit + length % 3)
    got = lk.candidates_many(queries, cfg.bands, limits=limits, min_hits=2)
    want = [
        lk.candidates(*q, cfg.bands, limit=n, min_hits=2)
        for q, n in zip(queries, limits, strict=True)
    ]
    assert got == want


def _texts() -> list[str]:
    return [
        f"第{i}条消息：今天上午，{i % 3}号会议室召开会议，讨论第{i % 5}项议题，与会人员{i * 7}名。"
        * 3
        for i in range(40)
    ]


def test_a_batch_finds_what_each_finds_alone_also_with_row_ids_too_wide_to_pack() -> None:
    """Copies are found (by fingerprints and by bands) alike, with row ids that leave room for
    the queries' number in 63 bits and with row ids that do not (from 2**26 for 64 queries,
    from 2**30 for any: looked up one query at a time)."""
    from xigao.retrieval import _Lookup
    from xigao.sketch import SketchConfig, codepoints, fingerprints, kgram_hashes, minhash
    from xigao.storage import sketch_keys_many

    texts, cfg = _texts(), SketchConfig()
    sketches = [s for s, _ in sketch_keys_many(texts, cfg)]
    keys = [texts[i][j : j + 60] for i in range(0, 40, 5) for j in (0, 9)]
    hashes = [kgram_hashes(codepoints(k), cfg.k) for k in keys]
    queries = [(*fingerprints(h, cfg.window), minhash(h, cfg.num_perm, cfg.seed)) for h in hashes]
    for first in (1, 2**25 - 3, 2**26 - 3, 2**30):
        lk = _Lookup().plus([(first + i, s) for i, s in enumerate(sketches)], cfg.bands)
        many = queries * 4  # 64 queries: 6 bits for their number
        got = lk.candidates_many(many, cfg.bands, limits=[3] * len(many), min_hits=2)
        want = [lk.candidates(*q, cfg.bands, limit=3, min_hits=2) for q in many]
        assert got == want
        assert got[:16] == lk.candidates_many(queries, cfg.bands, limits=[3] * 16, min_hits=2)
        assert all(first + i // 2 * 5 in {c.rowid for c in cs} for i, cs in enumerate(got[:16]))
