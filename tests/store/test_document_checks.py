"""Nothing a document holds vanishes silently: rows that read like indicators but belong to no project,
duplicated rows and records, a last table that stops early — each is a warning naming the lines."""

from __future__ import annotations

import pytest
from conftest import SEEDS, seed_paths

from store.readers import read_path, read_text

JINZHAI = SEEDS / "001_e1b7c9f5eafb4d0b.txt"
FUSHUN = SEEDS / "004_abee6ec0de6ec728.txt"


def _without(path, starting: str, occurrence: int = 0) -> tuple[str, int]:
    """The document's text without one line (the ``occurrence``-th that starts with ``starting``) and the
    number that line had."""
    lines = path.read_text(encoding="utf-8").split("\n")
    numbers = [i for i, line in enumerate(lines) if line.startswith(starting)]
    index = numbers[occurrence]
    return "\n".join(lines[:index] + lines[index + 1:]), index + 1


@pytest.mark.parametrize(("path", "starting", "occurrence"), [
    (JINZHAI, "项目名称", 0),  # the project's name line: its 17 indicators have no project
    (JINZHAI, "绩效指标\t一级指标", 3),  # a table header line
    (FUSHUN, "项目(政策)名称", 6),  # 抚顺's 12-indicator project of 2,208 万元 lost its name line
    (FUSHUN, "绩效指标\t一级指标", 2),
])
def test_indicator_rows_that_belong_to_no_project_are_warned_about_by_line(path, starting, occurrence) -> None:
    whole = read_path(path)
    text, removed = _without(path, starting, occurrence)
    damaged = read_text(text, path.name)
    lost = whole.indicator_count - damaged.indicator_count
    assert lost > 0
    warnings = [w for w in damaged.warnings if "belong to no project" in w.message]
    assert len(warnings) == 1
    warning = warnings[0]
    rows = int(warning.message.split(": ")[1].split(" rows")[0])
    first, last = (int(n) for n in warning.message.split(":")[0].removeprefix("lines ").split("-"))
    assert rows == lost and first >= removed - 1 and last - first + 1 >= rows - 1


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_complete_documents_get_none_of_these_warnings(path) -> None:
    document = read_path(path)
    assert not [w for w in document.warnings
                if "belong to no project" in w.message or "twice" in w.message or "stops after" in w.message]


def test_a_row_listed_twice_is_warned_about() -> None:
    lines = JINZHAI.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if "基金累计结余占筹集基金总额的比重" in line)
    text = "\n".join([*lines[: index + 1], lines[index], *lines[index + 1:]])
    warnings = [w for w in read_text(text, JINZHAI.name).warnings if "twice" in w.message]
    assert len(warnings) == 1 and warnings[0].line == index + 2
    assert f"line {index + 1}" in warnings[0].message


def test_a_project_listed_twice_is_warned_about() -> None:
    text = JINZHAI.read_text(encoding="utf-8")
    start = text.index("# 项目支出绩效目标申报表")
    second = text.index("# 项目支出绩效目标申报表", start + 1)
    doubled = text[:second] + text[start:second] + text[second:]
    document = read_text(doubled, JINZHAI.name)
    warnings = [w for w in document.warnings if "same project" in w.message]
    assert len(warnings) == 1 and "城乡医疗救助" in warnings[0].message


def test_a_document_cut_inside_its_last_table_says_so() -> None:
    lines = JINZHAI.read_text(encoding="utf-8").split("\n")
    last_effect = max(i for i, line in enumerate(lines) if "效益指标" in line)
    cut = "\n".join(lines[:last_effect]) + "\n"  # ends on a whole line, before the last 效益 and 满意度 rows
    document = read_text(cut, JINZHAI.name)
    warnings = [w for w in document.warnings if "cut off" in w.message]
    assert len(warnings) == 1 and "满意度指标" in warnings[0].message
