"""Level labels as the template family prints them, read back to the canonical levels (DESIGN §1, §2a)."""

from __future__ import annotations

import pytest

from store.levels import LevelTracker, canonical


@pytest.mark.parametrize(("printed", "level"), [
    ("项目完成指标", "产出指标"), ("项目完成", "产出指标"), ("产出目标", "产出指标"), ("产出绩效", "产出指标"),
    ("产出指标(50分)", "产出指标"), ("产出指标（50 分）", "产出指标"), ("产出指标(50", "产出指标"),
    ("一、产出指标", "产出指标"), ("（二）效益指标", "效益指标"), ("项目效益指标", "效益指标"),
    ("效果指标", "效益指标"), ("效益指标(30分)", "效益指标"), ("满意度指标(分值10)", "满意度指标"),
    ("产出数量", "数量指标"), ("数量目标", "数量指标"), ("产出质量", "质量指标"), ("时效目标", "时效指标"),
    ("经济效益 指标", "经济效益指标"), ("服务对象满意度指标等", "服务对象满意度指标"),
    ("社会公众或服务对象满意度指标", "社会公众或服务对象满意度指标"), ("服务对象满", "服务对象满意度指标"),
])
def test_printed_variants_read_as_the_canonical_level(printed: str, level: str) -> None:
    label = canonical(printed)
    assert label is not None and label.text == level


@pytest.mark.parametrize("text", ["年度目标", "总体目标", "绩效目标", "意度指标", "资金到位率", "(50分"])
def test_other_words_are_not_levels(text: str) -> None:
    assert canonical(text) is None


def test_the_older_satisfaction_level_2_sits_under_satisfaction() -> None:
    tracker = LevelTracker()
    tracker.update(["效益指标"])
    tracker.update(["可持续影响指标"])
    assert tracker.current == ("效益指标", "可持续影响指标")
    tracker.update(["社会公众或服务对象满意度指标"])
    assert tracker.current == ("满意度指标", "社会公众或服务对象满意度指标")


def test_plain_satisfaction_twice_is_level_1_and_level_2() -> None:
    tracker = LevelTracker()
    tracker.update(["满意度指标"])
    tracker.update(["满意度指标"])
    assert tracker.current == ("满意度指标", "满意度指标")
