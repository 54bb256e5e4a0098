"""Honest corrections (R21, models/journal/corrections.py): the edit window, the freeze after a
period mark, a closed period. Today is Sat 28 Nov 2026; the edit window is 7 days."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Correction, FinalMark, Mark
from models.journal import corrections, entries
from models.journal.corrections import ReasonRequired
from models.reports import diary
from models.school.calendar import close_period
from models.school.identity import update_setting
from tests.factory import PAST_DAY, SmallSchool
from tests.shared import typed_on

TODAY = dt.date(2026, 11, 28)
INSIDE = dt.date(2026, 11, 23)  # 5 days ago: inside the window
OUTSIDE = dt.date(2026, 11, 16)  # 12 days ago: outside it


def marks_of(lesson: int, pupil: int) -> list[int]:
    return [m.value for m in Mark.select().where((Mark.lesson == lesson) & (Mark.student == pupil))]


@pytest.fixture
def s(small) -> SmallSchool:
    return small


def test_inside_the_window_a_mark_changes_freely(s):
    lesson = entries.add_lesson(s.teacher, s.math_a, INSIDE).id
    pupil = s.pupils[0]
    typed_on(INSIDE, lambda: entries.set_mark(s.teacher, lesson, pupil, "3"))
    entries.set_mark(s.teacher, lesson, pupil, "4")
    assert marks_of(lesson, pupil) == [4]
    assert Correction.select().count() == 0


def test_after_the_window_a_change_takes_a_reason_and_the_diary_shows_it(s):
    lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    pupil = s.pupils[0]
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, lesson, pupil, "3"))
    with pytest.raises(ReasonRequired):
        entries.set_mark(s.teacher, lesson, pupil, "4")
    with pytest.raises(ReasonRequired):
        entries.clear_cell(s.teacher, lesson, pupil, reason="  ")
    with pytest.raises(ReasonRequired):  # «другое» alone says nothing
        entries.set_mark(s.teacher, lesson, pupil, "4", reason=corrections.OTHER_REASON)
    assert marks_of(lesson, pupil) == [3]  # nothing written
    entries.set_mark(s.teacher, lesson, pupil, "4", reason="работа переписана")
    assert marks_of(lesson, pupil) == [4]
    (c,) = Correction.select()
    assert (c.before, c.after, c.reason, c.after_final) == ("3", "4", "работа переписана", False)
    entry = AuditEntry.select().where(AuditEntry.action == "mark.correct").get()
    assert json.loads(entry.new)["reason"] == "работа переписана"
    assert json.loads(entry.old)["marks"] == [3]
    (monday,) = [OUTSIDE - dt.timedelta(days=OUTSIDE.weekday())]
    day = next(d for d in diary.week(s.guardian, pupil, monday) if d.date == OUTSIDE)
    (shown,) = [x for x in day.lessons if x.marks]
    assert shown.correction_text == "исправлено 28.11: работа переписана"


def test_what_is_not_a_correction_after_the_window(s):
    """A late mark into an empty cell, a second mark beside the first, a slip the same teacher
    mends the day they typed it: no reason asked."""
    lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    p0, p1 = s.pupils[0], s.pupils[1]
    entries.set_mark(s.teacher, lesson, p0, "5")  # late: typed today, 12 days after
    entries.set_mark(s.teacher, lesson, p0, "4")  # the same teacher's slip, mended today
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, lesson, p1, "3"))
    entries.set_mark(s.teacher, lesson, p1, "5", add=True)
    assert marks_of(lesson, p0) == [4] and marks_of(lesson, p1) == [3, 5]
    assert Correction.select().count() == 0
    # another user changing today's mark of the teacher is a correction
    with pytest.raises(ReasonRequired):
        entries.set_mark(s.admin, lesson, p0, "3")


def test_a_new_mark_reads_no_settings_a_change_after_the_window_does(s, monkeypatch):
    """The edit window is read only for a change of marks already there (one statement less
    for every mark typed into an empty cell)."""
    real = corrections.load_settings
    reads: list[int] = []
    monkeypatch.setattr(corrections, "load_settings", lambda: reads.append(1) or real())
    lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    pupil = s.pupils[0]
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, lesson, pupil, "3"))
    entries.set_mark(s.teacher, lesson, s.pupils[1], "5")  # late, into an empty cell
    assert reads == []
    with pytest.raises(ReasonRequired):
        entries.set_mark(s.teacher, lesson, pupil, "4")
    assert reads == [1]


def test_the_window_is_a_school_setting(s):
    lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    pupil = s.pupils[0]
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, lesson, pupil, "3"))
    update_setting(s.admin, "edit_window_days", "14")
    entries.set_mark(s.teacher, lesson, pupil, "4")
    assert marks_of(lesson, pupil) == [4]


def test_a_period_mark_freezes_the_periods_marks_until_the_admin_opens_them(s):
    """1st quarter (1 Sep – 25 Oct): Андреев's math 4 on 14 Oct, then his period mark 4."""
    lesson = entries.add_lesson(s.teacher, s.math_a, PAST_DAY).id
    pupil = s.pupils[0]
    typed_on(PAST_DAY, lambda: entries.set_mark(s.teacher, lesson, pupil, "4"))
    typed_on(dt.date(2026, 10, 24), lambda: entries.set_final_mark(s.teacher, s.math_a, pupil, s.q1, "4"))
    for write in (
        lambda: entries.set_mark(s.teacher, lesson, pupil, "5", reason="работа переписана"),
        lambda: entries.clear_cell(s.teacher, lesson, pupil, reason="ошибка при вводе"),
        lambda: entries.set_mark(s.admin, lesson, pupil, "5", reason="решение администрации"),
    ):
        with pytest.raises(ValidationError, match="заморожены"):
            write()
    # a new mark in the same period is frozen too; another pupil's and absences are not
    other = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 10, 15)).id
    with pytest.raises(ValidationError, match="заморожены"):
        entries.set_mark(s.teacher, other, pupil, "5")
    entries.set_mark(s.teacher, other, s.pupils[1], "5")
    entries.set_absence(s.teacher, other, s.pupils[2], "н")
    # the teacher cannot take the period mark away (the freeze would go with it)
    with pytest.raises(ValidationError, match="убрать нельзя"):
        entries.set_final_mark(s.teacher, s.math_a, pupil, s.q1, "")
    with pytest.raises(PermissionDenied):
        corrections.reopen_marks(s.teacher, s.math_a, pupil, s.q1)
    assert corrections.reopen_marks(s.admin, s.math_a, pupil, s.q1) is True
    assert AuditEntry.select().where(AuditEntry.action == "final_mark.reopen").count() == 1
    # opened: a change takes a reason, even inside any window, and is a correction after the mark
    with pytest.raises(ReasonRequired):
        entries.set_mark(s.teacher, lesson, pupil, "5")
    entries.set_mark(s.teacher, lesson, pupil, "5", reason="работа переписана")
    (c,) = Correction.select()
    assert c.after_final and (c.before, c.after) == ("4", "5")
    # the period mark set anew freezes them again
    entries.set_final_mark(s.teacher, s.math_a, pupil, s.q1, "5")
    assert not FinalMark.get(FinalMark.student == pupil).reopened
    with pytest.raises(ValidationError, match="заморожены"):
        entries.set_mark(s.teacher, lesson, pupil, "4", reason="ошибка при вводе")
    assert marks_of(lesson, pupil) == [5]


def test_a_period_mark_typed_by_mistake_today_may_be_taken_back(s):
    entries.set_final_mark(s.teacher, s.math_a, s.pupils[0], s.q1, "4")
    entries.set_final_mark(s.teacher, s.math_a, s.pupils[0], s.q1, "")  # the undo of a slip
    assert FinalMark.select().count() == 0


def test_a_closed_period_is_frozen_whole(s):
    lesson = entries.add_lesson(s.teacher, s.math_a, PAST_DAY).id
    entries.set_absence(s.teacher, lesson, s.pupils[1], "н")
    absence = entries.read_cell(s.teacher, lesson, s.pupils[1])
    assert absence.absence == "н"
    close_period(s.admin, s.q1)
    refused = [
        lambda: entries.set_mark(s.teacher, lesson, s.pupils[0], "5"),
        lambda: entries.set_absence(s.teacher, lesson, s.pupils[2], "н"),
        lambda: entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 10, 13)),
        lambda: entries.update_lesson(s.teacher, lesson, topic="Дроби"),
        lambda: entries.delete_lesson(s.teacher, lesson),
        lambda: entries.set_final_mark(s.teacher, s.math_a, s.pupils[0], s.q1, "5"),
        lambda: entries.set_mark(s.admin, lesson, s.pupils[0], "5"),
    ]
    for write in refused:
        with pytest.raises(ValidationError, match="закрыт администратором"):
            write()
    assert marks_of(lesson, s.pupils[0]) == [] and FinalMark.select().count() == 0
    # the 2nd quarter stays open; reopening the 1st lets writes in again
    q2 = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 9)).id
    entries.set_mark(s.teacher, q2, s.pupils[0], "5")
    close_period(s.admin, s.q1, closed=False)
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    assert marks_of(lesson, s.pupils[0]) == [5]


def test_the_control_lists_corrections_and_those_after_the_period_mark_per_teacher(s):
    """R14: Петров corrects a 2nd-quarter mark after the window (1), and a 1st-quarter one
    after Андреев's period mark, opened by the admin (1 more, after the mark)."""
    from models.reports.control import control_report, school_control

    q2_lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, q2_lesson, s.pupils[1], "3"))
    entries.set_mark(s.teacher, q2_lesson, s.pupils[1], "4", reason="ошибка при вводе")
    q1_lesson = entries.add_lesson(s.teacher, s.math_a, PAST_DAY).id
    typed_on(PAST_DAY, lambda: entries.set_mark(s.teacher, q1_lesson, s.pupils[0], "3"))
    typed_on(
        dt.date(2026, 10, 24), lambda: entries.set_final_mark(s.teacher, s.math_a, s.pupils[0], s.q1, "3")
    )
    corrections.reopen_marks(s.admin, s.math_a, s.pupils[0], s.q1)
    entries.set_mark(s.teacher, q1_lesson, s.pupils[0], "4", reason="работа переписана")
    year = (dt.date(2026, 9, 1), dt.date(2026, 12, 28))
    (math,) = [r for r in control_report(s.homeroom, s.class_a, *year) if r.subject == "Математика"]
    assert (math.corrections, math.after_final) == (2, 1)
    (q2,) = [
        r
        for r in control_report(s.homeroom, s.class_a, dt.date(2026, 11, 5), year[1])
        if r.subject == "Математика"
    ]
    assert (q2.corrections, q2.after_final) == (1, 0)
    petrov = next(t for t in school_control(s.admin, *year) if t.teacher_id == s.teacher.user_id)
    assert (petrov.corrections, petrov.after_final) == (2, 1)


def test_a_cell_once_corrected_is_explained_every_time_the_same_day_too(s):
    """The 4 written with a reason is the teacher's own of today, yet changing it back (an
    undo) or again takes a reason: the diary must not show «исправлено» on a mark put back."""
    lesson = entries.add_lesson(s.teacher, s.math_a, OUTSIDE).id
    pupil = s.pupils[0]
    typed_on(OUTSIDE, lambda: entries.set_mark(s.teacher, lesson, pupil, "3"))
    entries.set_mark(s.teacher, lesson, pupil, "4", reason="работа переписана")
    with pytest.raises(ReasonRequired):
        entries.set_mark(s.teacher, lesson, pupil, "3")
    entries.set_mark(s.teacher, lesson, pupil, "3", reason="ошибка при вводе")
    assert marks_of(lesson, pupil) == [3] and Correction.select().count() == 2
