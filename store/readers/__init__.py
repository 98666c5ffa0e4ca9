"""Readers for the published layouts, chosen by what a document contains, never by its file name."""

from __future__ import annotations

from pathlib import Path

from store.model import Document
from store.readers import approval, deptproject, markdown, packed, sidebyside
from store.readers.common import ReadError
from store.text import DecodeError, decode

# Most specific first: a document is read by the first reader whose detect() accepts it.
READERS = (markdown, approval, sidebyside, deptproject, packed)
LAYOUTS = tuple(reader.NAME for reader in READERS)

__all__ = ["LAYOUTS", "READERS", "ReadError", "detect_layout", "read_bytes", "read_path", "read_text"]


def detect_layout(text: str) -> str | None:
    for reader in READERS:
        if reader.detect(text):
            return reader.NAME
    return None


def read_text(text: str, source: str) -> Document:
    """Read a decoded document; ReadError says why when it cannot be read."""
    if not text.strip():
        raise ReadError("empty document")
    for reader in READERS:
        if reader.detect(text):
            return reader.read(text, source)
    raise ReadError("no known layout (not a 预算绩效目标表 this version reads)")


def read_bytes(data: bytes, source: str) -> Document:
    if not data:
        raise ReadError("empty file")
    try:
        text = decode(data)
    except DecodeError as exc:
        raise ReadError(str(exc)) from exc
    return read_text(text, source)


def read_path(path: Path) -> Document:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ReadError("no such file") from exc
    except IsADirectoryError as exc:
        raise ReadError("is a folder, not a file") from exc
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from exc
    return read_bytes(data, path.name)
