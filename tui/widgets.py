"""Widgets of the review app (document text reaches them through :func:`tui.literal.literal`)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.literal import literal

__all__ = ["RowList", "literal"]

class RowList(ScrollView, can_focus=True):
    """A list that draws only the visible rows (the Line API), with a cursor.

    Rows are rich Texts; the list holds them, but never measures or lays them out: moving the cursor
    redraws two lines.
    """

    DEFAULT_CSS = """
    RowList { height: 1fr; }
    RowList > .rowlist--cursor { background: $accent 40%; }
    RowList:focus > .rowlist--cursor { background: $accent; color: $text; }
    """
    COMPONENT_CLASSES = {"rowlist--cursor"}
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="up", tooltip="Move up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="down", tooltip="Move down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page_down"),
        Binding("home", "jump(0)", "First", show=False, id="first"),
        Binding("end", "jump(-1)", "Last", show=False, id="last"),
        Binding("enter", "select", "Open", show=True, id="open", tooltip="Open the row under the cursor"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Message):
        def __init__(self, row_list: RowList, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(self, *, empty: str = "", name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Text] = []
        self.empty = empty

    def set_rows(self, rows: list[Text], cursor: int = 0, *, announce: bool = True) -> None:
        """Show new rows; ``announce`` posts Highlighted for the cursor row (not when redrawing in place)."""
        self.rows = rows
        width = max((row.cell_len for row in rows[:2000]), default=0)
        self.virtual_size = Size(width, len(rows))
        self.set_reactive(RowList.cursor, max(0, min(cursor, len(rows) - 1)))
        self.scroll_to(y=max(0, self.cursor - self.size.height // 2), animate=False)
        self.refresh()
        if announce:
            self.post_message(self.Highlighted(self, self.cursor))

    def update_row(self, index: int, row: Text) -> None:
        if 0 <= index < len(self.rows):
            self.rows[index] = row
            self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.size.width
        base = self.rich_style
        if index >= len(self.rows):
            if index == 0 and not self.rows and self.empty:
                return Strip(list(Text(self.empty, style="dim").render(self.app.console, end="")),
                             ).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        row = self.rows[index]
        segments = list(row.render(self.app.console, end=""))
        strip = Strip(segments).crop(scroll_x, scroll_x + width).adjust_cell_length(width, base)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("rowlist--cursor"))
        return strip.apply_style(base)

    def watch_cursor(self, previous: int, cursor: int) -> None:
        self.refresh_line(previous)
        self.refresh_line(cursor)
        top = self.scroll_offset.y
        height = max(self.size.height, 1)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False)
        self.post_message(self.Highlighted(self, cursor))

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 1, 1))

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor = index if index >= 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor))

    def move_to(self, index: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, index))
