"""The cross-school isolation matrix (issue 20): every service and reading × an account of
another school of the same database. Refused, and nothing of the first school changed.

Two ways in, both covered for every entry:
- the other school's administrator acting in the first school's scope (a process set to the
  wrong school, a forged actor): refused before the service runs (access.OTHER_SCHOOL);
- the other school's administrator in their own school, with the first school's ids (a
  lesson, a pupil, a class, a course): nothing of the first school is found, so nothing of it
  is read or changed, whatever id is given.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest

import models
from models.core import tenancy
from models.core.access import ADMIN, OTHER_SCHOOL, TEACHER, Actor, actor_of
from models.core.errors import JournalError, PermissionDenied
from models.core.schema import ALL_MODELS, School, User
from models.core.service import reading, service
from tests.models.test_permissions import JOURNAL_READS, MATRIX
from tests.world import snapshot, w, world  # noqa: F401 (fixtures)

SYSTEM_CALLS = {  # no acting user of a school: logins (tested in test_schools.py) and the district's
    "accounts._attempt",
    "sshkeys.log_in_with_key",
    "sshkeys.key_may_log_in",
}


def _decorated(module) -> dict[str, object]:
    markers = {service(lambda: None).__code__, reading(lambda: None).__code__}
    return {
        f"{module.__name__.split('.')[-1]}.{name}": fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if getattr(fn, "__code__", None) in markers and inspect.getmodule(inspect.unwrap(fn)) is module
    }


def every_service() -> dict[str, object]:
    found: dict[str, object] = {}
    for info in pkgutil.walk_packages(models.__path__, prefix="models."):
        found |= _decorated(importlib.import_module(info.name))
    return found


SERVICES = every_service()


def _takes_actor(fn) -> bool:
    parameters = list(inspect.signature(inspect.unwrap(fn)).parameters.values())
    return bool(parameters) and parameters[0].name == "actor"


ACTED = sorted(name for name, fn in SERVICES.items() if _takes_actor(fn))


@pytest.fixture
def stranger(w) -> Actor:
    """The administrator of a second school of the same database (rolled back with `w`)."""
    second = School.create(name="Школа № 2").id
    with tenancy.within(second):
        user = User.create(login="stranger", role=ADMIN, surname="Чужой", first_name="Админ")
    return actor_of(user)


def test_the_matrix_reaches_every_service_with_an_actor():
    assert len(ACTED) > 100, ACTED  # services and readings of models/, each taking the actor first
    assert {"entries.set_cell", "diary.week", "analysis.class_analysis"} <= set(ACTED)


@pytest.mark.parametrize("name", ACTED)
def test_another_schools_account_is_refused_in_this_school(w, stranger, name):
    """Called in the first school's scope by the second school's administrator: refused
    before anything is read (the call has no other argument: the refusal comes first)."""
    before = snapshot()
    with pytest.raises(PermissionDenied) as refused:
        SERVICES[name](stranger)  # type: ignore[operator]
    assert refused.value.message == OTHER_SCHOOL
    assert snapshot() == before


# calls that name no row of a school: in the second school they act on the second school's own
ACT_IN_OWN_SCHOOL = {
    "calendar.create_year",
    "subjects.create_subject",
    "subjects.create_work_type",
    "identity.update_setting",
    "accounts.create_staff_user",
    "accounts.list_users",
    "school_sheets.run_import",  # a staff list: the new teacher joins the caller's school
    "credentials.record_export",  # the caller's own export, recorded in their school
}


CALLS = [pytest.param(call, name, id=name) for name, call, _ in MATRIX] + [
    pytest.param(call, name, id=f"read:{name}") for name, call in JOURNAL_READS
]


@pytest.mark.parametrize(("call", "name"), CALLS)
def test_another_school_reaches_no_row_of_this_school_by_id(w, stranger, call, name):
    """The second school's administrator, in their own school, with the first school's ids:
    refused (nothing of the first school is found), or — for a call that names no row — it
    acts in the second school alone. The first school is as it was, row for row."""
    before = snapshot()
    second = stranger.school_id
    with tenancy.within(second):
        try:
            call(w, stranger)
        except JournalError:
            pass
        else:
            assert name.split("/")[0] in ACT_IN_OWN_SCHOOL, f"{name} reached the first school's rows"
    assert snapshot() == before, f"{name} by another school's administrator changed this school"
    with tenancy.district():
        strays = {
            model._meta.table_name
            for model in ALL_MODELS
            if hasattr(model, "_within_school") and model.select().where(model.school.is_null()).exists()
        }
    assert strays <= {"user", "audit_entry", "login_event"}


def test_another_schools_teacher_sees_nothing_by_id(w, stranger):
    """A teacher of the second school asking for the first school's lesson grid or pupil."""
    from models.journal import grid
    from models.reports import diary

    with tenancy.within(stranger.school_id):
        teacher = actor_of(
            User.create(login="stranger2", role=TEACHER, surname="Чужой", first_name="Учитель")
        )
        with pytest.raises(JournalError):
            grid.load_grid(teacher, w.s.math_a, w.s.q1)
        with pytest.raises(JournalError):
            diary.week(teacher, w.s.pupils[0], dt.date(2026, 10, 12))
