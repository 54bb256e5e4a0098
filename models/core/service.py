"""The shape of every write: one transaction, errors a teacher can read.

A service function takes the acting user first; this decorator runs it inside one write
transaction (BEGIN IMMEDIATE on SQLite) so that the check of the account as it is now, the
permission check, validation, the write and its audit entry stand or fall together, and
turns database failures into `StorageError` / `ValidationError` with Russian messages.
Nothing half-written survives; a connection the database server dropped is replaced at the
next operation.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import peewee

from models.core.access import Actor, require_current
from models.core.db import database, drop_broken_connection, release_thread_connection, turn
from models.core.db import without_waiting as db_without_waiting
from models.core.errors import JournalError, StorageError, ValidationError

P = ParamSpec("P")
R = TypeVar("R")


def storage_message(exc: BaseException, writing: bool = True) -> str:
    """What a teacher reads when the store failed: why, and that nothing was half-done."""
    text = str(exc).lower()
    outcome = "Изменение не записано" if writing else "Данные не прочитаны"
    if "locked" in text or "busy" in text:
        return f"База данных занята другим пользователем дольше обычного. {outcome}, попробуйте ещё раз."
    if "full" in text or "no space" in text or "disk i/o" in text:
        return f"Не хватает места на диске или диск недоступен. {outcome}; сообщите администратору."
    if "readonly" in text or "read-only" in text:
        return f"База данных открыта только для чтения. {outcome}."
    if any(word in text for word in ("connect", "server closed", "terminating", "connection")):
        return f"Нет связи с сервером базы данных. {outcome}, попробуйте ещё раз через минуту."
    if "malformed" in text or "not a database" in text:
        return f"Файл базы данных повреждён. {outcome}; сообщите администратору (journal check)."
    return f"Ошибка базы данных. {outcome}: {exc}"


# the drivers' own errors too: a row fetched after the statement ran is not wrapped by Peewee
STORE_FAILURES = (peewee.DatabaseError, peewee.InterfaceError, sqlite3.Error, OSError)


def storage_failure(exc: BaseException, writing: bool = True) -> StorageError | None:
    """The store's own failure (a driver's or the file system's) as a StorageError, or None
    for anything else. A connection the server dropped is closed, so the next operation opens
    a new one (the app goes on after a restart of the database server)."""
    if isinstance(exc, StorageError):
        return exc
    if not isinstance(exc, STORE_FAILURES):
        return None
    drop_broken_connection()
    failure = StorageError(storage_message(exc, writing))
    failure.__cause__ = exc
    return failure


def release_connection() -> None:
    """A worker thread is done with the store (its connection closes)."""
    release_thread_connection()


# service writes begun inside it raise StoreBusy at once instead of waiting for the store's
# turn (SQLite): models.core.db's, given here to the rooms above that may not import db
without_waiting = db_without_waiting


def in_one_turn(calls: list[Callable[[], R]]) -> list[R | JournalError]:
    """Service calls written in one transaction — one turn on the store instead of one each —
    each in a savepoint of its own: a refused call changes nothing and the others stand (its
    JournalError is its result); if the store itself fails, every call gets that failure and
    nothing of any is written. Results are in the calls' order."""
    try:
        with turn(), database.atomic():
            results: list[R | JournalError] = []
            for call in calls:
                try:
                    results.append(call())
                except JournalError as exc:
                    results.append(exc)
            return results
    except JournalError as exc:
        return [exc] * len(calls)
    except STORE_FAILURES as exc:
        failure = storage_failure(exc)
        assert failure is not None
        return [failure] * len(calls)


def _acting(args: tuple, kwargs: dict) -> Actor | None:
    """The acting user of a service call: its first argument (or `actor=`), if any."""
    if args and isinstance(args[0], Actor):
        return args[0]
    candidate = kwargs.get("actor")
    return candidate if isinstance(candidate, Actor) else None


def service(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = _acting(args, kwargs)
        try:
            with turn(), database.atomic():  # the session's connection first, then BEGIN
                if actor is not None:  # the account as it is now, inside the write's transaction
                    require_current(actor)
                return fn(*args, **kwargs)
        except JournalError:
            raise
        except peewee.IntegrityError as exc:
            raise ValidationError(
                "Изменение противоречит уже сохранённым данным (повтор или ссылка на "
                f"несуществующую запись): {exc}"
            ) from exc
        except STORE_FAILURES as exc:
            raise storage_failure(exc) from exc  # type: ignore[misc]

    return run


def reading(fn: Callable[P, R]) -> Callable[P, R]:
    """Reads translate storage failures the same way, without a write transaction."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        actor = _acting(args, kwargs)
        try:
            if actor is not None:
                require_current(actor)
            return fn(*args, **kwargs)
        except JournalError:
            raise
        except STORE_FAILURES as exc:
            raise storage_failure(exc, writing=False) from exc  # type: ignore[misc]

    return run
