"""The matcher as the review app uses it: loaded once off the UI thread, then asked for the lists of the
indicators on screen and to relearn after each decision. Plain Python (no Textual): the app's workers call it
and post what it returns."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from store.suggest import Suggester, is_fresh
from store.workspace import Workspace

EAGER = 20_000  # up to this many regional indicators, every suggestion list is computed at once


class SuggestionService:
    """One Suggester on its own connection, used by one thread at a time."""

    def __init__(self, workspace_path: Path, lexicon_file: Path | None = None) -> None:
        self.workspace_path = workspace_path
        self.lexicon_file = lexicon_file  # the reviewer's own lexicon, on top of the shipped one
        self._suggester: Suggester | None = None
        self._lock = threading.Lock()  # one thread at a time on the matcher and its connection
        self._requested: set[int] = set()

    @property
    def ready(self) -> bool:
        return self._suggester is not None

    def load(self, progress: Callable[[str], None]) -> None:
        """Load the matcher and recompute suggestions if documents or decisions changed.

        A workspace of many indicators gets its name-level suggestions (the expensive part) here and each
        indicator's list when it is first shown.
        """
        progress("loading the matcher")
        with Workspace(self.workspace_path) as probe:
            fresh = is_fresh(probe, self.lexicon_file)
        workspace = Workspace(self.workspace_path, shared=True)
        try:
            suggester = Suggester(workspace, lexicon_file=self.lexicon_file)

            def counted(done: int, total: int) -> None:
                progress(f"matching {done}/{total}")

            if len(suggester.matcher) <= EAGER:
                if not fresh:
                    suggester.compute_all(counted)
            else:
                suggester.compute_names(counted)
        except BaseException:
            workspace.close()
            raise
        with self._lock:
            previous, self._suggester = self._suggester, suggester
            self._requested.clear()
        if previous is not None:
            previous.workspace.close()
        # The matcher is a few hundred thousand long-lived objects: a full garbage collection walking them
        # would stall a keypress for 100-200 ms. Collect once now, off screen, and leave them out of every
        # later collection.
        gc.collect()
        gc.freeze()

    def unrequested(self, ri_ids: Iterable[int]) -> list[int]:
        """Of these indicators (on screen, without cached lists), those not asked for yet; they count as asked
        from now on. Nothing before the matcher is loaded: it computes every list it needs then."""
        if self._suggester is None:
            return []
        wanted = [ri for ri in ri_ids if ri not in self._requested]
        self._requested.update(wanted)
        return wanted

    def refresh(self, ri_ids: Iterable[int]) -> frozenset[int]:
        """Relearn from the decisions and recompute the lists the indicators touch; the indicators refreshed."""
        with self._lock:
            if self._suggester is None:
                return frozenset()
            return frozenset(self._suggester.refresh(ri_ids))

    @property
    def pending(self) -> int:
        """How many lists a learned term changed that are not recomputed yet."""
        suggester = self._suggester
        return len(suggester.pending) if suggester is not None else 0

    def refresh_pending(self, budget: int = 16) -> frozenset[int]:
        """Recompute up to ``budget`` of the lists a learned term changed; the indicators refreshed."""
        with self._lock:
            if self._suggester is None or not self._suggester.pending:
                return frozenset()
            return frozenset(self._suggester.refresh_pending(budget))

    def close(self) -> None:
        with self._lock:
            if self._suggester is not None:
                self._suggester.workspace.close()
                self._suggester = None
