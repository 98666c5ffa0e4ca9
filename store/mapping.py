"""The mapping file: the approved crosswalk as TOML (tomli-w out, tomllib in), or CSV for Excel.

Concepts with their members (region, name, provenance, targets, who approved when, score,
justification), close matches and rejected pairs. Export is atomic (temporary file, then rename);
loading applies what matches by region + normalized name in one transaction and reports the rest.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import tomli_w

from store.review import Review, now
from store.targets import comparable, number_text, parse_target
from store.text import key_name, read_toml
from store.workspace import Workspace

FORMAT = "zhibiao-mapping/1"


class MappingError(ValueError):
    """A mapping file that cannot be written or read."""


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
    """One row per member, close match and rejected pair; UTF-8 with BOM so that Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["relation", "concept_id", "concept", "level1", "level2", "region", "name", "other_region",
                     "other_name", "sources", "projects", "targets", "target_operator", "target_value",
                     "target_unit", "by", "at", "score", "justification"])
    for concept in document.get("concept", []):
        for member in concept.get("member", []):
            writer.writerow(["member", concept["id"], concept["name"], concept.get("level1", ""),
                             concept.get("level2", ""), member["region"], member["name"], "", "",
                             "; ".join(member.get("sources", [])), "; ".join(member.get("projects", [])),
                             "; ".join(member.get("targets", [])),
                             *_parsed_targets(member.get("targets", []), member["name"]),
                             member.get("approved_by", ""), _text_time(member.get("approved_at")) or "",
                             member.get("score", ""), member.get("justification", "")])
    for relation in ("close", "rejected"):
        for pair in document.get(relation, []):
            writer.writerow([relation, "", "", "", "", pair["a"]["region"], pair["a"]["name"], pair["b"]["region"],
                             pair["b"]["name"], "", "", "", "", "", "", pair.get("by", ""),
                             _text_time(pair.get("at")) or "", "", ""])
    return "\ufeff" + buffer.getvalue()


def _parsed_targets(targets: list[str], name: str) -> list[str]:
    """Operator, number and unit of each target in a comparable unit (percent, 万元, hours or days …), in
    the order of the targets column; an entry stays empty where a target has no number."""
    parsed = [comparable(parse_target(target), name) for target in targets]
    return ["; ".join("" if value is None else part(value) for value in parsed)
            for part in (lambda v: v.operator, lambda v: number_text(v.value), lambda v: v.unit)]


def export(workspace: Workspace, path: Path, fmt: str = "toml") -> dict[str, int]:
    """Write the mapping atomically; returns what was written. MappingError names an unwritable path."""
    document = build(workspace)
    if fmt == "toml":
        data = tomli_w.dumps(document).encode("utf-8")
    elif fmt == "csv":
        data = to_csv(document).encode("utf-8")
    else:
        raise MappingError(f"unknown format {fmt!r} (toml or csv)")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise MappingError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise MappingError(f"{path}: is a folder")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise MappingError(f"{path}: cannot write here ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            # a temporary file is private (0600); the mapping is for colleagues: the mode a new file gets
            # (or the one the replaced file had)
            os.fchmod(stream.fileno(), _mode_for(path))
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise MappingError(f"{path}: cannot write ({exc.strerror})") from exc
    return {"concepts": len(document.get("concept", [])),
            "members": sum(len(c.get("member", [])) for c in document.get("concept", [])),
            "close": len(document.get("close", [])), "rejected": len(document.get("rejected", []))}


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def read(path: Path) -> dict[str, Any]:
    """Read and check a mapping file; MappingError says what is wrong."""
    try:
        document = read_toml(path, "mapping file")
    except ValueError as exc:
        raise MappingError(str(exc)) from exc
    if document.get("format") != FORMAT:
        raise MappingError(f"{path}: not a zhibiao mapping (format is {document.get('format')!r}, "
                           f"expected {FORMAT!r})")
    problems = []
    for index, concept in enumerate(document.get("concept", []), start=1):
        if not isinstance(concept, dict) or not isinstance(concept.get("name"), str):
            problems.append(f"concept {index} has no name")
            continue
        for member in concept.get("member", []):
            if not isinstance(member, dict) or not isinstance(member.get("region"), str) or not isinstance(
                    member.get("name"), str):
                problems.append(f"concept {concept.get('name')}: a member without region and name")
    for relation in ("close", "rejected"):
        for pair in document.get(relation, []):
            if not all(isinstance(pair.get(side), dict) and isinstance(pair[side].get("region"), str)
                       and isinstance(pair[side].get("name"), str) for side in ("a", "b")):
                problems.append(f"a {relation} pair without a and b (region, name)")
    if problems:
        raise MappingError(f"{path}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1
                                                      else ""))
    return document


def load(workspace: Workspace, path: Path, reviewer: str | None = None) -> LoadReport:
    """Apply a mapping file to the workspace's documents: one event, nothing changed on error."""
    document = read(path)
    review = Review(workspace, reviewer)
    report = LoadReport()
    connection = workspace.connection

    def find(region: str, name: str) -> int | None:
        row = connection.execute("SELECT id FROM regional_indicators WHERE region = ? AND key = ?",
                                 (region, key_name(name))).fetchone()
        return row[0] if row else None

    with workspace.transaction():
        changes: list[dict[str, Any]] = []
        next_concept = connection.execute("SELECT coalesce(max(id), 0) FROM concepts").fetchone()[0] + 1
        for concept in document.get("concept", []):
            placed = []
            for member in concept.get("member", []):
                ri_id = find(member["region"], member["name"])
                if ri_id is None:
                    report.unplaced.append(f"{concept['name']}: {member['region']} · {member['name']} (not in the "
                                           "workspace)")
                elif review.concept_id_of(ri_id) is not None or any(ri_id == p for p, _ in placed):
                    report.unplaced.append(f"{concept['name']}: {member['region']} · {member['name']} (already in "
                                           "a concept)")
                else:
                    placed.append((ri_id, member))
            if not placed:
                continue
            concept_id = next_concept
            next_concept += 1
            changes.append(review.row_change("concepts", (concept_id,), {
                "id": concept_id, "name": concept["name"], "level1": concept.get("level1"),
                "level2": concept.get("level2"), "created_at": now()}))
            for ri_id, member in placed:
                changes.append(review.row_change("concept_members", (ri_id,), {
                    "regional_indicator_id": ri_id, "concept_id": concept_id,
                    "justification": member.get("justification", "manual"), "score": member.get("score"),
                    "approved_by": member.get("approved_by", review.reviewer),
                    "approved_at": _text_time(member.get("approved_at")) or now()}))
            report.concepts += 1
            report.members += len(placed)
        for relation in ("close", "rejected"):
            for pair in document.get(relation, []):
                a = find(pair["a"]["region"], pair["a"]["name"])
                b = find(pair["b"]["region"], pair["b"]["name"])
                if a is None or b is None or a == b:
                    report.unplaced.append(f"{relation}: {pair['a']['region']} · {pair['a']['name']} ~ "
                                           f"{pair['b']['region']} · {pair['b']['name']} (not in the workspace)")
                    continue
                low, high = sorted((a, b))
                changes.append(review.row_change("pair_decisions", (low, high), {
                    "a": low, "b": high, "kind": relation, "decided_by": pair.get("by", review.reviewer),
                    "decided_at": _text_time(pair.get("at")) or now()}))
                setattr(report, relation, getattr(report, relation) + 1)
        if changes:
            event = review.commit_changes("load", f"loaded {path.name}: {report.concepts} concepts, {report.members} "
                                           f"members, {report.close} close, {report.rejected} rejected", changes)
            report.event_id = event.id
    return report
