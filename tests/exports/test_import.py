"""Importing a class list (R1): xlsx, ods and csv (UTF-8, Windows-1251, ";" or ","), the
preview with every row's problems, all-or-nothing writing with its audit, broken files,
duplicates, the `journal import` command, and a hypothesis test of the row parser."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import journal
from exports.roster_import import (
    column_of,
    parse_bytes,
    parse_table,
    pupils_word,
    read_roster,
)
from models.core import db as dbmod
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import AuditEntry, Enrollment, Guardian, Student, StudentGuardian
from models.core.store import open_store
from models.imports.class_list import ImportRow, import_roster, preview_roster_import
from models.imports.headers import normalize_header
from models.people import roster
from tests.shared import open_as, table_rows

HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Дата рождения",
    "Пол",
    "Телефон",
    "Эл. почта",
    "Адрес",
    "Родитель: Фамилия",
    "Родитель: Имя",
    "Родитель: Телефон",
    "Родство",
]
# three pupils; the Зайцевы are siblings with the same mother (created once, linked twice)
ROWS = [
    [
        "Зайцев",
        "Тимур",
        "Маратович",
        "14.03.2015",
        "м",
        "+7 912 000-11-22",
        "timur@example.ru",
        "ул. Ленина, 1",
        "Зайцева",
        "Алия",
        "+7 912 555-44-33",
        "мать",
    ],
    [
        "Зайцева",
        "Дина",
        "Маратовна",
        "02.09.2015",
        "ж",
        "",
        "",
        "ул. Ленина, 1",
        "Зайцева",
        "Алия",
        "8 912 5554433",
        "мать",
    ],
    ["Орлова", "Ксения", "", "20.12.2014", "Ж", "", "", "", "", "", "", ""],
]
EXPECTED = [
    ("Зайцев", "Тимур", "Маратович", dt.date(2015, 3, 14), "м", "+7 912 000-11-22"),
    ("Зайцева", "Дина", "Маратовна", dt.date(2015, 9, 2), "ж", ""),
    ("Орлова", "Ксения", "", dt.date(2014, 12, 20), "ж", ""),
]


def xlsx_bytes(headers: list, rows: list[list], title_rows: int = 0) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for i in range(title_rows):
        sheet.append([f"Список класса {i + 1}"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(headers: list, rows: list[list]) -> bytes:
    """An ods as LibreOffice writes one: empty cells merged by number-columns-repeated, and
    an endless empty tail of rows."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="5А")
    for values in [headers, *rows]:
        tr = TableRow()
        i = 0
        while i < len(values):
            value = values[i]
            if value in ("", None):
                run = 1
                while i + run < len(values) and values[i + run] in ("", None):
                    run += 1
                tr.addElement(TableCell(numbercolumnsrepeated=run))
                i += run
                continue
            if isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=f"{value:%d.%m.%Y}"))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            tr.addElement(cell)
            i += 1
        table.addElement(tr)
    tail = TableRow(numberrowsrepeated=1048000)
    tail.addElement(TableCell(numbercolumnsrepeated=1024))
    table.addElement(tail)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def csv_bytes(headers: list, rows: list[list], sep: str, encoding: str) -> bytes:
    def quote(v: object) -> str:
        text = str(v)
        return f'"{text}"' if sep in text else text

    lines = [sep.join(quote(v) for v in r) for r in [headers, *rows]]
    return "\r\n".join(lines).encode(encoding)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def class_pupils(s) -> list[str]:
    rows = roster.class_roster(s.admin, s.class_a, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    return [r.student.full_name for r in rows]


def counts() -> tuple[int, ...]:
    return (
        Student.select().count(),
        Guardian.select().count(),
        StudentGuardian.select().count(),
        Enrollment.select().count(),
        AuditEntry.select().count(),
    )


# --- the parser ---------------------------------------------------------------------------------


def test_headers_match_ignoring_case_spaces_and_punctuation():
    assert normalize_header("  Эл.  почта ") == "элпочта"
    assert column_of("E-MAIL") == ("pupil", "email")
    assert column_of("дата   рождения") == ("pupil", "birth_date")
    assert column_of("ФИО") == ("pupil", "fio")
    assert column_of("Родитель 2: Телефон") == ("2", "phone")
    assert column_of("Мать") == ("мать", "fio")
    assert column_of("Отец: тел.") == ("отец", "phone")
    assert column_of("Мать: родство") is None  # the relation is in the header already
    assert column_of("Класс") is None


@pytest.mark.parametrize(
    ("fmt", "make"),
    [
        ("xlsx", lambda h, r: xlsx_bytes(h, r, title_rows=1)),
        ("ods", ods_bytes),
        ("csv", lambda h, r: csv_bytes(h, r, ";", "cp1251")),
        ("csv", lambda h, r: csv_bytes(h, r, ",", "utf-8-sig")),
        ("csv", lambda h, r: csv_bytes(h, r, ";", "utf-8")),
        ("csv", lambda h, r: csv_bytes(h, r, "\t", "utf-16")),
    ],
    ids=["xlsx", "ods", "csv-cp1251-semicolon", "csv-utf8-bom-comma", "csv-utf8-semicolon", "csv-utf16-tab"],
)
def test_every_format_reads_the_same_rows(fmt, make, fixed_today):
    parsed = parse_bytes(make(HEADERS, ROWS), f"list.{fmt}")
    assert parsed.fmt == fmt
    assert parsed.columns == tuple(HEADERS)
    assert [r.problems for r in parsed.rows] == [(), (), ()]
    got = [
        tuple(
            r.student.get(k, "")
            for k in ("surname", "first_name", "patronymic", "birth_date", "sex", "phone")
        )
        for r in parsed.rows
    ]
    assert got == EXPECTED
    assert parsed.rows[0].student["address"] == "ул. Ленина, 1"  # a comma inside a csv cell
    assert [(g.name, g.relation, g.data["phone"]) for g in parsed.rows[1].guardians] == [
        ("Зайцева Алия", "мать", "8 912 5554433")
    ]
    assert parsed.rows[2].guardians == ()


def test_xlsx_date_and_number_cells_and_capitals():
    rows = [["ПЕТРОВ-ВОДКИН", "КУЗЬМА", dt.datetime(2015, 5, 6), 79121234567]]
    parsed = parse_bytes(xlsx_bytes(["Фамилия", "Имя", "Дата рождения", "Телефон"], rows), "a.xlsx")
    assert parsed.rows[0].student == {
        "surname": "Петров-Водкин",
        "first_name": "Кузьма",
        "birth_date": dt.date(2015, 5, 6),
        "phone": "79121234567",
    }
    assert parsed.rows[0].line == 2


def test_fio_columns_mother_and_father_and_unknown_columns():
    headers = ["№", "ФИО", "Мать", "Мать: телефон", "Отец", "Класс"]
    rows = [["1", "Лебедев Марк Ильич", "Лебедева Ольга Ивановна", "+7 900 100-20-30", "", "5А"]]
    parsed = parse_table([headers, *rows])
    assert parsed.ignored == ("№", "Класс")
    row = parsed.rows[0]
    assert row.student == {"surname": "Лебедев", "first_name": "Марк", "patronymic": "Ильич"}
    assert [(g.relation, g.data) for g in row.guardians] == [
        (
            "мать",
            {
                "surname": "Лебедева",
                "first_name": "Ольга",
                "patronymic": "Ивановна",
                "phone": "+7 900 100-20-30",
            },
        )
    ]


def test_every_problem_of_a_row_is_listed():
    headers = [
        "Фамилия",
        "Имя",
        "Дата рождения",
        "Телефон",
        "Эл. почта",
        "Пол",
        "Родитель: Фамилия",
        "Родство",
    ]
    rows = [
        ["", "Иван", "31.02.2015", "abc", "нет@почты", "x", "", ""],
        ["Смирнов", "", "01.01.2030", "", "", "", "Смирнова", "тётя"],
        ["", "", "", "", "", "", "", ""],  # an empty row is skipped
        ["Смирнов", "Олег", "", "", "", "", "", "мать"],
    ]
    parsed = parse_table([headers, *rows])
    assert [r.line for r in parsed.rows] == [2, 3, 5]
    assert parsed.rows[0].problems == (
        "Не указана фамилия.",
        "«Дата рождения»: «31.02.2015» — не дата (нужно ДД.ММ.ГГГГ).",
        "Телефон «abc» не похож на номер: например, +7 912 345-67-89.",
        "Адрес «нет@почты» не похож на электронную почту.",
        "Пол: «м» или «ж».",
    )
    assert parsed.rows[1].problems == (
        "Не указано имя.",
        "Дата рождения 01.01.2030 ещё не наступила.",
        "Родитель: нужны фамилия и имя.",
        "Родитель: степень родства «тётя» — одно из мать, отец, опекун, попечитель, бабушка, дедушка, другое.",
    )
    assert parsed.rows[2].problems == ("Родитель: указано родство, но нет фамилии и имени.",)


def test_duplicates_within_the_file_and_of_pupils_already_there(small_sqlite):
    s = small_sqlite
    roster.update_student(s.homeroom, s.pupils[0], {"birth_date": "05.05.2015"})
    headers = ["Фамилия", "Имя", "Дата рождения"]
    rows = [
        ["Андреев", "Андрей", "05.05.2015"],  # in 5А with this birth date
        ["Дмитриев", "Дмитрий", ""],  # in 5Б, no birth date: not a duplicate here
        ["Борисова", "Бэлла", ""],  # in 5А now, no birth date: a duplicate
        ["Новиков", "Ной", "01.01.2015"],
        ["новиков", "НОЙ", "01.01.2015"],  # the same pupil again
    ]
    parsed = parse_table([headers, *rows])
    preview = preview_roster_import(s.homeroom, s.class_a, parsed.rows)
    assert [(r.line, r.problems) for r in preview.rows] == [
        (2, ("Уже есть в школе: Андреев Андрей, 05.05.2015 (5А).",)),
        (3, ()),
        (4, ("Уже есть в школе: Борисова Бэлла (5А).",)),
        (5, ()),
        (6, ("Повтор строки 5.",)),
    ]
    assert not preview.ok and len(preview.invalid) == 3


# --- broken files -----------------------------------------------------------------------------


def test_broken_files_get_a_clear_message(tmp_path):
    rng = random.Random(5)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    good = xlsx_bytes(HEADERS, ROWS)
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "не таблица")
    cases = {
        "noise.xlsx": (noise, "не является книгой Excel (xlsx)"),
        "noise.ods": (noise, "не является таблицей OpenDocument (ods)"),
        "noise.csv": (noise, "не похож на таблицу"),
        "empty.csv": (b"", "пуст"),
        "blank.xlsx": (b"  \n\n", "пуст"),
        "half.xlsx": (good[: len(good) // 2], "повреждён"),
        "archive.xlsx": (other_zip.getvalue(), "не таблица (xlsx, ods или csv)"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise, "xls"),
        "no-header.csv": ("а;б;в\r\n1;2;3\r\n".encode("cp1251"), "Не найдена строка заголовков"),
        "empty-sheet.xlsx": (xlsx_bytes([], []), "пуст"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(ValidationError, match=re.escape(message)):
            read_roster(write(tmp_path, name, data))
    with pytest.raises(ValidationError, match="Файла .* нет"):
        read_roster(tmp_path / "missing.csv")
    with pytest.raises(ValidationError, match="кодировку файла"):
        read_roster(write(tmp_path, "koi8.csv", csv_bytes(HEADERS, ROWS, ";", "koi8-r")))
    with pytest.raises(ValidationError, match="«Фамилия» и «ФАМИЛИЯ» означают одно и то же"):
        parse_table([["Фамилия", "Имя", "ФАМИЛИЯ"], ["А", "Б", "В"]])


# --- the import service ----------------------------------------------------------------------


def test_import_writes_every_pupil_and_guardian_in_one_audited_go(small, tmp_path):
    s = small
    parsed = read_roster(write(tmp_path, "5a.xlsx", xlsx_bytes(HEADERS, ROWS)))
    preview = preview_roster_import(s.homeroom, s.class_a, parsed.rows)
    assert preview.ok and preview.start == dt.date(2026, 11, 28) and preview.guardians == 2
    assert [r.links for r in preview.rows] == [(), ("Зайцева Алия",), ()]  # the same phone
    audit_before = AuditEntry.select().count()

    assert import_roster(s.homeroom, s.class_a, parsed.rows, "01.09.2026", source="5a.xlsx") == 3
    assert class_pupils(s) == [
        "Андреев Андрей",
        "Борисова Бэлла",
        "Васильев Василий",
        "Григорьева Галина",
        "Зайцев Тимур Маратович",
        "Зайцева Дина Маратовна",
        "Орлова Ксения",
    ]
    added = list(
        Student.select().where(Student.surname.in_(["Зайцев", "Зайцева", "Орлова"])).order_by(Student.id)
    )
    assert [(p.surname, p.first_name, p.patronymic, p.birth_date, p.sex, p.phone) for p in added] == EXPECTED
    assert {e.start for e in Enrollment.select().where(Enrollment.student.in_([p.id for p in added]))} == {
        dt.date(2026, 9, 1)
    }
    mother = Guardian.get(Guardian.surname == "Зайцева")
    assert mother.phone == "+7 912 555-44-33"
    links = StudentGuardian.select().where(StudentGuardian.guardian == mother.id)
    assert sorted((sg.student_id, sg.relation) for sg in links) == [
        (added[0].id, "мать"),
        (added[1].id, "мать"),
    ]
    new_entries = list(AuditEntry.select().where(AuditEntry.id > 0).order_by(AuditEntry.id))[audit_before:]
    assert [e.action for e in new_entries] == [
        "student.add",
        "guardian.add",
        "student.add",
        "guardian.link",
        "student.add",
        "roster.import",
    ]
    assert {e.user_id for e in new_entries} == {s.homeroom.user_id}
    summary = json.loads(new_entries[-1].new)
    assert summary == {
        "pupils": 3,
        "guardians": 1,
        "linked": 1,
        "start": "2026-09-01",
        "source": "5a.xlsx",
    }
    # importing the same file again: every row is now a duplicate, nothing is written
    again = preview_roster_import(s.homeroom, s.class_a, parsed.rows)
    assert [r.problems[0][:19] for r in again.rows] == ["Уже есть в школе: З"] * 2 + ["Уже есть в школе: О"]


def test_one_invalid_row_means_nothing_is_written(small):
    s = small
    rows = [*ROWS, ["Петров", "Пётр", "", "31.02.2015", "", "", "", "", "", "", "", ""]]
    parsed = parse_table([HEADERS, *rows])
    before = counts()
    with pytest.raises(ValidationError, match=r"Строк с ошибками: 1 \(первая — строка 5: «Дата рождения»"):
        import_roster(s.homeroom, s.class_a, parsed.rows)
    assert counts() == before
    with pytest.raises(ValidationError, match="нет ни одной строки"):
        import_roster(s.homeroom, s.class_a, [])
    assert counts() == before


def test_rows_built_by_hand_are_checked_again_by_the_service(small):
    """The service does not trust the parser: a bad card, a bad date or guardian is refused."""
    s = small
    rows = [
        ImportRow(2, {"surname": "Ок", "first_name": "Ок", "birth_date": dt.date(2015, 1, 1)}),
        ImportRow(3, {"surname": "Иванов"}),
        ImportRow(4, {"surname": "Сидоров", "first_name": "С", "phone": "телефон"}),
        ImportRow(5, {"surname": "Кузин", "first_name": "К"}, start=dt.date(2025, 1, 1)),
    ]
    preview = preview_roster_import(s.homeroom, s.class_a, rows)
    assert [r.problems for r in preview.rows] == [
        (),
        ("Не указано имя.",),
        ("Телефон «телефон» не похож на номер: например, +7 912 345-67-89.",),
        ("Дата прибытия 01.01.2025 вне учебного года (01.09.2026 – 31.08.2027).",),
    ]
    before = counts()
    with pytest.raises(ValidationError):
        import_roster(s.homeroom, s.class_a, rows)
    assert counts() == before


def test_only_the_class_keeper_imports(small):
    s = small
    parsed = parse_table([HEADERS, *ROWS])
    for actor in (s.teacher, s.other, s.guardian):
        with pytest.raises(PermissionDenied):
            preview_roster_import(actor, s.class_a, parsed.rows)
        with pytest.raises(PermissionDenied):
            import_roster(actor, s.class_a, parsed.rows)
    assert import_roster(s.admin, s.class_a, parsed.rows) == 3


# --- hypothesis: any invalid row, nothing written -------------------------------------------------

GOOD_NAMES = ["Кузнецов", "Смирнова", "Попов-Ильин", "О'Нил", "  соколова  "]
BAD_NAMES = ["Ив@нов", "123", "x" * 70]
GOOD_DATES = ["01.02.2015", "2014-05-06", dt.date(2016, 3, 3), ""]
BAD_DATES = ["31.02.2015", "вчера", "01.01.1990", "29.11.2026"]
GOOD_PHONES = ["", "+7 912 345-67-89", "8(912)3456789"]
BAD_PHONES = ["abc", "12", "+7 912 ЗВОНИТЬ"]
GOOD_SEX = ["", "м", "Ж", "женский"]
BAD_SEX = ["x", "мальчик"]
GOOD_GUARDIANS = [
    ("", "", "", ""),
    ("Кузнецова", "Анна", "+7 900 000-00-01", "мать"),
    ("Попов", "Олег", "", ""),
]
BAD_GUARDIANS = [("Кузнецова", "", "", "мать"), ("", "", "+7 900 000-00-02", ""), ("Ли", "Ким", "", "тётя")]


@st.composite
def import_rows(draw, bad_allowed: bool = True):
    """(cells, expected valid) — the oracle knows which pool every value came from."""
    valid = True
    cells = []
    for good, bad in (
        (GOOD_NAMES, BAD_NAMES + [""]),
        (GOOD_NAMES, BAD_NAMES + [""]),
        (GOOD_DATES, BAD_DATES),
        (GOOD_PHONES, BAD_PHONES),
        (GOOD_SEX, BAD_SEX),
        (GOOD_GUARDIANS, BAD_GUARDIANS),
    ):
        use_bad = bad_allowed and draw(st.integers(0, 7)) == 0
        value = draw(st.sampled_from(bad if use_bad else good))
        valid &= not use_bad
        cells.extend(value if isinstance(value, tuple) else [value])
    return cells, valid


IMPORT_HEADERS = [
    "Фамилия",
    "Имя",
    "Дата рождения",
    "Телефон",
    "Пол",
    "Родитель: Фамилия",
    "Родитель: Имя",
    "Родитель: Телефон",
    "Родство",
]


def birth_key(cells: list) -> tuple:
    day = cells[2]
    if isinstance(day, str) and day:
        day = dt.datetime.strptime(day, "%d.%m.%Y" if "." in day else "%Y-%m-%d").date()
    return (cells[0].strip().lower(), cells[1].strip().lower(), day or None)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.one_of(
        st.lists(import_rows(bad_allowed=False), min_size=1, max_size=6),
        st.lists(import_rows(), min_size=1, max_size=6),
    )
)
def test_any_invalid_row_means_nothing_is_written(small_sqlite, generated):
    s = small_sqlite
    table = [IMPORT_HEADERS, *(cells for cells, _valid in generated)]
    expected_ok = all(valid for _cells, valid in generated)
    if expected_ok:  # valid rows: the same pupil twice is the one remaining problem
        keys = [birth_key(cells) for cells, _valid in generated]
        expected_ok = len(set(keys)) == len(keys)
    before = counts()
    with dbmod.database.atomic() as outer:  # each example starts from the same school
        parsed = parse_table(table)
        assert len(parsed.rows) == len(generated)
        preview = preview_roster_import(s.homeroom, s.class_a, parsed.rows)
        assert preview.ok == expected_ok, [r.problems for r in preview.rows]
        event(f"ok={expected_ok}")
        if expected_ok:
            assert import_roster(s.homeroom, s.class_a, parsed.rows) == len(generated)
            assert counts()[0] == before[0] + len(generated)
        else:
            with pytest.raises(ValidationError, match="Ничего не записано"):
                import_roster(s.homeroom, s.class_a, parsed.rows)
            assert counts() == before
        outer.rollback()
    assert counts() == before


# --- the command line -----------------------------------------------------------------------------


def run(argv: list[str], stdin: str = "") -> int:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return journal.main(argv)
    finally:
        sys.stdin = old
        dbmod.close()


def test_cli_dry_run_then_import_with_yes(small_sqlite, sqlite_store, tmp_path, capsys):
    db = str(sqlite_store)
    path = write(tmp_path, "5А.csv", csv_bytes(HEADERS, ROWS, ";", "cp1251"))
    before = counts()
    dbmod.close()
    assert run(["import", "roster", str(path), "--class", "5А", "--dry-run", "--db", db]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Столбцы: " + ", ".join(HEADERS)
    assert lines[1] == "Класс 5А, дата прибытия 28.11.2026 (если в строке не указана своя)."
    assert lines[2] == "  стр.   2  ок      Зайцев Тимур Маратович, 14.03.2015 · мать: Зайцева Алия"
    assert "уже есть в школе, будет связан: Зайцева Алия" in lines[4]
    assert lines[-2:] == [
        "Строк: 3, без ошибок: 3, с ошибками: 0.",
        "Проверка без записи (--dry-run): ничего не записано.",
    ]
    # not a terminal and no --yes: refused, nothing written
    assert run(["import", "roster", str(path), "--class", "5а", "--db", db], "д\n") == 2
    assert "подтвердите импорт ключом --yes" in capsys.readouterr().err
    open_store(db)
    assert counts() == before
    dbmod.close()
    code = run(["--db", db, "import", "roster", str(path), "--class", "5А", "--start", "01.09.2026", "--yes"])
    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Импортировано учащихся: 3, класс 5А."
    open_store(db)
    assert counts()[0] == before[0] + 3
    entry = AuditEntry.get(AuditEntry.action == "roster.import")
    assert entry.user_id is None  # the command line acts as the system
    assert json.loads(entry.new)["source"] == os.path.abspath(path)


def test_cli_refuses_invalid_rows_and_broken_files(small_sqlite, sqlite_store, tmp_path, capsys):
    db = str(sqlite_store)
    before = counts()
    dbmod.close()
    bad = write(tmp_path, "bad.csv", csv_bytes(["Фамилия", "Имя"], [["Ок", "Ок"], ["", "Без"]], ",", "utf-8"))
    assert run(["import", "roster", str(bad), "--class", "5А", "--yes", "--db", db]) == 2
    out, err = capsys.readouterr()
    assert "  стр.   3  ОШИБКА  Без\n                   — Не указана фамилия.\n" in out
    assert err == "journal: строк с ошибками: 1. Ничего не записано: исправьте файл и повторите.\n"
    broken = write(tmp_path, "list.xlsx", b"\x00\x01 not a workbook")
    assert run(["import", "roster", str(broken), "--class", "5А", "--db", db]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("journal: Файл «list.xlsx» не является книгой Excel (xlsx)")
    assert run(["import", "roster", str(bad), "--class", "9Я", "--db", db]) == 2
    assert capsys.readouterr().err == "journal: Класса 9Я нет.\n"
    open_store(db)
    assert counts() == before


def test_pupils_word():
    assert [f"{n} {pupils_word(n)}" for n in (1, 2, 5, 11, 21, 112)] == [
        "1 учащегося",
        "2 учащихся",
        "5 учащихся",
        "11 учащихся",
        "21 учащегося",
        "112 учащихся",
    ]


# --- the import screen ------------------------------------------------------------------------


async def open_import(app, pilot, s):
    from tui.screens.importer import ImportScreen

    return await open_as(app, pilot, "ivanova", s.passwords["ivanova"], ImportScreen)


async def check_file(app, pilot, screen, path: Path) -> None:
    from textual.widgets import Input

    screen.query_one("#import-path", Input).value = str(path)
    screen.query_one("#import-path", Input).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(screen, selector: str) -> str:
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).render())


@pytest.mark.asyncio
async def test_import_screen_previews_then_imports_all_rows(small_sqlite, tmp_path):
    from textual.widgets import Input

    from tui.app import JournalApp
    from tui.widgets.dialogs import ConfirmDialog

    s = small_sqlite
    path = write(tmp_path, "5А.ods", ods_bytes(HEADERS, ROWS))
    before = counts()
    app = JournalApp(source="")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_import(app, pilot, s)
        assert screen_text(screen, "#import-title") == "Импорт списка класса 5А"
        assert screen.query_one("#import-start", Input).value == "28.11.2026"
        screen.query_one("#import-start", Input).value = "01.09.2026"
        await check_file(app, pilot, screen, path)
        assert table_rows(screen) == [
            ["2", "Зайцев Тимур Маратович, 14.03.2015 · мать: Зайцева Алия", "ок"],
            [
                "3",
                "Зайцева Дина Маратовна, 02.09.2015 · мать: Зайцева Алия",
                "ок; уже есть в школе, будет связан: Зайцева Алия",
            ],
            ["4", "Орлова Ксения, 20.12.2014", "ок"],
        ]
        assert screen_text(screen, "#import-status") == (
            "Строк: 3, без ошибок: 3, с ошибками: 0. Ctrl+S — импортировать все строки."
        )
        assert counts() == before  # the preview writes nothing
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Импортировать 3 учащихся в класс 5А?")
        await pilot.press("enter")
        await pilot.pause()
        assert screen_text(screen, "#import-status") == "Импортировано учащихся: 3, класс 5А."
        assert table_rows(screen) == []
        await pilot.press("ctrl+s")  # nothing left to import twice
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert counts()[0] == before[0] + 3
    assert {e.start for e in Enrollment.select().order_by(Enrollment.id.desc()).limit(3)} == {
        dt.date(2026, 9, 1)
    }


@pytest.mark.asyncio
async def test_import_screen_refuses_invalid_rows_and_broken_files(small_sqlite, tmp_path):
    from tui.app import JournalApp
    from tui.widgets.dialogs import ConfirmDialog

    s = small_sqlite
    bad = write(
        tmp_path,
        "bad.csv",
        csv_bytes(["Фамилия", "Имя", "Класс"], [["Ок", "Ок", "5А"], ["", "Без", "5А"]], ";", "cp1251"),
    )
    broken = write(tmp_path, "broken.xlsx", b"\x00garbage")
    before = counts()
    app = JournalApp(source="")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_import(app, pilot, s)
        await check_file(app, pilot, screen, bad)
        assert table_rows(screen) == [["2", "Ок Ок", "ок"], ["3", "Без", "Не указана фамилия."]]
        assert screen_text(screen, "#import-status") == (
            "Строк: 2, без ошибок: 1, с ошибками: 1. Не распознаны и пропущены столбцы: Класс. "
            "Пока есть ошибки, ничего не записывается: исправьте файл и нажмите F5."
        )
        await pilot.press("down")
        await pilot.pause()
        assert screen_text(screen, "#import-detail") == "Строка 3: Не указана фамилия."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await check_file(app, pilot, screen, broken)
        assert screen_text(screen, "#import-status").startswith("Файл «broken.xlsx» не является книгой Excel")
        assert table_rows(screen) == []
    assert counts() == before
