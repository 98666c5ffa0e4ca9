"""StatusLine: the last decision (or why it was not made), the workspace, the reviewer, the progress and what
the background workers are doing or why they failed."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from store.browse import Progress
from tui.literal import literal


class StatusLine(Widget):
    """One line at the top of the main screen."""

    DEFAULT_CSS = "StatusLine { height: 1; }"

    workspace_name: reactive[str] = reactive("")
    reviewer: reactive[str] = reactive("")
    progress: reactive[Progress | None] = reactive(None)
    last_decision: reactive[str] = reactive("")
    refusal: reactive[str] = reactive("")  # why the last decision was not made
    work: reactive[str] = reactive("")
    failure: reactive[str] = reactive("")

    def __init__(self, workspace_name: str, reviewer: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(StatusLine.workspace_name, workspace_name)
        self.set_reactive(StatusLine.reviewer, reviewer)

    def render(self) -> Text:
        text = Text()
        if self.refusal:  # the last decision first: it is what the reviewer looks for
            text.append_text(literal(f"not done: {self.refusal}", "bold yellow"))
            text.append(" · ")
        elif self.last_decision:
            text.append_text(literal(self.last_decision, "bold green"))
            text.append(" · ")
        text.append("zhibiao ", style="bold")
        text.append_text(literal(self.workspace_name, "dim"))
        text.append_text(literal(f" · reviewer {self.reviewer}"))
        progress = self.progress
        if progress is not None:
            text.append(f" · mapped {progress.mapped}/{progress.regional_indicators} regional indicators"
                        f" ({progress.share_covered:.0%} of occurrences)")
        if self.work:
            text.append_text(literal(f" · {self.work}", "yellow"))
        if self.failure:
            text.append_text(literal(f" · {self.failure}", "bold red"))
        return text
