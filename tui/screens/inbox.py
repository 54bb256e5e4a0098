"""A screen that reads a file from one's inbox (the class list's import, a course's КТП): the
inbox's files in a drop-down with how to upload one, a path on this computer only when the app
runs there (never over SSH or in a browser: it would read the server's files as the journal's
service user), the file read in a worker thread (openpyxl and odfpy load only then), then the
screen's own preview.

A screen names its widgets `#<PREFIX>-inbox`, `-path`, `-upload` and `-status`, and says how
to read (`read`), what to show (`show_preview`) and what to forget before reading again
(`clear_preview`).
"""

from __future__ import annotations

from textual.screen import Screen, ScreenResultType
from textual.widgets import Input, Select, Static

from models.core.access import Actor
from models.core.errors import JournalError
from tui import strings as S
from tui.files import inbox_choices, inbox_path, upload_hint
from tui.worker import store_worker


class InboxFileScreen(Screen[ScreenResultType]):
    PREFIX = ""  # the widgets' ids begin so
    UPLOAD = ""  # how to upload a file, with {command}
    actor: Actor

    def set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one(f"#{self.PREFIX}-status", Static)
        status.update(text)
        status.set_class(error, "error")

    def action_refresh_inbox(self) -> None:
        """The files in one's inbox, newest first, and how to put one there."""
        choices = inbox_choices(self.actor)
        select = self.query_one(f"#{self.PREFIX}-inbox", Select)
        select.set_options(choices)
        if choices:
            select.value = choices[0][1]
        self.query_one(f"#{self.PREFIX}-upload", Static).update(
            upload_hint(self.app, self.actor, self.UPLOAD)
        )

    def chosen_path(self) -> str:
        """The path typed (where the field is shown), else the inbox file chosen (looked up by
        name among one's own)."""
        path_input = self.query_one(f"#{self.PREFIX}-path", Input)
        typed = path_input.value.strip() if path_input.display else ""
        if typed:
            return typed
        value = self.query_one(f"#{self.PREFIX}-inbox", Select).value
        return "" if value is Select.BLANK else inbox_path(self.actor, value)

    def may_read(self) -> bool:
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_check()

    def action_check(self) -> None:
        if not self.may_read():
            return
        try:
            path = self.chosen_path()
        except JournalError as exc:
            self.set_status(str(exc), error=True)
            return
        if not path:
            self.set_status(S.IMPORT_NO_PATH, error=True)
            return
        self.clear_preview()
        self.set_status(S.IMPORT_READING)
        self.read_file(path)

    @store_worker(exclusive=True, group="inbox-read")
    def read_file(self, path: str) -> None:
        """Reading (and parsing) a file needs no database: a thread keeps the screen alive."""
        try:
            parsed = self.read(path)
        except JournalError as exc:
            self.app.call_from_thread(self.set_status, str(exc), error=True)
            return
        self.app.call_from_thread(self.show_preview, path, parsed)

    def read(self, path: str) -> object:
        raise NotImplementedError

    def show_preview(self, path: str, parsed) -> None:
        raise NotImplementedError

    def clear_preview(self) -> None:
        raise NotImplementedError
