"""Classes of a year: created, renamed, given a homeroom teacher, removed while empty,
found by name, and the classes a user keeps."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from models.core import audit, clock
from models.core.access import ADMIN, TEACHER, Actor, require_admin
from models.core.db import tuples
from models.core.errors import NotFound, ValidationError
from models.core.lookup import get_or_refuse, refuse_while_used
from models.core.schema import (
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    SchoolClass,
    SchoolYear,
    Subgroup,
    SubgroupMember,
    User,
)
from models.core.service import reading, service
from models.school.calendar import current_year_id, periods_for_grade, year_for

LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ"


@dataclass(frozen=True)
class ClassInfo:
    id: int
    name: str
    grade: int
    letter: str
    year_id: int
    homeroom_id: int | None
    homeroom_name: str


# --- classes ---------------------------------------------------------------------------------


def _teacher(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.get_or_none(User.id == user_id)
    if user is None or user.role not in (TEACHER, ADMIN) or not user.active:
        raise ValidationError("Классным руководителем или учителем может быть только сотрудник.")
    return user


def class_info(c: SchoolClass) -> ClassInfo:
    teacher = c.homeroom
    name = (
        " ".join(p for p in (teacher.surname, teacher.first_name, teacher.patronymic) if p) if teacher else ""
    )
    return ClassInfo(c.id, c.name, c.grade, c.letter, c.year_id, c.homeroom_id, name)


def parse_class_name(name: str) -> tuple[int, str]:
    """ "5А", "5 а", "11-Б" → (5, "А"); a clear error for anything else."""
    text = name.strip().upper().replace(" ", "").replace("-", "")
    digits = "".join(ch for ch in text if ch.isdigit())
    letter = text[len(digits) :]
    if (
        not digits
        or not text.startswith(digits)
        or not 1 <= int(digits) <= 11
        or len(letter) != 1
        or letter not in LETTERS
    ):
        raise ValidationError(f"Неверное название класса «{name}»: нужно, например, 5А.")
    return int(digits), letter


@service
def create_class(
    actor: Actor, year_id: int, grade: int, letter: str, homeroom_id: int | None = None
) -> ClassInfo:
    require_admin(actor)
    letter = letter.strip().upper()
    if not 1 <= grade <= 11:
        raise ValidationError("Параллель класса — от 1 до 11.")
    if len(letter) != 1 or letter not in LETTERS:
        raise ValidationError("Литера класса — одна русская заглавная буква, например А.")
    get_or_refuse(SchoolYear, year_id)
    if (
        SchoolClass.select()
        .where((SchoolClass.year == year_id) & (SchoolClass.grade == grade) & (SchoolClass.letter == letter))
        .exists()
    ):
        raise ValidationError(f"Класс {grade}{letter} в этом году уже есть.")
    _teacher(homeroom_id)
    school_class = SchoolClass.create(year=year_id, grade=grade, letter=letter, homeroom=homeroom_id)
    audit.record(
        actor,
        "class.create",
        "school_class",
        school_class.id,
        new={"name": school_class.name, "homeroom": homeroom_id},
    )
    return class_info(school_class)


@service
def set_homeroom(actor: Actor, class_id: int, homeroom_id: int | None) -> ClassInfo:
    require_admin(actor)
    school_class = get_class(class_id)
    _teacher(homeroom_id)
    old = school_class.homeroom_id
    SchoolClass.update(homeroom=homeroom_id).where(SchoolClass.id == class_id).execute()
    audit.record(
        actor,
        "class.homeroom",
        "school_class",
        class_id,
        {"homeroom": old},
        {"homeroom": homeroom_id},
    )
    return class_info(SchoolClass.get_by_id(class_id))


def get_class(class_id: int) -> SchoolClass:
    return get_or_refuse(SchoolClass, class_id)


@reading
def find_class(name: str, year_id: int | None = None) -> ClassInfo:
    """A class of the current (or given) year by its name, e.g. "5А"."""
    grade, letter = parse_class_name(name)
    if year_id is None:
        year = year_for(clock.today()) or SchoolYear.select().order_by(SchoolYear.start.desc()).first()
        if year is None:
            raise NotFound("В школе ещё нет учебного года.")
        year_id = year.id
    found = SchoolClass.get_or_none(
        (SchoolClass.year == year_id) & (SchoolClass.grade == grade) & (SchoolClass.letter == letter)
    )
    if found is None:
        raise NotFound(f"Класса {grade}{letter} нет.")
    return class_info(found)


@reading
def list_classes(year_id: int) -> list[ClassInfo]:
    query = (
        SchoolClass.select(SchoolClass, User)
        .join(User, on=(SchoolClass.homeroom == User.id), join_type=JOIN.LEFT_OUTER)
        .where(SchoolClass.year == year_id)
        .order_by(SchoolClass.grade, SchoolClass.letter)
    )
    return [class_info(c) for c in query]


@reading
def classes_kept_by(actor: Actor) -> list[ClassInfo]:
    """The classes whose roster this user keeps this year: a homeroom teacher's, or all (admin)."""
    year_id = current_year_id()
    if year_id is None or not actor.is_staff:
        return []
    classes = list_classes(year_id)
    if actor.is_admin:
        return classes
    return [c for c in classes if c.homeroom_id == actor.user_id]


# --- classes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRow:
    info: ClassInfo
    pupils: int  # enrolled today (or at the year's end for a past year)
    courses: int


@reading
def class_rows(year_id: int) -> list[ClassRow]:
    year = SchoolYear.get_or_none(SchoolYear.id == year_id)
    if year is None:
        return []
    day = min(max(clock.today(), year.start), year.end)
    pupils: dict[int, int] = dict(
        tuples(
            Enrollment.select(Enrollment.school_class, fn.COUNT(Enrollment.id))
            .join(SchoolClass)
            .where(
                (SchoolClass.year == year_id)
                & (Enrollment.start <= day)
                & (Enrollment.end.is_null() | (Enrollment.end >= day))
            )
            .group_by(Enrollment.school_class)
        )
    )
    courses: dict[int, int] = dict(
        tuples(
            Course.select(Course.school_class, fn.COUNT(Course.id))
            .join(SchoolClass)
            .where(SchoolClass.year == year_id)
            .group_by(Course.school_class)
        )
    )
    return [ClassRow(c, pupils.get(c.id, 0), courses.get(c.id, 0)) for c in list_classes(year_id)]


@service
def update_class(actor: Actor, class_id: int, grade: int, letter: str) -> ClassInfo:
    """Rename or regrade a class; refused when the name is taken in its year, or when the new
    grade has other periods while lessons, final marks or subgroup splits use the old ones."""
    require_admin(actor)
    school_class = get_class(class_id)
    letter = letter.strip().upper()
    if not 1 <= grade <= 11:
        raise ValidationError("Параллель класса — от 1 до 11.")
    if len(letter) != 1 or letter not in LETTERS:
        raise ValidationError("Литера класса — одна русская заглавная буква, например А.")
    if (grade, letter) == (school_class.grade, school_class.letter):
        return class_info(school_class)
    taken = SchoolClass.get_or_none(
        (SchoolClass.year == school_class.year_id)
        & (SchoolClass.grade == grade)
        & (SchoolClass.letter == letter)
        & (SchoolClass.id != class_id)
    )
    if taken is not None:
        raise ValidationError(f"Класс {grade}{letter} в этом году уже есть.")
    old_periods = [p.id for p in periods_for_grade(school_class.year_id, school_class.grade)]
    new_periods = [p.id for p in periods_for_grade(school_class.year_id, grade)]
    if old_periods != new_periods:
        courses = Course.select(Course.id).where(Course.school_class == class_id)
        refuse_while_used(
            {
                "уроки": Lesson.select().where(Lesson.course.in_(courses)),
                "итоговые отметки": FinalMark.select()
                .join(Enrollment, on=(FinalMark.student == Enrollment.student))
                .where((Enrollment.school_class == class_id) & FinalMark.period.in_(old_periods)),
                "деление на подгруппы": SubgroupMember.select()
                .join(Subgroup)
                .where(Subgroup.school_class == class_id),
            },
            lambda used: (
                f"У {grade} параллели другие учебные периоды, а у класса {school_class.name} "
                f"уже есть {used}: сменить параллель нельзя."
            ),
        )
    old = {"name": school_class.name}
    SchoolClass.update(grade=grade, letter=letter).where(SchoolClass.id == class_id).execute()
    audit.record(actor, "class.update", "school_class", class_id, old, {"name": f"{grade}{letter}"})
    return class_info(SchoolClass.get_by_id(class_id))


@service
def delete_class(actor: Actor, class_id: int) -> None:
    """Remove a class created by mistake: only while it has no pupils, load or subgroups."""
    require_admin(actor)
    school_class = get_class(class_id)
    refuse_while_used(
        {
            "учащиеся (в том числе выбывшие)": Enrollment.select().where(Enrollment.school_class == class_id),
            "нагрузка (предметы и учителя)": Course.select().where(Course.school_class == class_id),
            "подгруппы": Subgroup.select().where(Subgroup.school_class == class_id),
        },
        lambda used: f"Класс {school_class.name} удалить нельзя: у него есть {used}.",
    )
    SchoolClass.delete().where(SchoolClass.id == class_id).execute()
    audit.record(actor, "class.delete", "school_class", class_id, old={"name": school_class.name})
