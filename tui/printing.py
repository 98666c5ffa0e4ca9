"""What the command line prints: one clear line per error (``zhibiao: FILE: problem``), a parsed document, an
import's results and a suggestion table, every text from a document or a file name with its control
characters made visible."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from store.errors import ZhibiaoError
from store.files import display_name
from store.importer import ImportResult
from store.model import Document
from tui.literal import literal, visible

if TYPE_CHECKING:  # the report's module loads openpyxl: only report imports it
    from store.mapping import LoadReport
    from store.report import ReportSummary


def consoles() -> tuple[Console, Console]:
    out = Console(markup=False, highlight=False, soft_wrap=True)
    if not out.is_terminal:
        out = Console(markup=False, highlight=False, soft_wrap=True, width=200)  # piped: no wrapping columns
    return out, Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def error_line(console: Console, where: str | os.PathLike[str] | None, message: str) -> None:
    """One line: ``zhibiao: WHERE: MESSAGE``, control characters in both made visible."""
    place = f"{visible(display_name(os.fspath(where)))}: " if where is not None else ""
    console.print(Text.assemble(("zhibiao: ", "bold red"), place, visible(message)))


def fail(console: Console, exc: Exception, where: str | os.PathLike[str]) -> None:
    """The one line for an error about ``where`` (the error's own path when it names one)."""
    if isinstance(exc, ZhibiaoError) and exc.path is not None:
        error_line(console, exc.path, exc.reason)
        return
    message = exc.reason if isinstance(exc, ZhibiaoError) else str(exc)
    error_line(console, where, message.removeprefix(f"{os.fspath(where)}: "))


def wrote(target: Path, what: str) -> Text:
    """``wrote PATH: WHAT`` with the whole path, so that the user finds the file whatever folder they ran in."""
    return Text(f"wrote {visible(display_name(os.path.abspath(target)))}: {what}")


def visible_document(document: Document) -> Document:
    """The document with control characters made visible in every text, for printing to a terminal."""
    from dataclasses import replace

    def shown(text: str | None) -> str | None:
        return visible(text) if text else text

    records = tuple(
        replace(record, name=visible(record.name), unit=shown(record.unit), code=shown(record.code),
                location=shown(record.location),
                indicators=tuple(replace(i, name=visible(i.name), level1=shown(i.level1), level2=shown(i.level2),
                                         period_value=shown(i.period_value), annual_value=shown(i.annual_value),
                                         actual_value=shown(i.actual_value), location=shown(i.location))
                                 for i in record.indicators))
        for record in document.records
    )
    return replace(document, source=visible(display_name(document.source)), region=shown(document.region),
                   department=shown(document.department), records=records,
                   warnings=tuple(replace(w, message=visible(w.message), location=shown(w.location))
                                  for w in document.warnings))


def document_text(document: Document) -> Text:
    """A readable view of one parsed document (all document text literal)."""
    text = Text()
    document = visible_document(document)
    text.append(f"{document.source}", style="bold")
    text.append(f"  {document.region or '?'} · {document.department or '?'} · {document.year or '?'}"
                f" · {document.layout}\n")
    for record in document.records:
        kind = "部门整体" if record.kind == "department" else "项目"
        amount = f"{record.amount_wan:,.2f} 万元" if record.amount_wan is not None else "amount ?"
        text.append(f"\n{kind} ", style="cyan")
        text.append(record.name, style="bold")
        text.append(f"  ({record.unit or '-'}, {amount}")
        text.append(f", {record.code}" if record.code else "")
        text.append(f", {record.where})\n")
        for indicator in record.indicators:
            text.append(f"  {indicator.level1 or '?'} › {indicator.level2 or '?'} › ", style="dim")
            text.append(indicator.name)
            text.append(f"   {indicator.period_value or '—'} | {indicator.annual_value or '—'}\n", style="green")
    if document.warnings:
        text.append(f"\n{len(document.warnings)} warnings\n", style="yellow")
        for warning in document.warnings:
            text.append(f"  {warning.where}: {warning.message}\n", style="yellow")
    return text


def result_line(result: ImportResult) -> Text:
    """One imported file: ✓ added or replaced, · unchanged, = a duplicate (document text made visible)."""
    name = visible(result.name)
    if result.source:
        name = f"{name} › {visible(result.source)}"
    if result.outcome == "unchanged":
        return Text.assemble((f"· {name}", "dim"), ("  unchanged (already imported)", "dim"))
    if result.outcome == "duplicate":
        return Text.assemble((f"= {name}", "yellow"),
                             f"  the same bytes as {visible(result.same_as)}, already imported: not imported again")
    line = Text()
    line.append(f"✓ {name}", style="green")
    where = visible(f"{result.region or '?'} · {result.department or '?'}")
    line.append(f"  {where} · {result.year or '?'} · {visible(result.layout)} · {result.records} records"
                f" · {result.indicators} indicators · {len(result.warnings)} warnings")
    if result.outcome == "replaced":
        line.append("  (replaced an earlier version)", style="yellow")
    return line


def print_results(out: Console, err: Console, results: list[ImportResult], quiet: bool) -> None:
    for result in results:
        if result.outcome == "failed":
            error_line(err, result.shown_path, result.error or "failed")
            continue
        out.print(result_line(result))
        if not quiet:
            for warning in result.warnings:
                out.print(Text(visible(f"    {warning.where}: {warning.message}"), style="yellow"))


def suggestion_table(items: list[dict], top: int) -> Table:
    """Indicator, its best candidates in other regions, score and why; document text stays literal."""
    table = Table(show_lines=False, expand=False, box=None, pad_edge=False, header_style="bold")
    table.add_column("indicator", overflow="fold", max_width=40)
    table.add_column("#", justify="right")
    table.add_column("candidate", overflow="fold", max_width=40)
    table.add_column("score", justify="right")
    table.add_column("tier")
    table.add_column("why", overflow="fold", style="dim")
    for item in items:
        label = literal(f"{item['region']} · {item['name']}", "bold")
        if not item["candidates"]:
            table.add_row(label, "", Text("no candidate in another region", style="dim"), "", "", "")
        elif item["no_likely_match"]:
            table.add_row(label, "", Text("no likely match; possible ones:", style="yellow"), "", "", "")
            label = Text("")
        for rank, candidate in enumerate(item["candidates"][:top], start=1):
            tier = candidate["tier"]
            table.add_row(label if rank == 1 else Text(""), str(rank),
                          literal(f"{candidate['region']} · {candidate['name']}"), f"{candidate['score']:.2f}",
                          Text(tier, style="green" if tier == "likely" else "dim"), literal(candidate["explanation"]))
        table.add_section()
    return table


def import_totals(results: list[ImportResult], db: str, counts: dict[str, int]) -> Text:
    """The last line of an import: what this run did, and what the workspace now holds."""
    stored = [r for r in results if r.outcome in ("added", "replaced")]
    unchanged = sum(1 for r in results if r.outcome == "unchanged")
    duplicates = sum(1 for r in results if r.outcome == "duplicate")
    failed = sum(1 for r in results if r.outcome == "failed")
    return Text(
        f"total: {len(stored)} imported ({sum(r.indicators for r in stored)} indicators), {unchanged} unchanged, "
        + (f"{duplicates} duplicates, " if duplicates else "")
        + f"{failed} failed; workspace {visible(db)}: {counts['documents']} documents, {counts['records']} records, "
        f"{counts['indicators']} indicators, {counts['regional_indicators']} regional indicators",
        style="bold",
    )


def print_load_report(out: Console, file: str, report: LoadReport) -> None:
    """What load-mapping did: new concepts and joins, what was already so, conflicts and what it could not place."""
    joined = f" ({report.joined} joined existing concepts)" if report.joined else ""
    out.print(Text(f"loaded {visible(display_name(file))}: {report.concepts} new concepts, {report.members} "
                   f"members{joined}, {report.close} close matches, {report.rejected} rejected pairs, {report.flags} "
                   f"flags, {report.no_counterpart} with no counterpart; {report.unchanged} already so"))
    if not report.event_id:
        out.print(Text("nothing changed: the workspace already holds everything the file says that it can place"))
    for lines, what in ((report.conflicts, "decided otherwise here (the workspace's decision is kept)"),
                        (report.unplaced, "could not be placed")):
        if lines:
            out.print(Text(f"{len(lines)} {what}:", style="yellow"))
            for line in lines:
                out.print(Text(f"  {visible(line)}", style="yellow"))


def report_summary(summary: ReportSummary) -> str:
    """What the workbook holds, after ``wrote PATH:``."""
    charts = (f"{summary.charts} charts" if summary.charts == summary.chartable
              else f"{summary.charts} charts (the most-covered of {summary.chartable} chartable concepts)")
    return (f"{summary.concepts} concepts over {summary.regions} regions, {summary.flagged_cells} flagged cells, "
            f"{charts}, {summary.unmatched} unmatched indicators ({summary.own} with no counterpart anywhere), "
            f"{summary.events} decisions")
