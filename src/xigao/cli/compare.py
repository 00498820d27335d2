"""``xigao compare``: compare two texts, or every pair of a JSONL file, without an index."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import click

from xigao.cli.common import ErrorSink
from xigao.io import detect_encoding
from xigao.pipeline import PAIR_ENCODER, parse_detect
from xigao.pipeline import compare as _compare
from xigao.types import GENRES


def _read_text(path: str) -> str:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    try:
        return data.decode(detect_encoding(data))
    except (UnicodeDecodeError, LookupError) as e:
        raise click.ClickException(f"cannot decode {path}: {e}; convert it to UTF-8") from e


def _verdict_line(res: dict[str, Any]) -> str:
    """One line for a person: the verdict, the score and why: a rewrite's reason (the score,
    the share of the original reused, is small for a passage of a long chapter), or for an
    original that came close to a rewrite, why it fell short."""
    line = f"{res['verdict']} (score {res['score']:.2f})"
    reason = next((m["reason"] for m in res.get("matches", []) if m.get("reason")), None)
    miss = res.get("near_miss")
    if reason:
        line += f": {reason}"
    elif miss:
        line += f"; near miss: {miss.get('reason', '')}"
    return line


@click.command("compare")
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
    help="Sentence encoder for the pair score: e5 (the transformer) ranks pairs best "
    "(docs/benchmarks.md, Pairs) at tens of pairs per second; static scores a few hundred "
    "pairs per second, less well. The verdict is the same with either.",
)
@click.option(
    "--genre",
    type=click.Choice(list(GENRES)),
    default="news",
    show_default=True,
    help="What the texts are: news, or fiction (chapters, stories), whose renamed copies keep "
    "few facts and are read with their name map.",
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
    genre: str,
    errors_path: Path | None,
    palette: Path | None,
) -> None:
    """Compare SUSPECT with ORIGINAL (two text files), or every pair in --pairs."""
    kinds = parse_detect(detect)
    compare = functools.partial(_compare, encoder=encoder, genre=genre)
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
