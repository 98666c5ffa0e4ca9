"""The brute-force reference the fast path is pinned to: one name or one regional indicator scored
against every other, no shortlist (for the benchmark and the twin test)."""

from __future__ import annotations

import numpy as np

from store.matching.index import NameIndex
from store.matching.matcher import Matcher
from store.matching.score import name_neighbours, pair_parts


def brute_force_names(index: NameIndex, row: int, top: int = 10) -> list[int]:
    """One name scored against every name, best first (itself left out)."""
    everything = np.arange(len(index.names), dtype=np.int64)[None, :]
    found, _scores, _contrasted = name_neighbours(index, [row], keep=top + 1, candidates=everything, workers=-1)
    return [int(r) for r in found[0] if r >= 0 and r != row][:top]


def brute_force_top(matcher: Matcher, ri_id: int, top: int = 10) -> list[tuple[int, float]]:
    """One regional indicator scored against every regional indicator of the other regions (no learned
    terms, aliases or rejections): (id, score) best first."""
    query = matcher.indicator(ri_id)
    q = matcher.normal(ri_id)
    scored = []
    for candidate_id in matcher.ids():
        candidate = matcher.indicator(candidate_id)
        if candidate.region == query.region:
            continue
        score, _parts = pair_parts(query, q, candidate, matcher.normal(candidate_id), matcher.index, matcher.lexicon)
        scored.append((-score, candidate.region, candidate.name, candidate_id))
    scored.sort()
    return [(item[3], -item[0]) for item in scored[:top]]
