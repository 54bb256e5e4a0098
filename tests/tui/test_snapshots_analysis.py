"""SVG snapshots at 80×24 of the analysis screen (results, at-risk and control views) and of
the homeroom teacher's home with its duties, on the hand-worked class of test_analysis.

Update after an intended change: pytest tests/tui/test_snapshots_analysis.py --snapshot-update
"""

from __future__ import annotations

from models.people import accounts
from tests.models.test_analysis import plant
from tui.app import JournalApp
from tui.screens.analysis import AnalysisScreen

SIZE = (80, 24)


def _analysis_app(s, *keys: str):
    plant(s)
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def opened(pilot) -> None:
        app.land(result)
        await pilot.pause()
        app.push_screen(AnalysisScreen(result.actor))
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()

    return app, opened


def test_analysis_results(snap_compare, small_sqlite):
    app, run_before = _analysis_app(small_sqlite)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_analysis_at_risk(snap_compare, small_sqlite):
    app, run_before = _analysis_app(small_sqlite, "3")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_analysis_control_of_teachers(snap_compare, small_sqlite):
    app, run_before = _analysis_app(small_sqlite, "5")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_home_with_duties(snap_compare, small_sqlite):
    s = small_sqlite
    plant(s)
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def logged_in(pilot) -> None:
        app.land(result)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=logged_in)
