"""Tab 5 Расписание: the weekly template per class (day × lesson number), its entries with
dates, lessons generated and regenerated, one-off changes on a date.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.access import Actor
from models.school.calendar import periods_for_grade
from models.school.lessons import (
    LessonPlan,
    generate_lessons,
    preview_generate,
    preview_regenerate,
    regenerate_future_lessons,
)
from models.school.load import LoadRow, class_load
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
from tui.attempt import attempt
from tui.keys import twin
from tui.setup.pane import NONE, Pane, day_text, need_date, need_int
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.table import Table

MIN_ROWS = 7  # lesson numbers the timetable always shows
DAY_WIDTH = 11


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
        Binding(twin("e"), "edit", S.KEY_ENTRY_DATES, id="entry-dates", key_display="Enter"),
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
            yield Table(id="entries", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

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
            Field("start", S.F_VALID_FROM, day_text(entry.valid_from)),
            Field("end", S.F_VALID_TO, day_text(entry.valid_to)),
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
            attempt(self, lambda: remove_timetable_entry(self.actor, entry.id))
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
        Binding(twin("e"), "edit", S.KEY_SLOT, id="edit-slot", key_display="Enter"),
        Binding("delete", "clear", S.KEY_CLEAR_SLOT, id="clear-slot", key_display="Del"),
        Binding(twin("g"), "generate", S.KEY_GENERATE, id="generate", key_display="G"),
        Binding(twin("r"), "regenerate", S.KEY_REGENERATE, id="regenerate", key_display="R"),
        Binding(twin("o"), "one_off", S.KEY_ONE_OFF, id="one-off", key_display="O"),
        Binding(twin("l"), "entries", S.KEY_ENTRIES, id="entries", key_display="L"),
        Binding(twin("comma"), "week(-1)", S.KEY_OTHER_WEEK, id="prev-week", key_display="< >"),
        Binding(twin("full_stop"), "week(1)", S.KEY_OTHER_WEEK, id="next-week", show=False),
        Binding(
            twin("left_square_bracket"), "other(-1)", S.KEY_OTHER_CLASS, id="prev-class", key_display="[ ]"
        ),
        Binding(twin("right_square_bracket"), "other(1)", S.KEY_OTHER_CLASS, id="next-class", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="timetable-title", classes="setup-title")
        yield Table(id="timetable", cursor_type="cell", zebra_stripes=False)
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
            Field("start", S.F_VALID_FROM, day_text(self.default_from())),
            Field("end", S.F_VALID_TO),
        ]

        def submit(values: dict) -> object:
            return set_slot(
                self.actor,
                school_class.id,
                weekday,
                number,
                self.ids_of(values["courses"]),
                need_date(values["start"], S.F_VALID_FROM),
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
        fields = [
            Field("start", S.SU_F_FROM, day_text(self.default_from())),
            Field("end", S.SU_F_TO, day_text(end)),
        ]

        def submit(values: dict) -> object:
            start, last = need_date(values["start"], S.SU_F_FROM), need_date(values["end"], S.SU_F_TO)
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
            return preview_regenerate(school_class.id, need_date(values["start"], S.SU_F_FROM))

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

        fields = [Field("start", S.SU_F_FROM, day_text(self.default_from()))]
        self.form(S.REGENERATE_TITLE.format(name=school_class.name), fields, submit, done)

    def action_one_off(self) -> None:
        school_class = self.owner.school_class
        if school_class is None:
            return
        weekday, number = self.slot()
        fields = [
            Field("day", S.SU_F_DAY, day_text(self.day_of(weekday))),
            Field("number", S.F_LESSON_NUMBER, str(number)),
            Field("courses", S.F_INSTEAD, NONE, self.course_choices(S.CHOICE_CANCEL_LESSON)),
        ]

        def submit(values: dict) -> object:
            return change_day(
                self.actor,
                school_class.id,
                need_date(values["day"], S.SU_F_DAY),
                need_int(values["number"], S.F_LESSON_NUMBER),
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
