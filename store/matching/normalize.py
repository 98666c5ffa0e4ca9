"""Names read for matching: numbering, unit parentheticals, quotes, punctuation and generic scope prefixes
split off, and synonyms rewritten on word boundaries only (a lexicon term inside a longer word is left
alone: 参保人数 is 参保 · 人数, not 参保人 · 数)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.lexicon import Lexicon
from store.text import nfkc

_UNIT_PAREN = re.compile(r"[（(]\s*([^()（）]{1,10}?)\s*[)）]\s*$")
_UNIT_TEXT = re.compile(r"^(?:%|‰|[万亿千百]?[元人次户个家件天月年日时分秒名项篇份套类册条张台辆床]|人次|小时|分钟|"
                        r"平方米|公里|[元人次]/[人次年月户]|元/人/年|万人次)+$")
_QUOTED = re.compile(r"[“\"「『‘']([^”\"」』’']{1,14})[”\"」』’']")
_NUMBERING = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d{1,3}\s*[、.．]\s*)")
_PUNCT = re.compile(r"[^\w%‰]+")
_KEEP_AFTER_PROJECT = ("成本", "总成本", "投入", "验收", "完成", "实施", "资金", "支出", "预算", "进度", "合同",
                       "启动", "运行", "建设", "管理", "绩效")
_NAME_KIND = (
    ("money", ("费", "成本", "金额", "资金额", "元", "补助标准", "投入")),
    ("percent", ("率", "比例", "比率", "占比", "比重", "覆盖面")),
    ("count", ("人次", "人数", "次数", "个数", "家数", "数量", "件数", "份数", "天数", "场次")),
    ("time", ("时间", "时限", "时长", "天数", "周期")),
)
_QUOTE_CHARS = frozenset("“\"「『‘'")
_ADMIN = ("自治州", "自治县", "地区", "省", "市", "州", "县", "区", "旗", "盟")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A name read for matching: its core (what is measured), and what was split off."""

    name: str
    core: str  # NFKC, no numbering, unit, scope, quotes or punctuation
    canonical: str  # core with synonyms rewritten (on word boundaries)
    unit: str | None
    scope: str | None
    quoted: tuple[str, ...]
    qualifiers: frozenset[str]
    populations: frozenset[str]
    actions: frozenset[int]
    name_kind: str | None


def _has_quote(text: str) -> bool:
    return not _QUOTE_CHARS.isdisjoint(text)


def core_of(name: str) -> tuple[str, str | None, str | None, tuple[str, ...]]:
    """(core, unit, scope, quoted terms) of a name as written."""
    text = "".join(nfkc(name).split())
    text = _NUMBERING.sub("", text).rstrip("。;；,，")
    unit = None
    while True:
        match = _UNIT_PAREN.search(text)
        if not match or not _UNIT_TEXT.match(match.group(1)):
            break
        unit = match.group(1) if unit is None else f"{match.group(1)}{unit}"
        text = text[: match.start()]
    quoted = tuple(dict.fromkeys(m.group(1) for m in _QUOTED.finditer(text))) if _has_quote(text) else ()
    text = _PUNCT.sub("", text.replace("_", ""))
    scope = None
    index = text.find("项目")
    if index >= 4 and len(text) - index - 2 >= 3:
        rest = text[index + 2:]
        scope = text[: index + 2]
        text = f"项目{rest}" if rest.startswith(_KEEP_AFTER_PROJECT) else rest
    return text, unit, scope, quoted


def normalize(name: str, lexicon: Lexicon) -> Normalized:
    """Split a regional name into scope, core and unit, and rewrite the core through the lexicon."""
    text, unit, scope, quoted = core_of(name)
    canonical = lexicon.canonicalize(text)
    name_kind = None
    for kind, heads in _NAME_KIND:
        if text.endswith(heads) or canonical.endswith(heads):
            name_kind = kind
            break
    if unit and name_kind is None:
        name_kind = "percent" if "%" in unit else "money" if "元" in unit else "count"
    return Normalized(
        name=name, core=text, canonical=canonical or text, unit=unit, scope=scope, quoted=quoted,
        qualifiers=frozenset(lexicon.qualifiers_in(text)),
        populations=frozenset(lexicon.populations_in(text)),
        actions=frozenset(lexicon.action_groups(text)), name_kind=name_kind,
    )


def normalize_all(names: list[str], lexicon: Lexicon) -> dict[str, Normalized]:
    """Normalize many names (each once)."""
    return {name: normalize(name, lexicon) for name in names}


def region_prefixes(region: str) -> list[str]:
    """How a region's own name can open an indicator name: 韶关市曲江区 -> 韶关市曲江区, 韶关市, 曲江区, 韶关, 曲江."""
    if region.startswith("?"):
        return []
    parts = [p for p in re.findall(r".+?(?:自治州|自治县|地区|省|市|州|县|区|旗|盟)", region) if len(p) >= 2]
    forms = {region, *parts}
    for part in (region, *parts):
        for suffix in _ADMIN:
            if part.endswith(suffix) and len(part) - len(suffix) >= 2:
                forms.add(part[: -len(suffix)])
                break
    return sorted(forms, key=len, reverse=True)


def without_unit(name: str) -> str:
    """A name as written, without its trailing unit parenthetical ("参保对象满意度（%）" -> "参保对象满意度")."""
    text = name.strip()
    while True:
        match = _UNIT_PAREN.search(text)
        if not match or not _UNIT_TEXT.match("".join(nfkc(match.group(1)).split())):
            return text.strip() or name
        text = text[: match.start()].rstrip()
