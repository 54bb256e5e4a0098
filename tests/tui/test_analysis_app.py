"""Pilot workflows of the analysis screen: the homeroom teacher opens it from home and sees
the pupil at risk; views by digit keys; another period; the control view opens a subject
teacher's journal, which stays read-only for her; a teacher picks another class; pupils and
guardians have no such section."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from models.core.schema import Mark
from models.journal import entries
from models.people import accounts
from tests.factory import SmallSchool
from tests.models.test_analysis import plant
from tests.shared import table_rows
from tui.app import JournalApp
from tui.screens.analysis import AnalysisScreen, ClassPicker
from tui.screens.home import HomeScreen
from tui.screens.journalgrid import GridScreen
from tui.widgets.dialogs import FormDialog
from tui.widgets.footer import KeysFooter

SIZE = (80, 24)


def rows(screen, table_id: str) -> list[list[str]]:
    return table_rows(screen, f"#{table_id}")


def text(screen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


async def landed(app, pilot, s: SmallSchool, login: str) -> None:
    app.land(accounts.authenticate(login, s.passwords[login]))
    await pilot.pause()


async def test_homeroom_teacher_opens_analysis_from_home_and_sees_who_is_at_risk(small_sqlite):
    s = small_sqlite
    plant(s)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await landed(app, pilot, s, "ivanova")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("я")  # the Russian layout's z
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnalysisScreen)
        assert "Анализ 5А · 2 четверть" in text(screen, "analysis-title")
        assert "по предложенным отметкам" in text(screen, "analysis-title")
        results = rows(screen, "results-table")
        assert results[0][:2] == ["Математика", "3"] and results[0][7:9] == ["100", "67↑"]  # качество 50 → 67
        assert results[-1][0] == "Класс"
        await pilot.press("3")
        await pilot.pause()
        risk = rows(screen, "risk-table")
        assert risk[0] == ["Григорьева Галина", "Математика: нет отметок — грозит н/а"]
        assert ["", "Русский язык: «2» (предварительно)"] in risk
        await pilot.press("2")
        await pilot.pause()
        pupils = rows(screen, "pupils-table")
        assert pupils[0][:3] == ["Андреев Андрей", "4", "5"]
        assert any("выб. 20.11" in row[0] for row in pupils)
        await pilot.press("right")  # Андреев × Математика
        await pilot.pause()
        assert "Математика: отметок 4, ср. 4,50, взв. 4,40, предложена 4" in text(screen, "analysis-detail")
        await pilot.press("6")
        await pilot.pause()
        assert "Активных семей" in text(screen, "analysis-detail")
        await pilot.press("4")
        await pilot.pause()
        assert "Мат" in text(screen, "marks-chart")
        await pilot.press("p")  # the next period: the 3rd quarter, nothing yet
        await pilot.pause()
        assert "3 четверть" in text(screen, "analysis-title")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert "1 четверть" in text(screen, "analysis-title")
        assert "итоговых нет у 1" in text(screen, "analysis-title")


async def test_control_view_opens_the_grid_read_only_for_another_teachers_subject(small_sqlite):
    s = small_sqlite
    plant(s)
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 17), topic="Тест").id
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await landed(app, pilot, s, "ivanova")
        app.push_screen(AnalysisScreen(s.homeroom))
        await pilot.pause()
        screen = app.screen
        await pilot.press("5")
        await pilot.pause()
        control = rows(screen, "control-table")
        assert control[0][:2] == ["Математика", "Петров И.О."]  # worst first
        await pilot.press("d")  # the dates of the control view
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#f-start", Input).value = "17.11.2026"
        app.screen.query_one("#f-end", Input).value = "17.11.2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # 17 Nov only: Russian without a topic (nor homework, not closed) and its 4 marks typed
        # 11 days later (today); one math lesson without a single mark
        control = rows(screen, "control-table")
        assert control[0][:8] == ["Русский язык", "Иванова М.П.", "1", "0", "1", "1", "1", "4"]
        assert control[1][:4] == ["Математика", "Петров И.О.", "1", "1"]
        assert "17.11–17.11.2026" in text(screen, "analysis-detail")
        await pilot.press("5")
        table = screen.query_one("#control-table", DataTable)
        table.move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        grid = app.screen
        assert isinstance(grid, GridScreen) and grid.course.course_id == s.math_a
        assert not grid.course.own
        before = Mark.select().count()
        await pilot.press("5")  # refused: not her subject
        await pilot.pause()
        assert "не ваш предмет" in text(grid, "grid-hint")
        assert Mark.select().count() == before
        assert Mark.get_or_none(Mark.lesson == lesson) is None


async def test_a_teacher_picks_another_class(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await landed(app, pilot, s, "petrov")
        await pilot.press("z")
        await pilot.pause()
        screen = app.screen
        assert "Анализ 5А" in text(screen, "analysis-title")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClassPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen and "Анализ 5Б" in text(screen, "analysis-title")


async def test_pupils_and_guardians_have_no_analysis(small_sqlite):
    s = small_sqlite
    for login in (s.guardian.login, s.student.login):
        app = JournalApp(source="")
        bells: list[int] = []
        app.bell = lambda bells=bells: bells.append(1)  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await landed(app, pilot, s, login)
            assert "analysis" not in app.available_screens()
            app.action_open("analysis")
            await pilot.pause()
            assert not isinstance(app.screen, AnalysisScreen) and bells == [1]


async def test_the_admin_sees_every_teacher_of_the_school(small_sqlite):
    """Issue 17, point 4: T in the teachers view (the admin) lists the school per teacher, the
    most lessons not closed on their day first; a homeroom teacher is not offered the key."""
    from tui.screens.teachers import SchoolTeachersScreen

    s = small_sqlite
    plant(s)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await landed(app, pilot, s, "admin")
        app.push_screen(AnalysisScreen(s.admin))
        await pilot.pause()
        screen = app.screen
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        teachers = app.screen
        assert isinstance(teachers, SchoolTeachersScreen)
        table = rows(teachers, "teachers-table")
        assert [r[0] for r in table][:1] == ["Петров И.О."] and len(table) == 3
        petrov = table[0]
        assert petrov[2] != "0" and petrov[3] == petrov[2] and petrov[4] == "100%"  # nothing closed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await landed(app, pilot, s, "ivanova")
        app.push_screen(AnalysisScreen(s.homeroom))
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        assert "T" not in {p.key.display for p in app.screen.query_one(KeysFooter).placed()}
