"""A course's calendar-thematic plan (КТП, issue 17): the plan beside the lessons in its places
(taken, ahead, behind its planned date), and loading a plan file from one's inbox.

F7 in the grid opens it. F5 reads the file chosen (a worker thread: openpyxl and odfpy load
only then) and shows its lessons with their problems and what the course's lessons will get;
Ctrl+S writes it after a confirmation (models.journal.plan.import_plan: all or nothing, empty
topics only); F9 exports the plan against what was taken. The file is one uploaded to one's
inbox (the command is on the screen); a path on this computer only when the app runs locally.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from exports.plan_import import read_plan
from models.core.access import Actor
from models.core.errors import JournalError
from models.imports.lesson_plan import ParsedPlan, entry_summary
from models.journal.grid import CourseChoice
from models.journal.plan import PlanPreview, PlanReport, import_plan, plan_report, preview_plan
from tui import strings as S
from tui.files import remote
from tui.screens.inbox import InboxFileScreen
from tui.screens.journalgrid import shorten
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

TOPIC_W = 22  # a topic's column at 80 columns (the F9 file has them whole)


class PlanScreen(InboxFileScreen[bool]):
    """Dismisses with True when a plan was written (the grid then reloads its topics)."""

    PREFIX = "plan"
    UPLOAD = S.PLAN_UPLOAD

    BINDINGS = [
        Binding("f5", "check", S.KEY_PLAN_READ, id="plan-read"),
        Binding("ctrl+s", "import", S.KEY_PLAN_WRITE, id="plan-write", key_display="Ctrl+S"),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="plan-export"),
        Binding("f4", "refresh_inbox", S.KEY_RELOAD, id="plan-inbox"),
        Binding("escape", "close", S.KEY_BACK, id="back"),
    ]

    def __init__(self, actor: Actor, course: CourseChoice) -> None:
        super().__init__()
        self.actor = actor
        self.course = course
        self.parsed: ParsedPlan | None = None
        self.preview: PlanPreview | None = None
        self.path = ""
        self.written = False

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.PLAN_TITLE.format(course=self.course.title), id="plan-title", classes="screen-title")
        yield Static("", id="plan-summary")
        with Horizontal(id="plan-file"):
            yield Select([], id="plan-inbox", prompt=S.IMPORT_INBOX_EMPTY, compact=True)
            yield Input("", id="plan-path", placeholder=S.PLAN_PATH_HINT, compact=True)
        yield Static("", id="plan-upload")
        yield Table(id="plan-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="plan-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        served = remote(self.app)
        self.query_one("#plan-path", Input).display = not served
        self.action_refresh_inbox()
        self.show_report()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("check", "import", "refresh_inbox"):
            if not self.course.own:
                return False  # a colleague's course: the plan is read, not loaded
            if action == "import":
                return self.preview is not None and self.preview.valid
        return True

    # --- the plan against what was taken ------------------------------------------------

    def show_report(self) -> None:
        try:
            report = plan_report(self.actor, self.course.course_id)
        except JournalError as exc:
            self.set_status(str(exc), error=True)
            return
        self.fill_report(report)

    def fill_report(self, report: PlanReport) -> None:
        summary = self.query_one("#plan-summary", Static)
        if not report.rows:
            summary.update(S.PLAN_NONE if self.course.own else S.PLAN_NONE_READER)
        else:
            summary.update(
                S.PLAN_SUMMARY.format(
                    hours=report.hours,
                    taken=report.taken,
                    planned=report.planned_by_today,
                    behind=report.behind,
                    today=report.today,
                )
            )
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label in S.PLAN_REPORT_COLUMNS:
            table.add_column(label)
        for row in report.rows:
            table.add_row(
                str(row.position),
                shorten(row.planned_topic, TOPIC_W),
                f"{row.planned_date:%d.%m}" if row.planned_date else "",
                f"{row.lesson_date:%d.%m}" if row.lesson_date else "",
                shorten(row.lesson_topic, TOPIC_W)
                if row.lesson_topic != row.planned_topic
                else S.PLAN_SAME_TOPIC,
                row.state + (" √" if row.closed else ""),
                key=str(row.position),
            )
        behind = next((i for i, r in enumerate(report.rows) if r.state != "пройдено"), None)
        if behind is not None:
            table.move_cursor(row=behind)  # where the course stands
        table.focus()

    # --- loading a plan file ------------------------------------------------------------

    def read(self, path: str) -> ParsedPlan:
        return read_plan(path)

    def clear_preview(self) -> None:
        self.parsed = self.preview = None
        self.refresh_bindings()

    def show_preview(self, path: str, parsed: ParsedPlan) -> None:
        try:
            (preview,) = preview_plan(self.actor, [self.course.course_id], parsed)
        except JournalError as exc:
            self.set_status(str(exc), error=True)
            return
        self.path, self.parsed, self.preview = path, parsed, preview
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label in S.PLAN_PREVIEW_COLUMNS:
            table.add_column(label)
        for entry in parsed.entries:
            table.add_row(
                str(entry.line),
                entry_summary(entry),
                "; ".join(entry.problems) if entry.problems else S.IMPORT_ROW_OK,
                key=str(entry.line),
            )
        text = S.PLAN_PREVIEW.format(
            topics=len(parsed.entries),
            hours=preview.hours,
            lessons=preview.lessons,
            fill=preview.to_fill,
            kept=preview.kept,
        )
        if preview.balance:
            text += f" {preview.balance.capitalize()}."
        if preview.valid:
            self.set_status(text + S.PLAN_READY)
        else:
            shown = "; ".join(preview.problems[:3])
            more = S.PLAN_MORE.format(count=len(preview.problems) - 3) if len(preview.problems) > 3 else ""
            self.set_status(f"{text} {shown}{more}{S.IMPORT_FIX}", error=True)
        table.focus()
        self.refresh_bindings()

    def action_import(self) -> None:
        preview, parsed = self.preview, self.parsed
        if preview is None or parsed is None or not preview.valid:
            return

        def go(yes: bool | None) -> None:
            if not yes:
                return
            try:
                (done,) = import_plan(self.actor, [self.course.course_id], parsed, source=self.path)
            except JournalError as exc:
                self.set_status(str(exc), error=True)
                return
            self.written = True
            self.parsed = self.preview = None
            self.refresh_bindings()
            self.show_report()
            message = S.PLAN_DONE.format(hours=done.hours, filled=done.filled)
            self.set_status(message)
            self.notify(message)

        question = S.CONFIRM_PLAN.format(hours=preview.hours, course=preview.title, fill=preview.to_fill)
        if preview.replaced:
            question += S.CONFIRM_PLAN_REPLACES.format(count=preview.replaced)
        self.app.push_screen(ConfirmDialog(question), go)

    def action_export(self) -> None:
        from tui.screens.exports import ExportScreen

        self.app.push_screen(
            ExportScreen(self.actor, kind="plan", class_id=self.course.class_id, subject=self.course.subject)
        )

    def action_close(self) -> None:
        self.dismiss(self.written)
