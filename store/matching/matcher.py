"""The matcher: regional indicators in compact columns, the best names of every distinct name (computed
once, kept, stored), and one regional indicator's candidates on demand: its neighbour names expanded to
the regional indicators of other regions that carry them, with the level, target-kind, alias and learned
parts, each candidate tiered likely or possible."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable

import numpy as np

from store.levels import PROJECT_LEVEL1
from store.lexicon import Lexicon
from store.matching.index import NameIndex
from store.matching.normalize import Normalized, normalize_all, region_prefixes
from store.matching.score import (
    ALIAS_DISCOUNT,
    LEARNED_CONTRAST,
    OTHER_LEVEL1,
    SAME_KIND,
    SAME_LEVEL1,
    SAME_LEVEL2,
    combine,
    kind_bonus,
    kind_of,
    name_neighbours,
    pair_parts,
    score_names,
    tier,
)
from store.matching.types import Candidate, Decisions, Learned, Part, RegionalIndicator
from store.words import rewrite

PER_NAME = 60  # regional indicators considered per candidate name (same level 2 first)


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
        keep: int | None = None,
        details: Callable[[list[int]], dict[int, tuple[str | None, tuple[str, ...]]]] | None = None,
    ) -> None:
        self.lexicon = lexicon or Lexicon.shipped()
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
        level1_codes: dict[str | None, int] = {}
        level2_codes: dict[str | None, int] = {}
        self._level1_code = np.array([level1_codes.setdefault(l1, len(level1_codes)) for l1 in self._level1],
                                     dtype=np.int32)
        self._level2_code = np.array([level2_codes.setdefault(l2, len(level2_codes)) for l2 in self._level2],
                                     dtype=np.int32)
        self._level2_known = np.array([l2 is not None for l2 in level2_codes], dtype=bool)
        self._level1_known = np.array([l1 is not None for l1 in level1_codes], dtype=bool)
        self._level1_project = np.array([l1 in PROJECT_LEVEL1 for l1 in level1_codes], dtype=bool)
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
        self.index = NameIndex(list(distinct.values()), self.lexicon)
        large = self.index.large
        self.shortlist_size = shortlist or (30 if large else 60)
        self.keep = keep or (30 if large else 50)
        row_of_name = {name: self.index.position[n.canonical] for name, n in normalized.items()}
        self._row = np.array([row_of_name[name] for name in self._match_names], dtype=np.int32)
        self._normal_of_name = normalized
        # regional indicators grouped by name row, each group ordered by region then id
        self._order = np.lexsort((self._ids, self._region, self._row))
        self._row_start = np.searchsorted(self._row[self._order], np.arange(len(self.index.names) + 1))
        size = len(self.index.names)
        self._nb_rows = np.full((size, self.keep), -1, dtype=np.int32)
        self._nb_scores = np.zeros((size, self.keep), dtype=np.float32)
        self._nb_contrasted = np.zeros((size, self.keep), dtype=bool)
        self._nb_done = np.zeros(size, dtype=bool)
        self._objects: dict[int, RegionalIndicator] = {}
        self._joined: str | None = None
        self._line_starts = np.zeros(0, dtype=np.int64)
        self._learned_cache: dict[int, tuple] = {}
        self.set_decisions(decisions or Decisions())

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

    def row_of(self, ri_id: int) -> int:
        return int(self._row[self._pos(ri_id)])

    def ids_with_terms(self, terms: Iterable[str]) -> list[int]:
        """Regional indicators whose canonical name holds one of ``terms`` (what a learned term changes)."""
        pattern = _pattern(dict.fromkeys(terms))
        if pattern is None:
            return []
        if self._joined is None:
            self._joined = "\n".join(self.index.canonicals)
            self._line_starts = np.cumsum([0] + [len(c) + 1 for c in self.index.canonicals[:-1]])
        found = {m.start() for m in pattern.finditer(self._joined)}
        rows = np.unique(np.searchsorted(self._line_starts, np.fromiter(found, dtype=np.int64), side="right") - 1)
        if not len(rows):
            return []
        positions = np.concatenate([self._order[self._row_start[r]: self._row_start[r + 1]] for r in rows])
        return sorted(int(i) for i in self._ids[positions])

    # -- decisions ---------------------------------------------------------------------------------

    def set_decisions(self, decisions: Decisions) -> None:
        """Learn from the reviewers' decisions: concepts, rejected pairs and learned terms."""
        self.decisions = decisions
        self._members = decisions.members()
        self._concept = np.full(len(self._ids), -1, dtype=np.int64)
        for ri_id, concept in decisions.concept_of.items():
            if ri_id in self:
                self._concept[self._position[ri_id]] = concept
        self._rejected: dict[int, set[int]] = {}
        for a, b in decisions.rejected:
            self._rejected.setdefault(a, set()).add(b)
            self._rejected.setdefault(b, set()).add(a)
        synonyms: dict[str, tuple[str, Learned]] = {}
        contrasts: list[Learned] = []
        for learned in decisions.learned:
            if learned.kind == "synonym":
                synonyms.setdefault(learned.term, (learned.other, learned))
                synonyms.setdefault(learned.other, (learned.term, learned))
            elif learned.kind == "immaterial":
                synonyms.setdefault(learned.term, ("", learned))  # dropped where it stands as a word
            else:
                contrasts.append(learned)
        if {term: (other, item.event_id) for term, (other, item) in synonyms.items()} != {
                term: (other, item.event_id) for term, (other, item) in getattr(self, "_learned_synonyms", {}).items()}:
            self._learned_cache = {}  # a name's neighbours under the learned synonyms: kept until they change
        self._learned_synonyms = synonyms
        self._synonym_pattern = _pattern(synonyms)
        self._learned_contrasts = contrasts
        self._contrast_pattern = _pattern({t: t for c in contrasts for t in (c.term, c.other) if t})

    # -- names -------------------------------------------------------------------------------------

    def neighbours(self, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best names for one name, their name-level scores and whether a contrast marks them (computed
        once, then kept)."""
        if not self._nb_done[row]:
            self._store([row], name_neighbours(self.index, [row], shortlist=self.shortlist_size, keep=self.keep))
        rows = self._nb_rows[row]
        found = rows >= 0
        return rows[found], self._nb_scores[row][found], self._nb_contrasted[row][found]

    def _store(self, rows: list[int], found: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        self._nb_rows[rows], self._nb_scores[rows], self._nb_contrasted[rows] = found
        self._nb_done[rows] = True

    def precompute(self, chunk: int = 2000, workers: int = -1,
                   progress: Callable[[int, int], None] | None = None) -> None:
        """Neighbour names for every distinct name, in vectorised chunks (rapidfuzz spreads the string
        scoring over ``workers`` threads; -1 is every core)."""
        rows = [int(r) for r in np.nonzero(~self._nb_done)[0]]
        for start in range(0, len(rows), chunk):
            part = rows[start: start + chunk]
            self._store(part, name_neighbours(self.index, part, shortlist=self.shortlist_size, keep=self.keep,
                                              workers=workers))
            if progress:
                progress(min(start + chunk, len(rows)), len(rows))

    def neighbours_complete(self) -> bool:
        return bool(self._nb_done.all())

    def dump_neighbours(self) -> bytes:
        """The name-level suggestions as bytes (rows and scores of every name)."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, rows=self._nb_rows, scores=self._nb_scores, contrasted=self._nb_contrasted,
                            done=self._nb_done)
        return buffer.getvalue()

    def load_neighbours(self, data: bytes) -> bool:
        """Take stored name-level suggestions; False when they do not fit this index."""
        with np.load(io.BytesIO(data)) as stored:
            if "contrasted" not in stored or stored["rows"].shape != self._nb_rows.shape:
                return False
            self._nb_rows, self._nb_scores = stored["rows"], stored["scores"]
            self._nb_contrasted, self._nb_done = stored["contrasted"], stored["done"]
        self._learned_cache = {}
        return True

    def top_names(self, row: int, top: int = 10) -> list[tuple[str, float]]:
        """Name-level suggestions: the best canonical names for one name, with their scores."""
        rows, scores, _contrasted = self.neighbours(row)
        return [(self.index.canonicals[r], float(s)) for r, s in zip(rows, scores, strict=True) if r != row][:top]

    # -- candidates --------------------------------------------------------------------------------

    def _learned_names(self, row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                 dict[int, tuple[float, list[Learned]]]]:
        """A name's neighbours once learned synonyms rewrite it: the names (also those only the rewritten
        name finds), their scores, whether a contrast marks them and, for each name a learned term raised,
        the gain and the terms."""
        rows, scores, contrasted = self.neighbours(row)
        if self._synonym_pattern is None:
            return rows, scores, contrasted, {}
        found = self._learned_cache.get(row)
        if found is None:
            found = self._learned_cache[row] = self._relearned(row, rows, scores, contrasted)
        return found

    def _relearned(self, row: int, rows: np.ndarray, scores: np.ndarray, contrasted: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, tuple[float, list[Learned]]]]:
        text = self.index.canonicals[row]
        mapping = {term: other for term, (other, _learned) in self._learned_synonyms.items()}
        rewritten, made = rewrite(text, mapping, self._synonym_pattern)
        if not made or not rewritten:
            return rows, scores, contrasted, {}
        extra = self.index.shortlist_text(rewritten, self.shortlist_size)
        exact = self.index.position.get(rewritten)
        known = set(rows.tolist())
        added = [int(r) for r in ([exact] if exact is not None else []) + extra.tolist() if int(r) not in known]
        added = list(dict.fromkeys(added))
        all_rows = np.concatenate((rows.astype(np.int64), np.array(added, dtype=np.int64)))
        queries = np.full(len(all_rows), row, dtype=np.int64)
        added_scores, added_contrasted = score_names(self.index, queries[len(rows):], all_rows[len(rows):])
        old = np.concatenate((scores.astype(np.float64), added_scores))
        new, _ = score_names(self.index, queries, all_rows, q_text=rewritten)
        used = [self._learned_synonyms[term][1] for term, _other in made]
        gains = {int(r): (float(n - o), used) for r, o, n in zip(all_rows, old, new, strict=True) if n - o > 0.005}
        return all_rows, np.maximum(old, new), np.concatenate((contrasted, added_contrasted)), gains

    def _learned_contrast(self, query_text: str, text: str) -> Learned | None:
        """The learned contrast a pair of canonical names shows, if any."""
        pattern = self._contrast_pattern
        if pattern is None:
            return None
        in_query = set(pattern.findall(query_text))
        in_text = set(pattern.findall(text))
        if in_query == in_text:
            return None
        for learned in self._learned_contrasts:
            if learned.kind == "qualifier":
                if (learned.term in in_query) != (learned.term in in_text):
                    return learned
            elif ((learned.term in in_query and learned.other in in_text and learned.other not in in_query
                   and learned.term not in in_text)
                  or (learned.other in in_query and learned.term in in_text and learned.term not in in_query
                      and learned.other not in in_text)):
                return learned
        return None

    def _expand(self, rows: np.ndarray, level2: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the regional indicators carrying each name row (at most PER_NAME per name, same
        level 2 first) and, for each position, the index of its row in ``rows``."""
        starts = self._row_start[rows]
        lengths = self._row_start[rows + 1] - starts
        capped = np.minimum(lengths, PER_NAME)
        total = int(capped.sum())
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(capped)[:-1])), capped) + np.arange(total)
        positions = self._order[offsets]
        which = np.repeat(np.arange(len(rows)), capped)
        for i in np.nonzero(lengths > PER_NAME)[0]:
            group = self._order[starts[i]: starts[i] + lengths[i]]
            same = group[self._level2_code[group] == level2]
            chosen = np.concatenate((same, group[self._level2_code[group] != level2]))[:PER_NAME]
            positions[which == i] = chosen
        return positions, which

    def _level_bonus(self, query_pos: int, positions: np.ndarray) -> np.ndarray:
        l2q, l1q = self._level2_code[query_pos], self._level1_code[query_pos]
        l2c, l1c = self._level2_code[positions], self._level1_code[positions]
        bonus = np.zeros(len(positions))
        same2 = (l2c == l2q) & self._level2_known[l2q]
        same1 = ~same2 & (l1c == l1q) & self._level1_known[l1q]
        other1 = ~same2 & ~same1 & self._level1_project[l1q] & self._level1_project[l1c]
        bonus[same2] = SAME_LEVEL2
        bonus[same1] = SAME_LEVEL1
        bonus[other1] = OTHER_LEVEL1
        return bonus

    def candidates(self, ri_id: int, top: int = 10, *, explain: bool = True) -> list[Candidate]:
        """The best ``top`` counterparts of a regional indicator in other regions, best first, each tiered."""
        query_pos = self._pos(ri_id)
        region = int(self._region[query_pos])
        level2 = int(self._level2_code[query_pos])
        q = self._normal_of_name[self._match_names[query_pos]]
        concept = self.decisions.concept_of.get(ri_id)
        sources: list[tuple[int, str | None]] = [(int(self._row[query_pos]), None)]
        if concept is not None:
            concept_name = self.decisions.concept_names.get(concept)
            seen = {sources[0][0]}
            for member in self._members.get(concept, []):
                if member in self:
                    member_row = self.row_of(member)
                    if member_row not in seen:
                        seen.add(member_row)
                        sources.append((member_row, concept_name or self._names[self._pos(member)]))
        # every (candidate position, name score, source) offered, best name score per candidate kept
        offered_pos: list[np.ndarray] = []
        offered_score: list[np.ndarray] = []
        offered_source: list[np.ndarray] = []
        offered_contrasted: list[np.ndarray] = []
        gains_of: list[dict[int, tuple[float, list[Learned]]]] = []
        for source_index, (row, via) in enumerate(sources):
            rows, scores, contrasted, gains = self._learned_names(row)
            gains_of.append(gains)
            if not len(rows):
                continue
            positions, which = self._expand(rows.astype(np.int64), level2)
            name_part = scores[which].astype(np.float64) + self._level_bonus(query_pos, positions)
            if via is not None:
                name_part -= ALIAS_DISCOUNT
            offered_pos.append(positions)
            offered_score.append(name_part)
            offered_source.append(np.full(len(positions), source_index))
            offered_contrasted.append(contrasted[which])
        if not offered_pos:
            return []
        positions = np.concatenate(offered_pos)
        partial = np.concatenate(offered_score)
        source_of = np.concatenate(offered_source)
        marked = np.concatenate(offered_contrasted)
        keep = self._region[positions] != region
        if concept is not None:
            keep &= self._concept[positions] != concept
        rejected = self._rejected.get(ri_id)
        if rejected:
            keep &= ~np.isin(self._ids[positions], np.fromiter(rejected, dtype=np.int64))
        order = np.nonzero(keep)[0]
        order = order[np.argsort(-partial[order], kind="stable")]
        _unique, first = np.unique(positions[order], return_index=True)
        order = order[np.sort(first)]
        positions, partial, source_of, marked = positions[order], partial[order], source_of[order], marked[order]
        # (partial score, candidate position, matched position, source index, via, contrasted)
        pool: dict[int, tuple[float, int, int, int, str | None, bool]] = {}
        for score, pos, source_index, flag in zip(partial[: top + 40].tolist(), positions[: top + 40].tolist(),
                                                  source_of[: top + 40].tolist(), marked[: top + 40].tolist(),
                                                  strict=True):
            pool.setdefault(pos, (score, pos, pos, source_index, sources[source_index][1], flag))
        # members of other concepts come with them, as aliases
        for pos in np.nonzero(self._concept[positions] >= 0)[0].tolist():
            other = int(self._concept[positions[pos]])
            if other == concept:
                continue
            alias_via = self.decisions.concept_names.get(other) or self._names[positions[pos]]
            for member in self._members.get(other, []):
                if member == ri_id or member not in self:
                    continue
                member_pos = int(self._position[member])
                if self._region[member_pos] == region or (rejected and member in rejected):
                    continue
                score = float(partial[pos]) - ALIAS_DISCOUNT
                if member_pos not in pool or pool[member_pos][0] < score:
                    pool[member_pos] = (score, member_pos, int(positions[pos]), int(source_of[pos]), alias_via,
                                        bool(marked[pos]))
        leading = sorted(pool.values(), key=lambda entry: -entry[0])[: top + 20]
        # the target kind moves a score by OTHER_KIND..SAME_KIND at most (not at all when the query's kind is
        # unknown): once the first ``top`` are scored, a candidate whose score plus the most the kind can add
        # stays below the top-th final score cannot enter, so its details (read from the workspace) are
        # never needed
        head, tail = leading[:top], leading[top:]
        self._load_details([ri_id, *(int(self._ids[entry[j]]) for entry in head for j in (1, 2))])
        query = self.indicator(ri_id)
        query_kind = kind_of(query, q)
        final = [self._final(entry, query_kind, sources) for entry in head]
        if tail:
            bar = min(item[0] for item in final)
            lift = SAME_KIND if query_kind else 0.0
            tail = [entry for entry in tail if combine(entry[0], lift) >= bar]
            self._load_details([int(self._ids[entry[j]]) for entry in tail for j in (1, 2)])
            final.extend(self._final(entry, query_kind, sources) for entry in tail)
        final.sort(key=lambda item: (-item[0], self.regions[self._region[self._position[item[1]]]],
                                     self._names[self._position[item[1]]]))
        result = []
        for total, candidate_id, matched_id, source_index, via, learned_contrast, contrasted in final[:top]:
            parts: tuple[Part, ...] = ()
            if explain:
                parts = self._explain(query, sources[source_index][0], matched_id, gains_of[source_index],
                                      learned_contrast, via)
            result.append(Candidate(self.indicator(candidate_id), round(total, 4), parts, via,
                                    tier(total, contrasted), contrasted))
        return result

    def _final(self, entry: tuple[float, int, int, int, str | None, bool], query_kind: str | None,
               sources: list[tuple[int, str | None]]) -> tuple[float, int, int, int, str | None, Learned | None, bool]:
        """A pooled candidate's final score, with its target kind and any learned contrast."""
        score, pos, matched, source_index, via, flag = entry
        matched_id = int(self._ids[matched])
        matched_normal = self._normal_of_name[self._match_names[matched]]
        kind = kind_bonus(query_kind, kind_of(self.indicator(matched_id), matched_normal))
        source_text = self.index.canonicals[sources[source_index][0]]
        learned_contrast = self._learned_contrast(source_text, matched_normal.canonical)
        total = combine(score, kind + (LEARNED_CONTRAST if learned_contrast else 0.0))
        return (total, int(self._ids[pos]), matched_id, source_index, via, learned_contrast,
                flag or learned_contrast is not None)

    def _explain(self, query: RegionalIndicator, source_row: int, matched_id: int,
                 gains: dict[int, tuple[float, list[Learned]]], learned_contrast: Learned | None,
                 via: str | None) -> tuple[Part, ...]:
        """The parts of a candidate's score, from the pair that gave it: the query (or its alias) and the
        name matched."""
        source = self.index.names[source_row]
        matched = self.indicator(matched_id)
        _score, found = pair_parts(query, source, matched, self.normal(matched_id), self.index, self.lexicon)
        gain = gains.get(self.row_of(matched_id))
        if gain is not None:
            for learned in gain[1][:1]:
                found.append(Part(f"{learned.label} ({learned.origin})", round(gain[0], 2), "learned"))
        if learned_contrast is not None:
            found.append(Part(f"{learned_contrast.label} ({learned_contrast.origin})", LEARNED_CONTRAST, "learned"))
        if via is not None:
            found.append(Part("alias", -ALIAS_DISCOUNT, "alias"))
        return tuple(found)


def _pattern(terms: dict[str, object]) -> re.Pattern[str] | None:
    ordered = sorted((t for t in terms if t), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None


