"""The journal of a course for a period: type marks and absences at keyboard speed (R12, R14).

Every write goes through a service; the grid repaints only what changed. A refused write
rings the bell, says why on the hint line and leaves the cell as it was.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.access import Actor
from models.core.errors import JournalError, ValidationError
from models.core.settings import load as load_settings
from models.core.validation import parse_date
from models.imports.headers import normalize_header as fold
from models.journal import corrections, entries, plan
from models.journal.corrections import OTHER_REASON, REASONS, ReasonRequired
from models.journal.entries import Cell, MarkEntry, parse_cell
from models.journal.grading import EXEMPT, FAILED, NOT_CERTIFIED, PASSED
from models.journal.grid import CourseChoice, course_choices, load_grid, work_types
from models.school.calendar import current_year_id, list_years, period_at, periods_for_grade
from tui import strings as S
from tui.attempt import attempt
from tui.keys import SECOND_MARK_KEYS, absence_code, mark_value, twin, twin_keys
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.marksgrid import MarksGrid
from tui.widgets.table import Table
from tui.writes import WriteBehind

# final-mark column: a key → the value it sets (both layouts)
FINAL_KEYS = {
    "н": NOT_CERTIFIED,
    "y": NOT_CERTIFIED,
    "n": NOT_CERTIFIED,
    "о": EXEMPT,
    "j": EXEMPT,
    "o": EXEMPT,
    "з": PASSED,
    "p": PASSED,
    "z": PASSED,
    "ч": FAILED,
    "x": FAILED,
}
# A (accept the suggestion; a capital A too: CapsLock must not fill the whole class) and
# Ctrl+A (accept all, after a confirmation) in both layouts: bindings, not typing
ACCEPT_KEYS = twin_keys("a,A")
# «все присутствуют»: В (the Latin layout's D)
ATTENDANCE_BINDING = twin("d,D")
ATTENDANCE_KEYS = tuple(ATTENDANCE_BINDING.split(","))
# what a letter key set, in words: the hint says it (a Latin x is «незач», not a typo)
FINAL_WORDS = {NOT_CERTIFIED: "н/а", EXEMPT: "осв", PASSED: "зач", FAILED: "незач"}


@dataclass(frozen=True)
class Undo:
    lesson_id: int | None  # None: a final mark
    student_id: int
    before: Cell | str


# the keys of a course's own teacher (and an admin): lessons and final marks
EDIT_ACTIONS = {"add_lesson", "edit_lesson", "delete_lesson", "accept", "accept_all", "attendance"}


class GridScreen(Screen):
    # the footer shows them in this order, the most used first (F1 lists them all)
    BINDINGS = [
        Binding("insert", "add_lesson", S.KEY_ADD_LESSON, id="add-lesson", key_display="Ins"),
        Binding("f4", "edit_lesson", S.KEY_EDIT_LESSON, id="edit-lesson"),
        Binding(ATTENDANCE_BINDING, "attendance", S.KEY_ALL_PRESENT, id="attendance", key_display="В"),
        Binding("delete,backspace", "clear", S.KEY_CLEAR, id="clear", key_display="Del"),
        Binding("ctrl+z", "undo", S.KEY_UNDO, id="undo"),
        Binding("f6", "next_period", S.KEY_PERIOD_GRID, id="period"),
        Binding(twin("a,A"), "accept", S.KEY_ACCEPT, id="accept", key_display="A"),
        Binding("ctrl+a", "accept_all", S.KEY_ACCEPT_ALL, id="accept-all", show=False),  # F1 lists it
        Binding("f8", "delete_lesson", S.KEY_DELETE_LESSON, id="delete-lesson"),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="export"),
        Binding("f7", "plan", S.KEY_PLAN, id="plan"),
        Binding("ctrl+o", "reopen", S.KEY_REOPEN_MARKS, id="reopen", show=False),  # admin; F1 lists it
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("enter", "detail", S.KEY_DETAIL, id="detail", show=False),
        Binding("up", "move(-1, 0)", show=False),
        Binding("down", "move(1, 0)", show=False),
        Binding("left", "move(0, -1)", show=False),
        Binding("right,tab", "move(0, 1)", show=False),
        Binding("shift+tab", "move(0, -1)", show=False),
        Binding("pageup", "move(-10, 0)", show=False),
        Binding("pagedown", "move(10, 0)", show=False),
        Binding("home", "edge(-1)", show=False),
        Binding("end", "edge(1)", show=False),
    ]

    def __init__(self, actor: Actor, course: CourseChoice, period_id: int | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.course = course
        year_id = course.year_id or current_year_id()  # an earlier year's course: its periods
        self.periods = periods_for_grade(year_id, course.grade) if year_id else []
        current = period_at(self.periods, clock.today())
        self.period_id = period_id or (current.id if current else self.periods[0].id)
        self.undo_stack: list[Undo] = []
        self.second_mark = False
        # the cell a mark was just typed into, and where the cursor went after it: a "/" typed
        # right then adds to that cell (5/4 is one cell, not 5 and 4 on two pupils)
        self.just_marked: tuple[tuple[int, int], tuple[int, int]] | None = None
        self.returning = False
        self.after_move = ""  # a hint to show once the cursor has moved on
        self.hint_shown: tuple[str, bool] | None = None
        self.move_down = load_settings().move_down_after_mark
        self._writes: WriteBehind | None = None  # made on the first write (it needs the loop)
        self.queued_cells: dict[tuple[int, int], int] = {}  # writes of a cell still waiting
        self._grid: MarksGrid | None = None  # composed once; its data changes, not the widget

    def compose(self) -> ComposeResult:
        # title and hint are composed with their text: updating them after mount would
        # draw the whole screen a second time
        grid = self._grid = MarksGrid(load_grid(self.actor, self.course.course_id, self.period_id), id="grid")
        hint = self.lesson_hint_text(grid, self.app.size.width)
        self.hint_shown = (hint, False)
        yield JournalHeader()
        yield Static(self.title_text(grid.data), id="grid-title")
        yield grid
        yield Static(hint, id="grid-hint")
        yield KeysFooter()

    AUTO_FOCUS = "#grid"  # focused as the screen opens, not after its first frame

    @property
    def grid(self) -> MarksGrid:
        """The screen's grid (kept, not queried: the footer asks check_action for every key
        of the screen each time the bindings change — a DOM query each cost 40 ms an opening)."""
        if self._grid is None:
            raise NoMatches("the grid is not composed yet")
        return self._grid

    @staticmethod
    def title_text(data) -> str:
        group = f" ({data.subgroup})" if data.subgroup else ""
        access = ""
        if not data.may_edit:
            access = S.GRID_ABSENCES_ONLY if data.may_record_absence else S.GRID_READ_ONLY
        return (
            f"{data.class_name} · {data.subject}{group} · {data.teacher} · {data.period_name} "
            f"({data.period_start:%d.%m}–{data.period_end:%d.%m}){access}"
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A colleague's course: its edit keys are not offered (the services refuse them too);
        the homeroom teacher keeps Del and Ctrl+Z for the absences they may record."""
        data = self._grid.data if self._grid is not None and self._grid.is_attached else None
        if action == "reopen":
            return self.actor.is_admin
        if data is None or data.may_edit:
            return True
        if action in ("clear", "undo"):
            return data.may_record_absence
        return action not in EDIT_ACTIONS

    def show_title(self) -> None:
        self.query_one("#grid-title", Static).update(self.title_text(self.grid.data))

    def hint(self, text: str, *, error: bool = False) -> None:
        if (text, error) == self.hint_shown:
            return  # moving down a column keeps the same hint: nothing to send
        self.hint_shown = (text, error)
        widget = self.query_one("#grid-hint", Static)
        widget.update(text)
        widget.set_class(error, "error")

    @staticmethod
    def lesson_hint_text(grid: MarksGrid, width: int) -> str:
        """The cursor column's lesson (date, number, topic; closed or what it lacks), in one
        line of `width`: a long topic is shortened, the grid keeps its rows. Or how to use the
        final column."""
        if not grid.data.lessons:
            return S.NO_LESSONS_YET
        if grid.col < grid.final_col:
            lesson = grid.data.lessons[grid.col]
            head = f"{lesson.date:%d.%m.%Y}, урок {lesson.number}"
            if lesson.date > clock.today():
                return f"{head}: {lesson.topic or S.NO_TOPIC}"
            tail = f" · {GridScreen.closing_text(lesson)}"
            if not lesson.topic:  # the tail says it: «F4: тема …»
                return head + tail
            room = max(width - 3 - len(head) - len(tail), 12)
            return f"{head}: {shorten(lesson.topic, room)}{tail}"
        return S.FINAL_HINT if grid.data.pupils else ""

    @staticmethod
    def closing_text(lesson) -> str:
        """«закрыт», or what the lesson still lacks and the key that gives it."""
        if lesson.closed:
            return S.LESSON_CLOSED
        form = [
            text
            for lacking, text in (
                (not lesson.topic.strip(), S.LESSON_MISSING_TOPIC),
                (not lesson.homework.strip() and not lesson.no_homework, S.LESSON_MISSING_HOMEWORK),
            )
            if lacking
        ]
        parts = [f"F4: {', '.join(form)}"] if form else []
        if not lesson.attendance_taken:
            parts.append(S.LESSON_MISSING_ATTENDANCE)
        return S.LESSON_OPEN.format(missing=" · ".join(parts))

    def show_lesson_hint(self) -> None:
        self.hint(self.lesson_hint_text(self.grid, self.app.size.width))

    def on_marks_grid_cursor_moved(self, event: MarksGrid.CursorMoved) -> None:
        if self.returning:  # back to the cell of a "/": the second mark is awaited there
            self.returning = False
            return
        self.second_mark = False
        if self.after_move:  # what the key that moved the cursor did (a final mark set …)
            self.hint(self.after_move)
            self.after_move = ""
            return
        self.show_lesson_hint()

    # --- typing ---------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if not char or not char.isprintable() or event.key in ACCEPT_KEYS or event.key in ATTENDANCE_KEYS:
            return
        event.stop()
        event.prevent_default()
        grid = self.grid
        if not grid.data.pupils:
            self.refuse(S.NO_PUPILS)
            return
        if grid.col == grid.final_col:
            self.type_final(char)
            return
        if not grid.data.lessons:
            self.refuse(S.NO_LESSONS_YET)
            return
        if char not in SECOND_MARK_KEYS:
            self.just_marked = None
        value = mark_value(char)
        if value is not None:
            add = self.second_mark
            self.second_mark = False
            if self.write(
                entries.set_mark, lambda cell: entries.with_mark(cell, value, add=add), value, add=add
            ):
                marked = (grid.row, grid.col)
                self.advance()
                if not add:
                    self.just_marked = (marked, (grid.row, grid.col))
            return
        if char in SECOND_MARK_KEYS:
            last = self.just_marked
            self.just_marked = None
            if last is not None and (grid.row, grid.col) == last[1]:
                self.returning = True  # the cursor-moved message of this move keeps the "/"
                grid.move_to(*last[0])  # back to the mark just typed
                self.expect_second()
                return
            if not grid.data.cell(self.lesson_id, self.student_id).marks:
                self.refuse(S.SECOND_NEEDS_FIRST)
                return
            self.expect_second()
            return
        code = absence_code(char)
        if code is not None:
            self.second_mark = False
            if self.write(entries.set_absence, lambda cell: entries.with_absence(cell, code), code):
                self.advance()
            return
        self.refuse(S.BAD_KEY.format(key=char))

    def say_after_move(self, text: str) -> None:
        """Show `text` now and keep it when the cursor's move (which follows) would replace it."""
        self.hint(text)
        self.after_move = text if self.grid.row < len(self.grid.data.pupils) - 1 else ""

    def expect_second(self) -> None:
        """The next digit adds a second mark to the cell under the cursor."""
        self.second_mark = True
        self.hint(S.SECOND_MARK)

    def refuse(self, message: str) -> None:
        self.app.bell()
        self.second_mark = False
        self.hint(message, error=True)

    @property
    def pupil(self):
        return self.grid.data.pupils[self.grid.row]

    @property
    def student_id(self) -> int:
        return self.pupil.student_id

    @property
    def lesson_id(self) -> int:
        return self.grid.data.lessons[self.grid.col].id

    async def finish_writes(self) -> bool:
        """Before the app quits: the marks still being written, written (True) or, if one was
        refused, False — the hint says why, and the app stays open to show it."""
        if self._writes is None or not self._writes.waiting:
            return True
        self.hint(S.WRITES_FINISHING)
        return await self._writes.drain()

    @property
    def writes(self) -> WriteBehind:
        if self._writes is None:
            self._writes = WriteBehind()
        return self._writes

    def write(self, service, predict: Callable[[Cell], Cell], *args, **kwargs) -> bool:
        """One cell write as this user; False when it is refused (the cell stays as it was).

        With the store free it is written at once. While another writer holds it, the cell
        shows `predict(cell)` at once and the write waits its turn off the UI thread
        (tui/writes.py); if it is then refused, the cell as it really is comes back and the
        hint says why."""
        lesson_id, student_id = self.lesson_id, self.student_id
        key = (lesson_id, student_id)
        try:
            expected = predict(self.grid.data.cell(lesson_id, student_id))  # the cell's own rules
        except ValidationError as exc:
            self.refuse(str(exc))
            return False
        refused = False
        queued = False

        def done(change) -> None:
            if change.before != change.after:
                self.undo_stack.append(Undo(lesson_id, student_id, change.before))
            if change.after.absence and self.is_mounted:  # an absence typed: attendance taken
                self.grid.lesson_changed(lesson_id, attendance_taken=True)
            last = self.last_of(key, queued)  # (counts this one done)
            if last and self.is_mounted and (queued or self.grid.data.cell(*key) != change.after):
                self.grid.cell_changed(lesson_id, student_id, change.after)  # no longer grey

        def failed(exc: JournalError) -> None:
            nonlocal refused
            refused = True
            if isinstance(exc, ReasonRequired):  # a correction after the edit window: ask why
                if queued:
                    self.last_of(key, queued)
                    with contextlib.suppress(JournalError):
                        self.grid.cell_changed(lesson_id, student_id, entries.read_cell(self.actor, *key))
                again = functools.partial(service, self.actor, lesson_id, student_id, *args, **kwargs)
                self.ask_reason(lesson_id, student_id, lambda reason: again(reason=reason))
                return
            if not queued:
                self.refuse(str(exc))
                return
            last = self.last_of(key, queued)  # (counts this one done)
            name = next((p.name for p in self.grid.data.pupils if p.student_id == student_id), "")
            message = S.WRITE_REFUSED_LATER.format(name=name, reason=exc)
            if not self.is_mounted:
                self.app.notify(message, severity="error", timeout=10)
                return
            self.refuse(message)
            if last:
                with contextlib.suppress(JournalError):  # as it is now in the store
                    self.grid.cell_changed(lesson_id, student_id, entries.read_cell(self.actor, *key))

        call = functools.partial(service, self.actor, lesson_id, student_id, *args, **kwargs)
        if self.writes.write(call, done, failed):
            return not refused
        queued = True
        self.queued_cells[key] = self.queued_cells.get(key, 0) + 1
        self.grid.cell_changed(lesson_id, student_id, expected, pending=True)
        return True

    def ask_reason(
        self,
        lesson_id: int,
        student_id: int,
        write: Callable[[str], entries.CellChange],
        undoing: Undo | None = None,
    ) -> None:
        """A mark changed after the edit window (or after the period mark, opened by the
        admin): the reason from a short list or in words, then the same write with it. Esc:
        nothing changes (an undo asked about stays to be undone: `undoing`)."""
        lesson = next((x for x in self.grid.data.lessons if x.id == lesson_id), None)
        name = next((p.name for p in self.grid.data.pupils if p.student_id == student_id), "")
        window = self.grid.data.settings.edit_window_days
        title = S.REASON_TITLE.format(name=name, date=lesson.date if lesson else clock.today(), days=window)
        choices = tuple((r, r) for r in (*REASONS, OTHER_REASON))

        def submit(values: dict) -> entries.CellChange:
            text = str(values.get("text") or "").strip()
            picked = str(values.get("reason") or "")
            return write(f"{picked}: {text}" if text and picked != OTHER_REASON else text or picked)

        def done(change: object) -> None:
            if not isinstance(change, entries.CellChange):
                self.hint(S.CORRECTION_CANCELLED)
                return
            if undoing is not None:
                if undoing in self.undo_stack:
                    self.undo_stack.remove(undoing)  # undone now
            elif change.before != change.after:
                self.undo_stack.append(Undo(lesson_id, student_id, change.before))
            self.grid.cell_changed(lesson_id, student_id, change.after)
            self.hint(S.CORRECTION_SAVED)

        fields = [Field("reason", S.F_REASON, choices=choices), Field("text", S.F_REASON_TEXT)]
        self.app.push_screen(FormDialog(title, fields, submit), done)

    def action_reopen(self) -> None:
        """The admin opens the pupil's frozen marks of this period for correction (or freezes
        them again): the period mark stays, each change then takes a reason."""
        data = self.grid.data
        if not data.pupils:
            return
        sid, name = self.student_id, self.pupil.name
        if sid not in data.finals:
            self.refuse(S.NOT_FROZEN.format(name=name))
            return
        reopen = sid not in data.reopened

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                state = corrections.reopen_marks(self.actor, data.course_id, sid, data.period_id, reopen)
            except JournalError as exc:
                self.refuse(str(exc))
                return
            (data.reopened.add if state else data.reopened.discard)(sid)
            self.hint((S.MARKS_REOPENED if state else S.MARKS_REFROZEN).format(name=name))

        question = S.CONFIRM_REOPEN_MARKS if reopen else S.CONFIRM_REFREEZE_MARKS
        self.app.push_screen(ConfirmDialog(question.format(name=name, period=data.period_name)), answered)

    def last_of(self, key: tuple[int, int], queued: bool) -> bool:
        """A queued write of this cell is done: True if no later one is still waiting."""
        if not queued:
            return not self.queued_cells.get(key)
        left = self.queued_cells.get(key, 1) - 1
        if left:
            self.queued_cells[key] = left
        else:
            self.queued_cells.pop(key, None)
        return not left

    def advance(self) -> None:
        grid = self.grid
        if self.move_down:
            grid.move_to(grid.row + 1, grid.col)
        else:
            grid.move_to(grid.row, grid.col + 1)

    def type_final(self, char: str) -> None:
        value = str(mark_value(char)) if mark_value(char) else FINAL_KEYS.get(char.lower())
        if value is None:
            self.refuse(S.BAD_FINAL_KEY.format(key=char))
            return
        name = next((p.name for p in self.grid.data.pupils if p.student_id == self.student_id), "")
        if self.set_final(self.student_id, value):
            self.say_after_move(S.FINAL_SET.format(value=FINAL_WORDS.get(value, value), key=char, name=name))
            self.grid.move_to(self.grid.row + 1, self.grid.col)

    def set_final(self, student_id: int, value: str) -> bool:
        try:
            change = entries.set_final_mark(
                self.actor, self.course.course_id, student_id, self.period_id, value
            )
        except JournalError as exc:
            self.refuse(str(exc))
            return False
        if change.before != change.after:
            self.undo_stack.append(Undo(None, student_id, change.before))
        self.grid.final_changed(student_id, change.after)
        return True

    # --- actions --------------------------------------------------------------------

    def action_move(self, rows: int, cols: int) -> None:
        self.grid.move_to(self.grid.row + rows, self.grid.col + cols)

    def action_edge(self, direction: int) -> None:
        grid = self.grid
        grid.move_to(grid.row, grid.final_col if direction > 0 else 0)

    def action_clear(self) -> None:
        grid = self.grid
        if not grid.data.pupils:
            return
        if grid.col == grid.final_col:
            self.set_final(self.student_id, "")
        elif grid.data.lessons:
            self.write(entries.clear_cell, lambda cell: Cell())

    async def action_undo(self) -> None:
        await self.writes.drain()  # the marks still being written first: undo the last one
        if not self.undo_stack:
            self.refuse(S.NOTHING_TO_UNDO)
            return
        step = self.undo_stack.pop()
        try:
            if step.lesson_id is None:
                change = entries.set_final_mark(
                    self.actor, self.course.course_id, step.student_id, self.period_id, step.before
                )
                self.grid.final_changed(step.student_id, change.after)
            else:
                change = entries.set_cell(
                    self.actor, step.lesson_id, step.student_id, step.before, action="cell.undo"
                )
                self.grid.cell_changed(step.lesson_id, step.student_id, change.after)
        except ReasonRequired:
            assert step.lesson_id is not None and isinstance(step.before, Cell)
            lesson_id, before = step.lesson_id, step.before
            self.undo_stack.append(step)  # still to undo until the reason is given
            self.ask_reason(
                lesson_id,
                step.student_id,
                lambda reason: entries.set_cell(
                    self.actor, lesson_id, step.student_id, before, action="cell.undo", reason=reason
                ),
                undoing=step,
            )
            return
        except JournalError as exc:
            self.refuse(str(exc))
            return
        self.hint(S.UNDONE)

    def action_accept(self) -> None:
        grid = self.grid
        if not grid.data.pupils:
            return
        if grid.data.forecast(self.student_id):
            self.refuse(S.FORECAST_ONLY.format(minimum=grid.data.settings.min_marks_for_period))
            return
        suggestion = grid.data.suggestion(self.student_id)
        if self.set_final(self.student_id, suggestion):
            self.say_after_move(S.ACCEPTED.format(value=suggestion))
            grid.move_to(grid.row + 1, grid.col)  # on to the next pupil, as a digit does

    def action_accept_all(self) -> None:
        grid = self.grid
        unset = [p for p in grid.data.pupils if p.student_id not in grid.data.finals]
        if not unset:
            self.hint(S.ALL_FINALS_SET)
            return
        todo = [p for p in unset if not grid.data.forecast(p.student_id)]
        skipped = len(unset) - len(todo)
        minimum = grid.data.settings.min_marks_for_period
        if not todo:
            self.refuse(S.FORECAST_ONLY.format(minimum=minimum))
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            done = sum(1 for p in todo if self.set_final(p.student_id, grid.data.suggestion(p.student_id)))
            self.hint(S.ACCEPTED_ALL.format(count=done))

        question = S.CONFIRM_ACCEPT_ALL.format(count=len(todo))
        if skipped:
            question += S.FORECASTS_SKIPPED.format(count=skipped, minimum=minimum)
        self.app.push_screen(ConfirmDialog(question), answered)

    def action_export(self) -> None:
        """This course's journal as a spreadsheet (the export screen, preset)."""
        from tui.screens.exports import ExportScreen

        data = self.grid.data
        self.app.push_screen(
            ExportScreen(self.actor, kind="course", class_id=data.class_id, subject=data.subject)
        )

    def action_plan(self) -> None:
        """F7: the course's КТП against what was taken; loading one. A plan written: the
        lessons' topics reloaded."""
        from tui.screens.plan import PlanScreen

        def closed(written: bool | None) -> None:
            if written:
                self.reload()

        self.app.push_screen(PlanScreen(self.actor, self.course), closed)

    def action_next_period(self) -> None:
        if len(self.periods) < 2:
            return
        index = next((i for i, p in enumerate(self.periods) if p.id == self.period_id), 0)
        self.period_id = self.periods[(index + 1) % len(self.periods)].id
        self.reload()

    def reload(self, lesson_id: int | None = None) -> None:
        if self.writes.waiting:  # what is still being written first, so that it shows
            self.run_worker(self._reload_after_writes(lesson_id), group="reload")
            return
        try:
            data = load_grid(self.actor, self.course.course_id, self.period_id)
        except JournalError as exc:
            self.refuse(str(exc))
            return
        self.undo_stack.clear()
        self.grid.set_data(data, lesson_id=lesson_id)
        self.show_title()
        self.show_lesson_hint()

    async def _reload_after_writes(self, lesson_id: int | None) -> None:
        await self.writes.drain()
        self.reload(lesson_id)

    # --- cell detail and lessons ---------------------------------------------------------

    def work_type_choices(self) -> tuple[tuple[str, str], ...]:
        return (("по уроку", ""),) + tuple(
            (f"{w.name} (×{w.weight.normalize()})", str(w.id)) for w in work_types()
        )

    def action_detail(self) -> None:
        grid = self.grid
        if not grid.data.pupils or grid.col == grid.final_col or not grid.data.lessons:
            return
        lesson_id, student_id = self.lesson_id, self.student_id
        cell = grid.data.cell(lesson_id, student_id)
        first = cell.marks[0] if cell.marks else None
        fields = [
            Field("marks", S.F_MARKS, "/".join(str(m.value) for m in cell.marks)),
            Field(
                "work_type",
                S.F_WORK_TYPE,
                str(first.work_type_id or "") if first else "",
                self.work_type_choices(),
            ),
            Field("comment", S.F_COMMENT, first.comment if first else ""),
            Field("absence", S.F_ABSENCE, cell.absence or ""),
            Field("document", S.F_DOCUMENT, cell.document),
        ]

        def submit(values: dict) -> Cell:
            typed = parse_cell(f"{values['absence'].strip()}{values['marks'].strip()}")
            work_type = int(values["work_type"]) if values["work_type"] else None
            marks = tuple(
                MarkEntry(
                    m.value,
                    work_type
                    if i == 0
                    else (cell.marks[i].work_type_id if i < len(cell.marks) else work_type),
                    values["comment"] if i == 0 else "",
                )
                for i, m in enumerate(typed.marks)
            )
            new = Cell(
                marks,
                typed.absence,
                values["document"].strip() if typed.absence in ("б", "у") else "",
            )
            return entries.set_cell(self.actor, lesson_id, student_id, new).after

        def done(after: Cell | None) -> None:
            if after is not None:
                self.undo_stack.append(Undo(lesson_id, student_id, cell))
                grid.cell_changed(lesson_id, student_id, after)

        title = S.DETAIL_TITLE.format(name=self.pupil.name, date=grid.data.lessons[grid.col].date)
        self.app.push_screen(FormDialog(title, fields, submit), done)

    def action_add_lesson(self) -> None:
        fields = [
            Field("date", S.F_DATE, f"{clock.today():%d.%m.%Y}"),
            Field("number", S.F_NUMBER, ""),
            Field("topic", S.F_TOPIC),
            Field("homework", S.F_HOMEWORK),
            Field("work_type", S.F_WORK_TYPE, "", self.work_type_choices()),
        ]

        def add(values: dict, allow_clash: bool = False) -> int:
            number = values["number"].strip()
            if number and not number.isdigit():
                raise ValidationError("Номер урока — число от 1 до 10.")
            lesson = entries.add_lesson(
                self.actor,
                self.course.course_id,
                parse_date(values["date"], "Дата урока"),
                int(number) if number else None,
                values["topic"],
                values["homework"],
                int(values["work_type"]) if values["work_type"] else None,
                allow_clash=allow_clash,
            )
            return lesson.id

        self.lesson_form(S.ADD_LESSON_TITLE, fields, add)

    def lesson_form(self, title: str, fields: list[Field], write: Callable[..., int]) -> None:
        """A lesson's form; a number another subject has that day is asked about, not refused."""
        clash: dict = {}

        def submit(values: dict) -> int | None:
            try:
                return write(values)
            except entries.LessonClash as exc:
                clash.update(values=values, message=str(exc))
                return None  # the dialog closes; the question follows

        def done(lesson_id: int | None) -> None:
            if lesson_id is not None:
                self.select_period_of(lesson_id)
            elif clash:
                question = clash["message"] + " " + S.CONFIRM_CLASH

                def answered(yes: bool | None) -> None:
                    if yes:
                        lesson = attempt(self, lambda: write(clash["values"], allow_clash=True))
                        if lesson is not None:
                            self.select_period_of(lesson)

                self.app.push_screen(ConfirmDialog(question), answered)

        self.app.push_screen(FormDialog(title, fields, submit), done)

    def select_period_of(self, lesson_id: int) -> None:
        """After adding a lesson: show the period it falls in, cursor on its column."""
        self.reload(lesson_id)
        if all(lesson.id != lesson_id for lesson in self.grid.data.lessons):
            for period in self.periods:
                self.period_id = period.id
                self.reload(lesson_id)
                if any(lesson.id == lesson_id for lesson in self.grid.data.lessons):
                    break

    def action_edit_lesson(self) -> None:
        """F4: the lesson's topic, homework (or «без д/з») and attendance — what closes it —
        offered from the course's plan (КТП) where the lesson has none yet."""
        grid = self.grid
        if grid.col >= grid.final_col:
            return
        lesson = grid.data.lessons[grid.col]
        step = attempt(self, lambda: plan.plan_step_of(self.actor, lesson.id))
        topic = lesson.topic or (step.topic if step else "")
        homework = lesson.homework or (step.homework if step and not lesson.no_homework else "")
        work_type = lesson.work_type_id or (step.work_type_id if step else None)
        fields = [
            Field("topic", S.F_TOPIC, topic),
            Field("homework", S.F_HOMEWORK_OR_NONE, S.NO_HOMEWORK if lesson.no_homework else homework),
            Field("work_type", S.F_WORK_TYPE, str(work_type or ""), self.work_type_choices()),
        ]
        present = lesson.date <= clock.today()
        if present:
            has_absences = grid.data.has_absences(lesson.id)
            fields.append(Field("attendance", S.F_ATTENDANCE, *self.attendance_field(lesson, has_absences)))
        fields += [
            Field("date", S.F_DATE, f"{lesson.date:%d.%m.%Y}"),
            Field("number", S.F_NUMBER, str(lesson.number)),
        ]

        def update(values: dict, allow_clash: bool = False) -> int:
            typed = values["homework"].strip()
            none = fold(typed) in S.NO_HOMEWORK_WORDS and typed != ""
            taken = (
                {"attendance_taken": values["attendance"] == "1"}
                if values.get("attendance", "-") != "-"
                else {}
            )
            entries.update_lesson(
                self.actor,
                lesson.id,
                allow_clash=allow_clash,
                topic=values["topic"],
                homework="" if none else typed,
                no_homework=none,
                work_type_id=int(values["work_type"]) if values["work_type"] else None,
                date=parse_date(values["date"], "Дата урока") or lesson.date,
                number=values["number"].strip() or lesson.number,
                **taken,
            )
            return lesson.id

        title = S.EDIT_LESSON_TITLE.format(date=lesson.date)
        if step and (topic != lesson.topic or homework != lesson.homework):
            title += S.PLAN_PREFILLED
        self.lesson_form(title, fields, update)

    @staticmethod
    def attendance_field(lesson, has_absences: bool) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The attendance drop-down: its value and choices ("-": absences typed, fixed)."""
        if lesson.attendance_taken and has_absences:
            return "-", ((S.ATTENDANCE_ABSENCES, "-"),)
        return (
            "1" if lesson.attendance_taken else "",
            ((S.ATTENDANCE_NOT_TAKEN, ""), (S.ATTENDANCE_ALL_PRESENT, "1")),
        )

    def action_attendance(self) -> None:
        """В: «все присутствуют» for the lesson under the cursor (again: taken back)."""
        grid = self.grid
        if grid.col >= grid.final_col or not grid.data.lessons:
            return
        lesson = grid.data.lessons[grid.col]
        if lesson.attendance_taken and grid.data.has_absences(lesson.id):
            self.refuse(S.ATTENDANCE_HAS_ABSENCES)
            return
        state = attempt(
            self, lambda: plan.confirm_attendance(self.actor, lesson.id, not lesson.attendance_taken)
        )
        if state is None:
            return
        grid.lesson_changed(lesson.id, attendance_taken=state.attendance_taken)
        text = S.ATTENDANCE_CONFIRMED if state.attendance_taken else S.ATTENDANCE_WITHDRAWN
        self.hint(text.format(date=lesson.date))

    def action_delete_lesson(self) -> None:
        grid = self.grid
        if grid.col >= grid.final_col:
            return
        lesson = grid.data.lessons[grid.col]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                entries.delete_lesson(self.actor, lesson.id)
            except JournalError as exc:
                self.refuse(str(exc))
                return
            self.reload()

        self.app.push_screen(
            ConfirmDialog(S.CONFIRM_DELETE_LESSON.format(date=lesson.date, number=lesson.number)),
            answered,
        )


PICKER_OTHER_COLUMNS = 6 + 16 + 12 + 9  # class, teacher, «уроков: 2», the cells' padding


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


class CoursePickerScreen(Screen):
    """Pick a course: the teacher's own first, today's lessons on top."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("enter", "open", S.KEY_OPEN, id="open", show=False),
        Binding(twin("left_square_bracket"), "year(-1)", S.KEY_OTHER_YEAR, id="prev-year", key_display="[ ]"),
        Binding(twin("right_square_bracket"), "year(1)", S.KEY_OTHER_YEAR, id="next-year", show=False),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.choices: list[CourseChoice] = []
        self.year_id = current_year_id()

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.PICK_COURSE, classes="screen-title")
        yield Table(id="courses", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_year()

    def action_year(self, step: int) -> None:
        """[ ]: an earlier year's journals (a closed year reads only), and back."""
        years = [y.id for y in list_years()]
        if self.year_id not in years:
            return
        index = years.index(self.year_id) + step
        if 0 <= index < len(years):
            self.year_id = years[index]
            self.show_year()

    def show_year(self) -> None:
        year_id = self.year_id
        self.choices = course_choices(self.actor, year_id, clock.today()) if year_id else []
        text = S.PICK_COURSE
        if year_id != current_year_id():
            year = next((y for y in list_years() if y.id == year_id), None)
            text = S.PICK_COURSE_OF_YEAR.format(year=year.name if year else "")
        if not self.choices:
            text = S.NO_COURSES if year_id == current_year_id() else f"{text}\n{S.NO_COURSES}"
        self.query_one(".screen-title", Static).update(text)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(S.COL_CLASS, S.COL_SUBJECT, S.COL_TEACHER, S.COL_TODAY)
        # a long subject («Основы духовно-нравственной культуры народов России») is shortened so
        # «Сегодня» stays on the screen: the class, teacher and today columns keep their room
        room = max(16, self.app.size.width - PICKER_OTHER_COLUMNS)
        for choice in self.choices:
            group = f" ({choice.subgroup})" if choice.subgroup else ""
            today = S.LESSONS_TODAY.format(count=choice.lessons_today) if choice.lessons_today else ""
            table.add_row(choice.class_name, shorten(f"{choice.subject}{group}", room), choice.teacher, today)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        if not self.choices:
            return
        row = self.query_one(DataTable).cursor_row
        self.app.push_screen(GridScreen(self.actor, self.choices[row]))
