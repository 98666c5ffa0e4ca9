"""Indicator rows out of the cells of one indicator table, read by content: level labels by the level
vocabulary, the name, then the value cells the header announces (operator · value · unit, the outcome,
scores). Rows are used where the document has them; a table flattened into one run of cells is read
as a list of names and a list of value groups, paired in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from store.levels import DEPARTMENT_LEVEL1, Label, LevelTracker, canonical
from store.model import Indicator
from store.readers.stream import Token
from store.readers.vocabulary import (
    ACTUAL,
    ANNUAL,
    INDEX,
    LEVEL1,
    LEVEL2,
    LEVEL3,
    OPERATOR,
    OTHER,
    PERIOD,
    REASON,
    SCORE,
    TABLE,
    UNIT,
    VALUE_KINDS,
    WEIGHT,
    field_word,
    header_kind,
    is_nature,
    is_number,
    is_page_mark,
    is_placeholder,
    is_stop,
    is_template_debris,
    is_unit,
    is_value,
    normalize_operators,
    operator_of,
    split_value_suffix,
    starts_record,
)
from store.targets import parse_target
from store.text import clean_name, clean_value, nfkc, squash

_SLOT_KINDS = (PERIOD, ANNUAL, ACTUAL, OPERATOR, UNIT, WEIGHT, SCORE, REASON, OTHER)
_NUMBERED = re.compile(r"^指标\s*\d+\s*[:：]")
_JUNK = re.compile(r"^[(（]?\s*(?:\d+(?:\.\d+)?)?\s*分?\s*[)）]?$")
_BLOCK_FIELDS = ("name", "department", "unit", "goal", "amount", "code")
_JOINING = set(",，、(（《“和及与的对在")
_BRACKETS = set("()（）[]【】{}《》<>\"'“”‘’,，、:：;；。.")
_REASONS = ("原因", "偏差", "由于", "导致", "因为", "未完成", "已完成", "无偏差", "改进")
# the longest a cell naming one indicator is taken to be when no level label or target value vouches for it
_LONGEST_NAME = 40
# how much of a cell is looked at to judge it: more than any name or value is long
_LOOKED_AT = 400
_SHOWN_PROSE = 30
# a full stop, question or semicolon with more text after it: two sentences or clauses, not a name
_SENTENCE_STOP = re.compile(r"[。！？；;!?](?=.)")
# a short heading and a colon before text ("偏差原因：…", "指标解释：…"): a note, not a name
_NOTE = re.compile(r"^[^，,、。:：]{2,10}[:：].{8,}")


@dataclass(frozen=True, slots=True)
class Columns:
    """The value columns right of a table's 三级指标 column, in printed order."""

    slots: tuple[str, ...]
    leading: tuple[str, ...] = ()  # columns printed left of the levels (序号)

    @classmethod
    def from_header(cls, kinds: Sequence[str]) -> Columns:
        """Columns of a header given as the kinds of its cells; a header printed in two rows (年度指标值 |
        实际完成值 … above 指标性质 | 指标值 | 度量单位) is merged: the upper row names the lower value cell."""
        return _columns_of(tuple(kinds))

    @property
    def counted(self) -> tuple[str, ...]:
        """The columns that hold one value cell each in a flattened table (operator and unit join a value)."""
        return tuple(k for k in self.slots if k in (PERIOD, ANNUAL, ACTUAL, WEIGHT, SCORE))


@lru_cache(maxsize=1024)
def _columns_of(kinds: tuple[str, ...]) -> Columns:
    """The columns of a header, worked out once per distinct header (a document repeats its header per table)."""
    level_at = next((i for i, k in enumerate(kinds) if k in (LEVEL1, LEVEL2, LEVEL3)), len(kinds))
    name_at = max((i for i, k in enumerate(kinds) if k == LEVEL3), default=None)
    after = [k for k in kinds[(name_at + 1 if name_at is not None else level_at):] if k in _SLOT_KINDS]
    upper = [k for k in kinds[:level_at] if k in _SLOT_KINDS]
    if upper:
        merged = list(after)
        claimed: set[int] = set()
        for kind in upper:
            spot = next((i for i, k in enumerate(merged) if k in (ANNUAL, PERIOD) and i not in claimed), None)
            if kind in (ANNUAL, PERIOD) and spot is not None:
                merged[spot] = kind
                claimed.add(spot)
            elif kind not in merged or kind in (ANNUAL, PERIOD):
                merged.append(kind)
        after = merged
    after = _nest_sub_columns(after)
    if not any(k in (ANNUAL, PERIOD) for k in after):
        after.insert(0, ANNUAL)
    return Columns(tuple(after), tuple(k for k in kinds[:level_at] if k == INDEX))


def _nest_sub_columns(kinds: list[str]) -> list[str]:
    """A value column whose sub-columns (运算符号 · 指标值 · 度量单位) were printed in a second header row
    after the whole first row: the sub-columns take the place of the value column they split."""
    values = [i for i, k in enumerate(kinds) if k in (ANNUAL, PERIOD)]
    if len(values) < 2 or not any(k in (OPERATOR, UNIT) for k in kinds[values[1]:]):
        return kinds
    start = values[1]
    while start > values[0] + 1 and kinds[start - 1] == OPERATOR:
        start -= 1
    end = values[1] + 1
    while end < len(kinds) and kinds[end] == UNIT:
        end += 1
    group = kinds[start:end]
    if OPERATOR not in group and (UNIT not in group or start == values[0] + 1):
        # 实施周期指标值 | 年度指标值 | 度量单位: two value columns side by side, not one split
        return kinds
    group[group.index(kinds[values[1]])] = kinds[values[0]]
    return kinds[:values[0]] + group + kinds[values[0] + 1:start] + kinds[end:]


@dataclass(slots=True)
class TableResult:
    """The indicators of one table and what could not be placed."""

    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    unplaced: list[Token] = field(default_factory=list)
    orphan_values: int = 0

    @property
    def quality(self) -> int:
        """Indicators whose value the value grammar reads, less values left without a name: of two readings
        of a table, the one with more wins."""
        return sum(1 for i in self.indicators if i.annual_value and is_value(i.annual_value)) - self.orphan_values


@lru_cache(maxsize=32768)
def is_junk(text: str) -> bool:
    """Debris of a cut cell: a lone bracket or score ("(50分", "分)"), a lone 指标, a label's tail (意度指标)."""
    compact = squash(text)
    if not compact:
        return True
    if _JUNK.match(compact) and any(c in compact for c in "()（）分"):
        return True
    if all(c in _BRACKETS for c in compact):
        return True
    return len(compact) <= 6 and compact.endswith(("指标", "指")) and canonical(compact) is None


def _label(tokens: list[Token], index: int, cell_per_line: bool) -> Label | None:
    """The level label a cell is, if it is one: a complete label always, a partial one ("社会效益",
    "服务对象满意度") only when a name follows it rather than a value. After a department framework's
    level 1 (履职效能 …) in the same row, the next cell is that framework's own level 2 when a name
    follows it."""
    token = tokens[index]
    label = canonical(token.text)
    if label is not None and label.exact:
        return label
    following = _next_cell(tokens, index)
    if following is None or is_value(following.text) or is_stop(following.text):
        return None
    if label is None:
        previous = tokens[index - 1] if index else None
        level1 = canonical(previous.text) if previous is not None and not previous.empty else None
        if (level1 is not None and level1.text in DEPARTMENT_LEVEL1 and (cell_per_line or previous.row == token.row)
                and (cell_per_line or following.row == token.row) and canonical(following.text) is None):
            return Label(squash(token.text), exact=False)
    return label


def reads_as_target(text: str | None) -> bool:
    """Whether a value cell reads as a target by the value grammar, or as a number with its unit in the
    grammar of store/targets.py ("合规医疗费用救助比例≥50%"), short enough to be one cell of a row."""
    if not text or len(text) > _LOOKED_AT:
        return False
    if is_value(text):
        return True
    target = parse_target(text)
    return target is not None and target.number is not None and len(squash(text)) <= _LONGEST_NAME


def is_prose(name: str) -> bool:
    """Whether a cell's text is no indicator's name but prose: longer than a name is, two sentences or
    clauses, a heading and a colon before text, or a sentence of clauses ending in a full stop. Numbered
    names ("指标1：…") are names."""
    compact = squash(nfkc(name[:_LOOKED_AT]))
    if _NUMBERED.match(compact):
        return False
    return (len(compact) > _LONGEST_NAME or bool(_SENTENCE_STOP.search(compact)) or bool(_NOTE.match(compact))
            or (compact.endswith(("。", "！", "？")) and any(mark in compact for mark in "，,")))


def _next_cell(tokens: list[Token], index: int) -> Token | None:
    for position in range(index + 1, len(tokens)):
        if not tokens[position].empty:
            return tokens[position]
    return None


def _split_label_prefix(text: str) -> list[str]:
    """Level labels run into the cell after them ("产出指标数量指标农村…覆盖率100%") cut off the front."""
    pieces: list[str] = []
    rest = text
    while len(rest) > 4:
        cut = 0
        for end in range(min(len(rest) - 2, 30), 3, -1):
            head = rest[:end]
            if head.endswith(("指标", "目标", ")", "）")) and (label := canonical(head)) is not None and label.exact:
                cut = end
                break
        if not cut or is_junk(rest[cut:]):
            break
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


def split_run_together(tokens: list[Token], cell_per_line: bool) -> list[Token]:
    """Cells that hold a row run together cut into labels, name and value by the vocabulary and the
    value grammar; a name is only cut from its value when no value cell follows in its row."""
    out: list[Token] = []
    for token in tokens:
        if token.empty or canonical(token.text) is not None or len(token.text) < 6:
            out.append(token)
            continue
        for piece in _split_label_prefix(token.text):
            out.append(Token(piece, token.line, token.row, token.spaced))
    result: list[Token] = []
    for index, token in enumerate(out):
        following = out[index + 1] if index + 1 < len(out) else None
        same_row = following is not None and (cell_per_line or following.row == token.row)
        if (token.empty or canonical(token.text) is not None or is_value(token.text) or header_kind(token.text)
                or (same_row and following is not None and not following.empty and is_value(following.text))):
            result.append(token)
            continue
        split = split_value_suffix(token.text)
        if split is None:
            result.append(token)
            continue
        name, value = split
        result.append(Token(name, token.line, token.row, token.spaced))
        result.append(Token(value, token.line, token.row, token.spaced))
    return result


@dataclass
class _Pending:
    """An indicator being read: its name cells and the value cells placed so far."""

    name: list[Token]
    row: int
    values: dict[str, str | None] = field(default_factory=dict)
    next_slot: int = 0
    lines: list[int] = field(default_factory=list)
    labelled: bool = False  # a level label was read right before its name


def _accepts(kind: str, token: Token, pending: _Pending, cell_per_line: bool) -> bool:
    text = token.text
    if token.empty:
        return True
    if kind == OPERATOR:
        return operator_of(text) is not None or is_nature(text)
    if kind == UNIT:
        value = pending.values.get(ANNUAL) or pending.values.get(PERIOD) or ""
        return is_unit(text) and bool(re.fullmatch(r"\s*[\d.,]+\s*", value))
    if kind in (WEIGHT, SCORE):
        return is_number(text)
    if kind in (REASON, OTHER) and cell_per_line:
        return any(word in text for word in _REASONS)
    return True


def _place(token: Token, pending: _Pending, slots: tuple[str, ...], cell_per_line: bool) -> bool:
    """Put a cell into the first open column right of the last one filled that takes it."""
    for position in range(pending.next_slot, len(slots)):
        kind = slots[position]
        if _accepts(kind, token, pending, cell_per_line):
            pending.values[kind] = None if token.empty or is_placeholder(token.text) else token.text
            pending.next_slot = position + 1
            pending.row = token.row
            pending.lines.append(token.line)
            return True
    return False


def join_value(operator: str | None, value: str | None, unit: str | None) -> str | None:
    """One target out of split operator · value · unit cells ("≧", "735", "人次" -> "≥735人次")."""
    if value is None:
        return None
    value = normalize_operators(value.strip())
    sign = operator_of(operator) if operator else None
    if sign and value[:1] not in "≥≤<>=＞＜＝" and not value.startswith(("不", "大于", "小于", "低于", "高于")):
        value = sign + value
    if unit and not value.endswith(unit.strip()):
        value += unit.strip()
    return value


# source lines longer than this hold more than one row: a whole table run together on one line
_LONGEST_RAW = 4000


def _raw(lines: list[str], numbers: list[int], cells: list[str]) -> str:
    """The source lines a row was read from; the row's own cells when those lines hold far more than the row
    (every row of a table run together on one line would otherwise keep the whole line)."""
    distinct = [n for n in sorted(set(numbers)) if 0 < n <= len(lines)]
    if sum(len(lines[n - 1]) for n in distinct) > _LONGEST_RAW:
        return "\t".join(cell for cell in cells if cell)
    return "\n".join(lines[n - 1] for n in distinct)


class _Reader:
    """The ordered reading of one table body: labels, then a name, then its value cells."""

    def __init__(self, columns: Columns, cell_per_line: bool, lines: list[str]) -> None:
        self.columns = columns
        self.index_columns = columns.leading
        self.cell_per_line = cell_per_line
        self.lines = lines
        self.tracker = LevelTracker()
        self.result = TableResult()
        self.pending: _Pending | None = None
        self.labels: list[Token] = []

    def _apply_labels(self) -> None:
        if self.labels:
            texts = [t.text for t in self.labels]
            self.tracker.update(texts[:2])
            for text in texts[2:]:
                self.tracker.update([text])
            self.labels = []

    def _flush(self) -> None:
        pending = self.pending
        self.pending = None
        if pending is None:
            return
        printed = ("" if pending.name[0].spaced else " ").join(t.text for t in pending.name)
        name = clean_name(printed)
        if not name or is_template_debris(name):
            return
        values = pending.values
        if not pending.labelled and not self._vouched(values) and is_prose(printed):
            self._warn_prose(pending, name)
            return
        annual = join_value(values.get(OPERATOR), values.get(ANNUAL), values.get(UNIT))
        period = join_value(None, values.get(PERIOD), None)
        if annual is None and period is not None and ANNUAL not in self.columns.slots:
            annual, period = period, None
        actual = values.get(ACTUAL)
        level1, level2 = self.tracker.current
        self.result.indicators.append(Indicator(
            level1=level1, level2=level2, name=name,
            period_value=clean_value(period), annual_value=clean_value(annual),
            line=pending.name[0].line, raw=_raw(self.lines, [t.line for t in pending.name] + pending.lines,
                     [*(t.text for t in pending.name), *(v for v in pending.values.values() if v)]),
            level1_raw=self.tracker.level1_raw, level2_raw=self.tracker.level2_raw,
            actual_value=clean_value(normalize_operators(actual)) if actual else None,
        ))

    def _vouched(self, values: dict[str, str | None]) -> bool:
        """Whether a row's value cells make it a row whatever its name reads like: any value cell printed in
        its row; in a table copied one cell per line, where the next line is taken as the value whatever
        it is, only a value that reads as a target."""
        cells = [text for kind in (ANNUAL, PERIOD, ACTUAL) if (text := values.get(kind))]
        if self.cell_per_line:
            return any(reads_as_target(text) for text in cells)
        return bool(cells)

    def _warn_prose(self, pending: _Pending, name: str) -> None:
        """One warning per line of a prose row: its name's line, and the lines of any cells placed after it
        (a table copied one cell per line takes the next line of prose as the value)."""
        shown_lines = {pending.name[0].line}
        texts = [(pending.name[0].line, name)]
        for line, text in zip(pending.lines[1:], pending.values.values(), strict=False):
            if text and line not in shown_lines:
                shown_lines.add(line)
                texts.append((line, text))
        for line, text in texts:
            shown = text if len(text) <= _SHOWN_PROSE else text[:_SHOWN_PROSE - 1] + "…"
            self.result.warnings.append((line, f"prose under the indicator table, not read as an indicator: "
                                               f"{shown!r}"))

    def _wrapped_name(self, pending: _Pending, token: Token) -> bool:
        """A name cell whose text went on in the next printed row: the name stops on a comma or a
        joining word and has no value yet, and the row goes on with text, not a value."""
        if self.cell_per_line or token.row == pending.row or is_value(token.text):
            return False
        if any(v is not None for v in pending.values.values()):
            return False
        return pending.name[-1].text.rstrip()[-1:] in _JOINING

    def _row_number(self, tokens: list[Token], index: int) -> bool:
        """The 序号 cell that starts a row of a table with a 序号 column."""
        token = tokens[index]
        if INDEX not in self.index_columns or not re.fullmatch(r"\d{1,3}", token.text.strip()):
            return False
        before = tokens[index - 1] if index else None
        return before is None or self.cell_per_line or before.row != token.row

    def _continues(self, token: Token) -> bool:
        """Whether a cell belongs to the indicator being read rather than starting the next one."""
        pending = self.pending
        if pending is None or pending.next_slot >= len(self.columns.slots):
            return False
        if self.cell_per_line or token.row == pending.row:
            return True
        # a new printed row continues the indicator only with value cells it still lacks
        if not is_value(token.text):
            return False
        filled = {k for k, v in pending.values.items() if v is not None}
        return not (filled & {ANNUAL, PERIOD}) or bool(set(self.columns.slots[pending.next_slot:]) - filled)

    def read(self, tokens: list[Token]) -> int:
        """Read cells until the table ends; the index of the first cell not read."""
        index = 0
        while index < len(tokens):
            token = tokens[index]
            text = token.text
            if token.empty:
                self._apply_labels()
                if self.pending is not None and self._continues(token):
                    _place(token, self.pending, self.columns.slots, self.cell_per_line)
                index += 1
                continue
            if _ends_table(text):
                break
            kind = header_kind(text)
            if kind is not None or is_junk(text) or is_page_mark(text) or self._row_number(tokens, index):
                if kind is not None and kind != TABLE:
                    self._flush()
                index += 1
                continue
            label = _label(tokens, index, self.cell_per_line)
            if label is not None:
                self._flush()
                if self.labels and not self.cell_per_line and self.labels[-1].row != token.row:
                    self._apply_labels()
                self.labels.append(token)
                index += 1
                continue
            labelled = bool(self.labels)
            self._apply_labels()
            if (pending := self.pending) is not None and self._wrapped_name(pending, token):
                pending.name.append(token)
                pending.row = token.row
                index += 1
                continue
            if self.pending is not None and self._continues(token) and _place(
                    token, self.pending, self.columns.slots, self.cell_per_line):
                index += 1
                continue
            self._flush()
            if is_value(text) and (text[:1].isdigit() or operator_of(text[:1]) is not None):
                self.result.orphan_values += 1
                self.result.warnings.append((token.line, f"value {text!r} has no indicator name before it"))
            else:
                self.pending = _Pending([token], token.row, lines=[token.line], labelled=labelled)
            index += 1
        self._apply_labels()
        self._flush()
        return index


def _ends_table(text: str) -> bool:
    """A cell that ends the table being read: a total or a note under it, or the next project's block."""
    return is_stop(text) or starts_record(text) or field_word(text) in _BLOCK_FIELDS


@lru_cache(maxsize=32768)
def _passed_over(text: str) -> bool:
    """A cell the ordered reading passes over or keeps as a level, and that the cutting of run-together cells
    leaves whole: a complete level label, or a header word (one of fewer than six characters unless it also
    reads as a label), never one that ends the table."""
    if _ends_table(text):
        return False
    label = canonical(text)
    if label is not None and label.exact:
        return True
    return header_kind(text) is not None and (len(text) < 6 or label is not None)


def holds_no_row(tokens: list[Token]) -> bool:
    """Whether a table body is nothing but header words and complete level labels: with no cell that
    could be an indicator's name or value, and none that ends the table, there is no row to read (and
    cutting its cells changes nothing)."""
    return all(not token.empty and _passed_over(token.text) for token in tokens)


def read_rows(tokens: list[Token], columns: Columns, cell_per_line: bool, lines: list[str]) -> tuple[TableResult, int]:
    """The ordered reading of a table body, and where it stopped."""
    reader = _Reader(columns, cell_per_line, lines)
    end = reader.read(tokens)
    return reader.result, end


def flattened(tokens: list[Token]) -> bool:
    """Whether a table was flattened into one run of cells: one printed row holding three level labels."""
    per_row: dict[int, int] = {}
    for token in tokens:
        if canonical(token.text) is not None:
            per_row[token.row] = per_row.get(token.row, 0) + 1
            if per_row[token.row] >= 3:
                return True
    return False


def read_flattened(tokens: list[Token], columns: Columns, lines: list[str]) -> TableResult:
    """A table whose cells lost their order (a spreadsheet flattened to one line): names in order with the
    levels printed before them, value cells in order cut into groups of the header's value columns, and
    the n-th group given to the n-th name."""
    result = TableResult()
    tracker = LevelTracker()
    counted = columns.counted or (ANNUAL,)
    numbered = any(_NUMBERED.match(squash(t.text)) for t in tokens)
    names: list[tuple[list[Token], tuple[str | None, str | None], tuple[str | None, str | None]]] = []
    values: list[Token] = []
    previous_was_label = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        text = token.text
        if token.empty:
            index += 1
            continue
        if is_stop(text):
            break
        if header_kind(text) is not None or is_junk(text) or field_word(text) is not None:
            previous_was_label = False
            index += 1
            continue
        label = canonical(text)
        if label is not None and not _NUMBERED.match(squash(text)):
            tracker.update([text])
            previous_was_label = True
            index += 1
            continue
        starts_name = _NUMBERED.match(squash(text)) if numbered else (previous_was_label and not is_value(text))
        previous_was_label = False
        if starts_name:
            name = [token]
            index += 1
            while index < len(tokens) and _plain(tokens[index]):
                name.append(tokens[index])
                index += 1
            names.append((name, tracker.current, (tracker.level1_raw, tracker.level2_raw)))
            continue
        if is_value(text) or operator_of(text) is not None:
            values.append(token)
        else:
            result.unplaced.append(token)
        index += 1
    groups = _value_groups(values, len(counted))
    for number, (name, (level1, level2), (level1_raw, level2_raw)) in enumerate(names):
        group = groups[number] if number < len(groups) else []
        by_kind = {kind: cell.text for kind, cell in zip(counted, group, strict=False)}
        text = clean_name("".join(t.text for t in name))
        if not text or is_template_debris(text):
            continue
        annual = by_kind.get(ANNUAL)
        result.indicators.append(Indicator(
            level1=level1, level2=level2, name=text,
            period_value=clean_value(by_kind.get(PERIOD)),
            annual_value=clean_value(normalize_operators(annual)) if annual else None,
            line=name[0].line, raw=_raw(lines, [t.line for t in name + group], [t.text for t in name + group]),
            level1_raw=level1_raw, level2_raw=level2_raw,
            actual_value=clean_value(by_kind.get(ACTUAL)),
        ))
    for group in groups[len(names):]:
        cells = " ".join(cell.text for cell in group)
        result.warnings.append((group[0].line, f"value cells {cells!r} could not be given to an indicator name"))
    return result


def _plain(token: Token) -> bool:
    """A cell that can only continue the name before it (the rest of a wrapped name cell)."""
    text = token.text
    return not (token.empty or is_stop(text) or header_kind(text) is not None or is_junk(text)
                or canonical(text) is not None or is_value(text) or operator_of(text) is not None
                or field_word(text) is not None or _NUMBERED.match(squash(text)))


def _value_groups(values: list[Token], size: int) -> list[list[Token]]:
    """Value cells joined where an operator or a unit stands alone, then cut into groups of ``size``."""
    joined: list[Token] = []
    for token in values:
        if joined and operator_of(joined[-1].text) is not None and not is_value(joined[-1].text[1:] or "x"):
            previous = joined.pop()
            joined.append(Token(previous.text + token.text, previous.line, previous.row, previous.spaced))
            continue
        joined.append(token)
    return [joined[i:i + size] for i in range(0, len(joined), size)]


__all__ = ["VALUE_KINDS", "Columns", "TableResult", "flattened", "holds_no_row", "is_junk", "join_value",
           "read_flattened",
           "read_rows", "split_run_together"]
