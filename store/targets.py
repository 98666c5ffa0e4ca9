"""Target values read into operator / number / unit, so that regions can be compared.

"≥90%", ">= 85 %", "不低于10万人" (≥ 100000 人), "低于5次" (< 5 次), "≤15分钟", "7*24小时",
"≥计划购置数量90%" (≥ 90 %, qualifier 计划购置数量), "有效缓解" (qualitative), "2025年底支付完成" (date).
The raw text is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from store.model import Target
from store.text import nfkc, squash

_SYMBOLS = (
    (">=", "≥"), ("<=", "≤"), ("=>", "≥"), ("=<", "≤"), ("≧", "≥"), ("≦", "≤"), ("⩾", "≥"), ("⩽", "≤"),
)
# word operators, longest first; (word, operator, position) where position "pre" or "post"
_WORD_OPS = (
    ("大于等于", "≥"), ("大于或等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), ("达到", "≥"), ("高于或等于", "≥"), ("不早于", "≥"),
    ("小于等于", "≤"), ("小于或等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"),
    ("不大于", "≤"), ("控制在", "≤"), ("最多", "≤"), ("不晚于", "≤"),
    ("低于", "<"), ("少于", "<"), ("小于", "<"), ("不到", "<"),
    ("高于", ">"), ("多于", ">"), ("大于", ">"), ("超过", ">"),
    ("等于", "="), ("约", "="),
)
_POST_OPS = (
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
    ("内", "≤"), ("前", "≤"),
)
_SYMBOL_OP = re.compile(r"[≥≤<>=]")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:[.,]\d+)*)(?:\s*[*×xX]\s*(\d+(?:\.\d+)?))?")
_MULTIPLIER = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_TIME_UNITS = ("分钟", "小时", "个工作日", "工作日", "天", "日", "周", "个月", "月", "年", "秒", "时")
_UNIT_WORDS = (
    "人次", "人", "户", "次", "家", "个", "篇", "份", "类", "套", "件", "名", "项", "场", "期",
    "批", "台", "所", "条", "本", "册", "张", "元", "平方米", "平米", "米", "公里", "亩", "床",
    "分钟", "小时", "个工作日", "工作日", "天", "日", "周", "个月", "月", "年", "秒", "种", "批次", "处", "座",
    "支", "辆", "例", "单", "笔", "起", "点", "P", "p", "GB", "TB", "M", "倍", "分",
)
_UNIT_WORDS_LONGEST_FIRST = tuple(sorted(_UNIT_WORDS, key=len, reverse=True))
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月|年底|年末|年内|年前|-\s*(\d{1,2})(?!\d)|年)")


def _unit_at(text: str) -> tuple[str | None, float, int]:
    """The unit that follows a number: (unit, multiplier, characters used); 万人 -> (人, 1e4, 2)."""
    multiplier = 1.0
    rest = text
    used = 0
    if rest[:1] in _MULTIPLIER:
        multiplier = _MULTIPLIER[rest[0]]
        rest = rest[1:]
        used = 1
    if rest[:1] in ("%", "‰"):
        return rest[0], 1.0, 1 if used == 0 else 0
    for word in _UNIT_WORDS_LONGEST_FIRST:
        if rest.startswith(word):
            unit = word
            tail = rest[len(word):]
            per = re.match(r"^(?:/[\u4e00-\u9fff]{1,2}){1,2}", tail)
            if per:
                unit += per.group(0)
            return unit, multiplier, used + len(unit)
    if used:
        # "10万" with no unit word: the multiplier still applies
        return None, multiplier, used
    return None, 1.0, 0


def _kind_of(unit: str | None) -> str:
    if unit is None:
        return "number"
    if unit in ("%", "‰"):
        return "percent"
    if unit and unit.startswith("元"):
        return "money"
    if unit and unit.split("/")[0] in _TIME_UNITS:
        return "time"
    return "count"


@lru_cache(maxsize=65536)
def parse_target(raw: str | None) -> Target | None:
    """Read a target value; None for a missing value."""
    if raw is None:
        return None
    text = squash(nfkc(raw))
    for old, new in _SYMBOLS:
        text = text.replace(old, new)
    if not text:
        return None
    operator: str | None = None
    number_match = _NUMBER.search(text)
    # a date target: "2025年底支付完成", "2025年2月支付完成"
    date_match = _DATE.search(text)
    if date_match and (number_match is None or number_match.start() == date_match.start()):
        after = text[date_match.end():]
        if not _NUMBER.search(after):
            return Target(raw=raw, kind="date", qualifier=text)
    if number_match is None:
        symbol = _SYMBOL_OP.search(text)
        if symbol:
            operator = symbol.group(0)
        else:
            for word, op in _WORD_OPS:
                if text.startswith(word):
                    operator = op
                    break
        return Target(raw=raw, kind="qualitative", operator=operator, qualifier=text)
    before = text[: number_match.start()]
    after = text[number_match.end():]
    symbol = _SYMBOL_OP.search(before)
    if symbol:
        operator = symbol.group(0)
        before = before[: symbol.start()] + before[symbol.end():]
    else:
        for word, op in _WORD_OPS:
            index = before.rfind(word)
            if index >= 0:
                operator = op
                before = before[:index] + before[index + len(word):]
                break
    digits = number_match.group(1)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        digits = digits.replace(",", "")
    else:
        digits = digits.replace(",", ".") if digits.count(",") == 1 and "." not in digits else digits
    try:
        number = float(digits)
    except ValueError:
        return Target(raw=raw, kind="qualitative", qualifier=text)
    if number_match.group(2):
        number *= float(number_match.group(2))
    unit, multiplier, used = _unit_at(after)
    number *= multiplier
    tail = after[used:]
    for word, op in _POST_OPS:
        if tail.startswith(word):
            operator = operator or op
            tail = tail[len(word):]
            break
    if operator is None:
        operator = "="
    qualifier = (before + tail).strip("，,。;；:：的") or None
    return Target(raw=raw, kind=_kind_of(unit), operator=operator, number=number, unit=unit,
                  qualifier=qualifier)


# -- comparable units ----------------------------------------------------------------------------

_DURATION_HOURS = {
    "秒": 1 / 3600, "分钟": 1 / 60, "小时": 1.0, "时": 1.0, "天": 24.0, "日": 24.0, "工作日": 24.0,
    "个工作日": 24.0, "周": 168.0, "个月": 720.0, "月": 720.0, "年": 8760.0,
}
_SHORT_DURATIONS = ("秒", "分钟", "小时", "时")
# the unit a name declares in its closing bracket: "参保率（%）", "参保人数（万人）", "补助标准（元/人/年）"
_NAME_UNIT = re.compile(r"[(（]\s*([^()（）]{1,8}?)\s*[)）]\s*$")
# names of a rate: a bare number under such a name is a percentage ("政策知晓率 ≥80")
_RATE_WORDS = ("率", "满意度", "比例", "比率", "占比", "百分比")
_PER = (("每人每年", "/人/年"), ("每人每月", "/人/月"), ("人均", "/人"), ("每人", "/人"), ("每年", "/年"),
        ("每月", "/月"), ("每户", "/户"))


@dataclass(frozen=True, slots=True)
class Comparable:
    """A numeric target in a unit shared across regions: percent, 万元, hours or days, per-head rates, or the
    count's own unit (人, 人次, 个, 家 are kept apart); ``note`` says how the raw text got there."""

    dimension: str  # percent | money | money/人/年 … | duration | count:人 … | number
    value: float  # in ``unit``
    unit: str  # % | 万元 | 元/人/年 | 小时 | 天 | 人 | "" (a number with no unit)
    operator: str  # ≥ ≤ > < =
    note: str | None = None

    @property
    def direction(self) -> int:
        """+1 for a floor (≥ >), -1 for a ceiling (≤ <), 0 for an exact value."""
        return 1 if self.operator in ("≥", ">") else -1 if self.operator in ("≤", "<") else 0

    @property
    def base(self) -> float:
        """The value on the dimension's one scale (durations in hours), for ordering across units."""
        return self.value * 24 if self.unit == "天" else self.value

    def expressed_in(self, unit: str) -> float:
        """The value in another unit of the same dimension (only durations have two: 小时 and 天)."""
        if unit == self.unit:
            return self.value
        return self.base / 24 if unit == "天" else self.base

    def text(self) -> str:
        """"≥90%", "≤1小时", "≥6.54万元/人/年": the comparable value as a reader writes it."""
        operator = "" if self.operator == "=" else self.operator
        return f"{operator}{number_text(self.value)}{self.unit}"


def number_text(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1e-3 else f"{round(value, 4):g}"


@lru_cache(maxsize=65536)
def name_unit(name: str | None) -> str | None:
    """The unit an indicator's name declares in a closing bracket ("参保率(%)" -> "%"), if it reads as one."""
    if not name:
        return None
    match = _NAME_UNIT.search(nfkc(name))
    if not match:
        return None
    unit = squash(match.group(1))
    parsed = parse_target(f"1{unit}")
    if parsed is None or parsed.unit is None or parsed.qualifier:
        return None
    return unit


def _is_rate(name: str | None) -> bool:
    return bool(name) and any(word in name for word in _RATE_WORDS)  # type: ignore[operator]


def comparable(target: Target | None, name: str | None = None) -> Comparable | None:
    """A target brought to a comparable unit, or None (qualitative, a date or deadline, no number).

    A bare number takes the unit the indicator's name declares ("参保人数（万人）" ≥600 -> ≥6000000 人),
    or, under the name of a rate (…率, 满意度, 比例), is read as a percentage. Money is in 万元, or stays in
    元 per head / per year where the target says so; durations are in hours below a day, else in days;
    calendar points (12月底, 每月20日, 23年目标) are deadlines, not durations.
    """
    if target is None or target.number is None or target.operator is None:
        return None
    if target.kind == "number":
        return _unitless(target, name)
    return _with_unit(target, False)


def _unitless(target: Target, name: str | None) -> Comparable:
    """A bare number: the unit the name declares, or percent under a rate's name, or no unit."""
    assert target.number is not None and target.operator is not None
    unit = name_unit(name)
    if unit is not None:
        from_name = parse_target(f"{target.operator}{number_text(target.number)}{unit}")
        if from_name is not None and from_name.number is not None and from_name.kind != "number":
            found = _with_unit(from_name, True)
            if found is None:
                return Comparable("number", target.number, "", target.operator, None)
            note = f"unit from the name ({unit})" + (f"; {found.note}" if found.note else "")
            return Comparable(found.dimension, found.value, found.unit, found.operator, note)
    if _is_rate(name) and 0 <= target.number <= 100:
        return Comparable("percent", target.number, "%", target.operator,
                          "a rate with no unit, read as %")
    return Comparable("number", target.number, "", target.operator, None)


@lru_cache(maxsize=65536)
def _with_unit(target: Target, unit_from_name: bool) -> Comparable | None:
    """A number with its unit brought to the comparable unit, the same under every name (so cached per
    target); ``unit_from_name``: the unit came from a name such as "可支付月数（月）", where 月 is a span."""
    assert target.number is not None and target.operator is not None
    note = None
    unit = target.unit or ""
    qualifier = target.qualifier or ""
    if target.kind == "percent":
        value = target.number / 10 if unit == "‰" else target.number
        return Comparable("percent", value, "%", target.operator, "‰ as %" if unit == "‰" else None)
    if target.kind == "money":
        per = unit[2:] if unit.startswith("元/") else ""
        if not per:
            for words, suffix in _PER:
                if words in qualifier:
                    per, note = suffix[1:], f"{words} read as 元{suffix}"
                    break
        if per:
            return Comparable(f"money/{per}", target.number, f"元/{per}", target.operator, note)
        return Comparable("money", target.number / 1e4, "万元", target.operator,
                          "元 as 万元" if target.number < 1e4 else None)
    if target.kind == "time":
        base_unit = unit.split("/")[0]
        if "/" in unit or base_unit not in _DURATION_HOURS:
            return None
        if base_unit == "月" and not unit_from_name:
            return None  # 12月底: a month of the year (a span of months is written 个月)
        if base_unit == "日" and "月" in qualifier:
            return None  # 每月20日前: a day of the month
        if base_unit == "年" and qualifier:
            return None  # 23年目标参保人: a year, not a span of years
        hours = target.number * _DURATION_HOURS[base_unit]
        if base_unit in _SHORT_DURATIONS:
            return Comparable("duration", hours, "小时", target.operator,
                              None if base_unit == "小时" else f"{base_unit} as 小时")
        days = hours / 24
        approximate = {"工作日": "工作日 counted as 天", "个工作日": "工作日 counted as 天", "周": "周 as 7天",
                       "个月": "个月 as 30天", "月": "月 as 30天", "年": "年 as 365天"}
        return Comparable("duration", days, "天", target.operator, approximate.get(base_unit))
    if target.kind == "count":
        return Comparable(f"count:{unit}", target.number, unit, target.operator, None)
    return None
