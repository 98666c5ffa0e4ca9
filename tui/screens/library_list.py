"""What the result screens share (the concepts screen, a concept's comparison, coverage): decisions through the
one decision flow, back, export and help; and the library's list of concepts, read in a worker, sorted and
filtered, which the concepts screen shows and map-to picks from."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from store import compare
from store.compare import ConceptRow
from store.workspace import Workspace
from tui.actions import CONCEPTS, bindings
from tui.library import Library
from tui.literal import literal, visible
from tui.messages import DecisionMade, DecisionRefused, WorkProgress
from tui.screens.decide import decide
from tui.screens.dialogs import export_crosswalk
from tui.screens.help import HelpScreen, help_rows
from tui.session import Decision, ReviewSession
from tui.widgets import KeyBar, RowList
from tui.widgets.library_rows import concept_columns, concept_text
from tui.widgets.table import LazyRows, TextPanel, header

PREVIEW_ROWS = 100  # concepts shown while the whole library of a large workspace is being worked out: pages of them


class ResultScreen(Screen[bool]):
    """A screen of the crosswalk's results; dismissed with whether the reviewer decided anything on it (the
    screen below then redraws from the store)."""

    def __init__(self) -> None:
        super().__init__()
        self.made_decisions = False
        self.last = ""  # the last decision, or why it was not made, or what failed
        self.last_style = "bold green"

    @property
    def session(self) -> ReviewSession:
        return self.app.session  # type: ignore[attr-defined]

    def reread(self) -> None:
        """Read what the screen shows from the store again."""
        raise NotImplementedError

    def show_status(self) -> None:
        """Redraw the status line."""
        raise NotImplementedError

    def on_decision_made(self, message: DecisionMade) -> None:
        self.made_decisions = True
        self.last, self.last_style = message.decided.summary, "bold green"
        self.reread()

    def on_decision_refused(self, message: DecisionRefused) -> None:
        """Nothing was decided: say why, and read the store again (a colleague may have changed it)."""
        self.last, self.last_style = f"not done: {message.reason}", "bold yellow"
        self.notify(message.reason, severity="warning", markup=False)
        self.reread()

    def returned(self, decided: bool | None) -> None:
        """A screen opened from this one is closed: show what it decided."""
        if decided:
            self.made_decisions = True
            self.reread()

    def failed(self, event: Worker.StateChanged, what: str) -> bool:
        """Whether the worker failed; it is then said in a notification, and the status line is to say it too."""
        if event.state != WorkerState.ERROR:
            return False
        self.last, self.last_style = f"{what} failed: {visible(str(event.worker.error))}", "bold red"
        self.notify(self.last, severity="error", timeout=15, markup=False)
        return True

    def action_back(self) -> None:
        self.dismiss(self.made_decisions)

    def action_export(self) -> None:
        export_crosswalk(self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self.app)))

    def follow_background_work(self) -> None:
        """Show in the status line what the app's workers do (an export being written, sheet by sheet)."""
        self.watch(self.app, "background_work", lambda _work: self.show_status(), init=False)

    def status_tail(self) -> Text:
        """What the app's workers do, and the last decision (or why it was not made, or what failed), for the
        end of the status line."""
        text = Text()
        work = self.app.background_work  # type: ignore[attr-defined]
        if work:
            text.append_text(literal(f" · {work}", "yellow"))
        if self.last:
            text.append_text(literal(f" · {self.last}", self.last_style))
        return text


class ConceptList(ResultScreen):
    """The library's concepts in a list: read in a worker (the most-covered first while a large library is
    worked out), in the order and through the filters the reviewer chose."""

    class Read(Message):
        """Concepts read from the store: the first ones (``complete`` False), or all of them."""

        def __init__(self, rows: list[ConceptRow], complete: bool) -> None:
            super().__init__()
            self.rows = rows
            self.complete = complete

    class Progress(WorkProgress):
        """How far working out every concept has got."""

    def __init__(self) -> None:
        super().__init__()
        self.library = Library()
        self.title_text = "Concepts"
        self.reading = "reading the concepts…"  # what the worker is doing ("" when done)
        self._list: RowList | None = None

    def compose(self) -> ComposeResult:
        yield TextPanel(id="library-status", classes="status")
        yield Input(placeholder="filter: a concept's name, a level or a region", id="library-filter")
        yield TextPanel(id="library-header", classes="table-header")
        yield RowList(id="concepts", empty="reading the concepts…")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#library-filter", Input).display = False
        self.list.focus()
        self.follow_background_work()
        self.show_rows()
        self.reread()

    @property
    def list(self) -> RowList:
        if self._list is None:
            self._list = self.query_one("#concepts", RowList)
        return self._list

    def keep(self, rows: list[ConceptRow]) -> list[ConceptRow]:
        """The concepts this list offers (all of them)."""
        return rows

    # -- reading ----------------------------------------------------------------------------------

    def reread(self) -> None:
        self.read_library()

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def read_library(self) -> None:
        """Every concept, with a connection of its own: the first rows at once on a large workspace."""
        worker = get_current_worker()
        with Workspace(self.app.workspace_path) as workspace:  # type: ignore[attr-defined]
            rows = compare.concept_rows(
                workspace, preview=lambda first: self.post_message(self.Read(first, False)),
                progress=lambda done, total: self.post_message(self.Progress(done, total)),
                preview_size=PREVIEW_ROWS)
        if not worker.is_cancelled:
            self.post_message(self.Read(rows, True))

    def on_concept_list_read(self, message: Read) -> None:
        if message.complete:
            self.reading = ""
        self.library.load(self.keep(message.rows), complete=message.complete)
        self.show_rows(self.highlighted_id())

    def on_concept_list_progress(self, message: Progress) -> None:
        self.reading = f"working out the flags of {message.total:,} concepts: {message.done:,} done"
        self.show_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "library" and self.failed(event, "reading the concepts"):
            self.reading = ""
            self.list.empty = "the concepts could not be read"
            self.list.refresh()
            self.show_status()

    # -- showing ----------------------------------------------------------------------------------

    @property
    def highlighted(self) -> ConceptRow | None:
        view, cursor = self.library.view(), self.list.cursor
        return view[cursor] if 0 <= cursor < len(view) else None

    def highlighted_id(self) -> int | None:
        row = self.highlighted if self._list is not None and self.list.rows else None
        return row.id if row else None

    def show_rows(self, keep_id: int | None = None) -> None:
        """The library's view in the list, the cursor on ``keep_id`` when it is still shown."""
        view = self.library.view()
        cursor = next((index for index, row in enumerate(view) if row.id == keep_id), 0) if keep_id else 0
        self.list.empty = "reading the concepts…" if self.reading else "no concept matches" if \
            self.library.rows else "no concepts yet: approve a pair on the main screen to make one"
        columns = concept_columns(self.app.size.width - 4)  # the list's margins and its cursor's room
        self.query_one("#library-header", TextPanel).show(header(columns))
        self.list.set_rows(LazyRows(view, lambda row: concept_text(row, columns)), cursor, announce=False)
        self.show_status()

    def on_resize(self) -> None:
        self.show_rows(self.highlighted_id())

    def show_status(self) -> None:
        library = self.library
        shown = len(library.view())
        text = Text.assemble((self.title_text, "bold"), f" · {shown:,} of {len(library.rows):,} concepts"
                             if library.rows and shown != len(library.rows) else f" · {shown:,} concepts",
                             f" · sorted by {library.sort_name}")
        filters = library.filters_text()
        if filters:
            text.append_text(literal(f" · only {filters}", "cyan"))
        if self.reading:
            text.append_text(literal(f" · {self.reading}", "yellow"))
        text.append_text(self.status_tail())
        self.query_one("#library-status", TextPanel).show(text)

    # -- sorting and filtering ------------------------------------------------------------------------

    def action_sort(self) -> None:
        self.library.next_sort()
        self.show_rows(self.highlighted_id())

    def action_flagged_only(self) -> None:
        self.library.toggle_flagged()
        self.show_rows(self.highlighted_id())

    def action_level(self, depth: int) -> None:
        self.library.next_level(depth)
        self.show_rows(self.highlighted_id())

    def action_filter(self) -> None:
        field = self.query_one("#library-filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.library.set_text(event.value)
        self.show_rows(self.highlighted_id())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            event.input.display = False
        self.list.focus()


class ConceptPicker(ConceptList):
    """Map-to: the library without the concept being mapped; Enter picks the concept to merge it into."""

    BINDINGS = [binding for binding in bindings(CONCEPTS)
                if binding.id in ("back", "sort", "flagged_only", "level1", "level2", "filter", "help")]

    def __init__(self, source_id: int, source_name: str) -> None:
        super().__init__()
        self.source_id = source_id
        self.title_text = f"Map {visible(source_name)} to…: Enter merges it into the highlighted one, Escape cancels"

    def keep(self, rows: list[ConceptRow]) -> list[ConceptRow]:
        return [row for row in rows if row.id != self.source_id]

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        row = self.highlighted
        if row is not None:
            self.dismiss(row.id)  # type: ignore[arg-type]

    def action_back(self) -> None:
        self.dismiss(None)  # type: ignore[arg-type]


def map_to(screen: Screen, concept_id: int) -> None:
    """Map a concept to another one of the library: the reviewer picks it, confirms the merge, and the concept
    is merged into the one picked (one decision: undo splits them again)."""
    session: ReviewSession = screen.app.session  # type: ignore[attr-defined]
    source = session.review.concept(concept_id)
    if source is None or not source.members:
        screen.notify("this concept no longer exists", severity="warning")
        return
    source_member = source.members[0].indicator.id

    def picked(target_id: int | None) -> None:
        target = session.review.concept(target_id) if target_id is not None else None
        if target is not None and target.members:
            # approving a member of each asks to merge the two concepts; confirmed, the source joins the target
            decide(screen, Decision("approve", target.members[0].indicator.id, source_member))

    screen.app.push_screen(ConceptPicker(concept_id, source.name), picked)
