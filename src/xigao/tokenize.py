"""Chinese word segmentation: rjieba (Rust) or jieba behind one interface.

Both engines share jieba's dictionary and segment ordinary news alike. Each ``Tokenizer`` owns
its engine instance, so a user dictionary never leaks into another tokenizer.

>>> tok = Tokenizer(engine="jieba")
>>> tok.cut("我来到北京清华大学")
['我', '来到', '北京', '清华大学']
>>> tok.tokenize("洗稿检测")[0]
('洗稿', 0, 2)
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any, Literal

Engine = Literal["auto", "rjieba", "jieba"]
ENGINES: tuple[str, ...] = ("auto", "rjieba", "jieba")

# jieba's own user-dictionary line: "word [freq] [tag]".
_USER_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")
_JIEBA_INIT = threading.Lock()

UserWord = tuple[str, int | None, str | None]


def read_user_dict(path: str | PathLike[str]) -> list[UserWord]:
    """Parse a jieba user dictionary (UTF-8, one ``word [freq] [tag]`` per line).

    Raises ``ValueError`` naming the file when it cannot be read or decoded.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ValueError(f"cannot read user dictionary {p}: {e.strerror or e}") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"user dictionary {p} is not UTF-8 (byte {e.start}); save it as UTF-8"
        ) from e
    words: list[UserWord] = []
    for n, line in enumerate(text.splitlines(), 1):
        line = " ".join(line.split())
        if not line:
            continue
        m = _USER_LINE.match(line)
        if m is None or any(c < " " for c in line):  # control bytes: not a text file
            raise ValueError(f"user dictionary {p}, line {n}: expected 'word [freq] [tag]'")
        freq = int(m.group(2)) if m.group(2) else None
        words.append((m.group(1), freq, m.group(3)))
    return words


class Tokenizer:
    """Segment Chinese text into words with character offsets."""

    engine: str

    def __init__(
        self,
        *,
        engine: Engine = "auto",
        user_dict: str | PathLike[str] | None = None,
        words: Iterable[UserWord] = (),
    ) -> None:
        """``user_dict``: a jieba user dictionary's file; ``words``: more words of that kind."""
        if engine not in ENGINES:
            raise ValueError(f"unknown tokenizer engine {engine!r}; choose one of {ENGINES}")
        words = [*(read_user_dict(user_dict) if user_dict is not None else []), *words]
        self._impl: Any
        if engine == "jieba":
            self._impl = _jieba()
        else:
            try:
                self._impl, engine = _rjieba(), "rjieba"
            except ImportError:
                if engine == "rjieba":
                    raise
                self._impl, engine = _jieba(), "jieba"
        self.engine = engine
        self._pos: Any = None
        self.user_dict = None if user_dict is None else Path(user_dict)
        for word, freq, tag in words:
            self._impl.add_word(word, freq, tag)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """``(word, start, end)`` for every word; the words cover ``text`` end to end."""
        if not text:
            return []
        return list(self._impl.tokenize(text))

    def cut(self, text: str) -> list[str]:
        """The words of ``text`` in order."""
        return [w for w, _, _ in self.tokenize(text)]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """``(word, part of speech)`` for every word, with jieba's tags (``nr`` person name,
        ``ns`` place, ``v`` verb …).

        >>> [w for w, t in Tokenizer().tag("王沪宁在京会见客人") if t == "nr"]
        ['王沪宁']
        """
        if not text:
            return []
        if self._pos is None:
            with _JIEBA_INIT:
                if self._pos is None:
                    self._pos = _pos_tagger(self._impl, self.engine)
        return list(self._pos(text))

    def __repr__(self) -> str:
        extra = f", user_dict={str(self.user_dict)!r}" if self.user_dict else ""
        return f"Tokenizer(engine={self.engine!r}{extra})"


def _rjieba() -> Any:
    import rjieba

    return rjieba.Jieba()


def _pos_tagger(impl: Any, engine: str) -> Any:
    """A callable giving ``(word, tag)`` pairs with the engine's own dictionary."""
    if engine == "rjieba":
        return impl.tag
    import jieba.posseg

    pos = jieba.posseg.POSTokenizer(impl)
    return lambda text: ((p.word, p.flag) for p in pos.cut(text))


def _jieba() -> Any:
    import jieba

    impl = jieba.Tokenizer()
    # jieba logs its dictionary loading at DEBUG through a stderr handler of its own;
    # hush that one logger while loading, as a library should not print.
    log = logging.getLogger("jieba")
    with _JIEBA_INIT:
        level = log.level
        log.setLevel(logging.WARNING)
        try:
            impl.initialize()
        finally:
            log.setLevel(level)
    return impl


@lru_cache(maxsize=1)
def default_tokenizer() -> Tokenizer:
    """One shared ``Tokenizer()`` per process (no user dictionary)."""
    return Tokenizer()
