"""The crosswalk written from the app: the mapping (TOML or CSV), the workbook an analyst hands on, or SSSOM
for other mapping tools, each through the store's writer. Plain Python (no Textual): the app's export worker
calls it with a connection of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store import mapping
from store.errors import ZhibiaoError
from store.workspace import Workspace

# format -> (what the export dialog calls it, the extension it writes)
FORMATS: dict[str, tuple[str, str]] = {
    "toml": ("mapping (TOML)", ".toml"),
    "csv": ("mapping (CSV for Excel)", ".csv"),
    "xlsx": ("workbook (指标库, 对照, 覆盖, 未匹配, 决定日志, 图表)", ".xlsx"),
    "sssom": ("SSSOM/TSV", ".tsv"),
}


class ExportFailed(Exception):
    """The file cannot be written: the message names it and says why."""


def format_of(path: Path) -> str:
    """The format a file name asks for by its extension (TOML when it names none of them)."""
    suffix = path.suffix.lower()
    return next((fmt for fmt, (_what, extension) in FORMATS.items() if extension == suffix), "toml")


def with_format(path: str, fmt: str) -> str:
    """The file name with the extension of ``fmt`` (mapping.toml -> mapping.xlsx; an SSSOM file is
    mapping.sssom.tsv)."""
    stem = path
    for _what, extension in FORMATS.values():
        if stem.lower().endswith(extension):
            stem = stem[: -len(extension)]
            break
    stem = stem.removesuffix(".sssom")
    return stem + (".sssom.tsv" if fmt == "sssom" else FORMATS[fmt][1])


def export(workspace: Workspace, path: Path, fmt: str, progress: Callable[[str], None]) -> str:
    """Write the crosswalk in ``fmt`` and say what was written; ExportFailed says why it was not."""
    from store import report, sssom  # openpyxl is loaded when a workbook or SSSOM file is written, not before

    try:
        if fmt == "xlsx":
            summary = report.write_report(workspace, path, progress=progress)
            return (f"wrote {path}: {summary.concepts} concepts over {summary.regions} regions, "
                    f"{summary.flagged_cells} flagged cells, {summary.charts} charts, {summary.unmatched} unmatched "
                    f"indicators")
        if fmt == "sssom":
            progress("SSSOM")
            written = sssom.export(workspace, path)
            return (f"wrote {path}: {written.exact} skos:exactMatch, {written.close} skos:closeMatch, "
                    f"{written.negative} negative mappings")
        progress(fmt.upper())
        counts = mapping.export(workspace, path, fmt)
        return f"wrote {path}: {counts['concepts']} concepts, {counts['members']} members"
    except ZhibiaoError as exc:
        reason = str(exc)
        raise ExportFailed(reason if reason.startswith(str(path)) else f"{path}: {reason}") from exc
