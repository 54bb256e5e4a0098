"""The duties dashboard: what the regulation expects of a user now (DOMAIN.md, the obligations
table), each duty with its count and the journal's section where it is done.

A homeroom teacher, per class they keep: lessons of today and the previous school day with
nothing entered, the weekly excuse pass, profiles overdue for the monthly check, missing
consents, pupils and guardians without a diary login, subjects split into subgroups with
pupils not placed for the current period, subject teachers behind (models.reports.control), the
last period over without its analysis exported (an "export.class_report" audit entry).
A subject teacher: their lessons today (from the timetable) and their own gaps.
An administrator: the school's set-up, step by step, until the journal can be kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from models.core import clock
from models.core.access import Actor, require_staff
from models.core.db import tuples
from models.core.schema import (
    Absence,
    AuditEntry,
    Consent,
    Course,
    Enrollment,
    Lesson,
    Mark,
    Period,
    SchoolClass,
    Student,
    StudentGuardian,
    Subgroup,
    SubgroupMember,
    Subject,
    TimetableEntry,
    User,
)
from models.core.service import reading
from models.core.settings import load as load_settings
from models.journal.attendance import excuse_pass_due, school_day
from models.people.credentials import class_credentials
from models.reports.analysis import EXPORT_ACTION, report_target
from models.reports.control import control_report, teacher_control
from models.reports.paper import CARD_ACTION, DIARY_ACTION, exported_since, paper_pupils
from models.school.calendar import current_year_id, periods_for_grade_query
from models.school.classes import ClassInfo, classes_kept_by

# duty kinds → the section (tui/registry.py) where the duty is done
SECTIONS = {
    "entries": "attendance",
    "excuses": "attendance",
    "verify": "roster",
    "consents": "roster",
    "credentials": "credentials",
    "subgroups": "subgroups",
    "teachers": "analysis",
    "analysis": "analysis",
    "paper_week": "exports",
    "paper_term": "exports",
    "own_not_closed": "journal",
    "own_no_marks": "journal",
    "own_no_topic": "journal",
    "own_finals": "journal",
}
HOMEROOM_KINDS = (
    "entries",
    "excuses",
    "verify",
    "consents",
    "credentials",
    "subgroups",
    "teachers",
    "analysis",
    "paper_week",
    "paper_term",
)
TEACHER_KINDS = ("own_not_closed", "own_no_marks", "own_no_topic", "own_finals")


@dataclass(frozen=True)
class Duty:
    kind: str
    count: int
    section: str
    class_id: int | None = None
    class_name: str = ""
    pupils: int = 0  # where a duty counts pupils and guardians apart
    guardians: int = 0
    period: str = ""  # the period concerned, where there is one

    @property
    def due(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class TodayLesson:
    number: int
    class_name: str
    subject: str
    subgroup: str
    held: bool  # the lesson is in the journal already
    closed: bool = False  # topic, homework or «без д/з», attendance (models.journal.plan)


# the administrator's set-up, in the order it can be done: each step needs the ones before
SETUP_STEPS = ("year", "classes", "subjects", "staff", "load", "timetable", "lessons")


@dataclass(frozen=True)
class SetupStep:
    kind: str  # one of SETUP_STEPS
    count: int  # what there is of it in the current year (periods, classes, … lessons)

    @property
    def done(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Dashboard:
    duties: tuple[Duty, ...]
    lessons_today: tuple[TodayLesson, ...]
    setup: tuple[SetupStep, ...] = ()  # the administrator's; empty for everyone else

    @property
    def setup_pending(self) -> bool:
        return any(not step.done for step in self.setup)

    @property
    def due(self) -> tuple[Duty, ...]:
        return tuple(d for d in self.duties if d.due)


def _current_pupils(class_id: int, today: dt.date):
    return Enrollment.select(Enrollment.student).where(
        (Enrollment.school_class == class_id)
        & (Enrollment.start <= today)
        & (Enrollment.end.is_null() | (Enrollment.end >= today))
    )


def _periods(school_class: ClassInfo) -> list[Period]:
    return list(periods_for_grade_query(school_class.year_id, school_class.grade))


def control_range(periods: list[Period], today: dt.date, late_days: int) -> tuple[dt.date, dt.date]:
    """The span the duties check teachers over: from the start of the last period over (its
    final marks) or the current one, to the last day whose entries are due by now."""
    ended = [p for p in periods if p.end < today]
    running = [p for p in periods if p.start <= today <= p.end]
    start = ended[-1].start if ended else (running[0].start if running else today)
    return start, today - dt.timedelta(days=late_days + 1)


def empty_lessons(class_id: int, days: list[dt.date]) -> int:
    """Lessons of the class on these days with nothing entered: no topic, mark or absence."""
    has_mark = Mark.select(Mark.id).where(Mark.lesson == Lesson.id)
    has_absence = Absence.select(Absence.id).where(Absence.lesson == Lesson.id)
    return (
        Lesson.select(Lesson.id)
        .join(Course)
        .where(
            (Course.school_class == class_id)
            & Lesson.date.in_(days)
            & (Lesson.topic == "")
            & ~fn.EXISTS(has_mark)
            & ~fn.EXISTS(has_absence)
        )
        .count()
    )


def overdue_profiles(class_id: int, today: dt.date, overdue_days: int) -> int:
    """Current pupils whose card was not checked within `overdue_days` (R11)."""
    limit = today - dt.timedelta(days=overdue_days)
    return (
        Student.select(Student.id)
        .where(
            Student.id.in_(_current_pupils(class_id, today))
            & (Student.verified_on.is_null() | (Student.verified_on < limit))
        )
        .count()
    )


def missing_consents(class_id: int, today: dt.date) -> tuple[int, int]:
    """Current pupils without a consent in force, and their guardians who gave none (R4)."""
    in_force = (Consent.given_on <= today) & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > today))
    pupils = _current_pupils(class_id, today)
    covered_pupils = Consent.select(Consent.student).where(in_force)
    covered_guardians = Consent.select(Consent.guardian).where(in_force & Consent.guardian.is_null(False))
    without_pupil = (
        Student.select(Student.id).where(Student.id.in_(pupils) & Student.id.not_in(covered_pupils)).count()
    )
    without_guardian = (
        StudentGuardian.select(fn.COUNT(StudentGuardian.guardian.distinct()))
        .where(StudentGuardian.student.in_(pupils) & StudentGuardian.guardian.not_in(covered_guardians))
        .scalar()
    )
    return without_pupil, int(without_guardian or 0)


def missing_credentials(actor: Actor, class_id: int) -> tuple[int, int]:
    """Pupils and guardians (who may get one) without a working diary login (R2)."""
    pupils = guardians = 0
    for row in class_credentials(actor, class_id):
        if row.may_receive and (row.login is None or not row.has_password):
            if row.guardian_id is None:
                pupils += 1
            else:
                guardians += 1
    return pupils, guardians


def unsplit_subjects(class_id: int, period: Period | None, today: dt.date) -> int:
    """Subjects of the class split into subgroups where some current pupil is in none of
    them for the period (R15)."""
    if period is None:
        return 0
    on = max(period.start, min(today, period.end))
    pupils = {sid for (sid,) in tuples(_current_pupils(class_id, on))}
    if not pupils:
        return 0
    groups: dict[int, set[int]] = {}
    for subject_id, group_id in tuples(
        Subgroup.select(Subgroup.subject, Subgroup.id).where(Subgroup.school_class == class_id)
    ):
        groups.setdefault(subject_id, set()).add(group_id)
    if not groups:
        return 0
    placed: dict[int, set[int]] = {}
    for subject_id, sid in tuples(
        SubgroupMember.select(Subgroup.subject, SubgroupMember.student)
        .join(Subgroup)
        .where((Subgroup.school_class == class_id) & (SubgroupMember.period == period.id))
    ):
        placed.setdefault(subject_id, set()).add(sid)
    return sum(1 for subject_id in groups if not pupils <= placed.get(subject_id, set()))


def analysis_exported(class_id: int, scope: str) -> bool:
    """Whether the class report of the scope was exported (an audited export)."""
    target = report_target(class_id, scope)
    return (
        AuditEntry.select(AuditEntry.id)
        .where((AuditEntry.action == EXPORT_ACTION) & AuditEntry.new.contains(target))
        .exists()
    )


def homeroom_duties(actor: Actor, school_class: ClassInfo, today: dt.date) -> list[Duty]:
    settings = load_settings()
    periods = _periods(school_class)
    cid, name = school_class.id, school_class.name

    def duty(kind: str, count: int, **extra) -> Duty:
        return Duty(kind, count, SECTIONS[kind], cid, name, **extra)

    day = school_day(today)  # a Sunday looks back at Saturday
    out = [duty("entries", empty_lessons(cid, [school_day(day, -1), day]))]
    out.append(duty("excuses", excuse_pass_due(actor, cid)))
    out.append(duty("verify", overdue_profiles(cid, today, settings.verify_overdue_days)))
    pupils, guardians = missing_consents(cid, today)
    out.append(duty("consents", pupils + guardians, pupils=pupils, guardians=guardians))
    pupils, guardians = missing_credentials(actor, cid)
    out.append(duty("credentials", pupils + guardians, pupils=pupils, guardians=guardians))
    current = next((p for p in periods if p.start <= today <= p.end), None) or next(
        (p for p in periods if p.start > today), None
    )
    out.append(
        duty(
            "subgroups",
            unsplit_subjects(cid, current, today),
            period=current.name if current else "",
        )
    )
    start, until = control_range(periods, today, settings.late_entry_days)
    behind = 0
    if periods:
        rows = control_report(actor, cid, start, max(until, start))
        behind = sum(1 for r in rows if r.without_marks or r.without_topic or r.finals_missing)
    out.append(duty("teachers", behind))
    ended = [p for p in periods if p.end < today]
    last = ended[-1] if ended else None
    missing = 0 if last is None or analysis_exported(cid, f"P{last.id}") else 1
    out.append(duty("analysis", missing, period=last.name if last else ""))
    out.extend(paper_duties(cid, name, last, today, settings.paper_policy))
    return out


def paper_duties(class_id: int, name: str, last: Period | None, today: dt.date, policy: str) -> list[Duty]:
    """R8 and R10 by the school's paper policy (models.reports.paper): the week's diary
    extracts of the paper pupils until a class extract left this week; the report cards of the
    last period over until they did. A policy of none asks for neither."""
    pupils = len(paper_pupils(class_id, today, policy))
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time())
    week = 0 if not pupils or exported_since(DIARY_ACTION, class_id, monday) else pupils
    term = 0
    if pupils and last is not None:
        since = dt.datetime.combine(last.start, dt.time())
        term = 0 if exported_since(CARD_ACTION, class_id, since, f"P{last.id}") else pupils
    return [
        Duty("paper_week", week, SECTIONS["paper_week"], class_id, name),
        Duty("paper_term", term, SECTIONS["paper_term"], class_id, name, period=last.name if last else ""),
    ]


def lessons_today(actor: Actor, today: dt.date) -> list[TodayLesson]:
    """The user's lessons today by the timetable, with whether each is in the journal yet."""
    if today.weekday() == 6:
        return []
    held = {
        (course_id, number): closed_at is not None
        for course_id, number, closed_at in tuples(
            Lesson.select(Lesson.course, Lesson.number, Lesson.closed_at)
            .join(Course)
            .where((Course.teacher == actor.user_id) & (Lesson.date == today))
        )
    }
    year_id = current_year_id()
    rows = tuples(
        TimetableEntry.select(
            TimetableEntry.number,
            TimetableEntry.course,
            SchoolClass.grade,
            SchoolClass.letter,
            Subject.name,
            Subgroup.name,
        )
        .join(Course)
        .join(SchoolClass)
        .switch(Course)
        .join(Subject)
        .switch(Course)
        .join(Subgroup, JOIN.LEFT_OUTER)
        .where(
            (Course.teacher == actor.user_id)
            & (SchoolClass.year == year_id)
            & (TimetableEntry.weekday == today.isoweekday())
            & (TimetableEntry.valid_from <= today)
            & (TimetableEntry.valid_to.is_null() | (TimetableEntry.valid_to >= today))
        )
        .order_by(TimetableEntry.number)
    )
    return [
        TodayLesson(
            number,
            f"{grade}{letter}",
            subject,
            subgroup or "",
            (course_id, number) in held,
            held.get((course_id, number), False),
        )
        for number, course_id, grade, letter, subject, subgroup in rows
    ]


def teacher_duties(actor: Actor, today: dt.date) -> list[Duty]:
    """The user's own gaps in the courses they teach."""
    settings = load_settings()
    year_id = current_year_id()
    if year_id is None or not Course.select().where(Course.teacher == actor.user_id).exists():
        return []
    periods = list(Period.select().where(Period.year == year_id).order_by(Period.start))
    start, until = control_range(periods, today, settings.late_entry_days)
    rows = teacher_control(actor, start, max(until, start)) if periods else []
    today_lessons = lessons_today(actor, today)
    return [
        Duty(
            "own_not_closed",
            sum(1 for lesson in today_lessons if not lesson.closed),
            SECTIONS["own_not_closed"],
        ),
        Duty("own_no_marks", sum(r.without_marks for r in rows), SECTIONS["own_no_marks"]),
        Duty("own_no_topic", sum(r.without_topic for r in rows), SECTIONS["own_no_topic"]),
        Duty("own_finals", sum(r.finals_missing for r in rows), SECTIONS["own_finals"]),
    ]


@reading
def dashboard(actor: Actor) -> Dashboard:
    """The user's duties now: their classes' (homeroom teacher) and their own (staff); the
    school's set-up (administrator)."""
    require_staff(actor)
    today = clock.today()
    duties: list[Duty] = []
    if actor.is_admin:
        return Dashboard((), tuple(lessons_today(actor, today)), setup_steps())
    for school_class in classes_kept_by(actor):
        duties.extend(homeroom_duties(actor, school_class, today))
    duties.extend(teacher_duties(actor, today))
    return Dashboard(tuple(duties), tuple(lessons_today(actor, today)))


def setup_steps() -> tuple[SetupStep, ...]:
    """How far the school is set up for the current year (seven counts, one query each)."""
    year_id = current_year_id()
    if year_id is None:
        return tuple(SetupStep(kind, 0) for kind in SETUP_STEPS)
    courses = Course.select(Course.id).join(SchoolClass).where(SchoolClass.year == year_id)
    counts = {
        "year": Period.select().where(Period.year == year_id).count(),
        "classes": SchoolClass.select().where(SchoolClass.year == year_id).count(),
        "subjects": Subject.select().count(),
        "staff": User.select().where((User.role == "teacher") & User.active).count(),
        "load": courses.count(),
        "timetable": TimetableEntry.select().where(TimetableEntry.course.in_(courses)).count(),
        "lessons": Lesson.select().where(Lesson.course.in_(courses)).count(),
    }
    return tuple(SetupStep(kind, counts[kind]) for kind in SETUP_STEPS)
