"""Small helpers the school's modules share: dates as text, a person's name, the lessons
that carry marks or absences (never deleted or moved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from peewee import chunked

from models.core.db import tuples
from models.core.errors import ValidationError
from models.core.schema import (
    Absence,
    Mark,
    User,
)
from models.core.validation import parse_date

CHUNK = 400


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "—"


def _person(user: User | None, short: bool = False) -> str:
    if user is None:
        return ""
    if short:
        initials = "".join(f"{p[0]}." for p in (user.first_name, user.patronymic) if p)
        return f"{user.surname} {initials}".strip()
    return " ".join(p for p in (user.surname, user.first_name, user.patronymic) if p)


def _date(value: object, label: str) -> dt.date:
    day = parse_date(value, label)
    if day is None:
        raise ValidationError(f"Укажите дату: «{label}».")
    return day


def _has_entries(lesson_ids: Iterable[int]) -> set[int]:
    """The lessons among these that carry a mark or an absence."""
    ids = list(lesson_ids)
    found: set[int] = set()
    for part in chunked(ids, CHUNK):
        found |= {r for (r,) in tuples(Mark.select(Mark.lesson).where(Mark.lesson.in_(part)))}
        found |= {r for (r,) in tuples(Absence.select(Absence.lesson).where(Absence.lesson.in_(part)))}
    return found
