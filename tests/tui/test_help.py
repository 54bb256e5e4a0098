"""F1 on every screen (issue 15, point 4): a Russian help screen with the screen's duty and
every key it answers to; the palette and Textual's own commands in Russian; F1 at the
footer's right edge whatever else the footer has room for."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Footer, Static

from models.people import accounts
from tests.shared import open_as
from tui.app import JournalApp
from tui.help import TEXTS, HelpScreen
from tui.registry import SECTIONS
from tui.screens.diary import DiaryScreen

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
        for words in ("←", "Неделя назад", "Урок полностью", "Скачать неделю", "Табель", "m / ь"):
            assert words in text


async def test_the_footer_ends_with_f1_and_the_palette_is_russian(small_sqlite):
    s = small_sqlite
    from tui.screens.journalgrid import CoursePickerScreen

    app = JournalApp(source="")
    async with app.run_test(size=SIZE) as pilot:
        await open_as(app, pilot, "ivanova", s.passwords["ivanova"], CoursePickerScreen)
        footer = app.screen.query_one(Footer)
        docked = [k for k in footer.query("FooterKey") if k.has_class("-command-palette")]
        assert [(k.key_display, k.description) for k in docked] == [("F1", "Справка")]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one("CommandInput").placeholder == "Найти раздел или команду…"
        titles = [c.title for c in app.get_system_commands(app.screen_stack[-2])]
        assert titles[:3] == ["Справка", "Оформление", "Выход"]
        assert all(not t.isascii() for t in titles)
