"""The homeroom teacher splits the class into subgroups per subject and period (R15).

The class list of the period with each pupil's group: 1–4 put the cursor pupil into a group
(and move down), 0 takes them out, P copies the previous period's split, E splits the list
evenly. Pupils in no group are flagged, siblings (a shared guardian) are shown. Once marks
exist in the period for the subject, the first change asks for confirmation: marks never
move, they stay on the lessons they were given in.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.core import clock
from models.core.access import Actor
from models.core.errors import JournalError, ValidationError
from models.journal.subgroups import (
    SplitPupil,
    SubgroupSplit,
    SubjectGroups,
    assign_subgroup,
    copy_previous_split,
    may_create_subgroups,
    split_evenly,
    subgroup_split,
    subjects_to_split,
    subjects_with_subgroups,
    unassign_subgroup,
)
from models.school.calendar import PeriodInfo, period_at, periods_for_grade
from models.school.classes import ClassInfo, classes_kept_by
from models.school.load import create_subgroups
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

SPLIT_ACTIONS = {"assign", "unassign", "copy_previous", "split_evenly", "period"}


def short_name(name: str) -> str:
    """ "Васильев Василий" → "Васильев В." (sibling flags stay short at 80 columns)."""
    surname, _, first = name.partition(" ")
    return f"{surname} {first[:1]}." if first else surname


def pupil_note(pupil: SplitPupil) -> str:
    notes = []
    if pupil.left_on is not None:
        notes.append(S.FLAG_LEFT.format(day=pupil.left_on))
    elif pupil.group_id is None:
        notes.append(S.FLAG_UNASSIGNED)
    if pupil.siblings:
        notes.append(S.FLAG_SIBLINGS.format(names=", ".join(short_name(n) for n in pupil.siblings)))
    return "; ".join(notes)


class SubgroupsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("1", "assign(1)", S.KEY_GROUP, id="group-1", key_display="1–4"),
        Binding("2", "assign(2)", S.KEY_GROUP, id="group-2", show=False),
        Binding("3", "assign(3)", S.KEY_GROUP, id="group-3", show=False),
        Binding("4", "assign(4)", S.KEY_GROUP, id="group-4", show=False),
        Binding("0,delete", "unassign", S.KEY_NO_GROUP, id="no-group", key_display="0", show=False),
        Binding(twin("p"), "copy_previous", S.KEY_COPY_SPLIT, id="copy-split", key_display="P"),
        Binding(twin("e"), "split_evenly", S.KEY_SPLIT_EVENLY, id="split-evenly", key_display="E"),
        Binding(
            twin("left_square_bracket"), "period(-1)", S.KEY_SG_PERIOD, id="prev-period", key_display="[ ]"
        ),
        Binding(twin("right_square_bracket"), "period(1)", S.KEY_SG_PERIOD, id="next-period", show=False),
        Binding(twin("s"), "next_subject", S.KEY_SG_SUBJECT, id="subject", key_display="S"),
        Binding(twin("c"), "next_class", S.KEY_CLASS, id="class", key_display="C"),
        Binding(twin("n"), "new_subgroups", S.KEY_NEW_SUBGROUPS, id="new-subgroups", key_display="N"),
    ]

    def __init__(self, actor: Actor, class_id: int | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.class_id = class_id  # open on this class (from the roster); else the first kept
        self.kept_classes: list[ClassInfo] = []
        self.class_index = 0
        self.subjects: list[SubjectGroups] = []
        self.subject_index = 0
        self.periods: list[PeriodInfo] = []
        self.period_index = 0
        self.split: SubgroupSplit | None = None
        self.confirmed: set[tuple[int, int, int]] = set()  # (class, subject, period) with marks
        self.may_create = False  # may split another subject of this class (school setting)

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="subgroups-title", classes="screen-title")
        yield Static("", id="subgroups-groups")
        yield Static(S.SUBGROUPS_KEYS, id="subgroups-hint")
        yield Table(id="subgroups-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.kept_classes = classes_kept_by(self.actor)
        ids = [c.id for c in self.kept_classes]
        self.class_index = ids.index(self.class_id) if self.class_id in ids else 0
        table = self.table
        table.add_column(S.COL_NUMBER, key="n")
        table.add_column(S.COL_PUPIL, key="pupil")
        table.add_column(S.COL_GROUP, key="group")
        table.add_column(S.COL_SG_NOTE, key="note")
        if not self.kept_classes:
            self.title_line(S.NO_CLASS)
        else:
            self.load_class()
        table.focus()

    # --- state ----------------------------------------------------------------------------

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def school_class(self) -> ClassInfo:
        return self.kept_classes[self.class_index]

    @property
    def subject(self) -> SubjectGroups | None:
        return self.subjects[self.subject_index] if self.subjects else None

    @property
    def period(self) -> PeriodInfo | None:
        return self.periods[self.period_index] if self.periods else None

    def title_line(self, text: str) -> None:
        self.query_one("#subgroups-title", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SPLIT_ACTIONS:
            return self.split is not None
        if action == "next_subject":
            return len(self.subjects) > 1
        if action == "next_class":
            return len(self.kept_classes) > 1
        if action == "new_subgroups":
            return self.may_create
        return True

    # --- loading --------------------------------------------------------------------------

    def load_class(self, subject_id: int | None = None) -> None:
        """The class's subjects with subgroups and its periods (the current one first shown)."""
        school_class = self.school_class

        def load() -> None:
            self.subjects = subjects_with_subgroups(self.actor, school_class.id)
            self.periods = periods_for_grade(school_class.year_id, school_class.grade)
            self.may_create = may_create_subgroups(self.actor, school_class.id)

        def loaded(_: None) -> None:
            self.subject_index = next(
                (i for i, s in enumerate(self.subjects) if s.subject_id == subject_id), 0
            )
            current = period_at(self.periods, clock.today())
            self.period_index = self.periods.index(current) if current in self.periods else 0
            self.reload()

        attempt(self, load, loaded)

    def reload(self, cursor: int | None = None) -> None:
        table = self.table
        row = table.cursor_row if cursor is None else cursor
        self.split = None
        table.clear()
        subject, period = self.subject, self.period
        if subject is None or period is None:
            self.title_line(S.SUBGROUPS_NONE_TITLE.format(class_name=self.school_class.name))
            self.query_one("#subgroups-groups", Static).update(
                S.SUBGROUPS_NO_SUBJECTS if self.may_create else S.SUBGROUPS_NO_SUBJECTS_ADMIN
            )
            self.refresh_bindings()
            return
        split = attempt(
            self, lambda: subgroup_split(self.actor, self.school_class.id, subject.subject_id, period.id)
        )
        if split is None:
            self.refresh_bindings()
            return
        self.split = split
        self.title_line(
            S.SUBGROUPS_TITLE.format(
                class_name=split.class_name,
                subject=split.subject,
                period=split.period_name,
                start=split.period_start,
                end=split.period_end,
            )
        )
        groups = " · ".join(
            S.SUBGROUPS_GROUP.format(
                name=g.name, teachers=", ".join(g.teachers) or S.SUBGROUPS_NO_TEACHER, size=g.size
            )
            for g in split.groups
        )
        self.query_one("#subgroups-groups", Static).update(
            S.SUBGROUPS_GROUPS.format(groups=groups, unassigned=split.unassigned)
        )
        for number, pupil in enumerate(split.pupils, 1):
            group = str(pupil.group_number) if pupil.group_number else "—"
            style = "bold reverse" if pupil.unassigned else ""
            table.add_row(
                str(number),
                pupil.name,
                Text(group, style=style, justify="center"),
                Text(pupil_note(pupil), style="bold" if pupil.unassigned else ""),
                key=str(pupil.student_id),
            )
        if split.pupils:
            table.move_cursor(row=max(0, min(row, len(split.pupils) - 1)))
        self.refresh_bindings()

    # --- changing the split ---------------------------------------------------------------

    def cursor_pupil(self) -> SplitPupil | None:
        if self.split is None or not self.split.pupils:
            return None
        return self.split.pupils[min(max(self.table.cursor_row, 0), len(self.split.pupils) - 1)]

    def change(self, write: Callable[[], object], question: str = "", *, then=None) -> None:
        """Run a change of the split, asking first when there is a question or marks exist."""
        split = self.split
        if split is None:
            return
        key = (split.class_id, split.subject_id, split.period_id)
        marks_first = split.has_marks and key not in self.confirmed
        if marks_first:
            question = " ".join(
                q
                for q in (
                    S.CONFIRM_SPLIT_MARKS.format(subject=split.subject, period=split.period_name),
                    question,
                )
                if q
            )

        def go(yes: bool | None = True) -> None:
            if not yes:
                return
            if marks_first:
                self.confirmed.add(key)
            try:
                result = write()
            except JournalError as exc:
                self.notify(str(exc), severity="error")
                self.reload()
                return
            if then is not None:
                then(result)

        if question:
            self.app.push_screen(ConfirmDialog(question), go)
        else:
            go()

    def action_assign(self, number: int) -> None:
        pupil, split = self.cursor_pupil(), self.split
        if pupil is None or split is None:
            return
        group = split.group(number)
        if group is None:
            self.app.bell()
            self.notify(S.NO_SUCH_GROUP.format(count=len(split.groups), number=number), severity="warning")
            return
        row = self.table.cursor_row

        def done(_result: object) -> None:
            self.reload(cursor=row + 1)

        if pupil.group_id == group.id:
            self.reload(cursor=row + 1)
            return
        self.change(
            lambda: assign_subgroup(self.actor, group.id, pupil.student_id, split.period_id), then=done
        )

    def action_unassign(self) -> None:
        pupil, split = self.cursor_pupil(), self.split
        if pupil is None or split is None or pupil.group_id is None:
            return
        self.change(
            lambda: unassign_subgroup(
                self.actor, split.class_id, split.subject_id, pupil.student_id, split.period_id
            ),
            then=lambda _r: self.reload(),
        )

    def action_copy_previous(self) -> None:
        self.change_whole_split(copy_previous_split, S.CONFIRM_COPY_SPLIT, S.SPLIT_COPIED)

    def action_split_evenly(self) -> None:
        self.change_whole_split(split_evenly, S.CONFIRM_SPLIT_EVENLY, S.SPLIT_EVENLY_DONE)

    def change_whole_split(self, service, confirm: str, done_message: str) -> None:
        """A change of the whole period's split; asks first when a split already exists."""
        split = self.split
        if split is None:
            return
        assigned = any(p.group_id is not None for p in split.pupils)

        def done(count: object) -> None:
            self.reload()
            self.notify(done_message.format(count=count))

        self.change(
            lambda: service(self.actor, split.class_id, split.subject_id, split.period_id),
            confirm.format(period=split.period_name) if assigned else "",
            then=done,
        )

    # --- moving around ----------------------------------------------------------------------

    def action_period(self, step: int) -> None:
        if self.periods:
            self.period_index = (self.period_index + step) % len(self.periods)
            self.reload(cursor=0)

    def action_next_subject(self) -> None:
        if len(self.subjects) > 1:
            self.subject_index = (self.subject_index + 1) % len(self.subjects)
            self.reload(cursor=0)

    def action_next_class(self) -> None:
        if len(self.kept_classes) > 1:
            self.class_index = (self.class_index + 1) % len(self.kept_classes)
            self.load_class()

    def action_new_subgroups(self) -> None:
        """Split one more subject of the class (admin, or homeroom per the school's setting)."""
        school_class = self.school_class
        choices = tuple((name, str(sid)) for sid, name in subjects_to_split(self.actor, school_class.id))
        if not choices:
            self.notify(S.NO_SUBJECTS_TO_SPLIT)
            return
        fields = [
            Field("subject", S.F_SUBJECT, choices=choices),
            Field("count", S.F_GROUP_COUNT, "2"),
        ]

        def submit(values: dict) -> tuple[int, int]:
            try:
                count = int(str(values["count"]).strip())
            except ValueError:
                raise ValidationError(S.BAD_GROUP_COUNT) from None
            subject_id = int(values["subject"])
            return subject_id, len(create_subgroups(self.actor, school_class.id, subject_id, count))

        def done(result: object) -> None:
            if result is None:
                return
            subject_id, count = result  # type: ignore[misc]
            self.notify(S.SUBGROUPS_CREATED.format(count=count))
            self.load_class(subject_id)

        title = S.NEW_SUBGROUPS_TITLE.format(class_name=school_class.name)
        self.app.push_screen(FormDialog(title, fields, submit), done)
