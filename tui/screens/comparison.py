"""A concept's comparison: its members by region, each with the project(s) it comes from, its period and annual
targets as written and the target compared in the concept's unit; flagged targets are marked, and the panel
beneath says why, where the target comes from and how it was read. Rename, detach, map-to and undo act here."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.worker import Worker, get_current_worker

from store import compare
from store.compare import Comparison, TargetRow
from store.review import Review
from store.workspace import Workspace
from tui.actions import COMPARISON, bindings
from tui.literal import literal
from tui.messages import DecisionMade
from tui.screens.decide import decide, rename
from tui.screens.library_list import ResultScreen, map_to
from tui.session import Decision
from tui.widgets import KeyBar, RowList
from tui.widgets.library_rows import comparison_title, target_columns, target_detail, target_text
from tui.widgets.table import LazyRows, TextPanel, header


class ComparisonScreen(ResultScreen):
    """One concept's targets side by side."""

    BINDINGS = bindings(COMPARISON)

    class Read(Message):
        """The concept as the store has it (None: it no longer exists), read after event ``seen``."""

        def __init__(self, comparison: Comparison | None, missing: tuple[str, ...], seen: int) -> None:
            super().__init__()
            self.comparison = comparison
            self.missing = missing
            self.seen = seen

    def __init__(self, concept_id: int) -> None:
        super().__init__()
        self.concept_id = concept_id
        self.comparison: Comparison | None = None
        self.missing: tuple[str, ...] = ()  # the regions that do not measure the concept
        self.gone = False
        self._list: RowList | None = None

    def compose(self) -> ComposeResult:
        yield TextPanel(id="comparison-status", classes="status")
        yield TextPanel(Text("reading the concept…", style="dim"), id="comparison-title")
        yield TextPanel(id="comparison-header", classes="table-header")
        yield RowList(id="targets", empty="reading the concept…", opens=False)
        yield TextPanel(id="comparison-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.list.focus()
        self.watch(self.list, "cursor", self.show_detail, init=False)
        self.follow_background_work()
        self.show_status()
        self.reread()

    @property
    def list(self) -> RowList:
        if self._list is None:
            self._list = self.query_one("#targets", RowList)
        return self._list

    @property
    def highlighted(self) -> TargetRow | None:
        rows = self.comparison.rows if self.comparison else ()
        cursor = self.list.cursor
        return rows[cursor] if 0 <= cursor < len(rows) else None

    # -- reading ----------------------------------------------------------------------------------

    def reread(self) -> None:
        self.read_comparison(self.concept_id)

    @work(thread=True, exclusive=True, group="comparison", exit_on_error=False)
    def read_comparison(self, concept_id: int) -> None:
        """The concept's comparison with its provenance, with a connection of its own."""
        worker = get_current_worker()
        with Workspace(self.app.workspace_path) as workspace:  # type: ignore[attr-defined]
            seen = Review(workspace).last_event_id()  # what is read next is at least as new as this
            item = compare.comparison(workspace, concept_id)
            missing = () if item is None else tuple(
                region for region in compare.regions(workspace) if region not in set(item.regions))
        if not worker.is_cancelled:
            self.post_message(self.Read(item, missing, seen))

    def on_comparison_screen_read(self, message: Read) -> None:
        keep = self.highlighted
        self.comparison, self.missing = message.comparison, message.missing
        self.gone = message.comparison is None
        if message.comparison is not None:
            # the screen now shows the workspace as of ``seen``: a decision here is checked against later changes
            self.session.review.saw(message.seen)
        self.show()
        if keep is not None and self.comparison is not None:
            for index, row in enumerate(self.comparison.rows):
                if (row.regional_indicator_id, row.value) == (keep.regional_indicator_id, keep.value):
                    self.list.move_to(index)
                    break

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "comparison" and self.failed(event, "reading the concept"):
            self.list.empty = "the concept could not be read"
            self.list.refresh()
            self.query_one("#comparison-title", TextPanel).show(Text())
            self.show_status()

    # -- showing ----------------------------------------------------------------------------------

    def show(self) -> None:
        item = self.comparison
        title = self.query_one("#comparison-title", TextPanel)
        if item is None:
            title.show(Text(f"concept {self.concept_id} no longer exists (detached, merged or undone): "
                            "Escape goes back", style="yellow"))
            self.list.empty = "no members"
            self.list.set_rows([], 0, announce=False)
            self.show_detail()
            self.show_status()
            return
        title.show(comparison_title(item))
        columns = target_columns(self.app.size.width - 4)  # the list's margins and its cursor's room
        self.query_one("#comparison-header", TextPanel).show(header(columns))
        # a member's region and name on its first target only
        rows = [(row, index == 0 or item.rows[index - 1].regional_indicator_id != row.regional_indicator_id)
                for index, row in enumerate(item.rows)]
        self.list.set_rows(LazyRows(rows, lambda pair: target_text(item, *pair, columns)),
                           min(self.list.cursor, max(len(rows) - 1, 0)), announce=False)
        self.show_detail()
        self.show_status()

    def on_resize(self) -> None:
        if self.comparison is not None:
            self.show()

    def show_detail(self) -> None:
        detail = self.query_one("#comparison-detail", TextPanel)
        if self.comparison is None:
            detail.show(Text())
            return
        detail.show(target_detail(self.comparison, self.highlighted, self.missing))

    def show_status(self) -> None:
        text = Text("Comparison", style="bold")
        item = self.comparison
        if item is not None:
            text.append_text(literal(f" · {item.name} · {len(item.rows)} targets of {item.members} members"))
        text.append_text(self.status_tail())
        self.query_one("#comparison-status", TextPanel).show(text)

    # -- decisions --------------------------------------------------------------------------------

    def on_decision_made(self, message: DecisionMade) -> None:
        decision = message.decided.decision
        if decision.kind == "approve" and decision.indicator is not None:
            # mapped to another concept: this one was merged into it, which the screen now shows
            followed = self.session.review.concept_id_of(decision.indicator)
            if followed is not None:
                self.concept_id = followed
        super().on_decision_made(message)

    def action_rename(self) -> None:
        concept = self.session.review.concept(self.concept_id)
        if concept is None:
            self.notify("this concept no longer exists", severity="warning")
            return
        rename(self, concept)

    def action_detach(self) -> None:
        row = self.highlighted
        if row is None:
            self.notify("no member is highlighted", severity="warning")
            return
        decide(self, Decision("detach", row.regional_indicator_id))

    def action_map_to(self) -> None:
        map_to(self, self.concept_id)

    def action_undo(self) -> None:
        decide(self, Decision("undo"))
