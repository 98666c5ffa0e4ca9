"""The zhibiao command line: parse, import, suggest, review, export, load-mapping.

Bad input gets one clear line naming the file and the problem (``zhibiao: FILE: problem``) and a non-zero
exit: 1 when a command's input failed, 2 when the workspace cannot be used, 130 after Ctrl+C. Every text from a
document, a file name or a mapping file is printed with its control characters made visible.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from store import files, mapping, sssom, tables
from store.errors import WorkspaceError, ZhibiaoError
from store.importer import ImportInterrupted, ImportResult, ImportStopped, import_paths
from store.lexicon import Lexicon
from store.model import Document
from store.readers.files import read_file
from store.workspace import Workspace
from tui.literal import literal, visible
from tui.printing import (
    consoles,
    document_text,
    error_line,
    fail,
    import_totals,
    print_load_report,
    print_results,
    report_summary,
    suggestion_table,
    wrote,
)

DEFAULT_DB = "zhibiao.db"
_PROGRESS_FROM = 10


def cmd_parse(args: argparse.Namespace) -> int:
    out, err = consoles()
    fmt = "json" if args.json else args.format
    if fmt == "xlsx" and not args.output:
        error_line(err, "parse", "--format xlsx writes a workbook: name it with -o FILE.xlsx")
        return 2
    if args.output and fmt not in tables.FORMATS:
        error_line(err, "parse", "-o writes a table: add --format csv or --format xlsx")
        return 2
    documents: list[Document] = []
    failed = False
    for name in args.files:
        path = Path(name)
        try:
            documents.extend(read_file(path))
        except ZhibiaoError as exc:
            fail(err, exc, path)
            failed = True
    if fmt in tables.FORMATS:
        if not documents:
            return 1
        if args.output:
            target = Path(args.output)
            try:
                rows = tables.write_table(documents, target, fmt, inputs=[Path(f) for f in args.files],
                                          force=args.force)
            except ZhibiaoError as exc:
                fail(err, exc, target)
                return 1
            records = sum(len(document.records) for document in documents)
            indicators = sum(document.indicator_count for document in documents)
            out.print(wrote(target, f"{rows} rows ({len(documents)} documents, {records} records, {indicators} "
                                     "indicators)"))
        else:
            sys.stdout.write(tables.to_csv(documents, bom=False))
    elif fmt == "json":
        payload = [d.as_json() for d in documents]
        data = payload[0] if len(payload) == 1 and len(args.files) == 1 else payload
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        for document in documents:
            out.print(document_text(document))
    return 1 if failed else 0


def cmd_import(args: argparse.Namespace) -> int:
    out, err = consoles()
    workspace = _open_workspace(args.db, err)
    if workspace is None:
        return 2
    if workspace.read_only:
        workspace.close()
        error_line(err, args.db, "workspace is read-only: nothing can be imported into it")
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
                progress.update(task, completed=done, total=total, current=visible(result.name))

        try:
            results = import_paths(workspace, paths, progress=advance, workers=args.workers)
        except (ImportInterrupted, ImportStopped) as stopped:
            progress.stop()
            print_results(out, err, stopped.results, args.quiet)
            stored = sum(1 for r in stopped.results if r.outcome in ("added", "replaced"))
            cause = "interrupted" if isinstance(stopped, ImportInterrupted) else stopped.reason
            error_line(err, args.db, f"{cause}; {stored} documents were stored before (committed, listed above), "
                                      f"{stopped.remaining} files not imported: the same command again continues")
            return 130 if isinstance(stopped, ImportInterrupted) else 2
        counts = workspace.counts()
    print_results(out, err, results, args.quiet)
    out.print(import_totals(results, args.db, counts))
    return 1 if any(r.outcome == "failed" for r in results) else 0


def _open_workspace(db: str, err: Console, *, must_exist: bool = False) -> Workspace | None:
    """The workspace, or None after one line saying why it cannot be used."""
    if must_exist and not os.path.lexists(db):
        error_line(err, db, "no such workspace (run `zhibiao import PATH --db FILE` first)")
        return None
    try:
        return Workspace(Path(db))
    except WorkspaceError as exc:
        fail(err, exc, db)
        return None


def cmd_suggest(args: argparse.Namespace) -> int:
    from store import suggest  # the matcher (numpy, scipy): loaded by the commands that match only

    out, err = consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    lexicon = Path(args.lexicon) if args.lexicon else None
    try:
        Lexicon.load(lexicon)
    except ZhibiaoError as exc:
        workspace.close()
        fail(err, exc, args.lexicon)
        return 2
    top = max(args.top, 10)
    with workspace, Progress(
        TextColumn("matching"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err,
        transient=True, disable=not err.is_terminal,
    ) as progress:
        if workspace.counts()["regional_indicators"] == 0:
            error_line(err, args.db, "the workspace has no indicators yet (run `zhibiao import PATH` first)")
            return 1
        if workspace.read_only and not suggest.is_fresh(workspace, lexicon, top):
            error_line(err, args.db, "workspace is read-only and its stored suggestions are out of date (documents,"
                                      " decisions or the lexicon changed): open it with write access once to update"
                                      " them")
            return 2
        task = progress.add_task("match", total=None)
        try:
            suggest.ensure(workspace, lexicon_file=lexicon, top=top,
                           progress=lambda done, total: progress.update(task, completed=done, total=total))
        except WorkspaceError as exc:
            progress.stop()
            fail(err, exc, args.db)
            return 2
        items = suggest.as_json(workspace)
    if args.json:
        for item in items:
            item["candidates"] = item["candidates"][: args.top]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=1) + "\n")
        return 0
    out.print(suggestion_table(items, args.top))
    with_candidates = sum(1 for item in items if item["candidates"])
    with_likely = sum(1 for item in items if item["candidates"] and not item["no_likely_match"])
    out.print(Text(f"{len(items)} regional indicators, {with_candidates} with candidates in other regions,"
                   f" {with_likely} with a likely match", style="bold"))
    return 0


def cmd_lexicon(args: argparse.Namespace) -> int:
    """What the matcher learned from the workspace's decisions, listed, and written as a lexicon file."""
    from store import learned

    out, err = consoles()
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
        if not args.output:
            return 0
        import tomli_w

        target = Path(args.output)
        data = {"format": learned.LEXICON_FORMAT, **learned.as_lexicon(terms)}
        header = f"# terms learned from the decisions in {args.db}; load with `zhibiao suggest --lexicon FILE`\n"
        try:
            files.check_output(target, files.OutputKind("a lexicon from zhibiao lexicon", learned.is_learned_lexicon),
                               protected=workspace.protected(), force=args.force)
            files.atomic_write(target, (header + tomli_w.dumps(data)).encode("utf-8"))
        except ZhibiaoError as exc:
            fail(err, exc, target)
            return 1
    out.print(wrote(target, f"{len(terms)} learned terms as a lexicon"))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    out, err = consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    target = Path(args.output or {"csv": "mapping.csv", "sssom": "mapping.sssom.tsv"}.get(args.format, "mapping.toml"))
    with workspace:
        try:
            if args.format == "sssom" or (args.format is None and target.suffix.lower() == ".tsv"):
                summary = sssom.export(workspace, target, force=args.force)
                out.print(wrote(target, f"{summary.exact} skos:exactMatch, {summary.close} skos:closeMatch, "
                                         f"{summary.negative} negative (predicate_modifier Not) mappings"))
                return 0
            written = mapping.export(workspace, target, args.format, force=args.force)
        except ZhibiaoError as exc:
            fail(err, exc, target)
            return 1
    out.print(wrote(target, f"{written['concepts']} concepts, {written['members']} members, {written['close']} "
                             f"close matches, {written['rejected']} rejected pairs, {written['flags']} flags, "
                             f"{written['no_counterpart']} with no counterpart"))
    return 0


def cmd_load_mapping(args: argparse.Namespace) -> int:
    out, err = consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    with workspace:
        try:
            report = mapping.load(workspace, Path(args.file), args.reviewer)
        except WorkspaceError as exc:
            fail(err, exc, args.db)
            return 2
        except ZhibiaoError as exc:
            fail(err, exc, args.file)
            return 1
    print_load_report(out, args.file, report)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    out, err = consoles()
    workspace = _open_workspace(args.db, err, must_exist=True)
    if workspace is None:
        return 2
    target = Path(args.output)
    from store import report

    with workspace, Progress(TextColumn("report"), TextColumn("{task.fields[step]}"), console=err, transient=True,
                             disable=not err.is_terminal) as progress:
        task = progress.add_task("report", total=None, step="")
        try:
            summary = report.write_report(workspace, target, force=args.force,
                                          progress=lambda step: progress.update(task, step=step))
        except ZhibiaoError as exc:
            fail(err, exc, target)
            return 1
    out.print(wrote(target, report_summary(summary)))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    _out, err = consoles()
    lexicon = Path(args.lexicon) if args.lexicon else None
    try:
        Lexicon.load(lexicon)
    except ZhibiaoError as exc:
        fail(err, exc, args.lexicon)
        return 2
    for stream, name in ((sys.stdin, "input"), (sys.stdout, "output")):
        if stream is None or not stream.isatty():
            error_line(err, None, f"review is an interactive app and needs a terminal (its {name} is not one); "
                                   "from a script use import, suggest and export")
            return 2
    paths = [Path(p) for p in args.paths]
    failed = False
    for path in paths:
        try:
            status = os.stat(path)
        except OSError:
            error_line(err, path, "no such file or folder")
            failed = True
            continue
        if not (os.path.isdir(path) or os.path.isfile(path)):
            error_line(err, path, f"is {files.kind_of(status.st_mode)}, not a document or folder")
            failed = True
    if failed:
        return 1
    workspace = _open_workspace(args.db, err)
    if workspace is None:
        return 2
    read_only = workspace.read_only
    workspace.close()
    if read_only and paths:
        error_line(err, args.db, "workspace is read-only: the documents named cannot be imported into it")
        return 2
    from tui.app import make_app

    app = make_app(Path(args.db), reviewer=args.reviewer, paths=paths, lexicon=lexicon)
    app.run()
    code = app.return_code or 0
    if code:
        error_line(err, None, f"the review app stopped on an error (exit status {code}); the decisions it showed as "
                               "done were committed before it stopped")
    return code


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
    parse.add_argument("--force", action="store_true",
                       help="with -o, replace an existing file that is not a records table (never a document read"
                            " or a workspace)")
    parse.set_defaults(run=cmd_parse)

    imp = commands.add_parser("import", help="parse documents (files or folders) and store them in a workspace")
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    imp.add_argument("-q", "--quiet", action="store_true", help="summary lines only, no warnings")
    imp.add_argument("--workers", type=_positive, default=None,
                     help="parser processes (default: cores, max 4; never more than the cores or the files)")
    imp.set_defaults(run=cmd_import)

    sug = commands.add_parser("suggest", help="cross-region match suggestions for every regional indicator")
    sug.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    sug.add_argument("--top", type=_positive, default=5, help="candidates per indicator (default 5)")
    sug.add_argument("--json", action="store_true", help="print JSON (the shape score_match.py reads)")
    sug.add_argument("--lexicon", metavar="FILE", help="your own lexicon (TOML) on top of the shipped one")
    sug.set_defaults(run=cmd_suggest)

    lex = commands.add_parser("lexicon", help="the lexicon, and what your decisions taught the matcher")
    lex.add_argument("--learned", action="store_true", help="list the terms learned from decisions")
    lex.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    lex.add_argument("-o", "--output", metavar="FILE", help="write the learned terms as a lexicon TOML file")
    lex.add_argument("--force", action="store_true",
                     help="replace an existing file that is not an earlier lexicon (never the workspace or a document)")
    lex.set_defaults(run=cmd_lexicon)

    rev = commands.add_parser("review", help="open the review app (importing PATHs first if they are new)")
    rev.add_argument("paths", nargs="*", metavar="PATH")
    rev.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    rev.add_argument("--reviewer", default=None, help="your name in the decision log (default $USER)")
    rev.add_argument("--lexicon", metavar="FILE", help="your own lexicon (TOML) on top of the shipped one")
    rev.set_defaults(run=cmd_review)

    exp = commands.add_parser("export", help="write the approved crosswalk (TOML, CSV for Excel, or SSSOM/TSV)")
    exp.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    exp.add_argument("-o", "--output", metavar="FILE",
                     help="mapping file (default mapping.toml / mapping.csv / mapping.sssom.tsv); an existing file"
                     " is replaced only when it is an earlier export")
    exp.add_argument("--format", choices=("toml", "csv", "sssom"), default=None,
                     help="toml, csv or sssom (default: what the file's extension says, else toml)")
    exp.add_argument("--force", action="store_true",
                     help="replace an existing file that is not an earlier export (never the workspace or a document)")
    exp.set_defaults(run=cmd_export)

    rep = commands.add_parser("report", help="the library, the regions' targets compared and the coverage as a"
                                             " workbook (.xlsx)")
    rep.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    rep.add_argument("-o", "--output", metavar="FILE", required=True,
                     help="the workbook to write (crosswalk.xlsx); an existing file is replaced only when it is an"
                          " earlier report")
    rep.add_argument("--force", action="store_true",
                     help="replace an existing file that is not an earlier report (never the workspace or a document)")
    rep.set_defaults(run=cmd_report)

    load = commands.add_parser("load-mapping", help="bring a previously exported mapping back")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--db", default=DEFAULT_DB, help=f"workspace file (default ./{DEFAULT_DB})")
    load.add_argument("--reviewer", default=None, help="who loads it (default $USER)")
    load.set_defaults(run=cmd_load_mapping)
    return parser


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is less than 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:  # import reports what it committed itself; every other command writes in one go
        error_line(Console(stderr=True, markup=False, highlight=False, soft_wrap=True), None,
                    "interrupted: nothing this command was writing was stored")
        return 130
    except BrokenPipeError:  # the output was piped into a command that stopped reading (head): not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ZhibiaoError as exc:
        error_line(Console(stderr=True, markup=False, highlight=False, soft_wrap=True), exc.path, exc.reason)
        return 1
