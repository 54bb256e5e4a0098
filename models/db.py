"""The database binding: one proxy every model uses, opened from a path or a URL.

SQLite is the embedded default (one file, zero set-up); PostgreSQL serves a district.
The SQLite settings are the ones DESIGN.md measured to survive many concurrent writers:
WAL, synchronous=FULL, foreign keys, a 30 s busy timeout and BEGIN IMMEDIATE writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from models.errors import StorageError

DEFAULT_DB = "journal.sqlite"
BUSY_TIMEOUT_S = 30

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    ("cache_size", -16000),
)


@dataclass(frozen=True)
class Location:
    """Where the store lives: `kind` is "sqlite" or "postgresql"."""

    kind: str
    path: str = ""  # sqlite file, or ":memory:"
    url: str = ""  # postgresql URL

    def describe(self) -> str:
        return self.path if self.kind == "sqlite" else _hide_password(self.url)


def resolve(url: str | None = None) -> Location:
    """A `--db` value, else `JOURNAL_DB`, else journal.sqlite in the current folder."""
    raw = url or os.environ.get("JOURNAL_DB") or DEFAULT_DB
    if raw.startswith(("postgresql://", "postgres://")):
        return Location("postgresql", url=raw)
    if raw.startswith("sqlite:///"):
        return Location("sqlite", path=unquote(raw[len("sqlite:///") :]) or ":memory:")
    if raw.startswith("sqlite://"):
        return Location("sqlite", path=":memory:")
    if "://" in raw:
        raise StorageError(f"Неизвестный адрес базы данных: {_hide_password(raw)}")
    return Location("sqlite", path=raw)


def _hide_password(url: str) -> str:
    parts = urlparse(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def make_database(location: Location) -> peewee.Database:
    if location.kind == "sqlite":
        if location.path != ":memory:":
            _create_private_file(Path(location.path))
        return peewee.SqliteDatabase(
            location.path,
            pragmas=SQLITE_PRAGMAS,
            timeout=BUSY_TIMEOUT_S,
            lock_type="IMMEDIATE",
            check_same_thread=False,
        )
    parts = urlparse(location.url)
    return peewee.PostgresqlDatabase(
        (parts.path or "/").lstrip("/") or "postgres",
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or None,
        port=parts.port or None,
    )


def _create_private_file(path: Path) -> None:
    """Create the SQLite file (and its WAL side files' directory) readable by the owner only."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def bind(location: Location) -> peewee.Database:
    """Point every model at the store and connect; returns the live database."""
    close()
    db = make_database(location)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        raise StorageError(f"Не удалось открыть базу данных {location.describe()}: {exc}") from exc
    if location.kind == "sqlite" and location.path != ":memory:":
        # WAL side files inherit the umask; keep them as private as the main file.
        for suffix in ("-wal", "-shm"):
            side = Path(location.path + suffix)
            if side.exists():
                os.chmod(side, 0o600)
    return db


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)
