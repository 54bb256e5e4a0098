"""Years and periods: created with default quarters and half-years, dates changed
without orphaning marked lessons, periods added, closed or removed, holidays, and which
period a day or a grade is in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from peewee import Expression, ModelSelect, chunked, fn

from models.core import audit, clock
from models.core.access import Actor, require_admin
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse, refuse_while_used
from models.core.schema import (
    Course,
    FinalMark,
    Lesson,
    Period,
    SchoolClass,
    SchoolYear,
    SubgroupMember,
    Subject,
)
from models.core.service import reading, service
from models.school.common import CHUNK, _date, _fmt, _has_entries

# Quarters for grades 1–9 and half-years for 10–11 (DOMAIN.md); (month, day) pairs,
# the first month of the year's autumn. Dates are editable after creation.
QUARTERS = (((9, 1), (10, 25)), ((11, 5), (12, 28)), ((1, 12), (3, 20)), ((3, 30), (5, 26)))
HALVES = (((9, 1), (12, 28)), ((1, 12), (5, 26)))
DEFAULT_PERIODS = (("quarter", QUARTERS, 1, 9), ("half", HALVES, 10, 11))  # kind, dates, grades


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    name: str
    kind: str
    number: int
    start: dt.date
    end: dt.date
    grade_from: int
    grade_to: int
    closed: bool

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_info(p: Period) -> PeriodInfo:
    return PeriodInfo(p.id, p.name, p.kind, p.number, p.start, p.end, p.grade_from, p.grade_to, p.closed)


# --- years and periods ---------------------------------------------------------------------


def year_name(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def year_start_for(day: dt.date) -> int:
    """The autumn year of the school year containing `day` (1 Sep – 31 Aug)."""
    return day.year if day.month >= 9 else day.year - 1


def _year_day(start_year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    return dt.date(start_year if month >= 9 else start_year + 1, month, day)


@service
def create_year(actor: Actor, start_year: int, *, with_default_periods: bool = True) -> int:
    """A school year 1 Sep – 31 Aug with quarters (1–9) and half-years (10–11)."""
    require_admin(actor)
    if not 2000 <= start_year <= 2100:
        raise ValidationError("Год начала учебного года должен быть между 2000 и 2100.")
    name = year_name(start_year)
    if SchoolYear.select().where(SchoolYear.name == name).exists():
        raise ValidationError(f"Учебный год {name} уже есть.")
    year = SchoolYear.create(name=name, start=dt.date(start_year, 9, 1), end=dt.date(start_year + 1, 8, 31))
    if with_default_periods:
        for kind, spans, grade_from, grade_to in DEFAULT_PERIODS:
            for number, (a, b) in enumerate(spans, 1):
                Period.create(
                    year=year,
                    kind=kind,
                    number=number,
                    name=f"{number} {PERIOD_KINDS[kind]}",
                    start=_year_day(start_year, a),
                    end=_year_day(start_year, b),
                    grade_from=grade_from,
                    grade_to=grade_to,
                )
    audit.record(actor, "year.create", "school_year", year.id, new={"name": name})
    return year.id


@service
def update_period(actor: Actor, period_id: int, start: dt.date, end: dt.date) -> PeriodInfo:
    require_admin(actor)
    period = get_or_refuse(Period, period_id)
    year = period.year
    if start > end:
        raise ValidationError("Начало периода позже его конца.")
    if start < year.start or end > year.end:
        raise ValidationError(f"Период должен лежать внутри учебного года {year.name}.")
    old = {"start": period.start, "end": period.end}
    Period.update(start=start, end=end).where(Period.id == period.id).execute()
    audit.record(actor, "period.update", "period", period.id, old, {"start": start, "end": end})
    return period_info(Period.get_by_id(period.id))


@service
def close_period(actor: Actor, period_id: int, closed: bool = True) -> PeriodInfo:
    require_admin(actor)
    period = get_or_refuse(Period, period_id)
    Period.update(closed=closed).where(Period.id == period.id).execute()
    audit.record(actor, "period.close" if closed else "period.reopen", "period", period.id)
    return period_info(Period.get_by_id(period.id))


@reading
def year_named(name: str) -> YearInfo:
    """The school year called `name` («2026/2027»), or ValidationError listing those there are."""
    year = SchoolYear.get_or_none(SchoolYear.name == str(name).strip())
    if year is None:
        names = ", ".join(y.name for y in SchoolYear.select().order_by(SchoolYear.start)) or "нет ни одного"
        raise ValidationError(f"Учебного года «{name}» нет (есть: {names}).")
    return YearInfo(year.id, year.name, year.start, year.end, year.start.year)


@service
def close_year(actor: Actor, year_name: str) -> int:
    """Close every period of the year (the year's archive): the year stays readable, and
    nothing in it changes until the admin reopens a period. Returns the periods closed now."""
    require_admin(actor)
    year = year_named(year_name)
    ids = [p.id for p in Period.select(Period.id).where((Period.year == year.id) & (Period.closed == False))]  # noqa: E712
    if ids:
        Period.update(closed=True).where(Period.id.in_(ids)).execute()
        audit.record(actor, "year.close", "school_year", year.id, None, {"periods": ids})
    return len(ids)


@reading
def year_for(day: dt.date) -> SchoolYear | None:
    return SchoolYear.get_or_none((SchoolYear.start <= day) & (SchoolYear.end >= day))


@reading
def periods_for_grade(year_id: int, grade: int) -> list[PeriodInfo]:
    return [period_info(p) for p in periods_for_grade_query(year_id, grade)]


def periods_for_grade_query(year_id: int, grade: int) -> ModelSelect[Period]:
    """The periods a grade has in a year, in order: periods_for_grade as a query (rows)."""
    return Period.select().where(for_grade(year_id, grade)).order_by(Period.start)


def for_grade(year_id: int, grade: int) -> Expression:
    """The condition a period of this year for this grade meets (add more with `&`)."""
    return (Period.year == year_id) & (Period.grade_from <= grade) & (Period.grade_to >= grade)


def is_for_grade(period: Period, year_id: int, grade: int) -> bool:
    """Whether a period (a row already read) is one of the year's for this grade."""
    return period.year_id == year_id and period.grade_from <= grade <= period.grade_to


def period_at(periods: list[PeriodInfo], day: dt.date) -> PeriodInfo | None:
    """The period containing `day`, or else the last one that ended before it."""
    past = None
    for period in periods:
        if period.contains(day):
            return period
        if period.end < day:
            past = period
    return past or (periods[0] if periods else None)


@reading
def get_period(period_id: int) -> PeriodInfo:
    period = get_or_refuse(Period, period_id)
    return period_info(period)


@reading
def current_year_id() -> int | None:
    year = year_for(clock.today()) or SchoolYear.select().order_by(SchoolYear.start.desc()).first()
    return year.id if year else None


# Public holidays (Labour Code art. 112): no lessons, even inside a period. A day off moved
# by the government's yearly decree is not known here: cancel such lessons one by one.
PUBLIC_HOLIDAYS = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)
PERIOD_KINDS = {"quarter": "четверть", "half": "полугодие", "trimester": "триместр"}


def is_school_day(day: dt.date, periods: Iterable) -> bool:
    """Not a Sunday, not a public holiday and inside one of the class's periods."""
    if day.weekday() == 6 or (day.month, day.day) in PUBLIC_HOLIDAYS:
        return False
    return any(p.start <= day <= p.end for p in periods)


# --- years and periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class YearInfo:
    id: int
    name: str
    start: dt.date
    end: dt.date
    start_year: int


@dataclass(frozen=True)
class Holiday:
    grades: str  # "1–9"
    start: dt.date
    end: dt.date


@reading
def list_years() -> list[YearInfo]:
    return [
        YearInfo(y.id, y.name, y.start, y.end, y.start.year)
        for y in SchoolYear.select().order_by(SchoolYear.start)
    ]


@reading
def list_periods(year_id: int) -> list[PeriodInfo]:
    query = (
        Period.select().where(Period.year == year_id).order_by(Period.grade_from, Period.start, Period.number)
    )
    return [period_info(p) for p in query]


def grades_text(grade_from: int, grade_to: int) -> str:
    return str(grade_from) if grade_from == grade_to else f"{grade_from}–{grade_to}"


@reading
def holidays(year_id: int) -> list[Holiday]:
    """The breaks between consecutive periods of each grade range (каникулы)."""
    out = []
    by_range: dict[tuple[int, int], list[Period]] = defaultdict(list)
    for p in Period.select().where(Period.year == year_id).order_by(Period.start):
        by_range[(p.grade_from, p.grade_to)].append(p)
    for (low, high), periods in sorted(by_range.items()):
        for before, after in zip(periods, periods[1:], strict=False):
            gap_start = before.end + dt.timedelta(days=1)
            gap_end = after.start - dt.timedelta(days=1)
            if gap_start <= gap_end:
                out.append(Holiday(grades_text(low, high), gap_start, gap_end))
    return out


def _overlapping(year_id: int, low: int, high: int, start: dt.date, end: dt.date, skip: int | None):
    query = Period.select().where(
        (Period.year == year_id)
        & (Period.grade_from <= high)
        & (Period.grade_to >= low)
        & (Period.start <= end)
        & (Period.end >= start)
    )
    if skip is not None:
        query = query.where(Period.id != skip)
    return query.first()


@dataclass(frozen=True)
class PeriodEffect:
    """What new dates (or removing a period) would leave outside every period of a class."""

    marked: int  # lessons with marks or absences: the change is refused
    empty: int  # lessons without: removed only when confirmed
    first: str  # "12.10.2026 5А Математика" — the first marked (else empty) one


def _orphans(period: Period, start: dt.date | None, end: dt.date | None) -> tuple[list, set]:
    """Lessons of the period's classes that would lie outside all their periods.

    `start`/`end` None: the period removed. Returns (lessons, ids of those with entries).
    """
    others = list(
        Period.select().where(
            (Period.year == period.year_id)
            & (Period.id != period.id)
            & (Period.grade_from <= period.grade_to)
            & (Period.grade_to >= period.grade_from)
        )
    )
    lessons = (
        Lesson.select(Lesson, Course, SchoolClass, Subject)
        .join(Course)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .where(
            (SchoolClass.year == period.year_id)
            & (SchoolClass.grade >= period.grade_from)
            & (SchoolClass.grade <= period.grade_to)
            & (Lesson.date >= period.start)
            & (Lesson.date <= period.end)
        )
        .order_by(Lesson.date, Lesson.number)
    )
    lost = []
    for lesson in lessons:
        if start is not None and end is not None and start <= lesson.date <= end:
            continue
        grade = lesson.course.school_class.grade
        if any(p.grade_from <= grade <= p.grade_to and p.start <= lesson.date <= p.end for p in others):
            continue
        lost.append(lesson)
    return lost, _has_entries(lesson.id for lesson in lost)


def _effect(lost: list, marked: set) -> PeriodEffect:
    first = next((x for x in lost if x.id in marked), lost[0] if lost else None)
    text = (
        f"{first.date:%d.%m.%Y} {first.course.school_class.name} {first.course.subject.name}" if first else ""
    )
    return PeriodEffect(len(marked), len(lost) - len(marked), text)


@reading
def period_change_effect(period_id: int, start: object, end: object) -> PeriodEffect:
    period = get_or_refuse(Period, period_id)
    lost, marked = _orphans(period, _date(start, "Начало"), _date(end, "Конец"))
    return _effect(lost, marked)


def _drop_orphans(actor: Actor, period: Period, lost: list, marked: set, drop: bool) -> int:
    effect = _effect(lost, marked)
    if effect.marked:
        raise ValidationError(
            f"Уроки с отметками или пропусками оказались бы вне учебных периодов: {effect.marked} "
            f"(первый — {effect.first}). Выберите даты, в которые они попадают."
        )
    if effect.empty and not drop:
        raise ValidationError(
            f"Вне учебных периодов оказались бы уроки без отметок: {effect.empty} "
            f"(первый — {effect.first}). Подтвердите их удаление."
        )
    ids = [lesson.id for lesson in lost]
    for part in chunked(ids, CHUNK):
        Lesson.delete().where(Lesson.id.in_(part)).execute()
    if ids:
        audit.record(
            actor,
            "lessons.drop",
            "period",
            period.id,
            new={"count": len(ids), "reason": "вне учебных периодов"},
        )
    return len(ids)


@service
def set_period_dates(
    actor: Actor, period_id: int, start: object, end: object, *, drop_empty_lessons: bool = False
) -> PeriodInfo:
    """New dates of a period. Lessons that would fall outside every period: with marks the
    change is refused; without, they are removed only with `drop_empty_lessons`."""
    require_admin(actor)
    period = get_or_refuse(Period, period_id)
    start, end = _date(start, "Начало периода"), _date(end, "Конец периода")
    year = period.year
    if start > end:
        raise ValidationError("Начало периода позже его конца.")
    if start < year.start or end > year.end:
        raise ValidationError(
            f"Период должен лежать внутри учебного года {year.name} ({_fmt(year.start)} – {_fmt(year.end)})."
        )
    clash = _overlapping(year.id, period.grade_from, period.grade_to, start, end, period.id)
    if clash is not None:
        raise ValidationError(
            f"Даты пересекаются с периодом «{clash.name}» ({_fmt(clash.start)} – {_fmt(clash.end)})."
        )
    lost, marked = _orphans(period, start, end)
    dropped = _drop_orphans(actor, period, lost, marked, drop_empty_lessons)
    old = {"start": period.start, "end": period.end}
    Period.update(start=start, end=end).where(Period.id == period.id).execute()
    audit.record(
        actor,
        "period.update",
        "period",
        period.id,
        old,
        {"start": start, "end": end, "lessons_dropped": dropped},
    )
    return period_info(Period.get_by_id(period.id))


@service
def add_period(
    actor: Actor,
    year_id: int,
    kind: str,
    start: object,
    end: object,
    grade_from: int,
    grade_to: int,
    name: str = "",
) -> PeriodInfo:
    """Another period (e.g. trimesters instead of quarters, after removing those)."""
    require_admin(actor)
    year = get_or_refuse(SchoolYear, year_id)
    if kind not in PERIOD_KINDS:
        raise ValidationError("Вид периода: четверть, полугодие или триместр.")
    if not 1 <= grade_from <= grade_to <= 11:
        raise ValidationError("Параллели периода — от 1 до 11, «с» не больше «по».")
    start, end = _date(start, "Начало периода"), _date(end, "Конец периода")
    if start > end or start < year.start or end > year.end:
        raise ValidationError(f"Период должен лежать внутри учебного года {year.name}, начало раньше конца.")
    clash = _overlapping(year.id, grade_from, grade_to, start, end, None)
    if clash is not None:
        raise ValidationError(
            f"Даты пересекаются с периодом «{clash.name}» ({_fmt(clash.start)} – {_fmt(clash.end)}) "
            f"параллелей {grades_text(clash.grade_from, clash.grade_to)}."
        )
    number = 1 + (
        Period.select(fn.MAX(Period.number))
        .where((Period.year == year_id) & (Period.kind == kind) & (Period.grade_from == grade_from))
        .scalar()
        or 0
    )
    period = Period.create(
        year=year_id,
        kind=kind,
        number=number,
        name=name.strip() or f"{number} {PERIOD_KINDS[kind]}",
        start=start,
        end=end,
        grade_from=grade_from,
        grade_to=grade_to,
    )
    audit.record(
        actor,
        "period.add",
        "period",
        period.id,
        new={"name": period.name, "start": start, "end": end, "grades": [grade_from, grade_to]},
    )
    return period_info(period)


@service
def delete_period(actor: Actor, period_id: int, *, drop_empty_lessons: bool = False) -> None:
    """Remove a period no final mark or subgroup split refers to, nor any marked lesson."""
    require_admin(actor)
    period = get_or_refuse(Period, period_id)
    refuse_while_used(
        {
            "итоговые отметки": FinalMark.select().where(FinalMark.period == period_id),
            "деление на подгруппы": SubgroupMember.select().where(SubgroupMember.period == period_id),
        },
        lambda used: f"Удалить период нельзя: на него ссылаются {used}.",
    )
    lost, marked = _orphans(period, None, None)
    _drop_orphans(actor, period, lost, marked, drop_empty_lessons)
    old = period_info(period).__dict__
    Period.delete().where(Period.id == period_id).execute()
    audit.record(actor, "period.delete", "period", period_id, old=old)
