"""Parents' activity (models/reports/activity.py) from diary views recorded on given days.

Today is Sat 28 Nov 2026: the last 7 days are 22–28 Nov, the last 30 days 30 Oct – 28 Nov.
"""

from __future__ import annotations

import datetime as dt

import pytest

from models.core import clock
from models.core.access import actor_of
from models.core.errors import PermissionDenied
from models.core.schema import DiaryView, User
from models.people import accounts, guardians, roster
from models.reports import diary
from models.reports.activity import class_activity

TODAY = dt.date(2026, 11, 28)


def viewed(reader, student_id: int, *days: dt.date) -> None:
    """The reader opens the child's diary on each of these days (the clock moved there)."""
    try:
        for day in days:
            clock.freeze(day)
            diary.record_view(reader, student_id, "open")
    finally:
        clock.freeze(TODAY)


def test_views_last_days_and_the_silent_first(small):
    s = small
    p0, p1, p2, p3 = s.pupils
    father = guardians.add_guardian(s.homeroom, p1, {"surname": "Борисов", "first_name": "Борис"}, "отец")
    issued = accounts.issue_credentials(s.homeroom, guardian_id=father.id)
    father_actor = actor_of(User.get_by_id(issued.user_id))
    guardians.add_guardian(s.homeroom, p2, {"surname": "Васильева", "first_name": "Вера"}, "мать")
    # the mother of Андреев: twice today, on the 25th and on the 10th of November
    viewed(s.guardian, p0, TODAY, TODAY, dt.date(2026, 11, 25), dt.date(2026, 11, 10))
    viewed(father_actor, p1, dt.date(2026, 10, 1))  # long ago
    viewed(s.student, p0, TODAY)  # the pupil's own view is not the parents'
    diary.record_view(s.homeroom, p0, "open")  # staff reading is not recorded at all
    assert DiaryView.select().count() == 6

    act = class_activity(s.homeroom, s.class_a)
    assert [p.name for p in act.pupils] == [
        "Васильев Василий",  # a guardian without a login, never looked
        "Григорьева Галина",  # no guardian at all
        "Борисова Бэлла",  # looked on 1 Oct only: silent for 30 days
        "Андреев Андрей",
    ]
    andreev = act.pupils[-1]
    assert (andreev.days_7, andreev.days_30) == (2, 3)  # 28 and 25 | 28, 25 and 10 Nov
    assert (andreev.views_7, andreev.views_30) == (3, 4)  # twice today counts twice
    assert andreev.last_view.date() == TODAY and andreev.active
    mother = andreev.guardians[0]
    assert mother.has_login and mother.relation == "мать" and (mother.days_7, mother.days_30) == (2, 3)
    borisova = act.pupils[2]
    assert borisova.last_view.date() == dt.date(2026, 10, 1) and not borisova.active
    assert not borisova.never and [g.name for g in borisova.with_login] == ["Борисов Борис"]
    vasiliev = act.pupils[0]
    assert vasiliev.never and vasiliev.with_login == () and len(vasiliev.guardians) == 1
    assert act.pupils[1].guardians == ()
    assert (act.active, act.never, act.share_active) == (1, 2, 25)


def test_pupils_who_left_are_not_counted(small_sqlite):
    s = small_sqlite
    roster.leave_student(s.homeroom, s.pupils[3], dt.date(2026, 11, 20))
    act = class_activity(s.homeroom, s.class_a)
    assert len(act.pupils) == 3 and act.share_active == 0


def test_pupils_and_guardians_are_refused(small_sqlite):
    s = small_sqlite
    for reader in (s.student, s.guardian):
        with pytest.raises(PermissionDenied):
            class_activity(reader, s.class_a)


def test_views_per_family_and_the_weeks_acknowledged(small):
    """A family of two: the mother looks 10 times today, the father once on 25 Nov — the
    family counts 11 views on 2 days; each a figure of their own. The mother acknowledges the
    week of 23 Nov (twice: the first time stays); the homeroom teacher sees that Monday."""
    s = small
    p0 = s.pupils[0]
    father = guardians.add_guardian(s.homeroom, p0, {"surname": "Андреев", "first_name": "Пётр"}, "отец")
    issued = accounts.issue_credentials(s.homeroom, guardian_id=father.id)
    father_actor = actor_of(User.get_by_id(issued.user_id))
    viewed(s.guardian, p0, *[TODAY] * 10)
    viewed(father_actor, p0, dt.date(2026, 11, 25))
    monday = dt.date(2026, 11, 23)
    assert class_activity(s.homeroom, s.class_a).pupils[-1].acknowledged is None
    first = diary.acknowledge_week(s.guardian, p0, dt.date(2026, 11, 26))  # any day of the week
    assert diary.acknowledge_week(s.guardian, p0, monday) == first
    assert diary.week_acknowledged(s.student, p0, monday) == first
    andreev = next(p for p in class_activity(s.homeroom, s.class_a).pupils if p.student_id == p0)
    assert (andreev.views_7, andreev.days_7, andreev.views_30) == (11, 2, 11)
    views = {g.relation: (g.views_7, g.days_7) for g in andreev.guardians}
    assert views == {"мать": (10, 1), "отец": (1, 1)}
    assert andreev.acknowledged == monday


def test_only_a_guardian_acknowledges_their_childs_begun_week(small):
    from models.core.errors import ValidationError

    s = small
    with pytest.raises(ValidationError):
        diary.acknowledge_week(s.student, s.pupils[0], TODAY)  # the pupil: no
    with pytest.raises(PermissionDenied):
        diary.acknowledge_week(s.guardian, s.pupils[1], TODAY)  # another family's child
    with pytest.raises(ValidationError):
        diary.acknowledge_week(s.guardian, s.pupils[0], TODAY + dt.timedelta(days=7))  # ahead
    with pytest.raises(ValidationError):
        diary.acknowledge_week(s.homeroom, s.pupils[0], TODAY)  # staff: not theirs to say
