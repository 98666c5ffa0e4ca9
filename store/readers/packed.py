"""Layout "packed": one tab-separated row per project, all its indicators packed into one cell.

    1、1-产出指标; 11-数量指标; NAME; 实施周期指标值: X; 年度指标值: Y。 2、…

Unit subtotal rows and 合计 are not projects. Separators vary (; ；: ：), OCR garbles the labels
(头飑周期 = 实施周期, 平度 = 年度), cells are cut off mid-indicator, and OCR repeats values ("ghosts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.levels import canonical, from_codes, parent_of
from store.model import Document
from store.readers.common import ReadError, RecordBuilder, Warnings, finish, raw_cells
from store.text import parse_amount, squash, title_year, year_from_names

NAME = "packed"

_SEP = "；;：:。"
_START = re.compile(
    r"(?:(?<!\d)\d{1,2}、)?"
    r"(?:(?<![\d.-])([1-5])-([^;；:：。、\d]{1,10}?)[;；:：,，])?"
    r"(?<![\d.\-])([1-5]\d)-([^;；:：。\d]{1,12}?)[;；:：]"
)
_DETECT = re.compile(r"\d、\s*\d\s*-\s*[\u4e00-\u9fff]{2,6}\s*[;；:：]\s*\d{2}\s*-")
_TOKEN = re.compile(rf"[^{_SEP}]+")
_PERIOD_LABEL = re.compile(r"[\u4e00-\u9fff]{0,3}周期指?标?[值估]?")
_DEPARTMENT = re.compile(r"部门名称\s*[:：]\s*(\S.*)")
_TOTAL_NAMES = ("合计", "总计", "小计")
_ORG_SUFFIX = re.compile(r"(局|中心|院|所|站|办公室|委员会|委|处|队|馆|校|厅|部|社|公司|办|会|室|团)$")


def detect(text: str) -> bool:
    return bool(_DETECT.search(text)) and ("周期指标值" in text or "年度指标值" in text) and "\t" in text


def _is_period_label(token: str, last: bool = False) -> bool:
    """"实施周期指标值" and its OCR damage; at the very end of a cut cell also a cut prefix ("实施")."""
    if len(token) <= 8 and _PERIOD_LABEL.fullmatch(token):
        return True
    return last and len(token) >= 2 and "实施周期指标值".startswith(token)


def _is_annual_label(token: str) -> bool:
    return (
        len(token) <= 6
        and token[:1] in "年平任在"
        and ("指" in token or "标" in token or token == "年度")
    )


@dataclass
class _Item:
    level1: str | None
    level2: str | None
    level1_raw: str | None
    level2_raw: str | None
    name: str
    period: str | None
    annual: str | None
    raw: str
    notes: list[str]


def _value(text: str) -> str | None:
    """Trim separators and a stray OCR digit ("…完成。 4") from a value span."""
    if "。" not in text:
        return text.strip(_SEP + ",，") or None
    parts = [part for part in re.split(r"。", text) if part.strip(_SEP + ",，")]
    while len(parts) > 1 and re.fullmatch(r"\d{1,2}", parts[-1].strip(_SEP)):
        parts.pop()
    value = "。".join(parts).strip(_SEP + ",，")
    return value or None


def _implausible(value: str, name: str) -> bool:
    """OCR misreads of a number: a leading zero ("≥05%") or a 率 above 200% ("205%")."""
    if "0" not in value:
        return False
    if re.search(r"(?<![\d.])0\d", value):
        return True
    match = re.fullmatch(r"[≥≤<>=]?(\d+(?:\.\d+)?)%", value)
    return bool(match and name.endswith("率") and float(match.group(1)) > 200)


def parse_cell(cell: str) -> tuple[list[_Item], list[str]]:
    """Indicators of one packed cell, and notes about what could not be read."""
    text = squash(cell)
    notes: list[str] = []
    starts = []
    for match in _START.finditer(text):
        level2_label = canonical(match.group(4))
        if match.group(3) not in ("11", "12", "13", "14", "21", "22", "23", "24", "31", "32", "41", "42",
                                  "43") and level2_label is None:
            continue
        starts.append(match)
    if not starts:
        if text and re.search(r"[\u4e00-\u9fff]", text):
            notes.append("indicator cell unreadable, no indicator recovered")
        return [], notes
    head = text[: starts[0].start()]
    if "指标" in head or "标值" in head:
        notes.append(f"indicator cell starts with an orphan fragment {head[:30]!r}, not recorded")
    items: list[_Item] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[match.end(): end]
        level1_raw, level2_raw = match.group(2), match.group(4)
        code_level1, code_level2 = from_codes(match.group(1), match.group(3))
        label1 = canonical(level1_raw)
        label2 = canonical(level2_raw)
        level2 = label2.text if label2 else code_level2
        level1 = label1.text if label1 else code_level1
        if level2 is not None:
            level1 = parent_of(level2, level1)
        tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(body)]
        labels = []
        for position, (start, stop, token) in enumerate(tokens):
            bare = token.lstrip("0123456789")
            if _is_period_label(bare, last=position == len(tokens) - 1 and position > 0):
                labels.append(("period", start, stop))
            elif _is_annual_label(bare):
                labels.append(("annual", start, stop))
        name_end = labels[0][1] if labels else len(body)
        name = body[:name_end].strip(_SEP)
        if not name:
            notes.append(f"indicator {match.group(0)!r} has no name, not recorded")
            continue
        values: dict[str, str | None] = {}
        for j, (kind, _start, stop) in enumerate(labels):
            following = labels[j + 1][1] if j + 1 < len(labels) else len(body)
            span = body[stop:following]
            if kind in values:
                notes.append(f"{name}: repeated {'实施周期' if kind == 'period' else '年度'}指标值 ignored")
                continue
            values[kind] = _value(span)
        if not labels:
            notes.append(f"{name}: cell cut off before its values")
        elif "annual" not in values:
            notes.append(f"{name}: no 年度指标值 (cell cut off)")
        item_notes: list[str] = []
        for kind in ("period", "annual"):
            value = values.get(kind)
            if value is not None and _implausible(value, name):
                item_notes.append(f"{name}: value {value!r} is unreadable, recorded as null")
                values[kind] = None
        notes.extend(item_notes)
        items.append(_Item(level1, level2, level1_raw, level2_raw, name, values.get("period"),
                           values.get("annual"), text[match.start(): end], item_notes))
    return items, notes


def _is_total(name: str) -> bool:
    return any(name.startswith(word) for word in _TOTAL_NAMES)


def read(text: str, source: str) -> Document:
    lines = text.split("\n")
    warnings = Warnings()
    department: str | None = None
    for line in lines[:40]:
        match = _DEPARTMENT.search(line)
        if match:
            department = squash(match.group(1).split("\t")[0])
            break
    column_goal, column_indicators = 5, 6
    current_unit: str | None = None
    builders: list[RecordBuilder] = []
    seen_header = False
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            continue
        cells = raw_cells(line)
        first = squash(cells[0]) if cells else ""
        if first.startswith("项目名称"):
            seen_header = True
            for index, cell in enumerate(cells):
                if squash(cell) == "绩效目标":
                    column_goal = index
                elif squash(cell) == "绩效指标":
                    column_indicators = index
            continue
        if not seen_header or not first:
            continue
        amount = parse_amount(cells[1]) if len(cells) > 1 else None
        if _is_total(first):
            continue
        goal = cells[column_goal] if len(cells) > column_goal else ""
        indicator_cell = cells[column_indicators] if len(cells) > column_indicators else ""
        if len(cells) > column_indicators + 1:
            indicator_cell = " ".join(c for c in cells[column_indicators:] if c)
        if not goal and not indicator_cell:
            if _ORG_SUFFIX.search(first) and amount is not None:
                current_unit = first
                continue
            warnings.add(number, f"row {first!r} has neither goal nor indicators")
        builder = RecordBuilder(kind="project", name=first, line=number,
                                unit=current_unit or department, amount_wan=amount,
                                goal=squash(goal) or None)
        if amount is None:
            warnings.add(number, f"{first}: amount {cells[1] if len(cells) > 1 else ''!r} not readable")
        items, notes = parse_cell(indicator_cell)
        for note in notes:
            warnings.add(number, f"{first}: {note}" if not note.startswith(first) else note)
        for item in items:
            builder.tracker.level1_raw = item.level1_raw
            builder.tracker.level2_raw = item.level2_raw
            builder.add(item.name, item.period, item.annual, line=number, raw=item.raw, squash_all=True,
                        level1=item.level1, level2=item.level2)
        builders.append(builder)
    if not builders:
        raise ReadError("no project rows found in a packed-indicator table")
    year = title_year(lines[:15]) or year_from_names([b.name for b in builders])
    return finish(NAME, source, department, year, [b.build() for b in builders], warnings)
