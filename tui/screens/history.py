"""History: the decision log (who, when, what), newest first; Enter shows the indicator a decision changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from store import browse
from tui.actions import HISTORY, bindings
from tui.literal import literal
from tui.widgets import KeyBar, RowList


def entry_text(entry: browse.HistoryEntry) -> Text:
    return Text.assemble(literal(entry.at[:19].replace("T", " "), "dim"), "  ", literal(entry.reviewer, "cyan"),
                         "  ", (f"{entry.kind:<8}", "bold"), " ", literal(entry.summary))


class HistoryScreen(Screen[int | None]):
    """Every decision newest first; dismissed with the regional indicator to show, or None."""

    BINDINGS = bindings(HISTORY)

    def compose(self) -> ComposeResult:
        yield Static(Text("History: every decision, newest first. Enter shows the indicator; Escape goes back.",
                          style="bold"), id="history-title")
        yield RowList(id="history", empty="no decision yet")
        yield KeyBar()

    def on_mount(self) -> None:
        self.entries = browse.history(self.app.session.workspace)  # type: ignore[attr-defined]
        rows = self.query_one("#history", RowList)
        rows.set_rows([entry_text(entry) for entry in self.entries], 0, announce=False)
        rows.focus()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        cursor = self.query_one("#history", RowList).cursor
        if 0 <= cursor < len(self.entries) and self.entries[cursor].indicators:
            self.dismiss(self.entries[cursor].indicators[0])
        elif self.entries:
            self.notify("this decision changed no indicator", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
