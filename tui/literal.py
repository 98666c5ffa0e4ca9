"""Document text for the terminal: every piece of it goes through :func:`literal` into ``rich.text.Text``,
so that markup like ``[bold]`` or ``[/]`` and escape bytes show as they are and control nothing."""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible(text: str | None) -> str:
    """Control characters as their visible symbols (ESC -> ␛), tabs and newlines as spaces."""
    value = _CONTROL.sub(lambda m: "␡" if m.group(0) == "\x7f" else chr(0x2400 + ord(m.group(0))), text or "")
    return value.replace("\t", " ").replace("\n", " ")


def literal(text: str | None, style: str | Style = "") -> Text:
    return Text(visible(text), style=style)
