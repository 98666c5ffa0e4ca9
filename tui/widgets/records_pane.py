"""RecordsPane: the list of regions › records over a RecordTree: it opens and closes regions by itself, shows
the rows it is given after decisions, and says when a record is entered (the screen follows its cursor;
finding and filtering is the find screen's, on /)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label

from store.browse import RecordSummary, RegionSummary
from tui.literal import literal
from tui.record_tree import RecordTree, RegionRow, Row, TreeRows
from tui.widgets.row_list import RowList


class RecordsPane(Vertical):
    """Regions with their mapped/total counts, the records of the open ones below them."""

    rows: reactive[TreeRows] = reactive(TreeRows(), always_update=True, init=False, repaint=False)

    class RecordOpened(Message):
        """Enter on a record: on to its indicators."""

    def __init__(self, tree: RecordTree, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.record_tree = tree
        self._list: RowList | None = None
        self._region_texts: dict[tuple, Text] = {}
        self._record_texts: dict[RecordSummary, Text] = {}

    def compose(self) -> ComposeResult:
        yield Label("Records", classes="pane-title")
        yield RowList(id="records", empty="no documents yet: zhibiao review PATH imports them")

    @property
    def list(self) -> RowList:
        """The pane's list (looked up once: every key reads it)."""
        if self._list is None:
            self._list = self.query_one("#records", RowList)
        return self._list

    @property
    def highlighted(self) -> Row | None:
        rows, cursor = self.rows.rows, self.list.cursor
        return rows[cursor] if 0 <= cursor < len(rows) else None

    def watch_rows(self, old: TreeRows, new: TreeRows) -> None:
        """New rows: only the rows that changed are drawn again when the list keeps its length and cursor."""
        row_list = self.list
        if new.cursor is None and len(old.rows) == len(new.rows) and row_list.rows:
            for index, (before, after) in enumerate(zip(old.rows, new.rows, strict=True)):
                if before is not after and before != after:
                    row_list.update_row(index, self._text(after))
            return
        texts = [self._text(row) for row in new.rows]
        row_list.set_rows(texts, row_list.cursor if new.cursor is None else new.cursor, announce=False)

    def _text(self, row: Row) -> Text:
        if isinstance(row, RegionRow):
            return self._region_text(row.summary, row.opened)
        return self._record_text(row.record)

    def _region_text(self, summary: RegionSummary, opened: bool) -> Text:
        marker = "v" if opened else ">"
        cache_key = (summary.region, marker, summary.mapped, summary.regional_indicators)
        text = self._region_texts.get(cache_key)
        if text is None:
            text = self._region_texts[cache_key] = Text.assemble(
                (f"{marker} ", "dim"), literal(summary.region, "bold"),
                (f"  {summary.mapped}/{summary.regional_indicators}", "dim"))
        return text

    def _record_text(self, record: RecordSummary) -> Text:
        text = self._record_texts.get(record)
        if text is None:
            if len(self._record_texts) > 50_000:
                self._record_texts.clear()
            kind = "部门 " if record.kind == "department" else ""
            # the counts first: a long project name is cut at the pane's edge, they are not
            counts = f"{record.mapped}/{record.indicators}".rjust(7)
            text = self._record_texts[record] = Text.assemble(
                (counts, "dim"), "  ", (kind, "cyan"), literal(record.name))
        return text

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        """Enter: a region opens or closes, a record is entered."""
        event.stop()
        if isinstance(self.highlighted, RegionRow):
            self.record_tree.toggle(event.index)
            self.rows = self.record_tree.view(event.index)
        elif self.highlighted is not None:
            self.post_message(self.RecordOpened())

