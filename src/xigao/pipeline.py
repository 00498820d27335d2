"""The public entry points: :class:`Index` (build, open, add, check) and :func:`compare`.

Wires the stages: normalize → sketch → retrieve candidates → align → verdict. Never prints.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> body = "国家版权局等四部门联合启动打击网络侵权盗版剑网2020专项行动，重点整治视听作品、电商平台和社交平台的侵权行为。"
>>> idx = Index.build([{"id": "o1", "body": body}], os.path.join(d, "idx"))
>>> idx.check("原标题：剑网行动启动\\n" + body).verdict
'repost'
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xigao.align import union_length, verbatim_passages
from xigao.index import IndexStore, replace_dir
from xigao.normalize import Normalized, normalize
from xigao.sketch import U64, SketchConfig, codepoints, fingerprints, kgram_hashes, minhash
from xigao.types import DETECT_KINDS, Document, Evidence, Match, MatchKind, Result
from xigao.verdict import Thresholds, combine, verbatim_kind

DocLike = Document | Mapping[str, Any]
FAST_DETECT: tuple[MatchKind, ...] = ("repost", "partial")
DEFAULT_DETECT: tuple[MatchKind, ...] = FAST_DETECT


def parse_detect(detect: str | Iterable[str] | None) -> tuple[MatchKind, ...]:
    """Validate a ``detect`` option: a comma list or iterable of repost, partial, rewrite."""
    if detect is None:
        return DEFAULT_DETECT
    items = detect.split(",") if isinstance(detect, str) else list(detect)
    kinds: list[MatchKind] = []
    for raw in items:
        item = raw.strip()
        if item not in DETECT_KINDS:
            raise ValueError(f"unknown detect kind {item!r}; choose from {', '.join(DETECT_KINDS)}")
        kinds.append(item)
    if not kinds:
        raise ValueError(f"detect is empty; choose from {', '.join(DETECT_KINDS)}")
    return tuple(dict.fromkeys(kinds))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A text normalized once, with its seed k-gram hashes, reused across comparisons."""

    norm: Normalized
    seeds: U64

    @classmethod
    def of(cls, text: str, t: Thresholds) -> Prepared:
        n = normalize(text)
        return cls(n, kgram_hashes(codepoints(n.key().chars), t.seed_len))


def verbatim_match(suspect: Prepared, source: Prepared, source_id: str, t: Thresholds) -> Match | None:
    """Verbatim reuse of ``source`` in ``suspect`` as a :class:`Match`, or None."""
    a, b = suspect.norm.key(), source.norm.key()
    if not a.chars or not b.chars:
        return None
    passages = verbatim_passages(
        a.chars,
        b.chars,
        k=t.seed_len,
        min_len=t.evidence_min_len,
        max_gap=t.max_gap,
        ha=suspect.seeds,
        hb=source.seeds,
    )
    if not passages:
        return None
    containment = union_length([(p.a_start, p.a_end) for p in passages]) / len(a.chars)
    coverage = union_length([(p.b_start, p.b_end) for p in passages]) / len(b.chars)
    longest = max(p.length for p in passages)
    kind = verbatim_kind(containment=containment, coverage=coverage, longest=longest, t=t)
    if kind is None:
        return None
    evidence = tuple(
        Evidence(
            "verbatim",
            suspect.norm.raw_span(int(a.pos[p.a_start]), int(a.pos[p.a_end - 1]) + 1),
            source.norm.raw_span(int(b.pos[p.b_start]), int(b.pos[p.b_end - 1]) + 1),
            p.matched / p.length,
        )
        for p in passages
    )
    return Match(
        source_id=source_id,
        kind=kind,
        score=(containment + coverage) / 2,
        containment=containment,
        coverage=coverage,
        evidence=evidence,
        details={"longest_passage": longest},
    )


@dataclass(frozen=True, slots=True)
class AddReport:
    added: int
    replaced: int


class Index:
    """An index of originals on disk, and checks of suspects against it.

    Thread-safe: one instance may serve concurrent checks while documents are added.
    """

    def __init__(self, store: IndexStore, *, thresholds: Thresholds | None = None) -> None:
        self.store = store
        self.thresholds = thresholds or Thresholds()
        # Row ids are never reused, so a prepared original can be cached by row id.
        self._prepared = functools.lru_cache(maxsize=4096)(self._prepare)

    def _prepare(self, rowid: int) -> tuple[Document, Prepared] | None:
        doc = self.store.documents([rowid]).get(rowid)
        return None if doc is None else (doc, Prepared.of(doc.body, self.thresholds))

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        docs: Iterable[DocLike],
        path: str | os.PathLike[str],
        *,
        config: SketchConfig | None = None,
        overwrite: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> Index:
        """Build a new index at ``path`` from ``docs``. Built aside and moved into place, so an
        interrupted build leaves nothing half-written."""
        dest = Path(path)
        if dest.exists() and any(dest.iterdir()) and not overwrite:
            raise FileExistsError(
                f"{dest} exists and is not empty; use `index add`, or pass overwrite=True "
                "(--overwrite) to replace it"
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-", dir=dest.parent))
        try:
            store = IndexStore.create(tmp, config or SketchConfig())
            store.add((Document.coerce(d) for d in docs), progress=progress)
            store.close()
            replace_dir(tmp, dest)
        except BaseException:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls.open(dest)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Index:
        """Open an existing index (format version checked)."""
        return cls(IndexStore.open(path))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.store)

    # -- contents ------------------------------------------------------------------------------
    def add(
        self, docs: Iterable[DocLike], *, progress: Callable[[int], None] | None = None
    ) -> AddReport:
        """Add originals (same ids replace) in one atomic transaction."""
        added, replaced = self.store.add((Document.coerce(d) for d in docs), progress=progress)
        return AddReport(added, replaced)

    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove originals by id; returns the ids that were not in the index."""
        return self.store.remove(ids)

    def get(self, doc_id: str) -> Document | None:
        return self.store.get(doc_id)

    def info(self) -> dict[str, Any]:
        return self.store.info()

    # -- checking ------------------------------------------------------------------------------
    def check(
        self,
        body: str,
        *,
        title: str | None = None,
        id: str | None = None,
        detect: str | Iterable[str] | None = None,
        limit: int = 20,
    ) -> Result:
        """Check one suspect text against the index."""
        kinds = parse_detect(detect)
        t = self.thresholds
        cfg = self.store.config
        suspect = Prepared.of(body, t)
        key = suspect.norm.key()
        if len(key.chars) < cfg.k:
            return Result(id, "original", 0.0, ())
        h = kgram_hashes(codepoints(key.chars), cfg.k)
        cands = self.store.candidates(
            fingerprints(h, cfg.window),
            minhash(h, cfg.num_perm, cfg.seed),
            limit=limit,
            min_hits=t.min_fingerprint_hits(cfg),
        )
        matches = []
        for c in cands:
            prepared = self._prepared(c.rowid)
            if prepared is None:  # removed meanwhile
                continue
            m = verbatim_match(suspect, prepared[1], prepared[0].id, t)
            if m is not None and m.kind in kinds:
                matches.append(m)
        verdict, score, ordered = combine(matches)
        return Result(id, verdict, score, ordered)

    def check_document(self, doc: DocLike, *, detect: str | Iterable[str] | None = None) -> Result:
        """Check a document (dict or :class:`Document`); its metadata is not echoed."""
        d = Document.coerce(doc)
        return self.check(d.body, title=d.title, id=d.id, detect=detect)

    def check_many(
        self, docs: Sequence[DocLike], *, detect: str | Iterable[str] | None = None
    ) -> list[Result]:
        return [self.check_document(d, detect=detect) for d in docs]


def compare(
    suspect: str,
    original: str,
    *,
    detect: str | Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
) -> Result:
    """Compare two texts directly. ``score`` is the share of the original reused in the suspect."""
    kinds = parse_detect(detect)
    t = thresholds or Thresholds()
    m = verbatim_match(Prepared.of(suspect, t), Prepared.of(original, t), "original", t)
    matches = [m] if m is not None and m.kind in kinds else []
    verdict, _, ordered = combine(matches)
    return Result(None, verdict, ordered[0].coverage if ordered else 0.0, ordered)
