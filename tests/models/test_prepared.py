"""Reads built once (models/core/prepared.py): the same rows as peewee's own query, for each
call's values, within the school in scope, on whichever store is open."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core import db as dbmod
from models.core import tenancy
from models.core.prepared import Prepared
from models.core.schema import Course, Lesson, Mark, Period, SchoolClass
from models.core.store import open_store
from models.journal import entries
from models.journal.entries import _LESSON as LESSON  # every cell write's read of its lesson
from tests.factory import PAST_DAY, build_small_school, past_lesson

PERIOD = Prepared(
    lambda day, name: Period.select().where(
        (Period.start <= day) & (Period.end >= day) & (Period.name == name)
    ),
    ("date", "str"),
)


def test_rows_are_peewees_own_for_each_calls_values(small):
    first, second = past_lesson(small), past_lesson(small, small.math_b)
    for lesson_id in (first, second, first):
        got = LESSON.first(lesson_id)
        want = (
            Lesson.select(Lesson, Course, SchoolClass)
            .join(Course)
            .join(SchoolClass)
            .where(Lesson.id == lesson_id)
            .get()
        )
        assert got.__data__ == want.__data__
        assert got.course.__data__ == want.course.__data__  # the joined models, nested as peewee does
        assert got.course.school_class.name == want.course.school_class.name
    assert LESSON.first(10**9) is None
    (period,) = PERIOD.rows(PAST_DAY, "1 четверть")
    assert period.start <= PAST_DAY <= period.end
    assert list(PERIOD.rows(PAST_DAY, "2 четверть")) == []


def test_the_school_in_scope_is_part_of_the_kept_statement(small):
    lesson_id = past_lesson(small)
    assert LESSON.first(lesson_id) is not None
    with tenancy.within(tenancy.current() + 1000):  # another school: none of this one's rows
        assert LESSON.first(lesson_id) is None
    assert LESSON.first(lesson_id) is not None


def test_another_store_gets_its_own_statement(tmp_path):
    counts = []
    for name in ("a.sqlite", "b.sqlite"):
        open_store(str(tmp_path / name), create=True)
        s = build_small_school()
        lesson_id = past_lesson(s)
        for pupil in s.pupils[: 2 if name == "a.sqlite" else 3]:
            entries.set_mark(s.teacher, lesson_id, pupil, "5")
        marks = Prepared(lambda lesson: Mark.select().where(Mark.lesson == lesson), ("int",))
        counts.append(len(list(marks.rows(lesson_id))))
        counts.append(len(list(MARKS.rows(lesson_id))))
        dbmod.close()
    assert counts == [2, 2, 3, 3]


MARKS = Prepared(lambda lesson: Mark.select().where(Mark.lesson == lesson), ("int",))


def test_an_argument_inside_a_longer_value_or_none_is_refused(small):
    inside = Prepared(lambda name: Period.select().where(Period.name == f"{name} четверть"), ("str",))
    with pytest.raises(ValueError):
        list(inside.rows("2"))
    with pytest.raises(ValueError):  # IS NULL would be another statement
        LESSON.first(None)


def test_a_date_argument_is_compared_as_a_date(small):
    day = dt.date(2026, 11, 16)
    assert [p.name for p in PERIOD.rows(day, "2 четверть")] == ["2 четверть"]


def test_with_no_store_open_it_fails_as_peewee_does(small, monkeypatch):
    import peewee

    from models.core.db import database

    monkeypatch.setattr(database, "obj", None)
    with pytest.raises(peewee.InterfaceError):
        MARKS.first(1)
