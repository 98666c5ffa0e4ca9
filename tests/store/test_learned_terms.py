"""Learning from decisions beyond aliases: an approval teaches the word correspondences that differ between
the two names, which then raise every other pair with the same difference; a rejection teaches a contrast;
each learned part names the decision it came from and goes with its undo; the terms travel as a lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ri
from docs import write_document

from store import learned
from store.importer import import_paths
from store.lexicon import Lexicon
from store.matching import normalize
from store.review import Review
from store.suggest import Suggester, cached
from store.workspace import Workspace

QUALITY = ("产出指标", "质量指标")


@pytest.fixture
def archive(tmp_path: Path):
    """Four regions' archive projects: two pairs that differ by 归档/存档, two by 纸质/电子."""
    folder = tmp_path / "docs"
    folder.mkdir()
    write_document(folder, "甲市", [(*QUALITY, "会议纪要归档率", "100%"), (*QUALITY, "纸质档案数字化率", "≥90%")])
    write_document(folder, "乙市", [(*QUALITY, "会议记录存档率", "100%"), (*QUALITY, "电子档案数字化率", "≥90%")])
    write_document(folder, "丙市", [(*QUALITY, "档案资料归档率", "100%"), (*QUALITY, "纸质档案借阅率", "≥80%")])
    write_document(folder, "丁市", [(*QUALITY, "档案资料存档率", "100%"), (*QUALITY, "电子档案借阅率", "≥80%"),
                                    (*QUALITY, "档案资料归档及时率", "100%")])
    with Workspace(tmp_path / "review.db") as workspace:
        import_paths(workspace, [folder], workers=1)
        yield workspace


def _candidate(suggester: Suggester, query: int, wanted: int):
    return next(c for c in suggester.candidates(query, top=20) if c.regional_indicator.id == wanted)


def test_an_approval_raises_every_pair_with_the_same_difference_until_undone(archive: Workspace) -> None:
    query, counterpart = ri(archive, "丙市", "档案资料归档率"), ri(archive, "丁市", "档案资料存档率")
    suggester = Suggester(archive)
    suggester.compute_all()  # the lists the app shows are stored
    before = _candidate(suggester, query, counterpart)
    assert "learned" not in before.explanation
    review = Review(archive, "alice")
    review.approve(ri(archive, "甲市", "会议纪要归档率"), ri(archive, "乙市", "会议记录存档率"))
    suggester.refresh([ri(archive, "甲市", "会议纪要归档率"), ri(archive, "乙市", "会议记录存档率")])
    after = _candidate(suggester, query, counterpart)
    assert after.score >= before.score + 0.05
    assert suggester.candidates(query)[0].regional_indicator.id == counterpart and after.likely
    assert "归档≈存档" in after.explanation
    assert "learned from alice's approval of 会议纪要归档率 ~ 会议记录存档率 at " in after.explanation
    # the stored list the app reads was recomputed too
    stored = cached(archive, query)[0]
    assert stored.candidate.id == counterpart and stored.tier == "likely" and "归档≈存档" in stored.explanation
    undone = review.undo()
    suggester.refresh(undone.touched)
    again = _candidate(suggester, query, counterpart)
    assert again.score == before.score and "learned" not in again.explanation
    assert learned.load(archive.connection) == []


def test_a_rejection_teaches_a_contrast_that_keeps_look_alikes_out_of_the_likely_tier(archive: Workspace) -> None:
    query, look_alike = ri(archive, "丙市", "纸质档案借阅率"), ri(archive, "丁市", "电子档案借阅率")
    suggester = Suggester(archive)
    before = _candidate(suggester, query, look_alike)
    assert before.likely
    Review(archive, "bob").reject(ri(archive, "甲市", "纸质档案数字化率"), ri(archive, "乙市", "电子档案数字化率"))
    suggester.refresh([ri(archive, "甲市", "纸质档案数字化率"), ri(archive, "乙市", "电子档案数字化率")])
    after = _candidate(suggester, query, look_alike)
    assert after.score < before.score and after.tier == "possible"
    assert "learned from bob's rejection of 纸质档案数字化率 ~ 电子档案数字化率" in after.explanation


def test_learned_terms_travel_as_a_lexicon(archive: Workspace, tmp_path: Path) -> None:
    Review(archive, "alice").approve(ri(archive, "甲市", "会议纪要归档率"), ri(archive, "乙市", "会议记录存档率"))
    Review(archive, "alice").reject(ri(archive, "甲市", "纸质档案数字化率"), ri(archive, "乙市", "电子档案数字化率"))
    import tomli_w

    data = learned.as_lexicon(learned.load(archive.connection))
    own = tmp_path / "team.toml"
    own.write_text(tomli_w.dumps(data), encoding="utf-8")
    lexicon = Lexicon.load(own)
    assert normalize("档案资料归档率", lexicon).canonical == normalize("档案资料存档率", lexicon).canonical
    assert normalize("档案资料归档率", Lexicon.shipped()).canonical != normalize("档案资料存档率",
                                                                                 Lexicon.shipped()).canonical
    assert data["contrast"]["pairs"]


def test_what_an_approval_teaches_is_aligned_on_words() -> None:
    assert learned.differences("会议纪要归档率", "会议记录存档率") == ([("纪要", "记录"), ("归档", "存档")], [])
    assert learned.differences("资金上解及时率", "资金到位及时率") == ([("上解", "到位")], [])
    assert learned.differences("新增参保人次", "参保人次") == ([], ["新增"])
    assert learned.differences("困难群众看病就医方便程度", "项目成本") == ([], [])  # too far apart to align


def test_an_approval_of_names_where_one_only_adds_a_word_teaches_that_the_word_is_immaterial(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    write_document(folder, "甲市", [(*QUALITY, "档案数字化加工合格率", "100%")])
    write_document(folder, "乙市", [(*QUALITY, "档案数字化合格率", "100%")])
    write_document(folder, "丙市", [(*QUALITY, "资料扫描加工完成率", "100%")])
    write_document(folder, "丁市", [(*QUALITY, "资料扫描完成率", "100%")])
    with Workspace(tmp_path / "review.db") as workspace:
        import_paths(workspace, [folder], workers=1)
        query, counterpart = ri(workspace, "丙市", "资料扫描加工完成率"), ri(workspace, "丁市", "资料扫描完成率")
        suggester = Suggester(workspace)
        before = _candidate(suggester, query, counterpart)
        review = Review(workspace, "carol")
        taught = [ri(workspace, "甲市", "档案数字化加工合格率"), ri(workspace, "乙市", "档案数字化合格率")]
        review.approve(*taught)
        suggester.refresh(taught)
        terms = learned.load(workspace.connection)
        assert [(t.kind, t.term, t.label) for t in terms] == [("immaterial", "加工", "加工 is immaterial")]
        after = _candidate(suggester, query, counterpart)
        assert after.score >= before.score + 0.05
        origin = "learned from carol's approval of 档案数字化加工合格率 ~ 档案数字化合格率"
        assert f"加工 is immaterial ({origin}" in after.explanation
        lexicon = Lexicon.load(_written(tmp_path, terms))
        assert normalize("资料扫描加工完成率", lexicon).canonical == normalize("资料扫描完成率", lexicon).canonical
        suggester.refresh(review.undo().touched)
        assert _candidate(suggester, query, counterpart).score == before.score
        assert learned.load(workspace.connection) == []


def _written(folder: Path, terms: list) -> Path:
    import tomli_w

    own = folder / "team.toml"
    own.write_text(tomli_w.dumps(learned.as_lexicon(terms)), encoding="utf-8")
    return own
