"""`zhibiao parse --format csv|xlsx -o OUT` writes the records table; `zhibiao import` takes it back, the record
JSON and files of every kind; what would overwrite a document or a workspace is refused."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from store.workspace import Workspace
from tui.cli import main

FORMATS = ROOT / "fixtures" / "formats"
GUANGZHOU = SEEDS / "000_1dc01b27c551b5e1.txt"
FUSHUN = SEEDS / "004_abee6ec0de6ec728.txt"


def _counts(db: Path) -> dict[str, int]:
    with Workspace(db) as workspace:
        return workspace.counts()


def test_parse_writes_a_table_that_imports_as_the_original(tmp_path: Path, capsys) -> None:
    out = tmp_path / "广州.xlsx"
    assert main(["parse", str(GUANGZHOU), "--format", "xlsx", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}: 130 rows (1 documents, 36 records, 127 indicators)"
    assert main(["import", str(GUANGZHOU), "--db", str(tmp_path / "text.db"), "-q"]) == 0
    assert main(["import", str(out), "--db", str(tmp_path / "table.db"), "-q"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("✓ 广州.xlsx › 000_1dc01b27c551b5e1.txt  广州市 · 广州市医疗保障局 · 2025 · table"
                               " · 36 records · 127 indicators") for line in lines)
    assert _counts(tmp_path / "table.db") | {"warnings": 0} == _counts(tmp_path / "text.db") | {"warnings": 0}


def test_parse_prints_csv_without_a_bom_when_no_file_is_named(capsys) -> None:
    assert main(["parse", str(FUSHUN), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["region", "department", "year", "project"] and not out.startswith("\ufeff")
    assert len(rows) == 1 + 107 + sum(1 for r in rows[1:] if not r[9])


def test_xlsx_needs_a_file_to_write_to(capsys) -> None:
    assert main(["parse", str(FUSHUN), "--format", "xlsx"]) == 2
    assert "-o FILE.xlsx" in capsys.readouterr().err


def test_an_earlier_table_is_replaced(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.csv"
    assert main(["parse", str(FUSHUN), "--format", "csv", "-o", str(out)]) == 0
    assert main(["parse", str(GUANGZHOU), "--format", "csv", "-o", str(out)]) == 0
    assert "广州市医疗保障局" in out.read_text(encoding="utf-8-sig")
    out.chmod(0o640)
    assert main(["parse", str(FUSHUN), "--format", "csv", "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("what", ["the input", "a workspace", "a document", "a folder", "a fifo"])
def test_output_never_overwrites_a_document_a_workspace_or_a_non_regular_file(what: str, tmp_path: Path,
                                                                             capsys) -> None:
    import os

    source = tmp_path / "抚顺.txt"
    shutil.copy(FUSHUN, source)
    if what == "the input":
        target = source
    elif what == "a workspace":
        target = tmp_path / "zhibiao.db"
        assert main(["import", str(GUANGZHOU), "--db", str(target), "-q"]) == 0
    elif what == "a document":
        target = tmp_path / "年度预算.xlsx"
        shutil.copy(FORMATS / "001_e1b7c9f5eafb4d0b.xlsx", target)
    elif what == "a folder":
        target = tmp_path / "out"
        target.mkdir()
    else:
        target = tmp_path / "pipe.csv"
        os.mkfifo(target)
    before = target.read_bytes() if target.is_file() else None
    capsys.readouterr()
    fmt = "xlsx" if target.suffix == ".xlsx" else "csv"
    assert main(["parse", str(source), "--format", fmt, "-o", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0]
    assert any(word in err[0] for word in ("not overwritten", "is a folder"))
    if before is not None:
        assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_bad_table_names_file_row_and_column_and_stores_nothing(tmp_path: Path, capsys) -> None:
    db = tmp_path / "w.db"
    assert main(["import", str(FUSHUN), "--db", str(db), "-q"]) == 0
    table = tmp_path / "广州.csv"
    assert main(["parse", str(GUANGZHOU), "--format", "csv", "-o", str(table)]) == 0
    text = table.read_text(encoding="utf-8-sig").replace("广州市医疗保障局,2025,工作经费,广州市医疗保障局,,10,",
                                                        "广州市医疗保障局,2025,工作经费,广州市医疗保障局,,十万,", 1)
    table.write_text(text, encoding="gbk")  # as Excel on a Chinese Windows saves it
    before = _counts(db)
    capsys.readouterr()
    assert main(["import", str(table), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1
    assert str(table) in err[0] and "row 2, column amount_wan: '十万' is not an amount" in err[0]
    assert _counts(db) == before


def test_files_of_every_kind_import_from_one_folder(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "下载"
    folder.mkdir()
    for kind in ("xlsx", "xls", "docx", "pdf"):
        shutil.copy(FORMATS / f"003_039fe6756c664a99.{kind}", folder / f"曲江.{kind}")
    document = json.loads(_parse_json(SEEDS / "002_034170035030169e.txt", capsys))
    (folder / "湛江.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    shutil.copy(FORMATS / "scan.pdf", folder / "扫描件.pdf")
    db = tmp_path / "w.db"
    assert main(["import", str(folder), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    imported = [line for line in captured.out.splitlines() if line.startswith("✓")]
    assert len(imported) == 5
    assert any("湛江.json › 002_034170035030169e.txt  湛江市" in line and "· json ·" in line for line in imported)
    assert sum("韶关市曲江区 · 韶关市曲江区医疗保障局 · 2026 · markdown · 4 records · 34 indicators" in line
               for line in imported) == 4
    [err] = captured.err.strip().splitlines()
    assert "扫描件.pdf" in err and "without a text layer" in err


def _parse_json(path: Path, capsys) -> str:
    capsys.readouterr()
    assert main(["parse", str(path), "--json"]) == 0
    return capsys.readouterr().out


def test_warnings_of_a_spreadsheet_say_sheet_and_row(tmp_path: Path, capsys) -> None:
    book = tmp_path / "抚顺.xlsx"
    shutil.copy(FORMATS / "004_abee6ec0de6ec728.xlsx", book)
    assert main(["parse", str(book)]) == 0
    out = capsys.readouterr().out
    assert "  sheet 绩效目标表 row " in out and "line " not in out.split("warnings")[-1]
    assert main(["import", str(book), "--db", str(tmp_path / "w.db")]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if line.startswith("    ")]
    assert warnings and all(line.startswith("    sheet 绩效目标表 row ") for line in warnings)
