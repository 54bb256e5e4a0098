"""What every export shares: private files, Russian-safe names, spreadsheet bytes.

Exports carry personal data (152-FZ) and sometimes one-time passwords, so a file is created
with mode 0600, never overwrites another file and never survives half-written. Cells are
escaped against formula injection: a pupil's name such as "=HYPERLINK(...)" stays text.

tablib is imported lazily and openpyxl / odfpy only inside the export functions, so that
importing this module costs the application's start nothing.
"""

from __future__ import annotations

import copy
import errno
import os
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.core.errors import StorageError, ValidationError

if TYPE_CHECKING:
    import tablib

FORMATS = ("xlsx", "ods")

# Control characters are invalid in XML (xlsx, ods) and make openpyxl raise.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A text cell starting with these may be run as a formula by a spreadsheet opening a CSV.
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters kept in file names besides letters and digits (Cyrillic included).
_NAME_KEEP = "-.№"
_NAME_MAX_BYTES = 200  # well under the 255-byte limit of ext4, NTFS and FAT (UTF-8 Cyrillic = 2 bytes)


# --- files -------------------------------------------------------------------------------------


def _storage_message(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Не хватает места на диске, файл «{path.name}» не записан."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Нет прав на запись в папку «{path.parent}», файл не записан."
    if exc.errno == errno.ENOENT:
        return f"Папки «{path.parent}» нет, файл не записан."
    if exc.errno == errno.ENAMETOOLONG:
        return f"Слишком длинное имя файла «{path.name}», файл не записан."
    return f"Не удалось записать файл «{path.name}»: {exc.strerror or exc}."


def write_private(path: str | os.PathLike[str], data: bytes) -> Path:
    """Create `path` readable by its owner only (0600) and write `data` to it, durably.

    An existing file (or symlink, or folder) at `path` is never overwritten: ValidationError.
    A failure while writing (full disk, no rights) raises StorageError and removes the
    partial file, so a file either holds the whole export or does not exist.
    """
    target = Path(path)
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        raise ValidationError(
            f"Файл «{target.name}» уже существует. Выберите другое имя или папку."
        ) from None
    except OSError as exc:
        raise StorageError(_storage_message(target, exc)) from exc
    try:
        os.fchmod(fd, 0o600)  # whatever the umask: owner only
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        try:
            os.unlink(target)
        except OSError:
            pass
        raise StorageError(_storage_message(target, exc)) from exc
    os.close(fd)
    return target


def free_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name_2, name_3 … if taken: an export never replaces a file."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists() or path.is_symlink():
        path = folder / f"{stem}_{n}{suffix}"
        n += 1
    return path


def safe_filename(*parts: object, ext: str = "") -> str:
    """A file name from parts, safe on Linux, Windows and flash drives, Cyrillic kept.

    safe_filename("Реквизиты", "5А", date(2026, 11, 28), ext="xlsx")
        == "Реквизиты_5А_2026-11-28.xlsx"
    Spaces, path separators and other punctuation become "_"; a leading dot is dropped
    (no hidden files, no ".."); an empty result becomes "export".
    """
    words = []
    for part in parts:
        text = unicodedata.normalize("NFC", str(part))
        text = "".join(ch if ch.isalnum() or ch in _NAME_KEEP else "_" for ch in text)
        text = re.sub(r"_+", "_", text).strip("_")
        if text:
            words.append(text)
    stem = re.sub(r"_+", "_", "_".join(words)).lstrip(".-_")
    suffix = ""
    if ext:
        clean = "".join(ch for ch in ext.lstrip(".") if ch.isalnum())
        suffix = f".{clean}" if clean else ""
    budget = _NAME_MAX_BYTES - len(suffix.encode())
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    return (stem.rstrip("._") or "export") + suffix


# --- cells ---------------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    """openpyxl stores every string starting with "=" as a formula: keep it text."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value.startswith("="):
            return "'" + value
    return value


def _ods_cell(value: Any) -> Any:
    # odfpy writes strings as text cells (never formulas); only XML-illegal characters matter.
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


def _csv_cell(value: Any) -> Any:
    """The usual CSV injection guard: a text cell that a spreadsheet could run gets a "'"."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(_CSV_TRIGGERS):
        return "'" + value
    return value


def _clean_dataset(ds: tablib.Dataset, clean) -> tablib.Dataset:
    """`ds` itself if no cell needs changing, else a cleaned deep copy (the caller's stays intact)."""
    rows = [tuple(row) for row in ds]
    headers = list(ds.headers) if ds.headers else None
    separators = list(getattr(ds, "_separators", []))
    new_rows = [tuple(clean(v) for v in row) for row in rows]
    new_headers = [clean(h) for h in headers] if headers else None
    new_separators = [(i, clean(text)) for i, text in separators]
    if new_rows == rows and new_headers == headers and new_separators == separators:
        return ds
    out = copy.deepcopy(ds)
    for i, row in enumerate(new_rows):
        if row != rows[i]:
            out[i] = row
    if new_headers != headers:
        out.headers = new_headers
    if new_separators != separators:
        out._separators = new_separators
    return out


# --- spreadsheets --------------------------------------------------------------------------------


def export_databook(book: tablib.Databook, fmt: str = "xlsx") -> bytes:
    """The workbook as xlsx or ods bytes; every cell that looks like a formula stays text.

    xlsx: tablib's own escape (escape=True) plus a "'" before any text starting with "="
    (tablib's escape drops only one "=", so "==1+1" would still be a formula), control
    characters removed, columns as wide as their content (column_width="adaptive").
    """
    import tablib

    if fmt not in FORMATS:
        raise ValidationError(f"Неизвестный формат файла «{fmt}»: можно xlsx или ods.")
    clean = _xlsx_cell if fmt == "xlsx" else _ods_cell
    safe = tablib.Databook([_clean_dataset(ds, clean) for ds in book.sheets()])
    if fmt == "xlsx":
        return safe.export("xlsx", escape=True, column_width="adaptive")
    return safe.export("ods")


CSV_SEPARATORS = {";": ";", ",": ",", "tab": "\t"}  # --csv-sep: the name → the character
DEFAULT_CSV_SEP = ";"  # what a Russian Excel opens into columns (its list separator)


def csv_separator(name: str | None) -> str:
    """The separator character for `--csv-sep` (";" by default), or ValidationError."""
    key = DEFAULT_CSV_SEP if name in (None, "") else str(name).strip().lower()
    key = "tab" if key in ("\t", "таб", "табуляция") else key
    if key not in CSV_SEPARATORS:
        raise ValidationError(f"Разделитель csv «{name}» неизвестен: можно «;» (по умолчанию), «,» или tab.")
    return CSV_SEPARATORS[key]


def _decimal_comma(value: Any) -> Any:
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


def export_csv(ds: tablib.Dataset, *, escape: bool = True, sep: str = DEFAULT_CSV_SEP) -> bytes:
    """One sheet as CSV for Excel: UTF-8 with BOM, CRLF lines, formula triggers escaped; by
    default ";" between columns and decimal commas (a Russian Excel's settings), with
    sep="," numbers keep their point."""
    if escape:
        ds = _clean_dataset(ds, _csv_cell)
    if sep != ",":
        ds = _clean_dataset(ds, _decimal_comma)
    return ds.export("csv", delimiter=sep).encode("utf-8-sig")
