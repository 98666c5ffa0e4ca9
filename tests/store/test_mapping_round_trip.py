"""The mapping file carries flags with their notes and "no counterpart" (TOML and CSV), and loading it joins the
workspace's concepts of the same id or name, reports what the workspace decided otherwise, and changes nothing
the second time."""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import ri

from store import mapping
from store.review import Review
from store.workspace import Workspace

GUANGZHOU = ("广州市", "政务服务好评率")
JINZHAI = ("金寨县", "群众满意度")
QUJIANG = ("韶关市曲江区", "群众满意度(%)")
FUSHUN = ("抚顺市", "参保对象满意度")
ZHANJIANG = ("湛江市", "参保人数（人）")


@pytest.fixture
def workspace(seeded: Path, tmp_path: Path):
    shutil.copy(seeded, tmp_path / "review.db")
    with Workspace(tmp_path / "review.db") as opened:
        yield opened


@pytest.fixture
def fresh(seeded: Path, tmp_path: Path):
    shutil.copy(seeded, tmp_path / "other.db")
    with Workspace(tmp_path / "other.db") as opened:
        yield opened


def _state(workspace: Workspace) -> dict[str, list[tuple]]:
    return {table: workspace.connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("concepts", "concept_members", "pair_decisions", "flags", "no_counterpart", "events")}


def _decide(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    review.approve(ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI))
    review.flag(ri(workspace, *FUSHUN), note="=target unclear, ask 抚顺")
    review.flag(ri(workspace, *QUJIANG))
    review.no_counterpart(ri(workspace, *ZHANJIANG))


def test_flags_notes_and_no_counterpart_are_exported_and_loaded_back(workspace: Workspace, fresh: Workspace,
                                                                      tmp_path: Path) -> None:
    _decide(workspace)
    mapping.export(workspace, tmp_path / "m.toml")
    document = tomllib.loads((tmp_path / "m.toml").read_text(encoding="utf-8"))
    assert [(f["region"], f["name"], f.get("note"), f["by"]) for f in document["flag"]] == [
        ("抚顺市", "参保对象满意度", "=target unclear, ask 抚顺", "alice"),
        ("韶关市曲江区", "群众满意度(%)", None, "alice")]
    assert [(n["region"], n["name"], n["by"]) for n in document["no_counterpart"]] == [
        ("湛江市", "参保人数（人）", "alice")]
    report = mapping.load(fresh, tmp_path / "m.toml", "bob")
    assert (report.concepts, report.members, report.flags, report.no_counterpart) == (1, 2, 2, 1)
    review = Review(fresh)
    assert review.flag_note(ri(fresh, *FUSHUN)) == "=target unclear, ask 抚顺"
    assert review.is_flagged(ri(fresh, *QUJIANG)) and review.flag_note(ri(fresh, *QUJIANG)) is None
    assert review.has_no_counterpart(ri(fresh, *ZHANJIANG))
    # the file's reviewers and times are kept
    flagged_by = fresh.connection.execute("SELECT flagged_by FROM flags").fetchall()
    assert flagged_by == [("alice",), ("alice",)]
    # and the load is one event, undone as one
    review = Review(fresh, "bob")
    review.undo()
    assert _state(fresh)["flags"] == [] and _state(fresh)["no_counterpart"] == []


def test_the_csv_export_has_a_row_for_each_flag_and_each_indicator_without_counterpart(workspace: Workspace,
                                                                                        tmp_path: Path) -> None:
    _decide(workspace)
    mapping.export(workspace, tmp_path / "m.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text(encoding="utf-8-sig"))))
    flags = [(r["region"], r["name"], r["note"]) for r in rows if r["relation"] == "flag"]
    assert flags == [("抚顺市", "参保对象满意度", "'=target unclear, ask 抚顺"), ("韶关市曲江区", "群众满意度(%)", "")]
    assert [(r["region"], r["name"], r["by"]) for r in rows if r["relation"] == "no_counterpart"] == [
        ("湛江市", "参保人数（人）", "alice")]


def test_loading_joins_the_concept_of_the_same_name_and_twice_changes_nothing(workspace: Workspace,
                                                                              fresh: Workspace,
                                                                              tmp_path: Path) -> None:
    _decide(workspace)
    review = Review(workspace, "alice")
    review.approve(ri(workspace, *QUJIANG), ri(workspace, *GUANGZHOU))
    mapping.export(workspace, tmp_path / "m.toml")
    # the other workspace already has the concept, by the same name, with one member of it
    other = Review(fresh, "bob")
    other.approve(ri(fresh, *JINZHAI), ri(fresh, *GUANGZHOU))
    name = review.concept_of(ri(workspace, *GUANGZHOU)).name  # type: ignore[union-attr]
    assert other.concept_of(ri(fresh, *GUANGZHOU)).name == name  # type: ignore[union-attr]
    report = mapping.load(fresh, tmp_path / "m.toml", "bob")
    assert (report.concepts, report.joined, report.members) == (0, 1, 1) and report.conflicts == []
    assert len(other.concepts()) == 1
    assert {m.indicator.id for m in other.concepts()[0].members} == {
        ri(fresh, *JINZHAI), ri(fresh, *GUANGZHOU), ri(fresh, *QUJIANG)}
    state = _state(fresh)
    again = mapping.load(fresh, tmp_path / "m.toml", "bob")
    assert _state(fresh) == state and again.event_id is None
    assert (again.concepts, again.members, again.flags, again.no_counterpart, again.joined) == (0, 0, 0, 0, 0)
    assert again.unchanged > 0


def test_loading_reports_conflicts_and_keeps_the_workspace_decision(workspace: Workspace, fresh: Workspace,
                                                                    tmp_path: Path) -> None:
    _decide(workspace)
    mapping.export(workspace, tmp_path / "m.toml")
    other = Review(fresh, "bob")
    # the file's concept (广州, 金寨) is split over two concepts of other names here
    other.approve(ri(fresh, *GUANGZHOU), ri(fresh, *FUSHUN))
    other.rename(other.concept_id_of(ri(fresh, *GUANGZHOU)), "好评率")  # type: ignore[arg-type]
    other.approve(ri(fresh, *JINZHAI), ri(fresh, *QUJIANG))
    other.rename(other.concept_id_of(ri(fresh, *JINZHAI)), "满意度")  # type: ignore[arg-type]
    other.flag(ri(fresh, *FUSHUN), note="bob's own note")
    other.approve(ri(fresh, *ZHANJIANG), ri(fresh, "抚顺市", "重点工作办结率"))  # cannot be "no counterpart"
    state = _state(fresh)
    report = mapping.load(fresh, tmp_path / "m.toml", "bob")
    conflicts = "\n".join(report.conflicts)
    assert "金寨县 · 群众满意度 is in concept 满意度 here: left there" in conflicts
    assert "广州市" not in conflicts  # its concept here has the file's id (C0001) and holds it: the same concept
    assert "flag: 抚顺市 · 参保对象满意度 is flagged here with another note (bob's own note): kept" in conflicts
    assert "no counterpart: 湛江市 · 参保人数（人） is in concept" in conflicts
    assert other.flag_note(ri(fresh, *FUSHUN)) == "bob's own note"
    assert not other.has_no_counterpart(ri(fresh, *ZHANJIANG))
    assert other.concept_id_of(ri(fresh, *JINZHAI)) == other.concept_id_of(ri(fresh, *QUJIANG))
    assert {table: rows for table, rows in _state(fresh).items() if table not in ("flags", "events")} == {
        table: rows for table, rows in state.items() if table not in ("flags", "events")}
    assert report.flags == 1  # 曲江's flag, which the workspace did not have


def test_the_csv_export_loads_back_like_the_toml(workspace: Workspace, fresh: Workspace, tmp_path: Path) -> None:
    _decide(workspace)
    review = Review(workspace, "alice")
    review.reject(ri(workspace, *GUANGZHOU), ri(workspace, *ZHANJIANG))
    mapping.export(workspace, tmp_path / "m.csv")
    report = mapping.load(fresh, tmp_path / "m.csv", "bob")
    assert (report.concepts, report.members, report.rejected, report.flags, report.no_counterpart) == (1, 2, 1, 2, 1)
    loaded = Review(fresh)
    assert loaded.flag_note(ri(fresh, *FUSHUN)) == "=target unclear, ask 抚顺"  # the export's apostrophe is gone
    assert loaded.has_no_counterpart(ri(fresh, *ZHANJIANG))
    assert loaded.pair_decision(ri(fresh, *GUANGZHOU), ri(fresh, *ZHANJIANG)) == "rejected"
    concept = loaded.concept_of(ri(fresh, *GUANGZHOU))
    assert concept is not None and concept.name == review.concept_of(ri(workspace, *GUANGZHOU)).name  # type: ignore[union-attr]
    assert {m.approved_by for m in concept.members} == {"alice"}
    state = _state(fresh)
    assert mapping.load(fresh, tmp_path / "m.csv", "bob").event_id is None and _state(fresh) == state


def test_a_csv_that_is_not_a_mapping_is_refused_in_one_line(fresh: Workspace, tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="not a zhibiao mapping CSV"):
        mapping.load(fresh, tmp_path / "other.csv")
    header = ",".join(mapping._CSV_HEADER)
    (tmp_path / "bad.csv").write_text(f"{header}\nmerged,,,,,广州市,x,,,,,,,,,,,,,\n", encoding="utf-8")
    with pytest.raises(mapping.MappingError, match="line 2: no relation is called 'merged'"):
        mapping.load(fresh, tmp_path / "bad.csv")
    assert _state(fresh)["events"] == []
