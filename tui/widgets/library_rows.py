"""The rows of the concepts screen, of a concept's comparison and of the coverage screen, as lines of text in
columns measured in terminal cells; a flagged target is marked where it stands, and said why beneath."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

from store.compare import FLAG_KINDS, FLAG_LABELS, Comparison, ConceptRow, CoverageRow, TargetRow, Unmatched
from tui.literal import literal
from tui.widgets.indicators_pane import short_level
from tui.widgets.table import Column, fit, line

# a flag in a column of its own: short words, in FLAG_KINDS order
FLAG_SHORT = {"operators": "opposite", "units": "units", "level2": "level 2", "outlier": "far",
              "qualitative": "no number", "outcome": "outcome"}
FLAG_STYLE = "yellow"
FLAGGED_CELL = "bold black on yellow"


def levels_text(level1: str | None, level2: str | None) -> str:
    return f"{short_level(level1)} › {short_level(level2)}"


def flags_text(kinds: Sequence[str]) -> Text:
    return Text(" · ".join(FLAG_SHORT[kind] for kind in kinds), style=FLAG_STYLE)


# -- the library ----------------------------------------------------------------------------------

CONCEPT_COLUMNS = (Column("concept", 34), Column("level 1 › level 2", 24), Column("members", 7, right=True),
                   Column("regions", 10, right=True), Column("occurrences", 11, right=True),
                   Column("targets", 22), Column("flags"))
FLAGS_ROOM = 18  # the cells the flags column needs to say a concept's flags
# narrower layouts, tried in turn until the flags fit: (concept, level 1 › level 2, occurrences, targets) widths,
# 0 leaving the column out
_CONCEPT_LAYOUTS = ((34, 24, 11, 22), (24, 16, 11, 22), (20, 0, 11, 18), (16, 0, 0, 16))


def concept_columns(width: int) -> tuple[Column, ...]:
    """The library's columns for a list ``width`` cells wide: on a narrower terminal the names give way and the
    levels and occurrences are left out before the flags are."""
    name, level, members, regions, occurrences, targets, flags = CONCEPT_COLUMNS
    columns: tuple[Column, ...] = CONCEPT_COLUMNS
    for name_width, level_width, occurrences_width, targets_width in _CONCEPT_LAYOUTS:
        columns = tuple(column for column in (
            Column(name.title, name_width), Column(level.title, level_width), members, regions,
            Column(occurrences.title, occurrences_width, right=True), Column(targets.title, targets_width), flags,
        ) if column.width or column is flags)
        if sum(column.width for column in columns) + 2 * (len(columns) - 1) + FLAGS_ROOM <= width:
            break
    return columns


def concept_text(row: ConceptRow, columns: Sequence[Column] = CONCEPT_COLUMNS) -> Text:
    """One concept: name, levels, members, regions covered (k of N), occurrences, the targets' range, flags
    (those of ``columns``)."""
    cells = {
        "concept": lambda width: fit(row.name, width, "bold"),
        "level 1 › level 2": lambda width: fit(levels_text(row.level1, row.level2), width, "dim"),
        "members": lambda width: fit(str(row.members), width, right=True),
        "regions": lambda width: fit(row.coverage, width, right=True),
        "occurrences": lambda width: fit(str(row.occurrences), width, right=True),
        "targets": lambda width: fit(row.spread or "—", width, "cyan"),
        "flags": lambda _width: flags_text(row.flags),
    }
    return line(columns, [cells[column.title](column.width) for column in columns])


# -- one concept's comparison ------------------------------------------------------------------------

TARGET_COLUMNS = (Column("region", 12), Column("indicator", 32), Column("period", 14), Column("annual", 14),
                  Column("compared", 12, right=True), Column("flags", 22), Column("projects"))
INDICATOR_MIN = 12  # the indicator column gives way down to this on a narrow terminal


def target_columns(width: int) -> tuple[Column, ...]:
    """The comparison's columns for a list ``width`` cells wide: on a narrow terminal the indicator's name gives
    way (cut with …) so that the compared target stays in view."""
    region, indicator, period, annual, compared, *rest = TARGET_COLUMNS
    before = region.width + period.width + annual.width + compared.width + 2 * 4  # the columns and their gaps
    name_width = max(INDICATOR_MIN, min(indicator.width, width - before))
    return (region, Column(indicator.title, name_width), period, annual, compared, *rest)


def compared_text(item: Comparison, row: TargetRow) -> str:
    """What the row compares, in the concept's unit ("≤1小时" for ≤60分钟); a value that cannot be brought to
    it as written."""
    return item.aligned_text(row) or row.value or "—"


def target_text(item: Comparison, row: TargetRow, first_of_member: bool,
                columns: Sequence[Column] = TARGET_COLUMNS) -> Text:
    """One member's target: region and name (on its first row only), period and annual target as written,
    the compared value (marked when flagged), the flags, the projects it comes from."""
    kinds = [kind for kind in FLAG_KINDS if any(flag.kind == kind for flag in row.flags)]
    compared = compared_text(item, row)
    if kinds:
        compared_cell = fit(f"!{compared}", 12, FLAGGED_CELL, right=True)
    else:
        compared_cell = fit(compared, 12, "cyan" if item.aligned(row) is not None else "dim", right=True)
    projects = ", ".join(row.projects)
    return line(columns, (
        fit(row.region if first_of_member else "", 12, "bold"),
        fit(row.name if first_of_member else "", columns[1].width),
        fit(row.period_value or "—", 14), fit(row.annual_value or ("—" if not row.actual_value else
                                                                   f"({row.actual_value})"), 14),
        compared_cell, flags_text(kinds), literal(projects, "dim")))


def comparison_title(item: Comparison) -> Text:
    """The concept, its levels, what it covers and in which unit its targets line up, and its flags."""
    text = Text.assemble(literal(item.name, "bold"), "   ", literal(f"{item.level1 or '?'} › {item.level2 or '?'}",
                                                                    "dim"))
    text.append(f"\n{item.members} members in {len(item.regions)} of {item.total_regions} regions · "
                f"{item.occurrences} occurrences · ")
    if item.unit is not None:
        text.append_text(literal(f"targets compared in {item.unit or 'plain numbers'}", "cyan"))
        spread = item.range_text()
        if spread:
            text.append_text(literal(f" ({spread})", "cyan"))
    else:
        text.append("no target has a number", style="dim")
    counts = Counter(flag.kind for row in item.rows for flag in row.flags)
    text.append("\n")
    if counts:
        text.append("flags: ", style="bold")
        text.append(" · ".join(f"{FLAG_LABELS[kind]} ({counts[kind]})" for kind in FLAG_KINDS if kind in counts),
                    style=FLAG_STYLE)
    else:
        text.append("no flags: the targets agree", style="green")
    return text


def target_detail(item: Comparison, row: TargetRow | None, missing: Sequence[str]) -> Text:
    """Everything about the highlighted target: where it comes from, how it was read, and each flag's reason."""
    if row is None:
        return Text("no member", style="dim")
    text = Text.assemble(literal(row.region, "bold"), " · ", literal(row.name, "bold"), "  ",
                         literal(f"{row.level1 or '?'} › {row.level2 or '?'}", "dim"),
                         f"  · {row.occurrences} occurrence{'s' if row.occurrences != 1 else ''}")
    text.append("\n")
    text.append_text(literal(f"period {row.period_value or '—'} · annual {row.annual_value or '—'}"))
    if row.actual_value:
        text.append_text(literal(f" · outcome (实际完成值) {row.actual_value}"))
    compared = row.compared
    if compared is not None:
        aligned = item.aligned_text(row)
        text.append_text(literal(f"  → {aligned or compared.text()}", "cyan"))
        if aligned is None:
            text.append_text(literal(f" ({compared.dimension}: not the concept's {item.dimension})", "dim"))
        if compared.note:
            text.append_text(literal(f" ({compared.note})", "dim"))
    elif row.value:
        text.append("  → no number to compare", style="dim")
    for flag in row.flags:
        text.append("\n! ", style=FLAGGED_CELL)
        text.append(f" {FLAG_LABELS[flag.kind]}: ", style=f"bold {FLAG_STYLE}")
        text.append_text(literal(flag.explanation))
    text.append("\nprojects: ", style="dim")
    text.append_text(literal(", ".join(row.projects) or "—"))
    text.append("\ndocuments: ", style="dim")
    text.append_text(literal(", ".join(row.documents) or "—"))
    if missing:
        text.append("\nnot measured in: ", style="dim")
        text.append_text(literal("、".join(missing)))
    return text


# -- coverage --------------------------------------------------------------------------------------

COVERAGE_NAME, COVERAGE_COUNT = Column("concept", 30), Column("regions", 10, right=True)


def region_columns(regions: Sequence[str], width: int) -> list[Column] | None:
    """A column per region, sharing the width beside the concept, when every region gets at least its name's
    width (and 10 cells); else None (the regions are listed inline)."""
    if not regions:
        return []
    room = width - COVERAGE_NAME.width - COVERAGE_COUNT.width - 4 - 2 * len(regions)
    share = min(room // len(regions), 24)
    needed = [max(cell_len(region), 10) for region in regions]
    if share < max(needed):
        return None
    return [Column(region, share) for region in regions]


def coverage_text(row: CoverageRow, total: int, columns: Sequence[Column] | None) -> Text:
    """A concept and, per region, its target there (flagged ones marked, "—" where the region has none); with
    no columns, the regions that measure it one after another."""
    cells = [fit(row.name, COVERAGE_NAME.width, "bold"),
             fit(f"{row.covered} of {total}", COVERAGE_COUNT.width, right=True)]
    if columns is None:
        inline = Text()
        for index, (region, target) in enumerate(row.targets.items()):
            if index:
                inline.append(" · ", style="dim")
            inline.append_text(literal(f"{region} ", "bold"))
            inline.append_text(literal(target, FLAGGED_CELL if region in row.flagged else "cyan"))
        return line((COVERAGE_NAME, COVERAGE_COUNT, Column("")), (*cells, inline))
    for column in columns:
        target = row.targets.get(column.title)
        if target is None:
            cells.append(fit("—", column.width, "dim"))
        elif column.title in row.flagged:
            cells.append(fit(f"!{target}", column.width, FLAGGED_CELL))
        else:
            cells.append(fit(target, column.width, "cyan"))
    return line((COVERAGE_NAME, COVERAGE_COUNT, *columns), cells)


OWN_COLUMNS = (Column("region", 12), Column("indicator", 36), Column("occurrences", 11, right=True),
               Column("targets", 24), Column("status", 20), Column("projects"))


def own_text(item: Unmatched) -> Text:
    """A regional indicator with no counterpart anywhere: a candidate for the region's own (个性) indicators."""
    if item.open_candidates:
        status = fit(f"个性? {item.open_candidates} to review", 20, "yellow")
    else:
        status = fit("个性", 20, "green")
    return line(OWN_COLUMNS, (
        fit(item.region, 12, "bold"), fit(item.name, 36), fit(str(item.occurrences), 11, right=True),
        fit(item.targets or "—", 24, "cyan"), status, literal(", ".join(item.projects), "dim")))
