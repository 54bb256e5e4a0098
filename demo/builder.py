"""A demonstration school, filled the way a real one fills up from 1 September to today.

`journal demo` calls `build_demo()`. An existing demo store is reused (its logins are kept
in the Setting "demo.logins"); otherwise a school is built in one transaction, so a failed
build leaves no half-made school behind:

- staff, the year, subjects, classes, homerooms, teaching load, subgroups, the weekly
  timetable, the pupils' moves (arrivals, departures, a transfer) and the diary accounts go
  through the services in models/, audited as the administrator or the homeroom teacher;
- the bulk of the journal (lessons with their closing state, marks, absences, final marks,
  the courses' calendar-thematic plans, subgroup membership and, for the whole-school size,
  pupils, guardians, enrollments and consents) is inserted in chunks, with one audit entry
  "demo.build" saying so.

The journal runs from 1 September to today (`full_year`: to the end of the last period, as
if the year were over: for measurements). Marks follow strong, average and weak pupils; the
periods that have ended get the suggested period marks (and the year mark once the year is
over); absences tell the weekly excuse story (н → б/у with a document, some never excused);
a few lessons lack a topic or marks, and one careless course lacks its latest period marks,
so the control reports have something to find. Grade 1 gets no marks (безотметочное
обучение), as in a real school. Lessons are closed the way teachers close them (demo.closing):
most on their day, a few days late, some never, and some of today's not yet; every course has
a КТП for the whole year that its lessons follow (demo.ktp; the careless course lags behind).

Random choices come from fixed seeds, one stream per stage, so the people and logins are the
same on every build and the journal is the same for the same day (the clock's today).

The build's stages, in the order of `_Builder.run`: demo.timetable (classes, teaching load,
subgroups, the weekly timetable), demo.people (staff, families, pupils and their moves, the
subgroups' members), demo.journal (lessons, marks, absences, final marks; the lessons' closing
from demo.closing), demo.ktp (the courses' plans); their fixed facts in demo.data, the plan's
objects and the state they share (DemoSchool) in demo.plan.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from demo.data import EXTRA_DIARY_ACCOUNTS, PASSWORDS, PUBLIC_HOLIDAYS, SCHOOL_NAME, SEED, SIZES, SUBJECTS
from demo.journal import fill_journal, final_marks
from demo.ktp import create_plans
from demo.people import (
    adult_name,
    class_keeper,
    create_people,
    create_staff,
    guardian_keeper,
    initial_pupils,
    plan_people,
    printed_teacher,
    subgroup_members,
)
from demo.plan import DemoSchool
from demo.timetable import create_classes, create_timetable, plan_classes, plan_teachers, plan_timetable
from models.core import audit
from models.core.access import SYSTEM, Actor, actor_of
from models.core.db import database
from models.core.errors import ValidationError
from models.core.schema import Setting, User, WorkType
from models.core.store import is_initialized, open_store, refresh_statistics
from models.people import accounts
from models.school.calendar import create_year, periods_for_grade
from models.school.identity import DEMO_LOGINS_KEY, demo_logins, init_school
from models.school.subjects import create_subject

LOGINS_KEY = DEMO_LOGINS_KEY


@dataclass(frozen=True)
class DemoResult:
    db: str  # where the store is (a path, or the URL without its password)
    logins: list[dict]  # {"role", "login", "password", "name"} in ROLE_ORDER
    seconds: float = 0.0  # build time; 0 when an existing demo was reused

    def as_dict(self) -> dict:
        return {"db": self.db, "logins": [dict(item) for item in self.logins]}


def build_demo(
    url: str | None,
    size: str = "small",
    full_year: bool = False,
    progress: Callable[[str], object] | None = None,
) -> DemoResult:
    """Open (or create) the store at `url` and make sure it holds the demo school."""
    if size not in SIZES:
        raise ValidationError(f"Размер демонстрационной школы: {' или '.join(SIZES)}.")
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    location = open_store(url, create=True)
    if is_initialized():
        logins = stored_logins()
        if logins is None:
            raise ValidationError(
                f"В базе {location.describe()} уже есть школа, и она не демонстрационная: "
                "для демо укажите другой файл (--db)."
            )
        say(f"Демонстрационная школа уже есть в {location.describe()}: используем её.")
        return DemoResult(location.describe(), logins, 0.0)
    say(f"Создаём демонстрационную школу в {location.describe()}…")
    with database.atomic():
        logins = _Builder(size, full_year, say).run()
    refresh_statistics()  # the planner's statistics of the tables just filled
    seconds = round(time.perf_counter() - started, 1)
    say(f"Готово за {seconds:.1f} с.")
    return DemoResult(location.describe(), logins, seconds)


def stored_logins() -> list[dict] | None:
    return demo_logins() or None


def _school_days(quarters: Iterable, start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday–Friday inside the quarters, without public holidays (moved off weekends)."""
    holidays: set[dt.date] = set()
    for year in (start.year, start.year + 1):
        for month, day in PUBLIC_HOLIDAYS:
            holiday = dt.date(year, month, day)
            holidays.add(holiday)
            if holiday.weekday() >= 5:
                holidays.add(holiday + dt.timedelta(days=7 - holiday.weekday()))
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in holidays and any(q.start <= day <= q.end for q in quarters):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


class _Builder(DemoSchool):
    """The build in the order a school fills up; each stage lives in its module."""

    def run(self) -> list[dict]:
        self.say("Школа, учебный год, предметы…")
        self._school()
        plan_classes(self)
        plan_teachers(self)
        self.say(f"Учителя ({len(self.teachers)}) и их учётные записи…")
        create_staff(self)
        self.say(f"Классы ({len(self.classes)}), нагрузка, подгруппы и расписание…")
        create_classes(self)
        plan_timetable(self)
        create_timetable(self)
        plan_people(self)
        self.say(f"Учащиеся ({len(self.pupils)}) и их родители…")
        create_people(self)
        subgroup_members(self)
        self.say("Уроки, отметки и пропуски с 1 сентября…")
        fill_journal(self)
        self.say("Итоговые отметки за прошедшие периоды…")
        final_marks(self)
        self.say("Календарно-тематические планы (КТП) на год…")
        create_plans(self)
        self.say("Учётные записи дневника и логины для входа…")
        logins = self._accounts()
        self._finish(logins)
        return logins

    def _school(self) -> None:
        rng = random.Random(SEED)
        admin_id = init_school(SCHOOL_NAME, "admin", PASSWORDS["admin"])
        surname, first, patr = adult_name(rng, "ж")
        self.admin_name = f"{surname} {first} {patr}"
        accounts.update_staff_user(SYSTEM, admin_id, surname=surname, first_name=first, patronymic=patr)
        self.admin = actor_of(User.get_by_id(admin_id))
        self.year_id = create_year(self.admin, self.start_year)
        self.subject_ids = {name: create_subject(self.admin, name, short) for name, short in SUBJECTS.items()}
        self.work_types = {wt.name: wt for wt in WorkType.select()}
        self.weights = {wt.id: Decimal(wt.weight) for wt in self.work_types.values()}
        self.default_weight = next(
            (Decimal(wt.weight) for wt in self.work_types.values() if wt.is_default), Decimal(1)
        )
        quarters = [p for p in periods_for_grade(self.year_id, 5) if p.kind == "quarter"]
        last_end = max(
            p.end
            for grade in (5, 10)  # quarters, half-years
            for p in periods_for_grade(self.year_id, grade)
        )
        self.horizon = last_end if self.full_year else min(self.today, last_end)
        year_start = dt.date(self.start_year, 9, 1)
        # the whole year's school days (the plans' dates), and the journal's up to its horizon
        self.year_days = _school_days(quarters, year_start, last_end)
        self.school_days = [d for d in self.year_days if d <= self.horizon]
        # the days that have passed (events and consents never lie in the future)
        self.past_days = [d for d in self.school_days if d <= self.today]
        # the day the journal is "as of": today, or the end of the year for --full-year
        self.as_of = self.horizon if self.full_year else self.today

    def _accounts(self) -> list[dict]:
        c = self.demo_class
        keeper = class_keeper(self, c)
        pupil = self.demo_pupil
        parent = pupil.family.adults[0]
        g_login = self._diary_login(
            guardian_keeper(self, pupil.family, c), PASSWORDS["guardian"], guardian_id=parent.id
        )
        s_login = self._diary_login(keeper, PASSWORDS["student"], student_id=pupil.id)
        # a handful more, with one-time passwords never shown: most have no login yet (R2)
        others = [p for p in initial_pupils(self, c) if p is not pupil and not p.stints[0][2]]
        for p in others[: EXTRA_DIARY_ACCOUNTS // 2]:
            accounts.issue_credentials(keeper, student_id=p.id)
            adult = p.family.adults[0]
            if adult.may_receive_credentials and adult is not parent:
                accounts.issue_credentials(guardian_keeper(self, p.family, c), guardian_id=adult.id)
        homeroom, teacher = c.homeroom, printed_teacher(self)
        return [
            {
                "role": "admin",
                "login": "admin",
                "password": PASSWORDS["admin"],
                "name": self.admin_name,
            },
            {
                "role": "homeroom",
                "login": homeroom.login,
                "password": PASSWORDS["homeroom"],
                "name": homeroom.name,
            },
            {
                "role": "teacher",
                "login": teacher.login,
                "password": PASSWORDS["teacher"],
                "name": teacher.name,
            },
            {
                "role": "guardian",
                "login": g_login,
                "password": PASSWORDS["guardian"],
                "name": f"{parent.surname} {parent.first_name} {parent.patronymic}",
            },
            {
                "role": "student",
                "login": s_login,
                "password": PASSWORDS["student"],
                "name": pupil.name,
            },
        ]

    def _diary_login(self, keeper: Actor, password: str, **person: int) -> str:
        """Issue a diary login and set its known password, as the person would on first login."""
        issued = accounts.issue_credentials(keeper, **person)
        accounts.change_password(actor_of(User.get_by_id(issued.user_id)), issued.password, password)
        return issued.login

    def _finish(self, logins: list[dict]) -> None:
        Setting.insert(key=LOGINS_KEY, value=json.dumps(logins, ensure_ascii=False)).execute()
        audit.record(
            SYSTEM,
            "demo.build",
            "school",
            None,
            new={
                "size": self.size,
                "full_year": self.full_year,
                "as_of": self.as_of,
                "bulk": (
                    "уроки (и их закрытие), отметки, пропуски, итоговые отметки, КТП и состав подгрупп"
                    + (", учащиеся, родители, зачисления и согласия" if self.size == "school" else "")
                    + " вставлены пакетно, без записи о каждой строке"
                ),
                "timetable_gaps": self.timetable_gaps,
                **self.counts,
            },
        )
