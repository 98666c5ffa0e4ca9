"""Benchmark: suggestions at the scale of a whole country.

Builds a workspace from the synthetic corpus (≥100,000 distinct normalized names across ≥3,000 regions)
and reports:
- the time to load the workspace into the matcher and compute the top suggestions of every distinct
  name (target ≤ 30 s on a 2-core machine) and the peak memory (target ≤ 1 GB);
- the time for one regional indicator's top-10 on demand (sample);
- how much of brute-force top-10 recall the fast path keeps, on a sample of names (target ≥ 99 %);
- the time to refresh the suggestions one decision affects (target ≤ 50 ms).

    python tests/bench/bench_match.py [--documents 3200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from store.review import Review
from store.suggest import Suggester
from store.workspace import Workspace


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=3200)
    parser.add_argument("--keep", type=Path, help="write the corpus and workspace here and keep them")
    parser.add_argument("--sample", type=int, default=200, help="names checked against brute force")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="zhibiao-bench-"))
    corpus, db = base / "corpus", base / "bench.db"
    try:
        if not corpus.exists():
            write_corpus(corpus, args.documents)
        if not db.exists():
            zhibiao = shutil.which("zhibiao") or str(Path(sys.executable).parent / "zhibiao")
            subprocess.run([zhibiao, "import", str(corpus), "--db", str(db), "-q"], check=True,
                           stdout=subprocess.DEVNULL)
        workspace = Workspace(db)
        counts = workspace.counts()
        regions = workspace.connection.execute("SELECT count(DISTINCT region) FROM regional_indicators").fetchone()[0]

        started, started_cpu = time.perf_counter(), time.process_time()
        suggester = Suggester(workspace)
        matcher = suggester.matcher
        loaded = time.perf_counter()
        matcher.precompute(workers=-1)
        done = time.perf_counter()
        names = len(matcher.index.names)
        print(f"workspace: {counts['indicators']} indicators, {counts['regional_indicators']} regional indicators,"
              f" {regions} regions, {names} distinct normalized names")
        print(f"load + normalize + index: {loaded - started:.1f} s; top suggestions of every name: "
              f"{done - loaded:.1f} s; total {done - started:.1f} s (CPU {time.process_time() - started_cpu:.1f} s);"
              f" peak RSS {_peak_mb():.0f} MB")
        t = time.perf_counter()
        suggester.save_names()
        saved = time.perf_counter() - t

        rng = random.Random(7)
        ids = matcher.ids()
        sample = rng.sample(ids, min(1000, len(ids)))
        timings, cpu = [], []
        for ri_id in sample:
            t, c = time.perf_counter(), time.process_time()
            matcher.candidates(ri_id, 10)
            timings.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"one indicator's top-10 on demand: median {statistics.median(timings) * 1000:.2f} ms, "
              f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.2f} ms (CPU per call: median "
              f"{statistics.median(cpu) * 1000:.2f} ms, p95 {sorted(cpu)[int(len(cpu) * 0.95)] * 1000:.2f} ms;"
              f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")

        from store.matching import brute_force_names

        # the corpus knows which seed indicator every name varies: names of the same seed are true
        # counterparts. Recall = true counterparts among the top 10 names; the fast path is compared
        # with scoring every name (brute force) on a sample.
        bases = dict(line.rstrip("\n").split("\t") for line in
                     (base / "corpus-bases.tsv").read_text(encoding="utf-8").splitlines())
        base_of_row: dict[int, str] = {}
        for ri_id in ids:
            pos = matcher._pos(ri_id)
            base_of_row.setdefault(int(matcher._row[pos]), bases.get(matcher._names[pos], ""))
        rows = rng.sample(sorted(base_of_row), min(args.sample, len(base_of_row)))
        brute_hits = fast_hits = same = total = 0
        t = time.perf_counter()
        for row in rows:
            reference = brute_force_names(matcher.index, row, 10)
            fast = [int(r) for r in matcher.neighbours(row)[0] if r != row][:10]
            brute_hits += sum(1 for r in reference if base_of_row.get(r) == base_of_row[row])
            fast_hits += sum(1 for r in fast if base_of_row.get(r) == base_of_row[row])
            same += len(set(reference) & set(fast))
            total += len(reference)
        print(f"recall of the top-10 names ({len(rows)} sampled names): brute force {brute_hits / max(total, 1):.1%},"
              f" fast path {fast_hits / max(total, 1):.1%}: the fast path keeps "
              f"{min(fast_hits / max(brute_hits, 1), 1.0):.1%} of brute-force recall "
              f"({same / max(total, 1):.1%} of the very same names; brute force took {time.perf_counter() - t:.1f} s)")

        review = Review(workspace, "bench")
        refresh_times = []
        for ri_id in rng.sample(ids, 20):
            found = matcher.candidates(ri_id, 1)
            if not found:
                continue
            outcome = review.approve(ri_id, found[0].regional_indicator.id, score=found[0].score,
                                     justification="lexical", confirm_merge=True)
            t = time.perf_counter()
            suggester.refresh([ri_id, found[0].regional_indicator.id])
            refresh_times.append(time.perf_counter() - t)
            del outcome
        if refresh_times:
            print(f"refresh after one decision: median {statistics.median(refresh_times) * 1000:.1f} ms, "
                  f"max {max(refresh_times) * 1000:.1f} ms ({len(refresh_times)} approvals)")
        print(f"peak RSS {_peak_mb():.0f} MB")
        del suggester, matcher
        t = time.perf_counter()
        reopened = Suggester(workspace)
        print(f"name-level suggestions stored in the workspace in {saved:.1f} s; a new session reopens them "
              f"without rescoring in {time.perf_counter() - t:.1f} s (complete: "
              f"{reopened.matcher.neighbours_complete()})")
        workspace.close()
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
