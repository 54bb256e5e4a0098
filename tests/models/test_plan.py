"""A course's КТП (issue 17, models/journal/plan.py), values worked by hand: the plan's hours
go to the course's lessons in date order, filling only empty topics; a cancelled lesson
shifts the lessons still to come; the plan against what was taken. Today is Sat 28 Nov 2026.

The plan: 1 «Дроби» (2 h, planned 23.11), 3 «Проценты» (контрольная, 25.11), 4 «Задачи»
(26.11), 5 «Повторение» (27.11), 6 «Итоговая» (30.11): six hours. The lessons: 23, 24
(«Своя тема», typed by the teacher), 25, 26, 27 November and 30 November, 1 December ahead."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Lesson, PlanItem, WorkType
from models.imports.lesson_plan import parse_rows
from models.journal import entries, plan
from tests.factory import SmallSchool

HEADER = ["№ урока", "Тема урока", "Кол-во часов", "Домашнее задание", "Вид работы", "Дата по плану"]
ROWS = [
    HEADER,
    ["Раздел 1. Дроби — 6 ч", "", "", "", "", ""],
    [1, "Дроби", 2, "№ 1", "", "23.11.2026"],
    [3, "Проценты", 1, "", "контрольная", "25.11.2026"],
    [4, "Задачи", 1, "№ 7", "", "26.11.2026"],
    [5, "Повторение", 1, "", "", "27.11.2026"],
    [6, "Итоговая", 1, "", "", "30.11.2026"],
]
DAYS = [dt.date(2026, 11, d) for d in (23, 24, 25, 26, 27, 30)] + [dt.date(2026, 12, 1)]


def topics(course_id: int) -> list[str]:
    return [
        lesson.topic for lesson in Lesson.select().where(Lesson.course == course_id).order_by(Lesson.date)
    ]


@pytest.fixture
def lessons(small) -> list[int]:
    s: SmallSchool = small
    ids = [entries.add_lesson(s.teacher, s.math_a, day).id for day in DAYS]
    entries.update_lesson(s.teacher, ids[1], topic="Своя тема")
    return ids


def test_the_plan_fills_empty_topics_in_date_order(small, lessons):
    s = small
    parsed = parse_rows(ROWS)
    assert parsed.valid and parsed.hours == 6
    (preview,) = plan.preview_plan(s.teacher, [s.math_a], parsed)
    assert (preview.hours, preview.lessons, preview.to_fill, preview.kept) == (6, 7, 5, 1)
    assert preview.valid and "на 1 ч меньше" in preview.balance
    assert topics(s.math_a) == ["", "Своя тема", "", "", "", "", ""]  # a preview writes nothing
    (done,) = plan.import_plan(s.teacher, [s.math_a], parsed, source="ktp.xlsx")
    assert (done.hours, done.filled, done.kept, done.title) == (6, 5, 1, "5А · Математика")
    # never over what the teacher typed; the 7th lesson has no hour of the plan
    assert topics(s.math_a) == ["Дроби", "Своя тема", "Проценты", "Задачи", "Повторение", "Итоговая", ""]
    control = WorkType.get(WorkType.name == "Контрольная работа").id
    assert Lesson.get_by_id(lessons[2]).work_type_id == control  # «Проценты» (контрольная)
    assert Lesson.get_by_id(lessons[3]).work_type_id is None
    items = list(PlanItem.select().where(PlanItem.course == s.math_a).order_by(PlanItem.position))
    assert [(i.position, i.number, i.topic) for i in items][:3] == [
        (1, 1, "Дроби"),
        (2, 1, "Дроби"),
        (3, 3, "Проценты"),
    ]
    assert items[0].section == "Раздел 1. Дроби — 6 ч" and items[0].homework == "№ 1"
    entry = AuditEntry.select().where(AuditEntry.action == "plan.import").get()
    assert entry.entity_id == s.math_a and entry.user_id == s.teacher.user_id
    # F4 on the teacher's own lesson offers the plan's hour in its place
    step = plan.plan_step_of(s.teacher, lessons[1])
    assert step is not None and (step.position, step.topic, step.homework) == (2, "Дроби", "№ 1")
    assert plan.plan_step_of(s.teacher, lessons[6]) is None


def test_a_cancelled_lesson_shifts_the_lessons_to_come(small, lessons):
    s = small
    plan.import_plan(s.teacher, [s.math_a], parse_rows(ROWS))
    entries.delete_lesson(s.teacher, lessons[3])  # 26 Nov («Задачи») was not held after all
    # the past keeps what was taken; 30.11 takes the 5th hour, 1.12 the 6th (it had none)
    assert topics(s.math_a) == ["Дроби", "Своя тема", "Проценты", "Повторение", "Повторение", "Итоговая"]
    assert AuditEntry.select().where(AuditEntry.action == "plan.reflow").count() == 1
    report = plan.plan_report(s.teacher, s.math_a)
    states = [(r.position, r.lesson_date, r.state) for r in report.rows]
    assert states == [
        (1, dt.date(2026, 11, 23), plan.TAKEN),
        (2, dt.date(2026, 11, 24), plan.TAKEN),
        (3, dt.date(2026, 11, 25), plan.TAKEN),
        (4, dt.date(2026, 11, 27), plan.TAKEN),
        (5, dt.date(2026, 11, 30), plan.BEHIND),  # planned for the 27th, its lesson still ahead
        (6, dt.date(2026, 12, 1), plan.AHEAD),  # planned for the 30th
    ]
    assert (report.hours, report.taken, report.behind, report.planned_by_today) == (6, 4, 1, 5)
    assert report.rows[1].planned_date == dt.date(2026, 11, 23)  # «Дроби»'s second hour


def test_one_plan_for_two_classes_of_a_grade_all_or_nothing(small):
    s = small
    entries.add_lesson(s.teacher, s.math_a, DAYS[0])
    entries.add_lesson(s.teacher, s.math_b, DAYS[0])
    courses = plan.plan_courses(s.teacher, "5А, 5Б", "математика")
    assert [c.title for c in courses] == ["5А · Математика", "5Б · Математика"]
    plan.import_plan(s.teacher, [c.course_id for c in courses], parse_rows(ROWS))
    assert topics(s.math_a) == topics(s.math_b) == ["Дроби"]
    with pytest.raises(ValidationError, match="Предмета «Химия» в классе 5А нет"):
        plan.plan_courses(s.teacher, "5А", "Химия")
    with pytest.raises(PermissionDenied):
        plan.plan_courses(s.teacher, "5А", "Русский язык")  # the homeroom teacher's course


def test_a_broken_plan_writes_nothing(small, lessons):
    s = small
    bad = parse_rows(
        [HEADER, [1, "Дроби", 1, "", "", ""], [2, "т" * 501, 1, "", "", ""], [3, "Задачи", 99, "", "", ""]]
    )
    assert not bad.valid
    (preview,) = plan.preview_plan(s.teacher, [s.math_a], bad)
    assert not preview.valid
    assert any("500 знаков" in p for p in preview.problems) and any("«99»" in p for p in preview.problems)
    with pytest.raises(ValidationError, match="План не записан"):
        plan.import_plan(s.teacher, [s.math_a], bad)
    unknown = parse_rows([HEADER, [1, "Дроби", 1, "", "зачётная", ""]])
    with pytest.raises(ValidationError, match="вид работы «зачётная» не найден"):
        plan.import_plan(s.teacher, [s.math_a], unknown)
    assert PlanItem.select().count() == 0 and topics(s.math_a)[0] == ""


def test_lessons_made_from_the_timetable_follow_the_plan_and_go_with_it(small):
    """Lessons generated after the plan was loaded take its topics; when the timetable drops
    them, a topic the plan gave does not keep them (only the teacher's own would)."""
    from models.school.lessons import generate_lessons, regenerate_future_lessons
    from models.school.timetable import add_timetable_entry, remove_timetable_entry

    s = small
    plan.import_plan(s.teacher, [s.math_a], parse_rows(ROWS))
    entry = add_timetable_entry(s.admin, s.math_a, 1, 3, dt.date(2026, 11, 30))  # Mondays, 3rd
    generate_lessons(s.admin, s.class_a, start="30.11.2026", end="14.12.2026")
    assert topics(s.math_a) == ["Дроби", "Дроби", "Проценты"]  # 30.11, 7.12, 14.12
    remove_timetable_entry(s.admin, entry)
    done = regenerate_future_lessons(s.admin, s.class_a, "01.12.2026")
    assert done.remove == 2 and not done.kept  # 7.12 and 14.12: the plan's topics, not kept
    assert topics(s.math_a) == ["Дроби"]
