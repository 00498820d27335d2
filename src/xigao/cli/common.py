"""What several commands share: the options that read documents (``read_options``), the
index, engine, output and worker options, the error sink, the progress bar, and opening an
index or a Spark session with the library's errors turned into click's."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from xigao.errors import XigaoError
from xigao.io import ReadError, ReadOptions, count_records, read_sources
from xigao.offsets import OFFSETS
from xigao.pipeline import Index
from xigao.storage import write_trouble
from xigao.types import Document
from xigao.workers import default_workers

F = TypeVar("F", bound=Callable[..., Any])


def read_options(f: F) -> F:
    """Shared options for commands that read documents."""
    opts = [
        click.option("--encoding", default=None, help="Force an input encoding (default: detect)."),
        click.option(
            "--decode-errors",
            type=click.Choice(["strict", "replace"]),
            default="strict",
            show_default=True,
            help="replace: read bytes no encoding holds (a damaged file) as U+FFFD and keep the "
            "record, instead of an error.",
        ),
        click.option(
            "--id-field",
            default="id",
            show_default=True,
            help="Id field (the default id, then ID, 编号, 链接, 网址, url, URL).",
        ),
        click.option(
            "--title-field",
            default="title",
            show_default=True,
            help="Title field (the default title, then 标题, 题目).",
        ),
        click.option(
            "--text-field",
            default=None,
            help="Body field (default: body, then text, content, 正文, 内容).",
        ),
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


def settings_path(output: Path) -> Path:
    """The file beside a scan's JSONL results that says how they were made (``r.jsonl`` ->
    ``r.jsonl.scan.json``): what ``scan --resume`` checks and ``report`` reads its inputs by."""
    return output.with_name(output.name + ".scan.json")


def scanned_with(results: Path) -> dict[str, Any] | None:
    """How the scan that wrote ``results`` was made (:func:`settings_path`), where its file
    says it (None: a results file of an earlier version, or of no scan)."""
    try:
        got = json.loads(settings_path(results).read_text(encoding="utf-8"))["settings"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return got if isinstance(got, dict) else None


#: The reading options (``read_options``) a scan's results depend on, by their names in
#: :class:`~xigao.io.ReadOptions` and on the command line.
READ_SETTINGS = (
    "encoding", "decode_errors", "id_field", "title_field", "text_field", "title_first_line",
    "max_chars", "split",
)  # fmt: skip


def flag(name: str) -> str:
    """The command-line option a setting is given by (``title_first_line``:
    ``--title-first-line``)."""
    return "--" + name.replace("_", "-")


def _options(kw: dict[str, Any]) -> ReadOptions:
    try:
        return ReadOptions(
            encoding=kw.pop("encoding"),
            decode_errors=kw.pop("decode_errors"),
            id_field=kw.pop("id_field"),
            title_field=kw.pop("title_field"),
            text_field=kw.pop("text_field"),
            title_first_line=kw.pop("title_first_line"),
            max_chars=kw.pop("max_chars"),
            split=kw.pop("split"),
        )
    except XigaoError as e:
        raise click.UsageError(str(e)) from e


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _guard_outputs(inputs: Iterable[str | Path], **outputs: Path | None) -> None:
    """A usage error when an output file (``--output``, ``--errors``…, by option name) is one
    of the inputs: it is created, so emptied, before the input is read, and the records it
    held would be lost."""
    given = [Path(i) for i in inputs if str(i) != "-"]
    for name, out in outputs.items():
        if out is None:
            continue
        for src in given:
            if _same_file(out, src):
                flag = "--" + name.replace("_", "-")
                raise click.UsageError(
                    f"{flag} {out} is also an input: writing it would empty it before it is read"
                )
    named = [(n, o) for n, o in outputs.items() if o is not None]
    for k, (n1, o1) in enumerate(named):
        for n2, o2 in named[k + 1 :]:
            if _same_file(o1, o2):
                f1, f2 = ("--" + n.replace("_", "-") for n in (n1, n2))
                raise click.UsageError(f"{f1} and {f2} name the same file, {o1}")


def _inputs_exist(inputs: Iterable[str | Path]) -> None:
    """A usage error, before any output is opened, when an input path does not exist: a
    mistyped one would otherwise leave last week's results file emptied by a run that read
    nothing (black-box review 17)."""
    missing = [str(i) for i in inputs if str(i) != "-" and not Path(i).exists()]
    if missing:
        raise click.UsageError(
            f"no such input: {', '.join(missing)} (nothing was written; check the path)"
        )


def _writable_dir(folder: Path, what: str) -> None:
    """An error, before the work starts, when ``folder`` (made if missing) cannot be written:
    a report into a read-only folder failed only after a whole scan (black-box review 17)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise click.ClickException(f"cannot write {what} in {folder}: {e.strerror or e}") from e


def _create(path: Path, newline: str | None = None, *, append: bool = False) -> IO[str]:
    """``path`` opened for writing (or, ``append``, for adding to its end), its folder made
    first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("a" if append else "w", encoding="utf-8", newline=newline)


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
    sources: Iterable[str],
    options: ReadOptions,
    sink: ErrorSink,
    bar: Any = None,
    *,
    unique: bool = False,
) -> Iterator[Document]:
    """The documents of ``sources``; each unreadable record goes to ``sink`` (and counts on the
    progress ``bar``, whose total counts every record). ``unique``: a record whose id an
    earlier one has (ids are strings: 7 and "7" are one) goes to ``sink`` too, naming both
    sources, and the first is kept: an index holds one original an id."""
    for doc, _ in _placed(sources, options, sink, bar, unique=unique):
        yield doc


#: Where a document was read: its source as given, and ``line`` (JSONL, CSV) or ``path`` (a
#: ``.txt`` file, a folder's file), as a scan's result and a read error say it.
Place = dict[str, Any]


def _placed(
    sources: Iterable[str],
    options: ReadOptions,
    sink: ErrorSink,
    bar: Any = None,
    *,
    unique: bool = False,
) -> Iterator[tuple[Document, Place]]:
    """:func:`_documents`, each with where it was read (:data:`Place`)."""
    first: dict[str, str] = {}
    # read as one run, so that a second .txt file of a name gets its path as id, not the name
    for src, item, place in read_sources(sources, options):
        if isinstance(item, Document) and unique:
            if item.id in first:
                seen = first[item.id]
                where = "earlier in this source" if seen == src else f"in {seen}"
                reason = f"duplicate id: a record {where} has it, and that one is kept"
                item = ReadError(src, reason, id=item.id, **place)
            else:
                first[item.id] = src
        if isinstance(item, ReadError):
            sink.add(item.to_dict())
            if bar is not None:
                bar.update(1)
        else:
            # (the source as a path is written plainly, ./a.jsonl and in/ as a.jsonl and in:
            # what --resume and report compare; a .txt file given by name is its source, with
            # no path beside it)
            named = source_name(src)
            yield (
                item,
                {"source": named, **{k: v for k, v in place.items() if v not in (src, named)}},
            )


def source_name(src: str) -> str:
    """An input's name as results say it: the path written plainly (``./in/`` is ``in``)."""
    return src if src == "-" else os.path.normpath(src)


def place_key(place: Place, doc_id: str) -> tuple[Any, ...]:
    """What tells one input from every other of a run: its place and id (a book's chapters
    share their file)."""
    return (place.get("source"), place.get("line"), place.get("path"), doc_id)


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
    with index_errors(path):
        return Index.open(path)


@contextlib.contextmanager
def index_errors(path: Path) -> Iterator[None]:
    """What goes wrong with the index at ``path`` as one ``Error:`` line, not a traceback: a
    xigao error as it says, and SQLite's own (another process writing, a full disk, damaged
    pages) in words that say what to do."""
    try:
        yield
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    except sqlite3.Error as e:
        said = {
            "busy": f"another process is writing the index at {path} ({e}): try again later",
            "full": f"the disk holding the index at {path} is full ({e}): nothing was written",
        }.get(write_trouble(e) or "", f"the index at {path} cannot be used: {e}")
        raise click.ClickException(said) from e


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


def _offsets_opt(what: str) -> Callable[[F], F]:
    """``--offsets``: the unit of the offsets in ``what`` (the results written)."""
    return click.option(
        "--offsets",
        type=click.Choice(OFFSETS),
        default="codepoints",
        show_default=True,
        help=f"The unit of {what}'s offsets: codepoints (Python str indices) or utf16 (code "
        "units, JavaScript string indices); each result then says offsets: utf16.",
    )


def _workers_opt(help_text: str) -> Callable[[F], F]:
    """``--workers``: processes doing ``help_text``'s work, by default the CPUs (at most 4)."""
    return click.option(
        "--workers",
        default=default_workers(),
        show_default="CPUs, at most 4",
        type=click.IntRange(1, 64),
        help=help_text,
    )


_build_workers_opt = _workers_opt(
    "Processes that normalize and sketch documents while this one writes the index."
)


def _output_opt(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )
