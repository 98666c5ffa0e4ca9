"""The decisions of issue 12 in the store: "no counterpart", "none of these", approving every likely candidate
at once, flags with notes and redo — each one event, undone and redone as one, refused with a clear message
when it contradicts another decision; a rejected outsider stays rejected against the whole concept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ri

from store import browse, bulk
from store.review import DecisionError, Review
from store.suggest import ensure
from store.workspace import Workspace

GUANGZHOU = ("广州市", "政务服务好评率")
JINZHAI = ("金寨县", "群众满意度")
QUJIANG = ("韶关市曲江区", "群众满意度(%)")
FUSHUN = ("抚顺市", "参保对象满意度")
ZHANJIANG = ("湛江市", "参保人数（人）")


@pytest.fixture
def workspace(seeded: Path, tmp_path: Path):
    shutil.copy(seeded, tmp_path / "review.db")
    with Workspace(tmp_path / "review.db") as opened:
        yield opened


def _rows(workspace: Workspace, table: str) -> list[tuple]:
    return workspace.connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def _queued_pairs(workspace: Workspace) -> set[tuple[int, int]]:
    return {tuple(sorted((item.regional_indicator_id, item.candidate_id)))
            for item in browse.queue(workspace, limit=10_000)}


def test_no_counterpart_is_a_decision_that_leaves_the_queue_and_is_undone(workspace: Workspace) -> None:
    ensure(workspace)
    review = Review(workspace, "alice")
    fushun = ri(workspace, *FUSHUN)
    assert any(fushun in pair for pair in _queued_pairs(workspace))
    outcome = review.no_counterpart(fushun)
    assert outcome.event is not None and outcome.event.kind == "no_counterpart" and outcome.event.a == fushun
    assert review.has_no_counterpart(fushun)
    assert not any(fushun in pair for pair in _queued_pairs(workspace))
    row = next(r for r in browse.indicators(workspace, _record_of(workspace, fushun))
               if r.regional_indicator_id == fushun)
    assert row.no_counterpart and row.best_score is None
    with pytest.raises(DecisionError, match="marked as having no counterpart: unmark it first"):
        review.approve(fushun, ri(workspace, *JINZHAI))
    review.undo()
    assert not review.has_no_counterpart(fushun)
    assert any(fushun in pair for pair in _queued_pairs(workspace))
    review.redo()
    assert review.has_no_counterpart(fushun)
    assert review.no_counterpart(fushun).summary.startswith("unmarked no counterpart")  # the key toggles
    assert not review.has_no_counterpart(fushun)


def test_an_indicator_in_a_concept_cannot_be_marked_as_having_no_counterpart(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    review.approve(a, b)
    with pytest.raises(DecisionError, match="detach it first"):
        review.no_counterpart(a)
    assert _rows(workspace, "no_counterpart") == []


def _record_of(workspace: Workspace, ri_id: int) -> int:
    found = browse.place_of(workspace, ri_id)
    assert found is not None
    return found[0]


def test_none_of_these_rejects_every_open_candidate_as_one_event(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a = ri(workspace, *GUANGZHOU)
    others = [ri(workspace, *JINZHAI), ri(workspace, *QUJIANG), ri(workspace, *FUSHUN)]
    review.close(a, others[2])  # decided already: left as it is
    before = review.last_event_id()
    outcome = bulk.reject_all(review, a, others)
    assert review.last_event_id() == before + 1 and outcome.event is not None and outcome.event.kind == "reject_all"
    assert [review.pair_decision(a, other) for other in others] == ["rejected", "rejected", "close"]
    assert review.decisions().is_rejected(a, others[0])
    with pytest.raises(DecisionError, match="every candidate of 政务服务好评率 is decided already"):
        bulk.reject_all(review, a, others)
    review.undo()  # one undo takes back the whole "none of these"
    assert [review.pair_decision(a, other) for other in others] == [None, None, "close"]
    review.redo()
    assert [review.pair_decision(a, other) for other in others] == ["rejected", "rejected", "close"]


def test_approving_every_likely_candidate_is_previewed_then_one_concept(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a = ri(workspace, *GUANGZHOU)
    b, c, d = ri(workspace, *JINZHAI), ri(workspace, *QUJIANG), ri(workspace, *ZHANJIANG)
    review.reject(a, d)
    before = _rows(workspace, "concept_members")
    plan = bulk.plan_approve_all(review, a, [(b, 0.9), (c, 0.8), (d, 0.7)])
    assert _rows(workspace, "concept_members") == before == []  # the preview writes nothing
    assert [ri_.id for ri_, _score in plan.joining] == [b, c] and plan.concept_id is None
    assert [(s.indicator.id, s.reason) for s in plan.skipped] == [(d, "already decided as rejected")]
    outcome = bulk.approve_all(review, a, [(b, 0.9), (c, 0.8), (d, 0.7)])
    concept = review.concept_of(a)
    assert concept is not None and {m.indicator.id for m in concept.members} == {a, b, c}
    assert outcome.event is not None and outcome.event.kind == "approve_all"
    review.undo()
    assert _rows(workspace, "concept_members") == [] and _rows(workspace, "concepts") == []
    review.redo()
    assert {m.indicator.id for m in review.concept_of(a).members} == {a, b, c}  # type: ignore[union-attr]


def test_a_flag_carries_a_note_and_undo_puts_the_previous_note_back(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a = ri(workspace, *GUANGZHOU)
    review.flag(a, note="  target  unit unclear ")
    assert review.is_flagged(a) and review.flag_note(a) == "target unit unclear"
    review.flag(a, on=True, note="ask Guangzhou")
    assert review.flag_note(a) == "ask Guangzhou"
    assert review.events()[0].summary == "flagged 政务服务好评率: ask Guangzhou"
    review.undo()
    assert review.flag_note(a) == "target unit unclear"
    review.flag(a)  # toggles off
    assert not review.is_flagged(a)


def test_redo_takes_back_only_the_reviewers_own_undos_until_they_decide_anew(workspace: Workspace) -> None:
    alice, bob = Review(workspace, "alice"), Review(workspace, "bob")
    a, b, c = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI), ri(workspace, *FUSHUN)
    with pytest.raises(DecisionError, match=r"nothing of yours \(alice\) to redo"):
        alice.redo()
    alice.approve(a, b)
    alice.reject(a, c)
    alice.undo()
    alice.undo()
    assert alice.concept_of(a) is None and alice.pair_decision(a, c) is None
    with pytest.raises(DecisionError, match=r"nothing of yours \(bob\) to redo"):
        bob.redo()
    outcome = alice.redo()  # the last undone first: the approval
    assert outcome.subject == (a, b) and alice.concept_id_of(a) == alice.concept_id_of(b) is not None
    alice.undo()  # a redo is undone like any decision
    assert alice.concept_of(a) is None
    alice.redo()
    alice.redo()
    assert alice.pair_decision(a, c) == "rejected"
    with pytest.raises(DecisionError, match="to redo"):
        alice.redo()
    alice.undo()
    alice.flag(a)  # a new decision: what was undone before it cannot be redone
    with pytest.raises(DecisionError, match="to redo"):
        alice.redo()


def test_redo_is_refused_when_a_colleague_changed_the_rows_since(workspace: Workspace) -> None:
    alice, bob = Review(workspace, "alice"), Review(workspace, "bob")
    a, b, c = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI), ri(workspace, *QUJIANG)
    alice.approve(a, b)
    alice.undo()
    bob.approve(a, c)
    with pytest.raises(DecisionError, match=r"cannot redo .*bob"):
        alice.redo()
    assert alice.concept_id_of(a) == alice.concept_id_of(c) and alice.concept_id_of(b) is None


def test_a_rejected_outsider_is_rejected_against_the_whole_concept(workspace: Workspace) -> None:
    ensure(workspace)
    review = Review(workspace, "alice")
    pairs = _queued_pairs(workspace)
    # a concept of two members and an outsider the queue proposes against both
    members = {}
    for low, high in pairs:
        members.setdefault(low, set()).add(high)
        members.setdefault(high, set()).add(low)
    found = next(((x, y, o) for x in members for y in members[x] for o in members[x] & members.get(y, set())
                  if len({review.indicator(n).region for n in (x, y, o)}) == 3), None)
    assert found is not None, "the seeds hold three regions' indicators suggested with each other"
    x, y, outsider = found
    review.approve(x, y)
    queued = _queued_pairs(workspace)
    # the outsider is proposed once against the concept, not once per member
    assert len({pair for pair in queued if outsider in pair and ({x, y} & set(pair))}) == 1
    review.reject(x, outsider)
    queued = _queued_pairs(workspace)
    assert not any(outsider in pair and ({x, y} & set(pair)) for pair in queued)
    assert review.decisions().is_rejected(y, outsider)
