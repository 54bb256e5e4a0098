"""Tab 4 Нагрузка: one table per class (or per teacher), subgroups with their teachers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from models.core.errors import ValidationError
from models.school.load import (
    LoadRow,
    class_load,
    create_course,
    delete_course,
    set_course_teacher,
    set_subgroup_teachers,
    staff_choices,
    teacher_load,
)
from models.school.subjects import list_subjects
from tui import strings as S
from tui.keys import twin
from tui.setup.pane import NONE, Pane, choice_id, staff_fields
from tui.widgets.dialogs import Field
from tui.widgets.table import Table


class LoadPane(Pane):
    BINDINGS = [
        Binding(twin("n,insert"), "new", S.KEY_NEW_LOAD, id="new-load", key_display="N"),
        Binding(twin("e"), "teacher", S.KEY_CHANGE_TEACHER, id="change-teacher", key_display="Enter"),
        Binding(twin("g"), "groups", S.KEY_GROUP_TEACHERS, id="group-teachers", key_display="G"),
        Binding("delete", "delete", S.SU_KEY_DELETE, id="delete-load", key_display="Del"),
        Binding(twin("t"), "by_teacher", S.KEY_BY_TEACHER, id="by-teacher", key_display="T"),
        Binding(
            twin("left_square_bracket"), "other(-1)", S.KEY_OTHER_CLASS, id="prev-class", key_display="[ ]"
        ),
        Binding(twin("right_square_bracket"), "other(1)", S.KEY_OTHER_CLASS, id="next-class", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="load-title", classes="setup-title")
        yield Table(id="load", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.rows: list[LoadRow] = []
        self.teacher_id: int | None = None  # the teacher's view, else the class's

    def reload(self) -> None:
        table = self.table()
        row = table.cursor_row
        table.clear(columns=True)
        title = self.query_one("#load-title", Static)
        year = self.owner.year
        if self.teacher_id is not None and year is not None:
            table.add_columns(S.COL_CLASS, *S.LOAD_COLUMNS)
            self.rows = teacher_load(self.teacher_id, year.id)
            name = next((c.name for c in staff_choices() if c.id == self.teacher_id), "")
            hours = sum(r.hours for r in self.rows)
            title.update(S.TEACHER_LOAD_TITLE.format(name=name, year=year.name, hours=hours))
        else:
            self.teacher_id = None
            table.add_columns(*S.LOAD_COLUMNS)
            school_class = self.owner.school_class
            self.rows = class_load(school_class.id) if school_class else []
            title.update(
                S.LOAD_TITLE.format(name=school_class.name, hours=sum(r.hours for r in self.rows))
                if school_class
                else S.SU_NO_CLASSES
            )
        for r in self.rows:
            cells = [r.subject, r.subgroup or "—", r.teacher, str(r.hours), str(r.lessons)]
            if self.teacher_id is not None:
                cells.insert(0, r.class_name)
            table.add_row(*cells, key=str(r.course_id))
        self.restore(table, row, len(self.rows))

    @property
    def selected(self) -> LoadRow | None:
        index = self.row_index(self.table(), len(self.rows))
        return None if index is None else self.rows[index]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_teacher()

    def action_other(self, step: int) -> None:
        if self.teacher_id is not None:
            staff = staff_choices()
            ids = [c.id for c in staff]
            if ids:
                index = ids.index(self.teacher_id) if self.teacher_id in ids else 0
                self.teacher_id = ids[(index + step) % len(ids)]
                self.reload()
            return
        self.owner.step_class(step)

    def action_by_teacher(self) -> None:
        if self.teacher_id is not None:
            self.teacher_id = None
        else:
            row = self.selected
            staff = staff_choices()
            if row is None and not staff:
                return
            self.teacher_id = row.teacher_id if row else staff[0].id
        self.reload()

    def _subject_field(self) -> Field | None:
        choices = list_subjects()
        if not choices:
            self.app.notify(S.SU_NO_SUBJECTS, severity="warning")
            return None
        return Field("subject", S.F_SUBJECT, str(choices[0].id), tuple((s.name, str(s.id)) for s in choices))

    def action_new(self) -> None:
        school_class = self.owner.school_class
        subject = self._subject_field()
        if school_class is None or subject is None:
            return

        def submit(values: dict) -> object:
            teacher = choice_id(values["teacher"])
            if teacher is None:
                raise ValidationError(S.SU_NEED_TEACHER)
            return create_course(self.actor, school_class.id, int(values["subject"]), teacher)

        fields = [subject, staff_fields(label=S.SU_F_TEACHER)]
        self.form(S.NEW_LOAD_TITLE.format(name=school_class.name), fields, submit)

    def action_teacher(self) -> None:
        row = self.selected
        if row is None:
            return

        def submit(values: dict) -> object:
            teacher = choice_id(values["teacher"])
            if teacher is None:
                raise ValidationError(S.SU_NEED_TEACHER)
            set_course_teacher(self.actor, row.course_id, teacher)
            return True

        title = S.CHANGE_TEACHER_TITLE.format(name=row.class_name, subject=row.title)
        self.form(title, [staff_fields(row.teacher_id, S.SU_F_TEACHER)], submit)

    def action_groups(self) -> None:
        school_class = self.owner.school_class
        subject = self._subject_field()
        if school_class is None or subject is None:
            return
        row = self.selected
        if row is not None:
            subject = Field(subject.name, subject.label, str(row.subject_id), subject.choices)
        teachers = staff_fields().choices
        current = {
            r.subgroup: str(r.teacher_id)
            for r in self.rows
            if r.subgroup_id and row is not None and r.subject_id == row.subject_id
        }
        fields = [subject] + [
            Field(f"g{n}", S.F_GROUP_TEACHER.format(number=n), current.get(f"{n} группа", NONE), teachers)
            for n in range(1, 5)
        ]

        def submit(values: dict) -> object:
            teachers = [t for n in range(1, 5) if (t := choice_id(values[f"g{n}"])) is not None]
            return set_subgroup_teachers(self.actor, school_class.id, int(values["subject"]), teachers)

        self.form(S.GROUPS_TITLE.format(name=school_class.name), fields, submit)

    def action_delete(self) -> None:
        row = self.selected
        if row is not None:
            question = S.CONFIRM_DELETE_LOAD.format(name=row.class_name, subject=row.title)
            self.ask(question, lambda: self.run(delete_course, row.course_id))
