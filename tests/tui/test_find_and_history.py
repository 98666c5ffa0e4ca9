"""Find and filter (/): indicators and projects by name, filtered by status, region and level, "no match for …",
Escape closes; History (h): the decision log newest first, Enter jumps to the item; at 80×24 the whole
candidate name and both sides of a decision stay readable."""

from __future__ import annotations

from pathlib import Path

from app_helpers import open_first_record, rows, settle
from conftest import ri
from rich.cells import cell_len

from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen
from tui.screens.find import FindScreen
from tui.screens.history import HistoryScreen
from tui.widgets import DetailView

SIZE = (160, 45)


def _main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def _find(app, pilot, typed: str) -> list[str]:
    await pilot.press("slash")
    await settle(pilot)
    assert isinstance(app.screen, FindScreen)
    await pilot.press(*typed)
    await settle(pilot)
    return rows(app, "find-hits")


async def test_find_an_indicator_by_name_and_go_there(db: Path) -> None:
    with Workspace(db) as workspace:
        wanted = ri(workspace, "抚顺市", "参保人员对医保服务的满意度")
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await _find(app, pilot, "医保服务的满意 @抚顺")
        assert found and found[0].startswith("indicator") and "参保人员对医保服务的满意度" in found[0]
        assert all("抚顺市" in row for row in found)
        await pilot.press("enter")
        await settle(pilot)
        screen = _main(app)
        assert app.screen is screen and screen.current_indicator().regional_indicator_id == wanted
        record = screen.current_record()
        assert record is not None and any(r.startswith("v 抚顺市") for r in rows(app, "records"))


async def test_filters_by_status_region_and_level_and_says_no_match(db: Path) -> None:
    with Workspace(db) as workspace:
        review = Review(workspace, "bob")
        mapped = ri(workspace, "抚顺市", "参保对象满意度"), ri(workspace, "湛江市", "参保对象满意度（%）")
        review.approve(*mapped)
        flagged = ri(workspace, "金寨县", "群众满意度")
        review.flag(flagged)
        alone = ri(workspace, "广州市", "政务服务好评率")
        review.no_counterpart(alone)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        found = await _find(app, pilot, "is:mapped")
        assert len(found) == 2 and {f.indicator for f in app.screen.found} == set(mapped)
        await pilot.press(*" @湛江")
        await settle(pilot)
        assert [f.indicator for f in app.screen.found] == [mapped[1]]
        await pilot.press("escape")  # Escape closes, nothing moved
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        found = await _find(app, pilot, "is:flagged")
        assert [f.indicator for f in app.screen.found] == [flagged]
        await pilot.press("enter")
        await settle(pilot)
        assert _main(app).current_indicator().regional_indicator_id == flagged
        found = await _find(app, pilot, "is:likely l1:满意度 @广州")
        assert found and all(f.region == "广州市" and "满意度" in (f.level1 or "") for f in app.screen.found)
        with Workspace(db) as other:
            for f in app.screen.found:
                assert Review(other).concept_of(f.indicator) is None
        await pilot.press("escape")
        found = await _find(app, pilot, "is:unreviewed l2:数量")
        assert found and all("数量" in (f.level2 or "") for f in app.screen.found)
        await pilot.press("escape")
        found = await _find(app, pilot, "is:nocounterpart")
        assert [f.indicator for f in app.screen.found] == [alone]
        await pilot.press("escape")
        found = await _find(app, pilot, "xyzw")
        assert found == [] and app.screen.query_one("#find-hits").empty == "no match for xyzw"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_history_lists_decisions_newest_first_and_jumps(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        screen = _main(app)
        await pilot.press("n")
        await settle(pilot)
        first = screen.current_indicator().regional_indicator_id
        await pilot.press("a")
        with Workspace(db) as other:
            assert Review(other).concept_of(first) is not None
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        second = screen.current_indicator().regional_indicator_id
        await pilot.press("f", "enter")  # flag, without a note
        with Workspace(db) as other:
            assert Review(other).is_flagged(second)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = rows(app, "history")
        assert len(shown) == 2 and "alice" in shown[0] and "flag" in shown[0] and "approve" in shown[1]
        await pilot.press("down", "enter")  # the approval: back to its indicator
        await settle(pilot)
        assert app.screen is screen and screen.current_indicator().regional_indicator_id == first
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_at_80_by_24_the_candidate_and_both_sides_stay_readable(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_record(app, pilot)
        screen = _main(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab")  # the candidates take the width
        await settle(pilot)
        candidate = screen.current_candidate()
        row = screen.current_indicator()
        assert screen.has_class("narrow")
        pane = screen.query_one("#candidates-pane")
        assert pane.size.width >= 56
        line = rows(app, "candidates")[screen.query_one("#candidates").cursor]
        assert candidate.candidate.name in line
        end = line.index(candidate.candidate.name) + len(candidate.candidate.name)
        assert cell_len(line[:end]) <= screen.query_one("#candidates").size.width  # drawn whole, not cut
        detail = screen.query_one(DetailView).plain
        assert row.name in detail and f"with: {candidate.candidate.region} · {candidate.candidate.name}" in detail
        await pilot.press("a")
        with Workspace(db) as other:
            concept = Review(other).concept_of(row.regional_indicator_id)
            assert concept is not None and candidate.candidate.id in {m.indicator.id for m in concept.members}
        await settle(pilot)
