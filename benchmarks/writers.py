"""Many teachers typing at once: N processes write marks into one SQLite file.

Each process opens the store itself and calls the real service `models.journal.entries.set_mark`
as the course's teacher, on cells of its own (empty cells of past lessons, picked by the
parent from the journal grids). All processes start together; every exception is counted
and at the end every acknowledged mark is looked up in the file.

    python benchmarks/writers.py --db demo.sqlite [--processes 30] [--marks 100]

prints one JSON object (writers_errors, writers_lost, writers_commits, writers_s, …).
The worker side runs as `python benchmarks/writers.py --worker` with a job on stdin.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Cell = tuple[int, int, int, int]  # lesson, student, value, acting user


# --- the worker -------------------------------------------------------------------------------


def worker() -> int:
    job = json.loads(sys.stdin.readline())
    from models.core import tenancy
    from models.core.access import actor_of
    from models.core.schema import User
    from models.core.store import open_store
    from models.journal import entries

    open_store(job["db"])
    if job.get("school"):
        tenancy.enter(job["school"])  # a district's database: the writers' school
    actors = {uid: actor_of(User.get_by_id(uid)) for uid in {c[3] for c in job["cells"]}}
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 3
    ok: list[list[int]] = []
    errors: list[str] = []
    latencies: list[float] = []
    for lesson_id, student_id, value, user_id in job["cells"]:
        started = time.perf_counter()
        try:
            entries.set_mark(actors[user_id], lesson_id, student_id, value)
        except Exception as exc:  # counted: the figure is "zero errors"
            errors.append(f"{type(exc).__name__}: {exc}")
        else:
            latencies.append((time.perf_counter() - started) * 1000)
            ok.append([lesson_id, student_id, value])
    print(json.dumps({"ok": ok, "errors": errors, "latencies_ms": latencies}), flush=True)
    return 0


# --- choosing the cells -----------------------------------------------------------------------


def empty_cells(limit: int) -> Iterator[Cell]:
    """Empty cells of past lessons where the pupil was in the class and the period's marks
    are not frozen by a final mark, course by course.

    Reads go through the grid service, so a cell picked here is one a teacher could type
    into; the acting user is the course's teacher.
    """
    from models.core import clock
    from models.core.access import actor_of
    from models.core.schema import Course, Period, SchoolClass, User
    from models.journal.grid import load_grid

    admin = actor_of(User.select().where(User.role == "admin").order_by(User.id).first())
    today = clock.today()
    courses = (
        Course.select(Course, SchoolClass)
        .join(SchoolClass)
        .where(Course.subgroup.is_null())
        .order_by(SchoolClass.grade, SchoolClass.letter, Course.id)
    )
    produced = 0
    for course in courses:
        grade = course.school_class.grade
        periods = Period.select().where(
            (Period.year == course.school_class.year_id)
            & (Period.grade_from <= grade)
            & (Period.grade_to >= grade)
            & (Period.start <= today)
        )
        for period in periods.order_by(Period.start):
            grid = load_grid(admin, course.id, period.id)
            for lesson in grid.lessons:
                if lesson.date > today:
                    continue
                for pupil in grid.pupils:
                    if not pupil.present_on(lesson.date):
                        continue
                    if (lesson.id, pupil.student_id) in grid.cells:
                        continue
                    if pupil.student_id in grid.finals and pupil.student_id not in grid.reopened:
                        continue  # the period's final mark froze the pupil's marks: refused
                    value = 2 + (lesson.id * 7 + pupil.student_id * 3) % 4
                    yield (lesson.id, pupil.student_id, value, course.teacher_id)
                    produced += 1
                    if produced >= limit:
                        return


# --- the run ----------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_writers(
    db_path: str,
    processes: int = 30,
    marks_per_process: int = 100,
    log: Callable[[str], None] = lambda _: None,
    overlap: int = 0,
    exclude_lessons: frozenset[int] = frozenset(),
    on_go: Callable[[], None] = lambda: None,
    school: int | None = None,
) -> dict:
    """Start the writers together, wait for them, verify the store; returns the figures.

    With `overlap`, each writer also types the first `overlap` cells of the next writer's
    share, at the same time and with the same value (a mark depends only on its cell), so
    two sessions write one cell and every acknowledged value can still be checked. `school`:
    the school of a district's database the writers type in."""
    from models.core import db as dbmod
    from models.core import tenancy
    from models.core.schema import AuditEntry, Mark
    from models.core.store import check, open_store

    open_store(db_path)
    if school:
        tenancy.enter(school)
    wanted = processes * marks_per_process
    cells = [cell for cell in empty_cells(wanted + 2000) if cell[0] not in exclude_lessons][:wanted]
    audits_before = AuditEntry.select().where(AuditEntry.action == "mark.set").count()
    marks_before = Mark.select().count()
    dbmod.close()
    if len(cells) < wanted:
        marks_per_process = len(cells) // processes
        cells = cells[: processes * marks_per_process]
    log(f"writers: {processes} processes × {marks_per_process} marks")

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = []
    for i in range(processes):
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        mine = cells[i * marks_per_process : (i + 1) * marks_per_process]
        if overlap and processes > 1:
            after = ((i + 1) % processes) * marks_per_process
            mine = mine + cells[after : after + overlap]
        proc.stdin.write(json.dumps({"db": db_path, "cells": mine, "school": school}) + "\n")
        proc.stdin.flush()
        procs.append(proc)
    failed_to_start = 0
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            failed_to_start += 1
    started = time.perf_counter()
    for proc in procs:
        try:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass
    on_go()
    results = []
    crashed = 0
    for proc in procs:
        out, err = proc.communicate()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            crashed += 1
            log(f"writer crashed ({proc.returncode}): {err.strip()[-500:]}")
            continue
        results.append(json.loads(lines[-1]))
    ended = time.perf_counter()
    seconds = ended - started

    acked = {(lesson, student): value for r in results for lesson, student, value in r["ok"]}
    errors = [e for r in results for e in r["errors"]]
    latencies = [ms for r in results for ms in r["latencies_ms"]]

    open_store(db_path)
    if school:
        tenancy.enter(school)
    present = {}
    for lesson, student, value in Mark.select(Mark.lesson, Mark.student, Mark.value).tuples():
        present[(lesson, student)] = value
    lost = sum(1 for cell, value in acked.items() if present.get(cell) != value)
    audits = AuditEntry.select().where(AuditEntry.action == "mark.set").count() - audits_before
    marks_added = Mark.select().count() - marks_before
    integrity = check().integrity
    dbmod.close()
    return {
        "writers_processes": processes,
        "writers_marks_per_process": marks_per_process,
        "writers_errors": len(errors) + crashed + failed_to_start,
        "writers_lost": lost,
        "writers_commits": len(acked),  # cells acknowledged (a cell two writers typed counts once)
        "writers_calls": sum(len(r["ok"]) + len(r["errors"]) for r in results),
        "writers_cells_shared": overlap * processes if processes > 1 else 0,
        "writers_s": round(seconds, 3),
        "writers_commits_per_s": round(len(acked) / seconds, 1) if seconds else None,
        "writers_mark_ms_p50": _round(_percentile(latencies, 0.5)),
        "writers_mark_ms_p99": _round(_percentile(latencies, 0.99)),
        "writers_mark_ms_max": _round(max(latencies) if latencies else None),
        "writers_audit_entries": audits,
        "writers_marks_added": marks_added,
        "writers_integrity": integrity,
        "writers_error_samples": sorted(set(errors))[:5],
        "writers_mark_ms_mean": _round(statistics.fmean(latencies) if latencies else None),
        "writers_went_at": started,  # perf_counter: when they were told to go, and all done
        "writers_done_at": ended,
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help="the SQLite file to write into (it gets the marks)")
    parser.add_argument("--processes", type=int, default=30)
    parser.add_argument("--marks", type=int, default=100, help="marks per process")
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    if not args.db:
        parser.error("--db is required")
    figures = run_writers(args.db, args.processes, args.marks, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["writers_errors"] == 0 and figures["writers_lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
