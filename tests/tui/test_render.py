"""The cropping renderer sends fewer bytes and leaves exactly the same screen."""

from __future__ import annotations

import random
import re

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


def pyte_cells(sequences: list[str], cols: int, rows: int) -> list[list[tuple]]:
    """Every cell of a VT100 screen after the sequences: its character, colours and weight."""
    screen = pyte.Screen(cols, rows)
    stream = pyte.Stream(screen)
    for sequence in sequences:
        stream.feed(sequence)
    return [
        [(c.data, c.fg, c.bg, c.bold, c.reverse) for c in (screen.buffer[y][x] for x in range(cols))]
        for y in range(rows)
    ]


async def test_a_column_typed_down_a_long_class_scrolls_by_the_terminal_s_own_lines(small_sqlite):
    """Issue 16: the grid scrolled by a row repainted every row (≈ 4 KB a mark); now the
    terminal moves the lines and one row is drawn. What the terminal shows after a whole column
    is exactly a full repaint of the final state, cell by cell, colours included."""
    import datetime as dt

    from textual._compositor import CompositorUpdate

    from models.core.schema import Mark
    from models.journal import entries
    from models.people import accounts, roster
    from tests.shared import course_choice
    from tui import widgets
    from tui.app import JournalApp
    from tui.screens.journalgrid import GridScreen

    s = small_sqlite
    letters = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"
    for n in range(31):  # 35 pupils in 5А
        surname = "Ученик" + letters[n // len(letters)].lower() + letters[n % len(letters)].lower()
        roster.add_student(
            s.homeroom, s.class_a, {"surname": surname, "first_name": "Тест"}, dt.date(2026, 9, 1)
        )
    for day in (9, 10, 11, 12, 13, 16, 17, 18, 19, 20):  # more lessons than 80 columns show
        entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, day))
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27)).id
    assert widgets.render.install()
    result = accounts.authenticate("petrov", s.passwords["petrov"])
    app = JournalApp(source="")
    frames: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app._display = lambda screen, update: (  # type: ignore[method-assign]
            frames.append(update.render_segments(app.console))
            if isinstance(update, CompositorUpdate)
            else None
        )
        app.land(result)
        await pilot.pause()
        choice = course_choice(result.actor, s.year_id, s.math_a)
        app.push_screen(GridScreen(result.actor, choice, s.q2))
        await pilot.pause()
        await pilot.pause()
        # as it opens: the lessons' header is that of the offsets today's column needs
        assert pyte_cells(frames, 80, 24) == full_repaint(app)
        # and each line of the grid went once: Textual's second and third repaint of the
        # opening screen found the terminal showing them already
        opening = "".join(frames[frames.index(next(f for f in frames if "Итог" in f)) :])
        assert opening.count("Учащийся") == 1 and opening.count("Взв.") == 1
        grid = app.screen.grid
        grid.move_to(0, grid.col_of(lesson))
        await pilot.pause()
        opened = len(frames)
        for i in range(35):
            await pilot.press("345"[i % 3])
            await pilot.pause()
        typed = frames[opened:]
        assert Mark.select().where(Mark.lesson == lesson).count() == 35  # every mark written
        assert grid.row == 34 and grid.top > 0  # the view did scroll
        moved = [int(n) for f in typed for n in re.findall(r"\x1b\[(\d+)M\x1b\[r", f)]
        assert sum(moved) == grid.top and len(moved) > 1  # the terminal moved every row
        assert max(moved) == 8  # half a page at a time (17 rows at 80×24)
        assert max(len(f.encode()) for f in typed) < 1500
        assert pyte_cells(frames, 80, 24) == full_repaint(app)
        for _ in range(34):  # back up the column: the lines move the other way
            await pilot.press("up")
            await pilot.pause()
        assert grid.top == 0 and any("L\x1b[r" in f for f in frames)
        assert pyte_cells(frames, 80, 24) == full_repaint(app)
        app.notify("Проверка")  # a notice over the grid: rows are repainted, not moved
        await pilot.pause()
        before = len(frames)
        for _ in range(20):
            await pilot.press("down")
            await pilot.pause()
        assert grid.top > 0 and not any("M\x1b[r" in f for f in frames[before:])
        assert pyte_cells(frames, 80, 24) == full_repaint(app)
        before = len(frames)
        await pilot.press("ctrl+l")  # line noise on the link: every line sent again
        await pilot.pause()
        again = "".join(frames[before:])
        assert all(f"\x1b[{y};1H" in again for y in range(1, 25))
        assert pyte_cells(frames[before:], 80, 24) == full_repaint(app)


def full_repaint(app) -> list[list[tuple]]:
    """The screen as Textual's own full repaint of the app's present state draws it (its
    strips rendered the stock way, not by tui/widgets/render.py)."""
    strips = app.screen._compositor.render_strips()
    sequence = "".join(f"\x1b[{y + 1};1H" + strip.render(app.console) for y, strip in enumerate(strips))
    return pyte_cells([sequence], 80, 24)


def test_styles_sent_only_where_they_change_leave_the_same_cells():
    """render_strip: no reset after every segment; colours, weight and text cell by cell the same."""
    from tui.widgets.render import render_strip

    console = Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False)
    styles = [*STYLES, None, Style(color="yellow", bgcolor="blue", bold=True), Style(reverse=True)]
    rng = random.Random(11)
    for _ in range(200):
        segments, used = [], 0
        while used < WIDTH:
            size = min(rng.randint(0, 6), WIDTH - used)
            segments.append(Segment("".join(rng.choice("аб12 /") for _ in range(size)), rng.choice(styles)))
            used += size
        strip = Strip(segments)
        stock, lean = strip.render(console), render_strip(strip, console)
        assert pyte_cells([stock], WIDTH, 1) == pyte_cells([lean], WIDTH, 1)
        assert len(lean) <= len(stock)


def test_a_full_frame_sends_only_the_lines_the_terminal_does_not_show():
    """Shown: the same full frame twice sends nothing the second time; a changed line alone;
    lines moved by the terminal (DL) are unknown until sent whole; forgetting sends it all."""
    from textual._compositor import LayoutUpdate
    from textual.geometry import Region

    from tui.widgets import render

    console = Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False)
    rng = random.Random(3)
    lines = [random_line(rng) for _ in range(HEIGHT)]
    region = Region(0, 0, WIDTH, HEIGHT)

    def frame(strips: list[Strip]) -> str:
        return render.render_full_lines(LayoutUpdate([[s] for s in strips], region), console)

    def stock(strips: list[Strip]) -> list[list[tuple]]:
        return pyte_cells(
            ["".join(f"\x1b[{y + 1};1H" + s.render(console) for y, s in enumerate(strips))], WIDTH, HEIGHT
        )

    render.forget_shown(console)
    sent = [frame(lines)]
    assert pyte_cells(sent, WIDTH, HEIGHT) == stock(lines)
    sent.append(frame(lines))
    assert sent[-1] == ""  # the terminal shows it all already
    changed = lines[:2] + [random_line(rng)] + lines[3:]
    sent.append(frame(changed))
    assert sent[-1].count("\x1b[") > 0 and sent[-1].startswith("\x1b[3;1H")
    assert "\x1b[1;1H" not in sent[-1] and "\x1b[4;1H" not in sent[-1]
    assert pyte_cells(sent, WIDTH, HEIGHT) == stock(changed)
    # the terminal moves lines 1..4 up by two: lines 3 and 4 come in blank
    sent.append(render.scroll_lines(console, 1, 4, 2))
    moved = [changed[0], changed[3], changed[4], changed[1], changed[2], changed[5]]
    sent.append(frame(moved))
    assert pyte_cells(sent, WIDTH, HEIGHT) == stock(moved)
    assert sent[-1].count(";1H") == 2  # lines 1–2 were moved there, 3–4 had to be sent
    render.forget_shown(console)
    sent.append(frame(moved))
    assert sent[-1].count(";1H") == HEIGHT
    render.forget_shown(console)


def test_a_part_of_a_line_the_terminal_shows_already_is_not_sent_again():
    """A screen's reflow marks spans dirty that did not change (the header line, 78 columns of
    80, as a screen opens): once the terminal shows the whole line as it is, none of it is
    sent; a span whose cells did change still is, and leaves the line as Textual means it."""
    from textual._compositor import LayoutUpdate
    from textual.geometry import Region

    from tui.widgets import render

    console = Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False)
    rng = random.Random(11)
    lines = [random_line(rng) for _ in range(HEIGHT)]
    render.forget_shown(console)
    sent = [
        render.render_full_lines(LayoutUpdate([[s] for s in lines], Region(0, 0, WIDTH, HEIGHT)), console)
    ]

    def chops_of(strips: list[Strip]) -> list[dict]:
        return [{0: s.crop(0, 15), 15: s.crop(15, WIDTH)} for s in strips]

    cuts = [[15, WIDTH] for _ in range(HEIGHT)]
    same = ChopsUpdate(chops_of(lines), [(0, 0, WIDTH - 2), (1, 8, 30)], cuts)
    assert render.render_segments_cropped(same, console) == ""
    changed = [lines[0], random_line(rng), *lines[2:]]
    update = ChopsUpdate(chops_of(changed), [(0, 0, WIDTH - 2), (1, 0, WIDTH - 2)], cuts)
    sent.append(render.render_segments_cropped(update, console))
    assert "\x1b[1;1H" not in sent[-1] and "\x1b[2;1H" in sent[-1]  # line 2 only
    shown = pyte_cells(sent, WIDTH, HEIGHT)
    expected = pyte_cells(
        ["".join(f"\x1b[{y + 1};1H" + s.render(console) for y, s in enumerate(changed))], WIDTH, HEIGHT
    )
    assert shown[0] == expected[0] and shown[1][: WIDTH - 2] == expected[1][: WIDTH - 2]
    render.forget_shown(console)


def test_each_console_keeps_its_own_lines_and_hooks():
    """Apps sharing a process each have a terminal of their own: what one terminal shows, and
    the grid's hook that moves its lines, are never taken for another's."""
    from textual._compositor import LayoutUpdate
    from textual.geometry import Region

    from tui.widgets import render

    first, second = (
        Console(width=WIDTH, force_terminal=True, color_system="256", legacy_windows=False) for _ in range(2)
    )
    lines = [random_line(random.Random(5)) for _ in range(HEIGHT)]
    region = Region(0, 0, WIDTH, HEIGHT)
    asked: list[bool] = []

    def hook(full: bool) -> str:
        asked.append(full)
        return ""

    render.add_frame_hook(first, hook)
    try:
        assert render.render_full_lines(LayoutUpdate([[s] for s in lines], region), first) != ""
        assert asked == [True]
        # the second terminal shows nothing yet: all of it is sent, and the first one's hook is not asked
        assert (
            render.render_full_lines(LayoutUpdate([[s] for s in lines], region), second).count(";1H")
            == HEIGHT
        )
        assert asked == [True]
        assert render.render_full_lines(LayoutUpdate([[s] for s in lines], region), first) == ""
    finally:
        render.remove_frame_hook(first, hook)
        render.forget_shown(first)
        render.forget_shown(second)
