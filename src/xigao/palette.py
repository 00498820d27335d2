"""The 调色盘 (palette): a suspect's passages beside the originals they were taken from.

Readers and platforms judge online-literature plagiarism from a palette: every reused passage
of the suspect on the left, the passage of the source chapter it was taken from on the right,
one colour per source chapter, the words kept verbatim marked, and the characters in matched
passages (雷同字数) counted per passage and in all. :func:`palette` builds one from a result
(``Index.check`` or ``compare``, as a dict) and the texts; :func:`write_html` renders it as one
self-contained page (no script, no network), :func:`write_xlsx` as a spreadsheet.

雷同字数 here counts the suspect's characters inside matched passages (verbatim runs and
aligned sentences), each character once however many sources it matches, punctuation and
spaces left out: a passage counts the characters no passage before it holds, and a source the
counts of its passages, so that passages and sources add up to the total. JJWXC's rule of thumb (under 1,000 such characters reads as 借鉴过度, over
1,000 as 抄袭) is shown as an informational line, never as a verdict.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from xigao.align import kept_runs

#: One colour per source (cycled): light enough to read black text on.
#: The page of :func:`write_many` that holds every palette of a book in one table.
BOOK_PAGE = "book.html"
#: A chapter's id as ``--split chapters`` gives it (book.txt#012): the book, the chapter.
_CHAPTER = re.compile(r"^(.*\.txt)#\d+$", re.IGNORECASE)
COLOURS = (
    "#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff", "#ffadad",
    "#d0f4de", "#e4c1f9",
)  # fmt: skip
#: JJWXC's rule of thumb for 雷同字数 (informational).
JJWXC_LINE = 1000


@dataclass(frozen=True, slots=True)
class Row:
    """One reused passage: the suspect's span, the source and its span, how it was matched,
    and the characters the two keep in common (runs of two or more, as spans of the suspect
    and, in the same order, of the source)."""

    suspect: tuple[int, int]
    source_id: str
    source: tuple[int, int]
    kind: str
    similarity: float
    chars: int
    common: tuple[tuple[int, int], ...] = ()
    source_common: tuple[tuple[int, int], ...] = ()


@dataclass
class Palette:
    """The rows in suspect order, the sources with their titles and colours, and the counts."""

    suspect_id: str | None
    suspect: str
    rows: list[Row]
    sources: dict[str, dict[str, Any]]
    total_chars: int
    suspect_chars: int
    per_source: dict[str, int] = field(default_factory=dict)

    @property
    def band(self) -> str:
        """JJWXC's rule of thumb, in words (informational, not a verdict)."""
        if not self.total_chars:
            return "雷同字数 0: no passage in common with these sources."
        side = "over" if self.total_chars > JJWXC_LINE else "at or under"
        name = "抄袭" if self.total_chars > JJWXC_LINE else "借鉴过度"
        # the count is of characters kept: a retelling keeps few (black-box review 12: a whole
        # renamed scene read as the mild band)
        retold = any(r.kind != "verbatim" for r in self.rows) or any(
            s.get("name_map") for s in self.sources.values()
        )
        caveat = (
            " It counts the suspect's characters inside the passages matched, each once (as "
            "readers' palettes do; the words kept verbatim are marked): a chapter retold in "
            "other words or with its people renamed (洗文, 换名) is matched only where it "
            "follows its source sentence by sentence, so the count reads low for it; its rows "
            "show what it re-tells."
            if retold
            else ""
        )
        return (
            f"雷同字数 {self.total_chars:,}: {side} JJWXC's {JJWXC_LINE:,}-character rule of thumb "
            f"({name} band).{caveat} Informational only: a platform's or a court's judgement, "
            "not xigao's."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "suspect_id": self.suspect_id,
            "total_chars": self.total_chars,
            "suspect_chars": self.suspect_chars,
            "per_source": self.per_source,
            "band": self.band,
            "sources": self.sources,
            "rows": [
                {
                    "suspect": list(r.suspect),
                    "source_id": r.source_id,
                    "source": list(r.source),
                    "kind": r.kind,
                    "similarity": round(r.similarity, 4),
                    "chars": r.chars,
                    "common": [list(c) for c in r.common],
                }
                for r in self.rows
            ],
        }


def counted(text: str, span: tuple[int, int] = (0, -1)) -> int:
    """Characters of ``text[span]`` that 雷同字数 counts: letters and digits of any script
    (punctuation, symbols and spaces left out)."""
    s, e = span
    return sum(1 for ch in text[s : len(text) if e < 0 else e] if _counts(ch))


def same_chars(result: Mapping[str, Any], suspect: str) -> int:
    """雷同字数 of ``result`` (a check's dict) for the ``suspect`` text as given: the characters
    :func:`counted` inside the evidence of any of its matches, each once (the palette's total,
    without the originals' texts).

    >>> same_chars({"matches": [{"evidence": [{"suspect": [0, 4]}, {"suspect": [2, 6]}]}]}, "甲乙，丙丁戊己")
    5
    """
    spans = sorted(
        _clip(e["suspect"], len(suspect))
        for m in result.get("matches") or ()
        for e in m.get("evidence") or ()
    )
    return sum(_fresh_counts(suspect, spans))


def _fresh_counts(suspect: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """The characters :func:`counted` of each of ``spans`` (in order of their starts) that no
    span before it holds: each character once, however many passages match it."""
    out, seen = [], 0  # the suspect is covered up to here by the spans so far
    for lo, hi in spans:
        lo = max(lo, seen)
        out.append(counted(suspect, (lo, hi)) if lo < hi else 0)
        seen = max(seen, hi)
    return out


def _counts(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _clip(span: Sequence[int], n: int) -> tuple[int, int]:
    s, e = int(span[0]), int(span[1])
    s = max(0, min(s, n))
    return s, max(s, min(e, n))


def palette(
    result: Mapping[str, Any],
    suspect: str,
    originals: Mapping[str, tuple[str | None, str]],
    colours: dict[str, str] | None = None,
) -> Palette:
    """The palette of ``result`` (a check's or compare's dict) for the ``suspect`` text as
    given, with ``originals`` mapping each source id to its (title, text). Evidence whose
    source text is not given is kept with an empty source side. ``colours``: each source's
    colour, shared by the palettes of a book (a source chapter is one colour in every one of
    them, two are two), and added to for a source it lacks."""
    colours = {} if colours is None else colours
    rows: list[Row] = []
    sources: dict[str, dict[str, Any]] = {}
    for m in result.get("matches") or ():
        sid = str(m.get("source_id"))
        title, text = originals.get(sid, (None, ""))
        if sid not in sources:
            sources[sid] = {
                "title": title,
                "colour": _colour(sid, colours, {s["colour"] for s in sources.values()}),
                "kind": m.get("kind"),
                "score": m.get("score"),
            }
        renamed = m.get("name_map")  # (a match's details are its keys in a result)
        if renamed:  # 换名: the strongest evidence of a renamed copy, beside its passages
            sources[sid]["name_map"] = {**sources[sid].get("name_map", {}), **renamed}
        for e in m.get("evidence") or ():
            s = _clip(e["suspect"], len(suspect))
            o = _clip(e["source"], len(text))
            if s[1] <= s[0]:
                continue
            a, b = suspect[s[0] : s[1]], text[o[0] : o[1]]
            ours, theirs = kept_runs(a, b) if b else ([], [])
            rows.append(
                Row(
                    s,
                    sid,
                    o,
                    str(e.get("kind", "")),
                    float(e.get("similarity", 1.0)),
                    counted(suspect, s),
                    tuple((s[0] + x, s[0] + y) for x, y in ours),
                    tuple((o[0] + x, o[0] + y) for x, y in theirs),
                )
            )
    rows.sort(key=lambda r: (r.suspect, r.source_id))
    # each character once: a passage counts what no passage before it holds (one sentence
    # matched in two sources' chapters is counted in the first), a source its passages' counts
    fresh = _fresh_counts(suspect, [r.suspect for r in rows])
    rows = [replace(r, chars=n) for r, n in zip(rows, fresh, strict=True)]
    per_source = {sid: sum(r.chars for r in rows if r.source_id == sid) for sid in sources}
    return Palette(
        result.get("id"),
        suspect,
        rows,
        sources,
        sum(r.chars for r in rows),
        counted(suspect),
        per_source,
    )


def _colour(sid: str, colours: dict[str, str], used: set[str]) -> str:
    """Source ``sid``'s colour: the one it has in ``colours`` (the run's), given there the
    next in ``COLOURS`` if it has none; but never one another source of the palette has
    (``used``: past ``len(COLOURS)`` sources in a run, colours come round again; diff review
    17), while any is left.

    >>> run = {}
    >>> [_colour(s, run, set()) for s in "ab"] == list(COLOURS[:2])
    True
    >>> _colour("a", run, {COLOURS[0]}) != COLOURS[0]
    True
    """
    if sid not in colours:
        start = len(colours)
        free = [COLOURS[(start + k) % len(COLOURS)] for k in range(len(COLOURS))]
        colours[sid] = next((c for c in free if c not in used), free[0])
    if colours[sid] not in used:
        return colours[sid]
    return next((c for c in COLOURS if c not in used), colours[sid])


# -- HTML -----------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:.4em .6em;vertical-align:top;text-align:left}
td.text{width:42%;line-height:1.7}td.n{text-align:right;white-space:nowrap}
mark{background:none;font-weight:bold;text-decoration:underline;text-decoration-color:#c00}
.band{background:#fff8e1;border:1px solid #e0c060;padding:.6em;margin:1em 0}
.key span{display:inline-block;padding:.1em .5em;margin:.1em .3em .1em 0;border-radius:3px}
.muted{color:#777;font-size:.9em}
"""


def _marked(text: str, span: tuple[int, int], runs: Sequence[tuple[int, int]]) -> str:
    """``text[span]`` escaped, with ``runs`` (spans of ``text``) inside ``<mark>``."""
    out, at = [], span[0]
    for s, e in runs:
        s, e = max(s, at), min(e, span[1])
        if s >= e:
            continue
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at : span[1]]))
    return "".join(out)


def to_html(p: Palette, originals: Mapping[str, tuple[str | None, str]]) -> str:
    """One self-contained page: the key of sources, each source's renames (换名), the band line,
    the table of passages (each with where it lies in the suspect and in its source)."""
    esc = html.escape
    key = _key_html(p)
    body = _rows_html(p, originals)
    renames = _renames_html(p.sources)
    title = esc(str(p.suspect_id or "suspect"))
    share = p.total_chars / p.suspect_chars if p.suspect_chars else 0.0
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>调色盘 · {title}</title><style>{_CSS}</style></head><body>"
        f"<h1>调色盘 (palette) · {title}</h1>"
        f"<p>{len(p.rows)} passages from {len(p.sources)} source(s); 雷同字数 "
        f"<b>{p.total_chars:,}</b> of the suspect's {p.suspect_chars:,} characters "
        f"({share:.0%}). Words kept verbatim are <mark>marked</mark>.</p>"
        f'<div class="key">{key}</div>{renames}<div class="band">{esc(p.band)}</div>'
        "<table><thead><tr><th>#</th><th>suspect</th><th>source</th><th>matched</th>"
        f"<th>雷同字数</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</body></html>"
    )


def _rows_html(
    p: Palette, originals: Mapping[str, tuple[str | None, str]], first: str = ""
) -> list[str]:
    """The table rows of ``p``'s passages, each in its source's colour (``first``: a cell
    before them, a book's chapter)."""
    esc = html.escape
    out = []
    for i, r in enumerate(p.rows, 1):
        colour = p.sources[r.source_id]["colour"]
        text = originals.get(r.source_id, (None, ""))[1]
        left = _marked(p.suspect, r.suspect, r.common)
        right = _marked(text, r.source, r.source_common) if text else ""
        out.append(
            f'<tr style="background:{colour}">{first}<td class="n">{i}</td>'
            f'<td class="text">{left}<div class="muted">[{r.suspect[0]}:{r.suspect[1]}]</div></td>'
            f'<td class="text">{right}'
            f'<div class="muted">{esc(r.source_id)} [{r.source[0]}:{r.source[1]}]</div></td>'
            f"<td>{esc(r.kind)}<br>{r.similarity:.2f}</td>"
            f'<td class="n">{r.chars:,}</td></tr>'
        )
    return out


def _key_html(p: Palette) -> str:
    """The key of ``p``'s sources: each in its colour, with its title and its 雷同字数."""
    esc = html.escape
    return "".join(
        f'<span style="background:{s["colour"]}">{esc(sid)}'
        f"{' · ' + esc(str(s['title'])) if s.get('title') else ''} — "
        f"{p.per_source.get(sid, 0):,} 字</span>"
        for sid, s in p.sources.items()
    )


def _renames_html(sources: Mapping[str, Mapping[str, Any]]) -> str:
    """Each source's renames (换名), in its colour."""
    esc = html.escape
    return "".join(
        f'<p class="renames"><span style="background:{s["colour"]}">{esc(sid)}</span> 换名 '
        "(renamed: the source's name → the suspect's): "
        + "、".join(f"{esc(a)} → {esc(b)}" for a, b in s["name_map"].items())
        + "</p>"
        for sid, s in sources.items()
        if s.get("name_map")
    )


def book_html(
    chapters: Sequence[tuple[str, str | None, Palette]],
    originals: Mapping[str, tuple[str | None, str]],
) -> str:
    """One page for a book: every chapter's passages (``chapters``: id, title and palette, in
    the book's order) in one table, a chapter's rows under its heading, each source chapter in
    its colour throughout (the palettes' shared colours), the sources' 雷同字数 over the whole
    book and the band line of the book's total: the 调色盘 readers make of a whole book."""
    esc = html.escape
    sources: dict[str, dict[str, Any]] = {}
    per_source: dict[str, int] = {}
    rows: list[str] = []
    total = chars = 0
    for doc_id, title, p in chapters:
        for sid, src in p.sources.items():
            got = sources.setdefault(sid, {k: v for k, v in src.items() if k != "name_map"})
            if src.get("name_map"):
                got["name_map"] = {**got.get("name_map", {}), **src["name_map"]}
            per_source[sid] = per_source.get(sid, 0) + p.per_source.get(sid, 0)
        total += p.total_chars
        chars += p.suspect_chars
        head = esc(str(title or doc_id))
        rows.append(
            f'<tr class="chapter"><th colspan="6">{head} <span class="muted">({esc(doc_id)}'
            f"; 雷同字数 {p.total_chars:,})</span></th></tr>"
        )
        rows += _rows_html(p, originals, f'<td class="muted">{head}</td>')
    book = Palette(None, "", [], sources, total, chars, per_source)
    key = _key_html(book)
    share = total / chars if chars else 0.0
    name = esc(chapters[0][0].rsplit("#", 1)[0]) if chapters else ""  # (book.txt of book.txt#012)
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>调色盘 · 全书 · {name}</title><style>{_CSS}</style></head><body>"
        f"<h1>调色盘 (palette) · 全书 (the whole book) · {name}</h1>"
        f"<p>{len(chapters)} chapter(s) with passages from {len(sources)} source(s); 雷同字数 "
        f"<b>{total:,}</b> of their {chars:,} characters ({share:.0%}). Words kept verbatim "
        "are <mark>marked</mark>; each source chapter has one colour in every chapter.</p>"
        f'<div class="key">{key}</div>{_renames_html(sources)}'
        f'<div class="band">{esc(book.band)}</div>'
        "<table><thead><tr><th>chapter</th><th>#</th><th>suspect</th><th>source</th>"
        f"<th>matched</th><th>雷同字数</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>"
    )


def write_html(p: Palette, originals: Mapping[str, tuple[str | None, str]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_html(p, originals), encoding="utf-8")
    return path


# -- XLSX -----------------------------------------------------------------------------------------
#: The most characters a spreadsheet cell holds (Excel's limit); a longer passage is written
#: over as many rows as it takes, none of it cut.
CELL_CHARS = 32_767


def _pieces(r: Row, limit: int = CELL_CHARS - 7) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """``r``'s suspect and source spans cut into as many pieces, in step, as keep each under
    ``limit`` characters (one piece for a passage that fits a cell).

    >>> r = Row((0, 10), "o", (100, 105), "verbatim", 1.0, 10)
    >>> _pieces(r, limit=4)
    [((0, 3), (100, 101)), ((3, 6), (101, 103)), ((6, 10), (103, 105))]
    """
    (s0, s1), (o0, o1) = r.suspect, r.source
    n = max(1, -(-max(s1 - s0, o1 - o0) // limit))
    cut = [(s0 + (s1 - s0) * k // n, o0 + (o1 - o0) * k // n) for k in range(n + 1)]
    return [((a[0], b[0]), (a[1], b[1])) for a, b in pairwise(cut)]


def _rich(ws: Any, row: int, col: int, text: str, span: tuple[int, int],
          runs: Sequence[tuple[int, int]], plain: Any, bold: Any,
          all_bold: Any) -> None:  # fmt: skip
    """Write ``text[span]`` with ``runs`` in bold (a rich string; plain text when none, the
    ``all_bold`` format when every character is in one)."""
    parts: list[Any] = []
    at = span[0]
    for s, e in runs:
        s, e = max(s, at), min(e, span[1])
        if s >= e:
            continue
        if s > at:
            parts.append(text[at:s])
        parts += [bold, text[s:e]]
        at = e
    if at < span[1]:
        parts.append(text[at : span[1]])
    if len(parts) > 2:
        ws.write_rich_string(row, col, *parts, plain)
    elif parts and parts[0] is bold:  # all of it verbatim: a rich string needs two parts
        ws.write_string(row, col, text[span[0] : span[1]], all_bold)
    else:
        ws.write_string(row, col, text[span[0] : span[1]], plain)


def write_xlsx(p: Palette, originals: Mapping[str, tuple[str | None, str]], path: Path) -> Path:
    """The palette as a spreadsheet (xlsxwriter): a row a passage, coloured by source, the
    verbatim words in bold and red, where each side's piece lies (characters of each text as
    given), the band line and the counts (and renames) per source above."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    try:
        ws = wb.add_worksheet("调色盘")
        head = wb.add_format({"bold": True, "bg_color": "#eeeeee", "border": 1})
        bold = wb.add_format({"bold": True, "font_color": "#c00000"})
        wrap = {"text_wrap": True, "valign": "top", "border": 1}
        ws.write(0, 0, f"调色盘 · {p.suspect_id or 'suspect'}", wb.add_format({"bold": True}))
        ws.write(1, 0, p.band)
        ws.write(2, 0, f"雷同字数 {p.total_chars} / {p.suspect_chars}")
        line = 3
        fmts, strong = {}, {}
        for sid, s in p.sources.items():
            fmts[sid] = wb.add_format({**wrap, "bg_color": s["colour"]})
            strong[sid] = wb.add_format(
                {**wrap, "bg_color": s["colour"], "bold": True, "font_color": "#c00000"}
            )
            ws.write(line, 0, sid, fmts[sid])
            ws.write(line, 1, s.get("title") or "", fmts[sid])
            ws.write_number(line, 2, p.per_source.get(sid, 0), fmts[sid])
            if s.get("name_map"):
                pairs = "、".join(f"{a} → {b}" for a, b in s["name_map"].items())
                ws.write_string(line, 3, f"换名 {pairs}", fmts[sid])
            line += 1
        line += 1
        for col, name in enumerate(("#", "suspect", "source id", "source", "matched", "similarity",
                                    "雷同字数", "suspect span", "source span")):  # fmt: skip
            ws.write(line, col, name, head)
        x = line
        for i, r in enumerate(p.rows, 1):
            f, b = fmts[r.source_id], strong[r.source_id]
            text = originals.get(r.source_id, (None, ""))[1]
            pieces = _pieces(r)
            for k, (ours, theirs) in enumerate(pieces):
                x += 1
                more = f" ({k + 1}/{len(pieces)})" if len(pieces) > 1 else ""
                ws.write_number(x, 0, i, f)
                _rich(ws, x, 1, p.suspect, ours, r.common, f, bold, b)
                ws.write_string(x, 2, r.source_id, f)
                _rich(ws, x, 3, text, theirs, r.source_common, f, bold, b)
                ws.write_string(x, 4, r.kind + more, f)
                ws.write_number(x, 5, round(r.similarity, 3), f)
                ws.write_number(x, 6, r.chars if k == 0 else 0, f)
                ws.write_string(x, 7, f"{ours[0]}:{ours[1]}", f)
                ws.write_string(x, 8, f"{theirs[0]}:{theirs[1]}", f)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 60)
        ws.set_column(2, 2, 18)
        ws.set_column(3, 3, 60)
        ws.set_column(4, 6, 11)
        ws.set_column(7, 8, 13)
        ws.freeze_panes(line + 1, 0)
    finally:
        wb.close()
    return path


def write(p: Palette, originals: Mapping[str, tuple[str | None, str]], path: Path) -> Path:
    """HTML or XLSX by the file's suffix (.html/.htm or .xlsx)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(p, originals, path)
    if suffix in (".html", ".htm"):
        return write_html(p, originals, path)
    raise ValueError(f"a palette is written as .html or .xlsx, not {path.suffix or 'no suffix'!r}")


def write_many(
    results: Iterable[Mapping[str, Any]],
    original: Callable[[str], tuple[str | None, str] | None],
    suspects: Mapping[str, str] | Sequence[str | None],
    folder: Path,
    fmt: str = "html",
) -> dict[int, tuple[Path, int]]:
    """A palette per result with matches whose suspect text is in ``suspects`` (by result id,
    or one per result in order, None where there is none: inputs may repeat an id), the
    originals' (title, text) from ``original(source_id)``, named like the report's pages
    (``folder/<id>.html`` or ``.xlsx``); returns, by the result's position, the palette
    written and its 雷同字数 (a book's report links each chapter's and sums them). A source
    has one colour in all of them; with HTML, the chapters of a book (book.txt#012) are also on
    one page, ``folder/book.html`` (:data:`BOOK_PAGE`), or for several books ``book-1.html``,
    ``book-2.html``… (:func:`book_pages`), each in one table (:func:`book_html`)."""
    from xigao.report import safe_name

    taken: set[str] = set()
    made: dict[int, tuple[Path, int]] = {}
    colours: dict[str, str] = {}  # (a source chapter one colour in every palette of the book)
    chapters: list[tuple[str, str | None, Palette]] = []
    seen: dict[str, tuple[str | None, str]] = {}
    for k, r in enumerate(results):
        if isinstance(suspects, Mapping):
            text = suspects.get(str(r.get("id")))
        else:
            text = suspects[k] if k < len(suspects) else None
        if text is None or not r.get("matches"):
            continue
        originals = {}
        for m in r["matches"]:
            got = original(str(m["source_id"]))
            if got is not None:
                originals[str(m["source_id"])] = got
        stem = safe_name(str(r.get("id")), taken=taken).removesuffix(".html")
        p = palette(r, text, originals, colours)
        made[k] = (write(p, originals, folder / f"{stem}.{fmt}"), p.total_chars)
        chapters.append((str(r.get("id")), r.get("title"), p))
        seen.update(originals)
    for old in book_pages(folder):  # (an earlier run's, of other results)
        old.unlink()
    books: dict[str, list[tuple[str, str | None, Palette]]] = {}
    for chapter in chapters:  # (the chapters of each book, in the book's order)
        if m := _CHAPTER.match(chapter[0]):
            books.setdefault(m.group(1), []).append(chapter)
    whole = [of_book for of_book in books.values() if len(of_book) > 1]
    if fmt == "html":  # (each book of several chapters on one page too: diff review 17)
        for n, of_book in enumerate(whole, 1):
            name = BOOK_PAGE if len(whole) == 1 else f"book-{n}.html"
            (folder / name).write_text(book_html(of_book, seen), encoding="utf-8")
    return made


#: The names :func:`write_many` gives the pages of whole books: book.html, or book-1.html,
#: book-2.html… for several books (no palette of a chapter is so named: theirs end in a hash).
_BOOK_NAME = re.compile(r"^book(?:-\d+)?\.html$")


def book_pages(folder: Path) -> list[Path]:
    """The pages of whole books :func:`write_many` wrote in ``folder``, in the books' order."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _BOOK_NAME.match(p.name)]
    return sorted(found, key=lambda p: (len(p.name), p.name))
