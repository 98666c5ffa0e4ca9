"""The workbook's rows written in one piece each read back in openpyxl exactly as openpyxl's own cell writer
writes them: text of any kind (CJK, markup characters, spaces at the ends, line breaks), numbers, gaps,
target text that looks like a formula, and a highlighted cell with its comment."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from store import compare, report

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40).map(report.cell_text)
# integers within a double's exact range: openpyxl writes larger ones rounded to 16 digits, this writer exactly
VALUE = st.one_of(st.none(), TEXT, st.integers(-(2**53), 2**53),
                  st.floats(allow_nan=False, allow_infinity=False, width=64))
ROWS = st.lists(st.lists(VALUE, max_size=12), min_size=1, max_size=30)


def write(path: Path, rows: list[list], fast: bool) -> None:
    workbook = Workbook(write_only=True)
    sheet = report._new_sheet(workbook, "表") if fast else workbook.create_sheet("表")
    for row in rows:
        sheet.append([report._text(sheet, value) if isinstance(value, str) else value for value in row])
    if fast:
        with path.open("wb") as stream:
            report._save(workbook, stream)
    else:
        workbook.save(path)


def read(path: Path) -> list[list]:
    return [[(cell.value, cell.data_type) for cell in row if cell.value is not None]
            for row in load_workbook(path)["表"].iter_rows()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_rows_read_back_as_openpyxl_writes_them(tmp_path: Path, rows: list[list]) -> None:
    write(tmp_path / "fast.xlsx", rows, fast=True)
    write(tmp_path / "openpyxl.xlsx", rows, fast=False)
    assert read(tmp_path / "fast.xlsx") == read(tmp_path / "openpyxl.xlsx")


def test_the_awkward_cases_and_a_flagged_cell(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = report._new_sheet(workbook, "表")
    flag = compare.Flag("operators", "≤75% sets a ceiling where 广州市 set a floor (≥70%)")
    rows = [
        ["编号", None, "  两端有空格 ", "a & b < c > d", "第一行\r\n第二行\n", 3, 2.5, None],
        [report._text(sheet, "=100"), report._text(sheet, "#N/A"), report._text(sheet, "=稳步拓展")],
        [None, report._flagged_cell(sheet, "≤75%", [("参保人政策范围内住院费用报销比例", flag)]), "\x1b[31m"],
    ]
    for row in rows[:2]:
        sheet.append(list(row))
    sheet.append([None, rows[2][1], report.cell_text(rows[2][2])])
    path = tmp_path / "awkward.xlsx"
    with path.open("wb") as stream:
        report._save(workbook, stream)
    table = load_workbook(path)["表"]
    assert [cell.value for cell in table[1]][:7] == ["编号", None, "  两端有空格 ", "a & b < c > d",
                                                     "第一行\r\n第二行\n", 3, 2.5]
    looks_like_formulas = [(cell.value, cell.data_type) for cell in table[2] if cell.value is not None]
    assert looks_like_formulas == [("=100", "s"), ("#N/A", "s"), ("=稳步拓展", "s")]
    flagged = table["B3"]
    assert flagged.value == "≤75%" and flagged.fill.fgColor.rgb.endswith("FFD8A8")
    assert flagged.comment is not None and "ceiling" in flagged.comment.text
    assert table["C3"].value == "␛[31m"
