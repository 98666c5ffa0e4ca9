"""Target values read into operator / number / unit, or marked qualitative; the raw text always kept."""

from __future__ import annotations

import pytest
from conftest import seed_paths

from store.readers import read_path
from store.targets import parse_target

CASES = [
    ("≥90%", "percent", "≥", 90, "%", None),
    (">= 85 %", "percent", "≥", 85, "%", None),
    ("不低于10万人", "count", "≥", 100000, "人", None),
    ("不少于17个", "count", "≥", 17, "个", None),
    ("低于5次", "count", "<", 5, "次", None),
    ("≤15分钟", "time", "≤", 15, "分钟", None),
    ("完成大于等于1篇的相关专题调研材料", "count", "≥", 1, "篇", "完成的相关专题调研材料"),
    ("7*24小时", "time", "=", 168, "小时", None),
    ("≥计划购置数量90%", "percent", "≥", 90, "%", "计划购置数量"),
    ("有效缓解", "qualitative", None, None, None, "有效缓解"),
    ("2025年底支付完成", "date", None, None, None, "2025年底支付完成"),
    ("95%以上", "percent", "≥", 95, "%", None),
    ("≥500亿元", "money", "≥", 5e10, "元", None),
    ("≤7000万元", "money", "≤", 7e7, "元", None),
    ("50.25元/人/年", "money", "=", 50.25, "元/人/年", None),
    ("≥10万人次", "count", "≥", 100000, "人次", None),
    ("约900家", "count", "=", 900, "家", None),
    ("0次", "count", "=", 0, "次", None),
    ("≥ 国家规定标准", "qualitative", "≥", None, None, "≥国家规定标准"),
    ("不低于上年", "qualitative", "≥", None, None, "不低于上年"),
    ("正常运行>60", "number", ">", 60, None, "正常运行"),
    ("≥0.5万册", "count", "≥", 5000, "册", None),
    ("合规医疗费用救助比例≥70%", "percent", "≥", 70, "%", "合规医疗费用救助比例"),
    ("≥1080P", "count", "≥", 1080, "P", None),
    ("<5秒", "time", "<", 5, "秒", None),
    ("不晚于12月底前", "time", "≤", 12, "月", "底前"),
    ("=100%", "percent", "=", 100, "%", None),
    ("100", "number", "=", 100, None, None),
    ("≥每人每年核定6.54万元", "money", "≥", 65400, "元", "每人每年核定"),
]


@pytest.mark.parametrize(("raw", "kind", "operator", "number", "unit", "qualifier"), CASES)
def test_target_value_is_read(raw, kind, operator, number, unit, qualifier) -> None:
    target = parse_target(raw)
    assert target is not None and target.raw == raw
    assert (target.kind, target.operator, target.unit, target.qualifier) == (kind, operator, unit, qualifier)
    if number is None:
        assert target.number is None
    else:
        assert target.number == pytest.approx(number)


def test_missing_value_has_no_target() -> None:
    assert parse_target(None) is None
    assert parse_target("   ") is None


def test_most_seed_values_parse_to_a_number() -> None:
    values = [
        target
        for path in seed_paths()
        for record in read_path(path).records
        for indicator in record.indicators
        for target in (indicator.period_target, indicator.annual_target)
        if target is not None
    ]
    numeric = sum(1 for target in values if target.number is not None)
    assert len(values) > 600
    assert numeric / len(values) > 0.6
