"""Keys come from one action table: a remap reaches the key bar, the help screen, the palette and queue mode,
and a remap that would take another action's key is refused and said at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import SIZE, key_enabled, notifications, open_first_record, settle

from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.config import config_path, load_config
from tui.screens import HelpScreen, MainScreen, QueueScreen
from tui.widgets import KeyBar

SAMPLES = Path(__file__).resolve().parent.parent / "sample-configs"


def palette_titles(app) -> list[str]:
    return [command.title for command in app.get_system_commands(app.screen)]


async def test_a_remapped_key_shows_everywhere_the_action_is_offered(db: Path) -> None:
    app = make_app(db, reviewer="ann", keymap={"approve": "y"})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        titles = palette_titles(app)
        assert any(title.startswith("Approve (y)") for title in titles), titles
        assert not any(title.startswith("Approve (a)") for title in titles)
        bar = app.screen.query_one(KeyBar).render().plain
        assert " y Approve " in bar and " a Approve " not in bar
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text").render().plain
        assert any(line.split()[:2] == ["y", "Approve"] for line in help_text.splitlines()), help_text
        await pilot.press("escape")
        screen = app.screen
        pair = screen.current_indicator().regional_indicator_id, screen.current_candidate().candidate.id
        await pilot.press("a")  # no longer approves
        with Workspace(db) as other:
            assert Review(other).events() == []
        await pilot.press("y")
        with Workspace(db) as other:
            assert Review(other).concept_of(pair[0]) is not None
        await settle(pilot)


async def test_queue_mode_follows_the_keymap(db: Path) -> None:
    app = make_app(db, reviewer="ann", keymap={"approve": "y", "leave": "b"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        first = app.screen.item
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.item == first
        with Workspace(db) as other:
            assert Review(other).events() == []
        await pilot.press("y")
        await settle(pilot)
        with Workspace(db) as other:
            assert Review(other).concept_of(first.regional_indicator_id) is not None
        assert " y Approve " in app.screen.query_one(KeyBar).render().plain
        await pilot.press("escape")  # remapped away: stays in the queue
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await settle(pilot)


async def test_a_keymap_that_takes_quits_key_is_refused_and_said(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZHIBIAO_CONFIG", str(SAMPLES / "bad.toml"))
    app = make_app(db, reviewer="ann")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_first_record(app, pilot)
        said = "\n".join(notifications(app))
        assert "approve = q clashes with Quit (q) in the main screen; approve keeps a" in said
        assert "'queue_approve'" in said and "keymap reject must be a string" in said
        assert "no theme is called 'no-such-theme'" in said and "unknown setting 'colour'" in said
        await pilot.press("n", "a")  # approve keeps its key
        await settle(pilot)
        with Workspace(db) as other:
            assert [event.kind for event in Review(other).events()] == ["approve"]
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_the_config_named_by_ZHIBIAO_CONFIG_is_used(db: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZHIBIAO_CONFIG", str(SAMPLES / "keymap.toml"))
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_first_record(app, pilot)
        assert notifications(app) == []
        assert app.theme == "textual-light"
        ri = app.screen.current_indicator().regional_indicator_id
        await pilot.press("b", "enter")  # flag, without a note
        with Workspace(db) as other:
            review = Review(other)
            assert review.is_flagged(ri) and review.events()[0].reviewer == "mei"
        await settle(pilot)


def test_where_the_config_is_looked_for(tmp_path: Path, monkeypatch) -> None:
    assert config_path({"ZHIBIAO_CONFIG": "/x/z.toml", "XDG_CONFIG_HOME": "/y"}) == Path("/x/z.toml")
    assert config_path({"XDG_CONFIG_HOME": "/y"}) == Path("/y/zhibiao/config.toml")
    assert config_path({}) == Path.home() / ".config" / "zhibiao" / "config.toml"
    monkeypatch.delenv("ZHIBIAO_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config().problems == ()  # no config file is no problem
    monkeypatch.setenv("ZHIBIAO_CONFIG", str(tmp_path / "missing.toml"))
    assert load_config().problems == (f"config: {tmp_path / 'missing.toml'}: no such file",)


@pytest.mark.parametrize(("text", "problem"), [
    ("[keymap", "not a TOML config file"),
    ("keymap = 3", "[keymap] must be a table"),
    ('reviewer = ""', "reviewer must be a non-empty string"),
])
def test_a_config_it_cannot_use_is_named_with_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert len(config.problems) == 1 and problem in config.problems[0] and str(path) in config.problems[0]
    assert config.keymap == {} and config.reviewer is None


async def test_actions_without_a_candidate_are_disabled(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        # on a region row nothing is selected: approving makes no sense
        assert app.screen.check_action("approve", ()) is None
        assert app.screen.check_action("flag", ()) is None
        await pilot.press("a")
        with Workspace(db) as other:
            assert Review(other).events() == []
        # the key bar shows them dimmed, and lights them up once there is a candidate
        bar = app.screen.query_one(KeyBar)
        assert not key_enabled(bar, "a") and key_enabled(bar, "q")
        await open_first_record(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        assert key_enabled(bar, "a")


async def test_clicking_a_key_in_the_key_bar_presses_it(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        plain = bar.render().plain
        await pilot.click(KeyBar, offset=(plain.index(" ? Help") + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


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
        assert "Scroll Left" not in text  # keys that do nothing in the lists are not offered
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_keys_can_be_remapped(db: Path) -> None:
    app = make_app(db, reviewer="dan", keymap={"flag": "b"})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        a = app.screen.current_indicator().regional_indicator_id
        await pilot.press("b", "enter")  # flag, without a note
        with Workspace(db) as other:
            assert Review(other).is_flagged(a)


async def test_command_palette_offers_the_actions(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for words in ("Approve (a)", "Reject (x)", "Queue (g)", "Export (^e)", "Undo (u)"):
            assert any(title.startswith(words) for title in titles), titles


async def test_a_narrow_terminal_still_shows_every_key(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        text = bar.render()
        assert text.cell_len <= 80
        for key in (" a", " x", " u", " n", " g", " ^e", " ? Help", " q Quit"):
            assert key in text.plain
        assert "Approve" not in text.plain  # the descriptions went first
