"""Map to…: a search box over every indicator of the other regions and every concept, answered as the
reviewer types; Enter approves the indicator into the hit, c makes it a close match. The screen only chooses:
the main screen makes the decision through its one decision flow."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Static

from store import search
from tui.actions import MAPTO, bindings
from tui.literal import literal
from tui.screens.search_box import SearchBox
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


class MapToScreen(SearchBox):
    """Type part of a name (``@广州`` narrows to a region); the hits follow each keystroke."""

    BINDINGS = bindings(MAPTO)
    QUERY, HITS = "map-query", "map-hits"
    _EMPTY = "type to search every indicator of the other regions and every concept"

    def __init__(self, indicator: int, region: str, name: str) -> None:
        super().__init__()
        self.indicator, self.source_region, self.source_name = indicator, region, name
        self.hits: list[search.Hit] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Map ", "bold"), literal(f"{self.source_region} · {self.source_name}", "bold"),
                                   (" to… ", "bold"),
                                   ("type a name; @region narrows; Enter approves into the hit, ↓ then c: close "
                                    "match", "dim")), id="map-title")
        yield Input(placeholder="an indicator or concept of another region", id=self.QUERY)
        yield RowList(id=self.HITS, empty=self._EMPTY)
        yield HitDetail(id="map-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.hit_list, "cursor", self._show_detail, init=False)

    def run(self, typed: str) -> None:
        self.hits = search.search(self.workspace, typed, exclude_region=self.source_region)
        hits = self.hit_list
        hits.empty = f"no match for {typed.strip()}" if typed.strip() else self._EMPTY
        hits.set_rows([hit_text(hit) for hit in self.hits], 0, announce=False)
        self._show_detail()

    @property
    def highlighted(self) -> search.Hit | None:
        cursor = self.hit_list.cursor
        return self.hits[cursor] if 0 <= cursor < len(self.hits) else None

    def _show_detail(self) -> None:
        self.query_one("#map-detail", HitDetail).show(hit_detail(self.highlighted))

    def choose(self, kind: str = "approve") -> None:
        hit = self.highlighted
        if hit is None:
            self.notify("no hit to map to: type part of a name", severity="warning")
            return
        self.dismiss(Chosen(kind, hit))

    def action_approve_hit(self) -> None:
        self.choose("approve")

    def action_close_hit(self) -> None:
        self.choose("close")
