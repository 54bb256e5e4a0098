"""The period analysis of a class (models/reports/analysis.py) on a small class, numbers worked by hand.

5А: Андреев (p0), Борисова (p1), Васильев (p2), Григорьева (p3) from the factory; Дмитриева
(p4) joins on 1 Sep and leaves on 20 Nov; Дмитриев moves in from 5Б on 12 Nov. Today is Sat
28 Nov 2026: the 1st quarter (1 Sep – 25 Oct) is over, the 2nd (5 Nov – 28 Dec) runs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core.access import SYSTEM
from models.core.errors import NotFound, PermissionDenied, ValidationError
from models.core.schema import WorkType
from models.core.settings import Settings
from models.journal import entries, subgroups
from models.journal.grading import EXEMPT, NOT_CERTIFIED, round_mark
from models.journal.grid import load_grid
from models.people import roster
from models.reports import analysis
from models.reports.analysis import class_analysis, pupil_category, rounded, year_mark
from models.school.calendar import periods_for_grade
from models.school.identity import update_setting
from tests.factory import SmallSchool

D = Decimal
Q2_DAYS = [dt.date(2026, 11, d) for d in (9, 10, 11, 12, 13, 16)]  # math L1…L6 (Mon–Mon)
RUS_DAYS = [dt.date(2026, 11, d) for d in (12, 17, 18)]  # russian R1…R3
Q1_DAYS = [dt.date(2026, 10, d) for d in (5, 6, 7)]


def work_type(name: str) -> int:
    return WorkType.get(WorkType.name == name).id


def plant(s: SmallSchool) -> dict:
    """The marks, absences and moves the tests below count by hand."""
    p0, p1, p2, p3 = s.pupils
    p4 = roster.add_student(
        s.homeroom, s.class_a, {"surname": "Дмитриева", "first_name": "Дарья"}, dt.date(2026, 9, 1)
    ).id
    p5 = s.pupils_b[0]  # Дмитриев Дмитрий, from 5Б
    roster.transfer_student(s.admin, p5, s.class_a, dt.date(2026, 11, 12))
    for period_id in (s.q1, s.q2):
        subgroups.assign_subgroup(s.homeroom, s.subgroup_ids[0], p4, period_id)
    subgroups.assign_subgroup(s.homeroom, s.subgroup_ids[1], p5, s.q2)

    math = [entries.add_lesson(s.teacher, s.math_a, day).id for day in Q2_DAYS]
    control = work_type("Контрольная работа")  # weight 2
    # Андреев: 5, 4 (контрольная, w2), 5/4 → Σ = 18, n = 4, mean 4.5;
    #   weighted (5 + 8 + 5 + 4) / (1 + 2 + 1 + 1) = 22 / 5 = 4.4 → 4
    entries.set_mark(s.teacher, math[0], p0, "5")
    entries.set_mark(s.teacher, math[1], p0, "4", work_type_id=control)
    entries.set_mark(s.teacher, math[2], p0, "5")
    entries.set_mark(s.teacher, math[2], p0, "4", add=True)
    # Борисова: 3, 4 → 3.5; two marks < 3: DOMAIN.md suggests н/а; so far it counts as 4
    entries.set_mark(s.teacher, math[0], p1, "3")
    entries.set_mark(s.teacher, math[1], p1, "4")
    # Васильев: 2, 3, 3 → 8/3 = 2.67 → 3; н (L4), б (L5), о (L6)
    for lesson, mark in zip(math[:3], "233", strict=True):
        entries.set_mark(s.teacher, lesson, p2, mark)
    entries.set_absence(s.teacher, math[3], p2, "н")
    entries.set_absence(s.teacher, math[4], p2, "б")
    entries.set_absence(s.teacher, math[5], p2, "о")
    # Дмитриева (leaves 20 Nov): 5, 5, 5 — left before the end: out of N
    for lesson in math[:3]:
        entries.set_mark(s.teacher, lesson, p4, "5")
    roster.leave_student(s.homeroom, p4, dt.date(2026, 11, 20), "в другую школу")

    rus = [entries.add_lesson(s.homeroom, s.russian_a, day).id for day in RUS_DAYS]
    for pupil, marks in ((p0, "555"), (p1, "445"), (p2, "344"), (p3, "223")):
        for lesson, mark in zip(rus, marks, strict=True):
            entries.set_mark(s.homeroom, lesson, pupil, mark)
    # English: Борисова is exempt (осв) this quarter
    entries.set_final_mark(s.teacher, s.english_a2, p1, s.q2, "осв")

    q1 = [entries.add_lesson(s.teacher, s.math_a, day).id for day in Q1_DAYS]
    for pupil, marks in ((p0, "544"), (p1, "45"), (p2, "334")):
        for lesson, mark in zip(q1, marks, strict=False):
            entries.set_mark(s.teacher, lesson, pupil, mark)
    entries.set_final_mark(s.teacher, s.math_a, p0, s.q1, "5")  # the teacher gave 5 for 4.33
    entries.set_final_mark(s.teacher, s.math_a, p2, s.q1, "3")
    entries.set_final_mark(s.teacher, s.math_a, p3, s.q1, "осв")
    return {"p4": p4, "p5": p5, "math": math, "rus": rus}


@pytest.fixture
def planted(small) -> tuple[SmallSchool, dict]:
    """On SQLite and PostgreSQL: the SQL of the analysis must be portable."""
    return small, plant(small)


@pytest.fixture
def planted_sqlite(small_sqlite) -> tuple[SmallSchool, dict]:
    return small_sqlite, plant(small_sqlite)


def test_per_pupil_and_subject_figures(planted):
    s, ids = planted
    p0, p1, p2, p3 = s.pupils
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    assert (a.class_name, a.title, a.ended) == ("5А", "2 четверть", False)
    andreev = a.pupil(p0).subjects[s.math]
    assert (andreev.count, andreev.mean, andreev.weighted) == (4, D("4.5"), D("4.4"))
    assert andreev.counts == (2, 2, 0, 0, 0)  # the double mark 5/4 counts as two
    assert (andreev.suggested, andreev.final, andreev.mark) == ("4", "", "4")
    borisova = a.pupil(p1).subjects[s.math]
    assert (borisova.count, borisova.weighted) == (2, D("3.5"))
    # too few marks while the period runs (RUNNING_RULE): the average so far, 3.5 → 4, flagged
    assert borisova.suggested == borisova.mark == "4" and borisova.too_few
    vasiliev = a.pupil(p2).subjects[s.math]
    assert (vasiliev.count, vasiliev.suggested) == (3, "3")
    assert vasiliev.weighted == D(8) / D(3)
    # н and б are missed lessons (one unexcused, one excused); о is late, not missed
    assert (vasiliev.lessons, vasiliev.missed, vasiliev.unexcused, vasiliev.excused) == (6, 2, 1, 1)
    assert vasiliev.late == 1
    # days: 13 Nov had only the math lesson (б) → a whole day; 12 Nov also had Russian
    assert a.pupil(p2).days_missed == 1
    assert a.pupil(p2).missed == 2 and a.pupil(p2).lessons == 6 + 3
    grigorieva = a.pupil(p3)
    assert grigorieva.subjects[s.math].count == 0 and grigorieva.subjects[s.math].mark is None
    assert grigorieva.subjects[s.russian].mark == "2"  # 2, 2, 3 → 7/3 = 2.33
    # the pupil who moved in on 12 Nov attends math lessons 4–6 and Russian 1–3 only
    newcomer = a.pupil(ids["p5"])
    assert newcomer.subjects[s.math].lessons == 3 and newcomer.subjects[s.russian].lessons == 3
    assert newcomer.category is None and not newcomer.departed
    leaver = a.pupil(ids["p4"])
    assert leaver.left_on == dt.date(2026, 11, 20) and leaver.departed
    assert a.pupil(p1).subjects[s.english].final == EXEMPT


def test_subject_indicators_leave_out_the_exempt_and_those_who_left(planted):
    s, _ = planted
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    math = a.subject(s.math)
    # counted: Андреев 4, Борисова 4 (so far), Васильев 3; Григорьева has no marks,
    # Дмитриева left on 20 Nov, Дмитриев has no marks → N = 3
    ind = math.indicators
    assert (ind.n, ind.n5, ind.n4, ind.n3, ind.n2, ind.n_na) == (3, 0, 2, 1, 0, 0)
    assert ind.success == 100
    assert ind.quality == D(200) / D(3)  # 2 · 100 / 3 = 66.67
    assert ind.sou == D(64 * 2 + 36) / 3  # 164 / 3 = 54.67
    assert ind.mean == D(11) / 3  # (4 + 4 + 3) / 3
    assert math.suggested == 3 and math.finals_missing == 0  # not over yet
    # the class's current marks: Дмитриева's three 5s are left out with her
    assert math.distribution == (2, 3, 3, 1, 0)
    rus = a.subject(s.russian).indicators
    # 5, 4, 4, 2 → N 4; успеваемость 3/4, качество 3/4, СОУ (100 + 128 + 16) / 4 = 61
    assert (rus.n, rus.success, rus.quality, rus.sou, rus.mean) == (4, 75, 75, 61, D("3.75"))
    english = a.subject(s.english).indicators
    assert english.n == 0 and english.success is None  # only an exempt pupil


def test_over_all_subjects_and_the_class(planted):
    s, _ = planted
    p0, p1, p2, p3 = s.pupils
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    assert [a.pupil(p).category for p in s.pupils] == ["4", "4", "3", "2"]
    assert a.good == ("Андреев Андрей", "Борисова Бэлла")
    assert a.excellent == ()
    assert a.one_three == (("Васильев Василий", "Математика"),)
    assert a.failing == (("Григорьева Галина", ("Русский язык",)),)
    ind = a.indicators  # N 4: two 4s, one 3, one 2
    assert (ind.n, ind.n4, ind.n3, ind.n2) == (4, 2, 1, 1)
    assert (ind.success, ind.quality, ind.sou) == (75, 50, 45)  # (128 + 36 + 16) / 4
    assert ind.mean == D(26) / 7  # 4, 5 | 4, 4 | 3, 4 | 2
    # the 1st quarter from its final marks: Андреев 5, Васильев 3, Григорьева осв
    prev = a.subject(s.math).previous
    assert (prev.n, prev.success, prev.quality) == (2, 100, 50)
    assert a.previous_title == "1 четверть" and a.previous.n == 2


def test_at_risk_with_reasons_and_the_pace_of_the_period(planted_sqlite):
    s, _ = planted_sqlite
    p0, p1, p2, p3 = s.pupils
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    risks = {r.name: [x.text for x in r.reasons] for r in a.at_risk}
    # 24 of 54 days gone: Борисова's two marks are on pace (3 · 24/54 = 1.33), no risk
    assert "Борисова Бэлла" not in risks
    assert risks["Григорьева Галина"] == [
        "Математика: нет отметок — грозит н/а",
        "Русский язык: «2» (предварительно)",
    ]
    assert risks["Васильев Василий"] == ["Математика: пропущено 33% уроков (2 из 6)"]
    assert [r.name for r in a.at_risk][0] == "Григорьева Галина"  # most reasons first
    assert "Дмитриева Дарья" not in risks  # left the class
    # the newcomer of 12 Nov has had lessons of both subjects and no mark yet
    assert risks["Дмитриев Дмитрий"] == [
        "Математика: нет отметок — грозит н/а",
        "Русский язык: нет отметок — грозит н/а",
    ]


def test_after_the_end_final_marks_count_and_too_few_marks_are_na(planted):
    s, _ = planted
    p0, p1, p2, p3 = s.pupils
    a = class_analysis(s.homeroom, s.class_a, s.q1)
    assert a.ended and a.previous is None
    andreev = a.pupil(p0).subjects[s.math]
    # 5, 4, 4 → 4.33 suggests 4; the teacher's final 5 counts
    assert (andreev.suggested, andreev.final, andreev.mark) == ("4", "5", "5")
    borisova = a.pupil(p1).subjects[s.math]
    assert borisova.mark == NOT_CERTIFIED and not borisova.final  # 2 marks, no final yet
    ind = a.subject(s.math).indicators  # 5, н/а, 3; Григорьева осв: out of N
    assert (ind.n, ind.n5, ind.n3, ind.n_na) == (3, 1, 1, 1)
    assert ind.success == D(200) / 3 and ind.quality == D(100) / 3
    assert ind.sou == D(100 + 36 + 7) / 3
    assert ind.mean == 4  # (5 + 3) / 2: н/а has no value
    # no final yet: Борисова (н/а suggested) and Дмитриева (in the class all quarter, no marks)
    assert a.subject(s.math).finals_missing == 2 and a.suggested == 1
    assert not a.on_final_marks
    risks = {r.name: [x.text for x in r.reasons] for r in a.at_risk}
    assert risks["Борисова Бэлла"] == ["Математика: 2 отм. при минимуме 3 — грозит н/а"]


def test_the_rounding_threshold_is_the_schools(planted_sqlite):
    s, _ = planted_sqlite
    p1 = s.pupils[1]
    # Борисова's 3.5 so far: 4 at "x.5 rounds up", 3 at x.6
    update_setting(s.admin, "rounding_threshold", "0.6")
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    assert a.pupil(p1).subjects[s.math].mark == "3"
    # Андреев's 4.4 and Васильев's 2.67: still 4 and 3 at 0.6 (0.67 ≥ 0.6)
    assert a.pupil(s.pupils[0]).subjects[s.math].mark == "4"
    assert a.pupil(s.pupils[2]).subjects[s.math].mark == "3"
    update_setting(s.admin, "rounding_threshold", "0.7")
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    assert a.pupil(s.pupils[2]).subjects[s.math].mark == "2"  # 0.67 < 0.7


def test_the_suggestions_agree_with_the_journal_grid(planted_sqlite):
    s, ids = planted_sqlite
    p0, p1, p2, _ = s.pupils
    a = class_analysis(s.homeroom, s.class_a, s.q2)
    grid = load_grid(s.homeroom, s.math_a, s.q2)
    compared = set()
    for pupil in grid.pupils:
        if grid.averages(pupil.student_id).count:
            cell = a.pupil(pupil.student_id).subjects[s.math]
            assert cell.suggested == grid.suggestion(pupil.student_id)
            assert cell.weighted == grid.averages(pupil.student_id).weighted
            compared.add(pupil.student_id)
    # the pupils planted with math marks in the 2nd quarter: Андреев, Борисова, Васильев and
    # Дмитриева (who left on 20 Nov, still in the grid)
    assert compared == {p0, p1, p2, ids["p4"]}


def test_the_year(planted_sqlite):
    s, _ = planted_sqlite
    p0, p1, p2, p3 = s.pupils
    a = class_analysis(s.homeroom, s.class_a, None)
    assert a.title == "2026/2027 год" and a.period_id is None and not a.ended
    andreev = a.pupil(p0).subjects[s.math]
    # quarters 1 (final 5) and 2 (4 so far); 3 and 4 nothing yet: (5 + 4) / 2 = 4.5 → 5
    assert andreev.period_marks == ("5", "4", "", "")
    assert andreev.mark == "5" and andreev.count == 3 + 4
    vasiliev = a.pupil(p2).subjects[s.math]
    assert vasiliev.period_marks[:2] == ("3", "3") and vasiliev.mark == "3"


@pytest.mark.parametrize(
    ("marks", "threshold", "expected"),
    [
        (["5", "4"], "0.5", "5"),  # 4.5 rounds up at x.5
        (["5", "4"], "0.6", "4"),  # but not at x.6
        (["5", "4", "4", "4", "4"], "0.6", "4"),  # 4.2
        (["4", "4", "5", "5", "5"], "0.6", "5"),  # 4.6 ≥ 4.6
        (["3", "", "осв"], "0.5", "3"),
        ([NOT_CERTIFIED], "0.5", NOT_CERTIFIED),
        (["осв", "осв"], "0.5", EXEMPT),
        (["", ""], "0.5", None),
    ],
)
def test_year_mark_from_the_period_marks(marks, threshold, expected):
    assert year_mark(marks, D(threshold)) == expected


@pytest.mark.parametrize(
    ("marks", "category"),
    [
        (["5", "5", "зач"], "5"),
        (["5", "4", "осв"], "4"),
        (["5", "3", "4"], "3"),
        (["5", "2"], "2"),
        (["2", NOT_CERTIFIED], NOT_CERTIFIED),
        (["незач", "5"], "2"),
        (["осв", "зач"], None),
        ([], None),
    ],
)
def test_pupil_category_over_all_subjects(marks, category):
    assert pupil_category(marks) == category


@settings(max_examples=300, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=40),
    data=st.data(),
    threshold=st.sampled_from(["0.5", "0.6", "0.65", "0.01", "0.99"]),
)
def test_integer_rounding_is_round_mark(count, data, threshold):
    weights = data.draw(st.lists(st.sampled_from([100, 150, 200, 115, 10]), min_size=count, max_size=count))
    values = data.draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    total = sum(v * w for v, w in zip(values, weights, strict=True))
    settings_ = Settings(rounding_threshold=D(threshold))
    expected = round_mark(D(total) / D(sum(weights)), D(threshold))
    assert rounded(total, sum(weights), settings_) == str(expected)


def test_pupils_and_guardians_are_refused(small_sqlite):
    s = small_sqlite
    for reader in (s.student, s.guardian):
        with pytest.raises(PermissionDenied):
            class_analysis(reader, s.class_a, s.q2)
        with pytest.raises(PermissionDenied):
            analysis.school_analysis(reader, s.year_id)
        with pytest.raises(PermissionDenied):
            analysis.analysis_classes(reader, s.year_id)


def test_bad_class_or_period(small_sqlite):
    s = small_sqlite
    with pytest.raises(NotFound):
        class_analysis(s.homeroom, 999_999, s.q2)
    grade_ten = [p.id for p in periods_for_grade(s.year_id, 10) if p.kind == "half"][0]
    with pytest.raises(ValidationError):
        class_analysis(s.homeroom, s.class_a, grade_ten)


def test_class_choices_and_the_whole_school(small_sqlite):
    s = small_sqlite
    mine = analysis.analysis_classes(s.homeroom, s.year_id)
    assert [(c.name, c.mine) for c in mine] == [("5А", True)]
    taught = analysis.analysis_classes(s.teacher, s.year_id)  # math in 5А and 5Б
    assert [c.name for c in taught] == ["5А", "5Б"] and not any(c.mine for c in taught)
    assert len(analysis.analysis_classes(s.admin, s.year_id)) == 2
    everything = analysis.school_analysis(SYSTEM, s.year_id)
    assert [(a.class_name, a.title) for a in everything] == [("5А", "2 четверть"), ("5Б", "2 четверть")]
    scopes = analysis.scope_choices(s.homeroom, s.class_a)
    assert [c.title for c in scopes] == [
        "1 четверть",
        "2 четверть",
        "3 четверть",
        "4 четверть",
        "2026/2027 год",
    ]


def test_a_pupil_who_moved_brings_the_periods_marks_and_what_follows_a_departure_counts_nowhere(
    planted,
):
    """PERIOD_RULE. Дмитриев (p5) was in 5Б until 11 Nov and is in 5А from 12 Nov: his math
    marks of the 2nd quarter in 5Б (5 on 9 Nov, 4 контрольная w2 on 10 Nov) and in 5А (3 on
    13 Nov) are one pupil's period: (5 + 8 + 3) / (1 + 2 + 1) = 16 / 4 = 4.0 → 4, three marks.
    5Б also has a lesson on 16 Nov, after he left, with a mark typed by mistake: it counts
    nowhere. Григорьева (p3) leaves on 23 Nov; the 2 typed in her lesson of 24 Nov does not count."""
    s, ids = planted
    p3, p5 = s.pupils[3], ids["p5"]
    control = work_type("Контрольная работа")
    b_days = (dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 16))
    in_b = [entries.add_lesson(s.teacher, s.math_b, day).id for day in b_days]
    # before the move the marks are typed in 5Б (the move is recorded afterwards in plant(),
    # so here they are written straight into the store, as the journal of 5Б then held them)
    from models.core.schema import Mark

    Mark.insert_many(
        [
            {"lesson": in_b[0], "student": p5, "value": 5, "position": 0},
            {"lesson": in_b[1], "student": p5, "value": 4, "position": 0, "work_type": control},
            {"lesson": in_b[2], "student": p5, "value": 2, "position": 0},  # after he left 5Б
        ]
    ).execute()
    entries.set_mark(s.teacher, ids["math"][4], p5, "3")  # 13 Nov, in 5А
    late = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, 24)).id
    entries.set_mark(s.teacher, late, p3, "2")
    roster.leave_student(s.homeroom, p3, dt.date(2026, 11, 23), "в другую школу")

    in_a = class_analysis(s.homeroom, s.class_a, s.q2).pupil(p5).subjects[s.math]
    assert (in_a.count, in_a.weighted, in_a.suggested) == (3, D(4), "4")
    # he sat in 5Б's lessons of 9 and 10 Nov and in 5А's of 12, 13, 16 Nov (and 24 Nov)
    assert in_a.lessons == 2 + 4
    in_b_report = class_analysis(s.homeroom, s.class_b, s.q2).pupil(p5)
    assert in_b_report.departed and in_b_report.subjects[s.math][:4] == in_a[:4]  # the same marks
    assert load_grid(s.homeroom, s.math_a, s.q2).averages(p5).weighted == D(4)
    assert load_grid(s.homeroom, s.math_a, s.q2).averages(p5).count == 3
    # the mark after the departure: kept in the store, counted nowhere
    grigorieva = class_analysis(s.homeroom, s.class_a, s.q2).pupil(p3)
    assert grigorieva.departed and grigorieva.subjects[s.math].count == 0
    assert load_grid(s.homeroom, s.math_a, s.q2).averages(p3).count == 0
    assert Mark.select().where((Mark.lesson == late) & (Mark.student == p3)).count() == 1
