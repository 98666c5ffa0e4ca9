"""The command line: suggest shows tiers and "no likely match"; lexicon --learned lists what decisions taught
and writes it as a lexicon file another workspace loads with --lexicon."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.cli import main


def test_suggest_prints_tiers_and_no_likely_match(seeded: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    shutil.copy(seeded, db)
    assert main(["suggest", "--db", str(db), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "likely" in out and "possible" in out and "no likely match" in out
    assert "with a likely match" in out
    assert main(["suggest", "--db", str(db), "--top", "3", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert all("tier" in c for item in items for c in item["candidates"])
    assert any(item["no_likely_match"] for item in items) and not all(item["no_likely_match"] for item in items)


def test_learned_terms_are_listed_and_written_as_a_lexicon(seeded: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    shutil.copy(seeded, db)
    assert main(["lexicon", "--learned", "--db", str(db)]) == 0
    assert "nothing learned yet" in capsys.readouterr().out
    with Workspace(db) as workspace:
        review = Review(workspace, "alice")
        review.approve(ri(workspace, "广州市", "资金上解及时率"), ri(workspace, "韶关市曲江区", "资金到位及时率"))
        review.reject(ri(workspace, "韶关市曲江区", "新增参保人数"), ri(workspace, "湛江市", "参保人数（人）"))
    team = tmp_path / "team.toml"
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(team)]) == 0
    out = capsys.readouterr().out
    assert "上解≈到位" in out and "learned from alice's approval of 资金上解及时率 ~ 资金到位及时率" in out
    assert "only one says 新增" in out and f"wrote {team}" in out
    written = tomllib.loads(team.read_text(encoding="utf-8"))
    assert written["synonyms"]["groups"] == [["上解", "到位"]] and written["contrast"]["qualifiers"] == ["新增"]
    # another workspace loads it: the suggestions there use the team's knowledge
    other = tmp_path / "other.db"
    shutil.copy(seeded, other)
    assert main(["suggest", "--db", str(other), "--lexicon", str(team), "--top", "1", "--json"]) == 0
    items = {(item["region"], item["name"]): item for item in json.loads(capsys.readouterr().out)}
    best = items[("广州市", "资金上解及时率")]["candidates"][0]
    assert best["name"] == "资金到位及时率" and "synonym 到位≈上解" in best["explanation"]


def test_the_lexicon_is_never_written_over_the_workspace(seeded: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    shutil.copy(seeded, db)
    before = db.read_bytes()
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(db)]) == 1
    err = capsys.readouterr().err
    assert str(db) in err and "is the workspace" in err and len(err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_the_lexicon_replaces_only_an_earlier_lexicon_unless_forced(seeded: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "s.db"
    shutil.copy(seeded, db)
    notes = tmp_path / "notes.toml"
    notes.write_text("[mine]\nkept = true\n", encoding="utf-8")
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(notes)]) == 1
    err = capsys.readouterr().err
    assert "not a lexicon from zhibiao lexicon" in err or "--force" in err
    assert notes.read_text(encoding="utf-8") == "[mine]\nkept = true\n"
    team = tmp_path / "team.toml"
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(team)]) == 0
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(team)]) == 0  # its own earlier file
    assert main(["lexicon", "--learned", "--db", str(db), "-o", str(notes), "--force"]) == 0
    assert tomllib.loads(notes.read_text(encoding="utf-8"))["format"] == "zhibiao-lexicon/1"
