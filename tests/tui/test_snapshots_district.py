"""SVG snapshots of the district's screens at 80×24 (issue 20), over the small school with
fixed final marks and a fixed day: the schools and the report as the command line's system
actor sees them (an SQLite file is a district of one school).

Update after an intended change of the screen:
pytest tests/tui/test_snapshots_district.py --snapshot-update
"""

from __future__ import annotations

from models.core.access import SYSTEM
from models.journal import entries
from tui.app import JournalApp

SIZE = (80, 24)


def _finals(s) -> None:
    for pupil, value in zip(s.pupils, "5432", strict=True):
        entries.set_final_mark(s.admin, s.math_a, pupil, s.q1, value)


def test_the_districts_schools(snap_compare, small_sqlite):
    app = JournalApp(source="")

    async def open_schools(pilot) -> None:
        from tui.screens.district import DistrictScreen

        app.push_screen(DistrictScreen(SYSTEM))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_schools)


def test_the_districts_report(snap_compare, small_sqlite):
    _finals(small_sqlite)
    app = JournalApp(source="")

    async def open_report(pilot) -> None:
        from tui.screens.district import DistrictReportScreen

        app.push_screen(DistrictReportScreen(SYSTEM))
        await pilot.pause()
        await pilot.press("1")
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_report)
