"""Coverage: concept × region, most-covered first — which regions measure each concept, with their target
there (flagged ones marked) — and beneath it the regions' own (个性) indicators, those with no counterpart
anywhere. Enter on a concept opens its comparison. On a large workspace the most-covered concepts are shown at
once, worked out alone, while a worker works out the rest."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import Worker, get_current_worker

from store import compare
from store.compare import Coverage, Unmatched
from store.workspace import Workspace
from tui.actions import COVERAGE, bindings
from tui.messages import WorkProgress
from tui.screens.comparison import ComparisonScreen
from tui.screens.library_list import PREVIEW_ROWS, ResultScreen
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
        """Coverage read from the store: its first rows (``complete`` False), or every concept's."""

        def __init__(self, coverage: Coverage, complete: bool, measured: dict[str, int] | None = None) -> None:
            super().__init__()
            self.coverage = coverage
            self.complete = complete
            self.measured = measured  # concepts per region, when the rows are only the first ones

    class OwnRead(Message):
        """The unmatched regional indicators, read from the store."""

        def __init__(self, unmatched: list[Unmatched]) -> None:
            super().__init__()
            self.unmatched = unmatched

    class Progress(WorkProgress):
        """How far working out every concept has got."""

    def __init__(self) -> None:
        super().__init__()
        self.coverage: Coverage | None = None
        self.complete = False  # the coverage holds every concept, not only the first ones
        self.measured: Counter[str] = Counter()  # how many concepts each region measures
        self.own: list[Unmatched] | None = None
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
        # shown already: the rows stay until every concept is worked out again, the cursor where it is
        self.read_coverage(first_rows=self.coverage is None)

    @work(thread=True, exclusive=True, group="coverage", exit_on_error=False)
    def read_coverage(self, first_rows: bool) -> None:
        """The coverage's first rows at once, the unmatched indicators, then every concept, with a connection of
        its own."""
        worker = get_current_worker()

        def report(message: Message) -> None:  # a worker replaced by a newer one says nothing more
            if not worker.is_cancelled:
                self.post_message(message)

        with Workspace(self.app.workspace_path) as workspace:  # type: ignore[attr-defined]
            if first_rows:
                first = compare.most_covered_coverage(workspace, PREVIEW_ROWS)
                report(self.Read(first, False, compare.concepts_by_region(workspace)))
            report(self.OwnRead(compare.unmatched(workspace)))
            if worker.is_cancelled:
                return
            found = compare.coverage(workspace, progress=lambda done, total: report(self.Progress(done, total)))
        report(self.Read(found, True))

    def on_coverage_screen_read(self, message: Read) -> None:
        if self.complete and not message.complete:
            return  # every concept is shown already
        self.coverage = message.coverage
        self.complete = message.complete
        if message.complete:
            self.reading = ""
            self.measured = Counter(region for row in message.coverage.rows for region in row.targets)
        elif message.measured is not None:
            self.measured = Counter(message.measured)
        self.show()

    def on_coverage_screen_own_read(self, message: OwnRead) -> None:
        self.unmatched = len(message.unmatched)
        self.own = [item for item in message.unmatched if item.own]
        self.show()

    def on_coverage_screen_progress(self, message: Progress) -> None:
        if message.total and message.done:
            self.reading = f"working out the coverage of {message.total:,} concepts: {message.done:,} done"
        elif message.total:
            self.reading = f"working out the coverage of {message.total:,} concepts…"
        self.show_status()

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
        if coverage is not None:
            self.show_coverage(coverage)
        if self.own is not None:
            self.show_own(self.own)
        self.show_status()

    def show_coverage(self, coverage: Coverage) -> None:
        # the regions that measure most concepts first: the grid's left columns are its fullest
        regions = sorted(coverage.regions, key=lambda region: (-self.measured[region], region))
        columns = region_columns(regions, self.app.size.width - 2)
        total = len(coverage.regions)
        self.query_one("#coverage-header", TextPanel).show(
            header((COVERAGE_NAME, COVERAGE_COUNT, *(columns or [Column("regions measuring it, with their target")]))))
        coverage_list = self.query_one("#coverage", RowList)
        coverage_list.empty = "no concepts yet"
        coverage_list.set_rows(LazyRows(coverage.rows, lambda row: coverage_text(row, total, columns)),
                               coverage_list.cursor, announce=False)

    def show_own(self, own: list[Unmatched]) -> None:
        own_list = self.query_one("#own", RowList)
        own_list.empty = "none: every regional indicator has a counterpart"
        own_list.set_rows(LazyRows(own, own_text), own_list.cursor, announce=False)
        by_region = Counter(item.region for item in own)
        title = Text.assemble(("The regions' own (个性) indicators", "bold"),
                              f": {len(own):,} with no counterpart anywhere, of {self.unmatched:,} in no concept")
        if by_region:
            title.append(" · " + ", ".join(f"{region} {count}" for region, count in by_region.most_common(8)),
                         style="dim")
        self.query_one("#own-title", TextPanel).show(title)

    def show_status(self) -> None:
        coverage = self.coverage
        text = Text("Coverage", style="bold")
        if coverage is not None and self.complete:
            full = sum(1 for row in coverage.rows if row.covered == len(coverage.regions))
            text.append(f" · {len(coverage.rows):,} concepts × {len(coverage.regions)} regions, most-covered first"
                        f" · {full:,} measured in every region")
        elif coverage is not None:
            text.append(f" · the {len(coverage.rows):,} most-covered concepts × {len(coverage.regions)} regions")
        if self.reading:
            text.append(f" · {self.reading}", style="yellow")
        text.append_text(self.status_tail())
        self.query_one("#coverage-status", TextPanel).show(text)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        """Enter on a concept opens its comparison."""
        event.stop()
        if event.row_list.id == "coverage" and self.coverage is not None and event.index < len(self.coverage.rows):
            self.app.push_screen(ComparisonScreen(self.coverage.rows[event.index].concept_id), self.returned)
