"""Shared fixtures: the seed documents, their hand-checked records, and a comparison like the scorecard's."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
EDGE = ROOT / "fixtures" / "edge"
GOLD = Path(__file__).resolve().parent / "gold"

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIELDS = ("level1", "level2", "name", "period_value", "annual_value")


def norm(value: object) -> str | None:
    """The scorecard's comparison: NFKC, no whitespace, >= as ≥, no 指标N: prefix or trailing 。；;,，."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).replace(">=", "≥").replace("<=", "≤")
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^指标\d+[:：]", "", text)
    return text.rstrip("。;；,，") or None


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def gold_for(stem: str) -> dict:
    return json.loads((GOLD / "parse" / f"{stem}.json").read_text(encoding="utf-8"))


def comparable(document: dict) -> list[tuple]:
    """Records and indicators as tuples of normalised fields, in document order."""
    rows = []
    for record in document["records"]:
        amount = record.get("amount_wan")
        rows.append((
            "record", norm(record["kind"]), norm(record["name"]), norm(record.get("unit")),
            None if amount is None else round(float(amount), 2),
        ))
        for indicator in record["indicators"]:
            rows.append(("indicator", *(norm(indicator.get(f)) for f in FIELDS)))
    return rows


@pytest.fixture(autouse=True)
def no_user_config(tmp_path_factory, monkeypatch) -> None:
    """Tests never read the config of whoever runs them: no $ZHIBIAO_CONFIG or $ZHIBIAO_REVIEWER, an empty
    config folder."""
    monkeypatch.delenv("ZHIBIAO_CONFIG", raising=False)
    monkeypatch.delenv("ZHIBIAO_REVIEWER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> Path:
    """A workspace with the five seeds imported (copy it before changing it)."""
    from store.importer import import_paths
    from store.workspace import Workspace

    db = tmp_path_factory.mktemp("ws") / "seeds.db"
    with Workspace(db) as workspace:
        import_paths(workspace, [SEEDS], workers=1)
    return db


def ri(workspace, region: str, name: str) -> int:
    """The id of a regional indicator by region and name as written."""
    from store.text import key_name

    row = workspace.connection.execute(
        "SELECT id FROM regional_indicators WHERE region = ? AND key = ?", (region, key_name(name))
    ).fetchone()
    assert row, f"{region} {name}"
    return row[0]


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    """A copy of the seeded workspace with its suggestions computed, for the app tests."""
    import shutil

    from store.suggest import ensure
    from store.workspace import Workspace

    path = tmp_path / "review.db"
    shutil.copy(seeded, path)
    with Workspace(path) as workspace:
        ensure(workspace)
    return path
