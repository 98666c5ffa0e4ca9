"""The main screen's decisions on an indicator as a whole (flag with a note, no counterpart, none of these,
approve every likely candidate): a part of MainScreen kept in its own file."""

from __future__ import annotations

from tui.screens.decide import approve_likely, decide, flag
from tui.session import Decision


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
