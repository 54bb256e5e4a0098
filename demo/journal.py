"""The demo school's journal: lessons from 1 September (topics, homework, контрольные),
absences telling the weekly excuse story, marks following strong, average and weak pupils,
and the period (and year) marks of the periods that have ended. Inserted in bulk."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from demo.closing import CLOSING_FIELDS, close_lessons
from demo.data import CONTROL_EVERY, LESSON_START, NO_MARKS_GRADE, SEED, SHARE_ASKED, TOPICS
from demo.plan import DemoSchool, PClass, PCourse, PPupil, at_hour, bulk_insert, bulk_insert_ids
from models.core.schema import Absence, FinalMark, Lesson, Mark
from models.core.settings import load as load_settings
from models.journal.grading import averages, round_mark, suggest_period_mark
from models.school.calendar import PeriodInfo

_LESSON_FIELDS = (
    Lesson.course,
    Lesson.date,
    Lesson.number,
    Lesson.topic,
    Lesson.homework,
    Lesson.work_type,
    Lesson.created_at,
)
_MARK_FIELDS = (
    Mark.lesson,
    Mark.student,
    Mark.position,
    Mark.value,
    Mark.work_type,
    Mark.entered_by,
    Mark.entered_at,
)
_ABSENCE_FIELDS = (
    Absence.lesson,
    Absence.student,
    Absence.code,
    Absence.document,
    Absence.excused_by,
    Absence.excused_at,
    Absence.entered_by,
    Absence.entered_at,
)


@dataclass(eq=False)
class _PlannedLesson:
    school_class: PClass
    course: PCourse
    day: dt.date
    number: int  # in the day's bell schedule
    kind: str  # "plain", "control" (a контрольная) or "small" (a самостоятельная)
    no_marks: bool  # the teacher gave none
    period: PeriodInfo
    closing: bool = False  # one of an ended period's last two: the few-marks pupils are asked


@dataclass
class _Journal:
    """The journal as its lessons are filled in, in order: one random stream for all of it."""

    rng: random.Random
    days_off: dict[tuple[int, dt.date], tuple]  # (pupil, day) → (code, document, excused at)
    marks: list[tuple] = field(default_factory=list)
    absences: list[tuple] = field(default_factory=list)
    marked: dict[tuple[int, int, int], int] = field(
        default_factory=lambda: defaultdict(int)
    )  # (course, period, pupil)
    roll: dict[tuple[int, dt.date], list[PPupil]] = field(default_factory=dict)  # (class, day) → its pupils


def fill_journal(school: DemoSchool) -> None:
    """The lessons are filled in first (a mark or an absence names its lesson by its place in
    the list), then inserted with their closing state, which follows their absences."""
    rng = random.Random(SEED + 5)
    lessons, planned = _plan_lessons(school, rng)
    school.journal_lessons = defaultdict(list)
    for row in lessons:
        school.journal_lessons[row[0]].append((row[3], row[4]))
    school.counts["lessons"] = len(lessons)
    journal = _Journal(rng, _plan_days_off(school, rng))
    school.period_marks = defaultdict(list)
    for place, lesson in enumerate(planned):
        _fill_lesson(school, journal, place, lesson)
    states = close_lessons(school, lessons, planned, journal.absences)
    rows = [row + state for row, state in zip(lessons, states, strict=True)]
    ids = bulk_insert_ids(Lesson, _LESSON_FIELDS + CLOSING_FIELDS, rows)
    journal.marks = [(ids[row[0]], *row[1:]) for row in journal.marks]
    journal.absences = [(ids[row[0]], *row[1:]) for row in journal.absences]
    bulk_insert(Mark, _MARK_FIELDS, journal.marks)
    bulk_insert(Absence, _ABSENCE_FIELDS, journal.absences)
    school.counts["marks"] = len(journal.marks)
    school.counts["absences"] = len(journal.absences)


def _fill_lesson(school: DemoSchool, journal: _Journal, lesson_id: int, lesson: _PlannedLesson) -> None:
    """One lesson as its teacher fills it in: the roll call, then the marks."""
    pupils = _on_the_roll(school, journal, lesson)
    start = dt.datetime.combine(lesson.day, LESSON_START[lesson.number - 1])
    if start > school.now and not school.full_year:
        return  # later today: the lesson has not happened yet
    present = _call_the_roll(school, journal, lesson_id, lesson, pupils, start)
    if lesson.no_marks or lesson.school_class.grade == NO_MARKS_GRADE or not present:
        return
    chosen = _asked(journal, lesson, present)
    _give_marks(school, journal, lesson_id, lesson, chosen, start)


def _on_the_roll(school: DemoSchool, journal: _Journal, lesson: _PlannedLesson) -> list[PPupil]:
    """The class's pupils that day (or the course's subgroup's)."""
    c, course, day = lesson.school_class, lesson.course, lesson.day
    key = (c.id, day)
    if key not in journal.roll:
        journal.roll[key] = [
            p for p, start, end in school.stints_of[c.id] if start <= day and (end is None or day <= end)
        ]
    pupils = journal.roll[key]
    if course.group:
        subgroup = c.subgroups[course.subject][course.group - 1]
        pupils = [p for p in pupils if (subgroup, p.id, lesson.period.id) in school.membership]
    return pupils


def _call_the_roll(
    school: DemoSchool,
    journal: _Journal,
    lesson_id: int,
    lesson: _PlannedLesson,
    pupils: list[PPupil],
    start: dt.datetime,
) -> list[PPupil]:
    """The lesson's absences; returns the pupils there to be marked (late ones included)."""
    c, course = lesson.school_class, lesson.course
    present = []
    for p in pupils:
        code = _absence(journal, lesson, p)
        if code is not None:
            letter, document, excused = code
            journal.absences.append(
                (
                    lesson_id,
                    p.id,
                    letter,
                    document,
                    c.homeroom.user_id if excused else None,
                    excused,
                    course.teacher.user_id,
                    _entered(school, journal.rng, lesson.day, start),
                )
            )
            if letter != "о":
                continue
        if not (course.subject == "Физическая культура" and p.exempt_pe):
            present.append(p)
    return present


def _absence(journal: _Journal, lesson: _PlannedLesson, p: PPupil) -> tuple | None:
    """(code, document, excused at) if the pupil missed the lesson or came late."""
    off = journal.days_off.get((p.id, lesson.day))
    if off is not None:
        return off
    if journal.rng.random() < (0.004 if p.level < 3.4 else 0.0008):
        return ("н", "", None)  # skipped one lesson: stays unexcused
    if journal.rng.random() < (0.012 if lesson.number == 1 else 0.002):
        return ("о", "", None)
    return None


def _asked(journal: _Journal, lesson: _PlannedLesson, present: list[PPupil]) -> list[PPupil]:
    """Who gets a mark: nearly everyone at a контрольная; else a share of the class, those
    with fewest marks first (and, closing a period, everyone with fewer than three)."""
    rng, course, period, marked = journal.rng, lesson.course, lesson.period, journal.marked
    if lesson.kind == "control":
        return [p for p in present if rng.random() > 0.05]
    # a teacher asks a third of the class; fewer lessons a week, more per lesson
    low, high = SHARE_ASKED.get(course.hours, SHARE_ASKED[0])
    if lesson.kind == "small":
        low, high = 0.5, 0.7
    count = max(1, round(len(present) * rng.uniform(low, high)))
    chosen = sorted(
        present,
        key=lambda p: marked[(course.id, period.id, p.id)] + rng.random() * 2.5,
    )[:count]
    if lesson.closing:
        chosen += [p for p in present if p not in chosen and marked[(course.id, period.id, p.id)] < 3]
    return chosen


def _give_marks(
    school: DemoSchool,
    journal: _Journal,
    lesson_id: int,
    lesson: _PlannedLesson,
    chosen: list[PPupil],
    start: dt.datetime,
) -> None:
    """The marks of the pupils asked (a second one for a Russian dictation), kept for the
    period marks."""
    rng, c, course, period, kind = journal.rng, lesson.school_class, lesson.course, lesson.period, lesson.kind
    teacher_id = course.teacher.user_id
    control = school.work_types["Контрольная работа"]
    homework_type = school.work_types["Домашняя работа"]
    entered = _entered(school, rng, lesson.day, start)
    lesson_weight = school.weights[control.id] if kind == "control" else _kind_weight(school, kind)
    for p in chosen:
        journal.marked[(course.id, period.id, p.id)] += 1
        mu = p.level + _subject_bias(p, course.subject) + (0.2 if c.grade <= 4 else 0)
        spread = 0.85 if kind == "control" else 0.7
        value = _mark(rng, mu, spread)
        work_type = None
        weight = lesson_weight
        if kind == "plain" and rng.random() < 0.12:
            work_type = homework_type.id
            weight = school.weights[homework_type.id]
        journal.marks.append((lesson_id, p.id, 1, value, work_type, teacher_id, entered))
        school.period_marks[(p.id, course.subject, period.id)].append((value, weight))
        if kind == "control" and course.subject == "Русский язык" and rng.random() < 0.6:
            second = max(2, min(5, value + rng.choice((-1, -1, 0, 0, 1))))
            journal.marks.append((lesson_id, p.id, 2, second, None, teacher_id, entered))
            school.period_marks[(p.id, course.subject, period.id)].append((second, lesson_weight))


def _kind_weight(school: DemoSchool, kind: str) -> Decimal:
    if kind == "small":
        return school.weights[school.work_types["Самостоятельная работа"].id]
    return school.default_weight


def _subject_bias(p: PPupil, subject: str) -> float:
    # a stable per pupil × subject offset (crc32: unlike hash(), the same in every run)
    return ((zlib.crc32(f"{p.id}|{subject}".encode()) % 1000) / 1000 - 0.5) * 0.7


def _mark(rng: random.Random, mu: float, spread: float) -> int:
    raw = rng.gauss(mu, spread)
    if raw < 1.2 and rng.random() < 0.3:
        return 1
    return max(2, min(5, round(raw)))


def _entered(school: DemoSchool, rng: random.Random, day: dt.date, start: dt.datetime) -> dt.datetime:
    roll = rng.random()
    if roll < 0.75:
        moment = start + dt.timedelta(minutes=35 + rng.randint(0, 10))
    elif roll < 0.95:
        moment = at_hour(day, 17, 0, rng.randint(0, 240))
    else:
        moment = at_hour(day + dt.timedelta(days=rng.randint(1, 5)), 19)
    if day <= school.today and moment > school.now:
        moment = max(start, school.now)
    return moment


def _period(c: PClass, day: dt.date):
    for period in c.periods:
        if period.start <= day <= period.end:
            return period
    raise AssertionError(f"{day} вне периодов {c.name}")


def lesson_kind(c: PClass, subject: str, index: int) -> str:
    """The kind of the `index`-th lesson of the course's topic list: "control" (a контрольная),
    "small" (a самостоятельная) or "plain" (the plan's items follow the same rule)."""
    every = CONTROL_EVERY.get(subject, 0)
    if c.grade > NO_MARKS_GRADE and every and index % every == 0:
        return "control"
    if c.grade > NO_MARKS_GRADE and every and index % 7 == 3:
        return "small"
    return "plain"


def _plan_lessons(school: DemoSchool, rng: random.Random) -> tuple[list[tuple], list[_PlannedLesson]]:
    rows: list[tuple] = []
    meta: list[_PlannedLesson] = []
    control = school.work_types["Контрольная работа"].id
    small = school.work_types["Самостоятельная работа"].id
    recent = school.as_of - dt.timedelta(days=10)
    last: dict[tuple[int, int], list[int]] = defaultdict(list)
    school.topic_offsets = {}
    for c in school.classes:
        days = [d for d in school.school_days if any(p.contains(d) for p in c.periods)]
        state: dict[int, list[int]] = {}
        offsets = {course.id: rng.randint(0, 6) for course in c.courses}
        school.topic_offsets.update(offsets)
        for day in days:
            for number, subject in c.timetable.get(day.isoweekday(), []):
                for course in c.courses:
                    if course.subject != subject:
                        continue
                    count = state.setdefault(course.id, [0, 0])
                    count[0] += 1
                    index = count[0] + offsets[course.id]
                    kind = lesson_kind(c, subject, index)
                    if kind == "control":
                        count[1] += 1
                    topic = lesson_topic(c, subject, index, kind, count[1])
                    homework = lesson_homework(c, subject, index, rng)
                    late = day > recent or day == school.as_of
                    skip_topic = rng.random() < (0.1 if late else 0.012) or (
                        course.sloppy and rng.random() < 0.35
                    )
                    if skip_topic and kind == "plain":
                        topic = homework = ""
                    no_marks = kind == "plain" and rng.random() < (0.08 if late else 0.01)
                    work_type = {"control": control, "small": small}.get(kind)
                    period = _period(c, day)
                    rows.append((course.id, day, number, topic, homework, work_type, at_hour(day, 7, 45)))
                    meta.append(_PlannedLesson(c, course, day, number, kind, no_marks, period))
                    last[(course.id, period.id)].append(len(meta) - 1)
    # the last two lessons of an ended period: the teacher makes sure everyone has marks
    for indexes in last.values():
        period = meta[indexes[0]].period
        if period.end < school.today or (school.full_year and period.end <= school.horizon):
            for index in indexes[-2:]:
                meta[index].no_marks = False
                meta[index].closing = True
    return rows, meta


def lesson_topic(c: PClass, subject: str, index: int, kind: str, controls: int) -> str:
    band = "primary" if c.grade <= 4 else "main"
    topics = (
        TOPICS.get((subject, band))
        or TOPICS.get((subject, "any"))
        or TOPICS.get((subject, "main"))
        or (subject,)
    )
    topic = topics[(index // 2) % len(topics)]
    if kind == "control":
        if subject == "Русский язык":
            return f"Контрольный диктант № {controls}"
        return f"Контрольная работа № {controls} «{topic}»"
    if kind == "small":
        return f"{topic}. Самостоятельная работа"
    return topic


def lesson_homework(c: PClass, subject: str, index: int, rng: random.Random) -> str:
    if c.grade == 1 or rng.random() < 0.1:
        return ""
    paragraph = 1 + index // 2
    exercise = 10 + index * 4 + c.grade
    page = 6 + index * 3
    if subject == "Русский язык":
        return f"§ {paragraph}, упр. {exercise}" if c.grade >= 5 else f"Упр. {exercise // 3}"
    if subject in ("Литература", "Литературное чтение"):
        return rng.choice(
            (
                f"Прочитать стр. {page}–{page + 8}",
                f"Ответить на вопросы на стр. {page}",
                "Выучить стихотворение наизусть",
            )
        )
    if subject in ("Математика", "Алгебра", "Геометрия", "Вероятность и статистика"):
        return f"№ {exercise}, {exercise + 3}, {exercise + 7}"
    if subject == "Английский язык":
        return f"Стр. {page}, упр. {1 + index % 6}; выучить слова"
    if subject in ("Музыка", "Физическая культура", "Изобразительное искусство", "Технология"):
        return "" if rng.random() < 0.85 else "Подготовить материалы к следующему уроку"
    return f"§ {paragraph}, вопросы после параграфа"


def _plan_days_off(school: DemoSchool, rng: random.Random) -> dict[tuple[int, dt.date], tuple]:
    """Illness (whole days; б with a certificate once brought, else н) and family days (у)."""
    off: dict[tuple[int, dt.date], tuple] = {}
    days = school.school_days
    for p in school.pupils:
        first = p.stints[0][0].periods[0]
        if p.in_hospital and first.end < school.as_of:
            stay = [d for d in days if first.start <= d <= first.end][-24:]
            back = stay[-1] + dt.timedelta(days=1)
            document = f"Выписка из стационара от {back:%d.%m.%Y} (детская больница № 1)"
            for d in stay:
                off[(p.id, d)] = ("б", document, at_hour(back + dt.timedelta(days=2), 15))
        chance = 0.03 if p.sickly else 0.011
        i = 0
        while i < len(days):
            day = days[i]
            if (p.id, day) not in off and rng.random() < chance:
                length = rng.randint(3, 8)
                episode = days[i : i + length]
                back = days[i + length] if i + length < len(days) else episode[-1]
                if back + dt.timedelta(days=4) <= school.as_of and rng.random() < 0.94:
                    # the certificate came back with the pupil; the homeroom corrected н → б
                    excused = at_hour(back + dt.timedelta(days=rng.randint(0, 3)), 15, 30)
                    if back <= school.today:
                        excused = min(excused, school.now)
                    code = (
                        "б",
                        f"Справка № {rng.randint(100, 999)} от {back:%d.%m.%Y}, "
                        f"детская поликлиника № {rng.randint(1, 4)}",
                        excused,
                    )
                else:
                    code = ("н", "", None)
                for d in episode:
                    off.setdefault((p.id, d), code)
                i += length + 5
                continue
            if (p.id, day) not in off and rng.random() < 0.002 and day + dt.timedelta(days=2) <= school.as_of:
                note = f"Заявление родителей от {day - dt.timedelta(days=1):%d.%m.%Y}"
                when = at_hour(day, 16)
                off[(p.id, day)] = ("у", f"{note} (семейные обстоятельства)", when)
            i += 1
    return off


def final_marks(school: DemoSchool) -> None:
    rng = random.Random(SEED + 6)
    settings = load_settings()
    rows = []
    given: dict[tuple[int, str], list[str]] = defaultdict(list)  # (pupil, subject) → marks
    for c in school.classes:
        if c.grade == NO_MARKS_GRADE:
            continue
        ended = [
            period
            for period in c.periods
            if period.end < school.today or (school.full_year and period.end <= school.horizon)
        ]
        for period in ended:
            # pupils in the class when the period ended (those who left get no mark)
            pupils = [
                p
                for p, start, end in school.stints_of[c.id]
                if start <= period.end and (end is None or end >= period.end)
            ]
            for p in pupils:
                for course in c.courses:
                    if course.sloppy and period is ended[-1]:
                        continue  # the careless teacher is late with the latest ones
                    if course.group:
                        subgroup = c.subgroups[course.subject][course.group - 1]
                        if (subgroup, p.id, period.id) not in school.membership:
                            continue
                    if course.subject == "Физическая культура" and p.exempt_pe:
                        value = "осв"
                    else:
                        marks = school.period_marks.get((p.id, course.subject, period.id), [])
                        value = suggest_period_mark(
                            averages(marks),
                            settings.rounding_threshold,
                            settings.min_marks_for_period,
                        )
                    entered = at_hour(
                        max(period.start, period.end - dt.timedelta(days=rng.randint(0, 4))),
                        16,
                        0,
                        rng.randint(0, 180),
                    )
                    given[(p.id, course.subject)].append(value)
                    rows.append(
                        (
                            p.id,
                            school.subject_ids[course.subject],
                            school.year_id,
                            period.id,
                            f"P{period.id}",
                            value,
                            course.teacher.user_id,
                            min(entered, school.now) if period.end < school.today else entered,
                        )
                    )
        if ended and len(ended) == len(c.periods):
            rows += _year_marks(school, c, ended[-1], given, settings.rounding_threshold)
    bulk_insert(
        FinalMark,
        (
            FinalMark.student,
            FinalMark.subject,
            FinalMark.year,
            FinalMark.period,
            FinalMark.scope,
            FinalMark.value,
            FinalMark.entered_by,
            FinalMark.entered_at,
        ),
        rows,
    )
    school.counts["final_marks"] = len(rows)


def _year_marks(school: DemoSchool, c: PClass, last, given: dict, threshold: Decimal) -> list[tuple]:
    """The year mark from the period marks, once the year's last period has ended."""
    rows = []
    for p, start, end in school.stints_of[c.id]:
        if start > last.end or (end is not None and end < last.end):
            continue
        for course in c.courses:
            if course.sloppy:
                continue
            if course.group:
                subgroup = c.subgroups[course.subject][course.group - 1]
                if (subgroup, p.id, last.id) not in school.membership:
                    continue
            marks = given.get((p.id, course.subject), [])
            numbers = [int(m) for m in marks if m.isdigit()]
            if not marks:
                continue
            # the mean of the period marks, else осв or н/а all year
            value = str(round_mark(Decimal(sum(numbers)) / len(numbers), threshold)) if numbers else marks[-1]
            rows.append(
                (
                    p.id,
                    school.subject_ids[course.subject],
                    school.year_id,
                    None,
                    f"Y{school.year_id}",
                    value,
                    course.teacher.user_id,
                    at_hour(last.end, 17),
                )
            )
    return rows
