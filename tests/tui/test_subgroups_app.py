"""Pilot workflows of the subgroups screen (R15): keys 1–4 and 0, copying the previous
period's split, splitting evenly, the confirmation once marks exist, a new split of a subject,
and a snapshot at 80×24."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from models.core.schema import Mark
from models.journal import entries, subgroups
from models.journal.grid import load_grid
from models.people import accounts, guardians, roster
from tests.factory import SmallSchool
from tests.shared import notifications as notes
from tests.shared import open_as, table_rows
from tui.app import JournalApp
from tui.screens.subgroups import SubgroupsScreen
from tui.widgets.dialogs import ConfirmDialog, FormDialog

SIZE = (80, 24)
A, B, V, G = "Андреев Андрей", "Борисова Бэлла", "Васильев Василий", "Григорьева Галина"


async def open_subgroups(app, pilot, s: SmallSchool) -> SubgroupsScreen:
    return await open_as(app, pilot, "ivanova", s.passwords["ivanova"], SubgroupsScreen)


rows = table_rows


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def groups_of(s: SmallSchool, period_id: int, subject_id: int | None = None) -> dict[str, int | None]:
    split = subgroups.subgroup_split(s.homeroom, s.class_a, subject_id or s.english, period_id)
    return {p.name: p.group_number for p in split.pupils}


@pytest.mark.asyncio
async def test_keys_put_pupils_into_groups_and_move_down(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_subgroups(app, pilot, s)
        assert text_of(screen, "#subgroups-title") == (
            "Подгруппы 5А · Английский язык · 2 четверть (05.11–28.12)"
        )
        assert rows(screen) == [["1", A, "1", ""], ["2", B, "2", ""], ["3", V, "1", ""], ["4", G, "2", ""]]
        await pilot.press("2", "1", "0")  # Андреев → 2, Борисова → 1, Васильев out
        await pilot.pause()
        assert rows(screen) == [
            ["1", A, "2", ""],
            ["2", B, "1", ""],
            ["3", V, "—", "без группы"],
            ["4", G, "2", ""],
        ]
        assert text_of(screen, "#subgroups-groups") == (
            "1 группа (Сидорова А.): 1 · 2 группа (Петров И.О.): 2 · без группы: 1"
        )
        await pilot.press("3")  # English has two groups only
        await pilot.pause()
        assert "Подгрупп по предмету 2: группы 3 нет." in notes(app)
        assert screen.query_one(DataTable).cursor_row == 2
    assert groups_of(s, s.q2) == {A: 2, B: 1, V: None, G: 2}
    assert groups_of(s, s.q1) == {A: 1, B: 2, V: 1, G: 2}  # the other quarter is untouched
    assert [p.name for p in load_grid(s.teacher, s.english_a1, s.q2).pupils] == [B]
    assert [p.name for p in load_grid(s.teacher, s.english_a2, s.q2).pupils] == [A, G]


@pytest.mark.asyncio
async def test_copy_the_previous_period_and_split_evenly(small_sqlite):
    s = small_sqlite
    subgroups.assign_subgroup(s.homeroom, s.subgroup_ids[1], s.pupils[0], s.q2)
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_subgroups(app, pilot, s)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # the period already has a split
        await pilot.press("enter")
        await pilot.pause()
        assert [r[2] for r in rows(screen)] == ["1", "2", "1", "2"]
        assert "Деление предыдущего периода перенесено, изменений: 1." in notes(app)
        await pilot.press("e", "escape")  # asked, declined: nothing changes
        await pilot.pause()
        assert [r[2] for r in rows(screen)] == ["1", "2", "1", "2"]
        await pilot.press("у")  # the same key in the Russian layout
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert [r[2] for r in rows(screen)] == ["1", "1", "2", "2"]
        await pilot.press("left_square_bracket")  # the first quarter, as it was
        await pilot.pause()
        assert text_of(screen, "#subgroups-title").endswith("1 четверть (01.09–25.10)")
        assert [r[2] for r in rows(screen)] == ["1", "2", "1", "2"]
    assert groups_of(s, s.q2) == {A: 1, B: 1, V: 2, G: 2}
    assert groups_of(s, s.q1) == {A: 1, B: 2, V: 1, G: 2}


@pytest.mark.asyncio
async def test_marks_in_the_period_ask_once_and_stay_on_their_lessons(small_sqlite):
    s = small_sqlite
    lesson = entries.add_lesson(s.other, s.english_a1, dt.date(2026, 11, 16)).id
    entries.set_mark(s.other, lesson, s.pupils[0], "5")
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_subgroups(app, pilot, s)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "уже есть отметки" in app.screen.question
        await pilot.press("escape")
        await pilot.pause()
        assert rows(screen)[0][2] == "1"
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("enter")  # confirmed: Андреев to group 2, the cursor moves on
        await pilot.pause()
        await pilot.press("1")  # no second question for this subject and period
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert [r[2] for r in rows(screen)] == ["2", "1", "1", "2"]
    assert groups_of(s, s.q2) == {A: 2, B: 1, V: 1, G: 2}
    mark = Mark.get(Mark.student == s.pupils[0])
    assert (mark.lesson_id, mark.value) == (lesson, 5)
    assert Mark.select().count() == 1


@pytest.mark.asyncio
async def test_a_new_split_of_a_subject_from_the_screen(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_subgroups(app, pilot, s)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#f-subject").value == str(s.math)  # the first subject not split
        form.query_one("#f-count", Input).value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SubgroupsScreen)
        assert text_of(screen, "#subgroups-title").startswith("Подгруппы 5А · Математика")
        assert [r[3] for r in rows(screen)] == ["без группы"] * 4
        await pilot.press("e")  # nobody in a group yet: no question
        await pilot.pause()
        assert [r[2] for r in rows(screen)] == ["1", "1", "2", "3"]
        assert "учитель не назначен" in text_of(screen, "#subgroups-groups")
        await pilot.press("s")  # the other subject with subgroups
        await pilot.pause()
        assert "Английский язык" in text_of(screen, "#subgroups-title")
    assert groups_of(s, s.q2, s.math) == {A: 1, B: 1, V: 2, G: 3}


@pytest.mark.asyncio
async def test_a_teacher_without_a_class_sees_why(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("petrov", s.passwords["petrov"]))
        await pilot.pause()
        screen = SubgroupsScreen(s.teacher)
        app.push_screen(screen)
        await pilot.pause()
        assert text_of(screen, "#subgroups-title") == "У вас нет класса, где вы классный руководитель."
        await pilot.press("1", "e", "p")
        await pilot.pause()
    assert groups_of(s, s.q2) == {A: 1, B: 2, V: 1, G: 2}


def test_subgroups_screen_80x24(snap_compare, small_sqlite):
    s = small_sqlite
    guardians.link_guardian(s.homeroom, s.pupils[2], s.guardian_id, "мать")
    roster.add_student(
        s.homeroom, s.class_a, {"surname": "Егоров", "first_name": "Егор"}, dt.date(2026, 11, 10)
    )
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def opened(pilot) -> None:
        app.land(result)
        await pilot.pause()
        app.push_screen(SubgroupsScreen(result.actor))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=opened)


@pytest.mark.asyncio
async def test_admin_opens_a_given_class_and_switches(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        screen = SubgroupsScreen(s.admin, s.class_b)
        app.push_screen(screen)
        await pilot.pause()
        assert text_of(screen, "#subgroups-title") == "Подгруппы 5Б"
        assert text_of(screen, "#subgroups-groups").startswith("В классе нет предметов с подгруппами")
        assert rows(screen) == []
        await pilot.press("с")  # Cyrillic "с": the next class
        await pilot.pause()
        assert text_of(screen, "#subgroups-title").startswith("Подгруппы 5А · Английский язык")
        assert len(rows(screen)) == 4
