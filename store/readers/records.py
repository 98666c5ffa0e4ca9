"""Normalized records in: the JSON that ``parse --json`` prints (one document or a list) and a flat table, one
indicator per row (the DESIGN §2b columns, see store.tables), as CSV (UTF-8 with or without BOM, GBK as
Excel saves it) or as rows of a spreadsheet.

A table is checked before anything is kept: a missing required column, an unknown level label, a bad amount
or year is a ReadError naming the row and the column. Level labels are read back to their canonical form and
a level 2 is filed under its own level 1, as the readers do.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from store.levels import DEPARTMENT_LEVEL1, canonical, parent_of
from store.model import Document, Indicator, ParseWarning, Record
from store.readers.common import ReadError
from store.tables import COLUMNS, FORMULA_START, HEADER
from store.text import DecodeError, decode, nfkc, parse_amount, region_of, squash

JSON_LAYOUT = "json"
TABLE_LAYOUT = "table"
REQUIRED = ("region", "project", "level1", "level2", "name", "annual_value")
_KNOWN = frozenset(HEADER)
_KINDS = {"project": "project", "项目": "project", "department": "department", "部门": "department",
          "部门整体": "department", "整体": "department"}
# words a level-2 label of the project frameworks is made of ("社会公众或服务对象满意度指标")
_LEVEL2_WORDS = ("数量", "质量", "时效", "成本", "效益", "满意度", "可持续")
_DELIMITERS = (",", "\t", ";")
_HEAD_BYTES = 2048


def _column_name(text: str) -> str:
    return text.strip().lstrip("\ufeff").strip().lower()


def is_records_header(cells: list[str]) -> bool:
    """Whether a row is the header of a records table: four or more of its cells are record column names."""
    return sum(1 for cell in cells if _column_name(cell) in _KNOWN) >= 4


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line
    return ""


def _delimiter(line: str) -> str | None:
    """The delimiter that splits a header line into the most record column names (None: not a header)."""
    best, best_count = None, 3
    for delimiter in _DELIMITERS:
        count = sum(1 for cell in line.split(delimiter) if _column_name(cell.strip('"')) in _KNOWN)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _head(data: bytes) -> str:
    """The first non-empty line of text bytes, decoded leniently (a header is ASCII in every encoding we read
    but UTF-16, which has a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _first_line(data[:_HEAD_BYTES].decode("utf-16", "ignore").lstrip("\ufeff"))
    head = data[:_HEAD_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.split(b"\n", 1)[0].decode("utf-8", "ignore")


def records_header_in_text(data: bytes) -> bool:
    """Whether text bytes start with a records-table header line (a cheap look at the first line only)."""
    return _delimiter(_head(data)) is not None


def _looks_like_json(head: str) -> bool:
    """An object, or a list of objects (or an empty list): what parse --json prints, not text that starts with
    a bracket ("[054]金寨县…")."""
    start = head.lstrip()
    return start.startswith("{") or (start.startswith("[") and start[1:].lstrip().startswith(("{", "]")))


def records_in_text(data: bytes, name: str) -> list[Document] | None:
    """The documents of a record JSON or a CSV records table; None when the text is neither (a document for
    the readers)."""
    head = _head(data)
    is_json = _looks_like_json(head)
    if not is_json and _delimiter(head) is None:
        return None
    try:
        text = decode(data)
    except DecodeError as exc:
        raise ReadError(str(exc)) from exc
    if is_json:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReadError(f"not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
        return read_records_json(payload, name)
    delimiter = _delimiter(_first_line(text)) or ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(f"not a readable CSV table ({exc})") from exc
    rows = [[_csv_text(cell) for cell in row] for row in rows]
    return read_records_table(rows, [f"row {number}" for number in range(1, len(rows) + 1)], name)


def _csv_text(cell: str) -> str:
    """A CSV cell as written before formula protection (a leading ' before = + - @ is dropped)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_START) else cell


# -- levels ---------------------------------------------------------------------------------------------


class LevelError(ValueError):
    """A level cell that is not a level label (``column`` is level1 or level2)."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _levels(level1_text: str | None, level2_text: str | None) -> tuple[str | None, str | None, str | None]:
    """Canonical level 1 and level 2, and a note when the level 1 was changed to the level 2's own;
    LevelError names an unknown label."""
    level1 = None
    if level1_text:
        label = canonical(level1_text)
        if label is None:
            raise LevelError("level1", f"unknown level-1 label {level1_text!r}")
        if label.is_level2_only:
            raise LevelError("level1", f"{level1_text!r} is a level-2 label, not a level 1")
        level1 = label.text
    level2 = None
    if level2_text:
        label = canonical(level2_text)
        if label is not None and label.is_level1_only and label.text not in DEPARTMENT_LEVEL1:
            raise LevelError("level2", f"{level2_text!r} is a level-1 label, not a level 2")
        if label is not None:
            level2 = label.text
        elif level1 in DEPARTMENT_LEVEL1:
            level2 = squash(nfkc(level2_text))  # department frameworks write their own level 2s
        elif any(word in level2_text for word in _LEVEL2_WORDS) and squash(level2_text).endswith("指标"):
            level2 = squash(nfkc(level2_text))
        else:
            raise LevelError("level2", f"unknown level-2 label {level2_text!r}")
    filed = parent_of(level2, level1) if level2 is not None else level1
    note = None
    if level1 is not None and filed != level1:
        note = f"{level2} belongs under {filed}, not {level1}: filed there"
    return filed, level2, note


# -- tables ---------------------------------------------------------------------------------------------


@dataclass
class _DocumentBuilder:
    source: str
    fields: dict[str, Any] = field(default_factory=dict)
    records: list[tuple[tuple, Record, list[Indicator]]] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def build(self, layout: str) -> Document:
        department = self.fields.get("department")
        region = self.fields.get("region") or region_of(department)
        records = tuple(replace(record, indicators=tuple(indicators)) for _key, record, indicators in self.records)
        return Document(source=self.source, layout=layout, region=region, department=department,
                        year=self.fields.get("year"), records=records,
                        warnings=tuple(sorted(self.warnings, key=lambda w: w.line)))


class _Problems(list[str]):
    def add(self, where: str, column: str | None, message: str) -> None:
        self.append(f"{where}, column {column}: {message}" if column else f"{where}: {message}")

    def raise_first(self) -> None:
        if self:
            more = f" (and {len(self) - 1} more problems)" if len(self) > 1 else ""
            raise ReadError(self[0] + more)


def _year(text: str) -> int:
    compact = squash(nfkc(text)).removesuffix("年").removesuffix("度").removesuffix("年")
    if compact.endswith(".0"):
        compact = compact[:-2]
    if not compact.isdigit() or not 1900 <= int(compact) <= 2200:
        raise ValueError(f"{text!r} is not a year")
    return int(compact)


def _amount(text: str) -> float:
    amount = parse_amount(text)
    if amount is None or not math.isfinite(amount):
        raise ValueError(f"{text!r} is not an amount (a number of 万元)")
    return amount


def read_records_table(rows: list[list[str]], locations: list[str], name: str) -> list[Document]:
    """The documents of a records table (a header row, then one indicator per row); ReadError names the row
    and the column of the first problem."""
    problems = _Problems()
    header_index = next((i for i, cells in enumerate(rows) if any(c.strip() for c in cells)), None)
    if header_index is None:
        raise ReadError("an empty table")
    header_where = locations[header_index]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(rows[header_index]):
        column = _column_name(cell)
        if column in _KNOWN:
            if column in columns:
                problems.add(header_where, column, "the column appears twice")
            columns[column] = index
        elif column:
            ignored.append(cell.strip())
    for column in REQUIRED:
        if column not in columns:
            problems.add(header_where, column, f"missing (a records table has the columns {', '.join(COLUMNS)})")
    problems.raise_first()

    builders: dict[str, _DocumentBuilder] = {}
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if not any(c.strip() for c in cells):
            continue
        here = locations[index]

        def cell(column: str, cells: list[str] = cells) -> str | None:
            position = columns.get(column)
            if position is None or position >= len(cells):
                return None
            return cells[position].strip() or None

        line = index + 1
        builder = builders.setdefault(cell("source") or name, _DocumentBuilder(cell("source") or name))
        values: dict[str, Any] = {}
        for column, convert in (("region", None), ("department", None), ("year", _year)):
            text = cell(column)
            if text is None:
                continue
            try:
                values[column] = convert(text) if convert else text
            except ValueError as exc:
                problems.add(here, column, str(exc))
                continue
            known = builder.fields.setdefault(column, values[column])
            if known != values[column]:
                problems.add(here, column, f"{values[column]!r}, but earlier rows of {builder.source} say "
                             f"{known!r} (one document per source: add a source column to tell them apart)")
        amount = None
        if (amount_text := cell("amount_wan")) is not None:
            try:
                amount = _amount(amount_text)
            except ValueError as exc:
                problems.add(here, "amount_wan", str(exc))
        kind_text = cell("kind")
        kind = "project" if kind_text is None else _KINDS.get(kind_text.lower())
        if kind is None:
            problems.add(here, "kind", f"{kind_text!r} is not a kind of record (project or department)")
            kind = "project"
        try:
            level1, level2, note = _levels(cell("level1"), cell("level2"))
        except LevelError as exc:
            problems.add(here, exc.column, str(exc))
            level1 = level2 = note = None
        indicator_name = cell("name")
        values_given = [cell(c) for c in ("period_value", "annual_value", "actual_value", "level1", "level2")]
        if indicator_name is None and any(values_given):
            problems.add(here, "name", "a target or level without an indicator name")
        if problems:
            continue
        raw = "\t".join(c.strip() for c in cells).rstrip("\t")
        # rows of another document (the source column) say which table file they are in
        place = here if builder.source == name else f"{name}, {here}"
        key = (kind, cell("project") or "", cell("unit"), cell("code"), amount)
        if not builder.records or builder.records[-1][0] != key:
            record = Record(kind=kind, name=cell("project") or "", unit=cell("unit"), code=cell("code"),
                            amount_wan=amount, line=line, location=place)
            builder.records.append((key, record, []))
        if indicator_name is None:
            continue
        builder.records[-1][2].append(Indicator(
            level1=level1, level2=level2, name=indicator_name, period_value=cell("period_value"),
            annual_value=cell("annual_value"), actual_value=cell("actual_value"), line=line, raw=raw,
            level1_raw=cell("level1"), level2_raw=cell("level2"), location=place,
        ))
        if note:
            builder.warnings.append(ParseWarning(line, f"{indicator_name}: {note}", place))
    problems.raise_first()
    documents = [builder.build(TABLE_LAYOUT) for builder in builders.values()]
    if not any(document.records for document in documents):
        raise ReadError(f"a records table without any record (nothing under the header in {header_where})")
    if ignored:
        first = documents[0]
        note = ParseWarning(header_index + 1, f"columns not read: {', '.join(ignored)}", header_where)
        documents[0] = Document(first.source, first.layout, first.region, first.department, first.year,
                                first.records, (note, *first.warnings))
    return documents


# -- JSON -----------------------------------------------------------------------------------------------


def _text(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{what} is {type(value).__name__}, not text")
    return str(value).strip() or None


def _number(value: Any, what: str, check: Callable[[str], Any]) -> Any:
    """A JSON number, or text a table cell could hold, checked."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{what} is {type(value).__name__}, not a number")
    try:
        if isinstance(value, float) and check is _amount:
            if not math.isfinite(value):
                raise ValueError(f"{value!r} is not an amount")
            return value
        return check(str(value))
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from exc


def _line(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def read_records_json(payload: Any, name: str) -> list[Document]:
    """The documents of the record JSON (one document, a list of them, or {"documents": [...]})."""
    if isinstance(payload, dict) and isinstance(payload.get("documents"), list):
        payload = payload["documents"]
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise ReadError("a JSON list without any document")
    documents = []
    seen: dict[str, int] = {}
    for number, item in enumerate(items, start=1):
        where = f"document {number}" if len(items) > 1 else "the document"
        if not isinstance(item, dict) or not isinstance(item.get("records"), list):
            raise ReadError(f"JSON, but not the record JSON that `zhibiao parse --json` prints ({where} has no "
                            "records list)")
        try:
            document = _json_document(item, name, where)
        except ValueError as exc:
            raise ReadError(str(exc)) from exc
        if document.source in seen:
            raise ReadError(f"{where}: the same source {document.source!r} as document {seen[document.source]}")
        seen[document.source] = number
        documents.append(document)
    return documents


def _json_document(item: dict[str, Any], name: str, where: str) -> Document:
    source = _text(item.get("source"), f"{where}: source") or name
    department = _text(item.get("department"), f"{where}: department")
    region = _text(item.get("region"), f"{where}: region") or region_of(department)
    year = _number(item.get("year"), f"{where}: year", _year)
    records = []
    warnings = []
    for record_number, entry in enumerate(item["records"], start=1):
        at = f"{where}, record {record_number}"
        if not isinstance(entry, dict):
            raise ValueError(f"{at} is not an object")
        kind_text = _text(entry.get("kind"), f"{at}: kind")
        kind = "project" if kind_text is None else _KINDS.get(kind_text.lower())
        if kind is None:
            raise ValueError(f"{at}: {kind_text!r} is not a kind of record (project or department)")
        indicators = []
        entries = entry.get("indicators") or []
        if not isinstance(entries, list):
            raise ValueError(f"{at}: indicators is not a list")
        for indicator_number, value in enumerate(entries, start=1):
            here = f"{at}, indicator {indicator_number}"
            if not isinstance(value, dict):
                raise ValueError(f"{here} is not an object")
            indicator_name = _text(value.get("name"), f"{here}: name")
            if indicator_name is None:
                raise ValueError(f"{here} has no name")
            level1_raw = _text(value.get("level1"), f"{here}: level1")
            level2_raw = _text(value.get("level2"), f"{here}: level2")
            try:
                level1, level2, note = _levels(level1_raw, level2_raw)
            except LevelError as exc:
                raise ValueError(f"{here}: {exc.column}: {exc}") from exc
            line = _line(value.get("line"))
            location = _text(value.get("location"), f"{here}: location")
            if note:
                warnings.append(ParseWarning(line, f"{indicator_name}: {note}", location))
            indicators.append(Indicator(
                level1=level1, level2=level2, name=indicator_name,
                period_value=_text(value.get("period_value"), f"{here}: period_value"),
                annual_value=_text(value.get("annual_value"), f"{here}: annual_value"),
                actual_value=_text(value.get("actual_value"), f"{here}: actual_value"),
                line=line, raw=value["raw"] if isinstance(value.get("raw"), str) else "",
                level1_raw=_text(value.get("level1_raw"), f"{here}: level1_raw") or level1_raw,
                level2_raw=_text(value.get("level2_raw"), f"{here}: level2_raw") or level2_raw,
                location=location,
            ))
        records.append(Record(
            kind=kind, name=_text(entry.get("name"), f"{at}: name") or "", unit=_text(entry.get("unit"), f"{at}: unit"),
            code=_text(entry.get("code"), f"{at}: code"),
            amount_wan=_number(entry.get("amount_wan"), f"{at}: amount_wan", _amount),
            indicators=tuple(indicators), goal=_text(entry.get("goal"), f"{at}: goal"),
            line=_line(entry.get("line")), location=_text(entry.get("location"), f"{at}: location"),
        ))
    for warning in item.get("warnings") or []:
        if isinstance(warning, dict) and isinstance(warning.get("message"), str):
            warnings.append(ParseWarning(_line(warning.get("line")), warning["message"],
                                         warning["location"] if isinstance(warning.get("location"), str) else None))
    return Document(source=source, layout=JSON_LAYOUT, region=region, department=department, year=year,
                    records=tuple(records), warnings=tuple(sorted(warnings, key=lambda w: w.line)))
