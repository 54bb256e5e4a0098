"""Writing the journal with values worked by hand (R12, R13, R14): lessons, marks, absences,
undo, the weekly excuse pass, final marks; each write's audit entry (who, action, old → new);
and the grid of a course read back in a fixed, small number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models.core.db import database
from models.core.errors import NotFound, PermissionDenied, ValidationError
from models.core.schema import Absence, AuditEntry, FinalMark, Lesson, Mark, WorkType
from models.core.service import in_one_turn
from models.journal import entries, grid, subgroups
from models.journal.entries import Cell, MarkEntry
from tests.factory import PAST_DAY
from tests.shared import decoded, last_audit, small, small_once  # noqa: F401 (fixtures)


def stored_cell(lesson: int, pupil: int) -> tuple[list[tuple[int, int]], str | None, str]:
    """(position, value) of the marks, the absence code and its document, as stored."""
    marks = [
        (m.position, m.value)
        for m in Mark.select().where(Mark.lesson == lesson, Mark.student == pupil).order_by(Mark.position)
    ]
    absence = Absence.get_or_none(Absence.lesson == lesson, Absence.student == pupil)
    return marks, absence.code if absence else None, absence.document if absence else ""


@pytest.fixture
def lesson(small) -> int:
    return entries.add_lesson(small.teacher, small.math_a, PAST_DAY).id


# --- lessons ----------------------------------------------------------------------------------


def test_lessons_are_numbered_updated_and_deleted(small):
    first = entries.add_lesson(small.teacher, small.math_a, "14.10.2026", topic="Дроби")
    second = entries.add_lesson(small.teacher, small.math_a, PAST_DAY)
    assert (first.date, first.number, first.topic) == (PAST_DAY, 1, "Дроби")
    assert second.number == 2
    entry = last_audit()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        small.teacher.user_id,
        "lesson.add",
        second.id,
    )
    assert decoded(entry) == (None, {"course": small.math_a, "date": "2026-10-14", "number": 2})

    control = WorkType.get(WorkType.name == "Контрольная работа").id
    updated = entries.update_lesson(
        small.teacher, second.id, topic="Дроби", homework="№ 12, 14", work_type_id=control
    )
    assert (updated.topic, updated.homework, updated.work_type_id) == ("Дроби", "№ 12, 14", control)
    assert decoded(last_audit()) == (
        {"topic": "", "homework": "", "work_type": None},
        {"topic": "Дроби", "homework": "№ 12, 14", "work_type": control},
    )
    moved = entries.update_lesson(small.teacher, second.id, date=dt.date(2026, 10, 15))
    assert moved.date == dt.date(2026, 10, 15)

    entries.delete_lesson(small.teacher, first.id)
    assert Lesson.get_or_none(Lesson.id == first.id) is None
    entry = last_audit()
    assert (entry.action, entry.entity_id) == ("lesson.delete", first.id)
    assert decoded(entry)[0]["topic"] == "Дроби"
    with pytest.raises(ValidationError, match="уже есть"):
        entries.add_lesson(small.teacher, small.math_a, dt.date(2026, 10, 15), number=2)


# --- one cell ---------------------------------------------------------------------------------


def test_set_mark_second_mark_and_replace(small, lesson):
    pupil = small.pupils[0]
    change = entries.set_mark(small.teacher, lesson, pupil, "5")
    assert (change.before, change.after) == (Cell(), Cell((MarkEntry(5),)))
    assert stored_cell(lesson, pupil) == ([(1, 5)], None, "")
    mark = Mark.get(Mark.lesson == lesson, Mark.student == pupil)
    assert mark.entered_by_id == small.teacher.user_id
    entry = last_audit()
    assert (entry.user_id, entry.action, entry.entity, entry.entity_id) == (
        small.teacher.user_id,
        "mark.set",
        "cell",
        lesson,
    )
    assert decoded(entry) == (
        {"student": pupil, "marks": [], "absence": None},
        {"student": pupil, "marks": [5], "absence": None},
    )

    second = entries.set_mark(small.teacher, lesson, pupil, 4, add=True)
    assert second.after.text() == "5/4"
    assert stored_cell(lesson, pupil) == ([(1, 5), (2, 4)], None, "")
    assert decoded(last_audit())[1]["marks"] == [5, 4]

    # without `add` a new mark replaces what the cell held
    replaced = entries.set_mark(small.teacher, lesson, pupil, "3")
    assert (replaced.before.text(), replaced.after.text()) == ("5/4", "3")
    assert stored_cell(lesson, pupil) == ([(1, 3)], None, "")
    assert decoded(last_audit()) == (
        {"student": pupil, "marks": [5, 4], "absence": None},
        {"student": pupil, "marks": [3], "absence": None},
    )


def test_writes_in_one_turn_stand_or_fall_each_on_its_own(small, lesson):
    """The grid's queued marks (tui/writes.py): one transaction, a savepoint each."""
    p1, p2, p3 = small.pupils[:3]
    entries.set_absence(small.teacher, lesson, p2, "н")
    audited = AuditEntry.select().count()
    results = in_one_turn(
        [
            lambda: entries.set_mark(small.teacher, lesson, p1, 5),
            lambda: entries.set_mark(small.teacher, lesson, p2, 4),  # «н» there: refused
            lambda: entries.set_mark(small.teacher, lesson, p3, 3),
            lambda: entries.set_mark(small.teacher, lesson, p1, 4, add=True),  # sees the first
        ]
    )
    assert [r.after.text() if isinstance(r, entries.CellChange) else type(r) for r in results] == [
        "5",
        ValidationError,
        "3",
        "5/4",
    ]
    assert "пропуск «н»" in str(results[1])
    assert [stored_cell(lesson, p) for p in (p1, p2, p3)] == [
        ([(1, 5), (2, 4)], None, ""),
        ([], "н", ""),
        ([(1, 3)], None, ""),
    ]
    assert AuditEntry.select().count() == audited + 3  # the refused one left no entry


def test_set_absence_clear_and_undo(small, lesson):
    pupil = small.pupils[1]
    change = entries.set_absence(small.homeroom, lesson, pupil, "Н")
    assert change.after == Cell(absence="н")
    assert stored_cell(lesson, pupil) == ([], "н", "")
    absence = Absence.get(Absence.lesson == lesson, Absence.student == pupil)
    assert absence.entered_by_id == small.homeroom.user_id
    entry = last_audit()
    assert (entry.user_id, entry.action) == (small.homeroom.user_id, "absence.set")
    assert decoded(entry)[1] == {"student": pupil, "marks": [], "absence": "н"}

    cleared = entries.clear_cell(small.homeroom, lesson, pupil)
    assert (cleared.before.text(), cleared.after.text()) == ("н", "")
    assert stored_cell(lesson, pupil) == ([], None, "")
    assert last_audit().action == "cell.clear"

    # undo: write back the cell as it was before the last change
    undone = entries.set_cell(small.homeroom, lesson, pupil, cleared.before, action="cell.undo")
    assert undone.after == Cell(absence="н")
    assert stored_cell(lesson, pupil) == ([], "н", "")
    entry = last_audit()
    assert entry.action == "cell.undo"
    assert decoded(entry) == (
        {"student": pupil, "marks": [], "absence": None},
        {"student": pupil, "marks": [], "absence": "н"},
    )


def test_undo_restores_two_marks_with_their_work_types(small, lesson):
    pupil = small.pupils[2]
    control = WorkType.get(WorkType.name == "Контрольная работа").id
    entries.set_mark(small.teacher, lesson, pupil, "5", work_type_id=control)
    entries.set_mark(small.teacher, lesson, pupil, "4", add=True)
    wrong = entries.set_mark(small.teacher, lesson, pupil, "2")  # a slip of the finger
    assert wrong.before == Cell((MarkEntry(5, control), MarkEntry(4)))
    entries.set_cell(small.teacher, lesson, pupil, wrong.before)
    assert stored_cell(lesson, pupil) == ([(1, 5), (2, 4)], None, "")
    assert Mark.get(Mark.lesson == lesson, Mark.position == 1).work_type_id == control
    # writing the same content again is a no-op: no audit entry
    audits = AuditEntry.select().count()
    same = entries.set_cell(small.teacher, lesson, pupil, wrong.before)
    assert same.before == same.after
    assert AuditEntry.select().count() == audits


def test_late_and_a_mark_share_a_cell(small, lesson):
    pupil = small.pupils[3]
    entries.set_absence(small.teacher, lesson, pupil, "о")
    change = entries.set_mark(small.teacher, lesson, pupil, "4")
    assert change.after == Cell((MarkEntry(4),), "о")
    assert stored_cell(lesson, pupil) == ([(1, 4)], "о", "")
    assert grid.load_grid(small.teacher, small.math_a, small.q1).cell(lesson, pupil).text() == "о4"


# --- the weekly excuse pass (R13) ---------------------------------------------------------------


def _absences(small, days: list[dt.date], pupil: int) -> list[int]:
    ids = []
    for day in days:
        lesson = entries.add_lesson(small.teacher, small.math_a, day).id
        entries.set_absence(small.teacher, lesson, pupil, "н")
        ids.append(Absence.get(Absence.lesson == lesson, Absence.student == pupil).id)
    return ids


def test_excuse_absences_turns_n_into_b_with_the_document(small):
    pupil = small.pupils[1]
    ids = _absences(small, [dt.date(2026, 11, 9), dt.date(2026, 11, 10)], pupil)
    document = "справка № 7 от 11.11.2026, принесла мать"
    assert entries.excuse_absences(small.homeroom, ids, "б", document) == 2
    rows = list(Absence.select().where(Absence.id.in_(ids)).order_by(Absence.id))
    assert [(r.code, r.document, r.excused_by_id) for r in rows] == [
        ("б", document, small.homeroom.user_id)
    ] * 2
    assert all(r.excused_at is not None for r in rows)
    entry = last_audit()
    assert (entry.user_id, entry.action) == (small.homeroom.user_id, "absence.excuse")
    assert decoded(entry) == (
        {"ids": sorted(ids), "codes": ["н"]},
        {"code": "б", "document": document},
    )
    g = grid.load_grid(small.homeroom, small.math_a, small.q2)
    cell = g.cell(rows[0].lesson_id, pupil)
    assert (cell.absence, cell.document) == ("б", document)


def test_excuse_absences_is_all_or_nothing(small):
    pupil = small.pupils[1]
    ids = _absences(small, [dt.date(2026, 11, 9), dt.date(2026, 11, 10)], pupil)
    audits = AuditEntry.select().count()
    with pytest.raises(NotFound, match="не найдена"):
        entries.excuse_absences(small.homeroom, [*ids, 999_999], "у", "заявление")
    assert [a.code for a in Absence.select().where(Absence.id.in_(ids))] == ["н", "н"]
    assert AuditEntry.select().count() == audits
    # a late arrival among them refuses the whole batch as well
    late_lesson = entries.add_lesson(small.teacher, small.math_a, dt.date(2026, 11, 11)).id
    entries.set_absence(small.teacher, late_lesson, pupil, "о")
    late = Absence.get(Absence.lesson == late_lesson).id
    audits = AuditEntry.select().count()
    with pytest.raises(ValidationError, match="Опоздание"):
        entries.excuse_absences(small.homeroom, [*ids, late], "у", "заявление")
    assert [a.code for a in Absence.select().where(Absence.id.in_(ids))] == ["н", "н"]
    assert AuditEntry.select().count() == audits
    # a subject teacher may record absences but not excuse them
    with pytest.raises(PermissionDenied):
        entries.excuse_absences(small.teacher, ids, "у", "заявление")


# --- final marks ------------------------------------------------------------------------------


def test_final_marks_for_a_period_and_the_year(small):
    pupil = small.pupils[0]
    set_final = entries.set_final_mark
    first = set_final(small.teacher, small.math_a, pupil, small.q1, "5")
    assert (first.scope, first.before, first.after) == (f"P{small.q1}", "", "5")
    row = FinalMark.get(FinalMark.student == pupil, FinalMark.scope == f"P{small.q1}")
    assert (row.subject_id, row.period_id, row.year_id, row.value, row.entered_by_id) == (
        small.math,
        small.q1,
        small.year_id,
        "5",
        small.teacher.user_id,
    )
    entry = last_audit()
    assert (entry.user_id, entry.action, entry.entity_id) == (
        small.teacher.user_id,
        "final_mark.set",
        pupil,
    )
    scope = f"P{small.q1}"
    assert decoded(entry) == (
        {"subject": small.math, "scope": scope, "value": ""},
        {"subject": small.math, "scope": scope, "value": "5"},
    )

    changed = set_final(small.teacher, small.math_a, pupil, small.q1, "4")
    assert (changed.before, changed.after) == ("5", "4")
    assert decoded(last_audit())[1]["value"] == "4"
    assert grid.load_grid(small.teacher, small.math_a, small.q1).finals == {pupil: "4"}
    assert grid.load_grid(small.teacher, small.math_a, small.q2).finals == {}

    year = set_final(small.admin, small.math_a, pupil, None, "4")
    assert (year.scope, year.after) == (f"Y{small.year_id}", "4")
    assert FinalMark.get(FinalMark.scope == f"Y{small.year_id}").period_id is None
    other = set_final(small.teacher, small.math_a, small.pupils[1], small.q1, "НА")
    assert other.after == "н/а"

    # the same value again writes nothing; an empty value removes the mark
    audits = AuditEntry.select().count()
    assert set_final(small.teacher, small.math_a, pupil, small.q1, "4").before == "4"
    assert AuditEntry.select().count() == audits
    removed = set_final(small.teacher, small.math_a, pupil, small.q1, "")
    assert (removed.before, removed.after) == ("4", "")
    assert not FinalMark.select().where(FinalMark.scope == scope, FinalMark.student == pupil).exists()
    assert decoded(last_audit())[1]["value"] == ""
    assert FinalMark.select().count() == 2  # the year mark and pupil 1's н/а


# --- the grid reads in bulk ----------------------------------------------------------------------

# Queries that fetch the frame of the grid (the course with its class, subject and teacher,
# its subgroup, the period), the school's settings and work types, and the acting account as it
# is now (one row by its key): excluded from the count.
FRAME = re.compile(r'^SELECT [^()]*? FROM "(course|subgroup|period|setting|work_type|app_user)" AS "t1"')


def _fill_grid(small) -> None:
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 11)):
        lesson = entries.add_lesson(small.teacher, small.math_a, day).id
        entries.set_mark(small.teacher, lesson, small.pupils[0], "5")
        entries.set_mark(small.teacher, lesson, small.pupils[0], "4", add=True)
        entries.set_absence(small.teacher, lesson, small.pupils[1], "н")
        entries.set_mark(small.teacher, lesson, small.pupils[2], "3")
    entries.set_final_mark(small.teacher, small.math_a, small.pupils[0], small.q2, "5")


@pytest.mark.parametrize("course", ["math_a", "english_a2"])
def test_grid_loads_in_three_data_queries(small, monkeypatch, course):
    """Pupils (with final marks), lessons, marks ∪ absences: three, however big the class.

    Counted: every SQL statement sent while load_grid runs, less the frame queries above.
    """
    _fill_grid(small)
    course_id = getattr(small, course)
    sent: list[str] = []
    real = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        sent.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    g = grid.load_grid(small.teacher, course_id, small.q2)
    monkeypatch.undo()

    data = [sql for sql in sent if not FRAME.search(sql)]
    assert len(data) <= 3, data
    assert len(sent) <= 9, sent  # the frame, the account check and the data
    if course == "math_a":
        assert [p.name for p in g.pupils] == [
            "Андреев Андрей",
            "Борисова Бэлла",
            "Васильев Василий",
            "Григорьева Галина",
        ]
        assert len(g.lessons) == 3
        assert sorted(c.text() for c in g.cells.values()) == ["3"] * 3 + ["5/4"] * 3 + ["н"] * 3
        assert g.finals == {small.pupils[0]: "5"}
        # 5, 4, 5, 4, 5, 4 (w1): 27 / 6 = 4.5 → 5
        assert g.suggestion(small.pupils[0]) == "5"
        assert g.suggestion(small.pupils[2]) == "3"
        assert g.suggestion(small.pupils[1]) == "н/а"
    else:
        assert [p.student_id for p in g.pupils] == [small.pupils[1], small.pupils[3]]
        assert g.subgroup == "2 группа"


def test_final_marks_of_a_subgroup_course_go_to_its_own_pupils(small):
    """English group 1 (pupils 0 and 2) is the other teacher's; group 2 (1 and 3) Petrov's."""
    assert entries.set_final_mark(small.other, small.english_a1, small.pupils[0], small.q1, "5")
    assert entries.set_final_mark(small.teacher, small.english_a2, small.pupils[1], small.q1, "4")
    with pytest.raises(ValidationError, match="не входит в подгруппу"):
        entries.set_final_mark(small.other, small.english_a1, small.pupils[1], small.q1, "2")
    # moved to group 2 for the 2nd quarter: the group 1 teacher keeps the 1st quarter and the
    # year, the group 2 teacher gets the 2nd quarter and the year as well
    subgroups.assign_subgroup(small.homeroom, small.subgroup_ids[1], small.pupils[2], small.q2)
    pupil = small.pupils[2]
    entries.set_final_mark(small.other, small.english_a1, pupil, small.q1, "3")
    with pytest.raises(ValidationError, match="не входит в подгруппу"):
        entries.set_final_mark(small.other, small.english_a1, pupil, small.q2, "3")
    entries.set_final_mark(small.teacher, small.english_a2, pupil, small.q2, "4")
    entries.set_final_mark(small.other, small.english_a1, pupil, None, "4")
    change = entries.set_final_mark(small.teacher, small.english_a2, pupil, None, "5")
    assert (change.before, change.after) == ("4", "5")
    finals = {(f.scope, f.value) for f in FinalMark.select().where(FinalMark.student == pupil)}
    assert finals == {(f"P{small.q1}", "3"), (f"P{small.q2}", "4"), (f"Y{small.year_id}", "5")}


def test_a_lesson_number_another_subject_has_that_day_is_asked_about(small_sqlite):
    """Issue 15, point 11: two different lessons № 5 on one day are refused unless confirmed;
    the other English group at the same number is no clash; the default number skips them."""
    import datetime as dt

    from models.journal.entries import LessonClash

    s = small_sqlite
    day = dt.date(2026, 11, 23)
    entries.add_lesson(s.admin, s.russian_a, day, 1)
    with pytest.raises(LessonClash, match="23.11.2026 у класса 1 урок — уже Русский язык"):
        entries.add_lesson(s.admin, s.math_a, day, 1)
    assert entries.add_lesson(s.admin, s.math_a, day).number == 2  # the default skips the clash
    forced = entries.add_lesson(s.admin, s.math_a, day, 1, allow_clash=True)  # a timetable change
    assert forced.number == 1
    entries.add_lesson(s.admin, s.english_a1, day, 3)
    assert entries.add_lesson(s.admin, s.english_a2, day, 3).number == 3  # parallel groups
    with pytest.raises(LessonClash):
        entries.update_lesson(s.admin, forced.id, number="3")  # F4 can renumber, and is checked
    assert entries.update_lesson(s.admin, forced.id, number="4").number == 4
