"""The general reader fuzzed: any text in, records or a clear ReadError out, never another exception."""

from __future__ import annotations

import json

from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from template_forms import FORMS, render

from store.readers import ReadError, general, read_text

REAL_TEXTS = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "fixtures" / "real").glob("*.txt"))]
GOLDS = [json.loads(path.read_text(encoding="utf-8"))
         for path in sorted((ROOT / "tests" / "gold" / "real").glob("*.json"))]
VOCABULARY = st.sampled_from([
    "\t", "\n", "|", " ", "  ", "\n|\n", "一级指标", "二级指标", "三级指标", "指标名称", "指标值", "年度指标值",
    "实际完成值", "分值", "得分", "指标性质", "度量单位", "偏差原因分析及改进措施", "绩效指标", "产出指标",
    "项目完成", "指标", "数量指标", "社会效益", "满意度指标", "服务对象满", "(50分", ")", "指标1:", "合计", "总分",
    "项目名称", "主管部门", "[066]", "实施单位", "年度资金总额", "(元)", "万元", "全年预算数", "执行率", "≧", "═",
    "100", "95%", "≥90%", "有效", "稳步提高", "—", "2021年度", "項(xiàng)目", "指標", "部门名称", "履职效能",
    "[bold]", "\x1b[31m", "\u202e", "\x00", "\ufeff", "\r\n", "……", "0.5‰", "元/人",
])


def _check(text: str, document) -> None:
    lines = text.count("\n") + 1
    for record in document.records:
        assert isinstance(record.name, str)
        for indicator in record.indicators:
            assert indicator.name
            assert 1 <= indicator.line <= lines
    for warning in document.warnings:
        assert 0 <= warning.line <= lines + 1
    document.as_json()


def _general(text: str) -> None:
    try:
        document = general.read(text, "fuzz.txt")
    except ReadError:
        return
    _check(text, document)


def _any(text: str) -> None:
    try:
        document = read_text(text, "fuzz.txt")
    except ReadError:
        return
    _check(text, document)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text(text: str) -> None:
    _general(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(VOCABULARY, st.text(max_size=8)), max_size=80))
def test_any_arrangement_of_the_template_words(pieces: list[str]) -> None:
    text = "".join(pieces)
    _general(text)
    _any(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.sampled_from(range(len(REAL_TEXTS))),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 0.1)), max_size=4),
    inserts=st.lists(st.tuples(st.floats(0, 1), VOCABULARY), max_size=8),
)
def test_real_tables_with_random_cuts_and_insertions(index: int, cuts, inserts) -> None:
    text = REAL_TEXTS[index]
    for start, length in cuts:
        a = int(start * len(text))
        text = text[:a] + text[a + int(length * len(text)):]
    for position, piece in inserts:
        a = int(position * len(text))
        text = text[:a] + piece + text[a:]
    _any(text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.sampled_from(range(len(GOLDS))), form=st.sampled_from(FORMS), seed=st.integers(0, 50),
       end=st.floats(0, 1))
def test_every_form_cut_anywhere(index: int, form: str, seed: int, end: float) -> None:
    text = render(GOLDS[index], form, seed=seed)
    _any(text[: int(end * len(text))])
