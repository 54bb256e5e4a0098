"""Personal accounts (R2, R18, R19): logging in, lockout with a growing delay, diary credentials
issued once, password rules, rehashing on login, and no password in any log."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest

from models.core.errors import AuthenticationError, ValidationError
from models.core.schema import AuditEntry, LoginEvent, User
from models.people import accounts
from models.school.identity import update_setting
from tests.shared import small, small_once  # noqa: F401 (fixtures)

T0 = dt.datetime(2026, 11, 28, 9, 0, 0)
SLIP = re.compile(r"^[dfghjnqrtuvw34679]{4}-[dfghjnqrtuvw34679]{4}-[dfghjnqrtuvw34679]{4}$")


def fail(login: str, password: str, at: dt.datetime) -> str:
    with pytest.raises(AuthenticationError) as refused:
        accounts.authenticate(login, password, "10.0.0.5", at=at)
    return refused.value.message


def user(login: str) -> User:
    return User.get(User.login == login)


# --- logging in -------------------------------------------------------------------------------


def test_authenticate_right_and_wrong(small):
    result = accounts.authenticate(" Petrov ", "petrov-pass", "10.0.0.5", at=T0)
    assert result.actor.login == "petrov"
    assert result.actor.user_id == small.teacher.user_id
    assert result.actor.source == "10.0.0.5"
    assert result.must_change_password is False  # the admin set this password for him
    assert result.previous_login_at is None
    row = user("petrov")
    assert (row.last_login_at, row.last_login_source, row.failed_attempts) == (T0, "10.0.0.5", 0)

    assert fail("petrov", "petrov-pass!", T0) == accounts.FAILED
    assert user("petrov").failed_attempts == 1
    again = accounts.authenticate("petrov", "petrov-pass", at=T0 + dt.timedelta(minutes=1))
    assert again.previous_login_at == T0
    assert again.previous_source == "10.0.0.5"
    assert user("petrov").failed_attempts == 0  # a success clears the count
    events = [(e.login, e.success, e.reason) for e in LoginEvent.select().order_by(LoginEvent.id)]
    assert events == [
        ("petrov", True, ""),
        ("petrov", False, "password"),
        ("petrov", True, ""),
    ]


def test_unknown_login_reads_like_a_wrong_password(small):
    wrong_password = fail("petrov", "nope-nope", T0)
    unknown_login = fail("petrova", "nope-nope", T0)
    assert wrong_password == unknown_login == "Неверный логин или пароль."
    accounts.set_user_active(small.admin, small.other.user_id, False)
    assert fail("sidorova", "sidorova-pass", T0) == wrong_password  # disabled: the same words
    reasons = [e.reason for e in LoginEvent.select().order_by(LoginEvent.id)]
    assert reasons == ["password", "unknown", "disabled"]


def test_lockout_after_five_failures_with_a_growing_delay(small):
    # the 1st lockout lasts 1 minute, the 2nd 5, the 3rd 15 (then 60)
    at = T0
    for expected_minutes in (1, 5, 15):
        for attempt in range(1, 6):
            message = fail("petrov", f"wrong-{attempt}", at)
            assert message == (accounts.LOCKED if attempt == 5 else accounts.FAILED)
        row = user("petrov")
        assert row.locked_until == at + dt.timedelta(minutes=expected_minutes)
        # locked: even the right password is refused, and changes nothing
        assert fail("petrov", "petrov-pass", row.locked_until - dt.timedelta(seconds=1)) == (accounts.LOCKED)
        assert user("petrov").locked_until == row.locked_until
        at = row.locked_until + dt.timedelta(seconds=1)
    assert user("petrov").lockouts == 3
    assert [accounts.lockout_delay(n).seconds // 60 for n in (1, 2, 3, 4, 9)] == [1, 5, 15, 60, 60]
    # once the delay is over the right password works and the ladder starts again
    accounts.authenticate("petrov", "petrov-pass", at=at)
    row = user("petrov")
    assert (row.lockouts, row.failed_attempts, row.locked_until) == (0, 0, None)
    reasons = [e.reason for e in LoginEvent.select().where(~LoginEvent.success)]
    assert reasons.count("locked-now") == 3
    assert reasons.count("locked") == 3


def test_admin_unlocks_an_account(small):
    for attempt in range(5):
        fail("petrov", f"wrong-{attempt}", T0)
    assert fail("petrov", "petrov-pass", T0 + dt.timedelta(seconds=10)) == accounts.LOCKED
    info = accounts.unlock_user(small.admin, small.teacher.user_id)
    assert info.locked_until is None
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        small.admin.user_id,
        "user.unlock",
        small.teacher.user_id,
    )
    result = accounts.authenticate("petrov", "petrov-pass", at=T0 + dt.timedelta(seconds=20))
    assert result.actor.user_id == small.teacher.user_id


def test_threshold_is_a_setting(small):
    update_setting(small.admin, "lockout_threshold", "3")
    assert [fail("petrov", "x-wrong-pass", T0) for _ in range(3)] == [
        accounts.FAILED,
        accounts.FAILED,
        accounts.LOCKED,
    ]


# --- diary credentials (R2, R19) ----------------------------------------------------------------


def test_issue_credentials_once_then_forced_change(small):
    cred = accounts.issue_credentials(small.homeroom, student_id=small.pupils[1])
    assert (cred.login, cred.person, cred.role) == ("borisova.b", "Борисова Бэлла", "student")
    assert SLIP.match(cred.password)
    row = user(cred.login)
    assert row.student_id == small.pupils[1]
    assert row.password_hash.startswith("$argon2id$")
    assert cred.password not in row.password_hash
    assert row.must_change_password is True
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        small.homeroom.user_id,
        "credentials.issue",
        row.id,
    )

    result = accounts.authenticate(cred.login, cred.password, at=T0)
    assert result.must_change_password is True
    assert (result.actor.role, result.actor.student_id) == ("student", small.pupils[1])
    accounts.change_password(result.actor, cred.password, "my-own-secret")
    assert accounts.authenticate(cred.login, "my-own-secret", at=T0).must_change_password is False


def test_diary_logins_are_transliterated_and_never_collide(small):
    from models.people import roster

    namesake = roster.add_student(
        small.homeroom,
        small.class_a,
        {"surname": "Андреев", "first_name": "Алексей"},  # pupil 0 is Андреев Андрей
        dt.date(2026, 11, 9),
    ).id
    yo = roster.add_student(
        small.homeroom,
        small.class_a,
        {"surname": "Соловьёв", "first_name": "Юрий"},
        dt.date(2026, 11, 9),
    ).id
    assert accounts.issue_credentials(small.homeroom, student_id=namesake).login == "andreev.a2"
    assert accounts.issue_credentials(small.homeroom, student_id=yo).login == "solovev.y"


def test_reissue_invalidates_the_old_password(small):
    login = "andreeva.o"  # the mother's account, issued by the factory
    old = small.passwords[login]
    accounts.authenticate(login, old, at=T0)
    new = accounts.issue_credentials(small.homeroom, guardian_id=small.guardian_id)
    assert new.login == login
    assert new.password != old
    assert fail(login, old, T0) == accounts.FAILED
    result = accounts.authenticate(login, new.password, at=T0)
    assert result.must_change_password is True
    assert result.actor.guardian_id == small.guardian_id
    assert User.select().where(User.guardian == small.guardian_id).count() == 1
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == ("credentials.reissue")


def test_admin_resets_a_staff_password(small):
    cred = accounts.reset_password(small.admin, small.teacher.user_id)
    assert SLIP.match(cred.password)
    assert fail("petrov", "petrov-pass", T0) == accounts.FAILED
    assert accounts.authenticate("petrov", cred.password, at=T0).must_change_password is True
    with pytest.raises(ValidationError, match="классный руководитель"):
        accounts.reset_password(small.admin, small.student.user_id)


# --- password rules -----------------------------------------------------------------------------


def test_change_password_rules(small):
    me = small.teacher
    cases = [
        ("petrov-pass", "short7!", "не короче 8"),
        ("petrov-pass", "PETROV", "не короче 8"),
        ("petrov-pass", "petrov-pass", "отличаться от прежнего"),
        ("petrov-pass", " spaced-password", "пробелом"),
        ("not-my-password", "a-good-password", "Текущий пароль введён неверно"),
    ]
    for old, new, message in cases:
        with pytest.raises(ValidationError, match=message):
            accounts.change_password(me, old, new)
    # a password equal to the login is refused (a login of at least 8 characters to show it)
    long_login = accounts.create_staff_user(
        small.admin, "kuznetsova", "teacher", "Кузнецова", "Вера", password="vera-secret"
    )
    vera = accounts.authenticate("kuznetsova", "vera-secret", at=T0).actor
    with pytest.raises(ValidationError, match="не должен совпадать с логином"):
        accounts.change_password(vera, "vera-secret", "Kuznetsova")
    assert long_login.login == "kuznetsova"
    # the confirmation field is the screen's business: the service takes old and new only
    assert list(inspect.signature(accounts.change_password).parameters) == [
        "actor",
        "old_password",
        "new_password",
    ]
    accounts.change_password(me, "petrov-pass", "petrov-new-pass")
    row = user("petrov")
    assert row.must_change_password is False
    assert row.password_changed_at is not None
    assert fail("petrov", "petrov-pass", T0) == accounts.FAILED
    accounts.authenticate("petrov", "petrov-new-pass", at=T0)


def test_login_rehashes_when_argon2_settings_change(small):
    before = user("petrov").password_hash
    assert "m=1024,t=1,p=1" in before  # the factory's fast test settings
    accounts.authenticate("petrov", "petrov-pass", at=T0)
    assert user("petrov").password_hash == before  # current parameters: left alone
    update_setting(small.admin, "argon2_time_cost", "2")
    update_setting(small.admin, "argon2_memory_kib", "2048")
    fail("petrov", "wrong-pass", T0)
    assert user("petrov").password_hash == before  # a failed login never rehashes
    accounts.authenticate("petrov", "petrov-pass", at=T0)
    after = user("petrov").password_hash
    assert after != before
    assert "m=2048,t=2,p=1" in after
    accounts.authenticate("petrov", "petrov-pass", at=T0)
    assert user("petrov").password_hash == after


# --- no password in any log (R18) ---------------------------------------------------------------


def test_no_password_reaches_the_audit_trail_or_the_login_log(small):
    issued = dict(small.passwords)
    staff = accounts.create_staff_user(small.admin, "novikov", "teacher", "Новиков", "Олег")
    issued[staff.login] = staff.password
    issued["petrov"] = accounts.reset_password(small.admin, small.teacher.user_id).password
    pupil = accounts.issue_credentials(small.homeroom, student_id=small.pupils[2])
    issued[pupil.login] = pupil.password
    again = accounts.issue_credentials(small.homeroom, student_id=small.pupils[2])
    actor = accounts.authenticate(pupil.login, again.password, at=T0).actor
    accounts.change_password(actor, again.password, "pupil-chosen-1")
    fail("ivanova", "ivanova-wrong", T0)
    fail("nobody", "nobody-pass", T0)
    secrets = [*issued.values(), again.password, "pupil-chosen-1", "ivanova-wrong", "nobody-pass"]

    texts: list[str] = []
    for entry in AuditEntry.select():
        texts += [entry.action, entry.entity, entry.old, entry.new, entry.source]
    for event in LoginEvent.select():
        texts += [event.login, event.reason, event.source]
    assert len(texts) > 50
    leaks = [(secret, text) for secret in secrets for text in texts if secret in text]
    assert leaks == []
    # nor does a hash: the audit never copies a user row
    assert not any("$argon2" in text for text in texts)
