"""Per concept, the regions' targets side by side in one unit with the flags a reviewer wants to see,
the library listing, coverage and the regions' own (个性) indicators — on concepts made from the seeds
with the decision API."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS, ri
from crosswalk_families import FAMILIES, mapped_copy

from store import compare
from store.readers import read_path
from store.review import Review
from store.workspace import Workspace


@pytest.fixture(scope="module")
def mapped(seeded: Path, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return mapped_copy(seeded, tmp_path_factory.mktemp("compare"))


def flags_by_region(item: compare.Comparison) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in item.rows:
        found.setdefault(row.region, set()).update(flag.kind for flag in row.flags)
    return found


def test_operators_pointing_opposite_ways_are_flagged(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["住院报销比例"])
    assert item is not None and item.unit == "%"
    guangzhou = next(row for row in item.rows if row.region == "广州市")
    fushun = next(row for row in item.rows if row.region == "抚顺市")
    assert (guangzhou.annual_value, fushun.annual_value) == ("≥70%", "≤75%")
    operators = [flag for flag in fushun.flags if flag.kind == "operators"]
    assert operators and "ceiling" in operators[0].explanation and "≥70%" in operators[0].explanation
    assert any(flag.kind == "operators" for flag in guangzhou.flags)  # one against one: both are shown
    assert item.range_text() == "≥70% – ≤75%"


def test_durations_in_two_units_line_up_in_hours(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["系统故障响应"])
    assert item is not None and (item.dimension, item.unit) == ("duration", "小时")
    aligned = {row.region: (row.value, item.aligned(row), item.aligned_text(row)) for row in item.rows}
    assert aligned == {"广州市": ("≤60分钟", 1.0, "≤1小时"), "湛江市": ("≤2小时", 2.0, "≤2小时")}
    assert item.flags == () and item.chartable


def test_the_only_qualitative_target_among_numbers_is_flagged(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["财政补助标准"])
    assert item is not None and item.unit == "万元"
    by_region = flags_by_region(item)
    assert by_region == {"广州市": set(), "湛江市": {"qualitative"}}
    words = [flag for row in item.rows for flag in row.flags]
    assert any("国家规定标准" in flag.explanation and "≥700元" in flag.explanation for flag in words)
    assert not item.chartable  # one number and two phrases: no chart


def test_a_target_far_from_the_others_is_flagged_with_the_rule(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["参保率"])
    assert item is not None
    outliers = [(row.region, row.value, flag.explanation) for row in item.rows for flag in row.flags
                if flag.kind == "outlier"]
    assert [(region, value) for region, value, _ in outliers] == [("抚顺市", "≥85%")]
    assert "median 95%" in outliers[0][2] and "3·" in outliers[0][2]


def test_level2_disagreement_is_flagged_and_the_older_plain_label_agrees(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        insured = compare.comparison(workspace, concepts["参保率"])
        satisfaction = compare.comparison(workspace, concepts["服务对象满意度"])
    assert insured is not None and satisfaction is not None
    level2 = [(row.region, row.level2) for row in insured.rows if any(f.kind == "level2" for f in row.flags)]
    assert level2 == [("抚顺市", "社会效益指标")]
    # 金寨县 writes the older plain 满意度指标: that agrees with 服务对象满意度指标
    assert "满意度指标" in {row.level2 for row in satisfaction.rows}
    assert all(flag.kind != "level2" for flag in satisfaction.flags)


def test_units_that_cannot_be_compared_are_flagged(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["资金到位率"])
    assert item is not None and item.unit == "%"
    units = [(row.region, row.value) for row in item.rows if any(f.kind == "units" for f in row.flags)]
    assert units == [("抚顺市", "=100")]
    # "100" under 到位率(%) takes the name's unit and lines up with 100%
    zhanjiang = [item.aligned(row) for row in item.rows if row.region == "湛江市"]
    assert zhanjiang == [100.0, 100.0]


def test_satisfaction_from_100_down_to_80_is_a_spread_not_an_outlier(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        item = compare.comparison(workspace, concepts["服务对象满意度"])
    assert item is not None
    assert item.range_text() == "≥80% – 100%"
    assert item.regions == ("广州市", "抚顺市", "湛江市", "金寨县", "韶关市曲江区")
    assert item.flags == ()  # median 90%, MAD 5: 80 and 100 are within 3·MAD
    zhanjiang = [row for row in item.rows if row.region == "湛江市"]
    assert {row.annual_value for row in zhanjiang} == {"≥85%", "≥95%"}
    assert all(row.projects and row.documents == ("002_034170035030169e.txt",) for row in zhanjiang)


def test_an_outcome_among_targets_is_flagged(seeded: Path, tmp_path: Path) -> None:
    """A self-evaluation table (自评表) of 金寨's indicators, as another county reports it: the outcome
    (实际完成值) and no target."""
    path = tmp_path / "outcome.db"
    shutil.copy(seeded, path)
    document = read_path(SEEDS / "001_e1b7c9f5eafb4d0b.txt")
    record = next(r for r in document.records if any(i.name == "服务对象满意度" for i in r.indicators))
    outcome = replace(record, indicators=tuple(
        replace(indicator, period_value=None, annual_value=None, actual_value="96%")
        for indicator in record.indicators if indicator.name == "服务对象满意度"))
    self_evaluation = replace(document, source="霍邱县自评表.txt", region="霍邱县", records=(outcome,))
    with Workspace(path) as workspace:
        workspace.store_document(self_evaluation, "self-evaluation")
        review = Review(workspace, "alice")
        first = ri(workspace, "广州市", "服务对象满意度")
        review.approve(first, ri(workspace, "金寨县", "服务对象满意度"))
        review.approve(first, ri(workspace, "霍邱县", "服务对象满意度"))
        item = compare.comparison(workspace, review.concept_id_of(first))  # type: ignore[arg-type]
    assert item is not None
    huoqiu = next(row for row in item.rows if row.region == "霍邱县")
    assert huoqiu.is_outcome and huoqiu.value == "96%"
    assert [flag.kind for flag in huoqiu.flags] == ["outcome"]
    assert "实际完成值" in huoqiu.flags[0].explanation
    assert all(not row.flags for row in item.rows if row.region != "霍邱县")


def test_the_library_lists_every_concept_with_what_a_row_shows(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        rows = {row.id: row for row in compare.concept_rows(workspace)}
    assert set(rows) == set(concepts.values())
    satisfaction = rows[concepts["服务对象满意度"]]
    assert (satisfaction.level1, satisfaction.level2) == ("满意度指标", "服务对象满意度指标")
    assert satisfaction.members == 5 and satisfaction.coverage == "5 of 5"
    assert satisfaction.occurrences >= 7 and satisfaction.flags == () and satisfaction.spread == "≥80% – 100%"
    insured = rows[concepts["参保率"]]
    assert insured.flags == ("level2", "outlier")
    assert rows[concepts["住院报销比例"]].flags == ("operators", "level2")
    assert rows[concepts["财政补助标准"]].regions == ("广州市", "湛江市")


def test_coverage_is_sorted_by_regions_covered_with_targets(mapped) -> None:
    path, concepts = mapped
    with Workspace(path) as workspace:
        coverage = compare.coverage(workspace)
    assert coverage.regions == ("广州市", "抚顺市", "湛江市", "金寨县", "韶关市曲江区")
    counts = [row.covered for row in coverage.rows]
    assert counts == sorted(counts, reverse=True) and counts[0] == 5
    satisfaction = next(row for row in coverage.rows if row.concept_id == concepts["服务对象满意度"])
    assert satisfaction.targets["湛江市"] == "≥85% / ≥95%" and satisfaction.targets["广州市"] == "100%"
    reimbursement = next(row for row in coverage.rows if row.concept_id == concepts["住院报销比例"])
    assert set(reimbursement.targets) == {"广州市", "抚顺市"} and "抚顺市" in reimbursement.flagged


def test_own_indicators_have_no_counterpart_anywhere(mapped) -> None:
    path, _ = mapped
    with Workspace(path) as workspace:
        left = compare.unmatched(workspace)
        own = compare.own_indicators(workspace)
        members = sum(len(members) for members in FAMILIES.values())
        total = workspace.counts()["regional_indicators"]
    assert len(left) == total - members
    names = {(item.region, item.name) for item in own}
    assert ("广州市", "工作满意度") not in names  # a close match is a counterpart
    assert ("广州市", "工作满意度") in {(item.region, item.name) for item in left}
    assert ("湛江市", "参保人数（人）") in names  # rejected is no counterpart
    assert len(own) == len(left) - 2
    assert all(item.occurrences > 0 and item.projects for item in left)


def test_a_member_whose_documents_went_keeps_its_place_without_targets(mapped, tmp_path: Path) -> None:
    path, concepts = mapped
    copy = tmp_path / "gone.db"
    shutil.copy(path, copy)
    with Workspace(copy) as workspace, workspace.transaction() as connection:
        connection.execute("DELETE FROM documents WHERE name = ?", ("001_e1b7c9f5eafb4d0b.txt",))
    with Workspace(copy) as workspace:
        item = compare.comparison(workspace, concepts["服务对象满意度"])
    assert item is not None
    jinzhai = [row for row in item.rows if row.region == "金寨县"]
    assert len(jinzhai) == 1 and jinzhai[0].value is None and jinzhai[0].occurrences == 0


def test_the_library_follows_decisions_made_here_and_in_another_process(mapped, tmp_path: Path) -> None:
    path, concepts = mapped
    copy = tmp_path / "library.db"
    shutil.copy(path, copy)
    with Workspace(copy) as workspace:
        before = compare.concept_rows(workspace)
        review = Review(workspace, "erin")
        satisfaction = concepts["服务对象满意度"]
        review.rename(satisfaction, "服务对象满意度（全市）")
        review.detach(ri(workspace, "抚顺市", "参保人员对医保服务的满意度"))
        review.approve(ri(workspace, "广州市", "医疗救助政策知晓率"), ri(workspace, "抚顺市", "政策知晓率"))
        review.undo()
        review.approve(ri(workspace, "广州市", "医疗救助政策知晓率"), ri(workspace, "抚顺市", "城乡救助政策知晓率"))
        script = ("import sys; from store.workspace import Workspace; from store.review import Review\n"
                  "with Workspace(sys.argv[1]) as w:\n"
                  "    ids = dict(((r, n), i) for i, r, n in w.connection.execute("
                  "'SELECT id, region, name FROM regional_indicators'))\n"
                  "    Review(w, 'frank').approve(ids[('金寨县', '居民参保率')], ids[('抚顺市', '政策知晓率')])\n")
        import subprocess
        import sys
        subprocess.run([sys.executable, "-c", script, str(copy)], check=True)
        after = compare.concept_rows(workspace)
        fresh = [compare.concept_row(item) for item in compare.comparisons(workspace, provenance=False)]
    assert after == fresh  # what was remembered and updated equals working everything out again
    assert after != before
    renamed = next(row for row in after if row.id == satisfaction)
    assert renamed.name == "服务对象满意度（全市）" and "抚顺市" not in renamed.regions
    insured = next(row for row in after if row.id == concepts["参保率"])
    assert insured.members == 6 and insured.regions.count("抚顺市") == 1


def test_the_library_follows_a_document_replaced_by_a_revised_version(mapped, tmp_path: Path) -> None:
    path, concepts = mapped
    copy = tmp_path / "revised.db"
    shutil.copy(path, copy)
    document = read_path(SEEDS / "000_1dc01b27c551b5e1.txt")
    revised = replace(document, records=tuple(
        replace(record, indicators=tuple(
            replace(indicator, annual_value="≥60%") if indicator.name == "服务对象满意度" else indicator
            for indicator in record.indicators))
        for record in document.records))
    with Workspace(copy) as workspace:
        before = {row.id: row for row in compare.concept_rows(workspace)}
        assert workspace.store_document(revised, "revised").outcome == "replaced"
        after = {row.id: row for row in compare.concept_rows(workspace)}
        fresh = {item.concept_id: compare.concept_row(item)
                 for item in compare.comparisons(workspace, provenance=False)}
    assert after == fresh
    satisfaction = concepts["服务对象满意度"]
    assert before[satisfaction].spread == "≥80% – 100%" and after[satisfaction].spread == "≥60% – ≥95%"
