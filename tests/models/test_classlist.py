"""The roster screens' reads (R1, R4, R5, R11), values worked by hand on the small school:
the class list's status and flags (the overdue flag with today pinned to 28.11.2026), the
missing-consent list, a pupil's card, the guardian search and duplicate check."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.access import SYSTEM
from models.core.db import database
from models.core.errors import PermissionDenied, ValidationError
from models.people import accounts, classlist, guardians, roster
from models.people.classlist import ARRIVED, LEFT, STUDYING, TRANSFERRED
from models.school.identity import update_setting
from tests.shared import small, small_once  # noqa: F401 (fixtures)

TRANSFER_DAY = dt.date(2026, 11, 16)


def listing(rows) -> list[tuple]:
    return [
        (
            r.student.short_name,
            r.status_text(),
            r.current,
            r.no_consent,
            r.no_guardian,
            r.no_login,
            r.overdue,
        )
        for r in rows
    ]


def count_queries(fn):
    """Run fn, counting the SQL statements it sends."""
    real = database.obj
    original = real.execute_sql
    sent: list[str] = []

    def counting(sql, *args, **kwargs):
        sent.append(sql)
        return original(sql, *args, **kwargs)

    real.execute_sql = counting
    try:
        result = fn()
    finally:
        real.execute_sql = original
    return result, sent


# --- the class list -----------------------------------------------------------------------------


def test_fresh_class_list_flags_everything_missing(small):
    rows = classlist.class_list(small.homeroom, small.class_a)
    # pupil 0 has a mother and a diary login (the factory); nobody has consent or a check yet
    assert listing(rows) == [
        ("Андреев Андрей", "учится", True, True, False, False, True),
        ("Борисова Бэлла", "учится", True, True, True, True, True),
        ("Васильев Василий", "учится", True, True, True, True, True),
        ("Григорьева Галина", "учится", True, True, True, True, True),
    ]
    assert [r.guardian_count for r in rows] == [1, 0, 0, 0]
    assert {r.status for r in rows} == {STUDYING}


def test_statuses_after_arrival_transfer_and_departure(small):
    new = roster.add_student(
        small.homeroom,
        small.class_a,
        {"surname": "Ёлкина", "first_name": "Ева"},
        "16.11.2026",
        "школа № 3",
    )
    roster.transfer_student(small.homeroom, small.pupils[3], small.class_b, TRANSFER_DAY)
    roster.leave_student(small.homeroom, small.pupils[2], "20.11.2026", "школа № 5")
    rows = classlist.class_list(small.homeroom, small.class_a)
    # "Ё" sorts as "Е" (after Г), not after "Я" as a byte-wise order would put it
    assert [(r.student.short_name, r.status, r.status_text(), r.current) for r in rows] == [
        ("Андреев Андрей", STUDYING, "учится", True),
        ("Борисова Бэлла", STUDYING, "учится", True),
        ("Васильев Василий", LEFT, "выбыл 20.11.2026", False),
        ("Григорьева Галина", TRANSFERRED, "переведён в 5Б 16.11.2026", False),
        ("Ёлкина Ева", ARRIVED, "прибыл 16.11.2026", True),
    ]
    by_name = {r.student.short_name: r for r in rows}
    assert by_name["Ёлкина Ева"].arrived_from == "школа № 3"
    assert by_name["Ёлкина Ева"].student.id == new.id
    assert by_name["Ёлкина Ева"].status_text("%d.%m") == "прибыл 16.11"
    # pupils no longer in the class carry no flags: nothing is due for them
    gone = by_name["Григорьева Галина"]
    assert (gone.no_consent, gone.no_guardian, gone.no_login, gone.overdue) == (
        False,
        False,
        False,
        False,
    )
    assert (gone.end, gone.left_to) == (dt.date(2026, 11, 15), "5Б")
    # the new class lists her as arrived on the transfer day, from 5А
    rows_b = classlist.class_list(small.other, small.class_b)
    assert [(r.student.short_name, r.status_text(), r.arrived_from) for r in rows_b] == [
        ("Григорьева Галина", "прибыл 16.11.2026", "5А"),
        ("Дмитриев Дмитрий", "учится", ""),
    ]
    # as of a day before the departure, the pupil is still studying (and flagged)
    before = classlist.class_list(small.homeroom, small.class_a, dt.date(2026, 11, 18))
    vasiliev = next(r for r in before if r.student.id == small.pupils[2])
    assert (vasiliev.status_text(), vasiliev.current, vasiliev.no_consent) == (
        "учится",
        True,
        True,
    )


def test_overdue_flag_is_over_thirty_days_of_pupil_and_guardians(small, fixed_today):
    assert fixed_today == dt.date(2026, 11, 28)
    hr = small.homeroom
    roster.verify_student(hr, small.pupils[0], dt.date(2026, 10, 28))  # 31 days: overdue
    roster.verify_student(hr, small.pupils[1], dt.date(2026, 10, 29))  # 30 days: not yet
    roster.verify_student(hr, small.pupils[2], fixed_today)
    # pupil 3 verified today, but a guardian added since has never been verified
    roster.verify_student(hr, small.pupils[3], fixed_today)
    guardians.add_guardian(hr, small.pupils[3], {"surname": "Григорьев", "first_name": "Глеб"})
    rows = classlist.class_list(hr, small.class_a)
    assert [(r.student.verified_on, r.overdue) for r in rows] == [
        (dt.date(2026, 10, 28), True),
        (dt.date(2026, 10, 29), False),
        (fixed_today, False),
        (fixed_today, True),
    ]
    # the pupil's card fresh but the mother's stale (verified earlier, linked to a sibling)
    guardians.link_guardian(hr, small.pupils[2], small.guardian_id, "мать")
    assert [r.overdue for r in classlist.class_list(hr, small.class_a)][2] is True
    roster.verify_student(hr, small.pupils[2])  # stamps the mother too
    assert [r.overdue for r in classlist.class_list(hr, small.class_a)] == [
        True,  # the mother is fresh now, but pupil 0's own card is still from 28.10
        False,
        False,
        True,
    ]


def test_class_duties_count_the_current_pupils(small, fixed_today):
    hr = small.homeroom
    roster.verify_student(hr, small.pupils[0])
    guardians.record_consent(hr, small.pupils[1], "01.09.2026")
    roster.leave_student(hr, small.pupils[3], "20.11.2026")
    duties = classlist.class_duties(hr, small.class_a)
    assert duties == classlist.ClassDuties(
        class_name="5А", pupils=3, no_consent=2, no_guardian=2, no_login=2, overdue=2
    )
    with pytest.raises(PermissionDenied):
        classlist.class_duties(small.other, small.class_a)


def test_overdue_respects_the_setting(small, fixed_today):
    roster.verify_student(small.homeroom, small.pupils[1], dt.date(2026, 10, 29))
    rows = classlist.class_list(small.homeroom, small.class_a)
    assert rows[1].overdue is False
    update_setting(SYSTEM, "verify_overdue_days", "14")
    rows = classlist.class_list(small.homeroom, small.class_a)
    assert rows[1].overdue is True  # 30 days > 14


def test_consent_and_login_flags(small, fixed_today):
    hr = small.homeroom
    guardians.record_consent(hr, small.pupils[0], "02.09.2026", "заявление", small.guardian_id)
    consent = guardians.record_consent(hr, small.pupils[1], "03.09.2026", "заявление")
    accounts.issue_credentials(hr, student_id=small.pupils[2])
    rows = classlist.class_list(hr, small.class_a)
    assert [(r.no_consent, r.no_login) for r in rows] == [
        (False, False),
        (False, True),
        (True, False),
        (True, True),
    ]
    guardians.withdraw_consent(hr, consent.id, fixed_today)  # withdrawn today: not active today
    assert [r.no_consent for r in classlist.class_list(hr, small.class_a)] == [
        False,
        True,
        True,
        True,
    ]
    # the day before the withdrawal it was active
    yesterday = classlist.class_list(hr, small.class_a, dt.date(2026, 11, 27))
    assert [r.no_consent for r in yesterday] == [False, False, True, True]


def test_class_list_is_a_few_bulk_queries(small):
    for i in range(6):  # more pupils, guardians, consents: the same number of queries
        info = roster.add_student(
            small.homeroom, small.class_a, {"surname": f"Новиков{'а' * i}", "first_name": "Ян"}
        )
        guardians.add_guardian(small.homeroom, info.id, {"surname": "Новикова", "first_name": "Ия"})
        guardians.record_consent(small.homeroom, info.id, "01.10.2026")
    rows, sent = count_queries(lambda: classlist.class_list(small.homeroom, small.class_a))
    assert len(rows) == 10
    # the account as it is now, the keeper check, the class with its year, the settings,
    # enrollments with the consent and login flags, the guardian links
    assert len(sent) == 6
    assert "session_epoch" in sent[0]
    _, sent_admin = count_queries(lambda: classlist.class_list(small.admin, small.class_a))
    assert len(sent_admin) == 5  # an admin needs no keeper check


def test_class_list_is_for_the_class_keeper(small):
    with pytest.raises(PermissionDenied):
        classlist.class_list(small.teacher, small.class_a)
    with pytest.raises(PermissionDenied):
        classlist.class_list(small.other, small.class_a)
    with pytest.raises(PermissionDenied):
        classlist.class_list(small.guardian, small.class_a)
    with pytest.raises(PermissionDenied):
        classlist.missing_consents(small.teacher, small.class_a)
    assert len(classlist.class_list(small.admin, small.class_b)) == 1


# --- missing consents ---------------------------------------------------------------------------


def test_missing_consents_lists_current_pupils_with_their_guardians(small):
    hr = small.homeroom
    father = guardians.add_guardian(
        hr, small.pupils[0], {"surname": "Андреев", "first_name": "Павел"}, "отец"
    )
    guardians.record_consent(hr, small.pupils[1], "01.09.2026", "заявление")
    roster.leave_student(hr, small.pupils[3], "20.11.2026")
    missing = classlist.missing_consents(hr, small.class_a)
    assert [(m.student.short_name, [(g.full_name, g.relation) for g in m.guardians]) for m in missing] == [
        ("Андреев Андрей", [("Андреев Павел", "отец"), ("Андреева Ольга", "мать")]),
        ("Васильев Василий", []),
    ]
    guardians.record_consent(hr, small.pupils[0], "02.09.2026", "заявление", father.id)
    assert [m.student.id for m in classlist.missing_consents(hr, small.class_a)] == [small.pupils[2]]


# --- the card -----------------------------------------------------------------------------------


def test_student_card_with_history_guardians_and_consents(small):
    hr = small.homeroom
    pupil = small.pupils[0]
    guardians.record_consent(hr, pupil, "02.09.2026", "заявление № 4", small.guardian_id)
    second = guardians.record_consent(hr, pupil, "10.11.2026", "заявление № 9")
    guardians.withdraw_consent(hr, second.id, "20.11.2026")
    roster.transfer_student(hr, pupil, small.class_b, TRANSFER_DAY)
    card = classlist.student_card(hr, pupil)  # the old homeroom teacher still reads it
    assert card.student.full_name == "Андреев Андрей"
    assert [(h.class_name, h.start, h.end, h.end_reason, h.left_to) for h in card.history] == [
        ("5А", dt.date(2026, 9, 1), dt.date(2026, 11, 15), "transfer", "5Б"),
        ("5Б", TRANSFER_DAY, None, "", ""),
    ]
    assert (card.class_id, card.class_name, card.may_edit) == (small.class_b, "5Б", False)
    assert [(g.full_name, g.relation) for g in card.guardians] == [("Андреева Ольга", "мать")]
    assert [
        (c.consent.given_on, c.given_by, c.consent.document, c.consent.withdrawn_on) for c in card.consents
    ] == [
        (dt.date(2026, 11, 10), "сам учащийся", "заявление № 9", dt.date(2026, 11, 20)),
        (dt.date(2026, 9, 2), "Андреева Ольга", "заявление № 4", None),
    ]
    assert [c.active_on(dt.date(2026, 11, 28)) for c in card.consents] == [False, True]
    assert len(card.consents_of(small.guardian_id)) == 1
    assert classlist.student_card(small.other, pupil).may_edit is True  # 5Б's teacher
    assert classlist.student_card(small.admin, pupil).may_edit is True
    with pytest.raises(PermissionDenied):
        classlist.student_card(small.teacher, pupil)  # never kept any of the pupil's classes
    with pytest.raises(PermissionDenied):
        classlist.student_card(small.guardian, pupil)
    with pytest.raises(ValidationError, match="Такого учащегося нет"):
        classlist.student_card(small.admin, 999_999)


# --- guardian search ----------------------------------------------------------------------------


def test_find_guardians_by_name_part_and_phone(small):
    hr = small.homeroom
    guardians.add_guardian(
        hr,
        small.pupils[2],
        {"surname": "Васильев", "first_name": "Виктор", "phone": "8 (912) 345-67-89"},
        "отец",
    )
    guardians.add_guardian(
        small.other, small.pupils_b[0], {"surname": "Дмитриева", "first_name": "Дарья"}, "мать"
    )

    def found(query: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(m.guardian.full_name, m.children) for m in classlist.find_guardians(hr, query)]

    mother = ("Андреева Ольга", ("Андреев Андрей, 5А",))
    assert found("андр") == [mother]  # any case, any part of the name
    assert found("АНДРЕЕВА") == [mother]
    assert found("дре") == [mother]
    assert found("ольга андр") == [mother]  # every word must match
    assert found("ольга вас") == []
    assert found("00-01") == [mother]  # part of the phone, separators ignored
    assert found("+7 900") == [mother]
    assert found("9123456789") == [("Васильев Виктор", ("Васильев Василий, 5А",))]
    assert found("дарья") == [("Дмитриева Дарья", ("Дмитриев Дмитрий, 5Б",))]  # any class
    assert found("в") == []  # too short
    assert [name for name, _ in found("ва")] == [
        "Андреева Ольга",
        "Васильев Виктор",
        "Дмитриева Дарья",
    ]
    assert [m.label() for m in classlist.find_guardians(hr, "ольга")] == [
        "Андреева Ольга · +7 900 000-00-01 · дети: Андреев Андрей, 5А"
    ]
    with pytest.raises(PermissionDenied):
        classlist.find_guardians(small.guardian, "андр")


def test_guardian_duplicates_match_surname_name_and_phone(small):
    hr = small.homeroom
    same = {"surname": "андреева", "first_name": "ольга", "phone": "8 900 000 00 01"}
    assert [m.guardian.id for m in classlist.guardian_duplicates(hr, same)] == [small.guardian_id]
    other_phone = {**same, "phone": "+7 900 000-00-02"}
    assert classlist.guardian_duplicates(hr, other_phone) == []
    no_phone = {"surname": "Андреева", "first_name": "Ольга"}
    assert classlist.guardian_duplicates(hr, no_phone) == []
    with pytest.raises(ValidationError, match="Телефон"):
        classlist.guardian_duplicates(hr, {**same, "phone": "abc"})


def test_set_relation_corrects_the_link_and_is_audited(small):
    from models.core.schema import AuditEntry, StudentGuardian

    info = guardians.set_relation(small.homeroom, small.pupils[0], small.guardian_id, "Опекун")
    assert info.relation == "опекун"
    link = StudentGuardian.get(StudentGuardian.guardian == small.guardian_id)
    assert link.relation == "опекун"
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.entity_id) == ("guardian.relation", small.guardian_id)
    with pytest.raises(ValidationError, match="Степень родства"):
        guardians.set_relation(small.homeroom, small.pupils[0], small.guardian_id, "сосед")
    with pytest.raises(PermissionDenied):
        guardians.set_relation(small.other, small.pupils[0], small.guardian_id, "мать")
