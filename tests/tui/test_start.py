"""The start of the app: the collector, off while the journal starts (journal.py), is turned
on once the first screen is drawn, with what the start made frozen out of its sweeps; an app
started with it on (the tests, a session forked by `journal serve ssh`) leaves it alone."""

from __future__ import annotations

import gc
import weakref

from tui.app import JournalApp
from tui.screens.login import LoginScreen


async def test_collection_begins_after_the_first_screen_with_the_start_frozen(small_sqlite):
    app = JournalApp(source="")
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the test process's objects go back to the collector
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


async def test_the_garbage_of_the_start_is_collected_not_frozen(small_sqlite):
    app = JournalApp(source="")
    gc.disable()
    try:
        garbage = weakref.ref(_Node())  # made while collection is off, unreachable at once
        assert garbage() is not None
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.get_freeze_count() > 0
            assert garbage() is None  # freed before the freeze, not kept for the session
    finally:
        gc.unfreeze()
        gc.enable()


async def test_an_app_started_with_collection_on_freezes_nothing(small_sqlite):
    gc.unfreeze()
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_start_that_fails_before_the_app_turns_collection_back_on(tmp_path, capsys):
    import journal

    assert journal.main(["--db", str(tmp_path / "нет.sqlite")]) == journal.EXIT_FAIL
    assert "Базы данных" in capsys.readouterr().err
    assert gc.isenabled()
