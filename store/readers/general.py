"""Layout "general": any table of the 预算绩效目标表 template family that no specific reader takes.

It finds the indicator table(s) by their header words (一级指标 · 二级指标 · 三级指标 · 指标值 …),
reads the block above each table for the project's fields, and reads the rows by the level vocabulary
and the value grammar, whatever holds the cells apart (tabs, pipes, spaces, one cell per line, nothing).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from store.levels import canonical
from store.model import Document, Indicator, ParseWarning, Record
from store.readers.common import ReadError, most_common
from store.readers.fields import Fields, fallback_unit, read_fields
from store.readers.stream import Token, read_stream
from store.readers.table import (
    Columns,
    TableResult,
    flattened,
    holds_no_row,
    read_flattened,
    read_rows,
    split_run_together,
)
from store.readers.vocabulary import HEADER_WORDS, LEVEL1, LEVEL2, LEVEL3, VALUE_KINDS, header_kind
from store.text import nfkc, short_region, squash

NAME = "general"

_NAME_WORDS = ("三级指标", "指标名称", "指标内容")
_BESIDE_WORDS = ("一级指标", "二级指标", "指标值")
_WINDOW = 300
_MAX_LOOKS = 50
_YEAR_OF_TABLE = re.compile(r"((?:19|20)\d{2})\s*年度|年度[:：]\s*((?:19|20)\d{2})(?!\d)")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_WORDS = ("绩效", "目标表", "自评表", "申报表", "预算")


def _near(text: str, word: str, beside: tuple[str, ...], window: int) -> bool:
    """Whether ``word`` occurs with one of ``beside`` within ``window`` characters (a few looks at most)."""
    start = text.find(word)
    looks = 0
    while start >= 0 and looks < _MAX_LOOKS:
        around = text[max(0, start - window):start + len(word) + window]
        if any(other in around for other in beside):
            return True
        start = text.find(word, start + 1)
        looks += 1
    return False


def detect(text: str) -> bool:
    """Whether a document holds an indicator table: a 三级指标 header word beside a level or value header,
    or a level-1 label with a level-2 label after it (cheap: substring searches in a window)."""
    head = text[:200_000]
    compact = head.replace(" ", "").replace("\u3000", "") if " " in head or "\u3000" in head else ""
    for candidate in (text, compact):
        if any(_near(candidate, word, _BESIDE_WORDS, _WINDOW) for word in _NAME_WORDS):
            return True
        if _near(candidate, "产出指标", ("数量指标", "质量指标", "时效指标"), 60):
            return True
    return False


@dataclass(slots=True)
class _HeaderRun:
    start: int
    end: int
    kinds: tuple[str, ...]


@lru_cache(maxsize=4096)
def _segment(text: str) -> tuple[str, ...] | None:
    """A header row whose cells ran together ("绩效指标一级指标二级指标指标内容指标值") cut into its words."""
    if len(text) > 120 or "指标" not in text:
        return None
    compact = squash(nfkc(text))
    if len(compact) > 80 or not any(word in compact for word in ("一级指标", "二级指标", "三级指标", "指标名称",
                                                                   "指标内容")):
        return None
    words: list[str] = []
    position = 0
    while position < len(compact):
        word = next((w for w in HEADER_WORDS if compact.startswith(w, position)), None)
        if word is None:
            return None
        words.append(word)
        position += len(word)
    return tuple(words) if len(words) >= 2 else None


def _header_runs(tokens: list[Token]) -> tuple[list[Token], list[_HeaderRun]]:
    """Runs of header cells that announce an indicator table: they name the 三级指标 column, or levels
    and a value column. Each cell's header kind is looked up once ("" for an empty cell, which a run
    passes over)."""
    expanded: list[Token] = []
    kinds_at: list[str | None] = []
    for token in tokens:
        if token.empty:
            expanded.append(token)
            kinds_at.append("")
            continue
        kind = header_kind(token.text)
        words = _segment(token.text) if kind is None else None
        if words:
            expanded.extend(Token(word, token.line, token.row, token.spaced) for word in words)
            kinds_at.extend(header_kind(word) for word in words)
        else:
            expanded.append(token)
            kinds_at.append(kind)
    runs: list[_HeaderRun] = []
    index = 0
    count = len(expanded)
    while index < count:
        if not kinds_at[index]:
            index += 1
            continue
        start = index
        kinds: list[str] = []
        while index < count and (kind := kinds_at[index]) is not None:
            if kind:
                kinds.append(kind)
            index += 1
        levels = LEVEL1 in kinds or LEVEL2 in kinds
        if LEVEL3 in kinds or (levels and any(k in VALUE_KINDS for k in kinds)):
            runs.append(_HeaderRun(start, index, tuple(kinds)))
    return expanded, runs


def _headerless_table(tokens: list[Token]) -> _HeaderRun | None:
    """A table printed without its header row: it starts at a level-1 label followed by a level-2 label."""
    for index in range(len(tokens) - 1):
        if "指标" not in tokens[index].text:
            continue
        first, second = canonical(tokens[index].text), canonical(tokens[index + 1].text)
        if first and first.exact and first.is_level1_only and second and second.exact and second.is_level2_only:
            return _HeaderRun(index, index, ())
    return None


@dataclass
class _Draft:
    """One record being assembled: its fields and the indicators of its table(s)."""

    fields: Fields
    tables: list[TableResult] = field(default_factory=list)
    periods: list[bool] = field(default_factory=list)  # per table: announced as the 中期 (period) targets
    line: int = 0


def _announces_period(before: list[Token]) -> bool:
    """Whether the words just above a table say it holds the 中期 / 实施期 targets, not the year's."""
    return any(("中期" in t.text or "实施期" in t.text or "周期" in t.text) and "年度" not in t.text
               for t in before[-6:])


def _indicators(draft: _Draft) -> list[Indicator]:
    """A record's indicators; a 中期 table and a 年度 table printed one after the other are paired by
    name into period and annual values."""
    if len(draft.tables) < 2 or not any(draft.periods) or all(draft.periods):
        return [indicator for table in draft.tables for indicator in table.indicators]
    period = {squash(i.name): i for table, flag in zip(draft.tables, draft.periods, strict=True) if flag
              for i in table.indicators}
    out: list[Indicator] = []
    for table, flag in zip(draft.tables, draft.periods, strict=True):
        if flag:
            continue
        for indicator in table.indicators:
            half = period.pop(squash(indicator.name), None)
            out.append(replace(indicator, period_value=half.annual_value) if half else indicator)
    out.extend(replace(i, period_value=i.annual_value, annual_value=None) for i in period.values())
    return out


def _one_cell_per_row(body: list[Token]) -> bool:
    """Whether a table was copied one cell per line (rows of one cell, even after cutting run-together
    cells): then a value on the line after its name is still that name's."""
    if len(body) < 4:
        return False
    cells_per_row = Counter(token.row for token in body if not token.empty)
    rows = len(cells_per_row)
    return rows >= 4 and sum(1 for count in cells_per_row.values() if count == 1) * 4 >= rows * 3


def _year(tokens: list[Token]) -> int | None:
    """The budget year from the title: "(2021年度)", else a year in a short title line."""
    for token in tokens:
        match = _YEAR_OF_TABLE.search(nfkc(token.text))
        if match:
            return int(match.group(1) or match.group(2))
    for token in tokens:
        text = nfkc(token.text)
        if len(text) <= 60 and any(word in text for word in _TITLE_WORDS):
            match = _YEAR_IN_TITLE.search(text)
            if match:
                return int(match.group(1))
    return None


def _read_table(body: list[Token], kinds: tuple[str, ...], cell_per_line: bool, lines: list[str]
                ) -> tuple[TableResult, int]:
    """One table body read in order, or as a flattened table when that reads more of it."""
    if holds_no_row(body):
        return TableResult(), len(body)
    columns = Columns.from_header(kinds)
    result, end = read_rows(body, columns, cell_per_line, lines)
    if flattened(body[:end]):
        scattered = list(dict.fromkeys(k for t in body[:end] if not t.empty and (k := header_kind(t.text)) is not None))
        alternative = read_flattened(body[:end], Columns.from_header([*kinds, *scattered]), lines)
        if alternative.quality > result.quality:
            result = alternative
    return result, end


def read(text: str, source: str) -> Document:
    stream = read_stream(text)
    tokens, runs = _header_runs(stream.tokens)
    if not runs:
        headerless = _headerless_table(tokens)
        if headerless is None:
            raise ReadError("no known layout: no indicator table (一级指标 · 二级指标 · 三级指标) found")
        runs = [headerless]
    warnings: list[ParseWarning] = []
    drafts: list[_Draft] = []
    block = tokens[:runs[0].start]
    draft = _Draft(read_fields(block, stream.cell_per_line))
    year = _year(block)
    leftovers: list[Token] = []
    before = block
    for number, run in enumerate(runs):
        end_of_body = runs[number + 1].start if number + 1 < len(runs) else len(tokens)
        body = tokens[run.end:end_of_body]
        if holds_no_row(body):
            # a header repeated over template words only (a page break, a copy gone wrong): no row to read
            result, stop = TableResult(), len(body)
        else:
            body = split_run_together(body, stream.cell_per_line)
            cell_per_line = stream.cell_per_line or _one_cell_per_row(body)
            result, stop = _read_table(body, run.kinds, cell_per_line, stream.lines)
        if not draft.line:
            draft.line = tokens[run.start].line if run.start < len(tokens) else 0
        draft.tables.append(result)
        draft.periods.append(_announces_period(before))
        leftovers.extend(result.unplaced)
        rest = before = body[stop:]
        if rest:
            following = read_fields(rest, stream.cell_per_line)
            if following.name is not None:
                drafts.append(draft)
                draft = _Draft(following)
                year = year or _year(rest)
            else:
                _fill_missing(draft.fields, following)
    drafts.append(draft)
    records = [_record(item, leftovers, warnings, block) for item in drafts]
    records = [r for r in records if r.indicators or r.name]
    if not any(r.indicators for r in records):
        line = tokens[runs[0].start].line if runs[0].start < len(tokens) else 1
        raise ReadError(f"an indicator table starts at line {line} but none of its rows could be read")
    departments = [d.fields.department for d in drafts]
    department = most_common(departments)
    regions = [d.fields.region for d in drafts]
    region = short_region(most_common(regions))
    return Document(source=source, layout=NAME, region=region, department=department, year=year,
                    records=tuple(records), warnings=tuple(sorted(warnings, key=lambda w: w.line)))


def _fill_missing(fields: Fields, later: Fields) -> None:
    """Fields printed below the table (some templates put 主管部门 or the unit there) fill the gaps."""
    for name in ("department", "unit", "code", "amount_wan", "goal", "region"):
        if getattr(fields, name) is None and getattr(later, name) is not None:
            setattr(fields, name, getattr(later, name))
    fields.unit_labelled = fields.unit_labelled or later.unit_labelled


def _record(draft: _Draft, leftovers: list[Token], warnings: list[ParseWarning], block: list[Token]) -> Record:
    fields = draft.fields
    indicators = _indicators(draft)
    for table in draft.tables:
        warnings.extend(ParseWarning(line, message) for line, message in table.warnings)
    unit = fields.unit
    if unit is None and fields.unit_labelled:
        unit = fallback_unit([*fields.tokens, *leftovers], fields)
    whole_department = any("部门整体" in t.text or "整体绩效" in t.text or "整体支出" in t.text
                           for t in (fields.tokens or block)[:40])
    kind = "department" if fields.name is None and whole_department else "project"
    name = fields.name or (fields.department if kind == "department" else None)
    if name is None:
        warnings.append(ParseWarning(draft.line, "indicator table without a 项目名称 above it: record has no name"))
    return Record(kind=kind, name=name or "", unit=unit, code=fields.code, amount_wan=fields.amount_wan,
                  indicators=tuple(indicators), goal=fields.goal, line=fields.line or draft.line)
