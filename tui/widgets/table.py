"""Tables drawn as lines of text: columns measured in terminal cells (a CJK character takes two), rows made
only when a list draws them, and a panel of text redrawn without a layout pass."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, overload

from rich.cells import cell_len, set_cell_size
from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.literal import visible

Item = TypeVar("Item")


def fit(text: str | None, width: int, style: str | Style = "", *, right: bool = False) -> Text:
    """Document text in exactly ``width`` cells: padded, or cut with … (control characters made visible)."""
    value = visible(text)
    cells = cell_len(value)
    if cells > width:
        # a wide character that does not fit whole leaves a space, which the … then fills
        value = set_cell_size(value, max(width - 1, 0)).rstrip(" ") + "…" if width > 0 else ""
        cells = cell_len(value)
    if cells < width:
        value = (" " * (width - cells) + value) if right else value + " " * (width - cells)
    return Text(value, style=style)


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a table: its title, its width in cells (0: the rest of the line) and its alignment."""

    title: str
    width: int = 0
    right: bool = False


def header(columns: Sequence[Column], gap: int = 2) -> Text:
    """The titles of the columns, each over its column."""
    text = Text(style="bold")
    for index, column in enumerate(columns):
        if index:
            text.append(" " * gap)
        text.append_text(Text(column.title) if column.width == 0 else fit(column.title, column.width,
                                                                           right=column.right))
    return text


def line(columns: Sequence[Column], cells: Sequence[Text], gap: int = 2) -> Text:
    """One row: each cell (already styled) in its column; a column of width 0 takes its cell as it is."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True)):
        if index:
            text.append(" " * gap)
        if column.width and cell.cell_len != column.width:
            cell = _fitted(cell, column.width, column.right)
        text.append_text(cell)
    return text


def _fitted(cell: Text, width: int, right: bool) -> Text:
    cell = cell.copy()
    if cell.cell_len > width:
        cell.truncate(width, overflow="ellipsis")
    padding = width - cell.cell_len
    if padding > 0:
        if right:
            cell = Text.assemble(" " * padding, cell)
        else:
            cell.append(" " * padding)
    return cell


class LazyRows(MutableSequence[Text], Generic[Item]):
    """The rows of a list, each made from its item the first time the list draws it: a list of 10,000
    concepts shows its first screen without making 10,000 rows."""

    def __init__(self, items: Sequence[Item], make: Callable[[Item], Text]) -> None:
        self.items = items
        self._make = make
        self._made: dict[int, Text] = {}

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> Text: ...

    @overload
    def __getitem__(self, index: slice) -> list[Text]: ...

    def __getitem__(self, index: int | slice) -> Text | list[Text]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.items)
        made = self._made.get(index)
        if made is None:
            if not 0 <= index < len(self.items):
                raise IndexError(index)
            made = self._made[index] = self._make(self.items[index])
        return made

    def __setitem__(self, index, value) -> None:  # type: ignore[override]
        self._made[index] = value

    def __delitem__(self, index) -> None:  # type: ignore[override]
        raise TypeError("the rows of a list are replaced, not deleted one by one")

    def insert(self, index: int, value: Text) -> None:
        raise TypeError("the rows of a list are replaced, not inserted one by one")

    def __iter__(self) -> Iterator[Text]:
        return (self[index] for index in range(len(self.items)))


class TextPanel(Widget):
    """A fixed-size panel of text (its height comes from the stylesheet): new text repaints it without the
    layout pass a Static's update costs."""

    DEFAULT_CSS = "TextPanel { height: 1; }"

    def __init__(self, text: Text | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text or Text()

    def show(self, text: Text) -> None:
        if text.plain != self.text.plain or text.spans != self.text.spans:
            self.text = text
            self.refresh()

    def render(self) -> RenderableType:
        return self.text
