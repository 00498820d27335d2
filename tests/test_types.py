from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xigao.types import Evidence, Match, Result

_span = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000))
_score = st.floats(0, 1, allow_nan=False)
_evidence = st.builds(
    Evidence, st.sampled_from(["verbatim", "paraphrase"]), _span, _span, _score, st.booleans()
)
_details = st.dictionaries(
    st.sampled_from(["credited", "quoted_chars", "direction", "reason"]),
    st.one_of(st.booleans(), st.integers(0, 99), st.text(max_size=8)),
)
_match = st.builds(
    Match,
    st.text(min_size=1, max_size=8),
    st.sampled_from(["repost", "partial", "rewrite"]),
    _score,
    _score,
    _score,
    st.lists(_evidence, max_size=3).map(tuple),
    _details,
)


@given(
    st.one_of(st.none(), st.text(max_size=8)),
    st.sampled_from(["repost", "partial", "rewrite", "original"]),
    _score,
    st.lists(_match, max_size=3).map(tuple),
    st.dictionaries(st.sampled_from(["copy_ratio", "attribution"]), st.integers(0, 5)),
)
def test_a_result_read_back_from_its_json_writes_the_same_json(
    doc_id: str | None, verdict: str, score: float, matches: tuple[Match, ...], meta: dict
) -> None:
    r = Result(doc_id, verdict, score, matches, meta)  # type: ignore[arg-type]
    assert Result.from_dict(r.to_dict()).to_dict() == r.to_dict()


def test_a_results_other_fields_are_attributes_too() -> None:
    from xigao.types import Result

    meta = {"copy_ratio": 0.5, "attribution": [{"kind": "source"}], "near_miss": {"score": 0.2}}
    r = Result("a", "original", 0.0, (), meta)
    assert (r.copy_ratio, r.attribution, r.near_miss) == (0.5, [{"kind": "source"}], {"score": 0.2})
    bare = Result("b", "original", 0.0)
    assert (bare.copy_ratio, bare.attribution, bare.near_miss) == (0.0, [], None)
    assert Result.from_dict(r.to_dict()).copy_ratio == 0.5
