"""One decision flow for both screens: every decision is committed before the screen moves on, a merge is
confirmed first, and a decision the store refuses is said in the status line and never shown as made."""

from __future__ import annotations

from pathlib import Path

from app_helpers import SIZE, open_first_record, settle
from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.config import Config
from tui.messages import DecisionMade, DecisionRefused
from tui.screens import QueueScreen


def status(app) -> str:
    return app.screen.query_one("#status").render().plain


def recorder(seen: list):
    """A message hook keeping the decision messages the screens receive."""
    def hook(message) -> None:
        if isinstance(message, DecisionMade | DecisionRefused):
            seen.append(message)
    return hook


# The app looks for other processes' decisions every poll_seconds and then shows them: these tests decide before
# it looks, as a reviewer does who acts within the poll interval.
NO_POLL = Config(poll_seconds=3600)


async def test_a_pair_decided_meanwhile_elsewhere_is_refused_not_overwritten(db: Path) -> None:
    seen: list = []
    app = make_app(db, reviewer="alice", config=NO_POLL)
    async with app.run_test(size=SIZE, message_hook=recorder(seen)) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        screen = app.screen
        a, b = screen.current_indicator().regional_indicator_id, screen.current_candidate().candidate.id
        with Workspace(db) as other:  # a colleague approves the very pair on the screen
            Review(other, "bob").approve(a, b)
        await pilot.press("c")  # alice calls it a close match: they are one concept now
        await pilot.pause()
        with Workspace(db) as other:
            review = Review(other)
            assert review.pair_decision(a, b) is None and [e.kind for e in review.events()] == ["approve"]
        shown = status(app)
        assert shown.startswith("not done: bob changed this meanwhile") and "close match" not in shown
        assert [type(m) for m in seen] == [DecisionRefused] and seen[0].decision.kind == "close"
        await settle(pilot)


async def test_a_workspace_that_cannot_be_written_refuses_every_decision(db: Path) -> None:
    seen: list = []
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, message_hook=recorder(seen)) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        app.session.workspace.connection.execute("PRAGMA query_only = ON")  # as a read-only file would be
        for key in ("a", "x", "f", "u"):
            await pilot.press(key)
            if key == "f":  # the flag asks for an optional note
                await pilot.press("enter")
            await pilot.pause()
            assert status(app).startswith("not done: "), (key, status(app))
        assert "read-only" in status(app) or "nothing to undo" in status(app)
        assert all(isinstance(m, DecisionRefused) for m in seen) and len(seen) == 4
        with Workspace(db) as other:
            assert Review(other).events() == []
        await settle(pilot)


async def test_each_decision_is_committed_and_announced_once(db: Path) -> None:
    seen: list = []
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, message_hook=recorder(seen)) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        screen = app.screen
        a, b = screen.current_indicator().regional_indicator_id, screen.current_candidate().candidate.id
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("f", "enter")
        await settle(pilot)
        made = [m for m in seen if isinstance(m, DecisionMade)]
        assert [m.decided.decision.kind for m in made] == ["approve", "flag"]
        assert set(made[0].decided.touched) == {a, b} and made[0].relearning  # the matcher relearns the pair
        assert made[1].decided.touched == () and not made[1].relearning
        assert status(app).startswith("flagged ")


async def test_queue_mode_says_why_a_pair_cannot_be_decided_and_goes_on(db: Path) -> None:
    app = make_app(db, reviewer="alice", config=NO_POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        first = app.screen.item
        with Workspace(db) as other:
            Review(other, "bob").approve(first.regional_indicator_id, first.candidate_id)
        await pilot.press("x")
        await pilot.pause()
        shown = str(app.screen.query_one("#queue-status").render())
        assert "not done: bob changed this meanwhile" in shown
        assert app.screen.item != first
        with Workspace(db) as other:
            assert [e.kind for e in Review(other).events()] == ["approve"]
        await settle(pilot)


async def test_merging_two_concepts_waits_for_the_answer(db: Path) -> None:
    with Workspace(db) as workspace:
        review = Review(workspace, "alice")
        review.approve(ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度"))
        review.approve(ri(workspace, "湛江市", "参保对象满意度（%）"), ri(workspace, "抚顺市", "参保对象满意度"))
        one, two = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "抚顺市", "参保对象满意度")
    seen: list = []
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, message_hook=recorder(seen)) as pilot:
        await settle(pilot)
        from tui.screens.decide import decide
        from tui.session import Decision

        decide(app.screen, Decision("approve", one, two, 0.5))
        await pilot.pause()
        await pilot.press("n")  # no: both concepts stay as they are
        await pilot.pause()
        with Workspace(db) as other:
            assert len(Review(other).concepts()) == 2
        assert not any(isinstance(m, DecisionMade) for m in seen)
        decide(app.screen, Decision("approve", one, two, 0.5))
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        with Workspace(db) as other:
            assert [len(c.members) for c in Review(other).concepts()] == [4]
        assert [m.decided.decision.kind for m in seen if isinstance(m, DecisionMade)] == ["approve"]
        assert status(app).startswith("merged ")
