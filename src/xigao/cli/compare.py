"""``xigao compare``: compare two texts, or every pair of a JSONL file, without an index."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import click

from xigao.cli.common import ErrorSink, _create, _guard_outputs, _offsets_opt
from xigao.io import ReadError, detect_encoding, read_json_records, whole_characters
from xigao.offsets import in_utf16
from xigao.pipeline import PAIR_ENCODER, parse_detect
from xigao.pipeline import compare as _compare
from xigao.types import GENRES


def _read_text(path: str) -> str:
    """A text file (or ``-``) whole, in the encoding it is written in; a clear error when it
    cannot be read or holds no text (as a scan says of such a record)."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as e:
        raise click.ClickException(f"cannot read {path}: {e.strerror or e}") from e
    try:
        text = data.decode(detect_encoding(data)).removeprefix("\ufeff")
    except (UnicodeDecodeError, LookupError) as e:
        raise click.ClickException(f"cannot decode {path}: {e}; convert it to UTF-8") from e
    if not text.strip():
        raise click.ClickException(f"{path}: empty text, nothing to compare")
    return text


def _pair(rec: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]:
    """The texts of one line of --pairs and their metadata (``a_meta``, ``b_meta``: objects,
    optional), or ``ValueError`` saying what is wrong with it."""
    for key in ("a", "b"):
        if key not in rec:
            raise ValueError(f'missing field "{key}" (a: the suspect, b: the original)')
        if not isinstance(rec[key], str):
            raise ValueError(f'field "{key}" must be a string, not {type(rec[key]).__name__}')
        if not rec[key].strip():
            raise ValueError(f'field "{key}" is empty')
    for key in ("a_meta", "b_meta"):
        if rec.get(key) is not None and not isinstance(rec[key], dict):
            raise ValueError(f'field "{key}" must be an object, not {type(rec[key]).__name__}')
    a_meta, b_meta = whole_characters(rec.get("a_meta")), whole_characters(rec.get("b_meta"))
    return whole_characters(rec["a"]), whole_characters(rec["b"]), a_meta, b_meta


def _verdict_line(res: dict[str, Any]) -> str:
    """One line for a person: the verdict, the pair score and why: a rewrite's reason, or for
    an original that came close to a rewrite, why it fell short. The pair score ranks pairs
    (how alike the two read, raised by the share of the original reused); the verdict is the
    wash measures' or the verbatim copy's, and the reason gives their shares (a "rewrite (score
    0.02)" read as noise: black-box review 10)."""
    line = f"{res['verdict']} (pair score {res['score']:.2f})"
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
    help='JSONL of {"id", "a": suspect text, "b": original text}; optional "a_meta" and '
    '"b_meta" objects (source, time…) for credited and direction. A pair without an id is '
    'named by its line: "line-5".',
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
@_offsets_opt("the JSON")
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
    offsets: str,
) -> None:
    """Compare SUSPECT with ORIGINAL (two text files), or every pair in --pairs."""
    try:
        kinds = parse_detect(detect)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--detect") from e
    inputs = [p for p in (suspect, original, pairs) if p is not None]
    _guard_outputs(inputs, output=output, errors=errors_path, palette=palette)
    compare = functools.partial(_compare, encoder=encoder, genre=genre)
    if palette is not None and palette.suffix.lower() not in (".html", ".htm", ".xlsx"):
        raise click.BadParameter("write the palette as .html or .xlsx", param_hint="--palette")
    if pairs is None:
        if not (suspect and original):
            raise click.UsageError("give SUSPECT and ORIGINAL files, or --pairs PAIRS.jsonl")
        a, b = _read_text(suspect), _read_text(original)
        res = compare(a, b, detect=kinds)
        d = res.to_dict() | {"id": Path(suspect).name}  # its id as a scan names a .txt file
        shown = in_utf16(d, a, {"original": b}.get) if offsets == "utf16" else d
        text = json.dumps(shown, ensure_ascii=False, indent=2)
        click.echo(_verdict_line(d), err=True)
        click.echo(d["summary"], err=True)  # the same in plain Chinese
        if palette is not None:
            from xigao import palette as pal

            originals = {"original": (Path(original).name, b)}
            made = pal.palette(d, a, originals)
            pal.write(made, originals, palette)
            click.echo(f"palette: {palette} (雷同字数 {made.total_chars:,})", err=True)
        if output:
            with _create(output) as f:
                f.write(text + "\n")
        else:
            click.echo(text)
        return
    sink = ErrorSink(errors_path, False)
    out = _create(output) if output else sys.stdout
    try:
        for item in read_json_records(str(pairs)):
            if isinstance(item, ReadError):
                sink.add(item.to_dict())
                continue
            n, rec, where = item
            try:
                a, b, a_meta, b_meta = _pair(rec)
            except ValueError as e:
                place = {"line": n} if n is not None else {"item": where}
                known = {"id": rec["id"]} if isinstance(rec.get("id"), str | int) else {}
                sink.add({"source": str(pairs), **place, **known, "reason": str(e)})
                continue
            r = compare(a, b, detect=kinds, meta=a_meta, original_meta=b_meta)
            # a pair without an id is named by where it stands (line-5, never "5": an id of
            # another pair may be 5)
            given = rec.get("id")
            d = r.to_dict() | {"id": given if given is not None else f"line-{n}" if n else where}
            if offsets == "utf16":
                d = in_utf16(d, a, {"original": b}.get)
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
    finally:
        sink.close()
        if output:
            out.close()
    if sink.count:
        sys.exit(1)
