"""How a pair of names is scored: string similarity of the canonical names (rapidfuzz) and the cosine of
their gram vectors, then domain parts that move the score and are shown, never remove a candidate:
synonyms (already in the canonical form), contrasts (qualifiers, actions, populations, contrast pairs,
a shared measure said of different subjects, a quoted term only one has), level 1/2 and target-kind
agreement. The vectorised path (name_neighbours, score_names) and the scalar path (pair_parts, for
explanations and the reference) compute the same numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from store.levels import PROJECT_LEVEL1
from store.lexicon import Lexicon
from store.matching.index import NameIndex
from store.matching.normalize import Normalized
from store.matching.types import LIKELY, POSSIBLE, Part, RegionalIndicator

# weights of the parts: the string part is a similarity in [0, 1], the others are bonuses and penalties
W_STRING = 0.62
W_IDF = 0.38
SAME_LEVEL2 = 0.05
SAME_LEVEL1 = 0.02
OTHER_LEVEL1 = -0.03
SAME_KIND = 0.03
OTHER_KIND = -0.08
# contrasts lower the score by a fixed amount: enough to take a look-alike out of the likely tier, never
# out of the list
QUALIFIER = -0.15  # per qualifier only one name has, at most two
ACTION = -0.15
PAIR = -0.15
POPULATION = -0.06
SUBJECT = -0.12
QUOTED = -0.10
LEARNED_CONTRAST = -0.20
ALIAS_DISCOUNT = 0.02

# The tier threshold: a candidate is "likely" from this score up, "possible" below. Chosen on look-alike
# pairs (names that read alike and must not be mapped: shared/gold/mapping-negatives-dev.json) as the
# lowest score above 95 % of their scores (choose_threshold), counting the pairs a contrast marks as if
# it did not (on names never seen the lexicon's contrasts rarely fire); tests/bench/match_cv.py chooses
# it on one half of the development set and scores the other half with it (0.657 and 0.660 there).
LIKELY_FROM = 0.657

_KIND_CONFLICTS = {frozenset(("percent", "money")), frozenset(("percent", "count")), frozenset(("money", "count")),
                   frozenset(("percent", "time")), frozenset(("money", "time"))}


def tier(score: float, contrasted: bool = False) -> str:
    """Likely from LIKELY_FROM up, unless a qualifier, an action, a contrast pair or a learned contrast says
    the two names measure different things (a population or subject difference does not decide it)."""
    return LIKELY if score >= LIKELY_FROM and not contrasted else POSSIBLE


def choose_threshold(lookalike_scores: Sequence[float], share: float = 0.95) -> float:
    """The lowest score above ``share`` of the look-alike pairs' scores (how LIKELY_FROM was chosen)."""
    if not lookalike_scores:
        return LIKELY_FROM
    ordered = sorted(lookalike_scores)
    index = min(len(ordered) - 1, int(np.ceil(share * len(ordered))) - 1)
    return round(ordered[index] + 0.005, 3)


def string_similarity(a: str, b: str, grams: float = 1.0) -> float:
    """Character-level similarity of two canonical names: ratio, or containment weighted by coverage where
    their gram cosine ``grams`` allows one to hold the other."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = fuzz.ratio(a, b) / 100
    shorter, longer = sorted((len(a), len(b)))
    coverage = shorter / longer
    if grams < 0.6 * math.sqrt(coverage):
        return ratio
    partial = fuzz.partial_ratio(a, b) / 100 * (0.55 + 0.45 * coverage)
    return max(ratio, partial * 0.97)


def string_similarities(q_texts: np.ndarray, c_texts: np.ndarray, lq: np.ndarray, lc: np.ndarray,
                        same: np.ndarray, grams: np.ndarray, workers: int = 1) -> np.ndarray:
    """:func:`string_similarity` of many pairs at once (rapidfuzz cpdist), given the texts' lengths, which
    pairs are the same text and their gram cosines."""
    if not len(q_texts):
        return np.zeros(0)
    ratio = process.cpdist(q_texts, c_texts, scorer=fuzz.ratio, workers=workers) / 100
    coverage = np.minimum(lq, lc) / np.maximum(np.maximum(lq, lc), 1)
    string = ratio.astype(np.float64)
    # containment only pays where one name is clearly shorter (0.97 × (0.55 + 0.45 × coverage) must
    # exceed the ratio) and shares enough grams to be contained (a name inside another shares at least
    # √coverage of the longer one's weight)
    worth = ((0.97 * (0.55 + 0.45 * coverage)) > ratio) & (grams >= 0.6 * np.sqrt(coverage))
    if worth.any():
        picked = np.nonzero(worth)[0]
        partial = process.cpdist(q_texts[picked], c_texts[picked], scorer=fuzz.partial_ratio, workers=workers) / 100
        string[picked] = np.maximum(ratio[picked], partial * (0.55 + 0.45 * coverage[picked]) * 0.97)
    string[(lq == 0) | (lc == 0)] = 0.0
    string[same & (lq > 0)] = 1.0
    return string


def different_subjects(a: str, b: str) -> str | None:
    """The shared measure when two names end alike but say it of unrelated things (重点工作办结率 vs
    处理群众投诉件办结率), else None."""
    if not a or not b or a[-1] != b[-1]:
        return None
    shared = 0
    for x, y in zip(reversed(a), reversed(b)):  # noqa: B905 - the shorter name bounds the suffix
        if x != y:
            break
        shared += 1
    if not 2 <= shared <= 4 or len(a) - shared < 3 or len(b) - shared < 3:
        return None
    left_a, left_b = a[:-shared], b[:-shared]
    if {left_a[i: i + 2] for i in range(len(left_a) - 1)} & {left_b[i: i + 2] for i in range(len(left_b) - 1)}:
        return None
    if fuzz.ratio(left_a, left_b) >= 25:
        return None
    return a[-shared:]


def _missing_quotes(q: Normalized, c: Normalized) -> list[str]:
    return [t for t in q.quoted if t not in c.core] + [t for t in c.quoted if t not in q.core]


def contrast(q: Normalized, c: Normalized, index: NameIndex | None = None) -> tuple[float, list[Part]]:
    """Name-level contrasts: (penalty, parts)."""
    parts: list[Part] = []
    if q.populations or c.populations:
        populations = sorted(q.populations ^ c.populations)
        if populations:
            parts.append(Part(f"only one is about {populations[0]}", POPULATION, "difference"))
    if q.qualifiers or c.qualifiers:
        differing = sorted(q.qualifiers ^ c.qualifiers)
        if differing:
            parts.append(Part(f"only one says {'/'.join(differing[:2])}", QUALIFIER * min(len(differing), 2),
                              "contrast"))
    if q.actions and c.actions and not (q.actions & c.actions):
        parts.append(Part("different action", ACTION, "contrast"))
    if index is not None:
        for first, second in index.pairs:
            a, b = q.canonical, c.canonical
            if ((first in a and second in b and second not in a and first not in b)
                    or (second in a and first in b and first not in a and second not in b)):
                parts.append(Part(f"{first} vs {second}", PAIR, "contrast"))
                break
    if q.canonical != c.canonical:
        subject = different_subjects(q.canonical, c.canonical)
        if subject:
            parts.append(Part(f"same measure {subject}, different subject", SUBJECT, "difference"))
    if (q.quoted or c.quoted) and (missing := _missing_quotes(q, c)):
        parts.append(Part(f"only one names “{missing[0]}”", QUOTED, "difference"))
    return sum(p.value for p in parts), parts


def contrast_penalties(index: NameIndex, q_rows: np.ndarray, c_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`contrast` penalties of many name pairs at once, and whether a contrast (not only a difference)
    was found (bit masks; only pairs that end alike or quote a term go through the scalar subject and
    quote tests)."""
    penalty = np.zeros(len(q_rows), dtype=np.float64)
    if not len(q_rows):
        return penalty, np.zeros(0, dtype=bool)
    differing = np.bitwise_count(index.qualifiers[q_rows] ^ index.qualifiers[c_rows])
    penalty += QUALIFIER * np.minimum(differing, 2)
    acts_q, acts_c = index.actions[q_rows], index.actions[c_rows]
    penalty[(acts_q != 0) & (acts_c != 0) & ((acts_q & acts_c) == 0)] += ACTION
    if index.pairs:
        qa, qb, ca, cb = (index.side_a[q_rows], index.side_b[q_rows], index.side_a[c_rows], index.side_b[c_rows])
        conflict = (qa & cb & ~ca & ~qb) | (qb & ca & ~cb & ~qa)
        penalty[conflict != 0] += PAIR
    contrasted = penalty < 0
    penalty[(index.populations[q_rows] ^ index.populations[c_rows]) != 0] += POPULATION
    same = index.tail[q_rows] == index.tail[c_rows]
    ending = np.cumprod(same[:, ::-1], axis=-1).sum(axis=-1)
    room = (index.lengths[q_rows] - ending >= 3) & (index.lengths[c_rows] - ending >= 3)
    check = (q_rows != c_rows) & (((ending >= 2) & (ending <= 4) & room) | index.quoted[q_rows] | index.quoted[c_rows])
    names = index.names
    for i in np.nonzero(check)[0]:
        q, c = names[q_rows[i]], names[c_rows[i]]
        if 2 <= ending[i] <= 4 and different_subjects(q.canonical, c.canonical):
            penalty[i] += SUBJECT
        if (q.quoted or c.quoted) and _missing_quotes(q, c):
            penalty[i] += QUOTED
    return penalty, contrasted


def score_names(index: NameIndex, q_rows: np.ndarray, c_rows: np.ndarray, *, q_text: str | None = None,
                grams: np.ndarray | None = None, workers: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Name-level scores of many (query, candidate) name pairs (string and gram parts and contrasts), and
    whether a contrast was found. ``q_text`` replaces the query rows' canonical text (one query rewritten
    through learned terms); ``grams`` are the pairs' gram cosines when the shortlist computed them."""
    if not len(q_rows):
        return np.zeros(0), np.zeros(0, dtype=bool)
    c_texts = index.texts[c_rows]
    lc = index.lengths[c_rows]
    if q_text is None:
        q_texts = index.texts[q_rows]
        lq = index.lengths[q_rows]
        same = q_rows == c_rows
        if grams is None:
            grams = np.asarray(index.matrix[q_rows].multiply(index.matrix[c_rows]).sum(axis=1)).ravel()
    else:
        q_texts = np.full(len(c_rows), q_text, dtype=object)
        lq = np.full(len(c_rows), len(q_text), dtype=np.float32)
        same = c_texts == q_text
        grams = np.asarray((index.matrix[c_rows] @ index.vector(q_text).T).todense()).ravel()
    grams = np.where(same, 1.0, grams)
    string = string_similarities(q_texts, c_texts, lq, lc, same, grams, workers)
    base = W_STRING * string + W_IDF * grams
    penalty, contrasted = contrast_penalties(index, q_rows, c_rows)
    return np.maximum(0.0, base + penalty), contrasted


def name_neighbours(index: NameIndex, rows: Sequence[int], *, shortlist: int = 50, keep: int = 50,
                    workers: int = 1, candidates: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best names for each of ``rows``: (rows, scores, contrasted) arrays of ``keep`` columns, best first,
    -1 rows where there are fewer. Every shortlisted name is scored; none is dropped by a domain rule."""
    count = len(rows)
    out_rows = np.full((count, keep), -1, dtype=np.int32)
    out_scores = np.zeros((count, keep), dtype=np.float32)
    out_contrasted = np.zeros((count, keep), dtype=bool)
    if not count:
        return out_rows, out_scores, out_contrasted
    cosines = None
    if candidates is None:
        candidates, cosines = index.shortlist(rows, shortlist)
    queries = np.repeat(np.asarray(rows, dtype=np.int64)[:, None], candidates.shape[1], axis=1)
    valid = candidates >= 0
    score = np.full(candidates.shape, -1.0)
    contrasted = np.zeros(candidates.shape, dtype=bool)
    score[valid], contrasted[valid] = score_names(index, queries[valid], candidates[valid], workers=workers,
                                                  grams=None if cosines is None else cosines[valid])
    best = np.lexsort((np.where(valid, candidates, np.iinfo(np.int64).max), -score), axis=1)[:, :keep]
    best_scores = np.take_along_axis(score, best, axis=1)
    found = best_scores >= 0
    width = best.shape[1]
    out_rows[:, :width] = np.where(found, np.take_along_axis(candidates, best, axis=1), -1)
    out_scores[:, :width] = np.where(found, best_scores, 0.0)
    out_contrasted[:, :width] = found & np.take_along_axis(contrasted, best, axis=1)
    return out_rows, out_scores, out_contrasted


def kind_of(ri: RegionalIndicator, name: Normalized) -> str | None:
    """The kind of target an indicator sets: from its values where they say, else from its name."""
    if ri.target_kind in ("percent", "money", "time") or (ri.target_kind == "count" and name.name_kind is None):
        return ri.target_kind
    return name.name_kind


def kind_bonus(kq: str | None, kc: str | None) -> float:
    if kq and kq == kc:
        return SAME_KIND
    if kq and kc and frozenset((kq, kc)) in _KIND_CONFLICTS:
        return OTHER_KIND
    return 0.0


def level_bonus(query_level1: str | None, query_level2: str | None, level1: str | None, level2: str | None) -> float:
    if query_level2 and query_level2 == level2:
        return SAME_LEVEL2
    if query_level1 and query_level1 == level1:
        return SAME_LEVEL1
    if query_level1 in PROJECT_LEVEL1 and level1 in PROJECT_LEVEL1:
        return OTHER_LEVEL1
    return 0.0


def context_parts(query: RegionalIndicator, q: Normalized, candidate: RegionalIndicator, c: Normalized
                  ) -> tuple[float, list[Part]]:
    """Regional-indicator context: level 1/2 agreement and target kind."""
    parts: list[Part] = []
    level = level_bonus(query.level1, query.level2, candidate.level1, candidate.level2)
    if level:
        label = ("same level 2" if level == SAME_LEVEL2 else "same level 1" if level == SAME_LEVEL1
                 else "other level 1")
        parts.append(Part(label, level, "level"))
    kq, kc = kind_of(query, q), kind_of(candidate, c)
    kind = kind_bonus(kq, kc)
    if kind:
        parts.append(Part(f"both {kq}" if kind > 0 else f"{kq} vs {kc}", kind, "target"))
    return level + kind, parts


def combine(name_score: float, context: float) -> float:
    """A candidate's score from its name score and its context parts, in [0, 1]."""
    return max(0.0, min(1.0, name_score + context))


def pair_parts(query: RegionalIndicator, q: Normalized, candidate: RegionalIndicator, c: Normalized,
               index: NameIndex, lexicon: Lexicon) -> tuple[float, list[Part]]:
    """Score one pair and say which parts gave the score (the scalar path, for explanations)."""
    parts: list[Part] = []
    grams = index.similarity(q.canonical, c.canonical)
    raw_grams = index.similarity(q.core, c.core) if (q.core, c.core) != (q.canonical, c.canonical) else grams
    string = string_similarity(q.canonical, c.canonical, grams)
    raw = string_similarity(q.core, c.core, raw_grams)
    base = W_STRING * string + W_IDF * grams
    plain = W_STRING * raw + W_IDF * raw_grams
    rewrites_q, rewrites_c = lexicon.rewrites(q.core), lexicon.rewrites(c.core)
    if base - plain > 0.005 and sorted(rewrites_q) != sorted(rewrites_c):
        parts.append(Part("string", round(plain, 2)))
        terms = sorted({f"{t}≈{k}" for t, k in (*rewrites_q, *rewrites_c)} - {f"{t}≈{k}" for t, k in rewrites_q
                                                                              if (t, k) in rewrites_c})[:2]
        parts.append(Part(f"synonym {' '.join(terms)}", round(base - plain, 2), "synonym"))
    else:
        parts.append(Part("string", round(base, 2)))
    penalty, contrast_parts = contrast(q, c, index)
    context, context_found = context_parts(query, q, candidate, c)
    return combine(max(0.0, base + penalty), context), [*parts, *context_found, *contrast_parts]
