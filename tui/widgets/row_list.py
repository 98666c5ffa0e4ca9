"""RowList: a list drawn line by line (the Line API) with a cursor, for lists of any length."""

from __future__ import annotations

from collections.abc import MutableSequence

from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.actions import LIST, bindings


class _RowEvent(Message):
    """Something happened on one row of a RowList."""

    def __init__(self, row_list: RowList, index: int) -> None:
        super().__init__()
        self.row_list = row_list
        self.index = index

    @property
    def control(self) -> RowList:
        return self.row_list


class RowList(ScrollView, can_focus=True, inherit_bindings=False):
    """A list that draws only the visible rows (the Line API), with a cursor.

    Rows are rich Texts; the list holds them, but never measures or lays them out: moving the cursor
    redraws two lines. Its keys are its own (the scroll view's sideways scrolling means nothing here).
    """

    DEFAULT_CSS = """
    RowList { height: 1fr; overflow-x: hidden; }
    RowList > .rowlist--cursor { background: $accent 40%; }
    RowList:focus > .rowlist--cursor { background: $accent; color: $text; }
    """
    COMPONENT_CLASSES = {"rowlist--cursor"}
    BINDINGS = bindings(LIST)

    # a move redraws the two rows it changes (see watch_cursor), not the whole list
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(_RowEvent):
        """The cursor moved to a row."""

    class Selected(_RowEvent):
        """Enter was pressed on a row."""

    def __init__(self, *, empty: str = "", name: str | None = None, id: str | None = None,
                 classes: str | None = None, opens: bool = True) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: MutableSequence[Text] = []  # a list, or rows made as they are drawn
        self.empty = empty
        self.opens = opens  # whether Enter opens a row (a list whose rows open nothing does not offer it)
        self._strips: dict[tuple, Strip] = {}  # rendered rows, by (row, width, scroll, cursor, focus)
        self._blank: tuple[int, Strip] | None = None  # (width, line) below the last row
        self._style: Style | None = None

    def set_rows(self, rows: MutableSequence[Text], cursor: int = 0, *, announce: bool = True) -> None:
        """Show new rows; ``announce`` posts Highlighted for the cursor row (not when redrawing in place)."""
        drawn = len(self.rows)
        self.rows = rows
        self._strips.clear()
        size = Size(self.size.width, len(rows))
        height = self.size.height
        if self.is_mounted and height and (size.height > height) == (self.virtual_size.height > height):
            # the scrollbar stays as it is: no layout pass, just the new extent
            self.set_reactive(RowList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self.set_reactive(RowList.cursor, max(0, min(cursor, len(rows) - 1)))
        top = max(0, self.cursor - self.size.height // 2)
        if top != self.scroll_offset.y or not self.is_mounted:
            self.scroll_to(y=top, animate=False)
            self.refresh()
        else:  # the lines that held rows or will hold them; the blank lines below stay as they are
            self.refresh(Region(0, 0, self.size.width, max(drawn, len(rows), 1)))
        if announce:
            self.post_message(self.Highlighted(self, self.cursor))

    def replace_rows(self, rows: list[Text], cursor: int) -> None:
        """New rows for the same list (after a decision): only the rows that changed are redrawn."""
        if len(rows) != len(self.rows):
            self.set_rows(rows, cursor, announce=False)
            return
        for index, (old, new) in enumerate(zip(self.rows, rows, strict=True)):
            if old is not new and (old.plain != new.plain or old.spans != new.spans):
                self.update_row(index, new)
        if cursor != self.cursor:
            self.set_reactive(RowList.cursor, max(0, min(cursor, len(rows) - 1)))
            self.refresh()

    def update_row(self, index: int, row: Text) -> None:
        if 0 <= index < len(self.rows):
            self.rows[index] = row
            self._strips = {k: v for k, v in self._strips.items() if k[0] != index}
            self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.size.width
        if index >= len(self.rows):
            base = self._base_style()
            if index == 0 and not self.rows and self.empty:
                # every segment gets a style: NO_COLOR's filter reads the colour of each
                return Strip(list(Text(self.empty, style="dim").render(self.app.console, end="")),
                             ).adjust_cell_length(width, base).apply_style(base)
            if self._blank is None or self._blank[0] != width:
                self._blank = (width, Strip.blank(width, base))
            return self._blank[1]
        cursor = index == self.cursor
        key = (index, width, scroll_x, cursor, self.has_focus if cursor else False)
        strip = self._strips.get(key)
        if strip is None:
            # Strips are not cheap to make: each row is rendered once per width, cursor and focus state
            base = self._base_style()
            strip = Strip(list(self.rows[index].render(self.app.console, end="")))
            strip = strip.crop(scroll_x, scroll_x + width).adjust_cell_length(width, base)
            if cursor:
                strip = strip.apply_style(self.get_component_rich_style("rowlist--cursor"))
            strip = strip.apply_style(base)
            if len(self._strips) > 4000:
                self._strips.clear()
            self._strips[key] = strip
        return strip

    def _base_style(self) -> Style:
        """The widget's style (inherited background and colour), kept until the CSS changes: computing
        it walks every ancestor."""
        if self._style is None:
            self._style = self.rich_style
        return self._style

    def notify_style_update(self) -> None:
        """CSS changed (theme, focus, classes): rows are drawn anew in the new style."""
        super().notify_style_update()
        self._style = None
        self._blank = None
        self._strips.clear()

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    def watch_cursor(self, previous: int, cursor: int) -> None:
        """The cursor moved (a key, a click, move_to): two lines redrawn; whoever shows what follows from the
        cursor watches it."""
        self._move_cursor_lines(previous, cursor)

    def _move_cursor_lines(self, previous: int, cursor: int) -> None:
        self.refresh_line(previous)
        self.refresh_line(cursor)
        top = self.scroll_offset.y
        height = max(self.size.height, 1)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 1, 1))

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor = index if index >= 0 else len(self.rows) - 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.opens or action != "select"

    def action_select(self) -> None:
        if self.rows and self.opens:
            self.post_message(self.Selected(self, self.cursor))

    def move_to(self, index: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, index))
