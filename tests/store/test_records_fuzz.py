"""The records import fuzzed: any table, any CSV bytes, any JSON value gives records or a clear ReadError, never
another exception."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Document
from store.readers import ReadError
from store.readers.files import read_documents
from store.readers.records import REQUIRED, read_records_json, read_records_table
from store.tables import HEADER, to_csv

CELLS = st.one_of(
    st.sampled_from([
        "", " ", "广州市", "广州市医疗保障局", "2025", "2025年", "20250", "-1", "明年",
        "project", "department", "部门整体", "合计", "工作经费", "12.5", "1,234.56", "12万",
        "nan", "inf", "1e400", "产出指标", "产出", "效益", "满意度指标", "数量指标", "社会效益",
        "服务对象满意度", "履职效能", "重点工作", "新增参保人数", "≥90%", "=SUM(A1)", "'=1+1", "'-",
        "[bold]", "\x1b[31m", "\ufeff", "a.txt", "b.txt", *HEADER, *(h.upper() for h in HEADER),
    ]),
    st.text(max_size=12),
)
ROWS = st.lists(st.lists(CELLS, max_size=17), max_size=12)


def _check(documents: list[Document]) -> None:
    assert documents
    for document in documents:
        assert document.source
        for record in document.records:
            assert isinstance(record.name, str)
            for indicator in record.indicators:
                assert indicator.name
        document.as_json()


HEADERS = st.one_of(
    st.lists(st.sampled_from(HEADER), min_size=4, max_size=17),
    st.tuples(st.permutations(HEADER), st.integers(len(REQUIRED), len(HEADER))).map(
        lambda drawn: [c for c in drawn[0] if c in REQUIRED] + [c for c in drawn[0] if c not in REQUIRED][
            : drawn[1] - len(REQUIRED)]),
)


def _seed_table() -> list[list[str]]:
    from conftest import SEEDS

    from store.readers.files import read_file

    text = to_csv(read_file(SEEDS / "002_034170035030169e.txt"), bom=False)
    return list(csv.reader(io.StringIO(text)))


SEED_TABLE = _seed_table()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=HEADERS, rows=ROWS)
def test_any_table_under_a_records_header(header: list[str], rows: list[list[str]]) -> None:
    table = [header, *rows]
    try:
        documents = read_records_table(table, [f"row {n}" for n in range(1, len(table) + 1)], "fuzz.csv")
    except ReadError as exc:
        assert str(exc)
        return
    _check(documents)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.integers(0, len(SEED_TABLE) - 1), st.integers(0, len(HEADER) - 1), CELLS),
                        max_size=4),
       drop=st.lists(st.integers(0, len(SEED_TABLE) - 1), max_size=3))
def test_a_real_table_with_cells_changed_or_rows_dropped(changes: list, drop: list[int]) -> None:
    table = [list(row) for row in SEED_TABLE]
    for row, column, value in changes:
        table[row][column] = value
    table = [row for index, row in enumerate(table) if index not in set(drop)]
    try:
        documents = read_records_table(table, [f"row {n}" for n in range(1, len(table) + 1)], "fuzz.csv")
    except ReadError as exc:
        assert str(exc)
        return
    _check(documents)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, delimiter=st.sampled_from([",", "\t", ";"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk",
                                                                                         "utf-16"]))
def test_any_csv_bytes_with_a_records_header(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([list(HEADER), *rows])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    try:
        _check(read_documents(data, "fuzz.csv"))
    except ReadError as exc:
        assert str(exc)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | CELLS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["records", "indicators", "name", "level1", "level2", "kind", "amount_wan", "year", "source",
                         "region", "department", "warnings", "line", "message", "annual_value", "raw", "documents"]),
        children, max_size=6),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=JSON)
def test_any_json_value(payload: object) -> None:
    try:
        _check(read_records_json(payload, "fuzz.json"))
    except ReadError as exc:
        assert str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.floats(0, 1), garbage=st.binary(max_size=20))
def test_a_records_csv_cut_anywhere(cut: float, garbage: bytes) -> None:
    from dataclasses import replace

    from conftest import SEEDS

    from store.readers.files import read_file

    documents = [replace(d, source="x.txt") for d in read_file(SEEDS / "003_039fe6756c664a99.txt")]
    data = to_csv(documents).encode("utf-8")
    data = data[: int(cut * len(data))] + garbage
    try:
        read_documents(data, "fuzz.csv")
    except ReadError as exc:
        assert str(exc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_text_that_starts_like_json(text: str) -> None:
    for prefix in ("{", "[{", "[]", '{"records": ['):
        try:
            documents = read_documents((prefix + text).encode("utf-8"), "fuzz.json")
        except ReadError as exc:
            assert str(exc)
            continue
        _check(documents)
        json.dumps([d.as_json() for d in documents], ensure_ascii=False)
