"""The homeroom teacher's class list (R1, R5, R11): pupils with their status and flags, the
card, arrivals, transfers, departures, removal of a mistaken entry, the monthly check.

The list is read in bulk (models.people.classlist); every change is one service call whose refusal
is shown and changes nothing. Departed and transferred pupils stay in the list, dimmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models.core import clock
from models.core.access import Actor
from models.core.errors import ValidationError
from models.core.validation import parse_date
from models.people import moves, roster
from models.people.classlist import (
    ClassListRow,
    MissingConsent,
    StudentCard,
    class_list,
    missing_consents,
    student_card,
)
from models.people.credentials import record_export
from models.people.roster import FIELD_LABELS, Change
from models.school.classes import ClassInfo, classes_kept_by, list_classes
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.screens.guardians import CompactForm, GuardiansScreen
from tui.widgets.dialogs import ConfirmDialog, Field
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

SEX_CHOICES = (("—", ""), ("м", "м"), ("ж", "ж"))
BY_SURNAME, ATTENTION_FIRST = "surname", "attention"


def returned(screen: Screen) -> bool:
    """True when a screen resumes after one pushed on top of it, not at its first showing
    (mount loads it already)."""
    seen = getattr(screen, "_resumed", False)
    screen._resumed = True  # type: ignore[attr-defined]
    return seen


def day_text(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def shown(value: object) -> str:
    """A field's value as the change summary shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def change_summary(change: Change) -> str:
    """ "Изменено: Телефон: — → +7 900 …; Дата рождения: — → 30.04.2015" """
    if not change.new:
        return S.CARD_UNCHANGED
    parts = [
        f"{FIELD_LABELS[key]}: {shown(change.old.get(key))} → {shown(value)}"
        for key, value in change.new.items()
    ]
    return S.CARD_CHANGED + "; ".join(parts)


def card_fields(card: StudentCard | None = None) -> list[Field]:
    s = card.student if card else None
    return [
        Field("surname", S.F_SURNAME, s.surname if s else ""),
        Field("first_name", S.F_FIRST_NAME, s.first_name if s else ""),
        Field("patronymic", S.F_PATRONYMIC, s.patronymic if s else ""),
        Field("birth_date", S.F_BIRTH_DATE, day_text(s.birth_date) if s else ""),
        Field("sex", S.F_SEX, s.sex if s else "", choices=SEX_CHOICES),
        Field("phone", S.F_PHONE, s.phone if s else ""),
        Field("email", S.F_EMAIL, s.email if s else ""),
        Field("address", S.F_ADDRESS, s.address if s else ""),
    ]


def flag(missing: bool, text: str = S.ROSTER_FLAG_NO) -> Text | str:
    return Text(text, style="bold") if missing else ""


def verified_text(row: ClassListRow) -> Text | str:
    day = row.student.verified_on
    when = f"{day:%d.%m}" if day else S.ROSTER_FLAG_NO
    return Text(f"! {when}", style="bold") if row.overdue else when


def row_cells(number: int, row: ClassListRow) -> list[Text | str]:
    status = row.status_text("%d.%m")
    if not row.current:  # left or transferred: dimmed, no flags due
        dim = "dim italic"
        names = (str(number), row.student.short_name, status)
        return [Text(value, style=dim) for value in names] + [""] * 4
    guardians = str(row.guardian_count) if row.guardian_count else flag(True)
    return [
        str(number),
        row.student.short_name,
        status,
        flag(row.no_consent),
        guardians,
        flag(row.no_login),
        verified_text(row),
    ]


class RosterScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", S.KEY_BACK, id="back"),
        Binding("insert", "add", S.KEY_ADD_PUPIL, id="add-pupil", key_display="Ins"),
        Binding("enter", "card", S.KEY_PUPIL_CARD, id="card", key_display="Enter", priority=True),
        Binding(twin("g"), "guardians", S.KEY_GUARDIANS, id="guardians", key_display="G"),
        Binding(twin("v"), "verify", S.KEY_VERIFIED, id="verify", key_display="V"),
        Binding(twin("t"), "transfer", S.KEY_TRANSFER, id="transfer", key_display="T"),
        Binding(twin("d"), "depart", S.KEY_DEPART, id="depart", key_display="D"),
        Binding(twin("m"), "move_school", S.KEY_MOVE_SCHOOL, id="move-school", key_display="M"),
        Binding(twin("p"), "arrivals", S.KEY_ARRIVALS, id="arrivals", key_display="P"),
        Binding("delete", "remove", S.KEY_REMOVE_PUPIL, id="remove-pupil", key_display="Del"),
        Binding(twin("s"), "missing_consents", S.KEY_NO_CONSENT, id="no-consent", key_display="S"),
        Binding(twin("slash"), "filter", S.KEY_ROSTER_FILTER, id="filter", key_display="/"),
        Binding(twin("o"), "sort", S.KEY_ROSTER_SORT, id="sort", key_display="O"),
        Binding(twin("c"), "next_class", S.KEY_CLASS, id="class", key_display="C"),
    ]

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.kept_classes: list[ClassInfo] = []
        self.other_schools: list[tuple[int, str]] = []
        self.class_index = 0
        self.all_rows: list[ClassListRow] = []
        self.rows: list[ClassListRow] = []  # shown: filtered and sorted
        self.order = BY_SURNAME

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="roster-title", classes="screen-title")
        yield Static("", id="roster-summary")
        yield Input(placeholder=S.ROSTER_FILTER_HINT, id="roster-filter", compact=True)
        yield Table(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept_classes = classes_kept_by(self.actor)
        # a district's other schools: moving a pupil there and the arrivals (none: keys hidden)
        self.other_schools = attempt(self, lambda: moves.other_schools(self.actor)) or []
        table = self.table
        table.add_columns(*S.ROSTER_COLUMNS)
        if not self.kept_classes:
            self.query_one("#roster-title", Static).update(S.NO_CLASS)
        else:
            self.reload()
        table.focus()
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if returned(self) and self.kept_classes:
            self.reload()  # back from the card, guardians or consents: flags may have changed

    @property
    def table(self) -> DataTable:
        return self.query_one("#roster-table", DataTable)

    @property
    def school_class(self) -> ClassInfo:
        return self.kept_classes[self.class_index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_class":
            return len(self.kept_classes) > 1
        if action in ("move_school", "arrivals") and not self.other_schools:
            return False  # one school in the store (every SQLite file)
        if action == "card" and self.query_one("#roster-filter", Input).has_focus:
            return False  # Enter in the filter goes back to the list
        return bool(self.kept_classes) or action in ("back", "filter")

    # --- the list ---------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        selected = self.selected
        rows = attempt(self, lambda: class_list(self.actor, self.school_class.id))
        if rows is None:
            return
        self.all_rows = rows
        current = [r for r in self.all_rows if r.current]
        self.query_one("#roster-title", Static).update(
            S.ROSTER_TITLE.format(
                class_name=self.school_class.name, count=len(current), total=len(self.all_rows)
            )
        )
        self.query_one("#roster-summary", Static).update(
            S.ROSTER_SUMMARY.format(
                consent=sum(r.no_consent for r in current),
                guardian=sum(r.no_guardian for r in current),
                login=sum(r.no_login for r in current),
                overdue=sum(r.overdue for r in current),
            )
        )
        keep = select_id if select_id is not None else (selected.student.id if selected else None)
        self.show(keep)

    def show(self, select_id: int | None = None) -> None:
        """Filter and sort the loaded rows into the table (no query)."""
        words = self.query_one("#roster-filter", Input).value.lower().replace("ё", "е").split()

        def matches(row: ClassListRow) -> bool:
            text = f"{row.student.full_name} {row.status_text()}".lower().replace("ё", "е")
            return all(w in text for w in words)

        rows = [r for r in self.all_rows if matches(r)]
        if self.order == ATTENTION_FIRST:
            rows.sort(key=lambda r: (not r.current, not r.needs_attention))
        self.rows = rows
        table = self.table
        cursor = table.cursor_row
        table.clear()
        for number, row in enumerate(rows, 1):
            table.add_row(*row_cells(number, row), key=str(row.student.id))
        if select_id is not None:
            cursor = next((i for i, r in enumerate(rows) if r.student.id == select_id), cursor)
        if rows:
            table.move_cursor(row=max(0, min(cursor, len(rows) - 1)))

    @property
    def selected(self) -> ClassListRow | None:
        if not self.rows:
            return None
        table = self.query_one("#roster-table", DataTable)
        return self.rows[min(max(table.cursor_row, 0), len(self.rows) - 1)]

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "roster-filter" and self.kept_classes:
            self.show(self.selected.student.id if self.selected else None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "roster-filter":
            self.table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_card()

    def action_filter(self) -> None:
        self.query_one("#roster-filter", Input).focus()

    def action_back(self) -> None:
        box = self.query_one("#roster-filter", Input)
        if box.has_focus or box.value:
            box.value = ""
            self.table.focus()
            return
        self.app.pop_screen()

    def action_sort(self) -> None:
        self.order = ATTENTION_FIRST if self.order == BY_SURNAME else BY_SURNAME
        self.notify(S.ROSTER_SORTED_BY[self.order])
        self.show(self.selected.student.id if self.selected else None)

    def action_next_class(self) -> None:
        if len(self.kept_classes) > 1:
            self.class_index = (self.class_index + 1) % len(self.kept_classes)
            self.query_one("#roster-filter", Input).value = ""
            self.reload()

    # --- changes ----------------------------------------------------------------------------

    def write(self, change: Callable[[], object], done: str | None = None) -> object | None:
        """One service call: a refusal is shown and nothing changes; success says `done`, reloads."""

        def after(_result: object) -> None:
            if done:
                self.notify(done)
            self.reload()

        return attempt(self, change, after, timeout=8)

    def action_add(self) -> None:
        fields = card_fields() + [
            Field("start", S.F_ARRIVAL_DATE, day_text(clock.today())),
            Field("arrived_from", S.F_ARRIVED_FROM),
        ]
        class_id = self.school_class.id

        def submit(values: dict) -> object:
            card = {k: v for k, v in values.items() if k not in ("start", "arrived_from")}
            return roster.add_student(self.actor, class_id, card, values["start"], values["arrived_from"])

        def added(info: object) -> None:
            if info is not None:
                self.notify(S.PUPIL_ADDED.format(name=info.full_name))  # type: ignore[attr-defined]
                self.reload(info.id)  # type: ignore[attr-defined]

        title = S.ADD_PUPIL_TITLE.format(class_name=self.school_class.name)
        self.app.push_screen(CompactForm(title, fields, submit), added)

    def action_card(self) -> None:
        row = self.selected
        if row is not None:
            self.app.push_screen(StudentCardScreen(self.actor, row.student.id))

    def action_guardians(self) -> None:
        row = self.selected
        if row is not None:
            self.app.push_screen(GuardiansScreen(self.actor, row.student.id))

    def action_verify(self) -> None:
        row = self.selected
        if row is not None:
            self.write(
                lambda: roster.verify_student(self.actor, row.student.id),
                S.VERIFIED_DONE.format(name=row.student.short_name, day=clock.today()),
            )

    def dated_change(
        self,
        title: str,
        fields: list[Field],
        date_label: str,
        question: Callable[[dict], str],
        change: Callable[[dict], object],
        done: Callable[[dict], str],
        again: Callable[[dict], None],
    ) -> None:
        """A form with a date ("on"), a confirmation, then one service call; a refusal is
        shown and the form comes back with what was typed."""

        def submit(values: dict) -> dict:
            day = parse_date(values["on"], date_label)
            if day is None:
                raise ValidationError(S.ROSTER_FIELD_REQUIRED.format(label=date_label))
            return {**values, "day": day}

        def confirm(values: dict | None) -> None:
            if values is None:
                return

            def go(yes: bool | None) -> None:
                if yes and self.write(lambda: change(values), done(values)) is None:
                    again(values)

            self.app.push_screen(ConfirmDialog(question(values)), go)

        self.app.push_screen(CompactForm(title, fields, submit), confirm)

    def action_transfer(self, values: dict | None = None) -> None:
        row, here = self.selected, self.school_class
        if row is None:
            return
        targets = [c for c in list_classes(here.year_id) if c.id != here.id]
        if not targets:
            self.notify(S.NO_OTHER_CLASS, severity="warning")
            return
        values = values or {}
        choices = tuple((c.name, str(c.id)) for c in targets)
        names = {value: name for name, value in choices}
        pupil = row.student
        self.dated_change(
            S.TRANSFER_TITLE.format(name=pupil.short_name, old=here.name),
            [
                Field("to_class", S.F_TO_CLASS, values.get("to_class", ""), choices=choices),
                Field("on", S.F_TRANSFER_DATE, values.get("on", day_text(clock.today()))),
            ],
            S.F_TRANSFER_DATE,
            question=lambda v: (
                S.CONFIRM_TRANSFER.format(
                    name=pupil.full_name, old=here.name, new=names[v["to_class"]], day=v["day"]
                )
                + self.later_entries(pupil.id, here.id, v["day"])
            ),
            change=lambda v: roster.transfer_student(self.actor, pupil.id, int(v["to_class"]), v["day"]),
            done=lambda v: S.TRANSFERRED_DONE.format(name=pupil.short_name, new=names[v["to_class"]]),
            again=self.action_transfer,
        )

    def later_entries(self, student_id: int, class_id: int, day) -> str:
        """The warning for a date before marks already given: how many, and what becomes of them."""
        found = attempt(self, lambda: roster.entries_after(self.actor, student_id, class_id, day))
        if not found or not any(found):
            return ""
        marks, absences = found
        return S.LATER_ENTRIES.format(day=day, marks=marks, absences=absences)

    def action_depart(self, values: dict | None = None) -> None:
        row, here = self.selected, self.school_class
        if row is None:
            return
        values = values or {}
        pupil = row.student
        self.dated_change(
            S.DEPART_TITLE.format(name=pupil.short_name),
            [
                Field("on", S.F_DEPART_DATE, values.get("on", day_text(clock.today()))),
                Field("left_to", S.F_LEFT_TO, values.get("left_to", "")),
            ],
            S.F_DEPART_DATE,
            question=lambda v: (
                S.CONFIRM_DEPART.format(
                    name=pupil.full_name, class_name=here.name, day=v["day"], to=v["left_to"].strip() or "—"
                )
                + self.later_entries(pupil.id, here.id, v["day"])
            ),
            change=lambda v: roster.leave_student(self.actor, pupil.id, v["day"], v["left_to"]),
            done=lambda v: S.DEPARTED_DONE.format(name=pupil.short_name, day=v["day"]),
            again=self.action_depart,
        )

    def action_move_school(self, values: dict | None = None) -> None:
        """The pupil goes to another school of the district (models.people.moves)."""
        row, here = self.selected, self.school_class
        if row is None:
            return
        schools = self.other_schools
        if not schools:
            self.notify(S.NO_OTHER_SCHOOL, severity="warning")
            return
        values = values or {}
        choices = tuple((name, str(sid)) for sid, name in schools)
        names = {value: name for name, value in choices}
        pupil = row.student

        def change(v: dict) -> object:
            result = moves.move_to_school(self.actor, pupil.id, int(v["to_school"]), v["day"])
            self.notify(S.MOVED_MARKS.format(marks=result.marks))
            return result

        self.dated_change(
            S.MOVE_SCHOOL_TITLE.format(name=pupil.short_name),
            [
                Field("to_school", S.F_TO_SCHOOL, values.get("to_school", ""), choices=choices),
                Field("on", S.F_MOVE_DATE, values.get("on", day_text(clock.today()))),
            ],
            S.F_MOVE_DATE,
            question=lambda v: S.CONFIRM_MOVE_SCHOOL.format(
                name=pupil.full_name, school=names[v["to_school"]], day=v["day"], class_name=here.name
            ),
            change=change,
            done=lambda v: S.MOVED_SCHOOL_DONE.format(name=pupil.short_name, school=names[v["to_school"]]),
            again=self.action_move_school,
        )

    def action_arrivals(self) -> None:
        from tui.screens.arrivals import ArrivalsScreen

        self.app.push_screen(ArrivalsScreen(self.actor, self.school_class), lambda _: self.reload())

    def action_remove(self) -> None:
        row = self.selected
        if row is None:
            return

        def go(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: roster.remove_student(self.actor, row.student.id),
                    S.REMOVED_DONE.format(name=row.student.full_name),
                )

        self.app.push_screen(ConfirmDialog(S.CONFIRM_REMOVE.format(name=row.student.full_name)), go)

    def action_missing_consents(self) -> None:
        self.app.push_screen(MissingConsentsScreen(self.actor, self.school_class))


# --- the pupil's card ---------------------------------------------------------------------------


def history_line(e) -> str:
    line = S.HISTORY_FROM.format(class_name=e.class_name, start=e.start)
    if e.arrived_from:
        line += S.HISTORY_ARRIVED_FROM.format(where=e.arrived_from)
    if e.end is not None:
        line += S.HISTORY_TO.format(end=e.end)
        if e.end_reason == "transfer":
            line += S.HISTORY_TRANSFERRED.format(where=e.left_to)
        elif e.end_reason == "departure":
            line += S.HISTORY_LEFT.format(where=e.left_to or "—")
    return line


def card_text(card: StudentCard) -> str:
    s = card.student
    sex = {"м": "мужской", "ж": "женский"}.get(s.sex, "—")
    lines = [
        f"{S.F_BIRTH_DATE}: {shown(s.birth_date)}    {S.F_SEX}: {sex}",
        f"{S.F_PHONE}: {shown(s.phone)}    {S.F_EMAIL}: {shown(s.email)}",
        f"{S.F_ADDRESS}: {shown(s.address)}",
        f"{S.F_NOTES}: {shown(s.notes)}",
        S.CARD_VERIFIED.format(day=shown(s.verified_on)),
        "",
        S.CARD_HISTORY,
        *(f"  {history_line(e)}" for e in card.history),
        "",
        S.CARD_GUARDIANS if card.guardians else S.CARD_NO_GUARDIANS,
        *(f"  {g.relation or '—'}: {g.full_name}, {shown(g.phone)}" for g in card.guardians),
        "",
        S.CARD_CONSENTS if card.consents else S.CARD_NO_CONSENTS,
    ]
    for c in card.consents:
        line = f"  {c.consent.given_on:%d.%m.%Y} {c.consent.document or '—'} — {c.given_by}"
        if c.consent.withdrawn_on:
            line += S.CARD_WITHDRAWN.format(day=c.consent.withdrawn_on)
        lines.append(line)
    return "\n".join(lines)


class StudentCardScreen(Screen):
    """The card of one pupil: data, history, guardians, consents; E edits, G — guardians."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding(twin("enter,e"), "edit", S.KEY_EDIT, id="edit-card", key_display="Enter"),
        Binding(twin("g"), "guardians", S.KEY_GUARDIANS, id="guardians", key_display="G"),
        Binding(twin("v"), "verify", S.KEY_VERIFIED, id="verify", key_display="V"),
    ]

    def __init__(self, actor: Actor, student_id: int) -> None:
        super().__init__()
        self.actor = actor
        self.student_id = student_id
        self.card: StudentCard | None = None

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="card-title", classes="screen-title")
        yield Static("", id="card-changes")
        with VerticalScroll(id="card-body"):
            yield Static("", id="card-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#card-body").focus()

    def on_screen_resume(self) -> None:
        if returned(self):
            self.reload()

    def reload(self) -> None:
        card = attempt(self, lambda: student_card(self.actor, self.student_id))
        if card is None:
            return
        self.card = card
        title = S.CARD_TITLE.format(name=card.student.full_name, class_name=card.class_name)
        if not card.may_edit:
            title += S.CARD_READ_ONLY
        self.query_one("#card-title", Static).update(title)
        self.query_one("#card-text", Static).update(card_text(card))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "verify", "guardians"):
            return self.card is not None and self.card.may_edit
        return True

    def action_edit(self) -> None:
        card = self.card
        if card is None:
            return
        fields = card_fields(card) + [Field("notes", S.F_NOTES, card.student.notes)]

        def submit(values: dict) -> Change:
            return roster.update_student(self.actor, self.student_id, values)

        def saved(change: object) -> None:
            if change is None:
                return
            summary = change_summary(change)  # type: ignore[arg-type]
            self.query_one("#card-changes", Static).update(summary)
            self.notify(summary, timeout=8)
            self.reload()

        title = S.EDIT_PUPIL_TITLE.format(name=card.student.short_name)
        self.app.push_screen(CompactForm(title, fields, submit), saved)

    def action_guardians(self) -> None:
        self.app.push_screen(GuardiansScreen(self.actor, self.student_id))

    def action_verify(self) -> None:
        info = attempt(self, lambda: roster.verify_student(self.actor, self.student_id))
        if info is None:
            return
        self.notify(S.VERIFIED_DONE.format(name=info.short_name, day=info.verified_on))
        self.reload()


# --- the class's missing consents (R4) -----------------------------------------------------------


class MissingConsentsScreen(Screen):
    """Pupils of the class without an active consent, with whom to ask; Enter records one."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("enter", "guardians", S.KEY_RECORD_CONSENT, id="record-consent", priority=True),
        Binding("f9", "export", S.KEY_EXPORT_HERE, id="export"),
    ]

    def __init__(self, actor: Actor, school_class: ClassInfo) -> None:
        super().__init__()
        self.actor = actor
        self.school_class = school_class
        self.items: list[MissingConsent] = []
        self.row_owner: list[int] = []  # table row → index into items

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="consents-title", classes="screen-title")
        yield Table(id="consents-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*S.MISSING_COLUMNS)
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        if returned(self):
            self.reload()

    def action_export(self) -> None:
        """The list as a spreadsheet to take to the parents' meeting (audited: personal data)."""
        from exports.consents import write_missing_consents
        from exports.paths import user_folder

        def write() -> object:
            path = write_missing_consents(user_folder(self.actor.user_id), self.items, self.school_class.name)
            record_export(self.actor, "missing_consents", str(path), len(self.items))
            return path

        attempt(self, write, done=lambda path: self.notify(S.EXPORT_SAVED.format(path=path), timeout=10))

    def reload(self) -> None:
        items = attempt(self, lambda: missing_consents(self.actor, self.school_class.id))
        if items is None:
            return
        self.items = items
        self.query_one("#consents-title", Static).update(
            S.MISSING_TITLE.format(class_name=self.school_class.name, count=len(self.items))
            if self.items
            else S.MISSING_NONE.format(class_name=self.school_class.name)
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.row_owner = []
        for index, item in enumerate(self.items):
            guardians = item.guardians or (None,)
            for n, g in enumerate(guardians):
                table.add_row(
                    item.student.short_name if n == 0 else "",
                    f"{g.relation or '—'}: {g.full_name}" if g else S.MISSING_NO_GUARDIAN,
                    g.phone if g else "",
                )
                self.row_owner.append(index)
        if self.row_owner:
            table.move_cursor(row=max(0, min(cursor, len(self.row_owner) - 1)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_guardians()

    def action_guardians(self) -> None:
        if not self.row_owner:
            return
        table = self.query_one(DataTable)
        item = self.items[self.row_owner[min(max(table.cursor_row, 0), len(self.row_owner) - 1)]]
        self.app.push_screen(GuardiansScreen(self.actor, item.student.id))
