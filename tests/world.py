"""The school every permission and bad-input test starts from: the small school with a lesson
of marks and absences, a consent, a spare pupil, setup targets and stale administrators'
sessions, built once per backend; each test runs in a transaction rolled back afterwards."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

import pytest

from models.core import tenancy
from models.core.access import Actor
from models.core.db import database
from models.core.schema import ALL_MODELS, Absence
from models.journal import entries
from models.people import accounts, guardians, roster, sshkeys
from models.school.classes import create_class
from models.school.subjects import create_subject
from models.school.timetable import set_slot
from tests.factory import PAST_DAY, SmallSchool, build_small_school
from tests.shared import built_once

HOMEROOM_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDlvbIORpH2TWNMS5bZvweWvKWWaVYrPmZ0lWYtjs3WJ ivanova@pc"
SECOND_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIVNvsiC6cxg6VTIZaFOIciIZ5UitNv6Qgi+eiF6zD6 ivanova@home"


@dataclass
class World:
    """The small school plus the targets the calls act on (all in 5А unless named)."""

    s: SmallSchool
    lesson: int  # mathematics 5А on PAST_DAY: pupil 1 has a 5, pupil 2 an "н"
    empty_lesson: int  # mathematics 5А, nothing in it
    lesson_b: int  # mathematics 5Б
    russian_lesson: int  # Russian 5А, taught by the homeroom teacher
    absence_id: int  # pupil 2's "н"
    consent_id: int
    spare_pupil: int  # in 5А, nothing recorded: may be removed
    # sessions of administrators opened before their account changed: disabled, demoted to
    # teacher, password reset (by another admin). Each must now be refused everything.
    stale: dict[str, Actor] = field(default_factory=dict)
    baseline: dict[str, list[tuple]] | None = None  # every row as built (see snapshot())
    school_id: int = 0  # the small school's (another school's calls look its rows up in it)

    def actor(self, role: str) -> Actor:
        return getattr(self.s, role)

    def home(self) -> contextlib.AbstractContextManager[None]:
        """Within the small school, whatever the scope of the call (tests/models/test_isolation.py)."""
        return tenancy.within(self.school_id)


def build_world() -> World:
    s = build_small_school()
    lesson = entries.add_lesson(s.teacher, s.math_a, PAST_DAY).id
    entries.set_mark(s.teacher, lesson, s.pupils[1], "5")
    entries.set_absence(s.teacher, lesson, s.pupils[2], "н")
    entries.set_final_mark(s.teacher, s.math_b, s.pupils_b[0], s.q1, "4")  # freezes his 1st-quarter marks
    empty = entries.add_lesson(s.teacher, s.math_a, PAST_DAY).id
    lesson_b = entries.add_lesson(s.teacher, s.math_b, PAST_DAY).id
    russian = entries.add_lesson(s.homeroom, s.russian_a, PAST_DAY).id
    absence_id = Absence.get(Absence.lesson == lesson, Absence.student == s.pupils[2]).id
    consent = guardians.record_consent(
        s.homeroom, s.pupils[0], dt.date(2026, 9, 2), "заявление", s.guardian_id
    )
    spare = roster.add_student(
        s.homeroom, s.class_a, {"surname": "Егоров", "first_name": "Егор"}, dt.date(2026, 11, 9)
    ).id
    # targets of setup.*: an empty class, an unused subject, a timetable entry
    create_class(s.admin, s.year_id, 7, "А")
    create_subject(s.admin, "Черчение")
    set_slot(s.admin, s.class_a, 1, 1, [s.math_a], dt.date(2026, 9, 1))
    sshkeys.add_ssh_key(s.homeroom, HOMEROOM_KEY)  # removed in the matrix
    stale = {}
    for kind, login in (("disabled", "vlasova"), ("demoted", "zotov"), ("reset", "orlov")):
        accounts.create_staff_user(
            s.admin, login, "admin", login.capitalize(), "Ия", password=f"{login}-pass"
        )
        stale[kind] = accounts.authenticate(login, f"{login}-pass").actor  # the session, opened now
    accounts.set_user_active(s.admin, stale["disabled"].user_id, False)
    accounts.update_staff_user(s.admin, stale["demoted"].user_id, role="teacher")
    accounts.reset_password(s.admin, stale["reset"].user_id)
    return World(
        s, lesson, empty, lesson_b, russian, absence_id, consent.id, spare, stale, school_id=tenancy.current()
    )


def build_world_and_baseline() -> World:
    built = build_world()
    built.baseline = snapshot()
    return built


world = built_once(build_world_and_baseline, "world")


@pytest.fixture
def w(world):
    """The shared school; whatever the test writes is rolled back after it."""
    with database.atomic() as txn:
        yield world
        txn.rollback()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to show that a refused call changed nothing at all."""
    return {
        model._meta.table_name: list(model.select().order_by(model._meta.primary_key).tuples())
        for model in ALL_MODELS
    }
