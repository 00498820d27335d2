"""The ``xigao`` command line: a thin shell over the library.

Results go to ``--output`` or standard output; progress and summaries to standard error. Every
input record ends up in the output or in the error list, and the exit status is 1 when any
record failed, 2 for usage errors.

The commands live one family a module: :mod:`~xigao.cli.index_cmds` (``index build``, ``add``,
``remove``, ``rebuild``, ``info``, ``convert``), :mod:`~xigao.cli.scan`, :mod:`~xigao.cli.dedup`,
:mod:`~xigao.cli.compare`, :mod:`~xigao.cli.report` and :mod:`~xigao.cli.serve`; what several
of them share (the read options, the error sink, the progress bar) is in
:mod:`~xigao.cli.common`. This module holds the group and registers them.
"""

from __future__ import annotations

import functools

import click

from xigao.cli import compare, dedup, index_cmds, report, scan, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xigao")
def cli() -> None:
    """Find reposts, partial copies and 洗稿 rewrites of Chinese text against an index."""


cli.add_command(index_cmds.index)
cli.add_command(scan.scan)
cli.add_command(dedup.dedup_cmd)
cli.add_command(compare.compare_cmd)
cli.add_command(report.report_cmd)
cli.add_command(serve.serve)


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
