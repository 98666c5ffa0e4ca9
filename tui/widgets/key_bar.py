"""KeyBar: the keys of the focused widget and its screen on one line, repainted rather than recomposed."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

_ENABLED, _DISABLED = Style(), Style(dim=True)


class KeyBar(Widget):
    """The keys of the focused widget and its screen on one line, like Textual's Footer, but drawn as one
    line of text: when an action is enabled or disabled the bar is repainted, not recomposed (the Footer's
    recomposition costs a layout pass, 30-40 ms, every time the cursor crosses a region row).

    Disabled actions are dimmed; clicking a key presses it.
    """

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
    KeyBar > .keybar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    """
    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # (first cell, last cell + 1, key, enabled, tooltip) of every key shown
        self._spans: list[tuple[int, int, str, bool, str]] = []
        self._shown: tuple = ()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen and self._entries() != self._shown:
            self.refresh()

    def _entries(self) -> tuple:
        """(key, key display, description, enabled, tooltip) of each action shown, in binding order."""
        seen: set[str] = set()
        entries = []
        palette = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if self.app.ENABLE_COMMAND_PALETTE and binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = (binding.key, self.app.get_key_display(binding), binding.description, enabled,
                           tooltip or binding.description)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            entries.append((binding.key, self.app.get_key_display(binding), binding.description, enabled,
                            tooltip or binding.description))
        if palette is not None:
            entries.append(palette)
        return tuple(entries)

    def render(self) -> Text:
        self._shown = entries = self._entries()
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        description_style = self.get_component_rich_style("keybar--description", partial=True)
        width = self.size.width or 1_000
        # narrower terminals: first less padding, then descriptions only for help and quit (every key stays
        # visible, and ? says what they do)
        for pad, described in ((" ", None), ("", None), ("", {"question_mark", "q", "ctrl+q"})):
            text = Text(no_wrap=True, overflow="ellipsis")
            spans = []
            for key, display, description, enabled, tooltip in entries:
                start = text.cell_len
                dim = _ENABLED if enabled else _DISABLED
                text.append(f"{pad}{display}{pad}" if pad else f" {display}", key_style + dim)
                if described is None or key in described:
                    text.append(f"{' ' if not pad else ''}{description} ", description_style + dim)
                spans.append((start, text.cell_len, key, enabled, tooltip))
            if text.cell_len <= width:
                break
        self._spans = spans
        return text

    def _entry_at(self, x: int) -> tuple[int, int, str, bool, str] | None:
        return next((span for span in self._spans if span[0] <= x < span[1]), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._entry_at(event.x)
        self.tooltip = span[4] if span else None

    def on_click(self, event: events.Click) -> None:
        span = self._entry_at(event.x)
        if span is None:
            return
        if span[3]:
            self.app.simulate_key(span[2])
        else:
            self.app.bell()
