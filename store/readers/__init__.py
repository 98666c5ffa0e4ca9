"""Readers for the published layouts, chosen by what a document contains, never by its file name."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

from store.checks import cut_table, duplicates, unattached_rows
from store.files import read_regular
from store.model import Document, ParseWarning
from store.readers import approval, deptproject, general, markdown, packed, sidebyside
from store.readers.common import ReadError
from store.text import decode_document, drop_pinyin_glosses, looks_traditional, to_simplified

# Most specific first: a document is read by the first reader whose detect() accepts it; the general
# reader of the template family takes what none of them does.
READERS = (markdown, approval, sidebyside, deptproject, packed)
LAYOUTS = (*(reader.NAME for reader in READERS), general.NAME)

__all__ = ["LAYOUTS", "READERS", "ReadError", "detect_layout", "read_bytes", "read_path", "read_text"]


def simplified(text: str) -> str:
    """A mirror copy made plain: pinyin glosses dropped (項(xiàng)目) and traditional characters converted."""
    plain = drop_pinyin_glosses(text)
    return to_simplified(plain) if looks_traditional(plain) else plain


def detect_layout(text: str) -> str | None:
    for reader in READERS:
        if reader.detect(text):
            return reader.NAME
    plain = simplified(text)
    if plain != text:
        for reader in READERS:
            if reader.detect(plain):
                return reader.NAME
    return general.NAME if general.detect(plain) else None


def read_text(text: str, source: str) -> Document:
    """Read a decoded document; ReadError says why when it cannot be read."""
    if not text.strip():
        raise ReadError("empty document")
    for reader in READERS:
        if reader.detect(text):
            return _specific(reader, text, source)
    plain = simplified(text)
    if plain != text:
        for reader in READERS:
            if reader.detect(plain):
                return _specific(reader, plain, source)
    if general.detect(plain):
        return _checked(general.read(plain, source), plain)
    raise ReadError("no known layout (no indicator table of a 预算绩效目标表 found)")


def _specific(reader: ModuleType, text: str, source: str) -> Document:
    """A document read by its specific reader; when that reader finds nothing, the general one tries."""
    try:
        document = reader.read(text, source)
    except ReadError:
        if not general.detect(text):
            raise
        try:
            return _checked(general.read(text, source), text)
        except ReadError:
            pass
        raise
    if document.indicator_count == 0 and general.detect(text):
        try:
            fallback = general.read(text, source)
        except ReadError:
            fallback = None
        if fallback is not None and fallback.indicator_count:
            return _checked(fallback, text)
    return _checked(document, text)


def _cut_mid_row(text: str) -> bool:
    """Whether the file stops inside a table row: no final newline and fewer cells than the rows before."""
    if text.endswith("\n"):
        return False
    lines = text.split("\n")
    separator = "\t" if "\t" in lines[-1] else "|" if lines[-1].lstrip().startswith("|") else None
    if separator is None or set(lines[-1].strip()) <= set("|-: "):
        return False
    before = [line.count(separator) for line in lines[-8:-1] if separator in line]
    return bool(before) and lines[-1].count(separator) < max(before) - 1


def _checked(document: Document, text: str) -> Document:
    """Add the warnings every layout shares: indicators without any value, a file cut off mid-row."""
    warnings = list(document.warnings)
    warned_lines = {w.line for w in warnings}
    for record in document.records:
        for indicator in record.indicators:
            if indicator.period_value is None and indicator.annual_value is None and (
                indicator.line not in warned_lines and "不适用" not in indicator.name
            ):
                warnings.append(ParseWarning(indicator.line, f"{record.name}: {indicator.name}: no target value"))
    if _cut_mid_row(text):
        line = text.count("\n") + 1
        warnings.append(ParseWarning(line, "document ends in the middle of a table row (cut off?)"))
    else:
        warnings.extend(cut_table(document))
    warnings.extend(unattached_rows(text, document))
    warnings.extend(duplicates(document))
    if len(warnings) == len(document.warnings):
        return document
    return replace(document, warnings=tuple(sorted(warnings, key=lambda w: w.line)))


def read_bytes(data: bytes, source: str) -> Document:
    """Read a document's bytes; bytes its encoding cannot read are replaced and warned about by offset and line."""
    if not data:
        raise ReadError("empty file")
    decoded = decode_document(data)
    document = read_text(decoded.text, source)
    damage = [ParseWarning(line, message) for line, message in decoded.warnings()]
    if not damage:
        return document
    return replace(document, warnings=tuple(sorted((*document.warnings, *damage), key=lambda w: w.line)))


def read_path(path: Path) -> Document:
    """Read a document file; a folder, FIFO or device is refused before anything blocks on it."""
    try:
        data = read_regular(path)
    except ReadError:
        raise
    except ValueError as exc:  # FileError: missing, not a regular file, unreadable
        raise ReadError(getattr(exc, "reason", str(exc))) from exc
    return read_bytes(data, path.name)
