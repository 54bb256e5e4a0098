"""Subgroups (R15): the split of a class per subject and period, its services and permissions,
and the subject teacher's grid following it. On SQLite and PostgreSQL.

The small school's 5А is split for English in both quarters: Андреев and Васильев in group 1
(Сидорова), Борисова and Григорьева in group 2 (Петров).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Mark, SubgroupMember
from models.journal import entries
from models.journal.grid import load_grid
from models.journal.subgroups import (
    SubjectGroups,
    assign_subgroup,
    copy_previous_split,
    marks_in_period,
    split_evenly,
    subgroup_split,
    subjects_with_subgroups,
    unassign_subgroup,
    unsplit_subjects,
)
from models.people import guardians, roster
from models.school.calendar import periods_for_grade
from models.school.identity import update_setting
from models.school.load import create_subgroups
from models.school.subjects import create_subject

A, B, V, G = "Андреев Андрей", "Борисова Бэлла", "Васильев Василий", "Григорьева Галина"


def grid_names(s, course_id: int, period_id: int) -> list[str]:
    return [p.name for p in load_grid(s.teacher, course_id, period_id).pupils]


def groups_of(s, period_id: int, subject_id: int | None = None) -> dict[str, int | None]:
    split = subgroup_split(s.homeroom, s.class_a, subject_id or s.english, period_id)
    return {p.name: p.group_number for p in split.pupils}


def add_pupil(s, surname: str, first_name: str, start: dt.date) -> int:
    data = {"surname": surname, "first_name": first_name}
    return roster.add_student(s.homeroom, s.class_a, data, start).id


def audit_of(action: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


def test_split_lists_the_class_with_groups_teachers_and_siblings(small):
    s = small
    guardians.link_guardian(s.homeroom, s.pupils[2], s.guardian_id, "мать")  # Андреевы' mother
    split = subgroup_split(s.homeroom, s.class_a, s.english, s.q2)
    assert (split.class_name, split.subject, split.period_name) == ("5А", "Английский язык", "2 четверть")
    assert [(g.number, g.name, g.teachers, g.size) for g in split.groups] == [
        (1, "1 группа", ("Сидорова А.",), 2),
        (2, "2 группа", ("Петров И.О.",), 2),
    ]
    assert [(p.name, p.group_number, p.siblings) for p in split.pupils] == [
        (A, 1, (V,)),
        (B, 2, ()),
        (V, 1, (A,)),
        (G, 2, ()),
    ]
    assert split.unassigned == 0 and split.has_marks is False
    assert split.group(2).title == "2 группа — Петров И.О."


def test_assigning_moves_a_pupil_and_the_grid_follows(small):
    s = small
    assert grid_names(s, s.english_a1, s.q2) == [A, V]
    assert grid_names(s, s.english_a2, s.q2) == [B, G]
    assign_subgroup(s.homeroom, s.subgroup_ids[0], s.pupils[1], s.q2)
    assert grid_names(s, s.english_a1, s.q2) == [A, B, V]
    assert grid_names(s, s.english_a2, s.q2) == [G]
    assert grid_names(s, s.english_a1, s.q1) == [A, V]  # the first quarter keeps its split
    assert unassign_subgroup(s.homeroom, s.class_a, s.english, s.pupils[3], s.q2) is True
    assert unassign_subgroup(s.homeroom, s.class_a, s.english, s.pupils[3], s.q2) is False
    assert grid_names(s, s.english_a2, s.q2) == []
    split = subgroup_split(s.homeroom, s.class_a, s.english, s.q2)
    assert [p.name for p in split.pupils if p.unassigned] == [G]
    assert split.unassigned == 1 and [g.size for g in split.groups] == [3, 0]
    moved = audit_of("subgroup.assign")[-1]
    assert moved.entity_id == s.pupils[1] and moved.user_id == s.homeroom.user_id
    assert json.loads(moved.old) == {"subgroup": s.subgroup_ids[1], "period": s.q2}
    assert json.loads(moved.new) == {"subgroup": s.subgroup_ids[0], "period": s.q2}
    removed = audit_of("subgroup.unassign")
    assert len(removed) == 1 and json.loads(removed[0].old)["subgroup"] == s.subgroup_ids[1]


def test_copy_previous_split_for_the_pupils_still_in_the_class(small):
    s = small
    newcomer = add_pupil(s, "Егоров", "Егор", dt.date(2026, 11, 10))  # arrived in the 2nd quarter
    leaver = add_pupil(s, "Жуков", "Жан", dt.date(2026, 9, 1))
    assign_subgroup(s.homeroom, s.subgroup_ids[1], leaver, s.q1)
    roster.leave_student(s.homeroom, leaver, dt.date(2026, 10, 20))  # gone before the 2nd
    assign_subgroup(s.homeroom, s.subgroup_ids[1], s.pupils[0], s.q2)
    assign_subgroup(s.homeroom, s.subgroup_ids[0], s.pupils[1], s.q2)
    assert groups_of(s, s.q2) == {A: 2, B: 1, V: 1, G: 2, "Егоров Егор": None}

    assert copy_previous_split(s.homeroom, s.class_a, s.english, s.q2) == 2
    assert groups_of(s, s.q2) == {A: 1, B: 2, V: 1, G: 2, "Егоров Егор": None}
    assert (
        not SubgroupMember.select()
        .where((SubgroupMember.student == leaver) & (SubgroupMember.period == s.q2))
        .exists()
    )
    assert newcomer not in {m.student_id for m in SubgroupMember.select()}
    entry = audit_of("subgroup.copy")[0]
    assert json.loads(entry.old)["groups"] == {str(s.pupils[0]): 2, str(s.pupils[1]): 1}
    assert json.loads(entry.new)["groups"] == {str(s.pupils[0]): 1, str(s.pupils[1]): 2}
    assert copy_previous_split(s.homeroom, s.class_a, s.english, s.q2) == 0  # nothing to change
    assert len(audit_of("subgroup.copy")) == 1
    with pytest.raises(ValidationError, match="первый период года"):
        copy_previous_split(s.homeroom, s.class_a, s.english, s.q1)
    q3, q4 = (p.id for p in periods_for_grade(s.year_id, 5)[2:])
    with pytest.raises(ValidationError, match="«3 четверть» деление на подгруппы не задано"):
        copy_previous_split(s.homeroom, s.class_a, s.english, q4)
    assert copy_previous_split(s.homeroom, s.class_a, s.english, q3) == 4
    assert groups_of(s, q3) == {A: 1, B: 2, V: 1, G: 2, "Егоров Егор": None}


def test_split_evenly_by_the_list(small):
    s = small
    denis = add_pupil(s, "Дьячков", "Денис", dt.date(2026, 9, 1))
    # five pupils in two groups: the first three to group 1, the other two to group 2
    assert split_evenly(s.homeroom, s.class_a, s.english, s.q2) == 2  # Борисова and Дьячков
    assert groups_of(s, s.q2) == {A: 1, B: 1, V: 1, G: 2, "Дьячков Денис": 2}
    assert split_evenly(s.homeroom, s.class_a, s.english, s.q2) == 0
    assert grid_names(s, s.english_a2, s.q2) == [G, "Дьячков Денис"]
    entry = audit_of("subgroup.split")[0]
    assert json.loads(entry.old)["groups"] == {str(s.pupils[1]): 2, str(denis): None}
    assert json.loads(entry.new)["groups"] == {str(s.pupils[1]): 1, str(denis): 2}

    # three groups, a pupil who left during the period keeps hers and is not counted
    informatics = create_subject(s.admin, "Информатика")
    create_subgroups(s.homeroom, s.class_a, informatics, 3)
    roster.leave_student(s.homeroom, s.pupils[3], dt.date(2026, 11, 20))
    assert split_evenly(s.homeroom, s.class_a, informatics, s.q2) == 4
    assert groups_of(s, s.q2, informatics) == {A: 1, B: 1, V: 2, G: None, "Дьячков Денис": 3}
    left = next(p for p in subgroup_split(s.homeroom, s.class_a, informatics, s.q2).pupils if p.name == G)
    assert left.left_on == dt.date(2026, 11, 20) and left.unassigned is False


def test_a_new_split_keeps_every_mark_on_its_lesson(small):
    s = small
    lesson = entries.add_lesson(s.other, s.english_a1, dt.date(2026, 11, 16)).id
    assert marks_in_period(s.class_a, s.english, s.q2) is False
    entries.set_mark(s.other, lesson, s.pupils[0], "5")
    assert marks_in_period(s.class_a, s.english, s.q2) is True
    assert marks_in_period(s.class_a, s.english, s.q1) is False
    assert marks_in_period(s.class_a, s.math, s.q2) is False
    assert subgroup_split(s.homeroom, s.class_a, s.english, s.q2).has_marks is True
    assign_subgroup(s.homeroom, s.subgroup_ids[1], s.pupils[0], s.q2)
    assert grid_names(s, s.english_a1, s.q2) == [V]
    assert grid_names(s, s.english_a2, s.q2) == [A, B, G]
    marks = [(m.lesson_id, m.student_id, m.value) for m in Mark.select()]
    assert marks == [(lesson, s.pupils[0], 5)]
    split_evenly(s.homeroom, s.class_a, s.english, s.q2)
    assert [(m.lesson_id, m.value) for m in Mark.select()] == [(lesson, 5)]


def test_only_the_homeroom_teacher_or_an_admin_changes_a_split(small):
    s = small
    writes = (
        lambda actor: assign_subgroup(actor, s.subgroup_ids[0], s.pupils[1], s.q2),
        lambda actor: unassign_subgroup(actor, s.class_a, s.english, s.pupils[1], s.q2),
        lambda actor: copy_previous_split(actor, s.class_a, s.english, s.q2),
        lambda actor: split_evenly(actor, s.class_a, s.english, s.q2),
    )
    for actor in (s.teacher, s.other, s.student, s.guardian):
        for write in writes:
            with pytest.raises(PermissionDenied):
                write(actor)
    assert groups_of(s, s.q2) == {A: 1, B: 2, V: 1, G: 2}
    assert subgroup_split(s.teacher, s.class_a, s.english, s.q2).groups[1].size == 2  # staff read
    with pytest.raises(PermissionDenied):
        subgroup_split(s.guardian, s.class_a, s.english, s.q2)
    split_evenly(s.admin, s.class_a, s.english, s.q2)
    assert groups_of(s, s.q2) == {A: 1, B: 1, V: 2, G: 2}


def test_a_period_or_subject_that_does_not_fit_is_refused(small):
    s = small
    half = periods_for_grade(s.year_id, 10)[0].id  # a half-year of grades 10–11
    with pytest.raises(ValidationError, match="не относится к классу 5А"):
        assign_subgroup(s.homeroom, s.subgroup_ids[0], s.pupils[0], half)
    with pytest.raises(ValidationError, match="не делится на подгруппы"):
        split_evenly(s.homeroom, s.class_a, s.math, s.q2)
    with pytest.raises(ValidationError, match="не числится в классе"):
        assign_subgroup(s.homeroom, s.subgroup_ids[0], s.pupils_b[0], s.q2)


def test_subjects_with_subgroups_and_the_reminder(small):
    s = small
    assert subjects_with_subgroups(s.homeroom, s.class_a) == [SubjectGroups(s.english, "Английский язык", 2)]
    assert subjects_with_subgroups(s.homeroom, s.class_b) == []
    assert unsplit_subjects(s.homeroom, s.class_a, s.q2) == []
    add_pupil(s, "Егоров", "Егор", dt.date(2026, 11, 10))
    assert unsplit_subjects(s.homeroom, s.class_a, s.q2) == ["Английский язык"]


def test_creating_subgroups_follows_the_school_setting(small):
    s = small
    with pytest.raises(PermissionDenied):
        create_subgroups(s.other, s.class_a, s.math, 2)  # 5Б's homeroom teacher
    update_setting(s.admin, "subgroups_by_homeroom", "нет")
    with pytest.raises(PermissionDenied):
        create_subgroups(s.homeroom, s.class_a, s.math, 2)
    assert len(create_subgroups(s.admin, s.class_a, s.math, 2)) == 2
    assert [g.subject for g in subjects_with_subgroups(s.homeroom, s.class_a)] == [
        "Английский язык",
        "Математика",
    ]
