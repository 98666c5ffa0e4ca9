"""Cross-region match suggestions: which regional indicators of other regions mean the same thing.

The work happens once per globally distinct name (regions share most names):

1. every name is normalized (numbering, unit parentheticals, quotes, punctuation and generic scope
   prefixes such as "城乡居民医保市级财政补助项目…" split off) and rewritten through the synonym lexicon;
2. candidates come from an inverted index of the informative character bigrams of those canonical
   names (a sparse TF-IDF product, chunked), never from comparing everything with everything;
3. the shortlist is re-ranked with rapidfuzz scorers plus domain parts — synonyms, level 1/2 agreement,
   target kind, contrast terms (新增 / 市级 / 上解 …) — each part kept for the explanation;
4. for one regional indicator, candidate names expand to the regional indicators of *other* regions
   that carry them, plus the members of approved concepts (aliases), minus rejected pairs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from store.levels import PROJECT_LEVEL1
from store.lexicon import Lexicon
from store.text import nfkc

_UNIT_PAREN = re.compile(r"[（(]\s*([^()（）]{1,10}?)\s*[)）]\s*$")
_UNIT_TEXT = re.compile(r"^(?:%|‰|[万亿千百]?[元人次户个家件天月年日时分秒名项篇份套类册条张台辆床]|人次|小时|分钟|"
                        r"平方米|公里|[元人次]/[人次年月户]|元/人/年|万人次)+$")
_QUOTED = re.compile(r"[“\"「『‘']([^”\"」』’']{1,14})[”\"」』’']")
_NUMBERING = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d{1,3}\s*[、.．]\s*)")
_PUNCT = re.compile(r"[^\w%‰]+")
_KEEP_AFTER_PROJECT = ("成本", "总成本", "投入", "验收", "完成", "实施", "资金", "支出", "预算", "进度", "合同",
                       "启动", "运行", "建设", "管理", "绩效")
_NAME_KIND = (
    ("money", ("费", "成本", "金额", "资金额", "元", "补助标准", "投入")),
    ("percent", ("率", "比例", "比率", "占比", "比重", "覆盖面")),
    ("count", ("人次", "人数", "次数", "个数", "家数", "数量", "件数", "份数", "天数", "场次")),
    ("time", ("时间", "时限", "时长", "天数", "周期")),
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A name read for matching: its core (what is measured), and what was split off."""

    name: str
    core: str  # NFKC, no numbering, unit, scope, quotes or punctuation
    canonical: str  # core with synonyms rewritten
    unit: str | None
    scope: str | None
    quoted: tuple[str, ...]
    rewrites: tuple[tuple[str, str], ...]
    qualifiers: frozenset[str]
    populations: frozenset[str]
    actions: frozenset[int]
    name_kind: str | None


def normalize(name: str, lexicon: Lexicon) -> Normalized:
    """Split a regional name into scope, core and unit, and rewrite the core through the lexicon."""
    text = "".join(nfkc(name).split())
    text = _NUMBERING.sub("", text).rstrip("。;；,，")
    unit = None
    while True:
        match = _UNIT_PAREN.search(text)
        if not match or not _UNIT_TEXT.match(match.group(1)):
            break
        unit = match.group(1) if unit is None else f"{match.group(1)}{unit}"
        text = text[: match.start()]
    quoted = tuple(dict.fromkeys(m.group(1) for m in _QUOTED.finditer(text)))
    text = _PUNCT.sub("", text.replace("_", ""))
    scope = None
    index = text.find("项目")
    if index >= 4 and len(text) - index - 2 >= 3:
        rest = text[index + 2:]
        scope = text[: index + 2]
        text = f"项目{rest}" if rest.startswith(_KEEP_AFTER_PROJECT) else rest
    canonical, rewrites = lexicon.canonicalize(text)
    name_kind = None
    for kind, heads in _NAME_KIND:
        if any(text.endswith(head) for head in heads):
            name_kind = kind
            break
    if unit and name_kind is None:
        name_kind = "percent" if "%" in unit else "money" if "元" in unit else "count"
    return Normalized(
        name=name, core=text, canonical=canonical or text, unit=unit, scope=scope, quoted=quoted,
        rewrites=tuple(rewrites), qualifiers=frozenset(lexicon.qualifiers_in(text)),
        populations=frozenset(lexicon.populations_in(text)),
        actions=frozenset(lexicon.action_groups(text)), name_kind=name_kind,
    )


def without_unit(name: str) -> str:
    """A name as written, without its trailing unit parenthetical ("参保对象满意度（%）" -> "参保对象满意度")."""
    text = name.strip()
    while True:
        match = _UNIT_PAREN.search(text)
        if not match or not _UNIT_TEXT.match("".join(nfkc(match.group(1)).split())):
            return text.strip() or name
        text = text[: match.start()].rstrip()


@dataclass(frozen=True, slots=True)
class RegionalIndicator:
    """What the matcher needs to know of one regional indicator."""

    id: int
    region: str
    name: str
    level1: str | None
    level2: str | None
    target_kind: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """One contribution to a candidate's score, for the explanation."""

    label: str
    value: float

    def __str__(self) -> str:
        if self.label.startswith("string") or "×" in self.label:
            if "×" in self.label:
                return self.label
            return f"{self.label} {self.value:.2f}"
        sign = "+" if self.value >= 0 else "−"
        return f"{self.label} {sign}{abs(self.value):.2f}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggested counterpart with its score and the parts that make it up."""

    regional_indicator: RegionalIndicator
    score: float
    parts: tuple[Part, ...]
    via: str | None = None  # the approved alias the match came through

    @property
    def explanation(self) -> str:
        text = " · ".join(str(part) for part in self.parts)
        return f"{text} · alias of approved {self.via}" if self.via else text


@dataclass
class Decisions:
    """What reviewers decided, as the matcher uses it: concept membership and rejected pairs."""

    concept_of: dict[int, int] = field(default_factory=dict)
    concept_names: dict[int, str] = field(default_factory=dict)
    rejected: set[tuple[int, int]] = field(default_factory=set)

    def is_rejected(self, a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in self.rejected

    def members(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for ri, concept in self.concept_of.items():
            grouped.setdefault(concept, []).append(ri)
        return grouped


# weights of the parts; the string part is a similarity, the others are bonuses and penalties
W_STRING = 0.62
W_IDF = 0.38
SAME_LEVEL2 = 0.05
SAME_LEVEL1 = 0.02
OTHER_LEVEL1 = -0.03
SAME_KIND = 0.03
OTHER_KIND = -0.08
POPULATION = -0.08
# contrasts multiply the score: a qualifier or an action that differs makes it a different indicator
QUALIFIER = 0.4
ACTION = 0.4
QUOTED = 0.55
SUBJECT = 0.5
ALIAS_DISCOUNT = 0.02
MIN_SCORE = 0.2  # below this nothing is suggested
MIN_CONTRASTED = 0.3  # a candidate that a contrast term marks as different needs stronger evidence
_KIND_CONFLICTS = {frozenset(("percent", "money")), frozenset(("percent", "count")), frozenset(("money", "count")),
                   frozenset(("percent", "time")), frozenset(("money", "time"))}


def _bigrams(text: str) -> list[str]:
    if len(text) < 2:
        return [text] if text else []
    return [text[i: i + 2] for i in range(len(text) - 1)]


class NameIndex:
    """Distinct canonical names with IDF-weighted bigram vectors, for candidate generation and scoring."""

    def __init__(self, names: Sequence[Normalized], *, informative: int = 40) -> None:
        self.names = list(names)
        self.position = {n.canonical: i for i, n in enumerate(self.names)}
        grams = [set(_bigrams(n.canonical)) for n in self.names]
        df = Counter(g for gs in grams for g in gs)
        total = max(len(self.names), 1)
        self.idf = {g: math.log((total + 1) / (c + 0.5)) for g, c in df.items()}
        vocabulary = {g: i for i, g in enumerate(df)}
        rows, cols, values = [], [], []
        inf_rows, inf_cols, inf_values = [], [], []
        for row, gs in enumerate(grams):
            weights = {g: self.idf[g] for g in gs}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for g, w in weights.items():
                rows.append(row)
                cols.append(vocabulary[g])
                values.append(w / norm)
            frequent = max(50, total // 50)
            for chosen, (g, w) in enumerate(sorted(weights.items(), key=lambda item: -item[1])):
                # the rarest bigrams of the name; frequent ones only while it has fewer than three
                if chosen >= informative or (chosen >= 3 and df[g] > frequent):
                    break
                inf_rows.append(row)
                inf_cols.append(vocabulary[g])
                inf_values.append(w / norm)
        shape = (len(self.names), max(len(vocabulary), 1))
        self.matrix = sparse.csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)
        self.lengths = np.array([len(n.canonical) for n in self.names], dtype=np.float32)
        self.informative = sparse.csr_matrix((inf_values, (inf_rows, inf_cols)), shape=shape, dtype=np.float32)
        self._postings = self.matrix.T.tocsr()  # bigram -> names

    def idf_similarity(self, a: str, b: str) -> float:
        """Cosine of the IDF-weighted bigram sets of two canonical names."""
        ga, gb = set(_bigrams(a)), set(_bigrams(b))
        if not ga or not gb:
            return 1.0 if a == b and a else 0.0
        shared = sum(self.idf.get(g, 1.0) ** 2 for g in ga & gb)
        na = math.sqrt(sum(self.idf.get(g, 1.0) ** 2 for g in ga))
        nb = math.sqrt(sum(self.idf.get(g, 1.0) ** 2 for g in gb))
        return shared / (na * nb) if na and nb else 0.0

    def shortlist(self, rows: Sequence[int], size: int) -> list[list[int]]:
        """For each row, the ``size`` names sharing the most informative bigram weight with it (itself first)."""
        if not self.names:
            return [[] for _ in rows]
        product = (self.informative[list(rows)] @ self._postings).tocsr()
        result = []
        for offset, row in enumerate(rows):
            start, end = product.indptr[offset], product.indptr[offset + 1]
            indices = product.indices[start:end]
            data = product.data[start:end]
            if len(indices) > size:
                keep = np.argpartition(-data, size)[:size]
                indices, data = indices[keep], data[keep]
            order = np.lexsort((indices, -data))
            ranked = [int(i) for i in indices[order] if i != row]
            result.append([row, *ranked])
        return result


def string_similarity(a: str, b: str) -> float:
    """Character-level similarity of two canonical names: ratio, or containment weighted by coverage."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = fuzz.ratio(a, b) / 100
    shorter, longer = sorted((len(a), len(b)))
    partial = fuzz.partial_ratio(a, b) / 100 * (0.55 + 0.45 * shorter / longer)
    return max(ratio, partial * 0.97)


def _different_subjects(a: str, b: str) -> str | None:
    """The shared measure when two names end alike but say it of unrelated things (重点工作办结率 vs
    处理群众投诉件办结率), else None."""
    shared = 0
    while shared < min(len(a), len(b)) and a[-1 - shared] == b[-1 - shared]:
        shared += 1
    if not 2 <= shared <= 4:
        return None
    left_a, left_b = a[:-shared], b[:-shared]
    if len(left_a) < 3 or len(left_b) < 3:
        return None
    if set(_bigrams(left_a)) & set(_bigrams(left_b)) or fuzz.ratio(left_a, left_b) >= 25:
        return None
    return a[-shared:]


def _kind(ri: RegionalIndicator, name: Normalized) -> str | None:
    if ri.target_kind in ("percent", "money", "time") or (ri.target_kind == "count" and name.name_kind is None):
        return ri.target_kind
    return name.name_kind


def contrast(q: Normalized, c: Normalized) -> tuple[float, float, list[Part]]:
    """Name-level contrasts: (additive penalty, multiplicative factor, parts)."""
    parts: list[Part] = []
    penalty = 0.0
    factor = 1.0
    if q.populations or c.populations:
        populations = sorted(q.populations ^ c.populations)
        if populations:
            parts.append(Part(f"only one is about {populations[0]}", POPULATION))
            penalty += POPULATION
    if q.qualifiers or c.qualifiers:
        differing = sorted(q.qualifiers ^ c.qualifiers)
        if differing:
            step = QUALIFIER ** min(len(differing), 2)
            factor *= step
            parts.append(Part(f"only one says {'/'.join(differing[:2])} ×{step:.2f}", 0))
    if q.actions and c.actions and not (q.actions & c.actions):
        factor *= ACTION
        parts.append(Part(f"different action ×{ACTION:.2f}", 0))
    if q.canonical != c.canonical:
        subject = _different_subjects(q.canonical, c.canonical)
        if subject:
            factor *= SUBJECT
            parts.append(Part(f"same measure {subject}, different subject ×{SUBJECT:.2f}", 0))
    if q.quoted or c.quoted:
        missing = [t for t in q.quoted if t not in c.core] + [t for t in c.quoted if t not in q.core]
        if missing:
            factor *= QUOTED
            parts.append(Part(f"only one names “{missing[0]}” ×{QUOTED:.2f}", 0))
    return penalty, factor, parts


def context_parts(query: RegionalIndicator, q: Normalized, candidate: RegionalIndicator, c: Normalized
                  ) -> tuple[float, list[Part]]:
    """Regional-indicator context: level 1/2 agreement and target kind."""
    parts: list[Part] = []
    bonus = 0.0
    if query.level2 and query.level2 == candidate.level2:
        parts.append(Part("same level 2", SAME_LEVEL2))
        bonus += SAME_LEVEL2
    elif query.level1 and query.level1 == candidate.level1:
        parts.append(Part("same level 1", SAME_LEVEL1))
        bonus += SAME_LEVEL1
    elif query.level1 in PROJECT_LEVEL1 and candidate.level1 in PROJECT_LEVEL1:
        parts.append(Part("other level 1", OTHER_LEVEL1))
        bonus += OTHER_LEVEL1
    kq, kc = _kind(query, q), _kind(candidate, c)
    if kq and kq == kc:
        parts.append(Part(f"both {kq}", SAME_KIND))
        bonus += SAME_KIND
    elif kq and kc and frozenset((kq, kc)) in _KIND_CONFLICTS:
        parts.append(Part(f"{kq} vs {kc}", OTHER_KIND))
        bonus += OTHER_KIND
    return bonus, parts


def combine(name_score: float, factor: float, context: float) -> float:
    """A candidate's score from its name score (contrasts applied), and its context bonus."""
    score = max(0.0, min(1.0, name_score + context))
    if factor < 1.0 and score < MIN_CONTRASTED:
        return 0.0
    return score


def pair_parts(
    query: RegionalIndicator, q: Normalized, candidate: RegionalIndicator, c: Normalized, index: NameIndex
) -> tuple[float, list[Part]]:
    """Score one pair and say which parts gave the score (the scalar path, used for explanations)."""
    parts: list[Part] = []
    string = string_similarity(q.canonical, c.canonical)
    raw = string_similarity(q.core, c.core)
    idf = index.idf_similarity(q.canonical, c.canonical)
    base = W_STRING * string + W_IDF * idf
    parts.append(Part("string", round(W_STRING * raw + W_IDF * idf, 2)))
    gain = W_STRING * (string - raw)
    if gain > 0.005:
        terms = sorted({f"{t}≈{k}" for t, k in (*q.rewrites, *c.rewrites)})[:2]
        parts.append(Part(f"synonym {' '.join(terms)}", round(gain, 2)))
    penalty, factor, contrast_parts = contrast(q, c)
    bonus, ctx = context_parts(query, q, candidate, c)
    name_score = max(0.0, base + penalty) * factor
    return combine(name_score, factor, bonus * factor), [*parts, *ctx, *contrast_parts]


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A name worth suggesting for another: its row in the name index and its name-level score."""

    row: int
    score: float
    factor: float


def name_neighbours(index: NameIndex, rows: Sequence[int], *, shortlist: int = 60, keep: int = 24,
                    workers: int = 1) -> list[list[Neighbour]]:
    """Best names for each of ``rows`` (itself first), scored with vectorised rapidfuzz calls."""
    lists = index.shortlist(rows, shortlist)
    query_rows = np.fromiter((r for r, found in zip(rows, lists, strict=True) for _ in found), dtype=np.int64)
    cand_rows = np.fromiter((c for found in lists for c in found), dtype=np.int64)
    if len(cand_rows) == 0:
        return [[] for _ in rows]
    names = index.names
    queries = [names[i].canonical for i in query_rows]
    choices = [names[i].canonical for i in cand_rows]
    ratio = process.cpdist(queries, choices, scorer=fuzz.ratio, workers=workers) / 100
    partial = process.cpdist(queries, choices, scorer=fuzz.partial_ratio, workers=workers) / 100
    lengths_q = index.lengths[query_rows]
    lengths_c = index.lengths[cand_rows]
    coverage = np.minimum(lengths_q, lengths_c) / np.maximum(np.maximum(lengths_q, lengths_c), 1)
    string = np.maximum(ratio, partial * (0.55 + 0.45 * coverage) * 0.97)
    string[query_rows == cand_rows] = 1.0
    idf = np.asarray(index.matrix[query_rows].multiply(index.matrix[cand_rows]).sum(axis=1)).ravel()
    base = W_STRING * string + W_IDF * idf
    result: list[list[Neighbour]] = []
    offset = 0
    for row, found in zip(rows, lists, strict=True):
        count = len(found)
        scores = base[offset: offset + count]
        order = np.argsort(-scores, kind="stable")[: keep + 8]
        q = names[row]
        kept: list[Neighbour] = []
        for position in order:
            candidate_row = found[position]
            score = float(scores[position])
            if score < MIN_SCORE * 0.5:
                break
            penalty, factor, _parts = contrast(q, names[candidate_row]) if candidate_row != row else (0.0, 1.0, [])
            name_score = max(0.0, score + penalty) * factor
            if factor < 1.0 and name_score < MIN_CONTRASTED - 0.1:
                continue
            kept.append(Neighbour(candidate_row, name_score, factor))
        kept.sort(key=lambda n: (-n.score, n.row))
        result.append(kept[:keep])
        offset += count
    return result


class Matcher:
    """Suggestions for regional indicators, from other regions only, learning from decisions."""

    def __init__(
        self,
        indicators: Iterable[RegionalIndicator],
        lexicon: Lexicon | None = None,
        decisions: Decisions | None = None,
        *,
        shortlist: int = 60,
    ) -> None:
        self.lexicon = lexicon or Lexicon.shipped()
        self.decisions = decisions or Decisions()
        self.indicators = {ri.id: ri for ri in indicators}
        self.shortlist_size = shortlist
        normalized: dict[str, Normalized] = {}
        self.normal_of: dict[int, Normalized] = {}
        for ri in self.indicators.values():
            n = normalized.get(ri.name)
            if n is None:
                n = normalized[ri.name] = normalize(ri.name, self.lexicon)
            self.normal_of[ri.id] = n
        distinct: dict[str, Normalized] = {}
        for n in normalized.values():
            distinct.setdefault(n.canonical, n)
        self.index = NameIndex(list(distinct.values()))
        self.by_row: dict[int, list[int]] = {}
        for ri_id in sorted(self.normal_of, key=lambda i: (self.indicators[i].region, i)):
            self.by_row.setdefault(self.index.position[self.normal_of[ri_id].canonical], []).append(ri_id)
        self._neighbours: dict[int, list[Neighbour]] = {}
        self._members: dict[int, list[int]] | None = None

    def set_decisions(self, decisions: Decisions) -> None:
        self.decisions = decisions
        self._members = None

    def row_of(self, ri_id: int) -> int:
        return self.index.position[self.normal_of[ri_id].canonical]

    def neighbours(self, row: int) -> list[Neighbour]:
        cached = self._neighbours.get(row)
        if cached is None:
            cached = name_neighbours(self.index, [row], shortlist=self.shortlist_size)[0]
            self._neighbours[row] = cached
        return cached

    def precompute(self, chunk: int = 2000, workers: int = 1,
                   progress: Callable[[int, int], None] | None = None) -> None:
        """Neighbour names for every distinct name, in vectorised chunks."""
        total = len(self.index.names)
        rows = [r for r in range(total) if r not in self._neighbours]
        for start in range(0, len(rows), chunk):
            part = rows[start: start + chunk]
            for row, found in zip(part, name_neighbours(self.index, part, shortlist=self.shortlist_size,
                                                        workers=workers), strict=True):
                self._neighbours[row] = found
            if progress:
                progress(min(start + chunk, len(rows)), len(rows))

    def _members_of(self) -> dict[int, list[int]]:
        if self._members is None:
            self._members = self.decisions.members()
        return self._members

    def candidates(self, ri_id: int, top: int = 10, *, explain: bool = True) -> list[Candidate]:
        """The best ``top`` counterparts of a regional indicator in other regions, best first."""
        query = self.indicators[ri_id]
        q = self.normal_of[ri_id]
        concept = self.decisions.concept_of.get(ri_id)
        members = self._members_of()
        pool: dict[int, tuple[float, Normalized, str | None, int]] = {}
        names = self.index.names
        # query side: the query's own name, and those of its approved concept (aliases)
        sources: list[tuple[Normalized, str | None]] = [(q, None)]
        if concept is not None:
            concept_name = self.decisions.concept_names.get(concept)
            seen = {q.canonical}
            for member in members.get(concept, []):
                n = self.normal_of.get(member)
                if n is not None and n.canonical not in seen:
                    seen.add(n.canonical)
                    sources.append((n, concept_name or n.name))
        for source, via in sources:
            for neighbour in self.neighbours(self.index.position[source.canonical]):
                c = names[neighbour.row]
                for candidate_id in self.by_row.get(neighbour.row, ())[:400]:
                    candidate = self.indicators[candidate_id]
                    if candidate.region == query.region or candidate_id == ri_id:
                        continue
                    bonus, _ = context_parts(query, q, candidate, c)
                    score = combine(neighbour.score, neighbour.factor, bonus * neighbour.factor)
                    if via is not None:
                        score = max(0.0, score - ALIAS_DISCOUNT)
                    self._offer(pool, ri_id, concept, candidate_id, score, source, via, candidate_id)
                    other = self.decisions.concept_of.get(candidate_id)
                    if other is not None and other != concept:
                        alias_via = self.decisions.concept_names.get(other) or candidate.name
                        for member in members.get(other, []):
                            if member != candidate_id:
                                self._offer(pool, ri_id, concept, member, max(0.0, score - ALIAS_DISCOUNT),
                                            source, alias_via, candidate_id)
        ranked = sorted(
            (item for item in pool.items() if item[1][0] >= MIN_SCORE),
            key=lambda item: (-item[1][0], self.indicators[item[0]].region, self.indicators[item[0]].name),
        )[:top]
        result = []
        for candidate_id, (score, source, via, matched) in ranked:
            candidate = self.indicators[candidate_id]
            parts: tuple[Part, ...] = ()
            if explain:
                # explained by the pair that gave the score: the query (or its alias) and the name matched
                _score, found = pair_parts(query, source, self.indicators[matched], self.normal_of[matched],
                                           self.index)
                parts = tuple(found)
                if via is not None:
                    parts = (*parts, Part("alias", -ALIAS_DISCOUNT))
            result.append(Candidate(candidate, round(score, 4), parts, via))
        return result

    def _offer(self, pool: dict, ri_id: int, concept: int | None, candidate_id: int, score: float,
               source: Normalized, via: str | None, matched: int) -> None:
        candidate = self.indicators.get(candidate_id)
        if candidate is None or candidate_id == ri_id or candidate.region == self.indicators[ri_id].region:
            return
        if concept is not None and self.decisions.concept_of.get(candidate_id) == concept:
            return  # already mapped together
        if self.decisions.is_rejected(ri_id, candidate_id):
            return
        best = pool.get(candidate_id)
        if best is None or score > best[0]:
            pool[candidate_id] = (score, source, via, matched)


def brute_force_top(matcher: Matcher, ri_id: int, top: int = 10) -> list[int]:
    """Reference ranking for the benchmark: the query's name scored against every name, no shortlist."""
    query = matcher.indicators[ri_id]
    q = matcher.normal_of[ri_id]
    scored = []
    for row, ids in matcher.by_row.items():
        c = matcher.index.names[row]
        for candidate_id in ids:
            candidate = matcher.indicators[candidate_id]
            if candidate.region == query.region:
                continue
            score, _parts = pair_parts(query, q, candidate, c, matcher.index)
            if score >= MIN_SCORE:
                scored.append((-score, candidate.region, candidate.name, candidate_id))
    scored.sort()
    return [item[3] for item in scored[:top]]


__all__ = [
    "Candidate",
    "Decisions",
    "Matcher",
    "Normalized",
    "Part",
    "RegionalIndicator",
    "brute_force_top",
    "name_neighbours",
    "normalize",
    "string_similarity",
]
