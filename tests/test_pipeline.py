from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xigao import Index, InputError, compare
from xigao.align import union_length
from xigao.verdict import Thresholds
from xigao.verify import PAIR_FICTION_ALIGNED


def test_repost_with_noise_is_found_with_evidence(built_index: Path, stories: list[dict]) -> None:
    idx = Index.open(built_index)
    orig = stories[10]
    body = (
        "【重磅】原标题："
        + orig["title"]
        + "\n"
        + orig["body"].replace("\n", "")
        + "\n责任编辑：张三\n如有侵权请联系删除"
    )
    res = idx.check(body, title="震惊！" + orig["title"])
    assert res.verdict == "repost"
    top = res.matches[0]
    assert top.source_id == orig["id"]
    assert top.containment > 0.9 and top.coverage > 0.9
    for ev in top.evidence:
        s0, s1 = ev.suspect
        o0, o1 = ev.source
        assert 0 <= s0 < s1 <= len(body) and 0 <= o0 < o1 <= len(orig["body"])
        assert body[s0:s1].replace("\n", "") in orig["body"].replace("\n", "")


def test_traditional_script_repost(built_index: Path, stories: list[dict]) -> None:
    orig = stories[20]
    trad = opencc.OpenCC("s2t").convert(orig["body"])
    res = Index.open(built_index).check(trad)
    assert res.verdict == "repost" and res.matches[0].source_id == orig["id"]


def test_partial_copy_in_long_article(built_index: Path, stories: list[dict]) -> None:
    orig = next(s for s in stories if len(s["body"]) > 600)
    passage = orig["body"][200:300]
    host = "这是一篇完全不同的文章，讲述的是一个小镇的变化。" * 120
    body = host[:1500] + passage + host[1500:]
    res = Index.open(built_index).check(body)
    assert res.verdict == "partial"
    top = res.matches[0]
    assert top.source_id == orig["id"]
    (s0, s1) = top.evidence[0].suspect
    assert abs(s0 - 1500) <= 2 and abs(s1 - 1600) <= 2


def test_unrelated_text_is_original(built_index: Path) -> None:
    res = Index.open(built_index).check("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。" * 3)
    assert res.verdict == "original" and res.matches == () and res.score == 0.0


def test_detect_filters_kinds(built_index: Path, stories: list[dict]) -> None:
    """A whole copy holds the passages a partial copy is: asked for partial copies and not
    reposts, it is one, never an original; asked for rewrites alone, it is none."""
    idx = Index.open(built_index)
    for detect in ("partial", ("partial", "rewrite")):
        res = idx.check(stories[1]["body"], detect=detect)
        assert res.verdict == "partial" and res.matches[0].source_id == stories[1]["id"]
        assert res.matches[0].coverage == 1.0
    assert idx.check(stories[1]["body"], detect="repost").verdict == "repost"
    assert idx.check(stories[1]["body"], detect="rewrite").verdict == "original"
    with pytest.raises(ValueError, match="choose from"):
        idx.check("x", detect="repost,bogus")


def test_empty_and_tiny_bodies(built_index: Path) -> None:
    idx = Index.open(built_index)
    for blank in ("", "  \n\t　"):
        with pytest.raises(InputError, match="empty body"):
            idx.check(blank)
    with pytest.raises(InputError, match="'d1' has an empty body"):
        idx.check_document({"id": "d1", "body": " "})
    assert idx.check("。。").verdict == "original"  # content too short to match


def test_arguments_of_the_wrong_kind_are_input_errors(
    built_index: Path, stories: list[dict]
) -> None:
    """A newsroom's code catching ``XigaoError`` sees every bad argument as one, never a raw
    TypeError from inside; an id given as a number comes back as a string."""
    idx = Index.open(built_index)
    body = stories[1]["body"]
    for kw in ({"meta": "x"}, {"detect": 5}, {"exclude": [5]}, {"id": ["a"]}, {"title": 3}):
        with pytest.raises(InputError):
            idx.check(body, **kw)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="half of a character"):
        idx.check(body, id="a\ud83d")
    half = idx.check("来源：人民\ud83d日报\n" + body, meta={"source": "来源\udc00"}).to_dict()
    json.dumps(half, ensure_ascii=False).encode("utf-8")  # writable: U+FFFD where half was
    assert idx.check(body, id=5, exclude=None).id == "5"  # type: ignore[arg-type]
    for a, b in ((None, body), (body.encode(), body), (body, "  ")):
        with pytest.raises(InputError):
            compare(a, b, encoder="static")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="needs an encoder"):
        compare(body, body, detect="rewrite", encoder=None)
    assert compare(body, body, encoder=None).verdict == "repost"


def test_compare_scores_share_of_original() -> None:
    a = "全国秋粮收购已经全面展开，各地加快烘干仓储设施建设，确保颗粒归仓。"
    res = compare(a, a)
    assert res.verdict == "repost" and res.score == pytest.approx(1.0)
    doc = res.to_dict()
    assert set(doc) >= {"id", "verdict", "score", "matches"}
    assert doc["matches"][0]["evidence"][0]["kind"] == "verbatim"
    assert compare("今天天气很好", a, detect="repost,partial").score == 0.0
    spun = "全国秋粮采购早已全面展开，各地加速烘干仓储设施建设，保证颗粒归仓。"
    unrelated = compare("今天天气很好，我们去公园散步吧。", a).score
    assert unrelated < compare(spun, a).score < res.score


def test_compare_answers_in_the_shape_of_a_check(stories: list[dict]) -> None:
    # copy ratio, credit lines and each match's credit and quotations, as a check has them
    # a quotation holds no line end and no quotation of its own (its marks are no content)
    passage = max(stories[0]["body"].split("\n"), key=len)[:150].translate({0x201C: "", 0x201D: ""})
    suspect = "来源：央视新闻\n据央视新闻报道：“" + passage + "”\n" + stories[1]["body"]
    d = compare(suspect, stories[0]["body"], detect="repost,partial").to_dict()
    assert d["verdict"] == "partial"
    assert list(d)[:4] == ["id", "verdict", "score", "matches"]
    held = union_length([tuple(e["suspect"]) for e in d["matches"][0]["evidence"]])
    assert d["copy_ratio"] == pytest.approx(held / len(suspect), abs=0.05)
    assert {"央视新闻"} <= {n for c in d["attribution"] for n in c["names"]}
    assert d["matches"][0]["quoted_chars"] >= 140
    # credited: whether the suspect names the original's publisher, which only the original's
    # metadata says (an index keeps it; compare is given it)
    assert not d["matches"][0]["credited"]
    theirs = {"source": "央视新闻", "time": "2016-12-31"}
    got = compare(suspect, stories[0]["body"], detect="repost,partial", original_meta=theirs)
    assert got.matches[0].details["credited"]  # the lead-in 据央视新闻报道 before the passage
    plain_paste = "来源：央视新闻\n" + passage + "\n" + stories[1]["body"]
    m = compare(
        plain_paste,
        stories[0]["body"],
        detect="repost,partial",
        meta={"time": "2017-01-02"},
        original_meta=theirs,
    ).matches[0]
    assert m.details["credited"] and m.details["direction"] == "original_first"
    other = compare(plain_paste, stories[0]["body"], detect="repost,partial",
                    original_meta={"source": "新华社"})  # fmt: skip
    assert not other.matches[0].details["credited"]
    plain = compare(stories[1]["body"], stories[0]["body"], detect="repost,partial").to_dict()
    assert plain["verdict"] == "original" and plain["copy_ratio"] == 0.0
    assert [c["names"] for c in plain["attribution"]] == [["央视网"]]  # 央视网消息 opens it


class _CharBag:
    """A deterministic encoder for tests: each text's characters counted into 32 buckets."""

    dim = 32

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for c in text:
                out[i, ord(c) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1)


class _Prompted(_CharBag):
    """_CharBag that takes e5's ``kind`` keyword and records it."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []

    def encode(self, texts: list[str], kind: str = "passage") -> np.ndarray:  # type: ignore[override]
        self.kinds.append(kind)
        return super().encode(texts)


def test_compare_score_is_raised_by_the_share_for_articles_and_the_cosine_for_one_line() -> None:
    t = replace(
        Thresholds.load(),
        blend_weight=0.0,
        compare_floor=0.5,
        compare_sentences=1.0,
        compare_under_floor=0.0,
    )
    line = "国家统计局今天发布数据，一季度国内生产总值同比增长5.2%。"
    spun = "国家统计局今日公布数据，一季度经济同比增长百分之五点二！"
    enc = _CharBag()
    one = compare(spun, line, thresholds=t, encoder=enc)
    assert enc.calls == [[spun, line]]  # the texts as given, in one call, no sentences
    v = _CharBag().encode([spun, line])
    assert one.score == pytest.approx((float(v[0] @ v[1]) - 0.5) / 0.5)
    assert compare("。。", line, thresholds=t, encoder=_CharBag()).score == 0.0

    # an article of n sentences: the share of it reused raises the similarity by (n - 1) / n
    # of the difference
    article = (
        line
        + "专家表示，消费持续恢复是经济回升的主要动力。"
        + "下一步将继续推进重点项目建设，扩大有效投资。"
    )
    from xigao.pipeline import compare_parts, compare_score

    parts = compare_parts(spun, article, thresholds=t, encoder=_CharBag())
    assert parts.sentences == 3 and 0 < parts.aligned < 0.5 and parts.verbatim == 0
    got = compare(spun, article, thresholds=t, encoder=_CharBag()).score
    sim = max(0.0, (parts.cosine - 0.5) / 0.5)
    assert got == pytest.approx(sim + 2 / 3 * max(0.0, parts.aligned - sim))
    # the share only raises: an article that shares no sentence scores its cosine, as a line does
    unshared = parts._replace(aligned=0.0)
    assert compare_score(unshared, t) == pytest.approx(
        compare_score(unshared._replace(sentences=1), t)
    )
    assert got == pytest.approx(compare_score(parts, t))
    # verbatim coverage wins for a copy, however unlike the whole texts look
    copy = "ＡＢＣＤＥＦＧ，" * 8 + article
    assert compare(copy, article, thresholds=t, encoder=_CharBag()).score == pytest.approx(1.0)


def test_compare_passes_its_prompt_to_encoders_that_take_one(tmp_path: Path) -> None:
    t = replace(Thresholds.load(), blend_weight=0.0)
    for prompt in ("query", "passage"):
        enc = _Prompted()
        compare("马在跑。", "马在跑。", thresholds=replace(t, compare_prompt=prompt), encoder=enc)
        assert enc.kinds == [prompt]
    # the static encoder's cosines count from their own floor
    from xigao.pipeline import compare_parts

    static = _CharBag()
    static.name = "static"  # type: ignore[attr-defined]
    tf = replace(t, compare_floor=0.9, compare_floor_static=0.3)
    assert compare_parts("马在跑。", "牛在吃草。", thresholds=tf, encoder=static).floor == 0.3
    assert compare_parts("马在跑。", "牛在吃草。", thresholds=tf, encoder=_CharBag()).floor == 0.9
    bad = tmp_path / "thresholds.json"
    bad.write_text(json.dumps({"thresholds": {"compare_prompt": "doc"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="compare_prompt"):
        Thresholds.load(bad)
    bad.write_text(json.dumps({"thresholds": {"compare_under_floor": 1.5}}), encoding="utf-8")
    with pytest.raises(ValueError, match="compare_under_floor"):
        Thresholds.load(bad)


def test_compare_keeps_short_sentences() -> None:
    # the only sentence has fewer than MIN_SENTENCE_KEY content characters: once dropped,
    # which scored a text against itself 0
    for encoder in ("e5", "static"):
        assert compare("马在跑。", "马在跑。", encoder=encoder).score == pytest.approx(
            1.0, abs=1e-3
        )
    assert compare("马在跑。", "马在跑。", encoder=None).score == 0.0  # too short to be a copy


def test_fast_path_loads_no_model(built_index: Path, stories: list[dict]) -> None:
    """`detect=repost,partial` must work without importing torch or model2vec."""
    import subprocess
    import sys

    code = (
        "import sys, json; from xigao import Index; "
        f"idx = Index.open({str(built_index)!r}); "
        f"r = idx.check({stories[4]['body']!r}, detect='repost,partial'); "
        "heavy = [m for m in ('torch', 'model2vec', 'sentence_transformers') if m in sys.modules]; "
        "print(json.dumps([r.verdict, heavy]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    verdict, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    assert verdict == "repost"
    assert heavy == []


def test_lexical_index_refuses_rewrite_detection(tmp_path: Path, stories: list[dict]) -> None:
    from xigao import XigaoError

    idx = Index.build(stories[:20], tmp_path / "lex", vectors=None)
    assert idx.info()["vectors"]["encoder"] == ""
    assert idx.check(stories[3]["body"]).verdict == "repost"  # default: what it supports
    with pytest.raises(XigaoError, match="no document vectors"):
        idx.check(stories[3]["body"], detect="rewrite")
    with pytest.raises(XigaoError, match="no document vectors"):  # too short to match, too
        idx.check("测试文本", detect="rewrite")


def test_candidates_can_leave_an_indexed_original_out(
    built_index: Path, stories: list[dict]
) -> None:
    from xigao.detect import Prepared

    idx = Index.open(built_index)
    orig = stories[30]
    own = idx.store.rowid(orig["id"])
    assert own is not None and idx.store.rowid("no such id") is None
    suspect = Prepared.of(orig["body"], idx.thresholds).with_sentences(idx.encoder)
    plan = idx.candidate_rows(suspect, rewrite=True)
    assert plan.verbatim[0] == own and own in plan.rewrite
    rest = idx.candidate_rows(suspect, rewrite=True, exclude=[own])
    # checked against the others only, with as many candidates as before
    assert own not in rest.verbatim and own not in rest.rewrite
    assert len(rest.rewrite) >= len(plan.rewrite) - 1
    assert set(plan.rewrite) - {own} <= set(rest.rewrite)


def test_check_can_leave_indexed_documents_out(built_index: Path, stories: list[dict]) -> None:
    idx = Index.open(built_index)
    orig = stories[30]
    assert idx.check(orig["body"]).matches[0].source_id == orig["id"]
    for exclude in ([orig["id"]], orig["id"], (orig["id"], "no such id")):
        res = idx.check(orig["body"], exclude=exclude)
        assert orig["id"] not in {m.source_id for m in res.matches}
    # an id that is not indexed leaves everything in
    assert idx.check(orig["body"], exclude=["no such id"]).matches[0].source_id == orig["id"]


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0.05, 0.99),
    st.one_of(st.just(0.0), st.floats(0.01, 0.5)),
)
def test_cosine_similarity_keeps_the_order_of_cosines(
    c1: float, c2: float, floor: float, under: float
) -> None:
    from xigao.pipeline import cosine_similarity

    lo, hi = sorted((c1, c2))
    a, b = cosine_similarity(lo, floor, under), cosine_similarity(hi, floor, under)
    assert 0.0 <= a <= b <= 1.0 + 1e-12
    assert cosine_similarity(floor, floor, under) == pytest.approx(under)
    assert cosine_similarity(1.0, floor, under) == pytest.approx(1.0)
    if under > 0 and hi - lo > 1e-9:
        assert a < b  # no ties: every cosine keeps its rank


@pytest.mark.slow
def test_a_rewrite_stands_out_where_a_formulaic_series_does_not(
    tmp_path: Path, stories: list[dict]
) -> None:
    from .test_detect import RECEPTION, RECEPTION_ELSEWHERE
    from .test_paraphrase import ORIGINAL, REWRITE

    docs = [{"id": s["id"], "body": s["body"]} for s in stories[:40]] + [
        {"id": "original", "body": ORIGINAL},
        {"id": "its-repost", "body": "转载自新华网。" + ORIGINAL + "（责任编辑：王五）"},
        {"id": "nigeria", "body": RECEPTION},
        {"id": "kenya", "body": RECEPTION_ELSEWHERE},
    ]
    Index.build(docs, tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    # a third reception follows the frame of both with facts of its own (another country,
    # another head count, other projects): each is the other's rival, neither stands out. (The
    # Kenyan text with two names swapped and every figure kept would be a 换名 copy of it.)
    third = (
        RECEPTION_ELSEWHERE.replace("肯尼亚", "加纳")
        .replace("近七百人", "约四百五十人")
        .replace("蒙内铁路和内罗毕快速路", "特马港和阿克拉环城公路")
    )
    res = idx.check(third)
    assert res.verdict == "original"
    # a rewrite stands out from the rest; a repost of its original is no rival
    res = idx.check(REWRITE)
    assert res.verdict == "rewrite"
    top = res.matches[0].to_dict()
    assert top["source_id"] in {"original", "its-repost"}
    # why it is a rewrite, in the result: the score, the facts it restates, how far it stands out
    assert top["wash_score"] >= idx.thresholds.wash_threshold
    assert top["facts"]["recall"] > 0.3 and top["facts"]["margin"] > 0
    assert "at or above the rewrite threshold" in top["reason"]


def _washes(task_ids: set[str]) -> dict[str, dict]:
    """Lines of the realistic-washes fit set by task id."""
    out = {}
    for path in sorted((Path(__file__).parent.parent / "benchmarks" / "washfit").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["task_id"] in task_ids:
                out[row["task_id"]] = row
    return out


def _thucnews(doc_id: str) -> dict:
    """A THUCNews article of ``shared/data/news`` by its benchmark id (thuc-0512: line 512)."""
    from .conftest import SHARED

    lines = (SHARED / "data" / "news" / "thucnews_1k.tsv").read_text(encoding="utf-8").splitlines()
    return {"id": doc_id, "body": lines[int(doc_id.split("-")[1])].split("\t", 1)[1]}


def _story(doc_id: str) -> dict:
    from .conftest import SHARED

    with (SHARED / "data" / "news" / "cctv_xwlb_stories.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if f'"{doc_id}"' in line:
                d = json.loads(line)
                if d["id"] == doc_id:
                    return {"id": d["id"], "title": d["title"], "body": d["body"]}
    raise KeyError(doc_id)


@pytest.mark.slow
def test_a_deep_wash_is_found_with_its_source_and_a_reason(
    tmp_path: Path, stories: list[dict]
) -> None:
    wash = _washes({"fit1-deep-0"})["fit1-deep-0"]
    (source_id,) = wash["source_ids"]
    Index.build([*stories, _story(source_id)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(wash["body"])
    assert res.verdict == "rewrite"
    top = res.matches[0]
    assert top.source_id == source_id
    assert top.details["wash_score"] >= idx.thresholds.wash_threshold
    assert "rewrite threshold" in top.details["reason"]
    assert all(0 <= e.suspect[0] < e.suspect[1] <= len(wash["body"]) for e in top.evidence)
    d = res.to_dict()
    assert 0.3 < d["copy_ratio"] <= 1.0 and "near_miss" not in d


@pytest.mark.slow
def test_a_wash_beside_a_pasted_passage_reports_its_share_of_the_whole_suspect(
    tmp_path: Path, stories: list[dict]
) -> None:
    # the wash is measured (and scored) on the part the pasted passage leaves, but what it
    # reports is of the whole suspect, as every match's containment is, and its reason agrees
    wash = _washes({"fit1-deep-0"})["fit1-deep-0"]
    (source_id,) = wash["source_ids"]
    # a third of the suspect from most of a story: measured as a source on its own
    k = next(k for k, s in enumerate(stories) if 560 < len(s["body"]) < 800)
    body = wash["body"] + "\n" + stories[k]["body"][:520]
    Index.build([*stories, _story(source_id)], tmp_path / "idx").close()
    with Index.open(tmp_path / "idx") as idx:
        res = idx.check(body)
    kinds = {m.source_id: m for m in res.matches}
    assert kinds[source_id].kind == "rewrite" and kinds[stories[k]["id"]].kind == "partial"
    for m in res.matches:
        held = union_length([tuple(e.suspect) for e in m.evidence])
        assert abs(m.containment - held / len(body)) < 0.1, (m.source_id, m.containment)
    rewrite = kinds[source_id]
    assert rewrite.containment < 0.7  # the pasted third is none of the wash's
    assert rewrite.details["reason"].startswith(f"{rewrite.containment:.0%} of the suspect")
    assert sum(m.containment for m in res.matches) <= 1.05


@pytest.mark.slow
def test_an_original_near_a_source_says_why(tmp_path: Path, stories: list[dict]) -> None:
    rows = _washes({"fit1-comment-0"})
    comment = rows["fit1-comment-0"]
    (source_id,) = comment["source_ids"]
    Index.build([*stories, _story(source_id)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(comment["body"]).to_dict()
    assert res["verdict"] == "original" and res["copy_ratio"] == 0.0
    miss = res.get("near_miss")
    if miss is not None:  # its story is the closest original, scored below the threshold
        assert miss["source_id"] == source_id
        assert "below the rewrite threshold" in miss["reason"]
        assert miss["wash_score"] < idx.thresholds.wash_threshold
        # what the original is, as a match says, and the summary names it by its title
        title = _story(source_id)["title"]
        assert miss["original"]["title"] == title and f"最接近的是《{title[:10]}" in res["summary"]
    # an unrelated text comes near nothing
    far = idx.check("小猫在阳光下伸了个懒腰，又蜷成一团睡着了。窗外的桂花开得正好。").to_dict()
    assert "near_miss" not in far and far["copy_ratio"] == 0.0


def test_compare_decides_a_wash_as_a_check_does() -> None:
    # a deep wash and a condensed one (a third of the story) the sentence rule called original
    # before compare weighed them as a check does; a commentary on a story stays original
    rows = _washes({"fit2-deep-1", "fit2-cond-0", "fit2-comment-0"})
    for task in ("fit2-deep-1", "fit2-cond-0"):
        wash = rows[task]
        source = _story(wash["source_ids"][0])["body"]
        res = compare(wash["body"], source, encoder="static")
        assert res.verdict == "rewrite", task
        (m,) = res.matches
        assert m.kind == "rewrite" and m.details["wash_score"] >= Thresholds.load().wash_threshold
        assert "rewrite threshold" in m.details["reason"]
        assert all(0 <= e.suspect[0] < e.suspect[1] <= len(wash["body"]) for e in m.evidence)
    comment = rows["fit2-comment-0"]
    story = _story(comment["source_ids"][0])["body"]
    res = compare(comment["body"], story, encoder="static").to_dict()
    assert res["verdict"] == "original" and res["matches"] == []
    if "near_miss" in res:
        assert "below the rewrite threshold" in res["near_miss"]["reason"]
    with pytest.raises(ValueError, match="genre"):
        compare(comment["body"], story, encoder="static", genre="poetry")


def test_compare_says_what_a_wash_whose_figures_were_changed_changed() -> None:
    # a deep wash with every figure it shares with its story changed by a digit: whether it
    # still reads as a rewrite or comes out a near miss, the changes are listed as the texts
    # write them, and a near miss says why in the wash measures' words, not in the sentence
    # rule's ("a rewrite needs 50%", which no verdict follows: black-box review 9)
    import re

    wash = _washes({"fit2-deep-1"})["fit2-deep-1"]
    source = _story(wash["source_ids"][0])["body"]
    body = wash["body"]
    for m in reversed([m for m in re.finditer(r"\d{3,}", body) if m.group() in source]):
        body = (
            body[: m.start()]
            + m.group()[:-1]
            + str((int(m.group()[-1]) + 3) % 10)
            + body[m.end() :]
        )
    res = compare(body, source, encoder="static", original_meta={"source": "央视网"}).to_dict()
    shown = [*res["matches"], *([res["near_miss"]] if "near_miss" in res else [])]
    said = [a["text"] for m in shown for a in m.get("altered", [])]
    assert "原文为 342人，此处为 345人" in said, said
    assert all(m["original"] == {"source": "央视网"} for m in shown)  # what the original is
    if "near_miss" in res:
        reason = res["near_miss"]["reason"]
        assert "wash score" in reason and "a rewrite needs 50%" not in reason
        assert "altered facts listed" in reason
    # the pairs whose figures differ are marked in the evidence (black-box review 15: the
    # result did not say which sentences they were), and only those
    marked = [e for m in shown for e in m["evidence"] if "conflict" in e]
    assert marked and all(e["conflict"] is True for e in marked)  # absent where false
    assert any("342" in source[slice(*e["source"])] for e in marked)
    # … and not the pairs that agree
    assert len(marked) < sum(len(m["evidence"]) for m in shown)


def test_compare_reads_a_renamed_retelling_as_fiction() -> None:
    # a passage of 红楼梦 chapter 89 retold with its people renamed, against the whole
    # chapter: as fiction a rewrite with its name map (news reads no names)
    wash = _washes({"fit7-lit-names-1"})["fit7-lit-names-1"]
    (source_id,) = wash["source_ids"]
    chapters = _chapters("红楼梦-")
    (chapter,) = [c["body"] for c in chapters if c["id"] == source_id]
    res = compare(wash["body"], chapter, encoder="static", genre="fiction")
    assert res.verdict == "rewrite"
    renamed = res.matches[0].details["name_map"]
    assert "宝玉" not in wash["body"] and renamed["宝玉"] in wash["body"]
    # against an edition in traditional script, the map names each person as the texts
    # write them (寶玉), not as the normalizer folds them
    trad = opencc.OpenCC("s2t").convert(chapter)
    as_trad = compare(wash["body"], trad, encoder="static", genre="fiction")
    renamed_trad = as_trad.matches[0].details["name_map"]
    assert renamed_trad["寶玉"] == renamed["宝玉"]
    assert all(x in trad and y in wash["body"] for x, y in renamed_trad.items())
    as_news = compare(wash["body"], chapter, encoder="static")
    assert "name_map" not in as_news.matches[0].details
    # chapter 8 retold with every name changed keeps too few facts for news; fiction aligns
    # the chapter all the same, and finds the retelling by how much of it is aligned
    wash = _washes({"fit11-lit-names-0"})["fit11-lit-names-0"]
    (chapter,) = [c["body"] for c in chapters if c["id"] == wash["source_ids"][0]]
    res = compare(wash["body"], chapter, encoder="static", genre="fiction")
    assert res.verdict == "rewrite" and res.matches[0].containment >= PAIR_FICTION_ALIGNED
    assert compare(wash["body"], chapter, encoder="static").verdict == "original"
    # another chapter of the novel, against the six before it: the same people, another
    # story, aligned as much as that (with no rival to weigh against, such chapters scored as
    # retellings when a tenth of them aligned)
    later = chapters[30]["body"]
    before = "".join(c["body"] for c in chapters[24:30])
    other = compare(later, before, encoder="static", genre="fiction").to_dict()
    assert other["verdict"] == "original"
    # its near miss is its likest scene, too thinly aligned, and says so (a chain of its
    # sentences in order, but not most of them)
    reason = other["near_miss"]["reason"]
    assert reason.startswith("of the scene at characters") and "a scene needs 30%" in reason
    assert re.search(
        r"(\d+) of its (\d+) aligned sentences in the original's order \(it needs", reason
    )
    # 融梗: a scene of chapter 76 grafted into a story with one of 西游记: under 30% of the
    # story is aligned to the chapter, but in one half of it (the scene)
    wash = _washes({"fit90-lit-merge-2"})["fit90-lit-merge-2"]
    (chapter,) = [c["body"] for c in chapters if c["id"] == "红楼梦-076"]
    res = compare(wash["body"], chapter, encoder="static", genre="fiction")
    assert res.verdict == "rewrite" and res.matches[0].containment < PAIR_FICTION_ALIGNED


def test_copy_ratio_counts_every_source_once(tmp_path: Path, stories: list[dict]) -> None:
    a, b = stories[0]["body"], stories[1]["body"]
    Index.build(stories[:20], tmp_path / "idx", vectors=None).close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(a + "\n" + b, detect="repost,partial").to_dict()
    assert {m["source_id"] for m in res["matches"]} >= {stories[0]["id"], stories[1]["id"]}
    assert res["copy_ratio"] > 0.95


@pytest.mark.slow
def test_a_story_stitched_from_two_related_ones_reports_both(
    tmp_path: Path, stories: list[dict]
) -> None:
    # two reports on one topic (the same minister's two visits), interleaved: each aligns to
    # most of the suspect, so each looks like the other's rival; each also explains facts of
    # its own, which makes them two sources (``wash_cosource``)
    wash = _washes({"fit19-merge-9"})["fit19-merge-9"]
    sources = wash["source_ids"]
    Index.build([*stories, *map(_story, sources)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(wash["body"])
    assert res.verdict == "rewrite"
    assert {m.source_id for m in res.matches if m.kind == "rewrite"} == set(sources)
    assert res.to_dict()["copy_ratio"] > 0.8
    # the rule only adds sources: without it, what is found is found with it (under the
    # wash score fitted on 2026-12-05 each of these two passes on its own; under the one
    # before, only one did, and the rule found the other)
    t = replace(idx.thresholds, wash_cosource=1.0)
    alone = Index(idx.store, thresholds=t).check(wash["body"])
    assert {m.source_id for m in alone.matches if m.kind == "rewrite"} <= set(sources)


def test_library_build_uses_the_cores_like_the_cli(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Index.build`` sketches in worker processes unless told ``workers=1``, as the CLI does."""
    import xigao.storage
    from xigao.workers import default_workers

    seen: list[int] = []
    real = xigao.storage._sketched

    def spy(batches, config, workers):  # type: ignore[no-untyped-def]
        seen.append(workers)
        return real(batches, config, workers)

    monkeypatch.setattr(xigao.storage, "_sketched", spy)
    Index.build(stories[:20], tmp_path / "a", vectors=None).close()
    Index.build(stories[:20], tmp_path / "b", vectors=None, workers=1).close()
    assert seen == [default_workers(), 1]


def test_the_candidate_sharing_far_the_most_facts_is_aligned_below_the_fact_floor() -> None:
    from dataclasses import replace

    from xigao.verdict import Thresholds
    from xigao.verify import aligned_gate as _aligned_gate

    t = replace(
        Thresholds.load(), wash_min_cosine=0.15, wash_standout_cosine=0.05, wash_standout_ratio=3
    )
    assert _aligned_gate([0.2, 0.1, 0.16], t) == [True, False, True]  # the floor alone
    # a renamed retelling: few facts kept, but three times any other chapter's
    assert _aligned_gate([0.02, 0.12, 0.03], t) == [False, True, False]
    assert _aligned_gate([0.12], t) == [True]
    # no candidate stands out, or the best shares too little
    assert _aligned_gate([0.12, 0.05, 0.03], t) == [False, False, False]
    assert _aligned_gate([0.04, 0.01], t) == [False, False]
    assert _aligned_gate([], t) == []


def _chapters(prefix: str) -> list[dict]:
    from .conftest import SHARED

    path = SHARED / "data" / "public_domain" / "classic_novels_chapters.jsonl"
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [{"id": r["id"], "body": r["body"]} for r in rows if r["id"].startswith(prefix)]


@pytest.mark.slow
def test_a_renamed_retelling_is_found_in_an_index_of_fiction(tmp_path: Path) -> None:
    # 红楼梦 chapter 8 retold in web-novel prose, every character renamed: few of the
    # chapter's facts (its names) survive, so an index of news calls it a near miss, and an
    # index of fiction, whose honest works never come near, a rewrite
    wash = _washes({"fit11-lit-names-0"})["fit11-lit-names-0"]
    (source_id,) = wash["source_ids"]
    chapters = _chapters("红楼梦-")
    Index.build(chapters, tmp_path / "idx", genre="fiction").close()
    idx = Index.open(tmp_path / "idx")
    assert idx.store.genre == "fiction" and idx.info()["genre"] == "fiction"
    t = Thresholds.load()
    assert idx.thresholds.wash_threshold == t.wash_threshold_fiction < t.wash_threshold
    res = idx.check(wash["body"])
    assert res.verdict == "rewrite" and res.matches[0].source_id == source_id
    Index.build(chapters, tmp_path / "news").close()
    as_news = Index.open(tmp_path / "news")
    assert as_news.thresholds.wash_threshold == t.wash_threshold
    miss = as_news.check(wash["body"]).to_dict()
    assert miss["verdict"] == "original" and miss["near_miss"]["source_id"] == source_id


@pytest.mark.slow
def test_a_scene_grafted_from_another_novel_is_found_with_its_chapter(tmp_path: Path) -> None:
    # 融梗: a scene of 红楼梦 chapter 84 and one of 西游记 chapter 7 retold as one story, one
    # cast renamed. The second scene's chapter shares few facts with the story (0.03): it is
    # found on what the first leaves, where its facts stand out, re-expressing a tenth of it
    wash = _washes({"fit91-lit-merge-0"})["fit91-lit-merge-0"]
    monkey, mansion = wash["source_ids"]
    Index.build(
        [*_chapters("红楼梦-"), *_chapters("西游记-")], tmp_path / "idx", genre="fiction"
    ).close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert res.verdict == "rewrite" and set(rewrites) == {monkey, mansion}
    grafted = rewrites[monkey]
    assert "further source" in grafted.details["reason"] and grafted.evidence
    assert all(0 <= e.suspect[0] < e.suspect[1] <= len(wash["body"]) for e in grafted.evidence)
    # with the news rule on the residual (facts from 0.20, a tenth of the story) it is not
    t = Thresholds.load()
    news_rule = replace(
        t,
        wash_residual_cosine_fiction=t.wash_residual_cosine,
        wash_cosource_beyond_fiction=t.wash_cosource_beyond,
    )
    off = Index(idx.store, thresholds=news_rule).check(wash["body"])
    assert [m.source_id for m in off.matches if m.kind == "rewrite"] == [mansion]


@pytest.mark.slow
def test_a_renamed_copy_in_taiwan_standard_script_keeps_its_verbatim_passages(
    tmp_path: Path,
) -> None:
    # the tiger fight of 水浒 chapter 23 copied with its people and places renamed, and the same
    # converted to Taiwan-standard script, as a Big5 file holds it (著 for 着): the same
    # verdict, score and passages (black-box review 10, finding 4: rewrite, its runs broken)
    import opencc

    (chapter,) = [c for c in _chapters("水浒全传-023")]
    body = chapter["body"]
    start, end = body.index("这武松提了哨棒"), body.index("众上户道：“真乃英雄好汉！”")
    renames = {"武松": "陆铮", "景阳冈": "黑风岭", "阳谷县": "青阳县", "清河县": "临水县"}
    copy = body[start:end]
    for a, b in renames.items():
        copy = copy.replace(a, b)
    taiwan = opencc.OpenCC("s2tw").convert(copy)
    assert "著" in taiwan and "着" not in taiwan
    Index.build(_chapters("水浒全传-02"), tmp_path / "idx", genre="fiction").close()
    idx = Index.open(tmp_path / "idx")
    plain, tw = idx.check(copy), idx.check(taiwan)
    assert plain.verdict == tw.verdict == "partial"
    assert [(m.source_id, round(m.score, 3)) for m in tw.matches] == [
        (m.source_id, round(m.score, 3)) for m in plain.matches
    ]
    assert len(tw.matches[0].evidence) == len(plain.matches[0].evidence)


#: Same-genre passages of our own fit set (honest: each stays original alone), as the prose of
#: a web novel's chapter around a retold scene.
PROSE = (
    "fit11-lit-genre-0", "fit11-lit-genre-1", "fit21-lit-genre-0", "fit21-lit-genre-2",
    "fit23-lit-genre-1", "fit23-lit-genre-2", "fit24-lit-genre-0", "fit24-lit-genre-2",
    "fit7-lit-genre-1",
)  # fmt: skip


def _in_prose(task_id: str, novel: str, before: int, after: int, where: Path) -> tuple:
    """Wash ``task_id`` of our fit set among ``before`` and then ``after`` more passages of
    ``PROSE``, and an index of fiction of the chapters of ``novel`` (an id prefix) at
    ``where``: the wash's row, its source's id, the chapter, where the wash starts in it, the
    index, and the chapter's own prose alone."""
    rows = _washes({task_id, *PROSE})
    wash = rows[task_id]
    (source_id,) = wash["source_ids"]
    prose = [rows[k]["body"] for k in PROSE]
    body = "\n".join([*prose[:before], wash["body"], *prose[before : before + after]])
    Index.build(_chapters(novel), where, genre="fiction").close()
    own = "\n".join(prose[: before + after])
    return wash, source_id, body, body.index(wash["body"]), Index.open(where), own


@pytest.mark.slow
def test_a_retold_scene_is_found_inside_a_chapter_of_its_own_prose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # black-box review 10: a scene of 红楼梦 chapter 8 retold and renamed (about 1,100
    # characters) in the middle of a chapter of 7,000: a tenth of the chapter re-expresses it,
    # too little for a rewrite of the whole, and the scene is measured where it lies
    wash, source_id, body, at, idx, own = _in_prose(
        "fit11-lit-names-0", "红楼梦-", 4, len(PROSE) - 4, tmp_path / "idx"
    )
    res = idx.check(body)
    assert res.verdict == "rewrite" and [m.source_id for m in res.matches] == [source_id]
    (m,) = res.matches
    lo, hi = m.details["scene"]
    # the scene measured holds most of the retelling, and little of the chapter
    inside = min(hi, at + len(wash["body"])) - max(lo, at)
    assert inside >= 0.8 * len(wash["body"]) and hi - lo <= 2 * len(wash["body"])
    assert m.details["reason"].startswith(f"of the scene at characters {lo}-{hi}")
    assert all(lo <= e.suspect[0] < e.suspect[1] <= hi for e in m.evidence)
    # its renames are read inside the scene, not in the chapter's prose around it
    renamed = m.details["name_map"]
    assert renamed and not any(new in body and new not in body[lo:hi] for new in renamed.values())
    # the names its name map speaks of are its, not altered facts (black-box review 18)
    named = [a["detail"].partition("→") for a in m.details["altered"] if a["kind"] != "number"]
    assert not any(o in renamed or n in renamed.values() for o, _, n in named)
    assert m.containment < 0.2  # as a share of the whole chapter, as every match's is
    # its coverage is of the whole source chapter, not of the window of it the score weighs
    # (review 10, finding 5), and the reason says the same share
    # (a retelling of 873 characters re-expresses 7% of the chapter's 6,229; 25% of the window)
    assert f"re-expresses {m.coverage:.0%} of the original" in m.details["reason"]
    assert m.coverage < 0.15 and m.details["window"][1] - m.details["window"][0] < 6229
    # compared with its source chapter alone, the chapter's scene is found as the check finds
    # it (no other original to rival it), and the prose alone is no rewrite of that chapter
    source = idx.get(source_id)
    assert source is not None
    pair = compare(body, source.body, encoder="static", genre="fiction")
    assert pair.verdict == "rewrite" and pair.matches[0].details["scene"] == [lo, hi]
    assert pair.matches[0].details["reason"].startswith(f"of the scene at characters {lo}-{hi}")
    assert compare(own, source.body, encoder="static", genre="fiction").verdict == "original"
    # the chapter's own prose alone is original, and measured whole the scene is lost
    assert idx.check(own).verdict == "original"
    monkeypatch.setattr("xigao.verify.SCENE_BUDGETS", ())
    assert idx.check(body).verdict == "original"
    assert compare(body, source.body, encoder="static", genre="fiction").verdict == "original"


@pytest.mark.slow
def test_a_retelling_aligned_thinly_is_found_by_its_beats_in_order_and_its_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 三国演义 34 retold in modern prose, every character renamed, among a chapter's own prose:
    # 16% of its scene aligns (under PAIR_FICTION_ALIGNED), but most of its aligned sentences
    # retell the chapter's in order and name its people otherwise
    wash, source_id, body, at, idx, _ = _in_prose(
        "fit7-lit-names-5", "三国演义-0", 2, 2, tmp_path / "idx"
    )
    res = idx.check(body)
    assert res.verdict == "rewrite" and [m.source_id for m in res.matches] == [source_id]
    lo, hi = res.matches[0].details["scene"]
    assert lo <= at + 100 and hi >= at + len(wash["body"]) - 100
    share = re.match(
        r"of the scene at characters \d+-\d+ of the suspect, (\d+)% re-expresses",
        res.matches[0].details["reason"],
    )
    assert share is not None and 15 <= int(share[1]) < 30
    source = idx.get(source_id)
    assert source is not None
    assert compare(body, source.body, encoder="static", genre="fiction").verdict == "rewrite"
    # its people named as the chapter names them, it would be too thin: a near miss saying so
    with monkeypatch.context() as m:
        m.setattr("xigao.verify.names_kept", lambda source, rows, text: (1, 2))
        miss = idx.check(body).to_dict()
        assert miss["verdict"] == "original" and miss["near_miss"]["source_id"] == source_id
        assert (
            "1 of the 2 people its aligned sentences of the original name (by jieba's tags) named otherwise (it needs 2)"
            in (miss["near_miss"]["reason"])
        )
        pair = compare(body, source.body, encoder="static", genre="fiction").to_dict()
        assert pair["verdict"] == "original" and "a scene needs 30%" in pair["near_miss"]["reason"]
    # nor with too short a chain in order
    monkeypatch.setattr("xigao.verify.SCENE_RETOLD_CHAIN", 1000)
    assert idx.check(body).verdict == "original"
    assert compare(body, source.body, encoder="static", genre="fiction").verdict == "original"


@pytest.mark.slow
def test_a_later_chapter_recapping_an_earlier_scene_with_its_people_is_no_retelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 水浒 59 recaps chapter 2's 史进 and 朱武 in order, a fifth of its scene: the same people,
    # named as chapter 2 names them, so no retelling (a sequel's case), but a near miss that
    # says why
    Index.build(_chapters("水浒全传-00"), tmp_path / "idx", genre="fiction").close()
    idx = Index.open(tmp_path / "idx")
    (later,) = _chapters("水浒全传-059")
    earlier = idx.get("水浒全传-002")
    assert earlier is not None
    res = idx.check(later["body"]).to_dict()
    assert res["verdict"] == "original" and res["near_miss"]["source_id"] == "水浒全传-002"
    reason = res["near_miss"]["reason"]
    assert reason.startswith("of the scene at characters") and "named otherwise (it needs" in reason
    pair = compare(later["body"], earlier.body, encoder="static", genre="fiction")
    assert pair.verdict == "original"
    # read as if it had renamed them, it would be one, for a check and for compare
    monkeypatch.setattr("xigao.verify.names_kept", lambda source, rows, text: (0, 2))
    got = idx.check(later["body"])
    assert got.verdict == "rewrite" and got.matches[0].source_id == "水浒全传-002"
    assert compare(later["body"], earlier.body, encoder="static", genre="fiction").verdict == (
        "rewrite"
    )


@pytest.mark.slow
def test_a_third_grafted_scene_is_found_on_what_the_first_two_leave(tmp_path: Path) -> None:
    # a story grafting a scene of 西游记 34 and one of 红楼梦 76, with a 水浒 64 retelling
    # after it: the residual is measured again once a further source is found there, and two
    # scenes left on it, each with facts of its own, are not each other's rival
    rows = _washes({"fit90-lit-merge-2", "fit24-lit-names-8"})
    story, third = rows["fit90-lit-merge-2"], rows["fit24-lit-names-8"]
    body = story["body"] + "\n" + third["body"]
    chapters = [*_chapters("西游记-"), *_chapters("红楼梦-"), *_chapters("水浒全传-")]
    Index.build(chapters, tmp_path / "idx", genre="fiction").close()
    idx = Index.open(tmp_path / "idx")
    want = {*story["source_ids"], *third["source_ids"]}
    res = idx.check(body)
    assert {m.source_id for m in res.matches if m.kind == "rewrite"} == want
    assert all(
        0 <= e.suspect[0] < e.suspect[1] <= len(body) for m in res.matches for e in m.evidence
    )
    # each chapter's name map reads its own scene: no new name of it is the other part's
    for m in res.matches:
        other = story["body"] if m.source_id in third["source_ids"] else third["body"]
        renamed = m.details["name_map"]
        assert renamed and not any(n in other for n in renamed.values()), m.source_id
    # measured once, with every other candidate a rival there, as in news: not all three
    t = replace(
        Thresholds.load(), wash_residual_rounds_fiction=1, wash_residual_cosource_fiction=1.0
    )
    once = Index(idx.store, thresholds=t).check(body)
    assert {m.source_id for m in once.matches if m.kind == "rewrite"} < want


@pytest.mark.slow
def test_a_grafted_story_is_read_for_renames_only_near_each_chapters_scene(
    tmp_path: Path,
) -> None:
    # 三国 67's siege after 红楼梦 44's birthday, one cast renamed: read whole, 红楼梦 44's
    # match took 三国's 钱昱 and 陈武 for renames of 怡红院 and 宝玉; each chapter's map is
    # now read only near its own scene, and the two share no new name
    wash = _washes({"fit90-lit-merge-5"})["fit90-lit-merge-5"]
    Index.build(
        [*_chapters("红楼梦-"), *_chapters("三国演义-")], tmp_path / "idx", genre="fiction"
    ).close()
    res = Index.open(tmp_path / "idx").check(wash["body"])
    maps = {m.source_id: m.details["name_map"] for m in res.matches}
    assert set(maps) == set(wash["source_ids"])
    first, second = (set(m.values()) for m in maps.values())
    assert first and second and not first & second
    assert "宝玉" not in maps["红楼梦-044"]


def test_an_index_keeps_its_genre_and_refuses_an_unknown_one(
    tmp_path: Path, stories: list[dict]
) -> None:
    Index.build(stories[:5], tmp_path / "a", vectors=None).close()
    assert Index.open(tmp_path / "a").store.genre == "news"
    with pytest.raises(ValueError, match="genre"):
        Index.build(stories[:5], tmp_path / "b", vectors=None, genre="poetry")


def _no_further_rules(t: Thresholds) -> Thresholds:
    """``t`` without the second-source rule and the residual's: a further source is then
    found by its figures alone, if at all."""
    return replace(
        t,
        wash_cosource_threshold=1.0,
        wash_residual_threshold=1.0,
        wash_residual_cosine=1.0,
        wash_residual_far_cosine=1.0,
    )


@pytest.mark.slow
def test_a_second_source_with_less_to_show_is_found_once_the_first_is(
    tmp_path: Path, stories: list[dict]
) -> None:
    # two reports of one topic stitched together: in a small index both score high, so the
    # rewrite threshold is set between the two (the second, measured on what the first leaves,
    # has less to show), and the second is found as a second source all the same
    wash = _washes({"fit19-merge-8"})["fit19-merge-8"]
    sources = wash["source_ids"]
    Index.build([*stories, *map(_story, sources)], tmp_path / "idx").close()
    store = Index.open(tmp_path / "idx").store
    t = replace(Thresholds.load(), wash_threshold=0.9, wash_cosource_threshold=0.4)
    res = Index(store, thresholds=t).check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert set(rewrites) == set(sources)
    first, second = sorted(rewrites.values(), key=lambda m: -m.details["wash_score"])
    assert first.details["wash_score"] >= 0.9 > second.details["wash_score"] >= 0.4
    assert "second source" in second.details["reason"]
    assert "second source" not in first.details["reason"]
    # without the second-source rule (and without measuring the residual, which finds it too)
    alone = Index(store, thresholds=_no_further_rules(t)).check(wash["body"])
    assert [m.source_id for m in alone.matches if m.kind == "rewrite"] == [first.source_id]
    residual = Index(store, thresholds=replace(t, wash_cosource_threshold=1.0)).check(wash["body"])
    assert {m.source_id for m in residual.matches if m.kind == "rewrite"} == set(sources)


def test_the_paraphrase_head_is_off_unless_asked_for(built_index: Path) -> None:
    idx = Index.open(built_index)
    assert idx.store.vectors == "static" and idx.wash_head is None
    on = Index(idx.store, thresholds=replace(idx.thresholds, wash_head=True))
    head = on.wash_head
    assert head is not None and head.shape == (on.encoder.dim, on.encoder.dim)
    assert head.dtype == np.float32


@pytest.mark.slow
def test_a_source_giving_a_quarter_of_a_stitched_story_is_found_on_what_the_first_leaves(
    tmp_path: Path, stories: list[dict]
) -> None:
    # a story built on one report with facts woven in from a second (``"balance": "main"``):
    # measured against the whole suspect, the second shares too few facts to be aligned at
    # all; measured on the sentences the first source leaves, it is a further source
    wash = _washes({"fit59-merge-8"})["fit59-merge-8"]
    sources = wash["source_ids"]
    Index.build([*stories, *map(_story, sources)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    assert idx.thresholds.wash_residual_threshold < 1.0
    # the shipped thresholds find both (here the second-source rule, from its lower score)
    shipped = idx.check(wash["body"])
    assert {m.source_id for m in shipped.matches if m.kind == "rewrite"} == set(sources)
    # the residual measure alone, at a threshold of its grid (the second-source rule off)
    t = replace(idx.thresholds, wash_cosource_threshold=1.0, wash_residual_threshold=0.2)
    res = Index(idx.store, thresholds=t).check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert set(rewrites) == set(sources)
    further = [m for m in rewrites.values() if "further source" in m.details["reason"]]
    assert len(further) == 1 and further[0].evidence
    assert all(0 <= e.suspect[0] < e.suspect[1] <= len(wash["body"]) for e in further[0].evidence)
    # without the residual measure only the main story is found
    off = replace(
        t, wash_residual_threshold=1.0, wash_residual_cosine=1.0, wash_residual_far_cosine=1.0
    )
    alone = Index(idx.store, thresholds=off).check(wash["body"])
    assert {m.source_id for m in alone.matches if m.kind == "rewrite"} == set(sources) - {
        further[0].source_id
    }


@pytest.mark.slow
def test_a_second_report_whose_facts_stand_out_on_the_residual_is_a_further_source(
    tmp_path: Path, stories: list[dict]
) -> None:
    # a story built on one report with a few facts of a related one: on the residual the
    # second scores low as a wash (it re-expresses little of its own original), but it shares
    # the residual's facts as no other original does
    wash = _washes({"fit58-merge-2"})["fit58-merge-2"]
    main, second = wash["source_ids"]
    Index.build([*stories, *map(_story, (main, second))], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    assert idx.thresholds.wash_residual_cosine < 1.0
    shipped = idx.check(wash["body"])
    assert {m.source_id for m in shipped.matches if m.kind == "rewrite"} == {main, second}
    # its facts alone find it, whatever its wash score there (here the score alone would,
    # too: in this small index its rivals share less); the second-source rule off
    t = replace(idx.thresholds, wash_residual_threshold=1.0, wash_cosource_threshold=1.0)
    res = Index(idx.store, thresholds=t).check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert set(rewrites) == {main, second}
    found = rewrites[second]
    assert "its facts stand out there" in found.details["reason"] and found.evidence
    assert all(0 <= e.suspect[0] < e.suspect[1] <= len(wash["body"]) for e in found.evidence)
    # without the rule only the main story is found
    never = replace(t, wash_residual_cosine=1.0, wash_residual_far_cosine=1.0)
    off = Index(idx.store, thresholds=never).check(wash["body"])
    assert [m.source_id for m in off.matches if m.kind == "rewrite"] == [main]


@pytest.mark.slow
def test_a_further_source_whose_facts_stand_far_out_counts_from_a_lower_cosine(
    tmp_path: Path, stories: list[dict]
) -> None:
    # two THUCNews articles stitched together: on what the first leaves, the second shares
    # few facts (under the residual's cosine of 0.20), but five times the next original's:
    # the far rule finds it, and its reason names the floor that rule asks for
    wash = _washes({"fit60-merge-4"})["fit60-merge-4"]
    first, second = wash["source_ids"]
    Index.build([*stories, *map(_thucnews, (first, second))], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    assert idx.thresholds.wash_residual_far_cosine < idx.thresholds.wash_residual_cosine
    rewrites = {m.source_id: m for m in idx.check(wash["body"]).matches if m.kind == "rewrite"}
    assert set(rewrites) == {first, second}
    # (in this small index the two are sources of facts of their own at the first pass, and
    # the second is measured on what the first leaves there: black-box review 16's rule; the
    # far rule is read with that rule off)
    alone = replace(idx.thresholds, wash_cosource=1.0)
    res = Index(idx.store, thresholds=alone).check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert set(rewrites) == {first, second}
    reason = rewrites[second].details["reason"]
    floor = f"at or above {idx.thresholds.wash_residual_far_cosine:.2f}, for a further source"
    assert "its facts stand out there" in reason and floor in reason
    never = replace(alone, wash_residual_far_cosine=1.0)
    off = Index(idx.store, thresholds=never).check(wash["body"])
    assert [m.source_id for m in off.matches if m.kind == "rewrite"] == [first]


@pytest.mark.slow
def test_a_further_source_aligned_only_on_the_residual_is_embedded_for_it(
    tmp_path: Path, stories: list[dict]
) -> None:
    # two THUCNews articles of one category stitched together: the second shares too few
    # facts with the whole suspect to have its sentences embedded and aligned there, enough
    # with the part the first leaves; it must be embedded then, or it aligns nothing
    wash = _washes({"fit60-merge-2"})["fit60-merge-2"]
    sources = wash["source_ids"]
    Index.build([*stories, *map(_thucnews, sources)], tmp_path / "idx").close()
    store = Index.open(tmp_path / "idx").store
    # at the lowest threshold of the residual's grid (the shipped one, 0.35 since the wash
    # score's refit of 2026-12-05, stays above this story's second article)
    t = replace(Thresholds.load(), wash_residual_threshold=0.05)
    res = Index(store, thresholds=t).check(wash["body"])
    rewrites = {m.source_id: m for m in res.matches if m.kind == "rewrite"}
    assert set(rewrites) == set(sources)
    further = [m for m in rewrites.values() if "further source" in m.details["reason"]]
    assert [m.source_id for m in further] == [sources[1]] and further[0].evidence


@pytest.mark.slow
def test_two_short_washes_stitched_are_found_with_both_sources(
    tmp_path: Path, stories: list[dict]
) -> None:
    # black-box review 16: two briefs stitched share about as many facts with the piece
    # (0.15 and 0.146), neither standing out against the other: each is a source of facts of
    # its own beside the other, no rival, and each is measured on what the other leaves
    path = Path(__file__).parent / "data" / "stitched16.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    sources = sorted({s for r in rows for s in r["source_ids"]})
    Index.build([*stories, *map(_thucnews, sources)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    for row in rows:
        res = idx.check(row["body"])
        assert res.verdict == "rewrite", row["id"]
        assert {m.source_id for m in res.matches if m.kind == "rewrite"} == set(row["source_ids"])
    # with no pair read as two sources of their own, as before: not both found
    off = Index(idx.store, thresholds=replace(idx.thresholds, wash_cosource=1.0))
    missed = [
        r
        for r in rows
        if {m.source_id for m in off.check(r["body"]).matches} != set(r["source_ids"])
    ]
    assert missed


def test_a_name_the_dictionary_cuts_short_is_read_whole() -> None:
    """A new name whose first two characters are a word of the dictionary (林子 "woods", 王子
    "prince") is reported whole: 宝玉 → 林子轩, not → 林子."""
    (chapter,) = [c["body"] for c in _chapters("红楼梦-") if c["id"] == "红楼梦-023"]
    start = chapter.index("宝玉")
    passage = chapter[start : start + 1500]
    for new in ("林子轩", "王子豪", "江山远"):
        renamed = passage.replace("宝玉", new).replace("黛玉", "苏晚晴")
        res = compare(renamed, chapter, encoder="static", genre="fiction")
        assert res.matches and res.matches[0].details["name_map"].get("宝玉") == new, new


@pytest.mark.slow
def test_honest_chapters_of_a_novel_carry_no_noise_for_a_near_miss(tmp_path: Path) -> None:
    """A later chapter of a novel re-tells a sentence or two of earlier ones: that is no near
    miss (in fiction one needs half the share a rewrite aligns), and a near miss carries a name
    map only where it re-tells as much as a rewrite must (宝玉 → 收拾房子 is no rename)."""
    chapters = _chapters("西游记-")
    Index.build(chapters[:40], tmp_path / "idx", genre="fiction", vectors="static").close()
    idx = Index.open(tmp_path / "idx")
    t = idx.thresholds
    misses = 0
    for c in chapters[40:60]:
        res = idx.check(c["body"]).to_dict()
        assert res["verdict"] == "original", c["id"]
        miss = res.get("near_miss")
        if miss:
            misses += 1
            # a sentence or two re-told is none; a scene re-told thinly is, and says so
            scene = "a scene needs" in miss["reason"]
            assert miss["containment"] >= t.wash_min_containment / 2 or scene
            assert "name_map" not in miss or miss["containment"] >= t.wash_min_containment
    assert misses < 10


def test_a_faithful_renamed_copy_reports_its_renames(tmp_path: Path) -> None:
    """换名抄袭 at its plainest: the passage as written but every name swapped. It is mostly
    verbatim, so a partial copy, and says who was renamed as a rewrite would, in a check
    against an index of fiction as in compare."""
    chapters = _chapters("红楼梦-")[:6]
    (chapter,) = [c["body"] for c in chapters if c["id"] == "红楼梦-003"]
    passage = chapter[2653:4653]
    swaps = {
        "黛玉": "苏晚晴",
        "王夫人": "沈夫人",
        "邢夫人": "周夫人",
        "贾赦": "林正川",
        "贾政": "林正远",
    }
    for old, new in swaps.items():
        passage = passage.replace(old, new)
    res = compare(passage, chapter, encoder="static", genre="fiction")
    (m,) = res.matches
    assert m.kind == "partial"
    renamed = m.details["name_map"]
    assert {k: renamed.get(k) for k in ("黛玉", "贾赦", "贾政")} == {
        "黛玉": "苏晚晴", "贾赦": "林正川", "贾政": "林正远"
    }  # fmt: skip
    assert "name_map" not in compare(passage, chapter, encoder="static").matches[0].details
    Index.build(chapters, tmp_path / "idx", genre="fiction", vectors="static").close()
    (found,) = Index.open(tmp_path / "idx").check(passage).matches
    assert found.source_id == "红楼梦-003" and found.kind == "partial"
    assert found.details["name_map"]["黛玉"] == "苏晚晴"


def test_a_digest_of_two_reports_of_one_event_is_two_partial_copies(
    built_index: Path, stories: list[dict]
) -> None:
    """Two reports of one event pasted one after the other, word for word: the sentences
    copied from one are no evidence that the suspect washes the other, so each is a partial
    copy, and none a rewrite re-expressing '100% of the suspect'."""
    by_id = {s["id"]: s["body"] for s in stories}
    for ids in (("xwlb-20161231-04", "xwlb-20161231-05"),
                ("xwlb-20161231-01", "xwlb-20161231-02", "xwlb-20161231-03")):  # fmt: skip
        digest = "\n\n".join(by_id[i] for i in ids)
        res = Index.open(built_index).check(digest)
        assert res.verdict == "partial", ids
        assert {m.source_id for m in res.matches} == set(ids)
        assert all(m.kind == "partial" for m in res.matches)
        assert max(m.containment for m in res.matches) < 0.9


# --------------------------------------------------------------------------- copies, not washes
_COMMENT = (
    "笔者认为，这一报道值得我们深思。从基层的实践来看，各地在推进相关工作时，既要立足当前，"
    "也要着眼长远，切实把好事办好、实事办实。只有坚持问题导向，才能真正回应群众关切。对此，我们既"
    "不能急于求成，也不能消极观望，而应当脚踏实地、久久为功。"
)


@pytest.fixture(scope="module")
def quoted_index(tmp_path_factory: pytest.TempPathFactory, stories: list[dict]) -> Index:
    path = tmp_path_factory.mktemp("quoted") / "idx"
    extra = [dict(_story(i), source="央视网") for i in ("xwlb-20230116-02", "xwlb-20230531-04")]
    return Index.build(stories[:150] + extra, path)


@pytest.mark.parametrize(
    ("source_id", "lead", "quote"),
    [
        ("xwlb-20230116-02", "近日，央视新闻联播报道指出：“", "贯彻落实党的二十大精神要有计划、有部署，在把握总目标、总方向、总要求的前提下，对各项目标和任务进行细化，有针对性地拿出落实的具体方案，制定明确的时间表、施工图，扎扎实实向前推进。”"),
        ("xwlb-20230116-02", "据央视新闻报道，", "贯彻落实党的二十大精神要有计划、有部署，在把握总目标、总方向、总要求的前提下，对各项目标和任务进行细化，有针对性地拿出落实的具体方案，制定明确的时间表、施工图，扎扎实实向前推进。"),
        ("xwlb-20230531-04", "据央视新闻报道，", "汽车业是外商投资的重点、外贸出口的亮点、大宗消费的热点，在参加商务部在北京的汽车企业调研活动时，指导组要求商务部把习近平总书记对稳定和扩大汽车消费工作的重要指示批示精神转化为贯彻新发展理念、构建新发展格局、推动高质量发展的强大力量，把主题教育引向深入，着力推动解决汽车限购限迁、新能源汽车下乡和充换电设施不足、二手车交易信息不透明等问题，促进汽车消费从购买管理向使用管理转变。"),
    ],
)  # fmt: skip
def test_a_commentary_quoting_a_sentence_is_a_partial_copy_not_a_wash(
    quoted_index: Index, source_id: str, lead: str, quote: str
) -> None:
    """One sentence of a report quoted word for word, its own words around it: the only
    sentence aligned is the one copied, so nothing is re-expressed (it was called a rewrite
    whose paraphrase hid the verbatim passage)."""
    body = lead + quote + _COMMENT
    res = quoted_index.check(body)
    assert res.verdict == "partial", res.to_dict()
    m = res.matches[0]
    assert m.source_id == source_id and m.kind == "partial"
    start = body.index(quote[:20])
    assert any(e.kind == "verbatim" and e.suspect[0] <= start + 1 for e in m.evidence)
    # credited where it stands: the lead-in names the original's publisher (央视 = 央视网)
    assert m.details["credited"] is True
    other = quoted_index.check(
        lead.replace("央视新闻联播", "新华社").replace("央视新闻", "新华社") + quote + _COMMENT
    )
    assert other.verdict == "partial" and other.matches[0].details["credited"] is False


def test_an_article_against_a_partial_copy_of_it_is_that_copy_not_a_wash(
    tmp_path: Path, stories: list[dict]
) -> None:
    """An archived article checked against an index holding someone's partial copy of it
    (another story, then 300 characters of the article): its own sentences around the
    passage resemble the copied ones, which it holds word for word, so they re-express
    nothing of the copy: a partial copy, on a check and in ``compare`` alike (it was called
    a rewrite, its sentences paired as paraphrase with the copied ones)."""
    article = _story("xwlb-20240911-03")["body"]
    copy = {"id": "copy", "body": stories[250]["body"] + article[200:500]}
    idx = Index.build([*stories[:60], copy], tmp_path / "idx")
    res = idx.check(article)
    assert res.verdict == "partial", res.to_dict()
    (m,) = res.matches
    assert m.source_id == "copy" and m.kind == "partial"
    assert [e.kind for e in m.evidence] == ["verbatim"]
    assert compare(article, copy["body"], encoder="static").verdict == "partial"
    # read by copied_only: the article's other sentences are aligned to the copy's text it
    # holds word for word; were the copy a formula's, they would count (restated=False)
    from xigao.detect import Prepared, fact_shares, verbatim_match, wash_stats
    from xigao.verify import copied_only

    t = idx.thresholds
    a = Prepared.of(article, t).with_sentences(idx.encoder)
    b = Prepared.of(copy["body"], t).with_sentences(idx.encoder)
    held = verbatim_match(a, b, "copy", t)
    stats = wash_stats(a, b, fact_shares(a, b, idx.store.terms(), t), t, gate=True)
    assert held is not None and stats.containment >= t.wash_min_containment
    assert copied_only(a, b, stats, held, t)
    assert not copied_only(a, b, stats, held, t, restated=False)
    # a pair whose wash is a rewrite but for that rule: the same in a check and in compare,
    # whatever is asked for
    other = stories[105]["body"]
    theirs = {"id": "theirs", "body": stories[250 + 105 % 40]["body"] + other[200:500]}
    both = Index.build([*stories[:60], theirs], tmp_path / "both")
    for detect, want in (
        (None, "partial"),
        ("partial,rewrite", "partial"),
        ("repost,rewrite", "original"),
        ("rewrite", "original"),
    ):
        assert both.check(other, detect=detect).verdict == want, detect
        assert compare(other, theirs["body"], detect=detect, encoder="static").verdict == want
    # not asked for partial copies: no rewrite either, in a check and in compare
    for detect in ("rewrite", "repost,rewrite"):
        assert idx.check(article, detect=detect).verdict == "original"
        assert compare(article, copy["body"], detect=detect, encoder="static").verdict == "original"


def test_a_passage_many_originals_hold_is_a_formula_not_a_copy(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A partial copy needs a passage few originals hold: a programme's formula, written in
    more than ``formula_df`` of its stories, is no copy of the one it was found in."""
    formula = (
        "中央政治局的同志认真听取了讲解，并进行了讨论。会议强调，要坚持以人民为中心的发展思想，"
        "完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展。"
    )
    own = stories[200]["body"][:300]

    def indexed(n: int) -> Index:
        docs = [dict(d, body=d["body"][:400] + formula + d["body"][400:]) for d in stories[:n]]
        return Index.build(docs + stories[n:40], tmp_path / f"idx{n}", vectors=None)

    common, rare = indexed(12), indexed(2)
    assert Thresholds().formula_df < 12
    assert common.check(own + formula).verdict == "original"
    assert rare.check(own + formula).verdict == "partial"
    # a passage of one story beside the formula is still a copy of it, however much more of
    # the formula there is (each passage weighed on its own)
    for own_passage in (stories[5]["body"][100:260], stories[5]["body"][100:152]):
        got = common.check(own + formula + own_passage + formula[::-1] + formula)
        assert got.verdict == "partial" and got.matches[0].source_id == stories[5]["id"]
    # a story indexed a dozen times over is no formula: asked for partial copies, a whole
    # copy of it is one
    again = Index.build(
        [dict(stories[60], id=f"dup-{n}") for n in range(12)] + stories[:20],
        tmp_path / "dups",
        vectors=None,
    )
    assert again.check(stories[60]["body"]).verdict == "repost"
    assert again.check(stories[60]["body"], detect="partial").verdict == "partial"
    # nor is a passage of it: a wire story carried by a dozen outlets, each with its own
    # heading, is a dozen originals holding each of its passages, and a partial copy of it is
    # a copy of those, as the formula beside it in a story carried as often is not
    wire = stories[60]["body"][:500] + formula + stories[60]["body"][500:]
    carried = [
        {"id": f"outlet-{n}", "body": f"来源：第{n}家网站  编辑：记者{n}号\n{wire}"}
        for n in range(12)
    ]
    formulaic = [dict(d, body=d["body"][:400] + formula + d["body"][400:]) for d in stories[:12]]
    syndicated = Index.build(carried + formulaic + stories[12:20], tmp_path / "wire", vectors=None)
    passage = stories[60]["body"][100:260]
    got = syndicated.check(own + passage)
    assert got.verdict == "partial", got.to_dict()
    assert {m.source_id for m in got.matches} == {c["id"] for c in carried}
    # the formula, in a dozen other stories too, is one still
    assert syndicated.check(own + formula).verdict == "original"
    # carried by more outlets than a check aligns (its limit, 20, and 8 more), it is taken
    # for a formula; a check aligning more originals sees them all
    many = [{"id": f"wide-{n}", "body": f"来源：第{n}号转载\n{wire}"} for n in range(36)]
    wide = Index.build(many + formulaic + stories[12:20], tmp_path / "wide", vectors=None)
    assert wide.check(own + passage).verdict == "original"
    got = wide.check(own + passage, limit=40)
    assert got.verdict == "partial" and len(got.matches) == 36, got.to_dict()
    assert wide.check(own + formula, limit=60).verdict == "original"
    # copies are copies both ways: a short notice made of the formula is held whole by each
    # story that writes it, none of them a copy of it; and a story carried a dozen times
    # without the formula, by one outlet with it, does not make the formula that outlet's
    brief = {"id": "brief", "body": "中共中央政治局召开会议。" + formula}
    plain = stories[70]["body"]
    trimmed = [{"id": f"carried-{n}", "body": f"来源：第{n}家网站\n{plain}"} for n in range(12)]
    kept = {"id": "carried-kept", "body": f"来源：另一家网站\n{plain}{formula}"}
    for n, extra in enumerate(([brief], [*trimmed, kept])):
        idx = Index.build(formulaic + stories[12:20] + extra, tmp_path / f"x{n}", vectors=None)
        got = idx.check(own + formula)
        assert got.verdict == "original", got.to_dict()
    # nor do copies holding a sliver of a longer formula (its first third) make it theirs
    longer = formula + (
        "会议指出，各级党委和政府要切实担负起主体责任，坚持稳中求进工作总基调，统筹发展和安全，"
        "确保各项决策部署落地见效。"
    )
    writers = [dict(d, body=d["body"][:400] + longer + d["body"][400:]) for d in stories[:12]]
    sliver = [
        {"id": f"cut-{n}", "body": f"来源：第{n}家网站\n{plain}{longer[:45]}"} for n in range(12)
    ]
    whole = {"id": "whole", "body": f"来源：另一家网站\n{plain}{longer}"}
    idx = Index.build(writers + sliver + [whole] + stories[12:20], tmp_path / "cut", vectors=None)
    got = idx.check(own + longer)
    assert got.verdict == "original", got.to_dict()


def test_a_paragraph_with_a_typo_every_sentence_is_a_partial_copy(
    built_index: Path, stories: list[dict]
) -> None:
    """A paragraph copied with one character in twenty changed (a homophone, a typo: no run
    of 40 equal characters left) is a partial copy, on the fast path too."""
    src = next(
        s
        for s in stories
        if len(s["body"]) > 600 and not any(c.isdigit() for c in s["body"][100:400])
    )
    para = "".join("某" if i % 20 == 19 else c for i, c in enumerate(src["body"][100:400]))
    from tests.conftest import cctv

    before, after = (d["body"] for d in cctv(2, skip=400, min_len=800))  # not indexed
    host = before + para + after
    idx = Index.open(built_index)
    for detect in ("repost,partial", None):
        res = idx.check(host, detect=detect)
        assert res.verdict == "partial", (detect, res.to_dict())
        assert res.matches[0].source_id == src["id"]
    fast = idx.check(host, detect="repost,partial")
    assert fast.verdict == "partial" and fast.matches[0].details["longest_exact_run"] < 40


# --------------------------------------------------------------------------- originals stored
def test_originals_with_half_a_character_or_no_text(tmp_path: Path, stories: list[dict]) -> None:
    idx = Index.build(stories[:5], tmp_path / "idx", vectors=None)
    report = idx.add([{"id": "s", "body": "表情\ud83d。" + stories[6]["body"], "tag": "x\udc80"}])
    assert report.added == 1
    got = idx.get("s")
    assert got is not None and got.body.startswith("表情\ufffd。") and got.meta["tag"] == "x\ufffd"
    for bad, why in (
        ({"id": "a\ud83d", "body": stories[7]["body"]}, "half of a character"),
        ({"id": "e", "body": " \n"}, "empty body"),
        ({"id": "  ", "body": stories[7]["body"]}, "blank id"),
        ("not a document", "list of them"),
    ):
        with pytest.raises(InputError, match=why):
            idx.add([stories[8], bad])
        assert idx.get(stories[8]["id"]) is None  # nothing of the batch is added
    for limit in (0, -1, 1.5):
        with pytest.raises(InputError, match="limit"):
            idx.check(stories[0]["body"], limit=limit)  # type: ignore[arg-type]


def test_a_write_to_an_index_removed_or_rebuilt_meanwhile_raises(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A process whose index was rebuilt (``index build --overwrite``) or removed under it
    would write to a file no one opens again: the write raises, and says so."""
    import shutil

    from xigao import IndexFormatError

    path = tmp_path / "idx"
    Index.build(stories[:5], path, vectors=None).close()
    running = Index.open(path)
    Index.build(stories[5:10], path, vectors=None, overwrite=True).close()
    with pytest.raises(IndexFormatError, match="replaced"):
        running.add([stories[20]])
    with pytest.raises(IndexFormatError, match="replaced"):
        running.remove(stories[0]["id"])
    assert Index.open(path).get(stories[20]["id"]) is None
    again = Index.open(path)
    shutil.rmtree(path)
    with pytest.raises(IndexFormatError, match="removed"):
        again.add([stories[21]])
    closed = Index.build(stories[:3], tmp_path / "other", vectors=None)
    assert closed.check(stories[0]["body"]).verdict == "repost"  # (its lookups now in memory)
    closed.close()
    closed.close()  # twice is harmless
    for use in (lambda: closed.check(stories[0]["body"]), lambda: len(closed), closed.info):
        with pytest.raises(IndexFormatError, match="closed"):
            use()


def test_another_process_writes_are_seen_by_the_next_check(
    tmp_path: Path, stories: list[dict]
) -> None:
    """A cron ``xigao index add`` or ``remove`` beside a running process (black-box review 8):
    the next check, ``len()`` and ``info()`` see what it wrote, an original checked before
    (its text cached) included, and the tables in memory equal those of a fresh open."""
    path = tmp_path / "idx"
    Index.build(stories[:30], path).close()
    running = Index.open(path)
    assert running.check(stories[3]["body"]).verdict == "repost"  # (checked: its text cached)
    running.store.terms()  # the fact table in memory too
    cron = Index.open(path)
    cron.add([stories[40], {**stories[5], "body": stories[41]["body"]}])  # one new, one replaced
    cron.remove([stories[3]["id"]])
    cron.close()
    assert len(running) == 30 and running.info()["documents"] == 30
    for body, source in (
        (stories[40]["body"], stories[40]["id"]),
        (stories[41]["body"], stories[5]["id"]),  # the replaced text, under its id
        (stories[3]["body"], None),  # removed
        (stories[5]["body"], None),  # the text it replaced
    ):
        res = running.check(body)
        assert [m.source_id for m in res.matches] == ([source] if source else []), res.verdict
    fresh = Index.open(path)
    mine, theirs = running.store, fresh.store
    assert mine._lookup.size == theirs._lookup.size == 30
    assert np.array_equal(np.unique(mine._lookup.band_docs), np.unique(theirs._lookup.band_docs))
    assert np.array_equal(mine.terms().row_ids(), theirs.terms().row_ids())
    assert np.array_equal(mine._vecs.ids, theirs._vecs.ids)
    assert not running.sync()  # nothing more to read: one query
    running.add([stories[42]])  # its own write is no other process's
    assert not running.sync() and len(running) == 31
    for i in (running, fresh):
        i.close()
    for name in ("a b?#%", "bad\udcffname"):  # (an escaped URI; a name of no UTF-8)
        odd = Index.build(stories[:3], tmp_path / name, vectors=None)
        odd.add([stories[4]])
        assert Index.open(tmp_path / name).check(stories[4]["body"]).verdict == "repost"
        odd.close()


def test_a_table_derived_after_another_process_wrote_is_compared_on_its_own(
    tmp_path: Path, stories: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The postings in memory before a cron add, the fact table derived after it (so holding
    its rows already): each table is brought in step on its own, and the rows are read a few
    at a time (SQLite limits a query's parameters). Review of this change: the rows only no
    table held were read, so the postings and vectors never got these."""
    from xigao import storage

    monkeypatch.setattr(storage, "ROWS_PER_QUERY", 3)
    path = tmp_path / "idx"
    Index.build(stories[:20], path).close()
    running = Index.open(path)
    running.store.prepare_lookup()
    cron = Index.open(path)
    cron.add(stories[40:47])
    cron.close()
    running.store.terms()  # (derived now: it holds the cron's rows)
    for s in stories[40:47]:
        res = running.check(s["body"])
        assert [m.source_id for m in res.matches] == [s["id"]], res.verdict
    assert len(running) == 27 and len(running.store._vecs.ids) == 27
    running.close()


def test_a_check_of_an_index_rebuilt_or_removed_meanwhile_raises(
    tmp_path: Path, stories: list[dict]
) -> None:
    """Rebuilt under a running process (``index build --overwrite``), an index's row ids name
    other documents: a check raises and says so, from any thread, rather than answer from
    the new file with the old postings; a removed database is not created anew, empty."""
    from concurrent.futures import ThreadPoolExecutor

    from xigao import IndexFormatError

    path = tmp_path / "idx"
    Index.build(stories[:5], path, vectors=None).close()
    running = Index.open(path)
    assert running.check(stories[0]["body"]).verdict == "repost"
    Index.build(stories[5:8] + stories[:5], path, vectors=None, overwrite=True).close()
    with ThreadPoolExecutor(1) as pool:  # a new thread: a new connection, to the new file
        for use in (lambda: running.check(stories[1]["body"]), lambda: len(running)):
            with pytest.raises(IndexFormatError, match="replaced"):
                use()
            with pytest.raises(IndexFormatError, match="replaced"):
                pool.submit(use).result()
    again = Index.open(path)
    assert again.check(stories[1]["body"]).verdict == "repost"
    for f in path.glob("index.sqlite*"):
        f.unlink()
    with ThreadPoolExecutor(1) as pool, pytest.raises(IndexFormatError, match="removed"):
        pool.submit(again.check, stories[2]["body"]).result()
    assert not (path / "index.sqlite").exists()
    running.close()
    again.close()


def test_what_a_caller_gets_wrong_is_a_xigao_error(tmp_path: Path, stories: list[dict]) -> None:
    """A worker that catches ``XigaoError`` tells bad input or a bad index from a bug: the
    library's own mistakes of type and value, and a damaged index, are all of it."""
    import os

    from xigao import IndexFormatError, XigaoError

    path = tmp_path / "idx"
    idx = Index.build(stories[:30], path, vectors=None)
    calls = [
        lambda: idx.remove(7),  # type: ignore[arg-type]
        lambda: idx.add({"id": "x", "body": "新闻" * 50}),  # a dict, not a list of them
        lambda: idx.add([{"body": "新闻" * 50}]),
        lambda: compare("新闻联播", "新闻联播", genre="poetry"),
        lambda: compare("新闻联播", "新闻联播", encoder="bert"),
    ]
    for call in calls:
        with pytest.raises(XigaoError):
            call()
    idx.close()
    size = os.path.getsize(path / "index.sqlite")
    with open(path / "index.sqlite", "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(16384))
    with pytest.raises(IndexFormatError, match="not a readable xigao index"):
        Index.open(path).check(stories[0]["body"])


@pytest.mark.slow
def test_a_second_report_whose_figures_are_woven_into_the_first_is_found_by_them(
    tmp_path: Path, stories: list[dict]
) -> None:
    # a story of 2020's foreign trade with the next year's figures (31.67万亿元, 22.2%, ...)
    # of a second report woven into the sentences retelling the first: no sentence is left
    # to align to the second, but it alone states the figures the first does not
    wash = _washes({"fit58-merge-4"})["fit58-merge-4"]
    first, second = "xwlb-20210114-06", "xwlb-20211108-05"
    assert set(wash["source_ids"]) == {first, second}
    Index.build([*stories, _story(first), _story(second)], tmp_path / "idx").close()
    store = Index.open(tmp_path / "idx").store
    # in a small index the residual finds it too (its facts are rarer there): measured without
    t = _no_further_rules(Thresholds.load())
    res = Index(store, thresholds=t).check(wash["body"])
    by_id = {m.source_id: m for m in res.matches}
    assert res.verdict == "rewrite" and set(by_id) == {first, second}
    found = by_id[second]
    assert found.kind == "rewrite" and "31.67万亿" in found.details["figures"]
    assert "figures of the suspect that no other source found states" in found.details["reason"]
    for ev in found.evidence:  # each passage states a figure of the original's
        s_text = wash["body"][ev.suspect[0] : ev.suspect[1]]
        o_text = _story(second)["body"][ev.source[0] : ev.source[1]]
        assert any(f in s_text and f in o_text for f in found.details["figures"])
    assert 0 < found.containment <= 1 and 0 < found.coverage <= 1
    off = Index(store, thresholds=replace(t, wash_figure_sources=0)).check(wash["body"])
    assert [m.source_id for m in off.matches] == [first]


def _stitched() -> dict[str, dict]:
    """Black-box review 11's stories stitched from two or three CCTV reports, and its honest
    pieces (``tests/data/stitched11.jsonl``: written by a helper acting as a newsroom editor)."""
    path = Path(__file__).parent / "data" / "stitched11.jsonl"
    return {r["id"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


@pytest.mark.slow
def test_a_sentence_of_one_report_paired_with_the_other_changes_no_fact_of_it(
    tmp_path: Path, stories: list[dict]
) -> None:
    # two months of one statistics series stitched together: a sentence of the second month,
    # paired in the first month's match with its nearest sentence, read as 减少→增长 (S08);
    # a sentence paired with the one before the sentence that states its fall, 增长→下降 (S13)
    rows = _stitched()
    sources = sorted({s for r in rows.values() for s in r["source_ids"]})
    Index.build([*stories, *map(_story, sources)], tmp_path / "idx").close()
    idx = Index.open(tmp_path / "idx")
    for key in ("S08", "S13"):
        res = idx.check(rows[key]["body"])
        assert res.verdict == "rewrite"
        assert set(rows[key]["source_ids"]) <= {m.source_id for m in res.matches}
        assert [a for m in res.matches for a in m.details.get("altered", [])] == [], key
        for m in res.matches:  # sentences stating other figures: maybe the other source's
            reason = m.details.get("reason", "")
            assert "figures or names" not in reason or "another source of this story" in reason
    for key in ("H01", "H02", "H03", "H04"):  # the honest pieces stay original
        assert idx.check(rows[key]["body"]).verdict == "original", key


def test_another_officials_notice_on_the_same_template_is_no_wash(
    tmp_path: Path, stories: list[dict]
) -> None:
    """Two officials' expulsion notices share the CCDI template sentence by sentence (a wash
    score near 0.9): the later reports on 毕井泉 and 齐扎拉, never on 黄兴国, so it is another
    report on the template, a near miss that says so, not a wash (black-box review 21). A
    wash that keeps its people stays one."""
    notice = _story("xwlb-20170104-09")  # 黄兴国
    Index.build([*stories, notice], tmp_path / "idx", vectors="static").close()
    idx = Index.open(tmp_path / "idx")
    for later in ("xwlb-20251208-12", "xwlb-20250722-09"):  # 毕井泉, 齐扎拉
        doc = _story(later)
        res = idx.check(doc["body"], title=doc["title"]).to_dict()
        assert res["verdict"] == "original", later
        miss = res["near_miss"]
        assert miss["source_id"] == notice["id"] and miss["reports_on"]["original"] == ["黄兴国"]
        assert "another report on its template" in miss["reason"]
        assert "原文报道的是黄兴国" in res["summary"] and "同一模板的另一篇报道" in res["summary"]
        # the person is no place renamed (黄兴国 -> 中华人民共和国 was listed)
        assert all(a["kind"] != "place" for a in miss.get("altered", []))
    wash = _washes({"fit2-deep-1"})["fit2-deep-1"]
    Index.build([*stories, _story(wash["source_ids"][0])], tmp_path / "w").close()
    assert Index.open(tmp_path / "w").check(wash["body"]).verdict == "rewrite"


def test_a_repost_names_no_source_it_never_took_from(tmp_path: Path, stories: list[dict]) -> None:
    """A later story quoting a passage of the one reposted is no further source of the repost
    (black-box review 22: 19 of 300 reposts drew on "2–5 originals"); a paragraph of another
    story added to the repost is one."""
    a, other = {**stories[0], "time": "2020-05-18"}, stories[1]
    passage = a["body"][20:120]
    quoting = {
        "id": "later",
        "body": other["body"][:200] + "报道说：" + passage + "。" + other["body"][200:400],
    }
    Index.build([*stories[2:40], a, quoting], tmp_path / "idx", vectors=None).close()
    idx = Index.open(tmp_path / "idx")
    res = idx.check(a["body"])
    assert res.verdict == "repost" and [m.source_id for m in res.matches] == [a["id"]]
    # the reposted original published after the suspect is a copy of it, which may have
    # quoted the other (diff review 18): that source stays
    res = idx.check(a["body"], meta={"time": "2020-05-01"})
    assert [m.source_id for m in res.matches] == [a["id"], "later"]
    added = stories[5]["body"][:200]
    res = idx.check(a["body"] + "\n" + added)
    assert [m.source_id for m in res.matches][:1] == [a["id"]]
    assert stories[5]["id"] in {m.source_id for m in res.matches}


def _homophones(text: str, every: int) -> str:
    """``text`` with every ``every``-th character that has a homophone in a small table
    swapped for it, as a content farm dodges keyword filters (正府, 书据, 以经)."""
    swap = dict(
        zip("政数已卫总面国会经济发展新增人民中", "正书以为宗免帼汇经挤法展心曾仁敏忠", strict=True)
    )
    out, k = [], 0
    for c in text:
        if c in swap:
            k += 1
            if k % every == 0:
                out.append(swap[c])
                continue
        out.append(c)
    return "".join(out)


def test_a_copy_with_homophones_swapped_in_is_read_by_sound(
    tmp_path: Path, stories: list[dict]
) -> None:
    """同音字 swapped in every few characters break every exact run: a pasted paragraph read
    as written is original, a whole story a rewrite; read by sound they are the partial copy
    and the repost they are, with the homophones counted (black-box review 22)."""
    Index.build(stories[:80], tmp_path / "idx", vectors="static").close()
    idx = Index.open(tmp_path / "idx")
    story = max(stories[:80], key=lambda d: len(d["body"]))
    swapped = _homophones(story["body"], 1)  # (one character in ten or so)
    assert sum(a != b for a, b in zip(swapped, story["body"], strict=True)) >= len(swapped) / 15
    res = idx.check(swapped).to_dict()
    assert res["verdict"] == "repost" and res["matches"][0]["source_id"] == story["id"]
    assert res["matches"][0]["homophones"] > 0
    host = stories[150]["body"][:600]
    pasted = host + "\n" + swapped[400:600] + "\n" + stories[151]["body"][:600]
    assert idx.check(host + "\n" + story["body"][400:600]).verdict == "partial"
    res = idx.check(pasted).to_dict()
    assert res["verdict"] == "partial" and res["matches"][0]["source_id"] == story["id"]
    (lo, hi) = res["matches"][0]["evidence"][0]["suspect"]
    assert len(host) - 5 <= lo and hi <= len(host) + 210
    assert res["matches"][0]["evidence"][0]["similarity"] < 1.0
    # an honest story read by sound is as original as read as written
    assert idx.check(stories[160]["body"]).verdict == "original"


def test_sentences_put_between_copied_ones_alter_no_fact(
    tmp_path: Path, stories: list[dict]
) -> None:
    """Every other sentence of a story, others between them: a partial copy whose altered
    facts listed the sentences put in against those dropped (原文为 华盛顿州，此处为 达尔富尔州:
    black-box review 22)."""
    from .conftest import REPO

    source = _story("xwlb-20200430-19")
    Index.build([*stories[:40], source], tmp_path / "idx", vectors=None).close()
    text = (REPO / "tests" / "data" / "interleaved22.txt").read_text("utf-8")
    res = Index.open(tmp_path / "idx").check(text).to_dict()
    (m,) = [m for m in res["matches"] if m["source_id"] == source["id"]]
    assert m["kind"] == "partial" and not m.get("altered")
