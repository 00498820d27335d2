from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xigao.terms import Terms, hash_codes, stable_argsort, term_keys

CJK = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E60), min_size=2, max_size=40
)


def test_term_keys_are_the_sorted_distinct_bigram_hashes() -> None:
    keys = term_keys("莱基深水港深水港")
    assert keys.tolist() == sorted(set(keys.tolist()))
    assert len(keys) == len({"莱基", "基深", "深水", "水港", "港深"})
    assert term_keys("港").size == 0


def test_hash_codes_match_term_keys() -> None:
    cp = np.array([ord(c) for c in "阿布贾"], np.uint64)
    codes = (cp[:-1] << np.uint64(21)) | cp[1:]
    assert sorted(hash_codes(codes).tolist()) == term_keys("阿布贾").tolist()


def test_rare_shared_facts_outrank_common_words() -> None:
    docs = [
        "国务院召开常务会议研究经济工作",
        "国务院召开会议部署春耕工作",
        "莱基深水港项目正式开工",
    ]
    docs += [f"国务院召开会议研究第{i}项工作" for i in range(20)]
    t = Terms.of(list(range(1, len(docs) + 1)), docs)
    # shares only two rare bigrams with doc 3, many common ones with the others
    got = t.nearest(term_keys("据悉莱基深水港的建设进展顺利国务院"), 3)
    assert got[0][0] == 3
    assert all(0 < s <= 1.0 + 1e-6 for _, s in got)


def test_exclude_leaves_rows_out() -> None:
    t = Terms.of([1, 2], ["莱基深水港开工", "阿布贾轻轨通车"])
    assert [r for r, _ in t.nearest(term_keys("莱基深水港"), 2, exclude=[1])] == []


@settings(max_examples=40, deadline=None)
@given(st.lists(CJK, min_size=1, max_size=8))
def test_a_text_is_nearest_to_itself_and_plus_without_round_trip(texts: list[str]) -> None:
    rows = list(range(10, 10 + len(texts)))
    t = Terms.of(rows, texts)
    for r, text in zip(rows, texts, strict=True):
        got = t.nearest(term_keys(text), len(texts))
        best = max(s for _, s in got)
        assert any(row == r and abs(s - best) < 1e-5 for row, s in got)
    # removing a row and adding it back gives the same postings
    back = t.without([rows[0]]).plus([rows[0]], [term_keys(texts[0])])
    assert sorted(zip(back.keys.tolist(), back.rows.tolist(), strict=True)) == sorted(
        zip(t.keys.tolist(), t.rows.tolist(), strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙丙丁戊己庚辛", min_size=0, max_size=12), min_size=1, max_size=8),
    st.integers(0, 8),
)
def test_adding_rows_merges_into_the_same_table_a_build_sorts(texts: list[str], cut: int) -> None:
    """``plus`` merges new postings in; the table equals one sorted from scratch, the rows
    already under a key first (the reference: a stable sort of everything)."""
    cut = min(cut, len(texts))
    rowids = list(range(1, len(texts) + 1))
    whole = Terms.of(rowids, texts)
    grown = Terms.of(rowids[:cut], texts[:cut]).plus(
        rowids[cut:], [term_keys(t) for t in texts[cut:]]
    )
    keys = np.concatenate([term_keys(t) for t in texts]) if texts else np.zeros(0, np.uint32)
    rows = np.repeat(rowids, [len(term_keys(t)) for t in texts])
    order = np.argsort(keys, kind="stable")
    assert np.array_equal(grown.keys, keys[order]) and np.array_equal(grown.rows, rows[order])
    assert np.array_equal(whole.keys, grown.keys) and np.array_equal(whole.rows, grown.rows)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙丙丁戊", min_size=0, max_size=10), min_size=1, max_size=6),
    st.sets(st.integers(1, 7)),
)
def test_removing_rows_keeps_the_others_in_order(texts: list[str], gone: set[int]) -> None:
    rowids = list(range(1, len(texts) + 1))
    t = Terms.of(rowids, texts).without(gone)
    kept = [(r, s) for r, s in zip(rowids, texts, strict=True) if r not in gone]
    ref = Terms.of([r for r, _ in kept], [s for _, s in kept])
    assert np.array_equal(t.keys, ref.keys) and np.array_equal(t.rows, ref.rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10**6), st.text(alphabet="甲乙丙丁", max_size=8)),
                min_size=1, max_size=8, unique_by=lambda x: x[0]))  # fmt: skip
def test_a_built_table_is_ordered_by_key_then_row_whatever_the_rows_order(
    docs: list[tuple[int, str]],
) -> None:
    t = Terms.of([r for r, _ in docs], [s for _, s in docs])
    pairs = sorted((int(k), r) for r, s in docs for k in term_keys(s))
    assert [(int(k), int(r)) for k, r in zip(t.keys, t.rows, strict=True)] == pairs


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(alphabet="甲乙丙丁戊己庚辛", min_size=0, max_size=12), min_size=0, max_size=8),
    st.sampled_from([0, 7, (1 << 32) - 5, 1 << 40]),
)
def test_save_and_load_round_trip(tmp_path_factory, texts: list[str], base: int) -> None:  # type: ignore[no-untyped-def]
    """A saved table loads back equal (row ids past 32 bits too), only under its own stamp."""
    path = tmp_path_factory.mktemp("terms") / "terms.npz"
    rows = [base + 3 * i for i in range(len(texts))]
    t = Terms.of(rows, texts)
    assert t.save(path, [1, 2, 3])
    back = Terms.load(path, [1, 2, 3])
    assert back is not None
    # row ids in 32 bits where all those in the table fit
    wide = any(r >= 1 << 32 for r, text in zip(rows, texts, strict=True) if len(term_keys(text)))
    assert back.keys.dtype == np.uint32 and back.rows.dtype == (np.int64 if wide else np.uint32)
    assert t.rows.dtype == back.rows.dtype
    assert back.keys.tolist() == t.keys.tolist() and back.rows.tolist() == t.rows.tolist()
    if texts and base < 1000:  # (weights take a dense array as long as the largest row id)
        q = term_keys(texts[0])
        assert back.nearest(q, 3) == t.nearest(q, 3)
    assert Terms.load(path, [1, 2, 4]) is None  # derived from something else


def test_a_missing_or_damaged_file_is_derived_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "terms.npz"
    assert Terms.load(path, [1]) is None
    path.write_bytes(b"not a table")
    assert Terms.load(path, [1]) is None
    Terms.of([1], ["莱基深水港"]).save(path, [1])
    path.write_bytes(path.read_bytes()[:-40])  # cut short
    assert Terms.load(path, [1]) is None


def test_an_unwritable_place_is_no_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert not Terms.of([1], ["莱基深水港"]).save(tmp_path / "no" / "such" / "terms.npz", [1])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([np.uint32, np.uint64]),
    st.lists(st.integers(0, 2**32 - 1), max_size=300),
    st.integers(1, 2**32),
)
def test_stable_argsort_is_numpys_stable_argsort(
    dtype: type, values: list[int], spread: int
) -> None:
    """Equal keys (many, with a small ``spread``) stay in index order, for either width."""
    keys = np.asarray([v % spread for v in values], dtype=dtype)
    if dtype is np.uint64:
        keys = keys * np.uint64(2**31 + 11)  # (wraps) keys over all 64 bits
    assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))


def test_the_bundled_idf_weighs_common_bigrams_low_and_unseen_ones_highest() -> None:
    from xigao.terms import bundled_idf

    news, fiction = bundled_idf("news"), bundled_idf("fiction")
    assert news.n == 36926 and fiction.n == 766
    common, rare = term_keys("中国"), term_keys("龘靐")
    assert news.idf(common)[0] < 2.0 < news.idf(rare)[0] == news.top_idf()
    assert fiction.idf(term_keys("说道"))[0] < fiction.top_idf()
    with pytest.raises(ValueError, match="genre"):
        bundled_idf("poetry")
