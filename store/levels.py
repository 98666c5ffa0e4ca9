"""The level-1 / level-2 vocabulary (财预〔2021〕101号, the older county framework, department tables).

Documents abbreviate and damage labels ("11-数量指标", "社会效益", "服务对象满意度指", "会公众满意度指",
"质重指标"); :func:`canonical` reads them back to the full form. :class:`LevelTracker` carries level 1/2
down merged cells and puts a level 2 under its own level 1 whatever the cell above says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from store.text import nfkc, squash

PROJECT_LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标", "可持续影响指标")
DEPARTMENT_LEVEL1 = ("履职效能", "预算执行", "管理效率", "运行成本", "社会效应", "可持续性")

# level 2 -> its level 1 in the project frameworks
LEVEL2_PARENT = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "社会公众满意度指标": "满意度指标",
    # the older central template's single satisfaction level 2, kept as printed
    "社会公众或服务对象满意度指标": "满意度指标",
}
# Labels that are a level 1 in one framework and a level 2 in another (older county tables file
# 成本指标 under 产出指标 and 可持续影响指标 under 效益指标, and write 满意度指标 › 满意度指标).
AMBIGUOUS_PARENT = {
    "成本指标": "产出指标",
    "可持续影响指标": "效益指标",
    "满意度指标": "满意度指标",
}

# Guangdong-style numeric codes: "1-产出指标; 11-数量指标".
LEVEL1_CODES = {"1": "产出指标", "2": "效益指标", "3": "满意度指标", "4": "成本指标"}
LEVEL2_CODES = {
    "11": "数量指标", "12": "质量指标", "13": "时效指标", "14": "成本指标",
    "21": "经济效益指标", "22": "社会效益指标", "23": "生态效益指标", "24": "可持续影响指标",
    "31": "服务对象满意度指标", "32": "社会公众满意度指标",
    "41": "经济成本指标", "42": "社会成本指标", "43": "生态环境成本指标",
}

ALL_LABELS = tuple(dict.fromkeys((*PROJECT_LEVEL1, *LEVEL2_PARENT, *AMBIGUOUS_PARENT)))
_CODE_PREFIX = re.compile(
    r"^(?:\d{1,2}\s*[-—.、．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])\s*"
)
# A score or weight printed in the label cell: 产出指标(50分), 效益指标（30 分）, 满意度指标(分值10), or cut: (50
_SCORE_SUFFIX = re.compile(r"[(（](?:分值|权重|满分)?[:：]?\d+(?:\.\d+)?[%％]?分?[)）]?$|\d+(?:\.\d+)?分$")
# Cores the template family prints in other words: 项目完成 / 项目效益 / 效果 (Sichuan and older county
# tables), 产出数量 / 产出质量 … (a level 2 that repeats its level 1).
_CORE_SYNONYMS = {
    "项目完成": "产出", "项目产出": "产出", "产出绩效": "产出", "项目效益": "效益", "效果": "效益",
    "产出数量": "数量", "产出质量": "质量", "产出时效": "时效", "产出成本": "成本",
}


@dataclass(frozen=True, slots=True)
class Label:
    """A recognised level label: its canonical text and whether the text was complete."""

    text: str
    exact: bool

    @property
    def is_level2_only(self) -> bool:
        return self.text in LEVEL2_PARENT

    @property
    def is_level1_only(self) -> bool:
        return self.text in ("产出指标", "效益指标") or self.text in DEPARTMENT_LEVEL1

    @property
    def is_ambiguous(self) -> bool:
        return self.text in AMBIGUOUS_PARENT


def _core(label: str) -> str:
    return label[:-2] if label.endswith("指标") else label


_CORES = {_core(label): label for label in ALL_LABELS}
# every piece of four or more characters of a label's core: a truncated label is one of these (the long
# older-template label is left out: its pieces would make the common ones ambiguous)
_TRUNCATABLE = {core: label for core, label in _CORES.items() if label != "社会公众或服务对象满意度指标"}
_CORE_PIECES = {core[i:j] for core in _TRUNCATABLE for i in range(len(core)) for j in range(i + 4, len(core) + 1)}


def _one_slip(core: str) -> str | None:
    """The one label whose core differs from ``core`` in exactly one character, if there is one."""
    if not 2 <= len(core) <= 9:
        return None
    hits = {label for known, label in _TRUNCATABLE.items()
            if len(known) == len(core) and sum(a != b for a, b in zip(known, core, strict=True)) == 1}
    return hits.pop() if len(hits) == 1 else None


@lru_cache(maxsize=65536)
def canonical(raw: str | None) -> Label | None:
    """Read a level label back to its canonical form, or None when the text is not a level label."""
    if not raw or len(raw) > 80:
        return None
    text = squash(nfkc(raw))
    if "<" in text:
        text = re.sub(r"</?[a-z]+>", "", text)
    text = _CODE_PREFIX.sub("", text)
    if not text:
        return None
    if text in ALL_LABELS:
        return Label(text, exact=True)
    if text in DEPARTMENT_LEVEL1:
        return Label(text, exact=True)
    if len(text) > 24:
        return None
    if ("(" in text or "（" in text or text[-1] == "分") and (bare := _SCORE_SUFFIX.sub("", text)) and bare != text:
        return canonical(bare)
    if text.endswith("等") and len(text) > 3:
        # template wording: "服务对象满意度指标等"
        return canonical(text[:-1])
    core = text
    complete = False
    for suffix in ("指标", "目标", "指"):
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            complete = suffix != "指"
            break
    core = _CORE_SYNONYMS.get(core, core)
    if core in _CORES:
        return Label(_CORES[core], exact=complete)
    if complete and text.endswith("指标") and (slip := _one_slip(core)) is not None:
        # an OCR slip in one character of a complete label: 质重指标, 数暈指标
        return Label(slip, exact=True)
    # Truncated at the front ("会公众满意度指"): a unique canonical core that ends with this text.
    if len(core) >= 4 and core in _CORE_PIECES:
        hits = [label for c, label in _TRUNCATABLE.items() if c.endswith(core) or c.startswith(core)]
        if len(hits) == 1:
            return Label(hits[0], exact=False)
    return None


def from_codes(level1_code: str | None, level2_code: str | None) -> tuple[str | None, str | None]:
    """Level labels from Guangdong-style numeric codes, for labels the OCR has garbled."""
    level2 = LEVEL2_CODES.get(level2_code or "")
    level1 = LEVEL1_CODES.get(level1_code or "") or (
        LEVEL1_CODES.get(level2_code[0]) if level2_code else None
    )
    return level1, level2


def parent_of(level2: str | None, level1: str | None) -> str | None:
    """The level 1 a level 2 belongs under; department-framework level 1s are kept as written."""
    if level2 is None:
        return level1
    if level1 is not None and level1 not in PROJECT_LEVEL1:
        return level1
    if level2 in LEVEL2_PARENT:
        return LEVEL2_PARENT[level2]
    if level2 in AMBIGUOUS_PARENT:
        parent = AMBIGUOUS_PARENT[level2]
        if level2 == "满意度指标":
            return "满意度指标"
        return parent
    return level1


class LevelTracker:
    """Carries level 1 and level 2 down a table whose merged cells leave them blank."""

    def __init__(self) -> None:
        self.level1: str | None = None
        self.level2: str | None = None
        self.level1_raw: str | None = None
        self.level2_raw: str | None = None

    def reset(self) -> None:
        self.level1 = self.level2 = self.level1_raw = self.level2_raw = None

    def set_level1(self, raw: str, label: Label | None) -> None:
        self.level1 = label.text if label else squash(raw)
        self.level1_raw = raw
        self.level2 = self.level2_raw = None

    def set_level2(self, raw: str, label: Label | None) -> None:
        self.level2 = label.text if label else squash(raw)
        self.level2_raw = raw
        self.level1 = parent_of(self.level2, self.level1)

    def update(self, labels: list[str]) -> None:
        """Apply the level cells found before a row's name, left to right."""
        if not labels:
            return
        recognised = [canonical(raw) for raw in labels]
        if len(labels) >= 2:
            first, second = recognised[0], recognised[1]
            if first is not None and first.is_level2_only:
                # a garbled repeat of the merged level-2 cell ("数量指标 | 数量指标")
                self.set_level2(labels[-1], recognised[-1])
                return
            if first is not None and first.text == "可持续影响指标" and self.level1 == "效益指标" and (
                second is None or second.text != "可持续影响指标"
            ):
                self.set_level2(labels[0], first)
                return
            self.set_level1(labels[0], first)
            self.set_level2(labels[1], second)
            return
        raw, label = labels[0], recognised[0]
        if label is None:
            # an unknown label in the level-2 column (department frameworks write their own)
            self.set_level2(raw, None)
        elif label.is_level1_only:
            self.set_level1(raw, label)
        elif label.is_level2_only:
            self.set_level2(raw, label)
        elif label.text == "满意度指标":
            if self.level1 == "满意度指标" and self.level2 is None:
                # "满意度指标 | 满意度指标" written as two cells of a table read cell by cell
                self.level2, self.level2_raw = label.text, raw
            else:
                self.set_level1(raw, label)
        else:
            # 成本指标 / 可持续影响指标 alone: a level 2 of the older framework
            if self.level1 in DEPARTMENT_LEVEL1:
                self.set_level2(raw, label)
            else:
                self.level1 = AMBIGUOUS_PARENT[label.text]
                self.level2 = label.text
                self.level2_raw = raw

    @property
    def current(self) -> tuple[str | None, str | None]:
        return self.level1, self.level2
