"""The database binding: one proxy every model uses, opened from a path or a URL.

SQLite is the embedded default (one file, zero set-up); PostgreSQL serves a district.
The SQLite settings are the ones DESIGN.md measured to survive many concurrent writers:
WAL, synchronous=FULL, foreign keys, a 30 s busy timeout and BEGIN IMMEDIATE writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

import peewee
from playhouse.shortcuts import ReconnectMixin

from models.core.errors import StorageError, StoreBusy

try:
    import fcntl
except ImportError:  # not a POSIX system: SQLite's own locking only
    fcntl = None  # type: ignore[assignment]

DEFAULT_DB = "journal.sqlite"
BUSY_TIMEOUT_S = 30

database = peewee.DatabaseProxy()


def tuples(query: peewee.BaseQuery) -> Iterator[tuple[Any, ...]]:
    """The rows of `query.tuples()`, typed as tuples: Peewee's stubs give .tuples() the type of
    the query itself, whose rows would be model instances (`for a, b in tuples(query)`)."""
    return iter(query.tuples())


def as_date(value: object) -> dt.date:
    """A date as a raw query hands it back: SQLite as text, PostgreSQL as a date (or a
    timestamp, whose day it is)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# prepared statements each connection keeps (Python's default 128): a mark's write runs 10,
# home and the grid about 100 distinct ones; 32 hold the write path and cost 0.24 MB less
# SQLite memory per session with a grid open (1,094 → 859 KB, measured)
CACHED_STATEMENTS = 32
OPTIMIZE_WAIT_MS = 50  # PRAGMA optimize at a connection's close waits this long for the store
OPTIMIZE_ROWS = 1000  # and reads at most this many rows of each index (SQLite's advice: approximate)

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
    # 512 KB per connection: the OS caches the file anyway, and every SSH session holds two
    # connections (issue 16: 2 MB cost a session 1.6 MB more; the school's analysis 0.3 → 0.4 s)
    ("cache_size", -512),
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


def make_database(location: Location, per_thread: bool = False) -> peewee.Database:
    if location.kind == "sqlite":
        if location.path != ":memory:":
            _create_private_file(Path(location.path))
        factory = peewee.SqliteDatabase if location.path == ":memory:" else FairSqliteDatabase
        return factory(
            location.path,
            pragmas=SQLITE_PRAGMAS,
            timeout=BUSY_TIMEOUT_S,
            lock_type="IMMEDIATE",
            check_same_thread=False,
            cached_statements=CACHED_STATEMENTS,
        )
    parts = urlparse(location.url)
    connect: dict[str, Any] = {
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "host": parts.hostname or None,
        "port": parts.port or None,
        **url_parameters(location.url),
    }
    load_postgresql_driver()
    db = JournalPostgresqlDatabase(
        (parts.path or "/").lstrip("/") or "postgres", per_thread=per_thread, **connect
    )
    db.journal_url = location.url  # for pg_dump and pg_restore (models/core/store.py)
    return db


def load_postgresql_driver() -> None:
    """peewee as if it had found psycopg at its own import (models/__init__.py kept the driver
    out, as a SQLite journal never uses it): its module names and its adapter's statuses."""
    if getattr(peewee, "psycopg", None) is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    names = {"psycopg": psycopg, "TransactionStatus": TransactionStatus, "Json_pg3": Json, "Jsonb_pg3": Jsonb}
    vars(peewee).update(names)
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle, adapter.txn_inerror = TransactionStatus.IDLE, TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN


# What a postgresql:// URL may carry after "?" (libpq's names), passed to the driver as they
# are: TLS (sslmode=require or verify-full, with sslrootcert …), timeouts, the name the server
# shows for the session. Anything else is refused rather than silently ignored.
URL_PARAMETERS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "sslpassword",
    "channel_binding",
    "gssencmode",
    "connect_timeout",
    "application_name",
    "target_session_attrs",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "passfile",
    "service",
)
DEFAULT_URL_PARAMETERS = {"application_name": "journal", "connect_timeout": "10"}


def url_parameters(url: str) -> dict[str, str]:
    """The driver's connection parameters given in the URL, over the journal's defaults."""
    given = dict(parse_qsl(urlparse(url).query, keep_blank_values=True))
    unknown = sorted(set(given) - set(URL_PARAMETERS))
    if unknown:
        raise StorageError(
            f"Неизвестные параметры в адресе базы данных: {', '.join(unknown)}. "
            f"Допустимы: {', '.join(URL_PARAMETERS)}."
        )
    return {**DEFAULT_URL_PARAMETERS, **given}


class JournalPostgresqlDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """PostgreSQL that opens a new connection when the server dropped the old one (a restart,
    pg_terminate_backend, a network cut): outside a transaction the statement is simply run
    again on the new connection; inside one it fails as a whole (nothing half-written), and
    the service that ran it closes the broken connection (drop_broken_connection) so that the
    next operation reconnects.

    One connection per process (a session is a process): its threads — the app's, its
    workers, the grid's writer — take turns on it (`taking_turn`): each statement, and each
    transaction whole (models.core.service takes the turn before BEGIN), so two threads'
    work never interleaves inside a transaction. `per_thread`: each thread its own connection
    instead (the SSH server's process, whose pool of --db-connections threads is the bound)."""

    reconnect_errors = (
        (peewee.OperationalError, "server closed the connection"),
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "the connection is closed"),
        (peewee.OperationalError, "the connection is lost"),
        (peewee.OperationalError, "consuming input failed"),
        (peewee.OperationalError, "connection is bad"),
        (peewee.InterfaceError, "connection already closed"),
        (peewee.InterfaceError, "the connection is closed"),
    )

    def __init__(self, database: str, per_thread: bool = False, **kwargs: Any) -> None:
        super().__init__(database, thread_safe=per_thread, **kwargs)
        self.turn: threading.RLock | None = None if per_thread else threading.RLock()
        self._no_wait = threading.local()

    @contextlib.contextmanager
    def taking_turn(self) -> Iterator[None]:
        """This thread's turn on the process's connection (re-entrant); at once or StoreBusy
        inside without_waiting() while another thread has it."""
        turn = self.turn
        if turn is None:
            yield
            return
        if not turn.acquire(blocking=not getattr(self._no_wait, "no_wait", False)):
            raise StoreBusy("База данных занята другой операцией этого сеанса.")
        try:
            yield
        finally:
            turn.release()

    def execute_sql(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        with self.taking_turn():
            return super().execute_sql(sql, params, *args, **kwargs)


def drop_broken_connection() -> bool:
    """Close this thread's connection if the server dropped it, so the next operation opens
    a new one; True if it was dropped. Called after a failed operation, outside transactions."""
    db = database.obj
    if db is None:
        return False
    with turn():
        if db.is_closed() or db.in_transaction():
            return False
        conn = db._state.conn
        if not (getattr(conn, "closed", False) or getattr(conn, "broken", False)):
            return False
        try:
            db.close()
        except (peewee.DatabaseError, peewee.InterfaceError, OSError):
            db._state.reset()
        return True


def turn() -> contextlib.AbstractContextManager[None]:
    """This thread's turn on the process's one connection (PostgreSQL; a no-op where each
    thread has its own): taken before a transaction begins and held to its end."""
    db = database.obj
    if isinstance(db, JournalPostgresqlDatabase):
        return db.taking_turn()
    return contextlib.nullcontext()


def one_connection() -> bool:
    """Whether the process's threads share one connection (a worker then keeps it open when
    it ends: it is the session's)."""
    db = database.obj
    return isinstance(db, JournalPostgresqlDatabase) and db.turn is not None


def release_thread_connection() -> None:
    """A worker thread is done with the store: its own connection is closed (SQLite, or a
    connection per thread); where the process's threads share one, it stays, the session's."""
    db = database.obj
    if db is None or one_connection():
        return
    if not db.is_closed() and not db.in_transaction():
        db.close()


class FairSqliteDatabase(peewee.SqliteDatabase):
    """SQLite whose write transactions queue on an OS lock beside the file, in turn.

    SQLite's own busy handler polls with sleeps of up to 100 ms, so under many writers the
    one that has waited longest keeps losing the lock to those that poll more often: with
    30 processes typing without pause single writes waited up to ~29 s and some passed the
    30 s busy timeout ("database is locked"). Waiting on flock() beside the file, the kernel
    wakes a waiter as soon as the lock is free, and the longest wait stays well under a
    second. The lock dies with its process (kill -9 included). A wait longer than the busy
    timeout goes on without it, so SQLite's timeout still reports a stuck writer.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._write_turn = threading.local()
        self._identity = _file_identity(self.database)  # the file this store was opened on

    def begin(self, *args, **kwargs):
        self._refuse_if_replaced()
        self._release_turn()
        wait = not getattr(self._write_turn, "no_wait", False)
        self._write_turn.fd = _take_turn(self.database + "-lock", float(self._timeout), wait)
        try:
            super().begin(*args, **kwargs)
        except BaseException:
            self._release_turn()
            raise

    def _refuse_if_replaced(self) -> None:
        """A write goes to the file the journal opened, or nowhere: if that file was deleted
        or another one put in its place (an old backup moved over it) while the journal ran,
        SQLite would write into the old, unlinked file and the change would be lost."""
        now = _file_identity(self.database)
        if self._identity is None:
            self._identity = now
        elif now != self._identity:
            raise StorageError(
                f"Файл базы данных {self.database} удалён или заменён другим, пока журнал работал. "
                "Изменение не записано. Закройте журнал и откройте снова; администратору — "
                "проверить файл (journal check)."
            )

    def commit(self):
        try:
            super().commit()
        finally:
            self._release_turn()

    def rollback(self):
        try:
            super().rollback()
        except peewee.OperationalError as exc:
            # SQLite has already rolled the transaction back itself (a full disk, an I/O
            # error): nothing is left to undo, and the failure that caused it is what to say
            if "no transaction is active" not in str(exc):
                raise
        finally:
            self._release_turn()

    def close(self):
        try:
            return super().close()
        finally:
            self._release_turn()

    def _close(self, conn: sqlite3.Connection) -> None:
        """Before a connection closes, SQLite refreshes the planner's statistics of the tables
        its queries used, where they are missing or stale (PRAGMA optimize, as SQLite advises):
        without them every "school_id = ?" looks selective and a class's analysis read every
        mark of the school (62 ms instead of 12). Never waits for another writer: skipped if
        the store is busy or cannot be written (the next connection tries again)."""
        with contextlib.suppress(sqlite3.Error):
            conn.execute(f"PRAGMA busy_timeout = {OPTIMIZE_WAIT_MS}")
            conn.execute(f"PRAGMA analysis_limit = {OPTIMIZE_ROWS}")  # a big school's first close stays quick
            conn.execute("PRAGMA optimize")
        conn.close()

    def _release_turn(self) -> None:
        fd = getattr(self._write_turn, "fd", None)
        if fd is not None:
            self._write_turn.fd = None
            os.close(fd)  # closing the descriptor releases its flock


@contextlib.contextmanager
def without_waiting() -> Iterator[None]:
    """Writes begun in this block on this thread do not queue for the store: while another
    writer holds it, they raise StoreBusy at once, having done nothing (the grid then writes
    the mark from a thread of its own instead of making the keystroke wait). SQLite: the
    whole store's write turn; PostgreSQL (rows are locked, not the store): the session's one
    connection, while another thread of the session has it."""
    db = database.obj
    if isinstance(db, JournalPostgresqlDatabase):  # the session's connection, busy in a worker
        flags = db._no_wait
    elif isinstance(db, FairSqliteDatabase):
        flags = db._write_turn
    else:
        yield
        return
    before = getattr(flags, "no_wait", False)
    flags.no_wait = True
    try:
        yield
    finally:
        flags.no_wait = before


def _file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a file, or None when there is none at that path."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _open_lock_file(path: str) -> int | None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    except OSError:
        return None  # e.g. a read-only folder: SQLite's own locking still applies
    try:  # as shareable as the database itself (0600, or 0660 for a group)
        mode = stat.S_IMODE(os.stat(path[: -len("-lock")]).st_mode) & 0o660
        if mode and stat.S_IMODE(os.fstat(fd).st_mode) != mode:
            os.fchmod(fd, mode)
    except OSError:
        pass
    return fd


def _take_turn(path: str, timeout: float, wait: bool = True) -> int | None:
    """An exclusive flock on `path` (a fresh descriptor), or None after `timeout` seconds;
    StoreBusy at once if another writer has it and `wait` is False."""
    if fcntl is None:
        return None
    fd = _open_lock_file(path)
    if fd is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        if not wait:
            os.close(fd)
            raise StoreBusy("База данных занята другим пользователем.") from None
    except OSError:
        os.close(fd)
        return None
    # Busy: block in a helper thread so that the wait can end at the timeout.
    state = {"abandoned": False, "locked": False}
    guard = threading.Lock()
    done = threading.Event()

    def wait_for_turn() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state["locked"] = True
        except OSError:
            pass
        with guard:
            if state["abandoned"]:
                os.close(fd)
            else:
                done.set()

    threading.Thread(target=wait_for_turn, name="journal-write-turn", daemon=True).start()
    done.wait(timeout)
    with guard:
        if not done.is_set():
            state["abandoned"] = True  # the helper closes the descriptor when it wakes
            return None
    if state["locked"]:
        return fd
    os.close(fd)
    return None


def _create_private_file(path: Path) -> None:
    """Create the SQLite file (and its WAL side files' directory) readable by the owner only."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


def bind(location: Location, per_thread: bool = False) -> peewee.Database:
    """Point every model at the store and connect; returns the live database. PostgreSQL:
    one connection for the process, or one per thread (`per_thread`: the SSH server)."""
    close()
    db = make_database(location, per_thread)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:  # also "file is not a database"
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


def days_after(later: peewee.ColumnBase, earlier: peewee.ColumnBase) -> peewee.ColumnBase:
    """The whole days from the date `earlier` to the day of `later` (a date or a timestamp),
    as an SQL expression: SQLite counts Julian days (of two midnights: a whole number),
    PostgreSQL subtracts dates."""
    if is_sqlite():
        return peewee.fn.julianday(peewee.fn.DATE(later)) - peewee.fn.julianday(earlier)
    return peewee.fn.DATE(later) - earlier
