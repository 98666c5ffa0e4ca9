"""`zhibiao load-mapping` says what it joined and what the workspace decided otherwise, and a second load of the
same file changes nothing; `zhibiao review --lexicon FILE` refuses a bad lexicon in one line before the app."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.cli import main


def _events(db: Path) -> int:
    with Workspace(db) as workspace:
        return Review(workspace).last_event_id()


def test_load_mapping_joins_reports_conflicts_and_is_idempotent(seeded: Path, tmp_path: Path, capsys) -> None:
    source, target = tmp_path / "source.db", tmp_path / "target.db"
    shutil.copy(seeded, source)
    shutil.copy(seeded, target)
    with Workspace(source) as workspace:
        review = Review(workspace, "alice")
        review.approve(ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度"))
        review.flag(ri(workspace, "抚顺市", "参保对象满意度"), note="ask 抚顺")
        review.no_counterpart(ri(workspace, "湛江市", "参保人数（人）"))
    assert main(["export", "--db", str(source), "-o", str(tmp_path / "m.toml")]) == 0
    assert "0 rejected pairs, 1 flags, 1 with no counterpart" in capsys.readouterr().out
    with Workspace(target) as workspace:
        Review(workspace, "bob").flag(ri(workspace, "抚顺市", "参保对象满意度"), note="bob's note")
    capsys.readouterr()
    assert main(["load-mapping", str(tmp_path / "m.toml"), "--db", str(target), "--reviewer", "bob"]) == 0
    out = capsys.readouterr().out
    assert "1 new concepts, 2 members" in out and "0 flags, 1 with no counterpart" in out
    assert "1 decided otherwise here (the workspace's decision is kept):" in out
    assert "抚顺市 · 参保对象满意度 is flagged here with another note (bob's note): kept" in out
    events = _events(target)
    assert main(["load-mapping", str(tmp_path / "m.toml"), "--db", str(target), "--reviewer", "bob"]) == 0
    out = capsys.readouterr().out
    assert "0 new concepts, 0 members" in out and "3 already so" in out
    assert "nothing changed" in out
    assert _events(target) == events


def test_review_refuses_a_lexicon_that_cannot_be_read(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text("[synonyms\n", encoding="utf-8")
    assert main(["review", "--db", str(tmp_path / "review.db"), "--lexicon", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "mine.toml" in err[0]
    assert not (tmp_path / "review.db").exists()
    assert main(["review", "--db", str(tmp_path / "review.db"), "--lexicon", str(tmp_path / "gone.toml")]) == 2
    assert "gone.toml" in capsys.readouterr().err
