"""Tests for xigao.io: formats x encodings, per-record errors, detection on real news."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xigao.errors import InputError
from xigao.io import ReadError, ReadOptions, detect_encoding, read_documents
from xigao.types import Document

NEWS = Path("/work/shared/data/news/cctv_xwlb_stories.jsonl")
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16"]

SIMPLIFIED = [
    (
        "a1",
        "国务院召开常务会议",
        "国务院总理主持召开国务院常务会议，部署进一步推动经济发展和就业工作。",
    ),
    ("a2", "新闻联播", '会议指出，要坚持稳中求进，"加快"建设现代化产业体系，\n推动高质量发展。'),
    (
        "3",
        "各地开展工作",
        "各地区各部门认真落实中央决策部署，扎实做好民生保障工作，群众满意度不断提高。",
    ),
]
TRADITIONAL = [
    (
        "a1",
        "國務院召開常務會議",
        "國務院總理主持召開國務院常務會議，部署進一步推動經濟發展和就業工作。",
    ),
    ("a2", "新聞聯播", '會議指出，要堅持穩中求進，"加快"建設現代化產業體系，\n推動高質量發展。'),
    (
        "3",
        "各地開展工作",
        "各地區各部門認真落實中央決策部署，紮實做好民生保障工作，群眾滿意度不斷提高。",
    ),
]


def docs_for(encoding: str) -> list[tuple[str, str, str]]:
    return TRADITIONAL if encoding == "big5" else SIMPLIFIED


def read(*sources: Any, **options: Any) -> list[Document | ReadError]:
    return list(read_documents(list(sources), ReadOptions(**options)))


def only_docs(items: list[Document | ReadError]) -> list[Document]:
    assert all(isinstance(i, Document) for i in items), items
    return [i for i in items if isinstance(i, Document)]


def write_jsonl(path: Path, records: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_bytes(text.encode(encoding))
    return path


def write_csv(
    path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


# -- round trips: each format x each encoding -----------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "folder", "txt"])
def test_round_trip(tmp_path: Path, fmt: str, encoding: str) -> None:
    docs = docs_for(encoding)
    if fmt == "jsonl":
        records = [{"id": i, "title": t, "body": b, "source": "cctv"} for i, t, b in docs]
        items = read(write_jsonl(tmp_path / "in.jsonl", records, encoding))
    elif fmt in ("csv", "tsv"):
        rows = [["id", "title", "body", "source"]] + [[i, t, b, "cctv"] for i, t, b in docs]
        sep = "," if fmt == "csv" else "\t"
        items = read(write_csv(tmp_path / f"in.{fmt}", rows, encoding, sep))
    elif fmt == "folder":
        for i, t, b in docs:
            (tmp_path / f"{i}.txt").write_bytes(f"{t}\n{b}".encode(encoding))
        items = read(tmp_path, title_first_line=True)
        docs = [(f"{i}.txt", t, b) for i, t, b in sorted(docs)]
    else:
        i, t, b = docs[0]
        (tmp_path / "one.txt").write_bytes(f"{t}\n{b}".encode(encoding))
        items = read(tmp_path / "one.txt")
        docs = [("one.txt", "", f"{t}\n{b}")]
    got = only_docs(items)
    assert [(d.id, d.title or "", d.body) for d in got] == docs
    if fmt in ("jsonl", "csv", "tsv"):
        assert all(d.meta == {"source": "cctv"} for d in got)


@pytest.mark.parametrize("encoding", ["gbk", "big5", "utf-16"])
def test_forced_encoding(tmp_path: Path, encoding: str) -> None:
    i, _, b = docs_for(encoding)[0]
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": i, "body": b}], encoding)
    assert only_docs(read(path, encoding=encoding))[0].body == b
    assert isinstance(read(path, encoding="ascii")[0], ReadError)


def test_ascii_head_then_gbk_lines(tmp_path: Path) -> None:
    """A file whose first 64 KB is ASCII still reads its later GBK lines correctly."""
    records = [{"id": f"e{n}", "body": "plain ascii text " * 10} for n in range(500)]
    records += [{"id": i, "title": t, "body": b} for i, t, b in SIMPLIFIED]
    path = write_jsonl(tmp_path / "x.jsonl", records, "gbk")
    assert path.stat().st_size > 65536
    got = only_docs(read(path))
    assert [(d.id, d.title, d.body) for d in got[-3:]] == SIMPLIFIED


def test_crlf_kept_everywhere(tmp_path: Path) -> None:
    """Line ends are kept as the file writes them, a .txt file's too: the evidence spans of a
    check index the characters of the file a reader highlights (a Windows export's \\r\\n)."""
    (tmp_path / "a.csv").write_bytes('id,body\r\n1,"第一行\r\n第二行"\r\n'.encode())
    assert only_docs(read(tmp_path / "a.csv"))[0].body == "第一行\r\n第二行"
    (tmp_path / "b.txt").write_bytes("\ufeff第一行\r\n第二行\r\n".encode())
    assert only_docs(read(tmp_path / "b.txt"))[0].body == "第一行\r\n第二行\r\n"
    docs = only_docs(read(tmp_path / "b.txt", title_first_line=True))
    assert (docs[0].title, docs[0].body) == ("第一行", "第二行\r\n")


def test_half_a_character_is_written_whole_and_an_id_holding_one_is_an_error(
    tmp_path: Path,
) -> None:
    """Half an emoji escaped in scraped JSON (a lone surrogate) can be written by no UTF-8
    file or database: in a text it becomes U+FFFD, one character for one (the spans of a check
    still index the text as given); in an id, which must come back as given, it is an error
    saying so, and the next record is read."""
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "a\\ud800b", "body": "正文"}\n'
        '{"id": "t", "title": "表情\\ud83d", "body": "半个\\ud83d表情"}\n'
        '{"id": "m", "body": "正文", "tags": ["ok", "x\\udc00"]}\n'
        '{"id": "ok", "body": "表情\\ud83d\\ude00。"}\n',
        encoding="utf-8",
    )
    got = list(read(path))
    assert isinstance(got[0], ReadError) and got[0].id is None
    assert "field 'id' holds half of a character (\\ud800 at character 2" in got[0].reason
    assert [(d.title, d.body) for d in got[1:2]] == [("表情\ufffd", "半个\ufffd表情")]
    assert got[2].meta["tags"] == ["ok", "x\ufffd"] and got[3].body == "表情😀。"


def test_unterminated_csv_quote_is_an_error(tmp_path: Path) -> None:
    """A quote opened and never closed takes in the rest of the file: an error naming the lines,
    not one record quietly holding three."""
    path = tmp_path / "u.csv"
    path.write_text('id,body\n0,正文零\n1,"unterminated\n2,正文二\n3,正文三\n', encoding="utf-8")
    got = list(read(path))
    assert isinstance(got[0], Document) and got[0].id == "0"
    assert isinstance(got[1], ReadError) and got[1].line == 3 and got[1].id == "1"
    assert "unterminated quoted field: lines 3-5" in got[1].reason and len(got) == 2
    path.write_text('id,body\n1,"两行\n正文"\n2,x\n3,y', encoding="utf-8")
    assert [d.body for d in only_docs(read(path))] == ["两行\n正文", "x", "y"]


def test_a_quote_closed_by_the_next_row_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    """A field opened with a quote never closed in its row runs on to the next row's own quote,
    text right after it: the two rows are one error naming their lines, not one record that
    lost a row without a word (black-box review 17)."""
    path = tmp_path / "q.csv"
    path.write_text(
        'id,body,url\n1,"正文一",u1\n2,"正文二 引号未闭合\n3,"正文三",u3\n4,"正文四",u4\n',
        encoding="utf-8",
    )
    got = list(read(path))
    assert [getattr(g, "id", None) for g in got] == ["1", "2", "4"]
    err = got[1]
    assert isinstance(err, ReadError) and err.line == 3 and "lines 3-4" in err.reason


def test_a_json_array_is_read_as_its_objects(tmp_path: Path) -> None:
    """A pretty-printed export (one JSON array) is read as its objects, each error saying which
    item; a broken array is one error, not a line of nonsense for each of its lines."""
    path = tmp_path / "a.json"
    records = [{"id": "1", "body": "正文一"}, {"id": "2"}, 7, {"id": "3", "body": "正文三"}]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    got = list(read(path))
    assert [d.id for d in got if isinstance(d, Document)] == ["1", "3"]
    errors = [g for g in got if isinstance(g, ReadError)]
    assert [e.reason.split(":")[0] for e in errors] == [
        "item 2 of the array",
        "item 3 of the array",
    ]
    path.write_text(json.dumps(records[:1]), encoding="utf-8")  # on one line
    assert [d.id for d in only_docs(read(path))] == ["1"]
    path.write_text('[\n  {"id": "1", "body": "x"},\n  {"id": \n]\n', encoding="utf-8")
    (err,) = read(path)
    assert isinstance(err, ReadError) and "invalid JSON array" in err.reason and err.line == 4


def test_truncated_jsonl_line_says_unterminated(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "1", "body": "正文被截\n{"id": "2", "body": "x"}\n', encoding="utf-8")
    err, doc = read(path)
    assert isinstance(err, ReadError) and "Unterminated string" in err.reason
    assert isinstance(doc, Document) and doc.id == "2"


# -- fields ---------------------------------------------------------------------------------


def test_field_remapping_and_meta(tmp_path: Path) -> None:
    records: list[dict[str, Any]] = [
        {"doc_id": 7, "headline": "标题", "content": "正文内容", "url": "http://x", "time": 1},
        {"doc_id": "b", "content": "另一篇", "body": "not used", "tags": ["a"]},
    ]
    path = write_jsonl(tmp_path / "x.jsonl", records)
    got = only_docs(read(path, id_field="doc_id", title_field="headline", text_field="content"))
    assert got[0] == Document("7", "正文内容", "标题", {"url": "http://x", "time": 1})
    assert got[1] == Document("b", "另一篇", None, {"body": "not used", "tags": ["a"]})


def test_text_is_a_fallback_for_body(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"id": 1, "text": "用text字段"}])
    assert only_docs(read(path)) == [Document("1", "用text字段")]


def test_csv_field_remapping(tmp_path: Path) -> None:
    rows = [["编号", "标题", "内容", "来源"], ["1", "题", "正文", ""]]
    path = write_csv(tmp_path / "x.csv", rows)
    got = only_docs(read(path, id_field="编号", title_field="标题", text_field="内容"))
    assert got == [Document("1", "正文", "题", {"来源": ""})]


# -- errors, one per record -----------------------------------------------------------------


def test_malformed_json_line_in_the_middle(tmp_path: Path) -> None:
    lines = [
        '{"id": 1, "body": "一"}',
        '{"id": 2, "body": "二"',
        "",
        '["not", "object"]',
        '{"id": 3, "body": "三"}',
    ]
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [type(i).__name__ for i in items] == ["Document", "ReadError", "ReadError", "Document"]
    bad, notobj = items[1], items[2]
    assert isinstance(bad, ReadError) and isinstance(notobj, ReadError)
    assert (bad.line, notobj.line) == (2, 4)
    assert bad.reason.startswith("invalid JSON: ") and "column" in bad.reason
    assert "got array" in notobj.reason
    assert bad.to_dict() == {"source": str(path), "line": 2, "reason": bad.reason}


def test_undecodable_bytes_in_one_jsonl_line(tmp_path: Path) -> None:
    good = [
        json.dumps({"id": i, "body": b}, ensure_ascii=False).encode("gbk") for i, _, b in SIMPLIFIED
    ]
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"\n".join([good[0], b'{"id": "x", "body": "\xff\xff"}', good[1], good[2]]))
    items = read(path)
    assert len(items) == 4
    err = items[1]
    assert isinstance(err, ReadError) and err.line == 2
    assert err.reason.startswith("bytes not valid gb18030 (0xff") and "--encoding" in err.reason
    assert [d.body for d in only_docs([items[0], *items[2:]])] == [b for _, _, b in SIMPLIFIED]


def test_undecodable_bytes_in_one_csv_record(tmp_path: Path) -> None:
    rows = [
        b"id,body",
        '1,"国务院总理主持召开常务会议"'.encode("gbk"),
        b'2,"\xff\n\xb9\xfa"',
        "3,部署经济工作".encode("gbk"),
    ]
    path = tmp_path / "x.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    items = read(path)
    assert [getattr(i, "id", None) for i in items] == ["1", "2", "3"]
    err = items[1]
    assert isinstance(err, ReadError) and err.line == 3 and "0xff" in err.reason


def test_undecodable_utf16_line(tmp_path: Path) -> None:
    data = "\n".join(json.dumps({"id": i, "body": b}, ensure_ascii=False) for i, _, b in SIMPLIFIED)
    raw = data.encode("utf-16")
    second = raw.index("\n".encode("utf-16-le")) + 2
    raw = raw[:second] + "\udc00".encode("utf-16-le", "surrogatepass") + raw[second:]
    items = read(write_bytes(tmp_path / "x.jsonl", raw))
    assert len(items) == 3 and isinstance(items[1], ReadError) and items[1].line == 2
    assert "not valid utf-16" in items[1].reason
    assert [d.id for d in only_docs([items[0], items[2]])] == ["a1", "3"]


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"id": 1, "body": ""}, "empty body"),
        ({"id": 1, "body": " \n\t　"}, "empty body"),
        ({"id": 1}, "missing body"),
        ({"id": 1, "body": 5}, "body must be a string, not number"),
        ({"body": "正文"}, "missing id"),
        ({"id": None, "body": "正文"}, "missing id"),
        ({"id": "", "body": "正文"}, "missing id"),
        ({"id": [1], "body": "正文"}, "id must be a string or a number, not array"),
        ({"id": 1, "body": "正文", "title": {"a": 1}}, "title must be a string"),
        ({"id": 1, "body": "长" * 11}, "document too large: 11 characters (limit 10)"),
    ],
)
def test_bad_records(tmp_path: Path, record: dict[str, Any], reason: str) -> None:
    items = read(write_jsonl(tmp_path / "x.jsonl", [record, {"id": 2, "body": "好"}]), max_chars=10)
    assert len(items) == 2 and isinstance(items[1], Document)
    err = items[0]
    assert isinstance(err, ReadError) and err.line == 1 and err.reason.startswith(reason)
    assert err.id == (None if "id" in reason else "1")


def test_csv_errors(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        'id,title,body\n1,题,"跨\n行"\n,题,缺少编号\n3,题\n4,题,\n5,题,好\n', encoding="utf-8"
    )
    items = read(path)
    summary = [(i.line, i.reason) if isinstance(i, ReadError) else i.id for i in items]
    assert summary == [
        "1",
        (4, "missing id (field 'id' (or ID, 编号, 链接, 网址, url, URL))"),
        (5, "expected 3 columns, got 2"),
        (6, "empty body"),
        "5",
    ]


def test_csv_header_without_needed_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["key", "body"], ["1", "正文"]])
    (err,) = read(path)
    assert (
        isinstance(err, ReadError) and "no 'id' (or ID" in err.reason and "--id-field" in err.reason
    )
    path = write_csv(tmp_path / "y.csv", [["id", "article"], ["1", "正文"]])
    (err,) = read(path)
    assert (
        isinstance(err, ReadError)
        and "no 'body' (or text, content, 正文, 内容) column" in err.reason
    )


def test_fields_as_exports_and_scrapers_name_them_are_read(tmp_path: Path) -> None:
    """An Excel export's 标题,正文,链接 and a scraper's content or url are the title, body and
    id (black-box review 17); an id given beside them is the id, and 链接 stays in the meta."""
    path = write_csv(tmp_path / "x.csv", [["标题", "正文", "链接", "发布时间"],
                                          ["转载", "正文一", "https://x/1", "2021-07-01"]])  # fmt: skip
    (doc,) = read(path)
    assert isinstance(doc, Document)
    assert (doc.id, doc.title, doc.body) == ("https://x/1", "转载", "正文一")
    # (the link that became the id stays in the meta, where a match's original shows it)
    assert doc.meta == {"链接": "https://x/1", "发布时间": "2021-07-01"}
    rows = [
        {"url": "u1", "content": "正文二"},
        {"id": "3", "链接": "u3", "正文": "正文三"},
        {"id": "4", "body": "正文四", "content": "摘要"},  # (a content not read stays)
        {"id": None, "url": "u5", "body": "正文五"},  # (a null id is a missing one)
    ]
    two, three, four, five = read(write_jsonl(tmp_path / "s.jsonl", rows))
    assert isinstance(two, Document) and (two.id, two.body, two.meta) == (
        "u1",
        "正文二",
        {"url": "u1"},
    )
    assert isinstance(three, Document) and (three.id, three.body) == ("3", "正文三")
    assert three.meta == {"链接": "u3"}
    assert isinstance(four, Document) and four.meta == {"content": "摘要"}
    assert isinstance(five, ReadError) and "missing id" in five.reason
    # a column the header repeats but nothing reads is no error
    path = write_csv(tmp_path / "u.csv", [["id", "body", "url", "url"], ["1", "正文", "a", "b"]])
    (doc,) = read(path)
    assert isinstance(doc, Document) and doc.body == "正文"


def test_too_large_txt(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("大" * 11, encoding="utf-8")
    (tmp_path / "huge.txt").write_text("a" * 100, encoding="utf-8")
    (small,) = read(tmp_path / "big.txt", max_chars=10)
    (huge,) = read(tmp_path / "huge.txt", max_chars=10)
    assert (
        isinstance(small, ReadError)
        and small.reason == "document too large: 11 characters (limit 10)"
    )
    assert isinstance(huge, ReadError) and huge.reason.startswith(
        "document too large: over 44 bytes"
    )


# -- folders, stdin, whole sources ----------------------------------------------------------


def test_folder_of_txt(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "z.txt").write_text("标题Z\n正文Z\n第二段", encoding="utf-8")
    (tmp_path / "b" / "c" / "deep.txt").write_bytes("深层标题\r\n深层正文".encode("gbk"))
    (tmp_path / "b" / "a.TXT").write_text("  标题A  \n正文A", encoding="utf-8")
    (tmp_path / "b" / "only-title.txt").write_text("只有标题\n", encoding="utf-8")
    (tmp_path / "b" / "notes.md").write_text("said, not read", encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"ignored")
    items = read(tmp_path, title_first_line=True)
    assert [i.id for i in items] == [
        "b/a.TXT", "b/c/deep.txt", "b/notes.md", "b/only-title.txt", "z.txt"
    ]  # fmt: skip
    a, deep, md, empty, z = items
    # a file of another name is an error that says so (black-box review 17), hidden ones none
    assert isinstance(md, ReadError) and "named .txt" in md.reason
    assert isinstance(a, Document) and (a.title, a.body) == ("标题A", "正文A")
    assert isinstance(deep, Document) and (deep.title, deep.body) == ("深层标题", "深层正文")
    assert isinstance(z, Document) and (z.title, z.body) == ("标题Z", "正文Z\n第二段")
    assert isinstance(empty, ReadError) and empty.reason == "empty body"
    assert empty.to_dict() == {
        "source": str(tmp_path),
        "path": str(tmp_path / "b" / "only-title.txt"),
        "id": "b/only-title.txt",
        "reason": "empty body",
    }
    assert only_docs(read(tmp_path / "z.txt"))[0] == Document("z.txt", "标题Z\n正文Z\n第二段")


def test_undecodable_txt(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes("正文".encode("gbk") + b"\xff")
    (err,) = read(tmp_path / "bad.txt")
    assert isinstance(err, ReadError) and err.reason.startswith("cannot decode as gb18030 (0xff")


def test_stdin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = "".join(
        json.dumps({"id": i, "body": b}, ensure_ascii=False) + "\n" for i, _, b in SIMPLIFIED
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("gb18030"))))
    later = write_jsonl(tmp_path / "x.jsonl", [{"id": "after", "body": "之后"}])
    got = only_docs(read("-", later))
    assert [d.id for d in got] == ["a1", "a2", "3", "after"]
    assert [d.body for d in got[:3]] == [b for _, _, b in SIMPLIFIED]


def test_big_stdin_is_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = (json.dumps({"id": n, "body": "正文" * 50}, ensure_ascii=False) for n in range(2000))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines).encode())))
    got = list(islice(read_documents(["-"]), 1999, None))
    assert len(got) == 1 and isinstance(got[0], Document) and got[0].id == "1999"


def test_unreadable_sources_yield_one_error_each(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "data.xml").write_text("<x/>", encoding="utf-8")
    ok = write_jsonl(tmp_path / "ok.jsonl", [{"id": 1, "body": "好"}])
    items = read(tmp_path / "missing.jsonl", tmp_path / "empty", tmp_path / "data.xml", ok)
    reasons = [i.reason if isinstance(i, ReadError) else i.id for i in items]
    assert reasons[0] == "cannot read: No such file or directory"
    assert reasons[1] == "no .txt files in this folder"
    assert reasons[2].startswith("unknown file type '.xml'")
    assert reasons[3] == "1"


def test_format_option_overrides_extension(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "data.log", [{"id": 1, "body": "好"}])
    assert only_docs(read(path, format="jsonl")) == [Document("1", "好")]


def test_bad_options_fail_fast() -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        ReadOptions(encoding="no-such-codec")
    with pytest.raises(InputError, match="max_chars"):
        ReadOptions(max_chars=0)


def test_read_error_str() -> None:
    assert str(ReadError("a.jsonl", "empty body", line=3)) == "a.jsonl:3: empty body"
    assert str(ReadError("d", "empty body", path="d/x.txt")) == "d/x.txt: empty body"


# -- property: every record accounted for ---------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(
            st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=1)
        ),
        "body": st.one_of(st.none(), st.integers(), st.text(max_size=30), st.just("  ")),
        "text": st.text(max_size=30),
        "title": st.one_of(st.none(), st.text(max_size=8)),
        "source": scalars,
        "extra": st.dictionaries(st.text(max_size=3), scalars, max_size=2),
    },
)


def expected(record: dict[str, Any]) -> Document | None:
    rid, body, title = record.get("id"), record.get("body"), record.get("title")
    # an empty or blank body beside a filled text is the text
    given = [v for v in (body, record.get("text")) if v is not None]
    body = next((b for b in given if not isinstance(b, str) or b.strip()), None)
    body = given[0] if body is None and given else body
    if rid is None or not isinstance(rid, str | int) or isinstance(rid, bool):
        return None
    if isinstance(rid, str) and not rid.strip():  # missing, or blank
        return None
    if not isinstance(body, str) or not body.strip():
        return None
    meta = {k: v for k, v in record.items() if k not in ("id", "body", "text", "title")}
    return Document(str(rid), body, title or None, meta)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(records, max_size=12), st.lists(st.booleans(), min_size=12, max_size=12), st.booleans()
)
def test_every_jsonl_record_accounted_for(
    tmp_path: Path, recs: list[dict[str, Any]], blanks: list[bool], ascii_only: bool
) -> None:
    lines: list[str] = []
    for rec, blank in zip(recs, blanks, strict=False):
        lines.append(json.dumps(rec, ensure_ascii=ascii_only))
        if blank:
            lines.append("   ")
    path = tmp_path / "prop.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    items = read(path)
    assert len(items) == sum(1 for line in lines if line.strip()) == len(recs)
    for rec, item in zip(recs, items, strict=True):
        want = expected(rec)
        assert item == want if want is not None else isinstance(item, ReadError), (rec, item)


# -- detection on real news -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    if not NEWS.exists():
        pytest.skip(f"{NEWS} not available")
    out: list[str] = []
    with NEWS.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n % 150 == 0:
                body = json.loads(line)["body"]
                out += [s.strip() for s in re.split(r"(?<=[。！？])", body) if len(s.strip()) >= 12]
            if len(out) >= 400:
                break
    return out


def _big5_or_hkscs(data: bytes) -> str:
    """Big5 where the bytes are (a Hong Kong text without Hong Kong's own characters)."""
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return "big5hkscs"
    return "big5"


def test_detection_on_real_sentences(sentences: list[str]) -> None:
    import opencc

    s2t, s2hk = opencc.OpenCC("s2t"), opencc.OpenCC("s2hk")
    assert len(sentences) >= 300
    wrong: list[tuple[str, str, str]] = []
    for s in sentences:
        t = s2t.convert(s)
        cases = [
            (s.encode("utf-8"), "utf-8"),
            (s.encode("gbk", "ignore"), "gb18030"),
            (s.encode("gb18030"), "gb18030"),
            (t.encode("big5", "ignore"), "big5"),
            (hk := s2hk.convert(s).encode("big5hkscs", "ignore"), _big5_or_hkscs(hk)),
            (s.encode("utf-16"), "utf-16"),
            (s.encode("utf-16-le"), "utf-16-le"),
            (t.encode("utf-16-be"), "utf-16-be"),
        ]
        wrong += [(s, want, got) for data, want in cases if (got := detect_encoding(data)) != want]
    assert wrong == []


def test_detection_basics() -> None:
    assert detect_encoding(b"") == "utf-8"
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("新闻".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding('{"id": 1, "body": "x"}\n'.encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding('{"id": 1, "body": "x"}\n'.encode("utf-16-be")) == "utf-16-be"


def test_a_book_file_splits_at_its_chapter_headings(tmp_path: Path) -> None:
    from xigao.io import ReadOptions, read_documents

    book = tmp_path / "book.txt"
    text = (
        "书名：某某传\n作者：佚名\n\n"
        "第一章 初入江湖\n少年背着行囊下山。\n\n"
        "第二章　夜雨\n雨下了一夜。\n"
        "第十二回 再会\n又见面了。\n"
        "Chapter 3: Home\nBack home.\n"
        "这一行提到第三章的内容，不是标题。\n"
    )
    book.write_bytes(text.encode("gb18030"))
    got = list(read_documents([str(book)], ReadOptions(split="chapters")))
    assert [(d.id, d.title) for d in got] == [
        ("book.txt#000", None),
        ("book.txt#001", "第一章 初入江湖"),
        ("book.txt#002", "第二章　夜雨"),
        ("book.txt#003", "第十二回 再会"),
        ("book.txt#004", "Chapter 3: Home"),
    ]
    assert got[1].body == "少年背着行囊下山。\n\n" and "不是标题" in got[4].body
    # without --split, one document; a file with no heading stays whole
    assert len(list(read_documents([str(book)], ReadOptions()))) == 1
    plain = tmp_path / "plain.txt"
    plain.write_text("没有章节的短文。", "utf-8")
    assert [d.id for d in read_documents([str(plain)], ReadOptions(split="chapters"))] == [
        "plain.txt"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "第一章 初入江城", "第12回　花冢", "　　第十三章　標題：初進林府", "Chapter 3", "第十七章",
        "第一章初见", "尾聲", "後記", "终章", "第一節 開學", "正文 第一章 初见", "【第一章】初见",
        "☆、第一章 初见", "第五章 来了，他来了", "第一百二十回　甄士隐详说太虚情　贾雨村归结红楼梦",
        "第十三话 初雪", "第2話",
        # black-box review 18: spaced numbers, 起点's VIP chapters, numbers in words, leading zeros
        "第 3 章 断桥", "VIP章节 第六十章 决战", "Chapter Three", "Chapter twenty-one: Home",
    ],
)  # fmt: skip
def test_headings_as_books_and_downloads_write_them(line: str) -> None:
    from xigao.io import split_chapters

    book = Document("b.txt", f"{line}\n正文。\n")
    assert [(d.title, d.body) for d in split_chapters(book)] == [(line.strip(), "正文。\n")]


@pytest.mark.parametrize(
    "line",
    [
        "第一回合结束的铃声响起时，他的眉骨已经破了，血顺着眼角往下流。", "第一节课是语文课，老师还没来。",
        "第三章节选自他后来写的回忆录，那时候他已经退役很多年了。", "尾声渐渐弱了下去，场馆里安静得能听见灯管的嗡嗡声。",
        "第二集播完，她关掉了电视。", "后记得那天很冷。", "序言写得太长了，没人看。",
        "第一话题是房价，大家都说贵。", "2024 年的冬天来得很早", "1 个人站在门口。",
        "0.5 秒之后，灯灭了。", "007 号特工走进酒吧，点了一杯马提尼。", "Chapter Threesome",
    ],
)  # fmt: skip
def test_a_sentence_starting_like_a_heading_is_prose(line: str) -> None:
    from xigao.io import split_chapters

    book = Document("b.txt", f"第一章 拳台\n他上了台。\n{line}\n他赢了。\n")
    (chapter,) = split_chapters(book)
    assert line in chapter.body


def test_a_download_that_numbers_its_chapters_alone_is_split_at_them() -> None:
    """001 初见, 002 …, 120 … (black-box review 18), where three or more count up one by one
    and the book has no other heading; a time (07:30), a date (07.11) or a list's item in the
    text is none (diff review 17)."""
    from xigao.io import split_chapters

    book = "".join(f"{i:03d}{'、' if i % 2 else ' '}第{i}个故事\n正文。\n" for i in range(1, 121))
    got = split_chapters(Document("b.txt", book + "1 个人站在门口\n"))
    assert len(got) == 120 and got[99].title == "100 第100个故事"
    assert got[-1].body == "正文。\n1 个人站在门口\n"
    diary = "第一章 日记\n07:30 起床，天阴\n07.11 晴\n第二章 日记\n1 个苹果\n2 个梨\n"
    assert [d.title for d in split_chapters(Document("d.txt", diary))] == [
        "第一章 日记",
        "第二章 日记",
    ]
    assert len(split_chapters(Document("l.txt", "前言\n1 个苹果\n2 个梨\n"))) == 1
    # a list in a chapter, inside the book or closing it, stays the chapter's (black-box 20)
    own = "这是作者自己写的一段文字。\n"
    for lst in ("1 苹果\n2 香蕉\n3 橘子\n", "1 苹果\n2 香蕉\n3 橘子\n4 梨\n"):
        for text in (f"001 开始\n{own}002 中间\n{own}{lst}003 结束\n{own}",
                     f"001 开始\n{own}002 中间\n{own}003 结束\n{own}{lst}"):  # fmt: skip
            got = split_chapters(Document("n.txt", text))
            assert [d.title for d in got] == ["001 开始", "002 中间", "003 结束"], text
            assert sum("橘子" in d.body for d in got) == 1


def test_chapter_ids_of_a_long_serial_sort_in_order() -> None:
    # a serial of 1,050 chapters (black-box review 10): ids with as many digits as the last
    # needs, so #999 sorts before #1000
    from xigao.io import split_chapters

    book = Document("b.txt", "前言\n" + "".join(f"第{i}章 标题\n正文。\n" for i in range(1, 1051)))
    ids = [d.id for d in split_chapters(book)]
    assert ids[:2] == ["b.txt#0000", "b.txt#0001"] and ids[-1] == "b.txt#1050"
    assert ids == sorted(ids) and len(ids) == 1051
    short = [d.id for d in split_chapters(Document("s.txt", "第一章\n甲。\n第二章\n乙。"))]
    assert short == ["s.txt#001", "s.txt#002"]


def test_every_chapter_of_a_book_is_accounted_for(tmp_path: Path) -> None:
    """A heading with no text is an error naming it; a book of headings alone is errors, not
    one document made of its headings; two folders' book.txt keep apart (the second by path)."""
    from xigao.io import ReadOptions, read_documents

    book = tmp_path / "a" / "book.txt"
    book.parent.mkdir()
    book.write_text("第一章 起\n正文一。\n第二章 承\n\n第三章 转\n正文三。\r\n", "utf-8")
    got = list(read_documents([str(book)], ReadOptions(split="chapters")))
    assert [type(g).__name__ for g in got] == ["Document", "ReadError", "Document"]
    assert got[1].id == "book.txt#002" and "'第二章 承' has no text" in got[1].reason
    assert got[2].body == "正文三。\r\n"
    heads = tmp_path / "heads.txt"
    heads.write_text("第一章 起\n第二章 承\n", "utf-8")
    assert all(
        isinstance(g, ReadError)
        for g in read_documents([str(heads)], ReadOptions(split="chapters"))
    )
    other = tmp_path / "b" / "book.txt"
    other.parent.mkdir()
    other.write_text("第一章 另一本\n别的正文。\n", "utf-8")
    ids = [g.id for g in read_documents([str(book), str(other)], ReadOptions(split="chapters"))]
    assert ids == ["book.txt#001", "book.txt#002", "book.txt#003", f"{other}#001"]
    (missing,) = read_documents([str(tmp_path / "nope")])
    assert isinstance(missing, ReadError) and "No such file" in missing.reason


def test_a_text_file_keeps_one_id_and_two_files_never_share_one(tmp_path: Path) -> None:
    # a folder's files have their ids whatever comes before; a file given again, alone or in
    # its folder, keeps the id it got first (a duplicate); another file of a taken name gets
    # the path as given, or its absolute path when that is taken too
    from xigao.io import read_documents

    (tmp_path / "d").mkdir()
    for name, text in (
        ("x.txt", "甲乙丙丁戊己庚辛"),
        ("d/x.txt", "天地玄黄宇宙洪荒"),
        ("d/y.txt", "秋收冬藏闰余成岁"),
    ):
        (tmp_path / name).write_text(text, "utf-8")
    single, folder, inner = (
        str(tmp_path / "x.txt"),
        str(tmp_path / "d"),
        str(tmp_path / "d" / "y.txt"),
    )

    def ids(*sources: str) -> list[str | None]:
        return [d.id for d in read_documents(sources)]

    assert ids(single, folder) == [single, "x.txt", "y.txt"]
    assert ids(folder, single) == ["x.txt", "y.txt", single]
    assert ids(folder, inner) == ["x.txt", "y.txt", "y.txt"]
    assert ids(inner, str(tmp_path / "d" / ".." / "d" / "y.txt")) == ["y.txt", "y.txt"]


def test_a_dump_mixing_encodings_is_read_line_by_line(tmp_path: Path) -> None:
    from xigao.io import ReadOptions, read_documents

    lines = [
        json.dumps({"id": "u1", "body": "国务院常务会议研究部署"}, ensure_ascii=False).encode(),
        json.dumps({"id": "g1", "body": "国务院常务会议研究部署"}, ensure_ascii=False).encode(
            "gbk"
        ),
        json.dumps({"id": "u2", "body": "中央经济工作会议在京举行"}, ensure_ascii=False).encode(),
        json.dumps({"id": "u3", "body": "全国人大常委会举行会议"}, ensure_ascii=False).encode(),
    ]
    dump = tmp_path / "mixed.jsonl"
    dump.write_bytes(b"\n".join(lines) + b"\n")
    got = list(read_documents([str(dump)], ReadOptions()))
    assert [(d.id, d.body) for d in got] == [
        ("u1", "国务院常务会议研究部署"),
        ("g1", "国务院常务会议研究部署"),
        ("u2", "中央经济工作会议在京举行"),
        ("u3", "全国人大常委会举行会议"),
    ]
    # an encoding the user forces is taken at its word: the other line is an error
    forced = list(read_documents([str(dump)], ReadOptions(encoding="utf-8")))
    assert [type(x).__name__ for x in forced] == ["Document", "ReadError", "Document", "Document"]


def test_records_are_counted_ahead_for_the_progress_bar(tmp_path: Path) -> None:
    from xigao.io import ReadOptions, count_records, read_documents

    (tmp_path / "a.jsonl").write_text('{"id": 1, "body": "x"}\n\nnot json\n{"id": 2}\n', "utf-8")
    (tmp_path / "b.csv").write_text("id,body\n1,甲\n2,乙\n", "utf-8")
    folder = tmp_path / "txt"
    (folder / "sub").mkdir(parents=True)
    for name in ("x.txt", "sub/y.txt", ".hidden.txt", "z.md"):
        (folder / name).write_text("正文", "utf-8")
    sources = [str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv"), str(folder)]
    n = count_records(sources)
    assert n == 3 + 2 + 3 == len(list(read_documents(sources)))  # every record, bad ones too
    assert count_records(["-"]) is None
    assert count_records([str(folder)], ReadOptions(split="chapters")) is None


# -- dumps as analysts get them (black-box review 7) -----------------------------------------


def test_two_folders_with_the_same_file_names_keep_apart(tmp_path: Path) -> None:
    for outlet, text in (("sina", "新浪转载的稿件。"), ("sohu", "搜狐转载的稿件。")):
        (tmp_path / outlet).mkdir()
        (tmp_path / outlet / "0001.txt").write_text(text, encoding="utf-8")
    got = read(tmp_path / "sina", tmp_path / "sohu")
    assert [d.id for d in got if isinstance(d, Document)] == [
        "0001.txt",
        (tmp_path / "sohu" / "0001.txt").as_posix(),
    ]
    assert [d.body for d in got if isinstance(d, Document)] == [
        "新浪转载的稿件。",
        "搜狐转载的稿件。",
    ]


def test_files_joined_one_after_another_lose_no_record(tmp_path: Path) -> None:
    bom = "\ufeff"
    jsonl = tmp_path / "all.jsonl"
    jsonl.write_text(
        f'{bom}{{"id": "a1", "body": "第一篇。"}}\r\n{bom}{{"id": "b1", "body": "第二篇。"}}\r\n',
        encoding="utf-8",
    )
    assert [d.id for d in read(jsonl)] == ["a1", "b1"]
    table = tmp_path / "all.csv"
    table.write_text(
        f"{bom}id,title,body\r\na1,t,第一篇。\r\n{bom}id,title,body\r\nb1,t,第二篇。\r\n",
        encoding="utf-8",
    )
    assert [(type(d).__name__, d.id) for d in read(table)] == [
        ("Document", "a1"),
        ("Document", "b1"),
    ]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_a_csv_parted_by_another_separator_is_read(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(f"id{sep}title{sep}body\nx1{sep}标题{sep}正文，有逗号。\n", encoding="utf-8")
    assert read(path) == [Document("x1", "正文，有逗号。", "标题", {})]


def test_a_column_named_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,title,body,body\nx1,t,正文。,\n", encoding="utf-8")
    (err,) = read(path)
    assert isinstance(err, ReadError) and "'body' appears 2 times" in err.reason


def test_a_blank_id_is_missing_and_an_empty_body_gives_way_to_text(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    rows = [{"id": "  ", "body": "正文。"}, {"id": "x2", "body": "", "text": "抓取的正文。"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    blank, doc = read(path)
    assert isinstance(blank, ReadError) and "blank id" in blank.reason
    assert doc == Document("x2", "抓取的正文。", None, {})


def test_csv_piped_in_is_read_as_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    data = 'id,title,body\nx1,t,"两行\n的正文。"\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
    assert read("-") == [Document("x1", "两行\n的正文。", "t", {})]


def test_a_damaged_txt_names_its_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes("完整的一句。".encode() + b"\xe4\xb8")  # cut inside a character
    (err,) = read(path, encoding="utf-8")
    assert isinstance(err, ReadError)
    assert "0xe4 0xb8 at byte 19" in err.reason and "damaged" in err.reason


def test_a_title_named_twice_is_read_as_before_and_a_blank_body_gives_way(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,title,body,title,text\nx1,a,   ,b,抓取的正文。\n", encoding="utf-8")
    assert read(path) == [Document("x1", "抓取的正文。", "b", {})]


def test_a_damaged_file_is_read_with_its_bad_bytes_replaced_when_asked(tmp_path: Path) -> None:
    cut = tmp_path / "cut.txt"
    cut.write_bytes("完整的一句。".encode() + b"\xe4\xb8" + "后面还有一句。".encode())
    (err,) = read(cut)
    assert isinstance(err, ReadError) and "--decode-errors replace" in err.reason
    (doc,) = read(cut, decode_errors="replace")
    assert isinstance(doc, Document) and doc.body == "完整的一句。\ufffd后面还有一句。"
    dump = tmp_path / "d.jsonl"
    good = json.dumps({"id": "a", "body": "好的。"}, ensure_ascii=False).encode()
    bad = (
        json.dumps({"id": "b", "body": "坏的"}, ensure_ascii=False)
        .encode()
        .replace("坏的".encode(), "坏的".encode() + b"\xff")
    )
    dump.write_bytes(good + b"\n" + bad + b"\n")
    assert [type(d).__name__ for d in read(dump, encoding="utf-8")] == ["Document", "ReadError"]
    docs = read(dump, encoding="utf-8", decode_errors="replace")
    assert [d.body for d in docs if isinstance(d, Document)] == ["好的。", "坏的\ufffd"]
    with pytest.raises(InputError):
        ReadOptions(decode_errors="ignore")


def test_hong_kong_big5_is_read_as_such(tmp_path: Path) -> None:
    # HKSCS characters (啓, 羣, 綫: how Hong Kong outlets write 启, 群, 线) are no plain Big5: a
    # folder's file was an error ("damaged"), a dump's records GB18030 gibberish with no error
    # (black-box review 14, finding 5)
    import opencc

    body = opencc.OpenCC("s2hk").convert("启动仪式上，群众沿着铁路线观看。国内联播快讯。")
    assert any(c in body for c in "啓羣綫")
    (tmp_path / "hk.txt").write_bytes(body.encode("big5hkscs"))
    line = json.dumps({"id": "hk", "body": body}, ensure_ascii=False) + "\n"
    (tmp_path / "dump.jsonl").write_bytes(line.encode("big5hkscs"))
    for path in (tmp_path / "hk.txt", tmp_path / "dump.jsonl"):
        got = list(read_documents([path]))
        assert [d.body for d in got if not isinstance(d, ReadError)] == [body], got


def test_a_header_read_in_a_forced_wrong_encoding_says_so(tmp_path: Path) -> None:
    # black-box review 21: --encoding big5 on a GBK export sent the analyst to --id-field
    path = tmp_path / "x.csv"
    path.write_bytes("编号,标题,正文\n1,甲,今天天气很好，我们去公园散步。\n".encode("gbk"))
    (err,) = list(read_documents([path], ReadOptions(encoding="big5")))
    assert isinstance(err, ReadError) and "--id-field" in err.reason
    assert "not in --encoding big5" in err.reason
    (doc,) = list(read_documents([path]))
    assert isinstance(doc, Document) and doc.id == "1"
