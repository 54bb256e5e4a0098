"""Send the terminal only the cells that changed.

Textual's partial update (`ChopsUpdate.render_segments`) writes each dirty span from the
start of the widget's strip on that line ("TODO: crop to x extents" in its source), so one
changed cell at the end of a grid line re-sends the whole line: ≈ 880 B per typed mark at
80×24 here. Cropping each strip to the dirty span sends just the changed cells. The screen
content is identical; only fewer bytes travel over a slow SSH link.

The replacement is installed only when Textual's class still has the shape it was written
for; otherwise the stock method stays (correct, just chattier).

A widget may also let the terminal move lines itself (`add_frame_hook`): the marks grid scrolling
by a row asks the terminal to delete a line at the top of its rows (DECSTBM margins, then DL),
which shifts the rest up, and repaints only the row that came in, instead of every row. A hook
is asked before each frame what to send ahead of it; a full repaint tells it to forget.

And a line the terminal already shows is not sent again (`Shown`): Textual repaints the whole
screen two or three times as a screen opens (its layout, a reflow, the screen's own refresh),
each frame the same; the marks grid cost ≈ 17 KB to open instead of ≈ 5.7 KB. What the
terminal shows is known line by line from what was sent; a line sent in part, or moved, is
unknown until it is sent whole again; a resize, a suspend or Ctrl+L forgets it all.

Both are kept per console (one per app, so one per terminal): apps sharing a process, each
on a terminal of its own, never take another's lines or hooks for theirs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from rich.color import ColorSystem
from rich.console import Console
from rich.control import Control
from textual.strip import Strip

try:
    from textual._compositor import ChopsUpdate, LayoutUpdate
except ImportError:  # a Textual without these classes: nothing to improve
    ChopsUpdate = LayoutUpdate = None  # type: ignore[assignment,misc]

FrameHook = Callable[[bool], str]


def add_frame_hook(console: Console, hook: FrameHook) -> None:
    """`hook(full)` is called before each frame of this console: full=True (the whole screen is
    repainted: nothing to move) or False (a partial update); it returns the sequence to send
    ahead of the frame, or ""."""
    terminal_of(console).hooks.append(hook)


def remove_frame_hook(console: Console, hook: FrameHook) -> None:
    hooks = terminal_of(console).hooks
    if hook in hooks:
        hooks.remove(hook)


def before_frame(console: Console, full: bool) -> str:
    return "".join(hook(full) for hook in list(terminal_of(console).hooks))


def scroll_lines(console: Console, top: int, bottom: int, rows: int) -> str:
    """Move the screen lines top..bottom (0-based, inclusive) up by `rows` (down if negative):
    margins to those lines, then delete (insert) lines at their top, margins back. VT100's
    own sequences: every terminal a school has, xterm.js and pyte know them."""
    if rows == 0 or not 0 <= top <= bottom:
        return ""
    edit = f"\x1b[{rows}M" if rows > 0 else f"\x1b[{-rows}L"
    terminal_of(console).shown.moved(top, bottom, rows)
    return f"\x1b[{top + 1};{bottom + 1}r\x1b[{top + 1};1H{edit}\x1b[r"


class Shown:
    """What a terminal shows, line by line, as its app sent it: a line's text as `line_text`
    renders it, or None where unknown (sent in part, moved in, never sent)."""

    def __init__(self) -> None:
        self.key: tuple[int, int] | None = None  # the size the lines are of
        self.lines: list[str | None] = []

    def of(self, width: int, height: int) -> list[str | None]:
        key = (width, height)
        if key != self.key:
            self.key, self.lines = key, [None] * height
        return self.lines

    def forget(self) -> None:
        self.key, self.lines = None, []

    def moved(self, top: int, bottom: int, rows: int) -> None:
        """The terminal moved lines top..bottom up by `rows` (down if negative)."""
        lines = self.lines
        if not lines or bottom >= len(lines):
            self.forget()
            return
        block = lines[top : bottom + 1]
        count = min(abs(rows), len(block))
        kept = block[count:] if rows > 0 else block[: len(block) - count]
        blank: list[str | None] = [None] * count
        lines[top : bottom + 1] = kept + blank if rows > 0 else blank + kept


class Terminal:
    """One console's terminal: what it shows, and the hooks asked before each frame."""

    def __init__(self) -> None:
        self.shown = Shown()
        self.hooks: list[FrameHook] = []


_TERMINALS: weakref.WeakKeyDictionary[Console, Terminal] = weakref.WeakKeyDictionary()


def terminal_of(console: Console) -> Terminal:
    terminal = _TERMINALS.get(console)
    if terminal is None:
        terminal = _TERMINALS[console] = Terminal()
    return terminal


def forget_shown(console: Console) -> None:
    """The terminal's content is not what was sent (after a suspend, on Ctrl+L, a resize)."""
    terminal_of(console).shown.forget()


def line_text(strips, console) -> str:
    """One screen line's strips, as sent."""
    return render_strip(Strip.join(strips), console)


def render_strip(strip: Strip, console) -> str:
    """As Strip.render, without a reset after every segment: a style is sent where it changes
    («ESC[0;…m» resets and sets in one), and one reset at the end. A link: the stock way."""
    color_system = console._color_system or ColorSystem.TRUECOLOR
    out: list[str] = []
    current = ""
    for text, style, _control in strip:
        if not text:
            continue
        codes = ""
        if style is not None:
            if style.link:
                return strip.render(console)
            codes = style._make_ansi_codes(color_system)
        if codes != current:  # from plain text a style needs no reset first
            out.append(f"\x1b[{'0;' if current else ''}{codes}m" if codes else "\x1b[0m")
            current = codes
        out.append(text)
    if current:
        out.append("\x1b[0m")
    return "".join(out)


def render_segments_cropped(self, console) -> str:
    """As ChopsUpdate.render_segments, with each strip cropped to [x1, x2) of its span."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    append(before_frame(console, False))
    chops = self.chops
    chop_ends = self.chop_ends
    width = console.width
    lines = terminal_of(console).shown.of(width, len(chops))
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
        whole_span = x1 == 0 and x2 >= width
        if None not in line.values() and (whole_span or lines[y] is not None):
            text = line_text(line.values(), console)
            if lines[y] == text:
                # the terminal shows this line already, all of it: no part of it is sent (a
                # screen's reflow after it opens marks spans dirty that did not change)
                continue
            if whole_span:
                append(move_to(0, y).segment.text)
                append(text)
                lines[y] = text
                continue
        lines[y] = None  # sent in part: what the rest of the line shows is Textual's to know
        for end, (x, strip) in zip(ends, line.items(), strict=False):
            if strip is None or x >= x2 or end <= x1:
                continue
            start, stop = max(x, x1), min(end, x2)
            if (start, stop) != (x, end):
                strip = strip.crop(start - x, stop - x)
            append(move_to(start, y).segment.text)
            append(render_strip(strip, console))
    # (no newline between lines, unlike Textual's: each span starts with its own cursor move)
    return "".join(sequences)


def render_full_lines(self, console) -> str:
    """As LayoutUpdate.render_segments, each line sent only where the terminal does not show
    it already (Shown), styles sent where they change."""
    before_frame(console, True)  # the whole screen is drawn: nothing for the terminal to move
    x, y0 = self.region.x, self.region.y
    shown = terminal_of(console).shown
    lines = shown.of(self.region.width, self.region.height)
    if x or y0:  # not the whole screen (an inline app): the stock way, nothing known after
        shown.forget()
        stock = LAYOUT_RENDER[0]
        assert stock is not None  # installed only where LayoutUpdate exists
        return stock(self, console)
    move_to = Control.move_to
    out: list[str] = []
    for y, line in enumerate(self.strips):
        text = line_text(line, console)
        if lines[y] != text:
            out.append(move_to(0, y).segment.text)
            out.append(text)
            lines[y] = text
    return "".join(out)


LAYOUT_RENDER = [LayoutUpdate.render_segments if LayoutUpdate is not None else None]
INSTALLED = [False]  # the hooks are only called once install() has run


def hooks_active() -> bool:
    return INSTALLED[0]


def install() -> bool:
    """Use the cropping renderer (and the frame hooks); True when installed."""
    if INSTALLED[0]:
        return True
    if ChopsUpdate is None or not all(hasattr(ChopsUpdate, name) for name in ("render_segments", "__init__")):
        return False
    if not {"chops", "spans", "chop_ends"} <= set(ChopsUpdate.__init__.__code__.co_varnames):
        return False
    if not {"strips", "region"} <= set(LayoutUpdate.__init__.__code__.co_varnames):
        return False
    ChopsUpdate.render_segments = render_segments_cropped  # type: ignore[method-assign]
    LayoutUpdate.render_segments = render_full_lines  # type: ignore[method-assign]
    INSTALLED[0] = True
    return True
