"""The mapping file: the approved crosswalk as TOML (tomli-w out, tomllib in), or CSV for Excel.

Concepts with their members (region, name, provenance, targets, who approved when, score,
justification), close matches, rejected pairs, flags with their notes and the indicators marked as having no
counterpart. Export is atomic (temporary file, then rename) and never replaces the workspace, a document, a
folder, a device or a file that is not an earlier export (without ``force``); CSV cells a spreadsheet would run
as formulas are written as text. Loading checks every field's type first, then applies what matches by region +
normalized name in one transaction: members join the workspace's concept of the same id or name, nothing
already decided is overwritten (each such conflict is reported), and loading the same file twice changes nothing.
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
from store.files import OutputKind, atomic_write, check_output, read_regular, read_toml, spreadsheet_safe
from store.review import Review, now
from store.targets import comparable, number_text, parse_target
from store.text import DecodeError, decode_exact, key_name
from store.workspace import Workspace

__all__ = ["FORMAT", "FORMATS", "LoadReport", "MappingError", "build", "export", "format_for", "load", "read",
           "to_csv"]

FORMAT = "zhibiao-mapping/1"
FORMATS = {".toml": "toml", ".csv": "csv"}  # the format an output's extension asks for
_CSV_HEADER = ("relation", "concept_id", "concept", "level1", "level2", "region", "name", "other_region",
               "other_name", "sources", "projects", "targets", "target_operator", "target_value", "target_unit",
               "by", "at", "score", "justification", "note")

@dataclass
class LoadReport:
    """What loading a mapping file did: what it stored (``concepts`` new, ``joined`` existing concepts that
    members joined), what was there already as the file says (``unchanged``), what it could not place, and
    where the workspace decided otherwise (``conflicts``: the workspace's decision is kept)."""

    concepts: int = 0
    members: int = 0
    close: int = 0
    rejected: int = 0
    flags: int = 0
    no_counterpart: int = 0
    joined: int = 0
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
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
    for concept in review.concepts():
        members = []
        for member in concept.members:
            sources, projects, targets = _provenance(workspace, member.indicator.id)
            members.append(_clean({
                "region": member.indicator.region, "name": member.indicator.name, "sources": sources,
                "projects": projects, "targets": targets, "approved_by": member.approved_by,
                "approved_at": _time(member.approved_at), "score": member.score,
                "justification": member.justification,
            }))
        concepts.append(_clean({"id": f"C{concept.id:04d}", "name": concept.name, "level1": concept.level1,
                                "level2": concept.level2, "member": members}))
    pairs: dict[str, list[dict[str, Any]]] = {"close": [], "rejected": []}
    for a_region, a_name, b_region, b_name, kind, by, at in workspace.connection.execute(
        "SELECT ra.region, ra.name, rb.region, rb.name, p.kind, p.decided_by, p.decided_at FROM pair_decisions p"
        " JOIN regional_indicators ra ON ra.id = p.a JOIN regional_indicators rb ON rb.id = p.b"
        " ORDER BY ra.region, ra.name, rb.region, rb.name"
    ):
        pairs[kind].append(_clean({"a": {"region": a_region, "name": a_name}, "b": {"region": b_region, "name": b_name},
                                   "by": by, "at": _time(at)}))
    flags = [_clean({"region": region, "name": name, "note": note, "by": by, "at": _time(at)})
             for region, name, note, by, at in workspace.connection.execute(
                 "SELECT r.region, r.name, f.note, f.flagged_by, f.flagged_at FROM flags f JOIN regional_indicators r"
                 " ON r.id = f.regional_indicator_id ORDER BY r.region, r.name")]
    alone = [_clean({"region": region, "name": name, "by": by, "at": _time(at)})
             for region, name, by, at in workspace.connection.execute(
                 "SELECT r.region, r.name, n.decided_by, n.decided_at FROM no_counterpart n JOIN regional_indicators r"
                 " ON r.id = n.regional_indicator_id ORDER BY r.region, r.name")]
    document: dict[str, Any] = {"format": FORMAT, "exported_at": datetime.fromisoformat(now())}
    for key, tables in (("concept", concepts), ("close", pairs["close"]), ("rejected", pairs["rejected"]),
                        ("flag", flags), ("no_counterpart", alone)):
        if tables:
            document[key] = tables
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
                 "", "", ""])
    for relation in ("flag", "no_counterpart"):
        for item in document.get(relation, []):
            row([relation, "", "", "", "", item["region"], item["name"], "", "", "", "", "", "", "", "",
                 item.get("by", ""), _text_time(item.get("at")) or "", "", "", item.get("note", "")])
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
            "close": len(document.get("close", [])), "rejected": len(document.get("rejected", [])),
            "flags": len(document.get("flag", [])), "no_counterpart": len(document.get("no_counterpart", []))}


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


def _text_cell(cell: str | None) -> str:
    """A CSV cell as the document had it: the apostrophe the export put before a formula-like cell removed."""
    cell = cell or ""
    return cell[1:] if cell.startswith("'") and spreadsheet_safe(cell[1:]) == cell else cell


def _from_csv(path: Path, data: bytes) -> dict[str, Any]:
    """A CSV export as the mapping document the TOML export holds (members grouped by concept id)."""
    try:
        text = decode_exact(data)
    except DecodeError as exc:
        raise MappingError(path, f"not a mapping CSV: {exc.reason}") from exc
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    missing = [column for column in ("relation", "concept_id", "concept", "region", "name", "other_region",
                                     "other_name", "by", "at") if column not in (reader.fieldnames or ())]
    if missing:
        raise MappingError(path, f"not a zhibiao mapping CSV (no {', '.join(missing)} column)")
    concepts: dict[str, dict[str, Any]] = {}
    document: dict[str, Any] = {"format": FORMAT}
    for number, raw in enumerate(reader, start=2):
        row = {key: _text_cell(value) for key, value in raw.items() if key is not None}
        relation, by, at = row.get("relation", ""), row.get("by") or None, row.get("at") or None
        side = {"region": row.get("region", ""), "name": row.get("name", "")}
        if relation == "member":
            key = row.get("concept_id") or f"row {number}"
            concept = concepts.setdefault(key, _clean({"id": row.get("concept_id") or None, "name": row.get("concept"),
                                                       "level1": row.get("level1") or None,
                                                       "level2": row.get("level2") or None}) | {"member": []})
            try:
                score = float(row["score"]) if row.get("score") else None
            except ValueError:
                raise MappingError(path, f"line {number}: score must be a number, not {row['score']!r}") from None
            concept["member"].append(_clean({**side, "approved_by": by, "approved_at": at, "score": score,
                                             "justification": row.get("justification") or None}))
        elif relation in ("close", "rejected"):
            document.setdefault(relation, []).append(_clean({
                "a": side, "b": {"region": row.get("other_region", ""), "name": row.get("other_name", "")},
                "by": by, "at": at}))
        elif relation in ("flag", "no_counterpart"):
            document.setdefault(relation, []).append(_clean({**side, "note": row.get("note") or None, "by": by,
                                                             "at": at}))
        else:
            raise MappingError(path, f"line {number}: no relation is called {relation!r} (member, close, rejected, "
                                     "flag or no_counterpart)")
    if concepts:
        document["concept"] = list(concepts.values())
    return document


def read(path: Path) -> dict[str, Any]:
    """Read and check a mapping file (TOML, or the CSV export): every table and field of the type the format
    gives it. MappingError names the file and the first problem (and how many more)."""
    try:
        if path.suffix.lower() == ".csv":
            document = _from_csv(path, read_regular(path))
        else:
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
    for relation in ("flag", "no_counterpart"):
        for index, item in enumerate(check.tables(document.get(relation), relation), start=1):
            where = f"{relation} {index}"
            check.name(item, "region", where)
            check.name(item, "name", where)
            for key in ("note", "by"):
                check.optional(item, key, (str,), "a string", where)
            check.optional(item, "at", _TIME, "a date-time", where)
    if check.problems:
        more = f" (and {len(check.problems) - 1} more)" if len(check.problems) > 1 else ""
        raise MappingError(path, f"{check.problems[0]}{more}: nothing loaded")
    return document


def load(workspace: Workspace, path: Path, reviewer: str | None = None) -> LoadReport:
    """Apply a mapping file to the workspace's documents: one event, nothing changed on error, nothing at all
    when the workspace already holds everything the file says (loading a file twice changes nothing).

    A file's concept joins the workspace's concept of the same id (when that concept has the same name or
    shares a member), else of the same name, else the one concept its members are in already; otherwise it is
    new (under the file's id when that is free). A member is placed once (the first concept that lists it wins)
    and never moved out of a concept it is in; a pair decision, flag or "no counterpart" is recorded unless the
    workspace or the file decided otherwise. What cannot be found is in ``unplaced``, what the workspace decided
    otherwise in ``conflicts``, and the counts are what was stored.
    """
    document = read(path)
    loader = _Loader(workspace, Review(workspace, reviewer))
    with workspace.transaction():
        for concept in document.get("concept", []):
            loader.concept(concept)
        for relation in ("close", "rejected"):
            for pair in document.get(relation, []):
                loader.pair(relation, pair)
        for item in document.get("flag", []):
            loader.flag(item)
        for item in document.get("no_counterpart", []):
            loader.no_counterpart(item)
        report = loader.report
        if loader.changes:
            joined = f" ({report.joined} joined existing concepts)" if report.joined else ""
            event = loader.review.commit_changes(
                "load", f"loaded {path.name}: {report.concepts} concepts, {report.members} members{joined}, "
                f"{report.close} close, {report.rejected} rejected, {report.flags} flags, {report.no_counterpart} "
                "with no counterpart", loader.changes)
            report.event_id = event.id
    return report


def _label(side: dict[str, Any]) -> str:
    return f"{side['region']} · {side['name']}"


def _concept_number(value: Any) -> int | None:
    """The workspace id an exported concept id names ("C0007" -> 7)."""
    if isinstance(value, str) and value[:1] in "Cc" and value[1:].isdigit():
        return int(value[1:])
    return None


class _Loader:
    """One mapping file applied to a workspace, inside the caller's transaction: the row changes of the one
    event it makes, and the report."""

    def __init__(self, workspace: Workspace, review: Review) -> None:
        self.connection = workspace.connection
        self.review = review
        self.report = LoadReport()
        self.changes: list[dict[str, Any]] = []
        self.placed_in: dict[int, str] = {}  # regional indicator -> the file's concept it was placed in
        self.concept_of: dict[int, int] = {}  # regional indicator -> its concept once the file is applied
        self.no_counterpart_of: set[int] = set()  # marked by this file
        self.used_ids: set[int] = set()  # concept ids this file created
        self.ids_seen: dict[str, int] = {}
        self.decided_here: dict[tuple[int, int], str] = {}

    def find(self, region: str, name: str) -> int | None:
        row = self.connection.execute("SELECT id FROM regional_indicators WHERE region = ? AND key = ?",
                                      (region, key_name(name))).fetchone()
        return row[0] if row else None

    def current_concept(self, ri_id: int) -> int | None:
        return self.concept_of.get(ri_id) or self.review.concept_id_of(ri_id)

    def concept(self, concept: dict[str, Any]) -> None:
        name = concept["name"].strip()
        file_id = concept.get("id") if isinstance(concept.get("id"), str) else None
        label = f"{file_id} {name}" if file_id else name
        if file_id:
            self.ids_seen[file_id] = self.ids_seen.get(file_id, 0) + 1
            if self.ids_seen[file_id] == 2:
                self.report.unplaced.append(f"concept id {file_id} appears more than once in the file (ids are "
                                            "not merged: a member is placed once, where it is first listed)")
        found: list[tuple[int, dict[str, Any]]] = []
        for member in concept.get("member", []):
            ri_id = self.find(member["region"], member["name"])
            if ri_id is None:
                self.report.unplaced.append(f"{label}: {_label(member)} (not in the workspace)")
            elif ri_id in self.placed_in:
                self.report.unplaced.append(f"{label}: {_label(member)} (listed again: already placed in "
                                            f"{self.placed_in[ri_id]} from this file)")
            else:
                found.append((ri_id, member))
                self.placed_in[ri_id] = label
        if not found:
            return
        target = self.existing_concept(_concept_number(file_id), name, [ri_id for ri_id, _member in found])
        placed = []
        for ri_id, member in found:
            current = self.current_concept(ri_id)
            if current is not None and current == target:
                self.report.unchanged += 1
            elif current is not None:
                self.report.conflicts.append(f"{label}: {_label(member)} is in concept "
                                             f"{self.concept_name(current)} here: left there")
            elif ri_id in self.no_counterpart_of or self.review.has_no_counterpart(ri_id):
                self.report.conflicts.append(f"{label}: {_label(member)} is marked as having no counterpart here: "
                                             "left out")
            else:
                placed.append((ri_id, member))
        if not placed:
            return
        if target is None:
            target = self.new_concept(_concept_number(file_id), name, concept)
            self.report.concepts += 1
        else:
            self.report.joined += 1
        for ri_id, member in placed:
            self.concept_of[ri_id] = target
            self.changes.append(self.review.row_change("concept_members", (ri_id,), {
                "regional_indicator_id": ri_id, "concept_id": target,
                "justification": member.get("justification", "manual"), "score": member.get("score"),
                "approved_by": member.get("approved_by", self.review.reviewer),
                "approved_at": _text_time(member.get("approved_at")) or now()}))
        self.report.members += len(placed)

    def concept_name(self, concept_id: int) -> str:
        return self.review.concept_name(concept_id) if concept_id not in self.used_ids else f"{concept_id} (this file)"

    def existing_concept(self, number: int | None, name: str, members: list[int]) -> int | None:
        """The workspace's concept a file's concept joins: of the same id (with the same name or a shared
        member), else of the same name, else the one its members are in already."""
        holding = {concept for concept in map(self.current_concept, members) if concept is not None}
        if number is not None and number not in self.used_ids:
            row = self.connection.execute("SELECT name FROM concepts WHERE id = ?", (number,)).fetchone()
            if row is not None and (row[0] == name or number in holding):
                return number
        named = [concept_id for (concept_id,) in self.connection.execute(
            "SELECT id FROM concepts WHERE name = ? ORDER BY id", (name,))]
        named += [concept_id for concept_id in self.used_ids if concept_id not in named
                  and self.changes_name(concept_id) == name]
        if named:
            return next((concept_id for concept_id in named if concept_id in holding), named[0])
        return next(iter(holding)) if len(holding) == 1 else None

    def changes_name(self, concept_id: int) -> str | None:
        return next((c["after"]["name"] for c in self.changes if c["table"] == "concepts" and c["key"] == [concept_id]),
                    None)

    def new_concept(self, number: int | None, name: str, concept: dict[str, Any]) -> int:
        """A new concept, under the file's id when no concept has it."""
        taken = self.connection.execute("SELECT 1 FROM concepts WHERE id = ?", (number,)).fetchone() \
            if number is not None else True
        if number is None or number <= 0 or taken or number in self.used_ids:
            highest = self.connection.execute("SELECT coalesce(max(id), 0) FROM concepts").fetchone()[0]
            number = max(highest, *self.used_ids, 0) + 1
        self.used_ids.add(number)
        self.changes.append(self.review.row_change("concepts", (number,), {
            "id": number, "name": name, "level1": concept.get("level1"), "level2": concept.get("level2"),
            "created_at": now()}))
        return number

    def pair(self, relation: str, pair: dict[str, Any]) -> None:
        what = f"{relation}: {_label(pair['a'])} ~ {_label(pair['b'])}"
        a, b = self.find(pair["a"]["region"], pair["a"]["name"]), self.find(pair["b"]["region"], pair["b"]["name"])
        if a is None or b is None:
            self.report.unplaced.append(f"{what} (not in the workspace)")
            return
        if a == b:
            self.report.unplaced.append(f"{what} (an indicator paired with itself)")
            return
        low, high = sorted((a, b))
        one = self.current_concept(a)
        if one is not None and one == self.current_concept(b):
            self.report.conflicts.append(f"{what} (the two are in one concept)")
            return
        if (low, high) in self.decided_here:
            if self.decided_here[(low, high)] != relation:
                self.report.unplaced.append(f"{what} (the file also has the pair as {self.decided_here[(low, high)]};"
                                            " the first is kept)")
            return
        existing = self.review._row("pair_decisions", (low, high))
        if existing is not None:
            if existing["kind"] != relation:
                self.report.conflicts.append(f"{what} (already decided as {existing['kind']} by "
                                             f"{existing['decided_by']}: kept)")
            else:
                self.report.unchanged += 1
            self.decided_here[(low, high)] = existing["kind"]
            return
        self.decided_here[(low, high)] = relation
        self.changes.append(self.review.row_change("pair_decisions", (low, high), {
            "a": low, "b": high, "kind": relation, "decided_by": pair.get("by", self.review.reviewer),
            "decided_at": _text_time(pair.get("at")) or now()}))
        setattr(self.report, relation, getattr(self.report, relation) + 1)

    def flag(self, item: dict[str, Any]) -> None:
        ri_id = self.find(item["region"], item["name"])
        if ri_id is None:
            self.report.unplaced.append(f"flag: {_label(item)} (not in the workspace)")
            return
        note = item.get("note") or None
        existing = self.review._row("flags", (ri_id,))
        if existing is not None or any(c["table"] == "flags" and c["key"] == [ri_id] for c in self.changes):
            if existing is not None and (existing.get("note") or None) != note:
                self.report.conflicts.append(f"flag: {_label(item)} is flagged here with another note "
                                             f"({existing.get('note') or 'none'}): kept")
            else:
                self.report.unchanged += 1
            return
        self.changes.append(self.review.row_change("flags", (ri_id,), {
            "regional_indicator_id": ri_id, "flagged_by": item.get("by", self.review.reviewer),
            "flagged_at": _text_time(item.get("at")) or now(), "note": note}))
        self.report.flags += 1

    def no_counterpart(self, item: dict[str, Any]) -> None:
        ri_id = self.find(item["region"], item["name"])
        if ri_id is None:
            self.report.unplaced.append(f"no counterpart: {_label(item)} (not in the workspace)")
            return
        if ri_id in self.no_counterpart_of or self.review.has_no_counterpart(ri_id):
            self.report.unchanged += ri_id not in self.no_counterpart_of
            return
        concept = self.current_concept(ri_id)
        if concept is not None:
            self.report.conflicts.append(f"no counterpart: {_label(item)} is in concept {self.concept_name(concept)}"
                                         " here: kept there")
            return
        self.no_counterpart_of.add(ri_id)
        self.changes.append(self.review.row_change("no_counterpart", (ri_id,), {
            "regional_indicator_id": ri_id, "decided_by": item.get("by", self.review.reviewer),
            "decided_at": _text_time(item.get("at")) or now()}))
        self.report.no_counterpart += 1
