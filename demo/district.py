"""The demonstration district (issue 20): `journal demo --size district [--schools N]` builds
the school demo once into PostgreSQL, then copies it server-side into N − 1 more schools
(models.school.district.copy_school: one INSERT … SELECT per table), and adds the district
office's account. Each copy's logins carry the suffix «.sK» (K its number), the passwords
are the demo's own."""

from __future__ import annotations

import time
from collections.abc import Callable

from demo.builder import DemoResult, build_demo, stored_logins
from demo.data import SCHOOL_NAME
from models.core import tenancy
from models.core.access import SYSTEM, account_named
from models.core.errors import ValidationError
from models.core.schema import School
from models.core.store import open_store, refresh_statistics
from models.school.district import copy_school, create_district_admin

DISTRICT_LOGIN, DISTRICT_PASSWORD = "rono", "demo-district-1"
DEFAULT_SCHOOLS = 10
MAX_SCHOOLS = 200


def school_name(number: int) -> str:
    """The K-th demo school's name: «… № 7» first, then № 8, № 9, …"""
    return SCHOOL_NAME.replace("№ 7", f"№ {6 + number}")


def build_district(
    url: str | None,
    schools: int = DEFAULT_SCHOOLS,
    progress: Callable[[str], object] | None = None,
    size: str = "school",
) -> DemoResult:
    """Make sure the store at `url` (PostgreSQL) holds the demo district of `schools` schools,
    each a copy of the demo school of `size` (the tests' is "small")."""
    say = progress or (lambda _text: None)
    if not 1 <= schools <= MAX_SCHOOLS:
        raise ValidationError(f"Школ в демонстрационном районе: от 1 до {MAX_SCHOOLS}.")
    started = time.perf_counter()
    location = open_store(url, create=True)
    if location.kind == "sqlite":
        raise ValidationError(
            "Демонстрационный район строится в PostgreSQL: укажите --db postgresql://… (в файле SQLite — одна школа)."
        )
    with tenancy.district():
        existing = list(School.select(School.id, School.name).order_by(School.id).tuples())
    if existing:  # built before: the first school is the demo's, or this is no demo district
        with tenancy.within(existing[0][0]):
            logins = stored_logins()
        if logins is None:
            raise ValidationError(
                f"В базе {location.describe()} уже есть школы, и они не демонстрационные: "
                "для демо укажите другую базу (--db)."
            )
        result = DemoResult(location.describe(), logins, 0.0)
    else:
        result = build_demo(url, size=size, progress=say)
    with tenancy.district():
        first = School.select(School.id).order_by(School.id).first().id
        count = School.select().count()
    for number in range(count + 1, schools + 1):
        copy_school(SYSTEM, first, school_name(number), f".s{number}")
        say(f"Школа {number} из {schools} скопирована ({time.perf_counter() - started:.0f} с).")
    refresh_statistics()
    if account_named(DISTRICT_LOGIN) is None:
        create_district_admin(SYSTEM, DISTRICT_LOGIN, DISTRICT_PASSWORD)
    tenancy.enter(None)  # a district's login screen: no school until someone logs in
    office = {
        "role": "district",
        "login": DISTRICT_LOGIN,
        "password": DISTRICT_PASSWORD,
        "name": "Управление образования",
    }
    seconds = round(time.perf_counter() - started, 1) if count < schools else 0.0
    return DemoResult(location.describe(), [office, *result.logins], seconds)
