"""ReviewSession: the UI thread's one way into the store — the workspace, the reviewer's decisions, their place,
and the candidates of an indicator as the screens show them. Plain Python (no Textual), so that every
decision the app makes goes through :meth:`ReviewSession.decide` and can be tested without a screen."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from store import browse, bulk
from store.place import Place, load_place, save_place
from store.review import Concept, DecisionError, IndicatorRef, Review
from store.suggest import Suggestion, cached
from store.workspace import Workspace, WorkspaceError

# What the store raises when it refuses a decision or cannot write it: the decision was not made.
REFUSALS: tuple[type[Exception], ...] = (DecisionError, WorkspaceError, sqlite3.DatabaseError)

KINDS = ("approve", "close", "reject", "flag", "detach", "rename", "undo", "redo", "no_counterpart",
         "none_of_these", "approve_likely")


@dataclass(frozen=True, slots=True)
class Decision:
    """What the reviewer asked for: a kind and what it applies to (a pair, an indicator, a concept)."""

    kind: str
    indicator: int | None = None  # the regional indicator decided on
    candidate: int | None = None  # the other side of a pair
    score: float | None = None
    concept: int | None = None  # a renamed concept
    name: str | None = None  # its new name, or a flag's note
    candidates: tuple[tuple[int, float | None], ...] = ()  # a decision on many pairs: the others and their scores
    justification: str = "lexical"  # why an approval is made: "lexical" (a suggestion), "manual" (map to…)


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision committed (or, with ``merge_needed``, waiting for the reviewer to confirm a merge)."""

    decision: Decision
    summary: str
    touched: tuple[int, ...] = ()  # regional indicators whose suggestion lists must be relearned
    merge_needed: tuple[Concept, Concept] | None = None
    subject: tuple[int | None, int | None] = (None, None)  # what an undo or redo changed: indicator, other side


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A suggested candidate as the candidate list shows it: the suggestion, how the pair was decided
    ("close", "rejected" or ""), and the candidate's target values."""

    suggestion: Suggestion
    decided: str
    targets: str

    @property
    def candidate(self):
        return self.suggestion.candidate

    @property
    def score(self) -> float:
        return self.suggestion.score

    @property
    def explanation(self) -> str:
        return self.suggestion.explanation

    @property
    def tier(self) -> str:
        return self.suggestion.tier


@dataclass(frozen=True, slots=True)
class Detail:
    """What the detail strip shows about one indicator (``indicator`` None: nothing is highlighted;
    ``empty`` also: the workspace has no documents yet)."""

    indicator: browse.IndicatorRow | None = None
    occurrences: tuple[browse.Occurrence, ...] = ()
    why: str | None = None
    concept: Concept | None = None
    member_targets: tuple[tuple[str, ...], ...] = ()  # of the first members, as many as the strip lists
    empty: bool = False
    candidate: CandidateRow | None = None  # the candidate highlighted: the other side of a decision, in full


@dataclass(frozen=True, slots=True)
class QueuePair:
    """An unreviewed suggested pair with both sides' targets, the score and why it is suggested."""

    left: IndicatorRef
    right: IndicatorRef
    left_targets: str
    right_targets: str
    score: float
    explanation: str
    tier: str = "possible"
    left_project: str = ""  # the project each side comes from (its first occurrence)
    right_project: str = ""


class ReviewSession:
    """One reviewer's session on one workspace, from the UI thread."""

    def __init__(self, workspace_path: Path, reviewer: str) -> None:
        self.workspace = Workspace(workspace_path)
        self.review = Review(self.workspace, reviewer)
        self.seen_event = self.review.last_event_id()
        self._totals: tuple[int, int] | None = None  # counted again only after an import
        self._seen_documents = self._documents()

    @property
    def reviewer(self) -> str:
        return self.review.reviewer

    def decide(self, decision: Decision, *, confirm_merge: bool = False) -> Decided:
        """Commit one decision (raises one of :data:`REFUSALS` when the store refuses it or cannot write it)."""
        review, kind = self.review, decision.kind
        pair = (decision.indicator, decision.candidate)
        if kind == "approve":
            outcome = review.approve(*self._pair(decision), score=decision.score, justification=decision.justification,
                                     confirm_merge=confirm_merge)
            if outcome.merge_needed:
                return Decided(decision, outcome.summary, merge_needed=outcome.merge_needed)
            touched = pair
        elif kind in ("close", "reject"):
            outcome = (review.close if kind == "close" else review.reject)(*self._pair(decision))
            touched = pair
        elif kind == "flag":
            outcome, touched = review.flag(self._indicator(decision), note=decision.name), ()
        elif kind == "no_counterpart":
            outcome, touched = review.no_counterpart(self._indicator(decision)), ()
        elif kind == "none_of_these":
            outcome = bulk.reject_all(review, self._indicator(decision), [ri for ri, _score in decision.candidates])
            touched = outcome.touched
        elif kind == "approve_likely":
            outcome = bulk.approve_all(review, self._indicator(decision), decision.candidates)
            touched = outcome.touched
        elif kind == "detach":
            outcome, touched = review.detach(self._indicator(decision)), (decision.indicator,)
        elif kind == "rename":
            if decision.concept is None:
                raise DecisionError("rename needs a concept")
            outcome, touched = review.rename(decision.concept, decision.name or ""), ()
        elif kind in ("undo", "redo"):
            outcome = review.undo() if kind == "undo" else review.redo()
            touched = outcome.touched
        else:
            raise DecisionError(f"no decision is called {kind!r}")
        self.seen_event = review.last_event_id()
        return Decided(decision, outcome.summary, tuple(ri for ri in touched if ri is not None),
                       subject=outcome.subject)

    def likely_plan(self, ri_id: int) -> tuple[bulk.BulkPlan, tuple[tuple[int, float | None], ...]]:
        """What approving every likely candidate of an indicator would do (nothing is written), and those
        candidates."""
        likely = tuple((row.candidate.id, row.score) for row in self.candidates(ri_id)
                       if row.suggestion.tier == "likely" and not row.decided)
        return bulk.plan_approve_all(self.review, ri_id, likely), likely

    def where(self, ri_id: int, record_id: int | None) -> tuple[int, int] | None:
        """(record, position) of an indicator: in ``record_id`` when it occurs there, else where it first
        occurs; None when no document uses it now."""
        return browse.place_of(self.workspace, ri_id, record_id)

    @staticmethod
    def _pair(decision: Decision) -> tuple[int, int]:
        if decision.indicator is None or decision.candidate is None:
            raise DecisionError(f"{decision.kind} needs an indicator and a candidate")
        return decision.indicator, decision.candidate

    @staticmethod
    def _indicator(decision: Decision) -> int:
        if decision.indicator is None:
            raise DecisionError(f"{decision.kind} needs an indicator")
        return decision.indicator

    def changed_elsewhere(self) -> bool:
        """Whether another process (a colleague's app, load-mapping) decided something since we last looked."""
        last = self.review.last_event_id()
        changed, self.seen_event = last != self.seen_event, last
        return changed

    def progress(self) -> browse.Progress:
        """Mapped regional indicators and the occurrences they cover."""
        if self._totals is None:
            self._totals = browse.totals(self.workspace)
        return browse.progress(self.workspace, self._totals)

    def _documents(self) -> tuple:
        """What identifies the workspace's documents as they are now (an import adds or replaces rows)."""
        return self.workspace.connection.execute(
            "SELECT count(*), coalesce(max(id), 0), coalesce(max(imported_at), ''), total(indicator_count)"
            " FROM documents").fetchone()

    def documents_changed_elsewhere(self) -> bool:
        """Whether another process (an import in another shell) changed the documents since we last looked."""
        return self._documents() != self._seen_documents

    def documents_changed(self) -> None:
        """Documents were imported: the totals are counted again."""
        self._totals = None
        self._seen_documents = self._documents()

    def candidates(self, ri_id: int | None) -> list[CandidateRow]:
        """An indicator's cached suggestions with their pair decisions and targets (two queries for the list)."""
        if ri_id is None:
            return []
        suggestions = cached(self.workspace, ri_id)
        ids = [s.candidate.id for s in suggestions]
        decided = self.review.pair_decisions(ri_id, ids)
        targets = browse.targets_of(self.workspace, ids)
        return [CandidateRow(s, decided.get(s.candidate.id, ""), targets.get(s.candidate.id, ""))
                for s in suggestions]

    def detail(self, row: browse.IndicatorRow | None, why: str | None, *, empty: bool, members: int,
               candidate: CandidateRow | None = None) -> Detail:
        """The detail strip's content: where the indicator occurs, and its concept with the targets of the
        first ``members`` members."""
        if row is None:
            return Detail(empty=empty)
        ri_id = row.regional_indicator_id
        concept = self.review.concept_of(ri_id)
        member_targets = () if concept is None else tuple(
            self._targets(member.indicator.id) for member in concept.members[:members])
        return Detail(row, tuple(browse.occurrences(self.workspace, ri_id, limit=6)), why, concept, member_targets,
                      candidate=candidate)

    def _targets(self, ri_id: int) -> tuple[str, ...]:
        """The distinct target values of an indicator's first three occurrences."""
        return tuple(dict.fromkeys(o.annual_value or o.period_value or "—"
                                   for o in browse.occurrences(self.workspace, ri_id, limit=3)))

    def queue_pair(self, item: browse.QueueItem) -> QueuePair:
        left, right = self.review.indicator(item.regional_indicator_id), self.review.indicator(item.candidate_id)
        return QueuePair(left, right, " / ".join(self._targets(left.id)), " / ".join(self._targets(right.id)),
                         item.score, item.explanation, item.tier, self._project(left.id), self._project(right.id))

    def _project(self, ri_id: int) -> str:
        """Where an indicator first occurs: its document's project ("and N more" when it occurs in others)."""
        found = browse.occurrences(self.workspace, ri_id, limit=2)
        if not found:
            return ""
        return found[0].project + (" and more" if len(found) > 1 else "")

    def load_place(self) -> Place | None:
        return load_place(self.workspace, self.reviewer)

    def save_place(self, place: Place) -> None:
        save_place(self.workspace, self.reviewer, place)

    def close(self) -> None:
        self.workspace.close()
