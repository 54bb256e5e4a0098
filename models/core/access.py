"""Who may do what, checked below the user interface (R17, R18, R19).

Admin: everything. A homeroom teacher: their class's roster, guardians, consents,
subgroups, absences and excuses. A subject teacher: lessons, marks, absences and final
marks of their own courses. Pupils and guardians: no write at all, and only their own
child's diary to read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from models.core import tenancy
from models.core.errors import PermissionDenied, SessionEnded
from models.core.lookup import get_or_refuse
from models.core.prepared import Prepared
from models.core.schema import Course, SchoolClass, Student, StudentGuardian, User

T = TypeVar("T")

ADMIN, TEACHER, STUDENT, GUARDIAN = "admin", "teacher", "student", "guardian"
DISTRICT = "district"  # the district's education office: schools, their admins, reports
STAFF_ROLES = (ADMIN, TEACHER)
ROLES = (ADMIN, TEACHER, STUDENT, GUARDIAN)
ROLE_NAMES = {
    ADMIN: "администратор",
    TEACHER: "учитель",
    STUDENT: "учащийся",
    GUARDIAN: "родитель",
    DISTRICT: "администратор района",
}


@dataclass(frozen=True)
class Actor:
    """The logged-in user as services see it: plain data, safe to keep in a screen."""

    user_id: int
    login: str
    role: str
    name: str
    student_id: int | None = None
    guardian_id: int | None = None
    source: str = ""  # where the session comes from (SSH_CLIENT), for the audit log
    epoch: int = 0  # the account's session_epoch at login: a later change ends the session
    school_id: int | None = None  # the account's school; None: the district's own account

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_district(self) -> bool:
        return self.role == DISTRICT


def actor_of(user: User, source: str = "") -> Actor:
    name = " ".join(p for p in (user.surname, user.first_name, user.patronymic) if p)
    return Actor(
        user_id=user.id,
        login=user.login,
        role=user.role,
        name=name or user.login,
        student_id=user.student_id,
        guardian_id=user.guardian_id,
        source=source,
        epoch=user.session_epoch,
        school_id=user.school_id,
    )


# The system itself (demo builder, command-line init): acts as an administrator.
SYSTEM = Actor(user_id=0, login="system", role=ADMIN, name="система")

ACCOUNT_DISABLED = "Учётная запись отключена: сеанс завершён. Обратитесь к администратору."
ROLE_CHANGED = "Права учётной записи изменены: сеанс завершён, войдите снова."
PASSWORD_REPLACED = "Пароль учётной записи сменён или сброшен: сеанс завершён, войдите с новым паролем."
OTHER_SCHOOL = "Это данные другой школы: учётная запись работает только в своей школе."

_session_listeners: list[Callable[[Actor, str], None]] = []


# read before every write (models/core/prepared.py: built once)
_ACCOUNT_NOW = Prepared(
    lambda user_id: (
        User.select(User.active, User.role, User.student, User.guardian, User.session_epoch, User.school)
        .where(User.id == user_id)
        .tuples()
        .limit(1)
    ),
    ("int",),
)


def session_problem(actor: Actor) -> str | None:
    """Why this session may no longer act, read from the account as it is now, or None.

    A session acts with the rights of the account as it is at the moment of each act, never
    as it was at login (DESIGN.md): disabled, a different role or link, or a password
    replaced since (session_epoch) ends it. The system actor has no account to check.
    """
    if actor.user_id == SYSTEM.user_id:
        return None
    with tenancy.district():  # the account, wherever it is: a school's or the district's
        row = _ACCOUNT_NOW.first(actor.user_id)
    if row is None or not row[0]:
        return ACCOUNT_DISABLED
    active, role, student_id, guardian_id, epoch, school_id = row
    links = (role, student_id, guardian_id, school_id)
    if links != (actor.role, actor.student_id, actor.guardian_id, actor.school_id):
        return ROLE_CHANGED
    if epoch != actor.epoch:
        return PASSWORD_REPLACED
    return None


def require_current(actor: Actor) -> None:
    """Refuse an act of a session whose account changed since login; tell the listeners
    (the app ends such a session at once, whichever screen the refusal reached). Then
    refuse a school's account acting outside its school (issue 20): every act of a school's
    user is made in that school's scope, so no id of another school's row reaches anything."""
    problem = session_problem(actor)
    if problem is not None:
        for listener in list(_session_listeners):
            listener(actor, problem)
        raise SessionEnded(problem)
    if actor.school_id is not None and tenancy.current_or_none() != actor.school_id:
        raise PermissionDenied(OTHER_SCHOOL)


def on_session_ended(listener: Callable[[Actor, str], None]) -> Callable[[], None]:
    """Call `listener(actor, message)` whenever an act is refused because its session ended;
    returns a function that removes the listener."""
    _session_listeners.append(listener)
    return lambda: _session_listeners.remove(listener) if listener in _session_listeners else None


def end_sessions(user_id: int) -> None:
    """Every open session of the account ends (each checks session_epoch before it acts)."""
    User.update(session_epoch=User.session_epoch + 1).where(User.id == user_id).execute()


def account_named(login: str) -> User | None:
    """The account of this login anywhere in the district (logins are unique across it)."""
    with tenancy.district():
        return User.get_or_none(User.login == login)


def logins_taken(starting_with: str = "") -> set[str]:
    """The logins in use across the district (a new account's must be free in all of it)."""
    with tenancy.district():
        query = User.select(User.login)
        if starting_with:
            query = query.where(User.login.startswith(starting_with))
        return {login for (login,) in query.tuples()}


def account_by_id(user_id: int) -> User | None:
    with tenancy.district():
        return User.get_or_none(User.id == user_id)


def _within_school(school_id: int | None) -> contextlib.AbstractContextManager[None]:
    """An account's school, or the whole district for an account of none."""
    return tenancy.within(tenancy.ALL if school_id is None else school_id)


def in_school_of(user: User | None) -> contextlib.AbstractContextManager[None]:
    """The scope an account's own login works in: its school, the district's for the
    district's accounts, and the scope as it is for a login that names no account."""
    return contextlib.nullcontext() if user is None else _within_school(user.school_id)


def in_school_of_actor(actor: Actor, call: Callable[..., T]) -> Callable[..., T]:
    """`call` made within the actor's school, in whichever thread runs it (the SSH server
    checks and records many users' acts in one process: its SFTP transfers, its sessions'
    start); the district's and the system's within the whole district."""

    def run(*args: Any, **kwargs: Any) -> T:
        with _within_school(actor.school_id):
            return call(*args, **kwargs)

    return run


def begin_session(actor: Actor) -> None:
    """The session's process works in the actor's school from now on (none for the district's
    administrator, whose services choose the school they read)."""
    tenancy.enter(actor.school_id)


def audit_user_id(actor: Actor) -> int | None:
    return actor.user_id or None


def deny(message: str = "Недостаточно прав для этого действия.") -> PermissionDenied:
    return PermissionDenied(message)


def require_staff(actor: Actor) -> None:
    if actor.is_district:
        raise deny("Администратор района не ведёт журналы школ: ему доступны школы и отчёты района.")
    if not actor.is_staff:
        raise deny("Учащиеся и родители не работают в журнале: доступен только дневник.")


def require_district(actor: Actor) -> None:
    """The district's administrator (or the system: the command line)."""
    if actor.user_id == SYSTEM.user_id or actor.is_district:
        return
    raise deny("Это действие доступно только администратору района.")


def require_admin(actor: Actor) -> None:
    require_staff(actor)
    if not actor.is_admin:
        raise deny("Это действие доступно только администратору.")


def is_homeroom_of(actor: Actor, class_id: int) -> bool:
    if actor.role != TEACHER:
        return False
    return (
        SchoolClass.select(SchoolClass.id)
        .where((SchoolClass.id == class_id) & (SchoolClass.homeroom == actor.user_id))
        .exists()
    )


def require_class_keeper(actor: Actor, class_id: int) -> None:
    """Roster, guardians, consents, subgroups, excuses: admin or this class's homeroom teacher."""
    require_staff(actor)
    if actor.is_admin or is_homeroom_of(actor, class_id):
        return
    raise deny("Это может только классный руководитель этого класса или администратор.")


def get_course(course_id: int) -> Course:
    return get_or_refuse(Course, course_id, "Такой нагрузки (класс × предмет) нет.")


def require_course_teacher(actor: Actor, course: Course) -> None:
    """Lessons, marks and final marks: admin or the course's own teacher."""
    require_staff(actor)
    if actor.is_admin or course.teacher_id == actor.user_id:
        return
    raise deny("Это не ваш предмет: отметки ставит учитель, ведущий этот курс.")


def may_record_absence(actor: Actor, course: Course) -> bool:
    """Absences in a lesson: its teacher, the class's homeroom teacher, or an admin."""
    if not actor.is_staff:
        return False
    if actor.is_admin or course.teacher_id == actor.user_id:
        return True
    return is_homeroom_of(actor, course.school_class_id)


def may_read_class(actor: Actor, class_id: int) -> bool:
    """Staff read the journal of every class (control of teachers, substitutions)."""
    return actor.is_staff


def require_reader_of_student(actor: Actor, student_id: int) -> None:
    """Staff may read any pupil of their school; a pupil only themself; a guardian only their
    own children."""
    if actor.is_staff:
        get_or_refuse(Student, student_id)  # of this school: another's pupil is not found
        return
    if actor.role == STUDENT and actor.student_id == student_id:
        return
    if actor.role == GUARDIAN and actor.guardian_id is not None:
        linked = (
            StudentGuardian.select()
            .where((StudentGuardian.guardian == actor.guardian_id) & (StudentGuardian.student == student_id))
            .exists()
        )
        if linked:
            return
    raise deny("Можно смотреть только дневник своего ребёнка.")
