"""Files laid out as offices lay out the template, in variants the text-derived fixtures do not have (a 自评表
sheet with merged cells, saved as GBK CSV too; a Word 申报表 with its header block in a table of its own, also
in traditional characters; a PDF whose table runs over two pages), read as the records they were written from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from store.readers.files import read_file
from tui.cli import main

VARIANTS = ROOT / "fixtures" / "formats" / "variants"
GOLD = Path(__file__).resolve().parent.parent / "gold" / "file-variants"
FILES = sorted(path.name for path in VARIANTS.iterdir() if path.suffix != ".py")
RECORD_FIELDS = ("kind", "name", "unit", "code", "amount_wan")
INDICATOR_FIELDS = ("level1", "level2", "name", "period_value", "annual_value", "actual_value")


def as_gold(document: dict) -> dict:
    """The parts of a document's JSON the description it was written from fixes."""
    return {
        "region": document["region"], "department": document["department"], "year": document["year"],
        "records": [{**{key: record[key] for key in RECORD_FIELDS},
                     "indicators": [{key: i[key] for key in INDICATOR_FIELDS} for i in record["indicators"]]}
                    for record in document["records"]],
    }


def test_every_variant_has_its_expected_records() -> None:
    assert len(FILES) >= 6 and sorted(path.name[: -len(".json")] for path in GOLD.glob("*.json")) == FILES


@pytest.mark.parametrize("name", FILES)
def test_variant_reads_as_written(name: str) -> None:
    [document] = read_file(VARIANTS / name)
    assert as_gold(document.as_json()) == json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))
    assert document.layout == "general" and not document.warnings


def test_a_row_the_page_end_breaks_is_one_indicator_and_the_rows_after_it_are_on_page_two() -> None:
    [document] = read_file(VARIANTS / "table-over-two-pages.pdf")
    indicators = document.records[0].indicators
    long = next(i for i in indicators if i.name.startswith("工程验收合格率"))
    assert long.name.endswith("报市级抽查") and long.annual_value == "100%" and long.location.startswith("page 1 ")
    after = indicators[indicators.index(long) + 1:]
    assert after and all(i.location.startswith("page 2 ") for i in after)
    assert [(i.level1, i.level2) for i in after[:2]] == [("产出指标", "质量指标"), ("产出指标", "时效指标")]


def test_a_folder_of_variants_imports(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "下载"
    folder.mkdir()
    for name in FILES:
        shutil.copy(VARIANTS / name, folder / name)
    assert main(["import", str(folder), "--db", str(tmp_path / "ws.db")]) == 0
    out = capsys.readouterr().out
    assert f"total: {len(FILES)} imported" in out and "0 failed" in out
    assert all(f"✓ {name}  " in out for name in FILES)
