"""Small documents written for a test: one project per region, in the department+projects layout."""

from __future__ import annotations

from pathlib import Path


def write_document(folder: Path, region: str, rows: list[tuple[str, str, str, str]]) -> Path:
    """A one-project 绩效目标表 of ``region`` with (level1, level2, name, value) indicator rows."""
    lines = ["2025年市级项目支出绩效目标表", "", "项目名称\t档案管理经费\t\t\t\t",
             f"主管部门\t[054]{region}档案局\t\t用款单位\t{region}档案局\t",
             "预算金额\t总金额（万元）\t10\t当年度金额（万元）\t10\t",
             "绩效指标\t一级指标\t二级指标\t三级指标\t实施周期指标值\t当年度指标值"]
    lines += [f"\t{level1}\t{level2}\t{name}\t{value}\t{value}" for level1, level2, name, value in rows]
    path = folder / f"{region}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
