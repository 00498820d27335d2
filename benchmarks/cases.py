"""Seeded, versioned PAN-style case generator.

``python -m benchmarks.cases --out bench-out/cases [--quick]`` writes, per collection:
``<out>/<collection>/originals.jsonl`` (the documents to index), ``<split>/cases.jsonl`` and
``meta.json`` (sizes, hygiene counts, generator version and seed). Collections: ``main`` (CCTV
stories; splits ``dev`` for calibration and ``test`` for reporting, built from disjoint
originals and innocents) and ``heldout`` (THUCNews + public-domain literature, its own seed).

A case is ``{id, title, body, kind, subkind, strength, sources, details}`` where ``sources`` is a
list of ``{source_id, kind, spans}`` and each span pair ``[[s0, s1], [o0, o1]]`` holds end-
exclusive character offsets into the suspect body and the original body as stored.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.data import (
    Doc,
    load_cctv,
    load_cilin,
    load_literature,
    load_thucnews,
    shared_root,
    write_jsonl,
)
from benchmarks.noise import REPOST_SUBKINDS, make_repost
from benchmarks.partial import PARTIAL_SUBKINDS, make_partial
from benchmarks.rewrite import REWRITE_SUBKINDS, make_rewrite
from benchmarks.text import normalize_loose, split_sentences, window_hashes

GENERATOR_VERSION = "1.1"
HYGIENE_N = 30
KINDS = ("repost", "partial", "rewrite", "original")
SUBKINDS = {
    "repost": REPOST_SUBKINDS,
    "partial": PARTIAL_SUBKINDS,
    "rewrite": REWRITE_SUBKINDS,
    "original": ("unrelated", "same-topic"),
}


@dataclass
class GenConfig:
    seed: int = 20240601
    splits: dict[str, int] = field(default_factory=lambda: {"dev": 600, "test": 1200})
    innocents: int = 4000  # documents held out of the index as innocent hosts and negatives
    index_size: int | None = None  # None: every remaining document is indexed
    mix: dict[str, float] = field(
        default_factory=lambda: {"repost": 0.2, "partial": 0.2, "rewrite": 0.3, "original": 0.3}
    )
    min_source_chars: int = 200


def _hash_sets(docs: list[Doc]) -> list[np.ndarray]:
    return [np.unique(window_hashes(normalize_loose(d["body"]), HYGIENE_N)) for d in docs]


def _shared_flags(hashes: list[np.ndarray]) -> np.ndarray:
    """True for documents that share a 30-char normalized substring with another document."""
    if not hashes:
        return np.zeros(0, dtype=bool)
    allh = np.concatenate(hashes)
    owner = np.repeat(np.arange(len(hashes)), [len(h) for h in hashes])
    _, inv, cnt = np.unique(allh, return_inverse=True, return_counts=True)
    flags = np.zeros(len(hashes), dtype=bool)
    flags[owner[cnt[inv] > 1]] = True
    return flags


def _any_in(values: np.ndarray, sorted_set: np.ndarray) -> bool:
    """Whether any of ``values`` is in the sorted array ``sorted_set``."""
    if not len(values) or not len(sorted_set):
        return False
    pos = np.searchsorted(sorted_set, values).clip(max=len(sorted_set) - 1)
    return bool((sorted_set[pos] == values).any())


def _nearest(
    innocents: list[Doc], index: list[Doc], own: list[int] | None = None
) -> list[tuple[int, float]]:
    """Nearest indexed original of each innocent by char-bigram TF-IDF cosine; ``own[i]`` is
    the position in ``index`` of innocent ``i`` itself, when it is indexed, left out."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

    hv = HashingVectorizer(
        analyzer="char", ngram_range=(2, 2), n_features=2**20, alternate_sign=False, norm=None
    )
    tf = TfidfTransformer(sublinear_tf=True)
    xi = tf.fit_transform(hv.transform([d["body"] for d in index]))
    xq = tf.transform(hv.transform([d["body"] for d in innocents]))
    out: list[tuple[int, float]] = []
    for k in range(0, xq.shape[0], 256):
        sims = (xq[k : k + 256] @ xi.T).toarray()
        if own is not None:
            sims[np.arange(len(sims)), own[k : k + 256]] = -1.0
        arg = sims.argmax(axis=1)
        out.extend((int(a), float(sims[r, a])) for r, a in enumerate(arg))
    return out


def _counts(n: int, mix: dict[str, float]) -> dict[str, int]:
    counts = {k: round(n * mix.get(k, 0.0)) for k in KINDS}
    counts["original"] += n - sum(counts.values())
    return counts


@dataclass
class Pools:
    """A collection split into indexed originals, case sources and clean innocents."""

    index: list[Doc]
    sources: list[Doc]  #: indexed originals a case may be derived from
    clean: list[Doc]  #: innocents sharing no 30-character substring with the index
    near: list[tuple[int, float]]  #: nearest indexed original of each clean innocent
    meta: dict


def pools(docs: list[Doc], cfg: GenConfig) -> Pools:
    """Shuffle ``docs`` (seeded) and split them into index, sources and innocents."""
    rng = random.Random(cfg.seed)
    docs = sorted(docs, key=lambda d: d["id"])
    rng.shuffle(docs)
    n_inn = min(cfg.innocents, len(docs) // 3)
    pool, index = docs[:n_inn], docs[n_inn:]
    if cfg.index_size is not None:
        index = index[: cfg.index_size]
    idx_hashes = _hash_sets(index)
    unique = ~_shared_flags(idx_hashes)
    idx_all = np.unique(np.concatenate(idx_hashes)) if idx_hashes else np.zeros(0, np.uint64)
    clean = [d for d, h in zip(pool, _hash_sets(pool), strict=True) if not _any_in(h, idx_all)]
    sources = [
        d
        for d, u in zip(index, unique, strict=True)
        if u and len(d["body"]) >= cfg.min_source_chars and len(split_sentences(d["body"])) >= 3
    ]
    meta: dict = {
        "generator_version": GENERATOR_VERSION,
        "config": asdict(cfg),
        "indexed": len(index),
        "innocent_pool": len(pool),
        "innocents_dropped_hygiene": len(pool) - len(clean),
        "indexed_sharing_30_chars_with_another": int((~unique).sum()),
        "source_candidates": len(sources),
        "splits": {},
    }
    return Pools(index, sources, clean, _nearest(clean, index) if clean else [], meta)


def slices(p: Pools, cfg: GenConfig) -> Iterator[tuple[str, int, list[Doc], list[Doc], list]]:
    """``(split, size, sources, innocents, near)`` of each split: sources and innocents are
    dealt out in proportion to the split sizes, disjoint between splits."""
    total = sum(cfg.splits.values())
    s_off = i_off = 0
    for split, size in cfg.splits.items():
        share = size / total
        n_src, n_inn_split = int(len(p.sources) * share), int(len(p.clean) * share)
        split_inn = range(i_off, i_off + n_inn_split)
        yield (
            split,
            size,
            p.sources[s_off : s_off + n_src],
            [p.clean[i] for i in split_inn],
            [(p.index[p.near[i][0]]["id"], p.near[i][1]) for i in split_inn],
        )
        s_off, i_off = s_off + n_src, i_off + n_inn_split


def build_collection(
    docs: list[Doc], cilin: dict[str, list[list[str]]], cfg: GenConfig, out: Path
) -> dict:
    """Split ``docs`` into index and innocents, build every split's cases, write them to ``out``."""
    p = pools(docs, cfg)
    meta = p.meta
    for split, size, split_sources, split_inn, near in slices(p, cfg):
        cases = _build_split(
            split,
            size,
            split_sources,
            split_inn,
            near,
            cilin,
            cfg,
            random.Random(f"{cfg.seed}-{split}"),
        )
        write_jsonl(out / split / "cases.jsonl", cases)
        meta["splits"][split] = _summary(cases)
    write_jsonl(
        out / "originals.jsonl",
        ({k: d[k] for k in ("id", "title", "body", "group", "corpus")} for d in p.index),
    )
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def _summary(cases: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in cases:
        key = f"{c['kind']}/{c['subkind']}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def _build_split(
    split: str,
    size: int,
    sources: list[Doc],
    innocents: list[Doc],
    near: list[tuple[str, float]],
    cilin: dict[str, list[list[str]]],
    cfg: GenConfig,
    rng: random.Random,
) -> list[dict]:
    counts = _counts(size, cfg.mix)
    src_iter = iter(sources)
    # Negatives: same-topic ones are drawn from the quarter of innocents closest to an indexed
    # original (char-bigram TF-IDF), unrelated ones from the half farthest from any.
    n_neg = counts["original"]
    by_sim = sorted(range(len(innocents)), key=lambda i: -near[i][1])
    top = by_sim[: max(len(by_sim) // 4, n_neg // 2)]
    same = rng.sample(top, min(n_neg // 2, len(top)))
    lower = [i for i in by_sim[len(by_sim) // 2 :] if i not in set(same)]
    rng.shuffle(lower)
    unrelated = lower[: n_neg - len(same)]
    used = set(same) | set(unrelated)
    hosts = [innocents[i] for i in range(len(innocents)) if i not in used]
    rng.shuffle(hosts)
    insert_pool = [
        h["body"][s:e]
        for h in hosts[: max(10, len(hosts) // 4)]
        for s, e in split_sentences(h["body"])
        if 10 <= e - s <= 120
    ]
    hosts = hosts[max(10, len(hosts) // 4) :]
    cases: list[dict] = []

    def add(kind: str, subkind: str, title: str, body: str, srcs: list, details: dict) -> None:
        strength = subkind if kind == "rewrite" and subkind != "traditional" else None
        if kind == "rewrite" and subkind == "traditional":
            strength = "medium"
        cases.append(
            {
                "id": "",
                "title": title,
                "body": body,
                "kind": kind,
                "subkind": subkind,
                "strength": strength,
                "sources": srcs,
                "details": details,
            }
        )

    for i in range(counts["repost"]):
        doc = next(src_iter)
        sub = REPOST_SUBKINDS[i % len(REPOST_SUBKINDS)]
        title, body, pairs, det = make_repost(doc, sub, rng)
        add(
            "repost",
            sub,
            title,
            body,
            [{"source_id": doc["id"], "kind": "repost", "spans": pairs}],
            det,
        )
    for i in range(counts["rewrite"]):
        doc = next(src_iter)
        sub = REWRITE_SUBKINDS[i % len(REWRITE_SUBKINDS)]
        title, body, pairs, det = make_rewrite(doc, sub, cilin, insert_pool, rng)
        add(
            "rewrite",
            sub,
            title,
            body,
            [{"source_id": doc["id"], "kind": "rewrite", "spans": pairs}],
            det,
        )
    made = 0
    host_i = 0
    while made < counts["partial"] and host_i < len(hosts):
        sub = PARTIAL_SUBKINDS[made % len(PARTIAL_SUBKINDS)]
        srcs = [next(src_iter) for _ in range(2 if sub == "two-sources" else 1)]
        res = make_partial(hosts[host_i], srcs, sub, rng)
        host_i += 1
        if res is None:
            continue
        title, body, per_src, det = res
        add(
            "partial",
            sub,
            title,
            body,
            [{"source_id": s, "kind": "partial", "spans": p} for s, p in per_src],
            det,
        )
        made += 1
    for j, i in enumerate(same + unrelated):
        d = innocents[i]
        sub = "same-topic" if j < len(same) else "unrelated"
        det = {
            "innocent_id": d["id"],
            "nearest_id": near[i][0],
            "nearest_sim": round(near[i][1], 3),
        }
        add("original", sub, d.get("title") or "", d["body"], [], det)
    rng.shuffle(cases)
    for k, c in enumerate(cases):
        c["id"] = f"{split}-{k:05d}"
    return cases


def generate(
    shared: str | None,
    out: Path,
    *,
    quick: bool = False,
    seed: int = 20240601,
    sizes: dict[str, int] | None = None,
    heldout: int | None = None,
    index_size: int | None = None,
) -> dict:
    """Build the ``main`` and ``heldout`` collections into ``out``; return their meta.

    Nothing is rebuilt when ``out/stamp.json`` shows the same version, seed and sizes."""
    root = shared_root(shared)
    cilin = load_cilin(root)
    main_cfg = GenConfig(seed=seed)
    held_cfg = GenConfig(seed=seed + 1, splits={"heldout": heldout or 400}, innocents=500)
    if quick:
        main_cfg.splits, main_cfg.innocents, main_cfg.index_size = (
            {"dev": 80, "test": 160},
            800,
            2000,
        )
        held_cfg.splits = {"heldout": heldout or 80}
    if sizes:
        main_cfg.splits = sizes
    if index_size is not None:
        main_cfg.index_size = index_size
    stamp = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "quick": quick,
        "sizes": sizes,
        "heldout": heldout,
        "index_size": index_size,
    }
    if (out / "stamp.json").exists() and json.loads((out / "stamp.json").read_text()) == stamp:
        return {
            c: json.loads((out / c / "meta.json").read_text(encoding="utf-8"))
            for c in ("main", "heldout")
        }
    metas = {
        "main": build_collection(load_cctv(root), cilin, main_cfg, out / "main"),
        "heldout": build_collection(
            load_thucnews(root) + load_literature(root), cilin, held_cfg, out / "heldout"
        ),
    }
    (out / "stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    return metas


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None, help="folder holding data/ (default ../shared)")
    ap.add_argument("--out", default="bench-out/cases", type=Path)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--dev", type=int, default=None)
    ap.add_argument("--test", type=int, default=None)
    ap.add_argument("--heldout", type=int, default=None)
    ap.add_argument("--index-size", type=int, default=None)
    a = ap.parse_args(argv)
    sizes = {"dev": a.dev or 600, "test": a.test or 1200} if (a.dev or a.test) else None
    metas = generate(
        a.shared,
        a.out,
        quick=a.quick,
        seed=a.seed,
        sizes=sizes,
        heldout=a.heldout,
        index_size=a.index_size,
    )
    json.dump(metas, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
