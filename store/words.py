"""Word boundaries for rewriting names: a lexicon term is replaced only where it stands as a word (参保人数
is 参保 · 人数, so 参保人 is not rewritten inside it)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_CONTEXT = 4  # characters either side of a term that decide whether it stands as a word


class Segmenter:
    """Word boundaries of a name from a general Chinese dictionary (jieba's), asked only where a lexicon
    term could be part of a longer word: most matches need one dictionary look-up, not a segmentation."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self._words = self._tokenizer.FREQ

    def _is_word(self, text: str) -> bool:
        return bool(self._words.get(text))

    def ambiguous(self, text: str, start: int, end: int) -> bool:
        """Whether a dictionary word of two to four characters crosses either edge of text[start:end]."""
        for edge in (start, end):
            if 0 < edge < len(text):
                for left in range(max(0, edge - 3), edge):
                    for right in range(edge + 1, min(len(text), left + 4) + 1):
                        if self._is_word(text[left:right]):
                            return True
        return False

    def boundaries(self, text: str) -> frozenset[int]:
        """Every position between two words of ``text``."""
        found = {0}
        position = 0
        for word in self._tokenizer.cut(text, HMM=False):
            position += len(word)
            found.add(position)
        return frozenset(found)

    def on_boundaries(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] stands as a word or words: decided on the few characters around it,
        which names share, so each neighbourhood is segmented once."""
        left, right = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
        return self._decide(text[left:right], start - left, end - left)

    @lru_cache(maxsize=65536)  # noqa: B019 - one segmenter lives as long as the process
    def _decide(self, window: str, start: int, end: int) -> bool:
        if not self.ambiguous(window, start, end):
            return True
        edges = self.boundaries(window)
        return start in edges and end in edges

    def words(self, text: str) -> list[str]:
        """``text`` cut into words (a rewrite's or a learned term's unit)."""
        return list(self._tokenizer.cut(text, HMM=False)) if text else []


_SEGMENTER: Segmenter | None = None
_LOADING = threading.Lock()


def segmenter() -> Segmenter:
    """The process's segmenter (its dictionary is loaded once, by whichever thread needs it first)."""
    global _SEGMENTER
    if _SEGMENTER is None:
        with _LOADING:
            if _SEGMENTER is None:
                _SEGMENTER = Segmenter()
    return _SEGMENTER


def rewrite(text: str, terms: dict[str, str], pattern: re.Pattern[str] | None) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with every term of ``pattern`` that stands on word boundaries replaced by ``terms[term]``,
    and the (term, replacement) pairs made. A term that is its own replacement is kept whole, so that no
    shorter term rewrites part of it."""
    if pattern is None:
        return text, []
    parts: list[str] = []
    made: list[tuple[str, str]] = []
    position = 0
    words: Segmenter | None = None
    while position < len(text):
        match = pattern.search(text, position)
        if match is None:
            break
        start, end = match.span()
        term = match.group(0)
        replacement = terms[term]
        if replacement == term:
            parts.append(text[position:end])
            position = end
            continue
        words = words or segmenter()
        if words.on_boundaries(text, start, end):
            parts.append(text[position:start])
            parts.append(replacement)
            made.append((term, replacement))
            position = end
        else:
            parts.append(text[position:start + 1])
            position = start + 1
    parts.append(text[position:])
    return "".join(parts), made
