"""SVG snapshot of the homeroom teacher's class list at 80×24, with fixed data and a fixed day.

Update after an intended change of the screen:
pytest tests/tui/test_snapshots_roster.py --snapshot-update
"""

from __future__ import annotations

import datetime as dt

from models.people import accounts, guardians, roster
from tui.app import JournalApp

SIZE = (80, 24)


def test_roster_of_a_homeroom_teacher(snap_compare, small_sqlite):
    s = small_sqlite
    hr = s.homeroom
    guardians.record_consent(hr, s.pupils[0], "02.09.2026", "заявление", s.guardian_id)
    roster.verify_student(hr, s.pupils[0], dt.date(2026, 11, 20))
    roster.verify_student(hr, s.pupils[1], dt.date(2026, 10, 28))  # 31 days: overdue
    roster.leave_student(hr, s.pupils[2], "20.11.2026", "школа № 5")
    roster.transfer_student(hr, s.pupils[3], s.class_b, "16.11.2026")
    new = roster.add_student(
        hr, s.class_a, {"surname": "Ёлкина", "first_name": "Ева"}, "16.11.2026", "школа № 3"
    )
    guardians.add_guardian(hr, new.id, {"surname": "Ёлкин", "first_name": "Егор"}, "отец")
    result = accounts.authenticate("ivanova", s.passwords["ivanova"])
    app = JournalApp(source="")

    async def open_roster(pilot) -> None:
        from tui.screens.roster import RosterScreen

        app.land(result)
        await pilot.pause()
        app.push_screen(RosterScreen(result.actor))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_roster)
