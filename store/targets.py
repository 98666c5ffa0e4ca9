"""Target values read into operator / number / unit, so that regions can be compared.

"≥90%", ">= 85 %", "不低于10万人" (≥ 100000 人), "低于5次" (< 5 次), "≤15分钟", "7*24小时",
"≥计划购置数量90%" (≥ 90 %, qualifier 计划购置数量), "有效缓解" (qualitative), "2025年底支付完成" (date).
The raw text is always kept.
"""

from __future__ import annotations

import re
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
