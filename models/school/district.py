"""The district: many schools in one PostgreSQL database (issue 20).

The district's administrator (role DISTRICT, an account of no school) creates schools and
their administrators and reads the district's reports; they never edit a school's journal
(access.require_staff refuses them). A school's own services never reach another school:
every act of a school's account is made within its school (access.require_current).

One SQLite file holds one school: a second is refused there, so nothing changes for a
school's administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.core import audit, tenancy
from models.core.access import ADMIN, DISTRICT, SYSTEM, Actor, account_named, actor_of, deny, require_district
from models.core.db import is_sqlite
from models.core.errors import NotFound, ValidationError
from models.core.schema import School, User, WorkType
from models.core.service import reading, service
from models.core.settings import load as load_settings
from models.people.accounts import LOGIN_RE, IssuedCredential
from models.people.passwords import check_new_password, generate_password, hash_password
from models.school.subjects import DEFAULT_WORK_TYPES

ONE_SCHOOL_PER_FILE = (
    "В файле SQLite хранится одна школа, и она уже создана. Школы района работают в одной "
    "базе PostgreSQL (journal init --db postgresql://… --school …)."
)


@dataclass(frozen=True)
class SchoolInfo:
    id: int
    name: str
    admins: tuple[str, ...]  # the logins of its administrators


def _check_free_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN_RE.match(login):
        raise ValidationError(
            "Логин: 3–32 символа, латинские строчные буквы, цифры, точка, дефис или подчёркивание."
        )
    if account_named(login) is not None:
        raise ValidationError(f"Логин «{login}» уже занят.")
    return login


def found_school(
    name: str, admin_login: str, admin_password: str | None, surname: str, *, by: Actor
) -> IssuedCredential:
    """A new, empty school with its work types and first administrator (inside a service's
    transaction); without a password the administrator's is a one-time one, changed at the
    first login. SQLite: refused when the file has a school."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Укажите название школы.")
    with tenancy.district():
        existing = [school for (school,) in School.select(School.name).tuples()]
    if existing and is_sqlite():
        raise ValidationError(ONE_SCHOOL_PER_FILE)
    if name.lower() in (school.lower() for school in existing):
        raise ValidationError(f"Школа «{name}» в районе уже есть.")
    login = _check_free_login(admin_login)
    if admin_password is not None:
        check_new_password(admin_password, login)
    school = School.create(name=name)
    with tenancy.within(school.id):
        for wt_name, weight, is_default in DEFAULT_WORK_TYPES:
            WorkType.create(name=wt_name, weight=weight, is_default=is_default)
        secret = admin_password if admin_password is not None else generate_password()
        admin = User.create(
            login=login,
            role=ADMIN,
            surname=surname,
            first_name="школы",
            password_hash=hash_password(secret, load_settings()),
            must_change_password=admin_password is None,
        )
        audit.record(by, "school.init", "school", school.id, new={"name": name, "admin": login})
    return IssuedCredential(admin.id, login, secret, actor_of(admin).name, ADMIN, school.id)


@service
def add_school(
    actor: Actor, name: str, admin_login: str, admin_password: str | None = None
) -> IssuedCredential:
    """The district's administrator adds a school and its first administrator (a one-time
    password without `admin_password`, shown once)."""
    require_district(actor)
    return found_school(name, admin_login, admin_password, "Администратор", by=actor)


@service
def reset_school_admin(actor: Actor, school_id: int, login: str) -> IssuedCredential:
    """A new one-time password for a school's administrator (the district office's help
    when a school has locked itself out); their open sessions end."""
    require_district(actor)
    school = _school(school_id)
    with tenancy.within(school.id):
        user = User.get_or_none((User.login == login.strip().lower()) & (User.role == ADMIN))
        if user is None:
            raise NotFound(f"В школе «{school.name}» нет администратора «{login.strip()}».")
        secret = generate_password()
        User.update(
            password_hash=hash_password(secret, load_settings()),
            must_change_password=True,
            active=True,
            failed_attempts=0,
            locked_until=None,
            failed_at=None,
            session_epoch=User.session_epoch + 1,
        ).where(User.id == user.id).execute()
        audit.record(actor, "user.reset_password", "user", user.id, new={"login": user.login})
    return IssuedCredential(user.id, user.login, secret, actor_of(user).name, ADMIN, school.id)


def _school(school_id: int) -> School:
    school = School.get_or_none(School.id == school_id)
    if school is None:
        raise NotFound("Такой школы в районе нет.")
    return school


@reading
def list_schools(actor: Actor) -> list[SchoolInfo]:
    """The district's schools by name, each with its administrators' logins."""
    require_district(actor)
    with tenancy.district():
        admins: dict[int, list[str]] = {}
        for school_id, login in (
            User.select(User.school, User.login)
            .where((User.role == ADMIN) & User.school.is_null(False))
            .order_by(User.login)
            .tuples()
        ):
            admins.setdefault(school_id, []).append(login)
        schools = list(School.select().order_by(School.name))
    return [SchoolInfo(s.id, s.name, tuple(admins.get(s.id, ()))) for s in schools]


@service
def create_district_admin(actor: Actor, login: str, password: str, surname: str = "Администратор") -> int:
    """An account of the district's office (the command line: journal init --district)."""
    if actor.user_id != SYSTEM.user_id:
        raise deny("Администратора района создают командой journal init --district.")
    if is_sqlite():
        raise ValidationError("Район работает в базе PostgreSQL: в файле SQLite — одна школа.")
    login = _check_free_login(login)
    check_new_password(password, login)
    with tenancy.district():
        user = User.create(
            school=None,
            login=login,
            role=DISTRICT,
            surname=surname,
            first_name="района",
            password_hash=hash_password(password, load_settings()),
            must_change_password=False,
        )
        audit.record(actor, "user.create", "user", user.id, new={"login": login, "role": DISTRICT})
    return user.id
