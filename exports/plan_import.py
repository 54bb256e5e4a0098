"""Reading a calendar-thematic plan (КТП) file into a ParsedPlan.

exports.tables reads the file (xlsx, ods or csv in UTF-8 or Windows-1251, ";", "," or tab:
the separator that gives the plan's header the most columns); models.imports.lesson_plan
finds the columns and reads every row into a lesson or a section (`parse_rows`).
"""

from __future__ import annotations

from pathlib import Path

from exports.tables import MAX_FILE_BYTES, read_file, read_table
from models.imports.lesson_plan import ParsedPlan, header_score, parse_rows

TOO_BIG = (
    "Файл «{name}» слишком большой для календарно-тематического плана ({mb} МБ; можно до "
    f"{MAX_FILE_BYTES // 1024 // 1024} МБ): проверьте, тот ли это файл."
)


def parse_bytes(data: bytes, name: str = "", *, year_start: int | None = None) -> ParsedPlan:
    """A plan file's bytes (`name` gives its extension and names it in the messages)."""
    fmt, rows = read_table(data, name, header_score)
    return parse_rows(rows, fmt, year_start=year_start)


def read_plan(path: str | Path, *, year_start: int | None = None) -> ParsedPlan:
    """Read a plan file (format by content, then by extension); «14.10» dates fall in the
    school year beginning in `year_start` (by default the one today is in)."""
    data, name = read_file(path, TOO_BIG)
    return parse_bytes(data, name, year_start=year_start)
