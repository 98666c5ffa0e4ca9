"""The read side the review app pages from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ri

from store import browse
from store.place import Place, load_place, save_place
from store.review import Review
from store.suggest import ensure
from store.workspace import Workspace


@pytest.fixture
def workspace(seeded: Path, tmp_path: Path):
    shutil.copy(seeded, tmp_path / "review.db")
    with Workspace(tmp_path / "review.db") as opened:
        ensure(opened)
        yield opened


def test_regions_records_and_indicators(workspace: Workspace) -> None:
    summaries = {s.region: s for s in browse.regions(workspace)}
    assert set(summaries) == {"广州市", "金寨县", "湛江市", "韶关市曲江区", "抚顺市"}
    assert summaries["广州市"].records == 36 and summaries["广州市"].mapped == 0
    records = browse.records(workspace, "湛江市")
    assert [r.kind for r in records] == ["department", "project", "project"]
    rows = browse.indicators(workspace, records[2].id)
    assert rows[0].name == "全市医疗保险单据审核量" and rows[0].annual_value == "1"
    assert all(row.concept is None and not row.flagged for row in rows)
    assert any(row.best_score is not None for row in rows)


def test_status_follows_decisions(workspace: Workspace) -> None:
    review = Review(workspace, "alice")
    a, b = ri(workspace, "湛江市", "参保对象满意度(%)"), ri(workspace, "抚顺市", "参保对象满意度")
    review.approve(a, b)
    review.flag(ri(workspace, "湛江市", "服务支持时间"))
    record = next(r for r in browse.records(workspace, "湛江市") if r.name == "基本医疗保险第三方支付评审服务项目")
    rows = {row.name: row for row in browse.indicators(workspace, record.id)}
    assert rows["参保对象满意度(%)"].concept == "参保对象满意度"
    assert rows["服务支持时间"].flagged
    assert record.mapped == 1
    progress = browse.progress(workspace)
    assert progress.mapped == 2 and progress.regional_indicators == 299
    assert 0 < progress.share_covered < 0.05


def test_occurrences_give_provenance(workspace: Workspace) -> None:
    found = browse.occurrences(workspace, ri(workspace, "广州市", "政务服务好评率"))
    assert len(found) == 6 and all(o.document == "000_1dc01b27c551b5e1.txt" and o.line for o in found)
    assert "政务服务好评率" in found[0].raw


def test_queue_is_best_first_each_pair_once_and_skips_decided(workspace: Workspace) -> None:
    items = browse.queue(workspace, limit=500)
    order = [(item.tier != "likely", -item.score) for item in items]  # likely pairs first, then best first
    assert order == sorted(order)
    pairs = [frozenset((i.regional_indicator_id, i.candidate_id)) for i in items]
    assert len(pairs) == len(set(pairs))
    first = items[0]
    Review(workspace, "alice").reject(first.regional_indicator_id, first.candidate_id)
    after = browse.queue(workspace, limit=500)
    assert frozenset((first.regional_indicator_id, first.candidate_id)) not in {
        frozenset((i.regional_indicator_id, i.candidate_id)) for i in after}


def test_targets_of_several_indicators_at_once(workspace: Workspace) -> None:
    good = ri(workspace, "广州市", "政务服务好评率")
    masses = ri(workspace, "金寨县", "群众满意度")
    found = browse.targets_of(workspace, [good, masses])
    assert found == {good: browse.targets(workspace, good), masses: browse.targets(workspace, masses)}
    assert found[good] == "≥90%"  # six occurrences, one distinct value
    assert browse.targets_of(workspace, []) == {}


def test_a_place_that_cannot_be_read_is_forgotten_not_fatal(workspace: Workspace) -> None:
    place = Place(("广州市",), 3, 2, 1, "candidates")
    save_place(workspace, "alice", place)
    assert load_place(workspace, "alice") == place and load_place(workspace, "bob") is None
    with workspace.transaction() as connection:
        connection.execute("UPDATE meta SET value = '{\"expanded\": 3}' WHERE key = 'place:alice'")
    assert load_place(workspace, "alice") is None
