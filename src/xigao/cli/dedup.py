"""``xigao dedup``: group the documents of the inputs into clusters of reposts, partial
copies and rewrites, without an index."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from xigao.cli.common import (
    ErrorSink,
    _create,
    _documents,
    _engine_opts,
    _guard_outputs,
    _inputs_exist,
    _open_index,
    _options,
    _output_opt,
    _progress,
    _spark_session,
    _workers_opt,
    read_options,
)
from xigao.errors import XigaoError
from xigao.pipeline import parse_detect


@click.command("dedup")
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
    "--singles",
    is_flag=True,
    help="Also write each document that joined no cluster, as a cluster of one (size 1, no "
    "edges), after the clusters: every input is then in the output or the errors.",
)
@_workers_opt("Processes that check documents.")
@_engine_opts
@read_options
def dedup_cmd(
    inputs: tuple[str, ...],
    output: Path | None,
    index_path: Path | None,
    detect: str,
    html: Path | None,
    singles: bool,
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
    from xigao.dedup import Cluster, dedup

    errors_path, quiet = kw.pop("errors_path"), kw.pop("quiet")
    options = _options(kw)
    _inputs_exist(inputs)
    _guard_outputs(inputs, output=output, errors=errors_path)
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
    docs = list(_documents(inputs, options, sink, unique=True))
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
    grouped = got.clusters
    if singles:  # (in input order, after the clusters; a document that failed is an error)
        held = {d.id for c in got.clusters for d in c.members}
        held |= {str(e["id"]) for e in got.errors if e.get("id") is not None}
        grouped = [*grouped, *(Cluster(d.id, [d], []) for d in docs if d.id not in held)]
    clusters = [c.to_dict(n) for n, c in enumerate(grouped, 1)]
    for c in clusters[len(got.clusters) :]:  # (a single's originals are a scan's to find)
        del c["originals"]
    out = _create(output) if output else sys.stdout
    try:
        for c in clusters:
            out.write(json.dumps(c, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if not quiet:
        joined = sum(len(c.members) for c in got.clusters)
        alone = " (written as clusters of one)" if singles else ""
        click.echo(
            f"{got.documents} documents: {len(got.clusters)} clusters holding {joined}, "
            f"{got.documents - joined} on their own{alone}",
            err=True,
        )
    if html is not None:
        from xigao.report import write_clusters

        # (the clusters only: a page per single document shows nothing)
        page = write_clusters(clusters[: len(got.clusters)], {d.id: d for d in docs}, html)
        if not quiet:
            click.echo(f"report: {page}", err=True)
    if sink.count:
        sys.exit(1)
