"""Suggestions over a workspace: load its regional indicators, run the matcher with the reviewers'
decisions, and keep the results in the workspace's suggestion cache so the review app opens without
recomputing them."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from store.lexicon import Lexicon
from store.matching import POSSIBLE, Candidate, Decisions, Matcher, RegionalIndicator
from store.review import Review
from store.targets import parse_target
from store.workspace import Workspace

_NUMERIC_KINDS = ("percent", "money", "count", "time")
_INSERT = ("INSERT INTO suggestions (regional_indicator_id, rank, candidate_id, score, explanation, via, tier)"
           " VALUES (?,?,?,?,?,?,?)")
LEARNED_REFRESH = 8  # lists a learned term changed that one decision recomputes at once (the rest: pending)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A cached candidate for a regional indicator."""

    candidate: RegionalIndicator
    score: float
    explanation: str
    via: str | None
    tier: str = POSSIBLE


def load_indicators(workspace: Workspace) -> list[RegionalIndicator]:
    """Every regional indicator with its target kind (the most common numeric kind of its values) and the
    documents that use it."""
    connection = workspace.connection
    kinds: dict[int, Counter[str]] = {}
    for ri_id, annual, period in connection.execute(
        "SELECT regional_indicator_id, annual_value, period_value FROM indicators"
    ):
        for value in (annual, period):
            if value:
                target = parse_target(value)
                if target is not None and target.kind in _NUMERIC_KINDS:
                    kinds.setdefault(ri_id, Counter())[target.kind] += 1
    sources: dict[int, list[str]] = {}
    for ri_id, name in connection.execute(
        "SELECT DISTINCT i.regional_indicator_id, d.name FROM indicators i JOIN records r ON r.id = i.record_id"
        " JOIN documents d ON d.id = r.document_id ORDER BY d.name"
    ):
        sources.setdefault(ri_id, []).append(name)
    result = []
    for ri_id, region, name, level1, level2 in connection.execute(
        "SELECT id, region, name, level1, level2 FROM regional_indicators ORDER BY id"
    ):
        counted = kinds.get(ri_id)
        kind = counted.most_common(1)[0][0] if counted else None
        result.append(RegionalIndicator(ri_id, region, name, level1, level2, kind, tuple(sources.get(ri_id, ()))))
    return result


def load_details(workspace: Workspace, ri_ids: list[int]) -> dict[int, tuple[str | None, tuple[str, ...]]]:
    """Target kind and sources of some regional indicators (what a shown suggestion needs)."""
    kinds: dict[int, Counter[str]] = {}
    sources: dict[int, list[str]] = {}
    connection = workspace.connection
    for start in range(0, len(ri_ids), 500):
        chunk = ri_ids[start: start + 500]
        marks = ",".join("?" * len(chunk))
        for ri_id, annual, period, document in connection.execute(
            "SELECT i.regional_indicator_id, i.annual_value, i.period_value, d.name FROM indicators i"
            " JOIN records r ON r.id = i.record_id JOIN documents d ON d.id = r.document_id"
            f" WHERE i.regional_indicator_id IN ({marks})", chunk
        ):
            for value in (annual, period):
                if value:
                    target = parse_target(value)
                    if target is not None and target.kind in _NUMERIC_KINDS:
                        kinds.setdefault(ri_id, Counter())[target.kind] += 1
            found = sources.setdefault(ri_id, [])
            if document not in found:
                found.append(document)
    result = {}
    for ri_id in ri_ids:
        counted = kinds.get(ri_id)
        result[ri_id] = (counted.most_common(1)[0][0] if counted else None, tuple(sorted(sources.get(ri_id, []))))
    return result


_SCORING = "tiered-1"  # changes when the matcher scores names differently, so that caches are recomputed


def _names_state(workspace: Workspace, lexicon_file: Path | None) -> str:
    """What the name-level suggestions depend on: the documents, the scoring, the shipped and own lexicon."""
    digest = hashlib.sha256(_SCORING.encode())
    digest.update(resources.files("store").joinpath("data/lexicon.toml").read_bytes())
    for name, content_hash in workspace.connection.execute("SELECT name, content_hash FROM documents ORDER BY name"):
        digest.update(f"{name}\0{content_hash}\n".encode())
    if lexicon_file is not None:
        digest.update(lexicon_file.read_bytes())
    return digest.hexdigest()[:16]


def _state(workspace: Workspace, lexicon_file: Path | None, top: int) -> str:
    """What the cached suggestions depend on: documents, decisions, lexicon, list length."""
    last_event = workspace.connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    return f"{_names_state(workspace, lexicon_file)}:{last_event}:{top}"


class Suggester:
    """The matcher over one workspace, kept in memory so that a decision refreshes only what it affects."""

    def __init__(self, workspace: Workspace, *, lexicon_file: Path | None = None, top: int = 10,
                 learn_terms: bool = True) -> None:
        self.workspace = workspace
        self.lexicon_file = lexicon_file
        self.top = top
        self.learn_terms = learn_terms  # off: decisions teach aliases and rejections only (for comparisons)
        self.review = Review(workspace)
        rows = workspace.connection.execute(
            "SELECT id, region, name, level1, level2 FROM regional_indicators")
        self.matcher = Matcher(rows, Lexicon.load(lexicon_file), self._decisions(),
                               details=lambda ids: load_details(workspace, ids))
        self._decisions_before = self.matcher.decisions
        self.pending: set[int] = set()  # lists a learned term changed, not recomputed yet
        self.load_names()

    def _decisions(self) -> Decisions:
        """The decisions the matcher learns from (without learned terms when those are switched off)."""
        decisions = self.review.decisions()
        if not self.learn_terms:
            decisions.learned = []
        return decisions

    def load_names(self) -> bool:
        """Take the stored name-level suggestions when the documents and lexicon are unchanged."""
        connection = self.workspace.connection
        row = connection.execute("SELECT value FROM meta WHERE key = 'names'").fetchone()
        if not row or row[0] != f"{_names_state(self.workspace, self.lexicon_file)}:{len(self.matcher.index.names)}":
            return False
        blob = connection.execute("SELECT data FROM name_suggestions WHERE id = 1").fetchone()
        return blob is not None and self.matcher.load_neighbours(blob[0])

    def save_names(self) -> None:
        """Store the name-level suggestions so that the next session opens without recomputing them."""
        state = f"{_names_state(self.workspace, self.lexicon_file)}:{len(self.matcher.index.names)}"
        with self.workspace.transaction() as connection:
            connection.execute("INSERT OR REPLACE INTO name_suggestions (id, data) VALUES (1, ?)",
                               (self.matcher.dump_neighbours(),))
            connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('names', ?)", (state,))

    def compute_names(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Name-level suggestions for every distinct name (the expensive part), stored in the workspace."""
        if not self.matcher.neighbours_complete():
            self.matcher.precompute(progress=progress)
            self.save_names()

    def candidates(self, ri_id: int, top: int | None = None) -> list[Candidate]:
        return self.matcher.candidates(ri_id, top or self.top)

    def compute_all(self, progress: Callable[[int, int], None] | None = None, workers: int = 1) -> int:
        """Suggestions for every regional indicator, stored in the cache; returns how many were stored."""
        self.compute_names()
        ids = self.matcher.ids()
        rows = []
        for done, ri_id in enumerate(ids, start=1):
            rows.extend(self._rows(ri_id, self.matcher.candidates(ri_id, self.top)))
            if progress and (done % 500 == 0 or done == len(ids)):
                progress(done, len(ids))
        with self.workspace.transaction() as connection:
            connection.execute("DELETE FROM suggestions")
            connection.executemany(_INSERT, rows)
            self._mark_fresh(connection)
        return len(ids)

    def refresh(self, ri_ids: Iterable[int]) -> set[int]:
        """After a decision: re-learn from the decisions and recompute at once the suggestions of the
        indicators it touches and of their concepts' members (what the screen shows next). The lists that had
        them as candidates, and those whose names hold a term the decision taught or untaught, wait in
        ``pending`` for :meth:`refresh_pending` (LEARNED_REFRESH of them are done at once): until then a
        decided pair in them is kept out of the queue by the decisions themselves. Returns the indicators
        refreshed."""
        before = self.matcher.decisions
        self.matcher.set_decisions(self._decisions())
        touched = self._with_concepts(self._decisions_before, {ri for ri in ri_ids if ri in self.matcher})
        if touched:
            marks = ",".join("?" * len(touched))
            self.pending.update(row[0] for row in self.workspace.connection.execute(
                f"SELECT DISTINCT regional_indicator_id FROM suggestions WHERE candidate_id IN ({marks})",
                tuple(touched)))
        taught = {(item.kind, item.term, item.other) for item in before.learned} ^ {
            (item.kind, item.term, item.other) for item in self.matcher.decisions.learned}
        if taught:
            # only stored lists go stale: the others are computed, with what was learned, when first shown
            stored = {row[0] for row in self.workspace.connection.execute(
                "SELECT regional_indicator_id FROM suggestions WHERE rank = 1")}
            changed = self.matcher.ids_with_terms({t for _kind, *terms in taught for t in terms if t})
            self.pending.update(ri for ri in changed if ri in stored)
        self.pending -= touched
        return self._recompute(touched, self._take_pending(LEARNED_REFRESH))

    def refresh_pending(self, budget: int = LEARNED_REFRESH) -> set[int]:
        """Recompute up to ``budget`` of the lists a learned term changed and that are not recomputed yet."""
        return self._recompute(set(), self._take_pending(budget))

    def _take_pending(self, budget: int) -> set[int]:
        taken = set(sorted(self.pending)[:budget])
        self.pending -= taken
        return taken

    def _with_concepts(self, before: Decisions, touched: set[int]) -> set[int]:
        """The indicators with the members of the concepts they belong to, and belonged to (an undo or a
        detach leaves them)."""
        touched = set(touched)
        for decisions in (before, self.matcher.decisions):
            concepts = {decisions.concept_of.get(ri) for ri in touched} - {None}
            touched |= {ri for ri, concept in decisions.concept_of.items() if concept in concepts}
        return touched

    def _recompute(self, touched: set[int], learned: set[int]) -> set[int]:
        self._decisions_before = self.matcher.decisions
        touched |= learned
        rows = []
        for ri_id in touched:
            rows.extend(self._rows(ri_id, self.matcher.candidates(ri_id, self.top)))
        with self.workspace.transaction() as connection:
            connection.executemany("DELETE FROM suggestions WHERE regional_indicator_id = ?",
                                   [(ri,) for ri in touched])
            connection.executemany(_INSERT, rows)
            if not self.pending:
                self._mark_fresh(connection)
        return touched

    def _mark_fresh(self, connection) -> None:
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('suggestions', ?)",
                           (_state(self.workspace, self.lexicon_file, self.top),))

    @staticmethod
    def _rows(ri_id: int, candidates: list[Candidate]) -> list[tuple]:
        return [(ri_id, rank, c.regional_indicator.id, c.score, c.explanation, c.via, c.tier)
                for rank, c in enumerate(candidates, start=1)]


def is_fresh(workspace: Workspace, lexicon_file: Path | None = None, top: int = 10) -> bool:
    row = workspace.connection.execute("SELECT value FROM meta WHERE key = 'suggestions'").fetchone()
    return bool(row) and row[0] == _state(workspace, lexicon_file, top)


def cached(workspace: Workspace, ri_id: int) -> list[Suggestion]:
    """The stored suggestions of one regional indicator, best first."""
    rows = workspace.connection.execute(
        "SELECT r.id, r.region, r.name, r.level1, r.level2, s.score, s.explanation, s.via, s.tier FROM suggestions s"
        " JOIN regional_indicators r ON r.id = s.candidate_id WHERE s.regional_indicator_id = ? ORDER BY s.rank",
        (ri_id,),
    ).fetchall()
    return [Suggestion(RegionalIndicator(*row[:5]), *row[5:]) for row in rows]


def ensure(workspace: Workspace, *, lexicon_file: Path | None = None, top: int = 10,
           progress: Callable[[int, int], None] | None = None) -> bool:
    """Recompute the cache when documents, decisions or the lexicon changed; True when it recomputed."""
    if is_fresh(workspace, lexicon_file, top):
        return False
    Suggester(workspace, lexicon_file=lexicon_file, top=top).compute_all(progress)
    return True


def as_json(workspace: Workspace) -> list[dict]:
    """Every regional indicator with its cached candidates, in the shape score_match.py reads."""
    connection = workspace.connection
    sources: dict[int, list[str]] = {}
    for ri_id, name in connection.execute(
        "SELECT DISTINCT i.regional_indicator_id, d.name FROM indicators i JOIN records r ON r.id = i.record_id"
        " JOIN documents d ON d.id = r.document_id ORDER BY d.name"
    ):
        sources.setdefault(ri_id, []).append(name)
    candidates: dict[int, list[dict]] = {}
    for ri_id, cand_id, region, name, score, explanation, via, tier in connection.execute(
        "SELECT s.regional_indicator_id, r.id, r.region, r.name, s.score, s.explanation, s.via, s.tier"
        " FROM suggestions s JOIN regional_indicators r ON r.id = s.candidate_id"
        " ORDER BY s.regional_indicator_id, s.rank"
    ):
        candidates.setdefault(ri_id, []).append({
            "region": region, "name": name, "sources": sources.get(cand_id, []), "score": score, "tier": tier,
            "explanation": explanation, "via": via,
        })
    return [
        {"region": region, "name": name, "level1": level1, "level2": level2, "sources": sources.get(ri_id, []),
         "candidates": candidates.get(ri_id, []),
         "no_likely_match": not any(c["tier"] == "likely" for c in candidates.get(ri_id, []))}
        for ri_id, region, name, level1, level2 in connection.execute(
            "SELECT id, region, name, level1, level2 FROM regional_indicators ORDER BY region, name")
    ]
