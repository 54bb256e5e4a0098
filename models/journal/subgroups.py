"""Splitting a class into subgroups per subject and period (R15).

Membership is per period: a pupil may be in group 1 for English this quarter and group 2
the next, and in different groups for different subjects. The subject teacher's grid of a
subgroup course shows exactly the group's members of the period (models.journal.grid). Changing a
split never moves or deletes a mark: marks stay on the lessons they were given in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from peewee import fn

from models.core import audit
from models.core.access import Actor, require_admin, require_class_keeper, require_staff
from models.core.db import tuples
from models.core.errors import PermissionDenied, ValidationError
from models.core.locks import take_turn
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Course,
    Enrollment,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    StudentGuardian,
    Subgroup,
    SubgroupMember,
    Subject,
    User,
)
from models.core.service import reading, service
from models.core.settings import load as load_settings
from models.people.names import short_names
from models.school.calendar import for_grade, is_for_grade


@dataclass(frozen=True)
class GroupInfo:
    id: int
    number: int
    name: str
    teachers: tuple[str, ...]  # from the teaching load (Course) of the subgroup
    size: int  # members in the period

    @property
    def title(self) -> str:
        return f"{self.name} — {', '.join(self.teachers)}" if self.teachers else self.name


@dataclass(frozen=True)
class SplitPupil:
    student_id: int
    name: str
    group_id: int | None
    group_number: int | None
    left_on: dt.date | None  # left the class during the period (not split evenly any more)
    siblings: tuple[str, ...]  # classmates sharing a guardian with this pupil

    @property
    def unassigned(self) -> bool:
        return self.group_id is None and self.left_on is None


@dataclass(frozen=True)
class SubgroupSplit:
    class_id: int
    class_name: str
    subject_id: int
    subject: str
    period_id: int
    period_name: str
    period_start: dt.date
    period_end: dt.date
    groups: tuple[GroupInfo, ...]
    pupils: tuple[SplitPupil, ...]
    has_marks: bool  # marks exist in the period for the subject: changes ask first

    @property
    def unassigned(self) -> int:
        return sum(1 for p in self.pupils if p.unassigned)

    def group(self, number: int) -> GroupInfo | None:
        return next((g for g in self.groups if g.number == number), None)


@dataclass(frozen=True)
class SubjectGroups:
    subject_id: int
    subject: str
    count: int


# --- lookups -----------------------------------------------------------------------------------


def _period_of(school_class: SchoolClass, period_id: int) -> Period:
    """The period, refused unless it is one of this class's (same year, its grade)."""
    period = get_or_refuse(Period, period_id)
    if not is_for_grade(period, school_class.year_id, school_class.grade):
        raise ValidationError(f"Период «{period.name}» не относится к классу {school_class.name}.")
    return period


def _groups(class_id: int, subject_id: int) -> list[Subgroup]:
    groups = list(
        Subgroup.select()
        .where((Subgroup.school_class == class_id) & (Subgroup.subject == subject_id))
        .order_by(Subgroup.number)
    )
    if not groups:
        raise ValidationError("По этому предмету класс не делится на подгруппы.")
    return groups


def _enrolled(class_id: int, period: Period) -> list[tuple[int, str, dt.date | None]]:
    """The class's pupils in the period, by the list (surname, name): (id, name, left on)."""
    query = (
        Enrollment.select(Student.id, Student.surname, Student.first_name, Student.patronymic, Enrollment.end)
        .join(Student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= period.end)
            & (Enrollment.end.is_null() | (Enrollment.end >= period.start))
        )
        .order_by(Student.surname, Student.first_name, Student.patronymic, Enrollment.start)
    )
    rows = list(tuples(query))
    names = short_names(
        (sid, surname, first, patronymic or "") for sid, surname, first, patronymic, _ in rows
    )
    out: dict[int, tuple[int, str, dt.date | None]] = {}
    for sid, _surname, _first_name, _patronymic, end in rows:
        left = end if end is not None and end < period.end else None
        # a pupil who left and came back within the period counts as present
        if sid in out and (left is None or out[sid][2] is None):
            left = None
        out[sid] = (sid, names[sid], left)
    return list(out.values())


def _members(group_ids: list[int], period_id: int) -> dict[int, int]:
    """Pupil → subgroup id in the period."""
    return dict(
        tuples(
            SubgroupMember.select(SubgroupMember.student, SubgroupMember.subgroup).where(
                (SubgroupMember.subgroup.in_(group_ids)) & (SubgroupMember.period == period_id)
            )
        )
    )


def _siblings(pupils: list[tuple[int, str, dt.date | None]]) -> dict[int, tuple[str, ...]]:
    """Pupils of the list sharing a guardian: each one's classmates who do (one query)."""
    names = {sid: name for sid, name, _ in pupils}
    by_guardian: dict[int, set[int]] = defaultdict(set)
    for student_id, guardian_id in tuples(
        StudentGuardian.select(StudentGuardian.student, StudentGuardian.guardian).where(
            StudentGuardian.student.in_(list(names))
        )
    ):
        by_guardian[guardian_id].add(student_id)
    out: dict[int, set[int]] = defaultdict(set)
    for children in by_guardian.values():
        for child in children:
            out[child] |= children - {child}
    return {sid: tuple(sorted(names[o] for o in others)) for sid, others in out.items() if others}


def _has_marks(class_id: int, subject_id: int, period: Period) -> bool:
    return (
        Mark.select(Mark.id)
        .join(Lesson)
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & (Course.subject == subject_id)
            & (Lesson.date >= period.start)
            & (Lesson.date <= period.end)
        )
        .exists()
    )


def _set_members(changes: Mapping[int, int | None], group_ids: list[int], period_id: int) -> None:
    """Pupil → new subgroup (None: no group) in the period, two statements for all of them."""
    if not changes:
        return
    SubgroupMember.delete().where(
        (SubgroupMember.student.in_(list(changes)))
        & (SubgroupMember.subgroup.in_(group_ids))
        & (SubgroupMember.period == period_id)
    ).execute()
    rows = [
        {"subgroup": group, "student": student, "period": period_id}
        for student, group in changes.items()
        if group is not None
    ]
    if rows:
        SubgroupMember.insert_many(rows).execute()


def _write_split(
    actor: Actor,
    action: str,
    class_id: int,
    subject_id: int,
    period_id: int,
    groups: list[Subgroup],
    before: Mapping[int, int | None],
    changes: Mapping[int, int | None],
) -> int:
    """Write a whole split (pupil → new group) and audit it as one entry: each changed
    pupil's group number, old → new. Returns how many pupils changed group."""
    _set_members(changes, [g.id for g in groups], period_id)
    if not changes:
        return 0
    numbers = {g.id: g.number for g in groups}
    audit.record(
        actor,
        action,
        "school_class",
        class_id,
        {
            "subject": subject_id,
            "period": period_id,
            "groups": {s: numbers.get(before.get(s) or 0) for s in changes},
        },
        {
            "subject": subject_id,
            "period": period_id,
            "groups": {s: numbers.get(g or 0) for s, g in changes.items()},
        },
    )
    return len(changes)


# --- reads -------------------------------------------------------------------------------------


@reading
def subjects_with_subgroups(actor: Actor, class_id: int) -> list[SubjectGroups]:
    """The class's subjects that are split into subgroups, by name (one query)."""
    require_staff(actor)
    query = (
        Subgroup.select(Subject.id, Subject.name, fn.COUNT(Subgroup.id))
        .join(Subject)
        .where(Subgroup.school_class == class_id)
        .group_by(Subject.id, Subject.name)
        .order_by(Subject.name)
    )
    return [SubjectGroups(sid, name, count) for sid, name, count in tuples(query)]


@reading
def subgroup_split(actor: Actor, class_id: int, subject_id: int, period_id: int) -> SubgroupSplit:
    """The class list of the period with each pupil's group, the groups and their teachers."""
    require_staff(actor)
    school_class = get_or_refuse(SchoolClass, class_id)
    period = _period_of(school_class, period_id)
    subject = get_or_refuse(Subject, subject_id)
    groups = _groups(class_id, subject_id)
    group_ids = [g.id for g in groups]
    teachers: dict[int, list[str]] = defaultdict(list)
    for group_id, surname, first_name, patronymic in tuples(
        Course.select(Course.subgroup, User.surname, User.first_name, User.patronymic)
        .join(User, on=(Course.teacher == User.id))
        .where(Course.subgroup.in_(group_ids))
        .order_by(User.surname)
    ):
        initials = "".join(f"{p[0]}." for p in (first_name, patronymic) if p)
        teachers[group_id].append(f"{surname} {initials}".strip())
    pupils = _enrolled(class_id, period)
    members = _members(group_ids, period.id)
    numbers = {g.id: g.number for g in groups}
    sizes: dict[int, int] = defaultdict(int)
    for sid, _name, _left in pupils:
        if sid in members:
            sizes[members[sid]] += 1
    siblings = _siblings(pupils)
    return SubgroupSplit(
        class_id=class_id,
        class_name=school_class.name,
        subject_id=subject_id,
        subject=subject.name,
        period_id=period.id,
        period_name=period.name,
        period_start=period.start,
        period_end=period.end,
        groups=tuple(GroupInfo(g.id, g.number, g.name, tuple(teachers[g.id]), sizes[g.id]) for g in groups),
        pupils=tuple(
            SplitPupil(
                sid,
                name,
                members.get(sid),
                numbers.get(members.get(sid, 0)),
                left,
                siblings.get(sid, ()),
            )
            for sid, name, left in pupils
        ),
        has_marks=_has_marks(class_id, subject_id, period),
    )


@reading
def marks_in_period(class_id: int, subject_id: int, period_id: int) -> bool:
    """Whether any mark of the subject was given in the class in the period (ask before a change)."""
    period = get_or_refuse(Period, period_id)
    return _has_marks(class_id, subject_id, period)


@reading
def unsplit_subjects(actor: Actor, class_id: int, period_id: int) -> list[str]:
    """Subjects with subgroups where a pupil of the period has no group yet (the R15 reminder)."""
    require_staff(actor)
    school_class = get_or_refuse(SchoolClass, class_id)
    period = _period_of(school_class, period_id)
    pupils = {sid for sid, _name, left in _enrolled(class_id, period) if left is None}
    out = []
    for subject in subjects_with_subgroups(actor, class_id):
        group_ids = [g.id for g in _groups(class_id, subject.subject_id)]
        if pupils - set(_members(group_ids, period.id)):
            out.append(subject.subject)
    return out


# --- writes ------------------------------------------------------------------------------------


@service
def assign_subgroup(actor: Actor, subgroup_id: int, student_id: int, period_id: int) -> None:
    """Put a pupil into a subgroup for a period (moving them out of its sibling groups)."""
    subgroup = get_or_refuse(Subgroup, subgroup_id)
    require_class_keeper(actor, subgroup.school_class_id)
    period = _period_of(get_or_refuse(SchoolClass, subgroup.school_class_id), period_id)
    take_turn("split", subgroup.school_class_id, subgroup.subject_id, period.id)
    enrolled = Enrollment.select(Enrollment.id).where(
        (Enrollment.student == student_id)
        & (Enrollment.school_class == subgroup.school_class_id)
        & (Enrollment.start <= period.end)
        & (Enrollment.end.is_null() | (Enrollment.end >= period.start))
    )
    if not enrolled.exists():
        raise ValidationError("Учащийся не числится в классе в этом периоде.")
    siblings = Subgroup.select(Subgroup.id).where(
        (Subgroup.school_class == subgroup.school_class_id) & (Subgroup.subject == subgroup.subject_id)
    )
    previous = (
        SubgroupMember.select()
        .where(
            (SubgroupMember.student == student_id)
            & (SubgroupMember.period == period_id)
            & (SubgroupMember.subgroup.in_(siblings))
        )
        .first()
    )
    if previous is not None and previous.subgroup_id == subgroup_id:
        return
    if previous is not None:
        SubgroupMember.delete().where(SubgroupMember.id == previous.id).execute()
    SubgroupMember.create(subgroup=subgroup_id, student=student_id, period=period_id)
    audit.record(
        actor,
        "subgroup.assign",
        "student",
        student_id,
        {"subgroup": previous.subgroup_id if previous else None, "period": period_id},
        {"subgroup": subgroup_id, "period": period_id},
    )


@service
def unassign_subgroup(actor: Actor, class_id: int, subject_id: int, student_id: int, period_id: int) -> bool:
    """Take a pupil out of every subgroup of the subject for the period; False if in none."""
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    period = _period_of(school_class, period_id)
    take_turn("split", class_id, subject_id, period.id)
    group_ids = [g.id for g in _groups(class_id, subject_id)]
    previous = _members(group_ids, period.id).get(student_id)
    if previous is None:
        return False
    _set_members({student_id: None}, group_ids, period.id)
    audit.record(
        actor,
        "subgroup.unassign",
        "student",
        student_id,
        {"subgroup": previous, "period": period.id},
        {"subgroup": None, "period": period.id},
    )
    return True


def _previous_period(school_class: SchoolClass, period: Period) -> Period | None:
    return (
        Period.select()
        .where(for_grade(school_class.year_id, school_class.grade) & (Period.start < period.start))
        .order_by(Period.start.desc())
        .first()
    )


@service
def copy_previous_split(actor: Actor, class_id: int, subject_id: int, period_id: int) -> int:
    """The previous period's groups for the pupils still in the class; how many changed.

    Pupils who were in no group then (newcomers) keep what they have now.
    """
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    period = _period_of(school_class, period_id)
    take_turn("split", class_id, subject_id, period.id)
    groups = _groups(class_id, subject_id)
    group_ids = [g.id for g in groups]
    previous = _previous_period(school_class, period)
    if previous is None:
        raise ValidationError(f"«{period.name}» — первый период года: копировать не из чего.")
    before_split = _members(group_ids, previous.id)
    if not before_split:
        raise ValidationError(f"В периоде «{previous.name}» деление на подгруппы не задано.")
    current = _members(group_ids, period.id)
    changes = {
        sid: before_split[sid]
        for sid, _name, left in _enrolled(class_id, period)
        if left is None and sid in before_split and current.get(sid) != before_split[sid]
    }
    return _write_split(actor, "subgroup.copy", class_id, subject_id, period.id, groups, current, changes)


@service
def split_evenly(actor: Actor, class_id: int, subject_id: int, period_id: int) -> int:
    """By the list: the first part of the class to group 1, the next to group 2 …

    Group sizes differ by at most one (the first groups take the extra pupil); pupils who
    left during the period keep their group. Returns how many pupils changed group.
    """
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    period = _period_of(school_class, period_id)
    take_turn("split", class_id, subject_id, period.id)
    groups = _groups(class_id, subject_id)
    group_ids = [g.id for g in groups]
    staying = [sid for sid, _name, left in _enrolled(class_id, period) if left is None]
    if not staying:
        raise ValidationError("В классе в этом периоде нет учащихся.")
    current = _members(group_ids, period.id)
    target = {sid: groups[i * len(groups) // len(staying)].id for i, sid in enumerate(staying)}
    changes: dict[int, int | None] = {
        sid: group for sid, group in target.items() if current.get(sid) != group
    }
    return _write_split(actor, "subgroup.split", class_id, subject_id, period.id, groups, current, changes)


@reading
def may_create_subgroups(actor: Actor, class_id: int) -> bool:
    """Whether this user may split a subject of the class (the school's setting decides)."""
    try:
        if load_settings().subgroups_by_homeroom:
            require_class_keeper(actor, class_id)
        else:
            require_admin(actor)
    except PermissionDenied:
        return False
    return True


@reading
def subjects_to_split(actor: Actor, class_id: int) -> list[tuple[int, str]]:
    """The school's subjects not yet split in this class: (id, name), by name."""
    require_staff(actor)
    split = Subgroup.select(Subgroup.subject).where(Subgroup.school_class == class_id)
    query = Subject.select(Subject.id, Subject.name).where(Subject.id.not_in(split)).order_by(Subject.name)
    return list(tuples(query))
