"""Coverage: concept × region, most-covered first — which regions measure each concept, with their target
there (flagged ones marked) — and beneath it the regions' own (个性) indicators, those with no counterpart
anywhere. Enter on a concept opens its comparison."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import Worker

from store import compare
from store.compare import Coverage, Unmatched
from store.workspace import Workspace
from tui.actions import COVERAGE, bindings
from tui.screens.comparison import ComparisonScreen
from tui.screens.library_list import ResultScreen
from tui.widgets import KeyBar, RowList
from tui.widgets.library_rows import (
    COVERAGE_COUNT,
    COVERAGE_NAME,
    OWN_COLUMNS,
    coverage_text,
    own_text,
    region_columns,
)
from tui.widgets.table import Column, LazyRows, TextPanel, header


class CoverageScreen(ResultScreen):
    """Concept × region, and the regions' own indicators; Tab moves between the two lists."""

    BINDINGS = bindings(COVERAGE)

    class Read(Message):
        """Coverage and the unmatched regional indicators, read from the store."""

        def __init__(self, coverage: Coverage, unmatched: list[Unmatched]) -> None:
            super().__init__()
            self.coverage = coverage
            self.unmatched = unmatched

    def __init__(self) -> None:
        super().__init__()
        self.coverage: Coverage | None = None
        self.own: list[Unmatched] = []
        self.unmatched = 0
        self.reading = "reading the coverage…"

    def compose(self) -> ComposeResult:
        yield TextPanel(id="coverage-status", classes="status")
        yield TextPanel(id="coverage-header", classes="table-header")
        yield RowList(id="coverage", empty="reading the coverage…")
        yield TextPanel(id="own-title", classes="section-title")
        yield TextPanel(header(OWN_COLUMNS), id="own-header", classes="table-header")
        yield RowList(id="own", empty="reading the regions' own indicators…", opens=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#coverage", RowList).focus()
        self.follow_background_work()
        self.show_status()
        self.reread()

    def reread(self) -> None:
        self.read_coverage()

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def read_coverage(self) -> None:
        """Coverage over every concept and the unmatched indicators, with a connection of its own."""
        with Workspace(self.app.workspace_path) as workspace:  # type: ignore[attr-defined]
            found = compare.coverage(workspace)
            unmatched = compare.unmatched(workspace)
        self.post_message(self.Read(found, unmatched))

    def on_coverage_screen_read(self, message: Read) -> None:
        self.reading = ""
        self.coverage = message.coverage
        self.unmatched = len(message.unmatched)
        self.own = [item for item in message.unmatched if item.own]
        self.show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "coverage" and self.failed(event, "reading the coverage"):
            self.reading = ""
            for name in ("coverage", "own"):
                self.query_one(f"#{name}", RowList).empty = "could not be read"
                self.query_one(f"#{name}", RowList).refresh()
            self.show_status()

    def on_resize(self) -> None:
        self.show()  # the regions' columns share the new width

    def show(self) -> None:
        coverage = self.coverage
        if coverage is None:
            return
        # the regions that measure most concepts first: the grid's left columns are its fullest
        measured = Counter(region for row in coverage.rows for region in row.targets)
        regions = sorted(coverage.regions, key=lambda region: (-measured[region], region))
        columns = region_columns(regions, self.app.size.width - 2)
        total = len(coverage.regions)
        self.query_one("#coverage-header", TextPanel).show(
            header((COVERAGE_NAME, COVERAGE_COUNT, *(columns or [Column("regions measuring it, with their target")]))))
        coverage_list = self.query_one("#coverage", RowList)
        coverage_list.empty = "no concepts yet"
        coverage_list.set_rows(LazyRows(coverage.rows, lambda row: coverage_text(row, total, columns)),
                               coverage_list.cursor, announce=False)
        own_list = self.query_one("#own", RowList)
        own_list.empty = "none: every regional indicator has a counterpart"
        own_list.set_rows(LazyRows(self.own, own_text), own_list.cursor, announce=False)
        by_region = Counter(item.region for item in self.own)
        title = Text.assemble(("The regions' own (个性) indicators", "bold"),
                              f": {len(self.own):,} with no counterpart anywhere, of {self.unmatched:,} in no concept")
        if by_region:
            title.append(" · " + ", ".join(f"{region} {count}" for region, count in by_region.most_common(8)),
                         style="dim")
        self.query_one("#own-title", TextPanel).show(title)
        self.show_status()

    def show_status(self) -> None:
        coverage = self.coverage
        text = Text("Coverage", style="bold")
        if coverage is not None:
            full = sum(1 for row in coverage.rows if row.covered == len(coverage.regions))
            text.append(f" · {len(coverage.rows):,} concepts × {len(coverage.regions)} regions, most-covered first"
                        f" · {full:,} measured in every region")
        if self.reading:
            text.append(f" · {self.reading}", style="yellow")
        text.append_text(self.status_tail())
        self.query_one("#coverage-status", TextPanel).show(text)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        """Enter on a concept opens its comparison."""
        event.stop()
        if event.row_list.id == "coverage" and self.coverage is not None and event.index < len(self.coverage.rows):
            self.app.push_screen(ComparisonScreen(self.coverage.rows[event.index].concept_id), self.returned)
