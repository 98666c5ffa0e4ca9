"""What map to… and find share: a box answered as the reviewer types, over the workspace's search index (built
once per workspace, in a worker, the first time a box opens), with its hits in a list below."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.screen import Screen
from textual.widgets import Input

from store import search
from store.workspace import Workspace
from tui.widgets import RowList


class SearchBox(Screen):
    """A screen with an Input (``#{QUERY}``) and a RowList of hits (``#{HITS}``): ``run(typed)`` answers each
    keystroke once the index is there, ``choose()`` takes the highlighted hit (Enter in the box or the list)."""

    QUERY: ClassVar[str]
    HITS: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()
        self.ready = False

    @property
    def workspace(self) -> Workspace:
        return self.app.session.workspace  # type: ignore[attr-defined]

    @property
    def hit_list(self) -> RowList:
        return self.query_one(f"#{self.HITS}", RowList)

    def run(self, typed: str) -> None:
        raise NotImplementedError

    def choose(self) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(f"#{self.QUERY}", Input).focus()
        if search.is_built(self.workspace):
            self.ready = True
        else:
            self.hit_list.empty = "indexing the names of every indicator…"
            self.build_index()

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def build_index(self) -> None:
        """Build the workspace's search index off screen (once per workspace; a second or two at 100k)."""
        with Workspace(self.workspace.path) as workspace:
            search.index_for(workspace)
        self.app.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        self.ready = True
        self.run(self.query_one(f"#{self.QUERY}", Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.ready:
            self.run(event.value)

    def action_hit(self, step: int) -> None:
        self.hit_list.action_cursor(step)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.choose()

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        self.choose()

    def action_cancel(self) -> None:
        self.dismiss(None)
