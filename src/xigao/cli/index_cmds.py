"""``xigao index``: build, add, remove, rebuild, info and convert, the commands that make and keep an
index of originals (local, or Parquet for ``--engine spark``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from xigao.cli.common import (
    ErrorSink,
    _build_workers_opt,
    _counted,
    _documents,
    _engine_opts,
    _index_opt,
    _inputs_exist,
    _open_index,
    _options,
    _progress,
    _spark_session,
    index_errors,
    read_options,
)
from xigao.errors import IndexFormatError, XigaoError
from xigao.pipeline import Index
from xigao.storage import stored_settings
from xigao.types import GENRES


@click.group()
def index() -> None:
    """Build and maintain an index of originals."""


@index.command("build")
@click.argument("sources", nargs=-1, required=True)
@_index_opt
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace an existing index (only an index: a folder of other files is refused).",
)
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
    _inputs_exist(sources)  # (--overwrite with a mistyped source would build an empty index)
    spark = _spark_session(master, spark_conf) if engine == "spark" else None
    sink = ErrorSink(errors_path, quiet)
    bar = _progress(quiet, "indexing", sources=sources, options=options)
    docs = _documents(sources, options, sink, bar, unique=True)
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
    _inputs_exist(sources)
    idx = _open_index(index_path)
    sink = ErrorSink(errors_path, quiet)
    bar = _progress(quiet, "adding", sources=sources, options=options)
    try:
        with index_errors(index_path):
            docs = _documents(sources, options, sink, bar, unique=True)
            rep = idx.add(docs, progress=bar.update, workers=workers)
            n = len(idx)
    finally:
        bar.close()
        sink.close()
    if not quiet:
        click.echo(f"added {rep.added}, replaced {rep.replaced}; {n} documents", err=True)
    if sink.count:
        sys.exit(1)


@index.command("remove")
@click.argument("ids", nargs=-1, required=True)
@_index_opt
def index_remove(ids: tuple[str, ...], index_path: Path) -> None:
    """Remove originals by id."""
    idx = _open_index(index_path)
    with index_errors(index_path):
        missing = idx.remove(ids)
        n = len(idx)
    click.echo(f"removed {len(ids) - len(missing)}; {n} documents", err=True)
    if missing:
        click.echo(f"not in the index: {', '.join(missing)}", err=True)
        sys.exit(1)


@index.command("rebuild")
@_index_opt
@_build_workers_opt
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def index_rebuild(index_path: Path, workers: int, quiet: bool) -> None:
    """Build the index anew with this xigao from the originals it stores, keeping its genre,
    encoder and settings: an index built by an older xigao (another normalizer version) is
    usable again without its source files. Built aside and moved into place."""
    try:
        _, n = stored_settings(index_path)
    except XigaoError as e:
        raise click.ClickException(str(e)) from e
    bar = _progress(quiet, "rebuilding")
    bar.total = None if quiet else n
    try:
        with index_errors(index_path):
            idx = Index.rebuild(index_path, progress=bar.update, workers=workers)
            n = len(idx)
            idx.close()
    finally:
        bar.close()
    if not quiet:
        click.echo(f"rebuilt {index_path}: {n} documents", err=True)


@index.command("info")
@_index_opt
def index_info(index_path: Path) -> None:
    """Counts, sizes, format version and settings, as JSON. An index this xigao cannot open
    (built by another version) gives what it stores and why it must be rebuilt."""
    try:
        idx = Index.open(index_path)
    except IndexFormatError as e:
        try:
            meta, n = stored_settings(index_path)
        except XigaoError:
            raise click.ClickException(str(e)) from e
        keys: tuple[str, ...] = ("format_version", "normalizer_version", "genre")
        said = {k: meta[k] for k in keys if k in meta}
        info: dict[str, object] = {"documents": n, **said, "usable": False, "why": str(e)}
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    with index_errors(index_path):
        info = idx.info()
    click.echo(json.dumps(info, ensure_ascii=False, indent=2))


@index.command("convert")
@click.argument("source", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def index_convert(source: Path, dest: Path) -> None:
    """Convert an index between the engines: a local index at SOURCE becomes a Parquet index
    (for --engine spark) at DEST, and a Parquet index a local one. Rows and sketches are copied
    as stored, nothing is recomputed; an index at DEST is replaced (a folder of other files
    never is)."""
    from xigao import spark as xs

    try:
        if xs.is_spark_index(source):
            n, kind = xs.import_index(source, dest), "local"
        else:
            n, kind = xs.export_index(source, dest), "Parquet"
    except (XigaoError, ImportError, FileExistsError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"converted {n} documents into a {kind} index at {dest}", err=True)
