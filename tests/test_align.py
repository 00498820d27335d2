from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from xigao.align import (
    exact_runs,
    longest_kept_run,
    merge_runs,
    union_length,
    verbatim_passages,
)

cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), max_size=200)


def test_finds_pasted_passage_with_offsets() -> None:
    passage = "国家版权局等四部门联合启动剑网专项行动重点整治视听作品"
    a = "今天我们来聊一聊" + passage + "这是后面的话"
    b = "前面是原文开头内容" + passage + "原文结尾"
    (p,) = verbatim_passages(a, b, min_len=10)
    assert a[p.a_start : p.a_end] == passage
    assert b[p.b_start : p.b_end] == passage
    assert p.matched == len(passage)


def test_small_differences_are_bridged() -> None:
    b = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒"
    a = b[:12] + "X" + b[13:]
    (p,) = verbatim_passages(a, b, k=4, min_len=10)
    assert (p.a_start, p.a_end) == (0, len(a))
    assert p.matched == len(a) - 1


def test_unrelated_texts_share_nothing() -> None:
    assert (
        verbatim_passages("春眠不觉晓处处闻啼鸟夜来风雨声", "床前明月光疑是地上霜举头望明月") == []
    )


@given(cjk, cjk)
def test_runs_are_exact_and_in_bounds(a: str, b: str) -> None:
    for r in exact_runs(a, b, k=3):
        assert 0 <= r.a_start < r.a_end <= len(a)
        assert 0 <= r.b_start < r.b_end <= len(b)
        assert a[r.a_start : r.a_end] == b[r.b_start : r.b_end]
    runs = exact_runs(a, b, k=3)
    assert [r.a_start for r in runs] == sorted(r.a_start for r in runs)
    for m in merge_runs(runs):
        assert 0 <= m.a_start < m.a_end <= len(a) and m.matched <= m.length


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50))))
def test_union_length_matches_set_semantics(spans: list[tuple[int, int]]) -> None:
    spans = [(min(s, e), max(s, e)) for s, e in spans]
    covered = {i for s, e in spans for i in range(s, e)}
    assert union_length(spans) == len(covered)


def _greedy_runs(a: str, b: str, k: int, max_positions: int = 32) -> list[tuple[int, ...]]:
    """exact_runs spelled out on the strings: from the first position whose k-gram occurs in
    ``b``, the longest extension over its first ``max_positions`` occurrences (the earliest on
    a tie), then on from the end of that run."""
    runs = []
    i = 0
    while i + k <= len(a):
        js = [j for j in range(len(b) - k + 1) if b[j : j + k] == a[i : i + k]][:max_positions]
        best_j, best = -1, 0
        for j in js:
            n = 0
            while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
                n += 1
            if n > best:
                best_j, best = j, n
        if best >= k:
            runs.append((i, i + best, best_j, best_j + best, best))
            i += best
        else:
            i += 1
    return runs


few = st.text(alphabet="甲乙丙", max_size=120)


@settings(max_examples=300)
@given(few, few, st.integers(2, 5))
def test_exact_runs_are_the_greedy_runs(a: str, b: str, k: int) -> None:
    """Seeds found through the low-bit bitmap give exactly the greedy tiling (a three-letter
    alphabet repeats k-grams, often past the 32 occurrences kept)."""
    got = [(r.a_start, r.a_end, r.b_start, r.b_end, r.matched) for r in exact_runs(a, b, k=k)]
    assert got == _greedy_runs(a, b, k)


def test_exact_runs_keep_the_first_occurrences_of_a_repeated_kgram() -> None:
    b = "甲乙丙丁" * 40 + "甲乙丙丁戊己庚辛"
    a = "甲乙丙丁戊己庚辛"
    # the full copy at the end is the 41st occurrence of 甲乙丙丁: beyond the 32 looked at
    runs = [(r.a_start, r.a_end, r.b_start) for r in exact_runs(a, b, k=4)]
    assert runs == [(0, 4, 0), (4, 8, 164)]
    assert [(r.a_start, r.a_end) for r in exact_runs(a, b[-12:], k=4)] == [(0, 8)]


@settings(max_examples=300)
@given(few, few, st.integers(2, 5), st.integers(0, 4), st.integers(1, 12))
def test_longest_kept_run_is_the_longest_run_inside_a_kept_passage(
    a: str, b: str, k: int, gap: int, min_len: int
) -> None:
    """The one-pass reading equals its definition: the longest run lying inside any passage
    at least ``min_len`` long."""
    runs = exact_runs(a, b, k=k)
    merged = merge_runs(runs, max_gap=gap, a=a, b=b)
    kept = [(p.a_start, p.a_end) for p in merged if p.length >= min_len]
    want = max(
        (r.length for r in runs if any(s <= r.a_start and r.a_end <= e for s, e in kept)),
        default=0,
    )
    assert longest_kept_run(runs, merged, min_len) == want
