"""Who may do what, for every write service in models/ (R17, R18, R19; models/core/access.py).

The whole role × action matrix: each write service is called by the admin, the homeroom
teacher of 5А, the subject teacher of mathematics in 5А, an unrelated teacher (homeroom of
5Б, no mathematics in 5А), a pupil and a guardian. An allowed call writes and audits under
the caller's name; a denied one raises PermissionDenied and leaves every table as it was.

For speed the school is built once per backend (`world`) and every test runs inside a
transaction that is rolled back afterwards (`w`), so each call starts from the same state.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest

import models
from models.core.access import ACCOUNT_DISABLED, PASSWORD_REPLACED, ROLE_CHANGED, SYSTEM, Actor
from models.core.errors import PermissionDenied, SessionEnded
from models.core.schema import AuditEntry, DiaryView
from models.core.service import service
from models.imports import class_list as importing
from models.imports import school_sheets as setup_import
from models.imports.lesson_plan import parse_rows
from models.journal import attendance, corrections, entries, grid, plan, subgroups
from models.journal.entries import Cell, MarkEntry
from models.people import accounts, credentials, guardians, roster, sshkeys
from models.reports import diary
from models.school.calendar import (
    add_period,
    close_period,
    close_year,
    create_year,
    delete_period,
    list_periods,
    periods_for_grade,
    set_period_dates,
    update_period,
)
from models.school.classes import create_class, delete_class, find_class, set_homeroom, update_class
from models.school.identity import update_setting
from models.school.lessons import generate_lessons, regenerate_future_lessons
from models.school.load import (
    create_course,
    create_subgroups,
    delete_course,
    set_course_teacher,
    set_subgroup_teachers,
)
from models.school.promotion import promote_year
from models.school.subjects import (
    create_subject,
    create_work_type,
    delete_subject,
    delete_work_type,
    list_subjects,
    list_work_types,
    update_subject,
    update_work_type,
)
from models.school.timetable import (
    add_timetable_entry,
    change_day,
    remove_timetable_entry,
    set_slot,
    timetable_entries,
    update_timetable_entry,
)
from tests.factory import PAST_DAY
from tests.world import HOMEROOM_KEY, SECOND_KEY, World, snapshot, w, world  # noqa: F401 (fixtures)

ROLES = ("admin", "homeroom", "teacher", "other", "student", "guardian")
ADMIN = {"admin"}
KEEPER = {"admin", "homeroom"}  # the class's roster, guardians, consents, subgroups, excuses
COURSE = {"admin", "teacher"}  # lessons, marks, final marks of the teacher's own course
ABSENCE = {"admin", "homeroom", "teacher"}  # absences: the lesson's teacher or the homeroom
STAFF = {"admin", "homeroom", "teacher", "other"}
OWN_OF_HOMEROOM = {"admin", "homeroom"}  # the homeroom teacher's own account (ssh keys)


def last_audit_id() -> int:
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    return last.id if last else 0


def _period(w: World, name: str) -> int:
    with w.home():
        return next(p.id for p in list_periods(w.s.year_id) if p.name == name)


def _subject(w: World, name: str) -> int:
    with w.home():
        return next(x.id for x in list_subjects() if x.name == name)


def _work_type(w: World, name: str) -> int:
    with w.home():
        return next(x.id for x in list_work_types() if x.name == name)


def _entry(w: World) -> int:
    with w.home():
        return timetable_entries(w.s.class_a)[0].id


def _class(w: World, name: str) -> int:
    with w.home():
        return find_class(name).id


def _quarter(w: World, number: int) -> int:
    with w.home():
        return periods_for_grade(w.s.year_id, 5)[number - 1].id


def _homeroom_key(w: World) -> int:
    with w.home():
        return sshkeys.list_ssh_keys(w.s.admin, w.s.homeroom.user_id)[0].id


# --- the matrix ---------------------------------------------------------------------------------

Call = Callable[[World, Actor], object]
MATRIX: list[tuple[str, Call, set[str]]] = [
    # school.* — the administrator's
    ("calendar.create_year", lambda w, a: create_year(a, 2027), ADMIN),
    (
        "calendar.update_period",
        lambda w, a: update_period(a, w.s.q2, dt.date(2026, 11, 5), dt.date(2026, 12, 27)),
        ADMIN,
    ),
    ("calendar.close_period", lambda w, a: close_period(a, w.s.q1), ADMIN),
    ("calendar.close_year", lambda w, a: close_year(a, "2026/2027"), ADMIN),
    (
        "corrections.reopen_marks",
        lambda w, a: corrections.reopen_marks(a, w.s.math_b, w.s.pupils_b[0], w.s.q1),
        ADMIN,
    ),
    ("classes.create_class", lambda w, a: create_class(a, w.s.year_id, 6, "А"), ADMIN),
    (
        "classes.set_homeroom",
        lambda w, a: set_homeroom(a, w.s.class_a, w.s.other.user_id),
        ADMIN,
    ),
    ("subjects.create_subject", lambda w, a: create_subject(a, "История"), ADMIN),
    ("subjects.create_work_type", lambda w, a: create_work_type(a, "Зачёт", "2"), ADMIN),
    # subgroups: the homeroom teacher too (setting subgroups_by_homeroom, on by default)
    (
        "load.create_subgroups",
        lambda w, a: create_subgroups(a, w.s.class_a, w.s.math, 2),
        KEEPER,
    ),
    (
        "load.create_course",
        lambda w, a: create_course(a, w.s.class_b, w.s.russian, w.s.other.user_id),
        ADMIN,
    ),
    (
        "load.set_course_teacher",
        lambda w, a: set_course_teacher(a, w.s.math_a, w.s.other.user_id),
        ADMIN,
    ),
    (
        "timetable.add_timetable_entry",
        lambda w, a: add_timetable_entry(a, w.s.math_a, 1, 2, dt.date(2026, 9, 1)),
        ADMIN,
    ),
    (
        "identity.update_setting",
        lambda w, a: update_setting(a, "min_marks_for_period", "4"),
        ADMIN,
    ),
    # setup.* — the administrator's: the year, classes, subjects, load, timetable, lessons
    (
        "calendar.set_period_dates",
        lambda w, a: set_period_dates(a, w.s.q2, dt.date(2026, 11, 5), dt.date(2026, 12, 27)),
        ADMIN,
    ),
    (
        "calendar.add_period",
        lambda w, a: add_period(
            a, w.s.year_id, "trimester", dt.date(2027, 6, 1), dt.date(2027, 6, 30), 1, 11
        ),
        ADMIN,
    ),
    ("calendar.delete_period", lambda w, a: delete_period(a, _period(w, "2 полугодие")), ADMIN),
    ("classes.update_class", lambda w, a: update_class(a, w.s.class_b, 5, "В"), ADMIN),
    ("classes.delete_class", lambda w, a: delete_class(a, _class(w, "7А")), ADMIN),
    (
        "subjects.update_subject",
        lambda w, a: update_subject(a, w.s.math, "Математика", "Мат."),
        ADMIN,
    ),
    ("subjects.delete_subject", lambda w, a: delete_subject(a, _subject(w, "Черчение")), ADMIN),
    (
        "subjects.update_work_type",
        lambda w, a: update_work_type(a, _work_type(w, "Контрольная работа"), "Контрольная работа", "3"),
        ADMIN,
    ),
    (
        "subjects.delete_work_type",
        lambda w, a: delete_work_type(a, _work_type(w, "Проверочная работа")),
        ADMIN,
    ),
    ("load.delete_course", lambda w, a: delete_course(a, w.s.english_a1), ADMIN),
    (
        "load.set_subgroup_teachers",
        lambda w, a: set_subgroup_teachers(
            a, w.s.class_a, w.s.english, [w.s.other.user_id, w.s.homeroom.user_id]
        ),
        ADMIN,
    ),
    (
        "timetable.set_slot",
        lambda w, a: set_slot(a, w.s.class_a, 2, 3, [w.s.russian_a], dt.date(2026, 11, 30)),
        ADMIN,
    ),
    (
        "timetable.update_timetable_entry",
        lambda w, a: update_timetable_entry(a, _entry(w), dt.date(2026, 9, 1), dt.date(2026, 12, 28)),
        ADMIN,
    ),
    ("timetable.remove_timetable_entry", lambda w, a: remove_timetable_entry(a, _entry(w)), ADMIN),
    ("lessons.generate_lessons", lambda w, a: generate_lessons(a, w.s.class_a, w.s.q2), ADMIN),
    (
        "lessons.regenerate_future_lessons",
        lambda w, a: regenerate_future_lessons(a, w.s.class_a, dt.date(2026, 11, 30)),
        ADMIN,
    ),
    (
        "timetable.change_day",
        lambda w, a: change_day(a, w.s.class_a, dt.date(2026, 11, 30), 1, [w.s.russian_a]),
        ADMIN,
    ),
    ("promotion.promote_year", lambda w, a: promote_year(a, w.s.year_id), ADMIN),
    (
        "school_sheets.run_import",
        lambda w, a: setup_import.run_import(
            a, setup_import.parse_rows("staff", [["Фамилия", "Имя"], ["Новиков", "Олег"]])
        ),
        ADMIN,
    ),
    # accounts.* — staff accounts are the admin's, diary credentials the homeroom teacher's
    (
        "accounts.create_staff_user",
        lambda w, a: accounts.create_staff_user(a, "novikov", "teacher", "Новиков", "Олег"),
        ADMIN,
    ),
    (
        "accounts.update_staff_user",
        lambda w, a: accounts.update_staff_user(a, w.s.teacher.user_id, patronymic="Иванович"),
        ADMIN,
    ),
    (
        "accounts.set_user_active",
        lambda w, a: accounts.set_user_active(a, w.s.teacher.user_id, False),
        ADMIN,
    ),
    ("accounts.unlock_user", lambda w, a: accounts.unlock_user(a, w.s.teacher.user_id), ADMIN),
    (
        "accounts.reset_password",
        lambda w, a: accounts.reset_password(a, w.s.teacher.user_id),
        ADMIN,
    ),
    ("accounts.list_users", lambda w, a: accounts.list_users(a), ADMIN),
    # an export of personal data is recorded by whoever on the staff makes it (152-FZ)
    (
        "credentials.record_export",
        lambda w, a: credentials.record_export(a, "slips", "5А", 4),
        STAFF,
    ),
    (
        "accounts.issue_credentials/student",
        lambda w, a: accounts.issue_credentials(a, student_id=w.s.pupils[1]),
        KEEPER,
    ),
    (
        "accounts.issue_credentials/reissue",
        lambda w, a: accounts.issue_credentials(a, student_id=w.s.pupils[0]),
        KEEPER,
    ),
    (
        "accounts.issue_credentials/guardian",
        lambda w, a: accounts.issue_credentials(a, guardian_id=w.s.guardian_id),
        KEEPER,
    ),
    # roster.* — the class's homeroom teacher
    (
        "roster.add_student",
        lambda w, a: roster.add_student(
            a, w.s.class_a, {"surname": "Жуков", "first_name": "Женя"}, dt.date(2026, 11, 16)
        ),
        KEEPER,
    ),
    (
        "roster.update_student",
        lambda w, a: roster.update_student(a, w.s.pupils[1], {"phone": "+7 900 111-22-33"}),
        KEEPER,
    ),
    (
        "roster.transfer_student",
        lambda w, a: roster.transfer_student(a, w.s.pupils[3], w.s.class_b, dt.date(2026, 11, 16)),
        KEEPER,
    ),
    (
        "roster.leave_student",
        lambda w, a: roster.leave_student(a, w.s.pupils[3], dt.date(2026, 11, 20), "школа №2"),
        KEEPER,
    ),
    ("roster.remove_student", lambda w, a: roster.remove_student(a, w.spare_pupil), KEEPER),
    ("roster.verify_student", lambda w, a: roster.verify_student(a, w.s.pupils[1]), KEEPER),
    # guardians.* — the class's homeroom teacher
    (
        "guardians.add_guardian",
        lambda w, a: guardians.add_guardian(
            a, w.s.pupils[1], {"surname": "Борисов", "first_name": "Борис"}, "отец"
        ),
        KEEPER,
    ),
    (
        "guardians.link_guardian",
        lambda w, a: guardians.link_guardian(a, w.s.pupils[1], w.s.guardian_id, "мать"),
        KEEPER,
    ),
    (
        "guardians.unlink_guardian",
        lambda w, a: guardians.unlink_guardian(a, w.s.pupils[0], w.s.guardian_id),
        KEEPER,
    ),
    (
        "guardians.update_guardian",
        lambda w, a: guardians.update_guardian(a, w.s.guardian_id, {"phone": "+7 900 000-00-02"}),
        KEEPER,
    ),
    (
        "guardians.record_consent",
        lambda w, a: guardians.record_consent(a, w.s.pupils[1], dt.date(2026, 9, 3)),
        KEEPER,
    ),
    (
        "guardians.withdraw_consent",
        lambda w, a: guardians.withdraw_consent(a, w.consent_id, dt.date(2026, 11, 20)),
        KEEPER,
    ),
    (
        "guardians.set_relation",
        lambda w, a: guardians.set_relation(a, w.s.pupils[0], w.s.guardian_id, "опекун"),
        KEEPER,
    ),
    # subgroups.*
    (
        "subgroups.assign_subgroup",
        lambda w, a: subgroups.assign_subgroup(a, w.s.subgroup_ids[1], w.s.pupils[0], w.s.q2),
        KEEPER,
    ),
    (
        "subgroups.unassign_subgroup",
        lambda w, a: subgroups.unassign_subgroup(a, w.s.class_a, w.s.english, w.s.pupils[0], w.s.q2),
        KEEPER,
    ),
    (
        "subgroups.copy_previous_split",  # into the 3rd quarter, from the 2nd
        lambda w, a: subgroups.copy_previous_split(a, w.s.class_a, w.s.english, _quarter(w, 3)),
        KEEPER,
    ),
    (
        "subgroups.split_evenly",
        lambda w, a: subgroups.split_evenly(a, w.s.class_a, w.s.english, w.s.q2),
        KEEPER,
    ),
    # importing.* — a class list: the class's keeper
    (
        "class_list.import_roster",
        lambda w, a: importing.import_roster(
            a, w.s.class_a, [importing.ImportRow(2, {"surname": "Новиков", "first_name": "Ной"})]
        ),
        KEEPER,
    ),
    # entries.* — lessons, marks and final marks: the course's teacher; absences: also the
    # homeroom teacher; excuses: the homeroom teacher
    (
        "entries.add_lesson",
        lambda w, a: entries.add_lesson(a, w.s.math_a, dt.date(2026, 11, 23)),
        COURSE,
    ),
    (
        "entries.update_lesson",
        lambda w, a: entries.update_lesson(a, w.lesson, topic="Дроби", homework="№ 12"),
        COURSE,
    ),
    ("entries.delete_lesson", lambda w, a: entries.delete_lesson(a, w.empty_lesson), COURSE),
    # plan.* — closing a lesson and the course's plan (КТП): the course's teacher
    ("plan.confirm_attendance", lambda w, a: plan.confirm_attendance(a, w.empty_lesson), COURSE),
    (
        "plan.import_plan",
        lambda w, a: plan.import_plan(
            a, [w.s.math_a], parse_rows([["№", "Тема"], [1, "Дроби"], [2, "Проценты"]])
        ),
        COURSE,
    ),
    ("entries.set_mark", lambda w, a: entries.set_mark(a, w.lesson, w.s.pupils[0], "5"), COURSE),
    (
        "entries.set_mark/second",
        lambda w, a: entries.set_mark(a, w.lesson, w.s.pupils[1], "4", add=True),
        COURSE,
    ),
    (
        "entries.set_mark/own course of the homeroom teacher",
        lambda w, a: entries.set_mark(a, w.russian_lesson, w.s.pupils[0], "4"),
        KEEPER,
    ),
    (
        "entries.set_cell/marks",
        lambda w, a: entries.set_cell(a, w.lesson, w.s.pupils[0], Cell((MarkEntry(4),))),
        COURSE,
    ),
    (
        "entries.set_cell/absence",
        lambda w, a: entries.set_cell(a, w.lesson, w.s.pupils[3], Cell(absence="н")),
        ABSENCE,
    ),
    (
        "entries.set_absence",
        lambda w, a: entries.set_absence(a, w.lesson, w.s.pupils[3], "н"),
        ABSENCE,
    ),
    (
        "entries.set_absence/5Б",  # the homeroom of 5Б ("other") may, the one of 5А may not
        lambda w, a: entries.set_absence(a, w.lesson_b, w.s.pupils_b[0], "б"),
        {"admin", "teacher", "other"},
    ),
    (
        "entries.clear_cell/absence",
        lambda w, a: entries.clear_cell(a, w.lesson, w.s.pupils[2]),
        ABSENCE,
    ),
    (
        "entries.clear_cell/mark",
        lambda w, a: entries.clear_cell(a, w.lesson, w.s.pupils[1], reason="ошибка при вводе"),
        COURSE,
    ),
    (
        "entries.excuse_absences",
        lambda w, a: entries.excuse_absences(a, [w.absence_id], "б", "справка №12 от 15.10"),
        KEEPER,
    ),
    (
        "attendance.excuse_days",  # a справка over several days: the class's homeroom teacher
        lambda w, a: attendance.excuse_days(
            a, w.s.class_a, w.s.pupils[2], PAST_DAY, PAST_DAY, "у", "заявление"
        ),
        KEEPER,
    ),
    (
        "attendance.mark_day_absent",  # the whole day: the class's homeroom teacher
        lambda w, a: attendance.mark_day_absent(a, w.s.class_a, w.s.pupils[3], PAST_DAY),
        KEEPER,
    ),
    (
        "entries.set_final_mark/period",
        lambda w, a: entries.set_final_mark(a, w.s.math_a, w.s.pupils[0], w.s.q1, "5"),
        COURSE,
    ),
    (
        "entries.set_final_mark/year",
        lambda w, a: entries.set_final_mark(a, w.s.math_a, w.s.pupils[0], None, "4"),
        COURSE,
    ),
    # sshkeys.* — one's own keys for `journal serve ssh`; an admin anyone's (here: the homeroom's)
    (
        "sshkeys.add_ssh_key",
        lambda w, a: sshkeys.add_ssh_key(a, SECOND_KEY, user_id=w.s.homeroom.user_id),
        OWN_OF_HOMEROOM,
    ),
    (
        "sshkeys.remove_ssh_key",
        lambda w, a: sshkeys.remove_ssh_key(a, _homeroom_key(w)),
        OWN_OF_HOMEROOM,
    ),
    (
        "sshkeys.list_ssh_keys",
        lambda w, a: sshkeys.list_ssh_keys(a, w.s.homeroom.user_id),
        OWN_OF_HOMEROOM,
    ),
]
READS = {"accounts.list_users", "sshkeys.list_ssh_keys"}  # they write nothing

CASES = [
    pytest.param(fn, role, role in allowed, name, id=f"{name}-{role}")
    for name, fn, allowed in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("call", "role", "allowed", "name"), CASES)
def test_permission_matrix(w, call, role, allowed, name):
    """Each call starts from the school as built (the previous test was rolled back)."""
    actor = w.actor(role)
    audit_mark = last_audit_id()
    if allowed:
        call(w, actor)
        written = list(AuditEntry.select().where(AuditEntry.id > audit_mark))
        if name in READS:
            assert written == []
        else:
            assert written, f"{name} by {role} wrote no audit entry"
            assert {entry.user_id for entry in written} == {actor.user_id}
            assert all(entry.action and entry.entity for entry in written)
    else:
        with pytest.raises(PermissionDenied) as denied:
            call(w, actor)
        assert any("а" <= ch <= "я" for ch in denied.value.message.lower())
        assert snapshot() == w.baseline, f"a refused {name} by {role} changed the store"


STALE_CASES = [
    pytest.param(fn, kind, name, id=f"{name}-{kind}")
    for name, fn, _ in MATRIX
    for kind in ("disabled", "demoted", "reset")
]


@pytest.mark.parametrize(("call", "kind", "name"), STALE_CASES)
def test_a_session_whose_account_changed_is_refused_everything(w, call, kind, name):
    """An administrator's session opened before the account was disabled, demoted or had its
    password reset: every write is refused at once and the store stays as it was (R18)."""
    with pytest.raises(SessionEnded) as ended:
        call(w, w.stale[kind])
    expected = {"disabled": ACCOUNT_DISABLED, "demoted": ROLE_CHANGED, "reset": PASSWORD_REPLACED}[kind]
    assert ended.value.message == expected
    assert snapshot() == w.baseline, f"{name} by a {kind} session changed the store"


def _services_of(module) -> set[str]:
    marker = service(lambda: None).__code__
    return {
        f"{module.__name__.split('.')[-1]}.{name}"
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if getattr(fn, "__code__", None) is marker
        and not name.startswith("_")
        and inspect.getmodule(inspect.unwrap(fn)) is module
    }


# Services outside the matrix, each with the reason. A write service added to models/ makes
# test_the_matrix_covers_every_write_service fail until it is put in MATRIX or here.
EXEMPT = {
    "identity.init_school": "creates the school and its first admin: there is no actor yet",
    "accounts.change_password": "one's own password: test_own_password_for_everyone",
    "diary.record_view": "a reader's own diary view, logged (R6): test_diary_views_are_recorded_for_…",
    "diary.acknowledge_week": "a guardian's own «Ознакомлен(а)» (R6): test_activity.py's tests",
    "sshkeys.log_in_with_key": "a login by key, like authenticate(): no actor yet (tests/system/test_ssh.py)",
    "district.add_school": "the district's, not a school role's: tests/models/test_district.py",
    "district.reset_school_admin": "the district's: tests/models/test_district.py",
    "district.record_district_export": "the district's own export, audited: tests/system/test_cli_district.py",
    "district.copy_school": "the demo district's copy of a school (SYSTEM only): tests/models/test_district.py",
    "moves.move_to_school": "needs a second school (PostgreSQL): tests/models/test_moves.py, "
    "its class keeper only; another school's account refused by test_isolation.py",
    "moves.enrol_arrival": "needs a second school: tests/models/test_moves.py",
    "district.create_district_admin": "the command line's (SYSTEM): tests/models/test_district.py",
    "files.record_file": "one's own file downloaded or uploaded, logged (152-FZ) like a diary view: "
    "tests/system/test_files.py (a disabled account's transfer refused)",
}


def test_the_matrix_covers_every_write_service():
    covered = {name.split("/")[0] for name, _, _ in MATRIX}
    found: set[str] = set()
    for info in pkgutil.walk_packages(models.__path__, prefix="models."):
        found |= _services_of(importlib.import_module(info.name))
    assert {"roster.add_student", "entries.set_cell", "accounts.issue_credentials"} <= found
    missing = found - set(EXEMPT) - covered
    assert missing == set(), f"write services missing from the permission matrix: {missing}"
    assert covered <= found


def test_every_role_has_the_expected_rights_in_total():
    """A summary of the matrix, as the rules in access.py state it."""
    rights = {role: {n for n, _, allowed in MATRIX if role in allowed} for role in ROLES}
    assert rights["admin"] == {n for n, _, _ in MATRIX}
    assert rights["student"] == rights["guardian"] == set()  # R17: no write at all
    journal = {n for n in rights["teacher"] if n != "credentials.record_export"}
    assert all(n.startswith(("entries.", "plan.")) for n in journal)
    assert rights["other"] == {"entries.set_absence/5Б", "credentials.record_export"}


# --- beyond the matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_own_password_for_everyone(w, role):
    """Changing one's own password is the only write a pupil or guardian may make (R2)."""
    actor = w.actor(role)
    old = w.s.passwords[actor.login]
    accounts.change_password(actor, old, "new-secret-2026")
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        actor.user_id,
        "password.change",
        actor.user_id,
    )


def test_subgroups_may_be_reserved_to_the_admin(w):
    update_setting(w.s.admin, "subgroups_by_homeroom", "нет")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        create_subgroups(w.s.homeroom, w.s.class_a, w.s.math, 2)
    assert snapshot() == before
    assert len(create_subgroups(w.s.admin, w.s.class_a, w.s.math, 2)) == 2


def test_homeroom_teacher_may_record_absence_but_not_a_mark_in_one_cell(w):
    """In someone else's lesson the homeroom teacher sets "о", but may not add a mark to it."""
    hr = w.s.homeroom
    entries.set_cell(hr, w.lesson, w.s.pupils[3], Cell(absence="о"))
    with pytest.raises(PermissionDenied):
        entries.set_cell(hr, w.lesson, w.s.pupils[3], Cell((MarkEntry(5),), "о"))
    assert entries.set_cell(hr, w.lesson, w.s.pupils[3], Cell()).after.empty


def test_teacher_who_lost_the_course_loses_the_right(w):
    set_course_teacher(w.s.admin, w.s.math_a, w.s.other.user_id)
    with pytest.raises(PermissionDenied):
        entries.set_mark(w.s.teacher, w.lesson, w.s.pupils[0], "5")
    entries.set_mark(w.s.other, w.lesson, w.s.pupils[0], "5")


def test_former_homeroom_teacher_loses_the_class(w):
    set_homeroom(w.s.admin, w.s.class_a, w.s.other.user_id)
    with pytest.raises(PermissionDenied):
        roster.update_student(w.s.homeroom, w.s.pupils[1], {"phone": "+7 900 111-22-33"})
    change = roster.update_student(w.s.other, w.s.pupils[1], {"phone": "+7 900 111-22-33"})
    assert change.new == {"phone": "+7 900 111-22-33"}


def test_system_actor_audits_without_a_user(w):
    """The SYSTEM actor (command line, demo) is an admin; its audit rows carry no user."""
    mark = last_audit_id()
    create_subject(SYSTEM, "Музыка")
    entry = AuditEntry.get(AuditEntry.id > mark)
    assert entry.user_id is None
    assert entry.action == "subject.create"


def test_diary_views_are_recorded_for_the_readers_own_child_only(w):
    """The one row a pupil or guardian causes: a DiaryView of their own child (R6, R17)."""
    child, stranger = w.s.pupils[0], w.s.pupils[1]
    diary.record_view(w.s.student, child, "open")
    diary.record_view(w.s.guardian, child, "week", "2026-11-23")
    diary.record_view(w.s.homeroom, child, "open")  # staff reading is not parents' activity
    views = [(v.user_id, v.student_id, v.what, v.ref) for v in DiaryView.select()]
    assert views == [
        (w.s.student.user_id, child, "open", ""),
        (w.s.guardian.user_id, child, "week", "2026-11-23"),
    ]
    before = snapshot()
    for reader in (w.s.student, w.s.guardian):
        with pytest.raises(PermissionDenied):
            diary.record_view(reader, stranger, "open")
    assert snapshot() == before


# Reads of the journal: staff only; a pupil or guardian reaches only their own child's diary.
JOURNAL_READS: list[tuple[str, Call]] = [
    ("grid.load_grid", lambda w, a: grid.load_grid(a, w.s.math_a, w.s.q1)),
    (
        "roster.class_roster",
        lambda w, a: roster.class_roster(a, w.s.class_a, dt.date(2026, 9, 1), dt.date(2026, 12, 28)),
    ),
    ("roster.student_history", lambda w, a: roster.student_history(a, w.s.pupils[0])),
    ("attendance.class_day", lambda w, a: attendance.class_day(a, w.s.class_a, PAST_DAY)),
    ("credentials.class_credentials", lambda w, a: credentials.class_credentials(a, w.s.class_a)),
    ("guardians.guardians_of/other child", lambda w, a: guardians.guardians_of(a, w.s.pupils[1])),
    ("diary.week/other child", lambda w, a: diary.week(a, w.s.pupils[1], dt.date(2026, 10, 12))),
    (
        "diary.period_marks/other child",
        lambda w, a: diary.period_marks(a, w.s.pupils[1], w.s.q1),
    ),
]


@pytest.mark.parametrize("role", ["student", "guardian"])
@pytest.mark.parametrize(("call", "name"), [pytest.param(c, n, id=n) for n, c in JOURNAL_READS])
def test_pupils_and_guardians_read_no_journal(w, call, name, role):
    with pytest.raises(PermissionDenied):
        call(w, w.actor(role))


@pytest.mark.parametrize("role", ["student", "guardian"])
def test_pupils_and_guardians_read_their_own_child(w, role):
    reader, child = w.actor(role), w.s.pupils[0]
    days = diary.week(reader, child, dt.date(2026, 10, 12))
    assert any(day.date == PAST_DAY for day in days)
    assert [g.id for g in guardians.guardians_of(reader, child)] == [w.s.guardian_id]
