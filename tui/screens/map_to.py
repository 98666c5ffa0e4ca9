"""Map to…: a search box over every indicator of the other regions and every concept, answered as the
reviewer types; Enter approves the indicator into the hit, c makes it a close match. The screen only chooses:
the main screen makes the decision through its one decision flow."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from store import search
from store.workspace import Workspace
from tui.actions import MAPTO, bindings
from tui.literal import literal
from tui.widgets import KeyBar, RowList
from tui.widgets.indicators_pane import short_level


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the reviewer chose: "approve" or "close", with the hit."""

    kind: str
    hit: search.Hit


def hit_text(hit: search.Hit) -> Text:
    """One hit on one line: score, region (or "concept"), the levels shortened, the name, the targets."""
    text = Text.assemble((f"{hit.score:.2f} ", "cyan"))
    if hit.concept is not None and hit.region == "concept":
        text.append("concept ", style="bold green")
        text.append_text(literal(hit.name, "bold"))
        text.append_text(literal(f"  {len(hit.members)} members: {', '.join(hit.members)}", "dim"))
        return text
    text.append_text(literal(hit.region, "dim"))
    text.append(" · ")
    text.append_text(literal(f"{short_level(hit.level1)} › {short_level(hit.level2)} › ", "dim"))
    text.append_text(literal(hit.name))
    if hit.concept is not None:
        text.append("  (in a concept)", style="green")
    if hit.targets:
        text.append_text(literal(f"  {hit.targets}", "green"))
    return text


def hit_detail(hit: search.Hit | None) -> Text:
    """The highlighted hit in full: region, both levels, the name, targets, a concept's members."""
    if hit is None:
        return Text("")
    text = Text()
    if hit.region == "concept":
        text.append("concept ", style="bold green")
        text.append_text(literal(hit.name, "bold"))
        for member in hit.members:
            text.append("\n  ")
            text.append_text(literal(member))
        return text
    text.append_text(literal(f"{hit.region} · {hit.level1 or '?'} › {hit.level2 or '?'} › ", "dim"))
    text.append_text(literal(hit.name, "bold"))
    text.append("\ntargets ", style="cyan")
    text.append_text(literal(hit.targets or "—", "cyan"))
    return text


class HitDetail(Widget):
    """The highlighted hit in full, in a fixed-size panel: new content repaints it without a layout pass
    (unlike Static), so that a keystroke costs no relayout."""

    DEFAULT_CSS = "HitDetail { height: 6; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def show(self, text: Text) -> None:
        if text.plain != self.text.plain or text.spans != self.text.spans:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text


class MapToScreen(Screen[Chosen | None]):
    """Type part of a name (``@广州`` narrows to a region); the hits follow each keystroke."""

    BINDINGS = bindings(MAPTO)

    def __init__(self, indicator: int, region: str, name: str) -> None:
        super().__init__()
        self.indicator, self.source_region, self.source_name = indicator, region, name
        self.hits: list[search.Hit] = []
        self.ready = False

    @property
    def workspace(self) -> Workspace:
        return self.app.session.workspace  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Map ", "bold"), literal(f"{self.source_region} · {self.source_name}", "bold"),
                                   (" to… ", "bold"),
                                   ("type a name; @region narrows; Enter approves into the hit, ↓ then c: close "
                                    "match", "dim")), id="map-title")
        yield Input(placeholder="an indicator or concept of another region", id="map-query")
        yield RowList(id="map-hits", empty="type to search every indicator of the other regions and every concept")
        yield HitDetail(id="map-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#map-query", Input).focus()
        self.watch(self.query_one("#map-hits", RowList), "cursor", self._show_detail, init=False)
        if search.is_built(self.workspace):
            self.ready = True
        else:
            self.query_one("#map-hits", RowList).empty = "indexing the names of every indicator…"
            self.build_index()

    @work(thread=True, exclusive=True, group="map-to-index", exit_on_error=False)
    def build_index(self) -> None:
        """Build the workspace's search index off screen (once per workspace; a second or two at 100k)."""
        with Workspace(self.workspace.path) as workspace:
            search.index_for(workspace)
        self.app.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.ready = True
        self.run_search(self.query_one("#map-query", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.ready:
            self.run_search(event.value)

    def run_search(self, typed: str) -> None:
        self.hits = search.search(self.workspace, typed, exclude_region=self.source_region)
        hits = self.query_one("#map-hits", RowList)
        hits.empty = (f"no match for {typed.strip()}" if typed.strip() else
                      "type to search every indicator of the other regions and every concept")
        hits.set_rows([hit_text(hit) for hit in self.hits], 0, announce=False)
        self._show_detail()

    @property
    def highlighted(self) -> search.Hit | None:
        cursor = self.query_one("#map-hits", RowList).cursor
        return self.hits[cursor] if 0 <= cursor < len(self.hits) else None

    def _show_detail(self) -> None:
        self.query_one("#map-detail", HitDetail).show(hit_detail(self.highlighted))

    def action_hit(self, step: int) -> None:
        hits = self.query_one("#map-hits", RowList)
        hits.action_cursor(step)

    def _choose(self, kind: str) -> None:
        hit = self.highlighted
        if hit is None:
            self.notify("no hit to map to: type part of a name", severity="warning")
            return
        self.dismiss(Chosen(kind, hit))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose("approve")

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        self._choose("approve")

    def action_approve_hit(self) -> None:
        self._choose("approve")

    def action_close_hit(self) -> None:
        self._choose("close")

    def action_cancel(self) -> None:
        self.dismiss(None)
