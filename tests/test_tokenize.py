"""Tokenizer: offsets, engines, user dictionaries and rjieba/jieba agreement."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xigao.tokenize import Tokenizer, default_tokenizer, read_user_dict

from .conftest import cctv

SENTENCE = "开展洗稿检测和剑网行动,新型冠状病毒肺炎疫情防控 取得 ABC-123 成效。\n\n下一句"


@pytest.fixture(scope="module", params=["rjieba", "jieba"])
def tok(request: pytest.FixtureRequest) -> Tokenizer:
    return Tokenizer(engine=request.param)


@pytest.fixture(scope="module")
def both() -> tuple[Tokenizer, Tokenizer]:
    return Tokenizer(engine="rjieba"), Tokenizer(engine="jieba")


@pytest.fixture()
def user_dict(tmp_path: Path) -> Path:
    path = tmp_path / "words.txt"
    path.write_text("\ufeff洗稿检测 10 n\n新型冠状病毒肺炎\n\n  剑网行动   5  \n", encoding="utf-8")
    return path


def covers(text: str, tokens: list[tuple[str, int, int]]) -> bool:
    pos = 0
    for word, s, e in tokens:
        if s != pos or text[s:e] != word or e <= s:
            return False
        pos = e
    return pos == len(text)


def test_offsets_cover_the_text(tok: Tokenizer) -> None:
    tokens = tok.tokenize(SENTENCE)
    assert covers(SENTENCE, tokens)
    assert tok.cut(SENTENCE) == [w for w, _, _ in tokens]
    assert tok.tokenize("") == [] and tok.cut("") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_offsets_cover_any_text(both: tuple[Tokenizer, Tokenizer], text: str) -> None:
    for tok in both:
        assert covers(text, tok.tokenize(text)), tok.engine


def test_engines() -> None:
    auto = Tokenizer()
    assert auto.engine == "rjieba"  # installed with xigao
    assert Tokenizer(engine="jieba").engine == "jieba"
    assert "rjieba" in repr(auto)
    with pytest.raises(ValueError, match="auto"):
        Tokenizer(engine="thulac")  # type: ignore[arg-type]


def test_auto_falls_back_to_jieba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rjieba", None)  # as if rjieba were not installed
    assert Tokenizer().engine == "jieba"
    with pytest.raises(ImportError):
        Tokenizer(engine="rjieba")


def test_default_tokenizer_is_shared() -> None:
    assert default_tokenizer() is default_tokenizer()
    assert default_tokenizer().cut("北京清华大学") == ["北京", "清华大学"]


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_user_dict_words_stay_whole(engine: str, user_dict: Path) -> None:
    text = "开展洗稿检测和剑网行动,新型冠状病毒肺炎"
    plain = Tokenizer(engine=engine).cut(text)  # type: ignore[arg-type]
    assert "洗稿检测" not in plain and "剑网行动" not in plain
    words = Tokenizer(engine=engine, user_dict=user_dict).cut(text)  # type: ignore[arg-type]
    assert {"洗稿检测", "剑网行动", "新型冠状病毒肺炎"} <= set(words)
    # Another tokenizer of the same engine is untouched by that dictionary.
    assert Tokenizer(engine=engine).cut(text) == plain  # type: ignore[arg-type]


def test_read_user_dict(user_dict: Path) -> None:
    assert read_user_dict(user_dict) == [
        ("洗稿检测", 10, "n"),
        ("新型冠状病毒肺炎", None, None),
        ("剑网行动", 5, None),
    ]


def test_bad_user_dicts_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(ValueError, match=re.escape(str(missing))):
        Tokenizer(user_dict=missing)
    binary = tmp_path / "words.bin"
    binary.write_bytes(b"\xff\xfe\x00\x01abc")
    with pytest.raises(ValueError, match=re.escape(str(binary))):
        Tokenizer(user_dict=binary)
    control = tmp_path / "control.txt"
    control.write_bytes("词\x00语 3\n".encode())
    with pytest.raises(ValueError, match="line 1"):
        Tokenizer(engine="jieba", user_dict=control)
    with pytest.raises(ValueError, match="cannot read"):
        Tokenizer(user_dict=tmp_path)


def test_engines_agree_on_news(both: tuple[Tokenizer, Tokenizer]) -> None:
    """rjieba and jieba share a dictionary: they segment ordinary news the same way."""
    sentences = [
        s
        for story in cctv(60)
        for s in re.split(r"(?<=[。!?！？])", story["body"])
        if len(s.strip()) >= 10
    ][:200]
    assert len(sentences) == 200
    rj, jb = both
    agree = sum(rj.tokenize(s) == jb.tokenize(s) for s in sentences) / len(sentences)
    assert agree >= 0.95, agree


@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_tags_cover_the_text_and_find_names(engine: str) -> None:
    tok = Tokenizer(engine=engine)  # type: ignore[arg-type]
    text = "全国政协主席王沪宁22日在京会见马达加斯加客人。"
    tags = tok.tag(text)
    assert "".join(w for w, _ in tags) == text
    assert ("王沪宁", "nr") in tags and ("马达加斯加", "ns") in tags
    assert tok.tag("") == []


def test_user_dict_words_keep_their_tag(user_dict: Path) -> None:
    tok = Tokenizer(user_dict=user_dict)
    assert ("洗稿检测", "n") in tok.tag("开展洗稿检测")
