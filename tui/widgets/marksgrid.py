"""The marks grid: a line-API widget that repaints only the cells a keystroke changed.

Rows are the pupils of a course in a period; columns the lessons (scrolling, with the name
column frozen on the left and the averages, suggestion and final mark frozen on the right).
A `DataTable` would re-render the whole table per edit (≈ 240 ms, ≈ 33 KB at 35×60); here a
typed mark refreshes the cell, the row's summary and the cursor's two cells, region by region.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from models.core import clock
from models.journal.entries import Cell
from models.journal.grading import Averages, show_average
from models.journal.grid import Grid
from tui.widgets import render

HEADER = 2
NUM_W = 3
NAME_W = 19
LEFT_W = NUM_W + NAME_W
CELL_W = 6
SUMMARY = (("Ср.", 5), ("Взв.", 6), ("Пр.", 4), ("Итог", 6))
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
CLOSED_MARK = "√"  # a lesson closed (topic, д/з, attendance); in CP866 too: every old font has it
RIGHT_W = 1 + sum(w for _, w in SUMMARY)


@dataclass(frozen=True)
class RowSummary:
    mean: str
    weighted: str
    suggestion: str


def fit(text: str, width: int, align: str = "left") -> str:
    text = text[:width]
    if align == "center":
        return text.center(width)
    if align == "right":
        return text.rjust(width)
    return text.ljust(width)


class MarksGrid(Widget, can_focus=True):
    """Cursor over (pupil, column); column == len(lessons) is the final-mark column."""

    COMPONENT_CLASSES = {
        "grid--header",
        "grid--today",
        "grid--cursor",
        "grid--outside",
        "grid--absent",
        "grid--excused",
        "grid--low",
        "grid--summary",
        "grid--final",
        "grid--name",
        "grid--pending",
    }

    DEFAULT_CSS = """
    MarksGrid { height: 1fr; }
    MarksGrid > .grid--header { text-style: bold; }
    MarksGrid > .grid--today { color: $accent; text-style: bold; }
    MarksGrid > .grid--cursor { background: $primary; color: $text; text-style: bold; }
    MarksGrid > .grid--outside { color: $text-disabled; }
    MarksGrid > .grid--absent { color: $warning; }
    MarksGrid > .grid--excused { color: $success; }
    MarksGrid > .grid--low { color: $error; text-style: bold; }
    MarksGrid > .grid--summary { color: $text-muted; }
    MarksGrid > .grid--final { text-style: bold; }
    MarksGrid > .grid--name { }
    MarksGrid > .grid--pending { text-style: dim; }
    """

    class CursorMoved(Message):
        def __init__(self, grid: MarksGrid) -> None:
            super().__init__()
            self.grid = grid

    def __init__(self, data: Grid, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = data
        self.row = 0
        self.col = 0
        self.top = 0
        self.left = 0
        self.summaries: dict[int, RowSummary] = {}
        self._styles: dict[str, Style] = {}
        self.pending: set[tuple[int, int]] = set()  # (lesson, pupil) shown, still being written
        self.painted = False  # drawn at least once
        self.laid_out: Size | None = None  # the size the columns were last laid out for
        # rows the terminal is to move the grid's lines by before the next frame (a scroll
        # drawn as the rows that came in, not the whole grid), and what changed since the last
        self.scrolled = 0
        self.touched: dict[int, set[int | None]] = {}  # row → its columns (None: the summary)
        self.place_cursor_today()

    # --- data ------------------------------------------------------------------------

    def set_data(self, data: Grid, *, lesson_id: int | None = None) -> None:
        """A fresh read of the grid (after adding a lesson, changing the period …)."""
        self.data = data
        self.summaries.clear()
        self.row = min(self.row, max(len(data.pupils) - 1, 0))
        if lesson_id is not None:
            self.col = self.col_of(lesson_id, default=self.col)
        self.col = min(self.col, self.final_col)
        self.scroll_cursor_into_view()
        self.scrolled = 0
        self.refresh()

    def place_cursor_today(self) -> None:
        """Open on today's lesson (or the last one before today)."""
        today = clock.today()
        past = [i for i, lesson in enumerate(self.data.lessons) if lesson.date <= today]
        self.col = past[-1] if past else 0

    @property
    def final_col(self) -> int:
        return len(self.data.lessons)

    def summary(self, row: int) -> RowSummary:
        cached = self.summaries.get(row)
        if cached is None:
            sid = self.data.pupils[row].student_id
            avg: Averages = self.data.averages(sid)
            cached = RowSummary(
                show_average(avg.mean),
                show_average(avg.weighted),
                self.data.suggestion(sid) if avg.count else "",
            )
            self.summaries[row] = cached
        return cached

    def cell_changed(self, lesson_id: int, student_id: int, cell: Cell, *, pending: bool = False) -> None:
        """Store a written cell (or, `pending`, one still being written: drawn grey) and repaint
        just it and its row's summary."""
        if pending:
            self.pending.add((lesson_id, student_id))
        else:
            self.pending.discard((lesson_id, student_id))
        if cell.empty:
            self.data.cells.pop((lesson_id, student_id), None)
        else:
            self.data.cells[(lesson_id, student_id)] = cell
        row = self.row_of(student_id)
        col = self.col_of(lesson_id)
        if row is None:
            return
        self.summaries.pop(row, None)
        if col is not None:
            self.refresh_cell(row, col)
        self.refresh_summary(row)

    def lesson_changed(self, lesson_id: int, **changes) -> None:
        """A lesson's own state changed (its attendance taken, closed): its header redrawn
        (nothing when it is as it was)."""
        col = self.col_of(lesson_id)
        if col is None:
            return
        before = self.data.lessons[col]
        lesson = replace(before, **changes)
        if lesson == before:
            return
        self.data.lessons[col] = lesson
        self.refresh(Region(0, 0, self.size.width, HEADER))

    def final_changed(self, student_id: int, value: str) -> None:
        if value:
            self.data.finals[student_id] = value
        else:
            self.data.finals.pop(student_id, None)
        row = self.row_of(student_id)
        if row is not None:
            self.refresh_cell(row, self.final_col)

    def col_of(self, lesson_id: int, default: int | None = None) -> int | None:
        return next((i for i, lesson in enumerate(self.data.lessons) if lesson.id == lesson_id), default)

    def row_of(self, student_id: int) -> int | None:
        return next((i for i, p in enumerate(self.data.pupils) if p.student_id == student_id), None)

    # --- geometry ---------------------------------------------------------------------

    @property
    def lessons_width(self) -> int:
        return max(CELL_W, self.size.width - LEFT_W - RIGHT_W)

    @property
    def visible_lessons(self) -> int:
        return max(1, self.lessons_width // CELL_W)

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - HEADER)

    def cell_region(self, row: int, col: int) -> Region | None:
        y = HEADER + row - self.top
        if not HEADER <= y < self.size.height:
            return None
        if col == self.final_col:
            x = LEFT_W + self.lessons_width + 1 + sum(w for _, w in SUMMARY[:3])
            return Region(x, y, SUMMARY[3][1], 1)
        if not self.left <= col < self.left + self.visible_lessons:
            return None
        return Region(LEFT_W + (col - self.left) * CELL_W, y, CELL_W, 1)

    def refresh_cell(self, row: int, col: int) -> None:
        self.touched.setdefault(row, set()).add(col)
        region = self.cell_region(row, col)
        if region is not None:
            self.refresh(region)

    def refresh_summary(self, row: int) -> None:
        """The averages and the suggestion of a row (the final mark refreshes on its own)."""
        self.touched.setdefault(row, set()).add(None)
        y = HEADER + row - self.top
        if HEADER <= y < self.size.height:
            self.refresh(Region(LEFT_W + self.lessons_width, y, RIGHT_W - SUMMARY[3][1], 1))

    def on_resize(self, event: events.Resize) -> None:
        """A new size re-lays the columns; the screen's own resize at the same size (as it
        opens) draws nothing again."""
        if event.size == self.laid_out:
            return
        first, self.laid_out = self.laid_out is None, event.size
        moved = self.scroll_cursor_into_view()
        self.scrolled = 0
        if moved or not first:  # the first paint may have come before this size's offsets
            self.refresh()

    def refresh(self, *regions: Region, **options) -> MarksGrid:
        """Before its first paint the grid is drawn whole anyway (the screen's layout): a
        repaint asked for then (its focus as the screen opens) would send it all again."""
        if not self.painted and not options:
            return self
        return super().refresh(*regions, **options)

    def on_mount(self) -> None:
        render.add_frame_hook(self.app.console, self.before_frame)

    def on_unmount(self) -> None:
        render.remove_frame_hook(self.app.console, self.before_frame)

    # --- scrolling by the terminal's own lines ------------------------------------------

    def may_move_lines(self) -> bool:
        """The terminal may move the rows itself: the grid spans whole screen lines, is on
        the screen in front, and nothing (a notice) is drawn over it."""
        return (
            render.hooks_active()
            and hasattr(getattr(self, "_styles_cache", None), "set_dirty")
            and self.screen.is_current
            and self.region.x == 0
            and self.region.width == self.screen.size.width
            and not len(self.app._notifications)
        )

    def scroll_rows(self, rows: int) -> None:
        """The view moved `rows` down (up if negative): let the terminal shift the lines and
        repaint only the rows that came in and those changed since the last frame."""
        self.scrolled += rows
        if abs(self.scrolled) >= self.visible_rows:
            self.scrolled = 0
            self.refresh()
            return
        width = self.size.width
        # every row's line now holds another pupil: Textual's cache of the lines must forget
        # them (a later partial repaint would bring a stale row back) without sending them
        self._styles_cache.set_dirty(Region(0, HEADER, width, self.visible_rows))
        count = abs(self.scrolled)
        first = HEADER + (self.visible_rows - count if self.scrolled > 0 else 0)
        self.refresh(Region(0, first, width, count))
        # what changed since the last frame moved with its row: repainted where it is now
        for row, parts in list(self.touched.items()):
            for part in parts:
                if part is None:
                    self.refresh_summary(row)
                else:
                    self.refresh_cell(row, part)

    def before_frame(self, full: bool) -> str:
        """Render's hook: the lines to move ahead of this frame (none for a full repaint)."""
        rows, self.scrolled = self.scrolled, 0
        self.touched.clear()
        if full or not rows or not self.is_mounted:
            return ""
        top = self.region.y + HEADER
        return render.scroll_lines(self.app.console, top, top + self.visible_rows - 1, rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return HEADER + len(self.data.pupils)

    # --- the cursor -------------------------------------------------------------------

    def move_to(self, row: int, col: int) -> None:
        row = max(0, min(row, len(self.data.pupils) - 1))
        col = max(0, min(col, self.final_col))
        if (row, col) == (self.row, self.col):
            return
        old = (self.row, self.col)
        top, left = self.top, self.left
        self.row, self.col = row, col
        if self.scroll_cursor_into_view():
            if self.left == left and self.may_move_lines():
                self.scroll_rows(self.top - top)
                self.refresh_cell(*old)
                self.refresh_cell(row, col)
            else:
                self.scrolled = 0
                self.refresh()
        else:
            self.refresh_cell(*old)
            self.refresh_cell(row, col)
        self.post_message(self.CursorMoved(self))

    def scroll_cursor_into_view(self) -> bool:
        """Adjust the offsets so the cursor shows; True when the whole widget must repaint."""
        top, left = self.top, self.left
        # a step past the edge (typing down a column) moves the view by half a page: one
        # burst of new rows every few marks, the marks between them cheap
        step = max(1, self.visible_rows // 2)
        if self.row == self.top - 1:
            self.top -= step
        elif self.row == self.top + self.visible_rows:
            self.top += step
        if self.row < self.top:
            self.top = self.row
        elif self.row >= self.top + self.visible_rows:
            self.top = self.row - self.visible_rows + 1
        if self.col < self.final_col:
            if self.col < self.left:
                self.left = self.col
            elif self.col >= self.left + self.visible_lessons:
                self.left = self.col - self.visible_lessons + 1
        # A wider window (a resize, the Keys panel closed) shows earlier lessons rather than blanks.
        self.left = max(0, min(self.left, len(self.data.lessons) - self.visible_lessons))
        self.top = max(0, min(self.top, len(self.data.pupils) - self.visible_rows))
        return (top, left) != (self.top, self.left)

    # --- painting ---------------------------------------------------------------------

    def style(self, name: str) -> Style:
        cached = self._styles.get(name)
        if cached is None:
            cached = self.get_component_rich_style(name, partial=True)
            self._styles[name] = cached
        return cached

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        if not self.painted:  # the first paint: with the offsets of this size, today in view
            self.painted = True
            self.scroll_cursor_into_view()
        base = self.rich_style
        width = self.size.width
        if y < HEADER:
            segments = self.header_segments(y)
        else:
            row = self.top + y - HEADER
            if row >= len(self.data.pupils):
                return Strip.blank(width, base)
            segments = self.row_segments(row)
        strip = Strip(segments).apply_style(base).simplify()
        return strip.adjust_cell_length(width, base)

    def header_segments(self, y: int) -> list[Segment]:
        head = self.style("grid--header")
        today = clock.today()
        out = [Segment(fit("Учащийся" if y == 0 else "", LEFT_W), head)]
        lessons = self.data.lessons[self.left : self.left + self.visible_lessons]
        for lesson in lessons:
            text = f"{lesson.date:%d.%m}" if y == 0 else self.second_header(lesson)
            style = self.style("grid--today") if lesson.date == today else head
            out.append(Segment(fit(text, CELL_W, "center"), style))
        if gap := self.lessons_width - len(lessons) * CELL_W:  # no empty styled segment: bytes
            out.append(Segment(" " * gap))
        out.append(Segment("│", head))
        for label, w in SUMMARY:
            out.append(Segment(fit(label if y == 0 else "", w, "center"), head))
        return out

    @staticmethod
    def second_header(lesson) -> str:
        """Weekday (and lesson number when not the first); the weight when not 1."""
        closed = CLOSED_MARK if lesson.closed else ""
        if lesson.weight != 1:
            return f"×{lesson.weight.normalize()}{closed}"
        return WEEKDAYS[lesson.date.weekday()] + (str(lesson.number) if lesson.number > 1 else "") + closed

    def row_segments(self, row: int) -> list[Segment]:
        pupil = self.data.pupils[row]
        out = [
            Segment(fit(str(row + 1), NUM_W - 1, "right") + " ", self.style("grid--summary")),
            Segment(fit(pupil.name, NAME_W), self.style("grid--name")),
        ]
        lessons = self.data.lessons[self.left : self.left + self.visible_lessons]
        for offset, lesson in enumerate(lessons):
            col = self.left + offset
            out.append(self.cell_segment(row, col, pupil, lesson))
        if gap := self.lessons_width - len(lessons) * CELL_W:  # no empty styled segment: bytes
            out.append(Segment(" " * gap))
        summary = self.summary(row)
        muted = self.style("grid--summary")
        out.append(Segment("│", muted))
        out.append(Segment(fit(summary.mean, SUMMARY[0][1], "center"), muted))
        out.append(Segment(fit(summary.weighted, SUMMARY[1][1], "center"), muted))
        low = summary.suggestion in ("2", "1", "н/а")
        out.append(
            Segment(
                fit(summary.suggestion, SUMMARY[2][1], "center"),
                self.style("grid--low") if low else muted,
            )
        )
        final = self.data.finals.get(pupil.student_id, "")
        style = (
            self.style("grid--cursor")
            if (row, self.col) == (self.row, self.final_col)
            else self.style("grid--final")
        )
        out.append(Segment(fit(final, SUMMARY[3][1], "center"), style))
        return out

    def cell_segment(self, row: int, col: int, pupil, lesson) -> Segment:
        cell = self.data.cells.get((lesson.id, pupil.student_id))
        if not pupil.present_on(lesson.date):
            text, style = "·", self.style("grid--outside")
        elif cell is None:
            text, style = "", None
        else:
            text = cell.text()
            if cell.absence in ("б", "у"):
                style = self.style("grid--excused")
            elif cell.absence == "н":
                style = self.style("grid--absent")
            elif any(m.value <= 2 for m in cell.marks):
                style = self.style("grid--low")
            else:
                style = None
            if (lesson.id, pupil.student_id) in self.pending:
                style = self.style("grid--pending")
        if (row, col) == (self.row, self.col):
            style = self.style("grid--cursor")
        return Segment(fit(text, CELL_W, "center"), style)
