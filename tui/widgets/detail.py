"""DetailView: where the highlighted indicator comes from (document, line, raw text), why the candidate is
suggested, and its concept's members with their targets side by side; redrawn without a layout pass."""

from __future__ import annotations

import re

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.literal import literal
from tui.session import Detail

MEMBER_LINES = 7  # members the detail strip lists beside the provenance


_WELCOME = Text.assemble(
    ("Welcome to zhibiao.\n", "bold"),
    "This workspace has no documents yet. Import published 预算绩效目标表 (text extracted from PDFs; files or "
    "folders):\n\n",
    ("    zhibiao review PATH...        ", "bold cyan"), "imports them, then opens this app\n",
    ("    zhibiao import PATH... --db FILE", "bold cyan"), "  imports without opening it\n\n",
    ("Press ? for every key, q to quit.", "dim"))
_NOTHING = Text("Move to a record and an indicator to see where it comes from.", style="dim")


_LEARNED = re.compile(r"^(?P<label>.*) \((?P<origin>learned from .*)\) (?P<value>[+−]\d+\.\d\d)$")


def learned_parts(explanation: str) -> list[tuple[str, str, str]]:
    """(term correspondence, the decision it was learned from, its value) of each learned part of an
    explanation."""
    found = []
    for part in explanation.split(" · "):
        match = _LEARNED.match(part)
        if match:
            found.append((match["label"], match["origin"], match["value"]))
    return found


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DetailView(Widget):
    """A fixed-size panel of text, with the concept's members in a second column beside it: new content
    redraws it without a layout pass (unlike Static)."""

    DEFAULT_CSS = "DetailView { height: 10; }"

    detail: reactive[Detail] = reactive(Detail(), always_update=True, init=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.content = Text()
        self.side: Text | None = None

    @property
    def plain(self) -> str:
        """What the panel says, as plain text (the side column after the main one)."""
        return self.content.plain + ("" if self.side is None else "\n" + self.side.plain)

    def show(self, content: Text, side: Text | None = None) -> None:
        same = (content.plain == self.content.plain and content.spans == self.content.spans
                and (side is None) == (self.side is None)
                and (side is None or (side.plain == self.side.plain and side.spans == self.side.spans)))  # type: ignore[union-attr]
        self.content, self.side = content, side
        if not same:
            self.refresh()

    def watch_detail(self, detail: Detail) -> None:
        row = detail.indicator
        if row is None:
            self.show(_WELCOME if detail.empty else _NOTHING)
            return
        text = Text()
        text.append_text(literal(f"{row.level1 or '?'} › {row.level2 or '?'} › ", "dim"))
        text.append_text(literal(row.name, "bold"))
        text.append_text(literal(f"   period {row.period_value or '—'} · annual {row.annual_value or '—'}", "cyan"))
        if row.flagged:
            text.append_text(literal(f"   flagged{': ' + row.flag_note if row.flag_note else ''}", "yellow"))
        if row.no_counterpart:
            text.append("   no counterpart in the other regions", style="magenta")
        if row.best_score is not None and row.best_tier != "likely" and not row.concept:
            text.append("   no likely match", style="bold yellow")
        occurrences = detail.occurrences
        if occurrences:  # where it comes from: the first place in full, the others by project and line
            first = occurrences[0]
            text.append("\n")
            text.append_text(literal(f"{first.document} {first.where} · ", "dim"))
            text.append_text(literal(first.project))
            text.append("\n  ")
            text.append_text(literal(_clip(first.raw or "", 120), "dim"))
            if len(occurrences) > 1:
                more = len(occurrences) - 3
                text.append("\nalso in ", style="dim")
                text.append_text(literal(", ".join(f"{o.project} ({o.where})" for o in occurrences[1:3])))
                if more > 0:
                    text.append(f" and {more}{'+' if len(occurrences) == 6 else ''} more", style="dim")
        if detail.candidate is not None:
            other = detail.candidate.candidate
            text.append("\nwith: ", style="bold")
            text.append_text(literal(f"{other.region} · {other.name}", "bold"))
            if detail.candidate.targets:
                text.append_text(literal(f"  {detail.candidate.targets}", "green"))
            text.append(f"  {detail.candidate.tier}", style="green" if detail.candidate.tier == "likely" else "yellow")
        if detail.why is not None:
            text.append("\nwhy: ", style="bold")
            text.append_text(literal(" · ".join(part for part in detail.why.split(" · ")
                                                 if not _LEARNED.match(part)), "dim"))
            for label, origin, value in learned_parts(detail.why):
                text.append("\nlearned: ", style="bold magenta")
                text.append_text(literal(f"{label} {value}", "magenta"))
                text.append_text(literal(f" — {origin}", "dim"))
        self.show(text, None if detail.concept is None else self._members_text(detail))

    def _members_text(self, detail: Detail) -> Text:
        """The concept's members with their target values side by side (names padded to one width)."""
        concept = detail.concept
        assert concept is not None
        side = Text()
        side.append("concept ", style="bold green")
        side.append_text(literal(concept.name, "bold"))
        side.append(f"  {len(concept.members)} members", style="dim")
        members = concept.members
        shown = members if len(members) <= MEMBER_LINES else members[:MEMBER_LINES - 1]
        labels = [literal(f"{m.indicator.region} · {m.indicator.name}") for m in shown]
        # before the first layout the strip has no size yet: the screen's width is what it will get
        width = self.content_region.width or self.app.size.width - 4
        column = max(width // 2 - 2, 24)
        label_width = min(max((label.cell_len for label in labels), default=0), 44, column - 14)
        for label, targets in zip(labels, detail.member_targets, strict=False):
            label.truncate(label_width, overflow="ellipsis", pad=True)
            side.append("\n")
            side.append_text(label)
            side.append_text(literal(f"  {' / '.join(targets)}", "cyan"))
        if len(shown) < len(members):
            side.append(f"\n… and {len(members) - len(shown)} more (all of them in the export)", style="dim")
        return side

    def render(self) -> RenderableType:
        if self.side is None:
            return self.content
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1, overflow="fold")  # CJK text has no spaces to wrap at: fold it
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(self.content, self.side)
        return grid
