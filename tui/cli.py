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

from store import learned, mapping, suggest
from store.importer import ImportResult, import_paths
from store.lexicon import Lexicon, LexiconError
from store.model import Document
from store.readers import ReadError, read_path
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
                indicators=tuple(replace(i, name=visible(i.name), period_value=visible(i.period_value) or None,
                                         annual_value=visible(i.annual_value) or None) for i in record.indicators))
        for record in document.records
    )
    return replace(document, records=records,
                   warnings=tuple(replace(w, message=visible(w.message)) for w in document.warnings))


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
        text.append(f", line {record.line})\n")
        for indicator in record.indicators:
            text.append(f"  {indicator.level1 or '?'} › {indicator.level2 or '?'} › ", style="dim")
            text.append(indicator.name)
            text.append(f"   {indicator.period_value or '—'} | {indicator.annual_value or '—'}\n", style="green")
    if document.warnings:
        text.append(f"\n{len(document.warnings)} warnings\n", style="yellow")
        for warning in document.warnings:
            text.append(f"  line {warning.line}: {warning.message}\n", style="yellow")
    return text


def cmd_parse(args: argparse.Namespace) -> int:
    out, err = _consoles()
    documents: list[Document] = []
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            documents.append(read_path(path))
        except ReadError as exc:
            _error(err, str(path), str(exc))
            failed = True
    if args.json:
        payload = [d.as_json() for d in documents]
        data = payload[0] if len(args.files) == 1 and payload else payload
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for document in documents:
            out.print(_document_text(document))
    return 1 if failed else 0


def _result_line(result: ImportResult) -> Text:
    name = Path(result.path).name
    if result.outcome == "failed":
        return Text.assemble((f"✗ {name}", "red"), f"  {result.error}")
    line = Text()
    line.append(f"{'·' if result.outcome == 'unchanged' else '✓'} {name}",
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
                out.print(Text(f"    line {warning.line}: {warning.message}", style="yellow"))
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
    with_likely = sum(1 for item in items if item["candidates"] and not item["no_likely_match"])
    out.print(Text(f"{len(items)} regional indicators, {with_candidates} with candidates in other regions,"
                   f" {with_likely} with a likely match", style="bold"))
    return 0


def cmd_lexicon(args: argparse.Namespace) -> int:
    """What the matcher learned from the workspace's decisions, listed, and written as a lexicon file."""
    out, err = _consoles()
    if not args.learned:
        lexicon = Lexicon.shipped()
        groups = len({canonical for canonical in lexicon.synonyms.values()})
        out.print(Text(f"shipped lexicon: {groups} synonym groups, {len(lexicon.qualifiers)} qualifiers, "
                       f"{len(lexicon.populations)} populations, {len(set(lexicon.actions.values()))} action groups,"
                       f" {len(lexicon.pairs)} contrast pairs; `zhibiao lexicon --learned` lists what your decisions"
                       " taught"))
        return 0
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    with workspace:
        terms = learned.load(workspace.connection)
    if not terms:
        out.print(Text("nothing learned yet: approvals teach synonyms, rejections teach contrasts"))
    for item in terms:
        out.print(Text.assemble((f"{item.kind:<9} ", "cyan"), literal(item.label, "bold"), "  ",
                                literal(item.origin, "dim")))
    if args.output:
        import tomli_w

        target = Path(args.output)
        data = {"format": "zhibiao-lexicon/1", **learned.as_lexicon(terms)}
        header = f"# terms learned from the decisions in {args.db}; load with `zhibiao suggest --lexicon FILE`\n"
        problem = _unwritable(target, Path(args.db))
        if problem is None:
            try:
                _replace_file(target, (header + tomli_w.dumps(data)).encode("utf-8"))
            except OSError as exc:
                problem = f"cannot write ({exc.strerror or exc})"
        if problem is not None:
            _error(err, str(target), problem)
            return 1
        out.print(Text(f"wrote {target}: {len(terms)} learned terms as a lexicon"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out, err = _consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    target = Path(args.output or ("mapping.csv" if args.format == "csv" else "mapping.toml"))
    with workspace:
        try:
            written = mapping.export(workspace, target, args.format)
        except mapping.MappingError as exc:
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


def _unwritable(target: Path, workspace: Path) -> str | None:
    """Why a lexicon file may not be written at ``target`` (the workspace, a folder, a device), or None."""
    if target.exists():
        if not target.is_file():
            return "is not a regular file; choose another name"
        if workspace.exists() and target.samefile(workspace):
            return "is the workspace; choose another name"
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        return f"folder {target.parent} does not exist"
    return None


def _replace_file(target: Path, data: bytes) -> None:
    """Write a small file whole or not at all (a temporary file beside it, then renamed over it)."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), 0o644)
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhibiao",
        description="Read budget performance target tables (预算绩效目标表), map indicators across regions.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="print the normalized records of documents (no workspace)")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print the record JSON (a list for several files)")
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

    lex = commands.add_parser("lexicon", help="the lexicon, and what your decisions taught the matcher")
    lex.add_argument("--learned", action="store_true", help="list the terms learned from decisions")
    lex.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    lex.add_argument("-o", "--output", metavar="FILE", help="write the learned terms as a lexicon TOML file")
    lex.set_defaults(run=cmd_lexicon)

    rev = commands.add_parser("review", help="open the review app (importing PATHs first if they are new)")
    rev.add_argument("paths", nargs="*", metavar="PATH")
    rev.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    rev.add_argument("--reviewer", default=None, help="your name in the decision log (default $USER)")
    rev.set_defaults(run=cmd_review)

    exp = commands.add_parser("export", help="write the approved crosswalk (TOML, or CSV for Excel)")
    exp.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    exp.add_argument("-o", "--output", metavar="FILE", help="mapping file (default mapping.toml / mapping.csv)")
    exp.add_argument("--format", choices=("toml", "csv"), default="toml")
    exp.set_defaults(run=cmd_export)

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
