"""The CSV export carries each member's targets parsed into operator, number and a comparable unit."""

from __future__ import annotations

import csv
from pathlib import Path

from crosswalk_families import mapped_copy

from tui.cli import main


def test_csv_export_gains_parsed_target_columns(seeded: Path, tmp_path: Path, capsys) -> None:
    db, _ = mapped_copy(seeded, tmp_path)
    target = tmp_path / "m.csv"
    assert main(["export", "--db", str(db), "--format", "csv", "-o", str(target)]) == 0
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = {(row["region"], row["name"]): row for row in csv.DictReader(handle) if row["relation"] == "member"}
    parsed = {key: (row["targets"], row["target_operator"], row["target_value"], row["target_unit"])
              for key, row in rows.items()}
    assert parsed[("广州市", "系统故障排除响应及时性")] == ("≤60分钟", "≤", "1", "小时")
    assert parsed[("广州市", "城乡居民医保财政实际补助标准")] == ("≥700元", "≥", "0.07", "万元")
    assert parsed[("抚顺市", "参保人政策范围内住院费用报销比例")] == ("≤75%", "≤", "75", "%")
    assert parsed[("湛江市", "财政实际补助标准")] == ("国家规定标准", "", "", "")
    # several targets: the parsed columns follow the targets column's order; a cell starting with "=" is
    # written as text (a leading apostrophe) so that a spreadsheet does not run it as a formula
    assert parsed[("湛江市", "以常住人口数为基数计算的基本参保综合参保率(%)")] == ("95; 95%", "'=; =", "95; 95", "%; %")
    assert "wrote" in capsys.readouterr().out
