"""``xigao scan``: check every document of the inputs against an index, on this machine or
(``--engine spark``) on a Spark cluster."""

from __future__ import annotations

import json
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from xigao import batch
from xigao import results as results_io
from xigao.batch import Failed
from xigao.cli.common import (
    READ_SETTINGS,
    ErrorSink,
    Place,
    _counted,
    _create,
    _engine_opts,
    _guard_outputs,
    _index_opt,
    _inputs_exist,
    _offsets_opt,
    _open_index,
    _options,
    _output_opt,
    _placed,
    _progress,
    _spark_session,
    _workers_opt,
    _writable_dir,
    flag,
    place_key,
    read_options,
    scanned_with,
    settings_path,
    source_name,
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
@click.option(
    "--resume",
    is_flag=True,
    help="Go on with a scan cut short: the inputs whose results --output (JSONL) holds are "
    "left out, the others checked and their results added; the errors file is written anew.",
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
    resume: bool,
    offsets: str,
    engine: str,
    master: str,
    spark_conf: tuple[str, ...],
    **kw: Any,
) -> None:
    """Check every document in INPUTS against the index.

    Each result says which input it is of (`input`: the file as given, and the line, or the
    path of a folder's file), so --resume can go on with a scan cut short.

    With --engine spark the index is a Parquet index (`xigao index convert` makes one of a
    local index) and the checks run on the cluster; results come back in input order, as
    JSONL, the same as the local engine's."""
    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    _inputs_exist(inputs)
    _guard_outputs(inputs, output=output, errors=errors_path)
    if resume:
        _resumable(output, fmt, engine, html, inputs)
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
    settings = _settings(index_path, kinds, leave_own_out, exclude_quotes, limit, offsets, options)
    going_on = resume and output is not None and _goes_on(output, settings, quiet=quiet)
    done = _already(output, inputs) if resume and output is not None else set()
    sink = ErrorSink(errors_path, quiet)

    def title_of(doc_id: str) -> str | None:
        o = idx.get(doc_id)
        return o.title if o else None

    out = _create(output, newline="", append=resume) if output and fmt != "xlsx" else sys.stdout
    if output is not None and fmt == "jsonl" and not going_on:
        _record_settings(output, settings)
    table: results_io.CsvWriter | results_io.XlsxWriter | None = None
    if fmt == "csv":
        table = results_io.CsvWriter(out, title_of)
    elif fmt == "xlsx":
        assert output is not None
        table = results_io.XlsxWriter(output, title_of)
    verdicts: Counter[str] = Counter()
    misses = 0  # originals whose closest original came near a rewrite
    bar = _progress(quiet, "scanning", sources=inputs, options=options)
    queue = _Queue(done)  # (a result's document: its title, its page, where it was read)
    docs = queue.feed(_placed(inputs, options, sink, bar), bar)
    reported: list[dict[str, Any]] = []
    shown: list[Document | None] = []  # each reported result's document, where it has a page
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
            doc, place = queue.take()
            if isinstance(r, Failed):
                sink.add(_failed(r, place))
                continue
            res = r.to_dict()
            if html is not None and doc is not None:
                reported.append(res)
                # by place, not id: two inputs may share an id
                shown.append(doc if res["matches"] or res.get("near_miss") else None)
            verdicts[res["verdict"]] += 1
            misses += bool(res.get("near_miss"))
            if table is not None and doc is not None:
                table.row(res, doc, place)
            else:
                labels = (doc.title, doc.meta) if doc else (None, {})
                if offsets == "utf16" and doc is not None:
                    res = idx.in_utf16(res, doc.body)
                out.write(json.dumps(_labelled(res, *labels, place), ensure_ascii=False) + "\n")
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
        kept = f"; {queue.skipped} already in {output}, left out" if resume else ""
        click.echo(f"checked {sum(verdicts.values())}: {summary}{near}{kept}", err=True)
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
    labels: deque[tuple[str | None, Mapping[str, Any], Place]] = deque()
    placed = _placed(inputs, options, sink, bar)
    if fmt != "parquet":
        placed = _labels(placed, labels)
    docs = _counted((d for d, _ in placed), bar)
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
            if output is not None:  # (a local scan's, of other results: --resume and report
                settings_path(output).unlink(missing_ok=True)  # would read them by it)
            try:
                results = xs.check_iter(
                    eng,
                    docs,
                    detect=kinds,
                    exclude_quotes=exclude_quotes,
                    leave_own_out=leave_own_out,
                )
                for r in results:
                    title, meta, place = labels.popleft() if labels else (None, {}, {})
                    if isinstance(r, Failed):
                        sink.add(_failed(r, place))
                        continue
                    res = r.to_dict()
                    verdicts[res["verdict"]] += 1
                    line = _labelled(res, title, meta, place)
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
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


def _resumable(
    output: Path | None, fmt: str, engine: str, html: Path | None, inputs: tuple[str, ...]
) -> None:
    """``--resume``'s usage errors: it goes on with a local scan's JSONL file of inputs it can
    read again."""
    if fmt != "jsonl" or engine != "local":
        what = f"--format {fmt}" if fmt != "jsonl" else "--engine spark"
        raise click.UsageError(
            f"--resume goes on with the local engine's JSONL results, not {what}'s: a table is "
            "written whole; scan into --output FILE.jsonl to be able to go on"
        )
    if output is None:
        raise click.UsageError("--resume goes on with a results file: give --output FILE.jsonl")
    if html is not None:
        raise click.UsageError(
            "--resume writes no --html report (it would hold only the new results): write it "
            "from the whole results file after, with `xigao report RESULTS --inputs ...`"
        )
    if "-" in inputs:
        raise click.UsageError("--resume cannot read standard input again: give the files")
    if len({source_name(i) for i in inputs}) < len(inputs):
        raise click.UsageError("--resume tells inputs by their names: give each one once")


def _settings(
    index_path: Path,
    kinds: Iterable[str],
    leave_own_out: bool,
    exclude_quotes: bool,
    limit: int,
    offsets: str,
    options: ReadOptions,
) -> dict[str, Any]:
    """What a scan's results depend on besides its inputs: the index, the options of the
    check and how the inputs are read (``READ_SETTINGS``), each by its option's name."""
    return {
        "index": str(index_path.resolve()),
        "detect": ",".join(sorted(kinds)),
        "leave_own_out": leave_own_out,
        "exclude_quotes": exclude_quotes,
        "limit": limit,
        "offsets": offsets,
        **{k: getattr(options, k) for k in READ_SETTINGS},
    }


def _goes_on(output: Path, settings: dict[str, Any], *, quiet: bool) -> bool:
    """Whether ``--resume`` goes on with results in ``output`` (it holds some), or starts it;
    a usage error, before anything is written, where they were scanned otherwise (the file
    would end with results of two kinds), and a warning where nothing says how (a file of an
    earlier version: the options are not checked)."""
    if not (output.exists() and output.stat().st_size):
        return False
    was = scanned_with(output)
    if was is None:
        if not quiet:
            click.echo(
                f"warning: --resume: {settings_path(output)} does not say how {output} was "
                "made; the options are not checked: give those it was scanned with",
                err=True,
            )
        return True
    changed = [k for k in settings if was.get(k) != settings[k]]
    if changed:
        said = "; ".join(
            f"{flag(k)} {_shown(was.get(k))} then, {_shown(settings[k])} now" for k in changed
        )
        raise click.UsageError(
            f"--resume: {output} was scanned with other options ({said}): give the options "
            "it was scanned with, or scan again without --resume"
        )
    return True


def _record_settings(output: Path, settings: dict[str, Any]) -> None:
    """Write how a scan into ``output`` is made beside it (:func:`settings_path`), once its
    results file is open (a scan refused or failed before leaves the last one's as it was:
    diff review 18)."""
    from datetime import UTC, datetime

    from xigao import __version__

    record = {
        "xigao": __version__,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings,
    }
    with _create(settings_path(output)) as f:
        f.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")


def _shown(value: Any) -> str:
    """A recorded setting as a refusal says it (a flag: on or off; none: unset)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return "unset" if value is None else str(value)


def _already(output: Path, inputs: Sequence[str]) -> set[tuple[Any, ...]]:
    """The inputs whose results ``output`` holds, for ``--resume``. A last line cut short (a
    scan killed mid-write, a full disk) is cut off the file first; its input is checked
    again. Results none of which is of ``inputs`` as named (a path written another way, the
    results of another run) are refused before anything is written: every input would be
    checked again and its result added twice."""
    if not output.exists():
        return set()
    keys: list[tuple[Any, ...]] = []
    whole = 0  # (where the lines written whole end)
    with output.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                break
            whole += len(raw)
            if raw.strip():
                keys.append(_result_key(raw, output, n))
    named = {str(key[0]) for key in keys}
    given = {source_name(i) for i in inputs}
    if named - given:  # (a renamed input would be checked again, a dropped one kept)
        shown = ", ".join(sorted(named - given)[:3]) + (", …" if len(named - given) > 3 else "")
        raise click.UsageError(
            f"--resume: results in {output} are of inputs not among these as they are named "
            f"here ({shown}): give the inputs the scan was given, named as it named them, "
            "from the folder it ran in"
        )
    if whole < output.stat().st_size:  # (refused above, the file is left as it was)
        with output.open("r+b") as f:
            f.truncate(whole)
    return set(keys)


def _result_key(raw: bytes, output: Path, n: int) -> tuple[Any, ...]:
    """What tells the input of result line ``n`` of ``output`` (:func:`place_key`: its
    source first), or a usage error saying it is no result that says its input."""
    try:
        res = json.loads(raw)
    except ValueError:
        res = None
    place = res.get("input") if isinstance(res, dict) else None
    if not isinstance(place, dict) or "verdict" not in res or "id" not in res:
        raise click.UsageError(
            f"--resume: {output}:{n} is not a result that says its input (a file of "
            "another command, or written before results said it): scan again "
            "without --resume"
        )
    return place_key(place, str(res["id"]))


class _Queue:
    """The documents read and not yet given their result, in order, each with where it was
    read; with ``done`` (``--resume``), the inputs already checked are left out and counted."""

    def __init__(self, done: set[tuple[Any, ...]]) -> None:
        self.done, self.skipped = done, 0
        self.pending: deque[tuple[Document, Place]] = deque()

    def feed(self, docs: Iterable[tuple[Document, Place]], bar: Any) -> Iterator[Document]:
        """The documents to check, each kept until :meth:`take` takes its result's."""
        for d, place in docs:
            if self.done and place_key(place, d.id) in self.done:
                self.skipped += 1
                bar.update(1)
                continue
            self.pending.append((d, place))
            yield d

    def take(self) -> tuple[Document | None, Place]:
        """The next result's document and place."""
        return self.pending.popleft() if self.pending else (None, {})


def _labels(
    docs: Iterable[tuple[Document, Place]],
    labels: deque[tuple[str | None, Mapping[str, Any], Place]],
) -> Iterator[tuple[Document, Place]]:
    """Pass documents through, keeping each one's title, metadata and place until its result
    is written."""
    for d, place in docs:
        labels.append((d.title, d.meta, place))
        yield d, place


def _failed(r: Failed, place: Place) -> dict[str, Any]:
    """A failed check's error line: its stage (``source``: the check), id, the ``input`` it
    was of (as a result says it) and why."""
    return {
        "source": "check",
        "id": r.id,
        **({"input": place} if place else {}),
        "reason": r.reason,
    }


def _labelled(
    res: dict[str, Any], title: str | None, meta: Mapping[str, Any], place: Place | None = None
) -> dict[str, Any]:
    """A JSONL result with its document's title after its id, where it has one (a chapter's
    heading, a news record's title): what an analyst filters and reads the results by; then
    the result; then ``input``, where the document was read (its file as given and ``line``
    or ``path``: what an analyst opens, and what ``--resume`` goes by); and the record's other
    fields (``source``, ``time``, ``url``, …) passed through as ``meta``, last, where it has
    any."""
    out = {"id": res["id"], **({"title": title} if title else {})}
    out.update((k, v) for k, v in res.items() if k != "id")
    if place:
        out["input"] = place
    if meta:
        out["meta"] = json_safe(dict(meta))
    return out
