"""The block above an indicator table: 项目名称, 主管部门, 实施单位, the year's amount, the goal, read by
the template's field words whatever holds the cells apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.readers.stream import Token
from store.readers.vocabulary import AMOUNT_PRIORITY, field_word, find_fields, header_kind, is_value, org_like
from store.text import nfkc, parse_amount, region_of, squash, strip_org_code

_LOOK_AHEAD = 16
_LOOK_BACK = 10
_MONEY = re.compile(r"^(-?\d[\d,，]*(?:\.\d+)?)\s*(万元|元|万)?$")
_YUAN = re.compile(r"[(（]\s*元\s*[)）]|单位[:：]?\s*元\s*[)）]?$|^元$")
_LABELLED = re.compile(r"^[^:：]{1,8}[:：]\s*")
# a note in brackets right after a field word, before its colon or naming the money unit
_LABEL_NOTE = re.compile(r"[(（][^()（）]{1,10}[)）](?=[:：])|[(（]\s*(?:万元|元)\s*[)）]")


@dataclass
class Fields:
    """What the block above a table says about its project."""

    name: str | None = None
    department: str | None = None
    unit: str | None = None
    code: str | None = None
    amount_wan: float | None = None
    goal: str | None = None
    line: int = 0
    unit_labelled: bool = False  # a unit field word was printed, whether or not its cell could be read
    region: str | None = None
    tokens: list[Token] = field(default_factory=list)


def split_fields(tokens: list[Token]) -> list[Token]:
    """Cells that run a field word into its value ("项目名称农村义务…", "年度资金总额:16",
    "项目主管部门青山区教育局项目执行单位化工区学校") cut at the field words."""
    out: list[Token] = []
    for token in tokens:
        text = token.text
        if token.empty or len(text) > 80 or field_word(text) is not None:
            out.append(token)
            continue
        found = find_fields(text)
        if not found or found[0][0] != 0:
            out.append(token)
            continue
        compact = squash(text)
        edges = [*found, (len(compact), len(compact), "")]
        for (start, end, word), (following, _, _) in zip(found, edges[1:], strict=False):
            del start
            rest = compact[end:following]
            note = _LABEL_NOTE.match(rest)
            if note is not None:  # 年度资金总额（元）：1,250: the note belongs to the label
                word += note.group(0)
                rest = rest[note.end():]
            out.append(Token(word, token.line, token.row, token.spaced))
            rest = rest.lstrip(":：")
            if rest:
                out.append(Token(rest, token.line, token.row, token.spaced))
    return out


def _value_after(tokens: list[Token], index: int, cell_per_line: bool) -> str | None:
    """The cell a field word labels: the next cell (the rest of its row when cut at spaces)."""
    label = tokens[index]
    parts: list[str] = []
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.empty:
            if cell_per_line:
                break
            continue
        if field_word(token.text) is not None or header_kind(token.text) is not None:
            break
        if parts and not (label.spaced and token.spaced and token.row == label.row):
            break
        parts.append(token.text)
        if not (label.spaced and token.row == label.row):
            break
    if not parts:
        return None
    return "".join(parts) if label.spaced else parts[0]


def _money_unit(text: str) -> str | None:
    compact = squash(nfkc(text))
    if "万元" in compact:
        return "万元"
    if _YUAN.search(compact):
        return "元"
    return None


def _amount(tokens: list[Token], index: int) -> float | None:
    """The first amount after an amount field word, in 万元 (a figure in 元 converted)."""
    unit = _money_unit(tokens[index].text)
    for token in tokens[index + 1:index + 1 + _LOOK_AHEAD]:
        kind = field_word(token.text)
        if kind in ("name", "department") or header_kind(token.text) in ("name", "level1"):
            return None
        match = _MONEY.match(squash(nfkc(token.text)))
        if match is None:
            unit = unit or _money_unit(token.text)
            continue
        amount = parse_amount(match.group(1))
        if amount is None:
            continue
        suffix = match.group(2)
        unit = {"万元": "万元", "万": "万元", "元": "元"}.get(suffix or "", unit or "")
        return round(amount / 10000, 6) if (unit or _unit_before(tokens, index)) == "元" else amount
    return None


def _unit_before(tokens: list[Token], index: int) -> str | None:
    """The money unit printed in the cells before an amount field word (项目资金(元) … 年度资金总额)."""
    for before in reversed(tokens[max(0, index - _LOOK_BACK):index + 1]):
        unit = _money_unit(before.text)
        if unit:
            return unit
    return None


def _in_wan(amount: float, tokens: list[Token], index: int) -> float:
    return round(amount / 10000, 6) if _unit_before(tokens, index) == "元" else amount


_BUDGET_COLUMNS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
_PERCENT = re.compile(r"^\d+(?:\.\d+)?[%％]$")
_PLACEHOLDER = re.compile(r"^[-—–－/／]+$")


def _budget_cell(text: str) -> str | None:
    bare = re.sub(r"[(（][^()（）]*[)）]?$", "", squash(nfkc(text)))
    return bare if bare in _BUDGET_COLUMNS else None


def _budget_row_amount(tokens: list[Token], index: int) -> float | None:
    """全年预算数 out of a self-evaluation table's budget row (年初预算数 · 全年预算数 · 全年执行数 · 分值 ·
    执行率 · 得分). Empty cells vanish in a copied table, so the figures are aligned from the right of
    the 执行率 percent, the one cell that is always filled and always a percent."""
    columns = list(dict.fromkeys(c for t in tokens if (c := _budget_cell(t.text)) is not None))
    if "全年预算数" not in columns:
        return None
    run: list[str] = []
    for token in tokens[index + 1:index + 1 + _LOOK_AHEAD + len(columns)]:
        text = squash(nfkc(token.text))
        if _MONEY.match(text) or _PERCENT.match(text) or _PLACEHOLDER.match(text):
            run.append(text)
        elif run:
            break
    percent_at = next((i for i, text in enumerate(run) if _PERCENT.match(text)), None)
    if percent_at is not None and "执行率" in columns:
        aligned = dict(zip(reversed(columns[:columns.index("执行率")]), reversed(run[:percent_at]), strict=False))
    else:
        aligned = dict(zip(reversed(columns), reversed(run[:len(columns)]), strict=False))
    cell = aligned.get("全年预算数")
    match = _MONEY.match(cell) if cell else None
    return parse_amount(match.group(1)) if match else None


def _plausible_organisation(value: str | None) -> bool:
    return bool(value) and value is not None and not is_value(value) and field_word(value) is None and (
        header_kind(value) is None and parse_amount(value) is None)


def read_fields(tokens: list[Token], cell_per_line: bool) -> Fields:
    """The fields a header block prints, each from the cell after its field word."""
    tokens = split_fields(tokens)
    fields = Fields(tokens=tokens)
    amounts: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.empty:
            continue
        kind = field_word(token.text)
        if kind is None:
            continue
        word = squash(nfkc(token.text)).rstrip(":：")
        if kind == "name" and fields.name is None:
            fields.name = _value_after(tokens, index, cell_per_line)
            fields.line = token.line
        elif kind == "department" and fields.department is None:
            value = _value_after(tokens, index, cell_per_line)
            if _plausible_organisation(value):
                fields.department = strip_org_code(value or "") or None
        elif kind == "unit":
            fields.unit_labelled = True
            value = _value_after(tokens, index, cell_per_line)
            if fields.unit is None and _plausible_organisation(value):
                fields.unit = strip_org_code(value or "") or None
        elif kind == "code" and fields.code is None:
            value = _value_after(tokens, index, cell_per_line)
            fields.code = squash(value) if value and any(c.isdigit() for c in value) else None
        elif kind == "amount":
            base = re.sub(r"[(（].*", "", word)
            amounts.setdefault(base, index)
        elif kind == "goal" and fields.goal is None:
            following = next((t for t in tokens[index + 1:index + 4]
                              if not t.empty and len(t.text) >= 10 and field_word(t.text) is None), None)
            fields.goal = following.text if following else None
    if "年度资金总额" in amounts and (budget := _budget_row_amount(tokens, amounts["年度资金总额"])) is not None:
        fields.amount_wan = _in_wan(budget, tokens, amounts["年度资金总额"])
    for word in AMOUNT_PRIORITY:
        if fields.amount_wan is not None:
            break
        if word in amounts and (amount := _amount(tokens, amounts[word])) is not None:
            fields.amount_wan = amount
    fields.region = _region(fields, tokens)
    return fields


def _region(fields: Fields, tokens: list[Token]) -> str | None:
    """The region a project belongs to: its 主管部门's, else its unit's, else the first organisation the
    block names (来源:广元市昭化区卫生计生局, 部门:临沧市永德县明朗中学)."""
    for organisation in (fields.department, fields.unit):
        region = region_of(organisation)
        if region:
            return region
    for token in tokens:
        text = _LABELLED.sub("", squash(nfkc(token.text)))
        if org_like(text) and (region := region_of(text)):
            return region
    for token in tokens:
        # a title that starts with its region: 稷山县项目支出绩效自评表
        text = squash(nfkc(token.text))
        if len(text) <= 40 and ("绩效" in text or "预算" in text) and (region := region_of(text)):
            return region
    return None


def fallback_unit(candidates: list[Token], fields: Fields) -> str | None:
    """A unit whose field word stands apart from its cell (a flattened spreadsheet): the one organisation
    among the cells nothing else claimed, other than the department."""
    for token in candidates:
        text = squash(nfkc(token.text))
        if org_like(text) and text not in (fields.department, fields.name):
            return text
    return None
