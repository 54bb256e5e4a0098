"""The read-only diary of pupils and guardians: a week of lessons, a period's marks (R17)."""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from exports.family import card_pdf, week_pdf
from models.core import clock
from models.core.access import GUARDIAN, Actor
from models.reports.diary import (
    Child,
    DiaryDay,
    DiaryLesson,
    acknowledge_week,
    children,
    monday_of,
    period_marks,
    periods_of,
    record_view,
    week,
    week_acknowledged,
)
from tui import strings as S
from tui.attempt import attempt
from tui.files import can_deliver, deliver, diary_address
from tui.keys import twin
from tui.widgets.dialogs import TextDialog
from tui.widgets.footer import QUIT, KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table


def lesson_text(lesson: DiaryLesson) -> str:
    """The topic and homework in one line of the week's table (Enter shows them in full)."""
    homework = lesson.homework_text
    parts = (lesson.correction_text, lesson.topic, f"д/з: {homework}" if homework else "")
    return " · ".join(p for p in parts if p)


def lesson_details(lesson: DiaryLesson) -> str:
    if lesson.planned:
        return S.DIARY_PLANNED_DETAIL
    lines = [
        f"{S.DIARY_TOPIC}: {lesson.topic or '—'}",
        f"{S.DIARY_HOMEWORK}: {lesson.homework_text or '—'}",
    ]
    if lesson.marks:
        lines.append(f"{S.DIARY_MARKS}: {' '.join(str(m) for m in lesson.marks)}")
    if lesson.correction_text:
        lines.append(lesson.correction_text)
    if lesson.absence:
        lines.append(f"{S.DIARY_ABSENCE}: {S.ABSENCE_WORDS.get(lesson.absence, lesson.absence)}")
    return "\n".join(lines)


class DiaryScreen(Screen):
    BINDINGS = [
        # priority: the table would take ← → Home for its own cursor, and the week never changed
        Binding("left,comma", "week(-1)", S.KEY_PREV_WEEK, id="prev-week", key_display="←", priority=True),
        Binding(
            "right,full_stop", "week(1)", S.KEY_NEXT_WEEK, id="next-week", key_display="→", priority=True
        ),
        Binding("home", "this_week", S.KEY_THIS_WEEK, id="this-week", show=False, priority=True),
        Binding("enter", "open_lesson", S.KEY_OPEN_LESSON, id="open-lesson", show=False, priority=True),
        Binding(twin("m"), "toggle_marks", S.KEY_MARKS, id="marks"),
        Binding(twin("p"), "next_period", S.KEY_PERIOD, id="period", show=False),
        Binding("tab", "next_child", S.KEY_CHILD, id="child"),
        Binding(twin("s"), "download_week", S.KEY_DOWNLOAD_WEEK, id="download-week", key_display="S"),
        Binding(twin("t"), "download_card", S.KEY_DOWNLOAD_CARD, id="download-card", key_display="T"),
        Binding(twin("o"), "acknowledge", S.KEY_ACKNOWLEDGE, id="acknowledge", key_display="O"),
        QUIT,
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.kids: list[Child] = []
        self.child_index = 0
        self.monday = monday_of(clock.today())
        self.showing_marks = False
        self.period_index: int | None = None
        self.rows: list[tuple[DiaryDay, DiaryLesson | None]] = []  # the week's table rows

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="diary-title")
        yield Table(id="diary-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kids = children(self.actor)
        if not self.kids:
            self.query_one("#diary-title", Static).update(S.NO_CHILDREN)
            return
        record_view(self.actor, self.child.student_id, "open")
        self.refresh_view()
        self.query_one(DataTable).focus()

    @property
    def child(self) -> Child:
        return self.kids[self.child_index]

    def refresh_view(self) -> None:
        if not self.kids:
            return
        attempt(self, self.show_marks if self.showing_marks else self.show_week)

    def show_week(self) -> None:
        saturday = self.monday + dt.timedelta(days=5)
        days = week(self.actor, self.child.student_id, self.monday)
        record_view(self.actor, self.child.student_id, "week", self.monday.isoformat())
        title = S.DIARY_TITLE.format(name=self.child.name, class_name=self.child.class_name)
        note = self.week_note()
        self.query_one("#diary-title", Static).update(
            f"{title}\n{S.WEEK_OF.format(start=self.monday, end=saturday)}" + (f" · {note}" if note else "")
        )
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(S.COL_DAY, S.COL_NUMBER, S.COL_SUBJECT, S.COL_ENTRY, S.COL_TOPIC)
        self.rows = []
        for day in days:
            label = day.title
            if not day.lessons:
                table.add_row(label, "", S.NO_LESSONS, "", "")
                self.rows.append((day, None))
            for lesson in day.lessons:
                text = S.DIARY_PLANNED if lesson.planned else lesson_text(lesson)
                table.add_row(label, str(lesson.number), lesson.subject, lesson.entry, text)
                self.rows.append((day, lesson))
                label = ""

    def week_note(self) -> str:
        """Beside the week's dates: when a guardian acknowledged it (O in the footer does it)."""
        at = attempt(self, lambda: week_acknowledged(self.actor, self.child.student_id, self.monday))
        return S.WEEK_ACKNOWLEDGED.format(at=at) if at is not None else ""

    def action_acknowledge(self) -> None:
        """«Ознакомлен(а)» with the week on screen (a guardian; R6)."""
        if not self.kids or self.showing_marks:
            return
        if self.actor.role != GUARDIAN:
            self.notify(S.ACKNOWLEDGE_GUARDIANS_ONLY, severity="warning")
            return
        if attempt(self, lambda: acknowledge_week(self.actor, self.child.student_id, self.monday)):
            self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "acknowledge":
            return self.actor.role == GUARDIAN
        return True

    def show_marks(self) -> None:
        periods = periods_of(self.actor, self.child.student_id)
        if not periods:
            return
        period_id, name, start, end = self.chosen_period(periods)
        rows = period_marks(self.actor, self.child.student_id, period_id)
        record_view(self.actor, self.child.student_id, "period", str(period_id))
        title = S.DIARY_TITLE.format(name=self.child.name, class_name=self.child.class_name)
        self.query_one("#diary-title", Static).update(f"{title}\n{name}: {start:%d.%m} – {end:%d.%m.%Y}")
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(S.COL_SUBJECT, S.COL_MARKS, S.COL_AVG, S.COL_WAVG, S.COL_FINAL)
        if not rows:
            table.add_row(S.NO_MARKS, "", "", "", "")
        for row in rows:
            marks = " ".join(str(v) for _, v, _ in row.marks)
            table.add_row(row.subject, marks, row.mean_text, row.weighted_text, row.final)

    def action_open_lesson(self) -> None:
        """The highlighted lesson in full: topic and homework are often wider than the screen."""
        if self.showing_marks or not self.rows:
            return
        table = self.query_one(DataTable)
        day, lesson = self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]
        if lesson is None:
            return
        title = S.DIARY_LESSON_TITLE.format(day=day.title, number=lesson.number, subject=lesson.subject)
        self.app.push_screen(TextDialog(title, lesson_details(lesson)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_lesson()

    def chosen_period(
        self, periods: list[tuple[int, str, dt.date, dt.date]]
    ) -> tuple[int, str, dt.date, dt.date]:
        """The period on the marks view (P steps through them); at first the one under way,
        else the last one ended."""
        if self.period_index is None:
            today = clock.today()
            self.period_index = next(
                (i for i, p in enumerate(periods) if p[2] <= today <= p[3]),
                max((i for i, p in enumerate(periods) if p[3] < today), default=0),
            )
        return periods[self.period_index % len(periods)]

    def action_week(self, step: int) -> None:
        self.showing_marks = False
        self.monday += dt.timedelta(days=7 * step)
        self.refresh_view()

    def action_this_week(self) -> None:
        self.showing_marks = False
        self.monday = monday_of(clock.today())
        self.refresh_view()

    def action_toggle_marks(self) -> None:
        self.showing_marks = not self.showing_marks
        self.refresh_view()

    def action_next_period(self) -> None:
        if self.period_index is not None:
            self.period_index += 1
        self.showing_marks = True
        self.refresh_view()

    # --- downloads (in the browser; tui/files.py) -----------------------------------------

    def action_download_week(self) -> None:
        """The week on screen as a paper-diary page (PDF)."""
        self._download(lambda: week_pdf(self.actor, self.child, self.monday))

    def action_download_card(self) -> None:
        """The period's marks as a report card (PDF): the period on screen, else the current one."""

        def make():
            periods = periods_of(self.actor, self.child.student_id)
            if not periods:
                return None
            return card_pdf(self.actor, self.child, self.chosen_period(periods)[0])

        self._download(make)

    def _download(self, make) -> None:
        if not self.kids:
            return
        if not can_deliver(self.app):
            self.notify(S.DOWNLOAD_IN_BROWSER.format(address=diary_address()), timeout=12)
            return
        path = attempt(self, make)
        if path is not None:
            attempt(self, lambda: deliver(self.app, self.actor, path, once=True))

    def action_next_child(self) -> None:
        if len(self.kids) > 1:
            self.child_index = (self.child_index + 1) % len(self.kids)
            record_view(self.actor, self.child.student_id, "open")
            self.refresh_view()
