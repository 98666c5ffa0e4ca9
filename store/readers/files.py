"""Files, not only text: spreadsheets (.xlsx, .xls), Word tables (.docx) and PDFs with a text layer become
table rows for the same readers, each row knowing where it is in its file ("sheet 表1 row 12").

The container is recognised by its bytes (a zip holding a workbook or a Word document, an OLE2 compound
file, %PDF), never by the file name. The libraries are imported only when such a file comes, so that
reading text pays nothing for them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from store.files import read_regular
from store.model import Document, ParseWarning
from store.readers import read_bytes, read_text
from store.readers.common import ReadError
from store.readers.records import is_records_header, read_records_table, records_in_text

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# CJK and full-width characters: a line break between two of them (a wrapped cell) is no space
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_DECIMALS = re.compile(r"\.([0#?]+)")


def read_documents(data: bytes, name: str) -> list[Document]:
    """Every document in a file, whatever holds it: text, a spreadsheet, a Word or PDF table, or normalized
    records (the record JSON, a records table as CSV or spreadsheet); ReadError says why it cannot be read."""
    if not data:
        raise ReadError("empty file")
    if name.startswith("~$") and len(data) <= 512:
        raise ReadError("an Office lock file (its document is open in Excel, Word or WPS), not a document")
    kind = container_of(data)
    if kind == "text":
        documents = records_in_text(data, name)
        return documents if documents is not None else [read_bytes(data, name)]
    rows = table_rows(data, kind)
    documents = _records_in_rows(rows, name)
    if documents is not None:
        return documents
    return [locate(read_text(rows.text(), name), rows.locations)]


def _records_in_rows(rows: TableRows, name: str) -> list[Document] | None:
    """The documents of every sheet that is a records table (None when none is); other sheets are named in a
    warning, a source spread over two sheets is refused."""
    documents: list[Document] = []
    skipped: list[str] = []
    holder: dict[str, str] = {}
    for section, cells, locations in rows.parts():
        header = next((row for row in cells if any(cell.strip() for cell in row)), None)
        if header is None:
            continue
        if not is_records_header(header):
            skipped.append(section)
            continue
        for document in read_records_table(cells, locations, name):
            if document.source in holder:
                raise ReadError(f"{holder[document.source]} and {section} both hold rows of {document.source}: "
                                "keep one document's rows in one sheet")
            holder[document.source] = section
            documents.append(document)
    if not documents:
        return None
    if skipped:
        note = ParseWarning(0, f"not read, no records header: {', '.join(skipped)}")
        documents[0] = replace(documents[0], warnings=(note, *documents[0].warnings))
    return documents


def read_file(path: Path) -> list[Document]:
    """The documents of a file on disk (see read_documents)."""
    return read_documents(path_bytes(path), path.name)


@dataclass(frozen=True, slots=True)
class TableRows:
    """A file's content as table rows (cells as text) with where each row is in the file."""

    rows: list[list[str]]
    locations: list[str]
    sections: list[tuple[str, int]]  # each sheet of a workbook: its name and first row (the whole file otherwise)

    def parts(self) -> Iterator[tuple[str, list[list[str]], list[str]]]:
        """Each section's name, rows and locations."""
        for index, (name, start) in enumerate(self.sections):
            end = self.sections[index + 1][1] if index + 1 < len(self.sections) else len(self.rows)
            yield name, self.rows[start:end], self.locations[start:end]

    def text(self) -> str:
        """The rows as the readers read text: cells joined by tabs, trailing empty cells dropped."""
        lines = []
        for cells in self.rows:
            end = len(cells)
            while end and not cells[end - 1].strip():
                end -= 1
            lines.append("\t".join(cells[:end]))
        return "\n".join(lines) + "\n"


def container_of(data: bytes) -> str:
    """What the bytes are: "xlsx", "docx", "xls" (any OLE2 compound file), "pdf", or "text" for anything else;
    ReadError for a zip this version does not read (.xlsb, OpenDocument, another archive)."""
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.startswith(_OLE2):
        return "xls"  # or another compound file: reading it as a workbook says which
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "text"


def _zip_kind(data: bytes) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError) as exc:
        raise ReadError(f"a damaged zip file, not a readable spreadsheet or Word document ({exc})") from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.bin" in names:
        raise ReadError("an Excel binary workbook (.xlsb): save it as .xlsx and import that")
    if "opendocument" in mimetype:
        raise ReadError("an OpenDocument file: save it as .xlsx or .docx and import that")
    raise ReadError("a zip archive, not a spreadsheet or Word document (unpack it and import the files inside)")


def table_rows(data: bytes, kind: str) -> TableRows:
    """The rows of a spreadsheet, a Word document or a PDF; ReadError says why a file cannot be read."""
    reader = {"xlsx": _xlsx_rows, "xls": _xls_rows, "docx": _docx_rows, "pdf": _pdf_rows}[kind]
    rows: list[list[str]] = []
    locations: list[str] = []
    sections: list[tuple[str, int]] = []
    try:
        for location, cells in reader(data):
            if cells is None:  # a new sheet: a blank line keeps it apart from the one before
                if rows:
                    rows.append([])
                    locations.append(locations[-1])
                sections.append((location, len(rows)))
                continue
            rows.append([_one_line(cell) for cell in cells])
            locations.append(location)
    except ReadError:
        raise
    except Exception as exc:  # the libraries raise many kinds for a damaged file
        raise ReadError(f"a damaged {_NAMES[kind]} ({type(exc).__name__}: {exc})") from exc
    if not any(cell.strip() for cells in rows for cell in cells):
        raise ReadError(f"the {_NAMES[kind]} has no text in it")
    return TableRows(rows, locations, sections or [(f"the {_NAMES[kind]}", 0)])


_NAMES = {"xlsx": "workbook", "xls": "workbook", "docx": "Word document", "pdf": "PDF"}


def _one_line(cell: str) -> str:
    """A cell's text on one line: a break inside it (a wrapped or multi-line cell) joins the pieces, with a
    space only between two pieces of Western text; tabs become spaces."""
    if "\n" not in cell and "\r" not in cell and "\t" not in cell:
        return cell.strip()
    joined = ""
    for piece in cell.replace("\t", " ").splitlines():
        piece = piece.strip()
        if not piece:
            continue
        if joined and not (_WIDE.match(joined[-1]) or _WIDE.match(piece[0])):
            joined += " "
        joined += piece
    return joined


def locate(document: Document, locations: list[str]) -> Document:
    """The document with each record, indicator and warning told where its line is in the file."""

    def at(line: int) -> str | None:
        return locations[line - 1] if 0 < line <= len(locations) else None

    records = tuple(
        replace(record, location=at(record.line),
                indicators=tuple(replace(i, location=at(i.line)) for i in record.indicators))
        for record in document.records
    )
    warnings = tuple(replace(w, location=at(w.line)) for w in document.warnings)
    return replace(document, records=records, warnings=warnings)


# -- spreadsheets ------------------------------------------------------------------------------------


def _number(value: float, number_format: str | None) -> str:
    """A number as the sheet shows it: a percent format as a percent, its decimals kept."""
    decimals = None
    percent = False
    if number_format and number_format != "General":
        section = number_format.split(";")[0]
        percent = "%" in section
        match = _DECIMALS.search(section)
        decimals = len(match.group(1)) if match else (0 if percent or "0" in section else None)
    if percent:
        value = value * 100
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    elif float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.15g}"
    return text + ("%" if percent else "")


def _value_text(value: Any, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number(value, number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time | timedelta):
        return str(value)
    return str(value)


def _xlsx_rows(data: bytes) -> Iterator[tuple[str, list[str] | None]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise ReadError(f"a damaged .xlsx workbook ({type(exc).__name__}: {exc})") from exc
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            sheet.reset_dimensions()  # some writers record a wrong used range
            yield f"sheet {sheet.title}", None
            for number, row in enumerate(sheet.iter_rows(), start=1):
                yield f"sheet {sheet.title} row {number}", [
                    _value_text(cell.value, getattr(cell, "number_format", None)) for cell in row
                ]
    finally:
        book.close()


def _xls_rows(data: bytes) -> Iterator[tuple[str, list[str] | None]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises its own errors and struct/index errors for damaged files
        if _ENCRYPTED_STREAM in data:
            raise ReadError("a password-protected Office file: save it without a password first") from exc
        if _WORD_STREAM in data:
            raise ReadError("an old Word .doc file: save it as .docx (Word or WPS: 另存为 .docx) and import that"
                            ) from exc
        raise ReadError(f"not a readable .xls workbook ({type(exc).__name__}: {exc})") from exc
    for sheet in book.sheets():
        if sheet.visibility != 0:
            continue
        yield f"sheet {sheet.name}", None
        for rowx in range(sheet.nrows):
            cells = []
            for colx, cell in enumerate(sheet.row(rowx)):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        cells.append(_value_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        cells.append(_value_text(cell.value))
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    cells.append(_number(cell.value, _xls_format(book, sheet, rowx, colx)))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append("TRUE" if cell.value else "FALSE")
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    cells.append(cell.value)
                else:
                    cells.append("")
            yield f"sheet {sheet.name} row {rowx + 1}", cells


def _xls_format(book: Any, sheet: Any, rowx: int, colx: int) -> str | None:
    try:
        return book.format_map[book.xf_list[sheet.cell_xf_index(rowx, colx)].format_key].format_str
    except (IndexError, KeyError, AttributeError):
        return None


# -- Word -----------------------------------------------------------------------------------------


def _docx_rows(data: bytes) -> Iterator[tuple[str, list[str] | None]]:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise ReadError(f"a damaged .docx document ({type(exc).__name__}: {exc})") from exc
    paragraphs = tables = 0
    for block in blocks:
        if isinstance(block, Table):
            tables += 1
            for number, cells in enumerate(_docx_table(block), start=1):
                yield f"table {tables} row {number}", cells
        else:
            paragraphs += 1
            yield f"paragraph {paragraphs}", [block.text]


def _docx_table(table: Any) -> Iterator[list[str]]:
    """A Word table's rows on its column grid, a merged cell's text in its first grid cell only (the
    others empty, as a spreadsheet leaves them): the readers carry merged labels down themselves."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    for row in table.rows:
        tr = row._tr  # the row's XML: python-docx exposes merges only there
        cells = [""] * row.grid_cols_before
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span)
            continued = tc.vMerge == "continue"
            cells.append("" if continued else "\n".join(Paragraph(p, table).text for p in tc.iter(qn("w:p"))))
            cells.extend([""] * (span - 1))
        yield cells


# -- PDF ------------------------------------------------------------------------------------------


def _pdf_rows(data: bytes) -> Iterator[tuple[str, list[str] | None]]:
    """Each page's ruled tables as rows of cells, and its other text as lines, top to bottom."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PdfminerException, PDFPasswordIncorrect) as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise ReadError("a password-protected PDF: save it without a password first") from exc
        raise ReadError(f"not a readable PDF ({type(cause).__name__}: {cause})") from exc
    except Exception as exc:
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    with pdf:
        try:
            pages = [_page_rows(page) for page in pdf.pages]
        except ReadError:
            raise
        except Exception as exc:  # pdfminer raises many kinds for a damaged file
            raise ReadError(f"a damaged PDF ({type(exc).__name__}: {exc})") from exc
    if not any(rows for rows in pages):
        raise ReadError("a PDF without a text layer (a scan?): it needs OCR before zhibiao can read it")
    text = "".join(cell for rows in pages for cells in rows for cell in cells)
    if text.count("(cid:") * 6 > max(len(text) // 4, 1):
        raise ReadError("the PDF's text layer cannot be decoded (its fonts have no Unicode map): it needs OCR")
    for page_number, rows in enumerate(pages, start=1):
        for line_number, cells in enumerate(rows, start=1):
            yield f"page {page_number} line {line_number}", cells


def _page_rows(page: Any) -> list[list[str]]:
    if not page.chars:
        return []
    tables = page.find_tables()
    items: list[tuple[float, float, list[str]]] = []
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=False):
            items.append((row.bbox[1], row.bbox[0], [cell or "" for cell in cells]))
    boxes = [table.bbox for table in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        middle_x = (obj["x0"] + obj["x1"]) / 2
        middle_y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside_tables) if boxes else page
    left = min(char["x0"] for char in page.chars)
    right = max(page.width - left, left)  # text set between equal margins, as page layouts are
    for lines in _paragraphs(rest.extract_text_lines(), left, right):
        items.append((lines[0]["top"], lines[0]["x0"], ["\n".join(line["text"] for line in lines)]))
    items.sort(key=lambda item: (round(item[0], 1), item[1]))
    return [cells for _top, _x0, cells in items]


def _paragraphs(lines: list[dict[str, Any]], left: float, right: float) -> list[list[dict[str, Any]]]:
    """Text lines grouped into the paragraphs they were wrapped from: a line continues the one above when that
    one was broken at the right margin (the next line's first word would not have fitted), and it starts at
    the left margin right below, in the same type. A line with wide gaps is a row of cells, never wrapped."""
    paragraphs: list[list[dict[str, Any]]] = []
    for line in lines:
        if paragraphs and _continues(paragraphs[-1][-1], line, left, right):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return paragraphs


def _continues(above: dict[str, Any], line: dict[str, Any], left: float, right: float) -> bool:
    chars, next_chars = above.get("chars") or [], line.get("chars") or []
    if not chars or not next_chars:
        return False
    size = max(char["size"] for char in chars)
    if abs(max(char["size"] for char in next_chars) - size) > size * 0.1:
        return False
    if line["x0"] - left > size * 0.5 or not 0 <= line["top"] - above["bottom"] <= size:
        return False
    if any(b["x0"] - a["x1"] > size * 2 for a, b in pairwise(chars)):
        return False
    first, end = next_chars[0], next_chars[0]["x1"]
    if not _WIDE.match(first["text"]):  # a Western word wraps whole; a CJK line may break before any character
        for char in next_chars[1:]:
            if char["text"].isspace() or _WIDE.match(char["text"]):
                break
            end = char["x1"]
    space = size * 0.25
    return right - above["x1"] < end - first["x0"] + space


def path_bytes(path: Path) -> bytes:
    """A file's bytes; ReadError for a missing file, a folder, a FIFO or device (refused before anything blocks
    on it) or an unreadable file."""
    try:
        return read_regular(path)
    except ReadError:
        raise
    except ValueError as exc:  # FileError: missing, not a regular file, unreadable
        raise ReadError(getattr(exc, "reason", str(exc))) from exc
