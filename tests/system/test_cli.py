"""The `journal` command: init, check, backup, migrate, demo (SQLite files in a temp folder).

Most commands run in-process through `journal.main([...])`; the ones whose point is what a
user sees in a terminal (no traceback, exit codes) run as real processes.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from models.core import db as dbmod
from models.core import store as storemod
from models.core.errors import SchemaOutdated
from models.core.schema import School, User
from models.core.store import check, is_initialized, known_migrations, open_store
from models.people import accounts
from tests.shared import journal_process as run_process
from tests.shared import run_journal as run

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "first-admin-pass"
COUNT_KEYS = [
    "schools",
    "classes",
    "students",
    "guardians",
    "lessons",
    "marks",
    "absences",
    "final_marks",
    "users",
]


@pytest.fixture(autouse=True)
def closed_store():
    yield
    dbmod.close()


def init(path: Path, capsys) -> None:
    assert run(["init", "--db", str(path), "--password-stdin"], PASSWORD + "\n") == 0
    capsys.readouterr()


# --- init -------------------------------------------------------------------------------------


def test_init_creates_a_school_and_an_admin_who_can_log_in(tmp_path):
    path = tmp_path / "school.sqlite"
    result = run_process(
        "init",
        "--db",
        str(path),
        "--school",
        "Школа № 5",
        "--admin",
        "Director",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Школа «Школа № 5» создана в {path}. Администратор: director"
    assert result.stderr == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    open_store(str(path))
    assert [s.name for s in School.select()] == ["Школа № 5"]
    assert [(u.login, u.role) for u in User.select()] == [("director", "admin")]
    login = accounts.authenticate("director", PASSWORD)
    assert login.actor.role == "admin"
    assert login.must_change_password is False
    assert PASSWORD not in path.read_bytes().decode("latin-1")  # only the argon2 hash is kept


def test_second_init_refuses_and_keeps_the_first_admin(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    code = run(["init", "--db", str(path), "--password-stdin"], "another-password\n")
    assert code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"journal: в базе {path} школа уже создана\n"
    open_store(str(path))
    assert User.select().count() == 1
    assert accounts.authenticate("admin", PASSWORD).actor.login == "admin"


def test_init_with_a_short_password_writes_no_school(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    assert run(["init", "--db", str(path), "--password-stdin"], "short\n") == 2
    assert capsys.readouterr().err == "journal: Пароль должен быть не короче 8 символов.\n"
    open_store(str(path))
    assert not is_initialized()
    dbmod.close()
    init(path, capsys)  # the same file takes a proper password afterwards
    open_store(str(path))
    assert is_initialized()


# --- check --------------------------------------------------------------------------------------


def test_check_json_prints_the_documented_object(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    assert run(["check", "--db", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)
    assert report == {
        "integrity": "ok",
        "schema_version": known_migrations(),
        "counts": {
            "schools": 1,
            "classes": 0,
            "students": 0,
            "guardians": 0,
            "lessons": 0,
            "marks": 0,
            "absences": 0,
            "final_marks": 0,
            "users": 1,
        },
    }
    assert list(report["counts"]) == COUNT_KEYS
    assert known_migrations() == len(list(Path(storemod.MIGRATIONS_DIR).glob("[0-9]*.py")))


def test_check_text_output_names_each_count(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    assert run(["--db", str(path), "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["Целостность: ok", f"Версия схемы: {known_migrations()}"]
    assert lines[2:] == [f"  {key}: {1 if key in ('schools', 'users') else 0}" for key in COUNT_KEYS]


def test_check_of_a_missing_file_says_what_to_do_without_a_traceback(tmp_path):
    path = tmp_path / "nowhere.sqlite"
    result = run_process("check", "--db", str(path), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        f"journal: Базы данных {path} нет. Создайте её: journal init "
        "(или journal demo для демонстрационной школы).\n"
    )
    assert not path.exists()  # checking does not create an empty file


def test_check_of_a_file_that_is_not_a_database_fails_clearly(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("это не база данных, а заметки учителя\n" * 200, encoding="utf-8")
    result = run_process("check", "--db", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"journal: Не удалось открыть базу данных {path}")
    assert result.stdout == ""


# --- backup -----------------------------------------------------------------------------------


def test_backup_makes_a_verified_private_copy_and_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    dest = tmp_path / "copies" / "monday.sqlite"
    assert run(["--db", str(path), "backup", str(dest)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == f"Копия {dest} создана и проверена: целостность ok, отметок 0.\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600

    open_store(str(dest))  # the copy is a journal of its own
    assert check().counts["users"] == 1
    assert accounts.authenticate("admin", PASSWORD).actor.role == "admin"
    dbmod.close()

    before = dest.read_bytes()
    assert run(["backup", "--db", str(path), str(dest)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"journal: Файл {dest} уже существует: укажите новое имя копии.\n"
    assert dest.read_bytes() == before  # the existing file is untouched


# --- migrate ----------------------------------------------------------------------------------


def test_migrate_applies_once_then_says_up_to_date(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    assert run(["migrate", "--db", str(path)]) == 0
    assert capsys.readouterr().out == f"Схема обновлена: {', '.join(SHIPPED)}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run(["migrate", "--db", str(path)]) == 0
    assert capsys.readouterr().out == "Схема уже актуальна.\n"
    # the file holds the schema and nothing else yet
    assert run(["check", "--db", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == len(SHIPPED)
    assert report["counts"] == dict.fromkeys(COUNT_KEYS, 0)


# the migrations this version ships, in order (their count is the schema version)
SHIPPED = sorted(p.stem for p in Path(storemod.MIGRATIONS_DIR).glob("[0-9]*.py"))

EXTRA_MIGRATION = '''"""A later version's change (test only)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("school", "motto", CharField(default="")))
'''


def test_an_older_database_asks_for_migrate_and_migrate_brings_it_up(tmp_path, capsys, monkeypatch):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    # the program gets a newer version: one more migration than the file has
    newer = tmp_path / "migrations"
    shutil.copytree(storemod.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "0999_school_motto.py").write_text(EXTRA_MIGRATION, encoding="utf-8")
    monkeypatch.setattr(storemod, "MIGRATIONS_DIR", str(newer))
    shipped = len(SHIPPED)
    assert known_migrations() == shipped + 1

    with pytest.raises(SchemaOutdated) as info:
        open_store(str(path))
    assert str(info.value) == (
        f"База данных создана более старой версией журнала (схема {shipped}, нужна {shipped + 1}). "
        f"Выполните: journal migrate --db {path}"
    )
    dbmod.close()
    assert run(["check", "--db", str(path)]) == 1
    assert "Выполните: journal migrate" in capsys.readouterr().err

    assert run(["migrate", "--db", str(path)]) == 0
    assert capsys.readouterr().out == "Схема обновлена: 0999_school_motto\n"
    open_store(str(path))
    columns = [c.name for c in dbmod.database.get_columns("school")]
    assert "motto" in columns
    assert School.select().count() == 1  # the school and its admin survived the change
    dbmod.close()
    assert run(["check", "--db", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == shipped + 1
    assert report["counts"]["users"] == 1


def test_a_database_from_a_newer_program_is_refused(tmp_path, capsys):
    path = tmp_path / "school.sqlite"
    init(path, capsys)
    open_store(str(path))
    dbmod.database.execute_sql(
        "INSERT INTO schema_migration (name, applied) VALUES ('9999_future', '2030-01-01')"
    )
    dbmod.close()
    assert run(["check", "--db", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"journal: База данных создана более новой версией журнала (схема {len(SHIPPED) + 1}). "
        "Обновите программу.\n"
    )


# --- demo -------------------------------------------------------------------------------------


def test_demo_logins_fit_80_columns():
    """Issue 15, point 20: the printed logins were 91 columns wide (full names, long roles)."""
    from journal import demo_login_lines

    logins = [
        {
            "role": "homeroom",
            "login": "konstantinopolskaya.lk",
            "password": "demo-homeroom-1",
            "name": "Константинопольская Лариса Константиновна",
        },
        {"role": "student", "login": "li.a", "password": "demo-pupil-1", "name": "Ли Ан"},
    ]
    lines = demo_login_lines(logins)
    assert lines == [
        "  кл. руководитель konstantinopolskaya.lk  demo-homeroom-1  Константинопольская Л. К.",
        "  учащийся         li.a                    demo-pupil-1     Ли А.",
    ]


def test_demo_json_prints_the_database_and_working_logins(tmp_path):
    path = tmp_path / "demo.sqlite"
    args = ("demo", "--db", str(path), "--size", "small", "--no-open", "--json")
    result = run_process(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    payload = json.loads(result.stdout)  # one JSON object and nothing else
    assert set(payload) == {"db", "logins"}
    assert Path(payload["db"]).resolve() == path.resolve()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logins = payload["logins"]
    assert [entry["role"] for entry in logins] == [
        "admin",
        "homeroom",
        "teacher",
        "guardian",
        "student",
    ]
    for entry in logins:
        assert set(entry) == {"role", "login", "password", "name"}
    from journal import demo_login_lines

    assert max(len(line) for line in demo_login_lines(logins)) <= 80  # as `journal demo` prints them

    # a second run reuses the school and prints the same logins
    again = run_process(*args)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == payload

    open_store(str(path))
    assert check().integrity == "ok"
    roles = {"admin": "admin", "homeroom": "teacher", "teacher": "teacher"}
    roles |= {"guardian": "guardian", "student": "student"}
    for entry in logins:  # every printed login opens with its printed password
        login = accounts.authenticate(entry["login"], entry["password"])
        assert login.actor.role == roles[entry["role"]]


def test_the_app_is_parsed_without_building_every_command():
    """`journal` alone (and a served session, the ready process, a host) parses its few
    options without the commands' parsers; anything else gets the whole parser."""
    import journal

    for argv in ([], ["--db", "x.sqlite"], ["--db=x.sqlite"], ["--session-fd", "5", "--locked-exit", "20"]):
        assert journal.opens_the_app(argv), argv
        light = journal.build_parser(commands=False).parse_args(argv)
        assert vars(light) == vars(journal.build_parser().parse_args(argv))
    for argv in (["demo"], ["--db", "x.sqlite", "check"], ["-h"], ["--help"], ["--bogus"]):
        assert not journal.opens_the_app(argv), argv
