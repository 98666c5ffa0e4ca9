"""Widgets of the review app (document text reaches them through :func:`tui.literal.literal`)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.literal import literal

__all__ = ["DetailView", "KeyBar", "RowList", "literal"]

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
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="up", tooltip="Move up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="down", tooltip="Move down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page_down"),
        Binding("home", "jump(0)", "First", show=False, id="first"),
        Binding("end", "jump(-1)", "Last", show=False, id="last"),
        Binding("enter", "select", "Open", show=True, id="open", tooltip="Open the row under the cursor"),
    ]

    # a move redraws the two rows it changes (see watch_cursor), not the whole list
    cursor: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)

    class Highlighted(_RowEvent):
        """The cursor moved to a row."""

    class Selected(_RowEvent):
        """Enter was pressed on a row."""

    def __init__(self, *, empty: str = "", name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Text] = []
        self.empty = empty
        # a screen that reacts to the cursor can ask to be called at once, so that the cursor line and
        # everything that follows from it reach the terminal in one update instead of two
        self.on_highlight: Callable[[RowList, int], None] | None = None
        self._strips: dict[tuple, Strip] = {}  # rendered rows, by (row, width, scroll, cursor, focus)
        self._blank: tuple[int, Strip] | None = None  # (width, line) below the last row
        self._style: Style | None = None

    def set_rows(self, rows: list[Text], cursor: int = 0, *, announce: bool = True) -> None:
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
                return Strip(list(Text(self.empty, style="dim").render(self.app.console, end="")),
                             ).adjust_cell_length(width, base)
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
        if self.on_highlight is not None:
            with self.app.batch_update():
                self._move_cursor_lines(previous, cursor)
                self.on_highlight(self, cursor)
            return
        self._move_cursor_lines(previous, cursor)
        self.post_message(self.Highlighted(self, cursor))

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

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.Selected(self, self.cursor))

    def move_to(self, index: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, index))


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


_ENABLED, _DISABLED = Style(), Style(dim=True)


class KeyBar(Widget):
    """The keys of the focused widget and its screen on one line, like Textual's Footer, but drawn as one
    line of text: when an action is enabled or disabled the bar is repainted, not recomposed (the Footer's
    recomposition costs a layout pass, 30-40 ms, every time the cursor crosses a region row).

    Disabled actions are dimmed; clicking a key presses it.
    """

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (first cell, last cell + 1, key, enabled, tooltip) of every key shown
        self._spans: list[tuple[int, int, str, bool, str]] = []
        self._shown: tuple = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen and self._entries() != self._shown:
            self.refresh()

    def _entries(self) -> tuple:
        """(key, key display, description, enabled, tooltip) of each action shown, in binding order."""
        seen: set[str] = set()
        entries = []
        palette = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if self.app.ENABLE_COMMAND_PALETTE and binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, self.app.get_key_display(binding), binding.description, enabled,
                           tooltip or binding.description)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entries.append((binding.key, self.app.get_key_display(binding), binding.description, enabled,
                            tooltip or binding.description))
        if palette is not None:
            entries.append(palette)
        return tuple(entries)

    def render(self) -> Text:
        self._shown = entries = self._entries()
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        width = self.size.width or 1_000
        # narrower terminals: first less padding, then descriptions only for help and quit (every key stays
        # visible, and ? says what they do)
        for pad, described in ((" ", None), ("", None), ("", {"question_mark", "q", "ctrl+q"})):
            text = Text(no_wrap=True, overflow="ellipsis")
            spans = []
            for key, display, description, enabled, tooltip in entries:
                start = text.cell_len
                dim = _ENABLED if enabled else _DISABLED
                text.append(f"{pad}{display}{pad}" if pad else f" {display}", key_style + dim)
                if described is None or key in described:
                    text.append(f"{' ' if not pad else ''}{description} ", description_style + dim)
                spans.append((start, text.cell_len, key, enabled, tooltip))
            if text.cell_len <= width:
                break
        self._spans = spans
        return text

    def _entry_at(self, x: int) -> tuple[int, int, str, bool, str] | None:
        return next((span for span in self._spans if span[0] <= x < span[1]), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._entry_at(event.x)
        self.tooltip = span[4] if span else None

    def on_click(self, event: events.Click) -> None:
        span = self._entry_at(event.x)
        if span is None:
            return
        if span[3]:
            self.app.simulate_key(span[2])
        else:
            self.app.bell()
