"""The crosswalk workbook, opened again with openpyxl as an analyst's Excel would: the sheets, frozen
headers and filters, flagged cells with the reason in a comment, charts, widths that fit CJK text."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ri
from crosswalk_families import mapped_copy
from openpyxl import load_workbook
from rich.cells import cell_len

from store import report
from store.errors import OutputError
from store.review import Review
from store.workspace import Workspace

SHEETS = ["指标库", "对照", "覆盖", "未匹配", "决定日志", "图表"]


@pytest.fixture(scope="module")
def workbook(seeded: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    path, concepts = mapped_copy(seeded, folder)
    with Workspace(path) as workspace:
        review = Review(workspace, "carol")
        review.rename(concepts["服务对象满意度"], "满意度\x1b[31m[bold]")  # document-like text, never styling
        summary = report.write_report(workspace, folder / "crosswalk.xlsx")
        events = workspace.connection.execute("SELECT count(*) FROM events").fetchone()[0]
    return load_workbook(folder / "crosswalk.xlsx"), summary, concepts, events, folder / "crosswalk.xlsx"


def rows_of(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_sheets_an_analyst_hands_on(workbook) -> None:
    book, summary, concepts, events, _ = workbook
    assert book.sheetnames == SHEETS
    assert summary.concepts == len(concepts) and summary.regions == 5
    library = rows_of(book["指标库"])
    assert library[0][:6] == ["编号", "概念", "一级指标", "二级指标", "成员", "覆盖地区（共5）"]
    satisfaction = next(row for row in library[1:] if row[1] == "满意度␛[31m[bold]")
    assert satisfaction[4:8] == [5, 5, 9, "≥80% – 100%"]  # members, regions covered, occurrences, spread
    assert [row[0] for row in library[1:]] == [f"C{n:04d}" for n in range(1, len(concepts) + 1)]
    assert len(rows_of(book["决定日志"])) == events + 1 == summary.events + 1


def test_headers_are_frozen_and_every_table_has_a_filter(workbook) -> None:
    book = workbook[0]
    for title in SHEETS[:5]:
        sheet = book[title]
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2"), title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", title


def test_flagged_cells_are_highlighted_with_the_reason_in_a_comment(workbook) -> None:
    book, summary, _, _, _ = workbook
    table = book["对照"]
    header = [cell.value for cell in table[1]]
    assert header[:3] == ["编号", "概念", "可比单位"]
    assert header[3:] == ["广州市", "抚顺市", "湛江市", "金寨县", "韶关市曲江区"]
    rows = {row[1].value: row for row in table.iter_rows(min_row=2)}
    reimbursement = next(row for name, row in rows.items() if "住院" in name)
    fushun = reimbursement[header.index("抚顺市")]
    assert fushun.value == "≤75%"
    assert fushun.fill.fgColor.rgb.endswith("FFD8A8")
    assert fushun.comment is not None and "ceiling" in fushun.comment.text and "≥70%" in fushun.comment.text
    standard = next(row for name, row in rows.items() if name == "财政实际补助标准")
    zhanjiang = standard[header.index("湛江市")]
    assert "国家规定标准" in zhanjiang.value and "≥700元" in zhanjiang.comment.text
    guangzhou = standard[header.index("广州市")]
    assert guangzhou.value == "≥700元 (≥0.07万元)" and guangzhou.comment is None
    flagged = sum(1 for row in table.iter_rows(min_row=2) for cell in row if cell.comment is not None)
    assert flagged == summary.flagged_cells >= 5
    hours = next(row for name, row in rows.items() if name == "系统故障修复响应时间")
    assert hours[2].value == "小时" and hours[header.index("广州市")].value == "≤60分钟 (≤1小时)"


def test_target_text_is_never_a_formula_and_control_characters_show(workbook) -> None:
    book = workbook[0]
    table = book["对照"]
    cells = [cell for row in table.iter_rows(min_row=2) for cell in row if cell.value == "=100"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    names = [row[1] for row in rows_of(book["指标库"])]
    assert "满意度␛[31m[bold]" in names and not any("\x1b" in str(name) for name in names)
    unmatched = [cell for row in book["未匹配"].iter_rows(min_row=2) for cell in row
                 if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert unmatched and all(cell.data_type == "s" for cell in unmatched)


def test_coverage_most_covered_first_with_the_regions_targets(workbook) -> None:
    book = workbook[0]
    coverage = rows_of(book["覆盖"])
    header = coverage[0]
    counts = [row[header.index("覆盖地区数（共5）")] for row in coverage[1:]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 5
    satisfaction = next(row for row in coverage[1:] if row[1] == "满意度␛[31m[bold]")
    measured = satisfaction[header.index("覆盖地区与目标")]
    assert "湛江市 ≥85% / ≥95%" in measured and "广州市 100%" in measured
    assert satisfaction[header.index("未覆盖地区")] is None
    reimbursement = next(row for row in coverage[1:] if "住院" in row[1])
    assert reimbursement[header.index("覆盖地区数（共5）")] == 2
    assert reimbursement[header.index("未覆盖地区")] == "湛江市、金寨县、韶关市曲江区"


def test_unmatched_marks_the_regions_own_indicators(workbook) -> None:
    book = workbook[0]
    unmatched = rows_of(book["未匹配"])
    header = unmatched[0]
    own = {(row[0], row[1]): row[header.index("对应")] for row in unmatched[1:]}
    assert own[("湛江市", "参保人数（人）")] == "个性"
    assert own[("广州市", "工作满意度")] == "1 close match"  # a close match is a counterpart
    assert ("广州市", "服务对象满意度") not in own


def test_a_bar_chart_per_concept_with_comparable_numbers(workbook) -> None:
    book, summary, _, _, path = workbook
    charts = book["图表"]._charts
    assert len(charts) == summary.charts == summary.chartable == 4  # 满意度, 故障响应, 参保率, 报销比例
    titles = {chart.title.tx.rich.p[0].r[0].t for chart in charts}
    assert "系统故障修复响应时间" in titles
    values = charts[0].series[0].val.numRef.f
    assert values.startswith("'图表'!$B$")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert sum(1 for name in names if name.startswith("xl/charts/chart")) == 4
    data = rows_of(book["图表"])
    assert any(row[0] == "湛江市 · 系统故障修复响应时间" and row[1] == 2 for row in data)
    assert any(row[0] == "广州市 · 系统故障排除响应及时性" and row[1] == 1 for row in data)


def test_widths_are_measured_in_cells_so_cjk_fits(workbook) -> None:
    book = workbook[0]
    library = book["指标库"]
    longest = max(cell_len(row[1]) for row in rows_of(library)[1:])
    assert library.column_dimensions["B"].width >= longest
    assert library.column_dimensions["B"].width > max(len(row[1]) for row in rows_of(library)[1:]) + 2
    assert library.column_dimensions["A"].width < 10


def test_refused_paths_leave_everything_as_it_was(seeded: Path, tmp_path: Path) -> None:
    path, _ = mapped_copy(seeded, tmp_path)
    document = tmp_path / "guangzhou.txt"
    shutil.copy(Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "000_1dc01b27c551b5e1.txt", document)
    renamed = tmp_path / "guangzhou.xlsx"
    shutil.copy(document, renamed)  # a document under a workbook's name
    notes = tmp_path / "notes.xlsx"
    notes.write_text("my notes", encoding="utf-8")
    with Workspace(path) as workspace:
        cases = {path: "is the workspace", Path(f"{path}-wal"): "is the workspace", document: ".xlsx",
                 renamed: "is the imported document 000_1dc01b27c551b5e1.txt", notes: "is not a workbook",
                 tmp_path / "nowhere" / "x.xlsx": "does not exist", tmp_path: "is a folder"}
        before = {file: file.read_bytes() for file in (document, renamed, notes)}
        for target, problem in cases.items():
            with pytest.raises(OutputError, match=problem):
                report.write_report(workspace, target)
        assert workspace.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ri(workspace, "广州市", "服务对象满意度")
    assert {file: file.read_bytes() for file in before} == before
    assert not [file for file in tmp_path.iterdir() if file.name.endswith(".tmp")]
