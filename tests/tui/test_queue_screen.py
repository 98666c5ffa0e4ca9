"""Queue mode: unreviewed pairs best first, both sides aligned, decided with the main screen's keys."""

from __future__ import annotations

from pathlib import Path

from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen, QueueScreen

SIZE = (160, 45)


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
        status = app.screen.query_one("#queue-status").render()
        assert "approved" in str(status)
        second = app.screen.item
        await pilot.press("x")  # a slip: reject the second pair, then undo it
        await pilot.pause()
        assert app.screen.item != second
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.item == second  # the undone pair is back, to decide again
        assert "undid: rejected" in str(app.screen.query_one("#queue-status").render())
        with Workspace(db) as other:
            assert Review(other).pair_decision(second.regional_indicator_id, second.candidate_id) is None
        await pilot.press("s")  # skipping it goes on with the queue
        await pilot.pause()
        assert app.screen.item not in (None, second)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await app.workers.wait_for_complete()


async def test_queue_columns_align_by_terminal_cells(db: Path) -> None:
    from rich.cells import cell_len

    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("g")
        await pilot.pause()
        lines = app.screen.query_one("#queue-pair").render().plain.split("\n")[:6]
        lines = [lines[0], *lines[2:]]  # the project line (line 2) is checked in the counter's test
        item = app.screen.item
        left = Review(app.workspace).indicator(item.regional_indicator_id)
        right = Review(app.workspace).indicator(item.candidate_id)
        starts = {cell_len(line[: line.rindex(value)]) for line, value in zip(
            lines, (right.region, right.name, right.level1 or "—", right.level2 or "—"), strict=False)}
        assert len(starts) == 1  # the right-hand side starts in the same column on every line
        assert left.name in lines[1]
