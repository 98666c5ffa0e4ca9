"""`report`, `export` and `parse -o` as a user runs them from a folder of their own: each replaces another file
only with --force, never what it reads or the workspace, and prints the whole path it wrote."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SEEDS
from crosswalk_families import mapped_copy

from tui.cli import main

FUSHUN = SEEDS / "004_abee6ec0de6ec728.txt"


@pytest.fixture
def in_folder(seeded: Path, tmp_path: Path, monkeypatch) -> Path:
    """A mapped workspace and a copy of one document in the folder the commands run in."""
    mapped_copy(seeded, tmp_path, "zhibiao.db")
    shutil.copy(FUSHUN, tmp_path / "抚顺.txt")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


COMMANDS = {
    "report": (["report"], "out/crosswalk.xlsx"),
    "export sssom": (["export", "--format", "sssom"], "out/m.sssom.tsv"),
    "export toml": (["export"], "out/m.toml"),
    "parse table": (["parse", "抚顺.txt", "--format", "xlsx"], "out/抚顺.xlsx"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_another_file_is_replaced_only_with_force_and_the_whole_path_is_printed(in_folder: Path, command: str,
                                                                              capsys) -> None:
    args, relative = COMMANDS[command]
    target = in_folder / relative
    target.write_text("the analyst's own notes\n", encoding="utf-8")
    assert main([*args, "-o", relative]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (f"zhibiao: {relative}: exists and is not "
                                    f"{_kind(command)} (--force replaces it): not overwritten")
    assert target.read_text(encoding="utf-8") == "the analyst's own notes\n"
    assert main([*args, "-o", relative, "--force"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {target}: ") and out.count("\n") == 1
    assert target.read_bytes() != b"the analyst's own notes\n"
    assert main([*args, "-o", relative]) == 0  # its own earlier output needs no --force
    assert capsys.readouterr().out.startswith(f"wrote {target}: ")


def _kind(command: str) -> str:
    return {"report": "a workbook from zhibiao report", "export sssom": "an SSSOM file",
            "export toml": "an earlier zhibiao export", "parse table": "a records table"}[command]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_force_never_replaces_the_workspace_or_a_document_being_read(in_folder: Path, command: str, capsys) -> None:
    args, _ = COMMANDS[command]
    workspace, document = in_folder / "zhibiao.db", in_folder / "抚顺.txt"
    link = in_folder / "out" / ("link.xlsx" if command in ("report", "parse table") else "link.tsv")
    link.symlink_to(workspace if command != "parse table" else document)
    before = {path: path.read_bytes() for path in (workspace, document)}
    for target in ("zhibiao.db", str(link.relative_to(in_folder))):
        assert main([*args, "-o", target, "--force"]) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"zhibiao: {target}: is ") and err.endswith(": never overwritten, even with --force")
        assert "\n" not in err
    assert {path: path.read_bytes() for path in before} == before
    assert not [path for path in in_folder.rglob("*.tmp")]


def test_report_keeps_its_extension_rule_and_the_workspace_comes_first(in_folder: Path, capsys) -> None:
    assert main(["report", "-o", "out/crosswalk.txt", "--force"]) == 1
    assert capsys.readouterr().err.strip() == "zhibiao: out/crosswalk.txt: the name must end in .xlsx"
    os.link(in_folder / "zhibiao.db", in_folder / "out" / "hard.db")
    assert main(["report", "-o", "out/hard.db", "--force"]) == 1
    assert "is the workspace itself" in capsys.readouterr().err
