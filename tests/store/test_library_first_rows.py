"""The concepts screen's first rows: the most-covered concepts worked out alone are the very rows the whole
library puts first, and the listing reports its progress while it works out the rest."""

from __future__ import annotations

from pathlib import Path

from crosswalk_families import mapped_copy

from store import compare
from store.review import Review
from store.workspace import Workspace


def test_the_first_rows_are_the_librarys_most_covered(seeded: Path, tmp_path: Path) -> None:
    path, concepts = mapped_copy(seeded, tmp_path)
    with Workspace(path) as workspace:
        compare._LIBRARIES.clear()  # as a new process: the whole library is worked out
        previews: list[list[compare.ConceptRow]] = []
        reports: list[tuple[int, int]] = []
        rows = compare.concept_rows(workspace, preview=previews.append,
                                    progress=lambda done, wanted: reports.append((done, wanted)), preview_size=3)
        ordered = sorted(rows, key=compare.coverage_order)
        assert len(previews) == 1 and previews[0] == ordered[:3]
        assert [row.name for row in previews[0]][:2] == ["服务对象满意度", "居民参保率"]
        assert compare.most_covered(workspace, 100) == ordered  # fewer concepts than asked: all of them
        assert reports[0] == (0, len(concepts))
        # remembered: after a decision only what it touched is worked out again, with no first rows to show
        Review(workspace, "carol").rename(concepts["参保率"], "基本医保参保率")
        previews.clear()
        again = compare.concept_rows(workspace, preview=previews.append)
        assert previews == [] and "基本医保参保率" in [row.name for row in again]
