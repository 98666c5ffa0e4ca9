"""The mapping file: TOML as documented, atomic export, load onto the same or other documents, round trip."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest
from conftest import SEEDS, ri
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import mapping
from store.importer import import_paths
from store.review import Review
from store.workspace import Workspace
from tui.cli import main


def fresh(seeded: Path, folder: Path, name: str = "review.db") -> Workspace:
    copy = folder / name
    shutil.copy(seeded, copy)
    return Workspace(copy)


def decide(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a, b = ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度")
    review.approve(a, b, score=0.83, justification="lexical")
    review.approve(ri(workspace, "抚顺市", "参保对象满意度"), a)
    review.close(ri(workspace, "广州市", "工作满意度"), ri(workspace, "抚顺市", "救助对象对救助工作满意度"))
    review.reject(ri(workspace, "韶关市曲江区", "新增参保人数"), ri(workspace, "湛江市", "参保人数（人）"))


def comparable(document: dict) -> dict:
    document = dict(document)
    document.pop("exported_at")
    return document


def test_export_writes_the_documented_toml(seeded: Path, tmp_path: Path) -> None:
    with fresh(seeded, tmp_path) as workspace:
        decide(workspace)
        mapping.export(workspace, tmp_path / "mapping.toml")
    document = tomllib.loads((tmp_path / "mapping.toml").read_text(encoding="utf-8"))
    assert document["format"] == "zhibiao-mapping/1" and document["exported_at"].tzinfo is not None
    concept = document["concept"][0]
    assert concept["id"] == "C0001" and concept["name"] == "群众满意度" and concept["level1"] == "满意度指标"
    member = next(m for m in concept["member"] if m["name"] == "政务服务好评率")
    assert member["region"] == "广州市" and member["sources"] == ["000_1dc01b27c551b5e1.txt"]
    assert "机构运行辅助经费" in member["projects"] and member["targets"] == ["≥90%"]
    assert (member["approved_by"], member["score"], member["justification"]) == ("alice", 0.83, "lexical")
    assert member["approved_at"].tzinfo is not None
    assert document["close"][0]["a"] == {"region": "广州市", "name": "工作满意度"}
    assert document["rejected"][0]["b"]["name"] in ("参保人数（人）", "新增参保人数")
    assert document["close"][0]["by"] == "alice"


def test_an_exported_file_is_readable_like_any_new_file_and_keeps_the_mode_it_had(seeded: Path,
                                                                                  tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with fresh(seeded, tmp_path) as workspace:
            mapping.export(workspace, tmp_path / "mapping.toml")  # new: 0644 for colleagues, not 0600
            assert (tmp_path / "mapping.toml").stat().st_mode & 0o777 == 0o644
            (tmp_path / "mapping.toml").chmod(0o640)
            mapping.export(workspace, tmp_path / "mapping.toml", "toml")
            assert (tmp_path / "mapping.toml").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


def test_round_trip_into_an_empty_workspace(seeded: Path, tmp_path: Path) -> None:
    with fresh(seeded, tmp_path) as workspace:
        decide(workspace)
        mapping.export(workspace, tmp_path / "first.toml")
    with fresh(seeded, tmp_path, "next.db") as workspace:
        report = mapping.load(workspace, tmp_path / "first.toml", "bob")
        assert (report.concepts, report.members, report.close, report.rejected) == (1, 3, 1, 1)
        assert report.unplaced == []
        mapping.export(workspace, tmp_path / "second.toml")
        assert Review(workspace).events()[0].kind == "load"
    first = tomllib.loads((tmp_path / "first.toml").read_text(encoding="utf-8"))
    second = tomllib.loads((tmp_path / "second.toml").read_text(encoding="utf-8"))
    assert comparable(first) == comparable(second)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["approve", "close", "reject"]), st.integers(0, 298),
                          st.integers(0, 298)), max_size=12))
def test_round_trip_of_generated_mappings(seeded: Path, tmp_path_factory, steps) -> None:
    folder = tmp_path_factory.mktemp("rt")
    with fresh(seeded, folder) as workspace:
        ids = [row[0] for row in workspace.connection.execute("SELECT id FROM regional_indicators ORDER BY id")]
        review = Review(workspace, "gen")
        for action, i, j in steps:
            a, b = ids[i], ids[j]
            if a == b:
                continue
            try:
                if action == "approve":
                    review.approve(a, b, confirm_merge=True)
                elif action == "close":
                    review.close(a, b)
                else:
                    review.reject(a, b)
            except Exception as exc:  # a pair inside one concept cannot be closed or rejected
                assert "one concept" in str(exc)
        mapping.export(workspace, folder / "a.toml")
    with fresh(seeded, folder, "b.db") as workspace:
        mapping.load(workspace, folder / "a.toml")
        mapping.export(workspace, folder / "b.toml")
    first = tomllib.loads((folder / "a.toml").read_text(encoding="utf-8"))
    second = tomllib.loads((folder / "b.toml").read_text(encoding="utf-8"))
    assert comparable(first) == comparable(second)


def test_load_onto_other_documents_reports_what_it_cannot_place(seeded: Path, tmp_path: Path) -> None:
    with fresh(seeded, tmp_path) as workspace:
        decide(workspace)
        mapping.export(workspace, tmp_path / "mapping.toml")
    with Workspace(tmp_path / "other.db") as workspace:
        import_paths(workspace, [SEEDS / "000_1dc01b27c551b5e1.txt", SEEDS / "004_abee6ec0de6ec728.txt"], workers=1)
        report = mapping.load(workspace, tmp_path / "mapping.toml")
        assert report.concepts == 1 and report.members == 2  # 广州 and 抚顺 are here, 金寨 is not
        assert any("金寨县 · 群众满意度" in line for line in report.unplaced)
        assert report.close == 1 and report.rejected == 0


@pytest.mark.parametrize(("text", "problem"), [
    ("this is = not [ toml", "not a TOML mapping file"),
    ('format = "something-else/2"\n', "not a zhibiao mapping"),
    ('format = "zhibiao-mapping/1"\n[[concept]]\nid = "C1"\n', "concept 1 has no name"),
])
def test_malformed_or_foreign_file_is_refused_and_changes_nothing(seeded: Path, tmp_path: Path, text, problem,
                                                                  capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with fresh(seeded, tmp_path) as workspace:
        before = workspace.connection.execute("SELECT count(*) FROM events").fetchone()[0]
        with pytest.raises(mapping.MappingError, match=problem):
            mapping.load(workspace, bad)
        assert workspace.connection.execute("SELECT count(*) FROM events").fetchone()[0] == before
    assert main(["load-mapping", str(bad), "--db", str(tmp_path / "review.db")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and problem in err[0]


def test_unwritable_export_path_is_named_and_nothing_is_left(seeded: Path, tmp_path: Path, capsys) -> None:
    with fresh(seeded, tmp_path) as workspace:
        decide(workspace)
    target = tmp_path / "missing" / "mapping.toml"
    assert main(["export", "--db", str(tmp_path / "review.db"), "-o", str(target)]) == 1
    assert "does not exist" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = main(["export", "--db", str(tmp_path / "review.db"), "-o", str(locked / "m.toml")])
        if result == 1:  # root may write anyway
            assert "cannot write" in capsys.readouterr().err
        assert not [p for p in locked.iterdir() if p.name.endswith(".tmp")]
    finally:
        locked.chmod(0o700)


def test_csv_export_opens_in_excel(seeded: Path, tmp_path: Path, capsys) -> None:
    with fresh(seeded, tmp_path) as workspace:
        decide(workspace)
    assert main(["export", "--db", str(tmp_path / "review.db"), "--format", "csv", "-o",
                 str(tmp_path / "m.csv")]) == 0
    data = (tmp_path / "m.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("relation,concept_id,concept")
    assert "member,C0001,群众满意度" in text and "rejected," in text
    assert "wrote" in capsys.readouterr().out
