"""Cross-region match suggestions: which regional indicators of other regions mean the same thing.

The work happens once per globally distinct name (regions share most names):

1. every name is normalized (numbering, unit parentheticals, quotes, punctuation and generic scope
   prefixes split off) and its synonyms rewritten where they stand as words (normalize);
2. candidates come wide and generic: the names closest by character 1-2-gram TF-IDF, dozens per name,
   before any domain rule (index);
3. each is scored by string similarity plus domain parts — synonyms, contrasts, level 1/2, target kind —
   that move the score and are explained, never remove a candidate (score);
4. for one regional indicator, candidate names expand to the regional indicators of other regions that
   carry them, with approved aliases, without rejected pairs, raised by the term correspondences the
   reviewer's approvals taught and lowered by those rejections taught, each tiered likely or possible
   (matcher).
"""

import importlib

from store.matching.normalize import Normalized, normalize, region_prefixes, without_unit
from store.matching.types import LIKELY, POSSIBLE, Candidate, Decisions, Learned, Part, RegionalIndicator

# The index and the scorer load numpy and scipy (a third of a second): they are imported when first asked for,
# so that a decision, an export or a report, which only need names and types, start without them.
_LAZY = {"Matcher": "matcher", "brute_force_names": "reference", "brute_force_top": "reference",
         "LIKELY_FROM": "score", "name_neighbours": "score", "string_similarity": "score", "tier": "score"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f"store.matching.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'store.matching' has no attribute {name!r}")


__all__ = [
    "LIKELY",
    "LIKELY_FROM",
    "POSSIBLE",
    "Candidate",
    "Decisions",
    "Learned",
    "Matcher",
    "Normalized",
    "Part",
    "RegionalIndicator",
    "brute_force_names",
    "brute_force_top",
    "name_neighbours",
    "normalize",
    "region_prefixes",
    "string_similarity",
    "tier",
    "without_unit",
]
