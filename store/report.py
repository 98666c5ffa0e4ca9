"""The crosswalk as a workbook an analyst can hand on (openpyxl, streamed in write-only mode).

Sheets: 指标库 (the concepts), 对照 (concept × region targets, flagged cells highlighted with the reason in a
comment), 覆盖 (most-covered first: the regions that measure a concept with their targets, and those that
do not), 未匹配 (regional indicators in no concept, the 个性 candidates marked), 决定日志 (the decisions),
and 图表 (a native bar chart per concept whose targets are numeric and comparable). Header rows frozen,
auto-filters on, column widths measured in terminal cells so that CJK text fits.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from rich.cells import cell_len

from store import compare
from store.files import OutputKind, atomic_write, check_output
from store.workspace import Workspace

MAX_CHARTS = 300  # beyond this a workbook gets slow to open; the most-covered concepts are charted
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_CELL_LIMIT = 32000  # Excel holds 32,767 characters in a cell
_WIDTH_LIMIT = 48
_WORKBOOK_XML_LIMIT = 1 << 20  # the list of sheets of any real workbook is far smaller
_MISSING_LISTED = 40  # up to this many regions, 覆盖 names the regions that do not measure a concept
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_FLAG_FILL = PatternFill("solid", fgColor="FFD8A8")
_WRAP = Alignment(vertical="top")


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """What the workbook holds."""

    path: Path
    concepts: int
    regions: int
    flagged_cells: int
    charts: int
    chartable: int  # concepts whose targets are numeric and comparable (charted up to MAX_CHARTS)
    unmatched: int
    own: int
    events: int


def is_earlier_report(data: bytes) -> bool:
    """Whether a file is a workbook this command wrote (its first sheets 指标库 and 对照): replaced without
    --force, where another workbook (a records table, an analyst's own) is not. Only the workbook's list of
    sheets is read: loading the workbook would read every cell's text."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if archive.getinfo("xl/workbook.xml").file_size > _WORKBOOK_XML_LIMIT:
                return False
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError, ValueError):
        return False
    sheets = [element.get("name") for element in root.iter() if element.tag.rpartition("}")[2] == "sheet"]
    return sheets[:2] == ["指标库", "对照"]


WORKBOOK = OutputKind("a workbook from zhibiao report", is_earlier_report, suffix=".xlsx")  # Excel opens no other


def cell_text(value: str) -> str:
    """Document text as a cell holds it: control characters visible (ESC -> ␛), cut to what a cell holds."""
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: "␡" if m.group(0) == "\x7f" else chr(0x2400 + ord(m.group(0))), value)
    return value[:_CELL_LIMIT]


class _Sheet:
    """One streamed sheet: rows kept until the widths are known, then written with a frozen header and a
    filter over the table."""

    def __init__(self, workbook: Workbook, title: str, header: Sequence[str], *, freeze: str = "A2",
                 widths: dict[int, int] | None = None) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.header = list(header)
        self.rows: list[list[Any]] = []
        self.freeze = freeze
        self.fixed_widths = widths or {}

    def add(self, row: list[Any]) -> None:
        while row and row[-1] is None:
            row.pop()  # a matrix row ends where its last region is: the rest costs time, not cells
        self.rows.append(row)

    def write(self) -> None:
        sheet = self.sheet
        columns = max([len(self.header), *(len(row) for row in self.rows)])
        widths = [cell_len(str(name)) + 2 for name in self.header] + [4] * (columns - len(self.header))
        limits = [self.fixed_widths.get(index, _WIDTH_LIMIT) for index in range(1, columns + 1)]
        for row in self.rows:
            for index, value in enumerate(row):
                if value is None or widths[index] >= limits[index]:
                    continue
                text = value.value if isinstance(value, Cell) else value
                if isinstance(text, str):
                    if 2 * len(text) + 2 <= widths[index]:
                        continue  # a character is at most two cells wide: this one fits already
                    width = cell_len(text)
                else:
                    width = len(str(text))
                if width + 2 > widths[index]:
                    widths[index] = width + 2
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(limits[index - 1], width)
        sheet.freeze_panes = self.freeze
        header = []
        for name in self.header:
            cell = WriteOnlyCell(sheet, value=cell_text(name))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            header.append(cell)
        sheet.append(header)
        for row in self.rows:
            sheet.append(row)
        last = len(self.rows) + 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{last}"
        self.rows = []


def _text(sheet: WriteOnlyWorksheet, value: str | None) -> str | Cell | None:
    """Untrusted text as a string cell: never a formula ("=100" is a target, not a sum) or an error code."""
    if value is None or value == "":
        return None
    value = cell_text(value)
    if value.startswith("=") or value in _ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _flagged_cell(sheet: WriteOnlyWorksheet, value: str, flags: Iterable[tuple[str, compare.Flag]]) -> Cell:
    """A target cell highlighted, its comment saying which member and why."""
    cell = WriteOnlyCell(sheet, value=cell_text(value))
    cell.data_type = "s"
    cell.fill = _FLAG_FILL
    lines = [f"{member}: {flag.explanation}" for member, flag in flags]
    text = cell_text("\n".join(dict.fromkeys(lines)))
    cell.comment = Comment(text, "zhibiao", height=min(400, 40 + 22 * len(lines) + len(text) // 2), width=360)
    return cell


def _code(number: int) -> str:
    return f"C{number:04d}"


def _target_text(item: compare.Comparison, row: compare.TargetRow) -> str:
    """The region's target as written, with the comparable value beside it when the unit changed."""
    raw = row.value or "—"
    aligned = item.aligned_text(row)
    return raw if aligned is None or aligned == "".join(raw.split()) else f"{raw} ({aligned})"


def write_report(workspace: Workspace, path: Path, *, force: bool = False,
                 progress: Callable[[str], None] | None = None) -> ReportSummary:
    """Write the workbook atomically at ``path``; OutputError says why it cannot be written there (another
    file than a workbook is replaced only with ``force``)."""
    path = Path(path)
    check_output(path, WORKBOOK, protected=workspace.protected(), force=force)
    say = progress or (lambda step: None)
    say("reading the concepts")
    items = compare.comparisons(workspace, provenance=False)
    regions = compare.regions(workspace)
    numbers = {item.concept_id: number for number, item in enumerate(items, start=1)}
    workbook = Workbook(write_only=True)

    say("指标库")
    library = _Sheet(workbook, "指标库", ["编号", "概念", "一级指标", "二级指标", "成员",
                                        f"覆盖地区（共{len(regions)}）", "出现次数", "目标范围", "标记"], freeze="C2")
    for item in items:
        sheet = library.sheet
        row = compare.concept_row(item)
        library.add([
            _code(numbers[item.concept_id]), _text(sheet, item.name), _text(sheet, item.level1),
            _text(sheet, item.level2), row.members, len(row.regions), row.occurrences,
            _text(sheet, row.spread), _text(sheet, "；".join(flag.explanation for flag in item.flags)),
        ])
    library.write()

    say("对照")
    column_of = {region: index for index, region in enumerate(regions)}
    table = _Sheet(workbook, "对照", ["编号", "概念", "可比单位", *regions], freeze="D2",
                   widths={3 + index: 36 for index in range(1, len(regions) + 1)})
    flagged_cells = 0
    for item in items:
        sheet = table.sheet
        cells: list[Any] = [None] * len(regions)
        by_region: dict[str, list[compare.TargetRow]] = {}
        for target_row in item.rows:
            by_region.setdefault(target_row.region, []).append(target_row)
        for region, rows in by_region.items():
            text = " / ".join(dict.fromkeys(_target_text(item, target_row) for target_row in rows))
            flags = [(target_row.name, flag) for target_row in rows for flag in target_row.flags]
            if flags:
                cells[column_of[region]] = _flagged_cell(sheet, text, flags)
                flagged_cells += 1
            else:
                cells[column_of[region]] = _text(sheet, text)
        table.add([_code(numbers[item.concept_id]), _text(sheet, item.name), item.unit or None, *cells])
    table.write()

    say("覆盖")
    coverage = compare.coverage(workspace, items)
    list_missing = len(regions) <= _MISSING_LISTED
    header = ["编号", "概念", f"覆盖地区数（共{len(regions)}）", "覆盖地区与目标"]
    covered = _Sheet(workbook, "覆盖", header + (["未覆盖地区"] if list_missing else []), freeze="C2",
                     widths={4: 80, 5: 60})
    for coverage_row in coverage.rows:
        sheet = covered.sheet
        measured = "；".join(f"{region} {targets}" for region, targets in coverage_row.targets.items())
        not_measured = "、".join(region for region in regions if region not in coverage_row.targets) \
            if list_missing else None
        covered.add([_code(numbers[coverage_row.concept_id]), _text(sheet, coverage_row.name), coverage_row.covered,
                     _text(sheet, measured), _text(sheet, not_measured) if not_measured else None])
    covered.write()

    say("未匹配")
    left = compare.unmatched(workspace)
    unmatched = _Sheet(workbook, "未匹配", ["地区", "指标", "出现次数", "目标值", "对应"], freeze="C2")
    for item in left:
        sheet = unmatched.sheet
        if not item.own:
            status = f"{item.close_matches} close match{'es' if item.close_matches > 1 else ''}"
        elif item.open_candidates:
            status = f"个性? {item.open_candidates} candidates not reviewed yet"
        else:
            status = "个性"
        unmatched.add([_text(sheet, item.region), _text(sheet, item.name), item.occurrences,
                       _text(sheet, item.targets), status])
    unmatched.write()

    say("决定日志")
    log = _Sheet(workbook, "决定日志", ["编号", "时间", "审核人", "类型", "摘要"], widths={5: 80})
    events = 0
    for event_id, at, reviewer, kind, summary in workspace.connection.execute(
            "SELECT id, at, reviewer, kind, summary FROM events ORDER BY id"):
        sheet = log.sheet
        log.add([event_id, at, _text(sheet, reviewer), kind, _text(sheet, summary)])
        events += 1
    log.write()

    say("图表")
    chartable = [item for item in items if item.chartable]
    charted = sorted(chartable, key=lambda item: (-len(item.regions), item.concept_id))[:MAX_CHARTS]
    charts = _charts(workbook, charted, numbers, len(chartable))

    say("writing the file")
    atomic_write(path, workbook.save)
    return ReportSummary(path, len(items), len(regions), flagged_cells, charts, len(chartable), len(left),
                         sum(1 for item in left if item.own), events)


def _charts(workbook: Workbook, items: list[compare.Comparison], numbers: dict[int, int], chartable: int) -> int:
    """The 图表 sheet: per concept a block of (region · member, aligned target) and a bar chart beside it."""
    sheet = workbook.create_sheet("图表")
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 14
    note = (f"bar charts of the {len(items)} concepts whose targets are numeric and comparable"
            if len(items) == chartable else
            f"bar charts of the {len(items)} most-covered of the {chartable} concepts whose targets are numeric"
            " and comparable")
    sheet.append([note])
    row_number = 2
    block_height = 16
    for item in items:
        rows = [(f"{row.region} · {row.name}", item.aligned(row)) for row in item.rows if row.value]
        start = row_number
        title = f"{_code(numbers[item.concept_id])} {item.name}（{item.unit or '无单位'}）"
        header = WriteOnlyCell(sheet, value=cell_text(title))
        header.font = _HEADER_FONT
        sheet.append([header, item.unit or None])
        for label, value in rows:
            sheet.append([_text(sheet, label), value])
        used = 1 + len(rows)
        for _ in range(max(0, block_height - used)):
            sheet.append([])
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = cell_text(item.name)[:250]
        chart.y_axis.title = item.unit or None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.legend = None
        chart.height = 7.5
        chart.width = 16
        chart.add_data(Reference(sheet, min_col=2, min_row=start + 1, max_row=start + len(rows)))
        chart.set_categories(Reference(sheet, min_col=1, min_row=start + 1, max_row=start + len(rows)))
        sheet.add_chart(chart, f"D{start}")
        row_number = start + max(used, block_height)
    return len(items)
