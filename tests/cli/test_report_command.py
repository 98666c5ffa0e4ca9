"""`zhibiao report` and `zhibiao export --format sssom` as a user runs them, and their one clear line for bad
input (nothing stored lost, no document overwritten)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from crosswalk_families import mapped_copy
from openpyxl import load_workbook

from store.workspace import Workspace
from tui.cli import main


@pytest.fixture
def mapped_db(seeded: Path, tmp_path: Path) -> Path:
    return mapped_copy(seeded, tmp_path)[0]


def state(db: Path) -> tuple:
    with Workspace(db) as workspace:
        connection = workspace.connection
        return (connection.execute("SELECT count(*) FROM events").fetchone()[0],
                connection.execute("SELECT count(*) FROM concept_members").fetchone()[0],
                workspace.counts())


def test_report_writes_the_workbook(mapped_db: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "crosswalk.xlsx"
    assert main(["report", "--db", str(mapped_db), "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {target}: 6 concepts over 5 regions") and "flagged cells" in out
    assert "4 charts" in out and "no counterpart anywhere" in out
    assert load_workbook(target).sheetnames[:5] == ["指标库", "对照", "覆盖", "未匹配", "决定日志"]


def test_export_sssom_writes_the_mapping_set(mapped_db: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "m.sssom.tsv"
    assert main(["export", "--db", str(mapped_db), "--format", "sssom", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "skos:exactMatch" in out and "1 skos:closeMatch" in out and "1 negative" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("#curie_map:\n") and "\tskos:closeMatch\t" in text


@pytest.mark.parametrize(("command", "target", "problem"), [
    (["report"], "{db}", "is the workspace"),
    (["report"], "{doc}", ".xlsx"),
    (["report"], "{doc_xlsx}", "is the imported document"),
    (["report"], "{notes}", "is not a workbook"),
    (["report"], "{missing}/crosswalk.xlsx", "does not exist"),
    (["export", "--format", "sssom"], "{db}", "is the workspace"),
    (["export", "--format", "sssom"], "{doc}", "is the imported document"),
    (["export", "--format", "sssom"], "{notes}", "is not an SSSOM file"),
])
def test_bad_output_gets_one_clear_line_and_nothing_is_lost(mapped_db: Path, tmp_path: Path, command, target,
                                                            problem, capsys) -> None:
    doc = tmp_path / "guangzhou.txt"
    shutil.copy(SEEDS / "000_1dc01b27c551b5e1.txt", doc)
    doc_xlsx = tmp_path / "guangzhou.xlsx"
    shutil.copy(doc, doc_xlsx)
    notes = tmp_path / "notes.xlsx" if command[0] == "report" else tmp_path / "notes.tsv"
    notes.write_text("mine\n", encoding="utf-8")
    path = target.format(db=mapped_db, doc=doc, doc_xlsx=doc_xlsx, notes=notes, missing=tmp_path / "nowhere")
    before = state(mapped_db)
    files = {file: hashlib.sha256(file.read_bytes()).hexdigest() for file in (doc, doc_xlsx, notes)}
    assert main([*command, "--db", str(mapped_db), "-o", path]) == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and path in err[0] and problem in err[0]
    assert captured.out == ""
    assert state(mapped_db) == before
    assert {file: hashlib.sha256(file.read_bytes()).hexdigest() for file in files} == files


def test_report_needs_an_existing_workspace(tmp_path: Path, capsys) -> None:
    assert main(["report", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.xlsx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such workspace" in err[0]
    assert not (tmp_path / "none.db").exists()


def test_report_of_a_workspace_with_nothing_mapped_yet(seeded: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "fresh.db"
    shutil.copy(seeded, db)
    assert main(["report", "--db", str(db), "-o", str(tmp_path / "empty.xlsx")]) == 0
    assert "0 concepts over 5 regions" in capsys.readouterr().out
    book = load_workbook(tmp_path / "empty.xlsx")
    assert book["未匹配"].max_row > 250 and book["指标库"].max_row == 1
