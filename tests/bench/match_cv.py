"""Cross-validation of the matcher on labelled clusters: an honest estimate of how it does on names it was
never tuned on.

The clusters (and the look-alike pairs) are split in two halves by a hash of their text. For each half,
the one thing the matcher tunes — the tier threshold, chosen on look-alike pairs (choose_threshold) — is
chosen on the *other* half, and the half is scored with the project's scorecard (score_match.py --pred).
A rule that helps only the half it was written for shows as a gap between the two lines. The same is
printed without the shipped lexicon (plain names, no synonyms or contrasts): the lexicon's gain on each
half.

    python tests/bench/match_cv.py [--docs fixtures/seeds] [--gold ../shared/gold/mapping-dev.json]
        [--negatives ../shared/gold/mapping-negatives-dev.json] [--salt 0] [--ablate]

With --ablate it audits the shipped lexicon instead: every entry (a synonym group, a contrast term or
group, a generic word) is taken out in turn and the change of recall@1, MRR and false top-1 on each half
is printed. An entry whose gain shows on one half only was most likely written from that half's names.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from store.importer import import_paths  # noqa: E402
from store.lexicon import Lexicon  # noqa: E402
from store.matching import Matcher  # noqa: E402
from store.matching.score import choose_threshold  # noqa: E402
from store.review import Review  # noqa: E402
from store.suggest import load_indicators  # noqa: E402
from store.workspace import Workspace  # noqa: E402

SCORECARD = ROOT.parent / "shared" / "tools" / "score_match.py"


def norm(value: object) -> str:
    """The scorecard's name comparison."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"^指标\d+[:：]", "", text)
    return text.rstrip("。;；,，")


def half_of(text: str, salt: str) -> int:
    return hashlib.sha256(f"{salt}:{text}".encode()).digest()[0] % 2


def predictions(matcher: Matcher, indicators: dict, top: int = 10) -> tuple[list[dict], dict[int, list]]:
    """Every regional indicator's top candidates in the scorecard's shape, and the wider lists by id."""
    wide: dict[int, list] = {}
    items = []
    for ri_id, indicator in indicators.items():
        found = matcher.candidates(ri_id, 60, explain=False)
        wide[ri_id] = found
        items.append({"region": indicator.region, "name": indicator.name, "sources": list(indicator.sources),
                      "candidates": [{"region": c.regional_indicator.region, "name": c.regional_indicator.name,
                                      "sources": list(indicators[c.regional_indicator.id].sources),
                                      "score": c.score, "contrasted": c.contrasted} for c in found[:top]]})
    return items, wide


def lookalike_scores(pairs: list[dict], wide: dict[int, list], id_of: dict) -> list[float]:
    """The score each look-alike pair gets (its candidate's score in the other's list, 0 when absent):
    what the threshold must stay above. Pairs a contrast marks count too: on names never seen the
    lexicon's contrasts rarely fire, and the threshold alone must then keep look-alikes out."""
    scores = []
    for pair in pairs:
        for q, t in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
            qi, ti = id_of.get((Path(q["source"]).name, norm(q["name"]))), id_of.get(
                (Path(t["source"]).name, norm(t["name"])))
            if qi is None or ti is None:
                continue
            scores.append(next((c.score for c in wide[qi] if c.regional_indicator.id == ti), 0.0))
    return scores


def scorecard(items: list[dict], clusters: list[dict], negatives: list[dict], threshold: float) -> str:
    tiered = [{**item, "candidates": [
        {**c, "tier": "likely" if c["score"] >= threshold and not c["contrasted"] else "possible"}
        for c in item["candidates"]]} for item in items]
    with tempfile.TemporaryDirectory() as folder:
        pred, gold, neg = Path(folder, "pred.json"), Path(folder, "gold.json"), Path(folder, "neg.json")
        pred.write_text(json.dumps(tiered, ensure_ascii=False), encoding="utf-8")
        gold.write_text(json.dumps({"clusters": clusters}, ensure_ascii=False), encoding="utf-8")
        neg.write_text(json.dumps(negatives, ensure_ascii=False), encoding="utf-8")
        out = subprocess.run([sys.executable, str(SCORECARD), "--pred", str(pred), "--gold", str(gold),
                              "--negatives", str(neg)], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def quick_scores(items: list[dict], clusters: list[dict], negatives: list[dict]) -> tuple[float, float, float]:
    """(recall@1, MRR, false top-1) as the scorecard counts them, in process (for the ablation's many runs)."""
    index: dict[tuple[str, str], dict] = {}
    for item in items:
        for source in item["sources"]:
            index.setdefault((Path(source).name, norm(item["name"])), item)

    def rank_of(item: dict, targets: list[dict]) -> int | None:
        keys = {(Path(t["source"]).name, norm(t["name"])) for t in targets}
        for rank, candidate in enumerate(item["candidates"], start=1):
            if any((Path(s).name, norm(candidate["name"])) in keys for s in candidate["sources"]):
                return rank
        return None

    queries = hits = 0
    reciprocal = 0.0
    for cluster in clusters:
        for member in cluster["members"]:
            others = [o for o in cluster["members"] if Path(o["source"]).name != Path(member["source"]).name]
            if not others:
                continue
            queries += 1
            item = index.get((Path(member["source"]).name, norm(member["name"])))
            rank = rank_of(item, others) if item else None
            if rank:
                hits += rank == 1
                reciprocal += 1 / rank
    false_top1 = sum(1 for pair in negatives for q, t in ((pair["a"], pair["b"]), (pair["b"], pair["a"]))
                     if (item := index.get((Path(q["source"]).name, norm(q["name"])))) and rank_of(item, [t]) == 1)
    return hits / max(queries, 1), reciprocal / max(queries, 1), false_top1 / max(2 * len(negatives), 1)


def lexicon_entries(data: dict) -> list[tuple[str, dict]]:
    """Every entry of a lexicon's tables, each with the lexicon data that lacks it."""
    def without(table: str, key: str, position: int) -> dict:
        copy = {t: dict(v) for t, v in data.items()}
        copy[table][key] = [e for i, e in enumerate(data[table][key]) if i != position]
        return copy

    entries = []
    for table, key in (("synonyms", "groups"), ("contrast", "qualifiers"), ("contrast", "populations"),
                       ("contrast", "actions"), ("contrast", "pairs"), ("generic", "terms")):
        for position, entry in enumerate(data.get(table, {}).get(key, [])):
            label = "/".join(entry) if isinstance(entry, list) else entry
            entries.append((f"{key} {label}", without(table, key, position)))
    return entries


def ablate(indicators: dict, decisions, halves: list[tuple[list, list]]) -> None:
    """Each lexicon entry's gain on each half, two ways: what the full lexicon loses without it, and what it
    gives alone (over no lexicon); and which half's labelled names hold its terms. Entries whose terms no
    name of the documents holds change nothing and are only counted. The [generic] table is not used by
    the matcher and is left out."""
    data = tomllib.loads(resources.files("store").joinpath("data/lexicon.toml").read_text(encoding="utf-8"))
    names = "\n".join(indicator.name for indicator in indicators.values())
    half_names = ["\n".join(m["name"] for c in clusters for m in c["members"]) + "\n" +
                  "\n".join(p[k]["name"] for p in negatives for k in ("a", "b")) for clusters, negatives in halves]

    def scores(lexicon: Lexicon) -> list[tuple[float, float, float]]:
        items, _ = predictions(Matcher(indicators.values(), lexicon, decisions), indicators)
        return [quick_scores(items, clusters, negatives) for clusters, negatives in halves]

    def line(gains: list[tuple[float, float, float]]) -> str:
        return " | ".join(f"{r:+.3f} {m:+.3f} {f:+.3f}" for r, m, f in gains)

    full, bare = scores(Lexicon.shipped()), scores(Lexicon())
    for label, found in (("full lexicon", full), ("no lexicon", bare)):
        print(f"{label}: " + "  ".join(f"half {'AB'[h]} r@1={r:.3f} mrr={m:.3f} false={f:.3f}"
                                       for h, (r, m, f) in enumerate(found)))
    print("entry [halves whose labelled names hold it]: gain when removed from the full lexicon ; gain alone over"
          " no lexicon — each as half A | half B: recall@1 mrr false_top1(-)")
    silent = 0
    for label, rest in lexicon_entries({k: v for k, v in data.items() if k != "generic"}):
        terms = [t for t in re.split(r"[ /]", label)[1:] if t]
        if not any(t in names for t in terms):
            silent += 1
            continue
        where = "".join("AB"[h] for h, text in enumerate(half_names) if any(t in text for t in terms)) or "-"
        without = Lexicon()
        without.extend(rest, "ablation")
        alone_data = {table: {key: [e for e in values if e not in rest.get(table, {}).get(key, [])]
                              for key, values in tables.items()}
                      for table, tables in data.items() if table != "generic"}
        alone = Lexicon()
        alone.extend(alone_data, "ablation")
        removed = [(fr - r, fm - m, f - ff) for (fr, fm, ff), (r, m, f) in zip(full, scores(without), strict=True)]
        added = [(r - br, m - bm, bf - f) for (br, bm, bf), (r, m, f) in zip(bare, scores(alone), strict=True)]
        print(f"{label} [{where}]: {line(removed)} ; {line(added)}", flush=True)
    print(f"{silent} entries: no name of the documents holds their terms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=ROOT / "fixtures" / "seeds")
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold" / "mapping-dev.json")
    parser.add_argument("--negatives", type=Path,
                        default=ROOT.parent / "shared" / "gold" / "mapping-negatives-dev.json")
    parser.add_argument("--salt", default="0", help="another salt, another split")
    parser.add_argument("--ablate", action="store_true", help="each lexicon entry's gain on each half")
    args = parser.parse_args()
    clusters = json.loads(args.gold.read_text(encoding="utf-8"))["clusters"]
    negatives = json.loads(args.negatives.read_text(encoding="utf-8"))
    negatives = negatives.get("pairs", []) if isinstance(negatives, dict) else negatives
    halves = [([c for c in clusters if half_of(c["concept"], args.salt) == h],
               [p for p in negatives if half_of(p["a"]["name"] + p["b"]["name"], args.salt) == h]) for h in (0, 1)]
    with tempfile.TemporaryDirectory() as folder, Workspace(Path(folder) / "cv.db") as workspace:
        import_paths(workspace, [args.docs], workers=1)
        indicators = {ri.id: ri for ri in load_indicators(workspace)}
        id_of = {(source, norm(ri.name)): ri.id for ri in indicators.values() for source in ri.sources}
        decisions = Review(workspace).decisions()
        if args.ablate:
            ablate(indicators, decisions, halves)
            return
        for label, lexicon in (("shipped lexicon", Lexicon.shipped()), ("no lexicon", Lexicon())):
            matcher = Matcher(indicators.values(), lexicon, decisions)
            items, wide = predictions(matcher, indicators)
            print(f"-- {label}")
            for scored, tuned in ((0, 1), (1, 0)):
                threshold = choose_threshold(lookalike_scores(halves[tuned][1], wide, id_of))
                score_clusters, score_negatives = halves[scored]
                print(f"half {'AB'[scored]} ({len(score_clusters)} clusters, {len(score_negatives)} look-alike pairs;"
                      f" likely from {threshold:.3f}, chosen on half {'AB'[tuned]}):")
                print("  " + scorecard(items, score_clusters, score_negatives, threshold))
            everything = choose_threshold(lookalike_scores(negatives, wide, id_of))
            print(f"threshold chosen on all look-alike pairs: {everything:.3f}")


if __name__ == "__main__":
    main()
