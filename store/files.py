"""Files the user names: read only regular files (a FIFO or a device would block or never end), read TOML in
the encodings people save it in, write atomically, and refuse to write over anything that is not ours to
replace (the workspace, a document, a folder, a device)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from store.errors import FileError, OutputError, ZhibiaoError
from store.text import DecodeError, decode_exact

_SQLITE_MAGIC = b"SQLite format 3\x00"
# a spreadsheet runs a cell that starts with one of these as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def kind_of(mode: int) -> str:
    """What a file is, in words, for a refusal ("a folder", "a FIFO (named pipe)")."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def identity(status: os.stat_result) -> tuple[int, int]:
    """A file's identity on disk (device, inode): the same file under any name or link."""
    return status.st_dev, status.st_ino


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied)"
    return f"cannot be read ({exc.strerror or exc})"


def regular_file(path: str | os.PathLike[str]) -> os.stat_result:
    """The status of ``path`` if it is a regular file (following links); FileError otherwise. Only stat: nothing
    is opened."""
    try:
        status = os.stat(path)
    except OSError as exc:
        raise FileError(path, _os_reason(exc)) from exc
    if not stat.S_ISREG(status.st_mode):
        raise FileError(path, f"is {kind_of(status.st_mode)}, not a file")
    return status


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file (the first ``limit`` of them); a FIFO, device or folder is refused before
    anything blocks on it."""
    regular_file(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise FileError(path, _os_reason(exc)) from exc
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):  # swapped for something else since the check
            raise FileError(path, f"is {kind_of(status.st_mode)}, not a file")
        try:
            return stream.read() if limit is None else stream.read(limit)
        except OSError as exc:
            raise FileError(path, _os_reason(exc)) from exc


def read_toml(path: str | os.PathLike[str], what: str) -> dict[str, Any]:
    """A TOML file's top table. UTF-8 (a BOM is allowed), UTF-16 and GB18030 as Windows tools save them are read;
    FileError names the file and the problem (no such file, a FIFO, not text, not TOML, nested too deeply)."""
    data = read_regular(path)
    try:
        text = decode_exact(data)
    except DecodeError as exc:
        raise FileError(path, f"not a TOML {what}: {exc.reason}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileError(path, f"not a TOML {what} ({exc})") from exc
    except RecursionError as exc:
        raise FileError(path, f"not a TOML {what} zhibiao reads: arrays or tables nested too deeply") from exc


def atomic_write(path: str | os.PathLike[str], data: bytes | Callable[[BinaryIO], object],
                 mode: int | None = None) -> None:
    """Write ``data`` (bytes, or a function that writes into a stream, as a workbook saves itself) to ``path``
    whole or not at all: a temporary file in the same folder, synced, then renamed over the old one. The file
    gets ``mode``, else the mode of the file it replaces, else what a new file gets (a temporary file is
    private; an output is for colleagues). OutputError when the folder cannot be written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(path, f"cannot write in {folder} ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(handle, "w+b") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                data(stream)
            stream.flush()
            os.fchmod(stream.fileno(), mode if mode is not None else _mode_for(target))
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as exc:  # a failed or interrupted write leaves the old file and no temporary one
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputError(path, f"cannot write ({exc.strerror or exc}); nothing was changed") from exc
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a crash once the folder is synced
        folder_handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(folder_handle)
        finally:
            os.close(folder_handle)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def status_to_create(path: str | os.PathLike[str], error: type[ZhibiaoError]) -> os.stat_result | None:
    """The status of a file zhibiao is about to write or create (following links; only stat, nothing is
    opened): None when it does not exist yet and its folder does; ``error`` when the folder is missing or the
    path cannot be looked at."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        folder = Path(path).parent if str(Path(path).parent) else Path(".")
        if not folder.is_dir():
            raise error(path, f"folder {folder} does not exist") from None
        return None
    except OSError as exc:
        raise error(path, f"cannot be used ({exc.strerror or exc})") from exc


@dataclass(frozen=True, slots=True)
class Guarded:
    """A file no output may replace, by its identity on disk, and how a refusal names it."""

    identity: tuple[int, int]
    what: str


def guarded(paths: Iterable[tuple[str | os.PathLike[str], str]]) -> list[Guarded]:
    """The files among ``paths`` that exist, by identity (only stat: nothing is opened)."""
    found = []
    for path, what in paths:
        try:
            found.append(Guarded(identity(os.stat(path)), what))
        except (OSError, ValueError):
            continue
    return found


@dataclass(frozen=True, slots=True)
class Protected:
    """What no output may replace: files by identity (the workspace, its journal files, the documents stored or
    being read) and copies of stored documents by content (``copy_of`` maps a SHA-256 to how a refusal names the
    document, None for other content)."""

    files: tuple[Guarded, ...] = ()
    copy_of: Callable[[str], str | None] | None = None


@dataclass(frozen=True, slots=True)
class OutputKind:
    """What a command writes: how a refusal names it ("a workbook"), how an earlier one is recognised from its
    bytes (replaced without --force), and the extension its name must have, if any."""

    name: str
    recognises: Callable[[bytes], bool]
    suffix: str | None = None


def check_output(path: str | os.PathLike[str], kind: OutputKind, *, protected: Protected = Protected(),
                 force: bool = False) -> None:
    """Whether zhibiao may write ``path``; OutputError says why not.

    Never, even with ``force``: a folder, a device or FIFO, a protected file (by identity, so links and other
    spellings count), an SQLite database, a copy of a stored document. Then the name must have ``kind``'s
    extension. An existing file is replaced when it is empty, when ``kind`` recognises it as an earlier output,
    or with ``force``. A forced refusal says so ("never overwritten, even with --force").
    """
    never = "never overwritten, even with --force" if force else "not overwritten"
    status = status_to_create(path, OutputError)
    if status is not None:
        if not stat.S_ISREG(status.st_mode):
            raise OutputError(path, f"is {kind_of(status.st_mode)}, not a file: {never}")
        for guard in protected.files:
            if guard.identity == identity(status):
                raise OutputError(path, f"is {guard.what}: {never}")
    if kind.suffix is not None and not os.fspath(path).lower().endswith(kind.suffix):
        raise OutputError(path, f"the name must end in {kind.suffix}")
    if status is None:
        return
    try:
        data = read_regular(path)
    except FileError as exc:
        raise OutputError(path, exc.reason) from exc
    if data.startswith(_SQLITE_MAGIC):
        raise OutputError(path, f"is an SQLite database (a workspace?): {never}")
    if protected.copy_of is not None:
        document = protected.copy_of(hashlib.sha256(data).hexdigest())
        if document is not None:
            raise OutputError(path, f"is {document}: {never}")
    if data and not kind.recognises(data) and not force:
        raise OutputError(path, f"exists and is not {kind.name} (--force replaces it): not overwritten")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (= + - @, tab, CR) gets a leading
    apostrophe, so ``=100%`` from a document is never run."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the OS as surrogate escapes) shown as \\xNN, so
    the name can be printed and stored."""
    if not any("\udc80" <= char <= "\udcff" for char in name):
        return name
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff" else char for char in name)
