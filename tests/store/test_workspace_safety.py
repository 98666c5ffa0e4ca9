"""The workspace file under several processes and in bad states: locks kept, foreign files untouched, refusals
before anything is opened, read-only and full disks, a file deleted or replaced while open."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EDGE, SEEDS, ri

from store.errors import WorkspaceError
from store.importer import import_paths
from store.review import Review
from store.workspace import SCHEMA_VERSION, Workspace


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A Python snippet in its own process (the same interpreter and package)."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True,
                          timeout=60)


def _events(db: Path) -> list[tuple[str, str]]:
    """The decision log as a fresh connection in this process sees it (this process holds no other one)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT kind, reviewer FROM events ORDER BY id").fetchall()


def test_opening_the_workspace_again_keeps_the_locks_of_the_connections_already_open(db: Path) -> None:
    # A process holds a connection, opens the workspace again (as the review app does for its matcher); another
    # process then opens and closes the file. If opening it again had dropped the first connection's locks,
    # the other process would believe it is alone, delete the WAL, and the next decision would go nowhere.
    script = """
        import sqlite3, subprocess, sys
        from store.review import Review
        from store.workspace import Workspace
        path = sys.argv[1]
        first = Workspace(path)
        review = Review(first, "kim")
        review.flag(first.connection.execute("SELECT min(id) FROM regional_indicators").fetchone()[0])
        Workspace(path).close()
        second = Workspace(path)
        subprocess.run([sys.executable, "-c",
                        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
                        " c.execute('SELECT count(*) FROM events').fetchone(); c.close()", path], check=True)
        review.flag(first.connection.execute("SELECT max(id) FROM regional_indicators").fetchone()[0])
        print("decided")
        sys.stdout.flush()
        second.close()
        import os
        os._exit(0)  # no clean close: what is in the file is what a crash would leave
    """
    done = _run(script, str(db))
    assert done.returncode == 0, done.stderr
    assert _events(db) == [("flag", "kim"), ("flag", "kim")]


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_non_regular_files_are_refused_before_anything_is_opened(tmp_path: Path, kind: str) -> None:
    if kind == "device":
        path = Path(os.devnull)
    elif kind == "fifo":
        path = tmp_path / "pipe.db"
        os.mkfifo(path)
    else:
        path = tmp_path / "folder.db"
        path.mkdir()
    before = set(os.listdir(path.parent))
    with pytest.raises(WorkspaceError) as refused:
        Workspace(path)  # a FIFO would block here if it were opened
    assert {"device": "character device", "fifo": "FIFO", "folder": "folder"}[kind] in refused.value.reason
    assert set(os.listdir(path.parent)) == before  # no -journal, -wal or -shm next to it


def _foreign(path: Path, *statements: str) -> bytes:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return path.read_bytes()


@pytest.mark.parametrize("statements", [
    ("CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('mine')"),
    ("CREATE TABLE notes (body TEXT)", "PRAGMA user_version = 1"),
    ("CREATE TABLE notes (body TEXT)", "PRAGMA user_version = -1"),
    ("CREATE TABLE documents (x)", "PRAGMA user_version = 3"),
])
def test_a_file_that_is_not_a_zhibiao_workspace_is_never_modified(tmp_path: Path, statements) -> None:
    path = tmp_path / "other.db"
    before = _foreign(path, *statements)
    with pytest.raises(WorkspaceError, match="not a zhibiao workspace"):
        Workspace(path)
    assert path.read_bytes() == before  # not switched to WAL, no tables added
    assert sorted(os.listdir(tmp_path)) == ["other.db"]


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    shutil.copy(EDGE / "not-a-workspace.db", path)
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="not an SQLite file"):
        Workspace(path)
    assert path.read_bytes() == before


def test_a_workspace_from_a_newer_zhibiao_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with Workspace(path):
        pass
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(WorkspaceError, match="newer zhibiao"):
        Workspace(path)
    assert path.read_bytes() == before


def test_a_workspace_made_by_an_earlier_zhibiao_is_upgraded_with_its_documents_and_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(EDGE / "workspace-schema2.db", path)
    with Workspace(path) as workspace:
        assert workspace.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert workspace.counts()["documents"] == 2 and workspace.counts()["indicators"] == 126
        assert [e.kind for e in Review(workspace).events()] == ["approve"]
        assert workspace.connection.execute("PRAGMA foreign_key_check").fetchall() == []
        # the upgraded workspace knows documents by their identity, not by file name alone
        results = import_paths(workspace, [SEEDS / "001_e1b7c9f5eafb4d0b.txt", SEEDS / "003_039fe6756c664a99.txt"],
                               workers=1)
        assert [r.outcome for r in results] == ["unchanged", "added"]


def test_two_processes_creating_one_new_workspace_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    script = "import sys; from store.workspace import Workspace; Workspace(sys.argv[1]).close()"
    processes = [subprocess.Popen([sys.executable, "-c", script, str(path)], stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    with Workspace(path) as workspace:
        assert workspace.counts()["documents"] == 0


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make a file read-only for this process: immutable when running as root (root writes through modes),
    mode 0444 otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("running as root on a file system without immutable files: cannot make a file read-only")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def test_a_read_only_workspace_reads_and_says_so_on_every_write(db: Path) -> None:
    with Workspace(db) as workspace:  # the last connection closes: the WAL is checkpointed into the file
        a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
        before = workspace.counts()
    with _read_only(db), Workspace(db) as workspace:
        assert workspace.read_only
        assert workspace.counts() == before
        review = Review(workspace, "kim")
        for decide in (lambda: review.approve(a, b), lambda: review.flag(a), lambda: review.undo()):
            with pytest.raises(WorkspaceError, match="read-only"):
                decide()
        with pytest.raises(WorkspaceError, match="read-only"):
            import_paths(workspace, [SEEDS], workers=1)
    assert _events(db) == []


def test_a_workspace_deleted_or_replaced_while_open_is_noticed_before_a_write(db: Path, tmp_path: Path) -> None:
    # a process holds the workspace open; the file is replaced under it, then deleted
    script = """
        import sys
        from store.errors import WorkspaceError
        from store.review import Review
        from store.workspace import Workspace
        workspace = Workspace(sys.argv[1])
        review = Review(workspace, "kim")
        first = workspace.connection.execute("SELECT min(id) FROM regional_indicators").fetchone()[0]
        review.flag(first)
        print("ready", flush=True)
        for _ in range(2):
            sys.stdin.readline()
            try:
                review.flag(first)
                print("written", flush=True)
            except WorkspaceError as exc:
                print(exc.reason, flush=True)
    """
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), str(db)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == "ready"
        replacement = tmp_path / "replacement.db"
        with Workspace(tmp_path / "replacement.db"):
            pass
        os.replace(replacement, db)
        process.stdin.write("\n")
        process.stdin.flush()
        assert "replaced by another file" in process.stdout.readline()
        assert _events(db) == [("flag", "kim")]  # the second flag went nowhere (its log is still at the path)
        db.unlink()
        process.stdin.write("\n")
        process.stdin.flush()
        assert "deleted or moved away" in process.stdout.readline()
    finally:
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_a_full_disk_is_one_clear_error_and_nothing_stored_is_lost(db: Path) -> None:
    # writes beyond a few kilobytes fail in the importing process, as on a full disk
    script = """
        import resource, signal, sys
        from pathlib import Path
        from store.errors import WorkspaceError
        from store.importer import import_paths
        from store.workspace import Workspace
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        workspace = Workspace(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))
        try:
            import_paths(workspace, [Path(sys.argv[2])], workers=1)
        except WorkspaceError as exc:
            print(exc.reason)
    """
    with Workspace(db) as workspace:
        before = workspace.counts()
    other = EDGE / "truncated.txt"
    done = _run(script, str(db), str(other))
    assert done.returncode == 0, done.stderr
    assert "nothing of this change was stored" in done.stdout
    with Workspace(db) as workspace:
        assert workspace.counts() == before
        assert workspace.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_disk_really_full_says_so(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        path = mount / "review.db"
        with Workspace(path) as workspace:
            import_paths(workspace, [SEEDS / "001_e1b7c9f5eafb4d0b.txt"], workers=1)
            before = workspace.counts()
            free = os.statvfs(mount)
            (mount / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 8192))
            with pytest.raises(WorkspaceError, match="the disk is full"):
                import_paths(workspace, [SEEDS / "004_abee6ec0de6ec728.txt"], workers=1)
        (mount / "filler").unlink()
        with Workspace(path) as workspace:
            assert workspace.counts() == before
    finally:
        subprocess.run(["umount", str(mount)], check=False)
