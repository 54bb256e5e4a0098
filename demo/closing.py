"""How the demo school's teachers close their lessons (issue 17): the closing state of every
lesson, inserted with the lesson's row (models/journal/plan.py says what «closed» means).

A lesson with an absence had its attendance taken when the first one was typed; most others
got «все присутствуют» during the lesson (fewer in the careless course, and fewer today: the
day is not over). A lesson with a topic and no homework is mostly «без д/з» (grade 1 always).
The homework is set the afternoon of the lesson, sometimes late in the evening, now and then
days later (more often by the careless teacher); the lesson is closed the moment all three
hold. Lessons later today have not happened yet; the printed teachers keep one of today's open,
so their home screen has «Не закрыто уроков сегодня». One random stream of its own: the
journal's numbers (marks, absences) are the same with or without it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from demo.data import LESSON_START, NO_MARKS_GRADE, SEED
from demo.people import printed_teacher
from demo.plan import DemoSchool, at_hour
from models.core.schema import Lesson

if TYPE_CHECKING:
    from demo.journal import _PlannedLesson

CLOSING_FIELDS = (Lesson.no_homework, Lesson.homework_at, Lesson.attendance_taken, Lesson.closed_at)
NOT_HELD = (False, None, False, None)

ALL_PRESENT = 0.95  # a lesson without absences: «все присутствуют» confirmed
ALL_PRESENT_SLOPPY = 0.8
ALL_PRESENT_TODAY = 0.6  # today's lessons: some teachers fill the journal in the evening
NO_HOMEWORK_SAID = 0.85  # a lesson with a topic and no homework: «без д/з» said
LATE_DAYS = 0.05  # homework (and so the closing) on a later day
LATE_DAYS_SLOPPY = 0.2
LATE_EVENING = 0.1  # homework set 21:00–23:30


def close_lessons(
    school: DemoSchool, rows: list[tuple], planned: Sequence[_PlannedLesson], absences: Sequence[tuple]
) -> list[tuple]:
    """(no_homework, homework_at, attendance_taken, closed_at) for each lesson (CLOSING_FIELDS),
    `rows` being the lessons' rows (topic and homework at 3 and 4; one of today's may lose its
    homework: `_leave_one_open_today`) and `absences` the rows of their absences, each naming
    its lesson by its place in `rows`."""
    rng = random.Random(SEED + 7)
    first_absence: dict[int, dt.datetime] = {}
    for absence in absences:
        place, entered = absence[0], absence[7]
        if place not in first_absence or entered < first_absence[place]:
            first_absence[place] = entered
    states = [
        _state(school, rng, lesson, row[3], row[4], first_absence.get(place))
        for place, (row, lesson) in enumerate(zip(rows, planned, strict=True))
    ]
    _leave_one_open_today(school, rows, planned, states, first_absence)
    return states


def _state(
    school: DemoSchool,
    rng: random.Random,
    lesson: _PlannedLesson,
    topic: str,
    homework: str,
    absence_at: dt.datetime | None,
) -> tuple:
    day = lesson.day
    start = dt.datetime.combine(day, LESSON_START[lesson.number - 1])
    if start > school.now and not school.full_year:
        return NOT_HELD  # later today: the lesson has not happened yet
    sloppy = lesson.course.sloppy
    # the roll call
    if absence_at is not None:
        taken, taken_at = True, absence_at
    else:
        chance = ALL_PRESENT_TODAY if day == school.today else ALL_PRESENT_SLOPPY if sloppy else ALL_PRESENT
        taken = rng.random() < chance
        if rng.random() < 0.97:
            taken_at = start + dt.timedelta(minutes=rng.randint(2, 15))
        else:  # confirmed on a later day, going through the journal
            taken_at = at_hour(day + dt.timedelta(days=rng.randint(1, 3)), 15, 0, rng.randint(0, 300))
    # the homework, or «без д/з»
    no_homework = lesson.school_class.grade == NO_MARKS_GRADE or (
        not homework and bool(topic) and rng.random() < NO_HOMEWORK_SAID
    )
    homework_at: dt.datetime | None = None
    if homework or no_homework:
        late = LATE_DAYS_SLOPPY if sloppy else LATE_DAYS
        roll = rng.random()
        if roll < late:
            homework_at = at_hour(day + dt.timedelta(days=rng.randint(1, 4)), 16, 0, rng.randint(0, 360))
        elif roll < late + LATE_EVENING:
            homework_at = at_hour(day, 21, 0, rng.randint(0, 150))
        else:
            homework_at = max(
                at_hour(day, 14, 0, rng.randint(0, 240)),
                start + dt.timedelta(minutes=rng.randint(30, 50)),
            )
        homework_at = _so_far(school, rng, day, start, homework_at)
    taken_at = _so_far(school, rng, day, start, taken_at)
    closed_at = None  # closed the moment topic, homework and attendance are all there
    if topic.strip() and homework_at is not None and taken:
        closed_at = max(taken_at, homework_at)
    return (no_homework, homework_at, taken, closed_at)


def _so_far(
    school: DemoSchool, rng: random.Random, day: dt.date, start: dt.datetime, moment: dt.datetime
) -> dt.datetime:
    """Never after now for the days that have come (as the marks' times, demo.journal): what
    would have come later was done at the lesson, or just now."""
    if day > school.today or moment <= school.now:
        return moment
    if start >= school.now:  # full_year: later today, as if held
        return start
    return min(school.now, start + dt.timedelta(minutes=rng.randint(5, 40)))


def _leave_one_open_today(
    school: DemoSchool,
    rows: list[tuple],
    planned: Sequence[_PlannedLesson],
    states: list[tuple],
    first_absence: dict[int, dt.datetime],
) -> None:
    """The printed teachers (the homeroom teacher and the subject teacher) have one of today's
    lessons still open, if they teach today: the latest held one without absences, its
    attendance not yet confirmed; all of them with absences, the latest one's homework (or
    «без д/з») is not set yet (its row loses the homework text)."""
    for teacher in (school.demo_class.homeroom, printed_teacher(school)):
        today = sorted(
            (lesson.number, place)
            for place, lesson in enumerate(planned)
            if lesson.day == school.today and lesson.course.teacher is teacher
        )
        if not today or any(states[place][3] is None for _, place in today):
            continue
        places = [place for _, place in reversed(today)]
        free = [place for place in places if place not in first_absence]
        if free:
            no_homework, homework_at, _, _ = states[free[0]]
            states[free[0]] = (no_homework, homework_at, False, None)
            continue
        unset = [place for place in places if not rows[place][4]] or places[:1]
        row = rows[unset[0]]
        rows[unset[0]] = (*row[:4], "", *row[5:])  # the homework is not typed yet
        states[unset[0]] = (False, None, True, None)
