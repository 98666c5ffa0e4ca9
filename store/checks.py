"""Checks every document gets, whatever its layout: what the file holds must not vanish silently.

Rows that read like indicators (a level label and a named indicator in a table row) but ended up in no
record, the same indicator row twice in a record, the same record twice in a document, and a document whose
last table stops early are reported as warnings naming their lines.
"""

from __future__ import annotations

import re
from collections import Counter

from store.levels import canonical
from store.model import Document, Indicator, ParseWarning, Record
from store.text import clean_cell, clean_name, nfkc, squash

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标值", "指标名称", "指标内容", "绩效指标", "年度目标")
_NOT_APPLICABLE = ("不适用", "无此项")
_VALUE_START = re.compile(r"^(?:[≥≤<>=＞＜＝≧≦]|>=|<=|\d|[约不大小低高少多]于|不低|不少|不超|达到|至少)")
_VALUE_WORDS = re.compile(r"(提高|提升|缓解|明显|显著|有效|及时|健全|规范|合格|达标|增强|减轻|改善|到位|满意)")
_SHOWN_NAME = 24
# a row that can start a run names a level: the core of some level label (产出, 数量, 满意度 …) is in it
_LABEL_HINT = re.compile("产出|数量|质量|时效|成本|效益|满意|可持续|履职|预算执行|管理效率|社会效应|项目完成|效果")


def _separator(line: str) -> str | None:
    if "\t" in line:
        return "\t"
    if line.lstrip().startswith("|") and line.count("|") >= 3:
        return "|"
    return None


def _value_like(cell: str) -> bool:
    compact = squash(nfkc(cell))
    if not compact:
        return False
    return bool(_VALUE_START.match(compact)) or compact.endswith("%") or (
        len(compact) <= 6 and bool(_VALUE_WORDS.search(compact)))


def _name_cell(cell: str) -> str | None:
    """The cell as an indicator name, or None when it cannot be one (a label, a value, a header, a template)."""
    name = clean_name(cell)
    compact = squash(nfkc(name))
    if len(_CJK.findall(name)) < 2 or canonical(name) is not None or _VALUE_START.match(compact) or (
            compact.endswith("%")):
        return None
    if any(word in name for word in _HEADER_WORDS) or any(word in name for word in _NOT_APPLICABLE):
        return None
    return name


def _row(line: str) -> tuple[bool, str | None, bool, bool] | None:
    """(has a level label, the first name-like cell, has a value-like cell, is a 本指标不适用 placeholder) of a
    table row; None for other lines."""
    separator = _separator(line)
    if separator is None:
        return None
    cells = [cell for part in line.split(separator) if (cell := clean_cell(part))]
    if len(cells) < 2:
        return None
    labelled = any(len(cell) <= 12 and canonical(cell) is not None for cell in cells)
    placeholder = any(word in cell for cell in cells for word in _NOT_APPLICABLE)
    for index, cell in enumerate(cells):
        name = _name_cell(cell)
        if name is not None:  # a value follows its name ("及时" and "有效缓解" read like names on their own)
            return labelled, name, any(_value_like(after) for after in cells[index + 1:]), placeholder
    return labelled, None, False, placeholder


def _attached_lines(document: Document) -> set[int]:
    lines = set()
    for record in document.records:
        lines.add(record.line)
        for indicator in record.indicators:
            lines.add(indicator.line)
    return lines


def unattached_rows(text: str, document: Document) -> list[ParseWarning]:
    """Runs of table rows that read like indicators (the first with a level label, each with a name) but belong
    to no record: a project whose heading or table header is damaged would otherwise vanish without a word."""
    attached = _attached_lines(document)
    warnings: list[ParseWarning] = []
    run: list[tuple[int, str]] = []

    def close_run() -> None:
        if run:
            first, last = run[0][0], run[-1][0]
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            shown = run[0][1] if len(run[0][1]) <= _SHOWN_NAME else run[0][1][: _SHOWN_NAME - 1] + "…"
            rows = "1 row that reads" if len(run) == 1 else f"{len(run)} rows that read"
            warnings.append(ParseWarning(first, f"{where}: {rows} like indicators ({shown}) but belong to no "
                                                "project (its name or table header missing?): not imported"))
            run.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if number in attached:
            close_run()
            continue
        if not run and not _LABEL_HINT.search(line):
            continue  # most lines outside the tables: no cell work for them
        row = _row(line)
        if row is None:
            if line.strip():
                close_run()
            continue
        labelled, name, valued, placeholder = row
        if name is not None and valued and (labelled or run):
            run.append((number, name))
        elif run and placeholder:
            run.append((number, "本指标不适用"))  # a reader keeps these rows too
        elif labelled and name is None:
            continue  # a level label without an indicator inside the run
        else:
            close_run()
    close_run()
    return warnings


def _indicator_key(indicator: Indicator) -> tuple:
    return (indicator.level1, indicator.level2, indicator.name, indicator.period_value, indicator.annual_value,
            indicator.actual_value)


def _record_key(record: Record) -> tuple:
    return (record.kind, record.name, record.unit, record.code, record.amount_wan,
            tuple(_indicator_key(indicator) for indicator in record.indicators))


def duplicates(document: Document) -> list[ParseWarning]:
    """The same record twice in a document, and the same indicator row (levels, name and values) twice in a
    record: a page printed twice or a row pasted twice, which would count twice."""
    warnings: list[ParseWarning] = []
    first_record: dict[tuple, Record] = {}
    same_heading = Counter((r.kind, r.name, r.unit, r.code, r.amount_wan, len(r.indicators))
                           for r in document.records)
    for record in document.records:
        if same_heading[(record.kind, record.name, record.unit, record.code, record.amount_wan,
                         len(record.indicators))] > 1:
            key = _record_key(record)
            earlier = first_record.get(key)
            if earlier is not None and record.indicators:
                warnings.append(ParseWarning(record.line, f"{record.name}: the same project with the same "
                                                          f"indicators as on line {earlier.line} (listed twice?)"))
                continue
            first_record.setdefault(key, record)
        keys = [_indicator_key(indicator) for indicator in record.indicators]
        if len(set(keys)) == len(keys):
            continue  # the common case: every row once
        seen: dict[tuple, Indicator] = {}
        for indicator, indicator_key in zip(record.indicators, keys, strict=True):
            if "不适用" in indicator.name or "无此项" in indicator.name:
                continue
            before = seen.get(indicator_key)
            if before is not None:
                where = f"line {before.line}" if before.line != indicator.line else "the same line"
                warnings.append(ParseWarning(indicator.line, f"{record.name}: {indicator.name}: the same indicator "
                                                             f"and values as on {where} (a row listed twice?)"))
            else:
                seen[indicator_key] = indicator
    return warnings


def cut_table(document: Document) -> list[ParseWarning]:
    """A document that stops inside its last table: the last record lacks every level-1 group the others all
    end with (满意度指标 in a project framework), or has no indicators where the others have them."""
    if not document.records:
        return []
    records = [record for record in document.records if record.kind == document.records[-1].kind]
    if len(records) < 3:
        return []
    last, others = records[-1], records[:-1]
    with_indicators = [record for record in others if record.indicators]
    if len(with_indicators) < 2 or len(with_indicators) < 0.8 * len(others):
        return []
    if not last.indicators:
        return [ParseWarning(last.line, f"{last.name}: the last project has no indicators where the others have "
                                        "them (document cut off?)")]
    groups: Counter[str] = Counter()
    for record in with_indicators:
        # each level once per project, in the table's order (a set's order changes from run to run)
        groups.update(list(dict.fromkeys(indicator.level1 for indicator in record.indicators if indicator.level1)))
    everywhere = [level for level, count in groups.items() if count == len(with_indicators)]
    missing = [level for level in everywhere if level not in {i.level1 for i in last.indicators}]
    final_levels = [record.indicators[-1].level1 for record in with_indicators]
    usual_end = Counter(final_levels).most_common(1)[0]
    if missing and usual_end[0] in missing and usual_end[1] == len(with_indicators):
        stop = last.indicators[-1]
        return [ParseWarning(stop.line, f"{last.name}: the indicator table stops after {stop.name} without "
                                        f"{'、'.join(missing)}, which every other project has (document cut off?)")]
    return []
