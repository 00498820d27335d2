"""Plain records passed between stages and returned to users.

``Result.to_dict()`` gives the JSON documented in the interface, with its ``summary`` in plain
Chinese (:mod:`xigao.summary`):

>>> r = Result(id="a", verdict="original", score=0.0, matches=())
>>> r.to_dict()
{'id': 'a', 'verdict': 'original', 'score': 0.0, 'matches': [], 'summary': '原创：未发现转载、部分抄袭或洗稿。'}
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from xigao.errors import InputError
from xigao.summary import summarize

Verdict = Literal["repost", "partial", "rewrite", "original"]
MatchKind = Literal["repost", "partial", "rewrite"]
EvidenceKind = Literal["verbatim", "paraphrase"]

#: Precedence when several kinds apply (``../shared/docs/benchmark.md``): repost > rewrite > partial > original.
VERDICT_RANK: dict[str, int] = {"original": 0, "partial": 1, "rewrite": 2, "repost": 3}
VERDICTS: tuple[Verdict, ...] = ("repost", "partial", "rewrite", "original")
DETECT_KINDS: tuple[MatchKind, ...] = ("repost", "partial", "rewrite")


def parse_detect(
    detect: str | Iterable[str] | None, default: tuple[MatchKind, ...] = DETECT_KINDS
) -> tuple[MatchKind, ...]:
    """Validate a ``detect`` option: a comma list or iterable of repost, partial, rewrite
    (:class:`~xigao.errors.InputError`, a ``ValueError``, when it is not)."""
    if detect is None:
        return default
    choose = f"choose from {', '.join(DETECT_KINDS)}"
    if isinstance(detect, str):
        items = detect.split(",")
    elif isinstance(detect, Iterable):
        items = list(detect)
    else:
        raise InputError(f"detect must be a comma list or a list of kinds; {choose}")
    kinds: list[MatchKind] = []
    for raw in items:
        item = raw.strip() if isinstance(raw, str) else raw
        if item not in DETECT_KINDS:
            raise InputError(f"unknown detect kind {item!r}; {choose}")
        kinds.append(item)
    if not kinds:
        raise InputError(f"detect is empty; {choose}")
    return tuple(dict.fromkeys(kinds))


#: What an index holds, which sets how it decides rewrites (``Thresholds.for_genre``): news
#: reports (the default) or fiction (chapters, stories, essays).
GENRES: tuple[str, ...] = ("news", "fiction")


def check_genre(genre: str) -> str:
    """``genre`` if it is one of :data:`GENRES`, else an :class:`InputError` (a ValueError)
    saying which are."""
    if genre not in GENRES:
        raise InputError(f"unknown genre {genre!r}; expected one of {', '.join(GENRES)}")
    return genre


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``meta`` carries any extra fields through untouched."""

    id: str
    body: str
    title: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def coerce(cls, doc: Document | Mapping[str, Any]) -> Document:
        """Accept a ``Document`` or a dict with ``id``, ``body`` (or ``text``), ``title``;
        anything else raises :class:`InputError`."""
        if isinstance(doc, Document):
            return doc
        if not isinstance(doc, Mapping):
            raise InputError(
                f"a document must be a Document or a dict, not {type(doc).__name__}"
                + (" (documents are given as a list of them)" if isinstance(doc, str) else "")
            )
        body = doc.get("body", doc.get("text"))
        if doc.get("id") is None:
            raise InputError("document has no 'id'")
        if not isinstance(body, str):
            raise InputError(f"document {doc.get('id')!r} has no 'body' (or 'text') string")
        title = doc.get("title")
        meta = {k: v for k, v in doc.items() if k not in ("id", "body", "text", "title")}
        return cls(
            id=str(doc["id"]), body=body, title=None if title is None else str(title), meta=meta
        )


@dataclass(frozen=True, slots=True)
class Evidence:
    """A pair of character spans, end exclusive, in the suspect and the source as given."""

    kind: EvidenceKind
    suspect: tuple[int, int]
    source: tuple[int, int]
    similarity: float = 1.0
    #: a pair of sentences that read alike but write figures or names otherwise (another
    #: month's report, a short form, a figure changed): not counted as re-expressing the
    #: original; ``"conflict": true`` in JSON, absent otherwise
    conflict: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "suspect": [self.suspect[0], self.suspect[1]],
            "source": [self.source[0], self.source[1]],
            "similarity": round(float(self.similarity), 4),
        }
        if self.conflict:
            d["conflict"] = True
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Evidence:
        """The evidence :meth:`to_dict` wrote (as rounded there)."""
        s, o = d["suspect"], d["source"]
        return cls(
            d["kind"],
            (int(s[0]), int(s[1])),
            (int(o[0]), int(o[1])),
            float(d["similarity"]),
            d.get("conflict") is True,
        )


@dataclass(frozen=True, slots=True)
class Match:
    """One original reused by the suspect."""

    source_id: str
    kind: MatchKind
    score: float
    containment: float
    coverage: float
    evidence: tuple[Evidence, ...] = ()
    #: Extra facts (altered numbers, longest passage...), passed through to JSON.
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def strength(self) -> tuple[int, float]:
        """What ranks matches: kind first (repost > rewrite > partial), then score."""
        return VERDICT_RANK[self.kind], self.score

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source_id": self.source_id,
            "kind": self.kind,
            "score": round(float(self.score), 4),
            "containment": round(float(self.containment), 4),
            "coverage": round(float(self.coverage), 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        d.update(self.details)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Match:
        """The match :meth:`to_dict` wrote (as rounded there); other keys are its details."""
        known = ("source_id", "kind", "score", "containment", "coverage", "evidence")
        return cls(
            str(d["source_id"]),
            d["kind"],
            float(d["score"]),
            float(d["containment"]),
            float(d["coverage"]),
            tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
            {k: v for k, v in d.items() if k not in known},
        )


@dataclass(frozen=True, slots=True)
class Result:
    """The answer for one checked document: verdict, score and matches strongest first."""

    id: str | None
    verdict: Verdict
    score: float
    matches: tuple[Match, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(float(self.score), 4),
            "matches": [m.to_dict() for m in self.matches],
        }
        d.update(self.meta)
        d["summary"] = summarize(d)
        return d

    @property
    def summary(self) -> str:
        """The result in plain Chinese, for a moderator (:func:`xigao.summary.summarize`)."""
        return str(self.to_dict()["summary"])  # (made there, once)

    # the result's other fields, as ``to_dict`` gives them (black-box review 11: a newsroom's
    # code reads ``r.copy_ratio`` as the README names it)
    @property
    def copy_ratio(self) -> float:
        """Share of the suspect's content characters inside any match's evidence (0 without)."""
        return float(self.meta.get("copy_ratio", 0.0))

    @property
    def near_miss(self) -> dict[str, Any] | None:
        """The closest original of a suspect called original, with its reason, if any."""
        got = self.meta.get("near_miss")
        return dict(got) if got else None

    @property
    def attribution(self) -> list[dict[str, Any]]:
        """The credits the suspect states (credit lines and its metadata)."""
        return list(self.meta.get("attribution") or ())

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Result:
        """The result :meth:`to_dict` wrote (as rounded there): results read back from JSON,
        as the Spark engine's are. ``Result.from_dict(r.to_dict()).to_dict() == r.to_dict()``."""
        known = ("id", "verdict", "score", "matches", "summary")  # the summary is made anew
        return cls(
            d.get("id"),
            d["verdict"],
            float(d["score"]),
            tuple(Match.from_dict(m) for m in d.get("matches", ())),
            {k: v for k, v in d.items() if k not in known},
        )


# --------------------------------------------------------------------------- texts as stored
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: Any, field: str) -> str | None:
    """What is wrong when ``value`` (a field's value; texts only are looked at) holds half of
    a character, a lone surrogate such as the ``"\\ud83d"`` escape of half an emoji, which no
    UTF-8 file or database can hold: the field and the character's place; None when it does
    not.

    >>> lone_surrogate("a\\ud83d", "id")
    "field 'id' holds half of a character (\\\\ud83d at character 2: a lone surrogate escape)"
    >>> lone_surrogate("表情😀", "id") is None and lone_surrogate(7, "id") is None
    True
    """
    m = _SURROGATE.search(value) if isinstance(value, str) else None
    if m is None:
        return None
    return (
        f"field {field!r} holds half of a character (\\u{ord(m.group()):04x} at character "
        f"{m.start() + 1}: a lone surrogate escape)"
    )


def whole_characters(value: Any) -> Any:
    """``value`` (a text, or JSON lists and objects of texts) with each half of a character (a
    lone surrogate) written as U+FFFD, one character for one: a position in a text is the same
    position after.

    >>> whole_characters({"body": "表情\\ud83d。", "tags": ["x\\udc00"]})
    {'body': '表情\ufffd。', 'tags': ['x\ufffd']}
    """
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {whole_characters(k): whole_characters(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(whole_characters(v) for v in value)
    return value


def json_safe(value: Any) -> Any:
    """``value`` with each float that strict JSON cannot write (NaN, ±Infinity: a JSONL
    record's ``NaN`` or ``1e400``, which Python reads) as a string, in lists and dicts too:
    what is passed through to a result stays one every JSON parser reads."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


#: The originals sharing a copied run that a check aligns at most, unless told otherwise
#: (``limit`` of :meth:`xigao.Index.check`, ``xigao scan --limit``, the service's ``limit``).
LIMIT = 20


def require_limit(limit: object) -> None:
    """A check's ``limit`` (originals aligned at most per kind) is a positive integer."""
    if isinstance(limit, bool) or not isinstance(limit, numbers.Integral) or limit < 1:
        raise InputError(f"limit must be a positive int (originals aligned), not {limit!r}")
