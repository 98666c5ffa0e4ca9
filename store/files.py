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
from typing import Any

from store.errors import FileError, OutputError
from store.text import DecodeError, decode_exact

_SQLITE_MAGIC = b"SQLite format 3\x00"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file in the same folder, synced, then renamed
    over the old one. The file gets ``mode``, else the mode of the file it replaces, else what a new file gets
    (a temporary file is private; an export is for colleagues)."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(path, f"cannot write in {folder} ({exc.strerror or exc})") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), mode if mode is not None else _mode_for(target))
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(path, f"cannot write ({exc.strerror or exc}); nothing was changed") from exc
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


def check_output(
    path: str | os.PathLike[str],
    *,
    protected: Iterable[Guarded] = (),
    earlier_output: Callable[[bytes], bool] | None = None,
    stored_document: Callable[[str], str | None] | None = None,
    force: bool = False,
) -> None:
    """Whether zhibiao may write ``path``; OutputError says why not.

    Never, even with ``force``: a folder, a device or FIFO, a protected file (the workspace and its journal
    files, by identity, so links and other spellings count), an SQLite database, a document stored in the
    workspace (``stored_document`` maps a content hash to its name). Without ``force``, an existing file only
    when ``earlier_output`` recognises its first bytes as something zhibiao wrote.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        status = os.stat(target)
    except FileNotFoundError:
        if not folder.is_dir():
            raise OutputError(path, f"folder {folder} does not exist") from None
        return
    except OSError as exc:
        raise OutputError(path, f"cannot be written ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(status.st_mode):
        raise OutputError(path, f"is {kind_of(status.st_mode)}; zhibiao writes only regular files")
    for guard in protected:
        if guard.identity == identity(status):
            raise OutputError(path, f"is {guard.what}: never overwritten")
    try:
        head = read_regular(target, 4096)
    except FileError as exc:
        raise OutputError(path, exc.reason) from exc
    if head.startswith(_SQLITE_MAGIC):
        raise OutputError(path, "is an SQLite database (a workspace?): never overwritten")
    if earlier_output is not None and earlier_output(head):
        return
    if stored_document is not None:
        digest = hashlib.sha256(read_regular(target)).hexdigest()
        name = stored_document(digest)
        if name is not None:
            raise OutputError(path, f"is the document {name} stored in the workspace: never overwritten")
    if not force:
        raise OutputError(path, "exists and is not an earlier zhibiao export (--force replaces it)")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (= + - @, tab, CR) gets a leading
    apostrophe, so ``=100%`` from a document is never run."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the OS as surrogate escapes) shown as \\xNN, so
    the name can be printed and stored."""
    if not any("\udc80" <= char <= "\udcff" for char in name):
        return name
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff" else char for char in name)
