"""The main screen: records, indicators, candidates and details in split panes. It holds what each pane shows
(reactives the panes are bound to), turns what the panes report into loads from the session, and sends every
decision through decide()."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import var
from textual.timer import Timer

from store import browse
from store.place import Place
from store.workspace import Workspace
from tui.actions import MAIN, bindings
from tui.messages import DecisionMade, DecisionRefused, SuggestionsRefreshed
from tui.record_tree import RecordRow, RecordTree, TreeRows
from tui.screens.control import ReviewerControl
from tui.screens.decide import DecidingScreen, decide, rename
from tui.screens.dialogs import export_crosswalk
from tui.screens.finding import Finding
from tui.screens.help import HelpScreen, help_rows
from tui.screens.moving import Moving
from tui.screens.queue import QueueScreen
from tui.session import CandidateRow, Decision, Detail, ReviewSession
from tui.widgets import (
    CandidateList,
    CandidatesPane,
    DetailView,
    IndicatorList,
    IndicatorsPane,
    KeyBar,
    RecordsPane,
    RowList,
    StatusLine,
)
from tui.widgets.detail import MEMBER_LINES

NARROW = 110  # below this many columns, one pane at a time


class MainScreen(ReviewerControl, Finding, Moving, DecidingScreen[None]):
    """Records · indicators · candidates · detail, and the status line."""

    BINDINGS = bindings(MAIN)

    record_rows: var[TreeRows] = var(TreeRows(), always_update=True)
    indicator_list: var[IndicatorList] = var(IndicatorList(), always_update=True)
    candidate_list: var[CandidateList] = var(CandidateList(), always_update=True)
    detail: var[Detail] = var(Detail(), always_update=True)
    progress: var[browse.Progress | None] = var(None)
    last_decision: var[str] = var("")
    refusal: var[str] = var("")
    background_work: var[str] = var("")
    background_failure: var[str] = var("")

    def __init__(self) -> None:
        super().__init__()
        self._record_id: int | None = None  # the record whose indicators are shown
        self._indicator_id: int | None = None  # the indicator whose candidates are shown
        self._pending_redraw: tuple[str, set[str]] | None = None  # a decision waiting for the matcher
        self._saved_place: Place | None = None
        self._binding_state: tuple[bool, bool] | None = None
        # (indicator, candidate) an undo or redo goes to before the matcher has relisted that candidate
        self._wanted_candidate: tuple[int, int] | None = None
        self._place_timer: Timer | None = None  # the place written a second after the last decision

    @property
    def session(self) -> ReviewSession:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def workspace(self) -> Workspace:
        return self.session.workspace

    def compose(self) -> ComposeResult:
        self.record_tree = RecordTree(self.workspace)
        yield StatusLine(self.workspace.path.name, self.session.reviewer, id="status").data_bind(
            MainScreen.progress, MainScreen.last_decision, MainScreen.refusal,
            work=MainScreen.background_work, failure=MainScreen.background_failure)
        with Horizontal(id="panes"):
            yield RecordsPane(self.record_tree, id="records-pane", classes="pane").data_bind(
                rows=MainScreen.record_rows)
            yield IndicatorsPane(id="indicators-pane", classes="pane").data_bind(
                indicators=MainScreen.indicator_list)
            yield CandidatesPane(id="candidates-pane", classes="pane").data_bind(
                candidates=MainScreen.candidate_list)
        yield DetailView(id="detail").data_bind(MainScreen.detail)
        yield KeyBar()

    def on_mount(self) -> None:
        # the panes, looked up once: every key reads what they highlight
        self.set_class(self.app.size.width < NARROW, "narrow")
        self._panes = (self.query_one(RecordsPane), self.query_one(IndicatorsPane), self.query_one(CandidatesPane))
        self._watch_panes()
        self.record_tree.load()
        self.record_rows = self.record_tree.view(0)
        self.query_one("#records", RowList).focus()
        self.open_record(None)
        self.restore_place()
        self.progress = self.session.progress()
        self.set_interval(self.app.config.poll_seconds, self.check_other_reviewers)  # type: ignore[attr-defined]
        # what the app's workers do, in this screen's reactives that the status line is bound to
        self.watch(self.app, "background_work", lambda text: setattr(self, "background_work", text))
        self.watch(self.app, "background_failure", lambda text: setattr(self, "background_failure", text))

    def on_resize(self, event: events.Resize) -> None:
        """On a narrow terminal the focused pane takes the width (the others shrink to a strip, behind Tab)."""
        self.set_class(event.size.width < NARROW, "narrow")

    # -- what is highlighted -----------------------------------------------------------------------

    @property
    def indicator_rows(self) -> tuple[browse.IndicatorRow, ...]:
        return self.indicator_list.rows

    @property
    def candidate_rows(self) -> tuple[CandidateRow, ...]:
        return self.candidate_list.rows

    def current_record(self) -> browse.RecordSummary | None:
        return self.record_tree.record_at(self._panes[0].list.cursor)

    def current_indicator(self) -> browse.IndicatorRow | None:
        return self._panes[1].highlighted if self.is_mounted else None

    def current_candidate(self) -> CandidateRow | None:
        return self._panes[2].highlighted

    # -- loading: a record's indicators, an indicator's candidates, the detail -----------------------

    def load_regions(self) -> None:
        """Documents were imported: the regions, the totals and what is highlighted, from the store."""
        self.session.documents_changed()
        self.record_tree.load()
        self.refresh_after_decision(None)

    def open_record(self, record_id: int | None, indicator: int = 0, candidate: int = 0) -> None:
        """Show a record's indicators (``indicator`` highlighted) and the candidates of that indicator."""
        rows = browse.indicators(self.workspace, record_id) if record_id is not None else []
        self._record_id = record_id
        # on a large workspace, make the lists of the whole record at once, in the background
        missing = [r.regional_indicator_id for r in rows if r.best_score is None]
        if missing:
            self.app.request_suggestions(missing)  # type: ignore[attr-defined]
        self.indicator_list = IndicatorList(record_id, tuple(rows), indicator)
        self.show_candidates(candidate)

    def show_candidates(self, cursor: int | None = 0) -> None:
        """The highlighted indicator's candidates (``cursor`` None: the same indicator's, redrawn in place)."""
        row = self.current_indicator()
        self._indicator_id = row.regional_indicator_id if row else None
        self.candidate_list = CandidateList(self._indicator_id, tuple(self.session.candidates(self._indicator_id)),
                                            cursor)
        if self._wanted_candidate is not None:
            ri_id, candidate_id = self._wanted_candidate
            if ri_id != self._indicator_id:
                self._wanted_candidate = None
            else:
                self._highlight_candidate(ri_id, candidate_id)
        self.show_detail()

    def show_detail(self) -> None:
        candidate = self.current_candidate()
        self.detail = self.session.detail(self.current_indicator(), candidate.explanation if candidate else None,
                                          empty=not self.record_tree.rows, members=MEMBER_LINES, candidate=candidate)
        self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        """Tell the key bar only when what can be done changes."""
        state = (self.current_indicator() is not None, self.current_candidate() is not None)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    # -- what the panes show follows their cursors; Enter comes up as a message ----------------------------
    # The screen watches each pane's cursor instead of waiting for a message: the watcher runs as the cursor
    # moves, so the moved cursor and the panes it changes are drawn in one frame (a message arrives after the
    # moved cursor has been drawn, and every move cost a second compositor pass).

    def _watch_panes(self) -> None:
        records, indicators, candidates = self._panes
        self.watch(records.list, "cursor", self._record_moved, init=False)
        self.watch(indicators.list, "cursor", self._indicator_moved, init=False)
        self.watch(candidates.list, "cursor", self.show_detail, init=False)

    def _record_moved(self) -> None:
        row = self._panes[0].highlighted
        record_id = row.record.id if isinstance(row, RecordRow) else None
        if record_id != self._record_id:
            with self.app.batch_update():
                self.open_record(record_id)

    def _indicator_moved(self) -> None:
        row = self._panes[1].highlighted
        if (row.regional_indicator_id if row else None) != self._indicator_id:
            with self.app.batch_update():
                self.show_candidates()

    def on_records_pane_record_opened(self, message: RecordsPane.RecordOpened) -> None:
        self.query_one("#indicators", RowList).focus()
        self.save_place()

    def on_indicators_pane_indicator_opened(self, message: IndicatorsPane.IndicatorOpened) -> None:
        self.query_one("#candidates", RowList).focus()

    # -- after decisions, the matcher relearning, and colleagues' decisions ----------------------------

    def on_suggestions_refreshed(self, event: SuggestionsRefreshed) -> None:
        if event.touched is None:
            self._pending_redraw = None
            self.refresh_after_decision(None)
            return
        if self._flush_redraw():
            return
        if self._indicator_id is not None and self._indicator_id in event.touched:
            with self.app.batch_update():
                self.show_candidates(None)
                self._reload_indicators()

    def check_other_reviewers(self) -> None:
        """Another process (a colleague's zhibiao review, an import in another shell) decided or imported
        something: show it."""
        importing = any(worker.group == "import" and worker.is_running for worker in self.app.workers)
        if not importing and self.session.documents_changed_elsewhere():
            self.app.documents_changed()  # type: ignore[attr-defined]
            self.notify("documents were imported from another process: the regions are read again")
        if not self.session.changed_elsewhere():
            return
        self.refresh_after_decision("updated from the workspace")
        top = self.app.screen
        if isinstance(top, QueueScreen):
            top.show("updated from the workspace")
        if top is self or (isinstance(top, QueueScreen) and top.pinned is None):
            # what the reviewer sees now is the workspace as it is (an undone pair the queue holds on to is not)
            self.session.review.saw(self.session.seen_event)

    def on_decision_made(self, message: DecisionMade) -> None:
        """A decision is committed: redraw from the store, once the matcher has relearned from it when it is
        relearning (a few ms; at most 0.3 s later), else at once."""
        if message.decided.decision.kind in ("undo", "redo") and message.decided.subject[0] is not None:
            self.go_to(*message.decided.subject)
        self.save_place_soon()
        summary, touched = message.decided.summary, message.decided.touched
        ids = [*touched, *([self._indicator_id] if self._indicator_id is not None else [])]
        regions = browse.regions_of(self.workspace, ids)
        if message.relearning:
            if self._pending_redraw is None:
                self._pending_redraw = (summary, regions)
                self.set_timer(0.3, self._flush_redraw)
            else:
                self._pending_redraw = (summary, self._pending_redraw[1] | regions)
            return
        self._flush_redraw()
        self.refresh_after_decision(summary, regions=regions)

    def on_decision_refused(self, message: DecisionRefused) -> None:
        """Nothing was decided: say why where the reviewer looks for the last decision."""
        self.refusal = message.reason
        self.notify(message.reason, severity="warning", markup=False)

    def _flush_redraw(self) -> bool:
        """Draw a decision that waited for the matcher; False when none was waiting."""
        pending, self._pending_redraw = self._pending_redraw, None
        if pending is None:
            return False
        with self.app.batch_update():
            self.refresh_after_decision(pending[0], regions=pending[1])
        return True

    def refresh_after_decision(self, summary: str | None, regions: set[str] | None = None) -> None:
        """Counts, indicators, candidates and detail from the store, in place (``regions``: only these
        regions' counts changed)."""
        self.record_tree.recount(regions)
        self.record_rows = self.record_tree.view()
        record = self.current_record()
        if (record.id if record else None) != self._record_id:  # the rows moved under the cursor
            self.open_record(record.id if record else None)
        elif self._record_id is not None:
            self._reload_indicators()
            self.show_candidates(None)
        else:  # no record open: the welcome gives way once documents have come
            self.show_detail()
        if summary is not None:
            self.last_decision, self.refusal = summary, ""
        self.progress = self.session.progress()
        self._refresh_bindings_if_changed()

    def _reload_indicators(self) -> None:
        rows = browse.indicators(self.workspace, self._record_id) if self._record_id is not None else []
        self.indicator_list = IndicatorList(self._record_id, tuple(rows), None)

    # -- decisions: every one goes through decide(); the screen redraws on DecisionMade ------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current_indicator() if self.is_mounted else None
        if action in ("approve", "close_match", "reject"):
            return True if row and self.current_candidate() else None
        if action == "map_to":
            return True if row is not None else None
        if action in ("flag", "rename", "detach", "no_counterpart", "none_of_these", "approve_likely"):
            # rename/detach outside a concept say why when pressed (keeping them on spares the footer a
            # relayout after every approval)
            return True if row is not None else None
        return True

    def decision_pair(self) -> tuple[int, int, float] | None:
        row, candidate = self.current_indicator(), self.current_candidate()
        if row is None or candidate is None:
            return None
        return row.regional_indicator_id, candidate.candidate.id, candidate.score

    def action_detach(self) -> None:
        row = self.current_indicator()
        if row is None:
            return
        if not row.concept:
            self.notify("this indicator is not in a concept: nothing to detach", severity="warning")
            return
        decide(self, Decision("detach", row.regional_indicator_id))

    def action_rename(self) -> None:
        row = self.current_indicator()
        concept = self.session.review.concept_of(row.regional_indicator_id) if row else None
        if concept is None:
            self.notify("this indicator is not in a concept: approve it with a candidate first", severity="warning")
            return
        rename(self, concept)

    # -- dialogs and leaving -----------------------------------------------------------------------

    def action_export(self) -> None:
        export_crosswalk(self)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self.app)))

    def action_quit(self) -> None:
        self.save_place()
        self.app.exit()
