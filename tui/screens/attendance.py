"""The homeroom teacher's attendance (R12, R13): the class's day, and the weekly excuse pass.

Day view: pupils × the day's lessons; a key typed on a cell sets its absence code (either
keyboard layout), Delete clears it, "!" marks the pupil absent for the whole day.
Week view: the unexcused "н" of a week, one row per pupil and day; Б/У turn the row's "н"
into "б"/"у" with the supporting document, Enter picks a single lesson instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from models.core import clock
from models.core.access import Actor
from models.journal import entries
from models.journal.attendance import (
    ClassDay,
    DayLesson,
    DayPupil,
    MissedDay,
    MissedLesson,
    PupilAbsences,
    class_day,
    excuse_days,
    last_full_week,
    mark_day_absent,
    school_day,
    unexcused_week,
)
from models.journal.entries import Cell
from models.school.classes import ClassInfo, classes_kept_by
from tui import strings as S
from tui.attempt import attempt
from tui.keys import ABSENCE_KEYS, absence_code, twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

DAY, WEEK = "day", "week"
T = TypeVar("T")
DAY_ACTIONS = {"day", "absence", "clear", "whole_day", "undo"}
WEEK_ACTIONS = {"week", "excuse", "pick"}


def keys_typing(code: str) -> str:
    """The binding keys that type an absence code in either layout (from tui.keys)."""
    chars = [ch for ch in ABSENCE_KEYS if absence_code(ch) == code]
    return ",".join("comma" if ch == "," else ch for ch in chars)


class LessonPicker(ModalScreen[tuple[int, str] | None]):
    """One lesson of a pupil's day to excuse alone: (absence id, code), or None."""

    BINDINGS = [
        Binding("escape", "cancel", S.KEY_CANCEL, id="cancel"),
        Binding(keys_typing("б"), "choose('б')", S.KEY_EXCUSE_ILL, id="pick-ill", key_display="Б"),
        Binding(keys_typing("у"), "choose('у')", S.KEY_EXCUSE_VALID, id="pick-valid", key_display="У"),
    ]

    def __init__(self, title: str, lessons: tuple[MissedLesson, ...]) -> None:
        super().__init__()
        self.title_text = title
        self.lessons = lessons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(*(Option(f"{m.label} — {m.subject}") for m in self.lessons), id="lesson-pick")
            yield Static(S.PICK_HINT, classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.highlighted = 0
        picker.focus()

    def action_choose(self, code: str) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.dismiss((self.lessons[index].absence_id, code))

    def action_cancel(self) -> None:
        self.dismiss(None)


class AttendanceScreen(Screen):
    # Footer order: the day view's keys first (80 columns hold about six), then the week's.
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="export"),
        # day view (← → move between the lessons there, so [ ] change the day)
        Binding(keys_typing("н"), "absence('н')", S.KEY_ABSENCE, id="absent", key_display="НБУО"),
        Binding(keys_typing("б"), "absence('б')", S.KEY_ABSENCE, id="ill", show=False),
        Binding(keys_typing("у"), "absence('у')", S.KEY_ABSENCE, id="valid", show=False),
        Binding(keys_typing("о"), "absence('о')", S.KEY_ABSENCE, id="late", show=False),
        Binding("exclamation_mark,f5", "whole_day", S.KEY_WHOLE_DAY, id="whole-day", key_display="!"),
        Binding(
            twin("left_square_bracket,ctrl+left"),
            "day(-1)",
            S.KEY_OTHER_DAY,
            id="prev-day",
            key_display="[ ]",
        ),
        Binding(
            twin("right_square_bracket,ctrl+right"),
            "day(1)",
            S.KEY_OTHER_DAY,
            id="next-day",
            show=False,
        ),
        Binding(twin("w"), "view('week')", S.KEY_EXCUSE_PASS, id="week-view", key_display="W"),
        Binding("delete", "clear", S.KEY_CLEAR_ABSENCE, id="clear", key_display="Del"),
        Binding("ctrl+z", "undo", S.KEY_UNDO, id="undo"),
        # week view: the excuse pass
        Binding(keys_typing("б"), "excuse('б')", S.KEY_EXCUSE_ILL, id="excuse-ill", key_display="Б"),
        Binding(keys_typing("у"), "excuse('у')", S.KEY_EXCUSE_VALID, id="excuse-valid", key_display="У"),
        Binding("enter", "pick", S.KEY_PICK_LESSON, id="pick-lesson", priority=True),
        Binding(
            twin("left,left_square_bracket"),
            "week(-1)",
            S.KEY_OTHER_WEEK,
            id="prev-week",
            key_display="← →",
            priority=True,
        ),
        Binding(
            twin("right,right_square_bracket"),
            "week(1)",
            S.KEY_OTHER_WEEK,
            id="next-week",
            show=False,
            priority=True,
        ),
        Binding(twin("w"), "view('day')", S.KEY_DAY_VIEW, id="day-view", key_display="W"),
        # both views: a справка over several days, for the pupil at the cursor
        Binding(twin("d"), "excuse_days", S.KEY_EXCUSE_DAYS, id="excuse-days", key_display="D"),
        Binding(twin("c"), "next_class", S.KEY_CLASS, id="class", key_display="C"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.kept_classes: list[ClassInfo] = []
        self.class_index = 0
        self.mode = DAY
        self.day = school_day(clock.today())
        self.monday = last_full_week(clock.today())
        self.grid: ClassDay | None = None
        self.week_rows: list[tuple[PupilAbsences, MissedDay]] = []
        self.documents: dict[int, str] = {}  # pupil → the last document given, offered again
        # the day view's changes, newest last: each the cells one key changed, as they were
        self.undo_stack: list[list[tuple[int, int, Cell]]] = []

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="attendance-title")
        yield Static("", id="attendance-hint")
        yield Table(id="attendance-table", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept_classes = classes_kept_by(self.actor)
        if not self.kept_classes:
            self.query_one("#attendance-title", Static).update(S.NO_CLASS)
        else:
            self.reload()
        self.query_one(DataTable).focus()
        self.refresh_bindings()

    def action_export(self) -> None:
        """The class's paper-diary extracts (the export screen, preset)."""
        from tui.screens.exports import ExportScreen

        class_id = self.school_class.id if self.kept_classes else None
        self.app.push_screen(ExportScreen(self.actor, kind="diary", class_id=class_id))

    @property
    def school_class(self) -> ClassInfo:
        return self.kept_classes[self.class_index]

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (
            action in DAY_ACTIONS | WEEK_ACTIONS | {"view", "next_class", "excuse_days"}
            and not self.kept_classes
        ):
            return False
        if action == "view":
            return bool(parameters) and parameters[0] != self.mode
        if action in DAY_ACTIONS:
            return self.mode == DAY
        if action in WEEK_ACTIONS:
            return self.mode == WEEK
        if action == "next_class":
            return len(self.kept_classes) > 1
        return True

    # --- loading ------------------------------------------------------------------------

    def reload(self) -> None:
        if not self.kept_classes:
            return
        table = self.table
        row, column = table.cursor_row, table.cursor_column

        def keep_cursor(_shown: None) -> None:
            if table.row_count:
                table.move_cursor(
                    row=max(0, min(row, table.row_count - 1)),
                    column=max(1 if self.mode == DAY else 0, min(column, len(table.columns) - 1)),
                )

        attempt(self, self.show_day if self.mode == DAY else self.show_week, done=keep_cursor)

    def show_day(self) -> None:
        grid = class_day(self.actor, self.school_class.id, self.day)
        self.grid = grid
        self.query_one("#attendance-title", Static).update(
            S.ATTENDANCE_DAY_TITLE.format(
                class_name=grid.class_name,
                day=grid.day,
                weekday=S.WEEKDAY_NAMES[grid.day.weekday()],
            )
        )
        hint = S.ATTENDANCE_DAY_HINT
        if not grid.lessons:
            hint = S.NO_LESSONS_DAY
        elif not grid.pupils:
            hint = S.NO_PUPILS_DAY
        self.query_one("#attendance-hint", Static).update(hint)
        table = self.table
        table.clear(columns=True)
        table.cursor_type = "cell"
        table.fixed_columns = 1
        table.add_column(S.COL_PUPIL, key="pupil")
        for lesson in grid.lessons:
            table.add_column(lesson.label, key=str(lesson.id))
        for pupil in grid.pupils:
            table.add_row(
                pupil.name,
                *(self.cell_text(grid, lesson, pupil) for lesson in grid.lessons),
                key=str(pupil.student_id),
            )

    @staticmethod
    def cell_text(grid: ClassDay, lesson: DayLesson, pupil: DayPupil) -> str:
        if not grid.attends(lesson, pupil.student_id):
            return S.NOT_IN_LESSON
        return grid.cell(lesson.id, pupil.student_id).text()

    def show_week(self) -> None:
        week = unexcused_week(self.actor, self.school_class.id, self.monday)
        self.week_rows = [(pupil, day) for pupil in week for day in pupil.days]
        self.query_one("#attendance-title", Static).update(
            S.ATTENDANCE_WEEK_TITLE.format(
                class_name=self.school_class.name,
                start=self.monday,
                end=self.monday + dt.timedelta(days=5),
                count=sum(p.count for p in week),
            )
        )
        self.query_one("#attendance-hint", Static).update(S.ATTENDANCE_WEEK_HINT if week else S.NO_UNEXCUSED)
        table = self.table
        table.clear(columns=True)
        table.cursor_type = "row"
        table.fixed_columns = 0
        table.add_columns(S.COL_PUPIL, S.COL_DAY, S.COL_LESSONS, S.COL_COUNT)
        previous = None
        for pupil, day in self.week_rows:
            name = pupil.name if pupil.student_id != previous else ""
            previous = pupil.student_id
            table.add_row(name, day.title, day.labels, str(len(day.lessons)))

    # --- the day view -----------------------------------------------------------------

    def cursor_cell(self) -> tuple[DayPupil, DayLesson] | None:
        grid, table = self.grid, self.table
        if grid is None or not grid.pupils or not grid.lessons:
            return None
        if table.cursor_column < 1:
            self.notify(S.PICK_CELL)
            return None
        pupil = grid.pupils[min(table.cursor_row, len(grid.pupils) - 1)]
        lesson = grid.lessons[min(table.cursor_column - 1, len(grid.lessons) - 1)]
        if not grid.attends(lesson, pupil.student_id):
            self.notify(S.NOT_IN_LESSON_MSG.format(name=pupil.name, lesson=lesson.label))
            return None
        return pupil, lesson

    def write(self, change: Callable[[], object]) -> object | None:
        """Run one service call; a refusal is shown and nothing changes."""
        return attempt(self, change, done=lambda _: self.reload())

    def write_undoable(self, cells: list[tuple[int, int]], change: Callable[[], T]) -> T | None:
        """write(), keeping what these cells held for Ctrl+Z once the change is written."""
        assert self.grid is not None
        before = [(lesson, pupil, self.grid.cell(lesson, pupil)) for lesson, pupil in cells]
        result = attempt(self, change, done=lambda _: self.reload())
        if result is not None and before:
            self.undo_stack.append(before)
        return result

    def action_absence(self, code: str) -> None:
        target = self.cursor_cell()
        if target is not None:
            pupil, lesson = target
            self.write_undoable(
                [(lesson.id, pupil.student_id)],
                lambda: entries.set_absence(self.actor, lesson.id, pupil.student_id, code),
            )

    def action_undo(self) -> None:
        """Ctrl+Z: the last change of the day view back as it was (a whole day at once)."""
        if not self.undo_stack:
            self.notify(S.NOTHING_TO_UNDO)
            return
        cells = self.undo_stack.pop()

        def undo() -> int:
            for lesson, pupil, before in cells:
                entries.set_cell(self.actor, lesson, pupil, before, action="cell.undo")
            return len(cells)

        if attempt(self, undo, done=lambda _: self.reload()) is not None:
            self.notify(S.UNDONE)

    def action_clear(self) -> None:
        target = self.cursor_cell()
        if target is None or self.grid is None:
            return
        pupil, lesson = target
        cell = self.grid.cell(lesson.id, pupil.student_id)
        if cell.marks:
            self.notify(S.CELL_HAS_MARKS.format(text=cell.text()), severity="warning")
        elif not cell.empty:
            self.write_undoable(
                [(lesson.id, pupil.student_id)],
                lambda: entries.clear_cell(self.actor, lesson.id, pupil.student_id),
            )

    def action_whole_day(self) -> None:
        grid = self.grid
        if grid is None or not grid.pupils:
            return
        pupil = grid.pupils[min(self.table.cursor_row, len(grid.pupils) - 1)]
        day = grid.day

        def go(yes: bool | None) -> None:
            if not yes:
                return
            cells = [
                (lesson.id, pupil.student_id)
                for lesson in grid.lessons
                if grid.attends(lesson, pupil.student_id)
            ]
            done = self.write_undoable(
                cells, lambda: mark_day_absent(self.actor, grid.class_id, pupil.student_id, day)
            )
            if done is None:
                return
            message = S.WHOLE_DAY_DONE.format(name=pupil.name, count=done.written)
            if done.with_marks:
                message += S.WHOLE_DAY_WITH_MARKS.format(lessons=", ".join(done.with_marks))
            if done.excused:
                message += S.WHOLE_DAY_EXCUSED.format(lessons=", ".join(done.excused))
            self.notify(message, timeout=8)

        self.app.push_screen(ConfirmDialog(S.CONFIRM_WHOLE_DAY.format(name=pupil.name, day=day)), go)

    def action_day(self, step: int) -> None:
        self.day = school_day(self.day, step)
        self.reload()

    # --- the week view: the excuse pass ---------------------------------------------------

    def cursor_row(self) -> tuple[PupilAbsences, MissedDay] | None:
        if not self.week_rows:
            return None
        return self.week_rows[min(max(self.table.cursor_row, 0), len(self.week_rows) - 1)]

    def action_excuse(self, code: str) -> None:
        row = self.cursor_row()
        if row is not None:
            pupil, day = row
            self.ask_document(pupil, day, day.absence_ids, code, day.labels)

    def action_pick(self) -> None:
        row = self.cursor_row()
        if row is None:
            return
        pupil, day = row

        def picked(choice: tuple[int, str] | None) -> None:
            if choice is None:
                return
            absence_id, code = choice
            lesson = next(m for m in day.lessons if m.absence_id == absence_id)
            self.ask_document(pupil, day, [absence_id], code, lesson.label)

        title = S.PICK_TITLE.format(name=pupil.name, day=day.title)
        self.app.push_screen(LessonPicker(title, day.lessons), picked)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.mode == WEEK:
            self.action_pick()

    def ask_document(
        self, pupil: PupilAbsences, day: MissedDay, ids: list[int], code: str, lessons: str
    ) -> None:
        """Ask once for the supporting document (the pupil's last one offered), then excuse."""
        title = S.EXCUSE_TITLE.format(
            reason=S.EXCUSE_REASONS[code], name=pupil.name, day=day.title, lessons=lessons
        )
        self.excuse_form(
            pupil.student_id,
            title,
            [],
            lambda values: entries.excuse_absences(self.actor, ids, code, values["document"]),
            code,
        )

    def excuse_form(
        self, student_id: int, title: str, fields: list[Field], excuse: Callable[[dict], int], code: str = ""
    ) -> None:
        """The form of a справка: `fields`, then the document (the pupil's last one offered);
        `excuse(values)` writes; the count is said and the document kept for the next one."""
        document = Field("document", S.F_DOCUMENT, self.documents.get(student_id, ""))

        def submit(values: dict) -> tuple[int, str, str]:
            return excuse(values), values.get("code", code), values["document"].strip()

        def done(result: object) -> None:
            if not isinstance(result, tuple):
                return
            count, excused_as, document_given = result
            self.documents[student_id] = document_given
            self.notify(S.EXCUSED_DONE.format(count=count, code=excused_as))
            self.reload()

        self.app.push_screen(FormDialog(title, [*fields, document], submit), done)

    def days_target(self) -> tuple[int, str, dt.date, dt.date] | None:
        """The pupil at the cursor and the days a справка most likely covers: the day shown
        (day view), the first to the last day of the pupil's «н» this week (week view)."""
        if self.mode == DAY:
            grid = self.grid
            if grid is None or not grid.pupils:
                return None
            pupil = grid.pupils[min(max(self.table.cursor_row, 0), len(grid.pupils) - 1)]
            return pupil.student_id, pupil.name, grid.day, grid.day
        row = self.cursor_row()
        if row is None:
            return None
        absences = row[0]
        return absences.student_id, absences.name, absences.days[0].day, absences.days[-1].day

    def action_excuse_days(self) -> None:
        """D: one справка for several days — every «н» of the pupil from one date to another."""
        target = self.days_target()
        if target is None:
            self.notify(S.NOTHING_TO_EXCUSE)
            return
        student_id, name, first, last = target
        class_id = self.school_class.id
        fields = [
            Field("first", S.F_EXCUSE_FROM, f"{first:%d.%m.%Y}"),
            Field("last", S.F_EXCUSE_TO, f"{last:%d.%m.%Y}"),
            Field("code", S.F_EXCUSE_CODE, "б", choices=S.EXCUSE_CODE_CHOICES),
        ]
        self.excuse_form(
            student_id,
            S.EXCUSE_DAYS_TITLE.format(name=name),
            fields,
            lambda v: excuse_days(
                self.actor, class_id, student_id, v["first"], v["last"], v["code"], v["document"]
            ),
        )

    def action_week(self, step: int) -> None:
        self.monday += dt.timedelta(days=7 * step)
        self.reload()

    # --- both -----------------------------------------------------------------------------

    def action_view(self, mode: str) -> None:
        self.mode = mode
        self.table.move_cursor(row=0, column=0)
        self.reload()
        self.refresh_bindings()

    def action_next_class(self) -> None:
        if len(self.kept_classes) > 1:
            self.class_index = (self.class_index + 1) % len(self.kept_classes)
            self.documents.clear()
            self.reload()
