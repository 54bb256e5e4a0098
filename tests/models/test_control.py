"""Control of subject teachers (models/reports/control.py): planted gaps and late marks are found,
worst first; final marks missing once a period is over. Today is Sat 28 Nov 2026; a mark is
late when entered more than 3 days (the default late_entry_days) after its lesson."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core.errors import NotFound, PermissionDenied, ValidationError
from models.core.schema import Lesson, Mark
from models.journal import entries
from models.journal.plan import confirm_attendance
from models.reports.control import control_report, school_control, teacher_control
from models.school.identity import update_setting
from models.school.load import create_course
from models.school.subjects import create_subject
from models.school.timetable import add_timetable_entry
from tests.factory import SmallSchool

Q2 = (dt.date(2026, 11, 5), dt.date(2026, 11, 28))
YEAR_SO_FAR = (dt.date(2026, 9, 1), dt.date(2026, 11, 28))


def entered(lesson_id: int, student_id: int, at: dt.datetime) -> None:
    """When the mark was typed (entries stamp marks with now(): today, in the tests)."""
    Mark.update(entered_at=at).where((Mark.lesson == lesson_id) & (Mark.student == student_id)).execute()


def closed_on(lesson_id: int, at: dt.datetime) -> None:
    """When the lesson became closed (the services stamp now(): today, in the tests)."""
    assert Lesson.get_by_id(lesson_id).closed_at is not None  # closed indeed
    Lesson.update(closed_at=at).where(Lesson.id == lesson_id).execute()


def plant(s: SmallSchool) -> dict:
    p0, p1, p2, p3 = s.pupils
    # math: four lessons in the 2nd quarter
    l1 = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 25), topic="Дроби").id
    l2 = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 26)).id  # no topic
    l3 = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27), topic="Проценты").id
    l4 = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 16), topic="Повторение").id
    entries.set_mark(s.teacher, l1, p0, "5")  # typed today: 3 days after — in time
    entries.set_mark(s.teacher, l1, p1, "4")
    entries.set_mark(s.teacher, l2, p2, "3")  # 2 days after
    entries.set_absence(s.teacher, l3, p3, "н")  # l3: an absence, but no mark at all
    entries.set_mark(s.teacher, l4, p0, "4")
    entries.set_mark(s.teacher, l4, p1, "5")
    entered(l4, p0, dt.datetime(2026, 11, 20, 10, 0))  # 4 days after the 16th: late
    entered(l4, p1, dt.datetime(2026, 11, 17, 9, 0))  # the next day: in time
    # closing (models/journal/plan.py): l1 closed today, three days late; l3 («без д/з», its
    # absence is attendance taken) closed on its day; l2 and l4 never closed, no homework
    entries.update_lesson(s.teacher, l1, homework="№ 12")
    confirm_attendance(s.teacher, l1)
    entries.update_lesson(s.teacher, l3, no_homework=True)
    closed_on(l3, dt.datetime(2026, 11, 27, 15, 0))
    # Russian: one lesson, everything in order, closed on the day
    r1 = entries.add_lesson(s.homeroom, s.russian_a, dt.date(2026, 11, 25), topic="Причастие").id
    for pupil in s.pupils:
        entries.set_mark(s.homeroom, r1, pupil, "4")
    entries.update_lesson(s.homeroom, r1, homework="§ 20")
    confirm_attendance(s.homeroom, r1)
    closed_on(r1, dt.datetime(2026, 11, 25, 14, 0))
    # Russian and English were on the timetable all year (math's final marks say it was taught)
    for course in (s.russian_a, s.english_a2):
        add_timetable_entry(s.admin, course, 1, 2, dt.date(2026, 9, 1))
    # the 1st quarter is over: math final marks for two pupils of four
    entries.set_final_mark(s.teacher, s.math_a, p0, s.q1, "5")
    entries.set_final_mark(s.teacher, s.math_a, p1, s.q1, "4")
    return {"l1": l1, "l2": l2, "l3": l3, "l4": l4, "r1": r1}


def test_gaps_and_late_marks_worst_first(small):
    s = small
    plant(s)
    rows = control_report(s.homeroom, s.class_a, *Q2)
    by_course = {r.course_id: r for r in rows}
    math = by_course[s.math_a]
    assert rows[0].course_id == s.math_a  # the only one behind
    assert (math.lessons, math.without_marks, math.without_topic) == (4, 1, 1)
    assert (math.marks, math.late_marks, math.pupils) == (5, 1, 4)
    assert math.marks_per_pupil == Decimal("1.25")
    assert (math.without_homework, math.not_closed) == (2, 3)  # l2, l4; l1 (late), l2, l4
    # shares: 1/4 empty + 1/4 without topic + 3/4 not closed on the day + 1/5 late = 1.45
    assert math.score == Decimal("1.45") and math.problems == 6
    assert (math.finals_due, math.finals_missing) == (0, 0)  # the 2nd quarter runs
    assert math.teacher == "Петров И.О." and math.title == "5А · Математика"
    russian = by_course[s.russian_a]
    assert (russian.lessons, russian.without_marks, russian.without_topic, russian.late_marks) == (1, 0, 0, 0)
    assert (russian.without_homework, russian.not_closed) == (0, 0)
    assert russian.marks_per_pupil == 1 and russian.score == 0
    english = by_course[s.english_a1]
    assert (english.lessons, english.pupils, english.subgroup) == (0, 2, "1 группа")
    assert english.marks_per_pupil is None  # no lesson yet: «—» on screen, not «0,00»
    assert rows[-1].course_id == s.russian_a  # in order, and the most marks per pupil


def test_final_marks_missing_after_the_period_ended(small_sqlite):
    s = small_sqlite
    plant(s)
    by_course = {r.course_id: r for r in control_report(s.homeroom, s.class_a, *YEAR_SO_FAR)}
    math = by_course[s.math_a]
    assert (math.finals_due, math.finals_missing) == (4, 2)  # the 1st quarter is over
    assert (by_course[s.russian_a].finals_due, by_course[s.russian_a].finals_missing) == (4, 4)
    english = by_course[s.english_a2]  # subgroup 2: Борисова and Григорьева
    assert (english.finals_due, english.finals_missing) == (2, 2)
    assert math.lessons == 4  # no math lesson in the 1st quarter


def test_a_course_set_up_mid_year_owes_nothing_for_the_periods_before(small_sqlite):
    """Issue 15, point 13: a subject added in November is not behind on the 1st quarter."""
    s = small_sqlite
    plant(s)
    chess = create_course(s.admin, s.class_a, create_subject(s.admin, "Шахматы"), s.teacher.user_id)
    by_course = {r.course_id: r for r in control_report(s.homeroom, s.class_a, *YEAR_SO_FAR)}
    assert (by_course[chess].finals_due, by_course[chess].finals_missing) == (0, 0)  # never taught
    add_timetable_entry(s.admin, chess, 3, 6, dt.date(2026, 11, 16))
    entries.add_lesson(s.teacher, chess, dt.date(2026, 11, 18))
    by_course = {r.course_id: r for r in control_report(s.homeroom, s.class_a, *YEAR_SO_FAR)}
    assert (by_course[chess].finals_due, by_course[chess].finals_missing) == (0, 0)  # taught from Q2
    add_timetable_entry(s.admin, chess, 5, 6, dt.date(2026, 10, 19))  # … it was in Q1 after all
    by_course = {r.course_id: r for r in control_report(s.homeroom, s.class_a, *YEAR_SO_FAR)}
    assert (by_course[chess].finals_due, by_course[chess].finals_missing) == (4, 4)
    assert by_course[s.math_a].finals_missing == 2  # math still owes its two


def test_the_late_threshold_is_the_schools(small_sqlite):
    s = small_sqlite
    ids = plant(s)
    update_setting(s.admin, "late_entry_days", "1")
    math = next(r for r in control_report(s.homeroom, s.class_a, *Q2) if r.course_id == s.math_a)
    # now l1 (3 days) and the 20 Nov entry of l4 (4 days) are late; l2 (2 days) too
    assert math.late_marks == 4
    entered(ids["l1"], s.pupils[0], dt.datetime(2026, 11, 25, 15, 0))  # same day
    math = next(r for r in control_report(s.homeroom, s.class_a, *Q2) if r.course_id == s.math_a)
    assert math.late_marks == 3


def test_a_teachers_own_courses(small_sqlite):
    s = small_sqlite
    plant(s)
    rows = teacher_control(s.teacher, *Q2)
    assert {r.course_id for r in rows} == {s.math_a, s.math_b, s.english_a2}
    assert rows[0].course_id == s.math_a
    assert teacher_control(s.other, *Q2)[0].course_id == s.english_a1


def test_refusals_and_bad_input(small_sqlite):
    s = small_sqlite
    for reader in (s.student, s.guardian):
        with pytest.raises(PermissionDenied):
            control_report(reader, s.class_a, *Q2)
        with pytest.raises(PermissionDenied):
            teacher_control(reader, *Q2)
    with pytest.raises(ValidationError):
        control_report(s.homeroom, s.class_a, Q2[1], Q2[0])
    with pytest.raises(NotFound):
        control_report(s.homeroom, 999_999, *Q2)


def test_the_grid_choice_is_read_only_for_another_teacher(small_sqlite):
    s = small_sqlite
    plant(s)
    math = next(r for r in control_report(s.homeroom, s.class_a, *Q2) if r.course_id == s.math_a)
    assert not math.course_choice(s.homeroom.user_id).own
    assert math.course_choice(s.teacher.user_id).own


def test_the_school_per_teacher_for_the_admin(small):
    """Issue 17, point 4: the admin's view, per teacher over all their courses (Q2: Петров
    teaches math in 5А and 5Б and English group 2; only 5А's math had lessons)."""
    s = small
    plant(s)
    rows = school_control(s.admin, *Q2)
    assert [r.teacher for r in rows] == ["Петров И.О.", "Иванова М.П.", "Сидорова А."]
    petrov = rows[0]
    assert (petrov.courses, petrov.lessons, petrov.not_closed, petrov.without_topic) == (3, 4, 3, 1)
    assert (petrov.without_homework, petrov.without_marks, petrov.late_marks, petrov.marks) == (2, 1, 1, 5)
    assert petrov.not_closed_share == Decimal("0.75")
    assert (rows[1].lessons, rows[1].not_closed) == (1, 0)
    with pytest.raises(PermissionDenied):
        school_control(s.homeroom, *Q2)
