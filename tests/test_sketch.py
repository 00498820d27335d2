from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xigao import sketch
from xigao.sketch import (
    SketchConfig,
    band_keys,
    codepoints,
    fingerprints,
    jaccard_estimate,
    kgram_hashes,
    minhash,
    minhash_many,
    sketch_keys,
    winnow,
    winnow_positions,
)

cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=300)


def test_kgram_hash_depends_only_on_the_kgram() -> None:
    a = kgram_hashes(codepoints("甲乙丙丁戊己庚辛"), 4)
    b = kgram_hashes(codepoints("子丑甲乙丙丁戊己庚辛寅"), 4)
    assert len(a) == 5
    assert set(a.tolist()) <= set(b.tolist())


@given(cjk, st.integers(2, 8), st.integers(1, 12))
def test_winnowing_guarantee(text: str, k: int, w: int) -> None:
    """Every run of w consecutive k-grams contributes its minimum to the fingerprints."""
    h = kgram_hashes(codepoints(text), k)
    fps = set(winnow(h, w).tolist())
    assert fps <= set(h.tolist())
    for i in range(0, max(0, len(h) - w + 1)):
        assert int(h[i : i + w].min()) in fps
    if len(h):
        assert fps


def test_shared_passage_is_always_fingerprinted() -> None:
    cfg = SketchConfig()
    rng = np.random.default_rng(0)
    alphabet = [chr(c) for c in range(0x4E00, 0x9FA5)]
    for _ in range(50):
        host = "".join(rng.choice(alphabet, 3000))
        passage = "".join(rng.choice(alphabet, cfg.guarantee))
        original = "".join(rng.choice(alphabet, 500)) + passage
        pos = int(rng.integers(0, 3000))
        suspect = host[:pos] + passage + host[pos:]
        a, apos = fingerprints(kgram_hashes(codepoints(suspect), cfg.k), cfg.window)
        b, bpos = fingerprints(kgram_hashes(codepoints(original), cfg.k), cfg.window)
        assert np.intersect1d(a, b).size >= 1
        # and it lies on the passage's diagonal: same k-gram, both positions inside the passage
        diag = {
            int(q) - int(p)
            for v, p in zip(a, apos, strict=True)
            for w, q in zip(b, bpos, strict=True)
            if v == w
        }
        assert 500 - pos in diag


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 400), st.integers(40, 120))
def test_long_run_gives_fingerprints_on_its_diagonal(seed: int, at: int, length: int) -> None:
    """What the candidate filter relies on: a shared run of L key characters yields at least
    floor((L - k + 1) / window) shared fingerprints on its diagonal."""
    cfg = SketchConfig()
    rng = np.random.default_rng(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E40)]  # small alphabet: repeats and ties
    run = "".join(rng.choice(alphabet, length))
    suspect = "".join(rng.choice(alphabet, at)) + run + "".join(rng.choice(alphabet, 50))
    original = "".join(rng.choice(alphabet, 77)) + run + "".join(rng.choice(alphabet, 30))
    a, apos = fingerprints(kgram_hashes(codepoints(suspect), cfg.k), cfg.window)
    b, bpos = fingerprints(kgram_hashes(codepoints(original), cfg.k), cfg.window)
    on_diag = {(int(p), int(v)) for v, p in zip(a, apos, strict=True)} & {
        (int(q) - (77 - at), int(w)) for w, q in zip(b, bpos, strict=True)
    }
    assert len(on_diag) >= (length - cfg.k + 1) // cfg.window


def test_minhash_estimates_jaccard() -> None:
    rng = np.random.default_rng(1)
    base = rng.integers(0, 2**63, 1000, dtype=np.uint64)
    other = np.concatenate([base[:500], rng.integers(0, 2**63, 500, dtype=np.uint64)])
    est = jaccard_estimate(minhash(base, 256, 1), minhash(other, 256, 1))
    assert abs(est - 500 / 1500) < 0.1
    assert jaccard_estimate(minhash(base, 128, 1), minhash(base.copy(), 128, 1)) == 1.0


def test_minhash_many_matches_single_and_handles_empty() -> None:
    docs = [kgram_hashes(codepoints(t), 3) for t in ["今天天气很好啊", "", "明天也许下雨吧"]]
    sigs = minhash_many(docs, 64, 3)
    assert sigs.shape == (3, 64)
    assert (sigs[0] == minhash(docs[0], 64, 3)).all()
    assert (sigs[1] == np.iinfo(np.uint32).max).all()


def test_band_keys_equal_for_equal_bands_only() -> None:
    a = np.arange(128, dtype=np.uint32)
    b = a.copy()
    b[0] = 999  # changes band 0 only
    ka, kb = band_keys(a, 32), band_keys(b, 32)
    assert ka.shape == (1, 32)
    assert (ka[0, 1:] == kb[0, 1:]).all() and ka[0, 0] != kb[0, 0]
    assert len(set(band_keys(np.zeros(128, np.uint32), 32)[0].tolist())) == 32


def test_config_validation_names_the_value() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        SketchConfig(num_perm=100, bands=32)
    with pytest.raises(ValueError, match="k must"):
        SketchConfig(k=1)


@given(st.lists(cjk, max_size=6), st.integers(2, 7), st.integers(1, 11))
def test_batched_sketch_equals_one_by_one(keys: list[str], k: int, w: int) -> None:
    hashes, fps = sketch_keys(keys, k, w)
    for key, h, f in zip(keys, hashes, fps, strict=True):
        one = kgram_hashes(codepoints(key), k)
        assert np.array_equal(h, one)
        vals, pos = fingerprints(one, w)
        assert np.array_equal(f[0], vals) and np.array_equal(f[1], pos)


def _direct_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """The definition: polynomial hash of each k-gram (Horner, uint64 wrap), then mixed."""
    n = len(codes) - k + 1
    h = np.zeros(max(n, 0), dtype=np.uint64)
    c = codes.astype(np.uint64)
    for j in range(k):
        h = h * sketch._MULT + c[j : j + len(h)]
    return sketch._mix(h)


@given(st.lists(st.integers(0, 0x10FFFF), max_size=200), st.integers(2, 9))
def test_kgram_hashes_from_prefix_sums_equal_the_direct_hash(cps: list[int], k: int) -> None:
    codes = np.array(cps, dtype=np.uint32)
    assert np.array_equal(kgram_hashes(codes, k), _direct_hashes(codes, k))


def test_long_texts_hash_the_same_without_prefix_tables() -> None:
    codes = np.random.default_rng(0).integers(0x4E00, 0x9FFF, 70_000).astype(np.uint32)
    assert len(codes) > sketch._PREFIX_MAX
    h = kgram_hashes(codes, 6)
    assert np.array_equal(h, _direct_hashes(codes, 6))
    assert np.array_equal(h[:1000], kgram_hashes(codes[:1005], 6))


@given(st.lists(st.integers(0, 3), max_size=80), st.integers(1, 12))
def test_winnow_positions_are_the_leftmost_window_minima(vals: list[int], w: int) -> None:
    h = np.array(vals, dtype=np.uint64)  # tiny values: many ties
    if len(h) <= w:
        expected = [int(np.argmin(h))] if len(h) else []
    else:
        expected = sorted({i + int(np.argmin(h[i : i + w])) for i in range(len(h) - w + 1)})
    got = winnow_positions(h, w)
    assert got.dtype == np.int64 and got.tolist() == expected
    assert winnow_positions(np.repeat(h, 2)[::2], w).tolist() == expected  # a strided input
