"""The journal grid of one course for one period, read in bulk.

Besides the course/period lookup, three queries: the pupils (with their final marks),
the lessons (with work-type weights), and every mark and absence of those lessons in one
UNION ALL. The screen keeps the result in memory and repaints one cell per keystroke.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, ModelSelect, fn

from models.core import clock
from models.core.access import Actor, get_course, may_record_absence, require_staff
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.schema import (
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    Subgroup,
    SubgroupMember,
    Subject,
    User,
    WorkType,
)
from models.core.service import reading
from models.core.settings import Settings
from models.core.settings import load as load_settings
from models.journal.entries import Cell, read_cells
from models.journal.grading import Averages, averages, suggest_period_mark
from models.journal.plan import is_closed
from models.people.moves import carried_marks
from models.people.names import short_names
from models.school.calendar import is_for_grade


@dataclass(frozen=True)
class GridPupil:
    student_id: int
    name: str
    start: dt.date  # within the period: from when the pupil is in the course
    end: dt.date | None

    def present_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class GridLesson:
    id: int
    date: dt.date
    number: int
    topic: str
    homework: str
    work_type_id: int | None
    weight: Decimal
    no_homework: bool = False
    attendance_taken: bool = False

    @property
    def closed(self) -> bool:
        """Topic, homework or «без д/з», attendance (models.journal.plan)."""
        return is_closed(self.topic, self.homework, self.no_homework, self.attendance_taken)


@dataclass
class Grid:
    course_id: int
    class_id: int
    class_name: str
    subject_id: int
    subject: str
    teacher: str
    subgroup: str
    period_id: int
    period_name: str
    period_start: dt.date
    period_end: dt.date
    pupils: list[GridPupil]
    lessons: list[GridLesson]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)  # (lesson, student)
    finals: dict[int, str] = field(default_factory=dict)
    reopened: set[int] = field(default_factory=set)  # pupils whose frozen marks the admin opened
    weights: dict[int, Decimal] = field(default_factory=dict)  # work type → weight
    # pupil → (mark, weight) of this period given in the subject in another class (moved)
    elsewhere: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    # what the reader may change here (the services check again at each write): lessons, marks
    # and final marks (the course's teacher, an admin); absences (also the homeroom teacher)
    may_edit: bool = False
    may_record_absence: bool = False

    def cell(self, lesson_id: int, student_id: int) -> Cell:
        return self.cells.get((lesson_id, student_id), Cell())

    def has_absences(self, lesson_id: int) -> bool:
        return any(cell.absence for (lesson, _), cell in self.cells.items() if lesson == lesson_id)

    def present(self, student_id: int, day: dt.date) -> bool:
        """Whether the pupil sat in this course on `day` (outside: «·», and nothing counts)."""
        return any(p.student_id == student_id and p.present_on(day) for p in self.pupils)

    def averages(self, student_id: int) -> Averages:
        """The period's marks of the pupil (PERIOD_RULE of models.reports.analysis): those of
        the lessons here the pupil sat in, and those brought from another class."""
        pairs = list(self.elsewhere.get(student_id, ()))
        for lesson in self.lessons:
            cell = self.cells.get((lesson.id, student_id))
            if cell is None or not cell.marks or not self.present(student_id, lesson.date):
                continue
            for mark in cell.marks:
                weight = (
                    self.weights.get(mark.work_type_id, lesson.weight) if mark.work_type_id else lesson.weight
                )
                pairs.append((mark.value, weight))
        return averages(pairs)

    def forecast(self, student_id: int) -> bool:
        """The period runs and the pupil has marks, but fewer than the minimum: the suggestion
        is the average so far (RUNNING_RULE), not a mark to confirm yet."""
        count = self.averages(student_id).count
        return 0 < count < max(self.settings.min_marks_for_period, 1) and clock.today() <= self.period_end

    def suggestion(self, student_id: int) -> str:
        return suggest_period_mark(
            self.averages(student_id),
            self.settings.rounding_threshold,
            self.settings.min_marks_for_period,
            running=clock.today() <= self.period_end,
        )


def _work_type_weights() -> tuple[dict[int, Decimal], Decimal]:
    """Every work type's weight, and the default one's (for lessons without a type)."""
    rows = list(tuples(WorkType.select(WorkType.id, WorkType.weight, WorkType.is_default)))
    weights = {wt_id: Decimal(weight) for wt_id, weight, _ in rows}
    default = next((Decimal(weight) for _, weight, is_default in rows if is_default), Decimal(1))
    return weights, default


@reading
def load_grid(actor: Actor, course_id: int, period_id: int) -> Grid:
    """Everything the marks grid of a course in a period shows; staff only (R17)."""
    require_staff(actor)
    course = _course(course_id)
    school_class = course.school_class
    period = _period_of_class(period_id, school_class)
    weights, default_weight = _work_type_weights()
    pupils, finals, reopened = _pupils_with_finals(course, period)
    lessons = _lessons(course, period, weights, default_weight)
    cells = read_cells(Lesson.select(Lesson.id).where(_of_the_period(course, period)))
    arrived = [p.student_id for p in pupils if p.start > period.start]
    elsewhere = _marks_elsewhere(course, period, arrived, weights, default_weight) if arrived else {}
    if arrived:  # marks brought from another school too (models.people.moves)
        for sid, pairs in carried_marks(arrived, course.subject.name, period.start, period.end).items():
            elsewhere.setdefault(sid, []).extend(pairs)
    teacher = course.teacher
    return Grid(
        course_id=course.id,
        class_id=school_class.id,
        class_name=school_class.name,
        subject_id=course.subject_id,
        subject=course.subject.name,
        teacher=f"{teacher.surname} {teacher.first_name}".strip(),
        subgroup=course.subgroup.name if course.subgroup_id and course.subgroup else "",
        period_id=period.id,
        period_name=period.name,
        period_start=period.start,
        period_end=period.end,
        pupils=pupils,
        lessons=lessons,
        cells=cells,
        finals=finals,
        reopened=reopened,
        weights=weights,
        elsewhere=elsewhere,
        settings=load_settings(),
        # a closed period reads only (models.journal.corrections): nothing to type into
        may_edit=not period.closed and (actor.is_admin or course.teacher_id == actor.user_id),
        may_record_absence=not period.closed and may_record_absence(actor, course),
    )


def _course(course_id: int) -> Course:
    """The course with its class, subject and teacher (one query); NotFound without it."""
    return (
        Course.select(Course, SchoolClass, Subject, User)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .switch(Course)
        .join(User, on=(Course.teacher == User.id))
        .where(Course.id == course_id)
        .first()
    ) or get_course(course_id)


def _period_of_class(period_id: int, school_class: SchoolClass) -> Period:
    """The period, if it is one of the class's (its year, its grade)."""
    period = Period.get_or_none(Period.id == period_id)
    if period is None or not is_for_grade(period, school_class.year_id, school_class.grade):
        raise ValidationError("Этот учебный период не относится к классу курса.")
    return period


def _pupils_with_finals(course: Course, period: Period) -> tuple[list[GridPupil], dict[int, str], set[int]]:
    """1. The pupils of the course in the period (the class's, or its subgroup's members for
    the period), each from when they are in it, with their period mark (one query)."""
    final = FinalMark.alias()
    pupils_q = (
        Enrollment.select(
            Enrollment.start,
            Enrollment.end,
            Student.id,
            Student.surname,
            Student.first_name,
            Student.patronymic,
            final.value,
            final.reopened,
        )
        .join(Student)
        .join(
            final,
            JOIN.LEFT_OUTER,
            on=(
                (final.student == Student.id)
                & (final.subject == course.subject_id)
                & (final.scope == f"P{period.id}")
            ),
        )
        .where(
            (Enrollment.school_class == course.school_class_id)
            & (Enrollment.start <= period.end)
            & (Enrollment.end.is_null() | (Enrollment.end >= period.start))
        )
        .order_by(Student.surname, Student.first_name, Enrollment.start)
    )
    if course.subgroup_id is not None:
        members = SubgroupMember.select(SubgroupMember.student).where(
            (SubgroupMember.subgroup == course.subgroup_id) & (SubgroupMember.period == period.id)
        )
        pupils_q = pupils_q.where(Student.id.in_(members))
    pupils: list[GridPupil] = []
    finals: dict[int, str] = {}
    reopened: set[int] = set()
    rows = list(tuples(pupils_q))
    names = short_names(
        (sid, surname, first, patronymic) for _, _, sid, surname, first, patronymic, _, _ in rows
    )
    for start, end, sid, _surname, _first, _patronymic, final_value, opened in rows:
        pupils.append(GridPupil(sid, names[sid], max(start, period.start), end))
        if final_value:
            finals[sid] = final_value
        if opened:
            reopened.add(sid)
    return pupils, finals, reopened


def _marks_elsewhere(
    course: Course,
    period: Period,
    student_ids: list[int],
    weights: dict[int, Decimal],
    default_weight: Decimal,
) -> dict[int, list[tuple[int, Decimal]]]:
    """3a. The period's marks in the subject of pupils who came from another class, given
    there while they were in it (PERIOD_RULE): (value, weight) per pupil."""
    query = (
        Mark.select(Mark.student, Mark.value, Mark.work_type, Lesson.work_type)
        .join(Lesson)
        .join(Course)
        .join(
            Enrollment,
            on=(
                (Enrollment.student == Mark.student)
                & (Enrollment.school_class == Course.school_class)
                & (Enrollment.start <= Lesson.date)
                & (Enrollment.end.is_null() | (Enrollment.end >= Lesson.date))
            ),
        )
        .where(
            Mark.student.in_(student_ids)
            & (Course.subject == course.subject_id)
            & (Course.school_class != course.school_class_id)
            & (Lesson.date >= period.start)
            & (Lesson.date <= period.end)
        )
    )
    out: dict[int, list[tuple[int, Decimal]]] = {}
    for sid, value, own_type, lesson_type in tuples(query):
        kind = own_type or lesson_type
        out.setdefault(sid, []).append((value, weights.get(kind, default_weight) if kind else default_weight))
    return out


def _of_the_period(course: Course, period: Period):
    """The condition on Lesson: the course's lessons in the period."""
    return (Lesson.course == course.id) & (Lesson.date >= period.start) & (Lesson.date <= period.end)


def _lessons(
    course: Course, period: Period, weights: dict[int, Decimal], default_weight: Decimal
) -> list[GridLesson]:
    """2. The lessons of the period in order, each with its work type's weight."""
    return [
        GridLesson(
            lesson.id,
            lesson.date,
            lesson.number,
            lesson.topic,
            lesson.homework,
            lesson.work_type_id,
            weights.get(lesson.work_type_id, default_weight) if lesson.work_type_id else default_weight,
            lesson.no_homework,
            lesson.attendance_taken,
        )
        for lesson in Lesson.select()
        .where(_of_the_period(course, period))
        .order_by(Lesson.date, Lesson.number)
    ]


def courses_with_names():
    """Courses joined with their class, subject, teacher and (optional) subgroup: one query."""
    return join_course_names(Course.select(Course, SchoolClass, Subject, User, Subgroup))


def join_course_names(query: ModelSelect) -> ModelSelect:
    """`query` (at Course: its select or a join into it) joined with the course's class,
    subject, teacher and (optional) subgroup; select their columns in `query` to read them."""
    return (
        query.join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .switch(Course)
        .join(User, on=(Course.teacher == User.id))
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER)
    )


@dataclass(frozen=True)
class CourseChoice:
    course_id: int
    class_id: int
    class_name: str
    grade: int
    subject: str
    subgroup: str
    teacher: str
    own: bool  # the user teaches it (may write marks)
    lessons_today: int
    year_id: int = 0  # the class's school year (a closed year's journal opens read-only)

    @property
    def title(self) -> str:
        group = f" ({self.subgroup})" if self.subgroup else ""
        return f"{self.class_name} · {self.subject}{group}"


@reading
def course_choices(actor: Actor, year_id: int, today: dt.date) -> list[CourseChoice]:
    """Courses to open: the user's own first, those with a lesson today on top (two queries).

    A teacher sees their own courses and those of the class they keep; an admin every course.
    """
    require_staff(actor)
    today_counts = {
        course_id: count
        for course_id, count in tuples(
            Lesson.select(Lesson.course, fn.COUNT(Lesson.id))
            .where(Lesson.date == today)
            .group_by(Lesson.course)
        )
    }
    query = courses_with_names().where(SchoolClass.year == year_id)
    if not actor.is_admin:
        query = query.where((Course.teacher == actor.user_id) | (SchoolClass.homeroom == actor.user_id))
    out = [
        CourseChoice(
            course_id=c.id,
            class_id=c.school_class_id,
            class_name=c.school_class.name,
            grade=c.school_class.grade,
            subject=c.subject.name,
            subgroup=c.subgroup.name if c.subgroup_id else "",
            teacher=f"{c.teacher.surname} {c.teacher.first_name[:1]}.".strip(),
            own=c.teacher_id == actor.user_id,
            lessons_today=today_counts.get(c.id, 0),
            year_id=c.school_class.year_id,
        )
        for c in query
    ]
    out.sort(
        key=lambda c: (
            not c.own,
            c.lessons_today == 0,
            c.grade,
            c.class_name,
            c.subject,
            c.subgroup,
        )
    )
    return out


@dataclass(frozen=True)
class WorkTypeInfo:
    id: int
    name: str
    weight: Decimal
    is_default: bool


@reading
def work_types() -> list[WorkTypeInfo]:
    return [
        WorkTypeInfo(w.id, w.name, Decimal(w.weight), w.is_default)
        for w in WorkType.select().order_by(WorkType.weight, WorkType.name)
    ]
