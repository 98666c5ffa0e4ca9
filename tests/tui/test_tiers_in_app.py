"""The matcher's tiers and learning as the reviewer sees them: likely/possible on every candidate and in
queue mode, "no likely match", n and the queue taking likely pairs first, stale lists recomputed in the
background after a decision, and a learned part of an explanation in the detail strip."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import SIZE, rows, settle
from conftest import ri

from store import browse
from store.importer import import_paths
from store.review import Review
from store.suggest import cached, ensure
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen, QueueScreen
from tui.widgets import DetailView

QUALITY = ("产出指标", "质量指标")
SUBJECTS = ("会议纪要", "合同文本", "采购资料", "财务凭证", "人事资料", "工程图纸", "审计报告", "培训记录",
            "招标文件", "项目材料", "统计报表", "信访材料")


def _document(folder: Path, region: str, names: list[str]) -> None:
    lines = ["2025年市级项目支出绩效目标表", "", "项目名称\t档案管理经费\t\t\t\t",
             f"主管部门\t[054]{region}档案局\t\t用款单位\t{region}档案局\t",
             "预算金额\t总金额（万元）\t10\t当年度金额（万元）\t10\t",
             "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t当年度指标值"]
    lines += [f"\t{QUALITY[0]}\t{QUALITY[1]}\t{name}\t100%\t100%" for name in names]
    (folder / f"{region}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Two regions whose archive indicators differ by 归档/存档 only (a term one approval teaches), with their
    suggestions stored."""
    folder = tmp_path / "docs"
    folder.mkdir()
    _document(folder, "甲市", [f"{subject}归档率" for subject in SUBJECTS])
    _document(folder, "乙市", [f"{subject[:2]}{subject[2:]}存档率" for subject in SUBJECTS])
    db = tmp_path / "archive.db"
    with Workspace(db) as workspace:
        import_paths(workspace, [folder], workers=1)
        ensure(workspace)
    return db


def _main(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def test_every_candidate_row_says_its_tier_and_no_likely_match_is_said(db: Path) -> None:
    with Workspace(db) as workspace:
        lonely = workspace.connection.execute(
            "SELECT regional_indicator_id FROM suggestions GROUP BY regional_indicator_id"
            " HAVING max(tier = 'likely') = 0 LIMIT 1").fetchone()[0]
        sure = workspace.connection.execute(
            "SELECT regional_indicator_id FROM suggestions WHERE tier = 'likely' AND rank = 1 LIMIT 1").fetchone()[0]
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = _main(app)
        assert screen.jump_to(lonely)
        await settle(pilot)
        shown = rows(app, "candidates")
        assert shown and all(" possible " in row for row in shown)
        assert "no likely match" in str(screen.query_one("#candidates-title").render())
        assert "no likely match" in screen.query_one(DetailView).plain
        assert rows(app, "indicators")[screen.query_one("#indicators").cursor].startswith("·")
        assert screen.jump_to(sure)
        await settle(pilot)
        assert " likely " in rows(app, "candidates")[0]
        assert "no likely match" not in str(screen.query_one("#candidates-title").render())
        assert rows(app, "indicators")[screen.query_one("#indicators").cursor].startswith("?")


async def test_n_and_the_queue_take_likely_pairs_first(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = _main(app)
        seen_possible = False
        for _ in range(12):
            await pilot.press("n")
            await settle(pilot)
            row = screen.current_indicator()
            assert row is not None and row.best_score is not None
            if row.best_tier != "likely":
                seen_possible = True
            else:
                assert not seen_possible  # a likely one after a possible one: not likely first
        assert screen.current_candidate() is not None
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        pair = app.screen.query_one("#queue-pair").render().plain
        assert app.screen.item.tier == "likely" and "likely" in pair
        first = app.screen.item
        await pilot.press("x")  # the store holds the rejection before the queue moves on
        with Workspace(db) as other:
            assert Review(other).pair_decision(first.regional_indicator_id, first.candidate_id) == "rejected"
        await settle(pilot)
        assert app.screen.item != first


async def test_a_learned_term_reaches_every_stale_list_and_the_detail_strip(archive: Path) -> None:
    with Workspace(archive) as workspace:
        taught = ri(workspace, "甲市", "会议纪要归档率"), ri(workspace, "乙市", "会议纪要存档率")
        later = ri(workspace, "甲市", "信访材料归档率"), ri(workspace, "乙市", "信访材料存档率")
        others = [ri(workspace, "甲市", f"{subject}归档率") for subject in SUBJECTS[1:]]
    app = make_app(archive, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = _main(app)
        assert screen.jump_to(taught[0])
        await settle(pilot)
        await pilot.press("enter")  # into the candidates
        candidates = [row.candidate.id for row in screen.candidate_rows]
        screen.query_one("#candidates").move_to(candidates.index(taught[1]))
        await pilot.pause()
        await pilot.press("a")
        with Workspace(archive) as other:
            concept = Review(other).concept_of(taught[0])
            assert concept is not None and {m.indicator.id for m in concept.members} == set(taught)
        await settle(pilot)  # the decision's relearning, then the lists it left for later, in the background
        assert app.suggestions.pending == 0
        with Workspace(archive) as other:
            for ri_id in others:  # more lists than one decision recomputes at once: all of them learned
                assert any("归档≈存档" in s.explanation for s in cached(other, ri_id)), ri_id
        assert screen.jump_to(later[0])
        await settle(pilot)
        assert screen.current_candidate().candidate.id == later[1]
        detail = screen.query_one(DetailView).plain
        assert "learned: 归档≈存档" in detail
        assert "learned from alice's approval of 会议纪要归档率 ~ 会议纪要存档率 at " in detail
        await pilot.press("u")  # undone: the learned part goes with it
        with Workspace(archive) as other:
            assert Review(other).concept_of(taught[0]) is None
        await settle(pilot)
        with Workspace(archive) as other:
            assert not any("learned" in s.explanation for s in cached(other, later[0]))
        assert "learned:" not in screen.query_one(DetailView).plain


async def test_queue_says_both_projects(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        item = app.screen.item
        with Workspace(db) as other:
            left = browse.occurrences(other, item.regional_indicator_id, 1)[0].project
            right = browse.occurrences(other, item.candidate_id, 1)[0].project
        line = app.screen.query_one("#queue-pair").render().plain.split("\n")[1]
        assert line.strip().startswith("project") and left[:10] in line and right[:10] in line
