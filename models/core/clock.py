"""The journal's notion of today: the system clock, or a fixed day for demos and tests.

`JOURNAL_TODAY=2026-11-28` (or `freeze()`) pins the date, so a demo school and the tests
behave the same whatever day they run on; the time of day still moves.
"""

from __future__ import annotations

import datetime as dt
import os

_fixed: dt.date | None = None


def _from_env() -> dt.date | None:
    raw = os.environ.get("JOURNAL_TODAY", "").strip()
    return dt.date.fromisoformat(raw) if raw else None


def freeze(day: dt.date | None) -> None:
    """Pin today to `day` (None: back to the environment or the system clock)."""
    global _fixed
    _fixed = day


def today() -> dt.date:
    return _fixed or _from_env() or dt.date.today()


def now() -> dt.datetime:
    moment = dt.datetime.now().replace(microsecond=0)
    day = _fixed or _from_env()
    return dt.datetime.combine(day, moment.time()) if day else moment
