"""Benchmark: the review app on a workspace with ≥100,000 regional indicators, headless.

Reports the time until the main screen shows data (target ≤ 1 s) and the CPU time per keypress of the
app's own thread for moving, approving and undoing (target median ≤ 15 ms, p95 ≤ 30 ms; Pilot's waits
and the background matcher's threads excluded), and for each keystroke typed into the map-to search box
(target ≤ 50 ms; the search index is built once per workspace, in a worker, when the box first opens).

    python tests/bench/bench_review.py [--documents 400] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus
from textual import events

from store.workspace import Workspace
from tui.app import make_app
from tui.screens import MainScreen
from tui.widgets import RowList

_CHARACTERS = {"enter": "\r", "escape": "\x1b", "shift+tab": None, "home": None, "at": "@", "space": " ",
               "backspace": "\x7f"}
# what a reviewer types into the map-to box: a name growing, corrected, then narrowed to a region
MAP_TO_QUERIES = ("参保人员满意度", "资金到位率", "培训人次", "投诉办结")


def _summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{name}: median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms ({len(ordered)} keys)"


async def measure(db: Path) -> None:
    started = time.perf_counter()
    app = make_app(db, reviewer="bench", keymap={})
    async with app.run_test(size=(160, 45)) as pilot:
        while not (isinstance(app.screen, MainScreen) and app.screen.query_one("#records", RowList).rows):
            await asyncio.sleep(0.005)
        shown = time.perf_counter() - started
        print(f"main screen shows data after {shown:.2f} s")
        await app.workers.wait_for_complete()
        print(f"matcher ready in the background after {time.perf_counter() - started:.1f} s")

        async def direct(name: str) -> float:
            """The app's CPU for one key: the key event goes to the driver's queue as a terminal's would,
            and the bench sleeps (no CPU) while the app handles it, redraws, relearns in a worker thread
            (not counted) and redraws again."""
            before = time.thread_time()
            app._driver.send_message(events.Key(name, _CHARACTERS.get(name, name)))  # type: ignore[union-attr]
            await asyncio.sleep(0.05)
            await app.workers.wait_for_complete()
            await asyncio.sleep(0.03)
            return time.thread_time() - before

        async def piloted(name: str) -> float:
            """The same through Pilot: its press and its idle waits (a call to every widget) add ~4 ms."""
            before = time.thread_time()
            await pilot.press(name)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return time.thread_time() - before

        for label, key in (("app", direct), ("through Pilot", piloted)):
            moving = [await key("j") for _ in range(60)]  # records, across collapsed regions
            await key("enter")
            moving += [await key("j") for _ in range(20)]  # indicators
            approving, undoing = [], []
            for _ in range(15):
                await key("n")
                approving.append(await key("a"))
                undoing.append(await key("u"))
            all_keys = moving + approving + undoing
            print(f"-- CPU per key, {label}: slowest (ms)", sorted(round(x * 1000, 1) for x in all_keys)[-6:])
            for name, samples in (("move", moving), ("approve", approving), ("undo", undoing),
                                  ("all keys", all_keys)):
                print(_summary(name, samples))
            await key("escape")
            await key("shift+tab")
            await key("home")
        await map_to_keys(app, direct)


async def map_to_keys(app, key) -> None:
    """Open map to… on an indicator and type into the search box, one key at a time."""
    from store import search
    from tui.screens.map_to import MapToScreen

    await key("enter")
    await key("j")
    started = time.perf_counter()
    opening = await key("m")
    while not (isinstance(app.screen, MapToScreen) and app.screen.ready):
        await asyncio.sleep(0.01)
    print(f"-- map to…: box open with its index after {time.perf_counter() - started:.1f} s "
          f"(the key itself {opening * 1000:.1f} ms CPU; the index is built in a worker)")
    region = search.index_for(app.workspace).regions[-1][:2]
    typing = []
    for query in MAP_TO_QUERIES:
        for character in query:
            typing.append(await key(character))
        typing.append(await key("backspace"))
        typing += [await key("space"), await key("at")]
        typing += [await key(character) for character in region]
        while app.screen.query_one("#map-query").value:
            typing.append(await key("backspace"))
    print("-- CPU per key, map to… search box: slowest (ms)", sorted(round(x * 1000, 1) for x in typing)[-6:])
    print(_summary("map-to keystroke", typing))
    await key("escape")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="zhibiao-bench-"))
    corpus, db = base / "review-corpus", base / "review.db"
    try:
        if not corpus.exists():
            write_corpus(corpus, args.documents, seed=11)
        if not db.exists():
            zhibiao = shutil.which("zhibiao") or str(Path(sys.executable).parent / "zhibiao")
            subprocess.run([zhibiao, "import", str(corpus), "--db", str(db), "-q"], check=True,
                           stdout=subprocess.DEVNULL)
        with Workspace(db) as workspace:
            print(f"workspace: {workspace.counts()}")
            # every run starts at the top, not where the last run left off
            with workspace.transaction() as connection:
                connection.execute("DELETE FROM meta WHERE key = 'place:bench'")
        asyncio.run(measure(db))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
