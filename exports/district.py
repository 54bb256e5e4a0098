"""The district's report as a document (issue 20): `journal export district-report --period N`
and the district administrator's screen write it as xlsx, ods, csv or pdf."""

from __future__ import annotations

from pathlib import Path

from exports.files import csv_separator, safe_filename
from exports.layout import Sheet
from exports.reports import IND_HEADER, avg
from exports.run import export_target, write_document
from models.core.access import Actor
from models.reports.analysis import percent
from models.reports.district import (
    ALL_GRADES,
    DistrictReport,
    DistrictRow,
    district_report,
    record_district_export,
)

HEADER = [
    "Школа",
    "Класс",
    "Классов",
    *IND_HEADER[2:],  # N, «5» … «2», н/а, успеваемость, качество, СОУ, средний балл
    "Пропущено уроков, %",
    "Без уважительной причины",
    "Семьи смотрят дневник (30 дней), %",
    "Уроков проведено",
    "Не закрыто в день урока, %",
    "Уроков без отметок",
    "Отметки с опозданием, %",
]


def _line(row: DistrictRow, named: bool = True) -> list:
    i = row.indicators
    return [
        row.school if named else "",
        "все" if row.grade == ALL_GRADES else f"{row.grade}-е",
        row.classes,
        i.n,
        i.n5,
        i.n4,
        i.n3,
        i.n2,
        i.n_na,
        percent(i.success),
        percent(i.quality),
        percent(i.sou),
        avg(i.mean),
        percent(row.missed_share),
        row.unexcused,
        percent(row.active_share),
        row.lessons_held,
        percent(row.not_closed_share),
        row.without_marks,
        percent(row.late_share),
    ]


def district_sheet(report: DistrictReport) -> Sheet:
    title = f"Отчёт района: {report.title}, на {report.today:%d.%m.%Y}"
    rows: list[list] = [[title], HEADER]
    bold: set[int] = set()
    previous = None
    for row in report.rows:  # the school named on its first line and on its total
        if row.grade == ALL_GRADES:
            bold.add(len(rows))
        rows.append(_line(row, row.school != previous or row.grade == ALL_GRADES))
        previous = row.school
    return Sheet(
        name="Район",
        rows=rows,
        widths=[28, 7, 8] + [6] * 6 + [12] * 11,
        title_rows={0},
        header_rows={1},
        bold_rows=bold,
        boxed_from=1,
        wrap={0},
        landscape=True,
        freeze="C3",
        csv_name="район",
        main=True,
    )


def export_district_report(
    actor: Actor,
    period: int | None,
    fmt: str,
    out: object = None,
    csv_sep: str | None = None,
    report: DistrictReport | None = None,
) -> list[Path | None]:
    """Write the district's report (`report`: the one on the screen, else read now); returns
    the files written (None: standard output)."""
    if report is None or report.period_number != period:
        report = district_report(actor, period)
    target = export_target(actor, out, fmt, False, None)
    target.csv_sep = csv_separator(csv_sep)
    base = safe_filename("Отчёт района", report.title)
    written = write_document(target, base, [district_sheet(report)], fmt)
    record_district_export(actor, report.title, ", ".join(where for where, _ in written))
    return [path for _, path in written]
