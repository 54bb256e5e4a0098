"""Subjects and work types (with their weights): created, edited, removed while unused."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from peewee import fn

from models.core import audit
from models.core.access import Actor, require_admin
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse, refuse_while_used
from models.core.schema import (
    Course,
    FinalMark,
    Lesson,
    Mark,
    Subgroup,
    Subject,
    WorkType,
)
from models.core.service import reading, service

DEFAULT_WORK_TYPES = (
    ("Ответ на уроке", Decimal("1"), True),
    ("Домашняя работа", Decimal("1"), False),
    ("Самостоятельная работа", Decimal("1.5"), False),
    ("Проверочная работа", Decimal("1.5"), False),
    ("Контрольная работа", Decimal("2"), False),
)


# --- subjects, work types, load, subgroups, timetable -------------------------------------


@service
def create_subject(actor: Actor, name: str, short_name: str = "") -> int:
    require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError("Укажите название предмета.")
    if Subject.select().where(Subject.name == name).exists():
        raise ValidationError(f"Предмет «{name}» уже есть.")
    subject = Subject.create(name=name, short_name=short_name.strip() or name[:12])
    audit.record(actor, "subject.create", "subject", subject.id, new={"name": name})
    return subject.id


@service
def create_work_type(actor: Actor, name: str, weight: str | Decimal) -> int:
    require_admin(actor)
    try:
        value = Decimal(str(weight).replace(",", "."))
    except InvalidOperation:
        raise ValidationError(f"Вес «{weight}» — не число.") from None
    if not Decimal("0.1") <= value <= Decimal("10"):
        raise ValidationError("Вес вида работы — от 0.1 до 10.")
    if not name.strip():
        raise ValidationError("Укажите название вида работы.")
    if WorkType.select().where(WorkType.name == name.strip()).exists():
        raise ValidationError(f"Вид работы «{name.strip()}» уже есть.")
    work_type = WorkType.create(name=name.strip(), weight=value)
    audit.record(actor, "work_type.create", "work_type", work_type.id, new={"name": name, "weight": value})
    return work_type.id


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
    counts: dict[int, int] = dict(
        tuples(Course.select(Course.subject, fn.COUNT(Course.id)).group_by(Course.subject))
    )
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
    subject = get_or_refuse(Subject, subject_id)
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
    subject = get_or_refuse(Subject, subject_id)
    refuse_while_used(
        {
            "нагрузка": Course.select().where(Course.subject == subject_id),
            "подгруппы": Subgroup.select().where(Subgroup.subject == subject_id),
            "итоговые отметки": FinalMark.select().where(FinalMark.subject == subject_id),
        },
        lambda used: f"Предмет «{subject.name}» удалить нельзя: его используют {used}.",
    )
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
    work_type = get_or_refuse(WorkType, work_type_id)
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
    work_type = get_or_refuse(WorkType, work_type_id)
    if work_type.is_default:
        raise ValidationError(f"«{work_type.name}» — вид работы по умолчанию: сначала назначьте другой.")
    refuse_while_used(
        {
            "отметки": Mark.select().where(Mark.work_type == work_type_id),
            "уроки": Lesson.select().where(Lesson.work_type == work_type_id),
        },
        lambda used: f"Вид работы «{work_type.name}» удалить нельзя: его используют {used}.",
    )
    WorkType.delete().where(WorkType.id == work_type_id).execute()
    audit.record(
        actor,
        "work_type.delete",
        "work_type",
        work_type_id,
        old={"name": work_type.name, "weight": work_type.weight},
    )
