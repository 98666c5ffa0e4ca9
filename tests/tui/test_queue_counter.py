"""Queue mode says where the reviewer stands: "pair N of M · K likely left", kept true after each key."""

from __future__ import annotations

import re
from pathlib import Path

from app_helpers import SIZE, settle

from store import browse
from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import QueueScreen


def _status(app) -> str:
    return str(app.screen.query_one("#queue-status").render())


def _counter(app) -> tuple[int, int, int]:
    found = re.search(r"pair (\d+) of (\d+) · (\d+) likely left", _status(app))
    assert found, _status(app)
    return int(found[1]), int(found[2]), int(found[3])


async def test_the_counter_follows_every_decision(db: Path) -> None:
    with Workspace(db) as workspace:
        total, likely = browse.queue_counts(workspace)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert _counter(app) == (1, total, likely)
        first = app.screen.item
        await pilot.press("x")
        with Workspace(db) as other:
            assert Review(other).pair_decision(first.regional_indicator_id, first.candidate_id) == "rejected"
        await settle(pilot)
        n, m, k = _counter(app)
        assert n == 2 and m == 1 + browse.queue_counts(app.workspace)[0]
        assert k == browse.queue_counts(app.workspace)[1]
        await pilot.press("s")
        await settle(pilot)
        assert _counter(app)[0] == 3
        await pilot.press("u")  # the rejection undone: the pair is back, and counted
        with Workspace(db) as other:
            assert Review(other).pair_decision(first.regional_indicator_id, first.candidate_id) is None
        await settle(pilot)
        assert "the pair just undone" in _status(app) and app.screen.item == first
        await pilot.press("a")
        with Workspace(db) as other:
            assert Review(other).concept_of(first.regional_indicator_id) is not None
        await settle(pilot)
        assert _counter(app)[0] == 3  # where the queue was before the undo
