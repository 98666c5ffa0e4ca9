"""The review app, driven with Textual's Pilot: keys change the store before the screen moves on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from store.review import Review
from store.suggest import ensure
from store.workspace import Workspace
from tui.app import HelpScreen, MainScreen, QueueScreen, make_app
from tui.widgets import RowList

SIZE = (160, 45)


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    shutil.copy(seeded, path)
    with Workspace(path) as workspace:
        ensure(workspace)
    return path


def rows(app, name: str) -> list[str]:
    return [row.plain for row in app.screen.query_one(f"#{name}", RowList).rows]


async def open_first_record(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("j", "enter")  # the first record of the first region, then into its indicators
    await pilot.pause()


async def test_main_screen_shows_records_indicators_candidates(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert rows(app, "records")[0].startswith("v 广州市")
        assert any("因公出国(境)的目标完成情况" in r for r in rows(app, "indicators"))
        assert app.screen.query_one("#indicators", RowList).has_focus
        status = app.screen.query_one("#status").render().plain
        assert "reviewer alice" in status and "mapped 0/299" in status


async def test_approve_then_undo(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")  # next indicator with an unreviewed suggestion, best candidate highlighted
        screen = app.screen
        indicator = screen.current_indicator()
        candidate = screen.current_candidate()
        assert indicator is not None and candidate is not None
        await pilot.press("a")
        with Workspace(db) as other:  # committed: another connection sees it
            concept = Review(other).concept_of(indicator.regional_indicator_id)
            assert concept is not None
            assert candidate.candidate.id in {m.indicator.id for m in concept.members}
        assert rows(app, "indicators")[screen.query_one("#indicators", RowList).cursor].startswith("+")
        await pilot.press("u")
        with Workspace(db) as other:
            assert Review(other).concept_of(indicator.regional_indicator_id) is None
        await app.workers.wait_for_complete()


async def test_reject_close_and_flag_keys(db: Path) -> None:
    app = make_app(db, reviewer="bob", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        screen = app.screen
        a = screen.current_indicator().regional_indicator_id
        b = screen.current_candidate().candidate.id
        await pilot.press("x")
        await pilot.press("f")
        with Workspace(db) as other:
            review = Review(other)
            assert review.pair_decision(a, b) == "rejected" and review.is_flagged(a)
            assert [e.kind for e in review.events()][:2] == ["flag", "reject"]
            assert review.events()[0].reviewer == "bob"
        await app.workers.wait_for_complete()


async def test_actions_without_a_candidate_are_disabled(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # on a region row nothing is selected: approving makes no sense
        assert app.screen.check_action("approve", ()) is None
        assert app.screen.check_action("rename", ()) is None
        await pilot.press("a")
        with Workspace(db) as other:
            assert Review(other).events() == []


async def test_queue_mode_walks_pairs_best_first(db: Path) -> None:
    app = make_app(db, reviewer="carol", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        first = app.screen.item
        assert first is not None
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.item is not None and app.screen.item != first
        with Workspace(db) as other:
            assert Review(other).concept_of(first.regional_indicator_id) is not None
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await app.workers.wait_for_complete()


async def test_help_is_generated_from_the_bindings(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text").render().plain
        for words in ("Approve", "Reject", "Close", "Undo", "Queue", "Export", "↑, k", "↓, j"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_keys_can_be_remapped(db: Path) -> None:
    app = make_app(db, reviewer="dan", keymap={"flag": "m"})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        a = app.screen.current_indicator().regional_indicator_id
        await pilot.press("m")
        with Workspace(db) as other:
            assert Review(other).is_flagged(a)


async def test_document_text_is_shown_literally(tmp_path: Path) -> None:
    db = tmp_path / "markup.db"
    app = make_app(db, paths=[ROOT / "fixtures" / "markup" / "markup.txt"], keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("j", "enter")
        await pilot.pause()
        shown = rows(app, "indicators")
        assert any("[bold]满意度[/bold]" in r for r in shown)
        assert any("[/]" in r for r in shown)
        assert any("危险␛[31m红色␛[0m名称" in r for r in shown)
        assert any("[bold]医保[/bold]经费" in r for r in rows(app, "records"))
