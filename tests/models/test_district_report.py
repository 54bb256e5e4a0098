"""The district's report worked by hand on a district of two small schools (issue 20): per
school and grade, then the school, then the district; the grade's and district's figures
over all their pupils, never averages of percentages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.core import db as dbmod
from models.core import tenancy
from models.core.access import SYSTEM
from models.core.db import database
from models.core.errors import PermissionDenied
from models.journal import entries
from models.people import accounts
from models.reports.district import ALL_GRADES, DISTRICT_NAME, district_report
from models.school.district import create_district_admin
from tests.factory import PAST_DAY, SmallSchool, build_small_school
from tests.shared import built_once

FIRST = {"math_a": "5432", "russian_a": "5543", "english": "5443", "math_b": "4"}  # per pupil 1–4 (5Б: 1)
SECOND = {"math_a": "4444", "russian_a": "4444", "english": "4444", "math_b": "5"}


def _finals(s: SmallSchool, marks: dict[str, str]) -> None:
    english = {0: s.english_a1, 2: s.english_a1, 1: s.english_a2, 3: s.english_a2}  # the subgroups
    for i, pupil in enumerate(s.pupils):
        entries.set_final_mark(s.admin, s.math_a, pupil, s.q1, marks["math_a"][i])
        entries.set_final_mark(s.admin, s.russian_a, pupil, s.q1, marks["russian_a"][i])
        entries.set_final_mark(s.admin, english[i], pupil, s.q1, marks["english"][i])
    entries.set_final_mark(s.admin, s.math_b, s.pupils_b[0], s.q1, marks["math_b"])


def build_two_schools() -> tuple[SmallSchool, SmallSchool | None]:
    first = build_small_school()
    lesson = entries.add_lesson(first.admin, first.math_a, PAST_DAY).id
    entries.set_absence(first.admin, lesson, first.pupils[1], "н")  # 1 of 4 pupil-lessons missed
    _finals(first, FIRST)
    if dbmod.is_sqlite():
        return first, None
    second = build_small_school("Школа № 2", suffix="2")
    _finals(second, SECOND)
    tenancy.enter(first.admin.school_id)
    return first, second


two_schools = built_once(build_two_schools, "two_schools")


def _row(report, school: str, grade: int):
    return next(r for r in report.rows if r.school == school and r.grade == grade)


def test_a_district_of_two_schools_by_hand(two_schools):
    first, second = two_schools
    if second is None:
        pytest.skip("a district of two schools runs on PostgreSQL")
    report = district_report(SYSTEM, 1)
    assert [(r.school, r.grade) for r in report.rows] == [
        ("Тестовая школа", 5),
        ("Тестовая школа", ALL_GRADES),
        ("Школа № 2", 5),
        ("Школа № 2", ALL_GRADES),
        (DISTRICT_NAME, 5),
        (DISTRICT_NAME, ALL_GRADES),
    ]
    # the first school: categories 5, 4, 3, 2 (5А) and 4 (5Б): N 5
    one = _row(report, "Тестовая школа", 5)
    i = one.indicators
    assert (i.n, i.n5, i.n4, i.n3, i.n2) == (5, 1, 2, 1, 1)
    assert (i.success, i.quality, i.sou) == (Decimal(80), Decimal(60), Decimal(56))  # 280 / 5
    assert i.mean == Decimal(51) / 13  # 14 + 17 + 16 + 4 over 13 marks
    assert (one.classes, one.lessons, one.missed, one.unexcused) == (2, 4, 1, 1)
    assert one.missed_share == Decimal(25)
    assert (one.lessons_held, one.without_marks, one.marks) == (1, 1, 0)
    assert (one.families, one.families_active) == (5, 0)
    # the second: 4, 4, 4, 4 and 5: N 5, no lessons held
    two = _row(report, "Школа № 2", ALL_GRADES).indicators
    assert (two.n, two.n5, two.n4, two.success, two.quality) == (5, 1, 4, Decimal(100), Decimal(100))
    assert two.sou == Decimal("71.2")  # (100 + 4 × 64) / 5
    # the district over its 10 pupils: not the mean of 80 % and 100 %
    whole = _row(report, DISTRICT_NAME, ALL_GRADES)
    d = whole.indicators
    assert (d.n, d.n5, d.n4, d.n3, d.n2) == (10, 2, 6, 1, 1)
    assert (d.success, d.quality, d.sou) == (Decimal(90), Decimal(80), Decimal("63.6"))
    assert d.mean == Decimal(4)  # 104 / 26
    assert (whole.classes, whole.lessons, whole.missed, whole.families) == (4, 4, 1, 10)
    assert _row(report, DISTRICT_NAME, 5) == _row(report, DISTRICT_NAME, ALL_GRADES).__class__(
        **{**whole.__dict__, "grade": 5}
    )


def test_one_school_is_its_own_district(two_schools):
    """SQLite: the report of its one school (the command line's)."""
    first, second = two_schools
    report = district_report(SYSTEM, 1)
    school = _row(report, "Тестовая школа", ALL_GRADES)
    assert school.indicators.n == 5 and school.indicators.success == Decimal(80)
    assert tenancy.current() == first.admin.school_id  # the report moved no scope


def test_only_the_district_reads_it(two_schools):
    first, _ = two_schools
    with pytest.raises(PermissionDenied):
        district_report(first.admin, 1)
    if not dbmod.is_sqlite():
        with tenancy.district():
            create_district_admin(SYSTEM, "rono", "rono-pass-2026")
        office = accounts.authenticate("rono", "rono-pass-2026").actor
        assert _row(district_report(office, 1), DISTRICT_NAME, ALL_GRADES).indicators.n == 10


def test_families_counted_for_a_school_as_the_class_screen_counts_them(two_schools):
    from models.reports import activity, diary

    first, _ = two_schools
    with database.atomic() as txn:
        diary.record_view(first.guardian, first.pupils[0], "open")  # the mother looks today
        bulk = activity.families_by_class([first.class_a, first.class_b])
        for class_id in (first.class_a, first.class_b):
            screen = activity.class_activity(first.admin, class_id)
            assert bulk[class_id] == (len(screen.pupils), screen.active)
        assert bulk[first.class_a] == (4, 1)
        txn.rollback()


def test_forked_readers_give_the_same_report(two_schools, monkeypatch):
    """The command line reads the schools in forked processes (models.core.side_by_side):
    the same rows as one reader's, and the parent's connection still reads after."""
    from models.core import side_by_side

    first, second = two_schools
    if second is None:
        pytest.skip("a district of two schools runs on PostgreSQL")
    monkeypatch.setenv(side_by_side.READERS_ENV, "1")
    told: list[tuple[int, int]] = []
    alone = district_report(SYSTEM, 1, lambda done, of: told.append((done, of)))
    assert told == [(1, 2), (2, 2)]  # one after another: the screen's progress
    monkeypatch.setenv(side_by_side.READERS_ENV, "2")
    monkeypatch.setattr(side_by_side, "_may_fork", lambda: True)
    forked: list[int] = []
    in_processes = side_by_side._in_processes

    def spied(items, call, count):
        forked.append(count)
        return in_processes(items, call, count)

    monkeypatch.setattr(side_by_side, "_in_processes", spied)
    assert district_report(SYSTEM, 1) == alone
    assert forked == [2]
    assert district_report(SYSTEM, None).rows  # the parent reads again, after the children's exit
