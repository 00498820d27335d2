from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from xigao import Index
from xigao.cli import cli
from xigao.report import safe_name, write_report

EVIL = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


class Marks(HTMLParser):
    """Collects, per (match, side, key), the text inside <mark data-k> and the anchor ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.text: dict[tuple[str, str, str], str] = {}
        self.scripts = 0
        self._match = self._side = ""
        self._keys: list[str] = []
        self._depth_text = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "script":
            self.scripts += 1
        if tag == "section" and a.get("class") == "match":
            self._match = a["id"] or ""
        if tag == "div" and "text" in (a.get("class") or "").split():
            self._side = a.get("data-side") or ""
        if tag == "mark" and a.get("data-k"):
            self._keys = (a["data-k"] or "").split()

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._keys = []

    def handle_data(self, data: str) -> None:
        for k in self._keys:
            key = (self._match, self._side, k)
            self.text[key] = self.text.get(key, "") + data


def parse(path: Path) -> Marks:
    p = Marks()
    p.feed(path.read_text("utf-8"))
    return p


def pages(out: Path) -> list[Path]:
    return sorted((out / "s").glob("*.html"))


@pytest.fixture()
def scanned(built_index: Path, stories: list[dict]) -> tuple[Index, list[dict], dict[str, dict]]:
    idx = Index.open(built_index)
    a, b, c = stories[5], stories[6], stories[7]
    suspects = [
        {"id": "repost-1", "title": "震惊！" + a["title"], "body": "来源：网络\n" + a["body"]},
        {
            "id": "partial-1",
            "title": "拼凑稿",
            "body": "这是一段自己写的开头，和任何报道都没有关系。\n"
            + b["body"][:260]
            + "\n"
            + c["body"][40:300],
        },
        {
            "id": "orig-1",
            "title": "原创",
            "body": "今天天气很好，我们去公园散步，看见很多人在放风筝。" * 5,
        },
    ]
    results = [idx.check_document(d).to_dict() for d in suspects]
    return idx, results, {d["id"]: d for d in suspects}


def test_index_and_pages(tmp_path: Path, scanned: tuple[Index, list[dict], dict]) -> None:
    idx, results, suspects = scanned
    assert [r["verdict"] for r in results] == ["repost", "partial", "original"]
    page = write_report(results, idx, tmp_path / "rep", suspects=suspects)
    text = page.read_text("utf-8")
    assert page.name == "index.html" and text.startswith("<!DOCTYPE html>")
    assert text.count("<tr data-verdict=") == 3
    for label in ("转载", "部分抄袭", "洗稿", "原创", "repost", "partial copy", "original"):
        assert label in text
    assert 'id="results"' in text and "data-sort" in text and 'data-verdict="original"' in text
    files = pages(tmp_path / "rep")
    assert len(files) == 2  # originals get no page
    for f in files:
        assert f'href="s/{f.name}"' in text
        body = f.read_text("utf-8")
        assert "Noto Sans CJK SC" in body and "<style>" in body and "Legend" in body
        assert not re.search(r'(src|href)="(https?:)?//', body), "no network assets"


def test_every_evidence_span_is_linked_on_both_sides(
    tmp_path: Path, scanned: tuple[Index, list[dict], dict]
) -> None:
    idx, results, suspects = scanned
    write_report(results, idx, tmp_path, suspects=suspects)
    checked = 0
    for res in results:
        if not res["matches"]:
            continue
        marks = parse(tmp_path / "s" / safe_name(res["id"]))
        sbody = suspects[res["id"]]["body"]
        for i, m in enumerate(res["matches"]):
            obody = idx.get(m["source_id"]).body  # type: ignore[union-attr]
            assert f'data-tab="m{i}"' in (tmp_path / "s" / safe_name(res["id"])).read_text("utf-8")
            for j, ev in enumerate(m["evidence"]):
                assert f"m{i}-s-e{j}" in marks.ids and f"m{i}-o-e{j}" in marks.ids
                s0, s1 = ev["suspect"]
                o0, o1 = ev["source"]
                assert marks.text[(f"m{i}", "s", f"e{j}")] == sbody[s0:s1]
                assert marks.text[(f"m{i}", "o", f"e{j}")] == obody[o0:o1]
                checked += 1
    assert checked >= 3
    assert len(results[1]["matches"]) == 2  # the partial copy has two originals: two tabs


def test_document_strings_are_escaped(tmp_path: Path) -> None:
    original = {
        "id": "o" + EVIL,
        "title": "标题" + EVIL,
        "body": ("正文一二三四五六七八九十" + EVIL) * 12,
    }
    idx = Index.build([original], tmp_path / "idx")
    suspect = {"id": "s" + EVIL, "title": EVIL, "body": "前言" + original["body"]}
    res = idx.check(suspect["body"], id=suspect["id"]).to_dict()
    assert res["matches"]
    out = tmp_path / "rep"
    write_report([res], idx, out, suspects={suspect["id"]: suspect})
    for f in [out / "index.html", *pages(out)]:
        text = f.read_text("utf-8")
        assert '<script>alert("x")' not in text and "<img src=x" not in text
        assert text.count("<script>") == 1  # ours only
        assert html.escape(EVIL) in text
        assert parse(f).scripts == 1


@pytest.mark.parametrize(
    "doc_id",
    [
        "../../etc/passwd",
        "a/b\\c",
        "",
        "CON",
        "新闻联播-2020",
        "x" * 500,
        "<b>",
        ".hidden",
        "a b?c#d",
    ],
)
def test_safe_names(doc_id: str) -> None:
    name = safe_name(doc_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,48}-[0-9a-f]{12}\.html", name)
    assert not name.startswith((".", "-"))


def test_safe_names_are_distinct(tmp_path: Path, built_index: Path, stories: list[dict]) -> None:
    idx = Index.open(built_index)
    body = stories[3]["body"]
    res = idx.check(body).to_dict()
    ids = ["a/b", "a_b", "a?b", "a/b", "../x", None]  # same slug, a duplicate, no id
    results = [dict(res, id=i) for i in ids]
    write_report(results, idx, tmp_path, suspects={"a/b": {"id": "a/b", "body": body}})
    files = pages(tmp_path)
    assert len(files) == len(ids)
    assert all(f.parent == tmp_path / "s" for f in files)
    assert len({safe_name(i) for i in ["a/b", "a_b", "a?b"]}) == 3


def test_without_suspect_text_paraphrase_and_altered(tmp_path: Path, built_index: Path) -> None:
    idx = Index.open(built_index)
    src = next(iter(idx.store.ids()))
    body = idx.get(src).body  # type: ignore[union-attr]
    result = {
        "id": "s1",
        "verdict": "rewrite",
        "score": 0.7,
        "matches": [
            {
                "source_id": src,
                "kind": "rewrite",
                "score": 0.7,
                "containment": 0.6,
                "coverage": 0.5,
                "evidence": [
                    {
                        "kind": "paraphrase",
                        "suspect": [0, 30],
                        "source": [10, 40],
                        "similarity": 0.83,
                    },
                    {
                        "kind": "verbatim",
                        "suspect": [20, 50],
                        "source": [30, 60],
                        "similarity": 1.0,
                    },
                    {"kind": "verbatim", "suspect": [90, 99999], "source": [0, 99999]},
                ],
                "altered": [
                    {"kind": "number", "suspect": [5, 8], "source": [15, 18], "detail": "3 → 5"}
                ],
            }
        ],
    }
    write_report([{**result, "title": "第十二章 夜雨"}], idx, tmp_path)  # no suspect text
    f = pages(tmp_path)[0]
    text = f.read_text("utf-8")
    assert "not available" in text and "--inputs" in text
    # the title a scan's JSONL result carries heads its page and its row of the index
    assert "第十二章 夜雨</h1>" in text and "第十二章 夜雨" in (tmp_path / "index.html").read_text()
    marks = parse(f)
    assert "m0-o-a0" in marks.ids and "m0-o-e0" in marks.ids and "m0-s-e0" not in marks.ids
    assert re.search(r'<mark class="[^"]*\bp\b', text) and "3 → 5" in text
    assert re.search(r'<mark class="alt[^"]*" data-k="a0', text)
    assert marks.text[("m0", "o", "a0")] == body[15:18]
    assert marks.text[("m0", "o", "e0")] == body[10:40]  # overlapping spans split cleanly
    assert marks.text[("m0", "o", "e1")] == body[30:60]
    assert "beyond the end of the original" in text


def test_cli_scan_html_and_report(tmp_path: Path, stories: list[dict]) -> None:
    orig = tmp_path / "orig.jsonl"
    orig.write_text(
        "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in stories[:40]), "utf-8"
    )
    sus = tmp_path / "sus.jsonl"
    rows = [{"id": "r<1>", "title": "转载稿", "body": "编者按：\n" + stories[2]["body"]}]
    rows[0] |= {"url": "https://example.com/a?b=1&c=<2>", "time": "2024-05-01"}
    rows.append({"id": "o1", "body": "完全无关的一段原创文字，讲的是小镇上的面馆。" * 6})
    sus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    idx, res, out1, out2 = (tmp_path / n for n in ("idx", "res.jsonl", "h1", "h2"))
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["index", "build", str(orig), "--index", str(idx), "-q"]).exit_code == 0
    )
    for workers in ("1", "2"):
        args = ["scan", str(sus), "--index", str(idx), "-o", str(res), "--html", str(out1)]
        r = runner.invoke(cli, [*args, "--workers", workers])
        assert r.exit_code == 0, r.output
        assert "report:" in r.stderr
        page = out1 / "s" / safe_name("r<1>")
        assert "编者按" in page.read_text("utf-8")  # the suspect's text is shown
        assert "o1" in (out1 / "index.html").read_text("utf-8")
    # the suspect's own metadata under its title: where it was posted (a link), and when
    link = '<a href="https://example.com/a?b=1&amp;c=&lt;2&gt;" rel="noopener noreferrer">'
    assert link in page.read_text("utf-8") and "2024-05-01" in page.read_text("utf-8")
    r = runner.invoke(cli, ["report", str(res), "--index", str(idx), "--out", str(out2)])
    assert r.exit_code == 0, r.output
    page = out2 / "s" / safe_name("r<1>")
    assert "not available" in page.read_text("utf-8")
    assert link in page.read_text("utf-8")  # from the result's meta, without the inputs
    args = ["report", str(res), "--index", str(idx), "--out", str(out2), "--inputs", str(sus)]
    assert runner.invoke(cli, args).exit_code == 0
    assert "编者按" in (out2 / "s" / safe_name("r<1>")).read_text("utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', "utf-8")
    r = runner.invoke(cli, ["report", str(bad), "--index", str(idx), "--out", str(out2)])
    assert r.exit_code == 1 and "not a result" in r.output


def test_a_near_miss_gets_a_page_with_its_reason(tmp_path: Path, built_index: Path) -> None:
    idx = Index.open(built_index)
    src = next(iter(idx.store.ids()))
    reason = "40% of the suspect re-expresses 30% of the original; wash score 0.21, below the rewrite threshold 0.80"
    result = {
        "id": "close-1",
        "verdict": "original",
        "score": 0.0,
        "matches": [],
        "copy_ratio": 0.0,
        "near_miss": {
            "source_id": src,
            "score": 0.35,
            "containment": 0.4,
            "coverage": 0.3,
            "evidence": [
                {"kind": "paraphrase", "suspect": [0, 10], "source": [0, 12], "similarity": 0.6}
            ],
            "wash_score": 0.21,
            "altered": [
                {
                    "kind": "number",
                    "suspect": [2, 3],
                    "source": [2, 3],
                    "detail": "3→5",
                    "text": "原文为 3，此处为 5",
                }
            ],
            "reason": reason,
        },
    }
    index = write_report(
        [result],
        idx,
        tmp_path,
        suspects={"close-1": {"id": "close-1", "body": "某地发生5起事故。" * 3}},
    )
    page = pages(tmp_path)[0].read_text("utf-8")
    assert html.escape(reason) in page and "near miss" in page
    assert "原文为 3，此处为 5" in page  # the altered fact in words, not as a code
    front = index.read_text("utf-8")
    assert "near miss" in front and f"s/{pages(tmp_path)[0].name}" in front
    assert "复制比 copy ratio" in front


def test_credit_direction_and_renaming_are_said_plainly(tmp_path: Path, built_index: Path) -> None:
    idx = Index.open(built_index)
    src = next(iter(idx.store.ids()))
    result = {
        "id": "s1",
        "verdict": "repost",
        "score": 0.9,
        "matches": [
            {
                "source_id": src,
                "kind": "repost",
                "score": 0.9,
                "containment": 0.9,
                "coverage": 0.9,
                "evidence": [],
                "credited": False,
                "direction": "suspect_first",
                "name_map": {"贾宝玉": "林子轩" + EVIL},
                "original": {
                    "source": "央视网" + EVIL,
                    "time": "2023-05-14",
                    "url": "https://tv.cctv.com/2023/05/14/x.shtml",
                },
            }
        ],
        "attribution": [
            {"kind": "source", "names": ["新华社" + EVIL], "span": [0, 6]},
            {"kind": "source", "names": ["新华社" + EVIL], "span": [0, 6]},
        ],
    }
    write_report([result], idx, tmp_path)
    text = pages(tmp_path)[0].read_text("utf-8")
    # who published the original, when, and its link; a credit found twice is shown once
    assert "时间 time: 2023-05-14" in text and html.escape("央视网" + EVIL) in text
    assert '<a href="https://tv.cctv.com/2023/05/14/x.shtml"' in text
    assert text.count("来源 source: 新华社") == 1
    assert "does not credit this original" in text
    assert "published <b>before</b> this original" in text
    assert "贾宝玉 → 林子轩" in text and "来源 source: 新华社" in text
    assert '<script>alert("x")' not in text and html.escape(EVIL) in text
    result["matches"][0]["credited"] = True  # type: ignore[index]
    del result["attribution"]
    write_report([result], idx, tmp_path / "b")
    text = pages(tmp_path / "b")[0].read_text("utf-8")
    assert "the suspect credits this original's publisher" in text and "none found" in text


def test_a_paraphrased_pair_marks_the_words_it_kept(tmp_path: Path, built_index: Path) -> None:
    idx = Index.open(built_index)
    src = next(iter(idx.store.ids()))
    body = idx.get(src).body  # type: ignore[union-attr]
    o = (0, 40)
    # the original's first 40 characters with its middle rewritten, then a sentence added
    changed = "（此处改写了）"
    text = body[:15] + changed + body[25:40] + "记者另外补充了一句。"
    s = (0, 15 + len(changed) + 15)
    ev = [{"kind": "paraphrase", "suspect": list(s), "source": list(o), "similarity": 0.7}]
    result = {
        "id": "s1",
        "verdict": "rewrite",
        "score": 0.7,
        "matches": [{"source_id": src, "kind": "rewrite", "score": 0.7, "evidence": ev}],
    }
    write_report([result], idx, tmp_path, suspects={"s1": {"id": "s1", "body": text}})
    f = pages(tmp_path)[0]
    marks = parse(f)
    kept_s = {v for (m, side, k), v in marks.text.items() if side == "s" and "k" in k[1:]}
    kept_o = {v for (m, side, k), v in marks.text.items() if side == "o" and "k" in k[1:]}
    assert body[:15] in kept_s and body[25:40] in kept_s  # kept, on both sides
    assert body[:15] in kept_o and body[25:40] in kept_o
    assert not any("改写" in v for v in kept_s)  # changed words are not marked as kept
    assert "补充" not in "".join(marks.text.values())  # added text is not marked at all
    for m, side, k in marks.text:  # every kept run links to its counterpart
        other = "o" if side == "s" else "s"
        assert f"{m}-{other}-{k}" in marks.ids
    idx.close()


def test_only_a_web_address_is_a_link() -> None:
    from xigao.report import _meta_line

    line = _meta_line({"url": "javascript:alert(1)", "source": "<b>某网</b>", "extra": "x"})
    assert "<a " not in line and "&lt;b&gt;某网" in line and "extra" not in line
    assert _meta_line({}) == "" and _meta_line({"url": ["a"]}) == ""
    # a dump's Chinese headers are shown as their English names are (black-box review 21)
    line = _meta_line({"来源": "头条号", "发布时间": "2020-05-28", "链接": "http://a.cn/1,2"})
    assert "来源 source: 头条号" in line and "发布时间 published: 2020-05-28" in line
    assert '<a href="http://a.cn/1,2"' in line


def test_an_altered_fact_marks_the_words_that_changed() -> None:
    # the value as each text writes it, not the whole sentence (diff review 9); a fact from an
    # older result without the values still marks its sentences
    from xigao.report import _match_spans

    fact = {
        "kind": "number",
        "suspect": [0, 20],
        "source": [0, 21],
        "suspect_value": [8, 13],
        "source_value": [8, 14],
        "detail": "13.5→15.3",
        "text": "原文为 13.5%，此处为 15.3%",
    }
    sus, orig, _ = _match_spans({"evidence": [], "altered": [fact]})
    assert [(x.start, x.end, x.cls) for x in sus] == [(8, 13, "alt")]
    assert [(x.start, x.end, x.cls) for x in orig] == [(8, 14, "alt")]
    assert "15.3%" in sus[0].tip
    older = {k: v for k, v in fact.items() if not k.endswith("_value")}
    sus, _, _ = _match_spans({"evidence": [], "altered": [older]})
    assert [(x.start, x.end) for x in sus] == [(0, 20)]


def test_the_search_box_finds_a_story_by_any_source_it_names(
    tmp_path: Path, built_index: Path
) -> None:
    # a story stitched from two: the second source is searched for as the first (review 11)
    idx = Index.open(built_index)
    first, second = list(idx.store.ids())[:2]
    match = {"kind": "rewrite", "score": 0.7, "containment": 0.5, "coverage": 0.5, "evidence": []}
    result = {
        "id": "s1",
        "verdict": "rewrite",
        "score": 0.7,
        "matches": [{**match, "source_id": first}, {**match, "source_id": second}],
    }
    write_report([result], idx, tmp_path)
    (q,) = re.findall(
        r'<tr data-verdict="rewrite" data-q="([^"]*)"', (tmp_path / "index.html").read_text()
    )
    title = idx.get(second).title  # type: ignore[union-attr]
    assert first.lower() in q and second.lower() in q and (title or "").lower() in q


def test_a_table_read_back_keeps_its_titles_and_credits(tmp_path: Path) -> None:
    # the report read from the CSV a scan wrote heads rows by their titles and shows their
    # credits, as it does from JSONL (black-box review 11)
    from xigao.results import CsvWriter, read
    from xigao.types import Document

    result = {
        "id": "a",
        "verdict": "original",
        "score": 0.0,
        "matches": [],
        "copy_ratio": 0.0,
        "attribution": [
            {"kind": "source", "names": ["新华社"]},
            {"kind": "author", "names": ["张三", "李四"]},
            {"kind": "title", "names": ["Breaking: 新规; 解读"]},
        ],
        "near_miss": {
            "source_id": "x1",
            "score": 0.38,
            "containment": 0.29,
            "coverage": 0.47,
            "evidence": [{"kind": "paraphrase", "suspect": [0, 6], "source": [3, 9]}],
            "reason": "29% of the suspect re-expresses 47% of the original; …",
        },
    }
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = CsvWriter(f, lambda _: None)
        w.row(result, Document("a", "自己写的文章。", title="一篇评论"))
        w.close()
    (back,) = read(path)
    assert back["title"] == "一篇评论"
    assert back["attribution"] == result["attribution"]
    assert (back["verdict"], back["matches"]) == ("original", [])
    assert back["near_miss"] == result["near_miss"]  # its score and evidence too
