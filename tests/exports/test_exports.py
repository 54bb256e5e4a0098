"""Exports (R8, R9, R10, R16): every file is opened again with openpyxl, odfpy or csv and its
real cells are compared with what the store holds for a hand-checked pupil.

The small school (tests/factory.py), today Saturday 28.11.2026 (2nd quarter, 05.11–28.12):
last week is 16.11–21.11. Lessons and entries (`filled`):

    Андреев (pupil 0, English group 1)
        Mon 16.11  1 maths "5/4" · 2 Russian "н" · 3 English(1) "3"
        Tue 17.11  1 maths "о4"
        Tue 10.11  1 maths "4"          (2nd quarter, before last week)
        Wed 14.10  1 maths "5"          (1st quarter; final mark for it: 5)
    Борисова (pupil 1, group 2): Mon maths "3", Russian "4", English(2) "5"; Tue maths "б"
    Васильев (pupil 2, group 1): Mon maths "н", Russian "н", English(1) "н" — the whole day
    Григорьева (pupil 3): nothing

Worked by hand for the 2nd quarter: Андреев's maths marks 5, 4, 4, 4 → mean 4.25, weighted
4.25 (all weight 1) → suggested "4" (preliminary); missed lessons 1 (н), late 1; days 0.
Борисова: 1 missed lesson, excused, and a whole day (Tuesday had only maths) — excused.
Васильев: 3 missed lessons, unexcused, one whole day, unexcused.
Maths indicators in Q2: Андреев "4" (counted), Борисова one mark "3" (counted as 3 before the
end), Васильев and Григорьева no marks (out of N): N 2, n4 1, n3 1 → успеваемость 100,
качество 50, СОУ (64+36)/2 = 50, средний балл 3,50.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
import sys
from pathlib import Path

import openpyxl
import pytest
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow

import journal
from exports.run import ExportCancelled, export
from models.core import db as dbmod
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry
from models.journal import entries
from models.reports import diary
from tests.factory import SmallSchool
from tests.shared import run_journal as cli

MON, TUE = dt.date(2026, 11, 16), dt.date(2026, 11, 17)
Q2_DAY, Q1_DAY = dt.date(2026, 11, 10), dt.date(2026, 10, 14)
EVIL = '=HYPERLINK("http://evil.example","Нажми")'
BOM = b"\xef\xbb\xbf"


def fill(s: SmallSchool) -> dict[str, int]:
    a = s.admin
    andreev, borisova, vasiliev, _grigorieva = s.pupils
    ids = {
        "m_mon": entries.add_lesson(a, s.math_a, MON, 1, topic="Дроби", homework="№ 12, 15").id,
        "r_mon": entries.add_lesson(a, s.russian_a, MON, 2, homework=EVIL).id,
        "e1_mon": entries.add_lesson(a, s.english_a1, MON, 3, homework="Стр. 10, упр. 2").id,
        "e2_mon": entries.add_lesson(a, s.english_a2, MON, 3, homework="Стр. 20").id,
        "m_tue": entries.add_lesson(a, s.math_a, TUE, 1).id,
        "m_q2": entries.add_lesson(a, s.math_a, Q2_DAY, 1).id,
        "m_q1": entries.add_lesson(a, s.math_a, Q1_DAY, 1).id,
    }
    entries.set_mark(a, ids["m_mon"], andreev, 5)
    entries.set_mark(a, ids["m_mon"], andreev, 4, add=True)
    entries.set_absence(a, ids["r_mon"], andreev, "н")
    entries.set_mark(a, ids["e1_mon"], andreev, 3)
    entries.set_absence(a, ids["m_tue"], andreev, "о")
    entries.set_mark(a, ids["m_tue"], andreev, 4)
    entries.set_mark(a, ids["m_q2"], andreev, 4)
    entries.set_mark(a, ids["m_q1"], andreev, 5)
    entries.set_final_mark(a, s.math_a, andreev, s.q1, "5")
    entries.set_mark(a, ids["m_mon"], borisova, 3)
    entries.set_mark(a, ids["r_mon"], borisova, 4)
    entries.set_mark(a, ids["e2_mon"], borisova, 5)
    entries.set_absence(a, ids["m_tue"], borisova, "б")
    for key in ("m_mon", "r_mon", "e1_mon"):
        entries.set_absence(a, ids[key], vasiliev, "н")
    return ids


@pytest.fixture
def filled(small) -> SmallSchool:
    fill(small)
    return small


@pytest.fixture
def out_dir(tmp_path) -> Path:
    """An empty folder for the files (the database lives beside it in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def filled_sqlite(small_sqlite) -> SmallSchool:
    fill(small_sqlite)
    return small_sqlite


# --- reading the files back ---------------------------------------------------------------------


def xlsx_rows(path: Path, sheet: str) -> list[list]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]


def strip(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells, empty rows kept (as [])."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    return out


def ods_sheets(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of an .ods as rows of cell texts (repeated cells expanded)."""
    doc = load_ods(str(path))
    out = {}
    for table in doc.spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                if cell.getAttribute("valuetype") == "float":  # tablib writes numbers without text
                    text = cell.getAttribute("value")
                else:
                    text = teletype.extractText(cell)
                cells.extend([text] * min(repeat, 50))
            rows.append(cells)
        out[table.getAttribute("name")] = strip(rows)
    return out


def csv_rows(data: bytes, sep: str = ";") -> list[list[str]]:
    assert data.startswith(BOM)
    return strip(list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8")), delimiter=sep)))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id))


# What Андреев's diary page for last week holds, row by row (after the title rows).
ANDREEV_WEEK = [
    ["Пн 16.11", 1, "Математика", "№ 12, 15", "5/4"],
    ["", 2, "Русский язык", "'" + EVIL, "", "н"],
    ["", 3, "Английский язык", "Стр. 10, упр. 2", "3"],
    ["Вт 17.11", 1, "Математика", "", "4", "о"],
    ["Ср 18.11", "", "уроков нет"],
    ["Чт 19.11", "", "уроков нет"],
    ["Пт 20.11", "", "уроков нет"],
    ["Сб 21.11", "", "уроков нет"],
]


# --- the diary extract (R8) ------------------------------------------------------------------------


def test_diary_extract_of_a_class_xlsx(filled, out_dir):
    s = filled
    paths = export(s.homeroom, "diary", class_name="5А", fmt="xlsx", out=out_dir)
    assert [p.name for p in paths] == ["Дневник_5А_2026-11-16_2026-11-21.xlsx"]
    path = paths[0]
    assert mode_of(path) == 0o600
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Андреев Андрей", "Борисова Бэлла", "Васильев Василий", "Григорьева Галина"]
    rows = strip(xlsx_rows(path, "Андреев Андрей"))
    assert rows[0] == ["Дневник: Андреев Андрей, 5А класс"]
    assert rows[1] == ["с 16.11.2026 по 21.11.2026"]
    assert rows[2] == ["День", "№", "Предмет", "Домашнее задание", "Отметка", "Пропуск"]
    assert rows[3:11] == ANDREEV_WEEK
    assert rows[-1][0].startswith("Пропуски: н — отсутствовал, б — болел")
    # formula-like homework stays text
    ws = book["Андреев Андрей"]
    evil = ws.cell(5, 4)
    assert evil.data_type == "s" and not str(evil.value).startswith("=")
    # a group-2 pupil has the other English lesson, the group-1 lesson is not on her page
    rows_b = strip(xlsx_rows(path, "Борисова Бэлла"))
    assert ["", 3, "Английский язык", "Стр. 20", "5"] in rows_b
    assert not any("Стр. 10" in str(c) for r in rows_b for c in r)
    assert ["Вт 17.11", 1, "Математика", "", "", "б"] in rows_b
    rows_v = strip(xlsx_rows(path, "Васильев Василий"))
    assert rows_v[3:6] == [
        ["Пн 16.11", 1, "Математика", "№ 12, 15", "", "н"],
        ["", 2, "Русский язык", "'" + EVIL, "", "н"],
        ["", 3, "Английский язык", "Стр. 10, упр. 2", "", "н"],
    ]
    # A4 portrait, the column header repeated on each page
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "portrait"
    assert ws.print_title_rows == "$1:$3"  # the title and dates repeat with the header: whose page it is
    # the export is audited: who, what, where
    entries_ = audit("export.diary")
    assert len(entries_) == 1
    assert entries_[0].user_id == s.homeroom.user_id
    # … with the class and the days it covers (the paper duty sees it done)
    target = f"class={s.class_a};scope=D2026-11-16;{path}"
    assert json.loads(entries_[0].new) == {"target": target, "count": 4}


def test_diary_of_one_pupil_ods_and_a_date_range(filled_sqlite, out_dir):
    s = filled_sqlite
    paths = export(
        s.admin,
        "diary",
        class_name="5а",
        pupil_id=str(s.pupils[0]),
        date_from="16.11.2026",
        date_to="2026-11-17",
        fmt="ods",
        out=out_dir,
    )
    assert [p.name for p in paths] == ["Дневник_5А_Андреев_Андрей_2026-11-16_2026-11-17.ods"]
    sheets = ods_sheets(paths[0])
    assert list(sheets) == ["Андреев Андрей"]
    rows = sheets["Андреев Андрей"]
    assert rows[0] == ["Дневник: Андреев Андрей, 5А класс"]
    assert rows[1] == ["с 16.11.2026 по 17.11.2026"]
    # odfpy keeps the text exactly (text cells are never formulas in ods)
    assert rows[3:7] == [
        ["Пн 16.11", "1", "Математика", "№ 12, 15", "5/4"],
        ["", "2", "Русский язык", EVIL, "", "н"],
        ["", "3", "Английский язык", "Стр. 10, упр. 2", "3"],
        ["Вт 17.11", "1", "Математика", "", "4", "о"],
    ]
    doc = load_ods(str(paths[0]))
    for cell in doc.spreadsheet.getElementsByType(TableCell):
        assert not cell.getAttribute("formula")


def test_diary_csv_has_a_bom_and_escapes_formulas(filled_sqlite, out_dir):
    s = filled_sqlite
    paths = export(s.admin, "diary", class_name="5А", pupil_id=s.pupils[0], fmt="csv", out=out_dir)
    assert [p.name for p in paths] == ["Дневник_5А_Андреев_Андрей_2026-11-16_2026-11-21.csv"]
    data = paths[0].read_bytes()
    rows = csv_rows(data)
    assert rows[0] == ["Дневник: Андреев Андрей, 5А класс"]
    assert rows[3:7] == [
        ["Пн 16.11", "1", "Математика", "№ 12, 15", "5/4"],
        ["", "2", "Русский язык", "'" + EVIL, "", "н"],
        ["", "3", "Английский язык", "Стр. 10, упр. 2", "3"],
        ["Вт 17.11", "1", "Математика", "", "4", "о"],
    ]
    # a class as csv: one file per pupil
    paths = export(s.admin, "diary", class_name="5А", fmt="csv", out=out_dir)
    assert sorted(p.name for p in paths) == sorted(
        f"Дневник_5А_2026-11-16_2026-11-21_{n}.csv"
        for n in ("Андреев_Андрей", "Борисова_Бэлла", "Васильев_Василий", "Григорьева_Галина")
    )
    assert all(p.read_bytes().startswith(BOM) for p in paths)
    # to a stream ("-o -"): the same bytes as the file
    stream = io.BytesIO()
    assert (
        export(s.admin, "diary", class_name="5А", pupil_id=s.pupils[0], fmt="csv", out="-", stream=stream)
        == []
    )
    assert stream.getvalue() == data


# --- the report card (R10) -------------------------------------------------------------------------


def card_of(rows: list[list], name: str) -> list[list]:
    """One pupil's block of the «Табель» sheet: from its title to the signatures."""
    start = next(i for i, r in enumerate(rows) if r and r[0] == f"Табель успеваемости: {name}, 5А класс")
    end = next(i for i in range(start, len(rows)) if rows[i] and str(rows[i][0]).startswith("Классный"))
    return rows[start : end + 1]


def test_report_card_of_the_current_quarter(filled, out_dir):
    s = filled
    paths = export(s.homeroom, "report-card", class_name="5А", period="2", fmt="xlsx", out=out_dir)
    assert [p.name for p in paths] == ["Табель_5А_2_четверть_2026-2027.xlsx"]
    book = openpyxl.load_workbook(paths[0])
    assert book.sheetnames == ["Табель", "Сводная", "Показатели"]
    rows = strip(xlsx_rows(paths[0], "Табель"))
    andreev = card_of(rows, "Андреев Андрей")
    assert andreev[1] == ["2 четверть 2026/2027 (05.11.2026–28.12.2026)"]
    assert andreev[2] == ["Предварительные итоги на 28.11.2026: период ещё не окончен."]
    assert andreev[3] == ["Предмет", "Отметка", "Примечание", "Ср. балл", "Ср. взвеш.", "Пропущено уроков"]
    subjects = {r[0]: r[1:] for r in andreev[4:-3]}
    assert subjects["Математика"] == ["4", "предварительно", "4,25", "4,25", 0]
    assert subjects["Русский язык"] == ["", "нет отметок", "", "", 1]
    assert subjects["Английский язык"] == ["3", "предварительно: мало отметок, грозит н/а", "3,00", "3,00", 0]
    assert andreev[-3] == [
        "Пропущено уроков: 1, из них по уважительной причине: 0, без уважительной причины: 1. Опозданий: 1."
    ]
    assert andreev[-2] == [
        "Пропущено дней: 0, из них по уважительной причине: 0, без уважительной причины: 0."
    ]
    assert andreev[-1][0].startswith("Классный руководитель: Иванова Мария Петровна")
    borisova = card_of(rows, "Борисова Бэлла")
    assert borisova[-2] == [
        "Пропущено дней: 1, из них по уважительной причине: 1, без уважительной причины: 0."
    ]
    vasiliev = card_of(rows, "Васильев Василий")
    assert vasiliev[-3][0].startswith("Пропущено уроков: 3, из них по уважительной причине: 0, ")
    assert vasiliev[-2] == [
        "Пропущено дней: 1, из них по уважительной причине: 0, без уважительной причины: 1."
    ]
    # the summary: pupils × subjects, preliminary marks starred
    ledger = strip(xlsx_rows(paths[0], "Сводная"))
    header = ledger[2]
    row = next(r for r in ledger if len(r) > 1 and r[1] == "Андреев Андрей")
    assert row[header.index("Математика")] == "4*"
    assert row[header.index("Пропущено уроков")] == 1
    assert any(r and str(r[0]).startswith("* — предварительно") for r in ledger)
    # the class's indicators (models.reports.analysis): maths worked by hand in the module doc
    summary = strip(xlsx_rows(paths[0], "Показатели"))
    maths = next(r for r in summary if r and r[0] == "Математика")
    # N, «5», «4», «3», «2», н/а, успеваемость, качество, СОУ, средний балл; then the 1st
    # quarter's успеваемость and качество from its final marks (Андреев's 5 only)
    assert maths == ["Математика", "Петров И.О.", 2, 0, 1, 1, 0, 0, "100", "50", "50", "3,50", "100", "100"]
    assert json.loads(audit("export.report_card")[0].new)["count"] == 4


def test_report_card_of_an_ended_quarter_shows_the_final_mark(filled_sqlite, out_dir):
    s = filled_sqlite
    (path,) = export(s.admin, "report-card", class_name="5А", period=1, fmt="ods", out=out_dir)
    assert path.name == "Табель_5А_1_четверть_2026-2027.ods"
    rows = ods_sheets(path)["Табель"]
    andreev = card_of(rows, "Андреев Андрей")
    assert not any("Предварительные" in c for r in andreev for c in r)
    maths = next(r for r in andreev if r[0] == "Математика")
    assert maths[:3] == ["Математика", "5", ""]  # the final mark, no label


def test_report_card_of_the_year(filled_sqlite, out_dir):
    s = filled_sqlite
    (path,) = export(s.admin, "report-card", class_name="5А", period="year", fmt="xlsx", out=out_dir)
    assert path.name == "Табель_5А_год_2026-2027.xlsx"
    rows = strip(xlsx_rows(path, "Табель"))
    andreev = card_of(rows, "Андреев Андрей")
    header = next(r for r in andreev if r and r[0] == "Предмет")
    assert header == [
        "Предмет",
        "1 четверть",
        "2 четверть",
        "3 четверть",
        "4 четверть",
        "Год",
        "Примечание",
        "Пропущено уроков",
    ]
    maths = next(r for r in andreev if r and r[0] == "Математика")
    # Q1 final 5, Q2 suggested 4 → year (5+4)/2 = 4.5 → 5 (rounding at .5), preliminary:
    # what the teacher has not set is in brackets (the legend below the card says so)
    assert maths == ["Математика", "5", "(4)", "", "", "(5)", "предварительно", 0]


# --- the course journal, the class report, the meeting report ----------------------------------------


def test_course_journal(filled_sqlite, out_dir):
    s = filled_sqlite
    (path,) = export(
        s.teacher, "course", class_name="5А", subject="математика", period="2", fmt="ods", out=out_dir
    )
    assert path.name == "Журнал_5А_Математика_2_четверть_2026-2027.ods"
    rows = ods_sheets(path)["Математика"]
    assert rows[0] == ["Журнал: Математика, 5А класс"]
    assert rows[1][0].endswith("учитель Петров Игорь")
    assert rows[2] == [
        "№",
        "Учащийся",
        "10.11",
        "16.11",
        "17.11",
        "Ср.",
        "Ср. взв.",
        "Отметок",
        "Предл.",
        "Итог",
    ]
    assert rows[3] == ["1", "Андреев Андрей", "4", "5/4", "о4", "4,25", "4,25", "4", "4"]
    # one mark while the period runs: the forecast 3 (RUNNING_RULE), not yet н/а
    assert rows[4] == ["2", "Борисова Бэлла", "", "3", "б", "3,00", "3,00", "1", "3"]
    assert rows[5] == ["3", "Васильев Василий", "", "н", "", "", "", "0"]
    assert json.loads(audit("export.course")[0].new)["target"] == str(path)


def test_course_journal_of_the_year_and_a_diary_of_a_period(filled_sqlite, out_dir):
    s = filled_sqlite
    (path,) = export(s.admin, "course", class_name="5А", subject="Математика", period="year", out=out_dir)
    assert path.name == "Журнал_5А_Математика_год_2026-2027.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Математика 1 четверть", "Математика 2 четверть"]  # the periods begun
    q1 = strip(xlsx_rows(path, "Математика 1 четверть"))
    assert q1[2][2] == "14.10" and q1[3][:3] == [1, "Андреев Андрей", "5"] and q1[3][-1] == "5"
    # a diary for a period runs from its first day to its last
    (path,) = export(s.admin, "diary", class_name="5А", pupil_id=s.pupils[0], period="1", out=out_dir)
    assert path.name == "Дневник_5А_Андреев_Андрей_2026-09-01_2026-10-25.xlsx"
    rows = strip(xlsx_rows(path, "Андреев Андрей"))
    assert ["Ср 14.10", 1, "Математика", "", "5"] in rows


def test_class_report_sheets_and_audit(filled_sqlite, out_dir):
    s = filled_sqlite
    (path,) = export(s.homeroom, "class-report", class_name="5А", fmt="xlsx", out=out_dir)
    assert path.name == "Анализ_5А_2_четверть_2026-2027.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Итоги", "Ведомость", "Посещаемость", "Группа риска", "Отметки", "Контроль"]
    attendance = strip(xlsx_rows(path, "Посещаемость"))
    header = attendance[2]
    row = next(r for r in attendance if len(r) > 1 and r[1] == "Васильев Василий")
    assert row[header.index("Пропущено")] == 3
    assert row[header.index("без причины")] == 3
    assert row[header.index("Дней")] == 1
    marks = strip(xlsx_rows(path, "Отметки"))
    assert ["Математика", 1, 3, 1, 0, 0, 5] in marks  # Q2: 5, 4, 4, 4 and Борисова's 3
    control = strip(xlsx_rows(path, "Контроль"))
    assert control[2][:3] == ["Предмет", "Учитель", "Уроков"]
    assert any(r and r[0] == "Математика" and r[1] == "Петров И.О." for r in control)
    (entry,) = audit("export.class_report")
    assert entry.user_id == s.homeroom.user_id
    assert json.loads(entry.new)["target"] == f"class={s.class_a};scope=P{s.q2};{path}"


def test_meeting_report(filled_sqlite, out_dir):
    s = filled_sqlite
    diary.record_view(s.guardian, s.pupils[0], "open")  # the mother looked today
    (path,) = export(s.homeroom, "meeting", class_name="5А", fmt="xlsx", out=out_dir)
    assert path.name == "Собрание_5А_2_четверть_2026-2027.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Итоги класса", "Активность родителей", "Группа риска"]
    summary = strip(xlsx_rows(path, "Итоги класса"))
    assert summary[0] == ["К родительскому собранию: 5А класс, 2 четверть"]
    # Q2 missed lessons: Андреев 1 (н), Борисова 1 (б), Васильев 3 (н) → 5 for 4 pupils
    assert [
        "Пропущено уроков: 5 (по уважительной причине: 1, без причины: 4), в среднем на ученика: 1,25."
    ] in summary
    assert any(r and r[0] == "Математика" for r in summary)
    activity = strip(xlsx_rows(path, "Активность родителей"))
    assert activity[1] == [
        "На 28.11.2026 семей, заходивших в дневник за 30 дней: 1 из 4 (25%); не заходивших ни разу: 3."
    ]
    assert activity[2] == [
        "№",
        "Учащийся",
        "Представитель",
        "Кем приходится",
        "Вход в дневник",
        "Последний просмотр",
        "Просмотров за 7 дн.",
        "Дней за 7",
        "Просмотров за 30 дн.",
        "Дней за 30",
        "Ознакомлен(а) с неделей",
    ]
    mother = next(r for r in activity if len(r) > 2 and r[2] == "Андреева Ольга")
    assert mother[1] == "Андреев Андрей" and mother[3:5] == ["мать", "есть"]
    assert mother[5].startswith("28.11.2026 ") and mother[6:] == [1, 1, 1, 1, "нет"]
    nobody = next(r for r in activity if len(r) > 1 and r[1] == "Борисова Бэлла")
    assert nobody[2] == "представителя нет"
    risk = strip(xlsx_rows(path, "Группа риска"))
    assert risk[2] == ["№", "Учащийся", "Причины"]
    (entry,) = audit("export.meeting")
    assert json.loads(entry.new) == {"target": str(path), "count": 4}


# --- files: names, never overwriting, private ----------------------------------------------------------


def test_files_are_never_overwritten(filled_sqlite, out_dir):
    s = filled_sqlite
    first = export(s.admin, "report-card", class_name="5А", fmt="xlsx", out=out_dir)
    second = export(s.admin, "report-card", class_name="5А", fmt="xlsx", out=out_dir)
    assert [p.name for p in second] == ["Табель_5А_2_четверть_2026-2027_2.xlsx"]
    assert first[0].exists() and mode_of(second[0]) == 0o600
    target = out_dir / "мой табель.xlsx"
    target.write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="уже существует"):
        export(s.admin, "report-card", class_name="5А", fmt="xlsx", out=target)
    assert target.read_bytes() == b"keep me"
    # a named file: the name as given; csv parts beside it
    paths = export(s.admin, "report-card", class_name="5А", fmt="csv", out=out_dir / "t.csv")
    assert sorted(p.name for p in paths) == ["t_Показатели.csv", "t_Сводная.csv", "t_Табель.csv"]


# --- who may export, the whole school, progress and cancel --------------------------------------------


def test_permissions(filled_sqlite, out_dir):
    s = filled_sqlite
    with pytest.raises(PermissionDenied):
        export(s.teacher, "report-card", class_name="5А", out=out_dir)  # teaches, does not keep 5А
    with pytest.raises(PermissionDenied):
        export(s.other, "course", class_name="5А", subject="Математика", out=out_dir)
    with pytest.raises(PermissionDenied):
        export(s.guardian, "diary", class_name="5А", out=out_dir)
    # the homeroom teacher's "all" is their own class
    paths = export(s.homeroom, "report-card", class_name="all", out=out_dir)
    assert [p.name for p in paths] == ["Табель_5А_2_четверть_2026-2027.xlsx"]
    assert list(out_dir.iterdir()) == paths


def test_whole_school_with_progress_and_cancel(filled_sqlite, out_dir):
    s = filled_sqlite
    seen = []
    paths = export(
        s.admin,
        "report-card",
        class_name="all",
        fmt="ods",
        out=out_dir,
        progress=lambda done, total, label: seen.append((done, total, label)),
    )
    assert [p.name for p in paths] == [
        "Табель_5А_2_четверть_2026-2027.ods",
        "Табель_5Б_2_четверть_2026-2027.ods",
    ]
    assert seen == [(0, 2, "5А"), (1, 2, "5Б"), (2, 2, "")]
    assert len(audit("export.report_card")) == 2
    out = out_dir / "cancelled"
    out.mkdir()
    calls = []
    with pytest.raises(ExportCancelled) as caught:
        export(
            s.admin,
            "report-card",
            class_name="all",
            out=out,
            cancel=lambda: (calls.append(1), len(calls) > 1)[1],
        )
    assert [p.name for p in caught.value.paths] == ["Табель_5А_2_четверть_2026-2027.xlsx"]
    assert list(out.iterdir()) == caught.value.paths


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"class_name": "5Я"}, "Класса 5Я нет"),
        ({"class_name": "5А", "date_from": "20.11.2026", "date_to": "16.11.2026"}, "позже конца"),
        ({"class_name": "5А", "date_from": "31.02.2026"}, "не дата"),
        ({"class_name": "5А", "pupil_id": 99999}, "не числился"),
        ({"class_name": "5А", "fmt": "docx"}, "Неизвестный формат"),
        ({"class_name": ""}, "Укажите класс"),
        ({"class_name": "5А", "subject": "Математика"}, "только для журнала предмета"),
    ],
)
def test_bad_arguments_are_refused_readably(filled_sqlite, out_dir, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        export(filled_sqlite.admin, "diary", out=out_dir, **kwargs)
    assert list(out_dir.iterdir()) == []


def test_bad_period_and_subject(filled_sqlite, out_dir):
    s = filled_sqlite
    with pytest.raises(ValidationError, match=r"нет учебного периода «7»: есть 1 \(1 четверть\)"):
        export(s.admin, "report-card", class_name="5А", period="7", out=out_dir)
    with pytest.raises(ValidationError, match="Предмета «Химия» в классе 5А нет. Есть: Английский язык"):
        export(s.admin, "course", class_name="5А", subject="Химия", out=out_dir)
    with pytest.raises(ValidationError, match="укажите предмет"):
        export(s.admin, "course", class_name="5А", out=out_dir)
    with pytest.raises(ValidationError, match="в стандартный вывод выгружается одна"):
        export(s.admin, "class-report", class_name="5А", fmt="csv", out="-", stream=io.BytesIO())
    stream = io.BytesIO()  # the report card's main table: the summary
    export(s.admin, "report-card", class_name="5А", fmt="csv", out="-", stream=stream)
    assert csv_rows(stream.getvalue())[0] == ["Сводная ведомость 5А класса: 2 четверть"]


# --- the command line ---------------------------------------------------------------------------------


def test_cli_export_files_and_stdout(filled_sqlite, sqlite_store, out_dir, capsysbinary):
    del filled_sqlite  # the school the CLI reads
    db = str(sqlite_store)
    dbmod.close()
    out = out_dir / "out"
    out.mkdir()
    code = cli(
        [
            "export",
            "report-card",
            "--db",
            db,
            "--class",
            "5А",
            "--period",
            "2",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    printed = capsysbinary.readouterr()
    assert printed.out.decode().strip() == str(out / "Табель_5А_2_четверть_2026-2027.xlsx")
    code = cli(
        [
            "export",
            "diary",
            "--db",
            db,
            "--class",
            "5А",
            "--pupil",
            "1",  # the number in the class list, as the paper journal numbers pupils
            "--format",
            "csv",
            "-o",
            "-",
        ]
    )
    assert code == 0
    data = capsysbinary.readouterr().out
    rows = csv_rows(data)
    assert rows[0] == ["Дневник: Андреев Андрей, 5А класс"]
    assert rows[3] == ["Пн 16.11", "1", "Математика", "№ 12, 15", "5/4"]
    # by name (the beginnings of the words do); the report card of one pupil
    assert cli(["export", "diary", "--db", db, "--class", "5А", "--pupil", "борисова б", "-o", str(out)]) == 0
    printed = capsysbinary.readouterr().out.decode().strip()
    assert printed.endswith("Дневник_5А_Борисова_Бэлла_2026-11-16_2026-11-21.xlsx")
    assert cli(["export", "report-card", "--db", db, "--class", "5А", "--pupil", "2", "-o", str(out)]) == 0
    printed = capsysbinary.readouterr().out.decode().strip()
    assert printed.endswith("Табель_5А_Борисова_Бэлла_2_четверть_2026-2027.xlsx")
    book = openpyxl.load_workbook(printed)
    assert book.sheetnames == ["Табель"]
    titles = [
        r[0] for r in book["Табель"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("Табель")
    ]
    assert titles == ["Табель успеваемости: Борисова Бэлла, 5А класс"]
    # csv with "," for a non-Russian spreadsheet; a folder «DIR/» that does not exist is made
    folder = out / "новая"
    argv = ["export", "report-card", "--db", db, "--class", "5А", "--format", "csv", "--csv-sep", ","]
    assert cli([*argv, "-o", f"{folder}/"]) == 0
    capsysbinary.readouterr()
    made = sorted(folder.iterdir())
    assert made and all(p.suffix == ".csv" for p in made)
    assert csv_rows(made[0].read_bytes(), ",")[0][0].startswith(("Табель", "Сводная", "Показатели"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diary", "--class", "5Я"], "Класса 5Я нет"),
        (["course", "--class", "5А", "--subject", "Химия"], "Предмета «Химия» в классе 5А нет"),
        (["report-card", "--class", "5А", "--period", "9"], "нет учебного периода «9»"),
        (["diary", "--class", "5А", "--from", "20.11.2026", "--to", "01.11.2026"], "позже конца"),
        (["diary", "--class", "5А", "--from", "вчера"], "не дата"),
        (["report-card", "--class", "5А", "--format", "xlsx", "-o", "-"], "только csv"),
        (["meeting", "--class", "all", "--format", "csv", "-o", "-"], "Вся школа не выгружается"),
        (["diary", "--class", "5А", "--pupil", "40"], "В списке 5А 4 учащихся: номера «40» нет"),
        (["diary", "--class", "5А", "--pupil", "Петров"], "В 5А нет учащегося «Петров»"),
        (["report-card", "--pupil", "1"], "Укажите класс"),
        (["meeting", "--class", "5А", "--pupil", "1"], "только для выписки из дневника и табеля"),
    ],
)
def test_cli_errors_exit_with_2(filled_sqlite, sqlite_store, out_dir, capsys, argv, message):
    db = str(sqlite_store)
    dbmod.close()
    code = cli(["export", argv[0], "--db", db, *argv[1:]])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert err.startswith("journal: ")


def test_cli_bad_format_is_a_usage_error(sqlite_store, capsys):
    with pytest.raises(SystemExit) as caught:
        journal.main(["export", "diary", "--db", str(sqlite_store), "--format", "docx"])
    assert caught.value.code == 2
    assert "docx" in capsys.readouterr().err


def test_exports_import_no_spreadsheet_library_up_front():
    """openpyxl and odfpy load only inside an export (the app's start stays fast)."""
    import subprocess

    code = (
        "import sys, exports.run, exports.diary, exports.report_card, exports.reports, exports.layout;"
        "print(sorted(m for m in ('openpyxl', 'odf', 'tablib') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2]
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- namesakes -------------------------------------------------------------------------------


def test_namesakes_are_told_apart_in_every_list(filled_sqlite, out_dir):
    """Two «Князев Захар» in one class: their patronymics; the same patronymic too: the birth date."""
    from models.journal.grid import load_grid
    from models.people.names import short_names
    from models.people.roster import add_student
    from models.reports.analysis import class_analysis
    from models.reports.extracts import class_diary

    s = filled_sqlite
    for patronymic, born in (("Андреевич", "01.02.2016"), ("Ильич", "03.04.2016"), ("Ильич", "05.06.2016")):
        card = {"surname": "Князев", "first_name": "Захар", "patronymic": patronymic, "birth_date": born}
        add_student(s.homeroom, s.class_a, card, start="01.09.2026")
    expected = {
        "Князев Захар Андреевич",
        "Князев Захар Ильич (03.04.2016)",
        "Князев Захар Ильич (05.06.2016)",
    }
    grid = load_grid(s.homeroom, s.russian_a, s.q2)
    assert expected <= {p.name for p in grid.pupils}
    assert expected <= {p.name for p in class_analysis(s.homeroom, s.class_a, s.q2).pupils}
    diary = class_diary(s.homeroom, s.class_a, dt.date(2026, 11, 16), dt.date(2026, 11, 21))
    assert expected <= {p.name for p in diary.pupils}
    assert "Андреев Андрей" in {p.name for p in diary.pupils}  # the others stay short
    with pytest.raises(ValidationError, match="несколько учащихся: 5 — Князев Захар Андреевич; 6 — Князев"):
        export(s.homeroom, "diary", class_name="5А", pupil="Князев Захар", out=out_dir)
    [one] = export(s.homeroom, "report-card", class_name="5А", pupil="князев захар андр", out=out_dir)
    assert one.name == "Табель_5А_Князев_Захар_Андреевич_2_четверть_2026-2027.xlsx"
    assert short_names([(1, "А", "Б", ""), (2, "А", "Б", "")], born={}) == {1: "А Б (№ 1)", 2: "А Б (№ 2)"}
