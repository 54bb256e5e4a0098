"""The teaching load (нагрузка): a class × subject × teacher, per subgroup where the class
is split; per class and per teacher; removed while it carries no lessons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import chunked, fn

from models.core import audit, clock
from models.core.access import ADMIN, TEACHER, Actor, require_admin, require_class_keeper
from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Course,
    Lesson,
    SchoolClass,
    SchoolYear,
    Subgroup,
    Subject,
    TimetableEntry,
    User,
)
from models.core.service import reading, service
from models.core.settings import load as load_settings
from models.journal.grid import courses_with_names
from models.school.classes import _teacher, get_class
from models.school.common import CHUNK, _person


@service
def create_subgroups(actor: Actor, class_id: int, subject_id: int, count: int) -> list[int]:
    """Split a subject of a class into `count` subgroups (admin, or homeroom per setting)."""
    get_class(class_id)
    if load_settings().subgroups_by_homeroom:
        require_class_keeper(actor, class_id)
    else:
        require_admin(actor)
    if not 2 <= count <= 4:
        raise ValidationError("Подгрупп может быть от 2 до 4.")
    get_or_refuse(Subject, subject_id)
    existing = (
        Subgroup.select()
        .where((Subgroup.school_class == class_id) & (Subgroup.subject == subject_id))
        .count()
    )
    if existing:
        raise ValidationError("Подгруппы по этому предмету уже созданы.")
    ids = [
        Subgroup.create(school_class=class_id, subject=subject_id, number=n, name=f"{n} группа").id
        for n in range(1, count + 1)
    ]
    audit.record(
        actor,
        "subgroups.create",
        "school_class",
        class_id,
        new={"subject": subject_id, "count": count},
    )
    return ids


@service
def create_course(
    actor: Actor, class_id: int, subject_id: int, teacher_id: int, subgroup_id: int | None = None
) -> int:
    """Teaching load: this teacher teaches this subject to this class (or one subgroup)."""
    require_admin(actor)
    get_class(class_id)
    get_or_refuse(Subject, subject_id)
    _teacher(teacher_id)
    if subgroup_id is not None:
        subgroup = Subgroup.get_or_none(Subgroup.id == subgroup_id)
        if subgroup is None or subgroup.school_class_id != class_id or subgroup.subject_id != subject_id:
            raise ValidationError("Подгруппа не относится к этому классу и предмету.")
    duplicate = Course.select().where(
        (Course.school_class == class_id)
        & (Course.subject == subject_id)
        & (Course.subgroup.is_null() if subgroup_id is None else Course.subgroup == subgroup_id)
    )
    if duplicate.exists():
        raise ValidationError("Такая нагрузка уже есть: смените учителя в существующей.")
    course = Course.create(
        school_class=class_id, subject=subject_id, teacher=teacher_id, subgroup=subgroup_id
    )
    audit.record(
        actor,
        "course.create",
        "course",
        course.id,
        new={
            "class": class_id,
            "subject": subject_id,
            "teacher": teacher_id,
            "subgroup": subgroup_id,
        },
    )
    return course.id


@service
def set_course_teacher(actor: Actor, course_id: int, teacher_id: int) -> None:
    require_admin(actor)
    course = get_or_refuse(Course, course_id)
    _teacher(teacher_id)
    Course.update(teacher=teacher_id).where(Course.id == course_id).execute()
    audit.record(
        actor,
        "course.teacher",
        "course",
        course_id,
        {"teacher": course.teacher_id},
        {"teacher": teacher_id},
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
            tuples(
                TimetableEntry.select(TimetableEntry.course, fn.COUNT(TimetableEntry.id))
                .where(
                    TimetableEntry.course.in_(part)
                    & (TimetableEntry.valid_from <= on)
                    & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= on))
                )
                .group_by(TimetableEntry.course)
            )
        )
        lessons.update(
            tuples(
                Lesson.select(Lesson.course, fn.COUNT(Lesson.id))
                .where(Lesson.course.in_(part))
                .group_by(Lesson.course)
            )
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
    school_class = get_class(class_id)
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
    course = get_or_refuse(Course, course_id)
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
    school_class = get_class(class_id)
    subject = get_or_refuse(Subject, subject_id)
    for teacher_id in teacher_ids:
        _teacher(teacher_id)
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
