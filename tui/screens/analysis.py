"""Analysis of a class (R6, R7, R9, R14, R16): how the class did in a period or the year, who
is behind, which subject teachers are behind, which parents never look.

One screen, six views (keys 1–6): results per subject with the indicators and ↑/↓ against
the previous period; the pupils × subjects table; the at-risk list with reasons; the marks'
distribution as text bars; the control of subject teachers (worst first; Enter opens that
course's journal, where the services refuse writes that are not the user's); the parents'
activity (silent families first). C picks the class, P (or [ ]) the period or the year,
D the date range of the control view.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from models.core import clock
from models.core.access import Actor
from models.core.validation import parse_date
from models.journal.attendance import subject_short
from models.journal.grading import Indicators, show_average
from models.reports.activity import ClassActivity, class_activity
from models.reports.analysis import (
    ClassAnalysis,
    ClassChoice,
    ScopeChoice,
    analysis_classes,
    class_analysis,
    current_period_index,
    percent,
    scope_choices,
)
from models.reports.control import CourseControl, control_report
from models.school.calendar import current_year_id
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

TABS = ("results", "pupils", "risk", "marks", "control", "parents")
BAR_WIDTH = 40
BAR_GLYPHS = (("█", "green"), ("▓", "cyan"), ("▒", "yellow"), ("░", "red"), ("░", "red"))


def subject_label(name: str, short: str = "", width: int = 12) -> str:
    """A subject's name for a table column: whole when it fits, else the school's short name
    (when it is not a mere cut of the name), else the first word."""
    if len(name) <= width:
        return name
    if short and len(short) <= width and not name.startswith(short):
        return short
    first = name.split()[0]
    return first if len(first) <= width else name[: width - 1] + "…"


def arrow(now: Decimal | None, before: Decimal | None, places: str = "1") -> str:
    """↑ or ↓ when the shown (rounded) value went up or down against the previous period."""
    if now is None or before is None:
        return ""
    a, b = now.quantize(Decimal(places)), before.quantize(Decimal(places))
    return "↑" if a > b else "↓" if a < b else ""


def mean_text(value: Decimal | None) -> str:
    return show_average(value) or S.AN_NONE


def indicator_cells(ind: Indicators, previous: Indicators | None) -> list[str]:
    p = previous
    return [
        str(ind.n),
        str(ind.n5),
        str(ind.n4),
        str(ind.n3),
        str(ind.n2),
        str(ind.n_na),
        percent(ind.success) + arrow(ind.success, p and p.success),
        percent(ind.quality) + arrow(ind.quality, p and p.quality),
        percent(ind.sou) + arrow(ind.sou, p and p.sou),
        mean_text(ind.mean) + arrow(ind.mean, p and p.mean, "0.01"),
    ]


def distribution_bar(counts: tuple[int, ...], width: int = BAR_WIDTH) -> Text:
    """A stacked bar of the marks 5, 4, 3, 2+1: a glyph and a colour each (readable in
    monochrome and in 16 colours)."""
    five, four, three, two, one = counts
    parts = (five, four, three, two + one)
    total = sum(parts)
    text = Text()
    if not total:
        return text
    cells = [round(n * width / total) for n in parts]
    for i, n in enumerate(parts):  # a non-zero share shows at least one cell
        if n and not cells[i]:
            cells[i] = 1
    while sum(cells) > width:
        cells[cells.index(max(cells))] -= 1
    for (glyph, colour), size in zip(BAR_GLYPHS, cells, strict=False):
        text.append(glyph * size, style=colour)
    return text


class ClassPicker(ModalScreen[int | None]):
    """Which class to analyse: Enter picks, Esc keeps the current one."""

    BINDINGS = [Binding("escape", "cancel", S.KEY_CANCEL, id="cancel")]

    def __init__(self, classes: list[ClassChoice], current: int) -> None:
        super().__init__()
        self.class_list = classes
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(S.AN_CLASS_PICK, classes="dialog-title")
            yield OptionList(*(Option(c.name) for c in self.class_list), id="class-pick")
        yield KeysFooter()

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.highlighted = self.current
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AnalysisScreen(Screen):
    DEFAULT_CSS = """
    AnalysisScreen #analysis-summary { padding: 0 1; height: auto; color: $text-muted; }
    AnalysisScreen #analysis-tabs { height: 1fr; }
    AnalysisScreen #analysis-tabs > ContentSwitcher { height: 1fr; }
    AnalysisScreen TabPane { padding: 0; height: 1fr; }
    AnalysisScreen DataTable { height: 1fr; }
    AnalysisScreen #analysis-detail { padding: 0 1; height: 2; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="export"),
        Binding("1", "view('results')", S.KEY_AN_VIEW, id="view-1", key_display="1–6"),
        Binding("2", "view('pupils')", show=False),
        Binding("3", "view('risk')", show=False),
        Binding("4", "view('marks')", show=False),
        Binding("5", "view('control')", show=False),
        Binding("6", "view('parents')", show=False),
        Binding(twin("c"), "pick_class", S.KEY_CLASS, id="class", key_display="C"),
        Binding(twin("p,right_square_bracket"), "scope(1)", S.KEY_AN_SCOPE, id="scope", key_display="P"),
        Binding(twin("left_square_bracket"), "scope(-1)", show=False),
        Binding(twin("d"), "range", S.KEY_AN_RANGE, id="range", key_display="D"),
        Binding(twin("t"), "school_teachers", S.KEY_SCHOOL_TEACHERS, id="school-teachers", key_display="T"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.year_id = current_year_id()
        self.class_list: list[ClassChoice] = []
        self.class_index = 0
        self.scopes: list[ScopeChoice] = []
        self.scope_index = 0
        self.range: tuple[dt.date, dt.date] | None = None  # the control view's, when chosen
        self.analysis: ClassAnalysis | None = None
        self.control: list[CourseControl] = []
        self.activity: ClassActivity | None = None
        self.subject_ids: list[int] = []  # the pupils view's columns

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="analysis-title", classes="screen-title")
        yield Static("", id="analysis-summary")
        with TabbedContent(id="analysis-tabs"):
            with TabPane(S.AN_TABS[0], id="results"):
                yield Table(id="results-table", cursor_type="row", zebra_stripes=True)
            with TabPane(S.AN_TABS[1], id="pupils"):
                yield Table(id="pupils-table", cursor_type="cell", zebra_stripes=True)
            with TabPane(S.AN_TABS[2], id="risk"):
                yield Table(id="risk-table", cursor_type="row", zebra_stripes=True)
            with TabPane(S.AN_TABS[3], id="marks"), VerticalScroll():
                yield Static("", id="marks-chart")
            with TabPane(S.AN_TABS[4], id="control"):
                yield Table(id="control-table", cursor_type="row", zebra_stripes=True)
            with TabPane(S.AN_TABS[5], id="parents"):
                yield Table(id="parents-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="analysis-detail")
        yield KeysFooter()

    def action_export(self) -> None:
        """The class report of what is shown (the export screen, preset)."""
        from tui.screens.exports import ExportScreen

        class_id = self.class_list[self.class_index].id if self.class_list else None
        scope = self.scopes[self.scope_index] if self.scopes else None
        period = (scope.period_id or "year") if scope is not None else None  # the one on screen
        self.app.push_screen(
            ExportScreen(self.actor, kind="class-report", class_id=class_id, period_id=period)
        )

    def on_mount(self) -> None:
        if self.year_id is not None:
            self.class_list = analysis_classes(self.actor, self.year_id)
        if not self.class_list:
            self.query_one("#analysis-title", Static).update(S.AN_NO_CLASSES)
            return
        self.load_class()
        self.query_one("#results-table", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("view", "scope", "pick_class", "range") and not self.class_list:
            return False
        if action == "pick_class":
            return len(self.class_list) > 1
        if action == "range":
            return self.current_tab == "control"
        if action == "school_teachers":
            return self.actor.is_admin and self.current_tab == "control"
        return True

    def action_school_teachers(self) -> None:
        """T (the admin, teachers view): every teacher of the school for the same dates."""
        from tui.screens.teachers import SchoolTeachersScreen

        self.app.push_screen(SchoolTeachersScreen(self.actor, *self.scope_range()))

    @property
    def current_tab(self) -> str:
        return self.query_one(TabbedContent).active

    # --- loading -------------------------------------------------------------------------

    def load_class(self) -> None:
        school_class = self.class_list[self.class_index]
        self.scopes = scope_choices(self.actor, school_class.id)
        periods = [s for s in self.scopes if s.period_id is not None]
        index = current_period_index(periods, clock.today())
        self.scope_index = index or 0
        self.range = None
        self.reload()

    def scope_range(self) -> tuple[dt.date, dt.date]:
        scope = self.scopes[self.scope_index]
        return self.range or (scope.start, max(scope.start, min(scope.end, clock.today())))

    def reload(self) -> None:
        school_class = self.class_list[self.class_index]
        scope = self.scopes[self.scope_index] if self.scopes else None

        def load() -> None:
            self.analysis = class_analysis(self.actor, school_class.id, scope.period_id if scope else None)
            start, end = self.scope_range()
            self.control = control_report(self.actor, school_class.id, start, end)
            self.activity = class_activity(self.actor, school_class.id)

        attempt(self, load, done=lambda _: self.show_all())

    def show_all(self) -> None:
        self.show_title()
        self.show_results()
        self.show_pupils()
        self.show_risk()
        self.show_marks()
        self.show_control()
        self.show_parents()
        self.show_detail()
        self.refresh_bindings()

    # --- the views -----------------------------------------------------------------------

    def show_title(self) -> None:
        a = self.analysis
        assert a is not None
        if a.start > clock.today():
            basis = S.AN_BASIS_AHEAD
        elif not a.ended:
            basis = S.AN_BASIS_RUNNING
        elif a.suggested:
            basis = S.AN_BASIS_MIXED.format(count=a.suggested)
        else:
            basis = S.AN_BASIS_FINAL
        self.query_one("#analysis-title", Static).update(
            S.AN_TITLE.format(class_name=a.class_name, scope=a.title, start=a.start, end=a.end, basis=basis)
        )
        ind, prev = a.indicators, a.previous
        line = S.AN_CLASS_LINE.format(
            success=percent(ind.success),
            quality=percent(ind.quality),
            sou=percent(ind.sou),
            mean=mean_text(ind.mean),
            a1=arrow(ind.success, prev and prev.success),
            a2=arrow(ind.quality, prev and prev.quality),
            a3=arrow(ind.sou, prev and prev.sou),
            a4=arrow(ind.mean, prev and prev.mean, "0.01"),
        )
        if prev is not None:
            line += S.AN_VS.format(title=a.previous_title)
        groups = S.AN_GROUPS_LINE.format(
            excellent=len(a.excellent),
            good=len(a.good),
            one_three=len(a.one_three),
            failing=len(a.failing),
            risk=len(a.at_risk),
        )
        self.query_one("#analysis-summary", Static).update(f"{line}\n{groups}")

    def show_results(self) -> None:
        a = self.analysis
        assert a is not None
        table = self.query_one("#results-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            S.AN_COL_SUBJECT,
            S.AN_COL_N,
            "5",
            "4",
            "3",
            "2",
            S.AN_COL_NA,
            S.AN_COL_SUCCESS,
            S.AN_COL_QUALITY,
            S.AN_COL_SOU,
            S.AN_COL_MEAN,
        )
        for row in a.subjects:
            table.add_row(
                subject_label(row.name, row.short),
                *indicator_cells(row.indicators, row.previous),
                key=str(row.subject_id),
            )
        table.add_row(
            Text(S.AN_CLASS_ROW, style="bold"), *indicator_cells(a.indicators, a.previous), key="class"
        )

    def show_pupils(self) -> None:
        a = self.analysis
        assert a is not None
        table = self.query_one("#pupils-table", DataTable)
        table.clear(columns=True)
        table.fixed_columns = 1
        self.subject_ids = [s.subject_id for s in a.subjects]
        table.add_column(S.AN_COL_PUPIL, key="pupil")
        for s in a.subjects:
            table.add_column(subject_short(s.name, s.short), key=str(s.subject_id))
        table.add_columns(S.AN_COL_MEAN, S.AN_COL_MISSED, S.AN_COL_DAYS, S.AN_COL_CATEGORY)
        for p in a.pupils:
            name = p.name + (S.AN_LEFT.format(day=p.left_on) if p.left_on else "")
            cells: list[str | Text] = []
            for sid in self.subject_ids:
                c = p.subjects.get(sid)
                mark = (c.mark or "") if c else ""
                # a suggestion (not yet a final mark) is shown dim
                cells.append(Text(mark, style="" if c is None or c.final else "dim"))
            category = S.AN_CATEGORIES.get(p.category or "", "")
            if p.category == "3" and len(p.threes) == 1:
                category = S.AN_ONE_THREE
            table.add_row(
                Text(name, style="dim") if p.departed else name,
                *cells,
                mean_text(p.mean),
                str(p.missed),
                str(p.days_missed),
                category,
                key=str(p.student_id),
            )

    def show_risk(self) -> None:
        a = self.analysis
        assert a is not None
        table = self.query_one("#risk-table", DataTable)
        table.clear(columns=True)
        table.add_columns(S.AN_COL_PUPIL, S.AN_COL_REASON)
        for row in a.at_risk:
            for i, reason in enumerate(row.reasons):
                table.add_row(row.name if i == 0 else "", reason.text)

    def show_marks(self) -> None:
        a = self.analysis
        assert a is not None
        chart = Text(S.AN_DIST_LEGEND + "\n\n")
        width = max((len(subject_short(s.name, s.short)) for s in a.subjects), default=3)
        for s in a.subjects:
            chart.append(f"{subject_short(s.name, s.short):<{width}} ")
            if sum(s.distribution):
                chart.append_text(distribution_bar(s.distribution))
                five, four, three, two, one = s.distribution
                chart.append(f" {five}/{four}/{three}/{two + one}")
            else:
                chart.append(S.AN_DIST_EMPTY, style="dim")
            chart.append("\n")
        self.query_one("#marks-chart", Static).update(chart)

    def show_control(self) -> None:
        table = self.query_one("#control-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            S.AN_COL_SUBJECT,
            S.AN_COL_TEACHER,
            S.AN_COL_LESSONS,
            S.AN_COL_NO_MARKS,
            S.AN_COL_NO_TOPIC,
            S.AN_COL_NO_HOMEWORK,
            S.AN_COL_NOT_CLOSED,
            S.AN_COL_LATE,
            S.AN_COL_CORRECTED,
            S.AN_COL_PER_PUPIL,
            S.AN_COL_NO_FINAL,
        )
        shorts = {s.name: s.short for s in self.analysis.subjects} if self.analysis else {}
        for row in self.control:
            subject = subject_label(row.subject, shorts.get(row.subject, ""))
            if row.subgroup:
                subject = f"{subject_short(row.subject, '')} {row.subgroup}"
            per_pupil = row.marks_per_pupil
            table.add_row(
                subject,
                row.teacher,
                str(row.lessons),
                str(row.without_marks),
                str(row.without_topic),
                str(row.without_homework),
                str(row.not_closed),
                str(row.late_marks),
                f"{row.corrections}/{row.after_final}" if row.corrections else "0",
                show_average(per_pupil) if per_pupil is not None else S.AN_NONE,
                f"{row.finals_missing}/{row.finals_due}" if row.finals_due else S.AN_NONE,
                key=str(row.course_id),
            )

    def show_parents(self) -> None:
        table = self.query_one("#parents-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            S.AN_COL_PUPIL, S.AN_COL_LOGINS, S.AN_COL_LAST, S.AN_COL_7, S.AN_COL_30, S.AN_COL_ACK
        )
        activity = self.activity
        if activity is None:
            return
        for p in activity.pupils:
            logins = ", ".join(g.relation or g.name.split()[0] for g in p.with_login) or S.AN_NO_LOGIN
            last = f"{p.last_view:%d.%m.%Y}" if p.last_view else S.AN_NEVER
            table.add_row(
                Text(p.name, style="bold") if p.never else p.name,
                logins,
                last,
                S.AN_VIEWS.format(views=p.views_7, days=p.days_7),
                S.AN_VIEWS.format(views=p.views_30, days=p.days_30),
                f"{p.acknowledged:%d.%m}" if p.acknowledged else S.AN_NONE,
                key=str(p.student_id),
            )

    # --- the line under the table --------------------------------------------------------

    def show_detail(self) -> None:
        detail = self.query_one("#analysis-detail", Static)
        a = self.analysis
        if a is None:
            detail.update("")
            return
        tab = self.current_tab
        text = ""
        if tab == "results":
            text = self.results_detail()
        elif tab == "pupils":
            text = self.pupil_detail()
        elif tab == "risk":
            text = S.AN_RISK_HINT if a.at_risk else S.AN_NO_RISK
        elif tab == "control":
            start, end = self.scope_range()
            text = S.AN_CONTROL_HINT.format(start=start, end=end, days=a.settings.late_entry_days)
        elif tab == "parents" and self.activity is not None:
            act = self.activity
            text = S.AN_PARENTS_LINE.format(
                active=act.active,
                total=len(act.pupils),
                share=percent(act.share_active),
                never=act.never,
            )
        detail.update(text)

    def results_detail(self) -> str:
        a = self.analysis
        assert a is not None
        table = self.query_one("#results-table", DataTable)
        if not a.subjects or table.cursor_row >= len(a.subjects):
            return S.AN_CLASS_DETAIL
        row = a.subjects[table.cursor_row]
        text = S.AN_SUBJECT_DETAIL.format(
            name=row.name, teachers=row.teachers or S.AN_NONE, suggested=row.suggested
        )
        if row.previous is not None:
            p = row.previous
            text += S.AN_SUBJECT_PREV.format(
                title=a.previous_title,
                success=percent(p.success),
                quality=percent(p.quality),
                sou=percent(p.sou),
                mean=mean_text(p.mean),
            )
        if row.finals_missing:
            text += S.AN_FINALS_MISSING.format(count=row.finals_missing)
        return text

    def pupil_detail(self) -> str:
        a = self.analysis
        assert a is not None
        table = self.query_one("#pupils-table", DataTable)
        if not a.pupils:
            return ""
        pupil = a.pupils[min(table.cursor_row, len(a.pupils) - 1)]
        column = table.cursor_column - 1
        if 0 <= column < len(self.subject_ids):
            subject = a.subject(self.subject_ids[column])
            c = pupil.subjects.get(subject.subject_id)
            if c is not None:
                return S.AN_CELL_DETAIL.format(
                    name=pupil.name,
                    subject=subject.name,
                    count=c.count,
                    mean=mean_text(c.mean),
                    weighted=mean_text(c.weighted),
                    suggested=c.suggested or S.AN_NONE,
                    final=c.final or S.AN_NONE,
                    lessons=c.lessons,
                    missed=c.missed,
                    unexcused=c.unexcused,
                    excused=c.excused,
                    late=c.late,
                )
        return S.AN_PUPIL_DETAIL.format(
            name=pupil.name,
            mean=mean_text(pupil.mean),
            lessons=pupil.lessons,
            missed=pupil.missed,
            unexcused=pupil.unexcused,
            excused=pupil.excused,
            days=pupil.days_missed,
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self.show_detail()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.show_detail()
        self.refresh_bindings()

    # --- actions ------------------------------------------------------------------------

    def action_view(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = tab
        pane = tabs.get_pane(tab)
        for table in pane.query(DataTable):
            table.focus()
        self.show_detail()
        self.refresh_bindings()

    def action_pick_class(self) -> None:
        def picked(index: int | None) -> None:
            if index is not None and index != self.class_index:
                self.class_index = index
                self.load_class()

        self.app.push_screen(ClassPicker(self.class_list, self.class_index), picked)

    def action_scope(self, step: int) -> None:
        if self.scopes:
            self.scope_index = (self.scope_index + step) % len(self.scopes)
            self.range = None
            self.reload()

    def action_range(self) -> None:
        start, end = self.scope_range()

        def submit(values: dict) -> tuple[dt.date, dt.date]:
            first = parse_date(values["start"], S.AN_F_FROM) or start
            last = parse_date(values["end"], S.AN_F_TO) or end
            control_report(self.actor, self.class_list[self.class_index].id, first, last)  # validates
            return first, last

        def done(chosen: object) -> None:
            if chosen:
                self.range = chosen  # type: ignore[assignment]
                self.reload()

        fields = [
            Field("start", S.AN_F_FROM, f"{start:%d.%m.%Y}"),
            Field("end", S.AN_F_TO, f"{end:%d.%m.%Y}"),
        ]
        self.app.push_screen(FormDialog(S.AN_RANGE_TITLE, fields, submit), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "control-table" or not self.control:
            return
        row = self.control[min(event.cursor_row, len(self.control) - 1)]
        from tui.screens.journalgrid import GridScreen  # loaded only when a grid is opened

        choice = row.course_choice(self.actor.user_id)
        if not choice.own and not self.actor.is_admin:
            self.notify(S.AN_READ_ONLY.format(title=row.title))
        scope = self.scopes[self.scope_index] if self.scopes else None
        self.app.push_screen(GridScreen(self.actor, choice, scope.period_id if scope else None))
