"""The fast path (shortlisted names, vectorised scoring, expansion to regional indicators) is pinned to
the brute-force reference that scores every pair one by one, on the seeds: every candidate the reference
ranks in its top ten with a score that matters (from 0.3; below, the fast path settles target kinds only
for its leading candidates) is in the fast top ten with the same score (stored as float32: ±0.002)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from store.matching import brute_force_top
from store.matching.score import name_neighbours
from store.suggest import Suggester
from store.workspace import Workspace

MATTERS = 0.3


@pytest.fixture(scope="module")
def suggester(seeded: Path, tmp_path_factory) -> Suggester:
    copy = tmp_path_factory.mktemp("twins") / "seeds.db"
    copy.write_bytes(seeded.read_bytes())
    return Suggester(Workspace(copy))


def test_top_ten_equals_scoring_every_regional_indicator(suggester: Suggester) -> None:
    matcher = suggester.matcher
    compared = 0
    for ri_id in matcher.ids()[::2]:
        fast = {c.regional_indicator.id: c.score for c in matcher.candidates(ri_id, 10)}
        for candidate_id, score in brute_force_top(matcher, ri_id, 10):
            if score >= MATTERS:
                compared += 1
                assert candidate_id in fast, (matcher.indicator(ri_id).name, matcher.indicator(candidate_id).name)
                assert fast[candidate_id] == pytest.approx(score, abs=0.002)
    assert compared > 300


def test_neighbour_names_hold_every_name_that_matters(suggester: Suggester) -> None:
    index = suggester.matcher.index
    everything = np.arange(len(index.names), dtype=np.int64)[None, :]
    for row in range(len(index.names)):
        rows, scores, _contrasted = name_neighbours(index, [row], keep=11, candidates=everything)
        fast = set(suggester.matcher.neighbours(row)[0].tolist())
        wanted = {int(r) for r, score in zip(rows[0], scores[0], strict=True) if r >= 0 and score >= MATTERS}
        assert wanted <= fast, index.canonicals[row]
