"""The Textual app: log in, land on home (staff) or the diary (pupils, guardians), lock when idle."""

from __future__ import annotations

import gc
import importlib
import os
import re
import sys
import time
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Input

from models.core.access import Actor, begin_session, on_session_ended
from models.core.errors import JournalError
from models.core.service import STORE_FAILURES, storage_failure
from models.core.settings import load as load_settings
from models.core.store import enter_only_school
from models.school.identity import demo_logins, school_name
from tui import strings as S
from tui.screens.login import ChangePasswordScreen, LockScreen, LoginScreen
from tui.widgets import render

if TYPE_CHECKING:
    from textual.driver import Driver

    from models.people.accounts import LoginResult

# What a session needs once logged in, not to draw the login screen: imported while the user
# reads it (start_collecting), and where it is used (a served session has them all already)
AFTER_THE_LOGIN_SCREEN = (
    "models.people.accounts",
    "models.school.classes",
    "tui.files",
    "tui.registry",
    "tui.serve.web_signal",
)

IDLE_CHECK_SECONDS = 5.0
SESSION_CHECK_SECONDS = 2.0  # a disabled or reset account is out within this long
SETTINGS_CHECK_SECONDS = 60.0  # a changed idle-lock setting reaches open sessions within this
IDLE_EXIT = "idle-exit"
SESSION_ENDED_EXIT = "session-ended"
FOCUS_KEYS = {"tab": "focus_next", "shift+tab": "focus_previous"}
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"  # as textual-serve names it


def journal_commands():
    """The palette's provider, loaded when the palette first opens (not at start-up)."""
    from tui.commands import JournalCommands

    return JournalCommands


def session_source() -> str:
    """Where this session comes from: the SSH client's address, the browser's address that
    `journal serve web` passes in JOURNAL_SOURCE, or empty for the console."""
    ssh = os.environ.get("SSH_CLIENT", "").split()
    if ssh:
        return ssh[0]
    return os.environ.get("JOURNAL_SOURCE", "").strip()[:64]


class JournalApp(App):
    TITLE = S.TITLE
    CSS_PATH = "journal.tcss"
    BINDINGS = [
        # shown by the screens a session starts or ends on (tui/widgets/footer.py: QUIT)
        Binding("ctrl+q", "quit", S.KEY_QUIT, id="quit", show=False, priority=True),
        # F2 and F12 are listed by F1 and on home; the footer's room is the screen's own keys
        Binding("f2", "switch_user", S.KEY_SWITCH_USER, id="switch-user", show=False),
        Binding("f12", "lock", S.KEY_LOCK, id="lock", show=False),
        # shown once, docked at the footer's right edge (COMMAND_PALETTE_BINDING below)
        Binding("f1", "help", S.KEY_HELP, id="help", key_display="F1", priority=True, show=False),
        Binding("ctrl+p", "command_palette", S.KEY_PALETTE, id="palette", show=False, priority=True),
        # the screen sent again whole: after line noise or another program wrote over it
        Binding("ctrl+l", "redraw", S.KEY_REDRAW, id="redraw", show=False, priority=True),
    ]
    # the footer keeps this key at its right edge whatever else it has room for: F1 Справка
    COMMAND_PALETTE_BINDING = "f1"
    COMMANDS = App.COMMANDS | {journal_commands}

    class SessionOver(Message):
        """A service refused an act because this session's account changed (any thread)."""

        def __init__(self, actor: Actor, message: str) -> None:
            super().__init__()
            self.actor = actor
            self.message = message

    def __init__(
        self,
        *,
        source: str | None = None,
        idle_seconds: float | None = None,
        resume: tuple[LoginResult, str] | None = None,
        locked_exit_seconds: float | None = None,
        served: bool = False,
        hosted: bool = False,
    ) -> None:
        super().__init__()
        # journal serve ssh: the server verified the login (result, password for a forced
        # change); the app ends itself once locked that long; no screenshots on the server
        self.resume = resume
        self.locked_exit_seconds = locked_exit_seconds
        self.served = served
        self.hosted = hosted  # a thread of a host of several sessions (tui/serve/host.py)
        self.locked_at = 0.0
        self.source = session_source() if source is None else source
        self.session: LoginResult | None = None
        self.idle_seconds = idle_seconds  # None: from the school's settings at login
        self.idle_from_settings = idle_seconds is None  # then a changed setting reaches us too
        self.settings_read_at = 0.0
        self.last_activity = time.monotonic()
        self.locked = False
        self.screens_allowed: dict[str, str] | None = None
        self.exit_message = ""  # printed after the app ends (served sessions)

    def get_driver_class(self) -> type[Driver]:
        """A browser's driver when the environment names it now: an app forked by `journal
        serve web`'s ready process has the tab's environment, while Textual read its
        TEXTUAL_DRIVER at import, in the ready process, where there was none."""
        if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
            from textual.drivers.web_driver import WebDriver

            return WebDriver
        return super().get_driver_class()

    def on_mount(self) -> None:
        self.sub_title = school_name()
        self.push_screen(LoginScreen(self.sub_title, self.source, demo_logins()))
        if not gc.isenabled():  # journal.py turned the collector off for the start
            self.call_after_refresh(start_collecting)
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_interval(SESSION_CHECK_SECONDS, self.check_session)
        # another program has the terminal meanwhile: its lines are not ours any more
        self.app_suspend_signal.subscribe(self, lambda _app: render.forget_shown(self.console))
        self.app_resume_signal.subscribe(self, lambda _app: render.forget_shown(self.console))
        self.stop_watching = on_session_ended(
            lambda actor, text: self.post_message(self.SessionOver(actor, text))
        )
        if self.resume is not None:
            result, password = self.resume
            self.resume = None
            self.logged_in(result, password)

    def on_unmount(self) -> None:
        self.stop_watching()

    def on_resize(self, event: events.Resize) -> None:
        render.forget_shown(self.console)  # a terminal resized may have rewrapped or cleared its lines

    def action_redraw(self) -> None:
        """Ctrl+L: what the terminal shows is not taken for known: every line is sent again."""
        render.forget_shown(self.console)
        self.screen.refresh(repaint=True)

    async def action_quit(self) -> None:
        """Ctrl+Q: marks still being written are written first (the grid's, tui/writes.py);
        one refused meanwhile keeps the app open, its reason on the screen."""
        for screen in reversed(self.screen_stack):
            finish = getattr(screen, "finish_writes", None)
            if finish is not None and not await finish():
                return
        self.exit()

    def on_delivery_complete(self, event: events.DeliveryComplete) -> None:
        from tui.files import delivered

        delivered(event.key)

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
            # Tab and Shift+Tab out of a text field likewise: "login⇥password⏎" typed in one
            # burst (a password manager, a slow link) fills both fields, never the login alone
            if (
                isinstance(event, events.Key)
                and event.key in FOCUS_KEYS
                and not event.is_forwarded
                and isinstance(self.screen.focused, Input)
            ):
                getattr(self.screen, FOCUS_KEYS[event.key])()
                return
        await super().on_event(event)

    # --- the session --------------------------------------------------------------------

    def logged_in(self, result: LoginResult, password: str) -> None:
        begin_session(result.actor)  # the process works in the user's school from now on
        self.session = result
        self.screens_allowed = None
        if self.idle_seconds is None:
            self.idle_seconds = load_settings().idle_lock_minutes * 60.0
            self.settings_read_at = time.monotonic()
        self.last_activity = time.monotonic()
        from tui.serve.web_signal import tell_server_logged_in

        tell_server_logged_in(self)  # journal serve web: no longer a process at the login screen
        if result.must_change_password:
            self.switch_screen(ChangePasswordScreen(result.actor, password, result))
        else:
            self.land(result)

    def password_changed(self, result: LoginResult) -> None:
        self.notify(S.PASSWORD_CHANGED)
        self.land(result)

    def land(self, result: LoginResult) -> None:
        """The user's first screen: home for staff, the diary for pupils and guardians."""
        begin_session(result.actor)
        self.session = result
        self.screens_allowed = None
        school = school_name()
        self.sub_title = f"{school} · {result.actor.name}" if school else result.actor.name
        from tui.files import tidy_files

        tidy_files()  # the journal removes what it keeps no longer (152-FZ)
        # imported here: the login screen comes up without the journal's screens loaded
        if result.actor.is_district:
            from tui.screens.district import DistrictScreen

            self.switch_screen(DistrictScreen(result.actor))
        elif result.actor.is_staff:
            from tui.screens.home import HomeScreen

            self.switch_screen(HomeScreen(result))
        else:
            from tui.screens.diary import DiaryScreen

            self.switch_screen(DiaryScreen(result.actor))

    def action_switch_user(self, notice: str = "") -> None:
        # a browser tab is one session: it ends, the page offers a new one; so does a session
        # sharing a process (it may not become another school's): ssh connects again
        if self.is_web or self.hosted:
            self.exit_message = "" if self.is_web else S.SWITCH_USER_RECONNECT
            self.exit(SESSION_ENDED_EXIT)
            return
        self.session = None
        self.locked = False
        enter_only_school()  # the login screen again: no user's school any more
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.sub_title = school_name()
        self.switch_screen(LoginScreen(self.sub_title, self.source, demo_logins(), notice))

    # --- a session ends when its account changes --------------------------------------

    def check_session(self) -> None:
        """Every few seconds: is the account still what it was at login (DESIGN.md)?"""
        if self.session is None:
            return
        from models.people.accounts import session_ended

        try:
            problem = session_ended(self.session.actor)
        except JournalError:
            return  # the store is unreachable now: the next check (or act) tells
        if problem is not None:
            self.end_session(problem)

    @on(SessionOver)
    def session_refused(self, event: SessionOver) -> None:
        """An act was refused because the account changed: end the session at once."""
        if self.session is not None and event.actor == self.session.actor:
            self.end_session(event.message)

    def end_session(self, message: str) -> None:
        """Out of the journal: back to the login screen with why, or (a served SSH session,
        a browser tab) the app ends: the connection closes with the message on the terminal,
        the page says the session ended, and the next one starts at the login screen."""
        if self.session is None:
            return
        self.session = None
        if self.served or self.is_web:
            self.exit_message = "" if self.is_web else message  # a browser shows no stdout
            self.exit(SESSION_ENDED_EXIT)
            return
        self.action_switch_user(message)

    # --- the screens a user may open ---------------------------------------------------

    def available_screens(self) -> dict[str, str]:
        """Section name → title, for this user only: pupils and guardians get none (R17)."""
        if self.session is None or self.locked or not self.session.actor.is_staff:
            return {}
        if self.screens_allowed is None:
            from models.school.classes import classes_kept_by
            from tui.registry import SECTIONS

            actor = self.session.actor
            keeps = bool(classes_kept_by(actor))
            self.screens_allowed = {
                name: section.title for name, section in SECTIONS.items() if section.allowed(actor, keeps)
            }
        return self.screens_allowed

    def action_open(self, name: str, tab: str = "") -> None:
        """The section `name` over home (its `tab` first, for the set-up's steps)."""
        if name not in self.available_screens():
            self.bell()
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        options = {"tab": tab} if tab else {}
        from tui.registry import SECTIONS

        self.push_screen(SECTIONS[name].build(self.session.actor, **options))  # type: ignore[union-attr]

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
        if self.session is None or self.locked:
            return
        self.follow_idle_setting()
        if self.idle_seconds is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_seconds:
            self.action_lock(idle=True)

    def follow_idle_setting(self) -> None:
        """The school's «Блокировка при бездействии» as it is now, read once a minute: an
        admin's change reaches the sessions already open, not only the next logins."""
        if not self.idle_from_settings or time.monotonic() - self.settings_read_at < SETTINGS_CHECK_SECONDS:
            return
        self.settings_read_at = time.monotonic()
        try:
            self.idle_seconds = load_settings().idle_lock_minutes * 60.0
        except (JournalError, *STORE_FAILURES):
            pass  # the store is unreachable now: keep the last value

    def action_lock(self, idle: bool = False) -> None:
        if self.session is None or self.locked:
            return
        self.locked = True
        self.locked_at = time.monotonic()
        self.push_screen(LockScreen(self.session.actor, idle=idle))

    def _handle_exception(self, error: Exception) -> None:
        """A failure of the store (a locked, full or vanished database, a dropped server)
        that reached the app outside a service is said in Russian and the app goes on: a
        teacher never sees a traceback for it. Anything else is a bug and ends the app."""
        failure = error if isinstance(error, JournalError) else storage_failure(error, writing=False)
        if failure is not None:
            self.call_later(self.leave_broken_screen, self.screen, failure.message)
            return
        super()._handle_exception(error)

    def leave_broken_screen(self, broken, message: str) -> None:
        """The screen whose handler failed stops answering: leave it for the one below (or,
        if it is the first screen of the session, the login screen) and say why."""
        self.notify(message, severity="error", timeout=10)
        if broken in self.screen_stack[2:] and broken is self.screen:
            self.pop_screen()
        elif broken is self.screen and self.session is not None:
            self.end_session(message)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as the keyboard prints them: «F9», «Esc», «Tab», «^Z», «M» (Textual writes f9,
        esc, tab, ^z, m)."""
        shown = super().get_key_display(binding)
        if binding.key_display:
            return shown
        if shown in ("esc", "tab", "enter", "home", "end"):
            return shown.capitalize()
        if len(shown) == 1 and shown.isalpha() or re.fullmatch(r"\^[a-z]|f\d{1,2}", shown):
            return shown.upper()  # a letter as printed on the key, in either layout
        return shown

    def get_system_commands(self, screen):
        """Textual's own commands, in Russian (the screenshot not on a server: no files there)."""
        yield SystemCommand(S.CMD_HELP, S.CMD_HELP_HELP, self.action_help)
        yield SystemCommand(S.CMD_THEME, S.CMD_THEME_HELP, self.action_change_theme)
        yield SystemCommand(S.CMD_QUIT, S.CMD_QUIT_HELP, self.action_quit)
        if screen.maximized is not None:
            yield SystemCommand(S.CMD_MINIMIZE, S.CMD_MINIMIZE_HELP, screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(S.CMD_MAXIMIZE, S.CMD_MAXIMIZE_HELP, screen.action_maximize)
        if not self.served and not self.is_web:
            yield SystemCommand(
                S.CMD_SCREENSHOT, S.CMD_SCREENSHOT_HELP, lambda: self.set_timer(0.1, self.deliver_screenshot)
            )

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=S.PALETTE_PLACEHOLDER, id="--command-palette"))

    def action_help(self) -> None:
        """F1: the help of the screen in front (F1 again, or Esc, closes it)."""
        from tui.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        elif not isinstance(self.screen, CommandPalette):
            self.push_screen(HelpScreen(self.screen))

    def unlock(self) -> None:
        self.locked = False
        self.last_activity = time.monotonic()
        self.pop_screen()


def start_collecting() -> None:
    """Once the first screen is drawn: what the start made lives as long as the app, so it is
    frozen out of the collector's sweeps (gc.freeze), and collection, off while the journal
    started (journal.py), begins (a session forked by `journal serve ssh` has it on already:
    tui.serve.zygote froze what the ready process imported). The start's garbage is
    collected first: frozen, it would be kept for the whole session (≈ 2,000 objects,
    0.6 MB; the collection takes 30–90 ms, after the login screen is on the terminal). The
    modules a session needs only after login are imported first, while the user reads the
    login screen (≈ 25 ms less before it: start_ratio 1.39 → 1.30, 30 interleaved starts)."""
    for name in AFTER_THE_LOGIN_SCREEN:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()
    gc.enable()


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
    outcome = app.run(mouse=False)
    text = exit_text(app, outcome)
    if text:
        print(text)
    return 0


def exit_text(app: JournalApp, outcome: object) -> str:
    """What is said on the terminal once the app has ended ("" nothing)."""
    if outcome == IDLE_EXIT:
        return S.IDLE_EXIT_MESSAGE
    if outcome == SESSION_ENDED_EXIT:
        return app.exit_message
    return ""
