"""The main screen, driven with Textual's Pilot: keys change the store before the screen moves on."""

from __future__ import annotations

from pathlib import Path

from app_helpers import SIZE, open_first_record, rows, settle
from conftest import ROOT

from store import browse
from store.review import Review
from store.suggest import ensure
from store.workspace import Workspace
from tui.app import make_app
from tui.record_tree import RecordRow
from tui.screens import MainScreen
from tui.widgets import CandidateList, RowList


async def test_main_screen_shows_records_indicators_candidates(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert rows(app, "records")[0].startswith("v 广州市")
        assert any("因公出国(境)的目标完成情况" in r for r in rows(app, "indicators"))
        assert app.screen.query_one("#indicators", RowList).has_focus
        status = app.screen.query_one("#status").render().plain
        assert "reviewer alice" in status and "mapped 0/299" in status


async def test_approve_then_undo(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")  # next indicator with an unreviewed suggestion, best candidate highlighted
        screen = app.screen
        indicator = screen.current_indicator()
        candidate = screen.current_candidate()
        assert indicator is not None and candidate is not None
        record_row_total = screen.current_record().indicators
        assert rows(app, "records")[0].endswith("0/94")
        await pilot.press("a")
        with Workspace(db) as other:  # committed: another connection sees it
            concept = Review(other).concept_of(indicator.regional_indicator_id)
            assert concept is not None
            assert candidate.candidate.id in {m.indicator.id for m in concept.members}
        await app.workers.wait_for_complete()  # the screen is redrawn once the matcher has relearned
        await pilot.pause()
        assert rows(app, "indicators")[screen.query_one("#indicators", RowList).cursor].startswith("+")
        assert "approved" in screen.query_one("#status").render().plain
        # the counts of the region and the record went up (only their rows were redrawn)
        record_row = rows(app, "records")[screen.query_one("#records", RowList).cursor]
        assert rows(app, "records")[0].endswith("1/94") and record_row.split()[0] == f"1/{record_row_total}"
        assert screen.current_record().mapped == 1
        # the approved candidate is no longer proposed to its fellow member
        assert candidate.candidate.id not in {c.candidate.id for c in screen.candidate_rows}
        await pilot.press("u")
        with Workspace(db) as other:
            assert Review(other).concept_of(indicator.regional_indicator_id) is None
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "undid" in screen.query_one("#status").render().plain
        assert rows(app, "records")[0].endswith("0/94") and screen.current_record().mapped == 0
        # undoing unlearns: the candidate is proposed again
        assert candidate.candidate.id in {c.candidate.id for c in screen.candidate_rows}


async def test_reject_close_and_flag_keys(db: Path) -> None:
    app = make_app(db, reviewer="bob", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n")
        screen = app.screen
        a = screen.current_indicator().regional_indicator_id
        b = screen.current_candidate().candidate.id
        await pilot.press("x")
        await pilot.press("f", "enter")  # no note
        with Workspace(db) as other:
            review = Review(other)
            assert review.pair_decision(a, b) == "rejected" and review.is_flagged(a)
            assert [e.kind for e in review.events()][:2] == ["flag", "reject"]
            assert review.events()[0].reviewer == "bob"
        await app.workers.wait_for_complete()


async def test_document_text_is_shown_literally(tmp_path: Path) -> None:
    db = tmp_path / "markup.db"
    app = make_app(db, paths=[ROOT / "fixtures" / "markup" / "markup.txt"], keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("j", "enter")
        await pilot.pause()
        shown = rows(app, "indicators")
        assert any("[bold]满意度[/bold]" in r for r in shown)
        assert any("[/]" in r for r in shown)
        assert any("危险␛[31m红色␛[0m名称" in r for r in shown)
        assert any("[bold]医保[/bold]经费" in r for r in rows(app, "records"))


async def test_merge_needs_the_confirm_dialog(db: Path) -> None:
    from conftest import ri

    from tui.screens import ConfirmMerge

    with Workspace(db) as workspace:
        review = Review(workspace, "alice")
        review.approve(ri(workspace, "广州市", "政务服务好评率"), ri(workspace, "金寨县", "群众满意度"))
        review.approve(ri(workspace, "湛江市", "参保对象满意度（%）"), ri(workspace, "抚顺市", "参保对象满意度"))
        ensure(workspace)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        screen = app.screen
        # the first 广州市 record that has 政务服务好评率
        index = next(i for i, row in enumerate(screen.record_tree.rows)
                     if isinstance(row, RecordRow) and any(indicator.name == "政务服务好评率" for indicator
                                                           in browse.indicators(app.workspace, row.record.id)))
        screen.query_one("#records", RowList).move_to(index)
        await pilot.pause()
        position = next(i for i, row in enumerate(screen.indicator_rows) if row.name == "政务服务好评率")
        screen.query_one("#indicators", RowList).move_to(position)
        await pilot.pause()
        target = next((i for i, s in enumerate(screen.candidate_rows) if s.candidate.region in ("湛江市", "抚顺市")),
                      None)
        assert target is not None
        screen.query_one("#candidates", RowList).move_to(target)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmMerge)
        await pilot.press("y")
        await pilot.pause()
        with Workspace(db) as other:
            concepts = Review(other).concepts()
            assert len(concepts) == 1 and len(concepts[0].members) == 4
        await app.workers.wait_for_complete()


async def test_rename_and_export_dialogs(db: Path, tmp_path: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n", "a")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#rename-input")
        field.value = ""
        await pilot.press(*"ABC", "enter")
        await pilot.pause()
        with Workspace(db) as other:
            assert [c.name for c in Review(other).concepts()] == ["ABC"]
        await pilot.press("ctrl+e")
        await pilot.pause()
        path_field = app.screen.query_one("#export-path")
        path_field.value = str(tmp_path / "out.toml")
        await pilot.press("enter")
        await settle(pilot)  # written in the export worker
        assert (tmp_path / "out.toml").exists()
        assert 'name = "ABC"' in (tmp_path / "out.toml").read_text(encoding="utf-8")
        await app.workers.wait_for_complete()


async def test_empty_workspace_says_how_to_import(tmp_path: Path) -> None:
    app = make_app(tmp_path / "empty.db", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        records = app.screen.query_one("#records", RowList)
        assert records.rows == [] and "zhibiao review PATH" in records.empty
        welcome = app.screen.query_one("#detail").content.plain
        assert "Welcome to zhibiao" in welcome and "zhibiao review PATH" in welcome


async def test_every_remaining_key(db: Path) -> None:
    app = make_app(db, reviewer="erin", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        screen = app.screen
        # rows show level 1 › level 2 › name, the levels without 指标 so that the name fits; the detail strip
        # shows them whole with both target values
        indicator_rows = rows(app, "indicators")
        assert all(r[2:].startswith(("产出 › ", "效益 › ")) for r in indicator_rows)
        assert "产出 › 数量 › 因公出国(境)的目标完成情况  " in "\n".join(indicator_rows)
        row = screen.current_indicator()
        detail = screen.query_one("#detail").plain
        assert detail.splitlines()[0].removesuffix("   no likely match") == (
            f"{row.level1} › {row.level2} › {row.name}   period {row.period_value} · annual {row.annual_value}")
        # record rows put their mapped/total counts first: a long name is cut at the pane's edge, they are not
        assert rows(app, "records")[1].split() == ["0/3", "工作经费"]
        # Tab / Shift+Tab switch panes
        await pilot.press("tab")
        assert screen.query_one("#candidates", RowList).has_focus, app.focused
        await pilot.press("shift+tab")
        assert screen.query_one("#indicators", RowList).has_focus
        # n / N move between indicators with unreviewed suggestions; s skips like n
        await pilot.press("n")
        first = screen.current_indicator().id
        await pilot.press("n")
        second = screen.current_indicator().id
        await pilot.press("N")
        assert screen.current_indicator().id == first != second
        await pilot.press("s")
        assert screen.current_indicator().id == second
        # c: close match, committed
        a, b = screen.current_indicator().regional_indicator_id, screen.current_candidate().candidate.id
        await pilot.press("c")
        with Workspace(db) as other:
            assert Review(other).pair_decision(a, b) == "close"
        # a then d: approve, then detach from the concept
        await pilot.press("down")
        await pilot.press("a")
        with Workspace(db) as other:
            assert Review(other).concept_of(a) is not None
        await pilot.press("d")
        with Workspace(db) as other:
            assert Review(other).concept_of(a) is None
        # / finds projects (and indicators) by name and goes to the first hit
        await pilot.press("slash")
        await pilot.press(*"租赁")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "租赁" in screen.current_record().name
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None


async def test_a_theme_change_redraws_the_lists_in_the_new_colours(db: Path) -> None:
    app = make_app(db, keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        lists = list(app.screen.query(RowList))

        def backgrounds() -> set:
            return {segment.style.bgcolor for row_list in lists for y in (1, 25)
                    for segment in row_list.render_line(y) if segment.style and segment.text.strip() == ""}

        dark = backgrounds()
        app.theme = "textual-light"
        await pilot.pause()
        light = backgrounds()
        assert light and not light & dark
        assert {row_list.rich_style.bgcolor for row_list in lists} <= light


async def test_the_next_day_the_app_opens_where_the_reviewer_left_off(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("shift+tab", "j", "j", "enter")  # the third record
        await pilot.press("j", "j", "tab")  # its third indicator, then the candidates
        await pilot.pause()
        screen = app.screen
        record, indicator = screen.current_record(), screen.current_indicator()
        assert record is not None and indicator is not None
        await pilot.press("q")
    assert not app.is_running

    again = make_app(db, reviewer="alice", keymap={})
    async with again.run_test(size=SIZE) as pilot:
        await again.workers.wait_for_complete()
        await pilot.pause()
        screen = again.screen
        assert screen.current_record() == record
        assert screen.current_indicator().regional_indicator_id == indicator.regional_indicator_id
        assert screen.query_one("#candidates", RowList).has_focus
        assert rows(again, "indicators")  # drawn, not just remembered

    other = make_app(db, reviewer="bob", keymap={})  # each reviewer has their own place
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert other.screen.current_record() is None
        assert other.screen.query_one("#records", RowList).has_focus


async def test_the_highlight_stays_on_its_candidate_when_the_list_is_redrawn_in_a_new_order(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await open_first_record(app, pilot)
        await pilot.press("n", "tab", "j")  # the second candidate of an indicator with suggestions
        screen = app.screen
        indicator, held = screen.current_indicator(), screen.current_candidate()
        assert indicator is not None and held is not None and len(screen.candidate_rows) > 2
        # the matcher relearned meanwhile and the same indicator's list comes back in another order
        screen.candidate_list = CandidateList(indicator.regional_indicator_id,
                                              tuple(reversed(screen.candidate_rows)), None)
        await pilot.pause()
        assert screen.current_candidate().candidate.id == held.candidate.id
        assert "with: " + held.candidate.region in screen.query_one("#detail").plain
        await pilot.press("x")  # the key decides on the candidate the reviewer was looking at
        with Workspace(db) as other:
            assert Review(other).pair_decision(indicator.regional_indicator_id, held.candidate.id) == "rejected"


async def test_keys_typed_while_the_app_starts_never_hide_the_records(db: Path) -> None:
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z", "z", "j", "j", "enter")  # typed ahead, before anything is drawn
        await settle(pilot)
        assert rows(app, "records")[0].startswith("v 广州市")
        assert "no documents yet" not in app.screen.query_one("#detail").plain
        assert not app.screen.query("RecordsPane Input")  # nothing in the records pane takes typed letters


async def test_documents_imported_by_another_process_appear_in_the_running_app(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import SEEDS

    from store.importer import import_paths

    db = tmp_path / "shared.db"
    guangzhou, zhanjiang = SEEDS / "000_1dc01b27c551b5e1.txt", SEEDS / "002_034170035030169e.txt"
    with Workspace(db) as workspace:
        import_paths(workspace, [guangzhou], workers=1)
    app = make_app(db, reviewer="alice", keymap={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [row for row in rows(app, "records") if row.startswith(("v ", "> "))] == ["v 广州市  0/94"]
        # an import from another shell, in a process of its own
        subprocess.run([sys.executable, "-m", "tui", "import", str(zhanjiang), "--db", str(db), "-q"], check=True,
                       capture_output=True)
        app.screen.check_other_reviewers()  # what the poll does every few seconds
        await settle(pilot)
        regions = [row.split()[1] for row in rows(app, "records") if row.startswith(("v ", "> "))]
        assert regions == ["广州市", "湛江市"]
        assert "mapped 0/125 regional indicators" in app.screen.query_one("#status").render().plain
