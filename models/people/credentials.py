"""Who in a class has diary credentials (R2): the homeroom teacher's list and its audit."""

from __future__ import annotations

from dataclasses import dataclass

from models.core import audit, clock
from models.core.access import GUARDIAN, STUDENT, Actor, require_class_keeper, require_staff
from models.core.lookup import get_or_refuse
from models.core.schema import Enrollment, Guardian, SchoolClass, Student, StudentGuardian, User
from models.core.service import reading, service
from models.people.roster import latest_enrollments


@dataclass(frozen=True)
class CredentialRow:
    """One person who may get a diary login: a pupil of the class or one of their guardians."""

    student_id: int | None
    guardian_id: int | None
    person: str
    role: str  # student | guardian
    child: str  # for a guardian: whose parent; for a pupil: empty
    relation: str
    login: str | None
    has_password: bool
    first_login_pending: bool  # issued, never changed: the slip may not have reached them
    may_receive: bool
    # a guardian also of pupils in classes this teacher does not keep: the admin issues
    # their login (models/people/guardians.py)
    other_classes: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int]:
        return (self.role, self.student_id if self.role == STUDENT else self.guardian_id)  # type: ignore[return-value]


def _name(p) -> str:
    return " ".join(x for x in (p.surname, p.first_name, p.patronymic) if x)


@reading
def class_credentials(actor: Actor, class_id: int) -> list[CredentialRow]:
    """Every current pupil of the class, each followed by their guardians (four queries)."""
    require_class_keeper(actor, class_id)
    get_or_refuse(SchoolClass, class_id)
    today = clock.today()
    pupils = list(
        Student.select()
        .join(Enrollment)
        .where(
            (Enrollment.school_class == class_id)
            & (Enrollment.start <= today)
            & (Enrollment.end.is_null() | (Enrollment.end >= today))
        )
        .order_by(Student.surname, Student.first_name)
    )
    ids = [p.id for p in pupils]
    links: dict[int, list[tuple[Guardian, str]]] = {}
    for link in (
        StudentGuardian.select(StudentGuardian, Guardian)
        .join(Guardian)
        .where(StudentGuardian.student.in_(ids))
        .order_by(Guardian.surname)
    ):
        links.setdefault(link.student_id, []).append((link.guardian, link.relation))
    guardian_ids = [g.id for items in links.values() for g, _ in items]
    other_classes = _other_classes(actor, guardian_ids)
    accounts = {
        (u.role, u.student_id if u.role == STUDENT else u.guardian_id): u
        for u in User.select().where(
            ((User.role == STUDENT) & User.student.in_(ids))
            | ((User.role == GUARDIAN) & User.guardian.in_(guardian_ids))
        )
    }
    rows: list[CredentialRow] = []
    for pupil in pupils:
        account = accounts.get((STUDENT, pupil.id))
        rows.append(_row(pupil.id, None, _name(pupil), STUDENT, "", "", account, True))
        for guardian, relation in links.get(pupil.id, []):
            account = accounts.get((GUARDIAN, guardian.id))
            rows.append(
                _row(
                    pupil.id,
                    guardian.id,
                    _name(guardian),
                    GUARDIAN,
                    f"{pupil.surname} {pupil.first_name}",
                    relation,
                    account,
                    guardian.may_receive_credentials,
                    other_classes.get(guardian.id, ()),
                )
            )
    return rows


def _other_classes(actor: Actor, guardian_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Per guardian, the classes of their children that `actor` does not keep (two queries)."""
    if actor.is_admin or not guardian_ids:
        return {}
    children: dict[int, list[int]] = {}
    for link in StudentGuardian.select().where(StudentGuardian.guardian.in_(guardian_ids)):
        children.setdefault(link.guardian_id, []).append(link.student_id)
    latest = latest_enrollments([c for kids in children.values() for c in kids])
    out: dict[int, tuple[str, ...]] = {}
    for guardian_id, kids in children.items():
        foreign = {
            latest[c].school_class.name if c in latest else "вне школы"
            for c in kids
            if c not in latest or latest[c].school_class.homeroom_id != actor.user_id
        }
        if foreign:
            out[guardian_id] = tuple(sorted(foreign))
    return out


def _row(
    student_id, guardian_id, person, role, child, relation, account, may_receive, other_classes=()
) -> CredentialRow:
    return CredentialRow(
        student_id=student_id,
        guardian_id=guardian_id,
        person=person,
        role=role,
        child=child,
        relation=relation,
        login=account.login if account else None,
        has_password=bool(account and account.password_hash),
        first_login_pending=bool(account and account.must_change_password),
        may_receive=may_receive,
        other_classes=other_classes,
    )


@service
def record_export(actor: Actor, kind: str, target: str, count: int = 0) -> None:
    """Personal data leaving the system (a file, a printout): who, what, when (152-FZ)."""
    require_staff(actor)
    audit.record(actor, f"export.{kind}", "export", None, None, {"target": target, "count": count})
