"""Opening, creating, migrating, checking, backing up and restoring the store."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from models.core import db as dbmod
from models.core import tenancy
from models.core.db import Location, database, resolve
from models.core.errors import NotFound, SchemaOutdated, StorageError, ValidationError
from models.core.schema import (
    Absence,
    Enrollment,
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
        done = _runner(db).up()
        if done and dbmod.is_sqlite():  # (PostgreSQL's autovacuum analyses by itself)
            refresh_statistics()
        return done
    except peewee.DatabaseError as exc:
        raise StorageError(f"Не удалось обновить схему базы данных: {exc}") from exc


def open_store(url: str | None = None, *, create: bool = False, per_thread: bool = False) -> Location:
    """Bind the models to the store; refuse an outdated or empty one with what to run.
    PostgreSQL: one connection for the process, or one per thread (`per_thread`: the SSH
    server, whose pool of threads bounds its connections)."""
    location = resolve(url)
    in_file = location.kind == "sqlite" and location.path != ":memory:"
    if in_file and not create and not Path(location.path).exists():
        raise StorageError(
            f"Базы данных {location.path} нет. Создайте её: journal init "
            f"(или journal demo для демонстрационной школы)."
        )
    db = dbmod.bind(location, per_thread)
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
    enter_only_school()
    return location


def enter_only_school() -> None:
    """Work in the store's school when it has exactly one (every SQLite store, a district
    of one); with several, no school until a login or --school chooses one."""
    choose_school(None, required=False)


def choose_school(choice: str | None, *, required: bool) -> None:
    """The command line's school: `--school` by name (any case) or number; without it the
    only school there is. A district's store with several needs the choice where a command
    works in one school (`required`); otherwise it works in none (the login chooses)."""
    try:
        with tenancy.district():
            schools = [
                (school_id, name) for school_id, name in School.select(School.id, School.name).tuples()
            ]
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        if required:
            raise StorageError(f"Не удалось прочитать школы базы данных: {exc}") from exc
        tenancy.enter(None)  # `journal check` says what is wrong with the store
        return
    if choice:
        wanted = choice.strip().casefold()
        found = [sid for sid, name in schools if str(sid) == wanted or name.casefold() == wanted]
        if not found:
            listed = "; ".join(f"{sid} — {name}" for sid, name in sorted(schools)[:12])
            raise NotFound(f"Школы «{choice.strip()}» в базе нет. Школы: {listed or 'ни одной'}.")
        tenancy.enter(found[0])
    elif len(schools) > 1 and required:
        raise ValidationError(
            f"В базе несколько школ района ({len(schools)}): укажите школу, --school НАЗВАНИЕ или номер "
            "(список: journal schools)."
        )
    else:
        tenancy.enter(schools[0][0] if len(schools) == 1 else None)


def refresh_statistics() -> None:
    """After a bulk load (a demo school, the demo district's copied schools) or a migration:
    the planner's statistics again, or it plans the next queries for empty tables —
    PostgreSQL seconds instead of ms; SQLite, which has none until analysed, takes every
    "school_id = ?" for a selective condition and reads the whole school's marks for one
    class (ANALYZE: ≈ 0.1 s for a school). On PostgreSQL also the rows marked visible to all
    (VACUUM: what autovacuum would do later), or the first reads of each page pay for it (the
    report's reads of marks ≈ 1.5× slower, measured). Afterwards SQLite keeps them fresh itself
    (PRAGMA optimize as a connection closes: models.core.db.FairSqliteDatabase)."""
    dbmod.database.execute_sql("ANALYZE" if dbmod.is_sqlite() else "VACUUM ANALYZE")


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
    """What `journal check` tells: the file's integrity (SQLite), the schema version, the
    journal's own rules kept in the data (both backends), and the counts. A database that
    cannot be read is a report of that, not a crash."""
    problems: list[str] = []
    if dbmod.is_sqlite():
        problems += _sqlite_problems()
    version = 0
    try:
        version = schema_version()
        if version != known_migrations():
            problems.append(f"версия схемы {version}, программе нужна {known_migrations()} (journal migrate)")
        with tenancy.district():  # the whole store: every school of a district
            problems += rule_problems()
            counts = _counts()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        problems.append(f"записи не читаются: {exc}")
        counts = {}
    integrity = "ok" if not problems else "; ".join(problems)
    return CheckReport(integrity, version, counts)


def _sqlite_problems() -> list[str]:
    try:
        rows = database.execute_sql("PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows] if [r[0] for r in rows] != ["ok"] else []
        fk = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        return [f"файл базы данных повреждён: {exc}"]
    if fk:
        problems.append(f"нарушено ссылок: {len(fk)}")
    return problems[:20]


def rule_problems() -> list[str]:
    """The journal's rules, checked in the data itself (services keep them; a restored or
    hand-edited database may not): a cell with a mark holds no absence but «о» and at most
    two marks, marks are 1–5, a pupil's enrollments never overlap."""
    problems = []
    both = (
        Mark.select(Mark.id)
        .join(Absence, on=((Absence.lesson == Mark.lesson) & (Absence.student == Mark.student)))
        .where(Absence.code != "о")
        .count()
    )
    if both:
        problems.append(f"отметок в клетках с пропуском: {both}")
    bad_marks = Mark.select().where((Mark.value < 1) | (Mark.value > 5) | (Mark.position > 2)).count()
    if bad_marks:
        problems.append(f"отметок вне 1–5 или третьих в клетке: {bad_marks}")
    later = Enrollment.alias()
    far = peewee.Value(dt.date(9999, 12, 31))
    overlapping = (
        Enrollment.select(Enrollment.id)
        .join(later, on=((later.student == Enrollment.student) & (later.id != Enrollment.id)))
        .where((later.start >= Enrollment.start) & (later.start <= peewee.fn.COALESCE(Enrollment.end, far)))
        .count()
    )
    if overlapping:
        problems.append(f"пересекающихся зачислений учащихся: {overlapping}")
    return problems


def _counts() -> dict[str, int]:
    return {
        "schools": School.select().count(),
        "classes": SchoolClass.select().count(),
        "students": Student.select().count(),
        "guardians": Guardian.select().count(),
        "lessons": Lesson.select().count(),
        "marks": Mark.select().count(),
        "absences": Absence.select().count(),
        "final_marks": FinalMark.select().count(),
        "users": User.select().count(),
    }


def backup(dest: str) -> CheckReport:
    """A consistent copy while others write, then verified; a copy that fails the check is
    removed (no broken copy is left to be trusted later). SQLite: an online copy of the file;
    PostgreSQL: pg_dump -Fc."""
    target = Path(dest)
    if target.exists():
        raise StorageError(f"Файл {dest} уже существует: укажите новое имя копии.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not dbmod.is_sqlite():
        return _pg_dump(target)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        source = database.connection()
        copy = sqlite3.connect(str(target))
        try:
            # One step (pages=-1) reads one WAL snapshot while writers go on; stepping in
            # chunks restarts on every commit of another process and never ends under load.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        report = verify_copy(target)
    except (sqlite3.Error, peewee.DatabaseError, OSError) as exc:
        target.unlink(missing_ok=True)
        raise StorageError(f"Резервная копия не создана: {exc}") from exc
    if report.integrity != "ok":
        target.unlink(missing_ok=True)
        raise StorageError(
            f"Резервная копия не создана: база данных повреждена ({report.integrity[:300].replace(chr(10), ' ')}). "
            "Копия удалена. Восстановите базу из последней исправной копии: journal restore."
        )
    return report


def verify_copy(path: Path) -> CheckReport:
    """Open a copy on its own and run the full check on it; the live binding is kept."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return CheckReport(f"файл не открывается: {exc}", 0, {})
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        integrity = "ok" if [r[0] for r in rows] == ["ok"] else "; ".join(str(r[0]) for r in rows[:20])
        version = conn.execute(f"SELECT count(*) FROM {HISTORY_TABLE}").fetchone()[0]
        counts = {k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in COUNTED.items()}
    except sqlite3.Error as exc:
        return CheckReport(f"файл повреждён или это не база журнала: {exc}", 0, {})
    finally:
        conn.close()
    return CheckReport(integrity, version, counts)


COUNTED = {
    "classes": "school_class",
    "students": "student",
    "guardians": "guardian",
    "lessons": "lesson",
    "marks": "mark",
    "absences": "absence",
    "final_marks": "final_mark",
    "users": "app_user",
}


# --- PostgreSQL: pg_dump and pg_restore --------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StorageError(
            f"Для копии базы PostgreSQL нужна программа {name} (пакет postgresql-client): "
            f"установите её, например apt install postgresql-client."
        )
    return found


def _pg_environment(url: str) -> tuple[list[str], dict[str, str]]:
    """The connection as a libpq connection string and the environment: the password goes by
    PGPASSWORD, never on a command line that other users of the server could read."""
    from psycopg.conninfo import make_conninfo

    parts = urlparse(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    given = {
        "dbname": (parts.path or "/").lstrip("/") or "postgres",
        "host": parts.hostname,
        "port": str(parts.port) if parts.port else None,
        "user": unquote(parts.username) if parts.username else None,
    }
    conninfo = make_conninfo(**{k: v for k, v in given.items() if v}, **dbmod.url_parameters(url))
    return ["--dbname", conninfo], env


def _pg_dump(target: Path) -> CheckReport:
    tool = _pg_tool("pg_dump")
    args, env = _pg_environment(current_url())
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    done = subprocess.run(
        [tool, "--format=custom", "--no-owner", "--file", str(target), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise StorageError(f"Резервная копия не создана: pg_dump: {done.stderr.strip()[:500]}")
    listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(target)], capture_output=True, text=True)
    if listing.returncode != 0 or "TABLE DATA public mark" not in listing.stdout:
        target.unlink(missing_ok=True)
        raise StorageError("Резервная копия не создана: pg_dump записал файл, который pg_restore не читает.")
    return check()


def current_url() -> str:
    url = getattr(database.obj, "journal_url", "")
    if not url:
        raise StorageError("Адрес базы PostgreSQL неизвестен: откройте её через journal --db postgresql://…")
    return url


# --- restore -----------------------------------------------------------------------------------


def restore(source: str, url: str | None = None) -> CheckReport:
    """Put a verified copy back in place of the database (stop the journal first).

    SQLite: the copy is checked, written beside the database and moved over it in one step
    (the old file is kept as <database>.before-restore); a running journal refuses to write
    to the replaced file. PostgreSQL: pg_restore into an empty database only.
    """
    location = resolve(url)
    if not Path(source).exists():
        raise StorageError(f"Файла копии {source} нет.")
    if location.kind == "sqlite":
        return _restore_sqlite(Path(source), Path(location.path))
    return _restore_postgres(Path(source), location)


def _restore_sqlite(source: Path, path: Path) -> CheckReport:
    report = verify_copy(source)
    if report.integrity != "ok":
        raise StorageError(
            f"Копия {source} не прошла проверку ({report.integrity[:300]}): ничего не изменено."
        )
    if report.schema_version > known_migrations():
        raise StorageError(f"Копия {source} сделана более новой версией журнала: обновите программу.")
    dbmod.close()
    staged = path.with_name(path.name + ".restoring")
    staged.unlink(missing_ok=True)
    fd = os.open(staged, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(str(staged)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        staged.unlink(missing_ok=True)
        raise StorageError(f"Копия не восстановлена: {exc}. Ничего не изменено.") from exc
    if path.exists():
        keep = path.with_name(path.name + ".before-restore")
        keep.unlink(missing_ok=True)
        os.link(path, keep)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    os.replace(staged, path)
    return verify_copy(path)


def _restore_postgres(source: Path, location: Location) -> CheckReport:
    db = dbmod.bind(location)
    if db.get_tables():
        raise StorageError(
            "База PostgreSQL не пуста: восстановление идёт только в пустую базу "
            "(createdb новая_база, затем journal restore --db postgresql://…/новая_база)."
        )
    dbmod.close()
    args, env = _pg_environment(location.url)
    done = subprocess.run(
        [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", *args, str(source)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise StorageError(f"Копия не восстановлена: pg_restore: {done.stderr.strip()[:500]}")
    open_store(location.url)
    return check()
