"""The class's missing-consent list (R4) as a spreadsheet the homeroom teacher can print and
take to the parents' meeting: one row per pupil and guardian to ask."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exports.files import free_path, safe_filename, write_private
from exports.layout import Sheet, render, render_csv
from models.core import clock
from models.people.classlist import MissingConsent

COLUMNS = (
    "№",
    "Учащийся",
    "Дата рождения",
    "Представитель",
    "Кем приходится",
    "Телефон",
    "Согласие получено (дата, подпись)",
)
NO_GUARDIAN = "представителя нет — согласие даёт учащийся или опекун"


def consent_rows(items: Sequence[MissingConsent]) -> list[tuple]:
    rows: list[tuple] = []
    for number, item in enumerate(items, 1):
        born = f"{item.student.birth_date:%d.%m.%Y}" if item.student.birth_date else ""
        guardians = item.guardians or (None,)
        for guardian in guardians:
            rows.append(
                (
                    number,
                    item.student.full_name,
                    born,
                    guardian.full_name if guardian else NO_GUARDIAN,
                    guardian.relation if guardian else "",
                    guardian.phone if guardian else "",
                    "",
                )
            )
    return rows


def consents_sheet(items: Sequence[MissingConsent], class_name: str) -> Sheet:
    """The list as a printable sheet: a title, the table with its header on every page."""
    title = f"Нет согласия на обработку ПДн, {class_name}"
    sheet = Sheet(name=title[:31], widths=(4, 28, 12, 28, 14, 16, 26), csv_name="Согласия")
    sheet.title_rows.add(sheet.add(title))
    sheet.add(f"На {clock.today():%d.%m.%Y}")
    sheet.header_rows.add(sheet.add(*COLUMNS))
    sheet.boxed_from = len(sheet.rows) - 1
    for row in consent_rows(items):
        sheet.add(*row)
    sheet.main = True
    return sheet


def write_missing_consents(
    folder: Path, items: Sequence[MissingConsent], class_name: str, fmt: str = "xlsx"
) -> Path:
    """A new private file (0600) in `folder`; returns its path. csv is UTF-8 with a BOM."""
    sheet = consents_sheet(items, class_name)
    name = safe_filename("Согласия", class_name, clock.today(), ext=fmt)
    data = render_csv(sheet) if fmt == "csv" else render([sheet], fmt)
    return write_private(free_path(folder, name), data)
