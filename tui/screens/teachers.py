"""The school's teachers and how they keep the journal (R14, the administrator): per teacher
over all their courses, lessons not closed on their day first — what the class analysis'
teachers view shows for one class. Opened with T from the analysis screen, for the same dates."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core.access import Actor
from models.reports.control import TeacherControl, school_control
from tui import strings as S
from tui.attempt import attempt
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


class SchoolTeachersScreen(Screen):
    DEFAULT_CSS = """
    SchoolTeachersScreen #teachers-hint { padding: 0 1; height: auto; color: $text-muted; }
    SchoolTeachersScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", S.KEY_BACK, id="back")]

    def __init__(self, actor: Actor, start: dt.date, end: dt.date) -> None:
        super().__init__()
        self.actor = actor
        self.start, self.end = start, end

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.TEACHERS_TITLE.format(start=self.start, end=self.end), classes="screen-title")
        yield Table(id="teachers-table", cursor_type="row", zebra_stripes=True)
        yield Static(S.TEACHERS_HINT, id="teachers-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        rows = attempt(self, lambda: school_control(self.actor, self.start, self.end))
        table = self.query_one(DataTable)
        table.add_columns(*S.TEACHERS_COLUMNS)
        for row in rows or []:
            table.add_row(*self.cells(row), key=str(row.teacher_id))
        table.focus()

    @staticmethod
    def cells(row: TeacherControl) -> tuple[str, ...]:
        share = f"{row.not_closed_share * 100:.0f}%" if row.lessons else S.AN_NONE
        return (
            row.teacher,
            str(row.courses),
            str(row.lessons),
            str(row.not_closed),
            share,
            str(row.without_topic),
            str(row.without_homework),
            str(row.without_marks),
            str(row.late_marks),
            str(row.corrections),
            str(row.after_final),
        )
