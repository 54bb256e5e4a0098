"""Reading a class list from a spreadsheet: xlsx, ods or csv, columns found by their headers.

The header row is the first row (of the first ten) naming both «Фамилия» and «Имя» (or one
«ФИО» column); headers are matched ignoring case, spaces and punctuation, "ё" = "е".
Columns (any order, any subset besides the names; unknown columns are listed and ignored):

    pupil       Фамилия, Имя, Отчество (or ФИО), Дата рождения, Пол, Телефон,
                Эл. почта (E-mail), Адрес, Дата прибытия, Откуда прибыл, Примечания
    guardians   "Родитель: Фамилия", "Родитель: Имя", "Родитель: Отчество" (or
                "Родитель: ФИО"), "Родитель: Телефон", "Родитель: Эл. почта", "Родство"
                (мать, отец, опекун, …); a second one as "Родитель 2: …" and "Родство 2";
                and/or "Мать" / "Отец" (full name), "Мать: Телефон", "Отец: Телефон", …
                ("Представитель" is the same as "Родитель").

CSV: UTF-8 (with or without BOM) or Windows-1251, separated by ";", "," or tabs — both
detected. Every row is parsed field by field so that all its problems are listed at once;
a field with a problem is left out of the row (the row is then refused as a whole by
models.imports.class_list). A file that cannot be read as a table raises ValidationError with a
message saying what to do.

openpyxl and odfpy are imported inside the readers: importing this module costs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from models.core.errors import ValidationError
from models.core.validation import clean_text, parse_date
from models.imports.class_list import (
    MAX_ROWS,
    NO_FIRST_NAME,
    NO_SURNAME,
    GuardianRow,
    ImportRow,
)
from models.people.guardians import RELATIONS, clean_guardian
from models.people.roster import FIELD_LABELS, clean_student

MAX_FILE_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 200

# normalized header → pupil field ("start", "arrived_from" and "fio" are the import's own)
PUPIL_COLUMNS = {
    "фамилия": "surname",
    "имя": "first_name",
    "отчество": "patronymic",
    "фио": "fio",
    "фамилияимяотчество": "fio",
    "датарождения": "birth_date",
    "пол": "sex",
    "телефон": "phone",
    "тел": "phone",
    "элпочта": "email",
    "электроннаяпочта": "email",
    "email": "email",
    "почта": "email",
    "адрес": "address",
    "адреспроживания": "address",
    "датаприбытия": "start",
    "датазачисления": "start",
    "откудаприбыл": "arrived_from",
    "прибылиз": "arrived_from",
    "примечания": "notes",
    "примечание": "notes",
}
# guardian column prefixes → slot; "мать"/"отец" fix the relation
GUARDIAN_PREFIXES = (
    ("родитель1", "1"),
    ("родитель2", "2"),
    ("родитель", "1"),
    ("представитель1", "1"),
    ("представитель2", "2"),
    ("представитель", "1"),
    ("мать", "мать"),
    ("отец", "отец"),
)
GUARDIAN_FIELDS = {
    "": "fio",
    "фио": "fio",
    "фамилия": "surname",
    "имя": "first_name",
    "отчество": "patronymic",
    "телефон": "phone",
    "тел": "phone",
    "элпочта": "email",
    "электроннаяпочта": "email",
    "email": "email",
    "почта": "email",
    "адрес": "address",
    "родство": "relation",
    "степеньродства": "relation",
}
RELATION_COLUMNS = {
    "родство": "1",
    "родство1": "1",
    "степеньродства": "1",
    "родство2": "2",
    "степеньродства2": "2",
}
LABELS = {
    **FIELD_LABELS,
    "fio": "ФИО",
    "start": "Дата прибытия",
    "arrived_from": "Откуда прибыл",
}
SLOT_NAMES = {"1": "Родитель", "2": "Родитель 2", "мать": "Мать", "отец": "Отец"}

# what a text file of a class list is made of: letters, digits, punctuation, spaces
_PLAUSIBLE = re.compile(r"[\w\s.,;:!?'\"«»()\[\]/\\@#№%&*+=<>|_~^`{}$–—\-]", re.UNICODE)


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[ImportRow, ...]
    columns: tuple[str, ...]  # the recognised columns, as headed in the file
    ignored: tuple[str, ...]  # headers not recognised (left out)
    header_line: int
    fmt: str  # xlsx | ods | csv


# --- headers -----------------------------------------------------------------------------------


def normalize_header(text: object) -> str:
    """ "Эл. почта" → "элпочта", "Родитель 2: Имя" → "родитель2имя", "E-mail" → "email"."""
    value = str(text or "").lower().replace("ё", "е")
    return re.sub(r"[^\w]|_", "", value)


def column_of(header: object) -> tuple[str, str] | None:
    """What a header names: ("pupil", field) or (slot, guardian field), or None."""
    key = normalize_header(header)
    if not key:
        return None
    if key in PUPIL_COLUMNS:
        return "pupil", PUPIL_COLUMNS[key]
    if key in RELATION_COLUMNS:
        return RELATION_COLUMNS[key], "relation"
    for prefix, slot in GUARDIAN_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in GUARDIAN_FIELDS:
            field = GUARDIAN_FIELDS[key[len(prefix) :]]
            if field == "relation" and slot in ("мать", "отец"):
                return None
            return slot, field
    return None


def find_header(rows: list[list[str]]) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """The header row's index and its columns (index → (slot, field)), or None."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {i: c for i, cell in enumerate(row) if (c := column_of(cell)) is not None}
        fields = {field for slot, field in columns.values() if slot == "pupil"}
        if {"surname", "first_name"} <= fields or "fio" in fields:
            return index, columns
    return None


# --- cells ---------------------------------------------------------------------------------------


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


def tidy_name(text: str) -> str:
    """ "ИВАНОВА-ПЕТРОВА" → "Иванова-Петрова": lists exported in capitals read normally."""
    if len(text) > 1 and text.isupper():
        return text.title()
    return text


def split_fio(text: str) -> dict:
    parts = str(text).split()
    out = {}
    for key, part in zip(("surname", "first_name", "patronymic"), parts, strict=False):
        out[key] = part
    if len(parts) > 3:
        out["patronymic"] = " ".join(parts[2:])
    return out


# --- rows --------------------------------------------------------------------------------------


def _clean_fields(raw: dict, clean, problems: list[str], prefix: str = "") -> tuple[dict, set]:
    """Each field checked alone, so that every problem of a row is listed at once.

    Returns the valid fields and the names of those that failed.
    """
    out: dict = {}
    failed: set[str] = set()
    for key, value in raw.items():
        if value in ("", None):
            continue
        if key in ("surname", "first_name", "patronymic") and isinstance(value, str):
            value = tidy_name(value)
        try:
            out.update(clean({key: value}))
        except ValidationError as exc:
            problems.append(f"{prefix}{exc}")
            failed.add(key)
    return out, failed


def _guardian(slot: str, raw: dict, problems: list[str]) -> GuardianRow | None:
    relation = str(raw.pop("relation", "") or "").strip().lower()
    if slot in ("мать", "отец"):
        relation = slot
    fio = raw.pop("fio", "")
    for key, value in split_fio(fio).items() if fio else ():
        if not raw.get(key):
            raw[key] = value
    if not any(v not in ("", None) for v in raw.values()):
        if relation and slot not in ("мать", "отец"):
            problems.append(f"{SLOT_NAMES[slot]}: указано родство, но нет фамилии и имени.")
        return None
    prefix = f"{SLOT_NAMES[slot]}: "
    card, _failed = _clean_fields(raw, clean_guardian, problems, prefix)
    if not card.get("surname") or not card.get("first_name"):
        problems.append(f"{prefix}нужны фамилия и имя.")
    if relation and relation not in RELATIONS:
        problems.append(f"{prefix}степень родства «{relation}» — одно из {', '.join(RELATIONS)}.")
        relation = ""
    return GuardianRow(card, relation)


def parse_row(line: int, cells: list, columns: dict[int, tuple[str, str]]) -> ImportRow | None:
    """One data row → an ImportRow with its problems; None for an empty row."""
    values = [cell_text(c) for c in cells]
    if not any(v not in ("", None) for v in values):
        return None
    pupil: dict = {}
    slots: dict[str, dict] = {}
    for index, (slot, field) in columns.items():
        value = values[index] if index < len(values) else ""
        if slot == "pupil":
            pupil[field] = value
        else:
            slots.setdefault(slot, {})[field] = value
    problems: list[str] = []
    fio = pupil.pop("fio", "")
    for key, value in split_fio(fio).items() if fio else ():
        if not pupil.get(key):
            pupil[key] = value
    start_raw = pupil.pop("start", "")
    arrived_raw = pupil.pop("arrived_from", "")
    card, failed = _clean_fields(pupil, clean_student, problems)
    missing = [
        message
        for key, message in (("surname", NO_SURNAME), ("first_name", NO_FIRST_NAME))
        if key not in card and key not in failed
    ]
    problems[:0] = missing
    start = None
    try:
        start = parse_date(start_raw, LABELS["start"])
    except ValidationError as exc:
        problems.append(str(exc))
    arrived_from = ""
    try:
        arrived_from = clean_text(arrived_raw, 200)
    except ValidationError as exc:
        problems.append(f"{LABELS['arrived_from']}: {exc}")
    guardians = []
    for slot in sorted(slots, key=lambda s: ("1", "2", "мать", "отец").index(s)):
        guardian = _guardian(slot, dict(slots[slot]), problems)
        if guardian is not None:
            guardians.append(guardian)
    return ImportRow(
        line=line,
        student=card,
        start=start,
        arrived_from=arrived_from,
        guardians=tuple(guardians),
        problems=tuple(dict.fromkeys(problems)),
    )


def _birth_key(row: ImportRow) -> tuple:
    s = row.student
    return (
        (s.get("surname") or "").lower(),
        (s.get("first_name") or "").lower(),
        s.get("birth_date"),
    )


def parse_table(rows: list[list], fmt: str = "csv") -> ParsedFile:
    """The class list in a table's rows (header first, within the first ten rows)."""
    rows = [list(r) for r in rows]
    while rows and not any(cell_text(c) not in ("", None) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationError("Файл пуст: в нём нет ни одной заполненной строки.")
    found = find_header([[cell_text(c) for c in r] for r in rows])
    if found is None:
        hint = (
            " Если названия столбцов на месте, проверьте кодировку файла "
            "(UTF-8 или Windows-1251) и разделитель («;» или «,»)."
            if fmt == "csv"
            else ""
        )
        raise ValidationError(
            "Не найдена строка заголовков: в одной из первых строк должны быть столбцы "
            "«Фамилия» и «Имя» (или «ФИО»)." + hint
        )
    header_index, columns = found
    header = rows[header_index]
    used: dict[tuple[str, str], str] = {}
    for index, column in columns.items():
        title = str(cell_text(header[index]))
        if column in used:
            raise ValidationError(f"Столбцы «{used[column]}» и «{title}» означают одно и то же.")
        used[column] = title
    ignored = tuple(
        str(cell_text(cell))
        for i, cell in enumerate(header)
        if i not in columns and cell_text(cell) not in ("", None)
    )
    parsed = []
    for offset, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        row = parse_row(offset, cells, columns)
        if row is not None:
            parsed.append(row)
        if len(parsed) > MAX_ROWS:
            raise ValidationError(f"В файле больше {MAX_ROWS} строк: это не список класса. Проверьте файл.")
    # the same pupil twice in the file: every later row says which one it repeats
    first_seen: dict[tuple, int] = {}
    out = []
    for row in parsed:
        key = _birth_key(row)
        if key[0] and key[1] and key in first_seen:
            row = _with_problem(row, f"Повтор строки {first_seen[key]}.")
        elif key[0] and key[1]:
            first_seen[key] = row.line
        out.append(row)
    return ParsedFile(
        rows=tuple(out),
        columns=tuple(used.values()),
        ignored=ignored,
        header_line=header_index + 1,
        fmt=fmt,
    )


def _with_problem(row: ImportRow, problem: str) -> ImportRow:
    return ImportRow(
        row.line,
        row.student,
        row.start,
        row.arrived_from,
        row.guardians,
        tuple(dict.fromkeys((*row.problems, problem))),
    )


# --- files -------------------------------------------------------------------------------------


def read_roster(path: str | Path) -> ParsedFile:
    """Read a class list file: its format is recognised by content, then by extension."""
    target = Path(path).expanduser()
    name = target.name
    try:
        if target.is_dir():
            raise ValidationError(f"«{target}» — это папка, а нужен файл таблицы.")
        size = target.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                f"Файл «{name}» слишком большой ({size // 1024 // 1024} МБ) для списка класса."
            )
        data = target.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"Файла «{target}» нет.") from None
    except PermissionError:
        raise ValidationError(f"Нет прав на чтение файла «{target}».") from None
    except OSError as exc:
        raise ValidationError(f"Не удалось прочитать файл «{target}»: {exc.strerror}.") from None
    return parse_bytes(data, name)


def parse_bytes(data: bytes, name: str = "") -> ParsedFile:
    fmt, rows = read_table(data, name)
    return parse_table(rows, fmt)


def read_table(data: bytes, name: str = "") -> tuple[str, list[list]]:
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
    return "csv", _read_csv(data, label)


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
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
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
            repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
            if not cells:
                blank += repeat
                continue
            rows.extend([[]] * min(blank, MAX_ROWS) + [cells] * min(repeat, MAX_ROWS))
            blank = 0
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1000:
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


def _read_csv(data: bytes, label: str) -> list[list]:
    text = decode_text(data, label)
    best: list[list] | None = None
    best_score = -1
    for delimiter in (";", ",", "\t"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        found = find_header(rows)
        score = len(found[1]) if found else 0
        if score > best_score:
            best, best_score = rows, score
    return best or []


# --- the preview as text (the command line; the app shows the same words) -------------------


def pupils_word(count: int) -> str:
    """ "Импортировать 1 учащегося", "… 3 учащихся", "… 21 учащегося"."""
    return "учащегося" if count % 10 == 1 and count % 100 != 11 else "учащихся"


def row_summary(row: ImportRow) -> str:
    """ "Иванов Иван Иванович, 01.02.2015 · мать: Иванова Ольга" — what a row will add."""
    text = row.name or "(без имени)"
    born = row.student.get("birth_date")
    if born:
        text += f", {born:%d.%m.%Y}"
    if row.start:
        text += f", прибыл {row.start:%d.%m.%Y}"
    for guardian in row.guardians:
        relation = guardian.relation or "представитель"
        text += f" · {relation}: {guardian.name or '?'}"
    return text


def preview_lines(parsed: ParsedFile, preview) -> list[str]:
    """The preview for a terminal: the columns found, every row, its problems, a total."""
    lines = [f"Столбцы: {', '.join(parsed.columns)}"]
    if parsed.ignored:
        lines.append(f"Не распознаны и пропущены: {', '.join(parsed.ignored)}")
    lines.append(
        f"Класс {preview.class_name}, дата прибытия {preview.start:%d.%m.%Y} (если в строке не указана своя)."
    )
    for row in preview.rows:
        mark = "ок" if row.valid else "ОШИБКА"
        lines.append(f"  стр. {row.line:>3}  {mark:<6}  {row_summary(row.row)}")
        for name in row.links:
            lines.append(f"                   уже есть в школе, будет связан: {name}")
        for problem in row.problems:
            lines.append(f"                   — {problem}")
    bad = len(preview.invalid)
    lines.append(f"Строк: {len(preview.rows)}, без ошибок: {len(preview.rows) - bad}, с ошибками: {bad}.")
    return lines
