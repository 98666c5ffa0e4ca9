"""Layout "side-by-side": one 项目支出绩效目标申报表 block per project, with a 中期 (period) half and a
年度 (annual) half of the indicator table next to each other.

    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 | 二级指标 | 三级指标 | 指标值

Merged cells leave level 1/2 blank (carried down), rows are shifted by a column, and the two halves
list indicators in different orders: they are paired by name, in the order of the period half.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from store.levels import canonical
from store.model import Document
from store.readers.common import (
    ReadError,
    RecordBuilder,
    Warnings,
    cells_of,
    finish,
    most_common,
    split_labels,
    value_like,
)
from store.text import parse_amount, squash, strip_org_code, title_year

NAME = "side-by-side"


def _is_indicator_header(texts: list[str]) -> bool:
    compact = [squash(t) for t in texts]
    return "一级指标" in compact and compact.count("三级指标") >= 2


def detect(text: str) -> bool:
    for line in text.split("\n"):
        if "三级指标" in line and "\t" in line and _is_indicator_header(line.split("\t")):
            return True
    return False


@dataclass
class _Left:
    line: int
    labels: list[str]
    name: str
    value: str | None
    raw: str


@dataclass
class _Block:
    line: int
    name: str | None = None
    department: str | None = None
    unit: str | None = None
    amount: float | None = None
    period_amount: float | None = None
    goal: str | None = None
    year_lines: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str], str]] = field(default_factory=list)


def _after(texts: list[str], label: str) -> str | None:
    """The first non-empty cell after the cell that starts with ``label``."""
    for index, text in enumerate(texts):
        if squash(text).startswith(label):
            for following in texts[index + 1:]:
                if following:
                    return following
    return None


def _number_after(texts: list[str], label: str) -> float | None:
    for index, text in enumerate(texts):
        if squash(text).startswith(label):
            for following in texts[index + 1:]:
                amount = parse_amount(following)
                if amount is not None:
                    return amount
    return None


def _split_row(tokens: list[str], split: tuple[list[str], int], left_names: set[str]
               ) -> tuple[list[str], str | None, str | None, str | None, str | None]:
    """(left labels, left name, left value, right name, right value) of one indicator row."""
    labels, index = split
    if index >= len(tokens):
        return labels, None, None, None, None
    name = tokens[index]
    rest = tokens[index + 1:]
    left_values: list[str] = []
    j = 0
    while j < len(rest):
        token = rest[j]
        label = canonical(token)
        following = rest[j + 1] if j + 1 < len(rest) else None
        if label is not None and (label.exact or (following is not None and not value_like(following))):
            break
        if squash(token) in left_names and not (not left_values and len(rest) - j >= 3):
            break
        left_values.append(token)
        j += 1
    right = rest[j:]
    right_labels, k = split_labels(right)
    del right_labels
    right_name = right[k] if k < len(right) else None
    right_value = right[k + 1] if k + 1 < len(right) else None
    return labels, name, (left_values[0] if left_values else None), right_name, right_value


def _finish(block: _Block, warnings: Warnings) -> RecordBuilder:
    builder = RecordBuilder(kind="project", name=block.name or "", line=block.line, unit=block.unit,
                            amount_wan=block.amount if block.amount is not None else block.period_amount,
                            goal=block.goal)
    rows = []
    left_names: set[str] = set()
    for line, texts, raw in block.rows:
        tokens = [t for t in texts if t != "绩效指标"]
        split = split_labels(tokens)
        if split[1] < len(tokens):
            left_names.add(squash(tokens[split[1]]))
        rows.append((line, tokens, raw, split))
    lefts: list[_Left] = []
    annual: dict[str, list[str | None]] = {}
    for line, tokens, raw, split in rows:
        labels, name, value, right_name, right_value = _split_row(tokens, split, left_names)
        if name is None:
            lefts.append(_Left(line, labels, "", None, raw))
            continue
        lefts.append(_Left(line, labels, name, value, raw))
        if right_name is not None:
            annual.setdefault(squash(right_name), []).append(right_value)
    for left in lefts:
        builder.tracker.update(left.labels)
        if not left.name:
            continue
        values = annual.get(squash(left.name))
        if values:
            annual_value = values.pop(0)
        else:
            annual_value = None
            warnings.add(left.line, f"{block.name}: {left.name}: no 年度 (annual) half found")
        builder.add(left.name, left.value, annual_value, line=left.line, raw=left.raw)
    for name, values in annual.items():
        for _ in values:
            warnings.add(block.line, f"{block.name}: annual-half indicator {name!r} has no period half")
    return builder


def read(text: str, source: str) -> Document:
    lines = text.split("\n")
    warnings = Warnings()
    blocks: list[_Block] = []
    block: _Block | None = None
    in_table = False
    expect_goal = False
    pending_titles: list[str] = []
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            if line.strip():
                pending_titles.append(line)
                in_table = False
            continue
        cells = cells_of(line)
        texts = [cell.text for cell in cells]
        if not texts:
            continue
        first = squash(texts[0])
        if first.startswith("项目名称"):
            block = _Block(line=number, name=squash(_after(texts, "项目名称") or "") or None)
            block.year_lines = pending_titles[-6:]
            pending_titles = []
            blocks.append(block)
            in_table = expect_goal = False
            continue
        if block is None:
            continue
        if in_table:
            block.rows.append((number, texts, line))
        elif first.startswith("主管部门"):
            department = _after(texts, "主管部门")
            block.department = strip_org_code(department) if department else None
            unit = _after(texts, "实施单位")
            block.unit = strip_org_code(unit) if unit else block.department
        elif first.startswith("项目资金"):
            block.period_amount = _number_after(texts, "中期资金总额")
            block.amount = _number_after(texts, "年度资金总额")
        elif first.startswith("总体目标"):
            expect_goal = True
        elif expect_goal:
            block.goal = texts[0]
            expect_goal = False
        elif _is_indicator_header(texts):
            in_table = True
    if not blocks:
        raise ReadError("no 项目名称 block found")
    builders = []
    for item in blocks:
        if not item.name:
            warnings.add(item.line, "project block without a 项目名称, skipped")
            continue
        builders.append(_finish(item, warnings))
    years = Counter(y for y in (title_year(b.year_lines) for b in blocks) if y)
    year = years.most_common(1)[0][0] if years else title_year(lines[:20])
    return finish(NAME, source, most_common([b.department for b in blocks]), year, [b.build() for b in builders],
                  warnings)
