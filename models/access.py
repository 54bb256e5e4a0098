"""Who may do what, checked below the user interface (R17, R18, R19).

Admin: everything. A homeroom teacher: their class's roster, guardians, consents,
subgroups, absences and excuses. A subject teacher: lessons, marks, absences and final
marks of their own courses. Pupils and guardians: no write at all, and only their own
child's diary to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.errors import NotFound, PermissionDenied
from models.schema import Course, SchoolClass, StudentGuardian, User

ADMIN, TEACHER, STUDENT, GUARDIAN = "admin", "teacher", "student", "guardian"
STAFF_ROLES = (ADMIN, TEACHER)
ROLES = (ADMIN, TEACHER, STUDENT, GUARDIAN)
ROLE_NAMES = {
    ADMIN: "администратор",
    TEACHER: "учитель",
    STUDENT: "учащийся",
    GUARDIAN: "родитель",
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

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


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
    )


# The system itself (demo builder, command-line init): acts as an administrator.
SYSTEM = Actor(user_id=0, login="system", role=ADMIN, name="система")


def audit_user_id(actor: Actor) -> int | None:
    return actor.user_id or None


def deny(message: str = "Недостаточно прав для этого действия.") -> PermissionDenied:
    return PermissionDenied(message)


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise deny("Учащиеся и родители не работают в журнале: доступен только дневник.")


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
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        raise NotFound("Такой нагрузки (класс × предмет) нет.")
    return course


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
    """Staff may read any pupil; a pupil only themself; a guardian only their own children."""
    if actor.is_staff:
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
