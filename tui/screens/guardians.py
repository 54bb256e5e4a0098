"""A pupil's guardians and consents (R4, R11): add or link (siblings share parents), edit,
unlink, record and withdraw consent to personal-data processing."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from models.core import clock
from models.core.access import Actor
from models.core.errors import JournalError, ValidationError
from models.people import guardians
from models.people.classlist import (
    CardConsent,
    GuardianMatch,
    StudentCard,
    find_guardians,
    guardian_duplicates,
    student_card,
)
from models.people.guardians import RELATIONS, GuardianInfo
from tui import strings as S
from tui.attempt import attempt
from tui.keys import twin
from tui.widgets.dialogs import ConfirmDialog, Field, FormDialog
from tui.widgets.footer import KeysFooter
from tui.widgets.header import JournalHeader
from tui.widgets.table import Table

RELATION_CHOICES = (("—", ""), *((r, r) for r in RELATIONS))
YES_NO = (("да", "1"), ("нет", "0"))
PUPIL = "pupil"  # the consent's giver when it is the (adult) pupil


class CompactForm(FormDialog):
    """A FormDialog with one line per field, the label beside it: ten fields fit 80×24."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form compact-form"):
            yield Static(self.title_text, classes="dialog-title")
            for field in self.fields:
                with Horizontal(classes="form-row"):
                    yield Label(field.label, classes="form-label")
                    if field.choices:
                        yield Select(
                            field.choices,
                            value=field.value or field.choices[0][1],
                            id=f"f-{field.name}",
                            allow_blank=False,
                            compact=True,
                        )
                    else:
                        yield Input(field.value, id=f"f-{field.name}", password=field.password, compact=True)
            yield Static("", id="form-status", classes="status")
        yield KeysFooter()


def day_text(day) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def guardian_fields(g: GuardianInfo | None = None) -> list[Field]:
    return [
        Field("surname", S.F_SURNAME, g.surname if g else ""),
        Field("first_name", S.F_FIRST_NAME, g.first_name if g else ""),
        Field("patronymic", S.F_PATRONYMIC, g.patronymic if g else ""),
        Field("relation", S.F_RELATION, g.relation if g else "", choices=RELATION_CHOICES),
        Field(
            "may_receive_credentials",
            S.F_MAY_RECEIVE,
            ("1" if g.may_receive_credentials else "0") if g else "1",
            choices=YES_NO,
        ),
        Field("phone", S.F_PHONE, g.phone if g else ""),
        Field("email", S.F_EMAIL, g.email if g else ""),
        Field("address", S.F_ADDRESS, g.address if g else ""),
    ]


def guardian_data(values: dict) -> dict:
    """The guardian's card from a form's values (the relation is kept per pupil, apart)."""
    data = {k: v for k, v in values.items() if k != "relation"}
    data["may_receive_credentials"] = values["may_receive_credentials"] == "1"
    return data


def consent_state(consents: tuple[CardConsent, ...], today) -> str:
    active = [c for c in consents if c.active_on(today)]
    if active:
        return S.CONSENT_SINCE.format(day=active[0].consent.given_on)
    if consents:
        return S.CONSENT_WITHDRAWN
    return S.CONSENT_NONE


GUARDIAN_LABELS = {
    "surname": S.F_SURNAME,
    "first_name": S.F_FIRST_NAME,
    "patronymic": S.F_PATRONYMIC,
    "phone": S.F_PHONE,
    "email": S.F_EMAIL,
    "address": S.F_ADDRESS,
    "may_receive_credentials": S.F_MAY_RECEIVE,
    "relation": S.F_RELATION,
}


def guardian_changes(old: dict, new: dict) -> str:
    if not new:
        return S.CARD_UNCHANGED

    def shown(value: object) -> str:
        if isinstance(value, bool):
            return "да" if value else "нет"
        return str(value) if value not in (None, "") else "—"

    return S.CARD_CHANGED + "; ".join(
        f"{GUARDIAN_LABELS[k]}: {shown(old.get(k))} → {shown(v)}" for k, v in new.items()
    )


class GuardianSearch(ModalScreen[int | None]):
    """Type part of a name or phone, pick an existing guardian from the list (Enter)."""

    BINDINGS = [Binding("escape", "cancel", S.KEY_CANCEL, id="cancel")]

    def __init__(self, actor: Actor, title: str, exclude: set[int]) -> None:
        super().__init__()
        self.actor = actor
        self.title_text = title
        self.exclude = exclude
        self.found: list[GuardianMatch] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog search-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(placeholder=S.SEARCH_PLACEHOLDER, id="search-query", compact=True)
            yield OptionList(id="search-results")
            yield Static(S.SEARCH_HINT, id="search-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#search-query", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        try:
            found = find_guardians(self.actor, event.value)
        except JournalError as exc:
            self.query_one("#search-status", Static).update(str(exc))
            return
        self.found = [m for m in found if m.guardian.id not in self.exclude]
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(Option(m.label()) for m in self.found)
        status = S.SEARCH_HINT
        if len(event.value.strip()) >= 2 and not self.found:
            status = S.SEARCH_NOTHING
        self.query_one("#search-status", Static).update(status)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.found:
            results = self.query_one(OptionList)
            results.highlighted = 0
            results.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[event.option_index].guardian.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class GuardiansScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", S.KEY_BACK, id="back"),
        Binding("insert", "add", S.KEY_NEW_GUARDIAN, id="add-guardian", key_display="Ins"),
        Binding(twin("l"), "link", S.KEY_LINK_GUARDIAN, id="link-guardian", key_display="L"),
        Binding("enter", "edit", S.KEY_EDIT, id="edit-guardian", key_display="Enter", priority=True),
        Binding(twin("s"), "consent", S.KEY_CONSENT, id="record-consent", key_display="S"),
        Binding(twin("w"), "withdraw", S.KEY_WITHDRAW, id="withdraw-consent", key_display="W"),
        Binding("delete", "unlink", S.KEY_UNLINK, id="unlink-guardian", key_display="Del"),
    ]

    def __init__(self, actor: Actor, student_id: int) -> None:
        super().__init__()
        self.actor = actor
        self.student_id = student_id
        self.card: StudentCard | None = None

    def compose(self) -> ComposeResult:
        yield JournalHeader()
        yield Static("", id="guardians-title", classes="screen-title")
        yield Table(id="guardians-table", cursor_type="row", zebra_stripes=True)
        yield Static(S.CONSENTS_LABEL, id="consents-label")
        yield Table(id="consent-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#guardians-table", DataTable).add_columns(*S.GUARDIAN_COLUMNS)
        self.query_one("#consent-table", DataTable).add_columns(*S.CONSENT_COLUMNS)
        self.reload()
        self.query_one("#guardians-table", DataTable).focus()

    # --- loading ------------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> None:
        card = attempt(self, lambda: student_card(self.actor, self.student_id))
        if card is None:
            return
        self.card = card
        today = clock.today()
        self.query_one("#guardians-title", Static).update(
            S.GUARDIANS_TITLE.format(name=card.student.full_name, class_name=card.class_name)
        )
        table = self.query_one("#guardians-table", DataTable)
        cursor = table.cursor_row
        if select_id is not None:
            cursor = next((i for i, g in enumerate(card.guardians) if g.id == select_id), cursor)
        table.clear()
        for g in card.guardians:
            table.add_row(
                g.full_name,
                g.relation or "—",
                g.phone or "—",
                S.MAY_RECEIVE if g.may_receive_credentials else S.MAY_NOT_RECEIVE,
                consent_state(card.consents_of(g.id), today),
                key=str(g.id),
            )
        if card.guardians:
            table.move_cursor(row=max(0, min(cursor, len(card.guardians) - 1)))
        consents = self.query_one("#consent-table", DataTable)
        consents.clear()
        for c in card.consents:
            consents.add_row(
                f"{c.consent.given_on:%d.%m.%Y}",
                c.given_by,
                c.consent.document or "—",
                day_text(c.consent.withdrawn_on) or "—",
            )

    @property
    def guardian(self) -> GuardianInfo | None:
        if self.card is None or not self.card.guardians:
            return None
        table = self.query_one("#guardians-table", DataTable)
        return self.card.guardians[min(max(table.cursor_row, 0), len(self.card.guardians) - 1)]

    def write(self, change: Callable[[], object], done: str | None = None) -> object | None:
        """One service call: a refusal is shown and nothing changes; success says `done`, reloads."""

        def after(_result: object) -> None:
            if done:
                self.notify(done)
            self.reload()

        return attempt(self, change, after, timeout=8)

    # --- guardians ----------------------------------------------------------------------------

    def action_add(self, values: dict | None = None) -> None:
        card = self.card
        if card is None:
            return
        linked = {g.id for g in card.guardians}

        def submit(values: dict) -> object:
            data = guardian_data(values)
            matches = guardian_duplicates(self.actor, data)  # validates the form first
            if any(m.guardian.id in linked for m in matches):
                raise ValidationError(S.ALREADY_LINKED)
            if matches:
                return ("duplicate", values, matches[0])
            return guardians.add_guardian(self.actor, self.student_id, data, values["relation"])

        def added(result: object) -> None:
            if isinstance(result, tuple):
                _, values, match = result
                self.offer_link(values, match)
            elif result is not None:
                self.notify(S.GUARDIAN_ADDED.format(name=result.full_name))  # type: ignore[attr-defined]
                self.reload(result.id)  # type: ignore[attr-defined]

        fields = guardian_fields()
        if values:
            fields = [Field(f.name, f.label, values.get(f.name, ""), f.choices) for f in fields]
        title = S.NEW_GUARDIAN_TITLE.format(name=card.student.short_name)
        self.app.push_screen(CompactForm(title, fields, submit), added)

    def offer_link(self, values: dict, match: GuardianMatch) -> None:
        """The form names someone already in the school: link them instead of a duplicate."""

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: guardians.link_guardian(
                        self.actor, self.student_id, match.guardian.id, values["relation"]
                    ),
                    S.GUARDIAN_LINKED.format(name=match.guardian.full_name),
                )
                self.reload(match.guardian.id)
            elif yes is False:
                self.action_add(values)  # back to the form, nothing lost

        self.app.push_screen(ConfirmDialog(S.LINK_INSTEAD.format(match=match.label())), answer)

    def action_link(self) -> None:
        card = self.card
        if card is None:
            return
        exclude = {g.id for g in card.guardians}

        def picked(guardian_id: int | None) -> None:
            if guardian_id is None:
                return

            def submit(values: dict) -> object:
                return guardians.link_guardian(self.actor, self.student_id, guardian_id, values["relation"])

            def linked(info: object) -> None:
                if info is not None:
                    self.notify(S.GUARDIAN_LINKED.format(name=info.full_name))  # type: ignore[attr-defined]
                    self.reload(guardian_id)

            fields = [Field("relation", S.F_RELATION, "", choices=RELATION_CHOICES)]
            title = S.LINK_RELATION_TITLE.format(name=card.student.short_name)
            self.app.push_screen(CompactForm(title, fields, submit), linked)

        title = S.LINK_TITLE.format(name=card.student.short_name)
        self.app.push_screen(GuardianSearch(self.actor, title, exclude), picked)

    def action_edit(self) -> None:
        g = self.guardian
        if g is None:
            return

        def submit(values: dict) -> str:
            info, old, new = guardians.update_guardian(self.actor, g.id, guardian_data(values))
            if values["relation"] != g.relation:
                guardians.set_relation(self.actor, self.student_id, g.id, values["relation"])
                old, new = {**old, "relation": g.relation}, {**new, "relation": values["relation"]}
            return guardian_changes(old, new)

        def saved(summary: object) -> None:
            if summary is not None:
                self.notify(str(summary), timeout=8)
                self.reload(g.id)

        title = S.EDIT_GUARDIAN_TITLE.format(name=g.full_name)
        self.app.push_screen(CompactForm(title, guardian_fields(g), submit), saved)

    def action_unlink(self) -> None:
        g, card = self.guardian, self.card
        if g is None or card is None:
            return

        def go(yes: bool | None) -> None:
            if yes:
                self.write(
                    lambda: guardians.unlink_guardian(self.actor, self.student_id, g.id),
                    S.GUARDIAN_UNLINKED.format(name=g.full_name),
                )

        question = S.CONFIRM_UNLINK.format(guardian=g.full_name, pupil=card.student.full_name)
        self.app.push_screen(ConfirmDialog(question), go)

    # --- consents -----------------------------------------------------------------------------

    def action_consent(self) -> None:
        card = self.card
        if card is None:
            return
        who = tuple((g.full_name, str(g.id)) for g in card.guardians) + ((S.THE_PUPIL, PUPIL),)
        selected = self.guardian
        fields = [
            Field("who", S.F_CONSENT_BY, str(selected.id) if selected else "", choices=who),
            Field("given_on", S.F_CONSENT_DATE, day_text(clock.today())),
            Field("document", S.F_CONSENT_DOCUMENT, S.DEFAULT_CONSENT_DOCUMENT),
        ]

        def submit(values: dict) -> object:
            guardian_id = None if values["who"] == PUPIL else int(values["who"])
            return guardians.record_consent(
                self.actor, self.student_id, values["given_on"], values["document"], guardian_id
            )

        def recorded(info: object) -> None:
            if info is not None:
                self.notify(S.CONSENT_RECORDED.format(day=info.given_on))  # type: ignore[attr-defined]
                self.reload()

        title = S.CONSENT_TITLE.format(name=card.student.short_name)
        self.app.push_screen(CompactForm(title, fields, submit), recorded)

    def consent_to_withdraw(self) -> CardConsent | None:
        card = self.card
        if card is None:
            return None
        today = clock.today()
        consents = self.query_one("#consent-table", DataTable)
        if consents.has_focus and card.consents:
            return card.consents[min(max(consents.cursor_row, 0), len(card.consents) - 1)]
        g = self.guardian
        active = [c for c in card.consents if c.active_on(today)]
        mine = [c for c in active if g is not None and c.consent.guardian_id == g.id]
        return (mine or active or [None])[0]

    def action_withdraw(self) -> None:
        chosen = self.consent_to_withdraw()
        if chosen is None:
            self.notify(S.NO_ACTIVE_CONSENT, severity="warning")
            return
        if chosen.consent.withdrawn_on is not None:
            self.notify(S.ALREADY_WITHDRAWN.format(day=chosen.consent.withdrawn_on), severity="warning")
            return

        def submit(values: dict) -> object:
            return guardians.withdraw_consent(self.actor, chosen.consent.id, values["on"])

        def withdrawn(info: object) -> None:
            if info is not None:
                self.notify(S.CONSENT_WITHDRAWN_DONE.format(day=info.withdrawn_on))  # type: ignore[attr-defined]
                self.reload()

        title = S.WITHDRAW_TITLE.format(
            day=chosen.consent.given_on, who=chosen.given_by, document=chosen.consent.document
        )
        fields = [Field("on", S.F_WITHDRAW_DATE, day_text(clock.today()))]
        self.app.push_screen(CompactForm(title, fields, submit), withdrawn)
