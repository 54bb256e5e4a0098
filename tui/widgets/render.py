"""Send the terminal only the cells that changed.

Textual's partial update (`ChopsUpdate.render_segments`) writes each dirty span from the
start of the widget's strip on that line ("TODO: crop to x extents" in its source), so one
changed cell at the end of a grid line re-sends the whole line: ≈ 880 B per typed mark at
80×24 here. Cropping each strip to the dirty span sends just the changed cells. The screen
content is identical; only fewer bytes travel over a slow SSH link.

The replacement is installed only when Textual's class still has the shape it was written
for; otherwise the stock method stays (correct, just chattier).

A widget may also let the terminal move lines itself (`frame_hooks`): the marks grid scrolling
by a row asks the terminal to delete a line at the top of its rows (DECSTBM margins, then DL),
which shifts the rest up, and repaints only the row that came in, instead of every row. A hook
is asked before each frame what to send ahead of it; a full repaint tells it to forget.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.color import ColorSystem
from rich.control import Control
from textual.strip import Strip

try:
    from textual._compositor import ChopsUpdate, LayoutUpdate
except ImportError:  # a Textual without these classes: nothing to improve
    ChopsUpdate = LayoutUpdate = None  # type: ignore[assignment,misc]

# called before each frame with full=True (the whole screen is repainted: nothing to move) or
# False (a partial update); each returns the sequence to send ahead of the frame, or ""
frame_hooks: list[Callable[[bool], str]] = []


def before_frame(full: bool) -> str:
    return "".join(hook(full) for hook in list(frame_hooks))


def scroll_lines(top: int, bottom: int, rows: int) -> str:
    """Move the screen lines top..bottom (0-based, inclusive) up by `rows` (down if negative):
    margins to those lines, then delete (insert) lines at their top, margins back. VT100's
    own sequences: every terminal a school has, xterm.js and pyte know them."""
    if rows == 0 or not 0 <= top <= bottom:
        return ""
    edit = f"\x1b[{rows}M" if rows > 0 else f"\x1b[{-rows}L"
    return f"\x1b[{top + 1};{bottom + 1}r\x1b[{top + 1};1H{edit}\x1b[r"


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
    append(before_frame(False))
    chops = self.chops
    chop_ends = self.chop_ends
    for y, x1, x2 in self.spans:
        line = chops[y]
        ends = chop_ends[y]
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
    ChopsUpdate.render_segments = render_segments_cropped  # type: ignore[method-assign]
    full_render = LayoutUpdate.render_segments

    def render_full(self, console) -> str:
        before_frame(True)  # the whole screen is drawn: nothing for the terminal to move
        return full_render(self, console)

    LayoutUpdate.render_segments = render_full  # type: ignore[method-assign]
    INSTALLED[0] = True
    return True
