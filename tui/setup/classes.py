"""Tab 2 Классы: create, rename, homeroom teacher, remove while empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.school.classes import (
    ClassRow,
    class_rows,
    create_class,
    delete_class,
    parse_class_name,
    set_homeroom,
    update_class,
)
from tui import strings as S
from tui.keys import twin
from tui.setup.pane import Pane, choice_id, staff_fields
from tui.widgets.dialogs import Field
from tui.widgets.table import Table


class ClassesPane(Pane):
    BINDINGS = [
        Binding(twin("n,insert"), "new", S.KEY_NEW_CLASS, id="new-class", key_display="N"),
        Binding(twin("e"), "edit", S.KEY_EDIT, id="edit-class", key_display="Enter"),
        Binding("delete", "delete", S.KEY_DELETE_CLASS, id="delete-class", key_display="Del"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="classes-title", classes="setup-title")
        yield Table(id="classes", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.table().add_columns(*S.CLASS_COLUMNS)
        self.rows: list[ClassRow] = []

    def reload(self) -> None:
        table = self.table()
        row = table.cursor_row
        table.clear()
        year = self.owner.year
        self.rows = class_rows(year.id) if year else []
        self.query_one("#classes-title", Static).update(
            S.CLASSES_TITLE.format(year=year.name) if year else S.SU_NO_YEAR
        )
        for r in self.rows:
            table.add_row(
                r.info.name, r.info.homeroom_name or "—", str(r.pupils), str(r.courses), key=str(r.info.id)
            )
        self.restore(table, row, len(self.rows))

    @property
    def selected(self) -> ClassRow | None:
        index = self.row_index(self.table(), len(self.rows))
        return None if index is None else self.rows[index]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new(self) -> None:
        year = self.owner.year
        if year is None:
            self.app.notify(S.SU_NO_YEAR, severity="warning")
            return

        def submit(values: dict) -> object:
            grade, letter = parse_class_name(values["name"])
            return create_class(self.actor, year.id, grade, letter, choice_id(values["teacher"]))

        self.form(S.NEW_CLASS_TITLE, [Field("name", S.F_CLASS_NAME), staff_fields()], submit)

    def action_edit(self) -> None:
        row = self.selected
        if row is None:
            return
        info = row.info

        def submit(values: dict) -> object:
            grade, letter = parse_class_name(values["name"])
            result = update_class(self.actor, info.id, grade, letter)
            teacher = choice_id(values["teacher"])
            if teacher != info.homeroom_id:
                result = set_homeroom(self.actor, info.id, teacher)
            return result

        fields = [Field("name", S.F_CLASS_NAME, info.name), staff_fields(info.homeroom_id)]
        self.form(S.EDIT_CLASS_TITLE.format(name=info.name), fields, submit)

    def action_delete(self) -> None:
        row = self.selected
        if row is not None:
            self.ask(
                S.CONFIRM_DELETE_CLASS.format(name=row.info.name),
                lambda: self.run(delete_class, row.info.id),
            )
