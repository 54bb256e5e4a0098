"""Test helpers shared by the service test modules: a school built once per module and
backend, each test rolled back to exactly it, and reading the audit trail."""

from __future__ import annotations

import json
from collections.abc import Callable

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


def table_rows(screen, selector: str = "DataTable") -> list[list[str]]:
    """The cells of a screen's DataTable as text, row by row."""
    table = screen.query_one(selector)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
