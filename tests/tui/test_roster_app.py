"""Pilot workflows of the homeroom teacher's class list, card and guardians (R1, R4, R5, R11):
add a pupil, edit with a bad date and fix it, transfer and departure with marks kept, a
sibling's guardian linked without a duplicate, consents, the monthly check."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from textual.widgets import Input, OptionList, Select, Static

from models.core.schema import AuditEntry, Consent, Enrollment, Guardian, Mark, Student, StudentGuardian
from models.journal import entries, grid
from models.people import guardians, roster
from tests.factory import SmallSchool
from tests.shared import notifications as notes
from tests.shared import open_as, table_rows
from tui.app import JournalApp
from tui.screens.guardians import GuardianSearch, GuardiansScreen
from tui.screens.roster import MissingConsentsScreen, RosterScreen, StudentCardScreen
from tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (80, 24)
BEFORE = dt.date(2026, 11, 10)  # a Tuesday before the transfer


async def open_roster(app, pilot, s: SmallSchool, login: str = "ivanova") -> RosterScreen:
    return await open_as(app, pilot, login, s.passwords[login], RosterScreen)


def rows(screen, selector: str = "#roster-table") -> list[list[str]]:
    return table_rows(screen, selector)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def fill(form, **values: str) -> None:
    for name, value in values.items():
        form.query_one(f"#f-{name}", Input).value = value


@pytest.mark.asyncio
async def test_add_a_pupil_from_the_keyboard(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        assert rows(screen)[0] == ["1", "Андреев Андрей", "учится", "нет", "1", "", "! нет"]
        await pilot.press("insert")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-start", Input).value == "28.11.2026"  # today by default
        await pilot.press(*"жуков")  # typed into the surname, the first field
        await pilot.press("enter", *"евгений", "enter")
        fill(form, birth_date="07.03.2015", phone="+7 912 345-67-89", arrived_from="школа № 3")
        form.query_one("#f-sex", Select).value = "м"
        form.query_one("#f-start", Input).value = "16.11.2026"
        form.query_one("#f-email", Input).value = "zhukov@"  # not an e-mail
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused: the form keeps everything typed
        assert "не похож на электронную почту" in text(form, "#form-status")
        assert form.query_one("#f-surname", Input).value == "жуков"
        assert Student.select().where(Student.surname == "Жуков").count() == 0
        form.query_one("#f-email", Input).value = "zhukov@mail.ru"
        form.query_one("#f-arrived_from", Input).focus()
        await pilot.press("enter")  # Enter in the last field saves
        await pilot.pause()
        assert app.screen is screen
        assert "Добавлен(а): Жуков Евгений." in notes(app)
        assert rows(screen)[4] == ["5", "Жуков Евгений", "прибыл 16.11", "нет", "нет", "нет", "! нет"]
        assert screen.selected.student.surname == "Жуков"  # the cursor is on the new pupil
        assert "учатся 5" in text(screen, "#roster-title")
    pupil = Student.get(Student.surname == "Жуков")
    assert (pupil.first_name, pupil.birth_date, pupil.sex, pupil.email) == (
        "Евгений",
        dt.date(2015, 3, 7),
        "м",
        "zhukov@mail.ru",
    )
    enrollment = Enrollment.get(Enrollment.student == pupil.id)
    assert (enrollment.school_class_id, enrollment.start, enrollment.arrived_from) == (
        s.class_a,
        dt.date(2026, 11, 16),
        "школа № 3",
    )
    entry = AuditEntry.get(AuditEntry.action == "student.add")
    assert entry.user_id == s.homeroom.user_id


@pytest.mark.asyncio
async def test_edit_with_an_invalid_date_then_fix_it_and_see_the_change(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        await pilot.press("down", "enter")  # Борисова Бэлла's card
        await pilot.pause()
        card = app.screen
        assert isinstance(card, StudentCardScreen)
        assert "Борисова Бэлла, 5А" in text(card, "#card-title")
        assert "5А с 01.09.2026" in text(card, "#card-text")
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-surname", Input).value == "Борисова"
        fill(form, birth_date="31.02.2015", phone="+7 900 123-45-67")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "«Дата рождения»: «31.02.2015» — не дата" in text(form, "#form-status")
        assert form.query_one("#f-phone", Input).value == "+7 900 123-45-67"  # kept
        assert Student.get_by_id(s.pupils[1]).phone == ""  # nothing written
        form.query_one("#f-birth_date", Input).value = "30.04.2015"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is card
        changes = text(card, "#card-changes")
        assert changes == ("Изменено: Дата рождения: — → 30.04.2015; Телефон: — → +7 900 123-45-67")
        assert "Дата рождения: 30.04.2015" in text(card, "#card-text")
        await pilot.press("e", "ctrl+s")  # saving again changes nothing
        await pilot.pause()
        assert text(card, "#card-changes") == "Ничего не изменилось."
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    pupil = Student.get_by_id(s.pupils[1])
    assert (pupil.birth_date, pupil.phone) == (dt.date(2015, 4, 30), "+7 900 123-45-67")
    updates = list(AuditEntry.select().where(AuditEntry.action == "student.update"))
    assert len(updates) == 1
    assert json.loads(updates[0].new) == {"birth_date": "2015-04-30", "phone": "+7 900 123-45-67"}


@pytest.mark.asyncio
async def test_transfer_and_departure_keep_the_marks(small_sqlite):
    s = small_sqlite
    lesson = entries.add_lesson(s.teacher, s.math_a, BEFORE).id
    entries.set_mark(s.teacher, lesson, s.pupils[3], "5")
    entries.set_mark(s.teacher, lesson, s.pupils[2], "3")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        # Григорьева Галина → 5Б from 16.11 ("е" is T in the Russian layout)
        await pilot.press("down", "down", "down", "е")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-to_class", Select).value == str(s.class_b)
        fill(form, on="16.11.2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "из 5А в 5Б с 16.11.2026" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert rows(screen)[3] == ["4", "Григорьева Галина", "переведён в 5Б 16.11", "", "", "", ""]
        # Васильев Василий leaves; a date before his arrival is refused and the form returns
        await pilot.press("up", "d")
        await pilot.pause()
        fill(app.screen, on="31.08.2026", left_to="школа № 5")
        await pilot.press("ctrl+s", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)  # refused: back at the form, values kept
        assert form.query_one("#f-left_to", Input).value == "школа № 5"
        assert any("раньше прибытия в 5А" in m for m in notes(app))
        fill(form, on="20.11.2026")
        await pilot.press("ctrl+s", "д")  # Cyrillic "д" confirms too
        await pilot.pause()
        assert rows(screen)[2] == ["3", "Васильев Василий", "выбыл 20.11", "", "", "", ""]
        assert "учатся 2, всего в списке за год 4" in text(screen, "#roster-title")
        # removal "by mistake" is refused: he has a mark
        await pilot.press("delete", "enter")
        await pilot.pause()
        assert any(m.startswith("Удалить нельзя: у учащегося уже есть отметки") for m in notes(app))
        # the card of the transferred pupil shows her history, read-only for 5А's teacher
        await pilot.press("down", "enter")
        await pilot.pause()
        card = app.screen
        assert "только просмотр" in text(card, "#card-title")
        history = text(card, "#card-text")
        assert "5А с 01.09.2026 по 15.11.2026 — переведён в 5Б" in history
        assert "5Б с 16.11.2026 (прибыл из: 5А)" in history
        await pilot.press("e")  # editing is not hers any more: nothing happens
        await pilot.pause()
        assert app.screen is card
    assert Student.get_or_none(Student.id == s.pupils[2]) is not None
    assert Mark.select().where(Mark.lesson == lesson).count() == 2
    g = grid.load_grid(s.teacher, s.math_a, s.q2)
    assert g.cell(lesson, s.pupils[3]).text() == "5"
    assert g.cell(lesson, s.pupils[2]).text() == "3"
    ends = {p.student_id: p.end for p in g.pupils}
    assert (ends[s.pupils[3]], ends[s.pupils[2]]) == (dt.date(2026, 11, 15), dt.date(2026, 11, 20))
    assert s.pupils[3] in {p.student_id for p in grid.load_grid(s.teacher, s.math_b, s.q2).pupils}


@pytest.mark.asyncio
async def test_link_a_siblings_guardian_instead_of_a_duplicate(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        await pilot.press("down", "g")  # Борисова Бэлла's guardians: none yet
        await pilot.pause()
        gscreen = app.screen
        assert isinstance(gscreen, GuardiansScreen)
        assert rows(gscreen, "#guardians-table") == []
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, GuardianSearch)
        await pilot.press(*"андр")
        await pilot.pause()
        results = app.screen.query_one(OptionList)
        assert results.option_count == 1
        assert "Андреева Ольга" in str(results.get_option_at_index(0).prompt)
        assert "Андреев Андрей, 5А" in str(results.get_option_at_index(0).prompt)
        await pilot.press("enter", "enter")  # to the list, pick the first
        await pilot.pause()
        relation = app.screen
        assert isinstance(relation, FormDialog)
        relation.query_one("#f-relation", Select).value = "мать"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is gscreen
        assert rows(gscreen, "#guardians-table") == [
            ["Андреева Ольга", "мать", "+7 900 000-00-01", "можно", "нет"]
        ]
        # a new guardian with the same surname, name and phone: linking is offered instead
        await pilot.press("escape", "down", "g", "insert")
        await pilot.pause()
        form = app.screen
        fill(form, surname="андреева", first_name="ольга", phone="8 900 000-00-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Андреева Ольга · +7 900 000-00-01" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert [r[0] for r in rows(app.screen, "#guardians-table")] == ["Андреева Ольга"]
        await pilot.press("escape")
        await pilot.pause()
        assert rows(screen)[1][4] == "1" and rows(screen)[2][4] == "1"
    assert Guardian.select().count() == 1  # linked twice, never duplicated
    assert sorted(
        (link.student_id, link.relation)
        for link in StudentGuardian.select().where(StudentGuardian.guardian == s.guardian_id)
    ) == [(s.pupils[0], "мать"), (s.pupils[1], "мать"), (s.pupils[2], "")]
    assert AuditEntry.select().where(AuditEntry.action == "guardian.link").count() == 2


@pytest.mark.asyncio
async def test_edit_and_unlink_a_guardian(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await open_roster(app, pilot, s)
        await pilot.press("п")  # G in the Russian layout
        await pilot.pause()
        gscreen = app.screen
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-phone", Input).value == "+7 900 000-00-01"
        fill(form, phone="+7 900 000-00-99")
        form.query_one("#f-relation", Select).value = "опекун"
        form.query_one("#f-may_receive_credentials", Select).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is gscreen
        assert (
            "Изменено: Выдавать вход в дневник: да → нет; Телефон: +7 900 000-00-01 → "
            "+7 900 000-00-99; Кем приходится: мать → опекун"
        ) in notes(app)
        assert rows(gscreen, "#guardians-table") == [
            ["Андреева Ольга", "опекун", "+7 900 000-00-99", "нельзя", "нет"]
        ]
        await pilot.press("delete")
        await pilot.pause()
        assert "Представитель Андреева Ольга и учащийся Андреев Андрей: убрать связь?" in app.screen.question
        await pilot.press("n")  # declined: still linked
        await pilot.pause()
        assert len(rows(gscreen, "#guardians-table")) == 1
        await pilot.press("delete", "enter")
        await pilot.pause()
        assert rows(gscreen, "#guardians-table") == []
    mother = Guardian.get_by_id(s.guardian_id)  # the card stays, only the link is gone
    assert (mother.phone, mother.may_receive_credentials) == ("+7 900 000-00-99", False)
    assert StudentGuardian.select().count() == 0
    assert [a.action for a in AuditEntry.select().order_by(AuditEntry.id)][-3:] == [
        "guardian.update",
        "guardian.relation",
        "guardian.unlink",
    ]


@pytest.mark.asyncio
async def test_record_a_consent_and_the_missing_list_shrinks(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        await pilot.press("ы")  # S in the Russian layout: the missing-consent list
        await pilot.pause()
        missing = app.screen
        assert isinstance(missing, MissingConsentsScreen)
        assert text(missing, "#consents-title") == "5А: без согласия на обработку ПДн — 4"
        assert rows(missing, "#consents-table") == [
            ["Андреев Андрей", "мать: Андреева Ольга", "+7 900 000-00-01"],
            ["Борисова Бэлла", "представителя нет", ""],
            ["Васильев Василий", "представителя нет", ""],
            ["Григорьева Галина", "представителя нет", ""],
        ]
        await pilot.press("enter")  # Андреев Андрей's guardians
        await pilot.pause()
        gscreen = app.screen
        assert isinstance(gscreen, GuardiansScreen)
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-who", Select).value == str(s.guardian_id)
        assert form.query_one("#f-given_on", Input).value == "28.11.2026"
        assert form.query_one("#f-document", Input).value == "заявление"
        fill(form, given_on="29.11.2026")  # tomorrow: refused on the form
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "не может быть в будущем" in text(form, "#form-status")
        fill(form, given_on="02.09.2026", document="заявление № 4")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert rows(gscreen, "#guardians-table")[0][4] == "с 02.09.2026"
        assert rows(gscreen, "#consent-table") == [["02.09.2026", "Андреева Ольга", "заявление № 4", "—"]]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is missing
        assert text(missing, "#consents-title") == "5А: без согласия на обработку ПДн — 3"
        assert [r[0] for r in rows(missing, "#consents-table")] == [
            "Борисова Бэлла",
            "Васильев Василий",
            "Григорьева Галина",
        ]
        # the pupil's own consent (an adult pupil's form): Борисова, then withdrawn today
        await pilot.press("enter", "s")
        await pilot.pause()
        assert app.screen.query_one("#f-who", Select).value == "pupil"  # no guardian to pick
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.query_one("#f-on", Input).value == "28.11.2026"
        await pilot.press("ctrl+s", "escape")
        await pilot.pause()
        assert text(missing, "#consents-title") == "5А: без согласия на обработку ПДн — 3"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert [r[3] for r in rows(screen)] == ["", "нет", "нет", "нет"]
    consents = [
        (c.student_id, c.guardian_id, c.given_on, c.document, c.withdrawn_on)
        for c in Consent.select().order_by(Consent.id)
    ]
    assert consents == [
        (s.pupils[0], s.guardian_id, dt.date(2026, 9, 2), "заявление № 4", None),
        (s.pupils[1], None, dt.date(2026, 11, 28), "заявление", dt.date(2026, 11, 28)),
    ]


@pytest.mark.asyncio
async def test_monthly_check_clears_the_overdue_flag(small_sqlite, fixed_today):
    s = small_sqlite
    roster.verify_student(s.homeroom, s.pupils[0], dt.date(2026, 10, 28))  # 31 days ago
    roster.verify_student(s.homeroom, s.pupils[1], dt.date(2026, 10, 29))  # 30 days ago
    guardians.record_consent(s.homeroom, s.pupils[0], "02.09.2026", "заявление", s.guardian_id)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        assert [r[6] for r in rows(screen)] == ["! 28.10", "29.10", "! нет", "! нет"]
        assert "проверить: 3" in text(screen, "#roster-summary")
        await pilot.press("м")  # V in the Russian layout: verified today
        await pilot.pause()
        assert [r[6] for r in rows(screen)] == ["28.11", "29.10", "! нет", "! нет"]
        assert "проверить: 2" in text(screen, "#roster-summary")
        # the filter: "/" and a few letters, Esc clears it
        await pilot.press("slash", *"гал")
        await pilot.pause()
        assert [r[1] for r in rows(screen)] == ["Григорьева Галина"]
        await pilot.press("enter", "v")  # back to the list, verify her
        await pilot.pause()
        assert rows(screen)[0][6] == "28.11"
        await pilot.press("escape")  # clears the filter, stays
        await pilot.pause()
        assert app.screen is screen and len(rows(screen)) == 4
        await pilot.press("o")  # those missing something first: Андреев lacks nothing now
        await pilot.pause()
        assert [r[1] for r in rows(screen)] == [
            "Борисова Бэлла",
            "Васильев Василий",
            "Григорьева Галина",
            "Андреев Андрей",
        ]
    assert Student.get_by_id(s.pupils[0]).verified_on == fixed_today
    assert Guardian.get_by_id(s.guardian_id).verified_on == fixed_today
    audit = list(AuditEntry.select().where(AuditEntry.action == "student.verify"))
    assert [(a.entity_id, a.user_id) for a in audit[-2:]] == [
        (s.pupils[0], s.homeroom.user_id),
        (s.pupils[3], s.homeroom.user_id),
    ]


@pytest.mark.asyncio
async def test_admin_switches_classes_and_a_teacher_without_a_class_sees_why(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s, "admin")
        assert "Список класса 5А" in text(screen, "#roster-title")
        await pilot.press("с")  # Cyrillic "с": the next class
        await pilot.pause()
        assert "Список класса 5Б" in text(screen, "#roster-title")
        assert [r[1] for r in rows(screen)] == ["Дмитриев Дмитрий"]
        await pilot.press("escape")
        await pilot.pause()
        screen = await open_roster(app, pilot, s, "petrov")
        assert text(screen, "#roster-title") == "У вас нет класса, где вы классный руководитель."
        await pilot.press("insert", "v", "g")  # nothing to act on: nothing happens
        await pilot.pause()
        assert app.screen is screen
    assert Student.select().count() == 5


@pytest.mark.asyncio
async def test_a_departure_dated_before_marks_says_what_becomes_of_them(small_sqlite):
    """Issue 15, point 16: the confirmation names the marks and absences after the date."""
    s = small_sqlite
    late = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 25)).id
    entries.set_mark(s.teacher, late, s.pupils[2], "4")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        await pilot.press("down", "down", "d")  # Васильев Василий leaves …
        await pilot.pause()
        fill(app.screen, on="20.11.2026", left_to="школа № 5")  # … dated before his mark of 25.11
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.question
        assert "после 20.11.2026 у учащегося в этом классе отметок 1, пропусков 0" in question
        assert "станут «·»" in question
        await pilot.press("escape")  # «no»: nothing written
        await pilot.pause()
        assert rows(screen)[2][2] == "учится"  # still in the class


@pytest.mark.asyncio
async def test_a_pupil_moves_to_another_school_and_is_enrolled_there(small):
    """M on the roster: the pupil goes to the district's other school with the period's marks;
    there P lists the arrival and Enter enrols them into the class (PostgreSQL)."""
    from models.core import db as dbmod
    from models.core import tenancy
    from tests.factory import build_small_school
    from tui.screens.arrivals import ArrivalsScreen

    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    s = small
    first = tenancy.current()
    lesson = entries.add_lesson(s.teacher, s.math_a, BEFORE).id
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    second = build_small_school("Школа № 2", suffix="2")
    tenancy.enter(first)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(app, pilot, s)
        await pilot.press("m")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        fill(form, on="25.11.2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "«Школа № 2» с 25.11.2026" in app.screen.question
        await pilot.press("enter")
        await pilot.pause()
        assert rows(screen)[0][2].startswith("выбыл")
        assert any("передано в новую школу: 1" in m for m in notes(app))
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, "ivanova2", second.passwords["ivanova2"], RosterScreen)
        assert tenancy.current() == second.admin.school_id
        await pilot.press("p")
        await pilot.pause()
        arrivals = app.screen
        assert isinstance(arrivals, ArrivalsScreen)
        assert table_rows(arrivals, "#arrivals")[0][:5] == [
            "Андреев Андрей",
            "Тестовая школа",
            "5А",
            "24.11.2026",
            "1",
        ]
        await pilot.press("enter")
        await pilot.pause()
        fill(app.screen, on="25.11.2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert table_rows(arrivals, "#arrivals")[0][5] == "25.11.2026"
        await pilot.press("escape")
        await pilot.pause()
        assert "Андреев Андрей" in [row[1] for row in rows(screen)]
    tenancy.enter(first)
