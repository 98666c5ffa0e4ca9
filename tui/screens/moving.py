"""Moving about the main screen: the next unreviewed indicator, queue mode and the library, going to any
indicator (what an undo or redo changed, a hit of find or of the history), and where the reviewer left off.
A part of MainScreen kept in its own file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.place import Place
from tui.record_tree import waiting
from tui.screens.concepts import ConceptsScreen
from tui.screens.queue import QueueScreen
from tui.widgets import RowList

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class Moving(_Base):
    """Mixed into MainScreen (whose panes, record tree and session it uses)."""

    def action_skip(self) -> None:
        self.action_next_unreviewed(1)

    def action_next_unreviewed(self, direction: int) -> None:
        """Move to the next (or previous) indicator with an unreviewed suggestion, likely ones first, and
        highlight its best."""
        for likely in (True, False):
            if self._next_waiting(direction, likely):
                return
        self.notify("no unreviewed suggestion left in the open regions")

    def _next_waiting(self, direction: int, likely: bool) -> bool:
        indicators = self.query_one("#indicators", RowList)
        rows = self.indicator_rows
        for offset in range(1, len(rows)):
            index = (indicators.cursor + direction * offset) % len(rows)
            if waiting(rows[index], likely):
                indicators.move_to(index)  # its candidates follow, the best highlighted
                return True
        # none left in this record: the next record that has one
        records = self.query_one("#records", RowList)
        found = self.record_tree.next_unreviewed(records.cursor, direction, likely=likely)
        if found is None:
            return False
        index, record_id, position = found
        with self.app.batch_update():
            self.open_record(record_id, position)
            records.move_to(index)
        return True

    def action_queue(self) -> None:
        self.app.push_screen(QueueScreen(), self._back_from_queue)

    def _back_from_queue(self, decided: bool | None) -> None:
        if decided:
            self.refresh_after_decision(None)

    def action_library(self) -> None:
        """The concepts built so far; back here, the screen is redrawn from the store (decisions made there, or
        by colleagues meanwhile)."""
        self.save_place()
        self.app.push_screen(ConceptsScreen(), lambda _decided: self.refresh_after_decision(None))

    # -- going to an indicator or a record ---------------------------------------------------------

    def go_to(self, ri_id: int, candidate_id: int | None = None, *, record_id: int | None = None) -> bool:
        """Show an indicator (in ``record_id``, else in the open record when it occurs there, else where it
        first occurs), its region opened, with ``candidate_id`` highlighted among its candidates when it is one.
        False when no document uses the indicator now."""
        current = self.current_indicator()
        if current is not None and current.regional_indicator_id == ri_id and record_id in (None, self._record_id):
            if candidate_id is not None:  # there already (undoing what was just decided): at most the
                self._highlight_candidate(ri_id, candidate_id)  # candidate's highlight moves
            return True
        found = self.session.where(ri_id, record_id if record_id is not None else self._record_id)
        if found is None:
            return False
        in_record, position = found
        if in_record == self._record_id:
            with self.app.batch_update():
                self.query_one("#indicators", RowList).move_to(position)
                self.show_candidates()
                if candidate_id is not None:
                    self._highlight_candidate(ri_id, candidate_id)
            return True
        if self.record_tree.index_of(in_record) is None:
            self.record_tree.expanded.add(self.session.review.indicator(ri_id).region)
            self.record_tree.set_filter("")
        index = self.record_tree.index_of(in_record)
        if index is None:
            return False
        with self.app.batch_update():
            self.record_rows = self.record_tree.view(index)
            self.open_record(in_record, position)
            if candidate_id is not None:
                self._highlight_candidate(ri_id, candidate_id)
        return True

    def jump_to(self, ri_id: int, *, record_id: int | None = None) -> bool:
        """Go to an indicator (see go_to) with the indicators pane focused, as find and the history do."""
        if not self.go_to(ri_id, record_id=record_id):
            return False
        self.query_one("#indicators", RowList).focus()
        self.save_place()
        return True

    def _highlight_candidate(self, ri_id: int, candidate_id: int) -> None:
        """Highlight a candidate of the indicator shown; one the list does not hold yet (an undone rejection
        waits for the matcher to list it again) is highlighted when the list is next drawn."""
        candidates = [row.candidate.id for row in self.candidate_rows]
        if self._indicator_id != ri_id:
            return
        if candidate_id in candidates:
            self._wanted_candidate = None
            self.query_one("#candidates", RowList).move_to(candidates.index(candidate_id))
        else:
            self._wanted_candidate = (ri_id, candidate_id)

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

    # -- where the reviewer left off ---------------------------------------------------------------

    def place(self) -> Place:
        record = self.current_record()
        focused = self.app.focused
        pane = focused.id if isinstance(focused, RowList) and focused.id else "records"
        return Place(self.record_tree.expanded_in_order(), record.id if record else None,
                     self.query_one("#indicators", RowList).cursor, self.query_one("#candidates", RowList).cursor,
                     pane)

    def save_place(self) -> None:
        """Remember where the reviewer is (written only when it changed since the last time)."""
        if self.record_tree.rows:
            place = self.place()
            if place != self._saved_place:
                self.session.save_place(place)
                self._saved_place = place

    def save_place_soon(self) -> None:
        """Remember where the reviewer is a second after the keys stop (a write per decision cost each decision
        key a transaction); quitting writes it at once."""
        if self._place_timer is not None:
            self._place_timer.stop()
        self._place_timer = self.set_timer(1.0, self.save_place)

    def restore_place(self) -> None:
        """Open where this reviewer left off (the record, the indicator, the pane)."""
        place = self.session.load_place()
        if place is None:
            return
        self.record_tree.open_only(place.expanded)
        index = self.record_tree.index_of(place.record_id) if place.record_id is not None else None
        self.record_rows = self.record_tree.view(index or 0)
        if index is None:
            return
        self._saved_place = place
        self.open_record(place.record_id, place.indicator, place.candidate)
        if place.pane in ("records", "indicators", "candidates"):
            self.query_one(f"#{place.pane}", RowList).focus()
