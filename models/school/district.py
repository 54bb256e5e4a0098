"""The district: many schools in one PostgreSQL database (issue 20).

The district's administrator (role DISTRICT, an account of no school) creates schools and
their administrators and reads the district's reports; they never edit a school's journal
(access.require_staff refuses them). A school's own services never reach another school:
every act of a school's account is made within its school (access.require_current).

One SQLite file holds one school: a second is refused there, so nothing changes for a
school's administrator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import ForeignKeyField, sort_models  # type: ignore[attr-defined]

from models.core import audit, tenancy
from models.core.access import ADMIN, DISTRICT, SYSTEM, Actor, actor_of, deny, require_district
from models.core.db import database, is_sqlite
from models.core.errors import NotFound, ValidationError
from models.core.locks import take_turn
from models.core.schema import ALL_MODELS, School, SchoolOwned, User, WorkType
from models.core.service import reading, service
from models.core.settings import load as load_settings
from models.people.accounts import LOGIN_RE, IssuedCredential, check_free_login
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


def found_school(
    name: str, admin_login: str, admin_password: str | None, surname: str, *, by: Actor
) -> IssuedCredential:
    """A new, empty school with its work types and first administrator (inside a service's
    transaction); without a password the administrator's is a one-time one, changed at the
    first login. SQLite: refused when the file has a school."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Укажите название школы.")
    take_turn("district.school-names")  # two offices adding the same name at once: one waits
    with tenancy.district():
        existing = [school for (school,) in School.select(School.name).tuples()]
    if existing and is_sqlite():
        raise ValidationError(ONE_SCHOOL_PER_FILE)
    if name.lower() in (school.lower() for school in existing):
        raise ValidationError(f"Школа «{name}» в районе уже есть.")
    login = check_free_login(admin_login)
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
    when a school has locked itself out): the account is enabled and unlocked again, its
    open sessions end."""
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
        schools = sorted(School.select(), key=lambda s: natural_order(s.name))
    return [SchoolInfo(s.id, s.name, tuple(admins.get(s.id, ()))) for s in schools]


def natural_order(name: str) -> tuple:
    """«№ 8» before «№ 10»: digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name))


@service
def create_district_admin(actor: Actor, login: str, password: str, surname: str = "Администратор") -> int:
    """An account of the district's office (the command line: journal init --district)."""
    if actor.user_id != SYSTEM.user_id:
        raise deny("Администратора района создают командой journal init --district.")
    if is_sqlite():
        raise ValidationError("Район работает в базе PostgreSQL: в файле SQLite — одна школа.")
    login = check_free_login(login)
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


def _copy_table(model, source: int, school: int, offsets: dict[str, int], suffix: str) -> int:
    """One table's rows of `source` as `school`'s: ids shifted by the table's offset, each
    reference by its table's (a reference to another school, arrival.from_school, as it is),
    logins suffixed (unique across the district). One statement."""
    table = model._meta.table_name
    columns, values = [], []
    for f in model._meta.sorted_fields:
        column = f'"{f.column_name}"'
        columns.append(column)
        if f.name == "school":
            values.append(str(int(school)))
        elif f is model._meta.primary_key:
            values.append(f"{column} + {offsets[table]}")
        elif isinstance(f, ForeignKeyField) and f.rel_model is not School:
            values.append(f"{column} + {offsets[f.rel_model._meta.table_name]}")
        elif model is User and f.name == "login":
            values.append(f"{column} || '{suffix}'")
        else:
            values.append(column)
    sql = (
        f'INSERT INTO "{table}" ({", ".join(columns)}) SELECT {", ".join(values)} '
        f'FROM "{table}" WHERE school_id = {int(source)}'
    )
    return database.execute_sql(sql).rowcount


@service
def copy_school(actor: Actor, source_id: int, name: str, suffix: str) -> int:
    """A copy of a whole school under a new name, every row of it (the demo district and its
    benchmark: 60 schools from one, in seconds each, on PostgreSQL). Logins get `suffix`, the
    same passwords. Returns the new school's id. The command line's only (SYSTEM)."""
    if actor.user_id != SYSTEM.user_id:
        raise deny("Копию школы делает только демонстрационный район (journal demo --size district).")
    if is_sqlite():
        raise ValidationError(ONE_SCHOOL_PER_FILE)
    if not LOGIN_RE.match("a" * 3 + suffix) or len(suffix) > 8:
        raise ValidationError("Суффикс логинов: до 8 латинских букв, цифр, точек или дефисов.")
    owned = [m for m in ALL_MODELS if issubclass(m, SchoolOwned)]
    with tenancy.district():
        school = School.create(name=" ".join(name.split()))
        # each table's rows land above its highest id; every reference moves with its table
        shift = {m._meta.table_name: _highest(m) - _lowest(m, source_id) + 1 for m in owned}
        for model in sort_models(owned):  # referenced tables first
            _copy_table(model, source_id, school.id, shift, suffix)
        for model in owned:
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
            )
        audit.record(actor, "school.copy", "school", school.id, new={"from": source_id, "name": school.name})
    return school.id


def _highest(model) -> int:
    (top,) = database.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.table_name}"').fetchone()
    return int(top)


def _lowest(model, source_id: int) -> int:
    (low,) = database.execute_sql(
        f'SELECT COALESCE(MIN(id), 1) FROM "{model._meta.table_name}" WHERE school_id = {int(source_id)}'
    ).fetchone()
    return int(low)
