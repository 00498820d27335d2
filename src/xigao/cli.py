"""The ``xigao`` command line: a thin shell over the library.

Results go to ``--output`` or standard output; progress and summaries to standard error. Every
input record ends up in the output or in the error list, and the exit status is 1 when any
record failed, 2 for usage errors.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from xigao import batch
from xigao import results as results_io
from xigao.batch import Failed
from xigao.errors import XigaoError
from xigao.io import ReadError, ReadOptions, count_records, detect_encoding, read_documents
from xigao.pipeline import PAIR_ENCODER, Index, parse_detect
from xigao.pipeline import compare as _compare
from xigao.types import GENRES, VERDICTS, Document
from xigao.workers import default_workers

F = TypeVar("F", bound=Callable[..., Any])


def read_options(f: F) -> F:
    """Shared options for commands that read documents."""
    opts = [
        click.option("--encoding", default=None, help="Force an input encoding (default: detect)."),
        click.option("--id-field", default="id", show_default=True),
        click.option("--title-field", default="title", show_default=True),
        click.option("--text-field", default=None, help="Body field (default: body, then text)."),
        click.option(
            "--title-first-line", is_flag=True, help=".txt files: first line is the title."
        ),
        click.option(
            "--max-chars", default=1_000_000, show_default=True, help="Longer bodies are errors."
        ),
        click.option(
            "--split",
            type=click.Choice(["none", "chapters"]),
            default="none",
            show_default=True,
            help=".txt files: 'chapters' makes a document of each chapter (第X章/第X回/Chapter N "
            "headings), id FILE#NNN.",
        ),
        click.option(
            "--errors",
            "errors_path",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Write unreadable records here (JSONL).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _options(kw: dict[str, Any]) -> ReadOptions:
    try:
        return ReadOptions(
            encoding=kw.pop("encoding"),
            id_field=kw.pop("id_field"),
            title_field=kw.pop("title_field"),
            text_field=kw.pop("text_field"),
            title_first_line=kw.pop("title_first_line"),
            max_chars=kw.pop("max_chars"),
            split=kw.pop("split"),
        )
    except XigaoError as e:
        raise click.UsageError(str(e)) from e


def _create(path: Path, newline: str | None = None) -> IO[str]:
    """``path`` opened for writing, its folder made first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline=newline)


class ErrorSink:
    """Collects bad records; writes them as JSONL and reports a count on stderr."""

    def __init__(self, path: Path | None, quiet: bool) -> None:
        self.path, self.quiet, self.count = path, quiet, 0
        self._fh: IO[str] | None = _create(path) if path else None

    def add(self, err: dict[str, Any]) -> None:
        self.count += 1
        line = json.dumps(err, ensure_ascii=False)
        if self._fh is not None:
            self._fh.write(line + "\n")
        else:
            click.echo(f"error: {line}", err=True)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self.count and not self.quiet:
            where = f"; see {self.path}" if self.path else ""
            click.echo(f"{self.count} record(s) could not be processed{where}", err=True)


def _documents(
    sources: Iterable[str], options: ReadOptions, sink: ErrorSink, bar: Any = None
) -> Iterator[Document]:
    """The documents of ``sources``; each unreadable record goes to ``sink`` (and counts on the
    progress ``bar``, whose total counts every record)."""
    for item in read_documents(sources, options):
        if isinstance(item, ReadError):
            sink.add(item.to_dict())
            if bar is not None:
                bar.update(1)
        else:
            yield item


def _progress(
    quiet: bool,
    desc: str,
    unit: str = "doc",
    sources: Iterable[str] | None = None,
    options: ReadOptions | None = None,
) -> Any:
    """A progress bar on standard error: with ``sources``, its total (so a rate and the time
    left) is their records, counted ahead when they can be (not standard input)."""
    from tqdm import tqdm

    total = None if quiet or sources is None else count_records(sources, options)
    return tqdm(desc=desc, unit=unit, total=total, file=sys.stderr, disable=True if quiet else None)


def _open_index(path: Path) -> Index:
    try:
        return Index.open(path)
    except XigaoError as e:
        raise click.ClickException(str(e)) from e


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xigao")
def cli() -> None:
    """Find reposts, partial copies and 洗稿 rewrites of Chinese text against an index."""


@cli.group()
def index() -> None:
    """Build and maintain an index of originals."""


_index_opt = click.option(
    "--index",
    "index_path",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index directory.",
)


def _engine_opts(f: F) -> F:
    """``--engine``, ``--master`` and ``--spark-conf`` (see :mod:`xigao.spark`)."""
    f = click.option(
        "--spark-conf",
        "spark_conf",
        multiple=True,
        metavar="KEY=VALUE",
        help="A Spark setting (repeatable), e.g. spark.executor.memory=8g.",
    )(f)
    f = click.option(
        "--master",
        default="local[*]",
        show_default=True,
        help="Spark master URL, with --engine spark.",
    )(f)
    return click.option(
        "--engine",
        type=click.Choice(["local", "spark"]),
        default="local",
        show_default=True,
        help="local: this machine's processes; spark: a Spark cluster (pyspark and Java; "
        "the index is a Parquet index, see `xigao index convert`).",
    )(f)


def _spark_session(master: str, conf: tuple[str, ...]) -> Any:
    from xigao import spark as xs

    try:
        return xs.session(master, xs.parse_conf(conf))
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--spark-conf") from e
    except XigaoError as e:
        raise click.ClickException(str(e)) from e


def _counted(docs: Iterable[Document], bar: Any) -> Iterator[Document]:
    for d in docs:
        bar.update(1)
        yield d


_build_workers_opt = click.option(
    "--workers",
    default=default_workers(),
    show_default="CPUs, at most 4",
    type=click.IntRange(1, 64),
    help="Processes that normalize and sketch documents while this one writes the index.",
)


@index.command("build")
@click.argument("sources", nargs=-1, required=True)
@_index_opt
@click.option("--overwrite", is_flag=True, help="Replace an existing index.")
@click.option(
    "--vectors",
    default="static",
    show_default=True,
    help="Encoder of the document vectors stored for rewrite detection (static, e5, use).",
)
@click.option(
    "--no-vectors", is_flag=True, help="Lexical index: reposts and partial copies only, no model."
)
@click.option(
    "--genre",
    type=click.Choice(GENRES),
    default="news",
    show_default=True,
    help="What the originals are: fiction (novels, chapters) decides rewrites by its own "
    "threshold, since a renamed retelling keeps few of a chapter's facts.",
)
@_build_workers_opt
@_engine_opts
@read_options
def index_build(
    sources: tuple[str, ...],
    index_path: Path,
    overwrite: bool,
    vectors: str,
    no_vectors: bool,
    genre: str,
    workers: int,
    engine: str,
    master: str,
    spark_conf: tuple[str, ...],
    **kw: Any,
) -> None:
    """Build a new index from SOURCES (JSONL, CSV, folders of .txt, or - for stdin).

    With --engine spark the index is a Parquet index, sketched and embedded on the cluster;
    the documents are read here, as the local engine reads them."""
    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    spark = _spark_session(master, spark_conf) if engine == "spark" else None
    sink = ErrorSink(errors_path, quiet)
    bar = _progress(quiet, "indexing", sources=sources, options=options)
    docs = _documents(sources, options, sink, bar)
    try:
        if spark is not None:
            from xigao import spark as xs

            n = xs.build(
                spark,
                _counted(docs, bar),
                index_path,
                vectors="" if no_vectors else vectors,
                genre=genre,
                overwrite=overwrite,
            )
            where = f"{index_path} (Parquet, on Spark)"
        else:
            idx = Index.build(
                docs,
                index_path,
                vectors=None if no_vectors else vectors,
                overwrite=overwrite,
                progress=bar.update,
                workers=workers,
                genre=genre,
            )
            n, where = len(idx), str(index_path)
            idx.close()
    except (XigaoError, FileExistsError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    finally:
        bar.close()
        sink.close()
    if not quiet:
        click.echo(f"indexed {n} documents into {where}", err=True)
    if sink.count:
        sys.exit(1)


@index.command("add")
@click.argument("sources", nargs=-1, required=True)
@_index_opt
@_build_workers_opt
@read_options
def index_add(sources: tuple[str, ...], index_path: Path, workers: int, **kw: Any) -> None:
    """Add originals from SOURCES (same ids replace)."""
    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    idx = _open_index(index_path)
    sink = ErrorSink(errors_path, quiet)
    bar = _progress(quiet, "adding", sources=sources, options=options)
    try:
        rep = idx.add(_documents(sources, options, sink, bar), progress=bar.update, workers=workers)
    finally:
        bar.close()
        sink.close()
    if not quiet:
        click.echo(f"added {rep.added}, replaced {rep.replaced}; {len(idx)} documents", err=True)
    if sink.count:
        sys.exit(1)


@index.command("remove")
@click.argument("ids", nargs=-1, required=True)
@_index_opt
def index_remove(ids: tuple[str, ...], index_path: Path) -> None:
    """Remove originals by id."""
    idx = _open_index(index_path)
    missing = idx.remove(ids)
    click.echo(f"removed {len(ids) - len(missing)}; {len(idx)} documents", err=True)
    if missing:
        click.echo(f"not in the index: {', '.join(missing)}", err=True)
        sys.exit(1)


@index.command("info")
@_index_opt
def index_info(index_path: Path) -> None:
    """Counts, sizes, format version and settings, as JSON."""
    idx = _open_index(index_path)
    click.echo(json.dumps(idx.info(), ensure_ascii=False, indent=2))


def _output_opt(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


# -- scan ---------------------------------------------------------------------------------------


@cli.command()
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
@click.option(
    "--workers",
    default=default_workers(),
    show_default="CPUs, at most 4",
    type=click.IntRange(1, 64),
    help="Processes that check documents (started once the input holds more than "
    f"{batch.SERIAL} documents; fewer are checked in this one).",
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
    if engine == "spark":
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
    flagged: dict[str, Document] = {}
    if html is not None or table is not None:
        docs = _remember(docs, pending)
    results = idx.check_iter(
        docs,
        detect=kinds,
        exclude_quotes=exclude_quotes,
        leave_own_out=leave_own_out,
        workers=workers,
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
                if res["matches"] or res.get("near_miss"):
                    flagged[doc.id] = doc
            verdicts[res["verdict"]] += 1
            misses += bool(res.get("near_miss"))
            if table is not None and doc is not None:
                table.row(res, doc)
            else:
                out.write(json.dumps(res, ensure_ascii=False) + "\n")
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

        page = write_report(reported, idx, html, suspects=flagged)
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
    docs = _counted(_documents(inputs, options, sink, bar), bar)
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
                    if isinstance(r, Failed):
                        sink.add({"source": "check", "id": r.id, "reason": r.reason})
                        continue
                    res = r.to_dict()
                    verdicts[res["verdict"]] += 1
                    out.write(json.dumps(res, ensure_ascii=False) + "\n")
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


@index.command("convert")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def index_convert(source: Path, dest: Path) -> None:
    """Convert an index between the engines: a local index at SOURCE becomes a Parquet index
    (for --engine spark) at DEST, and a Parquet index a local one. Rows and sketches are copied
    as stored, nothing is recomputed; DEST is replaced."""
    from xigao import spark as xs

    try:
        if xs.is_spark_index(source):
            n, kind = xs.import_index(source, dest), "local"
        else:
            n, kind = xs.export_index(source, dest), "Parquet"
    except (XigaoError, ImportError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"converted {n} documents into a {kind} index at {dest}", err=True)


@cli.command("dedup")
@click.argument("inputs", nargs=-1, required=True)
@_output_opt("Clusters file, one JSON object a cluster (default: standard output).")
@click.option(
    "--index",
    "index_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also link each cluster to the indexed originals its members reuse.",
)
@click.option(
    "--detect",
    default="repost,partial",
    show_default=True,
    help="Kinds of reuse that join documents (rewrite embeds every sentence: much slower).",
)
@click.option(
    "--html",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the clusters as HTML (index.html + one page a cluster).",
)
@click.option(
    "--workers",
    default=default_workers(),
    show_default="CPUs, at most 4",
    type=click.IntRange(1, 64),
    help="Processes that check documents.",
)
@_engine_opts
@read_options
def dedup_cmd(
    inputs: tuple[str, ...],
    output: Path | None,
    index_path: Path | None,
    detect: str,
    html: Path | None,
    workers: int,
    engine: str,
    master: str,
    spark_conf: tuple[str, ...],
    **kw: Any,
) -> None:
    """Group the documents of INPUTS into clusters of reposts, partial copies and rewrites,
    without an index: each cluster with its members, its earliest member (canonical) and the
    verified edges with their evidence. With --engine spark the dump is indexed and checked
    on the cluster (--index then names a Parquet index), with the same clusters."""
    from xigao.dedup import dedup

    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    try:
        kinds = parse_detect(detect)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--detect") from e
    spark = _spark_session(master, spark_conf) if engine == "spark" else None
    idx: Any = None
    if index_path is not None and spark is not None:
        from xigao import spark as xs

        try:
            idx = xs.SparkIndex(spark, index_path)
        except XigaoError as e:
            raise click.ClickException(str(e)) from e
    elif index_path is not None:
        idx = _open_index(index_path)
    sink = ErrorSink(errors_path, quiet)
    docs = list(_documents(inputs, options, sink))
    bar = _progress(quiet, "deduplicating")
    bar.total = len(docs)
    try:
        if spark is not None:
            from xigao import spark as xs

            got = xs.dedup(spark, docs, detect=kinds, index=idx, progress=bar.update)
        else:
            got = dedup(docs, detect=kinds, index=idx, workers=workers, progress=bar.update)
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    finally:
        bar.close()
    for err in got.errors:
        sink.add({"source": "dedup", **err})
    sink.close()
    clusters = [c.to_dict(n) for n, c in enumerate(got.clusters, 1)]
    out = _create(output) if output else sys.stdout
    try:
        for c in clusters:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if not quiet:
        joined = sum(c["size"] for c in clusters)
        click.echo(
            f"{got.documents} documents: {len(clusters)} clusters holding {joined}, "
            f"{got.documents - joined} on their own",
            err=True,
        )
    if html is not None:
        from xigao.report import write_clusters

        page = write_clusters(clusters, {d.id: d for d in docs}, html)
        if not quiet:
            click.echo(f"report: {page}", err=True)
    if sink.count:
        sys.exit(1)


def _remember(docs: Iterable[Document], pending: deque[Document]) -> Iterator[Document]:
    """Pass documents through, keeping each until the scan loop takes its result (same order)."""
    for d in docs:
        pending.append(d)
        yield d


# -- compare ------------------------------------------------------------------------------------
def _read_text(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        return data.decode(detect_encoding(data))
    except (UnicodeDecodeError, LookupError) as e:
        raise click.ClickException(f"cannot decode {path}: {e}; convert it to UTF-8") from e


@cli.command("compare")
@click.argument("suspect", required=False)
@click.argument("original", required=False)
@click.option(
    "--pairs",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSONL of {"id", "a": suspect text, "b": original text}.',
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--detect", default=None)
@click.option(
    "--encoder",
    type=click.Choice(["static", "e5", "use"]),
    default=PAIR_ENCODER,
    show_default=True,
    help="Sentence encoder for rewrites and the pair score: e5 (the transformer) ranks pairs "
    "best (docs/benchmarks.md, Pairs) at tens of pairs per second; static scores thousands "
    "of pairs per second, less well.",
)
@click.option(
    "--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path), default=None
)
@click.option(
    "--palette",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the 调色盘 (palette) of SUSPECT and ORIGINAL: OUT.html or OUT.xlsx.",
)
def compare_cmd(
    suspect: str | None,
    original: str | None,
    pairs: Path | None,
    output: Path | None,
    detect: str | None,
    encoder: str,
    errors_path: Path | None,
    palette: Path | None,
) -> None:
    """Compare SUSPECT with ORIGINAL (two text files), or every pair in --pairs."""
    kinds = parse_detect(detect)
    compare = functools.partial(_compare, encoder=encoder)
    if palette is not None and palette.suffix.lower() not in (".html", ".htm", ".xlsx"):
        raise click.BadParameter("write the palette as .html or .xlsx", param_hint="--palette")
    if pairs is None:
        if not (suspect and original):
            raise click.UsageError("give SUSPECT and ORIGINAL files, or --pairs PAIRS.jsonl")
        a, b = _read_text(suspect), _read_text(original)
        res = compare(a, b, detect=kinds)
        text = json.dumps(res.to_dict(), ensure_ascii=False, indent=2)
        click.echo(_verdict_line(res.to_dict()), err=True)
        if palette is not None:
            from xigao import palette as pal

            d = res.to_dict() | {"id": Path(suspect).name}
            originals = {"original": (Path(original).name, b)}
            made = pal.palette(d, a, originals)
            pal.write(made, originals, palette)
            click.echo(f"palette: {palette} (雷同字数 {made.total_chars:,})", err=True)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            click.echo(text)
        return
    sink = ErrorSink(errors_path, False)
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        for n, line in enumerate(pairs.open(encoding="utf-8-sig"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                a, b = rec["a"], rec["b"]
                if not isinstance(a, str) or not isinstance(b, str):
                    raise TypeError("'a' and 'b' must be strings")
            except (ValueError, KeyError, TypeError) as e:
                sink.add({"source": str(pairs), "line": n, "reason": f"bad pair: {e}"})
                continue
            r = compare(a, b, detect=kinds)
            d = r.to_dict() | {"id": rec.get("id", n)}
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    finally:
        sink.close()
        if output:
            out.close()
    if sink.count:
        sys.exit(1)


# -- report and serve ---------------------------------------------------------------------------


def _verdict_line(res: dict[str, Any]) -> str:
    """One line for a person: the verdict, the score and, for an original that came close to
    a rewrite, why it fell short."""
    line = f"{res['verdict']} (score {res['score']:.2f})"
    miss = res.get("near_miss")
    if miss:
        line += f"; near miss: {miss.get('reason', '')}"
    return line


@cli.command("report")
@click.argument("results", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_index_opt
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for index.html and the per-document pages.",
)
@click.option(
    "--inputs",
    multiple=True,
    help="The scanned documents (repeatable), to show their text beside the originals.",
)
@click.option(
    "--palette",
    "palette_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write a 调色盘 (palette) per document with matches into this folder "
    "(needs --inputs for the documents' text).",
)
@click.option(
    "--palette-format",
    type=click.Choice(["html", "xlsx"]),
    default="html",
    show_default=True,
)
@read_options
def report_cmd(
    results: Path,
    index_path: Path,
    out: Path,
    inputs: tuple[str, ...],
    palette_dir: Path | None,
    palette_format: str,
    **kw: Any,
) -> None:
    """Write an HTML report from RESULTS (the JSONL written by `xigao scan`)."""
    from xigao.report import write_report

    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    try:
        rows = list(results_io.read(results))
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    idx = _open_index(index_path)
    wanted = {str(r.get("id")) for r in rows if r.get("matches")}
    sink = ErrorSink(errors_path, quiet)
    try:
        suspects = {d.id: d for d in _documents(inputs, options, sink) if d.id in wanted}
    finally:
        sink.close()
    page = write_report(rows, idx, out, suspects=suspects)
    if palette_dir is not None:
        from xigao.palette import write_many

        def original(doc_id: str) -> tuple[str | None, str] | None:
            o = idx.store.get(doc_id)
            return None if o is None else (o.title, o.body)

        texts = {k: d.body for k, d in suspects.items()}
        made = write_many(rows, original, texts, palette_dir, palette_format)
        if not quiet:
            click.echo(f"palettes: {made} in {palette_dir}", err=True)
    if not quiet:
        if not inputs:
            click.echo("no --inputs: the report shows the originals' side only", err=True)
        click.echo(f"report: {page}", err=True)


def _serve_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Read ``--config FILE.toml`` (its ``[serve]`` table, or the top level) into the command's
    defaults: a flag or an ``XIGAO_*`` variable still wins over the file."""
    if value is None:
        return None
    import tomllib

    try:
        data = tomllib.loads(value.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise click.BadParameter(f"{value}: {e}") from e
    table = data.get("serve", data)
    if not isinstance(table, dict):
        raise click.BadParameter(f"{value}: [serve] must be a table")
    names = {"index": "index_path"}
    settings = {names.get(k, k.replace("-", "_")): v for k, v in table.items()}
    known = {p.name for p in ctx.command.params if p.name and p.name != "config"}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise click.BadParameter(
            f"{value}: unknown setting(s) {', '.join(unknown)}; known: "
            + ", ".join(sorted("index" if k == "index_path" else k for k in known))
        )
    ctx.default_map = {**(ctx.default_map or {}), **settings}
    return value


@cli.command("serve")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_serve_config,
    is_eager=True,
    expose_value=False,
    help="TOML file of these settings (a [serve] table: index, host, port, token, ...); "
    "flags and XIGAO_* variables win over it.",
)
@click.option(
    "--index",
    "index_path",
    required=True,
    envvar="XIGAO_INDEX",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index directory ($XIGAO_INDEX).",
)
@click.option("--host", default="127.0.0.1", show_default=True, envvar="XIGAO_HOST")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), envvar="XIGAO_PORT"
)
@click.option(
    "--token",
    envvar="XIGAO_TOKEN",
    default=None,
    help="Require 'Authorization: Bearer TOKEN' (default: $XIGAO_TOKEN; none: no auth).",
)
@click.option(
    "--max-body-bytes",
    default=2_000_000,
    show_default=True,
    type=click.IntRange(1, None),
    envvar="XIGAO_MAX_BODY_BYTES",
)
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 256),
    envvar="XIGAO_THREADS",
    help="Checks run at once; more queue (default: CPU count, at most 4).",
)
@click.option(
    "--max-batch",
    default=100,
    show_default=True,
    type=click.IntRange(1, None),
    envvar="XIGAO_MAX_BATCH",
    help="Most documents one POST /v1/check/batch takes.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    envvar="XIGAO_LOG_LEVEL",
    type=click.Choice(["critical", "error", "warning", "info", "debug"], case_sensitive=False),
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    envvar="XIGAO_ACCESS_LOG",
    help="One JSON line per request on standard error: request id, status, latency, verdict.",
)
def serve(
    index_path: Path,
    host: str,
    port: int,
    token: str | None,
    max_body_bytes: int,
    threads: int | None,
    max_batch: int,
    log_level: str,
    access_log: bool,
) -> None:
    """Serve POST /v1/check and /v1/check/batch, POST /v1/originals, GET and DELETE
    /v1/originals/{id} and GET /v1/health over HTTP (docs at /docs). Settings come from flags,
    then XIGAO_* environment variables (XIGAO_INDEX, XIGAO_PORT, ...), then --config."""
    try:
        import uvicorn

        from xigao.service import create_app
    except ImportError as e:
        raise click.ClickException(
            f"{e}; install the service extra: pip install 'xigao[serve]'"
        ) from e
    app = create_app(
        _open_index(index_path),
        token=token or None,
        max_body_bytes=max_body_bytes,
        check_threads=threads,
        max_batch=max_batch,
    )
    if not token and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host} without a token (--token or XIGAO_TOKEN)", err=True)
    import logging

    logger = logging.getLogger("xigao.access")
    if access_log and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.INFO if access_log else logging.WARNING)
    uvicorn.run(app, host=host, port=port, log_level=log_level.lower(), access_log=False)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="xigao")


@functools.cache
def _commands() -> list[str]:
    """Every command path, for the documentation test."""
    out = []
    for name, cmd in cli.commands.items():
        if isinstance(cmd, click.Group):
            out += [f"{name} {sub}" for sub in cmd.commands]
        else:
            out.append(name)
    return out
