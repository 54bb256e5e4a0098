"""The next year: the promotion of every class one grade up (graduation after the last),
with the teaching load copied."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.core import audit
from models.core.access import ADMIN, TEACHER, Actor, require_admin
from models.core.errors import ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Course,
    Enrollment,
    SchoolClass,
    SchoolYear,
    Subgroup,
    User,
)
from models.core.service import reading, service
from models.school.calendar import create_year, year_name
from models.school.lessons import _class_periods

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
    year = get_or_refuse(SchoolYear, from_year_id)
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
    return Promotion(0, year_name(year.start.year + 1), tuple(pairs), moved, graduated, courses)


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
    old = get_or_refuse(SchoolYear, from_year_id)
    start_year = new_start_year or old.start.year + 1
    if start_year <= old.start.year:
        raise ValidationError(f"Новый учебный год должен начинаться позже {old.name}.")
    classes = list(
        SchoolClass.select().where(SchoolClass.year == old.id).order_by(SchoolClass.grade, SchoolClass.letter)
    )
    if not classes:
        raise ValidationError(f"В {old.name} нет классов: переводить некого.")
    new_year_id = create_year(actor, start_year)
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
