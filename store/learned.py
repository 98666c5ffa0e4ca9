"""Terms the matcher learns from the reviewer's decisions, kept in the workspace with the event that taught
them: an approval of A ~ B teaches the word correspondences that differ between the two names (会议纪要归档率
~ 会议记录存档率 teaches 纪要 ≈ 记录 and 归档 ≈ 存档), a rejection teaches a contrast (资金上解及时率 ≠
资金到位及时率: 上解 vs 到位) or, when one name only adds words, a qualifier. An approval of names where one
only adds a word (提高参保人员满意度 ~ 参保人员满意度) teaches that the word is immaterial: it is dropped when
other names are compared. Undoing the decision forgets what it taught. The learned terms are also written
as a lexicon file that another workspace loads."""

from __future__ import annotations

import sqlite3
from difflib import SequenceMatcher
from itertools import pairwise

from store.lexicon import Lexicon
from store.matching import Learned, normalize
from store.words import segmenter

MAX_TERM = 6  # a learned term is a word or two, not a phrase
MAX_PER_DECISION = 3
APPROVAL_KINDS = ("synonym", "immaterial")  # what approvals teach (rejections: contrast, qualifier)
MIN_SHARED = 0.3  # names sharing less than this share of characters are too far apart to align

_LEXICON: Lexicon | None = None


def _lexicon() -> Lexicon:
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = Lexicon.shipped()
    return _LEXICON


def _edges(text: str) -> list[int]:
    edges = [0]
    for word in segmenter().words(text):
        edges.append(edges[-1] + len(word))
    return edges


def _widen(start: int, end: int, edges: list[int]) -> tuple[int, int]:
    """The span grown to the word boundaries around it."""
    left = max((e for e in edges if e <= start), default=0)
    right = min((e for e in edges if e >= end), default=edges[-1])
    return left, right


def _trim(a: str, b: str) -> tuple[str, str]:
    """Two terms without the characters they share at either end, while each keeps two characters."""
    while len(a) > 2 and len(b) > 2 and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while len(a) > 2 and len(b) > 2 and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    return a, b


def differences(a: str, b: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The aligned word correspondences that differ between two names (pairs of terms) and the words only
    one of them has. Alignment is by characters, each difference widened to whole words."""
    if not a or not b or a == b:
        return [], []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    if shared < MIN_SHARED * min(len(a), len(b)):
        return [], []
    edges_a, edges_b = _edges(a), _edges(b)
    pairs: list[tuple[str, str]] = []
    added: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            wa, wb = _widen(a1, a2, edges_a), _widen(b1, b2, edges_b)
            if spans and (wa[0] < spans[-1][1] or wb[0] < spans[-1][3]):
                last = spans.pop()
                wa, wb = (min(last[0], wa[0]), max(last[1], wa[1])), (min(last[2], wb[0]), max(last[3], wb[1]))
            spans.append((*wa, *wb))
        elif op == "delete":
            added.append(a[slice(*_widen(a1, a2, edges_a))])
        else:
            added.append(b[slice(*_widen(b1, b2, edges_b))])
    for a1, a2, b1, b2 in spans:
        words_a = [a[x:y] for x, y in pairwise(edges_a) if a1 <= x and y <= a2]
        words_b = [b[x:y] for x, y in pairwise(edges_b) if b1 <= x and y <= b2]
        # as many words on both sides: they correspond one to one
        aligned = zip(words_a, words_b, strict=True) if len(words_a) == len(words_b) else [(a[a1:a2], b[b1:b2])]
        for word_a, word_b in aligned:
            term, other = _trim(word_a, word_b)
            if term != other and len(term) <= MAX_TERM and len(other) <= MAX_TERM:
                pairs.append((term, other))
    words = [w for w in dict.fromkeys(added) if 1 < len(w) <= MAX_TERM // 2 + 2]
    return pairs[:MAX_PER_DECISION], words[:MAX_PER_DECISION]


def learn(connection: sqlite3.Connection, event_id: int, kind: str, a: int, b: int, name_a: str, name_b: str
          ) -> int:
    """Store what one approval (``kind`` "approve") or rejection ("reject") of A ~ B teaches, inside the
    caller's transaction; returns how many terms."""
    lexicon = _lexicon()
    text_a, text_b = normalize(name_a, lexicon).canonical, normalize(name_b, lexicon).canonical
    pairs, words = differences(text_a, text_b)
    rows: list[tuple[str, str, str]] = []
    if kind == "approve":
        # a word the lexicon lists as a contrast keeps mattering: one approval does not overrule the domain
        contrasts = set(lexicon.qualifiers) | set(lexicon.populations) | set(lexicon.actions)
        # stored as a synonym of nothing (the table's kinds predate it), read back as "immaterial"
        rows = [("synonym", term, other) for term, other in pairs] + [
            ("synonym", word, "") for word in words if word not in contrasts]
    elif kind == "reject":
        rows = [("contrast", term, other) for term, other in pairs] or [("qualifier", w, "") for w in words]
    connection.executemany(
        "INSERT INTO learned_terms (event_id, kind, term, other, a, b) VALUES (?,?,?,?,?,?)",
        [(event_id, learned_kind, term, other, a, b) for learned_kind, term, other in rows])
    return len(rows)


def forget(connection: sqlite3.Connection, event_id: int) -> None:
    """Forget what an (undone) decision taught."""
    connection.execute("DELETE FROM learned_terms WHERE event_id = ?", (event_id,))


def load(connection: sqlite3.Connection) -> list[Learned]:
    """Every learned term with the decision it came from, oldest first."""
    rows = connection.execute(
        "SELECT l.kind, l.term, l.other, l.event_id, coalesce(ra.name, '?'), coalesce(rb.name, '?'), e.at, e.reviewer"
        " FROM learned_terms l JOIN events e ON e.id = l.event_id"
        " LEFT JOIN regional_indicators ra ON ra.id = l.a LEFT JOIN regional_indicators rb ON rb.id = l.b"
        " ORDER BY l.id").fetchall()
    return [Learned("immaterial" if kind == "synonym" and not other else kind, term, other, event_id,
                    f"{'approval' if kind in APPROVAL_KINDS else 'rejection'} of {name_a} ~ {name_b}", at, reviewer)
            for kind, term, other, event_id, name_a, name_b, at, reviewer in rows]


LEXICON_FORMAT = "zhibiao-lexicon/1"


def is_learned_lexicon(head: bytes) -> bool:
    """Whether a file's bytes are a lexicon `zhibiao lexicon --learned -o` wrote (replaced without --force)."""
    return f'format = "{LEXICON_FORMAT}"'.encode() in head[:4096]


def as_lexicon(learned: list[Learned]) -> dict:
    """Learned terms as the tables of a lexicon file (``--lexicon``): synonyms, immaterial words, qualifiers,
    contrast pairs."""
    groups = [[item.term, item.other] for item in learned if item.kind == "synonym"]
    immaterial = list(dict.fromkeys(item.term for item in learned if item.kind == "immaterial"))
    qualifiers = list(dict.fromkeys(item.term for item in learned if item.kind == "qualifier"))
    pairs = [[item.term, item.other] for item in learned if item.kind == "contrast"]
    data: dict = {}
    if groups or immaterial:
        data["synonyms"] = {"groups": list(map(list, dict.fromkeys(map(tuple, groups))))}
        if immaterial:
            data["synonyms"]["immaterial"] = immaterial
    contrast: dict = {}
    if qualifiers:
        contrast["qualifiers"] = qualifiers
    if pairs:
        contrast["pairs"] = list(map(list, dict.fromkeys(map(tuple, pairs))))
    if contrast:
        data["contrast"] = contrast
    return data
