"""Find and filter: indicators (fuzzy, by name) and projects (by name), narrowed by status, region and level;
Enter shows the hit on the main screen, Escape closes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from store import browse, search
from tui.actions import FIND, bindings
from tui.literal import literal
from tui.screens.search_box import SearchBox
from tui.widgets import KeyBar, RowList
from tui.widgets.indicators_pane import short_level

HINT = ("type a name; filters: is:unreviewed is:likely is:mapped is:flagged is:nocounterpart · @region · "
        "l1:产出 l2:质量 · Enter goes there, Escape closes")
_EMPTY = "type part of an indicator's or a project's name, or a filter"


def found_text(found: browse.Found) -> Text:
    if found.indicator is None:
        return Text.assemble(("project   ", "bold magenta"), literal(found.region, "dim"), " · ",
                             literal(found.name), literal(f"  {found.document}", "dim"))
    return Text.assemble(("indicator ", "bold cyan"), literal(found.region, "dim"), " · ",
                         literal(f"{short_level(found.level1)} › {short_level(found.level2)} › ", "dim"),
                         literal(found.name))


class FindScreen(SearchBox):
    """A search box over indicators and projects with filters; dismissed with the hit to show, or None."""

    BINDINGS = bindings(FIND)
    QUERY, HITS = "find-query", "find-hits"

    def __init__(self) -> None:
        super().__init__()
        self.found: list[browse.Found] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Find and filter  ", "bold"), (HINT, "dim")), id="find-title")
        yield Input(placeholder="name, is:status, @region, l1:level, l2:level", id=self.QUERY)
        yield RowList(id=self.HITS, empty=_EMPTY)
        yield KeyBar()

    def run(self, typed: str) -> None:
        wanted = browse.FindFilter.parse(typed)
        hits = self.hit_list
        if wanted.problem:
            self.found, hits.empty = [], wanted.problem
        elif not typed.strip():
            self.found, hits.empty = [], _EMPTY
        else:
            ids = None
            if wanted.text:
                query = search.Query(wanted.text, wanted.region)
                ids = [ri for _score, ri in search.index_for(self.workspace).search(query, limit=300)]
            self.found = browse.find(self.workspace, wanted, ids)
            hits.empty = f"no match for {typed.strip()}"
        hits.set_rows([found_text(found) for found in self.found], 0, announce=False)

    def choose(self) -> None:
        cursor = self.hit_list.cursor
        if 0 <= cursor < len(self.found):
            self.dismiss(self.found[cursor])
        else:
            self.notify(self.hit_list.empty, severity="warning", markup=False)

    def action_go(self) -> None:
        self.choose()
