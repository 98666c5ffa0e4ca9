"""The main screen: records, indicators, candidates and details in split panes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label

from store import browse, mapping
from store.place import Place
from store.workspace import Workspace
from tui.actions import MAIN, bindings
from tui.literal import literal
from tui.messages import DecisionMade, DecisionRefused, SuggestionsRefreshed
from tui.screens.decide import decide
from tui.screens.dialogs import ExportDialog, RenameConcept
from tui.screens.help import HelpScreen, help_rows
from tui.screens.queue import QueueScreen
from tui.session import Decision, ReviewSession
from tui.widgets import DetailView, KeyBar, RowList

_MEMBER_LINES = 7  # members the detail strip lists beside the provenance


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short_level(level: str | None) -> str:
    """产出指标 → 产出, 服务对象满意度指标 → 服务对象满意度 (a level's name without the word every level has)."""
    if not level:
        return "?"
    return level[:-2] if level.endswith("指标") and len(level) > 2 else level


@dataclass
class _Region:
    name: str
    expanded: bool = False


class MainScreen(Screen):
    """Records · indicators · candidates · detail, and the status line."""

    BINDINGS = bindings(MAIN)

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[_Region] = []
        self.record_rows: list[tuple[str, browse.RegionSummary | browse.RecordSummary]] = []
        self.indicator_rows: list[browse.IndicatorRow] = []
        self.candidate_rows = []
        self.filter_text = ""
        self._summaries: dict[str, browse.RegionSummary] = {}
        self._region_texts: dict[tuple, Text] = {}
        self._records: dict[str, list[browse.RecordSummary]] = {}  # by region, counts included
        self._region_rows: dict[str, int] = {}  # region -> its row in the records list
        self._record_texts: dict[browse.RecordSummary, Text] = {}
        self._totals: tuple[int, int] | None = None  # recounted after an import
        self._pending_redraw: tuple[str, set[str]] | None = None  # a decision waiting for the matcher
        self._saved_place: Place | None = None
        self._last_summary = ""

    @property
    def session(self) -> ReviewSession:
        return self.app.session  # type: ignore[attr-defined]

    @property
    def workspace(self) -> Workspace:
        return self.session.workspace

    def compose(self) -> ComposeResult:
        yield DetailView(id="status")
        with Horizontal(id="panes"):
            with Vertical(id="records-pane", classes="pane"):
                yield Label("Records", classes="pane-title")
                yield Input(placeholder="filter records", id="filter")
                yield RowList(id="records", empty="no documents yet: zhibiao review PATH imports them")
            with Vertical(id="indicators-pane", classes="pane"):
                yield Label("Indicators", classes="pane-title")
                yield RowList(id="indicators", empty="select a record")
            with Vertical(id="candidates-pane", classes="pane"):
                yield Label("Candidates in other regions", classes="pane-title")
                yield RowList(id="candidates", empty="no candidate")
        yield DetailView(id="detail")
        yield KeyBar()

    def on_mount(self) -> None:
        for row_list in self.query(RowList):
            row_list.on_highlight = self.cursor_moved
        self.query_one("#filter", Input).display = False
        self.load_regions()
        self.query_one("#records", RowList).focus()
        self.restore_place()
        self.update_status()
        self.set_interval(2.0, self.check_other_reviewers)
        self.watch(self.app, "background_work", lambda _: self.update_status(), init=False)
        self.watch(self.app, "background_failure", lambda _: self.update_status(), init=False)

    def check_other_reviewers(self) -> None:
        """Another process (a colleague's zhibiao review) decided something: show it."""
        if self.session.changed_elsewhere():
            self.refresh_after_decision("updated from the workspace")

    # -- where the reviewer left off ---------------------------------------------------------------

    def place(self) -> Place:
        record = self.current_record()
        focused = self.app.focused
        pane = focused.id if isinstance(focused, RowList) and focused.id else "records"
        return Place(tuple(r.name for r in self.regions if r.expanded), record.id if record else None,
                            self.query_one("#indicators", RowList).cursor,
                            self.query_one("#candidates", RowList).cursor, pane)

    def save_place(self) -> None:
        """Remember where the reviewer is (written only when it changed since the last time)."""
        if self.record_rows:
            place = self.place()
            if place != self._saved_place:
                self.session.save_place(place)
                self._saved_place = place

    def restore_place(self) -> None:
        """Open where this reviewer left off (the record, the indicator, the pane)."""
        place = self.session.load_place()
        if place is None:
            return
        opened = set(place.expanded)
        for region in self.regions:
            region.expanded = region.name in opened
        self.rebuild_records(keep=0, announce=False)
        index = next((i for i, (kind, item) in enumerate(self.record_rows)
                      if kind == "record" and item.id == place.record_id), None)  # type: ignore[union-attr]
        if index is None:
            return
        records_list = self.query_one("#records", RowList)
        records_list.set_rows(records_list.rows, index, announce=False)
        self._saved_place = place
        self.load_indicators(place.record_id, place.indicator, announce=False)
        self.load_candidates(place.candidate, announce=False)
        if place.pane in ("records", "indicators", "candidates"):
            self.query_one(f"#{place.pane}", RowList).focus()
        self._refresh_bindings_if_changed()

    # -- loading -----------------------------------------------------------------------------------

    def load_regions(self) -> None:
        self._totals = None
        self._records.clear()
        summaries = browse.regions(self.workspace)
        expanded = {r.name for r in self.regions if r.expanded}
        self.regions = [_Region(s.region, s.region in expanded) for s in summaries]
        if summaries and not expanded:
            self.regions[0].expanded = True
        self._summaries = {s.region: s for s in summaries}
        self.rebuild_records()

    def _records_of(self, region: str) -> list[browse.RecordSummary]:
        """A region's records with their counts, queried again only when a decision touched the region."""
        records = self._records.get(region)
        if records is None:
            records = self._records[region] = browse.records(self.workspace, region)
        return records

    def _region_text(self, summary: browse.RegionSummary, opened: bool) -> Text:
        marker = "v" if opened else ">"
        cache_key = (summary.region, marker, summary.mapped, summary.regional_indicators)
        text = self._region_texts.get(cache_key)
        if text is None:
            text = self._region_texts[cache_key] = Text.assemble(
                (f"{marker} ", "dim"), literal(summary.region, "bold"),
                (f"  {summary.mapped}/{summary.regional_indicators}", "dim"))
        return text

    def _record_text(self, record: browse.RecordSummary) -> Text:
        text = self._record_texts.get(record)
        if text is None:
            if len(self._record_texts) > 50_000:
                self._record_texts.clear()
            kind = "部门 " if record.kind == "department" else ""
            # the counts first: a long project name is cut at the pane's edge, they are not
            counts = f"{record.mapped}/{record.indicators}".rjust(7)
            text = self._record_texts[record] = Text.assemble(
                (counts, "dim"), "  ", (kind, "cyan"), literal(record.name))
        return text

    def update_region_rows(self, names: set[str]) -> bool:
        """Redraw the rows of a few regions whose counts changed (after a decision) without going through
        every region; False when the list must be rebuilt instead (a filter is on, or rows would move)."""
        if self.filter_text:
            return False
        records_list = self.query_one("#records", RowList)
        for name in names:
            index = self._region_rows.get(name)
            if index is None:
                continue
            summary = self._summaries[name]
            self.record_rows[index] = ("region", summary)
            region = next(r for r in self.regions if r.name == name)
            records_list.update_row(index, self._region_text(summary, region.expanded))
            if region.expanded:
                records = self._records_of(name)
                shown = self.record_rows[index + 1:index + 1 + len(records)]
                if len(shown) != len(records) or any(kind != "record" or item.id != record.id  # type: ignore[union-attr]
                                                     for (kind, item), record in zip(shown, records, strict=True)):
                    return False
                for offset, record in enumerate(records, start=index + 1):
                    if self.record_rows[offset][1] != record:
                        self.record_rows[offset] = ("record", record)
                        records_list.update_row(offset, self._record_text(record))
        return True

    def rebuild_records(self, keep: int | None = None, *, announce: bool = True, in_place: bool = False) -> None:
        rows: list[tuple[str, browse.RegionSummary | browse.RecordSummary]] = []
        texts: list[Text] = []
        region_rows: dict[str, int] = {}
        needle = self.filter_text
        for region in self.regions:
            summary = self._summaries[region.name]
            records = self._records_of(region.name) if (region.expanded or needle) else []
            if needle:
                records = [r for r in records if needle in r.name]
                if not records and needle not in region.name:
                    continue
            opened = region.expanded or bool(needle)
            region_rows[region.name] = len(rows)
            rows.append(("region", summary))
            texts.append(self._region_text(summary, opened))
            if opened:
                for record in records:
                    rows.append(("record", record))
                    texts.append(self._record_text(record))
        self.record_rows = rows
        self._region_rows = region_rows
        records_list = self.query_one("#records", RowList)
        if in_place:
            records_list.replace_rows(texts, keep if keep is not None else records_list.cursor)
        else:
            records_list.set_rows(texts, keep if keep is not None else records_list.cursor, announce=announce)

    def load_indicators(self, record_id: int | None, keep: int = 0, *, announce: bool = True,
                        in_place: bool = False) -> None:
        self.indicator_rows = browse.indicators(self.workspace, record_id) if record_id is not None else []
        texts = [self._indicator_text(r) for r in self.indicator_rows]
        if not in_place:
            # on a large workspace, make the lists of the whole record at once, in the background
            missing = [r.regional_indicator_id for r in self.indicator_rows if r.best_score is None]
            if missing:
                self.app.request_suggestions(missing)  # type: ignore[attr-defined]
        if in_place:
            self.query_one("#indicators", RowList).replace_rows(texts, keep)
        else:
            self.query_one("#indicators", RowList).set_rows(texts, keep, announce=announce)

    @staticmethod
    def _indicator_text(row: browse.IndicatorRow) -> Text:
        status = "+" if row.concept else "!" if row.flagged else "?" if row.best_score is not None else " "
        style = "green" if row.concept else "yellow" if row.flagged else "cyan"
        # the levels are shortened (产出指标 › 数量指标 → 产出 › 数量) so that the name fits; the detail strip
        # shows them whole
        path = f"{_short_level(row.level1)} › {_short_level(row.level2)} › "
        return Text.assemble((f"{status} ", style), literal(path, "dim"), literal(row.name),
                             literal(f"  {row.period_value or '—'} | {row.annual_value or '—'}", "dim"))

    def load_candidates(self, keep: int = 0, *, announce: bool = True, in_place: bool = False) -> None:
        row = self.current_indicator()
        self.candidate_rows = self.session.candidates(row.regional_indicator_id if row else None)
        texts = []
        for candidate_row in self.candidate_rows:
            candidate = candidate_row.candidate
            mark = {"close": "~ ", "rejected": "x "}.get(candidate_row.decided, "  ")
            targets = candidate_row.targets
            texts.append(Text.assemble((mark, "yellow"), (f"{candidate_row.score:.2f} ", "cyan"),
                                       literal(candidate.region, "dim"), " · ", literal(candidate.name),
                                       literal(f"  {targets}" if targets else "", "green")))
        if in_place:
            self.query_one("#candidates", RowList).replace_rows(texts, keep)
        else:
            self.query_one("#candidates", RowList).set_rows(texts, keep, announce=announce)
        self.update_detail()

    def current_record(self) -> browse.RecordSummary | None:
        index = self.query_one("#records", RowList).cursor
        if 0 <= index < len(self.record_rows) and self.record_rows[index][0] == "record":
            return self.record_rows[index][1]  # type: ignore[return-value]
        return None

    def current_indicator(self) -> browse.IndicatorRow | None:
        index = self.query_one("#indicators", RowList).cursor
        return self.indicator_rows[index] if 0 <= index < len(self.indicator_rows) else None

    def current_candidate(self):
        index = self.query_one("#candidates", RowList).cursor
        return self.candidate_rows[index] if 0 <= index < len(self.candidate_rows) else None

    def update_detail(self) -> None:
        detail = self.query_one("#detail", DetailView)
        row = self.current_indicator()
        if row is None:
            if not self.record_rows:
                detail.show(Text.assemble(
                    ("Welcome to zhibiao.\n", "bold"),
                    "This workspace has no documents yet. Import published 预算绩效目标表 (text extracted from "
                    "PDFs; files or folders):\n\n",
                    ("    zhibiao review PATH...        ", "bold cyan"), "imports them, then opens this app\n",
                    ("    zhibiao import PATH... --db FILE", "bold cyan"), "  imports without opening it\n\n",
                    ("Press ? for every key, q to quit.", "dim")))
                return
            detail.show(Text("Move to a record and an indicator to see where it comes from.", style="dim"))
            return
        text = Text()
        text.append_text(literal(f"{row.level1 or '?'} › {row.level2 or '?'} › ", "dim"))
        text.append_text(literal(row.name, "bold"))
        text.append_text(literal(f"   period {row.period_value or '—'} · annual {row.annual_value or '—'}", "cyan"))
        occurrences = browse.occurrences(self.workspace, row.regional_indicator_id, limit=6)
        if occurrences:  # where it comes from: the first place in full, the others by project and line
            first = occurrences[0]
            text.append(f"\n{first.document} line {first.line} · ", style="dim")
            text.append_text(literal(first.project))
            text.append("\n  ")
            text.append_text(literal(_clip(first.raw or "", 120), "dim"))
            if len(occurrences) > 1:
                more = len(occurrences) - 3
                text.append("\nalso in ", style="dim")
                text.append_text(literal(", ".join(f"{o.project} (line {o.line})" for o in occurrences[1:3])))
                if more > 0:
                    text.append(f" and {more}{'+' if len(occurrences) == 6 else ''} more", style="dim")
        candidate = self.current_candidate()
        if candidate is not None:
            text.append("\nwhy: ", style="bold")
            text.append_text(literal(candidate.explanation, "dim"))
        concept = self.session.review.concept_of(row.regional_indicator_id)
        detail.show(text, None if concept is None else self._members_text(concept))

    def _members_text(self, concept) -> Text:
        """The concept's members with their target values side by side (names padded to one width)."""
        side = Text()
        side.append("concept ", style="bold green")
        side.append_text(literal(concept.name, "bold"))
        side.append(f"  {len(concept.members)} members", style="dim")
        members = concept.members
        shown = members if len(members) <= _MEMBER_LINES else members[:_MEMBER_LINES - 1]
        labels = [literal(f"{m.indicator.region} · {m.indicator.name}") for m in shown]
        # before the first layout the strip has no size yet: the screen's width is what it will get
        width = self.query_one("#detail", DetailView).content_region.width or self.app.size.width - 4
        column = max(width // 2 - 2, 24)
        label_width = min(max((label.cell_len for label in labels), default=0), 44, column - 14)
        for member, label in zip(shown, labels, strict=True):
            targets = dict.fromkeys(o.annual_value or o.period_value or "—"
                                    for o in browse.occurrences(self.workspace, member.indicator.id, limit=3))
            label.truncate(label_width, overflow="ellipsis", pad=True)
            side.append("\n")
            side.append_text(label)
            side.append_text(literal(f"  {' / '.join(targets)}", "cyan"))
        if len(shown) < len(members):
            side.append(f"\n… and {len(members) - len(shown)} more (all of them in the export)", style="dim")
        return side

    def update_status(self, extra: str | None = None) -> None:
        """The status line; ``extra`` is the last decision, kept until the next one."""
        if extra is not None:
            self._last_summary = extra
        extra = self._last_summary
        if self._totals is None:
            self._totals = browse.totals(self.workspace)
        progress = browse.progress(self.workspace, self._totals)
        app = self.app
        text = Text()
        if extra:  # the last decision first: it is what the reviewer looks for
            text.append_text(literal(extra, "bold green"))
            text.append(" · ")
        text.append_text(Text.assemble(
            ("zhibiao ", "bold"), literal(self.workspace.path.name, "dim"),
            f" · reviewer {self.session.reviewer} · mapped {progress.mapped}/{progress.regional_indicators}"  # type: ignore[attr-defined]
            f" regional indicators ({progress.share_covered:.0%} of occurrences)",
        ))
        if app.background_work:  # type: ignore[attr-defined]
            text.append(f" · {app.background_work}", style="yellow")  # type: ignore[attr-defined]
        if app.background_failure:  # type: ignore[attr-defined]
            text.append_text(literal(f" · {app.background_failure}", "bold red"))  # type: ignore[attr-defined]
        self.query_one("#status", DetailView).show(text)

    # -- events ------------------------------------------------------------------------------------

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        if event.index == event.row_list.cursor:  # else stale: the cursor has moved on since it was posted
            self.cursor_moved(event.row_list, event.index)

    def cursor_moved(self, row_list: RowList, index: int) -> None:
        """The cascade of a cursor move (record -> its indicators -> their candidates -> detail), in one
        screen update."""
        del index
        with self.app.batch_update():
            if row_list.id == "records":
                record = self.current_record()
                self.load_indicators(record.id if record else None, announce=False)
                self.load_candidates(announce=False)
            elif row_list.id == "indicators":
                self.load_candidates(announce=False)
            elif row_list.id == "candidates":
                self.update_detail()
            self._refresh_bindings_if_changed()

    def _refresh_bindings_if_changed(self) -> None:
        """Tell the key bar only when what can be done changes."""
        state = (self.current_indicator() is not None, self.current_candidate() is not None)
        if state != getattr(self, "_binding_state", None):
            self._binding_state = state
            self.refresh_bindings()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        if event.row_list.id == "records" and self.record_rows:
            kind, item = self.record_rows[event.index]
            if kind == "region":
                region = next(r for r in self.regions if r.name == item.region)  # type: ignore[union-attr]
                region.expanded = not region.expanded
                self.rebuild_records(keep=event.index)
            else:
                self.query_one("#indicators", RowList).focus()
                self.save_place()
        elif event.row_list.id == "indicators":
            self.query_one("#candidates", RowList).focus()

    def on_suggestions_refreshed(self, event: SuggestionsRefreshed) -> None:
        if event.touched is None:
            self._pending_redraw = None
            self.refresh_after_decision(None)
            return
        if self._flush_redraw():
            return
        row = self.current_indicator()
        record = self.current_record()
        if row is not None and record is not None and row.regional_indicator_id in event.touched:
            with self.app.batch_update():
                self.load_candidates(self.query_one("#candidates", RowList).cursor, in_place=True)
                self.load_indicators(record.id, self.query_one("#indicators", RowList).cursor, in_place=True)

    # -- decisions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current_indicator() if self.is_mounted else None
        if action in ("approve", "close_match", "reject"):
            return True if row and self.current_candidate() else None
        if action in ("flag", "rename", "detach"):
            # rename/detach outside a concept say why when pressed (keeping them on spares the footer a
            # relayout after every approval)
            return True if row is not None else None
        return True

    # -- decisions: every one goes through decide(); the screen redraws on DecisionMade ------------------

    def _pair_decision(self, kind: str) -> None:
        row, candidate = self.current_indicator(), self.current_candidate()
        if row is not None and candidate is not None:
            decide(self, Decision(kind, row.regional_indicator_id, candidate.candidate.id, candidate.score))

    def action_approve(self) -> None:
        self._pair_decision("approve")

    def action_close_match(self) -> None:
        self._pair_decision("close")

    def action_reject(self) -> None:
        self._pair_decision("reject")

    def action_flag(self) -> None:
        row = self.current_indicator()
        if row is not None:
            decide(self, Decision("flag", row.regional_indicator_id))

    def action_undo(self) -> None:
        decide(self, Decision("undo"))

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

        def renamed(name: str | None) -> None:
            if name:
                decide(self, Decision("rename", concept=concept.id, name=name))

        self.app.push_screen(RenameConcept(concept.name), renamed)

    def on_decision_made(self, message: DecisionMade) -> None:
        """A decision is committed: redraw from the store, once the matcher has relearned from it when it is
        relearning (a few ms; at most 0.3 s later), else at once."""
        self.save_place()
        row = self.current_indicator()
        summary, touched = message.decided.summary, message.decided.touched
        regions = browse.regions_of(self.workspace, [*touched, *([row.regional_indicator_id] if row else [])])
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
        self.update_status(f"not done: {message.reason}")
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
        indicators = self.query_one("#indicators", RowList)
        record = self.current_record()
        keep_indicator = indicators.cursor
        keep_candidate = self.query_one("#candidates", RowList).cursor
        if regions is None or not self._summaries:
            self._summaries = {s.region: s for s in browse.regions(self.workspace)}
            self._records.clear()
        else:
            for name in regions:
                self._records.pop(name, None)
                if name in self._summaries:
                    self._summaries[name] = browse.region(self.workspace, name)
        records_list = self.query_one("#records", RowList)
        if regions is None or not self.update_region_rows(regions):
            self.rebuild_records(keep=records_list.cursor, in_place=True)
        if record is not None:
            self.load_indicators(record.id, keep_indicator, in_place=True)
            self.load_candidates(keep_candidate, in_place=True)
        self.update_status(summary or "")
        self._refresh_bindings_if_changed()

    def action_skip(self) -> None:
        self.action_next_unreviewed(1)

    def action_next_unreviewed(self, direction: int) -> None:
        """Move to the next (or previous) indicator with an unreviewed suggestion and highlight its best."""
        indicators = self.query_one("#indicators", RowList)
        start = indicators.cursor
        for offset in range(1, len(self.indicator_rows)):
            index = (start + direction * offset) % len(self.indicator_rows)
            if self.indicator_rows[index].best_score is not None and not self.indicator_rows[index].concept:
                indicators.move_to(index)
                self.query_one("#candidates", RowList).move_to(0)
                return
        # none left in this record: the next record that has one
        records = self.query_one("#records", RowList)
        for offset in range(1, len(self.record_rows) + 1):
            index = (records.cursor + direction * offset) % len(self.record_rows)
            kind, item = self.record_rows[index]
            if kind != "record":
                continue
            rows = browse.indicators(self.workspace, item.id)  # type: ignore[union-attr]
            for position, row in enumerate(rows):
                if row.best_score is not None and not row.concept:
                    records.move_to(index)
                    self.load_indicators(item.id, position)  # type: ignore[union-attr]
                    self.query_one("#candidates", RowList).move_to(0)
                    return
        self.notify("no unreviewed suggestion left in the open regions")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.filter_text = event.value.strip()
            self.rebuild_records(keep=0)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if not event.value.strip():
                event.input.display = False
            self.query_one("#records", RowList).focus()

    def action_queue(self) -> None:
        self.app.push_screen(QueueScreen(), self._back_from_queue)

    def _back_from_queue(self, decided: bool | None) -> None:
        if decided:
            self.refresh_after_decision(None)

    def action_export(self) -> None:
        def chosen(answer: tuple[str, str] | None) -> None:
            if not answer:
                return
            path, fmt = answer
            try:
                written = mapping.export(self.workspace, Path(path), fmt)
            except mapping.MappingError as exc:
                self.notify(str(exc), severity="error", timeout=8)
                return
            self.notify(f"wrote {path}: {written['concepts']} concepts, {written['members']} members")

        self.app.push_screen(ExportDialog(), chosen)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(help_rows(self.app)))

    def action_quit(self) -> None:
        self.save_place()
        self.app.exit()
