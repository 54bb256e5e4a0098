"""What a school server does to the store, and what the journal then says: a PostgreSQL
connection dropped, a corrupt, deleted, replaced or full SQLite file, a backup restored.
Never a traceback, never a half-written change."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import peewee
import psycopg
import pytest

from models.core import db as dbmod
from models.core.db import database
from models.core.errors import StorageError
from models.core.schema import AuditEntry, Mark
from models.core.store import backup, check, open_store, restore
from models.journal import entries
from tests.conftest import PG_URL
from tests.factory import PAST_DAY, build_small_school, past_lesson
from tests.shared import journal_process

pytestmark = pytest.mark.slow


def _kill_backends(url: str) -> int:
    """pg_terminate_backend of every other session of the database, as a server restart."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@pytest.fixture
def pg_school():
    if not PG_URL:
        pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
    from tests.conftest import _reset_postgres

    _reset_postgres(PG_URL)
    open_store(PG_URL, create=True)
    yield build_small_school()
    dbmod.close()


# --- PostgreSQL: a dropped connection ----------------------------------------------------------


def test_after_the_server_dropped_the_connection_the_next_write_reconnects(pg_school):
    s = pg_school
    lesson = past_lesson(s)
    assert _kill_backends(PG_URL) >= 1
    assert entries.set_mark(s.teacher, lesson, s.pupils[0], "5").after.text() == "5"
    assert _kill_backends(PG_URL) >= 1
    from models.school.identity import school_name

    assert school_name() == "Тестовая школа"  # a read outside a service reconnects too


def test_a_write_cut_off_mid_way_is_refused_in_russian_and_leaves_nothing(pg_school, monkeypatch):
    s = pg_school
    lesson = past_lesson(s)
    audits = AuditEntry.select().count()
    from models.core import audit

    real = audit.record

    def cut_then_record(*args, **kwargs):  # the mark is written, the audit entry is not yet
        _kill_backends(PG_URL)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "record", cut_then_record)
    with pytest.raises(StorageError, match="Нет связи с сервером базы данных. Изменение не записано"):
        entries.set_mark(s.teacher, lesson, s.pupils[0], "4")
    monkeypatch.setattr(audit, "record", real)
    assert not Mark.select().where(Mark.lesson == lesson).exists()  # nothing half-written
    assert AuditEntry.select().count() == audits
    assert entries.set_mark(s.teacher, lesson, s.pupils[0], "4").after.text() == "4"  # and on it goes


def test_the_url_parameters_reach_the_driver_and_unknown_ones_are_refused(pg_school):
    url = PG_URL + ("&" if "?" in PG_URL else "?") + "application_name=journal-test-77&sslmode=disable"
    dbmod.close()
    open_store(url)
    name = database.execute_sql("SELECT current_setting('application_name')").fetchone()[0]
    assert name == "journal-test-77"
    dbmod.close()
    with pytest.raises(StorageError, match="Неизвестные параметры в адресе базы данных: sslmod"):
        open_store(PG_URL + "?sslmod=require")


def test_backup_and_restore_on_postgresql(pg_school, tmp_path):
    s = pg_school
    lesson = past_lesson(s)
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    dump = tmp_path / "journal.dump"
    report = backup(str(dump))
    assert report.integrity == "ok" and (dump.stat().st_mode & 0o777) == 0o600
    # into an empty database only
    with pytest.raises(StorageError, match="не пуста"):
        restore(str(dump), PG_URL)
    scratch = "journal_restore_test_" + (os.environ.get("PYTEST_XDIST_WORKER") or "main")
    target = PG_URL.rsplit("/", 1)[0] + "/" + scratch
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {scratch}")
        conn.execute(f"CREATE DATABASE {scratch}")
    try:
        restored = restore(str(dump), target)
        assert restored.integrity == "ok" and restored.counts["marks"] == 1
    finally:
        dbmod.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {scratch} (FORCE)")


# --- PostgreSQL: one connection per session ----------------------------------------------------


def _connections_of_this_process(counting: psycopg.Connection, url: str) -> int:
    """The connections to the test's database other than the counting one: this process's
    (every other process of the test run works in a database of its own). One counting
    connection for the whole test: a new one each time saw the last one's backend still
    leaving under load (2 instead of 1)."""
    name = url.rsplit("/", 1)[1].split("?")[0]
    return counting.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
        "AND backend_type = 'client backend'",
        (name,),
    ).fetchone()[0]


def test_a_sessions_threads_take_turns_on_one_connection(pg_school):
    """The app's thread, its workers and the grid's writer write and read at once: the
    session never holds a second connection, and every write lands."""
    import threading

    from models.reports.analysis import class_analysis

    s = pg_school
    lessons = [past_lesson(s, day=PAST_DAY - dt.timedelta(days=7 * k)) for k in range(4)]
    failures: list[BaseException] = []
    running = threading.Event()
    most = 0

    def teacher(lesson: int) -> None:
        try:
            running.set()
            for pupil in s.pupils:
                entries.set_mark(s.teacher, lesson, pupil, "4")
                class_analysis(s.admin, s.class_a, None)
        except BaseException as exc:  # noqa: BLE001 — reported below
            failures.append(exc)

    threads = [threading.Thread(target=teacher, args=(lesson,)) for lesson in lessons]
    with psycopg.connect(PG_URL, autocommit=True) as counting:
        for thread in threads:
            thread.start()
        running.wait(10)
        while any(thread.is_alive() for thread in threads):
            most = max(most, _connections_of_this_process(counting, PG_URL))
            entries.set_mark(s.teacher, lessons[0], s.pupils[0], "5")  # the app's own thread too
        for thread in threads:
            thread.join()
    assert not failures
    assert most == 1
    assert Mark.select().where(Mark.lesson.in_(lessons)).count() == len(lessons) * len(s.pupils)


def test_a_transaction_of_one_thread_is_not_seen_or_joined_by_another(pg_school):
    """Threads sharing the connection never interleave inside a transaction: a read waits
    for the other thread's transaction to end (here rolled back, so it sees nothing), and a
    write told not to wait is refused at once instead."""
    import threading

    from models.core.db import turn, without_waiting
    from models.core.errors import StoreBusy
    from models.core.schema import Setting

    inside, leave = threading.Event(), threading.Event()

    def uncommitted() -> None:
        try:
            with turn(), database.atomic():
                Setting.create(key="probe.uncommitted", value="1")
                inside.set()
                leave.wait(10)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    writer = threading.Thread(target=uncommitted)
    writer.start()
    assert inside.wait(10)
    with pytest.raises(StoreBusy), without_waiting():
        entries.set_mark(pg_school.teacher, past_lesson(pg_school), pg_school.pupils[0], "5")
    reader = threading.Thread(
        target=lambda: seen.append(Setting.select().where(Setting.key == "probe.uncommitted").count())
    )
    seen: list[int] = []
    reader.start()
    reader.join(0.5)
    assert reader.is_alive()  # waiting for the writer's turn, not reading inside its transaction
    leave.set()
    writer.join()
    reader.join(10)
    assert seen == [0]


# --- SQLite: the file -------------------------------------------------------------------------


def _corrupt(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(8192))


def test_a_corrupt_file_is_reported_in_russian_and_never_copied(small_sqlite, sqlite_store, tmp_path):
    dbmod.close()
    _corrupt(sqlite_store)
    checked = journal_process("check", db=sqlite_store)
    assert checked.returncode == 1, checked.stderr
    assert "Traceback" not in checked.stderr + checked.stdout
    assert "повреждён" in checked.stdout + checked.stderr
    copy = tmp_path / "copy.sqlite"
    saved = journal_process("backup", str(copy), db=sqlite_store)
    assert saved.returncode == 1 and "Traceback" not in saved.stderr
    assert "Резервная копия не создана" in saved.stderr
    assert not copy.exists()


def test_a_file_deleted_or_replaced_under_the_journal_refuses_writes(small_sqlite, sqlite_store, tmp_path):
    s = small_sqlite
    lesson = past_lesson(s)
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    old = tmp_path / "old.sqlite"
    backup(str(old))
    os.replace(old, sqlite_store)  # an old copy moved over the file while the journal runs
    with pytest.raises(StorageError, match="удалён или заменён"):
        entries.set_mark(s.teacher, lesson, s.pupils[1], "4")
    dbmod.close()
    open_store(str(sqlite_store))  # opened again: the file as it is now, and writes go on
    assert entries.set_mark(s.teacher, lesson, s.pupils[1], "4").after.text() == "4"
    os.unlink(sqlite_store)
    with pytest.raises(StorageError, match="удалён или заменён"):
        entries.set_mark(s.teacher, lesson, s.pupils[2], "3")


def test_a_full_disk_says_so_and_writes_nothing(small_sqlite, sqlite_store):
    s = small_sqlite
    lesson = past_lesson(s)
    marks, audits = Mark.select().count(), AuditEntry.select().count()
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    try:
        for pupil in s.pupils:  # enough writes to need a new page
            try:
                entries.set_mark(s.teacher, lesson, pupil, "5")
                entries.update_lesson(s.teacher, lesson, homework="х" * 1900)
            except StorageError as exc:
                assert "Не хватает места на диске" in exc.message, exc.message
                break
        else:
            pytest.fail("the full disk was never met")
    finally:
        database.execute_sql("PRAGMA max_page_count = 1073741823")
    written = Mark.select().count() - marks
    assert AuditEntry.select().count() - audits >= written  # every mark there has its entry
    assert entries.set_mark(s.teacher, lesson, s.pupils[0], "3").after.text() == "3"


def test_journal_restore_puts_a_checked_copy_back(small_sqlite, sqlite_store, tmp_path):
    s = small_sqlite
    lesson = past_lesson(s)
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    copy = tmp_path / "copy.sqlite"
    backup(str(copy))
    entries.set_mark(s.teacher, lesson, s.pupils[1], "2")  # after the copy: lost by the restore
    dbmod.close()
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database at all" * 100)
    refused = journal_process("restore", str(broken), "--yes", db=sqlite_store)
    assert refused.returncode == 1 and "ничего не изменено" in refused.stderr
    done = journal_process("restore", str(copy), "--yes", db=sqlite_store)
    assert done.returncode == 0, done.stderr
    assert "целостность ok, отметок 1" in done.stdout
    assert Path(f"{sqlite_store}.before-restore").exists()
    open_store(str(sqlite_store))
    assert [m.value for m in Mark.select()] == [5]
    assert check().integrity == "ok"


def test_check_finds_a_broken_rule_in_the_data(small_sqlite, sqlite_store):
    s = small_sqlite
    lesson = past_lesson(s)
    entries.set_mark(s.teacher, lesson, s.pupils[0], "5")
    # a hand-edited database: an «н» in the same cell as the mark
    database.execute_sql(
        "INSERT INTO absence (lesson_id, student_id, code, document, entered_at) VALUES (?, ?, 'н', '', ?)",
        (lesson, s.pupils[0], dt.datetime(2026, 11, 28)),
    )
    report = check()
    assert "отметок в клетках с пропуском: 1" in report.integrity
    assert journal_process("check", db=sqlite_store).returncode == 1


def test_a_screen_that_cannot_read_the_store_is_left_with_a_message(small_sqlite, monkeypatch):
    """The server is down while a teacher opens the class list: the message says so, the
    half-opened screen is left for home, and once the store answers again the list opens."""
    import asyncio

    from models.people import accounts
    from tests.shared import notifications
    from tui.app import JournalApp
    from tui.screens.home import HomeScreen
    from tui.screens.roster import RosterScreen

    async def walk():
        app = JournalApp(source="")
        async with app.run_test(size=(80, 24)) as pilot:
            app.land(accounts.authenticate("ivanova", "ivanova-pass"))
            await pilot.pause()
            real = database.obj.execute_sql

            def down(*args, **kwargs):
                raise peewee.OperationalError("connection to server failed: Connection refused")

            monkeypatch.setattr(database.obj, "execute_sql", down)
            await pilot.press("k")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen) and app.is_running
            assert any("Нет связи с сервером базы данных" in m for m in notifications(app))
            monkeypatch.setattr(database.obj, "execute_sql", real)
            await pilot.press("k")
            await pilot.pause()
            assert isinstance(app.screen, RosterScreen)

    asyncio.run(walk())
