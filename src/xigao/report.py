"""HTML reports: an index page of checked documents and one side-by-side page per flagged suspect.

Static files with the CSS and JavaScript inline (the pages work offline), every document string
HTML-escaped, safe file names for any id. Evidence offsets are read as given in the results:
character offsets into the suspect's and the original's ``body``.

>>> safe_name("../新闻/<2024>")
'2024-08f08bffbe77.html'
>>> safe_name("xwlb-2020-03-05")
'xwlb-2020-03-05-b68811d97bf0.html'
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xigao.align import kept_runs
from xigao.summary import summarize
from xigao.types import VERDICT_RANK, VERDICTS, Document

if TYPE_CHECKING:  # (a report reads an open index; it needs none of the pipeline to load)
    from xigao.pipeline import Index

__all__ = ["safe_name", "write_report"]

#: Chinese and English label of each verdict / match kind, and of each evidence kind.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "repost": ("转载", "repost"),
    "partial": ("部分抄袭", "partial copy"),
    "rewrite": ("洗稿", "rewrite"),
    "original": ("原创", "original"),
    "near_miss": ("未达洗稿阈值", "near miss"),
}
EVIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "verbatim": ("原文照搬", "verbatim"),
    "paraphrase": ("改写", "paraphrase"),
}
_EV_CLASS = {"verbatim": "v", "paraphrase": "p"}
#: What a pair of sentences that read alike but write figures or names otherwise is shown as
_CONFLICT = "数字或名称写法不同，未计入 figures or names differ: not counted"
_MATCH_KEYS = {
    "source_id", "kind", "score", "containment", "coverage", "evidence", "altered", "reason",
    "credited", "direction", "name_map", "original",
}  # fmt: skip
_CREDIT_KINDS = {"source": "来源 source", "title": "原标题 title", "author": "作者 author",
                 "image": "图源 image"}  # fmt: skip
_DIRECTION = {
    "suspect_first": "发布时间 Published: 可疑稿件早于原文发布 · the suspect was published "
    "<b>before</b> this original: the copying may have gone the other way.",
    "original_first": "发布时间 Published: 原文先于可疑稿件发布 · the original was published first.",
    "same_day": "发布时间 Published: 同一天发布 · both were published the same day.",
}
_EXTRA_LABELS = {
    "longest_passage": "最长连续段落 longest passage (chars)",
    "longest_exact_run": "最长完全相同段落 longest exact run (chars)",
    "similarity": "平均相似度 mean similarity",
    "verbatim_share": "原文照搬占比 verbatim share",
    "verbatim_sentences": "逐句照搬占比 sentences copied verbatim",
    "conflicts": "事实不符占比 aligned sentences stating other facts",
    "wash_score": "洗稿评分 wash score",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_NO_SUSPECT = (
    "可疑稿件正文未提供 · The suspect's text is not available: results do not carry it. "
    "Run <code>xigao report RESULTS.jsonl --index DIR --out DIR --inputs SUSPECTS…</code> "
    "(or <code>xigao scan … --html DIR</code>) to show it beside the original."
)


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@functools.cache
def _asset(name: str) -> str:
    return files("xigao").joinpath("report_assets", name).read_text(encoding="utf-8")


def safe_name(doc_id: str | None, *, taken: set[str] | None = None) -> str:
    """A file name for ``doc_id``: ASCII letters, digits, ``_`` and ``-``, plus a hash of the id,
    so that any id (slashes, dots, CJK, markup) maps to a distinct, harmless name."""
    raw = "" if doc_id is None else str(doc_id)
    digest = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    slug = _UNSAFE.sub("_", raw).strip("_-")[:48].strip("_-") or "doc"
    name, n = f"{slug}-{digest}.html", 1
    while taken is not None and name in taken:
        n += 1
        name = f"{slug}-{digest}-{n}.html"
    if taken is not None:
        taken.add(name)
    return name


def _label(table: Mapping[str, tuple[str, str]], key: str) -> str:
    zh, en = table.get(key, (key, key))
    return f"{zh} {en}"


def _badge(verdict: str, *, big: bool = False) -> str:
    cls = "badge big" if big else "badge"
    return f'<span class="{cls} {_esc(verdict)}">{_esc(_label(VERDICT_LABELS, verdict))}</span>'


def _pct(x: Any) -> str:
    return f"{_num(x) * 100:.0f}%"


def _num(x: Any) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return 0.0


def _pair(value: Any) -> tuple[int, int] | None:
    """``[start, end]`` as a pair of ints, or None when malformed."""
    if isinstance(value, list | tuple) and len(value) == 2:
        try:
            s, e = int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return None
        return (s, e) if 0 <= s <= e else None
    return None


# -- marked-up text -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    key: str  # "e3" (evidence) or "a1" (altered fact): the same key on both sides
    cls: str  # "v", "p" or "alt"
    tip: str


def _marked(text: str, spans: Sequence[_Span], prefix: str) -> tuple[str, bool]:
    """``text`` escaped, with every span as ``<mark data-k>`` segments and an anchor
    ``id="{prefix}-{key}"`` where it starts. Overlapping spans split into segments carrying all
    their keys. Returns the HTML and whether any span had to be clipped to the text."""
    n, clipped = len(text), False
    spans = [s for s in spans if s.start < s.end]
    bounds = {0, n}
    for s in spans:
        clipped = clipped or s.end > n
        bounds.update((min(s.start, n), min(s.end, n)))
    starts: dict[int, list[_Span]] = {}
    for s in sorted(spans, key=lambda s: (s.start, s.cls != "alt")):
        starts.setdefault(min(s.start, n), []).append(s)
    cuts = sorted(bounds)
    out: list[str] = []
    for a, b in zip(cuts, [*cuts[1:], n], strict=True):
        out += [f'<span class="anchor" id="{prefix}-{s.key}"></span>' for s in starts.get(a, ())]
        if a >= b:
            continue
        seg = _esc(text[a:b])
        cover = [s for s in spans if s.start <= a and b <= s.end]
        if not cover:
            out.append(seg)
            continue
        cover.sort(key=lambda s: s.cls != "alt")  # an altered fact is the most precise link
        classes = " ".join(sorted({s.cls for s in cover}))
        keys = " ".join(s.key for s in cover)
        tip = " | ".join(dict.fromkeys(s.tip for s in cover))
        out.append(f'<mark class="{classes}" data-k="{keys}" title="{_esc(tip)}">{seg}</mark>')
    return "".join(out), clipped


# -- one suspect page ---------------------------------------------------------------------------
_EvRow = tuple[str, str, tuple[int, int] | None, tuple[int, int] | None, float, bool]


def _match_spans(
    match: Mapping[str, Any], s_text: str | None = None, o_text: str | None = None
) -> tuple[list[_Span], list[_Span], list[_EvRow]]:
    """Suspect-side spans, original-side spans and evidence-table rows of one match; with both
    texts, the words a paraphrased pair keeps verbatim too (class ``k``: what is neither kept
    nor marked at all inside a pair was changed, and suspect text outside every pair was
    inserted)."""
    sus: list[_Span] = []
    orig: list[_Span] = []
    rows: list[_EvRow] = []
    for j, ev in enumerate(match.get("evidence") or ()):
        if not isinstance(ev, Mapping):
            continue
        s, o = _pair(ev.get("suspect")), _pair(ev.get("source"))
        kind = str(ev.get("kind", "verbatim"))
        cls = _EV_CLASS.get(kind, "p")
        sim = _num(ev.get("similarity", 1.0))
        tip = f"{_label(EVIDENCE_LABELS, kind)} · similarity 相似度 {sim:.2f}"
        if ev.get("conflict") is True:  # read alike, figures or names written otherwise
            tip += f" · {_CONFLICT}"
        key = f"e{j}"
        if s:
            sus.append(_Span(s[0], s[1], key, cls, f"{tip} · 原文 original {o}" if o else tip))
        if o:
            orig.append(_Span(o[0], o[1], key, cls, f"{tip} · 可疑稿件 suspect {s}" if s else tip))
        rows.append((key, kind, s, o, sim, ev.get("conflict") is True))
        if cls == "p" and s and o and s_text is not None and o_text is not None:
            a, b = s_text[s[0] : s[1]], o_text[o[0] : o[1]]
            for n, (x, y) in enumerate(zip(*kept_runs(a, b), strict=True)):
                kept = "原样保留 kept verbatim"
                sus.append(_Span(s[0] + x[0], s[0] + x[1], f"{key}k{n}", "k", kept))
                orig.append(_Span(o[0] + y[0], o[0] + y[1], f"{key}k{n}", "k", kept))
    for j, alt in enumerate(match.get("altered") or ()):
        if not isinstance(alt, Mapping):
            continue
        # the words that changed where the fact says where (``*_value``), else its sentences
        s = _pair(alt.get("suspect_value")) or _pair(alt.get("suspect"))
        o = _pair(alt.get("source_value")) or _pair(alt.get("source"))
        said = alt.get("text") or alt.get("detail", "")  # in words, as the texts write it
        tip = f"改动的事实 altered {alt.get('kind', '')}: {said}".strip()
        if s:
            sus.append(_Span(s[0], s[1], f"a{j}", "alt", tip))
        if o:
            orig.append(_Span(o[0], o[1], f"a{j}", "alt", tip))
    return sus, orig, rows


def _jump(mid: str, side: str, key: str, label: str) -> str:
    return f'<a href="#{mid}-{side}-{key}" data-jump="{mid} {side} {key}">{label}</a>'


def _snip(text: str | None, span: tuple[int, int] | None, width: int = 48) -> str:
    if text is None or span is None:
        return ""
    piece = text[span[0] : span[1]].replace("\n", " ")
    return _esc(piece if len(piece) <= width else piece[:width] + "…")


def _match_section(
    i: int, match: Mapping[str, Any], suspect: Document | None, original: Document | None
) -> tuple[str, str]:
    """The tab button and the section of match ``i``."""
    mid = f"m{i}"
    kind = str(match.get("kind", ""))
    sid = str(match.get("source_id", ""))
    o_title = original.title if original and original.title else sid
    tab = (
        f'<button type="button" data-tab="{mid}" aria-selected="false">{i + 1}. '
        f"{_esc(_label(VERDICT_LABELS, kind))} · {_num(match.get('score')):.2f} · "
        f"{_esc(o_title)}</button>"
    )
    sus_spans, orig_spans, rows = _match_spans(
        match, suspect.body if suspect else None, original.body if original else None
    )
    notes: list[str] = []
    if suspect is None:
        s_html = f'<div class="text missing" data-side="s">{_NO_SUSPECT}</div>'
    else:
        body, clipped = _marked(suspect.body, sus_spans, f"{mid}-s")
        s_html = f'<div class="text" data-side="s">{body}</div>'
        if clipped:
            notes.append(
                "部分证据超出可疑稿件正文 · Some evidence lies beyond the end of the suspect text."
            )
    if original is None:
        o_html = (
            f'<div class="text missing" data-side="o">原文不在索引中 · The original '
            f"<code>{_esc(sid)}</code> is not in the index (removed since the check?).</div>"
        )
    else:
        body, clipped = _marked(original.body, orig_spans, f"{mid}-o")
        o_html = f'<div class="text" data-side="o">{body}</div>'
        if clipped:
            notes.append("部分证据超出原文 · Some evidence lies beyond the end of the original.")
    s_text = suspect.body if suspect else None
    o_text = original.body if original else None
    extra = "".join(
        f"<span class='small muted'>{_esc(_EXTRA_LABELS.get(k, k))}: "
        f"{_esc(round(v, 2) if isinstance(v, float) else v)}</span> "
        for k, v in match.items()
        if k not in _MATCH_KEYS and isinstance(v, str | int | float)
    )
    score, cont, cov = match.get("score"), match.get("containment"), match.get("coverage")
    metrics = (
        f'<div class="metrics"><div class="metric">{_badge(kind)}'
        f'<div class="k">本来源结论 this match</div></div>'
        + _metric("评分 score", f"{_num(score):.2f}", score, "strength of reuse, 0–1")
        + _metric("包含度 containment", _pct(cont), cont, "share of the suspect from this original")
        + _metric("覆盖度 coverage", _pct(cov), cov, "share of this original reused")
        + f"</div><div>{extra}</div>"
    )
    o_head = (
        f"<span class='role'>原文 Original</span> · {_esc(o_title)}<br>"
        f"<span class='id muted'>{_esc(sid)}</span>{_original_line(match)}"
    )
    s_title = suspect.title if suspect and suspect.title else ""
    s_head = f"<span class='role'>可疑稿件 Suspect</span> · {_esc(s_title)}"
    if match.get("reason"):
        notes.insert(0, f"判断依据 Why: {_esc(match['reason'])}")
    notes.extend(_provenance_notes(match))
    section = (
        f'<section class="match" id="{mid}">{metrics}'
        + "".join(f'<div class="note">{n}</div>' for n in notes)
        + _altered_card(mid, match, s_text, o_text)
        + f'<div class="sides"><div class="side"><div class="head">{s_head}</div>{s_html}</div>'
        f'<div class="side"><div class="head">{o_head}</div>{o_html}</div></div>'
        + _evidence_table(mid, rows, s_text, o_text)
        + "</section>"
    )
    return tab, section


def _original_line(match: Mapping[str, Any]) -> str:
    """Where and when the original was published, and its link, as its record says
    (``original``): what an editor shows beside a copy."""
    got = match.get("original")
    parts = _meta_parts(got) if isinstance(got, Mapping) else []
    return f"<br><span class='small muted'>{' · '.join(parts)}</span>" if parts else ""


def _provenance_notes(match: Mapping[str, Any]) -> list[str]:
    """Whether the suspect credits this original, which came first, who was renamed."""
    notes = []
    if "credited" in match:
        notes.append(
            "署名 Credit: 可疑稿件注明了本原文的出处 · the suspect credits this original's publisher."
            if match["credited"] is True
            else "署名 Credit: 未注明本原文的出处 · the suspect does not credit this original's "
            "publisher."
        )
    if match.get("direction") in _DIRECTION:
        notes.append(_DIRECTION[match["direction"]])
    renamed = match.get("name_map")
    if isinstance(renamed, Mapping) and renamed:
        pairs = "，".join(f"{_esc(a)} → {_esc(b)}" for a, b in renamed.items())
        notes.append(f"换名 Renamed (original → suspect): {pairs}")
    return notes


#: The metadata fields a suspect's page shows under its title, in this order, with their labels:
#: each the first of its names a record has, English or as a dump's Chinese headers name it
#: (来源, 发布时间, 链接: black-box review 21's Excel export showed none of them).
_META_SHOWN = (
    (("source", "来源", "出处", "媒体"), "来源 source"),
    (("publisher", "发布者", "发布单位"), "发布者 publisher"),
    (("author", "作者"), "作者 author"),
    (("published_at", "发布时间", "发表时间"), "发布时间 published"),
    (("time", "date", "时间", "日期"), "时间 time"),
    (("url", "URL", "链接", "网址"), "链接 URL"),
)


def _meta_line(meta: Mapping[str, Any]) -> str:
    """The suspect's own metadata (where it was posted, when, by whom, its address), in a line
    under its title: what an analyst shows beside a verdict."""
    parts = _meta_parts(meta)
    return f'<p class="small">{" · ".join(parts)}</p>' if parts else ""


def _meta_parts(meta: Mapping[str, Any]) -> list[str]:
    """A text's metadata as labelled parts (``_META_SHOWN``, in its order), for the suspect's
    line and each original's alike. An address is a link only when it is a web address (http
    or https)."""
    parts = []
    for keys, label in _META_SHOWN:
        value = next((meta[k] for k in keys if meta.get(k) not in (None, "")), None)
        if value is None or isinstance(value, Mapping | list):
            continue
        text = str(value)
        if keys[0] == "url" and text.lower().startswith(("http://", "https://")):
            shown = f'<a href="{_esc(text)}" rel="noopener noreferrer">{_esc(text)}</a>'
        else:
            shown = _esc(text)
        parts.append(f"{_esc(label)}: {shown}")
    return parts


def _credits_line(result: Mapping[str, Any]) -> str:
    """The suspect's credit lines, in a line under its title."""
    got = [c for c in result.get("attribution") or () if isinstance(c, Mapping)]
    if not got:
        return '<p class="muted small">署名 Credits: 无 · none found</p>'
    parts = list(  # a credit the body writes and its record names too is shown once
        dict.fromkeys(
            f"{_esc(_CREDIT_KINDS.get(str(c.get('kind')), str(c.get('kind'))))}: "
            f"{_esc('、'.join(str(n) for n in c.get('names') or ()))}"
            for c in got
        )
    )
    return f'<p class="small">署名 Credits: {" · ".join(parts)}</p>'


def _evidence_table(mid: str, rows: list[_EvRow], s_text: str | None, o_text: str | None) -> str:
    trs = "".join(
        f"<tr><td>{n + 1}</td><td>{_esc(_label(EVIDENCE_LABELS, kind))}"
        f"{f'<br><span class=small>{_CONFLICT}</span>' if conflict else ''}</td>"
        f"<td class='num'>{_jump(mid, 's', key, f'{s[0]}–{s[1]}') if s else '—'}</td>"
        f"<td class='num'>{_jump(mid, 'o', key, f'{o[0]}–{o[1]}') if o else '—'}</td>"
        f"<td class='num'>{(s[1] - s[0]) if s else 0}</td><td class='num'>{sim:.2f}</td>"
        f"<td class='snip'>{_snip(s_text, s) or _snip(o_text, o)}</td></tr>"
        for n, (key, kind, s, o, sim, conflict) in enumerate(rows)
    )
    return (
        f'<details class="card"><summary>证据列表 · Evidence ({len(rows)})</summary><table>'
        "<thead><tr><th>#</th><th>类型 kind</th><th>稿件位置 suspect</th><th>原文位置 original</th>"
        "<th>长度 chars</th><th>相似度 similarity</th><th>文字 text</th></tr></thead>"
        f"<tbody>{trs}</tbody></table></details>"
    )


def _altered_card(
    mid: str, match: Mapping[str, Any], s_text: str | None, o_text: str | None
) -> str:
    """The altered facts (numbers, names, dates changed in the copy), each linked to the text."""
    altered = [a for a in match.get("altered") or () if isinstance(a, Mapping)]
    if not altered:
        return ""
    items = []
    for j, a in enumerate(altered):
        s, o = _pair(a.get("suspect")), _pair(a.get("source"))
        link = _jump(mid, "s", f"a{j}", "→") if s else ""
        items.append(
            f"<li><b>{_esc(a.get('kind', ''))}</b> 原文 original <mark class='alt'>"
            f"{_snip(o_text, o) or '?'}</mark> → 稿件 suspect <mark class='alt'>"
            f"{_snip(s_text, s) or '?'}</mark> {_esc(a.get('text') or a.get('detail', ''))} "
            f"{link}</li>"
        )
    return (
        f'<div class="card"><h2>改动的事实 · Altered facts ({len(altered)})</h2>'
        f"<ul>{''.join(items)}</ul></div>"
    )


def _metric(key: str, value: str, frac: Any, help_text: str) -> str:
    width = max(0.0, min(1.0, _num(frac))) * 100
    return (
        f'<div class="metric" title="{_esc(help_text)}"><div class="v">{_esc(value)}</div>'
        f'<div class="bar"><i style="width:{width:.0f}%"></i></div>'
        f'<div class="k">{_esc(key)} · {_esc(help_text)}</div></div>'
    )


_LEGEND = (
    '<div class="legend"><b>图例 Legend</b>'
    '<span><mark class="v sw">原文照搬</mark> verbatim copy</span>'
    '<span><mark class="p sw">改写</mark> paraphrase (洗稿), <mark class="p k sw">原样</mark> its '
    "words kept verbatim; unmarked suspect text was added</span>"
    '<span><mark class="alt sw">改动</mark> altered fact (number, name, date…)</span>'
    "<span class='muted'>点击高亮段落跳到另一侧对应位置 · "
    "click a highlighted passage to jump to its counterpart</span></div>"
)


def _page(title: str, body: str, *, home: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_asset('report.css')}</style></head><body>"
        f'<header class="top"><a class="brand" href="{home}">xigao 洗稿检测报告</a>'
        '<span class="sub">repost · partial copy · rewrite report</span></header>'
        f"<main>{body}</main><script>{_asset('report.js')}</script></body></html>\n"
    )


def _suspect_page(
    result: Mapping[str, Any],
    suspect: Document | None,
    index: Index,
    *,
    palette: str = "",
    summary: str = "",
) -> str:
    """A suspect's page: its matches side by side (``palette``: a link to its 调色盘;
    ``summary``: the result in plain Chinese, :mod:`xigao.summary`)."""
    rid = result.get("id")
    # (the suspect's title, else the one its result carries: a scan's JSONL has it)
    title = (suspect.title if suspect else None) or str(result.get("title") or "")
    tabs, sections = [], []
    for i, m in enumerate(result.get("matches") or ()):
        tab, section = _match_section(i, m, suspect, index.get(str(m.get("source_id", ""))))
        tabs.append(tab)
        sections.append(section)
    head = (
        '<p class="small"><a href="../index.html">← 全部结果 All results</a>'
        + (f" · {palette}" if palette else "")
        + "</p>"
        f"<h1>{_badge(str(result.get('verdict', '')), big=True)} {_esc(title or rid)}</h1>"
        f'<p class="muted small">id <span class="id">{_esc(rid)}</span> · 评分 score '
        f"{_num(result.get('score')):.2f} · {len(sections)} 个来源 matched original(s)</p>"
        + (f'<p class="summary">摘要 Summary: {_esc(summary)}</p>' if summary else "")
        + _meta_line(suspect.meta if suspect is not None else result.get("meta") or {})
        + _credits_line(result)
        + f'<div class="card">{_LEGEND}</div>'
    )
    if suspect is None:
        head += f'<div class="note">{_NO_SUSPECT}</div>'
    tab_bar = f'<div class="tabs" role="tablist">{"".join(tabs)}</div>' if tabs else ""
    return _page(
        f"{title or rid} · xigao", head + tab_bar + "".join(sections), home="../index.html"
    )


def _palette_link(made: tuple[Path, int], here: Path) -> str:
    """A link to a palette written beside the report (relative to the page in ``here``), with
    its 雷同字数."""
    path, chars = made
    try:
        href = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(here))).as_posix()
    except ValueError:  # (on another drive than the report, on Windows: no relative path)
        href = Path(os.path.abspath(path)).as_uri()
    return f'<a href="{_esc(href)}">调色盘 palette</a> (雷同字数 {chars:,})'


def _id_line(doc_id: str, *, below: bool = True) -> str:
    """The id in small type, under a title (``below``) or alone."""
    span = f'<span class="id muted">{_esc(doc_id)}</span>' if doc_id else ""
    return f"<br>{span}" if span and below else span


def _named(index: Any, source_id: str) -> str:
    """An original's id and title, as the search box finds it."""
    original = index.get(source_id) if source_id else None
    return f"{source_id} {(original.title if original else None) or ''}"


# -- index page ---------------------------------------------------------------------------------
def _index_page(
    rows: list[dict[str, Any]], counts: Counter[str], info: str, after: str = ""
) -> str:
    rows.sort(key=lambda r: (-VERDICT_RANK.get(r["verdict"], 0), -r["score"]))
    cards = (
        "".join(f'<div class="c"><b>{counts[v]}</b>{_badge(v)}</div>' for v in VERDICTS)
        + f'<div class="c"><b>{sum(counts.values())}</b>合计 checked</div>'
    )
    boxes = "".join(
        f'<label><input type="checkbox" data-verdict="{v}" checked> {_badge(v)} ({counts[v]})</label>'
        for v in VERDICTS
    )
    trs = []
    for r in rows:
        link = (
            f'<a href="s/{r["page"]}">{_esc(r["title"] or r["id"])}</a>'
            if r["page"]
            else _esc(r["title"] or r["id"])
        )
        if r.get("near_miss"):
            link += (
                f" <span class='small muted'>({_esc(_label(VERDICT_LABELS, 'near_miss'))})</span>"
            )
        if r.get("palette"):
            link += f" <span class='small'>· {r['palette']}</span>"
        q = f"{r['id']} {r['title']} {r['source_id']} {r['source_title']} {r['also']}".lower()
        rank = VERDICT_RANK.get(r["verdict"], 0) + r["score"] / 10
        trs.append(
            f'<tr data-verdict="{_esc(r["verdict"])}" data-q="{_esc(q)}">'
            f'<td data-v="{rank:.5f}">{_badge(r["verdict"])}</td>'
            f'<td class="num" data-v="{r["score"]:.4f}">{r["score"]:.2f}</td>'
            f'<td data-v="{_esc(r["title"] or r["id"])}">{link}{_id_line(r["id"] if r["title"] else "")}</td>'
            f'<td data-v="{_esc(r["source_title"] or r["source_id"])}">{_esc(r["source_title"])}'
            f"{_id_line(r['source_id'], below=bool(r['source_title']))}</td>"
            f'<td class="num" data-v="{r["containment"]:.4f}">{_pct(r["containment"]) if r["n"] else "—"}</td>'
            f'<td class="num" data-v="{r["coverage"]:.4f}">{_pct(r["coverage"]) if r["n"] else "—"}</td>'
            f'<td class="num" data-v="{r["copy_ratio"]:.4f}">{_pct(r["copy_ratio"])}</td>'
            f'<td class="num" data-v="{r["n"]}">{r["n"]}</td></tr>'
        )
    body = (
        f"<h1>查重结果 · Results</h1><p class='muted small'>{_esc(info)}</p>{after}"
        f'<div class="counts">{cards}</div>'
        '<div class="card small"><b>说明 How to read</b>: '
        "<b>转载 repost</b> = the whole text copied; <b>部分抄袭 partial copy</b> = passages copied; "
        "<b>洗稿 rewrite</b> = reworded copy; <b>原创 original</b> = nothing found. "
        "评分 score = strength of reuse (0–1); 包含度 containment = share of the suspect found in "
        "the top original; 覆盖度 coverage = share of that original reused; 复制比 copy ratio = "
        "share of the suspect explained by any original, verbatim or paraphrased. An original "
        "marked near miss links to its closest original and why it fell short. "
        "Click a column to sort, a title to see the texts side by side.</div>"
        f'<div class="filters">{boxes}<input id="q" type="search" placeholder="搜索 search id / title">'
        f'<span class="muted small">显示 showing <span id="shown">{len(rows)}</span> / {len(rows)}</span></div>'
        '<table id="results"><thead><tr>'
        '<th data-sort="num" aria-sort="descending">结论 verdict</th><th data-sort="num">评分 score</th>'
        '<th data-sort="text">稿件 suspect</th><th data-sort="text">主要来源 top original</th>'
        '<th data-sort="num">包含度 containment</th><th data-sort="num">覆盖度 coverage</th>'
        '<th data-sort="num">复制比 copy ratio</th><th data-sort="num">来源数 matches</th></tr></thead>'
        f"<tbody>{''.join(trs)}</tbody></table>"
    )
    return _page("xigao report", body, home="index.html")


def write_report(
    results: Iterable[Mapping[str, Any]],
    index: Index,
    out_dir: str | os.PathLike[str],
    *,
    suspects: Mapping[str, Document | Mapping[str, Any]]
    | Sequence[Document | Mapping[str, Any] | None]
    | None = None,
    failed: int = 0,
    errors: str | os.PathLike[str] | None = None,
    palettes: Mapping[int, tuple[Path, int]] | None = None,
) -> Path:
    """Write ``out_dir/index.html`` and ``out_dir/s/<name>.html`` for every result with matches;
    return the path of ``index.html``. ``suspects``: the checked documents (their text is shown
    beside the originals), by result id, or one per result in order (None where not shown), as
    a scan whose inputs repeat an id gives them; without it only the originals' side is shown.
    ``failed``: how many input records could not be read or checked, said on the page (with
    the file ``errors`` that lists them, when there is one), so that the report alone tells
    its reader that inputs are missing from it. ``palettes``: the 调色盘 written for the
    results (by position: the file and its 雷同字数, as ``xigao.palette.write_many`` returns
    them), each linked from its row and its page, their 雷同字数 summed on the index page (a
    book is judged as a whole)."""
    out = Path(out_dir)
    palettes = palettes or {}
    (out / "s").mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    rows: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for k, result in enumerate(results):
        rid = result.get("id")
        verdict = str(result.get("verdict", "original"))
        counts[verdict] += 1
        matches = list(result.get("matches") or ())
        miss = result.get("near_miss") if not matches else None
        doc: Document | Mapping[str, Any] | None = None
        if isinstance(suspects, Mapping):
            doc = suspects.get(str(rid)) if rid is not None else None
        elif suspects is not None:
            doc = suspects[k] if k < len(suspects) else None
        suspect = None if doc is None else Document.coerce(doc)
        page = ""
        if matches or isinstance(miss, Mapping):
            page = safe_name(None if rid is None else str(rid), taken=taken)
            shown = dict(result, matches=[dict(miss, kind="near_miss")]) if miss else result
            pal = _palette_link(palettes[k], out / "s") if k in palettes else ""
            # (a results file of an earlier release has no summary: it is made from the result)
            summary = str(result.get("summary") or summarize(result))
            text = _suspect_page(shown, suspect, index, palette=pal, summary=summary)
            (out / "s" / page).write_text(text, encoding="utf-8")
        top = matches[0] if matches else {}
        source_id = str(top.get("source_id", "")) if top else ""
        original = index.get(source_id) if source_id else None
        rows.append(
            {
                "id": "" if rid is None else str(rid),
                "title": (suspect.title if suspect else None) or str(result.get("title") or ""),
                "verdict": verdict,
                "score": _num(result.get("score")),
                "source_id": source_id,
                "source_title": (original.title if original else None) or "",
                "containment": _num(top.get("containment")),
                "coverage": _num(top.get("coverage")),
                "n": len(matches),
                "page": page,
                "copy_ratio": _num(result.get("copy_ratio")),
                "near_miss": bool(miss),
                "palette": _palette_link(palettes[k], out) if k in palettes else "",
                # every source named, for the search box: a second or third source of a
                # stitched story is searched for as the first is (black-box review 11)
                "also": " ".join(_named(index, str(m.get("source_id", ""))) for m in matches[1:]),
            }
        )
    info = f"{datetime.now().astimezone():%Y-%m-%d %H:%M} · 索引 index: {len(index)} originals"
    if palettes:
        total = sum(n for _, n in palettes.values())
        info += f" · 雷同字数 {total:,} in all, over {len(palettes)} palette(s)"
    if failed:
        where = f" (see {os.fspath(errors)})" if errors is not None else ""
        info += f" · 未能处理 {failed} record(s) could not be read or checked{where}"
    book = ""
    if palettes:  # each whole book's palette, where one was written beside the chapters'
        from xigao.palette import book_pages

        for whole in book_pages(next(iter(palettes.values()))[0].parent):
            href = Path(os.path.relpath(os.path.abspath(whole), os.path.abspath(out)))
            book += (
                f'<p><a href="{_esc(href.as_posix())}">全书调色盘 the book\'s palette</a> '
                f"({_esc(whole.name)})</p>"
            )
    path = out / "index.html"
    path.write_text(_index_page(rows, counts, info, book), encoding="utf-8")
    return path


#: Edges shown on a cluster's page, strongest first (the rest are listed in clusters.jsonl).
CLUSTER_EDGES_SHOWN = 40


def write_clusters(
    clusters: Iterable[Mapping[str, Any]],
    docs: Mapping[str, Document],
    out_dir: str | os.PathLike[str],
) -> Path:
    """Write the clusters of a dedup (``xigao dedup``, :func:`xigao.dedup.dedup`; each as its
    ``to_dict``) as ``out_dir/index.html`` and one page per cluster with each edge's two
    documents side by side, their shared passages marked; return the index page's path."""
    out = Path(out_dir)
    (out / "c").mkdir(parents=True, exist_ok=True)
    rows = []
    for c in clusters:
        n = int(c["cluster"])
        canonical = docs.get(str(c["canonical"]))
        title = canonical.title if canonical and canonical.title else str(c["canonical"])
        edges = sorted(
            (e for e in c.get("edges") or () if isinstance(e, Mapping)),
            key=lambda e: (-VERDICT_RANK.get(str(e.get("kind")), 0), -_num(e.get("score"))),
        )
        kinds = Counter(str(e.get("kind")) for e in edges)
        members = "".join(
            f"<li>{'<b>最早 canonical</b> ' if m.get('id') == c['canonical'] else ''}"
            f"{_esc(m.get('title') or m.get('id'))}{_id_line(str(m.get('id')))}"
            f"{' · ' + _esc(m['time']) if m.get('time') else ''}</li>"
            for m in c.get("members") or ()
        )
        originals = "".join(
            f"<li>{_badge(str(o.get('kind')))} <span class='id'>{_esc(o.get('source_id'))}</span>"
            f" · {_num(o.get('score')):.2f} · by {_esc(', '.join(map(str, o.get('by') or ())))}</li>"
            for o in c.get("originals") or ()
        )
        tabs, sections = [], []
        for i, e in enumerate(edges[:CLUSTER_EDGES_SHOWN]):
            match = {**e, "source_id": e.get("b")}
            match.pop("a", None)
            match.pop("b", None)
            tab, section = _match_section(
                i, match, docs.get(str(e.get("a"))), docs.get(str(e.get("b")))
            )
            tabs.append(tab)
            sections.append(section)
        more = len(edges) - len(sections)
        body = (
            '<p class="small"><a href="../index.html">← 全部聚类 All clusters</a></p>'
            f"<h1>聚类 Cluster {n} · {_esc(title)}</h1>"
            f'<p class="muted small">{len(c.get("members") or ())} 篇 documents · '
            f"{len(edges)} 条关系 edges</p>"
            f'<div class="card"><h2>成员 Members</h2><ul>{members}</ul>'
            + (f"<h2>索引中的原文 Indexed originals</h2><ul>{originals}</ul>" if originals else "")
            + "</div>"
            + (
                f'<div class="note">另有 {more} 条关系见 clusters.jsonl · {more} more edges '
                "are in the clusters file.</div>"
                if more > 0
                else ""
            )
            + f'<div class="card">{_LEGEND}</div>'
            + (f'<div class="tabs" role="tablist">{"".join(tabs)}</div>' if tabs else "")
            + "".join(sections)
        )
        (out / "c" / f"{n}.html").write_text(
            _page(f"cluster {n} · xigao", body, home="../index.html"), "utf-8"
        )
        rows.append(
            f'<tr data-verdict="{_esc(max(kinds, key=lambda k: VERDICT_RANK.get(k, 0), default=""))}"'
            f' data-q="{_esc(str(title).lower())}">'
            f'<td class="num" data-v="{n}">{n}</td>'
            f'<td class="num" data-v="{len(c.get("members") or ())}">{len(c.get("members") or ())}</td>'
            f'<td data-v="{_esc(title)}"><a href="c/{n}.html">{_esc(title)}</a>'
            f"{_id_line(str(c['canonical']))}</td>"
            f"<td>{' '.join(f'{_badge(k)} {v}' for k, v in kinds.most_common())}</td>"
            f'<td class="num" data-v="{len(c.get("originals") or ())}">'
            f"{len(c.get('originals') or ())}</td></tr>"
        )
    body = (
        f"<h1>去重聚类 · Clusters</h1><p class='muted small'>{len(rows)} 个聚类 clusters: "
        "documents of the dump that are one story, reposted, copied in part or rewritten; the "
        "canonical member is the earliest (by time, else input order).</p>"
        '<table id="results"><thead><tr><th data-sort="num">#</th>'
        '<th data-sort="num" aria-sort="descending">篇数 size</th>'
        '<th data-sort="text">最早一篇 canonical</th><th>关系 edges</th>'
        '<th data-sort="num">原文 originals</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    page = out / "index.html"
    page.write_text(_page("xigao clusters", body, home="index.html"), "utf-8")
    return page
