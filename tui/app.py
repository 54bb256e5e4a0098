"""The Textual app: log in, land on home (staff) or the diary (pupils, guardians), lock when idle."""

from __future__ import annotations

import os
import sys
import time

from textual import events
from textual.app import App
from textual.binding import Binding

from models.accounts import LoginResult
from models.errors import JournalError
from models.school import classes_kept_by, demo_logins, school_name
from models.settings import load as load_settings
from tui import render
from tui import strings as S
from tui.login import ChangePasswordScreen, LockScreen, LoginScreen
from tui.registry import SECTIONS

IDLE_CHECK_SECONDS = 5.0
IDLE_EXIT = "idle-exit"


def journal_commands():
    """The palette's provider, loaded when the palette first opens (not at start-up)."""
    from tui.commands import JournalCommands

    return JournalCommands


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
    COMMANDS = App.COMMANDS | {journal_commands}

    def __init__(
        self,
        *,
        source: str | None = None,
        idle_seconds: float | None = None,
        resume: tuple[LoginResult, str] | None = None,
        locked_exit_seconds: float | None = None,
        served: bool = False,
    ) -> None:
        super().__init__()
        # journal serve ssh: the server verified the login (result, password for a forced
        # change); the app ends itself once locked that long; no screenshots on the server
        self.resume = resume
        self.locked_exit_seconds = locked_exit_seconds
        self.served = served
        self.locked_at = 0.0
        self.source = session_source() if source is None else source
        self.session: LoginResult | None = None
        self.idle_seconds = idle_seconds  # None: from the school's settings at login
        self.last_activity = time.monotonic()
        self.locked = False
        self.screens_allowed: dict[str, str] | None = None

    def on_mount(self) -> None:
        self.sub_title = school_name()
        self.push_screen(LoginScreen(self.sub_title, self.source, demo_logins()))
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        if self.resume is not None:
            result, password = self.resume
            self.resume = None
            self.logged_in(result, password)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_activity = time.monotonic()
            # Enter on the login, password-change and lock screens moves between fields here,
            # at once: keys typed ahead in the same burst then reach the right field (a
            # password must never land, visible, in the login field)
            if isinstance(event, events.Key) and event.key == "enter" and not event.is_forwarded:
                advance = getattr(self.screen, "advance_field", None)
                if advance is not None and advance():
                    return
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
        # imported here: the login screen comes up without the journal's screens loaded
        if result.actor.is_staff:
            from tui.home import HomeScreen

            self.switch_screen(HomeScreen(result))
        else:
            from tui.diary import DiaryScreen

            self.switch_screen(DiaryScreen(result.actor))

    def action_switch_user(self) -> None:
        self.session = None
        self.locked = False
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.sub_title = school_name()
        self.switch_screen(LoginScreen(self.sub_title, self.source, demo_logins()))

    # --- the screens a user may open ---------------------------------------------------

    def available_screens(self) -> dict[str, str]:
        """Section name → title, for this user only: pupils and guardians get none (R17)."""
        if self.session is None or self.locked or not self.session.actor.is_staff:
            return {}
        if self.screens_allowed is None:
            actor = self.session.actor
            keeps = bool(classes_kept_by(actor))
            self.screens_allowed = {
                name: section.title for name, section in SECTIONS.items() if section.allowed(actor, keeps)
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
        if self.locked and self.locked_exit_seconds is not None:
            if time.monotonic() - self.locked_at >= self.locked_exit_seconds:
                self.exit(IDLE_EXIT)  # the SSH connection closes with the app
            return
        if self.session is None or self.locked or self.idle_seconds is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_seconds:
            self.action_lock()

    def action_lock(self) -> None:
        if self.session is None or self.locked:
            return
        self.locked = True
        self.locked_at = time.monotonic()
        self.push_screen(LockScreen(self.session.actor))

    def get_system_commands(self, screen):
        for command in super().get_system_commands(screen):
            if not (self.served and command.title == "Screenshot"):  # no files on the server
                yield command

    def unlock(self) -> None:
        self.locked = False
        self.last_activity = time.monotonic()
        self.pop_screen()


def run_app(
    *,
    resume: LoginResult | None = None,
    password: str = "",
    source: str | None = None,
    locked_exit_minutes: float | None = None,
    served: bool = False,
) -> int:
    if not os.environ.get("TEXTUAL_DRIVER") and not (sys.stdin.isatty() and sys.stdout.isatty()):
        # e.g. `ssh -T` or `ssh host cmd` under OpenSSH's ForceCommand: refuse, do not hang
        raise JournalError(S.NEEDS_TERMINAL)
    render.install()
    app = JournalApp(
        source=source,
        resume=(resume, password) if resume is not None else None,
        locked_exit_seconds=locked_exit_minutes * 60.0 if locked_exit_minutes else None,
        served=served,
    )
    if app.run(mouse=False) == IDLE_EXIT:
        print(S.IDLE_EXIT_MESSAGE)
    return 0
