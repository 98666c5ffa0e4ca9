"""IndicatorsPane: one record's indicators, each marked + (in a concept), ! (flagged), ? (a likely suggestion
waits) or · (only possible ones: no likely match)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label

from store.browse import IndicatorRow
from tui.literal import literal
from tui.widgets.row_list import RowList


@dataclass(frozen=True, slots=True)
class IndicatorList:
    """A record's indicators and where the cursor goes (None: the same record, redrawn in place)."""

    record_id: int | None = None
    rows: tuple[IndicatorRow, ...] = ()
    cursor: int | None = None


def short_level(level: str | None) -> str:
    """产出指标 → 产出, 服务对象满意度指标 → 服务对象满意度 (a level's name without the word every level has)."""
    if not level:
        return "?"
    return level[:-2] if level.endswith("指标") and len(level) > 2 else level


def indicator_text(row: IndicatorRow) -> Text:
    waiting = row.best_score is not None
    status = ("+" if row.concept else "!" if row.flagged else "∅" if row.no_counterpart
              else "?" if waiting and row.best_tier == "likely" else "·" if waiting else " ")
    style = ("green" if row.concept else "yellow" if row.flagged else "magenta" if row.no_counterpart
             else "cyan" if status == "?" else "dim")
    # the levels are shortened (产出指标 › 数量指标 → 产出 › 数量) so that the name fits; the detail strip shows
    # them whole
    path = f"{short_level(row.level1)} › {short_level(row.level2)} › "
    return Text.assemble((f"{status} ", style), literal(path, "dim"), literal(row.name),
                         literal(f"  {row.period_value or '—'} | {row.annual_value or '—'}", "dim"))


class IndicatorsPane(Vertical):
    """The indicators of the record the reviewer is on."""

    indicators: reactive[IndicatorList] = reactive(IndicatorList(), always_update=True, init=False, repaint=False)

    class IndicatorOpened(Message):
        """Enter on an indicator: on to its candidates."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._list: RowList | None = None

    def compose(self) -> ComposeResult:
        yield Label("Indicators", classes="pane-title")
        yield RowList(id="indicators", empty="select a record")

    @property
    def list(self) -> RowList:
        """The pane's list (looked up once: every key reads it)."""
        if self._list is None:
            self._list = self.query_one("#indicators", RowList)
        return self._list

    @property
    def highlighted(self) -> IndicatorRow | None:
        rows, cursor = self.indicators.rows, self.list.cursor
        return rows[cursor] if 0 <= cursor < len(rows) else None

    def watch_indicators(self, old: IndicatorList, new: IndicatorList) -> None:
        texts = [indicator_text(row) for row in new.rows]
        if new.cursor is None and new.record_id == old.record_id:
            self.list.replace_rows(texts, self.list.cursor)
        else:
            self.list.set_rows(texts, new.cursor or 0, announce=False)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.post_message(self.IndicatorOpened())
