"""`journal import plan` and `journal export plan` (issue 17): a КТП as teachers write it
(cp1251, «;», title rows, a section, «Итого») into 5А's mathematics, then the plan against
what was taken; a broken plan writes nothing. Today is Sat 28 Nov 2026."""

from __future__ import annotations

import datetime as dt

from models.core import db as dbmod
from models.core.schema import Lesson, PlanItem
from models.core.store import open_store
from models.journal import entries
from tests.shared import run_journal as run

KTP = "\r\n".join(
    [
        "Календарно-тематическое планирование по математике, 5 класс;;;",
        "№ урока;Тема урока;Кол-во часов;Дата по плану",
        "Раздел 1. Дроби — 3 ч;;;",
        "1-2;Сложение дробей;2;23.11",
        "3;Вычитание дробей;1;25.11",
        "Итого;;3;",
    ]
)


def test_a_ktp_in_one_command_then_its_report(small_sqlite, sqlite_store, tmp_path, capsys):
    s = small_sqlite
    for day in (23, 24, 25):
        entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 11, day))
    db = str(sqlite_store)
    dbmod.close()
    path = tmp_path / "ктп.csv"
    path.write_bytes(KTP.encode("cp1251"))
    args = ["import", "plan", str(path), "--class", "5А", "--subject", "Математика", "--db", db]
    assert run([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Файл: 2 тем, 3 ч, разделов 1." in out
    assert "5А · Математика: уроков в журнале 3, темы получат 3, своя тема у 0" in out
    assert run(args, "д\n") == 2  # not a terminal, no --yes: nothing written
    assert run([*args, "--yes"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "5А · Математика: КТП записан (3 ч), тем в уроки: 3."
    open_store(db)
    assert [x.topic for x in Lesson.select().order_by(Lesson.date)] == ["Сложение дробей"] * 2 + [
        "Вычитание дробей"
    ]
    assert PlanItem.select().count() == 3
    dbmod.close()
    export = [
        "export",
        "plan",
        "--class",
        "5А",
        "--subject",
        "Математика",
        "--format",
        "csv",
        "-o",
        "-",
        "--db",
        db,
    ]
    assert run(export) == 0
    lines = capsys.readouterr().out.lstrip("\ufeff").splitlines()
    assert (
        lines[1]
        == "На 28.11.2026: часов в плане 3, пройдено 3, по плану к этому дню 3, отстаём на 0 ч.;;;;;;;"
    )
    assert lines[3].split(";") == ["", "", "Раздел 1. Дроби — 3 ч", "", "", "", "", ""]  # heads its lessons
    assert lines[4].split(";") == [
        "1",
        "1",
        "Сложение дробей",
        "23.11.2026",
        "23.11.2026",
        "Сложение дробей",
        "",
        "пройдено",
    ]


def test_a_broken_ktp_writes_nothing(small_sqlite, sqlite_store, tmp_path, capsys):
    db = str(sqlite_store)
    dbmod.close()
    path = tmp_path / "ктп.csv"
    path.write_bytes("№ урока;Тема урока;Кол-во часов\n1;Дроби;0\n3;Проценты;1\n".encode("cp1251"))
    assert (
        run(["import", "plan", str(path), "--class", "5А", "--subject", "Математика", "--db", db, "--yes"])
        == 2
    )
    err = capsys.readouterr().err
    assert "Часов «0»: от 1 до 8." in err and "Ничего не записано" in err
    broken = tmp_path / "ктп.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert run(["import", "plan", str(broken), "--class", "5А", "--subject", "Математика", "--db", db]) == 2
    assert "повреждён" in capsys.readouterr().err
    assert run(["import", "plan", str(path), "--class", "5А", "--db", db]) == 2  # no subject
    open_store(db)
    assert PlanItem.select().count() == 0
    dbmod.close()
