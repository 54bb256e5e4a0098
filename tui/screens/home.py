"""The staff's home: who is logged in, when they last were (R18), and the duties dashboard —
what the regulation expects now (DOMAIN.md's obligations table), each with its count and the
key of the section where it is done; then the user's lessons today."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.core.access import ROLE_NAMES
from models.core.errors import JournalError
from models.people.accounts import LoginResult
from models.reports.duties import SETUP_STEPS, Dashboard, Duty, SetupStep, dashboard
from models.school.classes import classes_kept_by
from tui import strings as S
from tui.registry import SECTIONS
from tui.widgets.footer import QUIT, KeysFooter
from tui.widgets.header import JournalHeader


def last_login_line(result: LoginResult) -> str:
    if result.previous_login_at is None:
        return S.FIRST_LOGIN
    source = result.previous_source or S.LOCAL_SOURCE
    return S.LAST_LOGIN.format(at=result.previous_login_at, source=source)


def duty_text(duty: Duty) -> str:
    return S.DUTY_TEXT[duty.kind].format(
        class_name=duty.class_name,
        count=duty.count,
        pupils=duty.pupils,
        guardians=duty.guardians,
        period=duty.period,
    )


# a set-up step → the section and its tab where it is done (home's digit 1–7 opens it)
SETUP_OPENS = {
    "year": ("setup", "year"),
    "classes": ("setup", "classes"),
    "subjects": ("setup", "subjects"),
    "staff": ("accounts", ""),
    "load": ("setup", "load"),
    "timetable": ("setup", "timetable"),
    "lessons": ("setup", "timetable"),
}


def setup_text(number: int, step: SetupStep) -> str:
    label, done, todo = S.SETUP_STEP_TEXT[step.kind]
    state = done.format(count=step.count) if step.done else todo
    return f"{number:>2}  {'✓' if step.done else '·'} {label}: {state}"


def section_key(name: str) -> str:
    """The home key of a section (its footer display), or the palette when it is not there."""
    section = SECTIONS.get(name)
    return section.display if section else "^p"


class HomeScreen(Screen):
    DEFAULT_CSS = """
    HomeScreen #home-duties-title { margin-top: 1; text-style: bold; }
    HomeScreen .duty-done { color: $text-muted; }
    HomeScreen #home-today { margin-top: 1; }
    """
    # the sections' keys are listed in the page itself (all of them: a footer could not hold
    # them); the footer has the session's keys
    BINDINGS = (
        [
            Binding(s.keys, f"app.open('{s.name}')", s.title, id=s.name, key_display=s.display, show=False)
            for s in SECTIONS.values()
        ]
        + [
            Binding("f2", "app.switch_user", S.KEY_SWITCH_USER, id="home-switch-user"),
            Binding("f12", "app.lock", S.KEY_LOCK, id="home-lock"),
            QUIT,
        ]
        + [
            Binding(str(n), f"app.open('{SETUP_OPENS[kind][0]}', '{SETUP_OPENS[kind][1]}')", show=False)
            for n, kind in enumerate(SETUP_STEPS, 1)
        ]
    )

    def __init__(self, result: LoginResult) -> None:
        super().__init__()
        self.result = result
        actor = result.actor
        self.kept = [] if actor.is_admin else [c.name for c in classes_kept_by(actor)]
        try:
            self.board: Dashboard | None = dashboard(actor)
        except JournalError:
            self.board = None  # the home still opens; the sections say what is wrong
        self.fresh = True  # the board was just read: the first resume (home shown) keeps it

    async def on_screen_resume(self) -> None:
        """Back on home after work elsewhere: the reminders as they are now (the analysis
        exported, the profiles checked, the logins issued clear their lines at once)."""
        if self.fresh:
            self.fresh = False
            return
        try:
            board = dashboard(self.result.actor)
        except JournalError:
            return
        if self.board is not None and (board.due, board.setup) == (self.board.due, self.board.setup):
            return
        self.board = board
        box = self.query_one("#home-duties")
        await box.remove_children()
        await box.mount_all(self.duty_widgets())

    def duty_widgets(self) -> list[Static]:
        board = self.board
        if board is not None and board.setup_pending:
            return self.setup_widgets(board)
        if board is None or not board.duties:
            return []
        widgets = [Static(S.HOME_DUTIES, id="home-duties-title")]
        if not board.due:
            widgets.append(Static(S.HOME_ALL_DONE, classes="duty-done"))
        for duty in board.due:
            key = section_key(duty.section)
            widgets.append(
                Static(
                    f"{key:>2}  {duty_text(duty)}",
                    classes="duty",
                    id=f"duty-{duty.kind}-{duty.class_id or 0}",
                )
            )
        return widgets

    @staticmethod
    def setup_widgets(board: Dashboard) -> list[Static]:
        """The administrator's checklist while the school is not set up: each step done or
        not, with the digit that opens it."""
        widgets = [Static(S.SETUP_CHECK_TITLE, id="home-duties-title")]
        for number, step in enumerate(board.setup, 1):
            widgets.append(
                Static(
                    setup_text(number, step),
                    classes="duty-done" if step.done else "duty",
                    id=f"setup-{step.kind}",
                )
            )
        return widgets

    def sections_line(self) -> str:
        """Every section this user may open, with its key: the footer cannot hold them all."""
        allowed = self.app.available_screens()  # type: ignore[attr-defined]
        keys = [f"{s.display} {s.title}" for s in SECTIONS.values() if s.name in allowed]
        return S.HOME_SECTIONS.format(sections=" · ".join(keys)) if keys else S.HOME_HINT

    def compose(self) -> ComposeResult:
        actor = self.result.actor
        yield JournalHeader()
        with VerticalScroll(id="home"):
            yield Static(f"{actor.name} — {ROLE_NAMES[actor.role]}", id="home-user")
            yield Static(last_login_line(self.result), id="home-last-login")
            if self.kept:
                yield Static(f"Классный руководитель: {', '.join(self.kept)}", id="home-class")
            board = self.board
            with Vertical(id="home-duties"):
                yield from self.duty_widgets()
            if board is not None and not actor.is_admin:
                if board.lessons_today:
                    lessons = ", ".join(
                        (
                            S.HOME_LESSON_CLOSED
                            if lesson.closed
                            else S.HOME_LESSON_HELD
                            if lesson.held
                            else S.HOME_LESSON
                        ).format(
                            number=lesson.number,
                            class_name=lesson.class_name,
                            subject=lesson.subject + (f" ({lesson.subgroup})" if lesson.subgroup else ""),
                        )
                        for lesson in board.lessons_today
                    )
                    yield Static(S.HOME_TODAY.format(lessons=lessons), id="home-today")
                else:
                    yield Static(S.HOME_NO_LESSONS_TODAY, id="home-today")
            yield Static(self.sections_line(), id="home-hint")
        yield KeysFooter()
