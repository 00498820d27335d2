from __future__ import annotations

import json
from pathlib import Path

from xigao.types import Match
from xigao.verdict import Thresholds, combine, verbatim_kind


def m(kind: str, score: float) -> Match:
    return Match(
        source_id=f"{kind}{score}", kind=kind, score=score, containment=score, coverage=score
    )  # type: ignore[arg-type]


def test_precedence_repost_over_rewrite_over_partial() -> None:
    verdict, score, ordered = combine([m("partial", 0.9), m("rewrite", 0.5), m("repost", 0.7)])
    assert verdict == "repost"
    assert [x.kind for x in ordered] == ["repost", "rewrite", "partial"]
    assert score == 0.9
    assert combine([m("partial", 0.2), m("rewrite", 0.4)])[0] == "rewrite"
    assert combine([]) == ("original", 0.0, ())


def test_repost_needs_both_shares() -> None:
    t = Thresholds()
    assert verbatim_kind(containment=0.95, coverage=0.3, longest=500, t=t) == "partial"
    assert verbatim_kind(containment=0.5, coverage=0.95, longest=500, t=t) == "partial"
    assert verbatim_kind(containment=0.7, coverage=0.5, longest=500, t=t) == "repost"
    assert (
        verbatim_kind(containment=0.01, coverage=0.01, longest=t.partial_min_len - 1, t=t) is None
    )


def test_load_reads_a_rewritten_file_anew(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.json"
    for floor in (0.8, 0.9, 0.8):  # same size each time: what is parsed follows the content
        path.write_text(json.dumps({"thresholds": {"compare_floor": floor}}), encoding="utf-8")
        assert Thresholds.load(path).compare_floor == floor
    assert Thresholds.load(path) is Thresholds.load(path)  # parsed once per content
