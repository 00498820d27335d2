"""Offsets in UTF-16 code units (:mod:`xigao.offsets`): what a browser's JavaScript indexes."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from xigao import Index
from xigao.offsets import in_utf16


def utf16(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with the offsets in UTF-16 code units, as JavaScript slices it."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


_text = st.text(st.sampled_from([*"甲乙丙。", "😀", "𠮷", "\U0001f468"]), max_size=40)


@given(_text, st.data())
def test_every_span_reads_the_same_characters_in_utf16(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    r = {"attribution": [{"span": [a, b]}], "matches": [{"source_id": "x", "evidence": [
        {"suspect": [a, b], "source": [a, b]}]}]}  # fmt: skip
    got = in_utf16(r, text, {"x": text}.get)
    ev = got["matches"][0]["evidence"][0]
    assert utf16(text, *ev["suspect"]) == utf16(text, *ev["source"]) == text[a:b]
    assert utf16(text, *got["attribution"][0]["span"]) == text[a:b]
    assert r["matches"][0]["evidence"][0]["suspect"] == [a, b]  # the result given is kept


def emoji_original(stories: list[dict]) -> dict:
    body = stories[0]["body"].split("：", 1)[-1]
    return {"id": "emo", "source": "央视网", "body": "🎉" + body[:120] + "𠮷" + body[120:300]}


def test_a_check_in_utf16_points_at_the_same_text(tmp_path: Path, stories: list[dict]) -> None:
    original = emoji_original(stories)
    suspect = (
        "😀😀来源：央视网\n" + original["body"][1:250] + "👍我的看法是这样的，大家觉得呢？" * 3
    )
    with Index.build([original, *stories[1:20]], tmp_path / "idx", vectors=None) as idx:
        r = idx.check(suspect, detect=("repost", "partial"))
        plain, d = r.to_dict(), idx.in_utf16(r, suspect)
    assert d["offsets"] == "utf16" and "offsets" not in plain
    assert plain["matches"][0]["source_id"] == "emo"
    for m, m16 in zip(plain["matches"], d["matches"], strict=True):
        for e, e16 in zip(m["evidence"], m16["evidence"], strict=True):
            assert utf16(suspect, *e16["suspect"]) == suspect[slice(*e["suspect"])]
            assert utf16(original["body"], *e16["source"]) == original["body"][slice(*e["source"])]
        # the suspect's spans moved by its two emoji, the original's by its one
        assert m16["evidence"][0]["suspect"][0] == m["evidence"][0]["suspect"][0] + 2
        assert m16["evidence"][0]["source"][0] == m["evidence"][0]["source"][0] + 1
    credit, credit16 = plain["attribution"][0], d["attribution"][0]
    assert utf16(suspect, *credit16["span"]) == suspect[slice(*credit["span"])]
    assert suspect[slice(*credit["span"])].endswith("来源：央视网")


def test_scan_writes_utf16_offsets_in_jsonl_only(tmp_path: Path, stories: list[dict]) -> None:
    from tests.test_cli import run, write_jsonl

    original = emoji_original(stories)
    idx = str(tmp_path / "idx")
    src = write_jsonl(tmp_path / "o.jsonl", [original, *stories[1:10]])
    assert run("index", "build", str(src), "--index", idx, "--no-vectors", "-q")[0] == 0
    suspect = "😀" + original["body"][1:]
    sus = write_jsonl(tmp_path / "s.jsonl", [{"id": "s", "body": suspect}])
    code, out, err = run("scan", str(sus), "--index", idx, "--offsets", "utf16", "-q")
    assert code == 0, err
    got = json.loads(out)
    assert got["offsets"] == "utf16" and got["verdict"] == "repost"
    s0, s1 = got["matches"][0]["evidence"][0]["suspect"]
    assert utf16(suspect, s0, s1).startswith(original["body"][1:20].strip())
    code, _, err = run("scan", str(sus), "--index", idx, "--offsets", "utf16", "--format", "csv")
    assert code == 2 and "--offsets utf16" in err


def test_a_report_refuses_results_in_utf16(tmp_path: Path) -> None:
    """Results written with --offsets utf16 are not read as code points (diff review 15)."""
    import pytest

    from xigao.results import ResultsError, read

    path = tmp_path / "r.jsonl"
    path.write_text('{"id": "a", "verdict": "original", "matches": [], "offsets": "utf16"}\n')
    with pytest.raises(ResultsError, match="UTF-16 code units"):
        list(read(path))
