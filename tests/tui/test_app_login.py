"""Pilot workflows of logging in, the forced change, the idle lock and the diary (issue: access)."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from models.core.errors import AuthenticationError
from models.core.schema import AuditEntry, DiaryView, LoginEvent, User
from models.journal import entries
from models.people import accounts, guardians
from tests.factory import past_lesson
from tui.app import JournalApp
from tui.screens.accounts import AccountsScreen
from tui.screens.credentials import CredentialsScreen
from tui.screens.diary import DiaryScreen
from tui.screens.home import HomeScreen
from tui.screens.login import ChangePasswordScreen, LockScreen, LoginScreen
from tui.widgets.dialogs import ConfirmDialog, SecretDialog

SIZE = (80, 24)


async def settle(app, pilot) -> None:
    """Let the argon2 worker finish and the screen update."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def log_in(app, pilot, login: str, password: str) -> None:
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#login", Input).value = login
    await pilot.press("enter")  # Enter in the login field moves to the password
    for ch in password[:3]:
        await pilot.press(ch)  # typed like a user …
    screen.query_one("#password", Input).value = password  # … the rest set at once (speed)
    await pilot.press("enter")
    await settle(app, pilot)


def status_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.asyncio
async def test_wrong_then_right_password_lands_home_with_last_login(small_sqlite):
    s = small_sqlite
    accounts.authenticate("petrov", s.passwords["petrov"], "10.1.2.3")  # an earlier session
    app = JournalApp(source="10.9.9.9")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "petrov", "not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert "Неверный логин или пароль" in status_text(app, "#login-status")
        assert app.screen.query_one("#password", Input).value == ""
        await log_in(app, pilot, "petrov", s.passwords["petrov"])
        assert isinstance(app.screen, HomeScreen)
        last = status_text(app, "#home-last-login")
        assert "Последний вход" in last and "10.1.2.3" in last
    events = list(LoginEvent.select().where(LoginEvent.login == "petrov").order_by(LoginEvent.id))
    assert [(e.success, e.source) for e in events] == [
        (True, "10.1.2.3"),
        (False, "10.9.9.9"),
        (True, "10.9.9.9"),
    ]


@pytest.mark.asyncio
async def test_unknown_login_gets_the_same_message_and_five_failures_lock(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "nobody", "whatever-1")
        unknown = status_text(app, "#login-status")
        await log_in(app, pilot, "petrov", "whatever-1")
        assert status_text(app, "#login-status") == unknown
        for _ in range(4):
            await log_in(app, pilot, "petrov", "whatever-1")
        assert "слишком много неудачных попыток" in status_text(app, "#login-status")
        await log_in(app, pilot, "petrov", s.passwords["petrov"])  # right password, still locked
        assert isinstance(app.screen, LoginScreen)
        assert "слишком много неудачных попыток" in status_text(app, "#login-status")
    assert User.get(User.login == "petrov").locked_until is not None


@pytest.mark.asyncio
async def test_guardian_must_change_issued_password_then_sees_the_week(small_sqlite):
    s = small_sqlite
    tuesday_date = dt.date(2026, 11, 24)
    lesson = past_lesson(s, day=tuesday_date)
    entries.update_lesson(s.teacher, lesson, topic="Десятичные дроби", homework="№ 512")
    entries.set_mark(s.teacher, lesson, s.pupils[0], "4")
    login = s.guardian.login
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, login, s.passwords[login])
        assert isinstance(app.screen, ChangePasswordScreen)
        app.screen.query_one("#new", Input).value = "short"
        await pilot.press("enter")
        app.screen.query_one("#repeat", Input).value = "short"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "не короче 8" in status_text(app, "#password-status")
        app.screen.query_one("#new", Input).value = "my-own-pass-1"
        await pilot.press("enter")
        app.screen.query_one("#repeat", Input).value = "my-own-pass-1"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        tuesday = next(r for r in rows if r[2] == "Математика")
        assert tuesday[0].startswith(f"Вт {tuesday_date:%d.%m}") and tuesday[3] == "4"
        assert "Десятичные дроби" in tuesday[4] and "№ 512" in tuesday[4]
        # no journal screen is reachable: no key, no palette entry, no action
        assert app.available_screens() == {}
        await pilot.press("u", "r", "г", "к")
        assert isinstance(app.screen, DiaryScreen)
        app.action_open("accounts")
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press("left")
        await pilot.press("m")
    assert accounts.authenticate(login, "my-own-pass-1").must_change_password is False
    views = [(v.what, v.student_id) for v in DiaryView.select().order_by(DiaryView.id)]
    assert views[:2] == [("open", s.pupils[0]), ("week", s.pupils[0])]
    assert ("period", s.pupils[0]) in views and len([v for v in views if v[0] == "week"]) == 2


@pytest.mark.asyncio
async def test_idle_lock_hides_the_screen_and_unlock_keeps_the_place(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="", idle_seconds=60)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "ivanova", s.passwords["ivanova"])
        await pilot.press("r")  # the class's diary credentials
        await pilot.pause()
        assert isinstance(app.screen, CredentialsScreen)
        await pilot.press("down", "down")
        app.last_activity -= 61  # a minute passes without a key
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert not app.screen.query("DataTable")  # nothing of the class shows through
        app.screen.query_one("#unlock", Input).value = "wrong-password"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LockScreen)
        assert "неверный" in status_text(app, "#lock-status")
        app.screen.query_one("#unlock", Input).value = s.passwords["ivanova"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CredentialsScreen)
        assert app.screen.query_one(DataTable).cursor_row == 2


@pytest.mark.asyncio
async def test_homeroom_issues_guardian_credentials_and_the_guardian_logs_in(small_sqlite):
    s = small_sqlite
    father = guardians.add_guardian(
        s.homeroom, s.pupils[1], {"surname": "Борисов", "first_name": "Борис"}, "отец"
    )
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "ivanova", s.passwords["ivanova"])
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CredentialsScreen)
        row = next(i for i, r in enumerate(screen.rows) if r.guardian_id == father.id)
        assert screen.rows[row].login is None
        screen.query_one(DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SecretDialog) and "Борисов Борис" in dialog.person
        login, password = dialog.login, dialog.password
        await pilot.press("escape")
        await pilot.press("enter")  # the same row again: re-issuing asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CredentialsScreen)
        await pilot.press("f2")  # switch user
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot, login, password)
        assert isinstance(app.screen, ChangePasswordScreen)
    # nothing secret was logged
    assert not [a for a in AuditEntry.select() if password in a.old + a.new]


@pytest.mark.asyncio
async def test_admin_creates_a_teacher_and_resets_a_password(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "admin", s.passwords["admin"])
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        await pilot.press("insert")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-login", Input).value = "kuznetsova"
        form.query_one("#f-surname", Input).value = "Кузнецова"
        form.query_one("#f-first_name", Input).value = "Елена"
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SecretDialog) and dialog.login == "kuznetsova"
        first_password = dialog.password
        await pilot.press("escape")
        await pilot.pause()
        accounts_screen = app.screen
        row = next(i for i, u in enumerate(accounts_screen.users) if u.login == "kuznetsova")
        accounts_screen.query_one(DataTable).move_cursor(row=row)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SecretDialog)
        second_password = app.screen.password
    assert second_password != first_password
    with pytest.raises(AuthenticationError):
        accounts.authenticate("kuznetsova", first_password)
    assert accounts.authenticate("kuznetsova", second_password).must_change_password


async def test_a_demo_schools_login_screen_lists_its_logins_and_they_work(tmp_path):
    from demo.builder import build_demo
    from models.core import db as dbmod

    result = build_demo(str(tmp_path / "demo.sqlite"), size="small")
    app = JournalApp(source="")
    try:
        async with app.run_test(size=SIZE) as pilot:
            shown = status_text(app, "#demo-logins")
            for login in result.logins:
                assert login["login"] in shown and login["password"] in shown
            for _ in range(5):  # the lockout's three-line message: the box still fits 24 rows
                await log_in(app, pilot, "admin", "wrong-password")
            assert "слишком много" in status_text(app, "#login-status")
            box = app.screen.query_one("#login-box")
            assert box.max_scroll_y == 0 and box.region.bottom <= SIZE[1] - 1  # issue 15, point 20
            assert app.screen.query_one("#demo-logins").region.bottom < box.region.bottom
            teacher = next(d for d in result.logins if d["role"] == "teacher")
            await log_in(app, pilot, teacher["login"], teacher["password"])
            assert isinstance(app.screen, HomeScreen)
    finally:
        dbmod.close()


async def test_a_real_schools_login_screen_shows_no_logins(small_sqlite):
    app = JournalApp(source="")
    async with app.run_test(size=SIZE):
        assert not app.screen.query("#demo-logins")


async def test_login_typed_ahead_in_one_burst_goes_to_the_right_fields(small_sqlite):
    """A password manager or a slow link delivers "login⏎password⏎" at once: the password
    must land in the password field (never visible in the login field) and log in."""
    from textual import events

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        burst = [*"petrov", "enter", *s.passwords["petrov"], "enter"]
        for key in burst:  # queued all together, before the app handles any of them
            app.post_message(events.Key(key, None if key == "enter" else key))
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_a_new_password_typed_ahead_twice_is_saved(small_sqlite):
    from textual import events

    s = small_sqlite
    login = s.guardian.login
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, login, s.passwords[login])
        assert isinstance(app.screen, ChangePasswordScreen)
        for key in [*"fast-typist-1", "enter", *"fast-typist-1", "enter"]:
            app.post_message(events.Key(key, None if key == "enter" else key))
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
    assert accounts.authenticate(login, "fast-typist-1").must_change_password is False
