"""The action table: every key of the app, where it applies, and how a keymap may remap it.

Both screens' bindings, the lists' and the dialogs' come from here; the key bar, the help screen and the
command palette read the active bindings made from them, so a remap applies everywhere at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import _normalize_key_list  # the key names Textual's own keymap uses ("?" -> question_mark)

MAIN, QUEUE, LIST, MERGE, DIALOG, HELP, APP = "main", "queue", "list", "merge", "dialog", "help", "app"
CONCEPTS, COMPARISON, COVERAGE = "concepts", "comparison", "coverage"
MAPTO, FIND, HISTORY = "map-to", "find", "history"

# Bindings that are active together: a key may mean one action only within each of these.
CHAINS: dict[str, tuple[str, ...]] = {
    "the main screen": (MAIN, LIST, APP),
    "queue mode": (QUEUE, APP),
    "the concepts screen": (CONCEPTS, LIST, APP),
    "a concept's comparison": (COMPARISON, LIST, APP),
    "the coverage screen": (COVERAGE, LIST, APP),
    "the merge dialog": (MERGE,),
    "the rename and export dialogs": (DIALOG,),
    "the help screen": (HELP,),
    "the map-to search": (MAPTO,),
    "find and filter": (FIND,),
    "the history": (HISTORY,),
}


@dataclass(frozen=True, slots=True)
class Action:
    """One action: the id a keymap remaps it by, its default keys, the Textual action it runs, its words and
    the places it applies."""

    id: str
    keys: str
    action: str
    description: str
    tooltip: str = ""
    where: tuple[str, ...] = (MAIN,)
    show: bool | tuple[str, ...] = True  # in the key bar: everywhere, nowhere, or only in these places


ACTIONS: tuple[Action, ...] = (
    Action("next_pane", "tab", "app.focus_next", "Next pane", show=False),
    Action("previous_pane", "shift+tab", "app.focus_previous", "Previous pane", show=False),
    Action("approve", "a", "approve", "Approve", "Same concept as the highlighted candidate", (MAIN, QUEUE)),
    Action("close", "c", "close_match", "Close", "Related, not the same: a close match", (MAIN, QUEUE)),
    Action("reject", "x", "reject", "Reject", "Not the same; never suggested again", (MAIN, QUEUE)),
    Action("flag", "f", "flag", "Flag", "Needs a second look (toggles)"),
    Action("skip", "s", "skip", "Skip", "Leave it and go to the next unreviewed", (MAIN, QUEUE)),
    Action("undo", "u", "undo", "Undo", "Undo the last decision", (MAIN, QUEUE, COMPARISON)),
    # rename and detach apply to mapped indicators only: left out of the main screen's key bar (help and the
    # palette offer them), which at 160 columns has room for the review's other keys, the library and map to
    Action("rename", "e", "rename", "Rename", "Rename the indicator's concept", (MAIN, CONCEPTS, COMPARISON),
           show=(CONCEPTS, COMPARISON)),
    Action("detach", "d", "detach", "Detach", "Take the indicator out of its concept", (MAIN, COMPARISON),
           show=(COMPARISON,)),
    Action("filter", "slash", "filter", "Filter", "Filter records by name", (MAIN, CONCEPTS)),
    Action("next_unreviewed", "n", "next_unreviewed(1)", "Next", "Next indicator with an unreviewed suggestion"),
    Action("previous_unreviewed", "N", "next_unreviewed(-1)", "Previous",
           "Previous indicator with an unreviewed suggestion", show=False),
    Action("queue", "g", "queue", "Queue", "Walk unreviewed suggestions best first"),
    Action("leave", "escape", "leave", "Leave queue", where=(QUEUE,)),
    Action("export", "ctrl+e", "export", "Export", "Write the crosswalk (TOML, CSV, workbook or SSSOM)",
           (MAIN, CONCEPTS, COMPARISON, COVERAGE)),
    Action("help", "question_mark", "help", "Help", "Every key", (MAIN, QUEUE, CONCEPTS, COMPARISON, COVERAGE)),
    Action("quit", "q", "quit", "Quit"),
    # the concepts screen (the library), a concept's comparison, coverage
    Action("library", "l", "library", "Concepts", "The concepts built: the indicator library"),
    Action("back", "escape", "back", "Back", "Back to the screen before",
           (CONCEPTS, COMPARISON, COVERAGE)),
    Action("sort", "s", "sort", "Sort", "Sort by coverage, occurrences, flags or name", (CONCEPTS,)),
    Action("flagged_only", "exclamation_mark", "flagged_only", "Flagged", "Only concepts with flags (toggles)",
           (CONCEPTS,)),
    Action("level1", "1", "level(1)", "Level 1", "Only one level 1 (each press the next)", (CONCEPTS,)),
    Action("level2", "2", "level(2)", "Level 2", "Only one level 2 (each press the next)", (CONCEPTS,)),
    Action("coverage", "c", "coverage", "Coverage",
           "Which regions measure each concept, and the regions' own (个性) indicators", (CONCEPTS,)),
    # decisions on many pairs, "no counterpart" and redo
    # (left out of the key bar, which has no room for them: the help screen and the command palette offer them)
    Action("no_counterpart", "o", "no_counterpart", "No counterpart",
           "This indicator has no counterpart in the other regions (toggles)", (MAIN, QUEUE), show=False),
    Action("none_of_these", "X", "none_of_these", "None of these", "Reject every candidate not decided yet",
           show=False),
    Action("approve_likely", "A", "approve_likely", "Approve likely",
           "Approve every likely candidate into one concept, after a preview", show=False),
    Action("redo", "U", "redo", "Redo", "Redo what undo undid", (MAIN, QUEUE), show=False),
    # the record, indicator and candidate lists
    Action("up", "up,k", "cursor(-1)", "Up", "Move up", (LIST,), show=False),
    Action("down", "down,j", "cursor(1)", "Down", "Move down", (LIST,), show=False),
    Action("page_up", "pageup", "page(-1)", "Page up", where=(LIST,), show=False),
    Action("page_down", "pagedown", "page(1)", "Page down", where=(LIST,), show=False),
    Action("first", "home", "jump(0)", "First", where=(LIST,), show=False),
    Action("last", "end", "jump(-1)", "Last", where=(LIST,), show=False),
    Action("open", "enter", "select", "Open", "Open the row under the cursor", (LIST,)),
    # dialogs
    Action("merge_yes", "y", "answer(True)", "Merge", where=(MERGE,)),
    Action("merge_no", "n,escape", "answer(False)", "Cancel", where=(MERGE,)),
    Action("dialog_cancel", "escape", "cancel", "Cancel", where=(DIALOG,)),
    Action("help_close", "escape,question_mark,q", "close", "Close", where=(HELP,)),
    # finding and showing: map to anything, find and filter, the decision log
    Action("map_to", "m", "map_to", "Map to…",
           "Search every indicator and concept of the other regions (in the library: merge into another concept)",
           (MAIN, CONCEPTS, COMPARISON)),
    Action("history", "h", "history", "History", "The decision log, newest first", show=False),
    Action("map_approve", "enter", "approve_hit", "Approve into", "Same concept as the highlighted hit", (MAPTO,)),
    Action("map_close", "c", "close_hit", "Close match", "Related, not the same (from the hits)", (MAPTO,)),
    Action("map_up", "up", "hit(-1)", "Up", where=(MAPTO, FIND), show=False),
    Action("map_down", "down", "hit(1)", "Down", where=(MAPTO, FIND), show=False),
    Action("map_cancel", "escape", "cancel", "Cancel", where=(MAPTO, FIND, HISTORY)),
    Action("find_go", "enter", "go", "Go there", "Show the highlighted indicator or project", (FIND, HISTORY)),
)

BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}

# Keys Textual's App binds itself (quit from anywhere, the command palette): a remap cannot take them.
APP_KEYS: dict[str, str] = {"ctrl+q": "Quit (the app's own key)", "ctrl+p": "the command palette",
                            "ctrl+c": "Copy (the app's own key)"}


def bindings(where: str) -> list[Binding]:
    """The bindings of one place (a screen, the lists, a dialog), with their ids for the keymap."""
    return [Binding(action.keys, action.action, action.description, id=action.id, tooltip=action.tooltip,
                    show=action.show if isinstance(action.show, bool) else where in action.show)
            for action in ACTIONS if where in action.where]


def _keys(keys: str) -> list[str]:
    return [key for key in _normalize_key_list(keys).split(",") if key]


def checked_keymap(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The remaps that can be applied, and one line for each that cannot: an unknown id, no key, or a key that
    another action active at the same time already has (the remap is dropped: the action keeps its keys)."""
    problems: list[str] = []
    applied: dict[str, str] = {}
    for action_id, keys in keymap.items():
        if action_id not in BY_ID:
            problems.append(f"keymap: no action has the id {action_id!r} (? lists every id)")
        elif not _keys(keys):
            problems.append(f"keymap: {action_id} has no key")
        else:
            applied[action_id] = keys
    while clashes := _clashes(applied):
        for action_id, key, other, chain in clashes:
            if action_id in applied:
                problems.append(f"keymap: {action_id} = {keys_text(applied.pop(action_id))} clashes with {other} "
                                f"({keys_text(key)}) in {chain}; {action_id} keeps {keys_text(BY_ID[action_id].keys)}")
    return applied, problems


def _clashes(applied: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    """(remapped action id, key, what else has that key, where) for every key two actions would share."""
    found: list[tuple[str, str, str, str]] = []
    for chain, places in CHAINS.items():
        owners: dict[str, str] = {key: "" for key in APP_KEYS} if APP in places else {}  # key -> action id
        for action in _in(places):
            for key in _keys(applied.get(action.id, action.keys)):
                other = owners.setdefault(key, action.id)
                if other == action.id:
                    continue
                if action.id in applied:
                    found.append((action.id, key, _what(other, key), chain))
                if other in applied:
                    found.append((other, key, _what(action.id, key), chain))
    return found


def _what(action_id: str, key: str) -> str:
    return BY_ID[action_id].description if action_id else APP_KEYS[key]


def _in(places: Iterable[str]) -> list[Action]:
    wanted = set(places)
    return [action for action in ACTIONS if wanted & set(action.where)]


def keys_text(keys: str) -> str:
    """Keys as a user writes them in the keymap ("question_mark" -> "?")."""
    names = {"question_mark": "?", "slash": "/"}
    return ",".join(names.get(key, key) for key in _keys(keys))
