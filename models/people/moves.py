"""A pupil moving to another school of the district (issue 20, point 2).

The sending school's class keeper (the homeroom teacher or an admin) moves the pupil: the
pupil leaves the class on the day before `on` (the history stays in the sending school), and
the receiving school gets the pupil's card, guardians and the marks of the current period
(CarriedMark), with where the pupil came from (Arrival). The receiving school enrols the pupil
into a class; from then on the period's marks brought along count there as marks brought from
another class do (PERIOD_RULE): in the grid's averages and suggestion, and in the analysis,
in the subject of the same name. The sending school sees nothing of the receiving one after,
nor the other way round: each reads only its own rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from models.core import audit, tenancy
from models.core.access import Actor, require_class_keeper, require_staff
from models.core.errors import NotFound, ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Arrival,
    CarriedFinal,
    CarriedMark,
    Course,
    Enrollment,
    FinalMark,
    Guardian,
    Lesson,
    Mark,
    School,
    SchoolClass,
    Student,
    StudentGuardian,
    Subject,
    WorkType,
)
from models.core.service import reading, service
from models.core.validation import parse_date
from models.journal.corrections import period_of
from models.people.guardians import GUARDIAN_FIELDS
from models.people.roster import leave_student, student_info
from models.school.lessons import _class_periods

STUDENT_FIELDS = ("surname", "first_name", "patronymic", "birth_date", "sex", "address", "phone", "email")


@dataclass(frozen=True)
class ArrivalInfo:
    id: int
    student_id: int
    name: str
    from_school: str
    from_class: str
    left_on: dt.date
    enrolled_on: dt.date | None
    marks: int  # marks of the period brought along
    finals: int = 0  # final marks of the year's earlier periods brought along


@dataclass(frozen=True)
class MoveResult:
    arrival_id: int  # in the receiving school
    school: str
    marks: int


def _current_class(student_id: int, day: dt.date) -> Enrollment:
    enrollment = (
        Enrollment.select()
        .where(
            (Enrollment.student == student_id)
            & (Enrollment.start <= day)
            & (Enrollment.end.is_null() | (Enrollment.end >= day))
        )
        .first()
    )
    if enrollment is None:
        raise ValidationError(f"На {day:%d.%m.%Y} учащийся не числится ни в одном классе школы.")
    return enrollment


def _period_marks(student_id: int, start: dt.date, until: dt.date) -> list[dict]:
    """The pupil's marks given from `start` to `until` (any class of the school), as they
    travel: subject by name, day, value, weight ×100, work type by name."""
    types = list(WorkType.select())
    weights = {w.id: (w.name, int(w.weight * 100)) for w in types}
    default = next((w for w in types if w.is_default), None)
    fallback = (default.name, int(default.weight * 100)) if default else ("", 100)
    rows = (
        Mark.select(Subject.name, Lesson.date, Mark.value, Mark.work_type, Lesson.work_type)
        .join(Lesson)
        .join(Course)
        .join(Subject)
        .where((Mark.student == student_id) & (Lesson.date >= start) & (Lesson.date <= until))
        .order_by(Lesson.date, Mark.id)
        .tuples()
    )
    out = []
    for subject, day, value, own_type, lesson_type in rows:
        name, weight = weights.get(own_type or lesson_type, fallback)
        out.append({"subject": subject, "date": day, "value": value, "weight": weight, "work_type": name})
    return out


@service
def move_to_school(actor: Actor, student_id: int, school_id: int, on: object) -> MoveResult:
    """The pupil goes to another school of the district from `on` (the first day there)."""
    student = get_or_refuse(Student, student_id)
    day = parse_date(on, "Дата перехода")
    if day is None:
        raise ValidationError("Укажите дату перехода в другую школу.")
    with tenancy.district():
        target = School.get_or_none(School.id == school_id)
    if target is None or target.id == tenancy.current():
        raise NotFound("Такой другой школы в районе нет.")
    last_day = day - dt.timedelta(days=1)
    enrollment = _current_class(student_id, last_day)
    require_class_keeper(actor, enrollment.school_class_id)
    school_class = enrollment.school_class
    period = period_of(school_class, last_day)
    marks = _period_marks(student_id, period.start, last_day) if period else []
    finals = _year_finals(student_id, school_class)
    guardians = [
        (link.relation, {f: getattr(link.guardian, f) for f in GUARDIAN_FIELDS})
        for link in StudentGuardian.select(StudentGuardian, Guardian)
        .join(Guardian)
        .where(StudentGuardian.student == student_id)
    ]
    card = {f: getattr(student, f) for f in STUDENT_FIELDS}
    source = tenancy.current()
    leave_student(actor, student_id, last_day, left_to=target.name)
    with tenancy.within(target.id):
        arrival = _receive(card, guardians, (marks, finals), source, student_id, school_class.name, last_day)
        audit.record(
            actor,
            "student.move_in",
            "student",
            arrival.student_id,
            None,
            {
                "from_school": source,
                "from_class": school_class.name,
                "marks": len(marks),
                "finals": len(finals),
            },
        )
    audit.record(actor, "student.move_out", "student", student_id, None, {"to_school": target.id, "on": day})
    return MoveResult(arrival.id, target.name, len(marks))


def _year_finals(student_id: int, school_class: SchoolClass) -> list[dict]:
    """The pupil's final marks of the year's periods in the sending school, each with its
    period's place in the year (the receiving school puts them in its period of that place)."""
    periods = _class_periods(school_class)
    place = {p.id: number for number, p in enumerate(periods, start=1)}
    names = {p.id: p.name for p in periods}
    return [
        {
            "subject": subject,
            "period_number": place[period_id],
            "periods_in_year": len(periods),
            "period_name": names[period_id],
            "value": value,
        }
        for period_id, subject, value in FinalMark.select(FinalMark.period, Subject.name, FinalMark.value)
        .join(Subject)
        .where((FinalMark.student == student_id) & FinalMark.period.in_(list(place)))
        .tuples()
    ]


def _receive(
    card: dict,
    guardians: list[tuple[str, dict]],
    brought: tuple[list[dict], list[dict]],
    source: int,
    source_id: int,
    class_name: str,
    left_on: dt.date,
) -> Arrival:
    """In the receiving school (in scope): the pupil's card, guardians, the period's marks
    and the year's finals (`brought`), and the arrival."""
    student = Student.create(**card)
    for relation, fields in guardians:
        guardian = Guardian.create(**fields)
        StudentGuardian.create(student=student.id, guardian=guardian.id, relation=relation)
    marks, finals = brought
    if marks:
        CarriedMark.insert_many([{**m, "student": student.id} for m in marks]).execute()
    if finals:
        CarriedFinal.insert_many([{**f, "student": student.id} for f in finals]).execute()
    return Arrival.create(
        student=student.id,
        from_school=source,
        from_student_id=source_id,
        from_class=class_name,
        left_on=left_on,
    )


@reading
def arrivals(actor: Actor) -> list[ArrivalInfo]:
    """The pupils who came from other schools of the district, newest first (staff)."""
    require_staff(actor)
    counts, finals = (
        dict(model.select(model.student, fn.COUNT(model.id)).group_by(model.student).tuples())
        for model in (CarriedMark, CarriedFinal)
    )
    with tenancy.district():
        names = dict(School.select(School.id, School.name).tuples())
    out = []
    for a in Arrival.select(Arrival, Student).join(Student).order_by(Arrival.id.desc()):
        name = student_info(a.student).full_name
        out.append(
            ArrivalInfo(
                a.id,
                a.student_id,
                name,
                names.get(a.from_school_id, ""),
                a.from_class,
                a.left_on,
                a.enrolled_on,
                counts.get(a.student_id, 0),
                finals.get(a.student_id, 0),
            )
        )
    return out


def _place_finals(actor: Actor, student_id: int, school_class: SchoolClass) -> int:
    """The finals brought along become this school's, each in the class's period of the same
    place in the year, where the year has as many periods (quarters for quarters) and the
    subject is taught here (subject_key); one already set here stays. How many were placed."""
    periods = _class_periods(school_class)
    subjects = {subject_key(name): sid for sid, name in Subject.select(Subject.id, Subject.name).tuples()}
    placed = 0
    for final in CarriedFinal.select().where(CarriedFinal.student == student_id):
        subject_id = subjects.get(subject_key(final.subject))
        if subject_id is None or final.periods_in_year != len(periods):
            continue  # another subject, or another scheme of periods: not guessed
        period = periods[final.period_number - 1]
        scope = f"P{period.id}"
        given = (
            (FinalMark.student == student_id) & (FinalMark.subject == subject_id) & (FinalMark.scope == scope)
        )
        if FinalMark.select().where(given).exists():
            continue
        FinalMark.create(
            student=student_id,
            subject=subject_id,
            year=school_class.year_id,
            period=period.id,
            scope=scope,
            value=final.value,
            entered_by=actor.user_id,
        )
        placed += 1
    return placed


@service
def enrol_arrival(actor: Actor, arrival_id: int, class_id: int, on: object) -> ArrivalInfo:
    """The receiving school enrols the arrived pupil into a class from `on`."""
    arrival = Arrival.get_or_none(Arrival.id == arrival_id)
    if arrival is None:
        raise NotFound("Такого прибывшего учащегося нет.")
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    day = parse_date(on, "Дата зачисления")
    if day is None or day <= arrival.left_on:
        raise ValidationError(
            f"Дата зачисления — после выбытия из прежней школы ({arrival.left_on:%d.%m.%Y})."
        )
    if arrival.enrolled_on is not None:
        raise ValidationError(f"Учащийся уже зачислен ({arrival.enrolled_on:%d.%m.%Y}).")
    year = school_class.year
    if not year.start <= day <= year.end:
        raise ValidationError(f"Дата зачисления вне учебного года {year.name}.")
    Enrollment.create(student=arrival.student_id, school_class=class_id, start=day)
    Arrival.update(enrolled_on=day).where(Arrival.id == arrival.id).execute()
    placed = _place_finals(actor, arrival.student_id, school_class)
    audit.record(
        actor,
        "student.enrol",
        "student",
        arrival.student_id,
        None,
        {"class": school_class.name, "on": day, "finals": placed},
    )
    return next(a for a in arrivals(actor) if a.id == arrival.id)


def subject_key(name: str) -> str:
    """A subject's name as two schools' may differ in it: case and spaces («Русский язык» and
    «русский  язык» are one subject)."""
    return " ".join(name.split()).casefold()


def carried_marks(
    student_ids: list[int], subject: str, start: dt.date, end: dt.date
) -> dict[int, list[tuple[int, Decimal]]]:
    """The marks brought from another school in `subject` (by name: subject_key) between
    `start` and `end`: (value, weight) per pupil, as the grid weighs a mark brought from
    another class."""
    if not student_ids:
        return {}
    wanted = subject_key(subject)
    out: dict[int, list[tuple[int, Decimal]]] = {}
    for sid, name, value, weight in (
        CarriedMark.select(CarriedMark.student, CarriedMark.subject, CarriedMark.value, CarriedMark.weight)
        .where(CarriedMark.student.in_(student_ids) & (CarriedMark.date >= start) & (CarriedMark.date <= end))
        .tuples()
    ):
        if subject_key(name) == wanted:
            out.setdefault(sid, []).append((value, Decimal(weight) / 100))
    return out


@reading
def other_schools(actor: Actor) -> list[tuple[int, str]]:
    """The district's other schools a pupil may move to: (id, name) in natural order."""
    require_staff(actor)
    from models.school.district import natural_order

    here = tenancy.current()
    with tenancy.district():
        rows = [(sid, name) for sid, name in School.select(School.id, School.name).tuples() if sid != here]
    return sorted(rows, key=lambda row: natural_order(row[1]))
