"""Benchmark: the crosswalk's results on a workspace with 10,000 concepts.

Reports how long the concepts listing takes (what the concepts screen shows: every concept with level 1/2,
members, regions covered, occurrences and flags; target ≤ 0.5 s) — worked out from scratch with nothing
stored, read back in a new process from the rows the workspace stores (as the app opens), and again after
each of a few decisions (as the screen reopens: only the touched concepts are worked out again) — one
concept's comparison, and how long `zhibiao report` takes to write the workbook (target ≤ 10 s).
Wall and CPU time are both printed: on a busy machine the CPU time is the steadier figure.

The workspace: a synthetic corpus (tests/bench/corpus.py) imported, and concepts made from indicators that
vary the same seed indicator in different regions (2–6 members each), with one logged decision per
concept, as the review app would have written them.

    python tests/bench/bench_report.py [--documents 170] [--concepts 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from store import compare
from store.review import Review, now
from store.text import key_name
from store.workspace import Workspace


def make_concepts(workspace: Workspace, bases_file: Path, wanted: int, seed: int = 5) -> int:
    """Group regional indicators that vary one seed indicator into concepts of 2–6 regions each."""
    base_of = {}
    for line in bases_file.read_text(encoding="utf-8").splitlines():
        name, _, base = line.partition("\t")
        base_of[key_name(name)] = base
    by_base: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ri_id, region, key in workspace.connection.execute("SELECT id, region, key FROM regional_indicators"):
        base = base_of.get(key)
        if base:
            by_base[base].append((ri_id, region))
    rng = random.Random(seed)
    groups: list[list[int]] = []
    for base in sorted(by_base):
        items = by_base[base]
        rng.shuffle(items)
        while len(items) >= 2:
            size = min(len(items), rng.randint(2, 6))
            group: list[int] = []
            seen: set[str] = set()
            rest = []
            for ri_id, region in items:
                if len(group) < size and region not in seen:
                    group.append(ri_id)
                    seen.add(region)
                else:
                    rest.append((ri_id, region))
            if len(group) < 2:
                break
            groups.append(group)
            items = rest
    rng.shuffle(groups)
    groups = groups[:wanted]
    review = Review(workspace, "bench")
    names = dict(workspace.connection.execute("SELECT id, name FROM regional_indicators"))
    levels = {row[0]: row[1:] for row in workspace.connection.execute(
        "SELECT id, level1, level2 FROM regional_indicators")}
    with workspace.transaction() as connection:
        first = (connection.execute("SELECT coalesce(max(id), 0) FROM concepts").fetchone()[0]) + 1
        for offset, group in enumerate(groups):
            concept_id = first + offset
            at = now()
            changes = [review.row_change("concepts", (concept_id,), {
                "id": concept_id, "name": names[group[0]], "level1": levels[group[0]][0],
                "level2": levels[group[0]][1], "created_at": at})]
            changes += [review.row_change("concept_members", (ri_id,), {
                "regional_indicator_id": ri_id, "concept_id": concept_id, "justification": "manual", "score": None,
                "approved_by": "bench", "approved_at": at}) for ri_id in group]
            review.commit_changes("approve", f"approved {len(group)} members as {names[group[0]]}", changes)
    return len(groups)


def _member_of(workspace: Workspace, concept_id: int) -> int:
    return workspace.connection.execute(
        "SELECT regional_indicator_id FROM concept_members WHERE concept_id = ? LIMIT 1", (concept_id,)).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=170)
    parser.add_argument("--concepts", type=int, default=10_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="zhibiao-bench-"))
    corpus, db = base / "report-corpus", base / "report.db"
    zhibiao = shutil.which("zhibiao") or str(Path(sys.executable).parent / "zhibiao")
    try:
        if not corpus.exists():
            write_corpus(corpus, args.documents, seed=13)
        if not db.exists():
            subprocess.run([zhibiao, "import", str(corpus), "--db", str(db), "-q"], check=True,
                           stdout=subprocess.DEVNULL)
            with Workspace(db) as workspace:
                made = make_concepts(workspace, base / "report-corpus-bases.tsv", args.concepts)
            print(f"made {made} concepts")
        with Workspace(db) as workspace:
            connection = workspace.connection
            counts = workspace.counts()
            concepts = connection.execute("SELECT count(*) FROM concepts").fetchone()[0]
            members = connection.execute("SELECT count(*) FROM concept_members").fetchone()[0]
            events = connection.execute("SELECT count(*) FROM events").fetchone()[0]
            print(f"workspace: {counts}; {concepts} concepts with {members} members, {events} decisions")
            with workspace.transaction() as writing:  # nothing worked out before, in memory or stored
                writing.execute("DELETE FROM library_state")
                writing.execute("DELETE FROM library_rows")
            compare._LIBRARIES.clear()
            started, cpu = time.perf_counter(), time.process_time()
            rows = compare.concept_rows(workspace)
            first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
            flagged = sum(1 for row in rows if row.flags)
            print(f"concepts listing from scratch, nothing stored ({len(rows)} rows, {flagged} flagged): "
                  f"{first:.3f} s wall, {first_cpu:.3f} s CPU (worked out, then stored in the workspace)")
            opening, opening_cpu = [], []
            for _ in range(3):
                compare._LIBRARIES.clear()  # a new process: the app opened again on the workspace
                started, cpu = time.perf_counter(), time.process_time()
                again = compare.concept_rows(workspace)
                opening.append(time.perf_counter() - started)
                opening_cpu.append(time.process_time() - cpu)
            assert again == rows
            print(f"concepts listing from scratch in a new process (rows stored): median "
                  f"{statistics.median(opening):.3f} s wall, {statistics.median(opening_cpu):.3f} s CPU "
                  "(target ≤ 0.5 s)")
            review = Review(workspace, "bench")
            unmapped = [ri_id for (ri_id,) in connection.execute(
                "SELECT id FROM regional_indicators WHERE id NOT IN (SELECT regional_indicator_id FROM"
                " concept_members) ORDER BY id LIMIT 20")]
            after, after_cpu = [], []
            for index, ri_id in enumerate(unmapped[:10]):
                if index % 2:
                    review.undo()
                else:
                    review.approve(_member_of(workspace, rows[index * 97].id), ri_id)
                started, cpu = time.perf_counter(), time.process_time()
                compare.concept_rows(workspace)
                after.append(time.perf_counter() - started)
                after_cpu.append(time.process_time() - cpu)
            print(f"concepts listing after a decision: median {statistics.median(after) * 1000:.1f} ms wall, "
                  f"{statistics.median(after_cpu) * 1000:.1f} ms CPU, max {max(after) * 1000:.1f} ms "
                  f"({len(after)} decisions; target ≤ 0.5 s)")
            sample = [row.id for row in rows[:: max(1, len(rows) // 50)]]
            one = []
            for concept_id in sample:
                started = time.perf_counter()
                compare.comparison(workspace, concept_id)
                one.append(time.perf_counter() - started)
            print(f"one concept's comparison: median {statistics.median(one) * 1000:.1f} ms, "
                  f"max {max(one) * 1000:.1f} ms ({len(one)} concepts)")
        target = base / "crosswalk.xlsx"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run([zhibiao, "report", "--db", str(db), "-o", str(target)], check=True,
                                capture_output=True, text=True)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime
        print(result.stdout.strip())
        print(f"zhibiao report: {wall:.2f} s wall, {cpu:.2f} s CPU, {target.stat().st_size / 1e6:.1f} MB "
              "(target ≤ 10 s)")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
