"""The help screen: every key of the screen below, generated from its active bindings."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import HELP, bindings


def help_rows(app: App) -> list[tuple[str, str, str]]:
    """(keys, description, tooltip with the id to remap it by) of every active binding, keys of one action
    together."""
    grouped: dict[tuple[str, str], list[str]] = {}
    tooltips: dict[tuple[str, str], str] = {}
    for active in app.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        key = (binding.action, binding.description)
        grouped.setdefault(key, []).append(app.get_key_display(binding))
        remap = f" [keymap id: {binding.id}]" if binding.id else ""
        tooltips[key] = f"{binding.tooltip}{remap}".strip()
    return [(", ".join(dict.fromkeys(keys)), description, tooltips[(action, description)])
            for (action, description), keys in grouped.items()]


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, generated from its bindings."""

    BINDINGS = bindings(HELP)

    def __init__(self, bindings: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.bindings_table = bindings

    def compose(self) -> ComposeResult:
        text = Text("zhibiao keys\n\n", style="bold")
        for keys, description, tooltip in self.bindings_table:
            text.append(f"{keys:>14}  ", style="bold cyan")
            text.append(description)
            if tooltip:
                text.append(f" — {tooltip}", style="dim")
            text.append("\n")
        with Vertical(id="dialog"):
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
