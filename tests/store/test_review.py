"""The decision API: every decision an event with reviewer and time, committed before it returns; undo
appends the inverse; decisions survive re-importing unchanged indicators."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, ri

from store.importer import import_paths
from store.review import DecisionError, Review
from store.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path):
    with Workspace(tmp_path / "review.db") as opened:
        import_paths(opened, [SEEDS], workers=1)
        yield opened


def _state(workspace: Workspace) -> dict:
    return {table: workspace.connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("concepts", "concept_members", "pair_decisions", "flags")}


def test_approve_creates_a_concept_then_adds_to_it(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a = ri(workspace, "广州市", "政务服务好评率")
    b = ri(workspace, "金寨县", "群众满意度")
    c = ri(workspace, "韶关市曲江区", "群众满意度(%)")
    outcome = review.approve(a, b, score=0.83, justification="lexical")
    concept = review.concept_of(a)
    assert concept is not None and concept.name == "群众满意度" and concept.level1 == "满意度指标"
    assert outcome.event is not None and outcome.event.reviewer == "alice" and outcome.event.kind == "approve"
    review.approve(c, a)
    concept = review.concept_of(c)
    assert concept is not None and {m.indicator.id for m in concept.members} == {a, b, c}
    member = next(m for m in concept.members if m.indicator.id == a)
    assert (member.justification, member.score, member.approved_by) == ("lexical", 0.83, "alice")


def test_merging_two_concepts_needs_confirming(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    c, d = ri(workspace, "湛江市", "参保对象满意度（%）"), ri(workspace, "抚顺市", "参保对象满意度")
    review.approve(a, b)
    review.approve(c, d)
    before = _state(workspace)
    outcome = review.approve(a, c)
    assert outcome.merge_needed is not None and outcome.event is None
    assert _state(workspace) == before
    outcome = review.approve(a, c, confirm_merge=True)
    assert outcome.event is not None and outcome.event.kind == "merge"
    assert len(review.concepts()) == 1 and len(review.concepts()[0].members) == 4


def test_close_reject_flag_rename_detach(workspace: Workspace) -> None:
    review = Review(workspace, "bob")
    a, b = ri(workspace, "广州市", "工作满意度"), ri(workspace, "抚顺市", "救助对象对救助工作满意度")
    review.close(a, b)
    assert review.pair_decision(a, b) == "close"
    review.reject(a, b)
    assert review.pair_decision(b, a) == "rejected"
    assert review.flag(a).event is not None and review.is_flagged(a)
    assert review.flag(a).event is not None and not review.is_flagged(a)
    review.approve(a, b)
    assert review.pair_decision(a, b) is None  # approving replaces the rejection
    concept = review.concept_of(a)
    assert concept is not None
    review.rename(concept.id, "救助工作满意度")
    assert review.concept_of(b).name == "救助工作满意度"
    with pytest.raises(DecisionError):
        review.reject(a, b)  # same concept: detach first
    review.detach(b)
    assert review.concept_of(b) is None and review.concept_of(a) is not None
    review.detach(a)
    assert review.concepts() == []
    kinds = [e.kind for e in reversed(review.events())]
    assert kinds == ["close", "reject", "flag", "unflag", "approve", "rename", "detach", "detach"]
    assert all(e.reviewer == "bob" and e.at for e in review.events())


def test_undo_walks_back_exactly(workspace: Workspace) -> None:
    review = Review(workspace, "carol")
    empty = _state(workspace)
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    c = ri(workspace, "抚顺市", "参保对象满意度")
    review.approve(a, b)
    after_one = _state(workspace)
    review.approve(c, b)
    concept = review.concept_of(a)
    review.rename(concept.id, "服务对象满意度")
    review.reject(a, ri(workspace, "抚顺市", "政策知晓率"))
    for _ in range(3):
        assert review.undo().event.kind == "undo"
    assert _state(workspace) == after_one
    review.undo()
    assert _state(workspace) == empty
    with pytest.raises(DecisionError):
        review.undo()
    assert [e.kind for e in review.events()][:4] == ["undo"] * 4  # appended, nothing deleted
    assert len(review.events(100)) == 8


def test_undo_refuses_when_a_later_decision_changed_the_rows(workspace: Workspace) -> None:
    alice, bob = Review(workspace, "alice"), Review(workspace, "bob")
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    alice.approve(a, b)
    bob.flag(a)
    bob.undo()  # bob's flag
    concept = alice.concept_of(a)
    bob.rename(concept.id, "满意度")
    bob.undo()
    alice.approve(a, ri(workspace, "抚顺市", "参保对象满意度"))
    alice.detach(b)
    # undo takes back alice's detach, then her approve; the first approve is intact
    alice.undo()
    alice.undo()
    assert {m.indicator.id for m in alice.concept_of(a).members} == {a, b}


def test_each_decision_is_committed_before_the_call_returns(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    review.approve(a, b)
    with sqlite3.connect(workspace.path) as other:  # another connection sees it at once
        assert other.execute("SELECT count(*) FROM concept_members").fetchone()[0] == 2
        assert other.execute("SELECT kind, reviewer FROM events").fetchall() == [("approve", "alice")]


def test_decisions_survive_reimport_of_unchanged_indicators(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    with Workspace(tmp_path / "ws.db") as workspace:
        import_paths(workspace, [folder], workers=1)
        review = Review(workspace, "alice")
        a = ri(workspace, "湛江市", "参保对象满意度（%）")
        b = ri(workspace, "抚顺市", "参保对象满意度")
        gone = ri(workspace, "湛江市", "系统正常使用年限")
        review.approve(a, b)
        review.flag(gone)
        target = folder / "002_034170035030169e.txt"
        target.write_text(target.read_text(encoding="utf-8").replace("系统正常使用年限", "系统使用期限"),
                          encoding="utf-8")
        results = import_paths(workspace, [folder], workers=1)
        assert [r.outcome for r in results].count("replaced") == 1
        assert {m.indicator.id for m in review.concept_of(a).members} == {a, b}
        # the flagged indicator no longer occurs, but its decision (and so its id) is kept
        assert review.is_flagged(gone)


def test_same_indicator_twice_is_refused(workspace: Workspace) -> None:
    review = Review(workspace)
    a = ri(workspace, "广州市", "政务服务好评率")
    for action in (review.approve, review.close, review.reject):
        with pytest.raises(DecisionError):
            action(a, a)


def test_pair_decisions_of_a_candidate_list_at_once(workspace: Workspace) -> None:
    review = Review(workspace, "bob")
    a, b = ri(workspace, "广州市", "工作满意度"), ri(workspace, "抚顺市", "救助对象对救助工作满意度")
    c = ri(workspace, "金寨县", "群众满意度")
    review.reject(b, a)
    review.close(c, a)
    assert review.pair_decisions(a, [b, c, a]) == {b: "rejected", c: "close"}  # either order of the pair
    assert review.pair_decisions(c, [a, b]) == {a: "close"} and review.pair_decisions(b, []) == {}
