"""The marks arithmetic of DOMAIN.md, with values worked by hand (models/journal/grading.py).

Averages, the suggested period mark with its rounding threshold and minimum number of marks,
and the class indicators (успеваемость, качество, СОУ, средний балл). The last tests check
the same arithmetic end to end: marks typed through the services, read back through the grid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.core import clock
from models.core.errors import ValidationError
from models.core.schema import WorkType
from models.journal import entries, grid
from models.journal.grading import (
    EXEMPT,
    NOT_CERTIFIED,
    Averages,
    averages,
    indicators,
    parse_absence,
    parse_final,
    parse_mark,
    round_mark,
    show_average,
    suggest_period_mark,
)
from models.school.identity import update_setting

D = Decimal
HALF, SIX, SIX_FIVE = D("0.5"), D("0.6"), D("0.65")


def avg_of(value: str, count: int = 3) -> Averages:
    """An average as the grid would hand it over (mean = weighted, for the rounding tests)."""
    return Averages(count, D(value), D(value))


# --- averages ------------------------------------------------------------------------------


def test_plain_and_weighted_average_by_hand():
    # marks 5 (w1), 4 (w2), 3 (w1.5):
    #   mean     = (5 + 4 + 3) / 3 = 12 / 3 = 4
    #   weighted = (5·1 + 4·2 + 3·1.5) / (1 + 2 + 1.5) = (5 + 8 + 4.5) / 4.5 = 17.5 / 4.5 = 3.888…
    avg = averages([(5, D("1")), (4, D("2")), (3, D("1.5"))])
    assert avg.count == 3
    assert avg.mean == 4
    assert avg.weighted == D("17.5") / D("4.5")
    assert show_average(avg.weighted) == "3,89"
    assert show_average(avg.mean) == "4,00"
    # the suggestion uses the weighted average: 3.888… has fraction .888 ≥ .5 → 4
    assert suggest_period_mark(avg, HALF, 3) == "4"


def test_weights_change_the_suggestion():
    # 5 (w1), 5 (w1), 3 (w2, контрольная): mean = 13/3 = 4.33 → would give 4;
    # weighted = (5 + 5 + 6) / 4 = 16 / 4 = 4.0 → 4 as well; now a 2 in a контрольная:
    # 5, 5, 2 (w2): mean = 12/3 = 4.0, weighted = (5 + 5 + 4) / 4 = 14 / 4 = 3.5 → 4 at 0.5,
    # but 3 at 0.6 (fraction .5 < .6)
    avg = averages([(5, D(1)), (5, D(1)), (2, D(2))])
    assert avg.mean == 4
    assert avg.weighted == D("3.5")
    assert suggest_period_mark(avg, HALF, 3) == "4"
    assert suggest_period_mark(avg, SIX, 3) == "3"


def test_no_marks_no_average():
    avg = averages([])
    assert avg == Averages(0, None, None)
    assert show_average(avg.mean) == ""
    assert suggest_period_mark(avg, HALF, 0) == NOT_CERTIFIED


def test_all_weights_zero_gives_no_weighted_average():
    # a mean exists (4), a weighted one does not (Σw = 0): no suggestion rather than a crash
    avg = averages([(4, D(0)), (4, D(0)), (4, D(0))])
    assert avg.mean == 4
    assert avg.weighted is None
    assert suggest_period_mark(avg, HALF, 3) == NOT_CERTIFIED


# --- the suggested period mark ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        # default threshold 0.5: "x.5 and above rounds up"
        ("4.5", HALF, "5"),  # 4 + 1 because .5 ≥ .5
        ("4.49", HALF, "4"),  # .49 < .5
        ("4.499999", HALF, "4"),
        ("3.5", HALF, "4"),
        ("2.5", HALF, "3"),
        ("2.49", HALF, "2"),
        ("5", HALF, "5"),  # never above 5
        ("1", HALF, "1"),
        ("1.2", HALF, "1"),
        # 0.6: 4.55 is not enough, 4.6 is
        ("4.55", SIX, "4"),
        ("4.59", SIX, "4"),
        ("4.6", SIX, "5"),
        ("4.5", SIX, "4"),
        # 0.65
        ("4.6", SIX_FIVE, "4"),
        ("4.64", SIX_FIVE, "4"),
        ("4.65", SIX_FIVE, "5"),
        ("3.66", SIX_FIVE, "4"),
    ],
)
def test_suggestion_at_the_threshold(value, threshold, expected):
    assert suggest_period_mark(avg_of(value), threshold, 3) == expected


def test_suggestion_from_real_marks_at_each_threshold():
    # 5, 4, 5, 4 (all w1): 18 / 4 = 4.5 → 5 at 0.5; 4 at 0.6 and at 0.65
    avg = averages([(5, D(1)), (4, D(1)), (5, D(1)), (4, D(1))])
    assert avg.weighted == D("4.5")
    assert [suggest_period_mark(avg, t, 3) for t in (HALF, SIX, SIX_FIVE)] == ["5", "4", "4"]
    # 5 (w1.5), 4 (w1): (7.5 + 4) / 2.5 = 11.5 / 2.5 = 4.6 → 5 at 0.5 and 0.6, 4 at 0.65
    avg = averages([(5, D("1.5")), (4, D(1)), (4, D(0))])
    assert avg.weighted == D("4.6")
    assert [suggest_period_mark(avg, t, 3) for t in (HALF, SIX, SIX_FIVE)] == ["5", "5", "4"]


def test_fewer_than_the_minimum_marks_is_not_certified():
    two = averages([(5, D(1)), (5, D(1))])
    three = averages([(5, D(1)), (5, D(1)), (4, D(1))])  # 14 / 3 = 4.67 → 5
    assert suggest_period_mark(two, HALF, 3) == NOT_CERTIFIED
    assert suggest_period_mark(three, HALF, 3) == "5"
    assert suggest_period_mark(three, HALF, 4) == NOT_CERTIFIED
    assert suggest_period_mark(two, HALF, 2) == "5"
    # a minimum of 0 still needs one mark
    assert suggest_period_mark(averages([(2, D(1))]), HALF, 0) == "2"


def test_round_mark_keeps_marks_between_1_and_5():
    assert round_mark(D("4.99"), HALF) == 5
    assert round_mark(D("5.00"), D("0.01")) == 5
    assert round_mark(D("1.00"), D("0.99")) == 1


# --- class indicators --------------------------------------------------------------------------


def test_class_indicators_by_hand():
    # a class of 10: 5, 5, 4, 3, 2, н/а, осв, зач (pass/fail subject), no marks, no marks
    # N = 10 − 1 (осв) − 1 (зач) − 2 (no marks) = 6; н/а stays in N
    marks = ["5", "5", "4", "3", "2", NOT_CERTIFIED, EXEMPT, "зач", None, None]
    ind = indicators(marks)
    assert (ind.n, ind.n5, ind.n4, ind.n3, ind.n2, ind.n_na) == (6, 2, 1, 1, 1, 1)
    # успеваемость = (2 + 1 + 1) · 100 / 6 = 400 / 6 = 66.67 %
    assert ind.success == D(400) / D(6)
    # качество = (2 + 1) · 100 / 6 = 50 %
    assert ind.quality == 50
    # СОУ = (100·2 + 64·1 + 36·1 + 16·1 + 7·1) / 6 = (200 + 64 + 36 + 16 + 7) / 6 = 323 / 6 = 53.83 %
    assert ind.sou == D(323) / D(6)
    assert show_average(ind.sou) == "53,83"
    # средний балл over the numeric marks only: (5 + 5 + 4 + 3 + 2) / 5 = 19 / 5 = 3.8
    assert ind.mean == D("3.8")


def test_class_indicators_everyone_excellent_or_exempt():
    # 5, 5, 4, осв: N = 3; успеваемость 100, качество 100, СОУ (200 + 64) / 3 = 88, mean 14/3
    ind = indicators(["5", "5", "4", EXEMPT])
    assert ind.n == 3
    assert ind.success == 100
    assert ind.quality == 100
    assert ind.sou == 88
    assert ind.mean == D(14) / D(3)


def test_class_indicators_a_one_counts_as_unsatisfactory():
    # 1 and 2 both fail: 3, 2, 1 → N = 3, успеваемость 100/3, качество 0,
    # СОУ = (36 + 16 + 16) / 3 = 68 / 3, mean = (3 + 2 + 1) / 3 = 2
    ind = indicators(["3", "2", "1"])
    assert (ind.n, ind.n3, ind.n2) == (3, 1, 2)
    assert ind.success == D(100) / D(3)
    assert ind.quality == 0
    assert ind.sou == D(68) / D(3)
    assert ind.mean == 2


def test_class_indicators_of_nobody():
    ind = indicators([EXEMPT, None, "зач", "незач"])
    assert ind.n == 0
    assert ind.success is ind.quality is ind.sou is ind.mean is None


def test_class_indicators_only_not_certified():
    # н/а only: N = 2, nothing passed, СОУ = 7·2 / 2 = 7, no numeric mark → no mean
    ind = indicators([NOT_CERTIFIED, NOT_CERTIFIED])
    assert (ind.n, ind.success, ind.quality, ind.sou, ind.mean) == (2, 0, 0, 7, None)


# --- parsing what a teacher types ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("5", 5), (" 4 ", 4), (1, 1), ("3", 3)])
def test_parse_mark_accepts_1_to_5(text, value):
    assert parse_mark(text) == value


@pytest.mark.parametrize("text", ["6", "0", "x", "", "4+", "-1", "5.0", "５"])
def test_parse_mark_refuses_the_rest(text):
    with pytest.raises(ValidationError, match="от 1 до 5"):
        parse_mark(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", "5"),
        ("н/а", NOT_CERTIFIED),
        ("НА", NOT_CERTIFIED),
        ("Осв", EXEMPT),
        ("освобождён", EXEMPT),
        ("зачёт", "зач"),
        ("незачет", "незач"),
    ],
)
def test_parse_final(text, value):
    assert parse_final(text) == value


@pytest.mark.parametrize("text", ["6", "отл", "0", "", "5-"])
def test_parse_final_refuses(text):
    with pytest.raises(ValidationError, match="Итоговая отметка"):
        parse_final(text)


def test_parse_absence():
    assert [parse_absence(c) for c in ("н", "Б", " у ", "о")] == ["н", "б", "у", "о"]
    with pytest.raises(ValidationError, match="Код пропуска"):
        parse_absence("x")


# --- properties -----------------------------------------------------------------------------------

WEIGHTS = [D("1"), D("1.5"), D("2"), D("0.5"), D("3")]
mark_lists = st.lists(st.tuples(st.integers(1, 5), st.sampled_from(WEIGHTS)), min_size=0, max_size=30)
thresholds = st.decimals(min_value=D("0.01"), max_value=D("0.99"), places=2)


@settings(max_examples=300, deadline=None)
@given(mark_lists, thresholds, st.integers(0, 20))
def test_suggestion_is_always_a_mark_or_not_certified(marks, threshold, min_marks):
    avg = averages(marks)
    suggestion = suggest_period_mark(avg, threshold, min_marks)
    assert suggestion in {"1", "2", "3", "4", "5", NOT_CERTIFIED}
    if len(marks) < max(min_marks, 1):
        assert suggestion == NOT_CERTIFIED
    else:
        # rounding never leaves the range of the marks themselves
        values = [v for v, _ in marks]
        assert min(values) <= int(suggestion) <= max(values)


@settings(max_examples=300, deadline=None)
@given(mark_lists.filter(bool))
def test_averages_lie_between_the_lowest_and_highest_mark(marks):
    avg = averages(marks)
    low, high = min(v for v, _ in marks), max(v for v, _ in marks)
    assert avg.count == len(marks)
    assert low <= avg.mean <= high
    assert low <= avg.weighted <= high
    if all(w == marks[0][1] for _, w in marks):  # equal weights: both averages agree
        assert abs(avg.weighted - avg.mean) < D("1e-20")


@settings(max_examples=200, deadline=None)
@given(mark_lists.filter(lambda m: len(m) >= 3), thresholds, thresholds)
def test_a_higher_threshold_never_suggests_more(marks, t1, t2):
    low, high = sorted((t1, t2))
    avg = averages(marks)
    assert int(suggest_period_mark(avg, high, 3)) <= int(suggest_period_mark(avg, low, 3))


finals = st.sampled_from(["5", "4", "3", "2", "1", NOT_CERTIFIED, EXEMPT, "зач", "незач", None])


@settings(max_examples=300, deadline=None)
@given(st.lists(finals, max_size=40))
def test_indicators_stay_within_their_bounds(marks):
    ind = indicators(marks)
    counted = [m for m in marks if m in {"5", "4", "3", "2", "1", NOT_CERTIFIED}]
    assert ind.n == len(counted)
    if ind.n == 0:
        assert ind.success is None
        return
    assert 0 <= ind.quality <= ind.success <= 100
    assert 7 <= ind.sou <= 100
    assert ind.n5 + ind.n4 + ind.n3 + ind.n2 + ind.n_na == ind.n
    if ind.mean is not None:
        assert 1 <= ind.mean <= 5


# --- the same arithmetic through the store --------------------------------------------------------


def test_grid_weighted_average_and_suggestion_from_typed_marks(small):
    """Marks 5 (ответ, w1), 4 (контрольная, w2), 3 (самостоятельная, w1.5) in three lessons."""
    weights = {wt.name: wt.id for wt in WorkType.select()}
    days = [dt.date(2026, 11, 9), dt.date(2026, 11, 10), dt.date(2026, 11, 11)]
    kinds = [None, weights["Контрольная работа"], weights["Самостоятельная работа"]]
    lessons = [
        entries.add_lesson(small.teacher, small.math_a, day, work_type_id=kind).id
        for day, kind in zip(days, kinds, strict=True)
    ]
    pupil, other_pupil = small.pupils[0], small.pupils[1]
    for lesson, value in zip(lessons, ("5", "4", "3"), strict=True):
        entries.set_mark(small.teacher, lesson, pupil, value)
    # a mark's own work type overrides the lesson's: a 2 (lesson without a type, w1) and a
    # 5 typed as контрольная (w2) in the same cell
    entries.set_mark(small.teacher, lessons[0], other_pupil, "2")
    entries.set_mark(
        small.teacher,
        lessons[0],
        other_pupil,
        "5",
        add=True,
        work_type_id=weights["Контрольная работа"],
    )

    g = grid.load_grid(small.teacher, small.math_a, small.q2)
    avg = g.averages(pupil)
    # (5·1 + 4·2 + 3·1.5) / (1 + 2 + 1.5) = 17.5 / 4.5 = 3.89; mean (5 + 4 + 3) / 3 = 4
    assert avg.count == 3
    assert avg.mean == 4
    assert show_average(avg.weighted) == "3,89"
    assert g.suggestion(pupil) == "4"
    # other pupil: 2·1 + 5·2 = 12 over weights 1 + 2 = 3 → 4; mean (2 + 5) / 2 = 3.5; 2 marks < 3
    other = g.averages(other_pupil)
    assert (other.count, other.mean, other.weighted) == (2, D("3.5"), D(4))
    # RUNNING_RULE: the 2nd quarter runs (today 28 Nov): the average so far, flagged a forecast
    assert g.suggestion(other_pupil) == "4" and g.forecast(other_pupil) and not g.forecast(pupil)
    # the setting lowers the minimum: a suggestion to confirm, not a forecast
    update_setting(small.admin, "min_marks_for_period", "2")
    g = grid.load_grid(small.teacher, small.math_a, small.q2)
    assert g.suggestion(other_pupil) == "4" and not g.forecast(other_pupil)
    # after the period's end (29 Dec) too few marks are н/а
    update_setting(small.admin, "min_marks_for_period", "3")
    clock.freeze(dt.date(2026, 12, 29))  # (the fixture pins the day again for the next test)
    g = grid.load_grid(small.teacher, small.math_a, small.q2)
    assert g.suggestion(other_pupil) == NOT_CERTIFIED and not g.forecast(other_pupil)


def test_running_rule_of_the_suggestion():
    """RUNNING_RULE: too few marks are a forecast while the period runs, н/а after it."""
    two = averages([(5, D(1)), (4, D(1))])
    assert suggest_period_mark(two, HALF, 3, running=True) == "5"
    assert suggest_period_mark(two, HALF, 3, running=False) == NOT_CERTIFIED
    assert suggest_period_mark(averages([]), HALF, 3, running=True) == NOT_CERTIFIED


def test_grid_suggestion_follows_the_school_threshold(small):
    # 5, 4, 5, 4 in four lessons: 4.5 → 5 at the default 0.5, 4 once the school sets 0.6
    days = [dt.date(2026, 11, d) for d in (9, 10, 11, 12)]
    for day, value in zip(days, ("5", "4", "5", "4"), strict=True):
        lesson = entries.add_lesson(small.teacher, small.math_a, day).id
        entries.set_mark(small.teacher, lesson, small.pupils[2], value)
    pupil = small.pupils[2]
    assert grid.load_grid(small.teacher, small.math_a, small.q2).suggestion(pupil) == "5"
    update_setting(small.admin, "rounding_threshold", "0,6")
    assert grid.load_grid(small.teacher, small.math_a, small.q2).suggestion(pupil) == "4"
