"""Ctrl+E writes the crosswalk from the app in a worker: the mapping, the workbook an analyst hands on (opened
again with openpyxl) or SSSOM; a path that cannot be written is said in one line, and nothing is written."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from app_helpers import SIZE, notifications, settle
from crosswalk_families import mapped_copy
from openpyxl import load_workbook

from store import report
from tui.app import make_app
from tui.exports import format_of, with_format
from tui.screens import ExportDialog


@pytest.fixture
def mapped(db: Path, tmp_path: Path) -> Path:
    return mapped_copy(db, tmp_path)[0]


async def export(app, pilot, path: str, button: str | None = None) -> None:
    """Ctrl+E, the path typed in, then Enter (the format from the extension) or a format's button."""
    await pilot.press("ctrl+e")
    await pilot.pause()
    assert isinstance(app.screen, ExportDialog)
    app.screen.query_one("#export-path").value = path
    if button is None:
        await pilot.press("enter")
    else:
        await pilot.click(f"#{button}")
    await settle(pilot)


async def test_the_export_dialog_writes_the_workbook(mapped: Path, tmp_path: Path) -> None:
    app = make_app(mapped, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l")  # from the concepts screen too
        await settle(pilot)
        await export(app, pilot, str(tmp_path / "crosswalk.toml"), "xlsx")  # the button sets the extension
        target = tmp_path / "crosswalk.xlsx"
        assert target.exists() and not (tmp_path / "crosswalk.toml").exists()
        assert any(message.startswith(f"wrote {target}: 6 concepts over 5 regions") for message in notifications(app))
        book = load_workbook(target)
        assert book.sheetnames == ["指标库", "对照", "覆盖", "未匹配", "决定日志", "图表"]
        table = book["对照"]
        header = [cell.value for cell in table[1]]
        rows = {row[1].value: row for row in table.iter_rows(min_row=2)}
        fushun = rows["参保人政策范围内住院费用报销比例"][header.index("抚顺市")]
        assert fushun.value == "≤75%" and "ceiling" in fushun.comment.text
        assert book["图表"]._charts  # a bar chart for a concept whose targets are numeric and comparable


async def test_the_workbook_is_written_in_a_worker_that_says_which_sheet(mapped: Path, tmp_path: Path,
                                                                          monkeypatch) -> None:
    """While the worker writes (held at its second sheet here), the screen answers keys and its status line
    says which sheet is being written; then the file is there and the status line is clear again."""
    reached, release = threading.Event(), threading.Event()
    write_report = report.write_report

    def held(workspace, path, *, progress=None):
        def step(name: str) -> None:
            progress(name)
            if name == "对照":
                reached.set()
                release.wait(30)
        return write_report(workspace, path, progress=step)

    monkeypatch.setattr(report, "write_report", held)
    app = make_app(mapped, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one("#export-path").value = str(tmp_path / "crosswalk.xlsx")
        await pilot.press("enter")
        for _ in range(300):
            if reached.is_set():
                break
            await pilot.pause(0.01)
        await pilot.pause()
        status = app.screen.query_one("#library-status").text.plain
        assert "exporting crosswalk.xlsx: 对照" in status
        await pilot.press("s")  # the screen still answers: sorted by occurrences
        assert "sorted by occurrences" in app.screen.query_one("#library-status").text.plain
        assert not (tmp_path / "crosswalk.xlsx").exists()
        release.set()
        await settle(pilot)
        assert (tmp_path / "crosswalk.xlsx").exists()
        assert "exporting" not in app.screen.query_one("#library-status").text.plain


async def test_the_export_dialog_writes_sssom_and_the_mapping(mapped: Path, tmp_path: Path) -> None:
    app = make_app(mapped, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await export(app, pilot, str(tmp_path / "mapping.toml"), "sssom")
        sssom = (tmp_path / "mapping.sssom.tsv").read_text(encoding="utf-8")
        assert sssom.startswith("#") and "skos:exactMatch" in sssom and "skos:closeMatch" in sssom
        await export(app, pilot, str(tmp_path / "mapping.csv"))  # Enter: the format the extension says
        assert (tmp_path / "mapping.csv").read_text(encoding="utf-8-sig").startswith("relation,concept_id,concept,")


async def test_a_path_that_cannot_be_written_is_said_in_one_line(mapped: Path, tmp_path: Path) -> None:
    app = make_app(mapped, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        missing = tmp_path / "no-such-folder" / "crosswalk.xlsx"
        await export(app, pilot, str(missing))
        assert not missing.parent.exists()
        failed = [message for message in notifications(app) if "no-such-folder" in message]
        assert failed == [f"{missing}: folder {missing.parent} does not exist"]
        before = len(notifications(app))
        await export(app, pilot, str(mapped))  # the workspace itself is never written over
        refused = notifications(app)[before:]
        assert len(refused) == 1 and refused[0].startswith(f"{mapped}: ") and "wrote" not in refused[0]
        assert mapped.read_bytes().startswith(b"SQLite format 3")
        assert "exporting" not in app.screen.query_one("#status").render().plain


def test_a_format_by_its_extension_and_an_extension_by_its_format() -> None:
    assert [format_of(Path(name)) for name in ("a.toml", "a.CSV", "a.xlsx", "a.sssom.tsv", "a.txt")] == \
        ["toml", "csv", "xlsx", "sssom", "toml"]
    assert with_format("out/mapping.toml", "xlsx") == "out/mapping.xlsx"
    assert with_format("mapping.sssom.tsv", "csv") == "mapping.csv"
    assert with_format("mapping.xlsx", "sssom") == "mapping.sssom.tsv"
    assert with_format("crosswalk", "toml") == "crosswalk.toml"
