"""Bulk reads for the exports (exports/): a class's paper-diary pages over a date range and
the per-pupil part of its report card (табель) for a period or the year.

A class is read in a handful of queries whatever its size: its pupils, its subgroup members,
its lessons in the range, every mark and absence of those lessons (one UNION ALL), and for
the report card its final marks. Everything else is arithmetic in memory (models.journal.grading).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN

from models.core.access import Actor, require_staff
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
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
from models.core.service import reading
from models.journal.entries import Cell, read_cells
from models.journal.grading import (
    EXCUSED_CODES,
    LATE,
)
from models.people.names import short_names
from models.reports.diary import DiaryDay, DiaryLesson

MAX_RANGE_DAYS = 366


# --- the class over a date range ---------------------------------------------------------------


@dataclass(frozen=True)
class ExtractPupil:
    student_id: int
    name: str  # "Фамилия Имя"
    full_name: str  # "Фамилия Имя Отчество"
    spans: tuple[tuple[dt.date, dt.date | None], ...]  # enrollments in the class

    def enrolled_on(self, day: dt.date) -> bool:
        return any(a <= day and (b is None or day <= b) for a, b in self.spans)

    @property
    def left_on(self) -> dt.date | None:
        """The last day in the class, if the pupil has left it."""
        ends = [b for _, b in self.spans]
        return None if any(b is None for b in ends) else max(ends)  # type: ignore[type-var]


@dataclass(frozen=True)
class ClassLesson:
    id: int
    course_id: int
    date: dt.date
    number: int
    subject_id: int
    subject: str
    subgroup_id: int | None
    topic: str
    homework: str
    work_type_id: int | None


@dataclass
class ClassRange:
    """A class between two dates: pupils, lessons and every cell, with subgroup membership."""

    class_id: int
    class_name: str
    grade: int
    year_id: int
    start: dt.date
    end: dt.date
    pupils: list[ExtractPupil]
    lessons: list[ClassLesson]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (lesson, student)
    members: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = field(default_factory=dict)

    def attends(self, lesson: ClassLesson, pupil: ExtractPupil) -> bool:
        """The pupil is in the class that day and, for a subgroup's lesson, in that subgroup."""
        if not pupil.enrolled_on(lesson.date):
            return False
        if lesson.subgroup_id is None:
            return True
        spans = self.members.get((lesson.subgroup_id, pupil.student_id), ())
        return any(a <= lesson.date <= b for a, b in spans)

    def cell(self, lesson_id: int, student_id: int) -> Cell:
        return self.cells.get((lesson_id, student_id), Cell())


def _pupils(class_id: int, start: dt.date, end: dt.date) -> list[ExtractPupil]:
    query = (
        Enrollment.select(
            Student.id,
            Student.surname,
            Student.first_name,
            Student.patronymic,
            Enrollment.start,
            Enrollment.end,
        )
        .join(Student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
        .order_by(Student.surname, Student.first_name, Student.patronymic, Student.id, Enrollment.start)
    )
    spans: dict[int, list] = {}
    names: dict[int, tuple[str, str, str]] = {}
    for sid, surname, first_name, patronymic, a, b in tuples(query):
        spans.setdefault(sid, []).append((a, b))
        names[sid] = (surname, first_name, patronymic)
    shown = short_names((sid, *names[sid]) for sid in spans)
    return [
        ExtractPupil(
            sid,
            shown[sid],
            " ".join(p for p in names[sid] if p),
            tuple(spans[sid]),
        )
        for sid in spans
    ]


def _members(class_id: int, start: dt.date, end: dt.date) -> dict[tuple[int, int], list]:
    """(subgroup, pupil) → the periods' date spans of that membership."""
    query = (
        SubgroupMember.select(SubgroupMember.subgroup, SubgroupMember.student, Period.start, Period.end)
        .join(Period)
        .switch(SubgroupMember)
        .join(Subgroup)
        .where((Subgroup.school_class == class_id) & (Period.start <= end) & (Period.end >= start))
    )
    out: dict[tuple[int, int], list] = {}
    for subgroup_id, student_id, a, b in tuples(query):
        out.setdefault((subgroup_id, student_id), []).append((a, b))
    return out


def _lessons(class_id: int, start: dt.date, end: dt.date) -> list[ClassLesson]:
    query = (
        Lesson.select(
            Lesson.id,
            Lesson.course,
            Lesson.date,
            Lesson.number,
            Subject.id,
            Subject.name,
            Course.subgroup,
            Lesson.topic,
            Lesson.homework,
            Lesson.work_type,
        )
        .join(Course)
        .join(Subject)
        .where((Course.school_class == class_id) & (Lesson.date >= start) & (Lesson.date <= end))
        .order_by(Lesson.date, Lesson.number, Subject.name, Lesson.id)
    )
    return [ClassLesson(*row) for row in tuples(query)]


def _cells(class_id: int, start: dt.date, end: dt.date) -> dict[tuple[int, int], Cell]:
    """Every mark and absence of the class's lessons in the range, in one round trip."""
    in_range = (
        Lesson.select(Lesson.id)
        .join(Course)
        .where((Course.school_class == class_id) & (Lesson.date >= start) & (Lesson.date <= end))
    )
    return read_cells(in_range)


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError(f"Начало {start:%d.%m.%Y} позже конца {end:%d.%m.%Y}.")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError("Слишком длинный промежуток: не больше учебного года.")


@reading
def class_range(actor: Actor, class_id: int, start: dt.date, end: dt.date) -> ClassRange:
    """The class's pupils, lessons, marks and absences between two dates (staff read; 5 queries)."""
    require_staff(actor)
    _check_range(start, end)
    school_class = get_or_refuse(SchoolClass, class_id)
    lessons = _lessons(class_id, start, end)
    return ClassRange(
        class_id=school_class.id,
        class_name=school_class.name,
        grade=school_class.grade,
        year_id=school_class.year_id,
        start=start,
        end=end,
        pupils=_pupils(class_id, start, end),
        lessons=lessons,
        cells=_cells(class_id, start, end) if lessons else {},
        members=_members(class_id, start, end),
    )


@reading
def pupil_class(actor: Actor, student_id: int, start: dt.date, end: dt.date) -> int:
    """The class a pupil was in between two dates (the latest, if transferred)."""
    require_staff(actor)
    get_or_refuse(Student, student_id, f"Учащегося с номером {student_id} нет.")
    found = (
        Enrollment.select(Enrollment.school_class)
        .where(
            (Enrollment.student == student_id)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
        .order_by(Enrollment.start.desc())
        .first()
    )
    if found is None:
        raise ValidationError(
            f"Учащийся с номером {student_id} не числился ни в одном классе "
            f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}."
        )
    return found.school_class_id


# --- the paper diary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilDiary:
    student_id: int
    name: str
    full_name: str
    days: tuple[DiaryDay, ...]


@dataclass(frozen=True)
class ClassDiary:
    class_id: int
    class_name: str
    start: dt.date
    end: dt.date
    pupils: tuple[PupilDiary, ...]


def school_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday to Saturday between two dates, inclusive."""
    days, day = [], start
    while day <= end:
        if day.weekday() != 6:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def diary_of(data: ClassRange, student_ids: list[int] | None = None) -> ClassDiary:
    """The diary pages of every pupil of the range (or the given ones): each school day's
    lessons the pupil attended, with topic, homework, marks and absence."""
    days = school_days(data.start, data.end)
    by_day: dict[dt.date, list[ClassLesson]] = defaultdict(list)
    for lesson in data.lessons:
        by_day[lesson.date].append(lesson)
    wanted = set(student_ids) if student_ids is not None else None
    pupils = []
    for pupil in data.pupils:
        if wanted is not None and pupil.student_id not in wanted:
            continue
        pages = []
        for day in days:
            items = []
            for lesson in by_day.get(day, ()):
                if not data.attends(lesson, pupil):
                    continue
                cell = data.cell(lesson.id, pupil.student_id)
                items.append(
                    DiaryLesson(
                        lesson.number,
                        lesson.subject,
                        lesson.topic,
                        lesson.homework,
                        tuple(m.value for m in cell.marks),
                        cell.absence,
                    )
                )
            pages.append(DiaryDay(day, tuple(items)))
        pupils.append(PupilDiary(pupil.student_id, pupil.name, pupil.full_name, tuple(pages)))
    return ClassDiary(data.class_id, data.class_name, data.start, data.end, tuple(pupils))


@reading
def class_diary(
    actor: Actor,
    class_id: int,
    start: dt.date,
    end: dt.date,
    student_ids: list[int] | None = None,
) -> ClassDiary:
    """The paper-diary pages of a class (or some of its pupils) between two dates."""
    return diary_of(class_range(actor, class_id, start, end), student_ids)


# --- absences in lessons and days ---------------------------------------------------------------


@dataclass(frozen=True)
class AbsenceCount:
    """Missed lessons (н, б, у; "о" is late, not missed) and whole days missed.

    A day counts when every lesson of it the pupil had was missed; it is excused when every
    absence of that day is excused (б, у).
    """

    lessons: int = 0
    excused: int = 0
    unexcused: int = 0
    late: int = 0
    days: int = 0
    days_excused: int = 0
    days_unexcused: int = 0


def absence_counts(data: ClassRange) -> tuple[dict[int, AbsenceCount], dict[tuple[int, int], int]]:
    """Per pupil: an AbsenceCount; per (pupil, subject): lessons missed."""
    per_day: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])  # had, missed, excused
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # missed, excused, unexcused, late
    by_subject: dict[tuple[int, int], int] = defaultdict(int)
    for pupil in data.pupils:
        sid = pupil.student_id
        for lesson in data.lessons:
            if not data.attends(lesson, pupil):
                continue
            day = per_day[(sid, lesson.date)]
            day[0] += 1
            code = data.cells.get((lesson.id, sid), Cell()).absence
            if code is None:
                continue
            t = totals[sid]
            if code == LATE:
                t[3] += 1
                continue
            t[0] += 1
            by_subject[(sid, lesson.subject_id)] += 1
            day[1] += 1
            if code in EXCUSED_CODES:
                t[1] += 1
                day[2] += 1
            else:
                t[2] += 1
    days: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (sid, _), (had, missed, excused) in per_day.items():
        if had and missed == had:
            d = days[sid]
            d[0] += 1
            if excused == missed:
                d[1] += 1
            else:
                d[2] += 1
    out = {}
    for pupil in data.pupils:
        sid = pupil.student_id
        t, d = totals.get(sid, [0, 0, 0, 0]), days.get(sid, [0, 0, 0])
        out[sid] = AbsenceCount(t[0], t[1], t[2], t[3], d[0], d[1], d[2])
    return out, dict(by_subject)


# --- lookups for the export's arguments --------------------------------------------------------


@dataclass(frozen=True)
class ClassCourse:
    course_id: int
    subject_id: int
    subject: str
    short_name: str
    subgroup: str
    teacher_id: int


@reading
def class_courses(actor: Actor, class_id: int) -> list[ClassCourse]:
    """The teaching load of a class: every course with its subject and subgroup (one query)."""
    require_staff(actor)
    query = (
        Course.select(Course.id, Subject.id, Subject.name, Subject.short_name, Subgroup.name, Course.teacher)
        .join(Subject)
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER, on=(Course.subgroup == Subgroup.id))
        .where(Course.school_class == class_id)
        .order_by(Course.id)
    )
    return [
        ClassCourse(cid, sid, name, short or "", sg or "", teacher)
        for cid, sid, name, short, sg, teacher in tuples(query)
    ]
