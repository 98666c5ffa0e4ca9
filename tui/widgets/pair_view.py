"""PairView: queue mode's pair, the two indicators in two columns aligned by terminal cells."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.literal import literal
from tui.session import QueuePair

_WIDTH = 30  # the left column, in terminal cells


class PairView(Widget):
    """Both sides of a pair line by line: region, indicator, levels, targets; then score and why."""

    pair: reactive[QueuePair | None] = reactive(None, always_update=True)

    def render(self) -> Text:
        pair = self.pair
        if pair is None:
            return Text("No unreviewed suggestion left. Escape goes back.", style="dim")
        left, right = pair.left, pair.right
        text = Text()
        for label, a, b in (("region", left.region, right.region),
                            ("project", pair.left_project or "—", pair.right_project or "—"),
                            ("indicator", left.name, right.name),
                            ("level 1", left.level1 or "—", right.level1 or "—"),
                            ("level 2", left.level2 or "—", right.level2 or "—"),
                            ("targets", pair.left_targets, pair.right_targets)):
            text.append(f"{label:>10}  ", style="dim")
            cell = literal(a)
            cell.align("left", _WIDTH)
            text.append_text(cell)
            text.append("  ")
            right = literal(b)
            if label == "project":  # where it comes from, on one line: the names stay aligned below it
                right.truncate(max(self.content_size.width - _WIDTH - 15, 8), overflow="ellipsis")
            text.append_text(right)
            text.append("\n")
        text.append(f"\n{'score':>10}  {pair.score:.2f}  ", style="bold cyan")
        text.append(pair.tier, style="bold green" if pair.tier == "likely" else "yellow")
        if pair.tier != "likely":
            text.append(" (no likely match)", style="yellow")
        text.append("\n")
        text.append(f"{'why':>10}  ", style="dim")
        text.append_text(literal(pair.explanation))
        return text
