"""Setting up and running the school's frame (admin): one screen, six tabs, keyboard-driven.

1 Год и периоды — the year, its periods (dates, close, add, remove), the breaks, the next
  year by promotion. 2 Классы — create, rename, homeroom teacher, remove while empty.
3 Предметы — subjects and work types with weights. 4 Нагрузка — one table per class (or
  per teacher), subgroups with their teachers. 5 Расписание — the weekly template per class
  (day × lesson number), its entries with dates, lessons generated and regenerated, one-off
  changes on a date. 6 Настройки — every school setting with its Russian label.

Every change goes through a service in models/ (models/school/: calendar, classes, subjects, load, timetable, lessons, promotion, identity); a refusal is
shown with its reason and changes nothing; a destructive step asks first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from models.core import clock
from models.core.access import Actor
from models.core.errors import JournalError, ValidationError
from models.core.settings import LABELS, Settings, parse_value
from models.core.settings import load as load_settings
from models.core.validation import parse_date
from models.school.calendar import (
    PERIOD_KINDS,
    PeriodInfo,
    YearInfo,
    add_period,
    close_period,
    create_year,
    current_year_id,
    delete_period,
    grades_text,
    holidays,
    list_periods,
    list_years,
    period_change_effect,
    periods_for_grade,
    set_period_dates,
    year_start_for,
)
from models.school.classes import (
    ClassInfo,
    ClassRow,
    class_rows,
    create_class,
    delete_class,
    list_classes,
    parse_class_name,
    set_homeroom,
    update_class,
)
from models.school.identity import update_setting
from models.school.lessons import (
    LessonPlan,
    generate_lessons,
    preview_generate,
    preview_regenerate,
    regenerate_future_lessons,
)
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
from models.school.promotion import preview_promotion, promote_year
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
from models.school.timetable import (
    WEEKDAY_NAMES,
    WEEKDAYS,
    DayChange,
    EntryInfo,
    change_day,
    remove_timetable_entry,
    set_slot,
    timetable_entries,
    timetable_grid,
    update_timetable_entry,
)
from tui import strings as S
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog

TABS = ("year", "classes", "subjects", "load", "timetable", "settings")
NONE = ""  # the "nobody / nothing" choice of a drop-down
MIN_ROWS = 7  # lesson numbers the timetable always shows
DAY_WIDTH = 11


def _d(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _date(value: str, label: str) -> dt.date:
    day = parse_date(value, label)
    if day is None:
        raise ValidationError(S.SETUP_NEED_DATE.format(label=label))
    return day


def _int(value: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(S.SETUP_NEED_NUMBER.format(label=label)) from None


def _choice_id(value: object) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


class Pane(Vertical):
    """One tab's content: knows the screen (the chosen year and class) and the actor."""

    def __init__(self, owner: SetupScreen, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    @property
    def actor(self) -> Actor:
        return self.owner.actor

    def reload(self) -> None:  # pragma: no cover - every pane has its own
        pass

    def table(self, selector: str = "DataTable") -> DataTable:
        return self.query_one(selector, DataTable)

    def focus_table(self) -> None:
        self.query(DataTable).first().focus()

    def run(self, service: Callable, *args, **kwargs):
        """Call a service as this user; a refusal is shown, nothing changes, None returned."""
        try:
            result = service(self.actor, *args, **kwargs)
        except JournalError as exc:
            self.app.notify(str(exc), severity="error", timeout=8)
            return None
        self.owner.reload_all()
        return result if result is not None else True

    def ask(self, question: str, then: Callable[[], object]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmDialog(question), answered)

    def form(self, title: str, fields: list[Field], submit: Callable[[dict], object], done=None) -> None:
        def finished(result: object) -> None:
            if result is not None:
                self.owner.reload_all()
                if done is not None:
                    done(result)

        self.app.push_screen(FormDialog(title, fields, submit), finished)

    def row_index(self, table: DataTable, count: int) -> int | None:
        if not count or table.cursor_row < 0:
            return None
        return min(table.cursor_row, count - 1)

    def restore(self, table: DataTable, row: int, count: int) -> None:
        if count:
            table.move_cursor(row=min(max(row, 0), count - 1))


# --- 1. the year and its periods --------------------------------------------------------------


class YearPane(Pane):
    BINDINGS = [
        Binding("n,т", "new_year", S.KEY_NEW_YEAR, id="new-year", key_display="N"),
        Binding("e,у", "edit", S.KEY_PERIOD_DATES, id="edit-period", key_display="Enter"),
        Binding("c,с", "close", S.KEY_CLOSE_PERIOD, id="close-period", key_display="C"),
        Binding("insert", "add", S.KEY_ADD_PERIOD, id="add-period", key_display="Ins"),
        Binding("delete", "delete", S.KEY_DELETE_PERIOD, id="delete-period", key_display="Del"),
        Binding("p,з", "promote", S.KEY_PROMOTE, id="promote", key_display="P"),
        Binding("left_square_bracket,х", "year(-1)", S.KEY_OTHER_YEAR, id="prev-year", key_display="[ ]"),
        Binding("right_square_bracket,ъ", "year(1)", S.KEY_OTHER_YEAR, id="next-year", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="year-title", classes="setup-title")
        yield DataTable(id="periods", cursor_type="row", zebra_stripes=True)
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
                _d(p.start),
                _d(p.end),
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
            return create_year(self.actor, _int(values["start"], S.F_YEAR_START))

        def done(year_id: int) -> None:
            self.owner.year_id = year_id
            self.owner.reload_all()
            self.app.notify(S.YEAR_CREATED)

        self.form(S.NEW_YEAR_TITLE, [Field("start", S.F_YEAR_START, str(suggested))], submit, done)

    def action_edit(self) -> None:
        period = self.selected
        if period is None:
            return
        fields = [Field("start", S.SU_F_START, _d(period.start)), Field("end", S.SU_F_END, _d(period.end))]

        def submit(values: dict) -> object:
            start, end = _date(values["start"], S.SU_F_START), _date(values["end"], S.SU_F_END)
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
                _date(values["start"], S.SU_F_START),
                _date(values["end"], S.SU_F_END),
                _int(values["grade_from"], S.F_GRADE_FROM),
                _int(values["grade_to"], S.F_GRADE_TO),
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
        try:
            preview = preview_promotion(year.id)
        except JournalError as exc:
            self.app.notify(str(exc), severity="error")
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


# --- 2. classes ----------------------------------------------------------------------------------


def staff_fields(value: int | None = None, label: str = S.F_HOMEROOM) -> Field:
    choices = ((S.CHOICE_NOBODY, NONE),) + tuple((c.label, str(c.id)) for c in staff_choices())
    return Field("teacher", label, str(value) if value else NONE, choices)


class ClassesPane(Pane):
    BINDINGS = [
        Binding("n,т,insert", "new", S.KEY_NEW_CLASS, id="new-class", key_display="N"),
        Binding("e,у", "edit", S.KEY_EDIT, id="edit-class", key_display="Enter"),
        Binding("delete", "delete", S.KEY_DELETE_CLASS, id="delete-class", key_display="Del"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="classes-title", classes="setup-title")
        yield DataTable(id="classes", cursor_type="row", zebra_stripes=True)

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
            return create_class(self.actor, year.id, grade, letter, _choice_id(values["teacher"]))

        self.form(S.NEW_CLASS_TITLE, [Field("name", S.F_CLASS_NAME), staff_fields()], submit)

    def action_edit(self) -> None:
        row = self.selected
        if row is None:
            return
        info = row.info

        def submit(values: dict) -> object:
            grade, letter = parse_class_name(values["name"])
            result = update_class(self.actor, info.id, grade, letter)
            teacher = _choice_id(values["teacher"])
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


# --- 3. subjects and work types ----------------------------------------------------------------


class SubjectsPane(Pane):
    BINDINGS = [
        Binding("n,т,insert", "new_subject", S.KEY_NEW_SUBJECT, id="new-subject", key_display="N"),
        Binding("w,ц", "new_work_type", S.KEY_NEW_WORK_TYPE, id="new-work-type", key_display="W"),
        Binding("e,у", "edit", S.KEY_EDIT, id="edit-subject", key_display="Enter"),
        Binding("delete", "delete", S.SU_KEY_DELETE, id="delete-subject", key_display="Del"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="setup-pair"):
            with Vertical():
                yield Static(S.SUBJECTS_TITLE, classes="setup-title")
                yield DataTable(id="subjects", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static(S.WORK_TYPES_TITLE, classes="setup-title")
                yield DataTable(id="work-types", cursor_type="row", zebra_stripes=True)

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


# --- 4. teaching load ------------------------------------------------------------------------------


class LoadPane(Pane):
    BINDINGS = [
        Binding("n,т,insert", "new", S.KEY_NEW_LOAD, id="new-load", key_display="N"),
        Binding("e,у", "teacher", S.KEY_CHANGE_TEACHER, id="change-teacher", key_display="Enter"),
        Binding("g,п", "groups", S.KEY_GROUP_TEACHERS, id="group-teachers", key_display="G"),
        Binding("delete", "delete", S.SU_KEY_DELETE, id="delete-load", key_display="Del"),
        Binding("t,е", "by_teacher", S.KEY_BY_TEACHER, id="by-teacher", key_display="T"),
        Binding("left_square_bracket,х", "other(-1)", S.KEY_OTHER_CLASS, id="prev-class", key_display="[ ]"),
        Binding("right_square_bracket,ъ", "other(1)", S.KEY_OTHER_CLASS, id="next-class", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="load-title", classes="setup-title")
        yield DataTable(id="load", cursor_type="row", zebra_stripes=True)

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
            teacher = _choice_id(values["teacher"])
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
            teacher = _choice_id(values["teacher"])
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
            teachers = [t for n in range(1, 5) if (t := _choice_id(values[f"g{n}"])) is not None]
            return set_subgroup_teachers(self.actor, school_class.id, int(values["subject"]), teachers)

        self.form(S.GROUPS_TITLE.format(name=school_class.name), fields, submit)

    def action_delete(self) -> None:
        row = self.selected
        if row is not None:
            question = S.CONFIRM_DELETE_LOAD.format(name=row.class_name, subject=row.title)
            self.ask(question, lambda: self.run(delete_course, row.course_id))


# --- 5. timetable ----------------------------------------------------------------------------------


def cell_text(found: list[EntryInfo], width: int = DAY_WIDTH) -> str:
    """A timetable cell: the subject's short name, cut so that the groups stay visible
    ("Англий 1/2гр"); different subjects of the groups side by side ("Инф 1гр/Англ 2гр")."""
    if not found:
        return ""
    subjects = {e.short for e in found}
    groups = "/".join(str(e.subgroup_number) for e in found if e.subgroup_number)
    if len(subjects) == 1:
        suffix = f" {groups}гр" if groups else ""
        name = found[0].short
        room = width - len(suffix)
        return (name if len(name) <= room else name[: max(room - 1, 1)] + "…") + suffix
    parts = [f"{e.short[:3]} {e.subgroup_number or ''}".strip() for e in found]
    return "/".join(parts)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class EntriesScreen(ModalScreen[None]):
    """Every template entry of a class with its dates: edit the dates, remove one."""

    BINDINGS = [
        Binding("escape", "close", S.KEY_CLOSE, id="close"),
        Binding("e,у", "edit", S.KEY_ENTRY_DATES, id="entry-dates", key_display="Enter"),
        Binding("delete", "remove", S.SU_KEY_DELETE, id="remove-entry", key_display="Del"),
    ]

    def __init__(self, actor: Actor, class_id: int, class_name: str) -> None:
        super().__init__()
        self.actor = actor
        self.class_id = class_id
        self.class_name = class_name
        self.entries: list[EntryInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog setup-entries"):
            yield Static(S.ENTRIES_TITLE.format(name=self.class_name), classes="dialog-title")
            yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*S.ENTRY_COLUMNS)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        self.entries = timetable_entries(self.class_id)
        for e in self.entries:
            table.add_row(
                WEEKDAYS[e.weekday - 1],
                str(e.number),
                e.label,
                e.teacher,
                e.validity,
                key=str(e.id),
            )
        if self.entries:
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1))

    @property
    def selected(self) -> EntryInfo | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row < 0:
            return None
        return self.entries[min(table.cursor_row, len(self.entries) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        entry = self.selected
        if entry is None:
            return
        fields = [
            Field("start", S.F_VALID_FROM, _d(entry.valid_from)),
            Field("end", S.F_VALID_TO, _d(entry.valid_to)),
        ]

        def submit(values: dict) -> object:
            return update_timetable_entry(self.actor, entry.id, values["start"], values["end"] or None)

        def done(result: object) -> None:
            if result is not None:
                self.reload()

        title = S.ENTRY_TITLE.format(day=WEEKDAYS[entry.weekday - 1], number=entry.number, label=entry.label)
        self.app.push_screen(FormDialog(title, fields, submit), done)

    def action_remove(self) -> None:
        entry = self.selected
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                remove_timetable_entry(self.actor, entry.id)
            except JournalError as exc:
                self.app.notify(str(exc), severity="error")
            self.reload()

        question = S.CONFIRM_REMOVE_ENTRY.format(
            day=WEEKDAYS[entry.weekday - 1],
            number=entry.number,
            label=entry.label,
            validity=entry.validity,
        )
        self.app.push_screen(ConfirmDialog(question), answered)

    def action_close(self) -> None:
        self.dismiss(None)


class TimetablePane(Pane):
    BINDINGS = [
        Binding("e,у", "edit", S.KEY_SLOT, id="edit-slot", key_display="Enter"),
        Binding("delete", "clear", S.KEY_CLEAR_SLOT, id="clear-slot", key_display="Del"),
        Binding("g,п", "generate", S.KEY_GENERATE, id="generate", key_display="G"),
        Binding("r,к", "regenerate", S.KEY_REGENERATE, id="regenerate", key_display="R"),
        Binding("o,щ", "one_off", S.KEY_ONE_OFF, id="one-off", key_display="O"),
        Binding("l,д", "entries", S.KEY_ENTRIES, id="entries", key_display="L"),
        Binding("comma,б", "week(-1)", S.KEY_OTHER_WEEK, id="prev-week", key_display="< >"),
        Binding("full_stop,ю", "week(1)", S.KEY_OTHER_WEEK, id="next-week", show=False),
        Binding("left_square_bracket,х", "other(-1)", S.KEY_OTHER_CLASS, id="prev-class", key_display="[ ]"),
        Binding("right_square_bracket,ъ", "other(1)", S.KEY_OTHER_CLASS, id="next-class", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="timetable-title", classes="setup-title")
        yield DataTable(id="timetable", cursor_type="cell", zebra_stripes=False)
        yield Static(S.TIMETABLE_HINT, classes="status")

    def on_mount(self) -> None:
        self.monday = monday_of(clock.today())
        self.grid: dict[tuple[int, int], list[EntryInfo]] = {}
        self.rows = MIN_ROWS
        table = self.table()
        table.add_column(S.COL_NUMBER, key="number")
        for n, day in enumerate(WEEKDAYS, 1):
            table.add_column(day, key=str(n), width=DAY_WIDTH)

    def reload(self) -> None:
        table = self.table()
        coordinate = table.cursor_coordinate
        table.clear()
        school_class = self.owner.school_class
        title = self.query_one("#timetable-title", Static)
        if school_class is None:
            self.grid = {}
            title.update(S.SU_NO_CLASSES)
            return
        saturday = self.monday + dt.timedelta(days=5)
        title.update(S.TIMETABLE_TITLE.format(name=school_class.name, start=self.monday, end=saturday))
        # each day of the week shown with what holds on that very date
        week: dict[tuple[int, int], list[EntryInfo]] = {}
        for wd in range(1, 7):
            for (d, n), found in timetable_grid(school_class.id, self.day_of(wd)).items():
                if d == wd:
                    week[(wd, n)] = found
        self.grid = week
        self.rows = max([MIN_ROWS, *(n for _, n in week)])
        for number in range(1, self.rows + 1):
            cells = [cell_text(week.get((wd, number), [])) for wd in range(1, 7)]
            table.add_row(str(number), *cells, key=str(number))
        if coordinate.row < self.rows:
            table.move_cursor(row=coordinate.row, column=max(coordinate.column, 1))

    def slot(self) -> tuple[int, int]:
        """(weekday, number) under the cursor (a weekday column, not the number's)."""
        coordinate = self.table().cursor_coordinate
        return max(coordinate.column, 1), coordinate.row + 1

    def day_of(self, weekday: int) -> dt.date:
        return self.monday + dt.timedelta(days=weekday - 1)

    def action_week(self, step: int) -> None:
        self.monday += dt.timedelta(days=7 * step)
        self.reload()

    def action_other(self, step: int) -> None:
        self.owner.step_class(step)

    def default_from(self) -> dt.date:
        year = self.owner.year
        today = clock.today()
        return min(max(today, year.start), year.end) if year else today

    def course_choices(self, blank: str) -> tuple[tuple[str, str], ...]:
        school_class = self.owner.school_class
        rows = class_load(school_class.id) if school_class else []
        choices = [(blank, NONE)]
        groups: dict[int, list[LoadRow]] = {}
        for r in rows:
            choices.append((f"{r.title} — {r.teacher}", str(r.course_id)))
            if r.subgroup_id:
                groups.setdefault(r.subject_id, []).append(r)
        for subject_rows in groups.values():
            if len(subject_rows) > 1:
                ids = ",".join(str(r.course_id) for r in subject_rows)
                choices.append((S.ALL_GROUPS.format(subject=subject_rows[0].subject), ids))
        return tuple(choices)

    @staticmethod
    def ids_of(value: object) -> list[int]:
        return [int(x) for x in str(value or "").split(",") if x.strip().isdigit()]

    def action_edit(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return
        weekday, number = self.slot()
        choices = self.course_choices(S.CHOICE_NO_LESSON)
        current = ",".join(str(e.course_id) for e in self.grid.get((weekday, number), []))
        if current not in {value for _, value in choices}:
            current = NONE
        fields = [
            Field("courses", S.SU_F_LESSON, current, choices),
            Field("start", S.F_VALID_FROM, _d(self.default_from())),
            Field("end", S.F_VALID_TO),
        ]

        def submit(values: dict) -> object:
            return set_slot(
                self.actor,
                school_class.id,
                weekday,
                number,
                self.ids_of(values["courses"]),
                _date(values["start"], S.F_VALID_FROM),
                values["end"] or None,
            )

        def done(_result: object) -> None:
            self.app.notify(S.SLOT_SAVED)

        title = S.SLOT_TITLE.format(name=school_class.name, day=WEEKDAY_NAMES[weekday - 1], number=number)
        self.form(title, fields, submit, done)

    def action_clear(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return
        weekday, number = self.slot()
        if not self.grid.get((weekday, number)):
            return
        start = self.default_from()
        question = S.CONFIRM_CLEAR_SLOT.format(day=WEEKDAY_NAMES[weekday - 1], number=number, start=start)
        self.ask(question, lambda: self.run(set_slot, school_class.id, weekday, number, [], start))

    def action_generate(self) -> None:
        school_class = self.owner.school_class
        year = self.owner.year
        if school_class is None or year is None:
            return
        periods = periods_for_grade(year.id, school_class.grade)
        end = periods[-1].end if periods else year.end
        fields = [Field("start", S.SU_F_FROM, _d(self.default_from())), Field("end", S.SU_F_TO, _d(end))]

        def submit(values: dict) -> object:
            start, last = _date(values["start"], S.SU_F_FROM), _date(values["end"], S.SU_F_TO)
            return preview_generate(school_class.id, None, start, last)

        def done(plan: LessonPlan) -> None:
            if not plan.create:
                self.app.notify(S.NOTHING_TO_GENERATE)
                return
            question = S.CONFIRM_GENERATE.format(
                count=plan.create, name=plan.class_name, start=plan.start, end=plan.end, days=plan.school_days
            )

            def go() -> None:
                made = self.run(generate_lessons, school_class.id, None, plan.start, plan.end)
                if made:
                    self.app.notify(S.GENERATED.format(count=made.create, name=made.class_name))

            self.ask(question, go)

        self.form(S.GENERATE_TITLE.format(name=school_class.name), fields, submit, done)

    def action_regenerate(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return

        def submit(values: dict) -> object:
            return preview_regenerate(school_class.id, _date(values["start"], S.SU_F_FROM))

        def done(plan: LessonPlan) -> None:
            kept = "; ".join(str(k) for k in plan.kept[:5]) + ("…" if len(plan.kept) > 5 else "")
            question = S.CONFIRM_REGENERATE.format(
                name=plan.class_name,
                start=plan.start,
                create=plan.create,
                remove=plan.remove,
                unchanged=plan.unchanged,
                kept=len(plan.kept),
                which=f" ({kept})" if kept else "",
            )

            def go() -> None:
                made = self.run(regenerate_future_lessons, school_class.id, plan.start)
                if made:
                    self.app.notify(
                        S.REGENERATED.format(create=made.create, remove=made.remove, kept=len(made.kept))
                    )

            self.ask(question, go)

        fields = [Field("start", S.SU_F_FROM, _d(self.default_from()))]
        self.form(S.REGENERATE_TITLE.format(name=school_class.name), fields, submit, done)

    def action_one_off(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return
        weekday, number = self.slot()
        fields = [
            Field("day", S.SU_F_DAY, _d(self.day_of(weekday))),
            Field("number", S.F_LESSON_NUMBER, str(number)),
            Field("courses", S.F_INSTEAD, NONE, self.course_choices(S.CHOICE_CANCEL_LESSON)),
        ]

        def submit(values: dict) -> object:
            return change_day(
                self.actor,
                school_class.id,
                _date(values["day"], S.SU_F_DAY),
                _int(values["number"], S.F_LESSON_NUMBER),
                self.ids_of(values["courses"]),
            )

        def done(change: DayChange) -> None:
            text = S.SU_CANCELLED if not change.added else S.SU_REPLACED
            self.app.notify(text.format(day=change.day, number=change.number))

        self.form(S.ONE_OFF_TITLE.format(name=school_class.name), fields, submit, done)

    def action_entries(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return

        def closed(_result: object) -> None:
            self.owner.reload_all()

        self.app.push_screen(EntriesScreen(self.actor, school_class.id, school_class.name), closed)


# --- 6. settings -----------------------------------------------------------------------------------


def shown_setting(value: object) -> str:
    if isinstance(value, bool):
        return S.SU_YES if value else S.SU_NO
    return str(value)


class SettingsPane(Pane):
    BINDINGS = [Binding("e,у", "edit", S.KEY_EDIT, id="edit-setting", key_display="Enter")]

    def compose(self) -> ComposeResult:
        yield Static(S.SETTINGS_TITLE, classes="setup-title")
        yield DataTable(id="settings", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.table().add_columns(*S.SETTING_COLUMNS)
        self.keys = list(LABELS)

    def reload(self) -> None:
        table = self.table()
        row = table.cursor_row
        table.clear()
        current = load_settings()
        for key in self.keys:
            table.add_row(LABELS[key], shown_setting(getattr(current, key)), key=key)
        self.restore(table, row, len(self.keys))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        index = self.row_index(self.table(), len(self.keys))
        if index is None:
            return
        key = self.keys[index]
        value = getattr(load_settings(), key)
        if isinstance(getattr(Settings(), key), bool):
            field = Field("value", LABELS[key], "1" if value else "0", ((S.SU_YES, "1"), (S.SU_NO, "0")))
        else:
            field = Field("value", LABELS[key], str(value))

        def submit(values: dict) -> object:
            parse_value(key, values["value"])  # the form shows a bad value at once
            update_setting(self.actor, key, values["value"])
            return True

        self.form(S.SETTING_TITLE, [field], submit)


# --- the screen ------------------------------------------------------------------------------------


class SetupScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        *(
            Binding(str(n), f"tab('{tab}')", S.SETUP_TABS[n - 1], id=f"tab-{tab}", show=False)
            for n, tab in enumerate(TABS, 1)
        ),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.year_id: int | None = current_year_id()
        self.class_id: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(S.SETUP_TITLE, classes="screen-title")
        with TabbedContent(id="setup-tabs", initial="tab-year"):
            panes = (YearPane, ClassesPane, SubjectsPane, LoadPane, TimetablePane, SettingsPane)
            for n, (tab, pane) in enumerate(zip(TABS, panes, strict=True), 1):
                with TabPane(f"{n} {S.SETUP_TABS[n - 1]}", id=f"tab-{tab}"):
                    yield pane(self, id=f"pane-{tab}")
        yield Footer()

    def on_mount(self) -> None:
        self.reload_all()
        self.pane().focus_table()

    # --- shared state: the year and the class shown ---

    @property
    def year(self) -> YearInfo | None:
        return next((y for y in list_years() if y.id == self.year_id), None)

    def year_classes(self) -> list[ClassInfo]:
        return list_classes(self.year_id) if self.year_id else []

    @property
    def school_class(self) -> ClassInfo | None:
        classes = self.year_classes()
        found = next((c for c in classes if c.id == self.class_id), None)
        if found is None and classes:
            found = classes[0]
            self.class_id = found.id
        return found

    def step_year(self, step: int) -> None:
        years = list_years()
        if not years:
            return
        ids = [y.id for y in years]
        index = ids.index(self.year_id) if self.year_id in ids else len(ids) - 1
        self.year_id = ids[(index + step) % len(ids)]
        self.class_id = None
        self.reload_all()

    def step_class(self, step: int) -> None:
        classes = self.year_classes()
        if not classes:
            return
        ids = [c.id for c in classes]
        index = ids.index(self.class_id) if self.class_id in ids else 0
        self.class_id = ids[(index + step) % len(ids)]
        self.reload_all()

    def pane(self, tab: str | None = None) -> Pane:
        tab = tab or self.query_one(TabbedContent).active.removeprefix("tab-")
        return self.query_one(f"#pane-{tab}", Pane)

    def reload_all(self) -> None:
        for pane in self.query(Pane):
            pane.reload()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{tab}"
        self.pane(tab).focus_table()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.pane(event.pane.id.removeprefix("tab-")).focus_table()
