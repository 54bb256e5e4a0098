"""F1 on every screen (issue 15, point 4): a Russian help screen with the screen's duty and
every key it answers to; the palette and Textual's own commands in Russian; F1 at the
footer's right edge whatever else the footer has room for."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Static

from models.people import accounts
from tests.shared import open_as
from tui.app import JournalApp
from tui.help import TEXTS, HelpScreen
from tui.registry import SECTIONS
from tui.screens.diary import DiaryScreen
from tui.widgets.footer import KeysFooter

SIZE = (80, 24)


def help_of(app) -> str:
    assert isinstance(app.screen, HelpScreen)
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def press_f1(pilot, app) -> str:
    await pilot.press("f1")
    await pilot.pause()
    return help_of(app)


@pytest.mark.parametrize("section", sorted(SECTIONS))
async def test_f1_on_every_section_says_what_it_is_for_and_lists_its_keys(small_sqlite, section):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=(100, 40)) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        app.action_open(section)
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ in TEXTS, f"{type(screen).__name__} has no help text"
        own = {
            b.description for _k, (_n, b, on, _t) in screen.active_bindings.items() if on and b.description
        }
        text = await press_f1(pilot, app)
        assert (
            TEXTS[type(screen).__name__] in text.replace("\n", " ")
            or TEXTS[type(screen).__name__][:40] in text
        )
        keys = str(app.screen.query_one("#help-keys", Static).render())
        for description in own - {"palette"}:
            if not description.isascii():
                assert description in keys, f"{section}: «{description}» missing from F1"
        assert "Focus Next" not in keys and "Copy selected text" not in keys  # Textual's, in Russian
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_f1_in_the_diary_the_login_and_again_to_close(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        text = await press_f1(pilot, app)
        assert "Вход в журнал" in text
        await pilot.press("f1")  # F1 again closes
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        app.land(accounts.authenticate(s.guardian.login, s.passwords[s.guardian.login]))
        await pilot.pause()
        assert isinstance(app.screen, DiaryScreen)
        text = await press_f1(pilot, app)
        for words in ("←", "Неделя назад", "Урок полностью", "Скачать неделю", "Табель", "M / Ь"):
            assert words in text


async def test_the_footer_ends_with_f1_and_the_palette_is_russian(small_sqlite):
    s = small_sqlite
    from tui.screens.journalgrid import CoursePickerScreen

    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "ivanova", s.passwords["ivanova"], CoursePickerScreen)
        footer = app.screen.query_one(KeysFooter)
        docked = [p.key for p in footer.placed() if p.docked]
        assert [(k.display, k.description) for k in docked] == [("F1", "Справка")]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one("CommandInput").placeholder == "Найти раздел или команду…"
        titles = [c.title for c in app.get_system_commands(app.screen_stack[-2])]
        assert titles[:3] == ["Справка", "Оформление", "Выход"]
        assert all(not t.isascii() for t in titles)


def keys_not_seen(screen, width: int = SIZE[0]) -> list[str]:
    """The footer keys of `screen` that are cut off or hidden under the docked «F1 Справка»."""
    footer = screen.query_one(KeysFooter)
    placed = footer.placed()
    docked = next(p.region for p in placed if p.docked)
    assert docked.right < width  # «F1 Справка» ends the footer (a column after it)
    return [
        p.key.description
        for p in placed
        if not p.docked and (p.region.right > width or p.region.right > docked.x)
    ]


def shown(screen) -> list[str]:
    return list(
        dict.fromkeys(b.description for _k, (_n, b, on, _t) in screen.active_bindings.items() if b.show)
    )


@pytest.mark.parametrize("section", sorted(SECTIONS))
async def test_no_key_is_cut_off_the_footer_at_80_columns(small_sqlite, section):
    """Point 5: every key a screen shows fits at 80 columns (on a second line where one line
    cannot hold them), and «F1 Справка» ends the footer."""
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        app.action_open(section)
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert shown(screen), section
        assert keys_not_seen(screen) == [], section
        assert "Выход" not in shown(screen)  # Ctrl+Q still works; the room is the screen's
        footer = screen.query_one(KeysFooter)
        lines = {p.region.y for p in footer.placed()}
        assert len(lines) == footer.region.height <= (3 if section == "roster" else 2)


async def test_the_grid_s_footer_holds_its_keys_and_follows_a_resize(small_sqlite):
    from tests.tui.test_grid_app import open_grid

    s = small_sqlite
    app, pilot, screen, context, _ = await open_grid(s, "petrov", s.math_a)
    try:
        for key in ("Ins", "F4", "F6", "F9"):
            assert key.lower() in [p.key.display.lower() for p in screen.query_one(KeysFooter).placed()]
        assert keys_not_seen(screen) == [] and screen.query_one(KeysFooter).region.height == 2
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.pause()
        assert keys_not_seen(screen, 60) == []
        assert screen.query_one(KeysFooter).region.height == 3
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one(KeysFooter).region.height == 2 and keys_not_seen(screen, 120) == []
    finally:
        await context.__aexit__(None, None, None)


async def test_quit_is_shown_where_a_session_starts_and_ends(small_sqlite):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        assert "Выход" in shown(app.screen)  # the login
        app.land(accounts.authenticate("ivanova", s.passwords["ivanova"]))
        await pilot.pause()
        assert "Выход" in shown(app.screen) and keys_not_seen(app.screen) == []  # home
        await pilot.press("k")
        await pilot.pause()
        assert "Выход" not in shown(app.screen)
        await pilot.press("ctrl+q")  # … but Ctrl+Q still ends the session from any screen
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


@pytest.mark.parametrize("tab", ["1", "2", "3", "4", "5", "6"])
async def test_every_set_up_tab_s_keys_fit_80_columns(small_sqlite, tab):
    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        app.land(accounts.authenticate("admin", s.passwords["admin"]))
        await pilot.pause()
        app.action_open("setup")
        await pilot.pause()
        await pilot.press(tab)
        await pilot.pause()
        await pilot.pause()
        assert shown(app.screen) and keys_not_seen(app.screen) == [], tab


async def test_the_excuse_pass_s_keys_fit_80_columns(small_sqlite):
    from tui.screens.attendance import AttendanceScreen

    s = small_sqlite
    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_as(app, pilot, "admin", s.passwords["admin"], AttendanceScreen)
        await pilot.press("w")
        await pilot.pause()
        await pilot.pause()
        assert {"Болел", "Уважит.", "Б/У за дни", "Другой класс"} <= set(shown(screen))
        assert keys_not_seen(screen) == []
