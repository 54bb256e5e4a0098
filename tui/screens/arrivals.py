"""Pupils who came from another school of the district (issue 20): where from, when, how many
marks of the period they brought; Enter enrols the selected one into the roster's class."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.access import Actor
from models.people import moves
from models.people.moves import ArrivalInfo
from models.school.classes import ClassInfo
from tui import strings as S
from tui.attempt import attempt
from tui.screens.district import short_school
from tui.widgets.dialogs import Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


class ArrivalsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("enter", "enrol", S.KEY_ENROL, id="enrol", key_display="Enter", priority=True),
    ]

    def __init__(self, actor: Actor, school_class: ClassInfo) -> None:
        super().__init__()
        self.actor = actor
        self.school_class = school_class
        self.rows: list[ArrivalInfo] = []

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.ARRIVALS_TITLE, classes="screen-title")
        yield Table(id="arrivals", cursor_type="row", zebra_stripes=True)
        yield Static(S.ARRIVALS_HINT.format(class_name=self.school_class.name), id="arrivals-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*S.ARRIVALS_COLUMNS)
        self.reload()
        table.focus()

    def reload(self) -> None:
        rows = attempt(self, lambda: moves.arrivals(self.actor))
        if rows is None:
            return
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for a in rows:
            enrolled = f"{a.enrolled_on:%d.%m.%Y}" if a.enrolled_on else "—"
            table.add_row(
                a.name,
                short_school(a.from_school),  # «СОШ № 7»: the other columns stay within 80
                a.from_class,
                f"{a.left_on:%d.%m.%Y}",
                S.ARRIVAL_MARKS.format(marks=a.marks, finals=a.finals) if a.finals else str(a.marks),
                enrolled,
            )
        if not rows:
            self.notify(S.ARRIVALS_NONE)

    def action_enrol(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0:
            self.app.bell()
            return
        arrival = self.rows[min(table.cursor_row, len(self.rows) - 1)]
        here = self.school_class

        def submit(values: dict) -> ArrivalInfo:
            return moves.enrol_arrival(self.actor, arrival.id, here.id, values["on"])

        def done(result: object) -> None:
            if isinstance(result, ArrivalInfo):
                self.notify(S.ENROLLED_DONE.format(name=result.name, class_name=here.name))
                self.reload()

        fields = [Field("on", S.F_ENROL_DATE, f"{clock.today():%d.%m.%Y}")]
        self.app.push_screen(
            FormDialog(S.ENROL_TITLE.format(class_name=here.name, name=arrival.name), fields, submit), done
        )
