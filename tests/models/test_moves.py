"""A pupil moving to another school of the district (issue 20, point 2): the history stays in
the sending school, the receiving one gets the card, the guardians, where the pupil came from
and the period's marks, which count there as marks brought from another class do."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core import db as dbmod
from models.core import tenancy
from models.core.errors import NotFound, PermissionDenied
from models.core.schema import AuditEntry, Enrollment, Mark, School
from models.journal import entries
from models.journal.grid import load_grid
from models.people import guardians, moves
from models.reports.analysis import class_analysis
from tests.factory import build_small_school
from tests.shared import small, small_once  # noqa: F401 (fixtures)

Q2_DAYS = (dt.date(2026, 11, 16), dt.date(2026, 11, 18))  # a Monday and a Wednesday of the 2nd quarter
MOVE_ON = dt.date(2026, 11, 25)


def _second_school():
    first = tenancy.current()
    second = build_small_school("Школа № 2", suffix="2")
    tenancy.enter(first)
    return second


def test_a_move_needs_another_school_of_the_district(small):
    with pytest.raises(NotFound):
        moves.move_to_school(small.homeroom, small.pupils[0], tenancy.current(), MOVE_ON)


def test_the_pupil_arrives_with_the_periods_marks(small):
    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    pupil = small.pupils[0]
    for day, value in zip(Q2_DAYS, ("5", "3"), strict=True):
        lesson = entries.add_lesson(small.admin, small.math_a, day).id
        entries.set_mark(small.admin, lesson, pupil, value)
    second = _second_school()
    target = School.get(School.name == "Школа № 2").id
    with pytest.raises(PermissionDenied):  # 5Б's homeroom teacher does not keep 5А
        moves.move_to_school(small.other, pupil, target, MOVE_ON)
    moved = moves.move_to_school(small.homeroom, pupil, target, MOVE_ON)
    assert (moved.school, moved.marks) == ("Школа № 2", 2)
    # the sending school keeps the history: the pupil left 5А the day before, marks stay
    stay = Enrollment.get(Enrollment.student == pupil)
    assert (stay.end, stay.left_to) == (MOVE_ON - dt.timedelta(days=1), "Школа № 2")
    assert Mark.select().where(Mark.student == pupil).count() == 2
    with tenancy.within(target):
        with pytest.raises(NotFound):  # the other school's admin finds no pupil of the first
            moves.move_to_school(second.admin, pupil, tenancy.current(), MOVE_ON)
        (arrival,) = moves.arrivals(second.admin)
        assert (arrival.name, arrival.from_school, arrival.from_class, arrival.marks) == (
            "Андреев Андрей",
            "Тестовая школа",
            "5А",
            2,
        )
        assert [(g.surname, g.phone) for g in guardians.guardians_of(second.admin, arrival.student_id)] == [
            ("Андреева", "+7 900 000-00-01")
        ]
        came = AuditEntry.get(AuditEntry.action == "student.move_in")
        assert (came.entity_id, came.user_id) == (arrival.student_id, small.homeroom.user_id)
        moves.enrol_arrival(second.admin, arrival.id, second.class_a, MOVE_ON)
        grid = load_grid(second.admin, second.math_a, second.q2)
        assert grid.averages(arrival.student_id).mean == Decimal(4)  # 5 and 3 brought along
        report = class_analysis(second.admin, second.class_a, second.q2)
        row = report.pupil(arrival.student_id)
        brought = row.subjects[second.math]
        assert (brought.count, brought.total, brought.weight_total) == (2, 8, 200)  # the same two marks
    with pytest.raises(NotFound):  # the sending school sees nothing of the receiving one
        moves.enrol_arrival(small.admin, arrival.id, small.class_a, MOVE_ON)


def test_subjects_named_apart_only_by_case_and_spaces_are_one():
    assert moves.subject_key(" Русский  язык ") == moves.subject_key("русский язык")
    assert moves.subject_key("Математика") != moves.subject_key("Алгебра")


def test_a_carried_mark_counts_though_the_schools_write_the_subject_differently(small):
    """The sending school's «математика » is the receiving school's «Математика»: the mark
    counts in its grid and analysis all the same."""
    from models.core.schema import CarriedMark

    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    pupil = small.pupils[0]
    lesson = entries.add_lesson(small.admin, small.math_a, Q2_DAYS[0]).id
    entries.set_mark(small.admin, lesson, pupil, "5")
    second = _second_school()
    target = School.get(School.name == "Школа № 2").id
    moves.move_to_school(small.homeroom, pupil, target, MOVE_ON)
    with tenancy.within(target):
        (arrival,) = moves.arrivals(second.admin)
        CarriedMark.update(subject="  математика ").where(CarriedMark.student == arrival.student_id).execute()
        moves.enrol_arrival(second.admin, arrival.id, second.class_a, MOVE_ON)
        assert load_grid(second.admin, second.math_a, second.q2).averages(arrival.student_id).mean == Decimal(
            5
        )
        row = class_analysis(second.admin, second.class_a, second.q2).pupil(arrival.student_id)
        assert row.subjects[second.math].count == 1


def test_the_finals_of_the_years_earlier_periods_come_along(small):
    """The 1st quarter's finals given in the sending school become the receiving school's
    1st quarter finals when it enrols the pupil (quarters for quarters); the year's analysis
    of the receiving class counts them."""
    from models.core.schema import FinalMark

    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    pupil = small.pupils[0]
    entries.set_final_mark(small.admin, small.math_a, pupil, small.q1, "4")
    entries.set_final_mark(small.admin, small.russian_a, pupil, small.q1, "5")
    second = _second_school()
    target = School.get(School.name == "Школа № 2").id
    moves.move_to_school(small.homeroom, pupil, target, MOVE_ON)
    with tenancy.within(target):
        (arrival,) = moves.arrivals(second.admin)
        assert not FinalMark.select().where(FinalMark.student == arrival.student_id).exists()  # not before
        moves.enrol_arrival(second.admin, arrival.id, second.class_a, MOVE_ON)
        finals = {
            (f.subject_id, f.scope): f.value
            for f in FinalMark.select().where(FinalMark.student == arrival.student_id)
        }
        assert finals == {(second.math, f"P{second.q1}"): "4", (second.russian, f"P{second.q1}"): "5"}
        enrolled = AuditEntry.get(AuditEntry.action == "student.enrol")
        assert '"finals": 2' in enrolled.new
        year = class_analysis(second.admin, second.class_a, None).pupil(arrival.student_id)
        assert (
            year.subjects[second.math].period_marks[0],
            year.subjects[second.russian].period_marks[0],
        ) == (
            "4",
            "5",
        )  # the year's suggestion counts them
