"""The demo school's classes, teaching load, subgroups and weekly timetable: the class teacher
in grades 1–4, specialists spread evenly from grade 5, and a compact week per class with no
teacher in two rooms at once."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from demo.data import (
    CURRICULUM,
    DEMO_CLASS,
    HOMEROOM_TAUGHT,
    LOAD_CAP,
    SCHOOL_CLASSES,
    SEED,
    SMALL_CLASSES,
    SPECIALTY,
    SPLIT_FROM_GRADE,
    SPLIT_SUBJECTS,
)
from demo.people import new_teacher
from demo.plan import DemoSchool, PClass, PCourse, PTeacher
from models.school.calendar import periods_for_grade
from models.school.classes import LETTERS, create_class
from models.school.load import create_course, create_subgroups
from models.school.timetable import add_timetable_entry


def plan_classes(school: DemoSchool) -> None:
    grades = SMALL_CLASSES if school.size == "small" else SCHOOL_CLASSES
    for grade, count in grades.items():
        for letter in LETTERS[:count]:
            school.classes.append(PClass(grade, letter))
    school.by_key = {c.key: c for c in school.classes}
    school.demo_class = school.by_key[DEMO_CLASS]


def plan_teachers(school: DemoSchool) -> None:
    """Teaching load: the class teacher in grades 1–4, specialists spread evenly."""
    rng = random.Random(SEED + 1)
    units: dict[str, list[tuple[PClass, int | None, list[tuple[str, int]]]]] = defaultdict(list)
    for c in school.classes:
        bundles: dict[tuple[str, int | None], list[tuple[str, int]]] = defaultdict(list)
        for subject, hours in CURRICULUM[c.grade]:
            if c.grade <= 4 and subject in HOMEROOM_TAUGHT:
                bundles[("prim", None)].append((subject, hours))
            elif subject in SPLIT_SUBJECTS and c.grade >= SPLIT_FROM_GRADE:
                for group in (1, 2):
                    bundles[(SPECIALTY[subject], group)].append((subject, hours))
            else:
                bundles[(SPECIALTY[subject], None)].append((subject, hours))
        for (specialty, group), taught in bundles.items():
            if specialty == "prim":
                teacher = new_teacher(school, rng, "prim")
                c.homeroom = teacher
                _give(c, teacher, taught, None)
            else:
                units[specialty].append((c, group, taught))
    for specialty in LOAD_CAP:
        todo = units.get(specialty, [])
        if not todo:
            continue
        total = sum(h for _, _, taught in todo for _, h in taught)
        split = any(group for _, group, _ in todo)
        count = max(2 if split else 1, math.ceil(total / LOAD_CAP[specialty]))
        staff = [new_teacher(school, rng, specialty) for _ in range(count)]
        for c, group, taught in todo:
            taken = {
                course.teacher for course in c.courses if group is not None and course.subject == taught[0][0]
            }
            teacher = min((t for t in staff if t not in taken), key=lambda t: (t.load, staff.index(t)))
            _give(c, teacher, taught, group)
    # homerooms of grades 5–11: a teacher of the class (a language or mathematics teacher
    # first, then the one with most hours there), each at most one class
    busy = {c.homeroom for c in school.classes if c.homeroom}
    preference = ("rus", "math", "eng", "hist", "bio", "geo", "phys", "chem", "inf")
    for c in school.classes:
        if c.homeroom:
            continue
        hours: dict[PTeacher, int] = defaultdict(int)
        for course in c.courses:
            hours[course.teacher] += course.hours
        candidates = [t for t in hours if t not in busy]
        if c.key == DEMO_CLASS:  # the printed subject teacher (mathematics) stays free
            math_teachers = {x.teacher for x in c.courses if x.subject == "Математика"}
            candidates = [t for t in candidates if t not in math_teachers] or candidates
        candidates.sort(
            key=lambda t: (
                preference.index(t.specialty) if t.specialty in preference else 99,
                -hours[t],
            )
        )
        c.homeroom = candidates[0] if candidates else max(hours, key=hours.get)
        busy.add(c.homeroom)
    # one careless teacher in the demo class: no topics on many lessons, no period marks
    for course in school.demo_class.courses:
        if course.subject == "Музыка":
            course.sloppy = True


def _give(c: PClass, teacher: PTeacher, subjects: list[tuple[str, int]], group: int | None) -> None:
    for subject, hours in subjects:
        c.courses.append(PCourse(subject, hours, teacher, group))
        teacher.load += hours


def create_classes(school: DemoSchool) -> None:
    for c in school.classes:
        info = create_class(school.admin, school.year_id, c.grade, c.letter, c.homeroom.user_id)
        c.id = info.id
        c.periods = periods_for_grade(school.year_id, c.grade)
        for subject in SPLIT_SUBJECTS:
            if c.grade >= SPLIT_FROM_GRADE and any(x.subject == subject for x in c.courses):
                c.subgroups[subject] = create_subgroups(school.admin, c.id, school.subject_ids[subject], 2)
        for course in c.courses:
            subgroup = c.subgroups[course.subject][course.group - 1] if course.group else None
            course.id = create_course(
                school.admin,
                c.id,
                school.subject_ids[course.subject],
                course.teacher.user_id,
                subgroup,
            )


def plan_timetable(school: DemoSchool) -> None:
    """Per class a compact week (lessons 1…n a day), no teacher in two rooms at once."""
    rng = random.Random(SEED + 2)
    busy: set[tuple[int, int, int]] = set()  # (teacher index, weekday, number)
    index = {t: i for i, t in enumerate(school.teachers)}
    order = sorted(school.classes, key=lambda c: (c.grade <= 4, -c.grade, c.letter))
    school.timetable_gaps = 0
    for c in order:
        items: dict[str, list] = {}
        for course in c.courses:
            entry = items.setdefault(course.subject, [course.hours, set()])
            entry[1].add(index[course.teacher])
        subjects = list(items)
        total = sum(hours for hours, _ in items.values())
        base, extra = divmod(total, 5)
        per_day = {d: base + (1 if d in (2, 3, 4, 1, 5)[:extra] else 0) for d in range(1, 6)}
        best: tuple[int, dict, dict] | None = None
        for _attempt in range(80):
            left = {s: items[s][0] for s in subjects}
            on_day: dict[tuple[str, int], int] = defaultdict(int)
            grid: dict[tuple[int, int], str] = {}
            slots = [(d, n) for d in range(1, 6) for n in range(1, per_day[d] + 1)]
            rng.shuffle(slots)
            for d, n in slots:
                free = [
                    s for s in subjects if left[s] > 0 and all((t, d, n) not in busy for t in items[s][1])
                ]
                pool = [s for s in free if on_day[(s, d)] == 0] or [
                    s for s in free if on_day[(s, d)] == 1 and left[s] > 1
                ]
                if not pool:
                    continue
                pick = max(pool, key=lambda s: (len(items[s][1]), left[s] + rng.random()))
                grid[(d, n)] = pick
                left[pick] -= 1
                on_day[(pick, d)] += 1
            missing = sum(left.values()) + _holes(grid)
            if best is None or missing < best[0]:
                best = (missing, grid, left)
            if missing == 0:
                break
        assert best is not None
        _, grid, left = best
        _repair(grid, left, items, busy)
        school.timetable_gaps += sum(left.values()) + _holes(grid)
        c.timetable = defaultdict(list)
        for (d, n), subject in sorted(grid.items()):
            c.timetable[d].append((n, subject))
            for t in items[subject][1]:
                busy.add((t, d, n))


def _holes(grid: dict[tuple[int, int], str]) -> int:
    """Free lessons in the middle of a day (an "окно" for the pupils)."""
    holes = 0
    for d in range(1, 6):
        numbers = [n for day, n in grid if day == d]
        holes += (max(numbers) - len(numbers)) if numbers else 0
    return holes


def _repair(grid: dict, left: dict, items: dict, busy: set) -> None:
    """Put what did not fit into holes, else after the day's last lesson; close holes."""

    def free(subject: str, d: int, n: int) -> bool:
        return all((t, d, n) not in busy for t in items[subject][1])

    def times(subject: str, d: int) -> int:
        return sum(1 for (day, _), s in grid.items() if day == d and s == subject)

    for subject in [s for s in left if left[s] > 0]:
        while left[subject] > 0:
            lengths = {d: max((n for day, n in grid if day == d), default=0) for d in range(1, 6)}
            spots = [(d, n) for d in range(1, 6) for n in range(1, lengths[d]) if (d, n) not in grid] + [
                (d, lengths[d] + 1) for d in sorted(lengths, key=lengths.get) if lengths[d] < 8
            ]
            spot = next((x for x in spots if free(subject, *x) and times(subject, x[0]) < 2), None)
            if spot is None:
                break
            grid[spot] = subject
            left[subject] -= 1
    for d in range(1, 6):  # a hole left: move the day's last lesson into it if it can go
        while True:
            numbers = sorted(n for day, n in grid if day == d)
            hole = next((n for n in range(1, numbers[-1]) if n not in numbers), None) if numbers else None
            if hole is None or not free(grid[(d, numbers[-1])], d, hole):
                break
            grid[(d, hole)] = grid.pop((d, numbers[-1]))


def create_timetable(school: DemoSchool) -> None:
    start = dt.date(school.start_year, 9, 1)
    for c in school.classes:
        for weekday, lessons in c.timetable.items():
            for number, subject in lessons:
                for course in c.courses:
                    if course.subject == subject:
                        add_timetable_entry(school.admin, course.id, weekday, number, start)
