"""RecordTree: the regions and their records as the records pane lists them — which regions are open, the
filter, and each region's counts, recounted after a decision only for the regions it touched. Plain Python
(no Textual): the screen owns one and hands its rows to the pane."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from store import browse
from store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class RegionRow:
    """A region, open (its records listed below it) or closed, with its counts."""

    summary: browse.RegionSummary
    opened: bool

    @property
    def region(self) -> str:
        return self.summary.region


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record (a project or a department as a whole) with its counts."""

    record: browse.RecordSummary
    region: str


Row = RegionRow | RecordRow


@dataclass(frozen=True, slots=True)
class TreeRows:
    """What the records pane shows: the rows, and where its cursor goes (None: where it is)."""

    rows: tuple[Row, ...] = ()
    cursor: int | None = None


def waiting(row: browse.IndicatorRow, likely: bool = False) -> bool:
    """Whether an unreviewed suggestion waits on an indicator outside a concept (``likely``: a likely one)."""
    return row.best_score is not None and not row.concept and (not likely or row.best_tier == "likely")


class RecordTree:
    """Regions › records, with the open regions and the filter; after a decision only the touched regions'
    rows are new objects, so that the pane redraws only those."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.expanded: set[str] = set()
        self.filter = ""
        self.rows: list[Row] = []
        self._summaries: dict[str, browse.RegionSummary] = {}  # in region order
        self._records: dict[str, list[browse.RecordSummary]] = {}  # by region, counts included
        self._region_rows: dict[str, int] = {}  # region -> its row

    def load(self) -> None:
        """Read the regions again (after an import); the first region is opened when none is."""
        self._records.clear()
        self._summaries = {s.region: s for s in browse.regions(self.workspace)}
        self.expanded &= set(self._summaries)
        if self._summaries and not self.expanded:
            self.expanded.add(next(iter(self._summaries)))
        self.rebuild()

    def view(self, cursor: int | None = None) -> TreeRows:
        return TreeRows(tuple(self.rows), cursor)

    def expanded_in_order(self) -> tuple[str, ...]:
        """The open regions, in the order they are listed."""
        return tuple(name for name in self._summaries if name in self.expanded)

    def open_only(self, regions: Iterable[str]) -> None:
        self.expanded = set(regions) & set(self._summaries)
        self.rebuild()

    def toggle(self, index: int) -> None:
        """Open or close the region on this row."""
        row = self.rows[index] if 0 <= index < len(self.rows) else None
        if isinstance(row, RegionRow):
            self.expanded ^= {row.region}
            self.rebuild()

    def set_filter(self, text: str) -> None:
        """Show only records whose names contain ``text`` (and regions whose names do), every region open."""
        self.filter = text
        self.rebuild()

    def record_at(self, index: int) -> browse.RecordSummary | None:
        row = self.rows[index] if 0 <= index < len(self.rows) else None
        return row.record if isinstance(row, RecordRow) else None

    def index_of(self, record_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows)
                     if isinstance(row, RecordRow) and row.record.id == record_id), None)

    def next_unreviewed(self, index: int, direction: int, *, likely: bool = False) -> tuple[int, int, int] | None:
        """(row, record id, indicator position) of the next record listed after row ``index`` (going round,
        in ``direction``) with an indicator outside a concept that has an unreviewed suggestion (``likely``: a
        likely one)."""
        for offset in range(1, len(self.rows) + 1):
            position = (index + direction * offset) % len(self.rows)
            row = self.rows[position]
            if isinstance(row, RecordRow):
                indicators = browse.indicators(self.workspace, row.record.id)
                found = next((i for i, ind in enumerate(indicators) if waiting(ind, likely)), None)
                if found is not None:
                    return position, row.record.id, found
        return None

    def recount(self, regions: set[str] | None) -> None:
        """After decisions: the counts of these regions (None: of all) from the store. Rows are replaced where
        they stand when the list keeps its shape, else the list is rebuilt."""
        if regions is None or not self._summaries:
            self._summaries = {s.region: s for s in browse.regions(self.workspace)}
            self._records.clear()
            self.rebuild()
            return
        for name in regions:
            self._records.pop(name, None)
            if name in self._summaries:
                self._summaries[name] = browse.region(self.workspace, name)
        if self.filter or not self._replace_rows_of(regions):
            self.rebuild()

    def _replace_rows_of(self, regions: set[str]) -> bool:
        """Put the recounted rows of these regions in place; False when their records no longer line up."""
        for name in regions:
            index = self._region_rows.get(name)
            if index is None:
                continue
            opened = name in self.expanded
            self.rows[index] = RegionRow(self._summaries[name], opened)
            if not opened:
                continue
            records = self._records_of(name)
            shown = self.rows[index + 1:index + 1 + len(records)]
            if len(shown) != len(records) or any(not isinstance(row, RecordRow) or row.record.id != record.id
                                                 for row, record in zip(shown, records, strict=True)):
                return False
            for offset, record in enumerate(records, start=index + 1):
                if self.rows[offset].record != record:  # type: ignore[union-attr]
                    self.rows[offset] = RecordRow(record, name)
        return True

    def rebuild(self) -> None:
        """The rows from the regions, their records, what is open and the filter."""
        rows: list[Row] = []
        region_rows: dict[str, int] = {}
        needle = self.filter
        for name, summary in self._summaries.items():
            records = self._records_of(name) if (name in self.expanded or needle) else []
            if needle:
                records = [r for r in records if needle in r.name]
                if not records and needle not in name:
                    continue
            region_rows[name] = len(rows)
            rows.append(RegionRow(summary, name in self.expanded or bool(needle)))
            rows.extend(RecordRow(record, name) for record in records)
        self.rows = rows
        self._region_rows = region_rows

    def _records_of(self, region: str) -> list[browse.RecordSummary]:
        """A region's records with their counts, queried again only when a decision touched the region."""
        records = self._records.get(region)
        if records is None:
            records = self._records[region] = browse.records(self.workspace, region)
        return records
