"""The footer of every screen: the screen's keys in the order the screen lists them (the most
used first), then «Esc Назад», and «F1 Справка» docked at the right edge; on a second (third)
line when one line at this width cannot hold them all, so no key is ever cut off at 80 columns.

One widget draws them all (issue 16). Textual's Footer makes a widget of every key — about
twenty on the grid's screen — and styling, laying out and drawing those was a quarter of the
time the grid took to open (30 of ≈ 110 ms, measured); a session held them all in memory. The
look is Textual's compact footer's, cell for cell: the key in the footer's key colour, bold,
its description after a space, a column between keys, the docked key behind a thin bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui import strings as S

# Ctrl+Q works everywhere (the app's binding) but is shown only where a session starts or ends:
# login, home, the diary; elsewhere Esc goes back and the room is the screen's own keys.
QUIT = Binding("ctrl+q", "app.quit", S.KEY_QUIT, id="quit-here", priority=True)

MAX_LINES = 3  # two hold every screen at 80 columns but the admin's roster (and narrower terminals)
BAR = "▏"  # the left edge of the docked key (Textual's "vkey" border)


@dataclass(frozen=True)
class Key:
    """A key the footer shows: `key` as pressed, `display` as shown («F1», «^Q»)."""

    key: str
    display: str
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        """Columns it takes: «Ins Урок» (the column after it not counted)."""
        return cell_len(self.display) + (1 + cell_len(self.description) if self.description else 0)


@dataclass(frozen=True)
class PlacedKey:
    """Where a key is drawn, in the footer's own lines and columns."""

    key: Key
    region: Region
    docked: bool = False


def split_lines(keys: list[Key], room: int) -> list[list[Key]]:
    """Keys in order, a new line where the next key would pass `room` (the width left of the
    docked F1, which takes the right edge of every line); the last line takes the rest."""
    lines: list[list[Key]] = [[]]
    used = 0
    for key in keys:
        width = key.width + 1
        if lines[-1] and used + width > room and len(lines) < MAX_LINES:
            lines.append([])
            used = 0
        lines[-1].append(key)
        used += width
    return lines


class KeysFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keys-footer--key", "keys-footer--description", "keys-footer--bar"}
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keys-footer--bar {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[Key, ...] = ()
        self._docked: Key | None = None
        self._lines: list[list[Key]] = [[]]
        self._width = 0  # the terminal width the lines were split for

    # --- which keys ---------------------------------------------------------------------

    def shown_keys(self) -> tuple[tuple[Key, ...], Key | None]:
        """The screen's keys now (one per action, in the screen's order; Esc last) and the
        docked one, as Textual's footer picks them."""
        active = self.screen.active_bindings
        first: dict[str, Key] = {}
        for _node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in first:
                first[binding.action] = self._key(binding, enabled)
        keys = sorted(first.values(), key=lambda k: k.key == "escape")  # Esc: the same place everywhere
        docked = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            docked = self._key(binding, enabled)
        return tuple(keys), docked

    def _key(self, binding: Binding, enabled: bool) -> Key:
        return Key(binding.key, self.app.get_key_display(binding), binding.description, enabled)

    def compose(self) -> ComposeResult:
        # the keys are known from the start: the footer has its height on the first frame
        self._settle()
        return
        yield

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self._settle()

    def on_resize(self, event: events.Resize) -> None:
        if self._width and self.app.size.width != self._width:
            self._settle()

    def _settle(self) -> None:
        """Take the screen's keys and the terminal's width; drawn again only if they changed
        (a screen opened with its footer right the first time is not drawn twice)."""
        keys, docked = self.shown_keys()
        width = self.app.size.width
        if (keys, docked, width) == (self._keys, self._docked, self._width):
            return
        self._keys, self._docked, self._width = keys, docked, width
        room = width - (self._docked.width + 2 if self._docked else 0)  # the bar, the column after
        self._lines = split_lines(list(keys), room)
        if self.styles.height is None or self.styles.height.value != len(self._lines):
            self.styles.height = len(self._lines)  # lays the screen out again
        self.refresh()

    # --- where and how they are drawn ------------------------------------------------------

    def placed(self) -> list[PlacedKey]:
        """Every key with the columns it takes on its line (the docked one at the right edge of
        the first line), in the footer's coordinates."""
        out = []
        for y, line in enumerate(self._lines):
            x = 0
            for key in line:
                out.append(PlacedKey(key, Region(x, y, key.width, 1)))
                x += key.width + 1
        if self._docked is not None:
            width = self._docked.width + 1  # the bar before it
            out.append(PlacedKey(self._docked, Region(self.size.width - width - 1, 0, width, 1), docked=True))
        return out

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        gap = Style(bgcolor=base.bgcolor)
        key_style = self.get_component_rich_style("keys-footer--key")
        description_style = self.get_component_rich_style("keys-footer--description")
        segments: list[Segment] = []
        if y < len(self._lines):
            for key in self._lines[y]:
                segments.extend(self._segments(key, base, key_style, description_style))
                segments.append(Segment(" ", gap))
        right: list[Segment] = []
        if y == 0 and self._docked is not None:
            bar = self.get_component_rich_style("keys-footer--bar")
            right = [
                Segment(BAR, base + bar),
                *self._segments(self._docked, base, key_style, description_style),
                Segment(" ", gap),
            ]
        room = width - Segment.get_line_length(right)
        line = Strip(segments)
        if line.cell_length > room:
            line = line.crop(0, room)
        filler = [Segment(" " * (room - line.cell_length), gap)] if line.cell_length < room else []
        return Strip([*line, *filler, *right]).crop(0, width)

    @staticmethod
    def _segments(key: Key, base: Style, key_style: Style, description_style: Style) -> list[Segment]:
        dim = Style() if key.enabled else Style(dim=True)
        segments = [Segment(key.display, base + dim + key_style)]
        if key.description:
            segments.append(Segment(" " + key.description, base + dim + description_style))
        return segments

    def on_click(self, event: events.Click) -> None:
        """A key clicked (textual-serve, a terminal with a mouse) is that key pressed."""
        for placed in self.placed():
            if placed.region.contains(event.x, event.y):
                if placed.key.enabled:
                    self.app.simulate_key(placed.key.key)
                else:
                    self.app.bell()
                return
