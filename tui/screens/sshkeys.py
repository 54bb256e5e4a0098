"""One's own public keys for `journal serve ssh`: list, add (paste the .pub line), remove."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core.access import Actor
from models.people import sshkeys
from models.people.sshkeys import SshKeyInfo
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


class SshKeysScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding(twin("insert,n"), "add", S.KEY_ADD_SSH_KEY, id="add", key_display="Ins"),
        Binding(twin("delete,d"), "remove", S.KEY_REMOVE_SSH_KEY, id="remove", key_display="Del"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.keys: list[SshKeyInfo] = []

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.SSH_KEYS_TITLE.format(login=self.actor.login), classes="screen-title")
        yield Table(id="ssh-keys", cursor_type="row", zebra_stripes=True)
        yield Static(S.SSH_KEYS_HINT, id="ssh-keys-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(S.COL_SSH_FINGERPRINT, S.COL_SSH_COMMENT, S.COL_SSH_ADDED, S.COL_SSH_USED)
        self.reload()
        table.focus()

    def reload(self) -> None:
        keys = attempt(self, lambda: sshkeys.list_ssh_keys(self.actor))
        if keys is None:
            return
        self.keys = keys
        table = self.query_one(DataTable)
        table.clear()
        for key in self.keys:
            used = f"{key.last_used_at:%d.%m.%Y %H:%M}" if key.last_used_at else "—"
            table.add_row(key.fingerprint, key.comment, f"{key.created_at:%d.%m.%Y}", used, key=str(key.id))

    def action_add(self) -> None:
        def submit(values: dict) -> SshKeyInfo:
            return sshkeys.add_ssh_key(self.actor, values["key"])

        def done(added: SshKeyInfo | None) -> None:
            if added is not None:
                self.reload()
                self.notify(S.SSH_KEY_ADDED.format(fingerprint=added.fingerprint))

        self.app.push_screen(FormDialog(S.SSH_KEY_NEW_TITLE, [Field("key", S.F_SSH_KEY)], submit), done)

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        if not self.keys or table.cursor_row < 0:
            self.app.bell()
            return
        key = self.keys[min(table.cursor_row, len(self.keys) - 1)]

        def done(yes: bool | None) -> None:
            if not yes:
                return
            attempt(self, lambda: sshkeys.remove_ssh_key(self.actor, key.id), done=lambda _: self.reload())

        question = S.SSH_KEY_REMOVE.format(fingerprint=key.fingerprint, comment=key.comment or "—")
        self.app.push_screen(ConfirmDialog(question), done)
