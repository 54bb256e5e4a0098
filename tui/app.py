"""The Textual app: log in, land on home (staff) or the diary (pupils, guardians), lock when idle."""

from __future__ import annotations

import os
import time

from textual import events
from textual.app import App
from textual.binding import Binding

from models.accounts import LoginResult
from models.school import classes_kept_by, school_name
from models.settings import load as load_settings
from tui import strings as S
from tui.commands import JournalCommands
from tui.diary import DiaryScreen
from tui.home import HomeScreen
from tui.login import ChangePasswordScreen, LockScreen, LoginScreen
from tui.registry import SECTIONS

IDLE_CHECK_SECONDS = 5.0


def session_source() -> str:
    """Where this session comes from: the SSH client's address, or empty for the console."""
    ssh = os.environ.get("SSH_CLIENT", "").split()
    return ssh[0] if ssh else ""


class JournalApp(App):
    TITLE = S.TITLE
    CSS_PATH = "journal.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", S.KEY_QUIT, id="quit", priority=True),
        Binding("f2", "switch_user", S.KEY_SWITCH_USER, id="switch-user"),
        Binding("f12", "lock", S.KEY_LOCK, id="lock"),
    ]
    COMMANDS = App.COMMANDS | {JournalCommands}

    def __init__(self, *, source: str | None = None, idle_seconds: float | None = None) -> None:
        super().__init__()
        self.source = session_source() if source is None else source
        self.session: LoginResult | None = None
        self.idle_seconds = idle_seconds  # None: from the school's settings at login
        self.last_activity = time.monotonic()
        self.locked = False
        self.screens_allowed: dict[str, str] | None = None

    def on_mount(self) -> None:
        self.sub_title = school_name()
        self.push_screen(LoginScreen(self.sub_title, self.source))
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    # --- the session --------------------------------------------------------------------

    def logged_in(self, result: LoginResult, password: str) -> None:
        self.session = result
        self.screens_allowed = None
        if self.idle_seconds is None:
            self.idle_seconds = load_settings().idle_lock_minutes * 60.0
        self.last_activity = time.monotonic()
        if result.must_change_password:
            self.switch_screen(ChangePasswordScreen(result.actor, password, result))
        else:
            self.land(result)

    def password_changed(self, result: LoginResult) -> None:
        self.notify(S.PASSWORD_CHANGED)
        self.land(result)

    def land(self, result: LoginResult) -> None:
        """The user's first screen: home for staff, the diary for pupils and guardians."""
        self.session = result
        self.screens_allowed = None
        self.sub_title = f"{school_name()} · {result.actor.name}"
        if result.actor.is_staff:
            self.switch_screen(HomeScreen(result))
        else:
            self.switch_screen(DiaryScreen(result.actor))

    def action_switch_user(self) -> None:
        self.session = None
        self.locked = False
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.sub_title = school_name()
        self.switch_screen(LoginScreen(self.sub_title, self.source))

    # --- the screens a user may open ---------------------------------------------------

    def available_screens(self) -> dict[str, str]:
        """Section name → title, for this user only: pupils and guardians get none (R17)."""
        if self.session is None or self.locked or not self.session.actor.is_staff:
            return {}
        if self.screens_allowed is None:
            actor = self.session.actor
            keeps = bool(classes_kept_by(actor))
            self.screens_allowed = {
                name: section.title
                for name, section in SECTIONS.items()
                if section.allowed(actor, keeps)
            }
        return self.screens_allowed

    def action_open(self, name: str) -> None:
        if name not in self.available_screens():
            self.bell()
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(SECTIONS[name].build(self.session.actor))  # type: ignore[union-attr]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return parameters[0] in self.available_screens() if parameters else False
        if action == "switch_user":
            return self.session is not None
        if action == "lock":
            return self.session is not None and not self.locked
        return True

    # --- the idle lock ----------------------------------------------------------------

    def lock_if_idle(self) -> None:
        if self.session is None or self.locked or self.idle_seconds is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_seconds:
            self.action_lock()

    def action_lock(self) -> None:
        if self.session is None or self.locked:
            return
        self.locked = True
        self.push_screen(LockScreen(self.session.actor))

    def unlock(self) -> None:
        self.locked = False
        self.last_activity = time.monotonic()
        self.pop_screen()


def run_app() -> int:
    JournalApp().run(mouse=False)
    return 0
