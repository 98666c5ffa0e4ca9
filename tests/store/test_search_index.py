"""The map-to search: fuzzy over the normalized names of every regional indicator and every concept, the
reviewer's own region left out, @region narrowing, built once per workspace and again after an import."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SEEDS, ri

from store import search
from store.importer import import_paths
from store.review import Review
from store.workspace import Workspace


def test_hits_are_fuzzy_other_regions_only_and_narrowed_by_region(seeded: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    shutil.copy(seeded, db)
    with Workspace(db) as workspace:
        hits = search.search(workspace, "平台使用人员满意", exclude_region="广州市")
        assert hits[0].region == "湛江市" and hits[0].name == "广东省医疗保障信息平台使用人员满意度"
        assert hits[0].targets and hits[0].level1
        assert all(hit.region != "广州市" for hit in hits)
        # numbering and units are read as the matcher reads them: "(%)" does not stand in the way
        assert any(hit.name == "群众满意度(%)" for hit in search.search(workspace, "群众满意度 @韶关"))
        narrowed = search.search(workspace, "满意度 @抚顺")
        assert narrowed and {hit.region for hit in narrowed} == {"抚顺市"}
        assert search.search(workspace, "满意度 @nowhere") == []
        assert search.search(workspace, "xyzw") == []
        everything = search.search(workspace, "@金寨")  # a region alone lists its indicators
        assert everything and {hit.region for hit in everything} == {"金寨县"}


def test_concepts_are_hits_with_their_members(seeded: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    shutil.copy(seeded, db)
    with Workspace(db) as workspace:
        one, two = ri(workspace, "抚顺市", "参保对象满意度"), ri(workspace, "湛江市", "参保对象满意度（%）")
        Review(workspace, "alice").approve(one, two)
        hits = search.search(workspace, "参保对象满意", exclude_region="金寨县")
        concepts = [hit for hit in hits if hit.region == "concept"]
        assert len(concepts) == 1 and concepts[0].indicator in (one, two)
        assert set(concepts[0].members) == {"抚顺市 · 参保对象满意度", "湛江市 · 参保对象满意度（%）"}
        assert not any(hit.indicator in (one, two) and hit.region != "concept" for hit in hits)  # shown once
        # from inside one of the member regions the concept pairs with the member of the other region
        from_fushun = [hit for hit in search.search(workspace, "参保对象满意", exclude_region="抚顺市")
                       if hit.region == "concept"]
        assert from_fushun[0].indicator == two


def test_the_index_is_built_once_and_again_after_an_import(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    seeds = sorted(SEEDS.iterdir())
    with Workspace(db) as workspace:
        import_paths(workspace, seeds[:2], workers=1)
        first = search.index_for(workspace)
        assert search.is_built(workspace) and search.index_for(workspace) is first
        import_paths(workspace, seeds[2:], workers=1)
        assert not search.is_built(workspace)
        second = search.index_for(workspace)
        assert second is not first and len(second.ids) > len(first.ids)
