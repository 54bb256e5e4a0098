"""The audit log (R18): who changed what and when, read back in Russian, scoped to the
reader, filtered, exported (and the export audited), from the command line and the screen.

The small school (tests/factory.py) is built on Saturday 28.11.2026; on top of it `history`
writes, through the services, two earlier days (entries newest first within a day):

    Fri 20.11  petrov    lesson 16.11 № 1, Математика 5А (his)   «новый урок»
               petrov    Андреев, that lesson: пусто → 5           «отметка»
               petrov    Андреев, the same cell: 5 → 4             «отметка»
               petrov    lesson 16.11 № 1, Математика 5Б (his)   «новый урок»
               petrov    Дмитриев (5Б): пусто → 3                  «отметка»
               ivanova   lesson 16.11 № 2, Русский язык 5А        «новый урок»
               ivanova   Борисова: пусто → н                       «пропуск»
               sidorova  Дмитриев's card: телефон — → +7 900 222-33-44
    Fri 27.11  ivanova   Андреев's card: телефон — → +7 900 111-22-33
               petrov    Андреев, Математика, 1 четверть: — → 5    «итоговая отметка»
               ivanova   Борисова's н excused: б, «справка № 5»

ivanova keeps 5А (and teaches its Russian), sidorova keeps 5Б (and teaches 5А's English
group 1), petrov teaches mathematics in 5А and 5Б. So, of these eleven entries, ivanova
reads the eight about 5А, sidorova the three about 5Б, petrov his six; the admin all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import openpyxl
import pytest

from exports.auditlog import COLUMNS, export_audit
from models.core import clock
from models.core import db as dbmod
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import Absence, AuditEntry
from models.journal import entries
from models.people import roster
from models.reports.auditlog import (
    AuditFilter,
    action_choices,
    all_entries,
    audit_entries,
    find_pupils,
    make_filter,
)
from tests.conftest import TODAY
from tests.factory import SmallSchool
from tests.shared import run_journal as cli

MON = dt.date(2026, 11, 16)
DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 27)
WINDOW = {"since": DAY1, "until": DAY2}
BOM = b"\xef\xbb\xbf"


def write_history(s: SmallSchool) -> dict[str, int]:
    andreev, borisova = s.pupils[0], s.pupils[1]
    dmitriev = s.pupils_b[0]
    clock.freeze(DAY1)
    math_a = entries.add_lesson(s.teacher, s.math_a, MON, 1).id
    entries.set_mark(s.teacher, math_a, andreev, 5)
    entries.set_mark(s.teacher, math_a, andreev, 4)
    math_b = entries.add_lesson(s.teacher, s.math_b, MON, 1).id
    entries.set_mark(s.teacher, math_b, dmitriev, 3)
    russian = entries.add_lesson(s.homeroom, s.russian_a, MON, 2).id
    entries.set_absence(s.homeroom, russian, borisova, "н")
    roster.update_student(s.other, dmitriev, {"phone": "+7 900 222-33-44"})
    clock.freeze(DAY2)
    roster.update_student(s.homeroom, andreev, {"phone": "+7 900 111-22-33"})
    entries.set_final_mark(s.teacher, s.math_a, andreev, s.q1, "5")
    absence = Absence.get((Absence.lesson == russian) & (Absence.student == borisova)).id
    entries.excuse_absences(s.homeroom, [absence], "б", "справка № 5")
    clock.freeze(TODAY)
    return {"math_a": math_a, "math_b": math_b, "russian": russian}


@pytest.fixture
def history(small) -> SmallSchool:
    write_history(small)
    return small


def lines(rows) -> list[tuple[str, str, str]]:
    """(what, whom, the change) per entry, newest first: what the tests compare."""
    return [(r.what, r.pupil, r.summary) for r in rows]


def window(actor, **filters) -> list[tuple[str, str, str]]:
    return lines(all_entries(actor, AuditFilter(**WINDOW, **filters)).rows)


ANDREEV_4 = ("отметка", "Андреев Андрей", "5 → 4")
ANDREEV_5 = ("отметка", "Андреев Андрей", "пусто → 5")
DMITRIEV_3 = ("отметка", "Дмитриев Дмитрий", "пусто → 3")
BORISOVA_N = ("пропуск", "Борисова Бэлла", "пусто → н")
EXCUSE = (
    "уважительная причина пропуска",
    "Борисова Бэлла",
    "пропуск: н → б; документ: справка № 5; пропусков: 1",
)
FINAL = ("итоговая отметка", "Андреев Андрей", "— → 5")
ANDREEV_CARD = ("данные учащегося", "Андреев Андрей", "телефон: — → +7 900 111-22-33")
DMITRIEV_CARD = ("данные учащегося", "Дмитриев Дмитрий", "телефон: — → +7 900 222-33-44")
LESSON = ("новый урок", "", "")  # its class, subject, date and number are its target
RUSSIAN_LESSON = LESSON


# --- scope --------------------------------------------------------------------------------------


def test_the_admin_reads_every_entry_newest_first(history):
    s = history
    assert window(s.admin) == [
        EXCUSE,
        FINAL,
        ANDREEV_CARD,
        DMITRIEV_CARD,
        BORISOVA_N,
        RUSSIAN_LESSON,
        DMITRIEV_3,
        LESSON,
        ANDREEV_4,
        ANDREEV_5,
        LESSON,
    ]
    everything = all_entries(s.admin).rows
    assert len(everything) == AuditEntry.select().count()
    # the school was built on 28.11, after the two days written back-dated: newest first is by time
    days = [r.at.date() for r in everything]
    assert days == sorted(days, reverse=True) and days[0] == TODAY and days[-1] == DAY1
    assert [r.what for r in everything if r.at.date() == TODAY][-1] == "создание школы"


def test_the_homeroom_teacher_of_5a_reads_5a_and_not_5b(history):
    s = history
    assert window(s.homeroom) == [
        EXCUSE,
        FINAL,  # petrov's, about her pupil
        ANDREEV_CARD,
        BORISOVA_N,
        RUSSIAN_LESSON,
        ANDREEV_4,  # petrov's marks in her class
        ANDREEV_5,
        LESSON,
    ]
    built = lines(all_entries(s.homeroom, AuditFilter(since=TODAY)).rows)
    added = [whom for what, whom, _ in built if what == "зачисление учащегося"]
    assert added == ["Григорьева Галина", "Васильев Василий", "Борисова Бэлла", "Андреев Андрей"]


def test_the_homeroom_teacher_of_5b_reads_5b_and_not_5a(history):
    s = history
    assert window(s.other) == [DMITRIEV_CARD, DMITRIEV_3, LESSON]
    built = lines(all_entries(s.other, AuditFilter(since=TODAY)).rows)
    assert [whom for what, whom, _ in built if what == "зачисление учащегося"] == ["Дмитриев Дмитрий"]


def test_a_subject_teacher_reads_his_own_courses_only(history):
    s = history
    # not ivanova's Russian lesson, its absence and excuse, nor the pupils' cards
    assert window(s.teacher) == [FINAL, DMITRIEV_3, LESSON, ANDREEV_4, ANDREEV_5, LESSON]


@pytest.mark.parametrize("who", ["student", "guardian"])
def test_pupils_and_guardians_are_refused(history, who):
    actor = getattr(history, who)
    message = "Журнал изменений ведут сотрудники школы: учащимся и родителям доступен только дневник."
    with pytest.raises(PermissionDenied, match=message):
        audit_entries(actor)
    with pytest.raises(PermissionDenied, match=message):
        find_pupils(actor, "Андреев")
    with pytest.raises(PermissionDenied, match=message):
        export_audit(actor, fmt="csv", out="-", stream=io.BytesIO())
    assert not AuditEntry.select().where(AuditEntry.action == "export.audit").exists()


# --- filters ------------------------------------------------------------------------------------


def test_the_pupil_filter_finds_every_entry_about_the_pupil(history):
    s = history
    found = make_filter(s.admin, pupil="андреев андрей")
    assert (found.pupil_id, found.pupil_name) == (s.pupils[0], "Андреев Андрей (5А)")
    assert make_filter(s.admin, pupil=f"№ {s.pupils[0]}").pupil_id == s.pupils[0]
    rows = all_entries(s.admin, found).rows
    assert [r.what for r in rows] == [
        "выдача логина и пароля",  # his diary login (28.11)
        "выдача логина и пароля",  # his mother's
        "новый представитель",
        "перевод в подгруппу",  # 2nd quarter
        "перевод в подгруппу",  # 1st quarter
        "зачисление учащегося",
        "итоговая отметка",  # 27.11
        "данные учащегося",
        "отметка",  # 20.11
        "отметка",
    ]
    mother = rows[1]
    assert mother.pupil == "" and mother.about == "Андреева О., логин andreeva.o"
    # the same pupil through a teacher who may not read his card
    assert [r.what for r in all_entries(s.teacher, found).rows] == ["итоговая отметка", "отметка", "отметка"]
    # a pupil of 5Б is nobody the homeroom teacher of 5А may read about
    assert all_entries(s.homeroom, make_filter(s.admin, pupil="Дмитриев")).rows == ()


def test_a_pupil_is_named_by_number_or_by_name_and_must_be_one(history):
    s = history
    with pytest.raises(ValidationError, match="Учащегося «Никитин» нет"):
        make_filter(s.admin, pupil="Никитин")
    roster.add_student(s.homeroom, s.class_a, {"surname": "Андреев", "first_name": "Антон"}, MON)
    with pytest.raises(
        ValidationError, match=r"«Андреев» — несколько учащихся: № \d+ Андреев Андрей \(5А\); "
    ):
        make_filter(s.admin, pupil="Андреев")
    assert make_filter(s.admin, pupil="Андреев Ант").pupil_name == "Андреев Антон (5А)"  # a beginning will do


def test_the_user_filter_takes_a_login_or_the_system(history):
    s = history
    assert window(s.admin, user_id=s.teacher.user_id) == [
        FINAL,
        DMITRIEV_3,
        LESSON,
        ANDREEV_4,
        ANDREEV_5,
        LESSON,
    ]
    by_login = make_filter(s.admin, user="Petrov")
    assert (by_login.user_id, by_login.user_name) == (s.teacher.user_id, "Петров И. О. (petrov)")
    system = all_entries(s.admin, make_filter(s.admin, user="система")).rows
    assert [(r.what, r.who, r.login) for r in system] == [
        ("настройка", "система", ""),
        ("настройка", "система", ""),
        ("создание школы", "система", ""),
    ]
    assert system[0].about == "настройки" and system[0].summary == "argon2: число проходов: — → 1"
    with pytest.raises(ValidationError, match="Учётной записи «nobody» нет"):
        make_filter(s.admin, user="nobody")


def test_the_action_filter_takes_a_group_an_action_or_a_prefix(history):
    s = history
    marks = make_filter(s.admin, action="marks")
    assert marks.describe() == "действие: отметки и пропуски"
    assert lines(all_entries(s.admin, AuditFilter(**WINDOW, action=marks.action)).rows) == [
        EXCUSE,
        BORISOVA_N,
        DMITRIEV_3,
        ANDREEV_4,
        ANDREEV_5,
    ]
    assert window(s.admin, action=make_filter(s.admin, action="mark.set").action) == [
        DMITRIEV_3,
        ANDREEV_4,
        ANDREEV_5,
    ]
    assert window(s.admin, action=make_filter(s.admin, action="итоговые отметки").action) == [FINAL]
    prefix = make_filter(s.admin, action="student.*").action
    assert prefix == "student."
    assert [what for what, _, _ in lines(all_entries(s.admin, AuditFilter(action=prefix)).rows)] == [
        *["зачисление учащегося"] * 5,
        "данные учащегося",
        "данные учащегося",
    ]
    with pytest.raises(ValidationError, match="Неизвестное действие «оценки»"):
        make_filter(s.admin, action="оценки")
    assert ("итоговые отметки (все)", "finals") in action_choices()


def test_the_date_filter_keeps_whole_days(history):
    s = history
    assert window(s.admin) == lines(
        all_entries(s.admin, make_filter(s.admin, since="20.11.2026", until="27.11.2026")).rows
    )
    first_day = all_entries(s.admin, make_filter(s.admin, since="20.11.2026", until="20.11.2026")).rows
    assert len(first_day) == 8 and {r.at.date() for r in first_day} == {DAY1}
    assert [
        r.what
        for r in all_entries(s.admin, make_filter(s.admin, since="21.11.2026", until="27.11.2026")).rows
    ] == [
        "уважительная причина пропуска",
        "итоговая отметка",
        "данные учащегося",
    ]
    assert make_filter(s.admin, since="20.11.2026").describe() == "с 20.11.2026"
    with pytest.raises(ValidationError, match="начало 27.11.2026 позже конца 20.11.2026"):
        make_filter(s.admin, since="27.11.2026", until="20.11.2026")
    with pytest.raises(ValidationError, match="не дата"):
        make_filter(s.admin, since="вчера")


def test_pages_follow_each_other_without_gaps_or_repeats(history):
    s = history
    everything = [r.id for r in all_entries(s.homeroom).rows]
    seen: list[int] = []
    page = audit_entries(s.homeroom, limit=4)
    while True:
        assert len(page.rows) <= 4
        seen.extend(r.id for r in page.rows)
        if not page.more:
            break
        page = audit_entries(s.homeroom, limit=4, before=page.cursor)
    assert seen == everything and len(set(seen)) == len(seen) > 8


# --- in words -----------------------------------------------------------------------------------


def test_a_mark_change_reads_old_to_new_with_whom_where_and_who(history):
    s = history
    changed = all_entries(s.admin, AuditFilter(**WINDOW, action="mark.set")).rows[1]
    assert changed.what == "отметка" and changed.summary == "5 → 4"
    assert (changed.old_text, changed.new_text) == ("5", "4")
    assert (changed.who, changed.login) == ("Петров Игорь Олегович", "petrov")
    assert changed.who_text == "Петров Игорь Олегович (petrov)"
    assert (changed.pupil, changed.class_name, changed.subject) == ("Андреев Андрей", "5А", "Математика")
    assert (changed.lesson_date, changed.lesson_number) == (MON, 1)
    assert changed.target == "Андреев Андрей, 5А · Математика · урок 16.11.2026 № 1"
    assert changed.at.date() == DAY1 and changed.action == "mark.set"
    final = all_entries(s.admin, AuditFilter(**WINDOW, action="finals")).rows[0]
    assert final.target == "Андреев Андрей, 5А · Математика · 1 четверть"
    excuse = all_entries(s.admin, AuditFilter(**WINDOW, action="absence.excuse")).rows[0]
    assert excuse.target == "Борисова Бэлла, 5А · Русский язык · урок 16.11.2026 № 2"
    assert (
        excuse.old_text == "пропуск: н"
        and excuse.new_text == "пропуск: б; документ: справка № 5; пропусков: 1"
    )


def test_a_transfer_and_a_subgroup_change_read_in_russian(history):
    s = history
    grigorieva = s.pupils[3]
    roster.transfer_student(s.admin, grigorieva, s.class_b, TODAY)
    transfer = all_entries(s.admin, AuditFilter(action="student.transfer")).rows[0]
    assert transfer.what == "перевод учащегося"
    assert transfer.summary == "класс: 5А → 5Б; дата: 28.11.2026"
    assert [c.field for c in transfer.changes] == ["класс", "дата"]
    # both homeroom teachers read it: she was in 5А, she is in 5Б
    assert transfer.id in {r.id for r in all_entries(s.homeroom).rows}
    assert transfer.id in {r.id for r in all_entries(s.other).rows}
    assign = all_entries(s.admin, AuditFilter(pupil_id=s.pupils[0], action="subgroup.assign")).rows[0]
    assert assign.summary == "подгруппа: — → 1 группа"  # the period stays: not in the summary
    assert [(c.field, c.old, c.new) for c in assign.changes] == [
        ("подгруппа", "—", "1 группа"),
        ("период", "2 четверть", "2 четверть"),
    ]


# --- export -------------------------------------------------------------------------------------


def xlsx_rows(path: Path) -> list[list]:
    sheet = openpyxl.load_workbook(path).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_export_writes_what_is_shown_to_a_private_file_and_is_audited(history, tmp_path):
    s = history
    marks = make_filter(s.homeroom, action="marks")
    done = export_audit(s.homeroom, marks, fmt="xlsx", out=tmp_path)
    [path] = done.paths
    assert path == tmp_path / "Журнал_изменений_2026-11-28.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (done.count, done.truncated) == (4, False)  # hers: excuse, absence, petrov's two marks
    rows = xlsx_rows(path)
    assert rows[0][0] == "Журнал изменений"
    assert rows[1][0] == "Отбор: действие: отметки и пропуски"
    assert rows[2][0].startswith("Выгрузил: Иванова Мария Петровна (ivanova), 28.11.2026 ")
    assert rows[2][0].endswith("Записей: 4.")
    assert tuple(rows[4]) == COLUMNS
    excuse, absence, four, five = rows[5:9]
    assert excuse[0] == 1 and excuse[1].startswith("27.11.2026 ")
    assert excuse[2:10] == [
        "Иванова М. П.",
        "ivanova",
        "уважительная причина пропуска",
        "Борисова Бэлла",
        "5А",
        "Русский язык",
        "16.11.2026 № 2",
        "",
    ]
    assert excuse[10:12] == ["пропуск: н", "пропуск: б; документ: справка № 5; пропусков: 1"]
    assert absence[4:6] == ["пропуск", "Борисова Бэлла"] and absence[10:12] == ["пусто", "н"]
    assert four[2:9] == [
        "Петров И. О.",
        "petrov",
        "отметка",
        "Андреев Андрей",
        "5А",
        "Математика",
        "16.11.2026 № 1",
    ]
    assert four[10:12] == ["5", "4"] and five[10:12] == ["пусто", "5"]
    assert len(rows) == 9
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert (entry.action, entry.entity, entry.user_id) == ("export.audit", "export", s.homeroom.user_id)
    assert json.loads(entry.new) == {"target": str(path), "count": 4}
    # and the export is itself in the log, in words
    shown = audit_entries(s.homeroom, limit=1).rows[0]
    assert (shown.what, shown.summary) == ("выгрузка: журнал изменений", f"файл: {path}; количество: 4")
    again = export_audit(s.homeroom, marks, fmt="ods", out=tmp_path)
    assert again.paths[0].name == "Журнал_изменений_2026-11-28.ods"  # never over another file


def test_the_export_to_a_stream_is_csv_with_a_bom(history):
    s = history
    stream = io.BytesIO()
    done = export_audit(s.teacher, AuditFilter(**WINDOW), fmt="csv", out="-", stream=stream)
    assert done.paths == () and done.count == 6
    data = stream.getvalue()
    assert data.startswith(BOM)
    rows = list(csv.reader(io.StringIO(data[len(BOM) :].decode()), delimiter=";"))
    assert rows[1][0] == "Отбор: с 20.11.2026 по 27.11.2026"
    assert tuple(rows[4]) == COLUMNS
    assert [row[4] for row in rows[5:]] == [
        "итоговая отметка",
        "отметка",
        "новый урок",
        "отметка",
        "отметка",
        "новый урок",
    ]
    assert rows[5][9:12] == ["1 четверть", "—", "5"]
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.action == "export.audit" and json.loads(entry.new) == {"target": "stdout", "count": 6}
    with pytest.raises(ValidationError, match="только csv"):
        export_audit(s.teacher, fmt="xlsx", out="-", stream=io.BytesIO())
    stream = io.BytesIO()
    cut = export_audit(s.teacher, AuditFilter(**WINDOW), fmt="csv", out="-", stream=stream, cap=4)
    assert (cut.count, cut.truncated) == (4, True)
    rows = list(csv.reader(io.StringIO(stream.getvalue()[len(BOM) :].decode()), delimiter=";"))
    assert rows[2][0].endswith("Записей: 4 (только последние 4: уточните отбор).")
    assert [row[4] for row in rows[5:]] == ["итоговая отметка", "отметка", "новый урок", "отметка"]


# --- the command line ---------------------------------------------------------------------------


def test_the_command_line_writes_csv_to_stdout_and_files(small_sqlite, sqlite_store, tmp_path, capsysbinary):
    s = small_sqlite
    write_history(s)
    db = str(sqlite_store)
    dbmod.close()
    code = cli(["audit", "--db", db, "--pupil", "Андреев Андрей", "--since", "20.11.2026", "-o", "-"])
    assert code == 0
    printed = capsysbinary.readouterr()
    rows = list(csv.reader(io.StringIO(printed.out.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Отбор: учащийся: Андреев Андрей (5А); с 20.11.2026"
    assert rows[2][0].startswith("Выгрузил: система (system), ")
    assert [row[4] for row in rows[5:]] == [
        "выдача логина и пароля",
        "выдача логина и пароля",
        "новый представитель",
        "перевод в подгруппу",
        "перевод в подгруппу",
        "зачисление учащегося",
        "итоговая отметка",
        "данные учащегося",
        "отметка",
        "отметка",
    ]
    assert rows[-2][2:4] == ["Петров И. О.", "petrov"] and rows[-2][10:12] == ["5", "4"]
    assert (
        printed.err.decode() == "Записей выгружено: 10. Отбор: учащийся: Андреев Андрей (5А); с 20.11.2026.\n"
    )
    out = tmp_path / "журнал.xlsx"
    code = cli(["audit", "--db", db, "--user", "petrov", "--action", "marks", "-o", str(out)])
    assert code == 0
    assert capsysbinary.readouterr().out.decode().strip() == str(out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert [row[4] for row in xlsx_rows(out)[5:]] == ["отметка", "отметка", "отметка"]
    # each export is in the log, made by the system
    dbmod.close()
    from models.core.store import open_store

    open_store(db)
    made = list(AuditEntry.select().where(AuditEntry.action == "export.audit").order_by(AuditEntry.id))
    assert [(e.user_id, json.loads(e.new)) for e in made] == [
        (None, {"target": "stdout", "count": 10}),
        (None, {"target": str(out), "count": 3}),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--pupil", "Никитин"], "Учащегося «Никитин» нет"),
        (["--user", "nobody"], "Учётной записи «nobody» нет"),
        (["--action", "оценки"], "Неизвестное действие «оценки»"),
        (["--since", "28.11.2026", "--until", "01.11.2026"], "позже конца"),
        (["--format", "xlsx", "-o", "-"], "только csv"),
    ],
)
def test_the_command_line_says_what_is_wrong(small_sqlite, sqlite_store, capsys, argv, message):
    db = str(sqlite_store)
    dbmod.close()
    assert cli(["audit", "--db", db, *argv]) == 2
    assert message in capsys.readouterr().err


# --- the screen ---------------------------------------------------------------------------------


async def test_the_screen_lists_filters_shows_and_exports(small_sqlite, tmp_path, monkeypatch):
    from textual.widgets import Static

    from models.people import accounts
    from tests.shared import table_rows
    from tui.app import JournalApp
    from tui.screens.auditlog import AuditEntryDialog, AuditFilterDialog, AuditLogScreen

    s = small_sqlite
    write_history(s)
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(tmp_path))
    app = JournalApp(source="")
    async with app.run_test(size=(80, 24)) as pilot:
        app.land(accounts.authenticate("ivanova", s.passwords["ivanova"]))
        await pilot.pause()
        await pilot.press("д")  # L in the Russian layout
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        title = str(screen.query_one("#audit-title", Static).render())
        # hers from the school's building: 5А created, its subgroups, 4 pupils, 8 subgroup places,
        # the mother, 2 diary logins (17); and the history's 8 about 5А
        assert title == "Журнал изменений: все записи · 1–25"
        rows = table_rows(screen)
        assert rows[0][1:] == ["Иванова М. П.", "выдача логина и…", "Андреев А. 5А", "логин: and…"]
        assert rows[-1][1:4] == ["Петров И. О.", "новый урок", "5А Математика"]
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, AuditFilterDialog)
        await pilot.press(*str(s.pupils[0]), "enter", "p", "e", "t", "r", "o", "v", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        title = str(screen.query_one("#audit-title", Static).render())
        assert title == "Журнал изменений: учащийся: Андреев Андрей (5А); кто: Петров И. О. (petrov) · 1–3"
        assert [row[2:] for row in table_rows(screen)] == [
            ["итоговая отметка", "Андреев А. 5А", "— → 5"],
            ["отметка", "Андреев А. 5А", "5 → 4"],
            ["отметка", "Андреев А. 5А", "пусто → 5"],
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AuditEntryDialog)
        text = str(app.screen.query_one("#audit-entry-text", Static).render())
        assert "Кто: Петров Игорь Олегович (petrov)" in text
        assert "Урок: 16.11.2026 № 1" in text and "  отметка: 5 → 4" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("x")  # the filter cleared: every entry again
        await pilot.pause()
        assert len(table_rows(screen)) == 26  # and the export, now in the log too
    [path] = tmp_path.glob("user-*/Журнал_изменений_*.xlsx")
    assert path.name == "Журнал_изменений_Андреев_Андрей_2026-11-28.xlsx"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [row[4] for row in xlsx_rows(path)[5:]] == ["итоговая отметка", "отметка", "отметка"]
    entry = AuditEntry.get(AuditEntry.action == "export.audit")
    assert entry.user_id == s.homeroom.user_id and json.loads(entry.new) == {"target": str(path), "count": 3}
