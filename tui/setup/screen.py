"""Setting up and running the school's frame (admin): one screen, six tabs, keyboard-driven.

1 Год и периоды — the year, its periods (dates, close, add, remove), the breaks, the next
  year by promotion. 2 Классы — create, rename, homeroom teacher, remove while empty.
3 Предметы — subjects and work types with weights. 4 Нагрузка — one table per class (or
  per teacher), subgroups with their teachers. 5 Расписание — the weekly template per class
  (day × lesson number), its entries with dates, lessons generated and regenerated, one-off
  changes on a date. 6 Настройки — every school setting with its Russian label.

Every change goes through a service in models/ (models/school/: calendar, classes, subjects,
load, timetable, lessons, promotion, identity); a refusal is shown with its reason and changes
nothing; a destructive step asks first.

This module is the screen: the tabs and what they share (the year and the class shown). Each
tab is a pane of its own module beside it (year, classes, subjects, load, timetable, settings),
built on tui/setup/pane.py.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from models.core.access import Actor
from models.school.calendar import YearInfo, current_year_id, list_years
from models.school.classes import ClassInfo, list_classes
from tui import strings as S
from tui.setup.classes import ClassesPane
from tui.setup.load import LoadPane
from tui.setup.pane import Pane
from tui.setup.settings import SettingsPane
from tui.setup.subjects import SubjectsPane
from tui.setup.timetable import TimetablePane
from tui.setup.year import YearPane
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader

TABS = ("year", "classes", "subjects", "load", "timetable", "settings")


class SetupScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        *(
            Binding(str(n), f"tab('{tab}')", S.SETUP_TABS[n - 1], id=f"tab-{tab}", show=False)
            for n, tab in enumerate(TABS, 1)
        ),
    ]

    def __init__(self, actor: Actor, tab: str = "year") -> None:
        super().__init__()
        self.actor = actor
        self.first_tab = tab if tab in TABS else "year"
        self.year_id: int | None = current_year_id()
        self.class_id: int | None = None

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static(S.SETUP_TITLE, classes="screen-title")
        with TabbedContent(id="setup-tabs", initial=f"tab-{self.first_tab}"):
            panes = (YearPane, ClassesPane, SubjectsPane, LoadPane, TimetablePane, SettingsPane)
            for n, (tab, pane) in enumerate(zip(TABS, panes, strict=True), 1):
                with TabPane(f"{n} {S.SETUP_TABS[n - 1]}", id=f"tab-{tab}"):
                    yield pane(self, id=f"pane-{tab}")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload_all()
        self.pane(self.first_tab).focus_table()

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
