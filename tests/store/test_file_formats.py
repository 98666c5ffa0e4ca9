"""Spreadsheets, Word tables and PDFs read as the same records as the text they were written from, each row
telling where it is in its file; containers are known by their bytes, and what cannot be read says why."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, comparable, seed_paths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Document
from store.readers import ReadError
from store.readers.files import container_of, read_documents, read_file

FORMATS = ROOT / "fixtures" / "formats"
REAL = FORMATS / "real"
SEEDS = {path.stem: path for path in seed_paths()}
REAL_TEXTS = {path.stem: path for path in sorted(REAL.glob("*.txt"))}
LOCATION = {
    "xlsx": re.compile(r"^sheet 绩效目标表 row (\d+)$"),
    "xls": re.compile(r"^sheet 绩效目标表 row (\d+)$"),
    "docx": re.compile(r"^(?:table \d+ row \d+|paragraph \d+)$"),
    "pdf": re.compile(r"^page \d+ line \d+$"),
}


def fields(document: Document) -> list[tuple]:
    """Every record and indicator field of the record contract, exactly as read."""
    return [
        (record.kind, record.name, record.unit, record.code, record.amount_wan,
         [(i.level1, i.level2, i.name, i.period_value, i.annual_value, i.actual_value) for i in record.indicators])
        for record in document.records
    ]


def only(documents: list[Document]) -> Document:
    assert len(documents) == 1
    return documents[0]


@pytest.mark.parametrize("kind", ["xlsx", "xls", "docx"])
@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_written_into_a_file_reads_as_its_text(stem: str, kind: str) -> None:
    text = only(read_file(SEEDS[stem]))
    document = only(read_file(FORMATS / f"{stem}.{kind}"))
    assert (document.region, document.department, document.year, document.layout) == (
        text.region, text.department, text.year, text.layout)
    assert fields(document) == fields(text)
    assert [w.message for w in document.warnings] == [w.message for w in text.warnings]


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_written_into_a_pdf_reads_as_its_text(stem: str) -> None:
    text = only(read_file(SEEDS[stem]))
    document = only(read_file(FORMATS / f"{stem}.pdf"))
    assert (document.region, document.department, document.year) == (text.region, text.department, text.year)
    # a PDF keeps no spaces a reader could trust; the scorecard's comparison ignores them, and here they agree
    assert comparable(document.as_json()) == comparable(text.as_json())
    assert fields(document) == fields(text)


@pytest.mark.parametrize("kind", ["xlsx", "xls", "docx", "pdf"])
@pytest.mark.parametrize("stem", sorted(REAL_TEXTS))
def test_real_table_written_into_a_file_reads_as_its_text(stem: str, kind: str) -> None:
    text = only(read_file(REAL_TEXTS[stem]))
    document = only(read_file(REAL / f"{stem}.{kind}"))
    assert text.records
    assert comparable(document.as_json()) == comparable(text.as_json())


@pytest.mark.parametrize("kind", ["xlsx", "xls", "docx"])
def test_every_indicator_and_warning_says_where_it_is_in_the_file(kind: str) -> None:
    document = only(read_file(FORMATS / f"004_abee6ec0de6ec728.{kind}"))
    places = [i.location for r in document.records for i in r.indicators] + [w.location for w in document.warnings]
    assert places and all(place and LOCATION[kind].match(place) for place in places)
    assert all(record.location for record in document.records)
    if kind == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(FORMATS / "004_abee6ec0de6ec728.xlsx")["绩效目标表"]
        for record in document.records:
            for indicator in record.indicators:
                row = int(LOCATION[kind].match(indicator.location).group(1))
                cells = "".join(str(cell.value) for cell in sheet[row] if cell.value is not None)
                assert indicator.name in "".join(cells.split())
    text = only(read_file(SEEDS["004_abee6ec0de6ec728"]))
    assert all(i.location is None for r in text.records for i in r.indicators)


def test_pdf_lines_say_page_and_line() -> None:
    document = only(read_file(FORMATS / "002_034170035030169e.pdf"))
    assert all(LOCATION["pdf"].match(i.location or "") for r in document.records for i in r.indicators)
    assert document.as_json()["records"][0]["indicators"][0]["location"].startswith("page 1 line ")


def test_container_is_known_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    disguised = tmp_path / "预算.txt"
    disguised.write_bytes((FORMATS / "001_e1b7c9f5eafb4d0b.xlsx").read_bytes())
    text_named_xlsx = tmp_path / "预算.xlsx"
    text_named_xlsx.write_bytes(SEEDS["001_e1b7c9f5eafb4d0b"].read_bytes())
    word_named_pdf = tmp_path / "预算.pdf"
    word_named_pdf.write_bytes((FORMATS / "001_e1b7c9f5eafb4d0b.docx").read_bytes())
    expected = fields(only(read_file(SEEDS["001_e1b7c9f5eafb4d0b"])))
    for path in (disguised, text_named_xlsx, word_named_pdf):
        assert fields(only(read_file(path))) == expected
    assert only(read_file(disguised)).records[0].indicators[0].location.startswith("sheet ")
    assert [container_of((FORMATS / f"003_039fe6756c664a99.{k}").read_bytes()) for k in ("xlsx", "xls", "docx", "pdf")
            ] == ["xlsx", "xls", "docx", "pdf"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "empty file"),
    (_zip({"notes.txt": b"hello"}), "a zip archive, not a spreadsheet or Word document"),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
     "an OpenDocument file"),
    (_zip({"xl/workbook.bin": b"\x00"}), "save it as .xlsx"),
    (b"PK\x03\x04" + b"\x00" * 40, "a damaged zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 400,
     "an old Word .doc file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le"),
     "password-protected"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "not a readable .xls workbook"),
    (b"%PDF-1.4\n%garbage, not a PDF body\n", "PDF"),
], ids=["empty", "zip", "ods", "xlsb", "bad-zip", "doc", "encrypted", "bad-xls", "bad-pdf"])
def test_a_file_that_cannot_be_read_says_why(data: bytes, problem: str) -> None:
    with pytest.raises(ReadError, match=re.escape(problem)):
        read_documents(data, "x")


def test_an_office_lock_file_is_named_as_such() -> None:
    lock = bytes([6]) + b"reader" + b"\x00" * 48 + "reader".encode("utf-16-le") + b"\x00" * 100
    with pytest.raises(ReadError, match=r"^an Office lock file"):
        read_documents(lock, "~$广州.xlsx")


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_a_truncated_file_is_a_clear_error(kind: str) -> None:
    data = (FORMATS / f"003_039fe6756c664a99.{kind}").read_bytes()
    with pytest.raises(ReadError, match=r"damaged|not a readable"):
        read_documents(data[: len(data) // 2], f"x.{kind}")


def test_a_scanned_pdf_without_a_text_layer_gets_one_clear_line(capsys) -> None:
    from tui.cli import main

    assert main(["parse", str(FORMATS / "scan.pdf")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "scan.pdf" in err[0] and "without a text layer" in err[0] and "OCR" in err[0]


def test_spreadsheet_numbers_read_as_the_sheet_shows_them() -> None:
    from openpyxl import Workbook

    from store.readers.files import table_rows

    book = Workbook()
    sheet = book.active
    values = [(0.9091, "0.00%"), (1, "0%"), (6.3, "0.00"), (15612455.3, "General"), (12462, "General"),
              (0.1 + 0.2, "General"), (True, "General")]
    for column, (value, number_format) in enumerate(values, start=1):
        cell = sheet.cell(row=1, column=column, value=value)
        cell.number_format = number_format
    sheet.cell(row=2, column=3, value="=100%").data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    rows = table_rows(buffer.getvalue(), "xlsx").rows
    assert rows[0] == ["90.91%", "100%", "6.30", "15612455.3", "12462", "0.3", "TRUE"]
    assert rows[1] == ["", "", "=100%"]


def test_word_merged_cells_keep_their_text_once_and_wrapped_lines_join() -> None:
    import docx

    from store.readers.files import table_rows

    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "产出\n指标"  # one label over three rows, on two lines
    table.cell(0, 1).merge(table.cell(0, 2)).text = "数量指标"
    table.cell(0, 3).text = "≥90%"
    table.cell(1, 1).text = "救助\n人次"
    table.cell(1, 2).text = "10 万\nper year"
    buffer = io.BytesIO()
    document.save(buffer)
    rows = table_rows(buffer.getvalue(), "docx")
    assert rows.rows[:3] == [["产出指标", "数量指标", "", "≥90%"], ["", "救助人次", "10 万per year", ""],
                             ["", "", "", ""]]
    assert rows.locations[:3] == ["table 1 row 1", "table 1 row 2", "table 1 row 3"]


def test_hidden_sheets_are_not_read_and_sheets_are_named_in_locations() -> None:
    from openpyxl import Workbook

    from store.readers.files import table_rows

    book = Workbook()
    book.active.title = "说明"
    book.active["A1"] = "封面"
    hidden = book.create_sheet("底稿")
    hidden["A1"] = "不该读到"
    hidden.sheet_state = "hidden"
    book.create_sheet("表17")["B2"] = "三级指标"
    buffer = io.BytesIO()
    book.save(buffer)
    rows = table_rows(buffer.getvalue(), "xlsx")
    assert "不该读到" not in rows.text()
    assert rows.locations[-1] == "sheet 表17 row 2" and rows.rows[-1] == ["", "三级指标"]


def test_importing_files_stores_where_each_row_is(tmp_path: Path) -> None:
    from store import browse
    from store.importer import import_paths
    from store.workspace import Workspace

    folder = tmp_path / "下载"
    folder.mkdir()
    for kind in ("xlsx", "docx"):
        (folder / f"抚顺.{kind}").write_bytes((FORMATS / f"004_abee6ec0de6ec728.{kind}").read_bytes())
    with Workspace(tmp_path / "w.db") as workspace:
        results = import_paths(workspace, [folder], workers=1)
        assert [r.outcome for r in results] == ["added", "added"]
        rows = workspace.connection.execute(
            "SELECT d.name, i.regional_indicator_id, i.location FROM indicators i JOIN records r ON r.id = i.record_id"
            " JOIN documents d ON d.id = r.document_id ORDER BY i.id").fetchall()
        assert {name for name, _, _ in rows} == {"抚顺.xlsx", "抚顺.docx"}
        place = re.compile(r"^(sheet 绩效目标表|table \d+) row \d+$")
        assert all(location and place.match(location) for _, _, location in rows)
        occurrences = browse.occurrences(workspace, rows[0][1])
        assert any(o.where.startswith("sheet 绩效目标表 row ") for o in occurrences)
        document_id = workspace.documents()[1].id
        assert all(w.where.startswith(("sheet", "table")) for w in workspace.warnings(document_id))


def test_reading_text_loads_none_of_the_file_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import store.importer, store.tables, tui.cli\n"
        "from store.readers.files import read_file\n"
        f"read_file(Path({str(SEEDS['000_1dc01b27c551b5e1'])!r}))\n"
        "heavy = ('openpyxl', 'xlrd', 'docx', 'pdfplumber', 'pdfminer')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == ""


def test_a_password_protected_pdf_says_so() -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret"))
    page.drawString(100, 100, "2025")
    page.save()
    with pytest.raises(ReadError, match=r"^a password-protected PDF"):
        read_documents(buffer.getvalue(), "x.pdf")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["xlsx", "xls", "docx", "scan.pdf"]),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=6))
def test_a_damaged_file_reads_or_says_why(kind: str, flips: list[tuple[float, int]]) -> None:
    name = "scan.pdf" if kind == "scan.pdf" else f"003_039fe6756c664a99.{kind}"
    data = bytearray((FORMATS / name).read_bytes())
    for position, value in flips:
        data[int(position * (len(data) - 1))] = value
    try:
        documents = read_documents(bytes(data), name)
    except ReadError as exc:
        assert str(exc)
        return
    assert all(d.as_json() for d in documents)
