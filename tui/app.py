"""The Textual app. Until the login screens land it shows the school and how to quit."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from models.school import school_name


class JournalApp(App):
    TITLE = "Электронный журнал"
    CSS_PATH = "journal.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Выход", id="quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"{school_name()}\n\nЖурнал открыт. Вход по логину и паролю появится здесь.",
            id="placeholder",
        )
        yield Footer()


def run_app() -> int:
    JournalApp().run(mouse=False)
    return 0
