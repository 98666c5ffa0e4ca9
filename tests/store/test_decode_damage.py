"""Decoding documents as users have them: a stray byte or a cut character costs one warning, not the document;
UTF-16 without a byte order mark and Unicode line separators are read."""

from __future__ import annotations

import pytest
from conftest import SEEDS, comparable

from store.errors import DecodeError, ReadError
from store.readers import read_bytes
from store.text import decode_document, decode_exact

SEED = SEEDS / "001_e1b7c9f5eafb4d0b.txt"


def _records(data: bytes) -> list[tuple]:
    return comparable(read_bytes(data, SEED.name).as_json())


def test_one_stray_byte_is_replaced_and_warned_about_with_its_offset_and_line() -> None:
    data = SEED.read_bytes()
    line_start = data.index("项目名称".encode())  # the first project's name line
    position = data.index(b"\t", line_start) + 1
    damaged = data[:position] + b"\xff" + data[position:]
    document = read_bytes(damaged, SEED.name)
    line = data[:position].count(b"\n") + 1
    warning = next(w for w in document.warnings if "not valid UTF-8" in w.message)
    assert warning.line == line and f"at byte {position}" in warning.message
    assert "\ufffd" in document.records[0].name
    assert len(document.records) == 6 and document.indicator_count == 84  # nothing else lost


def test_a_file_cut_inside_a_multi_byte_character_keeps_what_is_there() -> None:
    data = SEED.read_bytes()
    cut = data.rindex("满意度".encode()) + 2  # inside 满
    document = read_bytes(data[:cut], SEED.name)
    warning = next(w for w in document.warnings if "multi-byte character" in w.message)
    assert warning.line == data[:cut].count(b"\n") + 1 and "cut off" in warning.message
    assert len(document.records) == 6


def test_a_damaged_gb18030_document_is_read_as_gb18030() -> None:
    text = SEED.read_text(encoding="utf-8")
    data = text.encode("gb18030")
    middle = data.index("住院救助".encode("gb18030"))
    damaged = data[:middle] + b"\xff" + data[middle:]
    decoded = decode_document(damaged)
    assert decoded.encoding == "GB18030" and len(decoded.damage) == 1
    assert _records(damaged)[:3] == _records(text.encode("utf-8"))[:3]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_detected(codec: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert _records(text.encode(codec)) == _records(text.encode("utf-8"))


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\r\n", "\r"])
def test_unicode_and_old_line_ends_are_read(separator: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert _records(text.replace("\n", separator).encode("utf-8")) == _records(text.encode("utf-8"))


def test_binary_data_is_still_refused_with_one_reason() -> None:
    with pytest.raises(ReadError, match="binary data"):
        read_bytes(bytes(range(256)) * 40, "blob.txt")
    with pytest.raises(DecodeError, match="not text"):
        decode_document(b"\xffA" * 2000)


def test_exact_text_is_read_in_the_encodings_windows_saves_and_never_patched() -> None:
    toml = 'format = "zhibiao-mapping/1"\nname = "群众满意度"\n'
    for codec in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"):
        assert decode_exact(toml.encode(codec)) == toml
    with pytest.raises(DecodeError):
        decode_exact(b"\xff\xfe" + "群".encode("utf-16-le") + b"\x00")  # cut: odd length
