"""App-wide messages: what the background workers report to the screens."""

from __future__ import annotations

from textual.message import Message


class SuggestionsReady(Message):
    """The matcher finished (re)computing suggestions in the background (``touched``: only these)."""

    def __init__(self, touched: frozenset[int] | None = None) -> None:
        super().__init__()
        self.touched = touched


class MatchProgress(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
