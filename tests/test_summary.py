"""The result in plain Chinese (:mod:`xigao.summary`), as a moderator reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from xigao import Index, Result
from xigao.summary import summarize

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["source_id", "kind", "containment", "coverage", "evidence", "altered", "facts", "scene",
     "name_map", "original", "credited", "quoted_chars", "direction", "wash_score"]
)  # fmt: skip


@given(
    st.sampled_from(["repost", "partial", "rewrite", "original", None, 3]),
    st.lists(st.dictionaries(_keys, _json, max_size=8), max_size=3) | _json,
    st.dictionaries(st.sampled_from(["near_miss", "copy_ratio", "more_sources"]), _json),
)
def test_any_result_read_back_is_summarized_without_failing(
    verdict: Any, matches: Any, rest: dict[str, Any]
) -> None:
    """A result read back from another's JSON may hold anything: its summary never fails."""
    said = summarize({"verdict": verdict, "matches": matches, **rest})
    assert isinstance(said, str) and said.endswith("。")


def test_a_credited_repost_and_a_partial_copy(tmp_path: Path, stories: list[dict]) -> None:
    originals = [{**s, "source": "央视网"} for s in stories[:20]]
    with Index.build(originals, tmp_path / "idx", vectors=None) as idx:
        body = stories[5]["body"]
        credited = idx.check("来源：央视新闻客户端\n" + body, detect=("repost", "partial"))
        said = credited.summary
        assert said == credited.to_dict()["summary"]
        # credited: said once, before what was taken (diff review 15: "部分抄袭：…，已注明出处"
        # accused and cleared at once)
        assert said.startswith(f"转载（已注明出处）：照搬《{stories[5]['title'][:10]}")
        assert "（央视网）" in said and "，已注明出处" not in said
        passage = stories[6]["body"].split("：", 1)[-1][:150].replace("\n", "")
        own = "这是我自己写的一段评论，谈的是基层治理里常见的几个问题，以及怎么解决。" * 4
        partial = idx.check(own + "\n有报道说：“" + passage + "”\n" + own, detect=("partial",))
        said = partial.summary
        assert said.startswith("部分抄袭：1 段文字逐字取自《")
        assert "其中" in said and "字在引号内" in said and said.endswith("，未注明出处。")
        # a result read back from its JSON says the same
        assert Result.from_dict(partial.to_dict()).summary == said


def test_a_stitched_wash_with_altered_facts_renames_and_a_near_miss() -> None:
    m1 = {
        "source_id": "a",
        "kind": "rewrite",
        "containment": 0.5,
        "coverage": 0.7,
        "facts": {"recall": 0.3},
        "original": {"title": "甲"},
        "altered": [
            {"text": "原文为 3人，此处为 5人"},
            {"text": "原文为 3人，此处为 5人"},
            {"text": "原文为 北京，此处为 上海"},
            {"text": "原文为 周一，此处为 周二"},
        ],
    }  # fmt: skip  (a change stated in two sentences is one: black-box review 18)
    m2 = {"source_id": "b", "kind": "partial", "containment": 0.4, "coverage": 0.2,
          "evidence": [{"kind": "verbatim"}] * 2, "direction": "suspect_first",
          "name_map": {"贾宝玉": "林子轩"}}  # fmt: skip
    said = summarize({"verdict": "rewrite", "matches": [m1, m2], "copy_ratio": 0.9})
    assert said.startswith("洗稿：取材于 2 篇原文：①洗稿，改写自《甲》")
    assert "3 处事实与原文不同（原文为 3人，此处为 5人；原文为 北京，此处为 上海等）" in said
    assert "②部分抄袭，2 段文字逐字取自原文 b" in said
    assert "发布早于这篇原文" in said and "人名地名换过：贾宝玉→林子轩" in said
    assert said.endswith("全文共 90% 的内容可在这些原文中找到对应。")
    miss = {"source_id": "c", "containment": 0.7, "coverage": 0.5, "wash_score": 0.63,
            "original": {"title": "丙", "source": "新华社"}}  # fmt: skip
    said = summarize({"verdict": "original", "matches": [], "near_miss": miss})
    assert said == (
        "原创：未发现转载或洗稿。最接近的是《丙》（新华社）：全文 70% 的内容与之相近，覆盖原文 "
        "50%，洗稿分 0.63，未达到洗稿的判定标准；可交人工复核。"
    )
    miss["altered"] = [{"text": "原文为 342人，此处为 345人"}]
    said = summarize({"verdict": "original", "matches": [], "near_miss": miss})
    assert said.endswith(
        "未达到洗稿的判定标准；1 处事实与原文不同（原文为 342人，此处为 345人）；可交人工复核。"
    )


def test_a_scene_more_sources_and_an_untitled_original() -> None:
    m = {"source_id": "红楼梦-089", "kind": "rewrite", "containment": 0.4, "coverage": 0.2,
         "scene": [2034, 3250], "original": {"author": "曹雪芹"}}  # fmt: skip
    said = summarize({"verdict": "rewrite", "matches": [m], "more_sources": True})
    assert said.startswith(
        "洗稿：改写自原文 红楼梦-089（曹雪芹），重述的内容占全文 40%，覆盖原文 20%"
    )
    assert "，见于稿件第 2035–3250 字" in said
    assert said.endswith("；另有来源未列出，可调大 limit 再查。")


def test_a_faint_near_miss_is_not_sent_for_review() -> None:
    faint = {"source_id": "c", "containment": 0.0, "coverage": 0.0, "wash_score": 0.06}
    said = summarize({"verdict": "original", "matches": [], "near_miss": faint})
    assert said.endswith("洗稿分 0.06，远未达到洗稿的判定标准。") and "复核" not in said


def test_a_faint_near_miss_with_facts_stated_otherwise_is_still_far() -> None:
    # an honest report on a story's topic states its own figures: a faint near miss lists
    # them in its JSON, and the summary does not send the report for review (diff review 16)
    alt = {"kind": "number", "text": "原文为 150多万亩，此处为 4300多万亩"}
    faint = {"source_id": "c", "containment": 0.46, "coverage": 0.27, "wash_score": 0.11,
             "altered": [alt]}  # fmt: skip
    said = summarize({"verdict": "original", "matches": [], "near_miss": faint})
    assert said.endswith("远未达到洗稿的判定标准。") and "复核" not in said


def test_a_publisher_under_a_chinese_field_is_named_as_a_check_reads_it() -> None:
    # 来源, 作者…: the fields provenance.META_CREDITS reads for credited, not English ones alone
    m = {"source_id": "a", "kind": "partial", "containment": 0.3, "coverage": 0.2,
         "credited": False, "original": {"title": "甲", "来源": "新华社"}}  # fmt: skip
    said = summarize({"verdict": "partial", "matches": [m]})
    assert "《甲》（新华社）" in said and said.endswith("，未注明出处。")


def test_a_near_miss_copied_word_for_word_says_so() -> None:
    """A high wash score beside 未达到 read as a contradiction (black-box review 20): a near
    miss whose alignment is mostly verbatim says it is a copy's to judge."""
    miss = {"source_id": "c", "containment": 1.0, "coverage": 0.66, "wash_score": 0.97,
            "reason": "…, but what aligns is mostly verbatim (a copy, not a rewrite)"}  # fmt: skip
    said = summarize({"verdict": "original", "matches": [], "near_miss": miss})
    assert "洗稿分 0.97，未达到洗稿的判定标准：相近之处多为逐字相同的文字，属复制而非改写" in said


def test_a_near_miss_on_other_people_says_it_is_another_report_on_the_template() -> None:
    """Another official's notice on the original's template scores as a wash; its near miss
    says whom each reports on, not 未达到 beside 洗稿分 0.93 (black-box review 21)."""
    miss = {"source_id": "c", "containment": 0.69, "coverage": 0.62, "wash_score": 0.93,
            "reports_on": {"original": ["黄兴国"], "suspect": ["毕井泉"]}}  # fmt: skip
    said = summarize({"verdict": "original", "matches": [], "near_miss": miss})
    assert said.endswith(
        "洗稿分 0.93，但原文报道的是黄兴国，此处报道的是毕井泉，应为同一模板的另一篇报道，"
        "而非洗稿；可交人工复核。"
    )


def test_a_long_publisher_is_named_before_its_bracket() -> None:
    # (black-box review 21 read 央视网 新闻联播文字稿 (via Felix-Jung/x… in every summary)
    m = {"source_id": "a", "kind": "repost", "containment": 1.0, "coverage": 1.0,
         "original": {"title": "甲", "source": "央视网 新闻联播文字稿 (via Felix-Jung/xwlb-data)"}}  # fmt: skip
    assert "《甲》（央视网 新闻联播文字稿）" in summarize({"verdict": "repost", "matches": [m]})


def test_a_copy_read_by_sound_says_how_many_homophones() -> None:
    m = {"source_id": "a", "kind": "repost", "containment": 1.0, "coverage": 1.0, "homophones": 41,
         "original": {"title": "甲"}}  # fmt: skip
    said = summarize({"verdict": "repost", "matches": [m]})
    assert "照搬《甲》，只把 41 字换成了同音字，读音相同的内容占全文 100%，覆盖原文 100%" in said
    m = {**m, "kind": "partial", "homophones": 14, "evidence": [{"kind": "verbatim"}]}
    said = summarize({"verdict": "partial", "matches": [m]})
    assert "1 段文字取自《甲》（14 字换成了同音字），占全文" in said
