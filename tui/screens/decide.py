"""The one decision flow of both screens: commit at once (the screen never moves on before the decision is in
the workspace), ask first when approving would merge two concepts (and for a renamed concept's name), then
tell the screen what happened."""

from __future__ import annotations

from typing import Protocol, cast

from textual.screen import Screen, ScreenResultType

from store.review import Concept
from tui.literal import visible
from tui.messages import DecisionMade, DecisionRefused
from tui.screens.dialogs import ApproveLikely, ConfirmMerge, FlagNote, RenameConcept
from tui.session import REFUSALS, Decided, Decision, ReviewSession


class DecidingApp(Protocol):
    """What the decision flow needs of the app: the session, and the matcher relearning from a decision."""

    session: ReviewSession

    def refresh_suggestions(self, touched: list[int]) -> bool: ...


class DecidingScreen(Screen[ScreenResultType]):
    """A screen that shows a pair to decide on (the main screen's highlighted indicator and candidate, queue
    mode's pair): approve, close, reject and undo are the same actions, through :func:`decide`, on both."""

    def decision_pair(self) -> tuple[int, int, float] | None:
        """(regional indicator, candidate, score) of the pair shown, or None."""
        raise NotImplementedError

    def _decide_pair(self, kind: str) -> None:
        pair = self.decision_pair()
        if pair is not None:
            decide(self, Decision(kind, *pair))

    def action_approve(self) -> None:
        self._decide_pair("approve")

    def action_close_match(self) -> None:
        self._decide_pair("close")

    def action_reject(self) -> None:
        self._decide_pair("reject")

    def action_undo(self) -> None:
        decide(self, Decision("undo"))

    def action_redo(self) -> None:
        decide(self, Decision("redo"))


def decide(screen: Screen, decision: Decision) -> None:
    """Make a decision for ``screen``: it receives DecisionMade, or DecisionRefused with the store's reason."""
    decided = _commit(screen, decision)
    if decided is not None and decided.merge_needed is not None:
        screen.run_worker(_confirm_merge(screen, decided), group="confirm-merge", exclusive=True)
    elif decided is not None:
        _made(screen, decided)


def _commit(screen: Screen, decision: Decision, *, confirm_merge: bool = False) -> Decided | None:
    app = cast(DecidingApp, screen.app)
    try:
        return app.session.decide(decision, confirm_merge=confirm_merge)
    except REFUSALS as exc:
        screen.post_message(DecisionRefused(decision, visible(str(exc).removeprefix("not done: "))))
        return None


def rename(screen: Screen, concept: Concept) -> None:
    """Ask the reviewer for the concept's new name, then decide the rename."""

    def renamed(name: str | None) -> None:
        if name:
            decide(screen, Decision("rename", concept=concept.id, name=name))

    screen.app.push_screen(RenameConcept(visible(concept.name)), renamed)


def flag(screen: Screen, ri_id: int, name: str, flagged: bool) -> None:
    """Flag an indicator with the note the reviewer types (optional); a flagged one is unflagged at once."""
    if flagged:
        decide(screen, Decision("flag", ri_id))
        return

    def noted(note: str | None) -> None:
        if note is not None:
            decide(screen, Decision("flag", ri_id, name=note or None))

    screen.app.push_screen(FlagNote(visible(name)), noted)


def approve_likely(screen: Screen, ri_id: int) -> None:
    """Show what approving every likely candidate of the indicator would do; approve them when the reviewer
    says so."""
    app = cast(DecidingApp, screen.app)
    try:
        plan, likely = app.session.likely_plan(ri_id)
    except REFUSALS as exc:
        screen.post_message(DecisionRefused(Decision("approve_likely", ri_id), visible(str(exc))))
        return
    if not plan.joining:
        reasons = "; ".join(f"{s.indicator.name}: {s.reason}" for s in plan.skipped)
        screen.post_message(DecisionRefused(Decision("approve_likely", ri_id), visible(
            f"no likely candidate left to approve{' (' + reasons + ')' if reasons else ''}")))
        return

    def answered(yes: bool | None) -> None:
        if yes:
            decide(screen, Decision("approve_likely", ri_id, candidates=likely))

    screen.app.push_screen(ApproveLikely(plan), answered)


async def _confirm_merge(screen: Screen, decided: Decided) -> None:
    """Approving joins two concepts: merge only when the reviewer says so."""
    assert decided.merge_needed is not None
    first, second = decided.merge_needed
    if await screen.app.push_screen_wait(ConfirmMerge(second.name, first.name)):
        merged = _commit(screen, decided.decision, confirm_merge=True)
        if merged is not None:
            _made(screen, merged)


def _made(screen: Screen, decided: Decided) -> None:
    app = cast(DecidingApp, screen.app)
    screen.post_message(DecisionMade(decided, relearning=app.refresh_suggestions(list(decided.touched))))
