"""Mirror copies: pinyin glosses dropped, traditional characters converted, ordinary brackets left alone."""

from __future__ import annotations

from store.readers import simplified
from store.text import drop_pinyin_glosses, looks_traditional, to_simplified


def test_glosses_after_characters_are_dropped() -> None:
    assert drop_pinyin_glosses("項(xiàng)目名稱(chēng)") == "項目名稱"
    assert drop_pinyin_glosses("產（chǎn）出指標(biāo)") == "產出指標"


def test_untoned_glosses_go_only_in_a_glossed_text() -> None:
    glossed = "項(xiàng)目(mù)名稱(chēng)的(de)資金"
    assert drop_pinyin_glosses(glossed) == "項目名稱的資金"
    assert drop_pinyin_glosses("面积(m) 长度(km) 数量(de)") == "面积(m) 长度(km) 数量(de)"


def test_brackets_that_are_not_pinyin_stay() -> None:
    text = "项(xiàng)目(mù)名(míng) 用药(mg) 经费(万元) 指标(50分) 比例(%) 网络(5G) 单位(km)"
    assert drop_pinyin_glosses(text) == "项目名 用药(mg) 经费(万元) 指标(50分) 比例(%) 网络(5G) 单位(km)"


def test_traditional_text_is_converted_and_simplified_text_left_as_it_is() -> None:
    assert looks_traditional("績效指標") and not looks_traditional("绩效指标")
    assert to_simplified("二等乙級以上傷殘軍人醫療費") == "二等乙级以上伤残军人医疗费"
    plain = "显著提升了民办幼儿园的扶持力度\n第二行"
    assert simplified(plain) is plain


def test_a_mirror_copy_keeps_its_lines() -> None:
    text = "項(xiàng)目名稱(chēng)\n|\n二等乙級(jí)以上傷殘軍人醫(yī)療費(fèi)\n|\n"
    assert simplified(text) == "项目名称\n|\n二等乙级以上伤残军人医疗费\n|\n"
