"""store/ is the domain and data layer, and the review app's session, config, matcher service and record tree
are plain Python over it, and so are the command line and its printing (the app is imported only by review):
none of them imports Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import store

TEXTUAL_FREE_TUI = ["tui.config", "tui.session", "tui.suggestions", "tui.record_tree", "tui.printing", "tui.cli"]


def test_no_store_module_imports_textual() -> None:
    modules = [m.name for m in pkgutil.walk_packages(store.__path__, "store.")] + TEXTUAL_FREE_TUI
    assert "store.readers.packed" in modules and "store.workspace" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"imports textual: {result.stdout} {result.stderr}"
