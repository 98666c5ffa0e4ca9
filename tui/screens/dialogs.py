"""Modal dialogs: confirm a merge, rename a concept, choose where to export, a flag's note, the preview of
approving every likely candidate."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label

from store.bulk import BulkPlan
from tui.actions import DIALOG, MERGE, bindings
from tui.exports import FORMATS, format_of, with_format
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
    """Where to write the crosswalk and in which format: the mapping (TOML, CSV), the workbook, or SSSOM."""

    BINDINGS = bindings(DIALOG)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Export the crosswalk: path (.toml, .csv, .xlsx workbook or .sssom.tsv)")
            yield Input(value="mapping.toml", id="export-path")
            with Horizontal(id="export-formats"):
                yield Button("TOML", id="toml", variant="primary")
                yield Button("CSV (Excel)", id="csv")
                yield Button("Workbook", id="xlsx", tooltip=FORMATS["xlsx"][0])
                yield Button("SSSOM", id="sssom", tooltip=FORMATS["sssom"][0])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        self.dismiss((path, format_of(Path(path))) if path else None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        fmt = event.button.id or "toml"
        path = self.query_one("#export-path", Input).value.strip()
        self.dismiss((with_format(path, fmt), fmt) if path else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_crosswalk(screen: Screen) -> None:
    """Ask where to write the crosswalk, then write it in the app's export worker."""

    def chosen(answer: tuple[str, str] | None) -> None:
        if answer:
            screen.app.export_crosswalk(Path(answer[0]), answer[1])  # type: ignore[attr-defined]

    screen.app.push_screen(ExportDialog(), chosen)


class FlagNote(ModalScreen[str | None]):
    """Flag an indicator: an optional note (Enter flags, with the note if one is typed; Escape flags nothing)."""

    BINDINGS = bindings(DIALOG)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.indicator_name = name

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text.assemble("Flag ", literal(self.indicator_name, "bold"), " for a second look"))
            yield Input(placeholder="note (optional): why it needs a second look", id="flag-note")
            yield Label(Text("Enter flags it, Escape leaves it unflagged", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ApproveLikely(ModalScreen[bool]):
    """The preview of approving every likely candidate of an indicator into one concept: y approves them."""

    BINDINGS = bindings(MERGE)

    def __init__(self, plan: BulkPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        plan = self.plan
        into = "into concept " if plan.concept_id is not None else "as a new concept "
        with Vertical(id="dialog"):
            yield Label(Text.assemble(f"Approve {len(plan.joining)} likely candidates of ",
                                      literal(plan.indicator.name, "bold"), f" {into}", literal(plan.name, "bold"),
                                      "?"))
            for other, score in plan.joining:
                yield Label(Text.assemble("  + ", literal(f"{other.region} · {other.name}"),
                                          (f"  {score:.2f}" if score is not None else "", "cyan")))
            for skipped in plan.skipped:
                yield Label(Text.assemble("  − ", literal(f"{skipped.indicator.region} · {skipped.indicator.name}"),
                                          literal(f"  left out: {skipped.reason}", "dim")))
            yield Label(Text("y approves them as one decision (u undoes it), n leaves them", style="dim"))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
