from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from xigao.cli import cli
from xigao.palette import JJWXC_LINE, counted, palette, to_html, write, write_xlsx

REPO = Path(__file__).resolve().parent.parent

SOURCE_A = "话说王庆见板凳作怪，用脚去踢那板凳，却是用力太猛，闪朒了胁肋，蹲在地下，只叫苦也。"
SOURCE_B = "那妇人将王庆扶将起来，王庆勾着老婆的肩胛，摇头咬牙的叫道：阿也，痛的慌！"
SUSPECT = (
    "赵大川见板凳作怪，用脚去踢那板凳，却是用力太猛，闪了腰，蹲在地下直叫苦。"
    "<script>alert(1)</script>那女人将赵大川扶将起来，赵大川勾着老婆的肩膀，摇头咬牙地叫道：痛的慌！"
)


def _result() -> dict:
    b_start = SUSPECT.index("</script>") + len("</script>")
    a_end = b_start  # a hostile passage inside the first row
    return {
        "id": "book-1 <b>ch.3</b>",
        "verdict": "rewrite",
        "matches": [
            {"source_id": "水浒-102", "kind": "rewrite", "score": 0.9,
             "evidence": [{"kind": "paraphrase", "suspect": [0, a_end],
                           "source": [0, len(SOURCE_A)], "similarity": 0.81}]},
            {"source_id": "水浒-103<i>", "kind": "rewrite", "score": 0.8,
             "evidence": [{"kind": "paraphrase", "suspect": [b_start, len(SUSPECT)],
                           "source": [0, len(SOURCE_B)], "similarity": 0.77},
                          # the same suspect passage reused again: counted once
                          {"kind": "paraphrase", "suspect": [b_start, len(SUSPECT) - 3],
                           "source": [0, 10], "similarity": 0.6}]},
        ],
    }  # fmt: skip


ORIGINALS = {"水浒-102": ("第一百二回", SOURCE_A), "水浒-103<i>": ("<em>回</em>", SOURCE_B)}


def test_rows_follow_the_suspect_and_count_each_character_once() -> None:
    p = palette(_result(), SUSPECT, ORIGINALS)
    assert [r.source_id for r in p.rows] == ["水浒-102", "水浒-103<i>", "水浒-103<i>"]
    assert [r.suspect[0] for r in p.rows] == sorted(r.suspect[0] for r in p.rows)
    a_end = SUSPECT.index("</script>") + 9
    b = SUSPECT[a_end:]
    assert p.per_source["水浒-102"] == counted(SUSPECT, (0, a_end))
    assert p.per_source["水浒-103<i>"] == counted(b)  # the overlapping rows once
    assert p.total_chars == p.per_source["水浒-102"] + p.per_source["水浒-103<i>"]
    assert p.suspect_chars == counted(SUSPECT) and p.total_chars <= p.suspect_chars
    # the verbatim runs kept: 用脚去踢那板凳 is in both, 赵大川 is not
    first = p.rows[0]
    kept = {SUSPECT[s:e] for s, e in first.common}
    assert any("用脚去踢那板凳" in k for k in kept)
    assert not any("赵大川" in k for k in kept)
    assert p.sources["水浒-102"]["colour"] != p.sources["水浒-103<i>"]["colour"]
    json.dumps(p.to_dict(), ensure_ascii=False)


def test_counted_characters_leave_punctuation_and_spaces_out() -> None:
    assert counted("你好，世界！ ab 12。") == 8


def test_the_band_line_is_informational_and_turns_at_the_rule_of_thumb() -> None:
    def band(n: int) -> str:
        text = "字" * n
        ev = [{"kind": "verbatim", "suspect": [0, n], "source": [0, n], "similarity": 1.0}]
        r = {"id": "x", "matches": [{"source_id": "o", "evidence": ev}]}
        return palette(r, text, {"o": (None, text)}).band

    assert "借鉴过度" in band(JJWXC_LINE) and "抄袭" not in band(JJWXC_LINE)
    assert "抄袭" in band(JJWXC_LINE + 1)
    assert "not xigao's" in band(10) and "reads low" not in band(10)


def test_the_band_line_says_a_retelling_keeps_few_of_the_characters_it_counts() -> None:
    # a renamed retelling: its rows are paraphrases and its match renames people, so the count
    # of characters kept reads low for it (black-box review 12)
    text, orig = "林子轩走进了府里", "宝玉进了府里"
    ev = [{"kind": "paraphrase", "suspect": [0, 8], "source": [0, 6], "similarity": 0.7}]
    r = {"id": "x", "matches": [{"source_id": "o", "evidence": ev, "name_map": {"宝玉": "林子轩"}}]}
    band = palette(r, text, {"o": (None, orig)}).band
    assert "借鉴过度" in band and "reads low for it" in band and band.endswith("not xigao's.")


def test_html_is_self_contained_escaped_and_marked() -> None:
    page = to_html(palette(_result(), SUSPECT, ORIGINALS), ORIGINALS)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<b>ch.3</b>" not in page and "<em>" not in page and "<i>" not in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    assert page.count("<tr style=") == 3 and "<mark>" in page
    assert "雷同字数" in page and "JJWXC" in page


def test_xlsx_opens_with_a_row_a_passage(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    p = palette(_result(), SUSPECT, ORIGINALS)
    path = write_xlsx(p, ORIGINALS, tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, row in enumerate(values) if row[0] == "#")
    body = [row for row in values[head + 1 :] if row[0] is not None]
    assert [row[2] for row in body] == ["水浒-102", "水浒-103<i>", "水浒-103<i>"]
    assert body[0][1] == SUSPECT[: SUSPECT.index("</script>") + 9]  # rich text reads back whole
    assert body[0][6] == p.rows[0].chars
    fill = ws.cell(row=head + 2, column=2).fill.fgColor.rgb
    assert fill.upper().endswith(p.sources["水浒-102"]["colour"][1:].upper())


def test_passages_and_sources_add_up_to_the_total() -> None:
    """One sentence matched in two sources' chapters is counted once, in the first passage that
    holds it: the rows and the sources add up to the total a moderator is shown."""
    text = "刘老老两只手比着说道花儿落了结个大倭瓜众人听了哄堂大笑起来" * 3
    ev = [{"kind": "verbatim", "suspect": [0, 40], "source": [0, 40], "similarity": 1.0}]
    inside = [{"kind": "verbatim", "suspect": [10, 30], "source": [0, 20], "similarity": 1.0}]
    r = {"id": "x", "matches": [{"source_id": "红楼梦-040", "evidence": ev},
                                {"source_id": "红楼梦-041", "evidence": inside}]}  # fmt: skip
    p = palette(r, text, {"红楼梦-040": (None, text), "红楼梦-041": (None, text)})
    assert p.total_chars == counted(text, (0, 40)) == sum(row.chars for row in p.rows)
    assert sum(p.per_source.values()) == p.total_chars and p.per_source["红楼梦-041"] == 0


def test_xlsx_marks_a_passage_all_verbatim_and_never_cuts_a_long_one(tmp_path: Path) -> None:
    """A cell holds at most 32,767 characters: a longer passage runs over as many rows, all of
    it there; a passage copied whole is marked as the HTML marks it."""
    openpyxl = pytest.importorskip("openpyxl")
    from xigao.palette import CELL_CHARS

    text = "".join(chr(0x4E00 + (k * 7919) % 20000) for k in range(CELL_CHARS + 5000))
    n = len(text)
    ev = [{"kind": "verbatim", "suspect": [0, n], "source": [0, n], "similarity": 1.0}]
    r = {"id": "long", "matches": [{"source_id": "o", "evidence": ev}]}
    path = write_xlsx(
        palette(r, text, {"o": (None, text)}), {"o": (None, text)}, tmp_path / "l.xlsx"
    )
    ws = openpyxl.load_workbook(path, rich_text=True).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, row in enumerate(values) if row[0] == "#")
    body = values[head + 1 :]
    assert len(body) == 2 and "".join(str(row[1]) for row in body) == text
    assert "".join(str(row[3]) for row in body) == text
    cell = ws.cell(row=head + 2, column=2)
    assert cell.font.b and str(cell.font.color.rgb).upper().endswith("C00000")


def test_no_passage_in_common_is_said_plainly() -> None:
    p = palette({"id": "x", "matches": []}, "完全无关的一段文字。", {})
    assert p.band.startswith("雷同字数 0: no passage in common") and "借鉴过度" not in p.band


def test_write_picks_the_format_by_suffix(tmp_path: Path) -> None:
    p = palette(_result(), SUSPECT, ORIGINALS)
    assert write(p, ORIGINALS, tmp_path / "a.html").read_text("utf-8").startswith("<!doctype")
    with pytest.raises(ValueError, match=r"html or \.xlsx"):
        write(p, ORIGINALS, tmp_path / "a.pdf")


@given(
    st.text(alphabet="甲乙丙丁，。ab", min_size=0, max_size=60),
    st.lists(st.tuples(st.integers(-5, 80), st.integers(-5, 80)), max_size=6),
)
def test_spans_stay_in_bounds_whatever_the_evidence(text: str, spans: list) -> None:
    ev = [{"kind": "verbatim", "suspect": [a, b], "source": [b, a]} for a, b in spans]
    p = palette({"matches": [{"source_id": "o", "evidence": ev}]}, text, {"o": (None, text)})
    for r in p.rows:
        assert 0 <= r.suspect[0] < r.suspect[1] <= len(text)
        assert 0 <= r.source[0] <= r.source[1] <= len(text)
        assert all(r.suspect[0] <= s < e <= r.suspect[1] for s, e in r.common)
    assert 0 <= p.total_chars <= p.suspect_chars


def test_compare_writes_a_palette(tmp_path: Path) -> None:
    docs = {}
    with (REPO / "corpora" / "originals.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs[d["id"]] = d
    original = docs["鲁迅-呐喊-一件小事"]["body"]
    suspect = "前言几句。\n" + original[200:900] + "\n后记几句。"
    (tmp_path / "s.txt").write_text(suspect, "utf-8")
    (tmp_path / "o.txt").write_text(original, "utf-8")
    run = CliRunner().invoke(
        cli,
        ["compare", str(tmp_path / "s.txt"), str(tmp_path / "o.txt"), "--encoder", "static",
         "--palette", str(tmp_path / "p.html")],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    page = (tmp_path / "p.html").read_text("utf-8")
    assert "<mark>" in page and "o.txt" in page
    bad = CliRunner().invoke(
        cli, ["compare", str(tmp_path / "s.txt"), str(tmp_path / "o.txt"), "--palette", "p.pdf"]
    )
    assert bad.exit_code != 0 and "html or .xlsx" in bad.output


def test_report_writes_a_palette_per_document_with_matches(
    tmp_path: Path, built_index: Path, stories: list[dict]
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    docs = [
        {"id": "copy<1>", "body": "编者按。\n" + stories[0]["body"] + "\n（转自网络）"},
        {"id": "mine", "body": "今天天气很好，我们去公园散步，看见许多孩子在放风筝。" * 3},
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    results = tmp_path / "results.jsonl"
    runner = CliRunner()
    run = runner.invoke(
        cli, ["scan", str(dump), "--index", str(built_index), "-o", str(results), "--quiet"]
    )
    assert run.exit_code == 0, run.output
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"pal-{fmt}"
        run = runner.invoke(
            cli,
            ["report", str(results), "--index", str(built_index), "--out", str(tmp_path / "rep"),
             "--inputs", str(dump), "--palette", str(out), "--palette-format", fmt],
        )  # fmt: skip
        assert run.exit_code == 0, run.output
        made = sorted(p.name for p in out.iterdir())
        assert len(made) == 1 and made[0].endswith(f".{fmt}")  # the original has none
    page = next((tmp_path / "pal-html").iterdir()).read_text("utf-8")
    assert stories[0]["id"] in page and "<mark>" in page
    book = openpyxl.load_workbook(next((tmp_path / "pal-xlsx").iterdir()))
    assert any(stories[0]["id"] == c.value for row in book.active.iter_rows() for c in row)
    # the report links each palette from its row and its page, and sums their 雷同字数
    index = (tmp_path / "rep" / "index.html").read_text("utf-8")
    pal = next((tmp_path / "pal-xlsx").iterdir()).name
    assert (
        f'href="../pal-xlsx/{pal}"' in index and "雷同字数" in index and "in all, over 1" in index
    )
    page = next((tmp_path / "rep" / "s").iterdir()).read_text("utf-8")
    assert f'href="../../pal-xlsx/{pal}"' in page
    # without the documents' text there is no palette to write: said, not "palettes: 0"
    # (black-box review 10)
    run = runner.invoke(
        cli,
        ["report", str(results), "--index", str(built_index), "--out", str(tmp_path / "r2"),
         "--palette", str(tmp_path / "none")],
    )  # fmt: skip
    assert run.exit_code == 2 and "--palette needs --inputs" in run.output
    assert not (tmp_path / "none").exists()


def test_the_palette_shows_each_sources_renames_and_where_each_passage_lies(
    tmp_path: Path,
) -> None:
    # a renamed copy's strongest evidence is its name map: in the palette a moderator posts,
    # beside the passages, and each row says where it lies (black-box review 10)
    openpyxl = pytest.importorskip("openpyxl")
    result = _result()
    result["matches"][0]["name_map"] = {"王庆": "赵大川", "<b>段三娘</b>": "钱二妹"}
    p = palette(result, SUSPECT, ORIGINALS)
    assert p.sources["水浒-102"]["name_map"] == {"王庆": "赵大川", "<b>段三娘</b>": "钱二妹"}
    assert "name_map" not in p.sources["水浒-103<i>"]
    page = to_html(p, ORIGINALS)
    assert "换名" in page and "王庆 → 赵大川" in page and "&lt;b&gt;段三娘" in page
    assert "<b>段三娘" not in page
    r = p.rows[1]
    assert f"[{r.suspect[0]}:{r.suspect[1]}]" in page
    ws = openpyxl.load_workbook(write_xlsx(p, ORIGINALS, tmp_path / "p.xlsx")).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert any(v and "王庆 → 赵大川" in str(v) for row in values for v in row)
    head = next(i for i, row in enumerate(values) if row[0] == "#")
    assert values[head][7:9] == ["suspect span", "source span"]
    assert values[head + 2][7] == f"{r.suspect[0]}:{r.suspect[1]}"
    assert values[head + 2][8] == f"{r.source[0]}:{r.source[1]}"


def test_a_books_palettes_share_their_colours_and_one_page_holds_them_all(
    tmp_path: Path, built_index: Path, stories: list[dict]
) -> None:
    """Each source chapter is one colour in every chapter's palette (black-box review 18: every
    single-source chapter was the first colour), and ``book.html`` holds every chapter's
    passages in one table, the book's 雷同字数 on its band line; the report links it."""
    from xigao.palette import BOOK_PAGE, COLOURS

    book = tmp_path / "book.txt"
    book.write_text(
        f"第一章 甲\n{stories[0]['body']}\n第二章 乙\n{stories[1]['body']}\n"
        f"第三章 丙\n{stories[0]['body'][:200]}。今天天气很好，我们去公园散步。\n",
        "utf-8",
    )
    results, pal = tmp_path / "results.jsonl", tmp_path / "pal"
    common = ["--index", str(built_index), "--split", "chapters", "-q"]
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(book), "-o", str(results), *common]).exit_code == 0
    # (the book read again as the scan read it, chapter by chapter, without --split: its ids
    # say so; black-box review 18 got no palette)
    run = runner.invoke(
        cli,
        ["report", str(results), "--out", str(tmp_path / "rep"), "--inputs", str(book),
         "--palette", str(pal), "--index", str(built_index), "-q"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    pages = {p.name: p.read_text("utf-8") for p in pal.iterdir()}
    assert BOOK_PAGE in pages and len(pages) == 4
    first, second = COLOURS[0], COLOURS[1]
    chapter_pages = [t for n, t in pages.items() if n != BOOK_PAGE]
    assert sum(first in t for t in chapter_pages) == 2  # stories[0]'s, in chapters 1 and 3
    assert sum(second in t and first not in t for t in chapter_pages) == 1
    whole = pages[BOOK_PAGE]
    assert all(t in whole for t in ("第一章 甲", "第二章 乙", "第三章 丙"))
    assert stories[0]["id"] in whole and stories[1]["id"] in whole and "JJWXC" in whole
    index = (tmp_path / "rep" / "index.html").read_text("utf-8")
    assert f'href="../pal/{BOOK_PAGE}"' in index
    # two books: a page each, each of its own chapters, both linked (black-box review 20)
    other = tmp_path / "other.txt"
    other.write_text(f"第一章 丁\n{stories[2]['body']}\n第二章 戊\n{stories[3]['body']}\n", "utf-8")
    two = tmp_path / "two.jsonl"
    assert (
        runner.invoke(cli, ["scan", str(book), str(other), "-o", str(two), *common]).exit_code == 0
    )
    run = runner.invoke(
        cli,
        ["report", str(two), "--out", str(tmp_path / "rep2"), "--inputs", str(book), "--inputs",
         str(other), "--palette", str(pal), "--index", str(built_index), "-q"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert not (pal / BOOK_PAGE).exists()
    books = [(pal / f"book-{n}.html").read_text("utf-8") for n in (1, 2)]
    assert "第一章 甲" in books[0] and "第一章 丁" not in books[0] and "第一章 丁" in books[1]
    index = (tmp_path / "rep2" / "index.html").read_text("utf-8")
    assert 'href="../pal/book-1.html"' in index and 'href="../pal/book-2.html"' in index
    # one palette alone: no book page, and none left of an earlier run
    one = tmp_path / "one.jsonl"
    one.write_text(results.read_text("utf-8").splitlines(keepends=True)[0], "utf-8")
    run = runner.invoke(
        cli,
        ["report", str(one), "--out", str(tmp_path / "rep1"), "--inputs", str(book),
         "--palette", str(pal), *common],
    )  # fmt: skip
    assert run.exit_code == 0 and not (pal / BOOK_PAGE).exists()
    assert not list(pal.glob("book-*.html"))
