"""The main screen's ways to anything: map to… (search every indicator and concept of the other regions),
find and filter, the history, and the jumps they end in. A mixin of MainScreen, which holds the panes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store import browse
from store.browse import Found
from tui.screens.decide import decide
from tui.screens.find import FindScreen
from tui.screens.history import HistoryScreen
from tui.screens.map_to import Chosen, MapToScreen
from tui.session import Decision
from tui.widgets import RowList

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class Finding(_Base):
    """Map to…, find and filter, history; each ends in a decision through decide() or a jump."""

    def action_map_to(self) -> None:
        """Search every indicator of the other regions and every concept; the hit chosen is decided on here."""
        row = self.current_indicator()
        if row is None:
            return
        source = self.session.review.indicator(row.regional_indicator_id)

        def chosen(answer: Chosen | None) -> None:
            if answer is not None:
                decide(self, Decision(answer.kind, source.id, answer.hit.indicator, answer.hit.score or None,
                                      justification="manual"))

        self.app.push_screen(MapToScreen(source.id, source.region, source.name), chosen)

    def action_history(self) -> None:
        def chosen(ri_id: int | None) -> None:
            if ri_id is not None and not self.jump_to(ri_id):
                self.notify("that indicator is in no document any more", severity="warning")

        self.app.push_screen(HistoryScreen(), chosen)

    def jump_to(self, ri_id: int, *, record_id: int | None = None) -> bool:
        """Show a regional indicator (in ``record_id``, else where it first occurs): its region opened, its
        record and the indicator highlighted, the indicators pane focused. False when it occurs nowhere."""
        found = browse.locate(self.workspace, ri_id)
        if found is None:
            return False
        region, first_record, position = found
        if record_id is not None and record_id != first_record:
            rows = browse.indicators(self.workspace, record_id)
            position = next((i for i, row in enumerate(rows) if row.regional_indicator_id == ri_id), position)
        self.show_record(region, record_id if record_id is not None else first_record, position, "#indicators")
        return True

    def show_record(self, region: str, record_id: int, position: int = 0, focus: str = "#records") -> None:
        """Open a record (its region opened, the filter cleared) with the indicator at ``position`` highlighted."""
        tree = self.record_tree
        if tree.filter:
            tree.set_filter("")
        if region not in tree.expanded:
            tree.expanded.add(region)
            tree.rebuild()
        index = tree.index_of(record_id) or 0
        with self.app.batch_update():
            self.record_rows = tree.view(index)
            self.open_record(record_id, position)
            self.query_one(focus, RowList).focus()
        self.save_place()

    def action_filter(self) -> None:
        """Find and filter: indicators and projects by name, status, region and level; the hit chosen is shown."""

        def chosen(found: Found | None) -> None:
            if found is None:
                return
            if found.indicator is not None:
                self.jump_to(found.indicator)
            elif found.record is not None:
                self.show_record(found.region, found.record)

        self.app.push_screen(FindScreen(), chosen)

