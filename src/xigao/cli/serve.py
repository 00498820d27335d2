"""``xigao serve``: the HTTP service (:mod:`xigao.service`) over an index, its settings from
flags, ``XIGAO_*`` variables or a TOML file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xigao.cli.common import _open_index


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


@click.command("serve")
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

        from xigao.service import check_token, create_app
    except ImportError as e:
        raise click.ClickException(
            f"{e}; install the service extra: pip install 'xigao[serve]'"
        ) from e
    if token is None and "XIGAO_TOKEN" in os.environ:  # click reads an empty one as unset
        token = os.environ["XIGAO_TOKEN"]
    try:  # a token given empty (XIGAO_TOKEN= with its secret unset) never opens the service
        token = check_token(token)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="'--token' / XIGAO_TOKEN") from e
    app = create_app(
        _open_index(index_path),
        token=token,
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
