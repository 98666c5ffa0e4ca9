"""SVG snapshots of the main screens at a fixed size (update with: pytest tests/test_snapshots.py --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

from tui.app import make_app

SIZE = (160, 45)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen(db: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("j", "j", "j", "enter", "j")
        await _settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)


def test_queue_mode(db: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("g")
        await _settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)


def test_help_screen(db: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot)

    assert snap_compare(make_app(db, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)
