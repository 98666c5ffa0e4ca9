"""Map to…: a fuzzy, as-you-type search over every regional indicator and every concept of a workspace, for a
pair the matcher does not suggest. Names are read as the matcher reads them (their core: numbering, units,
punctuation and project scope split off) and scored with rapidfuzz; a character index narrows each query to
a few thousand names first, so that one keystroke stays well under 50 ms on a workspace of 100k indicators.
The index is built once per workspace (per set of documents) and cached."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from store import browse
from store.matching.normalize import core_of
from store.text import nfkc
from store.workspace import Workspace

SHORTLIST = 2000  # names scored with rapidfuzz per query, the ones sharing most characters with it
LIMIT = 30  # hits a query returns (a screenful)


@dataclass(frozen=True, slots=True)
class Hit:
    """One search hit: a regional indicator, or a concept (``concept`` set, ``members`` its members as
    "region · name"); ``indicator`` is the regional indicator a decision pairs with (for a concept, a member)."""

    score: float
    indicator: int
    region: str
    name: str
    level1: str | None
    level2: str | None
    targets: str = ""
    concept: int | None = None
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Query:
    """What the reviewer typed: the words, and the region an ``@广州`` narrows to (any region whose name
    contains it)."""

    text: str
    region: str | None

    @classmethod
    def parse(cls, typed: str) -> Query:
        words, region = [], None
        for word in typed.split():
            if word.startswith(("@", "＠")) and len(word) > 1:
                region = nfkc(word[1:])
            else:
                words.append(word)
        return cls(" ".join(words), region)


class SearchIndex:
    """Every regional indicator's core name, deduplicated, with a character index over the distinct cores."""

    def __init__(self, rows: list[tuple[int, str, str, str | None, str | None]]) -> None:
        self.ids = np.array([row[0] for row in rows], dtype=np.int64)
        self.rows = {row[0]: row for row in rows}
        self.regions = sorted({row[1] for row in rows})
        region_code = {region: code for code, region in enumerate(self.regions)}
        self.region_of = np.array([region_code[row[1]] for row in rows], dtype=np.int32)
        core_ids: dict[str, int] = {}
        entry_core = []
        cores_by_name: dict[str, str] = {}
        for row in rows:
            core = cores_by_name.get(row[2])
            if core is None:
                core = cores_by_name[row[2]] = core_of(row[2])[0] or nfkc(row[2])
            entry_core.append(core_ids.setdefault(core, len(core_ids)))
        self.cores = list(core_ids)
        self.entry_core = np.array(entry_core, dtype=np.int32)
        # the entries of each core, grouped: entries_of[start[c]:start[c + 1]]
        order = np.argsort(self.entry_core, kind="stable")
        self.entries_of = order.astype(np.int32)
        self.start = np.searchsorted(self.entry_core[order], np.arange(len(self.cores) + 1)).astype(np.int64)
        postings: dict[str, list[int]] = {}
        for core_id, core in enumerate(self.cores):
            for char in set(core):
                postings.setdefault(char, []).append(core_id)
        self.postings = {char: np.array(ids, dtype=np.int32) for char, ids in postings.items()}

    def regions_matching(self, part: str) -> set[int]:
        return {code for code, region in enumerate(self.regions) if part in region}

    def search(self, query: Query, *, exclude_region: str | None = None, limit: int = LIMIT
               ) -> list[tuple[float, int]]:
        """(score 0–1, regional indicator id) of the best hits, best first."""
        allowed = None if query.region is None else self.regions_matching(query.region)
        if allowed is not None and not allowed:
            return []
        excluded = self.regions.index(exclude_region) if exclude_region in self.regions else -1
        text = core_of(query.text)[0] or "".join(nfkc(query.text).split())
        if not text:
            if allowed is None:
                return []
            mask = np.isin(self.region_of, list(allowed)) & (self.region_of != excluded)
            found = np.flatnonzero(mask)[:limit]
            return [(0.0, int(self.ids[i])) for i in found]
        within = None
        if allowed is not None or excluded >= 0:  # only names some indicator of the wanted regions has
            wanted = self.region_of != excluded
            if allowed is not None:
                wanted &= np.isin(self.region_of, np.array(sorted(allowed), dtype=np.int32))
            within = np.zeros(len(self.cores), dtype=bool)
            within[self.entry_core[wanted]] = True
        shortlist = self._shortlist(text, within)
        if not len(shortlist):
            return []
        choices = [self.cores[c] for c in shortlist]
        # the names that hold the query best (partial_ratio), then of those the closest as a whole first
        held = process.extract(text, choices, scorer=fuzz.partial_ratio, processor=None, limit=limit * 8,
                               score_cutoff=40)
        scored = sorted(((0.7 * partial + 0.3 * fuzz.ratio(text, core, processor=None), position)
                         for core, partial, position in held), reverse=True)
        hits: list[tuple[float, int]] = []
        allowed_codes = None if allowed is None else np.array(sorted(allowed), dtype=np.int32)
        for score, position in scored:
            core_id = int(shortlist[position])
            entries = self.entries_of[self.start[core_id]:self.start[core_id + 1]]
            codes = self.region_of[entries]
            keep = codes != excluded
            if allowed_codes is not None:
                keep &= np.isin(codes, allowed_codes)
            value = score / 100
            hits.extend((value, int(ri)) for ri in self.ids[entries[keep][:limit]])
            if len(hits) >= limit * 2:
                break
        hits.sort(key=lambda hit: (-hit[0], len(self.rows[hit[1]][2]), hit[1]))
        return hits[:limit]

    def _shortlist(self, text: str, within: np.ndarray | None = None) -> np.ndarray:
        """The cores that share most characters with the query (at least half of its distinct characters),
        of those ``within`` (a mask over the cores) when given."""
        chars = [self.postings[char] for char in set(text) if char in self.postings]
        if not chars:
            return np.empty(0, dtype=np.int32)
        counts = np.zeros(len(self.cores), dtype=np.int16)
        for posting in chars:
            counts[posting] += 1
        needed = max(1, -(-len(set(text)) // 2))
        enough = counts >= needed
        if within is not None:
            enough &= within
        found = np.flatnonzero(enough)
        if len(found) > SHORTLIST:
            best = np.argpartition(-counts[found], SHORTLIST)[:SHORTLIST]
            found = found[best]
        return found


_CACHE: dict[Path, tuple[tuple[int, ...], SearchIndex]] = {}
_LOCK = threading.Lock()


def _state(workspace: Workspace) -> tuple[int, ...]:
    """What the index depends on: the documents and the regional indicators they brought (two index lookups
    and a count of the documents, not of the indicators)."""
    return workspace.connection.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM regional_indicators), (SELECT count(*) FROM documents),"
        " (SELECT coalesce(max(id), 0) FROM documents)").fetchone()


def index_for(workspace: Workspace) -> SearchIndex:
    """The workspace's search index, built on first use and again only after an import."""
    state = _state(workspace)
    path = workspace.path.resolve()
    with _LOCK:
        cached = _CACHE.get(path)
        if cached is not None and cached[0] == state:
            return cached[1]
    rows = workspace.connection.execute(
        "SELECT id, region, name, level1, level2 FROM regional_indicators ORDER BY id").fetchall()
    index = SearchIndex(rows)
    with _LOCK:
        _CACHE[path] = (state, index)
    return index


def is_built(workspace: Workspace) -> bool:
    """Whether the search index of the workspace as it is now is cached (a search answers at once)."""
    cached = _CACHE.get(workspace.path.resolve())
    return cached is not None and cached[0] == _state(workspace)


def search(workspace: Workspace, typed: str, *, exclude_region: str | None = None, limit: int = LIMIT
           ) -> list[Hit]:
    """The concepts and the regional indicators of other regions that best match what was typed, best first,
    each with its targets (a concept with its members)."""
    query = Query.parse(typed)
    index = index_for(workspace)
    found = index.search(query, exclude_region=exclude_region, limit=limit)
    ids = [ri for _score, ri in found]
    concept_of = _concepts_of(workspace, ids)
    targets = browse.targets_of(workspace, ids)
    hits = [Hit(score, ri, *index.rows[ri][1:], targets=targets.get(ri, "")) for score, ri in found]
    concepts = _concept_hits(workspace, query, index, exclude_region)
    in_concepts = {hit.concept for hit in concepts}
    # an indicator already in a concept that is a hit itself is shown once, as the concept
    indicators = [Hit(h.score, h.indicator, h.region, h.name, h.level1, h.level2, h.targets,
                      concept_of.get(h.indicator)) for h in hits if concept_of.get(h.indicator) not in in_concepts
                  or concept_of.get(h.indicator) is None]
    merged = sorted([*concepts, *indicators], key=lambda hit: -hit.score)
    return merged[:limit]


def _concepts_of(workspace: Workspace, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(workspace.connection.execute(
        f"SELECT regional_indicator_id, concept_id FROM concept_members WHERE regional_indicator_id IN ({marks})",
        ids).fetchall())


_CONCEPTS: dict[Path, tuple[int, dict[int, tuple[str, list[tuple[int, str, str]], tuple[str, ...]]]]] = {}


def _concepts(workspace: Workspace) -> dict[int, tuple[str, list[tuple[int, str, str]], tuple[str, ...]]]:
    """Every concept: its name, its members (id, region, name) and the cores of all those names, read again
    only after a decision."""
    last_event = workspace.connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    path = workspace.path.resolve()
    cached = _CONCEPTS.get(path)
    if cached is not None and cached[0] == last_event:
        return cached[1]
    members: dict[int, list[tuple[int, str, str]]] = {}
    names: dict[int, str] = {}
    for concept_id, name, ri_id, region, member_name in workspace.connection.execute(
            "SELECT c.id, c.name, r.id, r.region, r.name FROM concepts c JOIN concept_members m ON m.concept_id ="
            " c.id JOIN regional_indicators r ON r.id = m.regional_indicator_id ORDER BY c.id, r.region, r.name"):
        names[concept_id] = name
        members.setdefault(concept_id, []).append((ri_id, region, member_name))
    concepts = {concept_id: (names[concept_id], listed, tuple(dict.fromkeys(
        core_of(name)[0] or name for name in (names[concept_id], *(m[2] for m in listed)))))
        for concept_id, listed in members.items()}
    _CONCEPTS[path] = (last_event, concepts)
    return concepts


def _concept_hits(workspace: Workspace, query: Query, index: SearchIndex, exclude_region: str | None
                  ) -> list[Hit]:
    """Concepts whose name or a member's name matches (a concept counts once, by its best name)."""
    text = core_of(query.text)[0] or "".join(nfkc(query.text).split())
    if not text:
        return []
    hits = []
    for concept_id, (name, listed, cores) in _concepts(workspace).items():
        if query.region is not None and not any(query.region in region for _ri, region, _name in listed):
            continue
        # the member a decision pairs with: one outside the reviewer's region
        target = next((ri for ri, region, _name in listed if region != exclude_region), None)
        if target is None:
            continue
        score = max(fuzz.WRatio(text, core, processor=None) for core in cores)
        if score < 40:
            continue
        row = index.rows.get(target)
        level1, level2 = (row[3], row[4]) if row else (None, None)
        hits.append(Hit(score / 100 + 0.001, target, "concept", name, level1, level2,
                        concept=concept_id, members=tuple(f"{region} · {member}" for _ri, region, member in listed)))
    return hits
