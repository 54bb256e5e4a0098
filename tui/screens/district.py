"""The district administrator's screens (issue 20): the district's schools — add one with
its administrator, a new password for a school's administrator — and the district's report."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from exports.district import export_district_report
from models.core.access import Actor
from models.core.errors import JournalError
from models.journal.grading import show_average
from models.people.accounts import IssuedCredential
from models.reports.analysis import percent
from models.reports.district import ALL_GRADES, DistrictReport, DistrictRow, district_report
from models.school import district
from models.school.district import SchoolInfo
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog, SecretDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table
from tui.worker import store_worker


class DistrictScreen(Screen):
    """The district's first screen: its schools."""

    BINDINGS = [
        Binding(twin("insert,n"), "new_school", S.KEY_NEW_SCHOOL, id="new", key_display="Ins"),
        Binding(twin("r"), "reset_admin", S.KEY_RESET_SCHOOL_ADMIN, id="reset", key_display="R"),
        Binding(twin("o"), "report", S.KEY_DISTRICT_REPORT, id="report", key_display="O"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.schools: list[SchoolInfo] = []

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.DISTRICT_TITLE, classes="screen-title")
        yield Table(id="schools", cursor_type="row", zebra_stripes=True)
        yield Static(S.DISTRICT_HINT, id="district-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(S.COL_SCHOOL_NO, S.COL_SCHOOL, S.COL_SCHOOL_ADMINS)
        self.reload()
        table.focus()

    def reload(self, select_id: int | None = None) -> None:
        schools = attempt(self, lambda: district.list_schools(self.actor))
        if schools is None:
            return
        self.schools = schools
        table = self.query_one(DataTable)
        table.clear()
        for school in schools:
            table.add_row(str(school.id), school.name, ", ".join(school.admins) or "—", key=str(school.id))
        if select_id is not None:
            row = next((i for i, s in enumerate(schools) if s.id == select_id), 0)
            table.move_cursor(row=row)

    @property
    def selected(self) -> SchoolInfo | None:
        table = self.query_one(DataTable)
        if not self.schools or table.cursor_row < 0:
            return None
        return self.schools[min(table.cursor_row, len(self.schools) - 1)]

    def action_new_school(self) -> None:
        def submit(values: dict) -> IssuedCredential:
            return district.add_school(self.actor, values["name"], values["admin"])

        def done(issued: object) -> None:
            if not isinstance(issued, IssuedCredential):
                return
            self.reload(select_id=issued.school_id)
            name = self.selected.name if self.selected else ""
            self.notify(S.SCHOOL_ADDED.format(name=name))
            self.app.push_screen(SecretDialog(issued.person, issued.login, issued.password))

        fields = [Field("name", S.F_SCHOOL_NAME), Field("admin", S.F_SCHOOL_ADMIN)]
        self.app.push_screen(FormDialog(S.NEW_SCHOOL_TITLE, fields, submit), done)

    def action_reset_admin(self) -> None:
        school = self.selected
        if school is None:
            self.app.bell()
            return
        if not school.admins:
            self.notify(S.NO_SCHOOL_ADMIN, severity="error")
            return
        if len(school.admins) == 1:
            self.confirm_reset(school, school.admins[0])
            return
        choices = tuple((login, login) for login in school.admins)  # several: which one

        def chosen(login: object) -> None:
            if isinstance(login, str):
                self.confirm_reset(school, login)

        field = Field("login", S.CHOOSE_SCHOOL_ADMIN, choices[0][1], choices)
        title = S.CHOOSE_SCHOOL_ADMIN_TITLE.format(school=school.name)
        self.app.push_screen(FormDialog(title, [field], lambda values: values["login"]), chosen)

    def confirm_reset(self, school: SchoolInfo, login: str) -> None:
        def answered(yes: bool | None) -> None:
            if not yes:
                return
            issued = attempt(self, lambda: district.reset_school_admin(self.actor, school.id, login))
            if issued is not None:
                self.app.push_screen(SecretDialog(issued.person, issued.login, issued.password))

        self.app.push_screen(
            ConfirmDialog(S.RESET_SCHOOL_ADMIN.format(login=login, school=school.name)), answered
        )

    def action_report(self) -> None:
        self.app.push_screen(DistrictReportScreen(self.actor))


SHORT_WORDS = (
    ("средняя общеобразовательная школа", "СОШ"),
    ("основная общеобразовательная школа", "ООШ"),
    ("начальная общеобразовательная школа", "НОШ"),
    ("(демонстрационная)", ""),
)
SCHOOL_WIDTH = 20


def short_school(name: str) -> str:
    """A school's name for a narrow column: what is inside «…» if any, the usual words
    abbreviated (МБОУ «Средняя общеобразовательная школа № 7» → СОШ № 7)."""
    inner = name.split("«", 1)[1].split("»", 1)[0] if "«" in name and "»" in name else name
    for words, short in SHORT_WORDS:
        at = inner.lower().find(words)
        if at >= 0:
            inner = inner[:at] + short + inner[at + len(words) :]
    inner = " ".join(inner.split())
    return inner if len(inner) <= SCHOOL_WIDTH else inner[: SCHOOL_WIDTH - 1] + "…"


def report_cells(row: DistrictRow, first_of_school: bool = True) -> tuple[str, ...]:
    i = row.indicators
    return (
        short_school(row.school) if first_of_school else "",
        S.ALL_GRADES_LABEL if row.grade == ALL_GRADES else str(row.grade),
        str(i.n),
        percent(i.success),
        percent(i.quality),
        percent(i.sou),
        show_average(i.mean) or "—",
        percent(row.missed_share),
        percent(row.active_share),
        percent(row.not_closed_share),
    )


class DistrictReportScreen(Screen):
    """Every school grade by grade, the school, then the district, for one period."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("1", "period(1)", S.KEY_PERIOD_N, id="period", key_display="1–4"),
        Binding("2", "period(2)", S.KEY_PERIOD_N, show=False),
        Binding("3", "period(3)", S.KEY_PERIOD_N, show=False),
        Binding("4", "period(4)", S.KEY_PERIOD_N, show=False),
        Binding("0", "period(0)", S.KEY_PERIOD_NOW, id="now", key_display="0"),
        Binding(twin("e"), "export", S.KEY_EXPORT_XLSX, id="export", key_display="E"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.period: int | None = None
        self.report: DistrictReport | None = None

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.DISTRICT_REPORT_COUNTING, id="district-report-title", classes="screen-title")
        yield Table(id="district-report", cursor_type="row", zebra_stripes=True)
        yield Static(S.DISTRICT_REPORT_HINT, id="district-report-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*S.DISTRICT_COLUMNS)
        table.focus()
        self.count()

    def action_period(self, number: int) -> None:
        self.period = number or None
        self.query_one("#district-report-title", Static).update(S.DISTRICT_REPORT_COUNTING)
        self.count()

    @store_worker(exclusive=True, group="district-report")
    def count(self) -> None:
        def counted(done: int, of: int) -> None:  # a session reads the schools one by one
            self.app.call_from_thread(self.counting, done, of)

        try:
            report = district_report(self.actor, self.period, counted)
        except JournalError as exc:  # the store's failure too, in its words (models.core.service)
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show, report)

    def counting(self, done: int, of: int) -> None:
        if done < of:
            self.query_one("#district-report-title", Static).update(
                S.DISTRICT_REPORT_PROGRESS.format(done=done, of=of)
            )

    def show(self, report: DistrictReport) -> None:
        self.report = report
        title = S.DISTRICT_REPORT_TITLE.format(period=report.title, today=report.today)
        self.query_one("#district-report-title", Static).update(title)
        table = self.query_one(DataTable)
        table.clear()
        previous = None
        for row in report.rows:
            table.add_row(*report_cells(row, row.school != previous))
            previous = row.school

    def action_export(self) -> None:
        self.write_file(self.period, self.report)

    @store_worker(exclusive=True, group="district-export")
    def write_file(self, period: int | None, shown: DistrictReport | None) -> None:
        try:  # the report on the screen, when it is the period's: not read again
            paths = export_district_report(self.actor, period, "xlsx", report=shown)
        except JournalError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.notify, S.DISTRICT_REPORT_WRITTEN.format(path=paths[0]))
