"""Simulated review: an oracle reviewer works through the queue, and the matcher learns as it goes.

Imports DIR into a fresh workspace and plays a reviewer through the queue with the store API, as the app
does (browse.queue, Review.approve / reject, Suggester.refresh): pairs the clusters say are the same are
approved, all others rejected, in queue order. Every 25 decisions it prints the links found (pairs of
cluster members from different documents now in one concept) against the links in the clusters, with
and without learned terms side by side, so that what learning adds shows as the gap between the two
curves; at the end, the scorecard line of what is left (members with a counterpart not linked yet).

    python tests/bench/simulate_review.py --docs DIR [--docs DIR ...] --gold CLUSTERS.json
        [--negatives NEG.json] [--decisions N]

Both runs walk the queue with the same policy (the app's: likely pairs first, best score first); what
differs is only what the matcher learns. Besides links found, each line shows how many of the decisions
so far were approvals (a decision spent on a true pair): learning shows as more of the queue's head being
true pairs. Several --docs folders are imported together (labelled documents among unlabelled ones:
the unlabelled names are distractors the gold does not cover).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from match_cv import norm  # noqa: E402

from store import browse  # noqa: E402
from store.importer import import_paths  # noqa: E402
from store.review import DecisionError, Review  # noqa: E402
from store.suggest import Suggester, load_indicators  # noqa: E402
from store.workspace import Workspace  # noqa: E402


class Oracle:
    """The clusters as regional indicator ids: which pairs are the same, and the links to find."""

    def __init__(self, workspace: Workspace, clusters: list[dict], negatives: list[dict]) -> None:
        self.id_of: dict[tuple[str, str], int] = {}
        for indicator in load_indicators(workspace):
            for source in indicator.sources:
                self.id_of[(Path(source).name, norm(indicator.name))] = indicator.id
        self.cluster_of: dict[int, int] = {}
        self.members: list[list[tuple[str, int]]] = []
        for number, cluster in enumerate(clusters):
            found = []
            for member in cluster["members"]:
                ri = self.id_of.get((Path(member["source"]).name, norm(member["name"])))
                if ri is not None:
                    self.cluster_of[ri] = number
                    found.append((Path(member["source"]).name, ri))
            self.members.append(found)
        self.links = {(min(a, b), max(a, b)) for found in self.members
                      for (sa, a), (sb, b) in combinations(found, 2) if sa != sb and a != b}
        self.negatives = []
        for pair in negatives:
            a = self.id_of.get((Path(pair["a"]["source"]).name, norm(pair["a"]["name"])))
            b = self.id_of.get((Path(pair["b"]["source"]).name, norm(pair["b"]["name"])))
            if a is not None and b is not None:
                self.negatives.append((a, b))

    def same(self, a: int, b: int) -> bool:
        return a in self.cluster_of and self.cluster_of.get(a) == self.cluster_of.get(b)

    def found(self, concept_of: dict[int, int]) -> int:
        return sum(1 for a, b in self.links if concept_of.get(a) is not None and concept_of.get(a) == concept_of.get(b))


def left_scorecard(suggester: Suggester, oracle: Oracle, concept_of: dict[int, int]) -> str:
    """The scorecard's figures over what is left: each member with a counterpart in another document not
    linked to it yet is a query; look-alike pairs not rejected yet are the negatives."""
    def linked(a: int, b: int) -> bool:
        return concept_of.get(a) is not None and concept_of.get(a) == concept_of.get(b)

    queries = hits1 = hits5 = likely1 = region_pairs = region_hits = 0
    rr = 0.0
    for found in oracle.members:
        for source, ri in found:
            wanted = [(s, o) for s, o in found if s != source and o != ri and not linked(ri, o)]
            if not wanted:
                continue
            queries += 1
            ranked = suggester.matcher.candidates(ri, 10, explain=False)
            ids = [c.regional_indicator.id for c in ranked]
            targets = {o for _s, o in wanted}
            rank = next((i for i, c in enumerate(ids, start=1) if c in targets), None)
            if rank is not None:
                rr += 1 / rank
                hits1 += rank == 1
                hits5 += rank <= 5
                likely1 += rank == 1 and ranked[0].likely
            for source_b in {s for s, _o in wanted}:
                region_pairs += 1
                group = {o for s, o in wanted if s == source_b}
                region_hits += any(c in group for c in ids)
    false = likely_false = negatives = 0
    for a, b in oracle.negatives:
        for q, t in ((a, b), (b, a)):
            if suggester.matcher.decisions.is_rejected(q, t):
                continue
            negatives += 1
            ranked = suggester.matcher.candidates(q, 1, explain=False)
            if ranked and ranked[0].regional_indicator.id == t:
                false += 1
                likely_false += ranked[0].likely
    n, neg = max(queries, 1), max(negatives, 1)
    return (f"queries={queries} recall@1={hits1 / n:.3f} recall@5={hits5 / n:.3f} region_recall@10="
            f"{region_hits / max(region_pairs, 1):.3f} mrr={rr / n:.3f} false_top1={false / neg:.3f}"
            f" likely_recall@1={likely1 / n:.3f} likely_false_top1={likely_false / neg:.3f}")


def simulate(docs: list[Path], clusters: list[dict], negatives: list[dict], decisions: int, learn_terms: bool,
             every: int = 25) -> tuple[list[tuple[int, int, int, int]], str, list[float]]:
    """Play the oracle through the queue; returns (decisions, links found, links, approvals) every ``every``
    decisions, the scorecard line of what is left and the CPU seconds each decision's relearning took."""
    with tempfile.TemporaryDirectory() as folder, Workspace(Path(folder) / "review.db") as workspace:
        import_paths(workspace, docs, workers=1)
        oracle = Oracle(workspace, clusters, negatives)
        suggester = Suggester(workspace, learn_terms=learn_terms)
        suggester.compute_all()
        review = Review(workspace, "oracle")
        curve = [(0, 0, len(oracle.links), 0)]
        made = skipped = approved = 0
        relearning: list[float] = []
        while made < decisions:
            items = browse.queue(workspace, limit=1, offset=skipped)
            if not items:
                break
            a, b = items[0].regional_indicator_id, items[0].candidate_id
            try:
                if oracle.same(a, b):
                    review.approve(a, b, score=items[0].score, justification="lexical", confirm_merge=True)
                    approved += 1
                else:
                    review.reject(a, b)
            except DecisionError:
                skipped += 1
                continue
            made += 1
            started = time.process_time()
            suggester.refresh([a, b])  # what the app does before the screen moves on
            relearning.append(time.process_time() - started)
            while suggester.pending:
                suggester.refresh_pending()
            if made % every == 0:
                curve.append((made, oracle.found(suggester.matcher.decisions.concept_of), len(oracle.links),
                              approved))
        if curve[-1][0] != made:
            curve.append((made, oracle.found(suggester.matcher.decisions.concept_of), len(oracle.links), approved))
        return curve, left_scorecard(suggester, oracle, suggester.matcher.decisions.concept_of), relearning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, required=True, action="append", help="a folder of documents")
    parser.add_argument("--gold", type=Path, required=True, help="clusters in the scorecard's format")
    parser.add_argument("--negatives", type=Path, help="look-alike pairs in the scorecard's format")
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args()
    clusters = json.loads(args.gold.read_text(encoding="utf-8"))["clusters"]
    negatives = json.loads(args.negatives.read_text(encoding="utf-8")) if args.negatives else []
    negatives = negatives.get("pairs", []) if isinstance(negatives, dict) else negatives
    learning, left, relearned = simulate(args.docs, clusters, negatives, args.decisions, learn_terms=True)
    plain, plain_left, _relearned = simulate(args.docs, clusters, negatives, args.decisions, learn_terms=False)
    print("decisions  links found (learned terms)  approvals   links found (aliases only)  approvals")
    for (made, found, links, approved), (_made, found_plain, _links, approved_plain) in zip(
            learning, plain, strict=False):
        print(f"{made:>9}  {found:>5}/{links} {found / max(links, 1):6.1%}            {approved:>5}"
              f"       {found_plain:>5}/{links} {found_plain / max(links, 1):6.1%}            {approved_plain:>5}")
    print(f"left (learned terms): {left}")
    print(f"left (aliases only):  {plain_left}")
    if relearned:
        print(f"relearning after a decision (learned terms, CPU): median {statistics.median(relearned) * 1000:.1f} ms,"
              f" p95 {sorted(relearned)[int(len(relearned) * 0.95)] * 1000:.1f} ms, max {max(relearned) * 1000:.1f} ms")

if __name__ == "__main__":
    main()
