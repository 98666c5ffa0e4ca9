"""The workspace: one SQLite file holding documents, records, indicators, warnings and the regional
indicators derived from them (later also concepts, the decision log and cached candidates).

WAL journal, synchronous=FULL, foreign keys on, schema version in ``PRAGMA user_version``. One
connection per thread: a :class:`Workspace` must stay on the thread that opened it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store.model import Document
from store.text import key_name

SCHEMA_VERSION = 5
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    path TEXT,
    content_hash TEXT NOT NULL,
    layout TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT,
    year INTEGER,
    imported_at TEXT NOT NULL,
    record_count INTEGER NOT NULL DEFAULT 0,
    indicator_count INTEGER NOT NULL DEFAULT 0,
    warning_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT,
    code TEXT,
    amount_wan REAL,
    goal TEXT,
    line INTEGER
);
CREATE INDEX records_document ON records(document_id, ordinal);
CREATE TABLE regional_indicators (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    level1 TEXT,
    level2 TEXT,
    UNIQUE (region, key)
);
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    regional_indicator_id INTEGER NOT NULL REFERENCES regional_indicators(id),
    ordinal INTEGER NOT NULL,
    level1 TEXT,
    level2 TEXT,
    name TEXT NOT NULL,
    period_value TEXT,
    annual_value TEXT,
    line INTEGER,
    raw TEXT
);
CREATE INDEX indicators_record ON indicators(record_id, ordinal);
CREATE INDEX indicators_regional ON indicators(regional_indicator_id);
CREATE TABLE warnings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    line INTEGER,
    message TEXT NOT NULL
);
CREATE INDEX warnings_document ON warnings(document_id);
"""

# Version 2: the mapping model (concepts, members, pair decisions, flags, the event log) and the
# suggestion cache.
_SCHEMA_V2 = """
CREATE TABLE concepts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    level1 TEXT,
    level2 TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE concept_members (
    regional_indicator_id INTEGER PRIMARY KEY REFERENCES regional_indicators(id),
    concept_id INTEGER NOT NULL REFERENCES concepts(id),
    justification TEXT NOT NULL,
    score REAL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
CREATE INDEX concept_members_concept ON concept_members(concept_id);
CREATE TABLE pair_decisions (
    a INTEGER NOT NULL REFERENCES regional_indicators(id),
    b INTEGER NOT NULL REFERENCES regional_indicators(id),
    kind TEXT NOT NULL CHECK (kind IN ('close', 'rejected')),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
);
CREATE TABLE flags (
    regional_indicator_id INTEGER PRIMARY KEY REFERENCES regional_indicators(id),
    flagged_by TEXT NOT NULL,
    flagged_at TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    changes TEXT NOT NULL,
    undoes INTEGER REFERENCES events(id)
);
CREATE TABLE suggestions (
    regional_indicator_id INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL,
    score REAL NOT NULL,
    explanation TEXT NOT NULL,
    via TEXT,
    PRIMARY KEY (regional_indicator_id, rank)
);
CREATE INDEX suggestions_candidate ON suggestions(candidate_id);
CREATE TABLE name_suggestions (
    id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""
# Version 3: the outcome (实际完成值) that self-evaluation tables report beside the target.
_SCHEMA_V3 = """
ALTER TABLE indicators ADD COLUMN actual_value TEXT;
"""
# Version 5: what the matcher learned from decisions (each term with the event that taught it, so that
# undoing the decision unlearns it), and the tier of each cached suggestion.
_SCHEMA_V5 = """
CREATE TABLE learned_terms (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id),
    kind TEXT NOT NULL CHECK (kind IN ('synonym', 'contrast', 'qualifier')),
    term TEXT NOT NULL,
    other TEXT NOT NULL DEFAULT '',
    a INTEGER NOT NULL,
    b INTEGER NOT NULL
);
CREATE INDEX learned_terms_event ON learned_terms(event_id);
ALTER TABLE suggestions ADD COLUMN tier TEXT NOT NULL DEFAULT 'possible';
"""
_MIGRATIONS = {1: _SCHEMA, 2: _SCHEMA_V2, 3: _SCHEMA_V3, 5: _SCHEMA_V5}

_RAW_LIMIT = 400  # provenance shown to a reviewer; a flattened row can be kilobytes long
_REGION_CACHE = 16


class WorkspaceError(Exception):
    """The workspace file cannot be used (not SQLite, made by a newer zhibiao, locked)."""


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """One stored document as the import summary and the review app list it."""

    id: int
    name: str
    layout: str
    region: str
    department: str | None
    year: int | None
    record_count: int
    indicator_count: int
    warning_count: int
    imported_at: str


@dataclass(frozen=True, slots=True)
class StoredWarning:
    line: int | None
    message: str


def region_key(document: Document) -> str:
    """The region a document's indicators are reviewed under; unknown regions stay apart per document."""
    return document.region or f"?{document.source}"


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document as rows ready to insert: built in the parser processes, cheap to pickle and store."""

    source: str
    layout: str
    region: str
    department: str | None
    year: int | None
    records: list[tuple]
    indicators: list[tuple]
    warnings: list[tuple[int, str]]
    indicator_count: int


def prepare(document: Document) -> PreparedDocument:
    """Flatten a document into insert rows (record ordinal, regional key, level1, level2, name, …).

    Parsed targets are not stored: they are derived from the value text when needed (parse_target).
    """
    records = []
    indicators = []
    for record_ordinal, record in enumerate(document.records):
        records.append((record.kind, record.name, record.unit, record.code, record.amount_wan, record.goal,
                        record.line))
        for position, indicator in enumerate(record.indicators):
            indicators.append((
                record_ordinal, key_name(indicator.name), indicator.level1, indicator.level2, indicator.name,
                position, indicator.period_value, indicator.annual_value, indicator.line,
                indicator.raw[:_RAW_LIMIT], indicator.actual_value,
            ))
    return PreparedDocument(
        source=document.source, layout=document.layout, region=region_key(document),
        department=document.department, year=document.year, records=records, indicators=indicators,
        warnings=[(w.line, w.message) for w in document.warnings], indicator_count=len(indicators),
    )


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class Workspace:
    """An open workspace file."""

    def __init__(self, path: Path | str, *, shared: bool = False) -> None:
        """Open (or create) a workspace; ``shared`` lets one worker thread hand the connection to the next
        (the caller serialises its use)."""
        self.path = Path(path)
        _check_file(self.path)
        try:
            self.connection = sqlite3.connect(self.path, timeout=15, isolation_level=None,
                                              check_same_thread=not shared)
            self.connection.execute("PRAGMA busy_timeout = 15000")
            mode = self.connection.execute("PRAGMA journal_mode = WAL").fetchone()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{self.path}: not a zhibiao workspace ({exc})") from exc
        del mode
        self.connection.execute("PRAGMA synchronous = FULL")
        self.connection.execute("PRAGMA foreign_keys = ON")
        self._migrate()
        self._regional_cache: dict[str, dict[str, int]] = {}

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        try:
            version = self.connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{self.path}: not a zhibiao workspace ({exc})") from exc
        if version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.path}: made by a newer zhibiao (schema {version}, this one reads {SCHEMA_VERSION})"
            )
        if version == 0:
            tables = self.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise WorkspaceError(f"{self.path}: an SQLite file, but not a zhibiao workspace")
        if version < SCHEMA_VERSION:
            with self.transaction():
                for step in sorted(s for s in _MIGRATIONS if version < s <= SCHEMA_VERSION):
                    for statement in _MIGRATIONS[step].split(";"):
                        if statement.strip():
                            self.connection.execute(statement)
                self.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed (synchronously) on success, rolled back on any error."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            self._regional_cache.clear()
            raise
        else:
            self.connection.execute("COMMIT")

    # -- documents ---------------------------------------------------------------------------------

    def stored_hash(self, name: str) -> str | None:
        row = self.connection.execute("SELECT content_hash FROM documents WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def store_document(self, document: Document, content_hash: str, path: str | None = None) -> str:
        """Store (or replace) a parsed document; returns "added", "replaced" or "unchanged"."""
        return self.store_prepared(prepare(document), content_hash, path)

    def store_prepared(self, prepared: PreparedDocument, content_hash: str, path: str | None = None) -> str:
        """Store a document prepared by :func:`prepare` (possibly in another process).

        Call inside :meth:`transaction` to group several documents; on its own it opens one.
        """
        if not self.connection.in_transaction:
            with self.transaction():
                return self.store_prepared(prepared, content_hash, path)
        connection = self.connection
        row = connection.execute(
            "SELECT id, content_hash FROM documents WHERE name = ?", (prepared.source,)
        ).fetchone()
        if row and row[1] == content_hash:
            return "unchanged"
        outcome = "added"
        if row:
            connection.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            outcome = "replaced"
        document_id = connection.execute(
            "INSERT INTO documents (name, path, content_hash, layout, region, department, year, imported_at,"
            " record_count, indicator_count, warning_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (prepared.source, path, content_hash, prepared.layout, prepared.region, prepared.department,
             prepared.year, _now(), len(prepared.records), len(prepared.indicators), len(prepared.warnings)),
        ).lastrowid
        first_record = (connection.execute("SELECT max(id) FROM records").fetchone()[0] or 0) + 1
        connection.executemany(
            "INSERT INTO records (id, document_id, ordinal, kind, name, unit, code, amount_wan, goal, line)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(first_record + ordinal, document_id, ordinal, *fields)
             for ordinal, fields in enumerate(prepared.records)],
        )
        regional = self._regional_ids(prepared.region)
        next_regional = None
        new_regional = []
        indicator_rows = []
        for record_ordinal, key, level1, level2, name, *rest in prepared.indicators:
            regional_id = regional.get(key)
            if regional_id is None:
                if next_regional is None:
                    next_regional = (connection.execute(
                        "SELECT max(id) FROM regional_indicators").fetchone()[0] or 0) + 1
                regional_id = next_regional
                next_regional += 1
                regional[key] = regional_id
                new_regional.append((regional_id, prepared.region, key, name, level1, level2))
            indicator_rows.append((first_record + record_ordinal, regional_id, level1, level2, name, *rest))
        connection.executemany(
            "INSERT INTO regional_indicators (id, region, key, name, level1, level2) VALUES (?,?,?,?,?,?)",
            new_regional,
        )
        connection.executemany(
            "INSERT INTO indicators (record_id, regional_indicator_id, level1, level2, name, ordinal,"
            " period_value, annual_value, line, raw, actual_value) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            indicator_rows,
        )
        connection.executemany(
            "INSERT INTO warnings (document_id, line, message) VALUES (?,?,?)",
            [(document_id, line, message) for line, message in prepared.warnings],
        )
        if outcome == "replaced":
            self._prune_regional_indicators()
        return outcome

    def _regional_ids(self, region: str) -> dict[str, int]:
        """Regional indicator ids of one region by key; a few regions are kept (imports go region by region)."""
        cached = self._regional_cache.pop(region, None)
        if cached is None:
            cached = dict(self.connection.execute(
                "SELECT key, id FROM regional_indicators WHERE region = ?", (region,)
            ).fetchall())
        self._regional_cache[region] = cached
        while len(self._regional_cache) > _REGION_CACHE:
            self._regional_cache.pop(next(iter(self._regional_cache)))
        return cached

    def _prune_regional_indicators(self) -> None:
        """Drop regional indicators no document uses any more and no decision refers to (a decision keeps
        its regional indicator, so that it applies again when the indicator comes back)."""
        self.connection.execute(
            "DELETE FROM regional_indicators WHERE NOT EXISTS"
            " (SELECT 1 FROM indicators WHERE indicators.regional_indicator_id = regional_indicators.id)"
            " AND id NOT IN (SELECT regional_indicator_id FROM concept_members)"
            " AND id NOT IN (SELECT a FROM pair_decisions) AND id NOT IN (SELECT b FROM pair_decisions)"
            " AND id NOT IN (SELECT regional_indicator_id FROM flags)"
        )
        self._regional_cache.clear()

    def documents(self) -> list[DocumentSummary]:
        rows = self.connection.execute(
            "SELECT id, name, layout, region, department, year, record_count, indicator_count,"
            " warning_count, imported_at FROM documents ORDER BY name"
        ).fetchall()
        return [DocumentSummary(*row) for row in rows]

    def warnings(self, document_id: int) -> list[StoredWarning]:
        rows = self.connection.execute(
            "SELECT line, message FROM warnings WHERE document_id = ? ORDER BY line, id", (document_id,)
        ).fetchall()
        return [StoredWarning(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        one = self.connection.execute
        return {
            "documents": one("SELECT count(*) FROM documents").fetchone()[0],
            "records": one("SELECT count(*) FROM records").fetchone()[0],
            "indicators": one("SELECT count(*) FROM indicators").fetchone()[0],
            "regional_indicators": one("SELECT count(*) FROM regional_indicators").fetchone()[0],
            "warnings": one("SELECT count(*) FROM warnings").fetchone()[0],
        }

    def regional_indicator_names(self) -> Iterable[tuple[str, str]]:
        return self.connection.execute("SELECT region, name FROM regional_indicators ORDER BY region, key")


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise WorkspaceError(f"{path}: is a folder, not a workspace file")
    if path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            raise WorkspaceError(f"{path}: cannot be read ({exc.strerror})") from exc
        if head and head != _SQLITE_MAGIC:
            raise WorkspaceError(f"{path}: not a zhibiao workspace (not an SQLite file)")
    elif not path.parent.exists():
        raise WorkspaceError(f"{path}: folder {path.parent} does not exist")
