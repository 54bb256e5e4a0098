"""The homeroom teacher issues diary logins to the class's pupils and guardians (R2, R3, R19)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from exports.files import safe_filename
from exports.paths import SLIP_PREFIX, user_folder
from exports.slips import write_slips
from models.core import clock
from models.core.access import STUDENT, Actor
from models.people.accounts import IssuedCredential, issue_credentials
from models.people.credentials import CredentialRow, class_credentials, record_export
from models.people.names import fold
from models.school.classes import ClassInfo, classes_kept_by
from models.school.identity import school_name
from tui import strings as S
from tui.attempt import attempt
from tui.files import deliver, diary_address
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, SecretDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


def state_of(row: CredentialRow) -> str:
    if not row.may_receive:
        return S.STATE_FORBIDDEN
    if row.other_classes:  # a guardian shared with another class: the admin issues (R19);
        return S.STATE_SHARED  # Enter says why, naming the other classes
    if row.login is None or not row.has_password:
        return S.STATE_NONE
    return S.STATE_PENDING if row.first_login_pending else S.STATE_ACTIVE


class CredentialsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", S.KEY_BACK, id="back"),
        Binding(twin("enter,i"), "issue", S.KEY_ISSUE, id="issue", key_display="Enter"),
        Binding("slash,ctrl+f", "search", S.KEY_SEARCH, id="search", key_display="/"),
        Binding(twin("a"), "issue_all", S.KEY_ISSUE_ALL, id="issue-all", key_display="A"),
        Binding(twin("c"), "next_class", S.KEY_CLASS, id="class", key_display="C"),
    ]

    def __init__(self, actor: Actor, connect_hint: str = "") -> None:
        super().__init__()
        self.actor = actor
        self.connect_hint = connect_hint
        self.kept_classes: list[ClassInfo] = []
        self.class_index = 0
        self.rows: list[CredentialRow] = []  # the rows shown (the search applied)
        self.all_rows: list[CredentialRow] = []
        self.children_of: dict[int, str] = {}  # issued guardian account → the pupil, for the slip

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="credentials-title", classes="screen-title")
        yield Input(placeholder=S.CREDENTIALS_SEARCH, id="credentials-search", compact=True)
        yield Table(id="credentials", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept_classes = classes_kept_by(self.actor)
        table = self.query_one(DataTable)
        table.add_columns(S.COL_PERSON, S.COL_WHO, S.COL_STATE, S.COL_LOGIN)
        self.query_one("#credentials-search", Input).display = False
        if not self.kept_classes:
            self.query_one("#credentials-title", Static).update(S.NO_CLASS)
            return
        self.reload()
        table.focus()

    # --- the search ------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#credentials-search", Input)
        search.display = True
        search.focus()

    def action_back(self) -> None:
        search = self.query_one("#credentials-search", Input)
        if search.display:  # Esc first leaves the search, then the screen
            search.value = ""
            search.display = False
            self.query_one(DataTable).focus()
            self.show_rows()
            return
        self.app.pop_screen()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def matching(self) -> list[CredentialRow]:
        words = fold(self.query_one("#credentials-search", Input).value).split()
        if not words:
            return list(self.all_rows)

        def text(row: CredentialRow) -> str:
            return fold(f"{row.person} {row.child} {row.login or ''}")

        return [r for r in self.all_rows if all(w in text(r) for w in words)]

    @property
    def school_class(self) -> ClassInfo:
        return self.kept_classes[self.class_index]

    def reload(self) -> None:
        rows = attempt(self, lambda: class_credentials(self.actor, self.school_class.id))
        if rows is None:
            return
        self.all_rows = rows
        missing = sum(1 for r in self.all_rows if r.may_receive and not r.has_password)
        self.query_one("#credentials-title", Static).update(
            S.CREDENTIALS_TITLE.format(class_name=self.school_class.name) + f" · без логина: {missing}"
        )
        self.show_rows()

    def show_rows(self) -> None:
        """The rows the search matches; the cursor stays on the same person (after an issue too)."""
        table = self.query_one(DataTable)
        current = self.selected
        keep = (current.student_id, current.guardian_id) if current is not None else None
        row_index = table.cursor_row
        self.rows = self.matching()
        table.clear()
        for row in self.rows:
            who = (
                S.WHO_STUDENT
                if row.role == STUDENT
                else S.WHO_GUARDIAN.format(relation=row.relation or "представитель", child=row.child)
            )
            table.add_row(row.person, who, state_of(row), row.login or "—")
        if self.rows:
            same = [i for i, r in enumerate(self.rows) if (r.student_id, r.guardian_id) == keep]
            table.move_cursor(row=same[0] if same else max(0, min(row_index, len(self.rows) - 1)))

    @property
    def selected(self) -> CredentialRow | None:
        table = self.query_one(DataTable)
        if not self.rows:
            return None
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_issue()

    def _issue(self, row: CredentialRow) -> IssuedCredential | None:
        if row.role == STUDENT:
            return attempt(self, lambda: issue_credentials(self.actor, student_id=row.student_id))

        def remember_child(issued: IssuedCredential) -> None:
            self.children_of[issued.user_id] = row.child

        return attempt(
            self, lambda: issue_credentials(self.actor, guardian_id=row.guardian_id), remember_child
        )

    def action_issue(self) -> None:
        row = self.selected
        if row is None:
            return

        def go(yes: bool | None = True) -> None:
            if not yes:
                return
            issued = self._issue(row)
            self.reload()
            if issued is not None:
                self.app.push_screen(
                    SecretDialog(issued.person, issued.login, issued.password, can_save=True),
                    lambda save: self.save_slips([issued]) if save else None,
                )

        if row.has_password:
            self.app.push_screen(
                ConfirmDialog(S.CONFIRM_REISSUE.format(person=row.person, login=row.login)), go
            )
        else:
            go()

    def action_issue_all(self) -> None:
        todo = [r for r in self.rows if r.may_receive and not r.has_password and not r.other_classes]
        if not todo:
            self.notify(S.NOBODY_WITHOUT)
            return

        def go(yes: bool | None) -> None:
            if not yes:
                return
            issued = [c for c in (self._issue(r) for r in todo) if c is not None]
            self.reload()
            if issued:
                self.save_slips(issued)

        self.app.push_screen(ConfirmDialog(S.CONFIRM_ISSUE_ALL.format(count=len(todo))), go)

    def save_slips(self, issued: list[IssuedCredential]) -> None:
        name = safe_filename(
            SLIP_PREFIX, self.school_class.name, clock.now().strftime("%Y-%m-%d_%H%M%S"), ext="pdf"
        )
        path = user_folder(self.actor.user_id) / name

        def write() -> Path:
            written = write_slips(
                path,
                issued,
                fmt="pdf",
                school=school_name(),
                class_name=self.school_class.name,
                connect_hint=self.connect_hint or diary_address(),
                pupils=self.children_of,
            )
            record_export(self.actor, "credential_slips", str(written), len(issued))
            return written

        def saved(written: Path) -> None:
            self.notify(S.SLIPS_SAVED.format(name=written.name), timeout=10)
            deliver(self.app, self.actor, written)  # a browser gets it now; over SSH: the scp command

        attempt(self, write, done=saved)

    def action_next_class(self) -> None:
        if len(self.kept_classes) > 1:
            self.class_index = (self.class_index + 1) % len(self.kept_classes)
            self.reload()
