"""The review app: the workspace, the reviewer and the matcher, the first screen, and the workers that import
and match in the background."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from store.importer import import_paths
from store.review import Review, default_reviewer
from store.suggest import Suggester, is_fresh
from store.workspace import Workspace
from tui.actions import checked_keymap
from tui.config import Config, load_config
from tui.literal import visible
from tui.messages import SuggestionsReady
from tui.screens import MainScreen, QueueScreen

_EAGER = 20_000  # up to this many regional indicators, every suggestion list is computed at once


class ZhibiaoApp(App):
    """zhibiao's review app."""

    CSS_PATH = "app.tcss"
    TITLE = "zhibiao"

    def __init__(self, workspace_path: Path, *, config: Config, reviewer: str | None = None,
                 paths: list[Path] | None = None) -> None:
        super().__init__()
        self.config = config
        self.workspace_path = workspace_path
        self.workspace = Workspace(workspace_path)
        self.review = Review(self.workspace, reviewer or config.reviewer or default_reviewer())
        self.paths = paths or []
        self.suggestion_status = ""
        self._suggester: Suggester | None = None
        self._requested: set[int] = set()
        self._suggester_lock = threading.Lock()  # one thread at a time on the matcher's connection

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
            self.prepare_suggestions()

    def on_unmount(self) -> None:
        self.workspace.close()

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

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def import_documents(self) -> None:
        worker = get_current_worker()
        with Workspace(self.workspace_path) as workspace:
            def progress(done: int, total: int, result) -> None:
                self.call_from_thread(self._status, f"importing {done}/{total}")

            results = import_paths(workspace, self.paths, progress=progress, workers=1,
                                   cancelled=lambda: worker.is_cancelled)
        failed = [r for r in results if r.outcome == "failed"]
        for result in failed:
            self.call_from_thread(self.notify, f"{result.path}: {result.error}", severity="error", timeout=10)
        self.call_from_thread(self._after_import)

    def _after_import(self) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.load_regions()
        self.prepare_suggestions()

    def _status(self, text: str) -> None:
        self.suggestion_status = text
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.update_status()

    @work(thread=True, exclusive=True, group="match", exit_on_error=False)
    def prepare_suggestions(self) -> None:
        """Load the matcher and recompute suggestions if documents or decisions changed (in the background).

        A workspace of many indicators gets its name-level suggestions (the expensive part) here and each
        indicator's list when it is first shown.
        """
        self.call_from_thread(self._status, "loading the matcher")
        with Workspace(self.workspace_path) as probe:
            fresh = is_fresh(probe)
        suggester = Suggester(Workspace(self.workspace_path, shared=True))

        def progress(done: int, total: int) -> None:
            self.call_from_thread(self._status, f"matching {done}/{total}")

        if len(suggester.matcher) <= _EAGER:
            if not fresh:
                suggester.compute_all(progress)
        else:
            suggester.compute_names(progress)
        self._suggester = suggester
        # The matcher is a few hundred thousand long-lived objects: a full garbage collection walking
        # them would stall a keypress for 100-200 ms. Collect once now, off screen, and leave them out
        # of every later collection.
        gc.collect()
        gc.freeze()
        self.call_from_thread(self._status, "")
        self.call_from_thread(self._suggestions_ready)

    def request_suggestions(self, ri_ids: list[int]) -> None:
        """Indicators without cached suggestions are on screen: compute their lists in the background."""
        wanted = [ri for ri in ri_ids if ri not in self._requested]
        if self._suggester is not None and wanted:
            self._requested.update(wanted)
            self._refresh(wanted)

    def _suggestions_ready(self, touched: frozenset[int] | None = None) -> None:
        for screen in self.screen_stack:  # also the main screen under a dialog or the queue
            if isinstance(screen, MainScreen | QueueScreen):
                screen.post_message(SuggestionsReady(touched))

    def refresh_suggestions(self, touched: list[int]) -> bool:
        """Relearn from a decision in the background; False when the matcher is not loaded yet."""
        if self._suggester is None or not touched:
            return False
        self._refresh(touched)
        return True

    @work(thread=True, exclusive=False, group="refresh", exit_on_error=False)
    def _refresh(self, touched: list[int]) -> None:
        suggester = self._suggester
        if suggester is None:
            return
        with self._suggester_lock:
            refreshed = suggester.refresh(touched)
        self.call_from_thread(self._suggestions_ready, frozenset(refreshed))


def make_app(workspace_path: Path, *, reviewer: str | None = None, paths: list[Path] | None = None,
             keymap: dict[str, str] | None = None, config: Config | None = None) -> ZhibiaoApp:
    """The app as the command line builds it, with the user's config (tests reuse this: ``keymap`` replaces
    the config's keymap)."""
    config = config if config is not None else load_config()
    if keymap is not None:
        config = replace(config, keymap=dict(keymap))
    return ZhibiaoApp(workspace_path, config=config, reviewer=reviewer, paths=paths)
