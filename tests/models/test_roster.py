"""The class list, guardians, consents and subgroups, with values worked by hand (R1, R4, R5,
R11, R15): what each service returns, what it leaves in the store and in the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.access import require_reader_of_student
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Enrollment, Guardian, Mark, Student, SubgroupMember
from models.journal import entries, grid, subgroups
from models.people import guardians, roster
from tests.factory import Q1, Q2
from tests.shared import decoded, last_audit, small, small_once  # noqa: F401 (fixtures)

TRANSFER_DAY = dt.date(2026, 11, 16)  # a Monday in the 2nd quarter
BEFORE = dt.date(2026, 11, 10)
AFTER = dt.date(2026, 11, 17)


# --- add, update, remove ------------------------------------------------------------------------


def test_add_student_cleans_the_card_and_enrolls_from_the_date(small):
    info = roster.add_student(
        small.homeroom,
        small.class_a,
        {
            "surname": "  жуков ",
            "first_name": "евгений",
            "patronymic": "сергеевич",
            "birth_date": "07.03.2015",
            "sex": "муж",
            "phone": "+7 912 345-67-89",
            "email": "zhukov@mail.ru",
        },
        "16.11.2026",
        arrived_from="школа № 3",
    )
    assert (info.surname, info.first_name, info.patronymic) == ("Жуков", "Евгений", "Сергеевич")
    assert info.birth_date == dt.date(2015, 3, 7)
    assert info.sex == "м"
    assert info.full_name == "Жуков Евгений Сергеевич"
    enrollment = Enrollment.get(Enrollment.student == info.id)
    assert (enrollment.school_class_id, enrollment.start, enrollment.end) == (
        small.class_a,
        TRANSFER_DAY,
        None,
    )
    assert enrollment.arrived_from == "школа № 3"
    entry = last_audit()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        small.homeroom.user_id,
        "student.add",
        info.id,
    )
    old, new = decoded(entry)
    assert old is None
    assert new["class"] == "5А"
    assert new["start"] == "2026-11-16"
    assert new["surname"] == "Жуков"
    # the roster of the 1st quarter does not know them; the 2nd does, from 16.11
    rows_q1 = roster.class_roster(small.homeroom, small.class_a, *Q1)
    rows_q2 = roster.class_roster(small.homeroom, small.class_a, *Q2)
    assert info.id not in {r.student.id for r in rows_q1}
    row = next(r for r in rows_q2 if r.student.id == info.id)
    assert not row.present_on(dt.date(2026, 11, 13))
    assert row.present_on(TRANSFER_DAY)


def test_add_student_defaults_to_today(small, fixed_today):
    info = roster.add_student(small.homeroom, small.class_a, {"surname": "Жук", "first_name": "Ян"})
    assert Enrollment.get(Enrollment.student == info.id).start == fixed_today


def test_update_student_returns_exactly_what_changed(small):
    pupil = small.pupils[1]  # Борисова Бэлла, no phone, no birth date yet
    change = roster.update_student(
        small.homeroom,
        pupil,
        {
            "surname": "Борисова",  # unchanged
            "first_name": "бэлла",  # unchanged once capitalised
            "phone": "+7 900 123-45-67",
            "birth_date": "2015-04-30",
        },
    )
    assert change.old == {"phone": "", "birth_date": None}
    assert change.new == {"phone": "+7 900 123-45-67", "birth_date": dt.date(2015, 4, 30)}
    assert change.student.phone == "+7 900 123-45-67"
    entry = last_audit()
    assert (entry.action, entry.user_id) == ("student.update", small.homeroom.user_id)
    assert decoded(entry) == (
        {"phone": "", "birth_date": None},
        {"phone": "+7 900 123-45-67", "birth_date": "2015-04-30"},
    )
    # the same save again changes nothing and writes no audit entry
    audits = AuditEntry.select().count()
    again = roster.update_student(small.homeroom, pupil, {"phone": "+7 900 123-45-67"})
    assert (again.old, again.new) == ({}, {})
    assert AuditEntry.select().count() == audits


def test_remove_student_added_by_mistake(small):
    info = roster.add_student(
        small.homeroom, small.class_a, {"surname": "Ошибкин", "first_name": "Олег"}, TRANSFER_DAY
    )
    roster.remove_student(small.homeroom, info.id)
    assert Student.get_or_none(Student.id == info.id) is None
    assert not Enrollment.select().where(Enrollment.student == info.id).exists()
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("student.remove", info.id)
    assert decoded(entry) == ({"name": "Ошибкин Олег"}, None)


def test_remove_student_with_marks_is_refused_and_keeps_everything(small):
    lesson = entries.add_lesson(small.teacher, small.math_a, BEFORE).id
    entries.set_mark(small.teacher, lesson, small.pupils[2], "4")
    with pytest.raises(ValidationError, match="отметки"):
        roster.remove_student(small.homeroom, small.pupils[2])
    assert Student.get_by_id(small.pupils[2]).surname == "Васильев"
    assert Mark.get(Mark.student == small.pupils[2]).value == 4


def test_verify_student_stamps_the_pupil_and_their_guardians(small, fixed_today):
    info = roster.verify_student(small.homeroom, small.pupils[0])
    assert info.verified_on == fixed_today
    assert Guardian.get_by_id(small.guardian_id).verified_on == fixed_today
    entry = last_audit()
    assert entry.action == "student.verify"
    assert decoded(entry)[1] == {"on": "2026-11-28", "guardians": [small.guardian_id]}


# --- transfer and departure (R5) ----------------------------------------------------------------


def test_transfer_keeps_old_marks_and_starts_the_new_class_on_the_date(small):
    pupil = small.pupils[3]  # Григорьева Галина, 5А → 5Б from Monday 16.11
    old_lesson = entries.add_lesson(small.teacher, small.math_a, BEFORE).id
    entries.set_mark(small.teacher, old_lesson, pupil, "5")
    q1_lesson = entries.add_lesson(small.teacher, small.math_a, dt.date(2026, 10, 14)).id
    entries.set_mark(small.teacher, q1_lesson, pupil, "3")
    new_before = entries.add_lesson(small.teacher, small.math_b, BEFORE).id
    new_after = entries.add_lesson(small.teacher, small.math_b, AFTER).id

    moved = roster.transfer_student(small.homeroom, pupil, small.class_b, "16.11.2026")

    assert (moved.class_name, moved.start, moved.end, moved.arrived_from) == (
        "5Б",
        TRANSFER_DAY,
        None,
        "5А",
    )
    history = roster.student_history(small.homeroom, pupil)
    assert [(h.class_name, h.start, h.end, h.end_reason, h.left_to) for h in history] == [
        ("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15), "transfer", "5Б"),
        ("5Б", TRANSFER_DAY, None, "", ""),
    ]
    entry = last_audit()
    assert (entry.action, entry.user_id) == ("student.transfer", small.homeroom.user_id)
    assert decoded(entry) == ({"class": "5А"}, {"class": "5Б", "on": "2026-11-16"})

    # the old class keeps the marks, and its grid shows the pupil only until 15.11
    grid_a = grid.load_grid(small.teacher, small.math_a, small.q2)
    row_a = next(p for p in grid_a.pupils if p.student_id == pupil)
    assert (row_a.start, row_a.end) == (dt.date(2026, 11, 5), dt.date(2026, 11, 15))
    assert row_a.present_on(BEFORE) and not row_a.present_on(AFTER)
    assert grid_a.cell(old_lesson, pupil).text() == "5"
    # the 1st quarter of the old class is untouched
    grid_a1 = grid.load_grid(small.teacher, small.math_a, small.q1)
    assert grid_a1.cell(q1_lesson, pupil).text() == "3"
    assert pupil in {p.student_id for p in grid_a1.pupils}

    # the new class shows them from 16.11, and never in the 1st quarter
    grid_b = grid.load_grid(small.teacher, small.math_b, small.q2)
    row_b = next(p for p in grid_b.pupils if p.student_id == pupil)
    assert (row_b.start, row_b.end) == (TRANSFER_DAY, None)
    assert not row_b.present_on(BEFORE) and row_b.present_on(AFTER)
    assert grid_b.cell(old_lesson, pupil).empty
    grid_b1 = grid.load_grid(small.teacher, small.math_b, small.q1)
    assert pupil not in {p.student_id for p in grid_b1.pupils}

    # marks follow the dates: 5Б before the transfer refused, after it accepted;
    # 5А after the transfer refused
    with pytest.raises(ValidationError, match="не числился в классе 5Б"):
        entries.set_mark(small.teacher, new_before, pupil, "4")
    assert entries.set_mark(small.teacher, new_after, pupil, "4").after.text() == "4"
    later_a = entries.add_lesson(small.teacher, small.math_a, AFTER).id
    with pytest.raises(ValidationError, match="не числился в классе 5А"):
        entries.set_mark(small.teacher, later_a, pupil, "4")
    assert Mark.select().where(Mark.student == pupil).count() == 3

    # the pupil's card now belongs to the new homeroom teacher
    with pytest.raises(PermissionDenied):
        roster.update_student(small.homeroom, pupil, {"phone": "+7 900 000-11-22"})
    assert roster.update_student(small.other, pupil, {"phone": "+7 900 000-11-22"}).new == {
        "phone": "+7 900 000-11-22"
    }


def test_leave_keeps_marks_and_history(small):
    pupil = small.pupils[2]
    lesson = entries.add_lesson(small.teacher, small.math_a, BEFORE).id
    entries.set_mark(small.teacher, lesson, pupil, "2")
    gone = roster.leave_student(small.homeroom, pupil, "20.11.2026", "школа № 5")
    assert (gone.end, gone.end_reason, gone.left_to) == (
        dt.date(2026, 11, 20),
        "departure",
        "школа № 5",
    )
    entry = last_audit()
    assert entry.action == "student.leave"
    assert decoded(entry) == (None, {"on": "2026-11-20", "to": "школа № 5"})
    g = grid.load_grid(small.teacher, small.math_a, small.q2)
    row = next(p for p in g.pupils if p.student_id == pupil)
    assert row.end == dt.date(2026, 11, 20)
    assert g.cell(lesson, pupil).text() == "2"
    after = entries.add_lesson(small.teacher, small.math_a, dt.date(2026, 11, 23)).id
    with pytest.raises(ValidationError, match="не числился"):
        entries.set_absence(small.teacher, after, pupil, "н")
    # leaving before arriving is refused; so is a departure dated before a later transfer:
    # the former class's teacher may no longer touch the pupil, and the admin is told why
    with pytest.raises(ValidationError, match=r"Дата выбытия 31\.08\.2026 раньше прибытия в 5А"):
        roster.leave_student(small.homeroom, small.pupils[1], "31.08.2026")
    roster.transfer_student(small.homeroom, small.pupils[1], small.class_b, TRANSFER_DAY)
    with pytest.raises(PermissionDenied):
        roster.leave_student(small.homeroom, small.pupils[1], BEFORE)
    with pytest.raises(ValidationError, match="раньше прибытия в 5Б"):
        roster.leave_student(small.admin, small.pupils[1], BEFORE)


# --- guardians and consents (R4) -----------------------------------------------------------------


def test_siblings_share_a_guardian(small):
    mother = small.guardian_id
    linked = guardians.link_guardian(small.homeroom, small.pupils[1], mother, "Мать")
    assert (linked.id, linked.relation, linked.surname) == (mother, "мать", "Андреева")
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("guardian.link", mother)
    assert decoded(entry) == (None, {"student": small.pupils[1], "relation": "мать"})
    for child in small.pupils[:2]:
        assert [g.id for g in guardians.guardians_of(small.homeroom, child)] == [mother]
        require_reader_of_student(small.guardian, child)  # her diary shows both children
    with pytest.raises(PermissionDenied):
        require_reader_of_student(small.guardian, small.pupils[2])
    assert Guardian.select().count() == 1  # linked, not duplicated
    with pytest.raises(ValidationError, match="уже связан"):
        guardians.link_guardian(small.homeroom, small.pupils[1], mother)
    guardians.unlink_guardian(small.homeroom, small.pupils[1], mother)
    assert guardians.guardians_of(small.homeroom, small.pupils[1]) == []
    with pytest.raises(PermissionDenied):
        require_reader_of_student(small.guardian, small.pupils[1])


def test_add_and_update_guardian(small):
    father = guardians.add_guardian(
        small.homeroom,
        small.pupils[2],
        {"surname": "васильев", "first_name": "Виктор", "phone": "+7 901 111-22-33"},
        "отец",
    )
    assert (father.surname, father.relation, father.may_receive_credentials) == (
        "Васильев",
        "отец",
        True,
    )
    info, old, new = guardians.update_guardian(
        small.homeroom,
        father.id,
        {"surname": "Васильев", "email": "v@mail.ru", "may_receive_credentials": False},
    )
    assert old == {"email": "", "may_receive_credentials": True}
    assert new == {"email": "v@mail.ru", "may_receive_credentials": False}
    assert (info.email, info.may_receive_credentials) == ("v@mail.ru", False)
    entry = last_audit()
    assert decoded(entry) == (old, new)
    from models.people import accounts

    with pytest.raises(ValidationError, match="запрещена"):
        accounts.issue_credentials(small.homeroom, guardian_id=father.id)


def test_consent_record_and_withdraw(small):
    consent = guardians.record_consent(
        small.homeroom, small.pupils[0], "02.09.2026", "заявление № 4", small.guardian_id
    )
    assert (consent.student_id, consent.guardian_id, consent.given_on, consent.document) == (
        small.pupils[0],
        small.guardian_id,
        dt.date(2026, 9, 2),
        "заявление № 4",
    )
    assert consent.withdrawn_on is None
    assert decoded(last_audit()) == (
        None,
        {"student": small.pupils[0], "guardian": small.guardian_id, "on": "2026-09-02"},
    )
    with pytest.raises(ValidationError, match="раньше даты согласия"):
        guardians.withdraw_consent(small.homeroom, consent.id, "01.09.2026")
    withdrawn = guardians.withdraw_consent(small.homeroom, consent.id, "20.11.2026")
    assert withdrawn.withdrawn_on == dt.date(2026, 11, 20)
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("consent.withdraw", consent.id)
    # only a guardian of this pupil may consent for them
    with pytest.raises(ValidationError, match="представитель этого учащегося"):
        guardians.record_consent(small.homeroom, small.pupils[1], "02.09.2026", "", small.guardian_id)


# --- subgroups (R15) ------------------------------------------------------------------------------


def test_assign_subgroup_moves_the_pupil_for_one_period(small):
    pupil = small.pupils[0]  # group 1 in both quarters
    group1, group2 = small.subgroup_ids
    subgroups.assign_subgroup(small.homeroom, group2, pupil, small.q2)
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("subgroup.assign", pupil)
    assert decoded(entry) == (
        {"subgroup": group1, "period": small.q2},
        {"subgroup": group2, "period": small.q2},
    )
    members = {
        (m.subgroup_id, m.period_id) for m in SubgroupMember.select().where(SubgroupMember.student == pupil)
    }
    assert members == {(group1, small.q1), (group2, small.q2)}
    in_grid = {
        (course, period): pupil in {p.student_id for p in grid.load_grid(small.admin, course, period).pupils}
        for course in (small.english_a1, small.english_a2)
        for period in (small.q1, small.q2)
    }
    assert in_grid == {
        (small.english_a1, small.q1): True,
        (small.english_a1, small.q2): False,
        (small.english_a2, small.q1): False,
        (small.english_a2, small.q2): True,
    }
    # assigning the same group again is a no-op: no audit entry
    audits = AuditEntry.select().count()
    subgroups.assign_subgroup(small.homeroom, group2, pupil, small.q2)
    assert AuditEntry.select().count() == audits
    # a pupil of another class cannot join
    with pytest.raises(ValidationError, match="не числится в классе"):
        subgroups.assign_subgroup(small.homeroom, group2, small.pupils_b[0], small.q2)
