"""The crosswalk as a result: per concept, every region's targets side by side in a comparable unit with the
flags a reviewer wants to see; the library of concepts; coverage concept × region; the regions' own (个性)
indicators. Textual-free frozen dataclasses for a screen to show as they are, read in one ordered query;
the library is remembered per workspace file, in memory and in the workspace (library_rows, with the
decision and documents it was worked out after), and only the concepts that decisions touched since are
worked out again, so that a screen listing 10,000 concepts opens at once, in a new process too.

Flags (each with its explanation), worked out over each member's distinct targets: operators pointing
opposite ways (≥70% vs ≤75%), units that cannot be compared (a percent beside a count), level-2
disagreement, a target far from the others (outside the median ± 3·MAD, the MAD floored at 2% of the
median), a qualitative target among numbers, and an outcome (实际完成值) among targets.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from store.errors import WorkspaceError
from store.levels import LEVEL2_PARENT
from store.model import Target
from store.targets import Comparable, comparable, parse_target
from store.workspace import Workspace

FLAG_KINDS = ("operators", "units", "level2", "outlier", "qualitative", "outcome")
FLAG_LABELS = {
    "operators": "operators point opposite ways",
    "units": "units cannot be compared",
    "level2": "level 2 differs",
    "outlier": "far from the others",
    "qualitative": "qualitative among numbers",
    "outcome": "an outcome among targets",
}
_MAD_FACTOR = 3.0
_MAD_FLOOR = 0.02
# older frameworks write a plain level 2 where the 2021 framework names the branch: they agree with it
_GENERIC_LEVEL2 = {"满意度指标": "满意度指标", "成本指标": "成本指标"}
_PROJECTS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Flag:
    """Why a target deserves a second look: its kind (one of FLAG_KINDS) and a sentence saying why."""

    kind: str
    explanation: str


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One member's targets as compared: a distinct period / annual / outcome triple, the projects it comes
    from, and the flags on it."""

    regional_indicator_id: int
    region: str
    name: str
    level1: str | None
    level2: str | None
    period_value: str | None
    annual_value: str | None
    actual_value: str | None
    occurrences: int
    projects: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    compared: Comparable | None = None  # the compared value (see ``value``) in a comparable unit

    @property
    def value(self) -> str | None:
        """The value compared across regions: the annual target, else the period target, else the outcome."""
        return self.annual_value or self.period_value or self.actual_value

    @property
    def is_outcome(self) -> bool:
        """Only an outcome (实际完成值) is known, no target."""
        return not (self.annual_value or self.period_value) and bool(self.actual_value)

    @property
    def period(self) -> Comparable | None:
        """The period target in a comparable unit."""
        return _comparable(self.period_value, self.name)

    @property
    def annual(self) -> Comparable | None:
        """The annual target in a comparable unit."""
        return _comparable(self.annual_value, self.name)

    @property
    def target(self) -> Target | None:
        return parse_target(self.value)


@dataclass(frozen=True, slots=True)
class Comparison:
    """One concept's members by region with their targets aligned in one comparable unit, and its flags."""

    concept_id: int
    name: str
    level1: str | None
    level2: str | None
    rows: tuple[TargetRow, ...]
    dimension: str | None  # the dimension most regions' numbers share
    unit: str | None  # the unit the aligned numbers are in
    total_regions: int

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.region for row in self.rows))

    @property
    def members(self) -> int:
        return len({row.regional_indicator_id for row in self.rows})

    @property
    def occurrences(self) -> int:
        return sum(row.occurrences for row in self.rows)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(dict.fromkeys(flag for row in self.rows for flag in row.flags))

    def aligned(self, row: TargetRow) -> float | None:
        """The row's compared number in the concept's unit, or None (no number, or another dimension)."""
        value = row.compared
        if value is None or self.unit is None or value.dimension != self.dimension:
            return None
        return value.expressed_in(self.unit)

    def aligned_text(self, row: TargetRow) -> str | None:
        """The row's compared target in the concept's unit as a reader writes it ("≤1小时" for ≤60分钟)."""
        number = self.aligned(row)
        value = row.compared
        if number is None or value is None or self.unit is None:
            return None
        return _text_in(value, number, self.unit)

    @property
    def chartable(self) -> bool:
        """Every target numeric, in one dimension, from at least two rows: a bar chart says something."""
        numbers = [self.aligned(row) for row in self.rows if row.value]
        return len(numbers) >= 2 and all(number is not None for number in numbers)

    def range_text(self) -> str:
        """The spread of the aligned targets ("≥80% – 100%"), or ""."""
        return _spread((row.compared for row in self.rows), self.dimension, self.unit)


@dataclass(frozen=True, slots=True)
class ConceptRow:
    """A concept as the library lists it: everything one line of the concepts screen shows."""

    id: int
    name: str
    level1: str | None
    level2: str | None
    members: int
    regions: tuple[str, ...]
    total_regions: int
    occurrences: int
    flags: tuple[str, ...]  # flag kinds, in FLAG_KINDS order
    unit: str | None
    spread: str  # "≥80% – 100%"

    @property
    def coverage(self) -> str:
        return f"{len(self.regions)} of {self.total_regions}"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Which regions measure a concept, with their targets (several members or values joined by " / ")."""

    concept_id: int
    name: str
    level1: str | None
    level2: str | None
    targets: dict[str, str] = field(hash=False)  # region -> its target text in this concept
    flagged: dict[str, tuple[Flag, ...]] = field(hash=False)  # region -> the flags on its targets

    @property
    def covered(self) -> int:
        return len(self.targets)


@dataclass(frozen=True, slots=True)
class Coverage:
    regions: tuple[str, ...]
    rows: tuple[CoverageRow, ...]  # most regions first


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A regional indicator in no concept; ``own`` when it has no counterpart anywhere (no close match
    either): a candidate for the region's own (个性) indicators."""

    regional_indicator_id: int
    region: str
    name: str
    level1: str | None
    level2: str | None
    occurrences: int
    targets: str
    projects: tuple[str, ...]
    close_matches: int
    open_candidates: int  # suggested counterparts nobody has decided on yet

    @property
    def own(self) -> bool:
        return self.close_matches == 0


def _text_in(value: Comparable, number: float, unit: str) -> str:
    if unit == value.unit:
        return value.text()
    return Comparable(value.dimension, number, unit, value.operator).text()


def total_regions(workspace: Workspace) -> int:
    """The regions that documents were imported for (N in "covers k of N")."""
    return workspace.connection.execute("SELECT count(DISTINCT region) FROM documents").fetchone()[0]


def regions(workspace: Workspace) -> tuple[str, ...]:
    return tuple(row[0] for row in workspace.connection.execute(
        "SELECT DISTINCT region FROM documents ORDER BY region"))


# -- reading ---------------------------------------------------------------------------------------

# a row as the flags read it: (regional indicator, region, name, level2, value compared, its comparable,
# only an outcome) — plain tuples, so that 10,000 concepts are worked out in a fraction of a second
_Light = tuple[int, str, str, str | None, str | None, Comparable | None, bool]
_NAME_DEPENDENT = object()  # a bare number: its unit may come from the indicator's name
_VALUE_CACHE: dict[str, object] = {}
_VALUE_CACHE_LIMIT = 200_000


def _comparable(value: str | None, name: str) -> Comparable | None:
    """comparable(parse_target(value), name), remembered per value where the name plays no part."""
    if not value:
        return None
    found = _VALUE_CACHE.get(value, _VALUE_CACHE)
    if found is _VALUE_CACHE:
        target = parse_target(value)
        found = _NAME_DEPENDENT if target is not None and target.kind == "number" else comparable(target)
        if len(_VALUE_CACHE) >= _VALUE_CACHE_LIMIT:
            _VALUE_CACHE.clear()
        _VALUE_CACHE[value] = found
    if found is _NAME_DEPENDENT:
        return comparable(parse_target(value), name)
    return found  # type: ignore[return-value]


def _compared_value(period: str | None, annual: str | None, actual: str | None) -> tuple[str | None, bool]:
    """The value compared across regions (annual, else period, else the outcome) and whether it is only an
    outcome."""
    if annual or period:
        return annual or period, False
    return actual or None, bool(actual)


# the distinct targets of the members: by compared value for the listing, by full triple for comparisons
_BY_VALUE = (
    "SELECT regional_indicator_id AS rid, coalesce(nullif(annual_value, ''), nullif(period_value, ''),"
    " nullif(actual_value, '')) AS value, nullif(annual_value, '') IS NULL AND nullif(period_value, '') IS NULL"
    " AND nullif(actual_value, '') IS NOT NULL AS outcome, count(*) AS n FROM indicators"
    " WHERE regional_indicator_id IN (SELECT regional_indicator_id FROM concept_members{where})"
    " GROUP BY 1, 2, 3")
_BY_TRIPLE = (
    "SELECT regional_indicator_id AS rid, period_value, annual_value, actual_value, count(*) AS n FROM indicators"
    " WHERE regional_indicator_id IN (SELECT regional_indicator_id FROM concept_members{where})"
    " GROUP BY 1, 2, 3, 4")


def _walk(workspace: Workspace, concept_ids: list[int] | None, by_value: bool) -> Iterator[tuple]:
    """(concept id, name, level 1, level 2, rows) per concept in id order; rows are the members' distinct
    targets, sorted by region, name and most used first — read in one query, already in order."""
    where, member_where, parameters = "", "", []
    if concept_ids is not None:
        marks = ",".join("?" * len(concept_ids))
        where, member_where = f" WHERE c.id IN ({marks})", f" WHERE concept_id IN ({marks})"
        parameters = list(concept_ids)
    grouped = (_BY_VALUE if by_value else _BY_TRIPLE).format(where=member_where)
    columns = "g.value, g.outcome, NULL" if by_value else "g.period_value, g.annual_value, g.actual_value"
    order = "g.value" if by_value else "g.annual_value, g.period_value"
    query = (f"SELECT c.id, c.name, c.level1, c.level2, ri.id, ri.region, ri.name, ri.level1, ri.level2, {columns},"
             f" coalesce(g.n, 0) FROM concepts c LEFT JOIN concept_members m ON m.concept_id = c.id"
             f" LEFT JOIN regional_indicators ri ON ri.id = m.regional_indicator_id LEFT JOIN ({grouped}) g"
             f" ON g.rid = ri.id{where} ORDER BY c.id, ri.region, ri.name, ri.id, g.n DESC, {order}")
    current = None
    rows: list[tuple] = []
    for row in workspace.connection.execute(query, parameters + parameters):
        if current is None or row[0] != current[0]:
            if current is not None:
                yield (*current, rows)
            current, rows = row[:4], []
        if row[4] is not None:
            rows.append(row[4:])
    if current is not None:
        yield (*current, rows)


_PROGRESS_EVERY = 500  # concepts worked out between two progress reports


def _concept_rows(workspace: Workspace, concept_ids: list[int] | None, total: int,
                  progress: Callable[[int, int], None] | None = None) -> list[ConceptRow]:
    """Library rows of the given concepts (all when None), worked out from plain rows; ``progress(done,
    wanted)`` is told every few hundred concepts."""
    result: list[ConceptRow] = []
    wanted = 0
    if progress is not None:
        wanted = len(concept_ids) if concept_ids is not None else \
            workspace.connection.execute("SELECT count(*) FROM concepts").fetchone()[0]
        progress(0, wanted)
    for concept_id, name, level1, level2, rows in _walk(workspace, concept_ids, by_value=True):
        if progress is not None and result and len(result) % _PROGRESS_EVERY == 0:
            progress(len(result), wanted)
        light: list[_Light] = [(ri_id, region, ri_name, ri_level2, value, _comparable(value, ri_name), bool(outcome))
                               for ri_id, region, ri_name, _level1, ri_level2, value, outcome, _, _n in rows]
        flags, dimension, unit = _flags(light)
        kinds = {flag.kind for found in flags.values() for flag in found}
        result.append(ConceptRow(
            concept_id, name, level1, level2, len({row[0] for row in rows}),
            tuple(dict.fromkeys(row[1] for row in rows)), total, sum(row[-1] for row in rows),
            tuple(kind for kind in FLAG_KINDS if kind in kinds), unit,
            _spread([row[5] for row in light], dimension, unit)))
    return result


@dataclass
class _Library:
    """The library rows last worked out for one workspace file, and what they were worked out from."""

    stamp: str  # _LIBRARY_FORMAT and the documents' stamp
    last_event: int
    rows: dict[int, ConceptRow]


_LIBRARIES: dict[tuple[int, int], _Library] = {}
_LIBRARIES_LOCK = threading.Lock()
_INCREMENTAL_LIMIT = 500  # more concepts touched since last time than this: work everything out again
_LIBRARY_FORMAT = 1  # the stored rows' format and rules: a zhibiao that works rows out otherwise bumps it
_STORE_WAIT_MS = 200  # how long storing the rows waits for another process's write


def _documents_stamp(workspace: Workspace) -> tuple:
    return workspace.connection.execute(
        "SELECT count(*), total(id), max(imported_at), total(indicator_count), count(DISTINCT region)"
        " FROM documents").fetchone()


def _touched_concepts(workspace: Workspace, after: int) -> set[int] | None:
    """Concepts whose members, name or levels decisions changed since event ``after`` (None: too many)."""
    touched: set[int] = set()
    for (payload,) in workspace.connection.execute("SELECT changes FROM events WHERE id > ?", (after,)):
        for change in json.loads(payload):
            if change["table"] == "concepts":
                touched.add(change["key"][0])
            elif change["table"] == "concept_members":
                touched.update(row["concept_id"] for row in (change["before"], change["after"]) if row)
        if len(touched) > _INCREMENTAL_LIMIT:
            return None
    return touched


def _stored_library(workspace: Workspace, stamp: str, last_event: int) -> _Library | None:
    """The library rows stored in the workspace when they were worked out for these documents and no later
    decision than ``last_event`` (None otherwise)."""
    connection = workspace.connection
    state = connection.execute("SELECT stamp, last_event FROM library_state WHERE id = 1").fetchone()
    if state is None or state[0] != stamp or state[1] > last_event:
        return None
    total = json.loads(stamp)[1][4]
    rows = {}
    for concept_id, name, level1, level2, members, regions_json, occurrences, flags, unit, spread in \
            connection.execute("SELECT concept_id, name, level1, level2, members, regions, occurrences, flags,"
                               " unit, spread FROM library_rows"):
        rows[concept_id] = ConceptRow(concept_id, name, level1, level2, members, tuple(json.loads(regions_json)),
                                      total, occurrences, tuple(flags.split()), unit, spread)
    return _Library(stamp, state[1], rows)


def _store_library(workspace: Workspace, library: _Library, changed: Iterable[int] | None) -> None:
    """Store the library rows (only the ``changed`` concepts' when not None) and what they were worked out
    after. Skipped when the workspace cannot be written now: the rows are a cache, worked out again next
    time, and a screen listing them never waits on another process's import."""
    connection = workspace.connection
    if workspace.read_only or connection.in_transaction:
        return
    ids = sorted(library.rows) if changed is None else sorted(changed)
    values = [(row.id, row.name, row.level1, row.level2, row.members, json.dumps(row.regions, ensure_ascii=False),
               row.occurrences, " ".join(row.flags), row.unit, row.spread)
              for row in (library.rows.get(concept_id) for concept_id in ids) if row is not None]
    gone = [(concept_id,) for concept_id in ids if concept_id not in library.rows]
    waits = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.execute(f"PRAGMA busy_timeout = {_STORE_WAIT_MS}")
    try:
        with workspace.transaction():
            state = connection.execute("SELECT stamp, last_event FROM library_state WHERE id = 1").fetchone()
            if changed is not None and (state is None or state[0] != library.stamp):
                return  # the stored rows are of other documents: only a whole library replaces them
            if changed is None:
                connection.execute("DELETE FROM library_rows")
            else:
                connection.executemany("DELETE FROM library_rows WHERE concept_id = ?", gone)
            connection.executemany("INSERT OR REPLACE INTO library_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   values)
            connection.execute("INSERT OR REPLACE INTO library_state (id, stamp, last_event) VALUES (1, ?, ?)",
                               (library.stamp, library.last_event))
    except (WorkspaceError, sqlite3.Error):
        pass
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(waits)}")


def concept_rows(workspace: Workspace, *, progress: Callable[[int, int], None] | None = None,
                 preview: Callable[[list[ConceptRow]], None] | None = None, preview_size: int = 200,
                 ) -> list[ConceptRow]:
    """The library: every concept with level 1/2, members, regions covered, occurrences, flags (the
    concepts screen's rows, in concept id order).

    The rows are remembered per workspace file, in memory and in the workspace itself: after decisions only
    the concepts they touched are worked out again, after an import everything, so that a screen opened on
    10,000 concepts answers at once.
    When everything has to be worked out, ``preview`` first receives the ``preview_size`` most-covered
    concepts (:func:`most_covered`) and ``progress(done, wanted)`` follows the rest.
    """
    status = os.stat(workspace.path)
    identity = (status.st_dev, status.st_ino)
    documents = _documents_stamp(workspace)
    stamp = json.dumps([_LIBRARY_FORMAT, list(documents)], ensure_ascii=False)
    last_event = workspace.connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    with _LIBRARIES_LOCK:
        library = _LIBRARIES.get(identity)
    if library is None or library.stamp != stamp or library.last_event > last_event:
        library = _stored_library(workspace, stamp, last_event)
    touched = None
    if library is not None and library.stamp == stamp and last_event >= library.last_event:
        touched = _touched_concepts(workspace, library.last_event) if last_event > library.last_event else set()
    if touched is None:
        if preview is not None:
            preview(most_covered(workspace, preview_size))
        library = _Library(stamp, last_event,
                           {row.id: row for row in _concept_rows(workspace, None, documents[4], progress)})
        _store_library(workspace, library, None)
    else:
        assert library is not None
        if touched or last_event > library.last_event:
            rows = dict(library.rows)
            for concept_id in touched:
                rows.pop(concept_id, None)
            rows.update((row.id, row) for row in _concept_rows(workspace, sorted(touched), documents[4]))
            library = _Library(stamp, last_event, rows)
            _store_library(workspace, library, touched)
    with _LIBRARIES_LOCK:
        _LIBRARIES[identity] = library
    rows = library.rows
    return [rows[concept_id] for concept_id in sorted(rows)]


def coverage_order(row: ConceptRow) -> tuple:
    """The library's "most covered" order: most regions, then most members, then the first made."""
    return -len(row.regions), -row.members, row.id


def most_covered(workspace: Workspace, limit: int) -> list[ConceptRow]:
    """The ``limit`` first concepts in :func:`coverage_order`, worked out alone: chosen by one count over the
    members, so that they come in a fraction of the time the whole library takes. The count walks the regional
    indicators' (region, key) index and looks each one up among the members (CROSS JOIN keeps that order):
    reading their regions from the table itself, row by row, takes twice as long."""
    chosen = [concept_id for (concept_id,) in workspace.connection.execute(
        "SELECT m.concept_id FROM regional_indicators ri CROSS JOIN concept_members m"
        " ON m.regional_indicator_id = ri.id GROUP BY m.concept_id"
        " ORDER BY count(DISTINCT ri.region) DESC, count(*) DESC, m.concept_id LIMIT ?", (limit,))]
    rows = _concept_rows(workspace, chosen, total_regions(workspace))
    return sorted(rows, key=coverage_order)


def _comparisons(workspace: Workspace, concept_ids: list[int] | None, provenance: bool) -> list[Comparison]:
    """Comparisons of the given concepts (all when None), in concept id order."""
    return list(_each_comparison(workspace, concept_ids, provenance))


def _each_comparison(workspace: Workspace, concept_ids: list[int] | None, provenance: bool) -> Iterator[Comparison]:
    """Comparisons of the given concepts (all when None), one at a time in concept id order."""
    if concept_ids is not None and not concept_ids:
        return
    places: dict[tuple, tuple[dict[str, None], dict[str, None]]] = {}
    if provenance:
        marks = "" if concept_ids is None else f" WHERE concept_id IN ({','.join('?' * len(concept_ids))})"
        for ri_id, period, annual, actual, project, document in workspace.connection.execute(
                "SELECT i.regional_indicator_id, i.period_value, i.annual_value, i.actual_value, r.name, d.name"
                " FROM indicators i JOIN records r ON r.id = i.record_id JOIN documents d ON d.id = r.document_id"
                f" WHERE i.regional_indicator_id IN (SELECT regional_indicator_id FROM concept_members{marks})"
                " ORDER BY d.name, r.ordinal, i.ordinal", concept_ids or []):
            found = places.setdefault((ri_id, period, annual, actual), ({}, {}))
            if len(found[0]) < _PROJECTS_SHOWN:
                found[0][project] = None
            found[1][document] = None
    total = total_regions(workspace)
    for concept_id, name, level1, level2, rows in _walk(workspace, concept_ids, by_value=False):
        light: list[_Light] = []
        position: dict[tuple, int] = {}
        keys = []
        for ri_id, region, ri_name, _level1, ri_level2, period, annual, actual, _count in rows:
            value, outcome = _compared_value(period, annual, actual)
            key = (ri_id, value, outcome)
            if key not in position:
                position[key] = len(light)
                light.append((ri_id, region, ri_name, ri_level2, value, _comparable(value, ri_name), outcome))
            keys.append(position[key])
        flags, dimension, unit = _flags(light)
        target_rows = []
        for index, (ri_id, region, ri_name, ri_level1, ri_level2, period, annual, actual, count) in enumerate(rows):
            projects, documents = places.get((ri_id, period, annual, actual), ((), ()))
            target_rows.append(TargetRow(
                ri_id, region, ri_name, ri_level1, ri_level2, period, annual, actual, count, tuple(projects),
                tuple(documents), tuple(flags.get(keys[index], ())), light[keys[index]][5]))
        yield Comparison(concept_id, name, level1, level2, tuple(target_rows), dimension, unit, total)


def comparison(workspace: Workspace, concept_id: int) -> Comparison | None:
    """One concept's comparison with provenance (projects and documents), or None when there is no such
    concept."""
    found = _comparisons(workspace, [concept_id], provenance=True)
    return found[0] if found else None


def comparisons(workspace: Workspace, *, provenance: bool = True) -> list[Comparison]:
    """Every concept's comparison, in concept id order (the workbook's 对照)."""
    return _comparisons(workspace, None, provenance)


def concept_row(comparison: Comparison) -> ConceptRow:
    """The library row of a concept's comparison (the same as :func:`concept_rows` gives)."""
    kinds = {flag.kind for flag in comparison.flags}
    return ConceptRow(
        comparison.concept_id, comparison.name, comparison.level1, comparison.level2, comparison.members,
        comparison.regions, comparison.total_regions, comparison.occurrences,
        tuple(kind for kind in FLAG_KINDS if kind in kinds), comparison.unit, comparison.range_text())


def _spread(values: Iterable[Comparable | None], dimension: str | None, unit: str | None) -> str:
    """"≥80% – 100%": the lowest and highest of the targets in the concept's dimension, in its unit."""
    if unit is None:
        return ""
    numbers = [(value.expressed_in(unit), value) for value in values
               if value is not None and value.dimension == dimension]
    if not numbers:
        return ""
    low = min(numbers, key=lambda item: item[0])
    high = max(numbers, key=lambda item: item[0])
    first, last = _text_in(low[1], low[0], unit), _text_in(high[1], high[0], unit)
    return first if first == last else f"{first} – {last}"


def coverage(workspace: Workspace, items: Iterable[Comparison] | None = None, *,
             progress: Callable[[int, int], None] | None = None) -> Coverage:
    """Concept × region: which regions measure each concept, with their target, most-covered first;
    ``progress(done, wanted)`` is told every few hundred concepts when every concept is worked out."""
    if items is None:
        wanted = 0
        if progress is not None:
            wanted = workspace.connection.execute("SELECT count(*) FROM concepts").fetchone()[0]
            progress(0, wanted)
        rows = []
        for item in _each_comparison(workspace, None, provenance=False):
            if progress is not None and rows and len(rows) % _PROGRESS_EVERY == 0:
                progress(len(rows), wanted)
            rows.append(_coverage_row(item))
    else:
        rows = [_coverage_row(item) for item in items]
    rows.sort(key=_coverage_key)
    return Coverage(regions(workspace), tuple(rows))


def _coverage_row(item: Comparison) -> CoverageRow:
    """A concept's coverage: per region, its distinct targets joined by " / " and the flags on them."""
    targets: dict[str, dict[str, None]] = defaultdict(dict)
    flagged: dict[str, dict[Flag, None]] = defaultdict(dict)
    for row in item.rows:
        targets[row.region][row.value or "—"] = None
        for flag in row.flags:
            flagged[row.region][flag] = None
    return CoverageRow(item.concept_id, item.name, item.level1, item.level2,
                       {region: " / ".join(values) for region, values in targets.items()},
                       {region: tuple(flags) for region, flags in flagged.items()})


def _coverage_key(row: CoverageRow) -> tuple[int, int]:
    return -row.covered, row.concept_id


def most_covered_coverage(workspace: Workspace, limit: int) -> Coverage:
    """The first ``limit`` rows of :func:`coverage`, worked out alone: the concepts measured in most regions
    are chosen by one count over the members (a concept's regions are its members' regions), so that they
    come in a fraction of the time every concept takes. Concepts with no member, measured nowhere, come last
    in the coverage: they are never among these rows unless every concept with a member is."""
    chosen = [concept_id for (concept_id,) in workspace.connection.execute(
        "SELECT m.concept_id FROM regional_indicators ri CROSS JOIN concept_members m"
        " ON m.regional_indicator_id = ri.id WHERE m.concept_id IN (SELECT id FROM concepts)"
        " GROUP BY m.concept_id ORDER BY count(DISTINCT ri.region) DESC, m.concept_id LIMIT ?", (limit,))]
    if len(chosen) < limit:  # a small workspace: the whole coverage is as quick
        whole = coverage(workspace)
        return Coverage(whole.regions, whole.rows[:limit])
    rows = sorted((_coverage_row(item) for item in _each_comparison(workspace, chosen, provenance=False)),
                  key=_coverage_key)
    return Coverage(regions(workspace), tuple(rows))


def concepts_by_region(workspace: Workspace) -> dict[str, int]:
    """How many concepts each region measures (has a member in): the coverage's count per region, read
    without working out any concept."""
    return dict(workspace.connection.execute(
        "SELECT ri.region, count(DISTINCT m.concept_id) FROM regional_indicators ri CROSS JOIN concept_members m"
        " ON m.regional_indicator_id = ri.id WHERE m.concept_id IN (SELECT id FROM concepts) GROUP BY ri.region"))


def unmatched(workspace: Workspace) -> list[Unmatched]:
    """Regional indicators in no concept, by region and name, with what is known of their counterparts."""
    connection = workspace.connection
    close: Counter[int] = Counter()
    for a, b in connection.execute("SELECT a, b FROM pair_decisions WHERE kind = 'close'"):
        close[a] += 1
        close[b] += 1
    open_candidates = dict(connection.execute(
        "SELECT s.regional_indicator_id, count(*) FROM suggestions s WHERE NOT EXISTS (SELECT 1 FROM"
        " pair_decisions p WHERE p.a = min(s.regional_indicator_id, s.candidate_id) AND p.b ="
        " max(s.regional_indicator_id, s.candidate_id)) AND s.regional_indicator_id NOT IN (SELECT"
        " regional_indicator_id FROM concept_members) GROUP BY s.regional_indicator_id").fetchall())
    details: dict[int, list] = {}
    for ri_id, value, project in connection.execute(
            "SELECT i.regional_indicator_id, coalesce(i.annual_value, i.period_value, i.actual_value), r.name"
            " FROM indicators i JOIN records r ON r.id = i.record_id WHERE i.regional_indicator_id NOT IN"
            " (SELECT regional_indicator_id FROM concept_members) ORDER BY i.id"):
        entry = details.get(ri_id)
        if entry is None:
            entry = details[ri_id] = [0, {}, {}]
        entry[0] += 1
        if value and len(entry[1]) < 3:
            entry[1][value] = None
        if len(entry[2]) < 3:
            entry[2][project] = None
    result = []
    for ri_id, region, name, level1, level2 in connection.execute(
            "SELECT id, region, name, level1, level2 FROM regional_indicators WHERE id NOT IN"
            " (SELECT regional_indicator_id FROM concept_members) ORDER BY region, name, id"):
        count, values, projects = details.get(ri_id, (0, {}, {}))
        if count == 0:
            continue  # kept only for a decision that no longer has documents
        result.append(Unmatched(ri_id, region, name, level1, level2, count, " / ".join(values), tuple(projects),
                                close[ri_id], open_candidates.get(ri_id, 0)))
    return result


def own_indicators(workspace: Workspace) -> list[Unmatched]:
    """The regions' own (个性) indicators: regional indicators with no counterpart anywhere."""
    return [item for item in unmatched(workspace) if item.own]


# -- flags -----------------------------------------------------------------------------------------

def _level2_agree(one: str, other: str) -> bool:
    if one == other:
        return True
    for generic, family in _GENERIC_LEVEL2.items():
        if one == generic and LEVEL2_PARENT.get(other) == family:
            return True
        if other == generic and LEVEL2_PARENT.get(one) == family:
            return True
    return False


def _regions_text(regions: Iterable[str], limit: int = 3) -> str:
    names = list(dict.fromkeys(regions))
    shown = "、".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _flags(rows: list[_Light]) -> tuple[dict[int, list[Flag]], str | None, str | None]:
    """Every row's flags (by row index), the dimension most regions' numbers share and its unit."""
    flags: dict[int, list[Flag]] = {}
    if not rows:
        return flags, None, None
    # the dimension most regions' numbers share: a unit beats none ("100%" over "=100"), then most rows
    dimension_regions: dict[str, set[str]] = {}
    dimension_rows: dict[str, int] = {}
    order: list[str] = []
    for row in rows:
        value = row[5]
        if value is not None:
            dimension = value.dimension
            if dimension not in dimension_regions:
                dimension_regions[dimension] = set()
                dimension_rows[dimension] = 0
                order.append(dimension)
            dimension_regions[dimension].add(row[1])
            dimension_rows[dimension] += 1
    if len(rows) == 1:
        only = rows[0][5]
        return flags, (only.dimension if only else None), (only.unit if only else None)
    dimension = max(order, key=lambda d: (len(dimension_regions[d]), d != "number", dimension_rows[d],
                                          -order.index(d)), default=None)
    unit = None
    in_dimension: list[int] = []
    if dimension is not None:
        in_dimension = [index for index, row in enumerate(rows) if row[5] is not None and row[5].dimension == dimension]
        if dimension == "duration":
            days = sum(1 for index in in_dimension if rows[index][5].unit == "天")  # type: ignore[union-attr]
            unit = "天" if days * 2 > len(in_dimension) else "小时"
        else:
            unit = rows[in_dimension[0]][5].unit  # type: ignore[union-attr]
        if len(order) > 1:  # numbers in another dimension cannot be compared with these
            others = [rows[index][1] for index in in_dimension]
            for index, row in enumerate(rows):
                value = row[5]
                if value is not None and value.dimension != dimension:
                    flags.setdefault(index, []).append(Flag("units", (
                        f"{row[4]} ({value.unit or 'no unit'}) cannot be compared with the {unit or 'unitless'} "
                        f"targets of {_regions_text(others)}")))
    # operators pointing opposite ways: a floor (≥) where others set a ceiling (≤)
    # regions in row order (dicts, not sets): an explanation names the same regions every time
    floors = dict.fromkeys(rows[index][1] for index in in_dimension
                           if rows[index][5].direction > 0)  # type: ignore[union-attr]
    ceilings = dict.fromkeys(rows[index][1] for index in in_dimension
                             if rows[index][5].direction < 0)  # type: ignore[union-attr]
    if floors and ceilings:
        for index in in_dimension:
            direction = rows[index][5].direction  # type: ignore[union-attr]
            if direction == 0:
                continue
            mine, theirs = (floors, ceilings) if direction > 0 else (ceilings, floors)
            if len(mine) > len(theirs):
                continue  # the majority's direction is not the odd one out
            example = next(rows[other][4] for other in in_dimension
                           if rows[other][5].direction == -direction)  # type: ignore[union-attr]
            word, other_word = ("a floor", "a ceiling") if direction > 0 else ("a ceiling", "a floor")
            flags.setdefault(index, []).append(Flag("operators", (
                f"{rows[index][4]} sets {word} where {_regions_text(theirs)} set {other_word} ({example})")))
    # a target far from the others: outside the median ± 3·MAD (MAD floored at 2% of the median, so that
    # targets which mostly agree exactly do not make every small difference "far")
    if len(in_dimension) >= 3 and unit is not None:
        numbers = [rows[index][5].expressed_in(unit) for index in in_dimension]  # type: ignore[union-attr]
        median = statistics.median(numbers)
        mad = statistics.median([abs(number - median) for number in numbers])
        floor = _MAD_FLOOR * abs(median)
        spread = max(mad, floor)
        if spread > 0:
            low, high = median - _MAD_FACTOR * spread, median + _MAD_FACTOR * spread
            outside = [(index, number) for index, number in zip(in_dimension, numbers, strict=True)
                       if number < low or number > high]
            if outside:
                rule = "3·MAD" if mad >= floor else \
                    f"3·{_plain(spread)}{unit} (2% of the median, MAD is {_plain(mad)})"
                for index, _number in outside:
                    flags.setdefault(index, []).append(Flag("outlier", (
                        f"{rows[index][4]} is outside the median {_plain(median)}{unit} ± {rule}: "
                        f"{_plain(low)}{unit} – {_plain(high)}{unit}, from {len(numbers)} targets")))
    # a qualitative target among numbers
    words = [index for index, row in enumerate(rows) if row[4] and not row[6] and row[5] is None]
    if words and dimension is not None:
        numeric_regions = dict.fromkeys(row[1] for row in rows if row[4] and not row[6] and row[5] is not None)
        word_regions = {rows[index][1] for index in words} - numeric_regions.keys()
        if numeric_regions and len(word_regions) <= len(numeric_regions):
            example = next(row[4] for row in rows if row[4] and not row[6] and row[5] is not None)
            for index in words:
                flags.setdefault(index, []).append(Flag("qualitative", (
                    f"“{rows[index][4]}” has no number where {_regions_text(numeric_regions)} give one ({example})")))
    # an outcome among targets
    if any(row[6] for row in rows) and any(row[4] and not row[6] for row in rows):
        for index, row in enumerate(rows):
            if row[6]:
                flags.setdefault(index, []).append(Flag("outcome", (
                    f"{row[4]} is an outcome (实际完成值, a self-evaluation's result) where the others are targets")))
    # level-2 disagreement, each member counted once
    level2_of = {row[0]: row[3] for row in rows if row[3]}
    labels: dict[str, int] = {}
    for label in level2_of.values():
        labels[label] = labels.get(label, 0) + 1
    if len(labels) > 1:
        support = {label: sum(count for other, count in labels.items() if _level2_agree(label, other))
                   for label in labels}
        best = max(support.values())
        majority = [label for label, count in support.items() if count == best]
        for index, row in enumerate(rows):
            level2 = row[3]
            if not level2:
                continue
            if not any(_level2_agree(level2, label) for label in majority):
                flags.setdefault(index, []).append(Flag("level2", (
                    f"二级指标 {level2} where {best} of {len(level2_of)} members say {'/'.join(majority)}")))
            elif len(majority) > 1:
                disagreeing = [label for label in majority if not _level2_agree(level2, label)]
                if disagreeing:
                    flags.setdefault(index, []).append(Flag("level2", (
                        f"二级指标 {level2} where others say {'/'.join(disagreeing)}")))
    return flags, dimension, unit


def _plain(number: float) -> str:
    return f"{number:g}" if abs(number) < 1e6 else f"{number:.4g}"
