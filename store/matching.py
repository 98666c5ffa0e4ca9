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

import io
import math
import re
from array import array
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
    qualifiers: frozenset[str]
    populations: frozenset[str]
    actions: frozenset[int]
    name_kind: str | None


_QUOTE_CHARS = frozenset("“\"「『‘'")


def _has_quote(text: str) -> bool:
    return not _QUOTE_CHARS.isdisjoint(text)


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
    quoted = tuple(dict.fromkeys(m.group(1) for m in _QUOTED.finditer(text))) if _has_quote(text) else ()
    text = _PUNCT.sub("", text.replace("_", ""))
    scope = None
    index = text.find("项目")
    if index >= 4 and len(text) - index - 2 >= 3:
        rest = text[index + 2:]
        scope = text[: index + 2]
        text = f"项目{rest}" if rest.startswith(_KEEP_AFTER_PROJECT) else rest
    canonical = lexicon.canonicalize(text)
    name_kind = None
    for kind, heads in _NAME_KIND:
        if text.endswith(heads):
            name_kind = kind
            break
    if unit and name_kind is None:
        name_kind = "percent" if "%" in unit else "money" if "元" in unit else "count"
    return Normalized(
        name=name, core=text, canonical=canonical or text, unit=unit, scope=scope, quoted=quoted,
        qualifiers=frozenset(lexicon.qualifiers_in(text)),
        populations=frozenset(lexicon.populations_in(text)),
        actions=frozenset(lexicon.action_groups(text)), name_kind=name_kind,
    )


def normalize_all(names: list[str], lexicon: Lexicon) -> dict[str, Normalized]:
    """Normalize many names (each once)."""
    return {name: normalize(name, lexicon) for name in names}


_ADMIN = ("自治州", "自治县", "地区", "省", "市", "州", "县", "区", "旗", "盟")


def region_prefixes(region: str) -> list[str]:
    """How a region's own name can open an indicator name: 韶关市曲江区 -> 韶关市曲江区, 韶关市, 曲江区, 韶关, 曲江."""
    if region.startswith("?"):
        return []
    parts = [p for p in re.findall(r".+?(?:自治州|自治县|地区|省|市|州|县|区|旗|盟)", region) if len(p) >= 2]
    forms = {region, *parts}
    for part in (region, *parts):
        for suffix in _ADMIN:
            if part.endswith(suffix) and len(part) - len(suffix) >= 2:
                forms.add(part[: -len(suffix)])
                break
    return sorted(forms, key=len, reverse=True)


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


def _tfidf(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], total: int
           ) -> tuple[np.ndarray, sparse.csr_matrix]:
    """IDF weights and the L2-normalised binary TF-IDF matrix of (row, gram) pairs."""
    df = np.bincount(cols, minlength=shape[1]).astype(np.float32)
    idf = np.log((total + 1) / (df + 0.5)).astype(np.float32)
    weights = idf[cols]
    norms = np.sqrt(np.bincount(rows, weights=weights * weights, minlength=shape[0]))
    values = (weights / np.maximum(norms[rows], 1e-9)).astype(np.float32)
    return idf, sparse.csr_matrix((values, (rows, cols)), shape=shape)


_SHIPPED: Lexicon | None = None
_LARGE = 20_000  # distinct names from which the cheaper candidate generation is used


def _shipped_lexicon() -> Lexicon:
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = Lexicon.shipped()
    return _SHIPPED


def _bits(values: Iterable, ids: dict) -> int:
    mask = 0
    for value in values:
        mask |= 1 << (ids.setdefault(value, len(ids)) % 63)
    return mask


class NameIndex:
    """Distinct canonical names with IDF-weighted bigram vectors and the per-name features the vectorised
    scorer needs (contrast terms as bit masks)."""

    def __init__(self, names: Sequence[Normalized], *, informative: int | None = None, frequent_divisor: int = 50,
                 wide: int | None = None) -> None:
        self.names = list(names)
        # the work per name shrinks on large workspaces, where near-duplicates make a short list enough
        large = len(self.names) > _LARGE
        informative = informative or (8 if large else 40)
        self.wide = wide or (80 if large else 250)
        self.canonicals = [n.canonical for n in self.names]
        self.position = {c: i for i, c in enumerate(self.canonicals)}
        self.vocabulary: dict[str, int] = {}
        rows = array("i")
        cols = array("i")
        for row, text in enumerate(self.canonicals):
            grams = {self.vocabulary.setdefault(g, len(self.vocabulary)) for g in _bigrams(text)}
            rows.extend([row] * len(grams))
            cols.extend(grams)
        rows_np = np.frombuffer(rows, dtype=np.int32) if len(rows) else np.zeros(0, dtype=np.int32)
        cols_np = np.frombuffer(cols, dtype=np.int32) if len(cols) else np.zeros(0, dtype=np.int32)
        total = max(len(self.names), 1)
        shape = (len(self.names), max(len(self.vocabulary), 1))
        self.idf, self.matrix = _tfidf(rows_np, cols_np, shape, total)
        # search vectors (characters and bigrams) for generating candidates: a shared rare character
        # tells names apart that share all their bigrams with many others
        characters: dict[str, int] = {}
        extra_rows = array("i")
        extra_cols = array("i")
        offset = len(self.vocabulary)
        for row, text in enumerate(self.canonicals):
            chars = {offset + characters.setdefault(ch, len(characters)) for ch in set(text)}
            extra_rows.extend([row] * len(chars))
            extra_cols.extend(chars)
        search_rows = np.concatenate((rows_np, np.frombuffer(extra_rows, dtype=np.int32)))
        search_cols = np.concatenate((cols_np, np.frombuffer(extra_cols, dtype=np.int32)))
        search_shape = (len(self.names), max(offset + len(characters), 1))
        search_idf, self.search = _tfidf(search_rows, search_cols, search_shape, total)
        search_df = np.bincount(search_cols, minlength=search_shape[1])
        weights = search_idf[search_cols]
        # the rarest grams each name shares with some other name (a gram of its own finds nothing);
        # frequent ones only while it has fewer than three
        shared = search_df[search_cols] > 1
        order = np.lexsort((-weights, ~shared, search_rows))
        starts = np.searchsorted(search_rows[order], search_rows[order])
        rank = np.arange(len(order)) - starts
        frequent = max(50, total // frequent_divisor)
        chosen = order[shared[order] & (rank < informative)
                       & ((rank < 3) | (search_df[search_cols[order]] <= frequent))]
        self.informative = sparse.csr_matrix(
            (np.ones(len(chosen), dtype=np.float32) * weights[chosen].astype(np.float32),
             (search_rows[chosen], search_cols[chosen])), shape=search_shape)
        self._postings = self.search.T.tocsr()  # gram -> names
        self.lengths = np.array([len(c) for c in self.canonicals], dtype=np.float32)
        ids: dict = {}
        self.qualifiers = np.array([_bits(n.qualifiers, ids) for n in self.names], dtype=np.int64)
        ids = {}
        self.populations = np.array([_bits(n.populations, ids) for n in self.names], dtype=np.int64)
        ids = {}
        self.actions = np.array([_bits(n.actions, ids) for n in self.names], dtype=np.int64)
        self.quoted = np.array([bool(n.quoted) for n in self.names], dtype=bool)
        self.tail = np.array([[ord(ch) for ch in c[-5:].rjust(5, "\0")] for c in self.canonicals],
                             dtype=np.int32).reshape(-1, 5)

    def idf_similarity(self, a: str, b: str) -> float:
        """Cosine of the IDF-weighted bigram sets of two canonical names."""
        ga, gb = set(_bigrams(a)), set(_bigrams(b))
        if not ga or not gb:
            return 1.0 if a == b and a else 0.0

        def weight(gram: str) -> float:
            index = self.vocabulary.get(gram)
            return float(self.idf[index]) if index is not None else 1.0

        shared = sum(weight(g) ** 2 for g in ga & gb)
        na = math.sqrt(sum(weight(g) ** 2 for g in ga))
        nb = math.sqrt(sum(weight(g) ** 2 for g in gb))
        return shared / (na * nb) if na and nb else 0.0

    def shortlist(self, rows: Sequence[int], size: int, *, wide: int | None = None) -> np.ndarray:
        """For each row, the names most similar to it by IDF-weighted bigrams: an array of ``size + 1``
        columns, the row itself first, -1 where there are fewer.

        Two stages: the names sharing the row's informative (rare) bigrams, the ``wide`` best of them by
        the weight of those bigrams; then the ``size`` best of those by the cosine of the full vectors.
        """
        wide = wide or self.wide
        result = np.full((len(rows), size + 1), -1, dtype=np.int64)
        if not self.names or not len(rows):
            return result
        product = (self.informative[list(rows)] @ self._postings).tocsr()
        first = np.full((len(rows), wide), -1, dtype=np.int64)
        for offset, row in enumerate(rows):
            start, end = product.indptr[offset], product.indptr[offset + 1]
            indices = product.indices[start:end]
            data = product.data[start:end]
            keep = indices != row
            indices, data = indices[keep], data[keep]
            if len(indices) > wide:
                top = np.argpartition(-data, wide)[:wide]
                indices = indices[top]
            first[offset, : len(indices)] = indices
        valid = first >= 0
        query_rows = np.repeat(np.asarray(rows, dtype=np.int64)[:, None], wide, axis=1)[valid]
        cosine = np.full(first.shape, -1.0)
        cosine[valid] = np.asarray(self.search[query_rows].multiply(self.search[first[valid]]).sum(axis=1)).ravel()
        order = np.lexsort((first, -cosine), axis=1)[:, :size]
        chosen = np.take_along_axis(first, order, axis=1)
        chosen[np.take_along_axis(cosine, order, axis=1) < 0] = -1
        result[:, 0] = rows
        result[:, 1: 1 + chosen.shape[1]] = chosen
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
    query: RegionalIndicator, q: Normalized, candidate: RegionalIndicator, c: Normalized, index: NameIndex,
    lexicon: Lexicon | None = None,
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
        lexicon = lexicon or _shipped_lexicon()
        terms = sorted({f"{t}≈{k}" for t, k in (*lexicon.rewrites(q.core), *lexicon.rewrites(c.core))})[:2]
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


def name_neighbours(index: NameIndex, rows: Sequence[int], *, shortlist: int = 24, keep: int = 12,
                    workers: int = 1, candidates: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best names for each of ``rows``: (rows, scores, factors) arrays of ``keep`` columns, best first,
    -1 rows where there are fewer. The string and IDF parts and the contrast terms are computed for all
    shortlisted pairs at once (rapidfuzz cpdist, sparse products, bit masks); only the few pairs that
    end alike go through the subject test one by one."""
    count = len(rows)
    out_rows = np.full((count, keep), -1, dtype=np.int32)
    out_scores = np.zeros((count, keep), dtype=np.float32)
    out_factors = np.ones((count, keep), dtype=np.float32)
    if not count:
        return out_rows, out_scores, out_factors
    if candidates is None:
        candidates = index.shortlist(rows, shortlist)
    queries = np.repeat(np.asarray(rows, dtype=np.int64)[:, None], candidates.shape[1], axis=1)
    valid = candidates >= 0
    q_flat, c_flat = queries[valid], candidates[valid]
    texts = index.canonicals
    q_texts = [texts[i] for i in q_flat]
    c_texts = [texts[i] for i in c_flat]
    ratio = process.cpdist(q_texts, c_texts, scorer=fuzz.ratio, workers=workers) / 100
    lq, lc = index.lengths[q_flat], index.lengths[c_flat]
    coverage = np.minimum(lq, lc) / np.maximum(np.maximum(lq, lc), 1)
    string = ratio
    # containment only pays where one name is clearly shorter (partial ≤ 1, so it cannot beat ratio
    # otherwise: 0.97 × (0.55 + 0.45 × coverage) must exceed the ratio)
    worth = (0.97 * (0.55 + 0.45 * coverage)) > ratio
    if worth.any():
        picked = np.nonzero(worth)[0]
        partial = process.cpdist([q_texts[i] for i in picked], [c_texts[i] for i in picked],
                                 scorer=fuzz.partial_ratio, workers=workers) / 100
        string = ratio.copy()
        string[picked] = np.maximum(ratio[picked], partial * (0.55 + 0.45 * coverage[picked]) * 0.97)
    string[q_flat == c_flat] = 1.0
    idf = np.asarray(index.matrix[q_flat].multiply(index.matrix[c_flat]).sum(axis=1)).ravel()
    base = np.full(candidates.shape, -np.inf, dtype=np.float64)
    base[valid] = W_STRING * string + W_IDF * idf
    # the leading pairs by base score get the contrast terms
    width = min(keep + 6, base.shape[1])
    lead = np.argpartition(-base, width - 1, axis=1)[:, :width] if base.shape[1] > width else \
        np.tile(np.arange(base.shape[1]), (count, 1))
    lead_base = np.take_along_axis(base, lead, axis=1)
    lead_q = np.take_along_axis(queries, lead, axis=1)
    lead_c = np.take_along_axis(candidates, lead, axis=1)
    ok = (lead_c >= 0) & np.isfinite(lead_base) & (lead_base >= MIN_SCORE * 0.5)
    qc, cc = np.where(ok, lead_q, 0), np.where(ok, lead_c, 0)
    differing = np.bitwise_count(index.qualifiers[qc] ^ index.qualifiers[cc])
    factor = np.power(QUALIFIER, np.minimum(differing, 2)).astype(np.float64)
    acts_q, acts_c = index.actions[qc], index.actions[cc]
    factor[(acts_q != 0) & (acts_c != 0) & ((acts_q & acts_c) == 0)] *= ACTION
    penalty = np.where((index.populations[qc] ^ index.populations[cc]) != 0, POPULATION, 0.0)
    # shared ending length (0..5) of each pair, to find "same measure" pairs without a Python loop
    same = index.tail[qc] == index.tail[cc]
    ending = np.cumprod(same[..., ::-1], axis=-1).sum(axis=-1)
    room = (index.lengths[qc] - ending >= 3) & (index.lengths[cc] - ending >= 3)
    names = index.names
    for i, j in zip(*np.nonzero(ok & (qc != cc) & (((ending >= 2) & (ending <= 4) & room) | index.quoted[qc]
                                                      | index.quoted[cc])), strict=True):
        q, c = names[qc[i, j]], names[cc[i, j]]
        if 2 <= ending[i, j] <= 4 and _different_subjects(q.canonical, c.canonical):
            factor[i, j] *= SUBJECT
        if (q.quoted or c.quoted) and (
            [t for t in q.quoted if t not in c.core] + [t for t in c.quoted if t not in q.core]
        ):
            factor[i, j] *= QUOTED
    score = np.maximum(0.0, lead_base + penalty) * factor
    score[~ok | ((factor < 1.0) & (score < MIN_CONTRASTED - 0.1))] = -1.0
    best = np.lexsort((np.where(lead_c >= 0, lead_c, np.iinfo(np.int64).max), -score), axis=1)[:, :keep]
    best_scores = np.take_along_axis(score, best, axis=1)
    found = best_scores >= 0
    out_rows[:, : best.shape[1]] = np.where(found, np.take_along_axis(lead_c, best, axis=1), -1)
    out_scores[:, : best.shape[1]] = np.where(found, best_scores, 0.0)
    out_factors[:, : best.shape[1]] = np.where(found, np.take_along_axis(factor, best, axis=1), 1.0)
    return out_rows, out_scores, out_factors


_PER_NAME = 60  # regional indicators considered per candidate name (same level 2 first)
_KEEP = 12  # neighbour names kept per name


class Matcher:
    """Suggestions for regional indicators, from other regions only, learning from decisions.

    Regional indicators are kept in compact columns (ids, region codes, name rows, levels) so that a
    workspace of a million of them fits; their target kind and sources are loaded only for the
    indicators a suggestion shows, through ``details``.
    """

    def __init__(
        self,
        indicators: Iterable[RegionalIndicator] | Iterable[tuple],
        lexicon: Lexicon | None = None,
        decisions: Decisions | None = None,
        *,
        shortlist: int | None = None,
        details: Callable[[list[int]], dict[int, tuple[str | None, tuple[str, ...]]]] | None = None,
    ) -> None:
        self.lexicon = lexicon or Lexicon.shipped()
        self.decisions = decisions or Decisions()
        self._details_loader = details
        self._details: dict[int, tuple[str | None, tuple[str, ...]]] = {}
        ids: list[int] = []
        region_codes: list[int] = []
        self.regions: list[str] = []
        region_index: dict[str, int] = {}
        self._names: list[str] = []
        self._level1: list[str | None] = []
        self._level2: list[str | None] = []
        interned: dict[str, str] = {}
        levels: dict[str | None, str | None] = {None: None}
        names_append, level1_append, level2_append = self._names.append, self._level1.append, self._level2.append
        intern_name, intern_level = interned.setdefault, levels.setdefault
        for item in indicators:
            if isinstance(item, RegionalIndicator):
                self._details[item.id] = (item.target_kind, item.sources)
                item = (item.id, item.region, item.name, item.level1, item.level2)
            ri_id, region, name, level1, level2 = item[:5]
            code = region_index.get(region)
            if code is None:
                code = region_index[region] = len(self.regions)
                self.regions.append(region)
            ids.append(ri_id)
            region_codes.append(code)
            names_append(intern_name(name, name))
            level1_append(intern_level(level1, level1))
            level2_append(intern_level(level2, level2))
        self._ids = np.array(ids, dtype=np.int64)
        self._region = np.array(region_codes, dtype=np.int32)
        self._position = np.full(int(self._ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
        self._position[self._ids] = np.arange(len(ids))
        level2_codes: dict[str | None, int] = {}
        self._level2_code = np.array([level2_codes.setdefault(l2, len(level2_codes)) for l2 in self._level2],
                                     dtype=np.int32)
        # a region's own name at the start of an indicator is scope, not meaning ("广州医保AI…" in 广州市)
        prefixes = [tuple(region_prefixes(region)) for region in self.regions]
        self._match_names: list[str] = []
        match_append = self._match_names.append
        for name, code in zip(self._names, region_codes, strict=True):
            own = prefixes[code]
            if own and name.startswith(own):
                for prefix in own:
                    if name.startswith(prefix) and len(name) - len(prefix) >= 4:
                        name = intern_name(name[len(prefix):], name[len(prefix):])
                        break
            match_append(name)
        normalized = normalize_all(list(dict.fromkeys(self._match_names)), self.lexicon)
        distinct: dict[str, Normalized] = {}
        for n in normalized.values():
            distinct.setdefault(n.canonical, n)
        self.index = NameIndex(list(distinct.values()))
        self.shortlist_size = shortlist or (24 if len(self.index.names) > _LARGE else 60)
        row_of_name = {name: self.index.position[n.canonical] for name, n in normalized.items()}
        self._row = np.array([row_of_name[name] for name in self._match_names], dtype=np.int32)
        self._normal_of_name = normalized
        # regional indicators grouped by name row, each group ordered by region then id
        self._order = np.lexsort((self._ids, self._region, self._row))
        self._row_start = np.searchsorted(self._row[self._order], np.arange(len(self.index.names) + 1))
        size = len(self.index.names)
        self._nb_rows = np.full((size, _KEEP), -1, dtype=np.int32)
        self._nb_scores = np.zeros((size, _KEEP), dtype=np.float32)
        self._nb_factors = np.ones((size, _KEEP), dtype=np.float32)
        self._nb_done = np.zeros(size, dtype=bool)
        self._members: dict[int, list[int]] | None = None
        self._objects: dict[int, RegionalIndicator] = {}

    # -- regional indicators -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> list[int]:
        return [int(i) for i in np.sort(self._ids)]

    def __contains__(self, ri_id: object) -> bool:
        return isinstance(ri_id, int) and 0 <= ri_id < len(self._position) and self._position[ri_id] >= 0

    def _pos(self, ri_id: int) -> int:
        if ri_id not in self:
            raise KeyError(ri_id)
        return int(self._position[ri_id])

    def _load_details(self, ri_ids: Iterable[int]) -> None:
        missing = [i for i in ri_ids if i not in self._details]
        if missing and self._details_loader is not None:
            self._details.update(self._details_loader(missing))
        for i in missing:
            self._details.setdefault(i, (None, ()))

    def indicator(self, ri_id: int) -> RegionalIndicator:
        found = self._objects.get(ri_id)
        if found is None:
            pos = self._pos(ri_id)
            self._load_details([ri_id])
            kind, sources = self._details[ri_id]
            found = RegionalIndicator(ri_id, self.regions[self._region[pos]], self._names[pos], self._level1[pos],
                                      self._level2[pos], kind, sources)
            self._objects[ri_id] = found
        return found

    def normal(self, ri_id: int) -> Normalized:
        return self._normal_of_name[self._match_names[self._pos(ri_id)]]

    def set_decisions(self, decisions: Decisions) -> None:
        self.decisions = decisions
        self._members = None

    def row_of(self, ri_id: int) -> int:
        return int(self._row[self._pos(ri_id)])

    # -- names -------------------------------------------------------------------------------------

    def neighbours(self, row: int) -> list[Neighbour]:
        """The best names for one name (computed once, then kept)."""
        if not self._nb_done[row]:
            self._store([row], name_neighbours(self.index, [row], shortlist=self.shortlist_size, keep=_KEEP))
        return [Neighbour(int(r), float(s), float(f)) for r, s, f in
                zip(self._nb_rows[row], self._nb_scores[row], self._nb_factors[row], strict=True) if r >= 0]

    def _store(self, rows: list[int], found: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        self._nb_rows[rows], self._nb_scores[rows], self._nb_factors[rows] = found
        self._nb_done[rows] = True

    def precompute(self, chunk: int = 2000, workers: int = -1,
                   progress: Callable[[int, int], None] | None = None) -> None:
        """Neighbour names for every distinct name, in vectorised chunks (rapidfuzz spreads the string
        scoring over ``workers`` threads; -1 is every core)."""
        rows = [int(r) for r in np.nonzero(~self._nb_done)[0]]
        for start in range(0, len(rows), chunk):
            part = rows[start: start + chunk]
            self._store(part, name_neighbours(self.index, part, shortlist=self.shortlist_size, keep=_KEEP,
                                              workers=workers))
            if progress:
                progress(min(start + chunk, len(rows)), len(rows))

    def neighbours_complete(self) -> bool:
        return bool(self._nb_done.all())

    def dump_neighbours(self) -> bytes:
        """The name-level suggestions as bytes (rows, scores, factors of every name)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, rows=self._nb_rows, scores=self._nb_scores, factors=self._nb_factors,
                            done=self._nb_done)
        return buffer.getvalue()

    def load_neighbours(self, data: bytes) -> None:
        with np.load(io.BytesIO(data)) as stored:
            if stored["rows"].shape != self._nb_rows.shape:
                return
            self._nb_rows, self._nb_scores = stored["rows"], stored["scores"]
            self._nb_factors, self._nb_done = stored["factors"], stored["done"]

    def top_names(self, row: int, top: int = 10) -> list[tuple[str, float]]:
        """Name-level suggestions: the best canonical names for one name, with their scores."""
        return [(self.index.canonicals[n.row], n.score) for n in self.neighbours(row) if n.row != row][:top]

    def _members_of(self) -> dict[int, list[int]]:
        if self._members is None:
            self._members = self.decisions.members()
        return self._members

    def _positions(self, row: int, region: int, level2: int) -> np.ndarray:
        """Regional indicators carrying a name, other regions only, same level 2 first, at most _PER_NAME."""
        group = self._order[self._row_start[row]: self._row_start[row + 1]]
        group = group[self._region[group] != region]
        if len(group) > _PER_NAME:
            same = group[self._level2_code[group] == level2]
            group = np.concatenate((same, group[self._level2_code[group] != level2]))[:_PER_NAME]
        return group

    def _level_bonus(self, query_pos: int, pos: int) -> float:
        l2q, l2c = self._level2[query_pos], self._level2[pos]
        if l2q and l2q == l2c:
            return SAME_LEVEL2
        l1q, l1c = self._level1[query_pos], self._level1[pos]
        if l1q and l1q == l1c:
            return SAME_LEVEL1
        if l1q in PROJECT_LEVEL1 and l1c in PROJECT_LEVEL1:
            return OTHER_LEVEL1
        return 0.0

    def candidates(self, ri_id: int, top: int = 10, *, explain: bool = True) -> list[Candidate]:
        """The best ``top`` counterparts of a regional indicator in other regions, best first."""
        query_pos = self._pos(ri_id)
        region = int(self._region[query_pos])
        level2 = int(self._level2_code[query_pos])
        q = self._normal_of_name[self._match_names[query_pos]]
        concept = self.decisions.concept_of.get(ri_id)
        members = self._members_of()
        pool: dict[int, tuple[float, Normalized, str | None, int, float]] = {}
        sources: list[tuple[Normalized, str | None]] = [(q, None)]
        if concept is not None:
            concept_name = self.decisions.concept_names.get(concept)
            seen = {q.canonical}
            for member in members.get(concept, []):
                if member in self:
                    n = self.normal(member)
                    if n.canonical not in seen:
                        seen.add(n.canonical)
                        sources.append((n, concept_name or n.name))
        for source, via in sources:
            for neighbour in self.neighbours(self.index.position[source.canonical]):
                for pos in self._positions(neighbour.row, region, level2):
                    candidate_id = int(self._ids[pos])
                    if candidate_id == ri_id:
                        continue
                    name_part = neighbour.score + self._level_bonus(query_pos, int(pos)) * neighbour.factor
                    if via is not None:
                        name_part -= ALIAS_DISCOUNT
                    self._offer(pool, ri_id, region, concept, candidate_id, name_part, source, via, candidate_id,
                                neighbour.factor)
                    other = self.decisions.concept_of.get(candidate_id)
                    if other is not None and other != concept:
                        alias_via = self.decisions.concept_names.get(other) or self._names[pos]
                        for member in members.get(other, []):
                            if member != candidate_id:
                                self._offer(pool, ri_id, region, concept, member, name_part - ALIAS_DISCOUNT,
                                            source, alias_via, candidate_id, neighbour.factor)
        # the target kind moves a score by at most a few hundredths: settle it for the leading candidates
        leading = sorted(pool.items(), key=lambda item: -item[1][0])[: top + 20]
        self._load_details([ri_id, *(cid for cid, _ in leading), *(entry[3] for _, entry in leading)])
        query = self.indicator(ri_id)
        final = []
        for candidate_id, (partial, source, via, matched, factor) in leading:
            matched_ri = self.indicator(matched)
            kind_bonus = 0.0
            kq, kc = _kind(query, q), _kind(matched_ri, self.normal(matched))
            if kq and kq == kc:
                kind_bonus = SAME_KIND
            elif kq and kc and frozenset((kq, kc)) in _KIND_CONFLICTS:
                kind_bonus = OTHER_KIND
            score = combine(partial, factor, kind_bonus * factor)
            if score >= MIN_SCORE:
                final.append((candidate_id, score, source, via, matched))
        final.sort(key=lambda item: (-item[1], self.indicator(item[0]).region, self.indicator(item[0]).name))
        result = []
        for candidate_id, score, source, via, matched in final[:top]:
            parts: tuple[Part, ...] = ()
            if explain:
                # explained by the pair that gave the score: the query (or its alias) and the name matched
                _score, found = pair_parts(query, source, self.indicator(matched), self.normal(matched), self.index,
                                           self.lexicon)
                parts = tuple(found)
                if via is not None:
                    parts = (*parts, Part("alias", -ALIAS_DISCOUNT))
            result.append(Candidate(self.indicator(candidate_id), round(score, 4), parts, via))
        return result

    def _offer(self, pool: dict, ri_id: int, region: int, concept: int | None, candidate_id: int, score: float,
               source: Normalized, via: str | None, matched: int, factor: float) -> None:
        if candidate_id == ri_id or candidate_id not in self:
            return
        if self._region[self._position[candidate_id]] == region:
            return
        if concept is not None and self.decisions.concept_of.get(candidate_id) == concept:
            return  # already mapped together
        if self.decisions.is_rejected(ri_id, candidate_id):
            return
        best = pool.get(candidate_id)
        if best is None or score > best[0]:
            pool[candidate_id] = (score, source, via, matched, factor)


def brute_force_names(index: NameIndex, row: int, top: int = 10) -> list[int]:
    """Reference for the benchmark: one name scored against every name (no shortlist), best first."""
    everything = np.arange(len(index.names), dtype=np.int64)[None, :]
    found, _scores, _factors = name_neighbours(index, [row], keep=top + 1, candidates=everything, workers=-1)
    return [int(r) for r in found[0] if r >= 0 and r != row][:top]


def brute_force_top(matcher: Matcher, ri_id: int, top: int = 10) -> list[int]:
    """Reference ranking for the benchmark: the query scored against every regional indicator."""
    query = matcher.indicator(ri_id)
    q = matcher.normal(ri_id)
    scored = []
    for candidate_id in matcher.ids():
        candidate = matcher.indicator(candidate_id)
        if candidate.region == query.region:
            continue
        score, _parts = pair_parts(query, q, candidate, matcher.normal(candidate_id), matcher.index)
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
    "brute_force_names",
    "brute_force_top",
    "name_neighbours",
    "normalize",
    "string_similarity",
]
