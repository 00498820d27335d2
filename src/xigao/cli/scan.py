"""``xigao scan``: check every document of the inputs against an index, on this machine or
(``--engine spark``) on a Spark cluster."""

from __future__ import annotations

import json
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from xigao import batch
from xigao import results as results_io
from xigao.batch import Failed
from xigao.cli.common import (
    ErrorSink,
    _counted,
    _create,
    _documents,
    _engine_opts,
    _guard_outputs,
    _index_opt,
    _inputs_exist,
    _offsets_opt,
    _open_index,
    _options,
    _output_opt,
    _progress,
    _spark_session,
    _workers_opt,
    _writable_dir,
    read_options,
)
from xigao.errors import XigaoError
from xigao.io import ReadOptions, json_safe
from xigao.pipeline import parse_detect
from xigao.types import LIMIT, VERDICTS, Document


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@_index_opt
@_output_opt("Results file (default: standard output).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx", "parquet"]),
    default="jsonl",
    show_default=True,
    help="jsonl: a result a line; csv, xlsx: a table spreadsheets open (xlsx needs --output); "
    "parquet (--engine spark, --output a folder): written by the cluster, not this process.",
)
@click.option(
    "--detect",
    default=None,
    help="Comma list of repost,partial,rewrite (repost,partial needs no model).",
)
@_workers_opt(
    "Processes that check documents (started once the input holds more than "
    f"{batch.SERIAL} documents; fewer are checked in this one)."
)
@click.option(
    "--html",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write an HTML report (index.html + one page per flagged document) here.",
)
@click.option(
    "--leave-own-out",
    is_flag=True,
    help="Check each document against the index without the indexed document of the same id: "
    "scan an archive against itself.",
)
@click.option(
    "--exclude-quotes",
    is_flag=True,
    help="Leave quotations (text in quotation marks, block quotes) out of what can match.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=LIMIT,
    show_default=True,
    help="Originals sharing a copied run aligned at most per document; a result that left "
    "more says more_sources (a compilation of many posts: scan it with a larger limit).",
)
@_offsets_opt("the JSONL")
@_engine_opts
@read_options
def scan(
    inputs: tuple[str, ...],
    index_path: Path,
    output: Path | None,
    fmt: str,
    detect: str | None,
    workers: int,
    html: Path | None,
    leave_own_out: bool,
    exclude_quotes: bool,
    limit: int,
    offsets: str,
    engine: str,
    master: str,
    spark_conf: tuple[str, ...],
    **kw: Any,
) -> None:
    """Check every document in INPUTS against the index.

    With --engine spark the index is a Parquet index (`xigao index convert` makes one of a
    local index) and the checks run on the cluster; results come back in input order, as
    JSONL, the same as the local engine's."""
    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    _inputs_exist(inputs)
    _guard_outputs(inputs, output=output, errors=errors_path)
    if offsets == "utf16" and (fmt != "jsonl" or engine == "spark"):
        raise click.UsageError("--offsets utf16 is for the local engine's JSONL")
    if engine == "spark":
        if limit != LIMIT:
            raise click.UsageError(f"--limit is for the local engine; the cluster aligns {LIMIT}")
        _scan_spark(inputs, index_path, output, fmt, detect, html, leave_own_out, exclude_quotes,
                    master, spark_conf, options, errors_path, quiet)  # fmt: skip
        return
    idx = _open_index(index_path)
    try:
        kinds = parse_detect(detect, idx.default_detect)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--detect") from e
    if "rewrite" in kinds and not idx.store.vectors:
        raise click.ClickException(
            f"{index_path} was built with --no-vectors, so it cannot detect rewrites; "
            "rebuild it with vectors or pass --detect repost,partial"
        )
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a workbook: give --output FILE.xlsx")
    if fmt == "parquet":
        raise click.UsageError("--format parquet is written by the cluster: add --engine spark")
    if html is not None:  # (after the usage errors: a refused run leaves no folder behind)
        _writable_dir(html, "the report")
    sink = ErrorSink(errors_path, quiet)

    def title_of(doc_id: str) -> str | None:
        o = idx.get(doc_id)
        return o.title if o else None

    out = _create(output, newline="") if output and fmt != "xlsx" else sys.stdout
    table: results_io.CsvWriter | results_io.XlsxWriter | None = None
    if fmt == "csv":
        table = results_io.CsvWriter(out, title_of)
    elif fmt == "xlsx":
        assert output is not None
        table = results_io.XlsxWriter(output, title_of)
    verdicts: Counter[str] = Counter()
    misses = 0  # originals whose closest original came near a rewrite
    bar = _progress(quiet, "scanning", sources=inputs, options=options)
    docs: Iterable[Document] = _documents(inputs, options, sink, bar)
    pending: deque[Document] = deque()  # documents awaiting their result, in order
    reported: list[dict[str, Any]] = []
    shown: list[Document | None] = []  # each reported result's document, where it has a page
    docs = _remember(docs, pending)  # (a result's document: its title, its page)
    results = idx.check_iter(
        docs,
        detect=kinds,
        exclude_quotes=exclude_quotes,
        leave_own_out=leave_own_out,
        workers=workers,
        limit=limit,
    )
    try:
        for r in results:
            bar.update(1)
            doc = pending.popleft() if pending else None
            if isinstance(r, Failed):
                sink.add({"source": "check", "id": r.id, "reason": r.reason})
                continue
            res = r.to_dict()
            if html is not None and doc is not None:
                reported.append(res)
                # by place, not id: two inputs may share an id
                shown.append(doc if res["matches"] or res.get("near_miss") else None)
            verdicts[res["verdict"]] += 1
            misses += bool(res.get("near_miss"))
            if table is not None and doc is not None:
                table.row(res, doc)
            else:
                labels = (doc.title, doc.meta) if doc else (None, {})
                if offsets == "utf16" and doc is not None:
                    res = idx.in_utf16(res, doc.body)
                out.write(json.dumps(_labelled(res, *labels), ensure_ascii=False) + "\n")
    finally:
        results.close()  # stops the workers of a scan cut short
        bar.close()
        sink.close()
        if table is not None:
            table.close()
        if output and fmt != "xlsx":
            out.close()
    if not quiet:
        summary = ", ".join(f"{v} {verdicts[v]}" for v in VERDICTS)
        near = f" ({misses} with a near miss)" if misses else ""
        click.echo(f"checked {sum(verdicts.values())}: {summary}{near}", err=True)
    if html is not None:
        from xigao.report import write_report

        page = write_report(
            reported, idx, html, suspects=shown, failed=sink.count, errors=errors_path
        )
        if not quiet:
            click.echo(f"report: {page}", err=True)
    if sink.count:
        sys.exit(1)


def _scan_spark(
    inputs: tuple[str, ...],
    index_path: Path,
    output: Path | None,
    fmt: str,
    detect: str | None,
    html: Path | None,
    leave_own_out: bool,
    exclude_quotes: bool,
    master: str,
    spark_conf: tuple[str, ...],
    options: ReadOptions,
    errors_path: Path | None,
    quiet: bool,
) -> None:
    """``scan --engine spark``: the documents read here, checked on the cluster."""
    from xigao import spark as xs

    if fmt in ("csv", "xlsx") or html is not None:
        raise click.UsageError(
            "--engine spark writes JSONL or Parquet results: --format csv/xlsx and --html are "
            "for the local engine"
        )
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a folder: give --output DIR")
    spark = _spark_session(master, spark_conf)
    try:
        eng = xs.SparkIndex(spark, index_path)
        kinds = parse_detect(detect, eng.default_detect)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--detect") from e
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    sink = ErrorSink(errors_path, quiet)
    bar = _progress(quiet, "reading", sources=inputs, options=options)
    verdicts: Counter[str] = Counter()
    # each document's title and metadata until its result comes (the texts are staged for the
    # executors, all of them before any result: only these are kept here, and for JSONL only)
    labels: deque[tuple[str | None, Mapping[str, Any]]] = deque()
    docs = _counted(_documents(inputs, options, sink, bar), bar)
    if fmt != "parquet":
        docs = _labels(docs, labels)
    try:
        if fmt == "parquet":  # written by the executors: only the counts and failures come back
            assert output is not None
            counts, failed = xs.write_results(
                eng,
                docs,
                output,
                detect=kinds,
                exclude_quotes=exclude_quotes,
                leave_own_out=leave_own_out,
            )
            verdicts.update(counts)
            for f in failed:
                sink.add({"source": "check", "id": f.id, "reason": f.reason})
        else:
            out = _create(output, newline="") if output else sys.stdout
            try:
                results = xs.check_iter(
                    eng,
                    docs,
                    detect=kinds,
                    exclude_quotes=exclude_quotes,
                    leave_own_out=leave_own_out,
                )
                for r in results:
                    title, meta = labels.popleft() if labels else (None, {})
                    if isinstance(r, Failed):
                        sink.add({"source": "check", "id": r.id, "reason": r.reason})
                        continue
                    res = r.to_dict()
                    verdicts[res["verdict"]] += 1
                    out.write(json.dumps(_labelled(res, title, meta), ensure_ascii=False) + "\n")
            finally:
                if output:
                    out.close()
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    finally:
        bar.close()
        sink.close()
    if not quiet:
        summary = ", ".join(f"{v} {verdicts[v]}" for v in VERDICTS)
        click.echo(f"checked {sum(verdicts.values())} on Spark: {summary}", err=True)
    if sink.count:
        sys.exit(1)


def _remember(docs: Iterable[Document], pending: deque[Document]) -> Iterator[Document]:
    """Pass documents through, keeping each until the scan loop takes its result (same order)."""
    for d in docs:
        pending.append(d)
        yield d


def _labels(
    docs: Iterable[Document], labels: deque[tuple[str | None, Mapping[str, Any]]]
) -> Iterator[Document]:
    """Pass documents through, keeping each one's title and metadata until its result is
    written."""
    for d in docs:
        labels.append((d.title, d.meta))
        yield d


def _labelled(res: dict[str, Any], title: str | None, meta: Mapping[str, Any]) -> dict[str, Any]:
    """A JSONL result with its document's title after its id, where it has one (a chapter's
    heading, a news record's title): what an analyst filters and reads the results by; and
    the record's other fields (``source``, ``time``, ``url``, …) passed through as ``meta``,
    last, where it has any."""
    out = {"id": res["id"], **({"title": title} if title else {})}
    out.update((k, v) for k, v in res.items() if k != "id")
    if meta:
        out["meta"] = json_safe(dict(meta))
    return out
