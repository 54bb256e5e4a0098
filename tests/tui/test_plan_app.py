"""Pilot workflows of issue 17: a subject teacher loads a КТП from the grid (F7, a file, F5,
Ctrl+S) and closes the day's lesson from the keyboard (F4 with the plan's topic, «-» for
«без д/з», Ctrl+S; В — «все присутствуют»): the header marks it √. Today is Sat 28 Nov 2026."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from models.core.schema import Lesson, PlanItem
from models.journal import entries
from tests.tui.test_grid_app import open_grid
from tui.screens.journalgrid import GridScreen
from tui.screens.plan import PlanScreen
from tui.widgets.dialogs import ConfirmDialog, FormDialog

KTP = "№ урока;Тема урока;Кол-во часов;Домашнее задание\n1-2;Сложение дробей;2;№ 12\n3;Вычитание дробей;1;№ 15\n"


def topics(course_id: int) -> list[str]:
    return [x.topic for x in Lesson.select().where(Lesson.course == course_id).order_by(Lesson.date)]


async def test_a_plan_loaded_then_the_day_s_lesson_closed_from_the_keyboard(small_sqlite, tmp_path):
    s = small_sqlite
    for day in (23, 24, 25):
        entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, day))
    entries.set_mark(s.teacher, Lesson.select().order_by(Lesson.date).first().id, s.pupils[0], "5")
    path = tmp_path / "ктп.csv"
    path.write_bytes(KTP.encode("cp1251"))
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("f7")
        await pilot.pause()
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        assert "КТП не загружен" in str(plan_screen.query_one("#plan-summary", Static).render())
        plan_screen.query_one("#plan-path", Input).value = str(path)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(plan_screen.query_one("#plan-status", Static).render())
        assert "В файле 2 тем, 3 ч" in status and "темы получат 3" in status and "Ctrl+S" in status
        assert plan_screen.query_one(DataTable).row_count == 2
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert topics(s.math_a) == ["Сложение дробей", "Сложение дробей", "Вычитание дробей"]
        assert PlanItem.select().count() == 3
        table = plan_screen.query_one(DataTable)
        assert table.row_count == 3 and str(table.get_row_at(2)[5]) == "пройдено"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and isinstance(screen, GridScreen)
        grid = screen.grid
        lesson = grid.data.lessons[grid.col]
        assert lesson.date == dt.date(2026, 11, 25) and lesson.topic == "Вычитание дробей"  # reloaded
        # F4: the plan's homework offered; «-» says «без д/з»; Ctrl+S saves
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-homework", Input).value == "№ 15"
        await pilot.press("enter")  # to the homework
        form.query_one("#f-homework", Input).value = ""
        await pilot.press("minus", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        row = Lesson.get(Lesson.date == dt.date(2026, 11, 25))
        assert row.no_homework and row.homework == "" and row.closed_at is None
        hint = str(screen.query_one("#grid-hint", Static).render())
        assert "не закрыт" in hint and "В: явка" in hint and "F4" not in hint
        await pilot.press("в")  # все присутствуют
        await pilot.pause()
        row = Lesson.get(Lesson.date == dt.date(2026, 11, 25))
        assert row.attendance_taken and row.closed_at is not None
        assert grid.second_header(grid.data.lessons[grid.col]).endswith("√")
        assert "все присутствуют" in str(screen.query_one("#grid-hint", Static).render())
        await pilot.press("d")  # the same key in the Latin layout: taken back
        await pilot.pause()
        assert Lesson.get(Lesson.date == dt.date(2026, 11, 25)).closed_at is None
        assert not grid.second_header(grid.data.lessons[grid.col]).endswith("√")
    finally:
        await context.__aexit__(None, None, None)


async def test_an_absence_typed_takes_the_attendance(small_sqlite):
    s = small_sqlite
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27), topic="Дроби", homework="№ 1").id
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        grid = screen.grid
        assert not grid.second_header(grid.data.lessons[grid.col]).endswith("√")
        await pilot.press("н")
        await pilot.pause()
        assert Lesson.get_by_id(lesson).closed_at is not None
        assert grid.second_header(grid.data.lessons[grid.col]).endswith("√")
        await pilot.press("в")  # attendance with absences cannot be taken back
        await pilot.pause()
        assert "пропуски" in str(screen.query_one("#grid-hint", Static).render())
        assert Lesson.get_by_id(lesson).attendance_taken
    finally:
        await context.__aexit__(None, None, None)
