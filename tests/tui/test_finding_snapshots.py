"""SVG snapshots of the map-to search box, queue mode with its counter, and the main screen at 80×24 (update
with: pytest tests/tui/test_finding_snapshots.py --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

from app_helpers import settle
from conftest import ri
from textual.widgets import Input

from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen

SIZE = (160, 45)


def test_map_to_search_box(db: Path, snap_compare) -> None:
    with Workspace(db) as workspace:
        source = ri(workspace, "广州市", "服务对象满意度")

    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen) and screen.jump_to(source)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        pilot.app.screen.query_one(Input).cursor_blink = False
        await pilot.press(*"参保满意度")
        await settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)


def test_queue_with_its_counter(db: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("s")  # one skipped: pair 2 of M
        await settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)


def test_main_screen_at_80_by_24(db: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("j", "enter", "n")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=(80, 24), run_before=run_before)
