"""The review app as a real process in a terminal, sharing its workspace with other processes: exports,
suggestions, imports, loaded mappings, plain SQLite reads and a colleague's app. Every decision the screen shows
as done is in the file at once; the colleague's app shows it within its poll interval; a decision on a pair
decided meanwhile is refused; ``u`` undoes the reviewer's own decision.

The app is driven only from outside, by keys, in queue mode (``g``, then ``a`` / ``c`` / ``x`` / ``u``)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from tui.literal import visible

ZHIBIAO = str(Path(sys.executable).parent / "zhibiao")
ROWS, COLUMNS = 50, 240


class Terminal:
    """A program in a pseudo-terminal, its output read continuously (a terminal nobody reads blocks the app)."""

    def __init__(self, argv: list[str], environ: dict[str, str] | None = None) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: its terminal has the size before the program asks for it
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.environ.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS), **(environ or {}))
            os.environ.pop("NO_COLOR", None)
            os.execv(argv[0], argv)
        self._output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.status: int | None = None

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output.extend(chunk)

    def mark(self) -> int:
        with self._lock:
            return len(self._output)

    def text(self, since: int = 0) -> str:
        with self._lock:
            return self._output[since:].decode("utf-8", errors="replace")

    def wait_for(self, needle: str, since: int = 0, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if needle in self.text(since):
                return
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} did not appear; the end of the output: {self.text(since)[-600:]!r}")

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, seconds: float = 30) -> int:
        deadline = time.monotonic() + seconds
        while self.status is None and time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
            else:
                time.sleep(0.05)
        if self.status is None:
            raise AssertionError("the program did not end")
        return self.status

    def close(self) -> None:
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                self.wait(10)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        self._reader.join(timeout=5)


class App(Terminal):
    """``zhibiao review`` for one reviewer."""

    def __init__(self, db: Path, reviewer: str, *, poll_seconds: float | None = None) -> None:
        environ = None
        if poll_seconds is not None:  # how often the app looks for other processes' decisions
            config = db.parent / f"{reviewer}.toml"
            config.write_text(f"poll_seconds = {poll_seconds}\n", encoding="utf-8")
            environ = {"ZHIBIAO_CONFIG": str(config)}
        super().__init__([ZHIBIAO, "review", "--db", str(db), "--reviewer", reviewer], environ)
        self.db = db
        self.wait_for("Records")

    def ready(self, seconds: float = 60) -> None:
        """Wait until the status line shows no background work (the matcher loaded): a queue entered before
        that is reordered when the matcher is ready."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.text())
            end = shown.rfind("of occurrences)")
            if end >= 0 and not shown[end + len("of occurrences)"):].lstrip(" ").startswith("·"):
                return
            time.sleep(0.1)
        raise AssertionError("the app's background work did not finish")

    def queue(self) -> None:
        since = self.mark()
        self.press("g")
        self.wait_for("queue mode", since)


def _events(db: Path, after: int = 0) -> list[tuple[int, str, str, str, int | None]]:
    """The decision log as a fresh connection sees it (the test process holds no other connection)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT id, reviewer, kind, summary, undoes FROM events WHERE id > ? ORDER BY id",
                                  (after,)).fetchall()


def _last_id(db: Path) -> int:
    events = _events(db)
    return events[-1][0] if events else 0


def decide(app: App, key: str, seconds: float = 20) -> tuple[int, str, str, str, int | None]:
    """Press a decision key; return the event it logged once the file has it and the screen shows it."""
    before = _last_id(app.db)
    since = app.mark()
    app.press(key)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        new = _events(app.db, before)
        if new:
            assert len(new) == 1, new
            app.wait_for(visible(new[0][3])[:24], since)  # the status line shows what the file holds
            return new[0]
        time.sleep(0.05)
    raise AssertionError(f"after {key!r} nothing reached the file; the screen shows {app.text(since)[-400:]!r}")


def _other(*args: str) -> None:
    done = subprocess.run([ZHIBIAO, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (args, done.stderr)


@pytest.fixture
def suggested(db: Path) -> Path:
    """The seeded workspace with every suggestion list stored, as `zhibiao suggest` leaves it: two apps opened on
    it show the same queue from the start (lists are otherwise computed, and stored, while each app loads)."""
    _other("suggest", "--db", str(db), "--top", "1")
    return db


@pytest.fixture
def apps():
    started: list[Terminal] = []
    yield started
    for app in started:
        app.close()


def test_decisions_reach_the_file_while_other_commands_use_the_workspace(db: Path, tmp_path: Path, apps) -> None:
    alice = App(db, "alice")
    apps.append(alice)
    alice.queue()
    time.sleep(1.0)  # let the app open its matcher's connections too (each open must keep the others' locks)
    mapping = tmp_path / "earlier.toml"
    others = [
        ("export", "--db", str(db), "-o", str(mapping)),
        ("suggest", "--db", str(db), "--json"),
        ("import", str(SEEDS / "003_039fe6756c664a99.txt"), str(tmp_path / "copy.txt"), "--db", str(db), "-q"),
        ("load-mapping", str(mapping), "--db", str(db)),
    ]
    shutil.copy(SEEDS / "001_e1b7c9f5eafb4d0b.txt", tmp_path / "copy.txt")
    decided = [decide(alice, "a")]
    for other, key in zip(others, "xcx", strict=False):
        _other(*other)
        decided.append(decide(alice, key))
    with contextlib.closing(sqlite3.connect(db)) as reader:  # a plain SQLite read, opened and closed
        reader.execute("SELECT count(*) FROM events").fetchone()
    decided.append(decide(alice, "c"))
    assert [(who, kind) for _, who, kind, _, _ in decided] == [
        ("alice", "approve"), ("alice", "reject"), ("alice", "close"), ("alice", "reject"), ("alice", "close")]
    since = alice.mark()
    alice.press("\x1b")  # leave the queue (alone: escape and q together read as alt+q)
    alice.wait_for("Records", since)
    alice.press("q")
    assert alice.wait() == 0
    with contextlib.closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("SELECT id FROM events WHERE reviewer = 'alice'")}
    assert {event[0] for event in decided} <= stored


def test_two_reviewers_see_each_other_and_undo_only_their_own(db: Path, apps) -> None:
    alice, bob = App(db, "alice"), App(db, "bob")
    apps.extend([alice, bob])
    alice.queue()
    since = bob.mark()
    approved = decide(alice, "a")
    bob.wait_for("updated from the workspace", since, seconds=8)  # within bob's poll interval
    bob.queue()
    since = alice.mark()
    rejected = decide(bob, "x")
    undone = decide(alice, "u")
    assert (undone[1], undone[2], undone[4]) == ("alice", "undo", approved[0])  # alice's own, not bob's
    assert undone[0] > rejected[0]
    assert _events(db, undone[0]) == []
    with contextlib.closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT count(*) FROM concept_members").fetchone()[0] == 0
        assert connection.execute("SELECT kind, decided_by FROM pair_decisions").fetchall() == [("rejected", "bob")]
    del since


def test_a_pair_decided_meanwhile_by_a_colleague_is_refused(suggested: Path, apps) -> None:
    db = suggested
    alice, bob = App(db, "alice"), App(db, "bob", poll_seconds=600)
    apps.extend([alice, bob])
    alice.ready()
    bob.ready()
    alice.queue()
    bob.queue()  # both screens show the same first pair, undecided
    rejected = decide(alice, "x")
    before = _last_id(db)
    time.sleep(2.5)  # bob's app has not looked at the workspace since: his queue still shows the pair undecided
    since = bob.mark()
    bob.press("c")
    bob.wait_for("changed this meanwhile", since)
    assert _events(db, before) == []  # bob's close did not overwrite alice's rejection
    with contextlib.closing(sqlite3.connect(db)) as connection:
        assert connection.execute("SELECT kind, decided_by FROM pair_decisions").fetchall() == [("rejected", "alice")]
    assert rejected[1:3] == ("alice", "reject")


def test_the_queue_follows_a_colleagues_decision_within_the_poll_interval(suggested: Path, apps) -> None:
    db = suggested
    alice, bob = App(db, "alice"), App(db, "bob", poll_seconds=0.5)
    apps.extend([alice, bob])
    alice.ready()
    bob.ready()
    alice.queue()
    bob.queue()  # both screens show the same first pair, undecided
    since = bob.mark()
    rejected = decide(alice, "x")
    bob.wait_for("updated from the workspace", since, seconds=10)  # bob's queue moved on to the next pair
    closed = decide(bob, "c")  # decided on what bob's screen shows now: not refused
    assert (rejected[1:3], closed[1:3]) == (("alice", "reject"), ("bob", "close"))
    with contextlib.closing(sqlite3.connect(db)) as connection:
        assert sorted(connection.execute("SELECT kind, decided_by FROM pair_decisions").fetchall()) == [
            ("close", "bob"), ("rejected", "alice")]


def test_a_crash_of_the_app_is_a_failing_exit_status(db: Path, apps) -> None:
    script = textwrap.dedent("""
        import sys
        from textual.app import App
        import tui.app
        from tui.cli import main

        class Broken(App):
            def on_mount(self) -> None:
                raise RuntimeError("broken on purpose")

        tui.app.make_app = lambda *args, **kwargs: Broken()
        sys.exit(main(sys.argv[1:]))
    """)
    crashed = Terminal([sys.executable, "-c", script, "review", "--db", str(db)])
    apps.append(crashed)
    assert crashed.wait() == 1
    assert "the review app stopped on an error (exit status 1)" in crashed.text()
