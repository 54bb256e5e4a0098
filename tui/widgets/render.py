"""Send the terminal only the cells that changed.

Textual's partial update (`ChopsUpdate.render_segments`) writes each dirty span from the
start of the widget's strip on that line ("TODO: crop to x extents" in its source), so one
changed cell at the end of a grid line re-sends the whole line: ≈ 880 B per typed mark at
80×24 here. Cropping each strip to the dirty span sends just the changed cells. The screen
content is identical; only fewer bytes travel over a slow SSH link.

The replacement is installed only when Textual's class still has the shape it was written
for; otherwise the stock method stays (correct, just chattier).
"""

from __future__ import annotations

from rich.control import Control

try:
    from textual._compositor import ChopsUpdate
except ImportError:  # a Textual without this class: nothing to improve
    ChopsUpdate = None  # type: ignore[assignment,misc]


def render_segments_cropped(self, console) -> str:
    """As ChopsUpdate.render_segments, with each strip cropped to [x1, x2) of its span."""
    sequences: list[str] = []
    append = sequences.append
    move_to = Control.move_to
    chops = self.chops
    chop_ends = self.chop_ends
    last_y = self.spans[-1][0]
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
            append(strip.render(console))
        if y != last_y:
            append("\n")
    return "".join(sequences)


def install() -> bool:
    """Use the cropping renderer; True when installed."""
    if ChopsUpdate is None or not all(hasattr(ChopsUpdate, name) for name in ("render_segments", "__init__")):
        return False
    if not {"chops", "spans", "chop_ends"} <= set(ChopsUpdate.__init__.__code__.co_varnames):
        return False
    ChopsUpdate.render_segments = render_segments_cropped
    return True
