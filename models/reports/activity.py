"""Parents' activity in the electronic diary (R6, R9): per pupil of a class, which guardians
have a diary login, when the family last looked, how many views in the last 7 and 30 days
(and on how many days), never at all; the last week a guardian acknowledged («Ознакомлен(а)»);
the share of active families. The silent ones first. Per guardian and per family (the pupil).

Views come from DiaryView, recorded whenever a guardian opens their child's diary, a week or
a period (models.reports.diary.record_view): ten views on one day are ten views, on one day.
A family is active when a guardian looked within the last 30 days. Five queries; DATE() and
COUNT(DISTINCT …) are portable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, Case, fn

from models.core import clock
from models.core.access import GUARDIAN, Actor, require_staff
from models.core.db import as_date, tuples
from models.core.lookup import get_or_refuse
from models.core.schema import (
    DiaryView,
    Enrollment,
    Guardian,
    SchoolClass,
    Student,
    StudentGuardian,
    User,
    WeekAcknowledgement,
)
from models.core.service import reading
from models.people.names import short_names

ACTIVE_DAYS = 30
WEEK_DAYS = 7


@dataclass(frozen=True)
class GuardianActivity:
    guardian_id: int
    name: str
    relation: str
    login: str | None  # None: no diary login issued
    has_password: bool
    last_view: dt.datetime | None
    days_7: int  # days with a view in the last 7 days (today included)
    days_30: int
    views_7: int = 0  # views in the last 7 days
    views_30: int = 0

    @property
    def has_login(self) -> bool:
        return self.login is not None and self.has_password


@dataclass(frozen=True)
class PupilActivity:
    student_id: int
    name: str
    guardians: tuple[GuardianActivity, ...]
    last_view: dt.datetime | None  # the family's latest
    days_7: int  # days on which any guardian looked
    days_30: int
    views_7: int = 0  # the family's views (all its guardians)
    views_30: int = 0
    acknowledged: dt.date | None = None  # the Monday of the latest week a guardian acknowledged

    @property
    def with_login(self) -> tuple[GuardianActivity, ...]:
        return tuple(g for g in self.guardians if g.has_login)

    @property
    def never(self) -> bool:
        return self.last_view is None

    @property
    def active(self) -> bool:
        return self.days_30 > 0


@dataclass(frozen=True)
class ClassActivity:
    class_id: int
    class_name: str
    today: dt.date
    pupils: tuple[PupilActivity, ...]  # silent first

    @property
    def active(self) -> int:
        return sum(1 for p in self.pupils if p.active)

    @property
    def never(self) -> int:
        return sum(1 for p in self.pupils if p.never)

    @property
    def share_active(self) -> Decimal | None:
        """Share of families active in the last 30 days, %."""
        return Decimal(self.active) * 100 / len(self.pupils) if self.pupils else None


def _moment(value: object) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


@reading
def class_activity(actor: Actor, class_id: int) -> ClassActivity:
    """The parents' activity of the class's current pupils (staff)."""
    require_staff(actor)
    school_class = get_or_refuse(SchoolClass, class_id)
    today = clock.today()
    pupils = _current_pupils(class_id, today)
    ids = [sid for sid, _, _ in pupils]
    links = _guardians_of(ids)
    since_7 = dt.datetime.combine(today - dt.timedelta(days=WEEK_DAYS - 1), dt.time())
    since_30 = dt.datetime.combine(today - dt.timedelta(days=ACTIVE_DAYS - 1), dt.time())
    views = _views_per_guardian(ids, since_7, since_30)
    family = _family_days(ids, since_7, since_30)
    acknowledged = _acknowledged(ids)
    shown = short_names((sid, surname, first_name, "") for sid, surname, first_name in pupils)
    rows = []
    for sid, _surname, _first_name in pupils:
        guardians = tuple(
            GuardianActivity(
                gid, name, relation, login, has_password, *views.get((sid, gid), (None, 0, 0, 0, 0))
            )
            for gid, name, relation, login, has_password in links.get(sid, [])
        )
        lasts = [g.last_view for g in guardians if g.last_view]
        d7, d30, v7, v30 = family.get(sid, (0, 0, 0, 0))
        rows.append(
            PupilActivity(
                sid, shown[sid], guardians, max(lasts, default=None), d7, d30, v7, v30, acknowledged.get(sid)
            )
        )
    rows.sort(key=_silent_first)
    return ClassActivity(school_class.id, school_class.name, today, tuple(rows))


def _silent_first(p: PupilActivity) -> tuple:
    return (
        p.active,  # silent families first
        p.last_view is not None,  # never looked before looked long ago
        p.last_view or dt.datetime.min,
        p.days_30,
        p.name,
    )


def _current_pupils(class_id: int, today: dt.date) -> list[tuple[int, str, str]]:
    """The class's pupils today, in roster order: (id, surname, first name)."""
    return list(
        tuples(
            Student.select(Student.id, Student.surname, Student.first_name)
            .join(Enrollment)
            .where(
                (Enrollment.school_class == class_id)
                & (Enrollment.start <= today)
                & (Enrollment.end.is_null() | (Enrollment.end >= today))
            )
            .distinct()
            .order_by(Student.surname, Student.first_name, Student.id)
        )
    )


def _guardians_of(ids: list[int]) -> dict[int, list[tuple]]:
    """Per pupil the guardians with their active diary login, if any:
    (guardian, full name, relation, login, has a password)."""
    links: dict[int, list[tuple]] = defaultdict(list)
    account = User.alias()
    for sid, gid, surname, first_name, patronymic, relation, login, password_hash in tuples(
        StudentGuardian.select(
            StudentGuardian.student,
            Guardian.id,
            Guardian.surname,
            Guardian.first_name,
            Guardian.patronymic,
            StudentGuardian.relation,
            account.login,
            account.password_hash,
        )
        .join(Guardian)
        .join(
            account,
            JOIN.LEFT_OUTER,
            on=(
                (account.guardian == Guardian.id) & (account.role == GUARDIAN) & (account.active == True)  # noqa: E712
            ),
        )
        .where(StudentGuardian.student.in_(ids))
        .order_by(Guardian.surname, Guardian.first_name, Guardian.id)
    ):
        name = " ".join(p for p in (surname, first_name, patronymic) if p)
        links[sid].append((gid, name, relation, login, bool(password_hash)))
    return links


def _days_since(since: dt.datetime):
    """How many distinct days with a view since `since`."""
    return fn.COUNT(Case(None, [(DiaryView.at >= since, fn.DATE(DiaryView.at))], None).distinct())


def _views_since(since: dt.datetime):
    """How many views since `since`."""
    return fn.SUM(Case(None, [(DiaryView.at >= since, 1)], 0))


def _acknowledged(ids: list[int]) -> dict[int, dt.date]:
    """Per pupil the Monday of the latest week a guardian acknowledged."""
    return {
        sid: as_date(monday)
        for sid, monday in tuples(
            WeekAcknowledgement.select(WeekAcknowledgement.student, fn.MAX(WeekAcknowledgement.monday))
            .where(WeekAcknowledgement.student.in_(ids))
            .group_by(WeekAcknowledgement.student)
        )
    }


def _views_per_guardian(
    ids: list[int], since_7: dt.datetime, since_30: dt.datetime
) -> dict[tuple[int, int], tuple]:
    """Views by guardians of these pupils: per pupil × guardian, the last one, the days with a
    view and the views in the last 7 and 30 days."""
    views: dict[tuple[int, int], tuple] = {}
    for sid, gid, last, d7, d30, v7, v30 in tuples(
        DiaryView.select(
            DiaryView.student,
            User.guardian,
            fn.MAX(DiaryView.at),
            _days_since(since_7),
            _days_since(since_30),
            _views_since(since_7),
            _views_since(since_30),
        )
        .join(User, on=(DiaryView.user == User.id))
        .where(DiaryView.student.in_(ids) & (User.role == GUARDIAN))
        .group_by(DiaryView.student, User.guardian)
    ):
        views[(sid, gid)] = (_moment(last), d7, d30, int(v7 or 0), int(v30 or 0))
    return views


def _family_days(
    ids: list[int], since_7: dt.datetime, since_30: dt.datetime
) -> dict[int, tuple[int, int, int, int]]:
    """The family's figures: per pupil, the distinct days in the last 7 and 30 on which any
    guardian looked, and the views of all its guardians then."""
    family: dict[int, tuple[int, int, int, int]] = {}
    for sid, d7, d30, v7, v30 in tuples(
        DiaryView.select(
            DiaryView.student,
            _days_since(since_7),
            _days_since(since_30),
            _views_since(since_7),
            _views_since(since_30),
        )
        .join(User, on=(DiaryView.user == User.id))
        .where(DiaryView.student.in_(ids) & (User.role == GUARDIAN) & (DiaryView.at >= since_30))
        .group_by(DiaryView.student)
    ):
        family[sid] = (d7, d30, int(v7 or 0), int(v30 or 0))
    return family


def families_by_class(class_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per class (of the school in scope): its current pupils and, of them, the families
    active in the last 30 days — class_activity's `len(pupils)` and `active`, in two
    queries for a whole school (the district's report)."""
    today = clock.today()
    since_30 = dt.datetime.combine(today - dt.timedelta(days=ACTIVE_DAYS - 1), dt.time())
    current = (
        (Enrollment.school_class.in_(class_ids))
        & (Enrollment.start <= today)
        & (Enrollment.end.is_null() | (Enrollment.end >= today))
    )
    pupils: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in tuples(
        Enrollment.select(Enrollment.school_class, Enrollment.student).where(current)
    ):
        pupils[class_id].add(student_id)
    looked = {
        sid
        for (sid,) in tuples(
            DiaryView.select(DiaryView.student)
            .join(User, on=(DiaryView.user == User.id))
            .where((User.role == GUARDIAN) & (DiaryView.at >= since_30))
            .distinct()
        )
    }
    return {cid: (len(pupils[cid]), len(pupils[cid] & looked)) for cid in class_ids}
