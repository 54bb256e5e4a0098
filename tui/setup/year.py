"""Tab 1 Год и периоды: the year, its periods (dates, close, add, remove), the breaks, the next
year by promotion.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.errors import JournalError
from models.school.calendar import (
    PERIOD_KINDS,
    PeriodInfo,
    add_period,
    close_period,
    create_year,
    delete_period,
    grades_text,
    holidays,
    list_periods,
    list_years,
    period_change_effect,
    set_period_dates,
    year_start_for,
)
from models.school.promotion import preview_promotion, promote_year
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.setup.pane import Pane, day_text, need_date, need_int
from tui.widgets.dialogs import Field
from tui.widgets.table import Table
from tui.worker import store_worker


class YearPane(Pane):
    BINDINGS = [
        Binding(twin("n"), "new_year", S.KEY_NEW_YEAR, id="new-year", key_display="N"),
        Binding(twin("e"), "edit", S.KEY_PERIOD_DATES, id="edit-period", key_display="Enter"),
        Binding(twin("c"), "close", S.KEY_CLOSE_PERIOD, id="close-period", key_display="C"),
        Binding("insert", "add", S.KEY_ADD_PERIOD, id="add-period", key_display="Ins"),
        Binding("delete", "delete", S.KEY_DELETE_PERIOD, id="delete-period", key_display="Del"),
        Binding(twin("p"), "promote", S.KEY_PROMOTE, id="promote", key_display="P"),
        Binding(twin("a"), "archive", S.KEY_ARCHIVE_YEAR, id="archive-year", key_display="A", show=False),
        Binding(twin("left_square_bracket"), "year(-1)", S.KEY_OTHER_YEAR, id="prev-year", key_display="[ ]"),
        Binding(twin("right_square_bracket"), "year(1)", S.KEY_OTHER_YEAR, id="next-year", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="year-title", classes="setup-title")
        yield Table(id="periods", cursor_type="row", zebra_stripes=True)
        yield Static("", id="year-breaks", classes="status")

    def on_mount(self) -> None:
        self.table().add_columns(*S.PERIOD_COLUMNS)
        self.periods: list[PeriodInfo] = []

    def reload(self) -> None:
        table = self.table()
        row = table.cursor_row
        table.clear()
        year = self.owner.year
        title = self.query_one("#year-title", Static)
        breaks = self.query_one("#year-breaks", Static)
        if year is None:
            self.periods = []
            title.update(S.SU_NO_YEAR)
            breaks.update("")
            return
        title.update(S.YEAR_TITLE.format(name=year.name, start=year.start, end=year.end))
        self.periods = list_periods(year.id)
        today = clock.today()
        for p in self.periods:
            state = S.PERIOD_CLOSED if p.closed else (S.PERIOD_NOW if p.contains(today) else "")
            table.add_row(
                p.name,
                grades_text(p.grade_from, p.grade_to),
                day_text(p.start),
                day_text(p.end),
                str((p.end - p.start).days + 1),
                state,
                key=str(p.id),
            )
        self.restore(table, row, len(self.periods))
        by_grades: dict[str, list[str]] = {}
        for h in holidays(year.id):
            by_grades.setdefault(h.grades, []).append(f"{h.start:%d.%m}–{h.end:%d.%m}")
        items = "; ".join(f"{grades}: {', '.join(gaps)}" for grades, gaps in by_grades.items())
        breaks.update(S.BREAKS.format(items=items) if items else "")

    @property
    def selected(self) -> PeriodInfo | None:
        index = self.row_index(self.table(), len(self.periods))
        return None if index is None else self.periods[index]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_year(self, step: int) -> None:
        self.owner.step_year(step)

    def action_new_year(self) -> None:
        years = list_years()
        suggested = years[-1].start_year + 1 if years else year_start_for(clock.today())

        def submit(values: dict) -> int:
            return create_year(self.actor, need_int(values["start"], S.F_YEAR_START))

        def done(year_id: int) -> None:
            self.owner.year_id = year_id
            self.owner.reload_all()
            self.app.notify(S.YEAR_CREATED)

        self.form(S.NEW_YEAR_TITLE, [Field("start", S.F_YEAR_START, str(suggested))], submit, done)

    def action_edit(self) -> None:
        period = self.selected
        if period is None:
            return
        fields = [
            Field("start", S.SU_F_START, day_text(period.start)),
            Field("end", S.SU_F_END, day_text(period.end)),
        ]

        def submit(values: dict) -> object:
            start, end = need_date(values["start"], S.SU_F_START), need_date(values["end"], S.SU_F_END)
            effect = period_change_effect(period.id, start, end)
            if effect.empty and not effect.marked:
                return (start, end, effect)  # asked below, then written
            return set_period_dates(self.actor, period.id, start, end)

        def done(result: object) -> None:
            if isinstance(result, tuple):
                start, end, effect = result
                question = S.CONFIRM_DROP_LESSONS.format(count=effect.empty, first=effect.first)
                self.ask(
                    question,
                    lambda: self.run(set_period_dates, period.id, start, end, drop_empty_lessons=True),
                )

        self.form(S.PERIOD_TITLE.format(name=period.name), fields, submit, done)

    def action_close(self) -> None:
        period = self.selected
        if period is None:
            return
        grades = grades_text(period.grade_from, period.grade_to)
        question = (S.CONFIRM_REOPEN if period.closed else S.CONFIRM_CLOSE).format(
            name=period.name, grades=grades
        )
        self.ask(question, lambda: self.run(close_period, period.id, not period.closed))

    def action_add(self) -> None:
        year = self.owner.year
        if year is None:
            self.app.notify(S.SU_NO_YEAR, severity="warning")
            return
        kinds = tuple((name, kind) for kind, name in PERIOD_KINDS.items())
        fields = [
            Field("kind", S.F_PERIOD_KIND, "trimester", kinds),
            Field("grade_from", S.F_GRADE_FROM, "1"),
            Field("grade_to", S.F_GRADE_TO, "11"),
            Field("start", S.SU_F_START),
            Field("end", S.SU_F_END),
        ]

        def submit(values: dict) -> object:
            return add_period(
                self.actor,
                year.id,
                values["kind"],
                need_date(values["start"], S.SU_F_START),
                need_date(values["end"], S.SU_F_END),
                need_int(values["grade_from"], S.F_GRADE_FROM),
                need_int(values["grade_to"], S.F_GRADE_TO),
            )

        self.form(S.ADD_PERIOD_TITLE, fields, submit)

    def action_delete(self) -> None:
        period = self.selected
        if period is None:
            return
        question = S.CONFIRM_DELETE_PERIOD.format(name=period.name)
        self.ask(question, lambda: self.run(delete_period, period.id, drop_empty_lessons=True))

    def action_promote(self) -> None:
        year = self.owner.year
        if year is None:
            return
        preview = attempt(self, lambda: preview_promotion(year.id))
        if preview is None:
            return
        classes = ", ".join(f"{a}→{b}" if b else S.GRADUATES.format(name=a) for a, b in preview.classes)
        question = S.CONFIRM_PROMOTE.format(
            year=preview.year_name,
            old=year.name,
            classes=classes or "—",
            moved=preview.moved,
            graduated=preview.graduated,
            courses=preview.courses,
        )

        def promote() -> None:
            result = self.run(promote_year, year.id)
            if result:
                self.owner.year_id = result.year_id
                self.owner.reload_all()
                self.app.notify(S.PROMOTED.format(year=result.year_name, moved=result.moved))

        self.ask(question, promote)

    def action_archive(self) -> None:
        """The year's archive (R22) into the admin's own files («Мои файлы»: over SFTP or in the
        browser): every course's journal and every class's summary sheets, PDF and xlsx, with
        the manifest. A worker writes it; the app stays usable meanwhile."""
        year = self.owner.year
        if year is None:
            return
        self.ask(S.CONFIRM_ARCHIVE.format(year=year.name), lambda: self.write_archive(year.name))

    @store_worker(exclusive=True, group="archive")
    def write_archive(self, year_name: str) -> None:
        from exports.archive import archive_zip
        from exports.paths import user_folder

        app = self.app
        app.call_from_thread(app.notify, S.ARCHIVE_RUNNING.format(year=year_name), timeout=8)

        def progress(done: int, total: int, label: str) -> None:
            text = S.ARCHIVE_PROGRESS.format(done=done + 1, total=total, label=label)
            app.call_from_thread(app.notify, text, timeout=3)

        try:
            path, archive = archive_zip(self.actor, year_name, user_folder(self.actor.user_id), progress)
        except JournalError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error", timeout=12)
            return
        done = S.ARCHIVE_DONE.format(count=len(archive.files), name=path.name, sums=archive.sums)
        app.call_from_thread(app.notify, done, timeout=20)
