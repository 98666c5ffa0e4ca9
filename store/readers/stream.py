"""A document as one stream of cells, whatever held them apart: tabs, pipes, markdown, runs of spaces,
one cell per line, or nothing at all. Each cell keeps its line and the printed row it came from, so a
reader can use rows where the document has them and read by content where it does not.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from store.levels import ALL_LABELS, DEPARTMENT_LEVEL1, canonical
from store.readers.vocabulary import FIELD_WORDS, HEADER_WORDS, exact_word, is_page_mark
from store.text import clean_cell

_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{3,}")
_WIDE_GAP = re.compile(r"\S(?: {2,}|\u3000+)\S")
_WIDE_SPLIT = re.compile(r"(?: {2,}|\u3000+)")
_SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")
_MAX_JOIN = 6
_NUMBER = re.compile(r"[\d.,%％]+")


@dataclass(slots=True)
class Token:
    """One cell: its text, the line it starts on, the printed row it belongs to and how it was cut out."""

    text: str
    line: int
    row: int
    spaced: bool = False  # cut out of its row at single spaces, which can also be line wraps inside a cell
    empty: bool = False  # an empty cell kept where the document marks every cell (one cell per line)


@dataclass(slots=True)
class Stream:
    """The cells of a document and whether it prints one cell per row (no rows to lean on)."""

    tokens: list[Token]
    lines: list[str]
    cell_per_line: bool


def _bare_pipes(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip() == "|")


def _cells_between_bare_pipes(lines: list[str]) -> list[Token]:
    """A table copied one cell per line with a lone "|" between cells: the lines of a cell are the wraps of
    one cell and are joined; empty cells are kept because here they hold a place."""
    tokens: list[Token] = []
    parts: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped == "|" or (stripped.startswith("|") and not stripped.strip("|").strip()):
            for _ in range(max(1, stripped.count("|"))):
                text = _join_wrapped(parts)
                tokens.append(Token(text, start or number, len(tokens), empty=not text))
                parts = []
                start = 0
            continue
        if not stripped:
            continue
        if "|" in stripped:
            pieces = stripped.split("|")
            for piece in pieces[:-1]:
                parts.append(piece)
                text = _join_wrapped(parts)
                tokens.append(Token(text, start or number, len(tokens), empty=not text))
                parts = []
                start = 0
            stripped = pieces[-1]
            if not stripped.strip():
                continue
        if not parts:
            start = number
        parts.append(stripped)
    if parts:
        text = _join_wrapped(parts)
        tokens.append(Token(text, start, len(tokens), empty=not text))
    while tokens and tokens[0].empty:
        tokens.pop(0)
    return tokens


def _join_wrapped(parts: list[str]) -> str:
    """Lines of one wrapped cell joined: no space between Chinese characters, one between other words."""
    text = ""
    for part in parts:
        part = clean_cell(part)
        if not part:
            continue
        if text and (text[-1].isascii() and text[-1].isalnum()) and (part[0].isascii() and part[0].isalnum()):
            text += " "
        text += part
    return text


def _character_spaced(text: str) -> bool:
    """OCR spacing: "数 量 指 标 资 金 到 位 率 1 0 0 %", where a single space parts characters, not cells."""
    return _characters(text.split())


def _characters(parts: list[str]) -> bool:
    """Whether the pieces of a row cut at spaces are mostly single characters (OCR spacing)."""
    return len(parts) >= 3 and sum(1 for p in parts if len(p) == 1) * 5 >= len(parts) * 3


def _cell(text: str) -> str:
    text = clean_cell(text)
    return _SINGLE_SPACE.sub("", text) if " " in text and _character_spaced(text) else text


def split_row(line: str) -> tuple[list[str], bool]:
    """The cells of one printed row and whether they were cut at single spaces."""
    if "&" in line:
        line = html.unescape(line).replace("\xa0", " ")
    if "\t" in line:
        return [_cell(part) for part in line.split("\t")], False
    if "|" in line:
        body = line.strip()
        if _MARKDOWN_RULE.match(body):
            return [], False
        body = body.removeprefix("|").removesuffix("|")
        return [_cell(part) for part in body.split("|")], False
    if _WIDE_GAP.search(line):
        return [_cell(part) for part in _WIDE_SPLIT.split(line.strip())], False
    # the cells of a character-spaced row run together: the vocabulary and the value grammar cut them
    parts = line.split()
    if _characters(parts):
        parts = _SINGLE_SPACE.sub("", line.strip()).split()
    return parts, len(parts) > 1


# the last characters of the words pieces are joined back into: a cheap test before reading the piece
_WORD_ENDINGS = frozenset(
    {word[-1] for word in (*FIELD_WORDS, *HEADER_WORDS, *ALL_LABELS, *DEPARTMENT_LEVEL1)} | set(")）分等指:：")
)


@lru_cache(maxsize=32768)
def _vocabulary(text: str) -> bool:
    """Whether a joined piece is a word of the template (a level label, a header, a field label)."""
    if text[-1] not in _WORD_ENDINGS:
        return False
    label = canonical(text)
    return (label is not None and label.exact) or exact_word(text)


_NOT_FIRST = frozenset(")）]】,，、:：;；")
_LONGEST_PIECE = 12
_LONGEST_JOINED = 24


@lru_cache(maxsize=32768)
def _joined_width(pieces: tuple[str | None, ...]) -> int:
    """How many of the cells ``pieces`` (None: an empty cell) join into one template word, counted from the
    first; 0 when they make none. A piece may be part of a cut word when it is short and not a value of its
    own; more than three pieces join only when each is one character."""
    first = pieces[0]
    assert first is not None
    joined = first
    single = len(first) == 1
    best = 0
    for width in range(2, len(pieces) + 1):
        piece = pieces[width - 1]
        if piece is None or len(piece) > _LONGEST_PIECE or _NUMBER.fullmatch(piece):
            break
        single = single and len(piece) == 1
        if width > 3 and not single:
            break
        joined += piece
        if len(joined) > _LONGEST_JOINED:
            break
        if joined[-1] in _WORD_ENDINGS and _vocabulary(joined) and not _two_labels(first, joined[len(first):]):
            best = width
    return best


def _two_labels(first: str, rest: str) -> bool:
    """Whether the first piece is already a complete label and the rest is a label of its own: two cells,
    not one ("满意度指标" "满意度指标")."""
    label = canonical(first)
    if label is None or not label.exact:
        return False
    other = canonical(rest)
    return other is not None and other.exact


def join_fragments(tokens: list[Token]) -> list[Token]:
    """Cells that a wrap or a conversion cut in pieces, joined back where the pieces make a template word:
    "项目完成" + "指标", "一级" + "指标", "产出" + "指标" + "(50分", "绩" "效" "指" "标".

    The answer for a run of cells depends on their texts only, so a line that repeats template words
    thousands of times is decided once per distinct run."""
    texts = [None if token.empty else token.text for token in tokens]
    out: list[Token] = []
    index = 0
    count = len(tokens)
    while index < count:
        token = tokens[index]
        text = texts[index]
        best = 0
        if text is not None and len(text) <= _LONGEST_PIECE and text[0] not in _NOT_FIRST and index + 1 < count:
            reach = _MAX_JOIN if len(text) == 1 else 3
            best = _joined_width(tuple(texts[index:index + reach]))
        if best:
            out.append(Token("".join(t.text for t in tokens[index:index + best]), token.line, token.row,
                             token.spaced))
            index += best
        else:
            out.append(token)
            index += 1
    return out


def read_stream(text: str) -> Stream:
    """Every non-empty cell of a document in reading order, with its line and row."""
    lines = text.split("\n")
    nonblank = [line for line in lines if line.strip()]
    bare = _bare_pipes(lines)
    if bare >= 5 and bare * 4 >= len(nonblank):
        return Stream(join_fragments(_cells_between_bare_pipes(lines)), lines, cell_per_line=True)
    tokens: list[Token] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (len(line) < 40 and is_page_mark(line)):
            continue
        parts, spaced = split_row(line)
        tokens.extend([Token(part, number, number, spaced) for part in parts if part])
    return Stream(join_fragments(tokens), lines, cell_per_line=False)
