"""Pilot workflows of the homeroom attendance screen (R12, R13): the weekly excuse pass with a
document, absences typed in either layout, the whole day absent."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.widgets import Input, OptionList

from models.core.schema import Absence, AuditEntry, Mark
from models.journal import attendance, entries
from models.people import accounts
from tests.factory import SmallSchool
from tests.shared import notifications as notes
from tests.shared import open_as, table_rows
from tui.app import JournalApp
from tui.screens.attendance import AttendanceScreen, LessonPicker
from tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (80, 24)
MON = dt.date(2026, 11, 16)  # the last full week before "today", Sat 28.11.2026
TUE = dt.date(2026, 11, 17)
FRI = dt.date(2026, 11, 27)  # the school day before today


async def open_attendance(app, pilot, s: SmallSchool) -> AttendanceScreen:
    return await open_as(app, pilot, "ivanova", s.passwords["ivanova"], AttendanceScreen)


rows = table_rows


def absence(lesson_id: int, student_id: int) -> Absence | None:
    return Absence.get_or_none(Absence.lesson == lesson_id, Absence.student == student_id)


@pytest.mark.asyncio
async def test_excuse_pass_turns_a_day_into_ill_with_a_document(small_sqlite):
    s = small_sqlite
    mon = {
        "math": entries.add_lesson(s.admin, s.math_a, MON, 1).id,
        "rus": entries.add_lesson(s.admin, s.russian_a, MON, 2).id,
        "eng2": entries.add_lesson(s.admin, s.english_a2, MON, 3).id,
    }
    tue = {
        "math": entries.add_lesson(s.admin, s.math_a, TUE, 1).id,
        "rus": entries.add_lesson(s.admin, s.russian_a, TUE, 2).id,
    }
    entries.set_absence(s.teacher, mon["math"], s.pupils[0], "н")
    attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[1], MON)  # 1 Мат, 2 Рус, 3 Анг2
    attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[1], TUE)  # 1 Мат, 2 Рус
    document = "Справка №7 от 19.11, принесла мама"
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(app, pilot, s)
        await pilot.press("w")  # the week view: the last full week by default
        await pilot.pause()
        assert rows(screen) == [
            ["Андреев Андрей", "Пн 16.11", "1 Мат", "1"],
            ["Борисова Бэлла", "Пн 16.11", "1 Мат, 2 Рус, 3 Анг2", "3"],
            ["", "Вт 17.11", "1 Мат, 2 Рус", "2"],
        ]
        await pilot.press("down", "comma")  # "," is "б" in the Russian layout
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-document", Input).value == ""
        form.query_one("#f-document", Input).value = document
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        assert rows(screen) == [
            ["Андреев Андрей", "Пн 16.11", "1 Мат", "1"],
            ["Борисова Бэлла", "Вт 17.11", "1 Мат, 2 Рус", "2"],
        ]
        # one lesson of the next day: Enter lists it, "u" is "у", the document is offered again
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonPicker)
        assert app.screen.query_one(OptionList).option_count == 2
        await pilot.press("down", "u")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-document", Input).value == document
        await pilot.press("enter")
        await pilot.pause()
        assert rows(screen)[1] == ["Борисова Бэлла", "Вт 17.11", "1 Мат", "1"]
    for lesson_id in mon.values():
        a = absence(lesson_id, s.pupils[1])
        assert (a.code, a.document, a.excused_by_id) == ("б", document, s.homeroom.user_id)
        assert a.excused_at is not None
    assert absence(tue["rus"], s.pupils[1]).code == "у"
    assert absence(tue["rus"], s.pupils[1]).document == document
    assert absence(tue["math"], s.pupils[1]).code == "н"
    assert absence(mon["math"], s.pupils[0]).code == "н"
    audit = list(AuditEntry.select().where(AuditEntry.action == "absence.excuse"))
    assert len(audit) == 2 and audit[0].user_id == s.homeroom.user_id
    assert json.loads(audit[0].new) == {"code": "б", "document": document}
    assert json.loads(audit[0].old)["ids"] == sorted(
        absence(lesson_id, s.pupils[1]).id for lesson_id in mon.values()
    )


@pytest.fixture
def friday(small_sqlite):
    """Friday 27.11: 1 maths, 2 Russian; pupil 2 has a 5 in maths."""
    s = small_sqlite
    ids = {
        "math": entries.add_lesson(s.admin, s.math_a, FRI, 1).id,
        "rus": entries.add_lesson(s.admin, s.russian_a, FRI, 2).id,
    }
    entries.set_mark(s.teacher, ids["math"], s.pupils[2], "5")
    return s, ids


@pytest.mark.asyncio
async def test_day_view_absences_in_both_layouts(friday):
    s, ids = friday
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(app, pilot, s)
        assert screen.grid.lessons == ()  # today is a Saturday without lessons
        await pilot.press("left_square_bracket")  # the school day before
        await pilot.pause()
        assert screen.grid.day == FRI
        await pilot.press("y")  # Latin layout: the key of "н"
        await pilot.press("down", "н")  # Russian layout
        await pilot.press("right", "j")  # "о" (late) in Russian
        await pilot.pause()
        assert rows(screen)[:3] == [
            ["Андреев Андрей", "н", ""],
            ["Борисова Бэлла", "н", "о"],
            ["Васильев Василий", "5", ""],
        ]
        await pilot.press("left", "delete")  # clears pupil 1's maths н
        await pilot.press("down", "delete")  # pupil 2 has a mark: refused
        await pilot.press("y")  # a mark and н cannot share a cell: refused
        await pilot.pause()
        assert rows(screen)[1:3] == [["Борисова Бэлла", "", "о"], ["Васильев Василий", "5", ""]]
        messages = notes(app)
        assert any("есть отметка (5)" in m for m in messages)
        assert any("пропуск поставить нельзя" in m for m in messages)
    assert absence(ids["math"], s.pupils[0]).code == "н"
    assert absence(ids["math"], s.pupils[0]).entered_by_id == s.homeroom.user_id
    assert absence(ids["math"], s.pupils[1]) is None
    assert absence(ids["rus"], s.pupils[1]).code == "о"
    assert absence(ids["math"], s.pupils[2]) is None
    assert Mark.get(Mark.lesson == ids["math"], Mark.student == s.pupils[2]).value == 5


@pytest.mark.asyncio
async def test_whole_day_absent_after_a_confirmation(friday):
    s, ids = friday
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(app, pilot, s)
        await pilot.press("left_square_bracket", "down", "down", "exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # declined: nothing written
        await pilot.pause()
        assert Absence.select().count() == 0
        await pilot.press("exclamation_mark", "enter")
        await pilot.pause()
        assert rows(screen)[2] == ["Васильев Василий", "5", "н"]
        assert any("С отметками (не тронуты): 1 Мат" in m for m in notes(app))
        await pilot.press("down", "f5", "enter")
        await pilot.pause()
        assert rows(screen)[3] == ["Григорьева Галина", "н", "н"]
    assert absence(ids["rus"], s.pupils[2]).code == "н"
    assert absence(ids["math"], s.pupils[2]) is None
    assert {(a.lesson_id, a.code) for a in Absence.select().where(Absence.student == s.pupils[3])} == {
        (ids["math"], "н"),
        (ids["rus"], "н"),
    }
    assert AuditEntry.select().where(AuditEntry.action == "absence.day").count() == 3


@pytest.mark.asyncio
async def test_ctrl_z_undoes_a_whole_day_and_a_single_absence(friday):
    """Issue 15, point 9: the day view's changes come back with Ctrl+Z, newest first."""
    s, ids = friday
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(app, pilot, s)
        await pilot.press("left_square_bracket", "down", "down", "down", "exclamation_mark", "enter")
        await pilot.pause()
        assert rows(screen)[3] == ["Григорьева Галина", "н", "н"]
        await pilot.press("up", "right", "б")  # one absence more: Васильев, Russian
        await pilot.pause()
        before = AuditEntry.select().where(AuditEntry.action == "cell.undo").count()
        await pilot.press("ctrl+z")  # the single absence first
        await pilot.pause()
        assert absence(ids["rus"], s.pupils[2]) is None
        assert rows(screen)[3] == ["Григорьева Галина", "н", "н"]
        await pilot.press("ctrl+z")  # then the whole day, both lessons at once
        await pilot.pause()
        assert rows(screen)[3] == ["Григорьева Галина", "", ""]
        assert Absence.select().count() == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Отменять нечего." in notes(app)
    assert AuditEntry.select().where(AuditEntry.action == "cell.undo").count() == before + 3


@pytest.mark.asyncio
async def test_admin_switches_class_and_weeks_and_a_refusal_is_shown(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        screen = AttendanceScreen(s.admin)
        app.push_screen(screen)
        await pilot.pause()
        assert screen.grid.class_name == "5А"
        await pilot.press("с")  # Cyrillic "с": the next class
        await pilot.pause()
        assert screen.grid.class_name == "5Б" and rows(screen) == [["Дмитриев Дмитрий"]]
        await pilot.press("exclamation_mark", "enter")  # Saturday: no lessons to mark
        await pilot.pause()
        assert any("нет уроков" in m for m in notes(app))
        await pilot.press("w", "right")
        await pilot.pause()
        assert screen.monday == dt.date(2026, 11, 23) and rows(screen) == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AttendanceScreen)
    assert Absence.select().count() == 0


async def test_d_excuses_a_pupil_s_days_from_one_date_to_another(small_sqlite):
    """Issue 15, point 8: a week's справка is one pass, not five — and may run into the next week."""
    s = small_sqlite
    days = [MON + dt.timedelta(days=i) for i in range(5)] + [dt.date(2026, 11, 23)]
    ids = [entries.add_lesson(s.admin, s.math_a, day, 1).id for day in days]
    for lesson_id in ids:
        entries.set_absence(s.teacher, lesson_id, s.pupils[1], "н")
    entries.set_absence(s.teacher, ids[0], s.pupils[0], "н")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_attendance(app, pilot, s)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "d")  # Борисова's first day; «в» in the Russian layout too
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert "Борисова Бэлла" in str(form.query_one(".dialog-title").render())
        # the week's first to last «н» of the pupil, offered
        assert form.query_one("#f-first", Input).value == "16.11.2026"
        assert form.query_one("#f-last", Input).value == "20.11.2026"
        form.query_one("#f-last", Input).value = "23.11.2026"  # the note runs into Monday
        form.query_one("#f-document", Input).value = "Справка №9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AttendanceScreen)
        assert "Исправлено пропусков: 6" in notes(app)[-1]
        assert rows(screen) == [["Андреев Андрей", "Пн 16.11", "1 Мат", "1"]]
        await pilot.press("w", "d")  # the day view too: the pupil at the cursor, the day shown
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-first", Input).value == form.query_one("#f-last", Input).value
        form.query_one("#f-first", Input).value = "30.11.2026"
        form.query_one("#f-document", Input).value = "Справка"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "раньше" in str(form.query_one("#form-status").render())  # said on the form, kept
        await pilot.press("escape")
    assert [absence(i, s.pupils[1]).code for i in ids] == ["б"] * 6
    assert absence(ids[0], s.pupils[0]).code == "н"
