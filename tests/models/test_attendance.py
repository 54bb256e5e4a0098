"""Attendance services (R12, R13): a class's day, the whole day absent, the weekly excuse pass."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import Absence, AuditEntry
from models.journal import attendance, entries
from tests.factory import SmallSchool

MON = dt.date(2026, 11, 16)  # the last full week before "today" (Sat 28.11.2026)
TUE = dt.date(2026, 11, 17)
EARLIER = dt.date(2026, 11, 9)  # the week before, still in the 2nd quarter
THIS_MON = dt.date(2026, 11, 23)


def lesson(s: SmallSchool, course: int, day: dt.date, number: int) -> int:
    return entries.add_lesson(s.admin, course, day, number).id


@pytest.fixture
def monday(small):
    """Monday 16.11: 1 maths, 2 Russian, 3 English in two subgroups (pupils 0, 2 | 1, 3)."""
    s = small
    ids = {
        "math": lesson(s, s.math_a, MON, 1),
        "rus": lesson(s, s.russian_a, MON, 2),
        "eng1": lesson(s, s.english_a1, MON, 3),
        "eng2": lesson(s, s.english_a2, MON, 3),
    }
    return s, ids


def test_week_helpers():
    assert attendance.monday_of(dt.date(2026, 11, 28)) == dt.date(2026, 11, 23)
    assert attendance.last_full_week(dt.date(2026, 11, 28)) == MON
    assert attendance.last_full_week(dt.date(2026, 11, 23)) == MON
    sat, mon = dt.date(2026, 11, 21), dt.date(2026, 11, 23)
    assert attendance.school_day(sat, 1) == mon  # Sunday skipped
    assert attendance.school_day(mon, -1) == sat
    assert attendance.school_day(dt.date(2026, 11, 22)) == sat
    assert attendance.day_title(MON) == "Пн 16.11"


def test_class_day_grid(monday):
    s, ids = monday
    entries.set_mark(s.teacher, ids["math"], s.pupils[1], "5")
    entries.set_absence(s.teacher, ids["math"], s.pupils[0], "н")
    entries.set_mark(s.homeroom, ids["rus"], s.pupils[2], "4")
    entries.set_absence(s.homeroom, ids["rus"], s.pupils[2], "о")
    lesson(s, s.math_b, MON, 1)  # another class's lesson stays out

    day = attendance.class_day(s.teacher, s.class_a, MON)  # any staff member may read
    assert day.class_name == "5А" and day.title == "Пн 16.11"
    assert [p.name for p in day.pupils] == [
        "Андреев Андрей",
        "Борисова Бэлла",
        "Васильев Василий",
        "Григорьева Галина",
    ]
    assert [lsn.label for lsn in day.lessons] == ["1 Мат", "2 Рус", "3 Анг1", "3 Анг2"]
    eng1, eng2 = day.lessons[2], day.lessons[3]
    assert [day.attends(eng1, p) for p in s.pupils] == [True, False, True, False]
    assert [day.attends(eng2, p) for p in s.pupils] == [False, True, False, True]
    assert all(day.attends(day.lessons[0], p) for p in s.pupils)
    assert day.cell(ids["math"], s.pupils[0]).absence == "н"
    assert day.cell(ids["math"], s.pupils[1]).text() == "5"
    assert day.cell(ids["rus"], s.pupils[2]).text() == "о4"
    assert day.cell(ids["rus"], s.pupils[3]).empty
    assert len(day.cells) == 3

    sunday = attendance.class_day(s.homeroom, s.class_a, dt.date(2026, 11, 22))
    assert sunday.lessons == () and len(sunday.pupils) == 4


def test_whole_day_absent_skips_a_marked_lesson_and_keeps_an_excuse(monday):
    s, ids = monday
    entries.set_mark(s.teacher, ids["math"], s.pupils[1], "5")
    done = attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[1], MON)
    # pupil 1 attends maths (has a 5), Russian and the 2nd English subgroup
    assert done == attendance.DayMarked(2, ("1 Мат",), ())
    codes = {(a.lesson_id, a.code) for a in Absence.select().where(Absence.student == s.pupils[1])}
    assert codes == {(ids["rus"], "н"), (ids["eng2"], "н")}
    audit = list(AuditEntry.select().where(AuditEntry.action == "absence.day"))
    assert sorted(a.entity_id for a in audit) == sorted([ids["rus"], ids["eng2"]])
    assert all(a.user_id == s.homeroom.user_id for a in audit)
    # again: nothing new to write
    again = attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[1], MON)
    assert again.written == 0

    entries.set_absence(s.homeroom, ids["rus"], s.pupils[3], "б")
    done = attendance.mark_day_absent(s.admin, s.class_a, s.pupils[3], MON)
    assert done == attendance.DayMarked(2, (), ("2 Рус",))
    assert Absence.get(Absence.lesson == ids["rus"], Absence.student == s.pupils[3]).code == "б"


def test_whole_day_absent_refuses(monday):
    s, ids = monday
    with pytest.raises(PermissionDenied):  # teaches maths and English here, not the homeroom
        attendance.mark_day_absent(s.teacher, s.class_a, s.pupils[0], MON)
    with pytest.raises(PermissionDenied):  # homeroom of 5Б
        attendance.mark_day_absent(s.other, s.class_a, s.pupils[0], MON)
    with pytest.raises(ValidationError, match="нет уроков"):
        attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[0], TUE)
    with pytest.raises(ValidationError, match="не числился"):
        attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils_b[0], MON)
    with pytest.raises(ValidationError, match="ещё не наступило"):
        attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[0], dt.date(2026, 11, 30))
    with pytest.raises(ValidationError, match="Опоздание"):
        attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[0], MON, "о")
    assert Absence.select().count() == 0


@pytest.fixture
def absences(monday):
    """Unexcused н: pupil 0 Mon maths and Tue maths; pupil 1 and pupil 3 the whole Monday
    (pupil 3's Russian is б); pupil 2 on 09.11 and on 23.11 (outside the week)."""
    s, ids = monday
    ids["tue"] = lesson(s, s.math_a, TUE, 1)
    ids["earlier"] = lesson(s, s.math_a, EARLIER, 1)
    ids["this"] = lesson(s, s.math_a, THIS_MON, 1)
    entries.set_absence(s.teacher, ids["math"], s.pupils[0], "н")
    entries.set_absence(s.teacher, ids["tue"], s.pupils[0], "н")
    entries.set_absence(s.teacher, ids["earlier"], s.pupils[2], "н")
    entries.set_absence(s.teacher, ids["this"], s.pupils[2], "н")
    entries.set_absence(s.teacher, ids["tue"], s.pupils[1], "о")  # late: not an absence
    entries.set_absence(s.homeroom, ids["rus"], s.pupils[3], "б")
    entries.set_mark(s.teacher, ids["math"], s.pupils[1], "5")
    attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[1], MON)
    attendance.mark_day_absent(s.homeroom, s.class_a, s.pupils[3], MON)
    return s, ids


def test_unexcused_week_grouped_by_pupil_then_day(absences):
    s, ids = absences
    week = attendance.unexcused_week(s.homeroom, s.class_a, MON)
    shape = [(p.name, [(d.title, d.labels) for d in p.days], p.count) for p in week]
    assert shape == [
        ("Андреев Андрей", [("Пн 16.11", "1 Мат"), ("Вт 17.11", "1 Мат")], 2),
        ("Борисова Бэлла", [("Пн 16.11", "2 Рус, 3 Анг2")], 2),
        ("Григорьева Галина", [("Пн 16.11", "1 Мат, 3 Анг2")], 2),
    ]
    by_lesson = {(a.lesson_id, a.student_id): a.id for a in Absence.select().where(Absence.code == "н")}
    assert week[1].days[0].absence_ids == [
        by_lesson[(ids["rus"], s.pupils[1])],
        by_lesson[(ids["eng2"], s.pupils[1])],
    ]
    assert week[0].days[1].lessons[0].lesson_id == ids["tue"]
    # any day of the week names the same week; the next week has only pupil 2's н
    assert attendance.unexcused_week(s.homeroom, s.class_a, dt.date(2026, 11, 19)) == week
    this_week = attendance.unexcused_week(s.homeroom, s.class_a, THIS_MON)
    assert [(p.name, p.count) for p in this_week] == [("Васильев Василий", 1)]


def test_excuse_a_day_through_its_ids_and_the_due_count(absences):
    s, ids = absences
    # н older than 7 days (before 21.11): 2 of pupil 0, 2 of pupil 1, 2 of pupil 3, 1 of pupil 2
    assert attendance.excuse_pass_due(s.homeroom, s.class_a) == 7
    assert attendance.excuse_pass_due(s.homeroom, s.class_b) == 0
    week = attendance.unexcused_week(s.homeroom, s.class_a, MON)
    day = week[1].days[0]
    assert entries.excuse_absences(s.homeroom, day.absence_ids, "б", "Справка №12 от 20.11") == 2
    for absence in Absence.select().where(Absence.id.in_(day.absence_ids)):
        assert absence.code == "б"
        assert absence.document == "Справка №12 от 20.11"
        assert absence.excused_by_id == s.homeroom.user_id
    assert [p.name for p in attendance.unexcused_week(s.homeroom, s.class_a, MON)] == [
        "Андреев Андрей",
        "Григорьева Галина",
    ]
    assert attendance.excuse_pass_due(s.homeroom, s.class_a) == 5
    # a subject teacher cannot excuse (the homeroom teacher's duty)
    with pytest.raises(PermissionDenied):
        entries.excuse_absences(s.teacher, week[0].days[0].absence_ids, "у", "Заявление")


@pytest.mark.parametrize("who", ["student", "guardian"])
def test_pupils_and_guardians_get_no_attendance(small, who):
    s = small
    reader = getattr(s, who)
    with pytest.raises(PermissionDenied):
        attendance.class_day(reader, s.class_a, MON)
    with pytest.raises(PermissionDenied):
        attendance.unexcused_week(reader, s.class_a, MON)
    with pytest.raises(PermissionDenied):
        attendance.excuse_pass_due(reader, s.class_a)
    with pytest.raises(PermissionDenied):
        attendance.mark_day_absent(reader, s.class_a, s.pupils[0], MON)


def test_a_note_for_several_days_excuses_every_n_in_them_across_weeks(small):
    """Point 8 of issue 15: one справка from Friday to Tuesday over the weekend, in one go."""
    s = small
    fri, sat = dt.date(2026, 11, 13), dt.date(2026, 11, 14)
    ids = {
        "before": lesson(s, s.math_a, EARLIER, 1),  # 09.11: outside the note
        "fri": lesson(s, s.math_a, fri, 1),
        "sat": lesson(s, s.russian_a, sat, 2),
        "mon": lesson(s, s.math_a, MON, 1),
        "tue": lesson(s, s.russian_a, TUE, 3),
        "after": lesson(s, s.math_a, dt.date(2026, 11, 18), 1),  # 18.11: outside
    }
    for lesson_id in ids.values():
        entries.set_absence(s.homeroom, lesson_id, s.pupils[0], "н")
    entries.set_absence(s.homeroom, ids["mon"], s.pupils[1], "н")  # another pupil, same day
    entries.set_absence(s.homeroom, ids["sat"], s.pupils[0], "о")  # late is not an absence …
    entries.set_absence(s.homeroom, ids["tue"], s.pupils[0], "у")  # … nor one excused already
    count = attendance.excuse_days(s.homeroom, s.class_a, s.pupils[0], "13.11.2026", TUE, "б", " Справка №3 ")
    assert count == 2  # Friday's and Monday's «н»
    codes = {
        name: Absence.get(Absence.lesson == lesson_id, Absence.student == s.pupils[0]).code
        for name, lesson_id in ids.items()
    }
    assert codes == {"before": "н", "fri": "б", "sat": "о", "mon": "б", "tue": "у", "after": "н"}
    assert Absence.get(Absence.lesson == ids["mon"], Absence.student == s.pupils[1]).code == "н"
    excused = Absence.get(Absence.lesson == ids["fri"], Absence.student == s.pupils[0])
    assert (excused.document, excused.excused_by_id) == ("Справка №3", s.homeroom.user_id)
    entry = AuditEntry.select().where(AuditEntry.action == "absence.excuse").get()
    assert entry.user_id == s.homeroom.user_id


def test_a_note_for_several_days_is_refused_readably(small):
    s = small
    entries.set_absence(s.homeroom, lesson(s, s.math_a, MON, 1), s.pupils[0], "н")
    with pytest.raises(ValidationError, match="раньше"):
        attendance.excuse_days(s.homeroom, s.class_a, s.pupils[0], TUE, MON, "б", "Справка")
    with pytest.raises(ValidationError, match="не дата"):
        attendance.excuse_days(s.homeroom, s.class_a, s.pupils[0], "31.11.2026", TUE, "б", "Справка")
    with pytest.raises(ValidationError, match="пропусков «н» без причины нет"):
        attendance.excuse_days(s.homeroom, s.class_a, s.pupils[0], TUE, TUE, "б", "Справка")
    with pytest.raises(ValidationError, match="документ"):
        attendance.excuse_days(s.homeroom, s.class_a, s.pupils[0], MON, TUE, "б", "  ")
    with pytest.raises(PermissionDenied):
        attendance.excuse_days(s.teacher, s.class_a, s.pupils[0], MON, TUE, "б", "Справка")
    assert Absence.get().code == "н"  # nothing written by any of them
    assert not AuditEntry.select().where(AuditEntry.action == "absence.excuse").exists()
