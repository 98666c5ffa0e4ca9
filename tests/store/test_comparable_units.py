"""Targets brought to a comparable unit: real cases from the seeds, each with the indicator name it sits
under (the name can carry the unit: 参保率(%), 参保人数（万人）)."""

from __future__ import annotations

import pytest
from conftest import seed_paths

from store.readers import read_path
from store.targets import comparable, name_unit, parse_target

# (raw value, indicator name, dimension, value, unit, operator, how the unit was reached or None)
SEED_CASES = [
    ("≥90%", "政务服务好评率", "percent", 90, "%", "≥", None),
    ("90%以上", "受益对象满意度(%)", "percent", 90, "%", "≥", None),
    ("=100%", "预算执行率", "percent", 100, "%", "=", None),
    ("95", "以常住人口数为基数计算的基本参保综合参保率(%)", "percent", 95, "%", "=", "unit from the name (%)"),
    ("100", "当年各级财政补助资金到位率(%)", "percent", 100, "%", "=", "unit from the name (%)"),
    ("≥80", "政策知晓率", "percent", 80, "%", "≥", "a rate with no unit"),
    ("≥95", "社会公众满意度提高", "percent", 95, "%", "≥", "a rate with no unit"),
    ("≥98", "乡居民医疗保险参保率达98%以上", "percent", 98, "%", "≥", "a rate with no unit"),
    ("≥700元", "城乡居民医保财政实际补助标准", "money", 0.07, "万元", "≥", "元 as 万元"),
    ("≤7000万元", "项目运行总成本", "money", 7000, "万元", "≤", None),
    ("≥500亿元", "医疗机构在平台的采购交易金额", "money", 5_000_000, "万元", "≥", None),
    ("29814.8", "项目投入成本（万元）", "money", 29814.8, "万元", "=", "unit from the name (万元)"),
    ("50.25元/人/年", "城乡居民医保市级财政补助标准(元)", "money/人/年", 50.25, "元/人/年", "=", None),
    ("50.25", "市财政补助标准（元/人/年）", "money/人/年", 50.25, "元/人/年", "=", "unit from the name (元/人/年)"),
    ("≥每人每年核定6.54万元", "劳务派遣人员定额标准", "money/人/年", 65400, "元/人/年", "≥",
     "每人每年 read as 元/人/年"),
    ("≤60分钟", "系统故障排除响应及时性", "duration", 1, "小时", "≤", "分钟 as 小时"),
    ("≤2小时", "系统故障修复响应时间", "duration", 2, "小时", "≤", None),
    ("≤15分钟", "运营服务响应及时性", "duration", 0.25, "小时", "≤", "分钟 as 小时"),
    ("<5秒", "系统平均对用户操作的响应时间", "duration", 5 / 3600, "小时", "<", "秒 as 小时"),
    ("7*24小时", "服务支持时间", "duration", 168, "小时", "=", None),
    ("不少于1天", "前往粤港澳大湾区主题学习天数", "duration", 1, "天", "≥", None),
    ("合同签订后15个工作日内", "项目合同签订后在项目管理系统及时填报合同签署情况", "duration", 15, "天", "≤",
     "工作日 counted as 天"),
    ("合同签订后1个月内完成项目", "项目实施方案编制进度完成及时性", "duration", 30, "天", "≤", "个月 as 30天"),
    ("≥5年", "系统正常使用年限", "duration", 1825, "天", "≥", "年 as 365天"),
    ("≥6", "基金滚存结余可支付月数（月）", "duration", 180, "天", "≥", "unit from the name (月)"),
    ("不低于10万人", "发送短信服务覆盖人群", "count:人", 100_000, "人", "≥", None),
    ("≥ 600万人", "参保人数（人）", "count:人", 6_000_000, "人", "≥", None),
    ("≥600", "参保人数（万人）", "count:人", 6_000_000, "人", "≥", "unit from the name (万人)"),
    ("≥10万人次", "住院救助和门诊救助人次", "count:人次", 100_000, "人次", "≥", None),
    ("约900家", "定点药店巡查数量", "count:家", 900, "家", "=", None),
    ("不少于17个", "药品集团采购平台服务覆盖的城市范围", "count:个", 17, "个", "≥", None),
    ("低于5次", "有效的服务质量效率投诉举报", "count:次", 5, "次", "<", None),
    ("=0", "重复参保人数（人）", "count:人", 0, "人", "=", "unit from the name (人)"),
    ("98", "保障离休干部待遇", "number", 98, "", "=", None),
]


@pytest.mark.parametrize(("raw", "name", "dimension", "value", "unit", "operator", "note"), SEED_CASES)
def test_seed_target_in_a_comparable_unit(raw, name, dimension, value, unit, operator, note) -> None:
    found = comparable(parse_target(raw), name)
    assert found is not None
    assert (found.dimension, found.unit, found.operator) == (dimension, unit, operator)
    assert found.value == pytest.approx(value)
    if note is None:
        assert found.note is None
    else:
        assert found.note is not None and found.note.startswith(note)


@pytest.mark.parametrize(("raw", "name"), [
    ("国家规定标准", "财政实际补助标准"),  # qualitative
    ("≥ 国家规定标准", "财政实际补助标准（元）"),
    ("有效缓解", "困难群众医疗费用负担减轻程度"),
    ("2025年底支付完成", "租赁费支付时效"),  # a date
    ("不晚于12月底前", "DIP试点进展正式运行时间"),  # a month of the year, not 12 months
    ("每月20日前上报结算", "与医疗机构结算及时性"),  # a day of the month
    ("≥23年目标参保人", "参保人数（人）"),  # the year 2023's target, not 23 years
    ("=非特困对象按规定比例万人", "住院救助人次"),
])
def test_words_dates_and_calendar_points_are_not_numbers(raw, name) -> None:
    assert comparable(parse_target(raw), name) is None


def test_the_same_target_in_two_units_lines_up() -> None:
    minutes = comparable(parse_target("≤60分钟"))
    hours = comparable(parse_target("≤2小时"))
    days = comparable(parse_target("合同签订后15个工作日内"))
    assert minutes and hours and days
    assert minutes.dimension == hours.dimension == days.dimension == "duration"
    assert minutes.base < hours.base < days.base
    assert days.expressed_in("小时") == pytest.approx(360)
    assert hours.expressed_in("天") == pytest.approx(2 / 24)
    assert (minutes.text(), hours.text()) == ("≤1小时", "≤2小时")


def test_counts_of_different_things_stay_apart() -> None:
    people = comparable(parse_target("≥10000人次"))
    persons = comparable(parse_target("不低于10万人"))
    places = comparable(parse_target("约900家"))
    assert people and persons and places
    assert len({people.dimension, persons.dimension, places.dimension}) == 3


@pytest.mark.parametrize(("name", "unit"), [
    ("参保对象满意度（%）", "%"), ("项目成本(万元)", "万元"), ("参保人数（万人）", "万人"),
    ("市财政补助标准（元/人/年）", "元/人/年"), ("政务服务好评率", None), ("因公出国(境)的目标完成情况", None),
    ("项目合同签订后(及时)填报", None),
])
def test_unit_a_name_declares(name, unit) -> None:
    assert name_unit(name) == unit


def test_every_seed_value_reads_and_percentages_all_compare() -> None:
    values = [(value, indicator.name)
              for path in seed_paths() for record in read_path(path).records for indicator in record.indicators
              for value in (indicator.period_value, indicator.annual_value) if value]
    assert len(values) > 600
    found = [(value, name, comparable(parse_target(value), name)) for value, name in values]
    percents = [item for item in found if parse_target(item[0]).kind == "percent"]  # type: ignore[union-attr]
    assert percents and all(item[2] is not None and item[2].unit == "%" for item in percents)
    numeric = [item for item in found if item[2] is not None]
    assert len(numeric) / len(values) > 0.55
    for _, _, value in numeric:
        assert value.dimension == "percent" or value.unit != "%"
        assert value.operator in ("≥", "≤", ">", "<", "=")
