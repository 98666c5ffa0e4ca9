"""Normalized records in and out: the parse JSON and a table of one indicator per row (CSV or .xlsx) import as
the same records as the documents they came from; a bad table names its row and column."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS, seed_paths

from store import tables
from store.importer import import_paths
from store.model import Document, Indicator, Record
from store.readers import ReadError
from store.readers.files import read_documents, read_file
from store.workspace import Workspace

SEED_FILES = {path.stem: path for path in seed_paths()}


def stored(db: Path) -> list[tuple]:
    """What a workspace holds of the record contract, document by document, in order."""
    with Workspace(db) as workspace:
        documents = workspace.connection.execute(
            "SELECT name, region, department, year, record_count, indicator_count FROM documents ORDER BY name"
        ).fetchall()
        records = workspace.connection.execute(
            "SELECT d.name, r.ordinal, r.kind, r.name, r.unit, r.code, r.amount_wan FROM records r"
            " JOIN documents d ON d.id = r.document_id ORDER BY d.name, r.ordinal").fetchall()
        indicators = workspace.connection.execute(
            "SELECT d.name, r.ordinal, i.ordinal, i.level1, i.level2, i.name, i.period_value, i.annual_value,"
            " i.actual_value, ri.region, ri.key FROM indicators i JOIN records r ON r.id = i.record_id"
            " JOIN documents d ON d.id = r.document_id JOIN regional_indicators ri ON ri.id = i.regional_indicator_id"
            " ORDER BY d.name, r.ordinal, i.ordinal").fetchall()
    return [*documents, *records, *indicators]


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> list[tuple]:
    db = tmp_path_factory.mktemp("original") / "w.db"
    with Workspace(db) as workspace:
        import_paths(workspace, [SEEDS], workers=1)
    return stored(db)


def _import(path: Path, db: Path) -> list:
    with Workspace(db) as workspace:
        return import_paths(workspace, [path], workers=1)


@pytest.mark.parametrize("fmt", tables.FORMATS)
def test_every_seed_round_trips_through_the_table(fmt: str, originals: list[tuple], tmp_path: Path) -> None:
    documents = [document for path in seed_paths() for document in read_file(path)]
    target = tmp_path / f"records.{fmt}"
    rows = tables.write_table(documents, target, fmt)
    empty_records = sum(1 for document in documents for record in document.records if not record.indicators)
    assert empty_records and rows == sum(document.indicator_count for document in documents) + empty_records
    results = _import(target, tmp_path / "w.db")
    assert [r.outcome for r in results] == ["added"] * 5
    assert [r.source for r in results] == [path.name for path in seed_paths()]
    assert stored(tmp_path / "w.db") == originals


def contract(document: Document) -> list[tuple]:
    """Every record and indicator field of the record contract, exactly as read."""
    return [
        (record.kind, record.name, record.unit, record.code, record.amount_wan,
         [(i.level1, i.level2, i.name, i.period_value, i.annual_value, i.actual_value) for i in record.indicators])
        for record in document.records
    ]


@pytest.mark.parametrize("stem", sorted(SEED_FILES))
def test_each_seed_alone_round_trips_through_csv_and_xlsx(stem: str, tmp_path: Path) -> None:
    document = read_file(SEED_FILES[stem])[0]
    for fmt in tables.FORMATS:
        target = tmp_path / f"{stem}.{fmt}"
        tables.write_table([document], target, fmt)
        [back] = read_file(target)
        assert (back.source, back.layout) == (document.source, "table")
        assert (back.region, back.department, back.year) == (document.region, document.department, document.year)
        assert contract(back) == contract(document)
        # the rows keep their original document's name; where they are says which table file holds them
        where = f"{stem}.{fmt}, " + ("sheet records row " if fmt == "xlsx" else "row ")
        assert all(i.location.startswith(where) for r in back.records for i in r.indicators)


def test_the_parse_json_imports_as_the_same_records(originals: list[tuple], tmp_path: Path) -> None:
    single = tmp_path / "one"
    single.mkdir()
    for path in seed_paths():
        document = read_file(path)[0]
        (single / f"{path.stem}.json").write_text(json.dumps(document.as_json(), ensure_ascii=False), "utf-8")
    _import(single, tmp_path / "single.db")
    assert stored(tmp_path / "single.db") == originals
    listed = tmp_path / "all.json"
    listed.write_text(json.dumps([read_file(p)[0].as_json() for p in seed_paths()], ensure_ascii=False), "utf-8")
    results = _import(listed, tmp_path / "list.db")
    assert [r.outcome for r in results] == ["added"] * 5
    assert stored(tmp_path / "list.db") == originals
    assert [r.outcome for r in _import(listed, tmp_path / "list.db")] == ["unchanged"] * 5


def test_json_keeps_the_provenance_of_the_original_reading() -> None:
    document = read_file(SEED_FILES["001_e1b7c9f5eafb4d0b"])[0]
    [back] = read_documents(json.dumps(document.as_json(), ensure_ascii=False).encode(), "x.json")
    assert back.records == document.records
    assert back.warnings == document.warnings
    assert back.layout == "json" and back.source == document.source


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _seed_csv(stem: str = "001_e1b7c9f5eafb4d0b") -> list[list[str]]:
    return list(csv.reader(io.StringIO(tables.to_csv(read_file(SEED_FILES[stem]), bom=False))))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_excel_saves_reads_the_same(encoding: str) -> None:
    expected = read_file(SEED_FILES["001_e1b7c9f5eafb4d0b"])[0]
    data = _csv(_seed_csv()).replace("\r\n", "\n").encode(encoding)
    [back] = read_documents(data, "金寨.csv")
    assert contract(back) == contract(expected)


def test_excel_unicode_text_tab_separated_utf16_reads_the_same() -> None:
    rows = _seed_csv()
    data = "\n".join("\t".join(row) for row in rows).encode("utf-16")
    [back] = read_documents(data, "金寨.txt")
    assert back.layout == "table"
    assert contract(back) == contract(read_file(SEED_FILES["001_e1b7c9f5eafb4d0b"])[0])


def test_a_table_without_source_column_is_one_document_named_after_the_file() -> None:
    rows = _seed_csv()
    source = rows[0].index("source")
    rows = [row[:source] + row[source + 1:] for row in rows]
    [back] = read_documents(_csv(rows).encode(), "金寨-corrected.csv")
    assert back.source == "金寨-corrected.csv" and back.region == "金寨县" and back.year == 2025


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(tmp_path: Path) -> None:
    names = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "≥90% 普通"]
    record = Record("project", "=项目", "@单位", None, 1.5, tuple(
        Indicator("产出指标", "数量指标", name, None, "-100", line=1) for name in names))
    document = Document("x.txt", "packed", "广州市", "广州市医疗保障局", 2025, (record,))
    text = tables.to_csv([document])
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert not any(cell.startswith(tables.FORMULA_START) for cell in cells)
    target = tmp_path / "x.xlsx"
    tables.write_table([document], target, "xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert all(cell.data_type in ("s", "n") for row in sheet.iter_rows() for cell in row if cell.value is not None)
    for data, name in ((text.encode("utf-8"), "x.csv"), (target.read_bytes(), "x.xlsx")):
        [back] = read_documents(data, name)
        assert [i.name for i in back.records[0].indicators] == [name.strip() for name in names]  # cells are trimmed
        assert back.records[0].name == "=项目" and back.records[0].unit == "@单位"
        assert {i.annual_value for i in back.records[0].indicators} == {"-100"}


def _problem(rows: list[list[str]]) -> str:
    with pytest.raises(ReadError) as caught:
        read_documents(_csv(rows).encode(), "bad.csv")
    return str(caught.value)


def test_missing_required_column_is_named() -> None:
    rows = _seed_csv()
    level1 = rows[0].index("level1")
    message = _problem([row[:level1] + row[level1 + 1:] for row in rows])
    assert message.startswith("row 1, column level1: missing")


def test_unknown_level_label_names_row_and_column() -> None:
    rows = _seed_csv()
    rows[4][rows[0].index("level2")] = "新增参保人数"
    rows[6][rows[0].index("level1")] = "数量指标"
    message = _problem(rows)
    assert message.startswith("row 5, column level2: unknown level-2 label '新增参保人数'")
    assert "(and 1 more problems)" in message


@pytest.mark.parametrize("amount", ["12万", "abc", "1.2.3", "nan", "inf"])
def test_bad_amount_names_row_and_column(amount: str) -> None:
    rows = _seed_csv()
    rows[3][rows[0].index("amount_wan")] = amount
    assert _problem(rows).startswith(f"row 4, column amount_wan: '{amount}' is not an amount")


def test_bad_year_and_kind_and_conflicting_region_are_named() -> None:
    rows = _seed_csv()
    rows[2][rows[0].index("year")] = "明年"
    assert _problem(rows).startswith("row 3, column year: '明年' is not a year")
    rows = _seed_csv()
    rows[2][rows[0].index("kind")] = "合计"
    assert _problem(rows).startswith("row 3, column kind: '合计' is not a kind of record")
    rows = _seed_csv()
    rows[7][rows[0].index("region")] = "霍邱县"
    assert _problem(rows).startswith("row 8, column region: '霍邱县', but earlier rows of 001_e1b7c9f5eafb4d0b.txt say")


def test_xlsx_problems_name_the_sheet_row_and_column(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "records.xlsx"
    tables.write_table(read_file(SEED_FILES["003_039fe6756c664a99"]), target, "xlsx")
    book = load_workbook(target)
    book.active.cell(row=6, column=tables.HEADER.index("amount_wan") + 1, value="一百万")
    book.save(target)
    with pytest.raises(ReadError, match=r"^sheet records row 6, column amount_wan: '一百万' is not an amount"):
        read_file(target)


def test_labels_are_read_back_to_canonical_levels_and_filed_by_meaning() -> None:
    header = ["region", "project", "level1", "level2", "name", "annual_value"]
    rows = [header, ["广州市", "工作经费", "产出", "数量", "调研报告数量", "≥1篇"],
            ["广州市", "工作经费", "产出指标", "社会效益", "群众知晓率", "≥90%"],
            ["广州市", "工作经费", "", "服务对象满意度", "满意度", "≥90%"],
            ["广州市", "部门整体", "履职效能", "重点工作履行情况", "完成率", "100%"]]
    [document] = read_documents(_csv(rows).encode(), "x.csv")
    levels = [(i.level1, i.level2) for r in document.records for i in r.indicators]
    assert levels == [("产出指标", "数量指标"), ("效益指标", "社会效益指标"), ("满意度指标", "服务对象满意度指标"),
                      ("履职效能", "重点工作履行情况")]
    assert [w.message for w in document.warnings] == [
        "群众知晓率: 社会效益指标 belongs under 效益指标, not 产出指标: filed there"]
    assert document.warnings[0].where == "row 3"
    assert [r.name for r in document.records] == ["工作经费", "部门整体"]


def test_a_record_without_indicators_survives_the_table() -> None:
    record = Record("department", "抚顺市医疗保障局", None, None, 12.5, ())
    document = Document("x.txt", "approval-book", "抚顺市", "抚顺市医疗保障局", 2024, (record,))
    [back] = read_documents(tables.to_csv([document]).encode(), "x.csv")
    assert back.records == (
        Record("department", "抚顺市医疗保障局", None, None, 12.5, (), line=2, location="x.csv, row 2"),)


def test_a_hand_corrected_table_replaces_the_reading_it_came_from(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    db = tmp_path / "w.db"
    seed = tmp_path / "金寨.txt"
    shutil.copy(SEED_FILES["001_e1b7c9f5eafb4d0b"], seed)
    _import(seed, db)
    before = stored(db)
    target = tmp_path / "金寨.xlsx"
    tables.write_table(read_file(seed), target, "xlsx")
    book = load_workbook(target)
    cell = book.active.cell(row=4, column=tables.HEADER.index("annual_value") + 1)
    assert cell.value == "合规医疗费用救助比例≥"  # cut off in the PDF text
    cell.value = "合规医疗费用救助比例≥70%"
    book.save(target)
    corrected = tmp_path / "金寨-corrected.xlsx"
    target.rename(corrected)
    [result] = _import(corrected, db)
    assert (result.outcome, result.source) == ("replaced", "金寨.txt")
    after = stored(db)
    assert len(after) == len(before)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1 and changed[0][1][7] == "合规医疗费用救助比例≥70%"


def test_a_workbook_reads_its_records_sheets_and_names_the_others(tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    target = tmp_path / "records.xlsx"
    tables.write_table(read_file(SEED_FILES["003_039fe6756c664a99"]), target, "xlsx")
    book = load_workbook(target)
    notes = book.create_sheet("说明", 0)
    notes["A1"] = "改正了第 6 行的金额"
    book.save(target)
    [document] = read_file(target)
    assert contract(document) == contract(read_file(SEED_FILES["003_039fe6756c664a99"])[0])
    assert document.warnings[0].message == "not read, no records header: sheet 说明"
    second = book.create_sheet("再一份")
    for row in load_workbook(target)["records"].iter_rows(values_only=True):
        second.append(list(row))
    book.save(target)
    with pytest.raises(ReadError, match=r"^sheet records and sheet 再一份 both hold rows of 003_039fe6756c664a99\.txt"):
        read_file(target)
    empty = Workbook()
    empty.active["A1"] = None
    buffer = io.BytesIO()
    empty.save(buffer)
    with pytest.raises(ReadError, match="has no text in it"):
        read_documents(buffer.getvalue(), "empty.xlsx")
