"""Import documents into a workspace: read files (in worker processes when there are many), store
each parsed document, report per-file outcomes. A file that fails is reported; the others still import."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from store.model import Document, ParseWarning
from store.readers import ReadError
from store.readers.files import read_documents
from store.workspace import PreparedDocument, Workspace, prepare

_BATCH_INDICATORS = 50_000


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What happened to one file (a summary: the records themselves are in the workspace)."""

    path: str
    outcome: str  # added | replaced | unchanged | failed (and "parsed" while in progress)
    layout: str | None = None
    region: str | None = None
    department: str | None = None
    year: int | None = None
    records: int = 0
    indicators: int = 0
    warnings: tuple[ParseWarning, ...] = ()
    error: str | None = None
    source: str | None = None  # the document's name when a file holds several (record JSON, records table)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed file as a worker hands it back: rows to store and the summary to report."""

    prepared: PreparedDocument
    summary: ImportResult


def _summary(path: str, outcome: str, document: Document) -> ImportResult:
    source = document.source if document.source != Path(path).name else None
    return ImportResult(path, outcome, document.layout, document.region, document.department, document.year,
                        len(document.records), document.indicator_count, document.warnings, source=source)


def collect(paths: list[Path]) -> tuple[list[Path], list[ImportResult]]:
    """Files named or found in folders (sorted, hidden files skipped), and errors for missing paths."""
    files: list[Path] = []
    errors: list[ImportResult] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                errors.append(ImportResult(str(path), "failed", error="folder has no files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            errors.append(ImportResult(str(path), "failed", error="no such file or folder"))
    return files, errors


def _read(path: str) -> tuple[str, str, list[Parsed] | None, str | None]:
    """Read, parse and prepare the documents of one file for storing; runs in a worker process."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return path, "", None, exc.strerror or str(exc)
    digest = hashlib.sha256(data).hexdigest()
    try:
        documents = read_documents(data, Path(path).name)
        return path, digest, [Parsed(prepare(d), _summary(path, "parsed", d)) for d in documents], None
    except ReadError as exc:
        return path, digest, None, str(exc)
    except Exception as exc:  # a reader bug must not stop the other files
        return path, digest, None, f"could not be read ({type(exc).__name__}: {exc})"


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def parsed_files(files: list[Path], workers: int) -> Iterator[tuple[str, str, list[Parsed] | None, str | None]]:
    """Parse files in order, in ``workers`` processes when there are enough files to be worth it."""
    names = [str(f) for f in files]
    if workers <= 1 or len(files) < 8:
        yield from map(_read, names)
        return
    window = workers * 48  # enough parsed documents to keep every worker busy while the writer commits
    with ProcessPoolExecutor(max_workers=workers) as pool:
        in_flight: deque[Future[tuple[str, str, list[Parsed] | None, str | None]]] = deque()
        for name in names:
            in_flight.append(pool.submit(_read, name))
            if len(in_flight) >= window:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


def import_paths(
    workspace: Workspace,
    paths: list[Path],
    *,
    progress: Callable[[int, int, ImportResult], None] | None = None,
    workers: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportResult]:
    """Import files and folders; unchanged files are recognised by hash and not parsed again.

    Documents are committed in batches, each document whole: a failure while storing rolls back the
    batch it was in and leaves everything committed before untouched.
    """
    files, results = collect(paths)
    total = len(files)
    todo: list[Path] = []
    done = 0
    for file in files:
        stored = workspace.stored_hash(file.name)
        if stored is not None and stored == _hash(file):
            result = ImportResult(str(file), "unchanged")
            results.append(result)
            done += 1
            if progress:
                progress(done, total, result)
        else:
            todo.append(file)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    pending: list[tuple[str, str, Parsed]] = []
    pending_indicators = 0

    def flush() -> None:
        nonlocal pending_indicators
        if not pending:
            return
        with workspace.transaction():
            outcomes = [workspace.store_prepared(parsed.prepared, digest, path) for path, digest, parsed in pending]
        for (_path, _digest, parsed), outcome in zip(pending, outcomes, strict=True):
            results.append(replace(parsed.summary, outcome=outcome))
        pending.clear()
        pending_indicators = 0

    for path, digest, documents, error in parsed_files(todo, workers):
        if cancelled and cancelled():
            break
        done += 1
        if documents is None:
            result = ImportResult(path, "failed", error=error)
            results.append(result)
        else:
            for parsed in documents:
                # several documents of one file each get their own identity
                own = digest if len(documents) == 1 else hashlib.sha256(
                    f"{digest}\0{parsed.prepared.source}".encode()).hexdigest()
                pending.append((path, own, parsed))
                pending_indicators += parsed.prepared.indicator_count
                result = parsed.summary
            if pending_indicators >= _BATCH_INDICATORS:
                flush()
        if progress:
            progress(done, total, result)
    flush()
    order = {str(f): i for i, f in enumerate(files)}
    results.sort(key=lambda r: order.get(r.path, -1))
    return results
