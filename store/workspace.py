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

SCHEMA_VERSION = 1
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
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    regional_indicator_id INTEGER NOT NULL REFERENCES regional_indicators(id),
    ordinal INTEGER NOT NULL,
    level1 TEXT,
    level2 TEXT,
    name TEXT NOT NULL,
    period_value TEXT,
    annual_value TEXT,
    line INTEGER,
    raw TEXT,
    target_kind TEXT,
    operator TEXT,
    number REAL,
    unit TEXT
);
CREATE INDEX indicators_record ON indicators(record_id, ordinal);
CREATE INDEX indicators_regional ON indicators(regional_indicator_id);
CREATE INDEX indicators_document ON indicators(document_id);
CREATE TABLE warnings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    line INTEGER,
    message TEXT NOT NULL
);
CREATE INDEX warnings_document ON warnings(document_id);
"""

_RAW_LIMIT = 2000


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


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class Workspace:
    """An open workspace file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        _check_file(self.path)
        try:
            self.connection = sqlite3.connect(self.path, timeout=15, isolation_level=None)
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
            with self.transaction():
                for statement in _SCHEMA.split(";"):
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
        """Store (or replace) a parsed document; returns "added", "replaced" or "unchanged".

        Call inside :meth:`transaction` to group several documents; on its own it opens one.
        """
        if not self.connection.in_transaction:
            with self.transaction():
                return self.store_document(document, content_hash, path)
        connection = self.connection
        row = connection.execute(
            "SELECT id, content_hash FROM documents WHERE name = ?", (document.source,)
        ).fetchone()
        if row and row[1] == content_hash:
            return "unchanged"
        outcome = "added"
        if row:
            connection.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            outcome = "replaced"
        region = region_key(document)
        cursor = connection.execute(
            "INSERT INTO documents (name, path, content_hash, layout, region, department, year, imported_at,"
            " record_count, indicator_count, warning_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (document.source, path, content_hash, document.layout, region, document.department, document.year,
             _now(), len(document.records), document.indicator_count, len(document.warnings)),
        )
        document_id = cursor.lastrowid
        regional = self._regional_ids(region)
        indicator_rows = []
        for ordinal, record in enumerate(document.records):
            record_id = connection.execute(
                "INSERT INTO records (document_id, ordinal, kind, name, unit, code, amount_wan, goal, line)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                (document_id, ordinal, record.kind, record.name, record.unit, record.code, record.amount_wan,
                 record.goal, record.line),
            ).lastrowid
            for position, indicator in enumerate(record.indicators):
                key = key_name(indicator.name)
                regional_id = regional.get(key)
                if regional_id is None:
                    regional_id = connection.execute(
                        "INSERT INTO regional_indicators (region, key, name, level1, level2) VALUES (?,?,?,?,?)",
                        (region, key, indicator.name, indicator.level1, indicator.level2),
                    ).lastrowid
                    regional[key] = regional_id
                target = indicator.annual_target or indicator.period_target
                indicator_rows.append((
                    record_id, document_id, regional_id, position, indicator.level1, indicator.level2,
                    indicator.name, indicator.period_value, indicator.annual_value, indicator.line,
                    indicator.raw[:_RAW_LIMIT], target.kind if target else None,
                    target.operator if target else None, target.number if target else None,
                    target.unit if target else None,
                ))
        connection.executemany(
            "INSERT INTO indicators (record_id, document_id, regional_indicator_id, ordinal, level1, level2,"
            " name, period_value, annual_value, line, raw, target_kind, operator, number, unit)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            indicator_rows,
        )
        connection.executemany(
            "INSERT INTO warnings (document_id, line, message) VALUES (?,?,?)",
            [(document_id, warning.line, warning.message) for warning in document.warnings],
        )
        if outcome == "replaced":
            self._prune_regional_indicators()
        return outcome

    def _regional_ids(self, region: str) -> dict[str, int]:
        cached = self._regional_cache.get(region)
        if cached is None:
            cached = dict(self.connection.execute(
                "SELECT key, id FROM regional_indicators WHERE region = ?", (region,)
            ).fetchall())
            self._regional_cache[region] = cached
        return cached

    def _prune_regional_indicators(self) -> None:
        """Drop regional indicators no document uses any more (and no decision refers to)."""
        self.connection.execute(
            "DELETE FROM regional_indicators WHERE NOT EXISTS"
            " (SELECT 1 FROM indicators WHERE indicators.regional_indicator_id = regional_indicators.id)"
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
