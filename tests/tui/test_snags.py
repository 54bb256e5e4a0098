"""Snags a new user met (issue 15): each is a Pilot test of the fix."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from models.core.schema import Absence
from models.journal import entries
from models.people import accounts
from models.school.calendar import get_period
from models.school.identity import update_setting
from tests.factory import past_lesson
from tests.shared import open_as
from tui.app import JournalApp
from tui.screens.exports import ExportScreen
from tui.widgets.footer import KeysFooter

SIZE = (80, 24)


def duty_lines(app) -> list[str]:
    return [str(w.render()) for w in app.screen.query(".duty").results(Static)]


async def test_home_s_reminders_follow_the_work_done_elsewhere(small_sqlite):
    """Point 12: back on home, a duty done meanwhile is gone without logging in again."""
    s = small_sqlite
    old = past_lesson(s, day=dt.date(2026, 11, 16))
    entries.set_absence(s.teacher, old, s.pupils[0], "н")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("ivanova", s.passwords["ivanova"]))
        await pilot.pause()
        home = app.screen
        assert any("«н»" in line for line in duty_lines(app))
        await pilot.press("a")  # the attendance screen …
        await pilot.pause()
        ids = [a.id for a in Absence.select()]
        entries.excuse_absences(s.homeroom, ids, "б", "справка")  # … where the pass is done
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is home
        assert not any("«н»" in line for line in duty_lines(app))


async def test_f9_in_the_analysis_presets_the_period_on_screen(small_sqlite):
    """Point 14: the export opened from the analysis takes the analysis' period, not today's."""
    s = small_sqlite
    from tui.screens.analysis import AnalysisScreen

    app = JournalApp(source="")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_as(app, pilot, "ivanova", s.passwords["ivanova"], AnalysisScreen)
        await pilot.pause()
        current = screen.scopes[screen.scope_index]
        screen.scope_index = next(
            i for i, sc in enumerate(screen.scopes) if sc.period_id not in (None, current.period_id)
        )
        first = screen.scopes[screen.scope_index]
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.chosen("kind") == "class-report"
        assert app.screen.chosen("period") == str(get_period(first.period_id).number)
        assert first.period_id != current.period_id  # not the one today falls in


async def test_a_new_idle_lock_setting_reaches_sessions_already_open(small_sqlite, monkeypatch):
    """Point 19: the admin shortens the idle lock; an open session follows within a minute."""
    import tui.app as app_module

    s = small_sqlite
    monkeypatch.setattr(app_module, "SETTINGS_CHECK_SECONDS", 0.0)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.logged_in(accounts.authenticate("ivanova", s.passwords["ivanova"]), "")
        await pilot.pause()
        assert app.idle_seconds == 10 * 60
        update_setting(s.admin, "idle_lock_minutes", "3")
        app.lock_if_idle()
        assert app.idle_seconds == 3 * 60


def test_names_lead_the_prompts_where_russian_would_decline_them():
    """Point 18: «Перевести Ермаков Никита Евгеньевич из 5А…» read wrong; the prompts now put
    the name first, in the nominative, so no case is needed."""
    from tui import strings as S

    name = "Ермаков Никита Евгеньевич"
    day = dt.date(2026, 11, 30)
    assert S.CONFIRM_TRANSFER.format(name=name, old="5А", new="5Б", day=day).startswith(f"{name}: перевод")
    assert S.CONFIRM_REISSUE.format(person=name, login="ermakov.n").startswith(f"{name}: логин")
    assert S.CONFIRM_REMOVE.format(name=name).startswith(f"{name}: удалить")
    unlink = S.CONFIRM_UNLINK.format(guardian="Ермакова Ольга", pupil=name)
    assert unlink.startswith("Представитель Ермакова Ольга и учащийся Ермаков Никита Евгеньевич:")


async def test_the_diary_logins_list_searches_and_keeps_its_place(small_sqlite):
    """Point 10: / finds a person by name or login; after an issue the cursor stays on them."""
    from textual.widgets import DataTable

    from tests.shared import table_rows
    from tui.screens.credentials import CredentialsScreen
    from tui.widgets.dialogs import SecretDialog

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_as(app, pilot, "ivanova", s.passwords["ivanova"], CredentialsScreen)
        everyone = table_rows(screen)
        await pilot.press("slash")
        for ch in "борис":
            await pilot.press(ch)
        await pilot.pause()
        found = table_rows(screen)
        assert found and len(found) < len(everyone)
        assert all("Борисов" in " ".join(r) for r in found)
        await pilot.press("enter")  # from the search to the list
        await pilot.press("escape")  # Esc leaves the search first …
        await pilot.pause()
        assert table_rows(screen) == everyone and app.screen is screen
        table = screen.query_one(DataTable)
        table.move_cursor(row=3)
        person = everyone[3][0]
        await pilot.press("enter")  # issue (or confirm a re-issue)
        await pilot.pause()
        if not isinstance(app.screen, SecretDialog):
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SecretDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert table_rows(screen)[table.cursor_row][0] == person  # not back at the top
        await pilot.press("escape")  # … then the screen
        await pilot.pause()
        assert app.screen is not screen


async def test_the_grid_re_lays_its_columns_after_a_resize(small_sqlite):
    """Point 15: wider shows earlier lessons instead of blanks; back to 80 fills it again."""
    from tests.tui.test_grid_app import open_grid

    s = small_sqlite
    days = [dt.date(2026, 11, 9) + dt.timedelta(days=i + i // 6) for i in range(18)]
    for day in days:
        entries.add_lesson(s.teacher, s.math_a, day)
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        grid = screen.grid
        past = sum(day <= dt.date(2026, 11, 28) for day in days)
        assert grid.col == past - 1 and grid.visible_lessons == 6
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert grid.visible_lessons == 12
        shown = grid.data.lessons[grid.left : grid.left + grid.visible_lessons]
        assert len(shown) == 12 and grid.left <= grid.col < grid.left + 12  # no blank columns
        await pilot.resize_terminal(60, 18)
        await pilot.pause()
        assert grid.visible_lessons == 2 and grid.left <= grid.col < grid.left + 2
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        shown = grid.data.lessons[grid.left : grid.left + grid.visible_lessons]
        assert len(shown) == 6 and grid.left <= grid.col < grid.left + 6
        await pilot.press("end")  # the cursor on the last lesson: the window ends with it
        assert grid.left + grid.visible_lessons == len(grid.data.lessons)
    finally:
        await context.__aexit__(None, None, None)


async def test_the_admin_of_an_empty_school_gets_the_set_up_checklist(sqlite_store):
    """Point 17: each step done or not, its digit opens it; done steps turn ✓ on return."""
    from models.school.calendar import create_year
    from models.school.identity import init_school
    from tui.screens.accounts import AccountsScreen
    from tui.setup.screen import SetupScreen

    init_school("Школа № 1", "admin", "admin-secret-1")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("admin", "admin-secret-1"))
        await pilot.pause()
        steps = [str(w.render()) for w in app.screen.query("#home-duties Static").results(Static)]
        assert steps[0].startswith("Настройка школы")
        assert [line.split(":")[0].strip() for line in steps[1:]] == [
            "1  · Учебный год и периоды",
            "2  · Классы",
            "3  · Предметы",
            "4  · Сотрудники",
            "5  · Нагрузка",
            "6  · Расписание",
            "7  · Уроки в журнале",
        ]
        await pilot.press("4")  # staff: the accounts section
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("5")  # the load: the set-up screen on its tab
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("TabbedContent").active == "tab-load"
        admin = accounts.authenticate("admin", "admin-secret-1").actor
        create_year(admin, 2026)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        first = str(app.screen.query_one("#setup-year", Static).render())
        assert first.startswith(" 1  ✓ Учебный год и периоды: периодов:"), first
        assert str(app.screen.query_one("#setup-classes", Static).render()).startswith(" 2  · Классы")


async def test_a_long_subject_name_leaves_today_on_the_course_list(small_sqlite):
    """Point 20: «Сегодня» was pushed off the 80 columns by a long subject name."""
    from models.school.load import create_course
    from models.school.subjects import create_subject
    from tui.screens.journalgrid import CoursePickerScreen

    s = small_sqlite
    long_name = "Основы духовно-нравственной культуры народов России"
    course = create_course(s.admin, s.class_a, create_subject(s.admin, long_name), s.teacher.user_id)
    entries.add_lesson(s.teacher, course, dt.date(2026, 11, 28))
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, "petrov", s.passwords["petrov"], CoursePickerScreen)
        table = screen.query_one("DataTable")
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths) <= SIZE[0], widths
        row = next(
            table.get_row_at(i) for i in range(table.row_count) if "Основы" in str(table.get_row_at(i))
        )
        assert str(row[1]).endswith("…") and str(row[3]) == "уроков: 1"


async def test_a_colleague_s_course_shows_no_edit_keys(small_sqlite):
    """Point 20: a teacher reading a colleague's journal saw Ins, F4, Del … in the footer."""
    from models.core.schema import Lesson
    from tests.shared import course_choice
    from tui.screens.journalgrid import GridScreen

    s = small_sqlite
    entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 23))
    math = course_choice(s.teacher, s.year_id, s.math_a)
    edit_keys = {"Ins", "F4", "В", "F8", "A"}
    for login, title, shown in (
        ("sidorova", "только просмотр", set()),  # another class's homeroom teacher: reads only
        ("ivanova", "только пропуски", {"Del", "^Z"}),  # 5А's homeroom teacher: absences too
        ("petrov", "", edit_keys | {"Del", "^Z"}),  # the course's own teacher: everything
    ):
        app = JournalApp(source="")
        async with app.run_test(size=SIZE) as pilot:
            result = accounts.authenticate(login, s.passwords[login])
            app.land(result)
            await pilot.pause()
            app.push_screen(GridScreen(result.actor, math, s.q2))
            await pilot.pause()
            screen = app.screen
            keys = {p.key.display for p in screen.query_one(KeysFooter).placed()}
            assert keys & (edit_keys | {"Del", "^Z"}) == shown, login
            heading = str(screen.query_one("#grid-title", Static).render())
            assert (title in heading) if title else ("только" not in heading)
            await pilot.press("insert")  # not offered to a reader, and nothing happens
            await pilot.pause()
            if login != "petrov":
                assert Lesson.select().count() == 1


async def test_the_teachers_tab_of_a_period_ahead_keeps_the_names(small_sqlite):
    """Point 20: the control of teachers for a period not begun: names in full, «—» per pupil."""
    from tui.screens.analysis import AnalysisScreen

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, "ivanova", s.passwords["ivanova"], AnalysisScreen)
        await pilot.press("5")
        for _ in range(len(screen.scopes)):
            if screen.scopes[screen.scope_index].start > dt.date(2026, 11, 28):
                break
            await pilot.press("p")
            await pilot.pause()
        await pilot.pause()
        assert "впереди" in str(screen.query_one("#analysis-title", Static).render())
        table = screen.query_one("#control-table")
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert "Петров И.О." in names and "Иванова М.П." in names
        teacher_column = table.ordered_columns[1]
        assert teacher_column.get_render_width(table) >= max(map(len, names))
        assert {str(table.get_row_at(i)[9]) for i in range(table.row_count)} == {"—"}
