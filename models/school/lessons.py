"""Lessons made from the timetable: generated for a period or range, regenerated from a
date when the template changes; a lesson with marks, absences or a topic is kept."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import chunked

from models.core import audit, clock
from models.core.access import Actor, require_admin
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.schema import (
    Course,
    Lesson,
    Period,
    PlanItem,
    SchoolClass,
    Subject,
    TimetableEntry,
)
from models.core.service import reading, service
from models.core.validation import parse_date
from models.school.calendar import is_school_day, periods_for_grade_query
from models.school.classes import get_class
from models.school.common import CHUNK, _fmt, _has_entries

# --- lessons from the template ---------------------------------------------------------------


@dataclass(frozen=True)
class LessonRef:
    id: int
    date: dt.date
    number: int
    subject: str
    reason: str = ""  # why it was kept: "отметки", "тема или задание"

    def __str__(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.date:%d.%m.%Y} №{self.number} {self.subject}{why}"


@dataclass(frozen=True)
class LessonPlan:
    """What generating (or regenerating) lessons of a class does, before or after doing it."""

    class_name: str
    start: dt.date
    end: dt.date
    school_days: int
    create: int
    remove: int = 0
    unchanged: int = 0
    kept: tuple[LessonRef, ...] = field(default=())  # off the template, but carrying entries


def _class_periods(school_class: SchoolClass) -> list[Period]:
    return list(periods_for_grade_query(school_class.year_id, school_class.grade))


def _range(school_class: SchoolClass, periods: list[Period], period_id, start, end):
    if period_id is not None:
        period = next((p for p in periods if p.id == period_id), None)
        if period is None:
            raise ValidationError(f"Этот учебный период не относится к классу {school_class.name}.")
        return period.start, period.end
    if not periods:
        raise ValidationError(f"У класса {school_class.name} нет учебных периодов: уроки не из чего создать.")
    first = parse_date(start, "С") or periods[0].start
    last = parse_date(end, "По") or periods[-1].end
    if first > last:
        raise ValidationError("Начало позже конца.")
    return first, last


def _wanted(class_id: int, days: list[dt.date]) -> dict[tuple[int, dt.date], list[int]]:
    """(course, date) → lesson numbers the template asks for on those days."""
    if not days:
        return {}
    entries = list(
        TimetableEntry.select()
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (TimetableEntry.valid_from <= days[-1])
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= days[0]))
        )
    )
    by_weekday: dict[int, list[TimetableEntry]] = defaultdict(list)
    for entry in entries:
        by_weekday[entry.weekday].append(entry)
    wanted: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for day in days:
        for entry in by_weekday.get(day.isoweekday(), ()):
            if entry.valid_from <= day and (entry.valid_to is None or day <= entry.valid_to):
                wanted[(entry.course_id, day)].append(entry.number)
    return {key: sorted(set(numbers)) for key, numbers in wanted.items()}


def _missing(wanted: dict, existing: dict) -> list[tuple[int, dt.date, int]]:
    """Lessons to create: the numbers asked for and not taken, but never more lessons of a
    course on a day than the template asks for (a lesson the teacher added counts)."""
    out: list[tuple[int, dt.date, int]] = []
    for (course_id, day), numbers in sorted(wanted.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        have = existing.get((course_id, day), set())
        room = len(numbers) - len(have)
        if room <= 0:
            continue
        free = [n for n in numbers if n not in have]
        out.extend((course_id, day, n) for n in free[:room])
    return out


def _planned_topics(course_ids: set[int]) -> dict[int, set[str]]:
    """The topics of each course's КТП (models.journal.plan): such a topic on a lesson came
    from the plan, and the plan moves on to the lessons that remain."""
    out: dict[int, set[str]] = defaultdict(set)
    if course_ids:
        query = PlanItem.select(PlanItem.course, PlanItem.topic).where(
            PlanItem.course.in_(sorted(course_ids))
        )
        for course_id, planned in tuples(query):
            out[course_id].add(planned)
    return out


def _existing(class_id: int, start: dt.date, end: dt.date) -> list[Lesson]:
    return list(
        Lesson.select(Lesson, Course, Subject)
        .join(Course)
        .join(Subject)
        .where((Course.school_class == class_id) & (Lesson.date >= start) & (Lesson.date <= end))
        .order_by(Lesson.date, Lesson.number)
    )


def _plan(class_id: int, period_id, start, end, *, regenerate: bool):
    school_class = get_class(class_id)
    periods = _class_periods(school_class)
    first, last = _range(school_class, periods, period_id, start, end)
    days = []
    day = first
    while day <= last:
        if is_school_day(day, periods):
            days.append(day)
        day += dt.timedelta(days=1)
    wanted = _wanted(class_id, days)
    lessons = _existing(class_id, first, last)
    wanted_keys = {(c, d, n) for (c, d), numbers in wanted.items() for n in numbers}
    remove: list[Lesson] = []
    kept: list[LessonRef] = []
    unchanged = 0
    if regenerate:
        off = [x for x in lessons if (x.course_id, x.date, x.number) not in wanted_keys]
        marked = _has_entries(x.id for x in off)
        planned = _planned_topics({x.course_id for x in off})
        for lesson in off:
            if lesson.id in marked:
                reason = "отметки или пропуски"
            elif lesson.homework or (lesson.topic and lesson.topic not in planned.get(lesson.course_id, ())):
                reason = "тема или задание"  # a topic the course's КТП gave is the plan's, not the teacher's
            else:
                remove.append(lesson)
                continue
            kept.append(LessonRef(lesson.id, lesson.date, lesson.number, lesson.course.subject.name, reason))
        unchanged = len(lessons) - len(off)
    gone = {x.id for x in remove}
    existing: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
    for lesson in lessons:
        if lesson.id not in gone:
            existing[(lesson.course_id, lesson.date)].add(lesson.number)
    create = _missing(wanted, existing)
    plan = LessonPlan(
        school_class.name,
        first,
        last,
        len(days),
        len(create),
        len(remove),
        unchanged,
        tuple(kept),
    )
    return school_class, plan, create, remove


def _write_plan(create: list, remove: list) -> None:
    for part in chunked([x.id for x in remove], CHUNK):
        Lesson.delete().where(Lesson.id.in_(part)).execute()
    moment = clock.now()
    rows = [(course_id, day, number, moment) for course_id, day, number in create]
    for part in chunked(rows, CHUNK):
        Lesson.insert_many(
            part, fields=[Lesson.course, Lesson.date, Lesson.number, Lesson.created_at]
        ).execute()


def _follow_plans(actor: Actor, course_ids: set[int]) -> None:
    """Lessons made or removed: the courses' КТП goes to their lessons to come again."""
    from models.journal.plan import reflow_plan  # (plan.py reads this module's timetable count)

    for course_id in sorted(course_ids):
        reflow_plan(actor, course_id)


@reading
def preview_generate(
    class_id: int, period_id: int | None = None, start: object = None, end: object = None
) -> LessonPlan:
    return _plan(class_id, period_id, start, end, regenerate=False)[1]


@service
def generate_lessons(
    actor: Actor,
    class_id: int,
    period_id: int | None = None,
    start: object = None,
    end: object = None,
) -> LessonPlan:
    """Lessons of a class from its timetable for a period (or dates; default: the whole
    year), on school days only (no Sundays, public holidays or breaks between periods), for
    dates and numbers that have no lesson yet. Nothing existing is changed."""
    require_admin(actor)
    school_class, plan, create, _ = _plan(class_id, period_id, start, end, regenerate=False)
    _write_plan(create, [])
    _follow_plans(actor, {c for c, _, _ in create})
    audit.record(
        actor,
        "lessons.generate",
        "school_class",
        school_class.id,
        new={"from": plan.start, "to": plan.end, "created": plan.create},
    )
    return plan


def _future_start(from_date: object) -> dt.date:
    return parse_date(from_date, "С какой даты") or clock.today()


@reading
def preview_regenerate(class_id: int, from_date: object = None) -> LessonPlan:
    school_class = get_class(class_id)
    periods = _class_periods(school_class)
    end = periods[-1].end if periods else None
    start = _future_start(from_date)
    if end is None or start > end:
        return LessonPlan(school_class.name, start, start, 0, 0)
    return _plan(class_id, None, start, end, regenerate=True)[1]


@service
def regenerate_future_lessons(actor: Actor, class_id: int, from_date: object = None) -> LessonPlan:
    """Bring the class's lessons from `from_date` (default today) to the year's end in line
    with the timetable: lessons the template no longer asks for are removed unless they
    carry marks, absences, a topic or homework (those are kept and listed); missing ones
    are created; matching ones are left exactly as they are."""
    require_admin(actor)
    school_class = get_class(class_id)
    periods = _class_periods(school_class)
    start = _future_start(from_date)
    if not periods or start > periods[-1].end:
        raise ValidationError(f"После {_fmt(start)} у класса {school_class.name} учебных дней нет.")
    school_class, plan, create, remove = _plan(class_id, None, start, periods[-1].end, regenerate=True)
    _write_plan(create, remove)
    _follow_plans(actor, {c for c, _, _ in create} | {x.course_id for x in remove})
    audit.record(
        actor,
        "lessons.regenerate",
        "school_class",
        school_class.id,
        {"removed": plan.remove},
        {
            "from": plan.start,
            "to": plan.end,
            "created": plan.create,
            "kept": [str(k) for k in plan.kept],
        },
    )
    return plan


def timetable_lessons_after(course_id: int, after: dt.date) -> int:
    """How many lessons the timetable still gives the course after `after`, to the end of its
    class's last period (the lessons of the year not yet in the journal: a plan's length is
    checked against those and the journal's together)."""
    course = Course.get_by_id(course_id)
    school_class = course.school_class
    periods = _class_periods(school_class)
    if not periods:
        return 0
    day, last = after + dt.timedelta(days=1), periods[-1].end
    days = []
    while day <= last:
        if is_school_day(day, periods):
            days.append(day)
        day += dt.timedelta(days=1)
    wanted = _wanted(school_class.id, days)
    return sum(len(numbers) for (c, _), numbers in wanted.items() if c == course_id)
