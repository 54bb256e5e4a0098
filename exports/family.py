"""What a pupil or guardian downloads from the diary in the browser: the week as a
paper-diary page and the period's marks as a report card, both A4 PDF (exports.pdf).

Read through the diary's own services (models.reports.diary: a guardian sees only their own
children), written to the user's own folder (exports.paths), then delivered by the app.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from exports.diary import pupil_sheet
from exports.files import free_path, safe_filename, write_private
from exports.layout import Sheet
from exports.paths import user_folder
from exports.pdf import render_pdf
from models.core.access import Actor
from models.reports.diary import Child, period_marks, periods_of, week
from models.reports.extracts import PupilDiary

CARD_TITLE = "Табель успеваемости: {name}, {class_name} класс"
CARD_PERIOD = "{period}: {start:%d.%m.%Y} – {end:%d.%m.%Y}"
CARD_HEADER = ("Предмет", "Отметки", "Ср. балл", "Ср. взвеш.", "Итог")
CARD_NOTE = "Итог пуст, пока учитель не выставил отметку за период; средние — по текущим отметкам."


def _write(actor: Actor, name: str, data: bytes) -> Path:
    return write_private(free_path(user_folder(actor.user_id), name), data)


def week_pdf(actor: Actor, child: Child, monday: dt.date) -> Path:
    """The child's week (Monday to Saturday) as one paper-diary page."""
    days = week(actor, child.student_id, monday)
    saturday = monday + dt.timedelta(days=5)
    pupil = PupilDiary(child.student_id, child.name, child.name, tuple(days))
    sheet = pupil_sheet(pupil, child.class_name, monday, saturday)
    name = safe_filename("Дневник", child.name, monday, saturday, ext="pdf")
    return _write(actor, name, render_pdf([sheet]))


def card_pdf(actor: Actor, child: Child, period_id: int) -> Path:
    """The child's marks of a period as a report card."""
    period = next((p for p in periods_of(actor, child.student_id) if p[0] == period_id), None)
    rows = period_marks(actor, child.student_id, period_id)
    sheet = Sheet(name="Табель", widths=(30, 50, 10, 11, 8), wrap={0, 1})
    sheet.title_rows.add(sheet.add(CARD_TITLE.format(name=child.name, class_name=child.class_name)))
    if period is not None:
        sheet.add(CARD_PERIOD.format(period=period[1], start=period[2], end=period[3]))
    sheet.header_rows.add(sheet.add(*CARD_HEADER))
    sheet.boxed_from = len(sheet.rows) - 1
    for row in rows:
        marks = " ".join(str(v) for _, v, _ in row.marks)
        sheet.add(row.subject, marks, row.mean_text, row.weighted_text, row.final)
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(CARD_NOTE)
    label = period[1] if period is not None else str(period_id)
    name = safe_filename("Табель", child.name, label, ext="pdf")
    return _write(actor, name, render_pdf([sheet]))
