"""Importing a class list from a spreadsheet file (R1): file, preview, all rows or none.

The file is one the user uploaded to their own inbox (`scp … ivanova@school:inbox/`, the
command shown on the screen; exports.paths); a path on the server is offered only when the
app runs on one's own computer (never over SSH or in a browser: it would read the server's
files as the journal's service user).

The file is read in a worker thread (openpyxl and odfpy load only then); the preview lists
every row with its problems, the highlighted row's problems in full below the table. Ctrl+S
imports every row in one transaction after a confirmation, refused while any row is wrong.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label, Select, Static

from exports.roster_import import ParsedFile, pupils_word, read_roster, row_summary
from models.core.access import Actor
from models.core.errors import JournalError
from models.imports.class_list import ImportPreview, default_start, import_roster, preview_roster_import
from models.school.classes import ClassInfo, classes_kept_by
from tui import strings as S
from tui.files import remote
from tui.screens.inbox import InboxFileScreen
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


class ImportScreen(InboxFileScreen[int | None]):
    """Dismisses with the number of pupils imported (None if none), for the roster to reload."""

    PREFIX = "import"
    UPLOAD = S.IMPORT_UPLOAD

    BINDINGS = [
        Binding("escape", "close", S.KEY_BACK, id="back"),
        Binding("f5", "check", S.KEY_IMPORT_CHECK, id="import-check"),
        Binding("f4", "refresh_inbox", S.KEY_RELOAD, id="import-inbox"),
        Binding("ctrl+s,f9", "import", S.KEY_IMPORT_RUN, id="import-run", key_display="Ctrl+S"),
        Binding("f6", "next_class", S.KEY_CLASS, id="class"),
    ]

    def __init__(self, actor: Actor, class_id: int | None = None, path: str = "") -> None:
        super().__init__()
        self.actor = actor
        self.class_id = class_id
        self.kept_classes: list[ClassInfo] = []
        self.initial_path = path
        self.parsed: ParsedFile | None = None
        self.preview: ImportPreview | None = None
        self.path = ""
        self.imported = 0

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="import-title", classes="screen-title")
        with Vertical(id="import-form"):
            yield Label(S.IMPORT_INBOX)
            yield Select([], id="import-inbox", prompt=S.IMPORT_INBOX_EMPTY, compact=True)
            yield Label(S.IMPORT_OR_PATH, id="import-path-label")
            yield Input(self.initial_path, id="import-path")
            yield Label(S.IMPORT_START)
            yield Input("", id="import-start")
        yield Static("", id="import-upload")
        yield Static(S.IMPORT_HINT, id="import-hint")
        yield Table(id="import-preview", cursor_type="row", zebra_stripes=True)
        yield Static("", id="import-detail")
        yield Static("", id="import-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept_classes = classes_kept_by(self.actor)
        if self.class_id is None and self.kept_classes:
            self.class_id = self.kept_classes[0].id
        table = self.query_one(DataTable)
        table.add_column(S.COL_LINE, key="line")
        table.add_column(S.COL_ROW, key="row")
        table.add_column(S.COL_PROBLEMS, key="problems")
        if self.class_id is None:
            self.set_status(S.IMPORT_NO_CLASS, error=True)
        else:
            self.show_class()
        served = remote(self.app)
        for widget in ("#import-path", "#import-path-label"):
            self.query_one(widget).display = not served
        self.action_refresh_inbox()
        if served or not self.initial_path:
            self.query_one("#import-inbox", Select).focus()
        else:
            self.query_one("#import-path", Input).focus()

    def show_class(self) -> None:
        name = next((c.name for c in self.kept_classes if c.id == self.class_id), "")
        self.query_one("#import-title", Static).update(S.IMPORT_TITLE.format(class_name=name))
        try:
            start = default_start(self.class_id)  # type: ignore[arg-type]
        except JournalError as exc:
            self.set_status(str(exc), error=True)
            return
        self.query_one("#import-start", Input).value = f"{start:%d.%m.%Y}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import":
            return self.preview is not None and self.preview.ok
        if action == "next_class":
            return len(self.kept_classes) > 1
        return True

    # --- reading and the preview -------------------------------------------------------

    def may_read(self) -> bool:
        return self.class_id is not None

    def read(self, path: str) -> ParsedFile:
        return read_roster(path)

    def clear_preview(self) -> None:
        self.parsed = self.preview = None
        self.query_one(DataTable).clear()
        self.query_one("#import-detail", Static).update("")
        self.refresh_bindings()

    def show_preview(self, path: str, parsed: ParsedFile) -> None:
        start = self.query_one("#import-start", Input).value.strip() or None
        try:
            preview = preview_roster_import(self.actor, self.class_id, parsed.rows, start)  # type: ignore[arg-type]
        except JournalError as exc:
            self.set_status(str(exc), error=True)
            return
        self.path, self.parsed, self.preview = path, parsed, preview
        table = self.query_one(DataTable)
        table.clear()
        for row in preview.rows:
            if row.problems:
                note = "; ".join(row.problems)
            elif row.links:
                note = S.IMPORT_ROW_LINKED.format(names=", ".join(row.links))
            else:
                note = S.IMPORT_ROW_OK
            table.add_row(str(row.line), row_summary(row.row), note, key=str(row.line))
        bad = len(preview.invalid)
        text = S.IMPORT_SUMMARY.format(rows=len(preview.rows), good=len(preview.rows) - bad, bad=bad)
        if parsed.ignored:
            text += " " + S.IMPORT_IGNORED.format(columns=", ".join(parsed.ignored))
        text += S.IMPORT_READY if preview.ok else S.IMPORT_FIX
        self.set_status(text, error=not preview.ok)
        if preview.rows:
            table.focus()
            table.move_cursor(row=0)
            self.show_detail(0)
        self.refresh_bindings()

    def show_detail(self, index: int) -> None:
        if self.preview is None or not 0 <= index < len(self.preview.rows):
            return
        row = self.preview.rows[index]
        text = S.IMPORT_DETAIL.format(
            line=row.line, problems="; ".join(row.problems) if row.problems else S.IMPORT_ROW_OK
        )
        self.query_one("#import-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(event.cursor_row)

    # --- importing ----------------------------------------------------------------------

    def action_import(self) -> None:
        preview, parsed = self.preview, self.parsed
        if preview is None or parsed is None:
            self.notify(S.IMPORT_NOTHING, severity="warning")
            return
        if not preview.ok:
            self.notify(S.IMPORT_HAS_ERRORS, severity="error")
            return
        count = len(preview.rows)

        def go(yes: bool | None) -> None:
            if not yes:
                return
            try:
                done = import_roster(
                    self.actor, preview.class_id, parsed.rows, preview.start, source=self.path
                )
            except JournalError as exc:
                self.set_status(str(exc), error=True)
                return
            self.imported += done
            self.clear_preview()
            message = S.IMPORT_DONE.format(count=done, class_name=preview.class_name)
            self.set_status(message)
            self.notify(message)

        question = S.CONFIRM_IMPORT.format(
            count=count, word=pupils_word(count), class_name=preview.class_name
        )
        self.app.push_screen(ConfirmDialog(question), go)

    def action_next_class(self) -> None:
        if len(self.kept_classes) > 1:
            ids = [c.id for c in self.kept_classes]
            index = ids.index(self.class_id) if self.class_id in ids else -1
            self.class_id = ids[(index + 1) % len(ids)]
            self.clear_preview()
            self.set_status("")
            self.show_class()

    def action_close(self) -> None:
        self.dismiss(self.imported or None)
