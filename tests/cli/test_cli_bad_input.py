"""Every bad input to the command line: one clear line naming the file and the problem, the right exit status,
nothing stored lost, nothing that blocks, and no byte of a name that could act on the terminal."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli_w
from conftest import EDGE, SEEDS

from tui.cli import main

ZHIBIAO = str(Path(sys.executable).parent / "zhibiao")
ESCAPES = ("\x1b", "\x07", "\x9b", "\u202e")


def _zhibiao(*args: str, timeout: float = 60, **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZHIBIAO, *args], capture_output=True, text=True, timeout=timeout, **options)


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    db = tmp_path / "review.db"
    assert main(["import", str(SEEDS), "--db", str(db), "-q"]) == 0
    return db


@pytest.mark.parametrize("kind", ["device", "folder", "fifo", "foreign", "not sqlite", "newer"])
@pytest.mark.parametrize("command", [["import", str(SEEDS / "001_e1b7c9f5eafb4d0b.txt")], ["suggest"], ["export"],
                                     ["load-mapping", "mapping.toml"]])
def test_a_workspace_that_cannot_be_used_is_one_line_and_exit_2(tmp_path: Path, capsys, kind: str,
                                                               command: list[str]) -> None:
    db = {"device": Path(os.devnull), "folder": tmp_path, "fifo": tmp_path / "pipe.db"}.get(kind, tmp_path / "x.db")
    if kind == "fifo":
        os.mkfifo(db)
    elif kind == "foreign":
        with contextlib.closing(sqlite3.connect(db)) as connection:
            connection.execute("CREATE TABLE mine (x)")
    elif kind == "not sqlite":
        shutil.copy(EDGE / "not-a-workspace.db", db)
    elif kind == "newer":
        with contextlib.closing(sqlite3.connect(db)) as connection:
            connection.execute(f"PRAGMA application_id = {0x7A686962}")
            connection.execute("PRAGMA user_version = 99")
    before = sorted(os.listdir(db.parent))
    assert main([*command, "--db", str(db)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"zhibiao: {db}: ")
    assert {"device": "character device", "folder": "folder", "fifo": "FIFO", "foreign": "not a zhibiao workspace",
            "not sqlite": "not a zhibiao workspace", "newer": "newer zhibiao"}[kind] in line
    assert sorted(os.listdir(db.parent)) == before


@contextlib.contextmanager
def _deadline(seconds: int):
    """Fail instead of hanging: a blocked open() of a FIFO is interrupted by the alarm."""
    def expired(signum, frame) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_given_as_document_mapping_or_lexicon_is_refused_without_blocking(workspace: Path, tmp_path: Path,
                                                                                 capsys) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for args, status in ((["parse", str(fifo)], 1), (["import", str(fifo), "--db", str(workspace)], 1),
                         (["load-mapping", str(fifo), "--db", str(workspace)], 1),
                         (["suggest", "--lexicon", str(fifo), "--db", str(workspace)], 2)):
        with _deadline(20):
            assert main(args) == status, args
        err = capsys.readouterr().err
        assert f"zhibiao: {fifo}: is a FIFO (named pipe), not a file" in err.splitlines()


def test_review_without_a_terminal_says_so_and_exits(workspace: Path) -> None:
    with open(os.devnull) as nothing:
        done = _zhibiao("review", "--db", str(workspace), stdin=nothing, timeout=30)
    assert done.returncode == 2
    assert "needs a terminal" in _one_line(done.stderr)


def test_export_refusals_are_one_line_and_the_path_written_is_printed_whole(workspace: Path, tmp_path: Path,
                                                                            capsys) -> None:
    for target in (str(workspace), os.devnull, str(tmp_path)):
        assert main(["export", "--db", str(workspace), "-o", target, "--force"]) == 1
        assert _one_line(capsys.readouterr().err).startswith(f"zhibiao: {target}: ")
    with sqlite3.connect(workspace) as connection:
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    folder = tmp_path / "一个很长的文件夹名称" / "再来一层"
    folder.mkdir(parents=True)
    os.chdir(tmp_path)
    assert main(["export", "--db", str(workspace), "-o", str(folder.relative_to(tmp_path) / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {folder / 'm.csv'}: ")
    assert (folder / "m.csv").read_bytes().startswith("\ufeffrelation,".encode())


def _bad_names(folder: Path) -> list[str]:
    names = ["x\x1b]2;PWNED\x07title.txt", "y\x1b[2Jclear.txt", "z\u202egnp.exe.txt", "w\u200bzero.txt", "v\x9b2J.txt"]
    folder.mkdir()
    for name, seed in zip(names, sorted(SEEDS.glob("*.txt")), strict=False):
        shutil.copy(seed, folder / name)
    return names


def test_names_from_files_and_documents_never_reach_the_terminal_raw(tmp_path: Path, capsys) -> None:
    _bad_names(tmp_path / "docs")
    (tmp_path / "docs" / "u\x1b[31mbroken.txt").write_bytes(b"\x00\x01 not a document")
    db = tmp_path / "review.db"
    assert main(["import", str(tmp_path / "docs"), "--db", str(db)]) == 1
    done = capsys.readouterr()
    for stream in (done.out, done.err):
        assert not [escape for escape in ESCAPES if escape in stream]
    assert "␛]2;PWNED␇title.txt" in done.out and "<U+202E>" in done.out and "<U+200B>" in done.out
    assert "<U+009B>" in done.out and "u␛[31mbroken.txt" in done.err
    mapping = tmp_path / "m.toml"
    mapping.write_text(tomli_w.dumps({"format": "zhibiao-mapping/1", "concept": [
        {"name": "\x1b[2J满意度", "member": [{"region": "广州市", "name": "政务服务好评率\x1b]2;x\x07"}]}]}),
        encoding="utf-8")
    assert main(["load-mapping", str(mapping), "--db", str(db)]) == 0
    loaded = capsys.readouterr()
    assert "␛[2J满意度" in loaded.out
    assert not [escape for escape in ESCAPES if escape in loaded.out + loaded.err]
    assert main(["parse", str(tmp_path / "gone\x1b[2J.txt")]) == 1
    assert "gone␛[2J.txt: no such file" in capsys.readouterr().err


def test_a_file_name_that_is_not_utf8_is_imported_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEEDS / "001_e1b7c9f5eafb4d0b.txt", folder / os.fsdecode(b"\xb9\xe3\xd6\xdd-\xff.txt"))
    shutil.copy(SEEDS / "002_034170035030169e.txt", folder / "002.txt")
    done = _zhibiao("import", str(folder), "--db", str(tmp_path / "review.db"), "-q")
    assert done.returncode == 0, done.stderr
    assert "✓ \\xb9\\xe3\\xd6\\xdd-\\xff.txt  金寨县" in done.stdout and "total: 2 imported" in done.stdout


def test_duplicates_are_reported_and_not_counted(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEEDS / "001_e1b7c9f5eafb4d0b.txt", folder / "a.txt")
    shutil.copy(SEEDS / "001_e1b7c9f5eafb4d0b.txt", folder / "b.txt")
    assert main(["import", str(folder), "--db", str(tmp_path / "review.db"), "-q"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "= b.txt  the same bytes as a.txt, already imported: not imported again"
    assert out[-1].startswith("total: 1 imported (84 indicators), 0 unchanged, 1 duplicates, 0 failed;")


def test_load_mapping_prints_what_it_stored(workspace: Path, tmp_path: Path, capsys) -> None:
    concept = {"id": "C0001", "name": "满意度", "member": [{"region": "广州市", "name": "政务服务好评率"},
                                                          {"region": "金寨县", "name": "群众满意度"}]}
    path = tmp_path / "m.toml"
    path.write_text(tomli_w.dumps({"format": "zhibiao-mapping/1", "concept": [concept] * 500}), encoding="utf-8")
    assert main(["load-mapping", str(path), "--db", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert f"loaded {path}: 1 new concepts, 2 members, 0 close matches, 0 rejected pairs" in out
    assert "C0001 appears more than once" in out


@contextlib.contextmanager
def _read_only(path: Path):
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("running as root on a file system without immutable files")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)


def test_a_read_only_workspace_exports_and_suggests_and_refuses_writes(db: Path, tmp_path: Path, capsys) -> None:
    with _read_only(db):
        assert main(["export", "--db", str(db), "-o", str(tmp_path / "m.toml")]) == 0
        assert main(["suggest", "--db", str(db), "--json"]) == 0
        assert '"candidates"' in capsys.readouterr().out
        for args in (["import", str(SEEDS / "001_e1b7c9f5eafb4d0b.txt")], ["load-mapping", str(tmp_path / "m.toml")]):
            assert main([*args, "--db", str(db)]) == 2
            assert "workspace is read-only" in _one_line(capsys.readouterr().err)


def test_a_full_disk_during_import_is_one_line_and_loses_nothing(workspace: Path) -> None:
    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    with sqlite3.connect(workspace) as connection:
        before = connection.execute("SELECT count(*) FROM indicators").fetchone()[0]
    done = subprocess.run([ZHIBIAO, "import", str(EDGE / "truncated.txt"), "--db", str(workspace)],
                          capture_output=True, text=True, timeout=60, preexec_fn=limit)
    assert done.returncode == 2
    line = _one_line(done.stderr)
    assert line.startswith(f"zhibiao: {workspace}: ") and "nothing of this change was stored" in line
    with sqlite3.connect(workspace) as connection:
        assert connection.execute("SELECT count(*) FROM indicators").fetchone()[0] == before
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _corpus(folder: Path, copies: int) -> Path:
    """Many distinct documents (each a revision of a seed), enough for parser processes to be busy a while."""
    folder.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for number in range(copies):
        seed = seeds[number % len(seeds)]
        (folder / f"{number:04d}_{seed.name}").write_bytes(seed.read_bytes() + b"\n" * (number // len(seeds) + 1))
    return folder


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.add(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            continue
    return alive


def _wait_for_workers(process: subprocess.Popen, seconds: float = 30) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = _children(process.pid)
        if len(workers) >= 2:
            return workers
        time.sleep(0.05)
    raise AssertionError("the import started no parser processes")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="counts processes through /proc")
def test_killing_an_import_leaves_no_parser_processes_behind(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs", 600)
    process = subprocess.Popen([ZHIBIAO, "import", str(corpus), "--db", str(tmp_path / "review.db"), "-q",
                                "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = set()
    try:
        workers = _wait_for_workers(process)
        process.kill()
        process.wait(timeout=30)
        deadline = time.monotonic() + 5
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers)
    finally:
        for pid in _alive(workers):  # only the processes this test started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="counts processes through /proc")
def test_ctrl_c_prints_what_was_committed_and_stops_the_workers(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs", 600)
    db = tmp_path / "review.db"
    script = ("import sys; from store import importer; importer._BATCH_INDICATORS = 400; from tui.cli import main;"
              " sys.exit(main(sys.argv[1:]))")
    process = subprocess.Popen([sys.executable, "-c", script, "import", str(corpus), "--db", str(db), "-q",
                                "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    workers = set()
    try:
        workers = _wait_for_workers(process)
        deadline = time.monotonic() + 60
        stored = 0
        while stored == 0 and time.monotonic() < deadline:
            with contextlib.suppress(sqlite3.OperationalError), contextlib.closing(sqlite3.connect(db)) as connection:
                stored = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
            time.sleep(0.05)
        assert stored, "nothing was committed in time"
        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C reaches the whole foreground group
        out, err = process.communicate(timeout=60)
    finally:
        for pid in _alive(workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    line = _one_line(err)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        committed = connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert f"interrupted; {committed} documents were stored before" in line
    assert out.count("✓ ") == committed and 0 < committed < 600
    assert not _alive(workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="counts processes through /proc")
def test_workers_are_capped_at_the_cores(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "docs", 80)
    process = subprocess.Popen([ZHIBIAO, "import", str(corpus), "--db", str(tmp_path / "review.db"), "-q",
                                "--workers", "10000"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    most = 0
    while process.poll() is None:
        most = max(most, len(_children(process.pid)))
        time.sleep(0.02)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    assert 0 < most <= (os.cpu_count() or 1) + 1  # the parsers, and the executor's own helper at most
