"""Writing the journal: lessons, the marks and absences of a cell, excuses, final marks
(R12, R13, R14). One write path per thing; every change is audited old → new."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import SQL, Value

from models.core import audit, clock
from models.core.access import (
    Actor,
    deny,
    get_course,
    may_record_absence,
    require_class_keeper,
    require_course_teacher,
    require_staff,
)
from models.core.db import tuples
from models.core.errors import NotFound, ValidationError
from models.core.locks import take_turn, take_turns
from models.core.lookup import get_or_refuse
from models.core.prepared import Prepared
from models.core.schema import (
    Absence,
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    SchoolYear,
    SubgroupMember,
    Subject,
    WorkType,
    now,
)
from models.core.service import reading, service
from models.core.validation import clean_text, parse_date
from models.journal import corrections
from models.journal.grading import (
    ABSENCE_CODES,
    EXCUSED_CODES,
    LATE,
    parse_absence,
    parse_final,
    parse_mark,
)
from models.journal.plan import (
    MAX_TOPIC,
    attendance_change,
    attendance_seen,
    is_closed,
    note_closed,
    reflow_plan,
)
from models.school.calendar import is_for_grade

MAX_MARKS_PER_CELL = 2


# --- lessons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonInfo:
    id: int
    course_id: int
    date: dt.date
    number: int
    topic: str
    homework: str
    work_type_id: int | None
    no_homework: bool = False
    attendance_taken: bool = False

    @property
    def closed(self) -> bool:
        return is_closed(self.topic, self.homework, self.no_homework, self.attendance_taken)


def lesson_info(lesson: Lesson) -> LessonInfo:
    return LessonInfo(
        lesson.id,
        lesson.course_id,
        lesson.date,
        lesson.number,
        lesson.topic,
        lesson.homework,
        lesson.work_type_id,
        lesson.no_homework,
        lesson.attendance_taken,
    )


def _check_lesson_date(course: Course, day: dt.date) -> Period:
    """A lesson may be on `day`: a school day of an open period of the class."""
    if day.weekday() == 6:
        raise ValidationError(f"{day:%d.%m.%Y} — воскресенье: уроков нет.")
    period = corrections.period_of(course.school_class, day)
    if period is None:
        raise ValidationError(
            f"Дата {day:%d.%m.%Y} вне учебных периодов класса {course.school_class.name} (каникулы?)."
        )
    corrections.check_open(period)
    return period


def _check_lesson_open(lesson: Lesson) -> None:
    """The lesson's period is not closed (a closed period is frozen whole)."""
    corrections.check_open(corrections.period_of(lesson.course.school_class, lesson.date))


def _work_type(work_type_id: int | None) -> int | None:
    if work_type_id is None:
        return None
    get_or_refuse(WorkType, work_type_id)
    return work_type_id


class LessonClash(ValidationError):
    """Another subject of the class already has a lesson with that number on that day; the
    teacher may still add it (a change of the timetable) once asked."""


def number_clash(course: Course, date: dt.date, number: int) -> str:
    """The subject of another lesson of the class at `number` on `date`, or "". The other
    subgroup of the same subject at the same time is no clash (they are taught in parallel)."""
    others = (
        Lesson.select(Lesson, Course, Subject)
        .join(Course)
        .join(Subject)
        .where(
            (Course.school_class == course.school_class_id)
            & (Lesson.date == date)
            & (Lesson.number == number)
            & (Lesson.course != course.id)
        )
    )
    for other in others:  # (a lesson of this course itself, the one being edited too, is not one)
        parallel = (
            other.course.subject_id == course.subject_id
            and other.course.subgroup_id is not None
            and course.subgroup_id is not None
        )
        if not parallel:
            return other.course.subject.name
    return ""


def _refuse_clash(course: Course, date: dt.date, number: int) -> None:
    other = number_clash(course, date, number)
    if other:
        raise LessonClash(
            f"{date:%d.%m.%Y} у класса {number} урок — уже {other}: в дневнике будет два урока "
            f"№ {number}. Проверьте номер урока."
        )


@service
def add_lesson(
    actor: Actor,
    course_id: int,
    day: object = None,
    number: int | None = None,
    topic: str = "",
    homework: str = "",
    work_type_id: int | None = None,
    *,
    allow_clash: bool = False,
) -> LessonInfo:
    """A lesson of the course on a date (default today), numbered after that day's others.
    A number another subject of the class has that day is refused (LessonClash) unless
    `allow_clash` (the teacher confirmed it)."""
    course = get_course(course_id)
    require_course_teacher(actor, course)
    date = parse_date(day, "Дата урока") or clock.today()
    _check_lesson_date(course, date)
    taken = {
        lesson.number
        for lesson in Lesson.select(Lesson.number).where((Lesson.course == course_id) & (Lesson.date == date))
    }
    if number is None:  # after the course's own that day, past the numbers other subjects have
        number = max(taken, default=0) + 1
        while number < 10 and number_clash(course, date, number):
            number += 1
    if not 1 <= number <= 10:
        raise ValidationError("Номер урока — от 1 до 10.")
    if number in taken:
        raise ValidationError(f"Урок №{number} на {date:%d.%m.%Y} по этому курсу уже есть.")
    if not allow_clash:
        _refuse_clash(course, date, number)
    lesson = Lesson.create(
        course=course_id,
        date=date,
        number=number,
        topic=clean_text(topic, MAX_TOPIC),
        homework=clean_text(homework, 2000),
        homework_at=now() if homework.strip() else None,
        work_type=_work_type(work_type_id),
    )
    audit.record(
        actor,
        "lesson.add",
        "lesson",
        lesson.id,
        new={"course": course_id, "date": date, "number": number},
    )
    reflow_plan(actor, course_id)  # a lesson added before others moves the plan on by one
    return lesson_info(Lesson.get_by_id(lesson.id))


# the reads of every cell write, built once (models/core/prepared.py)
_LESSON = Prepared(
    lambda lesson_id: (
        Lesson.select(Lesson, Course, SchoolClass)
        .join(Course)
        .join(SchoolClass)
        .where(Lesson.id == lesson_id)
        .limit(1)
    ),
    ("int",),
)
_CELL_MARKS = Prepared(
    lambda lesson_id, student_id: (
        Mark.select().where((Mark.lesson == lesson_id) & (Mark.student == student_id)).order_by(Mark.position)
    ),
    ("int", "int"),
)
_CELL_ABSENCE = Prepared(
    lambda lesson_id, student_id: (
        Absence.select().where((Absence.lesson == lesson_id) & (Absence.student == student_id)).limit(1)
    ),
    ("int", "int"),
)
_ENROLLED = Prepared(
    lambda student_id, class_id, day: (
        Enrollment.select(Enrollment.id)
        .where(
            (Enrollment.student == student_id)
            & (Enrollment.school_class == class_id)
            & (Enrollment.start <= day)
            & (Enrollment.end.is_null() | (Enrollment.end >= day))
        )
        .limit(1)
    ),
    ("int", "int", "date"),
)


def _get_lesson(lesson_id: int) -> Lesson:
    lesson = _LESSON.first(lesson_id)
    if lesson is None:
        raise NotFound("Такого урока нет.")
    return lesson


@service
def update_lesson(actor: Actor, lesson_id: int, *, allow_clash: bool = False, **fields: object) -> LessonInfo:
    """Topic, homework, work type (weight), number or date of a lesson (a number another
    subject of the class has that day: LessonClash unless `allow_clash`)."""
    lesson = _get_lesson(lesson_id)
    require_course_teacher(actor, lesson.course)
    _check_lesson_open(lesson)
    clean: dict = {}
    for key, value in fields.items():
        if key == "topic":
            clean[key] = clean_text(str(value or ""), MAX_TOPIC)
        elif key == "homework":
            clean[key] = clean_text(str(value or ""), 2000)
        elif key == "no_homework":
            clean[key] = bool(value)
        elif key == "attendance_taken":
            clean[key] = attendance_change(lesson, bool(value))
        elif key == "work_type_id":
            clean["work_type"] = _work_type(value)  # type: ignore[arg-type]
        elif key == "number":
            number = int(str(value).strip()) if str(value).strip().isdigit() else 0
            if not 1 <= number <= 10:
                raise ValidationError("Номер урока — от 1 до 10.")
            clean[key] = number
        elif key == "date":
            date = parse_date(value, "Дата урока")
            if date is None:
                raise ValidationError("Укажите дату урока.")
            _check_lesson_date(lesson.course, date)
            if date != lesson.date and (
                Mark.select().where(Mark.lesson == lesson_id).exists()
                or Absence.select().where(Absence.lesson == lesson_id).exists()
            ):
                raise ValidationError("У урока уже есть отметки или пропуски: дату изменить нельзя.")
            clean[key] = date
        else:
            raise ValidationError(f"Нельзя изменить поле урока «{key}».")
    date, number = clean.get("date", lesson.date), clean.get("number", lesson.number)
    if (date, number) != (lesson.date, lesson.number):
        taken = Lesson.select(Lesson.id).where(
            (Lesson.course == lesson.course_id)
            & (Lesson.date == date)
            & (Lesson.number == number)
            & (Lesson.id != lesson_id)
        )
        if taken.exists():
            raise ValidationError(f"Урок №{number} на {date:%d.%m.%Y} по этому курсу уже есть.")
        if not allow_clash:
            _refuse_clash(lesson.course, date, number)
    if clean.get("homework", lesson.homework):
        clean["no_homework"] = False  # homework given is not «без д/з»
    before = {
        "topic": lesson.topic,
        "homework": lesson.homework,
        "no_homework": lesson.no_homework,
        "attendance_taken": lesson.attendance_taken,
        "work_type": lesson.work_type_id,
        "date": lesson.date,
        "number": lesson.number,
    }
    old, new = audit.changes(before, clean)
    if new:
        stamp = {"homework_at": now()} if {"homework", "no_homework"} & new.keys() else {}
        Lesson.update(**new, **stamp).where(Lesson.id == lesson_id).execute()
        audit.record(actor, "lesson.update", "lesson", lesson_id, old, new)
        note_closed(lesson_id)
        if "date" in new or "number" in new:
            reflow_plan(actor, lesson.course_id)
    return lesson_info(Lesson.get_by_id(lesson_id))


@service
def delete_lesson(actor: Actor, lesson_id: int) -> None:
    """A lesson carrying marks or absences is never deleted (nothing is lost)."""
    lesson = _get_lesson(lesson_id)
    require_course_teacher(actor, lesson.course)
    _check_lesson_open(lesson)
    if (
        Mark.select().where(Mark.lesson == lesson_id).exists()
        or Absence.select().where(Absence.lesson == lesson_id).exists()
    ):
        raise ValidationError("Урок с отметками или пропусками удалить нельзя: сначала уберите их.")
    Lesson.delete().where(Lesson.id == lesson_id).execute()
    audit.record(actor, "lesson.delete", "lesson", lesson_id, old=lesson_info(lesson).__dict__)
    reflow_plan(actor, lesson.course_id)  # a lesson cancelled: the plan's later topics move up


# --- one cell: marks and an absence code -------------------------------------------------------


@dataclass(frozen=True)
class MarkEntry:
    value: int
    work_type_id: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class Cell:
    """What one pupil has in one lesson: up to two marks, or an absence (о goes with marks)."""

    marks: tuple[MarkEntry, ...] = ()
    absence: str | None = None
    document: str = ""

    @property
    def empty(self) -> bool:
        return not self.marks and self.absence is None

    def text(self) -> str:
        marks = "/".join(str(m.value) for m in self.marks)
        if self.absence and marks:
            return f"{self.absence}{marks}"
        return self.absence or marks

    def as_audit(self) -> dict:
        return {"marks": [m.value for m in self.marks], "absence": self.absence}


@dataclass(frozen=True)
class CellChange:
    lesson_id: int
    student_id: int
    before: Cell
    after: Cell


@dataclass
class _CellContext:
    lesson: Lesson
    marks: list[Mark] = field(default_factory=list)
    absence: Absence | None = None


def parse_cell(text: str) -> Cell:
    """Cell text as a teacher types it: "5", "5/4", "н", "о5", "" (empty clears)."""
    raw = text.strip().lower().replace(".", "/").replace(" ", "")
    absence = None
    if raw and raw[0] in ABSENCE_CODES:
        absence, raw = raw[0], raw[1:]
    values = [parse_mark(part) for part in raw.split("/") if part] if raw else []
    cell = Cell(tuple(MarkEntry(v) for v in values), absence)
    validate_cell(cell)
    return cell


def validate_cell(cell: Cell) -> None:
    if len(cell.marks) > MAX_MARKS_PER_CELL:
        raise ValidationError("В одной клетке не больше двух отметок.")
    for mark in cell.marks:
        parse_mark(mark.value)
    if cell.absence is not None:
        parse_absence(cell.absence)
        if cell.marks and cell.absence != LATE:
            raise ValidationError(
                f"В клетке не может быть одновременно пропуска «{cell.absence}» и отметки: "
                "с отметкой совместимо только «о» (опоздал)."
            )


def _load_cell(lesson_id: int, student_id: int) -> _CellContext:
    """The cell as it is, read after taking its turn: whatever this transaction then checks
    and writes is against the last committed value (models/core/locks.py)."""
    take_turn("cell", lesson_id, student_id)
    return _read_context(lesson_id, student_id)


def _read_context(lesson_id: int, student_id: int) -> _CellContext:
    ctx = _CellContext(_get_lesson(lesson_id))
    ctx.marks = list(_CELL_MARKS.rows(lesson_id, student_id))
    ctx.absence = _CELL_ABSENCE.first(lesson_id, student_id)
    return ctx


def _cell_of(ctx: _CellContext) -> Cell:
    return Cell(
        tuple(MarkEntry(m.value, m.work_type_id, m.comment) for m in ctx.marks),
        ctx.absence.code if ctx.absence else None,
        ctx.absence.document if ctx.absence else "",
    )


def read_cells(lessons) -> dict[tuple[int, int], Cell]:
    """Every mark and absence of the given lessons (a query of Lesson ids), in one round trip.

    The screens' bulk reads (the grid, the attendance day, the extracts) all use this, so a
    cell reads the same everywhere: (lesson, pupil) → Cell.
    """
    marks_q = Mark.select(
        Mark.lesson,
        Mark.student,
        Value("m").alias("kind"),
        Mark.position,
        Mark.value.alias("num"),
        Mark.work_type,
        Mark.comment.alias("text"),
    ).where(Mark.lesson.in_(lessons))
    absences_q = Absence.select(
        Absence.lesson,
        Absence.student,
        Value("a").alias("kind"),
        Value(0).alias("position"),
        Value(0).alias("num"),
        Value(None).alias("work_type"),
        Absence.code.concat("|").concat(Absence.document).alias("text"),
    ).where(Absence.lesson.in_(lessons))
    raw: dict[tuple[int, int], tuple[list, str | None, str]] = {}
    for lesson_id, student_id, kind, _position, num, work_type, text in (
        (marks_q | absences_q).order_by(SQL("1, 2, 4")).tuples()
    ):
        marks, code, document = raw.setdefault((lesson_id, student_id), ([], None, ""))
        if kind == "m":
            marks.append(MarkEntry(num, work_type, text or ""))
        else:
            code, _, document = (text or "").partition("|")
            raw[(lesson_id, student_id)] = (marks, code, document)
    return {key: Cell(tuple(m), code, doc) for key, (m, code, doc) in raw.items()}


def _check_pupil_in_lesson(lesson: Lesson, student_id: int) -> None:
    """The pupil belonged to the class on the lesson's date (and to the course's subgroup)."""
    day = lesson.date
    if _ENROLLED.first(student_id, lesson.course.school_class_id, day) is None:
        raise ValidationError(
            f"{day:%d.%m.%Y} учащийся не числился в классе {lesson.course.school_class.name} "
            "(ещё не прибыл или уже выбыл)."
        )
    if lesson.course.subgroup_id is not None:
        member = (
            SubgroupMember.select(SubgroupMember.id)
            .join(Period)
            .where(
                (SubgroupMember.subgroup == lesson.course.subgroup_id)
                & (SubgroupMember.student == student_id)
                & (Period.start <= day)
                & (Period.end >= day)
            )
        )
        if not member.exists():
            raise ValidationError("Учащийся не входит в подгруппу этого курса в этом периоде.")


def _check_not_future(lesson: Lesson) -> None:
    if lesson.date > clock.today():
        raise ValidationError(
            f"Урок {lesson.date:%d.%m.%Y} ещё не прошёл: отметки и пропуски ставятся после урока."
        )


def _check_may_write(actor: Actor, lesson: Lesson, before: Cell, after: Cell) -> None:
    marks_changed = tuple(m.value for m in before.marks) != tuple(m.value for m in after.marks) or any(
        a != b for a, b in zip(before.marks, after.marks, strict=False)
    )
    if marks_changed:
        require_course_teacher(actor, lesson.course)
    absence_changed = before.absence != after.absence or before.document != after.document
    if absence_changed and not may_record_absence(actor, lesson.course):
        raise deny("Пропуски в этом уроке отмечает учитель урока или классный руководитель.")


def _graded(cell: Cell) -> tuple[tuple[int, int | None], ...]:
    """What of a cell's marks counts (a comment alone is no correction)."""
    return tuple((m.value, m.work_type_id) for m in cell.marks)


def _rewrite_marks(
    actor: Actor, ctx: _CellContext, student_id: int, marks: tuple[MarkEntry, ...], stamp: dt.datetime
) -> None:
    """The cell's marks replaced by `marks`, in their order."""
    lesson_id = ctx.lesson.id
    if ctx.marks:
        Mark.delete().where((Mark.lesson == lesson_id) & (Mark.student == student_id)).execute()
    if marks:
        Mark.insert_many(
            [
                {
                    "lesson": lesson_id,
                    "student": student_id,
                    "position": pos,
                    "value": m.value,
                    "work_type": m.work_type_id,
                    "comment": m.comment[:200],
                    "entered_by": actor.user_id or None,
                    "entered_at": stamp,
                }
                for pos, m in enumerate(marks, 1)
            ]
        ).execute()


def _write_cell(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    after: Cell,
    action: str,
    reason: object = "",
    *,
    ctx: _CellContext | None = None,
) -> CellChange:
    """Write the cell as `after`; `ctx` is the cell already read in this transaction after
    taking its turn (_load_cell), else it is read here."""
    validate_cell(after)
    if ctx is None:
        ctx = _load_cell(lesson_id, student_id)
    before = _cell_of(ctx)
    _check_may_write(actor, ctx.lesson, before, after)
    _check_not_future(ctx.lesson)
    if not after.empty:
        _check_pupil_in_lesson(ctx.lesson, student_id)
    if before == after:
        return CellChange(lesson_id, student_id, before, after)
    course = ctx.lesson.course
    period = corrections.period_of(course.school_class, ctx.lesson.date)
    corrections.check_open(period)
    verdict = corrections.Verdict()
    graded, regraded = _graded(before), _graded(after)
    if graded != regraded:
        verdict = corrections.judge_marks_change(
            actor,
            lesson_id=lesson_id,
            student_id=student_id,
            subject_id=course.subject_id,
            lesson_date=ctx.lesson.date,
            period=period,
            before=ctx.marks,
            kept=regraded[: len(graded)] == graded,
            reason=reason,
        )
    stamp = now()
    if before.marks != after.marks:
        _rewrite_marks(actor, ctx, student_id, after.marks, stamp)
    if (before.absence, before.document) != (after.absence, after.document):
        if after.absence is None:
            Absence.delete().where(Absence.id == ctx.absence.id).execute()  # type: ignore[union-attr]
        elif ctx.absence is None:
            Absence.insert(
                lesson=lesson_id,
                student=student_id,
                code=after.absence,
                document=after.document,
                entered_by=actor.user_id or None,
                entered_at=stamp,
            ).execute()
        else:
            excused = after.absence in EXCUSED_CODES and before.absence not in EXCUSED_CODES
            Absence.update(
                code=after.absence,
                document=after.document,
                excused_by=actor.user_id or None if excused else ctx.absence.excused_by_id,
                excused_at=stamp if excused else ctx.absence.excused_at,
            ).where(Absence.id == ctx.absence.id).execute()
    written = {"student": student_id, **after.as_audit()}
    if verdict.correction:
        corrections.record(actor, lesson_id, student_id, before.text(), after.text(), verdict)
        written["reason"] = verdict.reason
        action = "mark.correct"
    audit.record(actor, action, "cell", lesson_id, {"student": student_id, **before.as_audit()}, written)
    if after.absence is not None:
        attendance_seen(ctx.lesson)  # absences typed: attendance taken
    return CellChange(lesson_id, student_id, before, after)


@service
def set_cell(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    cell: Cell,
    *,
    action: str = "cell.set",
    reason: object = "",
) -> CellChange:
    """Replace a cell's whole content (the path every cell write and undo takes). A change of
    marks after the edit window takes a `reason` (models/journal/corrections.py)."""
    return _write_cell(actor, lesson_id, student_id, cell, action, reason)


def with_mark(before: Cell, mark: MarkEntry | object, *, add: bool = False) -> Cell:
    """The cell after a mark is typed into `before` (with `add`, a second one), or
    ValidationError. An "о" stays; another code refuses. Pure: the grid shows the result of a
    write still waiting for the store with it, set_mark writes it."""
    entry = mark if isinstance(mark, MarkEntry) else MarkEntry(parse_mark(mark))
    if before.absence and before.absence != LATE:
        raise ValidationError(
            f"У учащегося в этом уроке пропуск «{before.absence}»: сначала уберите его (Delete)."
        )
    marks = (*before.marks, entry) if add and before.marks else (entry,)
    if len(marks) > MAX_MARKS_PER_CELL:
        raise ValidationError("В одной клетке не больше двух отметок.")
    return Cell(marks, before.absence, before.document)


def with_absence(before: Cell, code: object) -> Cell:
    """The cell after an absence code is typed into `before`, or ValidationError (pure)."""
    code = parse_absence(code)
    if before.marks and code != LATE:
        raise ValidationError(
            "У учащегося в этом уроке есть отметка: пропуск поставить нельзя, сначала уберите её."
        )
    document = before.document if code in EXCUSED_CODES else ""
    return Cell(before.marks, code, document)


@service
def set_mark(
    actor: Actor,
    lesson_id: int,
    student_id: int,
    value: object,
    *,
    add: bool = False,
    work_type_id: int | None = None,
    reason: object = "",
) -> CellChange:
    """Set the cell's mark (or, with `add`, a second one). An "о" stays; another code refuses."""
    require_staff(actor)  # pupils and guardians are refused before anything else (R17)
    mark = MarkEntry(parse_mark(value), _work_type(work_type_id))
    ctx = _load_cell(lesson_id, student_id)
    after = with_mark(_cell_of(ctx), mark, add=add)
    return _write_cell(actor, lesson_id, student_id, after, "mark.set", reason, ctx=ctx)


@service
def set_absence(actor: Actor, lesson_id: int, student_id: int, code: object) -> CellChange:
    require_staff(actor)
    ctx = _load_cell(lesson_id, student_id)
    return _write_cell(
        actor, lesson_id, student_id, with_absence(_cell_of(ctx), code), "absence.set", ctx=ctx
    )


@reading
def read_cell(actor: Actor, lesson_id: int, student_id: int) -> Cell:
    """One cell as it is in the store (what the grid shows again after a refused write)."""
    require_staff(actor)
    return _cell_of(_read_context(lesson_id, student_id))


@service
def clear_cell(actor: Actor, lesson_id: int, student_id: int, *, reason: object = "") -> CellChange:
    return _write_cell(actor, lesson_id, student_id, Cell(), "cell.clear", reason)


@service
def excuse_absences(actor: Actor, absence_ids: list[int], code: str, document: str) -> int:
    """The weekly pass (R13): turn н into б or у with the supporting document, all or none."""
    require_staff(actor)
    code = parse_absence(code)
    if code not in EXCUSED_CODES:
        raise ValidationError("Уважительная причина отмечается кодом «б» (болел) или «у» (уважительная).")
    document = clean_text(document, 200)
    if not document:
        raise ValidationError("Укажите документ: справка или заявление (номер, дата, кто принёс).")
    if not absence_ids:
        raise ValidationError("Не выбрано ни одного пропуска.")
    cells = Absence.select(Absence.lesson, Absence.student).where(Absence.id.in_(absence_ids))
    take_turns([("cell", lesson, student) for lesson, student in tuples(cells)])
    rows = list(
        Absence.select(Absence, Lesson, Course).join(Lesson).join(Course).where(Absence.id.in_(absence_ids))
    )
    if len(rows) != len(set(absence_ids)):
        raise NotFound("Часть пропусков не найдена (возможно, их уже исправили).")
    for class_id in {row.lesson.course.school_class_id for row in rows}:
        require_class_keeper(actor, class_id)
    for row in rows:
        corrections.check_open(corrections.period_of(row.lesson.course.school_class, row.lesson.date))
    late = [row for row in rows if row.code == LATE]
    if late:
        raise ValidationError("Опоздание («о») не пропуск: его нельзя отметить уважительной причиной.")
    stamp = now()
    Absence.update(code=code, document=document, excused_by=actor.user_id or None, excused_at=stamp).where(
        Absence.id.in_(absence_ids)
    ).execute()
    audit.record(
        actor,
        "absence.excuse",
        "absence",
        None,
        {"ids": sorted(absence_ids), "codes": sorted({row.code for row in rows})},
        {"code": code, "document": document},
    )
    return len(rows)


# --- final marks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinalMarkChange:
    student_id: int
    subject_id: int
    scope: str
    before: str
    after: str


@service
def set_final_mark(
    actor: Actor, course_id: int, student_id: int, period_id: int | None, value: object
) -> FinalMarkChange:
    """A period mark (period_id) or the year mark (None) of a pupil in a course's subject.

    An empty value removes the mark. The teacher confirms a suggestion; nothing writes itself.
    """
    course = get_course(course_id)
    require_course_teacher(actor, course)
    school_class = course.school_class
    if period_id is None:
        year = SchoolYear.get_by_id(school_class.year_id)
        scope, period, last_day = f"Y{year.id}", None, year.end
        first_day = year.start
    else:
        period = Period.get_or_none(Period.id == period_id)
        if period is None or not is_for_grade(period, school_class.year_id, school_class.grade):
            raise ValidationError("Этот учебный период не относится к классу.")
        scope, last_day, first_day = f"P{period.id}", period.end, period.start
        corrections.check_open(period)
    enrolled = Enrollment.select(Enrollment.id).where(
        (Enrollment.student == student_id)
        & (Enrollment.school_class == school_class.id)
        & (Enrollment.start <= last_day)
        & (Enrollment.end.is_null() | (Enrollment.end >= first_day))
    )
    if not enrolled.exists():
        raise ValidationError("Учащийся не числился в классе в этом периоде.")
    if course.subgroup_id is not None:
        member = (
            SubgroupMember.select(SubgroupMember.id)
            .join(Period)
            .where(
                (SubgroupMember.subgroup == course.subgroup_id)
                & (SubgroupMember.student == student_id)
                & (Period.start <= last_day)
                & (Period.end >= first_day)
            )
        )
        if not member.exists():
            raise ValidationError("Учащийся не входит в подгруппу этого курса в этом периоде.")
    text = str(value).strip() if value is not None else ""
    new_value = parse_final(text) if text else ""
    take_turn("final", student_id, course.subject_id, scope)
    existing = FinalMark.get_or_none(
        (FinalMark.student == student_id)
        & (FinalMark.subject == course.subject_id)
        & (FinalMark.scope == scope)
    )
    old_value = existing.value if existing else ""
    if old_value == new_value:
        return FinalMarkChange(student_id, course.subject_id, scope, old_value, new_value)
    if existing and not new_value:
        if period is not None:
            corrections.check_final_removal(actor, existing)
        FinalMark.delete().where(FinalMark.id == existing.id).execute()
    elif existing:  # set anew: the period's marks are frozen again
        FinalMark.update(
            value=new_value, entered_by=actor.user_id or None, entered_at=now(), reopened=False
        ).where(FinalMark.id == existing.id).execute()
    else:
        FinalMark.create(
            student=student_id,
            subject=course.subject_id,
            year=school_class.year_id,
            period=period,
            scope=scope,
            value=new_value,
            entered_by=actor.user_id or None,
        )
    audit.record(
        actor,
        "final_mark.set",
        "final_mark",
        student_id,
        {"subject": course.subject_id, "scope": scope, "value": old_value},
        {"subject": course.subject_id, "scope": scope, "value": new_value},
    )
    return FinalMarkChange(student_id, course.subject_id, scope, old_value, new_value)
