"""Opening, creating, migrating, checking and backing up the store."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import peewee

from models.core import db as dbmod
from models.core.db import Location, database, resolve
from models.core.errors import SchemaOutdated, StorageError
from models.core.schema import (
    Absence,
    FinalMark,
    Guardian,
    Lesson,
    Mark,
    School,
    SchoolClass,
    Student,
    User,
)

MIGRATIONS_DIR = str(Path(__file__).with_name("migrations"))
HISTORY_TABLE = "schema_migration"


def _runner(db: peewee.Database):
    # imported here: opening the app only counts the applied migrations (below)
    from playhouse.migrations import Runner

    return Runner(db, MIGRATIONS_DIR, table_name=HISTORY_TABLE)


def known_migrations() -> int:
    return len(list(Path(MIGRATIONS_DIR).glob("[0-9]*.py")))


def schema_version(db: peewee.Database | None = None) -> int:
    """How many migrations this database has applied (0: an empty database)."""
    db = db or database.obj
    if not db.table_exists(HISTORY_TABLE):
        return 0
    return db.execute_sql(f"SELECT COUNT(*) FROM {HISTORY_TABLE}").fetchone()[0]


def migrate(url: str | None = None) -> list[str]:
    """Apply pending migrations; returns their names. Works on an empty database too."""
    location = resolve(url)
    db = dbmod.bind(location)
    try:
        return _runner(db).up()
    except peewee.DatabaseError as exc:
        raise StorageError(f"Не удалось обновить схему базы данных: {exc}") from exc


def open_store(url: str | None = None, *, create: bool = False) -> Location:
    """Bind the models to the store; refuse an outdated or empty one with what to run."""
    location = resolve(url)
    in_file = location.kind == "sqlite" and location.path != ":memory:"
    if in_file and not create and not Path(location.path).exists():
        raise StorageError(
            f"Базы данных {location.path} нет. Создайте её: journal init "
            f"(или journal demo для демонстрационной школы)."
        )
    db = dbmod.bind(location)
    try:
        if create:
            _runner(db).up()
        version = schema_version(db)
    except peewee.DatabaseError as exc:
        raise StorageError(f"Не удалось открыть базу данных: {exc}") from exc
    if version == 0:
        raise StorageError(f"База данных {location.describe()} пуста. Создайте школу: journal init --db …")
    if version < known_migrations():
        raise SchemaOutdated(
            f"База данных создана более старой версией журнала (схема {version}, нужна "
            f"{known_migrations()}). Выполните: journal migrate --db {location.describe()}"
        )
    if version > known_migrations():
        raise SchemaOutdated(
            f"База данных создана более новой версией журнала (схема {version}). Обновите программу."
        )
    return location


def is_initialized() -> bool:
    return School.table_exists() and School.select().exists()


@dataclass(frozen=True)
class CheckReport:
    integrity: str
    schema_version: int
    counts: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "integrity": self.integrity,
            "schema_version": self.schema_version,
            "counts": self.counts,
        }


def check() -> CheckReport:
    """Integrity of the file (SQLite: integrity_check + foreign_key_check) and counts."""
    problems: list[str] = []
    if dbmod.is_sqlite():
        rows = database.execute_sql("PRAGMA integrity_check").fetchall()
        if [r[0] for r in rows] != ["ok"]:
            problems.extend(str(r[0]) for r in rows)
        fk = database.execute_sql("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"нарушено ссылок: {len(fk)}")
    counts = {
        "classes": SchoolClass.select().count(),
        "students": Student.select().count(),
        "guardians": Guardian.select().count(),
        "lessons": Lesson.select().count(),
        "marks": Mark.select().count(),
        "absences": Absence.select().count(),
        "final_marks": FinalMark.select().count(),
        "users": User.select().count(),
    }
    integrity = "ok" if not problems else "; ".join(problems)
    return CheckReport(integrity, schema_version(), counts)


def backup(dest: str) -> CheckReport:
    """A consistent online copy of the SQLite store while others write, then verified."""
    if not dbmod.is_sqlite():
        raise StorageError("Для PostgreSQL используйте pg_dump, например: pg_dump -Fc -f journal.dump <база>")
    target = Path(dest)
    if target.exists():
        raise StorageError(f"Файл {dest} уже существует: укажите новое имя копии.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    source = database.connection()
    try:
        copy = sqlite3.connect(str(target))
        try:
            # One step (pages=-1) reads one WAL snapshot while writers go on; stepping in
            # chunks restarts on every commit of another process and never ends under load.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    except (sqlite3.Error, OSError) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(f"Резервная копия не создана: {exc}") from exc
    return verify_copy(target)


def verify_copy(path: Path) -> CheckReport:
    """Open a backup on its own and run the full check on it; the live binding is kept."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        integrity = "ok" if [r[0] for r in rows] == ["ok"] else "; ".join(str(r[0]) for r in rows)
        version = conn.execute(f"SELECT count(*) FROM {HISTORY_TABLE}").fetchone()[0]
        tables = {
            "classes": "school_class",
            "students": "student",
            "guardians": "guardian",
            "lessons": "lesson",
            "marks": "mark",
            "absences": "absence",
            "final_marks": "final_mark",
            "users": "app_user",
        }
        counts = {k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in tables.items()}
    finally:
        conn.close()
    return CheckReport(integrity, version, counts)
