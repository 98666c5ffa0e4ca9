"""What goes wrong in the background is seen: a failing import or matcher shows in the status line and in a
notification, never "importing 2/2" or "loading the matcher" forever; NO_COLOR does not stop the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app_helpers import SIZE, notifications, open_first_record, rows, settle
from conftest import ROOT, SEEDS

from store.suggest import Suggester
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen


def status(app) -> str:
    return app.screen.query_one("#status").render().plain


async def test_a_matcher_that_fails_says_so(db: Path, monkeypatch) -> None:
    def fail(self) -> bool:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(Suggester, "load_names", fail)  # the matcher dies while loading
    app = make_app(db, reviewer="ann", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        shown = status(app)
        assert "the matcher failed: database disk image is malformed" in shown
        assert "loading the matcher" not in shown
        assert any("the matcher failed" in message for message in notifications(app))
        await open_first_record(app, pilot)  # the records are still there to read
        assert rows(app, "indicators")


async def test_an_import_that_fails_says_so_and_shows_what_was_stored(tmp_path: Path, monkeypatch) -> None:
    def full(self, *args, **kwargs) -> str:
        raise sqlite3.OperationalError("database or disk is full")

    db = tmp_path / "full.db"
    with Workspace(db) as workspace:  # one document stored before the disk filled up
        from store.importer import import_paths

        import_paths(workspace, [sorted(SEEDS.glob("*.txt"))[0]], workers=1)
    monkeypatch.setattr(Workspace, "store_prepared", full)
    app = make_app(db, reviewer="ann", keymap={}, paths=[SEEDS])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        shown = status(app)
        assert "importing failed: database or disk is full" in shown
        assert "importing 5/5" not in shown and "importing" not in shown.replace("importing failed", "")
        assert any("importing failed" in message for message in notifications(app))
        assert isinstance(app.screen, MainScreen) and len(rows(app, "records")) >= 1


async def test_no_color_does_not_stop_the_app(db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    for workspace in (db, tmp_path / "empty.db"):  # with records, and with the empty lists' messages
        app = make_app(workspace, reviewer="ann", keymap={})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("j", "enter", "n")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, MainScreen)
            assert "zhibiao" in status(app)


async def test_file_names_in_import_failures_are_shown_literally(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "[bold]bad\x1b]2;title\x07.txt").write_bytes((ROOT / "fixtures" / "edge" / "binary.txt").read_bytes())
    app = make_app(tmp_path / "w.db", reviewer="ann", keymap={}, paths=[folder])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        said = [message for message in notifications(app) if "bad" in message]
        assert said and "[bold]bad␛]2;title␇.txt" in said[0] and "\x1b" not in said[0]
