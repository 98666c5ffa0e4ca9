"""The main screen's decisions on an indicator as a whole (flag with a note, no counterpart, none of these,
approve every likely candidate) and going to the item an undo or redo changed: a part of MainScreen kept in
its own file."""

from __future__ import annotations

from tui.screens.decide import approve_likely, decide, flag
from tui.session import Decision
from tui.widgets import RowList


class ReviewerControl:
    """Mixed into MainScreen (whose highlighted indicator and candidates, record tree and session it uses)."""

    def action_flag(self) -> None:
        row = self.current_indicator()
        if row is not None:
            flag(self, row.regional_indicator_id, row.name, row.flagged)

    def action_no_counterpart(self) -> None:
        row = self.current_indicator()
        if row is not None:
            decide(self, Decision("no_counterpart", row.regional_indicator_id))

    def action_none_of_these(self) -> None:
        row = self.current_indicator()
        if row is not None:
            decide(self, Decision("none_of_these", row.regional_indicator_id,
                                  candidates=tuple((c.candidate.id, c.score) for c in self.candidate_rows)))

    def action_approve_likely(self) -> None:
        row = self.current_indicator()
        if row is not None:
            approve_likely(self, row.regional_indicator_id)

    def go_to(self, ri_id: int, candidate_id: int | None = None) -> None:
        """Show an indicator (in the open record when it occurs there), its region opened, with ``candidate_id``
        highlighted among its candidates when it is one."""
        current = self.current_indicator()
        if current is not None and current.regional_indicator_id == ri_id:  # there already (undoing what was
            if candidate_id is not None:  # just decided): at most the candidate's highlight moves
                self._highlight_candidate(ri_id, candidate_id)
            return
        found = self.session.where(ri_id, self._record_id)
        if found is None:
            return
        record_id, position = found
        if record_id == self._record_id:
            with self.app.batch_update():
                self.query_one("#indicators", RowList).move_to(position)
                self.show_candidates()
                if candidate_id is not None:
                    self._highlight_candidate(ri_id, candidate_id)
            return
        if self.record_tree.index_of(record_id) is None:
            self.record_tree.expanded.add(self.session.review.indicator(ri_id).region)
            self.record_tree.set_filter("")
        index = self.record_tree.index_of(record_id)
        if index is None:
            return
        with self.app.batch_update():
            self.record_rows = self.record_tree.view(index)
            self.open_record(record_id, position)
            if candidate_id is not None:
                self._highlight_candidate(ri_id, candidate_id)

    def _highlight_candidate(self, ri_id: int, candidate_id: int) -> None:
        """Highlight a candidate of the indicator shown (when it is one)."""
        candidates = [row.candidate.id for row in self.candidate_rows]
        if self._indicator_id == ri_id and candidate_id in candidates:
            self.query_one("#candidates", RowList).move_to(candidates.index(candidate_id))
