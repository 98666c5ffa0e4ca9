"""Tiers, "no likely match" as data, the queue's order, and synonyms rewritten on word boundaries only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ri

from store import browse
from store.lexicon import Lexicon
from store.matching import normalize
from store.suggest import as_json, cached, ensure
from store.workspace import Workspace

LEXICON = Lexicon.shipped()


@pytest.fixture
def workspace(seeded: Path, tmp_path: Path):
    copy = tmp_path / "review.db"
    shutil.copy(seeded, copy)
    with Workspace(copy) as opened:
        ensure(opened)
        yield opened


@pytest.mark.parametrize(("name", "canonical"), [
    ("受益人员满意度", "服务对象满意度"),
    ("学校覆盖面", "学校覆盖率"),
    ("绿化覆盖面积", "绿化覆盖面积"),  # 覆盖面 is not a word here: 覆盖 · 面积
    ("信息平台正常运行率", "信息系统正常运行率"),
    ("生态系统保护", "生态系统保护"),  # 系统 inside 生态系统
    ("城乡居民医保参保率", "城乡居民医保参保率"),
])
def test_synonyms_rewrite_only_whole_words(name: str, canonical: str) -> None:
    assert normalize(name, LEXICON).canonical == canonical


def test_every_candidate_is_tiered_and_an_indicator_without_a_likely_one_says_so(workspace: Workspace) -> None:
    items = as_json(workspace)
    tiers = [c["tier"] for item in items for c in item["candidates"]]
    assert set(tiers) == {"likely", "possible"}
    for item in items:
        assert item["no_likely_match"] == all(c["tier"] == "possible" for c in item["candidates"])
        scores = [c["score"] for c in item["candidates"] if c["tier"] == "likely"]
        assert all(score >= 0.657 for score in scores)
    lonely = next(item for item in items if item["candidates"] and item["no_likely_match"])
    ri_id = ri(workspace, lonely["region"], lonely["name"])
    assert {s.tier for s in cached(workspace, ri_id)} == {"possible"}
    record = workspace.connection.execute(
        "SELECT record_id FROM indicators WHERE regional_indicator_id = ?", (ri_id,)).fetchone()[0]
    row = next(r for r in browse.indicators(workspace, record) if r.regional_indicator_id == ri_id)
    assert row.best_tier == "possible" and row.best_score is not None


def test_the_queue_walks_likely_pairs_first(workspace: Workspace) -> None:
    items = browse.queue(workspace, limit=2000)
    tiers = [item.tier for item in items]
    assert "likely" in tiers and "possible" in tiers
    assert tiers == sorted(tiers)  # every likely pair ("likely" < "possible") before every possible one
    likely = [item.score for item in items if item.tier == "likely"]
    assert likely == sorted(likely, reverse=True)
