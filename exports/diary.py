"""Paper-diary duplicates (R8): a pupil's week (or any date range) as a diary page.

One sheet per pupil: the pupil's name, class and dates on top, then day by day the lessons
the pupil had (number, subject, homework, marks, absence), as a paper diary is ruled.
In xlsx the page is set for A4 portrait, the column header repeats on every page and each
week starts a new page. Read in bulk: a whole class in a handful of queries
(models.reports.extracts.class_diary).
"""

from __future__ import annotations

import datetime as dt

from exports.layout import Sheet
from models.core.access import Actor
from models.journal.attendance import last_full_week
from models.reports.extracts import ClassDiary, PupilDiary, class_diary

TITLE = "Дневник: {name}, {class_name} класс"
DATES = "с {start:%d.%m.%Y} по {end:%d.%m.%Y}"
HEADER = ("День", "№", "Предмет", "Домашнее задание", "Отметка", "Пропуск")
WIDTHS = (10, 4, 24, 52, 9, 9)
NO_LESSONS = "уроков нет"
LEGEND = "Пропуски: н — отсутствовал, б — болел, у — уважительная причина, о — опоздал."
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """Last week, Monday to Saturday: what a teacher copies into the paper diaries."""
    monday = last_full_week(today)
    return monday, monday + dt.timedelta(days=5)


def day_title(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d.%m}"


def pupil_sheet(pupil: PupilDiary, class_name: str, start: dt.date, end: dt.date) -> Sheet:
    sheet = Sheet(name=pupil.name, widths=WIDTHS, wrap={2, 3}, csv_name=pupil.name)
    sheet.title_rows.add(sheet.add(TITLE.format(name=pupil.full_name, class_name=class_name)))
    sheet.add(DATES.format(start=start, end=end))
    sheet.header_rows.add(sheet.add(*HEADER))
    sheet.boxed_from = len(sheet.rows) - 1
    for day in pupil.days:
        first = len(sheet.rows)
        if day.date.weekday() == 0 and first > sheet.boxed_from + 1:
            sheet.breaks.append(first)
        if not day.lessons:
            sheet.add(day_title(day.date), "", NO_LESSONS, "", "", "")
        for i, lesson in enumerate(day.lessons):
            sheet.add(
                day_title(day.date) if i == 0 else "",
                lesson.number,
                lesson.subject,
                lesson.homework_text,
                "/".join(str(m) for m in lesson.marks),
                lesson.absence or "",
            )
        sheet.bold_cells.add((first, 0))
        sheet.ruled.add(first)
    sheet.boxed_to = len(sheet.rows)
    sheet.add()
    sheet.add(LEGEND)
    return sheet


def diary_sheets(diary: ClassDiary) -> list[Sheet]:
    return [pupil_sheet(p, diary.class_name, diary.start, diary.end) for p in diary.pupils]


def build_diary(
    actor: Actor,
    class_id: int,
    start: dt.date,
    end: dt.date,
    student_ids: list[int] | None = None,
) -> tuple[ClassDiary, list[Sheet]]:
    """The diary pages of a class (or the given pupils) between two dates, one sheet each."""
    diary = class_diary(actor, class_id, start, end, student_ids)
    return diary, diary_sheets(diary)
