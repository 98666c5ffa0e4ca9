"""Reviewer decisions: concepts and their members, close matches, rejections, flags with their notes, "no
counterpart", renames, detaching, undo and redo — each an event in an append-only log, committed
(synchronous=FULL) before the call returns.

Every event records the rows it changed (before and after), so undo is exact: it appends an event that
puts the before-rows back, and refuses when a later decision has changed those rows since. Undo takes the
reviewer's own last decision, never a colleague's; redo takes back the reviewer's own undos, newest first,
until they decide something new.

A rejected pair holds for the concepts on either side: an outsider rejected against one member of a concept is
not proposed again against the others (:meth:`Review.decisions`).

Several reviewers share a workspace: a decision whose rows another process changed since the reviewer last
saw the workspace (:meth:`Review.saw`) is refused with a message saying who changed what, never overwritten.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from store import learned
from store.errors import DecisionError
from store.lexicon import Lexicon
from store.matching import Decisions, normalize, without_unit
from store.workspace import Workspace, now

__all__ = ["Concept", "DecisionError", "Event", "IndicatorRef", "Member", "Outcome", "Review", "default_reviewer",
           "now"]

_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # table: (key columns, all columns)
    "concepts": (("id",), ("id", "name", "level1", "level2", "created_at")),
    "concept_members": (("regional_indicator_id",), ("regional_indicator_id", "concept_id", "justification",
                                                     "score", "approved_by", "approved_at")),
    "pair_decisions": (("a", "b"), ("a", "b", "kind", "decided_by", "decided_at")),
    "flags": (("regional_indicator_id",), ("regional_indicator_id", "flagged_by", "flagged_at", "note")),
    "no_counterpart": (("regional_indicator_id",), ("regional_indicator_id", "decided_by", "decided_at")),
}
# what each kind of decision teaches the matcher about the pairs it was made on (undo forgets it, redo again)
_TEACHES = {"approve": "approve", "merge": "approve", "approve_all": "approve", "reject": "reject",
            "reject_all": "reject"}


def _same(row: dict[str, Any] | None, expected: dict[str, Any] | None) -> bool:
    """Whether a row is as a change left it (a column a change from an older schema does not name is empty)."""
    if row is None or expected is None:
        return row is None and expected is None
    return all(row.get(key) == expected.get(key) for key in row.keys() | expected.keys())


def _touches_concepts(change: dict[str, Any], concepts: frozenset[int]) -> bool:
    """Whether a row change renames, removes or creates one of ``concepts`` or moves a member in or out of it."""
    if change["table"] == "concepts":
        return change["key"][0] in concepts
    if change["table"] == "concept_members":
        return any(row is not None and row["concept_id"] in concepts for row in (change["before"], change["after"]))
    return False


def _indicators_in(changes: list[dict[str, Any]]) -> tuple[int, ...]:
    """The regional indicators whose concept membership or pair decisions the row changes affect."""
    ids: dict[int, None] = {}
    for change in changes:
        if change["table"] in ("concept_members", "pair_decisions"):
            ids.update(dict.fromkeys(change["key"]))
    return tuple(ids)


def default_reviewer() -> str:
    return os.environ.get("ZHIBIAO_REVIEWER") or os.environ.get("USER") or "reviewer"


@dataclass(frozen=True, slots=True)
class IndicatorRef:
    """A regional indicator as decisions show it."""

    id: int
    region: str
    name: str
    level1: str | None
    level2: str | None


@dataclass(frozen=True, slots=True)
class Member:
    indicator: IndicatorRef
    justification: str
    score: float | None
    approved_by: str
    approved_at: str


@dataclass(frozen=True, slots=True)
class Concept:
    id: int
    name: str
    level1: str | None
    level2: str | None
    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    at: str
    reviewer: str
    kind: str
    summary: str
    undoes: int | None
    a: int | None = None  # the indicator the decision was made on
    b: int | None = None  # the other side of its pair


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a decision did; ``merge_needed`` holds the two concepts when approving must merge them."""

    event: Event | None
    summary: str
    merge_needed: tuple[Concept, Concept] | None = None
    touched: tuple[int, ...] = ()  # regional indicators whose membership or pair decisions changed (undo, redo)
    subject: tuple[int | None, int | None] = (None, None)  # what an undone or redone decision was made on


class Review:
    """The decision API the review app and the command line call."""

    def __init__(self, workspace: Workspace, reviewer: str | None = None) -> None:
        self.workspace = workspace
        self.connection = workspace.connection
        self.reviewer = reviewer or default_reviewer()
        self.seen_event = self.last_event_id()  # the newest event the reviewer's screen reflects
        self._own_events: set[int] = set()

    def saw(self, event_id: int | None = None) -> None:
        """The reviewer's screen now shows the workspace as of ``event_id`` (default: the newest event): later
        decisions are checked only against what other processes change after it."""
        self.seen_event = max(self.seen_event, self.last_event_id() if event_id is None else event_id)

    def refuse_if_changed_meanwhile(self, rows: set[tuple[str, tuple]], concepts: frozenset[int] = frozenset()
                                     ) -> None:
        """DecisionError when another process changed the workspace under the decision after the reviewer last
        saw it: one of ``rows`` (table, key) that is not back as it was, or any member or the name of one of
        ``concepts`` (merged, grown, renamed). The decision was made on a screen that no longer shows the truth."""
        seen_as: dict[tuple[str, tuple], Any] = {}  # a row as the reviewer saw it (or last changed it)
        last: dict[tuple[str, tuple], tuple[str, str]] = {}
        for event_id, reviewer, summary, payload in self.connection.execute(
            "SELECT id, reviewer, summary, changes FROM events WHERE id > ? ORDER BY id", (self.seen_event,)
        ).fetchall():
            foreign = event_id not in self._own_events
            for change in json.loads(payload):
                row = (change["table"], tuple(change["key"]))
                if foreign and concepts and _touches_concepts(change, concepts):
                    self.saw()
                    raise DecisionError(f"not done: {reviewer} changed this concept meanwhile ({summary})")
                if row not in rows:
                    continue
                seen_as.setdefault(row, change["before"])
                if foreign:
                    last[row] = (reviewer, summary)
                else:
                    seen_as[row] = change["after"]
        for row, (reviewer, summary) in last.items():
            if not _same(self._row(row[0], row[1]), seen_as[row]):
                self.saw()  # the refusal is how the reviewer learns of it: a second try decides on the new state
                raise DecisionError(f"not done: {reviewer} changed this meanwhile ({summary})")

    # -- reading -----------------------------------------------------------------------------------

    def indicator(self, ri_id: int) -> IndicatorRef:
        row = self.connection.execute(
            "SELECT id, region, name, level1, level2 FROM regional_indicators WHERE id = ?", (ri_id,)
        ).fetchone()
        if row is None:
            raise DecisionError(f"no regional indicator {ri_id}")
        return IndicatorRef(*row)

    def concept_id_of(self, ri_id: int) -> int | None:
        row = self.connection.execute(
            "SELECT concept_id FROM concept_members WHERE regional_indicator_id = ?", (ri_id,)
        ).fetchone()
        return row[0] if row else None

    def concept(self, concept_id: int) -> Concept | None:
        row = self.connection.execute(
            "SELECT id, name, level1, level2 FROM concepts WHERE id = ?", (concept_id,)
        ).fetchone()
        if row is None:
            return None
        members = self.connection.execute(
            "SELECT r.id, r.region, r.name, r.level1, r.level2, m.justification, m.score, m.approved_by,"
            " m.approved_at FROM concept_members m JOIN regional_indicators r ON r.id = m.regional_indicator_id"
            " WHERE m.concept_id = ? ORDER BY r.region, r.name", (concept_id,)
        ).fetchall()
        return Concept(*row, tuple(Member(IndicatorRef(*m[:5]), *m[5:]) for m in members))

    def concept_of(self, ri_id: int) -> Concept | None:
        concept_id = self.concept_id_of(ri_id)
        return self.concept(concept_id) if concept_id is not None else None

    def concepts(self) -> list[Concept]:
        ids = [row[0] for row in self.connection.execute("SELECT id FROM concepts ORDER BY id")]
        return [c for c in (self.concept(i) for i in ids) if c is not None]

    def pair_decision(self, a: int, b: int) -> str | None:
        low, high = sorted((a, b))
        row = self.connection.execute(
            "SELECT kind FROM pair_decisions WHERE a = ? AND b = ?", (low, high)
        ).fetchone()
        return row[0] if row else None

    def pair_decisions(self, a: int, others: list[int]) -> dict[int, str]:
        """The decisions on the pairs (a, other), by other (undecided pairs are left out)."""
        if not others:
            return {}
        marks = ",".join("?" * len(others))
        rows = self.connection.execute(
            f"SELECT CASE WHEN a = ? THEN b ELSE a END, kind FROM pair_decisions WHERE (a = ? AND b IN ({marks}))"
            f" OR (b = ? AND a IN ({marks}))", (a, a, *others, a, *others)).fetchall()
        return dict(rows)

    def is_flagged(self, ri_id: int) -> bool:
        return self.connection.execute(
            "SELECT 1 FROM flags WHERE regional_indicator_id = ?", (ri_id,)
        ).fetchone() is not None

    def flag_note(self, ri_id: int) -> str | None:
        """The note of an indicator's flag (None: not flagged, or flagged without a note)."""
        row = self.connection.execute("SELECT note FROM flags WHERE regional_indicator_id = ?", (ri_id,)).fetchone()
        return row[0] if row else None

    def has_no_counterpart(self, ri_id: int) -> bool:
        """Whether a reviewer marked the indicator as having no counterpart in the other regions."""
        return self.connection.execute(
            "SELECT 1 FROM no_counterpart WHERE regional_indicator_id = ?", (ri_id,)
        ).fetchone() is not None

    def events(self, limit: int = 50, before: int | None = None) -> list[Event]:
        """The decision log, newest first (``before``: only events older than that id, for the next page)."""
        rows = self.connection.execute(
            "SELECT id, at, reviewer, kind, summary, undoes, a, b FROM events WHERE id < ? ORDER BY id DESC LIMIT ?",
            (before if before is not None else 1 << 62, limit)).fetchall()
        return [Event(*row) for row in rows]

    def decisions(self) -> Decisions:
        """What the matcher learns from: concept membership, concept names, rejected pairs (a pair rejected holds
        for every member of the concept on either side) and learned terms."""
        decisions = Decisions()
        for ri_id, concept_id in self.connection.execute(
            "SELECT regional_indicator_id, concept_id FROM concept_members"
        ):
            decisions.concept_of[ri_id] = concept_id
        for concept_id, name in self.connection.execute("SELECT id, name FROM concepts"):
            decisions.concept_names[concept_id] = name
        members = decisions.members()
        for a, b in self.connection.execute("SELECT a, b FROM pair_decisions WHERE kind = 'rejected'"):
            decisions.rejected.add((a, b))
            side_a = members.get(decisions.concept_of.get(a, -1), [a])
            side_b = members.get(decisions.concept_of.get(b, -1), [b])
            if len(side_a) > 1 or len(side_b) > 1:
                decisions.rejected.update((min(m, n), max(m, n)) for m in side_a for n in side_b if m != n)
        decisions.learned = learned.load(self.connection)
        return decisions

    def last_event_id(self) -> int:
        return self.connection.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]

    # -- the row log -------------------------------------------------------------------------------

    def _row(self, table: str, key: tuple) -> dict[str, Any] | None:
        keys, columns = _TABLES[table]
        where = " AND ".join(f"{k} = ?" for k in keys)
        row = self.connection.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", key).fetchone()
        return dict(zip(columns, row, strict=True)) if row else None

    def _put(self, table: str, key: tuple, row: dict[str, Any] | None) -> None:
        keys, columns = _TABLES[table]
        if row is None:
            where = " AND ".join(f"{k} = ?" for k in keys)
            self.connection.execute(f"DELETE FROM {table} WHERE {where}", key)
        else:
            marks = ", ".join("?" for _ in columns)
            self.connection.execute(
                f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                tuple(row.get(c) for c in columns),
            )

    def commit_changes(self, kind: str, summary: str, changes: list[dict[str, Any]], undoes: int | None = None,
                       subject: tuple[int | None, int | None] = (None, None)) -> Event:
        """Apply row changes and log them as one event, inside the caller's transaction; ``subject``: the
        indicator (and the other side of the pair) the decision was made on."""
        for change in changes:
            self._put(change["table"], tuple(change["key"]), change["after"])
        at = now()
        event_id = self.connection.execute(
            "INSERT INTO events (at, reviewer, kind, summary, changes, undoes, a, b) VALUES (?,?,?,?,?,?,?,?)",
            (at, self.reviewer, kind, summary, json.dumps(changes, ensure_ascii=False), undoes, *subject),
        ).lastrowid
        self.connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('decisions', ?)",
                                (str(event_id),))
        self._own_events.add(event_id)
        self.seen_event = max(self.seen_event, event_id)  # the screen is redrawn from the workspace after it
        return Event(event_id, at, self.reviewer, kind, summary, undoes, *subject)

    def row_change(self, table: str, key: tuple, after: dict[str, Any] | None) -> dict[str, Any]:
        """One row change (before and after) for :meth:`commit_changes`."""
        return {"table": table, "key": list(key), "before": self._row(table, key), "after": after}

    # -- decisions ---------------------------------------------------------------------------------

    def approve(self, a: int, b: int, *, score: float | None = None, justification: str = "manual",
                confirm_merge: bool = False) -> Outcome:
        """Put A and B in one concept; when they are in two concepts already, merging needs confirming."""
        if a == b:
            raise DecisionError("an indicator cannot be approved with itself")
        with self.workspace.transaction():
            first, second = self.indicator(a), self.indicator(b)
            concept_a, concept_b = self.concept_id_of(a), self.concept_id_of(b)
            low, high = sorted((a, b))
            self.refuse_if_changed_meanwhile({
                ("pair_decisions", (low, high)), ("concept_members", (a,)), ("concept_members", (b,)),
                ("no_counterpart", (a,)), ("no_counterpart", (b,)),
                *(("concepts", (concept,)) for concept in (concept_a, concept_b) if concept is not None)})
            self.refuse_without_counterpart(first, second)
            at = now()
            changes: list[dict[str, Any]] = []
            if self._row("pair_decisions", (low, high)) is not None:
                changes.append(self.row_change("pair_decisions", (low, high), None))

            def member(ri: IndicatorRef, concept_id: int) -> dict[str, Any]:
                return {"regional_indicator_id": ri.id, "concept_id": concept_id, "justification": justification,
                        "score": score, "approved_by": self.reviewer, "approved_at": at}

            if concept_a is not None and concept_a == concept_b:
                return Outcome(None, f"{first.name} and {second.name} are already in one concept")
            if concept_a is None and concept_b is None:
                concept_id = (self.connection.execute("SELECT coalesce(max(id), 0) FROM concepts").fetchone()[0]
                              + 1)
                named = _concept_name(first, second)
                changes.append(self.row_change("concepts", (concept_id,), {
                    "id": concept_id, "name": without_unit(named.name), "level1": named.level1,
                    "level2": named.level2,
                    "created_at": at}))
                changes.append(self.row_change("concept_members", (a,), member(first, concept_id)))
                changes.append(self.row_change("concept_members", (b,), member(second, concept_id)))
                event = self.commit_changes("approve", f"approved {first.name} ~ {second.name} as new concept "
                                                f"{without_unit(named.name)}", changes, subject=(a, b))
            elif concept_a is not None and concept_b is None:
                changes.append(self.row_change("concept_members", (b,), member(second, concept_a)))
                event = self.commit_changes("approve", f"approved {second.name} into {self.concept_name(concept_a)}",
                                            changes, subject=(a, b))
            elif concept_a is None and concept_b is not None:
                changes.append(self.row_change("concept_members", (a,), member(first, concept_b)))
                event = self.commit_changes("approve", f"approved {first.name} into {self.concept_name(concept_b)}",
                                            changes, subject=(a, b))
            else:
                assert concept_a is not None and concept_b is not None
                if not confirm_merge:
                    one, two = self.concept(concept_a), self.concept(concept_b)
                    assert one is not None and two is not None
                    return Outcome(None, f"{one.name} and {two.name} are two concepts: merging needs "
                                         "confirming", merge_needed=(one, two))
                moved = self.connection.execute(
                    "SELECT regional_indicator_id FROM concept_members WHERE concept_id = ?", (concept_b,)
                ).fetchall()
                for (ri_id,) in moved:
                    row = self._row("concept_members", (ri_id,))
                    assert row is not None
                    changes.append(self.row_change("concept_members", (ri_id,), {**row, "concept_id": concept_a}))
                merged_name = self.concept_name(concept_b)
                changes.append(self.row_change("concepts", (concept_b,), None))
                event = self.commit_changes("merge", f"merged {merged_name} into {self.concept_name(concept_a)} "
                                              f"({first.name} ~ {second.name})", changes, subject=(a, b))
            learned.learn(self.connection, event.id, "approve", a, b, first.name, second.name)
        return Outcome(event, event.summary)

    def approve_into(self, ri_id: int, concept_id: int, *, justification: str = "manual",
                     confirm_merge: bool = False) -> Outcome:
        """Put an indicator into a concept (map to a concept): approved with the member whose name is closest,
        which is also the pair the matcher learns from."""
        concept = self.concept(concept_id)
        if concept is None or not concept.members:
            raise DecisionError(f"no concept {concept_id} (another reviewer may have merged or emptied it)")
        name = self.indicator(ri_id).name
        closest = max(concept.members, key=lambda member: fuzz.ratio(name, member.indicator.name))
        return self.approve(ri_id, closest.indicator.id, justification=justification, confirm_merge=confirm_merge)

    def refuse_without_counterpart(self, *indicators: IndicatorRef) -> None:
        """DecisionError when one of the indicators is marked as having no counterpart: a mapping would
        contradict that decision."""
        for ri in indicators:
            if self.has_no_counterpart(ri.id):
                raise DecisionError(f"{ri.region} · {ri.name} is marked as having no counterpart: unmark it first "
                                    "(the no-counterpart key again, or undo)")

    def close(self, a: int, b: int) -> Outcome:
        """Link A and B as a close match: related, kept and exported, not merged."""
        return self._pair(a, b, "close")

    def reject(self, a: int, b: int) -> Outcome:
        """A and B are not the same: the pair is never suggested again."""
        return self._pair(a, b, "rejected")

    def _pair(self, a: int, b: int, kind: str) -> Outcome:
        if a == b:
            raise DecisionError("an indicator cannot be paired with itself")
        with self.workspace.transaction():
            first, second = self.indicator(a), self.indicator(b)
            low, high = sorted((a, b))
            self.refuse_if_changed_meanwhile({("pair_decisions", (low, high)), ("concept_members", (a,)),
                                               ("concept_members", (b,))})
            concept_a = self.concept_id_of(a)
            if concept_a is not None and concept_a == self.concept_id_of(b):
                raise DecisionError(f"{first.name} and {second.name} are in one concept; detach one first")
            row = {"a": low, "b": high, "kind": kind, "decided_by": self.reviewer, "decided_at": now()}
            word = "close match" if kind == "close" else "rejected"
            event = self.commit_changes(kind if kind == "close" else "reject", f"{word}: {first.name} ~ {second.name}",
                                        [self.row_change("pair_decisions", (low, high), row)], subject=(a, b))
            if kind == "rejected":
                learned.learn(self.connection, event.id, "reject", a, b, first.name, second.name)
        return Outcome(event, event.summary)

    def flag(self, ri_id: int, on: bool | None = None, note: str | None = None) -> Outcome:
        """Mark (or unmark) an indicator as needing a second look, with an optional note (flagging a flagged
        indicator again with another note changes the note); changes nothing else."""
        note = " ".join(note.split()) if note else None
        with self.workspace.transaction():
            ri = self.indicator(ri_id)
            self.refuse_if_changed_meanwhile({("flags", (ri_id,))})
            current = self._row("flags", (ri_id,))
            flagged = current is not None
            target = (not flagged) if on is None else on
            if target == flagged and (not target or current is None or current.get("note") == note):
                return Outcome(None, f"{ri.name} is {'already' if flagged else 'not'} flagged")
            after = None
            if target:
                after = {"regional_indicator_id": ri_id, "flagged_by": self.reviewer, "flagged_at": now(),
                         "note": note}
            words = f"flagged {ri.name}" if target else f"unflagged {ri.name}"
            event = self.commit_changes("flag" if target else "unflag", f"{words}: {note}" if note and target
                                        else words, [self.row_change("flags", (ri_id,), after)], subject=(ri_id, None))
        return Outcome(event, event.summary)

    def no_counterpart(self, ri_id: int, on: bool | None = None) -> Outcome:
        """Mark (or unmark) an indicator as having no counterpart in the other regions (a 个性指标 candidate): it
        leaves the queue and is exported as such. Refused for an indicator in a concept."""
        with self.workspace.transaction():
            ri = self.indicator(ri_id)
            self.refuse_if_changed_meanwhile({("no_counterpart", (ri_id,)), ("concept_members", (ri_id,))})
            marked = self._row("no_counterpart", (ri_id,)) is not None
            target = (not marked) if on is None else on
            if target == marked:
                return Outcome(None, f"{ri.name} is {'already' if marked else 'not'} marked as having no counterpart")
            if target and (concept_id := self.concept_id_of(ri_id)) is not None:
                raise DecisionError(f"{ri.name} is in concept {self.concept_name(concept_id)}: detach it first to mark "
                                    "it as having no counterpart")
            after = {"regional_indicator_id": ri_id, "decided_by": self.reviewer, "decided_at": now()} if target \
                else None
            event = self.commit_changes("no_counterpart" if target else "counterpart",
                                        f"no counterpart: {ri.name}" if target
                                        else f"unmarked no counterpart: {ri.name}",
                                        [self.row_change("no_counterpart", (ri_id,), after)], subject=(ri_id, None))
        return Outcome(event, event.summary)

    def rename(self, concept_id: int, name: str) -> Outcome:
        name = name.strip()
        if not name:
            raise DecisionError("a concept needs a name")
        with self.workspace.transaction():
            self.refuse_if_changed_meanwhile(set(), frozenset({concept_id}))
            row = self._row("concepts", (concept_id,))
            if row is None:
                raise DecisionError(f"no concept {concept_id}")
            if row["name"] == name:
                return Outcome(None, f"the concept is already called {name}")
            member = self.connection.execute("SELECT min(regional_indicator_id) FROM concept_members WHERE concept_id"
                                             " = ?", (concept_id,)).fetchone()[0]
            event = self.commit_changes("rename", f"renamed concept {row['name']} to {name}",
                                        [self.row_change("concepts", (concept_id,), {**row, "name": name})],
                                        subject=(member, None))
        return Outcome(event, event.summary)

    def detach(self, ri_id: int) -> Outcome:
        """Take an indicator out of its concept (a concept left empty goes too)."""
        with self.workspace.transaction():
            ri = self.indicator(ri_id)
            self.refuse_if_changed_meanwhile({("concept_members", (ri_id,))})
            concept_id = self.concept_id_of(ri_id)
            if concept_id is None:
                raise DecisionError(f"{ri.name} is not in a concept")
            changes = [self.row_change("concept_members", (ri_id,), None)]
            left = self.connection.execute(
                "SELECT count(*) FROM concept_members WHERE concept_id = ?", (concept_id,)
            ).fetchone()[0]
            name = self.concept_name(concept_id)
            if left <= 1:
                changes.append(self.row_change("concepts", (concept_id,), None))
            event = self.commit_changes("detach", f"detached {ri.name} from {name}", changes, subject=(ri_id, None))
        return Outcome(event, event.summary)

    def undo(self) -> Outcome:
        """Undo this reviewer's latest decision not undone yet (never a colleague's), by appending its inverse;
        refused when a later decision changed its rows since."""
        with self.workspace.transaction():
            row = self.connection.execute(
                "SELECT id, summary, changes, a, b FROM events WHERE kind != 'undo' AND reviewer = ? AND id NOT IN"
                " (SELECT undoes FROM events WHERE undoes IS NOT NULL) ORDER BY id DESC LIMIT 1", (self.reviewer,)
            ).fetchone()
            if row is None:
                raise DecisionError(f"nothing of yours ({self.reviewer}) to undo")
            event_id, summary, payload, a, b = row
            event, changes = self._invert(event_id, summary.removeprefix("redid: "), payload, "undo", "undid", (a, b))
            learned.forget(self.connection, event_id)
        return Outcome(event, event.summary, touched=_indicators_in(changes), subject=(a, b))

    def redo(self) -> Outcome:
        """Redo this reviewer's latest undo not redone yet, as long as they decided nothing new since (by
        appending the undone rows again); refused when a later decision changed those rows since. The matcher
        learns from it again what the decision taught."""
        with self.workspace.transaction():
            row = self.connection.execute(
                "SELECT id, summary, changes, a, b FROM events WHERE kind = 'undo' AND reviewer = ? AND id NOT IN"
                " (SELECT undoes FROM events WHERE undoes IS NOT NULL) AND id > (SELECT coalesce(max(id), 0) FROM"
                " events WHERE reviewer = ? AND kind NOT IN ('undo', 'redo')) ORDER BY id DESC LIMIT 1",
                (self.reviewer, self.reviewer)).fetchone()
            if row is None:
                raise DecisionError(f"nothing of yours ({self.reviewer}) to redo")
            undo_id, summary, payload, a, b = row
            event, changes = self._invert(undo_id, summary.removeprefix("undid: "), payload, "redo", "redid", (a, b))
            self._relearn(event.id, undo_id, changes)
        return Outcome(event, event.summary, touched=_indicators_in(changes), subject=(a, b))

    def _invert(self, event_id: int, summary: str, payload: str, kind: str, verb: str,
                subject: tuple[int | None, int | None]) -> tuple[Event, list[dict[str, Any]]]:
        """Append the inverse of an event (undo, or redo of an undo) when its rows are still as it left them."""
        changes = json.loads(payload)
        for change in changes:
            if not _same(self._row(change["table"], tuple(change["key"])), change["after"]):
                later = self._changed_by(change["table"], change["key"], event_id)
                raise DecisionError(f"cannot {kind} “{summary}”: {later} changed it since")
        inverse = [{"table": c["table"], "key": c["key"], "before": c["after"], "after": c["before"]}
                   for c in reversed(changes)]
        return self.commit_changes(kind, f"{verb}: {summary}", inverse, undoes=event_id, subject=subject), changes

    def _relearn(self, event_id: int, undo_id: int, changes: list[dict[str, Any]]) -> None:
        """What the decision an undo took back taught, learned again from the redo ``event_id``."""
        original = self.connection.execute("SELECT undoes FROM events WHERE id = ?", (undo_id,)).fetchone()[0]
        while True:  # a redone redo: back to the decision itself
            kind, a, b, undoes = self.connection.execute(
                "SELECT kind, a, b, undoes FROM events WHERE id = ?", (original,)).fetchone()
            if kind != "redo":
                break
            original = self.connection.execute("SELECT undoes FROM events WHERE id = ?", (undoes,)).fetchone()[0]
        teaches = _TEACHES.get(kind)
        if teaches is None or a is None:
            return
        # a decision on many pairs (b is None): the other sides are the rows it changed
        others = [b] if b is not None else [key for key in _indicators_in(changes) if key != a]
        name_a = self.indicator(a).name
        for other in others:
            learned.learn(self.connection, event_id, teaches, a, other, name_a, self.indicator(other).name)

    def _changed_by(self, table: str, key: list, after: int) -> str:
        """Who last changed a row after event ``after`` ("a later decision" when the log does not say)."""
        for reviewer, summary, payload in self.connection.execute(
            "SELECT reviewer, summary, changes FROM events WHERE id > ? ORDER BY id DESC", (after,)
        ):
            if any(change["table"] == table and change["key"] == key for change in json.loads(payload)):
                return f"{'you' if reviewer == self.reviewer else reviewer} ({summary})"
        return "a later decision"

    def concept_name(self, concept_id: int) -> str:
        row = self.connection.execute("SELECT name FROM concepts WHERE id = ?", (concept_id,)).fetchone()
        return row[0] if row else f"concept {concept_id}"


_LEXICON: Lexicon | None = None


def _concept_name(first: IndicatorRef, second: IndicatorRef) -> IndicatorRef:
    """The member that names a new concept: the more general wording (shorter core)."""
    global _LEXICON
    if _LEXICON is None:
        _LEXICON = Lexicon.shipped()
    core_a = normalize(first.name, _LEXICON).core
    core_b = normalize(second.name, _LEXICON).core
    return second if len(core_b) < len(core_a) else first
