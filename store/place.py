"""Where each reviewer left the review app (regions opened, record, indicator, candidate, pane), kept in the
workspace so that the next session opens there."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from store.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reviewer left the app: the regions opened, the record, the indicator and candidate rows and
    the pane that had the focus."""

    expanded: tuple[str, ...] = field(default_factory=tuple)
    record_id: int | None = None
    indicator: int = 0
    candidate: int = 0
    pane: str = "records"


def save_place(workspace: Workspace, reviewer: str, place: Place) -> None:
    with workspace.transaction() as connection:
        connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           (f"place:{reviewer}", json.dumps(asdict(place), ensure_ascii=False)))


def load_place(workspace: Workspace, reviewer: str) -> Place | None:
    """The reviewer's last place, or None (never saved, or unreadable: the app then opens at the top)."""
    row = workspace.connection.execute("SELECT value FROM meta WHERE key = ?", (f"place:{reviewer}",)).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
        return Place(expanded=tuple(str(name) for name in data["expanded"]),
                     record_id=None if data["record_id"] is None else int(data["record_id"]),
                     indicator=int(data["indicator"]), candidate=int(data["candidate"]), pane=str(data["pane"]))
    except (TypeError, ValueError, KeyError):
        return None
