"""The demo school's calendar-thematic plans (КТП, issue 17): one per course, an item per hour,
as many hours as the timetable gives the course over the whole year (beyond today too, where
the journal has no lessons yet), in sections («Раздел 1. …») of 10–25 hours.

The plan's item k is what the course's k-th lesson carries: the same topic list, the same
контрольные and самостоятельные (demo.journal's rules), the lesson's homework where it has
the plan's topic; planned_date is the timetable's k-th lesson of the year. A few plans are
2–3 hours longer or shorter than the year, as real ones are, and the careless course's
teacher is a few lessons behind the plan. Inserted in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from demo.data import SEED
from demo.journal import lesson_homework, lesson_kind, lesson_topic
from demo.plan import DemoSchool, PClass, PCourse, bulk_insert
from models.core.schema import PlanItem

PLAN_FIELDS = (
    PlanItem.course,
    PlanItem.position,
    PlanItem.number,
    PlanItem.section,
    PlanItem.topic,
    PlanItem.homework,
    PlanItem.work_type,
    PlanItem.planned_date,
)
SECTION_HOURS = (10, 25)
OTHER_LENGTH = 0.08  # plans longer or shorter than the year's lessons
BEHIND = (2, 3)  # the careless course: lessons behind its plan


def create_plans(school: DemoSchool) -> None:
    rng = random.Random(SEED + 8)
    work_types = {
        "control": school.work_types["Контрольная работа"].id,
        "small": school.work_types["Самостоятельная работа"].id,
    }
    rows: list[tuple] = []
    for c in school.classes:
        dates = year_lessons(school, c)
        for course in c.courses:
            rows += _plan(school, rng, c, course, dates[course.id], work_types)
    bulk_insert(PlanItem, PLAN_FIELDS, rows)
    school.counts["plan_items"] = len(rows)


def year_lessons(school: DemoSchool, c: PClass) -> dict[int, list[dt.date]]:
    """Course id → the dates of its lessons over the whole year, as the timetable gives them
    (the journal's lessons are the first of them: the same walk as demo.journal's)."""
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for day in school.year_days:
        if not any(p.contains(day) for p in c.periods):
            continue
        for _number, subject in c.timetable.get(day.isoweekday(), []):
            for course in c.courses:
                if course.subject == subject:
                    dates[course.id].append(day)
    return dates


def _plan(
    school: DemoSchool,
    rng: random.Random,
    c: PClass,
    course: PCourse,
    dates: list[dt.date],
    work_types: dict[str, int],
) -> list[tuple]:
    hours = len(dates)
    if not course.sloppy and rng.random() < OTHER_LENGTH:
        hours += rng.choice((-3, -2, 2, 3))
    # the careless teacher is behind: the plan's topics run ahead of the lessons'
    offset = school.topic_offsets[course.id] + (rng.randint(*BEHIND) if course.sloppy else 0)
    taken = school.journal_lessons.get(course.id, [])
    rows: list[tuple] = []
    controls = number = section = 0
    section_name = last_topic = last_base = ""  # a topic is never empty
    next_section = 1
    for position in range(1, hours + 1):
        index = position + offset
        kind = lesson_kind(c, course.subject, index)
        if kind == "control":
            controls += 1
        topic = lesson_topic(c, course.subject, index, kind, controls)
        base = lesson_topic(c, course.subject, index, "plain", 0)
        if position >= next_section and base != last_base:  # a section starts with a topic
            section += 1
            section_name = f"Раздел {section}. {base}"
            next_section = position + rng.randint(*SECTION_HOURS)
        if topic != last_topic:  # a topic of two hours: one number
            number += 1
        last_topic, last_base = topic, base
        if position <= len(taken) and taken[position - 1][0] == topic:
            homework = taken[position - 1][1]  # the lesson took it from the plan
        else:
            homework = lesson_homework(c, course.subject, index, rng)
        rows.append(
            (
                course.id,
                position,
                number,
                section_name,
                topic,
                homework,
                work_types.get(kind),
                dates[position - 1] if position <= len(dates) else None,
            )
        )
    return rows
