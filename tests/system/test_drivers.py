"""PostgreSQL's driver is imported when a PostgreSQL store is made, not with peewee: a SQLite
journal's process never carries it (12 MB resident, a sixth of a second at start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_app_and_a_sqlite_store_import_no_postgresql_driver(tmp_path: Path) -> None:
    store = str(tmp_path / "school.sqlite")
    run_python(f"from models.core.store import open_store; open_store({store!r}, create=True)")
    found = run_python(
        "import sys, tui.app, journal\n"
        "from models.core.store import open_store\n"
        "from models.core.schema import School\n"
        f"open_store({store!r})\n"
        "assert School.select().count() == 0\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('psycopg', 'psycopg2')))"
    )
    assert found == "[]"


def test_a_postgresql_store_opened_after_peewee_loads_the_driver() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need JOURNAL_TEST_PG=postgresql://… (set by .ci/run)")
    found = run_python(
        "import sys, models.core.db as dbmod, peewee\n"
        "assert 'psycopg' not in sys.modules\n"
        f"db = dbmod.make_database(dbmod.resolve({PG_URL!r}))\n"
        "print(type(db._adapter).__name__, db.execute_sql('SELECT 40 + 2').fetchone()[0])"
    )
    assert found == "Psycopg3Adapter 42"
