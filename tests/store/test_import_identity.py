"""Document identity (DESIGN §4) and what an import reads: two regions' files that share a name are two
documents, the same bytes under another name are a duplicate, a revised version replaces the old one; the
workspace itself is never read as a document; two imports at once never crash."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import SEEDS

from store.importer import collect, import_paths, worker_count
from store.workspace import Workspace

JINZHAI = SEEDS / "001_e1b7c9f5eafb4d0b.txt"
ZHANJIANG = SEEDS / "002_034170035030169e.txt"


def test_two_regions_files_that_share_a_name_are_two_documents(tmp_path: Path, workspace_path: Path) -> None:
    (tmp_path / "jinzhai").mkdir()
    (tmp_path / "zhanjiang").mkdir()
    shutil.copy(JINZHAI, tmp_path / "jinzhai" / "绩效目标表.txt")
    shutil.copy(ZHANJIANG, tmp_path / "zhanjiang" / "绩效目标表.txt")
    with Workspace(workspace_path) as workspace:
        results = import_paths(workspace, [tmp_path / "jinzhai", tmp_path / "zhanjiang"], workers=1)
        assert [r.outcome for r in results] == ["added", "added"]
        documents = workspace.documents()
        assert sorted((d.name, d.region) for d in documents) == [("绩效目标表.txt", "湛江市"),
                                                                 ("绩效目标表.txt", "金寨县")]
        assert workspace.counts()["indicators"] == 84 + 42


def test_the_same_bytes_under_another_name_are_a_duplicate_not_counted_twice(tmp_path: Path,
                                                                                workspace_path: Path) -> None:
    shutil.copy(JINZHAI, tmp_path / "a.txt")
    shutil.copy(JINZHAI, tmp_path / "b.txt")
    with Workspace(workspace_path) as workspace:
        first = import_paths(workspace, [tmp_path / "a.txt", tmp_path / "b.txt"], workers=1)
        assert [(r.outcome, r.same_as) for r in first] == [("added", None), ("duplicate", "a.txt")]
        again = import_paths(workspace, [tmp_path / "b.txt", tmp_path / "a.txt"], workers=1)
        assert [(r.outcome, r.same_as) for r in again] == [("duplicate", "a.txt"), ("unchanged", None)]
        assert workspace.counts()["documents"] == 1 and workspace.counts()["indicators"] == 84


def test_a_revised_version_replaces_the_document_in_one_transaction(tmp_path: Path, workspace_path: Path) -> None:
    path = tmp_path / "001.txt"
    shutil.copy(JINZHAI, path)
    with Workspace(workspace_path) as workspace:
        import_paths(workspace, [path], workers=1)
        path.write_text(JINZHAI.read_text(encoding="utf-8").replace("≥10万人次", "≥12万人次"), encoding="utf-8")
        results = import_paths(workspace, [path], workers=1)
        assert [r.outcome for r in results] == ["replaced"]
        assert workspace.counts()["documents"] == 1 and workspace.counts()["indicators"] == 84
        values = {row[0] for row in workspace.connection.execute("SELECT annual_value FROM indicators")}
        assert "≥12万人次" in values and "≥10万人次" not in values


def test_a_folder_holding_the_workspace_imports_its_documents_and_skips_the_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    shutil.copytree(SEEDS, folder)
    db = folder / "zhibiao.db"
    with Workspace(db) as workspace, Workspace(db) as second:  # the WAL and its index exist beside it
        assert os.path.exists(f"{db}-wal") and os.path.exists(f"{db}-shm")
        for _ in range(2):
            results = import_paths(second, [folder], workers=1)
            assert {r.outcome for r in results} <= {"added", "unchanged"} and len(results) == 5
        named = import_paths(workspace, [db], workers=1)
        assert [(r.outcome, r.error) for r in named] == [("failed", "is the workspace itself, not a document")]


def test_names_that_are_not_files_are_refused_without_being_opened(tmp_path: Path, workspace_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would block the import forever
    shutil.copy(JINZHAI, tmp_path / "real.txt")
    with Workspace(workspace_path) as workspace:
        files, errors = collect([fifo, tmp_path / "missing.txt", Path(os.devnull)], workspace)
        assert files == []
        assert [e.error for e in errors] == ["is a FIFO (named pipe), not a file", "no such file or folder",
                                             "is a character device, not a file"]
        results = import_paths(workspace, [tmp_path], workers=1)  # in a folder, a FIFO is not a document
        assert [(Path(r.path).name, r.outcome) for r in results] == [("real.txt", "added")]


def test_a_file_name_that_is_not_utf8_is_imported_and_shown_with_its_bytes(tmp_path: Path,
                                                                          workspace_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    name = os.fsdecode(b"\xb9\xe3\xd6\xdd-\xff.txt")  # GBK bytes of 广州 and a stray byte
    shutil.copy(JINZHAI, folder / name)
    with Workspace(workspace_path) as workspace:
        results = import_paths(workspace, [folder], workers=1)
        assert [(r.outcome, r.name) for r in results] == [("added", "\\xb9\\xe3\\xd6\\xdd-\\xff.txt")]
        assert [d.name for d in workspace.documents()] == ["\\xb9\\xe3\\xd6\\xdd-\\xff.txt"]


def test_two_imports_at_once_never_crash(tmp_path: Path, workspace_path: Path) -> None:
    # Both add new names to the same region, in many small batches, at the same time.
    for side in ("a", "b"):
        (tmp_path / side).mkdir()
        for number in range(12):
            text = JINZHAI.read_text(encoding="utf-8").replace("城乡医疗救助", f"城乡医疗救助{side}{number}").replace(
                "住院救助和门诊救助人次", f"住院救助人次{side}{number}")
            (tmp_path / side / f"{side}{number}.txt").write_text(text, encoding="utf-8")
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from store import importer
        from store.workspace import Workspace
        importer._BATCH_INDICATORS = 60  # a commit every document or so: the other import commits in between
        with Workspace(sys.argv[1]) as workspace:
            results = importer.import_paths(workspace, [Path(sys.argv[2])], workers=1)
        print(sum(r.outcome == "added" for r in results))
    """)
    for _ in range(3):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{workspace_path}{suffix}").unlink(missing_ok=True)
        processes = [subprocess.Popen([sys.executable, "-c", script, str(workspace_path), str(tmp_path / side)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for side in ("a", "b")]
        outputs = [process.communicate(timeout=120) for process in processes]
        assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
        assert [out.strip() for out, _ in outputs] == ["12", "12"]
        with sqlite3.connect(workspace_path) as connection:
            assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 24
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
            names = connection.execute("SELECT count(*) FROM regional_indicators WHERE key LIKE '住院救助人次%'")
            assert names.fetchone()[0] == 24


def test_parser_processes_are_capped_at_the_files_and_the_cores() -> None:
    cores = os.cpu_count() or 1
    assert worker_count(10_000, 500) == cores
    assert worker_count(10_000, 3) == min(3, cores)
    assert worker_count(None, 100) == min(cores, 4)
    assert worker_count(2, 0) == 1
