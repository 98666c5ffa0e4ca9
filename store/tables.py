"""Normalized records out: one indicator per row (the DESIGN §2b columns) as CSV or .xlsx, so that a reader's
result can be corrected in a spreadsheet and imported back.

Two columns follow the §2b ones: ``kind`` (project or department-wide table) and ``source`` (the document
the rows were read from), so that a table of several documents comes back as the same documents. A record
without indicators still gets one row, with the indicator cells empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from store.errors import OutputError
from store.files import FORMULA_START as FORMULA_START  # the records reader undoes the escape
from store.files import OutputKind, Protected, atomic_write, check_output, guarded, spreadsheet_safe
from store.model import Document

COLUMNS = ("region", "department", "year", "project", "unit", "code", "amount_wan", "level1", "level2", "name",
           "period_value", "annual_value", "actual_value")
EXTRA_COLUMNS = ("kind", "source")
HEADER = COLUMNS + EXTRA_COLUMNS
FORMATS = ("csv", "xlsx")

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


Cell = str | int | float | None


def table_rows(documents: Iterable[Document]) -> list[list[Cell]]:
    """The header and one row per indicator (per record when it has none), in document order."""
    rows: list[list[Cell]] = [list(HEADER)]
    for document in documents:
        for record in document.records:
            head: list[Cell] = [document.region, document.department, document.year, record.name, record.unit,
                                record.code, record.amount_wan]
            tail: list[Cell] = [record.kind, document.source]
            if not record.indicators:
                rows.append([*head, None, None, None, None, None, None, *tail])
            for indicator in record.indicators:
                rows.append([*head, indicator.level1, indicator.level2, indicator.name, indicator.period_value,
                             indicator.annual_value, indicator.actual_value, *tail])
    return rows


def amount_text(amount: float) -> str:
    """An amount as plain text that reads back to the same number (no exponent for ordinary amounts)."""
    return format(amount, ".15g") if abs(amount) < 1e15 else repr(amount)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return amount_text(value)
    return spreadsheet_safe(str(value))


def to_csv(documents: Iterable[Document], *, bom: bool = True) -> str:
    """The table as CSV; a cell a spreadsheet would run as a formula gets a leading ' (read back as text);
    with a BOM, Excel reads the Chinese as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in table_rows(documents):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" if bom else "") + buffer.getvalue()


def to_xlsx(documents: Iterable[Document]) -> bytes:
    """The table as a workbook of one sheet: text cells stored as text (never as a formula), year and amount
    as numbers, the header frozen and filtered. Control characters, which a workbook cannot hold, are
    written as their visible symbols (ESC as ␛)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "records"
    rows = table_rows(documents)
    for row_index, row in enumerate(rows, start=1):
        for column_index, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_index, column=column_index)
            if isinstance(value, str):
                cell.value = _XML_ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group(0))), value)
                cell.data_type = "s"  # text that starts with = stays text
            else:
                cell.value = value
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{len(rows)}"
    widths = {"region": 12, "department": 24, "project": 30, "unit": 24, "name": 36, "period_value": 18,
              "annual_value": 18, "actual_value": 14, "code": 22, "level1": 12, "level2": 18, "source": 24}
    for index, column in enumerate(HEADER, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(column, 10)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def is_records_table(data: bytes) -> bool:
    """Whether a file is a records table (CSV, text or workbook whose first row has every §2b column, as Excel
    saves it back too): an earlier table, replaced without --force, where a table with a few of the same
    column names (the mapping's CSV) is not."""
    if data.startswith(b"PK\x03\x04"):
        rows = [_first_row_of_workbook(data)]
    else:
        head = data[:4096]
        text = head.decode("utf-16", "ignore") if head.startswith((b"\xff\xfe", b"\xfe\xff")) else \
            head.decode("utf-8", "ignore")  # the header is ASCII in GBK too
        line = text.lstrip("\ufeff").lstrip().split("\n", 1)[0]
        rows = [next(csv.reader([line], delimiter=delimiter)) for delimiter in (",", "\t", ";")]
    return any(set(COLUMNS) <= {cell.strip().lstrip("\ufeff").lower() for cell in row} for row in rows)


def _first_row_of_workbook(data: bytes) -> list[str]:
    """The text of the first row of a workbook's first sheet (nothing for a file that is not a workbook); only
    that row is read, however long the table."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
        try:
            cells = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()
    except Exception:  # openpyxl fails in many ways on what is not a workbook: then it is not a table either
        return []
    return [str(cell) for cell in cells if cell is not None]


RECORDS_TABLE = OutputKind("a records table", is_records_table)


def write_table(documents: list[Document], path: Path, fmt: str, *, inputs: Iterable[Path] = (),
                force: bool = False) -> int:
    """Write the records table atomically; returns the number of rows under the header.

    Never overwrites one of the ``inputs``, a workspace, a folder or a device; another file than a records
    table only with ``force`` (OutputError says which and why).
    """
    if fmt not in FORMATS:
        raise OutputError(path, f"unknown table format {fmt!r} (csv or xlsx)")
    inputs_read = guarded((source, "one of the documents being read") for source in inputs)
    check_output(path, RECORDS_TABLE, protected=Protected(tuple(inputs_read)), force=force)
    atomic_write(path, to_csv(documents).encode("utf-8") if fmt == "csv" else to_xlsx(documents))
    return sum(1 for document in documents for record in document.records for _ in (record.indicators or [None]))
