"""Pieces every table reader uses: cells with their columns, labels before a name, value-looking text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from store.errors import ReadError  # noqa: F401 (re-exported: the readers raise it from here)
from store.levels import DEPARTMENT_LEVEL1, LevelTracker, canonical
from store.model import Document, Indicator, ParseWarning, Record
from store.readers.vocabulary import header_kind
from store.text import clean_cell, clean_name, clean_value, nfkc, region_of, squash, strip_html


def most_common(values: list[str | None]) -> str | None:
    """The most frequent non-empty value, the first seen winning a tie."""
    named = Counter(v for v in values if v)
    return named.most_common(1)[0][0] if named else None


def finish(layout: str, source: str, department: str | None, year: int | None, records: list[Record],
           warnings: list[ParseWarning]) -> Document:
    """The document a reader returns: its region is the one its department is named after."""
    return Document(source=source, layout=layout, region=region_of(department), department=department,
                    year=year, records=tuple(records), warnings=tuple(sorted(warnings, key=lambda w: w.line)))


@dataclass(frozen=True, slots=True)
class Cell:
    column: int
    text: str


def cells_of(line: str, separator: str = "\t") -> list[Cell]:
    """Non-empty cells of a table row, each with the column it sits in."""
    return [Cell(i, text) for i, part in enumerate(line.split(separator)) if (text := clean_cell(part))]


def raw_cells(line: str, separator: str = "\t") -> list[str]:
    return [clean_cell(part) for part in line.split(separator)]


_VALUE_START = re.compile(r"^(?:[≥≤<>=＞＜＝]|>=|<=|\d|[约不大小低高少多]于|不低|不少|不超|达到|至少)")
_VALUE_WORDS = re.compile(
    r"(提高|提升|缓解|明显|显著|有效|完成|及时|健全|规范|拓展|有所|逐步|全面|合格|达标|增强|减轻|"
    r"公开|正常|改善|好转|推开|达到|实现|到位|满意|是|否|无|好)"
)


def value_like(text: str) -> bool:
    """Whether a cell reads like a target value rather than an indicator name."""
    compact = squash(nfkc(text))
    if not compact:
        return False
    if _VALUE_START.match(compact) or compact.endswith("%"):
        return True
    return len(compact) <= 6 and bool(_VALUE_WORDS.search(compact))


def split_labels(texts: list[str], max_labels: int = 2) -> tuple[list[str], int]:
    """Leading level labels of a row and the index of its name.

    A complete label ("服务对象满意度指标") is always a label; a partial one ("服务对象满意度", also a
    common indicator name) only when a name follows it rather than a value. After a level-2-only label
    the next cell is the name.
    """
    labels: list[str] = []
    index = 0
    while index < len(texts) and len(labels) < max_labels:
        label = canonical(texts[index])
        following = texts[index + 1] if index + 1 < len(texts) else None
        if label is None:
            previous = canonical(labels[-1]) if labels else None
            if (len(labels) == 1 and previous is not None and previous.text in DEPARTMENT_LEVEL1
                    and following is not None and not value_like(following)):
                # department frameworks write their own level-2 labels ("重点工作履行情况")
                labels.append(texts[index])
                index += 1
            break
        if not label.exact and (following is None or value_like(following)):
            break
        if labels:
            previous = canonical(labels[-1])
            if previous is not None and previous.is_level2_only and label.text != previous.text:
                break
        labels.append(texts[index])
        index += 1
    return labels, index


@dataclass
class RecordBuilder:
    """Collects one record's fields and indicators while a reader walks the text."""

    kind: str
    name: str
    line: int
    unit: str | None = None
    code: str | None = None
    amount_wan: float | None = None
    goal: str | None = None
    indicators: list[Indicator] = field(default_factory=list)
    tracker: LevelTracker = field(default_factory=LevelTracker)
    orphans: list[int] = field(default_factory=list)
    has_table: bool = False

    def add(
        self,
        name: str,
        period: str | None,
        annual: str | None,
        *,
        line: int,
        raw: str,
        squash_all: bool = False,
        level1: str | None = None,
        level2: str | None = None,
        actual: str | None = None,
    ) -> Indicator | None:
        clean = clean_name(name, squash_all=squash_all)
        if not clean:
            return None
        period_value = clean_value(period, squash_all=squash_all)
        annual_value = clean_value(annual, squash_all=squash_all)
        indicator = Indicator(
            level1=level1 if level1 is not None else self.tracker.level1,
            level2=level2 if level2 is not None else self.tracker.level2,
            name=clean,
            period_value=period_value,
            annual_value=annual_value,
            line=line,
            raw=raw,
            level1_raw=self.tracker.level1_raw,
            level2_raw=self.tracker.level2_raw,
            actual_value=clean_value(actual, squash_all=squash_all),
        )
        self.indicators.append(indicator)
        return indicator

    def add_row(self, cells: list[Cell], kinds: list[str], offsets: list[int], *, line: int, raw: str) -> None:
        """Read one table row (levels, name, value cells, perhaps several indicators) into this record."""
        for row in indicators_in_row(cells, len(kinds)):
            self.tracker.update(row.labels)
            if row.name is None:
                continue
            values = assign_values(row, kinds, offsets)
            self.add(row.name, values["period"], values["annual"], line=line, raw=raw)

    def build(self) -> Record:
        return Record(
            kind=self.kind,
            name=self.name,
            unit=self.unit,
            code=self.code,
            amount_wan=self.amount_wan,
            indicators=tuple(self.indicators),
            goal=self.goal,
            line=self.line,
        )


_SATISFACTION_WORDS = ("满意", "好评", "投诉", "知晓", "评价")


def relevel_orphans(builders: list[RecordBuilder], warnings: Warnings) -> None:
    """Give a row that lost its level cells the levels the same indicator has elsewhere in the document.

    Carrying levels down is right for merged cells but not for a row that slipped below the
    satisfaction block: a name with no satisfaction in it does not become a 满意度指标 because of where
    a conversion dropped it. Only applied when every other occurrence of the name agrees.
    """
    elsewhere: dict[str, set[tuple[str | None, str | None]]] = {}
    for builder in builders:
        for index, indicator in enumerate(builder.indicators):
            if index in builder.orphans and indicator.level1 == "满意度指标":
                continue
            elsewhere.setdefault(squash(indicator.name), set()).add((indicator.level1, indicator.level2))
    for builder in builders:
        for index in builder.orphans:
            indicator = builder.indicators[index]
            if indicator.level1 != "满意度指标" or any(w in indicator.name for w in _SATISFACTION_WORDS):
                continue
            levels = elsewhere.get(squash(indicator.name), set())
            if len(levels) == 1:
                level1, level2 = next(iter(levels))
                if level1 != "满意度指标":
                    builder.indicators[index] = replace(indicator, level1=level1, level2=level2)
                    warnings.add(indicator.line, f"{builder.name}: {indicator.name}: row lost its level cells; "
                                 f"levels {level1} › {level2} taken from the same indicator elsewhere")
                    continue
            warnings.add(indicator.line, f"{builder.name}: {indicator.name}: row lost its level cells; "
                         f"levels carried down as {indicator.level1} › {indicator.level2}")


class Warnings(list[ParseWarning]):
    """The warnings of one document, in line order."""

    def add(self, line: int, message: str) -> None:
        self.append(ParseWarning(line, message))


@dataclass(frozen=True, slots=True)
class RowIndicator:
    """One indicator found in a table row: the labels before it, its name and its value cells."""

    labels: list[str]
    name: str | None
    values: list[Cell]
    name_column: int


def indicators_in_row(cells: list[Cell], value_columns: int) -> list[RowIndicator]:
    """Indicators of a row read by content: [labels] name value… — repeated when a row was flattened.

    Labels-only rows (a level heading with no name) come back with ``name`` None so that the caller
    can still carry the levels down.
    """
    found: list[RowIndicator] = []
    index = 0
    while index < len(cells):
        texts = [cell.text for cell in cells[index:]]
        labels, offset = split_labels(texts)
        if offset >= len(texts):
            found.append(RowIndicator(labels, None, [], -1))
            break
        rest = []
        for cell in cells[index + offset:]:
            label = canonical(cell.text)
            if label is not None and label.exact:
                break
            rest.append(cell)
        if (len(labels) < 2 and len(rest) == value_columns + 2 and not value_like(rest[0].text)
                and not value_like(rest[1].text)):
            # an unknown level-2 label before the name ("整体工作完成情况 | 工作完成及时率 | =100% | =100%")
            labels = [*labels, rest[0].text]
            offset += 1
        name_cell = cells[index + offset]
        values: list[Cell] = []
        position = index + offset + 1
        while position < len(cells) and len(values) < value_columns:
            label = canonical(cells[position].text)
            if label is not None and label.exact:
                break
            values.append(cells[position])
            position += 1
        found.append(RowIndicator(labels, name_cell.text, values, name_cell.column))
        index = position
    return found


def assign_values(row: RowIndicator, kinds: list[str], offsets: list[int]) -> dict[str, str | None]:
    """Map a row's value cells to "period" / "annual" by order, or by column offset when some are missing."""
    result: dict[str, str | None] = dict.fromkeys(("period", "annual"))
    if len(row.values) >= len(kinds):
        for kind, cell in zip(kinds, row.values, strict=False):
            result[kind] = cell.text
        return result
    used: set[str] = set()
    for position, cell in enumerate(row.values):
        offset = cell.column - row.name_column
        kind = next((k for k, o in zip(kinds, offsets, strict=True) if o == offset and k not in used), None)
        if kind is None:
            kind = next((k for k in kinds[position:] if k not in used), None)
        if kind is not None:
            result[kind] = cell.text
            used.add(kind)
    return result


def columns_outside(header: list[str], kinds: tuple[str, ...]) -> bool:
    """Whether a header names a column right of 三级指标 that is none of ``kinds`` (a layout reader takes
    only the tables whose columns it knows)."""
    texts = [strip_html(text) for text in header[:60]]
    if "三级指标" not in [squash(t) for t in texts]:
        return False
    position = [squash(t) for t in texts].index("三级指标")
    after = texts[position + 1:position + 13]
    return any(text.strip() and (kind := header_kind(text)) is not None and kind not in kinds for text in after)


def value_kinds(header: list[Cell], name_column: int) -> tuple[list[str], list[int]]:
    """The value columns a header names after its 三级指标 column: kinds and offsets from the name."""
    kinds: list[str] = []
    offsets: list[int] = []
    for cell in header:
        if cell.column <= name_column:
            continue
        text = squash(cell.text)
        if "周期" in text or "中期" in text:
            kinds.append("period")
        elif "指标值" in text or "年度" in text or text.endswith("值"):
            kinds.append("annual")
        else:
            continue
        offsets.append(cell.column - name_column)
    return (kinds or ["annual"]), (offsets or [1])
