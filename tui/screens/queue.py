"""Queue mode: unreviewed suggestions best first, one pair at a time."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from store import browse
from store.review import Review
from tui.actions import QUEUE, bindings
from tui.literal import literal
from tui.messages import DecisionMade, DecisionRefused, SuggestionsRefreshed
from tui.screens.decide import decide
from tui.screens.help import HelpScreen, help_rows
from tui.session import Decision
from tui.widgets import KeyBar


class QueueScreen(Screen[bool]):
    """Unreviewed suggestions best first, one pair at a time, both sides aligned."""

    BINDINGS = bindings(QUEUE)

    def __init__(self) -> None:
        super().__init__()
        self.queue_position = 0
        self.item: browse.QueueItem | None = None
        self.decided: list[browse.QueueItem] = []  # pairs decided here, latest last: undo brings them back
        self.pinned: browse.QueueItem | None = None  # an undone pair, shown again until decided or skipped
        self.last = ""  # the last decision, in the status line
        self._asked: browse.QueueItem | None = None  # the pair of the decision under way
        self.made_decisions = False  # the main screen below redraws when it gets the focus back

    def compose(self) -> ComposeResult:
        yield Static(id="queue-status")
        yield Static(id="queue-pair")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show()

    def on_suggestions_refreshed(self, event: SuggestionsRefreshed) -> None:
        self.show()  # the matcher has relearned: the best pair may have changed

    def show(self, summary: str | None = None) -> None:
        if summary is not None:
            self.last = summary
        workspace = self.app.workspace  # type: ignore[attr-defined]
        review: Review = self.app.session.review  # type: ignore[attr-defined]
        if self.pinned is not None:
            self.item = self.pinned
        else:
            items = browse.queue(workspace, limit=1, offset=self.queue_position)
            self.item = items[0] if items else None
        pair = self.query_one("#queue-pair", Static)
        status = self.query_one("#queue-status", Static)
        last = literal(f" · {self.last}", "green") if self.last else Text()
        if self.item is None:
            pair.update(Text("No unreviewed suggestion left. Escape goes back.", style="dim"))
            status.update(Text.assemble(("queue mode", "bold"), last))
            return
        left, right = review.indicator(self.item.regional_indicator_id), review.indicator(self.item.candidate_id)
        text = Text()
        width = 30
        for label, a, b in (("region", left.region, right.region), ("indicator", left.name, right.name),
                            ("level 1", left.level1 or "—", right.level1 or "—"),
                            ("level 2", left.level2 or "—", right.level2 or "—")):
            text.append(f"{label:>10}  ", style="dim")
            cell = literal(a)
            cell.align("left", width)
            text.append_text(cell)
            text.append("  ")
            text.append_text(literal(b))
            text.append("\n")
        targets_a = [o.annual_value or o.period_value or "—" for o in browse.occurrences(workspace, left.id, 3)]
        targets_b = [o.annual_value or o.period_value or "—" for o in browse.occurrences(workspace, right.id, 3)]
        text.append(f"{'targets':>10}  ", style="dim")
        cell = literal(" / ".join(dict.fromkeys(targets_a)))
        cell.align("left", width)
        text.append_text(cell)
        text.append("  ")
        text.append_text(literal(" / ".join(dict.fromkeys(targets_b))))
        text.append(f"\n\n{'score':>10}  {self.item.score:.2f}\n", style="bold cyan")
        text.append(f"{'why':>10}  ", style="dim")
        text.append_text(literal(self.item.explanation))
        pair.update(text)
        where = "the pair just undone" if self.pinned is not None else f"pair {self.queue_position + 1}"
        status.update(Text.assemble((f"queue mode · {where}", "bold"), last))

    def action_approve(self) -> None:
        self.decide("approve")

    def action_close_match(self) -> None:
        self.decide("close")

    def action_reject(self) -> None:
        self.decide("reject")

    def decide(self, kind: str) -> None:
        if self.item is not None:
            self._asked = self.item
            decide(self, Decision(kind, self.item.regional_indicator_id, self.item.candidate_id, self.item.score))

    def action_skip(self) -> None:
        self.pinned = None  # an undone pair is back in the queue where it was, at the current position
        self.queue_position += 1
        self.show()

    def action_undo(self) -> None:
        decide(self, Decision("undo"))

    def on_decision_made(self, message: DecisionMade) -> None:
        self.made_decisions = True
        if message.decided.decision.kind == "undo":
            if self.decided:
                self.pinned = self.decided.pop()  # the undone pair comes back, to decide again
        elif self._asked is not None:
            self.decided.append(self._asked)
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
