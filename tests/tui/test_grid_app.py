"""Pilot workflows of the marks grid: a column of marks, double marks, absences in both
layouts, undo, reopening, final marks with the suggestion, refused keys (R12, R14)."""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import threading
import time

import pytest

from models.core.schema import Absence, AuditEntry, FinalMark, Mark
from models.journal import entries
from models.people import accounts
from tests.factory import SmallSchool
from tests.shared import course_choice, typed_on
from tui.app import JournalApp
from tui.keys import absence_code, mark_value
from tui.screens.journalgrid import GridScreen
from tui.widgets.dialogs import ConfirmDialog

DAYS = (dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25))


def lessons(s: SmallSchool) -> list[int]:
    return [entries.add_lesson(s.teacher, s.math_a, day).id for day in DAYS]


async def open_grid(s: SmallSchool, login: str, course_id: int, size=(80, 24)):
    """The app logged in as `login`, on the grid of the course; returns (app, pilot, screen)."""
    result = accounts.authenticate(login, s.passwords[login])
    app = JournalApp(source="")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    context = app.run_test(size=size)
    pilot = await context.__aenter__()
    app.land(result)
    await pilot.pause()
    choice = course_choice(result.actor, s.year_id, course_id)
    app.push_screen(GridScreen(result.actor, choice, s.q2))
    await pilot.pause()
    return app, pilot, app.screen, context, bells


def cells(lesson_id: int) -> dict[int, str]:
    out: dict[int, str] = {}
    for m in Mark.select().where(Mark.lesson == lesson_id).order_by(Mark.position):
        out[m.student_id] = f"{out[m.student_id]}/{m.value}" if m.student_id in out else str(m.value)
    for a in Absence.select().where(Absence.lesson == lesson_id):
        out[a.student_id] = a.code + out.get(a.student_id, "")
    return out


def test_keys_work_in_both_layouts():
    assert [absence_code(c) for c in "нyn"] == ["н"] * 3
    assert [absence_code(c) for c in "б,b"] == ["б"] * 3
    assert [absence_code(c) for c in "уeu"] == ["у"] * 3
    assert [absence_code(c) for c in "оjo"] == ["о"] * 3
    assert [mark_value(c) for c in "123450"] == [1, 2, 3, 4, 5, None]
    assert absence_code("x") is None and absence_code(None) is None


@pytest.mark.asyncio
async def test_a_column_of_marks_and_absences_one_key_each(small_sqlite):
    s = small_sqlite
    ids = lessons(s)
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        grid = screen.grid
        assert grid.col == 2 and grid.row == 0  # opens on the latest lesson up to today
        await pilot.press("5", "y", "4", "б")  # Latin y is н; Cyrillic б
        assert cells(ids[2]) == {
            s.pupils[0]: "5",
            s.pupils[1]: "н",
            s.pupils[2]: "4",
            s.pupils[3]: "б",
        }
        assert grid.row == 3  # one key per mark: the cursor went down by itself
        await pilot.press("up", "/", "5")  # a second mark for pupil 3
        assert cells(ids[2])[s.pupils[2]] == "4/5"
        assert grid.summary(2).mean == "4,50"
        assert grid.row == 3  # the second mark moved on too
        await pilot.press("left", "j", "3")  # о (late) coexists with a mark
        assert cells(ids[1]) == {s.pupils[3]: "о3"}
        assert not bells
    finally:
        await context.__aexit__(None, None, None)
    # reopen: a new app shows what was typed
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        data = screen.grid.data
        assert data.cell(ids[2], s.pupils[2]).text() == "4/5"
        assert data.cell(ids[1], s.pupils[3]).text() == "о3"
        line = "".join(seg.text for seg in screen.grid.render_line(2 + 2))  # pupil 3's row
        assert "4/5" in line and "4,50" in line
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_5_slash_4_is_one_cell_not_two_pupils(small_sqlite):
    """Issue 15, point 6: «5/4» typed as a teacher says it — the "/" right after a mark goes
    back to that cell; the next pupil is untouched; one key per single mark stays."""
    s = small_sqlite
    ids = lessons(s)
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        grid = screen.grid
        await pilot.press("5", "/", "4", "3", ".", "5", "2")
        assert cells(ids[2]) == {s.pupils[0]: "5/4", s.pupils[1]: "3/5", s.pupils[2]: "2"}
        assert grid.row == 3 and not bells
        await pilot.press("up", "/", "4")  # moved by hand: "/" adds to the cell under the cursor
        assert cells(ids[2])[s.pupils[2]] == "2/4"
        await pilot.press("5", "/", "3")  # the last pupil: the cursor stays, "/" adds there
        assert cells(ids[2])[s.pupils[3]] == "5/3" and not bells
        assert cells(ids[2])[s.pupils[0]] == "5/4"  # nobody else's cell changed
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_undo_goes_back_one_change_at_a_time_and_is_audited(small_sqlite):
    s = small_sqlite
    ids = lessons(s)
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("5", "up", "3", "up", "delete")  # 5, then overwritten by 3, then cleared
        assert cells(ids[2]) == {}
        await pilot.press("ctrl+z")
        assert cells(ids[2]) == {s.pupils[0]: "3"}
        await pilot.press("ctrl+z")
        assert cells(ids[2]) == {s.pupils[0]: "5"}
        await pilot.press("ctrl+z")
        assert cells(ids[2]) == {}
    finally:
        await context.__aexit__(None, None, None)
    assert AuditEntry.select().where(AuditEntry.action == "cell.undo").count() == 3


@pytest.mark.asyncio
async def test_keys_that_mean_nothing_ring_and_write_nothing(small_sqlite):
    s = small_sqlite
    ids = lessons(s)
    entries.set_absence(s.teacher, ids[2], s.pupils[1], "н")
    entries.set_mark(s.teacher, ids[2], s.pupils[3], "4")
    before = (Mark.select().count(), Absence.select().count(), AuditEntry.select().count())
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("7", "0", "q", "=", "/")  # "/" on an empty cell: nothing to add to
        assert len(bells) == 5
        await pilot.press("down", "5")  # a mark over an absence is refused
        assert len(bells) == 6
        assert "пропуск" in str(screen.query_one("#grid-hint").render())
        await pilot.press("down", "down", "/", "x")  # "/" then not a digit: no second mark
        assert len(bells) == 7
        assert "ничего не значит" in str(screen.query_one("#grid-hint").render())
    finally:
        await context.__aexit__(None, None, None)
    assert (Mark.select().count(), Absence.select().count(), AuditEntry.select().count()) == before
    assert cells(ids[2]) == {s.pupils[1]: "н", s.pupils[3]: "4"}


@pytest.mark.asyncio
async def test_final_marks_from_the_suggestion(small_sqlite):
    s = small_sqlite
    ids = lessons(s)
    marks = {
        s.pupils[0]: "545",
        s.pupils[1]: "334",
        s.pupils[2]: "22",
    }  # 4.67→5, 3.33→3, <3 marks while the quarter runs: a forecast (2), not to confirm
    for pupil, values in marks.items():
        for lesson, value in zip(ids, values, strict=False):
            entries.set_mark(s.teacher, lesson, pupil, value)
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("end")  # the final-mark column
        assert screen.grid.col == screen.grid.final_col
        await pilot.press("a")  # accept the suggestion for the cell, and on to the next pupil
        assert FinalMark.get(FinalMark.student == s.pupils[0]).value == "5"
        assert screen.grid.row == 1
        await pilot.press("A")  # a capital A (CapsLock) is the same: one pupil, never the class
        assert FinalMark.get(FinalMark.student == s.pupils[1]).value == "3"
        assert screen.grid.row == 2 and FinalMark.select().count() == 2
        await pilot.press("a")  # pupil 3's two marks: a forecast, refused with the reason
        assert "прогноз" in str(screen.query_one("#grid-hint").render()) and screen.grid.row == 2
        await pilot.press("ctrl+a")  # the whole class, after a question that names the skipped
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Пропущены 1" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert {f.student_id: f.value for f in FinalMark.select()} == {
            s.pupils[0]: "5",
            s.pupils[1]: "3",
            s.pupils[3]: "н/а",  # no marks at all
        }
        await pilot.press("down", "down", "down", "з")  # pupil 4: зач typed over н/а
        await pilot.press("up", "up", "x")  # Latin x is «незач»: the hint says what was set
        assert "итоговая «незач» (клавиша x)" in str(screen.query_one("#grid-hint").render())
        await pilot.press("4")  # the cursor went on to pupil 3: the teacher decides on 4
    finally:
        await context.__aexit__(None, None, None)
    finals = {f.student_id: f.value for f in FinalMark.select()}
    assert finals == {s.pupils[0]: "5", s.pupils[1]: "незач", s.pupils[2]: "4", s.pupils[3]: "зач"}
    assert all(f.scope == f"P{s.q2}" for f in FinalMark.select())


@pytest.mark.asyncio
async def test_a_refused_write_says_why_and_keeps_the_cell(small_sqlite):
    """The homeroom teacher reads a colleague's course: marks are refused, absences allowed."""
    s = small_sqlite
    ids = lessons(s)  # Петров's mathematics in 5А
    app, pilot, screen, context, bells = await open_grid(s, "ivanova", s.math_a)
    try:
        await pilot.press("5")
        assert bells and "не ваш предмет" in str(screen.query_one("#grid-hint").render())
        assert screen.grid.data.cell(ids[2], s.pupils[0]).empty and screen.grid.row == 0
        await pilot.press("н")
        assert len(bells) == 1 and screen.grid.row == 1
    finally:
        await context.__aexit__(None, None, None)
    assert cells(ids[2]) == {s.pupils[0]: "н"}


class StoreHeld:
    """Another writer's turn on the store (the lock every journal writer of the file takes)."""

    def __init__(self, store) -> None:
        self.fd = os.open(str(store) + "-lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        os.close(self.fd)


@pytest.mark.asyncio
async def test_marks_typed_while_the_store_is_busy_show_at_once_and_are_written_after(
    small_sqlite, sqlite_store
):
    s = small_sqlite
    ids = lessons(s)
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        grid = screen.grid
        held = StoreHeld(sqlite_store)
        try:
            await pilot.press("5", "4", "н")
            assert grid.row == 3  # the keys did not wait
            shown = [grid.data.cell(ids[2], p).text() for p in s.pupils[:3]]
            assert shown == ["5", "4", "н"]
            assert cells(ids[2]) == {}  # not in the store yet: its turn has not come
            assert screen.writes.waiting == 3
            assert grid.pending == {(ids[2], p) for p in s.pupils[:3]}  # drawn grey till written
            grey = grid.style("grid--pending")
            assert grid.cell_segment(1, 2, grid.data.pupils[1], grid.data.lessons[2]).style == grey
        finally:
            held.release()
        await screen.writes.drain()
        assert cells(ids[2]) == {s.pupils[0]: "5", s.pupils[1]: "4", s.pupils[2]: "н"}
        assert not grid.pending
        assert AuditEntry.select().where(AuditEntry.action.in_(["mark.set", "absence.set"])).count() == 3
        await pilot.press("ctrl+z")  # undo takes the last of them back
        assert cells(ids[2]) == {s.pupils[0]: "5", s.pupils[1]: "4"}
        assert grid.data.cell(ids[2], s.pupils[2]).empty
        assert bells == []

        # refused once its turn comes: the cell as it is in the store comes back, and why
        grid.move_to(0, 1)
        held = StoreHeld(sqlite_store)
        try:
            await pilot.press("3")
            assert grid.data.cell(ids[1], s.pupils[0]).text() == "3"
            # meanwhile the homeroom teacher's «н» on the same cell reached the store first
            Absence.create(
                lesson=ids[1], student=s.pupils[0], code="н", entered_at=dt.datetime(2026, 11, 24, 9)
            )
        finally:
            held.release()
        await screen.writes.drain()
        assert cells(ids[1]) == {s.pupils[0]: "н"}
        assert grid.data.cell(ids[1], s.pupils[0]).text() == "н" and not grid.pending
        assert bells == [1]
        hint = str(screen.query_one("#grid-hint").render())
        assert "Не записано" in hint and "пропуск «н»" in hint
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_ctrl_q_writes_the_marks_still_waiting_before_the_app_ends(small_sqlite, sqlite_store):
    s = small_sqlite
    ids = lessons(s)
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    hints: list[str] = []
    shown = screen.hint
    screen.hint = lambda text, **kw: (hints.append(text), shown(text, **kw))  # type: ignore[method-assign]
    try:
        held = StoreHeld(sqlite_store)
        await pilot.press("5", "4")
        threading.Timer(0.5, held.release).start()  # the other writer is done in a moment
        pressed = time.monotonic()
        await pilot.press("ctrl+q")  # returns once the quit has been handled
        assert time.monotonic() - pressed >= 0.4  # it waited for the marks …
        assert hints[-1] == "Дописываем отметки перед выходом…"  # … saying so
        for _ in range(100):  # (no pilot.pause: it waits on an app that has ended)
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running
        assert cells(ids[2]) == {s.pupils[0]: "5", s.pupils[1]: "4"}
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_add_a_lesson_with_a_topic_from_the_keyboard(small_sqlite):
    s = small_sqlite
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("insert")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-date").value = "26.11.2026"
        form.query_one("#f-topic").value = "Проценты"
        await pilot.press("ctrl+s")
        await pilot.pause()
        grid = app.screen.grid
        assert [lesson.topic for lesson in grid.data.lessons] == ["Проценты"]
        assert grid.col == 0
        await pilot.press("4")
    finally:
        await context.__aexit__(None, None, None)
    assert Mark.select().where(Mark.student == s.pupils[0]).get().value == 4


@pytest.mark.asyncio
async def test_ins_with_a_number_another_subject_has_asks_first(small_sqlite):
    """Issue 15, point 11: Ins with lesson № 1 on a day Russian has its lesson 1: a question
    names the clash; «no» adds nothing, «yes» adds it."""
    from textual.widgets import Input

    from models.core.schema import Lesson
    from tui.widgets.dialogs import FormDialog

    s = small_sqlite
    day = dt.date(2026, 11, 27)
    entries.add_lesson(s.admin, s.russian_a, day, 1)
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        for answer in ("escape", "enter"):
            await pilot.press("insert")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, FormDialog)
            form.query_one("#f-date", Input).value = "27.11.2026"
            form.query_one("#f-number", Input).value = "1"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmDialog)
            assert "1 урок — уже Русский язык" in app.screen.question
            await pilot.press(answer)
            await pilot.pause()
            maths = Lesson.select().where((Lesson.course == s.math_a) & (Lesson.date == day)).count()
            assert maths == (0 if answer == "escape" else 1)
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_a_late_correction_asks_for_a_reason_and_the_diary_shows_it(small_sqlite):
    """A 3 typed on 16 Nov, 12 days ago (the edit window is 7): typing 4 over it opens the
    reason form; Esc leaves the 3; picking «работа переписана» with Ctrl+S writes the 4 with it."""
    from models.core.schema import Correction
    from models.reports import diary
    from tui.widgets.dialogs import FormDialog

    s = small_sqlite
    day = dt.date(2026, 11, 16)
    lesson = entries.add_lesson(s.teacher, s.math_a, day).id
    typed_on(day, lambda: entries.set_mark(s.teacher, lesson, s.pupils[0], "3"))
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        assert (screen.grid.row, screen.grid.col) == (0, 0)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        assert cells(lesson) == {s.pupils[0]: "3"}  # nothing written yet
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and cells(lesson) == {s.pupils[0]: "3"}
        assert screen.grid.data.cell(lesson, s.pupils[0]).text() == "3"
        await pilot.press("4")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-reason").value = "работа переписана"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert cells(lesson) == {s.pupils[0]: "4"}
        assert screen.grid.data.cell(lesson, s.pupils[0]).text() == "4"
        (c,) = Correction.select()
        assert (c.before, c.after, c.reason) == ("3", "4", "работа переписана")
    finally:
        await context.__aexit__(None, None, None)
    week = diary.week(s.guardian, s.pupils[0], day)
    shown = next(x for d in week for x in d.lessons if x.marks)
    assert shown.correction_text == "исправлено 28.11: работа переписана"


@pytest.mark.asyncio
async def test_a_frozen_period_refuses_and_the_admin_opens_it(small_sqlite):
    """Андреев's 2nd-quarter mark is set: his marks are frozen (a bell and the reason); the
    admin opens them with Ctrl+O; the teacher's change then takes a reason."""
    from tui.widgets.dialogs import FormDialog

    s = small_sqlite
    lesson = entries.add_lesson(s.teacher, s.math_a, DAYS[0]).id
    typed_on(DAYS[0], lambda: entries.set_mark(s.teacher, lesson, s.pupils[0], "4"))
    typed_on(DAYS[1], lambda: entries.set_final_mark(s.teacher, s.math_a, s.pupils[0], s.q2, "4"))
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("5")
        await pilot.pause()
        assert bells and "заморожены" in screen.hint_shown[0]
        assert cells(lesson) == {s.pupils[0]: "4"}
        await pilot.press("ctrl+o")  # not the teacher's key
        await pilot.pause()
        assert app.screen is screen
    finally:
        await context.__aexit__(None, None, None)
    app, pilot, screen, context, bells = await open_grid(s, "admin", s.math_a)
    try:
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert FinalMark.get(FinalMark.student == s.pupils[0]).reopened
        assert AuditEntry.select().where(AuditEntry.action == "final_mark.reopen").count() == 1
    finally:
        await context.__aexit__(None, None, None)
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)  # after the period mark: always a reason
        app.screen.query_one("#f-text").value = "пересдал контрольную"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert cells(lesson) == {s.pupils[0]: "5"}
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_a_closed_year_reads_and_refuses_every_change(small_sqlite):
    """The year closed for the archive (journal archive --close): its journal opens, shows
    every mark, says «только просмотр», and a typed mark is refused with the reason."""
    from models.school.calendar import close_year

    s = small_sqlite
    lesson = entries.add_lesson(s.teacher, s.math_a, DAYS[0]).id
    entries.set_mark(s.teacher, lesson, s.pupils[0], "4")
    close_year(s.admin, "2026/2027")
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        assert not screen.grid.data.may_edit and "только просмотр" in str(
            screen.query_one("#grid-title").render()
        )
        assert screen.grid.data.cell(lesson, s.pupils[0]).text() == "4"
        await pilot.press("5")
        await pilot.pause()
        assert bells and cells(lesson) == {s.pupils[0]: "4"}
        assert "закрыт администратором" in screen.hint_shown[0]
    finally:
        await context.__aexit__(None, None, None)


@pytest.mark.asyncio
async def test_the_course_picker_steps_through_the_years(small_sqlite):
    """[ ] in the journal picker: another year's courses (the next one has none yet)."""
    from textual.widgets import Static

    from models.school.calendar import create_year
    from tui.screens.journalgrid import CoursePickerScreen

    s = small_sqlite
    create_year(s.admin, 2027)
    result = accounts.authenticate("petrov", s.passwords["petrov"])
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        app.land(result)
        await pilot.pause()
        app.push_screen(CoursePickerScreen(result.actor))
        await pilot.pause()
        picker = app.screen
        assert picker.choices and all(c.year_id == s.year_id for c in picker.choices)
        await pilot.press("]")
        await pilot.pause()
        assert picker.choices == [] and "2027/2028" in str(picker.query_one(".screen-title", Static).render())
        await pilot.press("[")
        await pilot.pause()
        assert picker.choices and "выберите" in str(picker.query_one(".screen-title", Static).render())


@pytest.mark.asyncio
async def test_undoing_a_late_correction_asks_why_and_esc_keeps_it_to_undo(small_sqlite):
    from tui.widgets.dialogs import FormDialog

    s = small_sqlite
    day = dt.date(2026, 11, 16)
    lesson = entries.add_lesson(s.teacher, s.math_a, day).id
    typed_on(day, lambda: entries.set_mark(s.teacher, lesson, s.pupils[0], "3"))
    app, pilot, screen, context, bells = await open_grid(s, "petrov", s.math_a)
    try:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("ctrl+s")  # the first reason of the list
        await pilot.pause()
        assert cells(lesson) == {s.pupils[0]: "4"} and len(screen.undo_stack) == 1
        await pilot.press("ctrl+z")  # the 3 back is a change after the window too
        await pilot.pause()
        assert isinstance(app.screen, FormDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert cells(lesson) == {s.pupils[0]: "4"} and len(screen.undo_stack) == 1  # still to undo
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert cells(lesson) == {s.pupils[0]: "3"} and screen.undo_stack == []
    finally:
        await context.__aexit__(None, None, None)
