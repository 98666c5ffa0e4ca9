"""Import documents into a workspace: read files (in worker processes when there are many), store each parsed
document by its identity, report per-file outcomes. A file that fails is reported; the others still import.

Files are only ever opened when they are regular files that are not the workspace (or its journal files):
reading the workspace as a document would drop this process's locks on it. Worker processes ignore Ctrl+C
(the importer stops them) and end themselves when the importing process dies.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from store.errors import FileError, ReadError, WorkspaceError
from store.files import display_name, identity, kind_of, read_regular
from store.model import Document, ParseWarning
from store.readers.files import read_documents
from store.workspace import PreparedDocument, Workspace, prepare

_BATCH_INDICATORS = 50_000
_DEFAULT_WORKERS = 4
_PARENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What happened to one file (a summary: the records themselves are in the workspace)."""

    path: str
    outcome: str  # added | replaced | unchanged | duplicate | failed (and "parsed" while in progress)
    layout: str | None = None
    region: str | None = None
    department: str | None = None
    year: int | None = None
    records: int = 0
    indicators: int = 0
    warnings: tuple[ParseWarning, ...] = ()
    error: str | None = None
    source: str | None = None  # the document's name when a file holds several (record JSON, records table)
    same_as: str | None = None  # a duplicate: the stored document with the same bytes

    @property
    def name(self) -> str:
        """The file name as text (bytes that are not UTF-8 shown as \\xNN)."""
        return display_name(Path(self.path).name)

    @property
    def shown_path(self) -> str:
        return display_name(self.path)


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl+C during an import: ``results`` are the files finished and committed before it, ``remaining`` how
    many files were not imported."""

    def __init__(self, results: list[ImportResult], remaining: int) -> None:
        super().__init__(f"interrupted with {remaining} files not imported")
        self.results = results
        self.remaining = remaining


class ImportStopped(WorkspaceError):
    """The workspace refused a write during an import (full disk, read-only, replaced): ``results`` are the
    files finished and committed before it, ``remaining`` how many files were not imported."""

    def __init__(self, cause: WorkspaceError, results: list[ImportResult], remaining: int) -> None:
        super().__init__(cause.path, cause.reason)
        self.results = results
        self.remaining = remaining


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed file as a worker hands it back: rows to store and the summary to report."""

    prepared: PreparedDocument
    summary: ImportResult


def _summary(path: str, outcome: str, document: Document) -> ImportResult:
    source = document.source if document.source != display_name(Path(path).name) else None
    return ImportResult(path, outcome, document.layout, document.region, document.department, document.year,
                        len(document.records), document.indicator_count, document.warnings, source=source)


def collect(paths: list[Path], workspace: Workspace | None = None) -> tuple[list[Path], list[ImportResult]]:
    """Files named or found in folders (sorted, hidden files skipped), and errors for paths that are missing or
    not files. The workspace and its journal files are skipped in folders and refused when named; nothing is
    opened here (only stat)."""
    own = {guard.identity for guard in workspace.guarded_files()} if workspace is not None else set()
    files: list[Path] = []
    errors: list[ImportResult] = []
    for path in paths:
        try:
            status = os.stat(path)
        except OSError as exc:
            reason = "no such file or folder" if isinstance(exc, FileNotFoundError | NotADirectoryError) else (
                f"cannot be read ({exc.strerror or exc})")
            errors.append(ImportResult(str(path), "failed", error=reason))
            continue
        if stat.S_ISDIR(status.st_mode):
            found = sorted(
                p for p in path.rglob("*")
                if not any(part.startswith(".") for part in p.relative_to(path).parts) and _document_file(p, own)
            )
            if not found:
                errors.append(ImportResult(str(path), "failed", error="folder has no documents"))
            files.extend(found)
        elif identity(status) in own:
            errors.append(ImportResult(str(path), "failed", error="is the workspace itself, not a document"))
        elif not stat.S_ISREG(status.st_mode):
            errors.append(ImportResult(str(path), "failed", error=f"is {kind_of(status.st_mode)}, not a file"))
        else:
            files.append(path)
    return files, errors


def _document_file(path: Path, own: set[tuple[int, int]]) -> bool:
    """A regular file found in a folder that is not the workspace or one of its journal files."""
    try:
        status = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and identity(status) not in own


def _read(path: str) -> tuple[str, str, list[Parsed] | None, str | None]:
    """Read, parse and prepare the documents of one file for storing; runs in a worker process."""
    try:
        data = read_regular(path)
    except FileError as exc:
        return path, "", None, exc.reason
    digest = hashlib.sha256(data).hexdigest()
    try:
        documents = read_documents(data, display_name(Path(path).name))
        return path, digest, [Parsed(prepare(d), _summary(path, "parsed", d)) for d in documents], None
    except ReadError as exc:
        return path, digest, None, exc.reason
    except Exception as exc:  # a reader bug must not stop the other files
        return path, digest, None, f"could not be read ({type(exc).__name__}: {exc})"


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except FileError:
        return None


def _worker_start(parent: int) -> None:
    """In each parser process: leave Ctrl+C to the importing process (which stops the pool), and end when the
    importing process is gone (killed), instead of waiting forever as an orphan."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="zhibiao-parent-watch", daemon=True).start()


def worker_count(requested: int | None, files: int) -> int:
    """Parser processes: as asked (default up to 4), but never more than the files or the cores."""
    cores = os.cpu_count() or 1
    wanted = requested if requested is not None else min(cores, _DEFAULT_WORKERS)
    return max(1, min(wanted, files, cores))


def parsed_files(files: list[Path], workers: int) -> Iterator[tuple[str, str, list[Parsed] | None, str | None]]:
    """Parse files in order, in ``workers`` processes when there are enough files to be worth it."""
    names = [str(f) for f in files]
    if workers <= 1 or len(files) < 8:
        yield from map(_read, names)
        return
    window = workers * 48  # enough parsed documents to keep every worker busy while the writer commits
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(os.getpid(),))
    try:
        in_flight: deque[Future[tuple[str, str, list[Parsed] | None, str | None]]] = deque()
        for name in names:
            in_flight.append(pool.submit(_read, name))
            if len(in_flight) >= window:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # stopped early (Ctrl+C, an error): queued files are dropped


def import_paths(
    workspace: Workspace,
    paths: list[Path],
    *,
    progress: Callable[[int, int, ImportResult], None] | None = None,
    workers: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportResult]:
    """Import files and folders; files already stored (the same bytes) are recognised by hash and not parsed
    again. Documents are committed in batches, each document whole: a failure while storing rolls back the batch
    it was in and leaves everything committed before untouched. Ctrl+C raises :class:`ImportInterrupted` with
    what was committed.
    """
    workspace.check_writable()
    files, results = collect(paths, workspace)
    total = len(files)
    done = 0
    pending: list[tuple[str, str, Parsed]] = []
    pending_indicators = 0

    def report(result: ImportResult) -> None:
        results.append(result)
        if progress:
            progress(done, total, result)

    def flush() -> None:
        nonlocal pending_indicators
        if not pending:
            return
        with _interrupt_after():
            with workspace.transaction():
                outcomes = [workspace.store_prepared(parsed.prepared, digest, _stored_path(path))
                            for path, digest, parsed in pending]
            for (_path, _digest, parsed), stored in zip(pending, outcomes, strict=True):
                results.append(replace(parsed.summary, outcome=stored.outcome, same_as=stored.same_as))
        pending.clear()
        pending_indicators = 0

    try:
        todo: list[Path] = []
        # files stored before are recognised by their bytes without parsing them again; into an empty
        # workspace every file is parsed (duplicates among them are found when they are stored)
        known = workspace.connection.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None
        for file in files:
            if not known:
                todo.append(file)
                continue
            digest = _hash(file)
            name = display_name(file.name)
            stored = workspace.document_with_hash(digest, name) if digest is not None else None
            if stored is None:
                todo.append(file)
                continue
            done += 1
            report(ImportResult(str(file), "unchanged") if stored == name
                   else ImportResult(str(file), "duplicate", same_as=stored))
        for path, digest, documents, error in parsed_files(todo, worker_count(workers, len(todo))):
            if cancelled and cancelled():
                break
            done += 1
            if documents is None:
                report(ImportResult(path, "failed", error=error))
                continue
            for parsed in documents:
                # several documents of one file (record JSON, a records table) each get their own identity
                own = digest if len(documents) == 1 else hashlib.sha256(
                    f"{digest}\0{parsed.prepared.source}".encode()).hexdigest()
                pending.append((path, own, parsed))
                pending_indicators += parsed.prepared.indicator_count
                if progress:
                    progress(done, total, parsed.summary)
            if pending_indicators >= _BATCH_INDICATORS:
                flush()
        flush()
    except KeyboardInterrupt:
        finished = {r.path for r in results} & {str(f) for f in files}
        raise ImportInterrupted(_in_order(files, results), total - len(finished)) from None
    except WorkspaceError as exc:
        finished = {r.path for r in results} & {str(f) for f in files}
        raise ImportStopped(exc, _in_order(files, results), total - len(finished)) from exc
    return _in_order(files, results)


@contextmanager
def _interrupt_after() -> Iterator[None]:
    """Ctrl+C during a batch takes effect once the batch is committed and its results are recorded: an interrupt
    landing just after the commit would otherwise leave stored documents out of the report of what was stored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: received.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _stored_path(path: str) -> str:
    """Where a document came from, absolute (an output must never overwrite it), as text."""
    return display_name(os.path.abspath(path))


def _in_order(files: list[Path], results: list[ImportResult]) -> list[ImportResult]:
    order = {str(f): i for i, f in enumerate(files)}
    return sorted(results, key=lambda r: order.get(r.path, -1))
