"""Find and filter: indicators (fuzzy, by name) and projects (by name), narrowed by status, region and level;
Enter shows the hit on the main screen, Escape closes."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static

from store import browse, search
from store.workspace import Workspace
from tui.actions import FIND, bindings
from tui.literal import literal
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


class FindScreen(Screen[browse.Found | None]):
    """A search box over indicators and projects with filters; dismissed with the hit to show, or None."""

    BINDINGS = bindings(FIND)

    def __init__(self) -> None:
        super().__init__()
        self.found: list[browse.Found] = []
        self.ready = False

    @property
    def workspace(self) -> Workspace:
        return self.app.session.workspace  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Find and filter  ", "bold"), (HINT, "dim")), id="find-title")
        yield Input(placeholder="name, is:status, @region, l1:level, l2:level", id="find-query")
        yield RowList(id="find-hits", empty=_EMPTY)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#find-query", Input).focus()
        if search.is_built(self.workspace):
            self.ready = True
        else:
            self.query_one("#find-hits", RowList).empty = "indexing the names of every indicator…"
            self.build_index()

    @work(thread=True, exclusive=True, group="find-index", exit_on_error=False)
    def build_index(self) -> None:
        """Build the workspace's search index off screen (once per workspace)."""
        with Workspace(self.workspace.path) as workspace:
            search.index_for(workspace)
        self.app.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.ready = True
        self.run_find(self.query_one("#find-query", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.ready:
            self.run_find(event.value)

    def run_find(self, typed: str) -> None:
        wanted = browse.FindFilter.parse(typed)
        hits = self.query_one("#find-hits", RowList)
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

    def action_hit(self, step: int) -> None:
        self.query_one("#find-hits", RowList).action_cursor(step)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_go()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        cursor = self.query_one("#find-hits", RowList).cursor
        if 0 <= cursor < len(self.found):
            self.dismiss(self.found[cursor])
        else:
            self.notify(self.query_one("#find-hits", RowList).empty, severity="warning", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
