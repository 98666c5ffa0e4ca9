"""The workspace: idempotent imports, whole-document replacement, stable regional indicators."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS

from store import importer
from store.workspace import SCHEMA_VERSION, Workspace
from tui.cli import main


def _snapshot(db: Path) -> dict:
    with sqlite3.connect(db) as connection:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("records", "indicators", "regional_indicators", "warnings")
        }


def test_schema_version_wal_and_full_sync(workspace_path: Path) -> None:
    with Workspace(workspace_path) as workspace:
        connection = workspace.connection
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_import_summary_lines_and_total(workspace_path: Path, capsys) -> None:
    assert main(["import", str(SEEDS), "--db", str(workspace_path), "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6
    assert out[0].startswith("✓ 000_1dc01b27c551b5e1.txt  广州市 · 广州市医疗保障局 · 2025 · packed · 36 records")
    assert "total: 5 imported (394 indicators)" in out[-1]


def test_importing_the_same_files_twice_changes_nothing(workspace_path: Path, capsys) -> None:
    assert main(["import", str(SEEDS), "--db", str(workspace_path)]) == 0
    first = _snapshot(workspace_path)
    assert main(["import", str(SEEDS), "--db", str(workspace_path)]) == 0
    assert "5 unchanged" in capsys.readouterr().out
    assert _snapshot(workspace_path) == first


def test_changed_document_replaces_the_old_version(tmp_path: Path, workspace_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    assert main(["import", str(folder), "--db", str(workspace_path), "-q"]) == 0
    target = folder / "002_034170035030169e.txt"
    with Workspace(workspace_path) as workspace:
        before = dict(workspace.connection.execute("SELECT key, id FROM regional_indicators WHERE region='湛江市'"))
        counts = workspace.counts()
    target.write_text(target.read_text(encoding="utf-8").replace("系统正常使用年限", "系统正常使用期限"),
                      encoding="utf-8")
    assert main(["import", str(folder), "--db", str(workspace_path), "-q"]) == 0
    with Workspace(workspace_path) as workspace:
        after = dict(workspace.connection.execute("SELECT key, id FROM regional_indicators WHERE region='湛江市'"))
        assert workspace.counts()["indicators"] == counts["indicators"]
        assert workspace.counts()["documents"] == 5
        names = [d.name for d in workspace.documents()]
    assert names.count("002_034170035030169e.txt") == 1
    # unchanged indicators keep their regional indicator (later decisions refer to it)
    assert {k: v for k, v in after.items() if k != "系统正常使用期限"} == {
        k: v for k, v in before.items() if k != "系统正常使用年限"}
    assert "系统正常使用期限" in after and "系统正常使用年限" not in after


def test_a_failure_while_storing_leaves_the_workspace_as_it_was(
    tmp_path: Path, workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["import", str(SEEDS / "000_1dc01b27c551b5e1.txt"), "--db", str(workspace_path), "-q"]) == 0
    before = _snapshot(workspace_path)
    original = Workspace.store_prepared
    calls = {"n": 0}

    def failing(self, prepared, content_hash, path=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, prepared, content_hash, path)

    monkeypatch.setattr(Workspace, "store_prepared", failing)
    with Workspace(workspace_path) as workspace, pytest.raises(RuntimeError):
        importer.import_paths(workspace, [SEEDS], workers=1)
    assert _snapshot(workspace_path) == before


def test_regional_indicator_is_one_name_within_one_region(workspace_path: Path) -> None:
    from store.readers import read_path

    occurrences = sum(
        1 for record in read_path(SEEDS / "000_1dc01b27c551b5e1.txt").records
        for indicator in record.indicators if indicator.name == "政务服务好评率")
    assert main(["import", str(SEEDS), "--db", str(workspace_path), "-q"]) == 0
    with Workspace(workspace_path) as workspace:
        uses = workspace.connection.execute(
            "SELECT count(*) FROM indicators i JOIN regional_indicators r ON r.id = i.regional_indicator_id"
            " WHERE r.region = '广州市' AND r.name = '政务服务好评率'").fetchone()[0]
        distinct = workspace.connection.execute(
            "SELECT count(*) FROM regional_indicators WHERE region = '广州市' AND name = '政务服务好评率'"
        ).fetchone()[0]
    assert occurrences > 1 and uses == occurrences and distinct == 1


def test_many_files_import_in_parallel_workers(tmp_path: Path, workspace_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(10):
        for seed in SEEDS.glob("*.txt"):  # ten revisions of each (the same bytes would be duplicates)
            (folder / f"{index}_{seed.name}").write_bytes(seed.read_bytes() + b"\n" * (index + 1))
    with Workspace(workspace_path) as workspace:
        results = importer.import_paths(workspace, [folder], workers=2)
        assert {r.outcome for r in results} == {"added"}
        assert workspace.counts()["indicators"] == 3940
