"""The mapping file in both directions: an export never destroys what is not an earlier export, CSV cells a
spreadsheet would run are text, and loading checks every field, reports duplicates and conflicts, and stores
exactly what it reports."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
import tomli_w
from conftest import SEEDS, ri

from store import mapping
from store.errors import MappingError
from store.review import Review
from store.workspace import Workspace

GUANGZHOU = ("广州市", "政务服务好评率")
JINZHAI = ("金寨县", "群众满意度")
FUSHUN = ("抚顺市", "参保对象满意度")
FUSHUN_DONE = ("抚顺市", "重点工作办结率")  # its target reads =100%
ZHANJIANG = ("湛江市", "参保人数（人）")


@pytest.fixture
def workspace(db: Path):
    with Workspace(db) as opened:
        yield opened


def _integrity(workspace: Workspace) -> tuple:
    return (workspace.connection.execute("PRAGMA integrity_check").fetchone()[0], workspace.counts())


def test_export_never_overwrites_the_workspace_or_its_journal_even_forced(workspace: Workspace, tmp_path: Path
                                                                          ) -> None:
    before = _integrity(workspace)
    link = tmp_path / "link.toml"
    link.symlink_to(workspace.path)
    for target in (workspace.path, Path(f"{workspace.path}-wal"), link, Path(os.path.relpath(workspace.path))):
        with pytest.raises(MappingError, match="never overwritten"):
            mapping.export(workspace, target, force=True)
    assert _integrity(workspace) == before


def test_export_never_overwrites_a_document_even_forced(tmp_path: Path) -> None:
    document = tmp_path / "001.txt"
    shutil.copy(SEEDS / "001_e1b7c9f5eafb4d0b.txt", document)
    copy_elsewhere = tmp_path / "copy.toml"
    shutil.copy(document, copy_elsewhere)
    with Workspace(tmp_path / "review.db") as workspace:
        from store.importer import import_paths

        import_paths(workspace, [document], workers=1)
        for target in (document, copy_elsewhere):
            with pytest.raises(MappingError, match=r"is the document 001\.txt stored in the workspace"):
                mapping.export(workspace, target, force=True)
    assert document.read_bytes() == copy_elsewhere.read_bytes() == (SEEDS / "001_e1b7c9f5eafb4d0b.txt").read_bytes()


def test_export_never_writes_a_folder_or_a_device_or_a_fifo(workspace: Workspace, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    for target, kind in ((tmp_path, "folder"), (Path(os.devnull), "character device"), (fifo, "FIFO")):
        with pytest.raises(MappingError, match=kind):
            mapping.export(workspace, target, force=True)
    assert Path(os.devnull).is_char_device()


def test_another_file_needs_force_an_earlier_export_does_not(workspace: Workspace, tmp_path: Path) -> None:
    notes = tmp_path / "notes.toml"
    notes.write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"not an earlier zhibiao export \(--force"):
        mapping.export(workspace, notes)
    assert notes.read_text(encoding="utf-8") == "my own notes\n"
    mapping.export(workspace, notes, force=True)
    assert notes.read_text(encoding="utf-8").startswith('format = "zhibiao-mapping/1"')
    Review(workspace, "kim").approve(ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI))
    for target in (notes, tmp_path / "mapping.csv"):
        mapping.export(workspace, target)  # the TOML export above, then a new CSV
        assert mapping.export(workspace, target)["members"] == 2  # and each again: earlier exports


def test_the_format_follows_the_extension(workspace: Workspace, tmp_path: Path) -> None:
    mapping.export(workspace, tmp_path / "m.CSV")
    assert (tmp_path / "m.CSV").read_bytes().startswith("\ufeffrelation,".encode())
    mapping.export(workspace, tmp_path / "m.toml")
    assert (tmp_path / "m.toml").read_text(encoding="utf-8").startswith("format")
    with pytest.raises(MappingError, match=r"extension \.csv says csv"):
        mapping.export(workspace, tmp_path / "m.csv", "toml")


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(workspace: Workspace, tmp_path: Path) -> None:
    review = Review(workspace, "=HYPERLINK(\"http://x\")")
    review.approve(ri(workspace, *FUSHUN_DONE), ri(workspace, *GUANGZHOU))
    mapping.export(workspace, tmp_path / "m.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=100%" in cells and "'=HYPERLINK(\"http://x\")" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def _write(path: Path, document: dict) -> Path:
    path.write_text(tomli_w.dumps({"format": mapping.FORMAT, **document}), encoding="utf-8")
    return path


def _member(region_name: tuple[str, str], **extra) -> dict:
    return {"region": region_name[0], "name": region_name[1], **extra}


@pytest.mark.parametrize(("document", "problem"), [
    ({"close": ["not a table"]}, "close 1 must be a table, not a string"),
    ({"rejected": {"a": 1}}, "rejected must be an array of tables"),
    ({"close": [{"a": _member(GUANGZHOU), "b": "抚顺市"}]}, "close 1: b must be a table"),
    ({"concept": [{"name": "x", "level1": 3, "member": []}]}, "concept 1: level1 must be a string, not a number"),
    ({"concept": [{"name": "x", "member": [_member(GUANGZHOU, score="high")]}]},
     "concept 1, member 1: score must be a number, not a string"),
    ({"concept": [{"name": "x", "member": [_member(GUANGZHOU, score=True)]}]}, "score must be a number, not a boolean"),
    ({"concept": [{"name": "  ", "member": [_member(GUANGZHOU)]}]}, "concept 1: name is empty"),
    ({"concept": [{"name": "x", "member": [{"region": "广州市", "name": ""}]}]}, "member 1: name is empty"),
])
def test_fields_of_the_wrong_type_refuse_the_file_and_change_nothing(workspace: Workspace, tmp_path: Path,
                                                                     document: dict, problem: str) -> None:
    before = workspace.connection.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(MappingError) as refused:
        mapping.load(workspace, _write(tmp_path / "m.toml", document))
    assert problem in str(refused.value) and "nothing loaded" in str(refused.value)
    assert workspace.connection.execute("SELECT count(*) FROM events").fetchone()[0] == before


def test_deeply_nested_or_foreign_encoded_files_are_named_or_read(workspace: Workspace, tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(MappingError, match="nested too deeply"):
        mapping.load(workspace, deep)
    for codec in ("utf-16", "gbk"):
        path = tmp_path / f"{codec}.toml"
        text = tomli_w.dumps({"format": mapping.FORMAT, "concept": [
            {"name": "满意度", "member": [_member(GUANGZHOU), _member(JINZHAI)]}]})
        path.write_bytes(text.encode(codec))
        with Workspace(tmp_path / f"{codec}.db") as other:
            from store.importer import import_paths

            import_paths(other, [SEEDS], workers=1)
            report = mapping.load(other, path)
            assert (report.concepts, report.members) == (1, 2)


def test_duplicates_and_self_pairs_are_reported_and_the_counts_are_what_was_stored(workspace: Workspace,
                                                                                  tmp_path: Path) -> None:
    concept = {"id": "C0001", "name": "满意度", "member": [_member(GUANGZHOU), _member(JINZHAI)]}
    document = {
        "concept": [concept] * 1000,
        "close": [{"a": _member(FUSHUN), "b": _member(FUSHUN)}, {"a": _member(FUSHUN), "b": _member(ZHANJIANG)}],
        "rejected": [{"a": _member(ZHANJIANG), "b": _member(FUSHUN)}],
    }
    report = mapping.load(workspace, _write(tmp_path / "m.toml", document))
    assert (report.concepts, report.members, report.close, report.rejected) == (1, 2, 1, 0)
    stored = workspace.connection.execute
    assert stored("SELECT count(*) FROM concepts").fetchone()[0] == 1
    assert stored("SELECT count(*) FROM concept_members").fetchone()[0] == 2
    assert stored("SELECT kind, count(*) FROM pair_decisions GROUP BY kind").fetchall() == [("close", 1)]
    unplaced = "\n".join(report.unplaced)
    assert "concept id C0001 appears more than once" in unplaced
    assert "listed again: already placed in C0001 满意度 from this file" in unplaced
    assert "an indicator paired with itself" in unplaced
    assert "the file also has the pair as close" in unplaced


def test_loading_never_overwrites_a_decision_in_the_workspace(workspace: Workspace, tmp_path: Path) -> None:
    Review(workspace, "bob").reject(ri(workspace, *FUSHUN), ri(workspace, *ZHANJIANG))
    document = {"close": [{"a": _member(FUSHUN), "b": _member(ZHANJIANG)}],
                "rejected": [{"a": _member(GUANGZHOU), "b": _member(JINZHAI)}]}
    Review(workspace, "bob").approve(ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI))
    report = mapping.load(workspace, _write(tmp_path / "m.toml", document))
    assert (report.close, report.rejected) == (0, 0)
    assert any("already decided as rejected by bob: kept" in line for line in report.conflicts)
    assert any("the two are in one concept" in line for line in report.conflicts)
    review = Review(workspace)
    assert review.pair_decision(ri(workspace, *FUSHUN), ri(workspace, *ZHANJIANG)) == "rejected"
