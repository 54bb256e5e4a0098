"""Closing a lesson (issue 17, models/journal/plan.py): a lesson is closed when it has its
topic, its homework or an explicit «без д/з», and its attendance taken (an absence typed or
«все присутствуют»); closed_at says when, and goes when the lesson is no longer closed.
Today is Sat 28 Nov 2026 in the tests."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Lesson
from models.journal import entries, plan
from tests.factory import SmallSchool


def lesson_row(lesson_id: int) -> Lesson:
    return Lesson.get_by_id(lesson_id)


def test_topic_homework_and_attendance_close_a_lesson(small):
    s: SmallSchool = small
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27), topic="Дроби").id
    assert not entries.lesson_info(lesson_row(lesson)).closed and lesson_row(lesson).closed_at is None
    entries.update_lesson(s.teacher, lesson, homework="№ 45")
    row = lesson_row(lesson)
    assert row.homework_at is not None and row.closed_at is None  # attendance still to take
    state = plan.confirm_attendance(s.teacher, lesson)
    assert state.closed and state.attendance_taken
    assert lesson_row(lesson).closed_at is not None
    entry = AuditEntry.select().where(AuditEntry.action == "lesson.attendance").get()
    assert entry.entity_id == lesson and entry.user_id == s.teacher.user_id
    # the topic erased: no longer closed
    entries.update_lesson(s.teacher, lesson, topic="")
    assert lesson_row(lesson).closed_at is None
    entries.update_lesson(s.teacher, lesson, topic="Дроби")
    assert lesson_row(lesson).closed_at is not None


def test_no_homework_said_explicitly_and_homework_given_undoes_it(small):
    s = small
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27), topic="Дроби").id
    plan.confirm_attendance(s.teacher, lesson)
    assert lesson_row(lesson).closed_at is None  # no homework, and «без д/з» not said
    entries.update_lesson(s.teacher, lesson, no_homework=True)
    row = lesson_row(lesson)
    assert row.no_homework and row.closed_at is not None and row.homework_at is not None
    entries.update_lesson(s.teacher, lesson, homework="§ 3")
    assert not lesson_row(lesson).no_homework  # homework given is not «без д/з»
    assert lesson_row(lesson).closed_at is not None


def test_an_absence_typed_is_attendance_taken(small):
    s = small
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27), topic="Дроби", homework="№ 1").id
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    assert not lesson_row(lesson).attendance_taken  # a mark says nothing of who was there
    entries.set_absence(s.homeroom, lesson, s.pupils[1], "н")  # the homeroom teacher's «н»
    row = lesson_row(lesson)
    assert row.attendance_taken and row.closed_at is not None
    with pytest.raises(ValidationError, match="отмечены пропуски"):
        plan.confirm_attendance(s.teacher, lesson, taken=False)
    entries.clear_cell(s.teacher, lesson, s.pupils[1])
    assert lesson_row(lesson).attendance_taken  # attendance was taken: clearing keeps it
    plan.confirm_attendance(s.teacher, lesson, taken=False)  # no absence now: may be taken back
    assert lesson_row(lesson).closed_at is None


def test_attendance_refused_before_the_lesson_and_to_others(small):
    s = small
    future = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 30)).id
    with pytest.raises(ValidationError, match="ещё не прошёл"):
        plan.confirm_attendance(s.teacher, future)
    with pytest.raises(ValidationError, match="ещё не прошёл"):
        entries.update_lesson(s.teacher, future, attendance_taken=True)
    past = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27)).id
    with pytest.raises(PermissionDenied):
        plan.confirm_attendance(s.homeroom, past)  # not the homeroom teacher's course
    assert not lesson_row(past).attendance_taken
    entries.update_lesson(s.teacher, past, attendance_taken=True)  # the F4 form's drop-down
    assert lesson_row(past).attendance_taken


def test_a_topic_of_500_characters_is_kept_and_501_refused(small):
    s = small
    lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27)).id
    entries.update_lesson(s.teacher, lesson, topic="т" * 500)
    assert len(lesson_row(lesson).topic) == 500
    with pytest.raises(ValidationError, match="500"):
        entries.update_lesson(s.teacher, lesson, topic="т" * 501)
