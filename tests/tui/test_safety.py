"""Safety with real processes: a decision shown as done survives SIGKILL; two reviewers share a workspace."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen

ZHIBIAO = str(Path(sys.executable).parent / "zhibiao")


def _drain(fd: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def _read_until(fd: int, needle: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if needle in seen:
                return seen
    raise AssertionError(f"{needle!r} did not appear; last output {seen[-400:]!r}")


def test_sigkill_right_after_a_decision_loses_nothing(db: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real zhibiao review in a terminal of 160 × 45
        os.environ["TERM"] = "xterm-256color"
        os.execv(ZHIBIAO, [ZHIBIAO, "review", "--db", str(db), "--reviewer", "kim"])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
        _read_until(fd, b"Records", 30)
        _drain(fd, 2.0)  # keep reading: a terminal nobody reads blocks the app
        for key in (b"j", b"\r", b"n"):
            os.write(fd, key)
            _drain(fd, 1.0)
        os.write(fd, b"a")
        _read_until(fd, b"approved", 15)  # the screen shows the decision as done...
        os.kill(pid, signal.SIGKILL)  # ...and the process dies at once
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT kind, reviewer FROM events").fetchall() == [("approve", "kim")]
        assert connection.execute("SELECT count(*) FROM concept_members").fetchone()[0] == 2


def test_two_processes_deciding_at_once_share_the_workspace(db: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from store.review import Review
        from store.workspace import Workspace
        who, step = sys.argv[1], int(sys.argv[2])
        with Workspace({str(db)!r}) as workspace:
            review = Review(workspace, who)
            ids = [r[0] for r in workspace.connection.execute("SELECT id FROM regional_indicators ORDER BY id")]
            for i in range(0, 120, 2):
                a, b = ids[i + step], ids[-(i + step) - 1]
                if who == "one":
                    review.flag(a)
                else:
                    review.close(a, b)
    """)
    processes = [subprocess.Popen([sys.executable, "-c", script, who, str(step)], stderr=subprocess.PIPE)
                 for who, step in (("one", 0), ("two", 1))]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    with Workspace(db) as workspace:
        review = Review(workspace)
        assert workspace.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kinds = [e.kind for e in review.events(500)]
        assert kinds.count("flag") == 60 and kinds.count("close") == 60


async def test_the_app_shows_another_reviewers_decisions(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=(160, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        with Workspace(db) as other:  # a colleague in another process would write the same way
            Review(other, "bob").approve(ri(other, "广州市", "政务服务好评率"), ri(other, "金寨县", "群众满意度"))
        await pilot.pause(2.5)
        assert isinstance(app.screen, MainScreen)
        status = app.screen.query_one("#status").render().plain
        assert "mapped 2/299" in status and "updated from the workspace" in status
        await app.workers.wait_for_complete()
