"""The crosswalk as a result: per concept, every region's targets side by side in a comparable unit with the
flags a reviewer wants to see; the library of concepts; coverage concept × region; the regions' own (个性)
indicators. Textual-free frozen dataclasses, read in a few bulk queries so that a screen listing 10,000
concepts opens at once.

Flags (each with its explanation): operators pointing opposite ways (≥70% vs ≤75%), units that cannot be
compared (a percent beside a count), level-2 disagreement, a target far from the others (outside the
median ± 3·MAD), a qualitative target among numbers, and an outcome (实际完成值) among targets.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    period: Comparable | None
    annual: Comparable | None
    occurrences: int
    projects: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def value(self) -> str | None:
        """The value compared across regions: the annual target, else the period target, else the outcome."""
        return self.annual_value or self.period_value or self.actual_value

    @property
    def is_outcome(self) -> bool:
        """Only an outcome (实际完成值) is known, no target."""
        return not (self.annual_value or self.period_value) and bool(self.actual_value)

    @property
    def compared(self) -> Comparable | None:
        if self.annual_value:
            return self.annual
        if self.period_value:
            return self.period
        return _comparable(self.actual_value, self.name)

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
        aligned = [(self.aligned(row), row.compared) for row in self.rows]
        numbers = [(number, value) for number, value in aligned if number is not None and value is not None]
        if not numbers or self.unit is None:
            return ""
        low = min(numbers, key=lambda item: item[0])
        high = max(numbers, key=lambda item: item[0])
        first = _text_in(low[1], low[0], self.unit)
        last = _text_in(high[1], high[0], self.unit)
        return first if low[0] == high[0] and first == last else f"{first} – {last}"


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


def _comparable(value: str | None, name: str) -> Comparable | None:
    return comparable(parse_target(value), name) if value else None


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

_Key = tuple[int, str | None, str | None, str | None]  # regional indicator, period, annual, actual


def _fetch(workspace: Workspace, concept_ids: list[int] | None, provenance: bool) -> list[Comparison]:
    """Comparisons of the given concepts (all when None), in concept id order."""
    connection = workspace.connection
    where = ""
    parameters: list[int] = []
    if concept_ids is not None:
        if not concept_ids:
            return []
        where = f" WHERE c.id IN ({','.join('?' * len(concept_ids))})"
        parameters = list(concept_ids)
    concepts = connection.execute(
        f"SELECT c.id, c.name, c.level1, c.level2 FROM concepts c{where} ORDER BY c.id", parameters).fetchall()
    member_where = where.replace("c.id", "m.concept_id")
    members: dict[int, list[tuple]] = defaultdict(list)
    for row in connection.execute(
            "SELECT m.concept_id, ri.id, ri.region, ri.name, ri.level1, ri.level2 FROM concept_members m"
            f" JOIN regional_indicators ri ON ri.id = m.regional_indicator_id{member_where}"
            " ORDER BY m.concept_id, ri.region, ri.name, ri.id", parameters):
        members[row[0]].append(row[1:])
    occurrences: dict[_Key, int] = Counter()
    projects: dict[_Key, dict[str, None]] = defaultdict(dict)
    documents: dict[_Key, dict[str, None]] = defaultdict(dict)
    if provenance:
        query = ("SELECT i.regional_indicator_id, i.period_value, i.annual_value, i.actual_value, r.name, d.name"
                 " FROM concept_members m CROSS JOIN indicators i ON i.regional_indicator_id ="
                 " m.regional_indicator_id JOIN records r ON r.id = i.record_id JOIN documents d ON"
                 f" d.id = r.document_id{member_where} ORDER BY d.name, r.ordinal, i.ordinal")
        for ri_id, period, annual, actual, project, document in connection.execute(query, parameters):
            key = (ri_id, period, annual, actual)
            occurrences[key] += 1
            if len(projects[key]) < _PROJECTS_SHOWN:
                projects[key][project] = None
            documents[key][document] = None
    else:
        query = ("SELECT i.regional_indicator_id, i.period_value, i.annual_value, i.actual_value, count(*)"
                 " FROM concept_members m CROSS JOIN indicators i ON i.regional_indicator_id ="
                 f" m.regional_indicator_id{member_where}"
                 " GROUP BY i.regional_indicator_id, i.period_value, i.annual_value, i.actual_value")
        for ri_id, period, annual, actual, count in connection.execute(query, parameters):
            occurrences[(ri_id, period, annual, actual)] = count
    values_of: dict[int, list[_Key]] = defaultdict(list)
    for key in occurrences:
        values_of[key[0]].append(key)
    total = total_regions(workspace)
    comparisons = []
    for concept_id, name, level1, level2 in concepts:
        rows: list[TargetRow] = []
        for ri_id, region, ri_name, ri_level1, ri_level2 in members.get(concept_id, ()):
            keys = sorted(values_of.get(ri_id, ()), key=lambda k: (-occurrences[k], k[2] or "", k[1] or ""))
            if not keys:  # the documents it came from were replaced: the member stays, with no target
                keys = [(ri_id, None, None, None)]
            for key in keys:
                _, period, annual, actual = key
                rows.append(TargetRow(
                    ri_id, region, ri_name, ri_level1, ri_level2, period, annual, actual,
                    _comparable(period, ri_name), _comparable(annual, ri_name), occurrences.get(key, 0),
                    tuple(projects.get(key, ())), tuple(documents.get(key, ()))))
        comparisons.append(_flagged(concept_id, name, level1, level2, rows, total))
    return comparisons


def comparison(workspace: Workspace, concept_id: int) -> Comparison | None:
    """One concept's comparison with provenance (projects and documents), or None when there is no such
    concept."""
    found = _fetch(workspace, [concept_id], provenance=True)
    return found[0] if found else None


def comparisons(workspace: Workspace, *, provenance: bool = True) -> list[Comparison]:
    """Every concept's comparison, in concept id order (the workbook's 对照)."""
    return _fetch(workspace, None, provenance)


def concept_row(comparison: Comparison) -> ConceptRow:
    kinds = {flag.kind for flag in comparison.flags}
    return ConceptRow(
        comparison.concept_id, comparison.name, comparison.level1, comparison.level2, comparison.members,
        comparison.regions, comparison.total_regions, comparison.occurrences,
        tuple(kind for kind in FLAG_KINDS if kind in kinds), comparison.unit, comparison.range_text())


def concept_rows(workspace: Workspace) -> list[ConceptRow]:
    """The library: every concept with level 1/2, members, regions covered, occurrences, flags (the
    concepts screen's rows, in concept id order)."""
    return [concept_row(item) for item in _fetch(workspace, None, provenance=False)]


def coverage(workspace: Workspace, items: Iterable[Comparison] | None = None) -> Coverage:
    """Concept × region: which regions measure each concept, with their target, most-covered first."""
    rows = []
    for item in comparisons(workspace, provenance=False) if items is None else items:
        targets: dict[str, dict[str, None]] = defaultdict(dict)
        flagged: dict[str, dict[Flag, None]] = defaultdict(dict)
        for row in item.rows:
            targets[row.region][row.value or "—"] = None
            for flag in row.flags:
                flagged[row.region][flag] = None
        rows.append(CoverageRow(item.concept_id, item.name, item.level1, item.level2,
                                {region: " / ".join(values) for region, values in targets.items()},
                                {region: tuple(flags) for region, flags in flagged.items()}))
    rows.sort(key=lambda row: (-row.covered, row.concept_id))
    return Coverage(regions(workspace), tuple(rows))


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


def _flagged(concept_id: int, name: str, level1: str | None, level2: str | None, rows: list[TargetRow],
             total: int) -> Comparison:
    """The comparison of one concept with every row's flags worked out."""
    flags: dict[int, list[Flag]] = defaultdict(list)  # row index -> flags
    compared = [row.compared for row in rows]
    # units: the dimension most regions' numbers share; numbers in another cannot be compared with them
    dimension_regions: dict[str, set[str]] = defaultdict(set)
    order: list[str] = []
    for row, value in zip(rows, compared, strict=True):
        if value is not None:
            dimension_regions[value.dimension].add(row.region)
            order.append(value.dimension)
    # most regions first; a unit beats none ("100%" over "=100"), then most rows
    rows_in = Counter(order)
    dimension = max(dimension_regions, key=lambda d: (len(dimension_regions[d]), d != "number", rows_in[d],
                                                      -order.index(d)), default=None)
    unit = None
    if dimension is not None:
        units = Counter(value.unit for value in compared if value is not None and value.dimension == dimension)
        unit = "天" if dimension == "duration" and units.get("天", 0) > units.get("小时", 0) else \
            units.most_common(1)[0][0]
        others = [row.region for row, value in zip(rows, compared, strict=True)
                  if value is not None and value.dimension == dimension]
        for index, value in enumerate(compared):
            if value is not None and value.dimension != dimension:
                own = value.unit or "no unit"
                flags[index].append(Flag("units", f"{rows[index].value} ({own}) cannot be compared with the "
                                                  f"{unit or 'unitless'} targets of {_regions_text(others)}"))
    in_dimension = [index for index, value in enumerate(compared) if value is not None and value.dimension == dimension]
    # operators pointing opposite ways: a floor (≥) where others set a ceiling (≤)
    floors = {rows[i].region for i in in_dimension if compared[i].direction > 0}  # type: ignore[union-attr]
    ceilings = {rows[i].region for i in in_dimension if compared[i].direction < 0}  # type: ignore[union-attr]
    if floors and ceilings:
        for index in in_dimension:
            value = compared[index]
            assert value is not None
            if value.direction == 0:
                continue
            mine, theirs = (floors, ceilings) if value.direction > 0 else (ceilings, floors)
            if len(mine) > len(theirs):
                continue  # the majority's direction is not the odd one out
            examples = [rows[i].value for i in in_dimension
                        if compared[i].direction == -value.direction]  # type: ignore[union-attr]
            word, other_word = ("a floor", "a ceiling") if value.direction > 0 else ("a ceiling", "a floor")
            flags[index].append(Flag("operators", f"{rows[index].value} sets {word} where "
                                                  f"{_regions_text(theirs)} set {other_word} "
                                                  f"({examples[0]})"))
    # a target far from the others: outside the median ± 3·MAD (MAD floored at 2% of the median, so that
    # targets which mostly agree exactly do not make every small difference "far")
    if len(in_dimension) >= 3 and unit is not None:
        numbers = [compared[i].expressed_in(unit) for i in in_dimension]  # type: ignore[union-attr]
        median = statistics.median(numbers)
        mad = statistics.median(abs(number - median) for number in numbers)
        floor = _MAD_FLOOR * abs(median)
        spread = max(mad, floor)
        if spread > 0:
            low, high = median - _MAD_FACTOR * spread, median + _MAD_FACTOR * spread
            rule = "3·MAD" if mad >= floor else f"3·{_plain(spread)}{unit} (2% of the median, MAD is {_plain(mad)})"
            for index, number in zip(in_dimension, numbers, strict=True):
                if number < low or number > high:
                    flags[index].append(Flag("outlier", (
                        f"{rows[index].value} is outside the median {_plain(median)}{unit} ± {rule}: "
                        f"{_plain(low)}{unit} – {_plain(high)}{unit}, from {len(numbers)} targets")))
    # a qualitative target among numbers
    targeted = [index for index, row in enumerate(rows) if row.value and not row.is_outcome]
    words = [index for index in targeted if compared[index] is None]
    numeric_regions = {rows[index].region for index in targeted if compared[index] is not None}
    word_regions = {rows[index].region for index in words} - numeric_regions
    if words and numeric_regions and len(word_regions) <= len(numeric_regions):
        example = next(rows[index].value for index in targeted if compared[index] is not None)
        for index in words:
            flags[index].append(Flag("qualitative", f"“{rows[index].value}” has no number where "
                                                    f"{_regions_text(numeric_regions)} give one ({example})"))
    # an outcome among targets
    if any(not row.is_outcome and row.value for row in rows):
        for index, row in enumerate(rows):
            if row.is_outcome:
                flags[index].append(Flag("outcome", f"{row.actual_value} is an outcome (实际完成值, a "
                                                    "self-evaluation's result) where the others are targets"))
    # level-2 disagreement, each member counted once
    level2_of = {row.regional_indicator_id: (row.level2, row.region) for row in rows if row.level2}
    labels = Counter(label for label, _ in level2_of.values())
    if len(labels) > 1:
        support = {label: sum(count for other, count in labels.items() if _level2_agree(label, other))
                   for label in labels}
        best = max(support.values())
        majority = [label for label, count in support.items() if count == best]
        for index, row in enumerate(rows):
            if row.level2 and not any(_level2_agree(row.level2, label) for label in majority):
                flags[index].append(Flag("level2", f"二级指标 {row.level2} where {best} of {len(level2_of)} "
                                                   f"members say {'/'.join(majority)}"))
            elif row.level2 and len(majority) > 1:
                disagreeing = [label for label in majority if not _level2_agree(row.level2, label)]
                if disagreeing:
                    flags[index].append(Flag("level2", f"二级指标 {row.level2} where others say "
                                                       f"{'/'.join(disagreeing)}"))
    finished = tuple(
        TargetRow(row.regional_indicator_id, row.region, row.name, row.level1, row.level2, row.period_value,
                  row.annual_value, row.actual_value, row.period, row.annual, row.occurrences, row.projects,
                  row.documents, tuple(flags.get(index, ())))
        if flags.get(index) else row
        for index, row in enumerate(rows))
    return Comparison(concept_id, name, level1, level2, finished, dimension, unit, total)


def _plain(number: float) -> str:
    return f"{number:g}" if abs(number) < 1e6 else f"{number:.4g}"
