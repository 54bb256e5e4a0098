"""Running the school's frame (models/school/) on the small school, both backends.

Counts of school days are worked by hand from the default calendar of 2026/2027 (grade 5):
Q1 01.09–25.10, Q2 05.11–28.12, Q3 12.01–20.03, Q4 30.03–26.05; public holidays 23.02,
08.03, 01.05, 09.05 fall inside Q3/Q4 (only 23.02.2027 is a Tuesday among those used here).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core.errors import ValidationError
from models.core.schema import AuditEntry, Course, Enrollment, Lesson, Subgroup, TimetableEntry
from models.journal import entries
from models.journal.grid import load_grid
from models.people import roster
from models.school.calendar import (
    add_period,
    delete_period,
    holidays,
    list_periods,
    period_change_effect,
    periods_for_grade,
    set_period_dates,
)
from models.school.classes import class_rows, create_class, delete_class, list_classes, update_class
from models.school.lessons import (
    generate_lessons,
    preview_regenerate,
    regenerate_future_lessons,
)
from models.school.load import class_load, delete_course, set_subgroup_teachers, teacher_load
from models.school.promotion import preview_promotion, promote_year
from models.school.subjects import (
    create_subject,
    delete_subject,
    delete_work_type,
    list_work_types,
    update_subject,
    update_work_type,
)
from models.school.timetable import (
    change_day,
    remove_timetable_entry,
    set_slot,
    timetable_entries,
    timetable_grid,
    update_timetable_entry,
)
from tests.factory import SmallSchool

SEP1 = dt.date(2026, 9, 1)
MON, TUE, WED, SAT = 1, 2, 3, 6


def d(text: str) -> dt.date:
    day, month, year = text.split(".")
    return dt.date(int(year), int(month), int(day))


def lessons_of(course_id: int) -> dict[tuple[dt.date, int], int]:
    return {(x.date, x.number): x.id for x in Lesson.select().where(Lesson.course == course_id)}


def weekly_math(s: SmallSchool) -> None:
    """Mathematics in 5А: Monday 1st and Tuesday 2nd lesson, from 1 September."""
    set_slot(s.admin, s.class_a, MON, 1, [s.math_a], SEP1)
    set_slot(s.admin, s.class_a, TUE, 2, [s.math_a], SEP1)


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id.desc()).first()


# --- lessons from the timetable ------------------------------------------------------------------


def test_generate_a_period_counts_mondays_and_tuesdays(small):
    s = small
    weekly_math(s)
    plan = generate_lessons(s.admin, s.class_a, s.q1)
    # Q1: Tuesdays 1, 8, 15, 22, 29.09, 6, 13, 20.10 (8); Mondays 7, 14, 21, 28.09, 5, 12, 19.10 (7)
    assert (plan.start, plan.end, plan.create) == (SEP1, d("25.10.2026"), 15)
    made = lessons_of(s.math_a)
    assert (SEP1, 2) in made and (d("07.09.2026"), 1) in made and (d("19.10.2026"), 1) in made
    assert last_audit("lessons.generate").user_id == s.admin.user_id
    again = generate_lessons(s.admin, s.class_a, s.q1)
    assert again.create == 0 and len(lessons_of(s.math_a)) == 15


def test_generate_skips_breaks_sundays_and_public_holidays(small):
    s = small
    weekly_math(s)
    plan = generate_lessons(s.admin, s.class_a)  # the whole year
    # Mondays 7+8+8+8 = 31; Tuesdays 8+7+10+9 = 34, less 23.02.2027 → 33
    assert plan.create == 64
    made = lessons_of(s.math_a)
    assert (d("02.11.2026"), 1) not in made and (d("03.11.2026"), 2) not in made  # autumn break
    assert (d("22.02.2027"), 1) in made and (d("23.02.2027"), 2) not in made  # Defender's Day
    assert (d("05.01.2027"), 2) not in made  # winter break
    assert all(day.weekday() in (0, 1) for day, _ in made)


def test_generate_does_not_double_a_lesson_the_teacher_added(small):
    s = small
    weekly_math(s)
    own = entries.add_lesson(s.teacher, s.math_a, d("15.09.2026")).id  # a Tuesday, numbered 1
    plan = generate_lessons(s.admin, s.class_a, s.q1)
    assert plan.create == 14
    made = lessons_of(s.math_a)
    assert made[(d("15.09.2026"), 1)] == own and (d("15.09.2026"), 2) not in made


def test_generate_saturday_and_subgroups_in_parallel(small):
    s = small
    set_slot(s.admin, s.class_a, SAT, 3, [s.english_a1, s.english_a2], SEP1)
    plan = generate_lessons(s.admin, s.class_a, None, "23.11.2026", "28.11.2026")
    assert plan.create == 2
    assert (d("28.11.2026"), 3) in lessons_of(s.english_a1)
    assert (d("28.11.2026"), 3) in lessons_of(s.english_a2)


def test_regenerate_keeps_lessons_with_marks_absences_or_text(small):
    s = small
    weekly_math(s)
    generate_lessons(s.admin, s.class_a)
    before = lessons_of(s.math_a)
    marked = before[(d("17.11.2026"), 2)]
    absent = before[(d("24.11.2026"), 2)]
    planned = before[(d("01.12.2026"), 2)]
    plain = before[(d("08.12.2026"), 2)]
    monday = before[(d("23.11.2026"), 1)]
    entries.set_mark(s.teacher, marked, s.pupils[0], "5")
    entries.set_absence(s.teacher, absent, s.pupils[1], "н")
    entries.update_lesson(s.teacher, planned, homework="§ 12")
    # from 16.11: no mathematics on Tuesdays, a first lesson on Wednesdays instead
    set_slot(s.admin, s.class_a, TUE, 2, [], d("16.11.2026"))
    set_slot(s.admin, s.class_a, WED, 1, [s.math_a], d("16.11.2026"))
    preview = preview_regenerate(s.class_a, d("16.11.2026"))
    assert Lesson.select().count() == 64  # a preview writes nothing
    plan = regenerate_future_lessons(s.admin, s.class_a, d("16.11.2026"))
    assert plan == preview
    # Tuesdays 17.11–26.05: 6 + 9 + 9 = 24, three kept; Wednesdays 18.11–26.05: 6 + 10 + 9 = 25;
    # Mondays 16.11–26.05: 7 + 8 + 8 = 23 left exactly as they were
    assert (plan.remove, plan.create, plan.unchanged) == (21, 25, 23)
    assert [(k.id, k.reason) for k in plan.kept] == [
        (marked, "отметки или пропуски"),
        (absent, "отметки или пропуски"),
        (planned, "тема или задание"),
    ]
    after = lessons_of(s.math_a)
    assert len(after) == 64 - 21 + 25
    assert {marked, absent, planned, monday} <= set(after.values())
    assert plain not in after.values()
    assert (d("10.11.2026"), 2) in after  # before the change: untouched
    assert (d("18.11.2026"), 1) in after and (d("26.05.2027"), 1) in after
    entry = last_audit("lessons.regenerate")
    assert entry.user_id == s.admin.user_id and '"created": 25' in entry.new


def test_one_off_change_and_cancel_survive_regeneration(small):
    s = small
    weekly_math(s)
    generate_lessons(s.admin, s.class_a, s.q2)
    change = change_day(s.admin, s.class_a, "01.12.2026", 2, [s.russian_a])
    assert change.removed == ("Математика",)
    cancel = change_day(s.admin, s.class_a, "07.12.2026", 1, [])
    assert cancel.removed == ("Математика",) and cancel.added == ()
    regenerate_future_lessons(s.admin, s.class_a, d("30.11.2026"))
    math = lessons_of(s.math_a)
    assert (d("01.12.2026"), 2) not in math and (d("07.12.2026"), 1) not in math
    assert (d("08.12.2026"), 2) in math and (d("30.11.2026"), 1) in math
    assert (d("01.12.2026"), 2) in lessons_of(s.russian_a)
    # the template says so too: the Tuesday entry is split around 01.12
    tuesday = [
        (e.subject, e.valid_from, e.valid_to)
        for e in timetable_entries(s.class_a)
        if (e.weekday, e.number) == (TUE, 2)
    ]
    assert tuesday == [
        ("Математика", SEP1, d("30.11.2026")),
        ("Русский язык", d("01.12.2026"), d("01.12.2026")),
        ("Математика", d("02.12.2026"), None),
    ]
    assert last_audit("lesson.replace").user_id == s.admin.user_id
    assert last_audit("lesson.cancel") is not None


def test_one_off_change_refused_on_a_lesson_with_marks(small):
    s = small
    weekly_math(s)
    generate_lessons(s.admin, s.class_a, s.q2)
    lesson = lessons_of(s.math_a)[(d("24.11.2026"), 2)]
    entries.set_mark(s.teacher, lesson, s.pupils[2], "4")
    with pytest.raises(ValidationError, match="отметки или пропуски"):
        change_day(s.admin, s.class_a, "24.11.2026", 2, [])
    assert lesson in lessons_of(s.math_a).values()
    with pytest.raises(ValidationError, match="не учебный день"):
        change_day(s.admin, s.class_a, "03.11.2026", 2, [])


# --- the template ------------------------------------------------------------------------------


def test_a_teacher_cannot_be_in_two_classes_at_once(small):
    s = small
    set_slot(s.admin, s.class_a, MON, 1, [s.math_a], SEP1)
    with pytest.raises(ValidationError, match="Петров И.О. в это время ведёт урок в 5А"):
        set_slot(s.admin, s.class_b, MON, 1, [s.math_b], SEP1)
    with pytest.raises(ValidationError, match="только уроки разных подгрупп"):
        set_slot(s.admin, s.class_a, MON, 1, [s.math_a, s.russian_a], SEP1)
    # from 01.12 5А's first Monday lesson is Russian: then 5Б may have mathematics
    set_slot(s.admin, s.class_a, MON, 1, [s.russian_a], d("01.12.2026"))
    set_slot(s.admin, s.class_b, MON, 1, [s.math_b], d("01.12.2026"))
    grid = timetable_grid(s.class_a, d("07.12.2026"))
    assert [e.subject for e in grid[(MON, 1)]] == ["Русский язык"]
    assert [e.subject for e in timetable_grid(s.class_a, d("23.11.2026"))[(MON, 1)]] == ["Математика"]


def test_entry_dates_edited_and_removed(small):
    s = small
    set_slot(s.admin, s.class_a, MON, 1, [s.math_a], SEP1)
    entry = timetable_entries(s.class_a)[0]
    edited = update_timetable_entry(s.admin, entry.id, "01.09.2026", "28.12.2026")
    assert (edited.valid_from, edited.valid_to, edited.validity) == (
        SEP1,
        d("28.12.2026"),
        "с 01.09.2026 по 28.12.2026",
    )
    with pytest.raises(ValidationError, match="раньше, чем начинается"):
        update_timetable_entry(s.admin, entry.id, "01.09.2026", "01.08.2026")
    remove_timetable_entry(s.admin, entry.id)
    assert timetable_entries(s.class_a) == []
    assert last_audit("timetable.remove").user_id == s.admin.user_id


# --- periods -------------------------------------------------------------------------------------


def test_period_dates_never_orphan_marked_lessons(small):
    s = small
    weekly_math(s)
    generate_lessons(s.admin, s.class_a, s.q2)
    entries.set_mark(s.teacher, lessons_of(s.math_a)[(d("17.11.2026"), 2)], s.pupils[0], "3")
    with pytest.raises(ValidationError, match=r"отметками.*: 1 \(первый — 17.11.2026 5А Математика\)"):
        set_period_dates(s.admin, s.q2, "20.11.2026", "28.12.2026")
    # the end earlier: 22.12 (Tue) and 28.12 (Mon) have no marks — asked first, then removed
    effect = period_change_effect(s.q2, "05.11.2026", "21.12.2026")
    assert (effect.marked, effect.empty, effect.first) == (0, 2, "22.12.2026 5А Математика")
    with pytest.raises(ValidationError, match="без отметок: 2"):
        set_period_dates(s.admin, s.q2, "05.11.2026", "21.12.2026")
    info = set_period_dates(s.admin, s.q2, "05.11.2026", "21.12.2026", drop_empty_lessons=True)
    assert info.end == d("21.12.2026")
    assert (d("22.12.2026"), 2) not in lessons_of(s.math_a)
    assert (d("21.12.2026"), 1) in lessons_of(s.math_a)
    with pytest.raises(ValidationError, match="пересекаются с периодом «3 четверть»"):
        set_period_dates(s.admin, s.q2, "05.11.2026", "15.01.2027")
    breaks = [(h.grades, h.start, h.end) for h in holidays(s.year_id)]
    assert ("1–9", d("22.12.2026"), d("11.01.2027")) in breaks
    assert ("10–11", d("29.12.2026"), d("11.01.2027")) in breaks


def test_trimesters_instead_of_quarters_for_grades_10_11(small):
    s = small
    halves = [p for p in list_periods(s.year_id) if p.kind == "half"]
    for p in halves:
        delete_period(s.admin, p.id)
    for start, end in (
        ("01.09.2026", "30.11.2026"),
        ("01.12.2026", "28.02.2027"),
        ("01.03.2027", "31.05.2027"),
    ):
        add_period(s.admin, s.year_id, "trimester", start, end, 10, 11)
    names = [p.name for p in periods_for_grade(s.year_id, 10)]
    assert names == ["1 триместр", "2 триместр", "3 триместр"]
    with pytest.raises(ValidationError, match="пересекаются"):
        add_period(s.admin, s.year_id, "trimester", "01.05.2027", "30.06.2027", 11, 11)
    with pytest.raises(ValidationError, match="деление на подгруппы"):
        delete_period(s.admin, s.q1)  # 5А's English groups are set for Q1


# --- classes, subjects, work types, load -----------------------------------------------------


def test_rename_regrade_and_delete_classes(small):
    s = small
    assert update_class(s.admin, s.class_a, 5, "В").name == "5В"
    with pytest.raises(ValidationError, match="Класс 5Б в этом году уже есть"):
        update_class(s.admin, s.class_a, 5, "Б")
    with pytest.raises(ValidationError, match="деление на подгруппы"):
        update_class(s.admin, s.class_a, 10, "В")  # half-years, and subgroups use quarters
    assert update_class(s.admin, s.class_b, 6, "Б").name == "6Б"  # same quarters
    with pytest.raises(ValidationError, match="учащиеся .*нагрузка"):
        delete_class(s.admin, s.class_b)
    empty = create_class(s.admin, s.year_id, 7, "А").id
    delete_class(s.admin, empty)
    assert [c.info.name for c in class_rows(s.year_id)] == ["5В", "6Б"]
    rows = {c.info.name: (c.pupils, c.courses) for c in class_rows(s.year_id)}
    assert rows == {"5В": (4, 4), "6Б": (1, 1)}
    assert last_audit("class.delete").user_id == s.admin.user_id


def test_subjects_and_work_types(small):
    s = small
    info = update_subject(s.admin, s.math, "Математика", "Матем.")
    assert (info.name, info.short_name, info.courses) == ("Математика", "Матем.", 2)
    with pytest.raises(ValidationError, match="«Русский язык» уже есть"):
        update_subject(s.admin, s.math, "Русский язык")
    with pytest.raises(ValidationError, match="нагрузка"):
        delete_subject(s.admin, s.math)
    history = create_subject(s.admin, "История")
    delete_subject(s.admin, history)
    types = {w.name: w for w in list_work_types()}
    control = types["Контрольная работа"]
    lesson = entries.add_lesson(s.teacher, s.math_a, d("23.11.2026")).id
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")  # default type, weight 1
    entries.set_mark(s.teacher, lesson, s.pupils[0], "2", add=True, work_type_id=control.id)
    # weighted: (5·1 + 2·2) / 3 = 3.00; with the test weighing 3: (5 + 6) / 4 = 2.75
    assert load_grid(s.teacher, s.math_a, s.q2).averages(s.pupils[0]).weighted == Decimal("3")
    changed = update_work_type(s.admin, control.id, "Контрольная работа", "3")
    assert (changed.weight, changed.marks) == (Decimal("3"), 1)
    assert load_grid(s.teacher, s.math_a, s.q2).averages(s.pupils[0]).weighted == Decimal("2.75")
    entry = last_audit("work_type.update")
    assert '"weight": "2.00"' in entry.old and '"weight": "3.00"' in entry.new
    with pytest.raises(ValidationError, match="используют отметки"):
        delete_work_type(s.admin, control.id)
    with pytest.raises(ValidationError, match="по умолчанию"):
        delete_work_type(s.admin, types["Ответ на уроке"].id)
    with pytest.raises(ValidationError, match="от 0.1 до 10"):
        update_work_type(s.admin, control.id, "Контрольная работа", "11")
    delete_work_type(s.admin, types["Проверочная работа"].id)
    assert "Проверочная работа" not in {w.name for w in list_work_types()}


def test_load_per_class_and_per_teacher(small):
    s = small
    set_slot(s.admin, s.class_a, MON, 1, [s.math_a], SEP1)
    set_slot(s.admin, s.class_a, TUE, 2, [s.math_a], SEP1)
    set_slot(s.admin, s.class_b, WED, 1, [s.math_b], SEP1)
    rows = [(r.title, r.teacher, r.hours) for r in class_load(s.class_a)]
    assert rows == [
        ("Английский язык (1 группа)", "Сидорова А.", 0),
        ("Английский язык (2 группа)", "Петров И.О.", 0),
        ("Математика", "Петров И.О.", 2),
        ("Русский язык", "Иванова М.П.", 0),
    ]
    mine = [(r.class_name, r.title, r.hours) for r in teacher_load(s.teacher.user_id, s.year_id)]
    assert mine == [
        ("5А", "Английский язык (2 группа)", 0),
        ("5А", "Математика", 2),
        ("5Б", "Математика", 1),
    ]


def test_delete_course_only_without_lessons(small):
    s = small
    set_slot(s.admin, s.class_a, WED, 4, [s.english_a1, s.english_a2], SEP1)
    delete_course(s.admin, s.english_a1)
    assert Course.get_or_none(Course.id == s.english_a1) is None
    assert [e.course_id for e in timetable_entries(s.class_a)] == [s.english_a2]
    entries.add_lesson(s.teacher, s.math_a, d("23.11.2026"))
    with pytest.raises(ValidationError, match=r"уже есть уроки \(1\)"):
        delete_course(s.admin, s.math_a)


def test_subgroup_teachers_replace_a_whole_class_course(small):
    s = small
    set_slot(s.admin, s.class_a, MON, 2, [s.russian_a], SEP1)
    ids = set_subgroup_teachers(s.admin, s.class_a, s.russian, [s.homeroom.user_id, s.other.user_id])
    assert Course.get_or_none(Course.id == s.russian_a) is None
    groups = {c.subgroup.number: c.teacher_id for c in Course.select().where(Course.id.in_(ids))}
    assert groups == {1: s.homeroom.user_id, 2: s.other.user_id}
    slot = timetable_grid(s.class_a, d("23.11.2026"))[(MON, 2)]
    assert sorted(e.subgroup_number for e in slot) == [1, 2]
    # again with other teachers: the same groups and courses, new teachers
    again = set_subgroup_teachers(s.admin, s.class_a, s.russian, [s.teacher.user_id, s.other.user_id])
    assert again == ids and Course.get_by_id(ids[0]).teacher_id == s.teacher.user_id
    with pytest.raises(ValidationError, match="укажите 2 учителей"):
        set_subgroup_teachers(s.admin, s.class_a, s.russian, [s.teacher.user_id])
    entries.add_lesson(s.teacher, s.math_a, d("23.11.2026"))
    with pytest.raises(ValidationError, match="уже идут уроки всего класса"):
        set_subgroup_teachers(s.admin, s.class_a, s.math, [s.teacher.user_id, s.other.user_id])


# --- the next year ---------------------------------------------------------------------------


def test_promotion_5a_to_6a_and_the_11th_grade_graduates(small):
    s = small
    eleven = create_class(s.admin, s.year_id, 11, "А", s.other.user_id).id
    seniors = [
        roster.add_student(s.admin, eleven, {"surname": n, "first_name": "Олег"}, SEP1).id
        for n in ("Юрьев", "Яковлев")
    ]
    roster.leave_student(s.admin, seniors[1], d("01.03.2027"), "колледж")
    roster.leave_student(s.admin, s.pupils[3], d("20.11.2026"), "школа № 2")
    result = promote_year(s.admin, s.year_id)
    assert result.year_name == "2027/2028"
    assert result.classes == (("5А", "6А"), ("5Б", "6Б"), ("11А", ""))
    assert (result.moved, result.graduated, result.courses) == (4, 1, 5)
    new = {c.name: c for c in list_classes(result.year_id)}
    assert sorted(new) == ["6А", "6Б"]
    assert new["6А"].homeroom_id == s.homeroom.user_id
    assert len(list_periods(result.year_id)) == 6
    moved = Enrollment.select().where(Enrollment.school_class == new["6А"].id)
    assert sorted((e.student_id, e.start, e.end) for e in moved) == [
        (p, d("01.09.2027"), None) for p in sorted(s.pupils[:3])
    ]
    old = Enrollment.get((Enrollment.student == s.pupils[0]) & (Enrollment.school_class == s.class_a))
    assert (old.end, old.end_reason, old.left_to) == (d("31.08.2027"), "promotion", "6А")
    gone = Enrollment.get(Enrollment.student == s.pupils[3])
    assert (gone.end, gone.end_reason) == (d("20.11.2026"), "departure")
    graduate = Enrollment.get(Enrollment.student == seniors[0])
    assert (graduate.end, graduate.end_reason) == (d("26.05.2027"), "graduation")
    left = Enrollment.get(Enrollment.student == seniors[1])
    assert (left.end, left.end_reason) == (d("01.03.2027"), "departure")
    # the load came along (subjects, teachers, subgroups), the timetable did not
    copied = [(r.title, r.teacher) for r in class_load(new["6А"].id)]
    assert copied[0] == ("Английский язык (1 группа)", "Сидорова А.") and len(copied) == 4
    assert Subgroup.select().where(Subgroup.school_class == new["6А"].id).count() == 2
    assert TimetableEntry.select().count() == 0
    # the old year stays readable: 5А of 2026/2027 with its four pupils
    old_roster = roster.class_roster(s.admin, s.class_a, SEP1, d("26.05.2027"))
    assert len(old_roster) == 4
    assert [c.name for c in list_classes(s.year_id)] == ["5А", "5Б", "11А"]
    with pytest.raises(ValidationError, match="2027/2028 уже есть"):
        promote_year(s.admin, s.year_id)
    entry = last_audit("year.promote")
    assert entry.user_id == s.admin.user_id and "11А→выпуск" in entry.new


def test_promotion_preview_matches(small):
    s = small
    preview = preview_promotion(s.year_id)
    assert (preview.year_name, preview.moved, preview.graduated, preview.courses) == ("2027/2028", 5, 0, 5)
    assert AuditEntry.select().where(AuditEntry.action == "year.promote").count() == 0
