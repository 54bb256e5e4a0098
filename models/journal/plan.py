"""A course's calendar-thematic plan (КТП) and closing a lesson (issue 17, R14).

The plan is the year's lessons of a course as its teacher planned them: one PlanItem per hour,
in order (a topic of two hours is two items). Item N belongs to the course's N-th lesson in
date order, so a lesson cancelled (deleted) or moved shifts the plan by itself. Importing a
plan fills the empty topics of the course's lessons, never over one the teacher typed; the
lessons still to come follow the plan again when lessons are added, cancelled or moved
(`reflow_plan`, called by those services). F4 in the grid offers the lesson's plan item.

A lesson is **closed** when it has its topic, its homework or an explicit «без д/з», and its
attendance taken (an absence typed, or «все присутствуют» confirmed): Lesson.closed_at says
when it became so; «closed on the day» is a closed_at on the lesson's own date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.core import audit, clock
from models.core.access import Actor, get_course, require_course_teacher, require_staff
from models.core.errors import ValidationError
from models.core.locks import take_turns
from models.core.schema import Absence, Course, Enrollment, Lesson, Mark, PlanItem, Subject, WorkType, now
from models.core.service import reading, service
from models.imports.headers import normalize_header
from models.school.classes import find_class
from models.school.lessons import timetable_lessons_after

if TYPE_CHECKING:  # the parser (models.imports.lesson_plan) is loaded by an import only
    from models.imports.lesson_plan import ParsedPlan

MAX_TOPIC = 500  # a lesson's topic (and a plan's: models.imports.lesson_plan checks the same)

# --- closing a lesson ---------------------------------------------------------------------------


def is_closed(topic: str, homework: str, no_homework: bool, attendance_taken: bool) -> bool:
    return bool(topic.strip()) and (bool(homework.strip()) or no_homework) and attendance_taken


def lesson_closed(lesson: Lesson) -> bool:
    return is_closed(lesson.topic, lesson.homework, lesson.no_homework, lesson.attendance_taken)


def note_closed(lesson_id: int) -> None:
    """Inside a service that changed the lesson: closed_at set when it has just become closed,
    cleared when it no longer is (its topic erased)."""
    lesson = Lesson.get_by_id(lesson_id)
    closed = lesson_closed(lesson)
    if closed and lesson.closed_at is None:
        Lesson.update(closed_at=now()).where(Lesson.id == lesson_id).execute()
    elif not closed and lesson.closed_at is not None:
        Lesson.update(closed_at=None).where(Lesson.id == lesson_id).execute()


def attendance_seen(lesson: Lesson) -> None:
    """An absence was typed in the lesson (entries' cell write): its attendance is taken."""
    if not lesson.attendance_taken:
        Lesson.update(attendance_taken=True).where(Lesson.id == lesson.id).execute()
        lesson.attendance_taken = True
        note_closed(lesson.id)


@dataclass(frozen=True)
class LessonState:
    lesson_id: int
    topic: str
    homework: str
    no_homework: bool
    attendance_taken: bool
    closed: bool


def lesson_state(lesson: Lesson) -> LessonState:
    return LessonState(
        lesson.id,
        lesson.topic,
        lesson.homework,
        lesson.no_homework,
        lesson.attendance_taken,
        lesson_closed(lesson),
    )


def attendance_change(lesson: Lesson, taken: bool) -> bool:
    """Attendance taken (or taken back) as asked, checked: not before the lesson, and never
    taken back while an absence is typed in it."""
    if taken == lesson.attendance_taken:
        return taken
    if lesson.date > clock.today():
        raise ValidationError(f"Урок {lesson.date:%d.%m.%Y} ещё не прошёл: посещаемость отмечается на уроке.")
    if not taken:
        # the lesson's cells first (models/core/locks.py): an absence being typed meanwhile
        # is either seen below or written after this, and then takes the attendance again
        take_turns([("cell", lesson.id, pupil) for pupil in _pupils_on(lesson)])
        if Absence.select().where(Absence.lesson == lesson.id).exists():
            raise ValidationError("В уроке отмечены пропуски: посещаемость уже отмечена.")
    return taken


def _pupils_on(lesson: Lesson) -> list[int]:
    """The pupils of the lesson's class that day: every cell an absence could be typed in."""
    day = lesson.date
    query = Enrollment.select(Enrollment.student).where(
        (Enrollment.school_class == lesson.course.school_class_id)
        & (Enrollment.start <= day)
        & (Enrollment.end.is_null() | (Enrollment.end >= day))
    )
    return sorted({e.student_id for e in query})


@service
def confirm_attendance(actor: Actor, lesson_id: int, taken: bool = True) -> LessonState:
    """«Все присутствуют»: attendance taken with no absence. Taken back (`taken=False`) only
    while the lesson has no absence: typed absences are attendance taken."""
    lesson = Lesson.get_or_none(Lesson.id == lesson_id)
    if lesson is None:
        raise ValidationError("Урока уже нет: его удалили.")
    require_course_teacher(actor, lesson.course)
    if lesson.attendance_taken != attendance_change(lesson, taken):
        Lesson.update(attendance_taken=taken).where(Lesson.id == lesson_id).execute()
        audit.record(
            actor,
            "lesson.attendance",
            "lesson",
            lesson_id,
            {"attendance": lesson.attendance_taken},
            {"attendance": taken},
        )
        note_closed(lesson_id)
    return lesson_state(Lesson.get_by_id(lesson_id))


# --- the plan of a course -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanStep:
    """One hour of the plan: what the teacher planned for the course's `position`-th lesson."""

    position: int
    number: int
    section: str
    topic: str
    homework: str
    work_type_id: int | None
    planned_date: dt.date | None


def _steps(course_id: int) -> list[PlanStep]:
    return [
        PlanStep(i.position, i.number, i.section, i.topic, i.homework, i.work_type_id, i.planned_date)
        for i in PlanItem.select().where(PlanItem.course == course_id).order_by(PlanItem.position)
    ]


def _lessons_in_order(course_id: int) -> list[Lesson]:
    return list(Lesson.select().where(Lesson.course == course_id).order_by(Lesson.date, Lesson.number))


@reading
def plan_step_of(actor: Actor, lesson_id: int) -> PlanStep | None:
    """The plan's hour for this lesson (its place among the course's lessons), or None."""
    require_staff(actor)
    lesson = Lesson.get_or_none(Lesson.id == lesson_id)
    if lesson is None:
        return None
    ids = [lesson.id for lesson in _lessons_in_order(lesson.course_id)]
    steps = _steps(lesson.course_id)
    position = ids.index(lesson_id)
    return steps[position] if position < len(steps) else None


def reflow_plan(actor: Actor, course_id: int) -> int:
    """Inside a service that added, cancelled or moved a lesson: the lessons still to come whose
    topic is the plan's or empty (not one the teacher typed) take the topic of their new place.
    Returns how many changed."""
    steps = _steps(course_id)
    if not steps:
        return 0
    planned = {s.topic for s in steps}
    today = clock.today()
    changed: dict[int, tuple[str, str]] = {}
    for position, lesson in enumerate(_lessons_in_order(course_id)):
        if lesson.date <= today or (lesson.topic and lesson.topic not in planned):
            continue  # held, or a topic the teacher typed
        topic = steps[position].topic if position < len(steps) else ""
        if topic != lesson.topic:
            Lesson.update(topic=topic).where(Lesson.id == lesson.id).execute()
            changed[lesson.id] = (lesson.topic, topic)
            note_closed(lesson.id)
    if changed:
        audit.record(
            actor,
            "plan.reflow",
            "course",
            course_id,
            {str(k): v[0] for k, v in changed.items()},
            {str(k): v[1] for k, v in changed.items()},
        )
    return len(changed)


# --- importing a plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCourse:
    course_id: int
    title: str  # «5А · Математика (1 группа)»


@reading
def plan_courses(actor: Actor, class_names: str, subject: str) -> list[PlanCourse]:
    """The courses a plan goes to: the subject in each class named («5А» or «5А, 5Б»: one
    grade), every subgroup of it; only those the user teaches (an admin: all)."""
    require_staff(actor)
    names = [n for n in re.split(r"[,;\s]+", class_names or "") if n]
    if not names:
        raise ValidationError("Укажите класс, например 5А (или 5А,5Б — классы одной параллели).")
    wanted = " ".join(str(subject or "").split()).lower()
    if not wanted:
        raise ValidationError("Укажите предмет, например Математика.")
    classes = [find_class(name) for name in names]
    if len({c.grade for c in classes}) > 1:
        listed = ", ".join(c.name for c in classes)
        raise ValidationError(f"Один КТП — для классов одной параллели, а {listed} — разные параллели.")
    out: list[PlanCourse] = []
    for school_class in classes:
        found = [
            course
            for course in Course.select().join(Subject).where(Course.school_class == school_class.id)
            if wanted in (course.subject.name.lower(), (course.subject.short_name or "").lower())
        ]
        if not found:
            raise ValidationError(f"Предмета «{subject}» в классе {school_class.name} нет.")
        for course in found:
            require_course_teacher(actor, course)
            out.append(PlanCourse(course.id, _course_title(course)))
    return out


# how teachers write a work type in a plan → the start of the school's work type's name
WORK_TYPE_ALIASES = {
    "кр": "контрольн",
    "контрольная": "контрольн",
    "контрольныйдиктант": "контрольн",
    "диктант": "контрольн",
    "ср": "самостоятельн",
    "самостоятельная": "самостоятельн",
    "пр": "проверочн",
    "проверочная": "проверочн",
    "тест": "проверочн",
    "дз": "домашн",
}


def _work_type_index() -> dict[str, int]:
    return {normalize_header(wt.name): wt.id for wt in WorkType.select()}


def resolve_work_type(text: str, index: dict[str, int]) -> int | None:
    """A plan's «к/р», «контрольная», «Контрольная работа» → the work type's id; None if unknown."""
    key = normalize_header(text)
    if not key:
        return None
    if key in index:
        return index[key]
    start = WORK_TYPE_ALIASES.get(key, key)
    found = [wt_id for name, wt_id in index.items() if name.startswith(start) or start.startswith(name)]
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class PlanPreview:
    course_id: int
    title: str  # «5А · Математика»
    hours: int  # the plan's lessons
    lessons: int  # the course's lessons in the journal
    ahead: int  # lessons the timetable still gives after the journal's last one
    to_fill: int  # lessons whose empty topic the plan gives
    kept: int  # lessons whose topic the teacher typed (left as they are)
    replaced: int  # plan items the course had before (the new plan replaces them)
    problems: tuple[str, ...]  # the file's and the school's (unknown work types …)

    @property
    def valid(self) -> bool:
        return not self.problems and self.hours > 0

    @property
    def balance(self) -> str:
        """More topics than the year's lessons, or fewer, said plainly ("" when they match):
        the year's lessons are the journal's and those the timetable still gives."""
        year = self.lessons + self.ahead
        counted = f"уроков за год {year}: в журнале {self.lessons}, по расписанию ещё {self.ahead}"
        if self.hours > year:
            return f"в плане на {self.hours - year} ч больше, чем уроков ({counted})"
        if self.hours < year:
            return f"в плане на {year - self.hours} ч меньше, чем уроков ({counted})"
        return ""


def _entry_problems(parsed: ParsedPlan, index: dict[str, int]) -> list[str]:
    problems = list(parsed.problems)
    unknown = {
        e.line for e in parsed.entries if e.work_type and resolve_work_type(e.work_type, index) is None
    }
    names = ", ".join(wt.name for wt in WorkType.select().order_by(WorkType.id)) if unknown else ""
    for entry in parsed.entries:
        for problem in entry.problems:
            problems.append(f"строка {entry.line}: {problem}")
        if entry.line in unknown:
            problems.append(f"строка {entry.line}: вид работы «{entry.work_type}» не найден (есть: {names})")
    if not parsed.entries:
        problems.append("В плане нет ни одного урока с номером и темой.")
    return problems


@dataclass(frozen=True)
class _Checked:
    """A parsed plan checked against the school once, whatever the number of courses."""

    parsed: ParsedPlan
    problems: tuple[str, ...]
    steps: list[PlanStep]  # one per hour; empty while there are problems


def _check(parsed: ParsedPlan) -> _Checked:
    index = _work_type_index()
    problems = _entry_problems(parsed, index)
    return _Checked(parsed, tuple(problems), _expanded(parsed, index) if not problems else [])


def _expanded(parsed: ParsedPlan, index: dict[str, int]) -> list[PlanStep]:
    steps: list[PlanStep] = []
    for entry in parsed.entries:
        work_type = resolve_work_type(entry.work_type, index) if entry.work_type else None
        for hour in range(entry.hours):
            steps.append(
                PlanStep(
                    len(steps) + 1,
                    entry.number or 0,
                    entry.section[:MAX_TOPIC],
                    entry.topic,
                    entry.homework,
                    work_type,
                    entry.planned_date if hour == 0 else None,
                )
            )
    return steps


def _course_title(course) -> str:
    group = f" ({course.subgroup.name})" if course.subgroup_id else ""
    return f"{course.school_class.name} · {course.subject.name}{group}"


def _preview(course, checked: _Checked) -> PlanPreview:
    steps = checked.steps
    lessons = _lessons_in_order(course.id)
    to_fill = sum(1 for lesson, _ in zip(lessons, steps, strict=False) if not lesson.topic.strip())
    kept = sum(1 for lesson, _ in zip(lessons, steps, strict=False) if lesson.topic.strip())
    replaced = PlanItem.select().where(PlanItem.course == course.id).count()
    hours = len(steps) if steps else checked.parsed.hours
    ahead = timetable_lessons_after(
        course.id, max([lesson.date for lesson in lessons], default=clock.today())
    )
    return PlanPreview(
        course.id,
        _course_title(course),
        hours,
        len(lessons),
        ahead,
        to_fill,
        kept,
        replaced,
        checked.problems,
    )


@reading
def preview_plan(actor: Actor, course_ids: Sequence[int], parsed: ParsedPlan) -> list[PlanPreview]:
    """What importing the plan into each course would do; nothing is written."""
    checked = _check(parsed)
    out = []
    for course_id in course_ids:
        course = get_course(course_id)
        require_course_teacher(actor, course)
        out.append(_preview(course, checked))
    return out


@dataclass(frozen=True)
class PlanImported:
    course_id: int
    title: str
    hours: int
    filled: int  # lesson topics the plan gave
    kept: int
    balance: str


@service
def import_plan(
    actor: Actor, course_ids: Sequence[int], parsed: ParsedPlan, source: str = ""
) -> list[PlanImported]:
    """The plan becomes each course's (replacing the one it had) and fills the empty topics of
    its lessons in date order; the work type of a lesson without marks follows the plan too.
    All courses or none: a single problem and nothing is written."""
    checked = _check(parsed)
    steps = checked.steps
    done = []
    for course_id in course_ids:
        course = get_course(course_id)
        require_course_teacher(actor, course)
        preview = _preview(course, checked)
        if not preview.valid:
            shown = "; ".join(preview.problems[:5])
            more = f" (и ещё {len(preview.problems) - 5})" if len(preview.problems) > 5 else ""
            raise ValidationError(f"План не записан: {shown}{more}.")
        PlanItem.delete().where(PlanItem.course == course_id).execute()
        PlanItem.insert_many(
            [
                {
                    "course": course_id,
                    "position": s.position,
                    "number": s.number,
                    "section": s.section,
                    "topic": s.topic,
                    "homework": s.homework,
                    "work_type": s.work_type_id,
                    "planned_date": s.planned_date,
                }
                for s in steps
            ]
        ).execute()
        filled: dict[str, str] = {}
        for lesson, step in zip(_lessons_in_order(course_id), steps, strict=False):
            fields: dict = {}
            if not lesson.topic.strip():
                fields["topic"] = step.topic
                filled[str(lesson.id)] = step.topic
            if (
                step.work_type_id
                and lesson.work_type_id is None
                and not Mark.select().where(Mark.lesson == lesson.id).exists()
            ):
                fields["work_type"] = step.work_type_id
            if fields:
                Lesson.update(**fields).where(Lesson.id == lesson.id).execute()
                note_closed(lesson.id)
        audit.record(
            actor,
            "plan.import",
            "course",
            course_id,
            {"items": preview.replaced},
            {"items": len(steps), "source": source, "topics": filled},
        )
        done.append(
            PlanImported(course_id, preview.title, len(steps), len(filled), preview.kept, preview.balance)
        )
    return done


# --- the plan against what was taken ------------------------------------------------------------

TAKEN, AHEAD, BEHIND, NO_LESSON = "пройдено", "впереди", "отстаём", "нет урока"


@dataclass(frozen=True)
class PlanRow:
    position: int
    number: int
    section: str
    planned_topic: str
    planned_date: dt.date | None  # the plan's date (a topic's later hours: its first hour's)
    lesson_date: dt.date | None  # the course's lesson in this place, if there is one
    lesson_topic: str
    closed: bool
    state: str  # TAKEN, AHEAD, BEHIND or NO_LESSON


@dataclass(frozen=True)
class PlanReport:
    course_id: int
    title: str
    rows: tuple[PlanRow, ...]
    today: dt.date

    @property
    def hours(self) -> int:
        return len(self.rows)

    @property
    def taken(self) -> int:
        return sum(1 for r in self.rows if r.state == TAKEN)

    @property
    def behind(self) -> int:
        """Hours planned up to today (by the plan's dates) not yet taken."""
        return sum(1 for r in self.rows if r.state == BEHIND)

    @property
    def planned_by_today(self) -> int:
        return sum(1 for r in self.rows if r.planned_date is not None and r.planned_date <= self.today)


@reading
def plan_report(actor: Actor, course_id: int) -> PlanReport:
    """Each hour of the plan beside the lesson in its place: taken (held, up to today), ahead,
    behind (its planned date has passed and no lesson has taken it yet), or no lesson at all."""
    require_staff(actor)
    course = get_course(course_id)
    today = clock.today()
    steps = _steps(course_id)
    lessons = _lessons_in_order(course_id)
    rows = []
    last_date: dt.date | None = None
    for i, step in enumerate(steps):
        planned = step.planned_date or last_date
        last_date = planned
        lesson = lessons[i] if i < len(lessons) else None
        if lesson is not None and lesson.date <= today:
            state = TAKEN
        elif planned is not None and planned < today:
            state = BEHIND
        elif lesson is None:
            state = NO_LESSON
        else:
            state = AHEAD
        rows.append(
            PlanRow(
                step.position,
                step.number,
                step.section,
                step.topic,
                planned,
                lesson.date if lesson else None,
                lesson.topic if lesson else "",
                lesson_closed(lesson) if lesson else False,
                state,
            )
        )
    return PlanReport(course_id, _course_title(course), tuple(rows), today)
