"""Readers fuzzed: any text in, records or a clear ReadError out, never another exception."""

from __future__ import annotations

import contextlib

from conftest import seed_paths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.readers import ReadError, read_bytes, read_text

SEED_TEXTS = [path.read_text(encoding="utf-8") for path in seed_paths()]
PIECES = st.sampled_from([
    "\t", "\n", "|", "；", ":", "。", "、", "1、1-产出指标;", "11-数量指标;", "实施周期指标值:", "年度指标值:",
    "产出指标", "满意度指标", "三级指标", "一级指标", "二级指标", ">=", "%", "项目名称", "2024-12", "<p>",
    "指标1:", "|---|", "运算符号", "[bold]", "[/]", "\x1b[31m", "\x00", "\ufeff", " ", "\r\n",
])


def _read(text: str) -> None:
    try:
        document = read_text(text, "fuzz.txt")
    except ReadError:
        return
    for record in document.records:
        assert isinstance(record.name, str)
        for indicator in record.indicators:
            assert indicator.name
    document.as_json()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    _read(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    with contextlib.suppress(ReadError):
        read_bytes(data, "fuzz.txt")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(range(len(SEED_TEXTS))),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.05)), max_size=4),
    inserts=st.lists(st.tuples(st.floats(0, 1), PIECES), max_size=6),
)
def test_seed_text_with_random_cuts_and_insertions(seed: int, cuts, inserts) -> None:
    text = SEED_TEXTS[seed]
    for start, length in cuts:
        a = int(start * len(text))
        b = min(len(text), a + int(length * len(text)))
        text = text[:a] + text[b:]
    for position, piece in inserts:
        a = int(position * len(text))
        text = text[:a] + piece + text[a:]
    _read(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(range(len(SEED_TEXTS))), end=st.floats(0, 1))
def test_every_truncation_of_a_seed(seed: int, end: float) -> None:
    text = SEED_TEXTS[seed]
    _read(text[: int(end * len(text))])
