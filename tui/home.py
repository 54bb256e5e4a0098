"""The staff's home screen: who is logged in and when they last were (R18)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from models.access import ROLE_NAMES
from models.accounts import LoginResult
from tui import strings as S


def last_login_line(result: LoginResult) -> str:
    if result.previous_login_at is None:
        return S.FIRST_LOGIN
    source = result.previous_source or S.LOCAL_SOURCE
    return S.LAST_LOGIN.format(at=result.previous_login_at, source=source)


class HomeScreen(Screen):
    BINDINGS = [
        Binding("ctrl+q", "app.quit", S.KEY_QUIT, id="quit"),
        Binding("f2", "app.switch_user", S.KEY_SWITCH_USER, id="switch-user"),
        Binding("f12", "app.lock", S.KEY_LOCK, id="lock"),
    ]

    def __init__(self, result: LoginResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        actor = self.result.actor
        yield Header()
        with Vertical(id="home"):
            yield Static(f"{actor.name} — {ROLE_NAMES[actor.role]}", id="home-user")
            yield Static(last_login_line(self.result), id="home-last-login")
            yield Static(S.HOME_HINT, id="home-hint")
        yield Footer()
