"""Document text for the terminal: every piece of it goes through :func:`literal` into ``rich.text.Text``,
so that markup like ``[bold]`` or ``[/]`` and escape bytes show as they are and control nothing.

Text from documents, file names and mapping files is untrusted: an ESC could retitle or clear the terminal,
a C1 control (U+009B is CSI) does the same on some terminals, and bidi overrides or zero-width characters make
a name read as another. :func:`visible` shows every one of them.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

# Format characters (Unicode category Cf), line and paragraph separators (Zl, Zp) and C1 controls: invisible or
# acting on the terminal, shown as <U+XXXX>
_INVISIBLE = re.compile(
    "[\x80-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible(text: str | None) -> str:
    """Control characters as their visible symbols (ESC -> ␛, DEL -> ␡), other invisible or terminal-acting
    characters (C1 controls, bidi overrides, zero-width characters, line separators) as <U+XXXX>, tabs and
    newlines as spaces."""
    value = text or ""
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: "␡" if m.group(0) == "\x7f" else chr(0x2400 + ord(m.group(0))), value)
    if _INVISIBLE.search(value):
        value = _INVISIBLE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value)
    return value.replace("\t", " ").replace("\n", " ")


def literal(text: str | None, style: str | Style = "") -> Text:
    return Text(visible(text), style=style)
