"""The admin's staff accounts: create, edit, disable, reset a password, unlock (R18)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.access import ADMIN, ROLE_NAMES, TEACHER, Actor
from models.people import accounts
from models.people.accounts import IssuedCredential, UserInfo
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog, SecretDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

ROLE_CHOICES = ((ROLE_NAMES[TEACHER], TEACHER), (ROLE_NAMES[ADMIN], ADMIN))


def status_of(user: UserInfo) -> str:
    if not user.active:
        return S.STATUS_DISABLED
    if user.locked_until and user.locked_until > clock.now():
        return S.STATUS_LOCKED.format(until=user.locked_until)
    if user.must_change_password:
        return S.STATUS_NEW
    return S.STATUS_ACTIVE


class AccountsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding(twin("insert,n"), "new", S.KEY_NEW, id="new", key_display="Ins"),
        Binding(twin("enter,e"), "edit", S.KEY_EDIT, id="edit", key_display="Enter"),
        Binding(twin("d"), "toggle_active", S.KEY_DISABLE, id="disable", key_display="D"),
        Binding(twin("r"), "reset", S.KEY_RESET, id="reset", key_display="R"),
        Binding(twin("u"), "unlock_user", S.KEY_UNLOCK_USER, id="unlock", key_display="U"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.users: list[UserInfo] = []

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.ACCOUNTS_TITLE, classes="screen-title")
        yield Table(id="accounts", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(S.COL_LOGIN, S.COL_NAME, S.COL_ROLE, S.COL_STATUS)
        self.reload()
        table.focus()

    def reload(self, select_id: int | None = None) -> None:
        users = attempt(self, lambda: accounts.list_users(self.actor))
        if users is None:
            return
        self.users = users
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for user in self.users:
            table.add_row(user.login, user.name, ROLE_NAMES[user.role], status_of(user), key=str(user.id))
        if select_id is not None:
            row = next((i for i, u in enumerate(self.users) if u.id == select_id), row)
        if self.users:
            table.move_cursor(row=min(row, len(self.users) - 1))

    @property
    def selected(self) -> UserInfo | None:
        table = self.query_one(DataTable)
        if not self.users or table.cursor_row < 0:
            return None
        return self.users[min(table.cursor_row, len(self.users) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def action_new(self) -> None:
        fields = [
            Field("login", S.F_LOGIN),
            Field("surname", S.F_SURNAME),
            Field("first_name", S.F_FIRST_NAME),
            Field("patronymic", S.F_PATRONYMIC),
            Field("role", S.F_ROLE, TEACHER, ROLE_CHOICES),
        ]

        def submit(values: dict) -> IssuedCredential:
            return accounts.create_staff_user(
                self.actor,
                values["login"],
                values["role"],
                values["surname"],
                values["first_name"],
                values["patronymic"],
            )

        def done(issued: IssuedCredential | None) -> None:
            if issued is not None:
                self.reload(issued.user_id)
                self.app.push_screen(SecretDialog(issued.person, issued.login, issued.password))

        self.app.push_screen(FormDialog(S.NEW_USER_TITLE, fields, submit), done)

    def action_edit(self) -> None:
        user = self.selected
        if user is None:
            return
        fields = [
            Field("surname", S.F_SURNAME, user.surname),
            Field("first_name", S.F_FIRST_NAME, user.first_name),
            Field("patronymic", S.F_PATRONYMIC, user.patronymic),
            Field("role", S.F_ROLE, user.role, ROLE_CHOICES),
        ]

        def submit(values: dict) -> UserInfo:
            return accounts.update_staff_user(self.actor, user.id, **values)

        def done(result: UserInfo | None) -> None:
            if result is not None:
                self.reload(user.id)

        self.app.push_screen(FormDialog(S.EDIT_USER_TITLE.format(login=user.login), fields, submit), done)

    def action_toggle_active(self) -> None:
        user = self.selected
        if user is None:
            return
        question = (S.CONFIRM_DISABLE if user.active else S.CONFIRM_ENABLE).format(login=user.login)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_service(accounts.set_user_active, user.id, not user.active)

        self.app.push_screen(ConfirmDialog(question), answered)

    def action_reset(self) -> None:
        user = self.selected
        if user is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            issued = self.run_service(accounts.reset_password, user.id)
            if issued is not None:
                self.app.push_screen(SecretDialog(issued.person, issued.login, issued.password))

        self.app.push_screen(ConfirmDialog(S.CONFIRM_RESET.format(login=user.login)), answered)

    def action_unlock_user(self) -> None:
        user = self.selected
        if user is not None and self.run_service(accounts.unlock_user, user.id) is not None:
            self.notify(S.UNLOCKED.format(login=user.login))

    def run_service(self, service, *args):
        """Call a service as this user; a refusal is shown and nothing changes."""
        return attempt(
            self,
            lambda: service(self.actor, *args),
            done=lambda _: self.reload(self.selected.id if self.selected else None),
        )
