"""The general reader of the template family: real tables from other provinces, the same records out of
every form a user brings them in, warnings with lines, and one clear error for a text with no table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, comparable, norm, seed_paths
from template_forms import FORMS, render, runs_together_cleanly

from store.readers import ReadError, detect_layout, read_path, read_text
from tui.cli import main

REAL = ROOT / "fixtures" / "real"
VARIANTS = ROOT / "fixtures" / "general"
GOLD = Path(__file__).resolve().parent.parent / "gold"


def _gold(folder: str, stem: str) -> dict:
    return json.loads((GOLD / folder / f"{stem}.json").read_text(encoding="utf-8"))


def _with_actuals(document: dict) -> list[tuple]:
    """comparable() and, per indicator, the outcome a self-evaluation table reports."""
    actuals = [norm(i.get("actual_value")) for r in document["records"] for i in r["indicators"]]
    return [*comparable(document), tuple(actuals)]


@pytest.mark.parametrize("stem", sorted(p.stem for p in REAL.glob("*.txt")))
def test_real_table_reads_the_hand_checked_records(stem: str) -> None:
    document = read_path(REAL / f"{stem}.txt").as_json()
    gold = _gold("real", stem)
    assert document["layout"] == "general"
    assert (document["region"], document["department"], document["year"]) == (
        gold["region"], gold["department"], gold["year"])
    assert comparable(document) == comparable(gold)


@pytest.mark.parametrize("stem", sorted(p.stem for p in VARIANTS.glob("*.txt")))
def test_other_variants_of_the_template_read(stem: str) -> None:
    """Tables written for this test in variants none of the real ones use: other header words, separators,
    column orders, a two-row header, a department-wide table, a mirror copy, a cut-off table."""
    document = read_path(VARIANTS / f"{stem}.txt").as_json()
    gold = _gold("general", stem)
    assert document["layout"] == "general"
    assert (document["region"], document["department"], document["year"]) == (
        gold["region"], gold["department"], gold["year"])
    assert _with_actuals(document) == _with_actuals(gold)


_RENDERINGS = [
    (stem, form, seed)
    for stem in sorted(p.stem for p in REAL.glob("*.txt"))
    for form in FORMS
    for seed in (0, 1)
    if form != "run-together" or runs_together_cleanly(json.loads((GOLD / "real" / f"{stem}.json").read_text("utf-8")))
]


@pytest.mark.parametrize(("stem", "form", "seed"), _RENDERINGS)
def test_the_same_records_in_every_form(stem: str, form: str, seed: int) -> None:
    """A real table's records printed in another form, with other level-label spellings and amounts in
    元 or 万元, read back to the same records."""
    gold = _gold("real", stem)
    text = render(gold, form, seed=seed, yuan=seed == 1)
    document = read_text(text, f"{stem}.txt").as_json()
    assert comparable(document) == comparable(gold)
    if gold["department"]:
        assert document["department"] == gold["department"]


def test_self_evaluation_keeps_target_and_outcome_apart() -> None:
    document = read_path(REAL / "云南永德县明朗中学_义务教育营养改善计划_2022项目支出绩效自评表.txt")
    first = document.records[0].indicators[0]
    assert (first.name, first.annual_value, first.actual_value) == ("学生受资助人数", "≥735人次", "735")
    names = [i.name for i in document.records[0].indicators]
    assert not any(word in "".join(names) for word in ("总分", "偏差", "分值", "得分"))


def test_layout_is_reported_and_the_seeds_keep_theirs() -> None:
    for path in REAL.glob("*.txt"):
        assert detect_layout(path.read_text(encoding="utf-8")) == "general"
    for path in seed_paths():
        assert detect_layout(path.read_text(encoding="utf-8")) != "general"


def test_a_text_with_no_indicator_table_is_one_clear_error(capsys, tmp_path) -> None:
    path = tmp_path / "说明.txt"
    path.write_text("项目名称\t办公楼维修\n主管部门\t某县财政局\n年度资金总额\t12\n", encoding="utf-8")
    with pytest.raises(ReadError, match="no indicator table"):
        read_path(path)
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and "no indicator table" in err[0]


def test_a_header_with_no_rows_says_where_the_table_is() -> None:
    text = "项目名称\t办公楼维修\n一级指标\t二级指标\t三级指标\t指标值\n"
    with pytest.raises(ReadError, match="line 2"):
        read_text(text, "x.txt")


def test_cells_it_cannot_place_become_warnings_with_their_lines() -> None:
    text = ("项目名称 | 道路养护 |\n"
            "一级指标 | 二级指标 | 三级指标 | 指标值 |\n"
            "产出指标 | 数量指标 | 养护里程 | ≥120公里 |\n"
            "≥95% |\n"
            " | 质量指标 | 路面完好率 |\n")
    document = read_text(text, "x.txt")
    assert [i.name for i in document.records[0].indicators] == ["养护里程", "路面完好率"]
    assert {(w.line, "has no indicator name" in w.message or "no target value" in w.message)
            for w in document.warnings} == {(4, True), (5, True)}


def test_a_flattened_table_that_cannot_pair_every_value_warns() -> None:
    text = ("项目名称 乡村道路 一级指标 二级指标 三级指标 指标值 "
            "产出指标 数量指标 指标1:新建道路里程 质量指标 指标1:验收合格率 时效指标 指标1:完工时间 "
            "12公里 100% 2023年底 7 8\n")
    document = read_text(text, "x.txt")
    values = [(i.name, i.annual_value) for i in document.records[0].indicators]
    assert values == [("新建道路里程", "12公里"), ("验收合格率", "100%"), ("完工时间", "2023年底")]
    assert any("could not be given" in w.message and w.line == 1 for w in document.warnings)


def test_a_layout_reader_that_finds_nothing_hands_over_to_the_general_one() -> None:
    text = (VARIANTS / "markdown-without-code.txt").read_text(encoding="utf-8")
    assert "|---|" in text
    document = read_text(text, "x.txt")
    assert document.layout == "general" and document.indicator_count == 4


def test_a_mirror_copy_reads_like_the_simplified_one() -> None:
    gold = _gold("real", "天津宁河区_非营利性民办园房租补贴_2020抗疫特别国债绩效目标表")
    plain = read_text(render(gold, "pipes", seed=3), "a.txt").as_json()
    mirror = read_text(render(gold, "traditional", seed=3), "b.txt").as_json()
    assert comparable(mirror) == comparable(plain) == comparable(gold)
    assert mirror["department"] == plain["department"] == "天津市宁河区教育局"


def test_a_table_run_together_on_one_long_line_keeps_each_rows_own_text() -> None:
    """Every row of a table printed on one line is read, and each indicator's raw text is its own row, not the
    whole line again (which a 5 MB line would repeat for every indicator)."""
    rows = "  ".join(f"产出指标  数量指标  改造学校{i}号楼面积  ≥{i + 100}平方米" for i in range(200))
    text = f"2023年度项目支出绩效目标表\n项目名称：学校改造\n一级指标  二级指标  三级指标  指标值  {rows}\n"
    indicators = read_text(text, "one-line.txt").records[0].indicators
    assert [(i.name, i.annual_value) for i in indicators] == [
        (f"改造学校{i}号楼面积", f"≥{i + 100}平方米") for i in range(200)]
    assert all(i.line == 3 and i.raw.split("\t") == [i.name, i.annual_value] for i in indicators)
