"""Two reviewers on one workspace, each in their own process: a decision on something the other changed since
the reviewer last saw the workspace is refused with who changed what, never overwritten; undo takes back the
reviewer's own decision, not a colleague's."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ri

from store.errors import DecisionError
from store.review import Review
from store.workspace import Workspace

GUANGZHOU = ("广州市", "政务服务好评率")
JINZHAI = ("金寨县", "群众满意度")
FUSHUN = ("抚顺市", "参保对象满意度")
ZHANJIANG = ("湛江市", "参保人数（人）")


def _colleague(db: Path, reviewer: str, body: str) -> str:
    """Run decisions as another reviewer in another process; ``ids`` maps (region, name) to ids there."""
    script = textwrap.dedent("""
        import sys
        from store.review import Review
        from store.text import key_name
        from store.workspace import Workspace
        with Workspace(sys.argv[1]) as workspace:
            def ri(region, name):
                return workspace.connection.execute(
                    "SELECT id FROM regional_indicators WHERE region = ? AND key = ?", (region, key_name(name))
                ).fetchone()[0]
            review = Review(workspace, sys.argv[2])
    """) + textwrap.indent(textwrap.dedent(body), "    ")
    done = subprocess.run([sys.executable, "-c", script, str(db), reviewer], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def workspace(db: Path):
    with Workspace(db) as opened:
        yield opened


def test_undo_takes_back_my_last_decision_not_a_colleagues(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    alice.approve(a, b)
    _colleague(workspace.path, "bob", f"review.close(ri{FUSHUN!r}, ri{ZHANJIANG!r})")
    outcome = alice.undo()
    assert outcome.summary.startswith("undid: approved")
    assert alice.concept_of(a) is None
    assert alice.pair_decision(ri(workspace, *FUSHUN), ri(workspace, *ZHANJIANG)) == "close"  # bob's stays
    with pytest.raises(DecisionError, match="nothing of yours"):
        alice.undo()


def test_a_pair_decided_meanwhile_is_refused_not_overwritten(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")  # alice's screen shows the pair undecided
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    _colleague(workspace.path, "bob", f"review.reject(ri{GUANGZHOU!r}, ri{JINZHAI!r})")
    with pytest.raises(DecisionError, match=r"bob changed this meanwhile .rejected"):
        alice.close(a, b)
    assert alice.pair_decision(a, b) == "rejected"
    # told of it, alice decides again on what she now sees: that is her decision, logged and undoable
    alice.close(a, b)
    assert alice.pair_decision(a, b) == "close"


def test_a_concept_merged_meanwhile_is_refused(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    c, d = ri(workspace, *FUSHUN), ri(workspace, *ZHANJIANG)
    alice.approve(a, b)
    alice.approve(c, d)
    first = alice.concept_id_of(a)
    other_screen = Review(workspace, "alice")  # a second window of alice's, showing the same
    _colleague(workspace.path, "bob", f"""
        print(review.approve(ri{JINZHAI!r}, ri{FUSHUN!r}, confirm_merge=True).summary)
    """)
    with pytest.raises(DecisionError, match=r"bob changed this concept meanwhile .merged"):
        alice.rename(first, "好评率")
    with pytest.raises(DecisionError, match=r"bob changed this meanwhile .merged"):
        other_screen.approve(a, ri(workspace, "湛江市", "参保人数（人）"))
    merged = alice.concept_of(a)
    assert merged is not None and merged.name != "好评率" and len(merged.members) == 4


def test_a_flag_set_meanwhile_is_not_toggled_off(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")
    a = ri(workspace, *GUANGZHOU)
    _colleague(workspace.path, "bob", f"review.flag(ri{GUANGZHOU!r})")
    with pytest.raises(DecisionError, match=r"bob changed this meanwhile .flagged"):
        alice.flag(a)  # pressing f on an unflagged indicator: it would have removed bob's flag
    assert alice.is_flagged(a)


def test_changes_elsewhere_or_undone_meanwhile_do_not_refuse(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    _colleague(workspace.path, "bob", f"""
        review.close(ri{FUSHUN!r}, ri{ZHANJIANG!r})
        review.flag(ri{GUANGZHOU!r})
        review.undo()
    """)
    alice.approve(a, b)  # bob touched other rows, and his flag is back to how alice saw it
    alice.flag(a)
    assert alice.concept_id_of(a) == alice.concept_id_of(b) and alice.is_flagged(a)


def test_what_the_reviewer_has_seen_is_not_changed_meanwhile(workspace: Workspace) -> None:
    alice = Review(workspace, "alice")
    a, b = ri(workspace, *GUANGZHOU), ri(workspace, *JINZHAI)
    _colleague(workspace.path, "bob", f"review.reject(ri{GUANGZHOU!r}, ri{JINZHAI!r})")
    alice.saw()  # the app redrew the screen with bob's rejection on it
    alice.close(a, b)
    assert alice.pair_decision(a, b) == "close"
