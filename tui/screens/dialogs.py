"""Modal dialogs: confirm a merge, rename a concept, choose where to export."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from tui.actions import DIALOG, MERGE, bindings
from tui.literal import literal


class ConfirmMerge(ModalScreen[bool]):
    """Approving A ~ B would merge two concepts: ask first."""

    BINDINGS = bindings(MERGE)

    def __init__(self, first: str, second: str) -> None:
        super().__init__()
        self.first, self.second = first, second

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text.assemble("Merge concept ", literal(self.first, "bold"), " into ",
                                      literal(self.second, "bold"), "?"))
            yield Label(Text("y merges them into one concept, n leaves both as they are", style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RenameConcept(ModalScreen[str | None]):
    BINDINGS = bindings(DIALOG)

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Rename concept")
            yield Input(value=self.current, id="rename-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = bindings(DIALOG)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Export the crosswalk: path (.toml or .csv)")
            yield Input(value="mapping.toml", id="export-path")
            with Horizontal():
                yield Button("TOML", id="toml", variant="primary")
                yield Button("CSV (Excel)", id="csv")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        self.dismiss((path, "csv" if path.lower().endswith(".csv") else "toml") if path else None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if event.button.id == "csv" and path.endswith(".toml"):
            path = path[:-5] + ".csv"
        self.dismiss((path, event.button.id or "toml") if path else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
