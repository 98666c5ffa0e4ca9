"""ReviewSession, the UI thread's way into the store, without a screen: what each decision commits and touches,
what it refuses, and noticing a colleague's decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.session import REFUSALS, Decision, ReviewSession


@pytest.fixture
def session(db: Path):
    session = ReviewSession(db, "alice")
    yield session
    session.close()


def test_pair_decisions_touch_the_pair_and_flags_touch_nothing(session: ReviewSession) -> None:
    workspace = session.workspace
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    approved = session.decide(Decision("approve", a, b, 0.9))
    assert approved.summary.startswith("approved ") and set(approved.touched) == {a, b}
    assert session.decide(Decision("flag", a)).touched == ()
    detached = session.decide(Decision("detach", b))
    assert detached.touched == (b,)
    undone = session.decide(Decision("undo"))
    assert undone.summary.startswith("undid: detached") and b in undone.touched
    assert [e.kind for e in Review(workspace).events()] == ["undo", "detach", "flag", "approve"]


def test_a_merge_is_not_made_without_confirming(session: ReviewSession) -> None:
    workspace = session.workspace
    one, two = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    three, four = ri(workspace, "湛江市", "参保对象满意度（%）"), ri(workspace, "抚顺市", "参保对象满意度")
    session.decide(Decision("approve", one, two))
    session.decide(Decision("approve", three, four))
    asked = session.decide(Decision("approve", one, four))
    assert asked.merge_needed is not None and asked.touched == ()
    assert len(Review(workspace).concepts()) == 2
    merged = session.decide(Decision("approve", one, four), confirm_merge=True)
    assert merged.summary.startswith("merged ") and len(Review(workspace).concepts()) == 1


def test_refusals_are_the_stores_and_change_nothing(session: ReviewSession) -> None:
    workspace = session.workspace
    a = ri(workspace, "广州市", "政务服务好评率")
    for decision in (Decision("undo"), Decision("approve", a, a), Decision("detach", a),
                     Decision("rename", concept=99, name="x"), Decision("close", a)):
        with pytest.raises(REFUSALS):
            session.decide(decision)
    assert Review(workspace).events() == []


def test_a_colleagues_decision_is_noticed_once_and_ours_never(session: ReviewSession, db: Path) -> None:
    workspace = session.workspace
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    session.decide(Decision("flag", a))
    assert not session.changed_elsewhere()
    with Workspace(db) as other:
        Review(other, "bob").close(a, b)
    assert session.changed_elsewhere() and not session.changed_elsewhere()


def test_candidates_carry_their_pair_decision_and_targets(session: ReviewSession) -> None:
    workspace = session.workspace
    a = ri(workspace, "广州市", "政务服务好评率")
    rows = session.candidates(a)
    assert rows and all(row.decided == "" for row in rows)
    session.decide(Decision("reject", a, rows[0].candidate.id))
    again = {row.candidate.id: row for row in session.candidates(a)}
    assert again[rows[0].candidate.id].decided == "rejected"
    assert any(row.targets for row in again.values())
    assert session.candidates(None) == []
