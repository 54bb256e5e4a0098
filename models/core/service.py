"""The shape of every write: one transaction, errors a teacher can read.

A service function takes the acting user first; this decorator runs it inside one write
transaction (BEGIN IMMEDIATE on SQLite) so that the check of the account as it is now, the
permission check, validation, the write and its audit entry stand or fall together, and turns database failures into
`StorageError` / `ValidationError` with Russian messages. Nothing half-written survives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import peewee

from models.core.access import Actor, require_current
from models.core.db import database
from models.core.errors import JournalError, StorageError, ValidationError

P = ParamSpec("P")
R = TypeVar("R")


def storage_message(exc: BaseException) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "База данных занята другим пользователем дольше обычного. Изменение не записано, попробуйте ещё раз."
    if "full" in text or "no space" in text or "disk i/o" in text:
        return (
            "Не хватает места на диске или диск недоступен. Изменение не записано; сообщите администратору."
        )
    if "readonly" in text or "read-only" in text:
        return "База данных открыта только для чтения. Изменение не записано."
    if "connect" in text or "server closed" in text or "terminating" in text:
        return "Нет связи с сервером базы данных. Изменение не записано, попробуйте позже."
    return f"Ошибка базы данных, изменение не записано: {exc}"


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
            with database.atomic():
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
        except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
            raise StorageError(storage_message(exc)) from exc

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
        except (peewee.DatabaseError, peewee.InterfaceError, OSError) as exc:
            raise StorageError(storage_message(exc)) from exc

    return run
