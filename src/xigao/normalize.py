"""Normalization with an offset map back to the raw text.

Steps: HTML tags and entities; zero-width and control characters dropped, NFKC, lowercase;
converter pinyin debris (``網(wǎng)``); traditional → simplified (OpenCC ``t2s``, and Taiwan-usage
words folded into the mainland words they stand for, in every text: 网际网路 into 互联网); whitespace.
Boilerplate (credits, datelines, disclaimers) stays in ``text`` and is flagged in ``excluded``.

>>> n = normalize("據(jù)國家版權局網(wǎng)站消息，ＡＢＣ")
>>> n.text
'据国家版权局网站消息,abc'
>>> n.raw_span(6, 8)  # 网站 came from 網(wǎng)站
(10, 18)
"""

from __future__ import annotations

import bisect
import hashlib
import html
import itertools
import os
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

#: Stored in indexes; bump whenever the output of :func:`normalize` changes.
NORMALIZER_VERSION = 6  #: 2: Latin look-alikes folded, spaced pinyin debris; 3: chained debris;
#: 4: Taiwan-standard 著 for the particle 着 (大著步) read as 着; 5: Taiwan-usage words folded
#: into the mainland words they stand for (網際網路 into 互联网), in every text; 6: a list's
#: enumerators (①, ⑴, ❶, ㈠…) read as spaces, no digits of the figure after them

_I32 = np.int32


@dataclass(frozen=True, slots=True)
class Key:
    """Content characters of a normalized text (no punctuation, space or boilerplate)."""

    chars: str
    #: int32 index into ``Normalized.text`` of each char.
    pos: np.ndarray = field(compare=False)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text; ``text[i]`` comes from ``raw[starts[i]:ends[i]]``."""

    raw: str
    text: str
    starts: np.ndarray = field(compare=False, repr=False)
    ends: np.ndarray = field(compare=False, repr=False)
    #: Boilerplate spans in ``text`` coordinates, sorted and non-overlapping.
    excluded: tuple[tuple[int, int], ...] = ()
    _key: Key | None = field(default=None, init=False, repr=False, compare=False)

    def excluding(self, spans: Iterable[tuple[int, int]]) -> Normalized:
        """This text with ``spans`` (``text`` coordinates) left out of its key as well, as
        boilerplate is (quotations, when they are not to count as copied)."""
        return Normalized(
            self.raw, self.text, self.starts, self.ends, _merged([*self.excluded, *spans])
        )

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the text span ``[start, end)`` to the raw span that produced it."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise IndexError(f"span ({start}, {end}) is outside the normalized text [0, {n}]")
        if start < end:
            return int(self.starts[start]), int(self.ends[end - 1])
        p = int(self.starts[start]) if start < n else (int(self.ends[-1]) if n else 0)
        return p, p

    def written(self, form: str) -> str:
        """``form``, a string of this normalized text, as the raw text writes it where the
        normalized text first holds it (normalizing folds script and case: 孫乾 reads 孙干, 阿Q
        reads 阿q); a form it never holds, or that the raw text writes with more or fewer
        characters (markup inside it), as given.

        >>> normalize("孫乾曰：阿Q。").written("孙干"), normalize("阿Q").written("阿q")
        ('孫乾', '阿Q')
        >>> normalize("<b>张</b>三").written("张三"), normalize("张三").written("李四")
        ('张三', '李四')
        """
        at = self.text.find(form) if form else -1
        if at < 0:
            return form
        lo, hi = self.raw_span(at, at + len(form))
        raw = self.raw[lo:hi]
        return raw if len(raw) == len(form) else form

    def key(self) -> Key:
        """Content characters with their positions (computed once, then cached)."""
        k = self._key
        if k is None:
            cps, astral = _cps(self.text)
            mask = _lookup(cps, _tables().alnum, 2, astral)
            for s, e in self.excluded:
                mask[s:e] = False
            pos = mask.nonzero()[0].astype(_I32)
            pos.setflags(write=False)
            k = Key(_text(cps[mask]), pos)
            object.__setattr__(self, "_key", k)
        return k


# --------------------------------------------------------------------------- character tables
# Per BMP code point: flags, its 1:1 replacement, isalnum. Astral code points land on the
# extra last entry and are then looked up one by one (cached).
_F_MAP, _F_EXP, _F_DEL, _F_CPLX, _F_TRAD, _F_LTAMP = (1 << i for i in range(6))
_BMP = 0x10000
#: Cyrillic and Greek letters drawn like Latin ones (lowercase: the table lowercases first), a
#: way to slip a copied brand or code past a check.
_GLYPHS = str.maketrans("аеорсхуіјѕһԁԛԝӏοανκρ", "aeopcxyijshdqwloavkp")
#: Capitals drawn like Latin ones, read before lowercasing (В is B, but в is no b).
_GLYPHS_UPPER = str.maketrans("АВЕКМНОРСТХУЅІЈΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEKMHOPCTXYSIJABEZHIKMNOPTYX")
_NEWLINES = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class _Tables:
    """Per-code-point lookup tables (about a second to build: every BMP code point through
    NFKC, and every CJK one through OpenCC), cached on disk after the first build."""

    def __init__(self) -> None:
        import opencc  # heavy: imported on first use

        self.cc: Any = opencc.OpenCC("t2s")
        self.s2t: Any = opencc.OpenCC("s2t")  # (both for 著 alone: :func:`_zhe`)
        self.tw: Any = opencc.OpenCC("tw2s")
        self.expand: dict[int, str] = {}
        cache = _cache_file(getattr(opencc, "__version__", "?"))
        if cache is None or not self._load(cache):
            self._build()
            if cache is not None:
                self._save(cache)

    def _build(self) -> None:
        # Characters OpenCC changes on their own: a sentence without any is left alone.
        cjk = [(0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x323B0)]
        chars = [chr(i) for a, b in cjk for i in range(a, b)]
        out = self.cc.convert("\n".join(chars)).split("\n")
        # (著 too: Taiwan-standard text writes the particle 着 so, which t2s keeps; a sentence
        # holding it is converted, and :func:`_zhe` reads it)
        self.trad = frozenset(a for a, b in zip(chars, out, strict=True) if a != b) | {"著"}
        self.trad |= {chr(c) for c in _VARIANTS}
        self.flags = np.zeros(_BMP + 1, dtype=np.uint8)
        self.mapping = np.arange(_BMP + 1, dtype=np.uint32).astype(np.uint16)
        self.alnum = np.zeros(_BMP + 1, dtype=np.bool_)
        for i in range(_BMP):
            self.flags[i], self.mapping[i], self.alnum[i] = self.info(i)

    def _load(self, path: Path) -> bool:
        try:
            with np.load(path, allow_pickle=False) as z:
                self.flags, self.mapping, self.alnum = z["flags"], z["mapping"], z["alnum"]
                self.trad = frozenset(str(z["trad"]))
                keys, values = z["expand_keys"].tolist(), z["expand_values"].tolist()
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return False  # (derived again: an empty file raises EOFError, a cut one BadZipFile)
        self.expand = dict(zip(keys, values, strict=True))
        return (
            self.flags.shape == self.mapping.shape == self.alnum.shape == (_BMP + 1,)
            and self.mapping.dtype == np.uint16
        )

    def _save(self, path: Path) -> None:
        """Write the tables atomically; a cache that cannot be written is simply not kept."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                np.savez(
                    f,
                    flags=self.flags,
                    mapping=self.mapping,
                    alnum=self.alnum,
                    trad=np.array("".join(sorted(self.trad))),
                    expand_keys=np.array(list(self.expand), dtype=np.int64),
                    expand_values=np.array(list(self.expand.values()) or [""])[: len(self.expand)],
                )
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except OSError:
            pass

    def info(self, cp: int) -> tuple[int, int, bool]:
        c = chr(cp)
        if unicodedata.category(c) in ("Cc", "Cf", "Cs") and c not in _NEWLINES and c != "\t":
            return _F_DEL, cp, False
        if any(lo <= cp <= hi for lo, hi in _ENUMERATORS):
            return _F_MAP, ord(" "), False  # (a space: 得分①90②85 is no 9085)
        # NFKC and lowercase, except that "…" stays one character (a sentence end); Cyrillic
        # and Greek letters that look like Latin ones read as those (аpple → apple).
        f = c
        if c != "…":
            f = unicodedata.normalize("NFKC", c).translate(_GLYPHS_UPPER)
            f = _canon(f.lower()).translate(_GLYPHS)
        flag = _F_CPLX if _composes(c) or (f and _composes(f[0])) else 0
        flag |= _F_TRAD if any(ch in self.trad for ch in f) else 0
        flag |= _F_LTAMP if c not in "<&" and ("<" in f or "&" in f) else 0
        if len(f) == 1 and (ord(f) < _BMP or cp >= _BMP):  # BMP maps within the BMP
            return flag | (_F_MAP if f != c else 0), ord(f), c.isalnum()
        self.expand[cp] = f
        return flag | (_F_EXP if f else _F_DEL), cp, c.isalnum()


#: Enumerators, read as a space: a list's ① ② ③ (⑴, ⒈, ❶, ➀, ㈠, ㊀…) marks an item, and NFKC
#: would write it as a digit run into the item's own figure (①1135张 as 11135张: black-box
#: review 15, a list of figures read as altered facts throughout); a space, not nothing, so
#: that the figures of 得分①90②85 stay two (diff review 15).
_ENUMERATORS = (
    (0x2460, 0x249B),  # ①–⑳, ⑴–⒇, ⒈–⒛
    (0x24EA, 0x24FF),  # ⓪, ⓫–⓴, ⓵–⓾, ⓿
    (0x2776, 0x2793),  # ❶–❿, ➀–➉, ➊–➓
    (0x3220, 0x3229),  # ㈠–㈩
    (0x3251, 0x325F),  # ㉑–㉟
    (0x3280, 0x3289),  # ㊀–㊉
    (0x32B1, 0x32BF),  # ㊱–㊿
)


def _cache_file(opencc_version: str) -> Path | None:
    """Where the tables are cached: ``$XIGAO_CACHE`` (``off`` for nowhere), else
    ``$XDG_CACHE_HOME/xigao`` or ``~/.cache/xigao``; the name changes with this module's
    source, the Unicode database and OpenCC, so a stale cache is never read."""
    root = os.environ.get("XIGAO_CACHE")
    if root == "off":
        return None
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "xigao")
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{unicodedata.unidata_version}|{opencc_version}".encode())
    return Path(root) / f"normalize-{digest.hexdigest()[:16]}.npz"


def _canon(s: str) -> str:
    """Newline-like characters become ``\\n``, other spaces a plain space."""
    return "".join("\n" if ch in _NEWLINES else " " if ch.isspace() else ch for ch in s)


def _composes(c: str) -> bool:
    """Marks and jamo, which NFKC may merge into the character before them."""
    return unicodedata.category(c)[0] == "M" or 0x1160 <= ord(c) <= 0x11FF


_TABLES: _Tables | None = None
_LOCK = threading.Lock()


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        with _LOCK:
            if _TABLES is None:
                _TABLES = _Tables()
    return _TABLES


@lru_cache(maxsize=1 << 16)
def _astral(cp: int) -> tuple[int, int, bool]:
    return _tables().info(cp)


def _cps(s: str) -> tuple[np.ndarray, bool]:
    """Code points as uint16 when all lie in the BMP, else as uint32 (then ``True``)."""
    b = s.encode("utf-16-le", "surrogatepass")
    if len(b) == 2 * len(s):
        return np.frombuffer(b, dtype=np.uint16), False
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), True


def _text(cps: np.ndarray) -> str:
    return cps.tobytes().decode("utf-16-le" if cps.dtype == np.uint16 else "utf-32-le")


def _lookup(cps: np.ndarray, table: np.ndarray, field_: int, astral: bool) -> Any:
    """``table`` at each code point; astral ones get ``field_`` of their ``info``."""
    if not astral:
        return table.take(cps)
    out = table.take(cps, mode="clip").astype(np.uint32 if field_ == 1 else table.dtype)
    for i in (cps >= _BMP).nonzero()[0].tolist():
        out[i] = _astral(int(cps[i]))[field_]
    return out


_IDENTITY = np.arange(1 << 16, dtype=_I32)
_IDENTITY.setflags(write=False)


def _identity(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Read-only views ``arange(n)`` and ``arange(1, n + 1)`` of one shared array."""
    global _IDENTITY
    base = _IDENTITY
    if len(base) <= n:
        base = np.arange(2 * n, dtype=_I32)
        base.setflags(write=False)
        _IDENTITY = base
    return base[:n], base[1 : n + 1]


# --------------------------------------------------------------------------- steps
# Each step returns sorted, non-overlapping (start, end, replacement) edits with end > start.
Edits = list[tuple[int, int, str]]
_Maps = tuple[np.ndarray | None, np.ndarray | None]  # raw starts, ends; None for identity


def _apply(text: str, maps: _Maps, edits: Edits) -> tuple[str, _Maps]:
    """Apply edits; a replacement's characters all map to the whole span it replaces."""
    if not edits:
        return text, maps
    if all(e - s == 1 == len(r) for s, e, r in edits):  # 1:1, the map does not move
        chars = list(text)
        for s, _, r in edits:
            chars[s] = r
        return "".join(chars), maps
    n = len(text)
    count = np.ones(n, dtype=np.int64)  # output characters per input position
    stop = np.arange(1, n + 1, dtype=_I32)  # exclusive end of what each output char maps to
    parts: list[str] = []
    pos = 0
    for s, e, rep in edits:
        parts += (text[pos:s], rep)
        count[s:e] = 0
        count[s], stop[s], pos = len(rep), e, e
    parts.append(text[pos:])
    a, b = np.repeat(np.arange(n, dtype=_I32), count), np.repeat(stop, count)
    st, en = maps
    return "".join(parts), ((a, b) if st is None or en is None else (st[a], en[b - 1]))


_BLOCK_TAG = re.compile(
    r"p|br|div|li|tr|td|th|h[1-6]|[uod]l|dt|dd|table|section|article|blockquote|hr|header"
    r"|footer|pre|title|figure|figcaption",
    re.I,
)
_HTML = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|</?([A-Za-z][A-Za-z0-9]*)\b[^<>]*>"
    r"|<![A-Za-z][^<>]*>|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    re.S | re.I,
)


def _html(text: str) -> Edits:
    """Tags go (block tags become a newline); known entities are decoded."""
    edits = []
    for m in _HTML.finditer(text):
        g = m.group()
        if g[0] != "&":
            edits.append((m.start(), m.end(), "\n" if _BLOCK_TAG.fullmatch(m[2] or "") else ""))
        elif (rep := html.unescape(g)) != g:
            edits.append((m.start(), m.end(), rep))
    return edits


def _chars(text: str, maps: _Maps, seen: int = 0) -> tuple[str, _Maps, int]:
    """Drop invisible characters, then NFKC and lowercase; also return the OR of all flags."""
    t = _tables()
    cps, astral = _cps(text)
    fl = _lookup(cps, t.flags, 0, astral)
    now = int(np.bitwise_or.reduce(fl)) if fl.size else 0
    if now & _F_DEL:  # first drop them, so that marks meet the letter they belong to
        text, maps = _apply(
            text, maps, [(i, i + 1, "") for i in (fl & _F_DEL).nonzero()[0].tolist()]
        )
        return _chars(text, maps, seen | now)
    if not now & (_F_MAP | _F_EXP | _F_CPLX):
        return text, maps, seen | now
    out = _text(_lookup(cps, t.mapping, 1, astral))
    if not now & (_F_EXP | _F_CPLX):
        return out, maps, seen | now
    edits: Edits = []
    cplx = (fl & _F_CPLX).nonzero()[0].tolist()
    i = 0
    while i < len(cplx):  # a run of marks joins the character before it: NFKC them together
        j = i
        while j + 1 < len(cplx) and cplx[j + 1] == cplx[j] + 1:
            j += 1
        s, e = max(cplx[i] - 1, 0), cplx[j] + 1
        nf = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text[s:e]).lower())
        edits.append((s, e, _canon(nf)))
        i = j + 1
    inside = {p for s, e, _ in edits for p in range(s, e)}
    edits += [
        (p, p + 1, t.expand[int(cps[p])])
        for p in (fl & _F_EXP).nonzero()[0].tolist()
        if p not in inside
    ]
    text, maps = _apply(out, maps, sorted(edits))
    return text, maps, seen | now


# Converter debris: bracketed pinyin syllables right after a CJK character.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTER = f"[a-zü{_TONED}]"
# one or more bracketed syllables, spaces allowed between everything (网 ( w ǎ n g ) 站)
_DEBRIS = re.compile(
    rf"\((?: ?{_LETTER}){{1,6}} ?[1-5]? ?\)(?: ?\((?: ?{_LETTER}){{1,6}} ?[1-5]? ?\))*"
)
_UNTONE = str.maketrans(_TONED, "aaaaeeeeiiiioooouuuuüüüünnnm")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|[uü]an|van|uai|iao|ian|ang"
    r"|eng|ing|ong|ai|ei|ao|ou|an|en|er|ia|ie|iu|in|ua|uo|ui|un|[uüv]e|[üv]n|a|o|e|i|u|ü|v|ng?|m)"
)
_IS_CJK = re.compile(f"[{_CJK}]")
#: What may stand between a character and its pinyin: spaces and dots stuffed in to evade.
_DEBRIS_GAP = frozenset(" .,，、·…")
_TONES = frozenset(_TONED)


def _annotates(text: str, start: int) -> bool:
    """Whether the bracket at ``start`` follows a CJK character, perhaps behind two gap
    characters (a space or a dot stuffed in to evade); a run of spaces counts as one, since
    :func:`_spaces` makes it one afterwards."""
    i, steps = start - 1, 0
    while i > 0 and steps < 2 and text[i] in _DEBRIS_GAP:
        if text[i] == " ":
            while i > 1 and text[i - 1] == " ":
                i -= 1
        i, steps = i - 1, steps + 1
    return i >= 0 and _IS_CJK.match(text, i) is not None


def _debris(text: str, toned_seen: bool = False) -> tuple[Edits, bool]:
    """Tone-marked syllables (wǎng, wang3) always go; plain ones (wang) only in a text that
    has tone-marked debris too (``toned_seen``: found in an earlier pass), so that
    人工智能(AI) stays. Returns the edits and whether tone-marked debris was seen."""
    found: list[tuple[int, list[tuple[int, bool]]]] = []
    for m in _DEBRIS.finditer(text):
        if _annotates(text, m.start()):
            groups = []
            for g in re.finditer(r"\(([^)]*)\)", m[0]):
                syllable = g[1].replace(" ", "")
                if not _SYLLABLE.fullmatch(syllable.rstrip("12345").translate(_UNTONE)):
                    break
                toned = syllable[-1].isdigit() or bool(set(syllable) & _TONES)
                groups.append((m.start() + g.end(), toned))
            found.append((m.start(), groups))
    toned_seen = toned_seen or any(toned for _, groups in found for _, toned in groups)
    edits = []
    for start, groups in found:
        end = start
        for g_end, toned in groups:
            if not (toned or toned_seen):
                break
            end = g_end
        if end > start:
            edits.append((start, end, ""))
    return edits, toned_seen


_CHUNK_END = re.compile(r"[。!?;\n]")


def _t2s(text: str) -> Edits:
    """Convert the sentences that hold traditional characters: 1:1, else char by char."""
    cps, astral = _cps(text)
    trad = (_lookup(cps, _tables().flags, 0, astral) & _F_TRAD).nonzero()[0]
    bounds = [0] + [m.end() for m in _CHUNK_END.finditer(text)] + [len(text)]
    edits: Edits = []
    last = -1
    for k in np.unique(np.searchsorted(bounds, trad, side="right")).tolist():
        s, e = max(bounds[k - 1], last), bounds[k]
        seg, last = text[s:e], e
        conv = _convert(seg)
        if "著" in conv:  # (the particle in Taiwan-standard script; verbs: a traditional sentence)
            conv = _zhe(conv, verbs=conv.replace("著", "") != seg.replace("著", ""))
        if len(conv) == len(seg):
            edits += [
                (s + i, s + i + 1, r)
                for i, (ch, r) in enumerate(zip(seg, conv, strict=True))
                if r != ch
            ]
        else:
            edits += [
                (s + i, s + i + 1, r) for i, ch in enumerate(seg) if (r := _convert(ch)) != ch
            ]
    return edits


@lru_cache(maxsize=1)
def _taiwan_words() -> tuple[re.Pattern[str], dict[str, str]]:
    """The words of ``taiwan_phrases.tsv`` (``benchmarks/build_taiwan.py``): each Taiwan word
    as simplified → the mainland word it is folded into; and a pattern finding them, the
    longest first."""
    from importlib import resources

    table: dict[str, str] = {}
    ref = resources.files("xigao") / "taiwan_phrases.tsv"
    for line in ref.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            taiwan, mainland = line.split("\t")[:2]
            table[taiwan.lower()] = mainland.lower()  # (as normalized text is: BMW集团)
    by_first: dict[str, list[str]] = {}
    for word in sorted(table, key=lambda w: (-len(w), w)):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    # (grouped by first character: a quarter faster than one alternative per word)
    return re.compile(
        "|".join(f"{re.escape(c)}(?:{'|'.join(r)})" for c, r in by_first.items())
    ), table


@lru_cache(maxsize=1)
def _words() -> Any:
    """jieba, knowing the Taiwan words too (部落格, which it would cut as 部落 | 格)."""
    from xigao.tokenize import Tokenizer

    return Tokenizer(words=[(w, None, None) for w in _taiwan_words()[1]])


def _taiwan(text: str) -> Edits:
    """The Taiwan-usage words of ``text`` (in simplified script) folded into the mainland words
    they stand for, whatever the text's script: 网际网路 into 互联网, 人工智慧 into 人工智能,
    资料 into 数据. OpenCC's Taiwan conversion (``s2twp``) writes these for the mainland words;
    folded in every text, a copy reads as its original whether it or its original was
    converted (a Taiwan story reposted in simplified characters keeps 资讯, as the story does).
    A word is folded where no word of the sentence runs on past one of its edges (大多数位于
    holds no 数位; 统计资料显示 holds 资料), spaces and punctuation left out as the key leaves
    them; a word a fold makes is folded too (网路卡, 网络卡, 网卡).

    >>> normalize("人工智慧與網際網路").text, normalize("大多數位於").text
    ('人工智能与互联网', '大多数位于')
    >>> normalize("人 工 智 慧 與 網 際 網 路").text
    '人工智能 与 互联网'
    """
    pattern, table = _taiwan_words()
    # read as the key is, its spaces, line breaks and punctuation inside a sentence left out: a
    # copy with a space or a comma between its characters (资 料, 资，料) is folded as its
    # original is
    view = _NOT_KEPT.sub("", text)
    found = [(m.start(), m.end(), m.group()) for m in pattern.finditer(view)]
    if not found:
        return []
    keep = [m.start() for m in _KEPT.finditer(text)] if len(view) < len(text) else None
    ends = [m.end() for m in _SENTENCE_ENDS.finditer(view)]
    words: dict[int, tuple[list[int], list[int]]] = {}
    return [
        (s, e, table[w]) if keep is None else (keep[s], keep[e - 1] + 1, table[w])
        for s, e, w in found
        if _a_word(view, s, e, ends, words)
    ]


_KEPT = re.compile(r"[^\W_]|[。!?;]")
_NOT_KEPT = re.compile(r"[^\w。!?;]|_")
_SENTENCE_ENDS = re.compile(r"[。!?;]")  # (a sentence's end bounds the words read)


def _a_word(
    text: str, start: int, end: int, ends: list[int], words: dict[int, tuple[list[int], list[int]]]
) -> bool:
    """Whether ``text[start:end]`` is no part of a word that runs on past one of its edges:
    words of its sentence, or inside one (统计|资料显示), but not 大多数|位于's 数位; ``ends``:
    where the sentences of ``text`` end, ``words``: the starts and ends of each sentence's words,
    by where it starts (filled as needed)."""
    k = bisect.bisect_right(ends, start)
    lo = ends[k - 1] if k else 0
    if lo not in words:
        hi = ends[k] if k < len(ends) else len(text)
        cut = _words().tokenize(text[lo:hi])
        words[lo] = ([lo + a for _, a, _ in cut], [lo + b for _, _, b in cut])
    starts, stops = words[lo]
    first = bisect.bisect_right(starts, start) - 1  # the word holding the first character
    last = bisect.bisect_right(starts, end - 1) - 1  # … and the last
    # a word that starts before the match and ends inside it, or starts inside and ends after
    return not (
        (starts[first] < start and stops[first] < end)
        or (starts[last] > start and stops[last] > end)
    )


def simplified(text: str) -> str:
    """``text`` with its traditional characters in simplified script, one character for one,
    so that a position in it is the same position in ``text`` (a credit line 央視網消息 read
    as 央视网消息, its span as written); a character OpenCC writes as two is left as it is.

    >>> simplified("央視網消息(新聞聯播)：")
    '央视网消息(新闻联播)：'
    """
    chars = list(text)
    for s, e, r in _t2s(text):
        if e - s == 1 and len(r) == 1:
            chars[s] = r
    return "".join(chars)


#: Verbs the particle 着 follows (看着, 拿着, 带着…): a 著 after one is the particle even where
#: ``tw2s`` reads it as the start of a word (看著書 read as 看 | 著書, 帶著名單 as 帶 | 著名).
_ZHE_VERBS = frozenset(
    "看拿读摸带站坐穿抱握提背听望想说笑走跑等躺靠拉举捧牵盯瞪守跟顺随朝冲对戴披挂写画唱哭喊叫吃喝"
    "睡躲藏忙扶领陪护挡压踩骑盖贴指捏揣攥搂挽搀端扛夹含咬抓捂托推扯拖晃挨"
)


def _zhe(conv: str, *, verbs: bool = True) -> str:
    """``conv`` (a sentence converted by ``t2s``) with each 著 that Taiwan-standard text writes for
    the particle 着 (看著, 大著步: Big5 has no 着) read as 着: where OpenCC's ``tw2s`` reads it so
    in the traditional form of ``conv`` (whose phrases it knows: 顯著, not 显著), or, in a
    sentence that was in traditional script (``verbs``), right after a verb the particle
    follows (:data:`_ZHE_VERBS`: 看著書, which ``tw2s`` reads as 看 | 著書; a simplified
    sentence's 跟著名导演 is 跟 | 著名); 著 of 著作, 显著, 著名, 名著 stays. Only 著: ``tw2s``
    also writes 么 as 幺, which no text here means.

    >>> _zhe("大著步，著作"), _zhe("显著增加"), _zhe("看著書，他的著作")
    ('大着步，著作', '显著增加', '看着書，他的著作')
    >>> _zhe("跟著名导演合作", verbs=False)
    '跟著名导演合作'
    """
    if "著" not in conv:
        return conv
    t = _tables()
    tw = t.tw.convert(t.s2t.convert(conv))
    if len(tw) != len(conv):
        tw = conv
    return "".join(
        "着" if c == "著" and (r == "着" or (verbs and i and conv[i - 1] in _ZHE_VERBS)) else c
        for i, (c, r) in enumerate(zip(conv, tw, strict=True))
    )


#: Hong Kong and Taiwan standard forms that OpenCC's ``t2s`` keeps (衞生 stays 衞生), as its
#: ``hk2s``/``tw2s`` read them: 衞 for 卫, 枱 for 台, 敍 for 叙… (black-box review 14: HK
#: reposts of health stories were rewrites, every 卫 written 衞). Found as the characters
#: ``t2s`` keeps and ``t2s(hk2t(c))`` or ``t2s(tw2t(c))`` changes, less 么 (a simplified
#: character ``tw2t`` writes as 幺) and 著 (:func:`_zhe`).
_VARIANTS = str.maketrans("敍枱痺睪簷粧糭衞衹", "叙台痹睾檐妆粽卫只")


def _convert(s: str) -> str:
    t = _tables()
    s = s.translate(_VARIANTS)
    for _ in range(4):  # a few characters take two rounds (薴 → 苧 → 苎)
        out: str = t.cc.convert(s)
        if out == s or t.trad.isdisjoint(out):
            return out
        s = out
    return s


_WS_RUN = re.compile(r"[ \n][ \n]+")


def _untidy(text: str) -> bool:
    """Two spaces or newlines in a row, or one at either end."""
    if text[:1] in (" ", "\n") or text[-1:] in (" ", "\n"):
        return bool(text)
    if text.count(" ") > 16:  # spaced-out text: one regex scan beats many finds
        return _WS_RUN.search(text) is not None
    for ch in " \n":
        i = text.find(ch)
        while i >= 0:
            if text[i + 1] in " \n":
                return True
            i = text.find(ch, i + 2)
    return False


def _spaces(text: str) -> Edits:
    """Runs of spaces become one space, runs holding a newline one newline; strip the ends."""
    lead = len(text) - len(text.lstrip(" \n"))
    if lead == len(text):
        return [(0, lead, "")] if text else []
    stop = len(text.rstrip(" \n"))
    edits = [(0, lead, "")] if lead else []
    for m in _WS_RUN.finditer(text, lead, stop):
        edits.append((m.start(), m.end(), "\n" if "\n" in m[0] else " "))
    return edits + ([(stop, len(text), "")] if stop < len(text) else [])


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for matching, keeping the map back to it."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes a str, not {type(text).__name__}")
    maps: _Maps = (None, None)
    cur, seen, first = text, 0, True
    while True:  # HTML may decode into characters NFKC changes, and back: repeat until stable
        edits = _html(cur) if ("<" in cur or "&" in cur) else []
        cur, maps = _apply(cur, maps, edits)
        if not (first or edits):
            break
        cur, maps, now = _chars(cur, maps)
        seen, first = seen | now, False
        # NFKC may also complete a tag or an entity around a < or & already there (<ＡＢＣ>)
        if not (edits or now & _F_LTAMP) and not ("<" in cur or "&" in cur):
            break
    # debris removed may uncover debris behind it (網(wǎng)……(wǎng)): repeat until none is left
    toned = False
    while "(" in cur:
        edits, toned = _debris(cur, toned)
        if not edits:
            break
        cur, maps = _apply(cur, maps, edits)
    if seen & _F_TRAD:
        cur, maps = _apply(cur, maps, _t2s(cur))
    for _ in range(3):  # a fold may make another table word (网路卡 → 网络卡 → 网卡)
        edits = _taiwan(cur)
        if not edits:
            break
        cur, maps = _apply(cur, maps, edits)
    if _untidy(cur):
        cur, maps = _apply(cur, maps, _spaces(cur))
    st, en = maps
    if st is None or en is None:
        st, en = _identity(len(cur))
    else:
        st.setflags(write=False)
        en.setflags(write=False)
    return Normalized(text, cur, st, en, _boilerplate(cur))


# --------------------------------------------------------------------------- sentences
# A sentence end: a run of 。!?;… or of two dots or more, with the closing quotes after it; or
# a newline. In a text that never writes 。 (a Chinese text typed with half-width punctuation:
# 他走了. 然后…), also a dot after a Chinese character, a closing quote or a per cent sign, but
# before no letter, digit or dot (not 3.5, www.x.cn or 1.); a text that writes 。 ends its
# sentences so, and its dots are a name's (迈克尔.乔丹). Written to begin with the set of its
# first characters, so that the regex engine skips ahead to the next one instead of trying
# every position (3x faster than the plain alternatives one after another, which match
# exactly the same).
_ENDS, _CLOSERS = "。!?;！？；…", "”’」』\"')》】"
_SENTENCE_END = re.compile(
    rf"[{_ENDS}.\n](?:(?<=[{_ENDS}])[{_ENDS}]*[{_CLOSERS}]*|(?<=\.)\.+[{_CLOSERS}]*|(?<=\n))"
)
_SENTENCE_END_HALF = re.compile(
    rf"[{_ENDS}.\n](?:(?<=[{_ENDS}])[{_ENDS}]*[{_CLOSERS}]*|(?<=\.)\.+[{_CLOSERS}]*"
    rf"|(?<=[\u3400-\u4dbf\u4e00-\u9fff%{_CLOSERS}]\.)(?![0-9a-z.])[{_CLOSERS}]*|(?<=\n))"
)


#: A text that writes no sentence end at all has lost its punctuation (a post with every mark
#: typed as a space: 他说 今天天气很好 我们去公园吧): a space between two Chinese characters
#: after at least ``SPACED_SENTENCE`` characters of a line ends a sentence there
#: (:func:`sentence_breaks`). Which spaces were full stops and which commas cannot be told, so
#: the text is cut into stretches about a sentence or two long: cut at every space, a clause
#: each, a washed story aligned worse than as one sentence a paragraph (the fit batches: 425
#: washes of 585 found against 488), cut after 20, 40, 60 or 90 characters 507, 516, 520 and
#: 512 (543 as written). A list of names parted by spaces is cut likewise.
SPACED_SENTENCE = 60
#: … and a text that has a sentence end (a ? in a link, a last 。) is cut so where it runs this
#: many characters without one: few sentences of news are as long, and fewer still hold a
#: space between two Chinese characters. On the fit batches typed with every mark a space but
#: a last full stop, 490 washes of 585 were found with the rule off for the whole text, 525,
#: 524, 522, 514 and 500 with this set to 60, 80, 100, 150 and 200 (521 with no mark at all);
#: as written the same 545 at 80 and 100.
SPACED_STRETCH = 100
_SPACED = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff])[ \t]+(?=[\u3400-\u4dbf\u4e00-\u9fff])")


def sentence_breaks(text: str) -> list[int]:
    """Where :func:`sentences` splits ``text``: 0, the end of every sentence end, and
    ``len(text)``; each span between two breaks, stripped of whitespace, is one sentence
    (or nothing, when only whitespace is left). A text without any sentence end is cut at
    spaces too (``SPACED_SENTENCE``), and so is a stretch of ``SPACED_STRETCH`` characters
    or more without one in a text that has some.

    >>> clause = "我们明天一起去城东的公园散步吧"  # 15 characters
    >>> sentence_breaks(" ".join([clause] * 8))  # a space after 60 characters or more
    [0, 64, 127]
    >>> sentence_breaks(" ".join([clause] * 6) + "。")  # a sentence of 96: as one
    [0, 96, 96]
    >>> sentence_breaks(" ".join([clause] * 8) + "。")  # of 128: cut as if it had none
    [0, 64, 128, 128]
    """
    ends = _SENTENCE_END if "。" in text else _SENTENCE_END_HALF
    breaks = [m.end() for m in ends.finditer(text)]
    # no sentence end but line ends: every line is cut; otherwise only a stretch this long
    longest = SPACED_SENTENCE if all(text[e - 1] == "\n" for e in breaks) else SPACED_STRETCH
    cuts = []
    for lo, hi in itertools.pairwise([0, *breaks, len(text)]):
        if hi - lo < longest:
            continue
        last = lo
        for m in _SPACED.finditer(text, lo, hi):
            if m.start() - last >= SPACED_SENTENCE:
                last = m.end()
                cuts.append(last)
    return [0, *sorted(breaks + cuts), len(text)]


def sentences(n: Normalized) -> list[tuple[int, int]]:
    """Sentence spans of ``n.text``; closing quotes stay with the sentence they close.

    >>> n = normalize("他说：“好。”然后走了！  ")
    >>> [n.text[s:e] for s, e in sentences(n)]
    ['他说:“好。”', '然后走了!']
    """
    text, out = n.text, []
    breaks = sentence_breaks(text)
    for start, end in itertools.pairwise(breaks):
        seg = text[start:end]
        body = seg.strip()  # str.strip() drops exactly the characters str.isspace() accepts
        if body:
            s = start + len(seg) - len(seg.lstrip())
            out.append((s, s + len(body)))
    return out


# --------------------------------------------------------------------------- boilerplate
# Rules run on normalized text (lowercase, half-width punctuation: ：→:, （→(). A matched span
# is excluded from the key; the text keeps it. Each rule needs a label, a bracket or a fixed
# phrase that plain news sentences lack: a story that merely mentions 记者 or 转载 is kept.
# A rule runs only where one of its anchors occurs, matched from where its kind says:
# line = the line start, clause = after the last [\n 。!?;:,] before the anchor, bracket = the
# last ( 【 [ before it, near = searched around it (sentence = near, widened to its sentence).
_H = "\u3400-\u4dbf\u4e00-\u9fff"
_NAMES = f"[{_H}·]{{2,4}}(?:[ 、,/][{_H}·]{{2,4}}){{0,5}}"
_AGENCY = f"(?:本报|本台|本刊|新华社|中新社|[{_H}]{{1,6}}(?:网|社|台|日报|晚报|新闻))"
_REPORTER = "(?:特约|见习|实习)?(?:记者|通讯员)"
_RULES = [  # (kind, anchors, regex)
    # Credit lines: "来源:新华社", "原标题:…", "责任编辑:张三", "作者:…" on a line of their own.
    (
        "line",
        "来源 标题 编辑 责编 校对 审核 审校 监制 作者 撰文 摄影 文: 图: 文/ 图/",
        r"[【\[(]?(?:来源|稿源|原标题|原文标题|责任编辑|责编|编辑|校对|审核|审校|监制|作者|撰文"
        r"|摄影|文|图)[】\])]?[ ]*[:|/][^\n]{0,100}$",
    ),
    # The same, closing a paragraph: "…完。 责任编辑:李四".
    ("near", "责任编辑 责编", r"(?<=[ 。!?])(?:责任编辑|责编)[ ]*:[^\n。]{1,30}$"),
    # Bracketed credits: "(记者 张三 李四)", "(来源:人民日报)", "(本文来自…)", "(完)".
    (
        "bracket",
        "记者 通讯员 来源 编辑 责编 作者 标题 本文 转自 完) 文: 图: 文/ 图/",
        rf"[(【\[][ ]*(?:(?:{_AGENCY})?{_REPORTER}[ :]?{_NAMES}"
        rf"(?:[ ]?(?:通讯员|实习生|摄影|报道|摄)[ :]?(?:{_NAMES})?)*"
        r"|(?:来源|稿源|原标题|责任编辑|责编|编辑|作者|文|图|本文来自|本文来源|转自)[ ]*[:/ ]"
        r"[^()\[\]【】\n]{1,50}|完)[ ]*[)】\]]",
    ),
    # Bylines from a clause start: "本报记者张三报道", "记者 张三 李四 摄" (names, then 报道/摄).
    (
        "clause",
        "记者",
        rf"(?:{_AGENCY})?(?:驻[{_H}]{{1,6}})?{_REPORTER}[ ]?{_NAMES}[ ]?"
        rf"(?:报道|摄影|摄|采写|发自[{_H}]{{1,8}})(?=[ \n:,。;)]|$)",
    ),
    # A line of nothing but reporter names: "本报记者 张三 李四", "记者: 王五".
    ("line", "记者", rf"(?:(?:本报|本台|本刊|特约|见习)+记者[ :]*|记者[ :]+){_NAMES}[ ]*$"),
    # Datelines: "新华社北京3月5日电" (not 日电话…), "央视网消息(新闻联播):", "本报讯".
    (
        "clause",
        "日电 日讯",
        rf"{_AGENCY}[{_H}]{{0,12}}?\d{{1,2}}月\d{{1,2}}日(?:电|讯)"
        r"(?![话视脑力子影梯动池器源费商竞气缆线站厂价信])",
    ),
    (
        "clause",
        "消息 本报讯 本台讯 本刊讯",
        rf"{_AGENCY}消息(?:\([^()\n]{{0,20}}\)[ ]*:?|[ ]*:)"
        r"|(?:本报|本台|本刊)讯(?:\([^()\n]{0,20}\))?[ ]*:?",
    ),
    # Editor's notes: the paragraph after "编者按:".
    ("line", "编者", r"[【\[(]?(?:编者按|编者的话)[】\])]?[ ]*:?[^\n]*"),
    # Disclaimers and calls to action: the whole sentence holding one of these phrases.
    (
        "sentence",
        "侵权 删除 转载 仅代表 不代表本 关注 二维码 原文 分享 转发 网络 互联网 版权归",
        r"如有侵权|侵权(?:请)?(?:联系|告知)|联系(?:我们|小编|本站|作者)?删除|转载请(?:注明|联系|保留)"
        r"|仅代表作者|本文仅代表|不代表本(?:站|网|平台|报|号|刊)|(?:点击|扫码|扫描二维码)关注"
        r"|(?:请|欢迎|记得)关注(?:我们|本号|公众号|微信公众号)|长按(?:识别)?(?:图中|下方)?二维码"
        r"|点击(?:左下角|下方)?[“\"]?阅读原文|欢迎(?:大家)?(?:分享|转发)"
        r"|(?:图片|内容|文章|本文)(?:来源|来自)于?(?:网络|互联网)|版权归(?:原)?作者所有",
    ),
    # Adverts: "【广告】…" to the end of the line.
    ("bracket", "广告 推广 赞助", r"[【\[][ ]*(?:广告|推广|赞助)[ ]*[】\]][^\n]*"),
    # "免责声明:…" always; "声明:…" when it disclaims or claims copyright.
    ("line", "免责声明", r"[【\[]?免责声明[】\]]?[ ]*:?[^\n]*"),
    (
        "line",
        "声明",
        r"[【\[]?声明[】\]]?[ ]*:[^\n]*(?:仅代表|不代表|侵权|转载|版权|来源于网络|无关)[^\n]*",
    ),
]
_COMPILED = [(kind, re.compile(rx, re.M)) for kind, _, rx in _RULES]
_ANCHORS = sorted({a for _, anchors, _ in _RULES for a in anchors.split()}, key=len, reverse=True)
_ANCHOR_RX = re.compile("|".join(map(re.escape, _ANCHORS)))
# The rules each anchor wakes (an anchor inside a longer one counts too: 免责声明 is a 声明).
_WAKES = {
    a: [r for r, (_, bs, _) in enumerate(_RULES) if any(b in a for b in bs.split())]
    for a in _ANCHORS
}
_STOPS = {"clause": "\n 。!?;:,", "bracket": "(【["}


def _boilerplate(text: str) -> tuple[tuple[int, int], ...]:
    hits: dict[int, list[int]] = {}
    for m in _ANCHOR_RX.finditer(text):
        for r in _WAKES[m.group()]:
            hits.setdefault(r, []).append(m.start())
    spans: list[tuple[int, int]] = []
    for r, positions in hits.items():
        kind, rx = _COMPILED[r]
        tried = set()
        for p in positions:
            if kind in ("near", "sentence"):
                hi = p + 16 if kind == "sentence" else text.find("\n", p) % (len(text) + 1)
                found = list(rx.finditer(text, max(0, p - 8), hi))
            else:
                if kind == "line":
                    st = text.rfind("\n", 0, p) + 1
                else:
                    lo = max(0, p - (40 if kind == "clause" else 12))
                    st = max(text.rfind(c, lo, p) for c in _STOPS[kind])
                    st += kind == "clause"
                    if st < 0 or (st == 0 and lo > 0):
                        continue
                if st in tried:
                    continue
                tried.add(st)
                one = rx.match(text, st)
                found = [one] if one else []
            for m in found:
                s, e = m.span()
                if kind == "sentence":
                    ls, le = text.rfind("\n", 0, s) + 1, text.find("\n", e) % (len(text) + 1)
                    s = max(text.rfind(c, ls, s) + 1 for c in "。!?;") or ls
                    e = min((i + 1 for c in "。!?;" if (i := text.find(c, e, le)) >= 0), default=le)
                while e > s and text[e - 1] in " \n":
                    e -= 1
                while s < e and text[s] in " \n":
                    s += 1
                if e > s:
                    spans.append((s, e))
    return _merged(spans)


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans sorted, overlapping and touching ones merged."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return tuple(merged)
