"""SVG snapshots of the concepts screen and of one concept's comparison at a fixed size, on the seeds with the
satisfaction, 参保率 and 资金到位率 families mapped (update with: pytest tests/tui/test_library_snapshots.py
--snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import SIZE, settle
from crosswalk_families import mapped_copy

from tui.app import make_app


@pytest.fixture
def mapped(db: Path, tmp_path: Path) -> Path:
    return mapped_copy(db, tmp_path)[0]


def test_concepts_screen(mapped: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("j")

    assert snap_compare(make_app(mapped, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)


def test_a_concepts_comparison(mapped: Path, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("j", "enter")  # 居民参保率, the second most covered
        await settle(pilot)
        await pilot.press("j")  # 抚顺市: far from the others, and another level 2
        await settle(pilot)

    assert snap_compare(make_app(mapped, reviewer="alice", keymap={}), terminal_size=SIZE, run_before=run_before)
