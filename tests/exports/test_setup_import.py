"""Importing staff, teaching load and a timetable from files (exports/sheet_import.py reads
them, models/imports/school_sheets.py plans and writes; `journal import staff|load|timetable`):
good files in every format, bad rows refusing the whole file with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest

from exports import sheet_import
from models.core import db as dbmod
from models.core.errors import ValidationError
from models.core.schema import AuditEntry, Course, Lesson, Subgroup, Subject, TimetableEntry, User
from models.core.store import open_store
from models.imports import school_sheets as setup_import
from models.people import accounts
from models.school.load import class_load
from models.school.timetable import set_slot, timetable_entries, timetable_grid
from tests.exports.test_import import ods_bytes, xlsx_bytes
from tests.factory import SmallSchool
from tests.shared import run_journal as run

STAFF = ["Фамилия", "Имя", "Отчество", "Логин", "Роль"]
LOAD = ["Класс", "Предмет", "Учитель", "Подгруппа"]
TIMETABLE = ["Класс", "День недели", "Урок №", "Предмет", "Подгруппа", "Действует с", "Действует по"]


def csv_bytes(headers: list, rows: list[list], sep: str = ";", encoding: str = "utf-8") -> bytes:
    lines = [sep.join(headers)] + [sep.join(str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def counts() -> tuple[int, ...]:
    return tuple(
        m.select().count() for m in (User, Subject, Course, Subgroup, TimetableEntry, Lesson, AuditEntry)
    )


def refused(s: SmallSchool, sheet, problem: str) -> None:
    """The import of `sheet` is refused as a whole and writes nothing."""
    before = counts()
    with pytest.raises(ValidationError, match="Ничего не записано"):
        setup_import.run_import(s.admin, sheet, start="01.09.2026")
    assert counts() == before
    plan = setup_import.preview(s.admin, sheet, start="01.09.2026")
    assert any(problem in p for row in plan.invalid for p in row.problems), [r.problems for r in plan.invalid]


@pytest.fixture
def s(small) -> SmallSchool:
    return small


# --- staff -------------------------------------------------------------------------------------


def test_staff_from_a_windows_1251_csv(s):
    data = csv_bytes(
        STAFF,
        [
            ["Кузнецова", "Елена", "Ивановна", "kuznetsova", "учитель"],
            ["Смирнов", "Павел", "", "", ""],
            ["Орлова", "Нина", "Петровна", "", "Завуч"],
            ["Петров", "Игорь", "Олегович", "petrov", "учитель"],  # already there
        ],
        ";",
        "cp1251",
    )
    sheet = sheet_import.parse_bytes("staff", data, "staff.csv")
    plan = setup_import.preview(s.admin, sheet)
    assert [(r.line, r.action, r.text) for r in plan.rows] == [
        (2, "новый", "Кузнецова Елена Ивановна, kuznetsova, учитель"),
        (3, "новый", "Смирнов Павел, smirnov.p, учитель"),
        (4, "новый", "Орлова Нина Петровна, orlova.np, администратор"),
        (5, "есть", "Петров Игорь Олегович, petrov, учитель"),
    ]
    assert plan.ok and plan.todo == 3
    result = setup_import.run_import(s.admin, sheet, source="/tmp/staff.csv")
    assert (result.changed, result.skipped) == (3, 1)
    assert [(c.login, c.role, c.person) for c in result.credentials] == [
        ("kuznetsova", "teacher", "Кузнецова Елена Ивановна"),
        ("smirnov.p", "teacher", "Смирнов Павел"),
        ("orlova.np", "admin", "Орлова Нина Петровна"),
    ]
    login = accounts.authenticate("orlova.np", result.credentials[2].password)
    assert login.must_change_password and login.actor.is_admin
    entry = AuditEntry.get(AuditEntry.action == "import.staff")
    assert entry.user_id == s.admin.user_id
    assert json.loads(entry.new)["changed"] == 3
    # the same file again: everything is already there
    again = setup_import.preview(s.admin, sheet)
    assert again.ok and again.todo == 0


def test_bad_staff_rows_write_nothing(s):
    sheet = setup_import.parse_rows(
        "staff",
        [
            STAFF,
            ["Кузнецова", "Елена", "", "kuznetsova", "учитель"],
            ["Белов", "Ян", "", "kuznetsova", ""],
            ["Сомов", "Иван", "", "сомов", ""],
            ["Ивин", "Пётр", "", "ivanova", ""],
            ["Жуков", "", "", "", "сторож"],
        ],
    )
    refused(s, sheet, "Логин «kuznetsova» уже в строке 2.")
    problems = {r.line: r.problems for r in setup_import.preview(s.admin, sheet).invalid}
    assert problems[4] == ("Логин «сомов»: 3–32 латинские буквы, цифры, точка, дефис или подчёркивание.",)
    assert problems[5] == ("Логин «ivanova» уже занят: Иванова Мария.",)
    assert problems[6] == (
        "Не заполнено поле «Имя».",
        "Роль «сторож»: учитель, администратор или завуч (пусто — учитель).",
    )


# --- load ----------------------------------------------------------------------------------------


def test_load_from_xlsx_with_new_subjects_groups_and_a_new_teacher(s):
    rows = [
        ["5А", "История", "ivanova", ""],
        ["5Б", "русский язык", "Сидорова А.", ""],
        ["5А", "Математика", "Петров И.О.", ""],
        ["5Б", "Английский язык", "petrov", 1],
        ["5Б", "Английский язык", "Иванова Мария Петровна", 2],
        ["5А", "Русский язык", "sidorova", ""],
    ]
    sheet = sheet_import.parse_bytes("load", xlsx_bytes(LOAD, rows, title_rows=1), "load.xlsx")
    assert sheet.fmt == "xlsx" and sheet.rows[0].line == 3
    plan = setup_import.preview(s.admin, sheet)
    assert [r.action for r in plan.rows] == [
        "новая нагрузка",
        "новая нагрузка",
        "есть",
        "новая нагрузка",
        "новая нагрузка",
        "смена учителя (был Иванова Мария)",
    ]
    assert plan.notes == ("Новые предметы: История.", "5Б: «Английский язык» делится на 2 подгруппы.")
    setup_import.run_import(s.admin, sheet)
    load_b = [(r.title, r.teacher) for r in class_load(s.class_b)]
    assert load_b == [
        ("Английский язык (1 группа)", "Петров И.О."),
        ("Английский язык (2 группа)", "Иванова М.П."),
        ("Математика", "Петров И.О."),
        ("Русский язык", "Сидорова А."),
    ]
    load_a = {r.title: r.teacher for r in class_load(s.class_a)}
    assert load_a["История"] == "Иванова М.П." and load_a["Русский язык"] == "Сидорова А."
    assert setup_import.preview(s.admin, sheet).todo == 0


def test_bad_load_rows_write_nothing(s):
    sheet = setup_import.parse_rows(
        "load",
        [
            LOAD,
            ["5А", "Физика", "Эйнштейн", ""],
            ["5Я", "Физика", "petrov", ""],
            ["5А", "Английский язык", "petrov", ""],
            ["5А", "История", "petrov", "7"],
            ["5Б", "Химия", "petrov", ""],
            ["5Б", "Химия", "sidorova", ""],
        ],
    )
    refused(s, sheet, "Учителя «Эйнштейн» нет среди сотрудников (логин или ФИО).")
    problems = {r.line: r.problems for r in setup_import.preview(s.admin, sheet).invalid}
    assert problems[3] == ("Класса 5Я в 2026/2027 нет: сначала создайте его.",)
    assert problems[4] == ("«Английский язык» в 5А разделён на подгруппы: укажите подгруппу.",)
    assert problems[5] == ("Подгруппа «7»: нужен номер от 1 до 4 (или пусто — весь класс).",)
    assert problems[7] == ("Повтор строки 6.",)


# --- timetable -----------------------------------------------------------------------------------


def test_timetable_from_a_comma_csv_then_lessons(s):
    rows = [
        ["5А", "Пн", "1", "Математика", "", "", ""],
        ["5А", "вторник", "2", "математика", "", "01.09.2026", ""],
        ["5А", "6", "3", "Английский язык", "", "", ""],  # both groups at once
        ["5Б", "Пн", "2", "Математика", "", "01.09.2026", "28.12.2026"],
    ]
    data = csv_bytes(TIMETABLE, rows, ",", "utf-8")
    sheet = sheet_import.parse_bytes("timetable", data, "timetable.csv")
    plan = setup_import.preview(s.admin, sheet, start="01.09.2026")
    assert plan.ok and plan.todo == 4 and plan.notes == ()
    assert plan.rows[3].text == "5Б · Пн 2 · Математика, с 01.09.2026 по 28.12.2026"
    result = setup_import.run_import(s.admin, sheet, start="01.09.2026", generate=True)
    grid = timetable_grid(s.class_a, dt.date(2026, 11, 28))
    assert {k: [e.label for e in v] for k, v in grid.items()} == {
        (1, 1): ["Математика"],
        (2, 2): ["Математика"],
        (6, 3): ["Английский я 1гр", "Английский я 2гр"],
    }
    # lessons from 01.09: mathematics 31 Mondays + 33 Tuesdays (see test_setup), and 33
    # Saturdays for each English group; 5Б: Mondays 01.09–28.12: 7 + 8 = 15
    creates = {p.class_name: p.create for p in result.lessons}
    assert creates == {"5А": 64 + 33 * 2, "5Б": 15}
    # again from 01.12 with 5А's Monday lesson moved: the class's timetable is replaced then
    moved = setup_import.parse_rows(
        "timetable", [TIMETABLE, ["5А", "Пн", "3", "Математика", "", "01.12.2026", ""]]
    )
    clash = setup_import.parse_rows(
        "timetable", [TIMETABLE, ["5А", "Пн", "2", "Математика", "", "01.12.2026", ""]]
    )
    (row,) = setup_import.preview(s.admin, clash).invalid  # 5Б has Petrov on Monday 2nd
    assert row.problems == ("Учитель в это время ведёт урок в 5Б (по расписанию школы).",)
    plan = setup_import.preview(s.admin, moved)
    assert plan.notes == ("5А: прежнее расписание с 01.12.2026 заменяется (записей: 4).",)
    setup_import.run_import(s.admin, moved)
    assert {k: [e.label for e in v] for k, v in timetable_grid(s.class_a, dt.date(2026, 12, 7)).items()} == {
        (1, 3): ["Математика"]
    }
    assert len(timetable_grid(s.class_a, dt.date(2026, 11, 23))) == 3


def test_timetable_from_ods_with_one_validity_column(s):
    headers = ["Класс", "День недели", "Урок №", "Предмет", "Подгруппа", "Действует с/по"]
    rows = [["5А", "Ср", 4, "Английский язык", 2, "01.09.2026 – 25.10.2026"]]
    sheet = sheet_import.parse_bytes("timetable", ods_bytes(headers, rows), "t.ods")
    setup_import.run_import(s.admin, sheet)
    (entry,) = timetable_entries(s.class_a)
    assert (entry.course_id, entry.weekday, entry.number, entry.validity) == (
        s.english_a2,
        3,
        4,
        "с 01.09.2026 по 25.10.2026",
    )


def test_bad_timetable_rows_write_nothing(s):
    set_slot(s.admin, s.class_b, 4, 1, [s.math_b], dt.date(2026, 9, 1))
    sheet = setup_import.parse_rows(
        "timetable",
        [
            TIMETABLE,
            ["5А", "Пн", "1", "Математика", "", "", ""],
            ["5А", "Пн", "1", "Русский язык", "", "", ""],
            ["5А", "Вс", "2", "Математика", "", "", ""],
            ["5А", "Вт", "12", "Математика", "", "", ""],
            ["5А", "Вт", "3", "Биология", "", "", ""],
            ["5А", "Вт", "4", "Математика", "", "01.09.2025", ""],
            ["5А", "Чт", "1", "Математика", "", "", ""],  # Petrov is in 5Б then
            ["5А", "Пт", "1", "Английский язык", "3", "", ""],
        ],
    )
    refused(s, sheet, "В это время у класса уже урок (строка 2).")
    problems = {r.line: r.problems for r in setup_import.preview(s.admin, sheet).invalid}
    assert problems[4] == ("По воскресеньям уроков нет.",)
    assert problems[5] == ("Номер урока «12»: от 1 до 10.",)
    assert problems[6] == ("Предмета «Биология» нет: сначала импортируйте нагрузку.",)
    assert problems[7] == ("«Действует с» 01.09.2025 — вне учебного года 2026/2027.",)
    assert problems[8] == ("Учитель в это время ведёт урок в 5Б (по расписанию школы).",)
    assert problems[9] == ("В нагрузке 5А нет предмета «Английский язык» (3 группа).",)


def test_files_that_are_not_the_right_table(s, tmp_path):
    with pytest.raises(ValidationError, match="«Класс», «Предмет», «Учитель»"):
        sheet_import.parse_bytes("load", csv_bytes(STAFF, [["А", "Б", "", "", ""]]), "x.csv")
    with pytest.raises(ValidationError, match="Файла"):
        sheet_import.read_sheet("staff", tmp_path / "nope.csv")
    with pytest.raises(ValidationError, match="Файл пуст"):
        setup_import.parse_rows("staff", [["", ""]])


def test_a_long_sheet_is_read_whole_or_refused_never_cut(s):
    """2,500 rows of a load are all read (the readers once stopped at 2,010 without a word);
    a file longer than an import takes is refused, in every format."""
    rows = [["5А", "Математика", f"Учитель {i}", ""] for i in range(2500)]
    for name, data in (("load.xlsx", xlsx_bytes(LOAD, rows)), ("load.ods", ods_bytes(LOAD, rows))):
        sheet = sheet_import.parse_bytes("load", data, name)
        assert len(sheet.rows) == 2500, name
        assert sheet.rows[-1].values["teacher"] == "Учитель 2499"
    too_long = [["5А", "Математика", "Петров", ""]] * 3001
    for name, data in (("x.xlsx", xlsx_bytes(LOAD, too_long)), ("x.csv", csv_bytes(LOAD, too_long))):
        with pytest.raises(ValidationError, match="больше 3000 строк"):
            sheet_import.parse_bytes("load", data, name)


# --- the command line --------------------------------------------------------------------------


def test_cli_staff_passwords_once_or_in_a_private_slips_file(small_sqlite, sqlite_store, tmp_path, capsys):
    db = str(sqlite_store)
    dbmod.close()
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(STAFF, [["Кузнецова", "Елена", "", "kuznetsova", ""]], ";", "cp1251"))
    assert run(["import", "staff", str(path), "--db", db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  стр.   2  новый           Кузнецова Елена, kuznetsova, учитель" in out
    assert run(["import", "staff", str(path), "--db", db], "д\n") == 2  # not a terminal, no --yes
    assert run(["import", "staff", str(path), "--db", db, "--yes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2] == "Одноразовые пароли (показаны один раз, при первом входе их нужно сменить):"
    login, password, person = out[-1].split(None, 2)
    assert (login, person) == ("kuznetsova", "Кузнецова Елена")
    open_store(db)
    assert accounts.authenticate("kuznetsova", password).must_change_password
    dbmod.close()
    other = tmp_path / "more.csv"
    other.write_bytes(csv_bytes(STAFF, [["Смирнов", "Павел", "", "", ""]]))
    slips = tmp_path / "slips.xlsx"
    assert run(["import", "staff", str(other), "--db", db, "--yes", "--slips", str(slips)]) == 0
    out = capsys.readouterr().out
    assert "smirnov.p" in out and "сохранены только в файл" in out
    assert stat.S_IMODE(os.stat(slips).st_mode) == 0o600
    import openpyxl

    text = [r[0] for r in openpyxl.load_workbook(slips).worksheets[0].iter_rows(values_only=True)]
    assert text[0] == "Электронный журнал — Тестовая школа" and text[2] == "Логин: smirnov.p"
    assert not any("Памятка" in str(line) for line in text)
    password_line = text[3]
    assert password_line.split()[1] not in out  # the password is in the file only


def test_cli_load_error_exit_and_roster_still_needs_a_class(small_sqlite, sqlite_store, tmp_path, capsys):
    db = str(sqlite_store)
    dbmod.close()
    path = tmp_path / "load.csv"
    path.write_bytes(csv_bytes(LOAD, [["5А", "Физика", "nobody", ""]]))
    assert run(["import", "load", str(path), "--db", db, "--yes"]) == 2
    out, err = capsys.readouterr()
    assert "ОШИБКА" in out and "Учителя «nobody» нет" in out
    assert err == "journal: строк с ошибками: 1. Ничего не записано: исправьте файл и повторите.\n"
    assert run(["import", "roster", str(path), "--db", db]) == 2
    assert "--class 5А" in capsys.readouterr().err
