"""Logging in, the forced password change, and the idle lock (R18)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from models.core.access import Actor
from models.core.errors import AuthenticationError, JournalError
from tui import strings as S
from tui.widgets.footer import QUIT, KeysFooter
from tui.worker import store_worker

if TYPE_CHECKING:  # the accounts' services are imported when used: the login screen comes up first
    from models.people.accounts import LoginResult


def after_typed_keys(first: Input, second: Input, action) -> None:
    """Run `action` once both fields have taken every key already sent to them.

    Each widget works through its own queue; a callback queued behind the keys runs after
    them, so a burst like "login⏎password⏎" is complete before it is checked.
    """
    first.call_later(lambda: second.call_later(action))


class LoginScreen(Screen):
    """Login and password; argon2 runs in a worker so the screen never freezes."""

    BINDINGS = [QUIT]

    def __init__(
        self, school: str, source: str, demo_logins: list[dict] | None = None, notice: str = ""
    ) -> None:
        super().__init__()
        self.school = school
        self.source = source
        self.demo_logins = demo_logins or []
        self.notice = notice  # why the previous session ended, if it was ended

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box", classes="dialog"):
            yield Static(S.TITLE, classes="dialog-title")
            yield Static(self.school, classes="dialog-subtitle")
            # one-line fields: the box with a three-line lockout message and the demo's logins
            # still fits 24 rows
            yield Label(S.LOGIN_LABEL)
            yield Input(id="login", compact=True)
            yield Label(S.PASSWORD_LABEL, classes="field-gap")
            yield Input(id="password", password=True, compact=True)
            yield Static(
                self.notice or S.LOGIN_HINT,
                id="login-status",
                classes="status error" if self.notice else "status",
            )
            if self.demo_logins:  # a demo school: its printed logins, so a newcomer can walk in
                lines = [S.DEMO_LOGINS] + [
                    S.DEMO_LOGIN_LINE.format(
                        role=S.DEMO_ROLES.get(d["role"], d["role"]), login=d["login"], password=d["password"]
                    )
                    for d in self.demo_logins
                ]
                yield Static("\n".join(lines), id="demo-logins", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#login", Input).focus()

    def advance_field(self) -> bool:
        """Enter (handled by the app, in key order): login → password → log in."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "login":
            self.set_focus(self.query_one("#password", Input))
            return True
        if isinstance(focused, Input) and focused.id == "password" and not focused.disabled:
            after_typed_keys(self.query_one("#login", Input), focused, self.submit)
            return True
        return False

    def submit(self) -> None:
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login or not password:
            self.show_status(S.EMPTY_FIELDS, error=True)
            return
        self.show_status(S.CHECKING)
        self.query_one("#password", Input).disabled = True
        self.check(login, password)

    def show_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#login-status", Static)
        status.update(text)
        status.set_class(error, "error")

    @store_worker(exclusive=True, group="login")
    def check(self, login: str, password: str) -> None:
        from models.people.accounts import authenticate

        try:
            result = authenticate(login, password, self.source)
        except JournalError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.succeeded, result, password)

    def failed(self, message: str) -> None:
        field = self.query_one("#password", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self.show_status(message, error=True)

    def succeeded(self, result: LoginResult, password: str) -> None:
        self.app.logged_in(result, password)  # type: ignore[attr-defined]


class ChangePasswordScreen(Screen):
    """A new password (twice) after an issued or reset one; the old one was just typed."""

    BINDINGS = [QUIT]

    def __init__(self, actor: Actor, current_password: str, result: LoginResult) -> None:
        super().__init__()
        self.actor = actor
        self.current_password = current_password
        self.result = result

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box", classes="dialog"):
            yield Static(S.CHANGE_TITLE, classes="dialog-title")
            yield Static(S.CHANGE_FORCED, classes="dialog-text")
            yield Label(S.NEW_PASSWORD)
            yield Input(id="new", password=True)
            yield Label(S.REPEAT_PASSWORD)
            yield Input(id="repeat", password=True)
            yield Static("", id="password-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#new", Input).focus()

    def advance_field(self) -> bool:
        """Enter (handled by the app, in key order): new → repeat → save."""
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "new":
            self.set_focus(self.query_one("#repeat", Input))
            return True
        if isinstance(focused, Input) and focused.id == "repeat":
            after_typed_keys(self.query_one("#new", Input), focused, self.submit)
            return True
        return False

    def submit(self) -> None:
        new = self.query_one("#new", Input).value
        repeat = self.query_one("#repeat", Input).value
        if new != repeat:
            self.failed(S.MISMATCH)
            return
        self.save(new)

    @store_worker(exclusive=True, group="password")
    def save(self, new: str) -> None:
        from models.people.accounts import change_password

        try:
            actor = change_password(self.actor, self.current_password, new)
        except JournalError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        # the change ended the account's other sessions; this one goes on as `actor`
        result = replace(self.result, actor=actor)
        self.app.call_from_thread(self.app.password_changed, result)  # type: ignore[attr-defined]

    def failed(self, message: str) -> None:
        status = self.query_one("#password-status", Static)
        status.update(message)
        status.add_class("error")
        for field in self.query(Input):
            field.value = ""
        self.query_one("#new", Input).focus()


class LockScreen(Screen):
    """Covers every screen after the idle time or F12: only the same user's password opens it."""

    BINDINGS = [QUIT]

    def __init__(self, actor: Actor, *, idle: bool = True) -> None:
        super().__init__()
        self.actor = actor
        self.idle = idle  # locked by the idle timer, or by the user (F12)

    def compose(self) -> ComposeResult:
        text = S.LOCKED_TEXT if self.idle else S.LOCKED_BY_KEY_TEXT
        with Vertical(id="lock-box", classes="dialog"):
            yield Static(S.LOCKED_TITLE, classes="dialog-title")
            yield Static(text.format(name=self.actor.name), classes="dialog-text")
            yield Label(S.PASSWORD_LABEL)
            yield Input(id="unlock", password=True)
            yield Static("", id="lock-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#unlock", Input).focus()

    def advance_field(self) -> bool:
        """Enter (handled by the app, in key order): check the password."""
        field = self.query_one("#unlock", Input)
        if self.focused is field and not field.disabled:
            after_typed_keys(field, field, self.check_password)
            return True
        return False

    def check_password(self) -> None:
        field = self.query_one("#unlock", Input)
        field.disabled = True
        status = self.query_one("#lock-status", Static)
        status.update(S.UNLOCK_CHECKING)
        status.remove_class("error")
        self.unlock(field.value)

    @store_worker(exclusive=True, group="unlock")
    def unlock(self, password: str) -> None:
        from models.people.accounts import FAILED, unlock_session

        try:
            unlock_session(self.actor, password)
        except AuthenticationError as exc:
            # a wrong password, or the lockout (which refuses the right one too): say which
            message = S.UNLOCK_FAILED if exc.message == FAILED else exc.message
            self.app.call_from_thread(self.failed, message)
            return
        except JournalError as exc:  # the store is unreachable
            self.app.call_from_thread(self.failed, exc.message)
            return
        self.app.call_from_thread(self.unlocked)

    def unlocked(self) -> None:
        self.app.unlock()  # type: ignore[attr-defined]

    def failed(self, message: str) -> None:
        field = self.query_one("#unlock", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        status = self.query_one("#lock-status", Static)
        status.update(message)
        status.add_class("error")
