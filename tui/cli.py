"""The zhibiao command line: parse, import (and the review app's commands as they arrive)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from store import mapping, suggest, tables
from store.importer import ImportResult, import_paths
from store.lexicon import Lexicon, LexiconError
from store.model import Document
from store.readers import ReadError
from store.readers.files import read_file
from store.workspace import Workspace, WorkspaceError
from tui.literal import literal, visible

DEFAULT_DB = "zhibiao.db"
_PROGRESS_FROM = 10


def _consoles() -> tuple[Console, Console]:
    out = Console(markup=False, highlight=False, soft_wrap=True)
    if not out.is_terminal:
        out = Console(markup=False, highlight=False, soft_wrap=True, width=200)  # piped: no wrapping columns
    return out, Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def _error(console: Console, where: str, message: str) -> None:
    console.print(Text.assemble(("zhibiao: ", "bold red"), f"{where}: {message}"))


def _visible_document(document: Document) -> Document:
    """The document with control characters made visible, for printing to a terminal."""
    from dataclasses import replace

    records = tuple(
        replace(record, name=visible(record.name), unit=visible(record.unit) if record.unit else None,
                location=visible(record.location) or None,
                indicators=tuple(replace(i, name=visible(i.name), period_value=visible(i.period_value) or None,
                                         annual_value=visible(i.annual_value) or None) for i in record.indicators))
        for record in document.records
    )
    return replace(document, records=records,
                   warnings=tuple(replace(w, message=visible(w.message), location=visible(w.location) or None)
                                  for w in document.warnings))


def _document_text(document: Document) -> Text:
    """A readable view of one parsed document (all document text literal)."""
    text = Text()
    document = _visible_document(document)
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


def cmd_parse(args: argparse.Namespace) -> int:
    out, err = _consoles()
    fmt = "json" if args.json else args.format
    if fmt == "xlsx" and not args.output:
        _error(err, "parse", "--format xlsx writes a workbook: name it with -o FILE.xlsx")
        return 2
    if args.output and fmt not in tables.FORMATS:
        _error(err, "parse", "-o writes a table: add --format csv or --format xlsx")
        return 2
    documents: list[Document] = []
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            documents.extend(read_file(path))
        except ReadError as exc:
            _error(err, str(path), str(exc))
            failed = True
    if fmt in tables.FORMATS:
        if not documents:
            return 1
        if args.output:
            target = Path(args.output)
            try:
                rows = tables.write_table(documents, target, fmt, inputs=[Path(f) for f in args.files])
            except tables.TableError as exc:
                _error(err, str(target), str(exc).removeprefix(f"{target}: "))
                return 1
            records = sum(len(document.records) for document in documents)
            indicators = sum(document.indicator_count for document in documents)
            out.print(Text(visible(f"wrote {target}: {rows} rows ({len(documents)} documents, {records} records,"
                                   f" {indicators} indicators)")))
        else:
            sys.stdout.write(tables.to_csv(documents, bom=False))
    elif fmt == "json":
        payload = [d.as_json() for d in documents]
        data = payload[0] if len(payload) == 1 and len(args.files) == 1 else payload
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for document in documents:
            out.print(_document_text(document))
    return 1 if failed else 0


def _result_line(result: ImportResult) -> Text:
    name = Path(result.path).name
    if result.outcome == "failed":
        return Text.assemble((f"✗ {name}", "red"), f"  {result.error}")
    if result.source:
        name = f"{name} › {result.source}"
    line = Text()
    line.append(visible(f"{'·' if result.outcome == 'unchanged' else '✓'} {name}"),
                style="dim" if result.outcome == "unchanged" else "green")
    if result.outcome == "unchanged":
        line.append("  unchanged (already imported)", style="dim")
        return line
    where = visible(f"{result.region or '?'} · {result.department or '?'}")
    line.append(f"  {where} · {result.year or '?'} · {result.layout} · {result.records} records"
                f" · {result.indicators} indicators · {len(result.warnings)} warnings")
    if result.outcome == "replaced":
        line.append("  (replaced an earlier version)", style="yellow")
    return line


def cmd_import(args: argparse.Namespace) -> int:
    out, err = _consoles()
    try:
        workspace = Workspace(Path(args.db))
    except WorkspaceError as exc:
        _error(err, args.db, str(exc).removeprefix(f"{args.db}: "))
        return 2
    paths = [Path(p) for p in args.paths]
    with workspace, Progress(
        TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.fields[current]}"), console=err, transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("import", total=None, current="")

        def advance(done: int, total: int, result: ImportResult) -> None:
            if total >= _PROGRESS_FROM:
                progress.update(task, completed=done, total=total, current=Path(result.path).name)

        results = import_paths(workspace, paths, progress=advance, workers=args.workers)
        counts = workspace.counts()
    failed = [r for r in results if r.outcome == "failed"]
    for result in results:
        if result.outcome == "failed":
            _error(err, result.path, result.error or "failed")
            continue
        out.print(_result_line(result))
        if not args.quiet:
            for warning in result.warnings:
                out.print(Text(visible(f"    {warning.where}: {warning.message}"), style="yellow"))
    imported = sum(1 for r in results if r.outcome in ("added", "replaced"))
    unchanged = sum(1 for r in results if r.outcome == "unchanged")
    indicators = sum(r.indicators for r in results if r.outcome in ("added", "replaced"))
    out.print(Text(
        f"total: {imported} imported ({indicators} indicators), {unchanged} unchanged, {len(failed)} failed;"
        f" workspace {args.db}: {counts['documents']} documents, {counts['records']} records,"
        f" {counts['indicators']} indicators, {counts['regional_indicators']} regional indicators",
        style="bold",
    ))
    return 1 if failed else 0


def _open_workspace(db: str, err: Console, *, must_exist: bool = False) -> Workspace | None:
    if must_exist and not Path(db).exists():
        _error(err, db, "no such workspace (run `zhibiao import PATH --db FILE` first)")
        return None
    try:
        return Workspace(Path(db))
    except WorkspaceError as exc:
        _error(err, db, str(exc).removeprefix(f"{db}: "))
        return None


def _suggestion_table(items: list[dict], top: int) -> Table:
    """Indicator, its best candidates in other regions, score and why; document text stays literal."""
    table = Table(show_lines=False, expand=False, box=None, pad_edge=False, header_style="bold")
    table.add_column("indicator", overflow="fold", max_width=40)
    table.add_column("#", justify="right")
    table.add_column("candidate", overflow="fold", max_width=40)
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold", style="dim")
    for item in items:
        label = literal(f"{item['region']} · {item['name']}", "bold")
        if not item["candidates"]:
            table.add_row(label, "", Text("no candidate in another region", style="dim"), "", "")
        for rank, candidate in enumerate(item["candidates"][:top], start=1):
            table.add_row(label if rank == 1 else Text(""), str(rank),
                          literal(f"{candidate['region']} · {candidate['name']}"), f"{candidate['score']:.2f}",
                          Text(candidate["explanation"]))
        table.add_section()
    return table


def cmd_suggest(args: argparse.Namespace) -> int:
    out, err = _consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    lexicon = Path(args.lexicon) if args.lexicon else None
    try:
        Lexicon.load(lexicon)
    except LexiconError as exc:
        _error(err, args.lexicon, str(exc).removeprefix(f"{args.lexicon}: "))
        return 2
    with workspace, Progress(
        TextColumn("matching"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
        transient=True, disable=not err.is_terminal,
    ) as progress:
        if workspace.counts()["regional_indicators"] == 0:
            _error(err, args.db, "the workspace has no indicators yet (run `zhibiao import PATH` first)")
            return 1
        task = progress.add_task("match", total=None)
        suggest.ensure(workspace, lexicon_file=lexicon, top=max(args.top, 10),
                       progress=lambda done, total: progress.update(task, completed=done, total=total))
        items = suggest.as_json(workspace)
    if args.json:
        for item in items:
            item["candidates"] = item["candidates"][: args.top]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=1) + "\n")
        return 0
    out.print(_suggestion_table(items, args.top))
    with_candidates = sum(1 for item in items if item["candidates"])
    out.print(Text(f"{len(items)} regional indicators, {with_candidates} with candidates in other regions",
                   style="bold"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out, err = _consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    target = Path(args.output or {"csv": "mapping.csv", "sssom": "mapping.sssom.tsv"}.get(args.format, "mapping.toml"))
    from store import report, sssom  # openpyxl is loaded only by the commands that write workbooks

    with workspace:
        try:
            if args.format == "sssom":
                summary = sssom.export(workspace, target)
                out.print(Text(f"wrote {target}: {summary.exact} skos:exactMatch, {summary.close} skos:closeMatch, "
                               f"{summary.negative} negative (predicate_modifier Not) mappings"))
                return 0
            written = mapping.export(workspace, target, args.format)
        except (mapping.MappingError, report.ReportError) as exc:
            _error(err, str(target), str(exc).removeprefix(f"{target}: "))
            return 1
    out.print(Text(f"wrote {target}: {written['concepts']} concepts, {written['members']} members, "
                   f"{written['close']} close matches, {written['rejected']} rejected pairs"))
    return 0


def cmd_load_mapping(args: argparse.Namespace) -> int:
    out, err = _consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    with workspace:
        try:
            report = mapping.load(workspace, Path(args.file), args.reviewer)
        except mapping.MappingError as exc:
            _error(err, args.file, str(exc).removeprefix(f"{args.file}: "))
            return 1
    out.print(Text(f"loaded {args.file}: {report.concepts} concepts with {report.members} members, "
                   f"{report.close} close matches, {report.rejected} rejected pairs"))
    if report.unplaced:
        out.print(Text(f"{len(report.unplaced)} could not be placed:", style="yellow"))
        for line in report.unplaced:
            out.print(Text(f"  {line}", style="yellow"))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    out, err = _consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    target = Path(args.output)
    from store import report

    with workspace, Progress(TextColumn("report"), TextColumn("{task.fields[step]}"), console=err, transient=True,
                             disable=not err.is_terminal) as progress:
        task = progress.add_task("report", total=None, step="")
        try:
            summary = report.write_report(workspace, target,
                                          progress=lambda step: progress.update(task, step=step))
        except report.ReportError as exc:
            _error(err, str(target), str(exc).removeprefix(f"{target}: "))
            return 1
    charts = (f"{summary.charts} charts" if summary.charts == summary.chartable
              else f"{summary.charts} charts (the most-covered of {summary.chartable} chartable concepts)")
    out.print(Text(f"wrote {target}: {summary.concepts} concepts over {summary.regions} regions, "
                   f"{summary.flagged_cells} flagged cells, {charts}, {summary.unmatched} unmatched indicators "
                   f"({summary.own} with no counterpart anywhere), {summary.events} decisions"))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    _out, err = _consoles()
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        _error(err, str(path), "no such file or folder")
    if missing:
        return 1
    workspace = _open_workspace(args.db, err)
    if workspace is None:
        return 2
    workspace.close()
    from tui.app import make_app

    make_app(Path(args.db), reviewer=args.reviewer, paths=paths).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhibiao",
        description="Read budget performance target tables (预算绩效目标表), map indicators across regions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="print the normalized records of documents (no workspace)")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print the record JSON (a list for several files)")
    parse.add_argument("--format", choices=("text", "json", *tables.FORMATS), default="text",
                       help="text (default), json, or a table of one indicator per row: csv or xlsx")
    parse.add_argument("-o", "--output", metavar="OUT",
                       help="write the table to OUT (an existing file only if it is a records table);"
                            " CSV without -o goes to standard output")
    parse.set_defaults(run=cmd_parse)

    imp = commands.add_parser("import", help="parse documents (files or folders) and store them in a workspace")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    imp.add_argument("-q", "--quiet", action="store_true", help="summary lines only, no warnings")
    imp.add_argument("--workers", type=int, default=None, help="parser processes (default: cores, max 4)")
    imp.set_defaults(run=cmd_import)

    sug = commands.add_parser("suggest", help="cross-region match suggestions for every regional indicator")
    sug.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    sug.add_argument("--top", type=int, default=5, help="candidates per indicator (default 5)")
    sug.add_argument("--json", action="store_true", help="print JSON (the shape score_match.py reads)")
    sug.add_argument("--lexicon", metavar="FILE", help="your own lexicon (TOML) on top of the shipped one")
    sug.set_defaults(run=cmd_suggest)

    rev = commands.add_parser("review", help="open the review app (importing PATHs first if they are new)")
    rev.add_argument("paths", nargs="*", metavar="PATH")
    rev.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    rev.add_argument("--reviewer", default=None, help="your name in the decision log (default $USER)")
    rev.set_defaults(run=cmd_review)

    exp = commands.add_parser("export", help="write the approved crosswalk (TOML, CSV for Excel, or SSSOM/TSV)")
    exp.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    exp.add_argument("-o", "--output", metavar="FILE",
                     help="mapping file (default mapping.toml / mapping.csv / mapping.sssom.tsv)")
    exp.add_argument("--format", choices=("toml", "csv", "sssom"), default="toml")
    exp.set_defaults(run=cmd_export)

    rep = commands.add_parser("report", help="the library, the regions' targets compared and the coverage as a"
                                             " workbook (.xlsx)")
    rep.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    rep.add_argument("-o", "--output", metavar="FILE", required=True, help="the workbook to write (crosswalk.xlsx)")
    rep.set_defaults(run=cmd_report)

    load = commands.add_parser("load-mapping", help="bring a previously exported mapping back")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    load.add_argument("--reviewer", default=None, help="who loads it (default $USER)")
    load.set_defaults(run=cmd_load_mapping)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
