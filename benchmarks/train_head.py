"""Tune xigao's paraphrase head for the static encoder on the fitting sets' sentence pairs.

    python -m benchmarks.fitset          # the synthetic fit split (dev's slice of the data)
    python -m benchmarks.train_head      # writes src/xigao/heads/static-wash.npy (+ .json)

The static encoder (model2vec, distilled from e5) gives a washed sentence and its original a
cosine barely above that of two sentences of two reports on one topic: a deep wash's aligned
pairs and a formulaic series' look alike to it. The head is a square matrix the sentence vectors
pass through before wash alignment takes their cosine (``xigao.paraphrase.align``), tuned so
that the pairs a wash aligns with its true source score above the pairs aligned with any other
candidate. Pairs are what a check aligns (blended similarity from 0.3, copies left out) between
a suspect and each of its first six rewrite candidates, for:

- the synthetic ``fit`` split (词林 rewrites, same-topic and unrelated innocents) against the
  benchmark's ``main`` index;
- the realistic washes and honest commentary of ``benchmarks/washfit``'s fit batches, news
  against every CCTV story, literature against the classic novels and 鲁迅. The independent
  same-event reports are left out: written from the source's facts, their pairs are
  paraphrases, and the head is not asked to tell them apart.

A pair is positive when its suspect washes its candidate. The head starts as the identity and
is fitted by weighted logistic loss on the pair cosine (a scale and offset fitted with it),
pulled towards the identity (``--ridge``), on four fifths of the cases; the fifth left out
(by a hash of the case id) gives the ROC AUC of raw and tuned cosines written beside it. The
held-out batches, ``shared/data/washes`` and the benchmark's test split are never read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.fit_wash import synthetic_cases, wash_cases
from benchmarks.washes import WORK, ensure_index
from benchmarks.washset import rows_of, split_rows
from xigao import Index
from xigao.detect import Prepared
from xigao.embed import HEADS_DIR
from xigao.paraphrase import align

#: Rewrite candidates of a suspect whose pairs are taken (the true source is nearly always
#: among them).
CANDIDATES = 6
#: Blended similarity from which an aligned pair is taken (under the wash threshold of 0.5, so
#: that pairs the raw cosine scores too low are learnt from too).
PAIR_THRESHOLD = 0.3


def log(msg: str) -> None:
    print(f"[train_head {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def pairs(idx: Index, cases: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """The aligned sentence pairs of each case with its candidates: the suspect sentence's
    vector, the original sentence's (or the mean of the two merged), the label, the case."""
    t = idx.thresholds
    out: dict[str, list[Any]] = {"a": [], "b": [], "y": [], "case": []}
    for c in cases:
        suspect = Prepared.of(c["body"], t).with_sentences(idx.encoder)
        skip = [r for r in map(idx.store.rowid, c.get("exclude", ())) if r is not None]
        plan = idx.candidate_rows(suspect, rewrite=True, exclude=skip)
        assert suspect.sents is not None
        for rowid, source in idx.originals.embedded(plan.rewrite[:CANDIDATES]).items():
            doc = idx.store.documents([rowid])[rowid]
            true = doc.id in c["truth"]
            assert source.sents is not None
            for p in align(suspect.sents, source.sents, threshold=PAIR_THRESHOLD, weight=0.5):
                if p.verbatim:
                    continue
                out["a"].append(suspect.sents.vecs[p.suspect])
                out["b"].append(source.sents.vecs[list(p.source)].mean(axis=0))
                out["y"].append(int(true and not c["negative"]))
                out["case"].append(c["id"])
    return out


def collect(cases_dir: Path) -> dict[str, np.ndarray]:
    got: dict[str, list[Any]] = {"a": [], "b": [], "y": [], "case": []}

    def add(part: dict[str, list[Any]]) -> None:
        for k, v in part.items():
            got[k] += v

    main = ensure_index("main", [cases_dir / "originals.jsonl"], None)
    log("synthetic fit split")
    add(pairs(main, synthetic_cases(cases_dir / "fit")))
    main.close()
    fit_rows, _ = split_rows(rows_of())
    rows = [r for r in fit_rows if r["style"] != "indep"]
    for name in ("news", "literature"):
        part = [r for r in rows if r["style"].startswith("lit-") == (name == "literature")]
        log(f"{len(part)} realistic {name} cases")
        idx = ensure_index(name, None, None)
        add(pairs(idx, wash_cases(part)))
        idx.close()
    return {
        "a": np.asarray(got["a"], np.float32),
        "b": np.asarray(got["b"], np.float32),
        "y": np.asarray(got["y"], np.float32),
        "case": np.asarray(got["case"]),
    }


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def train(data: dict[str, np.ndarray], *, epochs: int, ridge: float) -> dict[str, Any]:
    """The head, fitted on four fifths of the cases, and the ROC AUC of the raw and the tuned
    cosines on the fifth left out."""
    import torch
    from sklearn.metrics import roc_auc_score

    torch.manual_seed(0)
    a, b, y = _unit(data["a"]), _unit(data["b"]), data["y"]
    held = np.array([zlib.crc32(str(c).encode()) % 5 == 0 for c in data["case"]])
    dim = a.shape[1]
    eye = torch.eye(dim)
    w = torch.nn.Parameter(eye.clone())
    scale = torch.nn.Parameter(torch.tensor(10.0))
    offset = torch.nn.Parameter(torch.tensor(-6.0))
    opt = torch.optim.Adam([w, scale, offset], lr=1e-3)
    ta, tb, ty = (torch.tensor(x[~held]) for x in (a, b, y))
    pos = float(ty.sum())
    weight = torch.where(ty > 0, len(ty) / (2 * pos), len(ty) / (2 * (len(ty) - pos)))

    def cosine(x: Any, z: Any) -> Any:
        f = torch.nn.functional
        return (f.normalize(x @ w, dim=1) * f.normalize(z @ w, dim=1)).sum(1)

    for _ in range(epochs):
        opt.zero_grad()
        logit = scale * cosine(ta, tb) + offset
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit, ty, weight=weight)
        (loss + ridge * ((w - eye) ** 2).sum()).backward()
        opt.step()
    with torch.no_grad():
        tuned = cosine(torch.tensor(a[held]), torch.tensor(b[held])).numpy()
    raw = (a[held] * b[held]).sum(1)
    return {
        "head": w.detach().numpy().astype(np.float32),
        "pairs": {"train": int((~held).sum()), "held": int(held.sum()), "positive": int(y.sum())},
        "auc_raw": round(float(roc_auc_score(y[held], raw)), 4),
        "auc_tuned": round(float(roc_auc_score(y[held], tuned)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=Path("bench-out/cases/main"))
    ap.add_argument("--out", type=Path, default=HEADS_DIR / "static-wash.npy")
    ap.add_argument("--epochs", type=int, default=300)
    ap.add_argument("--ridge", type=float, default=1e-2)
    ap.add_argument("--reuse", action="store_true", help="reuse the saved pairs")
    a = ap.parse_args(argv)
    started = time.time()
    saved = WORK / "head-pairs.npz"
    if a.reuse and saved.exists():
        with np.load(saved) as f:
            data = {k: f[k] for k in f.files}
    else:
        data = collect(a.cases)
        saved.parent.mkdir(parents=True, exist_ok=True)
        np.savez(saved, **data)
    log(f"{len(data['y'])} pairs, {int(data['y'].sum())} positive")
    got = train(data, epochs=a.epochs, ridge=a.ridge)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(a.out, got.pop("head"))
    record = {
        "command": "python -m benchmarks.train_head",
        "date": dt.date.today().isoformat(),
        "encoder": "static",
        "epochs": a.epochs,
        "ridge": a.ridge,
        **got,
        "seconds": round(time.time() - started, 1),
    }
    a.out.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
