"""Credential slips (R2, R3, R19) and the export machinery they share (exports/files.py)."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import stat
from pathlib import Path

import openpyxl
import pytest
import tablib

from exports import files
from exports.files import export_csv, export_databook, safe_filename, write_private
from exports.slips import CUT_LINE, build_slips, guide_lines, write_slips
from models.core.errors import StorageError, ValidationError
from models.people import accounts
from models.people.accounts import IssuedCredential

MOTHER = IssuedCredential(11, "andreeva.o", "rq4t-7twh-h9dq", "Андреева Ольга Петровна", "guardian")
PUPIL = IssuedCredential(12, "sidorov.k", "k7mn-3pqr-x2vz", "Сидоров Кирилл Андреевич", "student")
EVIL = IssuedCredential(13, "cmd.x", "aaaa-bbbb-cccc", "=cmd()", "guardian")
PEOPLE = [MOTHER, PUPIL]
COMMON = {
    "school": "МБОУ СОШ № 7",
    "class_name": "5А",
    "connect_hint": "ssh -p 2222 {login}@school-server",
}


def xlsx_lines(path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.max_column == 1  # one line of a slip per row
    return [row[0] if row[0] is not None else "" for row in ws.iter_rows(values_only=True)]


def blocks_of(lines: list[str]) -> list[list[str]]:
    blocks, current = [], []
    for line in lines:
        if line == CUT_LINE:
            blocks.append(current)
            current = []
        else:
            current.append(line)
    return [*blocks, current]


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# --- slips ---------------------------------------------------------------------------------------


def test_xlsx_slips_one_person_per_block(tmp_path):
    path = write_slips(tmp_path / "slips.xlsx", PEOPLE, "xlsx", pupils={11: "Андреев Пётр Ильич"}, **COMMON)
    assert path == tmp_path / "slips.xlsx"
    assert mode_of(path) == 0o600
    blocks = blocks_of(xlsx_lines(path))
    assert len(blocks) == 2
    for block, me, other in ((blocks[0], MOTHER, PUPIL), (blocks[1], PUPIL, MOTHER)):
        text = "\n".join(block)
        assert me.person in text and me.login in text and me.password in text
        assert other.person not in text
        assert other.login not in text
        assert other.password not in text
        assert text.count("Для: ") == 1
    mother, pupil = ("\n".join(b) for b in blocks)
    assert "Для: Андреева Ольга Петровна — родитель учащегося Андреев Пётр Ильич" in mother
    assert "Для: Сидоров Кирилл Андреевич — учащийся 5А класса" in pupil
    assert "Логин: andreeva.o" in mother
    assert "Пароль: rq4t-7twh-h9dq  (одноразовый)" in mother
    assert "Вход: ssh -p 2222 andreeva.o@school-server" in mother
    assert "Вход: ssh -p 2222 sidorov.k@school-server" in pupil
    assert "Электронный дневник — МБОУ СОШ № 7, класс 5А" in mother
    assert "Выдано: 28.11.2026" in mother  # the pinned test day
    for text in (mother, pupil):
        assert "При первом входе нужно сменить пароль на свой." in text
    # the guardian's guide (8 lines, child switching) and the pupil's (7 lines, no switching)
    assert all(line in blocks[0] for line in guide_lines())
    assert all(line in blocks[1] for line in guide_lines("student"))
    assert "Tab" in mother and "Tab" not in pupil


def test_xlsx_print_layout(tmp_path):
    people = [
        IssuedCredential(i, f"user{i}", f"pass-{i:04d}-word", f"Человек {i}", "guardian") for i in range(1, 6)
    ]
    path = write_slips(tmp_path / "five.xlsx", people, **COMMON)
    ws = openpyxl.load_workbook(path).worksheets[0]
    # a guardian's slip is 17 rows (7 lines, a blank, the guide's heading and 8 lines),
    # the cut-off between slips 3 rows (blank, cut line, blank): slips start at 1, 21, 41, …
    starts = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("Электронный")]
    assert starts == [1, 21, 41, 61, 81]
    assert ws.cell(21 + 2, 1).value == "Логин: user2"
    assert ws.cell(21 + 2, 1).font.name == "Courier New"
    assert ws.cell(21 + 3, 1).font.name == "Courier New"
    # two slips to a page: breaks above the 3rd and 5th slips (after rows 40 and 80)
    assert [b.id for b in ws.row_breaks.brk] == [40, 80]
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.column_dimensions["A"].width > len(guide_lines()[4])


def test_ods_slips(tmp_path):
    path = write_slips(tmp_path / "slips.ods", PEOPLE, "ods", **COMMON)
    assert mode_of(path) == 0o600
    book = tablib.Databook().load(path.read_bytes(), format="ods", headers=False)
    (sheet,) = book.sheets()
    assert sheet.title == "Реквизиты 5А"
    lines = [row[0] for row in sheet]
    blocks = blocks_of(lines)
    assert len(blocks) == 2
    assert "Для: Андреева Ольга Петровна — родитель учащегося 5А класса" in blocks[0]
    assert "Пароль: k7mn-3pqr-x2vz  (одноразовый)" in blocks[1]
    assert not any(MOTHER.person in line for line in blocks[1])


def test_slips_refuse_overwrite(tmp_path):
    path = write_slips(tmp_path / "slips.xlsx", PEOPLE, **COMMON)
    before = path.read_bytes()
    with pytest.raises(ValidationError, match="уже существует"):
        write_slips(path, [PUPIL], **COMMON)
    assert path.read_bytes() == before


def test_formula_like_name_stays_text(tmp_path):
    path = write_slips(tmp_path / "evil.xlsx", [EVIL, PUPIL], **COMMON)
    ws = openpyxl.load_workbook(path).worksheets[0]
    cells = [c for (c,) in ws.iter_rows(max_col=1) if c.value and "cmd()" in c.value]
    assert [c.value for c in cells] == ["Для: =cmd() — родитель учащегося 5А класса"]
    assert all(c.data_type == "s" for c in ws["A"] if c.value is not None)


def test_slips_validation(tmp_path):
    with pytest.raises(ValidationError, match="Нет реквизитов"):
        write_slips(tmp_path / "a.xlsx", [], **COMMON)
    with pytest.raises(ValidationError, match="как подключиться"):
        build_slips(PEOPLE, school="Школа", class_name="5А", connect_hint="  ")
    with pytest.raises(ValidationError, match="повторяются"):
        build_slips([MOTHER, MOTHER], **COMMON)
    with pytest.raises(ValidationError, match="формат"):
        write_slips(tmp_path / "a.docx", PEOPLE, "docx", **COMMON)
    assert list(tmp_path.iterdir()) == []


def test_build_slips_shape():
    book = build_slips(PEOPLE, **COMMON)
    (sheet,) = book.sheets()
    assert sheet.width == 1
    # guardian slip 17 lines + cut-off 3 + pupil slip 16 lines
    assert sheet.height == 17 + 3 + 16
    assert sheet[17] == ("",) and sheet[18] == (CUT_LINE,)


def test_guide_lines():
    guardian, pupil = guide_lines(), guide_lines("student")
    assert len(guardian) == 8 and len(pupil) == 7
    assert [line.split(".")[0] for line in guardian] == [str(n) for n in range(1, 9)]
    text = "\n".join(guardian)
    for needle in (
        "логин и пароль",
        "← и →",
        "оценки",
        "Tab",
        "классному руководителю",
        "Никому не передавайте пароль",
    ):
        assert needle in text
    assert all(len(line) <= 85 for line in guardian)


def test_slips_from_issued_credentials(small_sqlite, tmp_path):
    s = small_sqlite
    mother = accounts.issue_credentials(s.homeroom, guardian_id=s.guardian_id)
    pupil = accounts.issue_credentials(s.homeroom, student_id=s.pupils[0])
    path = write_slips(tmp_path / "real.xlsx", [mother, pupil], **COMMON)
    blocks = blocks_of(xlsx_lines(path))
    assert f"Для: {mother.person} — родитель учащегося 5А класса" in blocks[0]
    assert f"Пароль: {pupil.password}  (одноразовый)" in blocks[1]
    assert mother.person not in "\n".join(blocks[1])


# --- files ---------------------------------------------------------------------------------------


def test_write_private(tmp_path):
    path = write_private(tmp_path / "a.bin", b"\x00data")
    assert path.read_bytes() == b"\x00data"
    assert mode_of(path) == 0o600
    with pytest.raises(ValidationError, match="«a.bin» уже существует"):
        write_private(path, b"other")
    assert path.read_bytes() == b"\x00data"


def test_write_private_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        path = write_private(tmp_path / "b.bin", b"x")
    finally:
        os.umask(old)
    assert mode_of(path) == 0o600


def test_write_private_refuses_symlink(tmp_path):
    target = tmp_path / "target"
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(ValidationError):
        write_private(tmp_path / "link", b"x")
    assert not target.exists()


def test_write_private_missing_folder(tmp_path):
    with pytest.raises(StorageError, match="Папки"):
        write_private(tmp_path / "nowhere" / "a.xlsx", b"x")


def test_write_private_full_disk_leaves_nothing(tmp_path, monkeypatch):
    real_write, calls = os.write, []

    def short_then_full(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "write", short_then_full)
    with pytest.raises(StorageError, match="Не хватает места"):
        write_private(tmp_path / "full.xlsx", b"0123456789")
    assert calls == [10, 7]  # a short write is continued, then the disk is full
    assert list(tmp_path.iterdir()) == []


def test_safe_filename():
    assert safe_filename("Реквизиты", "5А", dt.date(2026, 11, 28), ext="xlsx") == (
        "Реквизиты_5А_2026-11-28.xlsx"
    )
    assert safe_filename("Реквизиты_5А_2026-11-28.xlsx") == "Реквизиты_5А_2026-11-28.xlsx"
    assert safe_filename("Табель 10 Б/В", "ученик: Ёлкин?", ext=".ods") == ("Табель_10_Б_В_ученик_Ёлкин.ods")
    assert safe_filename("../../etc/passwd") == "etc_passwd"
    assert safe_filename(".hidden") == "hidden"
    assert safe_filename("", "  ", ext="csv") == "export.csv"
    assert safe_filename("Школа № 7") == "Школа_№_7"
    long = safe_filename("Я" * 300, ext="xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 200


# --- spreadsheets ---------------------------------------------------------------------------------


def test_export_databook_escapes_formulas():
    ds = tablib.Dataset(title="Лист")
    ds.headers = ["ФИО", "Балл"]
    ds.append(["=cmd()", 5])
    ds.append(["==1+1", 4.5])
    ds.append(["Иван\x07", "+1"])
    data = export_databook(tablib.Databook([ds]), "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["ФИО", "Балл"],
        ["'=cmd()", 5],
        ["'==1+1", 4.5],
        ["Иван", "+1"],
    ]
    assert all(c.data_type in ("s", "n") for row in ws.iter_rows() for c in row)
    assert ds[0] == ("=cmd()", 5)  # the caller's data is left as it was
    assert ws.column_dimensions["A"].width == len("'=cmd()")  # adaptive widths


def test_export_databook_ods_and_unknown_format():
    ds = tablib.Dataset(["=cmd()", 1], title="Лист")
    data = export_databook(tablib.Databook([ds]), "ods")
    assert data[:2] == b"PK"
    back = tablib.Databook().load(data, format="ods", headers=False)
    assert back.sheets()[0][0] == ("=cmd()", 1.0)  # ods text cells are never formulas
    with pytest.raises(ValidationError):
        export_databook(tablib.Databook([ds]), "pdf")


def test_export_csv_bom_and_escape():
    ds = tablib.Dataset(headers=["ФИО", "Оценка"])
    ds.append(["Андреева Ольга", 5])
    ds.append(["=cmd()", "-"])
    ds.append(["@SUM(A1)", "-2+3"])
    ds.append(["Среднее", 3.71])
    data = export_csv(ds)  # for a Russian Excel: ";" and a decimal comma
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [
        "ФИО;Оценка",
        "Андреева Ольга;5",
        "'=cmd();-",
        "'@SUM(A1);'-2+3",
        "Среднее;3,71",
    ]
    assert export_csv(ds, escape=False).decode("utf-8-sig").splitlines()[2] == "=cmd();-"
    assert export_csv(ds, sep=",").decode("utf-8-sig").splitlines()[1:5:3] == [
        "Андреева Ольга,5",
        "Среднее,3.71",
    ]
    assert export_csv(ds, sep="\t").decode("utf-8-sig").splitlines()[0] == "ФИО\tОценка"


def test_exports_import_no_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys, exports.files, exports.slips; "
        "print(sorted(m for m in ('openpyxl', 'odf', 'textual', 'tablib') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
