"""Marks arithmetic from DOMAIN.md: averages, the suggested period mark, class indicators.

Pure functions over plain values, so they are tested with numbers worked by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.core.errors import ValidationError

MARK_VALUES = (1, 2, 3, 4, 5)
ABSENCE_CODES = ("н", "б", "у", "о")
EXCUSED_CODES = ("б", "у")
LATE = "о"
ABSENCE_NAMES = {
    "н": "отсутствовал",
    "б": "болел",
    "у": "уважительная причина",
    "о": "опоздал",
}
NOT_CERTIFIED = "н/а"
EXEMPT = "осв"
PASSED = "зач"
FAILED = "незач"
FINAL_VALUES = ("5", "4", "3", "2", "1", NOT_CERTIFIED, EXEMPT, PASSED, FAILED)
NON_NUMERIC_FINALS = (EXEMPT, PASSED, FAILED)  # left out of averages

_FINAL_ALIASES = {
    "на": NOT_CERTIFIED,
    "н/а": NOT_CERTIFIED,
    "н\\а": NOT_CERTIFIED,
    "na": NOT_CERTIFIED,
    "осв": EXEMPT,
    "освобождён": EXEMPT,
    "освобожден": EXEMPT,
    "зач": PASSED,
    "зачёт": PASSED,
    "зачет": PASSED,
    "незач": FAILED,
    "незачёт": FAILED,
    "незачет": FAILED,
}


def parse_mark(text: object) -> int:
    """One current mark, 1–5; anything else is a readable ValidationError."""
    raw = str(text).strip()
    if raw in {"1", "2", "3", "4", "5"}:
        return int(raw)
    raise ValidationError(f"Отметка «{raw}» недопустима: ставятся отметки от 1 до 5.")


def parse_final(text: object) -> str:
    raw = str(text).strip().lower()
    if raw in FINAL_VALUES:
        return raw
    if raw in _FINAL_ALIASES:
        return _FINAL_ALIASES[raw]
    raise ValidationError(f"Итоговая отметка «{raw}» недопустима: 5, 4, 3, 2, 1, н/а, осв, зач или незач.")


def parse_absence(text: object) -> str:
    raw = str(text).strip().lower()
    if raw in ABSENCE_CODES:
        return raw
    raise ValidationError(f"Код пропуска «{raw}» недопустим: н, б, у или о.")


@dataclass(frozen=True)
class Averages:
    count: int
    mean: Decimal | None
    weighted: Decimal | None


def averages(marks: Iterable[tuple[int, Decimal]]) -> Averages:
    """Arithmetic mean and Σ(mark·weight)/Σ(weight) of (value, weight) pairs."""
    total = Decimal(0)
    weighted_total = Decimal(0)
    weights = Decimal(0)
    count = 0
    for value, weight in marks:
        w = Decimal(weight)
        total += value
        weighted_total += value * w
        weights += w
        count += 1
    if count == 0:
        return Averages(0, None, None)
    mean = total / count
    weighted = weighted_total / weights if weights else None
    return Averages(count, mean, weighted)


def round_mark(value: Decimal, threshold: Decimal) -> int:
    """Round with the school's threshold: fraction ≥ threshold rounds up (default 0.5)."""
    whole = int(value)  # marks are positive: int() is floor
    return min(5, whole + 1) if value - whole >= threshold else max(1, whole)


def suggest_period_mark(avg: Averages, threshold: Decimal, min_marks: int, running: bool = False) -> str:
    """The suggestion for a period mark (RUNNING_RULE): the weighted average rounded; with
    fewer than the minimum marks н/а, once the period is over — while it runs, the rounded
    average so far (a forecast: the reports count it and list the pupil as «грозит н/а»)."""
    if avg.weighted is None or avg.count < 1 or (avg.count < max(min_marks, 1) and not running):
        return NOT_CERTIFIED
    return str(round_mark(avg.weighted, threshold))


def suggestion_rule(min_marks: int) -> str:
    """RUNNING_RULE in words, for every legend that shows a suggested mark."""
    return (
        "Предложенная — средневзвешенная, округлённая по правилу школы; при отметках меньше "
        f"{max(min_marks, 1)} пока период идёт — средняя на сегодня (прогноз), после — н/а. "
        "Перешедшему из другого класса считаются отметки всего периода, после выбытия — никакие."
    )


def show_average(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).replace(".", ",")


# --- class indicators ---------------------------------------------------------------------


@dataclass(frozen=True)
class Indicators:
    n: int  # pupils counted (N)
    n5: int
    n4: int
    n3: int
    n2: int
    n_na: int
    success: Decimal | None  # успеваемость, %
    quality: Decimal | None  # качество знаний, %
    sou: Decimal | None  # степень обученности (Симонов), %
    mean: Decimal | None  # средний балл


def indicators(marks: Iterable[str | None]) -> Indicators:
    """Indicators over one mark per pupil (final or suggested; None: no marks at all).

    N leaves out exempt pupils (осв), pupils with no marks and pass/fail subjects; н/а stays
    in N. The caller has already left out pupils who left before the period ended.
    """
    counts = {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0, NOT_CERTIFIED: 0}
    for mark in marks:
        if mark in counts:
            counts[mark] += 1
    n5, n4, n3 = counts["5"], counts["4"], counts["3"]
    n2 = counts["2"] + counts["1"]  # 1 is unsatisfactory as 2 is
    n_na = counts[NOT_CERTIFIED]
    n = n5 + n4 + n3 + n2 + n_na
    if n == 0:
        return Indicators(0, 0, 0, 0, 0, 0, None, None, None, None)
    hundred = Decimal(100)
    success = (n5 + n4 + n3) * hundred / n
    quality = (n5 + n4) * hundred / n
    sou = Decimal(100 * n5 + 64 * n4 + 36 * n3 + 16 * n2 + 7 * n_na) / n
    numeric = n5 + n4 + n3 + counts["2"] + counts["1"]
    mean = Decimal(5 * n5 + 4 * n4 + 3 * n3 + 2 * counts["2"] + counts["1"]) / numeric if numeric else None
    return Indicators(n, n5, n4, n3, n2, n_na, success, quality, sou, mean)
