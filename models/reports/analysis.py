"""Period analysis of a class (R7, R16): how the class did in a period or in the year.

Per pupil × subject: the number of marks, the average and the weighted average, the
suggested and the final mark, absences (lessons: excused, unexcused; late). Per subject the
indicators of DOMAIN.md (успеваемость, качество знаний, СОУ, средний балл) with pupils who
left and exempt pupils out of N; over all subjects отличники, хорошисты, pupils with a single
3, неуспевающие; the class's indicators; the previous period's for comparison (from its final
marks); the distribution of the current marks; the pupils at risk, each with the reasons.

Before a period ends the analysis counts the suggested marks (a final mark a teacher has
already confirmed counts as such) and says how many are suggestions; a pupil with marks but
fewer than the minimum counts with the rounded average so far and goes on the at-risk list
("грозит н/а"). After the end it counts the final marks, and DOMAIN.md's rule holds for
what is still missing: too few marks suggest н/а. That is RUNNING_RULE, the journal grid's
too (models.journal.grading.suggest_period_mark). A pupil's marks count where the pupil sat
in the lesson, whichever class: PERIOD_RULE below.

Reads: a dozen statements whatever the number of classes analysed together (one class; a
school's, for the school's and the district's reports), the marks and absences aggregated per
pupil × subject by the database. The SQL is written out (portable: SQLite and
PostgreSQL, identifiers quoted where they are keywords) because building it with peewee
costs about 0.2 ms a statement, more than running it; rows come back as plain tuples.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, cast

from models.core import clock, tenancy
from models.core.access import Actor, require_staff
from models.core.db import as_date, database
from models.core.errors import NotFound, ValidationError
from models.core.service import reading
from models.core.settings import Settings
from models.core.settings import load as load_settings
from models.journal.grading import (
    EXEMPT,
    FAILED,
    NOT_CERTIFIED,
    PASSED,
    Averages,
    Indicators,
    indicators,
    round_mark,
)
from models.people.moves import subject_key
from models.people.names import short_names

# More than this share of a pupil's lessons missed puts them on the at-risk list; per
# subject only once the subject has had this many lessons (one missed lesson of three is not
# a risk yet).
MISSED_SHARE_AT_RISK = Decimal("0.3")
MIN_LESSONS_FOR_SUBJECT_SHARE = 6
ABSENT = "н"
EXCUSED = ("б", "у")
LATE = "о"
FAILING = ("2", "1", NOT_CERTIFIED, FAILED)
NUMERIC = ("5", "4", "3", "2", "1")
EXPORT_ACTION = "export.class_report"  # the audit action of an exported class report


def percent(value: Decimal | None) -> str:
    """A percentage as the reports show it: whole numbers, half up ("—" when undefined)."""
    if value is None:
        return "—"
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- results ---------------------------------------------------------------------------------


class PupilSubject(NamedTuple):
    """One pupil in one subject over the scope (a period, or the year).

    A NamedTuple rather than a frozen dataclass: a class has hundreds of these and a frozen
    dataclass costs ~5 µs to build, which alone would double the analysis' time. The sums
    are kept as integers (weights ×100); the averages are worked out when asked for.
    """

    subject_id: int
    count: int  # type: ignore[assignment]  # current marks (a double mark counts twice), over tuple.count
    total: int  # Σ marks
    weighted_total: int  # Σ mark × weight×100
    weight_total: int  # Σ weight×100
    suggested: str | None  # RUNNING_RULE's suggestion (grading.suggest_period_mark); None: no marks
    final: str  # "" while not set
    mark: str | None  # what the analysis counts: the final mark, else (see module doc)
    lessons: int  # lessons held so far that the pupil attends
    missed: int  # н + б + у
    excused: int  # б + у
    unexcused: int  # н
    late: int  # о (not a missed lesson)
    counts: tuple[int, int, int, int, int]  # current marks 5, 4, 3, 2, 1
    few: bool = False  # marks, but fewer than the minimum (a period)
    period_marks: tuple[str, ...] = ()  # the year: each period's mark ("" none)
    period_set: tuple[bool, ...] = ()  # … and whether the teacher set it (False: suggested)

    @property
    def mean(self) -> Decimal | None:
        return Decimal(self.total) / self.count if self.count else None

    @property
    def weighted(self) -> Decimal | None:
        return Decimal(self.weighted_total) / self.weight_total if self.weight_total else None

    @property
    def averages(self) -> Averages:
        return Averages(self.count, self.mean, self.weighted)

    @property
    def is_final(self) -> bool:
        return bool(self.final)

    @property
    def too_few(self) -> bool:
        """Marks, but fewer than the minimum, and no final mark yet: н/а threatens."""
        return not self.final and self.few and self.count > 0


@dataclass(frozen=True)
class PupilRow:
    student_id: int
    name: str
    left_on: dt.date | None  # left the class before the scope's end: out of N
    subjects: dict[int, PupilSubject]
    lessons: int
    missed: int
    excused: int
    unexcused: int
    days_missed: int  # days on which every lesson of the pupil was missed
    category: str | None  # "5" отличник, "4" хорошист, "3", "2" or "н/а" неуспевающий; None
    mean: Decimal | None  # mean of the pupil's numeric marks counted
    threes: tuple[str, ...]  # subjects with a 3
    failing: tuple[str, ...]  # subjects with 2, 1, н/а or незач

    @property
    def departed(self) -> bool:
        return self.left_on is not None


@dataclass(frozen=True)
class SubjectRow:
    subject_id: int
    name: str
    short: str
    teachers: str
    indicators: Indicators
    previous: Indicators | None
    distribution: tuple[int, int, int, int, int]  # current marks 5, 4, 3, 2, 1 of the class
    suggested: int  # marks counted that are suggestions, not final marks
    finals_missing: int  # after the end: pupils in the subject without a final mark


@dataclass(frozen=True)
class Reason:
    kind: str  # fail | na | few | none | missed | missed_subject
    subject: str
    text: str


@dataclass(frozen=True)
class RiskRow:
    student_id: int
    name: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class ClassAnalysis:
    class_id: int
    class_name: str
    grade: int
    scope: str  # "P<period id>" or "Y<year id>"
    period_id: int | None  # None: the year
    title: str  # "2 четверть", "2026/2027 год"
    start: dt.date
    end: dt.date
    ended: bool  # the scope is over: the analysis counts final marks
    suggested: int  # marks counted that are suggestions (not confirmed final marks)
    subjects: tuple[SubjectRow, ...]
    pupils: tuple[PupilRow, ...]
    indicators: Indicators  # the class over all subjects
    previous: Indicators | None
    previous_title: str
    excellent: tuple[str, ...]  # отличники
    good: tuple[str, ...]  # хорошисты
    one_three: tuple[tuple[str, str], ...]  # (pupil, subject) with a single 3
    failing: tuple[tuple[str, tuple[str, ...]], ...]  # неуспевающие with their subjects
    at_risk: tuple[RiskRow, ...]
    settings: Settings

    @property
    def on_final_marks(self) -> bool:
        return self.ended and self.suggested == 0

    def subject(self, subject_id: int) -> SubjectRow:
        return next(s for s in self.subjects if s.subject_id == subject_id)

    def pupil(self, student_id: int) -> PupilRow:
        return next(p for p in self.pupils if p.student_id == student_id)


# --- raw reads --------------------------------------------------------------------------------


def _rows(sql: str, params: tuple | list = ()) -> list[tuple]:
    """Run portable SQL written with "?" placeholders; plain tuples back. Dates go to SQLite
    as ISO text (as peewee stores them), to PostgreSQL as dates. `$school` is the school in
    scope (models.core.tenancy): every table of every query here is held to it, as the
    models' own queries are."""
    sql = sql.replace("$school", str(int(tenancy.current())))
    if database.param != "?":
        sql = sql.replace("?", database.param)
    else:
        params = [p.isoformat() if isinstance(p, dt.date) else p for p in params]
    return database.execute_sql(sql, tuple(params)).fetchall()


def _opt_date(value: object) -> dt.date | None:
    return None if value is None else as_date(value)


def _marks(n: int) -> str:
    return ", ".join("?" * n)


@dataclass(frozen=True)
class _Period:
    id: int
    name: str
    start: dt.date
    end: dt.date

    @property
    def scope(self) -> str:
        return f"P{self.id}"


@dataclass(frozen=True)
class _Frame:
    id: int
    name: str
    grade: int
    year_id: int
    year_name: str
    periods: tuple[_Period, ...]


def _frames(where: str, params: tuple) -> list[_Frame]:
    """The classes matching `where` (a condition on `c`, the class) with their periods, by
    grade and letter."""
    frames: dict[int, _Frame] = {}
    for cid, grade, letter, year_id, year_name, pid, name, a, b in _rows(
        'SELECT c.id, c.grade, c.letter, c.year_id, y.name, p.id, p.name, p."start", p."end" '
        "FROM school_class c JOIN school_year y ON y.id = c.year_id AND y.school_id = c.school_id "
        "LEFT JOIN period p ON p.year_id = c.year_id AND p.school_id = c.school_id "
        "AND p.grade_from <= c.grade AND p.grade_to >= c.grade "
        f'WHERE c.school_id = $school AND {where} ORDER BY c.grade, c.letter, c.id, p."start"',
        params,
    ):
        frame = frames.get(cid)
        if frame is None:
            frame = frames[cid] = _Frame(cid, f"{grade}{letter}", grade, year_id, year_name, ())
        if pid is not None:
            frames[cid] = replace(frame, periods=(*frame.periods, _Period(pid, name, as_date(a), as_date(b))))
    return list(frames.values())


def _frame(class_id: int) -> _Frame:
    frames = _frames("c.id = ?", (class_id,))
    if not frames:
        raise NotFound("Такого класса нет.")
    return frames[0]


def _weights() -> tuple[dict[int, int], int]:
    """Work-type weights ×100 as integers (exact sums on both databases), and the default's."""
    weights: dict[int, int] = {}
    default = 100
    for wt_id, weight, is_default in _rows(
        "SELECT id, weight, is_default FROM work_type WHERE school_id = $school"
    ):
        weights[wt_id] = int(Decimal(str(weight)) * 100)
        if is_default:
            default = weights[wt_id]
    return weights, default


class _Course(NamedTuple):
    id: int
    subject_id: int
    subgroup_id: int | None
    teacher: str
    class_id: int


Stint = tuple[dt.date, dt.date | None]


@dataclass
class _Data:
    """What one class's analysis reads. The dictionaries keyed by pupil or course may hold
    other classes' too (the classes read together share them: models.reports.district)."""

    names: dict[int, str]  # pupil → "Surname Name", in roster order
    stints: dict[int, list[Stint]]  # pupil → enrollments
    courses: list[_Course]
    # pupils who were in another class during the scope: pupil → (class, start, end); their
    # marks there count too (PERIOD_RULE), and those classes' courses are in `visited`
    elsewhere: dict[int, list[tuple[int, dt.date, dt.date | None]]]
    visited: list[_Course]
    subjects: dict[int, tuple[str, str]]  # id → (name, short), in curriculum order
    members: set[tuple[int, int, int]]  # (subgroup, student, period)
    marks: dict[tuple[int, int, int], list[int]]  # (student, subject, period) → _Sums
    absences: dict[tuple[int, int, int], list[int]]  # → all, н, б+у, о
    day_missed: dict[int, dict[dt.date, int]]  # pupil → day → lessons missed
    lessons: dict[int, dict[int, list[tuple[dt.date, int]]]]  # course → period → (day, n)
    finals: dict[tuple[int, int, str], str]  # (student, subject, scope) → value, the class's pupils'


def _period_sql(periods: tuple[_Period, ...], params: list) -> str:
    """The period of a lesson, as an integer column (a literal for a single period)."""
    if len(periods) == 1:
        return str(int(periods[0].id))
    cases = []
    for p in periods:
        cases.append(f'WHEN l."date" >= ? AND l."date" <= ? THEN {int(p.id)}')
        params.extend((p.start, p.end))
    return f"CASE {' '.join(cases)} ELSE 0 END"


def _ids(values: Iterable[int]) -> str:
    """Ids of the store (integers) written into a statement's IN (…)."""
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _overlaps(stints: Iterable[Stint], start: dt.date, end: dt.date) -> bool:
    return any(a <= end and (b is None or b >= start) for a, b in stints)


# PERIOD_RULE, in one place: a pupil's mark or absence counts when the pupil sat in that
# lesson: enrolled in the lesson's class on its day. So a pupil who moved class in a period
# brings the period's marks along (both classes' reports count the same marks), and what
# stands after a departure date (the grid shows «·» there) counts nowhere. The entries of a
# pupil count the same whichever class is analysed, so classes read together share them.


@dataclass(frozen=True)
class _Sitting:
    """Whose entries are read, and in which classes' lessons (the classes analysed and those
    their pupils were in meanwhile), by PERIOD_RULE: a pupil in a class throughout the scope
    sat in each of its lessons (`throughout`: pupil → that class), another one only where
    enrolled in the lesson's class on its day (`partly`)."""

    throughout: dict[int, int]
    partly: tuple[int, ...]
    classes: tuple[int, ...]

    @property
    def pupils(self) -> tuple[int, ...]:
        return (*self.throughout, *self.partly)

    def sql(self, table: str) -> str:
        """FROM … WHERE … over `x` (marks or absences), `l` and `c`; two "?": the first and
        the last day. The rows of a pupil in `throughout` come from every class read: keep
        those of the pupil's class (the enrollment is checked per entry only for the others)."""
        return (
            f"FROM {table} x JOIN lesson l ON l.id = x.lesson_id AND l.school_id = x.school_id "
            "JOIN course c ON c.id = l.course_id AND c.school_id = x.school_id "
            f"WHERE x.school_id = $school AND c.school_class_id IN ({_ids(self.classes)}) "
            f'AND l."date" >= ? AND l."date" <= ? AND (x.student_id IN ({_ids(self.throughout)}) '
            f"OR (x.student_id IN ({_ids(self.partly)}) AND EXISTS (SELECT 1 FROM enrollment e "
            "WHERE e.school_id = x.school_id AND e.student_id = x.student_id "
            "AND e.school_class_id = c.school_class_id "
            'AND e."start" <= l."date" AND (e."end" IS NULL OR e."end" >= l."date"))))'
        )


def _load(class_ids: list[int], scope: _Scope, today: dt.date) -> dict[int, _Data]:
    """Everything the analyses of these classes over `scope` need, in bulk: ten statements
    whatever the number of classes (one; or a school's, of one period scheme), split per class."""
    start, end, periods = scope.start, scope.end, scope.periods
    rosters = _pupils(class_ids, scope.previous.start if scope.previous else start, end)
    in_scope = {
        k: [sid for sid, stints in roster[1].items() if _overlaps(stints, start, end)]
        for k, roster in rosters.items()
    }
    stays = _stays(sorted({sid for pupils in in_scope.values() for sid in pupils}), start, end)
    classes = (*class_ids, *sorted({k for held in stays.values() for k, _, _ in held} - set(class_ids)))
    courses, subjects = _courses(classes)
    held_until = min(end, today)
    members, lessons = _subgroup_members(classes, periods), _lessons_held(classes, periods, held_until)
    throughout = {
        sid: k
        for k, (_names, stints) in rosters.items()
        for sid, stays_in_k in stints.items()
        if any(a <= start and (b is None or b >= end) for a, b in stays_in_k)
    }
    sitting = _Sitting(throughout, tuple(sorted(set(stays) - set(throughout))), classes)
    marks = _mark_sums(sitting, periods)
    _add_carried(marks, sitting, subjects, periods)
    absences, day_missed = _absences(sitting, periods)
    finals = _finals(sorted({sid for names, _ in rosters.values() for sid in names}), scope.final_scopes)
    out = {}
    for k in class_ids:
        names, stints = rosters.get(k, ({}, {}))
        elsewhere = {
            sid: other for sid in in_scope.get(k, ()) if (other := [s for s in stays[sid] if s[0] != k])
        }
        visited = sorted({other for held in elsewhere.values() for other, _, _ in held})
        out[k] = _Data(
            names,
            stints,
            courses.get(k, []),
            elsewhere,
            [course for other in visited for course in courses.get(other, [])],
            subjects.get(k, {}),
            members,
            marks,
            absences,
            day_missed,
            lessons,
            {key: value for sid in names for key, value in finals.get(sid, ())},
        )
    return out


def _pupils(
    class_ids: list[int], start: dt.date, end: dt.date
) -> dict[int, tuple[dict[int, str], dict[int, list[Stint]]]]:
    """1. Per class the pupils in it at some time between `start` and `end` (the scope, or
    from the previous period on), in roster order, and their stints in the class."""
    people: dict[int, dict[int, tuple[int, str, str, str]]] = defaultdict(dict)
    stints: dict[int, dict[int, list[Stint]]] = defaultdict(lambda: defaultdict(list))
    for k, sid, surname, first_name, patronymic, a, b in _rows(
        'SELECT e.school_class_id, e.student_id, s.surname, s.first_name, s.patronymic, e."start", e."end" '
        "FROM enrollment e JOIN student s ON s.id = e.student_id AND s.school_id = e.school_id "
        f"WHERE e.school_id = $school AND e.school_class_id IN ({_ids(class_ids)}) "
        'AND e."start" <= ? AND (e."end" IS NULL OR e."end" >= ?) '
        'ORDER BY s.surname, s.first_name, s.id, e."start"',
        (end, start),
    ):
        people[k][sid] = (sid, surname, first_name, patronymic or "")
        stints[k][sid].append((as_date(a), _opt_date(b)))
    out = {}
    for k, pupils in people.items():
        shown = short_names(pupils.values())
        out[k] = ({sid: shown[sid] for sid in pupils}, dict(stints[k]))  # roster order
    return out


def _stays(
    pupils: list[int], start: dt.date, end: dt.date
) -> dict[int, list[tuple[int, dt.date, dt.date | None]]]:
    """2. Every stint of these pupils, in whichever class, within the scope: a pupil who
    moved brings the marks of the period along (PERIOD_RULE)."""
    stays: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {sid: [] for sid in pupils}
    if not pupils:
        return stays
    for sid, k, a, b in _rows(
        'SELECT o.student_id, o.school_class_id, o."start", o."end" FROM enrollment o '
        f'WHERE o.school_id = $school AND o.student_id IN ({_ids(pupils)}) AND o."start" <= ? '
        'AND (o."end" IS NULL OR o."end" >= ?) ORDER BY o."start"',
        (end, start),
    ):
        stays[sid].append((k, as_date(a), _opt_date(b)))
    return stays


def _courses(
    class_ids: Sequence[int],
) -> tuple[dict[int, list[_Course]], dict[int, dict[int, tuple[str, str]]]]:
    """3. Per class its courses (subject, subgroup, teacher) and its subjects in curriculum order."""
    courses: dict[int, list[_Course]] = defaultdict(list)
    subjects: dict[int, dict[int, tuple[str, str]]] = defaultdict(dict)
    for cid, k, subject_id, subgroup_id, s_name, s_short, t_surname, t_first, t_patr in _rows(
        "SELECT c.id, c.school_class_id, c.subject_id, c.subgroup_id, j.name, j.short_name, u.surname, "
        "u.first_name, u.patronymic FROM course c "
        "JOIN subject j ON j.id = c.subject_id AND j.school_id = c.school_id "
        "JOIN app_user u ON u.id = c.teacher_id "
        f"WHERE c.school_id = $school AND c.school_class_id IN ({_ids(class_ids)}) ORDER BY j.id, c.id",
    ):
        initials = "".join(f"{part[0]}." for part in (t_first, t_patr) if part)
        courses[k].append(_Course(cid, subject_id, subgroup_id, f"{t_surname} {initials}".strip(), k))
        subjects[k][subject_id] = (s_name, s_short or s_name)
    return dict(courses), dict(subjects)


def _subgroup_members(class_ids: Sequence[int], periods: tuple[_Period, ...]) -> set[tuple[int, int, int]]:
    """4. Subgroup members in the scope's periods: (subgroup, pupil, period)."""
    ids = [p.id for p in periods]
    return set(
        _rows(
            "SELECT m.subgroup_id, m.student_id, m.period_id FROM subgroup_member m "
            "JOIN subgroup g ON g.id = m.subgroup_id AND g.school_id = m.school_id "
            f"WHERE m.school_id = $school AND g.school_class_id IN ({_ids(class_ids)}) "
            f"AND m.period_id IN ({_marks(len(ids))})",
            ids,
        )
    )


def _weight_sql() -> str:
    """A mark's weight ×100 as an SQL expression: its own work type, else its lesson's."""
    weights, default = _weights()
    if not weights:
        return str(int(default))
    cases = " ".join(f"WHEN {int(k)} THEN {int(w)}" for k, w in sorted(weights.items()))
    return f"CASE COALESCE(x.work_type_id, l.work_type_id) {cases} ELSE {int(default)} END"


def _mark_sums(sitting: _Sitting, periods: tuple[_Period, ...]) -> dict[tuple[int, int, int], list[int]]:
    """5. Marks per pupil × subject × period (the _Sums: count, Σ marks, Σ mark × weight,
    Σ weight, how many of 5, 4, 3, 2, 1), in the lessons the pupils sat in (PERIOD_RULE)."""
    weight = _weight_sql()
    params: list = []
    period = _period_sql(periods, params)
    values = ", ".join(f"SUM(CASE WHEN x.value = {v} THEN 1 ELSE 0 END)" for v in (5, 4, 3, 2, 1))
    marks: dict[tuple[int, int, int], list[int]] = {}
    throughout = sitting.throughout
    for sid, class_id, subject_id, pid, *sums in _rows(  # integers on both databases
        f"SELECT x.student_id, c.school_class_id, c.subject_id, {period}, COUNT(*), SUM(x.value), "
        f"SUM(x.value * {weight}), SUM({weight}), {values} "
        f"{sitting.sql('mark')} GROUP BY 1, 2, 3, 4",
        [*params, periods[0].start, periods[-1].end],
    ):
        if throughout.get(sid, class_id) == class_id:  # sat in it (see _Sitting.sql)
            key = (sid, subject_id, pid)
            marks[key] = _summed(marks.get(key), sums)
    return marks


def _summed(had: list[int] | None, more: list[int]) -> list[int]:
    """A pupil's sums so far (None: none yet) with `more` added place by place (a pupil who
    moved has rows from two classes)."""
    return more if had is None else [a + b for a, b in zip(had, more, strict=True)]


def _absences(
    sitting: _Sitting, periods: tuple[_Period, ...]
) -> tuple[dict[tuple[int, int, int], list[int]], dict[int, dict[dt.date, int]]]:
    """6. Absences per pupil × subject × period (all, н, б+у, о), and per pupil and day the
    lessons missed («о» is no lesson missed; a day counts when every lesson was missed), in
    the lessons the pupils sat in (PERIOD_RULE): one read."""
    params: list = []
    period = _period_sql(periods, params)
    absences: dict[tuple[int, int, int], list[int]] = {}
    day_missed: dict[int, dict[dt.date, int]] = defaultdict(dict)
    throughout = sitting.throughout
    for sid, class_id, subject_id, pid, day, n, unexcused, excused, late in _rows(  # integers
        f'SELECT x.student_id, c.school_class_id, c.subject_id, {period}, l."date", COUNT(*), '
        "SUM(CASE WHEN x.code = ? THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN x.code IN (?, ?) THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN x.code = ? THEN 1 ELSE 0 END) "
        f"{sitting.sql('absence')} GROUP BY 1, 2, 3, 4, 5",
        [*params, ABSENT, *EXCUSED, LATE, periods[0].start, periods[-1].end],
    ):
        if throughout.get(sid, class_id) != class_id:  # not sat in it (see _Sitting.sql)
            continue
        key = (sid, subject_id, pid)
        absences[key] = _summed(absences.get(key), [n, unexcused, excused, late])
        if n > late:
            missed, on = day_missed[sid], as_date(day)
            missed[on] = missed.get(on, 0) + n - late
    return absences, dict(day_missed)


def _count_marks(
    marks: dict[tuple[int, int, int], list[int]], key: tuple[int, int, int], value: int, n: int, w: int
) -> None:
    """`n` marks of `value` weighing `w` (×100) together, added to the pupil's sums in the
    subject and period (`key`)."""
    sums = marks.get(key)
    if sums is None:
        sums = marks[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    sums[0] += n  # count
    sums[1] += value * n  # Σ marks
    sums[2] += value * w  # Σ mark × weight (×100)
    sums[3] += w  # Σ weight (×100)
    sums[9 - value] += n  # counts of 5, 4, 3, 2, 1 at [4]…[8]


def _add_carried(
    marks: dict[tuple[int, int, int], list[int]],
    sitting: _Sitting,
    subjects: dict[int, dict[int, tuple[str, str]]],
    periods: tuple[_Period, ...],
) -> None:
    """5a. Marks brought from another school of the district (models.people.moves), in the
    subject of the same name (subject_key; a school's subject names are unique): they count
    as marks brought from another class do."""
    if not sitting.pupils:
        return
    by_name = {
        subject_key(name): sid for taught in subjects.values() for sid, (name, _short) in taught.items()
    }
    for sid, subject, day, value, weight in _rows(
        'SELECT m.student_id, m.subject, m."date", m.value, m.weight FROM carried_mark m '
        f"WHERE m.school_id = $school AND m.student_id IN ({_ids(sitting.pupils)}) "
        'AND m."date" >= ? AND m."date" <= ?',
        (periods[0].start, periods[-1].end),
    ):
        subject_id = by_name.get(subject_key(subject))
        period = next((p for p in periods if p.start <= as_date(day) <= p.end), None)
        if subject_id is not None and period is not None:
            _count_marks(marks, (sid, subject_id, period.id), value, 1, weight)


def _lessons_held(
    class_ids: Sequence[int], periods: tuple[_Period, ...], held_until: dt.date
) -> dict[int, dict[int, list[tuple[dt.date, int]]]]:
    """7. Lessons held so far (up to `held_until`) per course, period and day."""
    lessons: dict[int, dict[int, list[tuple[dt.date, int]]]] = defaultdict(dict)
    start = periods[0].start
    if held_until < start:
        return lessons
    params: list = []
    period_l = _period_sql(periods, params)
    for course_id, day, pid, n in _rows(
        f'SELECT l.course_id, l."date", {period_l}, COUNT(*) FROM lesson l '
        "JOIN course c ON c.id = l.course_id AND c.school_id = l.school_id "
        f"WHERE c.school_id = $school AND c.school_class_id IN ({_ids(class_ids)}) "
        'AND l."date" >= ? AND l."date" <= ? GROUP BY 1, 2, 3',
        (*params, start, held_until),
    ):
        lessons[course_id].setdefault(int(pid), []).append((as_date(day), n))
    return lessons


def _finals(pupils: list[int], scopes: list[str]) -> dict[int, list[tuple[tuple[int, int, str], str]]]:
    """8. Final marks of the scopes (the scope's own, and the previous period's for the
    comparison) of these pupils, per pupil."""
    finals: dict[int, list[tuple[tuple[int, int, str], str]]] = defaultdict(list)
    if not pupils:
        return finals
    for sid, subject_id, scope, value in _rows(
        "SELECT f.student_id, f.subject_id, f.scope, f.value FROM final_mark f "
        f"WHERE f.school_id = $school AND f.scope IN ({_marks(len(scopes))}) AND f.student_id IN ({_ids(pupils)})",
        scopes,
    ):
        finals[sid].append(((sid, subject_id, scope), value))
    return finals


# --- arithmetic ---------------------------------------------------------------------------------


EMPTY_SUMS = (0, 0, 0, 0, 0, 0, 0, 0, 0)


def _add(a: Sequence[int] | None, b: Sequence[int] | None) -> Sequence[int] | None:
    if a is None:
        return b
    if b is None:
        return a
    return [x + y for x, y in zip(a, b, strict=True)]


def rounded(weighted_total: int, weight_total: int, settings: Settings) -> str:
    """The weighted average Σ(mark·w)/Σw rounded with the school's threshold, exactly as
    models.journal.grading.round_mark does it, in integers (no division)."""
    return _round_sums(weighted_total, weight_total, *_ratio(settings.rounding_threshold))


def _round_sums(weighted_total: int, weight_total: int, num: int, den: int) -> str:
    """`rounded` with the threshold as the ratio num/den."""
    whole = weighted_total // weight_total
    if (weighted_total - whole * weight_total) * den >= num * weight_total:
        return NUMERIC[5 - min(5, whole + 1)]
    return NUMERIC[5 - max(1, whole)]


_RATIOS: dict[Decimal, tuple[int, int]] = {}


def _ratio(value: Decimal) -> tuple[int, int]:
    ratio = _RATIOS.get(value)
    if ratio is None:
        ratio = _RATIOS[value] = value.as_integer_ratio()
    return ratio


def suggest(
    count: int, weighted_total: int, weight_total: int, settings: Settings, strict: bool
) -> str | None:
    """The suggested mark from the integer sums (grading.suggest_period_mark's result):
    DOMAIN.md's rule (too few marks → н/а) when `strict`, else (the period still runs) the
    rounded weighted average so far. None without marks."""
    if not count:
        return None
    if (strict and count < max(settings.min_marks_for_period, 1)) or not weight_total:
        return NOT_CERTIFIED
    return rounded(weighted_total, weight_total, settings)


def year_mark(period_marks: list[str] | tuple[str, ...], threshold: Decimal) -> str | None:
    """The suggested year mark from the period marks: their numeric mean rounded as period
    marks are; with no numeric one, н/а, незач, зач or осв carries over."""
    numeric = [int(m) for m in period_marks if m in NUMERIC]
    if numeric:
        return str(round_mark(Decimal(sum(numeric)) / len(numeric), threshold))
    for value in (NOT_CERTIFIED, FAILED, PASSED, EXEMPT):
        if value in period_marks:
            return value
    return None


_FAILING = frozenset(FAILING)
_NUMERIC = frozenset(NUMERIC)
_GOOD = frozenset(("4", "5"))
_VALUES = {m: int(m) for m in NUMERIC}


def pupil_category(marks: list[str]) -> str | None:
    """Over all subjects: "5" every mark 5, "4" every mark 4 or 5, a failing one makes
    "н/а" (if there is an н/а) or "2", else "3"; None when no mark counts (осв, зач only)."""
    present = set(marks)
    if present & _FAILING:
        return NOT_CERTIFIED if NOT_CERTIFIED in present else "2"
    numeric = present & _NUMERIC
    if not numeric:
        return None
    if numeric == {"5"}:
        return "5"
    return "4" if numeric <= _GOOD else "3"


def _mean(marks: list[str]) -> Decimal | None:
    numeric = [_VALUES[m] for m in marks if m in _VALUES]
    return Decimal(sum(numeric)) / len(numeric) if numeric else None


mean_mark = _mean  # the district's report averages its grades' marks the same way


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) * 100 / whole if whole else Decimal(0)


def _pace(period: _Period, today: dt.date) -> Decimal:
    """How much of the period has passed, 0–1 (1 once it is over)."""
    if today >= period.end:
        return Decimal(1)
    if today < period.start:
        return Decimal(0)
    return Decimal((today - period.start).days + 1) / ((period.end - period.start).days + 1)


def _reasons(
    pupil: PupilRow,
    subjects: dict[int, tuple[str, str]],
    settings: Settings,
    pace: Decimal | None,
) -> tuple[Reason, ...]:
    """Why a pupil is at risk. `pace`: the share of the period passed (None: the year).

    Too few marks count against the pace: with a third of the period gone a pupil needs a
    third of the minimum, so early in a period the list is not everyone."""
    reasons: list[Reason] = []
    minimum = settings.min_marks_for_period
    for subject_id, ps in pupil.subjects.items():
        mark = ps.mark
        if mark in ("2", "1"):
            name = subjects[subject_id][0]
            note = "" if ps.final else " (предварительно)"
            reasons.append(Reason("fail", name, f"{name}: «{mark}»{note}"))
        elif mark == FAILED:
            name = subjects[subject_id][0]
            reasons.append(Reason("fail", name, f"{name}: незачёт"))
        elif mark == NOT_CERTIFIED and (ps.final or pace is None):
            name = subjects[subject_id][0]
            reasons.append(Reason("na", name, f"{name}: н/а"))
        elif pace is None or ps.final:
            continue
        elif ps.few and ps.count < minimum * pace:
            name = subjects[subject_id][0]
            reasons.append(
                Reason("few", name, f"{name}: {ps.count} отм. при минимуме {minimum} — грозит н/а")
            )
        elif not ps.count and ps.lessons and pace * minimum >= 1:
            name = subjects[subject_id][0]
            reasons.append(Reason("none", name, f"{name}: нет отметок — грозит н/а"))
    num, den = MISSED_SHARE_AT_RISK.as_integer_ratio()
    if pupil.lessons and pupil.missed * den > num * pupil.lessons:
        pct = percent(_share(pupil.missed, pupil.lessons))
        reasons.append(Reason("missed", "", f"пропущено {pct}% уроков ({pupil.missed} из {pupil.lessons})"))
    elif pupil.missed:
        for subject_id, ps in pupil.subjects.items():
            if ps.lessons >= MIN_LESSONS_FOR_SUBJECT_SHARE and ps.missed * den > num * ps.lessons:
                name = subjects[subject_id][0]
                pct = percent(_share(ps.missed, ps.lessons))
                reasons.append(
                    Reason(
                        "missed_subject",
                        name,
                        f"{name}: пропущено {pct}% уроков ({ps.missed} из {ps.lessons})",
                    )
                )
    return tuple(reasons)


def _left_on(stints: list[tuple[dt.date, dt.date | None]], end: dt.date) -> dt.date | None:
    """The day the pupil left, when every stint in the class ended before `end`."""
    if any(b is None or b >= end for _, b in stints):
        return None
    return max(b for _, b in stints if b is not None)


def _previous_indicators(data: _Data, previous: _Period) -> tuple[Indicators | None, dict[int, Indicators]]:
    """The previous period's indicators from its final marks (that period is over), over the
    pupils who were in the class at its end."""
    scope = previous.scope
    stayed = set()
    for sid, stints in data.stints.items():
        inside = [(a, b) for a, b in stints if a <= previous.end and (b is None or b >= previous.start)]
        if inside and _left_on(inside, previous.end) is None:
            stayed.add(sid)
    by_subject: dict[int, list[str]] = defaultdict(list)
    per_pupil: dict[int, list[str]] = defaultdict(list)
    for (sid, subject_id, final_scope), value in data.finals.items():
        if final_scope == scope and sid in stayed and subject_id in data.subjects:
            by_subject[subject_id].append(value)
            per_pupil[sid].append(value)
    if not per_pupil:
        return None, {}
    subjects = {sid: ind for sid, values in by_subject.items() if (ind := indicators(values)).n}
    whole = indicators(pupil_category(marks) for marks in per_pupil.values())
    return replace(whole, mean=_mean([m for marks in per_pupil.values() for m in marks])), subjects


@dataclass(frozen=True)
class _Scope:
    """What an analysis covers: one period (compared with the one before it), or the year."""

    period: _Period | None  # None: the year
    periods: tuple[_Period, ...]
    previous: _Period | None
    year_key: str  # "Y<year id>"
    ended: bool  # the scope is over: final marks count

    @property
    def key(self) -> str:
        return self.period.scope if self.period else self.year_key

    @property
    def start(self) -> dt.date:
        return self.periods[0].start

    @property
    def end(self) -> dt.date:
        return self.periods[-1].end

    @property
    def final_scopes(self) -> list[str]:
        """The final marks to read: each period's, the previous period's, the year's."""
        scopes = [p.scope for p in self.periods]
        if self.previous:
            scopes.append(self.previous.scope)
        if not self.period:
            scopes.append(self.year_key)
        return scopes


def _scope(frame: _Frame, period: _Period | None, today: dt.date) -> _Scope:
    periods = (period,) if period else frame.periods
    if not periods:
        raise ValidationError(f"У класса {frame.name} нет учебных периодов.")
    index = frame.periods.index(period) if period else -1
    previous = frame.periods[index - 1] if period and index > 0 else None
    return _Scope(period, periods, previous, f"Y{frame.year_id}", today > periods[-1].end)


class _Attendance:
    """Who attends which lessons held: per subject the lessons of its whole-class courses
    (every pupil attends them), per subgroup course those of each period (its members do),
    and per day the lessons of each course (for pupils in the class for part of the scope,
    who also attend the lessons of the classes they were in meanwhile: `data.visited`)."""

    def __init__(self, data: _Data) -> None:
        self.members = data.members
        self.held = data.lessons
        self.courses: dict[int, list[_Course]] = defaultdict(list)  # subject → the class's courses
        self.attended: dict[int, list[_Course]] = defaultdict(list)  # … and the visited ones'
        self.plain: dict[int, int] = defaultdict(int)  # subject → lessons of whole-class courses
        self.grouped: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # (subgroup, period, n)
        # day → (class, subgroup, period, lessons)
        self.by_day: dict[dt.date, list[tuple[int, int | None, int, int]]] = defaultdict(list)
        for course in data.courses:
            self.courses[course.subject_id].append(course)
            for pid, days in self.held.get(course.id, {}).items():
                n = sum(k for _, k in days)
                if course.subgroup_id is None:
                    self.plain[course.subject_id] += n
                else:
                    self.grouped[course.subject_id].append((course.subgroup_id, pid, n))
        subjects = set(data.subjects)
        for course in (*data.courses, *data.visited):
            if course.subject_id in subjects:
                self.attended[course.subject_id].append(course)
            for pid, days in self.held.get(course.id, {}).items():
                for day, k in days:
                    self.by_day[day].append((course.class_id, course.subgroup_id, pid, k))

    def lessons(self, sid: int, enrolled: Callable[[int, dt.date], bool] | None) -> dict[int, int]:
        """Per subject the lessons the pupil attends (a subject missing: none);
        `enrolled(class, day)`; None: in the class throughout the scope."""
        members = self.members
        if enrolled is None:
            totals = dict(self.plain)
            for subject_id, groups in self.grouped.items():
                for group, pid, n in groups:
                    if (group, sid, pid) in members:
                        totals[subject_id] = totals.get(subject_id, 0) + n
            return totals
        totals = {}
        for subject_id, courses in self.attended.items():
            total = 0
            for course in courses:
                for pid, days in self.held.get(course.id, {}).items():
                    if course.subgroup_id is None or (course.subgroup_id, sid, pid) in members:
                        total += sum(n for day, n in days if enrolled(course.class_id, day))
            totals[subject_id] = total
        return totals

    def days_missed(
        self, sid: int, missed: dict[dt.date, int], enrolled: Callable[[int, dt.date], bool]
    ) -> int:
        """Days on which the pupil missed every lesson they had (in the class, or in the one
        they were in that day)."""
        members = self.members
        days = 0
        for day, n in missed.items():
            had = sum(
                k
                for klass, g, pid, k in self.by_day.get(day, ())
                if enrolled(klass, day) and (g is None or (g, sid, pid) in members)
            )
            if had and n >= had:
                days += 1
        return days


class _Analysis:
    """The analysis of one class over one scope, from the data read in bulk."""

    def __init__(self, class_id: int, scope: _Scope, data: _Data, settings: Settings, today: dt.date):
        self.scope = scope
        self.data = data
        self.settings = settings
        self.today = today
        self.attendance = _Attendance(data)
        self.min_marks = max(settings.min_marks_for_period, 1)
        # (looked up once: a class has hundreds of cells)
        self.period_id = scope.period.id if scope.period else None
        self.key = scope.key
        self.ended = scope.ended
        self.class_id = class_id

    def pupil(self, sid: int, name: str) -> PupilRow | None:
        """The pupil's row: a cell per subject they are in; None when only in the previous period."""
        scope, data = self.scope, self.data
        start, end = scope.start, scope.end
        stints = [(a, b) for a, b in data.stints[sid] if a <= end and (b is None or b >= start)]
        if not stints:
            return None
        throughout = all(
            any(a <= p.start and (b is None or b >= p.end) for a, b in stints) for p in scope.periods
        )

        elsewhere = data.elsewhere.get(sid, [])
        stays = [(self.class_id, a, b) for a, b in stints] + elsewhere
        class_id = self.class_id

        def enrolled(klass: int, day: dt.date) -> bool:
            return any(k == klass and a <= day and (b is None or day <= b) for k, a, b in stays)

        def in_class(klass: int, _day: dt.date) -> bool:  # in the class throughout, nowhere else
            return klass == class_id

        cells_of = self.period_cells if scope.period else self.year_cells
        cells = cells_of(sid, None if throughout else enrolled)
        here_only = throughout and not elsewhere
        days_missed = self.attendance.days_missed(
            sid, data.day_missed.get(sid, {}), in_class if here_only else enrolled
        )
        return _pupil_row(sid, name, _left_on(stints, end), cells, days_missed, data.subjects)

    def period_cells(
        self, sid: int, enrolled: Callable[[int, dt.date], bool] | None
    ) -> dict[int, PupilSubject]:
        """A period, per subject the pupil is in: the final mark, else the suggestion of
        RUNNING_RULE — too few marks: н/а once the period is over, the rounded weighted average
        so far while it runs."""
        period_id = cast(int, self.period_id)  # the cells of a period (see cells_of): it has an id
        data, key, attended = self.data, self.key, self.attendance.lessons(sid, enrolled)
        (num, den), min_marks, ended = _ratio(self.settings.rounding_threshold), self.min_marks, self.ended
        cells: dict[int, PupilSubject] = {}
        for subject_id in data.subjects:
            lessons = attended.get(subject_id, 0)
            sums: Sequence[int] | None = data.marks.get((sid, subject_id, period_id))
            absent = data.absences.get((sid, subject_id, period_id))
            final = data.finals.get((sid, subject_id, key), "")
            if sums is None:
                if not (final or lessons or absent):
                    continue  # not in this subject (another subgroup's, or none held)
                sums, suggested, counted = EMPTY_SUMS, None, None
            elif not sums[3]:  # every weight 0: nothing to average
                suggested = counted = NOT_CERTIFIED
            else:  # RUNNING_RULE: too few marks are н/а once the period is over
                suggested = counted = _round_sums(sums[2], sums[3], num, den)
                if ended and sums[0] < min_marks:
                    suggested = counted = NOT_CERTIFIED
            cells[subject_id] = _cell(
                subject_id, sums, absent, final, suggested, counted, lessons, few=0 < sums[0] < min_marks
            )
        return cells

    def year_cells(
        self, sid: int, enrolled: Callable[[int, dt.date], bool] | None
    ) -> dict[int, PupilSubject]:
        """The year, per subject the pupil is in: the year mark, else the one suggested from
        the period marks (each period's final mark, else its suggestion)."""
        data, settings, key = self.data, self.settings, self.key
        periods = [(p.id, p.scope, self.today > p.end) for p in self.scope.periods]
        attended = self.attendance.lessons(sid, enrolled)
        cells: dict[int, PupilSubject] = {}
        for subject_id in data.subjects:
            sums = absent = None
            period_marks = []
            period_set = []
            for period_id, scope, over in periods:
                p_sums = data.marks.get((sid, subject_id, period_id))
                sums = _add(sums, p_sums)
                absent = _add(absent, data.absences.get((sid, subject_id, period_id)))
                p_final = data.finals.get((sid, subject_id, scope), "")
                period_set.append(bool(p_final))
                if not p_final and p_sums:
                    p_final = suggest(p_sums[0], p_sums[2], p_sums[3], settings, over) or ""
                period_marks.append(p_final)
            lessons = attended.get(subject_id, 0)
            final = data.finals.get((sid, subject_id, key), "")
            # a period's final alone makes a cell too (brought from another school)
            if not (sums or final or lessons or absent or any(period_set)):
                continue
            marks = tuple(period_marks)
            suggested = year_mark(marks, settings.rounding_threshold)
            cells[subject_id] = _cell(
                subject_id,
                sums or EMPTY_SUMS,
                absent,
                final,
                suggested,
                suggested,
                lessons,
                marks,
                tuple(period_set),
            )
        return cells

    def subject_rows(self, counted: list[PupilRow], prev_subjects: dict[int, Indicators]) -> list[SubjectRow]:
        """Per subject DOMAIN.md's indicators over the pupils counted, and the previous period's."""
        rows = []
        for subject_id, (name, short) in self.data.subjects.items():
            cells_of = [c for p in counted if (c := p.subjects.get(subject_id))]
            distribution = tuple(map(sum, zip(*(c.counts for c in cells_of), strict=True))) or (0,) * 5
            courses = self.attendance.courses[subject_id]
            rows.append(
                SubjectRow(
                    subject_id=subject_id,
                    name=name,
                    short=short,
                    teachers=", ".join(dict.fromkeys(c.teacher for c in courses)),
                    indicators=indicators(c.mark for c in cells_of),
                    previous=prev_subjects.get(subject_id),
                    distribution=distribution,  # type: ignore[arg-type]
                    suggested=sum(1 for c in cells_of if c.mark and not c.final),
                    finals_missing=sum(1 for c in cells_of if not c.final) if self.scope.ended else 0,
                )
            )
        return rows

    def at_risk(self, counted: list[PupilRow]) -> tuple[RiskRow, ...]:
        """The pupils at risk with their reasons, the most reasons first."""
        period = self.scope.period
        pace = _pace(period, self.today) if period else None
        rows = [
            RiskRow(p.student_id, p.name, reasons)
            for p in counted
            if (reasons := _reasons(p, self.data.subjects, self.settings, pace))
        ]
        rows.sort(key=lambda r: (-len(r.reasons), r.name))
        return tuple(rows)


def _cell(
    subject_id: int,
    sums: Sequence[int],
    absent: Sequence[int] | None,
    final: str,
    suggested: str | None,
    counted: str | None,
    lessons: int,
    period_marks: tuple[str, ...] = (),
    period_set: tuple[bool, ...] = (),
    few: bool = False,
) -> PupilSubject:
    """One pupil × subject: the sums of the marks, the absences; the final mark counts,
    else `counted`."""
    all_, unexcused, excused, late = absent or (0, 0, 0, 0)
    return PupilSubject(
        subject_id,
        sums[0],
        sums[1],
        sums[2],
        sums[3],
        suggested,
        final,
        final or counted,
        lessons,
        all_ - late,
        excused,
        unexcused,
        late,
        tuple(sums[4:9]),  # type: ignore[arg-type]
        few,
        period_marks,
        period_set,
    )


def _pupil_row(
    sid: int,
    name: str,
    left_on: dt.date | None,
    cells: dict[int, PupilSubject],
    days_missed: int,
    subjects: dict[int, tuple[str, str]],
) -> PupilRow:
    """A pupil over all subjects: absences added up, the category of DOMAIN.md (отличник,
    хорошист, …) and the mean of the marks counted, the subjects with a 3 and the failing ones."""
    marks = []
    lessons = missed = excused = unexcused = 0
    for c in cells.values():
        if c.mark:
            marks.append(c.mark)
        lessons += c.lessons
        missed += c.missed
        excused += c.excused
        unexcused += c.unexcused
    return PupilRow(
        student_id=sid,
        name=name,
        left_on=left_on,
        subjects=cells,
        lessons=lessons,
        missed=missed,
        excused=excused,
        unexcused=unexcused,
        days_missed=days_missed,
        category=pupil_category(marks),
        mean=_mean(marks),
        threes=tuple(subjects[s][0] for s, c in cells.items() if c.mark == "3"),
        failing=tuple(subjects[s][0] for s, c in cells.items() if c.mark in FAILING),
    )


def _analyses(
    jobs: list[tuple[_Frame, _Period | None]], settings: Settings, today: dt.date
) -> list[ClassAnalysis]:
    """The analyses of these classes, each over its period (None: the year), read in bulk:
    the classes over the same scope (a school's of one period scheme) together."""
    scopes = [_scope(frame, period, today) for frame, period in jobs]
    groups: dict[_Scope, list[int]] = defaultdict(list)
    for (frame, _period), scope in zip(jobs, scopes, strict=True):
        groups[scope].append(frame.id)
    loaded = {
        (k, scope): data for scope, ids in groups.items() for k, data in _load(ids, scope, today).items()
    }
    return [
        _analysis(frame, scope, loaded[frame.id, scope], settings, today)
        for (frame, _period), scope in zip(jobs, scopes, strict=True)
    ]


def _analysis(frame: _Frame, scope: _Scope, data: _Data, settings: Settings, today: dt.date) -> ClassAnalysis:
    period, previous = scope.period, scope.previous
    analysis = _Analysis(frame.id, scope, data, settings, today)
    pupils = [row for sid, name in data.names.items() if (row := analysis.pupil(sid, name))]
    counted = [p for p in pupils if not p.departed]  # pupils who left are out of N
    prev_whole, prev_subjects = _previous_indicators(data, previous) if previous else (None, {})
    subject_rows = analysis.subject_rows(counted, prev_subjects)
    whole_class = replace(
        indicators(p.category for p in counted),
        mean=_mean([c.mark for p in counted for c in p.subjects.values() if c.mark]),
    )
    return ClassAnalysis(
        class_id=frame.id,
        class_name=frame.name,
        grade=frame.grade,
        scope=scope.key,
        period_id=period.id if period else None,
        title=period.name if period else f"{frame.year_name} год",
        start=scope.start,
        end=scope.end,
        ended=scope.ended,
        suggested=sum(s.suggested for s in subject_rows),
        subjects=tuple(subject_rows),
        pupils=tuple(pupils),
        indicators=whole_class,
        previous=prev_whole,
        previous_title=previous.name if previous else "",
        excellent=tuple(p.name for p in counted if p.category == "5"),
        good=tuple(p.name for p in counted if p.category == "4"),
        one_three=tuple((p.name, p.threes[0]) for p in counted if p.category == "3" and len(p.threes) == 1),
        failing=tuple((p.name, p.failing) for p in counted if p.failing),
        at_risk=analysis.at_risk(counted),
        settings=settings,
    )


# --- the services -----------------------------------------------------------------------------


@reading
def class_analysis(actor: Actor, class_id: int, period_id: int | None) -> ClassAnalysis:
    """The analysis of a class for a period, or for the year with `period_id` None (staff)."""
    require_staff(actor)
    frame = _frame(class_id)
    period = None
    if period_id is not None:
        period = next((p for p in frame.periods if p.id == period_id), None)
        if period is None:
            raise ValidationError("Этот учебный период не относится к классу.")
    return _analyses([(frame, period)], load_settings(), clock.today())[0]


def current_period_index(periods: tuple | list, today: dt.date) -> int | None:
    """The period running today, else the last one over, else the first (indexes)."""
    best = None
    for i, p in enumerate(periods):
        if p.start <= today <= p.end:
            return i
        if p.end < today:
            best = i
    return best if best is not None else (0 if periods else None)


def year_analyses(year_id: int, number: int | None = None) -> list[ClassAnalysis]:
    """Every class of the year (by grade and letter) for its `number`-th period (None: the
    one running today, else the last over); a class without such a period is left out. For
    a service that has checked its actor (school_analysis, the district's report)."""
    today = clock.today()
    jobs: list[tuple[_Frame, _Period | None]] = []
    for frame in _frames("c.year_id = ?", (year_id,)):
        index = current_period_index(frame.periods, today) if number is None else number - 1
        if index is not None and 0 <= index < len(frame.periods):
            jobs.append((frame, frame.periods[index]))
    return _analyses(jobs, load_settings(), today)


@reading
def school_analysis(actor: Actor, year_id: int) -> list[ClassAnalysis]:
    """Every class of the year, each for its period today (the one running, else the last)."""
    require_staff(actor)
    return year_analyses(year_id)


@dataclass(frozen=True)
class ScopeChoice:
    period_id: int | None  # None: the year
    title: str
    start: dt.date
    end: dt.date


@reading
def scope_choices(actor: Actor, class_id: int) -> list[ScopeChoice]:
    """The class's periods in order, then the year."""
    require_staff(actor)
    frame = _frame(class_id)
    out = [ScopeChoice(p.id, p.name, p.start, p.end) for p in frame.periods]
    if frame.periods:
        out.append(ScopeChoice(None, f"{frame.year_name} год", frame.periods[0].start, frame.periods[-1].end))
    return out


@dataclass(frozen=True)
class ClassChoice:
    id: int
    name: str
    grade: int
    mine: bool  # the user's own class (homeroom teacher)


@reading
def analysis_classes(actor: Actor, year_id: int) -> list[ClassChoice]:
    """Classes to analyse: an admin's every class; a teacher's own class first, then those
    they teach (staff may read every class's journal, R14)."""
    require_staff(actor)
    sql = "SELECT c.id, c.grade, c.letter, c.homeroom_id FROM school_class c WHERE c.year_id = ?"
    params: tuple = (year_id,)
    if not actor.is_admin:
        sql += (
            " AND (c.homeroom_id = ? OR c.id IN "
            "(SELECT k.school_class_id FROM course k WHERE k.teacher_id = ?))"
        )
        params = (year_id, actor.user_id, actor.user_id)
    out = [
        ClassChoice(cid, f"{grade}{letter}", grade, homeroom == actor.user_id and not actor.is_admin)
        for cid, grade, letter, homeroom in _rows(sql, params)
    ]
    out.sort(key=lambda c: (not c.mine, c.grade, c.name))
    return out


# --- the exported report, as the duties dashboard finds it ---------------------------------------


def report_target(class_id: int, scope: str, path: str = "") -> str:
    """The audit `target` of an exported class report: class and scope first, then the file."""
    return f"class={class_id};scope={scope};{path}"


def record_report_export(actor: Actor, class_id: int, scope: str, path: str = "") -> None:
    """Record that the class report (the analysis) of a period left the system (152-FZ);
    the duties dashboard stops asking for it then. Exports call this after writing."""
    from models.people.credentials import record_export

    record_export(actor, "class_report", report_target(class_id, scope, path))
