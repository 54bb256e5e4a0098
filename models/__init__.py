"""The journal's rules and its store: no screens here (tui/ draws them), no files (exports/).

peewee imports PostgreSQL's drivers (psycopg, psycopg2) at its own import whenever they are
installed: 12 MB resident and a sixth of a second at every start, in a journal most schools run
on one SQLite file. peewee is first imported here with the drivers kept out; models.core.db
brings psycopg in when a PostgreSQL store is made (load_postgresql_driver)."""

import sys

DRIVERS = ("psycopg", "psycopg2")
if "peewee" not in sys.modules:
    kept_out = [name for name in DRIVERS if name not in sys.modules]
    for name in kept_out:
        sys.modules[name] = None  # type: ignore[assignment]  # peewee's `import` fails; it goes on
    try:
        import peewee  # noqa: F401
    finally:
        for name in kept_out:
            del sys.modules[name]
