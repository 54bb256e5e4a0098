"""Guardians of pupils and their consents to personal-data processing (R4, R11).

Who may act on a guardian (R19): a guardian belongs to the families of all their children.
A homeroom teacher changes a guardian's card, links them to a pupil or issues their diary
login only while every child of that guardian is in a class the teacher keeps. A guardian
shared with another class (siblings in 5А and 7Б) is changed by the administrator, so no
homeroom teacher gains power over an account that another class's family uses. Each teacher
still records their own pupil's relation and consents, and may unlink the guardian from
their own pupil.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.core import audit, clock
from models.core.access import Actor, deny, require_staff
from models.core.errors import NotFound, PermissionDenied, ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import Consent, Guardian, StudentGuardian
from models.core.service import reading, service
from models.core.validation import clean_email, clean_name, clean_phone, clean_text, parse_date
from models.people.roster import _keeper_of_student, get_student, latest_class_names

GUARDIAN_FIELDS = (
    "surname",
    "first_name",
    "patronymic",
    "phone",
    "email",
    "address",
    "may_receive_credentials",
)
RELATIONS = ("мать", "отец", "опекун", "попечитель", "бабушка", "дедушка", "другое")


@dataclass(frozen=True)
class GuardianInfo:
    id: int
    surname: str
    first_name: str
    patronymic: str
    phone: str
    email: str
    address: str
    may_receive_credentials: bool
    verified_on: dt.date | None
    relation: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


@dataclass(frozen=True)
class ConsentInfo:
    id: int
    student_id: int
    guardian_id: int | None
    given_on: dt.date
    document: str
    withdrawn_on: dt.date | None


def guardian_info(g: Guardian, relation: str = "") -> GuardianInfo:
    return GuardianInfo(
        g.id,
        g.surname,
        g.first_name,
        g.patronymic,
        g.phone,
        g.email,
        g.address,
        g.may_receive_credentials,
        g.verified_on,
        relation,
    )


def clean_guardian(data: dict) -> dict:
    unknown = set(data) - set(GUARDIAN_FIELDS)
    if unknown:
        raise ValidationError(f"Неизвестные поля: {', '.join(sorted(unknown))}")
    out: dict = {}
    for key, value in data.items():
        if key in ("surname", "first_name"):
            out[key] = clean_name(value, "Фамилия" if key == "surname" else "Имя")
        elif key == "patronymic":
            out[key] = clean_name(value, "Отчество", required=False)
        elif key == "phone":
            out[key] = clean_phone(value)
        elif key == "email":
            out[key] = clean_email(value)
        elif key == "may_receive_credentials":
            out[key] = bool(value)
        else:
            out[key] = clean_text(value)
    return out


def _relation(relation: str) -> str:
    text = relation.strip().lower()
    if text and text not in RELATIONS:
        raise ValidationError(f"Степень родства: одно из {', '.join(RELATIONS)}.")
    return text


@service
def add_guardian(actor: Actor, student_id: int, data: dict, relation: str = "") -> GuardianInfo:
    get_student(student_id)
    _keeper_of_student(actor, student_id)
    card = clean_guardian(data)
    if "surname" not in card or "first_name" not in card:
        raise ValidationError("Укажите фамилию и имя представителя.")
    guardian = Guardian.create(**card)
    rel = _relation(relation)
    StudentGuardian.create(student=student_id, guardian=guardian, relation=rel)
    audit.record(
        actor,
        "guardian.add",
        "guardian",
        guardian.id,
        new={**card, "student": student_id, "relation": rel},
    )
    return guardian_info(guardian, rel)


@service
def link_guardian(actor: Actor, student_id: int, guardian_id: int, relation: str = "") -> GuardianInfo:
    """Siblings share parents: link an existing guardian instead of creating a duplicate."""
    get_student(student_id)
    _keeper_of_student(actor, student_id)
    guardian = get_or_refuse(Guardian, guardian_id)
    require_guardian_keeper(actor, guardian_id)
    if (
        StudentGuardian.select()
        .where((StudentGuardian.student == student_id) & (StudentGuardian.guardian == guardian_id))
        .exists()
    ):
        raise ValidationError("Этот представитель уже связан с учащимся.")
    rel = _relation(relation)
    StudentGuardian.create(student=student_id, guardian=guardian_id, relation=rel)
    audit.record(
        actor,
        "guardian.link",
        "guardian",
        guardian_id,
        new={"student": student_id, "relation": rel},
    )
    return guardian_info(guardian, rel)


@service
def unlink_guardian(actor: Actor, student_id: int, guardian_id: int) -> None:
    _keeper_of_student(actor, student_id)
    deleted = (
        StudentGuardian.delete()
        .where((StudentGuardian.student == student_id) & (StudentGuardian.guardian == guardian_id))
        .execute()
    )
    if not deleted:
        raise NotFound("Этот представитель не связан с учащимся.")
    audit.record(actor, "guardian.unlink", "guardian", guardian_id, old={"student": student_id})


def _children(guardian_id: int) -> list[int]:
    return [sg.student_id for sg in StudentGuardian.select().where(StudentGuardian.guardian == guardian_id)]


SHARED_GUARDIAN = (
    "Этот представитель — родитель и учащегося другого класса ({classes}). Его данные, вход в "
    "дневник и связи с детьми меняет администратор школы."
)
UNLINKED_GUARDIAN = "Представитель не связан ни с одним учащимся: изменить его может администратор школы."


def foreign_children(actor: Actor, guardian_id: int) -> list[int]:
    """The guardian's children whose class `actor` does not keep (none for the admin)."""
    if actor.is_admin:
        return []
    foreign = []
    for child in _children(guardian_id):
        try:
            _keeper_of_student(actor, child)
        except PermissionDenied:
            foreign.append(child)
    return foreign


def require_guardian_keeper(actor: Actor, guardian_id: int) -> None:
    """The admin, or a homeroom teacher who keeps every child of this guardian (above)."""
    require_staff(actor)
    if actor.is_admin:
        return
    if not _children(guardian_id):
        raise deny(UNLINKED_GUARDIAN)
    foreign = foreign_children(actor, guardian_id)
    if foreign:
        classes = sorted(set(latest_class_names(foreign).values())) or ["вне школы"]
        raise deny(SHARED_GUARDIAN.format(classes=", ".join(classes)))


@service
def update_guardian(actor: Actor, guardian_id: int, data: dict) -> tuple[GuardianInfo, dict, dict]:
    guardian = get_or_refuse(Guardian, guardian_id)
    require_guardian_keeper(actor, guardian_id)
    card = clean_guardian(data)
    old, new = audit.changes({k: getattr(guardian, k) for k in card}, card)
    if new:
        Guardian.update(**new).where(Guardian.id == guardian_id).execute()
        audit.record(actor, "guardian.update", "guardian", guardian_id, old, new)
    return guardian_info(Guardian.get_by_id(guardian_id)), old, new


@service
def record_consent(
    actor: Actor,
    student_id: int,
    given_on: object,
    document: str = "заявление",
    guardian_id: int | None = None,
) -> ConsentInfo:
    """A written consent (152-FZ) by a guardian of the pupil, or by the pupil when adult."""
    get_student(student_id)
    _keeper_of_student(actor, student_id)
    day = parse_date(given_on, "Дата согласия")
    if day is None:
        raise ValidationError("Укажите дату согласия.")
    if day > clock.today():
        raise ValidationError("Дата согласия не может быть в будущем.")
    if guardian_id is not None and guardian_id not in _guardians_of(student_id):
        raise ValidationError("Согласие может дать только представитель этого учащегося.")
    consent = Consent.create(
        student=student_id, guardian=guardian_id, given_on=day, document=clean_text(document, 200)
    )
    audit.record(
        actor,
        "consent.record",
        "consent",
        consent.id,
        new={"student": student_id, "guardian": guardian_id, "on": day},
    )
    return consent_info(consent)


@service
def withdraw_consent(actor: Actor, consent_id: int, on: object) -> ConsentInfo:
    consent = get_or_refuse(Consent, consent_id)
    _keeper_of_student(actor, consent.student_id)
    day = parse_date(on, "Дата отзыва")
    if day is None or day < consent.given_on:
        raise ValidationError("Дата отзыва не может быть раньше даты согласия.")
    Consent.update(withdrawn_on=day).where(Consent.id == consent_id).execute()
    audit.record(actor, "consent.withdraw", "consent", consent_id, None, {"on": day})
    return consent_info(Consent.get_by_id(consent_id))


def _guardians_of(student_id: int) -> list[int]:
    return [sg.guardian_id for sg in StudentGuardian.select().where(StudentGuardian.student == student_id)]


def consent_info(c: Consent) -> ConsentInfo:
    return ConsentInfo(c.id, c.student_id, c.guardian_id, c.given_on, c.document, c.withdrawn_on)


@reading
def guardians_of(actor: Actor, student_id: int) -> list[GuardianInfo]:
    from models.core.access import require_reader_of_student

    require_reader_of_student(actor, student_id)
    query = (
        StudentGuardian.select(StudentGuardian, Guardian)
        .join(Guardian)
        .where(StudentGuardian.student == student_id)
        .order_by(Guardian.surname)
    )
    return [guardian_info(sg.guardian, sg.relation) for sg in query]


@service
def set_relation(actor: Actor, student_id: int, guardian_id: int, relation: str) -> GuardianInfo:
    """Correct how a guardian is related to one pupil (мать, отец, опекун, …)."""
    _keeper_of_student(actor, student_id)
    link = StudentGuardian.get_or_none(
        (StudentGuardian.student == student_id) & (StudentGuardian.guardian == guardian_id)
    )
    if link is None:
        raise NotFound("Этот представитель не связан с учащимся.")
    rel = _relation(relation)
    if rel != link.relation:
        StudentGuardian.update(relation=rel).where(StudentGuardian.id == link.id).execute()
        audit.record(
            actor,
            "guardian.relation",
            "guardian",
            guardian_id,
            {"student": student_id, "relation": link.relation},
            {"student": student_id, "relation": rel},
        )
    return guardian_info(Guardian.get_by_id(guardian_id), rel)
