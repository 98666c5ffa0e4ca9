"""The review app: the workspace, the reviewer and the matcher, the first screen, and the workers that import
and match in the background."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from store.importer import import_paths
from store.review import default_reviewer
from store.workspace import Workspace
from tui.actions import checked_keymap
from tui.config import Config, load_config
from tui.exports import ExportFailed, export
from tui.literal import visible
from tui.messages import (
    ExportFinished,
    ExportProgress,
    ImportFinished,
    ImportProgress,
    MatcherProgress,
    MatcherReady,
    SuggestionsRefreshed,
)
from tui.screens import MainScreen, QueueScreen
from tui.session import ReviewSession
from tui.suggestions import SuggestionService


class ZhibiaoApp(App):
    """zhibiao's review app."""

    CSS_PATH = "app.tcss"
    TITLE = "zhibiao"

    background_work: reactive[str] = reactive("")  # what the background workers are doing, for the status line
    background_failure: reactive[str] = reactive("")  # the last background failure, shown until the app is restarted

    def __init__(self, workspace_path: Path, *, config: Config, reviewer: str | None = None,
                 paths: list[Path] | None = None, lexicon: Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.workspace_path = workspace_path
        # --reviewer, then $ZHIBIAO_REVIEWER, then the config file, then $USER
        reviewer = reviewer or os.environ.get("ZHIBIAO_REVIEWER") or config.reviewer or default_reviewer()
        self.session = ReviewSession(workspace_path, reviewer)
        self.paths = paths or []
        self.suggestions = SuggestionService(workspace_path, lexicon)

    def on_mount(self) -> None:
        keymap, problems = checked_keymap(self.config.keymap)
        self.set_keymap(keymap)
        if self.config.theme is not None:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                problems.append(f"config: no theme is called {self.config.theme!r}; "
                                f"there are {', '.join(sorted(self.available_themes))}")
        for problem in (*self.config.problems, *problems):
            self.notify(visible(problem), severity="error", timeout=20, markup=False)
        self.push_screen(MainScreen())
        if self.paths:
            self.import_documents()
        else:
            self.load_matcher()

    def on_unmount(self) -> None:
        self.suggestions.close()
        self.session.close()

    @property
    def workspace(self) -> Workspace:
        """The workspace the session reads and decides in."""
        return self.session.workspace

    async def action_quit(self) -> None:
        """Quit from anywhere (ctrl+q), remembering where the reviewer was."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.save_place()
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette offers the screen's actions, generated from the same bindings as the key bar
        and the help screen."""
        yield from super().get_system_commands(screen)
        keys: dict[str, list[str]] = {}
        offered: dict[str, Binding] = {}
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if node is not screen or not enabled or not binding.description or binding.action.startswith("app."):
                continue
            keys.setdefault(binding.action, []).append(self.get_key_display(binding))
            offered.setdefault(binding.action, binding)
        for action, binding in offered.items():
            yield SystemCommand(f"{binding.description} ({', '.join(keys[action])})",
                                binding.tooltip or binding.description, partial(screen.run_action, action))

    # -- background work: workers call the store and post messages; only these handlers touch the screens --

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def import_documents(self) -> None:
        """Import the documents given on the command line."""
        worker = get_current_worker()
        with Workspace(self.workspace_path) as workspace:
            results = import_paths(workspace, self.paths, workers=1, cancelled=lambda: worker.is_cancelled,
                                   progress=lambda done, total, _result: self.post_message(ImportProgress(done, total)))
        self.post_message(ImportFinished(tuple((r.path, r.error or "") for r in results if r.outcome == "failed")))

    @work(thread=True, exclusive=True, group="match", exit_on_error=False)
    def load_matcher(self) -> None:
        """Load the matcher (and compute what it computes eagerly)."""
        self.suggestions.load(lambda text: self.post_message(MatcherProgress(text)))
        self.post_message(MatcherReady())

    @work(thread=True, exclusive=False, group="refresh", exit_on_error=False)
    def relearn(self, ri_ids: list[int]) -> None:
        """Recompute the suggestion lists of these indicators (after a decision, or first shown)."""
        self.post_message(SuggestionsRefreshed(self.suggestions.refresh(ri_ids)))

    @work(thread=True, exclusive=False, group="export", exit_on_error=False)
    def export_crosswalk(self, path: Path, fmt: str) -> None:
        """Write the crosswalk (mapping, workbook or SSSOM) with a connection of its own."""
        self.post_message(ExportProgress(f"{fmt} {path.name}"))
        with Workspace(self.workspace_path) as workspace:
            try:
                written = export(workspace, path, fmt,
                                 lambda step: self.post_message(ExportProgress(f"{path.name}: {step}")))
            except ExportFailed as exc:
                self.post_message(ExportFinished(str(exc), failed=True))
                return
        self.post_message(ExportFinished(written))

    @work(thread=True, exclusive=True, group="pending", exit_on_error=False)
    def recompute_pending(self) -> None:
        """Recompute, a few at a time, the lists a learned term changed that a decision left for later (a
        decision's own relearning takes the matcher between two batches)."""
        worker = get_current_worker()
        while not worker.is_cancelled and self.suggestions.pending:
            refreshed = self.suggestions.refresh_pending()
            if refreshed:
                self.post_message(SuggestionsRefreshed(refreshed))
            time.sleep(0.005)

    def request_suggestions(self, ri_ids: list[int]) -> None:
        """Indicators without cached suggestions are on screen: compute their lists in the background."""
        wanted = self.suggestions.unrequested(ri_ids)
        if wanted:
            self.relearn(wanted)

    def refresh_suggestions(self, touched: list[int]) -> bool:
        """Relearn from a decision in the background; False when the matcher is not loaded yet."""
        if not self.suggestions.ready or not touched:
            return False
        self.relearn(touched)
        return True

    def on_import_progress(self, message: ImportProgress) -> None:
        self.background_work = f"importing {message.done}/{message.total}"

    def on_import_finished(self, message: ImportFinished) -> None:
        for path, error in message.failed:
            self.notify(visible(f"{path}: {error}"), severity="error", timeout=10, markup=False)
        self.background_work = ""
        self.documents_changed()

    def on_export_progress(self, message: ExportProgress) -> None:
        self.background_work = f"exporting {message.step}"

    def on_export_finished(self, message: ExportFinished) -> None:
        self.background_work = ""
        self.notify(visible(message.text), severity="error" if message.failed else "information", timeout=10,
                    markup=False)

    def documents_changed(self) -> None:
        """Documents were imported (here, or by another process): the regions, the totals and the matcher are
        read again."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.load_regions()
        self.load_matcher()

    def on_matcher_progress(self, message: MatcherProgress) -> None:
        self.background_work = message.text

    def on_matcher_ready(self, message: MatcherReady) -> None:
        self.background_work = ""
        self._tell_screens(None)

    def on_suggestions_refreshed(self, message: SuggestionsRefreshed) -> None:
        self._tell_screens(message.touched)
        if self.suggestions.pending and not any(
                w.group == "pending" and w.is_running for w in self.workers):
            self.recompute_pending()

    def _tell_screens(self, touched: frozenset[int] | None) -> None:
        for screen in self.screen_stack:  # also the main screen under a dialog or the queue
            if isinstance(screen, MainScreen | QueueScreen):
                screen.post_message(SuggestionsRefreshed(touched))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that fails says so: in the status line (until the next start) and in a notification."""
        if event.state != WorkerState.ERROR:
            return
        what = {"import": "importing", "match": "the matcher", "refresh": "relearning", "pending": "relearning",
                "export": "exporting"}.get(
            event.worker.group, event.worker.name)
        self.background_failure = f"{what} failed: {visible(str(event.worker.error))}"
        self.background_work = ""
        self.notify(self.background_failure, severity="error", timeout=15, markup=False)
        if event.worker.group == "import":
            self.documents_changed()  # what was stored before the failure is there to review


def make_app(workspace_path: Path, *, reviewer: str | None = None, paths: list[Path] | None = None,
             keymap: dict[str, str] | None = None, config: Config | None = None,
             lexicon: Path | None = None) -> ZhibiaoApp:
    """The app as the command line builds it, with the user's config and lexicon (tests reuse this: ``keymap``
    replaces the config's keymap)."""
    config = config if config is not None else load_config()
    if keymap is not None:
        config = replace(config, keymap=dict(keymap))
    return ZhibiaoApp(workspace_path, config=config, reviewer=reviewer, paths=paths, lexicon=lexicon)
