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

import contextlib
import functools
import inspect
import os
import re
import sqlite3
from collections.abc import Callable, Collection, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np

from xigao.altered import beside_renames
from xigao.batch import Failed, as_document, check_iter
from xigao.detect import (
    Prepared,
    copy_match,
    copy_ratio,
    near_miss,
    rewrite_match,
    rewrite_near_miss,
)
from xigao.errors import IndexFormatError, InputError, XigaoError
from xigao.files import build_dir
from xigao.normalize import Normalized, normalize
from xigao.offsets import in_utf16
from xigao.paraphrase import TextEncoder, embed_sentences
from xigao.provenance import (
    ALIASES,
    credits,
    meta_time,
    quotation_spans,
)
from xigao.retrieval import Candidate, fingerprints_in, held_median, passage_dfs
from xigao.sketch import (
    U32,
    SketchConfig,
    codepoints,
    fingerprints,
    kgram_hashes,
    minhash,
    minhash_many,
    sketch_keys,
)
from xigao.storage import (
    IndexStore,
    check_replaceable,
    held_originals,
    replace_dir,
    stored_layout,
)
from xigao.terms import bundled_idf, term_keys
from xigao.types import (
    DETECT_KINDS,
    LIMIT,
    Document,
    Match,
    MatchKind,
    Result,
    check_genre,
    lone_surrogate,
    parse_detect,
    require_limit,
    whole_characters,
)
from xigao.verdict import Thresholds, combine
from xigao.verify import (
    SCENE_BUDGETS,
    SCENE_CANDIDATES,
    SCENE_LONGER,
    CandidatePlan,
    Originals,
    Verifier,
    Washed,
    as_asked,
    described,
    provenance,
    require_args,
    require_body,
    stronger,
    unmatched,
    wash_pair,
)
from xigao.workers import default_workers

DocLike = Document | Mapping[str, Any]
FAST_DETECT: tuple[MatchKind, ...] = ("repost", "partial")
#: Encoder whose document vectors a new index stores, and which aligns sentences.
DEFAULT_VECTORS = "static"
#: Encoder behind :func:`compare`'s pair score: the transformer, which ranks pairs better on
#: sohu2021, LCQMC and STS-B (Spearman 0.70 / 0.61 / 0.80 against the static model's 0.53 /
#: 0.50 / 0.69, :func:`benchmarks.pairs.run_pairs`) and which one pair at a time can afford.
PAIR_ENCODER = "e5"


@dataclass(frozen=True, slots=True)
class AddReport:
    added: int
    replaced: int


def _encoder(name: str) -> TextEncoder:
    """The named encoder, imported lazily: the fast path never loads a model."""
    from xigao.embed import get_encoder

    return get_encoder(name)


def document_vectors(docs: Sequence[Document], encoder: TextEncoder) -> np.ndarray:
    """Unit document vectors (length-weighted mean of sentence vectors) for a batch."""
    return np.stack([embed_sentences(normalize(d.body), encoder).doc_vector() for d in docs])


@dataclass(frozen=True, slots=True)
class _Suspect:
    """A text to check, prepared, awaiting its candidates (``skip``: rows left out)."""

    body: str
    id: str | None
    meta: Mapping[str, Any] | None
    prepared: Prepared
    skip: list[int]


_F = TypeVar("_F", bound=Callable[..., Any])
#: What sqlite says of a database file whose pages are not its own
_DAMAGED = re.compile(r"malformed|not a database|file is encrypted|corrupt", re.I)


def _damage_said(method: _F) -> _F:
    """``method`` of :class:`Index`, refused once the index is closed, and with a database
    damaged past what opening it reads (its pages overwritten) raising
    :class:`IndexFormatError` that says so, not sqlite's own error (a locked, full or
    read-only database is none of that, and raises as sqlite says)."""

    @functools.wraps(method)
    def said(self: Index, *args: Any, **kwargs: Any) -> Any:
        self.store.require_open()
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as e:
            if not _DAMAGED.search(str(e)):
                raise
            raise IndexFormatError(
                f"{self.store.path} is not a readable xigao index: {e}; build it again"
            ) from e

    return cast(_F, said)


class Index:
    """An index of originals on disk, and checks of suspects against it.

    Thread-safe: one instance may serve concurrent checks while documents are added.
    """

    def __init__(
        self,
        store: IndexStore,
        *,
        thresholds: Thresholds | None = None,
        aliases: Sequence[Sequence[str]] | None = None,
    ) -> None:
        self.store = store
        #: as this index's genre applies them (:meth:`Thresholds.for_genre`)
        self.thresholds = (thresholds or Thresholds.load()).for_genre(store.genre)
        self.aliases = ALIASES if aliases is None else tuple(tuple(g) for g in aliases)
        self.originals = Originals(self.store.documents, self.thresholds, lambda: self.encoder)
        #: alignment and verdict of a check (:mod:`xigao.verify`), over this store's originals
        self.verifier = Verifier(
            self.originals,
            self.store.terms,
            self.thresholds,
            lambda: self.wash_head,
            fiction=store.genre == "fiction",
            aliases=self.aliases,
            passage_dfs=self._passage_dfs,
        )

    @property
    def wash_head(self) -> np.ndarray | None:
        """The paraphrase head wash alignment uses (:func:`xigao.embed.wash_head`), if any."""
        if not self.thresholds.wash_head or not self.store.vectors:
            return None
        from xigao.embed import wash_head

        return wash_head(self.store.vectors)

    @property
    def encoder(self) -> TextEncoder:
        """The encoder of this index's vectors (loaded on first use)."""
        if not self.store.vectors:
            raise XigaoError(
                f"the index at {self.store.path} has no document vectors, so it cannot detect "
                "rewrites; rebuild it with vectors (the default), or detect reposts and partial "
                'copies only (--detect repost,partial; over HTTP "detect": ["repost", "partial"])'
            )
        return _encoder(self.store.vectors)

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        docs: Iterable[DocLike],
        path: str | os.PathLike[str],
        *,
        config: SketchConfig | None = None,
        vectors: str | None = DEFAULT_VECTORS,
        overwrite: bool = False,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        genre: str = "news",
        thresholds: Thresholds | None = None,
    ) -> Index:
        """Build a new index at ``path`` from ``docs``, opened with ``thresholds`` (default:
        those shipped).

        ``vectors`` names the encoder whose document vectors are stored for rewrite detection
        (None: a lexical index that detects reposts and partial copies only); ``genre`` what
        the originals are, ``"news"`` or ``"fiction"`` (``types.GENRES``): a renamed retelling
        of a chapter keeps few of its facts, and fiction decides rewrites by its own threshold
        (``Thresholds.wash_threshold_fiction``); ``workers``
        processes normalize the texts while this one writes (default: the CPUs, at most 4;
        1 for none). The index is
        built aside and moved into place, so an interrupted build leaves nothing half-written.
        """
        dest = Path(path)
        check_replaceable(dest)  # only an index is ever replaced
        if dest.exists() and any(dest.iterdir()) and not overwrite:
            raise FileExistsError(
                f"{dest} already holds an index; use `index add`, or pass overwrite=True "
                "(--overwrite) to replace it"
            )
        encoder = _encoder(vectors) if vectors else None
        dim = int(getattr(encoder, "dim", 0))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = build_dir(dest, "build")
        try:
            store = IndexStore.create(
                tmp,
                config or SketchConfig(),
                vectors=vectors or "",
                dim=dim,
                genre=genre,
                write_only=True,
            )
            store.add(
                (original_of(d) for d in docs),
                vectorize=_vectorizer(encoder),
                progress=progress,
                workers=default_workers() if workers is None else workers,
            )
            store.close()
            replace_dir(tmp, dest)
        except BaseException:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            raise
        idx = cls.open(dest, thresholds=thresholds)
        idx.store.prepare_ann()  # a large index gets its HNSW graph now, not on the first check
        return idx

    @classmethod
    def rebuild(
        cls,
        path: str | os.PathLike[str],
        *,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
        thresholds: Thresholds | None = None,
    ) -> Index:
        """Build the index at ``path`` anew with this xigao from the originals it stores (ids,
        titles, bodies and meta as they were added), with its genre, encoder and sketch
        settings: an index an older xigao built, which :meth:`open` refuses for its normalizer
        version, is usable again without its source files (black-box review 14: a platform
        that fed its originals through the service has none). Built aside and moved into
        place, as :meth:`build` does, the old index's write lock held throughout (another
        process's add or remove waits, or says the index is busy); a service reading the old
        index answers 503 until it is opened again. An index of a newer xigao is refused."""
        with held_originals(path) as (meta, originals):
            try:
                config, vectors, _, genre = stored_layout(meta)
            except (KeyError, TypeError, ValueError) as e:
                raise IndexFormatError(
                    f"the sketch settings of the index at {path} are not this xigao's ({e}); "
                    "build it from its sources with `xigao index build`"
                ) from e
            return cls.build(
                originals,
                path,
                config=config,
                vectors=vectors or None,
                overwrite=True,
                progress=progress,
                workers=workers,
                genre=genre,
                thresholds=thresholds,
            )

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        thresholds: Thresholds | None = None,
        aliases: Sequence[Sequence[str]] | None = None,
        like: Index | None = None,
    ) -> Index:
        """Open an existing index (format version checked). ``aliases``: groups of names of
        one publisher, for telling whether a suspect credits an original's publisher (default
        :data:`xigao.provenance.ALIASES`). ``like``: this index as opened by the process that
        forked this one, whose derived tables (postings, fact table, vectors) are taken where
        they hold what is stored now instead of being derived again."""
        store = IndexStore.open(path, like=None if like is None else like.store)
        return cls(store, thresholds=thresholds, aliases=aliases)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_damage_said
    def __len__(self) -> int:
        self.store.sync()
        return len(self.store)

    # -- contents ------------------------------------------------------------------------------
    @_damage_said
    def add(
        self,
        docs: Iterable[DocLike],
        *,
        progress: Callable[[int], None] | None = None,
        workers: int = 1,
        wait: float | None = None,
    ) -> AddReport:
        """Add originals (same ids replace; within ``docs``, the later record) in one atomic
        transaction; ``workers`` > 1 sketches in that many processes. An original with no id,
        half of a character in its id or no content in its body raises :class:`InputError`
        naming it, and nothing of ``docs`` is added (:func:`original_of`). ``wait``: seconds
        to wait for another process's write to the index to end (default: a minute), after
        which ``sqlite3.OperationalError`` says the database is locked and nothing is added."""
        encoder = self.encoder if self.store.vectors else None
        self.store.prepare_ann()  # a saved HNSW graph is loaded so that it follows the add
        added, replaced = self.store.add(
            (original_of(d) for d in docs),
            vectorize=_vectorizer(encoder),
            progress=progress,
            workers=workers,
            wait=wait,
        )
        return AddReport(added, replaced)

    @_damage_said
    def remove(self, ids: str | Iterable[str], *, wait: float | None = None) -> list[str]:
        """Remove originals by id (one id, or several); returns the ids that were not in the
        index. One id is a str, never read as its characters. ``wait``: as :meth:`add`'s."""
        return self.store.remove(ids, wait=wait)

    @_damage_said
    def get(self, doc_id: str) -> Document | None:
        self.store.sync()
        return self.store.get(doc_id)

    def in_utf16(self, result: Result | Mapping[str, Any], body: str) -> dict[str, Any]:
        """``result`` of a check of ``body`` as JSON, its offsets in UTF-16 code units, the
        positions of a browser's JavaScript strings, into ``body`` and into each original as
        this index stores it (:func:`xigao.offsets.in_utf16`)."""
        d = result.to_dict() if isinstance(result, Result) else result

        def original(doc_id: str) -> str | None:
            got = self.store.get(doc_id)
            return got.body if got is not None else None

        return in_utf16(d, body, original)

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """Several reads as one state of the index, whatever is added or removed meanwhile
        (every check is one already): ``with idx.reading(): r = idx.check(body);
        idx.in_utf16(r, body)`` converts the offsets into the originals as they were checked,
        not as a replace that came between left them. Writes of this process wait for it to
        end; keep it short, and never write inside it."""
        return self.store.reading()

    @_damage_said
    def info(self) -> dict[str, Any]:
        self.store.sync()
        return self.store.info()

    @_damage_said
    def sync(self) -> bool:
        """Take in what other processes wrote to this index since it was read (a cron
        ``xigao index add`` or ``remove`` beside a running service; see
        :meth:`xigao.storage.IndexStore.sync`): every check, :meth:`get`, :meth:`info` and
        ``len()`` does so first. Raises :class:`IndexFormatError` when the index was rebuilt
        or removed since it was opened: open it again."""
        return self.store.sync()

    @property
    def fiction(self) -> bool:
        """Whether this index holds fiction (``genre="fiction"``), which is read its own way."""
        return self.store.genre == "fiction"

    @property
    def default_detect(self) -> tuple[MatchKind, ...]:
        """Every kind this index can detect: rewrites need stored vectors."""
        return DETECT_KINDS if self.store.vectors else FAST_DETECT

    @_damage_said
    def prepare(self, detect: str | Iterable[str] | None = None) -> None:
        """Derive now what checks for ``detect`` read, not on the first check: the postings
        and, for rewrites, the fact table (a service before it answers; a scan before it
        forks its workers, which then share them instead of each deriving its own)."""
        self.store.prepare_lookup()
        if "rewrite" in parse_detect(detect, self.default_detect):
            with self.store.reading():  # (derived from the state the checks read)
                self.store.terms().derive()

    # -- checking ------------------------------------------------------------------------------
    @_damage_said
    def check(
        self,
        body: str,
        *,
        title: str | None = None,
        id: str | None = None,
        detect: str | Iterable[str] | None = None,
        limit: int = LIMIT,
        exclude: Collection[str] = (),
        meta: Mapping[str, Any] | None = None,
        exclude_quotes: bool = False,
    ) -> Result:
        """Check one suspect text against the index.

        ``detect`` limits the kinds looked for (default: all this index supports);
        ``("repost", "partial")`` is the fast path and never loads an embedding model.
        ``title`` is accepted for the record but not matched: reposts swap headlines.
        ``exclude`` names indexed documents to leave out, as if they were not indexed: an
        archived article checked against the rest of its archive (an id not in the index is
        ignored). ``meta``: the suspect's metadata: its credits (``source``, ``author``…) and
        publication time (``published_at`` or ``time``).

        The result's ``attribution`` lists the suspect's credit lines; each match says whether
        they credit the original's publisher (``credited``) and, when both carry a time, which
        was published first (``direction``), and how many of the characters it rests on are
        quotations (``quoted_chars``: text in quotation marks, block quotes). With
        ``exclude_quotes`` quotations cannot match at all: a story quoting a statement is not
        a copy of another that quotes it too.

        An empty or whitespace-only body raises :class:`InputError`, as the CLI and the service
        report it (a text with content too short to match is ``original``).
        """
        kinds = parse_detect(detect, self.default_detect)
        require_args(title=title)
        require_limit(limit)
        with self.store.reading():  # (one state of the index, whatever is written meanwhile)
            got = self._suspect(body, id, meta, exclude, exclude_quotes, kinds)
            return got if isinstance(got, Result) else self._decide(got, kinds, limit)

    def check_batch(
        self,
        docs: Sequence[DocLike],
        *,
        detect: str | Iterable[str] | None = None,
        exclude_quotes: bool = False,
        leave_own_out: bool = False,
        limit: int = LIMIT,
    ) -> list[Result | Failed]:
        """Check ``docs`` as :meth:`check_document` checks each, their fingerprints and LSH
        bands looked up together (:meth:`~xigao.storage.IndexStore.candidates_many`: the same
        candidates, numpy's cost per call paid once): what a scan does with the documents it
        hands a worker. A document whose check fails (a dict that is no document too) gets a
        :class:`~xigao.batch.Failed` in its place; ``leave_own_out``: each is checked as if its
        own id were not indexed."""
        kinds = parse_detect(detect, self.default_detect)
        require_limit(limit)
        with self.store.reading():  # (as a check reads it: one state of the index)
            return self._check_batch(docs, kinds, exclude_quotes, leave_own_out, limit)

    def _check_batch(
        self,
        docs: Sequence[DocLike],
        kinds: tuple[MatchKind, ...],
        exclude_quotes: bool,
        leave_own_out: bool,
        limit: int,
    ) -> list[Result | Failed]:
        out: list[Result | Failed | _Suspect] = []
        for item in docs:
            doc = as_document(item)
            if isinstance(doc, Failed):
                out.append(doc)
                continue
            try:
                own = [doc.id] if leave_own_out else []
                out.append(self._suspect(doc.body, doc.id, doc.meta, own, exclude_quotes, kinds))
            except Exception as e:
                out.append(Failed.of(doc.id, e))
        todo = [(i, s) for i, s in enumerate(out) if isinstance(s, _Suspect)]
        # (one alone looks up its own: the cheaper)
        found = self._lookup_together(todo, limit) if len(todo) > 1 else [None] * len(todo)
        for (i, s), cands in zip(todo, found, strict=True):
            try:
                out[i] = self._decide(s, kinds, limit, cands)
            except Exception as e:
                out[i] = Failed.of(s.id, e)
        return [r for r in out if not isinstance(r, _Suspect)]

    def _lookup_together(
        self, todo: list[tuple[int, _Suspect]], limit: int
    ) -> list[list[Candidate] | None]:
        """The fingerprint and band candidates of suspects ``todo``, looked up together."""
        need = self.thresholds.min_fingerprint_hits(self.store.config)
        try:
            return list(
                self.store.candidates_many(
                    self.sketch_queries([s.prepared.norm.key().chars for _, s in todo]),
                    limits=[limit + len(s.skip) for _, s in todo],
                    min_hits=need,
                )
            )
        except Exception:  # what they share failed: each looks up its own, and only it fails
            return [None] * len(todo)

    def _suspect(
        self,
        body: str,
        id: str | None,
        meta: Mapping[str, Any] | None,
        exclude: Collection[str],
        exclude_quotes: bool,
        kinds: Collection[MatchKind],
    ) -> _Suspect | Result:
        """A suspect prepared for its candidates, or its result when it is too short to
        match anything."""
        body = require_body(body, id)
        id, ids, meta = require_args(id=id, meta=meta, exclude=exclude)
        skip = [r for r in map(self.store.rowid, ids) if r is not None]
        # asked of an index that cannot give it, it is refused whatever the text (a short one
        # included, which needs no encoder to be original)
        encoder = self.encoder if "rewrite" in kinds else None
        prepared = Prepared.of(body, self.thresholds, exclude_quotes=exclude_quotes)
        if len(prepared.norm.key().chars) < self.store.config.k:
            return unmatched(body, id=id, meta=meta)
        if encoder is not None:
            prepared = prepared.with_sentences(encoder)
        return _Suspect(body, id, meta, prepared, skip)

    def _decide(
        self,
        s: _Suspect,
        kinds: Collection[MatchKind],
        limit: int,
        found: list[Candidate] | None = None,
    ) -> Result:
        rewrite = "rewrite" in kinds
        plan = self.candidate_rows(
            s.prepared, rewrite=rewrite, limit=limit, exclude=s.skip, found=found
        )
        return self.verifier.decide(s.body, s.prepared, plan, kinds, id=s.id, meta=s.meta)

    def sketch_queries(self, keys: list[str]) -> list[tuple[U32, U32, U32]]:
        """What a lookup of each key text needs: its fingerprints, their positions and its
        MinHash signature, hashed together (:func:`~xigao.sketch.sketch_keys`)."""
        cfg = self.store.config
        hashes, fps = sketch_keys(keys, cfg.k, cfg.window)
        sigs = minhash_many(hashes, cfg.num_perm, cfg.seed)
        return [(f, p, sigs[i]) for i, (f, p) in enumerate(fps)]

    def wash_candidates(self, suspect: Prepared, rowids: Sequence[int]) -> list[Washed]:
        """See :meth:`xigao.verify.Verifier.wash_candidates`."""
        return self.verifier.wash_candidates(suspect, rowids)

    def candidate_rows(
        self,
        suspect: Prepared,
        *,
        rewrite: bool,
        limit: int = LIMIT,
        thresholds: Thresholds | None = None,
        exclude: Collection[int] = (),
        found: list[Candidate] | None = None,
    ) -> CandidatePlan:
        """The originals a check examines (``suspect`` must carry sentences when ``rewrite``).

        Verbatim alignment runs on the originals whose shared fingerprints line up on one
        diagonal as a ``partial``-length run must make them (or that share an LSH band); a
        short suspect, whose copy may be shorter than that, has all its candidates aligned.
        Sentence alignment runs on the nearest document vectors and the originals sharing the
        most facts (rare character bigrams, :mod:`xigao.terms`), wherever they lie: a deep wash
        keeps no phrase a fingerprint finds.

        ``exclude`` leaves rows out as if they were not indexed (an indexed original checked
        against the rest); every list still holds as many candidates as it would without them.
        ``found``: what the fingerprint and band lookup found for it, when already looked up
        (:meth:`check_batch`, with ``limit`` + ``len(exclude)`` and these thresholds).
        """
        t = thresholds or self.thresholds
        skip = set(exclude)
        cfg = self.store.config
        key = suspect.norm.key().chars
        need = t.min_fingerprint_hits(cfg)
        cands = found
        if cands is None:
            h = kgram_hashes(codepoints(key), cfg.k)
            cands = self.store.candidates(
                *fingerprints(h, cfg.window),
                minhash(h, cfg.num_perm, cfg.seed),
                limit=limit + len(skip),
                min_hits=need,
            )
        if skip:
            cands = [c for c in cands if c.rowid not in skip]
        short = len(key) < 2 * t.partial_min_len
        plausible = [c.rowid for c in cands if short or c.lsh or c.diagonal >= need]
        verbatim, more = plausible[:limit], len(plausible) > limit
        if not rewrite:
            return CandidatePlan(verbatim, [], more)
        nearest = self.store.nearest(suspect.doc_vector(), t.vector_candidates + len(skip))
        near = [r for r, _ in nearest if r not in skip][: t.vector_candidates]
        facts = self.store.terms().nearest(term_keys(key), t.term_candidates, exclude=skip)
        rows = near + [r for r, _ in facts]
        if self.fiction:
            rows += self._scene_rows(key, skip)
        return CandidatePlan(verbatim, list(dict.fromkeys(rows)), more)

    def _scene_rows(self, key: str, skip: Collection[int]) -> list[int]:
        """The originals sharing the most facts with each page of a long suspect of fiction
        (``key``: its normalized content characters), pages of ``SCENE_BUDGETS[0]`` characters
        every half page: a chapter that retells a scene of a classic among its own prose shares
        too little with it as a whole to be among the nearest, and its scene is measured where
        it lies (:meth:`xigao.verify.Verifier.scenes`)."""
        page = SCENE_BUDGETS[0]
        if len(key) < SCENE_LONGER * page:
            return []
        terms = self.store.terms()
        rows: list[int] = []
        for start in range(0, len(key) - page // 2, page // 2):
            got = terms.nearest(
                term_keys(key[start : start + page]), SCENE_CANDIDATES, exclude=skip
            )
            rows += [r for r, _ in got]
        return rows

    def _passage_dfs(self, norm: Normalized, spans: Sequence[tuple[int, int]]) -> list[float]:
        """:meth:`passage_df` of each of the passages ``spans`` of a normalized text on its own
        (:func:`xigao.retrieval.passage_dfs`)."""
        return passage_dfs(norm, spans, self.store.config, self.store.fingerprint_df)

    def passage_df(self, body: str, spans: Iterable[tuple[int, int]]) -> float:
        """How common the passages ``spans`` of ``body`` (raw spans, end exclusive) are in the
        index: the median number of indexed documents holding each of their fingerprints that
        any holds (0 when none does: :func:`xigao.retrieval.held_median`). A passage copied
        once is in two documents; the formulae of a news programme (its leaders' titles, its
        sign-off) are in dozens."""
        fps = fingerprints_in(normalize(body), spans, self.store.config)
        with self.store.reading():
            return held_median(self.store.fingerprint_df(fps)) if len(fps) else 0.0

    def check_document(
        self,
        doc: DocLike,
        *,
        detect: str | Iterable[str] | None = None,
        exclude: Collection[str] = (),
        exclude_quotes: bool = False,
        limit: int = LIMIT,
    ) -> Result:
        """Check a document (dict or :class:`Document`): its metadata gives the check its
        credits and publication time (see :meth:`check`) and is not echoed."""
        d = Document.coerce(doc)
        return self.check(
            d.body,
            title=d.title,
            id=d.id,
            detect=detect,
            exclude=exclude,
            meta=d.meta,
            exclude_quotes=exclude_quotes,
            limit=limit,
        )

    def check_iter(
        self,
        docs: Iterable[DocLike],
        *,
        detect: str | Iterable[str] | None = None,
        exclude_quotes: bool = False,
        leave_own_out: bool = False,
        workers: int = 1,
        limit: int = LIMIT,
    ) -> Generator[Result | Failed, None, None]:
        """Check many documents (dicts or :class:`Document`), yielding each one's result, or a
        :class:`~xigao.batch.Failed` saying why its check failed, in input order; with
        ``workers`` > 1, in that many processes once there are more than a few dozen
        (:func:`xigao.batch.check_iter`). ``leave_own_out``: each is checked as if the indexed
        document of its id were not indexed (an archive checked against itself); ``limit`` as
        in :meth:`check`."""
        return check_iter(
            self,
            docs,
            detect=detect,
            exclude_quotes=exclude_quotes,
            leave_own_out=leave_own_out,
            workers=workers,
            limit=limit,
        )

    def check_many(
        self,
        docs: Iterable[DocLike],
        *,
        detect: str | Iterable[str] | None = None,
        exclude_quotes: bool = False,
        leave_own_out: bool = False,
        workers: int = 1,
        limit: int = LIMIT,
    ) -> list[Result | Failed]:
        """:meth:`check_iter` as a list."""
        return list(
            self.check_iter(
                docs,
                detect=detect,
                exclude_quotes=exclude_quotes,
                leave_own_out=leave_own_out,
                workers=workers,
                limit=limit,
            )
        )


def _vectorizer(
    encoder: TextEncoder | None,
) -> Callable[[Sequence[Document]], np.ndarray] | None:
    if encoder is None:
        return None
    return functools.partial(document_vectors, encoder=encoder)


def compare(
    suspect: str,
    original: str,
    *,
    detect: str | Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
    encoder: str | TextEncoder | None = PAIR_ENCODER,
    genre: str = "news",
    meta: Mapping[str, Any] | None = None,
    original_meta: Mapping[str, Any] | None = None,
) -> Result:
    """Compare two texts directly.

    A rewrite is decided as a check against an index decides it (:func:`xigao.verify.wash_pair`:
    the wash score, the original weighed as a candidate no other original rivals, its facts by
    how rare they are among the benchmark's originals of ``genre``, ``"news"`` or
    ``"fiction"``, :func:`xigao.terms.bundled_idf`); an original the suspect came near is its
    ``near_miss``, with the reason. In fiction a renamed copy's ``name_map`` is read, and a
    rewrite needs 30% of the suspect aligned (``verify.PAIR_FICTION_ALIGNED``), or 45% of
    its densest half (``verify.PAIR_FICTION_SCENE``: a scene grafted into another story);
    a long chapter is measured over its scene too, as a check measures it
    (:func:`xigao.verify.scene_pair`). With no other original to weigh it against, two reports of one series share more than
    they would in an index: on the benchmark's same-topic pairs ``compare`` calls 1.8%
    rewrites, a check 1.0% (docs/benchmarks.md, "compare decides as a check does").

    ``score`` is how much of the original is reused in the suspect, whatever the kind. With
    verbatim reuse only (``detect`` without rewrite, or ``encoder=None``) it is the verbatim
    coverage. Otherwise it is :func:`compare_score` of :func:`compare_parts`: the share of the
    original that is copied or re-expressed (its sentences aligned as in a scan), where it
    exceeds the similarity of the two whole texts (their cosine), raises that similarity; the
    more sentences the original has, the more the share counts: an article is scored by how
    much of it is reused, a one-line original by how similar the two texts are. The score was
    calibrated on sentence-pair sets, short news pairs and the development cases' pairs, none
    of which the benchmark reports (``benchmarks/calibrate_xigao.py``). Sentences too short to
    align on their own (怎么办？) are joined to a neighbour, not dropped.
    ``encoder`` embeds the two texts: the e5 transformer by default (the first call loads it, a
    few seconds; then tens of pairs per second on 2 cores; e5 reads about the first 500
    characters of each), ``"static"`` for a few hundred pairs per second at a lower
    pair-ranking quality, None for verbatim reuse only; or an encoder object (``encode(texts)``
    giving unit rows; given ``kind="query"`` too when it takes that keyword). The encoder
    changes the score, never the verdict: rewrites are aligned with the static encoder.

    ``meta`` and ``original_meta``: the two texts' metadata, as a check takes the suspect's and
    an index keeps an original's (``source``, ``author``, ``time``…): the result's
    ``attribution`` reads the suspect's credits (its credit lines and ``meta``), a match's
    ``credited`` whether they, or a lead-in before a pasted passage (据央视新闻报道：…), name
    the original's publisher (which only ``original_meta`` says: without it, false), and
    ``direction`` which was published first.
    """
    kinds = parse_detect(detect, DETECT_KINDS if encoder else FAST_DETECT)
    if "rewrite" in kinds and not encoder:
        raise InputError(
            "detecting rewrites needs an encoder: pass encoder='static' (or 'e5'), or detect "
            "repost,partial for verbatim reuse only"
        )
    suspect, original = require_body(suspect, "suspect"), require_body(original, "original")
    t = (thresholds or Thresholds.load()).for_genre(check_genre(genre))
    best, parts, miss, prepared = _compare(suspect, original, kinds, t, encoder, genre)
    score = compare_score(parts, t) if parts is not None else best.coverage if best else 0.0
    # the suspect's credit lines, and its match as a check reports one: whether they credit
    # the original's publisher (its metadata), which came first, its quotations
    _, _, meta = require_args(meta=meta)
    _, _, theirs = require_args(meta=original_meta)
    found, quotes = credits(suspect, meta), quotation_spans(suspect)
    matches = [best] if best is not None else []
    suspect_time = meta_time(meta)
    verdict, _, ordered = combine(
        provenance(suspect, m, theirs or {}, found, suspect_time, ALIASES, quotes) for m in matches
    )
    info: dict[str, Any] = {
        "copy_ratio": round(copy_ratio(prepared, ordered), 4),
        "attribution": [c.to_dict() for c in found],
    }
    if miss is not None and verdict == "original" and miss.containment > 0:
        info["near_miss"] = near_miss(miss)
        if shown := described(theirs or {}, None):  # what the original is, as a check says
            info["near_miss"]["original"] = shown
    return Result(None, verdict, score, ordered, info)


class CompareParts(NamedTuple):
    """What ``compare``'s graded score is made of (see :func:`compare_score`)."""

    #: share of the original copied verbatim (its coverage by verbatim passages)
    verbatim: float
    #: share of the original's sentences (by characters) aligned to suspect sentences
    aligned: float
    #: cosine of the two whole texts, clipped to [0, 1]
    cosine: float
    #: sentences in the original
    sentences: int
    #: the cosine counts from here up: ``compare_floor`` (``compare_floor_static`` for the
    #: static encoder)
    floor: float


def compare_parts(
    suspect: str,
    original: str,
    *,
    thresholds: Thresholds | None = None,
    encoder: str | TextEncoder = PAIR_ENCODER,
) -> CompareParts:
    """The parts of ``compare``'s score for a pair, with rewrites detected."""
    t = thresholds or Thresholds.load()
    parts = _compare(suspect, original, DETECT_KINDS, t, encoder, None)[1]
    assert parts is not None
    return parts


def compare_score(parts: CompareParts, t: Thresholds) -> float:
    """``compare``'s graded score: the whole texts' similarity (their cosine rescaled,
    :func:`cosine_similarity`), raised toward the share of the original reused by
    ``a × (share − similarity)`` where the share is larger, and never under the verbatim
    coverage. The share is the larger of the verbatim and the aligned shares of the original,
    and ``a = (n − 1) / (n − 1 + compare_sentences)`` for an original of ``n`` sentences (0 for
    one sentence: a share of one sentence is all or nothing). The share can only raise the
    score, so two texts that share no sentence rank by their cosine alone, however many
    sentences the original has.

    >>> t = Thresholds(compare_sentences=1.0, compare_under_floor=0.0)
    >>> compare_score(CompareParts(0.0, 1.0, 0.9, 1, 0.8), t)  # one sentence: the cosine alone
    0.5
    >>> round(compare_score(CompareParts(0.0, 0.8, 0.9, 11, 0.8), t), 3)  # an article: its share
    0.773
    >>> compare_score(CompareParts(0.0, 0.0, 0.9, 11, 0.8), t)  # nothing shared: the cosine
    0.5
    """
    share = max(parts.verbatim, parts.aligned)
    n = parts.sentences
    a = (n - 1) / (n - 1 + t.compare_sentences) if n > 1 else 0.0
    similar = cosine_similarity(parts.cosine, parts.floor, t.compare_under_floor)
    return max(parts.verbatim, similar + a * max(0.0, share - similar))


def cosine_similarity(cosine: float, floor: float, under: float) -> float:
    """A cosine in [0, 1] rescaled to a similarity in [0, 1] that keeps its order: from
    ``under`` at ``floor`` up to 1 linearly, and below the floor from 0 up to ``under``
    (``under`` 0: every cosine under the floor is worth 0).

    >>> [round(cosine_similarity(c, 0.8, 0.2), 3) for c in (0.4, 0.8, 0.9, 1.0)]
    [0.1, 0.2, 0.6, 1.0]
    >>> round(cosine_similarity(0.9, 0.8, 0.0), 3), cosine_similarity(0.4, 0.8, 0.0)
    (0.5, 0.0)
    """
    if cosine >= floor:
        return under + (1 - under) * (cosine - floor) / (1 - floor) if floor < 1 else under
    return under * cosine / floor


def _compare(
    suspect: str,
    original: str,
    kinds: Collection[str],
    t: Thresholds,
    encoder: str | TextEncoder | None,
    genre: str | None,
) -> tuple[Match | None, CompareParts | None, Match | None, Prepared]:
    """The best match of ``suspect`` against ``original`` among ``kinds``, the parts of the
    graded score (None without rewrites or an encoder: the score is then the verbatim
    coverage), the closest it came to a rewrite as a near miss when it is none, and the
    suspect as prepared. A rewrite
    is the wash measures' (:func:`xigao.verify.wash_pair`, weighed as in ``genre``; None, for
    the score's parts alone: the sentence rule's); the near miss is theirs, or the sentence
    alignment's where they were not read (no ``genre``)."""
    plain_a, plain_b = Prepared.of(suspect, t), Prepared.of(original, t)
    a, b = plain_a, plain_b
    copied = copy_match(a, b, "original", t)
    best = as_asked(copied, kinds)
    if "rewrite" not in kinds or not encoder:
        return best, None, None, plain_a
    verbatim = best.coverage if best is not None else 0.0
    enc = _encoder(encoder) if isinstance(encoder, str) else encoder
    # sentence vectors serve alignment only when it blends in cosines (bigrams alone otherwise)
    a = a.with_sentences(enc, vectors=t.blend_weight > 0, keep_short=True)
    b = b.with_sentences(enc, vectors=t.blend_weight > 0, keep_short=True)
    rw, stats = rewrite_match(a, b, "original", t)  # its aligned share is the score's
    washed: Match | None = None
    if genre is not None and (best is None or best.kind != "repost"):  # a repost stays one
        aligner = _encoder(DEFAULT_VECTORS)
        washed, rewrite = wash_pair(
            plain_a.with_sentences(aligner),
            plain_b.with_sentences(aligner),
            t,
            bundled_idf(genre),
            fiction=genre == "fiction",
            copy=copied if copied is not None and copied.kind == "partial" else None,
        )
        rw = washed if rewrite else None
    miss = None
    if rw is None:
        # the wash measures' reason wherever they decided (a pair asked about is shown how close
        # it came, however far); the sentence rule's only where it decided (review 9)
        miss = washed if washed is not None else rewrite_near_miss(a, b, "original", stats, t)
    if best is None or best.kind != "repost":
        best = stronger(best, rw)
    renamed = washed.details.get("name_map") if washed is not None else None
    if best is not None and best.kind != "rewrite" and renamed:  # a faithful renamed copy (换名)
        best = replace(best, details=beside_renames({**best.details, "name_map": renamed}))
    assert b.sents is not None
    cosine = document_cosine(a, b, enc, prompt=t.compare_prompt)
    floor = t.compare_floor_static if getattr(enc, "name", None) == "static" else t.compare_floor
    return best, CompareParts(verbatim, stats.coverage, cosine, len(b.sents), floor), miss, plain_a


def document_cosine(
    a: Prepared, b: Prepared, encoder: TextEncoder, *, prompt: str = "passage"
) -> float:
    """Cosine of the two whole texts as given (raw, one ``encode`` call for both), clipped to
    [0, 1]; 0 when either holds no content characters (e5 reads the first 512 tokens of each).
    ``prompt`` is passed as ``kind`` to an encoder whose ``encode`` takes it."""
    if not a.norm.key().chars or not b.norm.key().chars:
        return 0.0
    texts = [a.norm.raw, b.norm.raw]
    if prompt != "passage" and _takes_kind(encoder):
        v = np.asarray(encoder.encode(texts, kind=prompt), dtype=np.float32)  # type: ignore[call-arg]
    else:
        v = np.asarray(encoder.encode(texts), dtype=np.float32)
    return float(np.clip(v[0] @ v[1], 0.0, 1.0))


def _takes_kind(encoder: TextEncoder) -> bool:
    try:
        params = inspect.signature(encoder.encode).parameters
    except (TypeError, ValueError):
        return False
    return "kind" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def original_of(doc: DocLike) -> Document:
    """``doc`` as an original to store: its texts with each half of a character written
    U+FFFD (as a check reads them); an id that holds one or is blank, or an empty or
    whitespace-only body (nothing of it could ever match), raises :class:`InputError` naming
    the document."""
    d = Document.coerce(doc)
    why = lone_surrogate(d.id, "id")
    if why:
        raise InputError(f"original {whole_characters(d.id)!r}: {why}")
    if not d.id.strip():  # (as the CLI refuses it: easy to misread, hard to name again)
        raise InputError(f"original {d.id!r} has a blank id (spaces only)")
    if not d.body.strip():
        raise InputError(f"original {d.id!r} has an empty body: nothing of it could match")
    return Document(
        d.id, whole_characters(d.body), whole_characters(d.title), whole_characters(dict(d.meta))
    )
