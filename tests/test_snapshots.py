"""SVG snapshots of key screens at 80×24, with fixed data and a fixed day.

Update after an intended change of a screen: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

from models import accounts, entries
from tests.factory import past_lesson
from tui.app import JournalApp

SIZE = (80, 24)


def test_login_screen(snap_compare, small_sqlite):
    assert snap_compare(JournalApp(source=""), terminal_size=SIZE)


def test_diary_week_of_a_guardian(snap_compare, small_sqlite):
    s = small_sqlite
    for day, mark in ((dt.date(2026, 11, 23), "5"), (dt.date(2026, 11, 25), "4")):
        lesson = past_lesson(s, day=day)
        entries.update_lesson(s.teacher, lesson, topic="Сложение дробей", homework="№ 231, 233")
        entries.set_mark(s.teacher, lesson, s.pupils[0], mark)
    lesson = past_lesson(s, s.russian_a, dt.date(2026, 11, 24))
    entries.set_absence(s.homeroom, lesson, s.pupils[0], "б")
    result = accounts.authenticate(s.guardian.login, s.passwords[s.guardian.login])
    app = JournalApp(source="")

    async def logged_in(pilot) -> None:
        app.land(result)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=logged_in)


def test_home_of_a_homeroom_teacher(snap_compare, small_sqlite):
    s = small_sqlite
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def logged_in(pilot) -> None:
        app.logged_in(result, s.passwords["ivanova"])
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=logged_in)
