"""Test helpers shared by the service test modules: a school built once per module and
backend, each test rolled back to exactly it, and reading the audit trail."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from models.core import clock
from models.core import db as dbmod
from models.core.db import database
from models.core.schema import AuditEntry
from models.core.store import open_store
from tests.conftest import PG_URL, TODAY, _reset_postgres
from tests.factory import build_small_school


def built_once(build: Callable[[], object], name: str):
    """A module-scoped fixture `name`: `build()` run once per backend (SQLite, PostgreSQL).

    Pair it with a function-scoped fixture that wraps each test in a transaction and rolls
    it back (`w` below), so that every test starts from exactly what `build()` made.
    """

    @pytest.fixture(scope="module", params=["sqlite", "postgresql"], name=name)
    def fixture(request, tmp_path_factory):
        if request.param == "sqlite":
            url = str(tmp_path_factory.mktemp(name) / "journal.sqlite")
        else:
            if not PG_URL:
                pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
            _reset_postgres(PG_URL)
            url = PG_URL
        clock.freeze(TODAY)
        try:
            open_store(url, create=True)
            built = build()
        finally:
            clock.freeze(None)
        yield built
        dbmod.close()

    return fixture


# The small school, built once per backend for each module that imports these two fixtures;
# every test runs in a transaction rolled back afterwards (import both: `small, small_once`).
small_once = built_once(build_small_school, "small_once")


@pytest.fixture
def small(small_once):
    with database.atomic() as txn:
        yield small_once
        txn.rollback()


def typed_on(day, write):
    """A write made on `day` (a mark then carries that day as when it was typed); today is
    the tests' pinned day again afterwards."""
    clock.freeze(day)
    try:
        return write()
    finally:
        clock.freeze(TODAY)


def last_audit() -> AuditEntry:
    return AuditEntry.select().order_by(AuditEntry.id.desc()).first()


def decoded(entry: AuditEntry) -> tuple[object, object]:
    return (
        json.loads(entry.old) if entry.old else None,
        json.loads(entry.new) if entry.new else None,
    )


# --- Pilot workflows ------------------------------------------------------------------------


async def open_as(app, pilot, login: str, password: str, make_screen):
    """Log in as `login` (straight to the landing screen), then open `make_screen(actor)`."""
    from models.people import accounts

    result = accounts.authenticate(login, password)
    app.land(result)
    await pilot.pause()
    screen = make_screen(result.actor)
    app.push_screen(screen)
    await pilot.pause()
    return screen


def course_choice(actor, year_id: int, course_id: int):
    """The course as the user's picker lists it on the tests' Saturday (28.11.2026)."""
    import datetime as dt

    from models.journal.grid import course_choices

    return next(c for c in course_choices(actor, year_id, dt.date(2026, 11, 28)) if c.course_id == course_id)


def table_rows(screen, selector: str = "DataTable") -> list[list[str]]:
    """The cells of a screen's DataTable as text, row by row."""
    table = screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def notifications(app) -> list[str]:
    """The messages the app has shown with notify(), oldest first."""
    return [n.message for n in app._notifications]


# --- the command line ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def run_journal(argv: list[str], stdin: str = "") -> int:
    """`journal …` in this process (journal.main), with a given standard input; the store it
    opened is closed afterwards, as when the command's process ends."""
    import journal
    from models.core import db as dbmod

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return journal.main(argv)
    finally:
        sys.stdin = old
        dbmod.close()


def journal_process(
    *args: str, stdin: str = "", db: Path | str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`journal …` as a process of its own, from the checkout (JOURNAL_DB=db when given)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if db is not None:
        env["JOURNAL_DB"] = str(db)
    return subprocess.run(
        [sys.executable, str(ROOT / "journal.py"), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
