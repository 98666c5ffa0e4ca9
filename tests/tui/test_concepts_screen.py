"""The concepts screen (the library) and a concept's comparison, driven with Pilot on the seeds with the
satisfaction, 参保率 and 资金到位率 families (and the issue's other cases) mapped: keys sort and filter the
library, Enter opens a concept, and rename, detach, undo and map-to change the store before the screen moves
on."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import SIZE, notifications, rows, settle
from conftest import ri
from crosswalk_families import mapped_copy

from store import compare
from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import ComparisonScreen, ConceptsScreen, CoverageScreen, MainScreen
from tui.screens import coverage as coverage_screen
from tui.widgets import RowList


@pytest.fixture
def mapped(db: Path, tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """The seeds with their suggestions and the families mapped into concepts."""
    return mapped_copy(db, tmp_path)


def names(app) -> list[str]:
    """The concepts the library lists, in order."""
    return [row.name for row in app.screen.library.view()]


def status(app, name: str) -> str:
    return app.screen.query_one(f"#{name}").text.plain


async def open_library(app, pilot) -> None:
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)


async def open_concept(app, pilot, name: str) -> None:
    """From the library, Enter on the concept called ``name``."""
    app.screen.query_one("#concepts", RowList).move_to(names(app).index(name))
    await pilot.press("enter")
    await settle(pilot)


async def test_the_library_lists_sorts_and_filters_the_concepts(mapped) -> None:
    path, _concepts = mapped
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        assert isinstance(app.screen, ConceptsScreen)
        # most-covered first: the regions covered (k of N), members, occurrences, the targets' range, flags
        listed = rows(app, "concepts")
        assert len(listed) == 6
        assert listed[0].split() == ["服务对象满意度", "满意度", "›", "服务对象满意度", "5", "5", "of", "5", "9",
                                     "≥80%", "–", "100%"]
        fushun = next(row for row in listed if row.startswith("居民参保率"))
        assert "5 of 5" in fushun and fushun.rstrip().endswith("level 2 · far")
        assert "≤1小时 – ≤2小时" in next(row for row in listed if row.startswith("系统故障修复响应时间"))
        assert "sorted by coverage" in status(app, "library-status")
        assert names(app)[:2] == ["服务对象满意度", "居民参保率"]
        await pilot.press("s")  # by occurrences
        assert "sorted by occurrences" in status(app, "library-status")
        with Workspace(path) as workspace:
            by_occurrences = sorted(compare.concept_rows(workspace), key=lambda row: (-row.occurrences,
                                                                                    -len(row.regions), row.id))
        assert names(app) == [row.name for row in by_occurrences]
        await pilot.press("s")  # by flags: the most flags first
        assert [len(row.flags) for row in app.screen.library.view()] == [2, 2, 2, 1, 0, 0]
        await pilot.press("s")  # by name
        assert names(app) == sorted(names(app))
        await pilot.press("s")  # back to coverage
        # flagged only, then one level 1 (the most used first: 产出指标), then a text
        await pilot.press("exclamation_mark")
        assert set(names(app)) == {"居民参保率", "资金到位及时率", "财政实际补助标准",
                                   "参保人政策范围内住院费用报销比例"}
        assert "4 of 6 concepts" in status(app, "library-status")
        await pilot.press("exclamation_mark", "1")
        assert "服务对象满意度" not in names(app) and len(names(app)) == 5
        assert "only 产出指标" in status(app, "library-status")
        await pilot.press("2")  # a level 2 most used under 产出指标 (质量指标 and 时效指标 have two each)
        assert set(names(app)) == {"资金到位及时率", "系统故障修复响应时间"}
        assert "only 产出指标 · 时效指标" in status(app, "library-status")
        await pilot.press("1")  # the next level 1 (its level 2 choice dropped)
        assert names(app) == ["服务对象满意度"]
        await pilot.press("1")  # after the last one, every level 1 again
        assert len(names(app)) == 6 and "only" not in status(app, "library-status")
        await pilot.press("slash")
        await pilot.press(*"参保")
        await pilot.pause()
        assert set(names(app)) == {"居民参保率", "参保人政策范围内住院费用报销比例"}
        await pilot.press("enter")  # back to the list, the filter kept
        assert app.screen.query_one("#concepts", RowList).has_focus and len(names(app)) == 2
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_concepts_comparison_and_its_decisions(mapped) -> None:
    path, concepts = mapped
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        await open_concept(app, pilot, "居民参保率")
        screen = app.screen
        assert isinstance(screen, ComparisonScreen) and screen.concept_id == concepts["参保率"]
        title = status(app, "comparison-title")
        assert "5 members in 5 of 5 regions" in title and "targets compared in % (≥85% – 100%)" in title
        assert "level 2 differs (1)" in title and "far from the others (1)" in title
        targets = rows(app, "targets")
        # by region, with period and annual targets as written and the target compared in %
        fushun = next(row for row in targets if row.startswith("抚顺市"))
        assert fushun.split()[:5] == ["抚顺市", "城乡居民基本医保参保率", "—", "≥85%", "!≥85%"]
        assert "level 2 · far" in fushun and "抚顺市医疗保障事务服务中心" in fushun
        zhanjiang = [row for row in targets if "湛江市" in row or row.startswith(" ")]
        assert any(row.split()[-3:-1] == ["95", "95%"] for row in zhanjiang)  # a bare 95 under a rate's name
        # the flagged cell's reason, with the projects and documents it comes from, beneath
        screen.query_one("#targets", RowList).move_to(targets.index(fushun))
        await pilot.pause()
        detail = status(app, "comparison-detail")
        assert "far from the others: ≥85% is outside the median 95%" in detail
        assert "level 2 differs: 二级指标 社会效益指标 where 4 of 5 members say 质量指标" in detail
        assert "documents: 004_abee6ec0de6ec728.txt" in detail
        # rename: the store has the new name before the screen shows it
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#rename-input").value = ""
        await pilot.press(*"基本医保参保率", "enter")
        await settle(pilot)
        with Workspace(path) as other:
            assert Review(other).concept(concepts["参保率"]).name == "基本医保参保率"
        assert status(app, "comparison-title").startswith("基本医保参保率")
        # detach the highlighted member (抚顺市): out of the concept in the store, off the screen
        fushun_id = next(row.regional_indicator_id for row in screen.comparison.rows if row.region == "抚顺市")
        assert screen.highlighted.region == "抚顺市"
        await pilot.press("d")
        await settle(pilot)
        with Workspace(path) as other:
            assert Review(other).concept_id_of(fushun_id) is None
        assert not any(row.startswith("抚顺市") for row in rows(app, "targets"))
        assert "4 members in 4 of 5 regions" in status(app, "comparison-title")
        assert "not measured in: 抚顺市" in status(app, "comparison-detail")
        assert "detached 城乡居民基本医保参保率" in status(app, "comparison-status")
        # undo brings it back
        await pilot.press("u")
        await settle(pilot)
        with Workspace(path) as other:
            assert Review(other).concept_id_of(fushun_id) == concepts["参保率"]
        assert any(row.startswith("抚顺市") for row in rows(app, "targets"))
        # back in the library, the new name is listed; back on the main screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConceptsScreen) and "基本医保参保率" in names(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_map_to_merges_a_concept_into_the_one_picked(mapped) -> None:
    path, concepts = mapped
    app = make_app(path, reviewer="bob", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        await open_concept(app, pilot, "参保人政策范围内住院费用报销比例")
        await pilot.press("m")  # the library without this concept, to pick from
        await settle(pilot)
        assert "参保人政策范围内住院费用报销比例" not in names(app) and len(names(app)) == 5
        await pilot.press("slash", *"参保率", "enter")
        await pilot.pause()
        assert names(app) == ["居民参保率"]
        await pilot.press("enter")  # picked: merging needs confirming
        await pilot.pause()
        question = app.screen.query_one("Label").render().plain
        assert question == "Merge concept 参保人政策范围内住院费用报销比例 into 居民参保率?"
        await pilot.press("y")
        await settle(pilot)
        with Workspace(path) as other:
            review = Review(other)
            assert review.concept(concepts["住院报销比例"]) is None
            assert review.concept_id_of(ri(other, "抚顺市", "参保人政策范围内住院费用报销比例")) == concepts["参保率"]
        screen = app.screen
        assert isinstance(screen, ComparisonScreen) and screen.concept_id == concepts["参保率"]
        assert "7 members in 5 of 5 regions" in status(app, "comparison-title")
        await pilot.press("u")  # one decision: undo splits them again
        await settle(pilot)
        with Workspace(path) as other:
            assert Review(other).concept(concepts["住院报销比例"]) is not None


async def test_coverage_and_the_regions_own_indicators(mapped) -> None:
    path, concepts = mapped
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CoverageScreen)
        grid = rows(app, "coverage")
        header = status(app, "coverage-header")
        regions = header.split()[2:]
        assert sorted(regions) == ["广州市", "抚顺市", "湛江市", "金寨县", "韶关市曲江区"]
        # most-covered first; each region's target in its column, "—" where it does not measure the concept
        assert [row.split()[0] for row in grid[:2]] == ["服务对象满意度", "居民参保率"]
        assert grid[0].split()[1:4] == ["5", "of", "5"]
        response = next(row for row in grid if row.startswith("系统故障修复响应时间"))
        cells = dict(zip(regions, response.split()[4:], strict=True))
        assert cells == {"广州市": "≤60分钟", "湛江市": "≤2小时", "抚顺市": "—", "韶关市曲江区": "—", "金寨县": "—"}
        reversed_operators = next(row for row in grid if row.startswith("参保人政策范围内"))
        assert "!≥70%" in reversed_operators and "!≤75%" in reversed_operators
        # the regions' own indicators: no counterpart anywhere
        with Workspace(path) as workspace:
            own = compare.own_indicators(workspace)
        assert len(rows(app, "own")) == len(own) > 0
        assert f"{len(own)} with no counterpart anywhere" in status(app, "own-title")
        assert rows(app, "own")[0].split()[:2] == [own[0].region, own[0].name]
        # Enter opens a concept's comparison
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComparisonScreen) and app.screen.concept_id == concepts["服务对象满意度"]


async def test_coverage_shows_the_most_covered_concepts_first_then_every_concept(mapped, monkeypatch) -> None:
    path, _concepts = mapped
    monkeypatch.setattr(coverage_screen, "PREVIEW_ROWS", 2)
    with Workspace(path) as workspace:
        whole = compare.coverage(workspace)
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.complete and app.screen.coverage == whole
        listed = rows(app, "coverage")
        assert len(listed) == len(whole.rows) > 2
        assert all(line.startswith(row.name[:12]) for line, row in zip(listed, whole.rows, strict=True))
        assert f"{len(whole.rows)} concepts × 5 regions, most-covered first" in status(app, "coverage-status")


async def test_coverage_after_a_decision_on_a_concept_opened_from_it_shows_the_decision(mapped) -> None:
    path, concepts = mapped
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        coverage = app.screen
        assert isinstance(coverage, CoverageScreen)
        assert rows(app, "coverage")[1].split()[:4] == ["居民参保率", "5", "of", "5"]
        coverage.query_one("#coverage", RowList).move_to(1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComparisonScreen) and app.screen.concept_id == concepts["参保率"]
        await pilot.press("d")  # one member out: the concept is measured in 4 of the 5 regions
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is coverage and coverage.complete and not coverage.reading
        row = next(row for row in rows(app, "coverage") if row.startswith("居民参保率"))
        assert row.split()[1:4] == ["4", "of", "5"]


async def test_coverage_that_cannot_be_worked_out_keeps_its_first_rows_and_says_so(mapped, monkeypatch) -> None:
    path, _concepts = mapped
    monkeypatch.setattr(coverage_screen, "PREVIEW_ROWS", 2)

    def fail(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(compare, "coverage", fail)
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_library(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        line = status(app, "coverage-status")
        assert "the 2 most-covered concepts × 5 regions" in line and "measured in every region" not in line
        assert "reading the coverage failed: disk I/O error" in line and "working out" not in line
        assert [row.split()[0] for row in rows(app, "coverage")] == ["服务对象满意度", "居民参保率"]
        assert len(rows(app, "own")) > 0  # read before the coverage failed
        assert any("reading the coverage failed" in message for message in notifications(app))


async def test_a_library_that_cannot_be_read_says_so(mapped, monkeypatch) -> None:
    path, _concepts = mapped

    def fail(*args, **kwargs):
        raise OSError("disk I/O error")

    monkeypatch.setattr(compare, "concept_rows", fail)
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_library(app, pilot)
        assert "reading the concepts failed: disk I/O error" in status(app, "library-status")
        assert "reading the concepts…" not in status(app, "library-status")
        assert app.screen.query_one("#concepts", RowList).empty == "the concepts could not be read"
        assert any("reading the concepts failed" in message for message in notifications(app))


async def test_document_text_in_the_library_and_a_comparison_is_shown_literally(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        Review(workspace, "mallory").rename(concepts["参保率"], "[bold red]参保率[/]\x1b[2J")
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_library(app, pilot)
        assert rows(app, "concepts")[1].startswith("[bold red]参保率[/]␛[2J")
        await open_concept(app, pilot, "[bold red]参保率[/]\x1b[2J")
        assert status(app, "comparison-title").startswith("[bold red]参保率[/]␛[2J")
        assert "[bold red]参保率[/]␛[2J" in status(app, "comparison-status")


async def test_on_a_narrow_terminal_the_flags_and_the_compared_target_stay_in_view(mapped) -> None:
    path, _concepts = mapped
    app = make_app(path, reviewer="alice", keymap={})
    async with app.run_test(size=(90, 30)) as pilot:
        await open_library(app, pilot)
        # the library leaves out the levels and occurrences before the flags
        assert status(app, "library-header").split() == ["concept", "members", "regions", "targets", "flags"]
        fushun = next(row for row in rows(app, "concepts") if row.startswith("居民参保率"))
        assert fushun.split() == ["居民参保率", "5", "5", "of", "5", "≥85%", "–", "100%", "level", "2", "·", "far"]
        await open_concept(app, pilot, "居民参保率")
        fushun = next(row for row in rows(app, "targets") if row.startswith("抚顺市"))
        assert fushun.split()[:5] == ["抚顺市", "城乡居民基本医保参保率", "—", "≥85%", "!≥85%"]
        assert status(app, "comparison-header").split()[:5] == ["region", "indicator", "period", "annual", "compared"]
        zhanjiang = next(row for row in rows(app, "targets") if row.startswith("湛江市"))
        assert zhanjiang.split()[1:5] == ["以常住人口数为基数计算的…", "—", "95", "95%"]
        await pilot.resize_terminal(160, 45)  # wider again: more of the name
        await settle(pilot)
        zhanjiang = next(row for row in rows(app, "targets") if row.startswith("湛江市"))
        assert zhanjiang.split()[1] == "以常住人口数为基数计算的基本参…"
