"""Nothing is lost: many writer processes, a writer killed mid-stream, a backup while writing,
and the SQLite settings DESIGN.md prescribes. SQLite only (the file store).

Every writer is a separate Python process (tests/writer_proc.py) that opens the store itself
and types marks through the real service `models.journal.entries.set_mark`. A mark counts as
acknowledged once the process has printed it, which it does only after the commit returned.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.core import db as dbmod
from models.core.db import database
from models.core.errors import StoreBusy
from models.core.schema import AuditEntry, Mark
from models.core.service import without_waiting
from models.core.store import check, known_migrations, open_store
from models.journal import entries
from tests.factory import build_small_school
from tests.writers import (
    PROCESS_TIMEOUT_S,
    ROOT,
    build_school10,
    cells_of,
    marks_in_store,
    start_writer,
)

pytestmark = pytest.mark.slow


def mark_audits() -> int:
    return AuditEntry.select().where(AuditEntry.action == "mark.set").count()


def reopen(path: str) -> None:
    """Drop this process's connection and open the file afresh, as the app would."""
    dbmod.close()
    open_store(path)


# --- the settings -------------------------------------------------------------------------


def test_new_file_is_private_and_runs_with_the_designed_pragmas(tmp_path):
    path = tmp_path / "fresh" / "journal.sqlite"
    old_umask = os.umask(0o022)  # a usual umask would make a world-readable file
    try:
        open_store(str(path), create=True)
        build_small_school()
    finally:
        os.umask(old_umask)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert side.exists()
            assert stat.S_IMODE(side.stat().st_mode) == 0o600

        def pragma(name: str) -> object:
            return database.execute_sql(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 30000

        # A service transaction takes the write lock at BEGIN (BEGIN IMMEDIATE), so a
        # second writer waits at its start instead of failing half-way through.
        other = sqlite3.connect(str(path), timeout=0, isolation_level=None)
        try:
            with database.atomic():
                database.execute_sql("SELECT 1")
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")  # free again after the commit
            other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        dbmod.close()


def test_writers_take_turns_on_a_private_lock_file_that_a_stuck_holder_cannot_wedge(tmp_path):
    path = tmp_path / "journal.sqlite"
    open_store(str(path), create=True)
    try:
        s = build_small_school()  # service writes: each takes its turn on the lock file
        lock = Path(f"{path}-lock")
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600

        holder = os.open(lock, os.O_RDWR)  # another writer's turn, stuck
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            # a waiter gives up its place after the timeout (and SQLite's busy timeout
            # then decides); its helper thread will let go of the lock once it gets it
            assert dbmod._take_turn(str(lock), timeout=0.05) is None
        finally:
            os.close(holder)
        fd = None
        for _ in range(2000):  # the abandoned helper takes the lock and drops it at once
            fd = dbmod._take_turn(str(lock), timeout=0.01)
            if fd is not None:
                break
        assert fd is not None
        os.close(fd)
        # and service writes go on as usual
        lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 10, 14))
        assert entries.set_mark(s.teacher, lesson.id, s.pupils[0], 5).after.text() == "5"
    finally:
        dbmod.close()


def test_a_write_asked_not_to_wait_is_refused_at_once_and_does_nothing(tmp_path):
    """The grid's keystroke (tui/writes.py): with another writer's turn on the store, a
    service write inside without_waiting() raises StoreBusy at once, nothing written or
    audited; outside it, the write waits its turn as before."""
    path = tmp_path / "journal.sqlite"
    open_store(str(path), create=True)
    try:
        s = build_small_school()
        lesson = entries.add_lesson(s.teacher, s.math_a, dt.date(2026, 10, 14)).id
        audited = AuditEntry.select().count()
        holder = os.open(f"{path}-lock", os.O_RDWR)
        fcntl.flock(holder, fcntl.LOCK_EX)
        try:
            started = time.monotonic()
            with pytest.raises(StoreBusy), without_waiting():
                entries.set_mark(s.teacher, lesson, s.pupils[0], 5)
            assert time.monotonic() - started < 1.0
        finally:
            os.close(holder)
        assert Mark.select().where(Mark.lesson == lesson).count() == 0
        assert AuditEntry.select().count() == audited
        with without_waiting():  # the store free: written as usual
            assert entries.set_mark(s.teacher, lesson, s.pupils[0], 5).after.text() == "5"
    finally:
        dbmod.close()


# --- many writers ---------------------------------------------------------------------------

WRITERS = 8
LESSONS_PER_WRITER = 5  # × 10 pupils = 50 marks per writer


def test_eight_writer_processes_lose_nothing(sqlite_store):
    school = build_school10(sqlite_store, lessons_per_course=WRITERS // 2 * LESSONS_PER_WRITER)
    s = school.s
    jobs = []
    for w in range(WRITERS):
        # writers 0–3 type mathematics, 4–7 Russian; even ones as the course's teacher,
        # odd ones as the admin: each writer has its own 5 lessons × 10 pupils
        course = s.math_a if w < WRITERS // 2 else s.russian_a
        teacher = s.teacher if course == s.math_a else s.homeroom
        actor = teacher if w % 2 == 0 else s.admin
        k = w % (WRITERS // 2)
        lesson_ids = school.lessons[course][k * LESSONS_PER_WRITER : (k + 1) * LESSONS_PER_WRITER]
        jobs.append((actor.user_id, cells_of(lesson_ids, school.pupils, seed=w)))
    assert sum(len(cells) for _, cells in jobs) == 400
    dbmod.close()  # the test process holds no connection while the writers run

    writers = [start_writer(school.db, actor, cells, wait=True) for actor, cells in jobs]
    for writer in writers:
        assert writer.ready.wait(PROCESS_TIMEOUT_S)
    for writer in writers:  # all start typing at the same moment
        writer.go()
    codes = [writer.finish() for writer in writers]

    assert codes == [0] * WRITERS
    assert [writer.errors() for writer in writers] == [[]] * WRITERS
    assert [writer.done() for writer in writers] == [["done 50 0 complete"]] * WRITERS
    acked = {(lesson, pupil): value for writer in writers for lesson, pupil, value in writer.acks()}
    expected = {(lesson, pupil): value for _, cells in jobs for lesson, pupil, value in cells}
    assert len(acked) == 400
    assert acked == expected

    reopen(school.db)
    assert check().integrity == "ok"
    assert marks_in_store() == expected  # every acknowledged mark, with its value
    assert Mark.select().count() == 400
    assert mark_audits() == 400  # one audit entry per mark, none missing, none extra


# --- a writer killed mid-stream ---------------------------------------------------------------


def test_writer_killed_mid_stream_leaves_every_acknowledged_mark(sqlite_store):
    school = build_school10(sqlite_store, lessons_per_course=60)
    s = school.s
    math, russian = school.lessons[s.math_a], school.lessons[s.russian_a]
    dbmod.close()
    all_acked: dict[tuple[int, int], int] = {}
    unacked_present: set[tuple[int, int]] = set()
    # three rounds, killing the writer at a different point of its 200 marks each time;
    # another writer types beside it and must not notice
    for round_no, kill_after in enumerate((5, 50, 100)):
        victim_cells = cells_of(math[round_no * 20 : (round_no + 1) * 20], school.pupils, round_no)
        survivor_cells = cells_of(russian[round_no * 5 : (round_no + 1) * 5], school.pupils, 7)
        victim = start_writer(school.db, s.admin.user_id, victim_cells)
        survivor = start_writer(school.db, s.homeroom.user_id, survivor_cells)
        while len(victim.acks()) < kill_after:
            assert victim.proc.poll() is None, victim.lines[-3:]
            time.sleep(0.002)
        victim.proc.send_signal(signal.SIGKILL)
        assert victim.finish() == -signal.SIGKILL
        assert victim.done() == []  # it really died mid-stream
        assert victim.errors() == []
        assert survivor.finish() == 0
        # whatever lock the killed process held is gone: the other writer went on
        assert survivor.errors() == []
        assert survivor.done() == ["done 50 0 complete"]

        reopen(school.db)
        assert check().integrity == "ok"
        present = marks_in_store()
        victim_acked = {(lesson, pupil): value for lesson, pupil, value in victim.acks()}
        assert len(victim_acked) >= kill_after
        for cell, value in victim_acked.items():
            assert present.get(cell) == value, cell
        for lesson, pupil, value in survivor_cells:
            assert present[(lesson, pupil)] == value
        # at most one mark was committed but not yet printed when the signal came
        victim_present = {(lesson, pupil) for lesson, pupil, _ in victim_cells} & set(present)
        assert set(victim_acked) <= victim_present
        assert len(victim_present) <= len(victim_acked) + 1
        all_acked.update(victim_acked)
        all_acked.update({(lesson, pupil): value for lesson, pupil, value in survivor_cells})
        unacked_present |= victim_present - set(victim_acked)
        # a mark and its audit entry stand or fall together
        assert Mark.select().count() == len(all_acked) + len(unacked_present)
        assert mark_audits() == len(all_acked) + len(unacked_present)
        dbmod.close()


# --- a backup while teachers type -----------------------------------------------------------


def test_backup_while_writing_is_consistent_and_restorable(sqlite_store, tmp_path):
    school = build_school10(sqlite_store, lessons_per_course=40)
    s = school.s
    # Make the file larger than one backup step of the old implementation (1024 pages):
    # a copy in several steps restarts on each commit of another process and never ends
    # while writers keep going. The padding table is the test's own.
    database.execute_sql("CREATE TABLE test_padding (data BLOB)")
    for _ in range(12):
        database.execute_sql("INSERT INTO test_padding VALUES (zeroblob(1000000))")
    math, russian = school.lessons[s.math_a], school.lessons[s.russian_a]
    jobs = [
        (s.teacher.user_id, cells_of(math[:40], school.pupils, seed=1)),
        (s.homeroom.user_id, cells_of(russian[:40], school.pupils, seed=2)),
    ]
    dbmod.close()
    stop_file = tmp_path / "stop"
    writers = [
        start_writer(school.db, actor, cells, stop_file=str(stop_file), pause=0.005) for actor, cells in jobs
    ]
    for writer in writers:  # let them get going
        while len(writer.acks()) < 20:
            assert writer.proc.poll() is None, writer.lines[-3:]
            time.sleep(0.002)

    before_backup = {(lesson, pupil): value for writer in writers for lesson, pupil, value in writer.acks()}
    dest = tmp_path / "copies" / "journal-copy.sqlite"
    result = subprocess.run(
        [sys.executable, "journal.py", "--db", school.db, "backup", str(dest)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
    )
    stop_file.touch()
    codes = [writer.finish() for writer in writers]
    assert result.returncode == 0, result.stderr
    assert "создана и проверена: целостность ok" in result.stdout
    assert codes == [0, 0]
    assert [writer.errors() for writer in writers] == [[], []]
    # the copy was taken while the writers were still typing (they had cells left)
    assert [writer.done()[0].split()[-1] for writer in writers] == ["stopped", "stopped"]
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600

    written = {(lesson, pupil): value for writer in writers for lesson, pupil, value in writer.acks()}
    reopen(school.db)
    assert marks_in_store() == written
    dbmod.close()

    # restore: the copy opens as the store
    restored = tmp_path / "restored.sqlite"
    restored.write_bytes(dest.read_bytes())
    open_store(str(restored))
    try:
        report = check()
        assert report.integrity == "ok"
        assert report.schema_version == known_migrations()
        in_copy = marks_in_store()
        for cell, value in before_backup.items():
            assert in_copy.get(cell) == value, cell
        # nothing in the copy that was not written, and a consistent snapshot
        assert set(in_copy) <= set(written)
        assert all(written[cell] == value for cell, value in in_copy.items())
        assert len(before_backup) <= len(in_copy) <= len(written)
        assert mark_audits() == len(in_copy)
        assert report.counts["students"] == 11  # 10 in 5А, 1 in 5Б
    finally:
        dbmod.close()
