"""The workspace: one SQLite file holding documents, records, indicators, warnings and the regional
indicators derived from them (later also concepts, the decision log and cached candidates).

WAL journal, synchronous=FULL, foreign keys on, schema version in ``PRAGMA user_version``, zhibiao's mark in
``PRAGMA application_id``. One connection per thread: a :class:`Workspace` must stay on the thread that opened it.

Safety (DESIGN §10): the file is never opened outside SQLite (closing any descriptor of a file drops every POSIX
lock the process holds on it, and another process would then delete the WAL under this one): the checks before
opening only stat it, and what kind of file it is is asked through SQLite. A file that is not a zhibiao
workspace is never modified. Before every write the file must still be the one opened (not deleted or replaced).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from store.errors import WorkspaceError
from store.files import Guarded, Protected, guarded, identity, kind_of, status_to_create
from store.model import Document, where_in_file
from store.text import key_name

SCHEMA_VERSION = 8
_BUSY_SECONDS = 15  # how long a write waits for another process's write lock before saying so
APPLICATION_ID = 0x7A686962  # "zhib" in the file header: this SQLite file is a zhibiao workspace
# the tables every zhibiao workspace has had since the first schema (a workspace from before the mark)
_CORE_TABLES = frozenset({"documents", "records", "regional_indicators", "indicators", "warnings"})

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
# Version 4: document identity (DESIGN §4) is the file name with the region, department and year read from it,
# not the file name alone (two regions' files may share a name); the content hash finds duplicates.
_SCHEMA_V4 = """
CREATE TABLE documents_v4 (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
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
INSERT INTO documents_v4 SELECT id, name, path, content_hash, layout, region, department, year, imported_at,
    record_count, indicator_count, warning_count FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v4 RENAME TO documents;
CREATE UNIQUE INDEX documents_identity ON documents(name, region, coalesce(department, ''), coalesce(year, 0));
CREATE INDEX documents_content ON documents(content_hash);
"""
# Version 5: where a row is in a spreadsheet, Word or PDF file ("sheet 表1 row 12"), beside the line number
# that text files have.
_SCHEMA_V5 = """
ALTER TABLE records ADD COLUMN location TEXT;
ALTER TABLE indicators ADD COLUMN location TEXT;
ALTER TABLE warnings ADD COLUMN location TEXT;
"""
# Version 6: what the matcher learned from decisions (each term with the event that taught it, so that
# undoing the decision unlearns it), and the tier of each cached suggestion.
_SCHEMA_V6 = """
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
# Version 7: the concepts library as last worked out (one row per concept, and the decision and documents it
# was worked out after), so that the concepts screen opens on 10,000 concepts without working them all out.
_SCHEMA_V7 = """
CREATE TABLE library_rows (
    concept_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    level1 TEXT,
    level2 TEXT,
    members INTEGER NOT NULL,
    regions TEXT NOT NULL,
    occurrences INTEGER NOT NULL,
    flags TEXT NOT NULL,
    unit TEXT,
    spread TEXT NOT NULL
);
CREATE TABLE library_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    stamp TEXT NOT NULL,
    last_event INTEGER NOT NULL
);
"""
# Version 8: the reviewer in control — a flag's note, "no counterpart" as a decision (an indicator the reviewer
# marks as having none in the other regions), and the indicators each decision was made on (what redo relearns
# from and where the history and undo take the reviewer).
_SCHEMA_V8 = """
ALTER TABLE flags ADD COLUMN note TEXT;
CREATE TABLE no_counterpart (
    regional_indicator_id INTEGER PRIMARY KEY REFERENCES regional_indicators(id),
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
ALTER TABLE events ADD COLUMN a INTEGER;
ALTER TABLE events ADD COLUMN b INTEGER;
"""
_MIGRATIONS = {1: _SCHEMA, 2: _SCHEMA_V2, 3: _SCHEMA_V3, 4: _SCHEMA_V4, 5: _SCHEMA_V5, 6: _SCHEMA_V6,
               7: _SCHEMA_V7, 8: _SCHEMA_V8}

_RAW_LIMIT = 400  # provenance shown to a reviewer; a flattened row can be kilobytes long
_REGION_CACHE = 16


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
    location: str | None = None

    @property
    def where(self) -> str:
        return where_in_file(self.line, self.location)


class Stored(NamedTuple):
    """What storing a document did: added, replaced (a revised version), unchanged, or duplicate (the same
    bytes are stored under another name, ``same_as``)."""

    outcome: str
    same_as: str | None = None


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
    warnings: list[tuple[int, str, str | None]]
    indicator_count: int


def prepare(document: Document) -> PreparedDocument:
    """Flatten a document into insert rows (record ordinal, regional key, level1, level2, name, …).

    Parsed targets are not stored: they are derived from the value text when needed (parse_target).
    """
    records = []
    indicators = []
    for record_ordinal, record in enumerate(document.records):
        records.append((record.kind, record.name, record.unit, record.code, record.amount_wan, record.goal,
                        record.line, record.location))
        for position, indicator in enumerate(record.indicators):
            indicators.append((
                record_ordinal, key_name(indicator.name), indicator.level1, indicator.level2, indicator.name,
                position, indicator.period_value, indicator.annual_value, indicator.line,
                indicator.raw[:_RAW_LIMIT], indicator.actual_value, indicator.location,
            ))
    return PreparedDocument(
        source=document.source, layout=document.layout, region=region_key(document),
        department=document.department, year=document.year, records=records, indicators=indicators,
        warnings=[(w.line, w.message, w.location) for w in document.warnings], indicator_count=len(indicators),
    )


def now() -> str:
    """The local time with its UTC offset, to the second: every timestamp the workspace stores."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class Workspace:
    """An open workspace file."""

    def __init__(self, path: Path | str, *, shared: bool = False) -> None:
        """Open (or create) a workspace; ``shared`` lets one worker thread hand the connection to the next
        (the caller serialises its use). WorkspaceError says why a file cannot be used."""
        self.path = Path(path)
        _check_path(self.path)
        self._regional_cache: dict[str, dict[str, int]] = {}
        self._data_version: int | None = None
        try:
            self.connection = sqlite3.connect(self.path, timeout=_BUSY_SECONDS, isolation_level=None,
                                              check_same_thread=not shared)
        except sqlite3.Error as exc:
            raise WorkspaceError(self.path, _reason(exc, self.path)) from exc
        try:
            self._identity = identity(os.stat(self.path))
            self.read_only = not os.access(self.path, os.W_OK)
            self.connection.execute(f"PRAGMA busy_timeout = {_BUSY_SECONDS * 1000}")
            version = self._recognise()
            if version == 0 and self.read_only:
                raise WorkspaceError(self.path, "workspace is read-only: a new workspace cannot be made in it")
            if version != SCHEMA_VERSION and self.read_only:
                raise WorkspaceError(self.path, "workspace is read-only and made by an older zhibiao (schema "
                                                f"{version}): open it once with write access to upgrade it")
            self._use_wal()
            self.connection.execute("PRAGMA synchronous = FULL")
            if version != SCHEMA_VERSION:
                self._migrate()
            self.connection.execute("PRAGMA foreign_keys = ON")
        except BaseException as exc:
            self.connection.close()
            if isinstance(exc, sqlite3.Error):
                raise WorkspaceError(self.path, _reason(exc, self.path)) from exc
            if isinstance(exc, OSError):
                raise WorkspaceError(self.path, f"cannot be used ({exc.strerror or exc})") from exc
            raise

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recognise(self) -> int:
        """The schema version of a zhibiao workspace (0 for a new, empty file), asked through SQLite and without
        writing anything; WorkspaceError for anything else."""
        one = self.connection.execute
        try:
            application_id = one("PRAGMA application_id").fetchone()[0]
            version = one("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in one("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                raise WorkspaceError(self.path, "not a zhibiao workspace (not an SQLite file)") from exc
            raise
        if application_id == 0 and version == 0 and not tables:
            return 0
        ours = application_id == APPLICATION_ID or (application_id == 0 and version >= 1
                                                    and tables >= _CORE_TABLES)
        if not ours:
            raise WorkspaceError(self.path, "an SQLite file, but not a zhibiao workspace: left as it is")
        if version > SCHEMA_VERSION:
            raise WorkspaceError(self.path, f"made by a newer zhibiao (schema {version}, this one reads "
                                            f"{SCHEMA_VERSION})")
        return version

    def _use_wal(self) -> None:
        """Switch to write-ahead logging. SQLite answers a switch it cannot make now (another process is making
        the same new file, and took the lock first) with "locked" at once, without waiting: it is asked again
        until the busy timeout, by which time the other process has switched the file itself."""
        deadline = time.monotonic() + _BUSY_SECONDS
        while True:
            try:
                self.connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_BUSY", "SQLITE_LOCKED") \
                        or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        """Bring the schema up to date in one transaction (foreign keys are still off: a table rebuilt by a step
        must not cascade); a process that migrated meanwhile is noticed under the write lock."""
        self.connection.execute("PRAGMA foreign_keys = OFF")
        with self.transaction():
            version = self.connection.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.connection.execute(statement)
            self.connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def check_writable(self) -> None:
        """WorkspaceError unless a write can go to the file that was opened: read-only, deleted, moved away or
        replaced by another file while open (only stat: the file is not opened)."""
        if self.read_only:
            raise WorkspaceError(self.path, "workspace is read-only: nothing can be stored in it")
        try:
            status = os.stat(self.path)
        except OSError:
            raise WorkspaceError(self.path, "the workspace file was deleted or moved away while zhibiao had it "
                                            "open: nothing more is stored") from None
        if identity(status) != self._identity:
            raise WorkspaceError(self.path, "the workspace file was replaced by another file while zhibiao had "
                                            "it open: nothing more is stored") from None

    def guarded_files(self) -> list[Guarded]:
        """The workspace file and its journal files, by identity: never read as a document, never overwritten by
        an output (only stat: nothing is opened)."""
        name = str(self.path)
        return guarded([(name, "the workspace itself"), (f"{name}-wal", "the workspace's write-ahead log"),
                        (f"{name}-shm", "the workspace's shared-memory index"),
                        (f"{name}-journal", "the workspace's journal")])

    def protected(self, document: str = "the imported document {name}") -> Protected:
        """What no output may replace: the workspace and its journal files, and every stored document, by its
        file's identity and by content (a copy under another name); ``document`` is how a refusal names one."""
        stored = self.connection.execute("SELECT path, name FROM documents WHERE path IS NOT NULL").fetchall()
        files = [*self.guarded_files(), *guarded((path, document.format(name=name)) for path, name in stored)]

        def copy_of(content_hash: str) -> str | None:
            name = self.document_with_hash(content_hash)
            return None if name is None else document.format(name=name)

        return Protected(tuple(files), copy_of)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed (synchronously) on success, rolled back on any error.

        Refused (WorkspaceError) when the file is read-only or no longer the one opened; a full disk, an I/O
        error or a lock held too long by another process becomes a WorkspaceError with nothing stored.
        """
        self.check_writable()
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise WorkspaceError(self.path, _reason(exc, self.path)) from exc
        try:
            changed = self.connection.execute("PRAGMA data_version").fetchone()[0]
            if changed != self._data_version:  # another connection committed: cached ids may be stale
                self._data_version = changed
                self._regional_cache.clear()
            yield self.connection
            self.check_writable()
            self.connection.execute("COMMIT")
        except BaseException as exc:
            if self.connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
            self._regional_cache.clear()
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and _is_environment(exc):
                raise WorkspaceError(self.path, _reason(exc, self.path)) from exc
            raise

    # -- documents ---------------------------------------------------------------------------------

    def document_with_hash(self, content_hash: str, name: str | None = None) -> str | None:
        """The name of a stored document with exactly these bytes (``name`` itself when it is one of them: the
        same file again; another name: a duplicate)."""
        row = self.connection.execute(
            "SELECT name FROM documents WHERE content_hash = ? ORDER BY name IS ? DESC, id LIMIT 1",
            (content_hash, name)).fetchone()
        return row[0] if row else None

    def store_document(self, document: Document, content_hash: str, path: str | None = None) -> Stored:
        """Store a parsed document (see :meth:`store_prepared`)."""
        return self.store_prepared(prepare(document), content_hash, path)

    def store_prepared(self, prepared: PreparedDocument, content_hash: str, path: str | None = None) -> Stored:
        """Store a document prepared by :func:`prepare` (possibly in another process), by its identity (DESIGN
        §4): the same file name, region, department and year is the same document (a revised version replaces
        it, whole); the same bytes under another name are a duplicate and not stored again; two regions' files
        that share a name are two documents.

        Call inside :meth:`transaction` to group several documents; on its own it opens one.
        """
        if not self.connection.in_transaction:
            with self.transaction():
                return self.store_prepared(prepared, content_hash, path)
        connection = self.connection
        row = connection.execute(
            "SELECT id, content_hash FROM documents WHERE name = ? AND region = ? AND coalesce(department, '') ="
            " coalesce(?, '') AND coalesce(year, 0) = coalesce(?, 0)",
            (prepared.source, prepared.region, prepared.department, prepared.year),
        ).fetchone()
        if row and row[1] == content_hash:
            return Stored("unchanged")
        same = connection.execute(
            "SELECT name FROM documents WHERE content_hash = ? AND id IS NOT ? ORDER BY id LIMIT 1",
            (content_hash, row[0] if row else None),
        ).fetchone()
        if same is not None:
            return Stored("duplicate", same[0])
        outcome = "added"
        if row:
            connection.execute("DELETE FROM documents WHERE id = ?", (row[0],))
            outcome = "replaced"
        document_id = connection.execute(
            "INSERT INTO documents (name, path, content_hash, layout, region, department, year, imported_at,"
            " record_count, indicator_count, warning_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (prepared.source, path, content_hash, prepared.layout, prepared.region, prepared.department,
             prepared.year, now(), len(prepared.records), len(prepared.indicators), len(prepared.warnings)),
        ).lastrowid
        first_record = (connection.execute("SELECT max(id) FROM records").fetchone()[0] or 0) + 1
        connection.executemany(
            "INSERT INTO records (id, document_id, ordinal, kind, name, unit, code, amount_wan, goal, line, location)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
            " period_value, annual_value, line, raw, actual_value, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            indicator_rows,
        )
        connection.executemany(
            "INSERT INTO warnings (document_id, line, message, location) VALUES (?,?,?,?)",
            [(document_id, *warning) for warning in prepared.warnings],
        )
        if outcome == "replaced":
            self._prune_regional_indicators()
        return Stored(outcome)

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
            " AND id NOT IN (SELECT regional_indicator_id FROM no_counterpart)"
        )
        self._regional_cache.clear()

    def documents(self) -> list[DocumentSummary]:
        rows = self.connection.execute(
            "SELECT id, name, layout, region, department, year, record_count, indicator_count,"
            " warning_count, imported_at FROM documents ORDER BY name, region, department, year"
        ).fetchall()
        return [DocumentSummary(*row) for row in rows]

    def warnings(self, document_id: int) -> list[StoredWarning]:
        rows = self.connection.execute(
            "SELECT line, message, location FROM warnings WHERE document_id = ? ORDER BY line, id", (document_id,)
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


def _check_path(path: Path) -> None:
    """Refuse what can never be a workspace before anything is opened: a folder, a FIFO, a device, a path in a
    missing folder (only stat)."""
    status = status_to_create(path, WorkspaceError)
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise WorkspaceError(path, f"is {kind_of(status.st_mode)}, not a workspace file")


_ENVIRONMENT = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN",
                "SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_PERM")


def _is_environment(exc: sqlite3.Error) -> bool:
    """An error of the file or the machine (full, read-only, locked, damaged), not of zhibiao's SQL."""
    return getattr(exc, "sqlite_errorname", "").startswith(_ENVIRONMENT)


def _reason(exc: sqlite3.Error, path: Path) -> str:
    """One line for a user about an SQLite error on the workspace."""
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith("SQLITE_FULL"):
        return "the disk is full: nothing of this change was stored (what was stored before is intact)"
    if name.startswith("SQLITE_IOERR"):
        folder = path.parent if str(path.parent) else Path(".")
        with contextlib.suppress(OSError):
            space = os.statvfs(folder)
            if space.f_bavail * space.f_frsize < 1 << 20:
                return "the disk is full: nothing of this change was stored (what was stored before is intact)"
        return f"cannot write the workspace ({exc}): nothing of this change was stored"
    if name.startswith("SQLITE_READONLY") or name.startswith("SQLITE_PERM"):
        return "workspace is read-only: nothing can be stored in it"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "another process has held the workspace's write lock for 15 s: try again when it has finished"
    if name.startswith("SQLITE_CANTOPEN"):
        return "cannot be opened or created here (is the folder writable?)"
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return f"the workspace file is damaged ({exc})"
    return f"cannot be used ({exc})"
