"""Pilot workflow of the district's administrator (issue 20): log in on a district's login
screen, add a school with its administrator, read the district's report period by period,
write it to a file; the new school's administrator then logs in into their own school."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from models.core import db as dbmod
from models.core import tenancy
from models.core.access import SYSTEM
from models.school.district import create_district_admin
from tests.tui.test_app_login import SIZE, log_in, settle
from tui.app import JournalApp
from tui.screens.district import DistrictReportScreen, DistrictScreen
from tui.screens.login import ChangePasswordScreen
from tui.widgets.dialogs import FormDialog, SecretDialog


@pytest.mark.asyncio
async def test_the_district_adds_a_school_and_reads_its_report(small, tmp_path, monkeypatch):
    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(tmp_path))
    create_district_admin(SYSTEM, "rono", "rono-pass-2026")
    first = tenancy.current()
    app = JournalApp(source="10.0.0.5")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "rono", "rono-pass-2026")
        assert isinstance(app.screen, DistrictScreen)
        assert tenancy.current_or_none() is None  # the district's session works in no school
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("insert")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-name", Input).value = "Школа № 2"
        form.query_one("#f-admin", Input).value = "admin2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SecretDialog) and dialog.login == "admin2"
        password = dialog.password
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 2
        await pilot.press("o")
        await settle(app, pilot)
        report = app.screen
        assert isinstance(report, DistrictReportScreen) and report.report is not None
        # the small school's 5th grade and its total, the new school's total, the district's
        assert report.query_one(DataTable).row_count == 5
        await pilot.press("2")
        await settle(app, pilot)
        assert report.report.period_number == 2
        await pilot.press("e")
        await settle(app, pilot)
        written = list(Path(tmp_path).rglob("Отчёт_района_2-й_период.xlsx"))
        assert len(written) == 1
    app = JournalApp(source="10.0.0.6")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "admin2", password)
        assert isinstance(app.screen, ChangePasswordScreen)
        assert tenancy.current() not in (None, first)  # the new school's admin is in the new school
    tenancy.enter(first)


@pytest.mark.asyncio
async def test_r_asks_which_administrator_when_a_school_has_several(small, monkeypatch):
    """R on a school with two administrators: a drop-down of their logins, then the question,
    then the new one-time password of the one chosen (not simply the first)."""
    from textual.widgets import Select

    from models.people import accounts
    from tui.widgets.dialogs import ConfirmDialog

    if dbmod.is_sqlite():
        pytest.skip("a district runs on PostgreSQL")
    accounts.create_staff_user(small.admin, "zavuch", "admin", "Завучева", "Ольга", password="zavuch-pass-26")
    create_district_admin(SYSTEM, "rono", "rono-pass-2026")
    app = JournalApp(source="10.0.0.7")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, "rono", "rono-pass-2026")
        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormDialog)
        select = form.query_one("#f-login", Select)
        assert [value for _label, value in select._options if value] == sorted(["admin", "zavuch"])
        select.value = "zavuch"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SecretDialog) and dialog.login == "zavuch"
    assert accounts.authenticate("zavuch", dialog.password).must_change_password
