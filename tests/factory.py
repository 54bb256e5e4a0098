"""A small school for tests, built through the services (so they are exercised too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.core.access import SYSTEM, Actor, actor_of
from models.core.schema import User
from models.journal import entries, subgroups
from models.people import accounts, guardians, roster
from models.school.calendar import create_year, periods_for_grade
from models.school.classes import create_class
from models.school.identity import init_school, update_setting
from models.school.load import create_course, create_subgroups
from models.school.subjects import create_subject

YEAR = 2026
Q1 = (dt.date(2026, 9, 1), dt.date(2026, 10, 25))
Q2 = (dt.date(2026, 11, 5), dt.date(2026, 12, 28))
PAST_DAY = dt.date(2026, 10, 14)  # a Wednesday of the first quarter


def actor(user_id: int) -> Actor:
    return actor_of(User.get_by_id(user_id))


@dataclass
class SmallSchool:
    admin: Actor
    homeroom: Actor  # homeroom teacher of 5А, also teaches Russian there
    teacher: Actor  # subject teacher: mathematics in 5А and 5Б
    other: Actor  # homeroom of 5Б, teaches nothing in 5А
    student: Actor  # diary account of pupil[0]
    guardian: Actor  # diary account of pupil[0]'s mother
    year_id: int
    class_a: int
    class_b: int
    math: int  # subject ids
    russian: int
    english: int
    math_a: int  # course ids
    math_b: int
    russian_a: int
    english_a1: int  # subgroup courses
    english_a2: int
    subgroup_ids: list[int]
    pupils: list[int]  # of 5А
    pupils_b: list[int]
    guardian_id: int
    q1: int  # period ids for grade 5
    q2: int
    passwords: dict[str, str] = field(default_factory=dict)


def build_small_school(name: str = "Тестовая школа", suffix: str = "") -> SmallSchool:
    """The small school; `suffix` on its staff's logins makes another of a district's."""
    admin_id = init_school(name, f"admin{suffix}", "admin-secret-1")
    # keep argon2 fast in tests; the production defaults are exercised by the benchmark
    update_setting(SYSTEM, "argon2_memory_kib", "1024")
    update_setting(SYSTEM, "argon2_time_cost", "1")
    admin = actor(admin_id)
    year_id = create_year(admin, YEAR)
    homeroom = accounts.create_staff_user(
        admin, f"ivanova{suffix}", "teacher", "Иванова", "Мария", "Петровна", password="ivanova-pass"
    )
    teacher = accounts.create_staff_user(
        admin, f"petrov{suffix}", "teacher", "Петров", "Игорь", "Олегович", password="petrov-pass"
    )
    other = accounts.create_staff_user(
        admin, f"sidorova{suffix}", "teacher", "Сидорова", "Анна", "", password="sidorova-pass"
    )
    class_a = create_class(admin, year_id, 5, "А", homeroom.user_id).id
    class_b = create_class(admin, year_id, 5, "Б", other.user_id).id
    math = create_subject(admin, "Математика")
    russian = create_subject(admin, "Русский язык")
    english = create_subject(admin, "Английский язык")
    math_a = create_course(admin, class_a, math, teacher.user_id)
    math_b = create_course(admin, class_b, math, teacher.user_id)
    russian_a = create_course(admin, class_a, russian, homeroom.user_id)
    hr = actor(homeroom.user_id)
    subgroup_ids = create_subgroups(hr, class_a, english, 2)
    english_a1 = create_course(admin, class_a, english, other.user_id, subgroup_ids[0])
    english_a2 = create_course(admin, class_a, english, teacher.user_id, subgroup_ids[1])
    names = [
        ("Андреев", "Андрей"),
        ("Борисова", "Бэлла"),
        ("Васильев", "Василий"),
        ("Григорьева", "Галина"),
    ]
    pupils = [
        roster.add_student(hr, class_a, {"surname": s, "first_name": f}, dt.date(2026, 9, 1)).id
        for s, f in names
    ]
    ob = actor(other.user_id)
    pupils_b = [
        roster.add_student(
            ob, class_b, {"surname": "Дмитриев", "first_name": "Дмитрий"}, dt.date(2026, 9, 1)
        ).id
    ]
    periods = periods_for_grade(year_id, 5)
    q1, q2 = periods[0].id, periods[1].id
    for period_id in (q1, q2):
        for i, pupil in enumerate(pupils):
            subgroups.assign_subgroup(hr, subgroup_ids[i % 2], pupil, period_id)
    mother = guardians.add_guardian(
        hr,
        pupils[0],
        {"surname": "Андреева", "first_name": "Ольга", "phone": "+7 900 000-00-01"},
        "мать",
    )
    g_cred = accounts.issue_credentials(hr, guardian_id=mother.id)
    s_cred = accounts.issue_credentials(hr, student_id=pupils[0])
    return SmallSchool(
        admin=admin,
        homeroom=hr,
        teacher=actor(teacher.user_id),
        other=ob,
        student=actor(s_cred.user_id),
        guardian=actor(g_cred.user_id),
        year_id=year_id,
        class_a=class_a,
        class_b=class_b,
        math=math,
        russian=russian,
        english=english,
        math_a=math_a,
        math_b=math_b,
        russian_a=russian_a,
        english_a1=english_a1,
        english_a2=english_a2,
        subgroup_ids=subgroup_ids,
        pupils=pupils,
        pupils_b=pupils_b,
        guardian_id=mother.id,
        q1=q1,
        q2=q2,
        passwords={
            f"admin{suffix}": "admin-secret-1",
            f"ivanova{suffix}": "ivanova-pass",
            f"petrov{suffix}": "petrov-pass",
            f"sidorova{suffix}": "sidorova-pass",
            g_cred.login: g_cred.password,
            s_cred.login: s_cred.password,
        },
    )


def past_lesson(s: SmallSchool, course_id: int | None = None, day: dt.date = PAST_DAY) -> int:
    """A lesson on a past school day, added by the course's teacher (or the admin)."""
    return entries.add_lesson(s.admin, course_id or s.math_a, day).id
