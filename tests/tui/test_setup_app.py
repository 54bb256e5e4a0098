"""Pilot walks of the admin's setup screen (tui/setup.py): from an empty school to a teacher
who finds today's lesson in the course picker; promotion; a refusal with its reason.

Form fields are filled by setting their Input/Select values (typing is exercised elsewhere);
every action is a key press.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select

from models.core.access import SYSTEM
from models.core.schema import Lesson
from models.core.settings import load as load_settings
from models.journal.grid import course_choices
from models.people import accounts
from models.school.calendar import current_year_id, list_periods, list_years
from models.school.classes import list_classes
from models.school.identity import init_school, update_setting
from models.school.load import class_load
from models.school.subjects import list_subjects
from tests.shared import notifications
from tui.app import JournalApp
from tui.screens.journalgrid import CoursePickerScreen
from tui.setup.screen import SetupScreen
from tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (120, 36)
TODAY = dt.date(2026, 11, 28)  # a Saturday (tests/conftest.py)


async def fill(pilot, app, **values) -> None:
    """Fill the open form (Input or Select by field name) and save it with Ctrl+S."""
    form = app.screen
    assert isinstance(form, FormDialog), form
    for name, value in values.items():
        widget = form.query_one(f"#f-{name}")
        assert isinstance(widget, Input | Select)
        widget.value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


def form_error(app) -> str:
    return str(app.screen.query_one("#form-status").render())


async def open_setup(app, pilot, login: str, password: str) -> SetupScreen:
    app.land(accounts.authenticate(login, password))
    await pilot.pause()
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, SetupScreen)
    return app.screen


@pytest.mark.asyncio
async def test_from_an_empty_school_to_a_teacher_with_todays_lesson(sqlite_store):
    init_school("Школа № 1", "admin", "admin-secret-1")  # what `journal init` does
    update_setting(SYSTEM, "argon2_memory_kib", "1024")  # fast hashing in tests
    update_setting(SYSTEM, "argon2_time_cost", "1")
    petrov = accounts.create_staff_user(
        SYSTEM, "petrov", "teacher", "Петров", "Игорь", "Олегович", password="petrov-pass"
    )
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot, "admin", "admin-secret-1")
        # 1. the year with its default periods; the first quarter ends a day earlier
        await pilot.press("n")
        await fill(pilot, app, start="2026")
        year_id = current_year_id()
        assert [p.name for p in list_periods(year_id)][:2] == ["1 четверть", "2 четверть"]
        await pilot.press("e")  # the cursor is on the first quarter
        await fill(pilot, app, end="24.10.2026")
        assert list_periods(year_id)[0].end == dt.date(2026, 10, 24)
        # 2. two classes, 5А with Petrov as its homeroom teacher
        await pilot.press("2", "n")
        await fill(pilot, app, name="5а", teacher=str(petrov.user_id))
        await pilot.press("n")
        await fill(pilot, app, name="5Б")
        made = {c.name: c for c in list_classes(year_id)}
        assert sorted(made) == ["5А", "5Б"] and made["5А"].homeroom_id == petrov.user_id
        # 3. two subjects
        await pilot.press("3", "n")
        await fill(pilot, app, name="Математика")
        await pilot.press("n")
        await fill(pilot, app, name="Русский язык", short="Русский")
        subject_ids = {s.name: s.id for s in list_subjects()}
        # 4. the load of 5А: both subjects taught by Petrov
        await pilot.press("4", "n")
        await fill(pilot, app, subject=str(subject_ids["Математика"]), teacher=str(petrov.user_id))
        await pilot.press("n")
        await fill(pilot, app, subject=str(subject_ids["Русский язык"]), teacher=str(petrov.user_id))
        assert [r.title for r in class_load(made["5А"].id)] == ["Математика", "Русский язык"]
        # 5. the timetable: mathematics on Saturdays, 1st lesson; then the lessons of the year
        await pilot.press("5")
        table = screen.query_one("#timetable", DataTable)
        assert table.has_focus
        table.move_cursor(row=0, column=6)  # Сб, 1 урок
        await pilot.press("e")
        math = next(r.course_id for r in class_load(made["5А"].id) if r.subject == "Математика")
        await fill(pilot, app, courses=str(math), start="01.09.2026")
        assert "Математика" in str(table.get_cell_at(table.cursor_coordinate))
        await pilot.press("g")
        await fill(pilot, app, start="01.09.2026")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        # Saturdays in the quarters of 2026/2027: 5.09–24.10 (8), 7.11–26.12 (8), 16.01–20.03
        # (10), 3.04–22.05 without 1 May (7)
        assert Lesson.select().where(Lesson.course == math).count() == 33
        # 6. a setting, validated
        await pilot.press("6")
        screen.query_one("#settings", DataTable).move_cursor(row=1)  # minimum marks
        await pilot.press("e")
        await fill(pilot, app, value="40")
        assert "от 0 до 20" in form_error(app)
        await fill(pilot, app, value="4")
        assert load_settings().min_marks_for_period == 4
        # the teacher logs in and finds today's lesson on top of the course picker
        app.land(accounts.authenticate("petrov", "petrov-pass"))
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CoursePickerScreen)
        top = picker.choices[0]
        assert (top.title, top.lessons_today, top.own) == ("5А · Математика", 1, True)
    result = accounts.authenticate("petrov", "petrov-pass")
    today = {c.title: c.lessons_today for c in course_choices(result.actor, year_id, TODAY)}
    assert today == {"5А · Математика": 1, "5А · Русский язык": 0}


@pytest.mark.asyncio
async def test_promotion_and_a_refused_deletion(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(app, pilot, "admin", s.passwords["admin"])
        # deleting 5А is refused with the reason; nothing changes
        await pilot.press("2", "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert [c.name for c in list_classes(s.year_id)] == ["5А", "5Б"]
        messages = notifications(app)
        assert any("Класс 5А удалить нельзя: у него есть учащиеся" in m for m in messages)
        # the next year: 5А → 6А, 5Б → 6Б, the old year still there
        await pilot.press("1", "p")
        assert isinstance(app.screen, ConfirmDialog)
        assert "5А→6А, 5Б→6Б" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        years = list_years()
        assert [y.name for y in years] == ["2026/2027", "2027/2028"]
        assert screen.year_id == years[1].id
        assert [c.name for c in list_classes(years[1].id)] == ["6А", "6Б"]
        await pilot.press("left_square_bracket")  # back to the old year: still readable
        await pilot.pause()
        assert screen.year_id == s.year_id
        await pilot.press("2")
        rows = screen.query_one("#classes", DataTable)
        assert [str(rows.get_row_at(i)[0]) for i in range(rows.row_count)] == ["5А", "5Б"]
