"""Library: the concepts screen's rows — every concept as the store lists it, in the order the reviewer chose
and through the filters they set (text, flagged only, one level 1 or level 2). Plain Python (no Textual): the
screen owns one and shows its view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from store.compare import FLAG_KINDS, ConceptRow, coverage_order


def _by_occurrences(row: ConceptRow) -> tuple:
    return -row.occurrences, -len(row.regions), row.id


def _by_flags(row: ConceptRow) -> tuple:
    return -len(row.flags), tuple(FLAG_KINDS.index(kind) for kind in row.flags), -len(row.regions), row.id


def _by_name(row: ConceptRow) -> tuple:
    return row.name, row.id


@dataclass(frozen=True, slots=True)
class Sort:
    """One order of the library: its name as the status line says it, and the key it sorts by."""

    name: str
    key: Callable[[ConceptRow], tuple]


# the first is the order the screen opens in, the one the store's most_covered() gives its first rows in
SORTS: tuple[Sort, ...] = (
    Sort("coverage", coverage_order),
    Sort("occurrences", _by_occurrences),
    Sort("flags", _by_flags),
    Sort("name", _by_name),
)


class Library:
    """The concepts, an order and the filters; :meth:`view` is what the list shows."""

    def __init__(self) -> None:
        self.rows: list[ConceptRow] = []
        self.complete = False  # False while only the first rows are read
        self.sort = 0  # index into SORTS
        self.text = ""
        self.flagged_only = False
        self.level1: str | None = None
        self.level2: str | None = None
        self._view: list[ConceptRow] | None = None

    def load(self, rows: list[ConceptRow], *, complete: bool) -> None:
        """New rows from the store (the first ones, or every concept)."""
        self.rows = list(rows)
        self.complete = complete
        if self.level1 is not None and not any(row.level1 == self.level1 for row in self.rows):
            self.level1 = self.level2 = None
        if self.level2 is not None and not any(row.level2 == self.level2 for row in self.rows):
            self.level2 = None
        self._view = None

    @property
    def sort_name(self) -> str:
        return SORTS[self.sort].name

    def next_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self._view = None

    def set_text(self, text: str) -> None:
        self.text = text.strip()
        self._view = None

    def toggle_flagged(self) -> None:
        self.flagged_only = not self.flagged_only
        self._view = None

    def levels(self, depth: int) -> list[str]:
        """The level 1 names (``depth`` 1), or the level 2 names under the chosen level 1, most used first."""
        counts: Counter[str] = Counter()
        for row in self.rows:
            if depth == 1 and row.level1:
                counts[row.level1] += 1
            elif depth == 2 and row.level2 and (self.level1 is None or row.level1 == self.level1):
                counts[row.level2] += 1
        return [name for name, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    def next_level(self, depth: int) -> None:
        """Only the next level 1 (or level 2) in :meth:`levels`, then every one again."""
        choices: list[str | None] = [None, *self.levels(depth)]
        current = self.level1 if depth == 1 else self.level2
        chosen = choices[(choices.index(current) + 1) % len(choices)] if current in choices else None
        if depth == 1:
            self.level1, self.level2 = chosen, None
        else:
            self.level2 = chosen
        self._view = None

    def _matches(self, row: ConceptRow) -> bool:
        if self.flagged_only and not row.flags:
            return False
        if self.level1 is not None and row.level1 != self.level1:
            return False
        if self.level2 is not None and row.level2 != self.level2:
            return False
        text = self.text
        return not text or text in row.name or text in (row.level1 or "") or text in (row.level2 or "") or \
            any(text in region for region in row.regions)

    def view(self) -> list[ConceptRow]:
        """The rows that pass the filters, in the chosen order."""
        if self._view is None:
            self._view = sorted((row for row in self.rows if self._matches(row)), key=SORTS[self.sort].key)
        return self._view

    def filters_text(self) -> str:
        """The filters in force, as the status line says them ("" when none)."""
        parts = []
        if self.text:
            parts.append(f"“{self.text}”")
        if self.flagged_only:
            parts.append("flagged only")
        if self.level1 is not None:
            parts.append(self.level1)
        if self.level2 is not None:
            parts.append(self.level2)
        return " · ".join(parts)
