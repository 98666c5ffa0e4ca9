"""The crosswalk as SSSOM/TSV (the Simple Standard for Sharing Ontological Mappings), for other mapping tools.

A YAML metadata block (each line behind ``#``: the CURIE map, the mapping set's id, title, license) and
one row per mapping: members of one concept as ``skos:exactMatch`` (each member to the concept's first, so
that a concept of n members is n - 1 rows and comes back as one connected group), close matches as
``skos:closeMatch``, rejected pairs as ``skos:exactMatch`` with ``predicate_modifier`` ``Not``.
Indicators are identified by region and normalized name (``zhibiao:广州市:政务服务好评率``, percent-encoded),
stable across imports, with the names as written for labels.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from store.files import OutputKind, atomic_write, check_output
from store.review import Review, now
from store.text import key_name
from store.workspace import Workspace

PREFIX = "zhibiao"
PREFIX_IRI = "urn:zhibiao:indicator:"
REVIEWER_PREFIX = "zhibiao_reviewer"
REVIEWER_IRI = "urn:zhibiao:reviewer:"
LICENSE_UNSPECIFIED = "https://w3id.org/sssom/license/unspecified"
COLUMNS = ("subject_id", "subject_label", "subject_category", "predicate_id", "predicate_modifier", "object_id",
           "object_label", "object_category", "mapping_justification", "author_id", "author_label",
           "mapping_date", "confidence", "comment")
JUSTIFICATION = {"lexical": "semapv:LexicalMatching"}
MANUAL = "semapv:ManualMappingCuration"
# characters an identifier keeps as they are (URI unreserved and sub-delimiters); the rest, CJK included, is
# percent-encoded UTF-8: SSSOM validators accept only ASCII CURIEs, and the labels carry the names as written
_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")


def is_sssom(data: bytes) -> bool:
    """Whether a file is SSSOM/TSV (its metadata block behind ``#``, or the header row): an earlier export,
    replaced without --force."""
    return data.startswith((b"#", b"subject_id"))


SSSOM_FILE = OutputKind("an SSSOM file", is_sssom)


@dataclass(frozen=True, slots=True)
class SssomSummary:
    path: Path
    exact: int
    close: int
    negative: int


def _local(text: str) -> str:
    """Text as the local part of a CURIE: what a URI cannot hold as it is, percent-encoded."""
    return "".join(character if character in _KEEP else "".join(f"%{byte:02X}" for byte in character.encode())
                   for character in text)


def indicator_id(region: str, name: str) -> str:
    """The stable id of a regional indicator: region and normalized name."""
    return f"{PREFIX}:{_local(region)}:{_local(key_name(name))}"


def reviewer_id(reviewer: str) -> str:
    return f"{REVIEWER_PREFIX}:{_local(reviewer)}"


def _category(level1: str | None, level2: str | None) -> str:
    return " › ".join(level for level in (level1, level2) if level)


def rows(workspace: Workspace) -> list[dict[str, Any]]:
    """The mappings, one dict per row (keys from COLUMNS): concepts, close matches, rejected pairs."""
    review = Review(workspace)
    result: list[dict[str, Any]] = []
    for number, concept in enumerate(review.concepts(), start=1):
        members = sorted(concept.members, key=lambda m: (m.indicator.region, m.indicator.name, m.indicator.id))
        if len(members) < 2:
            continue
        anchor = members[0].indicator
        for member in members[1:]:
            other = member.indicator
            justification = JUSTIFICATION.get(member.justification, MANUAL)
            result.append({
                "subject_id": indicator_id(anchor.region, anchor.name), "subject_label": anchor.name,
                "subject_category": _category(anchor.level1, anchor.level2), "predicate_id": "skos:exactMatch",
                "object_id": indicator_id(other.region, other.name), "object_label": other.name,
                "object_category": _category(other.level1, other.level2), "mapping_justification": justification,
                "author_id": reviewer_id(member.approved_by), "author_label": member.approved_by,
                "mapping_date": member.approved_at[:10],
                "confidence": member.score if justification != MANUAL and member.score is not None else None,
                "comment": f"concept C{number:04d} {concept.name}",
            })
    for a_region, a_name, a_level1, a_level2, b_region, b_name, b_level1, b_level2, kind, by, at in \
            workspace.connection.execute(
                "SELECT ra.region, ra.name, ra.level1, ra.level2, rb.region, rb.name, rb.level1, rb.level2, p.kind,"
                " p.decided_by, p.decided_at FROM pair_decisions p JOIN regional_indicators ra ON ra.id = p.a"
                " JOIN regional_indicators rb ON rb.id = p.b ORDER BY p.kind, ra.region, ra.name, rb.region,"
                " rb.name"):
        result.append({
            "subject_id": indicator_id(a_region, a_name), "subject_label": a_name,
            "subject_category": _category(a_level1, a_level2),
            "predicate_id": "skos:closeMatch" if kind == "close" else "skos:exactMatch",
            "predicate_modifier": "Not" if kind == "rejected" else None,
            "object_id": indicator_id(b_region, b_name), "object_label": b_name,
            "object_category": _category(b_level1, b_level2), "mapping_justification": MANUAL,
            "author_id": reviewer_id(by), "author_label": by, "mapping_date": at[:10],
            "comment": "close match" if kind == "close" else "rejected: not the same indicator",
        })
    return result


def _yaml(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is one)."""
    return json.dumps(value, ensure_ascii=False)


def to_tsv(workspace: Workspace, mappings: list[dict[str, Any]] | None = None, title: str | None = None) -> str:
    """The SSSOM/TSV text: the metadata block, then the header and the mapping rows (columns no row uses
    are left out, as the specification asks, except the four every mapping has)."""
    if mappings is None:
        mappings = rows(workspace)
    required = ("subject_id", "predicate_id", "object_id", "mapping_justification")
    used = [column for column in COLUMNS
            if column in required or any(row.get(column) not in (None, "") for row in mappings)]
    exported = now()
    metadata = [
        "curie_map:",
        f"  {PREFIX}: {_yaml(PREFIX_IRI)}",
        f"  {REVIEWER_PREFIX}: {_yaml(REVIEWER_IRI)}",
        f"mapping_set_id: {_yaml(f'urn:uuid:{uuid.uuid4()}')}",
        f"mapping_set_version: {_yaml(exported)}",
        f"mapping_set_title: {_yaml(title or f'zhibiao crosswalk of {workspace.path.name}')}",
        "mapping_set_description: " + _yaml(
            "Budget performance indicators (三级指标) of several regions: skos:exactMatch within a concept, "
            "skos:closeMatch for related indicators, predicate_modifier Not for pairs a reviewer rejected."),
        f"license: {_yaml(LICENSE_UNSPECIFIED)}",
        "mapping_tool: zhibiao",
        f"publication_date: {date.fromisoformat(exported[:10]).isoformat()}",
    ]
    buffer = io.StringIO()
    buffer.writelines(f"#{line}\n" for line in metadata)
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(used)
    for row in mappings:
        writer.writerow(["" if row.get(column) is None else row[column] for column in used])
    return buffer.getvalue()


def export(workspace: Workspace, path: Path, *, force: bool = False) -> SssomSummary:
    """Write the SSSOM/TSV file atomically; OutputError names a path that may not or cannot be written (another
    file than an SSSOM file is replaced only with ``force``)."""
    path = Path(path)
    check_output(path, SSSOM_FILE, protected=workspace.protected(), force=force)
    mappings = rows(workspace)
    atomic_write(path, to_tsv(workspace, mappings).encode("utf-8"))
    negative = sum(1 for row in mappings if row.get("predicate_modifier") == "Not")
    close = sum(1 for row in mappings if row["predicate_id"] == "skos:closeMatch")
    return SssomSummary(path, len(mappings) - negative - close, close, negative)


__all__ = ["SssomSummary", "export", "indicator_id", "rows", "to_tsv"]
