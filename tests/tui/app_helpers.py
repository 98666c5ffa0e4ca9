"""What the app tests share: the terminal size, waiting for the workers, and reading what a list or the key
bar shows."""

from __future__ import annotations

import contextlib

from textual.app import App
from textual.worker import WorkerFailed

from tui.widgets import KeyBar, RowList

SIZE = (160, 45)


async def workers_done(app: App) -> None:
    """Wait for the app's workers; one that fails is the app's to report (the tests read what it shows), so
    its failure is not raised here: whether it was depends only on when the wait began."""
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()


async def settle(pilot) -> None:
    """Wait until the background work a key started has finished and its results are drawn."""
    await workers_done(pilot.app)
    await pilot.pause()
    await workers_done(pilot.app)
    await pilot.pause()


async def open_first_record(app: App, pilot) -> None:
    """The first record of the first region, then into its indicators."""
    await workers_done(app)
    await pilot.pause()
    await pilot.press("j", "enter")
    await pilot.pause()


def rows(app: App, name: str) -> list[str]:
    """What one list (records, indicators, candidates) shows, row by row."""
    return [row.plain for row in app.screen.query_one(f"#{name}", RowList).rows]


def key_enabled(bar: KeyBar, key: str) -> bool:
    """Whether the key bar draws ``key`` as enabled (not dimmed)."""
    text = bar.render()
    start = text.plain.index(f" {key} ")
    return not any(span.style.dim for span in text.spans if span.start <= start < span.end
                   if not isinstance(span.style, str))


def notifications(app: App) -> list[str]:
    """The messages the app has notified (the app must run with ``notifications=True``)."""
    return [notification.message for notification in app._notifications]
