"""Domain objects: documents, records, indicators and their parsed targets.

Vocabulary kept in Chinese where English loses meaning: ``level1`` is 一级指标, ``level2`` is 二级指标 and
an indicator's ``name`` is its 三级指标; ``period_value`` is the 实施周期/中期 target and ``annual_value``
the 年度 target.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def where_in_file(line: int | None, location: str | None) -> str:
    """Where something is in its file, as a reader finds it: a location in a spreadsheet, Word or PDF file,
    else the line of a text file."""
    return location or f"line {line}"


@dataclass(frozen=True, slots=True)
class Target:
    """A target value read into operator / number / unit, or kept as qualitative text."""

    raw: str
    kind: str  # percent | count | money | time | date | qualitative
    operator: str | None = None  # ≥ ≤ > < =
    number: float | None = None  # in the base unit: 10万人 -> 100000 人, 500亿元 -> 5e10 元
    unit: str | None = None
    qualifier: str | None = None  # text around the number ("计划购置数量" in "≥计划购置数量90%")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One 三级指标 with its place in the tree and its targets."""

    level1: str | None
    level2: str | None
    name: str
    period_value: str | None
    annual_value: str | None
    line: int = 0
    raw: str = ""
    level1_raw: str | None = None
    level2_raw: str | None = None
    actual_value: str | None = None  # 实际完成值: the outcome a self-evaluation table (自评表) reports
    location: str | None = None  # where in a spreadsheet, Word or PDF file ("sheet 表1 row 12"); text has lines

    @property
    def where(self) -> str:
        return where_in_file(self.line, self.location)

    @property
    def period_target(self) -> Target | None:
        """The period value read into operator / number / unit (derived, not stored)."""
        from store.targets import parse_target

        return parse_target(self.period_value)

    @property
    def annual_target(self) -> Target | None:
        from store.targets import parse_target

        return parse_target(self.annual_value)

    def as_json(self) -> dict[str, Any]:
        return {
            "level1": self.level1,
            "level2": self.level2,
            "name": self.name,
            "period_value": self.period_value,
            "annual_value": self.annual_value,
            "actual_value": self.actual_value,
            "line": self.line,
            "raw": self.raw,
            "level1_raw": self.level1_raw,
            "level2_raw": self.level2_raw,
            "period_target": self.period_target.as_json() if self.period_target else None,
            "annual_target": self.annual_target.as_json() if self.annual_target else None,
        } | ({"location": self.location} if self.location is not None else {})


@dataclass(frozen=True, slots=True)
class Record:
    """A project (项目/政策) or a department-wide (部门整体) table and its indicators."""

    kind: str  # "project" | "department"
    name: str
    unit: str | None
    code: str | None
    amount_wan: float | None
    indicators: tuple[Indicator, ...] = ()
    goal: str | None = None
    line: int = 0
    location: str | None = None

    @property
    def where(self) -> str:
        return where_in_file(self.line, self.location)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "unit": self.unit,
            "code": self.code,
            "amount_wan": self.amount_wan,
            "indicators": [indicator.as_json() for indicator in self.indicators],
            "goal": self.goal,
            "line": self.line,
        } | ({"location": self.location} if self.location is not None else {})


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the reader could not read, with the line it is on."""

    line: int
    message: str
    location: str | None = None

    @property
    def where(self) -> str:
        return where_in_file(self.line, self.location)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"line": self.line, "message": self.message}
        if self.location is not None:
            data["location"] = self.location
        return data


@dataclass(frozen=True, slots=True)
class Document:
    """One published table set: one region, one supervising department, one budget year."""

    source: str
    layout: str
    region: str | None
    department: str | None
    year: int | None
    records: tuple[Record, ...] = ()
    warnings: tuple[ParseWarning, ...] = field(default=())

    @property
    def indicator_count(self) -> int:
        return sum(len(record.indicators) for record in self.records)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "region": self.region,
            "department": self.department,
            "year": self.year,
            "layout": self.layout,
            "records": [record.as_json() for record in self.records],
            "warnings": [warning.as_json() for warning in self.warnings],
        }
