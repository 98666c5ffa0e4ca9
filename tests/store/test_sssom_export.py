"""SSSOM/TSV export: the mapping set read back and validated with the ``sssom`` package, and the concepts,
close matches and rejections rebuilt from it; the file's structure checked against the SSSOM/TSV rules
without the package too."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from conftest import ri
from crosswalk_families import mapped_copy

from store import sssom
from store.errors import OutputError
from store.review import Review
from store.workspace import Workspace

REQUIRED_MAPPING = ("subject_id", "predicate_id", "object_id", "mapping_justification")
BUILT_IN = ("skos", "semapv", "owl", "rdf", "rdfs", "sssom", "xsd", "linkml", "oboInOwl", "dcterms", "pav", "prov")


@pytest.fixture(scope="module")
def exported(seeded: Path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sssom")
    path, _ = mapped_copy(seeded, folder)
    with Workspace(path) as workspace:
        review = Review(workspace, "dana")
        review.approve(ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度"), score=0.83,
                       justification="lexical")
        summary = sssom.export(workspace, folder / "m.sssom.tsv")
        expected = _expected(workspace)
    return folder / "m.sssom.tsv", summary, expected


def _expected(workspace: Workspace) -> dict:
    """Concepts (member ids), close and rejected pairs as SSSOM ids, read from the workspace."""
    review = Review(workspace)
    concepts = {frozenset(sssom.indicator_id(m.indicator.region, m.indicator.name) for m in concept.members)
                for concept in review.concepts()}
    pairs: dict[str, set] = {"close": set(), "rejected": set()}
    for a_region, a_name, b_region, b_name, kind in workspace.connection.execute(
            "SELECT ra.region, ra.name, rb.region, rb.name, p.kind FROM pair_decisions p JOIN regional_indicators"
            " ra ON ra.id = p.a JOIN regional_indicators rb ON rb.id = p.b"):
        pairs[kind].add(frozenset((sssom.indicator_id(a_region, a_name), sssom.indicator_id(b_region, b_name))))
    return {"concepts": concepts, **pairs}


def _groups(edges: list[tuple[str, str]]) -> set[frozenset[str]]:
    """Connected groups of exactMatch edges (each concept is a star around its first member)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for node in list(parent):
        groups.setdefault(find(node), set()).add(node)
    return {frozenset(group) for group in groups.values()}


def test_round_trip_through_the_sssom_package(exported) -> None:
    from sssom.constants import SchemaValidationType  # a test-only dependency (pyproject's test extra)
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path, summary, expected = exported
    mapping_set = parse_sssom_table(path)
    reports = validate(mapping_set, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness,
                                     SchemaValidationType.StrictCurieFormat], fail_on_error=True)
    assert all(not result.results for result in reports.values())
    frame = mapping_set.df
    frame["predicate_modifier"] = frame["predicate_modifier"].fillna("")
    assert len(frame) == summary.exact + summary.close + summary.negative
    exact = frame[(frame.predicate_id == "skos:exactMatch") & (frame.predicate_modifier != "Not")]
    rejected = frame[frame.predicate_modifier == "Not"]
    close = frame[frame.predicate_id == "skos:closeMatch"]
    assert _groups(list(zip(exact.subject_id, exact.object_id, strict=True))) == expected["concepts"]
    assert {frozenset(pair) for pair in zip(close.subject_id, close.object_id, strict=True)} == expected["close"]
    assert {frozenset(pair) for pair in zip(rejected.subject_id, rejected.object_id, strict=True)} == \
        expected["rejected"]
    assert set(rejected.predicate_id) == {"skos:exactMatch"}
    lexical = frame[frame.mapping_justification == "semapv:LexicalMatching"]
    assert list(lexical.object_label) == ["群众满意度"] and float(lexical.confidence.iloc[0]) == pytest.approx(0.83)
    assert set(frame.mapping_justification) == {"semapv:LexicalMatching", "semapv:ManualMappingCuration"}
    assert mapping_set.metadata["license"] and mapping_set.metadata["mapping_set_id"].startswith("urn:uuid:")
    labels = dict(zip(frame.subject_id, frame.subject_label, strict=True))
    name = "城乡居民医保政策范围内住院报销比例"
    assert labels[sssom.indicator_id("广州市", name)] == name
    assert {"zhibiao_reviewer:alice", "zhibiao_reviewer:bob", "zhibiao_reviewer:dana"} <= {
        author for authors in frame.author_id for author in (authors if isinstance(authors, list) else [authors])}


def test_the_file_follows_the_sssom_tsv_rules(exported) -> None:
    """Checked without the package: the metadata block, the CURIE map, the required slots."""
    path, summary, _ = exported
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data  # UTF-8, no BOM, LF line ends
    lines = data.decode("utf-8").split("\n")
    metadata = [line[1:] for line in lines if line.startswith("#")]
    assert lines[: len(metadata)] == [f"#{line}" for line in metadata]  # the block comes first
    assert metadata[0] == "curie_map:"
    prefixes = {line.split(":")[0].strip() for line in metadata[1:] if line.startswith("  ")}
    keys = {line.split(":")[0] for line in metadata if not line.startswith(" ")}
    assert {"mapping_set_id", "license"} <= keys  # the mapping set's required slots
    table = list(csv.DictReader(io.StringIO("\n".join(lines[len(metadata):])), delimiter="\t"))
    assert len(table) == summary.exact + summary.close + summary.negative > 0
    for row in table:
        for column in REQUIRED_MAPPING:
            assert row[column], column
        for column in ("subject_id", "object_id", "predicate_id", "mapping_justification", "author_id"):
            prefix, _, local = row[column].partition(":")
            assert local and (prefix in prefixes or prefix in BUILT_IN), row[column]
            assert row[column].isascii()
        assert row["mapping_justification"] in ("semapv:ManualMappingCuration", "semapv:LexicalMatching")
        assert row["predicate_modifier"] in ("", "Not")
        assert len(row["mapping_date"]) == 10
    assert sum(1 for row in table if row["predicate_modifier"] == "Not") == summary.negative == 1
    assert sum(1 for row in table if row["predicate_id"] == "skos:closeMatch") == summary.close == 1


def test_ids_are_region_and_name_and_survive_odd_characters() -> None:
    assert sssom.indicator_id("广州市", "政务服务好评率") == (
        "zhibiao:%E5%B9%BF%E5%B7%9E%E5%B8%82:%E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1%E5%A5%BD%E8%AF%84%E7%8E%87")
    odd = sssom.indicator_id("?x.txt", "满意度 (%)\t|\"")
    assert odd.isascii() and " " not in odd and "\t" not in odd and "|" not in odd and '"' not in odd
    assert sssom.indicator_id("广州市", "政务服务 好评率。") == sssom.indicator_id("广州市", "政务服务好评率")


def test_an_export_over_a_document_or_another_file_is_refused(seeded: Path, tmp_path: Path) -> None:
    path, _ = mapped_copy(seeded, tmp_path)
    notes = tmp_path / "notes.tsv"
    notes.write_text("region\tname\n", encoding="utf-8")
    document = tmp_path / "doc.tsv"
    shutil.copy(Path(__file__).resolve().parents[2] / "fixtures" / "seeds" / "003_039fe6756c664a99.txt", document)
    with Workspace(path) as workspace:
        for target, problem in ((notes, "not an SSSOM file"), (document, "imported document"),
                                (path, "is the workspace")):
            with pytest.raises(OutputError, match=problem):
                sssom.export(workspace, target)
        sssom.export(workspace, tmp_path / "m.sssom.tsv")
        sssom.export(workspace, tmp_path / "m.sssom.tsv")  # an earlier export is replaced
    assert notes.read_text(encoding="utf-8") == "region\tname\n"
