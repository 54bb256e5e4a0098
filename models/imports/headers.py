"""An imported table as the imports understand it: its cells as plain values, and its header.

exports/ reads a file (xlsx, ods or csv) into rows of cells; what the rows mean is decided
here and by the import that uses them. The header row is one of the first ten rows; its
headers are matched ignoring case, spaces and punctuation, "ё" = "е"; a table with two
columns meaning the same thing is refused, unknown columns are listed and left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from models.core.errors import ValidationError

HEADER_SEARCH_ROWS = 10
EMPTY_FILE = "Файл пуст: в нём нет ни одной заполненной строки."

Column = TypeVar("Column")


def normalize_header(text: object) -> str:
    """ "Эл. почта" → "элпочта", "Родитель 2: Имя" → "родитель2имя", "E-mail" → "email"."""
    value = str(text or "").lower().replace("ё", "е")
    return re.sub(r"[^\w]|_", "", value)


def cell_text(value: object) -> object:
    """A spreadsheet cell as text, keeping dates as dates (phones typed as numbers too)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "да" if value else "нет"
    return " ".join(str(value).split())


def is_blank(cells: Iterable) -> bool:
    return not any(cell_text(c) not in ("", None) for c in cells)


def filled_rows(rows: Iterable[Sequence]) -> list[list]:
    """The table without its empty tail; a table with nothing in it is refused."""
    out = [list(r) for r in rows]
    while out and is_blank(out[-1]):
        out.pop()
    if not out:
        raise ValidationError(EMPTY_FILE)
    return out


def find_header(
    rows: Sequence[Sequence],
    column_of: Callable[[object], Column | None],
    enough: Callable[[Collection[Column]], bool],
) -> tuple[int, dict[int, Column]] | None:
    """The first of the first ten rows whose headers name `enough` columns: its index and
    what each of its columns names (cell index → column), or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {i: c for i, cell in enumerate(row) if (c := column_of(cell)) is not None}
        if enough(columns.values()):
            return index, columns
    return None


def no_header(what: str, expected: str, fmt: str) -> ValidationError:
    """The refusal of a table with no header row: `what` (« плана» or ""), the columns
    expected; a CSV file is also told to check its encoding and separator."""
    hint = (
        " Если названия столбцов на месте, проверьте кодировку (UTF-8 или Windows-1251) "
        "и разделитель («;» или «,»)."
        if fmt == "csv"
        else ""
    )
    return ValidationError(
        f"Не найдена строка заголовков{what}: в одной из первых строк должны быть столбцы {expected}.{hint}"
    )


@dataclass(frozen=True)
class Header:
    index: int  # the header row's index in the table
    titles: tuple[str, ...]  # the recognised columns, as headed in the file
    ignored: tuple[str, ...]  # headers not recognised (left out)


def read_header(row: Sequence, index: int, columns: Mapping[int, object]) -> Header:
    """The header row's titles; two columns that mean the same thing are refused."""
    used: dict[object, str] = {}
    for i, column in columns.items():
        title = str(cell_text(row[i]))
        if column in used:
            raise ValidationError(f"Столбцы «{used[column]}» и «{title}» означают одно и то же.")
        used[column] = title
    ignored = tuple(
        str(cell_text(cell))
        for i, cell in enumerate(row)
        if i not in columns and cell_text(cell) not in ("", None)
    )
    return Header(index, tuple(used.values()), ignored)
