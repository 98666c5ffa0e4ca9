"""Every file zhibiao writes (the mapping, SSSOM, the workbook, the records table) goes through one check and
one atomic write: the workspace, a stored document, an input being read, a folder or a device are never
replaced, even forced; another file only when it is an earlier output of the same kind, or forced."""

from __future__ import annotations

import os
import random
import shutil
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS
from crosswalk_families import mapped_copy

from store import mapping, report, sssom, tables
from store.errors import OutputError, ZhibiaoError
from store.files import atomic_write
from store.importer import import_paths
from store.readers.files import read_file
from store.workspace import Workspace

GUANGZHOU = SEEDS / "000_1dc01b27c551b5e1.txt"
Writer = Callable[[Workspace, Path, bool], object]


def _table(workspace: Workspace, path: Path, force: bool) -> object:
    return tables.write_table(read_file(GUANGZHOU), path, "csv", force=force)


# each writer with the extension its output has
WRITERS: dict[str, tuple[Writer, str]] = {
    "mapping": (lambda workspace, path, force: mapping.export(workspace, path, force=force), ".toml"),
    "mapping csv": (lambda workspace, path, force: mapping.export(workspace, path, force=force), ".csv"),
    "sssom": (lambda workspace, path, force: sssom.export(workspace, path, force=force), ".tsv"),
    "report": (lambda workspace, path, force: report.write_report(workspace, path, force=force), ".xlsx"),
    "records table": (_table, ".csv"),
}


@pytest.fixture
def imported(seeded: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A mapped workspace holding one more document imported from a file of its own (its path is stored)."""
    db, _ = mapped_copy(seeded, tmp_path)
    document = tmp_path / "docs" / "曲江.txt"
    document.parent.mkdir()
    shutil.copy(SEEDS / "003_039fe6756c664a99.txt", document)
    document.write_bytes(document.read_bytes() + b"\n")  # other bytes than the seed already stored
    with Workspace(db) as workspace:
        assert [result.outcome for result in import_paths(workspace, [document], workers=1)] == ["added"]
    return db, document


def _leftovers(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.name.endswith(".tmp")]


@pytest.mark.parametrize("writer", ["mapping", "sssom", "report"])
@pytest.mark.parametrize("target", ["workspace", "wal", "link to workspace", "stored document",
                                    "copy of a document", "folder", "fifo", "device"])
def test_what_belongs_to_the_workspace_is_never_replaced_even_forced(imported, tmp_path: Path, writer: str,
                                                                     target: str) -> None:
    db, document = imported
    write, extension = WRITERS[writer]
    with Workspace(db) as workspace:
        path = {"workspace": db, "wal": Path(f"{db}-wal"), "stored document": document,
                "folder": tmp_path / "docs", "device": Path(os.devnull)}.get(target, tmp_path / f"x{extension}")
        if target == "link to workspace":
            path.symlink_to(db)
        elif target == "copy of a document":
            shutil.copy(document, path)
        elif target == "fifo":
            os.mkfifo(path)
        assert path.exists()
        before = path.read_bytes() if path.is_file() else None
        counts = workspace.counts()
        with pytest.raises(ZhibiaoError) as refused:
            write(workspace, path, True)
        assert refused.value.path == str(path)
        assert refused.value.reason.endswith("never overwritten, even with --force"), refused.value.reason
        if target in ("stored document", "copy of a document"):
            assert "曲江.txt" in refused.value.reason
        if before is not None:
            assert path.read_bytes() == before
        assert workspace.counts() == counts
        assert workspace.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if target == "fifo":
        assert stat.S_ISFIFO(os.stat(path).st_mode)
    assert not _leftovers(tmp_path)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_another_file_needs_force_an_earlier_output_or_an_empty_file_does_not(seeded: Path, tmp_path: Path,
                                                                              writer: str) -> None:
    write, extension = WRITERS[writer]
    db, _ = mapped_copy(seeded, tmp_path)
    notes = tmp_path / f"notes{extension}"
    notes.write_text("my own notes\n", encoding="utf-8")
    with Workspace(db) as workspace:
        with pytest.raises(ZhibiaoError, match=r"exists and is not .* \(--force replaces it\): not overwritten"):
            write(workspace, notes, False)
        assert notes.read_text(encoding="utf-8") == "my own notes\n"
        notes.chmod(0o640)
        write(workspace, notes, True)
        first = notes.read_bytes()
        assert first != b"my own notes\n" and notes.stat().st_mode & 0o777 == 0o640  # a colleague's mode kept
        write(workspace, notes, False)  # now an earlier output of the same kind
        assert notes.stat().st_size > 0
        empty = tmp_path / f"empty{extension}"
        empty.touch()
        write(workspace, empty, False)
        assert empty.stat().st_size > 0
    assert not _leftovers(tmp_path)


def test_an_output_of_one_kind_is_not_taken_for_an_earlier_output_of_another(seeded: Path, tmp_path: Path) -> None:
    db, _ = mapped_copy(seeded, tmp_path)
    with Workspace(db) as workspace:
        written = {}
        for name, (write, extension) in WRITERS.items():
            written[name] = tmp_path / f"{name.replace(' ', '-')}{extension}"
            write(workspace, written[name], False)
        refused = 0
        for name, (write, extension) in WRITERS.items():
            for other, path in written.items():
                if {name, other} <= {"mapping", "mapping csv"} or other == name:
                    continue  # TOML and CSV are both the mapping export
                target = tmp_path / "cross" / f"{other.replace(' ', '-')}{extension}"
                target.parent.mkdir(exist_ok=True)
                shutil.copy(path, target)
                before = target.read_bytes()
                with pytest.raises(ZhibiaoError, match="exists and is not"):
                    write(workspace, target, False)
                assert target.read_bytes() == before
                refused += 1
    assert refused == 18


def test_a_records_table_never_replaces_a_document_being_read_or_a_workspace(seeded: Path, tmp_path: Path) -> None:
    source = tmp_path / "广州.csv"
    shutil.copy(GUANGZHOU, source)
    documents = read_file(source)
    workspace = tmp_path / "w.db"
    shutil.copy(seeded, workspace)
    for target in (source, workspace):
        before = target.read_bytes()
        with pytest.raises(OutputError, match="never overwritten, even with --force"):
            tables.write_table(documents, target, "csv", inputs=[source], force=True)
        assert target.read_bytes() == before
    with pytest.raises(OutputError, match="not overwritten"):
        tables.write_table(documents, source, "csv", inputs=[tmp_path / "." / source.name])
    assert not _leftovers(tmp_path)


def test_a_write_that_fails_or_is_interrupted_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"the earlier one")

    def half_then(exc: BaseException) -> Callable[[object], None]:
        def write(stream) -> None:
            stream.write(b"half a workbook")
            raise exc
        return write

    with pytest.raises(OutputError, match=r"cannot write \(No space left on device\); nothing was changed"):
        atomic_write(target, half_then(OSError(28, "No space left on device")))
    for interruption in (KeyboardInterrupt(), ValueError("a bug in the writer")):
        with pytest.raises(type(interruption)):
            atomic_write(target, half_then(interruption))
    assert target.read_bytes() == b"the earlier one"
    assert not _leftovers(tmp_path)
    atomic_write(target, lambda stream: stream.write(b"streamed"))
    assert target.read_bytes() == b"streamed"


def test_a_records_workbook_larger_than_its_first_mebibyte_is_still_an_earlier_table(tmp_path: Path) -> None:
    document = read_file(GUANGZHOU)[0]
    noise = random.Random(7)
    records = tuple(replace(record, indicators=tuple(
        replace(indicator, name="".join(chr(noise.randrange(0x4E00, 0x9FA5)) for _ in range(5000)))
        for indicator in record.indicators)) for record in document.records)
    large = replace(document, records=records)
    target = tmp_path / "large.xlsx"
    tables.write_table([large], target, "xlsx")
    assert target.stat().st_size > 1 << 20  # a zip read only up to here has no directory: unreadable
    tables.write_table([document], target, "xlsx")  # replaced without --force
    assert target.stat().st_size < 1 << 20
