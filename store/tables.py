"""Normalized records out: one indicator per row (the DESIGN §2b columns) as CSV or .xlsx, so that a reader's
result can be corrected in a spreadsheet and imported back.

Two columns follow the §2b ones: ``kind`` (project or department-wide table) and ``source`` (the document
the rows were read from), so that a table of several documents comes back as the same documents. A record
without indicators still gets one row, with the indicator cells empty.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from store.model import Document

COLUMNS = ("region", "department", "year", "project", "unit", "code", "amount_wan", "level1", "level2", "name",
           "period_value", "annual_value", "actual_value")
EXTRA_COLUMNS = ("kind", "source")
HEADER = COLUMNS + EXTRA_COLUMNS
FORMATS = ("csv", "xlsx")

# a spreadsheet runs a cell that starts with one of these as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TableError(ValueError):
    """The table cannot be written where asked (names the path and why)."""


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
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


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


def write_table(documents: list[Document], path: Path, fmt: str, *, inputs: Iterable[Path] = ()) -> int:
    """Write the records table atomically; returns the number of rows under the header.

    Never overwrites one of the ``inputs``, a workspace or any file that is not itself a records table
    (TableError says which and why).
    """
    if fmt not in FORMATS:
        raise TableError(f"{path}: unknown table format {fmt!r} (csv or xlsx)")
    _check_target(path, inputs)
    data = to_csv(documents).encode("utf-8") if fmt == "csv" else to_xlsx(documents)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise TableError(f"{path}: cannot write here ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), _mode_for(path))  # a temporary file is 0600; a table is for colleagues
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise TableError(f"{path}: cannot write ({exc.strerror})") from exc
    return sum(1 for document in documents for record in document.records for _ in (record.indicators or [None]))


def _check_target(path: Path, inputs: Iterable[Path]) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TableError(f"{path}: folder {folder} does not exist")
    if not path.exists() and not path.is_symlink():
        return
    if path.is_dir():
        raise TableError(f"{path}: is a folder")
    if not path.is_file():
        raise TableError(f"{path}: not a regular file, not overwritten")
    for source in inputs:
        try:
            if path.samefile(source):
                raise TableError(f"{path}: is one of the documents being read, not overwritten")
        except OSError:
            continue
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError as exc:
        raise TableError(f"{path}: cannot be read to check what it is ({exc.strerror})") from exc
    if head.startswith(_SQLITE_MAGIC):
        raise TableError(f"{path}: is a zhibiao workspace (or another SQLite file), not overwritten")
    if head and not _is_records_table(head, path):
        raise TableError(f"{path}: exists and is not a records table, not overwritten (remove it or choose "
                         "another name)")


def _is_records_table(head: bytes, path: Path) -> bool:
    """Whether an existing file is a records table this command may replace."""
    from store.readers.files import ReadError, container_of
    from store.readers.files import table_rows as file_rows
    from store.readers.records import is_records_header

    try:
        kind = container_of(head)
    except ReadError:
        return False
    if kind == "xlsx":
        try:
            rows = file_rows(path.read_bytes(), "xlsx").rows
        except (ReadError, OSError):
            return False
        return any(is_records_header(cells) for cells in rows[:1])
    if kind != "text":
        return False
    from store.readers.records import records_header_in_text

    return records_header_in_text(head)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
