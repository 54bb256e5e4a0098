"""Small modal dialogs shared by the screens: confirm, show a secret once, fill a form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from models.core.errors import JournalError
from tui import strings as S
from tui.keys import twin
from tui.widgets.footer import KeysFooter


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question before anything destructive: Enter/д/y confirms, Esc/н/n declines."""

    BINDINGS = [
        Binding("enter,д,l", "answer(True)", S.KEY_YES, id="yes", key_display="Enter/Д"),
        Binding("escape,н,n", "answer(False)", S.KEY_NO, id="no", key_display="Esc/Н"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            yield Static(S.CONFIRM_HINT, classes="status")
        yield KeysFooter()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class TextDialog(ModalScreen[None]):
    """Read-only text in full, wrapped to the screen (a lesson's topic and homework, a help
    page); Esc or Enter closes, ↑ ↓ PgUp PgDn scroll when it is longer than the screen."""

    BINDINGS = [Binding("escape,enter,q,й", "close", S.KEY_CLOSE, id="close", key_display="Esc")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog text-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.body, classes="dialog-text", markup=False)
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)


class SecretDialog(ModalScreen[bool]):
    """A one-time password, shown once: it is never stored in clear nor shown again."""

    BINDINGS = [
        Binding("escape,enter", "close", S.KEY_CLOSE, id="close"),
        Binding(twin("s"), "save_slip", S.KEY_SAVE_SLIP, id="save-slip"),
    ]

    def __init__(self, person: str, login: str, password: str, *, can_save: bool = False) -> None:
        super().__init__()
        self.person = person
        self.login = login
        self.password = password
        self.can_save = can_save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(S.SECRET_TITLE, classes="dialog-title")
            yield Static(S.SECRET_FOR.format(person=self.person), classes="dialog-text")
            yield Static(f"{S.LOGIN_LABEL}:  {self.login}", id="secret-login")
            yield Static(f"{S.PASSWORD_LABEL}: {self.password}", id="secret-password")
            yield Static(S.SECRET_HINT + (S.SECRET_SAVE_HINT if self.can_save else ""), classes="status")
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(False)

    def action_save_slip(self) -> None:
        if self.can_save:
            self.dismiss(True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_slip":
            return self.can_save
        return True


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (label, value) for a drop-down
    password: bool = False


class FormDialog(ModalScreen[object]):
    """A few labelled fields; Enter moves on and saves after the last, Esc cancels.

    `submit` gets the values and calls a service: it returns what the dialog dismisses
    with, or raises a JournalError whose message stays on the form (nothing is lost).
    """

    BINDINGS = [
        Binding("escape", "cancel", S.KEY_CANCEL, id="cancel"),
        Binding("ctrl+s", "save", S.KEY_SAVE, id="save"),
    ]

    def __init__(self, title: str, fields: list[Field], submit: Callable[[dict], object]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.title_text, classes="dialog-title")
            for field in self.fields:
                yield Label(field.label)
                if field.choices:
                    yield Select(
                        field.choices,
                        value=field.value or field.choices[0][1],
                        id=f"f-{field.name}",
                        allow_blank=False,
                    )
                else:
                    yield Input(field.value, id=f"f-{field.name}", password=field.password)
            yield Static("", id="form-status", classes="status")
        yield KeysFooter()

    def values(self) -> dict:
        out = {}
        for field in self.fields:
            widget = self.query_one(f"#f-{field.name}")
            out[field.name] = widget.value if isinstance(widget, Input | Select) else ""
        return out

    def advance_field(self) -> bool:
        """Enter in a text field (handled by the app, in key order): the next field, or save.

        Keys typed ahead then reach the next field, and saving waits until the field has
        taken every key already sent to it. Enter on a drop-down opens it as usual.
        """
        focused = self.focused
        if not isinstance(focused, Input):
            return False
        fields = list(self.query("Input, Select"))
        index = fields.index(focused)
        if index + 1 < len(fields):
            self.set_focus(fields[index + 1])
        else:
            focused.call_later(self.action_save)
        return True

    def on_mount(self) -> None:
        self.query("Input, Select").first().focus()

    def action_save(self) -> None:
        try:
            result = self.submit(self.values())
        except JournalError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        status = self.query_one("#form-status", Static)
        status.update(message)
        status.add_class("error")
