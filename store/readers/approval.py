"""Layout "approval book": a budget approval book whose tables 1–9 are budget figures (no indicators),
then 整体绩效目标 (表16) and one 项目绩效目标 (表17) per project with split target columns:

    一级指标 | 二级指标 | 三级指标 | 运算符号 | 指标值 | 度量单位 | 完成时限

Operator / value / unit are joined ("≥85%"). Rows shift left or right by a column; the 完成时限 cell
anchors where the value columns of a row really are.
"""

from __future__ import annotations

import re

from store.levels import canonical
from store.model import Document
from store.readers.common import (
    Cell,
    ReadError,
    RecordBuilder,
    Warnings,
    columns_outside,
    finish,
    most_common,
    raw_cells,
    relevel_orphans,
    split_labels,
)
from store.readers.vocabulary import is_nature, is_stop
from store.text import parse_amount, squash, strip_org_code, title_year

NAME = "approval-book"

_DEADLINE = re.compile(r"^(?:19|20)\d{2}(?:[-./年]\d{1,2}月?(?:[-./]\d{1,2}日?)?|年底|年末|年)$")
_OPERATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "≥": "≥", "≤": "≤", "＝": "=",
              "＞": ">", "＜": "<", "=>": "≥", "=<": "≤"}
_DEPARTMENT_START = ("部门（单位）名称", "部门(单位)名称", "部门名称")
_PROJECT_START = ("项目(政策)名称", "项目（政策）名称", "项目名称")
_TABLE_WORDS = ("绩效指标", "年度绩效指标")


def _is_header(texts: list[str]) -> bool:
    """This layout's indicator header: operator and deadline columns beside the value, no self-evaluation
    columns (a table with those is read by the general reader)."""
    return ("三级指标" in texts and any(t.startswith("运算符") for t in texts) and any("时限" in t for t in texts)
            and not columns_outside(texts, ("operator", "annual", "period", "unit", "other")))


def detect(text: str) -> bool:
    for line in text.split("\n"):
        if "运算符" in line and "三级指标" in line and _is_header([squash(c) for c in raw_cells(line)]):
            return True
    return False


def _join(operator: str, value: str, unit: str) -> str | None:
    operator = "" if is_nature(operator) else _OPERATORS.get(squash(operator), squash(operator))
    value = value.strip()
    unit = unit.strip()
    if not value and not operator and not unit:
        return None
    if value and value[:1] in "≥≤<>=＞＜＝":
        operator = ""
    if unit and value.endswith(unit):
        unit = ""
    return f"{operator}{value}{unit}" or None


class _Columns:
    """Where the header puts each column of the indicator table."""

    def __init__(self, texts: list[str]) -> None:
        def find(*words: str, default: int) -> int:
            for index, text in enumerate(texts):
                if any(text.startswith(word) for word in words):
                    return index
            return default

        self.level2 = find("二级指标", default=2)
        self.name = find("三级指标", default=3)
        self.operator = find("运算符", default=self.name + 1)
        self.value = find("指标值", default=self.operator + 1)
        self.unit = find("度量单位", "计量单位", "单位", default=self.value + 1)
        self.deadline = find("完成时限", "时限", default=-1)


def _row(cells: list[str], columns: _Columns) -> tuple[list[str], str | None, str | None, bool]:
    """(labels, name, value, orphan) of one indicator row, the value columns anchored on its 完成时限
    cell; an orphan row lost its level cells and sits left of the name column."""
    shift = 0
    deadline_at = None
    for index in range(len(cells) - 1, -1, -1):
        if cells[index]:
            if _DEADLINE.match(squash(cells[index])):
                deadline_at = index
            break
    if deadline_at is not None and columns.deadline >= 0:
        shift = deadline_at - columns.deadline
    operator_at = columns.operator + shift

    def cell(index: int) -> str:
        return cells[index] if 0 <= index < len(cells) else ""

    value = _join(cell(operator_at), cell(columns.value + shift), cell(columns.unit + shift))
    front = [Cell(i, text) for i, text in enumerate(cells[: max(operator_at, 0)]) if text]
    front = [c for c in front if squash(c.text) not in _TABLE_WORDS]
    texts = [c.text for c in front]
    labels, index = split_labels(texts)
    rest = front[index:]
    if len(rest) >= 2 and canonical(rest[0].text) is None and rest[0].column == columns.level2 and (
        value is not None or len(rest) >= 3
    ):
        # a department framework's own level-2 label, in the 二级指标 column
        labels = [*labels, rest[0].text]
        rest = rest[1:]
    if not rest and labels and value is not None and front[len(labels) - 1].column >= columns.name + min(shift, 0):
        # a name that is also a level word (可持续性) sitting in the 三级指标 column
        return labels[:-1], front[len(labels) - 1].text, value, False
    if not rest:
        return labels, None, value, False
    name = rest[0].text
    if value is None and len(rest) >= 2:
        # the row lost its leading cells: "name | | value" sits left of the value columns
        value = rest[-1].text
    return labels, name, value, not labels and rest[0].column < columns.level2


def read(text: str, source: str) -> Document:
    lines = text.split("\n")
    warnings = Warnings()
    builders: list[RecordBuilder] = []
    builder: RecordBuilder | None = None
    columns: _Columns | None = None
    departments: list[str] = []
    in_tasks = False
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            if line.strip():
                columns = None
                in_tasks = False
                if line.lstrip().startswith("#"):
                    builder = None
            continue
        cells = raw_cells(line)
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        first = squash(nonempty[0])
        if any(first.startswith(word) for word in _DEPARTMENT_START) and builder is None:
            name = strip_org_code(nonempty[1]) if len(nonempty) > 1 else ""
            builder = RecordBuilder(kind="department", name=name, line=number)
            builders.append(builder)
            continue
        if any(first.startswith(word) for word in _PROJECT_START):
            name = squash(nonempty[1]) if len(nonempty) > 1 else ""
            builder = RecordBuilder(kind="project", name=name, line=number)
            builders.append(builder)
            continue
        if builder is None:
            continue
        if "三级指标" in line and _is_header(texts := [squash(c) for c in cells]):
            columns = _Columns(texts)
            in_tasks = False
            continue
        if columns is not None:
            labels, name, value, orphan = _row(cells, columns)
            builder.tracker.update(labels)
            if name and not is_stop(name):
                indicator = builder.add(name, None, value, line=number, raw=line)
                if orphan and indicator is not None:
                    builder.orphans.append(len(builder.indicators) - 1)
            builder.has_table = True
            continue
        if first.startswith("主管部门"):
            departments.append(strip_org_code(nonempty[1]) if len(nonempty) > 1 else "")
            for index, cell in enumerate(nonempty):
                if squash(cell).startswith("实施单位") and index + 1 < len(nonempty):
                    builder.unit = strip_org_code(nonempty[index + 1])
        elif first.startswith("预算资金") and builder.kind == "project":
            builder.amount_wan = next((a for a in map(parse_amount, nonempty[1:]) if a is not None), None)
        elif first.startswith("年度主要任务"):
            in_tasks = True
        elif first.startswith("总体目标") or first.startswith("年度绩效目标"):
            in_tasks = False
            builder.goal = nonempty[1] if len(nonempty) > 1 else None
        elif in_tasks and builder.kind == "department":
            amounts = [a for a in map(parse_amount, nonempty) if a is not None]
            if amounts:
                builder.amount_wan = round((builder.amount_wan or 0) + amounts[-1], 2)
    relevel_orphans(builders, warnings)
    records = []
    for item in builders:
        if not item.has_table:
            continue
        if not item.name:
            warnings.add(item.line, "table without a name, skipped")
            continue
        if not item.indicators:
            warnings.add(item.line, f"{item.name}: no indicators in its table")
        records.append(item.build())
    if not records:
        raise ReadError("no 整体绩效目标 or 项目绩效目标 table found")
    department = most_common(departments) or next((r.name for r in records if r.kind == "department"), None)
    return finish(NAME, source, department, title_year(lines), records, warnings)
