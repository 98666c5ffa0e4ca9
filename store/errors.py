"""The errors zhibiao reports to a user: each names the file it is about and what is wrong with it, so that
every command can answer bad input with one clear line."""

from __future__ import annotations

import os


class ZhibiaoError(Exception):
    """A problem with one file: ``ZhibiaoError(path, reason)``, or ``ZhibiaoError(reason)`` where the
    caller knows the path and adds it (:meth:`at`)."""

    def __init__(self, path: str | os.PathLike[str] | None, reason: str | None = None) -> None:
        if reason is None:
            path, reason = None, str(path)
        self.path: str | None = os.fspath(path) if path is not None else None
        self.reason: str = reason
        super().__init__(*((self.path, reason) if self.path is not None else (reason,)))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason

    def at(self, path: str | os.PathLike[str]) -> ZhibiaoError:
        """The same error naming ``path`` (unchanged when it names a file already)."""
        if self.path is not None:
            return self
        other = type(self).__new__(type(self))
        ZhibiaoError.__init__(other, path, self.reason)
        return other


class ReadError(ZhibiaoError, ValueError):
    """A document that cannot be read at all (empty, unknown layout, not text, not a regular file)."""


class DecodeError(ReadError):
    """The bytes are not text in any encoding zhibiao reads."""


class WorkspaceError(ZhibiaoError):
    """The workspace cannot be used: not a zhibiao workspace, made by a newer zhibiao, read-only, full,
    deleted or replaced while open."""


class MappingError(ZhibiaoError, ValueError):
    """A mapping file that cannot be written or read."""


class LexiconError(ZhibiaoError, ValueError):
    """A lexicon file that cannot be read."""


class DecisionError(ZhibiaoError, ValueError):
    """A decision that cannot be made (same indicator twice, nothing to undo, changed meanwhile)."""


class FileError(ZhibiaoError, ValueError):
    """A file that cannot be read or written as asked (missing, a folder, a FIFO or device, not TOML)."""


class OutputError(FileError):
    """An output path zhibiao refuses to write: the workspace, a document, a folder, a device, or a file that
    is not an earlier export (without --force)."""
