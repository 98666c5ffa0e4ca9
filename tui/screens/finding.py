"""The main screen's ways to anything: map to… (search every indicator and concept of the other regions),
find and filter, the history; their jumps are MainScreen's go_to (tui/screens/moving.py). A mixin of
MainScreen, which holds the panes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.browse import Found
from tui.screens.decide import decide
from tui.screens.find import FindScreen
from tui.screens.history import HistoryScreen
from tui.screens.map_to import Chosen, MapToScreen
from tui.session import Decision

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
                # the search's similarity, at most 1 (a concept hit ranks a hair above an equal indicator)
                score = round(min(answer.hit.score, 1.0), 3) or None
                decide(self, Decision(answer.kind, source.id, answer.hit.indicator, score, justification="manual"))

        self.app.push_screen(MapToScreen(source.id, source.region, source.name), chosen)

    def action_history(self) -> None:
        def chosen(ri_id: int | None) -> None:
            if ri_id is not None and not self.jump_to(ri_id):
                self.notify("that indicator is in no document any more", severity="warning")

        self.app.push_screen(HistoryScreen(), chosen)

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

