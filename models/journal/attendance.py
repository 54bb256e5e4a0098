"""Attendance of a homeroom class (R12, R13): a day of the whole class, the whole day absent,
the week's unexcused "н" for the weekly excuse pass, and the count the home reminder shows.

Reads are bulk queries (besides the class lookup, at most three); the one write goes
through the journal's own cell write path (models.journal.entries), one audit entry per cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, SQL, Value

from models.core import clock
from models.core.access import Actor, require_class_keeper, require_staff
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Absence,
    Course,
    Enrollment,
    Lesson,
    Period,
    SchoolClass,
    Student,
    Subgroup,
    SubgroupMember,
    Subject,
)
from models.core.service import reading, service
from models.core.validation import parse_date
from models.journal.entries import Cell, _write_cell, excuse_absences, read_cells
from models.journal.grading import EXCUSED_CODES, LATE, parse_absence
from models.people.names import short_names

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
ABSENT = "н"
EXCUSE_PASS_AFTER_DAYS = 7  # DOMAIN.md: "unexcused н older than 7 days"
SHORT_NAME_WIDTH = 5  # a day column holds "3 Геом1"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def last_full_week(today: dt.date) -> dt.date:
    """The Monday of the week before this one: the week the weekly pass looks at by default."""
    return monday_of(today) - dt.timedelta(days=7)


def school_day(day: dt.date, step: int = 0) -> dt.date:
    """`day` moved by `step` school days (Mon–Sat); with step 0, a Sunday becomes Saturday."""
    if step == 0:
        return day - dt.timedelta(days=1) if day.weekday() == 6 else day
    one = dt.timedelta(days=1 if step > 0 else -1)
    for _ in range(abs(step)):
        day += one
        if day.weekday() == 6:
            day += one
    return day


def day_title(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m}"


def subject_short(name: str, short_name: str = "") -> str:
    """A column-wide subject name: the school's short name when it is short, else "Мат"."""
    return short_name if 0 < len(short_name) <= SHORT_NAME_WIDTH else name[:3]


def lesson_label(number: int, short: str, subgroup_number: int | None = None) -> str:
    """ "2 Рус", or "3 Анг1" for the first subgroup's English."""
    return f"{number} {short}{subgroup_number or ''}"


# --- the day of a class ---------------------------------------------------------------------


@dataclass(frozen=True)
class DayPupil:
    student_id: int
    name: str


@dataclass(frozen=True)
class DayLesson:
    id: int
    course_id: int
    number: int
    subject: str
    short: str
    subgroup_id: int | None
    subgroup_number: int | None

    @property
    def label(self) -> str:
        return lesson_label(self.number, self.short, self.subgroup_number)


@dataclass(frozen=True)
class ClassDay:
    class_id: int
    class_name: str
    day: dt.date
    pupils: tuple[DayPupil, ...]
    lessons: tuple[DayLesson, ...]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (lesson, student)
    members: frozenset[tuple[int, int]] = frozenset()  # (subgroup, student) on that day

    def attends(self, lesson: DayLesson, student_id: int) -> bool:
        """False where the lesson is another subgroup's: "not in this lesson"."""
        return lesson.subgroup_id is None or (lesson.subgroup_id, student_id) in self.members

    def cell(self, lesson_id: int, student_id: int) -> Cell:
        return self.cells.get((lesson_id, student_id), Cell())

    @property
    def title(self) -> str:
        return day_title(self.day)


def _day_pupils(class_id: int, day: dt.date) -> tuple[list[DayPupil], set[tuple[int, int]]]:
    """The pupils enrolled on the day (roster order) and the class's subgroup members then,
    in one UNION ALL."""
    pupils_q = (
        Enrollment.select(
            Value("p").alias("kind"),
            Student.id.alias("sid"),
            Student.surname,
            Student.first_name,
            Student.patronymic,
            Value(0).alias("grp"),
        )
        .join(Student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= day)
            & (Enrollment.end.is_null() | (Enrollment.end >= day))
        )
    )
    members_q = (
        SubgroupMember.select(
            Value("s").alias("kind"),
            SubgroupMember.student.alias("sid"),
            Value("").alias("surname"),
            Value("").alias("first_name"),
            Value("").alias("patronymic"),
            SubgroupMember.subgroup.alias("grp"),
        )
        .join(Period)
        .switch(SubgroupMember)
        .join(Subgroup)
        .where((Subgroup.school_class == class_id) & (Period.start <= day) & (Period.end >= day))
    )
    pupils: list[DayPupil] = []
    seen: set[int] = set()
    members: set[tuple[int, int]] = set()
    rows = list((pupils_q | members_q).order_by(SQL("1, 3, 4, 5, 2")).tuples())
    names = short_names(
        (sid, surname, first, patronymic) for kind, sid, surname, first, patronymic, _ in rows if kind != "s"
    )
    for kind, sid, _surname, _first_name, _patronymic, group in rows:
        if kind == "s":
            members.add((group, sid))
        elif sid not in seen:
            seen.add(sid)
            pupils.append(DayPupil(sid, names[sid]))
    return pupils, members


def _day_lessons(class_id: int, day: dt.date) -> list[DayLesson]:
    query = (
        Lesson.select(
            Lesson.id,
            Lesson.course,
            Lesson.number,
            Subject.name,
            Subject.short_name,
            Course.subgroup,
            Subgroup.number,
        )
        .join(Course)
        .join(Subject)
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER, on=(Course.subgroup == Subgroup.id))
        .where((Course.school_class == class_id) & (Lesson.date == day))
        .order_by(Lesson.number, Subject.name, Subgroup.number, Lesson.id)
    )
    return [
        DayLesson(lid, cid, number, name, subject_short(name, short), sgid, sgnum)
        for lid, cid, number, name, short, sgid, sgnum in tuples(query)
    ]


def _day_cells(class_id: int, day: dt.date) -> dict[tuple[int, int], Cell]:
    """Every mark and absence of the class's lessons that day, in one round trip."""
    of_day = (
        Lesson.select(Lesson.id).join(Course).where((Course.school_class == class_id) & (Lesson.date == day))
    )
    return read_cells(of_day)


@reading
def class_day(actor: Actor, class_id: int, day: dt.date) -> ClassDay:
    """The class on one day: its pupils × that day's lessons of every course (staff read)."""
    require_staff(actor)
    school_class = get_or_refuse(SchoolClass, class_id)
    pupils, members = _day_pupils(class_id, day)
    lessons = _day_lessons(class_id, day)
    cells = _day_cells(class_id, day) if lessons else {}
    return ClassDay(
        class_id,
        school_class.name,
        day,
        tuple(pupils),
        tuple(lessons),
        cells,
        frozenset(members),
    )


# --- the whole day absent -----------------------------------------------------------------


@dataclass(frozen=True)
class DayMarked:
    """What marking a whole day did: cells written, and lessons left as they were."""

    written: int
    with_marks: tuple[str, ...] = ()  # lessons where the pupil has a mark (not touched)
    excused: tuple[str, ...] = ()  # lessons already excused (б/у stay)


@service
def mark_day_absent(
    actor: Actor, class_id: int, student_id: int, day: dt.date, code: str = ABSENT
) -> DayMarked:
    """The pupil absent from every lesson of the day they attend, all or nothing.

    Lessons where the pupil has a mark are skipped and reported; an already excused
    absence (б, у) is kept with its document. One audit entry per cell written.
    """
    require_class_keeper(actor, class_id)
    code = parse_absence(code)
    if code == LATE:
        raise ValidationError("Опоздание («о») ставится на урок, а не на весь день.")
    if day > clock.today():
        raise ValidationError(f"{day:%d.%m.%Y} ещё не наступило: пропуски ставятся после уроков.")
    school_class = get_or_refuse(SchoolClass, class_id)
    grid = class_day(actor, class_id, day)
    if not any(p.student_id == student_id for p in grid.pupils):
        raise ValidationError(f"{day:%d.%m.%Y} учащийся не числился в классе {school_class.name}.")
    lessons = [lesson for lesson in grid.lessons if grid.attends(lesson, student_id)]
    if not lessons:
        raise ValidationError(
            f"{day:%d.%m.%Y} у учащегося нет уроков в классе {school_class.name}: отмечать нечего."
        )
    written, with_marks, excused = 0, [], []
    for lesson in lessons:
        before = grid.cell(lesson.id, student_id)
        if before.marks:
            with_marks.append(lesson.label)
        elif before.absence in EXCUSED_CODES and code not in EXCUSED_CODES:
            excused.append(lesson.label)
        elif before.absence != code:
            document = before.document if code in EXCUSED_CODES else ""
            _write_cell(actor, lesson.id, student_id, Cell((), code, document), "absence.day")
            written += 1
    return DayMarked(written, tuple(with_marks), tuple(excused))


# --- the weekly excuse pass --------------------------------------------------------------


@dataclass(frozen=True)
class MissedLesson:
    absence_id: int
    lesson_id: int
    number: int
    subject: str
    short: str
    subgroup_number: int | None

    @property
    def label(self) -> str:
        return lesson_label(self.number, self.short, self.subgroup_number)


@dataclass(frozen=True)
class MissedDay:
    day: dt.date
    lessons: tuple[MissedLesson, ...]

    @property
    def absence_ids(self) -> list[int]:
        return [lesson.absence_id for lesson in self.lessons]

    @property
    def title(self) -> str:
        return day_title(self.day)

    @property
    def labels(self) -> str:
        return ", ".join(lesson.label for lesson in self.lessons)


@dataclass(frozen=True)
class PupilAbsences:
    student_id: int
    name: str
    days: tuple[MissedDay, ...]

    @property
    def count(self) -> int:
        return sum(len(day.lessons) for day in self.days)


@reading
def unexcused_week(actor: Actor, class_id: int, monday: dt.date) -> list[PupilAbsences]:
    """Every unexcused "н" of the class's lessons Mon–Sat of the week, by pupil, then day."""
    require_staff(actor)
    get_or_refuse(SchoolClass, class_id)
    monday = monday_of(monday)
    saturday = monday + dt.timedelta(days=5)
    query = (
        Absence.select(
            Absence.id,
            Absence.student,
            Student.surname,
            Student.first_name,
            Lesson.id,
            Lesson.date,
            Lesson.number,
            Subject.name,
            Subject.short_name,
            Subgroup.number,
        )
        .join(Student)
        .switch(Absence)
        .join(Lesson)
        .join(Course)
        .join(Subject)
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER, on=(Course.subgroup == Subgroup.id))
        .where(
            (Course.school_class == class_id)
            & (Absence.code == ABSENT)
            & (Lesson.date >= monday)
            & (Lesson.date <= saturday)
        )
        .order_by(
            Student.surname,
            Student.first_name,
            Student.id,
            Lesson.date,
            Lesson.number,
            Subject.name,
        )
    )
    pupils: list[tuple[int, str, dict[dt.date, list[MissedLesson]]]] = []
    for aid, sid, surname, first_name, lid, date, number, name, short, sgnum in tuples(query):
        if not pupils or pupils[-1][0] != sid:
            pupils.append((sid, f"{surname} {first_name}", {}))
        pupils[-1][2].setdefault(date, []).append(
            MissedLesson(aid, lid, number, name, subject_short(name, short), sgnum)
        )
    return [
        PupilAbsences(sid, name, tuple(MissedDay(day, tuple(lessons)) for day, lessons in days.items()))
        for sid, name, days in pupils
    ]


@service
def excuse_days(
    actor: Actor,
    class_id: int,
    student_id: int,
    first: dt.date | str,
    last: dt.date | str,
    code: str,
    document: str,
) -> int:
    """A справка for several days (R13): every unexcused "н" of the pupil in the class's lessons
    from `first` to `last` (inclusive, across weeks) turns into б or у with the one document,
    all or none; returns how many."""
    require_class_keeper(actor, class_id)
    start, end = parse_date(first, "С"), parse_date(last, "По")
    if start is None or end is None:
        raise ValidationError("Укажите обе даты справки: с какого и по какое число.")
    if start > end:
        raise ValidationError(f"«По» ({end:%d.%m.%Y}) раньше, чем «С» ({start:%d.%m.%Y}).")
    pupil = get_or_refuse(Student, student_id)
    query = (
        Absence.select(Absence.id)
        .join(Lesson)
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (Absence.student == student_id)
            & (Absence.code == ABSENT)
            & (Lesson.date >= start)
            & (Lesson.date <= end)
        )
    )
    ids = [aid for (aid,) in tuples(query)]
    if not ids:
        raise ValidationError(
            f"{pupil.surname} {pupil.first_name}: с {start:%d.%m.%Y} по {end:%d.%m.%Y} "
            "пропусков «н» без причины нет."
        )
    return excuse_absences(actor, ids, code, document)


@reading
def excuse_pass_due(actor: Actor, class_id: int) -> int:
    """Unexcused "н" of the class older than 7 days: the weekly pass is overdue (home reminder)."""
    require_staff(actor)
    before = clock.today() - dt.timedelta(days=EXCUSE_PASS_AFTER_DAYS)
    return (
        Absence.select(Absence.id)
        .join(Lesson)
        .join(Course)
        .where((Course.school_class == class_id) & (Absence.code == ABSENT) & (Lesson.date < before))
        .count()
    )
