"""The staff's home screen: who is logged in, when they last were (R18), and the way in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from models.access import ROLE_NAMES
from models.accounts import LoginResult
from models.attendance import excuse_pass_due
from models.school import classes_kept_by
from tui import strings as S
from tui.registry import SECTIONS


def last_login_line(result: LoginResult) -> str:
    if result.previous_login_at is None:
        return S.FIRST_LOGIN
    source = result.previous_source or S.LOCAL_SOURCE
    return S.LAST_LOGIN.format(at=result.previous_login_at, source=source)


class HomeScreen(Screen):
    BINDINGS = [
        Binding(s.keys, f"app.open('{s.name}')", s.title, id=s.name, key_display=s.display)
        for s in SECTIONS.values()
    ]

    def __init__(self, result: LoginResult) -> None:
        super().__init__()
        self.result = result
        kept = classes_kept_by(result.actor)
        self.kept = [c.name for c in kept]
        # the weekly excuse pass (R13) is due while old unexcused н remain
        self.excuses_due = (
            {}
            if result.actor.is_admin
            else {c.name: n for c in kept if (n := excuse_pass_due(result.actor, c.id))}
        )

    def compose(self) -> ComposeResult:
        actor = self.result.actor
        yield Header()
        with Vertical(id="home"):
            yield Static(f"{actor.name} — {ROLE_NAMES[actor.role]}", id="home-user")
            yield Static(last_login_line(self.result), id="home-last-login")
            if self.kept and not actor.is_admin:
                yield Static(f"Классный руководитель: {', '.join(self.kept)}", id="home-class")
            for class_name, count in self.excuses_due.items():
                yield Static(
                    S.EXCUSES_DUE.format(class_name=class_name, count=count), classes="duty"
                )
            yield Static(S.HOME_HINT, id="home-hint")
        yield Footer()
