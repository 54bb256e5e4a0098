"""What the homeroom teacher's roster screens read (R1, R4, R5, R11): the class list with each
pupil's status and flags, the missing-consent list, a pupil's card, the guardian search.

Each read is a few bulk queries; the screens never ask per pupil. Writes stay in
models.people.roster and models.people.guardians.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import JOIN, fn

from models.core import clock
from models.core.access import STUDENT, TEACHER, Actor, deny, require_class_keeper, require_staff
from models.core.errors import NotFound
from models.core.lookup import get_or_refuse
from models.core.schema import (
    Consent,
    Enrollment,
    Guardian,
    SchoolClass,
    SchoolYear,
    Student,
    StudentGuardian,
    User,
)
from models.core.service import reading
from models.core.settings import load as load_settings
from models.people.guardians import (
    ConsentInfo,
    GuardianInfo,
    clean_guardian,
    consent_info,
    foreign_children,
    guardian_info,
)
from models.people.roster import (
    EnrollmentInfo,
    StudentInfo,
    enrollment_info,
    latest_class_names,
    student_info,
)

# a pupil's status in one class, as of a day
STUDYING, ARRIVED, LEFT, TRANSFERRED = "studying", "arrived", "left", "transferred"

SEARCH_LIMIT = 20


def name_key(surname: str, first_name: str, patronymic: str = "") -> tuple[str, str, str]:
    """Sort Russian names the same on every backend (ё with е, case ignored)."""
    return tuple(p.lower().replace("ё", "е") for p in (surname, first_name, patronymic))  # type: ignore[return-value]


def phone_digits(phone: str) -> str:
    """The digits of a phone number; a Russian 8… number written as +7… ."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits


@dataclass(frozen=True)
class ClassListRow:
    """One pupil enrolled in the class at some time of its year, as of the day `on`."""

    student: StudentInfo
    enrollment_id: int
    start: dt.date
    end: dt.date | None
    arrived_from: str
    left_to: str
    status: str  # STUDYING | ARRIVED | LEFT | TRANSFERRED
    current: bool  # still in the class on `on` (or arriving later): the flags apply
    guardian_count: int
    no_consent: bool
    no_guardian: bool
    no_login: bool
    overdue: bool  # card or a guardian not verified for over Settings.verify_overdue_days

    @property
    def status_day(self) -> dt.date | None:
        """The day the status refers to: arrival, the last day, or the first day elsewhere."""
        if self.status == ARRIVED:
            return self.start
        if self.status == LEFT:
            return self.end
        if self.status == TRANSFERRED and self.end is not None:
            return self.end + dt.timedelta(days=1)
        return None

    def status_text(self, date_format: str = "%d.%m.%Y") -> str:
        day = self.status_day
        when = f" {day:{date_format}}" if day else ""
        if self.status == ARRIVED:
            return f"прибыл{when}"
        if self.status == LEFT:
            return f"выбыл{when}"
        if self.status == TRANSFERRED:
            return f"переведён в {self.left_to}{when}"
        return "учится"

    @property
    def needs_attention(self) -> bool:
        return self.no_consent or self.no_guardian or self.no_login or self.overdue


@dataclass(frozen=True)
class MissingConsent:
    student: StudentInfo
    guardians: tuple[GuardianInfo, ...]


@dataclass(frozen=True)
class GuardianMatch:
    """A guardian found by the search, with their children ("Андреев Андрей, 5А")."""

    guardian: GuardianInfo
    children: tuple[str, ...]
    # classes of children the searching teacher does not keep: then only the admin links
    # this guardian (models/people/guardians.py), and the list says so
    other_classes: tuple[str, ...] = ()

    def label(self) -> str:
        parts = [self.guardian.full_name]
        if self.guardian.phone:
            parts.append(self.guardian.phone)
        if self.children:
            parts.append("дети: " + "; ".join(self.children))
        if self.other_classes:
            parts.append(f"общий с {', '.join(self.other_classes)}: связывает администратор")
        return " · ".join(parts)


@dataclass(frozen=True)
class CardConsent:
    consent: ConsentInfo
    given_by: str  # the guardian's name, or "сам учащийся"

    def active_on(self, day: dt.date) -> bool:
        c = self.consent
        return c.given_on <= day and (c.withdrawn_on is None or c.withdrawn_on > day)


@dataclass(frozen=True)
class StudentCard:
    student: StudentInfo
    history: tuple[EnrollmentInfo, ...]  # oldest first
    guardians: tuple[GuardianInfo, ...]
    consents: tuple[CardConsent, ...]  # newest first
    class_id: int | None  # the class whose keeper may edit the card (current, else latest)
    class_name: str
    may_edit: bool

    def consents_of(self, guardian_id: int | None) -> tuple[CardConsent, ...]:
        return tuple(c for c in self.consents if c.consent.guardian_id == guardian_id)


# --- the class list -------------------------------------------------------------------------


def _class_with_year(class_id: int) -> SchoolClass:
    found = (
        SchoolClass.select(SchoolClass, SchoolYear).join(SchoolYear).where(SchoolClass.id == class_id).first()
    )
    if found is None:
        raise NotFound("Такого класса нет.")
    return found


def _status(e: Enrollment, year_start: dt.date, on: dt.date) -> str:
    if e.end is not None and e.end < on:
        return TRANSFERRED if e.end_reason == "transfer" else LEFT
    return ARRIVED if e.start > year_start else STUDYING


def _load(class_id: int, on: dt.date) -> tuple[list[ClassListRow], dict[int, list[GuardianInfo]]]:
    """The rows and every listed pupil's guardians: four queries, whatever the class size."""
    school_class = _class_with_year(class_id)  # 1
    year = school_class.year
    cutoff = on - dt.timedelta(days=load_settings().verify_overdue_days)  # 2
    consented = Consent.select(Consent.student).where(
        (Consent.given_on <= on) & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on))
    )
    with_login = User.select(User.student).where(
        (User.role == STUDENT) & User.student.is_null(False) & User.password_hash.is_null(False)
    )
    query = (
        Enrollment.select(
            Enrollment,
            Student,
            Student.id.in_(consented).alias("has_consent"),
            Student.id.in_(with_login).alias("has_login"),
        )
        .join(Student)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= year.end)
            & (Enrollment.end.is_null() | (Enrollment.end >= year.start))
        )
        .order_by(Enrollment.start, Enrollment.id)
    )
    latest: dict[int, Enrollment] = {}
    for e in query:  # 3: a pupil who left and came back: their latest enrollment counts
        latest[e.student_id] = e
    ids = list(latest)
    links: dict[int, list[GuardianInfo]] = {i: [] for i in ids}
    if ids:
        for link in (
            StudentGuardian.select(StudentGuardian, Guardian)
            .join(Guardian)
            .where(StudentGuardian.student.in_(ids))
        ):  # 4
            links[link.student_id].append(guardian_info(link.guardian, link.relation))
    for items in links.values():
        items.sort(key=lambda g: name_key(g.surname, g.first_name, g.patronymic))

    def stale(day: dt.date | None) -> bool:
        return day is None or day < cutoff

    rows = []
    for e in latest.values():
        s = e.student
        current = e.end is None or e.end >= on
        guardians = links[s.id]
        rows.append(
            ClassListRow(
                student=student_info(s),
                enrollment_id=e.id,
                start=e.start,
                end=e.end,
                arrived_from=e.arrived_from,
                left_to=e.left_to,
                status=_status(e, year.start, on),
                current=current,
                guardian_count=len(guardians),
                no_consent=current and not e.has_consent,  # type: ignore[attr-defined]  # the query's alias
                no_guardian=current and not guardians,
                no_login=current and not e.has_login,  # type: ignore[attr-defined]  # the query's alias
                overdue=current and (stale(s.verified_on) or any(stale(g.verified_on) for g in guardians)),
            )
        )
    rows.sort(key=lambda r: name_key(r.student.surname, r.student.first_name, r.student.patronymic))
    return rows, links


@reading
def class_list(actor: Actor, class_id: int, on: dt.date | None = None) -> list[ClassListRow]:
    """Every pupil enrolled in the class at any time of its school year, by surname, with
    their status on `on` (default today) and, for those still there, the flags of R4/R11."""
    require_class_keeper(actor, class_id)
    rows, _ = _load(class_id, on or clock.today())
    return rows


@reading
def missing_consents(actor: Actor, class_id: int, on: dt.date | None = None) -> list[MissingConsent]:
    """The class's current pupils without an active consent, each with their guardians."""
    require_class_keeper(actor, class_id)
    rows, links = _load(class_id, on or clock.today())
    return [MissingConsent(r.student, tuple(links[r.student.id])) for r in rows if r.no_consent]


@dataclass(frozen=True)
class ClassDuties:
    """What the homeroom teacher still owes for the class's current pupils (home's reminders)."""

    class_name: str
    pupils: int
    no_consent: int
    no_guardian: int
    no_login: int
    overdue: int  # the monthly check (R11)


@reading
def class_duties(actor: Actor, class_id: int, on: dt.date | None = None) -> ClassDuties:
    require_class_keeper(actor, class_id)
    rows, _ = _load(class_id, on or clock.today())
    current = [r for r in rows if r.current]
    return ClassDuties(
        class_name=SchoolClass.get_by_id(class_id).name,
        pupils=len(current),
        no_consent=sum(r.no_consent for r in current),
        no_guardian=sum(r.no_guardian for r in current),
        no_login=sum(r.no_login for r in current),
        overdue=sum(r.overdue for r in current),
    )


# --- a pupil's card ---------------------------------------------------------------------------


def _keeps(actor: Actor, school_class: SchoolClass) -> bool:
    return actor.is_admin or (actor.role == TEACHER and school_class.homeroom_id == actor.user_id)


@reading
def student_card(actor: Actor, student_id: int) -> StudentCard:
    """The card, its enrollment history, guardians and consents (four queries).

    The keeper of any class the pupil was ever in may read it (a transferred pupil's old
    homeroom teacher sees where they went); only the keeper of the current class (else the
    latest one) may edit it, as models.people.roster decides.
    """
    require_staff(actor)
    student = get_or_refuse(Student, student_id)
    enrollments = list(
        Enrollment.select(Enrollment, SchoolClass)
        .join(SchoolClass)
        .where(Enrollment.student == student_id)
        .order_by(Enrollment.start, Enrollment.id)
    )
    if not actor.is_admin and not any(_keeps(actor, e.school_class) for e in enrollments):
        raise deny("Карточку видит классный руководитель класса учащегося или администратор.")
    today = clock.today()
    present = [e for e in enrollments if e.start <= today and (e.end is None or e.end >= today)]
    owner = present[-1] if present else (enrollments[-1] if enrollments else None)
    guardians = [
        guardian_info(link.guardian, link.relation)
        for link in StudentGuardian.select(StudentGuardian, Guardian)
        .join(Guardian)
        .where(StudentGuardian.student == student_id)
    ]
    guardians.sort(key=lambda g: name_key(g.surname, g.first_name, g.patronymic))
    linked = {g.id for g in guardians}
    consents = [
        CardConsent(consent_info(c), _given_by(c, linked))
        for c in Consent.select(Consent, Guardian)
        .join(Guardian, JOIN.LEFT_OUTER)
        .where(Consent.student == student_id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ]
    return StudentCard(
        student=student_info(student),
        history=tuple(enrollment_info(e) for e in enrollments),
        guardians=tuple(guardians),
        consents=tuple(consents),
        class_id=owner.school_class_id if owner else None,
        class_name=owner.school_class.name if owner else "",
        may_edit=actor.is_admin if owner is None else _keeps(actor, owner.school_class),
    )


def _given_by(consent: Consent, linked: set[int]) -> str:
    if consent.guardian_id is None or consent.guardian is None:
        return "сам учащийся"
    name = guardian_info(consent.guardian).full_name
    return name if consent.guardian_id in linked else f"{name} (не связан)"


# --- guardian search ------------------------------------------------------------------------


def _case_variants(word: str) -> set[str]:
    """SQLite's LIKE ignores case for Latin letters only: try the usual Cyrillic cases too."""
    return {word, word.lower(), word.capitalize(), word.upper()}


def _children_of(guardian_ids: list[int], on: dt.date) -> dict[int, tuple[str, ...]]:
    """Each guardian's children as "Фамилия Имя, 5А" (two queries)."""
    if not guardian_ids:
        return {}
    links = list(
        StudentGuardian.select(StudentGuardian, Student)
        .join(Student)
        .where(StudentGuardian.guardian.in_(guardian_ids))
    )
    child_ids = {link.student_id for link in links}
    classes: dict[int, str] = {}
    if child_ids:
        for e in (
            Enrollment.select(Enrollment, SchoolClass)
            .join(SchoolClass)
            .where(
                Enrollment.student.in_(list(child_ids))
                & (Enrollment.start <= on)
                & (Enrollment.end.is_null() | (Enrollment.end >= on))
            )
        ):
            classes[e.student_id] = e.school_class.name
    out: dict[int, list[tuple[tuple, str]]] = {}
    for link in links:
        s = link.student
        label = f"{s.surname} {s.first_name}"
        if link.student_id in classes:
            label += f", {classes[link.student_id]}"
        out.setdefault(link.guardian_id, []).append((name_key(s.surname, s.first_name), label))
    return {g: tuple(label for _, label in sorted(items)) for g, items in out.items()}


def _require_some_class(actor: Actor) -> None:
    """Guardians' contacts across the school are looked up by those who keep a class."""
    require_staff(actor)
    if not actor.is_admin and not SchoolClass.select().where(SchoolClass.homeroom == actor.user_id).exists():
        raise deny("Искать родителей по школе может классный руководитель или администратор.")


def _phone_column():
    """The phone column without its usual separators, in portable SQL (REPLACE)."""
    expr = Guardian.phone
    for ch in (" ", "-", "(", ")", "+"):
        expr = fn.REPLACE(expr, ch, "")
    return expr


@reading
def find_guardians(actor: Actor, query: str, limit: int = SEARCH_LIMIT) -> list[GuardianMatch]:
    """Guardians matching every word typed: a word with digits is part of the phone, any
    other word part of the surname, name or patronymic. For linking a sibling's parent
    instead of creating a duplicate: the admin and homeroom teachers only."""
    _require_some_class(actor)
    words = query.split()
    if len(query.strip()) < 2:
        return []
    condition = None
    for word in words:
        if re.fullmatch(r"[+()\-]*\d[\d()\-]*", word):
            term = _phone_column().contains(re.sub(r"\D", "", word))
        else:
            term = None
            for variant in _case_variants(word):
                for field in (Guardian.surname, Guardian.first_name, Guardian.patronymic):
                    part = field.contains(variant)
                    term = part if term is None else term | part
        condition = term if condition is None else condition & term
    found = list(
        Guardian.select()
        .where(condition)
        .order_by(Guardian.surname, Guardian.first_name, Guardian.id)
        .limit(limit)
    )
    found.sort(key=lambda g: name_key(g.surname, g.first_name, g.patronymic))
    return _matches(actor, found)


@reading
def guardian_duplicates(actor: Actor, data: dict) -> list[GuardianMatch]:
    """Existing guardians with the same surname, name and phone as a new guardian's form
    (validated first: a bad form raises ValidationError before anything is looked up)."""
    _require_some_class(actor)
    card = clean_guardian(data)
    digits = phone_digits(card.get("phone", ""))
    if not digits or "surname" not in card or "first_name" not in card:
        return []
    same_name = [
        g
        for g in Guardian.select().where(
            (Guardian.surname == card["surname"]) & (Guardian.first_name == card["first_name"])
        )
        if phone_digits(g.phone) == digits
    ]
    return _matches(actor, same_name)


def _matches(actor: Actor, found: list[Guardian]) -> list[GuardianMatch]:
    children = _children_of([g.id for g in found], clock.today())
    out = []
    for g in found:
        foreign = foreign_children(actor, g.id)
        classes = tuple(sorted(set(latest_class_names(foreign).values()))) if foreign else ()
        out.append(GuardianMatch(guardian_info(g), children.get(g.id, ()), classes))
    return out
