"""Control of subject teachers (R14): for a class and a date range, per course (subject ×
teacher [× subgroup]) the lessons held, lessons with no mark at all, lessons with no topic,
marks entered late (Mark.entered_at more than Settings.late_entry_days after the lesson),
marks per pupil and, once a period is over, pupils without its final mark. Worst first.

The same figures for a teacher's own courses feed the duties dashboard (models.reports.duties).
Bulk reads: seven queries whatever the number of courses; portable SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from peewee import SQL, Case, fn

from models.core import clock
from models.core.access import Actor, require_staff
from models.core.errors import NotFound, ValidationError
from models.core.schema import (
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    SubgroupMember,
)
from models.core.service import reading
from models.core.settings import load as load_settings
from models.journal.grid import CourseChoice, courses_with_names


@dataclass(frozen=True)
class CourseControl:
    course_id: int
    class_id: int
    class_name: str
    grade: int
    subject: str
    subgroup: str
    teacher_id: int
    teacher: str
    lessons: int  # held in the range (up to today)
    without_marks: int  # lessons with no mark at all
    without_topic: int
    marks: int
    late_marks: int  # entered more than late_entry_days after the lesson
    pupils: int  # pupils of the course in the range
    finals_due: int  # pupils who needed a final mark of a period that is over
    finals_missing: int

    @property
    def marks_per_pupil(self) -> Decimal | None:
        return Decimal(self.marks) / self.pupils if self.pupils else None

    @property
    def problems(self) -> int:
        return self.without_marks + self.without_topic + self.late_marks + self.finals_missing

    @property
    def score(self) -> Decimal:
        """How far behind: the shares of empty lessons, lessons without a topic, late marks
        and missing final marks, added up (0 — all in order; worst first sorts by it)."""

        def share(part: int, whole: int) -> Decimal:
            return Decimal(part) / whole if whole else Decimal(0)

        return (
            share(self.without_marks, self.lessons)
            + share(self.without_topic, self.lessons)
            + share(self.late_marks, self.marks)
            + share(self.finals_missing, self.finals_due)
        )

    @property
    def title(self) -> str:
        group = f" ({self.subgroup})" if self.subgroup else ""
        return f"{self.class_name} · {self.subject}{group}"

    def course_choice(self, user_id: int) -> CourseChoice:
        """What the journal grid opens with; `own` only for the course's teacher."""
        return CourseChoice(
            course_id=self.course_id,
            class_id=self.class_id,
            class_name=self.class_name,
            grade=self.grade,
            subject=self.subject,
            subgroup=self.subgroup,
            teacher=self.teacher,
            own=self.teacher_id == user_id,
            lessons_today=0,
        )


def _count_if(condition) -> fn:
    return fn.SUM(Case(None, [(condition, SQL("1"))], SQL("0")))


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def worst_first(rows: Iterable[CourseControl]) -> list[CourseControl]:
    return sorted(
        rows,
        key=lambda r: (
            -r.score,
            -r.problems,
            r.marks_per_pupil if r.marks_per_pupil is not None else Decimal(-1),
            r.class_name,
            r.subject,
            r.subgroup,
        ),
    )


def _control(where, start: dt.date, end: dt.date) -> list[CourseControl]:
    """The figures of every course matching `where` (a condition on Course/SchoolClass)."""
    today = clock.today()
    settings = load_settings()
    held_until = min(end, today)
    courses = list(courses_with_names().where(where))
    if not courses:
        return []
    course_ids = [c.id for c in courses]
    class_ids = sorted({c.school_class_id for c in courses})

    # lessons held: all, without a topic, without a single mark
    has_mark = Mark.select(SQL("1")).where(Mark.lesson == Lesson.id)
    lessons: dict[int, tuple[int, int, int]] = {}
    if held_until >= start:
        for course_id, total, no_topic, no_marks in (
            Lesson.select(
                Lesson.course,
                fn.COUNT(Lesson.id),
                _count_if(Lesson.topic == ""),
                _count_if(~fn.EXISTS(has_mark)),
            )
            .where(Lesson.course.in_(course_ids) & (Lesson.date >= start) & (Lesson.date <= held_until))
            .group_by(Lesson.course)
            .tuples()
        ):
            lessons[course_id] = (total, int(no_topic or 0), int(no_marks or 0))

    # marks per course, lesson day and the day they were entered (DATE() is portable)
    marks: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    if held_until >= start:
        for course_id, day, entered, n in (
            Mark.select(Lesson.course, Lesson.date, fn.DATE(Mark.entered_at), fn.COUNT(Mark.id))
            .join(Lesson)
            .where(Lesson.course.in_(course_ids) & (Lesson.date >= start) & (Lesson.date <= held_until))
            .group_by(SQL("1"), SQL("2"), SQL("3"))
            .tuples()
        ):
            marks[course_id] += n
            if (_as_date(entered) - _as_date(day)).days > settings.late_entry_days:
                late[course_id] += n

    # periods of these classes that touch the range; those over by today need final marks
    years = {c.school_class.year_id for c in courses}
    periods = list(
        Period.select().where(Period.year.in_(years) & (Period.start <= end) & (Period.end >= start))
    )
    period_ids = [p.id for p in periods]
    stints: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for class_id, sid, a, b in (
        Enrollment.select(Enrollment.school_class, Enrollment.student, Enrollment.start, Enrollment.end)
        .where(
            Enrollment.school_class.in_(class_ids)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
        .tuples()
    ):
        stints[class_id].append((sid, a, b))
    subgroup_ids = sorted({c.subgroup_id for c in courses if c.subgroup_id})
    members: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    if subgroup_ids and period_ids:
        for group, sid, pid in (
            SubgroupMember.select(SubgroupMember.subgroup, SubgroupMember.student, SubgroupMember.period)
            .where(SubgroupMember.subgroup.in_(subgroup_ids) & SubgroupMember.period.in_(period_ids))
            .tuples()
        ):
            members[group][pid].add(sid)
    ended = [p for p in periods if p.end < today]
    finals: set[tuple[int, int, str]] = set()
    if ended:
        pupils_q = Enrollment.select(Enrollment.student).where(Enrollment.school_class.in_(class_ids))
        finals = set(
            FinalMark.select(FinalMark.student, FinalMark.subject, FinalMark.scope)
            .where(FinalMark.scope.in_([f"P{p.id}" for p in ended]) & FinalMark.student.in_(pupils_q))
            .tuples()
        )

    out = []
    for course in courses:
        school_class = course.school_class
        mine = [
            p
            for p in periods
            if p.year_id == school_class.year_id and p.grade_from <= school_class.grade <= p.grade_to
        ]
        pupils: set[int] = set()
        for sid, _a, _b in stints[school_class.id]:
            if course.subgroup_id is None or any(sid in members[course.subgroup_id][p.id] for p in mine):
                pupils.add(sid)
        due = missing = 0
        for period in mine:
            if period.end >= today:
                continue
            for sid, a, b in stints[school_class.id]:
                if not (a <= period.end and (b is None or b >= period.end)):
                    continue  # not in the class when the period ended
                if course.subgroup_id is not None and sid not in members[course.subgroup_id][period.id]:
                    continue
                due += 1
                if (sid, course.subject_id, f"P{period.id}") not in finals:
                    missing += 1
        total, no_topic, no_marks = lessons.get(course.id, (0, 0, 0))
        teacher = course.teacher
        initials = "".join(f"{x[0]}." for x in (teacher.first_name, teacher.patronymic) if x)
        out.append(
            CourseControl(
                course_id=course.id,
                class_id=school_class.id,
                class_name=school_class.name,
                grade=school_class.grade,
                subject=course.subject.name,
                subgroup=course.subgroup.name if course.subgroup_id else "",
                teacher_id=course.teacher_id,
                teacher=f"{teacher.surname} {initials}".strip(),
                lessons=total,
                without_marks=no_marks,
                without_topic=no_topic,
                marks=marks[course.id],
                late_marks=late[course.id],
                pupils=len(pupils),
                finals_due=due,
                finals_missing=missing,
            )
        )
    return worst_first(out)


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError("Начало периода позже его конца.")


@reading
def control_report(actor: Actor, class_id: int, start: dt.date, end: dt.date) -> list[CourseControl]:
    """Every course of the class between `start` and `end` (inclusive), worst first (staff)."""
    require_staff(actor)
    _check_range(start, end)
    if SchoolClass.get_or_none(SchoolClass.id == class_id) is None:
        raise NotFound("Такого класса нет.")
    return _control(Course.school_class == class_id, start, end)


@reading
def teacher_control(actor: Actor, start: dt.date, end: dt.date) -> list[CourseControl]:
    """The user's own courses of the year between `start` and `end`, worst first."""
    require_staff(actor)
    _check_range(start, end)
    return _control(
        (Course.teacher == actor.user_id) & (SchoolClass.year.in_(_years_touching(start, end))),
        start,
        end,
    )


def _years_touching(start: dt.date, end: dt.date):
    from models.core.schema import SchoolYear

    return SchoolYear.select(SchoolYear.id).where((SchoolYear.start <= end) & (SchoolYear.end >= start))
