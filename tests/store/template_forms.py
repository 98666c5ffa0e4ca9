"""Expected records written back out as a template-family table in the forms users bring: tab rows,
pipe rows, markdown, runs of spaces, one cell per line (with or without pipes between), cells run
together, a traditional-character mirror with pinyin glosses, OCR output with a space between every
character. Reading any form must give the same records."""

from __future__ import annotations

import random
import re
from functools import cache

import opencc

FORMS = ("tabs", "pipes", "markdown", "spaces", "cell-per-line", "bare-pipes", "run-together", "traditional",
         "ocr-spaced")

# level labels as other provinces print them (DESIGN §2a): the reader must read them back
LABEL_VARIANTS = {
    "产出指标": ("产出指标", "产出指标(50分)", "项目完成指标", "产出目标", "一、产出指标"),
    "效益指标": ("效益指标", "效益指标（30分）", "项目效益指标", "效果指标", "效益目标"),
    "满意度指标": ("满意度指标", "满意度指标(10分)", "满意度目标"),
    "数量指标": ("数量指标", "数量目标", "数量指标"),
    "社会效益指标": ("社会效益指标", "社会效益指标", "社会效益目标"),
}
_GLOSSES = ("xiàng", "mù", "zhǐ", "biāo", "jí", "shù", "liàng", "zhì", "xiào", "yì", "mǎn", "dù")


def _cells_of(document: dict, rng: random.Random, yuan: bool) -> list[list[str]]:
    """The table rows of a document: a header block and an indicator table per record."""
    rows: list[list[str]] = []
    year = document.get("year")
    rows.append([f"{year}年度项目支出绩效目标表" if year else "项目支出绩效目标表"])
    for record in document["records"]:
        rows.append(["项目名称", record["name"]])
        organisation = []
        if document.get("department"):
            organisation += ["主管部门", f"[{rng.randint(1, 999):03d}]{document['department']}"]
        if record.get("unit"):
            organisation += ["实施单位", record["unit"]]
        if organisation:
            rows.append(organisation)
        amount = record.get("amount_wan")
        if amount is not None:
            figure = f"{amount * 10000:.2f}" if yuan else f"{amount:g}"
            rows.append(["项目资金（元）" if yuan else "项目资金（万元）", "年度资金总额", figure])
        rows.append(["一级指标", "二级指标", "三级指标", "指标值"])
        previous1 = previous2 = None
        for indicator in record["indicators"]:
            level1, level2 = indicator["level1"], indicator["level2"]
            first = rng.choice(LABEL_VARIANTS.get(level1, (level1,))) if level1 != previous1 else ""
            second = (rng.choice(LABEL_VARIANTS.get(level2, (level2,)))
                      if level2 != previous2 or first else "")
            rows.append([first, second, indicator["name"], indicator["annual_value"] or ""])
            previous1, previous2 = level1, level2
    return rows


@cache
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _traditional(text: str, rng: random.Random) -> str:
    """A mirror copy: traditional characters, and a pinyin gloss after some of them."""
    converted = _to_traditional().convert(text)
    out = []
    for char in converted:
        out.append(char)
        if "\u4e00" <= char <= "\u9fff" and rng.random() < 0.3:
            out.append(f"({rng.choice(_GLOSSES)})")
    return "".join(out)


def render(document: dict, form: str, seed: int = 0, yuan: bool = False) -> str:
    """The document's records printed as a table in one of FORMS."""
    rng = random.Random(seed)
    rows = _cells_of(document, rng, yuan)
    if form == "tabs":
        return "\n".join("\t".join(row) for row in rows) + "\n"
    if form == "pipes":
        return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"
    if form == "markdown":
        lines = []
        for row in rows:
            lines.append("| " + " | ".join(row) + " |")
            if row[:1] == ["一级指标"]:
                lines.append("|" + "---|" * len(row))
        return "\n".join(lines) + "\n"
    if form == "spaces":
        return "\n".join("    ".join(cell for cell in row if cell) for row in rows) + "\n"
    if form == "cell-per-line":
        return "\n".join(cell for row in rows for cell in row if cell) + "\n"
    if form == "bare-pipes":
        return "\n|\n".join(cell for row in rows for cell in row) + "\n|\n"
    if form == "run-together":
        return "\n".join("".join(row) if row[:1] != ["项目名称"] else "项目名称:" + row[1] for row in rows) + "\n"
    if form == "ocr-spaced":
        return "\n".join("  ".join(" ".join(cell.replace(" ", "")) for cell in row if cell) for row in rows) + "\n"
    if form == "traditional":
        return _traditional(render(document, "pipes", seed, yuan), rng)
    raise ValueError(form)


_GRAMMAR_VALUE = re.compile(r"^(?:[≥≤<>=]|\d)|^(?:有效|长期|稳步提高|明显提升|显著提升|及时)$")


def runs_together_cleanly(document: dict) -> bool:
    """Whether every value of a document is one the value grammar can cut off a name it runs into
    (a long sentence run into its name cannot be told apart by anyone)."""
    return all(indicator["annual_value"] is None or _GRAMMAR_VALUE.match(indicator["annual_value"])
               for record in document["records"] for indicator in record["indicators"])
