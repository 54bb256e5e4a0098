"""«Мои файлы»: what one exported (and uploaded to import), how to get it, and deleting it.

The list is the user's own folder (exports.paths): name, size, when made, and for each file
the way to get it — in a browser «Скачать» (Enter or D), over SSH the exact `scp` command for
one's own computer (shown below the table and on Enter), on one's own computer the path.
Files are removed by the journal after the school's setting «Выгруженные файлы хранятся,
дней»; Del removes one now (confirmed, audited).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from exports.paths import UserFile, human_size, list_files, remove_file, tidy
from models.core.access import Actor
from models.core.settings import load as load_settings
from models.people.files import record_file
from tui import strings as S
from tui.attempt import attempt
from tui.files import can_deliver, deliver, fetch_hint
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


class MyFilesScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding(twin("enter,d"), "fetch", S.KEY_FETCH, id="fetch", key_display="Enter"),
        Binding(twin("delete,x"), "remove", S.KEY_REMOVE_FILE, id="remove", key_display="Del"),
        Binding(twin("f5,r"), "reload", S.KEY_RELOAD, id="reload", key_display="F5"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.files: list[UserFile] = []
        self.keep_days = 7

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.MY_FILES_TITLE, classes="screen-title")
        yield Table(id="my-files", cursor_type="row", zebra_stripes=True)
        yield Static("", id="my-files-fetch")
        yield Static("", id="my-files-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(S.COL_FILE_NAME, S.COL_FILE_SIZE, S.COL_FILE_MADE)
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        def read() -> list[UserFile]:
            settings = load_settings()
            tidy()
            self.keep_days = settings.files_keep_days
            return list_files(self.actor.user_id)

        files = attempt(self, read)
        if files is None:
            return
        self.files = files
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for f in self.files:
            name = f"inbox/{f.name}" if f.inbox else f.name
            table.add_row(
                name, human_size(f.size), f"{f.made:%d.%m.%Y %H:%M}", key=f"{int(f.inbox)}/{f.name}"
            )
        if self.files:
            table.move_cursor(row=min(max(row, 0), len(self.files) - 1))
        hint = S.MY_FILES_HINT.format(days=self.keep_days)
        if not self.files:
            hint = S.MY_FILES_EMPTY + " " + hint
        self.query_one("#my-files-hint", Static).update(hint)
        self.show_fetch()

    def current(self) -> UserFile | None:
        table = self.query_one(DataTable)
        if not self.files or not 0 <= table.cursor_row < len(self.files):
            return None
        return self.files[table.cursor_row]

    def show_fetch(self) -> None:
        f = self.current()
        text = ""
        if f is not None:
            text = S.FETCH_INBOX if f.inbox else fetch_hint(self.app, self.actor, f.path)
        self.query_one("#my-files-fetch", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_fetch()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_fetch()

    def action_fetch(self) -> None:
        f = self.current()
        if f is None:
            return
        if f.inbox:
            self.notify(S.FETCH_INBOX)
            return
        if can_deliver(self.app):
            attempt(self, lambda: deliver(self.app, self.actor, f.path))
            self.set_timer(1.0, self.action_reload)  # a slip is gone once delivered
        else:
            self.notify(fetch_hint(self.app, self.actor, f.path), timeout=20)

    def action_remove(self) -> None:
        f = self.current()
        if f is None:
            return

        def go(yes: bool | None) -> None:
            if not yes:
                return

            def remove() -> object:
                gone = remove_file(self.actor.user_id, f.name, inbox=f.inbox)
                record_file(self.actor, "delete", gone.name, gone.size, "app")
                return gone

            if attempt(self, remove) is not None:
                self.notify(S.FILE_REMOVED.format(name=f.name))
                self.action_reload()

        self.app.push_screen(ConfirmDialog(S.CONFIRM_REMOVE_FILE.format(name=f.name)), go)
