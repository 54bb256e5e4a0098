"""The report card (табель, R10): a class's results for a period or the year, per pupil.

Sheet «Табель»: a block per pupil, to cut out and paste into the paper diary — each subject's
mark (the final one; while the teacher has not set it, the suggested one, labelled
«предварительно»), averages, missed lessons, then absences in lessons and whole days,
excused and unexcused, and room for signatures. In xlsx blocks never split across pages.
Sheet «Сводная»: pupils × subjects. Sheet «Показатели»: the class's indicators.

The marks, suggestions, averages and indicators are models.reports.analysis's (the same numbers
the analysis screen shows); the split of missed days into excused and unexcused comes from
models.reports.extracts over the same dates.
"""

from __future__ import annotations

from exports.layout import Sheet
from exports.reports import (
    PRELIMINARY,
    avg,
    indicators_sheet,
    ledger_sheet,
    scope_line,
)
from models.core import clock
from models.core.access import Actor
from models.reports.analysis import ClassAnalysis, PupilRow, class_analysis
from models.reports.extracts import AbsenceCount, absence_counts, class_range

TITLE = "Табель успеваемости: {name}, {class_name} класс"
AS_OF = "Предварительные итоги на {day:%d.%m.%Y}: период ещё не окончен."
LESSONS_LINE = (
    "Пропущено уроков: {missed}, из них по уважительной причине: {excused}, "
    "без уважительной причины: {unexcused}. Опозданий: {late}."
)
DAYS_LINE = (
    "Пропущено дней: {days}, из них по уважительной причине: {excused}, "
    "без уважительной причины: {unexcused}."
)
SIGNATURES = "Классный руководитель: {homeroom} ____________      Подпись родителя: ____________"
NO_MARKS = "нет отметок"
SUGGESTED = "({mark})"  # a period's mark the teacher has not set yet, in the year's card
YEAR_LEGEND = "В скобках — предварительная отметка за период: учитель её ещё не выставил."
TOO_FEW = ": мало отметок, грозит н/а"
PAGE_ROWS = 48  # rows of the default font on an A4 portrait page with these margins


def _block(
    a: ClassAnalysis,
    pupil: PupilRow,
    year: str,
    days: AbsenceCount,
    homeroom: str,
    period_names: list[str],
) -> tuple[list[list], set[int], set[int], tuple[int, int]]:
    """The rows of one pupil's card, its title rows, header rows and boxed span (relative)."""
    by_year = bool(period_names)
    rows: list[list] = [[TITLE.format(name=pupil.name, class_name=a.class_name)], [scope_line(a, year)]]
    if not a.ended:
        rows.append([AS_OF.format(day=clock.today())])
    if by_year:
        header = ["Предмет", *period_names, "Год", "Примечание", "Пропущено уроков"]
    else:
        header = ["Предмет", "Отметка", "Примечание", "Ср. балл", "Ср. взвеш.", "Пропущено уроков"]
    first_boxed = len(rows)
    rows.append(header)
    for subject in a.subjects:
        cell = pupil.subjects.get(subject.subject_id)
        if cell is None:
            continue
        mark = cell.final or cell.mark or ""
        if cell.final:
            note = ""
        elif not mark:
            note = NO_MARKS
        else:
            note = PRELIMINARY + (TOO_FEW if cell.too_few else "")
        if by_year:
            confirmed = (list(cell.period_set) + [True] * len(cell.period_marks))[: len(cell.period_marks)]
            shown = [
                m if (not m or ok) else SUGGESTED.format(mark=m)
                for m, ok in zip(cell.period_marks, confirmed, strict=True)
            ]
            marks = shown + [""] * (len(period_names) - len(shown))
            year = mark if cell.final or not mark else SUGGESTED.format(mark=mark)
            rows.append([subject.name, *marks[: len(period_names)], year, note, cell.missed])
        else:
            rows.append([subject.name, mark, note, avg(cell.mean), avg(cell.weighted), cell.missed])
    boxed = (first_boxed, len(rows))
    late = sum(c.late for c in pupil.subjects.values())
    rows.append(
        [
            LESSONS_LINE.format(
                missed=pupil.missed, excused=pupil.excused, unexcused=pupil.unexcused, late=late
            )
        ]
    )
    rows.append(
        [DAYS_LINE.format(days=pupil.days_missed, excused=days.days_excused, unexcused=days.days_unexcused)]
    )
    if by_year:
        rows.append([YEAR_LEGEND])
    rows.append([SIGNATURES.format(homeroom=homeroom or "____________")])
    return rows, {0}, {first_boxed}, boxed


def card_sheet(
    a: ClassAnalysis,
    year: str,
    days: dict[int, AbsenceCount],
    homeroom: str,
    period_names: list[str],
    only: int | None = None,
    among: set[int] | None = None,
) -> Sheet:
    """Every current pupil's card (or only one pupil's, or those `among`), one block after
    another, never split across pages."""
    sheet = Sheet(name="Табель", csv_name="Табель")
    page = 0
    for pupil in a.pupils:
        if (pupil.departed and only is None) or (only is not None and pupil.student_id != only):
            continue
        if among is not None and pupil.student_id not in among:
            continue
        rows, titles, headers, (b0, b1) = _block(
            a, pupil, year, days.get(pupil.student_id, AbsenceCount()), homeroom, period_names
        )
        start = len(sheet.rows)
        if start and page + len(rows) > PAGE_ROWS:
            sheet.breaks.append(start)
            page = 0
        for row in rows:
            sheet.rows.append(row)
        sheet.add()
        page += len(rows) + 1
        sheet.title_rows |= {start + r for r in titles}
        sheet.header_rows |= {start + r for r in headers}  # bold, boxed, wrapped; not repeated
        sheet.boxes.append((start + b0, start + b1))
    if period_names:
        sheet.widths = (28, *([11] * len(period_names)), 6, 18, 10)
        sheet.wrap = {len(period_names) + 2}
    else:
        sheet.widths = (28, 9, 18, 9, 10, 10)
        sheet.wrap = {2}
    return sheet


def report_card_sheets(
    a: ClassAnalysis,
    year: str,
    days: dict[int, AbsenceCount],
    homeroom: str,
    period_names: list[str],
) -> list[Sheet]:
    card = card_sheet(a, year, days, homeroom, period_names)
    ledger = ledger_sheet(a, year, "Сводная")
    ledger.main = True
    summary = indicators_sheet(a, year, "Показатели")
    return [card, ledger, summary]


def build_report_card(
    actor: Actor,
    class_id: int,
    period_id: int | None,
    year: str,
    homeroom: str = "",
    period_names: list[str] | None = None,
    student_id: int | None = None,
    among: set[int] | None = None,
) -> tuple[ClassAnalysis, list[Sheet]]:
    """The report card of a class for a period (or the year: `period_id` None, with the
    periods' names for the columns); with `student_id`, that pupil's card alone."""
    a = class_analysis(actor, class_id, period_id)
    data = class_range(actor, class_id, a.start, min(a.end, max(a.start, clock.today())))
    days, _ = absence_counts(data)
    names = list(period_names or []) if period_id is None else []
    if student_id is not None or among is not None:
        card = card_sheet(a, year, days, homeroom, names, only=student_id, among=among)
        card.main = True
        return a, [card]
    return a, report_card_sheets(a, year, days, homeroom, names)
