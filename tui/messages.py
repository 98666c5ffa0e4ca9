"""App-wide messages: what the background workers report, and what a decision changed."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui.session import Decided, Decision


@dataclass
class ImportProgress(Message):
    """The import worker stored ``done`` of ``total`` documents."""

    done: int
    total: int


@dataclass
class ImportFinished(Message):
    """The import worker is done; ``failed`` holds (file, reason) of each document it could not import."""

    failed: tuple[tuple[str, str], ...] = ()


@dataclass
class MatcherProgress(Message):
    """What the matcher worker is doing ("loading the matcher", "matching 500/2000")."""

    text: str


@dataclass
class MatcherReady(Message):
    """The matcher is loaded and every suggestion list it computes eagerly is stored."""


@dataclass
class SuggestionsRefreshed(Message, bubble=False):
    """Suggestion lists were recomputed: of ``touched`` only, or of everything when it is None. The app hands
    it on to each screen, where it stops (it must not bubble back up to the app)."""

    touched: frozenset[int] | None = None


@dataclass
class DecisionMade(Message, bubble=False):
    """A decision is committed; ``relearning``: the matcher is relearning from it (SuggestionsRefreshed
    follows)."""

    decided: Decided
    relearning: bool = False


@dataclass
class DecisionRefused(Message, bubble=False):
    """The store refused a decision or could not write it: nothing was decided."""

    decision: Decision
    reason: str


@dataclass
class ExportProgress(Message):
    """The export worker is writing ``step`` (a sheet of the workbook, or the format)."""

    step: str


@dataclass
class ExportFinished(Message):
    """The export worker is done: what it wrote, or (``failed``) why it could not."""

    text: str
    failed: bool = False


class WorkProgress(Message):
    """How far a screen's worker has got: ``done`` of ``total`` (each screen nests its own subclass, so that
    its handler is named after it)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total
