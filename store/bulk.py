"""Decisions on many pairs of one indicator at once: "none of these" (reject every candidate still open) and
approving every likely candidate into one concept. Each is one event, undone (and redone) as one, and teaches
the matcher what each of its pairs would have taught."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from store import learned
from store.matching import without_unit
from store.review import DecisionError, IndicatorRef, Outcome, Review, now


@dataclass(frozen=True, slots=True)
class Skipped:
    """A candidate a bulk decision left as it was, and why."""

    indicator: IndicatorRef
    reason: str


@dataclass(frozen=True, slots=True)
class BulkPlan:
    """What approving every likely candidate would do: the concept they join (None: a new one, named
    ``name``), the candidates that join, and those left out with the reason."""

    indicator: IndicatorRef
    concept_id: int | None
    name: str
    joining: tuple[tuple[IndicatorRef, float | None], ...]
    skipped: tuple[Skipped, ...]


def plan_approve_all(review: Review, ri_id: int, candidates: Iterable[tuple[int, float | None]]) -> BulkPlan:
    """The preview of :func:`approve_all`: nothing is written."""
    first = review.indicator(ri_id)
    own = review.concept_id_of(ri_id)
    joining: list[tuple[IndicatorRef, float | None]] = []
    skipped: list[Skipped] = []
    for other_id, score in dict(candidates).items():
        other = review.indicator(other_id)
        concept = review.concept_id_of(other_id)
        decided = review.pair_decision(ri_id, other_id)
        if other_id == ri_id or (own is not None and concept == own):
            skipped.append(Skipped(other, "already in the same concept"))
        elif concept is not None:
            skipped.append(Skipped(other, f"in concept {review.concept_name(concept)}: approve the pair to merge"))
        elif review.has_no_counterpart(other_id):
            skipped.append(Skipped(other, "marked as having no counterpart"))
        elif decided is not None:
            skipped.append(Skipped(other, f"already decided as {decided}"))
        else:
            joining.append((other, score))
    if own is not None:
        name = review.concept_name(own)
    else:
        name = without_unit(min([first, *(other for other, _score in joining)], key=lambda ri: len(ri.name)).name)
    return BulkPlan(first, own, name, tuple(joining), tuple(skipped))


def approve_all(review: Review, ri_id: int, candidates: Iterable[tuple[int, float | None]], *,
                justification: str = "lexical") -> Outcome:
    """Approve the indicator with each of these candidates, into one concept (its own, or a new one): one event.
    Candidates in another concept, marked as having no counterpart or already decided are left out (see
    :func:`plan_approve_all`); DecisionError when none is left."""
    candidates = list(candidates)
    with review.workspace.transaction():
        first = review.indicator(ri_id)
        review.refuse_if_changed_meanwhile(
            {("concept_members", (ri_id,)), ("no_counterpart", (ri_id,)),
             *(("concept_members", (other,)) for other, _score in candidates),
             *(("pair_decisions", tuple(sorted((ri_id, other)))) for other, _score in candidates)})
        review.refuse_without_counterpart(first)
        plan = plan_approve_all(review, ri_id, candidates)
        if not plan.joining:
            raise DecisionError(f"no candidate of {first.name} can join: "
                                + "; ".join(f"{s.indicator.name} {s.reason}" for s in plan.skipped))
        at = now()
        changes: list[dict[str, Any]] = []
        concept_id = plan.concept_id
        if concept_id is None:
            concept_id = review.connection.execute("SELECT coalesce(max(id), 0) + 1 FROM concepts").fetchone()[0]
            changes.append(review.row_change("concepts", (concept_id,), {
                "id": concept_id, "name": plan.name, "level1": first.level1, "level2": first.level2,
                "created_at": at}))
        members = [] if plan.concept_id is not None else [(first, None)]
        for ri, score in [*members, *plan.joining]:
            changes.append(review.row_change("concept_members", (ri.id,), {
                "regional_indicator_id": ri.id, "concept_id": concept_id, "justification": justification,
                "score": score, "approved_by": review.reviewer, "approved_at": at}))
        names = ", ".join(ri.name for ri, _score in plan.joining)
        event = review.commit_changes("approve_all", f"approved {len(plan.joining)} into {plan.name}: {names}",
                                      changes, subject=(ri_id, None))
        for other, _score in plan.joining:
            learned.learn(review.connection, event.id, "approve", ri_id, other.id, first.name, other.name)
    return Outcome(event, event.summary, touched=(ri_id, *(ri.id for ri, _score in plan.joining)))


def reject_all(review: Review, ri_id: int, candidates: Iterable[int]) -> Outcome:
    """"None of these": reject the indicator's pair with each candidate not decided yet, as one event."""
    candidates = list(dict.fromkeys(candidates))
    with review.workspace.transaction():
        first = review.indicator(ri_id)
        pairs = {other: tuple(sorted((ri_id, other))) for other in candidates if other != ri_id}
        review.refuse_if_changed_meanwhile({("concept_members", (ri_id,)),
                                            *(("pair_decisions", pair) for pair in pairs.values()),
                                            *(("concept_members", (other,)) for other in pairs)})
        own = review.concept_id_of(ri_id)
        at = now()
        changes: list[dict[str, Any]] = []
        rejected: list[IndicatorRef] = []
        for other, (low, high) in pairs.items():
            if review.pair_decision(low, high) is not None or (own is not None and review.concept_id_of(other) == own):
                continue
            rejected.append(review.indicator(other))
            changes.append(review.row_change("pair_decisions", (low, high), {
                "a": low, "b": high, "kind": "rejected", "decided_by": review.reviewer, "decided_at": at}))
        if not changes:
            raise DecisionError(f"every candidate of {first.name} is decided already")
        event = review.commit_changes("reject_all", f"none of these for {first.name}: rejected {len(rejected)} "
                                      "candidates", changes, subject=(ri_id, None))
        for other in rejected:
            learned.learn(review.connection, event.id, "reject", ri_id, other.id, first.name, other.name)
    return Outcome(event, event.summary, touched=(ri_id, *(ri.id for ri in rejected)))
