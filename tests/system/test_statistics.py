"""The SQLite planner's statistics (models.core.store.refresh_statistics, and PRAGMA optimize
as a connection closes in models.core.db.FairSqliteDatabase): without them SQLite takes every
"school_id = ?" for a selective condition and reads a whole school's marks for one class."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models.core import db as dbmod
from models.core.store import open_store, refresh_statistics
from models.journal.entries import set_mark
from tests.factory import SmallSchool, past_lesson


def analysed_tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {table for (table,) in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}


def forget_statistics(path: Path) -> None:
    dbmod.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")


def with_marks(school: SmallSchool) -> None:
    """A lesson with a mark for every pupil: ANALYZE records nothing of an empty table."""
    lesson = past_lesson(school, school.math_a)
    for pupil in school.pupils:
        set_mark(school.teacher, lesson, pupil, 5)


def read_marks_of_the_school() -> None:
    dbmod.database.execute_sql(
        "SELECT COUNT(*) FROM mark x JOIN lesson l ON l.id = x.lesson_id WHERE x.school_id = 1 AND l.course_id = 1"
    ).fetchall()


def test_refresh_statistics_analyses_the_tables(small_sqlite, sqlite_store):
    with_marks(small_sqlite)
    forget_statistics(sqlite_store)
    open_store(str(sqlite_store))
    refresh_statistics()
    assert {"mark", "lesson", "enrollment", "audit_entry"} <= analysed_tables(sqlite_store)


def test_a_closing_connection_analyses_what_its_queries_used(small_sqlite, sqlite_store):
    with_marks(small_sqlite)
    forget_statistics(sqlite_store)
    open_store(str(sqlite_store))
    read_marks_of_the_school()
    assert analysed_tables(sqlite_store) == set()
    dbmod.close()
    assert {"mark", "lesson"} <= analysed_tables(sqlite_store)


def test_a_closing_connection_does_not_wait_for_another_writer(small_sqlite, sqlite_store):
    with_marks(small_sqlite)
    forget_statistics(sqlite_store)
    open_store(str(sqlite_store))
    read_marks_of_the_school()
    other = sqlite3.connect(sqlite_store, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing: the store is not free
        dbmod.close()  # closes anyway, the statistics left for the next connection
        assert dbmod.database.is_closed()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert analysed_tables(sqlite_store) == set()
