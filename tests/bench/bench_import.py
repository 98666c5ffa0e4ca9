"""Benchmark: `zhibiao import` of a synthetic corpus of ≥1,000,000 indicators in ≥3,000 documents.

Target on a 2-core machine: ≤ 20 s, peak RSS ≤ 300 MB (all processes of the import together).

    python tests/bench/bench_import.py [--documents 3200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as handle:
                pages = int(handle.read().split()[1])
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (kB) of the process tree, and exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        print(err.decode(errors="replace")[-2000:], file=sys.stderr)
    return elapsed, peak, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=3200)
    parser.add_argument("--keep", type=Path, help="write the corpus and workspace here and keep them")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="zhibiao-bench-"))
    corpus = base / "corpus"
    db = base / "bench.db"
    try:
        if not corpus.exists():
            started = time.perf_counter()
            documents, indicators = write_corpus(corpus, args.documents)
            print(f"corpus: {documents} documents, {indicators} indicators "
                  f"({time.perf_counter() - started:.1f} s to write)")
        else:
            print(f"corpus: reusing {corpus}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        zhibiao = shutil.which("zhibiao") or str(Path(sys.executable).parent / "zhibiao")
        elapsed, peak, code = run_measured([zhibiao, "import", str(corpus), "--db", str(db), "-q"])
        counts = subprocess.run(
            [sys.executable, "-c",
             "import sys; from store.workspace import Workspace; w = Workspace(sys.argv[1]); print(w.counts())",
             str(db)], capture_output=True, text=True, check=True).stdout.strip()
        print(f"import: exit {code}, {elapsed:.1f} s wall, peak RSS {peak / 1024:.0f} MB (all processes)")
        print(f"workspace: {counts}")
        again, peak_again, _ = run_measured([zhibiao, "import", str(corpus), "--db", str(db), "-q"])
        print(f"re-import (all unchanged): {again:.1f} s wall, peak RSS {peak_again / 1024:.0f} MB")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
