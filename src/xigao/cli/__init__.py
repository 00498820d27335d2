"""The ``xigao`` command line: a thin shell over the library.

Results go to ``--output`` or standard output; progress and summaries to standard error. Every
input record ends up in the output or in the error list, and the exit status is 1 when any
record failed (or an output could not be written), 2 for usage errors, 130 when interrupted.

The commands live one family a module: :mod:`~xigao.cli.index_cmds` (``index build``, ``add``,
``remove``, ``rebuild``, ``info``, ``convert``), :mod:`~xigao.cli.scan`, :mod:`~xigao.cli.dedup`,
:mod:`~xigao.cli.compare`, :mod:`~xigao.cli.report` and :mod:`~xigao.cli.serve`; what several
of them share (the read options, the error sink, the progress bar) is in
:mod:`~xigao.cli.common`. This module holds the group and registers them.
"""

from __future__ import annotations

import errno
import functools
import os
import sys

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


#: The errors of writing an output: a full disk or quota, a read-only or another user's
#: folder, a folder where a file was named; any other OSError keeps its traceback.
_WRITING = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                      errno.EISDIR, errno.ENOTDIR, errno.EFBIG})  # fmt: skip
#: The exit status of a command interrupted (Ctrl-C, SIGINT), as a shell gives it: neither 1,
#: some records failed, nor 2, a usage error (black-box review 17).
INTERRUPTED = 130


def main() -> None:
    """Console-script entry point: click's own handling, but an interrupted command exits 130
    and says what it left, and a file that cannot be written (a full disk, a read-only
    folder) is one ``Error:`` line, not a traceback."""
    try:
        code = cli.main(prog_name="xigao", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        # (a scan's results and errors are written a line at a time, in input order; an index
        # build is moved into place only when it is done, an add commits batch by batch)
        resume = " (a scan goes on with --resume)" if sys.argv[1:2] == ["scan"] else ""
        click.echo(f"interrupted: what was written so far is whole{resume}", err=True)
        sys.exit(INTERRUPTED)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except OSError as e:
        if e.errno not in _WRITING or os.environ.get("XIGAO_DEBUG"):
            raise  # (not an output's: a bug or the machine, whose traceback says where)
        where = f" {e.filename}" if e.filename else ""
        click.echo(f"Error: cannot write{where}: {e.strerror or e}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


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
