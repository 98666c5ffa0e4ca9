"""The pieces the general reader is built from: header columns, the value grammar, cut cells joined."""

from __future__ import annotations

import pytest

from store.readers.stream import read_stream
from store.readers.table import Columns, join_value
from store.readers.vocabulary import header_kind, is_value, split_value_suffix


def _columns(header: str) -> tuple[str, ...]:
    return Columns.from_header([header_kind(word) or "table" for word in header.split()]).slots


@pytest.mark.parametrize(("header", "slots"), [
    ("一级指标 二级指标 三级指标 指标值", ("annual",)),
    ("一级指标 二级指标 指标名称 指标值(包含数字及文字描述)", ("annual",)),
    ("一级指标 二级指标 三级指标 实施周期指标值 年度指标值", ("period", "annual")),
    ("一级指标 二级指标 三级指标 实施周期指标值 年度指标值 度量单位", ("period", "annual", "unit")),
    ("一级指标 二级指标 三级指标 实际完成值 年度指标值 权重 得分 偏差原因分析及改进措施",
     ("actual", "annual", "weight", "score", "reason")),
    ("绩效指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
     "一级指标 二级指标 三级指标 指标性质 指标值 度量单位",
     ("operator", "annual", "unit", "actual", "weight", "score", "reason")),
    ("一级指标 二级指标 三级指标 年度指标值 实际完成值 指标性质 指标值 度量单位",
     ("operator", "annual", "unit", "actual")),
    ("一级指标 二级指标 三级指标", ("annual",)),
])
def test_header_columns_in_printed_order(header: str, slots: tuple[str, ...]) -> None:
    assert _columns(header) == slots


@pytest.mark.parametrize(("cell", "parts"), [
    ("农村义务教育学校改造覆盖率100%", ("农村义务教育学校改造覆盖率", "100%")),
    ("学生家长满意度≥90%", ("学生家长满意度", "≥90%")),
    ("维护路灯数量≥3200盏", ("维护路灯数量", "≥3200盏")),
    ("义务教育优质均衡发展情况稳步提高", ("义务教育优质均衡发展情况", "稳步提高")),
    ("减轻贫困学生家庭经济负担有效", ("减轻贫困学生家庭经济负担", "有效")),
    ("2020年资金到位率", None),
    ("资金到位", None),
])
def test_a_value_run_into_its_name_is_cut_off(cell: str, parts: tuple[str, str] | None) -> None:
    assert split_value_suffix(cell) == parts


@pytest.mark.parametrize("text", ["≥90%", "100%", "63人", "≧735人次", "2021年1月-12月", "12月底到位", "长期",
                                  "影响明显", "稳步提高", "2020.1.1-2020.12.31", "71.86元/平方米", "是", "≤0.9‰"])
def test_values_by_the_grammar(text: str) -> None:
    assert is_value(text)


@pytest.mark.parametrize("text", ["社会满意度", "受益群众满意度", "资金到位及时率", "覆盖率100%", "项目实施时间",
                                  "显著提升了疫情期间对民办幼儿园的扶持力度,大力支持了民办幼儿园的发展。"])
def test_names_and_sentences_are_not_grammar_values(text: str) -> None:
    assert not is_value(text)


def test_split_operator_value_unit_cells_are_joined() -> None:
    assert join_value("≧", "735", "人次") == "≥735人次"
    assert join_value("═", "100", "%") == "=100%"
    assert join_value("定性", "有效", None) == "有效"
    assert join_value("≥", "≥90%", "%") == "≥90%"


def test_cut_words_are_joined_back_and_values_are_not_swallowed() -> None:
    stream = read_stream("一级 指标 二级指标 三级指标 项目完成\n指标\n"
                         "产出 指标 (50分 ) 偏差原因分析及改进措 施 8676 绩 效 指 标\n")
    texts = [t.text for t in stream.tokens]
    assert texts[:4] == ["一级指标", "二级指标", "三级指标", "项目完成指标"]
    assert "产出指标(50分" in texts and "8676" in texts and "绩效指标" in texts


def test_one_cell_per_line_between_bare_pipes_keeps_empty_cells() -> None:
    stream = read_stream("項目名稱\n|\n二等乙級\n以上\n|\n|\n|\n指標值\n|\n" * 2)
    assert stream.cell_per_line
    assert [t.text for t in stream.tokens[:4]] == ["項目名稱", "二等乙級以上", "", ""]
