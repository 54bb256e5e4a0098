"""The performance suite: builds (or reuses) a demo school in a temporary folder, measures,
and prints one JSON object with DESIGN.md's figure names (where the project measures them).

    python benchmarks/run.py [--quick] [--json] [--cache-dir DIR] [--db FILE|URL] [--keep]

With `--db postgresql://…/scratch` the same figures are measured on PostgreSQL: the demo is
built into that database unless it already holds it, and the run writes into it (use a
scratch database); the writers are then 100 processes whose cells partly overlap
(writers100_*), and the backup is pg_dump's. With `--district N` as well, the demo is then
copied into N schools of that database and the district's figures follow (district_report_s,
school_report_s: benchmarks/district.py).

Measured now: demo_build_s, grid_load_ms (models.journal.grid.load_grid of a ~35-pupil course for
the current period), mark_service_ms_p50/_p99 (models.journal.entries.set_mark in-process: write +
audit + commit, no repaint yet), writers_errors/_lost/_commits/_s (30 processes typing
marks into one SQLite file without pause: 30 × 500 = 15,000 commits, --quick 30 × 40) and a
few extras (check_s, backup_s, demo_db_bytes, the writers' per-mark waits). Figures the
project cannot measure yet are null, with the reason under "not_measured". --quick builds
the same school-size demo (about 10 s here) with fewer repeats.

The work happens on a copy of the demo file, so a cached demo (--cache-dir) stays pristine.
Progress goes to stderr; stdout carries only the result. No budget is asserted here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import analysis as analysis_bench  # noqa: E402
from benchmarks import exports as exports_bench  # noqa: E402
from benchmarks.writers import empty_cells, run_writers  # noqa: E402

NOT_MEASURED: dict[str, str] = {}  # every DESIGN.md figure is measured now

GRID_PUPILS = 35


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# --- the demo database ------------------------------------------------------------------------


def build_demo_file(path: Path, size: str) -> float:
    """Build the demo school into `path`; returns the seconds it took (wall clock)."""
    from demo.builder import build_demo
    from models.core import db as dbmod

    started = time.perf_counter()
    build_demo(str(path), size=size, full_year=False, progress=None)
    seconds = time.perf_counter() - started
    dbmod.close()
    return seconds


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the source may have a WAL)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(target, 0o600)


# --- what a teacher's screen reads and writes --------------------------------------------------


def pick_grid_course() -> tuple[int, int, int]:
    """(course, period, teacher) of a whole-class course whose class is nearest 35 pupils,
    in the period that contains today (or the last one begun)."""
    from peewee import fn

    from models.core import clock
    from models.core.schema import Course, Enrollment, Lesson, Period, SchoolClass, SchoolYear

    today = clock.today()
    year = (
        SchoolYear.select().where((SchoolYear.start <= today) & (SchoolYear.end >= today)).first()
        or SchoolYear.select().order_by(SchoolYear.start.desc()).first()
    )
    if year is None:
        raise SystemExit("the demo database has no school year")
    sizes = dict(
        Enrollment.select(Enrollment.school_class, fn.COUNT(Enrollment.id))
        .join(SchoolClass)
        .where(
            (SchoolClass.year == year.id)
            & (Enrollment.start <= today)
            & (Enrollment.end.is_null() | (Enrollment.end >= today))
        )
        .group_by(Enrollment.school_class)
        .tuples()
    )
    best = None
    for course in (
        Course.select(Course, SchoolClass)
        .join(SchoolClass)
        .where((SchoolClass.year == year.id) & Course.subgroup.is_null())
    ):
        grade = course.school_class.grade
        period = (
            Period.select()
            .where(
                (Period.year == year.id)
                & (Period.grade_from <= grade)
                & (Period.grade_to >= grade)
                & (Period.start <= today)
            )
            .order_by(Period.start.desc())
            .first()
        )
        if period is None:
            continue
        lessons = (
            Lesson.select()
            .where((Lesson.course == course.id) & (Lesson.date >= period.start) & (Lesson.date <= period.end))
            .count()
        )
        pupils = sizes.get(course.school_class_id, 0)
        key = (abs(pupils - GRID_PUPILS), -lessons, course.id)
        if best is None or key < best[0]:
            best = (key, course.id, period.id, course.teacher_id)
    if best is None:
        raise SystemExit("the demo database has no whole-class course with a period begun")
    return best[1], best[2], best[3]


def measure_grid(course_id: int, period_id: int, repeats: int) -> dict:
    from models.core.access import actor_of
    from models.core.schema import User
    from models.journal.grid import load_grid

    admin = actor_of(User.select().where(User.role == "admin").order_by(User.id).first())
    started = time.perf_counter()
    grid = load_grid(admin, course_id, period_id)
    first = time.perf_counter() - started
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        load_grid(admin, course_id, period_id)
        times.append(time.perf_counter() - started)
    return {
        "grid_load_ms": ms(statistics.median(times)),
        "grid_load_ms_first": ms(first),
        "grid_load_ms_max": ms(max(times)),
        "grid_pupils": len(grid.pupils),
        "grid_lessons": len(grid.lessons),
        "grid_cells_filled": len(grid.cells),
        "grid_class": grid.class_name,
        "grid_subject": grid.subject,
        "grid_period": grid.period_name,
    }


def grid_cells(course_id: int, period_id: int, teacher_id: int) -> list[tuple[int, int, int, int]]:
    """Empty cells of the course's past lessons, column by column, as a teacher fills them."""
    from models.core import clock
    from models.core.access import actor_of
    from models.core.schema import User
    from models.journal.grid import load_grid

    grid = load_grid(actor_of(User.get_by_id(teacher_id)), course_id, period_id)
    cells = []
    for lesson in grid.lessons:
        if lesson.date > clock.today():
            continue
        for pupil in grid.pupils:
            if pupil.present_on(lesson.date) and (lesson.id, pupil.student_id) not in grid.cells:
                value = 2 + (lesson.id + pupil.student_id) % 4
                cells.append((lesson.id, pupil.student_id, value, teacher_id))
    return cells


def measure_marks(course_id: int, period_id: int, teacher_id: int, count: int) -> dict:
    """set_mark in-process, one commit per mark: the service part of a typed mark."""
    from models.core.access import actor_of
    from models.core.schema import User
    from models.journal import entries

    cells = grid_cells(course_id, period_id, teacher_id)
    if len(cells) < count:
        taken = {(c[0], c[1]) for c in cells}
        for cell in empty_cells(count * 2):
            if (cell[0], cell[1]) not in taken:
                cells.append(cell)
            if len(cells) >= count:
                break
    cells = cells[:count]
    actors: dict = {}
    times = []
    errors = 0
    for lesson_id, student_id, value, user_id in cells:
        actor = actors.get(user_id) or actors.setdefault(user_id, actor_of(User.get_by_id(user_id)))
        started = time.perf_counter()
        try:
            entries.set_mark(actor, lesson_id, student_id, value)
        except Exception as exc:
            errors += 1
            log(f"set_mark failed: {type(exc).__name__}: {exc}")
            continue
        times.append(time.perf_counter() - started)
    if not times:
        return {"mark_service_count": 0, "mark_service_errors": errors}
    return {
        "mark_service_ms_p50": ms(percentile(times, 0.5)),
        "mark_service_ms_p99": ms(percentile(times, 0.99)),
        "mark_service_ms_max": ms(max(times)),
        "mark_service_count": len(times),
        "mark_service_errors": errors,
    }


def measure_check_and_backup(folder: Path, postgres: bool = False) -> dict:
    from models.core.store import backup, check

    started = time.perf_counter()
    report = check()
    check_s = time.perf_counter() - started
    started = time.perf_counter()
    copy = backup(str(folder / ("backup.dump" if postgres else "backup.sqlite")))
    backup_s = time.perf_counter() - started
    return {
        "check_s": round(check_s, 3),
        "backup_s": round(backup_s, 3),
        "backup_integrity": copy.integrity,
        "counts": report.counts,
    }


# --- the run ----------------------------------------------------------------------------------


def measure_ui(db: str, today: str) -> dict:
    """The screen figures (benchmarks/ui.py), as the demo's subject teacher."""
    from benchmarks import sessions, ui, web_sessions
    from demo.builder import stored_logins

    teacher = next(login for login in stored_logins() or [] if login["role"] == "teacher")
    if not db.startswith("postgresql"):
        # the marks written above sit in the WAL; a school's journal is checkpointed as it runs
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log(f"UI on a pseudo-terminal as {teacher['login']} …")
    figures = ui.measure(db, teacher["login"], teacher["password"], today)
    if not db.startswith("postgresql"):
        log("a column typed while 30 writers write into the same file …")
        figures.update(ui.typing_with_writers(db, teacher["login"], teacher["password"], today))
        log(
            "SSH sessions with a grid open on `journal serve ssh` (10 and 30 in hosts, forked alone; 10 spawned) …"
        )
        homeroom = next(login for login in stored_logins() or [] if login["role"] == "homeroom")
        accounts = [(teacher["login"], teacher["password"]), (homeroom["login"], homeroom["password"])]
        figures.update(sessions.measure(db, accounts))
        log(f"sessions: {figures['session_pss_mb']} MB each, 30 together {figures['sessions30_pss_mb']} MB")
        log(
            "browser tabs with a grid open on `journal serve web` (10 in hosts, forked alone, started anew) …"
        )
        figures.update(web_sessions.measure(db, accounts))
        log(
            f"tabs: {figures['web_session_pss_mb']} MB each ({figures['web_session_pss_mb_forked']} forked "
            f"alone, {figures['web_session_pss_mb_spawned']} started anew)"
        )
    log(
        f"UI: start ×{figures['start_ratio']}, rss ×{figures['rss_ratio']}, "
        f"{figures['bytes_per_mark_column']} B/mark down a 35-pupil column"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Замеры журнала (benchmarks): один JSON-объект.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and marks")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--size", choices=("small", "school"), help="demo size (default school)")
    parser.add_argument("--cache-dir", help="keep/reuse the built demo here")
    parser.add_argument("--db", help="use this demo database instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--no-ui", action="store_true", help="skip the pseudo-terminal figures")
    parser.add_argument("--writers", type=int, default=30, help="writer processes (30)")
    parser.add_argument("--writer-marks", type=int, help="marks per writer (quick 40, else 500)")
    parser.add_argument(
        "--district",
        type=int,
        metavar="N",
        help="PostgreSQL: then copy the demo into N schools and measure the district",
    )
    args = parser.parse_args(argv)

    from models.core import clock
    from models.core import db as dbmod
    from models.core.store import open_store
    from models.journal.attendance import school_day

    total_started = time.perf_counter()
    size = args.size or "school"
    # the run's own day, for itself and every process it starts: a Sunday has no lessons (the
    # new lesson the typing figures fill would be refused), so the Saturday before it
    today = school_day(clock.today())
    os.environ["JOURNAL_TODAY"] = today.isoformat()
    figures: dict = {
        "quick": args.quick,
        "today": today.isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
        },
    }
    work_dir = Path(tempfile.mkdtemp(prefix="journal-bench-"))
    postgres = bool(args.db and args.db.startswith(("postgresql://", "postgres://")))
    figures["backend"] = "postgresql" if postgres else "sqlite"
    try:
        # 1. the demo school
        if postgres:
            log(f"the {size} demo in {dbmod.resolve(args.db).describe()} …")
            seconds = build_demo_file(args.db, size)
            figures.update(demo_build_s=round(seconds, 2), demo_size=size, demo_source="postgresql")
            work = args.db
        elif args.db:
            source = Path(args.db)
            figures.update(demo_build_s=None, demo_size=None, demo_source=str(source))
        else:
            cache = Path(args.cache_dir) if args.cache_dir else None
            folder = cache or work_dir
            folder.mkdir(parents=True, exist_ok=True)
            source = folder / f"demo-{size}-{today.isoformat()}.sqlite"
            if cache and source.exists():
                log(f"reusing {source}")
                figures.update(demo_build_s=None, demo_source=f"cache: {source}")
            else:
                log(f"building the {size} demo in {source} …")
                seconds = build_demo_file(source, size)
                figures.update(demo_build_s=round(seconds, 2), demo_source="built")
                log(f"demo built in {seconds:.1f} s")
            figures["demo_size"] = size
        if not postgres:
            figures["demo_db_bytes"] = source.stat().st_size
            work = str(work_dir / "work.sqlite")
            copy_database(source, Path(work))

        # 2. what one teacher's screen reads and writes
        open_store(work)
        course_id, period_id, teacher_id = pick_grid_course()
        figures.update(measure_grid(course_id, period_id, 10 if args.quick else 50))
        log(f"grid: {figures['grid_load_ms']} ms ({figures['grid_pupils']} pupils)")
        figures.update(measure_marks(course_id, period_id, teacher_id, 200 if args.quick else 1000))
        log(f"set_mark: p50 {figures.get('mark_service_ms_p50')} ms")
        figures.update(measure_check_and_backup(work_dir, postgres))
        dbmod.close()
        if not args.no_ui:
            figures.update(measure_ui(work, today.isoformat()))
            dbmod.close()
        log("analysis and exports …")
        figures.update(analysis_bench.measure(work))
        dbmod.close()
        figures.update(exports_bench.measure(work, repeats=1 if args.quick else 3))
        dbmod.close()
        log(
            f"analysis: class {figures.get('class_analysis_ms')} ms, school {figures.get('school_analysis_s')} s; "
            f"report cards {figures.get('report_cards_school_xlsx_s')} s"
        )

        # 3. many teachers at once
        marks = args.writer_marks or (40 if args.quick else 500)
        if postgres:  # a district's server: 100 writers, neighbours' cells overlapping
            found = run_writers(work, 100, marks, log=log, overlap=max(1, marks // 5))
            figures.update({k.replace("writers_", "writers100_", 1): v for k, v in found.items()})
            log(f"writers: {figures['writers100_errors']} errors, {figures['writers100_lost']} lost")
        else:
            figures.update(run_writers(work, args.writers, marks, log=log))
            log(f"writers: {figures['writers_errors']} errors, {figures['writers_lost']} lost")

        # 4. a district of N schools in the same database (issue 20): benchmarks/district.py
        if postgres and args.district:
            from benchmarks import district as district_bench

            figures.update(district_bench.measure(work, args.district, writers=0))
    finally:
        dbmod.close()
        if args.keep:
            log(f"kept {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    for name in NOT_MEASURED:
        figures.setdefault(name, None)
    figures["not_measured"] = NOT_MEASURED
    figures["total_s"] = round(time.perf_counter() - total_started, 1)
    figures["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)

    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for name, value in figures.items():
            if name != "not_measured":
                print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
