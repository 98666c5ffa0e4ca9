"""RecordTree without a screen: open regions, the filter, recounting after a decision only the regions it
touched, and finding the next record with something left to review."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ri

from store.review import Review
from store.workspace import Workspace
from tui.record_tree import RecordRow, RecordTree, RegionRow


@pytest.fixture
def workspace(db: Path):
    with Workspace(db) as workspace:
        yield workspace


def test_the_first_region_opens_and_regions_toggle(workspace: Workspace) -> None:
    tree = RecordTree(workspace)
    tree.load()
    assert isinstance(tree.rows[0], RegionRow) and tree.rows[0].opened
    assert isinstance(tree.rows[1], RecordRow) and tree.rows[1].region == tree.rows[0].region
    regions = [row for row in tree.rows if isinstance(row, RegionRow)]
    assert len(regions) == 5 and not any(row.opened for row in regions[1:])
    tree.toggle(0)
    assert all(isinstance(row, RegionRow) and not row.opened for row in tree.rows)
    tree.toggle(2)
    assert tree.expanded_in_order() == (tree.rows[2].region,) and isinstance(tree.rows[3], RecordRow)


def test_the_filter_opens_every_region_with_a_matching_record(workspace: Workspace) -> None:
    tree = RecordTree(workspace)
    tree.load()
    tree.set_filter("租赁")
    records = [row.record.name for row in tree.rows if isinstance(row, RecordRow)]
    assert records and all("租赁" in name for name in records)
    assert all(row.opened for row in tree.rows if isinstance(row, RegionRow))
    tree.set_filter("")
    assert tree.expanded_in_order() == (tree.rows[0].region,)


def test_a_decision_redraws_only_the_rows_of_the_regions_it_touched(workspace: Workspace) -> None:
    tree = RecordTree(workspace)
    tree.load()
    tree.toggle(next(i for i, row in enumerate(tree.rows) if isinstance(row, RegionRow) and row.region == "金寨县"))
    before = list(tree.rows)
    Review(workspace, "alice").approve(ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度"))
    tree.recount({"广州市", "金寨县"})
    changed = [i for i, (old, new) in enumerate(zip(before, tree.rows, strict=True)) if old is not new]
    assert changed and all(tree.rows[i].region in {"广州市", "金寨县"} for i in changed)
    touched = {tree.rows[i].region for i in changed if isinstance(tree.rows[i], RegionRow)}
    assert touched == {"广州市", "金寨县"}
    assert all(row.summary.mapped == 1 for row in tree.rows if isinstance(row, RegionRow) and row.region in touched)
    assert sum(isinstance(tree.rows[i], RecordRow) for i in changed) >= 2  # the records holding the pair


def test_the_next_record_with_an_unreviewed_suggestion(workspace: Workspace) -> None:
    tree = RecordTree(workspace)
    tree.load()
    found = tree.next_unreviewed(0, 1)
    assert found is not None
    index, record_id, position = found
    assert tree.record_at(index).id == record_id and tree.index_of(record_id) == index
    from store import browse

    row = browse.indicators(workspace, record_id)[position]
    assert row.best_score is not None and not row.concept
    backwards = tree.next_unreviewed(index, -1)
    assert (backwards is not None and backwards[0] != index) or len(tree.rows) == 2
