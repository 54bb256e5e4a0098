"""Personal accounts: logging in with lockout, staff accounts, diary credentials (R2, R18, R19)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import cast

import peewee

from models.core import audit, clock
from models.core.access import (
    ADMIN,
    GUARDIAN,
    STAFF_ROLES,
    STUDENT,
    Actor,
    account_by_id,
    account_named,
    actor_of,
    deny,
    end_sessions,
    in_school_of,
    logins_taken,
    require_admin,
    require_class_keeper,
    session_problem,
)
from models.core.errors import AuthenticationError, NotFound, PermissionDenied, StorageError, ValidationError
from models.core.lookup import get_or_refuse
from models.core.schema import Guardian, LoginEvent, LoginThrottle, Student, StudentGuardian, User, now
from models.core.service import reading, service, storage_message
from models.core.settings import load as load_settings
from models.people.passwords import (
    burn_time,
    check_new_password,
    generate_password,
    hash_password,
    needs_rehash,
    verify,
)

LOCKOUT_MINUTES = (1, 5, 15, 60)
FAILED = "Неверный логин или пароль."
LOCKED = (
    "Вход временно невозможен: слишком много неудачных попыток. "
    "Подождите несколько минут или обратитесь к администратору."
)
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool
    previous_login_at: dt.datetime | None
    previous_source: str


@dataclass(frozen=True)
class UserInfo:
    id: int
    login: str
    role: str
    name: str
    active: bool
    locked_until: dt.datetime | None
    must_change_password: bool
    has_password: bool
    last_login_at: dt.datetime | None
    surname: str = ""
    first_name: str = ""
    patronymic: str = ""


@dataclass(frozen=True)
class IssuedCredential:
    """Shown once and printed on a slip; the password is never stored in clear."""

    user_id: int
    login: str
    password: str
    person: str  # the one person the slip is for (R19)
    role: str
    school_id: int | None = None  # set where the district issued it (a new school's admin)


def user_info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        login=user.login,
        role=user.role,
        name=actor_of(user).name,
        active=user.active,
        locked_until=user.locked_until,
        must_change_password=user.must_change_password,
        has_password=bool(user.password_hash),
        last_login_at=user.last_login_at,
        surname=user.surname,
        first_name=user.first_name,
        patronymic=user.patronymic,
    )


def lockout_delay(lockouts: int) -> dt.timedelta:
    """The n-th lockout in a row lasts 1, 5, 15, then 60 minutes."""
    index = min(max(lockouts, 1), len(LOCKOUT_MINUTES)) - 1
    return dt.timedelta(minutes=LOCKOUT_MINUTES[index])


def _event(login: str, user: User | None, success: bool, reason: str, source: str) -> None:
    LoginEvent.insert(
        login=login[:64],
        user=user.id if user else None,
        success=success,
        reason=reason,
        source=source,
    ).execute()


def authenticate(login: str, password: str, source: str = "", at: dt.datetime | None = None) -> LoginResult:
    """Check a login and password; count failures, lock with a growing delay, log every try.

    A login that names no account, a disabled account and a known one go through the same
    steps: the same argon2 work, failure counters of their own (an unknown login's are kept
    in LoginThrottle), the same lockout with its growing delay, so the answer and its timing
    tell nobody which logins exist or what state they are in. The failure is committed
    before it is reported, so the counters and the login event survive it.
    """
    outcome = _attempt(login, password, source, at or now())
    if isinstance(outcome, str):
        raise AuthenticationError(outcome)
    return outcome


@service
def _attempt(login: str, password: str, source: str, at: dt.datetime) -> LoginResult | str:
    login = login.strip().lower()[:64]
    user = account_named(login)
    with in_school_of(user):  # its school's settings; its login event in its school
        return _check_password(login, password, user, source, at)


def _check_password(
    login: str, password: str, user: User | None, source: str, at: dt.datetime
) -> LoginResult | str:
    settings = load_settings()
    counters = user if user is not None else _throttle(login)
    if counters.locked_until and counters.locked_until > at:
        burn_time(settings)
        _event(login, user, False, "locked", source)
        return LOCKED
    if user is None:
        burn_time(settings)
        return _count_failure(login, None, counters, "unknown", source, at, settings.lockout_threshold)
    matches = verify(user.password_hash, password, settings)  # a disabled account: the same work
    if not user.active or not matches:
        reason = "disabled" if not user.active else "password"
        return _count_failure(login, user, counters, reason, source, at, settings.lockout_threshold)
    changes: dict = dict(
        failed_attempts=0,
        lockouts=0,
        locked_until=None,
        failed_at=None,
        last_login_at=at,
        last_login_source=source,
    )
    if needs_rehash(user.password_hash, settings):
        changes["password_hash"] = hash_password(password, settings)
    User.update(**changes).where(User.id == user.id).execute()
    _event(login, user, True, "", source)
    return LoginResult(
        actor=actor_of(user, source),
        must_change_password=user.must_change_password,
        previous_login_at=user.last_login_at,
        previous_source=user.last_login_source,
    )


COUNTERS_KEPT = dt.timedelta(days=1)  # failures are forgotten after a day without one


def _throttle(login: str) -> LoginThrottle:
    """An unknown login's failure counters (zero for a login never tried)."""
    return LoginThrottle.get_or_none(LoginThrottle.login == login) or LoginThrottle(
        login=login, failed_attempts=0, lockouts=0, locked_until=None, failed_at=None
    )


def _count_failure(
    login: str,
    user: User | None,
    counters: User | LoginThrottle,
    reason: str,
    source: str,
    at: dt.datetime,
    threshold: int,
) -> str:
    """One more failure on the login's counters: the answer, and a lockout at the threshold.

    A known account and an unknown login count alike, and both forget their failures after a
    day without one (an unknown login's row is then deleted), so neither the answers nor the
    length of a lockout tell them apart.
    """
    failed, lockouts = counters.failed_attempts, counters.lockouts
    if counters.failed_at is None or counters.failed_at < at - COUNTERS_KEPT:
        failed, lockouts = 0, 0
    state: dict = dict(failed_attempts=failed + 1, lockouts=lockouts, failed_at=at)
    answer = FAILED
    if failed + 1 >= threshold:
        state.update(failed_attempts=0, lockouts=lockouts + 1, locked_until=at + lockout_delay(lockouts + 1))
        reason, answer = "locked-now", LOCKED
    if user is not None:
        User.update(**state).where(User.id == user.id).execute()
    else:
        row = {"login": login, "locked_until": counters.locked_until, **state}
        LoginThrottle.insert(**row).on_conflict(
            conflict_target=[LoginThrottle.login], update={k: v for k, v in row.items() if k != "login"}
        ).execute()
    LoginThrottle.delete().where(LoginThrottle.failed_at < at - COUNTERS_KEPT).execute()
    _event(login, user, False, reason, source)
    return answer


@service
def change_password(actor: Actor, old_password: str, new_password: str) -> Actor:
    """The user changes their own password (forced after an issued or reset one).

    Every other session of the account ends (someone who knew the old password is out); the
    session that changed it goes on as the returned actor. The district's administrator's
    account has no school: it is changed within the district's scope.
    """
    with in_school_of(account_by_id(actor.user_id)):
        return _change_own_password(actor, old_password, new_password)


def _change_own_password(actor: Actor, old_password: str, new_password: str) -> Actor:
    user = User.get_by_id(actor.user_id)
    settings = load_settings()
    if not verify(user.password_hash, old_password, settings):
        raise ValidationError("Текущий пароль введён неверно.")
    check_new_password(new_password, user.login)
    if new_password == old_password:
        raise ValidationError("Новый пароль должен отличаться от прежнего.")
    User.update(
        password_hash=hash_password(new_password, settings),
        must_change_password=False,
        password_changed_at=now(),
    ).where(User.id == user.id).execute()
    end_sessions(user.id)
    audit.record(actor, "password.change", "user", user.id)
    return replace(actor, epoch=User.get_by_id(user.id).session_epoch)


def unlock_session(actor: Actor, password: str) -> None:
    """Unlocking an idle-locked session: the same user's password, counted like a login.

    Raises AuthenticationError with what is true: a wrong password (counted towards the
    lockout), or the lockout itself, which holds even for the right password.
    """
    authenticate(actor.login, password, actor.source)


def session_ended(actor: Actor) -> str | None:
    """Why this session must end now (its account changed since login), or None.

    The app asks every few seconds, so a disabled, demoted or reset account is out of every
    session within seconds, whichever process made the change.
    """
    try:
        return session_problem(actor)
    except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
        raise StorageError(storage_message(exc)) from exc


RESUME_WINDOW = dt.timedelta(minutes=2)


def resume_session(user_id: int, source: str = "") -> LoginResult:
    """The session of a user whom the SSH server has just logged in (`journal serve ssh`).

    The server verified the password or key and recorded the login; the app it starts gets
    only the user id. It is accepted only while that login is fresh and the account may
    still log in; nothing is written. The previous login shown on home is the one before it.
    """
    user = account_by_id(user_id)
    at = now()
    if user is None or not user.active:
        raise AuthenticationError(FAILED)
    with in_school_of(user):
        return _resumed(user, source, at)


def _resumed(user: User, source: str, at: dt.datetime) -> LoginResult:
    if user.locked_until and user.locked_until > at:
        raise AuthenticationError(LOCKED)
    logins = (
        LoginEvent.select()
        .where((LoginEvent.user == user.id) & LoginEvent.success)
        .order_by(LoginEvent.id.desc())
        .limit(2)
    )
    found = list(logins)
    latest, earlier = (found[0], found[1:]) if found else (None, [])
    if latest is None or not (at - RESUME_WINDOW <= latest.at <= at + RESUME_WINDOW):
        raise AuthenticationError("Сеанс устарел: подключитесь заново.")
    previous = earlier[0] if earlier else None
    return LoginResult(
        actor=actor_of(user, source),
        must_change_password=user.must_change_password,
        previous_login_at=previous.at if previous else None,
        previous_source=previous.source if previous else "",
    )


# --- staff accounts (admin) ----------------------------------------------------------------


def check_free_login(login: str) -> str:
    """A new account's login, well formed and free across the district."""
    login = login.strip().lower()
    if not LOGIN_RE.match(login):
        raise ValidationError(
            "Логин: 3–32 символа, латинские строчные буквы, цифры, точка, дефис или подчёркивание."
        )
    if account_named(login) is not None:
        raise ValidationError(f"Логин «{login}» уже занят.")
    return login


def _check_name(surname: str, first_name: str) -> None:
    if not surname.strip() or not first_name.strip():
        raise ValidationError("Укажите фамилию и имя.")


@service
def create_staff_user(
    actor: Actor,
    login: str,
    role: str,
    surname: str,
    first_name: str,
    patronymic: str = "",
    password: str | None = None,
) -> IssuedCredential:
    """A personal staff account; without `password` a one-time one is generated and shown once."""
    require_admin(actor)
    if role not in STAFF_ROLES:
        raise ValidationError("Сотрудник может быть администратором или учителем.")
    login = check_free_login(login)
    _check_name(surname, first_name)
    settings = load_settings()
    one_time = password is None
    secret = generate_password() if password is None else password
    if not one_time:
        check_new_password(secret, login)
    user = User.create(
        login=login,
        role=role,
        surname=surname.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        password_hash=hash_password(secret, settings),
        must_change_password=one_time,
    )
    audit.record(actor, "user.create", "user", user.id, new={"login": login, "role": role})
    return IssuedCredential(user.id, login, secret, actor_of(user).name, role)


@service
def update_staff_user(actor: Actor, user_id: int, **fields: str) -> UserInfo:
    require_admin(actor)
    user = get_or_refuse(User, user_id)
    allowed = {"surname", "first_name", "patronymic", "role"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Нельзя изменить: {', '.join(sorted(unknown))}")
    if "role" in fields and (fields["role"] not in STAFF_ROLES or user.role not in STAFF_ROLES):
        raise ValidationError("Роль можно менять только между администратором и учителем.")
    if user.id == actor.user_id and fields.get("role", ADMIN) != ADMIN:
        raise ValidationError("Нельзя снять права администратора с самого себя.")
    before = {k: getattr(user, k) for k in allowed}
    after = {**before, **{k: v.strip() for k, v in fields.items()}}
    _check_name(after["surname"], after["first_name"])
    old, new = audit.changes(before, after)
    if new:
        User.update(**new).where(User.id == user.id).execute()
        if "role" in new:  # the account's open sessions had the old rights
            end_sessions(user.id)
        audit.record(actor, "user.update", "user", user.id, old, new)
    return user_info(User.get_by_id(user.id))


@service
def set_user_active(actor: Actor, user_id: int, active: bool) -> UserInfo:
    require_admin(actor)
    user = get_or_refuse(User, user_id)
    if user.id == actor.user_id and not active:
        raise ValidationError("Нельзя отключить собственную учётную запись.")
    User.update(active=active).where(User.id == user.id).execute()
    if not active:
        end_sessions(user.id)
    audit.record(actor, "user.enable" if active else "user.disable", "user", user.id)
    return user_info(User.get_by_id(user.id))


@service
def unlock_user(actor: Actor, user_id: int) -> UserInfo:
    require_admin(actor)
    user = get_or_refuse(User, user_id)
    User.update(locked_until=None, failed_attempts=0, lockouts=0, failed_at=None).where(
        User.id == user.id
    ).execute()
    audit.record(actor, "user.unlock", "user", user.id)
    return user_info(User.get_by_id(user.id))


@service
def reset_password(actor: Actor, user_id: int) -> IssuedCredential:
    """A new one-time password for a staff account (admin); the old one stops working."""
    require_admin(actor)
    user = get_or_refuse(User, user_id)
    if user.role not in STAFF_ROLES:
        raise ValidationError("Пароли учащихся и родителей выдаёт классный руководитель.")
    return _replace_password(actor, user, "user.reset_password")


def _replace_password(actor: Actor, user: User, action: str) -> IssuedCredential:
    secret = generate_password()
    User.update(
        password_hash=hash_password(secret, load_settings()),
        must_change_password=True,
        failed_attempts=0,
        locked_until=None,
        failed_at=None,
    ).where(User.id == user.id).execute()
    end_sessions(user.id)  # whoever was logged in with the old password is out
    audit.record(actor, action, "user", user.id, new={"login": user.login})
    return IssuedCredential(user.id, user.login, secret, actor_of(user).name, user.role)


@reading
def user_by_login(actor: Actor, login: str) -> UserInfo:
    """One account by its login (the command line's `journal user …`): admin only."""
    require_admin(actor)
    user = User.get_or_none(User.login == login.strip().lower())
    if user is None:
        raise NotFound(f"Учётной записи «{login.strip()}» нет.")
    return user_info(user)


@service
def list_users(actor: Actor, roles: tuple[str, ...] = STAFF_ROLES) -> list[UserInfo]:
    require_admin(actor)
    query = User.select().where(User.role.in_(roles)).order_by(User.surname, User.first_name)
    return [user_info(u) for u in query]


# --- diary credentials (homeroom teacher) ----------------------------------------------------

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    out = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    return re.sub(r"[^a-z0-9]", "", out.replace("-", ""))


def _free_login(base: str) -> str:
    base = (base or "user")[:24]
    taken = logins_taken(starting_with=base)
    if base not in taken and len(base) >= 3:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _current_class_ids(student_id: int) -> list[int]:
    from models.core.schema import Enrollment

    today = clock.today()
    rows = Enrollment.select(Enrollment.school_class).where(
        (Enrollment.student == student_id)
        & (Enrollment.start <= today)
        & (Enrollment.end.is_null() | (Enrollment.end >= today))
    )
    return [r.school_class_id for r in rows]


def _require_keeper_of_student(actor: Actor, student_id: int) -> None:
    class_ids = _current_class_ids(student_id)
    if not class_ids:
        if actor.is_admin:
            return
        raise deny("Учащийся сейчас не числится ни в одном классе.")
    for class_id in class_ids:
        try:
            require_class_keeper(actor, class_id)
            return
        except PermissionDenied:  # try the next class the pupil belongs to
            continue
    raise deny("Реквизиты дневника выдаёт классный руководитель класса этого учащегося.")


@service
def issue_credentials(
    actor: Actor, *, student_id: int | None = None, guardian_id: int | None = None
) -> IssuedCredential:
    """Issue (or re-issue) the diary login of one pupil or one guardian (R2, R19).

    Re-issuing keeps the login and invalidates the old password; the new one is shown once.
    """
    from models.people.guardians import require_guardian_keeper

    if (student_id is None) == (guardian_id is None):
        raise ValidationError("Укажите одного человека: учащегося или родителя.")
    person: Student | Guardian | None
    if student_id is not None:
        person = get_or_refuse(Student, student_id)
        _require_keeper_of_student(actor, student_id)
        user = User.get_or_none((User.student == student_id) & (User.role == STUDENT))
        role, link = STUDENT, {"student": student_id}
    else:
        # one of the two is given (checked above): here the guardian
        person = get_or_refuse(Guardian, cast(int, guardian_id), "Такого родителя нет.")
        if not person.may_receive_credentials:
            raise ValidationError("Этому представителю выдача реквизитов дневника запрещена.")
        children = [
            link.student_id
            for link in StudentGuardian.select().where(StudentGuardian.guardian == guardian_id)
        ]
        if not children:
            raise ValidationError("Представитель не связан ни с одним учащимся.")
        # a guardian shared with another class's family: the administrator (models/people/guardians.py)
        require_guardian_keeper(actor, person.id)
        user = User.get_or_none((User.guardian == guardian_id) & (User.role == GUARDIAN))
        role, link = GUARDIAN, {"guardian": person.id}
    if user is not None:
        return _replace_password(actor, user, "credentials.reissue")
    login = _free_login(transliterate(person.surname) + "." + transliterate(person.first_name)[:1])
    user = User.create(
        login=login,
        role=role,
        surname=person.surname,
        first_name=person.first_name,
        patronymic=person.patronymic,
        password_hash=None,
        must_change_password=True,
        **link,
    )
    return _replace_password(actor, user, "credentials.issue")
