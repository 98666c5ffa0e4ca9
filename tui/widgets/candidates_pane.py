"""CandidatesPane: the suggested indicators of other regions for the highlighted indicator — score, how the
pair was decided, region · name and their targets."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Label

from tui.literal import literal
from tui.session import CandidateRow
from tui.widgets.row_list import RowList

_MARKS = {"close": "~ ", "rejected": "x "}


@dataclass(frozen=True, slots=True)
class CandidateList:
    """An indicator's candidates and where the cursor goes (None: the same indicator, redrawn in place)."""

    indicator_id: int | None = None
    rows: tuple[CandidateRow, ...] = ()
    cursor: int | None = None


_TIERS = {"likely": ("likely   ", "bold green"), "possible": ("possible ", "dim")}
NO_LIKELY = "no likely match"


def candidate_text(row: CandidateRow) -> Text:
    candidate = row.candidate
    return Text.assemble((_MARKS.get(row.decided, "  "), "yellow"), (f"{row.score:.2f} ", "cyan"),
                         _TIERS.get(row.tier, (f"{row.tier} ", "dim")),
                         literal(candidate.region, "dim"), " · ", literal(candidate.name),
                         literal(f"  {row.targets}" if row.targets else "", "green"))


def pane_title(rows: tuple[CandidateRow, ...]) -> Text:
    """The pane's title, saying so when none of the candidates is likely."""
    title = Text("Candidates in other regions", style="")
    if rows and not any(row.tier == "likely" for row in rows):
        title.append(f" · {NO_LIKELY}", style="bold yellow")
    return title


class CandidatesPane(Vertical):
    """Candidates in other regions, best first."""

    candidates: reactive[CandidateList] = reactive(CandidateList(), always_update=True, init=False, repaint=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._list: RowList | None = None

    def compose(self) -> ComposeResult:
        yield Label("Candidates in other regions", classes="pane-title", id="candidates-title")
        yield RowList(id="candidates", empty="no candidate")

    @property
    def list(self) -> RowList:
        """The pane's list (looked up once: every key reads it)."""
        if self._list is None:
            self._list = self.query_one("#candidates", RowList)
        return self._list

    @property
    def highlighted(self) -> CandidateRow | None:
        rows, cursor = self.candidates.rows, self.list.cursor
        return rows[cursor] if 0 <= cursor < len(rows) else None

    def watch_candidates(self, old: CandidateList, new: CandidateList) -> None:
        title = pane_title(new.rows)
        if title.plain != pane_title(old.rows).plain:
            self.query_one("#candidates-title", Label).update(title)
        texts = [candidate_text(row) for row in new.rows]
        if new.cursor is None and new.indicator_id == old.indicator_id:
            # redrawn in place (the matcher relearned, a colleague decided): the highlight stays on the same
            # candidate wherever it now ranks, so that the next key decides on what the reviewer was looking at
            cursor = self.list.cursor
            if 0 <= cursor < len(old.rows):
                held = old.rows[cursor].candidate.id
                cursor = next((i for i, row in enumerate(new.rows) if row.candidate.id == held), cursor)
            self.list.replace_rows(texts, cursor)
        else:
            self.list.set_rows(texts, new.cursor or 0, announce=False)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
