"""Control of subject teachers (R14): for a class and a date range, per course (subject ×
teacher [× subgroup]) the lessons held, lessons with no mark at all, lessons with no topic,
marks entered late (Mark.entered_at more than Settings.late_entry_days after the lesson),
corrections after the edit window and after the period mark (R21, with their reasons: the
Correction rows), marks per pupil and, once a period is over, pupils without its final mark.
Worst first.

The same figures for a teacher's own courses feed the duties dashboard (models.reports.duties).
Bulk reads: seven queries whatever the number of courses; portable SQL.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from peewee import SQL, Case, Expression, Function, fn

from models.core import clock
from models.core.access import Actor, require_admin, require_staff
from models.core.db import as_date, days_after, tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Correction,
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    SubgroupMember,
    TimetableEntry,
)
from models.core.service import reading
from models.core.settings import load as load_settings
from models.journal.grid import CourseChoice, courses_with_names
from models.school.calendar import is_for_grade


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
    without_homework: int = 0  # neither homework nor an explicit «без д/з»
    not_closed: int = 0  # not closed on the lesson's day (topic, д/з, attendance: plan.py)
    corrections: int = 0  # marks changed after the edit window, with a reason
    after_final: int = 0  # … of those, after the pupil's period mark (opened by the admin)

    @property
    def marks_per_pupil(self) -> Decimal | None:
        """None where there is nothing to divide: no pupils, or no lesson held yet (a period
        to come reads «—», not «0,00»)."""
        return Decimal(self.marks) / self.pupils if self.pupils and self.lessons else None

    @property
    def problems(self) -> int:
        return (
            self.without_marks
            + self.without_topic
            + self.late_marks
            + self.finals_missing
            + self.not_closed
            + self.after_final
        )

    @property
    def score(self) -> Decimal:
        """How far behind: the shares of empty lessons, lessons without a topic, lessons not
        closed on their day, late marks and missing final marks, added up (0 — all in order;
        worst first sorts by it)."""

        def share(part: int, whole: int) -> Decimal:
            return Decimal(part) / whole if whole else Decimal(0)

        return (
            share(self.without_marks, self.lessons)
            + share(self.without_topic, self.lessons)
            + share(self.not_closed, self.lessons)
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


def _count_if(condition) -> Function:
    return fn.SUM(Case(None, [(condition, SQL("1"))], SQL("0")))


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


@dataclass
class _Reads:
    """What the control of a set of courses reads in bulk, whatever their number."""

    today: dt.date
    lessons: dict[int, tuple[int, int, int, int, int]]  # course → (held, without a topic,
    # without a mark, without homework or «без д/з», not closed on the day)
    marks: dict[int, int]  # course → marks
    late: dict[int, int]  # course → marks entered late
    corrected: dict[int, tuple[int, int]]  # course → (corrections, of them after the period mark)
    periods: list[Period]  # the classes' periods that touch the range
    stints: dict[int, list[tuple[int, dt.date, dt.date | None]]]  # class → (pupil, start, end)
    members: dict[int, dict[int, set[int]]]  # subgroup → period → pupils
    finals: set[tuple[int, int, str]]  # (pupil, subject, scope) given, of the periods over
    taught_since: dict[int, dt.date]  # course → its first lesson or timetable day


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
    lessons = _lessons_held([(course_ids, start, held_until)])
    marks, late = _marks_entered([(course_ids, start, held_until)], settings.late_entry_days)
    periods = _periods_touching({c.school_class.year_id for c in courses}, start, end)
    stints = _stints(class_ids, start, end)
    members = _subgroup_members({c.subgroup_id for c in courses if c.subgroup_id}, periods)
    finals = _finals_given(class_ids, [p for p in periods if p.end < today])
    taught = _taught_since(course_ids)
    corrected = _corrections(course_ids, start, held_until)
    reads = _Reads(today, lessons, marks, late, corrected, periods, stints, members, finals, taught)
    return worst_first(_course_control(course, reads) for course in courses)


# Courses' lessons between two days: (courses, first day, last day held), read together.
Span = tuple[list[int], dt.date, dt.date]


def _in_spans(spans: list[Span]) -> Expression | None:
    """The lessons of the spans (a span ending before it starts holds none); None: none."""
    parts = [
        Lesson.course.in_(course_ids) & (Lesson.date >= start) & (Lesson.date <= held_until)
        for course_ids, start, held_until in spans
        if course_ids and held_until >= start
    ]
    return reduce(operator.or_, parts) if parts else None


def _lessons_held(spans: list[Span]) -> dict[int, tuple[int, int, int, int, int]]:
    """Lessons held per course: all, without a topic, without a single mark, without homework
    (or «без д/з»), not closed on their own day (DATE() of closed_at: portable)."""
    lessons: dict[int, tuple[int, int, int, int, int]] = {}
    where = _in_spans(spans)
    if where is None:
        return lessons
    has_mark = Mark.select(SQL("1")).where(Mark.lesson == Lesson.id)
    for course_id, total, no_topic, no_marks, no_homework, not_closed in tuples(
        Lesson.select(
            Lesson.course,
            fn.COUNT(Lesson.id),
            _count_if(Lesson.topic == ""),
            _count_if(~fn.EXISTS(has_mark)),
            _count_if((Lesson.homework == "") & (Lesson.no_homework == False)),  # noqa: E712
            _count_if(Lesson.closed_at.is_null() | (fn.DATE(Lesson.closed_at) > Lesson.date)),
        )
        .where(where)
        .group_by(Lesson.course)
    ):
        counts = (no_topic, no_marks, no_homework, not_closed)
        lessons[course_id] = (total, *(int(n or 0) for n in counts))
    return lessons


def _marks_entered(spans: list[Span], late_entry_days: int) -> tuple[dict[int, int], dict[int, int]]:
    """Marks per course, and those entered more than `late_entry_days` after the lesson
    (whole days from the lesson to the day of entry)."""
    marks: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    where = _in_spans(spans)
    if where is None:
        return marks, late
    for course_id, n, n_late in tuples(
        Mark.select(
            Lesson.course,
            fn.COUNT(Mark.id),
            _count_if(days_after(Mark.entered_at, Lesson.date) > late_entry_days),
        )
        .join(Lesson)
        .where(where)
        .group_by(Lesson.course)
    ):
        marks[course_id] = n
        if n_late:
            late[course_id] = int(n_late)
    return marks, late


def _corrections(course_ids: list[int], start: dt.date, held_until: dt.date) -> dict[int, tuple[int, int]]:
    """Corrections per course in the range's lessons: all of them, and those after the
    period mark."""
    out: dict[int, tuple[int, int]] = {}
    if held_until < start:
        return out
    for course_id, n, after_final in tuples(
        Correction.select(Lesson.course, fn.COUNT(Correction.id), _count_if(Correction.after_final == True))  # noqa: E712
        .join(Lesson)
        .where(Lesson.course.in_(course_ids) & (Lesson.date >= start) & (Lesson.date <= held_until))
        .group_by(SQL("1"))
    ):
        out[course_id] = (n, int(after_final or 0))
    return out


def _taught_since(course_ids: list[int]) -> dict[int, dt.date]:
    """Per course, the first day it was taught: its first lesson, or the first day of its
    timetable if earlier (a course set up mid-year owes nothing for the periods before)."""
    since: dict[int, dt.date] = {}
    firsts = (
        Lesson.select(Lesson.course, fn.MIN(Lesson.date))
        .where(Lesson.course.in_(course_ids))
        .group_by(Lesson.course),
        TimetableEntry.select(TimetableEntry.course, fn.MIN(TimetableEntry.valid_from))
        .where(TimetableEntry.course.in_(course_ids))
        .group_by(TimetableEntry.course),
    )
    for query in firsts:
        for course_id, day in tuples(query):
            day = as_date(day)
            since[course_id] = min(day, since.get(course_id, day))
    return since


def _periods_touching(years: set[int], start: dt.date, end: dt.date) -> list[Period]:
    """The periods of these years that touch the range (those over need final marks)."""
    return list(Period.select().where(Period.year.in_(years) & (Period.start <= end) & (Period.end >= start)))


def _stints(
    class_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, list[tuple[int, dt.date, dt.date | None]]]:
    """Per class, its pupils' enrollments that touch the range: (pupil, start, end)."""
    stints: dict[int, list[tuple[int, dt.date, dt.date | None]]] = defaultdict(list)
    for class_id, sid, a, b in tuples(
        Enrollment.select(
            Enrollment.school_class, Enrollment.student, Enrollment.start, Enrollment.end
        ).where(
            Enrollment.school_class.in_(class_ids)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
    ):
        stints[class_id].append((sid, a, b))
    return stints


def _subgroup_members(subgroup_ids: set[int], periods: list[Period]) -> dict[int, dict[int, set[int]]]:
    """Per subgroup and period, its members."""
    members: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    period_ids = [p.id for p in periods]
    if not (subgroup_ids and period_ids):
        return members
    for group, sid, pid in tuples(
        SubgroupMember.select(SubgroupMember.subgroup, SubgroupMember.student, SubgroupMember.period).where(
            SubgroupMember.subgroup.in_(sorted(subgroup_ids)) & SubgroupMember.period.in_(period_ids)
        )
    ):
        members[group][pid].add(sid)
    return members


def _finals_given(class_ids: list[int], ended: list[Period]) -> set[tuple[int, int, str]]:
    """The final marks given for the periods over: (pupil, subject, scope)."""
    if not ended:
        return set()
    pupils_q = Enrollment.select(Enrollment.student).where(Enrollment.school_class.in_(class_ids))
    return set(
        tuples(
            FinalMark.select(FinalMark.student, FinalMark.subject, FinalMark.scope).where(
                FinalMark.scope.in_([f"P{p.id}" for p in ended]) & FinalMark.student.in_(pupils_q)
            )
        )
    )


def _course_control(course: Course, reads: _Reads) -> CourseControl:
    """One course's row: its lessons, marks, pupils and the final marks it owes."""
    school_class = course.school_class
    periods = [p for p in reads.periods if is_for_grade(p, school_class.year_id, school_class.grade)]
    due, missing = _final_marks_owed(course, periods, reads)
    total, no_topic, no_marks, no_homework, not_closed = reads.lessons.get(course.id, (0, 0, 0, 0, 0))
    teacher = course.teacher
    initials = "".join(f"{x[0]}." for x in (teacher.first_name, teacher.patronymic) if x)
    return CourseControl(
        course_id=course.id,
        class_id=school_class.id,
        class_name=school_class.name,
        grade=school_class.grade,
        subject=course.subject.name,
        subgroup=course.subgroup.name if course.subgroup_id and course.subgroup else "",
        teacher_id=course.teacher_id,
        teacher=f"{teacher.surname} {initials}".strip(),
        lessons=total,
        without_marks=no_marks,
        without_topic=no_topic,
        marks=reads.marks[course.id],
        late_marks=reads.late[course.id],
        pupils=len(_course_pupils(course, periods, reads)),
        finals_due=due,
        finals_missing=missing,
        without_homework=no_homework,
        not_closed=not_closed,
        corrections=reads.corrected.get(course.id, (0, 0))[0],
        after_final=reads.corrected.get(course.id, (0, 0))[1],
    )


def _course_pupils(course: Course, periods: list[Period], reads: _Reads) -> set[int]:
    """The pupils of the course in the range: the class's, or its subgroup's in any period."""
    members = reads.members[course.subgroup_id] if course.subgroup_id is not None else None
    return {
        sid
        for sid, _a, _b in reads.stints[course.school_class_id]
        if members is None or any(sid in members[p.id] for p in periods)
    }


def _final_marks_owed(course: Course, periods: list[Period], reads: _Reads) -> tuple[int, int]:
    """For each period of the class over by today in which the course was taught (a lesson or
    its timetable by the period's end, or a final mark given for it), the pupils in the course
    when it ended need its final mark: (how many need one, how many have none)."""
    due = missing = 0
    stints = reads.stints[course.school_class_id]
    since = reads.taught_since.get(course.id)
    for period in periods:
        if period.end >= reads.today:
            continue
        scope = f"P{period.id}"
        graded = any((sid, course.subject_id, scope) in reads.finals for sid, _a, _b in stints)
        if not graded and (since is None or since > period.end):
            continue  # the course was not taught then: set up later in the year
        for sid, a, b in stints:
            if not (a <= period.end and (b is None or b >= period.end)):
                continue  # not in the class when the period ended
            if course.subgroup_id is not None and sid not in reads.members[course.subgroup_id][period.id]:
                continue
            due += 1
            if (sid, course.subject_id, scope) not in reads.finals:
                missing += 1
    return due, missing


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValidationError("Начало периода позже его конца.")


@reading
def control_report(actor: Actor, class_id: int, start: dt.date, end: dt.date) -> list[CourseControl]:
    """Every course of the class between `start` and `end` (inclusive), worst first (staff)."""
    require_staff(actor)
    _check_range(start, end)
    get_or_refuse(SchoolClass, class_id)
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


@dataclass(frozen=True)
class TeacherControl:
    """One teacher's courses added up: the school's view of who keeps the journal (R14)."""

    teacher_id: int
    teacher: str
    courses: int
    lessons: int
    without_marks: int
    without_topic: int
    without_homework: int
    not_closed: int  # not closed on the lesson's day
    late_marks: int
    marks: int
    corrections: int = 0  # after the edit window, with a reason
    after_final: int = 0  # … after the period mark

    @property
    def not_closed_share(self) -> Decimal:
        return Decimal(self.not_closed) / self.lessons if self.lessons else Decimal(0)


def by_teacher(rows: Iterable[CourseControl]) -> list[TeacherControl]:
    """Courses grouped by their teacher, the most lessons not closed on their day (by share)
    first, then by name."""
    grouped: dict[int, list[CourseControl]] = defaultdict(list)
    for row in rows:
        grouped[row.teacher_id].append(row)
    out = [
        TeacherControl(
            teacher_id,
            courses[0].teacher,
            len(courses),
            sum(c.lessons for c in courses),
            sum(c.without_marks for c in courses),
            sum(c.without_topic for c in courses),
            sum(c.without_homework for c in courses),
            sum(c.not_closed for c in courses),
            sum(c.late_marks for c in courses),
            sum(c.marks for c in courses),
            sum(c.corrections for c in courses),
            sum(c.after_final for c in courses),
        )
        for teacher_id, courses in grouped.items()
    ]
    return sorted(out, key=lambda t: (-t.not_closed_share, -t.not_closed, t.teacher))


@dataclass(frozen=True)
class ClassControl:
    """A class's courses between two days, added up: the figures of CourseControl of the
    same names, read as the control screens read them."""

    lessons: int = 0
    not_closed: int = 0
    without_marks: int = 0
    marks: int = 0
    late_marks: int = 0


def classes_control(ranges: dict[tuple[dt.date, dt.date], list[int]]) -> dict[int, ClassControl]:
    """Per class its courses' lessons and marks between the first and the last day of its
    range (`ranges`: (first, last) → classes), for a service that has checked its actor (the
    district's report): three queries, whatever the number of classes and ranges."""
    classes = [class_id for class_ids in ranges.values() for class_id in class_ids]
    class_of = dict(
        tuples(Course.select(Course.id, Course.school_class).where(Course.school_class.in_(classes)))
    )
    today = clock.today()
    spans = [
        ([course for course, k in class_of.items() if k in class_ids], start, min(end, today))
        for (start, end), class_ids in ranges.items()
    ]
    lessons = _lessons_held(spans)
    marks, late = _marks_entered(spans, load_settings().late_entry_days)
    sums: dict[int, list[int]] = {k: [0] * 5 for k in classes}
    for course_id, class_id in class_of.items():
        total, _no_topic, no_marks, _no_homework, not_closed = lessons.get(course_id, (0, 0, 0, 0, 0))
        figures = (total, not_closed, no_marks, marks.get(course_id, 0), late.get(course_id, 0))
        sums[class_id] = [a + b for a, b in zip(sums[class_id], figures, strict=True)]
    return {k: ClassControl(*figures) for k, figures in sums.items()}


@reading
def school_control(actor: Actor, start: dt.date, end: dt.date) -> list[TeacherControl]:
    """Every teacher of the school between `start` and `end`, per teacher (the admin)."""
    require_admin(actor)
    _check_range(start, end)
    return by_teacher(_control(SchoolClass.year.in_(_years_touching(start, end)), start, end))
