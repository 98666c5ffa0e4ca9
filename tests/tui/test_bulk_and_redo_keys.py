"""The reviewer's decisions of issue 12 in the app, with Pilot, the store checked after each key: o no
counterpart, X none of these, A approve every likely candidate after a preview, f with a note, U redo, and
undo and redo taking the cursor to what they changed."""

from __future__ import annotations

from pathlib import Path

from app_helpers import SIZE, open_first_record, rows, settle
from conftest import ri

from store import browse
from store.review import Review
from store.suggest import is_fresh
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen
from tui.screens.dialogs import ApproveLikely, FlagNote
from tui.widgets import RowList


def _review(db: Path) -> tuple[Workspace, Review]:
    """The workspace as another process sees it: what the app committed."""
    workspace = Workspace(db)
    return workspace, Review(workspace)


async def _go_to_likely(app, pilot, db: Path) -> None:
    """Show 广州市 服务对象满意度, whose list has likely candidates (the way undo takes the reviewer to an item)."""
    with Workspace(db) as workspace:
        target = ri(workspace, "广州市", "服务对象满意度")
    app.screen.go_to(target)
    await settle(pilot)
    assert app.screen.current_indicator().regional_indicator_id == target
    assert any(c.suggestion.tier == "likely" and not c.decided for c in app.screen.candidate_rows)


async def test_no_counterpart_key_marks_and_unmarks_the_indicator(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        ri = app.screen.current_indicator().regional_indicator_id
        await pilot.press("o")
        workspace, review = _review(db)
        with workspace:
            assert review.has_no_counterpart(ri) and review.events()[0].reviewer == "alice"
        await settle(pilot)
        cursor = app.screen.query_one("#indicators", RowList).cursor
        assert rows(app, "indicators")[cursor].startswith("∅ ")
        assert "no counterpart in the other regions" in app.screen.query_one("#detail").plain
        await pilot.press("a")  # a mapping would contradict it: refused, said so
        await settle(pilot)
        assert "marked as having no counterpart" in app.screen.query_one("#status").render().plain
        await pilot.press("o")
        workspace, review = _review(db)
        with workspace:
            assert not review.has_no_counterpart(ri) and review.concept_of(ri) is None
        await settle(pilot)


async def test_none_of_these_rejects_every_candidate_then_undo_and_redo(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        ri = app.screen.current_indicator().regional_indicator_id
        candidates = [c.candidate.id for c in app.screen.candidate_rows]
        assert candidates
        await pilot.press("X")
        workspace, review = _review(db)
        with workspace:
            assert set(review.pair_decisions(ri, candidates).values()) == {"rejected"}
            assert len(review.pair_decisions(ri, candidates)) == len(candidates)
            assert review.events()[0].kind == "reject_all"
        await settle(pilot)
        await pilot.press("u")
        workspace, review = _review(db)
        with workspace:
            assert review.pair_decisions(ri, candidates) == {}
        await settle(pilot)
        await pilot.press("U")
        workspace, review = _review(db)
        with workspace:
            assert len(review.pair_decisions(ri, candidates)) == len(candidates)
            assert review.events()[0].kind == "redo"
        await settle(pilot)


async def test_approve_likely_shows_a_preview_and_approves_only_on_yes(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await _go_to_likely(app, pilot, db)
        screen = app.screen
        ri = screen.current_indicator().regional_indicator_id
        likely = {c.candidate.id for c in screen.candidate_rows if c.suggestion.tier == "likely" and not c.decided}
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ApproveLikely)
        assert {other.id for other, _score in app.screen.plan.joining} <= likely
        joining = {other.id for other, _score in app.screen.plan.joining}
        await pilot.press("n")  # no: nothing is written
        await pilot.pause()
        workspace, review = _review(db)
        with workspace:
            assert review.concept_of(ri) is None and review.events() == []
        await pilot.press("A")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        workspace, review = _review(db)
        with workspace:
            concept = review.concept_of(ri)
            assert concept is not None and {m.indicator.id for m in concept.members} == {ri, *joining}
            assert [e.kind for e in review.events()] == ["approve_all"]
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_flag_asks_for_a_note_and_f_again_unflags(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        ri = app.screen.current_indicator().regional_indicator_id
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FlagNote)
        await pilot.press("escape")  # nothing flagged
        await pilot.pause()
        workspace, review = _review(db)
        with workspace:
            assert not review.is_flagged(ri)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press(*"单位不清", "enter")
        await pilot.pause()
        workspace, review = _review(db)
        with workspace:
            assert review.is_flagged(ri) and review.flag_note(ri) == "单位不清"
        await settle(pilot)
        assert "flagged: 单位不清" in app.screen.query_one("#detail").plain
        await pilot.press("f")  # flagged already: unflags at once
        workspace, review = _review(db)
        with workspace:
            assert not review.is_flagged(ri)
        await settle(pilot)


async def test_undo_and_redo_take_the_cursor_to_what_they_changed(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        ri, candidate = screen.current_indicator().regional_indicator_id, screen.current_candidate().candidate.id
        record = screen.current_record().id
        await pilot.press("x")
        await settle(pilot)
        # somewhere else: another record, through the records pane
        await pilot.press("shift+tab")
        await pilot.press("j", "j", "j", "enter")
        await settle(pilot)
        assert screen.current_record().id != record
        await pilot.press("u")
        workspace, review = _review(db)
        with workspace:
            assert review.pair_decision(ri, candidate) is None
        await settle(pilot)
        assert screen.current_record().id == record
        assert screen.current_indicator().regional_indicator_id == ri
        assert screen.current_candidate().candidate.id == candidate
        await pilot.press("shift+tab", "j", "j", "enter")
        await settle(pilot)
        await pilot.press("U")
        workspace, review = _review(db)
        with workspace:
            assert review.pair_decision(ri, candidate) == "rejected"
        await settle(pilot)
        assert screen.current_indicator().regional_indicator_id == ri
        await pilot.press("U")  # nothing left to redo: said so
        await settle(pilot)
        assert "nothing of yours (alice) to redo" in screen.query_one("#status").render().plain


async def test_redo_in_queue_mode(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("g")
        await settle(pilot)
        queue = app.screen
        pair = (queue.item.regional_indicator_id, queue.item.candidate_id)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert (queue.item.regional_indicator_id, queue.item.candidate_id) == pair  # the undone pair, shown again
        await pilot.press("U")
        workspace, review = _review(db)
        with workspace:
            assert review.pair_decision(*pair) == "rejected"
        await settle(pilot)
        assert (queue.item.regional_indicator_id, queue.item.candidate_id) != pair


async def test_review_with_a_lexicon_matches_with_it(db: Path, tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.toml"
    lexicon.write_text('[synonyms]\ngroups = [["出具时间", "完成时效"]]\n', encoding="utf-8")
    with Workspace(db) as workspace:
        assert is_fresh(workspace) and not is_fresh(workspace, lexicon)
    app = make_app(db, reviewer="alice", keymap={}, lexicon=lexicon)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await settle(pilot)
        with Workspace(db) as workspace:  # the stored suggestions were recomputed with the reviewer's lexicon
            assert is_fresh(workspace, lexicon) and not is_fresh(workspace)


async def test_queue_proposes_an_outsider_once_per_concept_and_not_again_after_a_reject(db: Path) -> None:
    with Workspace(db) as workspace:
        members = {ri(workspace, "广州市", "服务对象满意度"), ri(workspace, "金寨县", "服务对象满意度")}
        Review(workspace, "alice").approve(*members)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await settle(pilot)  # the matcher relearns from the approval made before the app opened
        await pilot.press("g")
        await settle(pilot)
        queue = app.screen
        for _ in range(30):  # walk to the first pair of an outsider with a member of the concept
            pair = {queue.item.regional_indicator_id, queue.item.candidate_id}
            if pair & members:
                break
            await pilot.press("s")
            await settle(pilot)
        else:
            raise AssertionError("the queue proposes nothing against the concept")
        (outsider,) = pair - members
        with Workspace(db) as workspace:
            against = [item for item in browse.queue(workspace, limit=10_000)
                       if outsider in (item.regional_indicator_id, item.candidate_id)
                       and members & {item.regional_indicator_id, item.candidate_id}]
            assert len(against) == 1  # once per concept, not once per member
        await pilot.press("x")
        workspace, review = _review(db)
        with workspace:
            (member,) = pair & members
            (other,) = members - {member}
            assert review.pair_decision(outsider, member) == "rejected"
            assert review.pair_decision(outsider, other) is None
            assert not [item for item in browse.queue(workspace, limit=10_000)
                        if {item.regional_indicator_id, item.candidate_id} == {outsider, other}]
        await settle(pilot)
        assert {queue.item.regional_indicator_id, queue.item.candidate_id} != {outsider, other}


async def test_no_counterpart_in_queue_mode_takes_the_indicator_out_of_the_queue(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("g")
        await settle(pilot)
        queue = app.screen
        left = queue.item.regional_indicator_id
        await pilot.press("o")
        workspace, review = _review(db)
        with workspace:
            assert review.has_no_counterpart(left)
            assert not [item for item in browse.queue(workspace, limit=10_000)
                        if left in (item.regional_indicator_id, item.candidate_id)]
        await settle(pilot)
        assert left not in (queue.item.regional_indicator_id, queue.item.candidate_id)
        await pilot.press("u")
        workspace, review = _review(db)
        with workspace:
            assert not review.has_no_counterpart(left)
        await settle(pilot)
        assert queue.item.regional_indicator_id == left  # the undone pair, shown again
