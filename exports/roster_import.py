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

The file is read into rows of cells by exports.tables (xlsx, ods, or CSV in UTF-8 or
Windows-1251, separated by ";", "," or tabs — both detected), the header found by
models.imports.headers. Every row is parsed field by field so that all its problems are
listed at once; a field with a problem is left out of the row (the row is then refused as a
whole by models.imports.class_list). A file that cannot be read as a table raises
ValidationError with a message saying what to do.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from exports.tables import read_file, read_table
from models.core.errors import ValidationError
from models.core.validation import clean_text, parse_date
from models.imports.class_list import (
    MAX_ROWS,
    NO_FIRST_NAME,
    NO_SURNAME,
    GuardianRow,
    ImportRow,
)
from models.imports.headers import cell_text, filled_rows, normalize_header, read_header
from models.imports.headers import find_header as find_header_row
from models.people.guardians import RELATIONS, clean_guardian
from models.people.roster import FIELD_LABELS, clean_student

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

TOO_BIG = "Файл «{name}» слишком большой ({mb} МБ) для списка класса."
NO_HEADER = (
    "Не найдена строка заголовков: в одной из первых строк должны быть столбцы «Фамилия» и «Имя» (или «ФИО»)."
)
CSV_HINT = (
    " Если названия столбцов на месте, проверьте кодировку файла "
    "(UTF-8 или Windows-1251) и разделитель («;» или «,»)."
)


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[ImportRow, ...]
    columns: tuple[str, ...]  # the recognised columns, as headed in the file
    ignored: tuple[str, ...]  # headers not recognised (left out)
    header_line: int
    fmt: str  # xlsx | ods | csv


# --- headers -----------------------------------------------------------------------------------


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


def _names_a_pupil(columns: Collection[tuple[str, str]]) -> bool:
    fields = {field for slot, field in columns if slot == "pupil"}
    return {"surname", "first_name"} <= fields or "fio" in fields


def find_header(rows: list[list]) -> tuple[int, dict[int, tuple[str, str]]] | None:
    """The header row's index and its columns (index → (slot, field)), or None."""
    return find_header_row(rows, column_of, _names_a_pupil)


def _header_score(rows: list[list]) -> int:
    found = find_header(rows)
    return len(found[1]) if found else 0


# --- names ---------------------------------------------------------------------------------------


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
    rows = filled_rows(rows)
    found = find_header([[cell_text(c) for c in r] for r in rows])
    if found is None:
        raise ValidationError(NO_HEADER + (CSV_HINT if fmt == "csv" else ""))
    index, columns = found
    header = read_header(rows[index], index, columns)
    parsed = []
    for line, cells in enumerate(rows[index + 1 :], start=index + 2):
        row = parse_row(line, cells, columns)
        if row is not None:
            parsed.append(row)
        if len(parsed) > MAX_ROWS:
            raise ValidationError(f"В файле больше {MAX_ROWS} строк: это не список класса. Проверьте файл.")
    return ParsedFile(
        rows=_mark_repeats(parsed),
        columns=header.titles,
        ignored=header.ignored,
        header_line=index + 1,
        fmt=fmt,
    )


def _mark_repeats(rows: list[ImportRow]) -> tuple[ImportRow, ...]:
    """The same pupil twice in the file: every later row says which one it repeats."""
    first_seen: dict[tuple, int] = {}
    out = []
    for row in rows:
        key = _birth_key(row)
        if key[0] and key[1] and key in first_seen:
            row = _with_problem(row, f"Повтор строки {first_seen[key]}.")
        elif key[0] and key[1]:
            first_seen[key] = row.line
        out.append(row)
    return tuple(out)


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
    data, name = read_file(path, TOO_BIG)
    return parse_bytes(data, name)


def parse_bytes(data: bytes, name: str = "") -> ParsedFile:
    fmt, rows = read_table(data, name, _header_score)
    return parse_table(rows, fmt)


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
