"""Prose under an indicator table (explanations, 偏差原因 notes, the 绩效目标 text, long sentences) is no
indicator: the general reader warns about each line of it, by line number, and reads the rows around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from store.readers import read_path, read_text
from store.readers.table import is_prose, reads_as_target

PROSE = ROOT / "fixtures" / "prose"
GOLD = Path(__file__).resolve().parent.parent / "gold"


def _rows(document) -> list[tuple]:
    return [(i.level1, i.level2, i.name, i.annual_value, i.line) for r in document.records for i in r.indicators]


def _prose_lines(document) -> list[int]:
    return [w.line for w in document.warnings if w.message.startswith("prose under the indicator table")]


def test_prose_after_a_table_is_warned_about_not_read_as_indicators() -> None:
    document = read_path(PROSE / "table-then-prose.txt")
    assert document.layout == "general"
    [record] = document.records
    assert record.name == "城乡居民医疗救助"
    assert _rows(document) == [
        ("产出指标", "数量指标", "救助人次", "≥1200人次", 6),
        ("产出指标", "质量指标", "救助资金支付准确率", "100%", 7),
        ("效益指标", "社会效益指标", "困难群众医疗负担", "有效减轻", 8),
        ("满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", 9),
    ]
    # the 绩效目标 explanation, the 偏差原因 note, the 指标解释 and a closing sentence: one warning each
    assert _prose_lines(document) == [11, 12, 13, 14]
    assert not any("no target value" in w.message for w in document.warnings)


def test_prose_between_two_tables_leaves_both_tables_whole() -> None:
    document = read_path(PROSE / "prose-between-tables.txt")
    [record] = document.records
    assert record.name == "老年人健康管理"
    assert _rows(document) == [
        ("产出指标", "数量指标", "健康体检人数", "≥5000人", 4),
        ("产出指标", "时效指标", "体检完成时间", "2023年12月底前", 5),
        ("效益指标", "社会效益指标", "老年人健康水平", "稳步提高", 10),
        ("满意度指标", "服务对象满意度指标", "老年人满意度", "≥85%", 11),
    ]
    assert _prose_lines(document) == [6, 7]
    assert all(w.line in (6, 7) for w in document.warnings)


def test_prose_in_a_table_copied_one_cell_per_line_is_warned_about_line_by_line() -> None:
    """Copied one cell per line, a line of prose would take the next one as its value: both are warned
    about, each by its own line."""
    cells = ["项目名称", "老年人健康管理", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量指标", "健康体检人数", "≥5000人", "时效指标", "体检完成时间", "2023年12月底前",
             "以上指标根据上年度实际完成情况和本年度工作计划测算，体检人数较上年有所增加。",
             "由于本年度新增两个乡镇卫生院参与体检，预计覆盖面将进一步扩大；所需资金已列入年初预算。"]
    document = read_text("\n|\n".join(cells) + "\n|\n", "cells.txt")
    assert [(i.name, i.annual_value) for r in document.records for i in r.indicators] == [
        ("健康体检人数", "≥5000人"), ("体检完成时间", "2023年12月底前")]
    assert _prose_lines(document) == [27, 29]


def test_prose_right_under_the_header_and_between_rows_is_left_out() -> None:
    text = ("项目名称\t某某项目\n一级指标\t二级指标\t三级指标\t指标值\n"
            "注意：本表指标值均为年度目标，由项目单位根据实际情况填写，不得空项。\n"
            "产出指标\t数量指标\t健康体检人数\t≥5000人\n"
            "\t\t体检覆盖率\t≥90%\n"
            "请各单位于每年3月底前报送上年度绩效自评结果，并对偏差原因进行说明，提出改进措施。\n"
            "效益指标\t社会效益指标\t老年人健康水平\t稳步提高\n")
    document = read_text(text, "rows.txt")
    assert [(i.level2, i.name, i.line) for r in document.records for i in r.indicators] == [
        ("数量指标", "健康体检人数", 4), ("数量指标", "体检覆盖率", 5), ("社会效益指标", "老年人健康水平", 7)]
    assert _prose_lines(document) == [3, 6]


def test_a_row_with_a_level_label_or_a_target_stays_an_indicator() -> None:
    """A long name under its own level label (a table cut off before the value), or with a target value
    the grammar reads, is a row, however long."""
    text = ("项目名称\t某某项目\n一级指标\t二级指标\t三级指标\t指标值\n"
            "产出指标\t数量指标\t覆盖人数\t≥100人\n"
            "\t\t按政策、法律、法规乡镇申报、初审确认对象资格，县级按要求复审，确保救助对象精准识别到户到人\t100%\n"
            "效益指标\t可持续影响指标\t对营造拥军优属、拥政爱民的良好氛围，推进军地共建的持续影响程度\n")
    document = read_text(text, "rows.txt")
    names = [i.name for r in document.records for i in r.indicators]
    assert len(names) == 3
    assert not _prose_lines(document)


def _gold_rows() -> list[tuple[str, list[str | None]]]:
    """Every hand-checked indicator: its name and its target, period and outcome values."""
    rows = []
    for path in sorted(GOLD.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for document in data if isinstance(data, list) else [data]:
            for record in document.get("records", []) if isinstance(document, dict) else []:
                for indicator in record.get("indicators", []):
                    rows.append((indicator["name"], [indicator.get("annual_value"), indicator.get("period_value"),
                                                     indicator.get("actual_value")]))
    return rows


@pytest.mark.parametrize("name", [
    "绩效目标说明：本项目主要用于对困难群众个人自付医疗费用给予救助",
    "由于新增两个乡镇卫生院参与体检，预计覆盖面将进一步扩大；所需资金已列入年初预算",
    "我们将继续完善制度，确保困难群众及时得到救助。",
    "本项目资金按季度拨付，年底前全部支付完成，结余资金按规定收回财政统筹使用并在次年预算中统筹安排",
])
def test_sentences_read_as_prose(name: str) -> None:
    assert is_prose(name)


@pytest.mark.parametrize("name", ["救助人次", "指标1：城乡居民基本医疗保险参保人数覆盖率",
                                  "学习成效明显,将学到的境外先进理念和经验,运用到工作实践中"])
def test_names_do_not_read_as_prose(name: str) -> None:
    assert not is_prose(name)


@pytest.mark.parametrize("value", ["≥98", "合规医疗费用救助比例≥50%", "2023年12月底前", "有效缓解", "100%"])
def test_target_values_read_as_targets(value: str) -> None:
    assert reads_as_target(value)


@pytest.mark.parametrize("value", [None, "", "由于本年度新增两个乡镇卫生院参与体检，预计覆盖面将进一步扩大。"])
def test_prose_does_not_read_as_a_target(value: str | None) -> None:
    assert not reads_as_target(value)


def test_no_hand_checked_indicator_would_be_left_out_as_prose() -> None:
    """Even read one cell per line, where only a target value vouches for a row, every indicator of the
    hand-checked documents has a name or a target that keeps it."""
    rows = _gold_rows()
    assert rows
    assert [name for name, values in rows if is_prose(name) and not any(reads_as_target(v) for v in values)] == []
