"""Fixtures: a fresh store per test on SQLite, and on PostgreSQL where JOURNAL_TEST_PG names one."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import peewee
import pytest

from models.core import clock
from models.core import db as dbmod
from models.core.store import open_store
from tests.factory import SmallSchool, build_small_school


def _worker_url(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own beside the one named
    (journal_test → journal_test_gw0, …), created if missing: workers never share a store."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    base, _, rest = url.partition("?")
    server, _, name = base.rpartition("/")
    own = f"{name}_{worker}"
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone():
                conn.execute(f'CREATE DATABASE "{own}"')
    except Exception:  # noqa: BLE001 — unreachable: the tests skip with the reason
        pass
    return f"{server}/{own}" + (f"?{rest}" if rest else "")


PG_URL = _worker_url(os.environ.get("JOURNAL_TEST_PG", ""))
TODAY = dt.date(2026, 11, 28)  # a Saturday in the 2nd quarter of 2026/2027


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every test (and every process it starts) lives on the same day, whenever it runs."""
    monkeypatch.setenv("JOURNAL_TODAY", TODAY.isoformat())
    clock.freeze(TODAY)
    yield TODAY
    clock.freeze(None)


@pytest.fixture(autouse=True)
def private_exports(tmp_path_factory, monkeypatch):
    """No test writes into the home folder: the exports root is a fresh temporary folder
    (a test that wants to look at it sets JOURNAL_EXPORT_DIR itself)."""
    monkeypatch.setenv("JOURNAL_EXPORT_DIR", str(tmp_path_factory.mktemp("exports")))


def demo_location(backend: str, tmp_path_factory, folder: str) -> str:
    """Where a module's demo school is built: a new SQLite file, or the test PostgreSQL
    database emptied first (skipped without one)."""
    if backend == "sqlite":
        return str(tmp_path_factory.mktemp(folder) / "journal-demo.sqlite")
    if not PG_URL:
        pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://…")
    _reset_postgres(PG_URL)
    return PG_URL


def _reset_postgres(url: str) -> None:
    location = dbmod.resolve(url)
    db = dbmod.make_database(location)
    try:
        db.connect()
    except peewee.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {location.describe()} is not reachable: {exc}")
    db.execute_sql("DROP SCHEMA IF EXISTS public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()


@pytest.fixture
def sqlite_store(tmp_path: Path):
    """An empty, migrated SQLite store in a temporary file."""
    path = tmp_path / "journal.sqlite"
    open_store(str(path), create=True)
    yield path
    dbmod.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path: Path):
    """An empty, migrated store: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = str(tmp_path / "journal.sqlite")
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
        _reset_postgres(PG_URL)
        url = PG_URL
    open_store(url, create=True)
    yield request.param
    dbmod.close()


@pytest.fixture
def small(store) -> SmallSchool:
    return build_small_school()


@pytest.fixture
def small_sqlite(sqlite_store) -> SmallSchool:
    return build_small_school()
