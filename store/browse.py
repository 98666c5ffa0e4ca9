"""Read-side queries the review app pages from: regions and their records, a record's indicators with
their review status, where an indicator occurs, overall progress and the queue of unreviewed suggestions
best first. Every query is bounded (a page, one record, one indicator), so that a workspace of a million
indicators opens at once."""

from __future__ import annotations

from dataclasses import dataclass

from store.model import where_in_file
from store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class RegionSummary:
    region: str
    documents: int
    records: int
    regional_indicators: int
    mapped: int


@dataclass(frozen=True, slots=True)
class RecordSummary:
    id: int
    document: str
    kind: str
    name: str
    unit: str | None
    amount_wan: float | None
    indicators: int
    mapped: int


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator of a record, with the status of its regional indicator."""

    id: int
    regional_indicator_id: int
    level1: str | None
    level2: str | None
    name: str
    period_value: str | None
    annual_value: str | None
    line: int | None
    concept: str | None
    flagged: bool
    best_score: float | None  # the best cached suggestion not decided yet
    best_tier: str | None = None  # "likely" if an undecided suggestion is likely; "possible": no likely match
    no_counterpart: bool = False  # a reviewer marked it as having no counterpart in the other regions
    flag_note: str | None = None


@dataclass(frozen=True, slots=True)
class Occurrence:
    document: str
    project: str
    line: int | None
    period_value: str | None
    annual_value: str | None
    raw: str | None
    location: str | None = None  # in a spreadsheet, Word or PDF file: "sheet 表1 row 12" instead of a line

    @property
    def where(self) -> str:
        return where_in_file(self.line, self.location)


@dataclass(frozen=True, slots=True)
class Progress:
    mapped: int
    regional_indicators: int
    covered: int  # indicator occurrences whose regional indicator is mapped
    occurrences: int

    @property
    def share_covered(self) -> float:
        return self.covered / self.occurrences if self.occurrences else 0.0


@dataclass(frozen=True, slots=True)
class QueueItem:
    """An unreviewed suggested pair."""

    regional_indicator_id: int
    candidate_id: int
    score: float
    explanation: str
    tier: str = "possible"


def _rejected_against_concept(side: str, other: str) -> str:
    """SQL: the indicator ``other`` was rejected against a member of the concept of ``side`` (a rejected
    outsider is rejected against the whole concept)."""
    return (f"EXISTS (SELECT 1 FROM concept_members ma WHERE ma.regional_indicator_id = {side} AND EXISTS (SELECT 1"
            f" FROM concept_members mb JOIN pair_decisions p ON p.a = min(mb.regional_indicator_id, {other}) AND p.b ="
            f" max(mb.regional_indicator_id, {other}) AND p.kind = 'rejected' WHERE mb.concept_id = ma.concept_id))")


_UNDECIDED = (
    "NOT EXISTS (SELECT 1 FROM pair_decisions p WHERE p.a = min(s.regional_indicator_id, s.candidate_id)"
    " AND p.b = max(s.regional_indicator_id, s.candidate_id))"
    " AND NOT EXISTS (SELECT 1 FROM concept_members ma JOIN concept_members mb ON ma.concept_id = mb.concept_id"
    " WHERE ma.regional_indicator_id = s.regional_indicator_id AND mb.regional_indicator_id = s.candidate_id)"
    # (each check below only once its table has rows: the uncorrelated test is evaluated once per query)
    " AND (NOT EXISTS (SELECT 1 FROM no_counterpart) OR (NOT EXISTS (SELECT 1 FROM no_counterpart n WHERE"
    " n.regional_indicator_id = s.regional_indicator_id) AND NOT EXISTS (SELECT 1 FROM no_counterpart n WHERE"
    " n.regional_indicator_id = s.candidate_id)))"
    " AND (NOT EXISTS (SELECT 1 FROM concept_members) OR NOT EXISTS (SELECT 1 FROM pair_decisions WHERE kind ="
    f" 'rejected') OR (NOT {_rejected_against_concept('s.regional_indicator_id', 's.candidate_id')}"
    f" AND NOT {_rejected_against_concept('s.candidate_id', 's.regional_indicator_id')}))"
)


def region(workspace: Workspace, name: str) -> RegionSummary:
    """One region's counts (after a decision only the regions it touched are recounted)."""
    connection = workspace.connection
    documents, records_count = connection.execute(
        "SELECT count(DISTINCT d.id), count(r.id) FROM documents d LEFT JOIN records r ON r.document_id = d.id"
        " WHERE d.region = ?", (name,)).fetchone()
    total, mapped = connection.execute(
        "SELECT count(*), count(m.regional_indicator_id) FROM regional_indicators ri LEFT JOIN concept_members m"
        " ON m.regional_indicator_id = ri.id WHERE ri.region = ?", (name,)).fetchone()
    return RegionSummary(name, documents, records_count, total, mapped)


def regions_of(workspace: Workspace, ri_ids: list[int]) -> set[str]:
    marks = ",".join("?" * len(ri_ids))
    return {row[0] for row in workspace.connection.execute(
        f"SELECT DISTINCT region FROM regional_indicators WHERE id IN ({marks})", ri_ids)} if ri_ids else set()


def regions(workspace: Workspace) -> list[RegionSummary]:
    rows = workspace.connection.execute(
        "SELECT d.region, count(DISTINCT d.id), (SELECT count(*) FROM records r JOIN documents d2 ON d2.id ="
        " r.document_id WHERE d2.region = d.region), (SELECT count(*) FROM regional_indicators ri WHERE ri.region ="
        " d.region), (SELECT count(*) FROM regional_indicators ri JOIN concept_members m ON m.regional_indicator_id"
        " = ri.id WHERE ri.region = d.region) FROM documents d GROUP BY d.region ORDER BY d.region"
    ).fetchall()
    return [RegionSummary(*row) for row in rows]


def records(workspace: Workspace, region: str) -> list[RecordSummary]:
    rows = workspace.connection.execute(
        "SELECT r.id, d.name, r.kind, r.name, r.unit, r.amount_wan,"
        " (SELECT count(*) FROM indicators i WHERE i.record_id = r.id),"
        " (SELECT count(*) FROM indicators i JOIN concept_members m ON m.regional_indicator_id ="
        " i.regional_indicator_id WHERE i.record_id = r.id)"
        " FROM records r JOIN documents d ON d.id = r.document_id WHERE d.region = ? ORDER BY d.name, r.ordinal",
        (region,),
    ).fetchall()
    return [RecordSummary(*row) for row in rows]


def indicators(workspace: Workspace, record_id: int) -> list[IndicatorRow]:
    rows = workspace.connection.execute(
        "SELECT i.id, i.regional_indicator_id, i.level1, i.level2, i.name, i.period_value, i.annual_value, i.line,"
        " c.name, f.regional_indicator_id IS NOT NULL, best.score, best.tier,"
        " EXISTS (SELECT 1 FROM no_counterpart n WHERE n.regional_indicator_id = i.regional_indicator_id), f.note"
        " FROM indicators i LEFT JOIN concept_members m ON m.regional_indicator_id = i.regional_indicator_id"
        " LEFT JOIN concepts c ON c.id = m.concept_id LEFT JOIN flags f ON f.regional_indicator_id ="
        f" i.regional_indicator_id LEFT JOIN ({_BEST}) best ON best.regional_indicator_id = i.regional_indicator_id"
        " WHERE i.record_id = ? ORDER BY i.ordinal",
        (record_id, record_id),
    ).fetchall()
    return [_indicator_row(row) for row in rows]


# the best undecided suggestion's score and tier of each indicator of the record (the one parameter): one pass
# over their suggestions ("likely" sorts before "possible")
_BEST = ("SELECT s.regional_indicator_id, max(s.score) AS score, min(s.tier) AS tier FROM suggestions s"
         " WHERE s.regional_indicator_id IN (SELECT regional_indicator_id FROM indicators WHERE record_id = ?)"
         f" AND {_UNDECIDED} GROUP BY s.regional_indicator_id")


def _indicator_row(row: tuple) -> IndicatorRow:
    return IndicatorRow(*row[:9], bool(row[9]), row[10], row[11], bool(row[12]), row[13])


def occurrences(workspace: Workspace, ri_id: int, limit: int = 50) -> list[Occurrence]:
    rows = workspace.connection.execute(
        "SELECT d.name, r.name, i.line, i.period_value, i.annual_value, i.raw, i.location FROM indicators i"
        " JOIN records r ON r.id = i.record_id JOIN documents d ON d.id = r.document_id"
        " WHERE i.regional_indicator_id = ? ORDER BY d.name, r.ordinal, i.ordinal LIMIT ?",
        (ri_id, limit),
    ).fetchall()
    return [Occurrence(*row) for row in rows]


def totals(workspace: Workspace) -> tuple[int, int]:
    """(regional indicators, indicator occurrences): they change only when documents are imported."""
    connection = workspace.connection
    return (connection.execute("SELECT count(*) FROM regional_indicators").fetchone()[0],
            connection.execute("SELECT count(*) FROM indicators").fetchone()[0])


def targets(workspace: Workspace, ri_id: int, limit: int = 3) -> str:
    """A regional indicator's distinct target values, for a one-line comparison ("≥90% / 100%")."""
    return targets_of(workspace, [ri_id], limit).get(ri_id, "")


def targets_of(workspace: Workspace, ri_ids: list[int], limit: int = 3) -> dict[int, str]:
    """:func:`targets` of several regional indicators in one query (a candidate list)."""
    if not ri_ids:
        return {}
    marks = ",".join("?" * len(ri_ids))
    values: dict[int, dict[str, None]] = {ri: {} for ri in ri_ids}
    for ri, annual, period in workspace.connection.execute(  # the first 20 occurrences of each, at most
            "SELECT regional_indicator_id, annual_value, period_value FROM (SELECT regional_indicator_id,"
            " annual_value, period_value, row_number() OVER (PARTITION BY regional_indicator_id ORDER BY id) AS n"
            f" FROM indicators WHERE regional_indicator_id IN ({marks})) WHERE n <= 20", ri_ids):
        value = annual or period
        if value and len(values[ri]) < limit:
            values[ri][value] = None
    return {ri: " / ".join(found) for ri, found in values.items() if found}


def progress(workspace: Workspace, known_totals: tuple[int, int] | None = None) -> Progress:
    """Mapped regional indicators and the indicator occurrences they cover (pass ``known_totals`` to skip
    counting everything again after each decision)."""
    connection = workspace.connection
    mapped = connection.execute("SELECT count(*) FROM concept_members m JOIN regional_indicators r ON r.id ="
                                " m.regional_indicator_id").fetchone()[0]
    # members drive the count (CROSS JOIN keeps that order): cheap while few indicators are mapped
    covered = connection.execute("SELECT count(*) FROM concept_members m CROSS JOIN indicators i ON"
                                 " i.regional_indicator_id = m.regional_indicator_id").fetchone()[0]
    total, occurrences_total = known_totals or totals(workspace)
    return Progress(mapped, total, covered, occurrences_total)


# a suggested pair that another suggestion covers better: the same pair the other way round, or the same
# outsider against another member of the same concept (an outsider is reviewed once per concept)
_BETTER = "(t.score > s.score OR (t.score = s.score AND t.regional_indicator_id < s.regional_indicator_id))"
_QUEUED = (
    f"{_UNDECIDED} AND NOT EXISTS (SELECT 1 FROM suggestions t WHERE t.regional_indicator_id = s.candidate_id"
    f" AND t.candidate_id = s.regional_indicator_id AND {_BETTER})"
    " AND (NOT EXISTS (SELECT 1 FROM concept_members) OR (NOT EXISTS (SELECT 1 FROM concept_members ma JOIN"
    " concept_members mb ON mb.concept_id = ma.concept_id"
    " AND mb.regional_indicator_id != ma.regional_indicator_id JOIN suggestions t ON t.regional_indicator_id ="
    f" mb.regional_indicator_id AND t.candidate_id = s.candidate_id WHERE ma.regional_indicator_id ="
    f" s.regional_indicator_id AND {_BETTER})"
    " AND NOT EXISTS (SELECT 1 FROM concept_members ma JOIN concept_members mb ON mb.concept_id = ma.concept_id"
    " AND mb.regional_indicator_id != ma.regional_indicator_id JOIN suggestions t ON t.regional_indicator_id ="
    f" s.regional_indicator_id AND t.candidate_id = mb.regional_indicator_id WHERE ma.regional_indicator_id ="
    " s.candidate_id AND (t.score > s.score OR (t.score = s.score AND t.candidate_id < s.candidate_id)))))"
)
_QUEUE = f"FROM suggestions s WHERE {_QUEUED}"


def queue(workspace: Workspace, limit: int = 50, offset: int = 0) -> list[QueueItem]:
    """Unreviewed suggested pairs, likely ones first, then best first, each pair once (A→B and B→A are one
    review, and so is an outsider against the members of one concept)."""
    rows = workspace.connection.execute(
        f"SELECT s.regional_indicator_id, s.candidate_id, s.score, s.explanation, s.tier {_QUEUE}"
        " ORDER BY s.tier = 'likely' DESC, s.score DESC, s.regional_indicator_id, s.rank LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    return [QueueItem(*row) for row in rows]


def place_of(workspace: Workspace, ri_id: int, record_id: int | None = None) -> tuple[int, int] | None:
    """(record, position among its indicators) of a regional indicator: in ``record_id`` when it occurs
    there, else where it first occurs; None when no document uses it now."""
    connection = workspace.connection
    row = connection.execute("SELECT record_id, ordinal FROM indicators WHERE regional_indicator_id = ?"
                             " ORDER BY record_id = ? DESC, id LIMIT 1", (ri_id, record_id)).fetchone()
    if row is None:
        return None
    found_in, ordinal = row
    position = connection.execute("SELECT count(*) FROM indicators WHERE record_id = ? AND ordinal < ?",
                                  (found_in, ordinal)).fetchone()[0]
    return found_in, position


def queue_at(workspace: Workspace, offset: int) -> tuple[QueueItem | None, int, int]:
    """The queue's pair at ``offset``, with the pairs and the likely pairs left, counted in the same pass."""
    row = workspace.connection.execute(
        f"SELECT s.regional_indicator_id, s.candidate_id, s.score, s.explanation, s.tier, count(*) OVER (),"
        f" sum(s.tier = 'likely') OVER () {_QUEUE}"
        " ORDER BY s.tier = 'likely' DESC, s.score DESC, s.regional_indicator_id, s.rank LIMIT 1 OFFSET ?",
        (offset,)).fetchone()
    if row is None:
        return (None, *queue_counts(workspace)) if offset else (None, 0, 0)
    return QueueItem(*row[:5]), row[5], row[6] or 0


def queue_counts(workspace: Workspace) -> tuple[int, int]:
    """(pairs, likely pairs) left in the queue."""
    total, likely = workspace.connection.execute(
        f"SELECT count(*), coalesce(sum(s.tier = 'likely'), 0) {_QUEUE}").fetchone()
    return total, likely


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One decision of the log: who, when, what, and the regional indicators it changed (the first is where
    the app jumps)."""

    id: int
    at: str
    reviewer: str
    kind: str
    summary: str
    undoes: int | None
    indicators: tuple[int, ...]


def history(workspace: Workspace, limit: int = 500) -> list[HistoryEntry]:
    """The decision log, newest first."""
    import json

    connection = workspace.connection
    entries = []
    for event_id, at, reviewer, kind, summary, undoes, payload in connection.execute(
            "SELECT id, at, reviewer, kind, summary, undoes, changes FROM events ORDER BY id DESC LIMIT ?", (limit,)):
        found: dict[int, None] = {}
        concepts = []
        for change in json.loads(payload or "[]"):
            table, key = change.get("table"), change.get("key") or []
            if table == "concepts":
                concepts.extend(key)
            elif key and all(isinstance(k, int) for k in key):
                found.update(dict.fromkeys(key))
        if not found and concepts:  # a rename: a member of the concept
            marks = ",".join("?" * len(concepts))
            found.update(dict.fromkeys(row[0] for row in connection.execute(
                f"SELECT regional_indicator_id FROM concept_members WHERE concept_id IN ({marks}) LIMIT 1",
                concepts)))
        entries.append(HistoryEntry(event_id, at, reviewer, kind, summary, undoes, tuple(found)))
    return entries


STATUSES = {  # a status filter as typed (is:…) and the condition on regional indicator r
    "unreviewed": "NOT EXISTS (SELECT 1 FROM concept_members m WHERE m.regional_indicator_id = r.id) AND EXISTS"
                  f" (SELECT 1 FROM suggestions s WHERE s.regional_indicator_id = r.id AND {_UNDECIDED})",
    "likely": "NOT EXISTS (SELECT 1 FROM concept_members m WHERE m.regional_indicator_id = r.id) AND EXISTS"
              f" (SELECT 1 FROM suggestions s WHERE s.regional_indicator_id = r.id AND s.tier = 'likely' AND"
              f" {_UNDECIDED})",
    "mapped": "EXISTS (SELECT 1 FROM concept_members m WHERE m.regional_indicator_id = r.id)",
    "flagged": "EXISTS (SELECT 1 FROM flags f WHERE f.regional_indicator_id = r.id)",
    "nocounterpart": "EXISTS (SELECT 1 FROM no_counterpart n WHERE n.regional_indicator_id = r.id)",
}
STATUS_WORDS = {"unreviewed": "unreviewed", "likely": "likely", "mapped": "mapped", "flagged": "flagged",
                "none": "nocounterpart", "nocounterpart": "nocounterpart", "no-counterpart": "nocounterpart"}


@dataclass(frozen=True, slots=True)
class FindFilter:
    """What find and filter was asked: words, a status (is:unreviewed, is:likely, is:mapped, is:flagged,
    is:nocounterpart), a region (@广州) and level 1 / level 2 (l1:产出, l2:质量), each part of a name."""

    text: str = ""
    status: str | None = None
    region: str | None = None
    level1: str | None = None
    level2: str | None = None
    problem: str = ""  # a filter this workspace cannot apply, said instead of the hits

    @classmethod
    def parse(cls, typed: str) -> FindFilter:
        words: list[str] = []
        fields: dict[str, str | None] = {}
        problem = ""
        for word in typed.split():
            lowered = word.lower()
            if lowered.startswith("is:"):
                status = STATUS_WORDS.get(lowered[3:])
                if status is None:
                    problem = (f"no status is called {word[3:]}: is:unreviewed, is:likely, is:mapped,"
                               " is:flagged, is:nocounterpart")
                fields["status"] = status
            elif word.startswith(("@", "＠")) and len(word) > 1:
                fields["region"] = word[1:]
            elif lowered.startswith(("l1:", "l2:")) and len(word) > 3:
                fields["level1" if lowered.startswith("l1:") else "level2"] = word[3:]
            else:
                words.append(word)
        return cls(" ".join(words), problem=problem, **fields)  # type: ignore[arg-type]

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition on regional indicator r, with its parameters."""
        conditions, params = ["1"], []
        if self.status in STATUSES:
            conditions.append(STATUSES[self.status])
        for column, value in (("region", self.region), ("level1", self.level1), ("level2", self.level2)):
            if value:
                conditions.append(f"instr(r.{column}, ?) > 0")
                params.append(value)
        return " AND ".join(conditions), params


@dataclass(frozen=True, slots=True)
class Found:
    """A hit of find and filter: a project (``record`` set, ``indicator`` None) or a regional indicator."""

    region: str
    name: str
    record: int | None = None
    indicator: int | None = None
    level1: str | None = None
    level2: str | None = None
    document: str = ""


def find(workspace: Workspace, wanted: FindFilter, indicator_ids: list[int] | None = None, limit: int = 100
         ) -> list[Found]:
    """Projects whose names hold the words, then regional indicators that pass the filters: among
    ``indicator_ids`` in their order (a fuzzy search's hits) when given, else all of them by region and name."""
    connection = workspace.connection
    found: list[Found] = []
    plain = not (wanted.status or wanted.level1 or wanted.level2)
    if wanted.text and plain:
        for record_id, region_name, name, document in connection.execute(
                "SELECT r.id, d.region, r.name, d.name FROM records r JOIN documents d ON d.id = r.document_id"
                " WHERE instr(r.name, ?) > 0 AND (? IS NULL OR instr(d.region, ?) > 0) ORDER BY d.region, r.ordinal"
                " LIMIT 20", (wanted.text, wanted.region, wanted.region)):
            found.append(Found(region_name, name, record=record_id, document=document))
    condition, params = wanted.where()
    if indicator_ids is not None:
        order = {ri: position for position, ri in enumerate(indicator_ids)}
        rows = []
        for start in range(0, len(indicator_ids), 500):
            chunk = indicator_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows += connection.execute(
                f"SELECT r.id, r.region, r.name, r.level1, r.level2 FROM regional_indicators r WHERE r.id IN"
                f" ({marks}) AND {condition}", (*chunk, *params)).fetchall()
        rows.sort(key=lambda row: order[row[0]])
    elif wanted.text:
        rows = []
    else:
        rows = connection.execute(
            f"SELECT r.id, r.region, r.name, r.level1, r.level2 FROM regional_indicators r WHERE {condition}"
            " ORDER BY r.region, r.name LIMIT ?", (*params, limit)).fetchall()
    found += [Found(region_name, name, indicator=ri, level1=level1, level2=level2)
              for ri, region_name, name, level1, level2 in rows[:limit]]
    return found
