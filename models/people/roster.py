"""The class list and its history: arrivals, edits, transfers, departures, the monthly check
(R1, R5, R11). Nothing a pupil did is deleted when they leave: enrollment rows get an end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.core import audit, clock
from models.core.access import Actor, require_class_keeper, require_staff
from models.core.errors import ValidationError
from models.core.locks import take_turn
from models.core.lookup import get_or_refuse, refuse_while_used
from models.core.schema import (
    Absence,
    Consent,
    Course,
    Enrollment,
    FinalMark,
    Lesson,
    Mark,
    SchoolClass,
    Student,
    StudentGuardian,
    SubgroupMember,
    User,
)
from models.core.service import reading, service
from models.core.validation import (
    check_birth_date,
    clean_email,
    clean_name,
    clean_phone,
    clean_sex,
    clean_text,
    parse_date,
)

STUDENT_FIELDS = (
    "surname",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "address",
    "phone",
    "email",
    "notes",
)
FIELD_LABELS = {
    "surname": "Фамилия",
    "first_name": "Имя",
    "patronymic": "Отчество",
    "birth_date": "Дата рождения",
    "sex": "Пол",
    "address": "Адрес",
    "phone": "Телефон",
    "email": "Эл. почта",
    "notes": "Примечания",
}


@dataclass(frozen=True)
class StudentInfo:
    id: int
    surname: str
    first_name: str
    patronymic: str
    birth_date: dt.date | None
    sex: str
    address: str
    phone: str
    email: str
    notes: str
    verified_on: dt.date | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)

    @property
    def short_name(self) -> str:
        return f"{self.surname} {self.first_name}"


@dataclass(frozen=True)
class EnrollmentInfo:
    id: int
    class_id: int
    class_name: str
    start: dt.date
    end: dt.date | None
    arrived_from: str
    left_to: str
    end_reason: str


@dataclass(frozen=True)
class Change:
    """What a save changed, field by field, for the screen to show."""

    student: StudentInfo
    old: dict
    new: dict


def student_info(s: Student) -> StudentInfo:
    return StudentInfo(
        s.id,
        s.surname,
        s.first_name,
        s.patronymic,
        s.birth_date,
        s.sex,
        s.address,
        s.phone,
        s.email,
        s.notes,
        s.verified_on,
    )


def clean_student(data: dict) -> dict:
    """Validate a pupil card; unknown keys are refused rather than ignored."""
    unknown = set(data) - set(STUDENT_FIELDS)
    if unknown:
        raise ValidationError(f"Неизвестные поля карточки: {', '.join(sorted(unknown))}")
    out: dict = {}
    for key, value in data.items():
        if key in ("surname", "first_name"):
            out[key] = clean_name(value, FIELD_LABELS[key])
        elif key == "patronymic":
            out[key] = clean_name(value, FIELD_LABELS[key], required=False)
        elif key == "birth_date":
            out[key] = check_birth_date(value)
        elif key == "sex":
            out[key] = clean_sex(value)
        elif key == "phone":
            out[key] = clean_phone(value)
        elif key == "email":
            out[key] = clean_email(value)
        else:
            out[key] = clean_text(value)
    return out


def get_student(student_id: int) -> Student:
    return get_or_refuse(Student, student_id)


def current_enrollment(student_id: int, on: dt.date) -> Enrollment | None:
    return (
        Enrollment.select()
        .where(
            (Enrollment.student == student_id)
            & (Enrollment.start <= on)
            & (Enrollment.end.is_null() | (Enrollment.end >= on))
        )
        .order_by(Enrollment.start.desc())
        .first()
    )


def latest_enrollments(student_ids: list[int]) -> dict[int, Enrollment]:
    """Each pupil's latest enrollment (their current class, or the last one they left)."""
    latest: dict[int, Enrollment] = {}
    if not student_ids:
        return latest
    for e in (
        Enrollment.select(Enrollment, SchoolClass)
        .join(SchoolClass)
        .where(Enrollment.student.in_(student_ids))
        .order_by(Enrollment.start)
    ):
        latest[e.student_id] = e
    return latest


def latest_class_names(student_ids: list[int]) -> dict[int, str]:
    return {sid: e.school_class.name for sid, e in latest_enrollments(student_ids).items()}


def _class_year_bounds(school_class: SchoolClass) -> tuple[dt.date, dt.date]:
    year = school_class.year
    return year.start, year.end


def _check_in_year(day: dt.date, school_class: SchoolClass) -> None:
    start, end = _class_year_bounds(school_class)
    if not start <= day <= end:
        raise ValidationError(
            f"Дата {day:%d.%m.%Y} вне учебного года класса {school_class.name} "
            f"({start:%d.%m.%Y} – {end:%d.%m.%Y})."
        )


@service
def add_student(
    actor: Actor, class_id: int, data: dict, start: object = None, arrived_from: str = ""
) -> StudentInfo:
    """A pupil joins a class from `start` (default today): a new card and an enrollment."""
    school_class = get_or_refuse(SchoolClass, class_id)
    require_class_keeper(actor, class_id)
    card = clean_student(data)
    if "surname" not in card or "first_name" not in card:
        raise ValidationError("Укажите фамилию и имя учащегося.")
    day = parse_date(start, "Дата прибытия") or clock.today()
    _check_in_year(day, school_class)
    student = Student.create(**card)
    Enrollment.create(
        student=student, school_class=class_id, start=day, arrived_from=clean_text(arrived_from)
    )
    audit.record(
        actor,
        "student.add",
        "student",
        student.id,
        new={**card, "class": school_class.name, "start": day},
    )
    return student_info(student)


def _keeper_of_student(actor: Actor, student_id: int, on: dt.date | None = None) -> Enrollment | None:
    """The pupil's enrollment on `on` (default: their latest); its class's keeper may act."""
    enrollment = current_enrollment(student_id, on or clock.today()) or (
        Enrollment.select().where(Enrollment.student == student_id).order_by(Enrollment.start.desc()).first()
    )
    if enrollment is None:
        require_staff(actor)
        if not actor.is_admin:
            from models.core.access import deny

            raise deny("Учащийся не числится ни в одном классе: изменить его может администратор.")
        return None
    require_class_keeper(actor, enrollment.school_class_id)
    return enrollment


@service
def update_student(actor: Actor, student_id: int, data: dict) -> Change:
    """Save a pupil card; returns exactly what changed (nothing written when nothing did)."""
    student = get_student(student_id)
    _keeper_of_student(actor, student_id)
    card = clean_student(data)
    before = {k: getattr(student, k) for k in card}
    old, new = audit.changes(before, card)
    if new:
        Student.update(**new).where(Student.id == student_id).execute()
        audit.record(actor, "student.update", "student", student_id, old, new)
    return Change(student_info(get_student(student_id)), old, new)


def _open_enrollment(actor: Actor, student_id: int, day: dt.date, what: str) -> Enrollment:
    """The pupil's latest enrollment, which a transfer or departure on `day` closes.

    A pupil's history is one sequence of enrollments without overlaps: only its last one may
    be closed, by the keeper of that (current) class or the admin, and only on a day after it
    began. A back-dated move by a former class's teacher is refused, whatever the order of
    operations.
    """
    take_turn("history", student_id)  # one change of a pupil's history at a time
    enrollment = (
        Enrollment.select().where(Enrollment.student == student_id).order_by(Enrollment.start.desc()).first()
    )
    if enrollment is None:
        raise ValidationError("Учащийся не числится ни в одном классе.")
    require_class_keeper(actor, enrollment.school_class_id)
    name = enrollment.school_class.name
    if enrollment.end is not None and enrollment.end < day:
        raise ValidationError(
            f"На {day:%d.%m.%Y} учащийся не числится ни в одном классе: выбыл из {name} "
            f"{enrollment.end:%d.%m.%Y}."
        )
    if enrollment.end is not None:
        raise ValidationError(f"Выбытие из {name} уже оформлено ({enrollment.end:%d.%m.%Y}).")
    if day < enrollment.start:
        raise ValidationError(
            f"Дата {what} {day:%d.%m.%Y} раньше прибытия в {name} ({enrollment.start:%d.%m.%Y})."
        )
    return enrollment


@service
def transfer_student(actor: Actor, student_id: int, to_class_id: int, on: object) -> EnrollmentInfo:
    """Move a pupil to another class of the school from `on`; marks stay where they were given."""
    get_student(student_id)
    day = parse_date(on, "Дата перевода")
    if day is None:
        raise ValidationError("Укажите дату перевода.")
    enrollment = _open_enrollment(actor, student_id, day, "перевода")
    target = get_or_refuse(SchoolClass, to_class_id)
    if target.id == enrollment.school_class_id:
        raise ValidationError("Учащийся уже в этом классе.")
    if target.year_id != enrollment.school_class.year_id:
        raise ValidationError("Перевести можно только в класс того же учебного года.")
    _check_in_year(day, target)
    if day <= enrollment.start:
        raise ValidationError(
            f"Дата перевода должна быть позже прибытия в класс ({enrollment.start:%d.%m.%Y})."
        )
    Enrollment.update(end=day - dt.timedelta(days=1), end_reason="transfer", left_to=target.name).where(
        Enrollment.id == enrollment.id
    ).execute()
    new = Enrollment.create(
        student=student_id,
        school_class=target.id,
        start=day,
        arrived_from=enrollment.school_class.name,
    )
    audit.record(
        actor,
        "student.transfer",
        "student",
        student_id,
        {"class": enrollment.school_class.name},
        {"class": target.name, "on": day},
    )
    return enrollment_info(new)


@reading
def entries_after(actor: Actor, student_id: int, class_id: int, day: dt.date) -> tuple[int, int]:
    """(marks, absences) the pupil has in the class's lessons after `day`: what a departure or a
    transfer dated `day` puts outside the pupil's time in the class (the grid shows those cells
    as «·»), for the confirmation to say before anything is written."""
    require_class_keeper(actor, class_id)
    lessons = (
        Lesson.select(Lesson.id).join(Course).where((Course.school_class == class_id) & (Lesson.date > day))
    )
    marks = Mark.select().where((Mark.student == student_id) & Mark.lesson.in_(lessons)).count()
    absences = Absence.select().where((Absence.student == student_id) & Absence.lesson.in_(lessons)).count()
    return marks, absences


@service
def leave_student(actor: Actor, student_id: int, on: object, left_to: str = "") -> EnrollmentInfo:
    """The pupil leaves the school after `on` (the last day). Marks and history are kept."""
    get_student(student_id)
    day = parse_date(on, "Дата выбытия")
    if day is None:
        raise ValidationError("Укажите дату выбытия.")
    enrollment = _open_enrollment(actor, student_id, day, "выбытия")
    if day < enrollment.start:
        raise ValidationError("Дата выбытия раньше даты прибытия.")
    Enrollment.update(end=day, end_reason="departure", left_to=clean_text(left_to)).where(
        Enrollment.id == enrollment.id
    ).execute()
    audit.record(actor, "student.leave", "student", student_id, None, {"on": day, "to": left_to})
    return enrollment_info(Enrollment.get_by_id(enrollment.id))


@service
def remove_student(actor: Actor, student_id: int) -> None:
    """Delete a pupil added by mistake: refused once any mark, absence, final mark or login exists."""
    student = get_student(student_id)
    _keeper_of_student(actor, student_id)
    refuse_while_used(
        {
            "отметки": Mark.select().where(Mark.student == student_id),
            "пропуски": Absence.select().where(Absence.student == student_id),
            "итоговые отметки": FinalMark.select().where(FinalMark.student == student_id),
            "вход в дневник": User.select().where(User.student == student_id),
            "согласия": Consent.select().where(Consent.student == student_id),
        },
        lambda used: f"Удалить нельзя: у учащегося уже есть {used}. Оформите выбытие с датой.",
    )
    card = student_info(student)
    SubgroupMember.delete().where(SubgroupMember.student == student_id).execute()
    StudentGuardian.delete().where(StudentGuardian.student == student_id).execute()
    Enrollment.delete().where(Enrollment.student == student_id).execute()
    Student.delete().where(Student.id == student_id).execute()
    audit.record(actor, "student.remove", "student", student_id, old={"name": card.full_name})


@service
def verify_student(actor: Actor, student_id: int, on: dt.date | None = None) -> StudentInfo:
    """The monthly check (R11): the card and the pupil's guardians are verified as of today."""
    get_student(student_id)
    _keeper_of_student(actor, student_id)
    day = on or clock.today()
    from models.core.schema import Guardian

    Student.update(verified_on=day).where(Student.id == student_id).execute()
    guardian_ids = [
        g.guardian_id for g in StudentGuardian.select().where(StudentGuardian.student == student_id)
    ]
    if guardian_ids:
        Guardian.update(verified_on=day).where(Guardian.id.in_(guardian_ids)).execute()
    audit.record(actor, "student.verify", "student", student_id, None, {"on": day, "guardians": guardian_ids})
    return student_info(get_student(student_id))


# --- reads -------------------------------------------------------------------------------------


def enrollment_info(e: Enrollment) -> EnrollmentInfo:
    return EnrollmentInfo(
        e.id,
        e.school_class_id,
        e.school_class.name,
        e.start,
        e.end,
        e.arrived_from,
        e.left_to,
        e.end_reason,
    )


@dataclass(frozen=True)
class RosterRow:
    student: StudentInfo
    start: dt.date
    end: dt.date | None

    def present_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@reading
def class_roster(actor: Actor, class_id: int, start: dt.date, end: dt.date) -> list[RosterRow]:
    """Every pupil enrolled in the class at any time in [start, end], by surname (one query)."""
    require_staff(actor)
    get_or_refuse(SchoolClass, class_id)
    query = (
        Enrollment.select(Enrollment, Student)
        .join(Student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= end)
            & (Enrollment.end.is_null() | (Enrollment.end >= start))
        )
        .order_by(Student.surname, Student.first_name, Student.patronymic)
    )
    return [RosterRow(student_info(e.student), e.start, e.end) for e in query]


@reading
def student_history(actor: Actor, student_id: int) -> list[EnrollmentInfo]:
    require_staff(actor)
    get_or_refuse(Student, student_id)
    query = (
        Enrollment.select(Enrollment, SchoolClass)
        .join(SchoolClass)
        .where(Enrollment.student == student_id)
        .order_by(Enrollment.start)
    )
    return [enrollment_info(e) for e in query]
