"""The template family's vocabulary (DESIGN §2a): table headers, header-block labels, the words that end a
table, and the grammar of target values. The general reader works from these words, never from where a
particular region prints them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from store.levels import canonical
from store.text import nfkc, squash

# Column kinds of an indicator table.
LEVEL1, LEVEL2, LEVEL3 = "level1", "level2", "name"
PERIOD, ANNUAL, ACTUAL = "period", "annual", "actual"
OPERATOR, UNIT, WEIGHT, SCORE, REASON, OTHER = "operator", "unit", "weight", "score", "reason", "other"
TABLE = "table"  # the merged 绩效指标 cell left of the levels: a header word, never a column of values
INDEX = "index"  # a 序号 column: row numbers, never an indicator
VALUE_KINDS = (PERIOD, ANNUAL, ACTUAL)

_HEADER_EXACT = {
    "一级指标": LEVEL1, "二级指标": LEVEL2,
    "三级指标": LEVEL3, "指标名称": LEVEL3, "指标内容": LEVEL3, "三级指标名称": LEVEL3, "具体指标": LEVEL3,
    "绩效指标名称": LEVEL3,
    "指标值": ANNUAL, "年度指标值": ANNUAL, "年度目标值": ANNUAL, "目标值": ANNUAL, "指标目标值": ANNUAL,
    "预期目标": ANNUAL, "预期指标值": ANNUAL, "当年度指标值": ANNUAL, "年度指标": ANNUAL, "绩效指标值": ANNUAL,
    "计划值": ANNUAL, "目标指标值": ANNUAL, "预期目标值": ANNUAL, "年度绩效指标值": ANNUAL, "指标标准": ANNUAL,
    "全年指标值": ANNUAL, "预期值": ANNUAL,
    "实施周期指标值": PERIOD, "中期指标值": PERIOD, "中期目标值": PERIOD, "实施期指标值": PERIOD,
    "周期指标值": PERIOD, "实施周期目标值": PERIOD,
    "实际完成值": ACTUAL, "全年实际值": ACTUAL, "实际值": ACTUAL, "完成值": ACTUAL, "实际完成": ACTUAL,
    "年度实际完成值": ACTUAL, "实际完成指标值": ACTUAL, "全年实际完成值": ACTUAL,
    "指标性质": OPERATOR, "运算符号": OPERATOR, "运算符": OPERATOR, "指标方向": OPERATOR,
    "度量单位": UNIT, "计量单位": UNIT,
    "分值": WEIGHT, "权重": WEIGHT, "指标分值": WEIGHT, "指标权重": WEIGHT, "权重分": WEIGHT,
    "得分": SCORE, "自评得分": SCORE, "评分": SCORE, "评价得分": SCORE,
    "完成时限": OTHER, "评分标准": OTHER, "指标解释": OTHER, "备注": REASON,
    "序号": INDEX, "编号": INDEX,
    "绩效指标": TABLE, "年度绩效指标": TABLE, "绩效指标体系": TABLE,
}
_HEADER_PREFIX = (("偏差原因", REASON), ("未完成原因", REASON), ("原因分析", REASON))
# header words longest first, for cutting a header row whose cells ran together
HEADER_WORDS = tuple(sorted(_HEADER_EXACT, key=len, reverse=True))
_PARENTHESES = re.compile(r"[(（][^()（）]*[)）]")
# the longest a cell holding one template word (a header, a field label with its note, a page mark) or one
# value cell can be, OCR spaces included: a longer cell is prose, never normalised to be compared
_LONGEST_WORD = 80
_LONGEST_CELL = 400

# Words of the block above a table (项目名称, 主管部门 …), each with the field it names.
FIELD_WORDS: dict[str, str] = {
    "项目名称": "name", "项目(政策)名称": "name", "政策名称": "name", "项目政策名称": "name",
    "主管部门": "department", "主管预算部门": "department", "主管部门及代码": "department",
    "项目主管部门": "department", "主管单位": "department", "部门名称": "department",
    "部门(单位)名称": "department", "预算部门": "department",
    "实施单位": "unit", "执行单位": "unit", "预算单位": "unit", "资金使用单位": "unit", "申报单位": "unit",
    "用款单位": "unit", "项目实施单位": "unit", "项目执行单位": "unit", "项目单位": "unit", "单位名称": "unit",
    "年度资金总额": "amount", "全年预算数": "amount", "项目资金": "amount", "项目预算金额": "amount",
    "预算金额": "amount", "资金总额": "amount", "项目总金额": "amount", "年度预算数": "amount",
    "年度资金": "amount", "项目金额": "amount", "预算资金": "amount", "项目预算": "amount",
    "项目资金总额": "amount", "项目总额": "amount", "本年预算数": "amount", "当年预算数": "amount",
    "年度预算": "amount", "申请金额": "amount", "申报金额": "amount", "当年度金额": "amount", "年度金额": "amount",
    "项目编码": "code", "项目代码": "code",
    "年度目标": "goal", "总体目标": "goal", "年度总体目标": "goal", "中期目标": "goal", "绩效目标": "goal",
    "年度绩效目标": "goal", "项目绩效目标": "goal",
    "年初预算数": "budget", "全年执行数": "budget", "执行率": "budget", "上年结转": "budget",
    "其他资金": "budget", "财政拨款": "budget", "中期资金总额": "budget", "项目属性": "budget",
    "项目期": "budget", "项目来源": "budget", "立项依据": "budget", "项目负责人": "budget",
    "预期目标": "goal_column", "实际完成情况": "goal_column",
}
# Which amount label wins when several are printed: the year's total first.
AMOUNT_PRIORITY = ("年度资金总额", "全年预算数", "当年度金额", "本年预算数", "当年预算数", "年度预算数", "年度预算",
                   "年度金额", "项目预算金额", "预算金额", "项目资金总额", "资金总额", "项目总金额", "项目总额",
                   "年度资金", "申请金额", "申报金额", "项目金额", "项目资金", "预算资金", "项目预算")
_FIELD_PATTERN = re.compile(
    "|".join(re.escape(word) for word in sorted(FIELD_WORDS, key=len, reverse=True) if len(word) >= 4)
)

# Rows that end an indicator table: totals, notes under it, signatures.
_STOP_EXACT = {"合计", "总计", "总分", "小计", "其他需要说明事项", "其他说明事项", "其他说明", "填表说明", "填报说明",
               "附件", "附表", "审核意见", "联系人", "联系电话", "填表人", "填报人", "单位负责人", "财务负责人",
               "项目负责人", "评价结论", "自评结论", "备注说明"}
_STOP_PREFIX = ("附件", "附表", "注:", "说明:", "备注:", "填表说明", "填报说明", "联系人", "联系电话", "填表人",
                "填报人", "单位负责人", "财务负责人", "审核人", "其他需要说明")


_STOP_FIRST = frozenset(word[0] for word in (*_STOP_EXACT, *_STOP_PREFIX))


def _bare(text: str) -> str:
    return squash(nfkc(text)).rstrip(":：")


# every header word holds one of these characters: a cheap test before any normalising
_HEADER_HINT = re.compile(r"[指值分权得因符注限准评位容称序号]")


@lru_cache(maxsize=32768)
def header_kind(text: str) -> str | None:
    """The column a table-header cell names (三级指标 -> name, 年度指标值 -> annual …), or None."""
    if len(text) > 60 or not _HEADER_HINT.search(text):
        return None
    bare = _bare(text)
    if not bare or len(bare) > 30:
        return None
    if bare in _HEADER_EXACT:
        return _HEADER_EXACT[bare]
    stripped = _PARENTHESES.sub("", bare)
    if stripped != bare and stripped in _HEADER_EXACT:
        # 指标值(包含数字及文字描述), 权重(%)
        return _HEADER_EXACT[stripped]
    for prefix, kind in _HEADER_PREFIX:
        if bare.startswith(prefix):
            return kind
    if len(stripped) <= 8 and stripped.endswith(("指标值", "目标值", "完成值")):
        if "实际" in stripped or "完成" in stripped:
            return ACTUAL
        return PERIOD if ("中期" in stripped or "周期" in stripped or "实施期" in stripped) else ANNUAL
    return None


@lru_cache(maxsize=32768)
def field_word(text: str) -> str | None:
    """The header-block field a cell names (项目名称 -> name, 主管部门及代码 -> department …), or None."""
    if len(text) > _LONGEST_WORD:
        return None
    bare = _PARENTHESES.sub("", _bare(text)).rstrip(":：")
    if bare in FIELD_WORDS:
        return FIELD_WORDS[bare]
    if bare.startswith("其中"):
        return "budget"
    return None


_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]?$")


def exact_word(text: str) -> bool:
    """Whether a piece is exactly one header or field word of the template (a note in brackets after it
    allowed: 指标值(包含数字及文字描述), 项目资金(万元)); used to join the pieces of a cut cell."""
    if len(text) > _LONGEST_WORD:
        return False
    bare = _bare(text)
    if bare in _HEADER_EXACT or bare in FIELD_WORDS:
        return True
    stripped = _TRAILING_NOTE.sub("", bare).rstrip(":：")
    return stripped != bare and (stripped in _HEADER_EXACT or stripped in FIELD_WORDS)


def find_fields(text: str) -> list[tuple[int, int, str]]:
    """Field words inside one run-together cell ("项目主管部门青山区教育局项目执行单位化工区学校"):
    (start, end, word) of each, longest word first at a place."""
    return [(m.start(), m.end(), m.group(0)) for m in _FIELD_PATTERN.finditer(squash(text))]


@lru_cache(maxsize=32768)
def starts_record(text: str) -> bool:
    """A cell that begins the next project's block: 项目名称, alone or run into its value."""
    if field_word(text) == "name":
        return True
    found = find_fields(text) if len(text) <= 80 else []
    return bool(found) and found[0][0] == 0 and FIELD_WORDS.get(found[0][2]) == "name"


_PAGE_MARK = re.compile(
    r"^(?:第\d+页(?:/?共\d+页)?|共\d+页(?:第\d+页)?|[-—]\d+[-—]|\d+/\d+页?|page\d+(?:of\d+)?)$", re.IGNORECASE
)


@lru_cache(maxsize=32768)
def is_page_mark(text: str) -> bool:
    """A page number a PDF or a printout left between rows ("第 2 页", "- 3 -")."""
    if len(text) > _LONGEST_WORD:
        return False
    return bool(_PAGE_MARK.match(squash(nfkc(text))))


def is_stop(text: str) -> bool:
    """A cell that ends an indicator table (合计, 总分, 其他需要说明事项, 附件 …)."""
    if text.lstrip()[:1] not in _STOP_FIRST:
        return False
    bare = squash(nfkc(text[:_LONGEST_WORD]))
    return bare.rstrip(":：") in _STOP_EXACT or bare.startswith(_STOP_PREFIX)


_OPERATOR_WORDS = {
    "≥": "≥", "≤": "≤", ">": ">", "<": "<", "=": "=", "≧": "≥", "≦": "≤", "═": "=", "＝": "=", "＞": ">",
    "＜": "<", ">=": "≥", "<=": "≤", "=>": "≥", "=<": "≤", "⩾": "≥", "⩽": "≤",
    "大于等于": "≥", "大于或等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", "小于等于": "≤",
    "小于或等于": "≤", "不高于": "≤", "不超过": "≤", "不大于": "≤", "不多于": "≤", "大于": ">", "小于": "<",
    "高于": ">", "低于": "<", "等于": "=",
}
# the operator glyph look-alikes a conversion leaves in a value cell
_GLYPHS = str.maketrans({"≧": "≥", "≦": "≤", "═": "=", "⩾": "≥", "⩽": "≤"})
# 指标性质 cells that name the kind of indicator, not an operator
NATURE_WORDS = ("正向", "反向", "定性", "定量", "正向指标", "反向指标", "定性指标", "定量指标", "区间", "中性")


def operator_of(text: str) -> str | None:
    """The comparison an operator cell holds (≧ -> ≥, 不低于 -> ≥), or None when it is not one."""
    if len(text) > _LONGEST_WORD:
        return None
    return _OPERATOR_WORDS.get(squash(nfkc(text)))


def is_nature(text: str) -> bool:
    return text.lstrip()[:1] in "正反定区中" and squash(text) in NATURE_WORDS


def normalize_operators(text: str) -> str:
    """A value with look-alike operator glyphs written as ≥ ≤ =."""
    return text.translate(_GLYPHS)


_NUMBER = r"\d+(?:[.,]\d+)*"
_UNIT = (r"(?:%|％|‰|[万亿千百]?(?:人次|人|户|次|家|个|篇|份|类|套|件|名|项|场|期|批次|批|台|所|条|本|册|张|元|"
         r"平方米|平米|米|公里|千米|亩|床|分钟|小时|个工作日|工作日|天|日|周|个月|月|年|秒|种|处|座|支|辆|例|单|笔|"
         r"起|点|倍|分|吨|公斤|千克|斤|株|头|只|间|栋|幢|村|校|园|区|县|镇|乡|期|元/人|元/人/年|元/年|元/月|"
         r"元/平方米|人/年|次/年|小时/天|[\u4e00-\u9fff]{1,2}))?")
_PRE_WORDS = (r"(?:[≥≤<>=≧≦═＞＜＝]=?|大于等于|小于等于|不低于|不少于|不小于|不高于|不超过|不大于|不多于|"
              r"大于|小于|高于|低于|达到|约|至少)")
_POST_WORDS = r"(?:及以上|以上|及以下|以下|以内|之内|左右)?"
_QUANTITY = re.compile(
    rf"{_PRE_WORDS}?\s*{_NUMBER}\s*{_UNIT}(?:\s*[-—~至]\s*{_NUMBER}\s*{_UNIT})?\s*{_POST_WORDS}"
)
_ADVERBS = r"(?:稳步|明显|显著|有效|逐步|不断|持续|进一步|大幅|大幅度|全面|基本|较大|较好|有所|大力|切实|普遍|充分)"
_VERBS = r"(?:提高|提升|改善|缓解|增强|增加|降低|减少|下降|加强|完善|好转|扩大|减轻|保障|落实|推进|发挥|规范|增长)"
_QUALITATIVE = re.compile(rf"{_ADVERBS}{_VERBS}|(?:长期|中长期|持续|及时|是|否|良好|优秀|合格|达标|无|有)")
_ONE_DATE = (r"(?:(?:19|20)\d{2}\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?"
             r"|(?:19|20)\d{2}[./-]\d{1,2}(?:[./-]\d{1,2})?)")
_DATE = re.compile(
    rf"{_ONE_DATE}(?:\s*[-—–~至到]\s*{_ONE_DATE})?\s*(?:底|末|前|内|中|上旬|中旬|下旬|之前|以前|年底|年内)?\s*"
    r"(?:前|完成|到位|结束|支付完成|拨付到位|全部完成)?"
)
# how indicator names end (率, 度, 人数 …): a short cell ending so is a name, not a qualitative value
_NAME_ENDINGS = ("率", "度", "数", "量", "性", "比例", "情况", "程度", "时间", "标准", "面积", "金额", "成本", "水平",
                 "效果", "质量", "效益", "期限", "周期", "覆盖面", "人次", "次数", "规模", "能力")
_VALUE_WORDS = re.compile(
    r"(提高|提升|缓解|明显|显著|有效|完成|及时|健全|规范|拓展|有所|逐步|全面|合格|达标|增强|减轻|公开|正常|改善|好转|"
    r"推开|达到|实现|到位|长期|持续|良好|优秀|稳定|按时|准时|是|否|无|好|高|低|强|优|良)"
)


@lru_cache(maxsize=65536)
def is_value(text: str) -> bool:
    """Whether a cell reads as a target value by the value grammar: operator · number · unit, a date,
    or a short qualitative phrase (有效缓解, 稳步提高, 是, 长期)."""
    if len(text) > _LONGEST_CELL:
        return False
    compact = squash(nfkc(text))
    if not compact or len(compact) > 60:
        return False
    if compact[0] in "≥≤<>=≧≦═＞＜＝" or _QUANTITY.fullmatch(compact) or _DATE.fullmatch(compact):
        return True
    if compact.endswith(_NAME_ENDINGS):
        return False
    if len(compact) <= 4 and _VALUE_WORDS.search(compact):
        return True
    if len(compact) <= 10 and (phrase := re.search(rf"{_ADVERBS}{_VERBS}", compact)) and phrase.start() <= 2:
        return True
    return bool(_QUALITATIVE.fullmatch(compact))


def is_number(text: str) -> bool:
    """A bare number (a score or weight cell)."""
    if len(text) > _LONGEST_WORD:
        return False
    compact = squash(nfkc(text))
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", compact))


def is_unit(text: str) -> bool:
    """A 度量单位 cell: a short unit with no number in it (%, 人次, 元/人)."""
    if len(text) > _LONGEST_WORD:
        return False
    compact = squash(nfkc(text))
    if not compact or len(compact) > 6 or any(c.isdigit() for c in compact) or _VALUE_WORDS.search(compact):
        return False
    return bool(re.fullmatch(_UNIT, compact)) or (len(compact) <= 3 and not canonical(compact))


_SUFFIX_START = re.compile(
    r"[≥≤<>=≧≦═＞＜＝\d]|大于|小于|不低于|不少于|不小于|不高于|不超过|不大于|达到|至少|低于|高于"
)
_QUALITATIVE_TAIL = re.compile(rf"{_ADVERBS}{_VERBS}$")
# one-word values; cut off a name only when four characters or more of name are left
_WORD_TAIL = re.compile(r"(?:有效|及时|长期|良好|优秀|合格|达标|显著|明显|到位|按时完成|稳定|是|否)$")


def split_value_suffix(text: str) -> tuple[str, str] | None:
    """A cell that runs a name into its value ("农村义务教育学校改造覆盖率100%") as (name, value): the
    longest tail that the value grammar reads, leaving a name of two characters or more."""
    compact = text.strip()
    if len(compact) < 4 or len(compact) > 200:
        return None
    for match in _SUFFIX_START.finditer(compact):
        start = match.start()
        if start < 2:
            continue
        tail = compact[start:]
        if _QUANTITY.fullmatch(squash(nfkc(tail))) and not compact[start - 1].isdigit():
            return compact[:start].strip(), tail.strip()
    qualitative = _QUALITATIVE_TAIL.search(compact) or _WORD_TAIL.search(compact)
    if qualitative and qualitative.start() >= (2 if qualitative.re is _QUALITATIVE_TAIL else 4):
        return compact[: qualitative.start()].strip(), qualitative.group(0)
    return None


_PLACEHOLDER = re.compile(r"^[-—–－/／\\…·.。、_]+$")


def is_placeholder(text: str) -> bool:
    """An empty-looking cell: —, /, …, ……"""
    return bool(_PLACEHOLDER.match(squash(text)))


def is_template_debris(name: str) -> bool:
    """A template row with nothing filled in ("指标2:", "……", "1、") rather than an indicator."""
    if len(name) > _LONGEST_CELL:
        return False
    compact = squash(nfkc(name))
    compact = re.sub(r"^(?:指标\d*|\d{1,3})[:：、.．]?", "", compact)
    return not compact or is_placeholder(compact)


_ORG_SUFFIX = re.compile(
    r"(局|中心|院|所|站|办公室|委员会|委|处|队|馆|学校|中学|小学|幼儿园|医院|公司|办|厅|社|校|政府|街道|事务所|协会|"
    r"联合会|基金会|研究院|大队|支队|总队|监狱|法院|检察院|部|署|集团)$"
)


def org_like(text: str) -> bool:
    """Whether a cell names an organisation (稷山县医疗保险服务中心, 区卫生健康局)."""
    compact = squash(nfkc(text))
    return (4 <= len(compact) <= 40 and not any(c.isdigit() for c in compact) and bool(_ORG_SUFFIX.search(compact))
            and field_word(compact) is None and header_kind(compact) is None and canonical(compact) is None)
