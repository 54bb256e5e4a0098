"""The duties dashboard (models/reports/duties.py): the counts of DOMAIN.md's obligations table for a
homeroom teacher and a subject teacher. Today is Sat 28 Nov 2026; the previous school day is
Fri 27 Nov; the 1st quarter ended on 25 Oct; entries are due 3 days after a lesson."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import PermissionDenied, ValidationError
from models.journal import entries
from models.people import guardians, roster
from models.reports import analysis
from models.reports.duties import dashboard
from models.school.calendar import current_year_id, list_periods
from models.school.timetable import add_timetable_entry
from tests.factory import SmallSchool


def counts(board) -> dict[tuple[str, str], int]:
    return {(d.kind, d.class_name): d.count for d in board.duties}


def plant(s: SmallSchool) -> None:
    p0 = s.pupils[0]
    entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 27))  # nothing entered
    entries.add_lesson(s.homeroom, s.russian_a, dt.date(2026, 11, 27), topic="Причастие")
    old = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 16)).id  # no topic
    entries.set_absence(s.teacher, old, p0, "н")  # 12 days ago, not excused; no mark
    add_timetable_entry(s.admin, s.math_a, 6, 2, dt.date(2026, 9, 1))  # Saturdays, 2nd
    # the other courses on Tuesdays all year: taught in the 1st quarter, so its final marks are due
    for number, course in enumerate((s.russian_a, s.math_b, s.english_a1, s.english_a2), start=1):
        add_timetable_entry(s.admin, course, 2, number, dt.date(2026, 9, 1))


def test_a_homeroom_teachers_duties(small):
    s = small
    plant(s)
    board = dashboard(s.homeroom)
    assert counts(board) == {
        ("entries", "5А"): 1,  # the math lesson of Friday
        ("excuses", "5А"): 1,  # the н of 16 Nov
        ("verify", "5А"): 4,  # nobody's card checked yet
        ("consents", "5А"): 5,  # 4 pupils and Андреев's mother
        ("credentials", "5А"): 3,  # Андреев and his mother have logins
        ("subgroups", "5А"): 0,  # everyone is in an English group
        # 1 Sep – 24 Nov: no final marks of the 1st quarter in any course; math's 16 Nov
        # lesson has neither a mark nor a topic
        ("teachers", "5А"): 4,
        ("analysis", "5А"): 1,  # the 1st quarter's report not exported
        # paper duplicates for everyone (the default policy): this week's extracts, the 1st
        # quarter's report cards
        ("paper_week", "5А"): 4,
        ("paper_term", "5А"): 4,
        # her own Russian: the 1st quarter's final marks of 4 pupils
        ("own_not_closed", ""): 0,  # no lesson of hers today
        ("own_no_marks", ""): 0,
        ("own_no_topic", ""): 0,
        ("own_finals", ""): 4,
    }
    consents = next(d for d in board.duties if d.kind == "consents")
    assert (consents.pupils, consents.guardians, consents.section) == (4, 1, "roster")
    assert next(d for d in board.duties if d.kind == "analysis").period == "1 четверть"
    assert board.lessons_today == ()  # she has no lesson on Saturdays


def test_duties_go_when_done(small_sqlite):
    s = small_sqlite
    plant(s)
    p0, p1 = s.pupils[:2]
    roster.verify_student(s.homeroom, p0, dt.date(2026, 11, 20))
    roster.verify_student(s.homeroom, p1, dt.date(2026, 10, 1))  # 58 days ago: overdue again
    guardians.record_consent(s.homeroom, p0, dt.date(2026, 9, 2), guardian_id=s.guardian_id)
    analysis.record_report_export(s.homeroom, s.class_a, f"P{s.q1}", "/tmp/5А-1.xlsx")
    newcomer = roster.add_student(
        s.homeroom, s.class_a, {"surname": "Ежов", "first_name": "Егор"}, dt.date(2026, 11, 20)
    ).id
    board = counts(dashboard(s.homeroom))
    assert board[("verify", "5А")] == 3 + 1  # p1, p2, p3 and the newcomer
    assert board[("consents", "5А")] == 3 + 1  # the mother's consent covers her and Андреев
    assert board[("credentials", "5А")] == 4
    assert board[("subgroups", "5А")] == 1  # the newcomer is in no English group
    assert board[("analysis", "5А")] == 0
    assert newcomer


def test_a_subject_teachers_duties_and_lessons_today(small_sqlite):
    s = small_sqlite
    plant(s)
    board = dashboard(s.teacher)
    assert counts(board) == {
        ("own_not_closed", ""): 1,  # today's 2nd lesson, not even in the journal yet
        ("own_no_marks", ""): 1,  # 16 Nov
        ("own_no_topic", ""): 1,
        ("own_finals", ""): 4 + 1 + 2,  # 1st quarter: math 5А, math 5Б, English group 2
    }
    assert [(t.number, t.class_name, t.subject, t.held) for t in board.lessons_today] == [
        (2, "5А", "Математика", False)
    ]
    today = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 28), 2, topic="Задачи").id
    assert dashboard(s.teacher).lessons_today[0].held
    assert counts(dashboard(s.teacher))[("own_not_closed", "")] == 1  # held, not closed
    entries.update_lesson(s.teacher, today, no_homework=True, attendance_taken=True)
    assert dashboard(s.teacher).lessons_today[0].closed
    assert counts(dashboard(s.teacher))[("own_not_closed", "")] == 0
    assert all(d.section == "journal" for d in board.duties)


def test_admin_and_readers(small_sqlite):
    s = small_sqlite
    assert dashboard(s.admin).duties == ()
    for reader in (s.student, s.guardian):
        with pytest.raises(PermissionDenied):
            dashboard(reader)


def test_the_admin_s_set_up_steps_count_what_the_year_has(small_sqlite):
    """Issue 15, point 17: the factory's school has its frame but no timetable nor lessons."""
    s = small_sqlite
    board = dashboard(s.admin)
    steps = {step.kind: step.count for step in board.setup}
    assert list(steps) == ["year", "classes", "subjects", "staff", "load", "timetable", "lessons"]
    assert steps == {
        "year": len(list_periods(current_year_id())),
        "classes": 2,  # 5А, 5Б
        "subjects": 3,  # maths, Russian, English
        "staff": 3,  # Петров, Иванова, the English teacher of group 1
        "load": 5,  # maths in both, Russian, English in two groups
        "timetable": 0,
        "lessons": 0,
    }
    assert board.setup_pending and board.duties == ()
    add_timetable_entry(s.admin, s.math_a, 1, 1, dt.date(2026, 9, 1))
    entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 23))
    board = dashboard(s.admin)
    assert not board.setup_pending and all(step.done for step in board.setup)
    assert dashboard(s.homeroom).setup == ()  # the checklist is the administrator's alone


def test_paper_duties_follow_the_schools_policy_and_go_when_exported(small_sqlite, tmp_path):
    """R23: «без согласия» — only Васильев, Григорьева and Борисова have no consent in force
    once Андреев's mother gave hers (for him and herself); «нет» — no paper duties. A class
    extract this week and the 1st quarter's report cards of the paper pupils end them."""
    from exports.run import export
    from models.school.identity import update_setting

    s = small_sqlite
    guardians.record_consent(s.homeroom, s.pupils[0], dt.date(2026, 9, 2), guardian_id=s.guardian_id)
    update_setting(s.admin, "paper_policy", "без согласия")
    board = counts(dashboard(s.homeroom))
    assert (board[("paper_week", "5А")], board[("paper_term", "5А")]) == (3, 3)
    (path,) = export(
        s.homeroom, "report-card", class_name="5А", period="1", pupil="paper", out=f"{tmp_path}/"
    )
    assert path.exists()
    board = counts(dashboard(s.homeroom))
    assert (board[("paper_week", "5А")], board[("paper_term", "5А")]) == (3, 0)
    export(s.homeroom, "diary", class_name="5А", pupil="бумажные", out=f"{tmp_path}/")
    assert counts(dashboard(s.homeroom))[("paper_week", "5А")] == 0
    update_setting(s.admin, "paper_policy", "нет")
    clock_board = counts(dashboard(s.homeroom))
    assert (clock_board[("paper_week", "5А")], clock_board[("paper_term", "5А")]) == (0, 0)
    with pytest.raises(ValidationError, match="выгружать некому"):
        export(s.homeroom, "diary", class_name="5А", pupil="paper", out=f"{tmp_path}/")
