"""Reading a school's staff, teaching load or timetable file into a Sheet.

exports.tables reads the file (xlsx, ods or csv in UTF-8 or Windows-1251, ";", "," or tab:
the separator that gives this kind's header the most columns); models.imports.school_sheets
finds the columns (`parse_rows`), then checks, plans and writes the rows.
"""

from __future__ import annotations

from pathlib import Path

from exports.tables import read_file, read_table
from models.imports.school_sheets import Sheet, check_kind, header_score, parse_rows

TOO_BIG = "Файл «{name}» слишком большой для таблицы школы."


def parse_bytes(kind: str, data: bytes, name: str = "") -> Sheet:
    check_kind(kind)
    fmt, rows = read_table(data, name, lambda rows: header_score(kind, rows))
    return parse_rows(kind, rows, fmt)


def read_sheet(kind: str, path: str | Path) -> Sheet:
    """Read a staff, load or timetable file (format by content, then by extension)."""
    check_kind(kind)
    data, name = read_file(path, TOO_BIG)
    return parse_bytes(kind, data, name)
