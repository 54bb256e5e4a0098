"""Running a school's frame through the year (admin): what models/school.py does not already.

Years and periods (dates changed without orphaning marked lessons, periods added or
removed, the next year started by promotion), classes renamed or removed while empty,
subjects and work types edited or removed while unused, the teaching load per class and
per teacher, the weekly timetable template with validity dates, lessons generated from it
and regenerated when it changes, and one-off changes on a date.

Two rules hold everywhere: a lesson carrying marks or absences is never deleted or moved,
and every refusal says why. Template entries carry their own validity dates, so a one-off
change on a date is the template itself not holding on that date (an entry split around
it) plus a one-day entry for the replacement: later regeneration keeps the change.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from peewee import JOIN, chunked, fn

from models import audit, clock, school
from models.access import ADMIN, TEACHER, Actor, require_admin
from models.errors import NotFound, ValidationError
from models.grid import courses_with_names
from models.schema import (
    Absence,
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    Subject,
    TimetableEntry,
    User,
    WorkType,
)
from models.service import reading, service
from models.validation import parse_date

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб")
WEEKDAY_NAMES = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота")
MAX_LESSON_NUMBER = 10
# Public holidays (Labour Code art. 112): no lessons, even inside a period. A day off moved
# by the government's yearly decree is not known here: cancel such lessons one by one.
PUBLIC_HOLIDAYS = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)
PERIOD_KINDS = {"quarter": "четверть", "half": "полугодие", "trimester": "триместр"}
CHUNK = 400


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "—"


def _person(user: User | None, short: bool = False) -> str:
    if user is None:
        return ""
    if short:
        initials = "".join(f"{p[0]}." for p in (user.first_name, user.patronymic) if p)
        return f"{user.surname} {initials}".strip()
    return " ".join(p for p in (user.surname, user.first_name, user.patronymic) if p)


def _date(value: object, label: str) -> dt.date:
    day = parse_date(value, label)
    if day is None:
        raise ValidationError(f"Укажите дату: «{label}».")
    return day


def is_school_day(day: dt.date, periods: Iterable) -> bool:
    """Not a Sunday, not a public holiday and inside one of the class's periods."""
    if day.weekday() == 6 or (day.month, day.day) in PUBLIC_HOLIDAYS:
        return False
    return any(p.start <= day <= p.end for p in periods)


def _has_entries(lesson_ids: Iterable[int]) -> set[int]:
    """The lessons among these that carry a mark or an absence."""
    ids = list(lesson_ids)
    found: set[int] = set()
    for part in chunked(ids, CHUNK):
        found |= {r for (r,) in Mark.select(Mark.lesson).where(Mark.lesson.in_(part)).tuples()}
        found |= {r for (r,) in Absence.select(Absence.lesson).where(Absence.lesson.in_(part)).tuples()}
    return found


# --- years and periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class YearInfo:
    id: int
    name: str
    start: dt.date
    end: dt.date
    start_year: int


@dataclass(frozen=True)
class Holiday:
    grades: str  # "1–9"
    start: dt.date
    end: dt.date


@reading
def list_years() -> list[YearInfo]:
    return [
        YearInfo(y.id, y.name, y.start, y.end, y.start.year)
        for y in SchoolYear.select().order_by(SchoolYear.start)
    ]


@reading
def list_periods(year_id: int) -> list[school.PeriodInfo]:
    query = (
        Period.select().where(Period.year == year_id).order_by(Period.grade_from, Period.start, Period.number)
    )
    return [school.period_info(p) for p in query]


def grades_text(grade_from: int, grade_to: int) -> str:
    return str(grade_from) if grade_from == grade_to else f"{grade_from}–{grade_to}"


@reading
def holidays(year_id: int) -> list[Holiday]:
    """The breaks between consecutive periods of each grade range (каникулы)."""
    out = []
    by_range: dict[tuple[int, int], list[Period]] = defaultdict(list)
    for p in Period.select().where(Period.year == year_id).order_by(Period.start):
        by_range[(p.grade_from, p.grade_to)].append(p)
    for (low, high), periods in sorted(by_range.items()):
        for before, after in zip(periods, periods[1:], strict=False):
            gap_start = before.end + dt.timedelta(days=1)
            gap_end = after.start - dt.timedelta(days=1)
            if gap_start <= gap_end:
                out.append(Holiday(grades_text(low, high), gap_start, gap_end))
    return out


def _get_period(period_id: int) -> Period:
    period = Period.get_or_none(Period.id == period_id)
    if period is None:
        raise NotFound("Такого учебного периода нет.")
    return period


def _overlapping(year_id: int, low: int, high: int, start: dt.date, end: dt.date, skip: int | None):
    query = Period.select().where(
        (Period.year == year_id)
        & (Period.grade_from <= high)
        & (Period.grade_to >= low)
        & (Period.start <= end)
        & (Period.end >= start)
    )
    if skip is not None:
        query = query.where(Period.id != skip)
    return query.first()


@dataclass(frozen=True)
class PeriodEffect:
    """What new dates (or removing a period) would leave outside every period of a class."""

    marked: int  # lessons with marks or absences: the change is refused
    empty: int  # lessons without: removed only when confirmed
    first: str  # "12.10.2026 5А Математика" — the first marked (else empty) one


def _orphans(period: Period, start: dt.date | None, end: dt.date | None) -> tuple[list, set]:
    """Lessons of the period's classes that would lie outside all their periods.

    `start`/`end` None: the period removed. Returns (lessons, ids of those with entries).
    """
    others = list(
        Period.select().where(
            (Period.year == period.year_id)
            & (Period.id != period.id)
            & (Period.grade_from <= period.grade_to)
            & (Period.grade_to >= period.grade_from)
        )
    )
    lessons = (
        Lesson.select(Lesson, Course, SchoolClass, Subject)
        .join(Course)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .where(
            (SchoolClass.year == period.year_id)
            & (SchoolClass.grade >= period.grade_from)
            & (SchoolClass.grade <= period.grade_to)
            & (Lesson.date >= period.start)
            & (Lesson.date <= period.end)
        )
        .order_by(Lesson.date, Lesson.number)
    )
    lost = []
    for lesson in lessons:
        if start is not None and start <= lesson.date <= end:
            continue
        grade = lesson.course.school_class.grade
        if any(p.grade_from <= grade <= p.grade_to and p.start <= lesson.date <= p.end for p in others):
            continue
        lost.append(lesson)
    return lost, _has_entries(lesson.id for lesson in lost)


def _effect(lost: list, marked: set) -> PeriodEffect:
    first = next((x for x in lost if x.id in marked), lost[0] if lost else None)
    text = (
        f"{first.date:%d.%m.%Y} {first.course.school_class.name} {first.course.subject.name}" if first else ""
    )
    return PeriodEffect(len(marked), len(lost) - len(marked), text)


@reading
def period_change_effect(period_id: int, start: object, end: object) -> PeriodEffect:
    period = _get_period(period_id)
    lost, marked = _orphans(period, _date(start, "Начало"), _date(end, "Конец"))
    return _effect(lost, marked)


def _drop_orphans(actor: Actor, period: Period, lost: list, marked: set, drop: bool) -> int:
    effect = _effect(lost, marked)
    if effect.marked:
        raise ValidationError(
            f"Уроки с отметками или пропусками оказались бы вне учебных периодов: {effect.marked} "
            f"(первый — {effect.first}). Выберите даты, в которые они попадают."
        )
    if effect.empty and not drop:
        raise ValidationError(
            f"Вне учебных периодов оказались бы уроки без отметок: {effect.empty} "
            f"(первый — {effect.first}). Подтвердите их удаление."
        )
    ids = [lesson.id for lesson in lost]
    for part in chunked(ids, CHUNK):
        Lesson.delete().where(Lesson.id.in_(part)).execute()
    if ids:
        audit.record(
            actor,
            "lessons.drop",
            "period",
            period.id,
            new={"count": len(ids), "reason": "вне учебных периодов"},
        )
    return len(ids)


@service
def set_period_dates(
    actor: Actor, period_id: int, start: object, end: object, *, drop_empty_lessons: bool = False
) -> school.PeriodInfo:
    """New dates of a period. Lessons that would fall outside every period: with marks the
    change is refused; without, they are removed only with `drop_empty_lessons`."""
    require_admin(actor)
    period = _get_period(period_id)
    start, end = _date(start, "Начало периода"), _date(end, "Конец периода")
    year = period.year
    if start > end:
        raise ValidationError("Начало периода позже его конца.")
    if start < year.start or end > year.end:
        raise ValidationError(
            f"Период должен лежать внутри учебного года {year.name} ({_fmt(year.start)} – {_fmt(year.end)})."
        )
    clash = _overlapping(year.id, period.grade_from, period.grade_to, start, end, period.id)
    if clash is not None:
        raise ValidationError(
            f"Даты пересекаются с периодом «{clash.name}» ({_fmt(clash.start)} – {_fmt(clash.end)})."
        )
    lost, marked = _orphans(period, start, end)
    dropped = _drop_orphans(actor, period, lost, marked, drop_empty_lessons)
    old = {"start": period.start, "end": period.end}
    Period.update(start=start, end=end).where(Period.id == period.id).execute()
    audit.record(
        actor,
        "period.update",
        "period",
        period.id,
        old,
        {"start": start, "end": end, "lessons_dropped": dropped},
    )
    return school.period_info(Period.get_by_id(period.id))


@service
def add_period(
    actor: Actor,
    year_id: int,
    kind: str,
    start: object,
    end: object,
    grade_from: int,
    grade_to: int,
    name: str = "",
) -> school.PeriodInfo:
    """Another period (e.g. trimesters instead of quarters, after removing those)."""
    require_admin(actor)
    year = SchoolYear.get_or_none(SchoolYear.id == year_id)
    if year is None:
        raise NotFound("Такого учебного года нет.")
    if kind not in PERIOD_KINDS:
        raise ValidationError("Вид периода: четверть, полугодие или триместр.")
    if not 1 <= grade_from <= grade_to <= 11:
        raise ValidationError("Параллели периода — от 1 до 11, «с» не больше «по».")
    start, end = _date(start, "Начало периода"), _date(end, "Конец периода")
    if start > end or start < year.start or end > year.end:
        raise ValidationError(f"Период должен лежать внутри учебного года {year.name}, начало раньше конца.")
    clash = _overlapping(year.id, grade_from, grade_to, start, end, None)
    if clash is not None:
        raise ValidationError(
            f"Даты пересекаются с периодом «{clash.name}» ({_fmt(clash.start)} – {_fmt(clash.end)}) "
            f"параллелей {grades_text(clash.grade_from, clash.grade_to)}."
        )
    number = 1 + (
        Period.select(fn.MAX(Period.number))
        .where((Period.year == year_id) & (Period.kind == kind) & (Period.grade_from == grade_from))
        .scalar()
        or 0
    )
    period = Period.create(
        year=year_id,
        kind=kind,
        number=number,
        name=name.strip() or f"{number} {PERIOD_KINDS[kind]}",
        start=start,
        end=end,
        grade_from=grade_from,
        grade_to=grade_to,
    )
    audit.record(
        actor,
        "period.add",
        "period",
        period.id,
        new={"name": period.name, "start": start, "end": end, "grades": [grade_from, grade_to]},
    )
    return school.period_info(period)


@service
def delete_period(actor: Actor, period_id: int, *, drop_empty_lessons: bool = False) -> None:
    """Remove a period no final mark or subgroup split refers to, nor any marked lesson."""
    require_admin(actor)
    period = _get_period(period_id)
    refs = {
        "итоговые отметки": FinalMark.select().where(FinalMark.period == period_id).exists(),
        "деление на подгруппы": SubgroupMember.select().where(SubgroupMember.period == period_id).exists(),
    }
    found = [name for name, present in refs.items() if present]
    if found:
        raise ValidationError(f"Удалить период нельзя: на него ссылаются {', '.join(found)}.")
    lost, marked = _orphans(period, None, None)
    _drop_orphans(actor, period, lost, marked, drop_empty_lessons)
    old = school.period_info(period).__dict__
    Period.delete().where(Period.id == period_id).execute()
    audit.record(actor, "period.delete", "period", period_id, old=old)


# --- classes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRow:
    info: school.ClassInfo
    pupils: int  # enrolled today (or at the year's end for a past year)
    courses: int


@reading
def class_rows(year_id: int) -> list[ClassRow]:
    year = SchoolYear.get_or_none(SchoolYear.id == year_id)
    if year is None:
        return []
    day = min(max(clock.today(), year.start), year.end)
    pupils = dict(
        Enrollment.select(Enrollment.school_class, fn.COUNT(Enrollment.id))
        .join(SchoolClass)
        .where(
            (SchoolClass.year == year_id)
            & (Enrollment.start <= day)
            & (Enrollment.end.is_null() | (Enrollment.end >= day))
        )
        .group_by(Enrollment.school_class)
        .tuples()
    )
    courses = dict(
        Course.select(Course.school_class, fn.COUNT(Course.id))
        .join(SchoolClass)
        .where(SchoolClass.year == year_id)
        .group_by(Course.school_class)
        .tuples()
    )
    return [ClassRow(c, pupils.get(c.id, 0), courses.get(c.id, 0)) for c in school.list_classes(year_id)]


@service
def update_class(actor: Actor, class_id: int, grade: int, letter: str) -> school.ClassInfo:
    """Rename or regrade a class; refused when the name is taken in its year, or when the new
    grade has other periods while lessons, final marks or subgroup splits use the old ones."""
    require_admin(actor)
    school_class = school.get_class(class_id)
    letter = letter.strip().upper()
    if not 1 <= grade <= 11:
        raise ValidationError("Параллель класса — от 1 до 11.")
    if len(letter) != 1 or letter not in school.LETTERS:
        raise ValidationError("Литера класса — одна русская заглавная буква, например А.")
    if (grade, letter) == (school_class.grade, school_class.letter):
        return school.class_info(school_class)
    taken = SchoolClass.get_or_none(
        (SchoolClass.year == school_class.year_id)
        & (SchoolClass.grade == grade)
        & (SchoolClass.letter == letter)
        & (SchoolClass.id != class_id)
    )
    if taken is not None:
        raise ValidationError(f"Класс {grade}{letter} в этом году уже есть.")
    old_periods = [p.id for p in school.periods_for_grade(school_class.year_id, school_class.grade)]
    new_periods = [p.id for p in school.periods_for_grade(school_class.year_id, grade)]
    if old_periods != new_periods:
        courses = Course.select(Course.id).where(Course.school_class == class_id)
        used = {
            "уроки": Lesson.select().where(Lesson.course.in_(courses)).exists(),
            "итоговые отметки": FinalMark.select()
            .join(Enrollment, on=(FinalMark.student == Enrollment.student))
            .where((Enrollment.school_class == class_id) & FinalMark.period.in_(old_periods))
            .exists(),
            "деление на подгруппы": SubgroupMember.select()
            .join(Subgroup)
            .where(Subgroup.school_class == class_id)
            .exists(),
        }
        found = [name for name, present in used.items() if present]
        if found:
            raise ValidationError(
                f"У {grade} параллели другие учебные периоды, а у класса {school_class.name} "
                f"уже есть {', '.join(found)}: сменить параллель нельзя."
            )
    old = {"name": school_class.name}
    SchoolClass.update(grade=grade, letter=letter).where(SchoolClass.id == class_id).execute()
    audit.record(actor, "class.update", "school_class", class_id, old, {"name": f"{grade}{letter}"})
    return school.class_info(SchoolClass.get_by_id(class_id))


@service
def delete_class(actor: Actor, class_id: int) -> None:
    """Remove a class created by mistake: only while it has no pupils, load or subgroups."""
    require_admin(actor)
    school_class = school.get_class(class_id)
    refs = {
        "учащиеся (в том числе выбывшие)": Enrollment.select()
        .where(Enrollment.school_class == class_id)
        .exists(),
        "нагрузка (предметы и учителя)": Course.select().where(Course.school_class == class_id).exists(),
        "подгруппы": Subgroup.select().where(Subgroup.school_class == class_id).exists(),
    }
    found = [name for name, present in refs.items() if present]
    if found:
        raise ValidationError(f"Класс {school_class.name} удалить нельзя: у него есть {', '.join(found)}.")
    SchoolClass.delete().where(SchoolClass.id == class_id).execute()
    audit.record(actor, "class.delete", "school_class", class_id, old={"name": school_class.name})


# --- subjects and work types -----------------------------------------------------------------


@dataclass(frozen=True)
class SubjectInfo:
    id: int
    name: str
    short_name: str
    courses: int  # load rows in any year


@dataclass(frozen=True)
class WorkTypeInfo:
    id: int
    name: str
    weight: Decimal
    is_default: bool
    marks: int  # marks whose weight it gives


@reading
def list_subjects() -> list[SubjectInfo]:
    counts = dict(Course.select(Course.subject, fn.COUNT(Course.id)).group_by(Course.subject).tuples())
    return [
        SubjectInfo(s.id, s.name, s.short_name, counts.get(s.id, 0))
        for s in Subject.select().order_by(Subject.name)
    ]


def _work_type_marks(work_type: WorkType) -> int:
    """Marks weighted by this type: their own type, else their lesson's, else the default."""
    own = Mark.work_type == work_type.id
    by_lesson = Mark.work_type.is_null() & (Lesson.work_type == work_type.id)
    cond = own | by_lesson
    if work_type.is_default:
        cond = cond | (Mark.work_type.is_null() & Lesson.work_type.is_null())
    return Mark.select().join(Lesson).where(cond).count()


@reading
def list_work_types() -> list[WorkTypeInfo]:
    return [
        WorkTypeInfo(w.id, w.name, Decimal(w.weight), w.is_default, _work_type_marks(w))
        for w in WorkType.select().order_by(WorkType.weight, WorkType.name)
    ]


@service
def update_subject(actor: Actor, subject_id: int, name: str, short_name: str = "") -> SubjectInfo:
    require_admin(actor)
    subject = Subject.get_or_none(Subject.id == subject_id)
    if subject is None:
        raise NotFound("Такого предмета нет.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Укажите название предмета.")
    if len(name) > 100:
        raise ValidationError("Название предмета длиннее 100 символов.")
    if Subject.select().where((Subject.name == name) & (Subject.id != subject_id)).exists():
        raise ValidationError(f"Предмет «{name}» уже есть.")
    short = short_name.strip()[:20] or name[:12]
    old, new = audit.changes(
        {"name": subject.name, "short_name": subject.short_name}, {"name": name, "short_name": short}
    )
    if new:
        Subject.update(**new).where(Subject.id == subject_id).execute()
        audit.record(actor, "subject.update", "subject", subject_id, old, new)
    count = Course.select().where(Course.subject == subject_id).count()
    return SubjectInfo(subject_id, name, short, count)


@service
def delete_subject(actor: Actor, subject_id: int) -> None:
    require_admin(actor)
    subject = Subject.get_or_none(Subject.id == subject_id)
    if subject is None:
        raise NotFound("Такого предмета нет.")
    refs = {
        "нагрузка": Course.select().where(Course.subject == subject_id).exists(),
        "подгруппы": Subgroup.select().where(Subgroup.subject == subject_id).exists(),
        "итоговые отметки": FinalMark.select().where(FinalMark.subject == subject_id).exists(),
    }
    found = [name for name, present in refs.items() if present]
    if found:
        raise ValidationError(f"Предмет «{subject.name}» удалить нельзя: его используют {', '.join(found)}.")
    Subject.delete().where(Subject.id == subject_id).execute()
    audit.record(actor, "subject.delete", "subject", subject_id, old={"name": subject.name})


def parse_weight(weight: object) -> Decimal:
    try:
        value = Decimal(str(weight).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"Вес «{weight}» — не число.") from None
    if not value.is_finite() or not Decimal("0.1") <= value <= Decimal("10"):
        raise ValidationError("Вес вида работы — от 0.1 до 10.")
    return value.quantize(Decimal("0.01"))


@service
def update_work_type(
    actor: Actor, work_type_id: int, name: str, weight: object, *, make_default: bool = False
) -> WorkTypeInfo:
    """Rename a work type or change its weight (every average using it changes: the screen
    asks first); `make_default` makes it the type of marks given without one."""
    require_admin(actor)
    work_type = WorkType.get_or_none(WorkType.id == work_type_id)
    if work_type is None:
        raise NotFound("Такого вида работы нет.")
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Укажите название вида работы.")
    if WorkType.select().where((WorkType.name == name) & (WorkType.id != work_type_id)).exists():
        raise ValidationError(f"Вид работы «{name}» уже есть.")
    value = parse_weight(weight)
    before = {"name": work_type.name, "weight": Decimal(work_type.weight).quantize(Decimal("0.01"))}
    old, new = audit.changes(before, {"name": name, "weight": value})
    if make_default and not work_type.is_default:
        old["is_default"], new["is_default"] = False, True
        WorkType.update(is_default=False).where(WorkType.is_default).execute()
    if new:
        WorkType.update(**new).where(WorkType.id == work_type_id).execute()
        audit.record(actor, "work_type.update", "work_type", work_type_id, old, new)
    work_type = WorkType.get_by_id(work_type_id)
    return WorkTypeInfo(
        work_type.id,
        work_type.name,
        Decimal(work_type.weight),
        work_type.is_default,
        _work_type_marks(work_type),
    )


@service
def delete_work_type(actor: Actor, work_type_id: int) -> None:
    require_admin(actor)
    work_type = WorkType.get_or_none(WorkType.id == work_type_id)
    if work_type is None:
        raise NotFound("Такого вида работы нет.")
    if work_type.is_default:
        raise ValidationError(f"«{work_type.name}» — вид работы по умолчанию: сначала назначьте другой.")
    refs = {
        "отметки": Mark.select().where(Mark.work_type == work_type_id).exists(),
        "уроки": Lesson.select().where(Lesson.work_type == work_type_id).exists(),
    }
    found = [name for name, present in refs.items() if present]
    if found:
        raise ValidationError(
            f"Вид работы «{work_type.name}» удалить нельзя: его используют {', '.join(found)}."
        )
    WorkType.delete().where(WorkType.id == work_type_id).execute()
    audit.record(
        actor,
        "work_type.delete",
        "work_type",
        work_type_id,
        old={"name": work_type.name, "weight": work_type.weight},
    )


# --- teaching load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffChoice:
    id: int
    login: str
    name: str  # "Петров И. О."

    @property
    def label(self) -> str:
        return f"{self.name} ({self.login})"


@dataclass(frozen=True)
class LoadRow:
    course_id: int
    class_id: int
    class_name: str
    subject_id: int
    subject: str
    subgroup_id: int | None
    subgroup: str  # "" for the whole class
    teacher_id: int
    teacher: str
    hours: int  # timetable entries a week, valid on the day asked
    lessons: int  # lessons given or generated

    @property
    def title(self) -> str:
        return f"{self.subject} ({self.subgroup})" if self.subgroup else self.subject


@reading
def staff_choices() -> list[StaffChoice]:
    """Active staff who may teach, by surname."""
    query = (
        User.select()
        .where(User.role.in_((TEACHER, ADMIN)) & User.active)
        .order_by(User.surname, User.first_name, User.login)
    )
    return [StaffChoice(u.id, u.login, _person(u, short=True) or u.login) for u in query]


def _load_rows(where, on: dt.date) -> list[LoadRow]:
    query = (
        courses_with_names()
        .where(where)
        .order_by(SchoolClass.grade, SchoolClass.letter, Subject.name, Subgroup.number)
    )
    courses = list(query)
    ids = [c.id for c in courses]
    hours: dict[int, int] = {}
    lessons: dict[int, int] = {}
    for part in chunked(ids, CHUNK):
        hours.update(
            TimetableEntry.select(TimetableEntry.course, fn.COUNT(TimetableEntry.id))
            .where(
                TimetableEntry.course.in_(part)
                & (TimetableEntry.valid_from <= on)
                & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= on))
            )
            .group_by(TimetableEntry.course)
            .tuples()
        )
        lessons.update(
            Lesson.select(Lesson.course, fn.COUNT(Lesson.id))
            .where(Lesson.course.in_(part))
            .group_by(Lesson.course)
            .tuples()
        )
    return [
        LoadRow(
            c.id,
            c.school_class_id,
            c.school_class.name,
            c.subject_id,
            c.subject.name,
            c.subgroup_id,
            c.subgroup.name if c.subgroup_id else "",
            c.teacher_id,
            _person(c.teacher, short=True),
            hours.get(c.id, 0),
            lessons.get(c.id, 0),
        )
        for c in courses
    ]


def _reference_day(year_id: int) -> dt.date:
    year = SchoolYear.get_or_none(SchoolYear.id == year_id)
    if year is None:
        return clock.today()
    return min(max(clock.today(), year.start), year.end)


@reading
def class_load(class_id: int, on: dt.date | None = None) -> list[LoadRow]:
    """The teaching load of a class: subject, subgroup, teacher, hours a week, lessons."""
    school_class = school.get_class(class_id)
    return _load_rows(Course.school_class == class_id, on or _reference_day(school_class.year_id))


@reading
def teacher_load(teacher_id: int, year_id: int, on: dt.date | None = None) -> list[LoadRow]:
    """Everything a teacher teaches in a year, class by class."""
    return _load_rows(
        (Course.teacher == teacher_id) & (SchoolClass.year == year_id),
        on or _reference_day(year_id),
    )


@service
def delete_course(actor: Actor, course_id: int) -> None:
    """Remove a load row entered by mistake: only while it has no lessons (its timetable
    entries go with it)."""
    require_admin(actor)
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        raise NotFound("Такой нагрузки нет.")
    count = Lesson.select().where(Lesson.course == course_id).count()
    if count:
        raise ValidationError(
            f"По этой нагрузке уже есть уроки ({count}): удалить её нельзя. "
            "Смените учителя или уберите её из расписания."
        )
    entries = TimetableEntry.delete().where(TimetableEntry.course == course_id).execute()
    Course.delete().where(Course.id == course_id).execute()
    audit.record(
        actor,
        "course.delete",
        "course",
        course_id,
        old={
            "class": course.school_class_id,
            "subject": course.subject_id,
            "teacher": course.teacher_id,
            "subgroup": course.subgroup_id,
            "timetable_entries": entries,
        },
    )


@service
def set_subgroup_teachers(actor: Actor, class_id: int, subject_id: int, teacher_ids: list[int]) -> list[int]:
    """Teach a subject of a class in subgroups, one teacher per group (2–4).

    Creates the subgroups if the subject is not split yet; a group's course is created or
    given the new teacher. A whole-class course of the subject without lessons is replaced:
    its timetable entries are carried over to every group. Returns the groups' course ids.
    """
    require_admin(actor)
    school_class = school.get_class(class_id)
    subject = Subject.get_or_none(Subject.id == subject_id)
    if subject is None:
        raise NotFound("Такого предмета нет.")
    for teacher_id in teacher_ids:
        school._teacher(teacher_id)
    groups = list(
        Subgroup.select()
        .where((Subgroup.school_class == class_id) & (Subgroup.subject == subject_id))
        .order_by(Subgroup.number)
    )
    if groups and len(groups) != len(teacher_ids):
        raise ValidationError(
            f"Предмет «{subject.name}» в {school_class.name} уже разделён на {len(groups)} "
            f"подгруппы: укажите {len(groups)} учителей."
        )
    if not groups and not 2 <= len(teacher_ids) <= 4:
        raise ValidationError("Подгрупп может быть от 2 до 4.")
    whole = Course.get_or_none(
        (Course.school_class == class_id) & (Course.subject == subject_id) & Course.subgroup.is_null()
    )
    if whole is not None and Lesson.select().where(Lesson.course == whole.id).exists():
        raise ValidationError(
            f"По предмету «{subject.name}» уже идут уроки всего класса: разделить его на "
            "подгруппы в этом году нельзя."
        )
    if not groups:
        groups = [
            Subgroup.create(school_class=class_id, subject=subject_id, number=n, name=f"{n} группа")
            for n in range(1, len(teacher_ids) + 1)
        ]
    course_ids = []
    changes = []
    for group, teacher_id in zip(groups, teacher_ids, strict=True):
        course = Course.get_or_none((Course.school_class == class_id) & (Course.subgroup == group.id))
        if course is None:
            course = Course.create(
                school_class=class_id, subject=subject_id, teacher=teacher_id, subgroup=group.id
            )
            changes.append({"group": group.number, "teacher": teacher_id, "new": True})
        elif course.teacher_id != teacher_id:
            Course.update(teacher=teacher_id).where(Course.id == course.id).execute()
            changes.append({"group": group.number, "teacher": teacher_id, "was": course.teacher_id})
        course_ids.append(course.id)
    moved = 0
    if whole is not None:
        for entry in TimetableEntry.select().where(TimetableEntry.course == whole.id):
            for course_id in course_ids:
                TimetableEntry.create(
                    course=course_id,
                    weekday=entry.weekday,
                    number=entry.number,
                    valid_from=entry.valid_from,
                    valid_to=entry.valid_to,
                )
            moved += 1
        TimetableEntry.delete().where(TimetableEntry.course == whole.id).execute()
        Course.delete().where(Course.id == whole.id).execute()
    audit.record(
        actor,
        "load.subgroups",
        "school_class",
        class_id,
        {"whole_class_course": whole.id} if whole is not None else None,
        {"subject": subject_id, "groups": changes, "timetable_moved": moved},
    )
    return course_ids


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
    return (
        TimetableEntry.select(TimetableEntry, Course, SchoolClass, Subject, User, Subgroup)
        .join(Course)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .switch(Course)
        .join(User, on=(Course.teacher == User.id))
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER)
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
        c.subgroup.number if c.subgroup_id else None,
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
        course = Course.get_or_none(Course.id == course_id)
        if course is None:
            raise NotFound("Такой нагрузки нет.")
        if course.school_class_id != class_id:
            raise ValidationError("Эта нагрузка относится к другому классу.")
        out.append(course)
    return out


def _end_slot(class_id: int, weekday: int, number: int, day: dt.date) -> tuple[list, list]:
    """The class's entries in this slot stop holding from `day`: those starting on or after
    it are removed, earlier ones end the day before. Returns (removed, ended) ids."""
    removed, ended = [], []
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
    for entry in query:
        if entry.valid_from >= day:
            removed.append(entry.id)
        else:
            ended.append(entry.id)
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
    school_class = school.get_class(class_id)
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
    entry = TimetableEntry.get_or_none(TimetableEntry.id == entry_id)
    if entry is None:
        raise NotFound("Такой записи расписания нет.")
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
    return list(
        Period.select()
        .where(
            (Period.year == school_class.year_id)
            & (Period.grade_from <= school_class.grade)
            & (Period.grade_to >= school_class.grade)
        )
        .order_by(Period.start)
    )


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
    out = []
    for (course_id, day), numbers in sorted(wanted.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        have = existing.get((course_id, day), set())
        room = len(numbers) - len(have)
        if room <= 0:
            continue
        free = [n for n in numbers if n not in have]
        out.extend((course_id, day, n) for n in free[:room])
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
    school_class = school.get_class(class_id)
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
        for lesson in off:
            if lesson.id in marked:
                reason = "отметки или пропуски"
            elif lesson.topic or lesson.homework:
                reason = "тема или задание"
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
    school_class = school.get_class(class_id)
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
    school_class = school.get_class(class_id)
    periods = _class_periods(school_class)
    start = _future_start(from_date)
    if not periods or start > periods[-1].end:
        raise ValidationError(f"После {_fmt(start)} у класса {school_class.name} учебных дней нет.")
    school_class, plan, create, remove = _plan(class_id, None, start, periods[-1].end, regenerate=True)
    _write_plan(create, remove)
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
    school_class = school.get_class(class_id)
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


# --- the next year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Promotion:
    year_id: int
    year_name: str
    classes: tuple[tuple[str, str], ...]  # (old name, new name)
    moved: int  # pupils enrolled in the new classes
    graduated: int  # 11th-graders who left with "graduation"
    courses: int  # load rows carried over


@reading
def preview_promotion(from_year_id: int) -> Promotion:
    """What `promote_year` would do (counts only; nothing written)."""
    year = SchoolYear.get_or_none(SchoolYear.id == from_year_id)
    if year is None:
        raise NotFound("Такого учебного года нет.")
    pairs, moved, graduated, courses = [], 0, 0, 0
    for c in (
        SchoolClass.select()
        .where(SchoolClass.year == year.id)
        .order_by(SchoolClass.grade, SchoolClass.letter)
    ):
        staying = _staying(c, year)
        if c.grade >= 11:
            graduated += len(staying)
            pairs.append((c.name, ""))
        else:
            moved += len(staying)
            courses += Course.select().where(Course.school_class == c.id).count()
            pairs.append((c.name, f"{c.grade + 1}{c.letter}"))
    return Promotion(0, school.year_name(year.start.year + 1), tuple(pairs), moved, graduated, courses)


def _last_day(school_class: SchoolClass, year: SchoolYear) -> dt.date:
    periods = _class_periods(school_class)
    return periods[-1].end if periods else year.end


def _staying(school_class: SchoolClass, year: SchoolYear) -> list[Enrollment]:
    """The class's pupils who go on with it: still enrolled at the year's end (11th grade:
    at the end of its last period, the day they graduate)."""
    last = _last_day(school_class, year) if school_class.grade >= 11 else year.end
    return list(
        Enrollment.select().where(
            (Enrollment.school_class == school_class.id)
            & (Enrollment.start <= year.end)
            & (Enrollment.end.is_null() | (Enrollment.end >= last))
        )
    )


@service
def promote_year(
    actor: Actor, from_year_id: int, new_start_year: int | None = None, *, copy_load: bool = True
) -> Promotion:
    """Start the next year: the year with its default periods, every class one grade up
    with the same letter and homeroom teacher (5А → 6А), its pupils enrolled from 1
    September; 11th-graders leave on their last period's end ("graduation"). With
    `copy_load` the classes keep their subjects, teachers and subgroups (not the
    timetable nor the subgroup lists). The old year stays as it was, readable."""
    require_admin(actor)
    old = SchoolYear.get_or_none(SchoolYear.id == from_year_id)
    if old is None:
        raise NotFound("Такого учебного года нет.")
    start_year = new_start_year or old.start.year + 1
    if start_year <= old.start.year:
        raise ValidationError(f"Новый учебный год должен начинаться позже {old.name}.")
    classes = list(
        SchoolClass.select().where(SchoolClass.year == old.id).order_by(SchoolClass.grade, SchoolClass.letter)
    )
    if not classes:
        raise ValidationError(f"В {old.name} нет классов: переводить некого.")
    new_year_id = school.create_year(actor, start_year)
    new_year = SchoolYear.get_by_id(new_year_id)
    pairs, moved, graduated, copied = [], 0, 0, 0
    for c in classes:
        staying = _staying(c, old)
        if c.grade >= 11:
            last = _last_day(c, old)
            ids = [e.id for e in staying if e.end is None or e.end > last]
            if ids:
                Enrollment.update(end=last, end_reason="graduation", left_to="").where(
                    Enrollment.id.in_(ids)
                ).execute()
            graduated += len(staying)
            pairs.append((c.name, ""))
            continue
        homeroom = c.homeroom
        keep_homeroom = homeroom is not None and homeroom.active and homeroom.role in (TEACHER, ADMIN)
        new = SchoolClass.create(
            year=new_year_id,
            grade=c.grade + 1,
            letter=c.letter,
            homeroom=c.homeroom_id if keep_homeroom else None,
        )
        for e in staying:
            if e.end is None or e.end > old.end:
                Enrollment.update(end=old.end, end_reason="promotion", left_to=new.name).where(
                    Enrollment.id == e.id
                ).execute()
            Enrollment.create(student=e.student_id, school_class=new.id, start=new_year.start)
        moved += len(staying)
        if copy_load:
            copied += _copy_load(c, new)
        pairs.append((c.name, new.name))
    result = Promotion(new_year_id, new_year.name, tuple(pairs), moved, graduated, copied)
    audit.record(
        actor,
        "year.promote",
        "school_year",
        new_year_id,
        {"from": old.name},
        {
            "year": new_year.name,
            "classes": [f"{a}→{b or 'выпуск'}" for a, b in pairs],
            "moved": moved,
            "graduated": graduated,
            "courses": copied,
        },
    )
    return result


def _copy_load(old: SchoolClass, new: SchoolClass) -> int:
    groups: dict[int, int] = {}
    for g in Subgroup.select().where(Subgroup.school_class == old.id):
        groups[g.id] = Subgroup.create(
            school_class=new.id, subject=g.subject_id, number=g.number, name=g.name
        ).id
    count = 0
    for course in (
        Course.select(Course, User)
        .join(User, on=(Course.teacher == User.id))
        .where(Course.school_class == old.id)
    ):
        if not course.teacher.active:
            continue
        Course.create(
            school_class=new.id,
            subject=course.subject_id,
            teacher=course.teacher_id,
            subgroup=groups.get(course.subgroup_id) if course.subgroup_id else None,
        )
        count += 1
    return count
