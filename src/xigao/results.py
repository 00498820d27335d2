"""Results files: the table spreadsheets open (CSV with a BOM, or XLSX), and reading results
back from JSONL, CSV or XLSX (what ``xigao report`` takes).

A table has one row a document: its id and title, verdict and score, the top original's id and
title, the match's kind, every source named with its kind (``sources``), the top match's reason,
the result in plain Chinese (``summary``, :mod:`xigao.summary`) and, where it was measured over a scene of a long chapter, that scene's characters (``scene``,
``start-end``), its shares, the copy ratio, the 雷同字数 (``same_chars``: characters inside any
match's evidence, as the palette counts them), the first passage copied, credit and direction, the credits
found, the altered facts, each match's name map (换名), the near miss (its source and reason,
and the whole of it as JSON), every match as JSON, then every field of the input record (those
of the first record as columns, one named as a column of the result's prefixed ``input_``; any
others as JSON in ``other_fields``).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from xigao.errors import XigaoError
from xigao.palette import same_chars
from xigao.summary import summarize
from xigao.types import Document

COLUMNS = [
    "id",
    "title",
    "verdict",
    "score",
    "source_id",
    "source_title",
    "kind",
    "sources",
    "reason",
    "summary",
    "scene",
    "containment",
    "coverage",
    "copy_ratio",
    "same_chars",
    "passage",
    "credited",
    "direction",
    "attribution",
    "altered",
    "name_map",
    "near_miss_source",
    "near_miss_reason",
    "near_miss",
    "matches",
    "input",
]  # fmt: skip  (input last of the result's: a column added after those scripts count on)
#: Characters of the first matched passage a row quotes.
PASSAGE = 200
#: Spreadsheets cap a cell at 32,767 characters; longer cells are cut (the JSONL has it all).
XLSX_CELL = 32_000


class ResultsError(XigaoError):
    """A results file that is not what ``xigao scan`` wrote."""


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


class Table:
    """Rows of results, given each result, its document and the title of an original by id;
    :meth:`row` returns the cells and, on the first row, fixes the input's columns."""

    def __init__(self, title_of: Callable[[str], str | None]) -> None:
        self.title_of = title_of
        self.fields: list[str] | None = None

    def header(self, doc: Document) -> list[str]:
        self.fields = [k for k in doc.meta if k != "other_fields"]
        # a field named as a column of the result's (kind, score…) keeps a column of its own,
        # named input_kind (black-box review 11: it went into other_fields unseen)
        named = [f"input_{k}" if k in COLUMNS else k for k in self.fields]
        return [*COLUMNS, *named, "other_fields"]

    def row(
        self, res: dict[str, Any], doc: Document, place: dict[str, Any] | None = None
    ) -> list[Any]:
        """A result's cells: ``place`` is where its document was read (``input``: the file as
        given and ``:line``, or a folder's file)."""
        fields = self.fields or []
        top = res["matches"][0] if res["matches"] else {}
        miss = res.get("near_miss") or {}
        first = next(iter(top.get("evidence") or ()), None)
        passage = doc.body[first["suspect"][0] : first["suspect"][1]] if first else ""
        other = {k: v for k, v in doc.meta.items() if k not in fields}
        attribution = res.get("attribution") or ()
        return [
            res["id"],
            doc.title or "",
            res["verdict"],
            res["score"],
            top.get("source_id", ""),
            (self.title_of(top["source_id"]) or "") if top else "",
            top.get("kind", ""),
            # every source named with its kind, to filter on a second or third source of a
            # stitched story (black-box review 11)
            "; ".join(f"{m.get('source_id', '')} {m.get('kind', '')}" for m in res["matches"]),
            # why, and where in a long chapter (black-box review 12: only the matches' JSON
            # held them)
            top.get("reason", ""),
            res.get("summary") or summarize(res),  # the result in plain Chinese
            "-".join(map(str, top["scene"])) if top.get("scene") else "",
            top.get("containment", ""),
            top.get("coverage", ""),
            res.get("copy_ratio", ""),
            same_chars(res, doc.body),
            passage[:PASSAGE],
            top.get("credited", ""),
            top.get("direction", ""),
            "; ".join(f"{c['kind']}: {'、'.join(c['names'])}" for c in attribution),
            "; ".join(
                dict.fromkeys(  # each once (a name changed in three sentences is one change)
                    f"{'near miss ' if m is miss else ''}{m.get('source_id', '')}: "
                    f"{a.get('text', '')}"
                    for m in [*res["matches"], *([miss] if miss else [])]
                    for a in m.get("altered") or ()
                )
            ),
            "; ".join(  # 换名: each match's renames, the original's name first
                f"{m.get('source_id', '')}: "
                + "，".join(f"{x}→{y}" for x, y in (m.get("name_map") or {}).items())
                for m in res["matches"]
                if m.get("name_map")
            ),
            miss.get("source_id", ""),
            miss.get("reason", ""),
            json.dumps(miss, ensure_ascii=False) if miss else "",  # whole, for the report
            json.dumps(res["matches"], ensure_ascii=False),
            input_cell(place),
            *(_cell(doc.meta.get(k)) for k in fields),
            json.dumps(other, ensure_ascii=False) if other else "",
        ]


#: What a spreadsheet reads a cell starting with as a formula (=HYPERLINK(…), -3.4%！, @SUM).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell as a spreadsheet shows it, never runs it: one starting as a formula does
    (``FORMULA_STARTS``), or with an apostrophe, gets an apostrophe before it, which
    :func:`read` takes off again (black-box review 17: a scraped title
    ``=HYPERLINK(…)`` went into the CSV as a live formula).

    >>> [csv_cell(v) for v in ("=1+1", "-3.4%！外贸", "'引号", "正文", 0.5)]
    ["'=1+1", "'-3.4%！外贸", "''引号", '正文', 0.5]
    """
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def _csv_text(value: Any) -> Any:
    """A cell :func:`csv_cell` wrote, as it was."""
    return value[1:] if isinstance(value, str) and value.startswith("'") else value


def input_cell(place: dict[str, Any] | None) -> str:
    """Where a document was read, in one cell: ``dump.jsonl:12``, ``folder/a.txt``.

    >>> input_cell({"source": "dump.jsonl", "line": 12}), input_cell({"source": "d", "path": "d/a.txt"})
    ('dump.jsonl:12', 'd/a.txt')
    """
    if not place:
        return ""
    if place.get("path"):
        return str(place["path"])
    line = place.get("line")
    return f"{place.get('source', '')}{'' if line is None else f':{line}'}"


class CsvWriter:
    """The table as CSV that spreadsheets open as UTF-8 (a BOM first), no cell a formula."""

    def __init__(self, out: IO[str], title_of: Callable[[str], str | None]) -> None:
        self.out, self.table = out, Table(title_of)
        self.writer = csv.writer(out)

    def row(self, res: dict[str, Any], doc: Document, place: dict[str, Any] | None = None) -> None:
        if self.table.fields is None:
            self.out.write("\ufeff")
            self.writer.writerow(self.table.header(doc))
        self.writer.writerow([csv_cell(v) for v in self.table.row(res, doc, place)])

    def close(self) -> None:
        self.out.flush()


class XlsxWriter:
    """The table as an XLSX workbook (xlsxwriter, constant memory: rows stream to disk); the
    header frozen and filterable, cells over 32,000 characters cut."""

    def __init__(self, path: Path, title_of: Callable[[str], str | None]) -> None:
        import xlsxwriter

        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.sheet = self.book.add_worksheet("results")
        self.bold = self.book.add_format({"bold": True})
        self.table, self.n = Table(title_of), 0

    def row(self, res: dict[str, Any], doc: Document, place: dict[str, Any] | None = None) -> None:
        if self.table.fields is None:
            head = self.table.header(doc)
            self.sheet.write_row(0, 0, head, self.bold)
            self.sheet.freeze_panes(1, 0)
            self.width = len(head)
        self.n += 1
        cells = self.table.row(res, doc, place)
        for col, value in enumerate(cells):
            if isinstance(value, bool):
                self.sheet.write_boolean(self.n, col, value)
            elif isinstance(value, int | float):
                self.sheet.write_number(self.n, col, value)
            elif value is None:
                continue
            else:
                self.sheet.write_string(self.n, col, str(value)[:XLSX_CELL])

    def close(self) -> None:
        if self.table.fields is not None:
            self.sheet.autofilter(0, 0, self.n, self.width - 1)
        self.book.close()


def read(path: Path) -> Iterator[dict[str, Any]]:
    """The results of a file ``xigao scan`` wrote: JSONL, CSV or XLSX (by its suffix)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = ({k: _csv_text(v) for k, v in row.items()} for row in csv.DictReader(f))
            yield from _from_rows(path, rows)
        return
    if suffix == ".xlsx":
        yield from _from_rows(path, _xlsx_rows(path))
        return
    with path.open(encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                res = json.loads(line)
            except ValueError as e:
                raise ResultsError(f"{path}:{n}: not a JSON result line ({e})") from e
            if not isinstance(res, dict) or "verdict" not in res:
                raise ResultsError(
                    f"{path}:{n}: not a result (no 'verdict'); give the JSONL that `xigao scan` "
                    "wrote"
                )
            if res.get("offsets") == "utf16":  # (diff review 15: read as code points, shifted)
                raise ResultsError(
                    f"{path}:{n}: its offsets are UTF-16 code units (written with --offsets "
                    "utf16), which a report cannot place in the texts; scan again without "
                    "--offsets for a report"
                )
            yield res


def _xlsx_rows(path: Path) -> Iterator[dict[str, Any]]:
    try:
        import openpyxl
    except ImportError as e:
        raise ResultsError(f"reading {path} needs openpyxl: pip install openpyxl") from e
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # a corrupt or foreign file: say which
        raise ResultsError(f"{path}: not a readable XLSX workbook ({e})") from e
    rows = book.worksheets[0].iter_rows(values_only=True)
    head = [str(h) if h is not None else "" for h in next(rows, ())]
    for values in rows:
        yield {h: ("" if v is None else v) for h, v in zip(head, values, strict=False)}
    book.close()


#: Where the table's attribution cell starts another credit (a name may hold "; " itself).
_CREDIT_PARTS = re.compile(r"; (?=(?:source|title|author|image): )")


def _from_rows(path: Path, rows: Any) -> Iterator[dict[str, Any]]:
    """Results from a table's rows (the matches column holds their JSON)."""
    for n, row in enumerate(rows, 2):
        try:
            res: dict[str, Any] = {
                "id": str(row["id"]),
                "verdict": row["verdict"],
                "score": float(row["score"]),
                "matches": json.loads(row["matches"] or "[]"),
                "copy_ratio": float(row.get("copy_ratio") or 0.0),
            }
        except (KeyError, ValueError, TypeError) as e:
            raise ResultsError(
                f"{path}:{n}: not a result row ({e}); give the table that `xigao scan` wrote"
            ) from e
        if row.get("title"):  # a page and a row of the report are headed by it
            res["title"] = str(row["title"])
        if row.get("input"):  # (as the cell says it: input_cell)
            res["input"] = str(row["input"])
        if row.get("attribution"):  # "source: 新华社; author: 张三、李四", as the table writes it
            res["attribution"] = [
                {"kind": kind, "names": names.split("、")}
                for part in _CREDIT_PARTS.split(str(row["attribution"]))
                for kind, sep, names in [part.partition(": ")]
                if sep
            ]
        if row.get("near_miss_source"):
            res["near_miss"] = {
                "source_id": row["near_miss_source"],
                "reason": row.get("near_miss_reason", ""),
            }
            try:  # the whole near miss (its score and evidence), where the table holds it
                whole = json.loads(row.get("near_miss") or "null")
            except ValueError:
                whole = None
            if isinstance(whole, dict):
                res["near_miss"] = whole
        yield res
