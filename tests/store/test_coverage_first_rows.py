"""The coverage screen's first rows: the most-covered concepts worked out alone are the very rows the whole
coverage puts first, the count of concepts per region read without working out any concept is the one the
whole coverage gives, and the coverage reports its progress while it works out every concept."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from crosswalk_families import mapped_copy

from store import compare
from store.review import Review
from store.workspace import Workspace


def whole(workspace: Workspace) -> compare.Coverage:
    """The coverage worked out from every concept's full comparison."""
    return compare.coverage(workspace, compare.comparisons(workspace, provenance=False))


def test_the_first_rows_are_the_coverages_most_covered(seeded: Path, tmp_path: Path) -> None:
    path, concepts = mapped_copy(seeded, tmp_path)
    with Workspace(path) as workspace:
        reports: list[tuple[int, int]] = []
        found = compare.coverage(workspace, progress=lambda done, wanted: reports.append((done, wanted)))
        assert found == whole(workspace)
        assert reports[0] == (0, len(concepts))
        assert [row.name for row in found.rows][:2] == ["服务对象满意度", "居民参保率"]
        for limit in range(1, len(concepts) + 2):
            first = compare.most_covered_coverage(workspace, limit)
            assert first.regions == found.regions
            assert first.rows == found.rows[:limit], limit
        measured = Counter(region for row in found.rows for region in row.targets)
        assert compare.concepts_by_region(workspace) == measured


def test_a_concept_with_no_member_comes_last_and_never_among_the_first_rows(seeded: Path, tmp_path: Path) -> None:
    path, concepts = mapped_copy(seeded, tmp_path)
    with Workspace(path) as workspace:
        member = compare.comparison(workspace, concepts["参保率"]).rows[0].regional_indicator_id
        Review(workspace, "carol").detach(member)  # 参保率 now ties with 资金到位率 on four regions
        with workspace.transaction():  # a concept left with no member: measured nowhere
            workspace.connection.executemany("INSERT INTO concepts (name, created_at) VALUES (?, ?)",
                                             [("空概念", "2026-01-01T00:00:00")] * 3)
        found = whole(workspace)
        assert found.rows[-1].name == "空概念" and found.rows[-1].covered == 0
        assert compare.coverage(workspace) == found
        for limit in range(1, len(found.rows) + 2):
            assert compare.most_covered_coverage(workspace, limit).rows == found.rows[:limit], limit
        assert compare.concepts_by_region(workspace) == \
            Counter(region for row in found.rows for region in row.targets)
