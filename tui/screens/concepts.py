"""The concepts screen (the indicator library): every concept with its level 1/2, members, the regions it
covers (k of N), occurrences and flags, sorted and filtered; Enter opens a concept's comparison, c the
coverage; rename and map-to act on the highlighted concept."""

from __future__ import annotations

from tui.actions import CONCEPTS, bindings
from tui.screens.comparison import ComparisonScreen
from tui.screens.coverage import CoverageScreen
from tui.screens.decide import rename
from tui.screens.library_list import ConceptList, map_to
from tui.widgets import RowList


class ConceptsScreen(ConceptList):
    """The library: Enter opens the highlighted concept's comparison."""

    BINDINGS = bindings(CONCEPTS)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        row = self.highlighted
        if row is not None:
            self.app.push_screen(ComparisonScreen(row.id), self.returned)

    def on_screen_resume(self) -> None:
        if self.library.complete:  # back from a dialog or a screen above: a colleague may have decided meanwhile
            self.reread()

    def action_coverage(self) -> None:
        self.app.push_screen(CoverageScreen(), self.returned)

    def action_rename(self) -> None:
        row = self.highlighted
        concept = self.session.review.concept(row.id) if row else None
        if concept is None:
            self.notify("no concept is highlighted", severity="warning")
            return
        rename(self, concept)

    def action_map_to(self) -> None:
        row = self.highlighted
        if row is None:
            self.notify("no concept is highlighted", severity="warning")
            return
        map_to(self, row.id)
