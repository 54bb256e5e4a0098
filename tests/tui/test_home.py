"""The home screen reminds the homeroom teacher of the weekly excuse pass (R13) until it is done."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator

from textual.pilot import Pilot
from textual.widgets import Static

from models.core.schema import Absence
from models.journal import entries
from models.people import accounts
from tests.factory import past_lesson
from tui.app import JournalApp
from tui.screens.attendance import AttendanceScreen


@contextlib.asynccontextmanager
async def homeroom_home(s, size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[JournalApp, Pilot]]:
    """The app on the homeroom teacher's home, just logged in."""
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")
    async with app.run_test(size=size) as pilot:
        app.land(result)
        await pilot.pause()
        yield app, pilot


async def home_duties(s) -> list[str]:
    async with homeroom_home(s) as (app, pilot):
        duties = [str(w.render()) for w in app.screen.query(".duty").results(Static)]
        duties = [text for text in duties if "«н»" in text]  # the excuse pass among the duties
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
    return duties


async def test_old_unexcused_absences_are_a_duty_until_excused(small_sqlite):
    s = small_sqlite
    old = past_lesson(s, day=dt.date(2026, 11, 16))  # 12 days before today
    recent = past_lesson(s, day=dt.date(2026, 11, 25))  # 3 days: not due yet
    entries.set_absence(s.teacher, old, s.pupils[0], "н")
    entries.set_absence(s.teacher, old, s.pupils[1], "н")
    entries.set_absence(s.teacher, recent, s.pupils[2], "н")
    duties = await home_duties(s)
    assert len(duties) == 1 and "5А" in duties[0] and "— 2." in duties[0]
    ids = [a.id for a in Absence.select().where(Absence.lesson == old)]
    entries.excuse_absences(s.homeroom, ids, "б", "справка № 7 от 17.11, принесла мать")
    assert await home_duties(s) == []


async def test_home_reads_the_duties_once_as_it_opens_and_again_on_return(small_sqlite, monkeypatch):
    """The board read for the home's first frame is not read a second time as home is shown
    (72 queries instead of 133 for the demo's subject teacher); back from a section, it is."""
    from tui.screens import home

    reads: list[int] = []
    real = home.dashboard
    monkeypatch.setattr(home, "dashboard", lambda actor: reads.append(1) or real(actor))
    async with homeroom_home(small_sqlite) as (app, pilot):
        assert isinstance(app.screen, home.HomeScreen) and len(reads) == 1
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, home.HomeScreen) and len(reads) == 2


async def test_a_home_taller_than_the_terminal_scrolls_to_its_last_line(small_sqlite):
    """Everything home says stays reachable: on a short terminal ↓/PgDn bring the sections'
    line (the last) into view."""
    from textual.containers import VerticalScroll

    async with homeroom_home(small_sqlite, (80, 12)) as (app, pilot):
        home = app.screen.query_one("#home", VerticalScroll)
        hint = app.screen.query_one("#home-hint", Static)
        assert home.max_scroll_y > 0 and hint.region.bottom > home.region.bottom  # below the fold
        for _ in range(home.max_scroll_y):
            await pilot.press("pagedown")
        await pilot.pause()
        assert home.scroll_y == home.max_scroll_y
        assert home.region.contains_region(hint.region)  # the last line is on screen
        await pilot.press("a")  # the sections' keys still open them
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)


async def test_the_sections_open_by_their_capitals_too(small_sqlite):
    """Home shows the sections' keys in capitals, and CapsLock sends capitals: «A» and the
    Russian layout's «Ф» open attendance as «a» and «ф» do."""
    from tui.screens import home

    for key in ("A", "Ф", "a", "ф"):
        async with homeroom_home(small_sqlite) as (app, pilot):
            assert isinstance(app.screen, home.HomeScreen)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, AttendanceScreen), key
