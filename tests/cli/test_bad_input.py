"""Bad input: one clear line naming the file and the problem, a non-zero exit, nothing stored lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import EDGE, SEEDS

from store.workspace import Workspace
from tui.cli import main


@pytest.mark.parametrize(("name", "problem"), [
    ("empty.txt", "empty file"),
    ("blank.txt", "empty document"),
    ("binary.txt", "binary data"),
    ("unknown-layout.txt", "no known layout"),
])
def test_unreadable_file_gets_one_clear_line_and_exit_1(name: str, problem: str, capsys) -> None:
    path = EDGE / name
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert str(path) in err[0] and problem in err[0]


def test_missing_path_is_named(capsys) -> None:
    assert main(["parse", "no/such/file.txt"]) == 1
    assert "no/such/file.txt: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["gb18030-crlf.txt", "utf8-bom.txt"])
def test_other_encodings_and_line_ends_read_like_the_seed(name: str, capsys) -> None:
    assert main(["parse", str(EDGE / name), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_truncated_document_keeps_what_is_there_and_says_where_it_ends() -> None:
    from store.readers import read_path

    document = read_path(EDGE / "truncated.txt")
    assert len(document.records) == 10
    assert any("cut off" in w.message for w in document.warnings)
    assert document.warnings[-1].line == len((EDGE / "truncated.txt").read_text(encoding="utf-8").split("\n"))


def test_workspace_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path, capsys) -> None:
    db = tmp_path / "notes.db"
    shutil.copy(EDGE / "not-a-workspace.db", db)
    before = db.read_bytes()
    assert main(["import", str(SEEDS), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(db) in err[0] and "not a zhibiao workspace" in err[0]
    assert db.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path, capsys) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE things (x)")
    assert main(["import", str(SEEDS), "--db", str(db)]) == 2
    assert "not a zhibiao workspace" in capsys.readouterr().err


def test_folder_with_bad_files_imports_the_good_ones_and_fails(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(seed, folder / seed.name)
    for name in ("empty.txt", "binary.txt", "unknown-layout.txt"):
        shutil.copy(EDGE / name, folder / name)
    db = tmp_path / "review.db"
    assert main(["import", str(folder), "--db", str(db), "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.err.count("zhibiao:") == 3
    assert "2 imported" in captured.out and "3 failed" in captured.out
    with Workspace(db) as workspace:
        assert workspace.counts()["documents"] == 2


def test_bad_file_does_not_touch_what_is_stored(tmp_path: Path, capsys) -> None:
    db = tmp_path / "review.db"
    assert main(["import", str(SEEDS), "--db", str(db), "-q"]) == 0
    with Workspace(db) as workspace:
        before = workspace.counts()
    assert main(["import", str(EDGE / "binary.txt"), str(tmp_path / "missing.txt"), "--db", str(db)]) == 1
    with Workspace(db) as workspace:
        assert workspace.counts() == before


def test_workspace_in_a_missing_folder_is_named(tmp_path: Path, capsys) -> None:
    db = tmp_path / "nowhere" / "review.db"
    assert main(["import", str(SEEDS), "--db", str(db)]) == 2
    assert "does not exist" in capsys.readouterr().err
