"""F9 on the screens that have something to export opens the export, preset for that place;
the missing-consent list is written as a spreadsheet (R4, issue: exports)."""

from __future__ import annotations

import datetime as dt
import stat

import openpyxl

from models.core.schema import AuditEntry
from models.journal import entries
from models.people import accounts
from tests.factory import past_lesson
from tests.shared import course_choice
from tui.app import JournalApp
from tui.screens.exports import ExportScreen
from tui.screens.journalgrid import GridScreen
from tui.screens.roster import MissingConsentsScreen, RosterScreen


async def test_f9_on_the_grid_opens_the_course_export(small_sqlite):
    s = small_sqlite
    entries.set_mark(s.teacher, past_lesson(s, day=dt.date(2026, 11, 23)), s.pupils[0], "5")
    result = accounts.authenticate("petrov", s.passwords["petrov"])
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        app.land(result)
        await pilot.pause()
        choice = course_choice(result.actor, s.year_id, s.math_a)
        app.push_screen(GridScreen(result.actor, choice, s.q2))
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert app.screen.preset == ("course", s.class_a, "Математика")


async def test_missing_consents_are_exported_to_a_private_file(small_sqlite, tmp_path, monkeypatch):
    s = small_sqlite
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(tmp_path))
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        app.land(result)
        await pilot.pause()
        app.push_screen(RosterScreen(result.actor))
        await pilot.pause()
        await pilot.press("s")  # the missing-consent list
        await pilot.pause()
        assert isinstance(app.screen, MissingConsentsScreen)
        missing = len(app.screen.items)
        await pilot.press("f9")
        await pilot.pause()
    [path] = list(tmp_path.glob("user-*/Согласия_5А_*.xlsx"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "Нет согласия на обработку ПДн, 5А"  # a title, the date, the table
    assert rows[2][1] == "Учащийся"
    rows = rows[2:]
    names = {row[1] for row in rows[1:]}
    assert len(names) == missing == 4  # no pupil of the test school has a consent yet
    assert "Андреев Андрей" in names
    mother = next(row for row in rows[1:] if row[1] == "Андреев Андрей")
    assert mother[3] == "Андреева Ольга" and mother[4] == "мать" and mother[5] == "+7 900 000-00-01"
    entry = AuditEntry.get(AuditEntry.action == "export.missing_consents")
    assert entry.user_id == result.actor.user_id and str(path) in entry.new
