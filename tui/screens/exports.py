"""The export screen: what (a diary extract, report cards, reports, a course journal), for
whom (a class one keeps — an admin also the whole school — or one pupil), which period or
dates, which format. The export runs in a worker thread with a progress bar; Esc stops a
long one between classes. The result says where the files are.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, ProgressBar, Select, Static

from exports.diary import default_range
from exports.paths import user_folder
from exports.run import ALL, COURSE, DIARY, KINDS, PLAN, REPORT_CARD, YEAR, ExportCancelled, export
from models.core import clock
from models.core.access import Actor
from models.core.errors import JournalError
from models.core.settings import PAPER_NONE, PAPER_POLICIES
from models.core.settings import load as load_settings
from models.journal.grid import course_choices
from models.people.names import short_names
from models.people.roster import class_roster
from models.reports.extracts import class_courses
from models.school.calendar import current_year_id, period_at, periods_for_grade
from models.school.classes import ClassInfo, classes_kept_by
from tui import strings as S
from tui.attempt import attempt
from tui.files import can_deliver, deliver, fetch_hint, remote
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.worker import store_worker

WHOLE = "class"  # the pupil choice "the whole class"
PAPER = "paper"  # … "the pupils of the paper policy" (R23; exports.run.PAPER_WORDS)
CURRENT = "current"  # the whole school's period: each class its current one
NONE = "-"  # no subject to choose


def _row(label: str, widget, row_id: str) -> Horizontal:
    return Horizontal(Label(label, classes="form-label"), widget, classes="form-row", id=row_id)


BY_SUBJECT = (COURSE, PLAN)  # the kinds of one subject's course


class ExportScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", S.KEY_BACK, id="back"),
        Binding("ctrl+s,f5", "run", S.KEY_EXPORT_RUN, id="run", key_display="Ctrl+S"),
        Binding("ctrl+d", "fetch", S.KEY_FETCH, id="fetch", key_display="Ctrl+D"),
        Binding("f2", "my_files", S.KEY_MY_FILES, id="myfiles", key_display="F2"),
    ]

    def __init__(
        self,
        actor: Actor,
        *,
        kind: str | None = None,
        class_id: int | None = None,
        subject: str | None = None,
        period_id: int | str | None = None,
    ) -> None:
        super().__init__()
        self.actor = actor
        self.preset = (kind, class_id, subject)
        self.preset_period = period_id  # the period on the screen that opened this one, or "year"
        self.kept: list[ClassInfo] = []
        self.taught: dict[int, tuple[str, int]] = {}  # class id → (name, grade) of own courses
        self.all_subjects: set[str] = set()
        self.cancel = threading.Event()
        self.running = False
        self.folder: Path | None = None
        self.last_paths: list[Path] = []

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.EXPORT_TITLE, classes="screen-title")
        with Vertical(id="export-form"):
            yield _row(
                S.F_EXPORT_KIND, Select([("—", "")], id="kind", allow_blank=False, compact=True), "row-kind"
            )
            yield _row(
                S.F_EXPORT_CLASS,
                Select([("—", "")], id="class", allow_blank=False, compact=True),
                "row-class",
            )
            yield _row(
                S.F_EXPORT_PUPIL,
                Select([("—", "")], id="pupil", allow_blank=False, compact=True),
                "row-pupil",
            )
            yield _row(
                S.F_EXPORT_SUBJECT,
                Select([("—", "")], id="subject", allow_blank=False, compact=True),
                "row-subject",
            )
            yield _row(
                S.F_EXPORT_PERIOD,
                Select([("—", "")], id="period", allow_blank=False, compact=True),
                "row-period",
            )
            yield _row(S.F_EXPORT_FROM, Input(id="from", compact=True), "row-from")
            yield _row(S.F_EXPORT_TO, Input(id="to", compact=True), "row-to")
            yield _row(
                S.F_EXPORT_FORMAT,
                Select(S.EXPORT_FORMATS, value="xlsx", id="format", allow_blank=False, compact=True),
                "row-format",
            )
        yield ProgressBar(id="export-progress", show_eta=False, classes="hidden")
        yield Static("", id="export-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept = classes_kept_by(self.actor)
        year_id = current_year_id()
        if year_id is not None:
            for c in course_choices(self.actor, year_id, clock.today()):
                if c.own or self.actor.is_admin:
                    self.taught.setdefault(c.class_id, (c.class_name, c.grade))
                self.all_subjects.add(c.subject)
        start, end = default_range(clock.today())
        self.query_one("#from", Input).value = f"{start:%d.%m.%Y}"
        self.query_one("#to", Input).value = f"{end:%d.%m.%Y}"
        self.folder = user_folder(self.actor.user_id)
        self.warm_up()
        kinds = self.kinds()
        if not kinds:
            self.say(S.EXPORT_NOTHING, error=True)
            return
        kind, class_id, subject = self.preset
        kind_select = self.pick("kind")
        kind_select.set_options([(S.EXPORT_KINDS[k], k) for k in kinds])
        kind_select.value = kind if kind in kinds else kinds[0]
        self.fill_classes(class_id)
        if subject:
            self.fill_subjects(subject)
        where = self.folder if self.local() else S.KEY_MY_FILES
        self.say(S.EXPORT_FOLDER.format(folder=where) + "\n" + S.EXPORT_HINT)
        kind_select.focus()

    def pick(self, name: str) -> Select:
        return self.query_one(f"#{name}", Select)

    def chosen(self, name: str) -> str:
        value = self.pick(name).value
        return "" if value is Select.BLANK else str(value)

    def say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#export-status", Static)
        widget.update(text)
        widget.set_class(error, "error")

    # --- the choices ---------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        if self.kept:
            return list(KINDS)
        return [COURSE, PLAN] if self.taught else []

    def class_choices(self) -> list[tuple[str, str]]:
        """(label, value) of the classes for the chosen kind; "all" for an admin."""
        if self.chosen("kind") in BY_SUBJECT:
            own = {c.id: (c.name, c.grade) for c in self.kept} | self.taught
            items = sorted(own.items(), key=lambda kv: (kv[1][1], kv[1][0]))
            out = [(name, str(cid)) for cid, (name, _grade) in items]
        else:
            out = [(c.name, str(c.id)) for c in self.kept]
        if self.actor.is_admin and out:
            out.append((S.EXPORT_WHOLE_SCHOOL, ALL))
        return out

    def class_info(self) -> ClassInfo | None:
        value = self.chosen("class")
        for c in self.kept:
            if str(c.id) == value:
                return c
        if value and value != ALL and int(value) in self.taught:
            name, grade = self.taught[int(value)]
            year_id = current_year_id()
            return ClassInfo(int(value), name, grade, name[-1:], year_id or 0, None, "")
        return None

    def fill_classes(self, class_id: int | None = None) -> None:
        choices = self.class_choices()
        select = self.pick("class")
        current = str(class_id) if class_id is not None else self.chosen("class")
        select.set_options(choices or [("—", "")])
        values = [v for _, v in choices]
        select.value = current if current in values else (values[0] if values else "")
        self.refill()

    def refill(self) -> None:
        """Pupils, subjects and periods of the chosen class; rows shown for the chosen kind."""
        kind = self.chosen("kind")
        info = self.class_info()
        self.fill_pupils(info)
        self.fill_subjects()
        self.fill_periods(info)
        for row, shown in (
            ("row-pupil", kind in (DIARY, REPORT_CARD)),
            ("row-from", kind == DIARY),
            ("row-to", kind == DIARY),
            ("row-subject", kind in BY_SUBJECT),
            ("row-period", kind not in (DIARY, PLAN)),
        ):
            self.query_one(f"#{row}").set_class(not shown, "hidden")

    def fill_pupils(self, info: ClassInfo | None) -> None:
        options = [(S.EXPORT_WHOLE_CLASS, WHOLE)]
        policy = load_settings().paper_policy
        if info is not None and policy != PAPER_NONE:  # the default: the paper duplicates
            options.insert(0, (S.EXPORT_PAPER_PUPILS.format(policy=PAPER_POLICIES[policy]), PAPER))
        if info is not None and self.chosen("kind") in (DIARY, REPORT_CARD):
            periods = periods_for_grade(info.year_id, info.grade)
            if periods:
                try:
                    rows = class_roster(self.actor, info.id, periods[0].start, periods[-1].end)
                except JournalError:
                    rows = []
                people = list({r.student.id: r.student for r in rows}.values())  # list order
                names = short_names((p.id, p.surname, p.first_name, p.patronymic or "") for p in people)
                for number, p in enumerate(people, start=1):
                    options.append((f"{number}. {names[p.id]}", str(p.id)))
        select = self.pick("pupil")
        select.set_options(options)
        select.value = options[0][1]

    def fill_subjects(self, wanted: str | None = None) -> None:
        wanted = wanted or self.preset[2] or self.chosen("subject")
        info = self.class_info()
        names: list[str] = []
        if info is not None and self.chosen("kind") in BY_SUBJECT:
            try:
                courses = class_courses(self.actor, info.id)
            except JournalError:
                courses = []
            mine = self.actor.is_admin or any(c.id == info.id for c in self.kept)
            for c in courses:
                if (mine or c.teacher_id == self.actor.user_id) and c.subject not in names:
                    names.append(c.subject)
        elif self.chosen("class") == ALL and self.chosen("kind") in BY_SUBJECT:
            names = sorted(self.all_subjects)  # every class that has it
        select = self.pick("subject")
        select.set_options([(n, n) for n in names] or [(S.EXPORT_NO_SUBJECTS, NONE)])
        select.value = wanted if wanted in names else (names[0] if names else NONE)

    def fill_periods(self, info: ClassInfo | None) -> None:
        options: list[tuple[str, str]] = []
        default = ""
        if info is not None:
            periods = periods_for_grade(info.year_id, info.grade)
            options = [(p.name, str(p.number)) for p in periods]
            current = period_at(periods, clock.today())
            default = str(current.number) if current else ""
            if self.preset_period == YEAR:
                default = YEAR
            elif self.preset_period is not None:
                chosen = next((p for p in periods if p.id == self.preset_period), None)
                default = str(chosen.number) if chosen else default
        else:  # the whole school: each class its own current period, or a number
            options = [(S.EXPORT_CURRENT, CURRENT)] + [
                (S.EXPORT_PERIOD_N.format(n=n), str(n)) for n in (1, 2, 3, 4)
            ]
        options.append((S.EXPORT_YEAR, YEAR))
        select = self.pick("period")
        select.set_options(options)
        select.value = default if default in [v for _, v in options] else options[0][1]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            self.fill_classes()
        elif event.select.id == "class":
            self.refill()

    # --- running -------------------------------------------------------------------------------

    def params(self) -> dict:
        kind = self.chosen("kind")
        class_value = self.chosen("class")
        info = self.class_info()
        params: dict = {
            "class_name": ALL if class_value == ALL else (info.name if info else None),
            "fmt": self.chosen("format") or "xlsx",
            "out": self.folder,
        }
        if kind in (DIARY, REPORT_CARD):
            pupil = self.chosen("pupil")
            if pupil == PAPER:
                params["pupil"] = PAPER
            else:
                params["pupil_id"] = None if pupil in ("", WHOLE) else pupil
        if kind == DIARY:
            params["date_from"] = self.query_one("#from", Input).value.strip()
            params["date_to"] = self.query_one("#to", Input).value.strip()
        elif kind != PLAN:  # a plan is the year's
            period = self.chosen("period")
            params["period"] = None if period in ("", CURRENT) else period
        if kind in BY_SUBJECT:
            subject = self.chosen("subject")
            params["subject"] = "" if subject == NONE else subject
        return params

    def action_run(self) -> None:
        if self.running:
            self.notify(S.EXPORT_BUSY)
            return
        kind = self.chosen("kind")
        if not kind:
            return
        self.cancel.clear()
        self.running = True
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.remove_class("hidden")
        self.say(S.EXPORT_RUNNING.format(label=""))
        self.run_export(kind, self.params())

    @store_worker(group="export-warm-up")
    def warm_up(self) -> None:
        """Load the spreadsheet library while the user chooses: the first export is quicker."""
        import openpyxl  # noqa: F401

    @store_worker(exclusive=True, group="export")
    def run_export(self, kind: str, params: dict) -> None:
        def progress(done: int, total: int, label: str) -> None:
            self.app.call_from_thread(self.show_progress, done, total, label)

        try:
            paths = export(self.actor, kind, progress=progress, cancel=self.cancel, **params)
        except ExportCancelled as exc:
            self.app.call_from_thread(self.finished, exc.paths, True)
        except JournalError as exc:
            self.app.call_from_thread(self.failed, str(exc))
        except Exception as exc:  # noqa: BLE001 — an unexpected failure is shown, not a crash
            self.app.call_from_thread(self.failed, f"{type(exc).__name__}: {exc}")
        else:
            self.app.call_from_thread(self.finished, paths, False)

    def show_progress(self, done: int, total: int, label: str) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=total, progress=done)
        if label and not self.cancel.is_set():
            self.say(S.EXPORT_RUNNING.format(label=f"{label} ({done + 1} из {total})"))

    def finished(self, paths: list[Path], cancelled: bool) -> None:
        self.running = False
        self.last_paths = list(paths)
        folder = paths[0].parent if paths else self.folder
        if cancelled:
            text = S.EXPORT_CANCELLED.format(count=len(paths))
        elif len(paths) == 1:
            text = S.EXPORT_DONE_ONE.format(name=paths[0].name)
        else:
            text = S.EXPORT_DONE.format(count=len(paths))
        if len(paths) == 1:
            text += "\n" + fetch_hint(self.app, self.actor, paths[0])
        elif paths:
            text += "\n" + S.EXPORT_FETCH_MANY.format(folder=folder if self.local() else S.KEY_MY_FILES)
        self.query_one(ProgressBar).add_class("hidden")
        self.say(text)
        self.notify(text, timeout=10, severity="warning" if cancelled else "information")

    def local(self) -> bool:
        return not remote(self.app)

    def action_fetch(self) -> None:
        """The file just made: downloaded in a browser, or how to fetch it over SSH."""
        if not self.last_paths:
            self.notify(S.EXPORT_NOTHING_YET)
        elif len(self.last_paths) == 1 or not can_deliver(self.app):
            attempt(self, lambda: deliver(self.app, self.actor, self.last_paths[0]))
        else:
            self.action_my_files()

    def action_my_files(self) -> None:
        from tui.screens.myfiles import MyFilesScreen

        self.app.push_screen(MyFilesScreen(self.actor))

    def failed(self, message: str) -> None:
        self.running = False
        self.query_one(ProgressBar).add_class("hidden")
        self.say(message, error=True)
        self.notify(message, severity="error")

    def action_back(self) -> None:
        if self.running:
            self.cancel.set()
            self.say(S.EXPORT_STOPPING)
            return
        self.app.pop_screen()
