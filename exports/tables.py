"""Reading an imported file into rows of cells: the one reader of tables of every import
(a class list, staff, teaching load, a timetable).

The format is recognised by content, then by extension: xlsx or ods (the first sheet), or
CSV in UTF-8 (with or without BOM), UTF-16 with a BOM or Windows-1251, separated by ";",
"," or tabs — the separator that gives the import's header the most columns. What the rows
mean is the import's business (models.imports.headers and the import's own module). A file
that cannot be read as a table raises ValidationError with a message saying what to do.

openpyxl and odfpy are imported inside the readers: importing this module costs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from models.core.errors import ValidationError
from models.imports import class_list, school_sheets

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COLUMNS = 200
# enough rows for every import to see that a file is longer than it takes (a class list,
# staff, the load, a timetable), without reading a whole huge one: never fewer than the
# longest import allows, or its last rows would be dropped without a word
MAX_READ_ROWS = max(class_list.MAX_ROWS, school_sheets.MAX_ROWS) + 10
MAX_REPEATED_ROWS = 1000  # an ods row (or run of empty rows) repeated more is cut to this

# what a text file of a table is made of: letters, digits, punctuation, spaces
_PLAUSIBLE = re.compile(r"[\w\s.,;:!?'\"«»()\[\]/\\@#№%&*+=<>|_~^`{}$–—\-]", re.UNICODE)

# how many columns of the import's header a table's rows give (CSV: picks the separator)
HeaderScore = Callable[[list[list]], int]


def read_file(path: str | Path, too_big: str) -> tuple[bytes, str]:
    """A file's bytes and name; `too_big` is the refusal of a file over 10 MB, with {name}
    and {mb} to fill in."""
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            raise ValidationError(f"«{target}» — это папка, а нужен файл таблицы.")
        size = target.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(too_big.format(name=target.name, mb=size // 1024 // 1024))
        return target.read_bytes(), target.name
    except FileNotFoundError:
        raise ValidationError(f"Файла «{target}» нет.") from None
    except PermissionError:
        raise ValidationError(f"Нет прав на чтение файла «{target}».") from None
    except OSError as exc:
        raise ValidationError(f"Не удалось прочитать файл «{target}»: {exc.strerror}.") from None


def read_table(data: bytes, name: str, score: HeaderScore) -> tuple[str, list[list]]:
    """(format, rows) of a spreadsheet's first sheet or a CSV file."""
    ext = Path(name).suffix.lower().lstrip(".")
    label = f"«{name}»" if name else ""
    if not data.strip():
        raise ValidationError(f"Файл {label} пуст.".replace("  ", " "))
    if data.startswith(b"PK\x03\x04"):
        return _read_zip(data, label)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError(
            f"Файл {label} в старом формате Excel 97–2003 (xls): сохраните его как xlsx или csv."
        )
    if ext in ("xlsx", "xlsm", "ods"):
        kind = "книгой Excel (xlsx)" if ext != "ods" else "таблицей OpenDocument (ods)"
        raise ValidationError(f"Файл {label} не является {kind}: он повреждён или сохранён в другом формате.")
    return "csv", _read_csv(data, label, score)


def _read_zip(data: bytes, label: str) -> tuple[str, list[list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        raise ValidationError(
            f"Файл {label} повреждён: архив таблицы не читается. Сохраните его заново."
        ) from None
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
        return "ods", _read_ods(data, label)
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx", _read_xlsx(data, label)
    raise ValidationError(f"Файл {label} — не таблица (xlsx, ods или csv): например, документ или архив.")


def _read_xlsx(data: bytes, label: str) -> list[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise ValidationError(f"В книге {label} нет листов.")
            sheet = book.worksheets[0]
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append(list(row[:MAX_COLUMNS]))
                if len(rows) > MAX_READ_ROWS:
                    break
            return rows
        finally:
            book.close()
    except ValidationError:
        raise
    except Exception as exc:  # a broken file may fail anywhere inside openpyxl
        raise ValidationError(
            f"Книгу Excel {label} не удалось прочитать: файл повреждён ({type(exc).__name__})."
        ) from None


def _ods_cell_value(cell) -> object:
    from odf import teletype
    from odf.namespaces import OFFICENS

    kind = cell.attributes.get((OFFICENS, "value-type"))
    if kind == "date":
        text = cell.attributes.get((OFFICENS, "date-value"), "")
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    if kind in ("float", "percentage", "currency"):
        raw = cell.attributes.get((OFFICENS, "value"))
        try:
            number = float(raw)
            return int(number) if number.is_integer() else number
        except (TypeError, ValueError):
            pass
    from odf.text import P

    return "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))


def _ods_cells(row) -> list:
    """One ods row's cells, repeated cells expanded, without its empty tail."""
    from odf.namespaces import TABLENS

    cells: list = []
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
        value = _ods_cell_value(cell) if cell.qname[1] == "table-cell" else ""
        cells.extend([value] * min(repeat, MAX_COLUMNS - len(cells)))
        if len(cells) >= MAX_COLUMNS:
            break
    while cells and cells[-1] in ("", None):
        cells.pop()
    return cells


def _read_ods(data: bytes, label: str) -> list[list]:
    """The first sheet of an ods, repeated cells and rows expanded (but not the endless
    empty tail a spreadsheet program writes after the data)."""
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow

    try:
        document = load(io.BytesIO(data))
        sheets = document.spreadsheet.getElementsByType(Table)
        if not sheets:
            raise ValidationError(f"В таблице {label} нет листов.")
        rows: list[list] = []
        blank = 0  # empty rows not yet added: the endless empty tail never is
        for row in sheets[0].getElementsByType(TableRow):
            cells = _ods_cells(row)
            repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
            if not cells:
                blank += repeat
                continue
            rows.extend([[]] * min(blank, MAX_REPEATED_ROWS) + [cells] * min(repeat, MAX_REPEATED_ROWS))
            blank = 0
            if len(rows) > MAX_READ_ROWS:
                break
        return rows
    except ValidationError:
        raise
    except Exception as exc:  # odfpy raises many kinds on a broken document
        raise ValidationError(
            f"Таблицу {label} не удалось прочитать: файл повреждён ({type(exc).__name__})."
        ) from None


def decode_text(data: bytes, label: str = "") -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1251 — if it reads as text."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "cp1251"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        odd = sum(1 for ch in text if not _PLAUSIBLE.match(ch))
        if odd <= max(2, len(text) // 50):
            return text
    raise ValidationError(
        f"Файл {label} не похож на таблицу: это не xlsx, не ods и не текст CSV в кодировке "
        "UTF-8 или Windows-1251.".replace("  ", " ")
    )


def _read_csv(data: bytes, label: str, score: HeaderScore) -> list[list]:
    """The rows split by the separator that gives the import's header the most columns."""
    text = decode_text(data, label)
    best: list[list] | None = None
    best_score = -1
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        found = score(rows)
        if found > best_score:
            best, best_score = rows, found
    return best or []
