"""The footer of every screen: the screen's keys in the order the screen lists them (the most
used first), then «Esc Назад», and «F1 Справка» docked at the right edge; on a second (third)
line when one line at this width cannot hold them all, so no key is ever cut off at 80 columns.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui import strings as S

# Ctrl+Q works everywhere (the app's binding) but is shown only where a session starts or ends:
# login, home, the diary; elsewhere Esc goes back and the room is the screen's own keys.
QUIT = Binding("ctrl+q", "app.quit", S.KEY_QUIT, id="quit-here", priority=True)

MAX_LINES = 3  # two hold every screen at 80 columns but the admin's roster (and narrower terminals)


def key_width(widget: Widget) -> int:
    """Columns a compact key takes: «Ins Урок» and the one-column gap after it."""
    if isinstance(widget, FooterKey):
        return len(widget.key_display) + 1 + len(widget.description) + 1
    return 0


def split_lines(keys: list[Widget], room: int) -> list[list[Widget]]:
    """Keys in order, a new line where the next key would pass `room` (the width left of the
    docked F1, which takes the right edge of every line); the last line takes the rest."""
    lines: list[list[Widget]] = [[]]
    used = 0
    for key in keys:
        width = key_width(key)
        if lines[-1] and used + width > room and len(lines) < MAX_LINES:
            lines.append([])
            used = 0
        lines[-1].append(key)
        used += width
    return lines


class KeysFooter(Footer):
    DEFAULT_CSS = """
    KeysFooter.-lines { layout: vertical; }
    KeysFooter.-lines HorizontalGroup { height: 1; }
    """

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._width = 0
        self._shown: tuple = ()  # the keys last composed: a bindings signal changing none of
        # them recomposes nothing (a screen opened with its footer right the first time,
        # not drawn again when focus settles)

    def shown_keys(self) -> tuple:
        return tuple(
            (binding.key, binding.description, enabled)
            for _node, binding, enabled, _tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen and self.shown_keys() == self._shown:
            self._bindings_ready = True
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        # the keys are known from the start: the footer has its height on the first frame
        self.set_reactive(Footer._bindings_ready, True)
        self._shown = self.shown_keys()
        widgets = list(super().compose())
        docked = [w for w in widgets if w.has_class("-command-palette")]
        # Esc (back, close) is last on every screen: the same place wherever one is
        keys = sorted(
            (w for w in widgets if w not in docked),
            key=lambda w: isinstance(w, FooterKey) and w.key == "escape",
        )
        self._width = self.app.size.width
        docked_width = sum(key_width(w) + 1 for w in docked)
        # as few lines as hold them: each line costs the screen a row of its list
        lines = split_lines(keys, self._width - docked_width)
        self.styles.height = len(lines)
        self.set_class(len(lines) > 1, "-lines")
        yield from docked
        if len(lines) == 1:
            yield from lines[0]
        else:
            for line in lines:
                yield HorizontalGroup(*line)

    def on_resize(self, event: events.Resize) -> None:
        if self._width and self.app.size.width != self._width:
            self.call_after_refresh(self.recompose)
