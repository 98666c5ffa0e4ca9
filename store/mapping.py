"""The mapping file: the approved crosswalk as TOML (tomli-w out, tomllib in), or CSV for Excel.

Concepts with their members (region, name, provenance, targets, who approved when, score,
justification), close matches and rejected pairs. Export is atomic (temporary file, then rename) and never
replaces the workspace, a document, a folder, a device or a file that is not an earlier export (without
``force``); CSV cells a spreadsheet would run as formulas are written as text. Loading checks every field's
type first, then applies what matches by region + normalized name in one transaction, never overwriting a
decision already in the workspace, and reports the rest, duplicates included.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli_w

from store.errors import FileError, MappingError, OutputError
from store.files import OutputKind, atomic_write, check_output, read_toml, spreadsheet_safe
from store.review import Review, now
from store.targets import comparable, number_text, parse_target
from store.text import key_name
from store.workspace import Workspace

__all__ = ["FORMAT", "FORMATS", "LoadReport", "MappingError", "build", "export", "format_for", "load", "read",
           "to_csv"]

FORMAT = "zhibiao-mapping/1"
FORMATS = {".toml": "toml", ".csv": "csv"}  # the format an output's extension asks for
_CSV_HEADER = ("relation", "concept_id", "concept", "level1", "level2", "region", "name", "other_region",
               "other_name", "sources", "projects", "targets", "target_operator", "target_value", "target_unit",
               "by", "at", "score", "justification")

@dataclass
class LoadReport:
    """What loading a mapping file did."""

    concepts: int = 0
    members: int = 0
    close: int = 0
    rejected: int = 0
    unplaced: list[str] = field(default_factory=list)
    event_id: int | None = None


def _time(value: str | None) -> datetime | str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return value


def _text_time(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _clean(table: dict[str, Any]) -> dict[str, Any]:
    """TOML has no null: leave out what is unknown."""
    return {k: v for k, v in table.items() if v is not None and v != []}


def _provenance(workspace: Workspace, ri_id: int) -> tuple[list[str], list[str], list[str]]:
    """Documents, projects and distinct targets of a regional indicator's occurrences."""
    sources: list[str] = []
    projects: list[str] = []
    targets: list[str] = []
    for document, project, annual, period in workspace.connection.execute(
        "SELECT d.name, r.name, i.annual_value, i.period_value FROM indicators i JOIN records r ON r.id = i.record_id"
        " JOIN documents d ON d.id = r.document_id WHERE i.regional_indicator_id = ? ORDER BY d.name, r.ordinal,"
        " i.ordinal", (ri_id,)
    ):
        for items, value in ((sources, document), (projects, project), (targets, annual or period)):
            if value and value not in items:
                items.append(value)
    return sources, projects, targets


def build(workspace: Workspace) -> dict[str, Any]:
    """The mapping as a TOML-ready document."""
    review = Review(workspace)
    concepts = []
    for number, concept in enumerate(review.concepts(), start=1):
        members = []
        for member in concept.members:
            sources, projects, targets = _provenance(workspace, member.indicator.id)
            members.append(_clean({
                "region": member.indicator.region, "name": member.indicator.name, "sources": sources,
                "projects": projects, "targets": targets, "approved_by": member.approved_by,
                "approved_at": _time(member.approved_at), "score": member.score,
                "justification": member.justification,
            }))
        concepts.append(_clean({"id": f"C{number:04d}", "name": concept.name, "level1": concept.level1,
                                "level2": concept.level2, "member": members}))
    pairs: dict[str, list[dict[str, Any]]] = {"close": [], "rejected": []}
    for a_region, a_name, b_region, b_name, kind, by, at in workspace.connection.execute(
        "SELECT ra.region, ra.name, rb.region, rb.name, p.kind, p.decided_by, p.decided_at FROM pair_decisions p"
        " JOIN regional_indicators ra ON ra.id = p.a JOIN regional_indicators rb ON rb.id = p.b"
        " ORDER BY ra.region, ra.name, rb.region, rb.name"
    ):
        pairs[kind].append(_clean({"a": {"region": a_region, "name": a_name}, "b": {"region": b_region, "name": b_name},
                                   "by": by, "at": _time(at)}))
    document: dict[str, Any] = {"format": FORMAT, "exported_at": datetime.fromisoformat(now())}
    if concepts:
        document["concept"] = concepts
    if pairs["close"]:
        document["close"] = pairs["close"]
    if pairs["rejected"]:
        document["rejected"] = pairs["rejected"]
    return document


def to_csv(document: dict[str, Any]) -> str:
    """One row per member, close match and rejected pair; UTF-8 with BOM so that Excel reads the Chinese. Text
    cells that start like a formula (= + - @, tab, CR: 抚顺's targets read ``=100%``) are written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def row(cells: list[Any]) -> None:
        writer.writerow([spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in cells])

    writer.writerow(_CSV_HEADER)
    for concept in document.get("concept", []):
        for member in concept.get("member", []):
            row(["member", concept["id"], concept["name"], concept.get("level1", ""), concept.get("level2", ""),
                 member["region"], member["name"], "", "", "; ".join(member.get("sources", [])),
                 "; ".join(member.get("projects", [])), "; ".join(member.get("targets", [])),
                 *_parsed_targets(member.get("targets", []), member["name"]), member.get("approved_by", ""),
                 _text_time(member.get("approved_at")) or "", member.get("score", ""),
                 member.get("justification", "")])
    for relation in ("close", "rejected"):
        for pair in document.get(relation, []):
            row([relation, "", "", "", "", pair["a"]["region"], pair["a"]["name"], pair["b"]["region"],
                 pair["b"]["name"], "", "", "", "", "", "", pair.get("by", ""), _text_time(pair.get("at")) or "",
                 "", ""])
    return "\ufeff" + buffer.getvalue()


def _parsed_targets(targets: list[str], name: str) -> list[str]:
    """Operator, number and unit of each target in a comparable unit (percent, 万元, hours or days …), in
    the order of the targets column; an entry stays empty where a target has no number."""
    parsed = [comparable(parse_target(target), name) for target in targets]
    return ["; ".join("" if value is None else part(value) for value in parsed)
            for part in (lambda v: v.operator, lambda v: number_text(v.value), lambda v: v.unit)]


def format_for(path: Path, requested: str | None = None) -> str:
    """The format to write: as asked, else what the extension says (.csv, .toml), else TOML. MappingError when
    the two disagree (``--format toml -o m.csv``)."""
    by_extension = FORMATS.get(path.suffix.lower())
    if requested is None:
        return by_extension or "toml"
    if by_extension is not None and by_extension != requested:
        raise MappingError(path, f"the extension {path.suffix} says {by_extension}, but the format asked is "
                                 f"{requested}")
    return requested


def is_earlier_export(head: bytes) -> bool:
    """Whether a file's first bytes are a mapping zhibiao wrote (TOML or CSV): replacing it needs no --force."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b'format = "zhibiao-mapping/') or text.startswith(",".join(_CSV_HEADER[:12]).encode())


EARLIER_EXPORT = OutputKind("an earlier zhibiao export", is_earlier_export)


def check_target(workspace: Workspace, path: Path, *, force: bool = False) -> None:
    """Whether the mapping may be written to ``path`` (see :func:`store.files.check_output`): never over the
    workspace or a document in it; over another file only when it is an earlier export, or with ``force``."""
    try:
        check_output(path, EARLIER_EXPORT, protected=workspace.protected("the document {name} stored in the workspace"),
                     force=force)
    except OutputError as exc:
        raise MappingError(path, exc.reason) from exc


def export(workspace: Workspace, path: Path, fmt: str | None = None, *, force: bool = False) -> dict[str, int]:
    """Write the mapping atomically in ``fmt`` (default: by the extension); returns what was written.
    MappingError names a path that may not or cannot be written."""
    fmt = format_for(path, fmt)
    if fmt not in ("toml", "csv"):
        raise MappingError(path, f"unknown format {fmt!r} (toml or csv)")
    check_target(workspace, path, force=force)
    document = build(workspace)
    data = tomli_w.dumps(document).encode("utf-8") if fmt == "toml" else to_csv(document).encode("utf-8")
    try:
        atomic_write(path, data)
    except OutputError as exc:
        raise MappingError(path, exc.reason) from exc
    return {"concepts": len(document.get("concept", [])),
            "members": sum(len(c.get("member", [])) for c in document.get("concept", [])),
            "close": len(document.get("close", [])), "rejected": len(document.get("rejected", []))}


_TIME = (datetime, date, time, str)


def _kind(value: Any) -> str:
    """A TOML value's type in the words of the TOML spec, for a problem line."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return "a date or time" if isinstance(value, datetime | date | time) else type(value).__name__


class _Checker:
    """Collects what is wrong with a mapping file's fields, each problem naming where it is."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def tables(self, value: Any, where: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{where} must be an array of tables ([[{where}]]), not {_kind(value)}")
            return []
        good = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.problems.append(f"{where} {index} must be a table, not {_kind(item)}")
        return good

    def name(self, table: dict[str, Any], key: str, where: str) -> None:
        value = table.get(key)
        if not isinstance(value, str):
            self.problems.append(f"{where} has no {key}" if value is None else
                                 f"{where}: {key} must be a string, not {_kind(value)}")
        elif not value.strip():
            self.problems.append(f"{where}: {key} is empty")

    def optional(self, table: dict[str, Any], key: str, types: tuple[type, ...], what: str, where: str) -> None:
        value = table.get(key)
        if value is not None and (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)):
            self.problems.append(f"{where}: {key} must be {what}, not {_kind(value)}")

    def strings(self, table: dict[str, Any], key: str, where: str) -> None:
        value = table.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            self.problems.append(f"{where}: {key} must be an array of strings")


def read(path: Path) -> dict[str, Any]:
    """Read and check a mapping file: every table and field of the type the format gives it. MappingError
    names the file and the first problem (and how many more)."""
    try:
        document = read_toml(path, "mapping file")
    except FileError as exc:
        raise MappingError(path, exc.reason) from exc
    if document.get("format") != FORMAT:
        raise MappingError(path, f"not a zhibiao mapping (format is {document.get('format')!r}, expected "
                                 f"{FORMAT!r})")
    check = _Checker()
    concepts = check.tables(document.get("concept"), "concept")
    for index, concept in enumerate(concepts, start=1):
        where = f"concept {index}"
        check.optional(concept, "id", (str,), "a string", where)
        check.name(concept, "name", where)
        for key in ("level1", "level2"):
            check.optional(concept, key, (str,), "a string", where)
        for number, member in enumerate(check.tables(concept.get("member"), f"{where}: member"), start=1):
            place = f"{where}, member {number}"
            check.name(member, "region", place)
            check.name(member, "name", place)
            check.optional(member, "score", (int, float), "a number", place)
            for key in ("justification", "approved_by"):
                check.optional(member, key, (str,), "a string", place)
            check.optional(member, "approved_at", _TIME, "a date-time", place)
            for key in ("sources", "projects", "targets"):
                check.strings(member, key, place)
    for relation in ("close", "rejected"):
        for index, pair in enumerate(check.tables(document.get(relation), relation), start=1):
            where = f"{relation} {index}"
            for side in ("a", "b"):
                value = pair.get(side)
                if not isinstance(value, dict):
                    check.problems.append(f"{where} has no {side} table (region, name)" if value is None else
                                          f"{where}: {side} must be a table (region, name), not {_kind(value)}")
                    continue
                check.name(value, "region", f"{where}, {side}")
                check.name(value, "name", f"{where}, {side}")
            check.optional(pair, "by", (str,), "a string", where)
            check.optional(pair, "at", _TIME, "a date-time", where)
    if check.problems:
        more = f" (and {len(check.problems) - 1} more)" if len(check.problems) > 1 else ""
        raise MappingError(path, f"{check.problems[0]}{more}: nothing loaded")
    return document


def load(workspace: Workspace, path: Path, reviewer: str | None = None) -> LoadReport:
    """Apply a mapping file to the workspace's documents: one event, nothing changed on error.

    A member is placed once (the first concept that lists it wins), never moved out of a concept it is in
    already; a pair decision is recorded unless the workspace or the file decided the pair otherwise, or its two
    indicators are one (or in one concept). Everything left out is in the report's ``unplaced``, and the counts
    are what was stored.
    """
    document = read(path)
    review = Review(workspace, reviewer)
    report = LoadReport()
    connection = workspace.connection

    def find(region: str, name: str) -> int | None:
        row = connection.execute("SELECT id FROM regional_indicators WHERE region = ? AND key = ?",
                                 (region, key_name(name))).fetchone()
        return row[0] if row else None

    def label(side: dict[str, Any]) -> str:
        return f"{side['region']} · {side['name']}"

    with workspace.transaction():
        changes: list[dict[str, Any]] = []
        next_concept = connection.execute("SELECT coalesce(max(id), 0) FROM concepts").fetchone()[0] + 1
        placed_in: dict[int, str] = {}  # regional indicator -> the concept of this file it was placed in
        concept_of: dict[int, int] = {}  # ... and that concept's new id
        ids_seen: dict[str, int] = {}
        for concept in document.get("concept", []):
            name = concept["name"].strip()
            concept_label = f"{concept['id']} {name}" if isinstance(concept.get("id"), str) else name
            if isinstance(concept.get("id"), str):
                ids_seen[concept["id"]] = ids_seen.get(concept["id"], 0) + 1
                if ids_seen[concept["id"]] == 2:
                    report.unplaced.append(f"concept id {concept['id']} appears more than once in the file (ids "
                                           "are not merged: a member is placed once, where it is first listed)")
            placed = []
            for member in concept.get("member", []):
                ri_id = find(member["region"], member["name"])
                if ri_id is None:
                    report.unplaced.append(f"{concept_label}: {label(member)} (not in the workspace)")
                elif ri_id in placed_in:
                    report.unplaced.append(f"{concept_label}: {label(member)} (listed again: already placed in "
                                           f"{placed_in[ri_id]} from this file)")
                elif review.concept_id_of(ri_id) is not None:
                    report.unplaced.append(f"{concept_label}: {label(member)} (already in a concept)")
                else:
                    placed.append((ri_id, member))
                    placed_in[ri_id] = concept_label
            if not placed:
                continue
            concept_id = next_concept
            next_concept += 1
            changes.append(review.row_change("concepts", (concept_id,), {
                "id": concept_id, "name": name, "level1": concept.get("level1"),
                "level2": concept.get("level2"), "created_at": now()}))
            for ri_id, member in placed:
                concept_of[ri_id] = concept_id
                changes.append(review.row_change("concept_members", (ri_id,), {
                    "regional_indicator_id": ri_id, "concept_id": concept_id,
                    "justification": member.get("justification", "manual"), "score": member.get("score"),
                    "approved_by": member.get("approved_by", review.reviewer),
                    "approved_at": _text_time(member.get("approved_at")) or now()}))
            report.concepts += 1
            report.members += len(placed)
        decided_here: dict[tuple[int, int], str] = {}
        for relation in ("close", "rejected"):
            for pair in document.get(relation, []):
                what = f"{relation}: {label(pair['a'])} ~ {label(pair['b'])}"
                a = find(pair["a"]["region"], pair["a"]["name"])
                b = find(pair["b"]["region"], pair["b"]["name"])
                if a is None or b is None:
                    report.unplaced.append(f"{what} (not in the workspace)")
                    continue
                if a == b:
                    report.unplaced.append(f"{what} (an indicator paired with itself)")
                    continue
                low, high = sorted((a, b))
                one = concept_of.get(a) or review.concept_id_of(a)
                if one is not None and one == (concept_of.get(b) or review.concept_id_of(b)):
                    report.unplaced.append(f"{what} (the two are in one concept)")
                    continue
                if (low, high) in decided_here:
                    if decided_here[(low, high)] != relation:
                        report.unplaced.append(f"{what} (the file also has the pair as {decided_here[(low, high)]};"
                                               " the first is kept)")
                    continue
                existing = review._row("pair_decisions", (low, high))
                if existing is not None:
                    if existing["kind"] != relation:
                        report.unplaced.append(f"{what} (already decided as {existing['kind']} by "
                                               f"{existing['decided_by']}: kept)")
                    decided_here[(low, high)] = existing["kind"]
                    continue
                decided_here[(low, high)] = relation
                changes.append(review.row_change("pair_decisions", (low, high), {
                    "a": low, "b": high, "kind": relation, "decided_by": pair.get("by", review.reviewer),
                    "decided_at": _text_time(pair.get("at")) or now()}))
                setattr(report, relation, getattr(report, relation) + 1)
        if changes:
            event = review.commit_changes("load", f"loaded {path.name}: {report.concepts} concepts, {report.members} "
                                           f"members, {report.close} close, {report.rejected} rejected", changes)
            report.event_id = event.id
    return report
