"""What runs in the executors' Python workers: posting rows and lists, fact scores, and the
decision of one suspect from its candidates (:func:`_decider`), with the local engine's code."""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from xigao.normalize import Normalized, normalize
from xigao.retrieval import fingerprints_in, held_median, passage_dfs, select_candidates
from xigao.sketch import SketchConfig
from xigao.terms import IdfTable
from xigao.types import Document, MatchKind, Result
from xigao.verify import (
    CandidatePlan,
    Originals,
    Verifier,
    require_body,
    unmatched,
    verbatim_spans,
)

if TYPE_CHECKING:
    from xigao.spark.scan import SparkIndex


from xigao.spark.tables import _unnumbered

_WORKER: dict[int, tuple[Any, IdfTable]] = {}


def _idf_table(broadcast: Any) -> IdfTable:
    """The :class:`IdfTable` of a broadcast ``(keys, df, n)``, made once per worker process
    (its IDF of every key is computed on construction)."""
    value = broadcast.value
    got = _WORKER.get(id(value))
    if got is None or got[0] is not value:
        _WORKER.clear()
        got = _WORKER[id(value)] = (value, IdfTable(*value))
    return got[1]


def _pack_lists(batches: Iterator[Any]) -> Iterator[Any]:
    """Postings ``(key, rowid, norm)``, sorted by key then row within the partition (a key's
    rows all in one), as one row a key: its rows and their norms as arrays."""
    import pandas as pd

    carry: tuple[int, list[np.ndarray], list[np.ndarray]] | None = None
    for pdf in batches:
        keys = pdf["key"].to_numpy(np.int64)
        rows = pdf["rowid"].to_numpy(np.int64)
        norms = pdf["norm"].to_numpy(np.float64).astype(np.float32)
        cuts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
        out: dict[str, list[Any]] = {"key": [], "rows": [], "norms": []}
        for a, b in itertools.pairwise(cuts):
            if a == b:
                continue
            key = int(keys[a])
            if carry is not None and carry[0] == key:
                carry[1].append(rows[a:b])
                carry[2].append(norms[a:b])
                continue
            if carry is not None:
                out["key"].append(carry[0])
                out["rows"].append(np.concatenate(carry[1]).tobytes())
                out["norms"].append(np.concatenate(carry[2]).tobytes())
            carry = (key, [rows[a:b]], [norms[a:b]])
        yield pd.DataFrame(out, columns=["key", "rows", "norms"])
    if carry is not None:
        yield pd.DataFrame(
            {
                "key": [carry[0]],
                "rows": [np.concatenate(carry[1]).tobytes()],
                "norms": [np.concatenate(carry[2]).tobytes()],
            }
        )


def _fact_scorer(k: int) -> Callable[[Any], Any]:
    """:func:`_fact_scores` keeping ``k`` (a plain function: Spark reads its arity)."""

    def score(pdf: Any) -> Any:
        return _fact_scores(pdf, k=k)

    return score


def _fact_scores(pdf: Any, *, k: int) -> Any:
    """One suspect's ``k`` originals sharing the most facts, scored as
    :meth:`xigao.terms.Terms.nearest` scores them (the same sums, in the same order, in the
    same precision), from its keys' weights ``w2`` and posting lists; its own original left
    out."""
    import pandas as pd

    empty = pd.DataFrame({"sid": [], "rowid": [], "how": [], "a": [], "b": []})
    pdf = pdf.sort_values("key")
    qnorm = float(pdf["qnorm"].iloc[0])
    if qnorm == 0:
        return empty
    lists = [np.frombuffer(r, np.int64) for r in pdf["rows"]]
    rows = np.concatenate(lists)
    norms = np.concatenate([np.frombuffer(n, np.float32) for n in pdf["norms"]])
    w = np.repeat(pdf["w2"].to_numpy(np.float64).astype(np.float32), [len(x) for x in lists])
    uniq, first, inv = np.unique(rows, return_index=True, return_inverse=True)
    scores = np.bincount(inv, weights=w, minlength=len(uniq)).astype(np.float32)
    scores /= np.maximum(norms[first], 1e-6) * qnorm
    own = pdf["own"].iloc[0]
    keep = scores > 0
    if not pd.isna(own):
        keep &= uniq != int(own)
    uniq, scores = uniq[keep], scores[keep]
    top = np.lexsort((uniq, -scores))[:k]
    return pd.DataFrame(
        {
            "sid": np.full(len(top), int(pdf["sid"].iloc[0]), np.int64),
            "rowid": uniq[top],
            "how": ["fact"] * len(top),
            "a": scores[top].astype(np.float64),
            "b": np.zeros(len(top)),
        }
    )


def _fp_rows(batches: Iterator[Any]) -> Iterator[Any]:
    """Sketch rows as fingerprint postings ``(fp, rowid, pos)``."""
    import pandas as pd

    for pdf in batches:
        fps, rows, pos = [], [], []
        for r, f, p in zip(pdf["rowid"], pdf["fps"], pdf["fpos"], strict=True):
            a = np.frombuffer(f, np.uint32)
            fps.append(a.astype(np.int64))
            pos.append(np.frombuffer(p, np.uint32).astype(np.int64))
            rows.append(np.full(len(a), r, np.int64))
        yield pd.DataFrame({"fp": _cat(fps), "rowid": _cat(rows), "pos": _cat(pos)})


def _decider(
    index: SparkIndex,
    kinds: Sequence[MatchKind],
    limit: int,
    need: int,
    exclude_quotes: bool,
    rewrite: bool,
    idf_b: Any,
    passages: bool = False,
) -> Any:
    """The ``applyInPandas`` function that decides one suspect from its candidates."""
    t, encoder_name, genre, aliases = index.thresholds, index.vectors, index.genre, index.aliases
    k_vec, k_fact = t.vector_candidates, t.term_candidates
    k = index.config.k  # (the closure must not hold the session)
    cfg = index.config

    def decide(left: Any, right: Any) -> Any:
        import pandas as pd

        from xigao.detect import Prepared
        from xigao.pipeline import _encoder

        row = left.iloc[0]
        sid, doc_id, body = int(row["sid"]), row["id"], row["body"]
        shown = _unnumbered(doc_id)
        try:
            df = _postings_of(row["fpdf"])
            meta = json.loads(row["meta"]) if row["meta"] else {}
            require_body(body, shown)
            p = Prepared.of(body, t, exclude_quotes=exclude_quotes)
            if len(p.norm.key().chars) < k:
                res = unmatched(body, id=doc_id, meta=meta)
            else:
                own = None if pd.isna(row["own"]) else int(row["own"])
                plan = plan_of(right, short=bool(row["short"]), need=need, limit=limit,
                               k_vec=k_vec, k_fact=k_fact, rewrite=rewrite, own=own)  # fmt: skip
                docs = {
                    int(r): Document(str(i), str(b), ti if isinstance(ti, str) else None,
                                     json.loads(m) if m else {})
                    for r, i, b, ti, m in zip(right["rowid"], right["oid"], right["obody"],
                                              right["otitle"], right["ometa"], strict=True)
                }  # fmt: skip
                table = _idf_table(idf_b) if idf_b is not None else None

                def encoder() -> Any:
                    return _encoder(encoder_name)

                def head() -> Any:
                    if not t.wash_head or not encoder_name:
                        return None
                    from xigao.embed import wash_head

                    return wash_head(encoder_name)

                originals = Originals(lambda rs: {r: docs[r] for r in rs if r in docs}, t, encoder)
                verifier = Verifier(
                    originals, lambda: table, t, head,  # type: ignore[arg-type,return-value]
                    fiction=genre == "fiction", aliases=aliases,
                    passage_dfs=None if df is None else functools.partial(
                        passage_dfs, config=cfg, df_of=functools.partial(_counts, df)
                    ),
                )  # fmt: skip
                if rewrite:
                    p = p.with_sentences(encoder())
                res = verifier.decide(body, p, plan, kinds, id=doc_id, meta=meta)
            out = json.dumps({**res.to_dict(), "id": shown}, ensure_ascii=False)
            err = None
            common = None
            if passages:
                common = json.dumps(_passage_dfs(body, res, df or {}, cfg))
        except Exception as e:  # one suspect's failure is reported, the others go on
            out, err, common = None, f"check failed: {type(e).__name__}: {e}", None
        return pd.DataFrame(
            {"sid": [sid], "id": [doc_id], "result": [out], "error": [err], "passage_df": [common]}
        )

    return decide


def _postings_of(got: Any) -> dict[int, int] | None:
    """A suspect's fingerprints' postings in the index (its ``fpdf`` column), None when they
    were not looked up."""
    if isinstance(got, list | tuple | np.ndarray | Mapping):
        return {int(k): int(v) for k, v in dict(got).items()}
    return None


def _median_df(
    df: Mapping[int, int], cfg: SketchConfig, norm: Normalized, spans: Sequence[tuple[int, int]]
) -> float:
    """:meth:`xigao.Index.passage_df` of the passages ``spans`` of a normalized suspect, from
    its fingerprints' postings ``df``."""
    fps = fingerprints_in(norm, spans, cfg)
    return held_median([df.get(int(f), 0) for f in fps.tolist()])


def _counts(df: Mapping[int, int], fps: Any) -> Any:
    """Each fingerprint's count of postings in ``df`` (0 for one it does not hold)."""
    return np.array([df.get(int(f), 0) for f in fps.tolist()], dtype=np.int64)


def _passage_dfs(
    body: str, res: Result, df: Mapping[int, int], config: SketchConfig
) -> dict[str, float]:
    """For each partial copy of ``res``, :meth:`xigao.Index.passage_df` of its passages, from
    the suspect's fingerprints' postings ``df``."""
    norm = normalize(body)
    return {
        m.source_id: _median_df(df, config, norm, verbatim_spans(m))
        for m in res.matches
        if m.kind == "partial"
    }


def plan_of(
    rows: Any,
    *,
    short: bool,
    need: int,
    limit: int,
    k_vec: int,
    k_fact: int,
    rewrite: bool,
    own: int | None = None,
) -> CandidatePlan:
    """The local engine's :class:`CandidatePlan` from one suspect's candidate rows
    ``(rowid, how, a, b)`` (``how``: fp with hits and diagonal, lsh, fact with its score,
    vec with its cosine), ordered as :meth:`xigao.Index.candidate_rows` orders them; ``own``:
    the original left out (its id's), as ``exclude`` leaves it out there."""
    by = {h: rows[rows["how"] == h].drop_duplicates("rowid") for h in ("fp", "lsh", "fact", "vec")}
    fp = by["fp"].sort_values("rowid")
    cands = select_candidates(
        fp["rowid"].to_numpy(np.int64),
        fp["a"].to_numpy().astype(np.int64),
        fp["b"].to_numpy().astype(np.int64),
        by["lsh"]["rowid"].astype(int).tolist(),
        limit=limit + (own is not None),
        min_hits=need,
    )
    cands = [c for c in cands if c.rowid != own]
    verbatim = [c.rowid for c in cands if short or c.lsh or c.diagonal >= need][:limit]
    if not rewrite:
        return CandidatePlan(verbatim, [])
    near = by["vec"].sort_values(["a", "rowid"], ascending=[False, True])["rowid"]
    facts = by["fact"].sort_values(["a", "rowid"], ascending=[False, True])["rowid"]
    near_ = [int(r) for r in near.tolist() if r != own][:k_vec]
    rows_ = near_ + [int(r) for r in facts.tolist() if r != own][:k_fact]
    return CandidatePlan(verbatim, list(dict.fromkeys(rows_)))


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)
