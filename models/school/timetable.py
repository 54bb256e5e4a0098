"""The weekly timetable template with validity dates, and one-off changes on a date: the
template not holding on that day (an entry split around it) plus a one-day entry."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from models.core import audit
from models.core.access import Actor, require_admin
from models.core.errors import NotFound, ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Course,
    Lesson,
    SchoolClass,
    Subgroup,
    Subject,
    TimetableEntry,
    User,
)
from models.core.service import reading, service
from models.core.validation import parse_date
from models.journal.grid import join_course_names
from models.school.calendar import is_school_day
from models.school.classes import get_class
from models.school.common import _date, _fmt, _has_entries, _person
from models.school.lessons import _class_periods, _existing


@service
def add_timetable_entry(
    actor: Actor,
    course_id: int,
    weekday: int,
    number: int,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> int:
    require_admin(actor)
    get_or_refuse(Course, course_id)
    if not 1 <= weekday <= 6:
        raise ValidationError("День недели — от понедельника (1) до субботы (6).")
    if not 1 <= number <= 10:
        raise ValidationError("Номер урока — от 1 до 10.")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("Расписание не может кончаться раньше, чем начинается.")
    entry = TimetableEntry.create(
        course=course_id, weekday=weekday, number=number, valid_from=valid_from, valid_to=valid_to
    )
    audit.record(
        actor,
        "timetable.add",
        "timetable_entry",
        entry.id,
        new={"course": course_id, "weekday": weekday, "number": number},
    )
    return entry.id


WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб")
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота")
MAX_LESSON_NUMBER = 10


# --- the timetable template ------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInfo:
    id: int
    course_id: int
    class_id: int
    class_name: str
    subject: str
    short: str
    subgroup_number: int | None
    teacher: str
    weekday: int  # 1 = Monday … 6 = Saturday
    number: int
    valid_from: dt.date
    valid_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def label(self) -> str:
        group = f" {self.subgroup_number}гр" if self.subgroup_number else ""
        return f"{self.short}{group}"

    @property
    def validity(self) -> str:
        return f"с {_fmt(self.valid_from)}" + (f" по {_fmt(self.valid_to)}" if self.valid_to else "")


def _entry_query():
    return join_course_names(
        TimetableEntry.select(TimetableEntry, Course, SchoolClass, Subject, User, Subgroup).join(Course)
    )


def entry_info(e: TimetableEntry) -> EntryInfo:
    c = e.course
    return EntryInfo(
        e.id,
        c.id,
        c.school_class_id,
        c.school_class.name,
        c.subject.name,
        c.subject.short_name or c.subject.name[:12],
        c.subgroup.number if c.subgroup_id and c.subgroup else None,
        _person(c.teacher, short=True),
        e.weekday,
        e.number,
        e.valid_from,
        e.valid_to,
    )


@reading
def timetable_entries(class_id: int, on: dt.date | None = None) -> list[EntryInfo]:
    """The template of a class: every entry, or those valid on `on`; by day and number."""
    query = _entry_query().where(Course.school_class == class_id)
    if on is not None:
        query = query.where(
            (TimetableEntry.valid_from <= on)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= on))
        )
    query = query.order_by(
        TimetableEntry.weekday, TimetableEntry.number, Subgroup.number, TimetableEntry.valid_from
    )
    return [entry_info(e) for e in query]


@reading
def timetable_grid(class_id: int, on: dt.date) -> dict[tuple[int, int], list[EntryInfo]]:
    """(weekday, number) → the entries valid on `on` (two or more: parallel subgroups)."""
    grid: dict[tuple[int, int], list[EntryInfo]] = defaultdict(list)
    for entry in timetable_entries(class_id, on):
        grid[(entry.weekday, entry.number)].append(entry)
    return dict(grid)


def _overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def check_slot(
    courses: list[Course],
    weekday: int,
    number: int,
    valid_from: dt.date,
    valid_to: dt.date | None,
    ignore: set[int] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Refuse a slot the courses cannot share, or one whose teacher is elsewhere then."""
    if not 1 <= weekday <= 6:
        raise ValidationError("День недели — от понедельника (1) до субботы (6).")
    if not 1 <= number <= MAX_LESSON_NUMBER:
        raise ValidationError(f"Номер урока — от 1 до {MAX_LESSON_NUMBER}.")
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("Расписание не может кончаться раньше, чем начинается.")
    if not courses:
        return
    class_ids = {c.school_class_id for c in courses}
    if len(class_ids) > 1:
        raise ValidationError("В одной клетке расписания — уроки только одного класса.")
    class_id = class_ids.pop()
    same = [
        e
        for e in TimetableEntry.select(TimetableEntry, Course)
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (TimetableEntry.weekday == weekday)
            & (TimetableEntry.number == number)
        )
        if e.id not in ignore and _overlaps(valid_from, valid_to, e.valid_from, e.valid_to)
    ]
    together = list(courses) + [e.course for e in same]
    slot = f"{WEEKDAYS[weekday - 1]}, {number} урок"
    if len(together) > 1:
        if any(c.subgroup_id is None for c in together):
            raise ValidationError(
                f"{slot}: у класса уже есть урок в это время; вместе могут идти только уроки разных подгрупп."
            )
        groups = [c.subgroup_id for c in together]
        if len(set(groups)) < len(groups):
            raise ValidationError(f"{slot}: у этой подгруппы уже есть урок в это время.")
    teachers = [c.teacher_id for c in courses]
    if len(set(teachers)) < len(teachers):
        raise ValidationError(f"{slot}: один учитель не может вести два урока сразу.")
    busy = (
        TimetableEntry.select(TimetableEntry, Course, SchoolClass)
        .join(Course)
        .join(SchoolClass)
        .where(
            Course.teacher.in_(teachers)
            & (TimetableEntry.weekday == weekday)
            & (TimetableEntry.number == number)
        )
    )
    own = {c.id for c in courses}
    for e in busy:
        if e.id in ignore or e.course_id in own:
            continue
        if _overlaps(valid_from, valid_to, e.valid_from, e.valid_to):
            teacher = User.get_by_id(e.course.teacher_id)
            raise ValidationError(
                f"{slot}: {_person(teacher, short=True)} в это время ведёт урок в "
                f"{e.course.school_class.name} ({e.valid_from:%d.%m.%Y} – "
                f"{_fmt(e.valid_to) if e.valid_to else '…'})."
            )


def _courses_of_class(class_id: int, course_ids: Iterable[int]) -> list[Course]:
    out = []
    for course_id in course_ids:
        course = get_or_refuse(Course, course_id)
        if course.school_class_id != class_id:
            raise ValidationError("Эта нагрузка относится к другому классу.")
        out.append(course)
    return out


def _end_slot(class_id: int, weekday: int, number: int, day: dt.date) -> tuple[list[int], list[int]]:
    """The class's entries in this slot stop holding from `day` (see end_entries_from)."""
    query = (
        TimetableEntry.select()
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (TimetableEntry.weekday == weekday)
            & (TimetableEntry.number == number)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= day))
        )
    )
    return end_entries_from(query, day)


def end_entries_from(entries: Iterable[TimetableEntry], day: dt.date) -> tuple[list[int], list[int]]:
    """These template entries stop holding from `day`: those starting on or after it are
    removed, earlier ones end the day before. Returns (removed, ended) ids."""
    removed: list[int] = []
    ended: list[int] = []
    for entry in entries:
        (removed if entry.valid_from >= day else ended).append(entry.id)
    if removed:
        TimetableEntry.delete().where(TimetableEntry.id.in_(removed)).execute()
    if ended:
        TimetableEntry.update(valid_to=day - dt.timedelta(days=1)).where(
            TimetableEntry.id.in_(ended)
        ).execute()
    return removed, ended


@service
def set_slot(
    actor: Actor,
    class_id: int,
    weekday: int,
    number: int,
    course_ids: list[int],
    valid_from: object,
    valid_to: object = None,
) -> list[int]:
    """From `valid_from` on, this slot of the class holds these courses (none: a free slot).

    What held it before ends the day before (the old template stays for the dates it
    covered). Lessons are not touched here: regenerate them (`regenerate_future_lessons`).
    """
    require_admin(actor)
    school_class = get_class(class_id)
    start = _date(valid_from, "Действует с")
    end = parse_date(valid_to, "Действует по")
    courses = _courses_of_class(class_id, course_ids)
    year = school_class.year
    if not year.start <= start <= year.end:
        raise ValidationError(f"Дата {_fmt(start)} вне учебного года {year.name}.")
    current = {
        e.id
        for e in TimetableEntry.select(TimetableEntry.id)
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (TimetableEntry.weekday == weekday)
            & (TimetableEntry.number == number)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= start))
        )
    }
    check_slot(courses, weekday, number, start, end, ignore=current)
    removed, ended = _end_slot(class_id, weekday, number, start)
    ids = [
        TimetableEntry.create(course=c.id, weekday=weekday, number=number, valid_from=start, valid_to=end).id
        for c in courses
    ]
    audit.record(
        actor,
        "timetable.set",
        "school_class",
        class_id,
        {"removed": removed, "ended": ended},
        {
            "weekday": weekday,
            "number": number,
            "courses": [c.id for c in courses],
            "from": start,
            "to": end,
        },
    )
    return ids


@service
def update_timetable_entry(
    actor: Actor, entry_id: int, valid_from: object, valid_to: object = None
) -> EntryInfo:
    """New validity dates of one template entry (checked for clashes like a new one)."""
    require_admin(actor)
    entry = get_or_refuse(TimetableEntry, entry_id)
    start = _date(valid_from, "Действует с")
    end = parse_date(valid_to, "Действует по")
    check_slot([entry.course], entry.weekday, entry.number, start, end, ignore={entry_id})
    old = {"valid_from": entry.valid_from, "valid_to": entry.valid_to}
    TimetableEntry.update(valid_from=start, valid_to=end).where(TimetableEntry.id == entry_id).execute()
    audit.record(
        actor, "timetable.update", "timetable_entry", entry_id, old, {"valid_from": start, "valid_to": end}
    )
    return entry_info(_entry_query().where(TimetableEntry.id == entry_id).get())


@service
def remove_timetable_entry(actor: Actor, entry_id: int) -> None:
    """Remove one template entry (lessons already made from it stay as they are)."""
    require_admin(actor)
    found = _entry_query().where(TimetableEntry.id == entry_id).first()
    if found is None:
        raise NotFound("Такой записи расписания нет.")
    info = entry_info(found)
    TimetableEntry.delete().where(TimetableEntry.id == entry_id).execute()
    audit.record(
        actor,
        "timetable.remove",
        "timetable_entry",
        entry_id,
        old={
            "course": info.course_id,
            "weekday": info.weekday,
            "number": info.number,
            "valid_from": info.valid_from,
            "valid_to": info.valid_to,
        },
    )


# --- one-off changes on a date ---------------------------------------------------------------


def _split_around(entry: TimetableEntry, day: dt.date) -> None:
    """The entry stops holding on `day` only."""
    before = day - dt.timedelta(days=1)
    after = day + dt.timedelta(days=1)
    starts_before = entry.valid_from < day
    ends_after = entry.valid_to is None or entry.valid_to > day
    if starts_before and ends_after:
        TimetableEntry.create(
            course=entry.course_id,
            weekday=entry.weekday,
            number=entry.number,
            valid_from=after,
            valid_to=entry.valid_to,
        )
        TimetableEntry.update(valid_to=before).where(TimetableEntry.id == entry.id).execute()
    elif starts_before:
        TimetableEntry.update(valid_to=before).where(TimetableEntry.id == entry.id).execute()
    elif ends_after:
        TimetableEntry.update(valid_from=after).where(TimetableEntry.id == entry.id).execute()
    else:
        TimetableEntry.delete().where(TimetableEntry.id == entry.id).execute()


@dataclass(frozen=True)
class DayChange:
    day: dt.date
    number: int
    removed: tuple[str, ...]  # subjects of the lessons cancelled
    added: tuple[int, ...]  # lesson ids of the replacement


@service
def change_day(actor: Actor, class_id: int, day: object, number: int, course_ids: list[int]) -> DayChange:
    """A one-off change: on `day` lesson `number` of the class is these courses instead
    (none: cancelled). Refused while a lesson in that place carries marks or absences.
    The template holds the change, so regenerating lessons later keeps it."""
    require_admin(actor)
    school_class = get_class(class_id)
    date = _date(day, "Дата")
    periods = _class_periods(school_class)
    if not is_school_day(date, periods):
        raise ValidationError(f"{_fmt(date)} у класса {school_class.name} не учебный день.")
    if not 1 <= number <= MAX_LESSON_NUMBER:
        raise ValidationError(f"Номер урока — от 1 до {MAX_LESSON_NUMBER}.")
    courses = _courses_of_class(class_id, course_ids)
    lessons = [x for x in _existing(class_id, date, date) if x.number == number]
    marked = _has_entries(x.id for x in lessons)
    if marked:
        raise ValidationError(
            f"{_fmt(date)}, {number} урок: у урока уже есть отметки или пропуски — "
            "отменить или заменить его нельзя."
        )
    weekday = date.isoweekday()
    entries = [
        e
        for e in TimetableEntry.select()
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (TimetableEntry.weekday == weekday)
            & (TimetableEntry.number == number)
            & (TimetableEntry.valid_from <= date)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= date))
        )
    ]
    check_slot(courses, weekday, number, date, date, ignore={e.id for e in entries})
    for course in courses:  # the teacher may not be in another class's lesson that moment
        busy = (
            Lesson.select(Lesson, Course, SchoolClass)
            .join(Course)
            .join(SchoolClass)
            .where(
                (Course.teacher == course.teacher_id)
                & (Lesson.date == date)
                & (Lesson.number == number)
                & (Course.school_class != class_id)
            )
            .first()
        )
        if busy is not None:
            raise ValidationError(
                f"{_fmt(date)}, {number} урок: учитель в это время ведёт урок в "
                f"{busy.course.school_class.name}."
            )
    for entry in entries:
        _split_around(entry, date)
    removed = tuple(x.course.subject.name for x in lessons)
    if lessons:
        Lesson.delete().where(Lesson.id.in_([x.id for x in lessons])).execute()
    added = []
    for course in courses:
        TimetableEntry.create(
            course=course.id, weekday=weekday, number=number, valid_from=date, valid_to=date
        )
        added.append(Lesson.create(course=course.id, date=date, number=number).id)
    audit.record(
        actor,
        "lesson.cancel" if not courses else "lesson.replace",
        "school_class",
        class_id,
        {"date": date, "number": number, "lessons": [x.id for x in lessons], "subjects": removed},
        {"courses": [c.id for c in courses], "lessons": added},
    )
    return DayChange(date, number, removed, tuple(added))
