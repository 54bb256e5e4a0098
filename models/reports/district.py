"""The district's report (issue 20): per school and per grade — успеваемость, качество, СОУ,
средний балл, attendance, parents' activity and the control of teachers — for the N-th
period of each school's current year (or the period running today).

Each school is read within itself (models.core.tenancy.within), with the same computations
its own analysis, activity and control screens use, so a school's line here is what the
school sees; a grade's and the district's figures are computed over all their pupils (one
mark category per pupil, DOMAIN.md), never averaged from the schools' percentages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from models.core import audit, clock, side_by_side, tenancy
from models.core.access import Actor, require_district
from models.core.schema import School, SchoolYear
from models.core.service import reading, service
from models.journal.grading import Indicators, indicators
from models.reports.activity import families_by_class
from models.reports.analysis import ClassAnalysis, mean_mark, year_analyses
from models.reports.control import ClassControl, classes_control
from models.school.district import natural_order

ALL_GRADES = 0  # a school's (or the district's) line over every grade
DISTRICT_NAME = "Район"


@dataclass(frozen=True)
class DistrictRow:
    """One school's grade (grade ALL_GRADES: the whole school; school DISTRICT_NAME: the
    district)."""

    school_id: int | None  # None: the district
    school: str
    grade: int
    classes: int
    indicators: Indicators  # over the pupils counted (N): успеваемость, качество, СОУ, средний балл
    lessons: int  # pupil-lessons of the period up to today
    missed: int  # н + б + у
    unexcused: int
    families: int  # current pupils (a family each)
    families_active: int  # a guardian looked at the diary in the last 30 days
    lessons_held: int  # the classes' lessons held (control of teachers)
    not_closed: int  # not closed on their day
    without_marks: int
    late_marks: int
    marks: int

    @property
    def missed_share(self) -> Decimal | None:
        return Decimal(self.missed) * 100 / self.lessons if self.lessons else None

    @property
    def active_share(self) -> Decimal | None:
        return Decimal(self.families_active) * 100 / self.families if self.families else None

    @property
    def not_closed_share(self) -> Decimal | None:
        return Decimal(self.not_closed) * 100 / self.lessons_held if self.lessons_held else None

    @property
    def late_share(self) -> Decimal | None:
        return Decimal(self.late_marks) * 100 / self.marks if self.marks else None


@dataclass(frozen=True)
class DistrictReport:
    period_number: int | None  # None: each class's period running today
    today: dt.date
    rows: tuple[DistrictRow, ...]  # by school: its grades, then the school; the district last

    @property
    def title(self) -> str:
        return f"{self.period_number}-й период" if self.period_number else "текущий период"


@dataclass
class _Tally:
    """The figures of some classes, added up; indicators over all their pupils."""

    classes: int = 0
    categories: list[str | None] = field(default_factory=list)
    marks_counted: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add_class(self, analysis: ClassAnalysis, families: int, active: int) -> None:
        self.classes += 1
        counted = [p for p in analysis.pupils if not p.departed]
        self.categories += [p.category for p in counted]
        self.marks_counted += [c.mark for p in counted for c in p.subjects.values() if c.mark]
        self._bump(
            lessons=sum(p.lessons for p in counted),
            missed=sum(p.missed for p in counted),
            unexcused=sum(p.unexcused for p in counted),
            families=families,
            families_active=active,
        )

    def add_control(self, control: ClassControl) -> None:
        self._bump(
            lessons_held=control.lessons,
            not_closed=control.not_closed,
            without_marks=control.without_marks,
            late_marks=control.late_marks,
            marks=control.marks,
        )

    def _bump(self, **figures: int) -> None:
        for key, value in figures.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def merge(self, other: _Tally) -> None:
        self.classes += other.classes
        self.categories += other.categories
        self.marks_counted += other.marks_counted
        self._bump(**other.counts)

    def row(self, school_id: int | None, school: str, grade: int) -> DistrictRow:
        whole = indicators(self.categories)
        mean = mean_mark(self.marks_counted)
        c = self.counts
        return DistrictRow(
            school_id,
            school,
            grade,
            self.classes,
            Indicators(**{**whole.__dict__, "mean": mean}),
            *(c.get(k, 0) for k in _COUNTS),
        )


_COUNTS = (
    "lessons",
    "missed",
    "unexcused",
    "families",
    "families_active",
    "lessons_held",
    "not_closed",
    "without_marks",
    "late_marks",
    "marks",
)


def _current_year(today: dt.date) -> int | None:
    """The school's year running today, else its latest."""
    years = list(
        SchoolYear.select(SchoolYear.id, SchoolYear.start, SchoolYear.end).order_by(SchoolYear.start).tuples()
    )
    running = [year_id for year_id, start, end in years if start <= today <= end]
    return running[0] if running else (years[-1][0] if years else None)


def _school_grades(number: int | None, today: dt.date) -> dict[int, _Tally]:
    """One school (in scope): a tally per grade."""
    year_id = _current_year(today)
    if year_id is None:
        return {}
    grades: dict[int, _Tally] = {}
    ranges: dict[tuple[dt.date, dt.date], list[int]] = {}
    grade_of: dict[int, int] = {}
    analyses = year_analyses(year_id, number)
    families = families_by_class([analysis.class_id for analysis in analyses])
    for analysis in analyses:
        grades.setdefault(analysis.grade, _Tally()).add_class(analysis, *families[analysis.class_id])
        ranges.setdefault((analysis.start, analysis.end), []).append(analysis.class_id)
        grade_of[analysis.class_id] = analysis.grade
    for class_id, control in classes_control(ranges).items():
        grades[grade_of[class_id]].add_control(control)
    return grades


def _read_school(school_id: int, number: int | None, today: dt.date) -> dict[int, _Tally]:
    """One school's tallies, read within it (models.core.side_by_side: maybe in a reader
    process)."""
    with tenancy.within(school_id):
        return _school_grades(number, today)


@reading
def district_report(
    actor: Actor, period_number: int | None = None, progress: Callable[[int, int], object] | None = None
) -> DistrictReport:
    """Every school of the district, grade by grade, then the school, then the district
    (the district's administrator, or the command line). `progress(done, of)` after each
    school where they are read one after another (a session's screen)."""
    require_district(actor)
    today = clock.today()
    with tenancy.district():
        schools = sorted(School.select(School.id, School.name).tuples(), key=lambda s: natural_order(s[1]))
    rows: list[DistrictRow] = []
    district = _Tally()
    by_grade: dict[int, _Tally] = {}

    read = functools.partial(_read_school, number=period_number, today=today)
    tallies = side_by_side.each([school_id for school_id, _name in schools], read, progress)
    for (school_id, name), grades in zip(schools, tallies, strict=True):
        whole = _Tally()
        for grade, tally in sorted(grades.items()):
            rows.append(tally.row(school_id, name, grade))
            whole.merge(tally)
            by_grade.setdefault(grade, _Tally()).merge(tally)
        rows.append(whole.row(school_id, name, ALL_GRADES))
        district.merge(whole)
    rows += [tally.row(None, DISTRICT_NAME, grade) for grade, tally in sorted(by_grade.items())]
    rows.append(district.row(None, DISTRICT_NAME, ALL_GRADES))
    return DistrictReport(period_number, today, tuple(rows))


@service
def record_district_export(actor: Actor, title: str, where: str) -> None:
    """The district's report written to a file: who, which, where (the district's audit)."""
    require_district(actor)
    with tenancy.district():
        audit.record(actor, "export.district", "export", None, None, {"report": title, "target": where})
