"""The user's settings for the review app (keymap, theme, reviewer, how often to look for other processes'
decisions) from one TOML file: $ZHIBIAO_CONFIG, else $XDG_CONFIG_HOME/zhibiao/config.toml, else
~/.config/zhibiao/config.toml. Problems are collected, never
fatal: the app starts with its defaults and says what it could not use."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from store.text import read_toml

ENVIRONMENT = "ZHIBIAO_CONFIG"
DEFAULT_POLL_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Config:
    """What the config file asks for, and one line for each part of it that cannot be used."""

    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    reviewer: str | None = None
    poll_seconds: float = DEFAULT_POLL_SECONDS  # how often the app looks for decisions other processes made
    problems: tuple[str, ...] = ()


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the config file is looked for."""
    if environ.get(ENVIRONMENT):
        return Path(environ[ENVIRONMENT])
    base = Path(environ["XDG_CONFIG_HOME"]) if environ.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "zhibiao" / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The config at ``path`` (default: :func:`config_path`); a missing default file is no problem, a missing
    file that $ZHIBIAO_CONFIG names is."""
    explicit = path is not None or bool(os.environ.get(ENVIRONMENT))
    path = path or config_path()
    if not explicit and not path.exists():
        return Config()
    try:
        data = read_toml(path, "config file")
    except ValueError as exc:
        return Config(problems=(f"config: {exc}",))
    problems: list[str] = []
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        problems.append(f"config: {path}: [keymap] must be a table of action id = \"keys\"")
        table = {}
    keymap = {}
    for action_id, keys in table.items():
        if isinstance(keys, str):
            keymap[str(action_id)] = keys
        else:
            problems.append(f"config: {path}: keymap {action_id} must be a string of keys, like \"y,a\"")
    settings = {}
    for name in ("theme", "reviewer"):
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and value.strip()):
            problems.append(f"config: {path}: {name} must be a non-empty string")
            value = None
        settings[name] = value.strip() if value else None
    poll = data.get("poll_seconds", DEFAULT_POLL_SECONDS)
    if isinstance(poll, bool) or not isinstance(poll, int | float) or not 0.1 <= poll <= 3600:
        problems.append(f"config: {path}: poll_seconds must be a number of seconds from 0.1 to 3600")
        poll = DEFAULT_POLL_SECONDS
    known = ("keymap", "theme", "reviewer", "poll_seconds")
    for unknown in sorted(set(data) - set(known)):
        problems.append(f"config: {path}: unknown setting {unknown!r} (known: {', '.join(known)})")
    return Config(keymap, settings["theme"], settings["reviewer"], float(poll), tuple(problems))
