"""UI figures measured on a real pseudo-terminal and in-process (DESIGN.md budgets).

- start_ratio: process start → login screen drawn, ÷ the same for a bare Textual app; both
  started once before the timed runs, with Python's bytecode cache allowed, as on a server
  (PYTHONDONTWRITEBYTECODE=1 would recompile the journal's own modules at every start while
  the bare app's Textual comes compiled by pip: 1.8 against 1.4 on the same machine), and the
  journal run as `python -m journal`, as its users' `journal` command and the SSH server run
  it; 7 interleaved starts of each.
- rss_ratio: resident memory with a grid open ÷ a bare Textual app's.
- libraries_rss_ratio: the bare app with the journal's libraries at work (peewee on the file,
  one argon2 check, Cyrillic drawn) ÷ the bare app's: the floor under rss_ratio that no
  journal code of its own can go below.
- bytes_per_mark: the median of those marks' bytes (DESIGN.md's figure, the same typing).
- bytes_per_mark_column (_max): bytes the app sends per mark filling a whole 35-pupil column
  of a new lesson from the top, one key per mark, scrolling included (80×24 and 120×40); the
  marks are checked in the database afterwards and the day is pinned (JOURNAL_TODAY).
- mark_latency_pty_ms: key sent → the last byte of the repaint received.
- mark_ui_ms_p50/_p99/_max_30writers: key sent → the first byte of its repaint, the same
  column typed while 30 processes write marks into the same SQLite file (they must run through
  the whole typing and lose nothing, or the figure is refused). A mark the store could not
  take at once is written behind (tui/writes.py): the figure waits until every typed mark is
  in the database (mark_ui_landed_after_last_key_s_30writers: how long after the last key).
- mark_ms_p50/p99: one typed mark in-process: the key handler (write + audit) and the
  repaint of the lines it asked to refresh (every line of the grid was rendered before, as if
  Textual repainted all of it); every timed key is a new mark of a present pupil (counted in
  the audit afterwards, or the figure is refused).
- keys_per_mark: keys pressed per mark written when filling a lesson column.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("ready")
Bare().run(mouse=False)
"""
# the same app with the journal's libraries at work, as at its login: peewee on the school's
# file (PostgreSQL's drivers kept out, as models/__init__.py does), one argon2 check at the
# school's cost, Cyrillic on the screen: no journal code, the least the journal could hold
LIBRARIES_APP = """
import sys
sys.modules["psycopg"] = sys.modules["psycopg2"] = None
import argon2, peewee
db = peewee.SqliteDatabase(sys.argv[1])
db.execute_sql("SELECT count(*) FROM sqlite_master").fetchall()
argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash("пароль")
""" + BARE_APP.replace('Static("ready")', 'Static("ready: Журнал")')


class Pty:
    """A program on a pseudo-terminal of a given size; read what it draws."""

    def __init__(self, argv: list[str], cols: int, rows: int, env: dict | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environ = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            **(env or {}),
        }
        environ.pop("TEXTUAL", None)
        environ.pop("PYTHONDONTWRITEBYTECODE", None)  # a server keeps its bytecode (start_ratio)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environ,
            cwd=str(ROOT),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.seen = b""
        self.last_data_at = self.started

    def read(self, timeout: float) -> bytes:
        """Everything the program writes within `timeout` (until it closes the terminal)."""
        chunks = []
        end = time.perf_counter() + timeout
        while (left := end - time.perf_counter()) > 0 and (data := self.read_once(left)):
            chunks.append(data)
        return b"".join(chunks)

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds since start when `marker` first appeared on the screen's byte stream."""
        needle = marker.encode()
        end = time.perf_counter() + timeout
        while needle not in self.seen:
            if time.perf_counter() > end:
                raise TimeoutError(f"no {marker!r} on screen after {timeout} s")
            self.read_once(0.05)
        return self.last_data_at - self.started

    def read_once(self, timeout: float) -> bytes:
        """What the program has written, as soon as it has (at most `timeout` of waiting): the
        timing figures are the arrival of a chunk, not the end of a polling interval (read()
        waits out its whole timeout; start_s came in steps of 50 ms)."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return b""
        if data:
            self.last_data_at = time.perf_counter()
            self.seen += data
        return data

    def settle(self, quiet: float = 0.25, limit: float = 5.0) -> bytes:
        """Everything drawn until the screen stays quiet for `quiet` seconds."""
        out = []
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            data = self.read(quiet)
            if not data:
                break
            out.append(data)
        return b"".join(out)

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def close(self) -> None:
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        os.close(self.master)


def bare_app(cols: int = 80, rows: int = 24) -> tuple[float, int]:
    pty = Pty([sys.executable, "-c", BARE_APP], cols, rows)
    try:
        seconds = pty.wait_for("ready")
        pty.settle()
        return seconds, pty.rss_kib()
    finally:
        pty.close()


def libraries_rss_kib(db: str, cols: int = 80, rows: int = 24) -> int:
    pty = Pty([sys.executable, "-c", LIBRARIES_APP, db], cols, rows)
    try:
        pty.wait_for("ready")
        pty.settle()
        return pty.rss_kib()
    finally:
        pty.close()


def journal_argv(db: str) -> list[str]:
    """The journal as its users start it: the `journal` command and `journal serve ssh` run the
    module from its bytecode (`python journal.py` would compile its 1,000 lines at every start,
    +15 ms of 0.28 s; 15 interleaved starts each). The pty's folder is the project's."""
    return [sys.executable, "-m", "journal", "--db", db]


def start_seconds(db: str) -> float:
    pty = Pty(journal_argv(db), 80, 24)
    try:
        return pty.wait_for("Логин")
    finally:
        pty.close()


def open_grid(db: str, login: str, password: str, cols: int, rows: int, env: dict | None = None) -> Pty:
    """The journal on a pty, logged in as a subject teacher, on their first course's grid."""
    pty = Pty(journal_argv(db), cols, rows, env)
    try:
        return _log_in_and_open_grid(pty, login, password)
    except BaseException:
        pty.close()  # never leave a journal behind on a dead terminal
        raise


def _log_in_and_open_grid(pty: Pty, login: str, password: str) -> Pty:
    pty.wait_for("Логин")
    pty.settle(0.3)
    for text in (login, "\r", password, "\r"):
        pty.send(text)
        time.sleep(0.15)
    pty.wait_for("Сменить пользователя", timeout=30)  # home's own footer key, whatever its page holds
    pty.settle(0.4)
    pty.send("j")
    pty.wait_for("Журнал: выберите")
    pty.settle(0.4)
    opened = time.perf_counter()
    pty.send("\r")
    pty.wait_for("Итог")
    # Enter → the grid drawn: the last byte before 40 ms of quiet (the footer's own refresh
    # of its keys follows ≈ 100 ms later and is not part of opening the grid)
    pty.settle(0.04)
    pty.grid_open_ms = (pty.last_data_at - opened) * 1000
    pty.settle(0.6)
    return pty


COLUMN_PUPILS = 35
NAME_LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"


def prepare_column(db: str, login: str, password: str, today: str) -> tuple[int, list[bool]]:
    """The course the teacher's picker opens first (a whole class, no subgroup, today's order)
    gets 35 pupils and a new lesson today, numbered last: the grid opens on its column.
    Returns the lesson and, per grid row, whether the pupil is in the class that day."""
    import datetime as dt

    from models.core import clock
    from models.core.schema import User
    from models.core.store import open_store
    from models.journal.entries import add_lesson
    from models.journal.grid import course_choices, load_grid
    from models.people import accounts, roster
    from models.school.calendar import current_year_id, period_at, periods_for_grade

    clock.freeze(dt.date.fromisoformat(today))
    open_store(db)
    actor = accounts.authenticate(login, password).actor
    choice = course_choices(actor, current_year_id(), clock.today())[0]
    if choice.subgroup:
        raise RuntimeError(f"the picker's first course is a subgroup ({choice.title}): no 35-pupil column")
    period = period_at(periods_for_grade(current_year_id(), choice.grade), clock.today())
    if period is None:
        raise RuntimeError(f"{today} is in no period of {choice.class_name}: pin another day")
    grid = load_grid(actor, choice.course_id, period.id)
    admin = accounts.actor_of(User.get(User.role == "admin"))
    for n in range(COLUMN_PUPILS - len(grid.pupils)):
        surname = "Замеров" + NAME_LETTERS[n // len(NAME_LETTERS)] + NAME_LETTERS[n % len(NAME_LETTERS)]
        roster.add_student(admin, choice.class_id, {"surname": surname, "first_name": "Тест"}, period.start)
    # numbered by the service: after the course's own that day, past other subjects' numbers
    lesson = add_lesson(actor, choice.course_id, clock.today()).id
    grid = load_grid(actor, choice.course_id, period.id)
    first = course_choices(actor, current_year_id(), clock.today())[0]
    if (
        first.course_id != choice.course_id
        or len(grid.pupils) < COLUMN_PUPILS
        or grid.lessons[-1].id != lesson
    ):
        raise RuntimeError("the column is not what the grid will open on")
    return lesson, [p.present_on(clock.today()) for p in grid.pupils]


def fill_column(pty: Pty, present: list[bool]) -> tuple[list[int], list[float]]:
    """Type a mark per pupil down the column (↓ past a pupil not in the class that day): the
    bytes drawn for each key, and key → last byte of its repaint."""
    sizes, latencies = [], []
    for i, here in enumerate(present):
        sent = time.perf_counter()
        pty.send("345"[i % 3] if here else "\x1b[B")
        data = pty.settle(0.15)
        if here:
            sizes.append(len(data))
            latencies.append(max(0.0, pty.last_data_at - sent) * 1000)
    return sizes, latencies


def typing_with_writers(db: str, login: str, password: str, today: str, writers: int = 30) -> dict:
    """mark_ui_ms_p50/_p99_30writers: key sent → the first byte of its repaint, typing a
    35-pupil column at 80×24 while `writers` other processes write marks into the same file.
    Raises unless the writers ran through the whole typing, lost nothing, and the marks landed."""
    import threading

    from benchmarks.writers import run_writers

    lesson, present = prepare_column(db, login, password, today)
    pty = open_grid(db, login, password, 80, 24, env={"JOURNAL_TODAY": today})
    found: dict = {}
    going = threading.Event()
    thread = threading.Thread(
        target=lambda: found.update(
            run_writers(db, writers, 120, exclude_lessons=frozenset({lesson}), on_go=going.set)
        )
    )
    try:
        thread.start()
        if not going.wait(180):  # the writers start, import, pick their cells and go
            raise RuntimeError("the writers did not start")
        time.sleep(0.5)
        began = time.perf_counter()
        waits = []
        for i, here in enumerate(present):
            sent = time.perf_counter()
            pty.send("345"[i % 3] if here else "\x1b[B")
            while not pty.read(0.005):
                if time.perf_counter() - sent > 10:
                    raise RuntimeError("no repaint 10 s after a key")
            if here:
                waits.append((time.perf_counter() - sent) * 1000)
            pty.settle(0.05)
        finished = time.perf_counter()
        # marks typed while the store was busy are written behind: wait until all have landed
        while marks_in(db, lesson) < sum(present) and time.perf_counter() - finished < 60:
            time.sleep(0.05)
        landed = time.perf_counter()
    finally:
        thread.join()
        pty.close()
    if not found or not found["writers_went_at"] < began < finished < found["writers_done_at"]:
        raise RuntimeError(
            "the writers were not writing through the whole typing: not measured "
            f"(writers {found.get('writers_went_at', 0) - began:+.1f} … {found.get('writers_done_at', 0) - began:+.1f} s, "
            f"typing 0 … {finished - began:.1f} s)"
        )
    if found["writers_lost"] or found["writers_errors"]:
        raise RuntimeError(f"writers: {found['writers_lost']} lost, {found['writers_errors']} errors")
    written = marks_in(db, lesson)
    if written != sum(present):
        raise RuntimeError(f"{written} marks in the database after typing {sum(present)}: not measured")
    waits.sort()
    return {
        "mark_ui_ms_p50_30writers": round(statistics.median(waits), 1),
        "mark_ui_ms_p99_30writers": round(waits[int(len(waits) * 0.99) - 1], 1),
        "mark_ui_ms_max_30writers": round(waits[-1], 1),
        "mark_ui_writers_commits_per_s": found["writers_commits_per_s"],
        "mark_ui_landed_after_last_key_s_30writers": round(landed - finished, 2),
    }


def marks_in(db: str, lesson_id: int) -> int:
    from models.core.schema import Mark
    from models.core.store import open_store

    open_store(db)
    return Mark.select().where(Mark.lesson == lesson_id).count()


def column_figures(db: str, login: str, password: str, today: str, cols: int, rows: int) -> dict:
    """bytes_per_mark_column at one terminal size; raises when the marks did not land."""
    lesson, present = prepare_column(db, login, password, today)
    pty = open_grid(db, login, password, cols, rows, env={"JOURNAL_TODAY": today})
    try:
        if cols == 80:
            rss = pty.rss_kib()
        sizes, latencies = fill_column(pty, present)
    finally:
        pty.close()
    written = marks_in(db, lesson)
    if written != sum(present):
        raise RuntimeError(f"{written} marks in the database after typing {sum(present)}: not measured")
    suffix = "" if (cols, rows) == (80, 24) else f"_{cols}x{rows}"
    figures = {
        f"bytes_per_mark{suffix}": int(statistics.median(sizes)),  # DESIGN.md's median, same typing
        f"bytes_per_mark_column{suffix}": round(sum(sizes) / len(sizes)),
        f"bytes_per_mark_column_max{suffix}": max(sizes),
        f"column_bytes{suffix}": sum(sizes),
        f"column_marks{suffix}": written,
        f"mark_latency_pty_ms{suffix}": round(statistics.median(latencies), 1),
    }
    if cols == 80:
        figures["rss_kib"] = rss
    return figures


def empty_cells(actor, course_id: int, period_id: int, last, count: int) -> list[tuple[int, int]]:
    """`count` (lesson, pupil) cells of new lessons of the course in the grid's period, the
    pupils present that day: a lesson added on each day before `last` that takes one (today's
    numbers stay free for the other figures' new lessons)."""
    import datetime as dt

    from models.core.errors import JournalError
    from models.journal.entries import add_lesson
    from models.journal.grid import load_grid

    grid = load_grid(actor, course_id, period_id)
    cells: list[tuple[int, int]] = []
    day = last
    while len(cells) < count:
        day -= dt.timedelta(days=1)
        if day < grid.period_start:
            raise RuntimeError("no room in the period for lessons to type marks into: not measured")
        try:
            lesson = add_lesson(actor, course_id, day)
        except JournalError:  # not a school day, or the day is full
            continue
        cells += [(lesson.id, p.student_id) for p in grid.pupils if p.present_on(day)]
    return cells[:count]


def refreshes_of(widget) -> list:
    """The regions `widget` asks to repaint from now on (None: the whole widget)."""
    asked: list = []
    real = widget.refresh

    def refresh(*regions, **options):
        asked.extend(regions or [None])
        return real(*regions, **options)

    widget.refresh = refresh
    return asked


def refreshed_lines(asked: list, height: int) -> list[int]:
    """The lines the regions asked for cover (every line for a whole repaint)."""
    if None in asked:
        return list(range(height))
    return sorted(
        {y for region in asked for y in range(region.y, region.y + region.height) if 0 <= y < height}
    )


def cell_audits(lesson_ids: set[int]) -> int:
    """Audited writes of these lessons' cells (each changed cell is one)."""
    from models.core.schema import AuditEntry

    return (
        AuditEntry.select()
        .where((AuditEntry.entity == "cell") & AuditEntry.entity_id.in_(lesson_ids))
        .count()
    )


def in_process_marks(db: str, login: str, password: str, count: int = 200) -> dict:
    """Time the grid's key handler plus the repaint of its dirty lines, headless."""
    from textual import events

    from models.core.store import open_store
    from models.journal.entries import add_lesson
    from models.people.accounts import authenticate
    from models.school.calendar import current_year_id
    from tui.app import JournalApp
    from tui.screens.journalgrid import GridScreen

    open_store(db)
    result = authenticate(login, password)

    async def run() -> dict:
        from models.core import clock
        from models.journal.grid import course_choices

        app = JournalApp(source="")
        async with app.run_test(size=(80, 24)) as pilot:
            app.land(result)
            await pilot.pause()
            choice = course_choices(result.actor, current_year_id(), clock.today())[0]
            opened = time.perf_counter()
            screen = GridScreen(result.actor, choice)
            app.push_screen(screen)
            await pilot.pause()
            grid_open_ui_ms = (time.perf_counter() - opened) * 1000
            grid = screen.grid
            # keys per mark: fill a fresh lesson's column, one key each, and count the marks
            last = grid.data.lessons[-1].date if grid.data.lessons else clock.today()
            lesson = add_lesson(result.actor, choice.course_id, last)
            screen.reload(lesson.id)
            grid.move_to(0, grid.col_of(lesson.id))
            keys = 0
            for i, _ in enumerate(grid.data.pupils):
                if not grid.data.pupils[grid.row].present_on(last):
                    grid.move_to(grid.row + 1, grid.col)
                    continue
                await pilot.press("345"[i % 3])
                keys += 1
            marks = sum(1 for p in grid.data.pupils if grid.data.cell(lesson.id, p.student_id).marks)
            # one mark's cost: the key handler (write + audit) and rendering the grid's lines,
            # each timed key a mark typed into an empty cell of a present pupil, as a teacher
            # fills a lesson (a refused or unchanged key costs nearly nothing: typing "345"
            # round a column of 30 rows came back to the same marks, 70 % of the keys wrote
            # nothing); the writes are counted in the audit afterwards
            cells = empty_cells(result.actor, choice.course_id, grid.data.period_id, last, count)
            screen.reload(cells[-1][0])
            lessons = {lesson_id for lesson_id, _ in cells}
            before_audit = cell_audits(lessons)
            asked = refreshes_of(grid)
            times = []
            for i, (lesson_id, student_id) in enumerate(cells):
                row = next(r for r, p in enumerate(grid.data.pupils) if p.student_id == student_id)
                grid.move_to(row, grid.col_of(lesson_id))
                char = "345"[i % 3]
                asked.clear()
                t0 = time.perf_counter()
                screen.on_key(events.Key(char, char))
                for y in refreshed_lines(asked, grid.size.height):  # what Textual repaints
                    grid.render_line(y)
                times.append((time.perf_counter() - t0) * 1000)
            await pilot.pause()
            audited = cell_audits(lessons) - before_audit
        if audited != count:
            raise RuntimeError(f"{audited} of {count} timed keys wrote a mark: not measured")
        times.sort()
        return {
            "mark_ms_p50": round(statistics.median(times), 3),
            "mark_ms_p99": round(times[int(len(times) * 0.99) - 1], 3),
            "keys_per_mark": round(keys / max(marks, 1), 3),
            "grid_open_headless_ms": round(grid_open_ui_ms, 1),
        }

    return asyncio.run(run())


STARTS = 7  # interleaved starts of each (the ratio moved by 0.1 between runs of 3)


def measure(db: str, login: str, password: str, today: str) -> dict:
    figures: dict = {}
    bare_starts, journal_starts = [], []
    bare_app()  # each once untimed: its bytecode written, as a server's is after its first start
    start_seconds(db)
    bare_rss = 0
    for _ in range(STARTS):
        seconds, bare_rss = bare_app()
        bare_starts.append(seconds)
        journal_starts.append(start_seconds(db))
    figures["start_s"] = round(statistics.median(journal_starts), 3)
    figures["bare_start_s"] = round(statistics.median(bare_starts), 3)
    figures["start_ratio"] = round(figures["start_s"] / figures["bare_start_s"], 2)
    for cols, rows in ((80, 24), (120, 40)):
        figures.update(column_figures(db, login, password, today, cols, rows))
    figures["bare_rss_kib"] = bare_rss
    figures["rss_ratio"] = round(figures["rss_kib"] / bare_rss, 2)
    figures["libraries_rss_kib"] = libraries_rss_kib(db)
    figures["libraries_rss_ratio"] = round(figures["libraries_rss_kib"] / bare_rss, 2)
    pty = open_grid(db, login, password, 80, 24, env={"JOURNAL_TODAY": today})
    figures["grid_open_ms"] = round(pty.grid_open_ms, 1)
    pty.close()
    figures.update(in_process_marks(db, login, password))
    return figures
