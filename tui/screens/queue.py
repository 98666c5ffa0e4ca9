"""Queue mode: unreviewed suggestions best first, one pair at a time, decided with the main screen's keys
through the same decision flow."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import var
from textual.widgets import Static

from store import browse
from tui.actions import QUEUE, bindings
from tui.literal import literal
from tui.messages import DecisionMade, DecisionRefused, SuggestionsRefreshed
from tui.screens.decide import DecidingScreen, decide
from tui.screens.help import HelpScreen, help_rows
from tui.session import Decision, QueuePair, ReviewSession
from tui.widgets import KeyBar, PairView


class QueueScreen(DecidingScreen[bool]):
    """Unreviewed suggestions best first, both sides aligned; dismissed with whether anything was decided."""

    BINDINGS = bindings(QUEUE)

    pair: var[QueuePair | None] = var(None, always_update=True)

    def __init__(self) -> None:
        super().__init__()
        self.queue_position = 0
        self.item: browse.QueueItem | None = None
        self.decided: list[browse.QueueItem] = []  # pairs decided here, latest last: undo brings them back
        self.pinned: browse.QueueItem | None = None  # an undone pair, shown again until decided or skipped
        self.last = ""  # the last decision, in the status line
        self.made_decisions = False  # the main screen below redraws when it gets the focus back

    @property
    def session(self) -> ReviewSession:
        return self.app.session  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(id="queue-status")
        yield PairView(id="queue-pair").data_bind(QueueScreen.pair)
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()

    def on_suggestions_refreshed(self, event: SuggestionsRefreshed) -> None:
        self.show()  # the matcher has relearned: the best pair may have changed

    def show(self, summary: str | None = None) -> None:
        """The pinned pair, or the one at the queue position, and the status line."""
        if summary is not None:
            self.last = summary
        item, left, likely = browse.queue_at(self.session.workspace, self.queue_position)
        self.item = self.pinned if self.pinned is not None else item
        self.pair = None if self.item is None else self.session.queue_pair(self.item)
        last = literal(f" · {self.last}", "green") if self.last else Text()
        done = len(self.decided)
        if self.item is None:
            where = f"queue mode · {done} decided here, nothing left"
        elif self.pinned is not None:
            where = f"queue mode · the pair just undone · {likely} likely left"
        else:
            where = (f"queue mode · pair {done + self.queue_position + 1} of {done + left}"
                     f" · {likely} likely left")
        self.query_one("#queue-status", Static).update(Text.assemble((where, "bold"), last))

    def decision_pair(self) -> tuple[int, int, float] | None:
        item = self.item
        return None if item is None else (item.regional_indicator_id, item.candidate_id, item.score)

    def action_no_counterpart(self) -> None:
        """The left side of the pair shown has no counterpart anywhere: its pairs leave the queue."""
        if self.item is not None:
            decide(self, Decision("no_counterpart", self.item.regional_indicator_id))

    def action_skip(self) -> None:
        self.pinned = None  # an undone pair is back in the queue where it was, at the current position
        self.queue_position += 1
        self.show()

    def on_decision_made(self, message: DecisionMade) -> None:
        self.made_decisions = True
        if message.decided.decision.kind == "undo":
            if self.decided:
                self.pinned = self.decided.pop()  # the undone pair comes back, to decide again
        elif message.decided.decision.kind == "redo":
            self.pinned = None  # the pair redone is decided again: it leaves the queue
        elif self.item is not None:  # the pair shown is the one decided: the screen waits for the decision
            self.decided.append(self.item)
            self.pinned = None
        self.show(message.decided.summary)

    def on_decision_refused(self, message: DecisionRefused) -> None:
        self.notify(message.reason, severity="warning", markup=False)
        if message.decision.kind != "undo":  # the pair cannot be decided here: go on with the next
            self.pinned = None
            self.queue_position += 1
        self.show(f"not done: {message.reason}")

    def action_leave(self) -> None:
        self.dismiss(self.made_decisions)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self.app)))
