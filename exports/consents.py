"""The class's missing-consent list (R4) as a spreadsheet the homeroom teacher can print and
take to the parents' meeting: one row per pupil and guardian to ask."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exports.files import export_csv, export_databook, safe_filename, write_private
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


def write_missing_consents(
    folder: Path, items: Sequence[MissingConsent], class_name: str, fmt: str = "xlsx"
) -> Path:
    """A new private file (0600) in `folder`; returns its path. csv is UTF-8 with a BOM."""
    import tablib

    title = f"Нет согласия на обработку ПДн, {class_name}"
    sheet = tablib.Dataset(*consent_rows(items), headers=COLUMNS, title=title[:31])
    name = safe_filename("Согласия", class_name, clock.today(), ext=fmt)
    data = export_csv(sheet) if fmt == "csv" else export_databook(tablib.Databook([sheet]), fmt)
    return write_private(folder / name, data)
