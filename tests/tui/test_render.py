"""The cropping renderer sends fewer bytes and leaves exactly the same screen."""

from __future__ import annotations

import random

import pyte
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate
from textual.strip import Strip

from tui.widgets.render import render_segments_cropped

WIDTH, HEIGHT = 40, 6
STYLES = [Style(color="red"), Style(color="green", bold=True), Style(bgcolor="blue"), Style()]


def random_line(rng: random.Random) -> Strip:
    segments, used = [], 0
    while used < WIDTH:
        size = min(rng.randint(1, 7), WIDTH - used)
        text = "".join(rng.choice("абвгд12345 нбуо/") for _ in range(size))
        segments.append(Segment(text, rng.choice(STYLES)))
        used += size
    return Strip(segments)


def screen_after(sequence: str, base: list[str]) -> list[str]:
    """A VT100 screen pre-filled with `base`, after the update sequence is written."""
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    for y, text in enumerate(base):
        stream.feed(f"\x1b[{y + 1};1H{text}")
    stream.feed(sequence)
    return [line for line in screen.display]


def test_cropped_update_leaves_the_same_screen_with_fewer_bytes():
    console = Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False)
    rng = random.Random(7)
    for _ in range(50):
        lines = [random_line(rng) for _ in range(HEIGHT)]
        # two widgets side by side on every line: cuts at 0, 15 and 40
        cuts = [[0, 15, WIDTH] for _ in range(HEIGHT)]
        chops = [{0: line.crop(0, 15), 15: line.crop(15, WIDTH)} for line in lines]
        spans = sorted(
            {
                (y, x1, min(WIDTH, x1 + rng.randint(1, 8)))
                for y, x1 in ((rng.randrange(HEIGHT), rng.randrange(WIDTH)) for _ in range(3))
            }
        )
        update = ChopsUpdate(chops, spans, [c[1:] for c in cuts])
        stock = ChopsUpdate.render_segments(update, console)
        cropped = render_segments_cropped(update, console)
        base = ["." * WIDTH] * HEIGHT
        # the spans' cells are what both must show; elsewhere the old content stays
        expected = screen_after(stock, base)
        got = screen_after(cropped, base)
        for y, x1, x2 in spans:
            assert got[y][x1:x2] == expected[y][x1:x2]
        assert len(cropped) <= len(stock)


def test_one_cell_is_sent_alone():
    console = Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False)
    line = Strip(
        [Segment("Иванов Иван     ", Style()), Segment("  5   ", Style(bold=True))] + [Segment(" " * 18)]
    )
    update = ChopsUpdate([{0: line}], [(0, 16, 22)], [[WIDTH]])
    out = render_segments_cropped(update, console)
    assert "Иванов" not in out and "5" in out
    assert screen_after(out, [" " * WIDTH])[0][16:22] == "  5   "
