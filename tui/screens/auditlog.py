"""«Журнал изменений» (R18): who changed what and when, newest first, a page at a time.

One row per entry (when, who, what, about whom, the change), the highlighted entry spelled
out below the table, Enter for all of it. F opens the filter (pupil, user, action, dates),
X clears it, ] and [ page to older and newer entries, F9 exports every entry the filter
matches to a private spreadsheet (the export is itself audited). What a user may read is
decided by the service (models.reports.auditlog), not here.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from models.core.access import Actor
from models.core.errors import JournalError
from models.reports.auditlog import (
    DEFAULT_PAGE,
    AuditFilter,
    AuditPage,
    AuditRow,
    Cursor,
    action_choices,
    audit_entries,
    make_filter,
)
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table
from tui.worker import store_worker

# column widths at 80 columns; the change column takes whatever a wider terminal adds
WHEN, WHO, WHAT, WHOM, CHANGE = 11, 14, 16, 16, 11
FIXED = WHEN + WHO + WHAT + WHOM + 2 * 5 + 2  # cell padding and the scroll bar


def cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def whom(row: AuditRow) -> str:
    """«Андреев А. 5А», else what else the entry is about."""
    if row.pupil:
        surname, *rest = row.pupil.split()
        initial = f"{rest[0][0]}." if rest else ""
        return " ".join(x for x in (surname, initial, row.class_name) if x)
    return row.about or " ".join(x for x in (row.class_name, row.subject) if x)


def entry_text(row: AuditRow) -> str:
    """The whole entry, one fact a line, for the detail dialog."""
    lines = [
        S.AUDIT_ENTRY_WHO.format(who=row.who_text),
        S.AUDIT_ENTRY_SOURCE.format(source=row.source or S.AUDIT_LOCAL),
        S.AUDIT_ENTRY_WHAT.format(what=row.what, action=row.action),
    ]
    if row.pupil:
        lines.append(S.AUDIT_ENTRY_PUPIL.format(pupil=row.pupil))
    if row.class_name:
        lines.append(S.AUDIT_ENTRY_CLASS.format(class_name=row.class_name))
    if row.subject:
        lines.append(S.AUDIT_ENTRY_SUBJECT.format(subject=row.subject))
    if row.lesson_date:
        number = f" № {row.lesson_number}" if row.lesson_number else ""
        lines.append(S.AUDIT_ENTRY_LESSON.format(date=row.lesson_date, number=number))
    if row.about:
        lines.append(S.AUDIT_ENTRY_ABOUT.format(about=row.about))
    if row.changes:
        lines.append(S.AUDIT_ENTRY_CHANGES)
        lines.extend(f"  {c.field}: {c.text()}" for c in row.changes)
    else:
        lines.append(S.AUDIT_ENTRY_NO_CHANGES)
    return "\n".join(lines)


class AuditEntryDialog(ModalScreen[None]):
    """One entry in full: Esc or Enter closes."""

    DEFAULT_CSS = """
    AuditEntryDialog .dialog { height: auto; max-height: 22; }
    AuditEntryDialog VerticalScroll { height: auto; max-height: 19; }
    """
    BINDINGS = [Binding("escape,enter", "close", S.KEY_CLOSE, id="close")]

    def __init__(self, row: AuditRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(S.AUDIT_ENTRY_TITLE.format(id=self.row.id, at=self.row.at), classes="dialog-title")
            with VerticalScroll():
                yield Static(entry_text(self.row), id="audit-entry-text")
        yield KeysFooter()

    def action_close(self) -> None:
        self.dismiss(None)


class AuditFilterDialog(FormDialog):
    """The filter's five fields, one line each (label above), so that they fit 80×24."""

    DEFAULT_CSS = """
    AuditFilterDialog .dialog Input, AuditFilterDialog .dialog Select { margin-bottom: 1; }
    AuditFilterDialog .dialog Input { background: $boost; }
    """

    def on_mount(self) -> None:
        for widget in self.query("Input, Select"):
            widget.compact = True
        super().on_mount()


class AuditLogScreen(Screen):
    DEFAULT_CSS = """
    AuditLogScreen #audit-title { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AuditLogScreen #audit-table { height: 1fr; }
    AuditLogScreen #audit-detail { padding: 0 1; height: 2; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    # most needed first: a narrow footer cuts from the end
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("enter", "show_entry", S.KEY_AUDIT_OPEN, id="open", key_display="Enter", priority=True),
        Binding(twin("f"), "filter", S.KEY_AUDIT_FILTER, id="filter", key_display="F"),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="export", key_display="F9"),
        Binding(twin("right_square_bracket"), "page(1)", S.KEY_AUDIT_OLDER, id="older", key_display="]"),
        Binding(twin("left_square_bracket"), "page(-1)", S.KEY_AUDIT_NEWER, id="newer", key_display="["),
        Binding(twin("x"), "reset", S.KEY_AUDIT_RESET, id="reset", key_display="X"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.filters = AuditFilter()
        self.typed: dict[str, str] = {}  # the filter form as last filled in
        self.cursors: list[Cursor | None] = [None]  # where each page shown so far starts
        self.page = AuditPage((), False, None)
        self.exporting = False

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="audit-title", classes="screen-title")
        yield Table(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*S.AUDIT_COLUMNS)
        self.load()
        table.focus()

    # --- reading ------------------------------------------------------------------------

    def load(self) -> None:
        """The page that starts at the last cursor (the newest entries first)."""
        page = attempt(
            self, lambda: audit_entries(self.actor, self.filters, limit=DEFAULT_PAGE, before=self.cursors[-1])
        )
        if page is None:
            return
        self.page = page
        self.show_page()

    def show_page(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        change = max(CHANGE, self.app.size.width - FIXED)
        for row in self.page.rows:
            table.add_row(
                f"{row.at:%d.%m %H:%M}",
                cut(row.who_short, WHO),
                cut(row.what, WHAT),
                cut(whom(row), WHOM),
                cut(row.summary, change),
                key=str(row.id),
            )
        self.show_title()
        self.show_detail()
        self.refresh_bindings()

    def show_title(self) -> None:
        described = self.filters.describe()
        if not self.page.rows:
            text = S.AUDIT_NONE.format(filters=described)
        else:
            first = (len(self.cursors) - 1) * DEFAULT_PAGE + 1
            more = S.AUDIT_MORE if self.page.more else ""
            text = S.AUDIT_TITLE.format(
                filters=described, first=first, last=first + len(self.page.rows) - 1, more=more
            )
        self.query_one("#audit-title", Static).update(text)

    def highlighted(self) -> AuditRow | None:
        table = self.query_one(DataTable)
        if not self.page.rows or table.cursor_row < 0:
            return None
        return self.page.rows[min(table.cursor_row, len(self.page.rows) - 1)]

    def show_detail(self) -> None:
        row = self.highlighted()
        text = ""
        if row is not None:
            change = f": {row.summary}" if row.summary else ""
            text = f"{row.at:%d.%m.%Y %H:%M} {row.who_text}: {row.what}{change}\n{row.target}"
        self.query_one("#audit-detail", Static).update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reset":
            return not self.filters.empty
        if action == "page":
            return self.page.more if parameters and parameters[0] == 1 else len(self.cursors) > 1
        if action == "show_entry":
            return bool(self.page.rows)
        return True

    # --- actions ------------------------------------------------------------------------

    def action_show_entry(self) -> None:
        row = self.highlighted()
        if row is not None:
            self.app.push_screen(AuditEntryDialog(row))

    def action_page(self, step: int) -> None:
        if step > 0 and self.page.more:
            self.cursors.append(self.page.cursor)
        elif step < 0 and len(self.cursors) > 1:
            self.cursors.pop()
        else:
            return
        self.load()
        self.query_one(DataTable).move_cursor(row=0)

    def action_filter(self) -> None:
        typed = self.typed

        def submit(values: dict) -> tuple[AuditFilter, dict]:
            return make_filter(self.actor, **values), values

        def done(result: object) -> None:
            if result:
                self.filters, self.typed = result  # type: ignore[misc]
                self.cursors = [None]
                self.load()

        fields = [
            Field("pupil", S.AUDIT_F_PUPIL, typed.get("pupil", "")),
            Field("user", S.AUDIT_F_USER, typed.get("user", "")),
            Field("action", S.AUDIT_F_ACTION, typed.get("action", ""), choices=tuple(action_choices())),
            Field("since", S.AUDIT_F_SINCE, typed.get("since", "")),
            Field("until", S.AUDIT_F_UNTIL, typed.get("until", "")),
        ]
        self.app.push_screen(AuditFilterDialog(S.AUDIT_FILTER_TITLE, fields, submit), done)

    def action_reset(self) -> None:
        self.filters, self.typed, self.cursors = AuditFilter(), {}, [None]
        self.load()

    def action_export(self) -> None:
        if self.exporting:
            self.notify(S.AUDIT_EXPORT_BUSY)
            return
        self.exporting = True
        self.notify(S.AUDIT_EXPORTING)
        self.run_export(self.filters)

    @store_worker(exclusive=True, group="audit-export")
    def run_export(self, filters: AuditFilter) -> None:
        from exports.auditlog import export_audit  # the spreadsheet libraries load only now

        try:
            done = export_audit(self.actor, filters)
        except JournalError as exc:
            self.app.call_from_thread(self.exported, str(exc), "error")
        except Exception as exc:  # noqa: BLE001 — an unexpected failure is shown, not a crash
            self.app.call_from_thread(self.exported, f"{type(exc).__name__}: {exc}", "error")
        else:
            cut_short = S.AUDIT_EXPORT_CUT if done.truncated else ""
            text = S.AUDIT_EXPORTED.format(path=done.paths[0], count=done.count) + cut_short
            self.app.call_from_thread(self.exported, text, "information")

    def exported(self, message: str, severity: str) -> None:
        self.exporting = False
        self.notify(message, severity=severity, timeout=10)  # type: ignore[arg-type]
