"""Tab 3 Предметы: subjects and work types with weights."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from models.school.subjects import (
    SubjectInfo,
    WorkTypeInfo,
    create_subject,
    create_work_type,
    delete_subject,
    delete_work_type,
    list_subjects,
    list_work_types,
    parse_weight,
    update_subject,
    update_work_type,
)
from tui import strings as S
from tui.keys import twin
from tui.setup.pane import Pane
from tui.widgets.dialogs import Field
from tui.widgets.table import Table


class SubjectsPane(Pane):
    BINDINGS = [
        Binding(twin("n,insert"), "new_subject", S.KEY_NEW_SUBJECT, id="new-subject", key_display="N"),
        Binding(twin("w"), "new_work_type", S.KEY_NEW_WORK_TYPE, id="new-work-type", key_display="W"),
        Binding(twin("e"), "edit", S.KEY_EDIT, id="edit-subject", key_display="Enter"),
        Binding("delete", "delete", S.SU_KEY_DELETE, id="delete-subject", key_display="Del"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="setup-pair"):
            with Vertical():
                yield Static(S.SUBJECTS_TITLE, classes="setup-title")
                yield Table(id="subjects", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static(S.WORK_TYPES_TITLE, classes="setup-title")
                yield Table(id="work-types", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.table("#subjects").add_columns(*S.SUBJECT_COLUMNS)
        self.table("#work-types").add_columns(*S.WORK_TYPE_COLUMNS)
        self.subjects: list[SubjectInfo] = []
        self.work_types: list[WorkTypeInfo] = []

    def reload(self) -> None:
        table = self.table("#subjects")
        row = table.cursor_row
        table.clear()
        self.subjects = list_subjects()
        for s in self.subjects:
            table.add_row(s.name, s.short_name, str(s.courses), key=str(s.id))
        self.restore(table, row, len(self.subjects))
        table = self.table("#work-types")
        row = table.cursor_row
        table.clear()
        self.work_types = list_work_types()
        for w in self.work_types:
            table.add_row(
                w.name,
                f"{w.weight.normalize():f}",
                S.SU_YES if w.is_default else "",
                str(w.marks),
                key=str(w.id),
            )
        self.restore(table, row, len(self.work_types))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @property
    def on_work_types(self) -> bool:
        return self.table("#work-types").has_focus

    def action_new_subject(self) -> None:
        def submit(values: dict) -> object:
            return create_subject(self.actor, values["name"], values["short"])

        fields = [Field("name", S.F_SUBJECT_NAME), Field("short", S.F_SHORT_NAME)]
        self.form(S.NEW_SUBJECT_TITLE, fields, submit)

    def action_new_work_type(self) -> None:
        def submit(values: dict) -> object:
            return create_work_type(self.actor, values["name"], values["weight"])

        fields = [Field("name", S.F_WORK_TYPE_NAME), Field("weight", S.SU_F_WEIGHT, "1")]
        self.form(S.NEW_WORK_TYPE_TITLE, fields, submit)

    def action_edit(self) -> None:
        if self.on_work_types:
            self.edit_work_type()
            return
        index = self.row_index(self.table("#subjects"), len(self.subjects))
        if index is None:
            return
        subject = self.subjects[index]

        def submit(values: dict) -> object:
            return update_subject(self.actor, subject.id, values["name"], values["short"])

        fields = [
            Field("name", S.F_SUBJECT_NAME, subject.name),
            Field("short", S.F_SHORT_NAME, subject.short_name),
        ]
        self.form(S.EDIT_SUBJECT_TITLE.format(name=subject.name), fields, submit)

    def edit_work_type(self) -> None:
        index = self.row_index(self.table("#work-types"), len(self.work_types))
        if index is None:
            return
        wt = self.work_types[index]
        yes_no = ((S.SU_NO, "0"), (S.SU_YES, "1"))
        fields = [
            Field("name", S.F_WORK_TYPE_NAME, wt.name),
            Field("weight", S.SU_F_WEIGHT, f"{wt.weight.normalize():f}"),
            Field("default", S.F_DEFAULT_TYPE, "1" if wt.is_default else "0", yes_no),
        ]

        def submit(values: dict) -> object:
            weight = parse_weight(values["weight"])
            default = values["default"] == "1"
            if weight != wt.weight and wt.marks:
                return (values["name"], weight, default)  # asked below: averages change
            return update_work_type(self.actor, wt.id, values["name"], weight, make_default=default)

        def done(result: object) -> None:
            if isinstance(result, tuple):
                name, weight, default = result
                question = S.CONFIRM_WEIGHT.format(
                    name=wt.name,
                    old=f"{wt.weight.normalize():f}",
                    new=f"{weight.normalize():f}",
                    marks=wt.marks,
                )
                self.ask(
                    question,
                    lambda: self.run(update_work_type, wt.id, name, weight, make_default=default),
                )

        self.form(S.EDIT_WORK_TYPE_TITLE.format(name=wt.name), fields, submit, done)

    def action_delete(self) -> None:
        if self.on_work_types:
            index = self.row_index(self.table("#work-types"), len(self.work_types))
            if index is not None:
                wt = self.work_types[index]
                self.ask(
                    S.CONFIRM_DELETE_WORK_TYPE.format(name=wt.name),
                    lambda: self.run(delete_work_type, wt.id),
                )
            return
        index = self.row_index(self.table("#subjects"), len(self.subjects))
        if index is not None:
            subject = self.subjects[index]
            self.ask(
                S.CONFIRM_DELETE_SUBJECT.format(name=subject.name),
                lambda: self.run(delete_subject, subject.id),
            )
