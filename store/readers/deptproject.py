"""Layout "department+projects": a 部门整体预算绩效目标表 ("指标N: name" rows, one 指标值 column) and
per-project tables with 实施周期指标值 / 当年度指标值.

HTML ``<p>`` in cells, rows that start a column early and page-break continuation rows (which repeat
绩效指标 / 一级指标 cells) are read by content.
"""

from __future__ import annotations

from store.model import Document
from store.readers.common import (
    Cell,
    ReadError,
    RecordBuilder,
    Warnings,
    cells_of,
    columns_outside,
    finish,
    most_common,
    value_kinds,
)
from store.text import parse_amount, squash, strip_org_code, title_year

NAME = "department+projects"

_UNIT_LABELS = ("用款单位", "实施单位", "资金使用单位", "申报单位", "项目单位")
_TABLE_WORDS = ("绩效指标", "年度绩效指标")


def _header(cells: list[Cell]) -> bool:
    """This layout's indicator header: levels, 三级指标, then target value columns only (a table with
    operator, unit or self-evaluation columns is read by the general reader)."""
    texts = [squash(c.text) for c in cells]
    return "三级指标" in texts and "一级指标" in texts and texts.count("三级指标") == 1 and not any(
        "运算符" in t for t in texts
    ) and not columns_outside(texts[texts.index("一级指标"):], ("annual", "period"))


def detect(text: str) -> bool:
    """A department-wide table (部门名称) with tab rows under a 三级指标 header of target columns only;
    project tables without it are the template family's plain form, read by the general reader."""
    return "部门名称" in text and any(
        "\t" in line and "三级指标" in line and _header(cells_of(line)) for line in text.split("\n")
    )


def _after(cells: list[Cell], label: str) -> Cell | None:
    for index, cell in enumerate(cells):
        if squash(cell.text).startswith(label) and index + 1 < len(cells):
            return cells[index + 1]
    return None


def _amount_after(cells: list[Cell], label: str) -> float | None:
    for index, cell in enumerate(cells):
        text = squash(cell.text)
        if text.startswith(label):
            for following in cells[index + 1:]:
                amount = parse_amount(following.text)
                if amount is not None:
                    in_yuan = "(元)" in text.replace("（", "(").replace("）", ")")
                    return amount / 10000 if in_yuan else amount
    return None


def read(text: str, source: str) -> Document:
    lines = text.split("\n")
    warnings = Warnings()
    builders: list[RecordBuilder] = []
    builder: RecordBuilder | None = None
    departments: list[str] = []
    kinds: list[str] = ["annual"]
    offsets: list[int] = [1]
    in_table = False
    goal_next = False
    department_parts: dict[str, float] = {}
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            if line.strip() and in_table and builder is not None and not line.strip().startswith("<"):
                in_table = False
            continue
        cells = cells_of(line)
        if not cells:
            continue
        first = squash(cells[0].text)
        if first == "部门名称" or first.startswith("部门名称"):
            name_cell = _after(cells, "部门名称")
            name = strip_org_code(name_cell.text) if name_cell else ""
            builder = RecordBuilder(kind="department", name=name, line=number)
            builders.append(builder)
            departments.append(name)
            in_table = goal_next = False
            department_parts = {}
            continue
        if first.startswith("项目名称"):
            name_cell = _after(cells, "项目名称")
            builder = RecordBuilder(kind="project", name=squash(name_cell.text) if name_cell else "", line=number)
            builders.append(builder)
            in_table = goal_next = False
            continue
        if builder is None:
            continue
        if "三级指标" in line and _header(cells):
            name_column = next(c.column for c in cells if squash(c.text) == "三级指标")
            kinds, offsets = value_kinds(cells, name_column)
            in_table = True
            continue
        if in_table:
            builder.add_row([c for c in cells if squash(c.text) not in _TABLE_WORDS], kinds, offsets,
                            line=number, raw=line)
            continue
        if goal_next:
            builder.goal = cells[-1].text
            goal_next = False
        if first.startswith("主管部门"):
            department = _after(cells, "主管部门")
            if department:
                departments.append(strip_org_code(department.text))
            for label in _UNIT_LABELS:
                unit = _after(cells, label)
                if unit:
                    builder.unit = strip_org_code(unit.text)
                    break
        elif first.startswith("预算金额") or first.startswith("项目金额") or first.startswith("资金"):
            builder.amount_wan = _amount_after(cells, "当年度金额")
            if builder.amount_wan is None:
                builder.amount_wan = _amount_after(cells, "总金额")
        elif first.startswith("总体绩效目标") or first.startswith("总体目标"):
            long_cells = [c.text for c in cells[1:] if len(c.text) > 12]
            if long_cells:
                builder.goal = long_cells[0]
            else:
                goal_next = True
        elif builder.kind == "department":
            for label in ("基本支出", "项目支出"):
                amount = _amount_after(cells, label)
                if amount is not None:
                    department_parts[label] = amount
            if department_parts:
                builder.amount_wan = round(sum(department_parts.values()), 2)
    if not builders:
        raise ReadError("no 部门名称 or 项目名称 table found")
    for item in builders:
        if not item.indicators:
            warnings.add(item.line, f"{item.name}: no indicators found in its table")
    return finish(NAME, source, most_common(departments), title_year(lines), [b.build() for b in builders],
                  warnings)
