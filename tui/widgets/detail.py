"""DetailView: a fixed-size panel of text with an optional second column, redrawn without a layout pass."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget


class DetailView(Widget):
    """A fixed-size panel of text, optionally with a second column beside it: new content redraws it without
    a layout pass (unlike Static)."""

    DEFAULT_CSS = "DetailView { height: 10; }"

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

    def render(self) -> RenderableType:
        if self.side is None:
            return self.content
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1, overflow="fold")  # CJK text has no spaces to wrap at: fold it
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(self.content, self.side)
        return grid
