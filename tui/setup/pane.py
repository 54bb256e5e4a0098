"""What every tab of the setup screen shares: the pane that knows the screen (the chosen year
and class) and the acting user, calls a service as that user and shows a refusal, asks before
a destructive step; and the readers of typed dates and numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.widgets import DataTable

from models.core.access import Actor
from models.core.errors import ValidationError
from models.core.validation import parse_date
from models.school.load import staff_choices
from tui import strings as S
from tui.attempt import attempt
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog

if TYPE_CHECKING:
    from tui.setup.screen import SetupScreen


NONE = ""  # the "nobody / nothing" choice of a drop-down


def day_text(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def need_date(value: str, label: str) -> dt.date:
    day = parse_date(value, label)
    if day is None:
        raise ValidationError(S.SETUP_NEED_DATE.format(label=label))
    return day


def need_int(value: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(S.SETUP_NEED_NUMBER.format(label=label)) from None


def choice_id(value: object) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


class Pane(Vertical):
    """One tab's content: knows the screen (the chosen year and class) and the actor."""

    def __init__(self, owner: SetupScreen, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    @property
    def actor(self) -> Actor:
        return self.owner.actor

    def reload(self) -> None:  # pragma: no cover - every pane has its own
        pass

    def table(self, selector: str = "DataTable") -> DataTable:
        return self.query_one(selector, DataTable)

    def focus_table(self) -> None:
        self.query(DataTable).first().focus()

    def run(self, service: Callable, *args, **kwargs):
        """Call a service as this user; a refusal is shown, nothing changes, None returned;
        else every pane shows the change and the result is returned (True for None)."""

        def call() -> object:
            result = service(self.actor, *args, **kwargs)
            return result if result is not None else True

        return attempt(self, call, done=lambda _: self.owner.reload_all(), timeout=8)

    def ask(self, question: str, then: Callable[[], object]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(question), answered)

    def form(self, title: str, fields: list[Field], submit: Callable[[dict], object], done=None) -> None:
        def finished(result: object) -> None:
            if result is not None:
                self.owner.reload_all()
                if done is not None:
                    done(result)

        self.app.push_screen(FormDialog(title, fields, submit), finished)

    def row_index(self, table: DataTable, count: int) -> int | None:
        if not count or table.cursor_row < 0:
            return None
        return min(table.cursor_row, count - 1)

    def restore(self, table: DataTable, row: int, count: int) -> None:
        if count:
            table.move_cursor(row=min(max(row, 0), count - 1))


def staff_fields(value: int | None = None, label: str = S.F_HOMEROOM) -> Field:
    choices = ((S.CHOICE_NOBODY, NONE),) + tuple((c.label, str(c.id)) for c in staff_choices())
    return Field("teacher", label, str(value) if value else NONE, choices)
