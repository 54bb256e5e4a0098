"""The demo school's plan as plain objects (teachers, courses, classes, families, pupils), the
state every stage of the build shares (DemoSchool), and the bulk insert the journal's rows go
through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import chunked, fn

from models.core import clock
from models.core.access import Actor
from models.core.errors import ValidationError
from models.core.schema import WorkType
from models.school.calendar import year_start_for

CHUNK_VALUES = 8000  # bound values per INSERT (under both SQLite's and PostgreSQL's limits)


# --- the plan, as plain objects ---------------------------------------------------------------


@dataclass(eq=False)
class PTeacher:
    surname: str
    first_name: str
    patronymic: str
    specialty: str
    load: int = 0
    login: str = ""
    user_id: int = 0

    @property
    def name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"


@dataclass(eq=False)
class PCourse:
    subject: str
    hours: int
    teacher: PTeacher
    group: int | None = None  # subgroup number
    id: int = 0
    sloppy: bool = False  # its teacher skips topics and period marks (R14 finds it)


@dataclass(eq=False)
class PClass:
    grade: int
    letter: str
    id: int = 0
    homeroom: PTeacher | None = None
    courses: list[PCourse] = field(default_factory=list)
    subgroups: dict[str, list[int]] = field(default_factory=dict)  # subject → subgroup ids
    timetable: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # weekday → …
    periods: list = field(default_factory=list)  # PeriodInfo

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"

    @property
    def key(self) -> tuple[int, str]:
        return (self.grade, self.letter)


@dataclass(eq=False)
class PAdult:
    surname: str
    first_name: str
    patronymic: str
    relation: str
    phone: str
    email: str = ""
    may_receive_credentials: bool = True
    id: int = 0


@dataclass(eq=False)
class PFamily:
    surname: str  # the man's form
    father_name: str  # gives the children's patronymic
    address: str
    adults: list[PAdult] = field(default_factory=list)
    children: list[PPupil] = field(default_factory=list)


@dataclass(eq=False)
class PPupil:
    surname: str
    first_name: str
    patronymic: str
    sex: str
    birth_date: dt.date
    family: PFamily
    level: float  # the pupil's usual mark
    sickly: bool = False
    in_hospital: bool = False  # most of the first period ill: н/а in some subjects
    exempt_pe: bool = False
    phone: str = ""
    notes: str = ""
    stints: list[tuple[PClass, dt.date, dt.date | None, str]] = field(default_factory=list)
    consent: bool = True
    verified_on: dt.date | None = None
    id: int = 0

    @property
    def name(self) -> str:
        return f"{self.surname} {self.first_name} {self.patronymic}"

    def card(self) -> dict:
        return {
            "surname": self.surname,
            "first_name": self.first_name,
            "patronymic": self.patronymic,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "address": self.family.address,
            "phone": self.phone,
            "notes": self.notes,
        }


class DemoSchool:
    """The school being built: the plan as plain objects and the ids the services gave back.
    The frame (demo.builder) and each stage (demo.timetable, demo.people, demo.journal) read
    it and fill it in, in the order of demo.builder's run()."""

    # the frame (demo.builder): the admin, the year, subjects and work types, the school days
    admin: Actor
    admin_name: str
    year_id: int
    subject_ids: dict[str, int]
    work_types: dict[str, WorkType]
    weights: dict[int, Decimal]  # work type id → weight
    default_weight: Decimal
    horizon: dt.date  # the journal's last day: today, or the year's end (full_year)
    year_days: list[dt.date]  # the school days of the whole year (the plans' dates)
    school_days: list[dt.date]  # the journal's: the year's up to the horizon
    past_days: list[dt.date]  # the school days that have passed
    as_of: dt.date  # the day the journal is "as of"
    # demo.timetable
    by_key: dict[tuple[int, str], PClass]
    demo_class: PClass
    timetable_gaps: int
    # demo.people
    demo_pupil: PPupil
    groups: dict[tuple[int, str, int], int]
    membership: dict[tuple[int, int, int], int]  # (subgroup, pupil, period) → 1
    # demo.journal
    period_marks: dict[tuple[int, str, int], list[tuple[int, Decimal]]]
    topic_offsets: dict[int, int]  # course id → where its lessons start in the topic list
    journal_lessons: dict[int, list[tuple[str, str]]]  # course id → (topic, homework), date order

    def __init__(self, size: str, full_year: bool, say: Callable[[str], object]) -> None:
        self.size = size
        self.full_year = full_year
        self.say = say
        self.today = clock.today()
        self.now = clock.now()
        self.start_year = year_start_for(self.today)
        self.teachers: list[PTeacher] = []
        self.classes: list[PClass] = []
        self.pupils: list[PPupil] = []
        self.families: list[PFamily] = []
        self.used_logins: set[str] = {"admin"}
        self.counts: dict[str, int] = {}
        self.departures: list[tuple[PPupil, dt.date, str]] = []
        self.transfer: tuple[PPupil, PClass, dt.date] | None = None
        self.stints_of: dict[int, list[tuple[PPupil, dt.date, dt.date | None]]] = {}
        self.keepers: dict[int, Actor] = {}


# --- helpers -------------------------------------------------------------------------------


def bulk_insert(model, fields: Sequence, rows: list[tuple]) -> None:
    """Bulk insert in chunks (the caller holds the transaction).

    What Peewee's insert_many(rows, fields) sends (the fields not given take their model
    defaults, each value goes through its field's db_value), the statement written here as
    text: Peewee composes it value by value, which took most of the build's time."""
    if not rows:
        return
    db = model._meta.database
    given = set(fields)
    defaults = sorted(
        (f for f in model._meta.defaults if f not in given), key=lambda f: f._sort_key
    )  # e.g. created_at, a text's ""
    columns = [*fields, *defaults]
    quote = db.quote[0]
    names = (model._meta.schema, model._meta.table_name)
    table = ".".join(f"{quote}{name}{quote}" for name in names if name)
    head = f"INSERT INTO {table} ({', '.join(f'{quote}{c.column_name}{quote}' for c in columns)}) VALUES "
    one = "(" + ", ".join([db.param] * len(columns)) + ")"
    convert = [f.db_value for f in fields]
    later = [(f.db_value, model._meta.defaults[f]) for f in defaults]
    size = max(1, CHUNK_VALUES // len(columns))
    for batch in chunked(rows, size):
        params: list = []
        for row in batch:
            params += [to_db(value) for to_db, value in zip(convert, row, strict=True)]
            params += [to_db(default() if callable(default) else default) for to_db, default in later]
        db.execute_sql(head + ", ".join([one] * len(batch)), params)


def bulk_insert_ids(model, fields: Sequence, rows: list[tuple]) -> list[int]:
    """Bulk insert and return the new ids in the order of `rows` (one writer: we hold the lock)."""
    before = model.select(fn.MAX(model.id)).scalar() or 0
    bulk_insert(model, fields, rows)
    ids = [row[0] for row in model.select(model.id).where(model.id > before).order_by(model.id).tuples()]
    if len(ids) != len(rows):  # pragma: no cover - would mean a concurrent writer
        raise ValidationError("Демонстрационная школа: не удалось сопоставить вставленные строки.")
    return ids


def at_hour(day: dt.date, hour: int, minute: int = 0, later: int = 0) -> dt.datetime:
    """`day` at hour:minute, plus `later` minutes."""
    return dt.datetime.combine(day, dt.time(hour, minute)) + dt.timedelta(minutes=later)
