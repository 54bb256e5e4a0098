"""SVG snapshots of key screens at 80×24, with fixed data and a fixed day.

Update after an intended change of a screen: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

from models.journal import entries
from models.people import accounts
from tests.factory import past_lesson
from tui.app import JournalApp

SIZE = (80, 24)


def snap_logged_in(snap_compare, login: str, password: str, size=SIZE) -> bool:
    """The app as `login` lands after logging in (home, or a pupil's and guardian's diary)."""
    result = accounts.authenticate(login, password)
    app = JournalApp(source="")

    async def logged_in(pilot) -> None:
        app.land(result)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=logged_in)


def test_login_screen(snap_compare, small_sqlite):
    assert snap_compare(JournalApp(source=""), terminal_size=SIZE)


def set_at(lesson_id: int, at: dt.datetime) -> None:
    """When the homework was set (the service stamps now(): the time of the run)."""
    from models.core.schema import Lesson

    Lesson.update(homework_at=at).where(Lesson.id == lesson_id).execute()


def test_diary_week_of_a_guardian(snap_compare, small_sqlite):
    s = small_sqlite
    for day, mark in ((dt.date(2026, 11, 23), "5"), (dt.date(2026, 11, 25), "4")):
        lesson = past_lesson(s, day=day)
        entries.update_lesson(s.teacher, lesson, topic="Сложение дробей", homework="№ 231, 233")
        set_at(lesson, dt.datetime.combine(day, dt.time(21, 40)))  # posted late in the evening
        entries.set_mark(s.teacher, lesson, s.pupils[0], mark)
    lesson = past_lesson(s, s.russian_a, dt.date(2026, 11, 24))
    entries.set_absence(s.homeroom, lesson, s.pupils[0], "б")
    assert snap_logged_in(snap_compare, s.guardian.login, s.passwords[s.guardian.login])


def test_home_of_a_homeroom_teacher(snap_compare, small_sqlite):
    s = small_sqlite
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def logged_in(pilot) -> None:
        app.logged_in(result, s.passwords["ivanova"])
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=logged_in)


def _grid_app(s):
    from models.journal.grid import course_choices
    from tui.screens.journalgrid import GridScreen

    marks = ("5", "4", "3", "2", "5/4", "н", "б", "о5")
    for i, day in enumerate(dt.date(2026, 11, d) for d in (9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 23, 25)):
        lesson = past_lesson(s, day=day)
        if i == 4:
            entries.update_lesson(s.teacher, lesson, topic="Контрольная работа", work_type_id=5)
        for j, pupil in enumerate(s.pupils):
            text = marks[(i + j) % len(marks)]
            if (i + j) % 3 == 0:
                entries.set_cell(s.teacher, lesson, pupil, entries.parse_cell(text))
    result = accounts.authenticate("petrov", s.passwords["petrov"])
    app = JournalApp(source="")
    choice = next(
        c for c in course_choices(result.actor, s.year_id, dt.date(2026, 11, 28)) if c.course_id == s.math_a
    )

    async def open_grid(pilot) -> None:
        app.land(result)
        await pilot.pause()
        app.push_screen(GridScreen(result.actor, choice, s.q2))
        await pilot.pause()

    return app, open_grid


def test_marks_grid_80x24(snap_compare, small_sqlite):
    app, run_before = _grid_app(small_sqlite)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_marks_grid_120x40(snap_compare, small_sqlite):
    app, run_before = _grid_app(small_sqlite)
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_help_of_the_grid_80x24(snap_compare, small_sqlite):
    """F1 over the marks grid: the duty, then every key (issue 15, point 4)."""
    app, opened = _grid_app(small_sqlite)

    async def run_before(pilot) -> None:
        await opened(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_diary_at_phone_width_54x30(snap_compare, small_sqlite):
    """The diary in a phone's browser (≈54 columns): the week still reads, Enter shows a lesson."""
    s = small_sqlite
    lesson = past_lesson(s, day=dt.date(2026, 11, 23))
    entries.update_lesson(
        s.teacher, lesson, topic="Сложение дробей", homework="№ 231, 233 и задача на стр. 88"
    )
    set_at(lesson, dt.datetime(2026, 11, 23, 15, 5))
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    assert snap_logged_in(snap_compare, s.guardian.login, s.passwords[s.guardian.login], size=(54, 30))


def test_first_home_of_the_admin_of_an_empty_school(snap_compare, sqlite_store):
    from models.school.identity import init_school

    init_school("Школа № 1", "admin", "admin-secret-1")  # what `journal init` does
    assert snap_logged_in(snap_compare, "admin", "admin-secret-1")
