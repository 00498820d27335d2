"""Why rensa, and why winnowed fingerprints: the two sketch choices, measured side by side.

    python -m benchmarks.bench_sketch [--docs 3000] [--cases bench-out/cases/main]

1. MinHash engines on the same shingles (xigao's 6-gram hashes of real CCTV stories):
   rensa's batched ``digest_matrix_from_flat_token_hashes`` vs datasketch ``MinHash.update_batch``
   (and datasketch per token, what most users write), with the mean absolute difference of the
   Jaccard estimates between engines.
2. Candidate retrieval for partial copies: is the true source among the candidates of
   (a) MinHash LSH bands only, (b) winnowed fingerprints, on the benchmark's partial cases.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from benchmarks.data import load_cctv, shared_root


def minhash_engines(texts: list[str], num_perm: int = 128) -> list[dict]:
    from datasketch import MinHash

    from xigao.normalize import normalize
    from xigao.sketch import codepoints, kgram_hashes, minhash_many

    hashes = [kgram_hashes(codepoints(normalize(t).key().chars), 6) for t in texts]
    rows = []
    t0 = time.perf_counter()
    sigs = minhash_many(hashes, num_perm, 1)
    rensa_s = time.perf_counter() - t0
    rows.append({"engine": "rensa (batched)", "us_per_doc": rensa_s / len(texts) * 1e6})
    t0 = time.perf_counter()
    ds = []
    for h in hashes:
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([int(x).to_bytes(8, "little") for x in h])
        ds.append(m)
    ds_s = time.perf_counter() - t0
    rows.append({"engine": "datasketch update_batch", "us_per_doc": ds_s / len(texts) * 1e6})
    sub = hashes[: max(1, len(hashes) // 10)]
    t0 = time.perf_counter()
    for h in sub:
        m = MinHash(num_perm=num_perm, seed=1)
        for x in h:
            m.update(int(x).to_bytes(8, "little"))
    rows.append(
        {
            "engine": "datasketch update per token",
            "us_per_doc": (time.perf_counter() - t0) / len(sub) * 1e6,
        }
    )
    # estimation error on pairs with known, non-trivial overlap: a document against half of it
    # joined to half of another one
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(200):
        i, j = (int(x) for x in rng.integers(0, len(texts), 2))
        a = hashes[i]
        if i == j or len(a) < 20:
            continue
        b = np.concatenate([a[: len(a) // 2], hashes[j][: len(a) // 2]])
        sa, sb = set(a.tolist()), set(b.tolist())
        true = len(sa & sb) / len(sa | sb)
        rs = minhash_many([b], num_perm, 1)[0]
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([int(x).to_bytes(8, "little") for x in b])
        diffs.append((abs(float(np.mean(sigs[i] == rs)) - true), abs(ds[i].jaccard(m) - true)))
    err = np.mean(diffs, axis=0)
    rows[0]["jaccard_abs_error"] = float(err[0])
    rows[1]["jaccard_abs_error"] = float(err[1])
    base = rows[0]["us_per_doc"]
    for r in rows:
        r["ratio_to_rensa"] = r["us_per_doc"] / base
    return rows


def retrieval(cases_dir: Path, index_dir: Path) -> list[dict]:
    from xigao import Index
    from xigao.sketch import band_keys, codepoints, fingerprints, kgram_hashes, minhash

    idx = Index.open(index_dir)
    store, cfg, t = idx.store, idx.store.config, idx.thresholds
    lk = store._lookup
    with (cases_dir / "test" / "cases.jsonl").open(encoding="utf-8") as f:
        cases = [json.loads(line) for line in f]
    out = []
    for kind in ("partial", "repost"):
        sel = [c for c in cases if c["kind"] == kind]
        hit_lsh = hit_fp = 0
        for c in sel:
            from xigao.normalize import normalize

            key = normalize(c["body"]).key().chars
            h = kgram_hashes(codepoints(key), cfg.k)
            sig = minhash(h, cfg.num_perm, cfg.seed)
            truth = {s["source_id"] for s in c["sources"]}
            bk = band_keys(sig[None, :], cfg.bands).ravel()
            lo = np.searchsorted(lk.band_keys, bk, "left")
            hi = np.searchsorted(lk.band_keys, bk, "right")
            lsh = {int(r) for a, b in zip(lo, hi, strict=True) for r in lk.band_docs[a:b]}
            fp = {
                c2.rowid
                for c2 in store.candidates(
                    *fingerprints(h, cfg.window), sig, min_hits=t.min_fingerprint_hits(cfg)
                )
                if not c2.lsh
            }
            ids = store.documents(sorted(lsh | fp))
            hit_lsh += bool(truth & {ids[r].id for r in lsh if r in ids})
            hit_fp += bool(truth & {ids[r].id for r in fp if r in ids})
        out.append(
            {
                "cases": f"{kind} ({len(sel)})",
                "lsh_recall": hit_lsh / max(1, len(sel)),
                "fingerprint_recall": hit_fp / max(1, len(sel)),
            }
        )
    return out


def markdown(engines: list[dict], recall: list[dict]) -> str:
    lines = [
        "| MinHash engine (128 perm, same shingles) | µs/doc | × rensa | Jaccard abs. error |",
        "|---|---:|---:|---:|",
    ]
    for r in engines:
        err = r.get("jaccard_abs_error")
        lines.append(
            f"| {r['engine']} | {r['us_per_doc']:.0f} | {r['ratio_to_rensa']:.1f}× | "
            + (f"{err:.3f} |" if err is not None else "— |")
        )
    if recall:
        lines += [
            "",
            "| test cases | true source found by LSH bands | by winnowed fingerprints |",
            "|---|---:|---:|",
        ]
        for r in recall:
            lines.append(
                f"| {r['cases']} | {r['lsh_recall']:.3f} | {r['fingerprint_recall']:.3f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    ap.add_argument("--index", type=Path, default=Path("bench-out/indexes/main/xigao"))
    args = ap.parse_args(argv)
    docs = load_cctv(shared_root(args.shared))[: args.docs]
    engines = minhash_engines([d["body"] for d in docs])
    recall = retrieval(args.cases, args.index) if (args.index / "index.sqlite").exists() else []
    print(markdown(engines, recall))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
