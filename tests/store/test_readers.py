"""Records out of the real seed documents, and out of the variants other regions publish."""

from __future__ import annotations

import json

import pytest
from conftest import comparable, gold_for, seed_paths
from variants import gb18030_crlf, half_width, other_region, shuffled_blocks

from store.readers import detect_layout, read_bytes, read_path, read_text
from tui.cli import main

SEEDS = {path.stem: path for path in seed_paths()}
LAYOUTS = {
    "000_1dc01b27c551b5e1": "packed",
    "001_e1b7c9f5eafb4d0b": "side-by-side",
    "002_034170035030169e": "department+projects",
    "003_039fe6756c664a99": "markdown",
    "004_abee6ec0de6ec728": "approval-book",
}


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_seed_reads_exactly_the_hand_checked_records(stem: str) -> None:
    document = read_path(SEEDS[stem]).as_json()
    gold = gold_for(stem)
    assert (document["region"], document["department"], document["year"]) == (
        gold["region"], gold["department"], gold["year"])
    assert comparable(document) == comparable(gold)


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_layout_is_detected_from_content_not_file_name(stem: str, tmp_path) -> None:
    renamed = tmp_path / "2025年预算.txt"
    renamed.write_bytes(SEEDS[stem].read_bytes())
    assert detect_layout(renamed.read_text(encoding="utf-8")) == LAYOUTS[stem]
    assert read_path(renamed).layout == LAYOUTS[stem]


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_gb18030_with_crlf_reads_the_same(stem: str) -> None:
    text = SEEDS[stem].read_text(encoding="utf-8")
    assert comparable(read_bytes(gb18030_crlf(text), "x.txt").as_json()) == comparable(gold_for(stem))


@pytest.mark.parametrize("stem", sorted(SEEDS))
def test_half_width_punctuation_reads_the_same(stem: str) -> None:
    text = SEEDS[stem].read_text(encoding="utf-8")
    assert comparable(read_text(half_width(text), "x.txt").as_json()) == comparable(gold_for(stem))


@pytest.mark.parametrize(("stem", "old", "new", "region"), [
    ("000_1dc01b27c551b5e1", "广州", "深圳", "深圳市"),
    ("001_e1b7c9f5eafb4d0b", "金寨", "霍邱", "霍邱县"),
    ("002_034170035030169e", "湛江", "茂名", "茂名市"),
    ("003_039fe6756c664a99", "曲江", "浈江", "韶关市浈江区"),
    ("004_abee6ec0de6ec728", "抚顺", "本溪", "本溪市"),
])
def test_another_region_in_the_same_layout(stem: str, old: str, new: str, region: str) -> None:
    text = other_region(SEEDS[stem].read_text(encoding="utf-8"), old, new)
    document = read_text(text, "x.txt").as_json()
    gold = json.loads(json.dumps(gold_for(stem), ensure_ascii=False).replace(old, new))
    assert document["region"] == region
    assert comparable(document) == comparable(gold)


@pytest.mark.parametrize(("stem", "marker"), [
    ("001_e1b7c9f5eafb4d0b", "项目名称"),
    ("002_034170035030169e", "项目名称"),
    ("004_abee6ec0de6ec728", "# 部门预算项目"),
])
def test_blocks_in_another_order_read_the_same_records(stem: str, marker: str) -> None:
    text = shuffled_blocks(SEEDS[stem].read_text(encoding="utf-8"), marker)
    got = sorted(map(repr, comparable(read_text(text, "x.txt").as_json())))
    assert got == sorted(map(repr, comparable(gold_for(stem))))


def test_parse_json_of_several_files_is_a_list(capsys) -> None:
    paths = [str(p) for p in seed_paths()[:2]]
    assert main(["parse", *paths, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [d["source"] for d in payload] == [p.rsplit("/", 1)[-1] for p in paths]


def test_parse_json_has_the_documented_shape(capsys) -> None:
    assert main(["parse", str(SEEDS["000_1dc01b27c551b5e1"]), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {"source", "region", "department", "year", "records", "warnings"} <= set(document)
    record = document["records"][0]
    assert {"kind", "name", "unit", "code", "amount_wan", "indicators"} <= set(record)
    indicator = record["indicators"][0]
    assert {"level1", "level2", "name", "period_value", "annual_value", "line", "raw"} <= set(indicator)
    assert all({"line", "message"} == set(w) for w in document["warnings"])
    assert record["goal"] and record["line"] == 8


def test_packed_cell_damage_becomes_warnings_with_lines() -> None:
    document = read_path(SEEDS["000_1dc01b27c551b5e1"])
    messages = {(w.line, w.message) for w in document.warnings}
    assert any(line == 55 and "unreadable" in message for line, message in messages)
    assert any(line == 34 and "orphan fragment" in message for line, message in messages)
    assert any("cut off" in message for _line, message in messages)


def test_every_indicator_and_record_knows_its_line_and_raw_text() -> None:
    for path in seed_paths():
        document = read_path(path)
        lines = path.read_text(encoding="utf-8").split("\n")
        for record in document.records:
            assert record.line >= 1
            for indicator in record.indicators:
                assert indicator.line >= 1 and indicator.raw
                assert indicator.raw.replace(" ", "")[:4] in lines[indicator.line - 1].replace(" ", "")
