"""The diary of pupils and guardians at 80×24 (issue 15, points 1–3): ← → Home change the week
although the table has the focus, Enter shows a lesson's topic and homework in full, and
future school days show the timetable's lessons instead of «уроков нет»."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Static

from models.journal import entries
from models.people import accounts
from models.school.timetable import add_timetable_entry
from tests.shared import table_rows
from tui.app import JournalApp
from tui.screens.diary import DiaryScreen
from tui.widgets.dialogs import TextDialog

SIZE = (80, 24)
LONG_HOMEWORK = "§ 14, вопросы 1–6 после параграфа; прочитать дополнительный текст на стр. 88 и выписать даты"


def week_title(screen) -> str:
    return str(screen.query_one("#diary-title", Static).render()).splitlines()[1]


async def open_diary(app, pilot, s):
    app.land(accounts.authenticate(s.guardian.login, s.passwords[s.guardian.login]))
    await pilot.pause()
    assert isinstance(app.screen, DiaryScreen)
    return app.screen


async def test_the_arrows_and_home_change_the_week_with_the_table_focused(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diary(app, pilot, s)
        assert screen.query_one(DataTable).has_focus
        assert week_title(screen) == "Неделя 23.11 – 28.11.2026"
        await pilot.press("left")
        assert week_title(screen) == "Неделя 16.11 – 21.11.2026"
        await pilot.press("left", "left")
        assert week_title(screen) == "Неделя 02.11 – 07.11.2026"
        await pilot.press("right")
        assert week_title(screen) == "Неделя 09.11 – 14.11.2026"
        await pilot.press("home")
        assert week_title(screen) == "Неделя 23.11 – 28.11.2026"
        await pilot.press("down", "up")  # the table still moves its row cursor
        assert week_title(screen) == "Неделя 23.11 – 28.11.2026"


async def test_enter_shows_the_lesson_in_full(small_sqlite):
    s = small_sqlite
    monday = dt.date(2026, 11, 23)
    lesson = entries.add_lesson(s.admin, s.math_a, monday, 1, topic="Сложение дробей", homework=LONG_HOMEWORK)
    entries.set_mark(s.admin, lesson.id, s.pupils[0], 5)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diary(app, pilot, s)
        [row] = [r for r in table_rows(screen) if r[2] == "Математика"]
        assert row[4].startswith("Сложение дробей · д/з: § 14")  # cut at the edge in the table …
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TextDialog)  # … whole on Enter
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Пн 23.11, 1 урок — Математика" in text
        assert "Тема: Сложение дробей" in text and f"Домашнее задание: {LONG_HOMEWORK}" in text
        assert "Отметки: 5" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_future_school_days_show_the_planned_lessons(small_sqlite):
    s = small_sqlite
    add_timetable_entry(s.admin, s.math_a, 1, 2, dt.date(2026, 9, 1))  # Mondays, lesson 2
    add_timetable_entry(s.admin, s.russian_a, 3, 1, dt.date(2026, 9, 1))  # Wednesdays, lesson 1
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_diary(app, pilot, s)
        await pilot.press("right")  # next week: 30.11–05.12, after today (28.11)
        rows = table_rows(screen)
        assert ["Пн 30.11", "2", "Математика", "", "по расписанию"] in rows
        assert ["Ср 02.12", "1", "Русский язык", "", "по расписанию"] in rows
        assert ["Вт 01.12", "", "уроков нет", "", ""] in rows
        await pilot.press("left")  # this week's past Monday: no planned lesson is made up
        assert not any(r[4] == "по расписанию" for r in table_rows(screen))


@pytest.mark.asyncio
async def test_a_guardian_acknowledges_the_week_with_one_key(small_sqlite):
    """O: «Ознакомлен(а)» with the week on screen; the title says when; the homeroom teacher's
    parents' activity shows the week."""
    from models.reports.activity import class_activity

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        result = accounts.authenticate(s.guardian.login, s.passwords[s.guardian.login])
        app.land(result)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiaryScreen)
        await pilot.press("o")
        await pilot.pause()
        assert "ознакомлен(а) 28.11" in str(screen.query_one("#diary-title", Static).render())
    andreev = next(p for p in class_activity(s.homeroom, s.class_a).pupils if p.student_id == s.pupils[0])
    assert andreev.acknowledged == dt.date(2026, 11, 23)
