from __future__ import annotations

import opencc
import pytest

from xigao.detect import Prepared, rewrite_match, verbatim_match
from xigao.verdict import Thresholds

from .test_paraphrase import ORIGINAL, REWRITE

T = Thresholds(
    blend_weight=0.3, sentence_threshold=0.45, rewrite_containment=0.5, rewrite_coverage=0.3
)


def test_traditional_repost_is_verbatim_with_raw_offsets() -> None:
    trad = "轉載：" + opencc.OpenCC("s2t").convert(ORIGINAL)
    m = verbatim_match(Prepared.of(trad, T), Prepared.of(ORIGINAL, T), "o", T)
    assert m is not None and m.kind == "repost"
    assert m.details["verbatim_sentences"] > 0.95  # all but the 转载 prefix
    (ev,) = m.evidence
    assert trad[ev.suspect[0] : ev.suspect[1]].startswith("國家統計局")
    assert ORIGINAL[ev.source[0] : ev.source[1]].startswith("国家统计局")


def test_light_spin_is_not_a_repost() -> None:
    spun = ORIGINAL.replace("发布", "公布").replace("贡献率", "奉献率").replace("主要", "首要")
    m = verbatim_match(Prepared.of(spun, T), Prepared.of(ORIGINAL, T), "o", T)
    assert m is None or m.kind != "repost"


@pytest.mark.slow
def test_rewrite_match_reports_paraphrase_evidence() -> None:
    from xigao.embed import get_encoder

    enc = get_encoder("static")
    a = Prepared.of(REWRITE, T).with_sentences(enc)
    b = Prepared.of(ORIGINAL, T).with_sentences(enc)
    m, stats = rewrite_match(a, b, "o", T)
    assert m is not None and m.kind == "rewrite"
    assert stats.containment > 0.9 and stats.coverage > 0.9
    kinds = {e.kind for e in m.evidence}
    assert "paraphrase" in kinds
    for e in m.evidence:
        assert 0 <= e.suspect[0] < e.suspect[1] <= len(REWRITE)
        assert 0 <= e.source[0] < e.source[1] <= len(ORIGINAL)
