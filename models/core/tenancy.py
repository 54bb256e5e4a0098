"""Which school the process works in (issue 20: many schools in one PostgreSQL database).

Every school-owned row carries its school (models.core.schema.SchoolOwned), and every query
of such a model is made within the school in scope: `select`, `update` and `delete` add
`school_id = <scope>` to the main table, each join between two school-owned tables adds
equal schools to its ON clause, and an insert takes the scope as its school. A session's
scope is set once, at login, from the account (one process per session, tui/serve), so a
teacher can reach no other school's row by any id; a command-line tool chooses its school
with --school, or gets the only one there is.

No scope at all is an error, not "everything": a query made before a school was chosen
fails loudly (NoSchool). The district's reports read across schools inside `district()`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from models.core.errors import JournalError


class NoSchool(JournalError):
    """A school's data was reached with no school in scope: a programming error, reported
    in Russian should it ever reach a screen."""


ALL = -1  # the district's own reads: no school filter
_session: int | None = None  # the process's school, set at login or a tool's start (enter)
_override = threading.local()  # within(): this thread only, for a while
_held = False  # hold(): the process stays in its school (a host of several sessions)


def _scope() -> int | None:
    stack = getattr(_override, "stack", None)
    return stack[-1] if stack else _session


def current() -> int:
    """The school in scope (an insert's default school); NoSchool outside one."""
    scope = _scope()
    if scope is None or scope == ALL:
        raise NoSchool("Не выбрана школа: действие выполняется только внутри одной школы.")
    return scope


def current_or_none() -> int | None:
    """The school in scope, or None (the district's own entries: its audit, its logins)."""
    scope = _scope()
    return None if scope in (None, ALL) else scope


def filter_value() -> int | None:
    """The school_id every query must match, or None in the district's reads; NoSchool when
    no school was chosen."""
    scope = _scope()
    if scope is None:
        raise NoSchool("Не выбрана школа: данные школы читаются только внутри неё.")
    return None if scope == ALL else scope


def enter(school_id: int | None) -> None:
    """The process works in this school from now on, in every thread (a session at login, a
    tool at start); None: no school (before login, a district administrator's session).
    In a process held to its school (`hold`), another school is refused."""
    global _session
    if _held and school_id != _session:
        raise NoSchool("Этот процесс журнала работает только с сеансами своей школы.")
    _session = school_id


def hold(school_id: int | None) -> None:
    """The process works in `school_id` for good: a host of one school's SSH sessions
    (tui/serve/host.py), whose sessions are threads of one process, never enters another."""
    global _session, _held
    _session, _held = school_id, True


@contextlib.contextmanager
def within(school_id: int) -> Iterator[None]:
    """Work in `school_id` for a while in this thread (the district admin creating a school,
    the district report reading one school after another, a login's lookup), then back to
    the previous scope. Other threads keep theirs: the SSH server checks many logins at once."""
    stack = getattr(_override, "stack", None)
    if stack is None:
        stack = _override.stack = []
    stack.append(school_id)
    try:
        yield
    finally:
        stack.pop()


def district() -> contextlib.AbstractContextManager[None]:
    """Read across every school (a login's lookup, the district's reports)."""
    return within(ALL)
