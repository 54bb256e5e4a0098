"""Writer processes for the durability and concurrency tests (tests/writer_proc.py), the
school they type into, and what they acknowledge."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from models.core.schema import Mark
from models.journal import entries
from models.people import roster
from tests.factory import SmallSchool, build_small_school

ROOT = Path(__file__).resolve().parent.parent
PROCESS_TIMEOUT_S = 120  # a guard against a hang, not a measurement

EXTRA_PUPILS = [
    ("Дмитриева", "Дарья"),
    ("Егоров", "Егор"),
    ("Жукова", "Жанна"),
    ("Зайцев", "Захар"),
    ("Ильина", "Ирина"),
    ("Козлов", "Кирилл"),
]


@dataclass
class School10:
    """The small school with ten pupils in 5А and lessons of mathematics and Russian."""

    s: SmallSchool
    db: str
    pupils: list[int]
    lessons: dict[int, list[int]]  # course id → lesson ids, one a school day from 1 September


def school_days(count: int, start: dt.date = dt.date(2026, 9, 1)) -> list[dt.date]:
    """`count` lesson days (Monday–Saturday) inside the quarters up to today."""
    days: list[dt.date] = []
    day = start
    q1_end, q2_start = dt.date(2026, 10, 25), dt.date(2026, 11, 5)
    while len(days) < count:
        if day.weekday() != 6 and not q1_end < day < q2_start:
            days.append(day)
        day += dt.timedelta(days=1)
    assert days[-1] <= dt.date(2026, 11, 28), "more lessons than school days up to today"
    return days


def build_school10(db_path: Path, lessons_per_course: int) -> School10:
    s = build_small_school()
    pupils = list(s.pupils)
    for surname, first_name in EXTRA_PUPILS:
        pupils.append(
            roster.add_student(
                s.homeroom,
                s.class_a,
                {"surname": surname, "first_name": first_name},
                dt.date(2026, 9, 1),
            ).id
        )
    lessons = {}
    for course in (s.math_a, s.russian_a):
        lessons[course] = [
            entries.add_lesson(s.admin, course, day).id for day in school_days(lessons_per_course)
        ]
    return School10(s, str(db_path), pupils, lessons)


def cells_of(lesson_ids: Iterable[int], pupils: list[int], seed: int) -> list[list[int]]:
    """Every (lesson, pupil) cell of the lessons with a mark 2–5 that depends on the cell."""
    return [
        [lesson, pupil, 2 + (lesson * 7 + pupil * 3 + seed) % 4] for lesson in lesson_ids for pupil in pupils
    ]


@dataclass
class Writer:
    """One writer process and what it has printed so far (read by a thread)."""

    proc: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    ready: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            with self.lock:
                self.lines.append(line)
            if line == "ready":
                self.ready.set()
        self.ready.set()  # the process ended (or died) before saying ready

    def acks(self) -> list[tuple[int, int, int]]:
        with self.lock:
            snapshot = list(self.lines)
        return [tuple(map(int, line.split()[1:4])) for line in snapshot if line.startswith("ok ")]

    def errors(self) -> list[str]:
        with self.lock:
            return [line for line in self.lines if line.startswith("err ")]

    def done(self) -> list[str]:
        with self.lock:
            return [line for line in self.lines if line.startswith("done ")]

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def finish(self) -> int:
        code = self.proc.wait(timeout=PROCESS_TIMEOUT_S)
        assert self.thread is not None
        self.thread.join(timeout=PROCESS_TIMEOUT_S)
        stderr = self.proc.stderr.read() if self.proc.stderr else ""
        assert "Traceback" not in stderr, stderr
        return code


def start_writer(db: str, actor_id: int, cells: list[list[int]], **options: object) -> Writer:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.writer_proc"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps({"db": db, "actor": actor_id, "cells": cells, **options}) + "\n")
    proc.stdin.flush()
    writer = Writer(proc)
    writer.thread = threading.Thread(target=writer._pump, daemon=True)
    writer.thread.start()
    return writer


def marks_in_store() -> dict[tuple[int, int], int]:
    return {
        (lesson, student): value
        for lesson, student, value in Mark.select(Mark.lesson, Mark.student, Mark.value).tuples()
    }
