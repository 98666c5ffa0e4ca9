"""The concepts library stored in the workspace: a new process lists the concepts from the stored rows, and
those rows follow decisions and imports made here and in other processes; a screen never waits on another
process's write to store them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import SEEDS, ri
from crosswalk_families import mapped_copy

from store import compare
from store.readers import read_path
from store.review import Review
from store.workspace import Workspace

DECIDE = ("import sys; from store.workspace import Workspace; from store.review import Review\n"
          "with Workspace(sys.argv[1]) as w:\n"
          "    ids = dict(((r, n), i) for i, r, n in w.connection.execute("
          "'SELECT id, region, name FROM regional_indicators'))\n"
          "    Review(w, 'frank').approve(ids[('金寨县', '居民参保率')], ids[('抚顺市', '政策知晓率')])\n")
LIST = ("import sys; from store.workspace import Workspace; from store import compare\n"
        "with Workspace(sys.argv[1]) as w:\n"
        "    print(len(compare.concept_rows(w)))\n")
HOLD = ("import sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute(\"UPDATE concepts SET name = name\")\n"
        "print('holding', flush=True)\n"
        "sys.stdin.readline()\n"
        "c.execute('ROLLBACK')\n")


@pytest.fixture
def workspace_copy(seeded: Path, tmp_path: Path) -> tuple[Path, dict[str, int]]:
    compare._LIBRARIES.clear()
    yield mapped_copy(seeded, tmp_path)
    compare._LIBRARIES.clear()


def fresh(workspace: Workspace) -> list[compare.ConceptRow]:
    return [compare.concept_row(item) for item in compare.comparisons(workspace, provenance=False)]


def stored(workspace: Workspace) -> tuple[int, int | None]:
    count = workspace.connection.execute("SELECT count(*) FROM library_rows").fetchone()[0]
    state = workspace.connection.execute("SELECT last_event FROM library_state").fetchone()
    return count, state[0] if state else None


def last_event(workspace: Workspace) -> int:
    return workspace.connection.execute("SELECT max(id) FROM events").fetchone()[0]


def test_a_new_process_lists_the_stored_rows(workspace_copy) -> None:
    path, concepts = workspace_copy
    listed = subprocess.run([sys.executable, "-c", LIST, str(path)], check=True, capture_output=True, text=True)
    assert listed.stdout.strip() == str(len(concepts))
    with Workspace(path) as workspace:
        assert stored(workspace) == (len(concepts), last_event(workspace))
        # what another process stored is what this one reads: shown by changing a stored row by hand
        workspace.connection.execute("UPDATE library_rows SET spread = 'stored' WHERE concept_id = ?",
                                     (concepts["参保率"],))
        rows = {row.id: row for row in compare.concept_rows(workspace)}
        assert rows[concepts["参保率"]].spread == "stored"
        rows[concepts["参保率"]] = replace(rows[concepts["参保率"]], spread=fresh_spread(workspace, concepts["参保率"]))
        assert list(rows.values()) == fresh(workspace)


def fresh_spread(workspace: Workspace, concept_id: int) -> str:
    return next(row.spread for row in fresh(workspace) if row.id == concept_id)


def test_the_stored_rows_follow_decisions_made_in_another_process(workspace_copy) -> None:
    path, concepts = workspace_copy
    with Workspace(path) as workspace:
        compare.concept_rows(workspace)
        review = Review(workspace, "erin")
        review.rename(concepts["服务对象满意度"], "服务对象满意度（全市）")
        review.detach(ri(workspace, "抚顺市", "参保人员对医保服务的满意度"))
    subprocess.run([sys.executable, "-c", DECIDE, str(path)], check=True)
    compare._LIBRARIES.clear()  # this process starts again: only the stored rows are known
    with Workspace(path) as workspace:
        assert stored(workspace)[1] < last_event(workspace)
        rows = compare.concept_rows(workspace)
        assert rows == fresh(workspace)
        assert stored(workspace) == (len(rows), last_event(workspace))
        renamed = next(row for row in rows if row.id == concepts["服务对象满意度"])
        assert renamed.name == "服务对象满意度（全市）" and "抚顺市" not in renamed.regions
        insured = next(row for row in rows if row.id == concepts["参保率"])
        assert insured.members == 6
        Review(workspace, "erin").undo()
        compare._LIBRARIES.clear()
        assert compare.concept_rows(workspace) == fresh(workspace)


def test_the_stored_rows_follow_a_revised_document(workspace_copy) -> None:
    path, concepts = workspace_copy
    document = read_path(SEEDS / "000_1dc01b27c551b5e1.txt")
    revised = replace(document, records=tuple(
        replace(record, indicators=tuple(
            replace(indicator, annual_value="≥60%") if indicator.name == "服务对象满意度" else indicator
            for indicator in record.indicators))
        for record in document.records))
    with Workspace(path) as workspace:
        before = {row.id: row for row in compare.concept_rows(workspace)}
        assert workspace.store_document(revised, "revised").outcome == "replaced"
    compare._LIBRARIES.clear()
    with Workspace(path) as workspace:
        after = {row.id: row for row in compare.concept_rows(workspace)}
        assert list(after.values()) == fresh(workspace)
    satisfaction = concepts["服务对象满意度"]
    assert before[satisfaction].spread == "≥80% – 100%" and after[satisfaction].spread == "≥60% – ≥95%"


def test_the_listing_does_not_wait_on_another_process_writing(workspace_copy, tmp_path: Path) -> None:
    path, _ = workspace_copy
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with Workspace(path) as workspace:
            started = time.monotonic()
            rows = compare.concept_rows(workspace)
            waited = time.monotonic() - started
            assert rows == fresh(workspace)
            assert stored(workspace) == (0, None)  # nothing stored while another process writes
            assert waited < 10  # the workspace's own wait for a lock is 15 s
            assert workspace.connection.execute("PRAGMA busy_timeout").fetchone()[0] == 15000
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with Workspace(path) as workspace:
        compare._LIBRARIES.clear()
        assert compare.concept_rows(workspace) == fresh(workspace)
        assert stored(workspace)[0] == len(fresh(workspace))


EXPLAIN = ("from store import compare\n"
           "rows = [(n, region, '满意度', None, value, compare._comparable(value, '满意度'), False)"
           " for n, (region, value)"
           " in enumerate([('广州市', '≤75%'), ('抚顺市', '≥80%'), ('湛江市', '≥85%'), ('金寨县', '≥90%'),"
           " ('韶关市曲江区', '≥95%'), ('惠州市', '≥95%')])]\n"
           "print(compare._flags(rows)[0][0][0].explanation)\n")


def test_explanations_name_the_regions_in_the_same_order_in_every_process() -> None:
    outputs = {subprocess.run([sys.executable, "-c", EXPLAIN], check=True, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(1, 9)}
    assert outputs == {"≤75% sets a ceiling where 抚顺市、湛江市、金寨县 and 2 more set a floor (≥80%)\n"}
