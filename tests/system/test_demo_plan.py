"""The demonstration school's КТП and lesson closing (issue 17, point 5): every course has a plan
for the whole year that its lessons follow, and every lesson is closed (or not) as a teacher
would have closed it, never later than the build's now.

The small demo is built once per backend for the module, on a Wednesday at 12:40 (the clock's
now pinned for the build), so that some of that day's lessons have been held and some have not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from demo.builder import build_demo
from demo.closing import CLOSING_FIELDS
from demo.data import LESSON_START
from demo.ktp import PLAN_FIELDS
from models.core import clock, store
from models.core import db as dbmod
from models.core.schema import Absence, Course, Lesson, PlanItem, SchoolClass, Subject, User
from models.journal.plan import lesson_closed
from tests.conftest import demo_location

DAY = dt.date(2026, 11, 25)  # a Wednesday in the 2nd quarter of 2026/2027
NOW = dt.datetime(2026, 11, 25, 12, 40)  # the 5th lesson (12:35) has begun, the 6th has not
YEAR_END = dt.date(2027, 5, 31)


def _build(url: str):
    clock.freeze(DAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "now", lambda: NOW)
        try:
            return build_demo(url)
        finally:
            clock.freeze(None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, tmp_path_factory):
    url = demo_location(request.param, tmp_path_factory, "demo-plan")
    result = _build(url)
    yield url, result
    dbmod.close()


@pytest.fixture
def built(demo):
    url, result = demo
    store.open_store(url)
    return result


def _plans() -> dict[int, list[PlanItem]]:
    plans: dict[int, list[PlanItem]] = defaultdict(list)
    for item in PlanItem.select().order_by(PlanItem.course, PlanItem.position):
        plans[item.course_id].append(item)
    return plans


def _lessons() -> dict[int, list[Lesson]]:
    lessons: dict[int, list[Lesson]] = defaultdict(list)
    for lesson in Lesson.select().order_by(Lesson.course, Lesson.date, Lesson.number):
        lessons[lesson.course_id].append(lesson)
    return lessons


def _careless() -> int:
    """The demo's careless course: music in 5А (demo.timetable)."""
    return (
        Course.select(Course.id)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .where((Subject.name == "Музыка") & (SchoolClass.grade == 5) & (SchoolClass.letter == "А"))
        .scalar()
    )


# --- the plans ---------------------------------------------------------------------------------


def test_every_course_has_a_plan_for_the_whole_year(built):
    plans, lessons = _plans(), _lessons()
    courses = [c.id for c in Course.select(Course.id)]
    assert courses and set(plans) == set(courses)
    for course_id in courses:
        items = plans[course_id]
        assert [i.position for i in items] == list(range(1, len(items) + 1))
        # beyond the journal: the year's lessons, give or take the odd 2–3 hours
        assert len(items) >= len(lessons[course_id]) - 3
        dated = [i.planned_date for i in items if i.planned_date is not None]
        assert dated == sorted(dated) and dated[-1] > DAY
        assert dated[0] >= dt.date(2026, 9, 1) and dated[-1] <= YEAR_END
        # the plan's dates are the timetable's: the journal's lessons so far are on them
        journal = [lesson.date for lesson in lessons[course_id]]
        assert dated[: len(journal)] == journal[: len(dated)]
        assert all(i.topic for i in items)
        numbers = [i.number for i in items]
        assert numbers[0] == 1 and all(b - a in (0, 1) for a, b in zip(numbers, numbers[1:], strict=False))
    # the whole year's hours: about three times the journal's, which runs to late November
    assert PlanItem.select().count() > 2.5 * Lesson.select().count()


def test_plans_have_sections_and_work_types(built):
    for course_id, items in _plans().items():
        sections = [i.section for i in items]
        assert sections[0].startswith("Раздел 1. ")
        starts = [k for k in range(len(items)) if k == 0 or sections[k] != sections[k - 1]]
        lengths = [b - a for a, b in zip(starts, [*starts[1:], len(items)], strict=True)]
        assert all(length <= 26 for length in lengths), (course_id, lengths)
        assert all(length >= 10 for length in lengths[:-1]), (course_id, lengths)
        assert [s.split(".")[0] for s in dict.fromkeys(sections)] == [
            f"Раздел {n}" for n in range(1, len(starts) + 1)
        ]
    math = Subject.get(Subject.name == "Математика")
    items = PlanItem.select().join(Course).where(Course.subject == math)
    controls = items.where(PlanItem.topic.startswith("Контрольная работа"))
    assert controls.count() > 0
    assert {i.work_type.name for i in controls} == {"Контрольная работа"}
    assert items.where(PlanItem.homework != "").count() > items.count() * 0.6


def test_lessons_follow_their_courses_plan(built):
    plans, lessons = _plans(), _lessons()
    careless = _careless()
    followed = 0
    for course_id, taken in lessons.items():
        if course_id == careless:
            continue
        items = plans[course_id]
        for position, lesson in enumerate(taken):
            if lesson.topic and position < len(items):
                assert lesson.topic == items[position].topic, (course_id, position)
                if lesson.homework:
                    assert lesson.homework == items[position].homework
        followed += 1
    assert followed == len(lessons) - 1
    # the careless teacher is behind the plan: their topics are the plan's a few hours earlier
    items = [i.topic for i in plans[careless]]
    topics = [lesson.topic for lesson in lessons[careless]]
    assert any(topic and topic != items[k] for k, topic in enumerate(topics))
    assert any(
        all(not topic or topic == items[k - lag] for k, topic in enumerate(topics) if k >= lag)
        for lag in (2, 3)
    )


# --- closing the lessons -----------------------------------------------------------------------


def test_closed_lessons_have_what_closing_needs(built):
    lessons = list(Lesson.select())
    with_absence = {a.lesson_id for a in Absence.select(Absence.lesson).distinct()}
    assert with_absence
    for lesson in lessons:
        assert lesson_closed(lesson) == (lesson.closed_at is not None), lesson.id
        if lesson.id in with_absence:
            assert lesson.attendance_taken
        if lesson.closed_at is not None:
            assert lesson.topic and (lesson.homework or lesson.no_homework) and lesson.attendance_taken
            assert lesson.homework_at is not None and lesson.homework_at <= lesson.closed_at
            assert lesson.closed_at >= dt.datetime.combine(lesson.date, dt.time(8, 30))
        for moment in (lesson.homework_at, lesson.closed_at):
            assert moment is None or moment <= NOW
        if lesson.homework_at is not None:
            assert lesson.homework or lesson.no_homework
        held = dt.datetime.combine(lesson.date, LESSON_START[lesson.number - 1]) <= NOW
        if lesson.homework and held:
            assert lesson.homework_at is not None
        if not held:
            assert not lesson.attendance_taken and lesson.closed_at is None
        if lesson.homework:
            assert not lesson.no_homework


def test_most_lessons_are_closed_on_their_day(built):
    lessons = list(Lesson.select().where(Lesson.date < DAY))
    on_day = sum(1 for x in lessons if x.closed_at is not None and x.closed_at.date() == x.date)
    late = sum(1 for x in lessons if x.closed_at is not None and x.closed_at.date() > x.date)
    open_ = sum(1 for x in lessons if x.closed_at is None)
    assert on_day > 0.75 * len(lessons)
    assert 0 < late < 0.15 * len(lessons)
    assert 0 < open_ < 0.15 * len(lessons)
    evening = sum(1 for x in lessons if x.homework_at is not None and x.homework_at.time() >= dt.time(21))
    assert 0 < evening < 0.2 * len(lessons)
    # «без д/з» said on most lessons with a topic and no homework
    bare = [x for x in lessons if x.topic and not x.homework]
    assert sum(1 for x in bare if x.no_homework) > 0.6 * len(bare)


def test_some_of_todays_lessons_are_not_closed_yet(built):
    today = list(Lesson.select().where(Lesson.date == DAY))
    assert today  # a Wednesday
    assert any(x.closed_at is None for x in today)
    assert any(x.closed_at is not None for x in today)  # the morning's, partly
    later = [x for x in today if x.number >= 6]  # not begun at 12:40
    assert later and all(x.closed_at is None and not x.attendance_taken for x in later)
    # the printed teachers see «Не закрыто уроков сегодня» on their home screen
    for item in built.logins:
        if item["role"] in ("homeroom", "teacher"):
            user = User.get(User.login == item["login"])
            theirs = [x for x in today if Course.get_by_id(x.course_id).teacher_id == user.id]
            assert not theirs or any(x.closed_at is None for x in theirs), item["role"]


def test_same_seed_same_plan_and_closing(built, tmp_path):
    if not dbmod.is_sqlite():
        pytest.skip("compared once, on SQLite")

    def seen() -> tuple[list, list]:
        plan = list(PlanItem.select(*PLAN_FIELDS).order_by(PlanItem.id).tuples())  # every column but id
        closing = list(Lesson.select(Lesson.id, *CLOSING_FIELDS).order_by(Lesson.id).tuples())
        return plan, closing

    first = seen()
    _build(str(tmp_path / "again.sqlite"))
    assert seen() == first
