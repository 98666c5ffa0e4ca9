"""Map to… (m): a search over every indicator of the other regions and every concept; Enter approves into the
hit (justification "manual"), c makes it a close match, @region narrows, Escape decides nothing. Works for a
pair the matcher never suggested, and the decision teaches the matcher like any other."""

from __future__ import annotations

from pathlib import Path

from app_helpers import SIZE, rows, settle
from conftest import ri

from store import browse
from store.review import Review
from store.suggest import cached
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen
from tui.screens.map_to import MapToScreen

SOURCE = ("广州市", "服务对象满意度")
UNSUGGESTED = ("湛江市", "广东省医疗保障信息平台使用人员满意度")


def _main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def _open_map_to(app, pilot, ri_id: int, typed: str) -> None:
    assert _main(app).jump_to(ri_id)
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(app.screen, MapToScreen)
    await pilot.press(*typed)
    await settle(pilot)


async def test_enter_maps_a_pair_the_matcher_never_suggested(db: Path) -> None:
    with Workspace(db) as workspace:
        source, target = ri(workspace, *SOURCE), ri(workspace, *UNSUGGESTED)
        assert target not in {s.candidate.id for s in cached(workspace, source)}
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await _open_map_to(app, pilot, source, "平台使用人员满意度")
        screen = app.screen
        assert screen.hits[0].indicator == target
        first = rows(app, "map-hits")[0]
        assert "湛江市" in first and "广东省医疗保障信息平台使用人员满意度" in first and "≥" in first  # its targets
        assert all(hit.region != "广州市" for hit in screen.hits)  # the other regions only
        await pilot.press("enter")
        with Workspace(db) as other:  # committed before the screen moved on
            concept = Review(other).concept_of(source)
            assert concept is not None and {m.indicator.id for m in concept.members} == {source, target}
            assert {m.justification for m in concept.members} == {"manual"}
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "approved" in app.screen.query_one("#status").render().plain
        with Workspace(db) as other:  # the matcher learned it: the pair is in no list or queue any more
            assert target not in {s.candidate.id for s in cached(other, source)}
            assert not any({q.regional_indicator_id, q.candidate_id} == {source, target}
                           for q in browse.queue(other, limit=5000))
        await pilot.press("u")
        with Workspace(db) as other:
            assert Review(other).concept_of(source) is None
        await settle(pilot)


async def test_c_from_the_hits_makes_a_close_match_and_region_narrows(db: Path) -> None:
    with Workspace(db) as workspace:
        source, target = ri(workspace, *SOURCE), ri(workspace, *UNSUGGESTED)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await _open_map_to(app, pilot, source, "@湛江 平台")
        assert app.screen.hits and all(hit.region == "湛江市" for hit in app.screen.hits)
        assert app.screen.hits[0].indicator == target
        await pilot.press("tab")  # to the hits, where c is a key, not a letter
        await pilot.press("c")
        with Workspace(db) as other:
            assert Review(other).pair_decision(source, target) == "close"
            assert Review(other).concept_of(source) is None
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_concept_is_a_hit_with_its_members_and_escape_decides_nothing(db: Path) -> None:
    with Workspace(db) as workspace:
        one, two = ri(workspace, "抚顺市", "参保对象满意度"), ri(workspace, "湛江市", "参保对象满意度（%）")
        Review(workspace, "bob").approve(one, two)
        joining = ri(workspace, "金寨县", "提高参保人员满意度")
        concept = Review(workspace).concept_id_of(one)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await _open_map_to(app, pilot, joining, "参保对象满意")
        concept_hits = [hit for hit in app.screen.hits if hit.concept == concept and hit.region == "concept"]
        members = {"抚顺市 · 参保对象满意度", "湛江市 · 参保对象满意度（%）"}
        assert concept_hits and set(concept_hits[0].members) == members
        assert "members" in rows(app, "map-hits")[app.screen.hits.index(concept_hits[0])]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        with Workspace(db) as other:
            assert [e.kind for e in Review(other).events()] == ["approve"]  # bob's only
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"参保对象满意")
        await settle(pilot)
        app.screen.query_one("#map-hits").move_to(app.screen.hits.index(concept_hits[0]))
        await pilot.press("enter")
        with Workspace(db) as other:
            assert Review(other).concept_id_of(joining) == concept
            assert len(Review(other).concept(concept).members) == 3
        await settle(pilot)


async def test_no_match_is_said(db: Path) -> None:
    with Workspace(db) as workspace:
        source = ri(workspace, *SOURCE)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await _open_map_to(app, pilot, source, "xyzw")
        assert app.screen.hits == [] and app.screen.query_one("#map-hits").empty == "no match for xyzw"
        await pilot.press("enter")  # nothing to approve into: nothing decided
        await settle(pilot)
        with Workspace(db) as other:
            assert Review(other).events() == []
