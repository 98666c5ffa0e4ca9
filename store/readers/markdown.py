"""Layout "markdown": pipe tables converted from a spreadsheet, one project per 项目编码 row (also the
spreadsheet itself, its rows read as tab-separated cells).

Amounts are often in 元. The conversion loses empty cells, so continuation rows are shifted left (a
project's last row can start at column 0), and a project's indicators can be flattened into one very
wide row; both are read by content.
"""

from __future__ import annotations

import re

from store.model import Document
from store.readers.common import (
    Cell,
    ReadError,
    RecordBuilder,
    Warnings,
    finish,
    most_common,
    value_kinds,
)
from store.text import (
    canonical_spellings,
    clean_cell,
    parse_amount,
    squash,
    strip_org_code,
    title_year,
)

NAME = "markdown"

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
_CODE = re.compile(r"^\d{8,}$")


def _cells(line: str) -> list[Cell]:
    body = line.strip()
    if not body.startswith("|"):
        return [Cell(i, text) for i, part in enumerate(line.split("\t")) if (text := clean_cell(part))]
    body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [Cell(i, text) for i, part in enumerate(body.split("|")) if (text := clean_cell(part))]


def _is_row(line: str) -> bool:
    stripped = line.strip()
    return (stripped.startswith("|") and not _SEPARATOR.match(stripped)) or "\t" in line


def detect(text: str) -> bool:
    pipe_rows = [line for line in text.split("\n") if line.lstrip().startswith("|")]
    if len(pipe_rows) >= 3 and any("三级指标" in row for row in pipe_rows) and any(
        _SEPARATOR.match(row.strip()) for row in pipe_rows
    ):
        return True
    # a spreadsheet of such rows: a 项目编码 header cell, a 三级指标 header cell, a row with a project code
    if "项目编码" not in text or "三级指标" not in text:
        return False
    tab_rows = [[squash(cell) for cell in line.split("\t")] for line in text.split("\n") if "\t" in line]
    return (any("项目编码" in cells for cells in tab_rows) and any("三级指标" in cells for cells in tab_rows)
            and any(_CODE.match(cells[0]) for cells in tab_rows if cells))


def _column(header: list[Cell], *words: str) -> int | None:
    for cell in header:
        text = squash(cell.text)
        if any(word in text for word in words):
            return cell.column
    return None


def read(text: str, source: str) -> Document:
    lines = text.split("\n")
    warnings = Warnings()
    columns: dict[str, int | None] = {}
    amount_in_yuan: bool | None = None
    first_indicator_column = 0
    kinds: list[str] = ["period", "annual"]
    offsets: list[int] = [1, 2]
    builders: list[RecordBuilder] = []
    units: list[str] = []
    departments: list[str] = []
    builder: RecordBuilder | None = None
    for number, line in enumerate(lines, start=1):
        if not _is_row(line):
            continue
        cells = _cells(line)
        if not cells:
            continue
        header_like = "项目编码" in line or "申报单位" in line or "三级指标" in line
        texts = [squash(c.text) for c in cells] if header_like else []
        if "项目编码" in texts or "申报单位" in texts:
            columns = {
                "code": _column(cells, "项目编码"),
                "unit": _column(cells, "申报单位", "实施单位", "用款单位"),
                "department": _column(cells, "主管部门"),
                "name": _column(cells, "项目名称"),
                "amount": _column(cells, "金额"),
                "goal": _column(cells, "绩效目标", "年度绩效"),
            }
            amount_header = next((c.text for c in cells if "金额" in c.text), "")
            if "万元" in amount_header:
                amount_in_yuan = False
            elif "元" in amount_header:
                amount_in_yuan = True
            continue
        if "三级指标" in texts:
            name_column = next(c.column for c in cells if squash(c.text) == "三级指标")
            level1_columns = [c.column for c in cells if squash(c.text) == "一级指标"]
            first_indicator_column = min(level1_columns) if level1_columns else max(0, name_column - 2)
            kinds, offsets = value_kinds(cells, name_column)
            continue
        by_column = {c.column: c.text for c in cells}
        code_column = columns.get("code") if columns.get("code") is not None else 0
        code = by_column.get(code_column or 0, "")
        if _CODE.match(squash(code)):
            name_column_ = columns.get("name")
            unit_column = columns.get("unit")
            department_column = columns.get("department")
            builder = RecordBuilder(
                kind="project",
                name=squash(by_column.get(name_column_, "")) if name_column_ is not None else "",
                line=number,
                code=squash(code),
                unit=strip_org_code(by_column.get(unit_column, "")) if unit_column is not None else None,
                amount_wan=parse_amount(by_column.get(columns.get("amount") or -1)),
            )
            goal_column = columns.get("goal")
            if goal_column is not None:
                builder.goal = by_column.get(goal_column)
            if department_column is not None and by_column.get(department_column):
                departments.append(strip_org_code(by_column[department_column]))
            if builder.unit:
                units.append(builder.unit)
            builders.append(builder)
            row_cells = [c for c in cells if c.column >= first_indicator_column] if first_indicator_column else []
        elif builder is not None:
            row_cells = cells
        else:
            continue
        builder.add_row(row_cells, kinds, offsets, line=number, raw=line)
    if not builders:
        raise ReadError("no project rows with a 项目编码 found in the pipe table")
    spellings = canonical_spellings(units + departments)
    if amount_in_yuan is None:
        amount_in_yuan = _looks_like_yuan(builders)
    records = []
    for item in builders:
        item.unit = spellings.get(item.unit or "", item.unit)
        if amount_in_yuan and item.amount_wan is not None:
            item.amount_wan = round(item.amount_wan / 10000, 6)
        if item.amount_wan is None:
            warnings.add(item.line, f"{item.name}: amount not readable")
        records.append(item.build())
    department = most_common([spellings.get(d, d) for d in departments] or [spellings.get(u, u) for u in units])
    return finish(NAME, source, department, title_year(lines), records, warnings)


def _looks_like_yuan(builders: list[RecordBuilder]) -> bool:
    """Whether unlabelled amounts are in 元: they are ~10000× the project's own cost indicator in 万元,
    or too large to be 万元 for one project."""
    for builder in builders:
        if builder.amount_wan is None:
            continue
        for indicator in builder.indicators:
            target = indicator.annual_target or indicator.period_target
            if target and target.kind == "money" and target.number and "成本" in indicator.name:
                ratio = builder.amount_wan / (target.number / 10000)
                if 3000 <= ratio <= 30000:
                    return True
                if 0.3 <= ratio <= 3:
                    return False
    return max((b.amount_wan or 0) for b in builders) >= 1_000_000
