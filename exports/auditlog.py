"""The audit log (R18) as a spreadsheet: every entry the filter matches, newest first, one
row each, for an inspection or a complaint ("who changed my child's mark?").

The same entries the log screen shows (models.reports.auditlog, scoped to the user); written new
and private (0600) through exports.run's writer, like every other export (xlsx, ods, csv;
`-` for csv to stdout); cells escaped against formula injection by exports.layout; and the
export itself recorded as "export.audit" (personal data leaving the system, 152-FZ).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from exports.files import safe_filename
from exports.layout import FORMATS, Sheet
from models.core import clock
from models.core.access import Actor
from models.core.errors import ValidationError
from models.reports.auditlog import MAX_EXPORT, AuditFilter, AuditPage, AuditRow, all_entries

AUDIT_KIND = "audit"  # models.people.credentials.record_export → the entry "export.audit"
TITLE = "Журнал изменений"
COLUMNS = (
    "№",
    "Когда",
    "Кто",
    "Логин",
    "Действие",
    "Учащийся",
    "Класс",
    "Предмет",
    "Урок",
    "О чём ещё",
    "Было",
    "Стало",
    "Откуда",
)
# one line per entry: wrapped cells would need row heights that neither openpyxl nor the
# spreadsheets work out, so long changes stay whole in their cell (cut only on paper)
WIDTHS = (5, 19, 18, 15, 29, 30, 6, 24, 15, 22, 20, 20, 13)
HEADER_ROW = 4
# cell borders triple openpyxl's time (measured: 14 000 entries, 5 s plain, 15 s boxed): a
# long log is a list to filter, a short one a page to print
BOXED_UP_TO = 2000


@dataclass(frozen=True)
class AuditExport:
    paths: tuple[Path, ...]  # () for stdout
    count: int  # entries written
    truncated: bool  # the filter matched more than MAX_EXPORT entries


def _lesson(row: AuditRow) -> str:
    if not row.lesson_date:
        return ""
    return f"{row.lesson_date:%d.%m.%Y}" + (f" № {row.lesson_number}" if row.lesson_number else "")


def entry_cells(number: int, row: AuditRow) -> list:
    return [
        number,
        f"{row.at:%d.%m.%Y %H:%M:%S}",
        row.who_short,
        row.login,
        row.what,
        row.pupil,
        row.class_name,
        row.subject,
        _lesson(row),
        row.about,
        row.old_text,
        row.new_text,
        row.source,
    ]


def audit_sheet(page: AuditPage, filters: AuditFilter, actor: Actor) -> Sheet:
    """The entries under a title that says what was chosen, by whom and when."""
    sheet = Sheet(name=TITLE, widths=WIDTHS, landscape=True, main=True)
    sheet.title_rows.add(sheet.add(TITLE))
    sheet.add(f"Отбор: {filters.describe()}")
    made = f"Выгрузил: {actor.name} ({actor.login}), {clock.now():%d.%m.%Y %H:%M}. Записей: {len(page.rows)}"
    if page.more:
        made += f" (только последние {len(page.rows)}: уточните отбор)"
    sheet.add(made + ".")
    sheet.add()
    sheet.header_rows.add(sheet.add(*COLUMNS))
    sheet.boxed_from = HEADER_ROW if len(page.rows) <= BOXED_UP_TO else None
    sheet.freeze = f"A{HEADER_ROW + 2}"
    for number, row in enumerate(page.rows, 1):
        sheet.add(*entry_cells(number, row))
    return sheet


def file_stem(filters: AuditFilter) -> str:
    words = ["Журнал_изменений"]
    if filters.pupil_name:
        words.append(filters.pupil_name.split(" (")[0])
    if filters.since:
        words.append(filters.since.isoformat())
    if filters.until:
        words.append(filters.until.isoformat())
    if not filters.since and not filters.until:
        words.append(clock.today().isoformat())
    return safe_filename(*words)


def export_audit(
    actor: Actor,
    filters: AuditFilter | None = None,
    *,
    fmt: str = "xlsx",
    out: str | os.PathLike[str] | None = None,
    stream: BinaryIO | None = None,
    cap: int = MAX_EXPORT,
) -> AuditExport:
    """Write the entries `actor` may read that `filters` match; `out` is a file, a folder
    (default: the export folder) or "-" (csv to `stream` or stdout). Audited per file."""
    from exports.run import export_target, write_document  # the writer every export shares
    from models.people.credentials import record_export

    fmt = (fmt or "").strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValidationError(f"Неизвестный формат файла «{fmt}»: можно xlsx, ods, csv или pdf.")
    filters = filters or AuditFilter()
    page = all_entries(actor, filters, cap=cap)  # refuses pupils and guardians
    target = export_target(actor, out, fmt, False, stream)
    sheet = audit_sheet(page, filters, actor)
    for where, _path in write_document(target, file_stem(filters), [sheet], fmt):
        record_export(actor, AUDIT_KIND, where, len(page.rows))
    return AuditExport(tuple(target.written), len(page.rows), page.more)
