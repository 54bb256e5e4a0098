"""The pupils' and guardians' read-only diary, and the record of who viewed it (R6, R17).

Readers reach only their own child (models.core.access.require_reader_of_student); every view by
a pupil or a guardian is recorded, which the parents'-activity analysis reads, and so is a
guardian's «Ознакомлен(а)» with a week — the only thing a diary reader writes, about themself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from models.core import clock
from models.core.access import GUARDIAN, STUDENT, Actor, require_reader_of_student
from models.core.errors import ValidationError
from models.core.schema import (
    Absence,
    Course,
    DiaryView,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    StudentGuardian,
    SubgroupMember,
    Subject,
    TimetableEntry,
    WeekAcknowledgement,
    WorkType,
    now,
)
from models.core.service import reading, service
from models.journal.corrections import corrections_of
from models.journal.grading import Averages, averages, show_average
from models.school.calendar import is_school_day, periods_for_grade_query

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


@dataclass(frozen=True)
class Child:
    student_id: int
    name: str
    class_name: str
    grade: int
    year_id: int


@dataclass(frozen=True)
class DiaryLesson:
    number: int
    subject: str
    topic: str
    homework: str
    marks: tuple[int, ...]
    absence: str | None
    planned: bool = False  # a future lesson of the timetable, not yet in the journal
    homework_at: dt.datetime | None = None  # when the homework was set (late evening: parents see it)
    no_homework: bool = False  # «без д/з», said by the teacher
    corrected: tuple[dt.datetime, str] | None = None  # the latest correction of the mark (R21)

    @property
    def correction_text(self) -> str:
        """«исправлено 12.10: ошибка при вводе» on a mark changed after the edit window."""
        if self.corrected is None:
            return ""
        at, reason = self.corrected
        return f"исправлено {at:%d.%m}: {reason}"

    @property
    def homework_text(self) -> str:
        """The homework with when it was set: «§ 3, упр. 5 (задано 12.11 21:40)»; «без д/з»."""
        if self.no_homework and not self.homework:
            return "без д/з"
        if not self.homework:
            return ""
        return (
            f"{self.homework} (задано {self.homework_at:%d.%m %H:%M})" if self.homework_at else self.homework
        )

    @property
    def entry(self) -> str:
        marks = "/".join(str(m) for m in self.marks)
        return f"{self.absence or ''}{marks}"


@dataclass(frozen=True)
class DiaryDay:
    date: dt.date
    lessons: tuple[DiaryLesson, ...]

    @property
    def title(self) -> str:
        return f"{WEEKDAYS[self.date.weekday()]} {self.date:%d.%m}"


@dataclass(frozen=True)
class SubjectMarks:
    subject: str
    marks: tuple[tuple[dt.date, int, str], ...]  # date, value, work type
    averages: Averages
    final: str

    @property
    def mean_text(self) -> str:
        return show_average(self.averages.mean)

    @property
    def weighted_text(self) -> str:
        return show_average(self.averages.weighted)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@reading
def children(actor: Actor) -> list[Child]:
    """The pupils whose diary this reader may open: themself, or a guardian's children."""
    if actor.role == STUDENT and actor.student_id:
        ids = [actor.student_id]
    elif actor.role == GUARDIAN and actor.guardian_id:
        ids = [
            sg.student_id
            for sg in StudentGuardian.select(StudentGuardian.student).where(
                StudentGuardian.guardian == actor.guardian_id
            )
        ]
    else:
        return []
    out = []
    for student in Student.select().where(Student.id.in_(ids)).order_by(Student.birth_date):
        enrollment = (
            Enrollment.select(Enrollment, SchoolClass)
            .join(SchoolClass)
            .where(Enrollment.student == student.id)
            .order_by(Enrollment.start.desc())
            .first()
        )
        if enrollment is None:
            continue
        c = enrollment.school_class
        out.append(Child(student.id, f"{student.surname} {student.first_name}", c.name, c.grade, c.year_id))
    return out


def _enrollments(student_id: int, start: dt.date, end: dt.date) -> list[Enrollment]:
    return list(
        Enrollment.select().where(
            (Enrollment.student == student_id)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
    )


def _groups(student_id: int, start: dt.date, end: dt.date) -> set[tuple[int, dt.date, dt.date]]:
    return {
        (m.subgroup_id, m.period.start, m.period.end)
        for m in SubgroupMember.select(SubgroupMember, Period)
        .join(Period)
        .where((SubgroupMember.student == student_id) & (Period.start <= end) & (Period.end >= start))
    }


def _attends(enrollments, groups, class_id: int, subgroup_id: int | None, day: dt.date) -> bool:
    """Whether the pupil sits in a course's lesson on `day`: enrolled in its class then, and
    a member of its subgroup (if it has one) in that period."""
    enrolled = any(
        e.school_class_id == class_id and e.start <= day and (e.end is None or day <= e.end)
        for e in enrollments
    )
    if not enrolled:
        return False
    return subgroup_id is None or any(g == subgroup_id and a <= day <= b for g, a, b in groups)


def _lessons_of(student_id: int, start: dt.date, end: dt.date):
    """The pupil's lessons in [start, end]: their class's courses on enrolled days, their subgroups."""
    enrollments = _enrollments(student_id, start, end)
    if not enrollments:
        return []
    groups = _groups(student_id, start, end)
    class_ids = [e.school_class_id for e in enrollments]
    query = (
        Lesson.select(Lesson, Course, Subject)
        .join(Course)
        .join(Subject)
        .where((Course.school_class.in_(class_ids)) & (Lesson.date >= start) & (Lesson.date <= end))
        .order_by(Lesson.date, Lesson.number)
    )
    return [
        lesson
        for lesson in query
        if _attends(
            enrollments, groups, lesson.course.school_class_id, lesson.course.subgroup_id, lesson.date
        )
    ]


def _planned(student_id: int, start: dt.date, end: dt.date, taken: set[tuple[dt.date, int, int]]):
    """The timetable's lessons on the school days after today in [start, end] that are not in
    the journal yet: (day, number, subject). A parent reads an empty future day as no school."""
    today = clock.today()
    first = max(start, today + dt.timedelta(days=1))
    if first > end:
        return []
    enrollments = _enrollments(student_id, first, end)
    if not enrollments:
        return []
    groups = _groups(student_id, first, end)
    earlier = _groups(student_id, first - dt.timedelta(days=366), end)
    class_ids = [e.school_class_id for e in enrollments]
    rows = list(
        TimetableEntry.select(TimetableEntry, Course, Subject)
        .join(Course)
        .join(Subject)
        .where(
            Course.school_class.in_(class_ids)
            & (TimetableEntry.valid_from <= end)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= first))
        )
    )
    periods: dict[int, list] = {}
    out = []
    day = first
    while day <= end:
        for entry in rows:
            course = entry.course
            if entry.weekday != day.isoweekday() or (day, course.id, entry.number) in taken:
                continue
            if not (entry.valid_from <= day and (entry.valid_to is None or day <= entry.valid_to)):
                continue
            if not _attends(enrollments, groups, course.school_class_id, course.subgroup_id, day):
                # a subgroup whose split for that period is not made yet: the pupil's group so far
                split_known = any(a <= day <= b for _, a, b in groups)
                guessed = course.subgroup_id in {g for g, _, _ in earlier}
                in_class = _attends(enrollments, groups, course.school_class_id, None, day)
                if course.subgroup_id is None or split_known or not guessed or not in_class:
                    continue
            klass = course.school_class_id
            if klass not in periods:
                school_class = SchoolClass.get_by_id(klass)
                periods[klass] = list(periods_for_grade_query(school_class.year_id, school_class.grade))
            if is_school_day(day, periods[klass]):
                out.append((day, entry.number, course.subject.name))
        day += dt.timedelta(days=1)
    return out


def _entries(student_id: int, lesson_ids: list[int]):
    marks: dict[int, list[Mark]] = {}
    absences: dict[int, str] = {}
    if lesson_ids:
        for m in (
            Mark.select()
            .where((Mark.student == student_id) & Mark.lesson.in_(lesson_ids))
            .order_by(Mark.position)
        ):
            marks.setdefault(m.lesson_id, []).append(m)
        for a in Absence.select().where((Absence.student == student_id) & Absence.lesson.in_(lesson_ids)):
            absences[a.lesson_id] = a.code
    return marks, absences


@reading
def week(actor: Actor, student_id: int, monday: dt.date) -> list[DiaryDay]:
    """Monday to Saturday of one week: each day's lessons with topic, homework, marks, absences."""
    require_reader_of_student(actor, student_id)
    monday = monday_of(monday)
    saturday = monday + dt.timedelta(days=5)
    lessons = _lessons_of(student_id, monday, saturday)
    marks, absences = _entries(student_id, [lesson.id for lesson in lessons])
    corrected = corrections_of(student_id, [lesson.id for lesson in lessons])
    taken = {(lesson.date, lesson.course_id, lesson.number) for lesson in lessons}
    planned = _planned(student_id, monday, saturday, taken)
    days = []
    for offset in range(6):
        day = monday + dt.timedelta(days=offset)
        items = [
            DiaryLesson(
                lesson.number,
                lesson.course.subject.name,
                lesson.topic,
                lesson.homework,
                tuple(m.value for m in marks.get(lesson.id, [])),
                absences.get(lesson.id),
                homework_at=lesson.homework_at,
                no_homework=lesson.no_homework,
                corrected=corrected.get(lesson.id),
            )
            for lesson in lessons
            if lesson.date == day
        ]
        items += [
            DiaryLesson(n, subject, "", "", (), None, planned=True) for d, n, subject in planned if d == day
        ]
        days.append(DiaryDay(day, tuple(sorted(items, key=lambda i: (i.number, i.subject)))))
    return days


@reading
def period_marks(actor: Actor, student_id: int, period_id: int) -> list[SubjectMarks]:
    """Per subject: every mark of the period with date and work type, averages, the final mark."""
    require_reader_of_student(actor, student_id)
    period = Period.get_by_id(period_id)
    lessons = _lessons_of(student_id, period.start, period.end)
    marks, _ = _entries(student_id, [lesson.id for lesson in lessons])
    rows = list(WorkType.select())
    work_types = {wt.id: (wt.name, wt.weight) for wt in rows}
    default = next(((wt.name, wt.weight) for wt in rows if wt.is_default), ("", 1))
    finals = {
        f.subject_id: f.value
        for f in FinalMark.select().where(
            (FinalMark.student == student_id) & (FinalMark.scope == f"P{period.id}")
        )
    }
    by_subject: dict[int, list] = {}
    names: dict[int, str] = {}
    for lesson in lessons:
        subject = lesson.course.subject
        names[subject.id] = subject.name
        by_subject.setdefault(subject.id, [])
        for m in marks.get(lesson.id, []):
            wt_id = m.work_type_id or lesson.work_type_id
            name, weight = work_types.get(wt_id, default) if wt_id else default
            by_subject[subject.id].append((lesson.date, m.value, name, weight))
    out = []
    for subject_id, items in sorted(by_subject.items(), key=lambda kv: names[kv[0]]):
        out.append(
            SubjectMarks(
                names[subject_id],
                tuple((d, v, n) for d, v, n, _ in items),
                averages((v, w) for _, v, _, w in items),
                finals.get(subject_id, ""),
            )
        )
    return out


@reading
def periods_of(actor: Actor, student_id: int) -> list[tuple[int, str, dt.date, dt.date]]:
    require_reader_of_student(actor, student_id)
    child = next((c for c in _classes_of(student_id)), None)
    if child is None:
        return []
    grade, year_id = child
    return [(p.id, p.name, p.start, p.end) for p in periods_for_grade_query(year_id, grade)]


def _classes_of(student_id: int):
    for e in (
        Enrollment.select(Enrollment, SchoolClass)
        .join(SchoolClass)
        .where(Enrollment.student == student_id)
        .order_by(Enrollment.start.desc())
    ):
        yield e.school_class.grade, e.school_class.year_id


@service
def record_view(actor: Actor, student_id: int, what: str, ref: str = "") -> None:
    """A pupil or guardian looked at the diary (opening, a week, a period's marks)."""
    require_reader_of_student(actor, student_id)
    if actor.role not in (STUDENT, GUARDIAN):
        return  # staff reading a diary is not parents' activity
    DiaryView.insert(user=actor.user_id, student=student_id, what=what, ref=ref).execute()


@service
def acknowledge_week(actor: Actor, student_id: int, monday: dt.date) -> dt.datetime:
    """A guardian's «Ознакомлен(а)» with the pupil's week (R6): kept once per guardian and
    week (again: the first time stays); the homeroom teacher sees it in parents' activity.
    Only a guardian of the pupil, and only for a week that has begun."""
    require_reader_of_student(actor, student_id)
    if actor.role != GUARDIAN:
        raise ValidationError("Отметку «Ознакомлен(а)» ставит родитель (законный представитель).")
    monday = monday_of(monday)
    if monday > clock.today():
        raise ValidationError("Эта неделя ещё не началась: ознакомиться с ней пока нельзя.")
    seen = WeekAcknowledgement.get_or_none(
        (WeekAcknowledgement.student == student_id)
        & (WeekAcknowledgement.monday == monday)
        & (WeekAcknowledgement.user == actor.user_id)
    )
    if seen is not None:
        return seen.at
    at = now()
    WeekAcknowledgement.insert(
        user=actor.user_id, student=student_id, monday=monday, at=at
    ).on_conflict_ignore().execute()
    return at


@reading
def week_acknowledged(actor: Actor, student_id: int, monday: dt.date) -> dt.datetime | None:
    """When a guardian of the pupil first acknowledged the week (None: not yet)."""
    require_reader_of_student(actor, student_id)
    first = (
        WeekAcknowledgement.select(fn.MIN(WeekAcknowledgement.at))
        .where(
            (WeekAcknowledgement.student == student_id) & (WeekAcknowledgement.monday == monday_of(monday))
        )
        .scalar()
    )
    if first is None or isinstance(first, dt.datetime):
        return first
    return dt.datetime.fromisoformat(str(first))
